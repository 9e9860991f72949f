"""Integration test harness: starts the real ./railgate and the C mock
upstream on ephemeral loopback ports, talks HTTP to them, reads the SQLite
records. Standard library only."""
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
B = os.environ.get("B", "build")
RAILGATE = os.environ.get("RAILGATE", os.path.join(ROOT, "railgate"))
MOCK = os.path.join(ROOT, B, "tests", "mockup")


class Fail(AssertionError):
    pass


_live = []  # processes started by the current test; the runner stops them afterwards


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "WARNING: ThreadSanitizer")


def cleanup():
    """Stops what the test left running; returns problems found (sanitizer reports, hung exits)."""
    problems = []
    while _live:
        p = _live.pop()
        try:
            p.stop()
        except Exception as e:  # noqa: BLE001
            problems.append(str(e))
    problems.extend(_sanitizer_reports)
    _sanitizer_reports.clear()
    return problems


_sanitizer_reports = []


def check(cond, msg="check failed"):
    if not cond:
        raise Fail(msg)


def eq(a, b, msg=""):
    if a != b:
        raise Fail(f"{msg} expected {b!r}, got {a!r}")


def wait_port(port, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise Fail(f"port {port} did not open")


class Mock:
    """The C mock upstream (tests/mock/mockup.c)."""

    def __init__(self, threads=1):
        self.proc = subprocess.Popen([MOCK, "--port", "0", "--threads", str(threads)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        check(line.startswith("port="), f"mock did not start: {line!r}")
        self.port = int(line.split("=", 1)[1])
        _live.append(self)
        wait_port(self.port)

    def base(self, mode=None):
        return f"http://127.0.0.1:{self.port}" + (f"/{mode}" if mode else "") + "/v1"

    def last(self):
        s, _, b = request("GET", self.port, "/_last")
        return json.loads(b)

    def count(self):
        s, _, b = request("GET", self.port, "/_count")
        return json.loads(b)["requests"]

    def stop(self):
        if self in _live:
            _live.remove(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Railgate:
    """One ./railgate serve process with its own config, database and log."""

    def __init__(self, config_text, args=(), env=None, workers=2):
        self.dir = tempfile.mkdtemp(prefix="rg-it-")
        self.config = os.path.join(self.dir, "railgate.yaml")
        with open(self.config, "w") as f:
            f.write(config_text)
        self.db = os.path.join(self.dir, "records.db")
        self.logpath = os.path.join(self.dir, "railgate.log")
        self.log = open(self.logpath, "w")
        e = dict(os.environ)
        e.setdefault("LOG_LEVEL", "info")
        if env:
            e.update(env)
        cmd = [RAILGATE, "serve", "--config", self.config, "--port", "0", "--db", self.db,
               "--workers", str(workers)] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True, env=e)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise Fail(f"railgate did not start: {line!r}; log: {self.read_log()}")
        _live.append(self)
        self.url = line.split(" ", 2)[2]
        self.port = int(self.url.rsplit(":", 1)[1])

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.logpath) as f:
            return f.read()

    def rewrite(self, config_text):
        with open(self.config, "w") as f:
            f.write(config_text)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=15):
        """SIGTERM and wait; returns the exit code."""
        if self in _live:
            _live.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Fail("railgate did not exit within the shutdown deadline")
        if not self.log.closed:
            self.log.close()
            log = self.read_log()
            for mark in SANITIZER_MARKS:
                if mark in log:
                    i = log.index(mark)
                    _sanitizer_reports.append(f"sanitizer report in {self.logpath}: {log[max(0, i - 200):i + 1500]}")
                    break
        return self.proc.returncode

    def rows(self, where="1=1", args=()):
        con = sqlite3.connect(self.db, timeout=10)
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(f"SELECT * FROM records WHERE {where} ORDER BY ts_ms", args)]
        finally:
            con.close()

    def wait_rows(self, n, where="1=1", args=(), timeout=5.0):
        end = time.time() + timeout
        while True:
            rows = self.rows(where, args)
            if len(rows) >= n or time.time() > end:
                return rows
            time.sleep(0.05)

    def metrics(self):
        s, _, b = request("GET", self.port, "/metrics")
        eq(s, 200, "/metrics status")
        out = {}
        for line in b.decode().splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                out[k] = float(v)
        return out

    def wait_metric(self, name, value, timeout=5.0):
        """The metric's value once it equals value, or its last value after timeout (a counter that a request's
        end updates: the test then asserts on what this returns)."""
        end = time.time() + timeout
        while True:
            v = self.metrics().get(name)
            if v == value or time.time() > end:
                return v
            time.sleep(0.05)

    def post(self, path, body, headers=None, timeout=10):
        return request("POST", self.port, path, body, headers, timeout)

    def chat(self, model="mock", content="Hello", headers=None, **extra):
        body = {"model": model, "messages": [{"role": "user", "content": content}]}
        body.update(extra)
        s, h, b = self.post("/v1/chat/completions", body, headers)
        return s, h, b


def request(method, port, path, body=None, headers=None, timeout=10):
    """One request on a fresh connection; returns (status, headers dict (lowercase), body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    hdrs = {"Content-Type": "application/json"}
    if headers:
        hdrs.update(headers)
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=hdrs)
    r = conn.getresponse()
    data = r.read()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    conn.close()
    return out


def error_of(body):
    """Checks OpenAI's error shape and returns the inner object."""
    j = json.loads(body)
    check(isinstance(j, dict) and "error" in j, f"not an OpenAI error body: {body[:200]!r}")
    e = j["error"]
    for k in ("message", "type", "param", "code"):
        check(k in e, f"error body lacks '{k}': {body[:200]!r}")
    return e


def sse_events(body):
    """Splits an SSE body into the list of data payloads."""
    out = []
    for block in body.decode().replace("\r\n", "\n").split("\n\n"):
        data = [l[5:].lstrip(" ") for l in block.split("\n") if l.startswith("data:")]
        if data:
            out.append("\n".join(data))
    return out


def config(models="", general="", settings=""):
    """A config with the mock provider plus the given model entries (YAML text, 2-space indented under model_list)."""
    if "shutdown_timeout" not in settings:
        settings = "  shutdown_timeout: 10s\n" + settings
    return f"""model_list:
  - model_name: mock
    litellm_params:
      model: mock/railgate-mock
{models}
general_settings:
  database_path: ./unused.db
{general}
railgate_settings:
{settings}
"""


def upstream_model(name, api_base, upstream="gpt-test", extra=""):
    return f"""  - model_name: {name}
    litellm_params:
      model: openai/{upstream}
      api_base: {api_base}
      api_key: sk-upstream-test
{extra}"""
