/*
 * fuzz_stream_guard.c — output guardrails on a stream (api/stream_guard.h).
 *
 * Input layout: byte 0 seeds how the rest is cut into pieces, byte 1 picks
 * the mode (incremental, buffer, log) and the step (small or the default);
 * bytes 2.. are an SSE stream (chat chunks, garbage, anything). The stream
 * goes through the SSE parser into a guard with fixed hooks (a forbidden
 * pattern, a forbidden word, a word-count maximum and minimum, a banned
 * phrase, private keys and GitHub tokens, all deny: each holds back text of
 * its own, check.h pending),
 * twice: once in pieces whose sizes come from a PRNG seeded by byte 0, once
 * whole. stream_guard.h promises that the verdicts do not depend on the
 * cut, so both runs must agree on: where the stream was cut (the number of
 * events fed), why (deny or too large), every byte released before the cut
 * or the end, and each hook's verdict and deny in the results (timestamps
 * and durations left out). Also checked: a passing stream in incremental or
 * buffer mode goes out byte for byte as it came in; log mode never cuts.
 * A mismatch aborts; memory errors and leaks are left to the sanitizers.
 */
#include "api/stream_guard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

static const char CONFIG[] =
    "{\"after_request_hooks\":["
    "{\"id\":\"re\",\"type\":\"guardrail\",\"deny\":true,\"checks\":[{\"id\":\"default.regexMatch\","
    "\"parameters\":{\"rule\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"not\":true}}]},"
    "{\"id\":\"words\",\"type\":\"guardrail\",\"deny\":true,\"checks\":[{\"id\":\"default.contains\","
    "\"parameters\":{\"operator\":\"none\",\"words\":[\"bad\"]}},{\"id\":\"default.wordCount\","
    "\"parameters\":{\"minWords\":3,\"maxWords\":60}}]},"
    "{\"id\":\"held\",\"type\":\"guardrail\",\"deny\":true,\"checks\":[{\"id\":\"railgate.bannedTopics\","
    "\"parameters\":{\"phrases\":[\"launch codes\"]}},{\"id\":\"railgate.secrets\","
    "\"parameters\":{\"entities\":[\"PRIVATE_KEY\",\"GITHUB_TOKEN\"]}}]}]}";

static rg_hook_list_t before, after;
static const rg_hook_t *ptrs[8];

typedef struct run {
    rg_stream_guard_t *sg;
    rg_buf_t out;
    rg_buf_t in; /* every event's raw bytes, in order */
    size_t events, cut_after, released;
    int cut;
} run_t;

static int same(const char *p, const char *q, size_t n)
{
    return n == 0 || memcmp(p, q, n) == 0;
}

static int on_event(void *arg, const rg_sse_event_t *ev)
{
    run_t *r = arg;
    size_t before_len = r->out.len;
    r->events++;
    rg_buf_append(&r->in, ev->raw, ev->raw_len);
    if (rg_stream_guard_event(r->sg, ev, &r->out) == RG_SG_CUT) {
        r->cut = 1;
        r->cut_after = r->events;
        r->released = before_len;
        return 1;
    }
    return 0;
}

static char *verdicts(rg_stream_guard_t *sg)
{
    json_t *res = rg_stream_guard_results(sg), *h;
    json_t *v = json_array();
    size_t i;
    json_array_foreach(res, i, h)
        json_array_append_new(v, json_pack("{s:O?, s:O?, s:O?}", "id", json_object_get(h, "id"), "verdict",
                                           json_object_get(h, "verdict"), "deny", json_object_get(h, "deny")));
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    return s;
}

static void never(void *arg)
{
    (void)arg;
    abort(); /* only synchronous checks here */
}

static char *go(const uint8_t *p, size_t n, uint64_t seed, int split, const rg_stream_guard_opts_t *o, run_t *r)
{
    memset(r, 0, sizeof(*r));
    r->sg = rg_stream_guard_new(o);
    if (r->sg == NULL)
        abort();
    rg_buf_init(&r->out, 1u << 24);
    rg_buf_init(&r->in, 1u << 24);
    rg_sse_parser_t ps;
    rg_sse_init(&ps, CAP);
    int rc = RG_SSE_OK;
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n && rc == RG_SSE_OK && !r->cut;) {
        size_t k = n - i;
        if (split) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            k = (size_t)(x % 64);
            if (k > n - i)
                k = n - i;
        }
        rc = rg_sse_feed(&ps, (const char *)p + i, k, on_event, r);
        i += k;
    }
    if (rc == RG_SSE_OK && !r->cut)
        rc = rg_sse_finish(&ps, on_event, r);
    rg_sse_free(&ps);
    if (rc == RG_SSE_TOOBIG) {
        rg_buf_free(&r->out);
        rg_buf_free(&r->in);
        rg_stream_guard_free(r->sg);
        return NULL;
    }
    if (!r->cut) {
        r->released = r->out.len;
        int f = rg_stream_guard_finish(r->sg, &r->out, never, NULL);
        if (f == RG_SG_WAIT)
            abort();
        if (f == RG_SG_CUT) {
            r->cut = 1;
            r->cut_after = r->events;
        } else {
            r->released = r->out.len;
        }
    }
    if (r->cut != (rg_stream_guard_cut(r->sg) != 0))
        abort();
    return verdicts(r->sg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (after.n == 0) {
        json_t *c = json_loads(CONFIG, 0, NULL);
        char err[256];
        if (c == NULL || rg_hooks_from_portkey(c, 1, &before, &after, err, sizeof(err)) != 0)
            abort();
        json_decref(c);
        for (size_t i = 0; i < after.n; i++)
            ptrs[i] = &after.hooks[i];
    }
    if (size < 2)
        return 0;
    rg_stream_guard_opts_t o = {
        .mode = (rg_sg_mode_t)(data[1] % 3),
        .hooks = ptrs,
        .n = after.n,
        .type = data[1] & 8 ? RG_REQ_COMPLETE : RG_REQ_CHAT,
        .min_step = data[1] & 4 ? 0 : 8,
        .tail = data[1] & 16 ? 1 : 0,
        .max = CAP * 4,
    };
    run_t a, b;
    char *va = go(data + 2, size - 2, data[0], 1, &o, &a);
    char *vb = go(data + 2, size - 2, data[0], 0, &o, &b);
    if (va && vb) {
        if (a.cut != b.cut || a.cut_after != b.cut_after || a.released != b.released ||
            !same(a.out.data, b.out.data, a.released) || strcmp(va, vb) != 0 ||
            rg_stream_guard_cut(a.sg) != rg_stream_guard_cut(b.sg))
            abort();
        if (o.mode == RG_SG_LOG && a.cut)
            abort();
        /* a passing stream goes out as it came in (incremental and buffer have no results event here) */
        if (!a.cut && (a.out.len != a.in.len || !same(a.out.data, a.in.data, a.in.len)))
            abort();
    }
    for (run_t *r = &a; r; r = r == &a ? &b : NULL) {
        if ((r == &a ? va : vb) == NULL)
            continue;
        rg_buf_free(&r->out);
        rg_buf_free(&r->in);
        rg_stream_guard_free(r->sg);
    }
    free(va);
    free(vb);
    return 0;
}
