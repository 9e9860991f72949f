/* entity_check.c — detect / redact / mask over an entity detector's spans (see entity_check.h). */
#include "guard/checks/entity_check.h"

#include "core/buf.h"
#include "guard/js_value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { ACT_DETECT = 0, ACT_REDACT, ACT_MASK } action_t;

static const char *const action_names[] = {"detect", "redact", "mask"};

typedef struct {
    const rg_detector_ops_t *ops;
    void *det;
    uint64_t types;
    action_t action;
} ec_t;

static const char *const common_keys[] = {"entities", "action", "redact", "scope", NULL};

static int key_known(const char *const *keys, const char *k)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return 1;
    return 0;
}

void *rg_ec_compile(const rg_detector_ops_t *ops, json_t *params, char *err, size_t errsz)
{
    if (params != NULL && !json_is_object(params)) {
        snprintf(err, errsz, "parameters must be an object");
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(params, k, v) {
        if (!key_known(common_keys, k) && !key_known(ops->param_keys, k)) {
            snprintf(err, errsz, "unknown parameter \"%.60s\" for railgate.%s", k, ops->name);
            return NULL;
        }
    }
    uint64_t types = ops->default_types;
    json_t *ents = json_object_get(params, "entities");
    if (ents != NULL && !json_is_null(ents)) {
        if (!json_is_array(ents) || json_array_size(ents) == 0) {
            snprintf(err, errsz, "entities must be a non-empty array of type names");
            return NULL;
        }
        types = 0;
        size_t i;
        json_array_foreach(ents, i, v) {
            int t = json_is_string(v) ? rg_detector_type(ops, json_string_value(v), json_string_length(v)) : -1;
            if (t < 0) {
                int n = snprintf(err, errsz, "unknown entity %s%.60s%s (known:", json_is_string(v) ? "\"" : "",
                                 json_is_string(v) ? json_string_value(v) : "(not a string)",
                                 json_is_string(v) ? "\"" : "");
                for (size_t j = 0; ops->types[j] && n > 0 && (size_t)n < errsz; j++)
                    n += snprintf(err + n, errsz - (size_t)n, " %s", ops->types[j]);
                if (n > 0 && (size_t)n < errsz)
                    snprintf(err + n, errsz - (size_t)n, ")");
                return NULL;
            }
            types |= (uint64_t)1 << t;
        }
    }
    action_t action = ACT_DETECT;
    json_t *a = json_object_get(params, "action");
    if (a != NULL && !json_is_null(a)) {
        int found = 0;
        for (int i = 0; i < 3 && json_is_string(a); i++)
            if (strcmp(json_string_value(a), action_names[i]) == 0) {
                action = (action_t)i;
                found = 1;
            }
        if (!found) {
            snprintf(err, errsz, "action must be \"detect\", \"redact\" or \"mask\"");
            return NULL;
        }
    }
    json_t *r = json_object_get(params, "redact");
    if (r != NULL && !json_is_null(r) && !json_is_boolean(r)) {
        snprintf(err, errsz, "redact must be a boolean");
        return NULL;
    }
    if (json_is_true(r)) {
        if (a != NULL && !json_is_null(a) && action != ACT_REDACT) {
            snprintf(err, errsz, "redact: true contradicts action \"%s\"", action_names[action]);
            return NULL;
        }
        action = ACT_REDACT;
    }
    ec_t *ec = calloc(1, sizeof(*ec));
    if (ec == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    ec->ops = ops;
    ec->types = types;
    ec->action = action;
    ec->det = ops->compile(types, params, err, errsz);
    if (ec->det == NULL) {
        free(ec);
        return NULL;
    }
    return ec;
}

void rg_ec_free(void *p)
{
    ec_t *ec = p;
    if (ec == NULL)
        return;
    ec->ops->free(ec->det);
    free(ec);
}

/* ---- masking ---------------------------------------------------------------- */

static int is_alnum_ascii(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

/* Bytes of the well-formed UTF-8 character at s[i] (RFC 3629: no overlong forms, surrogates or code points
 * past U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_char(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t n = len - i;
    if (u[0] < 0x80)
        return 1;
    size_t w = u[0] >= 0xC2 && u[0] <= 0xDF ? 2 : u[0] >= 0xE0 && u[0] <= 0xEF ? 3 : u[0] >= 0xF0 && u[0] <= 0xF4 ? 4 : 0;
    if (w == 0 || w > n)
        return 0;
    unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (u[0] == 0xE0)
        lo = 0xA0;
    else if (u[0] == 0xED)
        hi = 0x9F;
    else if (u[0] == 0xF0)
        lo = 0x90;
    else if (u[0] == 0xF4)
        hi = 0x8F;
    if (u[1] < lo || u[1] > hi)
        return 0;
    for (size_t k = 2; k < w; k++)
        if ((u[k] & 0xC0) != 0x80)
            return 0;
    return w;
}

int rg_ec_mask(rg_buf_t *out, const char *s, size_t len)
{
    /* Count what would be masked: values of nine letters/digits or more keep their last four, of six or more
     * their last one, shorter ones nothing. A non-ASCII character counts as a letter; a byte that is not
     * UTF-8 counts as one and never comes out as itself (the excerpt must be valid JSON text). The output is
     * never longer than the input: it is built in one piece and appended once. */
    size_t alnum = 0;
    for (size_t i = 0; i < len;) {
        size_t w = utf8_char(s, len, i);
        alnum += w != 1 || is_alnum_ascii((unsigned char)s[i]);
        i += w ? w : 1;
    }
    size_t keep = alnum >= 9 ? 4 : alnum >= 6 ? 1 : 0; /* cards, SSNs, phones, IBANs keep their last four */
    size_t mask_n = alnum > keep ? alnum - keep : 0, seen = 0, o = 0;
    char small[256], *m = len <= sizeof(small) ? small : malloc(len);
    if (m == NULL)
        return -1;
    for (size_t i = 0; i < len;) {
        size_t w = utf8_char(s, len, i);
        int word = w != 1 || is_alnum_ascii((unsigned char)s[i]);
        if (word && seen++ < mask_n) {
            m[o++] = '*';
        } else if (w == 0) {
            m[o++] = '?';
        } else {
            memcpy(m + o, s + i, w);
            o += w;
        }
        i += w ? w : 1;
    }
    int rc = o == 0 || rg_buf_append(out, m, o) == RG_BUF_OK ? 0 : -1;
    if (m != small)
        free(m);
    return rc;
}

int rg_ec_mask_spans(rg_buf_t *out, const char *s, size_t len, const rg_entities_t *e)
{
    size_t last = 0;
    for (size_t k = 0; k < e->n; k++) {
        if (rg_buf_append(out, s + last, e->v[k].start - last) != RG_BUF_OK ||
            rg_ec_mask(out, s + e->v[k].start, e->v[k].end - e->v[k].start) != 0)
            return -1;
        last = e->v[k].end;
    }
    return rg_buf_append(out, s + last, len - last) == RG_BUF_OK ? 0 : -1;
}

/* ---- placeholders: [TYPE_n] by distinct value per run ------------------------ */

typedef struct {
    const char *s;
    uint32_t len;
    uint16_t type;
    uint32_t n; /* 0 = empty slot */
} slot_t;

typedef struct {
    slot_t *v;
    size_t cap, used;
    uint32_t next[RG_DETECTOR_TYPES_MAX];
} names_t;

static uint64_t hash_value(unsigned type, const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ type;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The number for (type, value): the one it already has, else the next. 0 on out of memory. */
static uint32_t name_for(names_t *nm, unsigned type, const char *s, size_t len)
{
    if (nm->used * 2 >= nm->cap) {
        size_t cap = nm->cap ? nm->cap * 2 : 64;
        slot_t *v = calloc(cap, sizeof(*v));
        if (v == NULL)
            return 0;
        for (size_t i = 0; i < nm->cap; i++) {
            if (nm->v[i].n == 0)
                continue;
            size_t j = hash_value(nm->v[i].type, nm->v[i].s, nm->v[i].len) & (cap - 1);
            while (v[j].n)
                j = (j + 1) & (cap - 1);
            v[j] = nm->v[i];
        }
        free(nm->v);
        nm->v = v;
        nm->cap = cap;
    }
    size_t j = hash_value(type, s, len) & (nm->cap - 1);
    while (nm->v[j].n) {
        if (nm->v[j].type == type && nm->v[j].len == len && memcmp(nm->v[j].s, s, len) == 0)
            return nm->v[j].n;
        j = (j + 1) & (nm->cap - 1);
    }
    nm->v[j] = (slot_t){s, (uint32_t)len, (uint16_t)type, ++nm->next[type]};
    nm->used++;
    return nm->v[j].n;
}

/* ---- run ------------------------------------------------------------------- */

typedef struct {
    json_t *list;
    size_t counts[RG_DETECTOR_TYPES_MAX];
    size_t found;
    int truncated;
} report_t;

/* Code points in s[from, to): bytes that are not UTF-8 continuation bytes (10xxxxxx), 8 at a time. The 0/1 flags
 * of a word are summed by one multiply into its top byte (a popcount would be a libgcc call on the baseline
 * x86-64 this is built for: 3.3% of the PII + secrets pack's time). */
static size_t cp_count(const char *s, size_t from, size_t to)
{
    size_t n = to - from, cont = 0, i = from;
    for (; i + 8 <= to; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t flags = (x & ~(x << 1) & 0x8080808080808080ull) >> 7;
        cont += (size_t)((flags * 0x0101010101010101ull) >> 56);
    }
    for (; i < to; i++)
        cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    return n - cont;
}

/* Records the spans of one part; with redact or mask builds its replacement into *out. 0 or -1. */
static int one_part(const ec_t *ec, names_t *nm, report_t *rep, size_t part, const char *s, size_t len,
                    const rg_entities_t *e, rg_buf_t *out)
{
    size_t cp = 0, at = 0, last = 0;
    rg_buf_t ex;
    for (size_t i = 0; i < e->n; i++) {
        const rg_entity_t *sp = &e->v[i];
        cp += cp_count(s, at, sp->start);
        size_t cp_start = cp;
        cp += cp_count(s, sp->start, sp->end);
        at = sp->end;
        if (rep->found < RG_EC_REPORT_MAX) { /* past it: counted, acted on, not listed */
            rg_buf_init(&ex, (size_t)(sp->end - sp->start) * 4 + 8);
            if (rg_ec_mask(&ex, s + sp->start, sp->end - sp->start) != 0) {
                rg_buf_free(&ex);
                return -1;
            }
            json_t *o = json_object();
            json_object_set_new(o, "type", json_string(ec->ops->types[sp->type]));
            json_object_set_new(o, "part", json_integer((json_int_t)part));
            json_object_set_new(o, "start", json_integer((json_int_t)cp_start));
            json_object_set_new(o, "end", json_integer((json_int_t)cp));
            json_object_set_new(o, "excerpt", json_stringn(ex.data ? ex.data : "", ex.len));
            rg_buf_free(&ex);
            if (json_array_append_new(rep->list, o) != 0)
                return -1;
        } else {
            rep->truncated = 1;
        }
        rep->counts[sp->type]++;
        rep->found++;
        if (ec->action == ACT_DETECT)
            continue;
        if (rg_buf_append(out, s + last, sp->start - last) != RG_BUF_OK)
            return -1;
        if (ec->action == ACT_MASK) {
            if (rg_ec_mask(out, s + sp->start, sp->end - sp->start) != 0)
                return -1;
        } else {
            uint32_t n = name_for(nm, sp->type, s + sp->start, sp->end - sp->start);
            if (n == 0 || rg_buf_appendf(out, "[%s_%u]", ec->ops->types[sp->type], n) != RG_BUF_OK)
                return -1;
        }
        last = sp->end;
    }
    if (ec->action != ACT_DETECT && rg_buf_append(out, s + last, len - last) != RG_BUF_OK)
        return -1;
    return 0;
}

void rg_ec_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const ec_t *ec = compiled;
    const rg_guard_text_t *text = env->text;
    size_t n = text ? text->n : 0;
    report_t rep = {.list = json_array()};
    names_t nm = {0};
    rg_entities_t e = {0};
    char **parts = NULL;
    size_t *lens = NULL;
    int failed = rep.list == NULL;
    if (!failed && ec->action != ACT_DETECT && n > 0) {
        parts = calloc(n, sizeof(*parts));
        lens = calloc(n, sizeof(*lens));
        failed = parts == NULL || lens == NULL;
    }
    for (size_t i = 0; i < n && !failed; i++) {
        const rg_text_part_t *p = &text->parts[i];
        rg_entities_clear(&e);
        if (ec->ops->find(ec->det, p->s, p->len, &e) != 0) {
            failed = 1;
            break;
        }
        if (e.truncated && ec->action != ACT_DETECT) { /* some spans were not kept: they would go through as they are */
            failed = 2;
            break;
        }
        rep.truncated |= e.truncated;
        rg_entities_resolve(&e);
        if (e.n == 0)
            continue;
        rg_buf_t out;
        rg_buf_init(&out, p->len + (size_t)e.n * 48 + 64); /* a placeholder is at most ~40 bytes */
        if (one_part(ec, &nm, &rep, i, p->s, p->len, &e, &out) != 0) {
            rg_buf_free(&out);
            failed = 1;
            break;
        }
        if (ec->action != ACT_DETECT) {
            parts[i] = out.data ? out.data : strdup("");
            lens[i] = out.len;
            failed = parts[i] == NULL;
        } else {
            rg_buf_free(&out);
        }
    }
    rg_entities_free(&e);
    free(nm.v);
    if (failed) {
        for (size_t i = 0; parts && i < n; i++)
            free(parts[i]);
        free(parts);
        free(lens);
        json_decref(rep.list);
        if (failed == 2) { /* a verdict, not an error: an errored check lets its hook pass, unredacted */
            json_t *data = json_object();
            json_object_set_new(data, "action", json_string(action_names[ec->action]));
            json_object_set_new(data, "refused", json_true());
            json_object_set_new(data, "explanation",
                                json_string("more findings in one text part than can be redacted safely"));
            res->data = data;
            res->verdict = 0;
        } else {
            rg_check_fail(res, "railgate.%s: out of memory or scan error", ec->ops->name);
        }
        return;
    }
    json_t *data = json_object();
    json_object_set_new(data, "action", json_string(action_names[ec->action]));
    json_object_set_new(data, "found", json_integer((json_int_t)rep.found));
    json_object_set_new(data, "entities", rep.list);
    json_t *counts = json_object();
    for (size_t t = 0; ec->ops->types[t]; t++)
        if (rep.counts[t])
            json_object_set_new(counts, ec->ops->types[t], json_integer((json_int_t)rep.counts[t]));
    json_object_set_new(data, "counts", counts);
    if (rep.truncated)
        json_object_set_new(data, "truncated", json_true());
    res->data = data;
    if (ec->action == ACT_DETECT) {
        res->verdict = rep.found == 0;
        return;
    }
    res->verdict = 1;
    if (rep.found > 0) {
        res->parts = parts;
        res->part_lens = lens;
        res->transformed = 1;
    } else {
        free(parts);
        free(lens);
    }
}
