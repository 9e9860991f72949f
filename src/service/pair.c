/*
 * pair.c — parked verdict-call records (pair.h): a hash of chains by key for
 * rg_pair_take, and one list in parking order for eviction. A reload may
 * change pair_window, so the list is not always in expiry order: a sweep
 * looks at every entry (at most max_entries, once a second).
 */
#include "service/pair.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024 /* a power of two */

typedef struct entry {
    struct entry *chain;       /* same bucket */
    struct entry *prev, *next; /* parking order */
    rg_pair_key_t key;
    uint64_t expires_ms;
    size_t bytes;
    rg_record_t *rec;
} entry_t;

struct rg_pair {
    pthread_mutex_t mu;
    entry_t *bucket[BUCKETS];
    entry_t *head, *tail; /* oldest, newest */
    size_t n, bytes, max_n, max_bytes;
    rg_pair_emit_fn emit;
    void *arg;
};

rg_pair_t *rg_pair_new(size_t max_entries, size_t max_bytes, rg_pair_emit_fn emit, void *arg)
{
    rg_pair_t *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    p->max_n = max_entries ? max_entries : 1;
    p->max_bytes = max_bytes;
    p->emit = emit;
    p->arg = arg;
    return p;
}

void rg_pair_free(rg_pair_t *p)
{
    if (p == NULL)
        return;
    rg_pair_flush(p);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int rg_pair_key(rg_pair_key_t *k, const char *collection, const char *path, size_t path_len, const json_t *body)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    char *canon = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    unsigned int len = 0;
    int ok = md && (body == NULL || canon) && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    memset(k, 0, sizeof(*k));
    if (ok) {
        const char *c = collection ? collection : "";
        ok = EVP_DigestUpdate(md, c, strlen(c) + 1) == 1 && /* with the NUL: the fields cannot run into each other */
             EVP_DigestUpdate(md, path ? path : "", path ? path_len : 0) == 1 && EVP_DigestUpdate(md, "", 1) == 1 &&
             (canon == NULL || EVP_DigestUpdate(md, canon, strlen(canon)) == 1) &&
             EVP_DigestFinal_ex(md, k->b, &len) == 1 && len == sizeof(k->b);
    }
    free(canon);
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

static size_t bucket_of(const rg_pair_key_t *k)
{
    size_t h;
    memcpy(&h, k->b, sizeof(h)); /* a SHA-256: any bits will do */
    return h & (BUCKETS - 1);
}

static size_t rec_bytes(const rg_record_t *r)
{
    const char *s[] = {r->method, r->route, r->path, r->model, r->upstream, r->client_ip, r->error,
                       r->request_body, r->response_body, r->collection, r->key_alias, r->team_alias, r->verdicts};
    size_t n = sizeof(*r);
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        n += s[i] ? strlen(s[i]) + 1 : 0;
    return n;
}

/* Unlinks e from its chain and from the list (under the lock). */
static void unlink_entry(rg_pair_t *p, entry_t *e)
{
    entry_t **pp = &p->bucket[bucket_of(&e->key)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    if (e->prev)
        e->prev->next = e->next;
    else
        p->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        p->tail = e->prev;
    p->n--;
    p->bytes -= e->bytes;
}

/* Emits and frees a list linked by `next` (outside the lock). */
static void emit_all(rg_pair_t *p, entry_t *e)
{
    while (e) {
        entry_t *next = e->next;
        p->emit(p->arg, e->rec);
        free(e);
        e = next;
    }
}

/* Unlinks the oldest entries while they are expired, or all of them, or while there is no room for one more of
 * room_bytes; returns them as a list. */
static entry_t *take_oldest(rg_pair_t *p, uint64_t now_ms, size_t room_n, size_t room_bytes, int all)
{
    entry_t *out = NULL, **tail = &out;
    while (p->head) {
        entry_t *e = p->head;
        int go = all || e->expires_ms <= now_ms || p->n + room_n > p->max_n ||
                 (p->max_bytes && p->bytes + room_bytes > p->max_bytes);
        if (!go)
            break;
        unlink_entry(p, e);
        e->next = NULL;
        *tail = e;
        tail = &e->next;
    }
    return out;
}

void rg_pair_park(rg_pair_t *p, const rg_pair_key_t *k, rg_record_t *rec, uint64_t now_ms, uint64_t window_ms)
{
    entry_t *e = calloc(1, sizeof(*e));
    size_t bytes = rec_bytes(rec);
    if (e == NULL || (p->max_bytes && bytes > p->max_bytes)) {
        free(e);
        p->emit(p->arg, rec); /* cannot be parked: written now */
        return;
    }
    e->key = *k;
    e->rec = rec;
    e->bytes = bytes;
    e->expires_ms = now_ms + window_ms;
    pthread_mutex_lock(&p->mu);
    entry_t *out = take_oldest(p, now_ms, 1, bytes, 0);
    size_t b = bucket_of(k);
    e->chain = p->bucket[b];
    p->bucket[b] = e;
    e->prev = p->tail;
    if (p->tail)
        p->tail->next = e;
    else
        p->head = e;
    p->tail = e;
    p->n++;
    p->bytes += bytes;
    pthread_mutex_unlock(&p->mu);
    emit_all(p, out);
}

rg_record_t *rg_pair_take(rg_pair_t *p, const rg_pair_key_t *k, uint64_t now_ms)
{
    pthread_mutex_lock(&p->mu);
    entry_t *found = NULL;
    for (entry_t *e = p->bucket[bucket_of(k)]; e; e = e->chain)
        if (e->expires_ms > now_ms && memcmp(e->key.b, k->b, sizeof(k->b)) == 0)
            found = e; /* chains are newest first: the last match is the oldest */
    if (found)
        unlink_entry(p, found);
    pthread_mutex_unlock(&p->mu);
    if (found == NULL)
        return NULL;
    rg_record_t *rec = found->rec;
    free(found);
    return rec;
}

void rg_pair_sweep(rg_pair_t *p, uint64_t now_ms)
{
    entry_t *out = NULL, **tail = &out;
    pthread_mutex_lock(&p->mu);
    for (entry_t *e = p->head, *next; e; e = next) { /* every entry: a reload may have changed the window */
        next = e->next;
        if (e->expires_ms > now_ms)
            continue;
        unlink_entry(p, e);
        e->next = NULL;
        *tail = e;
        tail = &e->next;
    }
    pthread_mutex_unlock(&p->mu);
    emit_all(p, out);
}

void rg_pair_flush(rg_pair_t *p)
{
    pthread_mutex_lock(&p->mu);
    entry_t *out = take_oldest(p, 0, 0, 0, 1);
    pthread_mutex_unlock(&p->mu);
    emit_all(p, out);
}

size_t rg_pair_count(rg_pair_t *p)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->n;
    pthread_mutex_unlock(&p->mu);
    return n;
}
