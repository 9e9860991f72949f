/*
 * test_check_jwt.c — default.jwt (Portkey 1.15.2 plugins/default/jwt.ts on
 * jose 6.0) with keys made at run time and tokens signed here with OpenSSL,
 * JWKS served by a scripted io (fake_io.h): valid tokens for every
 * algorithm, expiry, clock tolerance, maxTokenAge, bad signatures,
 * algorithm/key mismatches, unknown kid, a missing header, JWKS failures
 * (case 33's data) and the per-process JWKS cache. Also jose's secs().
 */
#include "guard/check.h"
#include "guard/jose.h"
#include "guard/jwks_cache.h"

#include "fake_io.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

extern const rg_check_ops_t rg_check_jwt;

#define URI "http://127.0.0.1:18080/jwks"

static EVP_PKEY *rsa, *rsa_small, *ec, *ed;
static char *jwks; /* the JWKS of the keys above, plus an oct key "hs" */
static const unsigned char hs_secret[] = "test-only-hmac-secret-32-bytes!!";

/* ---- token making ----------------------------------------------------------- */

static char *b64u(const unsigned char *p, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *o = malloc(n * 4 / 3 + 4), *q = o;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *q++ = a[v >> 18], *q++ = a[(v >> 12) & 63], *q++ = a[(v >> 6) & 63], *q++ = a[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        *q++ = a[v >> 18], *q++ = a[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        *q++ = a[v >> 18], *q++ = a[(v >> 12) & 63], *q++ = a[(v >> 6) & 63];
    }
    *q = '\0';
    return o;
}

static char *b64s(const char *s)
{
    return b64u((const unsigned char *)s, strlen(s));
}

static const EVP_MD *md_of(const char *alg)
{
    return strstr(alg, "384") ? EVP_sha384() : strstr(alg, "512") ? EVP_sha512() : EVP_sha256();
}

/* header.payload.signature with alg over key (JWS raw r||s for ECDSA) */
static char *sign_token(const char *alg, const char *kid, EVP_PKEY *key, const char *payload)
{
    char hdr[256];
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\"%s%s%s}", alg, kid ? ",\"kid\":\"" : "", kid ? kid : "",
             kid ? "\"" : "");
    char *h = b64s(hdr), *p = b64s(payload);
    size_t il = strlen(h) + 1 + strlen(p);
    char *input = malloc(il + 1);
    sprintf(input, "%s.%s", h, p);
    unsigned char sig[1024];
    size_t sl = sizeof(sig);
    if (!strncmp(alg, "HS", 2)) {
        unsigned int ml;
        HMAC(md_of(alg), hs_secret, (int)strlen((const char *)hs_secret), (unsigned char *)input, il, sig, &ml);
        sl = ml;
    } else {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX *pctx;
        int eddsa = !strcmp(alg, "EdDSA");
        assert_int_equal(EVP_DigestSignInit(ctx, &pctx, eddsa ? NULL : md_of(alg), NULL, key), 1);
        if (alg[0] == 'P') {
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
        }
        assert_int_equal(EVP_DigestSign(ctx, sig, &sl, (unsigned char *)input, il), 1);
        EVP_MD_CTX_free(ctx);
        if (alg[0] == 'E' && !eddsa) { /* DER → r||s */
            const unsigned char *d = sig;
            ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &d, (long)sl);
            assert_non_null(es);
            BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32);
            BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32);
            sl = 64;
            ECDSA_SIG_free(es);
        }
    }
    char *s = b64u(sig, sl);
    char *tok = malloc(il + strlen(s) + 2);
    sprintf(tok, "%s.%s", input, s);
    free(h);
    free(p);
    free(input);
    free(s);
    return tok;
}

static char *claims(long iat_off, const char *extra)
{
    static char buf[256];
    long now = (long)time(NULL);
    snprintf(buf, sizeof(buf), "{\"sub\":\"u-1\",\"iat\":%ld%s%s}", now + iat_off, extra ? "," : "", extra ? extra : "");
    return buf;
}

static char *jwk_rsa(EVP_PKEY *k, const char *kid, const char *alg)
{
    BIGNUM *n = NULL, *e = NULL;
    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e);
    unsigned char nb[1024], eb[8];
    int nl = BN_bn2bin(n, nb), el = BN_bn2bin(e, eb);
    char *ns = b64u(nb, (size_t)nl), *es = b64u(eb, (size_t)el);
    char *out = malloc(strlen(ns) + 200);
    sprintf(out, "{\"kty\":\"RSA\",\"kid\":\"%s\",\"alg\":\"%s\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"}", kid, alg, ns, es);
    BN_free(n);
    BN_free(e);
    free(ns);
    free(es);
    return out;
}

static int setup(void **state)
{
    (void)state;
    rsa = EVP_RSA_gen(2048);
    rsa_small = EVP_RSA_gen(1024);
    ec = EVP_EC_gen("P-256");
    ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!rsa || !rsa_small || !ec || !ed)
        return -1;
    unsigned char pt[65], raw[32];
    size_t pl = 0, rl = sizeof(raw);
    EVP_PKEY_get_octet_string_param(ec, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &pl);
    EVP_PKEY_get_raw_public_key(ed, raw, &rl);
    if (pl != 65 || pt[0] != 4)
        return -1;
    char *x = b64u(pt + 1, 32), *y = b64u(pt + 33, 32), *ex = b64u(raw, 32);
    char *r1 = jwk_rsa(rsa, "rsa", "RS256"), *r2 = jwk_rsa(rsa, "rsa-ps", "PS256"), *r3 = jwk_rsa(rsa_small, "small", "RS256");
    char *k = b64u(hs_secret, strlen((const char *)hs_secret));
    jwks = malloc(8192);
    snprintf(jwks, 8192,
             "{\"keys\":[%s,%s,%s,{\"kty\":\"EC\",\"kid\":\"ec\",\"alg\":\"ES256\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"},"
             "{\"kty\":\"OKP\",\"kid\":\"ed\",\"alg\":\"EdDSA\",\"crv\":\"Ed25519\",\"x\":\"%s\"},"
             "{\"kty\":\"oct\",\"kid\":\"hs\",\"alg\":\"HS256\",\"k\":\"%s\"},"
             "{\"kty\":\"RSA\",\"kid\":\"noalg\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
             "{\"kty\":\"EC\",\"kid\":\"badcrv\",\"alg\":\"ES384\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}",
             r1, r2, r3, x, y, ex, k, x, y);
    free(x), free(y), free(ex), free(r1), free(r2), free(r3), free(k);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(rsa_small);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(ed);
    free(jwks);
    rg_jwks_cache_clear();
    return 0;
}

/* ---- running the check ---------------------------------------------------------- */

typedef struct {
    const char *name, *value;
} hdr_t;

static const char *hdr_lookup(void *ctx, const char *name, size_t *len)
{
    const hdr_t *h = ctx; /* case-insensitive, as Railgate's request headers are */
    for (; h && h->name; h++)
        if (strcasecmp(h->name, name) == 0) {
            *len = strlen(h->value);
            return h->value;
        }
    return NULL;
}

static json_t *J(const char *s)
{
    json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
    if (j == NULL)
        fail_msg("bad JSON in test: %s", s);
    return j;
}

static void count_done(void *arg)
{
    (*(int *)arg)++;
}

/* as run_jwt, checking the contract: done once, before start returns */
static void check(const char *params, const char *auth, fake_io_t *io, rg_check_result_t *res)
{
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J(params);
    void *c = rg_check_jwt.compile(p, err, sizeof(err));
    json_decref(p);
    if (c == NULL)
        fail_msg("compile: %s", err);
    hdr_t hdrs[] = {{"authorization", auth}, {NULL, NULL}};
    rg_guard_text_t text = {.joined = "", .joined_len = 0};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .text = &text, .header = hdr_lookup,
                          .header_ctx = auth ? (void *)hdrs : NULL, .io = io ? &io->io : NULL};
    memset(res, 0, sizeof(*res));
    int done = 0;
    assert_null(rg_check_jwt.start(c, &env, res, count_done, &done));
    assert_int_equal(done, 1);
    rg_check_jwt.free(c);
}

/* Runs default.jwt with `params` on a request whose headers are hdrs; io answers synchronously. */
static void run_jwt(const char *params, const hdr_t *hdrs, fake_io_t *io, rg_check_result_t *res)
{
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J(params);
    void *c = rg_check_jwt.compile(p, err, sizeof(err));
    json_decref(p);
    if (c == NULL)
        fail_msg("compile: %s", err);
    rg_guard_text_t text = {.joined = "", .joined_len = 0};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .text = &text, .header = hdr_lookup, .header_ctx = (void *)hdrs,
                          .io = io ? &io->io : NULL};
    memset(res, 0, sizeof(*res));
    int done = 0;
    assert_null(rg_check_jwt.start(c, &env, res, count_done, &done));
    assert_int_equal(done, 1);
    rg_check_jwt.free(c);
}

static const char *explanation(const rg_check_result_t *res)
{
    return json_string_value(json_object_get(res->data, "explanation"));
}

static fake_io_t *jwks_io(void)
{
    fake_io_t *io = fake_new(0);
    io->dflt.body = jwks;
    return io;
}

#define P "{\"jwksUri\":\"" URI "\"}"

static void valid_tokens_every_algorithm(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    fake_io_t *io = jwks_io();
    struct {
        const char *alg, *kid;
        EVP_PKEY *key;
    } cases[] = {{"RS256", "rsa", rsa}, {"PS256", "rsa-ps", rsa}, {"ES256", "ec", ec}, {"EdDSA", "ed", ed}, {"HS256", "hs", NULL}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *tok = sign_token(cases[i].alg, cases[i].kid, cases[i].key, claims(-10, NULL));
        /* /^Bearer\s+/i then trim(): any case, any run of white space, surrounding space */
        static const char *const prefix[] = {"Bearer ", "bearer  ", "BEARER\t", "bEaReR \t ", ""};
        char auth[2048];
        snprintf(auth, sizeof(auth), i == 4 ? "  %s%s \t" : "%s%s ", prefix[i], tok);
        rg_check_result_t res;
        check(P, auth, io, &res);
        if (res.verdict != 1)
            fail_msg("%s: %s", cases[i].alg, explanation(&res));
        assert_string_equal(res.error, "");
        char *d = json_dumps(res.data, JSON_COMPACT);
        assert_string_equal(d, "{\"verdict\":true,\"explanation\":\"JWT token validation succeeded\"}");
        free(d);
        rg_check_result_clear(&res, 0);
        free(tok);
    }
    /* the JWKS was fetched once (GET, redirects followed, capped), then served from the cache */
    assert_int_equal(io->n_calls, 1);
    assert_string_equal(io->calls[0].method, "GET");
    assert_string_equal(io->calls[0].url, URI);
    assert_int_equal(io->calls[0].follow, 1);
    assert_int_equal(io->calls[0].max_reply, 256u << 10);
    fake_free(io);
}

static void claim_failures(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    fake_io_t *io = jwks_io();
    struct {
        const char *params;
        long iat;
        const char *extra;
        const char *want; /* NULL: valid */
    } cases[] = {
        {P, -10, "\"exp\":1", "JWT validation error: \"exp\" claim timestamp check failed"},
        {P, -100, "\"exp\":EXP-3", NULL}, /* 3 s past exp: within the default 5 s tolerance */
        {P, -100, "\"exp\":EXP-10", "JWT validation error: \"exp\" claim timestamp check failed"},
        {"{\"jwksUri\":\"" URI "\",\"clockTolerance\":\"20s\"}", -100, "\"exp\":EXP-10", NULL},
        {P, -10, "\"nbf\":EXP+60", "JWT validation error: \"nbf\" claim timestamp check failed"},
        {P, -90000, NULL, "JWT validation error: \"iat\" claim timestamp check failed (too far in the past)"},
        {"{\"jwksUri\":\"" URI "\",\"maxTokenAge\":\"2 days\"}", -90000, NULL, NULL},
        {"{\"jwksUri\":\"" URI "\",\"maxTokenAge\":\"1h\"}", -3700, NULL,
         "JWT validation error: \"iat\" claim timestamp check failed (too far in the past)"},
        {"{\"jwksUri\":\"" URI "\",\"maxTokenAge\":3600}", -3000, NULL, NULL},
        {P, 600, NULL, "JWT validation error: \"iat\" claim timestamp check failed (it should be in the past)"},
        {"{\"jwksUri\":\"" URI "\",\"maxTokenAge\":\"soon\"}", -10, NULL, "JWT validation error: Invalid time period format"},
        {"{\"jwksUri\":\"" URI "\",\"clockTolerance\":true}", -10, NULL,
         "JWT validation error: Invalid clockTolerance option type"},
    };
    long now = (long)time(NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char extra[128] = "";
        if (cases[i].extra) {
            const char *e = cases[i].extra, *x = strstr(e, "EXP");
            if (x) {
                long off = strtol(x + 3, NULL, 10);
                snprintf(extra, sizeof(extra), "%.*s%ld", (int)(x - e), e, now + off);
            } else {
                snprintf(extra, sizeof(extra), "%s", e);
            }
        }
        char *tok = sign_token("RS256", "rsa", rsa, claims(cases[i].iat, cases[i].extra ? extra : NULL));
        rg_check_result_t res;
        check(cases[i].params, tok, io, &res);
        if (cases[i].want == NULL) {
            if (res.verdict != 1)
                fail_msg("case %zu: %s", i, explanation(&res));
        } else {
            assert_int_equal(res.verdict, 0);
            assert_string_equal(explanation(&res), cases[i].want);
        }
        assert_string_equal(res.error, ""); /* verification failures are not errors: no fail-open */
        rg_check_result_clear(&res, 0);
        free(tok);
    }
    /* no iat at all: maxTokenAge is always on */
    char *tok = sign_token("RS256", "rsa", rsa, "{\"sub\":\"u\"}");
    rg_check_result_t res;
    check(P, tok, io, &res);
    assert_string_equal(explanation(&res), "JWT validation error: missing required \"iat\" claim");
    rg_check_result_clear(&res, 0);
    free(tok);
    fake_free(io);
}

static void signature_and_key_failures(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    fake_io_t *io = jwks_io();
    rg_check_result_t res;
    /* tampered payload */
    char *tok = sign_token("RS256", "rsa", rsa, claims(-10, NULL));
    char *dot = strchr(tok, '.');
    char *other = b64s(claims(-10, "\"admin\":true"));
    char *forged = malloc(strlen(tok) + strlen(other) + 2);
    sprintf(forged, "%.*s.%s%s", (int)(dot - tok), tok, other, strrchr(tok, '.'));
    check(P, forged, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(explanation(&res), "JWT validation error: signature verification failed");
    assert_string_equal(res.error, "");
    rg_check_result_clear(&res, 0);
    free(forged);
    free(other);
    /* signed by another key under the same kid */
    EVP_PKEY *stranger = EVP_RSA_gen(2048);
    char *t2 = sign_token("RS256", "rsa", stranger, claims(-10, NULL));
    check(P, t2, io, &res);
    assert_string_equal(explanation(&res), "JWT validation error: signature verification failed");
    rg_check_result_clear(&res, 0);
    free(t2);
    EVP_PKEY_free(stranger);
    /* algorithm and key disagree */
    struct {
        const char *alg, *kid;
        EVP_PKEY *key;
        const char *want;
        int is_error;
    } cases[] = {
        {"RS384", "rsa", rsa, "CryptoKey does not support this operation, its algorithm.hash must be SHA-384", 0},
        {"PS256", "rsa", rsa, "CryptoKey does not support this operation, its algorithm.name must be RSA-PSS", 0},
        {"ES256", "rsa", ec, "CryptoKey does not support this operation, its algorithm.name must be ECDSA", 0},
        {"HS256", "rsa", NULL, "CryptoKey instances for symmetric algorithms must be of type \"secret\"", 0},
        {"RS256", "hs", rsa,
         "Key for the RS256 algorithm must be one of type CryptoKey, KeyObject, or JSON Web Key. Received an instance "
         "of Uint8Array",
         0},
        {"RS256", "small", rsa_small, "RS256 requires key modulusLength to be 2048 bits or larger", 0},
        /* JWKs that do not import are errors (fail-open), as jose's importJWK throws outside jwtVerify */
        {"RS256", "noalg", rsa, "\"alg\" argument is required when \"jwk.alg\" is not present", 1},
        {"ES384", "badcrv", ec, "Named curve mismatch", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *t = sign_token(cases[i].alg, cases[i].kid, cases[i].key ? cases[i].key : rsa, claims(-10, NULL));
        check(P, t, io, &res);
        assert_int_equal(res.verdict, 0);
        char want[512];
        snprintf(want, sizeof(want), "JWT validation error: %s", cases[i].want);
        assert_string_equal(explanation(&res), want);
        if (cases[i].is_error)
            assert_string_equal(res.error, cases[i].want);
        else
            assert_string_equal(res.error, "");
        rg_check_result_clear(&res, 0);
        free(t);
    }
    /* not a JWT: the header does not decode as JSON → an error (SyntaxError), like Portkey's JSON.parse */
    check(P, "Bearer not-a-jwt", io, &res);
    assert_string_equal(res.error_name, "SyntaxError");
    assert_int_equal(res.verdict, 0);
    rg_check_result_clear(&res, 0);
    /* three parts, garbage signature */
    char *t3 = sign_token("RS256", "rsa", rsa, claims(-10, NULL));
    strcpy(strrchr(t3, '.') + 1, "***");
    check(P, t3, io, &res);
    assert_string_equal(explanation(&res), "JWT validation error: Failed to base64url decode the signature");
    rg_check_result_clear(&res, 0);
    free(t3);
    free(tok);
    assert_int_equal(io->n_calls, 1);
    fake_free(io);
}

static int64_t fake_now_us;
static int64_t fake_clock(void)
{
    return fake_now_us;
}

static void unknown_kid_and_cache(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    rg_jwks_cache_set_clock(fake_clock);
    fake_now_us = 1000000000;
    fake_io_t *io = jwks_io();
    rg_check_result_t res;
    char *tok = sign_token("RS256", "rotated", rsa, claims(-10, NULL));
    /* fresh fetch, kid unknown: no second fetch right away */
    check(P, tok, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error, "");
    assert_string_equal(explanation(&res), "No matching key found for kid");
    assert_int_equal(io->n_calls, 1);
    rg_check_result_clear(&res, 0);
    /* cached copy younger than 10 s: no refetch either */
    fake_now_us += 5 * 1000000LL;
    check(P, tok, io, &res);
    assert_int_equal(io->n_calls, 1);
    rg_check_result_clear(&res, 0);
    /* older: one refetch */
    fake_now_us += 10 * 1000000LL;
    check(P, tok, io, &res);
    assert_int_equal(io->n_calls, 2);
    assert_string_equal(explanation(&res), "No matching key found for kid");
    rg_check_result_clear(&res, 0);
    free(tok);
    /* no kid at all */
    char *nokid = sign_token("RS256", NULL, rsa, claims(-10, NULL));
    check(P, nokid, io, &res);
    assert_string_equal(explanation(&res), "No matching key found for kid");
    rg_check_result_clear(&res, 0);
    free(nokid);
    /* cacheMaxAge: after it the JWKS is fetched again */
    char *good = sign_token("RS256", "rsa", rsa, claims(-10, NULL));
    rg_jwks_cache_clear();
    size_t n0 = io->n_calls;
    check("{\"jwksUri\":\"" URI "\",\"cacheMaxAge\":60}", good, io, &res);
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 0);
    fake_now_us += 59 * 1000000LL;
    check("{\"jwksUri\":\"" URI "\",\"cacheMaxAge\":60}", good, io, &res);
    assert_int_equal(io->n_calls, n0 + 1);
    rg_check_result_clear(&res, 0);
    fake_now_us += 2 * 1000000LL;
    check("{\"jwksUri\":\"" URI "\",\"cacheMaxAge\":60}", good, io, &res);
    assert_int_equal(io->n_calls, n0 + 2);
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 0);
    /* a cached JWKS needs no io at all */
    check("{\"jwksUri\":\"" URI "\",\"cacheMaxAge\":60}", good, NULL, &res);
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 0);
    free(good);
    rg_jwks_cache_set_clock(NULL);
    fake_free(io);
}

static void missing_header_and_jwks_failures(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    fake_io_t *io = fake_new(0);
    rg_check_result_t res;
    /* case 32's data, without any I/O */
    check(P, NULL, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error, "");
    char *d = json_dumps(res.data, JSON_COMPACT);
    assert_string_equal(d, "{\"verdict\":false,\"explanation\":\"Missing authorization header\"}");
    free(d);
    rg_check_result_clear(&res, 0);
    check(P, "", io, &res);
    assert_string_equal(explanation(&res), "Missing authorization header");
    rg_check_result_clear(&res, 0);
    assert_int_equal(io->n_calls, 0);

    /* case 33: the JWKS URL answers 404 → an error with Portkey's data (fail-open unless failOnError) */
    char *tok = sign_token("RS256", "rsa", rsa, claims(-10, NULL));
    io->dflt.status = 404;
    io->dflt.body = "{\"error\":\"not found\"}";
    check(P, tok, io, &res);
    assert_int_equal(res.verdict, 0);
    assert_string_equal(res.error_name, "Error");
    assert_string_equal(res.error, "Failed to fetch JWKS from " URI);
    d = json_dumps(res.data, JSON_COMPACT);
    assert_string_equal(d, "{\"verdict\":false,\"explanation\":\"JWT validation error: Failed to fetch JWKS from " URI "\"}");
    free(d);
    rg_check_result_clear(&res, 0);
    /* failures are not cached */
    check(P, tok, io, &res);
    assert_int_equal(io->n_calls, 2);
    rg_check_result_clear(&res, 0);
    io->dflt.status = 200;
    io->dflt.timed_out = 1;
    check(P, tok, io, &res);
    assert_string_equal(res.error, "Request timed out after 3000ms");
    rg_check_result_clear(&res, 0);
    io->dflt.timed_out = 0;
    io->dflt.fail = 1;
    check(P, tok, io, &res);
    assert_string_equal(res.error, "fetch failed");
    rg_check_result_clear(&res, 0);
    io->dflt.fail = 0;
    io->dflt.body = "<html>";
    check(P, tok, io, &res);
    assert_string_equal(res.error_name, "SyntaxError");
    rg_check_result_clear(&res, 0);
    /* no io and nothing cached */
    check(P, tok, NULL, &res);
    assert_true(res.error[0] != '\0');
    rg_check_result_clear(&res, 0);
    free(tok);
    fake_free(io);
}

/* headerKey: matched case-insensitively (Railgate's choice; Portkey's default never matches, case 32) */
static void header_key(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    fake_io_t *io = jwks_io();
    char *tok = sign_token("ES256", "ec", ec, claims(-10, NULL));
    rg_check_result_t res;
    check(P, tok, io, &res); /* default "Authorization" finds the lower-case header */
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 0);
    hdr_t hdrs[] = {{"x-user-token", tok}, {NULL, NULL}};
    run_jwt("{\"jwksUri\":\"" URI "\",\"headerKey\":\"X-User-Token\"}", hdrs, io, &res);
    assert_int_equal(res.verdict, 1); /* a bare token (no "Bearer") is fine too */
    rg_check_result_clear(&res, 0);
    run_jwt("{\"jwksUri\":\"" URI "\",\"headerKey\":\"X-Other\"}", hdrs, io, &res);
    assert_string_equal(explanation(&res), "Missing authorization header");
    rg_check_result_clear(&res, 0);
    free(tok);
    fake_free(io);
}

static void parameters(void **state)
{
    (void)state;
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J("{\"headerKey\":\"authorization\"}");
    assert_null(rg_check_jwt.compile(p, err, sizeof(err)));
    assert_string_equal(err, "Missing JWKS URI");
    rg_check_result_t res = {0};
    rg_check_fail(&res, "%s", err);
    rg_check_jwt.invalid(p, err, NULL, &res);
    char *d = json_dumps(res.data, JSON_COMPACT);
    assert_string_equal(d, "{\"verdict\":false,\"explanation\":\"JWT validation error: Missing JWKS URI\"}");
    free(d);
    rg_check_result_clear(&res, 0);
    json_decref(p);
    /* an unusable URI errors at run time, after the header check, as fetch() would */
    fake_io_t *io = fake_new(0);
    check("{\"jwksUri\":\"nowhere\"}", "Bearer a.b.c", io, &res);
    assert_string_equal(res.error, "Failed to parse URL from nowhere");
    assert_string_equal(res.error_name, "TypeError");
    assert_int_equal(io->n_calls, 0);
    rg_check_result_clear(&res, 0);
    fake_free(io);
}

static void async_abort(void **state)
{
    (void)state;
    rg_jwks_cache_clear();
    fake_io_t *io = jwks_io();
    io->async = 1;
    char err[RG_CHECK_ERROR_MAX];
    json_t *p = J(P);
    void *c = rg_check_jwt.compile(p, err, sizeof(err));
    json_decref(p);
    char *tok = sign_token("RS256", "rsa", rsa, claims(-10, NULL));
    hdr_t hdrs[] = {{"Authorization", tok}, {NULL, NULL}};
    rg_guard_text_t text = {.joined = "", .joined_len = 0};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .text = &text, .header = hdr_lookup, .header_ctx = hdrs, .io = &io->io};
    rg_check_result_t res = {0};
    int done = 0;
    void *pending = rg_check_jwt.start(c, &env, &res, count_done, &done);
    assert_non_null(pending);
    fake_deliver_all(io);
    assert_int_equal(done, 1);
    assert_int_equal(res.verdict, 1);
    rg_check_result_clear(&res, 0);
    rg_jwks_cache_clear();
    pending = rg_check_jwt.start(c, &env, &res, count_done, &done);
    assert_non_null(pending);
    rg_check_jwt.abort(pending);
    assert_int_equal(io->cancels, 1);
    fake_deliver_all(io);
    assert_int_equal(done, 1);
    rg_check_result_clear(&res, 0);
    free(tok);
    rg_check_jwt.free(c);
    fake_free(io);
}

static void jose_secs(void **state)
{
    (void)state;
    struct {
        const char *s;
        double v;
    } ok[] = {{"1d", 86400}, {"2 hours", 7200}, {"-5m", -300}, {"30 s ago", -30}, {"1.5h", 5400}, {"1 week", 604800},
              {"2Y", 63115200}, {"+10 secs", 10}, {"3 days from now", 259200}, {"1 YEAR", 31557600}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        double v = 0;
        if (rg_jose_secs(ok[i].s, &v) != 0)
            fail_msg("%s rejected", ok[i].s);
        assert_true(v == ok[i].v);
    }
    const char *bad[] = {"", "d", "1", "1 fortnight", "+5m ago", "1.d", "5  m", "5m later"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v;
        if (rg_jose_secs(bad[i], &v) == 0)
            fail_msg("%s accepted", bad[i]);
    }
    size_t n;
    unsigned char *b = rg_b64url_decode("aGk=", 4, 0, &n);
    assert_non_null(b);
    assert_int_equal(n, 2);
    free(b);
    assert_null(rg_b64url_decode("aGk", 1, 0, &n)); /* 4n+1 */
    assert_null(rg_b64url_decode("a*Gk", 4, 0, &n));
    b = rg_b64url_decode("a*Gk", 4, 1, &n); /* Buffer.from skips it */
    assert_non_null(b);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_tokens_every_algorithm),
        cmocka_unit_test(claim_failures),
        cmocka_unit_test(signature_and_key_failures),
        cmocka_unit_test(unknown_kid_and_cache),
        cmocka_unit_test(missing_header_and_jwks_failures),
        cmocka_unit_test(header_key),
        cmocka_unit_test(parameters),
        cmocka_unit_test(async_abort),
        cmocka_unit_test(jose_secs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
