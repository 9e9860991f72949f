/*
 * default.characterCount — JavaScript string.length (UTF-16 code units: an
 * emoji outside the BMP counts 2) of the untrimmed text within
 * [minCharacters, maxCharacters], inclusive; `not` inverts. Empty text is an
 * error. Both bounds must be integers (Number.isInteger).
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    double min, max;
    int not;
} character_count_t;

static void *cc_compile(json_t *params, char *err, size_t errsz)
{
    json_t *mn = json_object_get(params, "minCharacters"), *mx = json_object_get(params, "maxCharacters");
    if (!rg_ck_js_integer(mn) || !rg_ck_js_integer(mx)) {
        snprintf(err, errsz, "Invalid or missing character count range");
        return NULL;
    }
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    character_count_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->min = json_number_value(mn);
    c->max = json_number_value(mx);
    c->not = not;
    return c;
}

static void cc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const character_count_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    res->data = json_object();
    if (len == 0) {
        rg_check_fail(res, "Missing text to analyze");
        json_object_set_new(res->data, "explanation",
                            json_string("An error occurred while counting characters: Missing text to analyze"));
        json_object_set_new(res->data, "minCharacters", rg_ck_number_json(c->min));
        json_object_set_new(res->data, "maxCharacters", rg_ck_number_json(c->max));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", json_string("No text available"));
        return;
    }
    size_t count = rg_ck_utf16_len(text, len);
    int in_range = (double)count >= c->min && (double)count <= c->max;
    int verdict = c->not ? !in_range : in_range;

    char mn[64], mx[64];
    rg_ck_js_number(c->min, mn, sizeof(mn));
    rg_ck_js_number(c->max, mx, sizeof(mx));
    const char *fmt =
        verdict ? (c->not ? "The text contains %zu characters, which is outside the specified range of %s-%s characters "
                            "as expected."
                          : "The text contains %zu characters, which is within the specified range of %s-%s characters.")
                : (c->not ? "The text contains %zu characters, which is within the specified range of %s-%s characters "
                            "when it should not be."
                          : "The text contains %zu characters, which is outside the specified range of %s-%s characters.");
    res->verdict = verdict;
    json_object_set_new(res->data, "characterCount", json_integer((json_int_t)count));
    json_object_set_new(res->data, "minCharacters", rg_ck_number_json(c->min));
    json_object_set_new(res->data, "maxCharacters", rg_ck_number_json(c->max));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "explanation", json_sprintf(fmt, count, mn, mx));
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
}

const rg_check_ops_t rg_check_character_count = {
    .id = "default.characterCount",
    .compile = cc_compile,
    .run = cc_run,
    .free = free,
};
