#!/usr/bin/env python3
"""Prints the summary tables of scripts/bench.sh from its raw results.

    summarize.py RESULTS_TXT [MICRO_JSON]

RESULTS_TXT holds one record per line: a tag (LOAD, STAMP, SCALE, REPORT,
GEN, MACHINE...) followed by key=value fields. Output is Markdown, so it can
be pasted into docs/benchmarks.md as is.
"""
import json
import os
import sys


def records(path):
    out = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            fields = {}
            for p in parts[1:]:
                if "=" in p:
                    k, v = p.split("=", 1)
                    fields[k] = v
            out.append((parts[0], fields, line.rstrip("\n")))
    return out


def num(d, k, default=0.0):
    try:
        return float(d.get(k, default))
    except ValueError:
        return default


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def per_request(f, key, digits):
    """A server cost field divided by the requests of its run; – when not measured."""
    if key not in f or num(f, "requests") == 0:
        return "–"
    return fmt(num(f, key) / num(f, "requests"), digits)


def verdict(ok):
    return "**met**" if ok else "**missed**"


def main():
    recs = records(sys.argv[1])
    micro = sys.argv[2] if len(sys.argv) > 2 else None
    meta = {tag: f for tag, f, _ in recs if tag in ("MACHINE", "LOAD_SETTINGS", "MACHINE_AFTER")}
    cpu = next((line.split(" ", 1)[1] for tag, _, line in recs if tag == "MACHINE_CPU"), "?")
    tree = next((line.split(" ", 1)[1] for tag, _, line in recs if tag == "TREE"), "?")
    m = meta.get("MACHINE", {})
    print(f"Machine: {m.get('nproc', '?')} CPUs ({cpu}), kernel {m.get('kernel', '?')}; "
          f"tree {tree}; load average {m.get('load_before', '?')} before, "
          f"{meta.get('MACHINE_AFTER', {}).get('load_after', '?')} after.")
    print()

    load = {}
    for tag, f, _ in recs:
        if tag == "LOAD":
            dur = num(f, "duration_us") / 1e6 or 1
            req = num(f, "requests")
            sent = num(f, "sent") or 1
            wps = req / dur
            aps = wps * num(f, "alerts_sent") / sent
            load[(f["target"], f["mode"])] = dict(f=f, wps=wps, aps=aps, dur=dur)

    targets = {}
    if load:
        s = meta.get("LOAD_SETTINGS", {})
        print(f"### Load: wrk -t{s.get('threads')} -c{s.get('connections')} -d{s.get('duration')}, "
              f"real captured payloads (8 alerts in 5 deliveries), every alert new")
        print()
        print("| server | run | webhooks/s | alerts/s | × ceiling | alerts × Alertmanager | p50 ms | p99 ms "
              "| max ms | errors | server CPU µs/request | context switches/request | peak RSS MiB "
              "| acknowledged → stored |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for mode in ("max", "paced"):
            ceil = load.get(("ceiling", mode))
            am = load.get(("alertmanager", mode))
            for target in ("nginx", "ceiling", "beast", "alertmanager", "alertgate", "alertgate-drill",
                           "alertgate-memory"):
                r = load.get((target, mode))
                if not r:
                    continue
                f = r["f"]
                errors = sum(int(num(f, k)) for k in
                             ("connect_errors", "read_errors", "write_errors", "timeouts", "non2xx"))
                acked = int(num(f, "requests") - num(f, "non2xx"))
                stored = ""
                if "stored_webhooks" in f:
                    sw = int(num(f, "stored_webhooks"))
                    stored = f"{acked:,} → {sw:,} webhooks, {int(num(f, 'stored_alerts')):,} alerts " + (
                        "(all committed)" if sw >= acked else "(**LOST**)")
                    r["committed"] = sw >= acked
                elif "am_received" in f:
                    stored = f"{int(num(f, 'am_received')):,} alerts received, {int(num(f, 'am_invalid'))} invalid"
                name = {"nginx": "nginx `return 200` (the machine's ceiling)",
                        "ceiling": "ceiling: bare cpp-httplib (8 threads, no work)",
                        "beast": "bare Boost.Beast (I/O thread per core, no work)",
                        "alertmanager": "Alertmanager 0.25 /api/v2/alerts",
                        "alertgate": "alertgate serve", "alertgate-drill": "alertgate serve, drill open",
                        "alertgate-memory": "alertgate serve --storage.path=:memory: (not durable)"}[target]
                run = "max" if mode == "max" else f"paced {s.get('rate')}/s"
                print(f"| {name} | {run} | {fmt(r['wps'])} | {fmt(r['aps'])} | "
                      f"{fmt(r['wps'] / ceil['wps'], 2) if ceil else '–'} | "
                      f"{fmt(r['aps'] / am['aps'], 2) if am else '–'} | "
                      f"{fmt(num(f, 'p50_us') / 1000, 2)} | {fmt(num(f, 'p99_us') / 1000, 2)} | "
                      f"{fmt(num(f, 'max_us') / 1000, 1)} | {errors} | {per_request(f, 'server_cpu_us', 0)} | "
                      f"{per_request(f, 'server_switches', 2)} | {fmt(num(f, 'hwm_kib') / 1024, 1)} | {stored} |")
        print()
        ag, ceil, am = load.get(("alertgate", "max")), load.get(("ceiling", "max")), load.get(("alertmanager", "max"))
        if ag and ceil:
            ratio = ag["wps"] / ceil["wps"]
            targets["webhooks/s ≥ 0.5 × ceiling, every ack committed"] = (
                f"{ratio:.2f} × ({fmt(ag['wps'])} vs {fmt(ceil['wps'])}/s)"
                + ("" if ag.get("committed", True) else ", acknowledged webhooks missing"),
                ratio >= 0.5 and ag.get("committed", True))
        if ag and am:
            ratio = ag["aps"] / am["aps"]
            targets["alerts/s ≥ 2 × Alertmanager"] = (
                f"{ratio:.2f} × ({fmt(ag['aps'])} vs {fmt(am['aps'])}/s)", ratio >= 2)
        paced = load.get(("alertgate", "paced"))
        if paced:
            p99 = num(paced["f"], "p99_us") / 1000
            targets[f"p99 ≤ 10 ms at {s.get('rate')} webhooks/s"] = (
                f"{p99:.2f} ms at {fmt(paced['wps'])}/s", p99 <= 10)
        paced_d = load.get(("alertgate-drill", "paced"))
        if paced_d:
            p99 = num(paced_d["f"], "p99_us") / 1000
            targets[f"(same, drill open)"] = (f"{p99:.2f} ms at {fmt(paced_d['wps'])}/s", p99 <= 10)

    fronts = {f["what"]: f for tag, f, _ in recs if tag == "FRONTEND"}
    if fronts:
        print("### Front end: alertgate while clients misbehave")
        print()
        print("| run | requests/s | p50 ms | p99 ms | max ms | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        names = {"webhooks-with-1000-idle": "webhooks paced, 1,000 idle keep-alive connections open",
                 "healthy-during-slow-clients": "/-/healthy at 100/s, 200 slow-drip clients + 1,000 idle connections",
                 "healthy-during-password-flood": "/-/healthy at 100/s, 25 clients flooding wrong passwords (bcrypt cost 10)",
                 "cached-webhooks-during-password-flood": "webhooks at 100/s with remembered credentials, same flood"}
        for what, title in names.items():
            f = fronts.get(what)
            if not f:
                continue
            dur = num(f, "duration_us") / 1e6 or 1
            errors = sum(int(num(f, k)) for k in
                         ("connect_errors", "read_errors", "write_errors", "timeouts", "non2xx"))
            print(f"| {title} | {fmt(num(f, 'requests') / dur)} | {fmt(num(f, 'p50_us') / 1000, 2)} | "
                  f"{fmt(num(f, 'p99_us') / 1000, 2)} | {fmt(num(f, 'max_us') / 1000, 1)} | {errors} |")
        flood = fronts.get("password-flood")
        if flood:
            print()
            print(f"The flood's wrong passwords were answered 401 ({flood.get('refused_401')}) or, past the "
                  f"password queue, 503 ({flood.get('refused_503')}).")
        print()
        f = fronts.get("webhooks-with-1000-idle")
        if f:
            p99 = num(f, "p99_us") / 1000
            targets["p99 ≤ 10 ms at 1,000 webhooks/s with 1,000 idle connections open"] = (
                f"{p99:.2f} ms ({f.get('open', '?')} connections open)", p99 <= 10)
        for what, label in (("healthy-during-slow-clients", "slow-client run"),
                            ("healthy-during-password-flood", "password flood")):
            f = fronts.get(what)
            if f:
                p99 = num(f, "p99_us") / 1000
                targets[f"/-/healthy p99 ≤ 50 ms during the {label}"] = (f"{p99:.2f} ms", p99 <= 50)

    stamps = [f for tag, f, _ in recs if tag == "STAMP"]
    if stamps:
        print("### Stamping: client send → receipt timestamp")
        print()
        print("| method | requests | p50 µs | p99 µs | max µs | mean µs | request p50 µs | request p99 µs |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for f in stamps:
            if f["mode"] == "blackbox":
                print(f"| black box (1 ms resolution, upper bounds) | {f['matched']} | {f['stamp_p50_upper_us']} "
                      f"| {f['stamp_p99_upper_us']} | – | {f['stamp_mean_us']} | {f['request_p50_us']} "
                      f"| {f['request_p99_us']} |")
            else:
                print(f"| in-process, {f['mode']}, {f['connections']} conn | {f['n']} | {f['stamp_p50_us']} "
                      f"| {f['stamp_p99_us']} | {f['stamp_max_us']} | {f['stamp_mean_us']} | {f['request_p50_us']} "
                      f"| {f['request_p99_us']} |")
        print()
        paced = next((f for f in stamps if f["mode"].startswith("paced")), None)
        if paced:
            p99 = num(paced, "stamp_p99_us") / 1000
            targets["added stamping latency ≤ 1 ms"] = (
                f"p99 {p99:.3f} ms at {paced['mode'].split('-')[1]}, p50 {num(paced, 'stamp_p50_us') / 1000:.3f} ms",
                p99 <= 1)

    scale = next((f for tag, f, _ in recs if tag == "SCALE"), None)
    reports = [f for tag, f, _ in recs if tag == "REPORT"]
    if scale or reports:
        print("### Scale")
        print()
        print("| measure | value |")
        print("|---|---:|")
    if scale:
        n = int(num(scale, "notifications"))
        print(f"| database with {n:,} notifications | {num(scale, 'db_bytes') / 2**20:,.0f} MiB |")
        print(f"| startup: exec → \"alertgate started\" / → /-/ready | {scale['started_ms']} / {scale['ready_ms']} ms |")
        print(f"| VmRSS after startup | {num(scale, 'rss_start_kib') / 1024:.1f} MiB |")
        print(f"| VmRSS after GET /api/v1/drills/bench-open | {num(scale, 'rss_query_kib') / 1024:.1f} MiB |")
        print(f"| VmRSS after GET /api/v1/drills (all 29 drills, {scale['list_ms']} ms) | {num(scale, 'rss_list_kib') / 1024:.1f} MiB |")
        print(f"| VmHWM | {num(scale, 'hwm_kib') / 1024:.1f} MiB |")
        rss = num(scale, "rss_query_kib") / 1024
        targets[f"RSS ≤ 64 MiB after {n:,} stored notifications"] = (f"{rss:.1f} MiB after a drill query", rss <= 64)
        ready = num(scale, "ready_ms")
        targets[f"startup ≤ 1 s with them"] = (f"{ready / 1000:.2f} s to /-/ready", ready <= 1000)
    if reports:
        worst = 0.0
        for f in reports:
            if f["what"] == "startup":
                print(f"| startup with the {int(num(f, 'injections')):,}-injection drill stored | {f['ready_ms']} ms |")
            elif f["what"] == "http":
                print(f"| GET report?format={f['format']} ({num(f, 'bytes') / 2**20:.1f} MiB) | {num(f, 'seconds'):.2f} s |")
                worst = max(worst, num(f, "seconds"))
            elif f["what"] == "offline":
                print(f"| alertgate report --storage.path (markdown, offline) | {num(f, 'seconds'):.2f} s |")
                worst = max(worst, num(f, "seconds"))
            elif f["what"] == "serve":
                print(f"| VmHWM of serve after the reports | {num(f, 'hwm_kib') / 1024:.1f} MiB |")
        targets["report of a 10,000-injection drill ≤ 1 s"] = (f"{worst:.2f} s (slowest format)", worst <= 1)
    if scale or reports:
        print()

    if micro and os.path.exists(micro):
        with open(micro) as f:
            data = json.load(f)
        print("### Micro-benchmarks (CPU and wall time per iteration)")
        print()
        print("| benchmark | CPU | wall | notes |")
        print("|---|---:|---:|---|")
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                continue
            unit = b.get("time_unit", "ns")
            notes = []
            for k in ("items_per_second", "webhooks_per_s", "notifications", "unexpected", "output_bytes", "body_bytes"):
                if k in b:
                    notes.append(f"{k}={b[k]:,.0f}")
            if b.get("label"):
                notes.append(b["label"])
            print(f"| {b['name']} | {b['cpu_time']:,.1f} {unit} | {b['real_time']:,.1f} {unit} | {', '.join(notes)} |")
        print()

    if targets:
        print("### Targets")
        print()
        print("| target | measured | |")
        print("|---|---|---|")
        for name, (text, ok) in targets.items():
            print(f"| {name} | {text} | {verdict(ok)} |")


if __name__ == "__main__":
    main()
