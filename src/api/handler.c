/*
 * handler.c — the front door: route, method, auth, body checks, then the
 * model's provider. Everything here runs on the request's worker thread.
 */
#include "api/app.h"
#include "api/exchange.h"
#include "api/check_io.h"
#include "api/guard.h"
#include "api/info.h"
#include "api/request.h"
#include "keys/keys.h"
#include "service/service.h"
#include "agent/agent_proxy.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

rg_app_t rg_app;

static int is_post_route(rg_route_t r)
{
    return r == RG_ROUTE_CHAT || r == RG_ROUTE_COMPLETIONS || r == RG_ROUTE_EMBEDDINGS;
}

static int authorized(rg_exchange_t *ex)
{
    const char *key = ex->cfg->master_key;
    if (key == NULL)
        return 1;
    h2o_req_t *req = ex->req;
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i < 0) {
        rg_exchange_error(ex, RG_E_MISSING_KEY, NULL, NULL);
        return 0;
    }
    h2o_iovec_t v = req->headers.entries[i].value;
    if (v.len < 7 || strncasecmp(v.base, "Bearer ", 7) != 0) {
        rg_exchange_error(ex, RG_E_INVALID_KEY, "invalid API key: expected Authorization: Bearer <key>", NULL);
        return 0;
    }
    const char *tok = v.base + 7;
    size_t toklen = v.len - 7;
    while (toklen && *tok == ' ')
        tok++, toklen--;
    size_t keylen = strlen(key);
    /* constant time over the key's length; the length itself is not secret */
    if (toklen != keylen || CRYPTO_memcmp(tok, key, keylen) != 0)
        return rg_keys_authorize(ex, tok, toklen); /* a virtual key, or 401 */
    return 1;
}

static void model_call(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    rg_request_info_t info;
    rg_error_t e = rg_request_parse(ex->route, req->entity.base, req->entity.len, ex->cfg->max_request_body, &info);
    if (e != RG_OK) {
        rg_exchange_error(ex, e, info.message, info.param);
        return;
    }
    ex->body = info.body;
    ex->stream = info.stream;
    ex->model_name = h2o_iovec_init(info.model, info.model_len);
    ex->model = rg_config_find_model(ex->cfg, info.model, info.model_len);
    if (ex->model == NULL) {
        char msg[256];
        snprintf(msg, sizeof(msg), "The model '%.*s' does not exist or is not configured on this gateway",
                 (int)(info.model_len < 128 ? info.model_len : 128), info.model);
        rg_exchange_error(ex, RG_E_MODEL_NOT_FOUND, msg, "model");
        return;
    }
    if (!rg_keys_allow_model(ex))
        return;
    if (rg_guard_before(ex))
        return; /* answered, or waiting on a guardrail that calls rg_api_dispatch */
    rg_api_dispatch(ex);
}

void rg_api_dispatch(rg_exchange_t *ex)
{
    if (ex->agent) {
        rg_agent_start(ex);
        return;
    }
    if (ex->model->provider == RG_PROVIDER_MOCK)
        rg_mock_start(ex);
    else
        rg_proxy_start(ex);
}

int rg_api_on_req(rg_worker_t *w, h2o_req_t *req)
{
    if (w->cfg->agent)
        return rg_agent_on_req(w, req); /* agent-proxy mode: every path goes to APP_URL */
    rg_route_t route = rg_route_match(req->path_normalized.base, req->path_normalized.len);
    rg_exchange_t *ex = rg_exchange_new(w, req, route);
    int post = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"));
    int get = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) ||
              h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));

    if (route == RG_ROUTE_OTHER) {
        rg_exchange_error(ex, RG_E_ROUTE_NOT_FOUND, NULL, NULL);
        return 0;
    }
    if (rg_keys_route(route)) {
        rg_keys_handle(ex);
        return 0;
    }
    if (rg_service_route(route)) { /* the Akto-compatible guardrail service: its own auth (src/service/) */
        rg_service_handle(ex);
        return 0;
    }
    if (is_post_route(route) ? !post : !get) {
        rg_exchange_error(ex, RG_E_METHOD_NOT_ALLOWED, NULL, NULL);
        return 0;
    }
    switch (route) {
    case RG_ROUTE_HEALTH:
        rg_info_health(ex);
        return 0;
    case RG_ROUTE_READINESS:
        rg_info_readiness(ex);
        return 0;
    case RG_ROUTE_METRICS:
        rg_info_metrics(ex);
        return 0;
    default:
        break;
    }
    if (!authorized(ex))
        return 0;
    if (route == RG_ROUTE_MODELS)
        rg_info_models(ex);
    else
        model_call(ex);
    return 0;
}

/*
 * h2o 2.2 stops reading an HTTP/1 connection once it has the whole request,
 * so a client that leaves while we wait on a slow upstream goes unnoticed
 * until the response is written. Every 250 ms, peek at the sockets of
 * requests that have no response yet: end-of-file or an error means the
 * client is gone, so cancel the upstream work and answer 499, which makes
 * h2o close the connection and free the request (and so write its record).
 * HTTP/2 needs none of this: h2o keeps reading and resets the stream.
 */
static void on_client_watch(uv_timer_t *t)
{
    rg_worker_t *w = t->data;
    h2o_linklist_t *node, *next;
    for (node = w->exchanges.next; node != &w->exchanges; node = next) {
        next = node->next;
        rg_exchange_t *ex = H2O_STRUCT_FROM_MEMBER(rg_exchange_t, link, node);
        if (ex->started || ex->finished || ex->req->version >= 0x200)
            continue;
        h2o_socket_t *sock = ex->req->conn->callbacks->get_socket(ex->req->conn);
        int fd = sock ? h2o_socket_get_fd(sock) : -1;
        if (fd < 0)
            continue;
        char c;
        ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
            continue;
        rg_exchange_abandon(ex);
    }
}

void rg_api_on_worker_start(rg_worker_t *w)
{
    uv_timer_init(&w->loop, &w->client_watch);
    w->client_watch.data = w;
    uv_timer_start(&w->client_watch, on_client_watch, 250, 250);
    uv_unref((uv_handle_t *)&w->client_watch);
    rg_guard_worker_start(w, rg_worker_check_io(w));
}

void rg_api_on_worker_stop(rg_worker_t *w)
{
    /* the deadline passed with these still running: record them as cut by shutdown */
    rg_guard_worker_stop(w); /* first: records are written now, not held for background hooks */
    h2o_linklist_t *node;
    for (node = w->exchanges.next; node != &w->exchanges; node = node->next) {
        rg_exchange_t *ex = H2O_STRUCT_FROM_MEMBER(rg_exchange_t, link, node);
        if (!ex->err)
            ex->err = RG_E_SHUTTING_DOWN;
        if (!ex->started)
            ex->status = 503;
        rg_exchange_finalize(ex);
    }
}
