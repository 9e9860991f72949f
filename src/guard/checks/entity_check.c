/* entity_check.c — detect / redact / mask over an entity detector's spans (see entity_check.h). */
#include "guard/checks/entity_check.h"

#include "guard/checks/entity_allow.h"

#include "core/bits.h"
#include "core/buf.h"
#include "core/json_dump.h"
#include "core/json_valid.h"
#include "guard/js_value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef enum { ACT_DETECT = 0, ACT_REDACT, ACT_MASK } action_t;

static const char *const action_names[] = {"detect", "redact", "mask"};

/* The data of a run that found something is written as JSON text straight into a buffer (check.h,
 * rg_check_result_t.data_json): a jansson tree per finding cost about 1,500 instructions (an object, five keyed
 * inserts, three more values), a fifth of the PII + secrets pack on prose. The data of a run that found nothing is
 * one text written at compile and lent to every such run (data_json_shared): it used to be a shared tree with
 * json_incref, whose atomic reference count every worker thread wrote on every run. */
typedef struct {
    const rg_detector_ops_t *ops;
    void *det;
    uint64_t types;
    action_t action;
    char *empty; /* the whole data of a run that found nothing (most runs on prose), as JSON text: results lend
                  * it (data_json_shared), so such a run allocates nothing and touches no shared reference count */
    size_t empty_len;
    rg_allow_t *allow;                         /* allow_list, or NULL */
    size_t n_types;                            /* ops->types[] before its NULL */
    uint8_t type_len[RG_DETECTOR_TYPES_MAX];  /* strlen of each (at most RG_EC_TYPE_NAME_MAX) */
} ec_t;

/* The shared data of a run that found nothing, written once as rg_json_dumps writes the tree. 0 or -1 (out of
 * memory). */
static int ec_json_make(ec_t *ec)
{
    json_t *e = json_object();
    int bad = e == NULL || json_object_set_new_nocheck(e, "action", json_string_nocheck(action_names[ec->action])) != 0 ||
              json_object_set_new_nocheck(e, "found", json_integer(0)) != 0 ||
              json_object_set_new_nocheck(e, "entities", json_array()) != 0 ||
              json_object_set_new_nocheck(e, "counts", json_object()) != 0;
    ec->empty = bad ? NULL : rg_json_dumps(e, &ec->empty_len);
    json_decref(e);
    return ec->empty == NULL ? -1 : 0;
}

static const char *const common_keys[] = {"entities", "action", "redact", "scope", "allow_list", NULL};

static int key_known(const char *const *keys, const char *k)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return 1;
    return 0;
}

#define RG_EC_TYPE_NAME_MAX 48 /* finding() writes type names as they are into a fixed buffer */

/* A detector's type names are its own constants: 1 when there are at most RG_DETECTOR_TYPES_MAX and each is
 * 1..RG_EC_TYPE_NAME_MAX of [A-Z0-9_]. */
static int type_names_ok(const rg_detector_ops_t *ops)
{
    for (size_t t = 0; ops->types[t]; t++) {
        if (t == RG_DETECTOR_TYPES_MAX)
            return 0;
        size_t n = strlen(ops->types[t]);
        if (n == 0 || n > RG_EC_TYPE_NAME_MAX || strspn(ops->types[t], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n)
            return 0;
    }
    return 1;
}

void *rg_ec_compile(const rg_detector_ops_t *ops, json_t *params, char *err, size_t errsz)
{
    if (!type_names_ok(ops)) {
        snprintf(err, errsz, "railgate.%s: more than %d types, or a type name is not [A-Z0-9_]{1,%d}", ops->name,
                 RG_DETECTOR_TYPES_MAX, RG_EC_TYPE_NAME_MAX);
        return NULL;
    }
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
    rg_allow_t *allow;
    if (rg_allow_compile(json_object_get(params, "allow_list"), &allow, err, errsz) != 0)
        return NULL;
    ec_t *ec = calloc(1, sizeof(*ec));
    if (ec == NULL) {
        rg_allow_free(allow);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    ec->allow = allow;
    ec->ops = ops;
    ec->types = types;
    ec->action = action;
    while (ops->types[ec->n_types]) {
        ec->type_len[ec->n_types] = (uint8_t)strlen(ops->types[ec->n_types]);
        ec->n_types++;
    }
    if (ec_json_make(ec) != 0) {
        snprintf(err, errsz, "out of memory");
        rg_allow_free(ec->allow);
        free(ec);
        return NULL;
    }
    ec->det = ops->compile(types, params, err, errsz);
    if (ec->det == NULL) {
        rg_allow_free(ec->allow);
        free(ec->empty);
        free(ec);
        return NULL;
    }
    return ec;
}

size_t rg_ec_pending(const void *compiled, const char *text, size_t len)
{
    const ec_t *ec = compiled;
    if (ec->action != ACT_DETECT)
        return 0; /* redact and mask pass */
    /* a finding may be arriving in the last run without white space (a token, a URL, an address), and what
     * spans white space (a phone number, a name, "password: …") fits in 64 bytes before it */
    size_t i = len;
    while (i > 0 && !(text[i - 1] == ' ' || (text[i - 1] >= '\t' && text[i - 1] <= '\r')))
        i--;
    size_t p = len - i + 64, q = ec->ops->pending ? ec->ops->pending(ec->det, text, len) : 0;
    return p > q ? p : q;
}

void rg_ec_free(void *p)
{
    ec_t *ec = p;
    if (ec == NULL)
        return;
    ec->ops->free(ec->det);
    rg_allow_free(ec->allow);
    free(ec->empty);
    free(ec);
}

/* ---- masking ---------------------------------------------------------------- */

/* 1 for ASCII letters and digits */
static const unsigned char ascii_alnum[256] = {['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1};

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

/* The masked form of s[0, len) written to m (room for len bytes: it is never longer), its length returned.
 * Values of nine letters/digits or more keep their last four, of six or more their last one, shorter ones
 * nothing. A non-ASCII character counts as a letter; a byte that is not UTF-8 counts as one and never comes out
 * as itself, so the result is valid UTF-8 whatever s is (excerpts are made with json_stringn_nocheck).
 * *plain (when plain is not NULL): 1 when the result is printable ASCII without '"' or '\\' (a JSON string's
 * bytes as they are), 0 when it is not, -1 when s was not ASCII (the caller checks the result itself). */
static size_t mask_into(char *m, const char *s, size_t len, int *plain)
{
    size_t alnum = 0, i = 0;
    int special = 0; /* a byte JSON escapes: '"', '\\', a control character (masking keeps every such byte) */
    /* ASCII, the common case: one pass counts and writes every letter and digit masked; the kept tail is put back
     * after (cards, SSNs, phones, IBANs keep their last four) */
#ifdef __SSE2__
    const __m128i dg_off = _mm_set1_epi8((char)(0x80 - '0')), dg_lim = _mm_set1_epi8(-128 + 10),
                  lt_off = _mm_set1_epi8((char)(0x80 - 'a')), lt_lim = _mm_set1_epi8(-128 + 26),
                  case_bit = _mm_set1_epi8(0x20), star = _mm_set1_epi8('*'), quote = _mm_set1_epi8('"'),
                  bslash = _mm_set1_epi8('\\');
    __m128i sp = _mm_setzero_si128();
    int tail = 0; /* the last step: the 16 bytes ending at len, of which those before i are done already */
    for (; i < len && len >= 16; i += 16) {
        size_t at = i;
        if (i + 16 > len) {
            at = len - 16;
            tail = 1;
        }
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
        if (_mm_movemask_epi8(v) != 0)
            break; /* a byte >= 0x80 in s[i, at + 16) (those before i are ASCII): the loops below from i */
        __m128i dg = _mm_cmplt_epi8(_mm_add_epi8(v, dg_off), dg_lim);
        __m128i lt = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(v, case_bit), lt_off), lt_lim);
        __m128i w = _mm_or_si128(dg, lt);
        alnum += rg_popcount64((unsigned)_mm_movemask_epi8(w) >> (i - at));
        sp = _mm_or_si128(sp, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                           _mm_cmplt_epi8(v, case_bit)));
        _mm_storeu_si128((__m128i *)(void *)(m + at), _mm_or_si128(_mm_and_si128(w, star), _mm_andnot_si128(w, v)));
        if (tail) {
            i = len;
            break;
        }
    }
    special = _mm_movemask_epi8(sp) != 0;
#endif
    for (; i < len && (unsigned char)s[i] < 0x80; i++) {
        unsigned char c = (unsigned char)s[i], w = ascii_alnum[c];
        alnum += w;
        special |= c < 0x20 || c == '"' || c == '\\';
        m[i] = w ? '*' : s[i];
    }
    if (i == len) {
        size_t keep = alnum >= 9 ? 4 : alnum >= 6 ? 1 : 0, back = alnum < keep ? alnum : keep;
        for (size_t k = len; back > 0;) {
            k--;
            if (ascii_alnum[(unsigned char)s[k]]) {
                m[k] = s[k];
                back--;
            }
        }
        if (plain != NULL)
            *plain = !special;
        return len;
    }
    if (plain != NULL)
        *plain = -1;
    for (; i < len;) {
        size_t w = utf8_char(s, len, i);
        alnum += w != 1 || is_alnum_ascii((unsigned char)s[i]);
        i += w ? w : 1;
    }
    size_t keep = alnum >= 9 ? 4 : alnum >= 6 ? 1 : 0;
    size_t mask_n = alnum > keep ? alnum - keep : 0, seen = 0, o = 0;
    for (i = 0; i < len;) {
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
    return o;
}

int rg_ec_mask(rg_buf_t *out, const char *s, size_t len)
{
    /* built in one piece and appended once */
    char small[256], *m = len <= sizeof(small) ? small : malloc(len);
    if (m == NULL)
        return -1;
    size_t o = mask_into(m, s, len, NULL);
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
    size_t off;   /* the value's key in names_t.keys */
    uint32_t len;
    uint16_t type;
    uint32_t n; /* 0 = empty slot */
} slot_t;

typedef struct {
    slot_t *v;
    size_t cap, used;
    uint32_t next[RG_DETECTOR_TYPES_MAX];
    rg_buf_t keys; /* each value as it is compared (rg_detector_ops_t.same), one after another */
} names_t;

/* Appends the key of value s: the bytes the type's RG_SAME_* bits keep, ASCII letters lower-cased for
 * RG_SAME_CASELESS. 0, or -1 out of memory. */
static int key_append(rg_buf_t *b, unsigned same, const char *s, size_t len)
{
    if (same == 0)
        return rg_buf_append(b, s, len) == RG_BUF_OK ? 0 : -1;
    char tmp[256];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int digit = c >= '0' && c <= '9', letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        if (((same & RG_SAME_DIGITS) && !digit) || ((same & RG_SAME_ALNUM) && !digit && !letter))
            continue;
        tmp[n++] = (char)((same & RG_SAME_CASELESS) && letter ? c | 0x20 : c);
        if (n == sizeof(tmp)) {
            if (rg_buf_append(b, tmp, n) != RG_BUF_OK)
                return -1;
            n = 0;
        }
    }
    return rg_buf_append(b, tmp, n) == RG_BUF_OK ? 0 : -1;
}

static uint64_t hash_value(unsigned type, const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ type;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The number for (type, value): the one it already has, else the next. 0 on out of memory. */
static uint32_t name_for(names_t *nm, unsigned type, unsigned same, const char *s, size_t len)
{
    if (nm->cap == 0)
        memset(nm->next, 0, sizeof(nm->next));
    if (nm->used * 2 >= nm->cap) {
        size_t cap = nm->cap ? nm->cap * 2 : 64;
        slot_t *v = calloc(cap, sizeof(*v));
        if (v == NULL)
            return 0;
        for (size_t i = 0; i < nm->cap; i++) {
            if (nm->v[i].n == 0)
                continue;
            size_t j = hash_value(nm->v[i].type, nm->keys.data + nm->v[i].off, nm->v[i].len) & (cap - 1);
            while (v[j].n)
                j = (j + 1) & (cap - 1);
            v[j] = nm->v[i];
        }
        free(nm->v);
        nm->v = v;
        nm->cap = cap;
    }
    size_t off = nm->keys.len;
    if (key_append(&nm->keys, same, s, len) != 0)
        return 0;
    const char *k = nm->keys.data + off;
    size_t kl = nm->keys.len - off;
    size_t j = hash_value(type, k, kl) & (nm->cap - 1);
    while (nm->v[j].n) {
        if (nm->v[j].type == type && nm->v[j].len == kl && memcmp(nm->keys.data + nm->v[j].off, k, kl) == 0) {
            nm->keys.len = off; /* seen: its key is kept once */
            return nm->v[j].n;
        }
        j = (j + 1) & (nm->cap - 1);
    }
    nm->v[j] = (slot_t){off, (uint32_t)kl, (uint16_t)type, ++nm->next[type]};
    nm->used++;
    return nm->v[j].n;
}

/* ---- run ------------------------------------------------------------------- */

typedef struct {
    rg_jw_t list;  /* the entries of data.entities written so far, comma-separated, without brackets */
    uint64_t seen; /* types with a count: counts[t] is set only for those (a run that finds nothing zeroes none) */
    size_t counts[RG_DETECTOR_TYPES_MAX];
    size_t found;
    int truncated;
} report_t;

/* Code points in s[from, to): bytes that are not UTF-8 continuation bytes (10xxxxxx). SSE2 (baseline x86-64):
 * 64 bytes a step; a step without a byte >= 0x80 (most of prose) costs one test, else its continuation bytes
 * are counted from four compare masks. Elsewhere, and for the tail, 8 at a time: the 0/1 flags of a word summed
 * by one multiply into its top byte. cp_count_portable is the same count a byte at a time (tests compare). */
static size_t cp_count(const char *s, size_t from, size_t to)
{
    size_t n = to - from, cont = 0, i = from;
#ifdef __SSE2__
    const __m128i top2 = _mm_set1_epi8((char)0xC0), cbits = _mm_set1_epi8((char)0x80);
    for (; i + 64 <= to; i += 64) {
        const __m128i *p = (const __m128i *)(const void *)(s + i);
        __m128i a = _mm_loadu_si128(p), b = _mm_loadu_si128(p + 1), c = _mm_loadu_si128(p + 2),
                d = _mm_loadu_si128(p + 3);
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) == 0)
            continue; /* ASCII */
        uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(a, top2), cbits)) |
                     (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(b, top2), cbits)) << 16 |
                     (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(c, top2), cbits)) << 32 |
                     (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(d, top2), cbits)) << 48;
        cont += rg_popcount64(m);
    }
#endif
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

size_t rg_ec_cp_count(const char *s, size_t from, size_t to) { return cp_count(s, from, to); }

/* s[0, *known) has no byte >= 0x80. Extends that to s[0, to) and returns 1, or returns 0 when s[*known, to) has
 * one. 64 bytes a step, then 16, the last 16 ending at to (the bytes before *known it reads again are ASCII). */
static int ascii_through(const char *s, size_t *known, size_t to)
{
    size_t i = *known;
    if (to <= i)
        return 1;
#ifdef __SSE2__
    if (to >= 16) {
        for (; i + 64 <= to; i += 64) {
            const __m128i *p = (const __m128i *)(const void *)(s + i);
            __m128i a = _mm_loadu_si128(p), b = _mm_loadu_si128(p + 1), c = _mm_loadu_si128(p + 2),
                    d = _mm_loadu_si128(p + 3);
            if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) != 0)
                return 0;
        }
        for (; i + 16 < to; i += 16)
            if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))) != 0)
                return 0;
        if (_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + to - 16))) != 0)
            return 0;
        *known = to;
        return 1;
    }
#endif
    for (; i < to; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    *known = to;
    return 1;
}

size_t rg_ec_cp_count_portable(const char *s, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* "[TYPE_n]" appended to out (what snprintf would write, without its cost per span). */
static int placeholder(rg_buf_t *out, const char *type, size_t tl, uint32_t n)
{
    char tmp[96], dig[12];
    size_t d = 0, o = 0;
    if (tl > sizeof(tmp) - sizeof(dig) - 3)
        return rg_buf_appendf(out, "[%s_%u]", type, n) == RG_BUF_OK ? 0 : -1;
    do
        dig[d++] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    tmp[o++] = '[';
    memcpy(tmp + o, type, tl);
    o += tl;
    tmp[o++] = '_';
    while (d > 0)
        tmp[o++] = dig[--d];
    tmp[o++] = ']';
    return rg_buf_append(out, tmp, o) == RG_BUF_OK ? 0 : -1;
}

/* Decimal digits of v at the end of buf[20]; returns where they start. */
static char *utoa_end(char *end, size_t v)
{
    do
        *--end = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    return end;
}

/* The entities are written after DATA_HEAD bytes left free at the start of the list: data_text() puts the head
 * ({"action":…,"found":n,"entities":[, at most 11 + 6 + 10 + 20 + 13 bytes) at their end and moves the whole down
 * once, so the data is the list's own buffer, handed over (no second allocation and copy per run). */
#define DATA_HEAD 64
static const char zeros_head[DATA_HEAD];

/* n bytes from src into b at o (finding() sizes b for everything it writes) */
#define PUT(src, n) (memcpy(b + o, (src), (n)), o += (n))

/* One entry of data.entities, appended to the list: {"type","part","start","end","excerpt"}, the bytes the
 * jansson tree used to give (tests/unit/test_entity_check.c holds them to rg_json_dumps' form). The type names are
 * the detector's constants ([A-Z0-9_], checked at compile). The excerpt is valid UTF-8 by construction (mask_into);
 * a short printable ASCII one without '"' or '\\' (almost every one: masking leaves '*' and punctuation) is copied,
 * any other goes through rg_jw_str as every string of hook_results does. Out of memory is left in list->oom. */
static void finding(const ec_t *ec, rg_jw_t *list, unsigned type, size_t part, size_t start, size_t end,
                    const char *ex, size_t exlen, int plain)
{
    char b[256 + 160], num[20], *d;
    const char *tn = ec->ops->types[type];
    size_t o = 0, tl = ec->type_len[type];
    if (list->len > DATA_HEAD)
        b[o++] = ',';
    else if (list->len == 0) /* the first: room for the head (data_text) */
        rg_jw_raw(list, zeros_head, DATA_HEAD);
    PUT("{\"type\":\"", 9);
    PUT(tn, tl); /* at most RG_EC_TYPE_NAME_MAX */
    PUT("\",\"part\":", 9);
    d = utoa_end(num + sizeof(num), part);
    PUT(d, (size_t)(num + sizeof(num) - d));
    PUT(",\"start\":", 9);
    d = utoa_end(num + sizeof(num), start);
    PUT(d, (size_t)(num + sizeof(num) - d));
    PUT(",\"end\":", 7);
    d = utoa_end(num + sizeof(num), end);
    PUT(d, (size_t)(num + sizeof(num) - d));
    PUT(",\"excerpt\":", 11);
    /* printable ASCII, no '"' or '\\' (mask_into knows for an ASCII value, plain < 0 when it does not) */
    if (exlen <= 256 && (plain > 0 || (plain < 0 && rg_json_plain_run(ex, ex + exlen) == exlen))) {
        b[o++] = '"';
        PUT(ex, exlen);
        PUT("\"}", 2);
        rg_jw_raw(list, b, o);
    } else {
        rg_jw_raw(list, b, o);
        rg_jw_str(list, ex, exlen);
        rg_jw_raw(list, "}", 1);
    }
}


#undef PUT

/* The data of a run that found something, as JSON text (malloc'd, *len bytes), or NULL on out of memory:
 * {"action","found","entities":[...],"counts":{"TYPE":n},"truncated"?:true}, keys in this order. Takes the list's
 * buffer (rep->list is left empty). */
static char *data_text(const ec_t *ec, report_t *rep, size_t *len)
{
    rg_jw_t *w = &rep->list;
    char head[DATA_HEAD], num[20], *d;
    size_t h = 0;
    if (w->len == 0) /* nothing listed (a truncated run) */
        rg_jw_raw(w, zeros_head, DATA_HEAD);
    const char *an = action_names[ec->action];
    size_t al = strlen(an);
    memcpy(head + h, "{\"action\":\"", 11), h += 11;
    memcpy(head + h, an, al), h += al;
    memcpy(head + h, "\",\"found\":", 10), h += 10;
    d = utoa_end(num + sizeof(num), rep->found);
    memcpy(head + h, d, (size_t)(num + sizeof(num) - d)), h += (size_t)(num + sizeof(num) - d);
    memcpy(head + h, ",\"entities\":[", 13), h += 13;
    rg_jw_raw(w, "],\"counts\":{", 12);
    for (uint64_t seen = rep->seen, first = 1; seen != 0; seen &= seen - 1) { /* the types with a count, in order */
        unsigned t = (unsigned)__builtin_ctzll(seen);
        char c[RG_EC_TYPE_NAME_MAX + 24];
        size_t o = 0;
        if (!first)
            c[o++] = ',';
        first = 0;
        c[o++] = '"';
        memcpy(c + o, ec->ops->types[t], ec->type_len[t]), o += ec->type_len[t];
        c[o++] = '"';
        c[o++] = ':';
        d = utoa_end(num + sizeof(num), rep->counts[t]);
        memcpy(c + o, d, (size_t)(num + sizeof(num) - d)), o += (size_t)(num + sizeof(num) - d);
        rg_jw_raw(w, c, o);
    }
    rg_jw_raw(w, "}", 1);
    if (rep->truncated)
        rg_jw_raw(w, ",\"truncated\":true", 17);
    rg_jw_raw(w, "}", 1);
    size_t n;
    char *b = rg_jw_take(w, &n); /* NULL after out of memory */
    if (b == NULL)
        return NULL;
    size_t skip = DATA_HEAD - h;
    memcpy(b + skip, head, h);
    memmove(b, b + skip, n - skip);
    *len = n - skip;
    return b;
}

/* Records the spans of one part; with redact or mask builds its replacement into *out. 0 or -1. */
static int one_part(const ec_t *ec, names_t *nm, report_t *rep, size_t part, const char *s, size_t len,
                    const rg_entities_t *e, rg_buf_t *out)
{
    /* offsets are in code points: cp of them in s[0, at). Up to the first byte >= 0x80 a byte is one, so while
     * every span so far ended in s[0, ascii) (checked as they come, 16 bytes a step) no count is needed */
    size_t cp = 0, at = 0, last = 0, ascii = 0;
    int wide = 0; /* a byte >= 0x80 came before a span's end: counting from then on */
    char small[256];
    for (size_t i = 0; i < e->n; i++) {
        const rg_entity_t *sp = &e->v[i];
        size_t sl = sp->end - sp->start;
        int listed = rep->found < RG_EC_REPORT_MAX; /* past it: counted, acted on, not listed */
        char *m = NULL; /* the masked value: the excerpt, and what the mask action writes */
        size_t ml = 0;
        int plain = -1;
        if (listed || ec->action == ACT_MASK) {
            m = sl <= sizeof(small) ? small : malloc(sl);
            if (m == NULL)
                return -1;
            ml = mask_into(m, s + sp->start, sl, &plain);
        }
        int rc = 0;
        if (listed) {
            size_t cp_start;
            if (!wide && ascii_through(s, &ascii, sp->end)) {
                cp_start = sp->start; /* cp == at so far */
                cp = sp->end;
            } else {
                wide = 1;
                cp += cp_count(s, at, sp->start);
                cp_start = cp;
                cp += cp_count(s, sp->start, sp->end);
            }
            at = sp->end;
            finding(ec, &rep->list, sp->type, part, cp_start, cp, m, ml, plain);
            rc = rep->list.oom ? -1 : 0;
        } else {
            rep->truncated = 1;
        }
        if (!(rep->seen & ((uint64_t)1 << sp->type))) {
            rep->seen |= (uint64_t)1 << sp->type;
            rep->counts[sp->type] = 0;
        }
        rep->counts[sp->type]++;
        rep->found++;
        if (rc == 0 && ec->action != ACT_DETECT) {
            if (rg_buf_append(out, s + last, sp->start - last) != RG_BUF_OK)
                rc = -1;
            else if (ec->action == ACT_MASK)
                rc = ml == 0 || rg_buf_append(out, m, ml) == RG_BUF_OK ? 0 : -1;
            else {
                uint32_t n = name_for(nm, sp->type, ec->ops->same[sp->type], s + sp->start, sl);
                rc = n == 0 ? -1 : placeholder(out, ec->ops->types[sp->type], ec->type_len[sp->type], n);
            }
            last = sp->end;
        }
        if (m != small)
            free(m);
        if (rc != 0)
            return -1;
    }
    if (ec->action != ACT_DETECT && rg_buf_append(out, s + last, len - last) != RG_BUF_OK)
        return -1;
    return 0;
}

/* Removes the resolved spans whose value is on the allow_list (what they overlapped lost to them and stays
 * unreported too: the user declared that value safe). */
static void drop_allowed(const rg_allow_t *allow, const char *s, rg_entities_t *e)
{
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++)
        if (!rg_allow_has(allow, s + e->v[i].start, e->v[i].end - e->v[i].start))
            e->v[k++] = e->v[i];
    e->n = k;
}

void rg_ec_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const ec_t *ec = compiled;
    const rg_guard_text_t *text = env->text;
    size_t n = text ? text->n : 0;
    report_t rep;
    names_t nm;
    memset(&rep.list, 0, sizeof(rep.list)); /* allocated at the first finding */
    rep.found = 0;
    rep.truncated = 0;
    rep.seen = 0;
    nm.v = NULL; /* the table and its counters are set up at the first placeholder */
    nm.cap = nm.used = 0;
    rg_buf_init(&nm.keys, SIZE_MAX);
    rg_entity_t e_first[32]; /* most texts have fewer spans: no allocation for them */
    rg_entities_t e;
    rg_entities_init_lent(&e, e_first, sizeof(e_first) / sizeof(e_first[0]));
    char **parts = NULL;
    size_t *lens = NULL;
    int failed = 0;
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
        if (ec->allow != NULL)
            drop_allowed(ec->allow, p->s, &e);
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
    rg_buf_free(&nm.keys);
    if (failed) {
        for (size_t i = 0; parts && i < n; i++)
            free(parts[i]);
        free(parts);
        free(lens);
        rg_jw_free(&rep.list);
        if (failed == 2) { /* a verdict, not an error: an errored check lets its hook pass, unredacted */
            json_t *data = json_object();
            json_object_set_new_nocheck(data, "action", json_string_nocheck(action_names[ec->action]));
            json_object_set_new(data, "refused", json_true());
            json_object_set_new(data, "explanation",
                                json_string("more findings in one text part than can be redacted safely"));
            res->data = data;
            res->verdict = 0;
        } else {
            rg_check_fail(res, "railgate.%s: out of memory or scan error", ec->ops->name);
        }
        /* a credentials detector that could not finish may have seen some: the record masks what it can find, or
         * keeps no body (record_mask.c) */
        res->credentials = ec->ops->credentials;
        return;
    }
    if (rep.found == 0 && !rep.truncated) {
        res->data_json = ec->empty;
        res->data_json_len = ec->empty_len;
        res->data_json_shared = 1;
    } else {
        res->data_json = data_text(ec, &rep, &res->data_json_len); /* NULL (out of memory): data null, the
                                                                     * verdict below still holds */
        rg_jw_free(&rep.list);
    }
    res->credentials = ec->ops->credentials && rep.found > 0;
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
