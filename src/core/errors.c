#include "core/errors.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

const rg_error_info_t rg_error_table[RG_E__COUNT] = {
    [RG_OK] = {200, "", "ok", ""},
#define X(name, st, ty, co, msg) [RG_E_##name] = {st, ty, co, msg},
    RG_ERRORS(X)
#undef X
};

size_t rg_error_format(char *out, size_t outsz, rg_error_t e, const char *message, const char *param)
{
    const rg_error_info_t *info = &rg_error_table[e];
    json_t *err = json_pack("{s:{s:s, s:s, s:o, s:s}}", "error", "message", message ? message : info->message, "type",
                            info->type, "param", param ? json_string(param) : json_null(), "code", info->code);
    /* json_dumpb returns the size it needed; a NULL pack means the message (or
     * param) was not valid UTF-8. Either way: never hand out cut JSON. */
    size_t n = err && outsz ? json_dumpb(err, out, outsz - 1, JSON_COMPACT) : 0;
    json_decref(err);
    if (n > 0 && n < outsz) {
        out[n] = '\0';
        return n;
    }
    int m = snprintf(NULL, 0, "{\"error\":{\"message\":\"%s\",\"type\":\"%s\",\"param\":null,\"code\":\"%s\"}}",
                     info->message, info->type, info->code);
    if (m < 0 || (size_t)m >= outsz) {
        if (outsz)
            out[0] = '\0';
        return 0;
    }
    /* the table's own strings are plain ASCII without quotes */
    return (size_t)snprintf(out, outsz, "{\"error\":{\"message\":\"%s\",\"type\":\"%s\",\"param\":null,\"code\":\"%s\"}}",
                            info->message, info->type, info->code);
}
