#include "core/json_load.h"

#include "core/json_valid.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
    const char *s, *p, *e;
    const char *msg;
    const char *at;
    unsigned depth;
    char *scratch; /* decoded strings with escapes */
    size_t scratch_cap;
} loader_t;

static json_t *fail(loader_t *L, const char *at, const char *msg)
{
    if (L->msg == NULL) {
        L->msg = msg;
        L->at = at;
    }
    return NULL;
}

static void ws(loader_t *L)
{
    L->p = rg_json_skip_ws(L->p, L->e);
}

/*
 * L->p at the opening quote. On success (*out, *len) is the decoded string:
 * a span of the input when it has no escapes, else the scratch buffer.
 */
static int string(loader_t *L, const char **out, size_t *len)
{
    const char *start = L->p + 1, *q = start, *e = L->e;
    int escapes = 0;
    for (;;) {
        q += rg_json_plain_run(q, e);
        if (q >= e)
            return fail(L, q, "premature end of input in a string"), 0;
        unsigned char c = (unsigned char)*q;
        if (c == '"')
            break;
        if (c == '\\') {
            escapes = 1;
            if (q + 1 >= e)
                return fail(L, q, "premature end of input in a string"), 0;
            q += 2;
            if (q[-1] == 'u') {
                if (e - q < 4)
                    return fail(L, q, "invalid \\u escape"), 0;
                q += 4;
            }
            continue;
        }
        if (c < 0x20)
            return fail(L, q, "control character in a string"), 0;
        if (c < 0x80) {
            q++;
            continue;
        }
        size_t n = rg_json_utf8_len((const unsigned char *)q, (size_t)(e - q));
        if (n == 0)
            return fail(L, q, "invalid UTF-8 in a string"), 0;
        q += n;
    }
    L->p = q + 1;
    if (!escapes) {
        *out = start;
        *len = (size_t)(q - start);
        return 1;
    }
    size_t need = (size_t)(q - start) + 1;
    if (need > L->scratch_cap) {
        char *s = realloc(L->scratch, need);
        if (s == NULL)
            return fail(L, start, "out of memory"), 0;
        L->scratch = s;
        L->scratch_cap = need;
    }
    char *o = L->scratch;
    for (const char *r = start; r < q;) {
        if (*r != '\\') {
            *o++ = *r++;
            continue;
        }
        char x = r[1];
        r += 2;
        switch (x) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (!rg_json_hex4(r, &cp))
                return fail(L, r, "invalid \\u escape"), 0;
            r += 4;
            if (cp == 0)
                return fail(L, r, "\\u0000 is not allowed"), 0;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail(L, r, "invalid Unicode low surrogate"), 0;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (q - r < 6 || r[0] != '\\' || r[1] != 'u' || !rg_json_hex4(r + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return fail(L, r, "invalid Unicode surrogate pair"), 0;
                r += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o = rg_json_put_utf8(o, cp);
            break;
        }
        default:
            return fail(L, r - 1, "invalid escape"), 0;
        }
    }
    *out = L->scratch;
    *len = (size_t)(o - L->scratch);
    return 1;
}

static json_t *number(loader_t *L)
{
    const char *p = L->p, *e = L->e, *start = p;
    int real = 0;
    if (p < e && *p == '-')
        p++;
    if (p < e && *p == '0')
        p++;
    else if (p < e && *p >= '1' && *p <= '9')
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    else
        return fail(L, start, "invalid token");
    if (p < e && *p == '.') {
        real = 1;
        p++;
        if (p >= e || *p < '0' || *p > '9')
            return fail(L, p, "invalid number");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || *p < '0' || *p > '9')
            return fail(L, p, "invalid number");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    size_t n = (size_t)(p - start);
    char small[64], *buf = n < sizeof(small) ? small : malloc(n + 1);
    if (buf == NULL)
        return fail(L, start, "out of memory");
    memcpy(buf, start, n);
    buf[n] = '\0';
    json_t *v = NULL;
    errno = 0;
    if (!real) {
        long long x = strtoll(buf, NULL, 10);
        if (errno == ERANGE)
            fail(L, start, x < 0 ? "too big negative integer" : "too big integer");
        else
            v = json_integer((json_int_t)x);
    } else {
        double d = strtod(buf, NULL);
        if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL))
            fail(L, start, "real number overflow");
        else
            v = json_real(d);
    }
    if (buf != small)
        free(buf);
    L->p = p;
    return v;
}

static json_t *value(loader_t *L);

static json_t *object(loader_t *L)
{
    json_t *obj = json_object();
    L->p++;
    ws(L);
    if (L->p < L->e && *L->p == '}') {
        L->p++;
        return obj;
    }
    for (;;) {
        if (L->p >= L->e || *L->p != '"')
            goto bad_key;
        const char *kp;
        size_t klen;
        const char *at = L->p;
        if (!string(L, &kp, &klen))
            goto fail;
        if (json_object_getn(obj, kp, klen) != NULL) {
            fail(L, at, "duplicate object key");
            goto fail;
        }
        /* the key may live in the scratch buffer, which value() reuses: keep a copy */
        char kbuf[128], *key = klen < sizeof(kbuf) ? kbuf : malloc(klen + 1);
        if (key == NULL) {
            fail(L, at, "out of memory");
            goto fail;
        }
        memcpy(key, kp, klen);
        key[klen] = '\0';
        ws(L);
        if (L->p >= L->e || *L->p != ':') {
            if (key != kbuf)
                free(key);
            fail(L, L->p, "':' expected");
            goto fail;
        }
        L->p++;
        ws(L);
        json_t *v = value(L);
        if (v == NULL || json_object_setn_new_nocheck(obj, key, klen, v) != 0) {
            if (key != kbuf)
                free(key);
            if (v == NULL)
                goto fail;
            fail(L, at, "out of memory");
            goto fail;
        }
        if (key != kbuf)
            free(key);
        ws(L);
        if (L->p < L->e && *L->p == ',') {
            L->p++;
            ws(L);
            continue;
        }
        if (L->p < L->e && *L->p == '}') {
            L->p++;
            return obj;
        }
        fail(L, L->p, "'}' expected");
        goto fail;
    }
bad_key:
    fail(L, L->p, "string or '}' expected");
fail:
    json_decref(obj);
    return NULL;
}

static json_t *array(loader_t *L)
{
    json_t *arr = json_array();
    L->p++;
    ws(L);
    if (L->p < L->e && *L->p == ']') {
        L->p++;
        return arr;
    }
    for (;;) {
        json_t *v = value(L);
        if (v == NULL || json_array_append_new(arr, v) != 0)
            goto fail;
        ws(L);
        if (L->p < L->e && *L->p == ',') {
            L->p++;
            ws(L);
            continue;
        }
        if (L->p < L->e && *L->p == ']') {
            L->p++;
            return arr;
        }
        fail(L, L->p, "']' expected");
        goto fail;
    }
fail:
    json_decref(arr);
    return NULL;
}

static json_t *literal(loader_t *L, const char *word, size_t n, json_t *v)
{
    if ((size_t)(L->e - L->p) < n || memcmp(L->p, word, n) != 0)
        return fail(L, L->p, "invalid token");
    L->p += n;
    return v;
}

static json_t *value(loader_t *L)
{
    if (L->p >= L->e)
        return fail(L, L->p, "premature end of input");
    json_t *v;
    switch (*L->p) {
    case '{':
    case '[':
        if (++L->depth > RG_JSON_MAX_DEPTH)
            return fail(L, L->p, "maximum parsing depth reached");
        v = *L->p == '{' ? object(L) : array(L);
        L->depth--;
        return v;
    default:
        break;
    }
    /* jansson counts every value toward its depth, not only containers: a scalar inside RG_JSON_MAX_DEPTH
     * containers is one level too deep */
    if (L->depth >= RG_JSON_MAX_DEPTH)
        return fail(L, L->p, "maximum parsing depth reached");
    switch (*L->p) {
    case '"': {
        const char *s;
        size_t n;
        if (!string(L, &s, &n))
            return NULL;
        return json_stringn_nocheck(s, n);
    }
    case 't':
        return literal(L, "true", 4, json_true());
    case 'f':
        return literal(L, "false", 5, json_false());
    case 'n':
        return literal(L, "null", 4, json_null());
    default:
        return number(L);
    }
}

json_t *rg_json_loadb(const char *p, size_t n, int any, rg_json_error_t *err)
{
    loader_t L = {p, p, p + n, NULL, NULL, 0, NULL, 0};
    json_t *v = NULL;
    if (p == NULL) {
        L.p = L.e = "";
        L.s = L.p;
    }
    ws(&L);
    if (!any && (L.p >= L.e || (*L.p != '{' && *L.p != '[')))
        fail(&L, L.p, "'[' or '{' expected");
    else if ((v = value(&L)) != NULL) {
        ws(&L);
        if (L.p != L.e) {
            fail(&L, L.p, "end of input expected");
            json_decref(v);
            v = NULL;
        }
    }
    free(L.scratch);
    if (v == NULL && err) {
        err->text = L.msg ? L.msg : "out of memory";
        err->offset = (size_t)((L.at ? L.at : L.p) - L.s);
        err->line = 1;
        err->column = 1;
        for (size_t i = 0; i < err->offset; i++) {
            if (L.s[i] == '\n') {
                err->line++;
                err->column = 1;
            } else {
                err->column++;
            }
        }
    }
    return v;
}
