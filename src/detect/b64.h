/*
 * b64.h — base64 for the detectors: decoding what a text carries (Basic
 * credentials, JWT parts, Kubernetes Secret values, instructions hidden from
 * the prompt-injection model), and finding the runs worth decoding.
 *
 * Both alphabets at once ('+' and '-' are 62, '/' and '_' are 63), padding
 * optional, no white space inside: the forms text carries, where a strict
 * decoder would refuse half of them.
 */
#ifndef RG_DETECT_B64_H
#define RG_DETECT_B64_H

#include <stddef.h>

/* Decodes s[0, n) into out (at most cap bytes: decoding stops there), up to the first '='. The decoded length,
 * or -1 when a byte is outside both alphabets. */
long rg_b64_decode(const char *s, size_t n, unsigned char *out, size_t cap);

/* Whether c is in either alphabet or is '='. */
int rg_b64_char(unsigned char c);

/* The first run of at least min (>= 1) base64 characters in s[from, len) that no base64 character touches on
 * either side: 1 with [*a, *b), or 0 when there is none. For min >= 24 it tests one 8-byte word in two (a run
 * that long holds a whole one) for bytes no base64 character has; below, it looks at one byte in min. Prose costs
 * about one load per 16 bytes, or one byte in min. */
int rg_b64_run_next(const char *s, size_t len, size_t from, size_t min, size_t *a, size_t *b);

#endif
