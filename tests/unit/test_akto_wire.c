/* test_akto_wire.c — the akto client's wire format (guard/checks/akto_wire.h): the envelope LiteLLM's akto
 * guardrail sends, the verdict in either key casing, and masks mapped back onto the request. */
#include "guard/checks/akto_wire.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *load(const char *s)
{
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    return j;
}

static json_t *envelope(const rg_akto_call_t *c)
{
    size_t len;
    char *s = rg_akto_envelope(c, &len);
    assert_non_null(s);
    assert_int_equal(strlen(s), len);
    json_t *e = load(s);
    free(s);
    return e;
}

static const char *str(json_t *e, const char *k)
{
    json_t *v = json_object_get(e, k);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

/* {"body": "<json>"} → the inner JSON */
static json_t *payload_body(json_t *e, const char *k)
{
    json_t *outer = load(str(e, k));
    json_t *body = json_object_get(outer, "body");
    assert_true(json_is_string(body));
    json_t *inner = load(json_string_value(body));
    json_decref(outer);
    return inner;
}

static void test_envelope_request(void **state)
{
    (void)state;
    json_t *req = load("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":1,"
                       "\"tools\":[{\"type\":\"function\"}]}");
    json_t *hdrs = load("{\"x-forwarded-for\":\" 10.0.0.5 , 1.2.3.4\",\"x-real-ip\":\"9.9.9.9\",\"host\":\"agent\","
                        "\"cookie\":\"c\",\"x-goog-api-key\":\"k\",\"content-type\":\"application/json\"}");
    json_t *md = load("{\"user_id\":\"u1\",\"team_id\":\"\",\"other\":1}");
    rg_akto_call_t c = {.path = "/v1/chat/completions", .request = req, .headers = hdrs, .metadata = md,
                        .account_id = "42", .vxlan_id = "7", .time_ms = 1760000000000LL};
    json_t *e = envelope(&c);
    assert_int_equal(json_object_size(e), 24);
    const char *k;
    json_t *v;
    json_object_foreach(e, k, v) assert_true(json_is_string(v) || json_is_null(v));
    assert_string_equal(str(e, "ip"), "10.0.0.5");
    assert_string_equal(str(e, "time"), "1760000000000");
    assert_string_equal(str(e, "statusCode"), "200");
    assert_string_equal(str(e, "akto_account_id"), "42");
    assert_string_equal(str(e, "akto_vxlan_id"), "7");
    assert_string_equal(str(e, "responsePayload"), "{}");
    assert_string_equal(str(e, "responseHeaders"), "{}");
    assert_string_equal(str(e, "is_pending"), "false");
    assert_true(json_is_null(json_object_get(e, "direction")));
    json_t *body = payload_body(e, "requestPayload");
    json_t *want = load("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        "\"tools\":[{\"type\":\"function\"}]}");
    assert_true(json_equal(body, want)); /* temperature is not sent */
    json_t *rh = load(str(e, "requestHeaders"));
    assert_string_equal(json_string_value(json_object_get(rh, "host")), "agent");
    assert_null(json_object_get(rh, "cookie"));
    assert_null(json_object_get(rh, "x-goog-api-key"));
    json_t *tag = load(str(e, "tag"));
    json_t *want_tag = load("{\"gen-ai\":\"Gen AI\",\"user_id\":\"u1\"}");
    assert_true(json_equal(tag, want_tag));
    assert_string_equal(str(e, "tag"), str(e, "metadata"));
    json_decref(want_tag);
    json_decref(tag);
    json_decref(rh);
    json_decref(want);
    json_decref(body);
    json_decref(e);
    json_decref(md);
    json_decref(hdrs);
    json_decref(req);
}

static void test_envelope_ip_fallbacks(void **state)
{
    (void)state;
    char ip[64];
    json_t *h = load("{\"x-real-ip\":\"9.9.9.9\"}");
    rg_akto_client_ip(h, ip, sizeof(ip));
    assert_string_equal(ip, "9.9.9.9");
    json_decref(h);
    rg_akto_client_ip(NULL, ip, sizeof(ip));
    assert_string_equal(ip, "");
}

static void test_envelope_response_and_marker(void **state)
{
    (void)state;
    json_t *req = load("{\"model\":\"m\",\"prompt\":\"complete me\"}");
    json_t *resp = load("{\"choices\":[{\"text\":\"ok\"}]}");
    rg_akto_call_t c = {.request = req, .response = resp, .status = 201, .time_ms = 1};
    json_t *e = envelope(&c);
    json_t *body = payload_body(e, "requestPayload");
    json_t *want = load("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"complete me\"}]}");
    assert_true(json_equal(body, want));
    json_t *rb = payload_body(e, "responsePayload");
    assert_true(json_equal(rb, resp));
    assert_string_equal(str(e, "statusCode"), "201");
    assert_string_equal(str(e, "status"), "201");
    assert_string_equal(str(e, "akto_account_id"), "1000000");
    assert_string_equal(str(e, "akto_vxlan_id"), "0");
    json_decref(rb);
    json_decref(want);
    json_decref(body);
    json_decref(e);

    rg_akto_call_t m = {.request = req, .status = 403, .blocked_reason = "Prompt injection", .time_ms = 1};
    e = envelope(&m);
    rb = payload_body(e, "responsePayload");
    want = load("{\"x-blocked-by\":\"Akto Proxy\",\"reason\":\"Prompt injection\"}");
    assert_true(json_equal(rb, want));
    assert_string_equal(str(e, "statusCode"), "403");
    json_t *rh = load(str(e, "responseHeaders"));
    assert_string_equal(json_string_value(json_object_get(rh, "content-type")), "application/json");
    json_decref(rh);
    json_decref(want);
    json_decref(rb);
    json_decref(e);
    json_decref(resp);
    json_decref(req);
}

static int parse(const char *s, rg_akto_verdict_t *v)
{
    char err[128];
    return rg_akto_verdict_parse(s, strlen(s), v, err, sizeof(err));
}

static void test_verdicts(void **state)
{
    (void)state;
    rg_akto_verdict_t v;
    assert_int_equal(parse("{\"data\":{\"guardrailsResult\":{\"Allowed\":false,\"Reason\":\"PI\",\"Behaviour\":"
                           "\"Block\"}}}", &v), 0);
    assert_true(v.block);
    assert_string_equal(v.reason, "PI");
    assert_string_equal(v.behaviour, "block");
    rg_akto_verdict_clear(&v);
    assert_int_equal(parse("{\"data\":{\"guardrailsResult\":{\"allowed\":false,\"behaviour\":\"\"}}}", &v), 0);
    assert_true(v.block); /* empty behaviour blocks */
    rg_akto_verdict_clear(&v);
    static const char *const passing[] = {"warn", "alert", " ALERT "};
    for (size_t i = 0; i < 3; i++) {
        char s[200];
        snprintf(s, sizeof(s), "{\"data\":{\"guardrailsResult\":{\"allowed\":\"false\",\"behaviour\":\"%s\"}}}",
                 passing[i]);
        assert_int_equal(parse(s, &v), 0);
        assert_false(v.allowed);
        assert_false(v.block);
        rg_akto_verdict_clear(&v);
    }
    /* no data, no guardrailsResult: allowed (an ingest-only answer) */
    assert_int_equal(parse("{\"success\":true}", &v), 0);
    assert_true(v.allowed);
    assert_false(v.has_result);
    rg_akto_verdict_clear(&v);
    assert_int_equal(parse("{\"data\":{\"success\":true}}", &v), 0);
    assert_true(v.allowed);
    rg_akto_verdict_clear(&v);
    /* unusable: the fallback decides */
    static const char *const bad[] = {"", "<html>", "[1]", "{\"data\":{\"guardrailsResult\":7}}",
                                      "{\"data\":{\"guardrailsResult\":{\"Reason\":\"no allowed\"}}}",
                                      "{\"data\":{\"guardrailsResult\":{\"Allowed\":\"maybe\"}}}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i], &v), -1);
        rg_akto_verdict_clear(&v);
    }
    /* Akto's own fail-open answer passes */
    assert_int_equal(parse("{\"data\":{\"guardrailsResult\":{\"Allowed\":true,\"allowed\":true,\"failOpen\":true,"
                           "\"Behaviour\":\"\"}}}", &v), 0);
    assert_true(v.allowed);
    assert_false(v.block);
    rg_akto_verdict_clear(&v);
}

static void test_mask(void **state)
{
    (void)state;
    json_t *req = load("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"card 4111\"}]}");
    json_t *out = NULL;
    /* the string form LiteLLM's hook reads: {"body": "<json>"} */
    json_t *mp = json_string("{\"body\":\"{\\\"model\\\":\\\"m\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\","
                             "\\\"content\\\":\\\"card [CARD]\\\"}]}\"}");
    assert_int_equal(rg_akto_apply_mask(req, mp, &out), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(out, "messages"), 0),
                                                          "content")),
                        "card [CARD]");
    assert_true(json_is_true(json_object_get(out, "stream"))); /* the rest of the request kept */
    json_decref(out);
    json_decref(mp);
    /* an object body, unchanged: nothing to apply */
    mp = load("{\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"card 4111\"}]}}");
    assert_int_equal(rg_akto_apply_mask(req, mp, &out), 0);
    assert_null(out);
    json_decref(mp);
    /* shapes that do not map back */
    static const char *const bad[] = {
        "{\"model\":\"m\",\"messages\":[]}",
        "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[\"x\"]}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":\"n\"}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mp = load(bad[i]);
        assert_int_equal(rg_akto_apply_mask(req, mp, &out), -1);
        json_decref(mp);
    }
    mp = json_string("masked text, not JSON");
    assert_int_equal(rg_akto_apply_mask(req, mp, &out), -1);
    json_decref(mp);
    json_decref(req);
    /* a completions prompt array: the string items come back in place */
    req = load("{\"model\":\"m\",\"prompt\":[\"a 4111\",\"b\"]}");
    mp = load("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a [CARD]\"},"
              "{\"role\":\"user\",\"content\":\"b\"}]}");
    assert_int_equal(rg_akto_apply_mask(req, mp, &out), 1);
    json_t *want = load("[\"a [CARD]\",\"b\"]");
    assert_true(json_equal(json_object_get(out, "prompt"), want));
    json_decref(want);
    json_decref(out);
    json_decref(mp);
    json_decref(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_envelope_request),
        cmocka_unit_test(test_envelope_ip_fallbacks),
        cmocka_unit_test(test_envelope_response_and_marker),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
