/*
 * fuzz_akto_verdict — the akto client's parsers of untrusted bytes
 * (guard/checks/akto_wire.h): an http-proxy reply through
 * rg_akto_verdict_parse, its ModifiedPayload through rg_akto_apply_mask on a
 * fixed request, and the bytes as a request body through rg_akto_envelope.
 *
 * Contract checked: parse returns 0 or -1 (with a message); block exactly
 * when !allowed and behaviour is "" or "block"; behaviour lower-case and
 * trimmed (one cut at its cap keeps its bytes); Reason and Behaviour valid UTF-8 and NUL-free within their caps.
 * The mask gives -1, 0 or 1, and 1 only with an object whose messages are
 * an array of the request's length. An envelope, when built, is a JSON object
 * of 24 keys, every value a string or null, its requestPayload double-encoded.
 */
#include "guard/checks/akto_wire.h"

#include "core/json_valid.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap)
{
    size_t n = strlen(s);
    if (n >= cap || !rg_utf8_valid(s, n))
        abort();
}

static void envelope_of(json_t *request)
{
    rg_akto_call_t c = {.path = "/v1/chat/completions", .request = request, .time_ms = 1,
                        .account_id = "1000000", .vxlan_id = "0"};
    size_t len = 0;
    char *s = rg_akto_envelope(&c, &len);
    if (s == NULL)
        return;
    json_t *e = json_loadb(s, len, 0, NULL);
    if (!json_is_object(e) || json_object_size(e) != 24)
        abort();
    const char *k;
    json_t *v;
    json_object_foreach(e, k, v) if (!json_is_string(v) && !json_is_null(v)) abort();
    json_t *rp = json_object_get(e, "requestPayload");
    json_t *outer = json_loads(json_string_value(rp), 0, NULL);
    json_t *body = json_object_get(outer, "body");
    json_t *inner = json_is_string(body) ? json_loads(json_string_value(body), 0, NULL) : NULL;
    if (!json_is_object(inner) || !json_is_array(json_object_get(inner, "messages")))
        abort();
    json_decref(inner);
    json_decref(outer);
    json_decref(e);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_akto_verdict_t v;
    char err[128] = "";
    int rc = rg_akto_verdict_parse((const char *)data, size, &v, err, sizeof(err));
    if (rc != 0 && (rc != -1 || err[0] == '\0'))
        abort();
    if (rc == 0) {
        check_text(v.behaviour, sizeof(v.behaviour));
        check_text(v.reason, sizeof(v.reason));
        size_t bn = strlen(v.behaviour);
        for (size_t i = 0; i < bn; i++)
            if (v.behaviour[i] >= 'A' && v.behaviour[i] <= 'Z')
                abort();
        /* trimmed; a behaviour cut at its cap keeps its bytes (it can be neither "" nor "block" then) */
        if (bn && (v.behaviour[0] == ' ' || (bn + 4 < sizeof(v.behaviour) && v.behaviour[bn - 1] == ' ')))
            abort();
        int expect = !v.allowed && (v.behaviour[0] == '\0' || strcmp(v.behaviour, "block") == 0);
        if (v.block != expect)
            abort();
        if (v.modified_payload) {
            json_t *req = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "model", "m", "messages", "role", "system",
                                    "content", "be nice", "role", "user", "content", "card 4111 1111 1111 1111");
            json_t *out = NULL;
            int m = rg_akto_apply_mask(req, v.modified_payload, &out);
            if (m < -1 || m > 1 || (m == 1) != (out != NULL))
                abort();
            if (m == 1 && json_array_size(json_object_get(out, "messages")) != 2)
                abort();
            json_decref(out);
            json_decref(req);
        }
    }
    rg_akto_verdict_clear(&v);
    json_t *j = json_loadb((const char *)data, size, 0, NULL);
    if (json_is_object(j))
        envelope_of(j);
    json_decref(j);
    return 0;
}
