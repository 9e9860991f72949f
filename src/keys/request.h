/*
 * request.h — the bodies of /key/generate and /key/delete, checked with no
 * server around them (the fuzzer calls these directly).
 *
 * /key/generate: an object with, all optional: key_alias, team_id,
 * team_alias (strings, 1..256 bytes), models (array of at most 256
 * non-empty strings of at most 256 bytes), metadata (object, at most 16 KiB
 * serialised), duration (rg_duration_parse, or null), expires (an ISO 8601
 * timestamp, rg_time_parse, or null). With both duration and expires, the
 * earlier expiry wins. Other LiteLLM fields (max_budget, user_id, ...) are
 * accepted and ignored.
 *
 * /key/delete: an object with keys and/or key_aliases, arrays of at most
 * 1000 non-empty strings (keys: the key itself or its token); at least one
 * name in all.
 */
#ifndef RG_KEYS_REQUEST_H
#define RG_KEYS_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RG_KEY_DELETE_MAX 1000

typedef struct rg_key_spec {
    const char *key_alias, *team_id, *team_alias, *duration; /* borrowed from the body, or NULL */
    const json_t *models;   /* borrowed array, or NULL */
    const json_t *metadata; /* borrowed object, or NULL */
    int64_t expires_ms;     /* 0: never */
} rg_key_spec_t;

/* 0 and spec filled, or -1 with a message in err and *param the offending field (may be NULL). */
int rg_key_spec_parse(const json_t *body, int64_t now_ms, rg_key_spec_t *spec, char *err, size_t errsz,
                      const char **param);

typedef struct rg_key_delete {
    const json_t *keys;        /* borrowed array, or NULL */
    const json_t *key_aliases; /* borrowed array, or NULL */
} rg_key_delete_t;

int rg_key_delete_parse(const json_t *body, rg_key_delete_t *del, char *err, size_t errsz, const char **param);

#endif
