/*
 * upstream.h — HTTP requests to model providers: libcurl multi on a worker's
 * libuv loop (curl_multi_socket_action + uv_poll + uv_timer).
 *
 * One rg_upstream_t per worker; all of its callbacks run on that worker's
 * loop thread, so a transfer's owner (the exchange) needs no locking.
 * Connections are pooled per worker by the multi handle. Easy handles are
 * recycled through a small free list.
 *
 * Contract: on_done is called exactly once per started transfer unless the
 * owner cancels it first; after rg_transfer_cancel no callback fires.
 */
#ifndef RG_UPSTREAM_H
#define RG_UPSTREAM_H

#include "core/errors.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct rg_upstream rg_upstream_t;
typedef struct rg_transfer rg_transfer_t;

/* Returned by on_data to stop the flow until rg_transfer_resume. */
#define RG_XFER_PAUSE ((size_t)-1)
/* Returned by on_data to abort the transfer (on_done gets CURLE_WRITE_ERROR). */
#define RG_XFER_ABORT ((size_t)-2)

typedef struct rg_transfer_cbs {
    /* A response header line (status lines included), as curl delivers it. Optional. */
    void (*on_header)(void *ctx, const char *line, size_t len);
    /* Response body bytes; status and content type are known by then. */
    size_t (*on_data)(void *ctx, const char *p, size_t n);
    /* The transfer ended: rc is curl's result, errmsg curl's detail ("" if none). */
    void (*on_done)(void *ctx, CURLcode rc, const char *errmsg);
} rg_transfer_cbs_t;

typedef struct rg_transfer_opts {
    const char *url;
    struct curl_slist *headers; /* owned by the caller until on_done/cancel */
    const char *body;           /* not copied: must live until on_done/cancel */
    size_t body_len;
    uint32_t connect_timeout_ms;
    uint32_t total_timeout_ms;   /* 0 = none */
    uint32_t idle_timeout_ms;    /* abort when no byte arrives for this long; 0 = none */
    const char *method;          /* "POST" (NULL = POST, the body is sent), "GET" or "HEAD" (no body either way);
                                  * any other method is sent as is with the body (PUT, PATCH, DELETE, ...) */
    int max_redirects;           /* follow up to this many redirects (http and https only); 0 = none */
} rg_transfer_opts_t;

rg_upstream_t *rg_upstream_new(uv_loop_t *loop);
/* Closes the uv handles; the loop must run afterwards for them to finish closing. */
void rg_upstream_free(rg_upstream_t *up);

rg_transfer_t *rg_transfer_start(rg_upstream_t *up, const rg_transfer_opts_t *o, const rg_transfer_cbs_t *cbs,
                                 void *ctx);
long rg_transfer_status(rg_transfer_t *t);
const char *rg_transfer_content_type(rg_transfer_t *t);
void rg_transfer_resume(rg_transfer_t *t);
void rg_transfer_cancel(rg_transfer_t *t);

/* The API error a failed transfer is answered with: timeout → 504, no connection → 502 unreachable, else 502. */
rg_error_t rg_upstream_error(CURLcode rc);

#endif
