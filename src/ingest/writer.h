/*
 * writer.h — the one writer thread: ring → sink, in batches.
 *
 * rg_writer_start opens the sink on the calling thread (so a bad database
 * path fails at start-up with a clear message) and then hands it to the
 * thread. rg_writer_stop closes the ring, lets the thread drain every queued
 * record into the sink, and joins it: records accepted before stop are
 * never lost.
 */
#ifndef RG_WRITER_H
#define RG_WRITER_H

#include "ingest/ring.h"
#include "ingest/sink.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct rg_writer {
    rg_ring_t *ring;
    const rg_sink_ops_t *ops;
    void *sink;
    pthread_t thread;
    atomic_uint_fast64_t written;
    atomic_uint_fast64_t failed; /* records a sink could not store */
    atomic_int healthy;
} rg_writer_t;

int rg_writer_start(rg_writer_t *w, rg_ring_t *ring, const rg_sink_ops_t *ops, const char *target, char *err,
                    size_t errsz);
void rg_writer_stop(rg_writer_t *w);

#endif
