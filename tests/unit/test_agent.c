/* test_agent.c — agent-proxy mode: TGI text extraction, Akto's env formats, the env → config step. */
#include "agent/agent.h"
#include "guard/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad test JSON: %s: %s", e.text, s);
    return j;
}

static void expect(const char *body, rg_phase_t phase, size_t n, const char *joined)
{
    json_t *root = parse(body);
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, phase, RG_REQ_TGI, 0, &t), 0);
    assert_int_equal(t.n, n);
    assert_string_equal(t.joined, joined);
    rg_text_free(&t);
    json_decref(root);
}

static void test_tgi_extract(void **state)
{
    (void)state;
    expect("{\"inputs\":\"hello there\",\"parameters\":{\"max_new_tokens\":5}}", RG_PHASE_REQUEST, 1, "hello there");
    expect("{\"inputs\":[\"a\",\"\",\"b\"]}", RG_PHASE_REQUEST, 2, "a\nb");
    expect("{\"inputs\":42}", RG_PHASE_REQUEST, 0, "");
    expect("{\"prompt\":\"not TGI\"}", RG_PHASE_REQUEST, 0, "");
    expect("{\"generated_text\":\"out\"}", RG_PHASE_RESPONSE, 1, "out");
    expect("[{\"generated_text\":\"first\"},{\"generated_text\":\"second\"}]", RG_PHASE_RESPONSE, 2, "first\nsecond");
    expect("[]", RG_PHASE_RESPONSE, 0, "");
    expect("[1]", RG_PHASE_RESPONSE, 0, "");
    expect("{\"generated_text\":null}", RG_PHASE_RESPONSE, 0, "");
    /* a TGI answer is not read as chat, and a chat answer not as TGI */
    json_t *chat = parse("{\"choices\":[{\"message\":{\"content\":\"hi\"}}],\"generated_text\":\"g\"}");
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(chat, RG_PHASE_RESPONSE, RG_REQ_CHAT, 0, &t), 0);
    assert_string_equal(t.joined, "hi");
    rg_text_free(&t);
    json_decref(chat);
    assert_string_equal(rg_req_type_name(RG_REQ_TGI), "complete");
}

static void test_tgi_replace_writes_back(void **state)
{
    (void)state;
    json_t *root = parse("[{\"generated_text\":\"mail a@b.example\",\"details\":null}]");
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_RESPONSE, RG_REQ_TGI, 0, &t), 0);
    assert_int_equal(rg_text_replace(&t, 0, "mail [EMAIL_1]", 14), 0);
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(s, "[{\"generated_text\":\"mail [EMAIL_1]\",\"details\":null}]");
    free(s);
    rg_text_free(&t);
    json_decref(root);
}

static void test_methods(void **state)
{
    (void)state;
    rg_agent_cfg_t *c = calloc(1, sizeof(*c));
    char err[256];
    assert_int_equal(rg_agent_parse_methods(" get, Post ,,DELETE", c, err, sizeof(err)), 0);
    assert_int_equal(c->n_methods, 3);
    assert_string_equal(c->methods[0], "GET");
    assert_true(rg_agent_method_allowed(c, "POST", 4));
    assert_false(rg_agent_method_allowed(c, "PUT", 3));
    assert_int_equal(rg_agent_parse_methods("GET,P0ST", c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "P0ST"));
    assert_int_equal(rg_agent_parse_methods("", c, err, sizeof(err)), 0);
    assert_true(rg_agent_method_allowed(c, "PATCH", 5)); /* none listed: all allowed */
    rg_agent_cfg_clear(c);
    free(c);
}

static void test_endpoints(void **state)
{
    (void)state;
    rg_agent_cfg_t *c = calloc(1, sizeof(*c));
    char err[256];
    assert_true(rg_agent_guarded(c, "POST", 4, "/anything", 9)); /* default: every POST */
    assert_false(rg_agent_guarded(c, "GET", 3, "/anything", 9));
    assert_int_equal(rg_agent_parse_endpoints("POST:/v1/chat/completions, post:/generate ,*:/agent/*", c, err,
                                              sizeof(err)),
                     0);
    assert_int_equal(c->n_endpoints, 3);
    assert_true(rg_agent_guarded(c, "POST", 4, "/v1/chat/completions", 20));
    assert_true(rg_agent_guarded(c, "POST", 4, "/generate/", 10));
    assert_false(rg_agent_guarded(c, "GET", 3, "/generate", 9));
    assert_false(rg_agent_guarded(c, "POST", 4, "/generate_stream", 16));
    assert_true(rg_agent_guarded(c, "PUT", 3, "/agent/x/y", 10));
    assert_false(rg_agent_guarded(c, "POST", 4, "/agents", 7));
    rg_agent_cfg_clear(c);
    static const char *const bad[] = {"POST", "POST:", "POST:generate", ":/x", "PO ST:/x", "POST:/a b",
                                      "POST:/a*b", "POST:/x?y=1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(rg_agent_parse_endpoints(bad[i], c, err, sizeof(err)), -1);
        rg_agent_cfg_clear(c);
    }
    free(c);
}

static void test_mapping(void **state)
{
    (void)state;
    rg_agent_cfg_t *c = calloc(1, sizeof(*c));
    char err[256];
    assert_int_equal(rg_agent_parse_mapping("POST:/v1/chat/completions:messages.-1.content,choices.0.message.content;"
                                            " POST:/agent/run:query.text|prompt,answer|result.text ;POST:/x:in",
                                            c, err, sizeof(err)),
                     0);
    assert_int_equal(c->n_mappings, 3);
    const rg_agent_mapping_t *m = rg_agent_mapping_for(c, "POST", 4, "/agent/run", 10);
    assert_non_null(m);
    assert_int_equal(m->n_req, 2);
    assert_string_equal(m->req[1], "prompt");
    assert_int_equal(m->n_resp, 2);
    assert_string_equal(m->resp[1], "result.text");
    assert_int_equal(c->mappings[2].n_resp, 0);
    assert_null(rg_agent_mapping_for(c, "GET", 3, "/agent/run", 10));
    rg_agent_cfg_clear(c);
    static const char *const bad[] = {"POST:/x", "POST:/x:", "POST:/x:a..b", "POST:/x:.a", "POST:/x:a,b,c",
                                      "POST:/x:a b", "P1:/y:z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(rg_agent_parse_mapping(bad[i], c, err, sizeof(err)), -1);
        rg_agent_cfg_clear(c);
    }
    free(c);
}

static void test_path_get(void **state)
{
    (void)state;
    json_t *j = parse("{\"messages\":[{\"content\":\"a\"},{\"content\":\"b\"}],\"q\":{\"text\":\"t\"}}");
    json_t *holder;
    const char *key;
    size_t idx;
    json_t *v = rg_agent_path_get(j, "messages.-1.content", &holder, &key, &idx);
    assert_string_equal(json_string_value(v), "b");
    assert_string_equal(key, "content");
    v = rg_agent_path_get(j, "$.q.text", &holder, &key, &idx);
    assert_string_equal(json_string_value(v), "t");
    v = rg_agent_path_get(j, "messages.0", &holder, &key, &idx);
    assert_true(json_is_object(v));
    assert_ptr_equal(holder, json_object_get(j, "messages"));
    assert_int_equal(idx, 0);
    assert_null(rg_agent_path_get(j, "messages.2.content", NULL, NULL, NULL));
    assert_null(rg_agent_path_get(j, "messages.x", NULL, NULL, NULL));
    assert_null(rg_agent_path_get(j, "q.text.more", NULL, NULL, NULL));
    json_decref(j);
}

/* ---- environment → config ---------------------------------------------------------------------- */

static const char *const *fake_env;

static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; fake_env[i]; i += 2)
        if (!strcmp(fake_env[i], name))
            return fake_env[i + 1];
    return NULL;
}

static rg_config_t *load(const char *const *env, rg_errors_t *errs)
{
    fake_env = env;
    return rg_agent_config_from_env(fake_getenv, NULL, errs);
}

static void test_env_defaults(void **state)
{
    (void)state;
    static const char *const env[] = {"APP_URL", "http://127.0.0.1:7000/", NULL};
    rg_errors_t errs = {0};
    rg_config_t *c = load(env, &errs);
    assert_int_equal(errs.n, 0);
    assert_non_null(c);
    assert_non_null(c->agent);
    assert_string_equal(c->agent->app_url, "http://127.0.0.1:7000");
    assert_int_equal(c->port, 8080);
    assert_int_equal(c->upstream_timeout_ms, 120000);
    assert_int_equal(c->agent->sse_guard, 1);
    assert_int_equal(c->agent->max_request, 0);
    assert_int_equal(c->agent->n_endpoints, 0);
    assert_int_equal(c->n_guardrails, 5);
    rg_config_unref(c);
}

static void test_env_values(void **state)
{
    (void)state;
    static const char *const env[] = {"APP_URL", "https://api-inference.example/models/x",
                                      "AKTO_PROXY_PORT", "9090",
                                      "REQUEST_TIMEOUT", "30",
                                      "MAX_REQUEST_SIZE", "1048576",
                                      "MAX_RESPONSE_SIZE", "2mb",
                                      "ALLOWED_HTTP_METHODS", "GET,POST",
                                      "APPLY_GUARDRAILS_TO_SSE", "false",
                                      "GUARDRAIL_ENDPOINTS", "POST:/generate,POST:/",
                                      "GUARDRAIL_FIELD_MAPPING", "POST:/run:\"in\\put\",out",
                                      "LOG_LEVEL", "warn",
                                      NULL};
    rg_errors_t errs = {0};
    rg_config_t *c = load(env, &errs);
    /* the mapping's quote and backslash are not field characters: refused, and named */
    assert_null(c);
    assert_true(errs.n >= 1);
    assert_memory_equal(errs.items[0], "GUARDRAIL_FIELD_MAPPING: ", 25);
    rg_errors_free(&errs);

    static const char *const env2[] = {"APP_URL", "https://api-inference.example/models/x",
                                       "AKTO_PROXY_PORT", "9090",
                                       "REQUEST_TIMEOUT", "30",
                                       "MAX_REQUEST_SIZE", "1048576",
                                       "MAX_RESPONSE_SIZE", "2mb",
                                       "ALLOWED_HTTP_METHODS", "GET,POST",
                                       "APPLY_GUARDRAILS_TO_SSE", "false",
                                       "GUARDRAIL_ENDPOINTS", "POST:/generate,POST:/",
                                       "GUARDRAIL_FIELD_MAPPING", "POST:/run:input,output",
                                       NULL};
    c = load(env2, &errs);
    assert_int_equal(errs.n, 0);
    assert_non_null(c);
    assert_int_equal(c->port, 9090);
    assert_int_equal(c->upstream_timeout_ms, 30000);
    assert_int_equal(c->agent->max_request, 1048576);
    assert_int_equal(c->max_request_body, 1048576);
    assert_int_equal(c->agent->max_response, 2u << 20);
    assert_int_equal(c->agent->n_methods, 2);
    assert_int_equal(c->agent->sse_guard, 0);
    assert_int_equal(c->agent->n_endpoints, 2);
    assert_int_equal(c->agent->n_mappings, 1);
    rg_config_unref(c);
}

static void test_env_problems_name_the_variable(void **state)
{
    (void)state;
    static const char *const env[] = {"APP_URL", "http://h:1", "AKTO_PROXY_PORT", "99999", "REQUEST_TIMEOUT", "soon",
                                      "MAX_REQUEST_SIZE", "-3", "ALLOWED_HTTP_METHODS", "GET;POST", NULL};
    rg_errors_t errs = {0};
    assert_null(load(env, &errs));
    const char *want[] = {"AKTO_PROXY_PORT: ", "REQUEST_TIMEOUT: ", "MAX_REQUEST_SIZE: ", "ALLOWED_HTTP_METHODS: "};
    for (size_t k = 0; k < 4; k++) {
        int found = 0;
        for (size_t i = 0; i < errs.n; i++)
            found |= !strncmp(errs.items[i], want[k], strlen(want[k]));
        if (!found)
            fail_msg("no problem named %s", want[k]);
    }
    rg_errors_free(&errs);
    static const char *const none[] = {NULL};
    assert_null(load(none, &errs));
    assert_memory_equal(errs.items[0], "APP_URL: ", 9);
    rg_errors_free(&errs);
}

static void test_env_remote_yaml(void **state)
{
    (void)state;
    /* the akto kind is another change's: only the generated text is checked here */
    static const char *const env[] = {"APP_URL", "http://h:1", "AKTO_API_BASE_URL", "http://g:2", "AKTO_API_TOKEN",
                                      "tok\"en", NULL};
    fake_env = env;
    rg_errors_t errs = {0};
    const char *lines[RG_AGENT_YAML_LINES];
    char *y = rg_agent_env_yaml(fake_getenv, &errs, lines, RG_AGENT_YAML_LINES);
    assert_non_null(y);
    assert_non_null(strstr(y, "guardrail: akto\n"));
    assert_non_null(strstr(y, "akto_base_url: \"http://g:2\"\n"));
    assert_non_null(strstr(y, "akto_api_key: \"tok\\\"en\"\n"));
    assert_null(strstr(y, "railgate.promptInjection"));
    free(y);
}

static void test_dot_segments(void **state)
{
    (void)state;
    const char *bad[] = {"/..", "/../admin", "/a/../../b", "/./x", "/a/.", "/%2e%2e/x", "/%2E./x", "/a/%2e", "..", "/x/..?q=1"};
    const char *good[] = {"/", "/v1/chat/completions", "/a.b/c", "/...", "/a/..b", "/.well-known/x", "/x?path=/../y",
                          "/%2e%2e%2e", "/a%2eb"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(rg_agent_path_has_dot_segment(bad[i], strlen(bad[i])), 1);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(rg_agent_path_has_dot_segment(good[i], strlen(good[i])), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tgi_extract),
        cmocka_unit_test(test_tgi_replace_writes_back),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_endpoints),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_path_get),
        cmocka_unit_test(test_env_defaults),
        cmocka_unit_test(test_env_values),
        cmocka_unit_test(test_env_problems_name_the_variable),
        cmocka_unit_test(test_env_remote_yaml),
        cmocka_unit_test(test_dot_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
