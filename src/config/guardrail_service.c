/*
 * guardrail_service.c — railgate_settings.guardrail_service (see
 * config/guardrail_service.h): service tokens and policies, validated at
 * their lines like every other section; defaults filled in when the
 * generation is finished.
 */
#include "config/guardrail_service.h"

#include "config/walk.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *rg_svc_behaviour_name(rg_svc_behaviour_t b)
{
    switch (b) {
    case RG_SVC_ALERT:
        return "alert";
    case RG_SVC_WARN:
        return "warn";
    case RG_SVC_MASK:
        return "mask";
    default:
        return "block";
    }
}

static rg_svc_config_t *svc(rg_config_t *c)
{
    if (c->svc == NULL)
        c->svc = rg_cfg_own(c, calloc(1, sizeof(rg_svc_config_t)));
    return c->svc;
}

static void add_token(rg_config_t *c, const char *t, size_t n)
{
    rg_svc_config_t *s = svc(c);
    while (n && (*t == ' ' || *t == '\t'))
        t++, n--;
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    if (s == NULL || n == 0 || s->n_tokens >= RG_SVC_MAX_TOKENS)
        return;
    char *p = rg_cfg_own(c, malloc(n + 1));
    if (p == NULL)
        return;
    memcpy(p, t, n);
    p[n] = '\0';
    s->tokens[s->n_tokens++] = p;
}

static void tokens(rg_walk_t *w, yaml_node_t *v)
{
    if (rg_cfg_is_null(v))
        return;
    if (v->type != YAML_SEQUENCE_NODE) {
        rg_cfg_bad(w, v, "railgate_settings.guardrail_service.tokens: expected a list of tokens");
        return;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = rg_cfg_node(w, *it);
        const char *s = rg_cfg_scalar(w, n, "railgate_settings.guardrail_service.tokens[]");
        if (s == NULL)
            continue;
        if (*s == '\0') {
            rg_cfg_bad(w, n, "railgate_settings.guardrail_service.tokens: a token must not be empty");
            continue;
        }
        if (svc(w->cfg) && svc(w->cfg)->n_tokens >= RG_SVC_MAX_TOKENS) {
            rg_cfg_bad(w, n, "railgate_settings.guardrail_service.tokens: at most %d tokens", RG_SVC_MAX_TOKENS);
            return;
        }
        add_token(w->cfg, s, strlen(s));
    }
}

typedef struct policy_ctx {
    rg_svc_policy_t p;
    int have_guardrail;
    int ok;
} policy_ctx_t;

static int sides_of(rg_walk_t *w, yaml_node_t *n, const char *what, unsigned *out)
{
    const char *s = rg_cfg_scalar(w, n, what);
    if (s == NULL)
        return -1;
    if (!strcasecmp(s, "request"))
        *out |= RG_SVC_REQUEST;
    else if (!strcasecmp(s, "response"))
        *out |= RG_SVC_RESPONSE;
    else {
        rg_cfg_bad(w, n, "%s: expected request or response, got '%s'", what, s);
        return -1;
    }
    return 0;
}

static void policy_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    policy_ctx_t *pc = arg;
    const char *what = "railgate_settings.guardrail_service.policies[]";
    if (!strcmp(key, "guardrail")) {
        const char *s = rg_cfg_scalar(w, v, what);
        if (s == NULL) {
            pc->ok = 0;
            return;
        }
        const rg_config_t *c = w->cfg;
        for (size_t i = 0; i < c->n_guardrails; i++)
            if (!strcmp(c->guardrails[i].name, s)) {
                pc->p.guardrail = i;
                pc->have_guardrail = 1;
                return;
            }
        rg_cfg_bad(w, v, "%s.guardrail: no guardrail named '%s' in guardrails:", what, s);
        pc->ok = 0;
    } else if (!strcmp(key, "behaviour") || !strcmp(key, "behavior")) {
        const char *s = rg_cfg_scalar(w, v, what);
        if (s == NULL)
            pc->ok = 0;
        else if (!strcasecmp(s, "block"))
            pc->p.behaviour = RG_SVC_BLOCK;
        else if (!strcasecmp(s, "warn"))
            pc->p.behaviour = RG_SVC_WARN;
        else if (!strcasecmp(s, "alert"))
            pc->p.behaviour = RG_SVC_ALERT;
        else if (!strcasecmp(s, "mask"))
            pc->p.behaviour = RG_SVC_MASK;
        else {
            rg_cfg_bad(w, v, "%s.behaviour: expected block, warn, alert or mask, got '%s'", what, s);
            pc->ok = 0;
        }
    } else if (!strcmp(key, "severity")) {
        char *s = rg_cfg_string(w, v, what);
        if (s && strlen(s) > 32) {
            rg_cfg_bad(w, v, "%s.severity: at most 32 characters", what);
            pc->ok = 0;
        } else if (s)
            pc->p.severity = s;
    } else if (!strcmp(key, "apply_on")) {
        what = "railgate_settings.guardrail_service.policies[].apply_on";
        pc->p.sides = 0;
        if (v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
                if (sides_of(w, rg_cfg_node(w, *it), what, &pc->p.sides) != 0)
                    pc->ok = 0;
        } else if (sides_of(w, v, what, &pc->p.sides) != 0)
            pc->ok = 0;
        if (pc->ok && pc->p.sides == 0) {
            rg_cfg_bad(w, v, "%s: expected request, response or both", what);
            pc->ok = 0;
        }
    } else {
        rg_cfg_bad(w, k, "%s: unknown key '%s' (known: guardrail, behaviour, severity, apply_on)", what, key);
        pc->ok = 0;
    }
}

static void policies(rg_walk_t *w, yaml_node_t *v)
{
    rg_svc_config_t *s = svc(w->cfg);
    if (s == NULL)
        return;
    s->policies_set = 1;
    if (rg_cfg_is_null(v))
        return;
    if (v->type != YAML_SEQUENCE_NODE) {
        rg_cfg_bad(w, v, "railgate_settings.guardrail_service.policies: expected a list of policies");
        return;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = rg_cfg_node(w, *it);
        policy_ctx_t pc = {{0, RG_SVC_BLOCK, NULL, RG_SVC_REQUEST | RG_SVC_RESPONSE}, 0, 1};
        if (rg_cfg_each_pair(w, n, "railgate_settings.guardrail_service.policies[]", policy_pair, &pc) != 0)
            continue;
        if (!pc.have_guardrail) {
            if (pc.ok)
                rg_cfg_bad(w, n, "railgate_settings.guardrail_service.policies[]: guardrail is required");
            continue;
        }
        if (!pc.ok)
            continue;
        if (s->n_policies >= RG_SVC_MAX_POLICIES) {
            rg_cfg_bad(w, n, "railgate_settings.guardrail_service.policies: at most %d", RG_SVC_MAX_POLICIES);
            return;
        }
        if (pc.p.severity == NULL)
            pc.p.severity = "HIGH";
        s->policies[s->n_policies++] = pc.p;
    }
}

static void section_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    if (!strcmp(key, "tokens"))
        tokens(w, v);
    else if (!strcmp(key, "policies"))
        policies(w, v);
    else if (!strcmp(key, "pair_window")) {
        uint32_t ms;
        if (rg_cfg_duration_ms(w, v, "railgate_settings.guardrail_service.pair_window", &ms) == 0 && svc(w->cfg)) {
            svc(w->cfg)->pair_window_ms = ms;
            svc(w->cfg)->pair_window_set = 1;
        }
    } else
        rg_cfg_bad(w, k, "railgate_settings.guardrail_service: unknown key '%s' (known: tokens, policies, pair_window)",
                   key);
}

void rg_cfg_guardrail_service(rg_walk_t *w, yaml_node_t *map)
{
    svc(w->cfg);
    rg_cfg_each_pair(w, map, "railgate_settings.guardrail_service", section_pair, NULL);
}

/* A guardrail that rewrites text: one of its checks redacts or masks. */
static int transforms(const rg_guardrail_t *g)
{
    for (size_t h = 0; h < g->hooks.n; h++)
        for (size_t i = 0; i < g->hooks.hooks[h].n_checks; i++) {
            json_t *p = g->hooks.hooks[h].checks[i].params;
            const char *a = json_string_value(json_object_get(p, "action"));
            if ((a && (!strcmp(a, "redact") || !strcmp(a, "mask"))) || json_is_true(json_object_get(p, "redact")))
                return 1;
        }
    return 0;
}

void rg_cfg_guardrail_service_finish(rg_config_t *c)
{
    rg_svc_config_t *s = svc(c);
    if (s == NULL)
        return;
    const char *env = getenv("AKTO_API_TOKEN");
    while (env && *env) {
        const char *comma = strchr(env, ',');
        size_t n = comma ? (size_t)(comma - env) : strlen(env);
        add_token(c, env, n);
        env = comma ? comma + 1 : NULL;
    }
    if (!s->pair_window_set)
        s->pair_window_ms = RG_SVC_PAIR_WINDOW_MS;
    if (!s->policies_set)
        for (size_t i = 0; i < c->n_guardrails && s->n_policies < RG_SVC_MAX_POLICIES; i++) {
            const rg_guardrail_t *g = &c->guardrails[i];
            if (!g->default_on || strcmp(g->kind, "railgate") != 0)
                continue;
            rg_svc_policy_t p = {i, transforms(g) ? RG_SVC_MASK : RG_SVC_BLOCK, "HIGH",
                                 RG_SVC_REQUEST | RG_SVC_RESPONSE};
            s->policies[s->n_policies++] = p;
        }
}

void rg_cfg_guardrail_service_warn(const rg_config_t *c)
{
    if (c->svc && c->svc->n_tokens == 0 && c->master_key == NULL)
        rg_warn("guardrail service (/api/http-proxy, /api/validate/*, /api/portkey/webhook): no token configured "
                "(railgate_settings.guardrail_service.tokens, AKTO_API_TOKEN or master_key): the endpoints accept "
                "any caller");
}
