/*
 * duration.h — key expiry as LiteLLM writes it, and timestamps.
 *
 * A duration is a whole number and a unit, as LiteLLM's `duration`: "30s",
 * "30m", "30h", "30d", "2w", "1mo" (30 days) or "1y" (365 days); spaces
 * around it are allowed, nothing else is. At most 9 digits, and the result
 * at most 200 years, so the arithmetic cannot overflow.
 *
 * A timestamp is ISO 8601 as LiteLLM prints `expires`: "YYYY-MM-DD", with
 * an optional "THH:MM", ":SS", ".fraction" (ignored) and zone ("Z" or
 * ±HH:MM; none means UTC). Years 1970..9999.
 */
#ifndef RG_KEYS_DURATION_H
#define RG_KEYS_DURATION_H

#include <stddef.h>
#include <stdint.h>

#define RG_DURATION_MAX_S (200LL * 365 * 86400)

/* 0 and *seconds, or -1 when s is not a duration. */
int rg_duration_parse(const char *s, size_t len, int64_t *seconds);
/* 0 and *ms since the epoch, or -1 when s is not a timestamp. */
int rg_time_parse(const char *s, size_t len, int64_t *ms);
/* "YYYY-MM-DDTHH:MM:SSZ" of ms since the epoch (UTC) into out[32]. */
void rg_time_format(int64_t ms, char out[32]);

#endif
