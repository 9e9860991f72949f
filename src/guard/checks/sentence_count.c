/*
 * default.sentenceCount — the number of '.', '!' and '?' characters
 * (Portkey: text.split(/[.!?]/).length - 1, so "Hi" is 0 and "Wow!!" is 2)
 * within [minSentences, maxSentences], inclusive; `not` inverts. Empty text
 * is allowed (0 sentences). Both bounds must be JSON numbers (any number,
 * not only integers).
 */
#include "guard/checks/common.h"
#include "guard/checks/count_range.h"

#include <stdlib.h>

#define RANGE "the specified range of %s to %s"
static const rg_ck_count_kind_t kind = {
    .min_param = "minSentences",
    .max_param = "maxSentences",
    .min_key = "minCount",
    .max_key = "maxCount",
    .count_key = "sentenceCount",
    .integers = 0,
    .bad_range = "Missing sentence count range",
    .fmt = {"The sentence count (%zu) is outside " RANGE ".",
            "The sentence count (%zu) is within " RANGE " when it should not be.",
            "The sentence count (%zu) is within " RANGE ".",
            "The sentence count (%zu) is outside " RANGE " as expected."},
};

static void *sc_compile(json_t *params, char *err, size_t errsz)
{
    return rg_ck_count_compile(&kind, params, err, errsz);
}

static void sc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    size_t len;
    const char *text = rg_ck_text(env, &len);
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '.' || text[i] == '!' || text[i] == '?')
            count++;
    rg_ck_count_result(compiled, count, text, len, res);
}

const rg_check_ops_t rg_check_sentence_count = {
    .id = "default.sentenceCount",
    .compile = sc_compile,
    .run = sc_run,
    .free = free,
};
