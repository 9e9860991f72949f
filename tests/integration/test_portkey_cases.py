"""Replays Portkey 1.15.2's recorded guardrail cases (../shared/reference/portkey-1.15.2/) against Railgate:
same status, same hook_results shape (hooks, checks, verdicts, deny, transformed, feedback, errors, data fields),
and the same effect on what reached the upstream. Deliberate differences are listed in DIFFERENT (checked for
what Railgate does instead) and DIFFERENT_STATUS (a different status, with the reason); cases that need
Portkey's routing (fallback targets) are in NOT_YET and are not counted as passing."""
import json
import os
import shlex

from harness import ROOT, Mock, Railgate, check, config, eq, sse_events, upstream_model

REF = os.path.join(ROOT, "..", "shared", "reference", "portkey-1.15.2")

NOT_YET = {
    "30": "Portkey's fallback targets (Railgate routes by model)",
}

# Deliberate differences: Railgate does better than Portkey 1.15.2 here (docs/guardrails-streams.md). Each is
# checked for what Railgate does instead, in check_different().
DIFFERENT = {
    "19": "after-hooks on streams: Portkey runs them on an empty body before the stream is read, so a deny hook "
          "never denies and the text it forbids (\"42\") is streamed with 200; Railgate checks the streamed text "
          "and cuts the stream: 200 (the headers are out first), an SSE error event hooks_failed with "
          "hook_results, then [DONE]; the forbidden text never reaches the client",
    "20": "after-hooks on streams: Portkey's check of the empty body fails, so it answers 246 although the stream "
          "contains the word the hook asks for; Railgate checks the streamed text, which passes: 200, the "
          "stream unchanged",
}

# Where Railgate answers with another status on purpose: case → (status Railgate gives, why).
DIFFERENT_STATUS = {
    "32": (200, "default.jwt matches the header name case-insensitively, so the default headerKey 'Authorization' "
                "finds the token (Portkey's node build lower-cases header names and never matches it: 246 "
                "'Missing authorization header'); the JWKS fetch then fails (404) and the check fails open"),
}

# The recorded cases point at Portkey's mock on 127.0.0.1:18080; the replay points them at ours. Portkey's mock
# had no JWKS (its /jwks answered 404, which cases 32-33 rely on); ours serves one, so those go to a missing page.
def localize(text, port):
    text = text.replace("127.0.0.1:18080/jwks", f"127.0.0.1:{port}/no-jwks-here")
    return text.replace("127.0.0.1:18080", f"127.0.0.1:{port}")


def cases():
    names = sorted({f.split(".")[0] for f in os.listdir(REF) if f[:2].isdigit()})
    return [(n[:2], n) for n in names]


def parse_cmd(case):
    with open(os.path.join(REF, case + ".cmd.txt")) as f:
        args = shlex.split(f.read())
    headers, body = {}, None
    for i, a in enumerate(args):
        if a == "-H":
            k, v = args[i + 1].split(":", 1)
            headers[k.strip().lower()] = v.strip()
        elif a == "-d":
            body = args[i + 1]
    return headers, body


def recorded(case):
    with open(os.path.join(REF, case + ".response.txt"), "rb") as f:
        raw = f.read().replace(b"\r\n", b"\n")
    head, _, body = raw.partition(b"\n\n")
    status = int(head.split(b"\n", 1)[0].split()[1])
    return status, body


def shape_of_hooks(hooks):
    """The parts of hook results that must agree (times, dates and random shorthand ids need not)."""
    out = []
    for h in hooks:
        checks = [{"id": c.get("id"), "verdict": c.get("verdict"), "transformed": c.get("transformed"),
                   "fail_on_error": c.get("fail_on_error"), "error": c.get("error"),
                   "data_keys": sorted((c.get("data") or {}).keys())} for c in h.get("checks", [])]
        hid = h.get("id", "")
        if hid.startswith(("input_guardrail_", "output_guardrail_", "input_mutator_", "output_mutator_")):
            hid = hid[:-3]  # three random characters
        out.append({"verdict": h.get("verdict"), "id": hid, "transformed": h.get("transformed"),
                    "deny": h.get("deny"), "type": h.get("type"), "async": h.get("async"),
                    "feedback": h.get("feedback"), "checks": checks})
    return out


def hook_results_of(status, body, stream):
    if stream and status != 446:
        ev = sse_events(body)
        first = json.loads(ev[0]) if ev and ev[0].startswith("{") else {}
        return first.get("hook_results")
    return json.loads(body).get("hook_results")


def run_case(num, case, rg, m):
    headers, body = parse_cmd(case)
    want_status, want_body = recorded(case)
    stream = '"stream":true' in body.replace(" ", "")
    sent = {k: localize(v, m.port) for k, v in headers.items() if k.startswith("x-portkey") or k == "authorization"}
    before = m.count()
    s, h, b = rg.post("/v1/chat/completions", body, sent)
    if num in DIFFERENT_STATUS:
        eq(s, DIFFERENT_STATUS[num][0], f"case {case} (deliberately different: {DIFFERENT_STATUS[num][1]}): status")
        return m.count() > before, None
    eq(s, want_status, f"case {case}: status")
    want_body = localize(want_body.decode(), m.port).encode()
    got, want = hook_results_of(s, b, stream), hook_results_of(want_status, want_body, stream)
    eq(got is None, want is None, f"case {case}: hook_results presence")
    if want is not None:
        for phase in ("before_request_hooks", "after_request_hooks"):
            if phase in want or phase in got:
                eq(shape_of_hooks(got.get(phase, [])), shape_of_hooks(want.get(phase, [])), f"case {case}: {phase}")
    called = m.count() > before
    return called, m.last() if called else None


def check_different(num, case, rg, m):
    headers, body = parse_cmd(case)
    sent = {k: v for k, v in headers.items() if k.startswith("x-portkey")}
    before = m.count()
    s, _, b = rg.post("/v1/chat/completions", body, sent)
    ev = sse_events(b)
    check(m.count() > before, f"case {case}: upstream called")
    eq(s, 200, f"case {case}: status")
    eq(ev[-1], "[DONE]", f"case {case}: the stream ends with [DONE]")
    text = "".join((json.loads(e)["choices"][0].get("delta") or {}).get("content") or ""
                   for e in ev if e.startswith("{") and json.loads(e).get("choices"))
    if num == "19":
        eq(len(ev), 2, f"case {case}: only the error event and [DONE] (the answer was held until checked)")
        err = json.loads(ev[0])
        eq(err["error"]["type"], "hooks_failed", f"case {case}: error type")
        hooks = shape_of_hooks(err["hook_results"]["after_request_hooks"])
        eq([(h["id"], h["verdict"], h["deny"]) for h in hooks], [("out-no-42", False, True)], f"case {case}: hook")
        eq([(c["id"], c["verdict"]) for c in hooks[0]["checks"]],
           [("default.contains", False), ("default.wordCount", True)], f"case {case}: checks")
        check("42" not in text, f"case {case}: the forbidden text was streamed")
    else:
        check("42" in text, f"case {case}: the stream passes unchanged: {text!r}")
        check(all("hook_results" not in e for e in ev), f"case {case}: strict compliance: no hook_results event")


def upstream_expectations():
    """What Portkey's mock upstream received per case (messages' last content), from upstream_chat_requests.jsonl."""
    out = []
    with open(os.path.join(REF, "upstream_chat_requests.jsonl")) as f:
        for line in f:
            out.append(json.loads(line)["body"])
    return out


def test_recorded_portkey_cases():
    m = Mock()
    # the cases' webhook, log and JWKS URLs are on loopback: allowed here, refused by default
    rg = Railgate(config(upstream_model("gpt-4o-mini", m.base(), upstream="gpt-4o-mini"),
                         settings="  request_hook_hosts: [127.0.0.1]\n"))
    ran = 0
    for num, case in cases():
        if num in NOT_YET:
            continue
        if num in DIFFERENT:
            check_different(num, case, rg, m)
            ran += 1
            continue
        called, last = run_case(num, case, rg, m)
        status, _ = recorded(case)
        denied_before = status == 446 and num not in ("07",) and num not in DIFFERENT_STATUS
        eq(called, not denied_before, f"case {case}: upstream called")
        if num == "09":
            check("[SSN]" in json.loads(last["body"])["messages"][-1]["content"], f"case 09 upstream got {last['body']}")
        if num == "14":
            eq(json.loads(last["body"])["messages"][-1]["content"], "My SSN is [SSN-REDACTED], remember it.")
        if num == "15":
            rows = rg.wait_rows(1, "verdicts LIKE '%async-one%'")
            check(rows, "case 15: the async hook's result is in the record")
            hook = json.loads(rows[-1]["verdicts"])["before_request_hooks"][0]
            # the body carries an SSN: the async hook fails (and would deny in line) but never changes the answer
            eq((hook["id"], hook["async"], hook["verdict"]), ("async-one", True, False), "case 15: recorded async hook")
        if num == "24":
            eq(json.loads(last["body"])["messages"][0]["content"], "Be brief. What is the meaning of life?")
        ran += 1
    check(ran >= 24, f"only {ran} cases ran")
