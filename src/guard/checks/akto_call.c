/*
 * akto_call.c — the akto checks' parameters and their one HTTP call (see akto_call.h).
 */
#include "guard/checks/akto_call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AKTO_DEFAULT_TIMEOUT_MS 5000

void rg_akto_params_free(void *p)
{
    rg_akto_params_t *a = p;
    if (a == NULL)
        return;
    free(a->check_url);
    free(a->ingest_url);
    for (int i = 0; i < 2; i++)
        free(a->headers[i]);
    free(a->account_id);
    free(a->vxlan_id);
    free(a->context_source);
    free(a);
}

static char *str_param(json_t *params, const char *key, const char *dflt)
{
    json_t *v = json_object_get(params, key);
    const char *s = json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : dflt;
    return s ? strdup(s) : NULL;
}

static int one_line(const char *s)
{
    return s && strpbrk(s, "\r\n") == NULL;
}

void *rg_akto_params_compile(json_t *params, char *err, size_t errsz)
{
    json_t *u = json_object_get(params, "aktoBaseUrl");
    json_t *k = json_object_get(params, "aktoApiKey");
    if (!json_is_string(u) || !rg_ck_url_fetchable(json_string_value(u))) {
        snprintf(err, errsz, "aktoBaseUrl must be an http:// or https:// URL");
        return NULL;
    }
    if (!json_is_string(k) || json_string_length(k) == 0 || !one_line(json_string_value(k))) {
        snprintf(err, errsz, "aktoApiKey must be a non-empty string on one line");
        return NULL;
    }
    rg_akto_params_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        goto oom;
    char base[2048];
    size_t n = json_string_length(u);
    if (n >= sizeof(base) - 128) {
        snprintf(err, errsz, "aktoBaseUrl is too long");
        rg_akto_params_free(a);
        return NULL;
    }
    memcpy(base, json_string_value(u), n + 1);
    while (n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    int resp = json_is_true(json_object_get(params, "responseGuardrails"));
    size_t cap = n + 128;
    a->check_url = malloc(cap);
    a->ingest_url = malloc(cap);
    if (a->check_url == NULL || a->ingest_url == NULL)
        goto oom;
    int m1 = snprintf(a->check_url, cap, "%s/api/http-proxy?akto_connector=litellm&guardrails=true", base);
    int m2 = snprintf(a->ingest_url, cap, "%s/api/http-proxy?akto_connector=litellm%s&ingest_data=true", base,
                      resp ? "&response_guardrails=true" : "");
    if (m1 < 0 || (size_t)m1 >= cap || m2 < 0 || (size_t)m2 >= cap)
        goto oom;
    a->headers[0] = strdup("Content-Type: application/json");
    size_t kn = json_string_length(k) + 16;
    a->headers[1] = malloc(kn);
    if (a->headers[0] == NULL || a->headers[1] == NULL)
        goto oom;
    snprintf(a->headers[1], kn, "Authorization: %s", json_string_value(k)); /* raw, no Bearer: as LiteLLM */
    a->account_id = str_param(params, "aktoAccountId", "1000000");
    a->vxlan_id = str_param(params, "aktoVxlanId", "0");
    a->context_source = str_param(params, "contextSource", "AGENTIC");
    if (!a->account_id || !a->vxlan_id || !a->context_source)
        goto oom;
    if (rg_ck_timeout_param(params, AKTO_DEFAULT_TIMEOUT_MS, &a->timeout_ms, err, errsz)) {
        rg_akto_params_free(a);
        return NULL;
    }
    return a;
oom:
    snprintf(err, errsz, "out of memory");
    rg_akto_params_free(a);
    return NULL;
}

const char *rg_akto_path(rg_req_type_t type)
{
    return type == RG_REQ_COMPLETE ? "/v1/completions" : type == RG_REQ_EMBED ? "/v1/embeddings" : "/v1/chat/completions";
}

void rg_akto_reply_problem(const rg_http_reply_t *r, uint32_t timeout_ms, char *out, size_t outsz)
{
    if (r->timed_out)
        snprintf(out, outsz, "timed out after %u ms", (unsigned)timeout_ms);
    else if (!r->ok)
        snprintf(out, outsz, "%s", r->error ? r->error : "the call failed");
    else if (r->status != 200)
        snprintf(out, outsz, "HTTP %ld", r->status);
    else
        out[0] = '\0';
}

static void destroy(rg_ck_task_t *t)
{
    rg_akto_pending_t *p = (rg_akto_pending_t *)t;
    free(p->body);
    free(p);
}

static void on_http(rg_ck_call_t *c, const rg_http_reply_t *r)
{
    rg_akto_pending_t *p = (rg_akto_pending_t *)c->task;
    p->on_reply(p, r);
    rg_ck_task_finish(c->task);
}

void *rg_akto_start(const rg_akto_params_t *a, const rg_check_env_t *env, rg_check_result_t *res,
                    void (*done)(void *), void *arg, const char *url, char *body, rg_akto_reply_fn on_reply)
{
    rg_akto_pending_t *p = rg_ck_task_new(sizeof(*p), env->io, res, done, arg, destroy);
    if (p == NULL) {
        free(body);
        return NULL;
    }
    p->a = a;
    p->env = env;
    p->res = res;
    p->body = body;
    p->on_reply = on_reply;
    if (env->io == NULL || body == NULL) {
        rg_http_reply_t r = {.ok = 0, .error = body ? "network checks are not available here" : "the envelope could not be built"};
        on_reply(p, &r);
        rg_ck_task_finish(&p->task);
        return rg_ck_task_leave(&p->task);
    }
    rg_http_call_t call = {
        .method = "POST",
        .url = url,
        .headers = (const char *const *)a->headers,
        .body = body,
        .body_len = strlen(body),
        .timeout_ms = a->timeout_ms,
        .max_reply = RG_AKTO_MAX_REPLY,
    };
    rg_ck_http(&p->call, &p->task, &call, on_http);
    return rg_ck_task_leave(&p->task);
}

void rg_akto_abort(void *pending)
{
    rg_akto_pending_t *p = pending;
    rg_ck_cancel(&p->call);
    destroy(&p->task);
}
