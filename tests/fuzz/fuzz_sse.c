/*
 * fuzz_sse.c — the incremental SSE parser.
 *
 * Input layout: byte 0 seeds how the rest is cut into pieces; bytes 1.. are
 * the stream. The stream is fed twice to fresh parsers (cap 4096): once in
 * pieces whose sizes come from a small PRNG seeded by byte 0 (including empty
 * pieces and single bytes, so every \r|\n boundary gets hit), and once whole.
 * sse.h promises that the split does not matter, so both runs must produce
 * the same events — compared as a running hash over each event's raw bytes,
 * data, event name and flags — and the same count of pending bytes after
 * rg_sse_finish. A mismatch aborts, unless either run hit RG_SSE_TOOBIG
 * (where the point of failure legitimately depends on the split). The
 * callback reads every byte it is given, so ASan sees any pointer past its
 * buffer.
 */
#include "http/sse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SSE_CAP 4096

typedef struct run {
    uint64_t hash;
    size_t events;
} run_t;

static volatile unsigned char sink;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL; /* FNV-1a step */
    }
    return h;
}

static uint64_t mix_u64(uint64_t h, uint64_t v)
{
    return mix(h, &v, sizeof(v));
}

static int on_event(void *arg, const rg_sse_event_t *ev)
{
    run_t *r = arg;
    if (ev->raw == NULL || ev->raw_len == 0 || ev->data == NULL || ev->event == NULL)
        abort();
    if (ev->data[ev->data_len] != '\0' || strlen(ev->data) > ev->data_len)
        abort();
    if (ev->data_len > FUZZ_SSE_CAP)
        abort();
    if (!ev->has_data && ev->data_len != 0)
        abort();
    /* an event ends with a blank line: its last byte is a line end */
    if (ev->raw[ev->raw_len - 1] != '\n' && ev->raw[ev->raw_len - 1] != '\r')
        abort();
    size_t elen = strlen(ev->event);
    unsigned char acc = 0;
    for (size_t i = 0; i < ev->raw_len; i++)
        acc ^= (unsigned char)ev->raw[i];
    for (size_t i = 0; i < ev->data_len; i++)
        acc ^= (unsigned char)ev->data[i];
    for (size_t i = 0; i < elen; i++)
        acc ^= (unsigned char)ev->event[i];
    sink ^= acc;

    uint64_t h = r->hash;
    h = mix_u64(h, ev->raw_len);
    h = mix(h, ev->raw, ev->raw_len);
    h = mix_u64(h, ev->data_len);
    h = mix(h, ev->data, ev->data_len);
    h = mix_u64(h, elen);
    h = mix(h, ev->event, elen);
    h = mix_u64(h, (uint64_t)ev->has_data);
    h = mix_u64(h, (uint64_t)ev->unknown);
    r->hash = h;
    r->events++;
    return 0;
}

static uint32_t next(uint32_t *s)
{
    uint32_t x = *s; /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* Feeds the stream; returns the first non-OK result or RG_SSE_OK. */
static int feed_split(const char *s, size_t n, uint8_t seed, run_t *r, size_t *pending)
{
    static const size_t max_piece[8] = {1, 2, 3, 5, 16, 64, 512, 4096};
    rg_sse_parser_t p;
    rg_sse_init(&p, FUZZ_SSE_CAP);
    uint32_t st = 0x9e3779b9u ^ ((uint32_t)seed * 0x01010101u);
    size_t maxp = max_piece[seed & 7];
    size_t off = 0;
    int rc = RG_SSE_OK;
    while (off < n) {
        size_t piece = next(&st) % (maxp + 1); /* 0 is allowed: empty feeds must be harmless */
        if (piece > n - off)
            piece = n - off;
        rc = rg_sse_feed(&p, s + off, piece, on_event, r);
        if (rc != RG_SSE_OK)
            break;
        off += piece;
    }
    if (rc == RG_SSE_OK)
        rc = rg_sse_finish(&p, on_event, r); /* end of stream: a final bare \r ends its line */
    *pending = rg_sse_pending(&p);
    rg_sse_free(&p);
    return rc;
}

static int feed_whole(const char *s, size_t n, run_t *r, size_t *pending)
{
    rg_sse_parser_t p;
    rg_sse_init(&p, FUZZ_SSE_CAP);
    int rc = rg_sse_feed(&p, s, n, on_event, r);
    if (rc == RG_SSE_OK)
        rc = rg_sse_finish(&p, on_event, r);
    *pending = rg_sse_pending(&p);
    rg_sse_free(&p);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t seed = data[0];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;

    run_t a = {0xcbf29ce484222325ULL, 0}, b = {0xcbf29ce484222325ULL, 0};
    size_t pa = 0, pb = 0;
    int ra = feed_split(s, n, seed, &a, &pa);
    int rb = feed_whole(s, n, &b, &pb);
    if (ra != RG_SSE_OK && ra != RG_SSE_TOOBIG)
        abort(); /* the callback never stops the parser, so only TOOBIG can come back */
    if (rb != RG_SSE_OK && rb != RG_SSE_TOOBIG)
        abort();
    if (ra == RG_SSE_TOOBIG || rb == RG_SSE_TOOBIG)
        return 0;
    if (a.events != b.events || a.hash != b.hash || pa != pb)
        abort(); /* the split changed the events */
    return 0;
}
