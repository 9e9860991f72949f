/*
 * default.alllowercase — only ASCII letters count (Portkey strips
 * /[^a-zA-Z]/ and compares with toLowerCase()): true when no ASCII
 * uppercase letter is present, so text without letters passes. Empty text
 * is an error. `not` inverts. Shared with alluppercase: letter_case.c.
 */
#include "guard/checks/letter_case.h"

#include <stdlib.h>

static void *al_compile(json_t *params, char *err, size_t errsz)
{
    return rg_ck_case_compile(params, 0, err, errsz);
}

const rg_check_ops_t rg_check_all_lowercase = {
    .id = "default.alllowercase",
    .compile = al_compile,
    .run = rg_ck_case_run,
    .free = free,
};
