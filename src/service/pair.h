/*
 * pair.h — one record for an exchange that a caller checks and then ingests.
 *
 * LiteLLM's akto guardrail and Akto's own hook ask /api/http-proxy for a
 * verdict first (guardrails=true, no ingest) and, once the model answered or
 * the request was blocked, ingest the exchange (ingest_data=true: request and
 * answer, or the 403 marker). Both calls describe one exchange. So the
 * verdict call's record is parked here, keyed by what both calls share (the
 * collection, the path and the request body), and the ingest that describes
 * the same request takes it and writes one record with both calls' verdicts.
 * A parked record that no ingest takes is written as it is when its window
 * ends (rg_pair_sweep), when the table is full (oldest first) or at shutdown
 * (rg_pair_flush): nothing is lost, at worst it is late.
 *
 * Thread-safe (one mutex; records are emitted outside it).
 */
#ifndef RG_SERVICE_PAIR_H
#define RG_SERVICE_PAIR_H

#include "ingest/record.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_pair_key {
    unsigned char b[32];
} rg_pair_key_t;

typedef struct rg_pair rg_pair_t;
typedef void (*rg_pair_emit_fn)(void *arg, rg_record_t *rec); /* takes rec */

/* A table of at most max_entries parked records holding at most max_bytes of strings. NULL on OOM. */
rg_pair_t *rg_pair_new(size_t max_entries, size_t max_bytes, rg_pair_emit_fn emit, void *arg);
/* Emits what is parked, then frees the table. */
void rg_pair_free(rg_pair_t *p);

/* SHA-256 over the collection, the path and the request body (keys sorted, so encodings and key order agree);
 * -1 when it cannot be made (out of memory): then nothing is parked or taken, rather than pairing on a partial key. */
int rg_pair_key(rg_pair_key_t *k, const char *collection, const char *path, size_t path_len, const json_t *body);
/* Parks rec (taken in every case) until now + window_ms; what no longer fits is emitted, oldest first. */
void rg_pair_park(rg_pair_t *p, const rg_pair_key_t *k, rg_record_t *rec, uint64_t now_ms, uint64_t window_ms);
/* The oldest parked record with this key whose window is open (the caller owns it), or NULL. */
rg_record_t *rg_pair_take(rg_pair_t *p, const rg_pair_key_t *k, uint64_t now_ms);
/* Emits the records whose window has ended. */
void rg_pair_sweep(rg_pair_t *p, uint64_t now_ms);
/* Emits every parked record. */
void rg_pair_flush(rg_pair_t *p);
size_t rg_pair_count(rg_pair_t *p);

#endif
