#include "http/sse.h"

#include <string.h>

#define SLICE 65536

void rg_sse_init(rg_sse_parser_t *p, size_t max_event)
{
    memset(p, 0, sizeof(*p));
    rg_buf_init(&p->raw, max_event + SLICE); /* an unfinished event plus one slice of input */
    rg_buf_init(&p->data, max_event);
    rg_buf_init(&p->event, 256);
}

void rg_sse_free(rg_sse_parser_t *p)
{
    rg_buf_free(&p->raw);
    rg_buf_free(&p->data);
    rg_buf_free(&p->event);
}

size_t rg_sse_pending(const rg_sse_parser_t *p)
{
    return p->raw.len - p->ev_start;
}

static int field(rg_sse_parser_t *p, const char *line, size_t len)
{
    if (len == 0 || line[0] == ':')
        return RG_SSE_OK; /* comment */
    const char *colon = memchr(line, ':', len);
    size_t nlen = colon ? (size_t)(colon - line) : len;
    const char *val = colon ? colon + 1 : line + len;
    size_t vlen = (size_t)(line + len - val);
    if (vlen && *val == ' ')
        val++, vlen--;
    if (nlen == 4 && memcmp(line, "data", 4) == 0) {
        p->has_data = 1;
        if (rg_buf_append(&p->data, val, vlen) || rg_buf_append(&p->data, "\n", 1))
            return RG_SSE_TOOBIG;
    } else if (nlen == 5 && memcmp(line, "event", 5) == 0) {
        rg_buf_reset(&p->event);
        rg_buf_append_some(&p->event, val, vlen);
    } else if (!(nlen == 2 && memcmp(line, "id", 2) == 0) && !(nlen == 5 && memcmp(line, "retry", 5) == 0)) {
        p->unknown++; /* ignored, as the spec says, but counted: a sign of a non-SSE body */
    }
    return RG_SSE_OK;
}

static int dispatch(rg_sse_parser_t *p, size_t end, rg_sse_cb cb, void *arg)
{
    rg_sse_event_t ev;
    ev.raw = p->raw.data + p->ev_start;
    ev.raw_len = end - p->ev_start;
    if (p->data.len) /* drop the last "\n" */
        p->data.data[--p->data.len] = '\0';
    ev.data = p->data.data ? p->data.data : "";
    ev.data_len = p->data.len;
    ev.event = p->event.data ? p->event.data : "";
    ev.has_data = p->has_data;
    ev.unknown = p->unknown;
    p->events++;
    int rc = cb ? cb(arg, &ev) : 0;
    p->ev_start = end;
    rg_buf_reset(&p->data);
    rg_buf_reset(&p->event);
    p->has_data = 0;
    p->unknown = 0;
    return rc;
}

/* Processes complete lines of raw from p->scan; `eof` lets a final \r end its line. */
static int scan(rg_sse_parser_t *p, int eof, rg_sse_cb cb, void *arg)
{
    int rc = RG_SSE_OK;
    char *d = p->raw.data;
    size_t len = p->raw.len;
    size_t line = p->scan; /* start of the unfinished line */
    size_t i = p->pos;     /* bytes before this were already looked at: no rescans */
    for (; i < len; i++) {
        char c = d[i];
        if (c != '\n' && c != '\r')
            continue;
        size_t eol = i;
        if (c == '\r') {
            if (i + 1 == len && !eof)
                break; /* a \n may follow in the next piece: decide then, so raw bytes never depend on the split */
            if (i + 1 < len && d[i + 1] == '\n')
                i++;
        }
        if (eol == line)
            rc = dispatch(p, i + 1, cb, arg);
        else
            rc = field(p, d + line, eol - line);
        line = i + 1;
        if (rc != 0)
            return rc;
    }
    /* keep only the unfinished event */
    p->scan = line - p->ev_start;
    p->pos = i - p->ev_start;
    rg_buf_consume(&p->raw, p->ev_start);
    p->ev_start = 0;
    return rc;
}

int rg_sse_feed(rg_sse_parser_t *p, const char *buf, size_t n, rg_sse_cb cb, void *arg)
{
    /* in slices, so one large read of many small events never counts as one big event */
    while (n > 0) {
        size_t k = n < SLICE ? n : SLICE;
        if (rg_buf_append(&p->raw, buf, k))
            return RG_SSE_TOOBIG;
        int rc = scan(p, 0, cb, arg);
        if (rc != RG_SSE_OK)
            return rc;
        buf += k, n -= k;
    }
    return RG_SSE_OK;
}

int rg_sse_finish(rg_sse_parser_t *p, rg_sse_cb cb, void *arg)
{
    if (p->raw.len == 0)
        return RG_SSE_OK;
    return scan(p, 1, cb, arg);
}

int rg_sse_frame(rg_buf_t *out, const char *payload, size_t len)
{
    if (rg_buf_append(out, "data: ", 6) || rg_buf_append(out, payload, len) || rg_buf_append(out, "\n\n", 2))
        return -1;
    return 0;
}
