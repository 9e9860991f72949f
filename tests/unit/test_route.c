/* test_route.c — rg_route_match: /v1 prefix, trailing slash, query string, labels. */
#include "api/route.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rg_route_t match(const char *path)
{
    return rg_route_match(path, strlen(path));
}

/* Matches path against a heap copy of exactly len bytes, so reading past the end shows up under ASan. */
static rg_route_t match_exact(const char *path, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, path, len);
    rg_route_t r = rg_route_match(copy, len);
    free(copy);
    return r;
}

static void test_labels(void **state)
{
    (void)state;
    assert_string_equal(rg_route_label[RG_ROUTE_CHAT], "chat_completions");
    assert_string_equal(rg_route_label[RG_ROUTE_COMPLETIONS], "completions");
    assert_string_equal(rg_route_label[RG_ROUTE_EMBEDDINGS], "embeddings");
    assert_string_equal(rg_route_label[RG_ROUTE_MODELS], "models");
    assert_string_equal(rg_route_label[RG_ROUTE_HEALTH], "health");
    assert_string_equal(rg_route_label[RG_ROUTE_READINESS], "readiness");
    assert_string_equal(rg_route_label[RG_ROUTE_METRICS], "metrics");
    assert_string_equal(rg_route_label[RG_ROUTE_OTHER], "other");
}

static void test_api_routes_with_and_without_v1(void **state)
{
    (void)state;
    assert_int_equal(match("/v1/chat/completions"), RG_ROUTE_CHAT);
    assert_int_equal(match("/chat/completions"), RG_ROUTE_CHAT);
    assert_int_equal(match("/v1/completions"), RG_ROUTE_COMPLETIONS);
    assert_int_equal(match("/completions"), RG_ROUTE_COMPLETIONS);
    assert_int_equal(match("/v1/embeddings"), RG_ROUTE_EMBEDDINGS);
    assert_int_equal(match("/embeddings"), RG_ROUTE_EMBEDDINGS);
    assert_int_equal(match("/v1/models"), RG_ROUTE_MODELS);
    assert_int_equal(match("/models"), RG_ROUTE_MODELS);
}

static void test_ops_routes(void **state)
{
    (void)state;
    assert_int_equal(match("/health"), RG_ROUTE_HEALTH);
    assert_int_equal(match("/health/readiness"), RG_ROUTE_READINESS);
    assert_int_equal(match("/metrics"), RG_ROUTE_METRICS);
}

static void test_ops_routes_not_under_v1(void **state)
{
    (void)state;
    assert_int_equal(match("/v1/health"), RG_ROUTE_OTHER);
    assert_int_equal(match("/v1/health/readiness"), RG_ROUTE_OTHER);
    assert_int_equal(match("/v1/metrics"), RG_ROUTE_OTHER);
    assert_int_equal(match("/v1/health/"), RG_ROUTE_OTHER);
}

static void test_trailing_slash(void **state)
{
    (void)state;
    assert_int_equal(match("/v1/chat/completions/"), RG_ROUTE_CHAT);
    assert_int_equal(match("/chat/completions/"), RG_ROUTE_CHAT);
    assert_int_equal(match("/v1/embeddings//"), RG_ROUTE_EMBEDDINGS);
    assert_int_equal(match("/health/"), RG_ROUTE_HEALTH);
    assert_int_equal(match("/metrics/"), RG_ROUTE_METRICS);
}

static void test_query_string_ignored(void **state)
{
    (void)state;
    assert_int_equal(match("/v1/chat/completions?stream=true"), RG_ROUTE_CHAT);
    assert_int_equal(match("/chat/completions?"), RG_ROUTE_CHAT);
    assert_int_equal(match("/v1/models?x=/chat/completions"), RG_ROUTE_MODELS);
    assert_int_equal(match("/v1/chat/completions/?a=1"), RG_ROUTE_CHAT);
    assert_int_equal(match("/metrics?name[]=x"), RG_ROUTE_METRICS);
    /* the query never makes a path match */
    assert_int_equal(match("/v1?/chat/completions"), RG_ROUTE_OTHER);
    assert_int_equal(match("/?/health"), RG_ROUTE_OTHER);
}

static void test_unknown_paths(void **state)
{
    (void)state;
    const char *other[] = {
        "",
        "/",
        "/v1",
        "/v1/",
        "/v2/chat/completions",
        "/v1chat/completions",
        "/v1/v1/chat/completions",
        "/v1/chat",
        "/v1/chat/completion",
        "/v1/chat/completionsx",
        "/v1/chat/completions/extra",
        "/chat/completions/x",
        "/v1/models/gpt-4o",
        "/V1/chat/completions",
        "/Chat/Completions",
        "chat/completions",
        "v1/chat/completions",
        "//chat/completions",
        "/healthz",
        "/health/readinessx",
        "/health/live",
        "/metrics/x",
        "/admin",
        "/v1/embeddings.json",
    };
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
        if (match(other[i]) != RG_ROUTE_OTHER)
            fail_msg("'%s' matched route %d, expected other", other[i], match(other[i]));
}

static void test_length_is_respected(void **state)
{
    (void)state;
    /* only the first len bytes are the path */
    const char *s = "/v1/chat/completions";
    assert_int_equal(rg_route_match(s, strlen("/v1/chat")), RG_ROUTE_OTHER);
    assert_int_equal(rg_route_match("/healthXYZ", 7), RG_ROUTE_HEALTH);
    assert_int_equal(rg_route_match("/v1/models/", 10), RG_ROUTE_MODELS);
    assert_int_equal(rg_route_match("/metrics?", 8), RG_ROUTE_METRICS);
    /* not NUL-terminated buffers of every length (checked for over-reads under ASan) */
    const char *paths[] = {"/v1/chat/completions/?q=1", "/health/readiness", "/v1", "/", "/v1/embeddings"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        for (size_t len = 0; len <= strlen(paths[i]); len++) {
            char tmp[64];
            memcpy(tmp, paths[i], len);
            tmp[len] = '\0';
            assert_int_equal(match_exact(paths[i], len), match(tmp));
        }
}

static void test_every_route_round_trips(void **state)
{
    (void)state;
    /* the API routes are reachable both ways; ops routes only without /v1 */
    struct {
        const char *path;
        rg_route_t r;
        int under_v1;
    } t[] = {
        {"/chat/completions", RG_ROUTE_CHAT, 1},   {"/completions", RG_ROUTE_COMPLETIONS, 1},
        {"/embeddings", RG_ROUTE_EMBEDDINGS, 1},   {"/models", RG_ROUTE_MODELS, 1},
        {"/health", RG_ROUTE_HEALTH, 0},           {"/health/readiness", RG_ROUTE_READINESS, 0},
        {"/metrics", RG_ROUTE_METRICS, 0},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char buf[64];
        assert_int_equal(match(t[i].path), t[i].r);
        snprintf(buf, sizeof(buf), "/v1%s", t[i].path);
        assert_int_equal(match(buf), t[i].under_v1 ? t[i].r : RG_ROUTE_OTHER);
        snprintf(buf, sizeof(buf), "%s/?k=v", t[i].path);
        assert_int_equal(match(buf), t[i].r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_api_routes_with_and_without_v1),
        cmocka_unit_test(test_ops_routes),
        cmocka_unit_test(test_ops_routes_not_under_v1),
        cmocka_unit_test(test_trailing_slash),
        cmocka_unit_test(test_query_string_ignored),
        cmocka_unit_test(test_unknown_paths),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_every_route_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
