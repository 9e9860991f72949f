/*
 * token.h — virtual key material: making a key and hashing it.
 *
 * A key is "sk-" followed by 32 bytes from OpenSSL's CSPRNG (RAND_bytes) in
 * unpadded base64url: 46 characters. Only its SHA-256 in lowercase hex (64
 * characters, LiteLLM's `token`) is ever stored; the plaintext is handed to
 * the client once, by /key/generate.
 */
#ifndef RG_KEYS_TOKEN_H
#define RG_KEYS_TOKEN_H

#include <stddef.h>

#define RG_KEY_RAW_BYTES 32
#define RG_KEY_LEN (3 + 43)  /* "sk-" + base64url(32 bytes) without padding */
#define RG_TOKEN_HEX 64      /* SHA-256 in hex */
#define RG_KEY_NAME_LEN 10   /* "sk-...abcd" */

/* Writes a new key and its NUL into out[RG_KEY_LEN + 1]. Returns 0, or -1 when the CSPRNG failed. */
int rg_key_make(char out[RG_KEY_LEN + 1]);
/* SHA-256 of the len bytes of key, as 64 lowercase hex digits and a NUL. */
void rg_key_hash(const char *key, size_t len, char hex[RG_TOKEN_HEX + 1]);
/* 1 when s is exactly 64 lowercase or uppercase hex digits (a token, not a key). */
int rg_key_is_token(const char *s, size_t len);
/* LiteLLM's abbreviation shown instead of the key: "sk-...<last 4>". */
void rg_key_name(const char *key, size_t len, char out[RG_KEY_NAME_LEN + 1]);

#endif
