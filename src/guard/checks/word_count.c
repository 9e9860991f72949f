/*
 * default.wordCount — Portkey: text.trim().split(/\s+/).length within
 * [minWords, maxWords], inclusive; `not` inverts. \s and trim() are
 * JavaScript's (Unicode spaces such as U+00A0, U+2003, U+3000 and U+FEFF
 * separate words). Text that is empty after trimming is an error. Both
 * bounds must be integers (Number.isInteger: 5.0 counts).
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    double min, max;
    int not;
} word_count_t;

static void *wc_compile(json_t *params, char *err, size_t errsz)
{
    json_t *mn = json_object_get(params, "minWords"), *mx = json_object_get(params, "maxWords");
    if (!rg_ck_js_integer(mn) || !rg_ck_js_integer(mx)) {
        snprintf(err, errsz, "Invalid or missing word count range");
        return NULL;
    }
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    word_count_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->min = json_number_value(mn);
    c->max = json_number_value(mx);
    c->not = not;
    return c;
}

static void wc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const word_count_t *c = compiled;
    size_t len, b, e;
    const char *text = rg_ck_text(env, &len);
    rg_ck_js_trim(text, len, &b, &e);
    res->data = json_object();
    if (b == e) {
        rg_check_fail(res, "Missing text to analyze");
        json_object_set_new(res->data, "explanation",
                            json_string("An error occurred while processing word count: Missing text to analyze"));
        json_object_set_new(res->data, "minWords", rg_ck_number_json(c->min));
        json_object_set_new(res->data, "maxWords", rg_ck_number_json(c->max));
        json_object_set_new(res->data, "not", json_boolean(c->not));
        json_object_set_new(res->data, "textExcerpt", rg_ck_excerpt_or_none(text, len));
        return;
    }
    /* split(/\s+/) of a trimmed string: one word more than there are runs of space */
    size_t count = 1;
    int in_space = 0;
    for (size_t i = b; i < e;) {
        uint32_t cp;
        i += rg_ck_utf8_next(text, e, i, &cp);
        int sp = rg_ck_js_space(cp);
        if (sp && !in_space)
            count++;
        in_space = sp;
    }
    int in_range = (double)count >= c->min && (double)count <= c->max;
    int verdict = c->not ? !in_range : in_range;

    char mn[64], mx[64];
    rg_ck_js_number(c->min, mn, sizeof(mn));
    rg_ck_js_number(c->max, mx, sizeof(mx));
    const char *fmt =
        verdict ? (c->not ? "The text contains %zu words, which is outside the specified range of %s-%s words as expected."
                          : "The text contains %zu words, which is within the specified range of %s-%s words.")
                : (c->not ? "The text contains %zu words, which is within the specified range of %s-%s words when it "
                            "should not be."
                          : "The text contains %zu words, which is outside the specified range of %s-%s words.");
    res->verdict = verdict;
    json_object_set_new(res->data, "wordCount", json_integer((json_int_t)count));
    json_object_set_new(res->data, "minWords", rg_ck_number_json(c->min));
    json_object_set_new(res->data, "maxWords", rg_ck_number_json(c->max));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "explanation", json_sprintf(fmt, count, mn, mx));
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text + b, e - b)); /* of the trimmed text */
}

const rg_check_ops_t rg_check_word_count = {
    .id = "default.wordCount",
    .compile = wc_compile,
    .run = wc_run,
    .free = free,
};
