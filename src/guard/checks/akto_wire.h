/*
 * checks/akto_wire.h — Akto's http-proxy wire format, as Railgate's `akto`
 * guardrail kind speaks it (the client side; ../shared/reference/
 * akto-protocol.md §0 and §1, LiteLLM's built-in akto guardrail).
 *
 * Pure functions, no I/O: the envelope a call sends, the verdict parsed from
 * the reply, and the masked request built from a ModifiedPayload. The two
 * checks railgate.akto (the awaited pre_call verdict) and railgate.aktoIngest
 * (the one ingest after the answer) do the calls (docs/internals/akto-client.md).
 */
#ifndef RG_GUARD_CHECKS_AKTO_WIRE_H
#define RG_GUARD_CHECKS_AKTO_WIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RG_AKTO_REASON_MAX 512    /* bytes of Reason kept */
#define RG_AKTO_BEHAVIOUR_MAX 32  /* bytes of Behaviour kept (lower-cased, trimmed) */
#define RG_AKTO_MAX_REPLY (1u << 20)
#define RG_AKTO_BLOCKED "Blocked by Akto Guardrails"
#define RG_AKTO_UNREACHABLE "Akto guardrail service unreachable"
#define RG_AKTO_MASK_FAILED "Content masked by Akto guardrail policy could not be applied"

/* What one envelope carries. Everything is borrowed. */
typedef struct rg_akto_call {
    const char *path;        /* the request route, e.g. "/v1/chat/completions" */
    json_t *request;         /* the request body (an object): model, messages (or prompt), tools are sent */
    json_t *response;        /* the answer's JSON, or NULL: responsePayload "{}" */
    int status;              /* statusCode/status; 0: "200" */
    json_t *headers;         /* the client's headers, lower-case names → strings, credentials removed; or NULL */
    json_t *metadata;        /* the request's metadata object (user_id, team_id), or NULL */
    const char *account_id;  /* akto_account_id */
    const char *vxlan_id;    /* akto_vxlan_id */
    const char *context_source; /* "AGENTIC" when NULL */
    int64_t time_ms;         /* epoch milliseconds */
    const char *blocked_reason; /* non-NULL: the blocked marker (responsePayload {"x-blocked-by","reason"}) */
} rg_akto_call_t;

/*
 * The request body object sent inside requestPayload: {"model", "messages"[, "tools"]}; a completions
 * request's prompt (a string, or an array of strings) becomes user messages. New reference, or NULL
 * when the request has neither messages nor a usable prompt (then {"model"} alone... never NULL on a
 * valid object: an empty messages array is sent).
 */
json_t *rg_akto_request_body(json_t *request);

/* The envelope (§0: every value a string or null), serialized; malloc'd, NULL when out of memory. */
char *rg_akto_envelope(const rg_akto_call_t *c, size_t *len);

/* ip: the first x-forwarded-for entry (trimmed), else x-real-ip, else "". Writes at most outsz-1 bytes. */
void rg_akto_client_ip(json_t *headers, char *out, size_t outsz);

typedef struct rg_akto_verdict {
    int allowed;
    int block;     /* !allowed && behaviour in {"block", ""} */
    int modified;
    int has_result; /* data.guardrailsResult was there */
    char behaviour[RG_AKTO_BEHAVIOUR_MAX];
    char reason[RG_AKTO_REASON_MAX];
    json_t *modified_payload; /* owned: string, object or array; NULL when absent */
    json_t *metadata;         /* owned: guardrailsResult.Metadata, or NULL */
} rg_akto_verdict_t;

/*
 * Parses an http-proxy reply body (status 200 already checked by the caller). Either key casing
 * (Allowed|allowed, ...). A reply without data or data.guardrailsResult is allowed. Returns 0, or -1
 * with a message (not JSON, not an object, guardrailsResult not an object, Allowed missing or not a
 * boolean): the caller's unreachable_fallback applies. Always call rg_akto_verdict_clear afterwards.
 */
int rg_akto_verdict_parse(const char *body, size_t len, rg_akto_verdict_t *v, char *err, size_t errsz);
void rg_akto_verdict_clear(rg_akto_verdict_t *v);

/*
 * Maps a ModifiedPayload back onto the request. The payload may be a JSON string, {"body": <string or
 * object>}, or the body object itself; it must have exactly the shape of rg_akto_request_body(request)
 * with only string leaves changed (the model unchanged). Returns 1 with *out a new request (messages
 * and tools replaced; a prompt put back where it came from), 0 when nothing changed, -1 when the payload
 * cannot be mapped back one to one.
 */
int rg_akto_apply_mask(json_t *request, json_t *modified_payload, json_t **out);

#endif
