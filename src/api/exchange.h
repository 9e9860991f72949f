/*
 * exchange.h — one client request and everything Railgate does for it.
 *
 * The exchange lives in the request's pool (h2o_mem_alloc_shared) and its
 * dispose callback runs exactly once, when h2o frees the request: whether
 * the response completed, failed, or the client went away. That callback
 * cancels upstream work and timers, builds the request's single record,
 * logs the request's single line, counts metrics, and drops the config
 * reference. Heap buffers hanging off the exchange are freed there too.
 *
 * Threads: an exchange is only ever touched on its worker's loop thread.
 */
#ifndef RG_EXCHANGE_H
#define RG_EXCHANGE_H

#include "api/route.h"
#include "config/config.h"
#include "core/buf.h"
#include "core/errors.h"
#include "http/server.h"
#include "http/sse.h"
#include "http/upstream.h"

#include <h2o.h>
#include <jansson.h>
#include <stdint.h>

#define RG_PASS_HEADERS_MAX 16

typedef struct rg_exchange {
    h2o_generator_t gen; /* proceed/stop for streamed and inline responses */
    h2o_req_t *req;
    rg_worker_t *w;
    rg_config_t *cfg;
    h2o_linklist_t link; /* in w->exchanges */

    char id[33];
    int64_t ts_ms;
    int64_t t0, t_up0, t_up1;
    rg_route_t route;
    const rg_model_t *model;
    h2o_iovec_t model_name; /* as the client asked */
    json_t *body;           /* the parsed request, NULL for GET */
    int stream;

    /* outcome */
    int status;
    rg_error_t err;
    const char *err_detail; /* in the pool */
    h2o_iovec_t sent;       /* non-streamed body sent, for the record (alive until dispose) */

    /* upstream */
    rg_transfer_t *xfer;
    char *up_body; /* malloc'd when rewritten, else NULL (the entity is sent) */
    int up_status;
    h2o_iovec_t pass_name[RG_PASS_HEADERS_MAX], pass_value[RG_PASS_HEADERS_MAX];
    int n_pass;

    /* response bodies */
    rg_buf_t resp;    /* non-stream: upstream body; stream: events waiting to go out */
    rg_buf_t out;     /* stream: bytes handed to h2o, awaiting proceed */
    rg_buf_t rec;     /* stream: copy of what went out, capped for the record */
    rg_sse_parser_t sse;
    int rec_truncated;

    /* mock provider */
    uv_timer_t *timer;
    int mock_step;
    char *mock_text; /* malloc'd */

    struct rg_guard_state *guard; /* hooks of this request, or NULL (api/guard.c) */
    struct rg_vkey *vkey;         /* the virtual key it was authorized with, or NULL (keys/keys.h) */
    struct rg_stream_guard *sg;   /* streams: output guardrails between the provider and the client, or NULL */
    struct rg_agent_req *agent;   /* agent-proxy mode: the request's state (agent/agent_proxy.c), or NULL; freed
                                   * before the record is made */
    h2o_iovec_t sent_body;        /* agent proxy with a field mapping (ex->body is a view): the request as sent
                                   * (as received until it is sent: it may be refused first) */
    const char *sent_field;       /* ... and the path of the mapped field in it (config-owned) */
    struct svc_call *svc;         /* a guardrail-service call's state (service/service_int.h) while it lives, or NULL */
    unsigned body_changed : 1;    /* hooks transformed the request body: send the re-serialized one */
    unsigned decided : 1;     /* upstream status/content type looked at */
    unsigned streaming : 1;   /* passing an SSE stream through */
    unsigned started : 1;     /* h2o_start_response called */
    unsigned sending : 1;     /* waiting for proceed */
    unsigned paused : 1;      /* upstream transfer paused for back-pressure */
    unsigned upstream_done : 1;
    unsigned finished : 1;    /* final h2o_send issued */
    unsigned client_gone : 1;
    unsigned recorded : 1;
    unsigned sse_ready : 1;
    unsigned guard_wait : 1;  /* the stream ended; the output guardrails' final check is running */
    unsigned guard_cut : 1;   /* the output guardrails stopped the stream */
} rg_exchange_t;

rg_exchange_t *rg_exchange_new(rg_worker_t *w, h2o_req_t *req, rg_route_t route);

/* Sends a complete response; body must stay valid until dispose (pool or ex buffers). */
void rg_exchange_send(rg_exchange_t *ex, int status, const char *content_type, h2o_iovec_t body);
/* Sends an OpenAI-shaped error; message NULL → the table's default. */
void rg_exchange_error(rg_exchange_t *ex, rg_error_t e, const char *message, const char *param);
/* Starts a streamed (SSE) response with status 200. */
void rg_exchange_start_stream(rg_exchange_t *ex);
/* Streams: hands pending bytes (ex->resp) to h2o when it is ready; ends after upstream_done. What goes
 * out is copied (capped) into ex->rec for the record. */
void rg_exchange_flush(rg_exchange_t *ex);
/*
 * Streams, for providers: call once the answer is known to be a stream, before its first event (sets up
 * the output guardrails when the request has after-hooks: api/stream_guard.h). Then each complete event
 * goes through rg_exchange_stream_event, which starts the response on its first call and queues what may
 * go out in ex->resp (the caller flushes). It returns 1 when the provider must stop: the guardrails cut
 * the stream (their error event and [DONE] are queued), or ex->resp outgrew its cap (ex->err set).
 * rg_exchange_stream_end is the end of the provider's stream, with ex->err set when it failed: it runs
 * the guardrails' final check (which may wait on async checks), queues an error event for ex->err, and
 * ends the response.
 */
void rg_exchange_stream_init(rg_exchange_t *ex);
int rg_exchange_stream_event(rg_exchange_t *ex, const rg_sse_event_t *ev);
void rg_exchange_stream_end(rg_exchange_t *ex);
/* The client left before any response: stop upstream work and let h2o free the request (recorded as 499). */
void rg_exchange_abandon(rg_exchange_t *ex);
/* Writes the record and the log line now (idempotent); used by dispose and at shutdown. */
void rg_exchange_finalize(rg_exchange_t *ex);

const char *rg_reason_phrase(int status);

/* Providers */
void rg_proxy_start(rg_exchange_t *ex);
void rg_mock_start(rg_exchange_t *ex);

/* Counts credential-named keys (api_key, authorization, ...) with non-null values, without changing v. */
int rg_count_secrets(const json_t *v);
/* Removes secret-bearing keys (api_key, authorization, ...) in place; returns how many. */
int rg_redact_secrets(json_t *v);

#endif
