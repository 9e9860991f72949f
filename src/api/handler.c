/*
 * handler.c — the front door: route, method, auth, body checks, then the
 * model's provider. Everything here runs on the request's worker thread.
 */
#include "api/app.h"
#include "api/exchange.h"
#include "api/info.h"

#include <openssl/crypto.h>
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
    if (toklen != keylen || CRYPTO_memcmp(tok, key, keylen) != 0) {
        rg_exchange_error(ex, RG_E_INVALID_KEY, NULL, NULL);
        return 0;
    }
    return 1;
}

/* Checks the parsed body for the route; answers 400 and returns 0 when it is not acceptable. */
static int valid_body(rg_exchange_t *ex)
{
    char msg[256];
    json_t *b = ex->body;
    if (!json_is_object(b)) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, "request body must be a JSON object", NULL);
        return 0;
    }
    json_t *model = json_object_get(b, "model");
    if (model == NULL || !json_is_string(model) || json_string_length(model) == 0) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST,
                          model ? "'model' must be a non-empty string" : "missing required parameter: 'model'",
                          "model");
        return 0;
    }
    ex->model_name = h2o_iovec_init(json_string_value(model), json_string_length(model));
    json_t *stream = json_object_get(b, "stream");
    if (stream && !json_is_boolean(stream) && !json_is_null(stream)) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, "'stream' must be a boolean", "stream");
        return 0;
    }
    ex->stream = json_is_true(stream) && ex->route != RG_ROUTE_EMBEDDINGS;
    const char *field = ex->route == RG_ROUTE_CHAT ? "messages" : ex->route == RG_ROUTE_COMPLETIONS ? "prompt" : "input";
    json_t *f = json_object_get(b, field);
    if (f == NULL) {
        snprintf(msg, sizeof(msg), "missing required parameter: '%s'", field);
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, msg, field);
        return 0;
    }
    if (ex->route == RG_ROUTE_CHAT) {
        if (!json_is_array(f) || json_array_size(f) == 0) {
            rg_exchange_error(ex, RG_E_INVALID_REQUEST, "'messages' must be a non-empty array", "messages");
            return 0;
        }
        size_t i;
        json_t *m;
        json_array_foreach(f, i, m)
        {
            if (!json_is_object(m) || !json_is_string(json_object_get(m, "role"))) {
                snprintf(msg, sizeof(msg), "messages[%zu] must be an object with a string 'role'", i);
                rg_exchange_error(ex, RG_E_INVALID_REQUEST, msg, "messages");
                return 0;
            }
        }
    } else if (!json_is_string(f) && !json_is_array(f)) {
        snprintf(msg, sizeof(msg), "'%s' must be a string or an array", field);
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, msg, field);
        return 0;
    }
    return 1;
}

static void model_call(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    if (req->entity.base == NULL || req->entity.len == 0) {
        rg_exchange_error(ex, RG_E_INVALID_JSON, "request body is empty: expected a JSON object", NULL);
        return;
    }
    if (req->entity.len > ex->cfg->max_request_body) {
        char msg[128];
        snprintf(msg, sizeof(msg), "request body is %zu bytes; the limit is %zu", req->entity.len,
                 ex->cfg->max_request_body);
        rg_exchange_error(ex, RG_E_BODY_TOO_LARGE, msg, NULL);
        return;
    }
    json_error_t jerr;
    ex->body = json_loadb(req->entity.base, req->entity.len, 0, &jerr);
    if (ex->body == NULL) {
        char msg[256];
        snprintf(msg, sizeof(msg), "request body is not valid JSON: %s at line %d column %d", jerr.text, jerr.line,
                 jerr.column);
        rg_exchange_error(ex, RG_E_INVALID_JSON, msg, NULL);
        return;
    }
    if (!valid_body(ex))
        return;
    ex->model = rg_config_find_model(ex->cfg, ex->model_name.base, ex->model_name.len);
    if (ex->model == NULL) {
        char msg[256];
        snprintf(msg, sizeof(msg), "The model '%.*s' does not exist or is not configured on this gateway",
                 (int)(ex->model_name.len < 128 ? ex->model_name.len : 128), ex->model_name.base);
        rg_exchange_error(ex, RG_E_MODEL_NOT_FOUND, msg, "model");
        return;
    }
    if (ex->model->provider == RG_PROVIDER_MOCK)
        rg_mock_start(ex);
    else
        rg_proxy_start(ex);
}

int rg_api_on_req(rg_worker_t *w, h2o_req_t *req)
{
    rg_route_t route = rg_route_match(req->path_normalized.base, req->path_normalized.len);
    rg_exchange_t *ex = rg_exchange_new(w, req, route);
    int post = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"));
    int get = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) ||
              h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));

    if (route == RG_ROUTE_OTHER) {
        rg_exchange_error(ex, RG_E_ROUTE_NOT_FOUND, NULL, NULL);
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

void rg_api_on_worker_stop(rg_worker_t *w)
{
    /* the deadline passed with these still running: record them as cut by shutdown */
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
