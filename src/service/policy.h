/*
 * policy.h — running the guardrail service's policies on one side of a
 * payload (config/guardrail_service.h has the policies).
 *
 * The payload's text leaves (payload_text.h) become the parts of one
 * synthetic chat request, {"messages":[{"role":"user","content":[{"type":
 * "text","text":leaf0}, ...]}]}, so every Railgate check sees each leaf as a
 * part of the last message, and a check's per-part transform maps back to
 * its leaf one to one. Each policy's guardrail hook runs on a copy (one
 * rg_phase run per policy, in order; async checks wait on the worker's
 * rg_check_io_t): a mask policy's transform is kept for the policies after
 * it, other policies' transforms are dropped (a transform there means the
 * guardrail found something: a violation with that policy's behaviour).
 * At the end the kept text is written into the payload's leaves.
 *
 * Outcome (Akto's ValidationResult): Allowed = no violation; the reported
 * violation is the most severe (block > warn > alert), the first of equals;
 * a failed verdict under a mask policy is a block; a payload with more text
 * than is read (payload_text.h's bounds) is a block when a policy applies
 * (unread text must not pass unchecked); Modified = some mask
 * policy changed the text.
 */
#ifndef RG_SERVICE_POLICY_H
#define RG_SERVICE_POLICY_H

#include "config/config.h"
#include "config/guardrail_service.h"
#include "guard/check.h"
#include "service/payload_text.h"

#include <jansson.h>

typedef struct rg_svc_outcome {
    int allowed;
    int modified;
    int behaviour;     /* of the reported violation, rg_svc_behaviour_t; 0 when allowed */
    char reason[256];
    const char *policy; /* guardrail name (config generation's), or NULL */
    char rule[96];      /* the check id that failed */
    const char *severity;
    json_t *policies;   /* [{guardrail, behaviour, verdict, transformed, checks}] for records (owned) */
} rg_svc_outcome_t;

typedef struct rg_svc_eval rg_svc_eval_t;

/* One side's run over body's leaves (body: a reference is taken; its leaves are rewritten when masking).
 * cfg: a reference is taken. io: for async checks, or NULL. NULL when out of memory. */
rg_svc_eval_t *rg_svc_eval_new(rg_config_t *cfg, unsigned side, json_t *body, rg_check_io_t *io);
/* 1: done (done_cb not called); 0: waiting, done_cb(arg) runs once later on the loop's thread. */
int rg_svc_eval_go(rg_svc_eval_t *e, void (*done_cb)(void *), void *arg);
const rg_svc_outcome_t *rg_svc_eval_outcome(const rg_svc_eval_t *e);
/* Stops waiting I/O (done_cb will not run) and frees. */
void rg_svc_eval_free(rg_svc_eval_t *e);

/* The outcome as Akto's ValidationResult object {Allowed, Modified, ModifiedPayload, Reason, Metadata,
 * Behaviour} (new reference); modified_payload NULL → "". */
json_t *rg_svc_result_json(const rg_svc_outcome_t *o, const char *modified_payload);

#endif
