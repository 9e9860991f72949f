/* info.c — GET /v1/models, /health, /health/readiness, /metrics. */
#include "api/info.h"

#include "api/app.h"
#include "api/metrics.h"
#include "core/version.h"
#include "keys/keys.h"

#include <stdio.h>
#include <string.h>

static void send_json(rg_exchange_t *ex, int status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, s, strlen(s));
    free(s);
    rg_exchange_send(ex, status, "application/json", body);
}

void rg_info_models(rg_exchange_t *ex)
{
    json_t *data = json_array();
    for (size_t i = 0; i < ex->cfg->n_models; i++) {
        const rg_model_t *m = &ex->cfg->models[i];
        json_array_append_new(data, json_pack("{s:s, s:s, s:i, s:s}", "id", m->name, "object", "model", "created",
                                              1700000000, "owned_by", m->provider_name));
    }
    send_json(ex, 200, json_pack("{s:s, s:o}", "object", "list", "data", data));
}

void rg_info_health(rg_exchange_t *ex)
{
    send_json(ex, 200,
              json_pack("{s:s, s:s, s:i, s:i}", "status", "healthy", "version", RG_VERSION, "models",
                        (int)ex->cfg->n_models, "workers", ex->w->server->n_workers));
}

void rg_info_readiness(rg_exchange_t *ex)
{
    int down = atomic_load(&ex->w->server->shutting_down);
    int db = atomic_load(&rg_app.writer.healthy);
    int ready = !down && db;
    send_json(ex, ready ? 200 : 503,
              json_pack("{s:s, s:s}", "status", down ? "shutting_down" : ready ? "ready" : "not_ready", "db",
                        db ? "connected" : "error"));
}

void rg_info_metrics(rg_exchange_t *ex)
{
    rg_server_t *s = ex->w->server;
    rg_metrics_t *blocks[256];
    int n = s->n_workers < 256 ? s->n_workers : 256;
    for (int i = 0; i < n; i++)
        blocks[i] = &s->workers[i].metrics;
    rg_metrics_globals_t g = {
        .in_flight = (uint64_t)atomic_load(&s->in_flight) - 1, /* not counting this scrape */
        .records_written = atomic_load(&rg_app.writer.written),
        .records_dropped = atomic_load(&rg_app.ring.dropped),
        .records_failed = atomic_load(&rg_app.writer.failed),
        .record_queue_depth = rg_ring_depth(&rg_app.ring),
        .config_reloads = atomic_load(&rg_app.config_reloads),
        .config_reload_failures = atomic_load(&rg_app.config_reload_failures),
        .key_auth_failures = atomic_load(&rg_keys.auth_failures),
    };
    rg_buf_t *out = &ex->resp; /* freed at dispose, so it can back the response */
    out->max = 4u << 20;
    if (rg_metrics_render(out, blocks, n, &g) != 0) {
        rg_exchange_error(ex, RG_E_INTERNAL, "metrics output too large", NULL);
        return;
    }
    rg_exchange_send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", h2o_iovec_init(out->data, out->len));
}
