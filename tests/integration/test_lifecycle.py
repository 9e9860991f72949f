"""Config check, reload, shutdown, records, metrics, TLS/HTTP2, slow clients."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time

from harness import RAILGATE, Mock, Railgate, check, config, eq, request, upstream_model


def run(*args, env=None, unset=()):
    e = dict(os.environ)
    if env:
        e.update(env)
    for k in unset:
        e.pop(k, None)
    p = subprocess.run([RAILGATE] + list(args), capture_output=True, text=True, env=e, timeout=10)
    return p.returncode, p.stdout, p.stderr


def write(tmpdir, name, text):
    path = os.path.join(tmpdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_check_good_and_bad_files():
    import tempfile
    d = tempfile.mkdtemp()
    good = write(d, "good.yaml", config())
    rc, out, err = run("serve", "--check", "--config", good)
    eq(rc, 0, f"good config: {err}")
    check("OK" in out)
    bad = write(d, "bad.yaml", """model_list:
  - model_name: a
    litellm_params:
      model: openai/x
      api_base: ftp://nope
      colour: blue
general_settings:
  master_key: os.environ/RG_TEST_UNSET_VARIABLE
railgate_settings:
  port: 99999
  max_request_body: lots
unknown_section: 1
""")
    rc, out, err = run("serve", "--check", "--config", bad, unset=("RG_TEST_UNSET_VARIABLE",))
    eq(rc, 2, "bad config exit code")
    lines = [l for l in err.splitlines() if l.startswith(bad + ":")]
    check(len(lines) >= 5, f"every problem reported, got: {err}")
    for needle, line in (("api_base", 5), ("colour", 6), ("RG_TEST_UNSET_VARIABLE", 8), ("port", 10),
                         ("max_request_body", 11), ("unknown_section", 12)):
        check(any(l.startswith(f"{bad}:{line}:") and needle in l for l in lines), f"{needle} at line {line}: {err}")
    rc, out, err = run("serve", "--check", "--config", os.path.join(d, "missing.yaml"))
    eq(rc, 2)
    rc, out, err = run("serve", "--check", "--config", write(d, "syntax.yaml", "model_list: [\n  - a: b\n  c"))
    eq(rc, 2)
    check("syntax" in err.lower(), err)


def test_env_reference_resolved():
    import tempfile
    d = tempfile.mkdtemp()
    path = write(d, "env.yaml", config(general="  master_key: os.environ/RG_TEST_KEY\n"))
    rc, out, err = run("serve", "--check", "--config", path, env={"RG_TEST_KEY": "sk-from-env"})
    eq(rc, 0, err)
    env = dict(os.environ)
    env.pop("RG_TEST_KEY", None)
    p = subprocess.run([RAILGATE, "serve", "--check", "--config", path], capture_output=True, text=True, env=env)
    eq(p.returncode, 2)
    check("RG_TEST_KEY" in p.stderr, p.stderr)


def test_version_help_and_bad_flags():
    rc, out, _ = run("version")
    eq(rc, 0)
    check(out.startswith("railgate "))
    rc, out, _ = run("help")
    eq(rc, 0)
    check("serve" in out)
    rc, _, _ = run("serve", "--port", "notaport")
    eq(rc, 2)
    rc, _, _ = run("frobnicate")
    eq(rc, 2)


def test_sighup_reload_and_bad_reload_keeps_old():
    rg = Railgate(config())
    eq(rg.chat("mock2")[0], 404)
    rg.rewrite(config("""  - model_name: mock2
    litellm_params:
      model: mock/two
      mock_response: second generation
"""))
    rg.signal(signal.SIGHUP)
    end = time.time() + 5
    while time.time() < end and rg.chat("mock2")[0] != 200:
        time.sleep(0.05)
    s, _, b = rg.chat("mock2")
    eq(s, 200, "new model after reload")
    eq(json.loads(b)["choices"][0]["message"]["content"], "second generation")
    rg.rewrite("model_list: [\n  - nonsense: true\n")
    rg.signal(signal.SIGHUP)
    time.sleep(0.5)
    eq(rg.chat("mock2")[0], 200, "bad reload keeps the old generation")
    m = rg.metrics()
    eq(m["railgate_config_reloads_total"], 1)
    eq(m["railgate_config_reload_failures_total"], 1)
    check("reload refused" in rg.read_log())


def test_reload_does_not_change_config_under_a_request_in_flight():
    rg = Railgate(config("""  - model_name: slow
    litellm_params:
      model: mock/slow
      mock_response: old generation
      mock_delay: 600ms
"""))
    out = {}
    t = threading.Thread(target=lambda: out.update(r=rg.chat("slow")))
    t.start()
    time.sleep(0.2)
    rg.rewrite(config("""  - model_name: slow
    litellm_params:
      model: mock/slow
      mock_response: new generation
"""))
    rg.signal(signal.SIGHUP)
    t.join()
    eq(json.loads(out["r"][2])["choices"][0]["message"]["content"], "old generation")
    time.sleep(0.2)
    eq(json.loads(rg.chat("slow")[2])["choices"][0]["message"]["content"], "new generation")


def test_sigterm_drains_in_flight_and_loses_no_record():
    rg = Railgate(config("""  - model_name: slow
    litellm_params:
      model: mock/slow
      mock_delay: 800ms
"""))
    results = []
    lock = threading.Lock()

    def one():
        r = rg.chat("slow", timeout=10)
        with lock:
            results.append(r[0])

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    eq(rg.metrics()["railgate_in_flight"], 6, "requests in flight before SIGTERM")
    rg.signal(signal.SIGTERM)
    for t in threads:
        t.join()
    eq(rg.proc.wait(10), 0, "exit code after SIGTERM")
    eq(results, [200] * 6, "in-flight requests finished")
    rows = rg.rows("model = 'slow'")
    eq(len(rows), 6, "every request recorded")
    eq({r["status"] for r in rows}, {200})
    try:
        socket.create_connection(("127.0.0.1", rg.port), timeout=0.5).close()
        check(False, "still accepting after exit")
    except OSError:
        pass


def test_shutdown_deadline_records_cut_requests():
    rg = Railgate(config("""  - model_name: slower
    litellm_params:
      model: mock/slow
      mock_delay: 30s
""", settings="  shutdown_timeout: 300ms\n"))
    t = threading.Thread(target=lambda: _ignore(lambda: rg.chat("slower", timeout=10)))
    t.start()
    time.sleep(0.2)
    rg.signal(signal.SIGTERM)
    eq(rg.proc.wait(5), 0)
    t.join()
    rows = rg.rows("model = 'slower'")
    eq(len(rows), 1, "the cut request is recorded")
    eq(rows[0]["error"], "shutting_down")


def _ignore(f):
    try:
        f()
    except Exception:
        pass


def test_record_contents():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base(), upstream="up-model")))
    body = {"model": "gpt", "messages": [{"role": "user", "content": "record me"}], "api_key": "sk-client-body-key",
            "metadata": {"Authorization": "Bearer sk-nested"}}
    s, h, b = rg.post("/v1/chat/completions", body, {"Authorization": "Bearer sk-header-secret"})
    eq(s, 200)
    rid = h["x-railgate-request-id"]
    rows = rg.wait_rows(1, "id = ?", (rid,))
    eq(len(rows), 1, "exactly one record for the request")
    r = rows[0]
    eq(r["route"], "chat_completions")
    eq(r["method"], "POST")
    eq(r["path"], "/v1/chat/completions")
    eq(r["model"], "gpt")
    eq(r["upstream"], "openai/up-model")
    eq(r["status"], 200)
    eq(r["client_ip"], "127.0.0.1")
    check(r["total_us"] > 0 and r["upstream_us"] > 0 and r["own_us"] >= 0, "durations")
    check(r["total_us"] >= r["upstream_us"], "total covers upstream")
    check(abs(r["ts_ms"] / 1000 - time.time()) < 60, "timestamp")
    req = json.loads(r["request_body"])
    eq(req["messages"][0]["content"], "record me")
    eq(req["api_key"], "[REDACTED]", "api_key removed from the record")
    eq(req["metadata"]["Authorization"], "[REDACTED]")
    eq(json.loads(r["response_body"]), json.loads(b), "response body recorded")
    for col in ("collection", "key_alias", "team_alias", "verdicts"):
        check(col in r, f"column {col} exists")
    dump = json.dumps(rows)
    for secret in ("sk-client-body-key", "sk-nested", "sk-header-secret", "sk-upstream-test"):
        check(secret not in dump, f"{secret} leaked into the record")
    rg.stop()
    log = rg.read_log()
    for secret in ("sk-client-body-key", "sk-nested", "sk-header-secret", "sk-upstream-test"):
        check(secret not in log, f"{secret} leaked into the log")


def test_record_body_capped():
    rg = Railgate(config(settings="  record_body_max: 1kb\n"))
    s, h, _ = rg.chat("mock", "y" * 4000)
    eq(s, 200)
    r = rg.wait_rows(1, "id = ?", (h["x-railgate-request-id"],))[0]
    check(len(r["request_body"]) <= 1024, "request body capped")
    eq(r["request_truncated"], 1)


def test_one_record_per_request_of_every_kind():
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base())))
    ids = []
    for resp in (rg.chat("mock"), rg.chat("mock", stream=True), rg.chat("gpt"), rg.chat("gpt", stream=True),
                 rg.chat("nope"), rg.post("/v1/chat/completions", "{x"), request("GET", rg.port, "/v1/models"),
                 request("GET", rg.port, "/v1/nope")):
        ids.append(resp[1]["x-railgate-request-id"])
    request("GET", rg.port, "/health")
    rows = rg.wait_rows(len(ids))
    eq(sorted(r["id"] for r in rows), sorted(ids), "one record per request, operational endpoints excluded")
    stream_rows = [r for r in rows if r["stream"] == 1]
    eq(len(stream_rows), 2)
    for r in stream_rows:
        check("[DONE]" in r["response_body"], "streamed response recorded")


def test_records_dropped_when_the_writer_is_stuck_and_requests_never_block():
    rg = Railgate(config(settings="  record_queue: 16\n"))
    rg.chat("mock")
    rg.wait_rows(1)
    con = sqlite3.connect(rg.db, timeout=1)
    con.execute("BEGIN EXCLUSIVE")  # the writer now waits on the lock (busy_timeout)
    try:
        t0 = time.time()
        for _ in range(200):
            eq(rg.chat("mock")[0], 200)
        check(time.time() - t0 < 10, "requests were not held up by the stuck writer")
        m = rg.metrics()
        check(m["railgate_records_dropped_total"] > 0, "full queue drops and counts")
    finally:
        con.rollback()
        con.close()
    dropped = rg.metrics()["railgate_records_dropped_total"]
    rg.stop()
    rows = rg.rows()
    eq(len(rows) + dropped, 201, "written + dropped = requests")


def test_metrics_move():
    rg = Railgate(config())
    m0 = rg.metrics()
    for _ in range(3):
        rg.chat("mock")
    time.sleep(0.5)
    m1 = rg.metrics()
    k = 'railgate_requests_total{route="chat_completions",status="200"}'
    eq(m1.get(k, 0) - m0.get(k, 0), 3)
    check(m1['railgate_request_duration_seconds_count{route="chat_completions"}'] >= 3)
    check(m1["railgate_records_written_total"] >= 3, "records written counted")
    for name in ("railgate_in_flight", "railgate_records_dropped_total", "railgate_upstream_requests_total"):
        check(name in m1, name)
    check('railgate_upstream_errors_total{kind="timeout"}' in m1)


def test_health_and_readiness():
    rg = Railgate(config())
    s, _, b = request("GET", rg.port, "/health")
    eq(s, 200)
    eq(json.loads(b)["status"], "healthy")
    s, _, b = request("GET", rg.port, "/health/readiness")
    eq(s, 200)
    eq(json.loads(b)["db"], "connected")


def test_client_abort_mid_stream_is_recorded():
    rg = Railgate(config("""  - model_name: slowstream
    litellm_params:
      model: mock/slow
      mock_chunks: 20
      mock_chunk_delay: 100ms
"""))
    sock = socket.create_connection(("127.0.0.1", rg.port))
    body = json.dumps({"model": "slowstream", "stream": True, "messages": [{"role": "user", "content": "x"}]})
    sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    data = sock.recv(4096)
    check(b"200 OK" in data)
    sock.close()
    rows = rg.wait_rows(1, "model = 'slowstream'")
    eq(len(rows), 1)
    eq(rows[0]["error"], "client_closed")
    eq(rg.wait_metric("railgate_stream_client_aborts_total", 1), 1)
    eq(rg.wait_metric("railgate_in_flight", 0), 0)


def test_client_abort_cancels_upstream_stream():
    m = Mock()
    extra = "      extra_headers:\n        x-mock-chunk-delay-ms: 200\n"
    rg = Railgate(config(upstream_model("gpt", m.base("sse"), extra=extra)))
    sock = socket.create_connection(("127.0.0.1", rg.port))
    body = json.dumps({"model": "gpt", "stream": True, "messages": [{"role": "user", "content": "x"}]})
    sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    check(b"200 OK" in sock.recv(4096))
    sock.close()
    rows = rg.wait_rows(1)
    eq(rows[0]["error"], "client_closed")
    check(rows[0]["total_us"] < 1_500_000, "record written when the client left, not when the upstream finished")


def test_slow_header_client_is_timed_out_and_others_are_served():
    rg = Railgate(config(settings="  header_timeout: 1s\n  body_timeout: 1s\n"))
    slow = socket.create_connection(("127.0.0.1", rg.port))
    slow.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")  # never finishes
    eq(rg.chat("mock")[0], 200, "others are served meanwhile")
    slow.settimeout(5)
    t0 = time.time()
    try:
        data = slow.recv(4096)
    except socket.timeout:
        data = None
    check(data is not None, "slow client not dropped")
    check(time.time() - t0 < 4, "dropped within the timeout")
    slow.close()


def test_cut_request_body_does_not_hurt():
    rg = Railgate(config())
    s = socket.create_connection(("127.0.0.1", rg.port))
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"model\":")
    s.close()
    eq(rg.chat("mock")[0], 200)


def test_tls_and_http2():
    import tempfile
    d = tempfile.mkdtemp()
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    rg = Railgate(config(settings=f"  tls:\n    cert_file: {cert}\n    key_file: {key}\n"))
    check(rg.url.startswith("https://"), rg.url)
    body = json.dumps({"model": "mock", "messages": [{"role": "user", "content": "over h2"}]})
    p = subprocess.run(["curl", "-sk", "--http2", "-o", "-", "-w", "\\n%{http_version} %{http_code}",
                        f"https://127.0.0.1:{rg.port}/v1/chat/completions", "-H", "Content-Type: application/json",
                        "-d", body], capture_output=True, text=True, timeout=10)
    out, meta = p.stdout.rsplit("\n", 1)
    eq(meta, "2 200", "HTTP/2 over TLS")
    check("over h2" in json.loads(out)["choices"][0]["message"]["content"])
    p = subprocess.run(["curl", "-sk", "--http1.1", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                        f"https://127.0.0.1:{rg.port}/health"], capture_output=True, text=True, timeout=10)
    eq(p.stdout, "1.1 200", "HTTP/1.1 over TLS")


def test_client_leaving_a_pending_request_is_noticed():
    """A client that disconnects while the upstream has not answered: upstream call cancelled, 499 recorded."""
    m = Mock()
    rg = Railgate(config(upstream_model("gpt", m.base("hang"), extra="      timeout: 30\n")))
    sock = socket.create_connection(("127.0.0.1", rg.port))
    body = json.dumps({"model": "gpt", "messages": [{"role": "user", "content": "x"}]})
    sock.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    time.sleep(0.3)
    eq(rg.metrics()["railgate_in_flight"], 1)
    sock.close()
    rows = rg.wait_rows(1, "model = 'gpt'", timeout=3)
    eq(len(rows), 1, "recorded soon after the client left, not at the 30 s timeout")
    eq(rows[0]["status"], 499)
    eq(rows[0]["error"], "client_closed")
    eq(rg.wait_metric("railgate_in_flight", 0), 0)
