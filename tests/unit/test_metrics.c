/* test_metrics.c — per-worker counters summed into the Prometheus text exposition. */
#include "api/metrics.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small reader for the exposition text ------------------------- */

typedef struct sample {
    char *key; /* name{labels} exactly as written */
    char *value;
} sample_t;

typedef struct exposition {
    sample_t *s;
    size_t n;
    char **types; /* metric names with a # TYPE line */
    size_t n_types;
} exposition_t;

static void expo_parse(exposition_t *x, const char *text, size_t len)
{
    memset(x, 0, sizeof(*x));
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            fail_msg("exposition does not end with a newline: '%.*s'", (int)(end - p), p);
        size_t l = (size_t)(nl - p);
        if (l == 0)
            fail_msg("empty line in exposition");
        if (p[0] == '#') {
            if (l > 7 && memcmp(p, "# TYPE ", 7) == 0) {
                const char *name = p + 7;
                const char *sp = memchr(name, ' ', (size_t)(nl - name));
                assert_non_null(sp);
                x->types = realloc(x->types, (x->n_types + 1) * sizeof(char *));
                x->types[x->n_types++] = strndup(name, (size_t)(sp - name));
            } else if (!(l > 7 && memcmp(p, "# HELP ", 7) == 0)) {
                fail_msg("unexpected comment line '%.*s'", (int)l, p);
            }
        } else {
            const char *sp = NULL;
            for (const char *q = nl - 1; q > p; q--)
                if (*q == ' ') {
                    sp = q;
                    break;
                }
            if (sp == NULL)
                fail_msg("sample line without a value: '%.*s'", (int)l, p);
            x->s = realloc(x->s, (x->n + 1) * sizeof(sample_t));
            x->s[x->n].key = strndup(p, (size_t)(sp - p));
            x->s[x->n].value = strndup(sp + 1, (size_t)(nl - sp - 1));
            x->n++;
        }
        p = nl + 1;
    }
}

static void expo_free(exposition_t *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->s[i].key);
        free(x->s[i].value);
    }
    for (size_t i = 0; i < x->n_types; i++)
        free(x->types[i]);
    free(x->s);
    free(x->types);
}

/* The value of a sample, or NULL when absent; fails if it appears twice. */
static const char *expo_get(const exposition_t *x, const char *key)
{
    const char *v = NULL;
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->s[i].key, key) == 0) {
            if (v != NULL)
                fail_msg("sample %s appears twice", key);
            v = x->s[i].value;
        }
    return v;
}

static void want_sample(const exposition_t *x, const char *key, const char *value)
{
    const char *v = expo_get(x, key);
    if (v == NULL)
        fail_msg("sample %s missing", key);
    if (strcmp(v, value) != 0)
        fail_msg("sample %s = %s, expected %s", key, v, value);
}

/* ---- fixtures -------------------------------------------------------- */

typedef struct fx {
    rg_metrics_t *w[2];
    rg_buf_t out;
    exposition_t x;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    f->w[0] = calloc(1, sizeof(rg_metrics_t));
    f->w[1] = calloc(1, sizeof(rg_metrics_t));
    if (!f->w[0] || !f->w[1])
        return -1;
    rg_buf_init(&f->out, 1u << 20);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    free(f->w[0]);
    free(f->w[1]);
    rg_buf_free(&f->out);
    expo_free(&f->x);
    free(f);
    return 0;
}

static void render(fx_t *f, int n, const rg_metrics_globals_t *g)
{
    rg_buf_reset(&f->out);
    expo_free(&f->x);
    assert_int_equal(rg_metrics_render(&f->out, f->w, n, g), 0);
    assert_non_null(f->out.data);
    expo_parse(&f->x, f->out.data, f->out.len);
}

/* ---- tests ----------------------------------------------------------- */

static void test_requests_summed_over_workers(void **state)
{
    fx_t *f = *state;
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 1000);
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 1000);
    rg_metrics_observe(f->w[1], RG_ROUTE_CHAT, 200, 1000);
    rg_metrics_observe(f->w[1], RG_ROUTE_CHAT, 502, 1000);
    rg_metrics_observe(f->w[0], RG_ROUTE_EMBEDDINGS, 200, 1000);
    rg_metrics_observe(f->w[1], RG_ROUTE_OTHER, 404, 1000);
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);
    want_sample(&f->x, "railgate_requests_total{route=\"chat_completions\",status=\"200\"}", "3");
    want_sample(&f->x, "railgate_requests_total{route=\"chat_completions\",status=\"502\"}", "1");
    want_sample(&f->x, "railgate_requests_total{route=\"embeddings\",status=\"200\"}", "1");
    want_sample(&f->x, "railgate_requests_total{route=\"other\",status=\"404\"}", "1");
    /* the literal line, as a scraper sees it */
    assert_non_null(strstr(f->out.data, "\nrailgate_requests_total{route=\"chat_completions\",status=\"200\"} 3\n"));
    /* nothing invented */
    const char *v = expo_get(&f->x, "railgate_requests_total{route=\"embeddings\",status=\"502\"}");
    assert_true(v == NULL || strcmp(v, "0") == 0);

    /* only one worker block: only its counts */
    render(f, 1, &g);
    want_sample(&f->x, "railgate_requests_total{route=\"chat_completions\",status=\"200\"}", "2");
    v = expo_get(&f->x, "railgate_requests_total{route=\"chat_completions\",status=\"502\"}");
    assert_true(v == NULL || strcmp(v, "0") == 0);
}

static void test_render_does_not_reset(void **state)
{
    fx_t *f = *state;
    rg_metrics_observe(f->w[0], RG_ROUTE_MODELS, 200, 10);
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);
    char *first = strdup(f->out.data);
    render(f, 2, &g);
    assert_string_equal(first, f->out.data);
    free(first);
    rg_metrics_observe(f->w[1], RG_ROUTE_MODELS, 200, 10);
    render(f, 2, &g);
    want_sample(&f->x, "railgate_requests_total{route=\"models\",status=\"200\"}", "2");
}

static void test_histogram_buckets_cumulative(void **state)
{
    fx_t *f = *state;
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 100);       /* 0.0001 s  -> le 0.0005 */
    rg_metrics_observe(f->w[1], RG_ROUTE_CHAT, 200, 500);       /* 0.0005 s  -> le 0.0005 (inclusive) */
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 3000);      /* 0.003 s   -> le 0.005 */
    rg_metrics_observe(f->w[1], RG_ROUTE_CHAT, 500, 2000000);   /* 2 s       -> le 2.5 */
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 100000000); /* 100 s     -> +Inf only */
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);

    const char *le[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                        "0.5",    "1",     "2.5",    "5",     "10",   "30",    "60",   "+Inf"};
    const char *want[] = {"2", "2", "2", "3", "3", "3", "3", "3", "3", "3", "3", "4", "4", "4", "4", "4", "5"};
    assert_int_equal(sizeof(le) / sizeof(le[0]), RG_N_BUCKETS + 1);
    unsigned long prev = 0;
    for (size_t i = 0; i < sizeof(le) / sizeof(le[0]); i++) {
        char key[160];
        snprintf(key, sizeof(key), "railgate_request_duration_seconds_bucket{route=\"chat_completions\",le=\"%s\"}",
                 le[i]);
        want_sample(&f->x, key, want[i]);
        unsigned long v = strtoul(expo_get(&f->x, key), NULL, 10);
        assert_true(v >= prev);
        prev = v;
    }
    want_sample(&f->x, "railgate_request_duration_seconds_count{route=\"chat_completions\"}", "5");
    const char *sum = expo_get(&f->x, "railgate_request_duration_seconds_sum{route=\"chat_completions\"}");
    assert_non_null(sum);
    double s = strtod(sum, NULL);
    assert_true(s > 102.0035 && s < 102.0037); /* (100+500+3000+2e6+1e8) us */
}

static void test_histogram_buckets_in_order(void **state)
{
    fx_t *f = *state;
    for (int i = 0; i < 50; i++)
        rg_metrics_observe(f->w[i % 2], RG_ROUTE_COMPLETIONS, 200, (int64_t)i * 20000);
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);
    /* every bucket line of a route, in file order, is non-decreasing and ends at +Inf == count */
    const char *prefix = "railgate_request_duration_seconds_bucket{route=\"completions\",";
    unsigned long prev = 0, last = 0;
    int seen = 0;
    const char *last_key = NULL;
    for (size_t i = 0; i < f->x.n; i++) {
        if (strncmp(f->x.s[i].key, prefix, strlen(prefix)) != 0)
            continue;
        unsigned long v = strtoul(f->x.s[i].value, NULL, 10);
        assert_true(v >= prev);
        prev = last = v;
        last_key = f->x.s[i].key;
        seen++;
    }
    assert_int_equal(seen, RG_N_BUCKETS + 1);
    assert_non_null(strstr(last_key, "le=\"+Inf\""));
    assert_int_equal(last, 50);
    want_sample(&f->x, "railgate_request_duration_seconds_count{route=\"completions\"}", "50");
}

static void test_errors_and_upstream_counters(void **state)
{
    fx_t *f = *state;
    RG_INC(f->w[0]->errors[RG_E_UPSTREAM_TIMEOUT]);
    RG_INC_BY(f->w[1]->errors[RG_E_UPSTREAM_TIMEOUT], 2);
    RG_INC(f->w[1]->errors[RG_E_INVALID_KEY]);
    RG_INC_BY(f->w[0]->upstream_requests, 5);
    RG_INC_BY(f->w[1]->upstream_requests, 6);
    RG_INC(f->w[1]->stream_client_aborts);
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);
    want_sample(&f->x, "railgate_errors_total{code=\"upstream_timeout\"}", "3");
    want_sample(&f->x, "railgate_errors_total{code=\"invalid_api_key\"}", "1");
    want_sample(&f->x, "railgate_upstream_errors_total{kind=\"timeout\"}", "3");
    want_sample(&f->x, "railgate_upstream_requests_total", "11");
    want_sample(&f->x, "railgate_stream_client_aborts_total", "1");
    const char *v = expo_get(&f->x, "railgate_errors_total{code=\"model_not_found\"}");
    assert_true(v == NULL || strcmp(v, "0") == 0);
}

static void test_globals_rendered(void **state)
{
    fx_t *f = *state;
    rg_metrics_globals_t g = {
        .in_flight = 4,
        .records_written = 1234,
        .records_dropped = 7,
        .records_failed = 2,
        .record_queue_depth = 9,
        .config_reloads = 3,
        .config_reload_failures = 1,
    };
    render(f, 2, &g);
    want_sample(&f->x, "railgate_in_flight", "4");
    want_sample(&f->x, "railgate_records_written_total", "1234");
    want_sample(&f->x, "railgate_records_dropped_total", "7");
    want_sample(&f->x, "railgate_records_failed_total", "2");
    want_sample(&f->x, "railgate_record_queue_depth", "9");
    want_sample(&f->x, "railgate_config_reloads_total", "3");
    want_sample(&f->x, "railgate_config_reload_failures_total", "1");
}

static void test_dropped_present_when_zero(void **state)
{
    fx_t *f = *state;
    rg_metrics_globals_t g = {0};
    render(f, 0, &g); /* no workers at all */
    want_sample(&f->x, "railgate_records_dropped_total", "0");
    want_sample(&f->x, "railgate_upstream_requests_total", "0");
}

static void test_large_counter_values(void **state)
{
    fx_t *f = *state;
    RG_INC_BY(f->w[0]->upstream_requests, UINT64_C(5000000000));
    RG_INC_BY(f->w[1]->upstream_requests, UINT64_C(5000000000));
    rg_metrics_globals_t g = {.records_dropped = UINT64_C(18446744073709551615)};
    render(f, 2, &g);
    want_sample(&f->x, "railgate_upstream_requests_total", "10000000000");
    want_sample(&f->x, "railgate_records_dropped_total", "18446744073709551615");
}

static void test_every_sample_has_a_type(void **state)
{
    fx_t *f = *state;
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 1000);
    rg_metrics_observe(f->w[1], RG_ROUTE_HEALTH, 200, 10);
    RG_INC(f->w[0]->errors[RG_E_INTERNAL]);
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);
    assert_true(f->x.n > 0);
    for (size_t i = 0; i < f->x.n; i++) {
        char name[256];
        size_t l = strcspn(f->x.s[i].key, "{");
        assert_true(l < sizeof(name));
        memcpy(name, f->x.s[i].key, l);
        name[l] = '\0';
        const char *suffixes[] = {"_bucket", "_sum", "_count"};
        int found = 0;
        for (size_t t = 0; t < f->x.n_types && !found; t++) {
            if (strcmp(f->x.types[t], name) == 0)
                found = 1;
            for (size_t k = 0; k < 3 && !found; k++) {
                size_t tl = strlen(f->x.types[t]), sl = strlen(suffixes[k]);
                if (l == tl + sl && strncmp(name, f->x.types[t], tl) == 0 && strcmp(name + tl, suffixes[k]) == 0)
                    found = 1;
            }
        }
        if (!found)
            fail_msg("sample %s has no # TYPE line", f->x.s[i].key);
        /* each value is a number */
        char *end;
        strtod(f->x.s[i].value, &end);
        assert_true(*end == '\0' && end != f->x.s[i].value);
    }
    /* no metric is declared twice */
    for (size_t a = 0; a < f->x.n_types; a++)
        for (size_t b = a + 1; b < f->x.n_types; b++)
            assert_string_not_equal(f->x.types[a], f->x.types[b]);
}

static void test_status_out_of_range_is_safe(void **state)
{
    fx_t *f = *state;
    /* must not index outside requests[route][0..RG_STATUS_MAX) (ASan/UBSan would catch it) */
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, RG_STATUS_MAX, 1000);
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 999, 1000);
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, -1, 1000);
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, -5); /* negative duration */
    rg_metrics_globals_t g = {0};
    render(f, 2, &g);
    want_sample(&f->x, "railgate_request_duration_seconds_count{route=\"chat_completions\"}", "4");
    want_sample(&f->x, "railgate_requests_total{route=\"chat_completions\",status=\"200\"}", "1");
    const char *v = expo_get(&f->x, "railgate_requests_total{route=\"chat_completions\",status=\"999\"}");
    assert_null(v);
}

static void test_render_into_small_buffer_fails(void **state)
{
    fx_t *f = *state;
    rg_metrics_observe(f->w[0], RG_ROUTE_CHAT, 200, 1000);
    rg_buf_t small;
    rg_buf_init(&small, 100);
    rg_metrics_globals_t g = {0};
    assert_int_equal(rg_metrics_render(&small, f->w, 2, &g), -1);
    assert_true(small.len <= 100);
    rg_buf_free(&small);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_requests_summed_over_workers),
        T(test_render_does_not_reset),
        T(test_histogram_buckets_cumulative),
        T(test_histogram_buckets_in_order),
        T(test_errors_and_upstream_counters),
        T(test_globals_rendered),
        T(test_dropped_present_when_zero),
        T(test_large_counter_values),
        T(test_every_sample_has_a_type),
        T(test_status_out_of_range_is_safe),
        T(test_render_into_small_buffer_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
