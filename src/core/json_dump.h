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
 * 17 significant digits and a ".0" or exponent kept so they read back as
 * reals. Differential-fuzzed against json_dumps (tests/fuzz/fuzz_json_dump.c).
 */
#ifndef RG_JSON_DUMP_H
#define RG_JSON_DUMP_H

#include <jansson.h>
#include <stddef.h>

/* A malloc'd NUL-terminated string (length in *len if not NULL), or NULL on out of memory. */
char *rg_json_dumps(const json_t *j, size_t *len);

#endif
