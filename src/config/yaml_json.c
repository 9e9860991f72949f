/*
 * yaml_json.c — a YAML node as JSON (check parameters, Portkey hooks written as YAML).
 *
 * Plain scalars are typed by the YAML 1.2 core schema: null, ~ and an empty
 * value are null; true/false (also True, TRUE, ...) are booleans; 12, -3,
 * 0o17 and 0x1F are integers; 1.5, .5 and 1e3 are reals; anything else is a
 * string. Quoted and block scalars are always strings. .inf and .nan are
 * refused (JSON has neither), as are integers outside 64 bits and reals that
 * overflow. `os.environ/NAME` (plain or quoted) becomes the variable's value
 * as a string. Mappings become objects (keys as written; a key twice is an
 * error), sequences arrays. Aliases are expanded, so the output is capped
 * (RG_YJ_MAX_VALUES values, RG_YJ_MAX_DEPTH levels). Tags other than the
 * defaults are refused; note that libyaml resolves `!!str 12` to the default
 * tag, so it reads as the integer 12: quote it instead.
 */
#include "config/walk.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RG_YJ_MAX_DEPTH 32
#define RG_YJ_MAX_VALUES 10000
#define RG_YJ_MAX_ERRORS 20

typedef struct conv {
    rg_walk_t *w;
    const char *what;
    yaml_node_t *root; /* caps are reported here: an alias has no line of its own */
    size_t values;
    int errors;
    int failed;
    int stop; /* a cap was hit: no more errors */
} conv_t;

static int is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

static int all_digits(const char *s, int base)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (base == 8 ? !(c >= '0' && c <= '7') : base == 16 ? !isxdigit(c) : !isdigit(c))
            return 0;
    }
    return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t ip = strspn(s, "0123456789");
    s += ip;
    size_t fp = 0;
    if (*s == '.') {
        s++;
        fp = strspn(s, "0123456789");
        s += fp;
    }
    if (ip == 0 && fp == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        size_t ep = strspn(s, "0123456789");
        if (ep == 0)
            return 0;
        s += ep;
    }
    return *s == '\0';
}

/* A plain scalar under the core schema: new JSON, or NULL with *why set. */
static json_t *plain(const char *s, size_t len, const char **why)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    static const char *const nonfinite[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF", "-.inf",
                                            "-.Inf", "-.INF", ".nan", ".NaN",  ".NAN",  NULL};
    if (strlen(s) != len) /* a plain scalar cannot hold NUL; be safe anyway */
        return json_stringn(s, len);
    if (is_one_of(s, nulls))
        return json_null();
    if (is_one_of(s, trues))
        return json_true();
    if (is_one_of(s, falses))
        return json_false();
    if (is_one_of(s, nonfinite)) {
        *why = "infinity and NaN are not JSON numbers (quote it for a string)";
        return NULL;
    }
    int base = 0;
    const char *digits = s;
    if (!strncmp(s, "0o", 2) && all_digits(s + 2, 8))
        base = 8, digits = s + 2;
    else if (!strncmp(s, "0x", 2) && all_digits(s + 2, 16))
        base = 16, digits = s + 2;
    else if (all_digits(s + (*s == '-' || *s == '+'), 10))
        base = 10;
    if (base) {
        errno = 0;
        char *end;
        long long x = strtoll(digits, &end, base);
        if (errno == ERANGE || *end) {
            *why = "integer out of range (64 bits; quote it for a string)";
            return NULL;
        }
        return json_integer((json_int_t)x);
    }
    if (is_float(s)) {
        double d = strtod(s, NULL); /* an underflow gives 0 or a subnormal: usable */
        if (!isfinite(d)) {
            *why = "number out of range (quote it for a string)";
            return NULL;
        }
        return json_real(d);
    }
    return json_stringn(s, len);
}

static json_t *conv(conv_t *x, yaml_node_t *n, int depth);

__attribute__((format(printf, 3, 4))) static void fail(conv_t *x, yaml_node_t *n, const char *fmt, ...)
{
    x->failed = 1;
    if (x->stop)
        return;
    if (++x->errors == RG_YJ_MAX_ERRORS) /* an alias of a bad value may repeat its error many times */
        x->stop = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rg_cfg_bad(x->w, n, "%s: %s", x->what, msg);
}

static json_t *conv_scalar(conv_t *x, yaml_node_t *n)
{
    const char *tag = (const char *)n->tag;
    if (tag && strcmp(tag, YAML_DEFAULT_SCALAR_TAG)) {
        fail(x, n, "tag '%s' is not supported here (quote the value for a string)", tag);
        return NULL;
    }
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    json_t *j;
    if (!strncmp(s, "os.environ/", 11)) {
        const char *v = rg_cfg_scalar(x->w, n, x->what);
        if (v == NULL) {
            x->failed = 1;
            return NULL;
        }
        if ((j = json_string(v)) == NULL)
            fail(x, n, "the value of %s is not valid UTF-8", s);
        return j;
    }
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        const char *why = "out of memory";
        if ((j = plain(s, len, &why)) == NULL)
            fail(x, n, "'%s': %s", s, why);
        return j;
    }
    if ((j = json_stringn(s, len)) == NULL)
        fail(x, n, "a value is not valid UTF-8");
    return j;
}

static json_t *conv_mapping(conv_t *x, yaml_node_t *n, int depth)
{
    const char *tag = (const char *)n->tag;
    if (tag && strcmp(tag, YAML_DEFAULT_MAPPING_TAG)) {
        fail(x, n, "tag '%s' is not supported here", tag);
        return NULL;
    }
    json_t *o = json_object();
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; o && p < n->data.mapping.pairs.top && !x->stop; p++) {
        yaml_node_t *k = rg_cfg_node(x->w, p->key), *v = rg_cfg_node(x->w, p->value);
        if (k == NULL || v == NULL)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            fail(x, k, "keys must be plain strings");
            continue;
        }
        const char *key = (const char *)k->data.scalar.value;
        size_t klen = k->data.scalar.length;
        if (json_object_getn(o, key, klen) != NULL) {
            fail(x, k, "key '%s' appears twice", key);
            continue;
        }
        json_t *jv = conv(x, v, depth + 1);
        if (jv != NULL && json_object_setn_new(o, key, klen, jv) != 0)
            fail(x, k, "a key is not valid UTF-8");
    }
    return o;
}

static json_t *conv(conv_t *x, yaml_node_t *n, int depth)
{
    if (x->stop)
        return NULL;
    if (++x->values > RG_YJ_MAX_VALUES || depth > RG_YJ_MAX_DEPTH) {
        fail(x, x->root, "too big or too deep (at most %d levels and %d values, aliases expanded)", RG_YJ_MAX_DEPTH,
             RG_YJ_MAX_VALUES);
        x->stop = 1;
        return NULL;
    }
    if (n->type == YAML_SCALAR_NODE)
        return conv_scalar(x, n);
    if (n->type == YAML_MAPPING_NODE)
        return conv_mapping(x, n, depth);
    if (n->type != YAML_SEQUENCE_NODE)
        return NULL;
    const char *tag = (const char *)n->tag;
    if (tag && strcmp(tag, YAML_DEFAULT_SEQUENCE_TAG)) {
        fail(x, n, "tag '%s' is not supported here", tag);
        return NULL;
    }
    json_t *a = json_array();
    for (yaml_node_item_t *i = n->data.sequence.items.start; a && i < n->data.sequence.items.top && !x->stop; i++) {
        yaml_node_t *item = rg_cfg_node(x->w, *i);
        json_t *j = item ? conv(x, item, depth + 1) : NULL;
        if (j != NULL)
            json_array_append_new(a, j);
    }
    return a;
}

json_t *rg_cfg_json(rg_walk_t *w, yaml_node_t *n, const char *what)
{
    conv_t x = {w, what, n, 0, 0, 0, 0};
    json_t *j = conv(&x, n, 0);
    if (x.failed || j == NULL) {
        if (!x.failed)
            rg_cfg_bad(w, n, "%s: out of memory", what);
        json_decref(j);
        return NULL;
    }
    return j;
}
