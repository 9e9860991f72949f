/*
 * fuzz_json_dump — differential: for any JSON the loader accepts,
 * rg_json_dumps must write exactly the bytes jansson's
 * json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes when the tree holds no
 * real, and for every tree, text that jansson reads back into an equal tree
 * (reals are the shortest decimal that reads back as the same double, where
 * jansson writes 17 digits).
 */
#include "core/json_dump.h"
#include "core/json_load.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_real(json_t *j)
{
    size_t i;
    const char *k;
    json_t *v;
    if (json_is_real(j))
        return 1;
    json_array_foreach(j, i, v) if (has_real(v)) return 1;
    json_object_foreach(j, k, v) if (has_real(v)) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_json_error_t e;
    json_t *j = rg_json_loadb((const char *)data, size, 1, &e);
    if (j == NULL)
        return 0;
    size_t n = 0;
    char *ours = rg_json_dumps(j, &n);
    char *theirs = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_error_t je;
    json_t *back = ours ? json_loadb(ours, n, JSON_DECODE_ANY, &je) : NULL;
    int same_bytes = theirs != NULL && ours != NULL && strlen(theirs) == n && memcmp(ours, theirs, n) == 0;
    if (ours == NULL || theirs == NULL || back == NULL || !json_equal(back, j) || (!same_bytes && !has_real(j))) {
        fprintf(stderr, "dumps differ:\n ours:    %s\n jansson: %s\n", ours ? ours : "(null)",
                theirs ? theirs : "(null)");
        abort();
    }
    json_decref(back);
    free(ours);
    free(theirs);
    json_decref(j);
    return 0;
}
