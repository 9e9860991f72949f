/*
 * default.alluppercase — only ASCII letters count (Portkey strips
 * /[^a-zA-Z]/ and compares with toUpperCase()): true when no ASCII
 * lowercase letter is present, so text without letters passes. Empty text
 * is an error. `not` inverts.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int not;
} all_uppercase_t;

static void *au_compile(json_t *params, char *err, size_t errsz)
{
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    all_uppercase_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->not = not;
    return c;
}

static void au_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const all_uppercase_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    res->data = json_object();
    if (len == 0) {
        rg_check_fail(res, "Missing text to analyze");
        json_object_set_new(res->data, "explanation",
                            json_string("An error occurred while checking uppercase: Missing text to analyze"));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", json_string("No text available"));
        return;
    }
    int ok = 1;
    for (size_t i = 0; i < len && ok; i++)
        if (text[i] >= 'a' && text[i] <= 'z')
            ok = 0;
    int verdict = c->not ? !ok : ok;
    const char *expl = verdict ? (c->not ? "The text contains lowercase characters as expected."
                                         : "All alphabetic characters in the text are uppercase.")
                               : (c->not ? "All alphabetic characters in the text are uppercase when they should not be."
                                         : "The text contains lowercase characters.");
    res->verdict = verdict;
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "explanation", json_string(expl));
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
}

const rg_check_ops_t rg_check_all_uppercase = {
    .id = "default.alluppercase",
    .compile = au_compile,
    .run = au_run,
    .free = free,
};
