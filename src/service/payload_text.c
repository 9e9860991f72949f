/*
 * payload_text.c — the texts of a payload body (see payload_text.h).
 */
#include "service/payload_text.h"

#include <string.h>

static void add(rg_leaves_t *o, json_t *s)
{
    if (!json_is_string(s) || json_string_length(s) == 0)
        return;
    if (o->n >= RG_LEAVES_MAX) {
        o->truncated = 1;
        return;
    }
    o->v[o->n++] = s;
}

static void all_leaves(rg_leaves_t *o, json_t *v, int depth)
{
    if (depth > RG_LEAVES_DEPTH) {
        if (json_is_string(v) || json_is_object(v) || json_is_array(v))
            o->truncated = 1;
        return;
    }
    if (json_is_string(v))
        add(o, v);
    else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) all_leaves(o, x, depth + 1);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) all_leaves(o, x, depth + 1);
    }
}

/* a string, or a list of parts with text / input_text / output_text */
static void content(rg_leaves_t *o, json_t *c)
{
    if (json_is_string(c)) {
        add(o, c);
        return;
    }
    size_t i;
    json_t *p;
    json_array_foreach(c, i, p)
    {
        if (json_is_string(p))
            add(o, p);
        else if (json_is_object(p)) {
            json_t *t = json_object_get(p, "text");
            if (json_is_string(t))
                add(o, t);
            else if (json_is_object(t)) /* {"type":"text","text":{"value": ...}} (Assistants) */
                add(o, json_object_get(t, "value"));
            json_t *nested = json_object_get(p, "content"); /* tool_result blocks */
            if (json_is_string(nested) || json_is_array(nested))
                content(o, nested);
        }
    }
}

static void tool_calls(rg_leaves_t *o, json_t *calls)
{
    size_t i;
    json_t *c;
    json_array_foreach(calls, i, c) add(o, json_object_get(json_object_get(c, "function"), "arguments"));
}

static void string_or_list(rg_leaves_t *o, json_t *v)
{
    if (json_is_string(v))
        add(o, v);
    else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (json_is_string(x))
                add(o, x);
            else if (json_is_object(x)) { /* responses API input items */
                content(o, json_object_get(x, "content"));
                add(o, json_object_get(x, "output"));
            }
        }
    }
}

static int mcp(rg_leaves_t *o, json_t *b)
{
    json_t *method = json_object_get(b, "method");
    json_t *params = json_object_get(b, "params");
    json_t *result = json_object_get(b, "result");
    int any = 0;
    if (json_is_string(method) && strcmp(json_string_value(method), "tools/call") == 0) {
        all_leaves(o, json_object_get(params, "arguments"), 1);
        any = 1;
    }
    if (json_is_object(result)) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(result, "content"), i, x) add(o, json_object_get(x, "text"));
        json_array_foreach(json_object_get(result, "tools"), i, x) add(o, json_object_get(x, "description"));
        json_t *sc = json_object_get(result, "structuredContent");
        if (sc)
            all_leaves(o, sc, 1);
        any = 1;
    }
    if (!any && json_is_object(params)) { /* other methods: what the client sends */
        all_leaves(o, params, 1);
        any = 1;
    }
    return any;
}

void rg_payload_leaves(json_t *body, rg_leaves_t *o)
{
    memset(o, 0, sizeof(*o));
    if (json_is_string(body)) {
        add(o, body);
        return;
    }
    if (!json_is_object(body)) {
        all_leaves(o, body, 0);
        return;
    }
    if (json_object_get(body, "jsonrpc") && mcp(o, body))
        return;
    int known = 0;
    json_t *msgs = json_object_get(body, "messages");
    if (json_is_array(msgs)) {
        size_t i;
        json_t *m;
        json_array_foreach(msgs, i, m)
        {
            content(o, json_object_get(m, "content"));
            tool_calls(o, json_object_get(m, "tool_calls"));
        }
        known = 1;
    }
    static const char *const req_keys[] = {"prompt", "input", "inputs", "instructions", "system"};
    for (size_t k = 0; k < sizeof(req_keys) / sizeof(req_keys[0]); k++) {
        json_t *v = json_object_get(body, req_keys[k]);
        if (json_is_string(v) || json_is_array(v)) {
            string_or_list(o, v);
            known = 1;
        }
    }
    json_t *choices = json_object_get(body, "choices");
    if (json_is_array(choices)) {
        size_t i;
        json_t *c;
        json_array_foreach(choices, i, c)
        {
            json_t *m = json_object_get(c, "message");
            content(o, json_object_get(m, "content"));
            tool_calls(o, json_object_get(m, "tool_calls"));
            add(o, json_object_get(c, "text"));
            content(o, json_object_get(json_object_get(c, "delta"), "content"));
        }
        known = 1;
    }
    json_t *top_content = json_object_get(body, "content"); /* Anthropic-style answers */
    if (json_is_array(top_content)) {
        content(o, top_content);
        known = 1;
    }
    if (json_is_string(json_object_get(body, "generated_text"))) {
        add(o, json_object_get(body, "generated_text"));
        known = 1;
    }
    json_t *tools = json_object_get(body, "tools"); /* LiteLLM's MCP definition scan: {"tools":[...]} alone */
    if (!known && json_is_array(tools)) {
        size_t i;
        json_t *t;
        json_array_foreach(tools, i, t) add(o, json_object_get(t, "description"));
        known = 1;
    }
    if (!known)
        all_leaves(o, body, 0);
}
