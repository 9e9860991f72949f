"""`railgate eval`: a check over labelled JSONL, with exact counts on tests/fixtures/eval/tiny.jsonl.

With the SSN rule below (regexMatch with not: true fails on a match, so a match is a positive prediction) the
fixture's 10 rows are, by hand (line numbers in the file; line 5 is blank):
  line 1 [a, ssn]   SSN            -> TP      line 7  [b, ssn]  "one two three"  -> FN
  line 2 [a]        SSN            -> TP      line 8  [b]       German, no SSN  -> TN
  line 3 [a, phone] 555-12-3456    -> FP      line 9  [b]       12-345-6789     -> TN
  line 4 [a]        nothing        -> TN      line 10 (none)    "111 22 3333"   -> FN
  line 6 [b, ssn]   non-ASCII, SSN -> TP      line 11 (none)    12345-6789      -> TN
overall TP 3 FP 1 FN 2 TN 4: precision 0.75, recall 0.6, F1 6/9, FPR 0.2;
subset a: 2/1/0/1; subset b: 1/0/1/2; detector ssn: 2/0/1/0; detector phone: 0/1/0/0.
"""
import json
import os
import re
import subprocess
import tempfile

from harness import RAILGATE, ROOT, check, eq

TINY = os.path.join(ROOT, "tests", "fixtures", "eval", "tiny.jsonl")
SSN = json.dumps({"rule": r"\d{3}-\d{2}-\d{4}", "not": True})
LAST = re.compile(r"^f1=(\d+\.\d{4}) precision=(\d+\.\d{4}) recall=(\d+\.\d{4}) fpr=(\d+\.\d{4}) mbps=(\d+\.\d{4})$")


def run(args, timeout=30):
    p = subprocess.run([RAILGATE, "eval"] + args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def row_line(out, name):
    """The counts and metrics of one table line: rows tp fp fn tn precision recall f1 fpr."""
    for line in out.splitlines():
        if line.startswith(name + " ") and re.match(re.escape(name) + r" +\d", line):
            f = line[len(name):].split()
            return [int(x) for x in f[:5]] + f[5:]
    raise AssertionError(f"no line {name!r} in:\n{out}")


def tmpfile(text, name="rows.jsonl"):
    d = tempfile.mkdtemp()
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def test_eval_tiny_exact_counts_and_last_line():
    rc, out, err = run(["default.regexMatch", TINY, "--params", SSN, "--min-time", "0"])
    eq(rc, 0, err)
    check("rows: 10 (5 positive, 5 negative); predicted positive: 4" in out, out)
    eq(row_line(out, "overall"), [10, 3, 1, 2, 4, "0.7500", "0.6000", "0.6667", "0.2000"])
    eq(row_line(out, "subset a"), [4, 2, 1, 0, 1, "0.6667", "1.0000", "0.8000", "0.5000"])
    eq(row_line(out, "subset b"), [4, 1, 0, 1, 2, "1.0000", "0.5000", "0.6667", "0.0000"])
    eq(row_line(out, "detector ssn"), [3, 2, 0, 1, 0, "1.0000", "0.6667", "0.8000", "n/a"])
    eq(row_line(out, "detector phone"), [1, 0, 1, 0, 0, "0.0000", "n/a", "0.0000", "1.0000"])
    # the rows carry entities but regexMatch reports none: said, not scored
    check("3 rows carry `entities`, but the check reports no data.entities" in out, out)
    last = out.rstrip("\n").split("\n")[-1]
    m = LAST.match(last)
    check(m, f"last line: {last!r}")
    eq(m.groups()[:4], ("0.6667", "0.7500", "0.6000", "0.2000"))
    check(float(m.group(5)) > 0, last)


def test_eval_json_summary_and_response_phase():
    for phase in ("request", "response"):
        rc, out, err = run(["default.regexMatch", TINY, "--params", SSN, "--phase", phase, "--json",
                            "--min-time", "0"])
        eq(rc, 0, err)
        doc = json.loads(out)
        eq((doc["check"], doc["phase"], doc["rows"], doc["positives"]), ("default.regexMatch", phase, 10, 5))
        o = doc["overall"]
        eq((o["tp"], o["fp"], o["fn"], o["tn"]), (3, 1, 2, 4))
        eq((o["precision"], o["recall"], o["fpr"]), (0.75, 0.6, 0.2))
        eq(round(o["f1"], 4), 0.6667)
        eq({k: (v["tp"], v["fp"], v["fn"], v["tn"]) for k, v in doc["subsets"].items()},
           {"a": (2, 1, 0, 1), "b": (1, 0, 1, 2)})
        eq(doc["detectors"]["ssn"]["fpr"], None)  # no negatives: n/a
        eq(doc["detectors"]["phone"]["recall"], None)
        eq(doc["spans"], None)
        check(doc["throughput"]["passes"] >= 1 and doc["throughput"]["bytes"] == sum(
            len(json.loads(line)["text"].encode()) for line in open(TINY, encoding="utf-8") if line.strip()), doc)


def test_eval_hooks_two_checks_and_errors_listing():
    # any failing hook makes a row positive: the SSN rule, or the lower-case word "ssn" (lines 7 and 10)
    hooks = json.dumps({"input_guardrails": [{"default.regexMatch": json.loads(SSN)},
                                             {"default.contains": {"operator": "none", "words": ["ssn"]}}]})
    rc, out, err = run(["--hooks", hooks, TINY, "--min-time", "0", "--errors", "5"])
    eq(rc, 0, err)
    eq(row_line(out, "overall")[:5], [10, 5, 1, 0, 4])
    fp = out.split("false positives: 1\n")[1].split("\n")[0]
    check(fp.startswith("  " + TINY + ":3 [a] [phone] ") and '"call 555-12-3456 now"' in fp, out)
    check("false negatives: 0\n" in out, out)
    rc, out, _ = run(["default.regexMatch", TINY, "--params", SSN, "--min-time", "0", "--errors", "1"])
    eq(rc, 0)
    fn = out.split("false negatives: 2 (the first ones)\n")[1].split("\n")
    check(fn[0].startswith("  " + TINY + ":7 [b] [ssn] "), out)
    check(not fn[1].startswith("  "), "only one shown: " + out)


def test_eval_texts_are_truncated_in_the_errors_listing():
    long = "é" * 200 + " 123-45-6789"
    path = tmpfile(json.dumps({"text": long, "label": 0}) + "\n")
    rc, out, _ = run(["default.regexMatch", path, "--params", SSN, "--min-time", "0", "--errors", "3"])
    eq(rc, 0)
    line = [x for x in out.splitlines() if x.startswith("  " + path + ":1 ")][0]
    eq(line, "  " + path + ':1 "' + "é" * 160 + '"…')


def test_eval_bad_rows_are_reported_with_the_line():
    good = json.dumps({"text": "a", "label": 0})
    cases = [
        ("{not json}", "not valid JSON"),
        (json.dumps({"text": "a"}), '"label"'),
        (json.dumps({"label": 1}), '"text"'),
        (json.dumps({"text": "a", "label": 3}), '"label"'),
        # byte offsets instead of code points: the value does not match
        (json.dumps({"text": "Zoë: zoe@example.org!", "label": 1,
                     "entities": [{"type": "EMAIL_ADDRESS", "start": 6, "end": 21, "value": "zoe@example.org"}]}),
         "code points"),
    ]
    for bad, msg in cases:
        path = tmpfile(good + "\n\n" + bad + "\n" + good + "\n")
        rc, out, err = run(["default.regexMatch", path, "--params", SSN, "--min-time", "0"])
        eq(rc, 2, f"{bad}: {out}{err}")
        check(err.startswith(path + ":3: ") and msg in err, f"{bad}: {err}")
        eq(out, "")


def test_eval_usage_errors():
    eq(run([])[0], 2)
    eq(run(["default.regexMatch"])[0], 2)
    rc, _, err = run(["railgate.noSuchCheck", TINY])
    eq(rc, 2)
    check("unknown check 'railgate.noSuchCheck'" in err, err)
    eq(run(["default.regexMatch", TINY, "--params", "{nope"])[0], 2)
    eq(run(["default.regexMatch", TINY, "--params", json.dumps({"rule": 5})])[0], 2)  # the check refuses it
    eq(run(["default.regexMatch", TINY, "--params", SSN, "--phase", "sideways"])[0], 2)
    eq(run(["default.regexMatch", TINY, "--params", SSN, "--type-map", json.dumps({"A": 5})])[0], 2)
    eq(run(["default.regexMatch", "/nonexistent.jsonl", "--params", SSN])[0], 2)
    eq(run(["default.regexMatch", tmpfile("\n\n"), "--params", SSN])[0], 2)
    rc, out, _ = run(["--list-checks"])
    eq(rc, 0)
    check("default.regexMatch" in out.split() and "default.contains" in out.split(), out)


def test_eval_speed_mode_reads_plain_lines():
    path = tmpfile("".join(f"line {i} with some words and 123-45-678{i % 10}\n" for i in range(200)), "t.txt")
    rc, out, err = run(["--speed", "default.regexMatch", path, "--params", SSN, "--min-time", "0.05"])
    eq(rc, 0, err)
    lines = out.strip().split("\n")
    eq(len(lines), 2, out)
    check(re.match(r"^throughput: \d+\.\d{4} MB of text x \d+ pass(es)? in \d+\.\d{4} s", lines[0]), out)
    m = re.match(r"^mbps=(\d+\.\d{4})$", lines[1])
    check(m and float(m.group(1)) > 0, out)
    secs = float(re.search(r"in (\d+\.\d+) s", lines[0]).group(1))
    check(secs >= 0.05, f"ran at least --min-time: {out}")


def test_eval_speed_direct_times_every_check_of_the_hooks():
    # --direct times the checks' run() alone: a hook with PII and prompt injection takes longer than PII alone. On
    # text with nothing for PII to report, prompt injection costs ~20 times PII per byte (~4 times under ASan), a
    # margin the noise of a shared machine does not close
    path = tmpfile("".join(f"line {i} has some plain words about the weather and {'other words ' * 40}\n"
                           for i in range(300)), "d.txt")
    one = {"id": "railgate.pii", "parameters": {}}
    two = {"id": "railgate.promptInjection", "parameters": {}}
    secs = {}
    for name, checks in (("pii", [one]), ("pack", [one, two])):
        hooks = json.dumps({"before_request_hooks": [{"id": "h", "type": "guardrail", "checks": checks}]})
        rc, out, err = run(["--speed", "--direct", "--hooks", hooks, path, "--min-time", "0.3"])
        eq(rc, 0, err)
        lines = out.strip().split("\n")
        eq(len(lines), 2, out)
        m = re.match(r"^throughput: (\d+\.\d{4}) MB of text x (\d+) pass(es)? in (\d+\.\d{4}) s", lines[0])
        check(m and float(m.group(4)) >= 0.3, out)
        check(re.match(r"^mbps=\d+\.\d{4}$", lines[1]) and float(lines[1][5:]) > 0, out)
        secs[name] = float(m.group(4)) / int(m.group(2))  # seconds per pass over the file
    check(secs["pack"] > 1.5 * secs["pii"], f"two checks take longer than one: {secs}")
    rc, _, err = run(["--direct", "railgate.pii", path])
    eq(rc, 2, err)
    check("--direct goes with --speed" in err, err)


def test_eval_check_errors_are_counted_as_negatives_and_listed():
    # nothing listens on port 1: every webhook call fails at once; without failOnError the hook passes
    hook = json.dumps({"webhookURL": "http://127.0.0.1:1/hook", "timeout": 1000})
    rc, out, err = run(["default.webhook", TINY, "--params", hook, "--min-time", "0", "--errors", "2"])
    eq(rc, 0, err)
    eq(row_line(out, "overall")[:5], [10, 0, 0, 5, 5])
    check("check errors: 10 rows (their hooks passed unless failOnError" in out, out)
    listed = out.split("check errors: 10\n")[1].split("\n")[:3]
    check(listed[0].startswith("  " + TINY + ":1 [a] [ssn] \"") and listed[1].startswith("  " + TINY + ":2 [a] \""),
          out)
    check(not listed[2].startswith("  "), out)
