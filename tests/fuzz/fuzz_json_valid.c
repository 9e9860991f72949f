/*
 * fuzz_json_valid — differential: the allocation-free validator must agree
 * with jansson on every input, except where json_valid.h documents that it
 * is deliberately more permissive (numbers out of C's range, \u0000).
 */
#include "core/json_valid.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int ours = rg_json_valid((const char *)data, size, RG_JSON_MAX_DEPTH);
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &err);
    int theirs = j != NULL;
    json_decref(j);
    if (ours == theirs)
        return 0;
    if (ours && !theirs &&
        (strstr(err.text, "too big") || strstr(err.text, "overflow") || strstr(err.text, "\\u0000") ||
         strstr(err.text, "NUL byte")))
        return 0; /* documented difference */
    if (!ours && theirs && memchr(data, 0, size))
        return 0; /* jansson's lexer stops at a NUL byte and ignores what follows; a NUL outside a string is not JSON */
    fprintf(stderr, "json_valid disagrees with jansson: ours=%d jansson=%d (%s) on %zu bytes\n", ours, theirs,
            theirs ? "-" : err.text, size);
    abort();
}
