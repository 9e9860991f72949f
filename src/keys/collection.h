/*
 * collection.h — the collection (agent name) every gateway record carries.
 *
 * Precedence, as Akto's LiteLLM hook resolves it: the request body's
 * `metadata.agent_name` (a string), then the virtual key's alias, then its
 * team alias, then the request's Host header; the first candidate that is
 * not empty after stripping surrounding whitespace wins. When none is
 * there, "localhost". The winner is normalised: surrounding whitespace
 * stripped, ASCII lowercased, every byte outside [a-z0-9._-] replaced by
 * "-" (one "-" per UTF-8 character: continuation bytes 0x80..0xBF are
 * dropped, as Python's re.sub works on characters), cut to
 * RG_COLLECTION_MAX bytes. Unlike Python's str.lower(), non-ASCII letters
 * are not lowercased first (the Kelvin sign stays "-", not "k").
 */
#ifndef RG_KEYS_COLLECTION_H
#define RG_KEYS_COLLECTION_H

#include <jansson.h>
#include <stddef.h>

#define RG_COLLECTION_MAX 200

/* Normalises len bytes of s into out (NUL-terminated); returns the length (0 when s is blank). */
size_t rg_collection_normalise(const char *s, size_t len, char out[RG_COLLECTION_MAX + 1]);

/*
 * Picks and normalises the collection. body may be NULL (not parsed or not
 * an object); key_alias and team_alias may be NULL; host is host_len bytes
 * (may be 0). Returns the length written to out.
 */
size_t rg_collection_pick(const json_t *body, const char *key_alias, const char *team_alias, const char *host,
                          size_t host_len, char out[RG_COLLECTION_MAX + 1]);

#endif
