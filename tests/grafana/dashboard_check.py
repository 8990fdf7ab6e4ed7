#!/usr/bin/env python3
"""Checks for grafana/dashboards/alertgate-drill.json (stdlib only; driven by check_dashboard.sh).

Subcommands:
  lint DASHBOARD            structure, datasource variable, variables, metric names, mappings,
                            formatting, provisioning files
  format DASHBOARD          rewrite the file in the canonical format (2-space JSON), dropping
                            export noise (id, version, iteration, __inputs, pluginVersion, ...)
  rules DASHBOARD OUT       every PromQL expression, variables substituted, as recording rules
                            (for `promtool check rules OUT`)
  free-port                 print a free loopback TCP port
  wait URL                  poll URL until it answers 200
  wait-scraped              poll Prometheus until up{job=...} == 1
  quick-drill               start a drill on alertgate and produce pass and silent verdicts
  query DASHBOARD           run every query against Prometheus's /api/v1/query, report empty ones
"""
import argparse
import datetime
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

DATASOURCE_REF = {"type": "prometheus", "uid": "${datasource}"}
NO_QUERY_TYPES = {"row", "text"}
FORBIDDEN_TOP_KEYS = {"__inputs", "__requires", "__elements", "id", "iteration", "version", "gnetId"}
BUILTIN_VARIABLES = {
    "__interval": "1m",
    "__interval_ms": "60000",
    "__rate_interval": "1m",
    "__range": "5m",
    "__range_s": "300",
    "__range_ms": "300000",
}
# Grafana's other built-ins: allowed in the dashboard, but no query here may use them.
OTHER_BUILTINS = {"__from", "__to", "__dashboard", "__org", "__user", "__name", "__all_variables",
                  "__url_time_range", "timeFilter", "__timeFilter"}
VERDICTS = {"pass", "fail", "pending", "late", "incomplete", "silent"}
DRILL_VARIABLE_QUERY = "label_values(alertgate_drill_verdict, drill)"

# Queries allowed to return nothing, with the reason. Keep this list tiny: everything else must
# return data after the quick scenario (and after a full e2e drill).
ALLOWED_EMPTY = {
    ("annotation", "Clears", "Anno"): "only once the runner reports a clear (POST .../clear)",
    ("panel", 8, "H"): "the 'Cleared at' column: only once the runner reports a clear",
}

VAR_RE = re.compile(r"\$\{([A-Za-z_]\w*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)|\[\[([A-Za-z_]\w*)(?::[^\]]*)?\]\]")
LABEL_VALUES_RE = re.compile(r"^\s*label_values\(\s*([A-Za-z_:][\w:]*)\s*,\s*([A-Za-z_]\w*)\s*\)\s*$")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append(f"{where}: {what}")


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, json.loads(text)


def canonical(dashboard):
    return json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n"


def all_panels(dashboard):
    """Top-level panels and the panels of collapsed rows."""
    for p in dashboard.get("panels", []):
        yield p
        for inner in p.get("panels", []) or []:
            yield inner


def panel_label(p):
    return f"panel {p.get('id')} '{p.get('title', '')}'"


def variable_query(v):
    q = v.get("query")
    if isinstance(q, dict):
        return q.get("query", "")
    return q or ""


def queries(dashboard):
    """Every PromQL expression: (kind, key, refId, label, expr)."""
    out = []
    for p in all_panels(dashboard):
        for t in p.get("targets", []) or []:
            if t.get("expr"):
                out.append(("panel", p.get("id"), t.get("refId"), panel_label(p), t["expr"]))
    for a in dashboard.get("annotations", {}).get("list", []):
        expr = (a.get("target") or {}).get("expr") or a.get("expr")
        if expr:
            ref = (a.get("target") or {}).get("refId", "Anno")
            out.append(("annotation", a.get("name"), ref, f"annotation '{a.get('name')}'", expr))
    return out


def walk_strings(node, path="$"):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_strings(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def walk_key(node, key, path="$"):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield f"{path}.{k}", v
            yield from walk_key(v, key, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_key(v, key, f"{path}[{i}]")


def exported_metric_names(metrics_source):
    """Metric names from src/metrics/metrics.cc (the truth), with histogram series names."""
    with open(metrics_source, encoding="utf-8") as f:
        src = f.read()
    names = set(re.findall(r'"(alertgate_[a-z0-9_]+)"', src))
    histograms = set(re.findall(r'BuildHistogram\(\)\s*\.Name\("(alertgate_[a-z0-9_]+)"\)', src))
    for h in histograms:
        names |= {h + "_bucket", h + "_sum", h + "_count"}
        names.discard(h)
    return names


def lint(args):
    text, d = load(args.dashboard)
    pr = Problems()

    # -- top level
    for key in ("title", "uid", "schemaVersion", "panels", "templating", "annotations", "time"):
        if key not in d:
            pr.add("dashboard", f"missing '{key}'")
    sv = d.get("schemaVersion")
    if not isinstance(sv, int) or not 36 <= sv <= 41:
        pr.add("dashboard", f"schemaVersion {sv!r} is not one of Grafana 10/11 (36..41)")
    for key in sorted(FORBIDDEN_TOP_KEYS & set(d)):
        pr.add("dashboard", f"exported noise '{key}' (ids, versions and import inputs churn on every save)")
    if text != canonical(d):
        pr.add("formatting", "not in the canonical 2-space JSON format; run "
               "`python3 tests/grafana/dashboard_check.py format " + args.dashboard + "`")

    # -- templating
    variables = d.get("templating", {}).get("list", [])
    names = [v.get("name") for v in variables]
    for n in sorted({n for n in names if names.count(n) > 1}):
        pr.add("templating", f"variable '{n}' defined twice")
    by_name = {v.get("name"): v for v in variables}
    ds = by_name.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        pr.add("templating", "needs a variable 'datasource' of type datasource with query 'prometheus'")
    drill = by_name.get("drill")
    if not drill or drill.get("type") != "query":
        pr.add("templating", "needs a query variable 'drill'")
    elif variable_query(drill).replace(" ", "") != DRILL_VARIABLE_QUERY.replace(" ", ""):
        pr.add("templating", f"variable 'drill' must query {DRILL_VARIABLE_QUERY}")
    for v in variables:
        if v.get("type") == "query":
            if v.get("datasource") != DATASOURCE_REF:
                pr.add(f"variable '{v.get('name')}'", f"datasource must be {DATASOURCE_REF}")
            if not LABEL_VALUES_RE.match(variable_query(v)):
                pr.add(f"variable '{v.get('name')}'", "query must be label_values(metric, label)")

    # -- every datasource reference is the variable (no hard-coded uid anywhere)
    for path, ref in walk_key(d, "datasource"):
        if ref != DATASOURCE_REF:
            pr.add(path, f"datasource {ref!r} is not {DATASOURCE_REF}")

    # -- panels
    panels = list(all_panels(d))
    ids = [p.get("id") for p in panels]
    for p in panels:
        if not isinstance(p.get("id"), int):
            pr.add(panel_label(p), "id must be an integer")
    for i in sorted({i for i in ids if ids.count(i) > 1 and isinstance(i, int)}):
        pr.add(f"panel {i}", "duplicate panel id")
    boxes = []
    for p in panels:
        where = panel_label(p)
        if "pluginVersion" in p:
            pr.add(where, "exported noise 'pluginVersion' (changes with every Grafana upgrade)")
        if not p.get("type"):
            pr.add(where, "no type")
        if not p.get("title"):
            pr.add(where, "no title")
        g = p.get("gridPos")
        if not isinstance(g, dict) or not all(isinstance(g.get(k), int) for k in ("h", "w", "x", "y")):
            pr.add(where, "gridPos with integer h, w, x, y is required")
        else:
            if g["w"] < 1 or g["h"] < 1 or g["x"] < 0 or g["y"] < 0 or g["x"] + g["w"] > 24:
                pr.add(where, f"gridPos {g} is outside the 24-column grid")
            boxes.append((where, g))
        if p.get("type") in NO_QUERY_TYPES:
            continue
        targets = p.get("targets") or []
        if not targets:
            pr.add(where, "has no query")
        if p.get("datasource") != DATASOURCE_REF:
            pr.add(where, f"panel datasource must be {DATASOURCE_REF}")
        refs = [t.get("refId") for t in targets]
        for r in sorted({r for r in refs if refs.count(r) > 1}):
            pr.add(where, f"duplicate refId {r}")
        for t in targets:
            if not t.get("refId"):
                pr.add(where, "a query has no refId")
            if not (t.get("expr") or "").strip():
                pr.add(f"{where} {t.get('refId')}", "empty expr")
            if t.get("datasource") != DATASOURCE_REF:
                pr.add(f"{where} {t.get('refId')}", f"query datasource must be {DATASOURCE_REF}")
    for i, (wa, a) in enumerate(boxes):
        for wb, b in boxes[i + 1:]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):
                pr.add(wa, f"overlaps {wb}")

    # -- annotations
    anno_names = []
    for a in d.get("annotations", {}).get("list", []):
        where = f"annotation '{a.get('name')}'"
        anno_names.append(a.get("name"))
        expr = (a.get("target") or {}).get("expr") or a.get("expr")
        if not expr:
            pr.add(where, "no expr")
        elif a.get("useValueForTime") and "* 1000" not in expr:
            pr.add(where, "useValueForTime takes milliseconds: the expr must multiply the *_seconds by 1000")
    for n in sorted({n for n in anno_names if anno_names.count(n) > 1}):
        pr.add("annotations", f"'{n}' defined twice")

    # -- variables used are defined, and defined ones are used
    defined = set(names)
    used = set()
    for path, s in walk_strings(d):
        for m in VAR_RE.finditer(s):
            name = m.group(1) or m.group(2) or m.group(3)
            used.add(name)
            if name not in defined and name not in BUILTIN_VARIABLES and name not in OTHER_BUILTINS:
                pr.add(path, f"uses undefined variable ${name}")
    for n in sorted(defined - used):
        pr.add("templating", f"variable '{n}' is never used")

    # -- metric names and verdict label values exist
    exported = exported_metric_names(args.metrics_source) | {"up"}
    for kind, key, ref, label, expr in queries(d):
        for m in sorted(set(re.findall(r"\balertgate_[A-Za-z0-9_]+", expr))):
            if m not in exported:
                pr.add(f"{label} {ref}", f"metric {m} is not exported by {args.metrics_source}")
        for v in re.findall(r'verdict\s*=\s*"([^"]*)"', expr):
            if v not in VERDICTS:
                pr.add(f"{label} {ref}", f"verdict \"{v}\" is not one of {sorted(VERDICTS)}")
    for v in variables:
        m = LABEL_VALUES_RE.match(variable_query(v))
        if m and m.group(1) not in exported:
            pr.add(f"variable '{v.get('name')}'", f"metric {m.group(1)} is not exported")

    # -- verdict encodings (`verdict="x"} * N`) have a value mapping N -> X
    for p in panels:
        codes = {}
        for t in p.get("targets", []) or []:
            for v, n in re.findall(r'verdict="([a-z]+)"\}\s*\*\s*(\d+)', t.get("expr", "")):
                codes[n] = v
        if not codes:
            continue
        mapped = {}
        for _, mappings in walk_key(p.get("fieldConfig", {}), "mappings"):
            for mp in mappings or []:
                mapped.update((mp.get("options") or {}) if mp.get("type") == "value" else {})
        for _, prop in walk_key(p.get("fieldConfig", {}), "properties"):
            for item in prop:
                if item.get("id") == "mappings":
                    for mp in item.get("value") or []:
                        if mp.get("type") == "value":
                            mapped.update(mp.get("options") or {})
        for n, v in sorted(codes.items()):
            text = (mapped.get(n) or {}).get("text")
            if text is None or text.lower() != v:
                pr.add(panel_label(p), f"verdict code {n} ({v}) has no value mapping to '{v.upper()}'")

    # -- provisioning
    prov = args.provisioning
    ds_file = os.path.join(prov, "datasources", "alertgate.yml")
    db_file = os.path.join(prov, "dashboards", "alertgate.yml")
    for f in (ds_file, db_file):
        if not os.path.isfile(f):
            pr.add("provisioning", f"missing {f}")
    if os.path.isfile(ds_file):
        with open(ds_file, encoding="utf-8") as f:
            ds_text = f.read()
        for needle in ("apiVersion: 1", "type: prometheus", "url: http://127.0.0.1:9090"):
            if needle not in ds_text:
                pr.add(ds_file, f"expected '{needle}'")
    if os.path.isfile(db_file):
        with open(db_file, encoding="utf-8") as f:
            db_text = f.read()
        for needle in ("apiVersion: 1", "type: file"):
            if needle not in db_text:
                pr.add(db_file, f"expected '{needle}'")
        m = re.search(r"^\s*path:\s*(\S+)\s*$", db_text, re.M)
        if not m:
            pr.add(db_file, "no 'path:' option")
        else:
            # Grafana expands environment variables in provisioning files (os.ExpandEnv).
            saved = os.environ.get("GF_PATHS_PROVISIONING")
            os.environ["GF_PATHS_PROVISIONING"] = os.path.abspath(prov)
            resolved = os.path.realpath(os.path.expandvars(m.group(1)))
            if saved is None:
                del os.environ["GF_PATHS_PROVISIONING"]
            else:
                os.environ["GF_PATHS_PROVISIONING"] = saved
            want = os.path.realpath(os.path.dirname(os.path.abspath(args.dashboard)))
            if resolved != want:
                pr.add(db_file, f"path resolves to {resolved} with GF_PATHS_PROVISIONING={prov}, "
                       f"not to the dashboards folder {want}")

    n_queries = len(queries(d))
    if pr.items:
        for item in pr.items:
            print(f"FAIL {item}")
        print(f"lint: {len(pr.items)} problem(s)")
        return 1
    print(f"lint: ok ({len(panels)} panels, {n_queries} queries, {len(variables)} variables, "
          f"{len(anno_names)} annotations)")
    return 0


def substitute(expr, values):
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name in values:
            return values[name]
        if name in BUILTIN_VARIABLES:
            return BUILTIN_VARIABLES[name]
        raise KeyError(f"no value for ${name}")
    return VAR_RE.sub(repl, expr)


def prom_escape(value):
    # What Grafana's Prometheus data source does to a single-valued variable (prometheusRegularEscape).
    return value.replace("\\", "\\\\").replace("'", "\\\\'")


def rules(args):
    _, d = load(args.dashboard)
    values = {"drill": prom_escape(args.drill), "job": prom_escape(args.job), "datasource": "prometheus"}
    out = []
    for kind, key, ref, label, expr in queries(d):
        name = f"grafana_dashboard:{kind}_{re.sub(r'[^A-Za-z0-9_]', '_', str(key))}:{ref}"
        out.append({"record": name, "expr": substitute(expr, values)})
    for v in d.get("templating", {}).get("list", []):
        m = LABEL_VALUES_RE.match(variable_query(v)) if v.get("type") == "query" else None
        if m:
            out.append({"record": f"grafana_dashboard:variable_{v['name']}", "expr": m.group(1)})
    # JSON is YAML: promtool reads it as a rules file.
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"groups": [{"name": "grafana-dashboard", "rules": out}]}, f, indent=2)
        f.write("\n")
    print(f"rules: {len(out)} expressions written to {args.out}")
    return 0


def format_cmd(args):
    """Canonical format; also drops what a Grafana export adds that churns on every save."""
    _, d = load(args.dashboard)
    for key in FORBIDDEN_TOP_KEYS:
        d.pop(key, None)
    for p in all_panels(d):
        p.pop("pluginVersion", None)
    with open(args.dashboard, "w", encoding="utf-8") as f:
        f.write(canonical(d))
    return 0


def free_port(_args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()
    return 0


def http(method, url, body=None, timeout=10):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait(args):
    deadline = time.monotonic() + args.timeout
    last = None
    while time.monotonic() < deadline:
        try:
            code, _ = http("GET", args.url, timeout=2)
            if code == 200:
                return 0
            last = f"HTTP {code}"
        except OSError as e:
            last = str(e)
        time.sleep(0.2)
    print(f"wait: {args.url} not ready after {args.timeout}s ({last})", file=sys.stderr)
    return 1


def wait_scraped(args):
    """Wait until Prometheus has scraped the job successfully (so counters are seen before and
    after the scenario, and increase()/rate() have something to compare)."""
    deadline = time.monotonic() + args.timeout
    q = f'up{{job="{args.job}"}} == 1'
    while time.monotonic() < deadline:
        try:
            if prom_get(args.prometheus, "/api/v1/query", {"query": q})["result"]:
                return 0
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.2)
    print(f"wait-scraped: no successful scrape of job {args.job} after {args.timeout}s", file=sys.stderr)
    return 1


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def quick_drill(args):
    """The README walk-through, compressed: one pass (B, now) and one silent (C, 4 minutes ago)."""
    base = args.alertgate.rstrip("/")
    drill = args.drill

    def call(method, path, body=None, want=(200, 201)):
        code, text = http(method, base + path, body)
        if code not in want:
            raise SystemExit(f"quick-drill: {method} {path} -> {code} {text}")
        return json.loads(text) if text.strip() else {}

    call("POST", "/api/v1/drills", json.dumps({"id": drill}))
    now = datetime.datetime.now(datetime.timezone.utc)
    # Scenario C's window is 3m: injected 4 minutes ago with nothing arrived, it is silent at once.
    call("POST", f"/api/v1/drills/{drill}/injections",
         json.dumps({"scenario": "C", "at": rfc3339(now - datetime.timedelta(minutes=4))}))
    b = call("POST", f"/api/v1/drills/{drill}/injections", json.dumps({"scenario": "B"}))
    with open(args.fixture, encoding="utf-8") as f:
        payload = f.read()
    payload = re.sub(r'"startsAt":"[^"]*"',
                     f'"startsAt":"{rfc3339(datetime.datetime.now(datetime.timezone.utc))}"', payload)
    call("POST", "/api/v1/webhook", payload)
    call("POST", "/api/v1/webhook", payload)  # Alertmanager resends: counted as a duplicate
    call("POST", f"/api/v1/drills/{drill}/injections/{b['id']}/clear")
    call("POST", f"/api/v1/drills/{drill}/finish")
    result = call("GET", f"/api/v1/drills/{drill}")
    verdicts = {i["id"]: i["verdict"] for i in result["injections"]}
    print(f"quick-drill: drill {drill} verdict {result['verdict']}, injections {verdicts}")
    return 0


def prom_get(base, path, params):
    url = base.rstrip("/") + path + "?" + urllib.parse.urlencode(params, doseq=True)
    code, text = http("GET", url, timeout=15)
    body = json.loads(text)
    if code != 200 or body.get("status") != "success":
        raise RuntimeError(f"{path}: HTTP {code}: {body.get('error', text[:200])}")
    return body["data"]


def label_values(base, metric, label):
    data = prom_get(base, "/api/v1/series", {"match[]": metric})
    return sorted({s[label] for s in data if label in s})


# Values the quick scenario must produce: drill FAIL (6) because C-1 is silent; B-1 PASS (1).
QUICK_EXPECTATIONS = [
    (("panel", 2, "A"), "drill verdict is FAIL (6)", lambda r: [v for _, v in r] == [6.0]),
    (("panel", 4, "A"), "one silent scenario", lambda r: [v for _, v in r] == [1.0]),
    (("panel", 3, "A"), "one passed injection", lambda r: [v for _, v in r] == [1.0]),
    (("panel", 8, "A"), "B-1 PASS (1), C-1 SILENT (5)",
     lambda r: sorted((m.get("injection"), v) for m, v in r) == [("B-1", 1.0), ("C-1", 5.0)]),
    (("panel", 21, "A"), "at least one duplicate", lambda r: r and r[0][1] >= 1),
    (("panel", 6, "A"), "B-1's alert within its 60 s gate (negative margin)",
     lambda r: len(r) == 1 and -60.0 < r[0][1] < 0.0),
]


def query(args):
    _, d = load(args.dashboard)
    base = args.prometheus
    values = {"drill": prom_escape(args.drill), "datasource": "prometheus"}
    deadline = time.monotonic() + args.timeout

    # Variables first: the drill must be offered by the drill variable's query.
    var_queries = []
    for v in d.get("templating", {}).get("list", []):
        m = LABEL_VALUES_RE.match(variable_query(v)) if v.get("type") == "query" else None
        if m:
            var_queries.append((v["name"], m.group(1), m.group(2)))

    job = args.job
    while True:
        report, pending = [], []
        offered = {}
        for name, metric, label in var_queries:
            offered[name] = label_values(base, metric, label)
        if not job and len(offered.get("job", [])) == 1:
            job = offered["job"][0]
        if job:
            values["job"] = prom_escape(job)
        for name, metric, label in var_queries:
            want = args.drill if name == "drill" else job if name == "job" else None
            ok = bool(offered[name]) and (want is None or want in offered[name])
            report.append((ok, f"variable ${name}: label_values({metric}, {label}) = {offered[name]}"))
            if not ok:
                pending.append(f"variable ${name}")
        results = {}
        if "job" in values:
            for kind, key, ref, label, expr in queries(d):
                q = substitute(expr, values)
                data = prom_get(base, "/api/v1/query", {"query": q})
                series = data["result"] if data["resultType"] == "vector" else []
                if data["resultType"] == "scalar":
                    series = [{"metric": {}, "value": data["result"]}]
                rows = [(s["metric"], float(s["value"][1])) for s in series]
                results[(kind, key, ref)] = rows
                allowed = ALLOWED_EMPTY.get((kind, key, ref))
                if rows:
                    report.append((True, f"{label} {ref}: {len(rows)} series"))
                elif allowed:
                    report.append((True, f"{label} {ref}: empty (allowed: {allowed})"))
                else:
                    report.append((False, f"{label} {ref}: EMPTY  {' '.join(q.split())}"))
                    pending.append(f"{label} {ref}")
        else:
            pending.append("the job variable (pass --job=NAME)")
        if args.expect_quick and not pending:
            for key, what, check in QUICK_EXPECTATIONS:
                ok = bool(check(results.get(key, [])))
                report.append((ok, f"expect {key[0]} {key[1]} {key[2]}: {what}"
                               + ("" if ok else f" (got {results.get(key)})")))
                if not ok:
                    pending.append(f"expectation {key}")
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(1)

    for ok, line in report:
        print(("ok    " if ok else "FAIL  ") + line)
    n_ok = sum(1 for ok, _ in report if ok)
    n_fail = len(report) - n_ok
    print(f"queries against {base} (drill={args.drill}, job={job}):")
    print(f"{n_ok} passed, {n_fail} failed")
    return 1 if n_fail else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("lint")
    p.add_argument("dashboard")
    p.add_argument("--metrics-source", required=True)
    p.add_argument("--provisioning", required=True)
    p.set_defaults(fn=lint)
    p = sub.add_parser("format")
    p.add_argument("dashboard")
    p.set_defaults(fn=format_cmd)
    p = sub.add_parser("rules")
    p.add_argument("dashboard")
    p.add_argument("out")
    p.add_argument("--drill", default="grafana-check")
    p.add_argument("--job", default="alertgate")
    p.set_defaults(fn=rules)
    p = sub.add_parser("free-port")
    p.set_defaults(fn=free_port)
    p = sub.add_parser("wait")
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=30)
    p.set_defaults(fn=wait)
    p = sub.add_parser("wait-scraped")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--job", required=True)
    p.add_argument("--timeout", type=float, default=30)
    p.set_defaults(fn=wait_scraped)
    p = sub.add_parser("quick-drill")
    p.add_argument("--alertgate", required=True)
    p.add_argument("--drill", required=True)
    p.add_argument("--fixture", required=True)
    p.set_defaults(fn=quick_drill)
    p = sub.add_parser("query")
    p.add_argument("dashboard")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--drill", required=True)
    p.add_argument("--job", default="")
    p.add_argument("--timeout", type=float, default=60,
                   help="keep polling until every query returns data, at most this long")
    p.add_argument("--expect-quick", action="store_true",
                   help="also check the values the quick scenario produces")
    p.set_defaults(fn=query)
    args = ap.parse_args()
    sys.exit(args.fn(args))


if __name__ == "__main__":
    main()
