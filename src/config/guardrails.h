/*
 * guardrails.h — the YAML config's guardrails, compiled into the generation.
 *
 * LiteLLM's shape: a top-level `guardrails:` list of
 *     {guardrail_name, litellm_params: {guardrail: <kind>, mode, default_on, ...}}
 * Each entry becomes one rg_guardrail_t holding exactly one hook (id = the
 * guardrail's name, type guardrail, deny true) compiled by guard/hook.c from
 * the Portkey-shaped JSON the entry describes, with strict rules: unknown
 * checks and bad check parameters are config errors at their line. The
 * runtime picks the phase from `modes`; the hook itself is phase-free.
 *
 * Kinds (a table in guardrail_kinds.c):
 *   railgate  `checks:` — Portkey check ids with parameters (YAML → JSON);
 *   webhook   one `default.webhook` check built from api_base, api_key,
 *             headers and guardrail_timeout; remote = 1;
 *   akto      LiteLLM's `guardrail: akto`: a railgate.akto check (the
 *             awaited pre_call verdict) and, in `ingest`, the one
 *             railgate.aktoIngest call made after the answer; remote = 1.
 *
 * Models opt in with model_list[].litellm_params.guardrails (indices in
 * rg_model_t); default_on guardrails run for every request. Everything here
 * is immutable once the generation is built and freed with it.
 */
#ifndef RG_CONFIG_GUARDRAILS_H
#define RG_CONFIG_GUARDRAILS_H

#include "guard/hook.h"

#include <stddef.h>
#include <stdint.h>

/* mode: when a guardrail runs (LiteLLM's names); a guardrail has at least one */
enum {
    RG_GR_PRE_CALL = 1,     /* on the request, before the upstream call */
    RG_GR_POST_CALL = 2,    /* on the response */
    RG_GR_DURING_CALL = 4,  /* on the request, while the upstream call runs */
    RG_GR_LOGGING_ONLY = 8, /* after the response is sent; never blocks */
};

/* output guardrails on streamed answers: rg_stream_mode_t (guard/hook.h) */

#define RG_GR_MAX_CHECKS 64         /* checks per guardrail */
#define RG_GR_BLOCK_MESSAGE_MAX 1024 /* bytes of block_message */

typedef struct rg_guardrail {
    char *name;                   /* guardrail_name, unique */
    const char *kind;             /* "railgate", "webhook" (static) */
    unsigned modes;               /* RG_GR_* bits */
    int default_on;               /* runs for every request; else only when a model or the request names it */
    rg_stream_mode_t stream_mode; /* default incremental */
    int block_status;             /* HTTP status on a block: 400..599, default 403 */
    char *block_message;          /* NULL: "Blocked by <name>: <reason>" (or the reason alone: message_is_reason) */
    int message_is_reason;        /* a block or unreachable answer says the check's explanation alone (akto) */
    int remote;                   /* the check calls out (webhook kinds) */
    int fail_open;                /* remote: unreachable → pass (1) or 503 (0, the default) */
    uint32_t timeout_ms;          /* remote: per call (guardrail_timeout, default 5 s); 0 otherwise */
    char *api_base;               /* remote: the URL called (for logs); NULL otherwise */
    rg_hook_list_t hooks;         /* exactly one hook: the checks */
    rg_hook_list_t ingest;        /* akto: one hook run once per request after the answer (every mode); else empty */
} rg_guardrail_t;

#endif
