"""Credentials a request-phase railgate.secrets check found never stay in the record: a log-only hook, an async
hook that finishes with the exchange, and one that finishes after it (the held record is masked when it is written)."""
import json

from harness import Mock, Railgate, check, config, eq, upstream_model

AWS_ID = "AKIAZ7Q2PLMX4KD9TREW"


def portkey(hooks):
    return {"x-portkey-config": json.dumps(hooks)}


def _run(async_):
    mock = Mock()
    rg = Railgate(config(models=upstream_model("up", mock.base())))
    hooks = {"before_request_hooks": [{"id": "sec", "type": "guardrail", "deny": False, "async": async_,
                                       "checks": [{"id": "railgate.secrets"}]}]}
    s, h, b = rg.chat("up", f"deploy with aws_access_key_id={AWS_ID}", portkey(hooks))
    eq(s, 200 if async_ else 246, "status")
    row = rg.wait_rows(1, "id = ?", (h["x-railgate-request-id"],))[0]
    return row


def test_sync_log_only_secrets_masked_in_record():
    row = _run(False)
    check(AWS_ID not in row["request_body"], f"sync: key masked: {row['request_body']}")


def test_async_secrets_masked_in_record():
    row = _run(True)
    v = json.loads(row["verdicts"])
    found = [c["data"].get("found") for hk in v["before_request_hooks"] for c in hk["checks"]]
    check(found and found[0] > 0, f"the async check found the key: {found}")
    check(AWS_ID not in row["request_body"], f"async: key kept in the record: {row['request_body']}")


def test_async_secrets_beside_a_slow_check_masked_in_record():
    mock = Mock()
    rg = Railgate(config(models=upstream_model("up", mock.base()), settings="  request_hook_hosts: [127.0.0.1]\n"))
    hooks = {"before_request_hooks": [{"id": "sec", "type": "guardrail", "deny": False, "async": True, "checks": [
        {"id": "default.webhook", "parameters": {"webhookURL": f"http://127.0.0.1:{mock.port}/webhook",
                                                 "headers": {"x-mock-delay-ms": "1000"}, "timeout": 3000}},
        {"id": "railgate.secrets"}]}]}
    s, h, b = rg.chat("up", f"deploy with aws_access_key_id={AWS_ID}", portkey(hooks))
    eq(s, 200, "status")
    row = rg.wait_rows(1, "id = ?", (h["x-railgate-request-id"],), timeout=8)[0]
    v = json.loads(row["verdicts"])
    found = [c.get("data", {}).get("found") for hk in v["before_request_hooks"] for c in hk["checks"]
             if c["id"] == "railgate.secrets"]
    check(found and found[0] > 0, f"the async check found the key: {v}")
    check(AWS_ID not in row["request_body"], f"async: key kept in the record: {row['request_body']}")
