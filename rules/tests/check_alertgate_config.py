#!/usr/bin/env python3
"""Cross-checks examples/alertgate.yml against scenarios.rules.yml.

Every expectation's alertname must be a rule of scenarios.rules.yml, every
equality matcher on a static rule label (scenario, severity) must agree with
that rule, and every scenario label used by a rule must be a declared scenario.
Usage: check_alertgate_config.py RULES_FILE ALERTGATE_CONFIG
"""
import re
import sys

import yaml

MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def parse(expr):
    out, pos = [], 0
    while pos < len(expr):
        m = MATCHER.match(expr, pos)
        if not m:
            raise ValueError(f"cannot parse matcher list at {expr[pos:]!r}")
        out.append(m.groups())
        pos = m.end()
    return out


def main(rules_path, config_path):
    rules = {}
    for group in yaml.safe_load(open(rules_path))["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                rules[rule["alert"]] = rule.get("labels", {})
    config = yaml.safe_load(open(config_path))
    ids = {str(s["id"]) for s in config["scenarios"]}
    errors = []
    for sc in config["scenarios"]:
        for expr in sc["expect"]:
            matchers = parse(expr)
            names = [v for n, op, v in matchers if n == "alertname" and op == "="]
            if len(names) != 1:
                errors.append(f"scenario {sc['id']}: {expr!r} needs exactly one alertname=\"...\"")
                continue
            labels = rules.get(names[0])
            if labels is None:
                errors.append(f"scenario {sc['id']}: no rule named {names[0]} in {rules_path}")
                continue
            for n, op, v in matchers:
                if n in labels and op == "=" and str(labels[n]) != v:
                    errors.append(f"scenario {sc['id']}: {names[0]} has {n}={labels[n]!r}, expectation wants {v!r}")
                if n in labels and op == "=~" and not re.fullmatch(v, str(labels[n])):
                    errors.append(f"scenario {sc['id']}: {names[0]} has {n}={labels[n]!r}, not matching {v!r}")
            if str(labels.get("scenario")) != str(sc["id"]):
                errors.append(f"scenario {sc['id']}: rule {names[0]} carries scenario={labels.get('scenario')!r}")
    for name, labels in rules.items():
        if str(labels.get("scenario")) not in ids:
            errors.append(f"rule {name}: scenario={labels.get('scenario')!r} is not declared in {config_path}")
    for e in errors:
        print("  ERROR:", e)
    if errors:
        return 1
    n = sum(len(s["expect"]) for s in config["scenarios"])
    print(f"  SUCCESS: {len(config['scenarios'])} scenarios, {n} expectations match {len(rules)} rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
