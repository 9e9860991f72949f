/* test_sse.c — the incremental SSE parser: line ends, fields, caps, and chunk-boundary independence. */
#include "http/sse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- collecting events ------------------------------------------------ */

typedef struct ev {
    char *raw;
    size_t raw_len;
    char *data;
    size_t data_len;
    char *event;
    int has_data;
    int unknown;
} ev_t;

typedef struct evlist {
    ev_t *v;
    size_t n, cap;
    size_t stop_after; /* callback returns 7 once this many were seen (0 = never) */
} evlist_t;

static char *dup_bytes(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static int collect(void *arg, const rg_sse_event_t *e)
{
    evlist_t *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof(ev_t));
        assert_non_null(l->v);
    }
    ev_t *x = &l->v[l->n++];
    assert_non_null(e->data);
    assert_non_null(e->event);
    /* data is NUL-terminated at data_len */
    assert_int_equal(e->data[e->data_len], '\0');
    x->raw = dup_bytes(e->raw, e->raw_len);
    x->raw_len = e->raw_len;
    x->data = dup_bytes(e->data, e->data_len);
    x->data_len = e->data_len;
    x->event = strdup(e->event);
    x->has_data = e->has_data;
    x->unknown = e->unknown;
    return (l->stop_after && l->n == l->stop_after) ? 7 : 0;
}

static void evlist_free(evlist_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].raw);
        free(l->v[i].data);
        free(l->v[i].event);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Events that carry data (comment-only or empty blocks may or may not be reported). */
static size_t n_data_events(const evlist_t *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].has_data != 0;
    return n;
}

static const ev_t *data_event(const evlist_t *l, size_t k)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].has_data && k-- == 0)
            return &l->v[i];
    fail_msg("no data event #%zu", k);
    return NULL;
}

/* Feeds s whole into a fresh parser and ends the stream; returns the first non-OK result. */
static int feed_all(const char *s, size_t n, size_t cap, evlist_t *l, size_t *pending)
{
    rg_sse_parser_t p;
    rg_sse_init(&p, cap);
    int rc = rg_sse_feed(&p, s, n, collect, l);
    if (rc == RG_SSE_OK)
        rc = rg_sse_finish(&p, collect, l);
    if (pending)
        *pending = rg_sse_pending(&p);
    rg_sse_free(&p);
    return rc;
}

static void expect_raw_concat(const evlist_t *l, const char *s, size_t n)
{
    /* forwarding every event's raw bytes reproduces the stream exactly */
    size_t off = 0;
    for (size_t i = 0; i < l->n; i++) {
        assert_true(off + l->v[i].raw_len <= n);
        if (memcmp(s + off, l->v[i].raw, l->v[i].raw_len) != 0)
            fail_msg("event %zu raw '%s' does not match the stream at offset %zu", i, l->v[i].raw, off);
        off += l->v[i].raw_len;
    }
    assert_int_equal(off, n);
}

/* ---- basics ------------------------------------------------------------ */

static void test_single_event(void **state)
{
    (void)state;
    const char *s = "data: hello\n\n";
    evlist_t l = {0};
    size_t pend;
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, &pend), RG_SSE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].data, "hello");
    assert_int_equal(l.v[0].data_len, 5);
    assert_string_equal(l.v[0].event, "");
    assert_int_equal(l.v[0].has_data, 1);
    assert_int_equal(l.v[0].unknown, 0);
    assert_int_equal(l.v[0].raw_len, strlen(s));
    assert_string_equal(l.v[0].raw, s);
    assert_int_equal(pend, 0);
    evlist_free(&l);
}

static void check_three_events(const char *s, const char *sep)
{
    evlist_t l = {0};
    size_t pend;
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, &pend), RG_SSE_OK);
    if (n_data_events(&l) != 3)
        fail_msg("separator %s: %zu data events, expected 3", sep, n_data_events(&l));
    assert_string_equal(data_event(&l, 0)->data, "one");
    assert_string_equal(data_event(&l, 1)->data, "two");
    assert_string_equal(data_event(&l, 2)->data, "three");
    assert_int_equal(pend, 0);
    expect_raw_concat(&l, s, strlen(s));
    evlist_free(&l);
}

static void test_separators(void **state)
{
    (void)state;
    check_three_events("data: one\n\ndata: two\n\ndata: three\n\n", "LF");
    check_three_events("data: one\r\n\r\ndata: two\r\n\r\ndata: three\r\n\r\n", "CRLF");
    check_three_events("data: one\r\rdata: two\r\rdata: three\r\r", "CR");
    /* mixed in one stream */
    check_three_events("data: one\r\n\ndata: two\n\r\ndata: three\r\r\n", "mixed");
}

static void test_multiline_data_joined(void **state)
{
    (void)state;
    const char *s = "data: first\ndata: second\ndata:\ndata: fourth\n\n";
    evlist_t l = {0};
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 1);
    assert_string_equal(data_event(&l, 0)->data, "first\nsecond\n\nfourth");
    assert_int_equal(data_event(&l, 0)->data_len, strlen("first\nsecond\n\nfourth"));
    evlist_free(&l);

    /* CRLF lines join with \n, not \r\n */
    s = "data: a\r\ndata: b\r\n\r\n";
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_string_equal(data_event(&l, 0)->data, "a\nb");
    evlist_free(&l);
}

static void test_field_value_spaces(void **state)
{
    (void)state;
    /* one leading space is removed, no more; no colon means an empty value */
    const char *s = "data:nospace\n\ndata:  two spaces\n\ndata\n\ndata: trailing \n\n";
    evlist_t l = {0};
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 4);
    assert_string_equal(data_event(&l, 0)->data, "nospace");
    assert_string_equal(data_event(&l, 1)->data, " two spaces");
    assert_string_equal(data_event(&l, 2)->data, "");
    assert_int_equal(data_event(&l, 2)->has_data, 1);
    assert_string_equal(data_event(&l, 3)->data, "trailing ");
    evlist_free(&l);
}

static void test_data_with_colons(void **state)
{
    (void)state;
    const char *s = "data: {\"a\":\"b:c\",\"url\":\"http://x\"}\n\n";
    evlist_t l = {0};
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_string_equal(data_event(&l, 0)->data, "{\"a\":\"b:c\",\"url\":\"http://x\"}");
    evlist_free(&l);
}

static void test_comments_ignored(void **state)
{
    (void)state;
    const char *s = ": keep-alive\n\n"
                    ":another\ndata: x\n: in the middle\ndata: y\n\n"
                    ": OPENROUTER PROCESSING\n\n";
    evlist_t l = {0};
    size_t pend;
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, &pend), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 1);
    const ev_t *e = data_event(&l, 0);
    assert_string_equal(e->data, "x\ny");
    assert_int_equal(e->unknown, 0);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.v[i].unknown, 0);
        if (!l.v[i].has_data)
            assert_string_equal(l.v[i].data, "");
    }
    assert_int_equal(pend, 0);
    expect_raw_concat(&l, s, strlen(s));
    evlist_free(&l);
}

static void test_event_field(void **state)
{
    (void)state;
    const char *s = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
                    "data: plain\n\n"
                    "event:ping\ndata: {}\n\n"
                    "event: first\nevent: second\ndata: z\n\n";
    evlist_t l = {0};
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 4);
    assert_string_equal(data_event(&l, 0)->event, "message_start");
    assert_string_equal(data_event(&l, 0)->data, "{\"type\":\"message_start\"}");
    /* the event name does not leak into the next event */
    assert_string_equal(data_event(&l, 1)->event, "");
    assert_string_equal(data_event(&l, 2)->event, "ping");
    assert_string_equal(data_event(&l, 3)->event, "second"); /* the last one wins */
    evlist_free(&l);
}

static void test_unknown_fields_counted(void **state)
{
    (void)state;
    const char *s = "foo: bar\ndata: x\nid: 42\nretry: 1000\nbaz\n\n"
                    "data: clean\nid: 7\n\n"
                    "<html>\n\n";
    evlist_t l = {0};
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0].data, "x");
    assert_int_equal(l.v[0].unknown, 2); /* foo, baz; id and retry are known */
    assert_string_equal(l.v[1].data, "clean");
    assert_int_equal(l.v[1].unknown, 0); /* the count is per event */
    assert_int_equal(l.v[2].has_data, 0);
    assert_int_equal(l.v[2].unknown, 1);
    /* field names are case-sensitive: "Data" is not data */
    evlist_free(&l);
    s = "Data: x\n\n";
    assert_int_equal(feed_all(s, strlen(s), 4096, &l, NULL), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].unknown, 1);
    evlist_free(&l);
}

/* ---- caps ---------------------------------------------------------------- */

static void test_event_too_big_whole(void **state)
{
    (void)state;
    size_t cap = 1024;
    static char s[6 + 3000 + 3];
    memcpy(s, "data: ", 6);
    memset(s + 6, 'a', 3000);
    memcpy(s + 6 + 3000, "\n\n", 3);
    evlist_t l = {0};
    assert_int_equal(feed_all(s, strlen(s), cap, &l, NULL), RG_SSE_TOOBIG);
    assert_int_equal(l.n, 0);
    evlist_free(&l);
}

static void test_event_too_big_in_pieces(void **state)
{
    (void)state;
    /* many data lines, none too big alone, fed in small reads */
    rg_sse_parser_t p;
    rg_sse_init(&p, 1024);
    evlist_t l = {0};
    int rc = RG_SSE_OK;
    for (int i = 0; i < 100 && rc == RG_SSE_OK; i++)
        rc = rg_sse_feed(&p, "data: 0123456789012345678901234567890123456789\n", 47, collect, &l);
    assert_int_equal(rc, RG_SSE_TOOBIG);
    assert_int_equal(l.n, 0);
    rg_sse_free(&p);
    evlist_free(&l);
}

static void test_endless_line_is_bounded(void **state)
{
    (void)state;
    /* a body that never sends a newline must not be buffered without bound */
    rg_sse_parser_t p;
    rg_sse_init(&p, 1024);
    char chunk[4096];
    memset(chunk, 'x', sizeof(chunk));
    int rc = RG_SSE_OK;
    size_t fed = 0;
    while (rc == RG_SSE_OK && fed < (64u << 20)) {
        rc = rg_sse_feed(&p, chunk, sizeof(chunk), collect, NULL);
        fed += sizeof(chunk);
    }
    assert_int_equal(rc, RG_SSE_TOOBIG);
    rg_sse_free(&p);
}

static void test_many_small_events_not_too_big(void **state)
{
    (void)state;
    /* the cap is per event: a long stream of small events is fine, read by read */
    rg_sse_parser_t p;
    rg_sse_init(&p, 256);
    evlist_t l = {0};
    char ev[64];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(ev, sizeof(ev), "data: {\"i\":%d}\n\n", i);
        assert_int_equal(rg_sse_feed(&p, ev, (size_t)n, collect, &l), RG_SSE_OK);
    }
    assert_int_equal(n_data_events(&l), 5000);
    assert_string_equal(data_event(&l, 4999)->data, "{\"i\":4999}");
    assert_int_equal(rg_sse_pending(&p), 0);
    rg_sse_free(&p);
    evlist_free(&l);
}

static void test_one_large_read_of_small_events(void **state)
{
    (void)state;
    /* "bytes in whatever pieces the network delivers": one read of many small events is not one big event */
    size_t cap = 1024;
    size_t total = 200 * 1024;
    char *s = malloc(total + 64);
    assert_non_null(s);
    size_t n = 0;
    int count = 0;
    while (n < total)
        n += (size_t)sprintf(s + n, "data: {\"i\":%d}\n\n", count++);
    evlist_t l = {0};
    size_t pend;
    assert_int_equal(feed_all(s, n, cap, &l, &pend), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), (size_t)count);
    assert_int_equal(pend, 0);
    evlist_free(&l);
    free(s);
}

/* ---- pending, stopping, framing ---------------------------------------------- */

static void test_pending(void **state)
{
    (void)state;
    rg_sse_parser_t p;
    rg_sse_init(&p, 4096);
    evlist_t l = {0};
    assert_int_equal(rg_sse_pending(&p), 0);
    assert_int_equal(rg_sse_feed(&p, "data: par", 9, collect, &l), RG_SSE_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(rg_sse_pending(&p), 9);
    assert_int_equal(rg_sse_feed(&p, "tial\n", 5, collect, &l), RG_SSE_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(rg_sse_pending(&p), 14);
    assert_int_equal(rg_sse_feed(&p, "\ndata: next", 11, collect, &l), RG_SSE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].data, "partial");
    assert_string_equal(l.v[0].raw, "data: partial\n\n");
    assert_int_equal(rg_sse_pending(&p), strlen("data: next"));
    assert_int_equal(rg_sse_feed(&p, "\n\n", 2, collect, &l), RG_SSE_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1].data, "next");
    assert_int_equal(rg_sse_pending(&p), 0);
    rg_sse_free(&p);
    evlist_free(&l);
}

static void test_finish(void **state)
{
    (void)state;
    rg_sse_parser_t p;
    evlist_t l = {0};

    /* a stream whose last line end is a bare \r: the event is only complete at end of stream */
    rg_sse_init(&p, 4096);
    assert_int_equal(rg_sse_feed(&p, "data: x\r\r", 9, collect, &l), RG_SSE_OK);
    assert_int_equal(rg_sse_finish(&p, collect, &l), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 1);
    assert_string_equal(data_event(&l, 0)->data, "x");
    assert_string_equal(data_event(&l, 0)->raw, "data: x\r\r");
    assert_int_equal(rg_sse_pending(&p), 0);
    rg_sse_free(&p);
    evlist_free(&l);

    /* a truncated event is not dispatched by finish, and stays pending (the caller reports it) */
    rg_sse_init(&p, 4096);
    assert_int_equal(rg_sse_feed(&p, "data: ok\n\ndata: trunc", 21, collect, &l), RG_SSE_OK);
    assert_int_equal(rg_sse_finish(&p, collect, &l), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 1);
    assert_string_equal(data_event(&l, 0)->data, "ok");
    assert_int_equal(rg_sse_pending(&p), strlen("data: trunc"));
    rg_sse_free(&p);
    evlist_free(&l);

    /* fields without the closing blank line are not an event either */
    rg_sse_init(&p, 4096);
    assert_int_equal(rg_sse_feed(&p, "data: half\n", 11, collect, &l), RG_SSE_OK);
    assert_int_equal(rg_sse_finish(&p, collect, &l), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 0);
    assert_true(rg_sse_pending(&p) > 0);
    rg_sse_free(&p);
    evlist_free(&l);

    /* nothing fed: nothing happens */
    rg_sse_init(&p, 4096);
    assert_int_equal(rg_sse_finish(&p, collect, &l), RG_SSE_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(rg_sse_pending(&p), 0);
    rg_sse_free(&p);
}

static void test_callback_stops_parsing(void **state)
{
    (void)state;
    const char *s = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
    rg_sse_parser_t p;
    rg_sse_init(&p, 4096);
    evlist_t l = {.stop_after = 2};
    assert_int_equal(rg_sse_feed(&p, s, strlen(s), collect, &l), 7);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[1].data, "2");
    rg_sse_free(&p);
    evlist_free(&l);
}

static void test_frame(void **state)
{
    (void)state;
    rg_buf_t out;
    rg_buf_init(&out, 4096);
    assert_int_equal(rg_sse_frame(&out, "{\"a\":1}", 7), 0);
    assert_string_equal(out.data, "data: {\"a\":1}\n\n");
    assert_int_equal(rg_sse_frame(&out, "[DONE]", 6), 0);
    assert_string_equal(out.data, "data: {\"a\":1}\n\ndata: [DONE]\n\n");
    /* the framed output parses back to the payloads */
    evlist_t l = {0};
    assert_int_equal(feed_all(out.data, out.len, 4096, &l, NULL), RG_SSE_OK);
    assert_int_equal(n_data_events(&l), 2);
    assert_string_equal(data_event(&l, 0)->data, "{\"a\":1}");
    assert_string_equal(data_event(&l, 1)->data, "[DONE]");
    evlist_free(&l);
    rg_buf_free(&out);

    /* len is honoured: only the first 3 bytes */
    rg_buf_init(&out, 4096);
    assert_int_equal(rg_sse_frame(&out, "abcdef", 3), 0);
    assert_string_equal(out.data, "data: abc\n\n");
    rg_buf_free(&out);

    /* over the buffer's cap: an error */
    rg_buf_init(&out, 10);
    assert_int_equal(rg_sse_frame(&out, "0123456789", 10), -1);
    rg_buf_free(&out);
}

/* ---- the same stream, split anywhere ----------------------------------------- */

static const char *const openai_lines[] = {
    "data: {\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"created\":1718000000,\"model\":\"gpt-4o-mini\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
    "",
    ": keep-alive",
    "",
    "data: {\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\"Hello\"},\"finish_reason\":null}]}",
    "",
    "data: {\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\", caf\xc3\xa9 \xe2\x98\x95\"},\"finish_reason\":null}]}",
    "",
    "data: {\"id\":\"chatcmpl-9x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" line\\nbreak\"}}]}",
    "",
    "event: message",
    "data: {\"id\":\"chatcmpl-9x\",",
    "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\" split\"}}]}",
    "",
    "id: 5",
    "data: {\"id\":\"chatcmpl-9x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\":)\"}}]}",
    "",
    "data:{\"id\":\"chatcmpl-9x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"}}]}",
    "",
    "data: {\"id\":\"chatcmpl-9x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
    "",
    "data: {\"id\":\"chatcmpl-9x\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":6,"
    "\"total_tokens\":15}}",
    "",
    "data: [DONE]",
    "",
};

/* Joins the lines with eol (each line, including the last, is followed by eol). */
static char *build_stream(const char *eol, size_t *len)
{
    size_t n = 0, cap = 8192;
    char *s = malloc(cap);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof(openai_lines) / sizeof(openai_lines[0]); i++) {
        size_t a = strlen(openai_lines[i]), b = strlen(eol);
        assert_true(n + a + b < cap);
        memcpy(s + n, openai_lines[i], a);
        n += a;
        memcpy(s + n, eol, b);
        n += b;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

/* The last bytes of p, with \r and \n visible, for messages. */
static const char *tail(const char *p, size_t n, char out[128])
{
    size_t from = n > 24 ? n - 24 : 0, o = 0;
    if (from)
        o += (size_t)sprintf(out, "...");
    for (size_t i = from; i < n; i++) {
        if (p[i] == '\r' || p[i] == '\n')
            o += (size_t)sprintf(out + o, "\\%c", p[i] == '\r' ? 'r' : 'n');
        else
            out[o++] = p[i];
    }
    out[o] = '\0';
    return out;
}

/* Returns NULL when got == want, else a description of the first difference (in msg). */
static const char *diff_events(const evlist_t *want, const evlist_t *got, char msg[512])
{
    char t1[128], t2[128];
    if (got->n != want->n) {
        snprintf(msg, 512, "%zu events, expected %zu", got->n, want->n);
        return msg;
    }
    for (size_t i = 0; i < want->n; i++) {
        const ev_t *a = &want->v[i], *b = &got->v[i];
        if (a->raw_len != b->raw_len || memcmp(a->raw, b->raw, a->raw_len) != 0) {
            snprintf(msg, 512, "event %zu raw differs: got %zu bytes \"%s\", expected %zu bytes \"%s\"", i,
                     b->raw_len, tail(b->raw, b->raw_len, t1), a->raw_len, tail(a->raw, a->raw_len, t2));
            return msg;
        }
        if (a->data_len != b->data_len || memcmp(a->data, b->data, a->data_len) != 0) {
            snprintf(msg, 512, "event %zu data differs: \"%s\" vs \"%s\"", i, tail(b->data, b->data_len, t1),
                     tail(a->data, a->data_len, t2));
            return msg;
        }
        if (strcmp(a->event, b->event) != 0) {
            snprintf(msg, 512, "event %zu name differs: \"%s\" vs \"%s\"", i, b->event, a->event);
            return msg;
        }
        if (a->has_data != b->has_data || a->unknown != b->unknown) {
            snprintf(msg, 512, "event %zu has_data/unknown differ", i);
            return msg;
        }
    }
    return NULL;
}

/* Feeds s cut at the given ascending positions, then ends the stream. */
static void feed_split(const char *s, size_t n, const size_t *cuts, size_t ncuts, evlist_t *l, size_t *pending)
{
    rg_sse_parser_t p;
    rg_sse_init(&p, 4096);
    size_t from = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;
        assert_int_equal(rg_sse_feed(&p, s + from, to - from, collect, l), RG_SSE_OK);
        from = to;
    }
    assert_int_equal(rg_sse_finish(&p, collect, l), RG_SSE_OK);
    *pending = rg_sse_pending(&p);
    rg_sse_free(&p);
}

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 33;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void check_split_invariance(const char *eol, const char *name)
{
    size_t n;
    char *s = build_stream(eol, &n);
    evlist_t whole = {0};
    size_t pend;
    assert_int_equal(feed_all(s, n, 4096, &whole, &pend), RG_SSE_OK);
    assert_int_equal(pend, 0);

    /* sanity of the reference itself */
    assert_int_equal(n_data_events(&whole), 10);
    assert_string_equal(data_event(&whole, 0)->event, "");
    assert_string_equal(data_event(&whole, 1)->data,
                        "{\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}");
    assert_string_equal(data_event(&whole, 4)->event, "message");
    assert_string_equal(data_event(&whole, 4)->data,
                        "{\"id\":\"chatcmpl-9x\",\n\"choices\":[{\"index\":0,\"delta\":{\"content\":\" split\"}}]}");
    assert_string_equal(data_event(&whole, 5)->event, "");
    assert_string_equal(data_event(&whole, 9)->data, "[DONE]");
    expect_raw_concat(&whole, s, n);

    /* every way of cutting is tried; the failures are counted and the first few shown */
    int bad = 0;
    char msg[512];
    const char *d;

    /* one cut at every position (0 and n included: an empty piece) */
    for (size_t cut = 0; cut <= n; cut++) {
        evlist_t got = {0};
        feed_split(s, n, &cut, 1, &got, &pend);
        if ((d = diff_events(&whole, &got, msg)) != NULL || pend != 0) {
            if (bad++ < 3)
                print_message("  %s stream cut at byte %zu of %zu: %s\n", name, cut, n, d ? d : "bytes left pending");
        }
        evlist_free(&got);
    }

    /* every byte on its own */
    {
        size_t *cuts = malloc(n * sizeof(size_t));
        assert_non_null(cuts);
        for (size_t i = 0; i < n; i++)
            cuts[i] = i;
        evlist_t got = {0};
        feed_split(s, n, cuts, n, &got, &pend);
        if ((d = diff_events(&whole, &got, msg)) != NULL || pend != 0) {
            if (bad++ < 3)
                print_message("  %s stream fed byte by byte: %s\n", name, d ? d : "bytes left pending");
        }
        evlist_free(&got);
        free(cuts);
    }

    /* 200 random patterns, fixed seed */
    uint64_t seed = 0x5eed1234abcdULL;
    for (int pattern = 0; pattern < 200; pattern++) {
        size_t cuts[64];
        size_t ncuts = 1 + lcg(&seed) % 63;
        for (size_t i = 0; i < ncuts; i++)
            cuts[i] = lcg(&seed) % (n + 1);
        qsort(cuts, ncuts, sizeof(size_t), cmp_size);
        evlist_t got = {0};
        feed_split(s, n, cuts, ncuts, &got, &pend);
        if ((d = diff_events(&whole, &got, msg)) != NULL || pend != 0) {
            if (bad++ < 3)
                print_message("  %s stream, random pattern %d (%zu cuts): %s\n", name, pattern, ncuts,
                              d ? d : "bytes left pending");
        }
        evlist_free(&got);
    }
    if (bad)
        fail_msg("%s stream: %d of %zu ways of cutting it gave different events", name, bad, n + 1 + 1 + 200);
    evlist_free(&whole);
    free(s);
}

static void test_split_anywhere_lf(void **state)
{
    (void)state;
    check_split_invariance("\n", "LF");
}

static void test_split_anywhere_crlf(void **state)
{
    (void)state;
    check_split_invariance("\r\n", "CRLF");
}

static void test_split_anywhere_cr(void **state)
{
    (void)state;
    check_split_invariance("\r", "CR");
}

/* The smallest case of a CRLF split between its \r and \n: the raw bytes must still be the stream's bytes. */
static void test_crlf_split_keeps_raw_bytes(void **state)
{
    (void)state;
    const char *s = "data: x\r\n\r\n";
    /* cut after the first \r, and after the last \r */
    size_t cuts[] = {8, 10};
    for (size_t i = 0; i < 2; i++) {
        evlist_t l = {0};
        size_t pend;
        feed_split(s, strlen(s), &cuts[i], 1, &l, &pend);
        assert_int_equal(n_data_events(&l), 1);
        assert_string_equal(data_event(&l, 0)->data, "x");
        if (strcmp(l.v[0].raw, s) != 0)
            fail_msg("cut at %zu: raw is \"%s\" (%zu bytes), expected the 11 input bytes", cuts[i], l.v[0].raw,
                     l.v[0].raw_len);
        evlist_free(&l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_event),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_multiline_data_joined),
        cmocka_unit_test(test_field_value_spaces),
        cmocka_unit_test(test_data_with_colons),
        cmocka_unit_test(test_comments_ignored),
        cmocka_unit_test(test_event_field),
        cmocka_unit_test(test_unknown_fields_counted),
        cmocka_unit_test(test_event_too_big_whole),
        cmocka_unit_test(test_event_too_big_in_pieces),
        cmocka_unit_test(test_endless_line_is_bounded),
        cmocka_unit_test(test_many_small_events_not_too_big),
        cmocka_unit_test(test_one_large_read_of_small_events),
        cmocka_unit_test(test_pending),
        cmocka_unit_test(test_finish),
        cmocka_unit_test(test_callback_stops_parsing),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_split_anywhere_lf),
        cmocka_unit_test(test_split_anywhere_crlf),
        cmocka_unit_test(test_split_anywhere_cr),
        cmocka_unit_test(test_crlf_split_keeps_raw_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
