/*
 * default.webhook — POSTs the hook context to `webhookURL` and takes the
 * verdict from the reply, as Portkey 1.15.2 (plugins/default/webhook.ts and
 * utils.ts post(); reference §1.9).
 *
 * Parameters: webhookURL (required), headers (an object, or a JSON string
 * of one) merged over Content-Type: application/json, timeout in ms (3000).
 * Body: the context without request headers plus eventType
 * (checks/net.c rg_ck_hook_context). Reply: {verdict, data,
 * transformedData}; data = {verdict, explanation, webhookUrl, responseData,
 * requestContext:{timeout}}. transformedData.request.json replaces the
 * request in the request phase only, transformedData.response.json the
 * response in the response phase only. Errors (Missing webhook URL, Invalid
 * webhook URL format, Failed to parse headers: ..., TimeoutError, HttpError,
 * fetch failed, SyntaxError) give data {explanation: "Webhook error: ...",
 * webhookUrl, requestContext[, responseData]}, verdict false; responseData is
 * the JSON body of a non-2xx reply whose content-type is exactly
 * application/json.
 *
 * Differences from Portkey (docs/internals/check-io.md): a replacement
 * body must be a JSON object (Portkey takes any truthy value); header names
 * and values that cannot be sent, and a timeout that is not a positive
 * number, are rejected with the parameters; the host caps the timeout;
 * redirects are not followed; a reply over 4 MiB is an error.
 */
#include "guard/checks/net.h"

#include "core/json_dump.h"
#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *url;
    char **headers;
    uint32_t timeout_ms;
    json_t *timeout_echo; /* requestContext.timeout: the parameter as given, or 3000 */
} webhook_t;

typedef struct {
    rg_ck_task_t task; /* first: the task is the pending state */
    rg_ck_call_t call;
    const webhook_t *w;
    const rg_check_env_t *env;
    rg_check_result_t *res;
    char *body;
} pending_t;

static void wh_free(void *p)
{
    webhook_t *w = p;
    if (w) {
        free(w->url);
        rg_ck_lines_free(w->headers);
        json_decref(w->timeout_echo);
        free(w);
    }
}

static json_t *timeout_echo(json_t *params)
{
    json_t *t = json_object_get(params, "timeout");
    return rg_js_truthy(t) ? json_deep_copy(t) : json_integer(3000);
}

/* parseHeaders(): an object as is; a string parsed as JSON; anything else: none. */
static char **parse_headers(json_t *params, char *err, size_t errsz)
{
    json_t *h = json_object_get(params, "headers"), *parsed = NULL;
    if (json_is_string(h)) {
        parsed = json_loads(json_string_value(h), JSON_DECODE_ANY, NULL);
        if (parsed == NULL) {
            snprintf(err, errsz, "Failed to parse headers: Invalid headers format");
            return NULL;
        }
        h = parsed;
    }
    char msg[200];
    char **lines = rg_ck_header_lines(json_is_object(h) ? h : NULL, msg, sizeof(msg));
    if (lines == NULL)
        snprintf(err, errsz, "Failed to parse headers: %s", msg);
    json_decref(parsed);
    return lines;
}

static void *wh_compile(json_t *params, char *err, size_t errsz)
{
    json_t *u = json_object_get(params, "webhookURL");
    if (!rg_js_truthy(u)) {
        snprintf(err, errsz, "Missing webhook URL");
        return NULL;
    }
    webhook_t *w = calloc(1, sizeof(*w));
    if (w == NULL || (w->url = rg_ck_js_string(u)) == NULL) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    if (!rg_ck_url_valid(w->url)) {
        snprintf(err, errsz, "Invalid webhook URL format");
        goto fail;
    }
    if ((w->headers = parse_headers(params, err, errsz)) == NULL)
        goto fail;
    if (rg_ck_timeout_param(params, 3000, &w->timeout_ms, err, errsz))
        goto fail;
    w->timeout_echo = timeout_echo(params);
    return w;
fail:
    wh_free(w);
    return NULL;
}

/* The error-path data: {explanation, webhookUrl, requestContext[, responseData]}. */
static json_t *error_data(const char *message, json_t *url, json_t *timeout, json_t *response_data)
{
    json_t *d = json_object();
    json_object_set_new(d, "explanation", json_sprintf("Webhook error: %s", message));
    json_object_set_new(d, "webhookUrl", url);
    json_object_set_new(d, "requestContext", json_pack("{s:o}", "timeout", timeout));
    if (response_data)
        json_object_set_new(d, "responseData", response_data);
    return d;
}

static void wh_invalid(json_t *params, const char *message, const rg_check_env_t *env, rg_check_result_t *res)
{
    (void)env;
    json_t *u = json_object_get(params, "webhookURL");
    res->data = error_data(message, rg_js_truthy(u) ? json_deep_copy(u) : json_string("No URL provided"),
                           timeout_echo(params), NULL);
}

static void fail_with(pending_t *p, json_t *response_data)
{
    p->res->verdict = 0;
    json_decref(p->res->data);
    p->res->data = error_data(p->res->error, json_string(p->w->url), json_deep_copy(p->w->timeout_echo), response_data);
}

static void on_reply(rg_ck_call_t *c, const rg_http_reply_t *r)
{
    pending_t *p = (pending_t *)c->task;
    rg_check_result_t *res = p->res;
    json_t *reply = NULL;
    if (rg_ck_post_reply(r, p->w->timeout_ms, 1, &reply, res)) {
        json_t *rd = NULL; /* a non-2xx reply's JSON body, when it says it is JSON */
        int http_error = r->ok && !r->timed_out && (r->status < 200 || r->status > 299);
        if (http_error && r->len > 0 && r->content_type && strcmp(r->content_type, "application/json") == 0)
            rd = json_loadb(r->body, r->len, JSON_DECODE_ANY, NULL);
        fail_with(p, rd);
        rg_ck_task_finish(c->task);
        return;
    }
    if (json_is_null(reply)) {
        res->error_name = "TypeError";
        rg_check_fail(res, "Cannot read properties of null (reading 'verdict')");
        fail_with(p, NULL);
        json_decref(reply);
        rg_ck_task_finish(c->task);
        return;
    }
    json_t *verdict = json_object_get(reply, "verdict"); /* NULL (undefined) unless an object has it */
    json_t *td = json_object_get(reply, "transformedData");
    int req_phase = p->env->phase == RG_PHASE_REQUEST;
    json_t *tj = json_object_get(json_object_get(td, req_phase ? "request" : "response"), "json");
    if (json_is_object(tj)) {
        if (req_phase)
            res->request_json = json_incref(tj);
        else
            res->response_json = json_incref(tj);
        res->transformed = 1;
    }
    res->verdict = rg_js_truthy(verdict);
    json_t *d = json_object();
    if (verdict)
        json_object_set(d, "verdict", verdict);
    json_object_set_new(d, "explanation",
                        json_string(res->verdict ? "Webhook request succeeded" : "Webhook request failed"));
    json_object_set_new(d, "webhookUrl", json_string(p->w->url));
    json_t *rd = json_object_get(reply, "data");
    if (rd)
        json_object_set(d, "responseData", rd);
    json_object_set_new(d, "requestContext", json_pack("{s:O}", "timeout", p->w->timeout_echo));
    res->data = d;
    json_decref(reply);
    rg_ck_task_finish(c->task);
}

static void destroy(rg_ck_task_t *t)
{
    pending_t *p = (pending_t *)t;
    free(p->body);
    free(p);
}

static void *wh_start(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *),
                      void *arg)
{
    const webhook_t *w = compiled;
    pending_t *p = rg_ck_task_new(sizeof(*p), env->io, res, done, arg, destroy);
    if (p == NULL)
        return NULL;
    p->w = w;
    p->env = env;
    p->res = res;
    if (env->io == NULL) {
        rg_check_fail(res, "network checks are not available here");
        fail_with(p, NULL);
        rg_ck_task_finish(&p->task);
        return rg_ck_task_leave(&p->task);
    }
    if (!rg_ck_url_fetchable(w->url)) { /* a URL fetch() cannot fetch */
        res->error_name = "TypeError";
        rg_check_fail(res, "fetch failed");
        fail_with(p, NULL);
        rg_ck_task_finish(&p->task);
        return rg_ck_task_leave(&p->task);
    }
    json_t *ctx = rg_ck_hook_context(env, 0, 1);
    p->body = ctx ? rg_json_dumps(ctx, NULL) : NULL;
    json_decref(ctx);
    if (p->body == NULL) {
        rg_check_fail(res, "out of memory");
        fail_with(p, NULL);
        rg_ck_task_finish(&p->task);
        return rg_ck_task_leave(&p->task);
    }
    rg_http_call_t call = {
        .method = "POST",
        .url = w->url,
        .headers = (const char *const *)w->headers,
        .body = p->body,
        .body_len = strlen(p->body),
        .timeout_ms = w->timeout_ms,
        .max_reply = RG_CK_WEBHOOK_MAX_REPLY,
    };
    rg_ck_http(&p->call, &p->task, &call, on_reply);
    return rg_ck_task_leave(&p->task);
}

static void wh_abort(void *pending)
{
    pending_t *p = pending;
    rg_ck_cancel(&p->call);
    destroy(&p->task);
}

const rg_check_ops_t rg_check_webhook = {
    .id = "default.webhook",
    .compile = wh_compile,
    .free = wh_free,
    .invalid = wh_invalid,
    .start = wh_start,
    .abort = wh_abort,
};
