/* test_ring.c — the bounded record queue: order, drops, timeouts, close, many producers. */
#include "ingest/ring.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A record tagged with (producer, seq), with a couple of strings so it is a real heap block. */
static rg_record_t *rec(int producer, int64_t seq)
{
    rg_record_t head;
    memset(&head, 0, sizeof(head));
    snprintf(head.id, sizeof(head.id), "p%d-%lld", producer, (long long)seq);
    head.status = producer;
    head.total_us = seq;
    rg_record_src_t src[RG_REC__STRINGS];
    memset(src, 0, sizeof(src));
    src[RG_REC_ROUTE].s = "chat_completions";
    src[RG_REC_ROUTE].len = strlen("chat_completions");
    src[RG_REC_MODEL].s = "gpt-4o-mini";
    src[RG_REC_MODEL].len = strlen("gpt-4o-mini");
    rg_record_t *r = rg_record_new(&head, src);
    return r;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_record_new_copies_strings(void **state)
{
    (void)state;
    rg_record_t head;
    memset(&head, 0, sizeof(head));
    head.status = 201;
    rg_record_src_t src[RG_REC__STRINGS];
    memset(src, 0, sizeof(src));
    char body[] = "{\"a\":1}XXXX";
    src[RG_REC_REQUEST_BODY].s = body;
    src[RG_REC_REQUEST_BODY].len = 7; /* only the JSON, not the trailing bytes */
    src[RG_REC_METHOD].s = "POST";
    src[RG_REC_METHOD].len = 4;
    src[RG_REC_ERROR].s = "";
    src[RG_REC_ERROR].len = 0;
    rg_record_t *r = rg_record_new(&head, src);
    assert_non_null(r);
    memset(body, 'Z', sizeof(body) - 1); /* the record has its own copy */
    assert_int_equal(r->status, 201);
    assert_string_equal(r->request_body, "{\"a\":1}");
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->error, "");
    assert_null(r->model);
    assert_null(r->response_body);
    assert_null(r->verdicts);
    rg_record_free(r);
}

static void test_push_pop_order(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 8), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(rg_ring_push(&r, rec(0, i)), 0);
    assert_int_equal(rg_ring_depth(&r), 5);
    assert_int_equal(atomic_load(&r.pushed), 5);
    assert_int_equal(atomic_load(&r.dropped), 0);

    rg_record_t *out[16];
    int closed = -1;
    size_t n = rg_ring_pop(&r, out, 16, 0, &closed);
    assert_int_equal(n, 5);
    assert_int_equal(closed, 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i]->total_us, (int64_t)i);
        assert_string_equal(out[i]->model, "gpt-4o-mini");
        rg_record_free(out[i]);
    }
    assert_int_equal(rg_ring_depth(&r), 0);
    rg_ring_destroy(&r);
}

static void test_pop_respects_max_and_wraps(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 4), 0);
    int64_t next_in = 0, next_out = 0;
    rg_record_t *out[4];
    int closed;
    /* many laps round a ring of 4, with pops of varying size */
    for (int round = 0; round < 50; round++) {
        int k = 1 + round % 4;
        for (int i = 0; i < k; i++)
            assert_int_equal(rg_ring_push(&r, rec(0, next_in++)), 0);
        size_t max = (size_t)(1 + (round * 7) % 4);
        size_t got = 0;
        while (got < (size_t)k) {
            size_t n = rg_ring_pop(&r, out, max, 0, &closed);
            assert_true(n >= 1 && n <= max);
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(out[i]->total_us, next_out++);
                rg_record_free(out[i]);
            }
            got += n;
        }
        assert_int_equal(got, (size_t)k);
        assert_int_equal(rg_ring_depth(&r), 0);
    }
    assert_int_equal(next_out, next_in);
    rg_ring_destroy(&r);
}

static void test_full_ring_drops_and_counts(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 4), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(rg_ring_push(&r, rec(0, i)), 0);
    /* full: these are dropped, freed by the ring (a leak shows under ASan), and counted */
    for (int i = 4; i < 10; i++)
        assert_int_equal(rg_ring_push(&r, rec(0, i)), -1);
    assert_int_equal(atomic_load(&r.dropped), 6);
    assert_int_equal(atomic_load(&r.pushed), 4);
    assert_int_equal(rg_ring_depth(&r), 4);

    /* what is queued is the oldest four, untouched */
    rg_record_t *out[8];
    int closed;
    size_t n = rg_ring_pop(&r, out, 8, 0, &closed);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i]->total_us, (int64_t)i);
        rg_record_free(out[i]);
    }
    /* room again */
    assert_int_equal(rg_ring_push(&r, rec(0, 99)), 0);
    assert_int_equal(atomic_load(&r.dropped), 6);
    rg_ring_destroy(&r); /* frees the one still queued */
}

static void test_pop_timeout_on_empty(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 4), 0);
    rg_record_t *out[4];
    int closed = -1;

    int64_t t0 = now_ms();
    assert_int_equal(rg_ring_pop(&r, out, 4, 0, &closed), 0);
    assert_int_equal(closed, 0);
    assert_true(now_ms() - t0 < 50); /* wait 0: no waiting */

    closed = -1;
    t0 = now_ms();
    assert_int_equal(rg_ring_pop(&r, out, 4, 120, &closed), 0);
    int64_t el = now_ms() - t0;
    assert_int_equal(closed, 0);
    assert_true(el >= 100); /* waited about the time asked */
    assert_true(el < 2000);

    /* a wait of more than a second (tv_nsec carry) still times out */
    t0 = now_ms();
    assert_int_equal(rg_ring_pop(&r, out, 4, 1150, &closed), 0);
    el = now_ms() - t0;
    assert_true(el >= 1100 && el < 3000);
    rg_ring_destroy(&r);
}

/* ---- a consumer thread blocked in pop ---- */

typedef struct waiter {
    rg_ring_t *r;
    int wait_ms;
    size_t n;
    int closed;
    int64_t elapsed_ms;
    rg_record_t *out[4];
} waiter_t;

static void *wait_pop(void *arg)
{
    waiter_t *w = arg;
    int64_t t0 = now_ms();
    w->n = rg_ring_pop(w->r, w->out, 4, w->wait_ms, &w->closed);
    w->elapsed_ms = now_ms() - t0;
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_push_wakes_waiting_consumer(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 4), 0);
    waiter_t w = {.r = &r, .wait_ms = 10000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_pop, &w), 0);
    sleep_ms(50);
    assert_int_equal(rg_ring_push(&r, rec(1, 7)), 0);
    pthread_join(th, NULL);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.closed, 0);
    assert_true(w.elapsed_ms < 5000);
    assert_int_equal(w.out[0]->total_us, 7);
    rg_record_free(w.out[0]);
    rg_ring_destroy(&r);
}

static void test_close_wakes_waiting_consumer(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 4), 0);
    waiter_t w = {.r = &r, .wait_ms = 10000};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_pop, &w), 0);
    sleep_ms(50);
    rg_ring_close(&r);
    pthread_join(th, NULL);
    assert_int_equal(w.n, 0);
    assert_int_equal(w.closed, 1);
    assert_true(w.elapsed_ms < 5000);
    rg_ring_destroy(&r);
}

static void test_close_drains_then_reports_closed(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 8), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rg_ring_push(&r, rec(0, i)), 0);
    rg_ring_close(&r);
    /* pushes after close are dropped (and freed) */
    assert_int_equal(rg_ring_push(&r, rec(0, 100)), -1);
    assert_int_equal(atomic_load(&r.dropped), 1);

    rg_record_t *out[2];
    int closed = -1;
    int64_t expect = 0;
    size_t total = 0;
    for (int guard = 0; guard < 10; guard++) {
        size_t n = rg_ring_pop(&r, out, 2, 1000, &closed);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(out[i]->total_us, expect++);
            rg_record_free(out[i]);
        }
        total += n;
        if (closed)
            assert_int_equal(rg_ring_depth(&r), 0); /* never "closed" while records remain */
        if (n == 0)
            break;
    }
    assert_int_equal(total, 3);
    assert_int_equal(closed, 1);
    /* and it stays that way, without waiting */
    int64_t t0 = now_ms();
    assert_int_equal(rg_ring_pop(&r, out, 2, 5000, &closed), 0);
    assert_int_equal(closed, 1);
    assert_true(now_ms() - t0 < 1000);
    rg_ring_destroy(&r);
}

static void test_destroy_frees_queued(void **state)
{
    (void)state;
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, 16), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(rg_ring_push(&r, rec(0, i)), 0);
    rg_ring_destroy(&r); /* LeakSanitizer reports any record left behind */
}

/* ---- many producers, one consumer ---- */

#define N_PRODUCERS 4
#define N_PER_PRODUCER 20000

typedef struct producer {
    rg_ring_t *r;
    int id;
    long ok, dropped;
} producer_t;

static void *produce(void *arg)
{
    producer_t *p = arg;
    for (int64_t i = 0; i < N_PER_PRODUCER; i++) {
        rg_record_t *x = rec(p->id, i);
        if (x == NULL)
            continue;
        if (rg_ring_push(p->r, x) == 0)
            p->ok++;
        else
            p->dropped++;
        if (i % 1000 == 0)
            sched_yield();
    }
    return NULL;
}

typedef struct consumer {
    rg_ring_t *r;
    long popped;
    long order_errors;
    int64_t last[N_PRODUCERS];
    int bad_producer;
} consumer_t;

static void *consume(void *arg)
{
    consumer_t *c = arg;
    rg_record_t *out[32];
    for (int i = 0; i < N_PRODUCERS; i++)
        c->last[i] = -1;
    for (;;) {
        int closed = 0;
        size_t n = rg_ring_pop(c->r, out, 32, 10, &closed);
        for (size_t i = 0; i < n; i++) {
            int pid = out[i]->status;
            if (pid < 0 || pid >= N_PRODUCERS) {
                c->bad_producer++;
            } else {
                /* per producer, records come out in the order they went in */
                if (out[i]->total_us <= c->last[pid])
                    c->order_errors++;
                c->last[pid] = out[i]->total_us;
            }
            rg_record_free(out[i]);
        }
        c->popped += (long)n;
        if (n == 0 && closed)
            break;
    }
    return NULL;
}

static void run_many_producers(int n_producers, size_t cap)
{
    rg_ring_t r;
    assert_int_equal(rg_ring_init(&r, cap), 0);
    consumer_t c = {.r = &r};
    producer_t p[N_PRODUCERS];
    pthread_t cth, pth[N_PRODUCERS];
    assert_int_equal(pthread_create(&cth, NULL, consume, &c), 0);
    for (int i = 0; i < n_producers; i++) {
        p[i] = (producer_t){.r = &r, .id = i};
        assert_int_equal(pthread_create(&pth[i], NULL, produce, &p[i]), 0);
    }
    long ok = 0, dropped = 0;
    for (int i = 0; i < n_producers; i++) {
        pthread_join(pth[i], NULL);
        ok += p[i].ok;
        dropped += p[i].dropped;
    }
    rg_ring_close(&r);
    pthread_join(cth, NULL);

    long attempts = (long)n_producers * N_PER_PRODUCER;
    print_message("    %d producers, ring of %zu: %ld queued, %ld dropped\n", n_producers, cap, ok, dropped);
    assert_int_equal(ok + dropped, attempts);
    assert_int_equal(c.popped + (long)atomic_load(&r.dropped), attempts);
    assert_int_equal((long)atomic_load(&r.pushed), c.popped);
    assert_int_equal((long)atomic_load(&r.dropped), dropped);
    assert_int_equal(c.popped, ok);
    assert_int_equal(c.order_errors, 0);
    assert_int_equal(c.bad_producer, 0);
    assert_int_equal(rg_ring_depth(&r), 0);
    rg_ring_destroy(&r);
}

static void test_two_producers_small_ring(void **state)
{
    (void)state;
    run_many_producers(2, 16); /* small: many drops */
}

static void test_four_producers(void **state)
{
    (void)state;
    run_many_producers(4, 1024);
}

static void test_four_producers_huge_ring_no_drops(void **state)
{
    (void)state;
    rg_ring_t r;
    /* a ring that holds everything: nothing may be dropped */
    assert_int_equal(rg_ring_init(&r, N_PRODUCERS * N_PER_PRODUCER), 0);
    producer_t p[N_PRODUCERS];
    pthread_t pth[N_PRODUCERS];
    for (int i = 0; i < N_PRODUCERS; i++) {
        p[i] = (producer_t){.r = &r, .id = i};
        assert_int_equal(pthread_create(&pth[i], NULL, produce, &p[i]), 0);
    }
    for (int i = 0; i < N_PRODUCERS; i++)
        pthread_join(pth[i], NULL);
    assert_int_equal(atomic_load(&r.dropped), 0);
    assert_int_equal(rg_ring_depth(&r), N_PRODUCERS * N_PER_PRODUCER);
    rg_ring_close(&r);
    consumer_t c = {.r = &r};
    consume(&c);
    assert_int_equal(c.popped, N_PRODUCERS * N_PER_PRODUCER);
    assert_int_equal(c.order_errors, 0);
    for (int i = 0; i < N_PRODUCERS; i++)
        assert_int_equal(c.last[i], N_PER_PRODUCER - 1);
    rg_ring_destroy(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_new_copies_strings),
        cmocka_unit_test(test_push_pop_order),
        cmocka_unit_test(test_pop_respects_max_and_wraps),
        cmocka_unit_test(test_full_ring_drops_and_counts),
        cmocka_unit_test(test_pop_timeout_on_empty),
        cmocka_unit_test(test_push_wakes_waiting_consumer),
        cmocka_unit_test(test_close_wakes_waiting_consumer),
        cmocka_unit_test(test_close_drains_then_reports_closed),
        cmocka_unit_test(test_destroy_frees_queued),
        cmocka_unit_test(test_two_producers_small_ring),
        cmocka_unit_test(test_four_producers),
        cmocka_unit_test(test_four_producers_huge_ring_no_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
