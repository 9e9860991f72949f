/*
 * railgate.aktoIngest — the one ingest call an `akto` guardrail makes per
 * request, after the answer went out (guard.c runs it once, from
 * rg_guard_ingest): POST {base}/api/http-proxy?akto_connector=litellm
 * [&response_guardrails=true]&ingest_data=true with the request and the
 * answer (response phase: env->response, env->status).
 *
 * An answer that is a guardrail block (error.code "guardrail_blocked") is
 * sent as Akto's blocked marker: responsePayload {"body": "{\"x-blocked-by\":
 * \"Akto Proxy\",\"reason\":<message>}"}, responseHeaders content-type JSON,
 * the answer's status (403). Never blocks and never errors: data records
 * whether the service took it ({ingested, status[, error][, akto]}).
 */
#include "guard/checks/akto_call.h"

#include "core/clock.h"

#include <stdio.h>
#include <string.h>

static void on_reply(rg_akto_pending_t *p, const rg_http_reply_t *r)
{
    rg_check_result_t *res = p->res;
    char why[200];
    rg_akto_reply_problem(r, p->a->timeout_ms, why, sizeof(why));
    res->verdict = 1;
    json_t *d = json_pack("{s:b}", "ingested", why[0] == '\0');
    if (d && r->ok)
        json_object_set_new(d, "status", json_integer(r->status));
    if (d && why[0])
        json_object_set_new(d, "error", json_string(why));
    if (d && !why[0]) { /* post_call: the response guardrails' verdict, recorded only */
        rg_akto_verdict_t v;
        char err[128];
        if (rg_akto_verdict_parse(r->body ? r->body : "", r->len, &v, err, sizeof(err)) == 0 && v.has_result)
            json_object_set_new(d, "akto",
                                json_pack("{s:b, s:s, s:s}", "allowed", v.allowed, "behaviour", v.behaviour,
                                          "reason", v.reason));
        rg_akto_verdict_clear(&v);
    }
    res->data = d;
}

/* error.message of an answer that is a guardrail block, else NULL */
static const char *blocked_reason(json_t *answer)
{
    json_t *e = json_object_get(answer, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    if (code == NULL || strcmp(code, "guardrail_blocked") != 0)
        return NULL;
    const char *m = json_string_value(json_object_get(e, "message"));
    return m ? m : RG_AKTO_BLOCKED;
}

static void *start(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *),
                   void *arg)
{
    const rg_akto_params_t *a = compiled;
    json_t *answer = env->phase == RG_PHASE_RESPONSE ? env->response : NULL;
    rg_akto_call_t c = {
        .path = rg_akto_path(env->type),
        .request = env->request,
        .response = answer,
        .status = env->status,
        .headers = env->headers,
        .metadata = env->metadata,
        .account_id = a->account_id,
        .vxlan_id = a->vxlan_id,
        .context_source = a->context_source,
        .time_ms = rg_wall_ms(),
        .blocked_reason = blocked_reason(answer),
    };
    char *body = rg_akto_envelope(&c, NULL);
    return rg_akto_start(a, env, res, done, arg, a->ingest_url, body, on_reply);
}

const rg_check_ops_t rg_check_rg_akto_ingest = {
    .id = "railgate.aktoIngest",
    .compile = rg_akto_params_compile,
    .free = rg_akto_params_free,
    .start = start,
    .abort = rg_akto_abort,
};
