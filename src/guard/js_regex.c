/* js_regex.c — see js_regex.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/buf.h"
#include "guard/checks/common.h"
#include "guard/js_regex.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- limits --------------------------------------------------------------- */

#define RG_REGEX_MATCH_LIMIT 1000000u  /* PCRE2 match limit, per start position */
#define RG_REGEX_DEPTH_LIMIT 250000u   /* PCRE2 backtracking depth (interpreter) */
#define RG_REGEX_HEAP_LIMIT_KIB 65536u /* PCRE2 backtracking memory (interpreter) */
#define RG_REGEX_BUDGET_MS 100         /* wall clock per check run, all parts and matches */
#define RG_REGEX_MAX_SOURCE 65536      /* bytes of JavaScript pattern */
#define RG_REGEX_JIT_STACK_MAX (4u << 20)
#define RG_REGEX_TC_PAIRS 32 /* ovector pairs in the per-thread match data */
#define RG_REGEX_MAX_NEST 256

struct rg_jsre {
    pcre2_code *code;
    uint32_t ncap;
    char **names; /* [ncap + 1]; NULL for unnamed groups */
    int has_named;
    int global;
};

/* ---- the translated pattern ---------------------------------------------- */

/*
 * The translation grows at most ~50-fold (\s, two bytes, becomes a 98-byte
 * class; ^ and $ with m about 35), so 64 times the source limit is never
 * reached by a pattern that passed the length check.
 */
#define RG_REGEX_MAX_TRANSLATED ((size_t)RG_REGEX_MAX_SOURCE * 64)

/* An rg_buf_t that keeps its first failed append; later appends are skipped. */
typedef struct {
    rg_buf_t b;
    int rc;
} sbuf_t;

static void sb_init(sbuf_t *b)
{
    rg_buf_init(&b->b, RG_REGEX_MAX_TRANSLATED);
    b->rc = RG_BUF_OK;
}

static void sb_put(sbuf_t *b, const char *s, size_t n)
{
    if (b->rc == RG_BUF_OK)
        b->rc = rg_buf_append(&b->b, s, n);
}

static void sb_puts(sbuf_t *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (b->rc == RG_BUF_OK)
        b->rc = rg_buf_vappendf(&b->b, fmt, ap);
    va_end(ap);
}

/* The message for a failed translation buffer. */
static const char *sb_error(const sbuf_t *b)
{
    return b->rc == RG_BUF_TOOBIG ? "pattern too large once translated" : "out of memory";
}

/* ---- JavaScript -> PCRE2 translation -------------------------------------- */

/* JavaScript's \s: WhiteSpace and LineTerminator (PCRE2's \s without UCP is ASCII only). */
#define JS_SPACE_MEMBERS "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
/* JavaScript's `.`: anything but a LineTerminator. */
#define JS_DOT "[^\\x{a}\\x{d}\\x{2028}\\x{2029}]"
#define JS_ANY "(?s:.)"
/* ^ and $ with the m flag: next to a LineTerminator (PCRE2's newline conventions differ) */
#define JS_LINE_START "(?<![^\\x{a}\\x{d}\\x{2028}\\x{2029}])"
#define JS_LINE_END "(?![^\\x{a}\\x{d}\\x{2028}\\x{2029}])"
#define JS_NOTHING "(?!)"

enum { Q_NONE, Q_ATOM, Q_QUANT, Q_BAD };
enum { G_CAP, G_NONCAP, G_AHEAD, G_BEHIND };
enum { CA_CHAR, CA_ESC, CA_SPACE, CA_NSPACE };

typedef struct {
    int kind;
    uint32_t cp;
    char esc[48];
} catom_t;

typedef struct {
    const unsigned char *s;
    size_t n, i;
    int u, dotall, multiline, caseless;
    uint32_t ncap;
    char **names; /* [ncap + 1] */
    int has_named;
    sbuf_t out;
    const char *err; /* JavaScript's message, when the pattern is invalid */
} tr_t;

static int at(const tr_t *t, size_t off) { return t->i + off < t->n ? t->s[t->i + off] : -1; }

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_surrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

/* Decodes one UTF-8 sequence at s[*i] (the input comes from JSON, so it is valid). */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i];
    size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (*i + k > n)
        k = 1;
    uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
    for (size_t j = 1; j < k; j++)
        cp = (cp << 6) | (s[*i + j] & 0x3F);
    *i += k;
    return cp;
}

static int fail(tr_t *t, const char *msg)
{
    t->err = msg;
    return -1;
}

/* The characters outside the BMP whose UTF-16 high surrogate is in [hi0, hi1]. */
static uint32_t astral_first(uint32_t hi0) { return 0x10000 + ((hi0 - 0xD800) << 10); }
static uint32_t astral_last(uint32_t hi1) { return 0x10000 + ((hi1 - 0xD800) << 10) + 0x3FF; }

/*
 * An atom matching code point cp. Text is UTF-8, so a surrogate never occurs
 * alone: without the u flag JavaScript matches a high surrogate against the
 * first half of a character outside the BMP, so it stands for those
 * characters here (whole); a low surrogate, or any surrogate with u, matches
 * nothing.
 */
static void emit_cp(tr_t *t, uint32_t cp)
{
    if (!t->u && cp >= 0xD800 && cp <= 0xDBFF)
        sb_printf(&t->out, "[\\x{%x}-\\x{%x}]", (unsigned)astral_first(cp), (unsigned)astral_last(cp));
    else if (is_surrogate(cp))
        sb_puts(&t->out, JS_NOTHING);
    else
        sb_printf(&t->out, "\\x{%x}", (unsigned)cp);
}

/* Four hex digits at s[pos], or -1. */
static long hex4(const tr_t *t, size_t pos)
{
    if (pos + 4 > t->n)
        return -1;
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(t->s[pos + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* \u escape; t->i at the 'u'. 1 parsed (cp set, t->i past it), 0 not an escape (identity 'u'), -1 error. */
static int esc_u(tr_t *t, uint32_t *cp)
{
    if (t->u && at(t, 1) == '{') {
        size_t j = t->i + 2;
        uint32_t v = 0;
        int digits = 0;
        while (j < t->n && hexval(t->s[j]) >= 0) {
            v = v * 16 + (uint32_t)hexval(t->s[j]);
            if (v > 0x10FFFF)
                return fail(t, "Invalid Unicode escape");
            j++;
            digits++;
        }
        if (digits == 0 || j >= t->n || t->s[j] != '}')
            return fail(t, "Invalid Unicode escape");
        t->i = j + 1;
        *cp = v;
        return 1;
    }
    long v = hex4(t, t->i + 1);
    if (v < 0)
        return t->u ? fail(t, "Invalid Unicode escape") : 0;
    t->i += 5;
    if (v >= 0xD800 && v <= 0xDBFF && at(t, 0) == '\\' && at(t, 1) == 'u') {
        long lo = hex4(t, t->i + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) { /* a surrogate pair is one character of UTF-8 text */
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            t->i += 6;
        }
    }
    *cp = (uint32_t)v;
    return 1;
}

/* Annex B legacy octal escape at s[t->i] (an octal digit): up to \377. */
static uint32_t octal(tr_t *t)
{
    uint32_t v = (uint32_t)(t->s[t->i++] - '0');
    int max_more = v <= 3 ? 2 : 1;
    for (int k = 0; k < max_more && t->i < t->n && t->s[t->i] >= '0' && t->s[t->i] <= '7'; k++)
        v = v * 8 + (uint32_t)(t->s[t->i++] - '0');
    return v;
}

/* A group name at s[t->i] up to '>' (JavaScript identifier, approximately). */
static int group_name(tr_t *t, size_t *start, size_t *len)
{
    size_t j = t->i;
    while (j < t->n && t->s[j] != '>') {
        int c = t->s[j];
        int ok = c >= 0x80 || is_alpha(c) || c == '_' || c == '$' || (j > t->i && is_digit(c));
        if (!ok)
            return fail(t, "Invalid capture group name");
        j++;
    }
    if (j >= t->n || j == t->i)
        return fail(t, "Invalid capture group name");
    *start = t->i;
    *len = j - t->i;
    t->i = j + 1;
    return 0;
}

static long find_name(const tr_t *t, const unsigned char *name, size_t len)
{
    for (uint32_t g = 1; g <= t->ncap; g++)
        if (t->names[g] && strlen(t->names[g]) == len && memcmp(t->names[g], name, len) == 0)
            return g;
    return -1;
}

/* Pass 1: count capturing groups and collect their names (for \1..\99, \k<name> before the group). */
static int prescan(tr_t *t)
{
    size_t cap = 8;
    t->names = calloc(cap, sizeof(char *));
    if (t->names == NULL)
        return fail(t, "out of memory");
    int in_class = 0;
    for (size_t i = 0; i < t->n; i++) {
        int c = t->s[i];
        if (c == '\\') {
            i++;
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = 0;
            continue;
        }
        if (c == '[') {
            in_class = 1;
            continue;
        }
        if (c != '(')
            continue;
        int named = i + 3 < t->n && t->s[i + 1] == '?' && t->s[i + 2] == '<' && t->s[i + 3] != '=' && t->s[i + 3] != '!';
        if (i + 1 < t->n && t->s[i + 1] == '?' && !named)
            continue;
        if (t->ncap + 2 > cap) {
            char **p = realloc(t->names, cap * 2 * sizeof(char *));
            if (p == NULL)
                return fail(t, "out of memory");
            memset(p + cap, 0, cap * sizeof(char *));
            t->names = p;
            cap *= 2;
        }
        t->ncap++;
        if (named) {
            size_t save = t->i, start, len;
            t->i = i + 3;
            if (group_name(t, &start, &len) < 0)
                return -1;
            t->i = save;
            if (find_name(t, t->s + start, len) >= 0)
                return fail(t, "Duplicate capture group name");
            t->names[t->ncap] = strndup((const char *)t->s + start, len);
            if (t->names[t->ncap] == NULL)
                return fail(t, "out of memory");
            t->has_named = 1;
        }
    }
    return 0;
}

/* Unicode property escapes (u flag): JavaScript names to PCRE2 names. */
static const char *const gc_names[][2] = {
    {"L", "Letter"}, {"L&", "Cased_Letter"}, {"L&", "LC"}, {"Lu", "Uppercase_Letter"}, {"Ll", "Lowercase_Letter"},
    {"Lt", "Titlecase_Letter"}, {"Lm", "Modifier_Letter"}, {"Lo", "Other_Letter"}, {"M", "Mark"},
    {"M", "Combining_Mark"}, {"Mn", "Nonspacing_Mark"}, {"Mc", "Spacing_Mark"}, {"Me", "Enclosing_Mark"},
    {"N", "Number"}, {"Nd", "Decimal_Number"}, {"Nd", "digit"}, {"Nl", "Letter_Number"}, {"No", "Other_Number"},
    {"P", "Punctuation"}, {"P", "punct"}, {"Pc", "Connector_Punctuation"}, {"Pd", "Dash_Punctuation"},
    {"Ps", "Open_Punctuation"}, {"Pe", "Close_Punctuation"}, {"Pi", "Initial_Punctuation"},
    {"Pf", "Final_Punctuation"}, {"Po", "Other_Punctuation"}, {"S", "Symbol"}, {"Sm", "Math_Symbol"},
    {"Sc", "Currency_Symbol"}, {"Sk", "Modifier_Symbol"}, {"So", "Other_Symbol"}, {"Z", "Separator"},
    {"Zs", "Space_Separator"}, {"Zl", "Line_Separator"}, {"Zp", "Paragraph_Separator"}, {"C", "Other"},
    {"Cc", "Control"}, {"Cc", "cntrl"}, {"Cf", "Format"}, {"Cs", "Surrogate"}, {"Co", "Private_Use"},
    {"Cn", "Unassigned"},
};

static const char *gc_short(const char *v)
{
    for (size_t k = 0; k < sizeof(gc_names) / sizeof(gc_names[0]); k++)
        if (strcmp(v, gc_names[k][1]) == 0 || (strcmp(v, gc_names[k][0]) == 0 && strcmp(v, "L&") != 0))
            return gc_names[k][0];
    return NULL;
}

/* \p{...} / \P{...}; t->i at the 'p'. Writes the PCRE2 escape into esc. */
static int property(tr_t *t, char *esc, size_t escsz)
{
    int neg = t->s[t->i] == 'P';
    if (at(t, 1) != '{')
        return fail(t, "Invalid property name");
    size_t j = t->i + 2, k = 0;
    char name[40];
    while (j < t->n && t->s[j] != '}') {
        int c = t->s[j];
        if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '=') || k + 1 >= sizeof(name))
            return fail(t, "Invalid property name");
        name[k++] = (char)c;
        j++;
    }
    if (j >= t->n || k == 0)
        return fail(t, "Invalid property name");
    name[k] = '\0';
    t->i = j + 1;
    const char *p = neg ? "P" : "p";
    char *eq = strchr(name, '=');
    if (eq) {
        *eq = '\0';
        const char *key = name, *val = eq + 1;
        if (*val == '\0' || strchr(val, '='))
            return fail(t, "Invalid property name");
        if (strcmp(key, "General_Category") == 0 || strcmp(key, "gc") == 0) {
            const char *g = gc_short(val);
            if (g == NULL)
                return fail(t, "Invalid property name");
            snprintf(esc, escsz, "\\%s{%s}", p, g);
        } else if (strcmp(key, "Script") == 0 || strcmp(key, "sc") == 0) {
            snprintf(esc, escsz, "\\%s{sc:%s}", p, val);
        } else if (strcmp(key, "Script_Extensions") == 0 || strcmp(key, "scx") == 0) {
            snprintf(esc, escsz, "\\%s{scx:%s}", p, val);
        } else {
            return fail(t, "Invalid property name");
        }
        return 0;
    }
    const char *g = gc_short(name);
    /* with i, JavaScript closes the set under case folding; PCRE2 ignores caseless for \p */
    if (g && t->caseless && !neg && (!strcmp(g, "Lu") || !strcmp(g, "Ll") || !strcmp(g, "Lt")))
        g = "L&";
    if (g)
        snprintf(esc, escsz, "\\%s{%s}", p, g);
    else if (strcmp(name, "Assigned") == 0)
        snprintf(esc, escsz, "\\%s{Cn}", neg ? "p" : "P");
    else
        snprintf(esc, escsz, "\\%s{%s}", p, name); /* binary properties; PCRE2 checks the name */
    return 0;
}

static int is_syntax_char(int c) { return c >= 0 && c < 0x80 && strchr("^$\\.*+?()[]{}|/", c) != NULL; }

/* One character class atom at s[t->i]. */
static int class_atom(tr_t *t, catom_t *a)
{
    a->kind = CA_CHAR;
    a->esc[0] = '\0';
    if (t->s[t->i] != '\\') {
        a->cp = utf8_next(t->s, t->n, &t->i);
        return 0;
    }
    if (t->i + 1 >= t->n)
        return fail(t, "\\ at end of pattern");
    t->i++;
    int c = t->s[t->i];
    switch (c) {
    case 'd': case 'D': case 'w': case 'W':
        a->kind = CA_ESC;
        snprintf(a->esc, sizeof(a->esc), "\\%c", c);
        t->i++;
        return 0;
    case 's':
        a->kind = CA_SPACE;
        t->i++;
        return 0;
    case 'S':
        a->kind = CA_NSPACE;
        t->i++;
        return 0;
    case 'b': a->cp = 8; t->i++; return 0;
    case '-': a->cp = '-'; t->i++; return 0;
    case 't': a->cp = 9; t->i++; return 0;
    case 'n': a->cp = 10; t->i++; return 0;
    case 'v': a->cp = 11; t->i++; return 0;
    case 'f': a->cp = 12; t->i++; return 0;
    case 'r': a->cp = 13; t->i++; return 0;
    case 'c': {
        int d = at(t, 1);
        if (is_alpha(d) || (!t->u && (is_digit(d) || d == '_'))) {
            a->cp = (uint32_t)d % 32;
            t->i += 2;
            return 0;
        }
        if (t->u)
            return fail(t, "Invalid class escape");
        a->cp = '\\'; /* Annex B: the backslash is itself the atom; 'c' comes next */
        return 0;
    }
    case 'x': {
        int h1 = hexval(at(t, 1)), h2 = hexval(at(t, 2));
        if (h1 >= 0 && h2 >= 0) {
            a->cp = (uint32_t)(h1 * 16 + h2);
            t->i += 3;
            return 0;
        }
        if (t->u)
            return fail(t, "Invalid escape");
        a->cp = 'x';
        t->i++;
        return 0;
    }
    case 'u': {
        int r = esc_u(t, &a->cp);
        if (r < 0)
            return -1;
        if (r == 0) {
            a->cp = 'u';
            t->i++;
        }
        return 0;
    }
    case 'p': case 'P':
        if (t->u) {
            a->kind = CA_ESC;
            return property(t, a->esc, sizeof(a->esc));
        }
        break;
    default:
        break;
    }
    if (is_digit(c)) {
        if (t->u) {
            if (c == '0' && !is_digit(at(t, 1))) {
                a->cp = 0;
                t->i++;
                return 0;
            }
            return fail(t, "Invalid class escape");
        }
        if (c >= '8') {
            a->cp = (uint32_t)c;
            t->i++;
        } else {
            a->cp = octal(t);
        }
        return 0;
    }
    if (t->u && !(is_syntax_char(c)))
        return fail(t, "Invalid escape");
    a->cp = utf8_next(t->s, t->n, &t->i); /* identity escape */
    return 0;
}

static void class_emit_range(sbuf_t *b, int u, uint32_t lo, uint32_t hi, int *items)
{
    /* surrogate code points cannot be written in a UTF-8 PCRE2 pattern; high
     * surrogates stand for the characters they start (see emit_cp) */
    if (lo <= 0xDFFF && hi >= 0xD800) {
        if (lo < 0xD800)
            class_emit_range(b, u, lo, 0xD7FF, items);
        uint32_t h0 = lo > 0xD800 ? lo : 0xD800, h1 = hi < 0xDBFF ? hi : 0xDBFF;
        if (!u && h0 <= h1)
            class_emit_range(b, u, astral_first(h0), astral_last(h1), items);
        if (hi > 0xDFFF)
            class_emit_range(b, u, 0xE000, hi, items);
        return;
    }
    if (lo == hi)
        sb_printf(b, "\\x{%x}", (unsigned)lo);
    else
        sb_printf(b, "\\x{%x}-\\x{%x}", (unsigned)lo, (unsigned)hi);
    (*items)++;
}

static void class_add(sbuf_t *b, int u, const catom_t *a, int *items, int *has_nspace)
{
    switch (a->kind) {
    case CA_CHAR:
        class_emit_range(b, u, a->cp, a->cp, items);
        break;
    case CA_ESC:
        sb_puts(b, a->esc);
        (*items)++;
        break;
    case CA_SPACE:
        sb_puts(b, JS_SPACE_MEMBERS);
        (*items)++;
        break;
    case CA_NSPACE:
        *has_nspace = 1;
        break;
    }
}

/* A character class; t->i just past the '['. */
static int char_class(tr_t *t)
{
    int neg = 0, items = 0, has_nspace = 0;
    if (at(t, 0) == '^') {
        neg = 1;
        t->i++;
    }
    sbuf_t cls;
    sb_init(&cls);
    for (;;) {
        if (t->i >= t->n) {
            rg_buf_free(&cls.b);
            return fail(t, "Unterminated character class");
        }
        if (t->s[t->i] == ']') {
            t->i++;
            break;
        }
        catom_t a, b;
        if (class_atom(t, &a) < 0)
            goto bad;
        if (at(t, 0) == '-' && at(t, 1) != -1 && at(t, 1) != ']') {
            t->i++;
            if (class_atom(t, &b) < 0)
                goto bad;
            if (a.kind != CA_CHAR || b.kind != CA_CHAR) {
                if (t->u) {
                    fail(t, "Invalid character class");
                    goto bad;
                }
                catom_t dash = {.kind = CA_CHAR, .cp = '-'};
                class_add(&cls, t->u, &a, &items, &has_nspace);
                class_add(&cls, t->u, &dash, &items, &has_nspace);
                class_add(&cls, t->u, &b, &items, &has_nspace);
            } else if (a.cp > b.cp) {
                fail(t, "Range out of order in character class");
                goto bad;
            } else {
                class_emit_range(&cls, t->u, a.cp, b.cp, &items);
            }
        } else {
            class_add(&cls, t->u, &a, &items, &has_nspace);
        }
    }
    if (cls.rc != RG_BUF_OK) {
        rg_buf_free(&cls.b);
        return fail(t, sb_error(&cls));
    }
    const char *body = cls.b.data ? cls.b.data : "";
    sbuf_t *o = &t->out;
    if (!has_nspace) {
        if (items == 0) {
            sb_puts(o, neg ? JS_ANY : JS_NOTHING); /* [] never matches, [^] matches anything */
        } else {
            sb_puts(o, neg ? "[^" : "[");
            sb_puts(o, body);
            sb_puts(o, "]");
        }
    } else if (items == 0) {
        sb_puts(o, neg ? "[" JS_SPACE_MEMBERS "]" : "[^" JS_SPACE_MEMBERS "]");
    } else if (!neg) { /* [x\S] = x or not-space */
        sb_puts(o, "(?:[");
        sb_puts(o, body);
        sb_puts(o, "]|[^" JS_SPACE_MEMBERS "])");
    } else { /* [^x\S] = a space that is not x */
        sb_puts(o, "(?![");
        sb_puts(o, body);
        sb_puts(o, "])[" JS_SPACE_MEMBERS "]");
    }
    rg_buf_free(&cls.b);
    return 0;
bad:
    rg_buf_free(&cls.b);
    return -1;
}

static int braced_quantifier(const tr_t *t, size_t *end, unsigned long *lo, unsigned long *hi, int *has_hi);

/*
 * Without the u flag a character outside the BMP is two UTF-16 units and a
 * quantifier after it repeats only the second: /😀+/ is \uD83D\uDE00+, which
 * in well-formed text matches one 😀 (never a run), and /😀{2}/ never
 * matches. The same holds for a lone high surrogate, which stands for the
 * characters it starts. Emits cp (an atom) and consumes such a quantifier.
 */
static void emit_atom_cp(tr_t *t, uint32_t cp, int *q)
{
    *q = Q_ATOM;
    int split = !t->u && (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDBFF));
    unsigned long lo = 0, hi = 0;
    int has_hi = 1;
    size_t end = t->i + 1;
    int c = at(t, 0);
    int quant = c == '*' || c == '+' || c == '?' || (c == '{' && braced_quantifier(t, &end, &lo, &hi, &has_hi));
    if (!split || !quant || (c == '{' && has_hi && lo > hi)) {
        if (cp > 0xFFFF)
            sb_printf(&t->out, "\\x{%x}", (unsigned)cp);
        else
            emit_cp(t, cp);
        return;
    }
    if (c == '+')
        lo = 1;
    t->i = end;
    if (at(t, 0) == '?')
        t->i++;
    if (lo > 1)
        sb_puts(&t->out, JS_NOTHING);
    else if (cp > 0xFFFF)
        sb_printf(&t->out, "\\x{%x}", (unsigned)cp);
    else
        emit_cp(t, cp);
    *q = Q_QUANT;
}

/* An escape outside a class; t->i at the character after the backslash. */
static int atom_escape(tr_t *t, int *q)
{
    if (t->i >= t->n)
        return fail(t, "\\ at end of pattern");
    int c = t->s[t->i];
    sbuf_t *o = &t->out;
    *q = Q_ATOM;
    switch (c) {
    case 'd': case 'D': case 'w': case 'W':
        sb_printf(o, "\\%c", c);
        t->i++;
        return 0;
    case 's':
        sb_puts(o, "[" JS_SPACE_MEMBERS "]");
        t->i++;
        return 0;
    case 'S':
        sb_puts(o, "[^" JS_SPACE_MEMBERS "]");
        t->i++;
        return 0;
    case 'b': case 'B':
        sb_printf(o, "\\%c", c);
        t->i++;
        *q = Q_NONE;
        return 0;
    case 't': emit_cp(t, 9); t->i++; return 0;
    case 'n': emit_cp(t, 10); t->i++; return 0;
    case 'v': emit_cp(t, 11); t->i++; return 0;
    case 'f': emit_cp(t, 12); t->i++; return 0;
    case 'r': emit_cp(t, 13); t->i++; return 0;
    case 'k':
        if (t->u || t->has_named) {
            size_t start, len;
            if (at(t, 1) != '<')
                return fail(t, "Invalid named reference");
            t->i += 2;
            if (group_name(t, &start, &len) < 0)
                return fail(t, "Invalid named reference");
            long g = find_name(t, t->s + start, len);
            if (g < 0)
                return fail(t, "Invalid named capture referenced");
            sb_printf(o, "\\g{%ld}", g);
            return 0;
        }
        break;
    case 'p': case 'P':
        if (t->u) {
            char esc[48];
            if (property(t, esc, sizeof(esc)) < 0)
                return -1;
            sb_puts(o, esc);
            return 0;
        }
        break;
    case 'c': {
        int d = at(t, 1);
        if (is_alpha(d)) {
            emit_cp(t, (uint32_t)d % 32);
            t->i += 2;
            return 0;
        }
        if (t->u)
            return fail(t, "Invalid unicode escape");
        sb_puts(o, "\\\\"); /* Annex B: a literal backslash; the 'c' is read next */
        return 0;
    }
    case 'x': {
        int h1 = hexval(at(t, 1)), h2 = hexval(at(t, 2));
        if (h1 >= 0 && h2 >= 0) {
            emit_cp(t, (uint32_t)(h1 * 16 + h2));
            t->i += 3;
            return 0;
        }
        if (t->u)
            return fail(t, "Invalid escape");
        break;
    }
    case 'u': {
        uint32_t cp;
        int r = esc_u(t, &cp);
        if (r < 0)
            return -1;
        if (r > 0) {
            emit_atom_cp(t, cp, q);
            return 0;
        }
        break;
    }
    default:
        break;
    }
    if (c == '0' && !is_digit(at(t, 1))) {
        emit_cp(t, 0);
        t->i++;
        return 0;
    }
    if (is_digit(c)) {
        if (c != '0') {
            size_t j = t->i;
            unsigned long n = 0;
            while (j < t->n && is_digit(t->s[j])) {
                if (n < 100000)
                    n = n * 10 + (unsigned long)(t->s[j] - '0');
                j++;
            }
            if (n <= t->ncap) {
                sb_printf(o, "\\g{%lu}", n);
                t->i = j;
                return 0;
            }
        }
        if (t->u)
            return fail(t, c == '0' ? "Invalid decimal escape" : "Invalid escape");
        if (c >= '8') { /* \8 \9 without that many groups: the digit itself */
            emit_cp(t, (uint32_t)c);
            t->i++;
            return 0;
        }
        emit_cp(t, octal(t)); /* Annex B legacy octal */
        return 0;
    }
    if (t->u && !is_syntax_char(c))
        return fail(t, "Invalid escape");
    emit_cp(t, utf8_next(t->s, t->n, &t->i)); /* identity escape */
    return 0;
}

/* {n}, {n,}, {n,m} at s[t->i]; 1 with *end set, else 0. */
static int braced_quantifier(const tr_t *t, size_t *end, unsigned long *lo, unsigned long *hi, int *has_hi)
{
    size_t j = t->i + 1;
    unsigned long a = 0, b = 0;
    int da = 0, db = 0, comma = 0;
    while (j < t->n && is_digit(t->s[j])) {
        if (a < 1000000000UL)
            a = a * 10 + (unsigned long)(t->s[j] - '0');
        j++;
        da++;
    }
    if (da == 0)
        return 0;
    if (j < t->n && t->s[j] == ',') {
        comma = 1;
        j++;
        while (j < t->n && is_digit(t->s[j])) {
            if (b < 1000000000UL)
                b = b * 10 + (unsigned long)(t->s[j] - '0');
            j++;
            db++;
        }
    }
    if (j >= t->n || t->s[j] != '}')
        return 0;
    *end = j + 1;
    *lo = a;
    *hi = comma ? b : a;
    *has_hi = !comma || db > 0;
    return 1;
}

static int translate(tr_t *t)
{
    int q = Q_NONE;
    int stack[RG_REGEX_MAX_NEST];
    int depth = 0;
    sbuf_t *o = &t->out;
    while (t->i < t->n) {
        int c = t->s[t->i];
        switch (c) {
        case '|':
            sb_puts(o, "|");
            t->i++;
            q = Q_NONE;
            break;
        case '^':
            sb_puts(o, t->multiline ? JS_LINE_START : "^");
            t->i++;
            q = Q_NONE;
            break;
        case '$': /* PCRE2_DOLLAR_ENDONLY: the very end, not before a final newline */
            sb_puts(o, t->multiline ? JS_LINE_END : "$");
            t->i++;
            q = Q_NONE;
            break;
        case '.':
            sb_puts(o, t->dotall ? JS_ANY : JS_DOT);
            t->i++;
            q = Q_ATOM;
            break;
        case '(': {
            int type = G_CAP;
            if (at(t, 1) == '?') {
                int c2 = at(t, 2), c3 = at(t, 3);
                if (c2 == ':') {
                    type = G_NONCAP;
                    sb_puts(o, "(?:");
                    t->i += 3;
                } else if (c2 == '=' || c2 == '!') {
                    type = G_AHEAD;
                    sb_puts(o, c2 == '=' ? "(?=" : "(?!");
                    t->i += 3;
                } else if (c2 == '<' && (c3 == '=' || c3 == '!')) {
                    type = G_BEHIND;
                    sb_puts(o, c3 == '=' ? "(?<=" : "(?<!");
                    t->i += 4;
                } else if (c2 == '<') {
                    size_t start, len;
                    t->i += 3;
                    if (group_name(t, &start, &len) < 0)
                        return -1;
                    sb_puts(o, "("); /* names are kept by Railgate, see rg_jsre_group_name */
                } else {
                    return fail(t, "Invalid group");
                }
            } else {
                sb_puts(o, "(");
                t->i++;
            }
            if (depth >= RG_REGEX_MAX_NEST)
                return fail(t, "parentheses are too deeply nested");
            stack[depth++] = type;
            q = Q_NONE;
            break;
        }
        case ')': {
            if (depth == 0)
                return fail(t, "Unmatched ')'");
            int type = stack[--depth];
            sb_puts(o, ")");
            t->i++;
            q = type == G_BEHIND || (type == G_AHEAD && t->u) ? Q_BAD : Q_ATOM;
            break;
        }
        case '*':
        case '+':
        case '?':
        case '{': {
            size_t end = t->i + 1;
            unsigned long lo = 0, hi = 0;
            int has_hi = 0;
            if (c == '{' && !braced_quantifier(t, &end, &lo, &hi, &has_hi)) {
                if (t->u)
                    return fail(t, "Incomplete quantifier");
                sb_puts(o, "\\{"); /* Annex B: a literal brace */
                t->i++;
                q = Q_ATOM;
                break;
            }
            if (q == Q_BAD)
                return fail(t, "Invalid quantifier");
            if (q != Q_ATOM)
                return fail(t, "Nothing to repeat");
            if (c == '{' && has_hi && lo > hi)
                return fail(t, "numbers out of order in {} quantifier");
            sb_put(o, (const char *)t->s + t->i, end - t->i);
            t->i = end;
            if (at(t, 0) == '?') {
                sb_puts(o, "?");
                t->i++;
            }
            q = Q_QUANT; /* a second quantifier (PCRE2's possessive a++) is an error */
            break;
        }
        case '}':
        case ']':
            if (t->u)
                return fail(t, "Lone quantifier brackets");
            sb_printf(o, "\\%c", c);
            t->i++;
            q = Q_ATOM;
            break;
        case '[':
            t->i++;
            if (char_class(t) < 0)
                return -1;
            q = Q_ATOM;
            break;
        case '\\':
            t->i++;
            if (atom_escape(t, &q) < 0)
                return -1;
            break;
        default: {
            size_t from = t->i;
            uint32_t cp = utf8_next(t->s, t->n, &t->i);
            if (cp > 0xFFFF)
                emit_atom_cp(t, cp, &q);
            else if (cp == 0)
                emit_cp(t, 0);
            else
                sb_put(o, (const char *)t->s + from, t->i - from);
            if (cp <= 0xFFFF)
                q = Q_ATOM;
            break;
        }
        }
    }
    if (depth > 0)
        return fail(t, "Unterminated group");
    return 0;
}

static void free_names(char **names, uint32_t ncap)
{
    if (names == NULL)
        return;
    for (uint32_t g = 0; g <= ncap; g++)
        free(names[g]);
    free(names);
}

/* ---- compile / match ------------------------------------------------------- */

rg_jsre_t *rg_jsre_compile(const char *src, size_t len, const char *flags, char *err, size_t errsz)
{
    int fl_i = 0, fl_m = 0, fl_s = 0, fl_u = 0, fl_y = 0, fl_g = 0, fl_d = 0;
    for (const char *f = flags; *f; f++) {
        int *slot = *f == 'i' ? &fl_i : *f == 'm' ? &fl_m : *f == 's' ? &fl_s : *f == 'u' ? &fl_u : *f == 'y' ? &fl_y
                  : *f == 'g' ? &fl_g : *f == 'd' ? &fl_d : NULL;
        if (*f == 'v') {
            snprintf(err, errsz, "Unsupported regex flag 'v' (Unicode sets mode) in /%.*s/%s", (int)(len > 100 ? 100 : len),
                     src, flags);
            return NULL;
        }
        if (slot == NULL || *slot) {
            snprintf(err, errsz, "Invalid flags supplied to RegExp constructor '%s'", flags);
            return NULL;
        }
        *slot = 1;
    }
    int shown = (int)(len > 120 ? 120 : len);
    if (len > RG_REGEX_MAX_SOURCE) {
        snprintf(err, errsz, "Invalid regular expression: /%.*s.../%s: pattern longer than %d bytes", shown, src, flags,
                 RG_REGEX_MAX_SOURCE);
        return NULL;
    }
    tr_t t = {.s = (const unsigned char *)src, .n = len, .u = fl_u, .dotall = fl_s, .multiline = fl_m, .caseless = fl_i};
    sb_init(&t.out);
    sb_puts(&t.out, "(?C1)"); /* the budget check, once per start position */
    if (fl_y)
        sb_puts(&t.out, "\\G");
    sb_puts(&t.out, "(?:");
    if (prescan(&t) < 0 || translate(&t) < 0) {
        snprintf(err, errsz, "Invalid regular expression: /%.*s/%s: %s", shown, src, flags, t.err);
        free_names(t.names, t.ncap);
        rg_buf_free(&t.out.b);
        return NULL;
    }
    sb_puts(&t.out, ")");
    if (t.out.rc == RG_BUF_NOMEM) {
        snprintf(err, errsz, "out of memory");
        free_names(t.names, t.ncap);
        rg_buf_free(&t.out.b);
        return NULL;
    }
    if (t.out.rc != RG_BUF_OK) {
        snprintf(err, errsz, "Invalid regular expression: /%.*s/%s: %s", shown, src, flags, sb_error(&t.out));
        free_names(t.names, t.ncap);
        rg_buf_free(&t.out.b);
        return NULL;
    }

    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (cc)
        pcre2_set_newline(cc, PCRE2_NEWLINE_LF); /* not CRLF/ANY: those skip over \r\n when bumping along */
    uint32_t opts = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C |
                    PCRE2_NEVER_UCP | (fl_i ? PCRE2_CASELESS : 0);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)t.out.b.data, t.out.b.len, opts, &ec, &eo, cc);
    pcre2_compile_context_free(cc);
    rg_buf_free(&t.out.b);
    if (code == NULL) {
        PCRE2_UCHAR msg[160];
        if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0)
            snprintf((char *)msg, sizeof(msg), "error %d", ec);
        snprintf(err, errsz, "Invalid regular expression: /%.*s/%s: PCRE2: %s", shown, src, flags, (char *)msg);
        free_names(t.names, t.ncap);
        return NULL;
    }
    /* else the interpreter runs it; the partial mode is for streams (rg_jsre_partial) */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
    rg_jsre_t *re = calloc(1, sizeof(*re));
    if (re == NULL) {
        pcre2_code_free(code);
        free_names(t.names, t.ncap);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    uint32_t ncap = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ncap);
    re->code = code;
    re->ncap = ncap;
    re->names = t.names;
    re->has_named = t.has_named;
    re->global = fl_g;
    if (ncap != t.ncap) { /* cannot happen: the translation adds no capturing group */
        free_names(t.names, t.ncap);
        re->names = NULL;
        re->has_named = 0;
    }
    return re;
}

void rg_jsre_free(rg_jsre_t *re)
{
    if (re == NULL)
        return;
    pcre2_code_free(re->code);
    free_names(re->names, re->ncap);
    free(re);
}

uint32_t rg_jsre_ncap(const rg_jsre_t *re) { return re->ncap; }
int rg_jsre_has_named(const rg_jsre_t *re) { return re->has_named; }
int rg_jsre_global(const rg_jsre_t *re) { return re->global; }
const char *rg_jsre_group_name(const rg_jsre_t *re, uint32_t i)
{
    return re->names && i >= 1 && i <= re->ncap ? re->names[i] : NULL;
}

/* per-thread match state */
typedef struct {
    pcre2_match_context *mctx;
    pcre2_jit_stack *jstack;
    pcre2_match_data *md;
} tcache_t;

static pthread_key_t tc_key;
static pthread_once_t tc_once = PTHREAD_ONCE_INIT;
static int tc_key_ok;

static void tc_free(void *p)
{
    tcache_t *tc = p;
    if (tc == NULL)
        return;
    pcre2_match_context_free(tc->mctx);
    pcre2_jit_stack_free(tc->jstack);
    pcre2_match_data_free(tc->md);
    free(tc);
}

static void tc_key_init(void) { tc_key_ok = pthread_key_create(&tc_key, tc_free) == 0; }

static tcache_t *tc_get(void)
{
    pthread_once(&tc_once, tc_key_init);
    if (!tc_key_ok)
        return NULL;
    tcache_t *tc = pthread_getspecific(tc_key);
    if (tc)
        return tc;
    tc = calloc(1, sizeof(*tc));
    if (tc == NULL)
        return NULL;
    tc->mctx = pcre2_match_context_create(NULL);
    tc->md = pcre2_match_data_create(RG_REGEX_TC_PAIRS, NULL);
    if (tc->mctx == NULL || tc->md == NULL || pthread_setspecific(tc_key, tc) != 0) {
        tc_free(tc);
        return NULL;
    }
    pcre2_set_match_limit(tc->mctx, RG_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(tc->mctx, RG_REGEX_DEPTH_LIMIT);
    pcre2_set_heap_limit(tc->mctx, RG_REGEX_HEAP_LIMIT_KIB);
    tc->jstack = pcre2_jit_stack_create(32 * 1024, RG_REGEX_JIT_STACK_MAX, NULL);
    if (tc->jstack)
        pcre2_jit_stack_assign(tc->mctx, NULL, tc->jstack);
    return tc;
}

void rg_jsre_budget_start(rg_jsre_budget_t *b)
{
    memset(b, 0, sizeof(*b));
    clock_gettime(CLOCK_MONOTONIC, &b->deadline);
    b->deadline.tv_nsec += (long)RG_REGEX_BUDGET_MS * 1000000L;
    b->deadline.tv_sec += b->deadline.tv_nsec / 1000000000L;
    b->deadline.tv_nsec %= 1000000000L;
}

static int budget_callout(pcre2_callout_block *cb, void *data)
{
    (void)cb;
    rg_jsre_budget_t *b = data;
    if (b == NULL || (++b->calls & 63) != 0)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > b->deadline.tv_sec || (now.tv_sec == b->deadline.tv_sec && now.tv_nsec >= b->deadline.tv_nsec)) {
        b->expired = 1;
        return PCRE2_ERROR_CALLOUT;
    }
    return 0;
}

int rg_jsre_exec(const rg_jsre_t *re, const char *s, size_t len, size_t start, int checked, rg_jsre_budget_t *b,
                 size_t *ov, char *err, size_t errsz)
{
    tcache_t *tc = tc_get();
    if (tc == NULL) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    pcre2_match_data *md = tc->md;
    if (re->ncap + 1 > RG_REGEX_TC_PAIRS) {
        md = pcre2_match_data_create_from_pattern(re->code, NULL);
        if (md == NULL) {
            snprintf(err, errsz, "out of memory");
            return -1;
        }
    }
    pcre2_set_callout(tc->mctx, budget_callout, b);
    uint32_t opts = checked ? PCRE2_NO_UTF_CHECK : 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts, md, tc->mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* deep recursion: the interpreter keeps its frames on the heap */
        rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts | PCRE2_NO_JIT, md, tc->mctx);
    int ret;
    if (rc >= 0) {
        PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
        for (uint32_t k = 0; k < 2 * (re->ncap + 1); k++)
            ov[k] = v[k];
        ret = 1;
    } else if (rc == PCRE2_ERROR_NOMATCH) {
        ret = 0;
    } else {
        ret = -1;
        if (rc == PCRE2_ERROR_CALLOUT && b && b->expired)
            snprintf(err, errsz, "Regex evaluation exceeded its time budget of %d ms", RG_REGEX_BUDGET_MS);
        else if (rc == PCRE2_ERROR_MATCHLIMIT)
            snprintf(err, errsz, "Regex match limit exceeded (catastrophic backtracking)");
        else if (rc == PCRE2_ERROR_DEPTHLIMIT)
            snprintf(err, errsz, "Regex backtracking depth limit exceeded");
        else if (rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY)
            snprintf(err, errsz, "Regex backtracking memory limit exceeded");
        else {
            PCRE2_UCHAR msg[160];
            if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
                snprintf((char *)msg, sizeof(msg), "error %d", rc);
            snprintf(err, errsz, "Regex match failed: %s", (char *)msg);
        }
    }
    if (md != tc->md)
        pcre2_match_data_free(md);
    return ret;
}

int rg_jsre_partial(const rg_jsre_t *re, const char *s, size_t len, size_t start, int checked, rg_jsre_budget_t *b,
                    size_t *from)
{
    tcache_t *tc = tc_get();
    if (tc == NULL)
        return -1;
    /* the ovector's first pair is all this reads: the per-thread match data serves whatever the groups */
    pcre2_set_callout(tc->mctx, budget_callout, b);
    uint32_t opts = PCRE2_PARTIAL_HARD | (checked ? PCRE2_NO_UTF_CHECK : 0);
    while (start <= len) {
        int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts, tc->md, tc->mctx);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
            rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts | PCRE2_NO_JIT, tc->md, tc->mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            return 0;
        PCRE2_SIZE *v = pcre2_get_ovector_pointer(tc->md);
        if (rc == PCRE2_ERROR_PARTIAL) {
            uint32_t behind = 0; /* in characters: up to four bytes each */
            pcre2_pattern_info(re->code, PCRE2_INFO_MAXLOOKBEHIND, &behind);
            *from = v[0] > 4 * (size_t)behind ? v[0] - 4 * (size_t)behind : 0;
            return 1;
        }
        if (rc < 0)
            return -1;
        /* a complete match that cannot grow: look after it (past one character when it is empty) */
        size_t next = v[1];
        if (v[1] == v[0]) {
            next++;
            while (next < len && ((unsigned char)s[next] & 0xc0) == 0x80)
                next++;
        }
        start = next;
    }
    return 0;
}
