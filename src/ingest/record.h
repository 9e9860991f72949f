/*
 * record.h — one record per request: what came in, what went out, timings.
 *
 * A record is built on the request's worker thread at the end of the request
 * (the exchange's dispose callback), as one heap block holding the struct and
 * copies of all its strings, handed to the ingest ring, and freed by the
 * writer thread after the sinks have it. Bodies are already capped and
 * stripped of secrets when they get here.
 */
#ifndef RG_RECORD_H
#define RG_RECORD_H

#include <stddef.h>
#include <stdint.h>

typedef struct rg_record {
    char id[33];
    int64_t ts_ms; /* wall clock, request start */
    int status;
    int stream;
    int request_truncated;
    int response_truncated;
    int64_t total_us;
    int64_t upstream_us;
    int64_t own_us; /* total minus time waiting on the upstream */
    /* NUL-terminated strings, NULL when absent; they point into the same block */
    const char *method;
    const char *route;
    const char *path;
    const char *model;
    const char *upstream;
    const char *client_ip;
    const char *error;
    const char *request_body;
    const char *response_body;
    const char *collection;
    const char *key_alias;
    const char *team_alias;
    const char *verdicts;
} rg_record_t;

/* Strings to copy in; lengths with (const char*, size_t) pairs, NULL = absent. */
typedef struct rg_record_src {
    const char *s;
    size_t len;
} rg_record_src_t;

enum {
    RG_REC_METHOD,
    RG_REC_ROUTE,
    RG_REC_PATH,
    RG_REC_MODEL,
    RG_REC_UPSTREAM,
    RG_REC_CLIENT_IP,
    RG_REC_ERROR,
    RG_REC_REQUEST_BODY,
    RG_REC_RESPONSE_BODY,
    RG_REC_COLLECTION,
    RG_REC_KEY_ALIAS,
    RG_REC_TEAM_ALIAS,
    RG_REC_VERDICTS,
    RG_REC__STRINGS
};

/* Allocates one block: a copy of head plus the strings. NULL on OOM. */
rg_record_t *rg_record_new(const rg_record_t *head, const rg_record_src_t src[RG_REC__STRINGS]);
void rg_record_free(rg_record_t *r);

#endif
