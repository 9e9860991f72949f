/*
 * default.notNull — passes when the current content part exists and has
 * non-blank text; `not` inverts. The content part is Portkey's
 * getCurrentContentPart, read here from the JSON itself (not from the
 * extracted text) because the answer depends on the raw node: its type
 * (data.contentType), the number of entries Portkey's textArray would have
 * (data.textArrayLength, non-text parts included), and null vs missing.
 * Request: last message's content (chat), prompt (complete), input (embed);
 * response: choices[0].message.content (chat), choices[0].text (complete),
 * nothing for embed; a missing response JSON (streams) is null content.
 * Where JavaScript would throw a TypeError on a malformed body the check
 * reports that error, as Portkey does.
 */
#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int not;
} not_null_t;

static void *nn_compile(json_t *params, char *err, size_t errsz)
{
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    not_null_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->not = not;
    return c;
}

/* JS `obj.key` where obj may be undefined (NULL) or null: -1 with the TypeError. */
static int prop(const json_t *obj, const char *key, const json_t **out, char *err, size_t errsz)
{
    if (obj == NULL || json_is_null(obj)) {
        snprintf(err, errsz, "Cannot read properties of %s (reading '%s')", obj ? "null" : "undefined", key);
        return -1;
    }
    *out = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return 0;
}

/* getCurrentContentPart: *content (NULL = undefined); *none when Portkey's
 * textArray is [] (no response JSON, embed response). -1 with the TypeError. */
static int content_part(const rg_check_env_t *env, const json_t **content, int *none, char *err, size_t errsz)
{
    *content = NULL;
    *none = 0;
    if (env->phase == RG_PHASE_REQUEST) {
        const json_t *json = env->request;
        if (env->type == RG_REQ_CHAT) {
            const json_t *msgs, *last;
            if (prop(json, "messages", &msgs, err, errsz))
                return -1;
            if (msgs == NULL || json_is_null(msgs)) {
                snprintf(err, errsz, "Cannot read properties of %s (reading 'length')", msgs ? "null" : "undefined");
                return -1;
            }
            last = json_is_array(msgs) && json_array_size(msgs) ? json_array_get(msgs, json_array_size(msgs) - 1) : NULL;
            return prop(last, "content", content, err, errsz);
        }
        return prop(json, env->type == RG_REQ_COMPLETE ? "prompt" : "input", content, err, errsz);
    }
    const json_t *json = env->response, *choices, *first, *msg;
    if (json == NULL || json_is_null(json) || env->type == RG_REQ_EMBED) {
        *content = json_null();
        *none = 1;
        return 0;
    }
    if (prop(json, "choices", &choices, err, errsz))
        return -1;
    if (choices == NULL || json_is_null(choices)) {
        snprintf(err, errsz, "Cannot read properties of %s (reading '0')", choices ? "null" : "undefined");
        return -1;
    }
    first = json_is_array(choices) ? json_array_get(choices, 0) : NULL;
    if (env->type == RG_REQ_COMPLETE)
        return prop(first, "text", content, err, errsz);
    if (prop(first, "message", &msg, err, errsz))
        return -1;
    return prop(msg, "content", content, err, errsz);
}

static const char *js_typeof(const json_t *v)
{
    if (v == NULL)
        return "undefined";
    switch (json_typeof(v)) {
    case JSON_NULL:
        return "null"; /* Portkey: content === null ? 'null' : typeof content */
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "object";
    }
}

/* `!text || text.trim() === ''`; -1 (TypeError) for a truthy non-string */
static int blank(const json_t *t, char *err, size_t errsz)
{
    if (!rg_js_truthy(t))
        return 1;
    if (!json_is_string(t)) {
        snprintf(err, errsz, "text.trim is not a function");
        return -1;
    }
    size_t b, e;
    rg_js_trim(json_string_value(t), json_string_length(t), &b, &e);
    return b == e;
}

static void nn_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const not_null_t *c = compiled;
    char err[RG_CHECK_ERROR_MAX] = "";
    const json_t *content;
    size_t n_text = 0;
    int is_null = 0, none;

    if (content_part(env, &content, &none, err, sizeof(err)) == 0) {
        /* textArray: request chat arrays map each part to `item.text || ''`;
         * request prompt/input arrays are taken as they are; anything else,
         * including a response's content, is [content] */
        int parts = json_is_array(content) && env->phase == RG_PHASE_REQUEST;
        int chat_parts = parts && env->type == RG_REQ_CHAT;
        n_text = none ? 0 : parts ? json_array_size(content) : 1;
        for (size_t i = 0; chat_parts && i < n_text && !err[0]; i++) {
            const json_t *item = json_array_get(content, i);
            if (json_is_null(item))
                snprintf(err, sizeof(err), "Cannot read properties of null (reading 'text')");
        }
        if (!err[0]) {
            if (content == NULL || json_is_null(content)) {
                is_null = 1;
            } else if (json_is_string(content)) {
                size_t b, e;
                rg_js_trim(json_string_value(content), json_string_length(content), &b, &e);
                is_null = b == e;
            } else if (json_is_array(content) && json_array_size(content) == 0) {
                is_null = 1;
            } else {
                is_null = 1; /* textArray.every(blank), stopping at the first non-blank entry */
                for (size_t i = 0; i < n_text && is_null; i++) {
                    const json_t *t = !parts ? content : json_array_get(content, i);
                    if (chat_parts)
                        t = json_object_get(t, "text");
                    int bl = blank(t, err, sizeof(err));
                    if (bl < 0)
                        break;
                    is_null = bl;
                }
            }
        }
    }
    res->data = json_object();
    if (err[0]) {
        res->error_name = "TypeError";
        rg_check_fail(res, "%s", err);
        json_object_set_new(res->data, "explanation", json_string("An error occurred while checking for null content."));
        json_object_set_new(res->data, "error", json_string(err));
        return;
    }
    int verdict = c->not ? is_null : !is_null;
    res->verdict = verdict;
    json_object_set_new(res->data, "isNull", json_boolean(is_null));
    json_object_set_new(res->data, "contentType", json_string(js_typeof(content)));
    json_object_set_new(res->data, "textArrayLength", json_integer((json_int_t)n_text));
    json_object_set_new(res->data, "explanation", json_string(is_null ? "Content is null, undefined, or empty."
                                                                      : "Content exists and is not null."));
    json_object_set_new(res->data, "verdict", json_string(verdict ? "passed" : "failed"));
}

const rg_check_ops_t rg_check_not_null = {
    .id = "default.notNull",
    .compile = nn_compile,
    .run = nn_run,
    .free = free,
};
