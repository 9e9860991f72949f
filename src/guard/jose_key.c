/*
 * jose_key.c — JWK import and signature verification (OpenSSL 3 EVP) for
 * jose.h. The JWT around the signature is in jose.c.
 */
#include "guard/jose.h"
#include "guard/jose_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_err(rg_jose_err_t *err, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_err(rg_jose_err_t *err, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->name = name;
    return -1;
}

void rg_jose_key_free(rg_jose_key_t *k)
{
    if (k == NULL)
        return;
    EVP_PKEY_free(k->pkey);
    if (k->secret)
        OPENSSL_clear_free(k->secret, k->secret_len);
    free(k);
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A base64url JWK member decoded; NULL when missing or not base64url. */
static unsigned char *member(const json_t *jwk, const char *key, size_t *len)
{
    const char *s = jstr(jwk, key);
    return s ? rg_b64url_decode(s, strlen(s), 0, len) : NULL;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
            pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static EVP_PKEY *rsa_key(const json_t *jwk)
{
    size_t nl = 0, el = 0;
    unsigned char *n = member(jwk, "n", &nl), *e = member(jwk, "e", &el);
    EVP_PKEY *pkey = NULL;
    BIGNUM *bn = n && nl ? BN_bin2bn(n, (int)nl, NULL) : NULL, *be = e && el ? BN_bin2bn(e, (int)el, NULL) : NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (bn && be && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
        pkey = from_params("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    free(n);
    free(e);
    return pkey;
}

static size_t curve_bytes(const char *crv)
{
    return !strcmp(crv, "P-256") ? 32 : !strcmp(crv, "P-384") ? 48 : !strcmp(crv, "P-521") ? 66 : 0;
}

static EVP_PKEY *ec_key(const json_t *jwk, const char *crv)
{
    static const char *const group[] = {"prime256v1", "secp384r1", "secp521r1"};
    size_t fl = curve_bytes(crv), xl = 0, yl = 0;
    const char *g = fl == 32 ? group[0] : fl == 48 ? group[1] : group[2];
    unsigned char *x = member(jwk, "x", &xl), *y = member(jwk, "y", &yl);
    EVP_PKEY *pkey = NULL;
    unsigned char pt[1 + 2 * 66];
    OSSL_PARAM_BLD *bld = NULL;
    if (x && y && xl == fl && yl == fl) {
        pt[0] = 0x04; /* uncompressed point */
        memcpy(pt + 1, x, fl);
        memcpy(pt + 1 + fl, y, fl);
        bld = OSSL_PARAM_BLD_new();
        if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g, 0) &&
            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * fl))
            pkey = from_params("EC", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    free(x);
    free(y);
    return pkey;
}

static EVP_PKEY *ed_key(const json_t *jwk)
{
    size_t xl = 0;
    unsigned char *x = member(jwk, "x", &xl);
    EVP_PKEY *pkey = x && xl == 32 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xl) : NULL;
    free(x);
    return pkey;
}

rg_jose_key_t *rg_jose_import_jwk(const json_t *jwk, rg_jose_err_t *err)
{
    if (!json_is_object(jwk)) {
        set_err(err, "TypeError", "JWK must be an object");
        return NULL;
    }
    rg_jose_key_t *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        set_err(err, "Error", "out of memory");
        return NULL;
    }
    const char *kty = jstr(jwk, "kty"), *alg = jstr(jwk, "alg");
    json_t *ops = json_object_get(jwk, "key_ops");
    if (kty && !strcmp(kty, "oct")) {
        const char *s = jstr(jwk, "k");
        if (s == NULL || *s == '\0' || (k->secret = rg_b64url_decode(s, strlen(s), 0, &k->secret_len)) == NULL) {
            set_err(err, "TypeError", "missing \"k\" (Key Value) Parameter value");
            goto fail;
        }
        k->kind = RG_JK_SECRET;
        return k;
    }
    if (kty == NULL || (strcmp(kty, "RSA") && strcmp(kty, "EC") && strcmp(kty, "OKP"))) {
        set_err(err, "JOSENotSupported", "Unsupported \"kty\" (Key Type) Parameter value");
        goto fail;
    }
    if (!strcmp(kty, "RSA") && json_object_get(jwk, "oth") && !json_is_null(json_object_get(jwk, "oth"))) {
        set_err(err, "JOSENotSupported", "RSA JWK \"oth\" (Other Primes Info) Parameter value is not supported");
        goto fail;
    }
    if (alg == NULL || *alg == '\0') {
        set_err(err, "TypeError", "\"alg\" argument is required when \"jwk.alg\" is not present");
        goto fail;
    }
    /* jose's subtleMapping: the algorithm comes from alg, not from the key */
    if (!strcmp(kty, "RSA") && (!strcmp(alg, "RS256") || !strcmp(alg, "RS384") || !strcmp(alg, "RS512") ||
                                !strcmp(alg, "PS256") || !strcmp(alg, "PS384") || !strcmp(alg, "PS512"))) {
        k->kind = alg[0] == 'R' ? RG_JK_RSA_PKCS1 : RG_JK_RSA_PSS;
        k->hash_bits = atoi(alg + 2);
    } else if (!strcmp(kty, "EC") && (!strcmp(alg, "ES256") || !strcmp(alg, "ES384") || !strcmp(alg, "ES512"))) {
        k->kind = RG_JK_ECDSA;
        k->curve = !strcmp(alg, "ES256") ? "P-256" : !strcmp(alg, "ES384") ? "P-384" : "P-521";
    } else if (!strcmp(kty, "OKP") && (!strcmp(alg, "Ed25519") || !strcmp(alg, "EdDSA"))) {
        k->kind = RG_JK_ED25519;
    } else {
        set_err(err, "JOSENotSupported", "Invalid or unsupported JWK \"alg\" (Algorithm) Parameter value");
        goto fail;
    }
    /* WebCrypto importKey("jwk"): "use" must be "sig", "crv" must fit the algorithm, the key must decode */
    const char *use = jstr(jwk, "use"), *crv = jstr(jwk, "crv");
    if (json_object_get(jwk, "use") && (use == NULL || strcmp(use, "sig"))) {
        set_err(err, "DataError", "Invalid JWK \"use\" Parameter");
        goto fail;
    }
    if (k->kind == RG_JK_ECDSA && (crv == NULL || strcmp(crv, k->curve))) {
        set_err(err, "DataError", "Named curve mismatch");
        goto fail;
    }
    if (k->kind == RG_JK_ED25519 && (crv == NULL || strcmp(crv, "Ed25519"))) {
        set_err(err, "DataError", "Invalid JWK \"crv\" Parameter");
        goto fail;
    }
    k->pkey = k->kind == RG_JK_ECDSA ? ec_key(jwk, k->curve) : k->kind == RG_JK_ED25519 ? ed_key(jwk) : rsa_key(jwk);
    if (k->pkey == NULL) {
        set_err(err, "DataError", "Invalid keyData");
        goto fail;
    }
    k->modulus_bits = k->kind == RG_JK_RSA_PKCS1 || k->kind == RG_JK_RSA_PSS ? EVP_PKEY_get_bits(k->pkey) : 0;
    k->private_jwk = json_object_get(jwk, "d") != NULL;
    /* key_ops become the key's usages */
    k->can_verify = !k->private_jwk;
    if (json_is_array(ops)) {
        size_t i;
        json_t *op;
        k->can_verify = 0;
        json_array_foreach(ops, i, op) if (json_is_string(op) && !strcmp(json_string_value(op), "verify")) k->can_verify = 1;
    }
    return k;
fail:
    rg_jose_key_free(k);
    return NULL;
}

static const EVP_MD *sha(int bits)
{
    return bits == 256 ? EVP_sha256() : bits == 384 ? EVP_sha384() : bits == 512 ? EVP_sha512() : NULL;
}

/* ECDSA: JWS's r||s into DER; NULL when the length is wrong (WebCrypto then answers false). */
static unsigned char *ecdsa_der(const unsigned char *sig, size_t len, size_t fl, int *der_len)
{
    if (len != 2 * fl)
        return NULL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)fl, NULL), *s = BN_bin2bn(sig + fl, (int)fl, NULL);
    unsigned char *der = NULL;
    if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by es now */
        *der_len = i2d_ECDSA_SIG(es, &der);
        if (*der_len <= 0)
            der = NULL;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return der;
}

static int digest_verify(EVP_PKEY *pkey, const EVP_MD *md, int pss, const unsigned char *sig, size_t siglen,
                         const unsigned char *data, size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pkey) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
    ok = ok && EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static const char *const key_names[] = {
    [RG_JK_RSA_PKCS1] = "RSASSA-PKCS1-v1_5", [RG_JK_RSA_PSS] = "RSA-PSS", [RG_JK_ECDSA] = "ECDSA",
    [RG_JK_ED25519] = "Ed25519",
};

int rg_jose_check_key(const rg_jose_key_t *k, const char *alg, rg_jose_err_t *err)
{
    int symmetric = !strncmp(alg, "HS", 2) || !strcmp(alg, "dir") || !strncmp(alg, "PBES2", 5) ||
                    (alg[0] == 'A' && (!strncmp(alg + 1, "128", 3) || !strncmp(alg + 1, "192", 3) ||
                                       !strncmp(alg + 1, "256", 3)));
    if (symmetric && k->kind != RG_JK_SECRET)
        return set_err(err, "TypeError", "CryptoKey instances for symmetric algorithms must be of type \"secret\"");
    if (!symmetric && k->kind == RG_JK_SECRET)
        return set_err(err, "TypeError",
                       "Key for the %s algorithm must be one of type CryptoKey, KeyObject, or JSON Web Key. Received an "
                       "instance of Uint8Array",
                       alg);
    if (!symmetric && k->private_jwk)
        return set_err(err, "TypeError",
                       "CryptoKey instances for asymmetric algorithm verifying must be of type \"public\"");
    return 0;
}

int rg_jose_verify_sig(const rg_jose_key_t *k, const char *alg, const unsigned char *sig, size_t siglen,
                       const unsigned char *data, size_t len, rg_jose_err_t *err)
{
    int bits = (int)strtol(alg + 2, NULL, 10);
    const char *want = NULL; /* checkSigCryptoKey: what the key must be for alg */
    if (!strcmp(alg, "HS256") || !strcmp(alg, "HS384") || !strcmp(alg, "HS512")) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int ml = 0;
        if (k->kind != RG_JK_SECRET) /* checked before; kept for safety */
            return set_err(err, "TypeError", "CryptoKey does not support this operation");
        if (HMAC(sha(bits), k->secret, (int)k->secret_len, data, len, mac, &ml) == NULL)
            return set_err(err, "Error", "HMAC failed");
        if (siglen != ml || CRYPTO_memcmp(mac, sig, ml) != 0)
            return set_err(err, "JWSSignatureVerificationFailed", "signature verification failed");
        return 0;
    }
    int kind = -1;
    if (!strcmp(alg, "RS256") || !strcmp(alg, "RS384") || !strcmp(alg, "RS512"))
        kind = RG_JK_RSA_PKCS1;
    else if (!strcmp(alg, "PS256") || !strcmp(alg, "PS384") || !strcmp(alg, "PS512"))
        kind = RG_JK_RSA_PSS;
    else if (!strcmp(alg, "ES256") || !strcmp(alg, "ES384") || !strcmp(alg, "ES512"))
        kind = RG_JK_ECDSA;
    else if (!strcmp(alg, "EdDSA") || !strcmp(alg, "Ed25519"))
        kind = RG_JK_ED25519;
    else
        return set_err(err, "TypeError", "CryptoKey does not support this operation");
    if (k->kind != kind)
        return set_err(err, "TypeError", "CryptoKey does not support this operation, its algorithm.name must be %s",
                       key_names[kind]);
    if ((kind == RG_JK_RSA_PKCS1 || kind == RG_JK_RSA_PSS) && k->hash_bits != bits)
        want = "hash";
    const char *curve = bits == 256 ? "P-256" : bits == 384 ? "P-384" : "P-521";
    if (kind == RG_JK_ECDSA && strcmp(k->curve, curve))
        return set_err(err, "TypeError",
                       "CryptoKey does not support this operation, its algorithm.namedCurve must be %s", curve);
    if (want)
        return set_err(err, "TypeError", "CryptoKey does not support this operation, its algorithm.hash must be SHA-%d",
                       bits);
    if (!k->can_verify)
        return set_err(err, "TypeError", "CryptoKey does not support this operation, its usages must include verify.");
    if ((kind == RG_JK_RSA_PKCS1 || kind == RG_JK_RSA_PSS) && k->modulus_bits < 2048)
        return set_err(err, "TypeError", "%s requires key modulusLength to be 2048 bits or larger", alg);
    int ok;
    if (kind == RG_JK_ECDSA) {
        int dl = 0;
        unsigned char *der = ecdsa_der(sig, siglen, curve_bytes(k->curve), &dl);
        ok = der && digest_verify(k->pkey, sha(bits), 0, der, (size_t)dl, data, len);
        OPENSSL_free(der);
    } else {
        ok = digest_verify(k->pkey, kind == RG_JK_ED25519 ? NULL : sha(bits), kind == RG_JK_RSA_PSS, sig, siglen, data,
                           len);
    }
    if (!ok)
        return set_err(err, "JWSSignatureVerificationFailed", "signature verification failed");
    return 0;
}
