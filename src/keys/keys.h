/*
 * keys.h — LiteLLM-compatible virtual keys: the process-wide table and the
 * hooks the API layer calls (docs/keys.md, docs/internals/keys.md).
 *
 * rg_keys_open (main, before the workers start) opens the store in the
 * records database and loads every key into the cache; rg_keys_close after
 * the workers stop. Key management (/key/generate, /key/info, /key/delete,
 * /key/list) needs general_settings.master_key; model routes then accept
 * the master key or a live virtual key, and a request made with a virtual
 * key carries its alias and team alias (ex->vkey) into its record.
 */
#ifndef RG_KEYS_H
#define RG_KEYS_H

#include "api/exchange.h"
#include "keys/cache.h"
#include "keys/store.h"

#include <stdatomic.h>

typedef struct rg_keys {
    rg_key_cache_t cache;
    rg_key_store_t *store; /* NULL: not opened (unit tests, `railgate check`) */
    atomic_uint_fast64_t auth_failures; /* virtual keys refused: unknown, expired, model not allowed */
} rg_keys_t;

extern rg_keys_t rg_keys;

/* The key a request was authorized with; in the request pool. */
typedef struct rg_vkey {
    char token_prefix[13]; /* first 12 hex digits of the token, for logs */
    const char *key_alias;  /* NULL when none */
    const char *team_alias; /* team_alias, else team_id; NULL when none */
    char token[RG_TOKEN_HEX + 1];
} rg_vkey_t;

int rg_keys_open(const char *db_path, char *err, size_t errsz);
void rg_keys_close(void);

/* 1 for the /key/... routes. */
int rg_keys_route(rg_route_t r);
/* Answers a /key/... request (method, master key, body, store, cache). */
void rg_keys_handle(rg_exchange_t *ex);

/*
 * The bearer token (toklen bytes) is not the master key: 1 when it is a live
 * virtual key (ex->vkey set), else 0 after answering 401.
 */
int rg_keys_authorize(rg_exchange_t *ex, const char *tok, size_t toklen);
/* After the model is known: 1 when ex->vkey (if any) may use it, else 0 after answering 401. */
int rg_keys_allow_model(rg_exchange_t *ex);

#endif
