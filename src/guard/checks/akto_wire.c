/*
 * akto_wire.c — the envelope, the verdict and the mask of Akto's http-proxy
 * protocol (see akto_wire.h). Nested values are JSON strings inside the
 * envelope, bodies double-encoded, as LiteLLM's akto guardrail sends them.
 */
#include "guard/checks/akto_wire.h"

#include "core/json_dump.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MASK_MAX_DEPTH 64 /* nesting followed when comparing a ModifiedPayload */

/* ---- the request body ------------------------------------------------------------------------------- */

static json_t *user_message(json_t *text)
{
    return json_pack("{s:s, s:O}", "role", "user", "content", text);
}

json_t *rg_akto_request_body(json_t *request)
{
    json_t *b = json_object();
    if (b == NULL)
        return NULL;
    json_t *model = json_object_get(request, "model");
    json_object_set(b, "model", model ? model : json_null());
    json_t *messages = json_object_get(request, "messages");
    json_t *prompt = json_object_get(request, "prompt");
    if (json_is_array(messages)) {
        json_object_set(b, "messages", messages);
    } else {
        json_t *m = json_array();
        if (json_is_string(prompt)) {
            json_array_append_new(m, user_message(prompt));
        } else if (json_is_array(prompt)) {
            size_t i;
            json_t *p;
            json_array_foreach(prompt, i, p) if (json_is_string(p)) json_array_append_new(m, user_message(p));
        }
        json_object_set_new(b, "messages", m);
    }
    json_t *tools = json_object_get(request, "tools");
    if (tools && !json_is_null(tools))
        json_object_set(b, "tools", tools);
    return b;
}

/* ---- the envelope ----------------------------------------------------------------------------------- */

static int credential(const char *name)
{
    static const char *const names[] = {"authorization", "proxy-authorization", "cookie", "set-cookie",
                                        "x-api-key",     "api-key",             "x-auth-token"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcasecmp(name, names[i]))
            return 1;
    return strstr(name, "api-key") != NULL || strstr(name, "api_key") != NULL;
}

void rg_akto_client_ip(json_t *headers, char *out, size_t outsz)
{
    const char *xff = json_string_value(json_object_get(headers, "x-forwarded-for"));
    const char *real = json_string_value(json_object_get(headers, "x-real-ip"));
    const char *s = "";
    size_t n = 0;
    if (xff) {
        while (*xff == ' ' || *xff == '\t')
            xff++;
        n = strcspn(xff, ",");
        while (n > 0 && (xff[n - 1] == ' ' || xff[n - 1] == '\t'))
            n--;
        s = xff;
    }
    if (n == 0 && real) {
        s = real;
        n = strlen(real);
    }
    if (outsz == 0)
        return;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* json_dumps of j, as a JSON string value (the envelope's nested encoding) */
static json_t *encoded(json_t *j)
{
    char *s = j ? rg_json_dumps(j, NULL) : NULL;
    json_t *v = s ? json_string(s) : NULL;
    free(s);
    return v;
}

/* {"body": "<json of body>"} as a string */
static json_t *payload(json_t *body)
{
    json_t *inner = encoded(body);
    json_t *wrap = inner ? json_pack("{s:o}", "body", inner) : NULL;
    json_t *v = encoded(wrap);
    json_decref(wrap);
    return v;
}

static json_t *tag_object(json_t *metadata)
{
    json_t *t = json_pack("{s:s}", "gen-ai", "Gen AI");
    static const char *const keys[] = {"user_id", "team_id"};
    for (size_t i = 0; t && i < 2; i++) {
        json_t *v = json_object_get(metadata, keys[i]);
        if (json_is_string(v) && json_string_length(v) > 0)
            json_object_set(t, keys[i], v);
    }
    return t;
}

char *rg_akto_envelope(const rg_akto_call_t *c, size_t *len)
{
    char status[16], time_s[24], ip[128];
    snprintf(status, sizeof(status), "%d", c->status ? c->status : 200);
    snprintf(time_s, sizeof(time_s), "%lld", (long long)c->time_ms);
    rg_akto_client_ip(c->headers, ip, sizeof(ip));

    json_t *hdrs = json_pack("{s:s}", "content-type", "application/json");
    const char *name;
    json_t *val;
    json_object_foreach(c->headers, name, val)
    {
        if (hdrs && json_is_string(val) && !credential(name))
            json_object_set(hdrs, name, val);
    }
    json_t *body = rg_akto_request_body(c->request);
    json_t *tag = tag_object(c->metadata);

    json_t *resp_payload = NULL, *resp_headers = NULL;
    if (c->blocked_reason) {
        json_t *marker = json_pack("{s:s, s:s}", "x-blocked-by", "Akto Proxy", "reason", c->blocked_reason);
        resp_payload = marker ? payload(marker) : NULL;
        json_decref(marker);
        resp_headers = json_string("{\"content-type\":\"application/json\"}");
    } else if (c->response && !(json_is_object(c->response) && json_object_size(c->response) == 0)) {
        resp_payload = payload(c->response);
        resp_headers = json_string("{\"content-type\":\"application/json\"}");
    } else {
        resp_payload = json_string("{}");
        resp_headers = json_string("{}");
    }

    json_t *e = json_object();
    if (e) {
        json_object_set_new(e, "path", json_string(c->path ? c->path : "/v1/chat/completions"));
        json_object_set_new(e, "requestHeaders", encoded(hdrs));
        json_object_set_new(e, "responseHeaders", resp_headers);
        json_object_set_new(e, "method", json_string("POST"));
        json_object_set_new(e, "requestPayload", payload(body));
        json_object_set_new(e, "responsePayload", resp_payload);
        json_object_set_new(e, "ip", json_string(ip));
        json_object_set_new(e, "destIp", json_string("127.0.0.1"));
        json_object_set_new(e, "time", json_string(time_s));
        json_object_set_new(e, "statusCode", json_string(status));
        json_object_set_new(e, "type", json_string("HTTP/1.1"));
        json_object_set_new(e, "status", json_string(status));
        json_object_set_new(e, "akto_account_id", json_string(c->account_id ? c->account_id : "1000000"));
        json_object_set_new(e, "akto_vxlan_id", json_string(c->vxlan_id ? c->vxlan_id : "0"));
        json_object_set_new(e, "is_pending", json_string("false"));
        json_object_set_new(e, "source", json_string("MIRRORING"));
        static const char *const nulls[] = {"direction", "process_id", "socket_id", "daemonset_id", "enabled_graph"};
        for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
            json_object_set_new(e, nulls[i], json_null());
        json_object_set_new(e, "tag", encoded(tag));
        json_object_set_new(e, "metadata", encoded(tag));
        json_object_set_new(e, "contextSource", json_string(c->context_source ? c->context_source : "AGENTIC"));
    }
    /* a part that could not be made (out of memory, text not UTF-8) leaves its key out: refuse the whole */
    char *out = NULL;
    if (e && json_object_size(e) == 24)
        out = rg_json_dumps(e, len);
    json_decref(e);
    json_decref(hdrs);
    json_decref(body);
    json_decref(tag);
    return out;
}

/* ---- the verdict ------------------------------------------------------------------------------------ */

/* obj[A] else obj[a]: the two casings Akto's replies use */
static json_t *either(json_t *obj, const char *upper, const char *lower)
{
    json_t *v = json_object_get(obj, upper);
    return v && !json_is_null(v) ? v : json_object_get(obj, lower);
}

/* a boolean, or "true"/"false" as text; -1 when neither */
static int boolish(json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_string(v)) {
        if (!strcasecmp(json_string_value(v), "true"))
            return 1;
        if (!strcasecmp(json_string_value(v), "false"))
            return 0;
    }
    return -1;
}

static void copy_trim(char *out, size_t outsz, const char *s, size_t n, int lower)
{
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= outsz) { /* cut, never inside a UTF-8 sequence */
        n = outsz - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
    out[n] = '\0';
}

int rg_akto_verdict_parse(const char *body, size_t len, rg_akto_verdict_t *v, char *err, size_t errsz)
{
    memset(v, 0, sizeof(*v));
    v->allowed = 1;
    json_error_t je;
    json_t *j = json_loadb(body, len, 0, &je);
    if (j == NULL) {
        snprintf(err, errsz, "reply is not JSON (%s)", je.text);
        return -1;
    }
    if (!json_is_object(j)) {
        snprintf(err, errsz, "reply is not a JSON object");
        json_decref(j);
        return -1;
    }
    json_t *data = json_object_get(j, "data");
    json_t *gr = json_is_object(data) ? json_object_get(data, "guardrailsResult") : NULL;
    if (gr == NULL || json_is_null(gr)) { /* an ingest-only answer, or a service that runs no guardrail */
        json_decref(j);
        return 0;
    }
    if (!json_is_object(gr)) {
        snprintf(err, errsz, "data.guardrailsResult is not an object");
        json_decref(j);
        return -1;
    }
    v->has_result = 1;
    int allowed = boolish(either(gr, "Allowed", "allowed"));
    if (allowed < 0) {
        snprintf(err, errsz, "data.guardrailsResult has no boolean Allowed");
        json_decref(j);
        return -1;
    }
    v->allowed = allowed;
    json_t *b = either(gr, "Behaviour", "behaviour");
    if (json_is_string(b))
        copy_trim(v->behaviour, sizeof(v->behaviour), json_string_value(b), json_string_length(b), 1);
    json_t *r = either(gr, "Reason", "reason");
    if (json_is_string(r))
        copy_trim(v->reason, sizeof(v->reason), json_string_value(r), json_string_length(r), 0);
    v->block = !v->allowed && (v->behaviour[0] == '\0' || !strcmp(v->behaviour, "block"));
    v->modified = boolish(either(gr, "Modified", "modified")) == 1;
    json_t *mp = either(gr, "ModifiedPayload", "modifiedPayload");
    if (json_is_string(mp) ? json_string_length(mp) > 0 : (json_is_object(mp) || json_is_array(mp)))
        v->modified_payload = json_incref(mp);
    json_t *md = either(gr, "Metadata", "metadata");
    if (json_is_object(md))
        v->metadata = json_incref(md);
    json_decref(j);
    return 0;
}

void rg_akto_verdict_clear(rg_akto_verdict_t *v)
{
    json_decref(v->modified_payload);
    json_decref(v->metadata);
    v->modified_payload = v->metadata = NULL;
}

/* ---- masking ---------------------------------------------------------------------------------------- */

/* the payload as a body object: a JSON string is parsed; {"body": x} unwrapped (x parsed when a string) */
static json_t *unwrap(json_t *mp)
{
    json_t *j = json_is_string(mp) ? json_loadb(json_string_value(mp), json_string_length(mp), 0, NULL)
                                   : json_incref(mp);
    for (int round = 0; round < 2 && json_is_object(j); round++) {
        json_t *body = json_object_get(j, "body");
        if (body == NULL || json_object_size(j) != 1)
            break;
        json_t *next = json_is_string(body) ? json_loadb(json_string_value(body), json_string_length(body), 0, NULL)
                                            : json_incref(body);
        json_decref(j);
        j = next;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* Same shape, only string leaves may differ. 1 same shape (*changed counts strings), 0 not. */
static int same_shape(json_t *a, json_t *b, int depth, size_t *changed)
{
    if (depth > MASK_MAX_DEPTH || json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_string(a)) {
        if (!json_equal(a, b))
            (*changed)++;
        return 1;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same_shape(json_array_get(a, i), json_array_get(b, i), depth + 1, changed))
                return 0;
        return 1;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v)
        {
            json_t *w = json_object_get(b, k);
            if (w == NULL || !same_shape(v, w, depth + 1, changed))
                return 0;
        }
        return 1;
    }
    return json_equal(a, b);
}

int rg_akto_apply_mask(json_t *request, json_t *modified_payload, json_t **out)
{
    *out = NULL;
    json_t *sent = rg_akto_request_body(request);
    json_t *mod = unwrap(modified_payload);
    size_t changed = 0;
    int rc = -1;
    if (sent && mod && same_shape(sent, mod, 0, &changed) &&
        json_equal(json_object_get(sent, "model"), json_object_get(mod, "model"))) {
        rc = 0;
        if (changed > 0) {
            json_t *r = json_deep_copy(request);
            json_t *msgs = json_object_get(mod, "messages");
            json_t *prompt = json_object_get(request, "prompt");
            if (r && json_is_array(json_object_get(request, "messages"))) {
                json_object_set(r, "messages", msgs);
            } else if (r && json_is_string(prompt)) {
                json_object_set(r, "prompt", json_object_get(json_array_get(msgs, 0), "content"));
            } else if (r && json_is_array(prompt)) { /* the string items, in order */
                json_t *np = json_array();
                size_t i, k = 0;
                json_t *p;
                json_array_foreach(prompt, i, p)
                {
                    json_array_append(np, json_is_string(p) ? json_object_get(json_array_get(msgs, k++), "content")
                                                            : p);
                }
                json_object_set_new(r, "prompt", np);
            }
            json_t *tools = json_object_get(mod, "tools");
            if (r && tools)
                json_object_set(r, "tools", tools);
            *out = r;
            rc = r ? 1 : -1;
        }
    }
    json_decref(sent);
    json_decref(mod);
    return rc;
}
