/*
 * guardrails.c — `guardrails:` and model_list[].litellm_params.guardrails
 * (see guardrails.h; the kinds are in guardrail_kinds.c).
 *
 * A guardrail entry is parsed into its rg_guardrail_t fields and the
 * Portkey-shaped hook object it describes, then compiled by guard/hook.c.
 * The compile runs non-strict so that every check keeps its own outcome;
 * each unknown check and each check whose parameters do not compile is then
 * reported at the line where it was written (strict rules, all problems at
 * once, not only the first).
 */
#include "config/guardrail_kind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The after-answer hook's checks (akto) ride in the parsed hook object under this key until compiled. */
#define INGEST_KEY "x-railgate-ingest-checks"

/* ---- the keys every kind has --------------------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned bit;
} modes[] = {
    {"pre_call", RG_GR_PRE_CALL},
    {"post_call", RG_GR_POST_CALL},
    {"during_call", RG_GR_DURING_CALL},
    {"logging_only", RG_GR_LOGGING_ONLY},
};

static void mode_item(rg_gr_parse_t *p, yaml_node_t *v, const char *what)
{
    const char *s = rg_cfg_scalar(p->w, v, what);
    if (s == NULL)
        return;
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (!strcmp(s, modes[i].name)) {
            if (p->g->modes & modes[i].bit)
                rg_cfg_bad(p->w, v, "%s: '%s' is listed twice", what, s);
            p->g->modes |= modes[i].bit;
            return;
        }
    rg_cfg_bad(p->w, v, "%s: unknown mode '%s' (known: pre_call, post_call, during_call, logging_only)", what, s);
}

static void parse_mode(rg_gr_parse_t *p, yaml_node_t *v, const char *what)
{
    p->have_mode = 1;
    if (v->type != YAML_SEQUENCE_NODE) {
        mode_item(p, v, what);
        return;
    }
    if (v->data.sequence.items.top == v->data.sequence.items.start)
        rg_cfg_bad(p->w, v, "%s: the list is empty", what);
    for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
        yaml_node_t *item = rg_cfg_node(p->w, *i);
        if (item)
            mode_item(p, item, what);
    }
}

static void params_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_gr_parse_t *p = arg;
    rg_guardrail_t *g = p->g;
    char what[RG_GR_NAME_MAX + 64];
    snprintf(what, sizeof(what), "guardrail '%s': %s", g->name, key);
    if (!strcmp(key, "guardrail")) {
        /* read first, see rg_cfg_guardrail_parse */
    } else if (!strcmp(key, "mode")) {
        parse_mode(p, v, what);
    } else if (!strcmp(key, "default_on")) {
        rg_cfg_bool(w, v, what, &g->default_on);
    } else if (!strcmp(key, "stream_mode")) {
        const char *s = rg_cfg_scalar(w, v, what);
        if (s && !strcmp(s, "incremental"))
            g->stream_mode = RG_STREAM_INCREMENTAL;
        else if (s && !strcmp(s, "buffer"))
            g->stream_mode = RG_STREAM_BUFFER;
        else if (s && !strcmp(s, "log"))
            g->stream_mode = RG_STREAM_LOG;
        else if (s)
            rg_cfg_bad(w, v, "%s: expected buffer, incremental or log, got '%s'", what, s);
    } else if (!strcmp(key, "block_status")) {
        rg_cfg_int(w, v, what, 400, 599, &g->block_status);
    } else if (!strcmp(key, "block_message")) {
        const char *s = rg_cfg_is_null(v) ? NULL : rg_cfg_scalar(w, v, what);
        if (s && (*s == '\0' || strlen(s) > RG_GR_BLOCK_MESSAGE_MAX))
            rg_cfg_bad(w, v, "%s: expected 1 to %d bytes (omit it for the default message)", what,
                       RG_GR_BLOCK_MESSAGE_MAX);
        else if (s)
            g->block_message = rg_cfg_strdup(w->cfg, s);
    } else if (!p->kind->key(p, key, k, v, what)) {
        rg_cfg_bad(w, k,
                   "guardrail '%s': unknown key '%s' in litellm_params (known for a %s guardrail: guardrail, mode, "
                   "default_on, stream_mode, block_status, block_message, %s)",
                   g->name, key, p->kind->name, p->kind->keys);
    }
}

/* ---- one entry ------------------------------------------------------------------------------------ */

typedef struct entry {
    rg_guardrail_t *g;
    size_t idx;
    int have_name;
} entry_t;

static void entry_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    entry_t *e = arg;
    if (!strcmp(key, "guardrail_name")) {
        e->have_name = 1;
        char what[64];
        snprintf(what, sizeof(what), "guardrails[%zu].guardrail_name", e->idx);
        const char *s = rg_cfg_scalar(w, v, what);
        if (s == NULL)
            return;
        size_t n = strlen(s);
        int ok = n > 0 && n <= RG_GR_NAME_MAX;
        for (const char *c = s; ok && *c; c++)
            ok = (unsigned char)*c >= 0x20 && *c != 0x7f;
        if (!ok) {
            rg_cfg_bad(w, v, "%s: expected 1 to %d printable bytes", what, RG_GR_NAME_MAX);
            return;
        }
        e->g->name = rg_cfg_strdup(w->cfg, s);
    } else if (!strcmp(key, "litellm_params")) {
        /* read once the name is known */
    } else if (!strcmp(key, "guardrail_info")) {
        /* LiteLLM's free-form description: accepted, not interpreted */
        if (v->type != YAML_MAPPING_NODE && !rg_cfg_is_null(v))
            rg_cfg_bad(w, v, "guardrails[%zu].guardrail_info: expected a mapping", e->idx);
    } else {
        rg_cfg_bad(w, k, "guardrails[%zu]: unknown key '%s' (known: guardrail_name, litellm_params, guardrail_info)",
                   e->idx, key);
    }
}

json_t *rg_cfg_guardrail_parse(rg_walk_t *w, yaml_node_t *entry, size_t idx, rg_guardrail_t *g, yaml_node_t **at)
{
    size_t before = w->errs->n;
    memset(g, 0, sizeof(*g)); /* the slot may hold a rejected earlier entry */
    if (rg_cfg_is_null(entry)) {
        rg_cfg_bad(w, entry, "guardrails[%zu]: empty entry (expected guardrail_name and litellm_params)", idx);
        return NULL;
    }
    char what[64];
    snprintf(what, sizeof(what), "guardrails[%zu]", idx);
    entry_t e = {g, idx, 0};
    if (rg_cfg_each_pair(w, entry, what, entry_pair, &e) != 0)
        return NULL;
    if (g->name == NULL) {
        if (!e.have_name)
            rg_cfg_bad(w, entry, "guardrails[%zu]: guardrail_name is required", idx);
        return NULL;
    }
    yaml_node_t *params = rg_cfg_lookup(w, entry, "litellm_params");
    if (params == NULL || rg_cfg_is_null(params) || params->type != YAML_MAPPING_NODE) {
        rg_cfg_bad(w, params ? params : entry,
                   "guardrail '%s': litellm_params is required: a mapping with guardrail (%s) and mode", g->name,
                   rg_gr_kind_names);
        return NULL;
    }
    yaml_node_t *kn = rg_cfg_lookup(w, params, "guardrail");
    if (kn == NULL) {
        rg_cfg_bad(w, params, "guardrail '%s': litellm_params.guardrail is required (%s)", g->name, rg_gr_kind_names);
        return NULL;
    }
    char kwhat[RG_GR_NAME_MAX + 32];
    snprintf(kwhat, sizeof(kwhat), "guardrail '%s': guardrail", g->name);
    const char *ks = rg_cfg_scalar(w, kn, kwhat);
    if (ks == NULL)
        return NULL;
    const rg_gr_kind_t *kind = rg_gr_kind_find(ks);
    if (kind == NULL) {
        rg_cfg_bad(w, kn, "guardrail '%s': unknown guardrail kind '%s' (known: %s)", g->name, ks, rg_gr_kind_names);
        return NULL;
    }
    g->kind = kind->name;
    g->remote = kind->remote;
    g->block_status = 403;
    g->stream_mode = RG_STREAM_INCREMENTAL;
    g->timeout_ms = kind->default_timeout_ms;

    rg_gr_parse_t p = {.w = w, .g = g, .kind = kind, .kind_node = kn, .at = at, .headers = json_object()};
    if (p.headers == NULL) {
        rg_cfg_bad(w, entry, "guardrail '%s': out of memory", g->name);
        return NULL;
    }
    rg_cfg_each_pair(w, params, "litellm_params", params_pair, &p);
    if (!p.have_mode)
        rg_cfg_bad(w, params,
                   "guardrail '%s': mode is required (pre_call, post_call, during_call, logging_only, or a list)",
                   g->name);
    kind->finish(&p, params);
    json_t *hook = NULL;
    if (w->errs->n == before && p.checks != NULL) {
        static const char *const stream_modes[] = {"incremental", "buffer", "log"};
        hook = json_pack("{s:s, s:s, s:b, s:b, s:s, s:O}", "id", g->name, "type", "guardrail", "deny", 1,
                         "sequential", p.sequential, "stream_mode", stream_modes[g->stream_mode], "checks", p.checks);
        if (hook == NULL || (p.ingest && json_object_set(hook, INGEST_KEY, p.ingest) != 0))
            rg_cfg_bad(w, entry, "guardrail '%s': out of memory", g->name);
    }
    json_decref(p.ingest);
    json_decref(p.checks);
    json_decref(p.headers);
    return hook;
}

/* rg_guardrail_t.ingest: one hook (deny false) of the given checks */
static int compile_ingest(rg_walk_t *w, rg_guardrail_t *g, json_t *checks, yaml_node_t *at)
{
    json_t *cfg = json_pack("{s:[{s:s, s:s, s:b, s:O}]}", "before_request_hooks", "id", g->name, "type", "guardrail",
                            "deny", 0, "checks", checks);
    rg_hook_list_t after = {0};
    char err[RG_CHECK_ERROR_MAX + 128] = "out of memory";
    int rc = cfg ? rg_hooks_from_portkey(cfg, 1, &g->ingest, &after, err, sizeof(err)) : -1;
    json_decref(cfg);
    rg_hook_list_free(&after);
    if (rc != 0 || g->ingest.n != 1) {
        rg_cfg_bad(w, at, "guardrail '%s': %s", g->name, err);
        return -1;
    }
    return 0;
}

int rg_cfg_guardrail_compile(rg_walk_t *w, rg_guardrail_t *g, json_t *hook, yaml_node_t *const *at)
{
    json_t *ingest = json_incref(json_object_get(hook, INGEST_KEY));
    if (ingest) {
        json_object_del(hook, INGEST_KEY);
        int rc = compile_ingest(w, g, ingest, at[0]);
        json_decref(ingest);
        if (rc != 0)
            return -1;
    }
    json_t *cfg = json_pack("{s:[O]}", "before_request_hooks", hook);
    rg_hook_list_t after = {0};
    char err[RG_CHECK_ERROR_MAX + 128] = "out of memory";
    /* not strict: every check keeps its own outcome, reported below at its own line */
    int rc = cfg ? rg_hooks_from_portkey(cfg, 0, &g->hooks, &after, err, sizeof(err)) : -1;
    json_decref(cfg);
    rg_hook_list_free(&after);
    if (rc != 0 || g->hooks.n != 1) {
        rg_cfg_bad(w, at[0], "guardrail '%s': %s", g->name, err);
        return -1;
    }
    int problems = 0;
    const rg_hook_t *h = &g->hooks.hooks[0];
    for (size_t i = 0; i < h->n_checks; i++) {
        const rg_hook_check_t *c = &h->checks[i];
        yaml_node_t *n = i < RG_GR_MAX_CHECKS ? at[i] : NULL;
        if (c->ops == NULL)
            rg_cfg_bad(w, n, "guardrail '%s': unknown check '%s'", g->name, c->id);
        else if (c->compiled == NULL)
            rg_cfg_bad(w, n, "guardrail '%s': check '%s': %s", g->name, c->id, c->error);
        else
            continue;
        problems++;
    }
    return problems ? -1 : 0;
}

/* ---- sections ------------------------------------------------------------------------------------- */

const rg_guardrail_t *rg_config_find_guardrail(const rg_config_t *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->n_guardrails; i++)
        if (strlen(c->guardrails[i].name) == len && memcmp(c->guardrails[i].name, name, len) == 0)
            return &c->guardrails[i];
    return NULL;
}

void rg_cfg_guardrails(rg_walk_t *w, yaml_node_t *list)
{
    rg_config_t *c = w->cfg;
    if (rg_cfg_is_null(list))
        return;
    if (list->type != YAML_SEQUENCE_NODE) {
        rg_cfg_bad(w, list, "guardrails: expected a list of guardrails (guardrail_name, litellm_params)");
        return;
    }
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    c->guardrails = rg_cfg_own(c, calloc(n ? n : 1, sizeof(rg_guardrail_t)));
    if (c->guardrails == NULL) {
        rg_cfg_bad(w, list, "guardrails: out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *e = rg_cfg_node(w, list->data.sequence.items.start[i]);
        if (e == NULL)
            continue;
        rg_guardrail_t *g = &c->guardrails[c->n_guardrails];
        yaml_node_t *at[RG_GR_MAX_CHECKS] = {0};
        json_t *hook = rg_cfg_guardrail_parse(w, e, i, g, at);
        if (g->name == NULL) {
            json_decref(hook);
            continue;
        }
        if (rg_config_find_guardrail(c, g->name, strlen(g->name)) != NULL) {
            rg_cfg_bad(w, rg_cfg_lookup(w, e, "guardrail_name"), "guardrails: guardrail_name '%s' appears twice",
                       g->name);
            json_decref(hook);
            continue;
        }
        c->n_guardrails++; /* kept even when broken, so that a model naming it gets no second error */
        if (hook != NULL)
            rg_cfg_guardrail_compile(w, g, hook, at);
        json_decref(hook);
    }
}

void rg_cfg_model_guardrails(rg_walk_t *w, yaml_node_t *list, rg_model_t *m)
{
    rg_config_t *c = w->cfg;
    const char *mname = m->name ? m->name : "?";
    char what[160];
    snprintf(what, sizeof(what), "model '%s' litellm_params.guardrails", mname);
    if (rg_cfg_is_null(list))
        return;
    if (list->type != YAML_SEQUENCE_NODE) {
        rg_cfg_bad(w, list, "%s: expected a list of guardrail names", what);
        return;
    }
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    m->guardrails = rg_cfg_own(c, calloc(n ? n : 1, sizeof(size_t)));
    m->n_guardrails = 0;
    if (m->guardrails == NULL) {
        rg_cfg_bad(w, list, "%s: out of memory", what);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = rg_cfg_node(w, list->data.sequence.items.start[i]);
        const char *s = item ? rg_cfg_scalar(w, item, what) : NULL;
        if (s == NULL)
            continue;
        const rg_guardrail_t *g = rg_config_find_guardrail(c, s, strlen(s));
        if (g == NULL) {
            rg_cfg_bad(w, item, "model '%s': unknown guardrail '%s' (not in guardrails:)", mname, s);
            continue;
        }
        size_t gi = (size_t)(g - c->guardrails), k;
        for (k = 0; k < m->n_guardrails && m->guardrails[k] != gi; k++)
            ;
        if (k < m->n_guardrails) {
            rg_cfg_bad(w, item, "model '%s': guardrail '%s' is listed twice", mname, s);
            continue;
        }
        m->guardrails[m->n_guardrails++] = gi;
    }
}

void rg_cfg_guardrails_free(rg_config_t *c)
{
    for (size_t i = 0; i < c->n_guardrails; i++) {
        rg_hook_list_free(&c->guardrails[i].hooks);
        rg_hook_list_free(&c->guardrails[i].ingest);
    }
    rg_hook_list_free(&c->default_before);
    rg_hook_list_free(&c->default_after);
}
