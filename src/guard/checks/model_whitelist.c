/*
 * default.modelWhitelist — the request's `model` (request.json.model, in
 * either phase) must be one of `models` (exact match); `not` inverts. A
 * request without a model (or with an empty or non-string one) is an error.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    rg_ck_strv_t models;
    int not;
} model_whitelist_t;

static void mw_free(void *p)
{
    model_whitelist_t *c = p;
    if (c) {
        rg_ck_strv_free(&c->models);
        free(c);
    }
}

static void *mw_compile(json_t *params, char *err, size_t errsz)
{
    int not;
    json_t *m = json_object_get(params, "models");
    if (!json_is_array(m)) {
        snprintf(err, errsz, "Missing or invalid model whitelist");
        return NULL;
    }
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    model_whitelist_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (rg_ck_strv_from_json(m, &c->models)) {
        snprintf(err, errsz, "models must be an array of strings");
        free(c);
        return NULL;
    }
    c->not = not;
    return c;
}

static void mw_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const model_whitelist_t *c = compiled;
    json_t *model = json_object_get(env->request, "model");
    res->data = json_object();
    if (!json_is_string(model) || json_string_length(model) == 0) {
        rg_check_fail(res, "Missing model in request");
        json_object_set_new(res->data, "explanation",
                            json_string("An error occurred while checking model whitelist: Missing model in request"));
        json_object_set_new(res->data, "requestedModel", json_string("No model specified"));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "allowedModels", rg_ck_strv_json(&c->models));
        return;
    }
    const char *name = json_string_value(model);
    int in = rg_ck_strv_has(&c->models, name, json_string_length(model));
    int verdict = c->not ? !in : in;
    const char *fmt = verdict ? (c->not ? "Model \"%s\" is not in the allowed list as expected." : "Model \"%s\" is allowed.")
                              : (c->not ? "Model \"%s\" is in the allowed list when it should not be."
                                        : "Model \"%s\" is not in the allowed list.");
    res->verdict = verdict;
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "explanation", json_sprintf(fmt, name));
    json_object_set_new(res->data, "requestedModel", json_string(name));
    json_object_set_new(res->data, "allowedModels", rg_ck_strv_json(&c->models));
}

const rg_check_ops_t rg_check_model_whitelist = {
    .id = "default.modelWhitelist",
    .compile = mw_compile,
    .run = mw_run,
    .free = mw_free,
};
