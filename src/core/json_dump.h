/*
 * json_dump.h — a fast serializer for jansson values.
 *
 * The counterpart of json_load.h: jansson's json_dumps writes through a
 * per-piece callback and costs about 90 instructions per output byte, which
 * made serializing hook_results the largest cost of a guarded request
 * (docs/PERFORMANCE.md). This writes the same bytes as
 * json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY): keys in insertion order,
 * '"', '\\' and control characters escaped as jansson does (\b \f \n \r \t,
 * else \u00XX), other characters as UTF-8, integers with %lld, reals with
 * a ".0" or exponent kept so they read back as reals. One difference, on
 * purpose: a real is the shortest decimal that reads back as the same double
 * (0.7, where jansson's %.17g writes 0.69999999999999996), as JavaScript
 * prints it. Differential-fuzzed against json_dumps
 * (tests/fuzz/fuzz_json_dump.c): the same bytes for trees without reals, the
 * same tree read back for every tree.
 */
#ifndef RG_JSON_DUMP_H
#define RG_JSON_DUMP_H

#include <jansson.h>
#include <stddef.h>
#include <string.h>

/* A malloc'd NUL-terminated string (length in *len if not NULL), or NULL on out of memory. */
char *rg_json_dumps(const json_t *j, size_t *len);

/*
 * The same bytes written piece by piece into a growing buffer, for callers
 * that know the shape of what they write (hook_results) and need no tree:
 * rg_jw_str writes a string exactly as rg_json_dumps writes a string value,
 * rg_jw_int an integer, rg_jw_value any jansson value. Out of memory sets
 * `oom` and later writes do nothing. Zero-initialise; free with rg_jw_free.
 */
typedef struct rg_jw {
    char *p;
    size_t len, cap;
    int oom;
} rg_jw_t;

void rg_jw_raw_slow(rg_jw_t *w, const char *s, size_t n);
static inline void rg_jw_raw(rg_jw_t *w, const char *s, size_t n)
{
    if (n == 0) /* s may be NULL then (an empty rg_jw_t's bytes) */
        return;
    if (w->len + n + 1 <= w->cap) {
        memcpy(w->p + w->len, s, n);
        w->len += n;
    } else {
        rg_jw_raw_slow(w, s, n);
    }
}
/* A string literal's bytes (JSON text written as it is: keys and punctuation). */
#define RG_JW_LIT(w, lit) rg_jw_raw((w), "" lit, sizeof(lit) - 1)
void rg_jw_str(rg_jw_t *w, const char *s, size_t n);
void rg_jw_int(rg_jw_t *w, long long v);
void rg_jw_real(rg_jw_t *w, double v); /* as rg_json_dumps writes a real; NaN and infinities (which jansson
                                        * refuses to hold) as null */
void rg_jw_value(rg_jw_t *w, const json_t *j);
/* The bytes written so far, NUL-terminated ("" when none); NULL after out of memory. Owned by w. */
const char *rg_jw_cstr(rg_jw_t *w);
void rg_jw_reset(rg_jw_t *w); /* empty again, keeps the allocation */
void rg_jw_free(rg_jw_t *w);
/* Hands the bytes over: a malloc'd buffer of *len bytes (NUL-terminated), w left empty; NULL after out of
 * memory (w freed) or when nothing was written. */
char *rg_jw_take(rg_jw_t *w, size_t *len);
/* Copies the bytes into dst (cap bytes, no NUL added), their length in *len; -1 after out of memory or when they
 * do not fit. For short texts made once and kept in a struct. */
int rg_jw_copy(const rg_jw_t *w, char *dst, size_t cap, size_t *len);

#endif
