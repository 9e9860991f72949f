/*
 * check_io.h — the network I/O async guardrail checks use on a worker
 * (rg_check_io_t of guard/check.h): HTTP through the worker's curl multi
 * (http/upstream.c: pooled connections, same loop), names through
 * uv_getaddrinfo (the system resolver on libuv's thread pool).
 *
 * All calls and callbacks run on the worker's loop thread; a callback never
 * runs inside http()/resolve() unless starting failed. Timeouts are capped
 * at RG_CHECK_IO_MAX_TIMEOUT_MS, reply bodies at the call's max_reply (more
 * is an error reply: "reply too large"). cancel() suppresses the callback:
 * an HTTP call is stopped at once; a running getaddrinfo cannot be stopped,
 * so its record lives until libuv reports it and is then dropped silently.
 */
#ifndef RG_API_CHECK_IO_H
#define RG_API_CHECK_IO_H

#include "guard/check.h"
#include "http/upstream.h"

#include <uv.h>

struct rg_worker;

rg_check_io_t *rg_check_io_new(uv_loop_t *loop, rg_upstream_t *up);
/* Frees the io; calls still pending must have finished or been cancelled. */
void rg_check_io_free(rg_check_io_t *io);

/* The worker's io, made on first use (call on the worker's thread). NULL when out of memory. */
rg_check_io_t *rg_worker_check_io(struct rg_worker *w);

#endif
