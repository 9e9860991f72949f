/* invisible.c — invisible characters and homoglyph words (see invisible.h). */
#include "detect/invisible.h"

#include "core/buf.h"
#include "detect/fold.h"
#include "guard/js_value.h"

#include <pthread.h>
#include <string.h>

const char *const rg_invisible_names[RG_INV_NCAT] = {"zeroWidth", "bidi", "tags", "variationSelectors", "format",
                                                     "homoglyphs"};

int rg_invisible_class(uint32_t cp)
{
    if (cp < 0x00AD)
        return -1;
    if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x180E)
        return RG_INV_ZERO_WIDTH;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
        cp == 0x061C)
        return RG_INV_BIDI;
    if (cp >= 0xE0000 && cp <= 0xE007F)
        return RG_INV_TAGS;
    if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) || (cp >= 0x180B && cp <= 0x180D) ||
        cp == 0x180F)
        return RG_INV_VARIATION;
    /* format controls and fillers; and the default-ignorable code points that are not assigned yet (U+2065,
     * U+FFF0-FFF8, U+E0080-E00FF, U+E01F0-E0FFF), which render as nothing once a font knows them */
    if (cp == 0x00AD || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 ||
        cp == 0x3164 || cp == 0xFFA0 || (cp >= 0x2061 && cp <= 0x2065) || (cp >= 0x206A && cp <= 0x206F) ||
        (cp >= 0xFFF0 && cp <= 0xFFFB) || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
        (cp >= 0xE0080 && cp <= 0xE00FF) || (cp >= 0xE01F0 && cp <= 0xE0FFF))
        return RG_INV_FORMAT;
    return -1;
}

/* ---- context ---------------------------------------------------------------- */

static int is_emoji(uint32_t c)
{
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2300 && c <= 0x23FF) ||
           (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x2190 && c <= 0x21FF) || c == 0xFE0F || c == 0x20E3 ||
           c == 0x00A9 || c == 0x00AE || c == 0x203C || c == 0x2049 || c == 0x2122 || c == 0x3030 || c == 0x303D;
}

/* Scripts whose shaping uses ZWJ / ZWNJ (Arabic, Syriac, Persian, Indic, Tibetan, Myanmar, Khmer, Mongolian). */
static int is_joining(uint32_t c)
{
    return (c >= 0x0600 && c <= 0x08FF) || (c >= 0x0900 && c <= 0x0DFF) || (c >= 0x0F00 && c <= 0x109F) ||
           (c >= 0x1780 && c <= 0x18AF) || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE);
}

/* Scripts without spaces, where U+200B marks word breaks (Thai, Lao, Myanmar, Khmer). */
static int is_zwsp_script(uint32_t c)
{
    return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) || (c >= 0x1780 && c <= 0x17FF);
}

static int is_rtl(uint32_t c)
{
    return (c >= 0x0590 && c <= 0x08FF && c != 0x061C) || (c >= 0xFB1D && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFE) || (c >= 0x10800 && c <= 0x10FFF) || (c >= 0x1E800 && c <= 0x1EFFF);
}

/* ---- look-alikes ------------------------------------------------------------ */

/* Cyrillic and Greek letters drawn like a Latin letter, sorted by code point. */
typedef struct {
    uint16_t cp;
    char latin;
} twin_t;

static const twin_t twins[] = {
    {0x0391, 'A'}, {0x0392, 'B'}, {0x0395, 'E'}, {0x0396, 'Z'}, {0x0397, 'H'}, {0x0399, 'I'}, {0x039A, 'K'},
    {0x039C, 'M'}, {0x039D, 'N'}, {0x039F, 'O'}, {0x03A1, 'P'}, {0x03A4, 'T'}, {0x03A5, 'Y'}, {0x03A7, 'X'},
    {0x03B1, 'a'}, {0x03B3, 'y'}, {0x03B9, 'i'}, {0x03BA, 'k'}, {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'},
    {0x03C5, 'u'}, {0x03C7, 'x'}, {0x0405, 'S'}, {0x0406, 'I'}, {0x0408, 'J'}, {0x0410, 'A'}, {0x0412, 'B'},
    {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'},
    {0x0422, 'T'}, {0x0423, 'Y'}, {0x0425, 'X'}, {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'}, {0x0440, 'p'},
    {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x04AE, 'Y'},
    {0x04BA, 'H'}, {0x04BB, 'h'}, {0x04C0, 'I'}, {0x04CF, 'l'}, {0x0501, 'd'}, {0x051A, 'Q'}, {0x051B, 'q'},
    {0x051C, 'W'}, {0x051D, 'w'},
};
#define N_TWINS (sizeof(twins) / sizeof(twins[0]))

enum { SC_NONE = 0, SC_LATIN, SC_CYRILLIC, SC_GREEK, SC_OTHER };

static int script_of(uint32_t c)
{
    if (c >= 0x0370 && c <= 0x03FF)
        return SC_GREEK;
    if (c >= 0x0400 && c <= 0x052F)
        return SC_CYRILLIC;
    return SC_OTHER;
}

/* The Latin letter a Cyrillic or Greek letter looks like, or 0. */
static char latin_twin(uint32_t c)
{
    size_t lo = 0, hi = N_TWINS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (twins[mid].cp == c)
            return twins[mid].latin;
        if (twins[mid].cp < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The letter of `script` that ASCII letter c looks like, or 0. */
static uint32_t script_twin(char c, int script)
{
    for (size_t k = 0; k < N_TWINS; k++)
        if (twins[k].latin == c && script_of(twins[k].cp) == script)
            return twins[k].cp;
    return 0;
}

static int is_ascii_alpha(unsigned char c) { return (unsigned char)((c | 0x20) - 'a') < 26; }

/* ASCII letters with a Cyrillic (bit 0) or Greek (bit 1) twin, from twins[]. */
static uint8_t ascii_twins[128];
static pthread_once_t twins_once = PTHREAD_ONCE_INIT;

static void twins_init(void)
{
    for (size_t k = 0; k < N_TWINS; k++)
        ascii_twins[(unsigned char)twins[k].latin] |= script_of(twins[k].cp) == SC_CYRILLIC ? 1 : 2;
}

/* ---- the scanner ------------------------------------------------------------- */

typedef struct {
    int on;
    size_t start;            /* byte offset of the word, with the invisible characters before its first letter */
    size_t cp_first, cp_end; /* code points: its first letter, after its last letter or mark (the hit's span) */
    size_t out_start;       /* strip: where the word begins in out */
    size_t lat, cyr, grk;
    size_t cyr_twins, grk_twins; /* Cyrillic / Greek letters with a Latin twin */
    size_t lat_cyr, lat_grk;     /* ASCII letters with a Cyrillic / Greek twin */
} word_t;

typedef struct {
    const char *s;
    size_t len;
    unsigned mask;
    rg_inv_report_t *rep;
    int rtl; /* strip: the report's rtl */
    rg_buf_t *out;
    size_t last; /* strip: s[last..) is not copied yet */
    int failed;
    size_t marks; /* bidi marks, counted only if the text turns out to have no RTL letters */
    rg_inv_hit_t mark_hits[RG_INV_FIRST_MAX];
    size_t n_mark_hits;
    rg_buf_t word; /* strip: the rewritten word */
} scan_t;

static void hit(scan_t *st, int cat, size_t from, size_t to, size_t n)
{
    rg_inv_report_t *r = st->rep;
    if (r == NULL)
        return;
    r->counts[cat] += n;
    if (r->n_first < RG_INV_FIRST_MAX)
        r->first[r->n_first++] = (rg_inv_hit_t){(uint32_t)from, (uint32_t)to, (uint8_t)cat};
}

static void emit_upto(scan_t *st, size_t i)
{
    if (st->out != NULL && !st->failed && i > st->last &&
        rg_buf_append(st->out, st->s + st->last, i - st->last) != RG_BUF_OK)
        st->failed = 1;
    if (i > st->last)
        st->last = i;
}

/* Strip: drops s[i, j). */
static void drop(scan_t *st, size_t i, size_t j)
{
    if (st->out == NULL)
        return;
    emit_upto(st, i);
    st->last = j;
}

/* One letter of the word; kind is its rg_fold kind. */
static void word_letter(word_t *w, uint32_t c, int kind)
{
    if (c < 0x80) {
        w->lat++;
        w->lat_cyr += ascii_twins[c] & 1;
        w->lat_grk += ascii_twins[c] >> 1;
        return;
    }
    int sc = script_of(c);
    if (sc == SC_OTHER) {
        w->lat += kind == RG_FK_LATIN;
        return;
    }
    int twin = latin_twin(c) != 0;
    if (sc == SC_CYRILLIC) {
        w->cyr++;
        w->cyr_twins += twin;
    } else {
        w->grk++;
        w->grk_twins += twin;
    }
}

/* The script the word's look-alikes should become, or SC_NONE when the word is not a homoglyph word. */
static int word_verdict(const word_t *w)
{
    size_t other = w->cyr + w->grk;
    if (w->lat == 0 || other == 0)
        return SC_NONE;
    if (other <= w->lat) /* Latin word with Cyrillic/Greek letters in it: all of them look-alikes */
        return w->cyr_twins + w->grk_twins == other ? SC_LATIN : SC_NONE;
    int main = w->cyr >= w->grk ? SC_CYRILLIC : SC_GREEK; /* the other way round */
    size_t twins_n = main == SC_CYRILLIC ? w->lat_cyr : w->lat_grk;
    return twins_n == w->lat ? main : SC_NONE;
}

/* Strip: rewrites the word just copied to out[w->out_start..) into the letters of `script`. */
static void word_rewrite(scan_t *st, const word_t *w, int script)
{
    rg_buf_t *o = st->out;
    if (st->failed || o->len < w->out_start)
        return;
    rg_buf_reset(&st->word);
    const char *p = o->data + w->out_start;
    size_t n = o->len - w->out_start;
    for (size_t i = 0; i < n && !st->failed;) {
        uint32_t c;
        size_t cw = rg_js_utf8_next(p, n, i, &c);
        uint32_t r = 0;
        if (script == SC_LATIN && c >= 0x80 && script_of(c) != SC_OTHER)
            r = (unsigned char)latin_twin(c);
        else if (script != SC_LATIN && c < 0x80 && is_ascii_alpha((unsigned char)c))
            r = script_twin((char)c, script);
        char enc[4];
        size_t el = r ? rg_utf8_put(r, enc) : cw;
        if (rg_buf_append(&st->word, r ? enc : p + i, el) != RG_BUF_OK)
            st->failed = 1;
        i += cw;
    }
    o->len = w->out_start;
    if (!st->failed && rg_buf_append(o, st->word.data, st->word.len) != RG_BUF_OK)
        st->failed = 1;
}

/* 1 upper case, 2 lower case, 0 neither or not known (non-ASCII Latin). */
static int letter_case(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? 1 : c >= 'a' && c <= 'z' ? 2 : 0;
    if (c >= 0x0391 && c <= 0x03A9)
        return 1;
    if (c >= 0x03B1 && c <= 0x03C9)
        return 2;
    return 0;
}

/*
 * A Latin word whose only look-alikes are Greek: science writes Greek letters into Latin names (NF-κB, IκBα, PKCα,
 * ERα, αKG, αx), a spoof writes them in for a Latin letter of the same case. The word counts when it has three
 * letters or more and one Greek look-alike has the case of a letter beside it, or is a capital that begins a word
 * going on in lower case. s[from, to) is the word, with any invisible character or mark in it.
 */
static int greek_spoof(const char *s, size_t from, size_t to)
{
    uint32_t prev = 0, cur = 0, next;
    size_t letters = 0, i = from;
    int spoof = 0, have = 0;
    for (;;) {
        next = 0;
        while (i < to && next == 0) {
            uint32_t u;
            i += rg_js_utf8_next(s, to, i, &u);
            rg_fold_t f;
            rg_fold(u, &f);
            if (f.kind == RG_FK_LATIN || f.kind == RG_FK_LETTER || f.kind == RG_FK_UNSPACED)
                next = u;
        }
        if (have && script_of(cur) == SC_GREEK && latin_twin(cur) != 0) {
            int c = letter_case(cur), pc = prev ? letter_case(prev) : -1, nc = next ? letter_case(next) : -1;
            if (pc == 0 || nc == 0 || pc == c || nc == c || (prev == 0 && c == 1 && nc == 2))
                spoof = 1;
        }
        if (next == 0)
            break;
        letters++;
        prev = have ? cur : 0;
        cur = next;
        have = 1;
    }
    return spoof && letters >= 3;
}

static void word_end(scan_t *st, word_t *w, size_t i)
{
    if (!w->on)
        return;
    w->on = 0;
    int v = word_verdict(w);
    if (v == SC_NONE)
        return;
    if (v == SC_LATIN && w->cyr == 0 && !greek_spoof(st->s, w->start, i))
        return;
    hit(st, RG_INV_HOMOGLYPH, w->cp_first, w->cp_end, 1);
    if (st->out != NULL) {
        emit_upto(st, i);
        word_rewrite(st, w, v);
    }
}

/* A word holding a non-ASCII letter begins at or before i: steps back over ASCII letters and dropped
 * characters down to floor. The hit's span starts at the first letter: invisible characters before it are hits of
 * their own, not part of the word. */
static void word_begin(scan_t *st, word_t *w, size_t i, size_t cp, size_t floor)
{
    memset(w, 0, sizeof(*w));
    w->on = 1;
    size_t k = i, kcp = cp;
    w->cp_first = cp;
    while (k > floor) {
        unsigned char c = (unsigned char)st->s[k - 1];
        if (c < 0x80) {
            if (!is_ascii_alpha(c))
                break;
            word_letter(w, c, RG_FK_LATIN);
            k--;
            kcp--;
            w->cp_first = kcp;
            continue;
        }
        size_t b = rg_utf8_prev(st->s, k);
        uint32_t u;
        if (b < floor || rg_js_utf8_next(st->s, st->len, b, &u) != k - b)
            break;
        rg_fold_t f;
        rg_fold(u, &f);
        if (f.kind != RG_FK_IGNORABLE && f.kind != RG_FK_MARK)
            break;
        k = b;
        kcp--;
    }
    w->start = k;
    w->out_start = st->out ? st->out->len + (k - st->last) : 0;
}

/* The end of the run of class `cls` at i; its length in code points, printable tag characters, last one. */
static size_t run_of(const char *s, size_t len, size_t i, int cls, size_t *n_cp, size_t *printable, uint32_t *last)
{
    size_t j = i, n = 0, p = 0;
    while (j < len) {
        uint32_t u;
        size_t w = rg_js_utf8_next(s, len, j, &u);
        if (rg_invisible_class(u) != cls)
            break;
        p += u >= 0xE0020 && u <= 0xE007E;
        n++;
        *last = u;
        j += w;
    }
    *n_cp = n;
    *printable = p;
    return j;
}

/* An emoji flag's tag sequence: U+1F3F4, the tag letters of England's, Scotland's or Wales's flag, CANCEL TAG:
 * the three subdivision flags Unicode recommends for general use (RGI). Any other tag run is text a reader does
 * not see: "🏴" and six tag letters a time carry ASCII as well as a flag would. */
static int flag_tags(const char *s, size_t len, size_t i, size_t j, uint32_t prev)
{
    if (prev != 0x1F3F4)
        return 0;
    char t[8];
    size_t n = 0;
    uint32_t u = 0;
    while (i < j && n < sizeof(t)) {
        i += rg_js_utf8_next(s, len, i, &u);
        t[n++] = (char)(u - 0xE0000);
    }
    return i == j && n == 6 && u == 0xE007F &&
           (memcmp(t, "gbeng", 5) == 0 || memcmp(t, "gbsct", 5) == 0 || memcmp(t, "gbwls", 5) == 0);
}

/* A lone variation selector that belongs where it is: U+E0100-E01EF after a CJK ideograph (ideographic variation
 * sequences), Mongolian's after a Mongolian letter, and after ASCII only VS15/VS16 on a keycap's base (#, *, 0-9:
 * "1️⃣") or VS1 on a zero, none after a Latin, Greek or Cyrillic letter; after any other non-ASCII character
 * (emoji, symbols, CJK) U+FE00-FE0F as before. A selector after an ASCII letter is never a variant anyone types:
 * one after each letter hides a byte each. */
static int selector_ok(uint32_t sel, uint32_t prev)
{
    if (sel >= 0xE0100)
        return (prev >= 0x3400 && prev <= 0x9FFF) || (prev >= 0xF900 && prev <= 0xFAFF) ||
               (prev >= 0x20000 && prev <= 0x3FFFF);
    if (sel >= 0x180B && sel <= 0x180F)
        return prev >= 0x1820 && prev <= 0x18AF;
    if (prev < 0x80)
        return ((sel == 0xFE0E || sel == 0xFE0F) && (prev == '#' || prev == '*' || (prev >= '0' && prev <= '9'))) ||
               (sel == 0xFE00 && prev == '0');
    /* nor after a Latin, Greek or Cyrillic letter: no variant of one is defined, and a homoglyph's strip turns the
     * letter into ASCII ("fЕ" + VS16 became "fE" + VS16, which a second scan found) */
    if ((prev >= 0xC0 && prev <= 0x24F && prev != 0xD7 && prev != 0xF7) || (prev >= 0x370 && prev <= 0x4FF))
        return 0;
    return 1;
}

static int is_bidi_mark(uint32_t u) { return u == 0x200E || u == 0x200F || u == 0x061C; }

/*
 * One invisible character (or run) at i of class cls; returns the offset after it, its length in code
 * points in *ncp. Context rules look at *prev, the last character that stays when the text is stripped
 * (what is removed, and bidi marks, are never a context), and at the next character as it is; so a strip
 * leaves nothing that a second scan would find. *prev becomes the run's last character when it stays.
 */
static size_t invisible_at(scan_t *st, size_t i, size_t w, size_t cp, uint32_t u, int cls, uint32_t *prev,
                           size_t *ncp)
{
    const char *s = st->s;
    size_t len = st->len;
    *ncp = 1;
    if (cls == RG_INV_TAGS || cls == RG_INV_VARIATION) {
        size_t n, printable;
        uint32_t last = u;
        size_t j = run_of(s, len, i, cls, &n, &printable, &last);
        *ncp = n;
        int ok = !(st->mask & (1u << cls)) ||
                 (cls == RG_INV_TAGS ? flag_tags(s, len, i, j, *prev)
                                     : n == 1 && rg_invisible_class(*prev) < 0 && selector_ok(last, *prev));
        if (ok) {
            *prev = last;
            return j;
        }
        hit(st, cls, cp, cp + n, n);
        if (st->rep != NULL) {
            if (cls == RG_INV_TAGS)
                st->rep->hidden_ascii += printable;
            else
                st->rep->hidden_bytes += n;
        }
        drop(st, i, j);
        return j;
    }
    if (!(st->mask & (1u << cls))) {
        if (!is_bidi_mark(u))
            *prev = u;
        return i + w;
    }
    if (cls == RG_INV_ZERO_WIDTH) {
        uint32_t next = 0;
        if (i + w < len)
            rg_js_utf8_next(s, len, i + w, &next);
        int ok = (u == 0xFEFF && i == 0) ||
                 (u == 0x200D && is_emoji(*prev) && is_emoji(next) && rg_invisible_class(next) < 0) ||
                 ((u == 0x200D || u == 0x200C) && is_joining(*prev)) ||
                 (u == 0x200B && is_zwsp_script(*prev) && is_zwsp_script(next));
        if (ok) {
            *prev = u;
            return i + w;
        }
    }
    if (cls == RG_INV_BIDI && is_bidi_mark(u)) {
        /* marks: legitimate in text with RTL letters, which may come later */
        if (st->out != NULL) {
            if (!st->rtl)
                drop(st, i, i + w);
        } else {
            st->marks++;
            if (st->n_mark_hits < RG_INV_FIRST_MAX)
                st->mark_hits[st->n_mark_hits++] = (rg_inv_hit_t){(uint32_t)cp, (uint32_t)cp + 1, RG_INV_BIDI};
        }
        return i + w;
    }
    hit(st, cls, cp, cp + 1, 1);
    drop(st, i, i + w);
    return i + w;
}

static int hit_cmp(const rg_inv_hit_t *a, const rg_inv_hit_t *b) { return a->start < b->start ? -1 : a->start > b->start; }

/* Marks count when the text has no RTL letters; then the hits are put in text order. */
static void finish(scan_t *st)
{
    rg_inv_report_t *r = st->rep;
    if (st->marks > 0 && !r->rtl) {
        r->counts[RG_INV_BIDI] += st->marks;
        for (size_t k = 0; k < st->n_mark_hits && r->n_first < RG_INV_FIRST_MAX; k++)
            r->first[r->n_first++] = st->mark_hits[k];
    }
    for (size_t a = 1; a < r->n_first; a++) /* insertion sort, at most 16 */
        for (size_t b = a; b > 0 && hit_cmp(&r->first[b - 1], &r->first[b]) > 0; b--) {
            rg_inv_hit_t t = r->first[b];
            r->first[b] = r->first[b - 1];
            r->first[b - 1] = t;
        }
    r->found = 0;
    for (int c = 0; c < RG_INV_NCAT; c++)
        r->found += r->counts[c];
}

static void scan(scan_t *st)
{
    const char *s = st->s;
    size_t len = st->len, i = 0, cp = 0, floor = 0;
    uint32_t prev = 0;
    int words = (st->mask & (1u << RG_INV_HOMOGLYPH)) != 0;
    pthread_once(&twins_once, twins_init);
    word_t w = {0};
    while (i < len && !st->failed) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (w.on) { /* a word with a Cyrillic/Greek/Latin-1 letter goes on through ASCII letters */
                if (is_ascii_alpha(c)) {
                    word_letter(&w, c, RG_FK_LATIN);
                    w.cp_end = cp + 1;
                    prev = c;
                    i++;
                    cp++;
                    continue;
                }
                word_end(st, &w, i);
                floor = i;
            }
            size_t j = rg_ascii_run(s, len, i);
            cp += j - i;
            prev = (unsigned char)s[j - 1];
            i = j;
            continue;
        }
        uint32_t u;
        size_t cw = rg_js_utf8_next(s, len, i, &u);
        if (st->out != NULL && u == 0xFFFD && cw == 1) {
            /* strip: an invalid byte becomes U+FFFD, so that removing what is around it cannot join bytes
             * into a new (invisible) character */
            drop(st, i, i + 1);
            if (!st->failed && rg_buf_append(st->out, "\xEF\xBF\xBD", 3) != RG_BUF_OK)
                st->failed = 1;
        }
        int cls = rg_invisible_class(u);
        if (cls >= 0) {
            size_t ncp;
            i = invisible_at(st, i, cw, cp, u, cls, &prev, &ncp);
            cp += ncp;
            continue;
        }
        if (st->rep != NULL && !st->rep->rtl && is_rtl(u))
            st->rep->rtl = 1;
        int mark = 0;
        if (words) {
            rg_fold_t f;
            rg_fold(u, &f);
            if (f.kind == RG_FK_LATIN || f.kind == RG_FK_LETTER || f.kind == RG_FK_UNSPACED) {
                if (!w.on)
                    word_begin(st, &w, i, cp, floor);
                word_letter(&w, u, f.kind);
                w.cp_end = cp + 1;
            } else if (f.kind == RG_FK_MARK) {
                mark = 1;
                if (w.on)
                    w.cp_end = cp + 1; /* a mark belongs to the letter before it */
            } else {
                word_end(st, &w, i);
            }
        }
        prev = u;
        i += cw;
        cp++;
        if (!w.on && !mark) /* a mark after ASCII letters ("pa\u0301") is inside the word a later letter begins */
            floor = i;
    }
    word_end(st, &w, len);
    emit_upto(st, len);
}

void rg_invisible_scan(const char *s, size_t len, unsigned mask, rg_inv_report_t *rep)
{
    memset(rep, 0, sizeof(*rep));
    scan_t st = {.s = s, .len = len, .mask = mask & RG_INV_ALL, .rep = rep};
    scan(&st);
    finish(&st);
}

int rg_invisible_strip(const char *s, size_t len, unsigned mask, const rg_inv_report_t *rep, rg_buf_t *out)
{
    unsigned chars = mask & RG_INV_ALL & ~(1u << RG_INV_HOMOGLYPH);
    int homoglyphs = (mask & (1u << RG_INV_HOMOGLYPH)) && rep->counts[RG_INV_HOMOGLYPH] > 0;
    rg_buf_t tmp;
    rg_buf_init(&tmp, out->max);
    const char *src = s;
    size_t src_len = len;
    int failed = 0;
    if (!homoglyphs || rep->found > rep->counts[RG_INV_HOMOGLYPH]) {
        /* pass 1: invisible characters out (into tmp when a homoglyph pass follows) */
        scan_t st = {.s = s, .len = len, .mask = chars, .rtl = rep->rtl, .out = homoglyphs ? &tmp : out};
        scan(&st);
        failed = st.failed;
        if (homoglyphs) {
            src = tmp.data ? tmp.data : "";
            src_len = tmp.len;
        }
    }
    if (!failed && homoglyphs) {
        /* pass 2: look-alikes replaced (no character is dropped here, so word offsets in out stay simple) */
        scan_t st = {.s = src, .len = src_len, .mask = 1u << RG_INV_HOMOGLYPH, .out = out};
        rg_buf_init(&st.word, out->max);
        scan(&st);
        failed = st.failed;
        rg_buf_free(&st.word);
    }
    rg_buf_free(&tmp);
    return failed ? -1 : 0;
}
