/*
 * entry.h — one virtual key as Railgate keeps it (never the key itself).
 */
#ifndef RG_KEYS_ENTRY_H
#define RG_KEYS_ENTRY_H

#include "keys/token.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RG_KEY_FIELD_MAX 256     /* key_alias, team_id, team_alias, each model name: bytes */
#define RG_KEY_MODELS_MAX 256    /* entries in `models` */
#define RG_KEY_METADATA_MAX 16384 /* `metadata` serialised */

typedef struct rg_key_entry {
    char token[RG_TOKEN_HEX + 1];   /* SHA-256 hex of the key */
    char key_name[RG_KEY_NAME_LEN + 1]; /* "sk-...abcd" */
    char *key_alias;  /* malloc'd, or NULL */
    char *team_id;    /* malloc'd, or NULL */
    char *team_alias; /* malloc'd, or NULL */
    char **models;    /* malloc'd array of malloc'd names; n_models == 0: every model */
    size_t n_models;
    char *metadata;   /* malloc'd JSON object text, or NULL */
    int64_t created_ms;
    int64_t expires_ms; /* 0: never */
    struct rg_key_entry *next; /* cache bucket chain */
} rg_key_entry_t;

/* A new zeroed entry (NULL on OOM). */
rg_key_entry_t *rg_key_entry_new(void);
void rg_key_entry_free(rg_key_entry_t *e);
/* Copies of strings into the entry; 0, or -1 on OOM. n NULL-safe. */
int rg_key_entry_set_str(char **field, const char *s);
/* Sets models from a JSON array of strings (NULL or empty: every model); 0 or -1 on OOM. */
int rg_key_entry_set_models(rg_key_entry_t *e, const json_t *models);
/* The models as a new JSON array. */
json_t *rg_key_entry_models_json(const rg_key_entry_t *e);
/* 1 when the entry allows model (len bytes). */
int rg_key_entry_allows(const rg_key_entry_t *e, const char *model, size_t len);
/* LiteLLM's key object (token, key_name, key_alias, team_id, team_alias, models, metadata, expires,
 * created_at, spend, user_id): a new JSON object; with_token 0 leaves `token` out (as /key/info does). */
json_t *rg_key_entry_json(const rg_key_entry_t *e, int with_token);

#endif
