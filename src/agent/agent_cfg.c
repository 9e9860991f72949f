/*
 * agent_cfg.c — the YAML section `railgate_settings.agent_proxy` → cfg->agent
 * (agent.h). Agent-proxy mode writes this section from the environment; a
 * config file may carry it too. Values keep Akto's string formats.
 */
#include "agent/agent.h"
#include "agent/agent_cfg.h"
#include "config/walk.h"

#include <stdlib.h>
#include <string.h>

/* The strings the parsers malloc'd become the generation's. */
static void own_all(rg_config_t *c, rg_agent_cfg_t *a)
{
    for (size_t i = 0; i < a->n_endpoints; i++)
        rg_cfg_own(c, a->endpoints[i].path);
    for (size_t i = 0; i < a->n_mappings; i++) {
        rg_agent_mapping_t *m = &a->mappings[i];
        rg_cfg_own(c, m->ep.path);
        for (size_t k = 0; k < m->n_req; k++)
            rg_cfg_own(c, m->req[k]);
        for (size_t k = 0; k < m->n_resp; k++)
            rg_cfg_own(c, m->resp[k]);
    }
}

static void pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_agent_cfg_t *a = arg;
    char what[96], err[256];
    snprintf(what, sizeof(what), "railgate_settings.agent_proxy.%s", key);
    const char *s;
    int rc = 0;
    if (!strcmp(key, "app_url")) {
        if ((s = rg_cfg_http_url(w, v, what)) != NULL) {
            a->app_url = rg_cfg_strdup(w->cfg, s);
            size_t n = a->app_url ? strlen(a->app_url) : 0;
            while (n > 0 && a->app_url[n - 1] == '/')
                a->app_url[--n] = '\0';
        }
    } else if (!strcmp(key, "max_request_size")) {
        rg_cfg_size(w, v, what, &a->max_request);
    } else if (!strcmp(key, "max_response_size")) {
        rg_cfg_size(w, v, what, &a->max_response);
    } else if (!strcmp(key, "apply_guardrails_to_sse")) {
        rg_cfg_bool(w, v, what, &a->sse_guard);
    } else if (!strcmp(key, "allowed_http_methods")) {
        if ((s = rg_cfg_scalar(w, v, what)) != NULL)
            rc = rg_agent_parse_methods(s, a, err, sizeof(err));
    } else if (!strcmp(key, "guardrail_endpoints")) {
        if ((s = rg_cfg_scalar(w, v, what)) != NULL)
            rc = rg_agent_parse_endpoints(s, a, err, sizeof(err));
    } else if (!strcmp(key, "guardrail_field_mapping")) {
        if ((s = rg_cfg_scalar(w, v, what)) != NULL)
            rc = rg_agent_parse_mapping(s, a, err, sizeof(err));
    } else {
        rg_cfg_bad(w, k,
                   "railgate_settings.agent_proxy: unknown key '%s' (known: app_url, max_request_size, "
                   "max_response_size, apply_guardrails_to_sse, allowed_http_methods, guardrail_endpoints, "
                   "guardrail_field_mapping)",
                   key);
    }
    if (rc != 0)
        rg_cfg_bad(w, v, "%s: %s", what, err);
}

void rg_cfg_agent_proxy(rg_walk_t *w, yaml_node_t *map)
{
    rg_config_t *c = w->cfg;
    rg_agent_cfg_t *a = rg_cfg_own(c, calloc(1, sizeof(*a)));
    if (a == NULL) {
        rg_cfg_bad(w, map, "railgate_settings.agent_proxy: out of memory");
        return;
    }
    a->sse_guard = 1;
    rg_cfg_each_pair(w, map, "railgate_settings.agent_proxy", pair, a);
    own_all(c, a);
    if (a->app_url == NULL) {
        rg_cfg_bad(w, map, "railgate_settings.agent_proxy: app_url is required");
        return;
    }
    c->agent = a;
}
