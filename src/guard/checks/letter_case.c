/* checks/letter_case.c — the shared all-lowercase / all-uppercase check (see letter_case.h). */
#include "guard/checks/letter_case.h"

#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int not;
    int upper;
} letter_case_t;

void *rg_ck_case_compile(json_t *params, int upper, char *err, size_t errsz)
{
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    letter_case_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->not = not;
    c->upper = upper;
    return c;
}

void rg_ck_case_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const letter_case_t *c = compiled;
    const char *want = c->upper ? "uppercase" : "lowercase", *other = c->upper ? "lowercase" : "uppercase";
    char bad = c->upper ? 'a' : 'A'; /* first letter of the other case */
    size_t len;
    const char *text = rg_ck_text(env, &len);
    res->data = json_object();
    if (len == 0) {
        rg_check_fail(res, "Missing text to analyze");
        json_object_set_new(res->data, "explanation",
                            json_sprintf("An error occurred while checking %s: Missing text to analyze", want));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", json_string("No text available"));
        return;
    }
    int ok = 1;
    for (size_t i = 0; i < len && ok; i++)
        if (text[i] >= bad && text[i] <= bad + 25)
            ok = 0;
    int verdict = c->not ? !ok : ok;
    json_t *expl = verdict ? (c->not ? json_sprintf("The text contains %s characters as expected.", other)
                                     : json_sprintf("All alphabetic characters in the text are %s.", want))
                           : (c->not ? json_sprintf("All alphabetic characters in the text are %s when they should "
                                                    "not be.", want)
                                     : json_sprintf("The text contains %s characters.", other));
    res->verdict = verdict;
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "explanation", expl);
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
}
