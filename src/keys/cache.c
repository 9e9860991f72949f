/* cache.c — the in-memory key table (see cache.h). */
#include "keys/cache.h"

#include <stdlib.h>
#include <string.h>

static size_t bucket_of(const rg_key_cache_t *c, const char *token)
{
    /* the token is a uniform hash already: its first 16 hex digits are enough */
    size_t h = 0;
    for (int i = 0; i < 16 && token[i]; i++) {
        char ch = token[i];
        h = h << 4 | (size_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    return h & (c->n_buckets - 1);
}

int rg_key_cache_init(rg_key_cache_t *c)
{
    memset(c, 0, sizeof(*c));
    c->n_buckets = 64;
    c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
    if (c->buckets == NULL)
        return -1;
    if (pthread_rwlock_init(&c->lock, NULL) != 0) {
        free(c->buckets);
        c->buckets = NULL;
        return -1;
    }
    return 0;
}

void rg_key_cache_destroy(rg_key_cache_t *c)
{
    if (c->buckets == NULL)
        return;
    for (size_t b = 0; b < c->n_buckets; b++) {
        rg_key_entry_t *e = c->buckets[b];
        while (e) {
            rg_key_entry_t *next = e->next;
            rg_key_entry_free(e);
            e = next;
        }
    }
    free(c->buckets);
    c->buckets = NULL;
    pthread_rwlock_destroy(&c->lock);
}

static rg_key_entry_t *find(const rg_key_cache_t *c, const char *token)
{
    for (rg_key_entry_t *e = c->buckets[bucket_of(c, token)]; e; e = e->next)
        if (strcmp(e->token, token) == 0)
            return e;
    return NULL;
}

/* Linear in the number of keys; used only by management calls (rare), never per request. */
static rg_key_entry_t *find_alias(const rg_key_cache_t *c, const char *alias)
{
    for (size_t b = 0; b < c->n_buckets; b++)
        for (rg_key_entry_t *e = c->buckets[b]; e; e = e->next)
            if (e->key_alias && strcmp(e->key_alias, alias) == 0)
                return e;
    return NULL;
}

static void grow(rg_key_cache_t *c)
{
    size_t nb = c->n_buckets * 2;
    rg_key_entry_t **nbk = calloc(nb, sizeof(*nbk));
    if (nbk == NULL)
        return; /* longer chains, still correct */
    rg_key_entry_t **old = c->buckets;
    size_t ob = c->n_buckets;
    c->buckets = nbk;
    c->n_buckets = nb;
    for (size_t b = 0; b < ob; b++) {
        rg_key_entry_t *e = old[b];
        while (e) {
            rg_key_entry_t *next = e->next;
            size_t i = bucket_of(c, e->token);
            e->next = nbk[i];
            nbk[i] = e;
            e = next;
        }
    }
    free(old);
}

rg_key_insert_t rg_key_cache_insert(rg_key_cache_t *c, rg_key_entry_t *e)
{
    rg_key_insert_t r = RG_KEY_INSERTED;
    pthread_rwlock_wrlock(&c->lock);
    if (find(c, e->token))
        r = RG_KEY_DUP_TOKEN;
    else if (e->key_alias && find_alias(c, e->key_alias))
        r = RG_KEY_DUP_ALIAS;
    else if (c->n >= RG_KEY_CACHE_MAX)
        r = RG_KEY_FULL;
    if (r == RG_KEY_INSERTED) {
        if (c->n >= c->n_buckets)
            grow(c);
        size_t i = bucket_of(c, e->token);
        e->next = c->buckets[i];
        c->buckets[i] = e;
        c->n++;
    }
    pthread_rwlock_unlock(&c->lock);
    return r;
}

int rg_key_cache_has_alias(rg_key_cache_t *c, const char *alias)
{
    pthread_rwlock_rdlock(&c->lock);
    int r = find_alias(c, alias) != NULL;
    pthread_rwlock_unlock(&c->lock);
    return r;
}

int rg_key_cache_alias_token(rg_key_cache_t *c, const char *alias, char token[RG_TOKEN_HEX + 1])
{
    pthread_rwlock_rdlock(&c->lock);
    rg_key_entry_t *e = find_alias(c, alias);
    if (e)
        memcpy(token, e->token, RG_TOKEN_HEX + 1);
    pthread_rwlock_unlock(&c->lock);
    return e ? 0 : -1;
}

int rg_key_cache_has(rg_key_cache_t *c, const char *token)
{
    pthread_rwlock_rdlock(&c->lock);
    int r = find(c, token) != NULL;
    pthread_rwlock_unlock(&c->lock);
    return r;
}

int rg_key_cache_remove(rg_key_cache_t *c, const char *token)
{
    pthread_rwlock_wrlock(&c->lock);
    rg_key_entry_t **pp = &c->buckets[bucket_of(c, token)];
    int found = 0;
    for (; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->token, token) == 0) {
            rg_key_entry_t *e = *pp;
            *pp = e->next;
            rg_key_entry_free(e);
            c->n--;
            found = 1;
            break;
        }
    }
    pthread_rwlock_unlock(&c->lock);
    return found;
}

static void copy_capped(char *dst, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n > RG_KEY_FIELD_MAX)
        n = RG_KEY_FIELD_MAX;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

rg_key_auth_t rg_key_cache_check(rg_key_cache_t *c, const char *token, int64_t now_ms, const char *model,
                                 size_t model_len, rg_key_view_t *view)
{
    rg_key_auth_t r;
    pthread_rwlock_rdlock(&c->lock);
    rg_key_entry_t *e = find(c, token);
    if (e == NULL) {
        r = RG_KEY_UNKNOWN;
    } else {
        if (view) {
            copy_capped(view->key_alias, e->key_alias);
            copy_capped(view->team_alias, e->team_alias ? e->team_alias : e->team_id);
            view->expires_ms = e->expires_ms;
        }
        if (e->expires_ms && now_ms >= e->expires_ms)
            r = RG_KEY_EXPIRED;
        else if (model && !rg_key_entry_allows(e, model, model_len))
            r = RG_KEY_MODEL_DENIED;
        else
            r = RG_KEY_OK;
    }
    pthread_rwlock_unlock(&c->lock);
    return r;
}

json_t *rg_key_cache_json(rg_key_cache_t *c, const char *token, int with_token)
{
    pthread_rwlock_rdlock(&c->lock);
    rg_key_entry_t *e = find(c, token);
    json_t *o = e ? rg_key_entry_json(e, with_token) : NULL;
    pthread_rwlock_unlock(&c->lock);
    return o;
}

static int by_created(const void *a, const void *b)
{
    const rg_key_entry_t *x = *(rg_key_entry_t *const *)a, *y = *(rg_key_entry_t *const *)b;
    if (x->created_ms != y->created_ms)
        return x->created_ms < y->created_ms ? -1 : 1;
    return strcmp(x->token, y->token);
}

json_t *rg_key_cache_list(rg_key_cache_t *c, const char *key_alias, const char *team_id, size_t page, size_t size,
                          int full, size_t *total)
{
    json_t *out = json_array();
    *total = 0;
    if (out == NULL)
        return NULL;
    pthread_rwlock_rdlock(&c->lock);
    rg_key_entry_t **all = c->n ? malloc(c->n * sizeof(*all)) : NULL;
    size_t n = 0;
    if (all) {
        for (size_t b = 0; b < c->n_buckets; b++)
            for (rg_key_entry_t *e = c->buckets[b]; e; e = e->next) {
                if (key_alias && !(e->key_alias && strcmp(e->key_alias, key_alias) == 0))
                    continue;
                if (team_id && !(e->team_id && strcmp(e->team_id, team_id) == 0))
                    continue;
                all[n++] = e;
            }
        qsort(all, n, sizeof(*all), by_created);
        size_t from = page > 0 && size > 0 && (page - 1) <= n / size ? (page - 1) * size : n;
        for (size_t i = from; i < n && i < from + size; i++)
            json_array_append_new(out, full ? rg_key_entry_json(all[i], 1) : json_string(all[i]->token));
    }
    pthread_rwlock_unlock(&c->lock);
    free(all);
    *total = n;
    return out;
}
