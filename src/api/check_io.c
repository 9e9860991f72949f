#include "api/check_io.h"

#include "core/buf.h"
#include "http/server.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define REDIRECTS_MAX 20 /* fetch()'s limit */

typedef struct {
    rg_check_io_t io; /* first */
    uv_loop_t *loop;
    rg_upstream_t *up;
} loop_io_t;

enum { OP_HTTP = 1, OP_RESOLVE };

typedef struct {
    int kind; /* first in both ops: cancel() tells them apart */
    rg_transfer_t *xfer;
    struct curl_slist *hdrs;
    char *body;
    rg_buf_t reply; /* room for max bytes and a NUL */
    size_t max;
    int too_large;
    rg_http_cb cb;
    void *arg;
} http_op_t;

typedef struct {
    int kind;
    uv_getaddrinfo_t req;
    uv_timer_t timer;
    rg_resolve_cb cb;
    void *arg;
    int reported; /* the callback ran, or must not run (cancelled) */
    int gai_done, timer_closing, timer_closed;
} resolve_op_t;

static uint32_t cap_timeout(uint32_t ms)
{
    return ms == 0 || ms > RG_CHECK_IO_MAX_TIMEOUT_MS ? RG_CHECK_IO_MAX_TIMEOUT_MS : ms;
}

/* ---- HTTP ------------------------------------------------------------------ */

static void http_op_free(http_op_t *op)
{
    curl_slist_free_all(op->hdrs);
    free(op->body);
    rg_buf_free(&op->reply);
    free(op);
}

static size_t on_data(void *ctx, const char *p, size_t n)
{
    http_op_t *op = ctx;
    if (op->reply.len + n > op->max || rg_buf_append(&op->reply, p, n) != RG_BUF_OK) {
        op->too_large = 1;
        return RG_XFER_ABORT;
    }
    return n;
}

static void on_done(void *ctx, CURLcode rc, const char *errmsg)
{
    http_op_t *op = ctx;
    rg_http_reply_t r = {0};
    r.ok = rc == CURLE_OK;
    r.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    r.status = rg_transfer_status(op->xfer);
    r.content_type = rg_transfer_content_type(op->xfer);
    if (!r.ok)
        r.error = op->too_large ? "reply too large" : errmsg && *errmsg ? errmsg : curl_easy_strerror(rc);
    if (rg_buf_append(&op->reply, "", 1) == RG_BUF_OK) {
        r.body = op->reply.data;
        r.len = op->reply.len - 1;
    } else {
        r.body = "";
    }
    /* the transfer is the upstream module's again after this callback (it recycles the handle) */
    op->cb(op->arg, &r);
    http_op_free(op);
}

static void *lio_http(rg_check_io_t *io, const rg_http_call_t *call, rg_http_cb cb, void *arg)
{
    loop_io_t *l = (loop_io_t *)io;
    http_op_t *op = calloc(1, sizeof(*op));
    rg_http_reply_t fail = {.ok = 0, .body = "", .error = "out of memory"};
    if (op == NULL) {
        cb(arg, &fail);
        return NULL;
    }
    op->kind = OP_HTTP;
    op->cb = cb;
    op->arg = arg;
    op->max = call->max_reply;
    rg_buf_init(&op->reply, call->max_reply + 1);
    op->hdrs = curl_slist_append(NULL, "Expect:"); /* no 100-continue round trip */
    for (size_t i = 0; op->hdrs && call->headers && call->headers[i]; i++) {
        struct curl_slist *h = curl_slist_append(op->hdrs, call->headers[i]);
        if (h == NULL) {
            curl_slist_free_all(op->hdrs);
            op->hdrs = NULL;
            break;
        }
        op->hdrs = h;
    }
    if (call->body_len && (op->body = malloc(call->body_len)) != NULL) /* the caller's body may go away */
        memcpy(op->body, call->body, call->body_len);
    if (op->hdrs == NULL || (call->body_len && op->body == NULL)) {
        http_op_free(op);
        cb(arg, &fail);
        return NULL;
    }
    uint32_t t = cap_timeout(call->timeout_ms);
    rg_transfer_opts_t o = {
        .url = call->url,
        .headers = op->hdrs,
        .body = op->body ? op->body : "",
        .body_len = call->body_len,
        .connect_timeout_ms = t,
        .total_timeout_ms = t,
        .method = call->method,
        .max_redirects = call->follow_redirects ? REDIRECTS_MAX : 0,
    };
    rg_transfer_cbs_t cbs = {.on_data = on_data, .on_done = on_done};
    if ((op->xfer = rg_transfer_start(l->up, &o, &cbs, op)) == NULL) {
        http_op_free(op);
        fail.error = "cannot start the transfer";
        cb(arg, &fail);
        return NULL;
    }
    return op;
}

/* ---- names ----------------------------------------------------------------- */

static void resolve_maybe_free(resolve_op_t *op)
{
    if (op->gai_done && op->timer_closed)
        free(op);
}

static void on_timer_closed(uv_handle_t *h)
{
    resolve_op_t *op = h->data;
    op->timer_closed = 1;
    resolve_maybe_free(op);
}

static void close_timer(resolve_op_t *op)
{
    if (!op->timer_closing) {
        op->timer_closing = 1;
        uv_close((uv_handle_t *)&op->timer, on_timer_closed);
    }
}

static void on_gai(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    resolve_op_t *op = req->data;
    if (res)
        uv_freeaddrinfo(res);
    op->gai_done = 1;
    if (!op->reported) {
        op->reported = 1;
        op->cb(op->arg, status == 0, status == 0 ? NULL : uv_strerror(status));
    }
    close_timer(op);
    resolve_maybe_free(op);
}

static void on_resolve_timeout(uv_timer_t *t)
{
    resolve_op_t *op = t->data;
    if (!op->reported) {
        op->reported = 1;
        uv_cancel((uv_req_t *)&op->req); /* works only while queued; else on_gai comes later and is ignored */
        op->cb(op->arg, 0, "DNS lookup timed out");
    }
    close_timer(op);
}

static void *lio_resolve(rg_check_io_t *io, const char *host, uint32_t timeout_ms, rg_resolve_cb cb, void *arg)
{
    loop_io_t *l = (loop_io_t *)io;
    resolve_op_t *op = calloc(1, sizeof(*op));
    if (op == NULL) {
        cb(arg, 0, "out of memory");
        return NULL;
    }
    op->kind = OP_RESOLVE;
    op->cb = cb;
    op->arg = arg;
    op->req.data = op;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    int rc = uv_getaddrinfo(l->loop, &op->req, on_gai, host, NULL, &hints);
    if (rc != 0) {
        free(op);
        cb(arg, 0, uv_strerror(rc));
        return NULL;
    }
    uv_timer_init(l->loop, &op->timer);
    op->timer.data = op;
    uv_timer_start(&op->timer, on_resolve_timeout, cap_timeout(timeout_ms), 0);
    return op;
}

/* ---- cancel ---------------------------------------------------------------- */

static void lio_cancel(rg_check_io_t *io, void *handle)
{
    (void)io;
    if (handle == NULL)
        return;
    if (*(int *)handle == OP_HTTP) {
        http_op_t *op = handle;
        rg_transfer_cancel(op->xfer);
        http_op_free(op);
    } else {
        resolve_op_t *op = handle;
        op->reported = 1;
        uv_cancel((uv_req_t *)&op->req);
        close_timer(op);
    }
}

rg_check_io_t *rg_check_io_new(uv_loop_t *loop, rg_upstream_t *up)
{
    loop_io_t *l = calloc(1, sizeof(*l));
    if (l == NULL)
        return NULL;
    l->loop = loop;
    l->up = up;
    l->io.http = lio_http;
    l->io.resolve = lio_resolve;
    l->io.cancel = lio_cancel;
    l->io.ctx = l;
    return &l->io;
}

void rg_check_io_free(rg_check_io_t *io)
{
    free(io);
}

rg_check_io_t *rg_worker_check_io(rg_worker_t *w)
{
    if (w->check_io == NULL)
        w->check_io = rg_check_io_new(&w->loop, w->upstream);
    return w->check_io;
}
