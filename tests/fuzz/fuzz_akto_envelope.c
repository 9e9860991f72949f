/*
 * fuzz_akto_envelope.c — Akto's envelope, its payload encodings and the text
 * leaves of a payload body (src/service/envelope.h, payload_text.h).
 *
 * The input is an envelope (POST /api/http-proxy's body). When it parses,
 * requestPayload and responsePayload are decoded; every leaf found in a body
 * must be a non-empty string node; the payload re-encoded in its own
 * encoding must decode again to the same encoding and an equal body; with
 * every leaf replaced by "x" (what a redaction does) the re-encoded payload
 * must decode to the same encoding and the changed body. The collection made
 * from requestHeaders.host holds only [a-z0-9.:-], at most 200 bytes. The
 * query-flag parser reads the input as a query string too. Anything else
 * aborts.
 */
#include "service/envelope.h"
#include "service/payload_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static rg_leaves_t leaves; /* large: not on the stack */

static void roundtrip(const rg_akto_payload_t *p)
{
    char *s = rg_akto_payload_encode(p);
    if (p->enc == RG_AKTO_NONE) {
        if (s != NULL)
            abort();
        return;
    }
    if (s == NULL)
        abort();
    rg_akto_payload_t q;
    if (rg_akto_payload_parse(s, strlen(s), &q) != 0)
        abort();
    if (q.enc != p->enc || !json_equal(q.body, p->body))
        abort();
    rg_akto_payload_free(&q);
    free(s);
}

static void one(const json_t *env, const char *key)
{
    size_t n = 0;
    const char *s = rg_akto_field(env, key, &n);
    rg_akto_payload_t p;
    if (rg_akto_payload_parse(s, s ? n : 0, &p) != 0)
        return;
    if ((p.enc == RG_AKTO_NONE) != (p.body == NULL))
        abort();
    roundtrip(&p);
    if (p.body) {
        rg_payload_leaves(p.body, &leaves);
        if (leaves.n > RG_LEAVES_MAX)
            abort();
        for (size_t i = 0; i < leaves.n; i++)
            if (!json_is_string(leaves.v[i]) || json_string_length(leaves.v[i]) == 0)
                abort();
        for (size_t i = 0; i < leaves.n; i++)
            json_string_set(leaves.v[i], "x");
        roundtrip(&p);
    }
    rg_akto_payload_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *q = (const char *)data;
    int f = rg_akto_query_flag(q, size, "guardrails");
    if (f != 0 && f != 1)
        abort();
    char word[16];
    size_t wl = rg_akto_query_word(q, size, "akto_connector", word, sizeof(word));
    if (wl >= sizeof(word) || strlen(word) != wl)
        abort();
    json_t *env = NULL;
    char err[160];
    if (rg_akto_envelope_parse(q, size, &env, err, sizeof(err)) != 0) {
        if (env != NULL || err[0] == '\0')
            abort();
        return 0;
    }
    char col[208];
    size_t n = rg_akto_collection(env, col, sizeof(col));
    if (n > 200 || strlen(col) != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (!((col[i] >= 'a' && col[i] <= 'z') || (col[i] >= '0' && col[i] <= '9') || col[i] == '.' ||
              col[i] == ':' || col[i] == '-'))
            abort();
    one(env, "requestPayload");
    one(env, "responsePayload");
    json_decref(env);
    return 0;
}
