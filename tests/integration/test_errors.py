"""Every error Railgate answers, in OpenAI's shape, counted and logged once."""
import json
import socket
import struct
import threading
import time

from harness import Mock, Railgate, check, config, eq, error_of, request, upstream_model


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def expect_error(resp, status, code):
    s, h, b = resp
    eq(s, status, f"status for {code}: body {b[:200]!r}")
    check(h.get("content-type", "").startswith("application/json"), "JSON content type")
    e = error_of(b)
    eq(e["code"], code, "error code")
    return e


def test_bad_requests_400():
    rg = Railgate(config())
    expect_error(rg.post("/v1/chat/completions", "{not json"), 400, "invalid_json")
    expect_error(rg.post("/v1/chat/completions", ""), 400, "invalid_json")
    e = expect_error(rg.post("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}]}), 400,
                     "invalid_request")
    eq(e["param"], "model")
    e = expect_error(rg.post("/v1/chat/completions", {"model": "mock"}), 400, "invalid_request")
    eq(e["param"], "messages")
    expect_error(rg.post("/v1/chat/completions", {"model": 5, "messages": []}), 400, "invalid_request")
    expect_error(rg.post("/v1/chat/completions", {"model": "mock", "messages": "hi"}), 400, "invalid_request")
    expect_error(rg.post("/v1/chat/completions", {"model": "mock", "stream": "yes",
                                                  "messages": [{"role": "user", "content": "x"}]}), 400,
                 "invalid_request")
    expect_error(rg.post("/v1/chat/completions", "[1,2]"), 400, "invalid_request")
    expect_error(rg.post("/v1/embeddings", {"model": "mock"}), 400, "invalid_request")
    expect_error(rg.post("/v1/chat/completions", '{"model":"mock","model":"x","messages":[]}'), 400, "invalid_json")


def test_unknown_model_and_route_404_and_405():
    rg = Railgate(config())
    e = expect_error(rg.chat("no-such-model"), 404, "model_not_found")
    check("no-such-model" in e["message"])
    expect_error(request("GET", rg.port, "/v1/nothing"), 404, "not_found")
    s, h, b = request("GET", rg.port, "/v1/chat/completions")
    expect_error((s, h, b), 405, "method_not_allowed")
    eq(h.get("allow"), "POST")
    expect_error(request("POST", rg.port, "/v1/models", "{}"), 405, "method_not_allowed")


def test_body_over_limit_413():
    rg = Railgate(config(settings="  max_request_body: 2kb\n"))
    big = {"model": "mock", "messages": [{"role": "user", "content": "x" * 5000}]}
    expect_error(rg.post("/v1/chat/completions", big), 413, "request_too_large")
    eq(rg.chat("mock", "small")[0], 200, "small body still fine")


def test_auth_401_and_master_key_never_sent_upstream():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base()), general="  master_key: sk-master-secret-1\n"))
    expect_error(rg.chat("gpt"), 401, "missing_api_key")
    expect_error(rg.chat("gpt", headers={"Authorization": "Bearer wrong"}), 401, "invalid_api_key")
    expect_error(rg.chat("gpt", headers={"Authorization": "Basic abc"}), 401, "invalid_api_key")
    expect_error(request("GET", rg.port, "/v1/models"), 401, "missing_api_key")
    s, _, _ = rg.chat("gpt", headers={"Authorization": "Bearer sk-master-secret-1"})
    eq(s, 200)
    eq(m.last()["headers"]["authorization"], "Bearer sk-upstream-test", "upstream gets the model's key")
    eq(request("GET", rg.port, "/health")[0], 200, "health needs no key")
    rg.stop()
    check("sk-master-secret-1" not in rg.read_log(), "master key leaked into the log")
    for r in rg.rows():
        check("sk-master-secret-1" not in json.dumps(r), "master key leaked into a record")


def test_upstream_unreachable_502():
    rg = Railgate(config(upstream_model("gpt", f"http://127.0.0.1:{free_port()}/v1")))
    expect_error(rg.chat("gpt"), 502, "upstream_unreachable")
    expect_error(rg.chat("gpt", stream=True), 502, "upstream_unreachable")


def resetting_upstream():
    """An upstream that says keep-alive, answers one request per connection and resets the connection at once: a
    kept-alive connection that dies as it is reused (the race an idle-timeout close makes in production)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    body = json.dumps({"id": "c1", "object": "chat.completion", "model": "gpt-test", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]}).encode()
    seen = []

    def serve():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            data = b""
            while b"\r\n\r\n" not in data:
                d = c.recv(65536)
                if not d:
                    break
                data += d
            head, _, rest = data.partition(b"\r\n\r\n")
            n = next((int(x.split(b":")[1]) for x in head.split(b"\r\n") if x.lower().startswith(b"content-length:")),
                     0)
            while len(rest) < n:
                d = c.recv(65536)
                if not d:
                    break
                rest += d
            if head:
                seen.append(head.split(b"\r\n")[0])
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    return srv, seen


def test_kept_alive_connection_reset_on_reuse_is_sent_again_fresh():
    srv, seen = resetting_upstream()
    rg = Railgate(config(upstream_model("gpt", f"http://127.0.0.1:{srv.getsockname()[1]}/v1")), workers=1)
    bad = []
    for i in range(40):
        s, _, b = rg.chat("gpt")
        if s != 200:
            bad.append((s, b[:160]))
        time.sleep(0.002 * (i % 5))
    eq(bad, [], "every request answered although each reused connection had been reset")
    eq(len(seen), 40, "each request reached the upstream exactly once")
    srv.close()


def test_upstream_garbage_502():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base("garbage"))))
    expect_error(rg.chat("gpt"), 502, "upstream_bad_response")
    expect_error(rg.chat("gpt", stream=True), 502, "upstream_bad_response")


def test_upstream_truncated_502_and_stream_error_event():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base("truncated"))))
    expect_error(rg.chat("gpt"), 502, "upstream_bad_response")
    s, _, b = rg.chat("gpt", stream=True)
    eq(s, 200, "stream had started")
    text = b.decode()
    check('"code":"upstream_bad_response"' in text, f"no error event at the end of a cut stream: {text[-300:]!r}")
    check("[DONE]" not in text, "a cut stream must not claim [DONE]")
    rows = rg.wait_rows(2)
    eq(sorted(r["error"] for r in rows), ["upstream_bad_response", "upstream_bad_response"])


def test_upstream_timeout_504():
    m = Mock()
    extra = "      timeout: 0.5\n"
    rg = Railgate(config(upstream_model("gpt", m.base("hang"), extra=extra)))
    t0 = time.time()
    expect_error(rg.chat("gpt"), 504, "upstream_timeout")
    check(time.time() - t0 < 3, "timeout honoured")


def test_errors_counted_in_metrics_and_logged_once():
    rg = Railgate(config())
    before = rg.metrics()
    rg.post("/v1/chat/completions", "{bad")
    rg.post("/v1/chat/completions", "{bad")
    rg.chat("missing-model")
    # A request is counted when its exchange is disposed, which may come a moment after the client has the answer
    # (the worker finishes its loop turn first): poll for the counts rather than read them once.
    import time
    k_json = 'railgate_errors_total{code="invalid_json"}'
    k_400 = 'railgate_requests_total{route="chat_completions",status="400"}'
    k_model = 'railgate_errors_total{code="model_not_found"}'
    deadline = time.time() + 5
    while True:
        after = rg.metrics()
        if (after.get(k_json, 0) - before.get(k_json, 0) >= 2 and after.get(k_400, 0) >= 2
                and after.get(k_model, 0) >= 1) or time.time() > deadline:
            break
        time.sleep(0.02)
    eq(after.get(k_json, 0) - before.get(k_json, 0), 2, "invalid_json counted")
    eq(after.get(k_400, 0), 2)
    eq(after.get(k_model, 0), 1)
    rg.stop()
    lines = [l for l in rg.read_log().splitlines() if "err=invalid_json" in l]
    eq(len(lines), 2, "one log line per failed request")
