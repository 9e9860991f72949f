/* test_pair.c — parked verdict-call records (service/pair.h): keys, take, expiry, eviction, flush, threads. */
#include "service/pair.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sink {
    pthread_mutex_t mu;
    char ids[64][33];
    size_t n;
} sink_t;

static void emit(void *arg, rg_record_t *rec)
{
    sink_t *s = arg;
    pthread_mutex_lock(&s->mu);
    if (s->n < 64)
        snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", rec->id);
    s->n++;
    pthread_mutex_unlock(&s->mu);
    rg_record_free(rec);
}

static rg_record_t *rec(const char *id, size_t body_len)
{
    rg_record_t head;
    memset(&head, 0, sizeof(head));
    snprintf(head.id, sizeof(head.id), "%s", id);
    rg_record_src_t src[RG_REC__STRINGS];
    memset(src, 0, sizeof(src));
    char *body = malloc(body_len + 1);
    memset(body, 'b', body_len);
    src[RG_REC_REQUEST_BODY].s = body;
    src[RG_REC_REQUEST_BODY].len = body_len;
    rg_record_t *r = rg_record_new(&head, src);
    free(body);
    return r;
}

static void key_of(rg_pair_key_t *k, const char *col, const char *path, const char *json)
{
    json_t *b = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(b);
    assert_int_equal(rg_pair_key(k, col, path, strlen(path), b), 0);
    json_decref(b);
}

static void test_keys_agree_across_key_order_and_differ_by_field(void **state)
{
    (void)state;
    rg_pair_key_t a, b, c, d, e;
    key_of(&a, "agent", "/v1/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    key_of(&b, "agent", "/v1/chat", "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}], \"model\":\"m\"}");
    key_of(&c, "agent2", "/v1/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    key_of(&d, "agent", "/v1/chat2", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    key_of(&e, "agent", "/v1/chat", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi!\"}]}");
    assert_memory_equal(a.b, b.b, 32);
    assert_memory_not_equal(a.b, c.b, 32);
    assert_memory_not_equal(a.b, d.b, 32);
    assert_memory_not_equal(a.b, e.b, 32);
    /* the fields cannot run into each other */
    rg_pair_key_t f, g;
    key_of(&f, "ab", "/c", "1");
    key_of(&g, "a", "b/c", "1");
    assert_memory_not_equal(f.b, g.b, 32);
}

static void test_take_returns_the_oldest_match_once(void **state)
{
    (void)state;
    sink_t s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    rg_pair_t *p = rg_pair_new(16, 0, emit, &s);
    rg_pair_key_t k1, k2;
    key_of(&k1, "a", "/p", "{\"x\":1}");
    key_of(&k2, "a", "/p", "{\"x\":2}");
    rg_pair_park(p, &k1, rec("first", 10), 1000, 500);
    rg_pair_park(p, &k2, rec("other", 10), 1001, 500);
    rg_pair_park(p, &k1, rec("second", 10), 1002, 500);
    assert_int_equal(rg_pair_count(p), 3);
    rg_record_t *r = rg_pair_take(p, &k1, 1100);
    assert_non_null(r);
    assert_string_equal(r->id, "first");
    rg_record_free(r);
    r = rg_pair_take(p, &k1, 1100);
    assert_non_null(r);
    assert_string_equal(r->id, "second");
    rg_record_free(r);
    assert_null(rg_pair_take(p, &k1, 1100));
    assert_int_equal(rg_pair_count(p), 1);
    assert_int_equal(s.n, 0);
    rg_pair_free(p); /* flushes "other" */
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "other");
}

static void test_expired_records_are_not_taken_and_are_swept(void **state)
{
    (void)state;
    sink_t s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    rg_pair_t *p = rg_pair_new(16, 0, emit, &s);
    rg_pair_key_t k;
    key_of(&k, "a", "/p", "{}");
    rg_pair_park(p, &k, rec("old", 1), 0, 100);
    rg_pair_park(p, &k, rec("new", 1), 50, 100);
    assert_null(rg_pair_take(p, &k, 200)); /* both windows ended */
    rg_pair_sweep(p, 120);                 /* only "old" has ended at 120 */
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "old");
    rg_pair_sweep(p, 150);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[1], "new");
    assert_int_equal(rg_pair_count(p), 0);
    rg_pair_free(p);
    assert_int_equal(s.n, 2);
}

/* A reload may shorten pair_window: records parked later can end before older ones, and are still written when
 * their own window ends, not when the older ones' does. */
static void test_sweep_after_a_shorter_window(void **state)
{
    (void)state;
    sink_t s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    rg_pair_t *p = rg_pair_new(16, 0, emit, &s);
    rg_pair_key_t k;
    key_of(&k, "a", "/p", "{}");
    rg_pair_park(p, &k, rec("long", 1), 0, 300000);
    rg_pair_park(p, &k, rec("short", 1), 10, 1000);
    rg_pair_sweep(p, 2000);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "short");
    assert_int_equal(rg_pair_count(p), 1);
    rg_pair_free(p);
    assert_int_equal(s.n, 2);
}

static void test_full_table_writes_the_oldest(void **state)
{
    (void)state;
    sink_t s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    rg_pair_t *p = rg_pair_new(2, 0, emit, &s);
    rg_pair_key_t k;
    key_of(&k, "a", "/p", "{}");
    rg_pair_park(p, &k, rec("r1", 1), 0, 1000);
    rg_pair_park(p, &k, rec("r2", 1), 0, 1000);
    rg_pair_park(p, &k, rec("r3", 1), 0, 1000);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "r1");
    assert_int_equal(rg_pair_count(p), 2);
    rg_pair_free(p);
    assert_int_equal(s.n, 3);
}

static void test_byte_cap(void **state)
{
    (void)state;
    sink_t s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    rg_pair_t *p = rg_pair_new(100, 3000, emit, &s);
    rg_pair_key_t k;
    key_of(&k, "a", "/p", "{}");
    rg_pair_park(p, &k, rec("big", 5000), 0, 1000); /* larger than the cap: written at once */
    assert_int_equal(s.n, 1);
    assert_int_equal(rg_pair_count(p), 0);
    rg_pair_park(p, &k, rec("a", 1000), 0, 1000);
    rg_pair_park(p, &k, rec("b", 1000), 0, 1000);
    assert_int_equal(rg_pair_count(p), 2);
    rg_pair_park(p, &k, rec("c", 1000), 0, 1000); /* a + b + c > 3000 with the headers: a goes */
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[1], "a");
    rg_pair_free(p);
    assert_int_equal(s.n, 4);
}

#define THREADS 4
#define PER_THREAD 2000

typedef struct worker {
    rg_pair_t *p;
    int t;
    int taken;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char body[64], id[33];
        snprintf(body, sizeof(body), "{\"t\":%d,\"i\":%d}", w->t, i);
        snprintf(id, sizeof(id), "t%d-%d", w->t, i);
        rg_pair_key_t k;
        key_of(&k, "c", "/p", body);
        rg_pair_park(w->p, &k, rec(id, 8), 0, 1000000);
        if (i % 2 == 0) {
            rg_record_t *r = rg_pair_take(w->p, &k, 1);
            if (r && strcmp(r->id, id) == 0)
                w->taken++;
            rg_record_free(r);
        }
    }
    return NULL;
}

static void test_threads_lose_nothing(void **state)
{
    (void)state;
    sink_t s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    rg_pair_t *p = rg_pair_new(1000, 0, emit, &s);
    pthread_t th[THREADS];
    worker_t w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker_t){p, i, 0};
        pthread_create(&th[i], NULL, worker_main, &w[i]);
    }
    int taken = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        taken += w[i].taken;
    }
    rg_pair_free(p);
    /* every record is either taken by its own key or emitted (evicted past 1000, or flushed) */
    assert_int_equal((size_t)taken + s.n, THREADS * PER_THREAD);
    assert_true(taken > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_agree_across_key_order_and_differ_by_field),
        cmocka_unit_test(test_take_returns_the_oldest_match_once),
        cmocka_unit_test(test_expired_records_are_not_taken_and_are_swept),
        cmocka_unit_test(test_sweep_after_a_shorter_window),
        cmocka_unit_test(test_full_table_writes_the_oldest),
        cmocka_unit_test(test_byte_cap),
        cmocka_unit_test(test_threads_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
