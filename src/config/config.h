/*
 * config.h — Railgate's configuration: YAML → validated, frozen generation.
 *
 * A file (or the embedded default) is parsed with libyaml, every problem is
 * collected as "file:line: message" (unknown keys are errors), and the result
 * is an immutable rg_config_t with a reference count. Readers on any thread
 * hold a reference for as long as they use it (a request holds one for its
 * whole life); SIGHUP builds a new generation and swaps it in while requests
 * in flight keep theirs. Key names follow LiteLLM where LiteLLM has them
 * (model_list, litellm_params, general_settings); Railgate's own settings live
 * under `railgate_settings`. Scalars may be `os.environ/NAME`.
 */
#ifndef RG_CONFIG_H
#define RG_CONFIG_H

#include "config/guardrails.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef enum rg_provider { RG_PROVIDER_OPENAI = 0, RG_PROVIDER_MOCK } rg_provider_t;

typedef struct rg_kv {
    char *name;
    char *value;
} rg_kv_t;

struct curl_slist;

typedef struct rg_model {
    char *name;           /* model_name: what clients ask for */
    rg_provider_t provider;
    char *provider_name;  /* "openai", "mock", ... as written */
    char *upstream_model; /* the part after "provider/" */
    char *api_base;       /* without trailing slash; NULL for mock */
    char *api_key;        /* NULL: no Authorization sent upstream */
    uint32_t timeout_ms;  /* whole upstream request; 0 = railgate_settings default */
    rg_kv_t *extra_headers;
    size_t n_extra_headers;
    /* upstream request headers, built once per generation: [0] plain, [1] streaming */
    struct curl_slist *up_headers[2];
    /* mock provider */
    char *mock_response;
    uint32_t mock_delay_ms;
    uint32_t mock_chunk_delay_ms;
    uint32_t mock_chunks;
    /* litellm_params.guardrails: indices into rg_config_t.guardrails, in the order written */
    size_t *guardrails;
    size_t n_guardrails;
} rg_model_t;

typedef struct rg_config {
    atomic_int refs;
    uint64_t generation; /* 1, 2, ... per config built in this process: never reused, unlike the pointer */
    char *source; /* file path, or "<default>" */

    rg_model_t *models;
    size_t n_models;

    /* guardrails: (guardrails.h), names unique */
    rg_guardrail_t *guardrails;
    size_t n_guardrails;

    /* general_settings */
    char *master_key;
    char *database_path;

    /* railgate_settings */
    char *host;
    int port;
    int workers; /* 0 = number of cores */
    int log_level;
    size_t max_request_body;
    size_t max_response_buffered;
    size_t record_body_max;
    size_t ring_size;
    uint32_t header_timeout_ms;
    uint32_t body_timeout_ms;
    uint32_t upstream_connect_timeout_ms;
    uint32_t upstream_read_timeout_ms;
    uint32_t upstream_timeout_ms;
    uint32_t shutdown_timeout_ms;
    char *tls_cert_file;
    char *tls_key_file;
    /* railgate_settings.hooks: Portkey-shaped hooks every request runs (before / after the upstream) */
    rg_hook_list_t default_before, default_after;
    int request_hooks_off; /* railgate_settings.request_hooks: off = hooks a request brings are not accepted */
    /* railgate_settings.request_hook_hosts: hosts that network checks in request-supplied hooks may call
     * (webhookURL, logURL, jwksUri); NULL-terminated, lower-case; "*" = any; empty = none */
    char **request_hook_hosts;
    /* railgate_settings.guardrail_service (config/guardrail_service.h): tokens and policies; never NULL once built */
    struct rg_svc_config *svc;
    /* railgate_settings.agent_proxy (agent/agent.h): agent-proxy mode when set */
    struct rg_agent_cfg *agent;

    /* every heap string above, for rg_config_free */
    void **allocs;
    size_t n_allocs, cap_allocs;
} rg_config_t;

/* A list of "file:line: message" strings. */
typedef struct rg_errors {
    char **items;
    size_t n;
} rg_errors_t;

void rg_errors_add(rg_errors_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rg_errors_free(rg_errors_t *e);

/* Command-line values that override the file (NULL / -1 = not given). */
typedef struct rg_overrides {
    const char *host;
    int port;
    int workers;
    const char *db_path;
} rg_overrides_t;

#define RG_OVERRIDES_NONE {NULL, -1, -1, NULL}

/*
 * Parses and validates. Returns a generation with refs = 1, or NULL with
 * every problem in errs. path NULL loads the embedded default.
 */
rg_config_t *rg_config_load(const char *path, const rg_overrides_t *ov, rg_errors_t *errs);
rg_config_t *rg_config_parse(const char *source, const char *yaml, size_t len, const rg_overrides_t *ov,
                             rg_errors_t *errs);

/* The embedded default (config/railgate.yaml at build time). */
extern const char rg_default_yaml[];

static inline rg_config_t *rg_config_ref(rg_config_t *c)
{
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return c;
}
void rg_config_unref(rg_config_t *c);

const rg_model_t *rg_config_find_model(const rg_config_t *c, const char *name, size_t len);
/* A guardrail by guardrail_name, or NULL. */
const rg_guardrail_t *rg_config_find_guardrail(const rg_config_t *c, const char *name, size_t len);

#endif
