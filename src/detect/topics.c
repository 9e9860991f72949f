/* topics.c — folded whole-word term lists on Vectorscan (see topics.h). */
#include "detect/topics.h"

#include "detect/fold.h"
#include "detect/hs.h"
#include "guard/js_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t term;  /* index of the first term that folds to this pattern */
    uint32_t len;   /* folded bytes */
    uint8_t left, right; /* a boundary is needed before / after */
} pat_t;

struct rg_topics {
    rg_hs_db_t *db;
    pat_t *pats;
    size_t n;
};

/* ---- folding with an offset map ------------------------------------------------ */

/* A piece of the folded text: identity pieces map byte for byte (f + k ↔ o + k); an atomic piece maps as a
 * whole to [o, oe) (a folded accent, a ligature, a letter with its combining marks). Dropped characters
 * (invisible ones, white space after the first of a run) lie between pieces. */
typedef struct {
    uint32_t f, o, oe;
    uint32_t atomic;
} seg_t;

typedef struct {
    char *f;
    char *base; /* the allocation: f, or f less the padding rg_topics_find puts before the folded text */
    size_t flen, fcap;
    seg_t *seg;
    size_t nseg, segcap;
    size_t last_f, last_o; /* the last character written: folded and original start */
    int have_last, space, failed;
} fold_t;

static seg_t *seg_push(fold_t *z, size_t o, size_t oe, int atomic)
{
    if (z->nseg == z->segcap) {
        size_t cap = z->segcap ? z->segcap * 2 : 16;
        seg_t *v = realloc(z->seg, cap * sizeof(*v));
        if (v == NULL) {
            z->failed = 1;
            return NULL;
        }
        z->seg = v;
        z->segcap = cap;
    }
    seg_t *g = &z->seg[z->nseg++];
    *g = (seg_t){(uint32_t)z->flen, (uint32_t)o, (uint32_t)oe, (uint32_t)atomic};
    return g;
}

/* Writes n folded bytes standing for the original bytes [o, o + ow). */
static void put(fold_t *z, size_t o, size_t ow, const char *b, size_t n)
{
    if (z->failed || z->flen + n > z->fcap) {
        z->failed = 1;
        return;
    }
    seg_t *g = z->nseg ? &z->seg[z->nseg - 1] : NULL;
    if (n == ow) {
        /* same length: identity, continuing the last piece when it is an identity one that ends at o */
        if (g == NULL || g->atomic || g->o + (z->flen - g->f) != o)
            g = seg_push(z, o, 0, 0);
    } else {
        g = seg_push(z, o, o + ow, 1);
    }
    if (g == NULL)
        return;
    z->last_f = z->flen;
    z->last_o = o;
    z->have_last = 1;
    memcpy(z->f + z->flen, b, n);
    z->flen += n;
}

/* The last character written also covers the original bytes up to oe (its combining marks). */
static void attach(fold_t *z, size_t oe)
{
    if (!z->have_last || z->failed)
        return;
    seg_t *g = &z->seg[z->nseg - 1];
    if (g->atomic && g->f == z->last_f) {
        g->oe = (uint32_t)oe;
    } else if (g->f == z->last_f) {
        g->atomic = 1;
        g->oe = (uint32_t)oe;
    } else {
        /* split the identity piece: its last character becomes its own atomic piece */
        size_t flen = z->flen;
        z->flen = z->last_f;
        seg_t *a = seg_push(z, z->last_o, oe, 1);
        z->flen = flen;
        (void)a;
    }
}

static const unsigned char ascii_space[128] = {['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1};

#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

/* A run of ASCII: lowercased, a run of white space kept as its first byte, as ' ' (the others are dropped:
 * a match never begins or ends on a space, so they need no mapping of their own). Eight bytes at a time
 * while they hold no control character and no second space in a row. */
static size_t fold_ascii(fold_t *z, const char *s, size_t i, size_t j)
{
    while (i < j) {
        while (i < j && z->space && ascii_space[(unsigned char)s[i]])
            i++;
        if (i == j)
            break;
        seg_t *g = z->nseg ? &z->seg[z->nseg - 1] : NULL;
        if ((g == NULL || g->atomic || g->o + (z->flen - g->f) != i) && seg_push(z, i, 0, 0) == NULL)
            return j;
        char *out = z->f;
        size_t fl = z->flen, start = i;
        int space = z->space;
        while (i < j) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            if (i + 8 <= j) {
                uint64_t x;
                memcpy(&x, s + i, 8); /* all bytes < 0x80: no carry crosses a byte below */
                uint64_t v = x ^ (ONES * ' ');
                uint64_t sp = ~(((v & ~HIGH) + ~HIGH) | v | ~HIGH);  /* 0x80 where a byte is ' ' */
                uint64_t ctl = ~(x + ONES * (0x80 - 14)) & HIGH;     /* 0x80 where a byte is < 14 */
                uint64_t twice = sp & ((sp << 8) | (space ? 0x80u : 0u));
                if ((ctl | twice) == 0) {
                    uint64_t up = (x + ONES * (0x80 - 'A')) & ~(x + ONES * (0x80 - 'Z' - 1)) & HIGH;
                    x |= up >> 2;
                    memcpy(out + fl, &x, 8);
                    fl += 8;
                    i += 8;
                    space = (int)(sp >> 63);
                    continue;
                }
            }
#endif
            unsigned char c = (unsigned char)s[i];
            if (ascii_space[c]) {
                if (space)
                    break;
                out[fl++] = ' ';
                space = 1;
            } else {
                out[fl++] = (char)((unsigned)(c - 'A') < 26 ? c + 32 : c);
                space = 0;
            }
            i++;
        }
        if (i > start) {
            z->last_f = fl - 1;
            z->last_o = i - 1;
            z->have_last = 1;
        }
        z->flen = fl;
        z->space = space;
    }
    return j;
}

static void fold_text(fold_t *z, const char *s, size_t len)
{
    for (size_t i = 0; i < len && !z->failed;) {
        if ((unsigned char)s[i] < 0x80) {
            i = fold_ascii(z, s, i, rg_ascii_run(s, len, i));
            continue;
        }
        uint32_t u;
        size_t w = rg_js_utf8_next(s, len, i, &u);
        if (u == 0xFFFD && w == 1) { /* an invalid byte stays as it is */
            put(z, i, 1, s + i, 1);
            z->space = 0;
            i++;
            continue;
        }
        rg_fold_t f;
        rg_fold(u, &f);
        if (f.kind == RG_FK_IGNORABLE || (f.kind == RG_FK_SPACE && z->space)) {
            i += w;
            continue;
        }
        if (f.kind == RG_FK_MARK) {
            attach(z, i + w);
            i += w;
            continue;
        }
        char enc[8];
        size_t n = rg_utf8_put(f.cp[0], enc);
        if (f.n == 2)
            n += rg_utf8_put(f.cp[1], enc + n);
        put(z, i, w, enc, n); /* "ж" for "Ж" keeps the length: still an identity piece */
        z->space = f.kind == RG_FK_SPACE;
        i += w;
    }
}

static int fold_init(fold_t *z, size_t len)
{
    memset(z, 0, sizeof(*z));
    z->fcap = len;
    /* 64 bytes more, 64-aligned: rg_topics_find moves the folded text to end on a 64-byte boundary */
    if (posix_memalign((void **)&z->base, RG_HS_END_ALIGN, len + 1 + RG_HS_END_ALIGN) != 0)
        return -1;
    z->f = z->base;
    return 0;
}

static void fold_free(fold_t *z)
{
    free(z->base);
    free(z->seg);
}

/* The piece holding folded byte p (p < flen). */
static const seg_t *seg_at(const fold_t *z, size_t p)
{
    size_t lo = 0, hi = z->nseg;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->seg[mid].f <= p)
            lo = mid;
        else
            hi = mid;
    }
    return &z->seg[lo];
}

static size_t map_start(const fold_t *z, size_t p)
{
    const seg_t *g = seg_at(z, p);
    return g->atomic ? g->o : g->o + (p - g->f);
}

static size_t map_end(const fold_t *z, size_t t)
{
    const seg_t *g = seg_at(z, t - 1);
    return g->atomic ? g->oe : g->o + (t - g->f);
}

int rg_topics_fold(const char *s, size_t len, char **out, size_t *out_len)
{
    fold_t z;
    if (fold_init(&z, len) != 0)
        return -1;
    fold_text(&z, s, len);
    free(z.seg);
    if (z.failed) {
        free(z.f);
        return -1;
    }
    z.f[z.flen] = '\0';
    *out = z.f;
    *out_len = z.flen;
    return 0;
}

/* ---- word boundaries ------------------------------------------------------------ */

/* A letter or digit of a script that separates words with spaces, or '_'. */
static int word_cp(uint32_t u)
{
    if (u < 0x80)
        return (unsigned)((u | 32) - 'a') < 26 || (unsigned)(u - '0') < 10 || u == '_';
    rg_fold_t f;
    rg_fold(u, &f);
    return f.kind == RG_FK_LATIN || f.kind == RG_FK_LETTER;
}

static int word_before(const char *s, size_t len, size_t at)
{
    if (at == 0)
        return 0;
    size_t b = rg_utf8_prev(s, at);
    uint32_t u;
    rg_js_utf8_next(s, len, b, &u);
    return word_cp(u);
}

static int word_after(const char *s, size_t len, size_t at)
{
    if (at >= len)
        return 0;
    uint32_t u;
    rg_js_utf8_next(s, len, at, &u);
    return word_cp(u);
}

/* ---- compile ---------------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len;
    size_t idx;
} folded_term_t;

static int term_cmp(const void *a, const void *b)
{
    const folded_term_t *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    int c = memcmp(x->s, y->s, x->len);
    if (c != 0)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void free_terms(folded_term_t *ft, size_t n)
{
    for (size_t i = 0; ft && i < n; i++)
        free(ft[i].s);
    free(ft);
}

/* The escaped literal expression of b[0..n). */
static char *literal_expr(const char *b, size_t n)
{
    char *e = malloc(n * 4 + 1), *p = e;
    if (e == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if ((unsigned)((c | 32) - 'a') < 26 || (unsigned)(c - '0') < 10) {
            *p++ = (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            *p++ = '\\';
            *p++ = 'x';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return e;
}

rg_topics_t *rg_topics_compile(const char *const *terms, const size_t *lens, size_t n, char *err, size_t errsz)
{
    if (n == 0 || n > RG_TOPICS_TERMS_MAX) {
        snprintf(err, errsz, "a term list needs 1 to %d entries, not %zu", RG_TOPICS_TERMS_MAX, n);
        return NULL;
    }
    folded_term_t *ft = calloc(n, sizeof(*ft));
    rg_topics_t *t = calloc(1, sizeof(*t));
    rg_hs_pattern_t *hp = NULL;
    if (ft == NULL || t == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        char *f;
        size_t fl;
        if (rg_topics_fold(terms[i], lens[i], &f, &fl) != 0)
            goto oom;
        size_t a = 0, b = fl;
        while (a < b && f[a] == ' ')
            a++;
        while (b > a && f[b - 1] == ' ')
            b--;
        if (a == b || b - a > RG_TOPICS_TERM_BYTES) {
            snprintf(err, errsz, "entry %zu is %s", i,
                     a == b ? "empty once case, accents, spaces and invisible characters are folded away"
                            : "longer than 1024 bytes");
            free(f);
            goto fail;
        }
        memmove(f, f + a, b - a);
        ft[i] = (folded_term_t){f, b - a, i};
    }
    qsort(ft, n, sizeof(*ft), term_cmp);
    t->pats = calloc(n, sizeof(*t->pats));
    hp = calloc(n, sizeof(*hp));
    if (t->pats == NULL || hp == NULL)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ft[i].len == ft[i - 1].len && memcmp(ft[i].s, ft[i - 1].s, ft[i].len) == 0)
            continue; /* the same folded text: the first entry (lowest index, sorted first) names it */
        char *e = literal_expr(ft[i].s, ft[i].len);
        if (e == NULL)
            goto oom;
        pat_t *p = &t->pats[t->n];
        p->term = (uint32_t)ft[i].idx;
        p->len = (uint32_t)ft[i].len;
        p->left = (uint8_t)word_after(ft[i].s, ft[i].len, 0);
        p->right = (uint8_t)word_before(ft[i].s, ft[i].len, ft[i].len);
        hp[t->n] = (rg_hs_pattern_t){e, 0, (unsigned)t->n};
        t->n++;
    }
    char herr[200];
    t->db = rg_hs_compile(hp, t->n, herr, sizeof(herr));
    if (t->db == NULL) {
        snprintf(err, errsz, "term list: %s", herr);
        goto fail;
    }
    for (size_t i = 0; i < t->n; i++)
        free((char *)hp[i].expr);
    free(hp);
    free_terms(ft, n);
    return t;
oom:
    snprintf(err, errsz, "out of memory");
fail:
    for (size_t i = 0; hp && t && i < t->n; i++)
        free((char *)hp[i].expr);
    free(hp);
    free_terms(ft, n);
    rg_topics_free(t);
    return NULL;
}

void rg_topics_free(rg_topics_t *t)
{
    if (t == NULL)
        return;
    rg_hs_free(t->db);
    free(t->pats);
    free(t);
}

/* ---- find ---------------------------------------------------------------------------- */

typedef struct {
    const rg_topics_t *t;
    const fold_t *z;
    rg_topic_matches_t *out;
    int failed;
} scan_ctx_t;

static int on_match(unsigned id, size_t from, size_t to, void *arg)
{
    (void)from;
    scan_ctx_t *c = arg;
    const pat_t *p = &c->t->pats[id];
    size_t start = to - p->len;
    if ((p->left && word_before(c->z->f, c->z->flen, start)) || (p->right && word_after(c->z->f, c->z->flen, to)))
        return 0;
    rg_topic_matches_t *m = c->out;
    if (m->n >= RG_TOPICS_MATCHES_MAX) {
        m->truncated = 1;
        return 1;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        rg_topic_match_t *v = realloc(m->v, cap * sizeof(*v));
        if (v == NULL) {
            c->failed = 1;
            return 1;
        }
        m->v = v;
        m->cap = cap;
    }
    /* folded offsets for now; mapped back once the scan is over */
    m->v[m->n++] = (rg_topic_match_t){p->term, (uint32_t)start, (uint32_t)to};
    return 0;
}

int rg_topics_find(const rg_topics_t *t, const char *s, size_t len, rg_topic_matches_t *out)
{
    if (len > UINT32_MAX)
        return -1;
    fold_t z;
    if (fold_init(&z, len) != 0)
        return -1;
    fold_text(&z, s, len);
    if (z.failed) {
        fold_free(&z);
        return -1;
    }
    size_t first = out->n;
    /* the folded copy is ours: it is scanned ending on a 64-byte boundary, where Vectorscan 5.4.9 misses nothing
     * (hs.h, RG_HS_END_ALIGN); a memmove, against the fold's few instructions a byte */
    size_t pad = (RG_HS_END_ALIGN - z.flen % RG_HS_END_ALIGN) % RG_HS_END_ALIGN;
    memmove(z.f + pad, z.f, z.flen);
    z.f += pad;
    scan_ctx_t c = {t, &z, out, 0};
    int rc = z.flen ? rg_hs_scan(t->db, z.f, z.flen, on_match, &c) : 0;
    for (size_t k = first; k < out->n; k++) {
        out->v[k].start = (uint32_t)map_start(&z, out->v[k].start);
        out->v[k].end = (uint32_t)map_end(&z, out->v[k].end);
    }
    fold_free(&z);
    return rc < 0 || c.failed ? -1 : 0;
}

void rg_topic_matches_free(rg_topic_matches_t *m)
{
    free(m->v);
    memset(m, 0, sizeof(*m));
}
