/*
 * agent_proxy.c — agent-proxy mode's requests (agent_proxy.h): a transparent
 * reverse proxy to APP_URL with the guardrail engine on guarded endpoints.
 *
 * Answers take one of three ways, decided on the upstream's first byte:
 * RAW (status, headers and bytes pass as they come, with back-pressure),
 * BUFFER (a guarded non-SSE answer: read whole, then the response
 * guardrails, api/guard.c) and SSE (a guarded event stream: each event
 * through the output guardrails, api/stream_guard.c).
 */
#include "agent/agent_proxy.h"
#include "agent/agent.h"

#include "api/guard.h"
#include "core/clock.h"
#include "core/json_dump.h"
#include "core/json_load.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STREAM_HIGH_WATER (256u * 1024)
#define SSE_EVENT_MAX (1u << 20)
#define RESP_HEADERS_MAX 64

enum { MODE_UNDECIDED = 0, MODE_RAW, MODE_BUFFER, MODE_SSE };

typedef struct rg_agent_req {
    const rg_agent_cfg_t *a;
    rg_req_type_t type;
    int guarded;
    int mode;
    const rg_agent_mapping_t *map;
    json_t *orig;      /* field mapping: the request as sent; ex->body is then the view {"inputs": ...} */
    json_t *map_node;  /* the mapped string's holder in orig */
    const char *field; /* its path (config) */
    const char *map_key;
    size_t map_index;
    json_t *ans;       /* answer mapping: the answer as the upstream sent it; the engine read a view of one field */
    json_t *ans_node;  /* the mapped answer string's holder in ans */
    const char *ans_key;
    size_t ans_index;
    struct curl_slist *headers;
    char *up_body;     /* malloc'd when the body was re-serialized */
    const char *ctype; /* the upstream's content type (pool) */
    size_t total;      /* response bytes read */
    h2o_iovec_t hname[RESP_HEADERS_MAX], hvalue[RESP_HEADERS_MAX];
    int n_h;
    h2o_iovec_t conn;   /* the upstream's Connection value: the headers it names are hop-by-hop too */
    size_t head_length; /* HEAD: the upstream's Content-Length (SIZE_MAX: none) */
} rg_agent_req_t;

static void on_dispose(void *p)
{
    rg_agent_req_t *ar = p;
    curl_slist_free_all(ar->headers);
    free(ar->up_body);
    json_decref(ar->orig);
    json_decref(ar->ans);
}

rg_req_type_t rg_agent_req_type(rg_exchange_t *ex)
{
    return ex->agent ? ex->agent->type : RG_REQ_CHAT;
}

/* hop-by-hop headers (RFC 9110 7.6.1) and those the proxy sets itself */
static int hop_header(const char *n, size_t len)
{
    static const char *const names[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                        "transfer-encoding", "upgrade", "host", "content-length", "expect",
                                        "proxy-authorization", "proxy-authenticate", "http2-settings"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && !strncasecmp(names[i], n, len))
            return 1;
    return 0;
}

static h2o_iovec_t path_only(h2o_req_t *req)
{
    h2o_iovec_t p = req->path;
    if (req->query_at != SIZE_MAX)
        p.len = req->query_at;
    return p;
}

static int ends_with(h2o_iovec_t p, const char *s)
{
    size_t n = strlen(s);
    return p.len >= n && memcmp(p.base + p.len - n, s, n) == 0;
}

static void method_not_allowed(rg_exchange_t *ex)
{
    const rg_agent_cfg_t *a = ex->agent->a;
    char allow[RG_AGENT_METHODS_MAX * (RG_AGENT_METHOD_LEN + 2)] = "";
    size_t n = 0;
    for (size_t i = 0; i < a->n_methods; i++)
        n += (size_t)snprintf(allow + n, sizeof(allow) - n, "%s%s", i ? ", " : "", a->methods[i]);
    h2o_add_header(&ex->req->pool, &ex->req->res.headers, H2O_TOKEN_ALLOW, NULL, h2o_strdup(&ex->req->pool, allow, n).base,
                   n);
    char tmp[512];
    size_t len = rg_error_format(tmp, sizeof(tmp), RG_E_METHOD_NOT_ALLOWED, "method not allowed (ALLOWED_HTTP_METHODS)",
                                 NULL);
    ex->err = RG_E_METHOD_NOT_ALLOWED;
    rg_exchange_send(ex, 405, "application/json", h2o_strdup(&ex->req->pool, tmp, len));
}

static int json_content_type(h2o_req_t *req)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    if (i < 0)
        return 1; /* no type given: read it as JSON (clients of LLM APIs often leave it out) */
    h2o_iovec_t v = req->headers.entries[i].value;
    for (size_t k = 0; k + 4 <= v.len; k++)
        if (!strncasecmp(v.base + k, "json", 4))
            return 1;
    return 0;
}

/* Field mapping: the engine reads a view {"inputs": <the mapped string>} (TGI's shape); 0, or -1 when no mapped
 * field holds a string (then the payload's own shape is read). */
static int mapped_view(rg_agent_req_t *ar, json_t *body)
{
    for (size_t i = 0; i < ar->map->n_req; i++) {
        json_t *holder = NULL;
        const char *key = NULL;
        size_t index = 0;
        json_t *s = rg_agent_path_get(body, ar->map->req[i], &holder, &key, &index);
        if (json_is_string(s)) {
            ar->orig = body;
            ar->field = ar->map->req[i];
            ar->map_node = holder;
            ar->map_key = key;
            ar->map_index = index;
            return 0;
        }
    }
    return -1;
}

int rg_agent_on_req(rg_worker_t *w, h2o_req_t *req)
{
    rg_exchange_t *ex = rg_exchange_new(w, req, RG_ROUTE_PROXY);
    rg_agent_req_t *ar = h2o_mem_alloc_shared(&req->pool, sizeof(*ar), on_dispose);
    memset(ar, 0, sizeof(*ar));
    ar->head_length = SIZE_MAX;
    ar->a = ex->cfg->agent;
    ex->agent = ar;
    const rg_agent_cfg_t *a = ar->a;

    if (!rg_agent_method_allowed(a, req->method.base, req->method.len)) {
        method_not_allowed(ex);
        return 0;
    }
    if (a->max_request && req->entity.len > a->max_request) {
        rg_exchange_error(ex, RG_E_BODY_TOO_LARGE, "request body exceeds MAX_REQUEST_SIZE", NULL);
        return 0;
    }
    h2o_iovec_t path = path_only(req);
    if (rg_agent_path_has_dot_segment(path.base, path.len)) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, "the path must not contain \".\" or \"..\" segments", NULL);
        return 0;
    }
    ar->guarded = req->entity.len > 0 && rg_agent_guarded(a, req->method.base, req->method.len, path.base, path.len) &&
                  json_content_type(req);
    if (!ar->guarded) {
        rg_agent_start(ex);
        return 0;
    }
    rg_json_error_t jerr;
    json_t *body = rg_json_loadb(req->entity.base, req->entity.len, 0, &jerr);
    if (body == NULL) {
        char msg[200];
        snprintf(msg, sizeof(msg), "request body is not valid JSON: %s at byte %zu", jerr.text, jerr.offset);
        rg_exchange_error(ex, RG_E_INVALID_JSON, msg, NULL);
        return 0;
    }
    ar->map = rg_agent_mapping_for(a, req->method.base, req->method.len, path.base, path.len);
    if (ar->map && ar->map->n_req && mapped_view(ar, body) == 0) {
        json_t *s = ar->map_key ? json_object_get(ar->map_node, ar->map_key) : json_array_get(ar->map_node, ar->map_index);
        ex->sent_body = req->entity; /* ex->body is a view: the record reads this, even when it is never sent */
        ex->sent_field = ar->field;
        ex->body = json_pack("{s:O}", "inputs", s);
        ar->type = RG_REQ_TGI;
        if (ex->body == NULL) {
            rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
            return 0;
        }
    } else {
        ex->body = body;
        ar->type = rg_agent_body_type(body);
    }
    json_t *root = ar->orig ? ar->orig : ex->body;
    json_t *params = json_object_get(root, "parameters");
    ex->stream = json_is_true(json_object_get(root, "stream")) || json_is_true(json_object_get(params, "stream")) ||
                 ends_with(path, "/generate_stream");
    if (rg_guard_before(ex))
        return 0; /* answered, or waiting on a guardrail that calls rg_api_dispatch */
    rg_agent_start(ex);
    return 0;
}

/* ---- the answer ---------------------------------------------------------------------------------- */

static void on_header(void *ctx, const char *line, size_t len)
{
    rg_exchange_t *ex = ctx;
    rg_agent_req_t *ar = ex->agent;
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) { /* a new header block (after 100 Continue, say) */
        ar->n_h = 0;
        ex->n_pass = 0;
        ar->conn = h2o_iovec_init(NULL, 0);
        ar->head_length = SIZE_MAX;
        return;
    }
    const char *colon = memchr(line, ':', len);
    if (colon && colon - line == 14 && !strncasecmp(line, "content-length", 14) &&
        h2o_memis(ex->req->method.base, ex->req->method.len, H2O_STRLIT("HEAD"))) {
        /* a HEAD answer has no body to count: the length is the resource's, and passes as it came */
        const char *d = colon + 1, *end = line + len;
        while (d < end && (*d == ' ' || *d == '\t'))
            d++;
        while (end > d && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
            end--;
        ar->head_length = h2o_strtosize(d, (size_t)(end - d)); /* SIZE_MAX when not a number: none */
        return;
    }
    if (colon == NULL || colon == line)
        return;
    const char *v = colon + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    if (colon - line == 10 && !strncasecmp(line, "connection", 10) && ar->conn.len + (size_t)(end - v) < 1024) {
        h2o_iovec_t all = h2o_concat(&ex->req->pool, ar->conn, h2o_iovec_init(H2O_STRLIT(",")),
                                     h2o_iovec_init(v, (size_t)(end - v)));
        ar->conn = all;
    }
    if (ar->n_h == RESP_HEADERS_MAX || hop_header(line, (size_t)(colon - line)))
        return;
    if ((colon - line == 4 && !strncasecmp(line, "date", 4)) || (colon - line == 6 && !strncasecmp(line, "server", 6)))
        return; /* h2o sends its own Date and Server (as nginx hides the upstream's), and a message has one */
    h2o_iovec_t name = h2o_strdup(&ex->req->pool, line, (size_t)(colon - line));
    h2o_strtolower(name.base, name.len);
    h2o_iovec_t value = h2o_strdup(&ex->req->pool, v, (size_t)(end - v));
    ar->hname[ar->n_h] = name;
    ar->hvalue[ar->n_h] = value;
    ar->n_h++;
    /* what rg_exchange_send / rg_exchange_start_stream pass on (they set the content type themselves) */
    if (ex->n_pass < RG_PASS_HEADERS_MAX && !h2o_memis(name.base, name.len, H2O_STRLIT("content-type")) &&
        !h2o_memis(name.base, name.len, H2O_STRLIT("cache-control"))) {
        ex->pass_name[ex->n_pass] = name;
        ex->pass_value[ex->n_pass] = value;
        ex->n_pass++;
    }
}

/* RAW: the upstream's status and headers go out as they are. */
static void start_raw(rg_exchange_t *ex)
{
    rg_agent_req_t *ar = ex->agent;
    h2o_req_t *req = ex->req;
    if (ex->guard) { /* request verdicts into the record; background hooks start */
        rg_buf_t none;
        rg_buf_init(&none, 1 << 16);
        rg_guard_stream_prelude(ex, &none);
        rg_buf_free(&none);
    }
    ex->started = 1;
    ex->streaming = 1; /* the record keeps what went out (ex->rec) */
    ex->status = ex->up_status ? ex->up_status : 502;
    req->res.status = ex->status;
    req->res.reason = rg_reason_phrase(ex->status);
    req->res.content_length = ar->head_length;
    for (int i = 0; i < ar->n_h; i++)
        h2o_add_header_by_str(&req->pool, &req->res.headers, ar->hname[i].base, ar->hname[i].len, 1, NULL,
                              ar->hvalue[i].base, ar->hvalue[i].len);
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-railgate-request-id"), 0, NULL, ex->id,
                          strlen(ex->id));
    h2o_start_response(req, &ex->gen);
}

static int on_event(void *arg, const rg_sse_event_t *ev)
{
    return rg_exchange_stream_event(arg, ev); /* 1: cut by the output guardrails, or too large */
}

/* Is name one of the comma-separated tokens of list? */
static int listed(h2o_iovec_t list, h2o_iovec_t name)
{
    size_t i = 0;
    while (i < list.len) {
        while (i < list.len && (list.base[i] == ',' || list.base[i] == ' ' || list.base[i] == '\t'))
            i++;
        size_t b = i;
        while (i < list.len && list.base[i] != ',' && list.base[i] != ' ' && list.base[i] != '\t')
            i++;
        if (i - b == name.len && name.len && !strncasecmp(list.base + b, name.base, name.len))
            return 1;
    }
    return 0;
}

/* Drops the answer's headers that its Connection header names (RFC 9110 7.6.1). */
static void drop_connection_named(rg_exchange_t *ex)
{
    rg_agent_req_t *ar = ex->agent;
    if (ar->conn.len == 0)
        return;
    int k = 0;
    for (int i = 0; i < ar->n_h; i++)
        if (!listed(ar->conn, ar->hname[i])) {
            ar->hname[k] = ar->hname[i];
            ar->hvalue[k++] = ar->hvalue[i];
        }
    ar->n_h = k;
    int m = 0;
    for (int i = 0; i < ex->n_pass; i++)
        if (!listed(ar->conn, ex->pass_name[i])) {
            ex->pass_name[m] = ex->pass_name[i];
            ex->pass_value[m++] = ex->pass_value[i];
        }
    ex->n_pass = m;
}

static void decide(rg_exchange_t *ex)
{
    rg_agent_req_t *ar = ex->agent;
    ex->decided = 1;
    drop_connection_named(ex);
    ex->up_status = (int)rg_transfer_status(ex->xfer);
    const char *ct = rg_transfer_content_type(ex->xfer);
    ar->ctype = ct ? h2o_strdup(&ex->req->pool, ct, SIZE_MAX).base : NULL;
    int sse = ct && !strncasecmp(ct, "text/event-stream", 17);
    if (!ar->guarded || ex->guard == NULL || (sse && (!ar->a->sse_guard || ex->up_status != 200)) || ar->orig)
        ar->mode = sse || !ar->guarded || ex->guard == NULL ? MODE_RAW : MODE_BUFFER;
    else
        ar->mode = sse ? MODE_SSE : MODE_BUFFER;
    if (ar->mode == MODE_SSE) {
        ex->streaming = 1;
        rg_sse_init(&ex->sse, SSE_EVENT_MAX);
        ex->sse_ready = 1;
        ex->resp.max = STREAM_HIGH_WATER + SSE_EVENT_MAX + 65536;
        rg_exchange_stream_init(ex);
    } else if (ar->mode == MODE_RAW) {
        ex->resp.max = STREAM_HIGH_WATER + (1u << 20);
        start_raw(ex);
    } else if (ar->a->max_response && ar->a->max_response < ex->resp.max) {
        ex->resp.max = ar->a->max_response;
    }
}

static size_t on_data(void *ctx, const char *p, size_t n)
{
    rg_exchange_t *ex = ctx;
    rg_agent_req_t *ar = ex->agent;
    if (!ex->decided)
        decide(ex);
    if (ar->a->max_response && ar->total + n > ar->a->max_response) {
        ex->err = RG_E_UPSTREAM_TOO_LARGE;
        ex->err_detail = "upstream response exceeds MAX_RESPONSE_SIZE";
        return RG_XFER_ABORT;
    }
    if (ar->mode == MODE_BUFFER) {
        if (rg_buf_append(&ex->resp, p, n) != RG_BUF_OK) {
            ex->err = RG_E_UPSTREAM_TOO_LARGE;
            return RG_XFER_ABORT;
        }
        ar->total += n;
        return n;
    }
    if (ex->resp.len >= STREAM_HIGH_WATER) {
        ex->paused = 1; /* curl hands these bytes again on resume */
        return RG_XFER_PAUSE;
    }
    if (ar->mode == MODE_RAW) {
        if (rg_buf_append(&ex->resp, p, n) != RG_BUF_OK) {
            ex->err = RG_E_UPSTREAM_TOO_LARGE;
            return RG_XFER_ABORT;
        }
    } else if (rg_sse_feed(&ex->sse, p, n, on_event, ex) != RG_SSE_OK) {
        if (!ex->err) {
            ex->err = RG_E_UPSTREAM_BAD_RESPONSE;
            ex->err_detail = "upstream SSE event exceeds the size limit";
        }
        return RG_XFER_ABORT;
    }
    ar->total += n;
    rg_exchange_flush(ex);
    return n;
}

/* The view the engine reads for a mapped answer string: the answer shape of the request's kind. */
static json_t *answer_view(rg_req_type_t type, json_t *s)
{
    switch (type) {
    case RG_REQ_TGI: return json_pack("{s:O}", "generated_text", s);
    case RG_REQ_COMPLETE: return json_pack("{s:[{s:i, s:O}]}", "choices", "index", 0, "text", s);
    default:
        return json_pack("{s:[{s:i, s:{s:s, s:O}}]}", "choices", "index", 0, "message", "role", "assistant", "content",
                         s);
    }
}

/* The text in a view made by answer_view (maybe changed by the engine), or NULL. */
static json_t *answer_view_text(rg_req_type_t type, json_t *view)
{
    if (type == RG_REQ_TGI)
        return json_object_get(view, "generated_text");
    json_t *c0 = json_array_get(json_object_get(view, "choices"), 0);
    return type == RG_REQ_COMPLETE ? json_object_get(c0, "text")
                                      : json_object_get(json_object_get(c0, "message"), "content");
}

/* Answer mapping: the first response path that holds a string in the answer; the view's bytes (pool), or a
 * zero-length iovec when the mapping does not apply (then the answer is read by its shape). */
static h2o_iovec_t mapped_answer(rg_exchange_t *ex)
{
    rg_agent_req_t *ar = ex->agent;
    h2o_iovec_t none = {NULL, 0};
    if (ar->map == NULL || ar->map->n_resp == 0)
        return none;
    rg_json_error_t jerr;
    json_t *ans = rg_json_loadb(ex->resp.data, ex->resp.len, 0, &jerr);
    if (ans == NULL)
        return none;
    for (size_t i = 0; i < ar->map->n_resp; i++) {
        json_t *holder = NULL;
        const char *key = NULL;
        size_t index = 0;
        json_t *s = rg_agent_path_get(ans, ar->map->resp[i], &holder, &key, &index);
        if (!json_is_string(s))
            continue;
        json_t *view = answer_view(ar->type, s);
        char *bytes = view ? rg_json_dumps(view, NULL) : NULL;
        json_decref(view);
        if (bytes == NULL)
            break;
        h2o_iovec_t out = h2o_strdup(&ex->req->pool, bytes, strlen(bytes));
        free(bytes);
        ar->ans = ans;
        ar->ans_node = holder;
        ar->ans_key = key;
        ar->ans_index = index;
        return out;
    }
    json_decref(ans);
    return none;
}

int rg_agent_answer_mapped(rg_exchange_t *ex) { return ex->agent && ex->agent->ans; }

json_t *rg_agent_answer_back(rg_exchange_t *ex, json_t *view)
{
    rg_agent_req_t *ar = ex->agent;
    if (ar == NULL || ar->ans == NULL)
        return NULL;
    json_t *s = answer_view_text(ar->type, view);
    if (!json_is_string(s))
        return NULL;
    int rc = ar->ans_key ? json_object_set(ar->ans_node, ar->ans_key, s) : json_array_set(ar->ans_node, ar->ans_index, s);
    return rc == 0 ? json_incref(ar->ans) : NULL;
}

/* The kind of an answer by its shape (OpenAI chat or completions, TGI), or dflt. */
static rg_req_type_t answer_shape(const char *data, size_t len, rg_req_type_t dflt)
{
    rg_json_error_t jerr;
    json_t *ans = rg_json_loadb(data, len, 0, &jerr);
    json_t *c0 = json_array_get(json_object_get(ans, "choices"), 0);
    rg_req_type_t t = dflt;
    if (json_object_get(c0, "message"))
        t = RG_REQ_CHAT;
    else if (json_object_get(c0, "text"))
        t = RG_REQ_COMPLETE;
    else if (json_object_get(ans, "generated_text") || json_object_get(json_array_get(ans, 0), "generated_text"))
        t = RG_REQ_TGI;
    json_decref(ans);
    return t;
}

/* BUFFER: the whole answer; JSON goes through the response guardrails, anything else passes as it came. */
static void respond_buffered(rg_exchange_t *ex)
{
    rg_agent_req_t *ar = ex->agent;
    const char *ct = ar->ctype ? ar->ctype : "application/octet-stream";
    int json = ar->ctype && strstr(ar->ctype, "json") != NULL;
    if (ex->guard && json) {
        h2o_iovec_t view = ex->up_status == 200 ? mapped_answer(ex) : (h2o_iovec_t){NULL, 0};
        if (view.len) {
            rg_guard_respond(ex, ex->up_status, view.base, view.len);
        } else {
            if (ar->orig) /* the request was read as a view (TGI's shape): the answer is read by its own shape */
                rg_guard_answer_type(ex, answer_shape(ex->resp.data, ex->resp.len, ar->type));
            rg_guard_respond(ex, ex->up_status, ex->resp.data, ex->resp.len);
        }
    } else {
        rg_exchange_send(ex, ex->up_status, ct, h2o_iovec_init(ex->resp.data, ex->resp.len));
    }
}

static void on_done(void *ctx, CURLcode rc, const char *errmsg)
{
    rg_exchange_t *ex = ctx;
    rg_agent_req_t *ar = ex->agent;
    ex->t_up1 = rg_now_us();
    if (!ex->decided && ex->xfer && rc == CURLE_OK)
        decide(ex); /* an answer without a body (HEAD, 204, 304) */
    ex->xfer = NULL;
    if (!ex->err && rc != CURLE_OK) {
        ex->err = rg_upstream_error(rc);
        ex->err_detail = h2o_strdup(&ex->req->pool, errmsg && *errmsg ? errmsg : curl_easy_strerror(rc), SIZE_MAX).base;
    }
    if (ex->err && !ex->started) {
        rg_exchange_error(ex, ex->err, ex->err_detail, NULL);
        return;
    }
    switch (ar->mode) {
    case MODE_SSE:
        if (!ex->err && rg_sse_finish(&ex->sse, on_event, ex) != RG_SSE_OK && !ex->err)
            ex->err = RG_E_UPSTREAM_BAD_RESPONSE;
        rg_exchange_stream_end(ex);
        return;
    case MODE_RAW:
        if (ex->err) /* cut mid-answer: at least the connection is not reused */
            ex->req->http1_is_persistent = 0;
        ex->upstream_done = 1;
        rg_exchange_flush(ex);
        return;
    default:
        respond_buffered(ex);
        return;
    }
}

/* The mapped field's (maybe redacted) text written back into the request as it was sent. */
static int write_back(rg_agent_req_t *ar, json_t *view)
{
    json_t *s = json_object_get(view, "inputs");
    if (!json_is_string(s))
        return -1;
    return ar->map_key ? json_object_set(ar->map_node, ar->map_key, s) : json_array_set(ar->map_node, ar->map_index, s);
}

void rg_agent_start(rg_exchange_t *ex)
{
    rg_agent_req_t *ar = ex->agent;
    h2o_req_t *req = ex->req;
    const char *body = req->entity.base;
    size_t body_len = req->entity.len;
    if (ex->body_changed) {
        json_t *out = ex->body;
        if (ar->orig) {
            if (write_back(ar, ex->body) != 0) {
                rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
                return;
            }
            out = ar->orig;
        }
        ar->up_body = rg_json_dumps(out, NULL);
        if (ar->up_body == NULL) {
            rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
            return;
        }
        body = ar->up_body;
        body_len = strlen(body);
    }
    if (ar->orig) /* the record keeps the request as sent, not the view the engine read (pool: ar goes first) */
        ex->sent_body = body == req->entity.base ? req->entity : h2o_strdup(&req->pool, body, body_len);
    /* request headers as the client sent them, less hop-by-hop ones; Host comes from APP_URL (curl) */
    for (size_t i = 0; i < req->headers.size; i++) {
        const h2o_header_t *h = &req->headers.entries[i];
        if (hop_header(h->name->base, h->name->len) ||
            (ar->guarded && h2o_memis(h->name->base, h->name->len, H2O_STRLIT("accept-encoding"))))
            continue; /* guarded answers are read: no compression asked for */
        char line[8192];
        int n = h->value.len ? snprintf(line, sizeof(line), "%.*s: %.*s", (int)h->name->len, h->name->base,
                                        (int)h->value.len, h->value.base)
                             : snprintf(line, sizeof(line), "%.*s;", (int)h->name->len, h->name->base);
        if (n < 0 || (size_t)n >= sizeof(line))
            continue; /* longer than 8 KiB: dropped */
        struct curl_slist *next = curl_slist_append(ar->headers, line);
        if (next == NULL) {
            rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
            return;
        }
        ar->headers = next;
    }
    /* curl's defaults are not the client's: no Expect, and no Content-Type / Accept the client did not send */
    const char *none[3] = {"Expect:", NULL, NULL};
    if (h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1) < 0)
        none[1] = "Content-Type:";
    if (h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT, -1) < 0)
        none[2] = "Accept:";
    for (int k = 0; k < 3; k++) {
        struct curl_slist *next = none[k] ? curl_slist_append(ar->headers, none[k]) : NULL;
        if (next)
            ar->headers = next;
    }

    size_t ulen = strlen(ar->a->app_url);
    char *url = h2o_mem_alloc_pool(&req->pool, ulen + req->path.len + 1);
    memcpy(url, ar->a->app_url, ulen);
    memcpy(url + ulen, req->path.base, req->path.len);
    url[ulen + req->path.len] = '\0';
    char *method = h2o_strdup(&req->pool, req->method.base, req->method.len).base;

    const rg_config_t *cfg = ex->cfg;
    rg_transfer_opts_t o = {
        .url = url,
        .headers = ar->headers,
        .body = body,
        .body_len = body_len,
        .connect_timeout_ms = cfg->upstream_connect_timeout_ms,
        .total_timeout_ms = cfg->upstream_timeout_ms,
        .idle_timeout_ms = cfg->upstream_read_timeout_ms,
        .method = method,
    };
    static const rg_transfer_cbs_t cbs = {on_header, on_data, on_done};
    ex->t_up0 = rg_now_us();
    RG_INC(ex->w->metrics.upstream_requests);
    ex->xfer = rg_transfer_start(ex->w->upstream, &o, &cbs, ex);
    if (ex->xfer == NULL)
        rg_exchange_error(ex, RG_E_INTERNAL, "cannot start the upstream request", NULL);
}
