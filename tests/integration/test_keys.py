"""Virtual keys (LiteLLM's /key/generate|info|delete|list behind the master key) and the collection,
key_alias and team_alias every record carries (docs/keys.md)."""
import glob
import json
import time

from harness import Railgate, check, config, eq, error_of, request

MASTER = "sk-master-test"
ADMIN = {"Authorization": f"Bearer {MASTER}"}
MODELS = """  - model_name: other
    litellm_params:
      model: mock/railgate-mock
"""


def gateway(**kw):
    return Railgate(config(models=MODELS, general=f"  master_key: {MASTER}\n"), **kw)


def generate(rg, body, status=200):
    s, _, b = rg.post("/key/generate", body, ADMIN)
    eq(s, status, f"/key/generate {body}: {b[:300]!r}")
    return json.loads(b)


def chat(rg, key, model="mock", headers=None, **extra):
    h = {"Authorization": f"Bearer {key}"}
    h.update(headers or {})
    return rg.chat(model, "Hello", headers=h, **extra)


def last_row(rg, n):
    rows = rg.wait_rows(n)
    eq(len(rows), n, "records")
    return rows[-1]


def test_generate_use_attribute_info_list_delete():
    rg = gateway()
    g = generate(rg, {"key_alias": "Support Bot", "team_alias": "Team Blue", "models": ["mock"],
                      "metadata": {"owner": "ops"}})
    key = g["key"]
    check(key.startswith("sk-") and len(key) >= 3 + 43, f"key shape: {key!r}")
    eq(len(g["token"]), 64, "token is a SHA-256 hex")
    eq(g["key_name"], "sk-..." + key[-4:])
    eq(g["key_alias"], "Support Bot")
    eq(g["models"], ["mock"])
    eq(g["metadata"], {"owner": "ops"})
    eq(g["expires"], None)

    s, _, b = chat(rg, key)
    eq(s, 200, f"chat with the virtual key: {b[:200]!r}")
    row = last_row(rg, 1)
    eq(row["key_alias"], "Support Bot")
    eq(row["team_alias"], "Team Blue")
    eq(row["collection"], "support-bot")
    eq(row["status"], 200)

    # the master key still works, and is not attributed to any key
    s, _, _ = rg.chat("mock", "Hello", headers=ADMIN)
    eq(s, 200)
    row = last_row(rg, 2)
    eq(row["key_alias"], None)
    eq(row["collection"], f"127.0.0.1-{rg.port}")

    s, _, b = request("GET", rg.port, f"/key/info?key={key}", headers=ADMIN)
    eq(s, 200, f"/key/info: {b[:200]!r}")
    info = json.loads(b)
    eq(info["key"], key)
    eq(info["info"]["key_alias"], "Support Bot")
    eq(info["info"]["team_alias"], "Team Blue")
    check("token" not in info["info"], "/key/info leaves the token out")
    # by token too
    s, _, b = request("GET", rg.port, f"/key/info?key={g['token']}", headers=ADMIN)
    eq(s, 200)

    g2 = generate(rg, {"key_alias": "second", "team_id": "team-7"})
    s, _, b = request("GET", rg.port, "/key/list", headers=ADMIN)
    eq(s, 200)
    lst = json.loads(b)
    eq(lst["keys"], [g["token"], g2["token"]], "tokens, oldest first")
    eq(lst["total_count"], 2)
    eq(lst["current_page"], 1)
    eq(lst["total_pages"], 1)
    s, _, b = request("GET", rg.port, "/key/list?team_id=team-7&return_full_object=true", headers=ADMIN)
    lst = json.loads(b)
    eq(len(lst["keys"]), 1)
    eq(lst["keys"][0]["key_alias"], "second")
    eq(lst["keys"][0]["team_id"], "team-7")
    s, _, b = request("GET", rg.port, "/key/list?page=2&size=1", headers=ADMIN)
    lst = json.loads(b)
    eq(lst["keys"], [g2["token"]])
    eq(lst["total_pages"], 2)

    s, _, b = rg.post("/key/delete", {"keys": [key]}, ADMIN)
    eq(s, 200, f"/key/delete: {b[:200]!r}")
    eq(json.loads(b), {"deleted_keys": [key]})
    s, _, b = chat(rg, key)
    eq(s, 401, "a deleted key is refused")
    eq(error_of(b)["code"], "invalid_api_key")
    s, _, b = request("GET", rg.port, f"/key/info?key={key}", headers=ADMIN)
    eq(s, 404)
    eq(error_of(b)["code"], "key_not_found")
    s, _, b = rg.post("/key/delete", {"key_aliases": ["second"]}, ADMIN)
    eq(s, 200)
    eq(json.loads(b), {"deleted_keys": ["second"]})
    s, _, b = rg.post("/key/delete", {"key_aliases": ["second"]}, ADMIN)
    eq(s, 404, "deleting again")
    s, _, b = request("GET", rg.port, "/key/list", headers=ADMIN)
    eq(json.loads(b)["keys"], [])
    # key management is not recorded (its answers hold keys)
    eq(len(rg.wait_rows(3)), 3, "records: two chats and the refused one")
    time.sleep(0.2)
    eq(len(rg.rows()), 3, "key management is not recorded")


def test_models_restriction():
    rg = gateway()
    g = generate(rg, {"models": ["mock"]})
    s, _, b = chat(rg, g["key"], "other")
    eq(s, 401, f"model not in the key's list: {b[:200]!r}")
    e = error_of(b)
    eq(e["type"], "key_model_access_denied")
    eq(e["param"], "model")
    eq(chat(rg, g["key"], "mock")[0], 200)
    star = generate(rg, {"models": ["*"]})
    eq(chat(rg, star["key"], "other")[0], 200, "'*' allows every model")
    every = generate(rg, {})
    eq(chat(rg, every["key"], "other")[0], 200, "no models: every model")


def test_expiry():
    rg = gateway()
    g = generate(rg, {"key_alias": "short", "duration": "1s"})
    check(g["expires"] is not None, "expires set")
    eq(g["duration"], "1s")
    eq(chat(rg, g["key"])[0], 200, "before expiry")
    time.sleep(1.3)
    s, _, b = chat(rg, g["key"])
    eq(s, 401, "after expiry")
    e = error_of(b)
    eq(e["code"], "expired_key")
    check("Expired Key" in e["message"], e["message"])
    past = generate(rg, {"expires": "2001-01-01T00:00:00Z"})
    eq(past["expires"], "2001-01-01T00:00:00Z")
    eq(chat(rg, past["key"])[0], 401)
    later = generate(rg, {"duration": "30d"})
    exp = time.strptime(later["expires"], "%Y-%m-%dT%H:%M:%SZ")
    days = (time.mktime(exp) - time.mktime(time.gmtime())) / 86400
    check(29.9 < days < 30.1, f"30d is 30 days away: {days}")


def test_master_key_required_and_bad_requests():
    rg = gateway()
    s, _, b = rg.post("/key/generate", {})
    eq(s, 401, "no Authorization")
    eq(error_of(b)["code"], "missing_api_key")
    s, _, b = rg.post("/key/generate", {}, {"Authorization": "Bearer sk-wrong"})
    eq(s, 401)
    g = generate(rg, {})
    s, _, b = rg.post("/key/generate", {}, {"Authorization": f"Bearer {g['key']}"})
    eq(s, 401, "a virtual key cannot manage keys")
    s, _, b = request("GET", rg.port, "/key/list", headers={"Authorization": f"Bearer {g['key']}"})
    eq(s, 401)
    s, _, b = request("GET", rg.port, "/key/generate", headers=ADMIN)
    eq(s, 405)
    s, _, b = rg.post("/key/generate", "{not json", ADMIN)
    eq(s, 400)
    eq(error_of(b)["code"], "invalid_json")
    for body, param in (({"key_alias": 5}, "key_alias"), ({"models": "mock"}, "models"),
                        ({"metadata": [1]}, "metadata"), ({"duration": "soon"}, "duration"),
                        ({"expires": "tomorrow"}, "expires")):
        s, _, b = rg.post("/key/generate", body, ADMIN)
        eq(s, 400, f"{body}")
        eq(error_of(b)["param"], param)
    s, _, b = rg.post("/key/generate", [1], ADMIN)
    eq(s, 400)
    generate(rg, {"key_alias": "dup"})
    s, _, b = rg.post("/key/generate", {"key_alias": "dup"}, ADMIN)
    eq(s, 400, "duplicate alias")
    e = error_of(b)
    eq(e["param"], "key_alias")
    check("already exists" in e["message"], e["message"])
    s, _, b = rg.post("/key/delete", {}, ADMIN)
    eq(s, 400)
    s, _, b = request("GET", rg.port, "/key/info", headers=ADMIN)
    eq(s, 400)
    s, _, b = chat(rg, "sk-not-a-key")
    eq(s, 401)
    m = rg.metrics()
    check(any(k.startswith("railgate_key_auth_failures_total") and v >= 4 for k, v in m.items()),
          f"key auth failures counted: {[k for k in m if 'key' in k]}")


def test_no_master_key_disables_key_management():
    rg = Railgate(config())
    s, _, b = rg.post("/key/generate", {"key_alias": "x"})
    eq(s, 400)
    e = error_of(b)
    eq(e["code"], "key_management_disabled")
    check("general_settings.master_key" in e["message"], e["message"])
    s, _, b = request("GET", rg.port, "/key/list")
    eq(s, 400)


def test_restart_keeps_keys_and_only_the_hash_is_stored():
    rg = gateway()
    g = generate(rg, {"key_alias": "persistent", "team_alias": "t", "models": ["mock"], "duration": "1h"})
    gone = generate(rg, {"key_alias": "gone"})
    eq(rg.post("/key/delete", {"keys": [gone["key"]]}, ADMIN)[0], 200)
    eq(chat(rg, g["key"])[0], 200)
    eq(rg.stop(), 0)
    files = glob.glob(rg.db + "*")
    for path in files + [rg.logpath]:
        with open(path, "rb") as f:
            data = f.read()
        check(g["key"].encode() not in data, f"the plaintext key is in {path}")
        check(gone["key"].encode() not in data, f"the plaintext key is in {path}")

    rg2 = gateway(args=("--db", rg.db))
    rg2.db = rg.db
    s, _, b = chat(rg2, g["key"])
    eq(s, 200, f"the key survives a restart: {b[:200]!r}")
    eq(chat(rg2, g["key"], "other")[0], 401, "with its models")
    eq(chat(rg2, gone["key"])[0], 401, "a deleted key stays deleted")
    s, _, b = request("GET", rg2.port, f"/key/info?key={g['key']}", headers=ADMIN)
    eq(s, 200)
    info = json.loads(b)["info"]
    eq(info["key_alias"], "persistent")
    eq(info["expires"], g["expires"])
    eq(rg2.post("/key/generate", {"key_alias": "persistent"}, ADMIN)[0], 400, "alias still taken")
    rows = rg2.wait_rows(3, "key_alias = 'persistent'")
    eq(len(rows), 3, "records of both runs, attributed")


def test_collection_precedence():
    rg = gateway()
    both = generate(rg, {"key_alias": "Key Alias!", "team_alias": "Team Alias"})
    team = generate(rg, {"team_alias": "  Team ONLY  "})
    bare = generate(rg, {})
    n = 0

    def coll(key, **kw):
        nonlocal n
        s, _, b = chat(rg, key, **kw)
        eq(s, 200, f"{b[:200]!r}")
        n += 1
        return last_row(rg, n)["collection"]

    eq(coll(both["key"], metadata={"agent_name": "  Billing Agent/v2 "}), "billing-agent-v2", "agent_name first")
    eq(coll(both["key"]), "key-alias-", "then the key alias")
    eq(coll(team["key"]), "team-only", "then the team alias")
    eq(coll(bare["key"]), f"127.0.0.1-{rg.port}", "then the host")
    eq(coll(bare["key"], headers={"Host": "Agents.Example.COM:8443"}), "agents.example.com-8443")
    eq(coll(bare["key"], metadata={"agent_name": "x" * 300}), "x" * 200, "at most 200 bytes")
    eq(coll(bare["key"], metadata={"agent_name": "   "}), f"127.0.0.1-{rg.port}", "a blank name falls through")
