/*
 * fuzz_request.c — OpenAI request bodies and the error JSON built from them.
 *
 * The input is a request body. It is parsed as a body of each of the three
 * routes that take one (chat, completions, embeddings). On success the
 * returned model must point into the body and be non-empty; on failure there
 * must be no body and a message. Either way the result goes through
 * rg_error_format (with the parser's message and param, as the handler does)
 * into a 512-byte buffer, and what comes out must be one JSON object with an
 * "error" object in it: clients parse that text, so a cut or unescaped
 * message is a bug. Anything else aborts.
 */
#include "api/request.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error_json(rg_error_t e, const rg_request_info_t *info)
{
    char out[512];
    memset(out, 'x', sizeof(out));
    size_t n = rg_error_format(out, sizeof(out), e, info->message, info->param);
    if (n >= sizeof(out) || out[n] != '\0' || strlen(out) != n)
        abort();
    json_error_t jerr;
    json_t *j = json_loadb(out, n, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL)
        abort(); /* rg_error_format wrote something that is not JSON */
    json_t *err = json_object_get(j, "error");
    if (!json_is_object(err) || !json_is_string(json_object_get(err, "message")) ||
        !json_is_string(json_object_get(err, "type")) || !json_is_string(json_object_get(err, "code")))
        abort();
    json_t *param = json_object_get(err, "param");
    if (param == NULL || (!json_is_null(param) && !json_is_string(param)))
        abort();
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const rg_route_t routes[] = {RG_ROUTE_CHAT, RG_ROUTE_COMPLETIONS, RG_ROUTE_EMBEDDINGS};
    for (size_t r = 0; r < sizeof(routes) / sizeof(routes[0]); r++) {
        rg_request_info_t info;
        rg_error_t e = rg_request_parse(routes[r], (const char *)data, size, 1u << 20, &info);
        if (e == RG_OK) {
            if (info.body == NULL || !json_is_object(info.body) || info.model == NULL || info.model_len == 0)
                abort();
            if (info.model != json_string_value(json_object_get(info.body, "model")))
                abort(); /* model points into the body the caller owns */
            if (routes[r] == RG_ROUTE_EMBEDDINGS && info.stream)
                abort(); /* embeddings never stream */
            json_decref(info.body);
        } else {
            if (e <= RG_OK || e >= RG_E__COUNT || info.body != NULL || info.message[0] == '\0')
                abort();
            if (e != RG_E_INVALID_JSON && e != RG_E_INVALID_REQUEST && e != RG_E_BODY_TOO_LARGE)
                abort(); /* request.h lists the only errors it returns */
            if (memchr(info.message, '\0', sizeof(info.message)) == NULL)
                abort();
        }
        check_error_json(e, &info);
    }
    return 0;
}
