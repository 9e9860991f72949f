/*
 * fuzz_json_load — differential: rg_json_loadb must give the same verdict as
 * jansson's json_loadb(JSON_REJECT_DUPLICATES) and, when both accept, an
 * equal tree (json_equal: same types, same integers and reals, same strings).
 * The one documented difference: jansson stops reading at a NUL byte.
 */
#include "core/json_load.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int any = 0; any <= 1; any++) {
        rg_json_error_t e;
        json_t *ours = rg_json_loadb((const char *)data, size, any, &e);
        json_error_t je;
        json_t *theirs = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | (any ? JSON_DECODE_ANY : 0), &je);
        int agree = (ours == NULL) == (theirs == NULL);
        if (ours && theirs && !json_equal(ours, theirs)) {
            fprintf(stderr, "trees differ (any=%d)\n", any);
            abort();
        }
        if (!agree && !(ours == NULL && theirs != NULL && memchr(data, 0, size))) {
            fprintf(stderr, "verdicts differ (any=%d): ours=%s jansson=%s\n", any, ours ? "ok" : e.text,
                    theirs ? "ok" : je.text);
            abort();
        }
        if (ours == NULL && e.offset > size)
            abort();
        json_decref(ours);
        json_decref(theirs);
    }
    return 0;
}
