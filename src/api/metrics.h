/*
 * metrics.h — Prometheus counters, counted per worker thread, summed on read.
 *
 * Each worker owns one rg_metrics_t and is its only writer (RG_INC is a
 * relaxed load+store, no lock prefix); /metrics reads all workers' blocks
 * with relaxed loads. Process-wide figures (in flight, records) come from
 * atomics owned elsewhere and are passed to the renderer.
 */
#ifndef RG_METRICS_H
#define RG_METRICS_H

#include "api/route.h"
#include "core/buf.h"
#include "core/errors.h"

#include <stdint.h>

#define RG_LATENCY_BUCKETS(X) X(0.0005) X(0.001) X(0.0025) X(0.005) X(0.01) X(0.025) X(0.05) X(0.1) X(0.25) X(0.5) X(1) X(2.5) X(5) X(10) X(30) X(60)
enum {
#define X(b) +1
    RG_N_BUCKETS = 0 RG_LATENCY_BUCKETS(X)
#undef X
};

#define RG_STATUS_MAX 600

typedef struct rg_metrics {
    uint64_t requests[RG_ROUTE__COUNT][RG_STATUS_MAX];
    uint64_t errors[RG_E__COUNT];
    uint64_t latency[RG_ROUTE__COUNT][RG_N_BUCKETS + 1]; /* last = +Inf */
    uint64_t latency_sum_us[RG_ROUTE__COUNT];
    uint64_t upstream_requests;
    uint64_t stream_client_aborts;
} rg_metrics_t;

#define RG_INC_BY(x, n) __atomic_store_n(&(x), __atomic_load_n(&(x), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define RG_INC(x) RG_INC_BY(x, 1)

void rg_metrics_observe(rg_metrics_t *m, rg_route_t route, int status, int64_t dur_us);

typedef struct rg_metrics_globals {
    uint64_t in_flight;
    uint64_t records_written;
    uint64_t records_dropped;
    uint64_t records_failed;
    uint64_t record_queue_depth;
    uint64_t config_reloads;
    uint64_t config_reload_failures;
    uint64_t key_auth_failures; /* virtual keys refused (keys/keys.h) */
} rg_metrics_globals_t;

/* Sums n per-worker blocks and renders the Prometheus text exposition. */
int rg_metrics_render(rg_buf_t *out, rg_metrics_t *const *workers, int n, const rg_metrics_globals_t *g);

#endif
