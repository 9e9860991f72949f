/* test_stream_guard.c — after-hooks on streams: modes, cuts, chunk-boundary independence, async checks, linear work. */
#include "api/stream_guard.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- streams ------------------------------------------------------------ */

typedef struct stream {
    char **raw; /* "data: ...\n\n" */
    size_t *len;
    size_t n;
} stream_t;

static void push_raw(stream_t *s, const char *payload)
{
    s->raw = realloc(s->raw, (s->n + 1) * sizeof(*s->raw));
    s->len = realloc(s->len, (s->n + 1) * sizeof(*s->len));
    assert_non_null(s->raw);
    assert_non_null(s->len);
    size_t n = strlen(payload) + 8;
    s->raw[s->n] = malloc(n + 1);
    assert_non_null(s->raw[s->n]);
    snprintf(s->raw[s->n], n + 1, "data: %s\n\n", payload);
    s->len[s->n] = strlen(s->raw[s->n]);
    s->n++;
}

static void push_json(stream_t *s, json_t *j)
{
    char *p = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    push_raw(s, p);
    free(p);
}

/* A chat stream like OpenAI's: a role event, one event per piece, a finish event, [DONE]. */
static stream_t chat_stream(const char *const *pieces, size_t n)
{
    stream_t s = {0};
    push_json(&s, json_pack("{s:s, s:s, s:i, s:s, s:[{s:i, s:{s:s, s:s}, s:n}]}", "id", "chatcmpl-1", "object",
                            "chat.completion.chunk", "created", 1700000000, "model", "m", "choices", "index", 0, "delta",
                            "role", "assistant", "content", "", "finish_reason"));
    for (size_t i = 0; i < n; i++)
        push_json(&s, json_pack("{s:s, s:s, s:i, s:s, s:[{s:i, s:{s:s}, s:n}]}", "id", "chatcmpl-1", "object",
                                "chat.completion.chunk", "created", 1700000000, "model", "m", "choices", "index", 0,
                                "delta", "content", pieces[i], "finish_reason"));
    push_json(&s, json_pack("{s:s, s:s, s:i, s:s, s:[{s:i, s:{}, s:s}]}", "id", "chatcmpl-1", "object",
                            "chat.completion.chunk", "created", 1700000000, "model", "m", "choices", "index", 0, "delta",
                            "finish_reason", "stop"));
    push_raw(&s, "[DONE]");
    return s;
}

/* The text cut into pieces of 1..maxlen bytes at positions from seed (ASCII text). */
static stream_t chat_stream_split(const char *text, unsigned seed, size_t maxlen)
{
    size_t len = strlen(text), cap = len + 1, n = 0;
    char **pieces = calloc(cap, sizeof(*pieces));
    assert_non_null(pieces);
    uint64_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len;) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t k = 1 + (size_t)(x % maxlen);
        if (k > len - i)
            k = len - i;
        pieces[n] = strndup(text + i, k);
        n++;
        i += k;
    }
    stream_t s = chat_stream((const char *const *)pieces, n);
    for (size_t i = 0; i < n; i++)
        free(pieces[i]);
    free(pieces);
    return s;
}

static void stream_free(stream_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->raw[i]);
    free(s->raw);
    free(s->len);
    memset(s, 0, sizeof(*s));
}

static rg_sse_event_t event_of(const stream_t *s, size_t i)
{
    rg_sse_event_t ev = {.raw = s->raw[i],
                         .raw_len = s->len[i],
                         .data = s->raw[i] + 6,
                         .data_len = s->len[i] - 8,
                         .event = "",
                         .has_data = 1};
    return ev;
}

/* ---- hooks -------------------------------------------------------------- */

typedef struct hooks {
    rg_hook_list_t before, after;
    const rg_hook_t **ptrs;
} hooks_t;

static hooks_t hooks_of(const char *config)
{
    hooks_t h = {0};
    json_error_t e;
    json_t *c = json_loads(config, 0, &e);
    if (c == NULL)
        fail_msg("bad test config: %s: %s", e.text, config);
    char err[256];
    assert_int_equal(rg_hooks_from_portkey(c, 0, &h.before, &h.after, err, sizeof(err)), 0);
    json_decref(c);
    h.ptrs = calloc(h.after.n + 1, sizeof(*h.ptrs));
    for (size_t i = 0; i < h.after.n; i++)
        h.ptrs[i] = &h.after.hooks[i];
    return h;
}

static void hooks_free(hooks_t *h)
{
    rg_hook_list_free(&h->before);
    rg_hook_list_free(&h->after);
    free(h->ptrs);
}

static const char SSN_DENY[] = "{\"after_request_hooks\":[{\"id\":\"no-ssn\",\"type\":\"guardrail\",\"deny\":true,\"checks\":"
                               "[{\"id\":\"default.regexMatch\",\"parameters\":{\"rule\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\","
                               "\"not\":true}}]}]}";

static rg_stream_guard_opts_t opts_for(const hooks_t *h, rg_sg_mode_t mode)
{
    rg_stream_guard_opts_t o = {
        .mode = mode,
        .hooks = h->ptrs,
        .n = h->after.n,
        .type = RG_REQ_CHAT,
    };
    return o;
}

/* ---- running ------------------------------------------------------------ */

typedef struct result {
    int cut_at;    /* index of the event that returned CUT, or -1 */
    int final_rc;  /* finish's return, or -1 when cut before */
    int cut;
    char *out;     /* everything the client got */
    size_t out_len;
    json_t *results;
    rg_sg_stats_t st;
} result_t;

static void never(void *arg)
{
    (void)arg;
    fail_msg("done_cb called for synchronous checks");
}

static result_t run(const rg_stream_guard_opts_t *o, const stream_t *s)
{
    result_t r = {.cut_at = -1, .final_rc = -1};
    rg_stream_guard_t *sg = rg_stream_guard_new(o);
    assert_non_null(sg);
    rg_buf_t out;
    rg_buf_init(&out, 1 << 20);
    for (size_t i = 0; i < s->n; i++) {
        rg_sse_event_t ev = event_of(s, i);
        if (rg_stream_guard_event(sg, &ev, &out) == RG_SG_CUT) {
            r.cut_at = (int)i;
            break;
        }
    }
    if (r.cut_at < 0) {
        r.final_rc = rg_stream_guard_finish(sg, &out, never, NULL);
        assert_int_not_equal(r.final_rc, RG_SG_WAIT);
    }
    r.cut = rg_stream_guard_cut(sg);
    r.out = strndup(out.data ? out.data : "", out.len);
    r.out_len = out.len;
    json_t *res = rg_stream_guard_results(sg);
    r.results = res ? json_incref(res) : NULL;
    rg_stream_guard_stats(sg, &r.st);
    rg_buf_free(&out);
    rg_stream_guard_free(sg);
    return r;
}

static void result_free(result_t *r)
{
    free(r->out);
    json_decref(r->results);
}

/* The data payloads of an SSE body. */
typedef struct payloads {
    char **v;
    size_t n;
} payloads_t;

static int collect(void *arg, const rg_sse_event_t *ev)
{
    payloads_t *p = arg;
    if (!ev->has_data)
        return 0;
    p->v = realloc(p->v, (p->n + 1) * sizeof(*p->v));
    p->v[p->n++] = strndup(ev->data, ev->data_len);
    return 0;
}

static payloads_t payloads_of(const char *body, size_t len)
{
    payloads_t p = {0};
    rg_sse_parser_t ps;
    rg_sse_init(&ps, 1 << 24);
    assert_int_equal(rg_sse_feed(&ps, body, len, collect, &p), RG_SSE_OK);
    assert_int_equal(rg_sse_finish(&ps, collect, &p), RG_SSE_OK);
    assert_int_equal(rg_sse_pending(&ps), 0);
    rg_sse_free(&ps);
    return p;
}

static void payloads_free(payloads_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
}

/* The chat text the client got. */
static char *text_of(const char *body, size_t len)
{
    payloads_t p = payloads_of(body, len);
    size_t cap = len + 1, n = 0;
    char *t = calloc(1, cap);
    for (size_t i = 0; i < p.n; i++) {
        json_t *j = json_loads(p.v[i], 0, NULL);
        json_t *c = json_object_get(json_object_get(json_array_get(json_object_get(j, "choices"), 0), "delta"), "content");
        if (json_is_string(c)) {
            memcpy(t + n, json_string_value(c), json_string_length(c));
            n += json_string_length(c);
        }
        json_decref(j);
    }
    payloads_free(&p);
    return t;
}

/* Verdicts only: per hook {id, verdict, deny, checks: [{id, verdict}]}. */
static char *verdicts_of(json_t *results)
{
    json_t *v = json_array();
    size_t i, k;
    json_t *h, *c;
    json_array_foreach(results, i, h)
    {
        json_t *checks = json_array();
        json_array_foreach(json_object_get(h, "checks"), k, c)
            json_array_append_new(checks, json_pack("{s:O, s:O}", "id", json_object_get(c, "id"), "verdict",
                                                    json_object_get(c, "verdict")));
        json_array_append_new(v, json_pack("{s:O, s:O, s:O, s:o}", "id", json_object_get(h, "id"), "verdict",
                                           json_object_get(h, "verdict"), "deny", json_object_get(h, "deny"), "checks",
                                           checks));
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(v);
    return s;
}

static const char FILLER[] = "The quick brown fox jumps over the lazy dog while the gateway watches every byte. ";

static char *long_text(size_t fillers, const char *middle, size_t after)
{
    size_t n = strlen(FILLER) * (fillers + after) + strlen(middle) + 1;
    char *t = calloc(1, n);
    for (size_t i = 0; i < fillers; i++)
        strcat(t, FILLER);
    strcat(t, middle);
    for (size_t i = 0; i < after; i++)
        strcat(t, FILLER);
    return t;
}

/* ---- tests -------------------------------------------------------------- */

static void test_mode_of(void **state)
{
    (void)state;
    hooks_t h = hooks_of("{\"after_request_hooks\":[{\"id\":\"a\",\"type\":\"guardrail\",\"stream_mode\":\"log\"},"
                         "{\"id\":\"b\",\"type\":\"guardrail\"},{\"id\":\"c\",\"type\":\"guardrail\","
                         "\"streamMode\":\"buffer\"},{\"id\":\"d\",\"type\":\"guardrail\",\"stream_mode\":\"bufer\"}],"
                         "\"output_guardrails\":[{\"stream_mode\":\"log\",\"default.contains\":{\"operator\":\"none\","
                         "\"words\":[\"x\"]}}]}");
    assert_int_equal(h.after.n, 5);
    assert_int_equal(h.after.hooks[0].stream_mode, RG_STREAM_LOG);
    assert_int_equal(h.after.hooks[1].stream_mode, RG_STREAM_INCREMENTAL);
    assert_int_equal(h.after.hooks[2].stream_mode, RG_STREAM_BUFFER);
    assert_int_equal(h.after.hooks[3].stream_mode, RG_STREAM_BUFFER); /* unknown: the strictest */
    assert_int_equal(h.after.hooks[4].stream_mode, RG_STREAM_LOG);
    assert_int_equal(h.after.hooks[4].n_checks, 1); /* stream_mode is not a check in the shorthand */
    assert_int_equal(rg_stream_guard_mode_of(h.ptrs, 1), RG_SG_LOG);
    assert_int_equal(rg_stream_guard_mode_of(h.ptrs, 2), RG_SG_INCREMENTAL);
    assert_int_equal(rg_stream_guard_mode_of(h.ptrs, 3), RG_SG_BUFFER);
    assert_int_equal(rg_stream_guard_mode_of(h.ptrs + 4, 1), RG_SG_LOG);
    assert_int_equal(rg_stream_guard_mode_of(NULL, 0), RG_SG_INCREMENTAL);
    hooks_free(&h);
}

/* The SSN arrives in event 5 (index 5 after the role event): events before it go out, it never does. */
static void test_incremental_cuts_before_the_ssn(void **state)
{
    (void)state;
    const char *pieces[] = {"Here is what you asked for, my friend, ", "and I hope it helps you a lot: ",
                            "your social security number, ",  "as it was written down, is ",
                            "123-45-6789 and ",                "that is all ",
                            "I know about ",                   "it today."};
    stream_t s = chat_stream(pieces, 8);
    hooks_t h = hooks_of(SSN_DENY);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
    o.min_step = 8; /* a check after every piece */
    o.before_results = json_array();
    result_t r = run(&o, &s);
    json_decref(o.before_results);
    assert_int_equal(r.cut_at, 5); /* the SSN is followed by more text: the failure is final at once */
    assert_int_equal(r.cut, RG_SG_CUT_DENY);
    char *got = text_of(r.out, r.out_len);
    assert_null(strstr(got, "6789")); /* (the error event's hook_results show the match, as Portkey's 446 does) */
    free(got);
    /* the role event and the first pieces went out unchanged, first, in order (the last 64 bytes of text
     * that passed stay held, in case they start a match) */
    size_t off = 0, k = 0;
    while (k < 5 && off + s.len[k] <= r.out_len && memcmp(r.out + off, s.raw[k], s.len[k]) == 0)
        off += s.len[k++];
    assert_int_equal(k, 2);
    payloads_t p = payloads_of(r.out + off, r.out_len - off);
    assert_int_equal(p.n, 2);
    json_t *ev = json_loads(p.v[0], 0, NULL);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "error"), "type")), "hooks_failed");
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(ev, "error"), "message")),
                           "`hook_results`"));
    assert_true(json_is_null(json_object_get(json_object_get(ev, "error"), "code")));
    json_t *hr = json_object_get(ev, "hook_results");
    assert_int_equal(json_array_size(json_object_get(hr, "before_request_hooks")), 0);
    json_t *a = json_array_get(json_object_get(hr, "after_request_hooks"), 0);
    assert_string_equal(json_string_value(json_object_get(a, "id")), "no-ssn");
    assert_true(json_is_true(json_object_get(a, "deny")));
    json_decref(ev);
    assert_string_equal(p.v[1], "[DONE]");
    payloads_free(&p);
    /* the record's results say the same */
    assert_true(json_is_false(json_object_get(json_array_get(r.results, 0), "verdict")));
    result_free(&r);

    /* the default step (256 bytes): the SSN in the middle of a long answer */
    char *t = long_text(6, "My SSN is 123-45-6789, keep it safe. ", 20);
    stream_t s2 = chat_stream_split(t, 7, 12);
    rg_stream_guard_opts_t o2 = opts_for(&h, RG_SG_INCREMENTAL);
    r = run(&o2, &s2);
    assert_int_equal(r.cut, RG_SG_CUT_DENY);
    assert_true(r.cut_at >= 0 && (size_t)r.cut_at < s2.n - 1); /* cut mid-stream: the upstream can stop */
    got = text_of(r.out, r.out_len);
    assert_null(strstr(got, "6789"));
    assert_true(strlen(got) >= 256 - 64); /* the text checked before it was released, but for the tail */
    assert_memory_equal(got, t, strlen(got));
    free(got);
    result_free(&r);
    stream_free(&s2);
    free(t);
    stream_free(&s);
    hooks_free(&h);
}

/* A match that touches the end of the text is not final ($, \b, longer runs): held, judged later. */
static void test_match_at_the_end_is_held_not_cut(void **state)
{
    (void)state;
    hooks_t h = hooks_of("{\"after_request_hooks\":[{\"id\":\"digits\",\"type\":\"guardrail\",\"deny\":true,\"checks\":"
                         "[{\"id\":\"default.regexMatch\",\"parameters\":{\"rule\":\"\\\\b\\\\d{3}\\\\b\",\"not\":true}}]}]}");
    const char *pieces[] = {"the code is 123", "4567 and nothing more"}; /* "123" then "1234567": no 3-digit word */
    stream_t s = chat_stream(pieces, 2);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
    o.min_step = 4;
    result_t r = run(&o, &s);
    assert_int_equal(r.cut, 0);
    assert_int_equal(r.final_rc, RG_SG_GO);
    char *got = text_of(r.out, r.out_len);
    assert_string_equal(got, "the code is 1234567 and nothing more");
    free(got);
    assert_memory_equal(r.out + r.out_len - 14, "data: [DONE]\n\n", 14);
    result_free(&r);
    stream_free(&s);
    hooks_free(&h);
}

/* Checks that only the whole text can satisfy (a minimum) hold the stream until they pass. */
static void test_unmet_minimum_holds_until_it_passes(void **state)
{
    (void)state;
    hooks_t h = hooks_of("{\"after_request_hooks\":[{\"id\":\"long-enough\",\"type\":\"guardrail\",\"deny\":true,"
                         "\"checks\":[{\"id\":\"default.wordCount\",\"parameters\":{\"minWords\":12,\"maxWords\":1000}}]}]}");
    const char *pieces[] = {"one two three ", "four five six ", "seven eight nine ", "ten eleven twelve ", "thirteen"};
    stream_t s = chat_stream(pieces, 5);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
    o.min_step = 4;
    o.tail = 1;
    rg_stream_guard_t *sg = rg_stream_guard_new(&o);
    rg_buf_t out;
    rg_buf_init(&out, 1 << 20);
    for (size_t i = 0; i < 4; i++) {
        rg_sse_event_t ev = event_of(&s, i);
        assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
    }
    assert_int_equal(out.len, s.len[0]); /* only the role event (no text) went out */
    rg_sse_event_t ev = event_of(&s, 4); /* twelve words now */
    assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
    size_t want = 0;
    for (size_t i = 0; i < 4; i++) /* the last piece stays held: its end is in the kept-back tail */
        want += s.len[i];
    assert_int_equal(out.len, want);
    rg_buf_free(&out);
    rg_stream_guard_free(sg);
    stream_free(&s);

    /* too short at the end: cut with the final verdict */
    const char *few[] = {"just ", "three words"};
    s = chat_stream(few, 2);
    result_t r = run(&o, &s);
    assert_int_equal(r.cut, RG_SG_CUT_DENY);
    assert_int_equal(r.final_rc, RG_SG_CUT);
    char *got = text_of(r.out, r.out_len);
    assert_string_equal(got, "");
    free(got);
    result_free(&r);
    stream_free(&s);
    hooks_free(&h);
}

/* Pseudo-random letters and digits (a token's body). */
static void random_alnum(char *out, size_t n, uint64_t x)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        out[i] = set[x % 62];
    }
    out[n] = '\0';
}

/*
 * A match longer than the default tail (64 bytes) is held from its start: no byte of it goes out before the
 * check sees it whole, however the stream is split (check.h, pending). Until 2026-11-22 every check was given the
 * same 64 bytes, so the start of a banned phrase, a fine-grained GitHub token or a PEM block went out before
 * its end arrived. (With every secret type, a partial token or key body is found as a generic secret on its own;
 * with one type chosen it is not.) Each case also runs without the match: then the whole text goes out, most of it
 * mid-stream.
 */
static void test_long_matches_are_held_from_their_start(void **state)
{
    (void)state;
    char pat[128], a[32], b[64], key[512], l1[65], l2[65];
    random_alnum(a, 22, 11);
    random_alnum(b, 59, 12);
    snprintf(pat, sizeof(pat), "github_pat_%s_%s ", a, b);
    random_alnum(l1, 64, 13);
    random_alnum(l2, 64, 14);
    snprintf(key, sizeof(key), "-----BEGIN RSA PRIVATE KEY-----\n%s\n%s\n-----END RSA PRIVATE KEY-----\n", l1, l2);
    char spaced[256];
    snprintf(spaced, sizeof(spaced), "Project%*sNightingale launch codes ", 120, "");
    static const char Q90[] = "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    char regex_hit[128];
    snprintf(regex_hit, sizeof(regex_hit), "BEGIN %s END ", Q90);
    const struct {
        const char *check; /* the deny hook's check, as Portkey's JSON */
        const char *match; /* in the middle of the text: the check fails on it */
        const char *start; /* a piece of its start that must never go out */
    } cases[] = {
        {"{\"id\":\"default.contains\",\"parameters\":{\"operator\":\"none\",\"words\":[\"Project Nightingale launch "
         "codes: what follows is confidential and must not leave the building\"]}}",
         "Project Nightingale launch codes: what follows is confidential and must not leave the building. ", "Project"},
        {"{\"id\":\"railgate.bannedTopics\",\"parameters\":{\"phrases\":[\"project nightingale launch codes\"]}}", spaced,
         "Project"},
        {"{\"id\":\"default.regexMatch\",\"parameters\":{\"rule\":\"BEGIN [A-Z]{90} END\",\"not\":true}}", regex_hit,
         "BEGIN"},
        {"{\"id\":\"railgate.secrets\",\"parameters\":{}}", pat, "github_pat"},
        {"{\"id\":\"railgate.secrets\",\"parameters\":{\"entities\":[\"GITHUB_TOKEN\"]}}", pat, "github_pat"},
        {"{\"id\":\"railgate.secrets\",\"parameters\":{}}", key, "-----BEGIN"},
        {"{\"id\":\"railgate.secrets\",\"parameters\":{\"entities\":[\"PRIVATE_KEY\"]}}", key, "-----BEGIN"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char config[1024];
        snprintf(config, sizeof(config),
                 "{\"after_request_hooks\":[{\"id\":\"h\",\"type\":\"guardrail\",\"deny\":true,\"checks\":[%s]}]}",
                 cases[c].check);
        hooks_t h = hooks_of(config);
        rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
        o.min_step = 8;
        for (int with = 0; with < 2; with++) {
            /* a short text before the match keeps the step between checks (text/8) below the bytes by which each
             * match outgrows 64 */
            char *t = long_text(2, with ? cases[c].match : "", 2);
            for (unsigned seed = 1; seed <= 4; seed++) {
                stream_t s = chat_stream_split(t, seed, 1 + seed);
                result_t r = run(&o, &s);
                char *got = text_of(r.out, r.out_len);
                if (with) {
                    if (r.cut != RG_SG_CUT_DENY)
                        fail_msg("case %zu, seed %u: not cut", c, seed);
                    if (strstr(got, cases[c].start) != NULL)
                        fail_msg("case %zu, seed %u: \"%s\" went out before the check saw the whole match", c, seed,
                                 cases[c].start);
                    if (strlen(got) + 100 < 2 * strlen(FILLER)) /* the text before it went out */
                        fail_msg("case %zu, seed %u: %zu bytes went out", c, seed, strlen(got));
                } else {
                    assert_int_equal(r.cut, 0);
                    assert_string_equal(got, t);
                }
                free(got);
                result_free(&r);
                stream_free(&s);
            }
            if (!with) { /* mid-stream, everything but the hold went out before [DONE] */
                stream_t s = chat_stream_split(t, 9, 6);
                rg_stream_guard_t *sg = rg_stream_guard_new(&o);
                rg_buf_t out;
                rg_buf_init(&out, 1 << 20);
                for (size_t i = 0; i + 2 < s.n; i++) {
                    rg_sse_event_t ev = event_of(&s, i);
                    assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
                }
                char *got = text_of(out.data, out.len);
                assert_true(strlen(got) + 200 >= strlen(t));
                free(got);
                rg_buf_free(&out);
                rg_stream_guard_free(sg);
                stream_free(&s);
            }
            free(t);
        }
        hooks_free(&h);
    }
}

/* The same text in different event groupings, and the same bytes split anywhere: identical verdicts. */
static void test_verdicts_do_not_depend_on_grouping(void **state)
{
    (void)state;
    static const char *configs[] = {
        SSN_DENY,
        "{\"after_request_hooks\":[{\"id\":\"mix\",\"type\":\"guardrail\",\"deny\":true,\"checks\":["
        "{\"id\":\"default.contains\",\"parameters\":{\"operator\":\"none\",\"words\":[\"forbidden\"]}},"
        "{\"id\":\"default.wordCount\",\"parameters\":{\"minWords\":5,\"maxWords\":100000}}]},"
        "{\"id\":\"soft\",\"type\":\"guardrail\",\"deny\":false,\"checks\":[{\"id\":\"default.endsWith\","
        "\"parameters\":{\"suffix\":\"today.\"}}]}]}",
    };
    char *texts[] = {
        long_text(10, "nothing to see here ", 10),
        long_text(10, "call 123-45-6789 now ", 10),
        long_text(3, "a forbidden word ", 30),
        long_text(3, "that is all for today.", 0),
    };
    for (size_t c = 0; c < 2; c++) {
        hooks_t h = hooks_of(configs[c]);
        for (size_t t = 0; t < 4; t++) {
            for (int mode = RG_SG_INCREMENTAL; mode <= RG_SG_LOG; mode++) {
                char *want_verdicts = NULL, *want_text = NULL;
                int want_cut = -1;
                for (unsigned seed = 1; seed <= 12; seed++) {
                    stream_t s = chat_stream_split(texts[t], seed, seed % 3 ? 40 : 3);
                    rg_stream_guard_opts_t o = opts_for(&h, (rg_sg_mode_t)mode);
                    result_t r = run(&o, &s);
                    char *v = verdicts_of(r.results);
                    char *got = text_of(r.out, r.out_len);
                    if (r.cut) {
                        assert_null(strstr(got, "6789"));
                        assert_null(strstr(got, "forbidden"));
                        assert_memory_equal(got, texts[t], strlen(got)); /* a prefix of the answer */
                    } else {
                        assert_string_equal(got, texts[t]); /* everything, unchanged */
                    }
                    if (want_verdicts == NULL) {
                        want_verdicts = v;
                        want_text = got;
                        want_cut = r.cut;
                    } else {
                        assert_string_equal(v, want_verdicts);
                        assert_int_equal(r.cut, want_cut);
                        if (!r.cut)
                            assert_string_equal(got, want_text);
                        free(v);
                        free(got);
                    }
                    result_free(&r);
                    stream_free(&s);
                }
                /* log mode never cuts; the others deny exactly the bad texts */
                int bad = (c == 0 && t == 1) || (c == 1 && t == 2);
                assert_int_equal(want_cut, mode == RG_SG_LOG ? 0 : bad ? RG_SG_CUT_DENY : 0);
                if (mode == RG_SG_LOG)
                    assert_non_null(strstr(want_verdicts, bad ? "\"deny\":true" : "\"deny\":false"));
                free(want_verdicts);
                free(want_text);
            }
        }
        hooks_free(&h);
    }
    for (size_t t = 0; t < 4; t++)
        free(texts[t]);
}

typedef struct feed {
    rg_stream_guard_t *sg;
    rg_buf_t *out;
    int cut;
} feed_t;

static int on_event(void *arg, const rg_sse_event_t *ev)
{
    feed_t *f = arg;
    if (rg_stream_guard_event(f->sg, ev, f->out) == RG_SG_CUT) {
        f->cut = 1;
        return 1;
    }
    return 0;
}

/* The stream's bytes through the SSE parser, cut at random byte positions: the client gets the same bytes. */
static void test_random_byte_splits(void **state)
{
    (void)state;
    char *texts[] = {long_text(8, "fine ", 8), long_text(8, "SSN 123-45-6789 here ", 8)};
    hooks_t h = hooks_of(SSN_DENY);
    for (size_t t = 0; t < 2; t++) {
        stream_t s = chat_stream_split(texts[t], 99, 9);
        size_t total = 0;
        for (size_t i = 0; i < s.n; i++)
            total += s.len[i];
        char *all = malloc(total), *p = all;
        for (size_t i = 0; i < s.n; i++)
            memcpy(p, s.raw[i], s.len[i]), p += s.len[i];
        char *first = NULL;
        size_t first_len = 0;
        for (unsigned seed = 0; seed < 30; seed++) {
            rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
            rg_buf_t out;
            rg_buf_init(&out, 1 << 20);
            feed_t f = {rg_stream_guard_new(&o), &out, 0};
            rg_sse_parser_t ps;
            rg_sse_init(&ps, 1 << 20);
            uint64_t x = seed + 12345;
            for (size_t i = 0; i < total && !f.cut;) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                size_t k = seed == 0 ? 1 : 1 + (size_t)(x % 97);
                if (k > total - i)
                    k = total - i;
                rg_sse_feed(&ps, all + i, k, on_event, &f);
                i += k;
            }
            if (!f.cut) {
                rg_sse_finish(&ps, on_event, &f);
                rg_stream_guard_finish(f.sg, &out, never, NULL);
            }
            assert_int_equal(f.cut || rg_stream_guard_cut(f.sg), t == 1);
            if (first == NULL) {
                first = strndup(out.data, out.len);
                first_len = out.len;
            } else {
                /* identical apart from the results' timestamps and durations in the cut event */
                char *got = text_of(out.data, out.len), *want = text_of(first, first_len);
                assert_string_equal(got, want);
                free(got);
                free(want);
                if (t == 0) {
                    assert_int_equal(out.len, first_len);
                    assert_memory_equal(out.data, first, first_len);
                }
            }
            rg_sse_free(&ps);
            rg_buf_free(&out);
            rg_stream_guard_free(f.sg);
        }
        if (t == 0) {
            assert_int_equal(first_len, total); /* a passing stream goes out byte for byte */
            assert_memory_equal(first, all, total);
        }
        free(first);
        free(all);
        stream_free(&s);
    }
    hooks_free(&h);
    free(texts[0]);
    free(texts[1]);
}

static void test_buffer_holds_everything_until_the_end(void **state)
{
    (void)state;
    hooks_t h = hooks_of(SSN_DENY);
    char *t = long_text(40, "clean ", 0);
    stream_t s = chat_stream_split(t, 3, 30);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_BUFFER);
    o.send_results = 1;
    rg_stream_guard_t *sg = rg_stream_guard_new(&o);
    rg_buf_t out;
    rg_buf_init(&out, 1 << 20);
    size_t total = 0;
    for (size_t i = 0; i < s.n; i++) {
        rg_sse_event_t ev = event_of(&s, i);
        assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
        assert_int_equal(out.len, 0);
        total += s.len[i];
    }
    rg_sg_stats_t st;
    rg_stream_guard_stats(sg, &st);
    assert_int_equal(st.held_peak, total);
    assert_int_equal(st.checks, 0);
    assert_int_equal(rg_stream_guard_finish(sg, &out, never, NULL), RG_SG_GO);
    /* all events unchanged, then the results event (strict compliance off), then the upstream's [DONE] */
    size_t before_done = total - s.len[s.n - 1];
    assert_memory_equal(out.data, s.raw[0], s.len[0]);
    assert_true(out.len > total);
    payloads_t p = payloads_of(out.data, out.len);
    assert_int_equal(p.n, s.n + 1);
    assert_string_equal(p.v[p.n - 1], "[DONE]");
    json_t *ev = json_loads(p.v[p.n - 2], 0, NULL);
    json_t *a = json_object_get(json_object_get(ev, "hook_results"), "after_request_hooks");
    assert_int_equal(json_array_size(a), 1);
    assert_true(json_is_true(json_object_get(json_array_get(a, 0), "verdict")));
    assert_null(json_object_get(json_object_get(ev, "hook_results"), "before_request_hooks"));
    json_decref(ev);
    payloads_free(&p);
    char *held = malloc(total);
    for (size_t i = 0, off = 0; i < s.n; i++)
        memcpy(held + off, s.raw[i], s.len[i]), off += s.len[i];
    assert_memory_equal(out.data, held, before_done);
    free(held);
    rg_buf_free(&out);
    rg_stream_guard_free(sg);
    stream_free(&s);
    free(t);

    /* the same with an SSN anywhere: nothing but the error event and [DONE] */
    t = long_text(40, "123-45-6789", 0);
    s = chat_stream_split(t, 4, 30);
    result_t r = run(&o, &s);
    assert_int_equal(r.cut, RG_SG_CUT_DENY);
    assert_int_equal(r.final_rc, RG_SG_CUT);
    p = payloads_of(r.out, r.out_len);
    assert_int_equal(p.n, 2);
    assert_non_null(strstr(p.v[0], "\"hooks_failed\""));
    assert_string_equal(p.v[1], "[DONE]");
    payloads_free(&p);
    result_free(&r);
    stream_free(&s);
    free(t);

    /* past the cap: fail closed */
    t = long_text(40, "", 0);
    s = chat_stream_split(t, 5, 30);
    o.max = 1000;
    r = run(&o, &s);
    assert_int_equal(r.cut, RG_SG_CUT_TOO_LARGE);
    assert_true(r.cut_at > 0);
    p = payloads_of(r.out, r.out_len);
    assert_int_equal(p.n, 2);
    assert_non_null(strstr(p.v[0], "upstream_response_too_large"));
    payloads_free(&p);
    result_free(&r);
    stream_free(&s);
    free(t);
    hooks_free(&h);
}

static void test_log_passes_everything(void **state)
{
    (void)state;
    hooks_t h = hooks_of(SSN_DENY);
    char *t = long_text(10, "SSN 123-45-6789 ", 10);
    stream_t s = chat_stream_split(t, 8, 25);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_LOG);
    o.send_results = 1; /* log mode sends nothing of its own even so */
    rg_stream_guard_t *sg = rg_stream_guard_new(&o);
    rg_buf_t out;
    rg_buf_init(&out, 1 << 20);
    size_t total = 0;
    for (size_t i = 0; i < s.n; i++) {
        rg_sse_event_t ev = event_of(&s, i);
        assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
        assert_memory_equal(out.data + total, s.raw[i], s.len[i]);
        total += s.len[i];
        assert_int_equal(out.len, total);
    }
    assert_int_equal(rg_stream_guard_finish(sg, &out, never, NULL), RG_SG_GO);
    assert_int_equal(out.len, total);
    assert_int_equal(rg_stream_guard_cut(sg), 0);
    json_t *a = json_array_get(rg_stream_guard_results(sg), 0);
    assert_true(json_is_true(json_object_get(a, "deny"))); /* recorded, not enforced */
    rg_buf_free(&out);
    rg_stream_guard_free(sg);
    stream_free(&s);
    free(t);
    hooks_free(&h);
}

static void test_completions_and_other_choices(void **state)
{
    (void)state;
    hooks_t h = hooks_of(SSN_DENY);
    stream_t s = {0};
    push_raw(&s, "{\"object\":\"text_completion\",\"choices\":[{\"text\":\"My SSN: \",\"index\":0}]}");
    push_raw(&s, "{\"object\":\"text_completion\",\"choices\":[{\"text\":\"123-45-6789\",\"index\":1}]}");
    push_raw(&s, "{\"object\":\"text_completion\",\"choices\":[{\"text\":\"none\",\"index\":0,\"finish_reason\":\"stop\"}]}");
    push_raw(&s, "[DONE]");
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_BUFFER);
    o.type = RG_REQ_COMPLETE;
    result_t r = run(&o, &s); /* choice 1 is not what the checks read (Portkey's getText) */
    assert_int_equal(r.cut, 0);
    json_t *data = json_object_get(json_array_get(json_object_get(json_array_get(r.results, 0), "checks"), 0), "data");
    assert_string_equal(json_string_value(json_object_get(data, "textExcerpt")), "My SSN: none");
    result_free(&r);
    stream_free(&s);

    push_raw(&s, "{\"object\":\"text_completion\",\"choices\":[{\"text\":\"My SSN: 123-45-6789\",\"index\":0}]}");
    push_raw(&s, "[DONE]");
    r = run(&o, &s);
    assert_int_equal(r.cut, RG_SG_CUT_DENY);
    result_free(&r);
    stream_free(&s);
    hooks_free(&h);
}

/* ---- async checks ------------------------------------------------------- */

static struct {
    int started, aborted;
    void (*done)(void *);
    void *arg;
    rg_check_result_t *res;
    const rg_check_env_t *env;
    char text[256];
} fake;

static void *fake_start(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *),
                        void *arg)
{
    (void)compiled;
    fake.started++;
    fake.done = done;
    fake.arg = arg;
    fake.res = res;
    snprintf(fake.text, sizeof(fake.text), "%s", env->text->joined);
    return &fake;
}

static void fake_abort(void *p)
{
    (void)p;
    fake.aborted++;
}

static const rg_check_ops_t fake_ops = {.id = "test.fake", .start = fake_start, .abort = fake_abort};

static int done_calls;
static void on_done(void *arg)
{
    (void)arg;
    done_calls++;
}

static void test_async_checks_run_at_the_end(void **state)
{
    (void)state;
    hooks_t h = hooks_of(SSN_DENY);
    rg_hook_check_t checks[2] = {h.after.hooks[0].checks[0],
                                 {.id = "test.fake", .ops = &fake_ops, .compiled = &fake, .enabled = 1}};
    rg_hook_t hook = {.id = "mixed", .type = RG_HOOK_GUARDRAIL, .deny = 1, .checks = checks, .n_checks = 2};
    const rg_hook_t *ptrs[] = {&hook};
    rg_stream_guard_opts_t o = {.mode = RG_SG_INCREMENTAL, .hooks = ptrs, .n = 1, .type = RG_REQ_CHAT, .min_step = 8,
                                .tail = 1};

    for (int verdict = 1; verdict >= 0; verdict--) {
        memset(&fake, 0, sizeof(fake));
        done_calls = 0;
        const char *pieces[] = {"first part, ", "second part, ", "third part."};
        stream_t s = chat_stream(pieces, 3);
        rg_stream_guard_t *sg = rg_stream_guard_new(&o);
        rg_buf_t out;
        rg_buf_init(&out, 1 << 20);
        size_t before_done = s.len[0] + s.len[1] + s.len[2];
        for (size_t i = 0; i < s.n; i++) {
            rg_sse_event_t ev = event_of(&s, i);
            assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
        }
        assert_int_equal(fake.started, 0);      /* mid-stream runs skip the async check */
        assert_int_equal(out.len, before_done); /* the regex passed: all but the last piece (tail) went out */
        assert_int_equal(rg_stream_guard_finish(sg, &out, on_done, NULL), RG_SG_WAIT);
        assert_int_equal(fake.started, 1);
        assert_string_equal(fake.text, "first part, second part, third part.");
        assert_int_equal(out.len, before_done); /* [DONE] waits for the verdict */
        fake.res->verdict = verdict;
        fake.done(fake.arg);
        assert_int_equal(done_calls, 1);
        payloads_t p = payloads_of(out.data + before_done, out.len - before_done);
        if (verdict) {
            assert_int_equal(rg_stream_guard_cut(sg), 0);
            assert_int_equal(p.n, 3); /* the last piece, the finish event, [DONE] */
        } else {
            assert_int_equal(rg_stream_guard_cut(sg), RG_SG_CUT_DENY);
            assert_int_equal(p.n, 2);
            assert_non_null(strstr(p.v[0], "\"hooks_failed\""));
        }
        assert_string_equal(p.v[p.n - 1], "[DONE]");
        payloads_free(&p);
        json_t *a = json_array_get(rg_stream_guard_results(sg), 0);
        assert_int_equal(json_array_size(json_object_get(a, "checks")), 2);
        rg_buf_free(&out);
        rg_stream_guard_free(sg);
        assert_int_equal(fake.aborted, 0);
        stream_free(&s);
    }

    /* freed while waiting (the client left): the check is cancelled, done_cb never runs */
    memset(&fake, 0, sizeof(fake));
    done_calls = 0;
    const char *pieces[] = {"text"};
    stream_t s = chat_stream(pieces, 1);
    rg_stream_guard_t *sg = rg_stream_guard_new(&o);
    rg_buf_t out;
    rg_buf_init(&out, 1 << 20);
    for (size_t i = 0; i < s.n; i++) {
        rg_sse_event_t ev = event_of(&s, i);
        rg_stream_guard_event(sg, &ev, &out);
    }
    assert_int_equal(rg_stream_guard_finish(sg, &out, on_done, NULL), RG_SG_WAIT);
    rg_stream_guard_free(sg);
    assert_int_equal(fake.aborted, 1);
    assert_int_equal(done_calls, 0);
    rg_buf_free(&out);
    stream_free(&s);
    hooks_free(&h);
}

/* A check that errors (unknown id) is fail-open unless failOnError; with failOnError it denies at the end. */
static void test_erroring_check(void **state)
{
    (void)state;
    hooks_t h = hooks_of("{\"after_request_hooks\":[{\"id\":\"e\",\"type\":\"guardrail\",\"deny\":true,\"checks\":["
                         "{\"id\":\"default.regexMatch\",\"parameters\":{\"rule\":\"(\",\"failOnError\":true}}]}]}");
    const char *pieces[] = {"some text that is long enough ", "to be checked in the middle"};
    stream_t s = chat_stream(pieces, 2);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
    o.min_step = 4;
    result_t r = run(&o, &s);
    assert_int_equal(r.cut, RG_SG_CUT_DENY);
    assert_int_equal(r.final_rc, RG_SG_CUT); /* an error is not final mid-stream: held, then denied at the end */
    char *got = text_of(r.out, r.out_len);
    assert_string_equal(got, "");
    free(got);
    result_free(&r);
    stream_free(&s);
    hooks_free(&h);
}

/* 1 MB of text in small events: total bytes checked stay within a constant factor of the text. */
static void test_work_is_linear(void **state)
{
    (void)state;
    hooks_t h = hooks_of(SSN_DENY);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_INCREMENTAL);
    rg_stream_guard_t *sg = rg_stream_guard_new(&o);
    rg_buf_t out;
    rg_buf_init(&out, 1 << 20);
    const char *piece = "0123456789abcde "; /* 16 bytes */
    char raw[256];
    size_t n = (1u << 20) / 16;
    rg_sg_stats_t st;
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(raw, sizeof(raw), "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"}}]}\n\n", piece);
        rg_sse_event_t ev = {.raw = raw, .raw_len = (size_t)len, .data = raw + 6, .data_len = (size_t)len - 8, .event = "",
                             .has_data = 1};
        assert_int_equal(rg_stream_guard_event(sg, &ev, &out), RG_SG_GO);
        rg_buf_reset(&out); /* sent to the client */
    }
    rg_sse_event_t done = {.raw = "data: [DONE]\n\n", .raw_len = 14, .data = "[DONE]", .data_len = 6, .event = "",
                           .has_data = 1};
    rg_stream_guard_event(sg, &done, &out);
    assert_int_equal(rg_stream_guard_finish(sg, &out, never, NULL), RG_SG_GO);
    rg_stream_guard_stats(sg, &st);
    assert_int_equal(st.text_bytes, 1u << 20);
    assert_true(st.checked_bytes <= 10 * st.text_bytes);
    assert_true(st.checks < 100);
    /* what is held at once stays near an eighth of the text so far (events are 4.5 times their text here) */
    assert_true(st.held_peak <= 5 * ((1u << 20) / 8 + 256));
    rg_buf_free(&out);
    rg_stream_guard_free(sg);
    hooks_free(&h);
}

static void test_transforms_are_not_applied(void **state)
{
    (void)state;
    hooks_t h = hooks_of("{\"after_request_hooks\":[{\"id\":\"redact\",\"type\":\"guardrail\",\"checks\":[{\"id\":"
                         "\"default.regexReplace\",\"parameters\":{\"rule\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\","
                         "\"redactText\":\"[SSN]\"}}]}]}");
    const char *pieces[] = {"SSN 123-45-6789 ok"};
    stream_t s = chat_stream(pieces, 1);
    rg_stream_guard_opts_t o = opts_for(&h, RG_SG_BUFFER);
    result_t r = run(&o, &s);
    assert_int_equal(r.cut, 0);
    char *got = text_of(r.out, r.out_len);
    assert_string_equal(got, "SSN 123-45-6789 ok"); /* evaluated (transformed: true in the results), not applied */
    free(got);
    assert_true(json_is_true(json_object_get(json_array_get(r.results, 0), "transformed")));
    result_free(&r);
    stream_free(&s);
    hooks_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_of),
        cmocka_unit_test(test_incremental_cuts_before_the_ssn),
        cmocka_unit_test(test_match_at_the_end_is_held_not_cut),
        cmocka_unit_test(test_unmet_minimum_holds_until_it_passes),
        cmocka_unit_test(test_verdicts_do_not_depend_on_grouping),
        cmocka_unit_test(test_random_byte_splits),
        cmocka_unit_test(test_buffer_holds_everything_until_the_end),
        cmocka_unit_test(test_log_passes_everything),
        cmocka_unit_test(test_completions_and_other_choices),
        cmocka_unit_test(test_async_checks_run_at_the_end),
        cmocka_unit_test(test_erroring_check),
        cmocka_unit_test(test_work_is_linear),
        cmocka_unit_test(test_transforms_are_not_applied),
        cmocka_unit_test(test_long_matches_are_held_from_their_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
