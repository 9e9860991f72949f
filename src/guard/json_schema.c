/*
 * json_schema.c — a JSON Schema validator that answers as @cfworker/json-schema
 * 4.1.x does with draft "2020-12" and shortCircuit false (Portkey's settings;
 * Portkey 1.15.2 asks for ^4.0.3 and npm installs the newest 4.x, 4.1.6 on
 * the reference peer).
 *
 * compile: the schema is copied (property order made JavaScript's, see
 * rg_js_normalize), every subschema becomes one node in an array, keyword
 * types are checked, regular expressions compiled with PCRE2 once, "$ref"s
 * resolved to node indices (cycles allowed).
 *
 * validate: one recursive walk. Keywords run in @cfworker/json-schema's order
 * ($ref, type, const, enum, not, anyOf, allOf, oneOf, if/then/else, then the
 * keywords of the instance's type) and errors are appended the way it
 * appends them: a wrapper ("Property "a" does not match schema.") is inserted
 * before the errors of the subschema it wraps, and the errors of subschemas
 * whose outcome is discarded (not, if, a passing anyOf) are dropped. The
 * walk allocates nothing unless it records errors, the schema uses
 * unevaluatedProperties/unevaluatedItems, or an object is larger than the
 * inline bitsets; "validity" of a subschema is "it added no error", as there.
 */
#include "guard/json_schema.h"

#include "guard/js_value.h"
#include "guard/json_js.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- compiled form ------------------------------------------------------------ */

enum { TY_NULL, TY_BOOLEAN, TY_OBJECT, TY_ARRAY, TY_NUMBER, TY_STRING, TY_INTEGER, TY_COUNT };
static const char *const type_names[TY_COUNT] = {"null", "boolean", "object", "array", "number", "string", "integer"};

enum { NK_TRUE, NK_FALSE, NK_SCHEMA };

/* presence of the numeric keywords */
enum {
    F_MINIMUM = 1u << 0,
    F_MAXIMUM = 1u << 1,
    F_EXMIN = 1u << 2,
    F_EXMAX = 1u << 3,
    F_MULTIPLE = 1u << 4,
    F_MIN_ITEMS = 1u << 5,
    F_MAX_ITEMS = 1u << 6,
    F_MIN_LEN = 1u << 7,
    F_MAX_LEN = 1u << 8,
    F_MIN_PROPS = 1u << 9,
    F_MAX_PROPS = 1u << 10,
    F_MIN_CONTAINS = 1u << 11,
    F_MAX_CONTAINS = 1u << 12,
    F_UNIQUE = 1u << 13,
    F_ITEMS_TUPLE = 1u << 14,
};

typedef struct range {
    uint32_t off, n;
} range_t;

typedef struct prop {     /* properties, dependentSchemas */
    const char *key;      /* borrowed from the schema copy */
    int32_t node;
} prop_t;

typedef struct pat {      /* patternProperties */
    const char *src;
    pcre2_code *re;
    int32_t node;
} pat_t;

typedef struct dep {      /* dependencies: a list of names or a schema */
    const char *key;
    const json_t *names;  /* array of strings, or NULL */
    int32_t node;
} dep_t;

typedef struct node {
    uint8_t kind;
    uint8_t n_types;
    uint8_t types[TY_COUNT];
    uint32_t flags;
    const json_t *konst, *enm, *required, *dep_required; /* borrowed; NULL when absent */
    int32_t ref, not_, if_, then_, else_;
    int32_t addl_props, uneval_props, prop_names;
    int32_t items, addl_items, contains, uneval_items;
    range_t any_of, all_of, one_of, prefix_items, items_tuple; /* into idx */
    range_t props;         /* into props, schema order */
    range_t props_sorted;  /* into idx: positions in props, sorted by key */
    range_t pats;          /* into pats */
    range_t dep_schemas;   /* into props */
    range_t deps;          /* into deps */
    double minimum, maximum, exmin, exmax, multiple_of;
    double min_items, max_items, min_len, max_len, min_props, max_props, min_contains, max_contains;
    pcre2_code *pattern;
} node_t;

struct rg_jschema {
    json_t *doc; /* private copy the nodes borrow from */
    node_t *nodes;
    size_t n_nodes, cap_nodes;
    uint32_t *idx;
    size_t n_idx, cap_idx;
    prop_t *props;
    size_t n_props, cap_props;
    pat_t *pats;
    size_t n_pats, cap_pats;
    dep_t *deps;
    size_t n_deps, cap_deps;
    int32_t root;
    int track;  /* some node uses unevaluatedProperties/unevaluatedItems */
    pcre2_match_context *mctx;
};

/* grows *arr (element size sz) to hold one more; -1 on out of memory */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, nc * sz);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

/* ---- JSON pointer buffer (instance paths and schema locations) --------------------- */

typedef struct pbuf {
    char *p;
    size_t n, cap;
} pbuf_t;

static int pb_put(pbuf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

/* appends "/" and the escaped token (RFC 6901: ~ → ~0, / → ~1) */
static int pb_key(pbuf_t *b, const char *k, size_t n)
{
    if (pb_put(b, "/", 1) != 0)
        return -1;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] != '~' && k[i] != '/')
            continue;
        if (pb_put(b, k + from, i - from) != 0 || pb_put(b, k[i] == '~' ? "~0" : "~1", 2) != 0)
            return -1;
        from = i + 1;
    }
    return pb_put(b, k + from, n - from);
}

static int pb_idx(pbuf_t *b, size_t i)
{
    char t[32];
    int n = snprintf(t, sizeof(t), "/%zu", i);
    return pb_put(b, t, (size_t)n);
}

/* ---- JavaScript comparisons ---------------------------------------------------- */

enum { JT_NUMBER, JT_STRING, JT_BOOLEAN, JT_OBJECT };

static int js_typeof(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER:
    case JSON_REAL:
        return JT_NUMBER;
    case JSON_STRING:
        return JT_STRING;
    case JSON_TRUE:
    case JSON_FALSE:
        return JT_BOOLEAN;
    default:
        return JT_OBJECT; /* object, array, null */
    }
}

/* @cfworker/json-schema's deepCompareStrict(a, b), work counted in *work */
static int js_deep(const json_t *a, const json_t *b, size_t *work)
{
    (*work)++;
    int ta = js_typeof(a);
    if (ta != js_typeof(b))
        return 0;
    if (json_is_array(a) != json_is_array(b))
        return 0;
    if (json_is_array(a)) {
        size_t n = json_array_size(a);
        if (n != json_array_size(b))
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!js_deep(json_array_get(a, i), json_array_get(b, i), work))
                return 0;
        return 1;
    }
    switch (ta) {
    case JT_OBJECT: {
        if (json_is_null(a) || json_is_null(b))
            return json_is_null(a) && json_is_null(b);
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)a, k, e) {
            const json_t *f = json_object_get(b, k);
            if (f == NULL || !js_deep(e, f, work))
                return 0;
        }
        return 1;
    }
    case JT_NUMBER:
        if (json_is_integer(a) && json_is_integer(b))
            return json_integer_value(a) == json_integer_value(b);
        return rg_js_number_value(a) == rg_js_number_value(b);
    case JT_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    default: /* boolean */
        return json_typeof(a) == json_typeof(b);
    }
}

static int inst_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return TY_OBJECT;
    case JSON_ARRAY: return TY_ARRAY;
    case JSON_STRING: return TY_STRING;
    case JSON_INTEGER:
    case JSON_REAL: return TY_NUMBER;
    case JSON_TRUE:
    case JSON_FALSE: return TY_BOOLEAN;
    default: return TY_NULL;
    }
}

static int is_integral(const json_t *v)
{
    if (json_is_integer(v))
        return 1;
    double x = json_real_value(v);
    return isfinite(x) && x == floor(x);
}

static size_t code_points(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* ---- compiling ---------------------------------------------------------------- */

typedef struct cc {
    rg_jschema_t *s;
    char *err;
    size_t errsz;
    int failed;
    pbuf_t loc; /* where we are in the schema, a JSON pointer */
    const json_t **hkey;
    int32_t *hval;
    size_t hcap, hn;
    pcre2_compile_context *rctx;
    unsigned depth;
} cc_t;

#define COMPILE_MAX_DEPTH 4096

static void cfail(cc_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cfail(cc_t *c, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = 1;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    const char *loc = c->loc.p ? c->loc.p : "";
    size_t ll = strlen(loc);
    if (c->err && c->errsz)
        snprintf(c->err, c->errsz, "invalid JSON schema at #%s%s: %s", ll > 60 ? "..." : "", ll > 60 ? loc + ll - 60 : loc,
                 what);
}

static void coom(cc_t *c)
{
    if (c->failed)
        return;
    c->failed = 1;
    if (c->err && c->errsz)
        snprintf(c->err, c->errsz, "out of memory compiling the JSON schema");
}

static size_t hslot(const cc_t *c, const json_t *k)
{
    uintptr_t h = (uintptr_t)k;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 7) & (c->hcap - 1);
}

static int32_t hget(const cc_t *c, const json_t *k)
{
    if (c->hcap == 0)
        return -1;
    for (size_t i = hslot(c, k);; i = (i + 1) & (c->hcap - 1)) {
        if (c->hkey[i] == NULL)
            return -1;
        if (c->hkey[i] == k)
            return c->hval[i];
    }
}

static int hput(cc_t *c, const json_t *k, int32_t v)
{
    if ((c->hn + 1) * 2 > c->hcap) {
        size_t ncap = c->hcap ? c->hcap * 2 : 64;
        const json_t **nk = calloc(ncap, sizeof(*nk));
        int32_t *nv = calloc(ncap, sizeof(*nv));
        if (nk == NULL || nv == NULL) {
            free(nk);
            free(nv);
            return -1;
        }
        const json_t **ok = c->hkey;
        int32_t *ov = c->hval;
        size_t ocap = c->hcap;
        c->hkey = nk;
        c->hval = nv;
        c->hcap = ncap;
        for (size_t i = 0; i < ocap; i++) {
            if (ok[i] == NULL)
                continue;
            size_t j = hslot(c, ok[i]);
            while (c->hkey[j] != NULL)
                j = (j + 1) & (c->hcap - 1);
            c->hkey[j] = ok[i];
            c->hval[j] = ov[i];
        }
        free(ok);
        free(ov);
    }
    size_t j = hslot(c, k);
    while (c->hkey[j] != NULL)
        j = (j + 1) & (c->hcap - 1);
    c->hkey[j] = k;
    c->hval[j] = v;
    c->hn++;
    return 0;
}

static int32_t new_node(cc_t *c, int kind)
{
    rg_jschema_t *s = c->s;
    if (grow((void **)&s->nodes, &s->cap_nodes, s->n_nodes, sizeof(node_t)) != 0) {
        coom(c);
        return -1;
    }
    node_t *n = &s->nodes[s->n_nodes];
    memset(n, 0, sizeof(*n));
    n->kind = (uint8_t)kind;
    n->ref = n->not_ = n->if_ = n->then_ = n->else_ = -1;
    n->addl_props = n->uneval_props = n->prop_names = -1;
    n->items = n->addl_items = n->contains = n->uneval_items = -1;
    return (int32_t)s->n_nodes++;
}

static int push_idx(cc_t *c, uint32_t v)
{
    rg_jschema_t *s = c->s;
    if (grow((void **)&s->idx, &s->cap_idx, s->n_idx, sizeof(uint32_t)) != 0) {
        coom(c);
        return -1;
    }
    s->idx[s->n_idx++] = v;
    return 0;
}

static int32_t compile_schema(cc_t *c, const json_t *j);

/* compiles j found under the location suffix (key, or index when key is NULL) */
static int32_t compile_at(cc_t *c, const json_t *j, const char *key, size_t index)
{
    size_t saved = c->loc.n;
    if ((key ? pb_key(&c->loc, key, strlen(key)) : pb_idx(&c->loc, index)) != 0) {
        coom(c);
        return -1;
    }
    int32_t r = compile_schema(c, j);
    c->loc.n = saved;
    if (c->loc.p)
        c->loc.p[saved] = '\0';
    return r;
}

static int push_loc(cc_t *c, const char *key, size_t *saved)
{
    *saved = c->loc.n;
    if (pb_key(&c->loc, key, strlen(key)) != 0) {
        coom(c);
        return -1;
    }
    return 0;
}

static void pop_loc(cc_t *c, size_t saved)
{
    c->loc.n = saved;
    if (c->loc.p)
        c->loc.p[saved] = '\0';
}

/* a keyword holding one schema */
static int32_t kw_schema(cc_t *c, const json_t *v, const char *kw)
{
    if (!json_is_object(v) && !json_is_boolean(v)) {
        cfail(c, "\"%s\" must be a schema (an object or a boolean)", kw);
        return -1;
    }
    return compile_at(c, v, kw, 0);
}

/* a keyword holding an array of schemas; non-empty unless allow_empty */
static int kw_schema_array(cc_t *c, const json_t *v, const char *kw, range_t *out, int allow_empty)
{
    if (!json_is_array(v) || (!allow_empty && json_array_size(v) == 0)) {
        cfail(c, "\"%s\" must be a non-empty array of schemas", kw);
        return -1;
    }
    size_t n = json_array_size(v), saved;
    int32_t local[16];
    int32_t *tmp = n <= 16 ? local : malloc(n * sizeof(int32_t));
    if (tmp == NULL) {
        coom(c);
        return -1;
    }
    if (push_loc(c, kw, &saved) != 0) {
        if (tmp != local)
            free(tmp);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *e = json_array_get(v, i);
        if (!json_is_object(e) && !json_is_boolean(e)) {
            size_t s2 = c->loc.n;
            if (pb_idx(&c->loc, i) != 0)
                coom(c);
            cfail(c, "\"%s\" must be an array of schemas (objects or booleans)", kw);
            pop_loc(c, s2);
            rc = -1;
            break;
        }
        tmp[i] = compile_at(c, e, NULL, i);
        if (tmp[i] < 0)
            rc = -1;
    }
    pop_loc(c, saved);
    if (rc == 0) {
        out->off = (uint32_t)c->s->n_idx;
        out->n = (uint32_t)n;
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = push_idx(c, (uint32_t)tmp[i]);
    }
    if (tmp != local)
        free(tmp);
    return rc;
}

static int kw_number(cc_t *c, const json_t *v, const char *kw, double *out)
{
    if (!json_is_number(v)) {
        cfail(c, "\"%s\" must be a number", kw);
        return -1;
    }
    *out = rg_js_number_value(v);
    return 0;
}

static int kw_count(cc_t *c, const json_t *v, const char *kw, double *out)
{
    if (!json_is_number(v) || !is_integral(v) || rg_js_number_value(v) < 0) {
        cfail(c, "\"%s\" must be a non-negative integer", kw);
        return -1;
    }
    *out = rg_js_number_value(v);
    return 0;
}

static int string_array(const json_t *v)
{
    if (!json_is_array(v))
        return 0;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) if (!json_is_string(e)) return 0;
    return 1;
}

static int string_array_map(const json_t *v)
{
    if (!json_is_object(v))
        return 0;
    const char *k;
    json_t *e;
    json_object_foreach((json_t *)v, k, e) if (!string_array(e)) return 0;
    return 1;
}

static int is_array(const json_t *v) { return json_is_array(v); }
static int is_boolean(const json_t *v) { return json_is_boolean(v); }
static int is_string(const json_t *v) { return json_is_string(v); }

/* opt_*: keyword kw of schema j if present, read only while nothing failed */

/* a schema: its node, or -1 */
static int32_t opt_schema(cc_t *c, const json_t *j, const char *kw)
{
    const json_t *v;
    if (c->failed || (v = json_object_get(j, kw)) == NULL)
        return -1;
    return kw_schema(c, v, kw);
}

/* a non-empty array of schemas: 1 when read into *out */
static int opt_schema_array(cc_t *c, const json_t *j, const char *kw, range_t *out)
{
    const json_t *v;
    return !c->failed && (v = json_object_get(j, kw)) != NULL && kw_schema_array(c, v, kw, out, 0) == 0;
}

/* a number read by kw_number or kw_count: into *out, and flag f set in *flags */
typedef int (*kw_read_t)(cc_t *c, const json_t *v, const char *kw, double *out);
static void opt_number(cc_t *c, const json_t *j, const char *kw, kw_read_t read, double *out, uint32_t *flags,
                       uint32_t f)
{
    const json_t *v;
    if (!c->failed && (v = json_object_get(j, kw)) != NULL && read(c, v, kw, out) == 0)
        *flags |= f;
}

/* a value valid() accepts (else "\"kw\" must be <what>"): it, or NULL */
static const json_t *opt_value(cc_t *c, const json_t *j, const char *kw, int (*valid)(const json_t *v),
                               const char *what)
{
    const json_t *v;
    if (c->failed || (v = json_object_get(j, kw)) == NULL)
        return NULL;
    if (!valid(v)) {
        cfail(c, "\"%s\" must be %s", kw, what);
        return NULL;
    }
    return v;
}

/* n zeroed entries at the end of one of the schema's arrays (deps, pats), the first at *off, so that
 * a node's entries stay together while its subschemas add theirs; -1 after coom */
static int reserve(cc_t *c, void **arr, size_t *cap, size_t *len, size_t n, size_t sz, uint32_t *off)
{
    for (size_t k = 0; k < n; k++) {
        if (grow(arr, cap, *len + k, sz) != 0) {
            coom(c);
            return -1;
        }
    }
    if (n)
        memset((char *)*arr + *len * sz, 0, n * sz);
    *off = (uint32_t)*len;
    *len += n;
    return 0;
}

/* JavaScript's \s (WhiteSpace and LineTerminator), as a class body in PCRE2 ALT_BSUX syntax */
#define JS_SPACE "\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"

/*
 * A JavaScript RegExp source (flag "u") in PCRE2 terms: \s and \S outside a class and \s inside
 * one become JavaScript's whitespace set (PCRE2's are ASCII-only without UCP, which would also
 * make \d and \w Unicode-aware), and "." outside a class stops at JavaScript's line terminators.
 * Everything else is kept: PCRE2_ALT_BSUX/EXTRA_ALT_BSUX read \uXXXX, \u{X...} and \xXX as
 * JavaScript does. NULL on out of memory.
 */
static char *js_regex_source(const char *src, size_t n, size_t *out_len)
{
    size_t cap = n * 4 + 64, m = 0;
    int in_class = 0;
    char *o = malloc(cap);
    if (o == NULL)
        return NULL;
#define PUT(str, len)                                                                                             \
    do {                                                                                                          \
        size_t l_ = (len);                                                                                        \
        if (m + l_ + 1 > cap) {                                                                                   \
            size_t nc_ = (m + l_ + 1) * 2;                                                                        \
            char *no_ = realloc(o, nc_);                                                                          \
            if (no_ == NULL) {                                                                                    \
                free(o);                                                                                          \
                return NULL;                                                                                      \
            }                                                                                                     \
            o = no_;                                                                                              \
            cap = nc_;                                                                                            \
        }                                                                                                         \
        memcpy(o + m, (str), l_);                                                                                 \
        m += l_;                                                                                                  \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        char ch = src[i];
        if (ch == '\\' && i + 1 < n) {
            char e = src[i + 1];
            if (e == 's' && in_class)
                PUT(JS_SPACE, sizeof(JS_SPACE) - 1);
            else if (e == 's')
                PUT("[" JS_SPACE "]", sizeof(JS_SPACE) + 1);
            else if (e == 'S' && !in_class)
                PUT("[^" JS_SPACE "]", sizeof(JS_SPACE) + 2);
            else
                PUT(src + i, 2);
            i++;
            continue;
        }
        if (ch == '[' && !in_class)
            in_class = 1;
        else if (ch == ']' && in_class)
            in_class = 0;
        if (ch == '.' && !in_class)
            PUT("[^\\n\\r\\u2028\\u2029]", 19);
        else
            PUT(&ch, 1);
    }
#undef PUT
    o[m] = '\0';
    *out_len = m;
    return o;
}

static pcre2_code *compile_re(cc_t *c, const char *src, size_t len, const char *kw)
{
    int ec;
    PCRE2_SIZE eo;
    size_t tlen;
    char *t = js_regex_source(src, len, &tlen);
    if (t == NULL) {
        coom(c);
        return NULL;
    }
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)t, tlen,
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS |
                                       PCRE2_NEVER_BACKSLASH_C,
                                   &ec, &eo, c->rctx);
    free(t);
    if (re == NULL) {
        if (ec == PCRE2_ERROR_NOMEMORY) {
            coom(c);
            return NULL;
        }
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof(msg));
        cfail(c, "\"%s\": invalid regular expression \"%.60s\": %s", kw, src, (const char *)msg);
        return NULL;
    }
    return re;
}

/* "$ref": the schema it points to, inside the document, and its JSON pointer in *where
 * (malloc'd, "" for the root); NULL after cfail */
static const json_t *resolve_ref(cc_t *c, const char *ref, char **where)
{
    *where = NULL;
    const json_t *root = c->s->doc;
    const char *r = ref;
    /* an absolute reference to the root's own $id is local too */
    const json_t *id = json_is_object(root) ? json_object_get(root, "$id") : NULL;
    if (json_is_string(id)) {
        size_t il = json_string_length(id);
        const char *is = json_string_value(id);
        if (il && is[il - 1] == '#')
            il--;
        if (il && strncmp(r, is, il) == 0 && (r[il] == '#' || r[il] == '\0'))
            r += il;
    }
    if (r[0] == '\0' || (r[0] == '#' && r[1] == '\0')) {
        if ((*where = strdup("")) == NULL)
            coom(c);
        return *where ? root : NULL;
    }
    if (r[0] != '#') {
        cfail(c, "\"$ref\" \"%.80s\": only references inside this schema (\"#\", \"#/$defs/...\") are supported",
              ref);
        return NULL;
    }
    r++;
    if (r[0] != '/') {
        cfail(c, "\"$ref\" \"%.80s\": anchors are not supported, use a JSON pointer (\"#/$defs/...\")", ref);
        return NULL;
    }
    /* percent-decode (a URI fragment), then walk the JSON pointer */
    size_t n = strlen(r);
    char *d = malloc(n + 1);
    if (d == NULL) {
        coom(c);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        static const char hx[] = "0123456789abcdef0123456789ABCDEF";
        const char *h1, *h2;
        if (r[i] == '%' && i + 2 < n && (h1 = strchr(hx, r[i + 1])) != NULL && (h2 = strchr(hx, r[i + 2])) != NULL) {
            d[m++] = (char)((((h1 - hx) & 15) << 4) | ((h2 - hx) & 15));
            i += 2;
        } else {
            d[m++] = r[i];
        }
    }
    d[m] = '\0';
    const json_t *cur = root;
    size_t i = 1; /* d[0] == '/' */
    char *tok = malloc(m + 1);
    if (tok == NULL) {
        free(d);
        coom(c);
        return NULL;
    }
    for (;;) {
        size_t t = 0;
        while (i < m && d[i] != '/') {
            if (d[i] == '~' && i + 1 < m && (d[i + 1] == '0' || d[i + 1] == '1')) {
                tok[t++] = d[i + 1] == '0' ? '~' : '/';
                i += 2;
            } else {
                tok[t++] = d[i++];
            }
        }
        tok[t] = '\0';
        const json_t *next = NULL;
        if (json_is_object(cur)) {
            next = json_object_getn(cur, tok, t);
        } else if (json_is_array(cur) && t > 0 && t < 12 && strspn(tok, "0123456789") == t &&
                   (tok[0] != '0' || t == 1)) {
            next = json_array_get(cur, (size_t)strtoull(tok, NULL, 10));
        }
        if (next == NULL) {
            cfail(c, "\"$ref\" \"%.80s\" does not resolve", ref);
            cur = NULL;
            break;
        }
        cur = next;
        if (i >= m)
            break;
        i++; /* the '/' */
    }
    free(tok);
    if (cur != NULL && !json_is_object(cur) && !json_is_boolean(cur)) {
        cfail(c, "\"$ref\" \"%.80s\" does not point to a schema", ref);
        cur = NULL;
    }
    if (cur == NULL)
        free(d);
    else
        *where = d; /* the decoded fragment is the pointer */
    return cur;
}

static int cmp_prop_keys(const rg_jschema_t *s, uint32_t a, uint32_t b)
{
    return strcmp(s->props[a].key, s->props[b].key);
}

/* insertion sort of a node's property positions by key (objects with many properties are rare) */
static void sort_props(rg_jschema_t *s, range_t r)
{
    if (r.n < 2)
        return;
    uint32_t *v = s->idx + r.off;
    for (uint32_t i = 1; i < r.n; i++) {
        uint32_t x = v[i], j = i;
        while (j > 0 && cmp_prop_keys(s, v[j - 1], x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* properties / dependentSchemas: an object of schemas → entries in s->props */
static int kw_schema_map(cc_t *c, const json_t *v, const char *kw, range_t *out)
{
    if (!json_is_object(v)) {
        cfail(c, "\"%s\" must be an object whose values are schemas", kw);
        return -1;
    }
    size_t saved, n = json_object_size(v), i = 0;
    if (push_loc(c, kw, &saved) != 0)
        return -1;
    int32_t local[16];
    int32_t *tmp = n <= 16 ? local : malloc(n * sizeof(int32_t));
    if (tmp == NULL) {
        coom(c);
        pop_loc(c, saved);
        return -1;
    }
    const char *k;
    json_t *e;
    int rc = 0;
    json_object_foreach((json_t *)v, k, e) {
        if (!json_is_object(e) && !json_is_boolean(e)) {
            size_t s2 = c->loc.n;
            if (pb_key(&c->loc, k, strlen(k)) != 0)
                coom(c);
            cfail(c, "\"%s\" values must be schemas (objects or booleans)", kw);
            pop_loc(c, s2);
            rc = -1;
            break;
        }
        tmp[i] = compile_at(c, e, k, 0);
        if (tmp[i++] < 0) {
            rc = -1;
            break;
        }
    }
    pop_loc(c, saved);
    if (rc == 0) {
        rg_jschema_t *s = c->s;
        out->off = (uint32_t)s->n_props;
        out->n = (uint32_t)n;
        i = 0;
        json_object_foreach((json_t *)v, k, e) {
            if (grow((void **)&s->props, &s->cap_props, s->n_props, sizeof(prop_t)) != 0) {
                coom(c);
                rc = -1;
                break;
            }
            s->props[s->n_props].key = k;
            s->props[s->n_props].node = tmp[i++];
            s->n_props++;
        }
    }
    if (tmp != local)
        free(tmp);
    return rc;
}

static int32_t compile_schema(cc_t *c, const json_t *j)
{
    if (c->failed)
        return -1;
    int32_t have = hget(c, j);
    if (have >= 0)
        return have;
    if (json_is_boolean(j)) {
        int32_t b = new_node(c, json_is_true(j) ? NK_TRUE : NK_FALSE);
        if (b >= 0 && hput(c, j, b) != 0) {
            coom(c);
            return -1;
        }
        return b;
    }
    if (!json_is_object(j)) {
        cfail(c, "a schema must be an object or a boolean");
        return -1;
    }
    if (++c->depth > COMPILE_MAX_DEPTH) {
        cfail(c, "schema nested too deeply");
        return -1;
    }
    int32_t me = new_node(c, NK_SCHEMA);
    if (me < 0)
        return -1;
    if (hput(c, j, me) != 0) {
        coom(c);
        return -1;
    }
    rg_jschema_t *s = c->s;
#define N (s->nodes[me])
    const json_t *v;
    const char *k;
    json_t *e;
    int32_t r;
    range_t rr; /* a node's fields are written only after its children compiled: nodes may move */

    /* $defs / definitions: compiled so that errors in them are reported */
    static const char *const defs_kw[] = {"$defs", "definitions"};
    for (int d = 0; d < 2 && !c->failed; d++) {
        if ((v = json_object_get(j, defs_kw[d])) == NULL)
            continue;
        if (!json_is_object(v)) {
            cfail(c, "\"%s\" must be an object whose values are schemas", defs_kw[d]);
            break;
        }
        size_t saved;
        if (push_loc(c, defs_kw[d], &saved) != 0)
            break;
        json_object_foreach((json_t *)v, k, e) {
            if (!json_is_object(e) && !json_is_boolean(e)) {
                size_t s2 = c->loc.n;
                if (pb_key(&c->loc, k, strlen(k)) != 0)
                    coom(c);
                cfail(c, "\"%s\" values must be schemas (objects or booleans)", defs_kw[d]);
                pop_loc(c, s2);
                break;
            }
            if (compile_at(c, e, k, 0) < 0)
                break;
        }
        pop_loc(c, saved);
    }

    if (!c->failed && (v = json_object_get(j, "$ref")) != NULL) {
        if (!json_is_string(v)) {
            cfail(c, "\"$ref\" must be a string");
        } else {
            char *where;
            const json_t *t = resolve_ref(c, json_string_value(v), &where);
            if (t != NULL) {
                /* the target is reported at its own place, not under this "$ref" */
                pbuf_t here = c->loc;
                c->loc = (pbuf_t){0};
                if (pb_put(&c->loc, where, strlen(where)) != 0)
                    coom(c);
                else if ((r = compile_schema(c, t)) >= 0)
                    N.ref = r;
                free(c->loc.p);
                c->loc = here;
            }
            free(where);
        }
    }

    if (!c->failed && (v = json_object_get(j, "type")) != NULL) {
        const json_t *one = v;
        size_t cnt = json_is_array(v) ? json_array_size(v) : 1;
        if (!json_is_string(v) && !(json_is_array(v) && cnt > 0))
            cfail(c, "\"type\" must be a type name or a non-empty array of type names");
        for (size_t i = 0; i < cnt && !c->failed; i++) {
            if (json_is_array(v))
                one = json_array_get(v, i);
            int t = -1;
            for (int ty = 0; ty < TY_COUNT && json_is_string(one); ty++)
                if (strcmp(json_string_value(one), type_names[ty]) == 0)
                    t = ty;
            if (t < 0) {
                cfail(c, "\"type\": %s%.40s%s is not one of null, boolean, object, array, number, string, integer",
                      json_is_string(one) ? "\"" : "", json_is_string(one) ? json_string_value(one) : "a non-string",
                      json_is_string(one) ? "\"" : "");
                break;
            }
            if (N.n_types < TY_COUNT)
                N.types[N.n_types++] = (uint8_t)t;
            else
                cfail(c, "\"type\" lists too many type names");
        }
    }

    if ((v = json_object_get(j, "const")) != NULL)
        N.konst = v;
    N.enm = opt_value(c, j, "enum", is_array, "an array");
    if ((r = opt_schema(c, j, "not")) >= 0)
        N.not_ = r;
    if (opt_schema_array(c, j, "anyOf", &rr))
        N.any_of = rr;
    if (opt_schema_array(c, j, "allOf", &rr))
        N.all_of = rr;
    if (opt_schema_array(c, j, "oneOf", &rr))
        N.one_of = rr;
    if ((r = opt_schema(c, j, "if")) >= 0)
        N.if_ = r;
    if ((r = opt_schema(c, j, "then")) >= 0)
        N.then_ = r;
    if ((r = opt_schema(c, j, "else")) >= 0)
        N.else_ = r;

    /* objects */
    N.required = opt_value(c, j, "required", string_array, "an array of strings");
    opt_number(c, j, "minProperties", kw_count, &N.min_props, &N.flags, F_MIN_PROPS);
    opt_number(c, j, "maxProperties", kw_count, &N.max_props, &N.flags, F_MAX_PROPS);
    if ((r = opt_schema(c, j, "propertyNames")) >= 0)
        N.prop_names = r;
    N.dep_required =
        opt_value(c, j, "dependentRequired", string_array_map, "an object whose values are arrays of strings");
    if (!c->failed && (v = json_object_get(j, "dependentSchemas")) != NULL &&
        kw_schema_map(c, v, "dependentSchemas", &rr) == 0)
        N.dep_schemas = rr;
    if (!c->failed && (v = json_object_get(j, "dependencies")) != NULL) {
        size_t saved, n = json_object_size(v), i = 0;
        uint32_t off;
        if (!json_is_object(v)) {
            cfail(c, "\"dependencies\" must be an object");
        } else if (push_loc(c, "dependencies", &saved) == 0) {
            if (reserve(c, (void **)&s->deps, &s->cap_deps, &s->n_deps, n, sizeof(dep_t), &off) == 0)
                json_object_foreach((json_t *)v, k, e) {
                    dep_t d = {.key = k, .node = -1};
                    if (json_is_array(e) && string_array(e)) {
                        d.names = e;
                    } else if (json_is_object(e) || json_is_boolean(e)) {
                        if ((d.node = compile_at(c, e, k, 0)) < 0)
                            break;
                    } else {
                        size_t s2 = c->loc.n;
                        if (pb_key(&c->loc, k, strlen(k)) != 0)
                            coom(c);
                        cfail(c, "\"dependencies\" values must be arrays of strings or schemas");
                        pop_loc(c, s2);
                        break;
                    }
                    s->deps[off + i++] = d;
                }
            pop_loc(c, saved);
            if (!c->failed)
                N.deps = (range_t){off, (uint32_t)n};
        }
    }
    if (!c->failed && (v = json_object_get(j, "properties")) != NULL &&
        kw_schema_map(c, v, "properties", &rr) == 0) {
        N.props = rr;
        N.props_sorted.off = (uint32_t)s->n_idx;
        N.props_sorted.n = N.props.n;
        for (uint32_t i = 0; i < N.props.n && !c->failed; i++)
            push_idx(c, N.props.off + i);
        if (!c->failed)
            sort_props(s, N.props_sorted);
    }
    if (!c->failed && (v = json_object_get(j, "patternProperties")) != NULL) {
        size_t saved, n = json_object_size(v), i = 0;
        uint32_t off;
        if (!json_is_object(v)) {
            cfail(c, "\"patternProperties\" must be an object whose values are schemas");
        } else if (push_loc(c, "patternProperties", &saved) == 0) {
            /* the reserved entries are the schema's from here on: rg_jschema_free frees their regexes */
            if (reserve(c, (void **)&s->pats, &s->cap_pats, &s->n_pats, n, sizeof(pat_t), &off) == 0)
                json_object_foreach((json_t *)v, k, e) {
                    size_t s2 = c->loc.n;
                    if (pb_key(&c->loc, k, strlen(k)) != 0) {
                        coom(c);
                        break;
                    }
                    if (!json_is_object(e) && !json_is_boolean(e))
                        cfail(c, "\"patternProperties\" values must be schemas (objects or booleans)");
                    else
                        s->pats[off + i].re = compile_re(c, k, strlen(k), "patternProperties");
                    pop_loc(c, s2);
                    if (c->failed)
                        break;
                    s->pats[off + i].src = k;
                    int32_t node = compile_at(c, e, k, 0); /* may move s->pats */
                    s->pats[off + i++].node = node;
                    if (c->failed)
                        break;
                }
            pop_loc(c, saved);
            if (!c->failed)
                N.pats = (range_t){off, (uint32_t)n};
        }
    }
    if ((r = opt_schema(c, j, "additionalProperties")) >= 0)
        N.addl_props = r;
    if ((r = opt_schema(c, j, "unevaluatedProperties")) >= 0) {
        N.uneval_props = r;
        s->track = 1;
    }

    /* arrays */
    opt_number(c, j, "maxItems", kw_count, &N.max_items, &N.flags, F_MAX_ITEMS);
    opt_number(c, j, "minItems", kw_count, &N.min_items, &N.flags, F_MIN_ITEMS);
    if (opt_schema_array(c, j, "prefixItems", &rr))
        N.prefix_items = rr;
    if (!c->failed && (v = json_object_get(j, "items")) != NULL) {
        if (json_is_array(v)) { /* the draft 2019-09 tuple form; @cfworker/json-schema accepts it in any draft */
            if (kw_schema_array(c, v, "items", &rr, 1) == 0) {
                N.items_tuple = rr;
                N.flags |= F_ITEMS_TUPLE;
            }
        } else if ((r = kw_schema(c, v, "items")) >= 0) {
            N.items = r;
        }
    }
    if ((r = opt_schema(c, j, "additionalItems")) >= 0)
        N.addl_items = r;
    if ((r = opt_schema(c, j, "contains")) >= 0)
        N.contains = r;
    opt_number(c, j, "minContains", kw_count, &N.min_contains, &N.flags, F_MIN_CONTAINS);
    opt_number(c, j, "maxContains", kw_count, &N.max_contains, &N.flags, F_MAX_CONTAINS);
    if ((r = opt_schema(c, j, "unevaluatedItems")) >= 0) {
        N.uneval_items = r;
        s->track = 1;
    }
    if ((v = opt_value(c, j, "uniqueItems", is_boolean, "a boolean")) != NULL && json_is_true(v))
        N.flags |= F_UNIQUE;

    /* numbers */
    opt_number(c, j, "minimum", kw_number, &N.minimum, &N.flags, F_MINIMUM);
    opt_number(c, j, "maximum", kw_number, &N.maximum, &N.flags, F_MAXIMUM);
    opt_number(c, j, "exclusiveMinimum", kw_number, &N.exmin, &N.flags, F_EXMIN);
    opt_number(c, j, "exclusiveMaximum", kw_number, &N.exmax, &N.flags, F_EXMAX);
    if (!c->failed && (v = json_object_get(j, "multipleOf")) != NULL &&
        kw_number(c, v, "multipleOf", &N.multiple_of) == 0) {
        if (!(N.multiple_of > 0))
            cfail(c, "\"multipleOf\" must be greater than 0");
        else
            N.flags |= F_MULTIPLE;
    }

    /* strings */
    opt_number(c, j, "minLength", kw_count, &N.min_len, &N.flags, F_MIN_LEN);
    opt_number(c, j, "maxLength", kw_count, &N.max_len, &N.flags, F_MAX_LEN);
    if ((v = opt_value(c, j, "pattern", is_string, "a string")) != NULL)
        N.pattern = compile_re(c, json_string_value(v), json_string_length(v), "pattern");
    opt_value(c, j, "format", is_string, "a string");
#undef N
    c->depth--;
    return c->failed ? -1 : me;
}

rg_jschema_t *rg_jschema_compile(const json_t *schema, char *err, size_t errsz)
{
    if (err && errsz)
        err[0] = '\0';
    if (schema == NULL || (!json_is_object(schema) && !json_is_boolean(schema))) {
        if (err && errsz)
            snprintf(err, errsz, "invalid JSON schema: a schema must be an object or a boolean");
        return NULL;
    }
    rg_jschema_t *s = calloc(1, sizeof(*s));
    cc_t c = {.s = s, .err = err, .errsz = errsz};
    if (s == NULL) {
        coom(&c);
        return NULL;
    }
    s->root = -1;
    s->doc = rg_js_normalize(json_deep_copy(schema));
    c.rctx = pcre2_compile_context_create(NULL);
    s->mctx = pcre2_match_context_create(NULL);
    if (s->doc == NULL || c.rctx == NULL || s->mctx == NULL || pb_put(&c.loc, "", 0) != 0) {
        coom(&c);
    } else {
        pcre2_set_compile_extra_options(c.rctx, PCRE2_EXTRA_ALT_BSUX);
        pcre2_set_match_limit(s->mctx, 1000000);
        s->root = compile_schema(&c, s->doc);
    }
    pcre2_compile_context_free(c.rctx);
    free(c.loc.p);
    free(c.hkey);
    free(c.hval);
    if (c.failed || s->root < 0) {
        if (!c.failed)
            coom(&c);
        rg_jschema_free(s);
        return NULL;
    }
    return s;
}

void rg_jschema_free(rg_jschema_t *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_nodes; i++)
        pcre2_code_free(s->nodes[i].pattern);
    for (size_t i = 0; i < s->n_pats; i++)
        pcre2_code_free(s->pats[i].re);
    pcre2_match_context_free(s->mctx);
    free(s->nodes);
    free(s->idx);
    free(s->props);
    free(s->pats);
    free(s->deps);
    json_decref(s->doc);
    free(s);
}

/* ---- validating ------------------------------------------------------------------ */

/* a bitset over the members of one object or array, inline when small */
typedef struct bits {
    uint64_t *w;
    size_t n;
    uint64_t small[4];
} bits_t;

typedef struct vctx {
    const rg_jschema_t *s;
    rg_jschema_errors_t *out;
    int collect;     /* append errors to out (else only count them) */
    size_t n_err;    /* errors so far (== out->n while collecting) */
    pbuf_t path;     /* the instance location, kept while collecting */
    pcre2_match_data *md;
    size_t work;
    unsigned depth;
    int status; /* 0, or an RG_JSCHEMA_* code: unwind */
} vctx_t;

static int bits_init(vctx_t *c, bits_t *b, size_t n)
{
    size_t words = (n + 63) / 64;
    b->n = n;
    if (words <= 4) {
        b->w = b->small;
        memset(b->small, 0, sizeof(b->small));
        return 0;
    }
    b->w = calloc(words, sizeof(uint64_t));
    if (b->w == NULL) {
        c->status = RG_JSCHEMA_OOM;
        b->n = 0;
        return -1;
    }
    return 0;
}

static void bits_free(bits_t *b)
{
    if (b->w != NULL && b->w != b->small)
        free(b->w);
    b->w = NULL;
}

static void bit_set(bits_t *b, size_t i)
{
    if (b && b->w && i < b->n)
        b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static int bit_get(const bits_t *b, size_t i)
{
    return b && b->w && i < b->n && (b->w[i / 64] >> (i % 64)) & 1;
}

/* "evaluated" for an instance: only kept when the schema has unevaluated* keywords */
static void ev_fresh(vctx_t *c, bits_t *e, const json_t *inst)
{
    e->w = NULL;
    e->n = 0;
    if (!c->s->track)
        return;
    if (json_is_object(inst))
        bits_init(c, e, json_object_size(inst));
    else if (json_is_array(inst))
        bits_init(c, e, json_array_size(inst));
}

static void ev_copy(vctx_t *c, bits_t *e, const bits_t *from)
{
    e->w = NULL;
    e->n = 0;
    if (from == NULL || from->w == NULL)
        return;
    if (bits_init(c, e, from->n) == 0)
        memcpy(e->w, from->w, (from->n + 63) / 64 * sizeof(uint64_t));
}

static void ev_or(bits_t *into, const bits_t *from)
{
    if (into == NULL || into->w == NULL || from->w == NULL)
        return;
    for (size_t i = 0; i < (into->n + 63) / 64; i++)
        into->w[i] |= from->w[i];
}

static void err_insert(vctx_t *c, size_t at, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err_insert(vctx_t *c, size_t at, const char *kw, const char *fmt, ...)
{
    if (c->status)
        return;
    if (!c->collect) {
        c->n_err++;
        return;
    }
    rg_jschema_errors_t *o = c->out;
    if (grow((void **)&o->v, &o->cap, o->n, sizeof(*o->v)) != 0) {
        c->status = RG_JSCHEMA_OOM;
        return;
    }
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    char *path = strndup(c->path.p ? c->path.p : "", c->path.n);
    if (r < 0 || path == NULL) {
        if (r >= 0)
            free(msg);
        free(path);
        c->status = RG_JSCHEMA_OOM;
        return;
    }
    if (at > o->n)
        at = o->n;
    memmove(o->v + at + 1, o->v + at, (o->n - at) * sizeof(*o->v));
    o->v[at].path = path;
    o->v[at].keyword = kw;
    o->v[at].message = msg;
    o->n++;
    c->n_err = o->n;
}

static void err_truncate(vctx_t *c, size_t to)
{
    if (c->collect) {
        for (size_t i = to; i < c->out->n; i++) {
            free(c->out->v[i].path);
            free(c->out->v[i].message);
        }
        if (to < c->out->n)
            c->out->n = to;
    }
    if (to < c->n_err)
        c->n_err = to;
}

static int re_test(vctx_t *c, const pcre2_code *re, const char *s, size_t n)
{
    if (c->md == NULL) {
        c->md = pcre2_match_data_create(1, NULL);
        if (c->md == NULL) {
            c->status = RG_JSCHEMA_OOM;
            return 0;
        }
    }
    c->work += 1 + n / 64;
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, c->md, c->s->mctx);
    if (rc == PCRE2_ERROR_NOMEMORY)
        c->status = RG_JSCHEMA_OOM;
    return rc >= 0; /* 0: matched, ovector too small */
}

static int v_node(vctx_t *c, int32_t ni, const json_t *inst, unsigned same, bits_t *ev);

/* validates object member k (or, k NULL, array item i) at its own instance location, with a fresh
 * "evaluated": 1 valid, 0 not, -1 out of memory */
static int v_member(vctx_t *c, int32_t ni, const json_t *val, const char *k, size_t i)
{
    size_t saved = c->path.n;
    if (c->collect && (k ? pb_key(&c->path, k, strlen(k)) : pb_idx(&c->path, i)) != 0) {
        c->status = RG_JSCHEMA_OOM;
        return -1;
    }
    int ok = v_node(c, ni, val, 0, NULL);
    c->path.n = saved;
    if (c->path.p)
        c->path.p[saved] = '\0';
    return ok;
}

/* additionalProperties / unevaluatedProperties ("what" in the message): the members not in skip
 * against ni, the valid ones marked in ev */
static void v_other_props(vctx_t *c, int32_t ni, const json_t *inst, const bits_t *skip, bits_t *ev, const char *kw,
                          const char *what)
{
    size_t idx = 0;
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)inst, k, val) {
        size_t i = idx++;
        if (c->status)
            break;
        if (bit_get(skip, i))
            continue;
        size_t at = c->n_err;
        int ok = v_member(c, ni, val, k, 0);
        if (ok < 0)
            break;
        if (ok)
            bit_set(ev, i);
        else
            err_insert(c, at, kw, "Property \"%s\" does not match %s properties schema.", k, what);
    }
}

/* array item i against ni for prefixItems, items and the like: marked evaluated, an error when invalid */
static void v_item(vctx_t *c, int32_t ni, const json_t *arr, size_t i, bits_t *ev, const char *kw, const char *msg)
{
    size_t at = c->n_err;
    int ok = v_member(c, ni, json_array_get(arr, i), NULL, i);
    if (ok < 0)
        return;
    bit_set(ev, i);
    if (!ok)
        err_insert(c, at, kw, "%s", msg);
}

/* a subschema's outcome only, its errors dropped (not, if) */
static int v_quiet(vctx_t *c, int32_t ni, const json_t *inst, unsigned same, bits_t *ev)
{
    int saved = c->collect;
    size_t start = c->n_err;
    c->collect = 0;
    int ok = v_node(c, ni, inst, same, ev);
    c->n_err = start;
    c->collect = saved;
    return ok;
}

static void num(double x, char *out)
{
    rg_js_number(x, out);
}

/* position of key among n's properties (0-based, schema order), or -1 */
static int prop_pos(const rg_jschema_t *s, const node_t *n, const char *k)
{
    if (n->props_sorted.n == 0)
        return -1;
    const uint32_t *sorted = s->idx + n->props_sorted.off;
    size_t lo = 0, hi = n->props_sorted.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(s->props[sorted[mid]].key, k);
        if (cmp == 0)
            return (int)(sorted[mid] - n->props.off);
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void v_object(vctx_t *c, const node_t *n, const json_t *inst, unsigned same, bits_t *ev)
{
    const rg_jschema_t *s = c->s;
    char a[RG_JS_NUMBER_MAX];
    size_t size = json_object_size(inst);
    const char *k;
    json_t *val;

    if (n->required) {
        size_t i;
        json_t *e;
        json_array_foreach(n->required, i, e) {
            if (json_object_getn(inst, json_string_value(e), json_string_length(e)) == NULL)
                err_insert(c, c->n_err, "required", "Instance does not have required property \"%s\".",
                           json_string_value(e));
        }
    }
    if ((n->flags & F_MIN_PROPS) && (double)size < n->min_props) {
        num(n->min_props, a);
        err_insert(c, c->n_err, "minProperties", "Instance does not have at least %s properties.", a);
    }
    if ((n->flags & F_MAX_PROPS) && (double)size > n->max_props) {
        num(n->max_props, a); /* sic: @cfworker/json-schema's wording */
        err_insert(c, c->n_err, "maxProperties", "Instance does not have at least %s properties.", a);
    }
    if (n->prop_names >= 0) {
        json_object_foreach((json_t *)inst, k, val) {
            if (c->status)
                return;
            json_t *name = json_string(k);
            if (name == NULL) {
                c->status = RG_JSCHEMA_OOM;
                return;
            }
            size_t at = c->n_err;
            if (v_member(c, n->prop_names, name, k, 0) == 0)
                err_insert(c, at, "propertyNames", "Property name \"%s\" does not match schema.", k);
            json_decref(name);
        }
    }
    if (n->dep_required) {
        json_t *names;
        json_object_foreach((json_t *)n->dep_required, k, names) {
            if (json_object_get(inst, k) == NULL)
                continue;
            size_t i;
            json_t *e;
            json_array_foreach(names, i, e) {
                if (json_object_getn(inst, json_string_value(e), json_string_length(e)) == NULL)
                    err_insert(c, c->n_err, "dependentRequired", "Instance has \"%s\" but does not have \"%s\".", k,
                               json_string_value(e));
            }
        }
    }
    for (uint32_t i = 0; i < n->dep_schemas.n && !c->status; i++) {
        const prop_t *p = &s->props[n->dep_schemas.off + i];
        if (json_object_get(inst, p->key) == NULL)
            continue;
        size_t at = c->n_err;
        if (!v_node(c, p->node, inst, same + 1, ev))
            err_insert(c, at, "dependentSchemas", "Instance has \"%s\" but does not match dependant schema.", p->key);
    }
    for (uint32_t i = 0; i < n->deps.n && !c->status; i++) {
        const dep_t *d = &s->deps[n->deps.off + i];
        if (json_object_get(inst, d->key) == NULL)
            continue;
        if (d->names) {
            size_t j;
            json_t *e;
            json_array_foreach(d->names, j, e) {
                if (json_object_getn(inst, json_string_value(e), json_string_length(e)) == NULL)
                    err_insert(c, c->n_err, "dependencies", "Instance has \"%s\" but does not have \"%s\".", d->key,
                               json_string_value(e));
            }
        } else {
            size_t at = c->n_err;
            if (!v_node(c, d->node, inst, same + 1, NULL))
                err_insert(c, at, "dependencies", "Instance has \"%s\" but does not match dependant schema.", d->key);
        }
    }
    if (c->status)
        return;

    /* properties, patternProperties, then additionalProperties over the members neither of them
     * looked at ("thisEvaluated", whatever the outcome), or unevaluatedProperties over those no
     * keyword validated successfully ("evaluated", kept only when the schema has such keywords) */
    int tracking = ev && ev->w;
    bits_t props_ok = {0}, pats_seen = {0}, pats_ok = {0};
    if ((tracking && (bits_init(c, &props_ok, n->props.n) != 0 || bits_init(c, &pats_ok, size) != 0)) ||
        (n->addl_props >= 0 && bits_init(c, &pats_seen, size) != 0))
        goto done;
    for (uint32_t i = 0; i < n->props.n && !c->status; i++) {
        const prop_t *p = &s->props[n->props.off + i];
        const json_t *m = json_object_get(inst, p->key);
        if (m == NULL)
            continue;
        size_t at = c->n_err;
        int ok = v_member(c, p->node, m, p->key, 0);
        if (ok < 0)
            break;
        if (ok)
            bit_set(&props_ok, i);
        else
            err_insert(c, at, "properties", "Property \"%s\" does not match schema.", p->key);
    }
    for (uint32_t pi = 0; pi < n->pats.n && !c->status; pi++) {
        const pat_t *p = &s->pats[n->pats.off + pi];
        size_t idx = 0;
        json_object_foreach((json_t *)inst, k, val) {
            if (c->status)
                break;
            size_t i = idx++;
            if (!re_test(c, p->re, k, strlen(k)))
                continue;
            size_t at = c->n_err;
            int ok = v_member(c, p->node, val, k, 0);
            if (ok < 0)
                break;
            bit_set(&pats_seen, i);
            if (ok)
                bit_set(&pats_ok, i);
            else
                err_insert(c, at, "patternProperties",
                           "Property \"%s\" matches pattern \"%s\" but does not match associated schema.", k, p->src);
        }
    }
    if (c->status || (!tracking && n->addl_props < 0))
        goto done;
    /* per member: in properties? (and validated by it, for "evaluated") */
    size_t idx = 0;
    json_object_foreach((json_t *)inst, k, val) {
        size_t i = idx++;
        int pos = prop_pos(s, n, k);
        if (pos >= 0)
            bit_set(&pats_seen, i);
        if (bit_get(&pats_ok, i) || (pos >= 0 && bit_get(&props_ok, (size_t)pos)))
            bit_set(ev, i);
    }
    if (n->addl_props >= 0)
        v_other_props(c, n->addl_props, inst, &pats_seen, ev, "additionalProperties", "additional");
    else if (n->uneval_props >= 0)
        v_other_props(c, n->uneval_props, inst, ev, ev, "unevaluatedProperties", "unevaluated");
done:
    bits_free(&props_ok);
    bits_free(&pats_seen);
    bits_free(&pats_ok);
}

/* uniqueItems' comparison: a === b, or both objects/arrays and deepCompareStrict(a, b) */
static int same_item(vctx_t *c, const json_t *a, const json_t *b)
{
    int ao = json_is_object(a) || json_is_array(a), bo = json_is_object(b) || json_is_array(b);
    c->work++;
    if (ao || bo)
        return ao && bo && js_deep(a, b, &c->work);
    return js_deep(a, b, &c->work);
}

static void v_array(vctx_t *c, const node_t *n, const json_t *inst, bits_t *ev)
{
    const rg_jschema_t *s = c->s;
    char a[RG_JS_NUMBER_MAX];
    size_t len = json_array_size(inst), i = 0;

    if ((n->flags & F_MAX_ITEMS) && (double)len > n->max_items) {
        num(n->max_items, a);
        err_insert(c, c->n_err, "maxItems", "Array has too many items (%zu > %s).", len, a);
    }
    if ((n->flags & F_MIN_ITEMS) && (double)len < n->min_items) {
        num(n->min_items, a);
        err_insert(c, c->n_err, "minItems", "Array has too few items (%zu < %s).", len, a);
    }
    if (n->prefix_items.n) {
        size_t l2 = n->prefix_items.n < len ? n->prefix_items.n : len;
        for (; i < l2 && !c->status; i++) {
            int32_t sub = (int32_t)s->idx[n->prefix_items.off + i];
            v_item(c, sub, inst, i, ev, "prefixItems", "Items did not match schema.");
        }
    }
    if (n->items >= 0 || (n->flags & F_ITEMS_TUPLE)) {
        size_t l2 = (n->flags & F_ITEMS_TUPLE) ? (n->items_tuple.n < len ? n->items_tuple.n : len) : len;
        for (; i < l2 && !c->status; i++) {
            int32_t sub = (n->flags & F_ITEMS_TUPLE) ? (int32_t)s->idx[n->items_tuple.off + i] : n->items;
            v_item(c, sub, inst, i, ev, "items", "Items did not match schema.");
        }
        for (; n->addl_items >= 0 && i < len && !c->status; i++)
            v_item(c, n->addl_items, inst, i, ev, "additionalItems", "Items did not match additional items schema.");
    }
    if (n->contains >= 0 && !c->status) {
        int has_min = (n->flags & F_MIN_CONTAINS) != 0, has_max = (n->flags & F_MAX_CONTAINS) != 0;
        if (len == 0 && !has_min) {
            err_insert(c, c->n_err, "contains",
                       "Array is empty. It must contain at least one item matching the schema.");
        } else if (has_min && (double)len < n->min_contains) {
            num(n->min_contains, a);
            err_insert(c, c->n_err, "minContains", "Array has less items (%zu) than minContains (%s).", len, a);
        } else {
            size_t at = c->n_err, contained = 0;
            for (size_t j = 0; j < len && !c->status; j++) {
                int ok = v_member(c, n->contains, json_array_get(inst, j), NULL, j);
                if (ok < 0)
                    return;
                if (ok) {
                    bit_set(ev, j);
                    contained++;
                }
            }
            if ((double)contained >= (has_min ? n->min_contains : 0))
                err_truncate(c, at);
            if (!has_min && contained == 0) {
                err_insert(c, at, "contains", "Array does not contain item matching schema.");
            } else if (has_min && (double)contained < n->min_contains) {
                num(n->min_contains, a);
                err_insert(c, c->n_err, "minContains",
                           "Array must contain at least %s items matching schema. Only %zu items were found.", a,
                           contained);
            } else if (has_max && (double)contained > n->max_contains) {
                num(n->max_contains, a);
                err_insert(c, c->n_err, "maxContains",
                           "Array may contain at most %s items matching schema. %zu items were found.", a, contained);
            }
        }
    }
    for (; n->uneval_items >= 0 && i < len && !c->status; i++)
        if (!bit_get(ev, i))
            v_item(c, n->uneval_items, inst, i, ev, "unevaluatedItems",
                   "Items did not match unevaluated items schema.");
    if ((n->flags & F_UNIQUE) && !c->status) {
        /* the first pair in @cfworker/json-schema's order (j ascending, then every k != j):
         * equality is symmetric, so the smallest j with a duplicate has its partner above it */
        for (size_t j = 0; j < len; j++) {
            for (size_t k = j + 1; k < len; k++) {
                if (c->work > RG_JSCHEMA_BUDGET) {
                    c->status = RG_JSCHEMA_TOO_COSTLY;
                    return;
                }
                if (same_item(c, json_array_get(inst, j), json_array_get(inst, k))) {
                    err_insert(c, c->n_err, "uniqueItems", "Duplicate items at indexes %zu and %zu.", j, k);
                    return;
                }
            }
        }
    }
}

/* |x| as coefficient * 10^exponent, read from its JavaScript decimal form (trailing zeros moved
 * into the exponent, so the coefficient has at most 17 digits) */
static void decimal_parts(double x, uint64_t *coef, int *exp)
{
    char buf[RG_JS_NUMBER_MAX];
    rg_js_number(fabs(x), buf);
    uint64_t c = 0;
    int e = 0, frac = 0, in_frac = 0, zeros = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') {
            in_frac = 1;
            continue;
        }
        if (in_frac)
            frac++;
        if (*p == '0') {
            zeros++; /* held back: only kept if a non-zero digit follows */
            continue;
        }
        for (; zeros; zeros--)
            c *= 10;
        c = c * 10 + (uint64_t)(*p - '0');
    }
    if (*p == 'e')
        e = atoi(p + 1);
    *coef = c;
    *exp = e - frac + zeros;
}

/* @cfworker/json-schema 4.1's isMultipleOf: exact decimal arithmetic on the numbers' shortest
 * decimal forms (so 0.3 is a multiple of 0.1), not a floating-point remainder */
static int is_multiple_of(double x, double d)
{
    if (!isfinite(x) || !isfinite(d) || d <= 0)
        return 0;
    uint64_t ic, dc;
    int ie, de;
    decimal_parts(x, &ic, &ie);
    decimal_parts(d, &dc, &de);
    if (ic == 0)
        return 1;
    if (dc == 0)
        return 0;
    int diff = ie - de;
    if (diff >= 0) { /* ic * 10^diff ≡ 0 (mod dc) */
        unsigned __int128 r = ic % dc;
        for (int i = 0; i < diff && r != 0; i++)
            r = (r * 10) % dc;
        return r == 0;
    }
    if (-diff > 19) /* dc * 10^-diff exceeds ic */
        return 0;
    unsigned __int128 m = dc;
    for (int i = 0; i < -diff; i++)
        m *= 10;
    return (unsigned __int128)ic % m == 0;
}

static void v_number(vctx_t *c, const node_t *n, const json_t *inst)
{
    double x = rg_js_number_value(inst);
    char a[RG_JS_NUMBER_MAX], b[RG_JS_NUMBER_MAX];
    num(x, a);
    if ((n->flags & F_MINIMUM) && x < n->minimum) {
        num(n->minimum, b);
        err_insert(c, c->n_err, "minimum", "%s is less than %s.", a, b);
    }
    if ((n->flags & F_MAXIMUM) && x > n->maximum) {
        num(n->maximum, b);
        err_insert(c, c->n_err, "maximum", "%s is greater than %s.", a, b);
    }
    if ((n->flags & F_EXMIN) && x <= n->exmin) {
        num(n->exmin, b);
        err_insert(c, c->n_err, "exclusiveMinimum", "%s is less than %s.", a, b);
    }
    if ((n->flags & F_EXMAX) && x >= n->exmax) {
        num(n->exmax, b);
        err_insert(c, c->n_err, "exclusiveMaximum", "%s is greater than or equal to %s.", a, b);
    }
    if (n->flags & F_MULTIPLE) {
        if (!is_multiple_of(x, n->multiple_of)) {
            num(n->multiple_of, b);
            err_insert(c, c->n_err, "multipleOf", "%s is not a multiple of %s.", a, b);
        }
    }
}

static void v_string(vctx_t *c, const node_t *n, const json_t *inst)
{
    const char *str = json_string_value(inst);
    size_t bytes = json_string_length(inst);
    char a[RG_JS_NUMBER_MAX];
    if (n->flags & (F_MIN_LEN | F_MAX_LEN)) {
        size_t len = code_points(str, bytes);
        if ((n->flags & F_MIN_LEN) && (double)len < n->min_len) {
            num(n->min_len, a);
            err_insert(c, c->n_err, "minLength", "String is too short (%zu < %s).", len, a);
        }
        if ((n->flags & F_MAX_LEN) && (double)len > n->max_len) {
            num(n->max_len, a);
            err_insert(c, c->n_err, "maxLength", "String is too long (%zu > %s).", len, a);
        }
    }
    if (n->pattern && !re_test(c, n->pattern, str, bytes))
        err_insert(c, c->n_err, "pattern", "String does not match pattern.");
}

static void type_error(vctx_t *c, const node_t *n, int ity)
{
    char want[TY_COUNT * 12] = "";
    for (int i = 0; i < n->n_types; i++) {
        if (i)
            strcat(want, "\", \"");
        strcat(want, type_names[n->types[i]]);
    }
    err_insert(c, c->n_err, "type", "Instance type \"%s\" is invalid. Expected \"%s\".", type_names[ity], want);
}

static int v_node(vctx_t *c, int32_t ni, const json_t *inst, unsigned same, bits_t *ev_in)
{
    const rg_jschema_t *s = c->s;
    const node_t *n = &s->nodes[ni];
    size_t start = c->n_err;
    if (c->status)
        return 0;
    if (++c->work > RG_JSCHEMA_BUDGET) {
        c->status = RG_JSCHEMA_TOO_COSTLY;
        return 0;
    }
    if (n->kind == NK_TRUE)
        return 1;
    if (n->kind == NK_FALSE) {
        err_insert(c, c->n_err, "false", "False boolean schema.");
        return 0;
    }
    if (same > RG_JSCHEMA_MAX_SAME_PLACE || c->depth >= RG_JSCHEMA_MAX_DEPTH) {
        c->status = RG_JSCHEMA_TOO_DEEP;
        return 0;
    }
    c->depth++;
    bits_t own, *ev = ev_in;
    own.w = NULL;
    if (ev == NULL) {
        ev_fresh(c, &own, inst);
        ev = &own;
    }
    int ity = inst_type(inst);

    if (n->ref >= 0) {
        size_t at = c->n_err;
        if (!v_node(c, n->ref, inst, same + 1, ev))
            err_insert(c, at, "$ref", "A subschema had errors.");
    }
    if (n->n_types) {
        int ok = 0;
        for (int i = 0; i < n->n_types && !ok; i++)
            ok = n->types[i] == ity || (n->types[i] == TY_INTEGER && ity == TY_NUMBER && is_integral(inst));
        if (!ok)
            type_error(c, n, ity);
    }
    if (n->konst && !js_deep(inst, n->konst, &c->work) && !c->status) {
        char *js = c->collect ? rg_js_stringify(n->konst) : NULL;
        if (c->collect && js == NULL)
            c->status = RG_JSCHEMA_OOM;
        err_insert(c, c->n_err, "const", "Instance does not match %s.", js ? js : "");
        free(js);
    }
    if (n->enm && !c->status) {
        int found = 0;
        size_t i;
        json_t *e;
        json_array_foreach(n->enm, i, e) if (!found && js_deep(inst, e, &c->work)) found = 1;
        if (!found) {
            char *js = c->collect ? rg_js_stringify(n->enm) : NULL;
            if (c->collect && js == NULL)
                c->status = RG_JSCHEMA_OOM;
            err_insert(c, c->n_err, "enum", "Instance does not match any of %s.", js ? js : "");
            free(js);
        }
    }
    if (n->not_ >= 0 && !c->status) {
        if (v_quiet(c, n->not_, inst, same + 1, NULL) && !c->status)
            err_insert(c, c->n_err, "not", "Instance matched \"not\" schema.");
    }

    /* anyOf, allOf, oneOf: subschemas see a copy of "evaluated"; the copies of those that
     * passed are merged into it after all three (Object.assign(evaluated, ...subEvaluateds)) */
    bits_t acc = {0};
    int tracking = ev->w != NULL;
    if (tracking && (n->any_of.n || n->all_of.n || n->one_of.n))
        ev_copy(c, &acc, ev);
    const range_t *comb[3] = {&n->any_of, &n->all_of, &n->one_of};
    for (int w = 0; w < 3 && !c->status; w++) {
        const range_t *r = comb[w];
        if (r->n == 0)
            continue;
        size_t at = c->n_err, passed = 0;
        for (uint32_t i = 0; i < r->n && !c->status; i++) {
            bits_t sub = {0};
            if (tracking)
                ev_copy(c, &sub, ev);
            if (v_node(c, (int32_t)s->idx[r->off + i], inst, same + 1, tracking ? &sub : NULL)) {
                passed++;
                ev_or(&acc, &sub);
            }
            bits_free(&sub);
        }
        if (c->status)
            break;
        if (w == 0) {
            if (passed)
                err_truncate(c, at);
            else
                err_insert(c, at, "anyOf", "Instance does not match any subschemas.");
        } else if (w == 1) {
            if (passed == r->n)
                err_truncate(c, at);
            else
                err_insert(c, at, "allOf", "Instance does not match every subschema.");
        } else {
            if (passed == 1)
                err_truncate(c, at);
            else
                err_insert(c, at, "oneOf", "Instance does not match exactly one subschema (%zu matches).", passed);
        }
    }
    if (tracking)
        ev_or(ev, &acc);
    bits_free(&acc);

    if (n->if_ >= 0 && !c->status) {
        bits_t if_ev;
        ev_fresh(c, &if_ev, inst);
        int cond = v_quiet(c, n->if_, inst, same + 1, tracking ? &if_ev : NULL);
        if (cond && tracking)
            ev_or(ev, &if_ev);
        bits_free(&if_ev);
        if (cond) {
            if (n->then_ >= 0) {
                size_t at = c->n_err;
                if (!v_node(c, n->then_, inst, same + 1, ev))
                    err_insert(c, at, "if", "Instance does not match \"then\" schema.");
            }
        } else if (n->else_ >= 0 && !c->status) {
            size_t at = c->n_err;
            if (!v_node(c, n->else_, inst, same + 1, ev))
                err_insert(c, at, "if", "Instance does not match \"else\" schema.");
        }
    }

    if (!c->status) {
        switch (ity) {
        case TY_OBJECT:
            v_object(c, n, inst, same, ev);
            break;
        case TY_ARRAY:
            v_array(c, n, inst, ev);
            break;
        case TY_NUMBER:
            v_number(c, n, inst);
            break;
        case TY_STRING:
            v_string(c, n, inst);
            break;
        default:
            break;
        }
    }
    if (ev == &own)
        bits_free(&own);
    c->depth--;
    return c->status == 0 && c->n_err == start;
}

int rg_jschema_validate(const rg_jschema_t *s, const json_t *instance, rg_jschema_errors_t *errors)
{
    if (s == NULL || instance == NULL)
        return RG_JSCHEMA_OOM;
    vctx_t c = {.s = s, .out = errors, .collect = errors != NULL};
    if (errors)
        c.n_err = errors->n;
    size_t first = c.n_err;
    if (c.collect && pb_put(&c.path, "", 0) != 0)
        return RG_JSCHEMA_OOM;
    v_node(&c, s->root, instance, 0, NULL);
    free(c.path.p);
    pcre2_match_data_free(c.md);
    if (c.status) {
        if (errors)
            err_truncate(&c, first);
        return c.status;
    }
    return c.n_err == first;
}

void rg_jschema_errors_free(rg_jschema_errors_t *errors)
{
    if (errors == NULL)
        return;
    for (size_t i = 0; i < errors->n; i++) {
        free(errors->v[i].path);
        free(errors->v[i].message);
    }
    free(errors->v);
    memset(errors, 0, sizeof(*errors));
}
