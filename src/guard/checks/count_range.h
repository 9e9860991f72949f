/*
 * checks/count_range.h — what default.characterCount, sentenceCount and
 * wordCount share: the min/max/not parameters and the shape of `data`.
 * Each check counts its own way and keeps its ops struct in its own file.
 */
#ifndef RG_GUARD_CHECKS_COUNT_RANGE_H
#define RG_GUARD_CHECKS_COUNT_RANGE_H

#include "guard/check.h"
#include "guard/js_value.h"

#include <jansson.h>
#include <stddef.h>

typedef struct rg_ck_count_kind {
    const char *min_param, *max_param;         /* the bounds' parameter names */
    const char *min_key, *max_key, *count_key; /* their names in data, and the count's */
    int integers;                              /* bounds must be Number.isInteger, else any number */
    const char *bad_range;                     /* compile error for missing or wrong bounds */
    const char *missing;                       /* data.explanation when there is no text */
    const char *fmt[4];                        /* data.explanation (%zu count, %s min, %s max): [verdict * 2 + not] */
} rg_ck_count_kind_t;

typedef struct rg_ck_count {
    const rg_ck_count_kind_t *kind;
    double min, max;
    int not;
    char min_s[RG_JS_NUMBER_MAX], max_s[RG_JS_NUMBER_MAX]; /* the bounds as JavaScript prints them, made once */
    /* data as JSON text (check.h, data_json), the parts that do not depend on the text: {"wordCount": and
     * ,"minWords":3,"maxWords":400,"not":false,"verdict": */
    char head[48], bounds[192];
    size_t head_len, bounds_len;
} rg_ck_count_t;

/* An rg_ck_count_t (freed with free()), or NULL with err. */
void *rg_ck_count_compile(const rg_ck_count_kind_t *kind, json_t *params, char *err, size_t errsz);

/* The error result for missing text; text/len give data.textExcerpt. */
void rg_ck_count_missing(const rg_ck_count_t *c, const char *text, size_t len, rg_check_result_t *res);

/* The verdict and data for count; excerpt/len give data.textExcerpt. */
void rg_ck_count_result(const rg_ck_count_t *c, size_t count, const char *excerpt, size_t len, rg_check_result_t *res);

#endif
