/*
 * jose.h — JSON Web Keys and JWT verification on OpenSSL 3, the way jose
 * 6.0 (the library behind Portkey 1.15.2's default.jwt) does them: the same
 * algorithms, the same checks in the same order, the same error messages.
 *
 * Algorithms: RS256/384/512 and PS256/384/512 (RSA keys of 2048 bits or
 * more), ES256/384/512 (P-256/384/521, JWS raw r||s signatures),
 * EdDSA/Ed25519, and HS256/384/512 with an "oct" JWK (jose verifies those
 * too when a JWK Set publishes a symmetric key). Claims: exp, nbf, iat
 * with clockTolerance and maxTokenAge; no issuer or audience (Portkey sets
 * none).
 *
 * Everything here is pure: keys are immutable once imported and may be
 * used from any thread.
 */
#ifndef RG_GUARD_JOSE_H
#define RG_GUARD_JOSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_jose_key rg_jose_key_t;

typedef struct rg_jose_err {
    const char *name; /* the JavaScript error's name: "TypeError", "JOSENotSupported", ... */
    char message[256];
} rg_jose_err_t;

/* jose importJWK(jwk, jwk.alg) followed by WebCrypto's importKey checks. NULL with err. */
rg_jose_key_t *rg_jose_import_jwk(const json_t *jwk, rg_jose_err_t *err);
void rg_jose_key_free(rg_jose_key_t *k);

typedef struct rg_jwt_opts {
    int64_t now;                 /* seconds since the epoch */
    double tolerance;            /* clockTolerance in seconds */
    const char *tolerance_error; /* non-NULL: jose's error for an unusable clockTolerance */
    double max_age;              /* maxTokenAge in seconds */
    const char *max_age_error;   /* non-NULL: jose's error for an unusable maxTokenAge */
} rg_jwt_opts_t;

/* jose jwtVerify(token, key, {clockTolerance, maxTokenAge}): 0, or -1 with err. */
int rg_jose_jwt_verify(const char *token, size_t len, const rg_jose_key_t *k, const rg_jwt_opts_t *o,
                       rg_jose_err_t *err);

/*
 * base64url decoding. strict: jose's decoder (both alphabets, whitespace
 * skipped, optional padding, a length of 4n+1 rejected); lenient: Node's
 * Buffer.from(s, 'base64url') (other characters ignored, stops at '=').
 * malloc'd (NUL-terminated for convenience), NULL when invalid.
 */
unsigned char *rg_b64url_decode(const char *s, size_t len, int lenient, size_t *out_len);

/* jose's secs(): "1d", "2 hours", "-5m", "30 s ago" → seconds. 0, or -1 ("Invalid time period format"). */
int rg_jose_secs(const char *s, double *out);

#endif
