/*
 * sse.h — incremental Server-Sent Events parser and framing.
 *
 * The parser takes bytes in whatever pieces the network delivers and calls
 * back once per complete event, with the event's raw bytes (to forward
 * verbatim) and its decoded `data` (data lines joined by "\n") and `event`
 * fields. It keeps no state on chunk boundaries other than the bytes of the
 * unfinished event, so the same stream split anywhere gives the same events.
 * Line ends may be \n, \r\n or \r (WHATWG). An event larger than the cap
 * given at init fails the stream with RG_SSE_TOOBIG.
 */
#ifndef RG_SSE_H
#define RG_SSE_H

#include "core/buf.h"

#include <stddef.h>

typedef struct rg_sse_event {
    const char *raw; /* the event's bytes including its terminating blank line */
    size_t raw_len;
    const char *data; /* NUL-terminated */
    size_t data_len;
    const char *event; /* "" when absent; NUL-terminated */
    int has_data;      /* at least one data line was present */
    int unknown;       /* lines that were neither comments nor known fields (id, retry, data, event) */
} rg_sse_event_t;

typedef struct rg_sse_parser {
    rg_buf_t raw;   /* bytes of events not yet dispatched */
    rg_buf_t data;  /* data field of the event being built */
    rg_buf_t event; /* event field */
    size_t scan;    /* start of the line being read, in raw */
    size_t pos;     /* how far raw has been scanned */
    size_t ev_start;
    int has_data;
    int unknown;
    size_t events;
} rg_sse_parser_t;

enum { RG_SSE_OK = 0, RG_SSE_TOOBIG = -1 };

/* Return non-zero from the callback to stop parsing; rg_sse_feed returns it. */
typedef int (*rg_sse_cb)(void *arg, const rg_sse_event_t *ev);

void rg_sse_init(rg_sse_parser_t *p, size_t max_event);
int rg_sse_feed(rg_sse_parser_t *p, const char *buf, size_t n, rg_sse_cb cb, void *arg);
/* At end of stream: lets a final bare \r end its line (feed holds it back, since a \n may follow). */
int rg_sse_finish(rg_sse_parser_t *p, rg_sse_cb cb, void *arg);
/* Bytes of an unfinished event still held (at end of stream: a truncated event). */
size_t rg_sse_pending(const rg_sse_parser_t *p);
void rg_sse_free(rg_sse_parser_t *p);

/* Appends "data: <payload>\n\n" to out. */
int rg_sse_frame(rg_buf_t *out, const char *payload, size_t len);

#endif
