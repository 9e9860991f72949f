#include "guard/jwks_cache.h"

#include "core/clock.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *uri;
    char *text;
    size_t len;
    int64_t fetched_us;
    double max_age_s;
} entry_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static entry_t entries[RG_JWKS_CACHE_MAX];
static int64_t (*clock_fn)(void);

static int64_t now_us(void)
{
    return clock_fn ? clock_fn() : rg_now_us();
}

void rg_jwks_cache_set_clock(int64_t (*fn)(void))
{
    pthread_mutex_lock(&mu);
    clock_fn = fn;
    pthread_mutex_unlock(&mu);
}

static void drop(entry_t *e)
{
    free(e->uri);
    free(e->text);
    memset(e, 0, sizeof(*e));
}

char *rg_jwks_cache_get(const char *uri, size_t *len, double *age_s)
{
    char *copy = NULL;
    pthread_mutex_lock(&mu);
    int64_t now = now_us();
    for (int i = 0; i < RG_JWKS_CACHE_MAX; i++) {
        entry_t *e = &entries[i];
        if (e->uri == NULL || strcmp(e->uri, uri) != 0)
            continue;
        double age = (double)(now - e->fetched_us) / 1e6;
        if (age >= e->max_age_s) {
            drop(e);
        } else if ((copy = malloc(e->len + 1)) != NULL) {
            memcpy(copy, e->text, e->len + 1);
            *len = e->len;
            *age_s = age;
        }
        break;
    }
    pthread_mutex_unlock(&mu);
    return copy;
}

void rg_jwks_cache_put(const char *uri, const char *text, size_t len, double max_age_s)
{
    char *u = strdup(uri), *t = malloc(len + 1);
    if (u == NULL || t == NULL) {
        free(u);
        free(t);
        return;
    }
    memcpy(t, text, len);
    t[len] = '\0';
    pthread_mutex_lock(&mu);
    entry_t *slot = NULL;
    for (int i = 0; i < RG_JWKS_CACHE_MAX && slot == NULL; i++)
        if (entries[i].uri && strcmp(entries[i].uri, uri) == 0)
            slot = &entries[i];
    for (int i = 0; i < RG_JWKS_CACHE_MAX && slot == NULL; i++)
        if (entries[i].uri == NULL)
            slot = &entries[i];
    if (slot == NULL) { /* full: replace the oldest fetch */
        slot = &entries[0];
        for (int i = 1; i < RG_JWKS_CACHE_MAX; i++)
            if (entries[i].fetched_us < slot->fetched_us)
                slot = &entries[i];
    }
    drop(slot);
    slot->uri = u;
    slot->text = t;
    slot->len = len;
    slot->fetched_us = now_us();
    slot->max_age_s = max_age_s;
    pthread_mutex_unlock(&mu);
}

void rg_jwks_cache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < RG_JWKS_CACHE_MAX; i++)
        drop(&entries[i]);
    pthread_mutex_unlock(&mu);
}
