/*
 * envelope.h — Akto's wire formats, with no server around them (unit tests
 * and tests/fuzz/fuzz_akto_envelope.c call these directly).
 *
 * The envelope (POST /api/http-proxy, and ValidateRequestParams of
 * /api/validate/request|response) is one flat JSON object whose values are strings or null.
 * requestPayload / responsePayload are JSON text of {"body": ...} where body
 * is a JSON string holding JSON (double-encoded: LiteLLM), an object or array
 * (Akto's hook), or a string that is not JSON (Portkey's Akto plugin sends
 * the message text). The payload's encoding is remembered, so a masked
 * payload goes back the way it came (rg_akto_payload_encode).
 */
#ifndef RG_SERVICE_ENVELOPE_H
#define RG_SERVICE_ENVELOPE_H

#include <jansson.h>
#include <stddef.h>

#define RG_AKTO_MAX_DEPTH 64 /* JSON nesting accepted in a payload body */

/* Parses the envelope: 0 and *out (new reference, an object), or -1 with err set (not JSON, not an object). */
int rg_akto_envelope_parse(const char *data, size_t len, json_t **out, char *err, size_t errsz);
/* A field's string value (length in *len when not NULL), or NULL when absent, null or not a string. */
const char *rg_akto_field(const json_t *env, const char *key, size_t *len);

typedef enum rg_akto_enc {
    RG_AKTO_NONE = 0,   /* nothing to check: absent, null, "", or {"body": null} */
    RG_AKTO_DOUBLE,     /* {"body": "<JSON text>"} */
    RG_AKTO_OBJECT,     /* {"body": {...} or [...]} */
    RG_AKTO_TEXT,       /* {"body": "plain text"} */
    RG_AKTO_WHOLE,      /* a JSON object or array without "body": the whole thing is the body ("{}" included) */
    RG_AKTO_RAW_TEXT,   /* the payload is not JSON at all: its text is the body */
} rg_akto_enc_t;

typedef struct rg_akto_payload {
    rg_akto_enc_t enc;
    json_t *wrapper; /* the parsed payload (DOUBLE, OBJECT, TEXT, WHOLE), else NULL */
    json_t *body;    /* the body as a tree (a JSON string for TEXT / RAW_TEXT); NULL for NONE */
} rg_akto_payload_t;

/* Decodes a payload string (s may be NULL). 0, or -1 when out of memory. */
int rg_akto_payload_parse(const char *s, size_t len, rg_akto_payload_t *p);
/* The payload as text in the encoding it came in, with p->body as it is now (malloc'd; NULL on OOM or NONE). */
char *rg_akto_payload_encode(const rg_akto_payload_t *p);
void rg_akto_payload_free(rg_akto_payload_t *p);

/* Query flag: present with value "true" in any case. q is the query string without '?'. */
int rg_akto_query_flag(const char *q, size_t qlen, const char *name);
/* A query field's value into out when it is made of [A-Za-z0-9._-] only and fits (akto_connector); its length, 0
 * when absent or not such a value. */
size_t rg_akto_query_word(const char *q, size_t qlen, const char *name, char *out, size_t outsz);

/* requestHeaders.host normalised into a collection name (lowercase, outside [a-z0-9.:-] → '-', ≤ 200 bytes) into
 * out; returns its length (0: no host). */
size_t rg_akto_collection(const json_t *env, char *out, size_t outsz);

#endif
