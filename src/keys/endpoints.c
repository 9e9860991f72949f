/*
 * endpoints.c — /key/generate, /key/info, /key/delete, /key/list in
 * LiteLLM's request and response shapes (docs/keys.md). Runs on the
 * request's worker thread; a generate or delete writes one SQLite
 * transaction there (store.h bounds the wait).
 */
#include "keys/keys.h"

#include "core/clock.h"
#include "core/json_load.h"
#include "core/log.h"
#include "keys/duration.h"
#include "keys/request.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void send_json(rg_exchange_t *ex, int status, json_t *j, int secret)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (s == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    size_t n = strlen(s);
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, s, n);
    if (secret)
        OPENSSL_cleanse(s, n); /* the plaintext key: one copy, in the request pool, until the response is sent */
    free(s);
    rg_exchange_send(ex, status, "application/json", body);
}

/* The master key, and only it (constant time over its length). */
static int master_only(rg_exchange_t *ex)
{
    const char *key = ex->cfg->master_key;
    if (key == NULL) {
        rg_exchange_error(ex, RG_E_KEYS_DISABLED, NULL, NULL);
        return 0;
    }
    ssize_t i = h2o_find_header(&ex->req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i < 0) {
        rg_exchange_error(ex, RG_E_MISSING_KEY, NULL, NULL);
        return 0;
    }
    h2o_iovec_t v = ex->req->headers.entries[i].value;
    const char *tok = v.base;
    size_t len = v.len;
    if (len >= 7 && strncasecmp(tok, "Bearer ", 7) == 0)
        tok += 7, len -= 7;
    while (len && *tok == ' ')
        tok++, len--;
    size_t klen = strlen(key);
    if (len != klen || CRYPTO_memcmp(tok, key, klen) != 0) {
        atomic_fetch_add(&rg_keys.auth_failures, 1);
        rg_exchange_error(ex, RG_E_INVALID_KEY, "key management needs the master key (general_settings.master_key)",
                          NULL);
        return 0;
    }
    return 1;
}

static json_t *load_body(rg_exchange_t *ex)
{
    h2o_iovec_t b = ex->req->entity;
    if (b.base == NULL || b.len == 0) {
        rg_exchange_error(ex, RG_E_INVALID_JSON, "request body is empty: expected a JSON object", NULL);
        return NULL;
    }
    if (b.len > ex->cfg->max_request_body) {
        rg_exchange_error(ex, RG_E_BODY_TOO_LARGE, NULL, NULL);
        return NULL;
    }
    rg_json_error_t jerr;
    json_t *j = rg_json_loadb(b.base, b.len, 0, &jerr);
    if (j == NULL) {
        char msg[200];
        snprintf(msg, sizeof(msg), "request body is not valid JSON: %s at line %d column %d", jerr.text, jerr.line,
                 jerr.column);
        rg_exchange_error(ex, RG_E_INVALID_JSON, msg, NULL);
    }
    return j;
}

/* The percent-decoded value of query parameter name into out (NUL-terminated); its length, or -1 when absent
 * or longer than outsz - 1. */
static long query_get(h2o_req_t *req, const char *name, char *out, size_t outsz)
{
    if (req->query_at == SIZE_MAX)
        return -1;
    const char *p = req->path.base + req->query_at + 1, *end = req->path.base + req->path.len;
    size_t nlen = strlen(name);
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *kend = eq ? eq : stop;
        if ((size_t)(kend - p) == nlen && memcmp(p, name, nlen) == 0) {
            size_t o = 0;
            for (const char *q = eq ? eq + 1 : stop; q < stop; q++) {
                if (o + 1 >= outsz)
                    return -1;
                int c = (unsigned char)*q;
                if (c == '+') {
                    c = ' ';
                } else if (c == '%' && stop - q >= 3 && isxdigit((unsigned char)q[1]) &&
                           isxdigit((unsigned char)q[2])) { /* strtol alone would take "%+1" and "% 1" */
                    char hex[3] = {q[1], q[2], 0};
                    c = (int)strtol(hex, NULL, 16);
                    q += 2;
                }
                out[o++] = (char)c;
            }
            out[o] = '\0';
            return (long)o;
        }
        p = stop + 1;
    }
    return -1;
}

/* The token of a key given as the key itself or as its token (lowercased). */
static void token_of(const char *s, size_t len, char token[RG_TOKEN_HEX + 1])
{
    if (rg_key_is_token(s, len)) {
        for (size_t i = 0; i < len; i++)
            token[i] = (char)((s[i] >= 'A' && s[i] <= 'F') ? s[i] + 32 : s[i]);
        token[RG_TOKEN_HEX] = '\0';
    } else {
        rg_key_hash(s, len, token);
    }
}

static void generate(rg_exchange_t *ex)
{
    json_t *body = load_body(ex);
    if (body == NULL)
        return;
    rg_key_spec_t spec;
    char err[256];
    const char *param;
    int64_t now = rg_wall_ms();
    if (rg_key_spec_parse(body, now, &spec, err, sizeof(err), &param) != 0) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, err, param);
        json_decref(body);
        return;
    }
    if (spec.key_alias && rg_key_cache_has_alias(&rg_keys.cache, spec.key_alias)) {
        snprintf(err, sizeof(err), "Key with alias '%.100s' already exists. Unique key aliases across all keys are required.",
                 spec.key_alias);
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, err, "key_alias");
        json_decref(body);
        return;
    }
    char key[RG_KEY_LEN + 1];
    rg_key_entry_t *e = rg_key_entry_new();
    char *md = spec.metadata ? json_dumps(spec.metadata, JSON_COMPACT) : NULL;
    if (e == NULL || rg_key_make(key) != 0 || rg_key_entry_set_str(&e->key_alias, spec.key_alias) ||
        rg_key_entry_set_str(&e->team_id, spec.team_id) || rg_key_entry_set_str(&e->team_alias, spec.team_alias) ||
        rg_key_entry_set_models(e, spec.models) || (spec.metadata && md == NULL)) {
        free(md);
        rg_key_entry_free(e);
        json_decref(body);
        rg_exchange_error(ex, RG_E_INTERNAL, "could not make a key", NULL);
        return;
    }
    e->metadata = md;
    rg_key_hash(key, RG_KEY_LEN, e->token);
    rg_key_name(key, RG_KEY_LEN, e->key_name);
    e->created_ms = now;
    e->expires_ms = spec.expires_ms;
    json_t *resp = rg_key_entry_json(e, 1);
    if (spec.duration)
        json_object_set_new(resp, "duration", json_string(spec.duration));
    json_decref(body);

    rg_key_store_rc_t rc = rg_key_store_insert(rg_keys.store, e);
    rg_key_insert_t ins = rc == RG_KEY_STORE_OK ? rg_key_cache_insert(&rg_keys.cache, e) : RG_KEY_NOMEM;
    if (rc != RG_KEY_STORE_OK || ins != RG_KEY_INSERTED) {
        if (rc == RG_KEY_STORE_OK) /* stored but not cached (table full): undo */
            rg_key_store_delete(rg_keys.store, &e->token, 1);
        json_decref(resp);
        if (rc == RG_KEY_STORE_DUP) {
            snprintf(err, sizeof(err),
                     "Key with alias '%.100s' already exists. Unique key aliases across all keys are required.",
                     e->key_alias ? e->key_alias : "");
            rg_exchange_error(ex, RG_E_INVALID_REQUEST, err, "key_alias");
        } else if (ins == RG_KEY_FULL) {
            rg_exchange_error(ex, RG_E_INVALID_REQUEST, "too many keys: delete some first", NULL);
        } else {
            rg_exchange_error(ex, RG_E_INTERNAL, "could not store the key", NULL);
        }
        rg_key_entry_free(e);
        OPENSSL_cleanse(key, sizeof(key));
        return;
    }
    rg_info("keys: generated %.12s... alias=%s", e->token, e->key_alias ? e->key_alias : "-");
    json_object_set_new(resp, "key", json_string(key));
    json_object_set(resp, "token_id", json_object_get(resp, "token"));
    OPENSSL_cleanse(key, sizeof(key));
    send_json(ex, 200, resp, 1);
}

static void info(rg_exchange_t *ex)
{
    char key[4096];
    long n = query_get(ex->req, "key", key, sizeof(key));
    if (n <= 0) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, "give the key: /key/info?key=<key or token>", "key");
        return;
    }
    char token[RG_TOKEN_HEX + 1];
    token_of(key, (size_t)n, token);
    json_t *o = rg_key_cache_json(&rg_keys.cache, token, 0);
    if (o == NULL) {
        rg_exchange_error(ex, RG_E_KEY_NOT_FOUND, NULL, "key");
        return;
    }
    send_json(ex, 200, json_pack("{s:s, s:o}", "key", key, "info", o), 0);
}

static void list(rg_exchange_t *ex)
{
    char alias[RG_KEY_FIELD_MAX + 1], team[RG_KEY_FIELD_MAX + 1], num[32], full[16];
    int has_alias = query_get(ex->req, "key_alias", alias, sizeof(alias)) > 0;
    int has_team = query_get(ex->req, "team_id", team, sizeof(team)) > 0;
    long page = 1, size = 10;
    if (query_get(ex->req, "page", num, sizeof(num)) > 0)
        page = strtol(num, NULL, 10);
    if (query_get(ex->req, "size", num, sizeof(num)) > 0)
        size = strtol(num, NULL, 10);
    if (page < 1 || page > 1000000 || size < 1 || size > 100) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, "page must be >= 1 and size 1 to 100", "size");
        return;
    }
    int want_full = query_get(ex->req, "return_full_object", full, sizeof(full)) > 0 && strcasecmp(full, "true") == 0;
    size_t total = 0;
    json_t *keys = rg_key_cache_list(&rg_keys.cache, has_alias ? alias : NULL, has_team ? team : NULL, (size_t)page,
                                     (size_t)size, want_full, &total);
    if (keys == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    size_t pages = (total + (size_t)size - 1) / (size_t)size;
    send_json(ex, 200,
              json_pack("{s:o, s:I, s:I, s:I}", "keys", keys, "total_count", (json_int_t)total, "current_page",
                        (json_int_t)page, "total_pages", (json_int_t)pages),
              0);
}

static void delete_keys(rg_exchange_t *ex)
{
    json_t *body = load_body(ex);
    if (body == NULL)
        return;
    rg_key_delete_t del;
    char err[400];
    const char *param;
    if (rg_key_delete_parse(body, &del, err, sizeof(err), &param) != 0) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, err, param);
        json_decref(body);
        return;
    }
    size_t nk = del.keys ? json_array_size(del.keys) : 0, na = del.key_aliases ? json_array_size(del.key_aliases) : 0;
    char(*tokens)[RG_TOKEN_HEX + 1] = calloc(nk + na, sizeof(*tokens));
    json_t *deleted = json_array();
    size_t n = 0;
    int missing = 0;
    for (size_t i = 0; tokens && deleted && i < nk + na && !missing; i++) {
        const json_t *s = i < nk ? json_array_get(del.keys, i) : json_array_get(del.key_aliases, i - nk);
        const char *v = json_string_value(s);
        size_t len = json_string_length(s);
        char t[RG_TOKEN_HEX + 1];
        if (i < nk) {
            token_of(v, len, t);
            if (!rg_key_cache_has(&rg_keys.cache, t)) {
                snprintf(err, sizeof(err), "Key not found in database: %.12s...", t);
                missing = 1;
            }
        } else if (rg_key_cache_alias_token(&rg_keys.cache, v, t) != 0) {
            snprintf(err, sizeof(err), "Key not found. No key with key_alias='%.100s'.", v);
            missing = 1;
        }
        if (missing)
            break;
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= strcmp(tokens[k], t) == 0;
        if (!dup)
            memcpy(tokens[n++], t, sizeof(t));
        json_array_append(deleted, (json_t *)s);
    }
    json_decref(body);
    if (tokens == NULL || deleted == NULL) {
        free(tokens);
        json_decref(deleted);
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    if (missing) {
        free(tokens);
        json_decref(deleted);
        rg_exchange_error(ex, RG_E_KEY_NOT_FOUND, err, na && !nk ? "key_aliases" : "keys");
        return;
    }
    if (rg_key_store_delete(rg_keys.store, tokens, n) != RG_KEY_STORE_OK) {
        free(tokens);
        json_decref(deleted);
        rg_exchange_error(ex, RG_E_INTERNAL, "could not delete the keys", NULL);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        rg_key_cache_remove(&rg_keys.cache, tokens[k]);
        rg_info("keys: deleted %.12s...", tokens[k]);
    }
    free(tokens);
    send_json(ex, 200, json_pack("{s:o}", "deleted_keys", deleted), 0);
}

void rg_keys_handle(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    int post = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"));
    int get = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET"));
    int want_post = ex->route == RG_ROUTE_KEY_GENERATE || ex->route == RG_ROUTE_KEY_DELETE;
    if (want_post ? !post : !get) {
        rg_exchange_error(ex, RG_E_METHOD_NOT_ALLOWED, NULL, NULL);
        return;
    }
    if (!master_only(ex))
        return;
    if (rg_keys.store == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, "the key store is not open", NULL);
        return;
    }
    switch (ex->route) {
    case RG_ROUTE_KEY_GENERATE: generate(ex); break;
    case RG_ROUTE_KEY_INFO: info(ex); break;
    case RG_ROUTE_KEY_DELETE: delete_keys(ex); break;
    default: list(ex); break;
    }
}
