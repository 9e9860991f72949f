/*
 * checks/akto_call.h — what the two akto checks share: their parameters
 * (built by the `akto` guardrail kind, config/guardrail_kinds.c) and one
 * http-proxy call through the host's rg_check_io_t.
 *
 * Parameters: aktoBaseUrl (http(s), no trailing /), aktoApiKey (sent raw as
 * Authorization), aktoAccountId ("1000000"), aktoVxlanId ("0"),
 * contextSource ("AGENTIC"), timeout (ms, 5000), responseGuardrails (the
 * ingest call also asks for response guardrails: mode post_call), and
 * failOnError (read by the hook: fail_closed).
 */
#ifndef RG_GUARD_CHECKS_AKTO_CALL_H
#define RG_GUARD_CHECKS_AKTO_CALL_H

#include "guard/checks/akto_wire.h"
#include "guard/checks/net.h"

typedef struct rg_akto_params {
    char *check_url;  /* {base}/api/http-proxy?akto_connector=litellm&guardrails=true */
    char *ingest_url; /* {base}/api/http-proxy?akto_connector=litellm[&response_guardrails=true]&ingest_data=true */
    char *headers[3]; /* Content-Type, Authorization; NULL-terminated */
    char *account_id, *vxlan_id, *context_source;
    uint32_t timeout_ms;
} rg_akto_params_t;

void *rg_akto_params_compile(json_t *params, char *err, size_t errsz);
void rg_akto_params_free(void *p);

/* The route a request type is sent as (envelope `path`). */
const char *rg_akto_path(rg_req_type_t type);

typedef struct rg_akto_pending rg_akto_pending_t;
typedef void (*rg_akto_reply_fn)(rg_akto_pending_t *p, const rg_http_reply_t *r);

struct rg_akto_pending {
    rg_ck_task_t task; /* first */
    rg_ck_call_t call;
    const rg_akto_params_t *a;
    const rg_check_env_t *env;
    rg_check_result_t *res;
    char *body;
    rg_akto_reply_fn on_reply;
};

/*
 * Starts a check's one call: POST body (owned; NULL = out of memory) to url. on_reply fills p->res; the
 * task then finishes. Without io (or body) on_reply gets a reply with ok = 0 and the reason in error.
 * Returns what start() returns.
 */
void *rg_akto_start(const rg_akto_params_t *a, const rg_check_env_t *env, rg_check_result_t *res,
                    void (*done)(void *), void *arg, const char *url, char *body, rg_akto_reply_fn on_reply);
void rg_akto_abort(void *pending);

/* A reply's failure as text ("timed out after 5000 ms", "HTTP 500", "connection refused"); "" when it is a 200. */
void rg_akto_reply_problem(const rg_http_reply_t *r, uint32_t timeout_ms, char *out, size_t outsz);

#endif
