/*
 * default.requiredMetadataKeys — presence of `metadataKeys` in the request
 * metadata (x-portkey-metadata); operator all: none missing, any: at least
 * one found, none: none found. Before-request hooks only: elsewhere the
 * check returns an error with verdict true, as Portkey does. Portkey's
 * errors here are plain {message} objects without a name (error_name "").
 *
 * Portkey tests presence with JavaScript's `key in metadata`, which also
 * sees Object.prototype's members: a required key such as "constructor"
 * or "toString" is always found. Reproduced.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_ALL, OP_ANY, OP_NONE };
static const char *const op_names[] = {"all", "any", "none"};

typedef struct {
    rg_ck_strv_t keys;
    int op;
} required_metadata_keys_t;

static void rm_free(void *p)
{
    required_metadata_keys_t *c = p;
    if (c) {
        rg_ck_strv_free(&c->keys);
        free(c);
    }
}

static void *rm_compile(json_t *params, char *err, size_t errsz)
{
    json_t *keys = json_object_get(params, "metadataKeys"), *op = json_object_get(params, "operator");
    if (!json_is_array(keys) || json_array_size(keys) == 0) {
        snprintf(err, errsz, "metadataKeys must be an array and not empty");
        return NULL;
    }
    required_metadata_keys_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (rg_ck_strv_from_json(keys, &c->keys)) {
        snprintf(err, errsz, "metadataKeys must be an array of strings");
        free(c);
        return NULL;
    }
    c->op = -1;
    for (int i = 0; i < 3 && json_is_string(op); i++)
        if (strcmp(json_string_value(op), op_names[i]) == 0)
            c->op = i;
    if (c->op < 0) {
        snprintf(err, errsz, "operator must be one of: all, any, none");
        rm_free(c);
        return NULL;
    }
    return c;
}

/* Object.prototype's own property names: `name in {}` is true for them. */
static int inherited(const char *k)
{
    static const char *const names[] = {"constructor",      "__defineGetter__", "__defineSetter__", "hasOwnProperty",
                                        "__lookupGetter__", "__lookupSetter__", "isPrototypeOf",    "propertyIsEnumerable",
                                        "toString",         "valueOf",          "__proto__",        "toLocaleString"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(k, names[i]) == 0)
            return 1;
    return 0;
}

static void rm_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const required_metadata_keys_t *c = compiled;
    if (env->phase != RG_PHASE_REQUEST) {
        rg_ck_fail_plain(res, 1, "This plugin only works for before_request_hooks");
        return;
    }
    json_t *found = json_array(), *missing = json_array();
    size_t n_found = 0;
    for (size_t i = 0; i < c->keys.n; i++) {
        const char *k = c->keys.s[i];
        int in = (strlen(k) == c->keys.len[i] && json_object_get(env->metadata, k) != NULL) || inherited(k);
        json_array_append_new(in ? found : missing, json_stringn(k, c->keys.len[i]));
        n_found += in != 0;
    }
    size_t n_missing = c->keys.n - n_found;
    int verdict = c->op == OP_ANY ? n_found > 0 : c->op == OP_ALL ? n_missing == 0 : n_found == 0;
    static const char *const pass[] = {"All metadata keys were found.", "At least one metadata key was found.",
                                       "No metadata keys were found."};
    static const char *const fail[] = {"Some metadata keys were missing.", "No metadata keys were found.",
                                       "Some metadata keys were found."};
    res->verdict = verdict;
    res->data = json_object();
    json_object_set_new(res->data, "explanation",
                        json_sprintf("Check %s for '%s' metadata keys. %s", verdict ? "passed" : "failed",
                                     op_names[c->op], verdict ? pass[c->op] : fail[c->op]));
    json_object_set_new(res->data, "missing_metadata_keys", missing);
    json_object_set_new(res->data, "found_metadata_keys", found);
    json_object_set_new(res->data, "operator", json_string(op_names[c->op]));
}

const rg_check_ops_t rg_check_required_metadata_keys = {
    .id = "default.requiredMetadataKeys",
    .compile = rm_compile,
    .run = rm_run,
    .free = rm_free,
};
