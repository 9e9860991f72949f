#include "api/exchange.h"
#include "api/record_mask.h"
#include "service/service.h"

#include "api/app.h"
#include "api/guard.h"
#include "agent/agent.h"
#include "api/stream_guard.h"
#include "core/clock.h"
#include "core/json_dump.h"
#include "core/json_load.h"
#include "core/log.h"
#include "ingest/record.h"
#include "keys/collection.h"
#include "keys/keys.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* The record keeps at most this much of a body; a cut never splits a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max, int *truncated)
{
    if (len <= max) {
        *truncated = 0;
        return len;
    }
    *truncated = 1;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

const char *rg_reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 246: return "Hook Failed";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 446: return "Hook Denied";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
    }
}

/* Appends s at dst[n] within cap (NUL-terminated, cut like snprintf); returns the new length. */
static size_t cat(char *dst, size_t cap, size_t n, const char *s)
{
    size_t len = strlen(s), room = cap - 1 - n;
    if (len > room)
        len = room;
    memcpy(dst + n, s, len);
    dst[n + len] = '\0';
    return n + len;
}

static void client_ip(h2o_req_t *req, char *out, size_t outsz)
{
    struct sockaddr_storage ss;
    out[0] = '\0';
    socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (len == 0)
        return;
    if (ss.ss_family == AF_INET && outsz >= INET_ADDRSTRLEN) { /* what inet_ntop writes, without its printf */
        const unsigned char *b = (const unsigned char *)&((struct sockaddr_in *)&ss)->sin_addr;
        char *o = out;
        for (int i = 0; i < 4; i++) {
            unsigned v = b[i];
            if (v >= 100)
                *o++ = (char)('0' + v / 100);
            if (v >= 10)
                *o++ = (char)('0' + v / 10 % 10);
            *o++ = (char)('0' + v % 10);
            *o++ = i < 3 ? '.' : '\0';
        }
    } else if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)outsz);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)outsz);
}

static h2o_iovec_t path_only(h2o_req_t *req)
{
    h2o_iovec_t p = req->path;
    if (req->query_at != SIZE_MAX)
        p.len = req->query_at;
    return p;
}

/* The request body as recorded: capped, secrets removed (only re-serialized when something was removed). When
 * hooks transformed the body (PII redacted, invisible text stripped), what is recorded is what was sent on, never
 * what the hooks took out; when railgate.secrets found credentials in the text (a block, or a log-only audit), they
 * are masked in the record (record_mask.c). */
static h2o_iovec_t redact_json_text(h2o_iovec_t e, char **owned);

/* Agent proxy with a field mapping: the request as sent (or as received, when refused before), credential-named
 * fields removed; a request refused after the hooks transformed the view has the view's text in the mapped field
 * (what would have been sent), and credentials railgate.secrets found there are masked. No body rather than one
 * that may keep a credential. */
static h2o_iovec_t record_sent_body(rg_exchange_t *ex, char **owned)
{
    int found = rg_guard_credentials_found(ex);
    int unsent = ex->body_changed && ex->sent_body.base == ex->req->entity.base; /* sent: up_body, a copy */
    if (ex->sent_field == NULL || (!found && !unsent))
        return redact_json_text(ex->sent_body, owned);
    rg_json_error_t je;
    json_t *j = rg_json_loadb(ex->sent_body.base, ex->sent_body.len, 0, &je);
    json_t *holder = NULL;
    const char *key = NULL;
    size_t index = 0;
    json_t *s = j ? rg_agent_path_get(j, ex->sent_field, &holder, &key, &index) : NULL;
    json_t *text = unsent ? json_object_get(ex->body, "inputs") : s;
    json_t *view = json_is_string(s) && json_is_string(text) ? json_pack("{s:O}", "inputs", text) : NULL;
    int masked = view == NULL ? -1 : found ? rg_record_mask_secrets(view) : 0;
    json_t *m = json_object_get(view, "inputs");
    if ((masked > 0 || unsent) && masked >= 0 &&
        (!json_is_string(m) || (key ? json_object_set(holder, key, m) : json_array_set(holder, index, m))))
        masked = -1;
    json_decref(view);
    if (masked >= 0) {
        rg_redact_secrets(j);
        *owned = rg_json_dumps(j, NULL);
    }
    json_decref(j);
    return *owned ? h2o_iovec_init(*owned, strlen(*owned)) : h2o_iovec_init(NULL, 0);
}

static h2o_iovec_t record_request_body(rg_exchange_t *ex, char **owned)
{
    *owned = NULL;
    if (ex->sent_body.base) /* ex->body was a view of one field */
        return record_sent_body(ex, owned);
    if (ex->req->entity.base == NULL)
        return h2o_iovec_init(NULL, 0);
    int found = ex->body != NULL && rg_guard_credentials_found(ex);
    if (ex->body != NULL && (ex->body_changed || found || rg_count_secrets(ex->body) > 0)) {
        json_t *copy = json_deep_copy(ex->body);
        int masked = copy && found ? rg_record_mask_secrets(copy) : 0;
        if (copy == NULL || masked < 0) { /* out of memory: no body rather than one that may keep a credential */
            json_decref(copy);
            return h2o_iovec_init(NULL, 0);
        }
        if (rg_redact_secrets(copy) > 0 || ex->body_changed || masked > 0) {
            *owned = rg_json_dumps(copy, NULL);
            json_decref(copy);
            return *owned ? h2o_iovec_init(*owned, strlen(*owned)) : h2o_iovec_init(NULL, 0);
        }
        json_decref(copy);
        return ex->req->entity;
    }
    if (ex->body != NULL)
        return ex->req->entity; /* parsed, and nothing in it to remove */
    /* not parsed (invalid JSON, GET, an unguarded agent-proxy path): a JSON body still has its credentials removed */
    return redact_json_text(ex->req->entity, owned);
}

/* A JSON text with credential-named fields (rg_redact_secrets) replaced: *owned (malloc'd) when something was
 * removed, else e itself (also when e is not JSON). */
static h2o_iovec_t redact_json_text(h2o_iovec_t e, char **owned)
{
    size_t i = 0;
    while (i < e.len && (e.base[i] == ' ' || e.base[i] == '\t' || e.base[i] == '\r' || e.base[i] == '\n'))
        i++;
    if (i < e.len && (e.base[i] == '{' || e.base[i] == '[')) {
        rg_json_error_t je;
        json_t *j = rg_json_loadb(e.base, e.len, 0, &je);
        if (j && rg_redact_secrets(j) > 0)
            *owned = rg_json_dumps(j, NULL);
        int redacted = *owned != NULL;
        json_decref(j);
        if (redacted)
            return h2o_iovec_init(*owned, strlen(*owned));
    }
    return e;
}

void rg_exchange_finalize(rg_exchange_t *ex)
{
    if (ex->recorded)
        return;
    ex->recorded = 1;
    rg_worker_t *w = ex->w;
    int64_t now = rg_now_us();
    int64_t total = now - ex->t0;
    int64_t up = 0;
    if (ex->t_up0)
        up = (ex->t_up1 ? ex->t_up1 : now) - ex->t_up0;

    int status = ex->status;
    const char *err = ex->err ? rg_error_table[ex->err].code : NULL;
    if (ex->client_gone || !ex->finished) {
        if (!ex->started && status == 0)
            status = 499; /* nginx's "client closed request" */
        if (!err)
            err = "client_closed";
    }

    rg_guard_ingest(ex, status); /* akto guardrails' one ingest per request */
    rg_metrics_observe(&w->metrics, ex->route, status, total);
    if (ex->err)
        RG_INC(w->metrics.errors[ex->err]);

    h2o_iovec_t path = path_only(ex->req);
    char ip[INET6_ADDRSTRLEN];
    client_ip(ex->req, ip, sizeof(ip));
    const char *model = ex->model ? ex->model->name : NULL;
    char model_buf[128];
    if (!model && ex->model_name.len) {
        snprintf(model_buf, sizeof(model_buf), "%.*s", (int)(ex->model_name.len < 100 ? ex->model_name.len : 100),
                 ex->model_name.base);
        model = model_buf;
    }

    rg_info("req id=%s ip=%s method=%.*s path=%.*s status=%d model=%s stream=%d total_ms=%.3f upstream_ms=%.3f err=%s%s%s",
            ex->id, ip, (int)ex->req->method.len, ex->req->method.base, (int)(path.len < 200 ? path.len : 200),
            path.base, status, model ? model : "-", ex->stream, total / 1000.0, up / 1000.0, err ? err : "-",
            ex->err_detail ? " detail=" : "", ex->err_detail ? ex->err_detail : "");

    if (ex->route == RG_ROUTE_HEALTH || ex->route == RG_ROUTE_READINESS || ex->route == RG_ROUTE_METRICS ||
        rg_keys_route(ex->route))
        return; /* operational endpoints are counted, not recorded (a /key/generate answer holds a key) */
    if (rg_service_route(ex->route)) {
        rg_service_finalize(ex); /* the service writes its calls' records itself (src/service/service.h) */
        return;
    }

    size_t cap = ex->cfg->record_body_max;
    char *req_owned;
    h2o_iovec_t reqb = record_request_body(ex, &req_owned);
    rg_record_t head = {0};
    memcpy(head.id, ex->id, sizeof(head.id));
    head.ts_ms = ex->ts_ms;
    head.status = status;
    head.stream = ex->stream;
    head.total_us = total;
    head.upstream_us = up;
    head.own_us = total - up;
    size_t reqlen = utf8_cut(reqb.base, reqb.len, cap, &head.request_truncated);

    h2o_iovec_t resp = ex->streaming ? h2o_iovec_init(ex->rec.data, ex->rec.len) : ex->sent;
    char *resp_owned = NULL;
    if (ex->route == RG_ROUTE_PROXY && resp.len) {
        /* an app's answer may carry tokens (an OAuth token endpoint): credential-named fields go; a JSON answer cut
         * for the record cannot be parsed to find them, so its body is left out (response_truncated says why) */
        resp = redact_json_text(resp, &resp_owned);
        if (!resp_owned && ex->rec_truncated && (resp.base[0] == '{' || resp.base[0] == '['))
            resp = h2o_iovec_init(NULL, 0);
    }
    size_t resplen = utf8_cut(resp.base, resp.len, cap, &head.response_truncated);
    head.response_truncated |= ex->rec_truncated;

    char upstream[160] = ""; /* "provider/model", cut to fit as snprintf would */
    if (ex->model) {
        size_t n = cat(upstream, sizeof(upstream), 0, ex->model->provider_name);
        n = cat(upstream, sizeof(upstream), n, "/");
        cat(upstream, sizeof(upstream), n, ex->model->upstream_model);
    }

    rg_record_src_t src[RG_REC__STRINGS] = {{0}};
    src[RG_REC_METHOD] = (rg_record_src_t){ex->req->method.base, ex->req->method.len};
    src[RG_REC_ROUTE] = (rg_record_src_t){rg_route_label[ex->route], strlen(rg_route_label[ex->route])};
    src[RG_REC_PATH] = (rg_record_src_t){path.base, path.len < 2048 ? path.len : 2048};
    if (model)
        src[RG_REC_MODEL] = (rg_record_src_t){model, strlen(model)};
    if (*upstream)
        src[RG_REC_UPSTREAM] = (rg_record_src_t){upstream, strlen(upstream)};
    src[RG_REC_CLIENT_IP] = (rg_record_src_t){ip, strlen(ip)};
    if (err)
        src[RG_REC_ERROR] = (rg_record_src_t){err, strlen(err)};
    if (reqb.base)
        src[RG_REC_REQUEST_BODY] = (rg_record_src_t){reqb.base, reqlen};
    if (resp.base)
        src[RG_REC_RESPONSE_BODY] = (rg_record_src_t){resp.base, resplen};
    size_t vlen = 0;
    const char *verdicts = rg_guard_verdicts(ex, &vlen);
    if (verdicts)
        src[RG_REC_VERDICTS] = (rg_record_src_t){verdicts, vlen};
    const char *kalias = ex->vkey ? ex->vkey->key_alias : NULL, *talias = ex->vkey ? ex->vkey->team_alias : NULL;
    char coll[RG_COLLECTION_MAX + 1];
    size_t clen = rg_collection_pick(ex->body, kalias, talias, ex->req->authority.base, ex->req->authority.len, coll);
    src[RG_REC_COLLECTION] = (rg_record_src_t){coll, clen};
    if (kalias)
        src[RG_REC_KEY_ALIAS] = (rg_record_src_t){kalias, strlen(kalias)};
    if (talias)
        src[RG_REC_TEAM_ALIAS] = (rg_record_src_t){talias, strlen(talias)};
    rg_record_t *rec = rg_record_new(&head, src);
    free(req_owned);
    free(resp_owned);
    if (rec && rg_guard_hold_record(ex, rec))
        return; /* written when the request's background hooks finish */
    if (rec)
        rg_ring_push(&rg_app.ring, rec);
    else
        atomic_fetch_add(&rg_app.ring.dropped, 1);
}

static void on_dispose(void *p)
{
    rg_exchange_t *ex = p;
    if (ex->xfer) {
        rg_transfer_cancel(ex->xfer);
        ex->xfer = NULL;
        if (!ex->t_up1)
            ex->t_up1 = rg_now_us();
    }
    if (ex->timer) {
        uv_timer_stop(ex->timer);
        uv_close((uv_handle_t *)ex->timer, (uv_close_cb)free);
        ex->timer = NULL;
    }
    rg_exchange_finalize(ex);
    h2o_linklist_unlink(&ex->link);
    rg_stream_guard_free(ex->sg); /* cancels a final check still running */
    ex->sg = NULL;
    rg_guard_free(ex);
    json_decref(ex->body);
    free(ex->up_body);
    free(ex->mock_text);
    rg_buf_free(&ex->resp);
    rg_buf_free(&ex->out);
    rg_buf_free(&ex->rec);
    if (ex->sse_ready)
        rg_sse_free(&ex->sse);
    rg_config_unref(ex->cfg);
    atomic_fetch_sub(&ex->w->server->in_flight, 1);
}

static void on_stop(h2o_generator_t *gen, h2o_req_t *req)
{
    (void)req;
    rg_exchange_t *ex = (rg_exchange_t *)gen;
    if (!ex->finished) {
        ex->client_gone = 1;
        if (ex->streaming)
            RG_INC(ex->w->metrics.stream_client_aborts);
    }
    if (ex->xfer) {
        rg_transfer_cancel(ex->xfer);
        ex->xfer = NULL;
        ex->t_up1 = rg_now_us();
    }
}

void rg_exchange_abandon(rg_exchange_t *ex)
{
    if (ex->xfer) {
        rg_transfer_cancel(ex->xfer);
        ex->xfer = NULL;
        ex->t_up1 = rg_now_us();
    }
    if (ex->timer)
        uv_timer_stop(ex->timer);
    ex->client_gone = 1;
    ex->req->http1_is_persistent = 0;
    /* nobody reads this; sending it is what makes h2o close and dispose */
    static const char body[] = "{\"error\":{\"message\":\"client closed request\",\"type\":\"client_error\",\"param\":null,\"code\":\"client_closed\"}}";
    rg_exchange_send(ex, 499, "application/json", h2o_iovec_init(body, sizeof(body) - 1));
}

static void on_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
    (void)req;
    rg_exchange_t *ex = (rg_exchange_t *)gen;
    rg_debug("stream %s: proceed (%zu waiting, paused=%d, done=%d)", ex->id, ex->resp.len, ex->paused, ex->upstream_done);
    ex->sending = 0;
    rg_buf_reset(&ex->out);
    rg_exchange_flush(ex);
}

rg_exchange_t *rg_exchange_new(rg_worker_t *w, h2o_req_t *req, rg_route_t route)
{
    rg_exchange_t *ex = h2o_mem_alloc_shared(&req->pool, sizeof(*ex), on_dispose);
    memset(ex, 0, sizeof(*ex));
    ex->gen.proceed = on_proceed;
    ex->gen.stop = on_stop;
    ex->req = req;
    ex->w = w;
    ex->cfg = rg_config_ref(w->cfg);
    ex->route = route;
    ex->t0 = rg_now_us();
    ex->ts_ms = rg_wall_ms();
    /* time-ordered ids (48 bits of milliseconds, 80 random): sort by time, and
     * the records index grows at its end instead of at random pages */
    uint64_t a = rg_worker_rand(w), b = rg_worker_rand(w);
    /* "%012lx%04lx%016lx" of (ts_ms & 48 bits, a & 0xffff, b), without printf */
    static const char hex[] = "0123456789abcdef";
    uint64_t parts[3] = {(uint64_t)ex->ts_ms & 0xffffffffffffULL, a & 0xffff, b};
    int digits[3] = {12, 4, 16};
    char *o = ex->id;
    for (int k = 0; k < 3; k++)
        for (int d = digits[k] - 1; d >= 0; d--)
            *o++ = hex[(parts[k] >> (4 * d)) & 0xf];
    *o = '\0';
    rg_buf_init(&ex->resp, ex->cfg->max_response_buffered);
    rg_buf_init(&ex->out, ex->cfg->max_response_buffered);
    rg_buf_init(&ex->rec, ex->cfg->record_body_max);
    h2o_linklist_insert(&w->exchanges, &ex->link);
    atomic_fetch_add(&w->server->in_flight, 1);
    return ex;
}

static void common_headers(rg_exchange_t *ex, const char *content_type)
{
    h2o_req_t *req = ex->req;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type, strlen(content_type));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-railgate-request-id"), 0, NULL, ex->id,
                          strlen(ex->id));
    for (int i = 0; i < ex->n_pass; i++)
        h2o_add_header_by_str(&req->pool, &req->res.headers, ex->pass_name[i].base, ex->pass_name[i].len, 1, NULL,
                              ex->pass_value[i].base, ex->pass_value[i].len);
}

void rg_exchange_send(rg_exchange_t *ex, int status, const char *content_type, h2o_iovec_t body)
{
    h2o_req_t *req = ex->req;
    if (ex->finished)
        return; /* answered already (a guardrail decided after an upstream error, say): never twice */
    rg_guard_answering(ex);
    ex->status = status;
    ex->sent = body;
    ex->started = 1;
    ex->finished = 1;
    req->res.status = status;
    req->res.reason = rg_reason_phrase(status);
    common_headers(ex, content_type);
    req->res.content_length = body.len;
    h2o_start_response(req, &ex->gen);
    h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
}

void rg_exchange_error(rg_exchange_t *ex, rg_error_t e, const char *message, const char *param)
{
    char tmp[1024];
    size_t n = rg_error_format(tmp, sizeof(tmp), e, message, param);
    ex->err = e;
    if (message)
        ex->err_detail = h2o_strdup(&ex->req->pool, message, strlen(message)).base;
    if (e == RG_E_METHOD_NOT_ALLOWED) {
        const char *allow = ex->route == RG_ROUTE_CHAT || ex->route == RG_ROUTE_COMPLETIONS ||
                                    ex->route == RG_ROUTE_EMBEDDINGS || ex->route == RG_ROUTE_KEY_GENERATE ||
                                    ex->route == RG_ROUTE_KEY_DELETE
                                ? "POST"
                                : "GET, HEAD";
        h2o_add_header(&ex->req->pool, &ex->req->res.headers, H2O_TOKEN_ALLOW, NULL, allow, strlen(allow));
    }
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, tmp, n);
    rg_exchange_send(ex, rg_error_table[e].status, "application/json", body);
}

void rg_exchange_start_stream(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    ex->status = rg_guard_stream_status(ex);
    ex->started = 1;
    req->res.status = ex->status;
    req->res.reason = rg_reason_phrase(ex->status);
    if (ex->guard) { /* the hook_results event goes before everything already queued */
        rg_buf_t pre;
        rg_buf_init(&pre, ex->resp.max + 65536);
        rg_guard_stream_prelude(ex, &pre);
        if (pre.len && rg_buf_append(&pre, ex->resp.data, ex->resp.len) == RG_BUF_OK) {
            pre.max = ex->resp.max;
            rg_buf_free(&ex->resp);
            ex->resp = pre;
        } else {
            rg_buf_free(&pre);
        }
    }
    common_headers(ex, "text/event-stream");
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-cache"));
    h2o_start_response(req, &ex->gen);
}

void rg_exchange_flush(rg_exchange_t *ex)
{
    if (!ex->started || ex->sending || ex->finished || ex->client_gone)
        return;
    int final = ex->upstream_done;
    if (ex->resp.len == 0 && !final)
        return;
    rg_buf_t tmp = ex->out; /* swap: resp's bytes go out, out (empty) collects the next ones */
    ex->out = ex->resp;
    ex->resp = tmp;
    rg_buf_reset(&ex->resp);
    h2o_iovec_t iov = h2o_iovec_init(ex->out.data, ex->out.len);
    if (rg_buf_append_some(&ex->rec, iov.base, iov.len) < iov.len)
        ex->rec_truncated = 1;
    ex->sending = 1;
    if (final)
        ex->finished = 1;
    h2o_send(ex->req, &iov, iov.len ? 1 : 0, final ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
    if (!final && ex->paused && ex->xfer) {
        ex->paused = 0;
        rg_transfer_resume(ex->xfer); /* may call on_data right away; flush then sees sending=1 */
    }
}

void rg_exchange_stream_init(rg_exchange_t *ex)
{
    if (ex->guard && ex->sg == NULL)
        ex->sg = rg_guard_stream_guard(ex);
}

static void guard_cut(rg_exchange_t *ex)
{
    int too_large = rg_stream_guard_cut(ex->sg) == RG_SG_CUT_TOO_LARGE;
    ex->guard_cut = 1;
    ex->err = too_large ? RG_E_UPSTREAM_TOO_LARGE : rg_guard_stream_cut_error(ex);
    ex->err_detail = too_large ? "the stream outgrew max_response_buffered while held for output guardrails"
                               : "an output guardrail denied the streamed answer";
}

int rg_exchange_stream_event(rg_exchange_t *ex, const rg_sse_event_t *ev)
{
    if (!ex->started)
        rg_exchange_start_stream(ex);
    if (ex->guard_cut)
        return 1;
    if (ex->sg) {
        if (rg_stream_guard_event(ex->sg, ev, &ex->resp) != RG_SG_CUT)
            return 0;
        guard_cut(ex);
        return 1;
    }
    if (rg_buf_append(&ex->resp, ev->raw, ev->raw_len) != RG_BUF_OK) {
        ex->err = RG_E_UPSTREAM_TOO_LARGE;
        return 1;
    }
    return 0;
}

/* The output guardrails' verdict is in (or there are none): the error event for ex->err, then the end. */
static void stream_close(void *arg)
{
    rg_exchange_t *ex = arg;
    ex->guard_wait = 0;
    if (ex->sg)
        rg_guard_stream_finished(ex);
    if (ex->sg && !ex->guard_cut && rg_stream_guard_cut(ex->sg)) {
        guard_cut(ex); /* denied by the final check: its error event and [DONE] are queued */
    } else if (ex->err && !ex->guard_cut) {
        char tmp[768];
        size_t n = rg_error_format(tmp, sizeof(tmp), ex->err, ex->err_detail, NULL);
        if (ex->resp.len + n + 8 > ex->resp.max)
            ex->resp.max = ex->resp.len + n + 8; /* always room for the closing error event */
        rg_sse_frame(&ex->resp, tmp, n);
    }
    ex->upstream_done = 1;
    rg_exchange_flush(ex);
}

void rg_exchange_stream_end(rg_exchange_t *ex)
{
    if (!ex->started)
        rg_exchange_start_stream(ex); /* an empty but well-formed stream */
    if (ex->sg && !ex->guard_cut && rg_stream_guard_finish(ex->sg, &ex->resp, stream_close, ex) == RG_SG_WAIT) {
        ex->guard_wait = 1;
        return;
    }
    stream_close(ex);
}

/* keys whose values are credentials; matched case-insensitively at any depth */
static int secret_key(const char *k)
{
#define NAME(s) {s, sizeof(s) - 1}
    static const struct {
        const char *s;
        size_t len;
    } names[] = {NAME("api_key"),       NAME("apikey"),        NAME("api-key"),  NAME("x-api-key"),
                 NAME("authorization"), NAME("proxy-authorization"), NAME("openai_api_key"), NAME("client_secret"),
                 NAME("password"),      NAME("access_token"),  NAME("refresh_token"), NAME("secret_key")};
#undef NAME
    /* every key of every request body comes through here: compare only names of the same length */
    size_t n = strlen(k);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].len == n && strcasecmp(k, names[i].s) == 0)
            return 1;
    return 0;
}

int rg_count_secrets(const json_t *v)
{
    int n = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) n += (secret_key(k) && !json_is_null(x)) ? 1 : rg_count_secrets(x);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) n += rg_count_secrets(x);
    }
    return n;
}

int rg_redact_secrets(json_t *v)
{
    int n = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (secret_key(k) && !json_is_null(x)) {
                json_object_set_new(v, k, json_string("[REDACTED]"));
                n++;
            } else {
                n += rg_redact_secrets(x);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) n += rg_redact_secrets(x);
    }
    return n;
}
