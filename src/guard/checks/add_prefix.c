/*
 * default.addPrefix (transformer) — prepends `prefix` to the request, before
 * the request is sent; verdict is always true.
 *
 * Chat: the first message whose role is `applyToRole` ("user") gets the
 * prefix in front of its content (string content; for an array, the first
 * part's text — see below); with addToExisting false a new {role, content:
 * prefix} message is inserted before it instead; with onlyIfEmpty true
 * nothing changes unless that content is blank or []. When no message has
 * the role, a new one is appended (a "system" one goes first).
 * Completions: the prompt (or its first element) gets the prefix.
 * Response phase and embeddings: nothing happens (no data, no error).
 *
 * The result is the whole modified request body (a deep copy of
 * env->request) in res->request_json, and transformed = 1, as Portkey's
 * transformed:true, even when its rules leave the body as it was. Two cases
 * give Portkey no replacement body at all (content null in the last
 * message, or [] / a falsy prompt): then request_json stays NULL.
 *
 * When the target is the last message Portkey goes through
 * setCurrentContentPart, which for array content writes the prefix into
 * the first part's `text` whatever that part's type (an image part gains a
 * "text" key); for an earlier message it inserts a new text part in front
 * of a non-text first part. Both reproduced.
 *
 * Errors are Portkey's plain {message} objects (no name), verdict true.
 */
#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *prefix;
    char *role;
    int add_to_existing, only_if_empty;
} add_prefix_t;

static void ap_free(void *p)
{
    add_prefix_t *c = p;
    if (c) {
        free(c->prefix);
        free(c->role);
        free(c);
    }
}

static void *ap_compile(json_t *params, char *err, size_t errsz)
{
    json_t *p = json_object_get(params, "prefix"), *r = json_object_get(params, "applyToRole");
    if (!json_is_string(p) || json_string_length(p) == 0 || strlen(json_string_value(p)) != json_string_length(p)) {
        snprintf(err, errsz, "Prefix parameter is required and must be a string");
        return NULL;
    }
    if (r && !json_is_null(r) && !json_is_string(r)) {
        snprintf(err, errsz, "applyToRole must be a string");
        return NULL;
    }
    add_prefix_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (rg_ck_bool_param(params, "addToExisting", 1, &c->add_to_existing, err, errsz) ||
        rg_ck_bool_param(params, "onlyIfEmpty", 0, &c->only_if_empty, err, errsz)) {
        ap_free(c);
        return NULL;
    }
    /* parameters.applyToRole || 'user' */
    const char *role = json_is_string(r) && json_string_length(r) ? json_string_value(r) : "user";
    if ((c->prefix = strdup(json_string_value(p))) == NULL || (c->role = strdup(role)) == NULL) {
        snprintf(err, errsz, "out of memory");
        ap_free(c);
        return NULL;
    }
    return c;
}

/* `${prefix}${v ?? ''}`: NULL (undefined) and JSON null add nothing, any
 * other value is added as JavaScript's String(v) */
static json_t *prefixed(const char *prefix, const json_t *v)
{
    char *s = (v == NULL || json_is_null(v)) ? NULL : rg_ck_js_string(v);
    json_t *out = json_sprintf("%s%s", prefix, s ? s : "");
    free(s);
    return out;
}

/* Portkey's setCurrentContentPart on the last message, with textArray[0]
 * prefixed. Returns 1 when the body changed, 0 when Portkey produces no
 * body (null content, empty array), -1 with err (a TypeError). */
static int prefix_last(const add_prefix_t *c, json_t *msg, char *err, size_t errsz)
{
    json_t *content = json_object_get(msg, "content");
    if (json_is_null(content))
        return 0; /* currentContent === null: nothing set */
    if (json_is_array(content)) {
        size_t n = json_array_size(content);
        for (size_t i = 0; i < n; i++)
            if (json_is_null(json_array_get(content, i)))
                return snprintf(err, errsz, "Cannot read properties of null (reading 'text')"), -1;
        if (n == 0)
            return 0; /* textArray []: setCurrentContentPart returns early */
        json_t *first = json_array_get(content, 0);
        json_t *text = json_object_get(first, "text"); /* textArray[0] = item.text || '' */
        json_t *nt = prefixed(c->prefix, rg_js_truthy(text) ? text : NULL);
        if (json_is_object(first)) {
            json_object_set_new(first, "text", nt);
        } else {
            json_t *o = json_object(); /* {...item, text}: a primitive spreads to nothing */
            json_object_set_new(o, "text", nt);
            json_array_set_new(content, 0, o);
        }
        return 1;
    }
    /* textArray = [content]; `${prefix}${text ?? ''}` */
    json_object_set_new(msg, "content", prefixed(c->prefix, content));
    return 1;
}

/* buildPrefixedContent for a message that is not the last one */
static void prefix_earlier(const add_prefix_t *c, json_t *msg)
{
    json_t *content = json_object_get(msg, "content");
    if (json_is_array(content)) {
        json_t *first = json_array_get(content, 0);
        json_t *type = json_object_get(first, "type");
        if (json_is_string(type) && strcmp(json_string_value(type), "text") == 0) {
            json_object_set_new(first, "text", prefixed(c->prefix, json_object_get(first, "text")));
        } else {
            json_array_insert_new(content, 0, json_pack("{s:s, s:s}", "type", "text", "text", c->prefix));
        }
        return;
    }
    json_object_set_new(msg, "content", prefixed(c->prefix, content));
}

static int chat(const add_prefix_t *c, json_t *out, char *err, size_t errsz)
{
    json_t *msgs = json_object_get(out, "messages");
    if (!json_is_array(msgs)) {
        msgs = json_array();
        json_object_set_new(out, "messages", msgs);
    }
    size_t n = json_array_size(msgs), target = n;
    for (size_t i = 0; i < n && target == n; i++) {
        json_t *m = json_array_get(msgs, i);
        if (json_is_null(m))
            return snprintf(err, errsz, "Cannot read properties of null (reading 'role')"), -1;
        json_t *role = json_object_get(m, "role");
        if (json_is_string(role) && strcmp(json_string_value(role), c->role) == 0)
            target = i;
    }
    json_t *fresh = json_pack("{s:s, s:s}", "role", c->role, "content", c->prefix);
    if (target == n) {
        if (strcmp(c->role, "system") == 0)
            json_array_insert_new(msgs, 0, fresh);
        else
            json_array_append_new(msgs, fresh);
        return 1;
    }
    json_t *msg = json_array_get(msgs, target);
    json_t *content = json_object_get(msg, "content");
    int empty = json_is_array(content) ? json_array_size(content) == 0 : 0;
    if (json_is_string(content)) {
        size_t b, e;
        rg_js_trim(json_string_value(content), json_string_length(content), &b, &e);
        empty = b == e;
    }
    if (c->only_if_empty && !empty) {
        json_decref(fresh);
        return 1; /* the body, unchanged */
    }
    if (!c->add_to_existing) {
        json_array_insert_new(msgs, target, fresh);
        return 1;
    }
    json_decref(fresh);
    if (target == n - 1)
        return prefix_last(c, msg, err, errsz);
    prefix_earlier(c, msg);
    return 1;
}

static int complete(const add_prefix_t *c, json_t *out)
{
    json_t *prompt = json_object_get(out, "prompt");
    if (!rg_js_truthy(prompt))
        return 0;
    if (json_is_array(prompt)) {
        if (json_array_size(prompt) == 0)
            return 0;
        json_array_set_new(prompt, 0, prefixed(c->prefix, json_array_get(prompt, 0)));
        return 1;
    }
    json_object_set_new(out, "prompt", prefixed(c->prefix, prompt));
    return 1;
}

static void ap_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const add_prefix_t *c = compiled;
    res->verdict = 1;
    if (env->phase != RG_PHASE_REQUEST || (env->type != RG_REQ_CHAT && env->type != RG_REQ_COMPLETE))
        return;
    if (env->request == NULL || json_is_null(env->request)) {
        rg_ck_fail_plain(res, 1, "Request JSON is empty or missing");
        return;
    }
    json_t *out = json_deep_copy(env->request);
    if (out == NULL) {
        rg_ck_fail_plain(res, 1, "Error in addPrefix plugin: out of memory");
        return;
    }
    char err[RG_CHECK_ERROR_MAX - 32] = "";
    int changed = json_is_object(out) ? (env->type == RG_REQ_CHAT ? chat(c, out, err, sizeof(err)) : complete(c, out)) : 0;
    if (changed < 0) {
        json_decref(out);
        rg_ck_fail_plain(res, 1, "Error in addPrefix plugin: %s", err);
        return;
    }
    if (changed)
        res->request_json = out;
    else
        json_decref(out);
    res->transformed = 1;
    res->data = json_object();
    json_object_set_new(res->data, "prefix", json_string(c->prefix));
    json_object_set_new(res->data, "requestType", json_string(rg_req_type_name(env->type)));
    json_object_set_new(res->data, "applyToRole", json_string(c->role));
    json_object_set_new(res->data, "addToExisting", json_boolean(c->add_to_existing));
    json_object_set_new(res->data, "onlyIfEmpty", json_boolean(c->only_if_empty));
}

const rg_check_ops_t rg_check_add_prefix = {
    .id = "default.addPrefix",
    .compile = ap_compile,
    .run = ap_run,
    .free = ap_free,
};
