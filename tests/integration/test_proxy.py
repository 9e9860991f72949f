"""Completions through the openai provider and the built-in mock, streamed and not."""
import json
import os

from harness import Mock, Railgate, check, config, eq, request, sse_events, upstream_model


def test_chat_nonstream_through_openai_provider():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base(), upstream="gpt-upstream-name")))
    s, h, b = rg.chat("gpt", "What is 6*7?")
    eq(s, 200, "status")
    j = json.loads(b)
    eq(j["object"], "chat.completion")
    check("42" in j["choices"][0]["message"]["content"], f"mock content not passed through: {b!r}")
    check(len(h.get("x-railgate-request-id", "")) == 32, "request id header")
    last = m.last()
    eq(last["path"], "/v1/chat/completions", "upstream path")
    eq(last["headers"].get("authorization"), "Bearer sk-upstream-test", "upstream auth")
    sent = json.loads(last["body"])
    eq(sent["model"], "gpt-upstream-name", "model rewritten to the upstream name")
    eq(sent["messages"][0]["content"], "What is 6*7?", "messages forwarded")


def test_same_model_name_forwards_body_bytes_unchanged():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt-test", m.base())))
    raw = '{"model":"gpt-test",  "messages":[{"role":"user","content":"keep   my   spacing"}], "temperature": 0.25}'
    s, _, _ = rg.post("/v1/chat/completions", raw)
    eq(s, 200)
    eq(m.last()["body"], raw, "body forwarded byte for byte")


def test_chat_stream_through_openai_provider():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base())))
    s, h, b = rg.chat("gpt", "stream please", stream=True)
    eq(s, 200)
    check(h["content-type"].startswith("text/event-stream"), h["content-type"])
    ev = sse_events(b)
    eq(ev[-1], "[DONE]", "stream ends with [DONE]")
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content", "") for e in ev[:-1])
    check("42" in text, f"streamed text: {text!r}")
    check(len(ev) >= 5, f"several events expected, got {len(ev)}")


def test_stream_arrives_incrementally():
    """With a delay between upstream events, the first event reaches the client long before the last."""
    import socket
    import time
    m = Mock()
    extra = "      extra_headers:\n        x-mock-chunk-delay-ms: 150\n"
    rg = Railgate(config(upstream_model("gpt", m.base("sse"), extra=extra)))
    body = json.dumps({"model": "gpt", "stream": True, "messages": [{"role": "user", "content": "x"}]})
    sock = socket.create_connection(("127.0.0.1", rg.port), timeout=10)
    t0 = time.time()
    sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    seen, t_first = b"", None
    while b"[DONE]" not in seen:
        chunk = sock.recv(65536)
        check(chunk, "connection closed before [DONE]")
        seen += chunk
        if t_first is None and b"data: " in seen:
            t_first = time.time() - t0
    t_all = time.time() - t0
    sock.close()
    check(t_all - t_first > 0.5, f"events were not streamed incrementally (first {t_first:.2f}s, all {t_all:.2f}s)")


def test_builtin_mock_stream_and_completions_and_embeddings():
    rg = Railgate(config())
    s, _, b = rg.chat("mock", "hello mock", stream=True)
    eq(s, 200)
    ev = sse_events(b)
    eq(ev[-1], "[DONE]")
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content", "") for e in ev[:-1])
    eq(text, "Hello from Railgate's mock model. You said: hello mock")
    s, _, b = rg.post("/v1/completions", {"model": "mock", "prompt": "complete me"})
    eq(s, 200)
    eq(json.loads(b)["object"], "text_completion")
    s, _, b = rg.post("/embeddings", {"model": "mock", "input": ["a", "b"]})
    eq(s, 200)
    j = json.loads(b)
    eq(len(j["data"]), 2)
    eq(len(j["data"][0]["embedding"]), 16)
    s2, _, b2 = rg.post("/v1/embeddings", {"model": "mock", "input": ["a", "b"]})
    eq(json.loads(b2)["data"], j["data"], "embeddings are deterministic")


def test_completions_and_embeddings_through_openai_provider():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base())))
    s, _, b = rg.post("/v1/completions", {"model": "gpt", "prompt": "hi"})
    eq(s, 200, f"completions: {b!r}")
    eq(m.last()["path"], "/v1/completions")
    s, _, b = rg.post("/v1/embeddings", {"model": "gpt", "input": "hi"})
    eq(s, 200, f"embeddings: {b!r}")
    eq(m.last()["path"], "/v1/embeddings")


def test_routes_without_v1_prefix_and_models_list():
    rg = Railgate(config())
    s, _, _ = rg.post("/chat/completions", {"model": "mock", "messages": [{"role": "user", "content": "x"}]})
    eq(s, 200)
    s, _, b = request("GET", rg.port, "/v1/models")
    eq(s, 200)
    eq([d["id"] for d in json.loads(b)["data"]], ["mock"])
    s, _, b = request("GET", rg.port, "/models")
    eq(s, 200)


def test_upstream_error_status_passes_through():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base("status/429"))))
    s, _, b = rg.chat("gpt")
    eq(s, 429, "upstream 429 passed through")
    eq(json.loads(b)["error"]["code"], "429")


def test_structured_mock_answer_passes_a_json_schema_after_hook():
    """mockup's structured mode (the benchmark's upstream): the answer text is a JSON object, so an
    output jsonSchema check passes; the same mock's default text fails it (246 without deny)."""
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base("structured")) + upstream_model("plain", m.base())))
    hook = {"after_request_hooks": [{"id": "json-answer", "type": "guardrail", "checks": [{
        "id": "default.jsonSchema", "parameters": {"schema": {
            "type": "object", "required": ["answer", "summary"],
            "properties": {"answer": {"type": "integer"}, "summary": {"type": "string"}}}}}]}]}
    hdr = {"x-portkey-config": json.dumps(hook)}
    s, _, b = rg.chat("gpt", "Answer in JSON", headers=hdr)
    eq(s, 200, f"structured answer: {b[:300]!r}")
    j = json.loads(b)
    eq(json.loads(j["choices"][0]["message"]["content"]), {"answer": 42, "summary": "Hello from mockup."})
    eq(j["hook_results"]["after_request_hooks"][0]["verdict"], True, "jsonSchema verdict")
    eq(m.last()["path"], "/structured/v1/chat/completions", "upstream path")
    s, _, b = rg.chat("plain", "Answer in JSON", headers=hdr)
    eq(s, 246, "the default text has no JSON")
    s, _, b = request("POST", m.port, "/structured/v1/completions", {"model": "x", "prompt": "p"})
    eq(json.loads(json.loads(b)["choices"][0]["text"])["answer"], 42, "structured completions")
    s, _, b = request("POST", m.port, "/structured/v1/chat/completions", {"model": "x", "stream": True, "messages": []})
    check(b.startswith(b"data: "), "a streamed request gets the ordinary stream")


def test_extra_headers_reach_upstream():
    m = Mock()
    extra = "      extra_headers:\n        X-Team: blue\n"
    rg = Railgate(config(upstream_model("gpt", m.base(), extra=extra)))
    eq(rg.chat("gpt")[0], 200)
    eq(m.last()["headers"].get("x-team"), "blue")


def test_keepalive_many_requests_one_connection():
    import http.client
    rg = Railgate(config())
    conn = http.client.HTTPConnection("127.0.0.1", rg.port, timeout=5)
    body = json.dumps({"model": "mock", "messages": [{"role": "user", "content": "x"}]})
    for i in range(20):
        conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        eq(r.status, 200)
        r.read()
    conn.close()


def _rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_stream_backpressure_bounds_memory_and_loses_nothing():
    """A fast upstream and a client that does not read: Railgate pauses the upstream instead of buffering
    the whole stream, and when the client reads, every event arrives in order."""
    import socket
    import time
    m = Mock()
    repeat = 8000  # 8000 x the mock's 7 words: about 56,000 events, 14 MB
    extra = f"      extra_headers:\n        x-mock-repeat: {repeat}\n"
    rg = Railgate(config(upstream_model("gpt", m.base("sse"), extra=extra) + upstream_model("gpt1", m.base("sse"))),
                  workers=1)
    words = len(sse_events(rg.chat("gpt1", stream=True)[2])) - 2  # minus the finish event and [DONE]
    rss0 = _rss_kb(rg.proc.pid)
    body = json.dumps({"model": "gpt", "stream": True, "messages": [{"role": "user", "content": "x"}]})
    sock = socket.create_connection(("127.0.0.1", rg.port), timeout=20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    time.sleep(2.0)  # without back-pressure the whole stream would now sit in Railgate's memory
    grown = _rss_kb(rg.proc.pid) - rss0
    # without back-pressure this grows by the whole stream (13 MB measured); ASan's redzones and
    # quarantine of freed buffers add a few MB of their own
    limit = 8000 if "asan" in os.environ.get("B", "") else 2500
    check(grown < limit, f"Railgate buffered {grown} KB for a client that is not reading")
    data = bytearray()
    while not data.endswith(b"0\r\n\r\n"):
        chunk = sock.recv(1 << 20)
        check(chunk, "connection closed before the end")
        data += chunk
    sock.close()
    text = data.decode(errors="replace")
    n_events = text.count("data: {")
    eq(n_events, repeat * words + 1, "every event arrived")
    check("data: [DONE]" in text)
    rows = rg.wait_rows(1, "model = 'gpt'")
    eq(len(rows), 1)
    eq(rows[0]["status"], 200)
    eq(rows[0]["error"], None)
    eq(rows[0]["response_truncated"], 1, "a 9 MB stream is cut in the record")


# Usually 2 s. Under heavy machine load a paused-and-resumed stream was once seen
# taking 70 s (an open issue in docs/internals/api.md), so this test gets more time.
test_stream_backpressure_bounds_memory_and_loses_nothing.timeout = 150
