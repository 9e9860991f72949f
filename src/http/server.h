/*
 * server.h — the HTTP server: libh2o on libuv, one worker thread per core.
 *
 * Each worker has its own uv loop, h2o context, SO_REUSEPORT listener, curl
 * multi (upstream) and metrics block, so a request is handled start to end
 * on one thread without locks. The main thread talks to workers only through
 * uv_async: a new config generation (SIGHUP), "stop accepting" and "stop".
 *
 * A worker holds one reference to its current config generation; a request
 * takes its own reference from it at start, so a reload never changes the
 * config under a request in flight.
 */
#ifndef RG_SERVER_H
#define RG_SERVER_H

#include "api/metrics.h"
#include "config/config.h"
#include "http/upstream.h"

#include <h2o.h>
#include <pthread.h>
#include <stdatomic.h>
#include <uv.h>

typedef struct rg_server rg_server_t;

typedef struct rg_worker {
    int id;
    rg_server_t *server;
    pthread_t thread;
    uv_loop_t loop;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    uv_tcp_t listener;
    int listen_fd;
    int listening;
    uv_async_t wakeup;
    pthread_mutex_t mu;
    rg_config_t *next_cfg; /* set by the main thread, taken by the worker */
    int want_close_listener;
    int want_stop;
    uv_timer_t idle_sweep; /* during shutdown: keeps asking h2o to close idle connections */

    rg_config_t *cfg; /* this worker's generation; touched by the worker only */
    rg_upstream_t *upstream;
    rg_metrics_t metrics;
    h2o_linklist_t exchanges; /* requests in flight on this worker */
    uv_timer_t client_watch;  /* api layer: notices HTTP/1 clients that left before the response */
    uint64_t rng[2];
    struct rg_check_io *check_io; /* network I/O for async checks (api/check_io.c), made on first use */
    void *api; /* the API layer's per-worker state (api/app.h) */
} rg_worker_t;

/* The per-request entry point the API layer provides. */
typedef int (*rg_on_req_t)(rg_worker_t *w, h2o_req_t *req);
/* Called on each worker's thread before its loop runs. */
typedef void (*rg_on_worker_start_t)(rg_worker_t *w);
/* Called on a worker's thread when it stops: finish whatever is still in flight. */
typedef void (*rg_on_worker_stop_t)(rg_worker_t *w);

struct rg_server {
    h2o_globalconf_t globalconf;
    rg_worker_t *workers;
    int n_workers;
    SSL_CTX *ssl_ctx;
    rg_on_req_t on_req;
    rg_on_worker_start_t on_start;
    rg_on_worker_stop_t on_stop;
    atomic_long in_flight;
    atomic_int shutting_down;
};

/* Binds all listeners (so a busy port fails here, on the main thread) and starts the workers. */
int rg_server_start(rg_server_t *s, rg_config_t *cfg, rg_on_req_t on_req, rg_on_worker_start_t on_start,
                    rg_on_worker_stop_t on_stop, char *err, size_t errsz);
/* Hands a new generation to every worker (each takes its own reference). */
void rg_server_publish(rg_server_t *s, rg_config_t *cfg);
/* Stops accepting new connections and asks h2o to close idle keep-alive ones. */
void rg_server_stop_accepting(rg_server_t *s);
/* Stops the loops and joins the threads. */
void rg_server_stop(rg_server_t *s);

static inline rg_worker_t *rg_worker_of(h2o_req_t *req)
{
    return (rg_worker_t *)((char *)req->conn->ctx - offsetof(rg_worker_t, ctx));
}

/* xorshift128+, per worker, seeded from getrandom(2): request ids, not secrets. */
uint64_t rg_worker_rand(rg_worker_t *w);

#endif
