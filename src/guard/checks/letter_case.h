/*
 * checks/letter_case.h — default.alllowercase and default.alluppercase:
 * one implementation, `upper` picks the case. Each check's ops struct stays
 * in its own file.
 */
#ifndef RG_GUARD_CHECKS_LETTER_CASE_H
#define RG_GUARD_CHECKS_LETTER_CASE_H

#include "guard/check.h"

#include <jansson.h>
#include <stddef.h>

/* Parameters: optional boolean `not`. Freed with free(). */
void *rg_ck_case_compile(json_t *params, int upper, char *err, size_t errsz);
void rg_ck_case_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res);

#endif
