/*
 * ring.h — the bounded queue between request threads and the writer thread.
 *
 * Producers (workers) never block on it beyond a short mutex hold: when the
 * ring is full the record is dropped and counted (railgate_records_dropped_total),
 * so a slow disk can never stall a request. The single consumer takes records
 * in batches and sleeps on a condition variable when it is empty.
 */
#ifndef RG_RING_H
#define RG_RING_H

#include "ingest/record.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_ring {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rg_record_t **slots;
    size_t cap, head, count;
    int closed;
    int consumer_waiting;
    atomic_uint_fast64_t pushed;
    atomic_uint_fast64_t dropped;
} rg_ring_t;

int rg_ring_init(rg_ring_t *r, size_t cap);
/* Takes ownership of rec in every case: queued (0) or dropped and freed (-1). */
int rg_ring_push(rg_ring_t *r, rg_record_t *rec);
/*
 * Moves up to max records into out, waiting up to wait_ms for the first one.
 * Returns the count; 0 with *closed set means closed and drained.
 */
size_t rg_ring_pop(rg_ring_t *r, rg_record_t **out, size_t max, int wait_ms, int *closed);
/* After close, pushes are dropped and the consumer drains what is left. */
void rg_ring_close(rg_ring_t *r);
void rg_ring_destroy(rg_ring_t *r);
size_t rg_ring_depth(rg_ring_t *r);

#endif
