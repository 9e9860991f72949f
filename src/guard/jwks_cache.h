/*
 * jwks_cache.h — the process-wide cache of JSON Web Key Sets fetched by
 * default.jwt, keyed by jwksUri. Workers are threads: one mutex guards it.
 * Entries hold the JWKS text (each user parses its own copy, so no JSON
 * object is shared between threads) and expire after the cacheMaxAge of
 * the check that stored them. At most RG_JWKS_CACHE_MAX URIs; a new one
 * pushes out the oldest fetch.
 */
#ifndef RG_GUARD_JWKS_CACHE_H
#define RG_GUARD_JWKS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define RG_JWKS_CACHE_MAX 64

/* A malloc'd copy of the fresh JWKS for uri and its age in seconds, or NULL. */
char *rg_jwks_cache_get(const char *uri, size_t *len, double *age_s);
void rg_jwks_cache_put(const char *uri, const char *text, size_t len, double max_age_s);
void rg_jwks_cache_clear(void);
/* Tests: the monotonic clock in microseconds (NULL restores the real one). */
void rg_jwks_cache_set_clock(int64_t (*now_us)(void));

#endif
