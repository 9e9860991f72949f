/* keys.c — the key table and the request-path hooks (see keys.h). */
#include "keys/keys.h"

#include "core/clock.h"
#include "core/log.h"
#include "keys/duration.h"

#include <stdio.h>
#include <string.h>

rg_keys_t rg_keys;

static void load_one(void *ctx, rg_key_entry_t *e)
{
    (void)ctx;
    if (rg_key_cache_insert(&rg_keys.cache, e) != RG_KEY_INSERTED) {
        rg_warn("keys: stored key %.12s... not loaded (duplicate alias or table full)", e->token);
        rg_key_entry_free(e);
    }
}

int rg_keys_open(const char *db_path, char *err, size_t errsz)
{
    if (rg_key_cache_init(&rg_keys.cache) != 0) {
        snprintf(err, errsz, "keys: out of memory");
        return -1;
    }
    rg_keys.store = rg_key_store_open(db_path, err, errsz);
    if (rg_keys.store == NULL) {
        rg_key_cache_destroy(&rg_keys.cache);
        return -1;
    }
    long n = rg_key_store_load(rg_keys.store, load_one, NULL);
    if (n < 0) {
        snprintf(err, errsz, "keys: could not read the virtual_keys table of %s", db_path);
        rg_keys_close();
        return -1;
    }
    rg_info("keys: %ld virtual key%s loaded", n, n == 1 ? "" : "s");
    return 0;
}

void rg_keys_close(void)
{
    rg_key_store_close(rg_keys.store);
    rg_keys.store = NULL;
    rg_key_cache_destroy(&rg_keys.cache);
}

int rg_keys_route(rg_route_t r)
{
    return r == RG_ROUTE_KEY_GENERATE || r == RG_ROUTE_KEY_INFO || r == RG_ROUTE_KEY_DELETE || r == RG_ROUTE_KEY_LIST;
}

static const char *pool_str(h2o_req_t *req, const char *s)
{
    return *s ? h2o_strdup(&req->pool, s, strlen(s)).base : NULL;
}

int rg_keys_authorize(rg_exchange_t *ex, const char *tok, size_t toklen)
{
    char token[RG_TOKEN_HEX + 1];
    rg_key_hash(tok, toklen, token);
    rg_key_view_t view;
    rg_key_auth_t a = rg_keys.store ? rg_key_cache_check(&rg_keys.cache, token, rg_wall_ms(), NULL, 0, &view)
                                    : RG_KEY_UNKNOWN;
    if (a == RG_KEY_OK) {
        rg_vkey_t *v = h2o_mem_alloc_pool(&ex->req->pool, sizeof(*v));
        memcpy(v->token, token, sizeof(token));
        memcpy(v->token_prefix, token, 12);
        v->token_prefix[12] = '\0';
        v->key_alias = pool_str(ex->req, view.key_alias);
        v->team_alias = pool_str(ex->req, view.team_alias);
        ex->vkey = v;
        return 1;
    }
    atomic_fetch_add(&rg_keys.auth_failures, 1);
    if (a == RG_KEY_EXPIRED) {
        char exp[32], now[32], msg[160];
        rg_time_format(view.expires_ms, exp);
        rg_time_format(rg_wall_ms(), now);
        snprintf(msg, sizeof(msg), "Authentication Error - Expired Key. Key expiry time %s and current time %s", exp,
                 now);
        rg_exchange_error(ex, RG_E_KEY_EXPIRED, msg, NULL);
    } else {
        rg_exchange_error(ex, RG_E_INVALID_KEY, NULL, NULL);
    }
    return 0;
}

int rg_keys_allow_model(rg_exchange_t *ex)
{
    rg_vkey_t *v = ex->vkey;
    if (v == NULL)
        return 1;
    const char *model = ex->model_name.base;
    size_t len = ex->model_name.len;
    rg_key_auth_t a = rg_key_cache_check(&rg_keys.cache, v->token, rg_wall_ms(), model, len, NULL);
    if (a == RG_KEY_OK)
        return 1;
    atomic_fetch_add(&rg_keys.auth_failures, 1);
    if (a == RG_KEY_MODEL_DENIED) {
        char msg[400];
        snprintf(msg, sizeof(msg), "key not allowed to access model. This key can not use model=%.*s",
                 (int)(len < 200 ? len : 200), model);
        rg_exchange_error(ex, RG_E_KEY_MODEL_DENIED, msg, "model");
    } else {
        /* deleted or expired between the header check and now */
        rg_exchange_error(ex, a == RG_KEY_EXPIRED ? RG_E_KEY_EXPIRED : RG_E_INVALID_KEY, NULL, NULL);
    }
    return 0;
}
