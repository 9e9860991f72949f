#include "api/request.h"

#include "core/json_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static rg_error_t fail(rg_request_info_t *in, rg_error_t e, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static rg_error_t fail(rg_request_info_t *in, rg_error_t e, const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->message, sizeof(in->message), fmt, ap);
    va_end(ap);
    in->param = param;
    json_decref(in->body);
    in->body = NULL;
    in->model = NULL; /* pointed into the body */
    in->model_len = 0;
    return e;
}

rg_error_t rg_request_parse(rg_route_t route, const char *data, size_t len, size_t max_len, rg_request_info_t *in)
{
    memset(in, 0, sizeof(*in));
    if (data == NULL || len == 0)
        return fail(in, RG_E_INVALID_JSON, NULL, "request body is empty: expected a JSON object");
    if (len > max_len)
        return fail(in, RG_E_BODY_TOO_LARGE, NULL, "request body is %zu bytes; the limit is %zu", len, max_len);
    rg_json_error_t jerr;
    in->body = rg_json_loadb(data, len, 0, &jerr);
    if (in->body == NULL)
        return fail(in, RG_E_INVALID_JSON, NULL, "request body is not valid JSON: %s at line %d column %d", jerr.text,
                    jerr.line, jerr.column);
    json_t *b = in->body;
    if (!json_is_object(b))
        return fail(in, RG_E_INVALID_REQUEST, NULL, "request body must be a JSON object");
    json_t *model = json_object_get(b, "model");
    if (model == NULL)
        return fail(in, RG_E_INVALID_REQUEST, "model", "missing required parameter: 'model'");
    if (!json_is_string(model) || json_string_length(model) == 0)
        return fail(in, RG_E_INVALID_REQUEST, "model", "'model' must be a non-empty string");
    in->model = json_string_value(model);
    in->model_len = json_string_length(model);
    json_t *stream = json_object_get(b, "stream");
    if (stream && !json_is_boolean(stream) && !json_is_null(stream))
        return fail(in, RG_E_INVALID_REQUEST, "stream", "'stream' must be a boolean");
    in->stream = json_is_true(stream) && route != RG_ROUTE_EMBEDDINGS;

    const char *field = route == RG_ROUTE_CHAT ? "messages" : route == RG_ROUTE_COMPLETIONS ? "prompt" : "input";
    json_t *f = json_object_get(b, field);
    if (f == NULL)
        return fail(in, RG_E_INVALID_REQUEST, field, "missing required parameter: '%s'", field);
    if (route != RG_ROUTE_CHAT) {
        if (!json_is_string(f) && !json_is_array(f))
            return fail(in, RG_E_INVALID_REQUEST, field, "'%s' must be a string or an array", field);
        return RG_OK;
    }
    if (!json_is_array(f) || json_array_size(f) == 0)
        return fail(in, RG_E_INVALID_REQUEST, "messages", "'messages' must be a non-empty array");
    size_t i;
    json_t *m;
    json_array_foreach(f, i, m)
    {
        if (!json_is_object(m) || !json_is_string(json_object_get(m, "role")))
            return fail(in, RG_E_INVALID_REQUEST, "messages", "messages[%zu] must be an object with a string 'role'", i);
        json_t *c = json_object_get(m, "content");
        if (c && !json_is_string(c) && !json_is_array(c) && !json_is_null(c))
            return fail(in, RG_E_INVALID_REQUEST, "messages",
                        "messages[%zu].content must be a string, an array of content parts, or null", i);
    }
    return RG_OK;
}
