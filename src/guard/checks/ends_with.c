/*
 * default.endsWith — Portkey: text.endsWith(suffix) || text.endsWith(suffix
 * + '.'), no trimming; `not` inverts. suffix must be a non-empty string;
 * empty text is an error.
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *suffix;
    size_t len;
    int not;
} ends_with_t;

static void ew_free(void *p)
{
    ends_with_t *c = p;
    if (c) {
        free(c->suffix);
        free(c);
    }
}

static void *ew_compile(json_t *params, char *err, size_t errsz)
{
    json_t *s = json_object_get(params, "suffix");
    if (!json_is_string(s) || json_string_length(s) == 0) {
        snprintf(err, errsz, "Missing or empty suffix");
        return NULL;
    }
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    ends_with_t *c = calloc(1, sizeof(*c));
    if (c == NULL || (c->suffix = malloc(json_string_length(s) + 1)) == NULL) {
        free(c);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->len = json_string_length(s);
    memcpy(c->suffix, json_string_value(s), c->len + 1);
    c->not = not;
    return c;
}

static int ends(const char *t, size_t tl, const char *s, size_t sl)
{
    return tl >= sl && memcmp(t + tl - sl, s, sl) == 0;
}

static void ew_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const ends_with_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    res->data = json_object();
    if (len == 0) {
        rg_check_fail(res, "Missing text to analyze");
        json_object_set_new(res->data, "explanation",
                            json_string("An error occurred while checking suffix: Missing text to analyze"));
        json_object_set_new(res->data, "suffix", json_stringn(c->suffix, c->len));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", json_string("No text available"));
        return;
    }
    int with_period = len > 0 && text[len - 1] == '.' && ends(text, len - 1, c->suffix, c->len);
    int ew = ends(text, len, c->suffix, c->len) || with_period;
    int verdict = c->not ? !ew : ew;
    json_t *expl;
    if (verdict && c->not)
        expl = json_sprintf("The text does not end with \"%s\" as expected.", c->suffix);
    else if (verdict)
        expl = json_sprintf("The text ends with \"%s\"%s.", c->suffix, with_period ? " (including trailing period)" : "");
    else if (c->not)
        expl = json_sprintf("The text ends with \"%s\" when it should not.", c->suffix);
    else
        expl = json_sprintf("The text does not end with \"%s\".", c->suffix);
    res->verdict = verdict;
    json_object_set_new(res->data, "suffix", json_stringn(c->suffix, c->len));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "explanation", expl);
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
}

const rg_check_ops_t rg_check_ends_with = {
    .id = "default.endsWith",
    .compile = ew_compile,
    .run = ew_run,
    .free = ew_free,
};
