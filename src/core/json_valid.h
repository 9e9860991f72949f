/*
 * json_valid.h — a strict, allocation-free JSON validator (RFC 8259).
 *
 * For bytes Railgate only needs to *check* and pass on unchanged (upstream
 * answers, SSE event payloads), building a jansson tree just to throw it
 * away was the largest cost on the proxy path (see docs/PERFORMANCE.md).
 * This validator accepts exactly the texts jansson's json_loadb accepts
 * with JSON_DECODE_ANY, except that it does not reject numbers too large
 * for a C double/long long or the escape \u0000, both of which RFC 8259
 * allows; and it rejects a NUL byte after the value, where jansson's lexer
 * stops reading. Strings must be valid UTF-8 (no overlongs, no surrogates), and
 * \u escapes must pair surrogates correctly. Nesting deeper than
 * `max_depth` (at most RG_JSON_MAX_DEPTH) is refused.
 * Differential-fuzzed against jansson (tests/fuzz/fuzz_json_valid.c).
 */
#ifndef RG_JSON_VALID_H
#define RG_JSON_VALID_H

#include <stddef.h>

#define RG_JSON_MAX_DEPTH 2048

/* Number of leading bytes of [p, e) that are plain string bytes: ASCII 0x20..0x7F
 * other than '"' and '\\' (16 bytes per step with SSE2, else 8). Shared by the validator, loader and writer. */
size_t rg_json_plain_run(const char *p, const char *e);

/* The 4 hex digits at p (the caller checked they are there) → *out; 0 if not hex. */
int rg_json_hex4(const char *p, unsigned *out);
/* Length of the valid UTF-8 sequence at u (first byte >= 0x80, `left` bytes available), or 0. */
size_t rg_json_utf8_len(const unsigned char *u, size_t left);

/* The end of the JSON number token at p (RFC 8259 grammar, no range check), or NULL when there is none. */
const char *rg_json_number_end(const char *p, const char *e);
/* The first byte at or after p that is not JSON whitespace (space, tab, CR, LF), or e. */
const char *rg_json_skip_ws(const char *p, const char *e);
/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8 at o; returns the end. */
char *rg_json_put_utf8(char *o, unsigned cp);

/* 1 when s[0..n) is valid UTF-8 as jansson's json_stringn checks it (NUL and other ASCII bytes allowed; no
 * overlongs, surrogates or code points above U+10FFFF), 8 ASCII bytes per step. */
int rg_utf8_valid(const char *s, size_t n);

/* 1 when p[0..n) is one JSON value surrounded by optional whitespace, else 0. */
int rg_json_valid(const char *p, size_t n, unsigned max_depth);

#endif
