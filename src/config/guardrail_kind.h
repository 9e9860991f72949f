/*
 * guardrail_kind.h — config-internal: the kinds of a `guardrails:` entry
 * (`litellm_params.guardrail: railgate | webhook | ...`).
 *
 * guardrails.c reads the keys every kind has (guardrail, mode, default_on,
 * stream_mode, block_status, block_message) and hands every other key to
 * the entry's kind. After the last key the kind's finish() reports what is
 * missing and builds the Portkey check objects that the guardrail's one hook
 * is compiled from. Adding a kind (presidio, ...) is a row in the table in
 * guardrail_kinds.c and its two functions.
 */
#ifndef RG_CONFIG_GUARDRAIL_KIND_H
#define RG_CONFIG_GUARDRAIL_KIND_H

#include "config/guardrails.h"
#include "config/walk.h"

#define RG_GR_NAME_MAX 128 /* bytes of guardrail_name */

typedef struct rg_gr_kind rg_gr_kind_t;

/* What one entry's litellm_params say, while they are read. */
typedef struct rg_gr_parse {
    rg_walk_t *w;
    rg_guardrail_t *g;
    const rg_gr_kind_t *kind;
    yaml_node_t *kind_node; /* the value of `guardrail:` */
    yaml_node_t **at;       /* where each check was written (RG_GR_MAX_CHECKS slots) */
    json_t *checks;         /* finish(): Portkey check objects {id, parameters[, is_enabled]}, in order */
    json_t *ingest;         /* finish() of akto: the checks of the after-answer hook (rg_guardrail_t.ingest) */
    int have_mode, have_checks, have_url;
    int sequential;
    /* webhook */
    const char *api_key;
    json_t *headers; /* an object, created by the caller */
    yaml_node_t *headers_node;
    /* akto */
    const char *akto_base_url, *akto_account_id, *akto_vxlan_id, *context_source;
} rg_gr_parse_t;

struct rg_gr_kind {
    const char *name;
    int remote;                  /* its check calls out: rg_guardrail_t.remote */
    uint32_t default_timeout_ms; /* rg_guardrail_t.timeout_ms before its keys are read */
    const char *keys;            /* its own litellm_params keys, for messages */
    /* Reads one of its keys (what = "guardrail 'name': key"); 0 when key is not one of them. */
    int (*key)(rg_gr_parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, const char *what);
    /* After every key: reports what is missing and fills p->checks and p->at (used only if nothing was reported). */
    void (*finish)(rg_gr_parse_t *p, yaml_node_t *params);
};

/* The kind called name, or NULL. */
const rg_gr_kind_t *rg_gr_kind_find(const char *name);
/* Every kind's name, "railgate, webhook, akto", for messages. */
extern const char rg_gr_kind_names[];

#endif
