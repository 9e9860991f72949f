#include "api/guard_cache.h"

#include "core/json_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

void rg_guard_cfg_release(rg_guard_cfg_t *e)
{
    if (e == NULL || --e->refs > 0)
        return;
    rg_hook_list_free(&e->before);
    rg_hook_list_free(&e->after);
    free(e->key);
    free(e);
}

static rg_guard_cfg_t *compile(const char *hdr, size_t len, uint64_t hash, char *err, size_t errsz)
{
    rg_json_error_t jerr;
    json_t *config = rg_json_loadb(hdr, len, 1, &jerr);
    if (config == NULL || !json_is_object(config)) {
        if (config)
            snprintf(err, errsz, "x-portkey-config must be a JSON object (saved config ids are not supported: send "
                                 "the config itself)");
        else
            snprintf(err, errsz, "x-portkey-config is not valid JSON: %s at column %d", jerr.text, jerr.column);
        json_decref(config);
        return NULL;
    }
    rg_guard_cfg_t *e = calloc(1, sizeof(*e));
    if (e == NULL || (e->key = malloc(len ? len : 1)) == NULL) {
        free(e);
        json_decref(config);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    memcpy(e->key, hdr, len);
    e->key_len = len;
    e->hash = hash;
    e->refs = 1;
    e->strict_false = json_is_false(json_object_get(config, "strict_open_ai_compliance"));
    int rc = rg_hooks_from_portkey(config, 0, &e->before, &e->after, err, errsz);
    json_decref(config);
    if (rc != 0) {
        rg_guard_cfg_release(e);
        return NULL;
    }
    e->has_hooks = e->before.n > 0 || e->after.n > 0;
    return e;
}

rg_guard_cfg_t *rg_guard_cache_get(rg_guard_cache_t *c, const char *hdr, size_t len, char *err, size_t errsz)
{
    uint64_t h = fnv1a(hdr, len);
    size_t victim = 0;
    for (size_t i = 0; i < RG_GUARD_CACHE_SLOTS; i++) {
        rg_guard_cfg_t *e = c->slot[i];
        if (e == NULL) {
            victim = i;
            break;
        }
        if (e->hash == h && e->key_len == len && memcmp(e->key, hdr, len) == 0) {
            e->used = ++c->clock;
            e->refs++;
            c->hits++;
            return e;
        }
        if (c->slot[victim] && e->used < c->slot[victim]->used)
            victim = i;
    }
    c->misses++;
    rg_guard_cfg_t *e = compile(hdr, len, h, err, errsz);
    if (e == NULL)
        return NULL; /* bad configs are not cached: they are answered with 400 and cost little */
    rg_guard_cfg_release(c->slot[victim]);
    c->slot[victim] = e;
    e->used = ++c->clock;
    e->refs++; /* one for the cache, one for the caller */
    return e;
}

void rg_guard_cache_clear(rg_guard_cache_t *c)
{
    for (size_t i = 0; i < RG_GUARD_CACHE_SLOTS; i++) {
        rg_guard_cfg_release(c->slot[i]);
        c->slot[i] = NULL;
    }
}
