/* json_js.c — JSON the way Portkey's JavaScript sees it (see json_js.h). */
#include "guard/json_js.h"

#include "core/buf.h"
#include "core/json_load.h"
#include "guard/js_value.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- candidates in text ---------------------------------------------------- */

static size_t find3(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i + 3 <= n; i++) {
        const char *p = memchr(s + i, '`', n - i);
        if (p == NULL)
            return n;
        i = (size_t)(p - s);
        if (i + 3 <= n && p[1] == '`' && p[2] == '`')
            return i;
    }
    return n;
}

static size_t run_of(const char *s, size_t n, size_t i)
{
    size_t k = 0;
    while (i + k < n && s[i + k] == '`')
        k++;
    return k;
}

int rg_js_next_fence(const char *s, size_t n, size_t *pos, size_t *off, size_t *len)
{
    /*
     * At a start position p holding k >= 3 backticks, the regex takes all k
     * (greedy), then "json" if present; \s* only moves where the body starts,
     * and the body is trimmed anyway. The lazy body ends at the first "```"
     * after that, and the closing ```+ takes the whole run there. With no
     * "```" after the opening, backtracking the opening can only succeed
     * inside the run itself: k >= 6 leaves "```" at p + k - 3, an empty body.
     * Otherwise no later start can match either (there is no "```" past the
     * run), so the search ends.
     */
    size_t p = find3(s, n, *pos);
    if (p >= n)
        return 0;
    size_t k = run_of(s, n, p);
    size_t b = p + k;
    if (n - b >= 4 && memcmp(s + b, "json", 4) == 0)
        b += 4;
    size_t c = find3(s, n, b);
    size_t end;
    if (c < n) {
        end = c + run_of(s, n, c);
    } else if (k >= 6) {
        b = c = p + k - 3;
        end = p + k;
    } else {
        *pos = n;
        return 0;
    }
    size_t tb, te;
    rg_js_trim(s + b, c - b, &tb, &te);
    *off = b + tb;
    *len = te - tb;
    *pos = end;
    return 1;
}

int rg_js_next_braces(const char *s, size_t n, size_t *pos, size_t *off, size_t *len)
{
    if (*pos >= n)
        return 0;
    const char *o = memchr(s + *pos, '{', n - *pos);
    if (o == NULL) {
        *pos = n;
        return 0;
    }
    size_t i = (size_t)(o - s);
    const char *c = memchr(o + 1, '}', n - i - 1);
    if (c == NULL) {
        *pos = n;
        return 0;
    }
    size_t j = (size_t)(c - s);
    *off = i;
    *len = j + 1 - i;
    *pos = j + 1;
    return 1;
}

/* ---- values ------------------------------------------------------------------ */

static int array_index_key(const char *k, uint64_t *out)
{
    if (k[0] == '0')
        return k[1] == '\0' ? (*out = 0, 1) : 0;
    uint64_t v = 0;
    size_t i = 0;
    for (; k[i]; i++) {
        if (k[i] < '0' || k[i] > '9' || i >= 10)
            return 0;
        v = v * 10 + (uint64_t)(k[i] - '0');
    }
    if (i == 0 || v > 4294967294u)
        return 0;
    *out = v;
    return 1;
}

typedef struct kv {
    char *key;
    json_t *val;
    uint64_t idx;
    int is_idx;
    size_t order;
} kv_t;

static int kv_cmp(const void *a, const void *b)
{
    const kv_t *x = a, *y = b;
    if (x->is_idx != y->is_idx)
        return x->is_idx ? -1 : 1;
    if (x->is_idx)
        return x->idx < y->idx ? -1 : x->idx > y->idx;
    return x->order < y->order ? -1 : x->order > y->order;
}

static json_t *integral(json_t *v)
{
    double x = json_real_value(v);
    if (x == floor(x) && fabs(x) <= 9007199254740992.0)
        return json_integer((json_int_t)x);
    return NULL;
}

static int reorder(json_t *obj)
{
    size_t n = json_object_size(obj), i = 0;
    int need = 0, seen_plain = 0;
    uint64_t last = 0, idx;
    int have_last = 0;
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        if (array_index_key(key, &idx)) {
            if (seen_plain || (have_last && idx < last))
                need = 1;
            last = idx;
            have_last = 1;
        } else {
            seen_plain = 1;
        }
    }
    if (!need)
        return 0;
    kv_t *kv = calloc(n, sizeof(*kv));
    if (kv == NULL)
        return -1;
    json_object_foreach(obj, key, val) {
        kv[i].key = strdup(key);
        if (kv[i].key == NULL) {
            for (size_t j = 0; j < i; j++) {
                free(kv[j].key);
                json_decref(kv[j].val);
            }
            free(kv);
            return -1;
        }
        kv[i].val = json_incref(val);
        kv[i].is_idx = array_index_key(key, &kv[i].idx);
        kv[i].order = i;
        i++;
    }
    qsort(kv, n, sizeof(*kv), kv_cmp);
    json_object_clear(obj);
    int rc = 0;
    for (i = 0; i < n; i++) {
        if (rc == 0 && json_object_set_new(obj, kv[i].key, kv[i].val) != 0)
            rc = -1;
        else if (rc != 0)
            json_decref(kv[i].val);
        free(kv[i].key);
    }
    free(kv);
    return rc;
}

static int normalize_in(json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (json_is_real(e)) {
                json_t *r = integral(e);
                if (r != NULL && json_array_set_new(v, i, r) != 0)
                    return -1;
            } else if (normalize_in(e) != 0) {
                return -1;
            }
        }
    } else if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach(v, k, e) {
            if (json_is_real(e)) {
                json_t *r = integral(e);
                if (r != NULL && json_object_set_new(v, k, r) != 0)
                    return -1;
            } else if (normalize_in(e) != 0) {
                return -1;
            }
        }
        return reorder(v);
    }
    return 0;
}

json_t *rg_js_normalize(json_t *v)
{
    if (v == NULL)
        return NULL;
    if (json_is_real(v)) {
        json_t *r = integral(v);
        if (r != NULL) {
            json_decref(v);
            return r;
        }
        return v;
    }
    if (normalize_in(v) != 0) {
        json_decref(v);
        return NULL;
    }
    return v;
}

json_t *rg_js_parse(const char *s, size_t n)
{
    /* a raw NUL byte is never valid JSON; jansson's lexer would stop there */
    if (n == 0 || memchr(s, '\0', n) != NULL)
        return NULL;
    /*
     * Our loader first: what it accepts (no duplicate keys, no \u0000, integers within json_int_t) jansson reads
     * into the same tree (fuzz_json_load), at a fraction of the cost. What it refuses, jansson reads with
     * JSON.parse's leniencies (last duplicate wins, \u0000 kept, big integers as reals) or refuses too.
     */
    rg_json_error_t ferr;
    json_t *v = rg_json_loadb(s, n, 1, &ferr);
    if (v != NULL)
        return rg_js_normalize(v);
    json_error_t err;
    v = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (v == NULL && json_error_code(&err) == json_error_numeric_overflow)
        v = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &err);
    return rg_js_normalize(v);
}

double rg_js_number_value(const json_t *v)
{
    return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

/*
 * JSON.stringify output. The values come from guard configuration (at most
 * a 4 MiB file); compact output grows by at most about 6 times (1e20 prints
 * as 21 digits, a raw control byte as \u00XX), so a real configuration never
 * reaches this.
 */
#define RG_JS_STRINGIFY_MAX ((size_t)64 << 20)

/* An rg_buf_t that keeps its first failed append; later appends are skipped. */
typedef struct sbuf {
    rg_buf_t b;
    int rc;
} sbuf_t;

static void sb_put(sbuf_t *b, const char *s, size_t n)
{
    if (b->rc == RG_BUF_OK)
        b->rc = rg_buf_append(&b->b, s, n);
}

static void sb_str(sbuf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sb_put(b, "\"", 1);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        sb_put(b, s + from, i - from);
        from = i + 1;
        char esc[7] = {'\\', 0};
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            sb_put(b, esc, 6);
            continue;
        }
        sb_put(b, esc, 2);
    }
    sb_put(b, s + from, n - from);
    sb_put(b, "\"", 1);
}

static void sb_value(sbuf_t *b, const json_t *v)
{
    char num[RG_JS_NUMBER_MAX];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        sb_put(b, "{", 1);
        const char *k;
        json_t *e;
        int first = 1;
        json_object_foreach((json_t *)v, k, e) {
            if (!first)
                sb_put(b, ",", 1);
            first = 0;
            sb_str(b, k, strlen(k));
            sb_put(b, ":", 1);
            sb_value(b, e);
        }
        sb_put(b, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        sb_put(b, "[", 1);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                sb_put(b, ",", 1);
            sb_value(b, json_array_get(v, i));
        }
        sb_put(b, "]", 1);
        break;
    }
    case JSON_STRING:
        sb_str(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
    case JSON_REAL: {
        double x = rg_js_number_value(v);
        if (isfinite(x))
            rg_js_number(x, num);
        else
            strcpy(num, "null");
        sb_put(b, num, strlen(num));
        break;
    }
    case JSON_TRUE:
        sb_put(b, "true", 4);
        break;
    case JSON_FALSE:
        sb_put(b, "false", 5);
        break;
    default:
        sb_put(b, "null", 4);
        break;
    }
}

char *rg_js_stringify(const json_t *v)
{
    sbuf_t b = {.rc = RG_BUF_OK};
    rg_buf_init(&b.b, RG_JS_STRINGIFY_MAX);
    sb_value(&b, v);
    if (b.rc != RG_BUF_OK) { /* out of memory, or too big: both NULL */
        rg_buf_free(&b.b);
        return NULL;
    }
    return b.b.data ? b.b.data : strdup("");
}
