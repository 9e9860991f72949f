#!/usr/bin/env python3
"""scripts/train/pii_outside.py — labelled PII sentences from outside the development set, for measuring only.

`../shared/eval/pii_dev.jsonl` is 798 of the 1,500 rows of presidio-research's `data/synth_dataset_v2.json` (MIT),
each with its index in `source` (`…synth_dataset_v2.json#N`). This writes the other rows in the same format
(`text`, `label` 1 when the row has a span, `source`, `entities` with code-point offsets, `template_id`), the
nearest stand-in for the team's held-out half. The detector was never built against these rows; keep it so: read
the figures, do not tune on the misses. The file stays out of the repository.

    python3 scripts/train/pii_outside.py --out /tmp/pii-outside
    ./railgate eval railgate.pii /tmp/pii-outside/heldout.jsonl
    ./railgate eval railgate.pii /tmp/pii-outside/heldout.jsonl --params '{"entities":["PERSON","STREET_ADDRESS"]}'
"""
import argparse
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPO = "microsoft+presidio-research"
PATH = "data/synth_dataset_v2.json"
SOURCE = "microsoft/presidio-research:" + PATH


def dev_indices(dev):
    with open(dev, encoding="utf-8") as f:
        return {int(json.loads(line)["source"].rsplit("#", 1)[1]) for line in f if line.strip()}


def row(i, o):
    ents = [{"type": s["entity_type"], "start": s["start_position"], "end": s["end_position"],
             "value": s["entity_value"]} for s in o["spans"]]
    ents.sort(key=lambda e: (e["start"], e["end"], e["type"]))
    return {"text": o["full_text"], "label": 1 if ents else 0, "source": "%s#%d" % (SOURCE, i), "entities": ents,
            "template_id": o["template_id"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", default=os.path.join(ROOT, "..", "shared", "eval", "pii_dev.jsonl"))
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    data = json.loads(subprocess.run(["git", "-C", os.path.join(a.mirror, REPO, "repo"), "show", "HEAD:" + PATH],
                                     check=True, capture_output=True).stdout)
    skip = dev_indices(a.dev)
    os.makedirs(a.out, exist_ok=True)
    n = 0
    with open(os.path.join(a.out, "heldout.jsonl"), "w", encoding="utf-8") as f:
        for i, o in enumerate(data):
            if i not in skip:
                f.write(json.dumps(row(i, o), ensure_ascii=False) + "\n")
                n += 1
    print("heldout.jsonl: %d rows (%d in the source, %d in the dev file)" % (n, len(data), len(skip)))


if __name__ == "__main__":
    main()
