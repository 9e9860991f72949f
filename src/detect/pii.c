/*
 * pii.c — railgate.pii's detector: one Vectorscan pass finds candidates,
 * exact validation decides (pii_validate.c), weak shapes need a context
 * word (context.c).
 *
 *   EMAIL             local@domain.tld: the scan finds "x@y", the address is grown around the '@'
 *   PHONE             +CC international and NANP shapes on their own; other digit groups (7-15 digits)
 *                     only after a word such as "phone", "call", "mobile", "fax" or before "office", "fax"
 *   CREDIT_CARD       12-19 digits, known issuer prefix and length, Luhn
 *   US_SSN            ddd-dd-dddd / ddd dd dddd with valid area, group, serial; nine bare digits only
 *                     after "SSN" or "social security"
 *   IBAN              country length and mod-97
 *   IP_ADDRESS        IPv4 (not inside a longer dotted run, not after "version"/"v"), IPv6 (inet_pton)
 *   URL               scheme://… up to white space, trailing punctuation trimmed
 *   DOMAIN            host names under common TLDs, or starting with www.
 *   DATE_OF_BIRTH     a valid calendar date within 40 bytes after "born", "birth", "DOB", "birthday"
 *   US_DRIVER_LICENSE a 5-16 character token with 4+ digits after "driver's license", "DL #", "license no"
 *   PERSON, STREET_ADDRESS   see pii_names.c
 */
#include "detect/pii.h"

#include "detect/context.h"
#include "detect/fold.h"
#include "detect/pii_numbers.h"
#include "detect/hs.h"
#include "detect/pii_names.h"
#include "detect/pii_validate.h"
#include "guard/js_value.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const pii_types[] = {
    "EMAIL", "PHONE",         "CREDIT_CARD",       "US_SSN", "IBAN",           "IP_ADDRESS", "URL",
    "DOMAIN", "DATE_OF_BIRTH", "US_DRIVER_LICENSE", "PERSON", "STREET_ADDRESS", NULL,
};

#define BIT(t) ((uint64_t)1 << (t))
/* Found by pii_numbers.c from digit groups, not by patterns. */
#define NUMERIC_TYPES                                                                                      \
    (BIT(RG_PII_PHONE) | BIT(RG_PII_CREDIT_CARD) | BIT(RG_PII_US_SSN) | BIT(RG_PII_IBAN) | BIT(RG_PII_IP_ADDRESS) | \
     BIT(RG_PII_DATE_OF_BIRTH) | BIT(RG_PII_US_DRIVER_LICENSE))

/* Pattern ids: pii_names.c's own, from this base. */
#define P_NAMES_BASE 100

/* Common TLDs (plus every two-letter country code when the host starts with www.). File extensions that
 * are also country codes (.py, .sh, .rs, .md, .pl, ...) are left out of the bare-host list on purpose. */
static const char *const tlds[] = {
    "com", "org", "net", "edu", "gov", "mil", "int", "io", "ai", "co", "app", "dev", "info", "biz", "me", "tv", "us",
    "uk",  "de",  "fr",  "it",  "es",  "nl",  "ru",  "cn", "jp", "br", "au",  "ca",  "ch",   "se",  "no", "dk", "fi",
    "be",  "at",  "cz",  "gr",  "hu",  "ro",  "ie",  "nz", "za", "mx", "ar",  "cl",  "kr",   "tw",  "hk", "sg", "eu",
    "cloud", "online", "site", "tech", "shop", "store", "xyz", NULL,
};
#define TLD_MAX 6 /* the longest in tlds[] */

/* Priority on equal-length overlaps: the more specific type wins. */
static const unsigned char prio[RG_PII_NTYPES] = {
    [RG_PII_US_SSN] = 9, [RG_PII_CREDIT_CARD] = 8, [RG_PII_IBAN] = 8, [RG_PII_EMAIL] = 8, [RG_PII_URL] = 7,
    [RG_PII_IP_ADDRESS] = 6, [RG_PII_DATE_OF_BIRTH] = 5, [RG_PII_US_DRIVER_LICENSE] = 5, [RG_PII_PHONE] = 4,
    [RG_PII_DOMAIN] = 3, [RG_PII_STREET_ADDRESS] = 2, [RG_PII_PERSON] = 1,
};

typedef struct {
    rg_hs_db_t *db; /* the anchored shapes and cue words; NULL when none is wanted */
    uint64_t types;
    rg_pii_names_t *names; /* PERSON / STREET_ADDRESS support, or NULL */
} pii_t;

static void pii_free(void *p)
{
    pii_t *d = p;
    if (d == NULL)
        return;
    rg_hs_free(d->db);
    rg_pii_names_free(d->names);
    free(d);
}

static void *pii_compile(uint64_t types, json_t *params, char *err, size_t errsz)
{
    (void)params;
    pii_t *d = calloc(1, sizeof(*d));
    rg_hs_pattern_t pats[RG_PII_NAMES_MAX_PATTERNS];
    size_t n = 0;
    if (d == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    d->types = types;
    if (types & (BIT(RG_PII_PERSON) | BIT(RG_PII_STREET_ADDRESS))) {
        d->names = rg_pii_names_new(!!(types & BIT(RG_PII_PERSON)), !!(types & BIT(RG_PII_STREET_ADDRESS)), err, errsz);
        if (d->names == NULL) {
            pii_free(d);
            return NULL;
        }
        n += rg_pii_names_patterns(d->names, pats + n, P_NAMES_BASE);
    }
    /* PERSON / STREET_ADDRESS make a set that takes ~2 s to compile; request-supplied hooks may name them, so
     * it goes through the on-disk cache (one file per combination of types: a handful) */
    if (n > 0 && (d->db = rg_hs_compile_cached(pats, n, err, errsz)) == NULL) {
        pii_free(d);
        return NULL;
    }
    return d;
}

/* ---- candidate handling ---------------------------------------------------- */

typedef struct {
    const pii_t *d;
    const char *s;
    size_t len;
    rg_entities_t *out;
    int oom;
    size_t email_end, url_end, host_end; /* grown spans already taken (hits inside are repeats) */
} scan_t;

/* Byte classes, one table load each: host labels and the local part are walked a byte at a time. */
enum { C_ALNUM = 1, C_LABEL = 2 /* alnum or '-' */, C_LOCAL = 4 /* alnum or one of "._%+-" */ };
static const unsigned char cls[256] = {
    ['0' ... '9'] = C_ALNUM | C_LABEL | C_LOCAL, ['A' ... 'Z'] = C_ALNUM | C_LABEL | C_LOCAL,
    ['a' ... 'z'] = C_ALNUM | C_LABEL | C_LOCAL, ['-'] = C_LABEL | C_LOCAL,
    ['.'] = C_LOCAL, ['_'] = C_LOCAL, ['%'] = C_LOCAL, ['+'] = C_LOCAL,
};

static int is_alnum(unsigned char c) { return cls[c] & C_ALNUM; }

static void add(scan_t *c, size_t from, size_t to, int type)
{
    if (rg_entities_add(c->out, from, to, (unsigned)type, prio[type]) != 0)
        c->oom = 1;
}

/* A letter written in UTF-8 that addresses may hold (internationalised local parts and host names: "josé",
 * "müller", "иван", "中文"): Latin-1 and Latin Extended A/B letters (U+00C0-U+024F but × and ÷), Greek and
 * Cyrillic (U+0370-U+052F), CJK ideographs (U+4E00-U+9FFF). Not punctuation, quotes or spaces (“ ” … NBSP). */
static int utf8_letter(uint32_t cp)
{
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F) ||
           (cp >= 0x4E00 && cp <= 0x9FFF);
}

/* The length of such a letter at s[i] (2 or 3 bytes), or 0. */
static size_t letter_at(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    size_t w = rg_js_utf8_next(s, len, i, &cp);
    return w > 1 && utf8_letter(cp) ? w : 0;
}

/* The length of such a letter ending at s[i - 1], or 0. */
static size_t letter_before(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t k = rg_utf8_prev(s, i);
    return letter_at(s, i, k) == i - k ? i - k : 0;
}

/* Host name labels ([A-Za-z0-9-] and letters of other scripts) joined by dots, from `from`; returns the end
 * (last dot excluded). */
static size_t host_end(const char *s, size_t len, size_t from)
{
    size_t i = from, end = from, u;
    while (i < len && i - from < 253) {
        size_t l0 = i;
        while (i < len && i - l0 < 63) {
            if (cls[(unsigned char)s[i]] & C_LABEL)
                i++;
            else if ((unsigned char)s[i] >= 0xC3 && (u = letter_at(s, len, i)) != 0)
                i += u;
            else
                break;
        }
        if (i == l0)
            break;
        end = i;
        if (i + 1 < len && s[i] == '.' && (is_alnum((unsigned char)s[i + 1]) || letter_at(s, len, i + 1)))
            i++;
        else
            break;
    }
    return end;
}


/* The last label of host [a, b) is alphabetic, 2-24 letters (ASCII, or 2-24 bytes of other scripts' letters:
 * ".рф"), after a dot (a host of one label is refused). */
static int tld_ok(const char *s, size_t a, size_t b)
{
    size_t i = b, u;
    while (i > a && s[i - 1] != '.')
        i--;
    if (i == a || b - i < 2 || b - i > 24)
        return 0;
    for (size_t k = i; k < b; k++)
        if (!((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z')) {
            if ((u = letter_at(s, b, k)) == 0)
                return 0;
            k += u - 1;
        }
    return 1;
}

static void on_email(scan_t *c, size_t at)
{
    if (at < c->email_end)
        return;
    const char *s = c->s;
    size_t a = at, u;
    /* the local part: ASCII "._%+-" and alphanumerics, letters of other scripts ("josé"), an apostrophe
     * between letters ("o'brien") */
    while (a > 0 && at - a < 64) {
        if (cls[(unsigned char)s[a - 1]] & C_LOCAL)
            a--;
        else if ((unsigned char)s[a - 1] >= 0x80 && (u = letter_before(s, a)) != 0)
            a -= u;
        else if (s[a - 1] == '\'' && a < at && a >= 2 && is_alnum((unsigned char)s[a - 2]) && is_alnum((unsigned char)s[a]))
            a--;
        else
            break;
    }
    while (a < at && s[a] == '.')
        a++;
    size_t b = host_end(s, c->len, at + 1);
    while (b > at + 1 && s[b - 1] == '-')
        b--; /* no label ends with '-': "a@example.com-" */
    int tld = tld_ok(s, at + 1, b); /* the host has a dot and a TLD */
    if (!tld) { /* "a@example.com--thanks": the last label up to its '-' */
        size_t l = b;
        while (l > at + 1 && s[l - 1] != '.')
            l--;
        const char *dash = memchr(s + l, '-', b - l);
        if (dash != NULL) {
            b = (size_t)(dash - s);
            tld = tld_ok(s, at + 1, b);
        }
    }
    if (a == at || !tld)
        return;
    if (at - a == 3 && memcmp(s + a, "git", 3) == 0 && b < c->len && s[b] == ':')
        return; /* git@github.com:owner/repo.git is a repository's address, no one's mail */
    c->email_end = b;
    add(c, a, b, RG_PII_EMAIL);
}

static int at_sign(void *ctx, size_t at)
{
    scan_t *c = ctx;
    on_email(c, at);
    return c->oom;
}

static int scheme_ok(const char *s, size_t n)
{
    static const char *const schemes[] = {"http", "https", "ftp", "ftps", "ws", "wss", NULL};
    for (size_t i = 0; schemes[i]; i++)
        if (strlen(schemes[i]) == n && strncasecmp(s, schemes[i], n) == 0)
            return 1;
    return 0;
}

static void on_url(scan_t *c, size_t sep)
{
    const char *s = c->s;
    if (sep < c->url_end)
        return;
    size_t a = sep;
    while (a > 0 && sep - a < 5 && ((s[a - 1] | 0x20) >= 'a' && (s[a - 1] | 0x20) <= 'z'))
        a--;
    if (!scheme_ok(s + a, sep - a) || (a > 0 && is_alnum((unsigned char)s[a - 1])))
        return;
    size_t b = sep + 3;
    int parens = 0;
    while (b < c->len && b - a < 2048) {
        unsigned char ch = (unsigned char)s[b];
        if (ch <= ' ' || ch == '"' || ch == '<' || ch == '>' || ch == '`' || ch == '\'' || ch == '{' || ch == '}' ||
            ch == '|' || ch == '\\' || ch == '^')
            break;
        parens += ch == '(';
        if (ch == ')' && --parens < 0)
            break;
        b++;
    }
    while (b > sep + 3 && strchr(".,;:!?]", s[b - 1]) != NULL)
        b--;
    if (b <= sep + 3)
        return;
    c->url_end = b;
    add(c, a, b, RG_PII_URL);
}

static void on_host(scan_t *c, size_t hit_end, int www)
{
    const char *s = c->s;
    size_t a = www ? hit_end - 5 : hit_end; /* "www.x" */
    if (!www) { /* "x.tld": grow left over labels */
        if (hit_end <= c->host_end)
            return; /* inside the host taken last */
        /* at most a host name's 253 bytes: unbounded, every hit in a long run of labels ("x.co.x.co.…") would
         * walk back over the whole run, quadratic in the text */
        while (a > 0 && hit_end - a <= 253 && (is_alnum((unsigned char)s[a - 1]) || s[a - 1] == '-' || s[a - 1] == '.'))
            a--;
        if (hit_end - a > 253)
            return; /* longer than a host name can be */
        while (a < hit_end && !is_alnum((unsigned char)s[a]))
            a++;
    }
    if (a < c->host_end || (a > 0 && (s[a - 1] == '@' || s[a - 1] == '/')))
        return; /* part of an email or a URL (those spans win anyway) */
    size_t b = host_end(s, c->len, a);
    if (b <= a || !tld_ok(s, a, b)) /* tld_ok: the host has a dot */
        return;
    c->host_end = b;
    add(c, a, b, RG_PII_DOMAIN);
}

/* Word characters as Vectorscan's \b sees them without UCP: ASCII letters, digits, '_'. */
static int is_word(unsigned char ch) { return is_alnum(ch) || ch == '_'; }

/* The n bytes at p are one of tlds[], any case. */
static int is_tld(const char *p, size_t n)
{
    char low[TLD_MAX];
    if (n < 2 || n > TLD_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(p[i] | 0x20); /* a non-letter cannot lower into a TLD's letters: digits and '_' stay off */
    for (size_t i = 0; tlds[i] != NULL; i++)
        if (strlen(tlds[i]) == n && memcmp(tlds[i], low, n) == 0)
            return 1;
    return 0;
}

/* DOMAIN's two shapes, found around each '.' in one pass, in the order of their ends (the order on_host's
 * host_end needs):
 *   "www." (any case) after a word boundary, then an ASCII letter or digit: the host starts at the "www."
 *   an ASCII letter or digit, '.', then a whole word (ASCII letters, digits, '_') that is one of tlds[]: the
 *   host grows left from the TLD's end.
 * These were two caseless Vectorscan patterns (\bwww\.[A-Za-z0-9] and [A-Za-z0-9]\.(?:TLDS)\b); Vectorscan
 * 5.4.9 missed the second's matches in the last 31 bytes of a text depending on the text's address (see
 * docs/internals/detect-pii.md), so DOMAIN needs no pattern engine now: the same matches, a memchr pass. */
static void find_hosts(scan_t *c)
{
    const char *s = c->s;
    size_t len = c->len;
    for (const char *p = memchr(s, '.', len); p != NULL && !c->oom;
         p = memchr(p + 1, '.', len - (size_t)(p + 1 - s))) {
        size_t i = (size_t)(p - s);
        /* both shapes have an ASCII letter or digit on either side of the dot */
        if (i == 0 || i + 1 >= len || !is_alnum((unsigned char)s[i - 1]) || !is_alnum((unsigned char)s[i + 1]))
            continue;
        if (i >= 3 && (s[i - 3] | 0x20) == 'w' && (s[i - 2] | 0x20) == 'w' && (s[i - 1] | 0x20) == 'w' &&
            (i == 3 || !is_word((unsigned char)s[i - 4])))
            on_host(c, i + 2, 1);
        size_t j = i + 1;
        while (j < len && j - i <= TLD_MAX && is_word((unsigned char)s[j]))
            j++;
        if ((j == len || !is_word((unsigned char)s[j])) && is_tld(s + i + 1, j - i - 1))
            on_host(c, j, 0);
    }
}

static int on_match(unsigned id, size_t from, size_t to, void *ctx)
{
    scan_t *c = ctx;
    if (id >= P_NAMES_BASE && c->d->names != NULL &&
        rg_pii_names_hit(c->d->names, id - P_NAMES_BASE, c->s, c->len, from, to, c->out) != 0)
        c->oom = 1;
    return c->oom; /* stop on out of memory */
}

static int pii_find(const void *det, const char *s, size_t len, rg_entities_t *out)
{
    const pii_t *d = det;
    scan_t c = {.d = d, .s = s, .len = len, .out = out};
    if (len == 0)
        return 0;
    /* "://" is found with memmem (one literal does not need a pattern engine); '@' in the numbers' pass, below */
    if (d->types & BIT(RG_PII_URL))
        for (const char *p = memmem(s, len, "://", 3); p != NULL; p = memmem(p + 3, len - (size_t)(p + 3 - s), "://", 3))
            on_url(&c, (size_t)(p - s));
    if (d->types & BIT(RG_PII_DOMAIN))
        find_hosts(&c);
    if (c.oom || (d->db != NULL && (rg_hs_scan(d->db, s, len, on_match, &c) < 0 || c.oom)))
        return -1;
    int email = (d->types & BIT(RG_PII_EMAIL)) != 0;
    if (((d->types & NUMERIC_TYPES) || email) &&
        rg_pii_numbers(s, len, d->types & NUMERIC_TYPES, prio, out, email ? at_sign : NULL, &c) != 0)
        return -1;
    if (d->names != NULL && rg_pii_names_finish(d->names, s, len, out) != 0)
        return -1;
    return 0;
}

const rg_detector_ops_t rg_detector_pii = {
    .name = "pii",
    .types = pii_types,
    .default_types = BIT(RG_PII_EMAIL) | BIT(RG_PII_PHONE) | BIT(RG_PII_CREDIT_CARD) | BIT(RG_PII_US_SSN) |
                     BIT(RG_PII_IBAN) | BIT(RG_PII_IP_ADDRESS) | BIT(RG_PII_DATE_OF_BIRTH) |
                     BIT(RG_PII_US_DRIVER_LICENSE),
    .compile = pii_compile,
    .find = pii_find,
    .free = pii_free,
    .param_keys = NULL,
    /* the same e-mail address, phone or card number however it is written: one placeholder number */
    .same = {[RG_PII_EMAIL] = RG_SAME_CASELESS,
             [RG_PII_PHONE] = RG_SAME_DIGITS,
             [RG_PII_CREDIT_CARD] = RG_SAME_DIGITS,
             [RG_PII_US_SSN] = RG_SAME_DIGITS,
             [RG_PII_IBAN] = RG_SAME_CASELESS | RG_SAME_ALNUM,
             [RG_PII_IP_ADDRESS] = RG_SAME_CASELESS,
             [RG_PII_DOMAIN] = RG_SAME_CASELESS,
             [RG_PII_US_DRIVER_LICENSE] = RG_SAME_CASELESS | RG_SAME_ALNUM,
             [RG_PII_PERSON] = RG_SAME_CASELESS,
             [RG_PII_STREET_ADDRESS] = RG_SAME_CASELESS},
};
