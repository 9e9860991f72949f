#include "ingest/writer.h"

#include "core/log.h"

#include <stdio.h>
#include <sched.h>
#include <time.h>

#define BATCH 512
/* After the first record of a batch, wait this long for more: at low load this
 * turns one SQLite transaction per request into one per few milliseconds. */
#define LINGER_NS (5 * 1000 * 1000)

/* Returns the new state: 1 = SCHED_IDLE. */
static int set_idle(int on)
{
    struct sched_param sp = {0};
    if (sched_setscheduler(0, on ? SCHED_IDLE : SCHED_OTHER, &sp) != 0)
        return !on; /* unchanged */
    return on;
}

static void *run(void *arg)
{
    rg_writer_t *w = arg;
    int idle = 0;
    rg_record_t *batch[BATCH];
    for (;;) {
        int closed = 0;
        /*
         * Priority follows the queue. While it is short the writer runs as
         * SCHED_IDLE, only on a core nobody else wants, so its SQLite bursts
         * never delay a request (on 2 cores they were the whole 1 ms p99, see
         * PERFORMANCE.md). When records pile up it returns to normal priority
         * so the queue drains and records are not dropped.
         */
        size_t depth = rg_ring_depth(w->ring);
        if (!idle && depth < w->ring->cap / 16)
            idle = set_idle(1);
        else if (idle && depth > w->ring->cap / 4)
            idle = set_idle(0);
        size_t n = rg_ring_pop(w->ring, batch, 1, 200, &closed);
        if (n == 1 && !closed) {
            struct timespec ts = {0, LINGER_NS};
            nanosleep(&ts, NULL);
            n += rg_ring_pop(w->ring, batch + 1, BATCH - 1, 0, &closed);
        } else if (n == 1) {
            n += rg_ring_pop(w->ring, batch + 1, BATCH - 1, 0, &closed);
        }
        if (n > 0) {
            size_t ok = w->ops->write(w->sink, batch, n);
            atomic_fetch_add(&w->written, ok);
            if (ok < n) {
                atomic_fetch_add(&w->failed, n - ok);
                atomic_store(&w->healthy, 0);
            } else {
                atomic_store(&w->healthy, 1);
            }
            for (size_t i = 0; i < n; i++)
                rg_record_free(batch[i]);
        }
        if (closed)
            break;
    }
    return NULL;
}

int rg_writer_start(rg_writer_t *w, rg_ring_t *ring, const rg_sink_ops_t *ops, const char *target, char *err,
                    size_t errsz)
{
    w->ring = ring;
    w->ops = ops;
    atomic_init(&w->written, 0);
    atomic_init(&w->failed, 0);
    atomic_init(&w->healthy, 1);
    if ((w->sink = ops->open(target, err, errsz)) == NULL)
        return -1;
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        ops->close(w->sink);
        snprintf(err, errsz, "cannot start the writer thread");
        return -1;
    }
    return 0;
}

void rg_writer_stop(rg_writer_t *w)
{
    rg_ring_close(w->ring);
    pthread_join(w->thread, NULL);
    w->ops->close(w->sink);
    rg_info("records: %lu written, %lu dropped, %lu failed", (unsigned long)atomic_load(&w->written),
            (unsigned long)atomic_load(&w->ring->dropped), (unsigned long)atomic_load(&w->failed));
}
