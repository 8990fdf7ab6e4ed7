#!/usr/bin/env python3
"""Turns the captured Alertmanager payloads into wrk templates (bench/webhook.lua).

    make_payloads.py FIXTURE_DIR OUT_DIR

writes OUT_DIR/webhook/*.json and OUT_DIR/alertmanager/*.json plus a list file
for each (webhook.txt, alertmanager.txt). Markers the Lua script fills in per
request: @@SQ@@ (a unique id, added to each alert's labels as bench_seq),
@@FP@@ (the same id as the alert's fingerprint), @@ST@@ (startsAt) and @@EN@@
(endsAt of a resolved alert).

webhook: the delivery exactly as captured (payload version 4), with the
markers in place.
alertmanager: the same alerts as Alertmanager's POST /api/v2/alerts body, a
JSON array of postable alerts (labels, annotations, startsAt, endsAt,
generatorURL) - what Prometheus sends to Alertmanager. A firing alert's
zero endsAt (0001-01-01T00:00:00Z) is left out, as Prometheus leaves it to
Alertmanager's resolve_timeout.
"""
import json
import pathlib
import sys

ZERO = "0001-01-01T00:00:00Z"
FILES = ["firing-group-3.json", "firing-postgres-primary.json", "firing-single.json",
         "firing-truncated.json", "resolved-single.json"]


def main():
    src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    lists = {"webhook": [], "alertmanager": []}
    for kind in lists:
        (out / kind).mkdir(parents=True, exist_ok=True)
    for name in FILES:
        msg = json.loads((src / name).read_text())
        postable = []
        for a in msg["alerts"]:
            a["labels"] = {"bench_seq": "@@SQ@@", **a["labels"]}
            a["startsAt"] = "@@ST@@"
            if a.get("endsAt", ZERO) != ZERO:
                a["endsAt"] = "@@EN@@"
            a["fingerprint"] = "@@FP@@"
            p = {"labels": a["labels"], "annotations": a.get("annotations", {}),
                 "startsAt": a["startsAt"]}
            if a.get("endsAt", ZERO) != ZERO:
                p["endsAt"] = a["endsAt"]
            p["generatorURL"] = a.get("generatorURL", "")
            postable.append(p)
        for kind, body in (("webhook", msg), ("alertmanager", postable)):
            path = out / kind / name
            path.write_text(json.dumps(body, separators=(",", ":")))
            lists[kind].append(str(path.resolve()))
    for kind, paths in lists.items():
        (out / f"{kind}.txt").write_text("\n".join(paths) + "\n")


if __name__ == "__main__":
    main()
