/*
 * default.sentenceCount — the number of '.', '!' and '?' characters
 * (Portkey: text.split(/[.!?]/).length - 1, so "Hi" is 0 and "Wow!!" is 2)
 * within [minSentences, maxSentences], inclusive; `not` inverts. Empty text
 * is allowed (0 sentences). Both bounds must be JSON numbers (any number,
 * not only integers).
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    double min, max;
    int not;
} sentence_count_t;

static void *sc_compile(json_t *params, char *err, size_t errsz)
{
    json_t *mn = json_object_get(params, "minSentences"), *mx = json_object_get(params, "maxSentences");
    if (!json_is_number(mn) || !json_is_number(mx)) {
        snprintf(err, errsz, "Missing sentence count range");
        return NULL;
    }
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    sentence_count_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->min = json_number_value(mn);
    c->max = json_number_value(mx);
    c->not = not;
    return c;
}

static void sc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const sentence_count_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '.' || text[i] == '!' || text[i] == '?')
            count++;
    int in_range = (double)count >= c->min && (double)count <= c->max;
    int verdict = c->not ? !in_range : in_range;

    char mn[64], mx[64];
    rg_ck_js_number(c->min, mn, sizeof(mn));
    rg_ck_js_number(c->max, mx, sizeof(mx));
    const char *fmt = verdict ? (c->not ? "The sentence count (%zu) is outside the specified range of %s to %s as expected."
                                        : "The sentence count (%zu) is within the specified range of %s to %s.")
                              : (c->not ? "The sentence count (%zu) is within the specified range of %s to %s when it "
                                          "should not be."
                                        : "The sentence count (%zu) is outside the specified range of %s to %s.");
    res->verdict = verdict;
    res->data = json_object();
    json_object_set_new(res->data, "sentenceCount", json_integer((json_int_t)count));
    json_object_set_new(res->data, "minCount", rg_ck_number_json(c->min));
    json_object_set_new(res->data, "maxCount", rg_ck_number_json(c->max));
    json_object_set_new(res->data, "not", json_boolean(c->not));
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "explanation", json_sprintf(fmt, count, mn, mx));
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
}

const rg_check_ops_t rg_check_sentence_count = {
    .id = "default.sentenceCount",
    .compile = sc_compile,
    .run = sc_run,
    .free = free,
};
