/*
 * default.log — POSTs the whole hook context, request headers included, to
 * `logURL`, as Portkey 1.15.2 (plugins/default/log.ts).
 *
 * Parameters: logURL, headers (a JSON string only: JSON.parse(headers), so
 * an object parameter fails with a SyntaxError), timeout in ms (3000).
 * verdict true and data {message: "Logged the request to <url>"} when the
 * reply is 2xx; otherwise the error (TimeoutError, HttpError "HTTP error!
 * status: N", TypeError "fetch failed" / "Failed to parse URL from X",
 * SyntaxError), verdict false, data null. The body carries no eventType.
 *
 * Differences from Portkey (docs/internals/check-io.md): any 2xx reply
 * passes (Portkey's post() also demands a JSON body, so a 204 or "OK" fails
 * there); request headers arrive without Authorization and keys (the host
 * strips them); timeout must be a positive number; the host caps it.
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
} log_t;

typedef struct {
    rg_ck_task_t task; /* first */
    rg_ck_call_t call;
    const log_t *l;
    rg_check_result_t *res;
    char *body;
} pending_t;

static void lg_free(void *p)
{
    log_t *l = p;
    if (l) {
        free(l->url);
        rg_ck_lines_free(l->headers);
        free(l);
    }
}

static void *lg_compile(json_t *params, char *err, size_t errsz)
{
    log_t *l = calloc(1, sizeof(*l));
    if (l == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    json_t *h = json_object_get(params, "headers"), *parsed = NULL;
    if (rg_js_truthy(h)) { /* JSON.parse(String(headers)) */
        char *src = rg_ck_js_string(h);
        json_error_t e;
        parsed = src ? json_loads(src, JSON_DECODE_ANY, &e) : NULL;
        if (parsed == NULL) {
            if (src)
                rg_ck_json_syntax_error(src, strlen(src), &e, err, errsz);
            else
                snprintf(err, errsz, "out of memory");
            free(src);
            goto fail;
        }
        free(src);
    }
    l->headers = rg_ck_header_lines(json_is_object(parsed) ? parsed : NULL, err, errsz);
    json_decref(parsed);
    if (l->headers == NULL)
        goto fail;
    /* fetch(url) with what String(url) gives: "undefined" for a missing one */
    json_t *u = json_object_get(params, "logURL");
    l->url = u ? rg_ck_js_string(u) : strdup("undefined");
    if (l->url == NULL) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    if (!rg_ck_url_valid(l->url)) {
        snprintf(err, errsz, "Failed to parse URL from %.200s", l->url);
        goto fail;
    }
    if (rg_ck_timeout_param(params, 3000, &l->timeout_ms, err, errsz))
        goto fail;
    return l;
fail:
    lg_free(l);
    return NULL;
}

static void lg_invalid(json_t *params, const char *message, const rg_check_env_t *env, rg_check_result_t *res)
{
    (void)params;
    (void)env;
    if (strncmp(message, "Failed to parse URL", 19) == 0)
        res->error_name = "TypeError";
    else if (strncmp(message, "Unexpected", 10) == 0)
        res->error_name = "SyntaxError";
}

static void on_reply(rg_ck_call_t *c, const rg_http_reply_t *r)
{
    pending_t *p = (pending_t *)c->task;
    if (rg_ck_post_reply(r, p->l->timeout_ms, 0, NULL, p->res) == 0) {
        p->res->verdict = 1;
        p->res->data = json_sprintf("Logged the request to %s", p->l->url);
        p->res->data = json_pack("{s:o}", "message", p->res->data);
    }
    rg_ck_task_finish(c->task);
}

static void destroy(rg_ck_task_t *t)
{
    pending_t *p = (pending_t *)t;
    free(p->body);
    free(p);
}

static void *lg_start(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *),
                      void *arg)
{
    const log_t *l = compiled;
    pending_t *p = rg_ck_task_new(sizeof(*p), env->io, res, done, arg, destroy);
    if (p == NULL)
        return NULL;
    p->l = l;
    p->res = res;
    json_t *ctx = NULL;
    if (env->io == NULL) {
        rg_check_fail(res, "network checks are not available here");
    } else if (!rg_ck_url_fetchable(l->url)) {
        res->error_name = "TypeError";
        rg_check_fail(res, "fetch failed");
    } else if ((ctx = rg_ck_hook_context(env, 1, 0)) == NULL || (p->body = rg_json_dumps(ctx, NULL)) == NULL) {
        rg_check_fail(res, "out of memory");
    } else {
        rg_http_call_t call = {
            .method = "POST",
            .url = l->url,
            .headers = (const char *const *)l->headers,
            .body = p->body,
            .body_len = strlen(p->body),
            .timeout_ms = l->timeout_ms,
            .max_reply = RG_CK_LOG_MAX_REPLY,
        };
        json_decref(ctx);
        rg_ck_http(&p->call, &p->task, &call, on_reply);
        return rg_ck_task_leave(&p->task);
    }
    json_decref(ctx);
    rg_ck_task_finish(&p->task);
    return rg_ck_task_leave(&p->task);
}

static void lg_abort(void *pending)
{
    pending_t *p = pending;
    rg_ck_cancel(&p->call);
    destroy(&p->task);
}

const rg_check_ops_t rg_check_log = {
    .id = "default.log",
    .compile = lg_compile,
    .free = lg_free,
    .invalid = lg_invalid,
    .start = lg_start,
    .abort = lg_abort,
};
