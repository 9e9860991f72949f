/*
 * agent.h — agent-proxy mode: Railgate as Akto's "AI Agent Proxy", in front
 * of ONE upstream (a Hugging Face endpoint, an agent, any HTTP API),
 * configured by the environment alone (docs/agent-proxy.md).
 *
 * Three layers:
 * - agent_env.c: Akto's string formats (ALLOWED_HTTP_METHODS,
 *   GUARDRAIL_ENDPOINTS, GUARDRAIL_FIELD_MAPPING) parsed into rg_agent_cfg_t,
 *   and the environment turned into YAML text for rg_config_parse, so every
 *   value is validated like a file; problems name the variable.
 * - agent_cfg.c: the YAML section `railgate_settings.agent_proxy` → cfg->agent.
 * - agent_proxy.c: the requests: every path and method (subject to
 *   ALLOWED_HTTP_METHODS) forwarded to APP_URL + path + query; guarded
 *   endpoints go through the guardrail engine (api/guard.c), the rest
 *   streams through untouched.
 */
#ifndef RG_AGENT_H
#define RG_AGENT_H

#include "config/config.h"
#include "guard/text.h"

#include <stddef.h>

#define RG_AGENT_METHODS_MAX 16
#define RG_AGENT_RULES_MAX 64
#define RG_AGENT_PATHS_MAX 4
#define RG_AGENT_METHOD_LEN 16

/* One `METHOD:PATH` of GUARDRAIL_ENDPOINTS. Method "*" = any; a path ending in '*' is a prefix. */
typedef struct rg_agent_endpoint {
    char method[RG_AGENT_METHOD_LEN];
    char *path;
} rg_agent_endpoint_t;

/* One `METHOD:PATH:reqPath|alt,respPath|alt` of GUARDRAIL_FIELD_MAPPING. Paths are dotted JSON paths
 * (`messages.-1.content`, `inputs`, `0.generated_text`): keys, array indices, -1 = last. */
typedef struct rg_agent_mapping {
    rg_agent_endpoint_t ep;
    char *req[RG_AGENT_PATHS_MAX];
    size_t n_req;
    char *resp[RG_AGENT_PATHS_MAX];
    size_t n_resp;
} rg_agent_mapping_t;

typedef struct rg_agent_cfg {
    char *app_url; /* no trailing slash */
    char methods[RG_AGENT_METHODS_MAX][RG_AGENT_METHOD_LEN];
    size_t n_methods; /* 0 = every method */
    rg_agent_endpoint_t endpoints[RG_AGENT_RULES_MAX];
    size_t n_endpoints; /* 0 = every POST */
    rg_agent_mapping_t mappings[RG_AGENT_RULES_MAX];
    size_t n_mappings;
    int sse_guard;        /* APPLY_GUARDRAILS_TO_SSE */
    size_t max_request;   /* 0 = unlimited */
    size_t max_response;  /* 0 = unlimited */
} rg_agent_cfg_t;

/*
 * The parsers of Akto's formats (untrusted: they come from the environment or a config file; fuzzed by
 * tests/fuzz/fuzz_agent_env.c). Each returns 0, or -1 with a message in err. Strings are malloc'd into
 * the cfg; rg_agent_cfg_clear frees them (the YAML path hands them to the config generation instead).
 */
int rg_agent_parse_methods(const char *s, rg_agent_cfg_t *c, char *err, size_t errsz);
int rg_agent_parse_endpoints(const char *s, rg_agent_cfg_t *c, char *err, size_t errsz);
int rg_agent_parse_mapping(const char *s, rg_agent_cfg_t *c, char *err, size_t errsz);
void rg_agent_cfg_clear(rg_agent_cfg_t *c);

/* Is METHOD allowed / is METHOD PATH guarded (path without query)? The mapping for it, or NULL. */
/* 1 when the path (query excluded) has a "." or ".." segment, also percent-encoded (%2e, %2E): such a path
 * could address something above APP_URL's base path once the upstream or curl resolves it, so it is refused. */
int rg_agent_path_has_dot_segment(const char *p, size_t plen);
int rg_agent_method_allowed(const rg_agent_cfg_t *c, const char *m, size_t mlen);
int rg_agent_guarded(const rg_agent_cfg_t *c, const char *m, size_t mlen, const char *p, size_t plen);
const rg_agent_mapping_t *rg_agent_mapping_for(const rg_agent_cfg_t *c, const char *m, size_t mlen, const char *p,
                                               size_t plen);

/* A dotted path's string node in root: the holder (object or array) and key/index, for rg_text_part_t. */
json_t *rg_agent_path_get(json_t *root, const char *path, json_t **holder, const char **key, size_t *index);

/* The kind of JSON payload a guarded body is (for the engine's text extraction). */
rg_req_type_t rg_agent_body_type(json_t *body);

/*
 * The environment → YAML text (malloc'd, NUL-terminated) for rg_config_parse, or NULL with every problem
 * (naming its variable) in errs. getenv_fn is getenv (tests pass their own). lines[i] names the variable
 * written at YAML line i+1 (NULL for generated lines), so that the config's "environment:N:" messages can
 * name the variable: rg_agent_env_name_errors.
 */
typedef const char *(*rg_agent_getenv_fn)(const char *name);
char *rg_agent_env_yaml(rg_agent_getenv_fn getenv_fn, rg_errors_t *errs, const char **lines, size_t n_lines);
#define RG_AGENT_YAML_LINES 128
/* Is agent-proxy mode on (APP_URL set and not empty)? */
int rg_agent_env_on(rg_agent_getenv_fn getenv_fn);
/* Loads the config from the environment (errors name the variable). */
rg_config_t *rg_agent_config_from_env(rg_agent_getenv_fn getenv_fn, const rg_overrides_t *ov, rg_errors_t *errs);

#endif
