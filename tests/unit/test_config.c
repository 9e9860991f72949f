/* test_config.c — YAML config: validation with file:line errors, defaults, env refs, overrides, refcount. */
#include "config/config.h"
#include "core/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SRC "test.yaml"

static const char MINIMAL[] = "model_list:\n"
                              "  - model_name: gpt-4o-mini\n"
                              "    litellm_params:\n"
                              "      model: openai/gpt-4o-mini\n";

/* ---- helpers ---------------------------------------------------------------- */

static rg_config_t *parse_ov(const char *yaml, const rg_overrides_t *ov, rg_errors_t *errs)
{
    memset(errs, 0, sizeof(*errs));
    return rg_config_parse(SRC, yaml, strlen(yaml), ov, errs);
}

static rg_config_t *parse(const char *yaml, rg_errors_t *errs)
{
    rg_overrides_t none = RG_OVERRIDES_NONE;
    return parse_ov(yaml, &none, errs);
}

static void dump_errors(const rg_errors_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        print_message("    [%zu] %s\n", i, e->items[i]);
}

/* Parses yaml, which must load with no error. */
static rg_config_t *parse_ok(const char *yaml)
{
    rg_errors_t errs;
    rg_config_t *c = parse(yaml, &errs);
    if (c == NULL || errs.n != 0) {
        dump_errors(&errs);
        fail_msg("expected the config to load (%zu errors)", errs.n);
    }
    rg_errors_free(&errs);
    return c;
}

/* Is there an error "src:line: ..." whose text contains every one of the (NULL-terminated) words? */
static int has_error_v(const rg_errors_t *e, const char *src, int line, va_list ap)
{
    const char *words[8];
    int nw = 0;
    const char *w;
    while ((w = va_arg(ap, const char *)) != NULL && nw < 8)
        words[nw++] = w;
    char prefix[256];
    snprintf(prefix, sizeof(prefix), "%s:%d:", src, line);
    for (size_t i = 0; i < e->n; i++) {
        if (strncmp(e->items[i], prefix, strlen(prefix)) != 0)
            continue;
        int all = 1;
        for (int k = 0; k < nw; k++)
            if (strstr(e->items[i], words[k]) == NULL)
                all = 0;
        if (all)
            return 1;
    }
    return 0;
}

static void want_error(const rg_errors_t *e, const char *src, int line, ...)
{
    va_list ap;
    va_start(ap, line);
    int ok = has_error_v(e, src, line, ap);
    va_end(ap);
    if (!ok) {
        dump_errors(e);
        fail_msg("no error at %s:%d with the expected words", src, line);
    }
}

/* The config must be refused with exactly n errors, one at each (line, word) given. */
static void expect_refused(const char *yaml, size_t n_expected, rg_errors_t *errs)
{
    rg_config_t *c = parse(yaml, errs);
    if (c != NULL) {
        rg_config_unref(c);
        fail_msg("config was accepted:\n%s", yaml);
    }
    if (n_expected && errs->n != n_expected) {
        dump_errors(errs);
        fail_msg("%zu errors, expected %zu", errs->n, n_expected);
    }
    assert_true(errs->n > 0);
}

static const rg_model_t *model(const rg_config_t *c, const char *name)
{
    const rg_model_t *m = rg_config_find_model(c, name, strlen(name));
    if (m == NULL)
        fail_msg("model '%s' not found", name);
    return m;
}

static const char *header(const rg_model_t *m, const char *name)
{
    for (size_t i = 0; i < m->n_extra_headers; i++)
        if (strcmp(m->extra_headers[i].name, name) == 0)
            return m->extra_headers[i].value;
    return NULL;
}

static int setup_env(void **state)
{
    (void)state;
    unsetenv("LOG_LEVEL"); /* results must not depend on the caller's environment */
    unsetenv("RG_TEST_MISSING");
    setenv("RG_TEST_KEY", "sk-test-123", 1);
    setenv("RG_TEST_BASE", "http://127.0.0.1:8000/v1/", 1);
    setenv("RG_TEST_PORT", "4321", 1);
    return 0;
}

/* ---- valid files, defaults ------------------------------------------------------ */

static void test_minimal_valid(void **state)
{
    (void)state;
    rg_config_t *c = parse_ok(MINIMAL);
    assert_int_equal(atomic_load(&c->refs), 1);
    assert_string_equal(c->source, SRC);
    assert_int_equal(c->n_models, 1);
    const rg_model_t *m = &c->models[0];
    assert_string_equal(m->name, "gpt-4o-mini");
    assert_int_equal(m->provider, RG_PROVIDER_OPENAI);
    assert_string_equal(m->provider_name, "openai");
    assert_string_equal(m->upstream_model, "gpt-4o-mini");
    assert_string_equal(m->api_base, "https://api.openai.com/v1");
    assert_null(m->api_key);
    assert_int_equal(m->timeout_ms, 0);
    assert_int_equal(m->n_extra_headers, 0);
    rg_config_unref(c);
}

static void test_defaults(void **state)
{
    (void)state;
    rg_config_t *c = parse_ok(MINIMAL);
    /* the values config/railgate.yaml documents */
    assert_string_equal(c->host, "127.0.0.1");
    assert_int_equal(c->port, 4000);
    assert_int_equal(c->workers, 0);
    assert_int_equal(c->log_level, RG_LOG_INFO);
    assert_string_equal(c->database_path, "./railgate.db");
    assert_null(c->master_key);
    assert_int_equal(c->max_request_body, 4u << 20);
    assert_int_equal(c->max_response_buffered, 16u << 20);
    assert_int_equal(c->record_body_max, 64u << 10);
    assert_true(c->ring_size > 0);
    assert_int_equal(c->header_timeout_ms, 10000);
    assert_int_equal(c->body_timeout_ms, 30000);
    assert_int_equal(c->upstream_connect_timeout_ms, 10000);
    assert_int_equal(c->upstream_read_timeout_ms, 300000);
    assert_int_equal(c->upstream_timeout_ms, 600000);
    assert_int_equal(c->shutdown_timeout_ms, 10000);
    assert_null(c->tls_cert_file);
    assert_null(c->tls_key_file);
    rg_config_unref(c);
}

static void test_every_setting(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: local\n"
                       "    litellm_params:\n"
                       "      model: hosted_vllm/meta-llama/Llama-3-8B\n"
                       "      api_base: http://127.0.0.1:8000/v1/\n"
                       "      api_key: sk-literal\n"
                       "      timeout: 45\n"
                       "    model_info:\n"
                       "      id: anything\n"
                       "general_settings:\n"
                       "  master_key: sk-master\n"
                       "  database_path: /var/lib/railgate/r.db\n"
                       "railgate_settings:\n"
                       "  host: 0.0.0.0\n"
                       "  port: 8080\n"
                       "  workers: 3\n"
                       "  log_level: debug\n"
                       "  max_request_body: 1048576\n"
                       "  max_response_buffered: 2mb\n"
                       "  record_body_max: 8kb\n"
                       "  record_queue: 1024\n"
                       "  header_timeout: 5s\n"
                       "  body_timeout: 250ms\n"
                       "  upstream_connect_timeout: 2\n"
                       "  upstream_read_timeout: 1m\n"
                       "  upstream_timeout: 2m\n"
                       "  shutdown_timeout: 1.5\n"
                       "  tls:\n"
                       "    cert_file: /etc/cert.pem\n"
                       "    key_file: /etc/key.pem\n";
    rg_config_t *c = parse_ok(yaml);
    const rg_model_t *m = model(c, "local");
    assert_int_equal(m->provider, RG_PROVIDER_OPENAI);
    assert_string_equal(m->provider_name, "hosted_vllm");
    assert_string_equal(m->upstream_model, "meta-llama/Llama-3-8B"); /* only the first slash splits */
    assert_string_equal(m->api_base, "http://127.0.0.1:8000/v1");  /* trailing slash removed */
    assert_string_equal(m->api_key, "sk-literal");
    assert_int_equal(m->timeout_ms, 45000);
    assert_string_equal(c->master_key, "sk-master");
    assert_string_equal(c->database_path, "/var/lib/railgate/r.db");
    assert_string_equal(c->host, "0.0.0.0");
    assert_int_equal(c->port, 8080);
    assert_int_equal(c->workers, 3);
    assert_int_equal(c->log_level, RG_LOG_DEBUG);
    assert_int_equal(c->max_request_body, 1048576);
    assert_int_equal(c->max_response_buffered, 2u << 20);
    assert_int_equal(c->record_body_max, 8u << 10);
    assert_int_equal(c->ring_size, 1024);
    assert_int_equal(c->header_timeout_ms, 5000);
    assert_int_equal(c->body_timeout_ms, 250);
    assert_int_equal(c->upstream_connect_timeout_ms, 2000);
    assert_int_equal(c->upstream_read_timeout_ms, 60000);
    assert_int_equal(c->upstream_timeout_ms, 120000);
    assert_int_equal(c->shutdown_timeout_ms, 1500);
    assert_string_equal(c->tls_cert_file, "/etc/cert.pem");
    assert_string_equal(c->tls_key_file, "/etc/key.pem");
    rg_config_unref(c);
}

static void test_mock_provider(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: mock\n"
                       "    litellm_params:\n"
                       "      model: mock/railgate-mock\n"
                       "  - model_name: mock-slow\n"
                       "    litellm_params:\n"
                       "      model: mock/railgate-mock\n"
                       "      mock_response: \"Hi there\"\n"
                       "      mock_delay: 250ms\n"
                       "      mock_chunk_delay: 100ms\n"
                       "      mock_chunks: 8\n";
    rg_config_t *c = parse_ok(yaml);
    assert_int_equal(c->n_models, 2);
    const rg_model_t *m = model(c, "mock");
    assert_int_equal(m->provider, RG_PROVIDER_MOCK);
    assert_string_equal(m->provider_name, "mock");
    assert_string_equal(m->upstream_model, "railgate-mock");
    assert_null(m->api_base);
    assert_true(m->mock_chunks >= 1);
    m = model(c, "mock-slow");
    assert_string_equal(m->mock_response, "Hi there");
    assert_int_equal(m->mock_delay_ms, 250);
    assert_int_equal(m->mock_chunk_delay_ms, 100);
    assert_int_equal(m->mock_chunks, 8);
    rg_config_unref(c);
}

static void test_flow_style(void **state)
{
    (void)state;
    rg_config_t *c = parse_ok("model_list: [{model_name: a, litellm_params: {model: mock/a}},"
                              " {model_name: b, litellm_params: {model: openai/b}}]\n"
                              "railgate_settings: {port: 9000}\n");
    assert_int_equal(c->n_models, 2);
    assert_int_equal(model(c, "b")->provider, RG_PROVIDER_OPENAI);
    assert_int_equal(c->port, 9000);
    rg_config_unref(c);
}

/* ---- sizes and durations ---------------------------------------------------------- */

static size_t size_of(const char *v)
{
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  max_request_body: %s\n", MINIMAL, v);
    rg_config_t *c = parse_ok(yaml);
    size_t n = c->max_request_body;
    rg_config_unref(c);
    return n;
}

static uint32_t duration_of(const char *v)
{
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  body_timeout: %s\n", MINIMAL, v);
    rg_config_t *c = parse_ok(yaml);
    uint32_t n = c->body_timeout_ms;
    rg_config_unref(c);
    return n;
}

static void test_size_units(void **state)
{
    (void)state;
    assert_int_equal(size_of("4mb"), 4u << 20);
    assert_int_equal(size_of("512kb"), 512u << 10);
    assert_int_equal(size_of("1048576"), 1048576);
    assert_int_equal(size_of("1gb"), 1u << 30);
    assert_int_equal(size_of("64KB"), 64u << 10);
}

static void test_durations(void **state)
{
    (void)state;
    assert_int_equal(duration_of("250ms"), 250);
    assert_int_equal(duration_of("10s"), 10000);
    assert_int_equal(duration_of("2m"), 120000);
    assert_int_equal(duration_of("30"), 30000); /* a plain number is seconds */
    assert_int_equal(duration_of("600.0"), 600000);
    assert_int_equal(duration_of("0.5"), 500);
    assert_int_equal(duration_of("0"), 0);
}

/* ---- environment references --------------------------------------------------------- */

static void test_env_resolved(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: gpt\n"
                       "    litellm_params:\n"
                       "      model: openai/gpt-4o\n"
                       "      api_key: os.environ/RG_TEST_KEY\n"
                       "      api_base: os.environ/RG_TEST_BASE\n"
                       "general_settings:\n"
                       "  master_key: os.environ/RG_TEST_KEY\n"
                       "railgate_settings:\n"
                       "  port: os.environ/RG_TEST_PORT\n";
    rg_config_t *c = parse_ok(yaml);
    const rg_model_t *m = model(c, "gpt");
    assert_string_equal(m->api_key, "sk-test-123");
    assert_string_equal(m->api_base, "http://127.0.0.1:8000/v1");
    assert_string_equal(c->master_key, "sk-test-123");
    assert_int_equal(c->port, 4321);
    /* the generation keeps its own copy: changing the variable later changes nothing */
    setenv("RG_TEST_KEY", "sk-changed", 1);
    assert_string_equal(m->api_key, "sk-test-123");
    setenv("RG_TEST_KEY", "sk-test-123", 1);
    rg_config_unref(c);
}

static void test_env_missing_is_an_error(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: gpt\n"
                       "    litellm_params:\n"
                       "      model: openai/gpt-4o\n"
                       "      api_key: os.environ/RG_TEST_MISSING\n";
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 5, "RG_TEST_MISSING", NULL);
    rg_errors_free(&errs);
}

/* ---- unknown keys ---------------------------------------------------------------------- */

static void test_unknown_key_top_level(void **state)
{
    (void)state;
    rg_errors_t errs;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%slitellm_settings:\n  drop_params: true\n", MINIMAL);
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 5, "litellm_settings", NULL);
    rg_errors_free(&errs);
}

static void test_unknown_key_general_settings(void **state)
{
    (void)state;
    rg_errors_t errs;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%sgeneral_settings:\n  database_path: x.db\n  master_kye: sk-1\n", MINIMAL);
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 7, "master_kye", NULL);
    rg_errors_free(&errs);
}

static void test_unknown_key_railgate_settings(void **state)
{
    (void)state;
    rg_errors_t errs;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  port: 4000\n  prot: 4001\n", MINIMAL);
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 7, "prot", NULL);
    rg_errors_free(&errs);
}

static void test_unknown_key_model_entry(void **state)
{
    (void)state;
    rg_errors_t errs;
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: mock/a\n"
                       "    rpm: 10\n";
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 5, "rpm", NULL);
    rg_errors_free(&errs);
}

static void test_unknown_key_litellm_params(void **state)
{
    (void)state;
    rg_errors_t errs;
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: openai/a\n"
                       "      api_bsae: http://x\n";
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 5, "api_bsae", NULL);
    rg_errors_free(&errs);
}

static void test_unknown_tls_key(void **state)
{
    (void)state;
    rg_errors_t errs;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  tls:\n    cert: a.pem\n", MINIMAL);
    expect_refused(yaml, 0, &errs);
    want_error(&errs, SRC, 7, "cert", NULL);
    rg_errors_free(&errs);
}

/* ---- bad values -------------------------------------------------------------------------- */

/* MINIMAL plus `railgate_settings:\n  <key>: <value>` (the value on line 6) must fail there. */
static void check_bad_setting(const char *key, const char *value)
{
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  %s: %s\n", MINIMAL, key, value);
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 6, key, NULL);
    rg_errors_free(&errs);
}

static void test_bad_port_and_workers(void **state)
{
    (void)state;
    check_bad_setting("port", "70000");
    check_bad_setting("port", "-1");
    check_bad_setting("port", "80x");
    check_bad_setting("port", "\"\"");
    check_bad_setting("port", "99999999999999999999");
    check_bad_setting("workers", "-1");
    check_bad_setting("workers", "many");
    check_bad_setting("log_level", "verbose");
}

static void test_bad_sizes_and_durations(void **state)
{
    (void)state;
    check_bad_setting("max_request_body", "12 parsecs");
    check_bad_setting("max_request_body", "-5");
    check_bad_setting("max_request_body", "mb");
    check_bad_setting("record_body_max", "1e400");
    check_bad_setting("body_timeout", "soon");
    check_bad_setting("body_timeout", "-1s");
    check_bad_setting("body_timeout", "10h");
    check_bad_setting("header_timeout", "ms");
}

static void test_nan_and_inf_size_refused(void **state)
{
    (void)state;
    /* strtod reads these, but they are not sizes (and casting NaN to an integer is UB) */
    check_bad_setting("max_request_body", "inf");
    check_bad_setting("max_request_body", "nan");
    check_bad_setting("record_body_max", "-nan");
}

static void test_nan_and_inf_duration_refused(void **state)
{
    (void)state;
    check_bad_setting("body_timeout", "inf");
    check_bad_setting("body_timeout", "nan");
    check_bad_setting("body_timeout", "nanms");
    rg_errors_t errs;
    expect_refused("model_list:\n  - {model_name: a, litellm_params: {model: mock/a, timeout: nan}}\n", 1, &errs);
    want_error(&errs, SRC, 2, "timeout", NULL);
    rg_errors_free(&errs);
}

static void test_zero_body_limit_refused(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  max_request_body: 0\n", MINIMAL);
    rg_errors_t errs;
    expect_refused(yaml, 0, &errs);
    rg_errors_free(&errs);
}

static void test_unknown_provider(void **state)
{
    (void)state;
    rg_errors_t errs;
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: foo/bar\n";
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 4, "foo", NULL);
    rg_errors_free(&errs);

    /* no provider at all, and openai without a model */
    expect_refused("model_list:\n  - model_name: a\n    litellm_params:\n      model: gpt-4o\n", 1, &errs);
    want_error(&errs, SRC, 4, NULL);
    rg_errors_free(&errs);
    expect_refused("model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/\n", 1, &errs);
    want_error(&errs, SRC, 4, NULL);
    rg_errors_free(&errs);
}

static void test_bad_api_base(void **state)
{
    (void)state;
    const char *bases[] = {"localhost:8000/v1", "ftp://example.com", "127.0.0.1", "httpx://a"};
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        char yaml[512];
        snprintf(yaml, sizeof(yaml),
                 "model_list:\n"
                 "  - model_name: a\n"
                 "    litellm_params:\n"
                 "      model: openai/a\n"
                 "      api_base: %s\n",
                 bases[i]);
        rg_errors_t errs;
        expect_refused(yaml, 1, &errs);
        want_error(&errs, SRC, 5, "api_base", NULL);
        rg_errors_free(&errs);
    }
}

static void test_api_base_without_host(void **state)
{
    (void)state;
    /* "http://" passes a prefix check but names no server; with the trailing slash stripped it is "http:" */
    const char *bases[] = {"http://", "https:///"};
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        char yaml[512];
        snprintf(yaml, sizeof(yaml),
                 "model_list:\n"
                 "  - model_name: a\n"
                 "    litellm_params:\n"
                 "      model: openai/a\n"
                 "      api_base: \"%s\"\n",
                 bases[i]);
        rg_errors_t errs;
        rg_config_t *c = parse(yaml, &errs);
        if (c != NULL) {
            char got[64];
            snprintf(got, sizeof(got), "%s", c->models[0].api_base);
            rg_config_unref(c);
            fail_msg("api_base '%s' accepted (stored as '%s')", bases[i], got);
        }
        want_error(&errs, SRC, 5, "api_base", NULL);
        rg_errors_free(&errs);
    }
}

static void test_duplicate_model_name(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: mock/a\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: openai/a\n";
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 5, "'a'", NULL);
    rg_errors_free(&errs);
}

static void test_empty_model_list(void **state)
{
    (void)state;
    rg_errors_t errs;
    expect_refused("model_list: []\n", 1, &errs);
    assert_non_null(strstr(errs.items[0], "model_list"));
    assert_true(strncmp(errs.items[0], SRC, strlen(SRC)) == 0);
    rg_errors_free(&errs);
    expect_refused("model_list:\n", 1, &errs);
    rg_errors_free(&errs);
    expect_refused("railgate_settings:\n  port: 4000\n", 1, &errs);
    rg_errors_free(&errs);
    expect_refused("", 1, &errs);
    rg_errors_free(&errs);
    expect_refused("# only a comment\n", 1, &errs);
    rg_errors_free(&errs);
}

static void test_model_missing_parts(void **state)
{
    (void)state;
    rg_errors_t errs;
    /* no model_name */
    expect_refused("model_list:\n  - litellm_params:\n      model: mock/a\n", 1, &errs);
    want_error(&errs, SRC, 2, "model_name", NULL);
    rg_errors_free(&errs);
    /* no litellm_params */
    expect_refused("model_list:\n  - model_name: a\n", 1, &errs);
    want_error(&errs, SRC, 2, "litellm_params", NULL);
    rg_errors_free(&errs);
    /* litellm_params without model */
    expect_refused("model_list:\n  - model_name: a\n    litellm_params:\n      api_key: k\n", 1, &errs);
    want_error(&errs, SRC, 4, "model", NULL);
    rg_errors_free(&errs);
}

static void test_empty_litellm_params_reported(void **state)
{
    (void)state;
    /* an empty litellm_params is a model with no upstream: it must be reported, not silently dropped */
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "  - model_name: b\n"
                       "    litellm_params:\n"
                       "      model: mock/b\n";
    rg_errors_t errs;
    rg_config_t *c = parse(yaml, &errs);
    if (c != NULL) {
        int has_a = rg_config_find_model(c, "a", 1) != NULL;
        rg_config_unref(c);
        fail_msg("accepted with model 'a' %s", has_a ? "present" : "silently dropped");
    }
    assert_int_equal(errs.n, 1);
    assert_true(strncmp(errs.items[0], SRC ":2:", strlen(SRC ":2:")) == 0 ||
                strncmp(errs.items[0], SRC ":3:", strlen(SRC ":3:")) == 0);
    assert_non_null(strstr(errs.items[0], "'a'"));
    rg_errors_free(&errs);
}

static void test_empty_model_entry_reported(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  -\n"
                       "  - model_name: b\n"
                       "    litellm_params:\n"
                       "      model: mock/b\n";
    rg_errors_t errs;
    rg_config_t *c = parse(yaml, &errs);
    if (c != NULL) {
        rg_config_unref(c);
        fail_msg("an empty model_list entry was silently ignored");
    }
    rg_errors_free(&errs);
}

static void test_wrong_types(void **state)
{
    (void)state;
    rg_errors_t errs;
    expect_refused("model_list: {a: b}\n", 0, &errs);
    want_error(&errs, SRC, 1, "model_list", NULL);
    rg_errors_free(&errs);
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  port: [1, 2]\n", MINIMAL);
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 6, "port", NULL);
    rg_errors_free(&errs);
    snprintf(yaml, sizeof(yaml), "%sgeneral_settings: 5\n", MINIMAL);
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 5, "general_settings", NULL);
    rg_errors_free(&errs);
    expect_refused("- a\n- b\n", 0, &errs);
    rg_errors_free(&errs);
}

static void test_yaml_syntax_error(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: [mock/a\n"
                       "railgate_settings:\n"
                       "  port: 4000\n";
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    assert_true(strncmp(errs.items[0], SRC ":", strlen(SRC) + 1) == 0);
    /* the reported line is a real line of the file, at or after the opening bracket */
    int line = atoi(errs.items[0] + strlen(SRC) + 1);
    assert_true(line >= 4 && line <= 7);
    rg_errors_free(&errs);

    expect_refused("model_list:\n\t- bad tab\n", 1, &errs);
    assert_true(strncmp(errs.items[0], SRC ":2:", strlen(SRC) + 3) == 0);
    rg_errors_free(&errs);
}

static void test_second_document_refused(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%s---\nrailgate_settings:\n  port: 1\n", MINIMAL);
    rg_errors_t errs;
    expect_refused(yaml, 0, &errs);
    rg_errors_free(&errs);
}

static void test_duplicate_keys_refused(void **state)
{
    (void)state;
    rg_errors_t errs;
    /* a key given twice in one mapping: the second value must not silently win (or corrupt memory) */
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: mock/a\n"
                       "      extra_headers: {X-A: \"1\", X-B: \"2\"}\n"
                       "      extra_headers: {X-C: \"3\"}\n";
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 6, "extra_headers", NULL);
    rg_errors_free(&errs);

    char y2[512];
    snprintf(y2, sizeof(y2), "%srailgate_settings:\n  port: 1000\n  port: 2000\n", MINIMAL);
    expect_refused(y2, 1, &errs);
    want_error(&errs, SRC, 7, "port", NULL);
    rg_errors_free(&errs);

    expect_refused("model_list:\n"
                   "  - {model_name: a, litellm_params: {model: mock/a}}\n"
                   "model_list:\n"
                   "  - {model_name: c, litellm_params: {model: mock/c}}\n",
                   1, &errs);
    want_error(&errs, SRC, 3, "model_list", NULL);
    rg_errors_free(&errs);
}

static void test_rejected_model_then_valid_model(void **state)
{
    (void)state;
    /* a refused entry's leftovers must not leak into the next entry (a heap overflow under ASan if they do) */
    const char *yaml = "model_list:\n"
                       "  - model_name: a\n"
                       "    litellm_params:\n"
                       "      model: bogus/a\n"
                       "      extra_headers: {X-A: \"1\", X-B: \"2\"}\n"
                       "  - model_name: b\n"
                       "    litellm_params:\n"
                       "      model: mock/b\n"
                       "      extra_headers: {X-C: \"3\"}\n";
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 4, "bogus", NULL);
    rg_errors_free(&errs);
}

/* ---- one pass, every problem ----------------------------------------------------------------- */

static void test_all_problems_in_one_pass(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"                     /* 1 */
                       "  - model_name: a\n"               /* 2 */
                       "    litellm_params:\n"             /* 3 */
                       "      model: foo/bar\n"            /* 4: unknown provider */
                       "  - model_name: b\n"               /* 5 */
                       "    litellm_params:\n"             /* 6 */
                       "      model: openai/b\n"           /* 7 */
                       "      api_base: localhost:1234\n"  /* 8: not a URL */
                       "railgate_settings:\n"              /* 9 */
                       "  port: 70000\n";                  /* 10: out of range */
    rg_errors_t errs;
    expect_refused(yaml, 3, &errs);
    want_error(&errs, SRC, 4, "foo", NULL);
    want_error(&errs, SRC, 8, "api_base", NULL);
    want_error(&errs, SRC, 10, "port", NULL);
    rg_errors_free(&errs);
}

static void test_five_unknown_keys_in_one_pass(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"                    /* 1 */
                       "  - model_name: a\n"              /* 2 */
                       "    tpm: 5\n"                     /* 3: model entry */
                       "    litellm_params:\n"            /* 4 */
                       "      model: mock/a\n"            /* 5 */
                       "      temperature: 0\n"           /* 6: litellm_params */
                       "general_settings:\n"              /* 7 */
                       "  alerting: [slack]\n"            /* 8: general_settings */
                       "railgate_settings:\n"             /* 9 */
                       "  threads: 4\n"                   /* 10: railgate_settings */
                       "router_settings:\n"               /* 11: top level */
                       "  routing_strategy: simple\n";    /* 12 */
    rg_errors_t errs;
    expect_refused(yaml, 5, &errs);
    want_error(&errs, SRC, 3, "tpm", NULL);
    want_error(&errs, SRC, 6, "temperature", NULL);
    want_error(&errs, SRC, 8, "alerting", NULL);
    want_error(&errs, SRC, 10, "threads", NULL);
    want_error(&errs, SRC, 11, "router_settings", NULL);
    rg_errors_free(&errs);
}

static void test_errors_appended_to_existing_list(void **state)
{
    (void)state;
    /* a caller may collect into a list that already has entries (e.g. a previous reload) */
    rg_errors_t errs = {0};
    rg_errors_add(&errs, "earlier: problem %d", 1);
    rg_overrides_t none = RG_OVERRIDES_NONE;
    const char *yaml = "model_list: []\n";
    rg_config_t *c = rg_config_parse(SRC, yaml, strlen(yaml), &none, &errs);
    if (c != NULL) {
        rg_config_unref(c);
        rg_errors_free(&errs);
        fail_msg("an empty model_list was accepted because errs was not empty on entry");
    }
    assert_int_equal(errs.n, 2);
    assert_string_equal(errs.items[0], "earlier: problem 1");
    rg_errors_free(&errs);

    /* and a good file still loads with a non-empty list */
    rg_errors_add(&errs, "earlier: problem %d", 2);
    c = rg_config_parse(SRC, MINIMAL, strlen(MINIMAL), &none, &errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 1);
    rg_config_unref(c);
    rg_errors_free(&errs);
}

/* ---- overrides -------------------------------------------------------------------------------- */

static void test_overrides_win(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof(yaml),
             "%sgeneral_settings:\n  database_path: file.db\n"
             "railgate_settings:\n  host: 0.0.0.0\n  port: 5000\n  workers: 2\n",
             MINIMAL);
    rg_overrides_t ov = {"::1", 6000, 8, "/tmp/override.db"};
    rg_errors_t errs;
    rg_config_t *c = parse_ov(yaml, &ov, &errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 0);
    assert_string_equal(c->host, "::1");
    assert_int_equal(c->port, 6000);
    assert_int_equal(c->workers, 8);
    assert_string_equal(c->database_path, "/tmp/override.db");
    rg_config_unref(c);

    /* port 0 and workers 0 are real values, not "absent" */
    rg_overrides_t zero = {NULL, 0, 0, NULL};
    c = parse_ov(yaml, &zero, &errs);
    assert_non_null(c);
    assert_int_equal(c->port, 0);
    assert_int_equal(c->workers, 0);
    assert_string_equal(c->host, "0.0.0.0");
    assert_string_equal(c->database_path, "file.db");
    rg_config_unref(c);

    /* none given: the file's values */
    rg_overrides_t none = RG_OVERRIDES_NONE;
    c = parse_ov(yaml, &none, &errs);
    assert_non_null(c);
    assert_int_equal(c->port, 5000);
    assert_int_equal(c->workers, 2);
    rg_config_unref(c);

    /* a NULL overrides pointer is the same as none */
    c = parse_ov(yaml, NULL, &errs);
    assert_non_null(c);
    assert_int_equal(c->port, 5000);
    rg_config_unref(c);
}

static void test_overrides_over_defaults(void **state)
{
    (void)state;
    rg_overrides_t ov = {"10.0.0.1", 7000, -1, NULL};
    rg_errors_t errs;
    rg_config_t *c = parse_ov(MINIMAL, &ov, &errs);
    assert_non_null(c);
    assert_string_equal(c->host, "10.0.0.1");
    assert_int_equal(c->port, 7000);
    assert_int_equal(c->workers, 0);
    assert_string_equal(c->database_path, "./railgate.db");
    rg_config_unref(c);
}

/* ---- extra_headers, find_model ------------------------------------------------------------------ */

static void test_extra_headers(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - model_name: azure\n"
                       "    litellm_params:\n"
                       "      model: openai/gpt-4o\n"
                       "      extra_headers:\n"
                       "        OpenAI-Organization: org-123\n"
                       "        X-Api-Key: os.environ/RG_TEST_KEY\n"
                       "        x_custom: \"a value: with colon\"\n"
                       "  - model_name: plain\n"
                       "    litellm_params:\n"
                       "      model: openai/gpt-4o\n";
    rg_config_t *c = parse_ok(yaml);
    const rg_model_t *m = model(c, "azure");
    assert_int_equal(m->n_extra_headers, 3);
    assert_string_equal(header(m, "OpenAI-Organization"), "org-123");
    assert_string_equal(header(m, "X-Api-Key"), "sk-test-123");
    assert_string_equal(header(m, "x_custom"), "a value: with colon");
    assert_int_equal(model(c, "plain")->n_extra_headers, 0);
    rg_config_unref(c);
}

static void test_extra_headers_invalid(void **state)
{
    (void)state;
    rg_errors_t errs;
    const char *bad[] = {"\"Bad Header\": x", "Host: evil.example", "Content-Length: \"5\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char yaml[512];
        snprintf(yaml, sizeof(yaml),
                 "model_list:\n"
                 "  - model_name: a\n"
                 "    litellm_params:\n"
                 "      model: openai/a\n"
                 "      extra_headers:\n"
                 "        %s\n",
                 bad[i]);
        expect_refused(yaml, 1, &errs);
        want_error(&errs, SRC, 6, "extra_headers", NULL);
        rg_errors_free(&errs);
    }
    expect_refused("model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/a\n"
                   "      extra_headers: [a, b]\n",
                   1, &errs);
    want_error(&errs, SRC, 5, "extra_headers", NULL);
    rg_errors_free(&errs);
}

static void test_find_model(void **state)
{
    (void)state;
    const char *yaml = "model_list:\n"
                       "  - {model_name: gpt-4o, litellm_params: {model: openai/gpt-4o}}\n"
                       "  - {model_name: gpt-4o-mini, litellm_params: {model: openai/gpt-4o-mini}}\n"
                       "  - {model_name: mock, litellm_params: {model: mock/x}}\n";
    rg_config_t *c = parse_ok(yaml);
    const rg_model_t *m = rg_config_find_model(c, "gpt-4o", 6);
    assert_non_null(m);
    assert_string_equal(m->name, "gpt-4o");
    m = rg_config_find_model(c, "gpt-4o-mini", 11);
    assert_non_null(m);
    assert_string_equal(m->name, "gpt-4o-mini");
    /* length-delimited: a name inside a longer buffer */
    m = rg_config_find_model(c, "mockingbird", 4);
    assert_non_null(m);
    assert_string_equal(m->name, "mock");
    assert_null(rg_config_find_model(c, "gpt-4", 5));
    assert_null(rg_config_find_model(c, "gpt-4o-min", 10));
    assert_null(rg_config_find_model(c, "GPT-4O", 6));
    assert_null(rg_config_find_model(c, "", 0));
    assert_null(rg_config_find_model(c, "gpt-4o\0", 7));
    rg_config_unref(c);
}

/* ---- files, the embedded default, refcount --------------------------------------------------------- */

static char *write_temp(const char *content)
{
    char *path = strdup("/tmp/railgate-test-XXXXXX.yaml");
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    size_t n = strlen(content);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_load_file(void **state)
{
    (void)state;
    char *path = write_temp(MINIMAL);
    rg_errors_t errs = {0};
    rg_config_t *c = rg_config_load(path, NULL, &errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 0);
    assert_string_equal(c->source, path);
    assert_int_equal(c->n_models, 1);
    rg_config_unref(c);
    unlink(path);
    free(path);
}

static void test_load_file_errors_name_the_file(void **state)
{
    (void)state;
    char *path = write_temp("model_list:\n"
                            "  - model_name: a\n"
                            "    litellm_params:\n"
                            "      model: openai/a\n"
                            "      api_key: os.environ/RG_TEST_MISSING\n"
                            "railgate_settings:\n"
                            "  workers: -1\n");
    rg_errors_t errs = {0};
    rg_config_t *c = rg_config_load(path, NULL, &errs);
    assert_null(c);
    assert_int_equal(errs.n, 2);
    want_error(&errs, path, 5, "RG_TEST_MISSING", NULL);
    want_error(&errs, path, 7, "workers", NULL);
    rg_errors_free(&errs);
    unlink(path);
    free(path);
}

static void test_generation_owns_its_strings(void **state)
{
    (void)state;
    /* the YAML text and the source name may be freed once parsed (ASan checks the reads below) */
    char *yaml = strdup("model_list:\n"
                        "  - model_name: owned\n"
                        "    litellm_params:\n"
                        "      model: openai/up\n"
                        "      api_key: sk-owned\n"
                        "      extra_headers: {X-H: v}\n");
    char *source = strdup("owned.yaml");
    rg_errors_t errs = {0};
    rg_config_t *c = rg_config_parse(source, yaml, strlen(yaml), NULL, &errs);
    assert_non_null(c);
    memset(yaml, 'Z', strlen(yaml));
    free(yaml);
    memset(source, 'Z', strlen(source));
    free(source);
    assert_string_equal(c->source, "owned.yaml");
    const rg_model_t *m = model(c, "owned");
    assert_string_equal(m->upstream_model, "up");
    assert_string_equal(m->api_key, "sk-owned");
    assert_string_equal(header(m, "X-H"), "v");
    rg_config_unref(c);
}

static void test_load_missing_file(void **state)
{
    (void)state;
    rg_errors_t errs = {0};
    rg_config_t *c = rg_config_load("/nonexistent/dir/railgate.yaml", NULL, &errs);
    assert_null(c);
    assert_int_equal(errs.n, 1);
    assert_non_null(strstr(errs.items[0], "/nonexistent/dir/railgate.yaml"));
    rg_errors_free(&errs);
}

static void test_embedded_default_loads(void **state)
{
    (void)state;
    assert_true(strlen(rg_default_yaml) > 0);
    rg_errors_t errs = {0};
    rg_config_t *c = rg_config_load(NULL, NULL, &errs);
    if (c == NULL)
        dump_errors(&errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 0);
    assert_string_equal(c->source, "<default>");
    assert_true(c->n_models >= 1);
    /* the quickstart is fully offline: every model is a mock */
    for (size_t i = 0; i < c->n_models; i++)
        assert_int_equal(c->models[i].provider, RG_PROVIDER_MOCK);
    assert_non_null(rg_config_find_model(c, "mock", 4));
    rg_config_unref(c);

    /* overrides apply to the default too */
    rg_overrides_t ov = {NULL, 0, 1, ":memory:"};
    c = rg_config_load(NULL, &ov, &errs);
    assert_non_null(c);
    assert_int_equal(c->port, 0);
    assert_int_equal(c->workers, 1);
    assert_string_equal(c->database_path, ":memory:");
    rg_config_unref(c);
}

static void test_refcount(void **state)
{
    (void)state;
    rg_config_t *c = parse_ok(MINIMAL);
    assert_int_equal(atomic_load(&c->refs), 1);
    rg_config_t *r = rg_config_ref(c);
    assert_ptr_equal(r, c);
    assert_int_equal(atomic_load(&c->refs), 2);
    rg_config_ref(c);
    assert_int_equal(atomic_load(&c->refs), 3);
    rg_config_unref(c);
    rg_config_unref(c);
    /* one reference left: everything still readable (a use-after-free here shows under ASan) */
    assert_int_equal(atomic_load(&c->refs), 1);
    assert_string_equal(c->models[0].name, "gpt-4o-mini");
    assert_string_equal(c->host, "127.0.0.1");
    assert_string_equal(c->source, SRC);
    rg_config_unref(c);
    rg_config_unref(NULL); /* harmless */
}

/* Many threads taking and dropping references to one generation. */
static void *ref_worker(void *arg)
{
    rg_config_t *c = arg;
    for (int i = 0; i < 20000; i++) {
        rg_config_t *r = rg_config_ref(c);
        if (r->models[0].name[0] != 'g')
            abort();
        rg_config_unref(r);
    }
    rg_config_unref(c); /* the reference handed to this thread */
    return NULL;
}

static void test_refcount_threads(void **state)
{
    (void)state;
    rg_config_t *c = parse_ok(MINIMAL);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, ref_worker, rg_config_ref(c)), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&c->refs), 1);
    assert_string_equal(c->models[0].name, "gpt-4o-mini");
    rg_config_unref(c);
}

static void test_log_level_env(void **state)
{
    (void)state;
    setenv("LOG_LEVEL", "warn", 1);
    rg_config_t *c = parse_ok(MINIMAL);
    assert_int_equal(c->log_level, RG_LOG_WARN);
    rg_config_unref(c);
    /* the file wins over the environment */
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  log_level: error\n", MINIMAL);
    c = parse_ok(yaml);
    assert_int_equal(c->log_level, RG_LOG_ERROR);
    rg_config_unref(c);
    setenv("LOG_LEVEL", "chatty", 1);
    rg_errors_t errs;
    expect_refused(MINIMAL, 1, &errs);
    assert_non_null(strstr(errs.items[0], "LOG_LEVEL"));
    rg_errors_free(&errs);
    unsetenv("LOG_LEVEL");
}

static void test_tls_needs_both(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%srailgate_settings:\n  tls:\n    cert_file: c.pem\n", MINIMAL);
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    assert_non_null(strstr(errs.items[0], "tls"));
    rg_errors_free(&errs);
}

static void test_empty_master_key_refused(void **state)
{
    (void)state;
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%sgeneral_settings:\n  master_key: \"\"\n", MINIMAL);
    rg_errors_t errs;
    expect_refused(yaml, 1, &errs);
    want_error(&errs, SRC, 6, "master_key", NULL);
    rg_errors_free(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_valid),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_setting),
        cmocka_unit_test(test_mock_provider),
        cmocka_unit_test(test_flow_style),
        cmocka_unit_test(test_size_units),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_env_resolved),
        cmocka_unit_test(test_env_missing_is_an_error),
        cmocka_unit_test(test_unknown_key_top_level),
        cmocka_unit_test(test_unknown_key_general_settings),
        cmocka_unit_test(test_unknown_key_railgate_settings),
        cmocka_unit_test(test_unknown_key_model_entry),
        cmocka_unit_test(test_unknown_key_litellm_params),
        cmocka_unit_test(test_unknown_tls_key),
        cmocka_unit_test(test_bad_port_and_workers),
        cmocka_unit_test(test_bad_sizes_and_durations),
        cmocka_unit_test(test_nan_and_inf_size_refused),
        cmocka_unit_test(test_nan_and_inf_duration_refused),
        cmocka_unit_test(test_zero_body_limit_refused),
        cmocka_unit_test(test_unknown_provider),
        cmocka_unit_test(test_bad_api_base),
        cmocka_unit_test(test_api_base_without_host),
        cmocka_unit_test(test_duplicate_model_name),
        cmocka_unit_test(test_empty_model_list),
        cmocka_unit_test(test_model_missing_parts),
        cmocka_unit_test(test_empty_litellm_params_reported),
        cmocka_unit_test(test_empty_model_entry_reported),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_yaml_syntax_error),
        cmocka_unit_test(test_second_document_refused),
        cmocka_unit_test(test_duplicate_keys_refused),
        cmocka_unit_test(test_rejected_model_then_valid_model),
        cmocka_unit_test(test_all_problems_in_one_pass),
        cmocka_unit_test(test_five_unknown_keys_in_one_pass),
        cmocka_unit_test(test_errors_appended_to_existing_list),
        cmocka_unit_test(test_overrides_win),
        cmocka_unit_test(test_overrides_over_defaults),
        cmocka_unit_test(test_extra_headers),
        cmocka_unit_test(test_extra_headers_invalid),
        cmocka_unit_test(test_find_model),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_file_errors_name_the_file),
        cmocka_unit_test(test_generation_owns_its_strings),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_embedded_default_loads),
        cmocka_unit_test(test_refcount),
        cmocka_unit_test(test_refcount_threads),
        cmocka_unit_test(test_tls_needs_both),
        cmocka_unit_test(test_empty_master_key_refused),
        cmocka_unit_test(test_log_level_env), /* last: it sets LOG_LEVEL */
    };
    return cmocka_run_group_tests(tests, setup_env, NULL);
}
