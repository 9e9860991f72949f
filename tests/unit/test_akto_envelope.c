/* test_akto_envelope.c — src/service: Akto's envelope, payload encodings, query flags, collections, text
 * leaves, and the railgate_settings.guardrail_service section (tokens, policies, defaults, errors at lines). */
#include "config/config.h"
#include "config/guardrail_service.h"
#include "service/envelope.h"
#include "service/payload_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rg_leaves_t L; /* large */

static json_t *env_of(const char *s)
{
    json_t *e = NULL;
    char err[160];
    assert_int_equal(rg_akto_envelope_parse(s, strlen(s), &e, err, sizeof(err)), 0);
    return e;
}

static void test_envelope(void **state)
{
    (void)state;
    json_t *e = env_of("{\"path\":\"/v1/chat\",\"direction\":null,\"n\":5}");
    size_t n = 0;
    assert_string_equal(rg_akto_field(e, "path", &n), "/v1/chat");
    assert_int_equal(n, 8);
    assert_null(rg_akto_field(e, "direction", NULL));
    assert_null(rg_akto_field(e, "n", NULL));
    assert_null(rg_akto_field(e, "missing", NULL));
    json_decref(e);
    char err[160];
    json_t *bad = NULL;
    assert_int_equal(rg_akto_envelope_parse("{\"a\":", 5, &bad, err, sizeof(err)), -1);
    assert_null(bad);
    assert_non_null(strstr(err, "Invalid request format"));
    assert_int_equal(rg_akto_envelope_parse("[1]", 3, &bad, err, sizeof(err)), -1);
    assert_int_equal(rg_akto_envelope_parse("", 0, &bad, err, sizeof(err)), -1);
}

static void parse(const char *s, rg_akto_payload_t *p)
{
    assert_int_equal(rg_akto_payload_parse(s, s ? strlen(s) : 0, p), 0);
}

static void test_payload_encodings(void **state)
{
    (void)state;
    rg_akto_payload_t p;
    parse("{\"body\": \"{\\\"messages\\\": [{\\\"role\\\": \\\"user\\\", \\\"content\\\": \\\"hi\\\"}]}\"}", &p);
    assert_int_equal(p.enc, RG_AKTO_DOUBLE);
    assert_true(json_is_object(p.body));
    rg_payload_leaves(p.body, &L);
    assert_int_equal(L.n, 1);
    json_string_set(L.v[0], "HI");
    char *s = rg_akto_payload_encode(&p);
    assert_string_equal(s, "{\"body\":\"{\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"HI\\\"}]}\"}");
    free(s);
    rg_akto_payload_free(&p);

    parse("{\"body\": {\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}, \"toolName\": \"t\"}", &p);
    assert_int_equal(p.enc, RG_AKTO_OBJECT);
    s = rg_akto_payload_encode(&p);
    assert_string_equal(s, "{\"body\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]},\"toolName\":\"t\"}");
    free(s);
    rg_akto_payload_free(&p);

    parse("{\"body\": \"just words\"}", &p); /* Portkey's plugin */
    assert_int_equal(p.enc, RG_AKTO_TEXT);
    rg_payload_leaves(p.body, &L);
    assert_int_equal(L.n, 1);
    assert_ptr_equal(L.v[0], p.body);
    rg_akto_payload_free(&p);

    parse("{\"body\": \"42\"}", &p); /* JSON, but not an object or array: text */
    assert_int_equal(p.enc, RG_AKTO_TEXT);
    rg_akto_payload_free(&p);

    parse("{}", &p);
    assert_int_equal(p.enc, RG_AKTO_WHOLE);
    rg_payload_leaves(p.body, &L);
    assert_int_equal(L.n, 0);
    rg_akto_payload_free(&p);

    parse("not json", &p);
    assert_int_equal(p.enc, RG_AKTO_RAW_TEXT);
    s = rg_akto_payload_encode(&p);
    assert_string_equal(s, "not json");
    free(s);
    rg_akto_payload_free(&p);

    const char *none[] = {NULL, "", "  ", "null", "{\"body\": null}"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        parse(none[i], &p);
        assert_int_equal(p.enc, RG_AKTO_NONE);
        assert_null(p.body);
        assert_null(rg_akto_payload_encode(&p));
        rg_akto_payload_free(&p);
    }
}

static void test_query_flags(void **state)
{
    (void)state;
    const char *q = "akto_connector=litellm&guardrails=TRUE&response_guardrails=yes&ingest_data=true";
    size_t n = strlen(q);
    assert_true(rg_akto_query_flag(q, n, "guardrails"));
    assert_false(rg_akto_query_flag(q, n, "response_guardrails"));
    assert_true(rg_akto_query_flag(q, n, "ingest_data"));
    assert_false(rg_akto_query_flag(q, n, "akto_connector"));
    assert_false(rg_akto_query_flag(q, n, "file_guardrails"));
    assert_false(rg_akto_query_flag("guardrails=truex", 16, "guardrails"));
    assert_false(rg_akto_query_flag("xguardrails=true", 16, "guardrails"));
    assert_false(rg_akto_query_flag("guardrails", 10, "guardrails"));
    assert_true(rg_akto_query_flag("guardrails=true", 15, "guardrails"));
    assert_false(rg_akto_query_flag("", 0, "guardrails"));
    char w[16];
    assert_int_equal(rg_akto_query_word(q, n, "akto_connector", w, sizeof(w)), 7);
    assert_string_equal(w, "litellm");
    assert_int_equal(rg_akto_query_word("akto_connector=a%20b", 20, "akto_connector", w, sizeof(w)), 0);
    assert_string_equal(w, "");
    assert_int_equal(rg_akto_query_word("akto_connector=0123456789abcdefgh", 33, "akto_connector", w, sizeof(w)), 0);
    assert_int_equal(rg_akto_query_word("akto_connector=", 15, "akto_connector", w, sizeof(w)), 0);
    assert_int_equal(rg_akto_query_word("x=1&akto_connector=n8n", 22, "akto_connector", w, sizeof(w)), 3);
    assert_string_equal(w, "n8n");
}

static void test_collection(void **state)
{
    (void)state;
    char col[208];
    json_t *e = env_of("{\"requestHeaders\":\"{\\\"Host\\\": \\\"My Agent_01:4000\\\"}\"}");
    assert_int_equal(rg_akto_collection(e, col, sizeof(col)), 16);
    assert_string_equal(col, "my-agent-01:4000");
    json_decref(e);
    e = env_of("{\"requestHeaders\":\"{\\\"host\\\": \\\"caf\\u00e9.example\\\"}\"}");
    rg_akto_collection(e, col, sizeof(col));
    assert_string_equal(col, "caf-.example"); /* one '-' per character */
    json_decref(e);
    e = env_of("{\"requestHeaders\":\"not json\"}");
    assert_int_equal(rg_akto_collection(e, col, sizeof(col)), 0);
    json_decref(e);
    char big[400];
    snprintf(big, sizeof(big), "{\"requestHeaders\":\"{\\\"host\\\":\\\"%0300d\\\"}\"}", 7);
    e = env_of(big);
    assert_int_equal(rg_akto_collection(e, col, sizeof(col)), 200);
    json_decref(e);
}

static size_t leaves_of(const char *json)
{
    json_t *b = json_loads(json, 0, NULL);
    assert_non_null(b);
    rg_payload_leaves(b, &L);
    size_t n = L.n;
    json_decref(b);
    return n;
}

static void test_leaves(void **state)
{
    (void)state;
    /* chat: strings, parts, tool call arguments; model and roles are not text */
    assert_int_equal(leaves_of("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                               "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                               "{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]},"
                               "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"1\","
                               "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                               "{\"role\":\"tool\",\"content\":\"result\"}]}"),
                     4);
    assert_int_equal(leaves_of("{\"model\":\"m\",\"prompt\":[\"a\",\"b\",\"\"]}"), 2);
    assert_int_equal(leaves_of("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"x\"}},"
                               "{\"text\":\"y\"}],\"model\":\"m\",\"id\":\"i\"}"),
                     2);
    /* MCP: only the arguments' leaves and the result texts, not names or ids */
    assert_int_equal(leaves_of("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"id\":1,\"params\":{\"name\":\"n\","
                               "\"arguments\":{\"a\":\"x\",\"b\":[\"y\",{\"c\":\"z\"}],\"d\":3}}}"),
                     3);
    assert_int_equal(leaves_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\","
                               "\"text\":\"t\"}]}}"),
                     1);
    assert_int_equal(leaves_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"n\","
                               "\"description\":\"d\",\"inputSchema\":{\"type\":\"object\"}}]}}"),
                     1);
    assert_int_equal(leaves_of("{\"tools\":[{\"name\":\"n\",\"description\":\"d\"},{\"name\":\"m\"}]}"), 1);
    /* unknown shapes: every string leaf */
    assert_int_equal(leaves_of("{\"a\":\"x\",\"b\":{\"c\":[\"y\",1,null,\"z\"]}}"), 3);
    /* bounded depth */
    char deep[600];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        deep[o++] = '[';
    memcpy(deep + o, "\"s\"", 3), o += 3;
    for (int i = 0; i < 40; i++)
        deep[o++] = ']';
    deep[o] = '\0';
    assert_int_equal(leaves_of(deep), 0);
}

static rg_config_t *parse_cfg(const char *yaml, rg_errors_t *errs)
{
    return rg_config_parse("t.yaml", yaml, strlen(yaml), NULL, errs);
}

#define HEAD                                                                                                           \
    "model_list:\n"                                                                                                    \
    "  - model_name: m\n"                                                                                              \
    "    litellm_params:\n"                                                                                            \
    "      model: mock/x\n"                                                                                            \
    "guardrails:\n"                                                                                                    \
    "  - guardrail_name: redact\n"                                                                                     \
    "    litellm_params: {guardrail: railgate, mode: pre_call, default_on: true,\n"                                    \
    "                     checks: [{id: railgate.pii, parameters: {action: redact}}]}\n"                               \
    "  - guardrail_name: inj\n"                                                                                        \
    "    litellm_params: {guardrail: railgate, mode: pre_call, default_on: true,\n"                                    \
    "                     checks: [{id: railgate.promptInjection}]}\n"                                                 \
    "  - guardrail_name: off\n"                                                                                        \
    "    litellm_params: {guardrail: railgate, mode: pre_call, checks: [{id: railgate.secrets}]}\n"

static void test_config_defaults_and_tokens(void **state)
{
    (void)state;
    setenv("AKTO_API_TOKEN", " a1 ,b2,,", 1);
    setenv("RG_TEST_SVC_TOKEN", "t-env", 1);
    rg_errors_t errs = {0};
    rg_config_t *c = parse_cfg(HEAD "railgate_settings:\n  guardrail_service:\n"
                                    "    tokens: [t1, os.environ/RG_TEST_SVC_TOKEN]\n",
                               &errs);
    assert_non_null(c);
    const rg_svc_config_t *s = c->svc;
    assert_int_equal(s->n_tokens, 4);
    assert_string_equal(s->tokens[0], "t1");
    assert_string_equal(s->tokens[1], "t-env");
    assert_string_equal(s->tokens[2], "a1");
    assert_string_equal(s->tokens[3], "b2");
    /* defaults: default_on railgate guardrails on both sides; a redacting one masks */
    assert_int_equal(s->n_policies, 2);
    assert_string_equal(c->guardrails[s->policies[0].guardrail].name, "redact");
    assert_int_equal(s->policies[0].behaviour, RG_SVC_MASK);
    assert_string_equal(c->guardrails[s->policies[1].guardrail].name, "inj");
    assert_int_equal(s->policies[1].behaviour, RG_SVC_BLOCK);
    assert_int_equal(s->policies[1].sides, RG_SVC_REQUEST | RG_SVC_RESPONSE);
    assert_string_equal(s->policies[1].severity, "HIGH");
    rg_config_unref(c);
    unsetenv("AKTO_API_TOKEN");

    /* no section at all: still defaults, no tokens */
    c = parse_cfg(HEAD, &errs);
    assert_non_null(c);
    assert_non_null(c->svc);
    assert_int_equal(c->svc->n_tokens, 0);
    assert_int_equal(c->svc->n_policies, 2);
    rg_config_unref(c);
    assert_int_equal(errs.n, 0);
}

static void test_config_policies(void **state)
{
    (void)state;
    rg_errors_t errs = {0};
    rg_config_t *c = parse_cfg(HEAD "railgate_settings:\n  guardrail_service:\n    policies:\n"
                                    "      - {guardrail: off, behaviour: WARN, severity: LOW, apply_on: response}\n"
                                    "      - {guardrail: inj, behavior: alert, apply_on: [request, response]}\n",
                               &errs);
    assert_non_null(c);
    const rg_svc_config_t *s = c->svc;
    assert_int_equal(s->n_policies, 2);
    assert_string_equal(c->guardrails[s->policies[0].guardrail].name, "off");
    assert_int_equal(s->policies[0].behaviour, RG_SVC_WARN);
    assert_string_equal(s->policies[0].severity, "LOW");
    assert_int_equal(s->policies[0].sides, RG_SVC_RESPONSE);
    assert_int_equal(s->policies[1].behaviour, RG_SVC_ALERT);
    rg_config_unref(c);

    c = parse_cfg(HEAD "railgate_settings:\n  guardrail_service:\n    policies: []\n", &errs);
    assert_non_null(c);
    assert_int_equal(c->svc->n_policies, 0); /* written empty: no defaults */
    rg_config_unref(c);
    assert_int_equal(errs.n, 0);
}

static void test_config_errors(void **state)
{
    (void)state;
    rg_errors_t errs = {0};
    rg_config_t *c = parse_cfg(HEAD "railgate_settings:\n"                                    /* 14 */
                                    "  guardrail_service:\n"                                  /* 15 */
                                    "    tokens: [\"\"]\n"                                    /* 16 */
                                    "    colour: red\n"                                       /* 17 */
                                    "    policies:\n"                                         /* 18 */
                                    "      - {guardrail: nope}\n"                             /* 19 */
                                    "      - {guardrail: inj, behaviour: shout}\n"            /* 20 */
                                    "      - {guardrail: inj, apply_on: [sideways]}\n"        /* 21 */
                                    "      - {behaviour: block}\n"                            /* 22 */
                                    "      - {guardrail: inj, extra: 1}\n"                    /* 23 */
                                    "    pair_window: forever\n",                            /* 24 */
                               &errs);
    assert_null(c);
    const char *want[] = {
        "t.yaml:16: railgate_settings.guardrail_service.tokens: a token must not be empty",
        "t.yaml:17: railgate_settings.guardrail_service: unknown key 'colour' (known: tokens, policies, pair_window)",
        "t.yaml:19: railgate_settings.guardrail_service.policies[].guardrail: no guardrail named 'nope' in guardrails:",
        "t.yaml:20: railgate_settings.guardrail_service.policies[].behaviour: expected block, warn, alert or mask, got 'shout'",
        "t.yaml:21: railgate_settings.guardrail_service.policies[].apply_on: expected request or response, got 'sideways'",
        "t.yaml:22: railgate_settings.guardrail_service.policies[]: guardrail is required",
        "t.yaml:23: railgate_settings.guardrail_service.policies[]: unknown key 'extra' (known: guardrail, behaviour, severity, apply_on)",
        "t.yaml:24: railgate_settings.guardrail_service.pair_window: expected a duration such as 30 (seconds), 250ms "
        "or 2m, got 'forever'",
    };
    if (errs.n != sizeof(want) / sizeof(want[0]))
        for (size_t i = 0; i < errs.n; i++)
            print_message("    [%zu] %s\n", i, errs.items[i]);
    assert_int_equal(errs.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < errs.n; i++)
        assert_string_equal(errs.items[i], want[i]);
    rg_errors_free(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_payload_encodings),
        cmocka_unit_test(test_query_flags),
        cmocka_unit_test(test_collection),
        cmocka_unit_test(test_leaves),
        cmocka_unit_test(test_config_defaults_and_tokens),
        cmocka_unit_test(test_config_policies),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
