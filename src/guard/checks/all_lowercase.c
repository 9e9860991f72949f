/*
 * default.alllowercase — only ASCII letters count (Portkey strips
 * /[^a-zA-Z]/ and compares with toLowerCase()): true when no ASCII
 * uppercase letter is present, so text without letters passes. Empty text
 * is an error. `not` inverts.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int not;
} all_lowercase_t;

static void *al_compile(json_t *params, char *err, size_t errsz)
{
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    all_lowercase_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->not = not;
    return c;
}

static void al_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const all_lowercase_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    res->data = json_object();
    if (len == 0) {
        rg_check_fail(res, "Missing text to analyze");
        json_object_set_new(res->data, "explanation",
                            json_string("An error occurred while checking lowercase: Missing text to analyze"));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", json_string("No text available"));
        return;
    }
    int ok = 1;
    for (size_t i = 0; i < len && ok; i++)
        if (text[i] >= 'A' && text[i] <= 'Z')
            ok = 0;
    int verdict = c->not ? !ok : ok;
    const char *expl = verdict ? (c->not ? "The text contains uppercase characters as expected."
                                         : "All alphabetic characters in the text are lowercase.")
                               : (c->not ? "All alphabetic characters in the text are lowercase when they should not be."
                                         : "The text contains uppercase characters.");
    res->verdict = verdict;
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "explanation", json_string(expl));
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
}

const rg_check_ops_t rg_check_all_lowercase = {
    .id = "default.alllowercase",
    .compile = al_compile,
    .run = al_run,
    .free = free,
};
