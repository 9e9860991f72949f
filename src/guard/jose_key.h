/*
 * jose_key.h — inside jose.h: the imported key and the signature check,
 * shared by jose_key.c (JWK import, EVP verification) and jose.c (the JWT).
 */
#ifndef RG_GUARD_JOSE_KEY_H
#define RG_GUARD_JOSE_KEY_H

#include "guard/jose.h"

#include <openssl/evp.h>

enum { RG_JK_RSA_PKCS1, RG_JK_RSA_PSS, RG_JK_ECDSA, RG_JK_ED25519, RG_JK_SECRET };

struct rg_jose_key {
    int kind;
    int hash_bits;      /* RSA kinds: 256, 384, 512 */
    const char *curve;  /* ECDSA: "P-256", "P-384", "P-521" */
    int modulus_bits;   /* RSA kinds */
    int can_verify;     /* the key's usages include verify */
    int private_jwk;    /* the JWK carried "d" */
    EVP_PKEY *pkey;
    unsigned char *secret; /* RG_JK_SECRET */
    size_t secret_len;
};

/* jose checkKeyType(alg, key, "verify"). 0, or -1 with err. */
int rg_jose_check_key(const rg_jose_key_t *k, const char *alg, rg_jose_err_t *err);
/* The key's checks for alg (checkSigCryptoKey, usages, RSA length), then the signature over data. 0, or -1 with err. */
int rg_jose_verify_sig(const rg_jose_key_t *k, const char *alg, const unsigned char *sig, size_t siglen,
                       const unsigned char *data, size_t len, rg_jose_err_t *err);

#endif
