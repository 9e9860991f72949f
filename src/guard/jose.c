/*
 * jose.c — the JWT around the signature: compact serialisation, protected
 * header, crit, claims (jose 6.0 jwtVerify + validateClaimsSet), and jose's
 * secs() durations and base64url. Keys and signatures: jose_key.c.
 */
#include "guard/jose.h"
#include "guard/jose_key.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-' || c == '+')
        return 62;
    if (c == '_' || c == '/')
        return 63;
    return -1;
}

unsigned char *rg_b64url_decode(const char *s, size_t len, int lenient, size_t *out_len)
{
    unsigned char *out = malloc(len / 4 * 3 + 4);
    if (out == NULL)
        return NULL;
    size_t n = 0, chars = 0, pad = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int v = b64val(c);
        if (lenient) {
            if (c == '=')
                break;
            if (v < 0)
                continue;
        } else {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
                continue;
            if (c == '=') {
                pad++;
                continue;
            }
            if (v < 0 || pad) { /* a character after padding, or outside both alphabets */
                free(out);
                return NULL;
            }
        }
        acc = acc << 6 | (uint32_t)v;
        if (++chars % 4 == 0) {
            out[n++] = (unsigned char)(acc >> 16);
            out[n++] = (unsigned char)(acc >> 8);
            out[n++] = (unsigned char)acc;
            acc = 0;
        }
    }
    size_t rest = chars % 4;
    if (!lenient && (rest == 1 || pad > 2 || (pad && (chars + pad) % 4 != 0))) {
        free(out);
        return NULL;
    }
    if (rest == 2) {
        out[n++] = (unsigned char)(acc >> 4);
    } else if (rest == 3) {
        out[n++] = (unsigned char)(acc >> 10);
        out[n++] = (unsigned char)(acc >> 2);
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

int rg_jose_secs(const char *s, double *out)
{
    /* ^(\+|\-)? ?(\d+|\d+\.\d+) ?(unit)(?: (ago|from now))?$  (case-insensitive) */
    const char *p = s;
    int sign = 0;
    if (*p == '+' || *p == '-')
        sign = *p++;
    if (*p == ' ')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    const char *num = p;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    double value = strtod(num, NULL);
    if (*p == ' ')
        p++;
    static const struct {
        const char *name;
        double secs;
    } units[] = {{"seconds", 1},       {"second", 1},    {"secs", 1},    {"sec", 1},      {"s", 1},
                 {"minutes", 60},      {"minute", 60},   {"mins", 60},   {"min", 60},     {"m", 60},
                 {"hours", 3600},      {"hour", 3600},   {"hrs", 3600},  {"hr", 3600},    {"h", 3600},
                 {"days", 86400},      {"day", 86400},   {"d", 86400},   {"weeks", 604800}, {"week", 604800},
                 {"w", 604800},        {"years", 31557600}, {"year", 31557600}, {"yrs", 31557600},
                 {"yr", 31557600},     {"y", 31557600}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        size_t l = strlen(units[i].name);
        if (strncasecmp(p, units[i].name, l) != 0)
            continue;
        const char *q = p + l;
        int ago = 0;
        if (*q == ' ') {
            if (!strcasecmp(q + 1, "ago"))
                ago = 1;
            else if (strcasecmp(q + 1, "from now"))
                continue;
            q += strlen(q);
        }
        if (*q != '\0')
            continue;
        if (sign && (ago || q != p + l)) /* a sign together with "ago"/"from now" */
            return -1;
        double v = round(value * units[i].secs);
        *out = (sign == '-' || ago) ? -v : v;
        return 0;
    }
    return -1;
}

static int fail(rg_jose_err_t *err, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(rg_jose_err_t *err, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->name = name;
    return -1;
}

/* jose's validateCrit with only "b64" recognised; *b64 gets the header's value (default 1). */
static int check_crit(json_t *hdr, int *b64, rg_jose_err_t *err)
{
    *b64 = 1;
    json_t *crit = json_object_get(hdr, "crit");
    if (crit == NULL)
        return 0;
    size_t i, n = json_is_array(crit) ? json_array_size(crit) : 0;
    json_t *c;
    if (n == 0)
        return fail(err, "JWSInvalid", "\"crit\" (Critical) Header Parameter MUST be an array of non-empty strings when present");
    json_array_foreach(crit, i, c) if (!json_is_string(c) || json_string_length(c) == 0) return fail(
        err, "JWSInvalid", "\"crit\" (Critical) Header Parameter MUST be an array of non-empty strings when present");
    json_array_foreach(crit, i, c)
    {
        if (strcmp(json_string_value(c), "b64"))
            return fail(err, "JOSENotSupported", "Extension Header Parameter \"%.100s\" is not recognized",
                        json_string_value(c));
        if (json_object_get(hdr, "b64") == NULL)
            return fail(err, "JWSInvalid", "Extension Header Parameter \"b64\" is missing");
    }
    json_t *v = json_object_get(hdr, "b64");
    if (!json_is_boolean(v))
        return fail(err, "JWSInvalid", "The \"b64\" (base64url-encode payload) Header Parameter must be a boolean");
    *b64 = json_is_true(v);
    return 0;
}

static int check_claims(const unsigned char *payload, size_t len, const rg_jwt_opts_t *o, rg_jose_err_t *err)
{
    json_t *c = json_loadb((const char *)payload, len, JSON_DECODE_ANY, NULL);
    int rc = 0;
    if (!json_is_object(c)) {
        rc = fail(err, "JWTInvalid", "JWT Claims Set must be a top-level JSON object");
        goto out;
    }
    /* maxTokenAge is always set (Portkey defaults it to "1d"), so iat is required */
    json_t *iat = json_object_get(c, "iat"), *nbf = json_object_get(c, "nbf"), *exp = json_object_get(c, "exp");
    if (iat == NULL) {
        rc = fail(err, "JWTClaimValidationFailed", "missing required \"iat\" claim");
        goto out;
    }
    if (o->tolerance_error) {
        rc = fail(err, "TypeError", "%s", o->tolerance_error);
        goto out;
    }
    double tol = o->tolerance, now = (double)o->now;
    if (!json_is_number(iat)) {
        rc = fail(err, "JWTClaimValidationFailed", "\"iat\" claim must be a number");
        goto out;
    }
    if (nbf) {
        if (!json_is_number(nbf)) {
            rc = fail(err, "JWTClaimValidationFailed", "\"nbf\" claim must be a number");
            goto out;
        }
        if (json_number_value(nbf) > now + tol) {
            rc = fail(err, "JWTClaimValidationFailed", "\"nbf\" claim timestamp check failed");
            goto out;
        }
    }
    if (exp) {
        if (!json_is_number(exp)) {
            rc = fail(err, "JWTClaimValidationFailed", "\"exp\" claim must be a number");
            goto out;
        }
        if (json_number_value(exp) <= now - tol) {
            rc = fail(err, "JWTExpired", "\"exp\" claim timestamp check failed");
            goto out;
        }
    }
    if (o->max_age_error) {
        rc = fail(err, "TypeError", "%s", o->max_age_error);
        goto out;
    }
    double age = now - json_number_value(iat);
    if (age - tol > o->max_age)
        rc = fail(err, "JWTExpired", "\"iat\" claim timestamp check failed (too far in the past)");
    else if (age < 0 - tol)
        rc = fail(err, "JWTClaimValidationFailed", "\"iat\" claim timestamp check failed (it should be in the past)");
out:
    json_decref(c);
    return rc;
}

int rg_jose_jwt_verify(const char *token, size_t len, const rg_jose_key_t *k, const rg_jwt_opts_t *o,
                       rg_jose_err_t *err)
{
    const char *d1 = memchr(token, '.', len), *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
    if (d1 == NULL || d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) != NULL)
        return fail(err, "JWSInvalid", "Invalid Compact JWS");
    size_t hl = (size_t)(d1 - token), pl = (size_t)(d2 - d1 - 1), sl = len - (size_t)(d2 + 1 - token);
    json_t *hdr = NULL;
    unsigned char *sig = NULL, *payload = NULL;
    int rc = -1;
    if (hl > 0) {
        size_t n;
        unsigned char *raw = rg_b64url_decode(token, hl, 0, &n);
        hdr = raw ? json_loadb((const char *)raw, n, JSON_DECODE_ANY, NULL) : NULL;
        free(raw);
        if (hdr == NULL) {
            fail(err, "JWSInvalid", "JWS Protected Header is invalid");
            goto out;
        }
    }
    int b64;
    if (check_crit(json_is_object(hdr) ? hdr : NULL, &b64, err))
        goto out;
    const char *alg = json_string_value(json_object_get(json_is_object(hdr) ? hdr : NULL, "alg"));
    if (alg == NULL || *alg == '\0') {
        fail(err, "JWSInvalid", "JWS \"alg\" (Algorithm) Header Parameter missing or invalid");
        goto out;
    }
    if (rg_jose_check_key(k, alg, err))
        goto out;
    size_t siglen, plen;
    if ((sig = rg_b64url_decode(d2 + 1, sl, 0, &siglen)) == NULL) {
        fail(err, "JWSInvalid", "Failed to base64url decode the signature");
        goto out;
    }
    if (rg_jose_verify_sig(k, alg, sig, siglen, (const unsigned char *)token, (size_t)(d2 - token), err))
        goto out;
    if (!b64) {
        fail(err, "JWTInvalid", "JWTs MUST NOT use unencoded payload");
        goto out;
    }
    if ((payload = rg_b64url_decode(d1 + 1, pl, 0, &plen)) == NULL) {
        fail(err, "JWSInvalid", "Failed to base64url decode the payload");
        goto out;
    }
    rc = check_claims(payload, plen, o, err);
out:
    json_decref(hdr);
    free(sig);
    free(payload);
    return rc;
}
