/*
 * default_hooks.c — railgate_settings.hooks (Portkey's hook config written
 * as YAML, for every request) and railgate_settings.request_hooks.
 *
 * Each hook is converted (yaml_json.c) and compiled with strict=1 on its
 * own, so a problem carries the hook's line. Full hooks (before_/
 * after_request_hooks) must have a type and {id, parameters} checks: Portkey
 * would run none of an untyped hook's checks. Hooks without an id get a
 * stable one (input_guardrail_0, ...) rather than Portkey's random suffix,
 * so records group by it.
 */
#include "config/guardrails.h"
#include "config/walk.h"

#include <stdio.h>
#include <string.h>

/* railgate_settings.hooks: the keys of Portkey's config that hold hooks; the first two are full hooks */
static const char *const hook_keys[] = {"before_request_hooks", "after_request_hooks", "input_guardrails",
                                        "output_guardrails",    "input_mutators",      "output_mutators"};
static const char *const hook_id_prefix[] = {"before_request_hook", "after_request_hook", "input_guardrail",
                                             "output_guardrail",    "input_mutator",      "output_mutator"};

/* A full hook must say what it is, and its checks must be {id, parameters}: Portkey would pass it silently. */
static int full_hook_ok(rg_walk_t *w, yaml_node_t *item, json_t *h, const char *what)
{
    const char *type = json_string_value(json_object_get(h, "type"));
    if (type == NULL || (strcmp(type, "guardrail") && strcmp(type, "mutator"))) {
        rg_cfg_bad(w, item, "%s: type is required: guardrail or mutator (a hook without it runs no checks)", what);
        return 0;
    }
    json_t *checks = json_object_get(h, "checks");
    if (!json_is_array(checks) || json_array_size(checks) == 0) {
        rg_cfg_bad(w, item, "%s: checks: expected a list of checks (id, parameters)", what);
        return 0;
    }
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        if (!json_is_object(c) || !json_is_string(json_object_get(c, "id"))) {
            rg_cfg_bad(w, item, "%s: checks[%zu]: expected a mapping with an id (and parameters)", what, i);
            return 0;
        }
    }
    return 1;
}

static void default_hooks_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    rg_config_t *c = w->cfg;
    size_t kind;
    for (kind = 0; kind < sizeof(hook_keys) / sizeof(hook_keys[0]) && strcmp(key, hook_keys[kind]); kind++)
        ;
    if (kind == sizeof(hook_keys) / sizeof(hook_keys[0])) {
        rg_cfg_bad(w, k,
                   "railgate_settings.hooks: unknown key '%s' (known: before_request_hooks, after_request_hooks, "
                   "input_guardrails, output_guardrails, input_mutators, output_mutators)",
                   key);
        return;
    }
    if (rg_cfg_is_null(v))
        return;
    if (v->type != YAML_SEQUENCE_NODE) {
        rg_cfg_bad(w, v, "railgate_settings.hooks.%s: expected a list of hooks", key);
        return;
    }
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = rg_cfg_node(w, v->data.sequence.items.start[i]);
        if (item == NULL)
            continue;
        char what[96];
        snprintf(what, sizeof(what), "railgate_settings.hooks.%s[%zu]", key, i);
        if (item->type != YAML_MAPPING_NODE) {
            rg_cfg_bad(w, item, "%s: expected a hook (a mapping)", what);
            continue;
        }
        json_t *h = rg_cfg_json(w, item, what);
        if (h == NULL)
            continue;
        if (kind < 2 && !full_hook_ok(w, item, h, what)) {
            json_decref(h);
            continue;
        }
        if (!json_is_string(json_object_get(h, "id"))) { /* stable ids in records, not Portkey's random ones */
            char id[64];
            snprintf(id, sizeof(id), "%s_%zu", hook_id_prefix[kind], i);
            json_object_set_new(h, "id", json_string(id));
        }
        json_t *one = json_pack("{s:[o]}", key, h);
        char err[RG_CHECK_ERROR_MAX + 128] = "out of memory";
        if (one == NULL || rg_hooks_from_portkey(one, 1, &c->default_before, &c->default_after, err, sizeof(err)))
            rg_cfg_bad(w, item, "%s: %s", what, err);
        json_decref(one);
    }
}

void rg_cfg_default_hooks(rg_walk_t *w, yaml_node_t *map)
{
    rg_cfg_each_pair(w, map, "railgate_settings.hooks", default_hooks_pair, NULL);
}

void rg_cfg_request_hooks(rg_walk_t *w, yaml_node_t *v)
{
    const char *s = rg_cfg_scalar(w, v, "railgate_settings.request_hooks");
    if (s && !strcmp(s, "additive"))
        w->cfg->request_hooks_off = 0;
    else if (s && !strcmp(s, "off"))
        w->cfg->request_hooks_off = 1;
    else if (s)
        rg_cfg_bad(w, v, "railgate_settings.request_hooks: expected additive or off, got '%s'", s);
}

void rg_cfg_request_hook_hosts(rg_walk_t *w, yaml_node_t *list)
{
    const char *what = "railgate_settings.request_hook_hosts";
    if (rg_cfg_is_null(list))
        return;
    if (list->type != YAML_SEQUENCE_NODE) {
        rg_cfg_bad(w, list, "%s: expected a list of host names (or \"*\" for any)", what);
        return;
    }
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    char **hosts = rg_cfg_own(w->cfg, calloc(n + 1, sizeof(char *)));
    if (hosts == NULL) {
        rg_cfg_bad(w, list, "%s: out of memory", what);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = rg_cfg_node(w, list->data.sequence.items.start[i]);
        const char *s = item ? rg_cfg_scalar(w, item, what) : NULL;
        if (s == NULL)
            continue;
        if (*s == '\0' || strlen(s) > 253 || strpbrk(s, "/:@ ")) {
            rg_cfg_bad(w, item, "%s: '%s' is not a host name", what, s);
            continue;
        }
        char *h = rg_cfg_strdup(w->cfg, s);
        for (char *p = h; p && *p; p++)
            *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
        hosts[k++] = h;
    }
    w->cfg->request_hook_hosts = hosts;
}
