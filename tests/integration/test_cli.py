"""`railgate check` and `railgate scan`: hooks on bodies from the command line."""
import json
import os
import subprocess
import tempfile

from harness import RAILGATE, check, eq

NO_SSN = json.dumps({"input_guardrails": [{"default.regexMatch": {"rule": r"\d{3}-\d{2}-\d{4}", "not": True},
                                           "deny": True}]})


def body(text):
    return json.dumps({"model": "m", "messages": [{"role": "user", "content": text}]})


def run(args, stdin=""):
    p = subprocess.run([RAILGATE] + args, input=stdin, capture_output=True, text=True, timeout=10)
    return p.returncode, p.stdout, p.stderr


def test_check_pass_fail_and_exit_codes():
    rc, out, _ = run(["check", "--hooks", NO_SSN], body("hello"))
    eq(rc, 0)
    doc = json.loads(out)
    eq(doc["verdict"], True)
    eq(doc["hook_results"]["before_request_hooks"][0]["checks"][0]["id"], "default.regexMatch")
    rc, out, _ = run(["check", "--hooks", NO_SSN], body("My SSN is 123-45-6789"))
    eq(rc, 1)
    doc = json.loads(out)
    eq((doc["verdict"], doc["denied"]), (False, True))
    eq(doc["hook_results"]["before_request_hooks"][0]["checks"][0]["data"]["matchDetails"]["matchedText"],
       "123-45-6789")


def test_check_transform_prints_the_new_body():
    hooks = json.dumps({"before_request_hooks": [{"id": "redact", "type": "mutator", "checks": [
        {"id": "default.regexReplace", "parameters": {"rule": r"/\d{3}-\d{2}-\d{4}/g", "redactText": "[SSN]"}}]}]})
    rc, out, _ = run(["check", "--hooks", hooks], body("a 123-45-6789 and 987-65-4321"))
    eq(rc, 0)
    doc = json.loads(out)
    eq(doc["transformed"], True)
    eq(doc["request"]["messages"][0]["content"], "a [SSN] and [SSN]")


def test_check_response_phase_and_hooks_from_file():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "hooks.json")
    with open(path, "w") as f:
        json.dump({"output_guardrails": [{"default.contains": {"operator": "none", "words": ["42"]}, "deny": True}]}, f)
    resp = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": "The answer is 42."}}]})
    rc, out, _ = run(["check", "--hooks", "@" + path, "--phase", "response"], resp)
    eq(rc, 1)
    eq(json.loads(out)["hook_results"]["after_request_hooks"][0]["checks"][0]["data"]["foundWords"], ["42"])


def test_check_bad_input_exit_2():
    eq(run(["check", "--hooks", "{nope"], body("x"))[0], 2)
    rc, _, err = run(["check", "--hooks", json.dumps({"input_guardrails": [{"default.noSuchCheck": {}}]})], body("x"))
    eq(rc, 2)
    check("noSuchCheck" in err, err)
    rc, _, err = run(["check", "--hooks", json.dumps(
        {"input_guardrails": [{"default.wordCount": {"minWords": "three"}}]})], body("x"))
    eq(rc, 2, "bad parameters are refused up front on the command line")
    eq(run(["check", "--hooks", NO_SSN], "[1,2]")[0], 2)
    eq(run(["check"], body("x"))[0], 2)


def test_scan_summary():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "bodies.jsonl")
    with open(path, "w") as f:
        f.write(body("clean") + "\n" + body("SSN 123-45-6789") + "\n\n" + "garbage\n" + body("also clean") + "\n")
    rc, out, _ = run(["scan", "--hooks", NO_SSN, path])
    eq(rc, 1)
    lines = out.strip().splitlines()
    check(lines[0].startswith(f"{path}:2: denied by input_guardrail_"), lines[0])
    check(lines[1].startswith(f"{path}:4: not a JSON object"), lines[1])
    check(lines[-1].startswith("4 bodies: 2 passed, 1 failed (1 denied), 0 transformed, 1 invalid;"), lines[-1])
