/*
 * checks/common.h — helpers shared by the default.* checks: JavaScript
 * conversions (String(v), Number.isInteger; strings, numbers and truthiness
 * are in guard/js_value.h) and parameter parsing.
 *
 * Portkey's checks are TypeScript; these helpers reproduce the few pieces of
 * JavaScript semantics whose results show up in a verdict or in `data`.
 * Everything here is pure (no state), safe from any thread.
 */
#ifndef RG_GUARD_CHECKS_COMMON_H
#define RG_GUARD_CHECKS_COMMON_H

#include "guard/check.h"

#include <jansson.h>
#include <stddef.h>

/* The text a check looks at: env->text->joined, or "" when there is none. */
const char *rg_ck_text(const rg_check_env_t *env, size_t *len);

/* A JSON number as JavaScript would serialise it: an integer when the value
 * is integral and exactly representable, else a real. */
json_t *rg_ck_number_json(double d);
/* The same number written as JSON text. */
void rg_ck_jw_number(rg_jw_t *w, double d);

/* JavaScript String(v) of a JSON value (NULL = undefined → ""). malloc'd. */
char *rg_ck_js_string(const json_t *v);

/* Number.isInteger of a JSON value. */
int rg_ck_js_integer(const json_t *v);

/* Portkey's error-path textExcerpt: the excerpt, or "No text available"
 * when the text is empty. */
json_t *rg_ck_excerpt_or_none(const char *s, size_t len);

/* Optional boolean parameter: absent or null → dflt. 0, or -1 with err. */
int rg_ck_bool_param(json_t *params, const char *key, int dflt, int *out, char *err, size_t errsz);

/* A JSON array of strings copied into a NULL-terminated malloc'd vector
 * (with lengths). 0, or -1 when arr is not such an array (nothing allocated). */
typedef struct rg_ck_strv {
    char **s;
    size_t *len;
    size_t n;
} rg_ck_strv_t;
int rg_ck_strv_from_json(const json_t *arr, rg_ck_strv_t *out);
int rg_ck_strv_push(rg_ck_strv_t *v, const char *s, size_t len);
void rg_ck_strv_free(rg_ck_strv_t *v);
int rg_ck_strv_has(const rg_ck_strv_t *v, const char *s, size_t len);
json_t *rg_ck_strv_json(const rg_ck_strv_t *v);

/*
 * The `operator` parameter (one of "any", "all", "none": *op is 0, 1, 2) and
 * the string array `key`, as default.contains and default.jsonKeys read
 * them. With nonempty, a missing, non-array or empty `key` fails with
 * list_err before the operator is looked at; a bad operator fails with
 * op_err; then a `key` that is not an array of strings fails with list_err.
 * 0 (*list is the caller's), or -1 with err set and nothing allocated.
 */
int rg_ck_op_list_params(json_t *params, const char *key, int nonempty, const char *op_err, const char *list_err,
                         int *op, rg_ck_strv_t *list, char *err, size_t errsz);

/* memmem that accepts an empty needle (found at 0), as JS includes(""). */
int rg_ck_contains(const char *hay, size_t hlen, const char *needle, size_t nlen);

/* Sets an error whose JavaScript object has no `name` (Portkey's plain
 * `{message}` errors): error_name is "" and the verdict is left as given. */
void rg_ck_fail_plain(rg_check_result_t *res, int verdict, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The `rule` parameter of the regex checks: a non-empty string, or NULL with Portkey's message in err. */
json_t *rg_ck_rule_param(json_t *params, char *err, size_t errsz);

#endif
