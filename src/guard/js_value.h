/*
 * js_value.h — JavaScript's view of strings and numbers, shared by the
 * default.* checks and the JSON Schema validator: UTF-8 decoding,
 * string.length, \s and trim(), Number#toString, truthiness. Pure
 * functions, safe from any thread.
 */
#ifndef RG_GUARD_JS_VALUE_H
#define RG_GUARD_JS_VALUE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one UTF-8 sequence at s[i] (i < len) into *cp; returns its byte
 * length (>= 1). An invalid byte decodes as U+FFFD, length 1. */
size_t rg_js_utf8_next(const char *s, size_t len, size_t i, uint32_t *cp);

/* JavaScript string.length of the UTF-8 string s: UTF-16 code units. */
size_t rg_js_utf16_length(const char *s, size_t n);

/* JavaScript \s (WhiteSpace and LineTerminator, ES2023). */
int rg_js_space(uint32_t cp);

/* JavaScript trim(): the byte range [*start, *end) of s without leading and
 * trailing \s (both len when s is all space). */
void rg_js_trim(const char *s, size_t len, size_t *start, size_t *end);

/* Number.prototype.toString() of x into out (at most 25 bytes with the NUL). */
#define RG_JS_NUMBER_MAX 32
void rg_js_number(double x, char out[RG_JS_NUMBER_MAX]);

/* JavaScript truthiness of a JSON value (NULL = undefined → false). */
int rg_js_truthy(const json_t *v);

#endif
