/*
 * service_int.h — internals shared by the service's files (not for use outside src/service/).
 *
 * A call's state lives in the request's pool and is disposed with it, so a
 * client that leaves while a policy waits on a network check stops the run.
 * Flow: the endpoint parses its body into payloads and says which sides to
 * check; svc_run runs them (maybe waiting) and calls the endpoint's finish.
 */
#ifndef RG_SERVICE_INT_H
#define RG_SERVICE_INT_H

#include "service/envelope.h"
#include "service/pair.h"
#include "service/policy.h"
#include "service/service.h"

typedef struct svc_call svc_call_t;

struct svc_call {
    rg_exchange_t *ex;
    json_t *in;                /* the parsed request body (envelope, validate params, hook context) */
    rg_akto_payload_t pay[2];  /* [0] request side, [1] response side */
    int want[2];               /* check that side */
    rg_svc_eval_t *ev[2];
    int at;                    /* the side in progress */
    int ingest;                /* http-proxy: ingest_data */
    char connector[64];        /* http-proxy: the akto_connector query field, or "" */
    rg_pair_key_t key_sent;    /* http-proxy verdict call: the pair key of the request as it came (before masking) */
    int has_key_sent;
    int recorded;              /* svc_record ran */
    void (*finish)(svc_call_t *c); /* answers and records */
};

/* Runs the wanted sides and then c->finish (now or from a network check's completion). */
void svc_run(svc_call_t *c);
/* The outcome of a side that ran, or NULL. */
const rg_svc_outcome_t *svc_outcome(const svc_call_t *c, int side);
/* The side's ValidationResult (ModifiedPayload in the caller's encoding when masked); new reference. */
json_t *svc_result(const svc_call_t *c, int side);

/* Sends j (stolen) with status; the reply body is kept for the record. */
void svc_send(svc_call_t *c, int status, json_t *j);
/* Writes the call's one record. The strings may be NULL; bodies are capped here. */
typedef struct svc_record {
    int status;
    const char *route, *method, *path, *error, *collection, *client_ip;
    const char *request_body, *response_body, *verdicts;
    size_t method_len, path_len;
} svc_record_t;
void svc_record(svc_call_t *c, const svc_record_t *r);
/* The same record, not yet written: the caller pushes or parks it (NULL when already recorded, or OOM). */
rg_record_t *svc_record_make(svc_call_t *c, const svc_record_t *r);
/* Verdict-only calls waiting for the ingest of their exchange (pair.h); NULL on OOM. */
rg_pair_t *svc_pairs(void);
uint64_t svc_now_ms(void);
/* A body for a record: credential-named keys and credentials in its texts masked (malloc'd; NULL when none). */
char *svc_clean_body(json_t *body);
/* The outcomes as recorded verdicts: {"guardrail_service": {"request": ..., "response": ...}, extra...}. */
json_t *svc_verdicts(const svc_call_t *c);

/* Endpoints */
void svc_http_proxy(svc_call_t *c);
void svc_validate(svc_call_t *c, int response_side);
void svc_webhook(svc_call_t *c);

/* auth.c: 1 when the call's Authorization holds a service token (or none is configured). */
int svc_authorized(rg_exchange_t *ex);

#endif
