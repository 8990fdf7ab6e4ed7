#!/usr/bin/env python3
"""Check that the demo rules are the real rules with demo timing (read-only).

usage: check_demo_rules.py DEMO_RULES REAL_RULES
       (scripts/demo.sh: examples/demo/demo.rules.yml rules/scenarios.rules.yml)

Both files must hold the same alerting rules (same alertnames), each with the
same expr, labels and annotations, and a `for` no longer than the real one.
The only departures allowed are the ones listed in DEPARTURES, each documented
in demo.rules.yml. Exits non-zero naming the rule and the field otherwise, so
the demo cannot silently drift from the rules it claims to exercise.
"""
import re
import sys

import yaml

# rule -> what may differ, and how
DEPARTURES = {
    # the demo Prometheus has seconds of history, not a minute
    "RedisSentinelMasterChanged": {"expr": ("offset 1m", "offset 5s")},
    # the deliberate LATE scenario D: `for` longer than the 10s demo gate
    "MinioNodesOffline": {"for": "15s"},
}


def rules(path):
    out = {}
    for g in yaml.safe_load(open(path))["groups"]:
        for r in g["rules"]:
            if "alert" in r:
                out[r["alert"]] = r
    return out


def seconds(d):
    total = 0
    for n, unit in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", str(d or "0s")):
        total += int(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400,
                           "w": 604800, "y": 31536000}[unit]
    return total


def main(demo_path, real_path):
    demo, real = rules(demo_path), rules(real_path)
    failures = []
    for name in sorted(set(real) - set(demo)):
        failures.append("%s: in %s but not in the demo rules" % (name, real_path))
    for name, r in demo.items():
        if name not in real:
            failures.append("%s: no such alert in %s" % (name, real_path))
            continue
        dep = DEPARTURES.get(name, {})
        expr = real[name].get("expr")
        if "expr" in dep:
            old, new = dep["expr"]
            expr = expr.replace(old, new)
        if r.get("expr") != expr:
            failures.append("%s: expr differs from the real rule" % name)
        for field in ("labels", "annotations"):
            if r.get(field) != real[name].get(field):
                failures.append("%s: %s differ from the real rule" % (name, field))
        if "for" in dep:
            if str(r.get("for")) != dep["for"]:
                failures.append("%s: for %s, the demo expects %s" % (name, r.get("for"), dep["for"]))
        elif seconds(r.get("for")) > seconds(real[name].get("for")):
            failures.append("%s: for %s is longer than the real rule's %s"
                            % (name, r.get("for"), real[name].get("for")))
    for f in failures:
        print("check_demo_rules: FAIL " + f, file=sys.stderr)
    if not failures:
        print("check_demo_rules: %d demo rules = real rules (demo timing; departures: %s)"
              % (len(demo), ", ".join(sorted(DEPARTURES))))
    return 1 if failures or not demo else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
