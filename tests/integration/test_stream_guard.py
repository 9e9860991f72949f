"""Output guardrails on streamed answers (src/api/stream_guard.c): Portkey after_request_hooks in x-portkey-config,
through the openai provider (the C mock upstream) and the built-in mock provider. A deny stops the stream with an
SSE error event and [DONE] and cancels the upstream; a pass changes nothing; the record holds what the client got
and the after-hook verdicts; the same stream cut at random byte positions gives the same verdicts and output."""
import json
import time

from harness import Mock, Railgate, check, config, eq, sse_events, upstream_model

SSN_HOOK = {"id": "no-ssn", "type": "guardrail", "deny": True,
            "checks": [{"id": "default.regexMatch", "parameters": {"rule": r"\d{3}-\d{2}-\d{4}", "not": True}}]}

FILLER = ("The gateway reads every answer before the client does and keeps the record of what went out. " * 4).strip()
CLEAN = f"{FILLER} Nothing secret here at all. {FILLER}"
DIRTY = f"{FILLER} Your number is 123-45-6789 as requested. {FILLER}"


def pk(after, **extra):
    cfg = {"after_request_hooks": after}
    cfg.update(extra)
    return {"x-portkey-config": json.dumps(cfg)}


def mock_model(name, content, extra_headers=None, mode="sse"):
    """A model on the C mock upstream streaming `content` word by word."""
    def build(m):
        hdrs = {"x-mock-content": content}
        hdrs.update(extra_headers or {})
        lines = "".join(f"        {k}: {json.dumps(str(v))}\n" for k, v in hdrs.items())
        return upstream_model(name, m.base(mode), extra="      extra_headers:\n" + lines)
    return build


def stream_body(model, **extra):
    b = {"model": model, "stream": True, "messages": [{"role": "user", "content": "tell me"}]}
    b.update(extra)
    return b


def content_of(events):
    out = []
    for e in events:
        if e.startswith("{"):
            j = json.loads(e)
            for c in j.get("choices", []):
                out.append((c.get("delta") or {}).get("content") or c.get("text") or "")
    return "".join(out)


def normalize(obj):
    """hook_results without timestamps and durations (they differ from run to run)."""
    if isinstance(obj, dict):
        return {k: normalize(v) for k, v in obj.items() if k not in ("created_at", "execution_time")}
    if isinstance(obj, list):
        return [normalize(v) for v in obj]
    return obj


def record_of(rg, headers):
    rows = rg.wait_rows(1, "id = ?", (headers["x-railgate-request-id"],))
    eq(len(rows), 1, "one record")
    return rows[0]


def test_deny_cuts_the_stream_and_cancels_the_upstream():
    m = Mock()
    # 40 repetitions at 5 ms per word: about 8 s if the upstream were read to the end
    rg = Railgate(config(mock_model("gpt", DIRTY, {"x-mock-chunk-delay-ms": 5, "x-mock-repeat": 40})(m)))
    t0 = time.time()
    s, h, b = rg.post("/v1/chat/completions", stream_body("gpt"), pk([SSN_HOOK]), timeout=30)
    took = time.time() - t0
    eq(s, 200)
    check(h["content-type"].startswith("text/event-stream"), h["content-type"])
    ev = sse_events(b)
    eq(ev[-1], "[DONE]", "the stream ends with [DONE]")
    err = json.loads(ev[-2])
    eq(err["error"]["type"], "hooks_failed")
    eq(err["error"]["code"], None)
    check("`hook_results`" in err["error"]["message"], err["error"]["message"])
    after = err["hook_results"]["after_request_hooks"]
    eq([(x["id"], x["verdict"], x["deny"]) for x in after], [("no-ssn", False, True)])
    eq(err["hook_results"]["before_request_hooks"], [])
    text = content_of(ev[:-2])
    check("6789" not in text, "the SSN never reached the client")
    check(DIRTY.startswith(text), "what went out is the start of the answer")
    check(len(text) > 100, f"the text before the SSN went out as it was checked ({len(text)} bytes)")
    check(took < 4, f"the upstream was cancelled, not read to its end ({took:.2f}s)")
    r = record_of(rg, h)
    eq(r["status"], 200)
    eq(r["error"], "hooks_failed")
    eq(r["response_body"].encode(), b, "the record holds what the client got")
    v = json.loads(r["verdicts"])
    eq([(x["id"], x["verdict"], x["deny"]) for x in v["after_request_hooks"]], [("no-ssn", False, True)])
    check(r["upstream_us"] < 4_000_000, "upstream time ends at the cut")


def test_pass_changes_nothing():
    m = Mock()
    rg = Railgate(config(mock_model("gpt", CLEAN)(m)))
    s0, _, plain = rg.post("/v1/chat/completions", stream_body("gpt"))  # no hooks
    s, h, b = rg.post("/v1/chat/completions", stream_body("gpt"), pk([SSN_HOOK]))
    eq((s0, s), (200, 200))
    eq(b, plain, "a passing stream reaches the client byte for byte")
    eq(content_of(sse_events(b)), CLEAN)
    r = record_of(rg, h)
    eq(r["error"], None)
    eq(r["response_body"].encode(), b)
    v = json.loads(r["verdicts"])
    eq([(x["id"], x["verdict"], x["deny"]) for x in v["after_request_hooks"]], [("no-ssn", True, False)])
    eq(v["after_request_hooks"][0]["checks"][0]["data"]["textExcerpt"], CLEAN[:100] + "...",
       "the hooks saw the whole streamed text")


def test_hook_results_event_when_strict_compliance_is_off():
    m = Mock()
    rg = Railgate(config(mock_model("gpt", CLEAN)(m)))
    before = {"id": "in", "type": "guardrail", "deny": False,
              "checks": [{"id": "default.contains", "parameters": {"operator": "any", "words": ["absent"]}}]}
    hdrs = pk([SSN_HOOK], before_request_hooks=[before])
    hdrs["x-portkey-strict-open-ai-compliance"] = "false"
    s, h, b = rg.post("/v1/chat/completions", stream_body("gpt"), hdrs)
    eq(s, 246, "a failed before-hook without deny: 246, as Portkey")
    ev = sse_events(b)
    first, last_results = json.loads(ev[0]), json.loads(ev[-2])
    eq(list(first["hook_results"]), ["before_request_hooks"], "the before results go first")
    eq(list(last_results["hook_results"]), ["after_request_hooks"], "the after results go just before [DONE]")
    eq(last_results["hook_results"]["after_request_hooks"][0]["verdict"], True)
    eq(ev[-1], "[DONE]")
    eq(content_of(ev[1:-2]), CLEAN)
    v = json.loads(record_of(rg, h)["verdicts"])
    eq([x["id"] for x in v["before_request_hooks"]], ["in"])
    eq([x["id"] for x in v["after_request_hooks"]], ["no-ssn"])
    # strict (the default): no results events at all
    s, _, b = rg.post("/v1/chat/completions", stream_body("gpt"), pk([SSN_HOOK], before_request_hooks=[before]))
    check(all("hook_results" not in e for e in sse_events(b)), "strict compliance: no hook_results events")


def test_random_byte_splits_give_identical_verdicts_and_output():
    """The mock upstream re-cuts the same SSE bytes at random positions (x-mock-split-seed): same verdicts and
    same client-visible output for every cut, passing and denied."""
    m = Mock()
    clean = f"{FILLER} Nothing secret. {FILLER}"
    dirty = f"{FILLER} Call 123-45-6789 now. {FILLER}"
    splits = [(1, 3, 0), (2, 7, 0), (3, 16, 0), (4, 40, 0), (5, 97, 0), (6, 64, 1)]  # seed, max piece, delay ms
    models = mock_model("whole-clean", clean)(m) + mock_model("whole-dirty", dirty)(m)
    for seed, most, delay in splits:
        for kind, content in (("clean", clean), ("dirty", dirty)):
            models += mock_model(f"{kind}{seed}", content, {"x-mock-split-seed": seed, "x-mock-split-max": most,
                                                            "x-mock-chunk-delay-ms": delay})(m)
    rg = Railgate(config(models))
    hooks = [SSN_HOOK, {"id": "words", "type": "guardrail", "deny": True, "checks": [
        {"id": "default.wordCount", "parameters": {"minWords": 20, "maxWords": 10000}},
        {"id": "default.contains", "parameters": {"operator": "none", "words": ["forbidden"]}}]}]
    for kind in ("clean", "dirty"):
        s, h, want = rg.post("/v1/chat/completions", stream_body(f"whole-{kind}"), pk(hooks))
        eq(s, 200)
        want_ev = [normalize(json.loads(e)) if e.startswith("{") else e for e in sse_events(want)]
        want_v = normalize(json.loads(record_of(rg, h)["verdicts"]))
        for seed, _, _ in splits:
            s, h, b = rg.post("/v1/chat/completions", stream_body(f"{kind}{seed}"), pk(hooks))
            eq(s, 200)
            got_ev = [normalize(json.loads(e)) if e.startswith("{") else e for e in sse_events(b)]
            eq(got_ev, want_ev, f"{kind} stream, split seed {seed}: client-visible output")
            eq(normalize(json.loads(record_of(rg, h)["verdicts"])), want_v, f"{kind} stream, seed {seed}: verdicts")
        if kind == "clean":
            eq(want_ev[-1], "[DONE]")
            eq(content_of(sse_events(want)), clean)
            eq([x["verdict"] for x in want_v["after_request_hooks"]], [True, True])
        else:
            eq(want_ev[-2]["error"]["type"], "hooks_failed")
            check("6789" not in content_of(sse_events(want)[:-2]))
            eq([x["deny"] for x in want_v["after_request_hooks"]], [True, False])  # cut mid-stream by the first


def test_builtin_mock_provider_stream_is_guarded():
    rg = Railgate(config(f"""  - model_name: talky
    litellm_params:
      model: mock/talky
      mock_response: "{DIRTY}"
      mock_chunks: 24
  - model_name: quiet
    litellm_params:
      model: mock/quiet
      mock_response: "{CLEAN}"
      mock_chunks: 24
"""))
    s, h, b = rg.post("/v1/chat/completions", stream_body("talky"), pk([SSN_HOOK]))
    eq(s, 200)
    ev = sse_events(b)
    eq(ev[-1], "[DONE]")
    eq(json.loads(ev[-2])["error"]["type"], "hooks_failed")
    check("6789" not in content_of(ev[:-2]))
    r = record_of(rg, h)
    eq(r["error"], "hooks_failed")
    eq(r["response_body"].encode(), b)
    eq(json.loads(r["verdicts"])["after_request_hooks"][0]["deny"], True)

    s, h, b = rg.post("/v1/chat/completions", stream_body("quiet"), pk([SSN_HOOK]))
    eq(s, 200)
    eq(content_of(sse_events(b)), CLEAN)
    eq(sse_events(b)[-1], "[DONE]")
    eq(json.loads(record_of(rg, h)["verdicts"])["after_request_hooks"][0]["verdict"], True)

    # completions stream, shorthand output_guardrails
    body = {"model": "talky", "stream": True, "prompt": "x"}
    s, _, b = rg.post("/v1/completions", body, {"x-portkey-config": json.dumps(
        {"output_guardrails": [{"deny": True, "default.regexMatch": {"rule": r"\d{3}-\d{2}-\d{4}", "not": True}}]})})
    eq(s, 200)
    ev = sse_events(b)
    eq(json.loads(ev[-2])["error"]["type"], "hooks_failed")
    check("6789" not in content_of(ev[:-2]))


def test_modes_buffer_and_log():
    rg = Railgate(config(f"""  - model_name: talky
    litellm_params:
      model: mock/talky
      mock_response: "{DIRTY}"
      mock_chunks: 30
      mock_chunk_delay: 20ms
"""))
    # log: everything passes, the deny is only recorded
    s, h, b = rg.post("/v1/chat/completions", stream_body("talky"), pk([dict(SSN_HOOK, stream_mode="log")]))
    eq(s, 200)
    eq(content_of(sse_events(b)), DIRTY)
    r = record_of(rg, h)
    eq(r["error"], None)
    eq(json.loads(r["verdicts"])["after_request_hooks"][0]["deny"], True)

    # buffer: nothing reaches the client before the end (the first byte comes after all 30 events)
    import socket
    buffered = pk([dict(SSN_HOOK, stream_mode="buffer",
                        checks=[{"id": "default.contains", "parameters": {"operator": "none", "words": ["zzz"]}}])])
    body = json.dumps(stream_body("talky"))
    sock = socket.create_connection(("127.0.0.1", rg.port), timeout=10)
    t0 = time.time()
    sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"x-portkey-config: {buffered['x-portkey-config']}\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    seen, t_first = b"", None
    while b"[DONE]" not in seen:
        chunk = sock.recv(65536)
        check(chunk, "connection closed before [DONE]")
        seen += chunk
        if t_first is None and b"data: {" in seen:
            t_first = time.time() - t0
    sock.close()
    check(t_first > 0.4, f"buffer mode released events before the end ({t_first:.2f}s)")
    s, _, b = rg.post("/v1/chat/completions", stream_body("talky"), buffered)
    eq(s, 200)
    eq(content_of(sse_events(b)), DIRTY)

    # mixed modes: the strictest wins (buffer), and the SSN hook denies at the end
    s, h, b = rg.post("/v1/chat/completions", stream_body("talky"),
                      pk([dict(SSN_HOOK, stream_mode="log"), {"id": "b", "type": "guardrail", "stream_mode": "buffer"}]))
    ev = sse_events(b)
    eq(ev, [ev[0], "[DONE]"], "buffer mode: only the error event and [DONE]")
    eq(json.loads(ev[0])["error"]["type"], "hooks_failed")
