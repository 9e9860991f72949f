/*
 * app.h — the process-wide state the API layer needs: the server, the record
 * ring and writer, and a few counters. One instance, rg_app, set up by
 * main.c before the workers start and torn down after they stop.
 */
#ifndef RG_APP_H
#define RG_APP_H

#include "http/server.h"
#include "ingest/ring.h"
#include "ingest/writer.h"

#include <stdatomic.h>

typedef struct rg_app {
    rg_server_t server;
    rg_ring_t ring;
    rg_writer_t writer;
    atomic_uint_fast64_t config_reloads;
    atomic_uint_fast64_t config_reload_failures;
} rg_app_t;

extern rg_app_t rg_app;

/* The worker entry points handed to rg_server_start. */
int rg_api_on_req(rg_worker_t *w, h2o_req_t *req);
void rg_api_on_worker_start(rg_worker_t *w);
void rg_api_on_worker_stop(rg_worker_t *w);

#endif
