/*
 * json_js.h — what Portkey's JavaScript does with JSON found in text.
 *
 * Portkey's default.jsonSchema and default.jsonKeys (plugins/default/
 * jsonSchema.ts, jsonKeys.ts) pull JSON candidates out of the model's text
 * with two regular expressions, JSON.parse them, and report the value they
 * picked back as data.matchedJson. These helpers reproduce that with byte
 * scanning and jansson, plus JSON.stringify and JavaScript's property
 * order. Strings, numbers and truthiness: js_value.h.
 */
#ifndef RG_GUARD_JSON_JS_H
#define RG_GUARD_JSON_JS_H

#include <jansson.h>
#include <stddef.h>

/*
 * The next match of /```+(?:json)?\s*([\s\S]*?)```+/g at or after *pos:
 * on 1, [*off, *off + *len) is the captured body with JavaScript's trim()
 * applied (match[1].trim()) and *pos is past the match; 0 when there is
 * no further match. Start with *pos = 0.
 */
int rg_js_next_fence(const char *s, size_t n, size_t *pos, size_t *off, size_t *len);

/* The next match of /{[\s\S]*?}/g: a '{' up to the first '}' after it. Same protocol. */
int rg_js_next_braces(const char *s, size_t n, size_t *pos, size_t *off, size_t *len);

/*
 * JSON.parse(s): any JSON value, duplicate keys allowed (the last value wins,
 * at the first key's position), integers too large for json_int_t read as
 * reals. The result is rg_js_normalize()d. NULL when JSON.parse would throw,
 * and also for the few texts JavaScript accepts that jansson cannot hold:
 * "\u0000" inside an object key, lone surrogate escapes, numbers beyond
 * the double range (JavaScript: Infinity).
 */
json_t *rg_js_parse(const char *s, size_t n);

/*
 * Makes v look as JavaScript holds it: object keys that are array
 * indices ("0".."4294967294", canonical) come first in ascending numeric
 * order, then the other keys in insertion order (ECMAScript property order,
 * which JSON.stringify and for-in follow); reals that are integers of
 * magnitude at most 2^53 become json integers (JavaScript has one number
 * type: 1.0 prints as 1, -0 as 0). Takes the reference to v and returns
 * the result (v changed in place, or a new integer when v itself is such a
 * real); NULL on out of memory, v released.
 */
json_t *rg_js_normalize(json_t *v);

/* A JSON number as a double (integers converted), as JavaScript holds it. */
double rg_js_number_value(const json_t *v);

/* JSON.stringify(v) (compact, JavaScript number formatting), malloc'd; NULL on out of memory. */
char *rg_js_stringify(const json_t *v);

#endif
