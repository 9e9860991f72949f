#include "core/json_dump.h"

#include "core/json_valid.h"

#include <math.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef rg_jw_t out_t;

static int grow(out_t *o, size_t n);

/* room for n more bytes and a NUL; the common case is one comparison */
static inline int reserve(out_t *o, size_t n)
{
    return o->len + n + 1 <= o->cap ? 0 : grow(o, n);
}

static int grow(out_t *o, size_t n)
{
    if (o->oom)
        return -1;
    size_t cap = o->cap ? o->cap : 1024;
    while (cap < o->len + n + 1)
        cap *= 2;
    char *p = realloc(o->p, cap);
    if (p == NULL) {
        o->oom = 1;
        return -1;
    }
    o->p = p;
    o->cap = cap;
    return 0;
}

static void put(out_t *o, const char *s, size_t n)
{
    if (reserve(o, n) == 0) {
        memcpy(o->p + o->len, s, n);
        o->len += n;
    }
}

static void putc1(out_t *o, char c)
{
    if (reserve(o, 1) == 0)
        o->p[o->len++] = c;
}

static void string(out_t *o, const char *s, size_t n)
{
    const char *p = s, *e = s + n;
    putc1(o, '"');
    while (p < e) {
        size_t run = rg_json_plain_run(p, e);
        /* bytes >= 0x80 go out as they are (jansson strings are valid UTF-8) */
        while (p + run < e && (unsigned char)p[run] >= 0x80)
            run += 1 + rg_json_plain_run(p + run + 1, e);
        put(o, p, run);
        p += run;
        if (p >= e)
            break;
        unsigned char c = (unsigned char)*p++;
        char esc[8];
        switch (c) {
        case '"': put(o, "\\\"", 2); break;
        case '\\': put(o, "\\\\", 2); break;
        case '\b': put(o, "\\b", 2); break;
        case '\f': put(o, "\\f", 2); break;
        case '\n': put(o, "\\n", 2); break;
        case '\r': put(o, "\\r", 2); break;
        case '\t': put(o, "\\t", 2); break;
        default:
            snprintf(esc, sizeof(esc), "\\u%04X", c);
            put(o, esc, 6);
        }
    }
    putc1(o, '"');
}

/*
 * A real as a short decimal that reads back as the same double (what JavaScript prints, and what
 * jansson's JSON_REAL_PRECISION would need a guess for): a guard score of 0.0259 stays "0.0259", a temperature
 * of 0.7 "0.7", where %.17g writes 0.025899999999999999 and 0.69999999999999996. jansson's other rules stay: a
 * dot or an exponent is always present (3.0), the exponent has no '+' and no leading zeros (1e-05 → 1e-5).
 *
 * Fast path for 1e-4 <= |v| < 1e15 (%g's fixed-point range): the first k <= 9 for which m = round(|v| * 10^k)
 * satisfies m / 10^k == |v| exactly. m and 10^k are exact doubles and IEEE division rounds correctly, so the
 * quotient is the double nearest to the decimal m * 10^-k, which is what any correct strtod reads from it. Else
 * %.15g, %.16g, %.17g, the first that strtod reads back (%.17g always does): not always the shortest there
 * (5e-324 is written 4.94065645841247e-324), always exact.
 */
static int real_fixed(double v, char *buf)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    double a = v < 0 ? -v : v;
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (int k = 0; k < 10; k++) {
        double m = nearbyint(a * p10[k]);
        if (m >= 9007199254740992.0) /* 2^53: beyond it m is not exact */
            return 0;
        if (m / p10[k] != a)
            continue;
        uint64_t u = (uint64_t)m, ip = u / (uint64_t)p10[k], fp = u % (uint64_t)p10[k];
        char tmp[24];
        int n = 0, t = 0;
        if (v < 0)
            buf[n++] = '-';
        do
            tmp[t++] = (char)('0' + ip % 10);
        while ((ip /= 10) != 0);
        while (t > 0)
            buf[n++] = tmp[--t];
        buf[n++] = '.';
        if (k == 0) {
            buf[n++] = '0';
        } else {
            for (int d = k - 1; d >= 0; d--, fp /= 10)
                buf[n + d] = (char)('0' + fp % 10);
            n += k;
        }
        buf[n] = '\0';
        return n;
    }
    return 0;
}

static void real(out_t *o, double v)
{
    char buf[64];
    int n = real_fixed(v, buf);
    if (n > 0) {
        put(o, buf, (size_t)n);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (n < 0 || (size_t)n >= sizeof(buf) - 3)
            return;
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    if (strspn(buf, "0123456789-") == (size_t)n) {
        memcpy(buf + n, ".0", 3);
        n += 2;
    }
    char *ex = strchr(buf, 'e');
    if (ex) {
        char *d = ex + 1, *s = ex + 1;
        if (*s == '-')
            *d++ = *s++;
        else if (*s == '+')
            s++;
        while (*s == '0' && s[1] != '\0')
            s++;
        memmove(d, s, strlen(s) + 1);
        n = (int)strlen(buf);
    }
    put(o, buf, (size_t)n);
}

/* %lld without printf's machinery */
static void integer(out_t *o, long long v)
{
    char buf[32];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = buf + sizeof(buf);
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    put(o, p, (size_t)(buf + sizeof(buf) - p));
}

static void value(out_t *o, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        putc1(o, '{');
        const char *k;
        size_t klen;
        json_t *v;
        int first = 1;
        json_object_keylen_foreach((json_t *)j, k, klen, v)
        {
            if (!first)
                putc1(o, ',');
            first = 0;
            string(o, k, klen);
            putc1(o, ':');
            value(o, v);
        }
        putc1(o, '}');
        break;
    }
    case JSON_ARRAY: {
        putc1(o, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                putc1(o, ',');
            value(o, json_array_get(j, i));
        }
        putc1(o, ']');
        break;
    }
    case JSON_STRING:
        string(o, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        integer(o, json_integer_value(j));
        break;
    case JSON_REAL:
        real(o, json_real_value(j));
        break;
    case JSON_TRUE: put(o, "true", 4); break;
    case JSON_FALSE: put(o, "false", 5); break;
    case JSON_NULL: put(o, "null", 4); break;
    }
}

char *rg_json_dumps(const json_t *j, size_t *len)
{
    out_t o = {0};
    if (j == NULL)
        return NULL;
    value(&o, j);
    if (o.oom || reserve(&o, 0) != 0) {
        free(o.p);
        return NULL;
    }
    o.p[o.len] = '\0';
    if (len)
        *len = o.len;
    return o.p;
}

void rg_jw_raw_slow(rg_jw_t *w, const char *s, size_t n) { put(w, s, n); }
void rg_jw_str(rg_jw_t *w, const char *s, size_t n) { string(w, s, n); }
void rg_jw_int(rg_jw_t *w, long long v) { integer(w, v); }
void rg_jw_value(rg_jw_t *w, const json_t *j) { value(w, j); }

void rg_jw_real(rg_jw_t *w, double v)
{
    if (isfinite(v))
        real(w, v);
    else
        put(w, "null", 4);
}

int rg_jw_copy(const rg_jw_t *w, char *dst, size_t cap, size_t *len)
{
    if (w->oom || w->len > cap)
        return -1;
    if (w->len)
        memcpy(dst, w->p, w->len);
    *len = w->len;
    return 0;
}

char *rg_jw_take(rg_jw_t *w, size_t *len)
{
    if (w->len == 0 || rg_jw_cstr(w) == NULL) {
        rg_jw_free(w);
        return NULL;
    }
    char *p = w->p;
    *len = w->len;
    memset(w, 0, sizeof(*w));
    return p;
}

const char *rg_jw_cstr(rg_jw_t *w)
{
    if (w->oom || reserve(w, 0) != 0)
        return NULL;
    w->p[w->len] = '\0';
    return w->p;
}

void rg_jw_reset(rg_jw_t *w)
{
    w->len = 0;
    w->oom = 0;
}

void rg_jw_free(rg_jw_t *w)
{
    free(w->p);
    memset(w, 0, sizeof(*w));
}
