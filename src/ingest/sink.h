/*
 * sink.h — where records go. One file per sink under sinks/, each a struct
 * of ops. Sinks run only on the writer thread, so they need no locking.
 */
#ifndef RG_SINK_H
#define RG_SINK_H

#include "ingest/record.h"

#include <stddef.h>

typedef struct rg_sink_ops {
    const char *name;
    /* Opens the sink; NULL with a message in err on failure. */
    void *(*open)(const char *target, char *err, size_t errsz);
    /* Writes a batch; returns the number written (all or none for SQLite). */
    size_t (*write)(void *sink, rg_record_t *const *recs, size_t n);
    void (*close)(void *sink);
} rg_sink_ops_t;

extern const rg_sink_ops_t rg_sink_sqlite;

#endif
