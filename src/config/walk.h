/*
 * walk.h — config-internal: walking a libyaml document into a generation.
 *
 * Shared by config.c and the sections in other files (guardrails.c,
 * guardrail_kinds.c, default_hooks.c) and yaml_json.c. Every
 * problem is reported with rg_cfg_bad() as "file:line: message" and the walk
 * goes on, so one run reports everything. Helpers that read a value return
 * NULL / -1 after reporting; the caller just moves on. Heap memory that the
 * generation keeps is registered with rg_cfg_own() and freed with it.
 * Scalars may be `os.environ/NAME` (rg_cfg_scalar resolves them).
 * Not for use outside src/config/ and its tests.
 */
#ifndef RG_CONFIG_WALK_H
#define RG_CONFIG_WALK_H

#include "config/config.h"

#include <stddef.h>
#include <jansson.h>
#include <stdint.h>
#include <yaml.h>

typedef struct rg_walk {
    const char *source; /* file name for messages */
    yaml_document_t *doc;
    rg_errors_t *errs;
    rg_config_t *cfg;
} rg_walk_t;

#define RG_LINE(n) ((unsigned long)(n)->start_mark.line + 1)

/* Adds "source:line: message" (line of n; 0 when n is NULL). */
void rg_cfg_bad(rg_walk_t *w, yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

yaml_node_t *rg_cfg_node(rg_walk_t *w, int idx);

/* The generation takes p (freed with it); NULL stays NULL. On OOM p is freed and NULL returned. */
void *rg_cfg_own(rg_config_t *c, void *p);
char *rg_cfg_strdup(rg_config_t *c, const char *s);

/* A scalar's value, os.environ/NAME resolved. NULL (reported) when not a scalar or the variable is unset. */
const char *rg_cfg_scalar(rg_walk_t *w, yaml_node_t *n, const char *what);
/* A plain "", "~" or "null". */
int rg_cfg_is_null(yaml_node_t *n);
/* Owned copy of a scalar; NULL for a null scalar (not reported) or on error (reported). */
char *rg_cfg_string(rg_walk_t *w, yaml_node_t *n, const char *what);
int rg_cfg_int(rg_walk_t *w, yaml_node_t *n, const char *what, long min, long max, int *out);
/* true / false (also True, TRUE, False, FALSE). */
int rg_cfg_bool(rg_walk_t *w, yaml_node_t *n, const char *what, int *out);
/* "1048576", "512kb", "10MiB", "1m" → bytes. */
int rg_cfg_size(rg_walk_t *w, yaml_node_t *n, const char *what, size_t *out);
/* A number is seconds (LiteLLM's convention); "250ms", "10s", "2m" also work. At most 24 h. */
int rg_cfg_duration_ms(rg_walk_t *w, yaml_node_t *n, const char *what, uint32_t *out);
/* An http:// or https:// URL with a host, no spaces; the resolved scalar (not owned) or NULL. */
const char *rg_cfg_http_url(rg_walk_t *w, yaml_node_t *n, const char *what);

/* Calls fn for each key of a mapping; non-scalar and duplicate keys are reported and skipped.
 * -1 when map is not a mapping (reported unless it is a null scalar). */
typedef void (*rg_cfg_pair_fn)(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);
int rg_cfg_each_pair(rg_walk_t *w, yaml_node_t *map, const char *what, rg_cfg_pair_fn fn, void *arg);

/* The value of key in a mapping, or NULL. */
yaml_node_t *rg_cfg_lookup(rg_walk_t *w, yaml_node_t *map, const char *key);

/* A YAML node as JSON with YAML 1.2 core-schema typing (yaml_json.c has the rules). NULL (reported) on error. */
json_t *rg_cfg_json(rg_walk_t *w, yaml_node_t *n, const char *what);

/* ---- sections that live outside config.c ---------------------------------------------------- */

/* Top-level `guardrails:` (guardrails.c). Parsed before the other sections, so models can name them. */
void rg_cfg_guardrails(rg_walk_t *w, yaml_node_t *list);
/* model_list[].litellm_params.guardrails: names → indices into cfg->guardrails. */
void rg_cfg_model_guardrails(rg_walk_t *w, yaml_node_t *list, rg_model_t *m);
/* railgate_settings.hooks (default_hooks.c): Portkey's hook config as YAML → cfg->default_before / default_after. */
void rg_cfg_default_hooks(rg_walk_t *w, yaml_node_t *map);
/* railgate_settings.request_hooks: additive | off. */
void rg_cfg_request_hooks(rg_walk_t *w, yaml_node_t *v);
void rg_cfg_request_hook_hosts(rg_walk_t *w, yaml_node_t *list);
/* railgate_settings.guardrail_service (guardrail_service.c); _finish adds AKTO_API_TOKEN and default policies. */
void rg_cfg_guardrail_service(rg_walk_t *w, yaml_node_t *map);
void rg_cfg_guardrail_service_finish(rg_config_t *c);
/*
 * One `guardrails:` entry in its two steps (rg_cfg_guardrails does both; unit tests call them apart).
 * parse fills g (strings owned by the generation) and returns the Portkey-shaped hook object the entry
 * describes (new reference), or NULL when it reported a problem; at[i] (RG_GR_MAX_CHECKS slots) is set to
 * the node where check i was written. compile fills g->hooks from that object and reports, at its node,
 * every unknown check and every check whose parameters do not compile; 0 when there was none.
 */
json_t *rg_cfg_guardrail_parse(rg_walk_t *w, yaml_node_t *entry, size_t idx, rg_guardrail_t *g, yaml_node_t **at);
int rg_cfg_guardrail_compile(rg_walk_t *w, rg_guardrail_t *g, json_t *hook, yaml_node_t *const *at);
/* Frees the hook lists of guardrails and default hooks; config_free calls it. */
void rg_cfg_guardrails_free(rg_config_t *c);

#endif
