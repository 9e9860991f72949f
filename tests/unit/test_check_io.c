/*
 * test_check_io.c — default.webhook, default.log and default.validUrls
 * against a scripted rg_check_io_t (fake_io.h): what they send (the hook
 * context byte for byte as Portkey 1.15.2 sent it, recorded in
 * shared/reference/portkey-1.15.2/webhook_requests.jsonl), what they make of
 * each kind of reply (verdicts, transforms, timeouts, non-2xx, bad JSON),
 * Portkey's `data` objects (cases 12-14), and the start/done/abort contract
 * with callbacks inside http() and later.
 */
#include "guard/check.h"

#include "fake_io.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const rg_check_ops_t rg_check_webhook, rg_check_log, rg_check_valid_urls;

/* ---- helpers --------------------------------------------------------------- */

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad JSON in test: %s (%s)", s, e.text);
    return j;
}

static void assert_json_text(const json_t *actual, const char *expected)
{
    /* the exact serialisation: key order matters to byte-for-byte clients */
    char *a = actual ? json_dumps(actual, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("(NULL)");
    if (strcmp(a, expected) != 0) {
        print_error("expected %s\n     got %s\n", expected, a);
        free(a);
        fail();
    }
    free(a);
}

typedef struct {
    rg_guard_text_t text;
    rg_text_part_t part;
    rg_check_env_t env;
    json_t *request, *response, *headers;
} fixture_t;

static const char *hdr_lookup(void *ctx, const char *name, size_t *len)
{
    json_t *h = ctx;
    const char *k;
    json_t *v;
    json_object_foreach(h, k, v) if (strcasecmp(k, name) == 0)
    {
        *len = json_string_length(v);
        return json_string_value(v);
    }
    return NULL;
}

static void fx_init(fixture_t *f, rg_phase_t phase, const char *text, const char *request, const char *response)
{
    memset(f, 0, sizeof(*f));
    f->text.joined = strdup(text);
    f->text.joined_len = strlen(text);
    if (f->text.joined_len) {
        f->part.s = f->text.joined;
        f->part.len = f->text.joined_len;
        f->text.parts = &f->part;
        f->text.n = 1;
    }
    f->request = request ? J(request) : NULL;
    f->response = response ? J(response) : NULL;
    f->headers = J("{\"content-type\":\"application/json\",\"x-trace\":\"t-1\"}");
    f->env.phase = phase;
    f->env.type = RG_REQ_CHAT;
    f->env.text = &f->text;
    f->env.request = f->request;
    f->env.response = f->response;
    f->env.header = hdr_lookup;
    f->env.header_ctx = f->headers;
    f->env.headers = f->headers;
    f->env.provider = "openai";
    f->env.status = phase == RG_PHASE_RESPONSE ? 200 : 0;
}

static void fx_free(fixture_t *f)
{
    free(f->text.joined);
    json_decref(f->request);
    json_decref(f->response);
    json_decref(f->headers);
}

static void *compile_ok(const rg_check_ops_t *ops, const char *params)
{
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J(params);
    void *c = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (c == NULL)
        fail_msg("%s: compile(%s) failed: %s", ops->id, params, err);
    return c;
}

static void compile_rejects(const rg_check_ops_t *ops, const char *params, const char *msg)
{
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J(params);
    void *c = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (c != NULL) {
        ops->free(c);
        fail_msg("%s: compile(%s) accepted bad parameters", ops->id, params);
    }
    assert_string_equal(err, msg);
}

static void count_done(void *arg)
{
    (*(int *)arg)++;
}

/* Runs a check to completion with a synchronous fake io: done exactly once, before start returns. */
static void run_sync(const rg_check_ops_t *ops, const char *params, fixture_t *f, fake_io_t *io, rg_check_result_t *res)
{
    void *c = compile_ok(ops, params);
    int done = 0;
    memset(res, 0, sizeof(*res));
    f->env.io = io ? &io->io : NULL;
    assert_null(ops->run);
    void *p = ops->start(c, &f->env, res, count_done, &done);
    assert_null(p);
    assert_int_equal(done, 1);
    ops->free(c);
}

static const char *CASE12_REQ = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the meaning of life?\"}]}";
static const char *WH_PARAMS =
    "{\"webhookURL\":\"http://127.0.0.1:18080/webhook\",\"headers\":{\"x-demo\":\"1\"},\"timeout\":2000}";

/* ---- webhook ----------------------------------------------------------------- */

static void webhook_request_matches_portkey(void **state)
{
    (void)state;
    /* case 12: the body Portkey posted (webhook_requests.jsonl line 1), 369 bytes */
    static const char want[] =
        "{\"request\":{\"json\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the meaning "
        "of life?\"}]},\"text\":\"What is the meaning of life?\",\"isStreamingRequest\":false,\"isTransformed\":false},"
        "\"response\":{\"json\":{},\"text\":\"\",\"statusCode\":null,\"isTransformed\":false},\"provider\":\"openai\","
        "\"requestType\":\"chatComplete\",\"metadata\":{},\"eventType\":\"beforeRequestHook\"}";
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "What is the meaning of life?", CASE12_REQ, NULL);
    fake_io_t *io = fake_new(0);
    fake_reply(io, "http://127.0.0.1:18080/webhook", 200, "application/json", "{\"verdict\":true,\"data\":{\"seen_chars\":28}}");
    rg_check_result_t res;
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(io->n_calls, 1);
    fake_call_t *c = &io->calls[0];
    assert_string_equal(c->method, "POST");
    assert_string_equal(c->url, "http://127.0.0.1:18080/webhook");
    assert_string_equal(c->body, want);
    assert_int_equal(c->body_len, 369); /* content-length Portkey sent */
    /* Content-Type merged with the parameter headers; request headers never sent */
    assert_string_equal(c->headers, "Content-Type: application/json\nx-demo: 1\n");
    assert_null(strstr(c->body, "x-trace"));
    assert_int_equal(c->timeout_ms, 2000);
    assert_int_equal(c->follow, 0);
    /* the data of recorded case 12 */
    assert_int_equal(res.verdict, 1);
    assert_string_equal(res.error, "");
    assert_int_equal(res.transformed, 0);
    assert_json_text(res.data, "{\"verdict\":true,\"explanation\":\"Webhook request succeeded\",\"webhookUrl\":"
                               "\"http://127.0.0.1:18080/webhook\",\"responseData\":{\"seen_chars\":28},"
                               "\"requestContext\":{\"timeout\":2000}}");
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void webhook_deny_case13(void **state)
{
    (void)state;
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "this is forbidden",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"this is forbidden\"}]}", NULL);
    fake_io_t *io = fake_new(0);
    io->dflt.body = "{\"verdict\":false,\"data\":{\"seen_chars\":17}}";
    rg_check_result_t res;
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error, "");
    assert_json_text(res.data, "{\"verdict\":false,\"explanation\":\"Webhook request failed\",\"webhookUrl\":"
                               "\"http://127.0.0.1:18080/webhook\",\"responseData\":{\"seen_chars\":17},"
                               "\"requestContext\":{\"timeout\":2000}}");
    rg_check_result_clear(&res, 1);
    /* no verdict in the reply: undefined, falsy, left out of data; no data: no responseData */
    io->dflt.body = "{}";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_json_text(res.data, "{\"explanation\":\"Webhook request failed\",\"webhookUrl\":\"http://127.0.0.1:18080/"
                               "webhook\",\"requestContext\":{\"timeout\":2000}}");
    rg_check_result_clear(&res, 1);
    /* a truthy non-boolean verdict passes and is echoed as is */
    io->dflt.body = "{\"verdict\":\"yes\"}";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.verdict, 1);
    assert_json_text(json_object_get(res.data, "verdict"), "\"yes\"");
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void webhook_transforms_by_phase(void **state)
{
    (void)state;
    static const char reply[] =
        "{\"verdict\":true,\"data\":{\"seen_chars\":35},\"transformedData\":{\"request\":{\"json\":{\"model\":\"gpt-4o-mini\","
        "\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is [SSN-REDACTED], remember it.\"}]}},\"response\":{\"json\":"
        "{\"choices\":[{\"message\":{\"content\":\"redacted answer\"}}]}}}}";
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "My SSN is 123-45-6789, remember it.",
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is 123-45-6789, remember "
            "it.\"}]}",
            NULL);
    fake_io_t *io = fake_new(0);
    io->dflt.body = reply;
    rg_check_result_t res;
    /* case 14: the request phase takes transformedData.request.json, never the response one */
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.transformed, 1);
    assert_non_null(res.request_json);
    assert_null(res.response_json);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(res.request_json, "messages"), 0), "content")),
        "My SSN is [SSN-REDACTED], remember it.");
    rg_check_result_clear(&res, 1);
    fx_free(&f);
    /* the response phase: only transformedData.response.json */
    fx_init(&f, RG_PHASE_RESPONSE, "The answer.", CASE12_REQ,
            "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"The answer.\"}}]}");
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.transformed, 1);
    assert_null(res.request_json);
    assert_non_null(res.response_json);
    assert_json_text(res.response_json, "{\"choices\":[{\"message\":{\"content\":\"redacted answer\"}}]}");
    /* what was sent: the after-hook context */
    json_t *sent = J(io->calls[io->n_calls - 1].body);
    assert_json_text(json_object_get(sent, "response"),
                     "{\"json\":{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"The answer.\"}}]},"
                     "\"text\":\"The answer.\",\"statusCode\":200,\"isTransformed\":false}");
    assert_json_text(json_object_get(sent, "eventType"), "\"afterRequestHook\"");
    assert_json_text(json_object_get(json_object_get(sent, "request"), "text"), "\"What is the meaning of life?\"");
    json_decref(sent);
    rg_check_result_clear(&res, 1);
    /* a replacement that is not an object is not taken (Railgate's rule) */
    io->dflt.body = "{\"verdict\":true,\"transformedData\":{\"response\":{\"json\":\"just text\"}}}";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.transformed, 0);
    assert_null(res.response_json);
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void webhook_errors(void **state)
{
    (void)state;
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "What is the meaning of life?", CASE12_REQ, NULL);
    fake_io_t *io = fake_new(0);
    rg_check_result_t res;
    static const char base[] = "\"webhookUrl\":\"http://127.0.0.1:18080/webhook\",\"requestContext\":{\"timeout\":2000}";
    char want[512];

    io->dflt.timed_out = 1;
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error_name, "TimeoutError");
    assert_string_equal(res.error, "Request timed out after 2000ms");
    snprintf(want, sizeof(want), "{\"explanation\":\"Webhook error: Request timed out after 2000ms\",%s}", base);
    assert_json_text(res.data, want);
    rg_check_result_clear(&res, 1);

    io->dflt.timed_out = 0;
    io->dflt.fail = 1;
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_string_equal(res.error_name, "TypeError");
    assert_string_equal(res.error, "fetch failed");
    rg_check_result_clear(&res, 1);

    /* non-2xx with a JSON body: responseData carries it */
    io->dflt.fail = 0;
    io->dflt.status = 503;
    io->dflt.body = "{\"error\":\"down\"}";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error_name, "HttpError");
    assert_string_equal(res.error, "HTTP error! status: 503");
    snprintf(want, sizeof(want), "{\"explanation\":\"Webhook error: HTTP error! status: 503\",%s,\"responseData\":{\"error\":\"down\"}}",
             base);
    assert_json_text(res.data, want);
    rg_check_result_clear(&res, 1);
    /* ... only when the content type is exactly application/json */
    io->dflt.ctype = "application/json; charset=utf-8";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_null(json_object_get(res.data, "responseData"));
    rg_check_result_clear(&res, 1);

    /* 2xx that is not JSON */
    io->dflt.status = 200;
    io->dflt.ctype = "text/html";
    io->dflt.body = "<html>oops";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error_name, "SyntaxError");
    assert_string_equal(res.error, "Unexpected token < in JSON at position 0");
    rg_check_result_clear(&res, 1);
    io->dflt.body = "";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_string_equal(res.error, "Unexpected end of JSON input");
    rg_check_result_clear(&res, 1);
    /* JSON null: reading .verdict throws */
    io->dflt.body = "null";
    run_sync(&rg_check_webhook, WH_PARAMS, &f, io, &res);
    assert_string_equal(res.error_name, "TypeError");
    assert_string_equal(res.error, "Cannot read properties of null (reading 'verdict')");
    rg_check_result_clear(&res, 1);
    /* a reply over the cap is a failed fetch */
    assert_int_equal(io->calls[io->n_calls - 1].max_reply, 4u << 20);

    /* no io at all: an error at once, data in the error shape */
    run_sync(&rg_check_webhook, WH_PARAMS, &f, NULL, &res);
    assert_int_equal(res.verdict, 0);
    assert_true(res.error[0] != '\0');
    assert_non_null(json_object_get(res.data, "webhookUrl"));
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void webhook_parameters(void **state)
{
    (void)state;
    compile_rejects(&rg_check_webhook, "{}", "Missing webhook URL");
    compile_rejects(&rg_check_webhook, "{\"webhookURL\":\"\"}", "Missing webhook URL");
    compile_rejects(&rg_check_webhook, "{\"webhookURL\":\"not a url\"}", "Invalid webhook URL format");
    compile_rejects(&rg_check_webhook, "{\"webhookURL\":\"http://\"}", "Invalid webhook URL format");
    compile_rejects(&rg_check_webhook, "{\"webhookURL\":\"http://x.example/\",\"headers\":\"{nope\"}",
                    "Failed to parse headers: Invalid headers format");
    compile_rejects(&rg_check_webhook, "{\"webhookURL\":\"http://x.example/\",\"headers\":{\"a\\nb\":\"1\"}}",
                    "Failed to parse headers: Invalid header name: a\nb");
    compile_rejects(&rg_check_webhook, "{\"webhookURL\":\"http://x.example/\",\"timeout\":-5}",
                    "timeout must be a positive number of milliseconds");

    /* Portkey's run-time error data for a request-supplied hook whose parameters failed */
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "hi", CASE12_REQ, NULL);
    rg_check_result_t res = {0};
    json_t *p = J("{\"timeout\":500}");
    rg_check_fail(&res, "Missing webhook URL");
    rg_check_webhook.invalid(p, "Missing webhook URL", &f.env, &res);
    assert_json_text(res.data, "{\"explanation\":\"Webhook error: Missing webhook URL\",\"webhookUrl\":\"No URL "
                               "provided\",\"requestContext\":{\"timeout\":500}}");
    json_decref(p);
    rg_check_result_clear(&res, 1);

    /* headers as a JSON string; a content type of its own replaces the default; default timeout 3000 */
    fake_io_t *io = fake_new(0);
    io->dflt.body = "{\"verdict\":true}";
    run_sync(&rg_check_webhook,
             "{\"webhookURL\":\"http://h.example/wh\",\"headers\":\"{\\\"content-type\\\":\\\"application/json; "
             "charset=utf-8\\\",\\\"Authorization\\\":\\\"Bearer k\\\",\\\"n\\\":7}\"}",
             &f, io, &res);
    assert_string_equal(io->calls[0].headers,
                        "content-type: application/json; charset=utf-8\nAuthorization: Bearer k\nn: 7\n");
    assert_int_equal(io->calls[0].timeout_ms, 3000);
    assert_json_text(json_object_get(res.data, "requestContext"), "{\"timeout\":3000}");
    rg_check_result_clear(&res, 1);
    /* a URL fetch() cannot fetch fails like fetch() */
    run_sync(&rg_check_webhook, "{\"webhookURL\":\"ftp://h.example/wh\"}", &f, io, &res);
    assert_string_equal(res.error, "fetch failed");
    assert_int_equal(io->n_calls, 1);
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

/* Async: start returns the pending state; done comes once, later; abort cancels and done never comes. */
static void webhook_async_and_abort(void **state)
{
    (void)state;
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "What is the meaning of life?", CASE12_REQ, NULL);
    fake_io_t *io = fake_new(1);
    io->dflt.body = "{\"verdict\":true}";
    f.env.io = &io->io;
    void *c = compile_ok(&rg_check_webhook, WH_PARAMS);
    rg_check_result_t res = {0};
    int done = 0;
    void *p = rg_check_webhook.start(c, &f.env, &res, count_done, &done);
    assert_non_null(p);
    assert_int_equal(done, 0);
    assert_int_equal(fake_pending(io), 1);
    fake_deliver_all(io);
    assert_int_equal(done, 1);
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 1);

    p = rg_check_webhook.start(c, &f.env, &res, count_done, &done);
    assert_non_null(p);
    rg_check_webhook.abort(p);
    assert_int_equal(io->cancels, 1);
    assert_int_equal(fake_pending(io), 0);
    fake_deliver_all(io); /* nothing left to deliver: done must not come */
    assert_int_equal(done, 1);
    rg_check_result_clear(&res, 1);
    rg_check_webhook.free(c);
    fake_free(io);
    fx_free(&f);
}

/* ---- log --------------------------------------------------------------------- */

static void log_posts_context_with_headers(void **state)
{
    (void)state;
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "What is the meaning of life?", CASE12_REQ, NULL);
    fake_io_t *io = fake_new(0);
    io->dflt.status = 204;
    io->dflt.body = "";
    rg_check_result_t res;
    run_sync(&rg_check_log, "{\"logURL\":\"http://127.0.0.1:9/log\",\"headers\":\"{\\\"x-k\\\":\\\"v\\\"}\"}", &f, io,
             &res);
    fake_call_t *c = &io->calls[0];
    assert_string_equal(c->method, "POST");
    assert_string_equal(c->url, "http://127.0.0.1:9/log");
    assert_string_equal(c->headers, "Content-Type: application/json\nx-k: v\n");
    assert_int_equal(c->timeout_ms, 3000);
    /* the whole context, request headers included, no eventType */
    assert_string_equal(
        c->body,
        "{\"request\":{\"json\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the "
        "meaning of life?\"}]},\"text\":\"What is the meaning of life?\",\"isStreamingRequest\":false,\"isTransformed\":"
        "false,\"headers\":{\"content-type\":\"application/json\",\"x-trace\":\"t-1\"}},\"response\":{\"json\":{},"
        "\"text\":\"\",\"statusCode\":null,\"isTransformed\":false},\"provider\":\"openai\",\"requestType\":"
        "\"chatComplete\",\"metadata\":{}}");
    /* any 2xx passes (an empty 204 too: Railgate's rule) */
    assert_int_equal(res.verdict, 1);
    assert_string_equal(res.error, "");
    assert_json_text(res.data, "{\"message\":\"Logged the request to http://127.0.0.1:9/log\"}");
    rg_check_result_clear(&res, 1);

    io->dflt.status = 500;
    run_sync(&rg_check_log, "{\"logURL\":\"http://127.0.0.1:9/log\"}", &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error_name, "HttpError");
    assert_string_equal(res.error, "HTTP error! status: 500");
    assert_null(res.data);
    rg_check_result_clear(&res, 1);

    io->dflt.status = 200;
    io->dflt.timed_out = 1;
    run_sync(&rg_check_log, "{\"logURL\":\"http://127.0.0.1:9/log\",\"timeout\":250}", &f, io, &res);
    assert_string_equal(res.error, "Request timed out after 250ms");
    assert_int_equal(io->calls[io->n_calls - 1].timeout_ms, 250);
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void log_parameters(void **state)
{
    (void)state;
    /* headers are JSON.parse'd: an object parameter is the string "[object Object]" */
    compile_rejects(&rg_check_log, "{\"logURL\":\"http://x.example/\",\"headers\":{\"a\":\"b\"}}",
                    "Unexpected token o in JSON at position 1");
    compile_rejects(&rg_check_log, "{}", "Failed to parse URL from undefined");
    compile_rejects(&rg_check_log, "{\"logURL\":\"nowhere\"}", "Failed to parse URL from nowhere");
    rg_check_result_t res = {0};
    json_t *p = J("{}");
    rg_check_fail(&res, "Failed to parse URL from undefined");
    rg_check_log.invalid(p, res.error, NULL, &res);
    assert_string_equal(res.error_name, "TypeError");
    assert_null(res.data);
    json_decref(p);
    rg_check_result_clear(&res, 0);
}

/* ---- validUrls ----------------------------------------------------------------- */

static void valid_urls_head(void **state)
{
    (void)state;
    static const char text[] = "See https://ok.example/a, and \"http://bad.example/b\" or {https://ok.example/a}.";
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, text, CASE12_REQ, NULL);
    fake_io_t *io = fake_new(0);
    fake_reply(io, "https://ok.example/a", 200, NULL, "");
    fake_reply(io, "http://bad.example/b", 404, NULL, "");
    rg_check_result_t res;
    run_sync(&rg_check_valid_urls, "{}", &f, io, &res);
    /* one HEAD per distinct URL, 3 s, redirects followed, Portkey's user agent */
    assert_int_equal(io->n_calls, 2);
    assert_string_equal(io->calls[0].method, "HEAD");
    assert_string_equal(io->calls[0].url, "https://ok.example/a");
    assert_string_equal(io->calls[1].url, "http://bad.example/b");
    assert_string_equal(io->calls[0].headers, "User-Agent: URLValidator/1.0\n");
    assert_int_equal(io->calls[0].timeout_ms, 3000);
    assert_int_equal(io->calls[0].follow, 1);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error, "");
    char want[512];
    snprintf(want, sizeof(want),
             "{\"verdict\":false,\"not\":false,\"explanation\":\"Some URLs are invalid (1 of 3 failed).\",\"validUrls\":"
             "[\"https://ok.example/a\",\"https://ok.example/a\"],\"invalidUrls\":[\"http://bad.example/b\"],"
             "\"validationMethod\":\"HTTP request\",\"textExcerpt\":\"%s\"}",
             "See https://ok.example/a, and \\\"http://bad.example/b\\\" or {https://ok.example/a}.");
    assert_json_text(res.data, want);
    rg_check_result_clear(&res, 1);

    /* not: all invalid as expected */
    io->n_replies = 0;
    io->dflt.status = 404;
    run_sync(&rg_check_valid_urls, "{\"not\":true}", &f, io, &res);
    assert_int_equal(res.verdict, 1);
    assert_json_text(json_object_get(res.data, "explanation"), "\"All URLs are invalid as expected (3 of 3).\"");
    rg_check_result_clear(&res, 1);
    io->dflt.status = 204;
    run_sync(&rg_check_valid_urls, "{}", &f, io, &res);
    assert_int_equal(res.verdict, 1);
    assert_json_text(json_object_get(res.data, "explanation"), "\"All URLs are valid (3 found).\"");
    rg_check_result_clear(&res, 1);
    run_sync(&rg_check_valid_urls, "{\"not\":true}", &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_json_text(json_object_get(res.data, "explanation"),
                     "\"Some URLs are valid when they should all be invalid (3 of 3).\"");
    rg_check_result_clear(&res, 1);
    /* a failed or timed-out HEAD is invalid */
    io->dflt.fail = 1;
    run_sync(&rg_check_valid_urls, "{}", &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_json_text(json_object_get(res.data, "validUrls"), "[]");
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void valid_urls_no_urls_and_no_text(void **state)
{
    (void)state;
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "nothing to see, www.example.com is not a URL here", CASE12_REQ, NULL);
    fake_io_t *io = fake_new(0);
    rg_check_result_t res;
    run_sync(&rg_check_valid_urls, "{\"onlyDNS\":true}", &f, io, &res);
    assert_int_equal(io->n_calls, 0);
    assert_int_equal(res.verdict, 0); /* Portkey: no URLs fails */
    assert_string_equal(res.error, "");
    assert_json_text(res.data, "{\"explanation\":\"No URLs found in the text.\",\"urls\":[],\"validationMethod\":\"DNS "
                               "lookup\",\"not\":false,\"textExcerpt\":\"nothing to see, www.example.com is not a URL "
                               "here\"}");
    rg_check_result_clear(&res, 1);
    /* with not:true as well */
    run_sync(&rg_check_valid_urls, "{\"not\":true}", &f, io, &res);
    assert_int_equal(res.verdict, 0);
    rg_check_result_clear(&res, 1);
    fx_free(&f);

    fx_init(&f, RG_PHASE_REQUEST, "", CASE12_REQ, NULL);
    run_sync(&rg_check_valid_urls, "{}", &f, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error, "Missing text to analyze");
    assert_json_text(res.data, "{\"explanation\":\"An error occurred while validating URLs: Missing text to analyze\","
                               "\"validationMethod\":\"HTTP request\",\"not\":false,\"textExcerpt\":\"No text "
                               "available\"}");
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

static void valid_urls_dns(void **state)
{
    (void)state;
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, "a https://user:pw@Good.Example:8443/x?q=1 b http://127.0.0.1:80/ c http://nxdomain.invalid/",
            CASE12_REQ, NULL);
    fake_io_t *io = fake_new(0);
    io->found_hosts[io->n_found++] = "good.example";
    io->found_hosts[io->n_found++] = "127.0.0.1";
    rg_check_result_t res;
    run_sync(&rg_check_valid_urls, "{\"onlyDNS\":true}", &f, io, &res);
    assert_int_equal(io->n_calls, 3);
    assert_true(io->calls[0].is_resolve);
    assert_string_equal(io->calls[0].url, "good.example"); /* URL().hostname: no user, no port, lower case */
    assert_string_equal(io->calls[1].url, "127.0.0.1");
    assert_string_equal(io->calls[2].url, "nxdomain.invalid");
    assert_int_equal(io->calls[0].timeout_ms, 3000);
    assert_int_equal(res.verdict, 0);
    assert_json_text(json_object_get(res.data, "invalidUrls"), "[\"http://nxdomain.invalid/\"]");
    rg_check_result_clear(&res, 1);
    fx_free(&f);
    /* [ and ] end a URL in Portkey's pattern: an IPv6 literal is no URL at all */
    fx_init(&f, RG_PHASE_REQUEST, "see http://[::1]:80/", CASE12_REQ, NULL);
    run_sync(&rg_check_valid_urls, "{\"onlyDNS\":true}", &f, io, &res);
    assert_json_text(json_object_get(res.data, "explanation"), "\"No URLs found in the text.\"");
    assert_json_text(json_object_get(res.data, "validationMethod"), "\"DNS lookup\"");
    rg_check_result_clear(&res, 1);
    fake_free(io);
    fx_free(&f);
}

/* All URLs are checked at once; abort cancels every one still pending; more than 32 is an error. */
static void valid_urls_concurrent_cap_abort(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 32; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "http://h%d.example/ ", i);
    fixture_t f;
    fx_init(&f, RG_PHASE_REQUEST, text, CASE12_REQ, NULL);
    fake_io_t *io = fake_new(1);
    f.env.io = &io->io;
    void *c = compile_ok(&rg_check_valid_urls, "{}");
    rg_check_result_t res = {0};
    int done = 0;
    void *p = rg_check_valid_urls.start(c, &f.env, &res, count_done, &done);
    assert_non_null(p);
    assert_int_equal(fake_pending(io), 32); /* concurrently */
    for (size_t i = 0; i < 31; i++)
        fake_deliver(io, i);
    assert_int_equal(done, 0);
    fake_deliver(io, 31);
    assert_int_equal(done, 1);
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 1);

    size_t base = io->n_calls;
    p = rg_check_valid_urls.start(c, &f.env, &res, count_done, &done);
    fake_deliver(io, base + 0);
    fake_deliver(io, base + 5);
    rg_check_valid_urls.abort(p);
    assert_int_equal(io->cancels, 30);
    assert_int_equal(fake_pending(io), 0);
    assert_int_equal(done, 1);
    rg_check_result_clear(&res, 1);
    fx_free(&f);

    snprintf(text + strlen(text), sizeof(text) - strlen(text), "http://one-too-many.example/");
    fx_init(&f, RG_PHASE_REQUEST, text, CASE12_REQ, NULL);
    io->async = 0;
    size_t before = io->n_calls;
    run_sync(&rg_check_valid_urls, "{}", &f, io, &res);
    assert_int_equal(io->n_calls, before); /* nothing was fetched */
    assert_string_equal(res.error, "Too many URLs to validate (more than 32)");
    rg_check_result_clear(&res, 1);
    rg_check_valid_urls.free(c);
    fake_free(io);
    fx_free(&f);
}

/* ---- registry ------------------------------------------------------------------ */

static void registered_as_async(void **state)
{
    (void)state;
    const char *ids[] = {"default.webhook", "default.log", "default.validUrls", "default.jwt"};
    for (size_t i = 0; i < 4; i++) {
        const rg_check_ops_t *o = rg_check_find(ids[i]);
        assert_non_null(o);
        assert_null(o->run);
        assert_non_null(o->start);
        assert_non_null(o->abort);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(webhook_request_matches_portkey),
        cmocka_unit_test(webhook_deny_case13),
        cmocka_unit_test(webhook_transforms_by_phase),
        cmocka_unit_test(webhook_errors),
        cmocka_unit_test(webhook_parameters),
        cmocka_unit_test(webhook_async_and_abort),
        cmocka_unit_test(log_posts_context_with_headers),
        cmocka_unit_test(log_parameters),
        cmocka_unit_test(valid_urls_head),
        cmocka_unit_test(valid_urls_no_urls_and_no_text),
        cmocka_unit_test(valid_urls_dns),
        cmocka_unit_test(valid_urls_concurrent_cap_abort),
        cmocka_unit_test(registered_as_async),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
