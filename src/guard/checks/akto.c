/*
 * railgate.akto — the awaited pre_call verdict of an Akto-compatible
 * guardrail service, as LiteLLM's built-in akto guardrail asks for it:
 * POST {base}/api/http-proxy?akto_connector=litellm&guardrails=true with the
 * envelope of the request (akto_wire.h), Authorization raw.
 *
 * Verdict: blocked (verdict false, explanation = Reason or "Blocked by Akto
 * Guardrails") only when !Allowed and Behaviour is block or empty; warn and
 * alert pass. Modified with a ModifiedPayload that maps back onto the
 * request replaces the request (request_json); one that does not blocks with
 * "Content masked by Akto guardrail policy could not be applied". Any other
 * reply than a 200 with a readable verdict (transport error, timeout,
 * non-200, not JSON, no boolean Allowed) is the check's error, explanation
 * "Akto guardrail service unreachable": the hook's failOnError
 * (unreachable_fallback) decides. No ingest here: railgate.aktoIngest sends
 * the request's one ingest after the answer.
 */
#include "guard/checks/akto_call.h"

#include "core/clock.h"

#include <stdio.h>
#include <string.h>

static json_t *verdict_data(const rg_akto_verdict_t *v, const char *explanation)
{
    json_t *akto = json_pack("{s:b, s:s, s:s, s:b}", "allowed", v->allowed, "behaviour", v->behaviour, "reason",
                             v->reason, "modified", v->modified);
    if (akto && v->metadata)
        json_object_set(akto, "metadata", v->metadata);
    return json_pack("{s:s, s:o*}", "explanation", explanation, "akto", akto);
}

static void unreachable(rg_check_result_t *res, const char *why)
{
    rg_check_fail(res, "%s: %s", RG_AKTO_UNREACHABLE, why);
    json_decref(res->data);
    res->data = json_pack("{s:s, s:{s:s}}", "explanation", RG_AKTO_UNREACHABLE, "akto", "error", why);
}

static void on_reply(rg_akto_pending_t *p, const rg_http_reply_t *r)
{
    rg_check_result_t *res = p->res;
    char why[RG_CHECK_ERROR_MAX - 64];
    rg_akto_reply_problem(r, p->a->timeout_ms, why, sizeof(why));
    if (why[0]) {
        unreachable(res, why);
        return;
    }
    rg_akto_verdict_t v;
    if (rg_akto_verdict_parse(r->body ? r->body : "", r->len, &v, why, sizeof(why)) != 0) {
        rg_akto_verdict_clear(&v);
        unreachable(res, why);
        return;
    }
    if (v.block) {
        res->verdict = 0;
        res->data = verdict_data(&v, v.reason[0] ? v.reason : RG_AKTO_BLOCKED);
    } else if (v.modified && v.modified_payload) {
        json_t *masked = NULL;
        int rc = rg_akto_apply_mask(p->env->request, v.modified_payload, &masked);
        res->verdict = rc >= 0;
        res->data = verdict_data(&v, rc < 0 ? RG_AKTO_MASK_FAILED : rc ? "Masked by Akto" : "Allowed by Akto");
        if (rc == 1) {
            res->request_json = masked;
            res->transformed = 1;
        }
    } else {
        res->verdict = 1;
        res->data = verdict_data(&v, v.allowed ? "Allowed by Akto" : "Flagged by Akto (not blocking)");
    }
    rg_akto_verdict_clear(&v);
}

static void *start(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *),
                   void *arg)
{
    const rg_akto_params_t *a = compiled;
    rg_akto_call_t c = {
        .path = rg_akto_path(env->type),
        .request = env->request,
        .headers = env->headers,
        .metadata = env->metadata,
        .account_id = a->account_id,
        .vxlan_id = a->vxlan_id,
        .context_source = a->context_source,
        .time_ms = rg_wall_ms(),
    };
    char *body = rg_akto_envelope(&c, NULL);
    return rg_akto_start(a, env, res, done, arg, a->check_url, body, on_reply);
}

const rg_check_ops_t rg_check_rg_akto = {
    .id = "railgate.akto",
    .compile = rg_akto_params_compile,
    .free = rg_akto_params_free,
    .start = start,
    .abort = rg_akto_abort,
};
