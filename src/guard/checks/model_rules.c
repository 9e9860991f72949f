/*
 * default.modelRules — rules = {"defaults": [models], "metadata": {"<key>":
 * {"<value>": [models]}}}. The allowed set is the union of the lists whose
 * key/value match the request metadata (a metadata value may be an array:
 * each element is tried; values are compared as JavaScript String(v)); when
 * that union is empty, `defaults`; when that is empty too, an error. verdict
 * = model in the set XOR not. data is only {explanation}, as Portkey.
 *
 * Rule keys are visited in JavaScript's Object.entries order (array-index
 * keys such as "7" first, ascending, then the rest as written), which is the
 * order of "matched rules" in the explanation.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *val;
    rg_ck_strv_t models;
} mr_entry_t;

typedef struct {
    char *key;
    mr_entry_t *e;
    size_t n;
} mr_rule_t;

typedef struct {
    rg_ck_strv_t defaults;
    mr_rule_t *rules;
    size_t n;
    int not;
} model_rules_t;

static void mr_free(void *p)
{
    model_rules_t *c = p;
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; k < c->rules[i].n; k++) {
            free(c->rules[i].e[k].val);
            rg_ck_strv_free(&c->rules[i].e[k].models);
        }
        free(c->rules[i].e);
        free(c->rules[i].key);
    }
    free(c->rules);
    rg_ck_strv_free(&c->defaults);
    free(c);
}

/* A canonical array index ("0", "17"; not "07", not >= 2^32 - 1): its value, else -1. */
static long long array_index(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 10 || (n > 1 && k[0] == '0'))
        return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return -1;
        v = v * 10 + (k[i] - '0');
    }
    return v < 4294967295LL ? v : -1;
}

static int rule_order(const void *a, const void *b) /* array-index keys only */
{
    long long x = array_index(((const mr_rule_t *)a)->key), y = array_index(((const mr_rule_t *)b)->key);
    return x < y ? -1 : x > y;
}

static void *fail(model_rules_t *c, char *err, size_t errsz, const char *msg, const char *key)
{
    if (key)
        snprintf(err, errsz, msg, key);
    else
        snprintf(err, errsz, "%s", msg);
    mr_free(c);
    return NULL;
}

static void *mr_compile(json_t *params, char *err, size_t errsz)
{
    json_t *rules = json_object_get(params, "rules");
    if (rules == NULL || json_is_null(rules))
        return fail(NULL, err, errsz, "Missing rules configuration", NULL);
    if (!json_is_object(rules))
        return fail(NULL, err, errsz, "rules must be an object", NULL);
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    model_rules_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return fail(NULL, err, errsz, "out of memory", NULL);
    c->not = not;
    json_t *d = json_object_get(rules, "defaults"), *md = json_object_get(rules, "metadata");
    if (d && !json_is_null(d) && rg_ck_strv_from_json(d, &c->defaults))
        return fail(c, err, errsz, "rules.defaults must be an array of strings", NULL);
    if (md && !json_is_null(md) && !json_is_object(md))
        return fail(c, err, errsz, "rules.metadata must be an object", NULL);

    size_t n = json_object_size(md);
    if (n && (c->rules = calloc(n, sizeof(*c->rules))) == NULL)
        return fail(c, err, errsz, "out of memory", NULL);
    const char *key;
    json_t *mapping;
    json_object_foreach(md, key, mapping) {
        if (!json_is_object(mapping))
            return fail(c, err, errsz, "rules.metadata.%s must be an object of model lists", key);
        mr_rule_t *r = &c->rules[c->n++];
        if ((r->key = strdup(key)) == NULL)
            return fail(c, err, errsz, "out of memory", NULL);
        size_t m = json_object_size(mapping);
        if (m && (r->e = calloc(m, sizeof(*r->e))) == NULL)
            return fail(c, err, errsz, "out of memory", NULL);
        const char *val;
        json_t *models;
        json_object_foreach(mapping, val, models) {
            mr_entry_t *e = &r->e[r->n];
            if ((e->val = strdup(val)) == NULL)
                return fail(c, err, errsz, "out of memory", NULL);
            r->n++;
            if (rg_ck_strv_from_json(models, &e->models))
                return fail(c, err, errsz, "rules.metadata.%s: every value must be an array of model names", key);
        }
    }
    /* Object.entries order: move the array-index keys to the front (plain
     * keys keep their relative order), then sort those numerically */
    size_t n_idx = 0;
    for (size_t i = 0; i < c->n; i++)
        if (array_index(c->rules[i].key) >= 0) {
            mr_rule_t t = c->rules[i];
            memmove(&c->rules[n_idx + 1], &c->rules[n_idx], (i - n_idx) * sizeof(t));
            c->rules[n_idx++] = t;
        }
    if (n_idx > 1)
        qsort(c->rules, n_idx, sizeof(*c->rules), rule_order);
    return c;
}

static void error_result(rg_check_result_t *res, const char *msg)
{
    rg_check_fail(res, "%s", msg);
    res->data = json_pack("{s:o}", "explanation", json_sprintf("An error occurred while checking model rules: %s", msg));
}

static void mr_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const model_rules_t *c = compiled;
    json_t *model = json_object_get(env->request, "model");
    if (!json_is_string(model) || json_string_length(model) == 0) {
        error_result(res, "Missing model in request");
        return;
    }
    const char *name = json_string_value(model);
    size_t name_len = json_string_length(model);

    char *matched = NULL; /* "key:val, key:val" */
    size_t matched_len = 0;
    FILE *mf = open_memstream(&matched, &matched_len);
    if (mf == NULL) {
        error_result(res, "out of memory");
        return;
    }
    int n_rules = 0, n_models = 0, in_matched = 0;
    for (size_t i = 0; i < c->n; i++) {
        const mr_rule_t *r = &c->rules[i];
        json_t *rv = json_object_get(env->metadata, r->key);
        if (rv == NULL || json_is_null(rv))
            continue;
        size_t nv = json_is_array(rv) ? json_array_size(rv) : 1;
        for (size_t v = 0; v < nv; v++) {
            char *val = rg_ck_js_string(json_is_array(rv) ? json_array_get(rv, v) : rv);
            if (val == NULL)
                continue;
            for (size_t k = 0; k < r->n; k++) {
                if (strcmp(r->e[k].val, val) != 0)
                    continue;
                fprintf(mf, "%s%s:%s", n_rules++ ? ", " : "", r->key, val);
                for (size_t m = 0; m < r->e[k].models.n; m++) {
                    if (r->e[k].models.len[m] == 0)
                        continue; /* Portkey skips empty names here */
                    n_models++;
                    if (r->e[k].models.len[m] == name_len && memcmp(r->e[k].models.s[m], name, name_len) == 0)
                        in_matched = 1;
                }
            }
            free(val);
        }
    }
    fclose(mf);

    int using_defaults = n_models == 0, in;
    if (using_defaults) {
        if (c->defaults.n == 0) {
            free(matched);
            error_result(res, "No allowed models resolved from rules");
            return;
        }
        in = rg_ck_strv_has(&c->defaults, name, name_len);
    } else {
        in = in_matched;
    }
    int verdict = c->not ? !in : in;
    json_t *expl;
    if (verdict) {
        const char *head = c->not ? "Model \"%s\" is not permitted by rules (blocked list).%s%s%s"
                                  : "Model \"%s\" is allowed by rules.%s%s%s";
        if (n_rules)
            expl = json_sprintf(head, name, " (matched rules: ", matched, ")");
        else
            expl = json_sprintf(head, name, using_defaults ? " (using default models)" : "", "", "");
    } else {
        expl = json_sprintf(c->not ? "Model \"%s\" is permitted by rules (in blocked list)."
                                   : "Model \"%s\" is not allowed by rules.",
                            name);
    }
    free(matched);
    res->verdict = verdict;
    res->data = json_object();
    json_object_set_new(res->data, "explanation", expl);
}

const rg_check_ops_t rg_check_model_rules = {
    .id = "default.modelRules",
    .compile = mr_compile,
    .run = mr_run,
    .free = mr_free,
};
