/*
 * fuzz_json_dump — differential: for any JSON the loader accepts,
 * rg_json_dumps must write exactly the bytes jansson's
 * json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes.
 */
#include "core/json_dump.h"
#include "core/json_load.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_json_error_t e;
    json_t *j = rg_json_loadb((const char *)data, size, 1, &e);
    if (j == NULL)
        return 0;
    size_t n = 0;
    char *ours = rg_json_dumps(j, &n);
    char *theirs = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (ours == NULL || theirs == NULL || strlen(theirs) != n || memcmp(ours, theirs, n) != 0) {
        fprintf(stderr, "dumps differ:\n ours:    %s\n jansson: %s\n", ours ? ours : "(null)",
                theirs ? theirs : "(null)");
        abort();
    }
    free(ours);
    free(theirs);
    json_decref(j);
    return 0;
}
