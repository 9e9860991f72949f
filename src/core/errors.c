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
    size_t n = err ? json_dumpb(err, out, outsz ? outsz - 1 : 0, JSON_COMPACT) : 0;
    json_decref(err);
    /* json_dumpb returns the size it needed: never send cut JSON. A NULL pack
     * means the message was not valid UTF-8. */
    if (err == NULL || n == 0 || n >= outsz)
        n = (size_t)snprintf(out, outsz, "{\"error\":{\"message\":\"error\",\"type\":\"%s\",\"param\":null,\"code\":\"%s\"}}",
                             info->type, info->code);
    if (outsz)
        out[n < outsz ? n : outsz - 1] = '\0';
    return n < outsz ? n : outsz - 1;
}
