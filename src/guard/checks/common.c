#include "guard/checks/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rg_ck_text(const rg_check_env_t *env, size_t *len)
{
    if (env->text == NULL || env->text->joined == NULL) {
        *len = 0;
        return "";
    }
    *len = env->text->joined_len;
    return env->text->joined;
}

size_t rg_ck_utf8_next(const char *str, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[i];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (i + n > len) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

size_t rg_ck_utf16_len(const char *s, size_t len)
{
    size_t units = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += rg_ck_utf8_next(s, len, i, &cp);
        units += cp >= 0x10000 ? 2 : 1;
    }
    return units;
}

int rg_ck_js_space(uint32_t cp)
{
    switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0xFEFF:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

void rg_ck_js_trim(const char *s, size_t len, size_t *start, size_t *end)
{
    size_t i = 0, last = 0; /* last: end of the last non-space character */
    int seen = 0;
    size_t first = len;
    while (i < len) {
        uint32_t cp;
        size_t n = rg_ck_utf8_next(s, len, i, &cp);
        if (!rg_ck_js_space(cp)) {
            if (!seen) {
                first = i;
                seen = 1;
            }
            last = i + n;
        }
        i += n;
    }
    if (!seen) {
        *start = *end = len;
        return;
    }
    *start = first;
    *end = last;
}

void rg_ck_js_number(double d, char *buf, size_t sz)
{
    if (isnan(d)) {
        snprintf(buf, sz, "NaN");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, sz, d < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (d == 0) {
        snprintf(buf, sz, "0");
        return;
    }
    char out[64];
    size_t o = 0;
    if (d < 0) {
        out[o++] = '-';
        d = -d;
    }
    /* the shortest digits that read back as d (ECMAScript Number::toString) */
    char e[40];
    for (int p = 0; p < 17; p++) {
        snprintf(e, sizeof(e), "%.*e", p, d);
        if (strtod(e, NULL) == d)
            break;
    }
    char dg[24];
    int k = 0;
    const char *q = e;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9' && k < (int)sizeof(dg) - 1)
            dg[k++] = *q;
    while (k > 1 && dg[k - 1] == '0')
        k--;
    int n = atoi(q + 1) + 1; /* d = 0.dg × 10^n */
    if (k <= n && n <= 21) {
        for (int i = 0; i < n; i++)
            out[o++] = i < k ? dg[i] : '0';
    } else if (0 < n && n <= 21) {
        for (int i = 0; i < k; i++) {
            if (i == n)
                out[o++] = '.';
            out[o++] = dg[i];
        }
    } else if (-6 < n && n <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -n; i++)
            out[o++] = '0';
        for (int i = 0; i < k; i++)
            out[o++] = dg[i];
    } else {
        out[o++] = dg[0];
        if (k > 1) {
            out[o++] = '.';
            for (int i = 1; i < k; i++)
                out[o++] = dg[i];
        }
        o += (size_t)snprintf(out + o, sizeof(out) - o, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    out[o] = '\0';
    snprintf(buf, sz, "%s", out);
}

json_t *rg_ck_number_json(double d)
{
    if (isfinite(d) && d == floor(d) && fabs(d) <= 9007199254740992.0)
        return json_integer((json_int_t)d);
    return json_real(d);
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 32;
        while (*len + n + 1 > c)
            c *= 2;
        char *p = realloc(*buf, c);
        if (p == NULL)
            return -1;
        *buf = p;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static int js_string_into(const json_t *v, char **buf, size_t *len, size_t *cap, int depth)
{
    char num[64];
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        return append(buf, len, cap, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        rg_ck_js_number((double)json_integer_value(v), num, sizeof(num));
        return append(buf, len, cap, num, strlen(num));
    case JSON_REAL:
        rg_ck_js_number(json_real_value(v), num, sizeof(num));
        return append(buf, len, cap, num, strlen(num));
    case JSON_TRUE:
        return append(buf, len, cap, "true", 4);
    case JSON_FALSE:
        return append(buf, len, cap, "false", 5);
    case JSON_OBJECT:
        return append(buf, len, cap, "[object Object]", 15);
    case JSON_ARRAY:
        /* Array.prototype.join(","): null and undefined elements give "" */
        if (depth > 64)
            return 0;
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i && append(buf, len, cap, ",", 1))
                return -1;
            const json_t *e = json_array_get(v, i);
            if (!json_is_null(e) && js_string_into(e, buf, len, cap, depth + 1))
                return -1;
        }
        return 0;
    case JSON_NULL:
    default:
        return append(buf, len, cap, v ? "null" : "", v ? 4 : 0);
    }
}

char *rg_ck_js_string(const json_t *v)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (append(&buf, &len, &cap, "", 0) || js_string_into(v, &buf, &len, &cap, 0)) {
        free(buf);
        return NULL;
    }
    return buf;
}

int rg_ck_js_integer(const json_t *v)
{
    if (json_is_integer(v))
        return 1;
    return json_is_real(v) && isfinite(json_real_value(v)) && json_real_value(v) == floor(json_real_value(v));
}

int rg_ck_js_truthy(const json_t *v)
{
    if (v == NULL)
        return 0;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0 && !isnan(json_real_value(v));
    case JSON_TRUE:
    case JSON_OBJECT:
    case JSON_ARRAY:
        return 1;
    default:
        return 0;
    }
}

json_t *rg_ck_excerpt_or_none(const char *s, size_t len)
{
    return len ? rg_check_excerpt(s, len) : json_string("No text available");
}

int rg_ck_bool_param(json_t *params, const char *key, int dflt, int *out, char *err, size_t errsz)
{
    json_t *v = json_object_get(params, key);
    if (v == NULL || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v)) {
        snprintf(err, errsz, "%s must be a boolean", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

int rg_ck_strv_push(rg_ck_strv_t *v, const char *s, size_t len)
{
    char **ns = realloc(v->s, (v->n + 2) * sizeof(*ns));
    if (ns == NULL)
        return -1;
    v->s = ns;
    size_t *nl = realloc(v->len, (v->n + 1) * sizeof(*nl));
    if (nl == NULL)
        return -1;
    v->len = nl;
    char *c = malloc(len + 1);
    if (c == NULL)
        return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    v->s[v->n] = c;
    v->len[v->n] = len;
    v->n++;
    v->s[v->n] = NULL;
    return 0;
}

int rg_ck_strv_from_json(const json_t *arr, rg_ck_strv_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_array(arr))
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!json_is_string(json_array_get(arr, i)))
            return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        if (rg_ck_strv_push(out, json_string_value(e), json_string_length(e))) {
            rg_ck_strv_free(out);
            return -1;
        }
    }
    return 0;
}

void rg_ck_strv_free(rg_ck_strv_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->s[i]);
    free(v->s);
    free(v->len);
    memset(v, 0, sizeof(*v));
}

int rg_ck_strv_has(const rg_ck_strv_t *v, const char *s, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->len[i] == len && memcmp(v->s[i], s, len) == 0)
            return 1;
    return 0;
}

json_t *rg_ck_strv_json(const rg_ck_strv_t *v)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < v->n; i++)
        json_array_append_new(a, json_stringn(v->s[i], v->len[i]));
    return a;
}

int rg_ck_contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return 1;
    return memmem(hay, hlen, needle, nlen) != NULL;
}

void rg_ck_fail_plain(rg_check_result_t *res, int verdict, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof(res->error), fmt, ap);
    va_end(ap);
    res->error_name = "";
    res->verdict = verdict;
}
