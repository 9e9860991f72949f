/*
 * cache.h — every live virtual key in memory, shared by the worker threads.
 *
 * A chained hash table on the token (the key's SHA-256 hex), behind one
 * pthread rwlock: the request path takes the read lock for one lookup and
 * copies out what it needs (alias, team alias); /key/generate and
 * /key/delete take the write lock for an insert or a removal. Entries are
 * owned by the table and never handed out, so nothing outlives the lock.
 * Key aliases are unique (LiteLLM's rule); NULL aliases may repeat.
 */
#ifndef RG_KEYS_CACHE_H
#define RG_KEYS_CACHE_H

#include "keys/entry.h"

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#define RG_KEY_CACHE_MAX 100000 /* keys; /key/generate refuses more */

typedef struct rg_key_cache {
    pthread_rwlock_t lock;
    rg_key_entry_t **buckets;
    size_t n_buckets; /* a power of two */
    size_t n;
} rg_key_cache_t;

int rg_key_cache_init(rg_key_cache_t *c);
void rg_key_cache_destroy(rg_key_cache_t *c);

typedef enum rg_key_insert {
    RG_KEY_INSERTED = 0,
    RG_KEY_DUP_ALIAS,
    RG_KEY_DUP_TOKEN,
    RG_KEY_FULL,
    RG_KEY_NOMEM
} rg_key_insert_t;

/* Takes ownership of e when RG_KEY_INSERTED; otherwise the caller still owns it. */
rg_key_insert_t rg_key_cache_insert(rg_key_cache_t *c, rg_key_entry_t *e);
/* 1 when a key with this alias exists. */
int rg_key_cache_has_alias(rg_key_cache_t *c, const char *alias);
/* Copies into token the token of the key with this alias; 0, or -1 when none. */
int rg_key_cache_alias_token(rg_key_cache_t *c, const char *alias, char token[RG_TOKEN_HEX + 1]);
/* 1 when the token is present. */
int rg_key_cache_has(rg_key_cache_t *c, const char *token);
/* Removes and frees the key; 1 when it was there. */
int rg_key_cache_remove(rg_key_cache_t *c, const char *token);

typedef enum rg_key_auth {
    RG_KEY_OK = 0,
    RG_KEY_UNKNOWN,
    RG_KEY_EXPIRED,
    RG_KEY_MODEL_DENIED
} rg_key_auth_t;

typedef struct rg_key_view {
    char key_alias[RG_KEY_FIELD_MAX + 1]; /* "" when none */
    char team_alias[RG_KEY_FIELD_MAX + 1]; /* team_alias, else team_id, else "" */
    int64_t expires_ms;
} rg_key_view_t;

/*
 * Looks the token up: unknown, expired at now_ms, or (with model non-NULL)
 * not allowed to use model. view (may be NULL) is filled whenever the key
 * exists.
 */
rg_key_auth_t rg_key_cache_check(rg_key_cache_t *c, const char *token, int64_t now_ms, const char *model,
                                 size_t model_len, rg_key_view_t *view);

/* LiteLLM's key object of a token (rg_key_entry_json), or NULL when unknown. */
json_t *rg_key_cache_json(rg_key_cache_t *c, const char *token, int with_token);

/*
 * The keys matching the filters (NULL: any), ordered by creation time then
 * token: page `page` (1-based) of `size`, each as its token string or (full)
 * its key object. *total gets the number of matches.
 */
json_t *rg_key_cache_list(rg_key_cache_t *c, const char *key_alias, const char *team_id, size_t page, size_t size,
                          int full, size_t *total);

#endif
