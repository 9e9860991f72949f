#include "guard/hook.h"

#include "core/log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* ---- compiling ------------------------------------------------------- */

static json_t *get2(json_t *o, const char *snake, const char *camel)
{
    json_t *v = json_object_get(o, snake);
    return v ? v : json_object_get(o, camel);
}

static int grow(rg_hook_list_t *l)
{
    rg_hook_t *h = realloc(l->hooks, (l->n + 1) * sizeof(*h));
    if (h == NULL)
        return -1;
    l->hooks = h;
    memset(&l->hooks[l->n], 0, sizeof(rg_hook_t));
    return 0;
}

static void check_free(rg_hook_check_t *c)
{
    if (c->ops && c->compiled)
        c->ops->free(c->compiled);
    json_decref(c->params);
    free(c->id);
}

static void hook_free(rg_hook_t *h)
{
    for (size_t i = 0; i < h->n_checks; i++)
        check_free(&h->checks[i]);
    free(h->checks);
    free(h->id);
    json_decref(h->on_success);
    json_decref(h->on_fail);
}

void rg_hook_list_free(rg_hook_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        hook_free(&l->hooks[i]);
    free(l->hooks);
    l->hooks = NULL;
    l->n = 0;
}

/* Adds one check to h; parameters may be NULL. */
static int add_check(rg_hook_t *h, const char *id, json_t *params, json_t *enabled, int strict, char *err, size_t errsz)
{
    rg_hook_check_t *cs = realloc(h->checks, (h->n_checks + 1) * sizeof(*cs));
    if (cs == NULL)
        return snprintf(err, errsz, "out of memory"), -1;
    h->checks = cs;
    rg_hook_check_t *c = &cs[h->n_checks];
    memset(c, 0, sizeof(*c));
    c->id = strchr(id, '.') ? strdup(id) : NULL;
    if (c->id == NULL && !strchr(id, '.')) { /* shorthand ids without a source are default.* */
        size_t n = strlen(id) + 9;
        if ((c->id = malloc(n)) != NULL)
            snprintf(c->id, n, "default.%s", id);
    }
    if (c->id == NULL)
        return snprintf(err, errsz, "out of memory"), -1;
    h->n_checks++;
    c->enabled = enabled == NULL || !json_is_false(enabled);
    json_t *empty = NULL;
    if (params == NULL || json_is_null(params))
        params = empty = json_object();
    if (!json_is_object(params)) {
        json_decref(empty);
        return snprintf(err, errsz, "hook '%s': check '%s': parameters must be an object", h->id ? h->id : "?", c->id),
               -1;
    }
    c->fail_on_error = json_is_true(json_object_get(params, "failOnError"));
    json_t *scope = json_object_get(params, "scope");
    c->scope_all = json_is_string(scope) && strcmp(json_string_value(scope), "all") == 0;
    c->ops = rg_check_find(c->id);
    if (c->ops == NULL) {
        json_decref(empty);
        if (strict)
            return snprintf(err, errsz, "hook '%s': unknown check '%s'", h->id ? h->id : "?", c->id), -1;
        return 0;
    }
    c->compiled = c->ops->compile(params, c->error, sizeof(c->error));
    c->params = json_incref(params);
    json_decref(empty);
    if (c->compiled == NULL && strict)
        return snprintf(err, errsz, "hook '%s': check '%s': %s", h->id ? h->id : "?", c->id, c->error), -1;
    return 0;
}

static rg_hook_type_t hook_type(json_t *t)
{
    const char *s = json_string_value(t);
    if (s && !strcmp(s, "guardrail"))
        return RG_HOOK_GUARDRAIL;
    if (s && !strcmp(s, "mutator"))
        return RG_HOOK_MUTATOR;
    return RG_HOOK_UNTYPED;
}

static json_t *feedback_of(json_t *on)
{
    json_t *f = json_is_object(on) ? json_object_get(on, "feedback") : NULL;
    return json_is_object(f) ? json_incref(f) : NULL;
}

/* The hook properties shared by both forms. */
static void hook_props(rg_hook_t *h, json_t *o)
{
    h->deny = json_is_true(json_object_get(o, "deny"));
    h->async = json_is_true(json_object_get(o, "async"));
    h->sequential = json_is_true(json_object_get(o, "sequential"));
    json_t *sm = get2(o, "stream_mode", "streamMode"); /* Railgate's extension; absent or null: incremental */
    const char *smv = sm == NULL || json_is_null(sm) ? "incremental" : json_is_string(sm) ? json_string_value(sm) : "";
    h->stream_mode = !strcmp(smv, "incremental") ? RG_STREAM_INCREMENTAL
                     : !strcmp(smv, "log")       ? RG_STREAM_LOG
                                                 : RG_STREAM_BUFFER; /* "buffer", and unknown values: the strictest */
    h->on_success = feedback_of(get2(o, "on_success", "onSuccess"));
    h->on_fail = feedback_of(get2(o, "on_fail", "onFail"));
}

static int full_hooks(json_t *arr, int strict, rg_hook_list_t *l, const char *what, char *err, size_t errsz)
{
    size_t i;
    json_t *o;
    if (!json_is_array(arr))
        return snprintf(err, errsz, "%s must be an array of hooks", what), -1;
    json_array_foreach(arr, i, o)
    {
        if (!json_is_object(o))
            return snprintf(err, errsz, "%s[%zu] must be an object", what, i), -1;
        if (grow(l) != 0)
            return snprintf(err, errsz, "out of memory"), -1;
        rg_hook_t *h = &l->hooks[l->n++];
        json_t *id = json_object_get(o, "id");
        h->id = json_is_string(id) ? strdup(json_string_value(id)) : NULL;
        h->type = hook_type(json_object_get(o, "type"));
        hook_props(h, o);
        json_t *checks = json_object_get(o, "checks");
        if (checks && !json_is_array(checks))
            return snprintf(err, errsz, "%s[%zu].checks must be an array", what, i), -1;
        size_t k;
        json_t *c;
        json_array_foreach(checks, k, c)
        {
            json_t *cid = json_object_get(c, "id");
            if (!json_is_string(cid))
                return snprintf(err, errsz, "%s[%zu].checks[%zu] needs a string id", what, i, k), -1;
            if (add_check(h, json_string_value(cid), json_object_get(c, "parameters"), get2(c, "is_enabled", "isEnabled"),
                          strict, err, errsz) != 0)
                return -1;
        }
        if (h->type == RG_HOOK_UNTYPED && strict) /* request-supplied configs: not worth a log line per request */
            rg_warn("hook '%s' has no type (guardrail or mutator): its checks do not run", h->id ? h->id : "?");
    }
    return 0;
}

static int is_hook_prop(const char *k)
{
    static const char *const props[] = {"deny",   "on_fail", "on_success", "async",     "id",        "type",
                                        "sequential", "onFail", "onSuccess",  "guardrail_version_id", "guardrailVersionId",
                                        "stream_mode", "streamMode"};
    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
        if (!strcmp(k, props[i]))
            return 1;
    return 0;
}

/* Portkey's convertHooksShorthand: every key that is not a hook property is a check. */
static int shorthand(json_t *arr, int strict, rg_hook_list_t *l, const char *prefix, rg_hook_type_t type, char *err,
                     size_t errsz)
{
    size_t i;
    json_t *o;
    if (!json_is_array(arr))
        return snprintf(err, errsz, "%ss must be an array", prefix), -1;
    json_array_foreach(arr, i, o)
    {
        if (json_is_string(o))
            return snprintf(err, errsz, "%ss: '%s' names a guardrail stored in Portkey's service, which Railgate does not "
                                        "have; give its checks inline", prefix, json_string_value(o)),
                   -1;
        if (!json_is_object(o))
            return snprintf(err, errsz, "%ss[%zu] must be an object", prefix, i), -1;
        if (grow(l) != 0)
            return snprintf(err, errsz, "out of memory"), -1;
        rg_hook_t *h = &l->hooks[l->n++];
        json_t *id = json_object_get(o, "id");
        if (json_is_string(id)) {
            h->id = strdup(json_string_value(id));
        } else { /* input_guardrail_xxx: three random base-36 characters, as Portkey */
            static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
            unsigned char r[3] = {0, 0, 0};
            if (getrandom(r, sizeof(r), 0) != sizeof(r))
                r[0] = (unsigned char)i, r[1] = (unsigned char)l->n;
            char buf[64];
            snprintf(buf, sizeof(buf), "%s_%c%c%c", prefix, b36[r[0] % 36], b36[r[1] % 36], b36[r[2] % 36]);
            h->id = strdup(buf);
        }
        h->type = type;
        hook_props(h, o);
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v)
        {
            if (is_hook_prop(k))
                continue;
            if (add_check(h, k, v, json_is_object(v) ? get2(v, "is_enabled", "isEnabled") : NULL, strict, err, errsz) !=
                0)
                return -1;
        }
    }
    return 0;
}

int rg_hooks_from_portkey(json_t *config, int strict, rg_hook_list_t *before, rg_hook_list_t *after, char *err,
                          size_t errsz)
{
    if (!json_is_object(config))
        return snprintf(err, errsz, "the config must be a JSON object"), -1;
    json_t *v;
    if ((v = get2(config, "before_request_hooks", "beforeRequestHooks")) &&
        full_hooks(v, strict, before, "before_request_hooks", err, errsz))
        return -1;
    if ((v = get2(config, "after_request_hooks", "afterRequestHooks")) &&
        full_hooks(v, strict, after, "after_request_hooks", err, errsz))
        return -1;
    if ((v = get2(config, "input_guardrails", "inputGuardrails")) &&
        shorthand(v, strict, before, "input_guardrail", RG_HOOK_GUARDRAIL, err, errsz))
        return -1;
    if ((v = get2(config, "output_guardrails", "outputGuardrails")) &&
        shorthand(v, strict, after, "output_guardrail", RG_HOOK_GUARDRAIL, err, errsz))
        return -1;
    if ((v = get2(config, "input_mutators", "inputMutators")) &&
        shorthand(v, strict, before, "input_mutator", RG_HOOK_MUTATOR, err, errsz))
        return -1;
    if ((v = get2(config, "output_mutators", "outputMutators")) &&
        shorthand(v, strict, after, "output_mutator", RG_HOOK_MUTATOR, err, errsz))
        return -1;
    return 0;
}
