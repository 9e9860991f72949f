/*
 * guard_cache.h — compiled request-supplied hook configs, cached per worker.
 *
 * Clients tend to send the same x-portkey-config on every request. Compiling
 * it (regexes, schemas) costs far more than the lookup, so each worker keeps
 * the last RG_GUARD_CACHE_SLOTS configs it compiled, keyed by the header's
 * exact bytes. Entries are reference-counted: a request (or its background
 * hooks) holds the entry it uses, and an entry pushed out of the cache is
 * freed when its last holder lets go. Worker-local: no locking.
 *
 * Network checks in request-supplied hooks (webhook, log, jwt) may only call
 * hosts in railgate_settings.request_hook_hosts: a check whose URL names
 * another host is turned into an error result at compile time (it fails
 * open unless failOnError), so a client cannot make the gateway call
 * addresses inside the operator's network. An entry remembers the config
 * generation it was checked against and is rebuilt after a reload.
 */
#ifndef RG_GUARD_CACHE_H
#define RG_GUARD_CACHE_H

#include "guard/hook.h"

#include <stddef.h>
#include <stdint.h>

#define RG_GUARD_CACHE_SLOTS 64

typedef struct rg_guard_cfg {
    int refs;
    uint64_t hash;
    char *key;
    size_t key_len;
    uint64_t used;      /* LRU clock */
    rg_hook_list_t before, after;
    int strict_false;   /* strict_open_ai_compliance: false in the config */
    uint64_t gen;       /* the config generation whose request_hook_hosts it was checked against */
    int has_hooks;
} rg_guard_cfg_t;

typedef struct rg_guard_cache {
    rg_guard_cfg_t *slot[RG_GUARD_CACHE_SLOTS];
    uint64_t clock;
    uint64_t hits, misses;
} rg_guard_cache_t;

/*
 * The compiled config for these header bytes, with a reference for the
 * caller; NULL with err set when the header is not a usable config.
 */
rg_guard_cfg_t *rg_guard_cache_get(rg_guard_cache_t *c, const char *hdr, size_t len, const char *const *hosts,
                                   uint64_t gen, char *err, size_t errsz);
void rg_guard_cfg_release(rg_guard_cfg_t *e);
void rg_guard_cache_clear(rg_guard_cache_t *c);

#endif
