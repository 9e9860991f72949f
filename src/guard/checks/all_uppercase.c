/*
 * default.alluppercase — only ASCII letters count (Portkey strips
 * /[^a-zA-Z]/ and compares with toUpperCase()): true when no ASCII
 * lowercase letter is present, so text without letters passes. Empty text
 * is an error. `not` inverts. Shared with alllowercase: letter_case.c.
 */
#include "guard/checks/letter_case.h"

#include <stdlib.h>

static void *au_compile(json_t *params, char *err, size_t errsz)
{
    return rg_ck_case_compile(params, 1, err, errsz);
}

const rg_check_ops_t rg_check_all_uppercase = {
    .id = "default.alluppercase",
    .compile = au_compile,
    .run = rg_ck_case_run,
    .free = free,
};
