/*
 * default.characterCount — JavaScript string.length (UTF-16 code units: an
 * emoji outside the BMP counts 2) of the untrimmed text within
 * [minCharacters, maxCharacters], inclusive; `not` inverts. Empty text is an
 * error. Both bounds must be integers (Number.isInteger).
 */
#include "guard/checks/common.h"
#include "guard/checks/count_range.h"
#include "guard/js_value.h"

#include <stdlib.h>

#define RANGE "the specified range of %s-%s characters"
static const rg_ck_count_kind_t kind = {
    .min_param = "minCharacters",
    .max_param = "maxCharacters",
    .min_key = "minCharacters",
    .max_key = "maxCharacters",
    .count_key = "characterCount",
    .integers = 1,
    .bad_range = "Invalid or missing character count range",
    .missing = "An error occurred while counting characters: Missing text to analyze",
    .fmt = {"The text contains %zu characters, which is outside " RANGE ".",
            "The text contains %zu characters, which is within " RANGE " when it should not be.",
            "The text contains %zu characters, which is within " RANGE ".",
            "The text contains %zu characters, which is outside " RANGE " as expected."},
};

static void *cc_compile(json_t *params, char *err, size_t errsz)
{
    return rg_ck_count_compile(&kind, params, err, errsz);
}

static void cc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    size_t len;
    const char *text = rg_ck_text(env, &len);
    if (len == 0)
        rg_ck_count_missing(compiled, text, len, res);
    else
        rg_ck_count_result(compiled, rg_js_utf16_length(text, len), text, len, res);
}

const rg_check_ops_t rg_check_character_count = {
    .id = "default.characterCount",
    .compile = cc_compile,
    .run = cc_run,
    .free = free,
};
