#include "ingest/ring.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int rg_ring_init(rg_ring_t *r, size_t cap)
{
    r->slots = calloc(cap, sizeof(*r->slots));
    if (r->slots == NULL)
        return -1;
    r->cap = cap;
    r->head = r->count = 0;
    r->closed = 0;
    r->consumer_waiting = 0;
    atomic_init(&r->pushed, 0);
    atomic_init(&r->dropped, 0);
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    return 0;
}

int rg_ring_push(rg_ring_t *r, rg_record_t *rec)
{
    pthread_mutex_lock(&r->mu);
    if (r->closed || r->count == r->cap) {
        pthread_mutex_unlock(&r->mu);
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        rg_record_free(rec);
        return -1;
    }
    r->slots[(r->head + r->count) % r->cap] = rec;
    r->count++;
    int wake = r->consumer_waiting;
    pthread_mutex_unlock(&r->mu);
    atomic_fetch_add_explicit(&r->pushed, 1, memory_order_relaxed);
    if (wake)
        pthread_cond_signal(&r->cv);
    return 0;
}

size_t rg_ring_pop(rg_ring_t *r, rg_record_t **out, size_t max, int wait_ms, int *closed)
{
    pthread_mutex_lock(&r->mu);
    if (r->count == 0 && !r->closed && wait_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += wait_ms / 1000;
        ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L)
            ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        r->consumer_waiting = 1;
        while (r->count == 0 && !r->closed)
            if (pthread_cond_timedwait(&r->cv, &r->mu, &ts) == ETIMEDOUT)
                break;
        r->consumer_waiting = 0;
    }
    size_t n = 0;
    while (n < max && r->count > 0) {
        out[n++] = r->slots[r->head];
        r->head = (r->head + 1) % r->cap;
        r->count--;
    }
    *closed = r->closed && r->count == 0;
    pthread_mutex_unlock(&r->mu);
    return n;
}

void rg_ring_close(rg_ring_t *r)
{
    pthread_mutex_lock(&r->mu);
    r->closed = 1;
    pthread_mutex_unlock(&r->mu);
    pthread_cond_broadcast(&r->cv);
}

size_t rg_ring_depth(rg_ring_t *r)
{
    pthread_mutex_lock(&r->mu);
    size_t n = r->count;
    pthread_mutex_unlock(&r->mu);
    return n;
}

void rg_ring_destroy(rg_ring_t *r)
{
    int closed;
    rg_record_t *rec;
    while (rg_ring_pop(r, &rec, 1, 0, &closed) == 1)
        rg_record_free(rec);
    free(r->slots);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
}
