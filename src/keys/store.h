/*
 * store.h — virtual keys in SQLite: table `virtual_keys` in the records
 * database (general_settings.database_path), on a connection of its own.
 *
 * Columns: token (SHA-256 hex, primary key), key_name ("sk-...abcd"),
 * key_alias (UNIQUE; NULLs may repeat), team_id, team_alias, models (JSON
 * array), metadata (JSON object), created_ms, expires_ms (NULL: never). The
 * plaintext key is never written.
 *
 * The connection is serialised by a mutex (a write is rare: generate and
 * delete). WAL, synchronous=NORMAL, busy_timeout RG_KEY_STORE_BUSY_MS: a
 * write made on a worker's loop thread blocks that loop for one single-row
 * transaction, at most that long when the records writer holds the lock.
 */
#ifndef RG_KEYS_STORE_H
#define RG_KEYS_STORE_H

#include "keys/entry.h"

#include <stddef.h>

#define RG_KEY_STORE_BUSY_MS 250

typedef struct rg_key_store rg_key_store_t;

/* Opens (creating the table); NULL with err filled. */
rg_key_store_t *rg_key_store_open(const char *path, char *err, size_t errsz);
void rg_key_store_close(rg_key_store_t *s);

/* Calls fn for every stored key (fn takes ownership of the entry). Returns the count, or -1. */
long rg_key_store_load(rg_key_store_t *s, void (*fn)(void *ctx, rg_key_entry_t *e), void *ctx);

typedef enum rg_key_store_rc {
    RG_KEY_STORE_OK = 0,
    RG_KEY_STORE_DUP,   /* the alias or token is taken */
    RG_KEY_STORE_ERROR
} rg_key_store_rc_t;

rg_key_store_rc_t rg_key_store_insert(rg_key_store_t *s, const rg_key_entry_t *e);
/* Deletes these tokens in one transaction; RG_KEY_STORE_OK or RG_KEY_STORE_ERROR (nothing deleted). */
rg_key_store_rc_t rg_key_store_delete(rg_key_store_t *s, char (*tokens)[RG_TOKEN_HEX + 1], size_t n);

#endif
