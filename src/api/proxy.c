/*
 * proxy.c — the `openai` provider: forward to any OpenAI-compatible base URL.
 *
 * Non-streamed answers are buffered (capped by max_response_buffered),
 * checked to be JSON, and passed on with the upstream's status. Streamed
 * answers are parsed as SSE while they pass: each complete event is checked
 * and forwarded as soon as it is whole (through the output guardrails when
 * the request has after-hooks: they may hold events, or cut the stream, which
 * aborts the transfer), the transfer is paused while the client is slower
 * than the upstream, and cancelled when the client leaves.
 */
#include "api/exchange.h"
#include "api/guard.h"

#include "core/clock.h"
#include "core/json_dump.h"
#include "core/json_valid.h"
#include "core/log.h"
#include "core/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* pause the upstream when this much is waiting for a slow client */
#define STREAM_HIGH_WATER (256u * 1024)
#define SSE_EVENT_MAX (1u << 20)
/* upstream JSON is checked, not parsed: see core/json_valid.h */
#define JSON_DEPTH 512

static const char *route_suffix(rg_route_t r)
{
    return r == RG_ROUTE_CHAT ? "/chat/completions" : r == RG_ROUTE_COMPLETIONS ? "/completions" : "/embeddings";
}

static int pass_header(const char *name, size_t len)
{
    return (len == 12 && !strncasecmp(name, "x-request-id", 12)) || (len == 11 && !strncasecmp(name, "retry-after", 11)) ||
           (len > 7 && !strncasecmp(name, "openai-", 7)) || (len > 12 && !strncasecmp(name, "x-ratelimit-", 12));
}

static void on_header(void *ctx, const char *line, size_t len)
{
    rg_exchange_t *ex = ctx;
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) { /* a new header block (e.g. after 100 Continue) */
        ex->n_pass = 0;
        return;
    }
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || ex->n_pass == RG_PASS_HEADERS_MAX || !pass_header(line, (size_t)(colon - line)))
        return;
    const char *v = colon + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    h2o_iovec_t name = h2o_strdup(&ex->req->pool, line, (size_t)(colon - line));
    h2o_strtolower(name.base, name.len);
    ex->pass_name[ex->n_pass] = name;
    ex->pass_value[ex->n_pass] = h2o_strdup(&ex->req->pool, v, (size_t)(end - v));
    ex->n_pass++;
}

/* One complete SSE event from the upstream. Returns non-zero to stop the stream. */
static int on_event(void *arg, const rg_sse_event_t *ev)
{
    rg_exchange_t *ex = arg;
    if (ev->has_data && !(ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0)) {
        if (!rg_json_valid(ev->data, ev->data_len, JSON_DEPTH))
            goto garbage;
    } else if (!ev->has_data && ev->unknown) {
        goto garbage;
    }
    return rg_exchange_stream_event(ex, ev); /* 1: cut by the output guardrails, or too large */
garbage:
    ex->err = RG_E_UPSTREAM_BAD_RESPONSE;
    ex->err_detail = "upstream sent an event that is not OpenAI-style SSE";
    return 1;
}

static size_t on_data(void *ctx, const char *p, size_t n)
{
    rg_exchange_t *ex = ctx;
    if (!ex->decided) {
        ex->decided = 1;
        ex->up_status = (int)rg_transfer_status(ex->xfer);
        const char *ct = rg_transfer_content_type(ex->xfer);
        ex->streaming = ex->stream && ex->up_status == 200 && ct && !strncasecmp(ct, "text/event-stream", 17);
        if (ex->streaming) {
            rg_sse_init(&ex->sse, SSE_EVENT_MAX);
            ex->sse_ready = 1;
            ex->resp.max = STREAM_HIGH_WATER + SSE_EVENT_MAX + 65536;
            rg_exchange_stream_init(ex);
        }
    }
    if (!ex->streaming) {
        if (rg_buf_append(&ex->resp, p, n) != RG_BUF_OK) {
            ex->err = RG_E_UPSTREAM_TOO_LARGE;
            return RG_XFER_ABORT;
        }
        return n;
    }
    if (ex->resp.len >= STREAM_HIGH_WATER) {
        rg_debug("stream %s: pause upstream (%zu bytes waiting, sending=%d)", ex->id, ex->resp.len, ex->sending);
        ex->paused = 1; /* curl hands these bytes again on resume */
        return RG_XFER_PAUSE;
    }
    if (rg_sse_feed(&ex->sse, p, n, on_event, ex) != RG_SSE_OK) {
        if (!ex->err) {
            ex->err = RG_E_UPSTREAM_BAD_RESPONSE;
            ex->err_detail = "upstream SSE event exceeds the size limit";
        }
        return RG_XFER_ABORT;
    }
    rg_exchange_flush(ex);
    return n;
}

static void on_done(void *ctx, CURLcode rc, const char *errmsg)
{
    rg_exchange_t *ex = ctx;
    ex->t_up1 = rg_now_us();
    if (!ex->decided && ex->xfer) {
        ex->up_status = (int)rg_transfer_status(ex->xfer);
    }
    ex->xfer = NULL; /* released by the upstream module after this returns */
    if (!ex->err && rc != CURLE_OK) {
        ex->err = rg_upstream_error(rc);
        ex->err_detail = h2o_strdup(&ex->req->pool, errmsg && *errmsg ? errmsg : curl_easy_strerror(rc), SIZE_MAX).base;
    }

    if (ex->streaming) {
        if (!ex->err && rc == CURLE_OK && rg_sse_finish(&ex->sse, on_event, ex) != RG_SSE_OK && !ex->err)
            ex->err = RG_E_UPSTREAM_BAD_RESPONSE;
        if (!ex->err && rg_sse_pending(&ex->sse) > 0) {
            ex->err = RG_E_UPSTREAM_BAD_RESPONSE;
            ex->err_detail = "upstream stream ended inside an event";
        }
        if (ex->err && !ex->started) {
            rg_exchange_error(ex, ex->err, ex->err_detail, NULL);
            return;
        }
        rg_exchange_stream_end(ex); /* output guardrails' final check, the error event if any, the end */
        return;
    }

    if (ex->err) {
        rg_exchange_error(ex, ex->err, ex->err_detail, NULL);
        return;
    }
    if (ex->guard && rg_guard_respond_json(ex, ex->up_status, ex->resp.data, ex->resp.len))
        return; /* its scan of the bytes was stricter than rg_json_valid */
    if (!rg_json_valid(ex->resp.data, ex->resp.len, JSON_DEPTH)) {
        char msg[160];
        snprintf(msg, sizeof(msg), "upstream answered HTTP %d with a body that is not JSON", ex->up_status);
        rg_exchange_error(ex, RG_E_UPSTREAM_BAD_RESPONSE, msg, NULL);
        return;
    }
    if (ex->guard)
        rg_guard_respond(ex, ex->up_status, ex->resp.data, ex->resp.len);
    else
        rg_exchange_send(ex, ex->up_status, "application/json", h2o_iovec_init(ex->resp.data, ex->resp.len));
}

void rg_proxy_start(rg_exchange_t *ex)
{
    const rg_model_t *m = ex->model;
    const rg_config_t *cfg = ex->cfg;
    h2o_req_t *req = ex->req;

    const char *body = req->entity.base;
    size_t body_len = req->entity.len;
    if (ex->body_changed || strlen(m->upstream_model) != ex->model_name.len ||
        memcmp(m->upstream_model, ex->model_name.base, ex->model_name.len) != 0) {
        json_object_set_new(ex->body, "model", json_string(m->upstream_model));
        ex->model_name = h2o_iovec_init(m->name, strlen(m->name)); /* body no longer holds the old string */
        ex->up_body = rg_json_dumps(ex->body, NULL);
        if (ex->up_body == NULL) {
            rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
            return;
        }
        body = ex->up_body;
        body_len = strlen(ex->up_body);
    }

    struct curl_slist *h = m->up_headers[ex->stream ? 1 : 0]; /* owned by the config generation */
    char url[2048];
    snprintf(url, sizeof(url), "%s%s", m->api_base, route_suffix(ex->route));
    rg_transfer_opts_t o = {
        .url = url,
        .headers = h,
        .body = body,
        .body_len = body_len,
        .connect_timeout_ms = cfg->upstream_connect_timeout_ms,
        .total_timeout_ms = m->timeout_ms ? m->timeout_ms : cfg->upstream_timeout_ms,
        .idle_timeout_ms = cfg->upstream_read_timeout_ms,
    };
    static const rg_transfer_cbs_t cbs = {on_header, on_data, on_done};
    ex->t_up0 = rg_now_us();
    RG_INC(ex->w->metrics.upstream_requests);
    ex->xfer = rg_transfer_start(ex->w->upstream, &o, &cbs, ex);
    if (ex->xfer == NULL)
        rg_exchange_error(ex, RG_E_INTERNAL, "cannot start the upstream request", NULL);
}
