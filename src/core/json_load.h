/*
 * json_load.h — a fast loader into jansson values.
 *
 * jansson stays Railgate's JSON library (values, encoding, the API every
 * module uses), but its loader reads through a per-byte stream callback and
 * cost about 130 instructions per byte of request body: the largest single
 * cost on the proxy path (docs/PERFORMANCE.md). This loader scans the bytes
 * directly and builds the same jansson tree, with jansson's semantics for
 * json_loadb(..., JSON_REJECT_DUPLICATES): object or array at the top
 * (unless `any`), duplicate keys refused, \u0000 refused, integers that do
 * not fit in json_int_t and reals that overflow refused, strings valid
 * UTF-8, depth at most RG_JSON_MAX_DEPTH. It is stricter than jansson in one
 * place: bytes after a NUL are not ignored. Differential-fuzzed against
 * json_loadb (tests/fuzz/fuzz_json_load.c): same verdict, json_equal trees.
 */
#ifndef RG_JSON_LOAD_H
#define RG_JSON_LOAD_H

#include <jansson.h>
#include <stddef.h>

typedef struct rg_json_error {
    const char *text; /* static string */
    size_t offset;    /* byte offset of the problem */
    int line, column; /* 1-based, like jansson's */
} rg_json_error_t;

/* A new reference, or NULL with err filled. */
json_t *rg_json_loadb(const char *p, size_t n, int any, rg_json_error_t *err);

#endif
