/*
 * test_check_io_real.c — the two real rg_check_io_t hosts against the mock
 * upstream on loopback ($B/tests/mockup, started here): the blocking one of
 * the CLI (guard/io_blocking.c) and the worker-loop one (api/check_io.c on
 * http/upstream.c + uv_getaddrinfo). Methods (POST/GET/HEAD on recycled
 * handles), redirects, reply caps, timeouts, refused connections, name
 * resolution, cancellation (no callback afterwards), and the async checks
 * end to end: webhook (case 14), validUrls, and jwt with the test key of
 * tests/keys/ against the mock's /jwks.
 */
#include "api/check_io.h"
#include "guard/check.h"
#include "guard/io_blocking.h"
#include "guard/jwks_cache.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
extern const rg_check_ops_t rg_check_webhook, rg_check_valid_urls, rg_check_jwt;

static pid_t mock_pid;
static int mock_port;
static char base[64];

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int start_mock(void **state)
{
    (void)state;
    const char *b = getenv("B") ? getenv("B") : "build";
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/mockup", b);
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    char *argv[] = {path, "--port", "0", NULL};
    int rc = posix_spawn(&mock_pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        fprintf(stderr, "cannot start %s (run from the repository root after make)\n", path);
        return -1;
    }
    char line[64] = "";
    ssize_t n = read(fds[0], line, sizeof(line) - 1);
    close(fds[0]);
    if (n <= 0 || sscanf(line, "port=%d", &mock_port) != 1)
        return -1;
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", mock_port);
    return 0;
}

static int stop_mock(void **state)
{
    (void)state;
    if (mock_pid > 0) {
        kill(mock_pid, SIGTERM);
        waitpid(mock_pid, NULL, 0);
    }
    rg_jwks_cache_clear();
    return 0;
}

static char *url(const char *path)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s%s", base, path);
    return buf[i];
}

/* ---- one reply, copied out of the callback ----------------------------------- */

typedef struct {
    int calls;
    rg_http_reply_t r;
    char body[8192];
    char ctype[128];
    char error[256];
} got_t;

static void on_reply(void *arg, const rg_http_reply_t *r)
{
    got_t *g = arg;
    g->calls++;
    g->r = *r;
    snprintf(g->body, sizeof(g->body), "%.*s", (int)r->len, r->body ? r->body : "");
    snprintf(g->ctype, sizeof(g->ctype), "%s", r->content_type ? r->content_type : "");
    snprintf(g->error, sizeof(g->error), "%s", r->error ? r->error : "");
}

typedef struct {
    int calls, found;
    char error[128];
} gotr_t;

static void on_resolved(void *arg, int found, const char *error)
{
    gotr_t *g = arg;
    g->calls++;
    g->found = found;
    snprintf(g->error, sizeof(g->error), "%s", error ? error : "");
}

static const char CASE14_CTX[] =
    "{\"request\":{\"json\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is "
    "123-45-6789, remember it.\"}]},\"text\":\"My SSN is 123-45-6789, remember it.\",\"isStreamingRequest\":false,"
    "\"isTransformed\":false},\"response\":{\"json\":{},\"text\":\"\",\"statusCode\":null,\"isTransformed\":false},"
    "\"provider\":\"openai\",\"requestType\":\"chatComplete\",\"metadata\":{},\"eventType\":\"beforeRequestHook\"}";

static rg_http_call_t post(const char *path, const char *const *headers, uint32_t timeout_ms)
{
    return (rg_http_call_t){.method = "POST",
                            .url = url(path),
                            .headers = headers,
                            .body = CASE14_CTX,
                            .body_len = strlen(CASE14_CTX),
                            .timeout_ms = timeout_ms,
                            .max_reply = 65536};
}

/* ---- the uv host: a loop with its own curl multi ------------------------------- */

typedef struct {
    uv_loop_t loop;
    rg_upstream_t *up;
    rg_check_io_t *io;
} uvh_t;

static void uvh_init(uvh_t *h)
{
    uv_loop_init(&h->loop);
    h->up = rg_upstream_new(&h->loop);
    h->io = rg_check_io_new(&h->loop, h->up);
    assert_non_null(h->io);
}

static void on_tick(uv_timer_t *t)
{
    (void)t;
}

/* Runs the loop until *flag is set or ms have passed. */
static void uvh_run(uvh_t *h, int *flag, int ms)
{
    uv_timer_t tick;
    uv_timer_init(&h->loop, &tick);
    uv_timer_start(&tick, on_tick, 10, 10); /* keeps the loop turning while waiting */
    int64_t end = now_ms() + ms;
    while ((flag == NULL || !*flag) && now_ms() < end)
        uv_run(&h->loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(&h->loop, UV_RUN_NOWAIT);
}

static void uvh_free(uvh_t *h)
{
    rg_check_io_free(h->io);
    rg_upstream_free(h->up);
    uvh_run(h, NULL, 50);
    assert_int_equal(uv_loop_close(&h->loop), 0);
}

/* the last hook request the mock saw */
static json_t *mock_last_hook(void)
{
    rg_check_io_t *io = rg_io_blocking_new();
    got_t g = {0};
    rg_http_call_t c = {.method = "GET", .url = url("/_last/hook"), .timeout_ms = 2000, .max_reply = 8192};
    io->http(io, &c, on_reply, &g);
    rg_io_blocking_free(io);
    return json_loads(g.body, 0, NULL);
}

/* ---- tests ----------------------------------------------------------------------- */

static void blocking_http(void **state)
{
    (void)state;
    rg_check_io_t *io = rg_io_blocking_new();
    got_t g = {0};
    static const char *const hdrs[] = {"Content-Type: application/json", "x-demo: 1", NULL};
    rg_http_call_t c = post("/webhook", hdrs, 2000);
    assert_null(io->http(io, &c, on_reply, &g));
    assert_int_equal(g.calls, 1); /* before http() returned */
    assert_true(g.r.ok);
    assert_int_equal(g.r.status, 200);
    assert_string_equal(g.ctype, "application/json");
    assert_non_null(strstr(g.body, "[SSN-REDACTED]"));
    json_t *last = mock_last_hook();
    assert_string_equal(json_string_value(json_object_get(last, "body")), CASE14_CTX);
    assert_string_equal(json_string_value(json_object_get(json_object_get(last, "headers"), "x-demo")), "1");
    json_decref(last);

    /* HEAD, redirects on request, GET */
    struct {
        const char *method, *path;
        int follow;
        long status;
    } cases[] = {{"HEAD", "/page/ok", 0, 200},    {"HEAD", "/page/missing", 0, 404}, {"HEAD", "/page/moved", 0, 301},
                 {"HEAD", "/page/moved", 1, 200}, {"GET", "/jwks", 0, 200}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&g, 0, sizeof(g));
        rg_http_call_t h = {.method = cases[i].method, .url = url(cases[i].path), .timeout_ms = 2000,
                            .max_reply = 4096, .follow_redirects = cases[i].follow};
        io->http(io, &h, on_reply, &g);
        assert_int_equal(g.calls, 1);
        assert_true(g.r.ok);
        assert_int_equal(g.r.status, cases[i].status);
    }
    /* a reply over max_reply */
    memset(&g, 0, sizeof(g));
    rg_http_call_t small = {.method = "GET", .url = url("/jwks"), .timeout_ms = 2000, .max_reply = 10};
    io->http(io, &small, on_reply, &g);
    assert_false(g.r.ok);
    assert_false(g.r.timed_out);
    assert_string_equal(g.error, "reply too large");
    /* a slow peer: timed out, within the timeout */
    static const char *const slow[] = {"x-mock-delay-ms: 3000", NULL};
    memset(&g, 0, sizeof(g));
    rg_http_call_t s = post("/webhook", slow, 200);
    int64_t t0 = now_ms();
    io->http(io, &s, on_reply, &g);
    int64_t took = now_ms() - t0;
    assert_true(g.r.timed_out);
    assert_false(g.r.ok);
    assert_true(took >= 150 && took < 1500);
    /* nobody listening */
    memset(&g, 0, sizeof(g));
    rg_http_call_t refused = {.method = "GET", .url = "http://127.0.0.1:1/", .timeout_ms = 2000, .max_reply = 10};
    io->http(io, &refused, on_reply, &g);
    assert_false(g.r.ok);
    assert_false(g.r.timed_out);
    assert_true(g.error[0] != '\0');
    rg_io_blocking_free(io);
}

static void blocking_resolve(void **state)
{
    (void)state;
    rg_check_io_t *io = rg_io_blocking_new();
    gotr_t g = {0};
    assert_null(io->resolve(io, "localhost", 2000, on_resolved, &g));
    assert_int_equal(g.calls, 1);
    assert_true(g.found);
    memset(&g, 0, sizeof(g));
    io->resolve(io, "127.0.0.1", 2000, on_resolved, &g);
    assert_true(g.found);
    rg_io_blocking_free(io);
}

static void loop_http(void **state)
{
    (void)state;
    uvh_t h;
    uvh_init(&h);
    /* POST, HEAD, GET, POST on the upstream's recycled easy handles: each keeps its own method */
    const char *methods[] = {"POST", "HEAD", "GET", "POST"};
    for (size_t i = 0; i < 4; i++) {
        got_t g = {0};
        rg_http_call_t c;
        if (!strcmp(methods[i], "POST"))
            c = post("/log", NULL, 2000);
        else
            c = (rg_http_call_t){.method = methods[i], .url = url("/page/moved"), .timeout_ms = 2000,
                                 .max_reply = 4096, .follow_redirects = 1};
        void *handle = h.io->http(h.io, &c, on_reply, &g);
        assert_non_null(handle);
        assert_int_equal(g.calls, 0); /* never inside http() on the loop */
        uvh_run(&h, &g.calls, 3000);
        assert_int_equal(g.calls, 1);
        assert_true(g.r.ok);
        assert_int_equal(g.r.status, 200);
        if (!strcmp(methods[i], "HEAD"))
            assert_string_equal(g.body, "");
        if (!strcmp(methods[i], "GET"))
            assert_string_equal(g.body, "mock page\n");
        if (!strcmp(methods[i], "POST")) {
            json_t *last = mock_last_hook();
            assert_string_equal(json_string_value(json_object_get(last, "method")), "POST");
            assert_string_equal(json_string_value(json_object_get(last, "body")), CASE14_CTX);
            json_decref(last);
        }
    }
    /* cap and timeout */
    got_t g = {0};
    rg_http_call_t small = {.method = "GET", .url = url("/jwks"), .timeout_ms = 2000, .max_reply = 10};
    h.io->http(h.io, &small, on_reply, &g);
    uvh_run(&h, &g.calls, 3000);
    assert_false(g.r.ok);
    assert_string_equal(g.error, "reply too large");
    static const char *const slow[] = {"x-mock-delay-ms: 3000", NULL};
    memset(&g, 0, sizeof(g));
    rg_http_call_t s = post("/webhook", slow, 200);
    int64_t t0 = now_ms();
    h.io->http(h.io, &s, on_reply, &g);
    uvh_run(&h, &g.calls, 3000);
    assert_true(g.r.timed_out);
    assert_true(now_ms() - t0 < 1500);
    /* cancelled: the callback never runs */
    memset(&g, 0, sizeof(g));
    static const char *const slowish[] = {"x-mock-delay-ms: 200", NULL};
    rg_http_call_t c2 = post("/webhook", slowish, 2000);
    void *handle = h.io->http(h.io, &c2, on_reply, &g);
    uvh_run(&h, NULL, 50);
    h.io->cancel(h.io, handle);
    uvh_run(&h, NULL, 400);
    assert_int_equal(g.calls, 0);
    uvh_free(&h);
}

static void loop_resolve(void **state)
{
    (void)state;
    uvh_t h;
    uvh_init(&h);
    gotr_t g = {0};
    assert_non_null(h.io->resolve(h.io, "localhost", 2000, on_resolved, &g));
    uvh_run(&h, &g.calls, 3000);
    assert_int_equal(g.calls, 1);
    assert_true(g.found);
    /* cancelled at once and cancelled while running: no callback either way, nothing leaks */
    gotr_t c1 = {0}, c2 = {0};
    void *a = h.io->resolve(h.io, "localhost", 2000, on_resolved, &c1);
    h.io->cancel(h.io, a); /* most likely still queued: uv_cancel works */
    void *b = h.io->resolve(h.io, "127.0.0.1", 2000, on_resolved, &c2);
    usleep(50 * 1000); /* the thread pool has resolved it; the loop has not delivered it: uv_cancel fails */
    h.io->cancel(h.io, b);
    uvh_run(&h, NULL, 300);
    assert_int_equal(c1.calls, 0);
    assert_int_equal(c2.calls, 0);
    uvh_free(&h);
}

/* ---- the checks end to end ----------------------------------------------------------- */

static void count_done(void *arg)
{
    (*(int *)arg)++;
}

static json_t *J(const char *s)
{
    return json_loads(s, JSON_DECODE_ANY, NULL);
}

static void webhook_and_valid_urls_on_loop(void **state)
{
    (void)state;
    uvh_t h;
    uvh_init(&h);
    json_t *req = J("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is 123-45-6789, "
                    "remember it.\"}]}");
    rg_guard_text_t text = {.joined = "My SSN is 123-45-6789, remember it.", .joined_len = 35};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .text = &text, .request = req, .provider = "openai", .io = h.io};
    char params[256];
    snprintf(params, sizeof(params), "{\"webhookURL\":\"%s\",\"headers\":{\"x-demo\":\"1\"},\"timeout\":2000}",
             url("/webhook"));
    json_t *p = J(params);
    char err[RG_CHECK_ERROR_MAX];
    void *c = rg_check_webhook.compile(p, err, sizeof(err));
    json_decref(p);
    assert_non_null(c);
    rg_check_result_t res = {0};
    int done = 0;
    assert_non_null(rg_check_webhook.start(c, &env, &res, count_done, &done));
    uvh_run(&h, &done, 3000);
    assert_int_equal(done, 1);
    assert_int_equal(res.verdict, 1);
    assert_int_equal(res.transformed, 1);
    json_t *msg = json_array_get(json_object_get(res.request_json, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(msg, "content")), "My SSN is [SSN-REDACTED], remember it.");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(res.data, "responseData"), "seen_chars")), 35);
    rg_check_result_clear(&res, 1);
    rg_check_webhook.free(c);

    /* validUrls: HEAD each, concurrently, on the loop */
    char t[512];
    snprintf(t, sizeof(t), "see %s and %s and %s", url("/page/ok"), url("/page/moved"), url("/page/missing"));
    rg_guard_text_t text2 = {.joined = t, .joined_len = strlen(t)};
    env.text = &text2;
    p = J("{}");
    c = rg_check_valid_urls.compile(p, err, sizeof(err));
    json_decref(p);
    done = 0;
    assert_non_null(rg_check_valid_urls.start(c, &env, &res, count_done, &done));
    uvh_run(&h, &done, 5000);
    assert_int_equal(done, 1);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(json_string_value(json_object_get(res.data, "explanation")), "Some URLs are invalid (1 of 3 failed).");
    rg_check_result_clear(&res, 1);
    rg_check_valid_urls.free(c);
    json_decref(req);
    uvh_free(&h);
}

static char *b64u(const unsigned char *p, size_t n)
{
    char *o = malloc(n * 2 + 8);
    int l = EVP_EncodeBlock((unsigned char *)o, p, (int)n);
    while (l > 0 && o[l - 1] == '=')
        l--;
    o[l] = '\0';
    for (char *q = o; *q; q++)
        *q = *q == '+' ? '-' : *q == '/' ? '_' : *q;
    return o;
}

static const char *hdr_lookup(void *ctx, const char *name, size_t *len)
{
    if (strcasecmp(name, "authorization") != 0)
        return NULL;
    *len = strlen(ctx);
    return ctx;
}

static void jwt_with_test_key_and_mock_jwks(void **state)
{
    (void)state;
    FILE *f = fopen("tests/keys/jwt-test-rsa.pem", "r");
    assert_non_null(f);
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(key);
    char payload[128];
    snprintf(payload, sizeof(payload), "{\"sub\":\"agent-7\",\"iat\":%ld}", (long)time(NULL) - 5);
    static const char hdr[] = "{\"alg\":\"RS256\",\"kid\":\"railgate-test-rsa\"}";
    char *h = b64u((const unsigned char *)hdr, strlen(hdr));
    char *pl = b64u((const unsigned char *)payload, strlen(payload));
    char input[1024], auth[2048];
    snprintf(input, sizeof(input), "%s.%s", h, pl);
    unsigned char sig[512];
    size_t sl = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig, &sl, (unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(ctx);
    char *s = b64u(sig, sl);
    snprintf(auth, sizeof(auth), "Bearer %s.%s", input, s);

    rg_jwks_cache_clear();
    rg_check_io_t *io = rg_io_blocking_new();
    rg_guard_text_t text = {.joined = "", .joined_len = 0};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .text = &text, .header = hdr_lookup, .header_ctx = auth, .io = io};
    char params[256], err[RG_CHECK_ERROR_MAX];
    snprintf(params, sizeof(params), "{\"jwksUri\":\"%s\"}", url("/jwks"));
    json_t *p = J(params);
    void *c = rg_check_jwt.compile(p, err, sizeof(err));
    json_decref(p);
    rg_check_result_t res = {0};
    int done = 0;
    assert_null(rg_check_jwt.start(c, &env, &res, count_done, &done));
    assert_int_equal(done, 1);
    if (res.verdict != 1)
        fail_msg("%s", json_string_value(json_object_get(res.data, "explanation")));
    rg_check_result_clear(&res, 0);
    rg_check_jwt.free(c);
    /* a JWKS URL that answers 404 (case 33): the error Portkey gives */
    snprintf(params, sizeof(params), "{\"jwksUri\":\"%s\"}", url("/no-jwks-here"));
    p = J(params);
    c = rg_check_jwt.compile(p, err, sizeof(err));
    json_decref(p);
    rg_check_jwt.start(c, &env, &res, count_done, &done);
    char want[256];
    snprintf(want, sizeof(want), "Failed to fetch JWKS from %s", url("/no-jwks-here"));
    assert_string_equal(res.error, want);
    rg_check_result_clear(&res, 0);
    rg_check_jwt.free(c);
    rg_io_blocking_free(io);
    free(h);
    free(pl);
    free(s);
    EVP_PKEY_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocking_http),
        cmocka_unit_test(blocking_resolve),
        cmocka_unit_test(loop_http),
        cmocka_unit_test(loop_resolve),
        cmocka_unit_test(webhook_and_valid_urls_on_loop),
        cmocka_unit_test(jwt_with_test_key_and_mock_jwks),
    };
    return cmocka_run_group_tests(tests, start_mock, stop_mock);
}
