/*
 * guardrail_kinds.c — the `guardrail:` kinds (see guardrail_kind.h):
 *   railgate  `checks:` — Portkey checks, each a bare id or {id, parameters,
 *             is_enabled}, parameters converted from YAML (yaml_json.c);
 *   webhook   one default.webhook check: {webhookURL: api_base, headers
 *             (+ Authorization: Bearer api_key), timeout: guardrail_timeout
 *             in ms, failOnError: not fail_open};
 *   akto      LiteLLM's `guardrail: akto` (docs/akto-litellm.md): a
 *             railgate.akto check (pre_call) and the after-answer hook
 *             railgate.aktoIngest, both from akto_base_url, akto_api_key,
 *             akto_account_id, akto_vxlan_id (each also from LiteLLM's
 *             environment variables), guardrail_timeout, unreachable_fallback.
 */
#include "config/guardrail_kind.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GR_DEFAULT_TIMEOUT_MS 5000 /* webhook guardrail_timeout */
#define GR_HEADERS_MAX 64          /* webhook headers */

/* ---- kind: railgate (a list of Portkey checks) --------------------------------------------------- */

typedef struct check_item {
    rg_gr_parse_t *p;
    size_t i;
    const char *id;
    json_t *params;
    int enabled;
} check_item_t;

static void check_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    check_item_t *c = arg;
    char what[RG_GR_NAME_MAX + 64];
    snprintf(what, sizeof(what), "guardrail '%s': checks[%zu].%s", c->p->g->name, c->i, key);
    if (!strcmp(key, "id")) {
        c->id = rg_cfg_scalar(w, v, what);
    } else if (!strcmp(key, "parameters")) {
        json_decref(c->params);
        c->params = rg_cfg_json(w, v, what);
        if (c->params && !json_is_object(c->params) && !json_is_null(c->params)) {
            rg_cfg_bad(w, v, "%s: expected a mapping of parameter: value", what);
            json_decref(c->params);
            c->params = NULL;
        }
    } else if (!strcmp(key, "is_enabled")) {
        rg_cfg_bool(w, v, what, &c->enabled);
    } else {
        rg_cfg_bad(w, k, "guardrail '%s': checks[%zu]: unknown key '%s' (known: id, parameters, is_enabled)",
                   c->p->g->name, c->i, key);
    }
}

static void railgate_checks(rg_gr_parse_t *p, yaml_node_t *v, const char *what)
{
    rg_walk_t *w = p->w;
    size_t n = v->type == YAML_SEQUENCE_NODE ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start) : 0;
    if (n == 0) {
        rg_cfg_bad(w, v, "%s: expected a list of checks (each an id, or id and parameters)", what);
        return;
    }
    if (n > RG_GR_MAX_CHECKS) {
        rg_cfg_bad(w, v, "%s: %zu checks; at most %d per guardrail", what, n, RG_GR_MAX_CHECKS);
        return;
    }
    json_t *checks = json_array();
    size_t before = w->errs->n;
    for (size_t i = 0; checks && i < n; i++) {
        yaml_node_t *item = rg_cfg_node(w, v->data.sequence.items.start[i]);
        if (item == NULL)
            continue;
        check_item_t c = {p, i, NULL, NULL, 1};
        char iwhat[RG_GR_NAME_MAX + 64];
        snprintf(iwhat, sizeof(iwhat), "guardrail '%s': checks[%zu]", p->g->name, i);
        size_t item_before = w->errs->n;
        if (item->type == YAML_SCALAR_NODE) /* a bare id: no parameters */
            c.id = rg_cfg_is_null(item) ? NULL : rg_cfg_scalar(w, item, iwhat);
        else if (item->type == YAML_MAPPING_NODE)
            rg_cfg_each_pair(w, item, iwhat, check_pair, &c);
        else
            rg_cfg_bad(w, item, "%s: expected a check id, or a mapping with id and parameters", iwhat);
        if ((c.id == NULL || *c.id == '\0') && w->errs->n == item_before)
            rg_cfg_bad(w, item, "%s: id is required (a check such as default.regexMatch)", iwhat);
        if (w->errs->n == item_before) {
            json_t *o = json_pack("{s:s, s:o}", "id", c.id, "parameters", c.params ? c.params : json_object());
            c.params = NULL;
            if (o && !c.enabled)
                json_object_set_new(o, "is_enabled", json_false());
            if (o == NULL || json_array_append_new(checks, o) != 0)
                rg_cfg_bad(w, item, "%s: out of memory", iwhat);
            p->at[i] = item;
        }
        json_decref(c.params);
    }
    if (checks == NULL)
        rg_cfg_bad(w, v, "%s: out of memory", what);
    if (w->errs->n != before) {
        json_decref(checks);
        return;
    }
    json_decref(p->checks);
    p->checks = checks;
}

static int railgate_key(rg_gr_parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, const char *what)
{
    (void)k;
    if (!strcmp(key, "checks")) {
        p->have_checks = 1;
        railgate_checks(p, v, what);
    } else if (!strcmp(key, "sequential")) {
        rg_cfg_bool(p->w, v, what, &p->sequential);
    } else {
        return 0;
    }
    return 1;
}

static void railgate_finish(rg_gr_parse_t *p, yaml_node_t *params)
{
    if (!p->have_checks)
        rg_cfg_bad(p->w, params, "guardrail '%s': checks is required for a railgate guardrail (a list of check ids, "
                                 "each with its parameters)",
                   p->g->name);
}

/* ---- keys of every remote kind -------------------------------------------------------------------- */

/* unreachable_fallback, guardrail_timeout; 0 when key is neither */
static int remote_key(rg_gr_parse_t *p, const char *key, yaml_node_t *v, const char *what)
{
    rg_walk_t *w = p->w;
    rg_guardrail_t *g = p->g;
    if (!strcmp(key, "unreachable_fallback")) {
        const char *s = rg_cfg_scalar(w, v, what);
        if (s && !strcmp(s, "fail_closed"))
            g->fail_open = 0;
        else if (s && !strcmp(s, "fail_open"))
            g->fail_open = 1;
        else if (s)
            rg_cfg_bad(w, v, "%s: expected fail_closed or fail_open, got '%s'", what, s);
    } else if (!strcmp(key, "guardrail_timeout")) {
        uint32_t ms;
        if (rg_cfg_duration_ms(w, v, what, &ms) == 0) {
            if (ms == 0)
                rg_cfg_bad(w, v, "%s: must be greater than 0", what);
            else
                g->timeout_ms = ms;
        }
    } else {
        return 0;
    }
    return 1;
}

/* ---- kind: webhook (Portkey's webhook protocol, one default.webhook check) --------------------------- */

static int bad_header_value(const char *v)
{
    return strpbrk(v, "\r\n") != NULL;
}

static void header_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_gr_parse_t *p = arg;
    char what[RG_GR_NAME_MAX + 64];
    snprintf(what, sizeof(what), "guardrail '%s': headers", p->g->name);
    for (const char *c = key; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
            rg_cfg_bad(w, k, "%s: '%s' is not a valid header name", what, key);
            return;
        }
    if (*key == '\0' || !strcasecmp(key, "host") || !strcasecmp(key, "content-length") ||
        !strcasecmp(key, "transfer-encoding") || !strcasecmp(key, "content-type")) {
        rg_cfg_bad(w, k, "%s: '%s' is set by Railgate and cannot be given", what, key);
        return;
    }
    const char *name;
    json_t *val;
    json_object_foreach(p->headers, name, val)
    {
        if (!strcasecmp(name, key)) {
            rg_cfg_bad(w, k, "%s: '%s' appears twice", what, key);
            return;
        }
    }
    if (json_object_size(p->headers) >= GR_HEADERS_MAX) {
        rg_cfg_bad(w, k, "%s: at most %d headers", what, GR_HEADERS_MAX);
        return;
    }
    const char *s = rg_cfg_scalar(w, v, what);
    if (s == NULL)
        return;
    if (bad_header_value(s)) {
        rg_cfg_bad(w, v, "%s: the value of '%s' contains a line break", what, key);
        return;
    }
    json_t *js = json_string(s);
    if (js == NULL || json_object_set_new(p->headers, key, js) != 0)
        rg_cfg_bad(w, v, "%s: the value of '%s' is not valid UTF-8", what, key);
}

static int webhook_key(rg_gr_parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, const char *what)
{
    rg_walk_t *w = p->w;
    rg_guardrail_t *g = p->g;
    (void)k;
    if (!strcmp(key, "api_base")) {
        p->have_url = 1;
        const char *url = rg_cfg_http_url(w, v, what);
        if (url)
            g->api_base = rg_cfg_strdup(w->cfg, url);
    } else if (!strcmp(key, "api_key")) {
        if (rg_cfg_is_null(v))
            return 1;
        const char *s = rg_cfg_scalar(w, v, what);
        if (s && (*s == '\0' || bad_header_value(s)))
            rg_cfg_bad(w, v, "%s: must be non-empty and on one line", what);
        else if (s)
            p->api_key = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "headers")) {
        p->headers_node = v;
        if (v->type != YAML_MAPPING_NODE && !rg_cfg_is_null(v))
            rg_cfg_bad(w, v, "%s: expected a mapping of header: value", what);
        else
            rg_cfg_each_pair(w, v, what, header_pair, p);
    } else {
        return remote_key(p, key, v, what);
    }
    return 1;
}

static void webhook_finish(rg_gr_parse_t *p, yaml_node_t *params)
{
    rg_walk_t *w = p->w;
    rg_guardrail_t *g = p->g;
    if (!p->have_url) {
        rg_cfg_bad(w, params, "guardrail '%s': api_base is required for a webhook guardrail (the URL to POST to)",
                   g->name);
        return;
    }
    if (p->api_key && p->headers_node) {
        const char *name;
        json_t *val;
        json_object_foreach(p->headers, name, val)
        {
            if (!strcasecmp(name, "authorization")) {
                rg_cfg_bad(w, p->headers_node,
                           "guardrail '%s': headers: Authorization is also set by api_key; give only one", g->name);
                return;
            }
        }
    }
    if (g->api_base == NULL)
        return; /* reported */
    json_t *headers = json_deep_copy(p->headers);
    if (headers == NULL) {
        rg_cfg_bad(w, params, "guardrail '%s': out of memory", g->name);
        return;
    }
    if (p->api_key) {
        size_t n = strlen(p->api_key) + 8;
        char *auth = malloc(n);
        if (auth)
            snprintf(auth, n, "Bearer %s", p->api_key);
        json_t *js = auth ? json_string(auth) : NULL;
        free(auth);
        if (js == NULL || json_object_set_new(headers, "Authorization", js) != 0) {
            rg_cfg_bad(w, params, "guardrail '%s': api_key is not valid UTF-8", g->name);
            json_decref(headers);
            return;
        }
    }
    /* failOnError: a webhook that cannot answer fails the hook unless fail_open, so the hook's own
     * verdict is already safe; the runtime may still tell that case apart (remote, fail_open) */
    json_t *params_json = json_pack("{s:s, s:I, s:b}", "webhookURL", g->api_base, "timeout", (json_int_t)g->timeout_ms,
                                    "failOnError", !g->fail_open);
    if (params_json && json_object_size(headers) > 0)
        json_object_set(params_json, "headers", headers);
    json_decref(headers);
    json_t *check = params_json ? json_pack("{s:s, s:o}", "id", "default.webhook", "parameters", params_json) : NULL;
    json_t *checks = check ? json_pack("[o]", check) : NULL;
    if (checks == NULL) {
        rg_cfg_bad(w, params, "guardrail '%s': out of memory", g->name);
        return;
    }
    json_decref(p->checks);
    p->checks = checks;
    p->at[0] = p->kind_node;
}

/* ---- kind: akto (LiteLLM's built-in akto guardrail; docs/akto-litellm.md) ---------------------------- */

static const char *one_line_scalar(rg_walk_t *w, yaml_node_t *v, const char *what)
{
    const char *s = rg_cfg_scalar(w, v, what);
    if (s && (*s == '\0' || bad_header_value(s) || strlen(s) > 1024)) {
        rg_cfg_bad(w, v, "%s: must be 1 to 1024 bytes on one line", what);
        return NULL;
    }
    return s;
}

static int akto_key(rg_gr_parse_t *p, const char *key, yaml_node_t *k, yaml_node_t *v, const char *what)
{
    rg_walk_t *w = p->w;
    (void)k;
    const char *s;
    if (!strcmp(key, "akto_base_url")) {
        p->have_url = 1;
        if ((s = rg_cfg_http_url(w, v, what)) != NULL)
            p->akto_base_url = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "akto_api_key")) {
        if ((s = one_line_scalar(w, v, what)) != NULL)
            p->api_key = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "akto_account_id")) {
        if ((s = one_line_scalar(w, v, what)) != NULL)
            p->akto_account_id = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "akto_vxlan_id")) {
        if ((s = one_line_scalar(w, v, what)) != NULL)
            p->akto_vxlan_id = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "context_source")) {
        s = rg_cfg_scalar(w, v, what);
        if (s && strcmp(s, "AGENTIC") && strcmp(s, "ENDPOINT"))
            rg_cfg_bad(w, v, "%s: expected AGENTIC or ENDPOINT, got '%s'", what, s);
        else if (s)
            p->context_source = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "streaming_sampling_rate")) {
        /* LiteLLM's newest version: how often a streamed answer is checked. Railgate sends no response check
         * while a stream runs (post_call is the ingest's response_guardrails flag), so it is read and unused. */
        int rate;
        rg_cfg_int(w, v, what, 1, 1000000, &rate);
    } else {
        return remote_key(p, key, v, what);
    }
    return 1;
}

/* a value from LiteLLM's environment variable when the key was not given: one line, at most 1024 bytes */
static const char *akto_env(rg_gr_parse_t *p, yaml_node_t *params, const char *var, const char *key)
{
    const char *s = getenv(var);
    if (s == NULL || *s == '\0')
        return NULL;
    if (bad_header_value(s) || strlen(s) > 1024) {
        rg_cfg_bad(p->w, params, "guardrail '%s': %s from the environment (%s) must be one line of at most 1024 bytes",
                   p->g->name, key, var);
        return NULL;
    }
    return rg_cfg_strdup(p->w->cfg, s);
}

static void akto_finish(rg_gr_parse_t *p, yaml_node_t *params)
{
    rg_walk_t *w = p->w;
    rg_guardrail_t *g = p->g;
    size_t before = w->errs->n;
    if (g->modes & RG_GR_DURING_CALL)
        rg_cfg_bad(w, params, "guardrail '%s': mode during_call is not supported by an akto guardrail (pre_call, "
                              "post_call, logging_only)", g->name);
    if (!p->have_url) {
        const char *env = akto_env(p, params, "AKTO_GUARDRAIL_API_BASE", "akto_base_url");
        if (env && strncmp(env, "http://", 7) && strncmp(env, "https://", 8))
            rg_cfg_bad(w, params, "guardrail '%s': AKTO_GUARDRAIL_API_BASE must be an http:// or https:// URL",
                       g->name);
        else if (env)
            p->akto_base_url = env;
        else if (w->errs->n == before)
            rg_cfg_bad(w, params, "guardrail '%s': akto_base_url is required for an akto guardrail (or set "
                                  "AKTO_GUARDRAIL_API_BASE)", g->name);
    }
    if (p->api_key == NULL && (p->api_key = akto_env(p, params, "AKTO_API_KEY", "akto_api_key")) == NULL &&
        w->errs->n == before)
        rg_cfg_bad(w, params, "guardrail '%s': akto_api_key is required for an akto guardrail (or set AKTO_API_KEY)",
                   g->name);
    if (p->akto_account_id == NULL)
        p->akto_account_id = akto_env(p, params, "AKTO_ACCOUNT_ID", "akto_account_id");
    if (p->akto_vxlan_id == NULL)
        p->akto_vxlan_id = akto_env(p, params, "AKTO_VXLAN_ID", "akto_vxlan_id");
    if (w->errs->n != before || p->akto_base_url == NULL || p->api_key == NULL)
        return;
    size_t n = strlen(p->akto_base_url); /* LiteLLM strips the trailing / */
    char *base = rg_cfg_strdup(w->cfg, p->akto_base_url);
    while (base && n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    g->api_base = base;
    g->message_is_reason = 1;
    json_t *params_json = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "aktoBaseUrl", base ? base : "",
                                    "aktoApiKey", p->api_key, "aktoAccountId",
                                    p->akto_account_id ? p->akto_account_id : "1000000", "aktoVxlanId",
                                    p->akto_vxlan_id ? p->akto_vxlan_id : "0", "contextSource",
                                    p->context_source ? p->context_source : "AGENTIC", "timeout",
                                    (json_int_t)g->timeout_ms, "failOnError", !g->fail_open);
    json_t *ingest_params = params_json ? json_deep_copy(params_json) : NULL;
    if (ingest_params)
        json_object_set_new(ingest_params, "responseGuardrails", json_boolean(g->modes & RG_GR_POST_CALL));
    json_t *checks = params_json ? json_pack("[{s:s, s:o}]", "id", "railgate.akto", "parameters", params_json) : NULL;
    json_t *ingest =
        ingest_params ? json_pack("[{s:s, s:o}]", "id", "railgate.aktoIngest", "parameters", ingest_params) : NULL;
    if (base == NULL || checks == NULL || ingest == NULL) {
        json_decref(checks);
        json_decref(ingest);
        rg_cfg_bad(w, params, "guardrail '%s': a value is not valid UTF-8 (or out of memory)", g->name);
        return;
    }
    json_decref(p->checks);
    p->checks = checks;
    json_decref(p->ingest);
    p->ingest = ingest;
    p->at[0] = p->kind_node;
}

/* ---- the table ---------------------------------------------------------------------------------- */

static const rg_gr_kind_t kinds[] = {
    {"railgate", 0, 0, "checks, sequential", railgate_key, railgate_finish},
    {"webhook", 1, GR_DEFAULT_TIMEOUT_MS, "api_base, api_key, headers, unreachable_fallback, guardrail_timeout",
     webhook_key, webhook_finish},
    {"akto", 1, GR_DEFAULT_TIMEOUT_MS,
     "akto_base_url, akto_api_key, akto_account_id, akto_vxlan_id, context_source, unreachable_fallback, "
     "guardrail_timeout, streaming_sampling_rate",
     akto_key, akto_finish},
};
const char rg_gr_kind_names[] = "railgate, webhook, akto"; /* keep in step with kinds[] */

const rg_gr_kind_t *rg_gr_kind_find(const char *name)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(name, kinds[i].name))
            return &kinds[i];
    return NULL;
}
