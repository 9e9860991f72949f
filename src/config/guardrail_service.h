/*
 * guardrail_service.h — railgate_settings.guardrail_service: Railgate as an
 * Akto-compatible guardrail service (src/service/, docs/akto-service.md).
 *
 *   railgate_settings:
 *     guardrail_service:
 *       tokens: [os.environ/AKTO_TOKEN, "t2"]   # accepted in Authorization, raw or Bearer
 *       policies:
 *         - guardrail: pii-redact                # a `guardrails:` entry, by name
 *           behaviour: mask                      # block | warn | alert | mask
 *           severity: MEDIUM                     # free text, default HIGH
 *           apply_on: [request, response]        # default both
 *       pair_window: 300s   # how long a verdict-only /api/http-proxy call waits for the ingest of the
 *                           # same exchange, to make one record of both (service/pair.h); 0 = never
 *
 * Without `policies`, every default_on guardrail of kind railgate applies on
 * both sides, behaviour mask when one of its checks redacts or masks
 * (action redact|mask, or redact: true), else block; severity HIGH.
 * Tokens also come from env AKTO_API_TOKEN (comma-separated) and the master
 * key; none at all → the service endpoints are open (as Akto's own service
 * without auth configured) and a warning is logged when the config loads.
 */
#ifndef RG_CONFIG_GUARDRAIL_SERVICE_H
#define RG_CONFIG_GUARDRAIL_SERVICE_H

#include <stddef.h>
#include <stdint.h>

typedef enum rg_svc_behaviour { RG_SVC_ALERT = 1, RG_SVC_WARN = 2, RG_SVC_BLOCK = 3, RG_SVC_MASK = 4 } rg_svc_behaviour_t;

enum { RG_SVC_REQUEST = 1, RG_SVC_RESPONSE = 2 };

#define RG_SVC_MAX_POLICIES 64
#define RG_SVC_MAX_TOKENS 64
#define RG_SVC_PAIR_WINDOW_MS 300000u

typedef struct rg_svc_policy {
    size_t guardrail;     /* index into rg_config_t.guardrails */
    rg_svc_behaviour_t behaviour;
    const char *severity; /* owned by the generation */
    unsigned sides;       /* RG_SVC_REQUEST | RG_SVC_RESPONSE */
} rg_svc_policy_t;

typedef struct rg_svc_config {
    rg_svc_policy_t policies[RG_SVC_MAX_POLICIES];
    size_t n_policies;
    int policies_set; /* `policies:` was written (even empty): no defaults */
    const char *tokens[RG_SVC_MAX_TOKENS];
    size_t n_tokens;
    unsigned pair_window_ms; /* 0: verdict-only calls are recorded at once */
    int pair_window_set;
} rg_svc_config_t;

const char *rg_svc_behaviour_name(rg_svc_behaviour_t b);

struct rg_config;
/* Logs a warning when the service endpoints are open (no token and no master key); main.c at startup. */
void rg_cfg_guardrail_service_warn(const struct rg_config *c);

#endif
