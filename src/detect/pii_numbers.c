/* pii_numbers.c — cards, SSNs, IPv4, phones and IBANs from digit groups (see pii_numbers.h). */
#include "detect/pii_numbers.h"

#include "detect/context.h"
#include "detect/digits.h"
#include "detect/pii.h"
#include "detect/pii_validate.h"

#include <pthread.h>
#include <string.h>

#define MAX_GROUPS 16 /* a cluster has at most this many digit groups; more start a new cluster */
#define MAX_SEP 3     /* separator bytes between two groups of one cluster */
#define MAX_SPAN 8    /* groups in one candidate */

typedef struct {
    uint32_t a, b; /* the digits [a, b) */
    char sep[MAX_SEP + 1]; /* what is between the previous group and this one ("" for the first) */
    unsigned char seplen;  /* strlen(sep) */
    int ext; /* an extension (after x / ext) that ends a phone number */
    unsigned char psep; /* sep is a phone separator (phone_sep) */
} group_t;

typedef struct {
    const char *s;
    size_t len;
    uint64_t types;
    const unsigned char *prio;
    rg_entities_t *out;
    int oom;
} num_t;

#define WANT(n, t) ((n)->types & ((uint64_t)1 << (t)))

/* Byte classes, one table load each (the walks around every digit run test several per byte). */
enum { C_DIGIT = 1, C_ALPHA = 2, C_UPPER = 4, C_HEX = 8, C_V6 = 16 /* hex, ':' or '.' */, C_LOWER = 32 };
static const unsigned char cls[256] = {
    ['0' ... '9'] = C_DIGIT | C_HEX | C_V6,
    ['A' ... 'F'] = C_ALPHA | C_UPPER | C_HEX | C_V6,
    ['G' ... 'Z'] = C_ALPHA | C_UPPER,
    ['a' ... 'f'] = C_ALPHA | C_LOWER | C_HEX | C_V6,
    ['g' ... 'z'] = C_ALPHA | C_LOWER,
    [':'] = C_V6,
    ['.'] = C_V6,
};

static int is_digit(unsigned char c) { return cls[c] & C_DIGIT; }
static int is_alnum(unsigned char c) { return cls[c] & (C_DIGIT | C_ALPHA); }
static int is_upper(unsigned char c) { return cls[c] & C_UPPER; }
static int is_lower(unsigned char c) { return cls[c] & C_LOWER; }
static int is_hex(unsigned char c) { return cls[c] & C_HEX; }

static void add(num_t *n, size_t a, size_t b, int type)
{
    if (rg_entities_add(n->out, a, b, (unsigned)type, n->prio[type]) != 0)
        n->oom = 1;
}

/* Whole words (context.h): "tel" is not in "telemetry", "call" not in "called", "work" not in "workflow"; a
 * trailing '*' lets a word run on into compounds ("birth*": birthday, birthdate; "geburt*": Geburtsdatum). */
static const char *const phone_before[] = {"phone", "phones", "telephone", "tel", "call", "mobile", "cell",
                                           "cellphone", "fax", "desk", "whatsapp", "sms", "text me", "reach me",
                                           "answering at", "dial", "ring me", "landline", "hotline", "telefon*",
                                           "téléphone", "handy*", NULL};
static const char *const phone_after[] = {"office", "fax", "mobile", "cell", "home", "work", "desk", NULL};
static const char *const ssn_words[] = {"ssn", "social security", "ss#", NULL};
static const char *const version_words[] = {"version*", "ver.", "release", "build", NULL};
static const char *const birth_words[] = {"born", "birth*", "dob", "d.o.b", "b-day", "geboren", "geburt*", "geb.",
                                          "née", "né", "naissance", "nacimiento", "nacido", "nacida", "nascita",
                                          "nato il", "nata il", "nascimento", "geboorte*", "født", "född", NULL};
static const char *const license_words[] = {"driver's license", "drivers license", "driver license",
                                            "driverlicense", "driver_license", "driver's licence",
                                            "driving licence", "dl", "license no", "license number",
                                            "license #", "licence no", "licence number", NULL};

#define WORDS_FIT(l) _Static_assert(sizeof(l) / sizeof(l[0]) - 1 <= RG_CONTEXT_WORDS_MAX, #l " is too long")
WORDS_FIT(phone_before);
WORDS_FIT(phone_after);
WORDS_FIT(ssn_words);
WORDS_FIT(version_words);
WORDS_FIT(birth_words);
WORDS_FIT(license_words);

/* The lists made ready for rg_context_*, once per process. */
static rg_context_words_t cw_phone_before, cw_phone_after, cw_ssn, cw_version, cw_birth, cw_license;
static pthread_once_t cw_once = PTHREAD_ONCE_INIT;

static void cw_init(void)
{
    rg_context_words_init(&cw_phone_before, phone_before);
    rg_context_words_init(&cw_phone_after, phone_after);
    rg_context_words_init(&cw_ssn, ssn_words);
    rg_context_words_init(&cw_version, version_words);
    rg_context_words_init(&cw_birth, birth_words);
    rg_context_words_init(&cw_license, license_words);
}

static int is_letter(unsigned char c) { return cls[c] & C_ALPHA; }

static int date_gap(char c) { return c == '.' || c == ',' || c == ' ' || c == '\t'; }

/* Can a date go on after the l (1-4) digits ending at j < len, as rg_pii_date_at reads one? "12/03/…" (1-2 digits
 * and the same separator next) or, after 1-2 digits, a month name: at j ("12th March", "12March") or after up to
 * four of ". ,\t" ("12 March"). Exactly rg_pii_date_at's first tests, made without the call. */
static int date_may_follow(const char *s, size_t len, size_t j, size_t l)
{
    char c = s[j];
    if (c == '.' || c == '/' || c == '-') {
        size_t m = j + 1;
        while (m < len && m - j <= 3 && is_digit((unsigned char)s[m]))
            m++;
        return m - j >= 2 && m - j <= 3 && m < len && s[m] == c;
    }
    if (l > 2)
        return 0;
    if (is_letter((unsigned char)c))
        return 1;
    size_t k = j;
    while (k < len && k - j < 4 && date_gap(s[k]))
        k++;
    return k < len && is_letter((unsigned char)s[k]);
}

/* After the day of "March 12th, 1985" (j: past its digits), what rg_pii_date_at reads there: an ordinal (two
 * letters), up to four of ". ,\t", then a year of exactly four digits. */
static int year_follows(const char *s, size_t len, size_t j)
{
    if (j + 1 < len && is_letter((unsigned char)s[j]) && is_letter((unsigned char)s[j + 1]) &&
        (j + 2 >= len || !is_letter((unsigned char)s[j + 2])))
        j += 2;
    size_t k = j;
    while (k < len && k - j < 4 && date_gap(s[k]))
        k++;
    size_t y = k;
    while (y < len && y - k < 5 && is_digit((unsigned char)s[y]))
        y++;
    return y - k == 4;
}

/* A date of birth through the digit group at a (l digits from a): a valid date starting there or at the month name
 * just before it ("March 12, 1985"), after a birth word. rg_pii_date_at's first tests are made here from l first:
 * a date through a month name before wants 1-2 digits at a ("March 12"), one starting at a wants 1-4 digits then
 * '.', '/' or '-' ("12/03/1985"), or 1-2 digits then a month after a gap or an ordinal ("12 March 1985",
 * "12th March"); most numbers in prose are none. */
static void birth_date(num_t *n, size_t a, size_t l)
{
    const char *s = n->s;
    size_t start = a, end;
    int dated = 0;
    if (l <= 2 && a >= 2 && s[a - 1] == ' ' && year_follows(s, n->len, a + l)) { /* a month name before the day */
        size_t w = a - 1;
        while (w > 0 && a - w < 12 && (is_letter((unsigned char)s[w - 1]) || s[w - 1] == '.' || s[w - 1] == ','))
            w--;
        if (w < a - 1 && is_letter((unsigned char)s[w]) && rg_pii_date_at(s, n->len, w, &end)) {
            start = w;
            dated = 1;
        }
    }
    if (dated) {
        if ((end == n->len || !is_alnum((unsigned char)s[end])) && rg_context_before(s, start, 40, &cw_birth))
            add(n, start, end, RG_PII_DATE_OF_BIRTH);
        return;
    }
    if (a > 0 && is_alnum((unsigned char)s[a - 1]))
        return;
    if (l > 4 || a + l >= n->len || !date_may_follow(s, n->len, a + l, l))
        return;
    /* the birth word first: most dates in prose have none, and the date parse costs more than the look */
    if (rg_context_before(s, a, 40, &cw_birth) && rg_pii_date_at(s, n->len, a, &end) &&
        (end == n->len || !is_alnum((unsigned char)s[end])))
        add(n, a, end, RG_PII_DATE_OF_BIRTH);
}

/* A driver's license number: the token (5-16 letters, digits and '-', 4+ digits, not a date) holding the digit
 * at a, within 32 bytes after "driver's license", "DL", "license no". */
static int token_byte(char c) { return is_alnum((unsigned char)c) || c == '-'; }

static size_t license(num_t *n, size_t a, size_t l)
{
    const char *s = n->s;
    size_t t0 = a, t1, digits;
    if (!(a > 0 && token_byte(s[a - 1])) && !(a + l < n->len && token_byte(s[a + l])) && (l < 5 || l > 16))
        return a; /* the token is the l digits alone, too short or too long */
    while (t0 > 0 && a - t0 < 16 && (is_alnum((unsigned char)s[t0 - 1]) || s[t0 - 1] == '-'))
        t0--;
    t1 = a + l < t0 + 17 ? a + l : t0 + 17; /* the l digits from a, as far as the walk below would take them */
    digits = t1 - a;
    while (t1 < n->len && t1 - t0 <= 16 && (is_alnum((unsigned char)s[t1]) || s[t1] == '-'))
        digits += is_digit((unsigned char)s[t1++]);
    size_t de;
    if (digits >= 4 && t1 - t0 >= 5 && t1 - t0 <= 16 && rg_context_before(s, t0, 32, &cw_license) &&
        !(rg_pii_date_at(s, n->len, t0, &de) && de == t1)) { /* a date: "license no longer valid since 2024-01-15" */
        add(n, t0, t1, RG_PII_US_DRIVER_LICENSE);
        return t1;
    }
    return a;
}

/* An extension after a number: "x123", " x 123", "ext. 123", " ext123". The digits' start, or 0. */
static size_t extension_at(const char *s, size_t len, size_t i)
{
    size_t k = i;
    if (k < len && s[k] == ' ')
        k++;
    if (k < len && (s[k] == 'x' || s[k] == 'X'))
        k++;
    else if (k + 3 <= len && (s[k] | 0x20) == 'e' && (s[k + 1] | 0x20) == 'x' && (s[k + 2] | 0x20) == 't')
        k += 3 + (k + 3 < len && s[k + 3] == '.');
    else
        return 0;
    if (k < len && s[k] == ' ')
        k++;
    return k < len && is_digit((unsigned char)s[k]) ? k : 0;
}

/* a separator between digit groups: one of " -.()/" (a switch: strchr was 1.3% of the pack's time) */
static int group_sep(char c)
{
    switch (c) {
    case ' ': case '-': case '.': case '(': case ')': case '/': return 1;
    default: return 0;
    }
}

/* A separator written in UTF-8 that word processors and French typography put between digit groups: a no-break
 * space (U+00A0), a narrow no-break or thin space (U+202F, U+2009), read as ' '; an en dash or a hyphen (U+2013,
 * U+2010), read as '-'. Its length in bytes (*c set to the ASCII kin), or 0. */
static size_t wide_sep(const char *s, size_t len, size_t q, char *c)
{
    const unsigned char *u = (const unsigned char *)s + q;
    if (u[0] == 0xC2 && q + 1 < len && u[1] == 0xA0) {
        *c = ' ';
        return 2;
    }
    if (u[0] != 0xE2 || q + 2 >= len || u[1] != 0x80)
        return 0;
    *c = u[2] == 0xAF || u[2] == 0x89 ? ' ' : u[2] == 0x93 || u[2] == 0x90 ? '-' : '\0';
    return *c ? 3 : 0;
}

/* A phone separator: up to three of " .-()" with at most one space each side of a parenthesis. */
static int phone_sep(const char *sep)
{
    for (const char *p = sep; *p; p++)
        if (!group_sep(*p) || *p == '/')
            return 0;
    return 1;
}

/* Reads the cluster of digit groups starting at digit i. Returns the number of groups; *nd: their digits, an
 * extension's left out. */
static size_t read_cluster(const char *s, size_t len, size_t i, group_t *g, size_t *nd)
{
    size_t n = 0, p = i;
    *nd = 0;
    g[0].sep[0] = '\0';
    g[0].seplen = 0;
    g[0].psep = 1;
    for (;;) {
        size_t e = p;
        while (e < len && is_digit((unsigned char)s[e]))
            e++;
        g[n].a = (uint32_t)p;
        g[n].b = (uint32_t)e;
        g[n].ext = 0;
        *nd += e - p;
        n++;
        if (n == MAX_GROUPS)
            return n;
        size_t q = e, k = 0;
        char sb[MAX_SEP]; /* the separator, a wide one written as its ASCII kin */
        while (q < len && k < MAX_SEP) {
            size_t w = group_sep(s[q]);
            char c = s[q];
            if (w == 0 && (unsigned char)c >= 0xC2)
                w = wide_sep(s, len, q, &c);
            if (w == 0)
                break;
            sb[k++] = c;
            q += w;
        }
        if (k > 0 && q < len && is_digit((unsigned char)s[q])) {
            g[n].sep[0] = sb[0]; /* 1-3 (MAX_SEP), copied one by one: a loop here became a memcpy call */
            g[n].sep[1] = k > 1 ? sb[1] : '\0';
            g[n].sep[2] = k > 2 ? sb[2] : '\0';
            g[n].sep[k] = '\0';
            g[n].seplen = (unsigned char)k;
            g[n].psep = (unsigned char)phone_sep(g[n].sep);
            p = q;
            continue;
        }
        size_t x = extension_at(s, len, e);
        if (x != 0) {
            size_t xe = x;
            while (xe < len && is_digit((unsigned char)s[xe]) && xe - x < 7)
                xe++;
            if (xe - x <= 6 && (xe == len || !is_alnum((unsigned char)s[xe]))) {
                g[n].a = (uint32_t)x;
                g[n].b = (uint32_t)xe;
                g[n].ext = 1;
                g[n].sep[0] = '\0';
                g[n].seplen = 0;
                g[n].psep = 1;
                n++;
            }
        }
        return n;
    }
}

/* Every separator of groups i+1..j is one of " -." (cards: " -") and all the same. */
static int same_sep(const group_t *g, size_t i, size_t j, const char *allowed)
{
    for (size_t k = i + 1; k <= j; k++) {
        if (g[k].seplen != 1 || strchr(allowed, g[k].sep[0]) == NULL)
            return 0;
        if (k > i + 1 && g[k].sep[0] != g[i + 1].sep[0])
            return 0;
    }
    return 1;
}

/* Groups i..j of s as the validators read them: s itself when every separator is ASCII, else a copy into buf
 * (cap bytes; NULL when it does not fit) with each wide separator written as its ASCII kin ("078–05–1120" as
 * "078-05-1120"). *n: the length. */
static const char *ascii_run(const char *s, const group_t *g, size_t i, size_t j, char *buf, size_t cap, size_t *n)
{
    size_t plain = g[j].b - g[i].a, k = 0;
    for (size_t q = i; q <= j; q++)
        k += (q > i ? g[q].seplen : 0) + (g[q].b - g[q].a);
    *n = k;
    if (k == plain)
        return s + g[i].a;
    if (k > cap)
        return NULL;
    k = 0;
    for (size_t q = i; q <= j; q++) {
        if (q > i) {
            memcpy(buf + k, g[q].sep, g[q].seplen);
            k += g[q].seplen;
        }
        memcpy(buf + k, s + g[q].a, g[q].b - g[q].a);
        k += g[q].b - g[q].a;
    }
    return buf;
}

static size_t digits_in(const group_t *g, size_t i, size_t j)
{
    size_t d = 0;
    for (size_t k = i; k <= j; k++)
        d += g[k].b - g[k].a;
    return d;
}

/* How cards are printed: one run of digits, or groups of four with a shorter last one (13-19 digits),
 * or 4-6-5 / 4-6-4 (Amex, Diners), all with the same separator. "5678 9012 3456" inside
 * "1234 5678 9012 3456" is not a card. */
static int card_groups(const group_t *g, size_t i, size_t j)
{
    if (i == j)
        return 1;
    if (!same_sep(g, i, j, " -"))
        return 0;
    size_t d = digits_in(g, i, j), l0 = g[i].b - g[i].a;
    if (j - i == 2 && l0 == 4 && g[i + 1].b - g[i + 1].a == 6 && (g[j].b - g[j].a == 5 || g[j].b - g[j].a == 4))
        return 1;
    if (d < 13)
        return 0;
    for (size_t k = i; k < j; k++)
        if (g[k].b - g[k].a != 4)
            return 0;
    return g[j].b - g[j].a >= 1 && g[j].b - g[j].a <= 4;
}

/* A national number: trunk prefix 0 (not 00), 9-11 digits in separated groups ("024 971 50 30"). */
static int national(const char *s, const group_t *g, size_t i, size_t j, size_t d)
{
    return j > i && d >= 9 && d <= 11 && s[g[i].a] == '0' && g[i].b - g[i].a > 1 && s[g[i].a + 1] != '0';
}

/* Groups i..j (two or more) open with the international prefix 00 written for '+' ("0049 30 12345678", "00 44 20
 * 7946 0958"): a first group of 00 and a country code's 1-3 digits, or 00 alone and then that code; a country code
 * starts 1-9. */
static int idd_00(const char *s, const group_t *g, size_t i, size_t j)
{
    size_t a = g[i].a, l0 = g[i].b - a;
    if (j == i || l0 < 2 || l0 > 5 || s[a] != '0' || s[a + 1] != '0')
        return 0;
    if (l0 > 2)
        return s[a + 2] != '0';
    return g[i + 1].b - g[i + 1].a <= 3 && s[g[i + 1].a] != '0';
}

/* d: the digits in groups i..j */
static void phones(num_t *n, const group_t *g, size_t ng, size_t i, size_t j, size_t d, size_t start, int plus)
{
    const char *s = n->s;
    /* no shape below can hold groups i..j: E.164 wants 8-15 digits, NANP three or four groups, the others the
     * whole run from group 0 with 7-15 digits (the tests below, made before the separators are looked at) */
    if (plus ? d < 8 || d > 15 : j - i != 2 && j - i != 3 && (i != 0 || d < 7 || d > 15))
        return;
    size_t end = g[j].b;
    if (j + 1 < ng && g[j + 1].ext) /* "345-899-3560x4587" */
        end = g[j + 1].b;
    size_t last = ng;
    while (last > 0 && g[last - 1].ext)
        last--;
    /* "030/1234567": a trunk-0 area code, one '/', the subscriber's number, the whole run (a national number as
     * German and Austrian texts write it; a '/' between other groups is a date's or a fraction's) */
    if (j == i + 1 && i == 0 && j + 1 == last && g[j].seplen == 1 && g[j].sep[0] == '/' && g[i].b - g[i].a <= 5 &&
        national(s, g, i, j, d)) {
        add(n, start, end, RG_PII_PHONE);
        return;
    }
    for (size_t k = i + 1; k <= j; k++)
        if (!g[k].psep)
            return;
    /* 00 CC …: as after '+' (8-15 digits after the 00), the whole run of groups */
    if (!plus && i == 0 && j + 1 == last && d >= 10 && d <= 17 && idd_00(s, g, i, j)) {
        add(n, start, end, RG_PII_PHONE);
        return;
    }
    if (plus) { /* +CC …: 8-15 digits (E.164) */
        if (d >= 8 && d <= 15)
            add(n, start, end, RG_PII_PHONE);
        return;
    }
    /* NANP: [1 | 001] area exchange line, area in parentheses or not; area and exchange start 2-9; from the
     * run's first group (in "100 200 300 4000" the last three are a list's, not a number) */
    size_t t = j - i == 3 && ((g[i].b - g[i].a == 1 && s[g[i].a] == '1') ||
                              (g[i].b - g[i].a == 3 && memcmp(s + g[i].a, "001", 3) == 0))
                   ? i + 1
                   : i; /* "100 200 300 4000" has no prefix */
    if (i == 0 && j - t == 2 && g[t].b - g[t].a == 3 && g[t + 1].b - g[t + 1].a == 3 && g[j].b - g[j].a == 4 &&
        s[g[t].a] >= '2' && g[j].seplen == 1 && (g[j].sep[0] == ' ' || g[j].sep[0] == '.' || g[j].sep[0] == '-')) {
        add(n, start, end, RG_PII_PHONE);
        return;
    }
    /* other shapes: 7-15 digits making up the whole run of groups, only as a national number or next to a
     * word that says phone ("0532 0130 01" at the end of an IBAN is neither) */
    if (d < 7 || d > 15 || i != 0 || j + 1 != last)
        return;
    for (size_t k = i; k <= j; k++)
        if (g[k].b - g[k].a > 12 || (j > i && g[k].b - g[k].a > 8))
            return;
    if (j == i && d > 12)
        return;
    size_t de; /* a date and a time ("01.02.2024 12:30"): the groups open with a calendar date */
    if (j >= i + 2 && rg_pii_date_at(s, n->len, start, &de) && de >= g[i + 2].b)
        return;
    /* a ZIP+4 code after a state's two capitals ("Boston, MA 02134-1234") */
    if (j == i + 1 && g[i].b - g[i].a == 5 && g[j].b - g[j].a == 4 && g[j].seplen == 1 && g[j].sep[0] == '-' &&
        start >= 3 && s[start - 1] == ' ' && is_upper((unsigned char)s[start - 2]) &&
        is_upper((unsigned char)s[start - 3]) && (start == 3 || !is_alnum((unsigned char)s[start - 4])))
        return;
    if (national(s, g, i, j, d) || rg_context_before(s, start, 32, &cw_phone_before) ||
        rg_context_after(s, n->len, end, 12, &cw_phone_after))
        add(n, start, end, RG_PII_PHONE);
}

/* "1.2.3.4.5", "v1.2.3.4", "version 10.0.0.1": version numbers, not addresses. */
static int version_like(const char *s, size_t len, size_t a, size_t b)
{
    if (a >= 2 && s[a - 1] == '.' && is_digit((unsigned char)s[a - 2]))
        return 1;
    if (b + 1 < len && s[b] == '.' && is_digit((unsigned char)s[b + 1]))
        return 1;
    if (a >= 1 && (s[a - 1] | 0x20) == 'v')
        return 1;
    return rg_context_before(s, a, 12, &cw_version);
}

/* Could groups 0..ng-1 (nd digits outside an extension) hold any candidate? Every shape wants four groups (IPv4)
 * or seven digits (phones; SSNs, cards want more): most digit runs in prose (years, times, counts, prices) have
 * neither and are passed over before the per-start loops below. */
static int may_hold(const group_t *g, size_t ng, size_t nd)
{
    return ng - (size_t)(g[ng - 1].ext != 0) >= 4 || nd >= 7;
}

static void candidates(num_t *n, const group_t *g, size_t ng, size_t nd)
{
    const char *s = n->s;
    size_t len = n->len;
    if (!may_hold(g, ng, nd))
        return;
    for (size_t i = 0; i < ng && !g[i].ext; i++) {
        size_t a = g[i].a;
        /* '(' before the digits: an area code when ')' closes right after a group of at most five digits that
         * more groups follow ("(555) 123-4567", "(02) 9876 5432"): a phone's, nothing else's. Any other '('
         * encloses the value ("my card (4111 1111 1111 1111)", "(192.168.1.1)", "(4111111111111111)") and is not
         * part of it. */
        int paren = a > 0 && s[a - 1] == '(' && g[i].b < len && s[g[i].b] == ')' && g[i].b - a <= 5 && i + 1 < ng &&
                    !g[i + 1].ext;
        int plus = a > 0 && s[a - 1] == '+';
        size_t lead = a - (size_t)(paren || plus);
        if (lead > 0 && is_alnum((unsigned char)s[lead - 1]))
            continue; /* glued to a word: "abc123" */
        if (i > 0 && (paren || plus) && g[i].seplen > 1)
            lead = a; /* "(" belongs to the separator of a longer run; also try from the digits */
        size_t d = 0; /* digits in groups i..j */
        for (size_t j = i; j < ng && j < i + MAX_SPAN && !g[j].ext; j++) {
            size_t b = g[j].b, span = j - i;
            d += g[j].b - g[j].a;
            /* can any shape below hold groups i..j? After '+' only a phone of 8-15 digits; else NANP phones want
             * three or four groups, other phones 7-15 digits from group 0, IPv4 four groups, SSNs three or one of
             * nine digits, cards 12-19 digits (the last three not after '(') */
            int may = plus ? d >= 8 && d <= 15
                           : span == 2 || span == 3 || (i == 0 && d >= 7 && d <= 15) ||
                                 (!paren && ((span == 0 && d == 9) || (d >= 12 && d <= 19)));
            if (!may) {
                if (plus ? d > 15 : span > 3 && d > 19)
                    break; /* nor any longer run from i: d only grows */
                continue;
            }
            if (b < len && is_alnum((unsigned char)s[b]) && !(j + 1 < ng && g[j + 1].ext))
                continue; /* "123abc" (but "555-0132x12" is an extension) */
            if (WANT(n, RG_PII_IP_ADDRESS) && j - i == 3 && same_sep(g, i, j, ".") && !paren && !plus) {
                int ok = 1;
                for (size_t k = i; k <= j; k++)
                    ok &= g[k].b - g[k].a <= 3;
                if (ok && rg_pii_ipv4(s + a, b - a) && !version_like(s, len, a, b))
                    add(n, a, b, RG_PII_IP_ADDRESS);
            }
            char ab[32];
            size_t an;
            const char *av;
            int ssn_shape = j - i == 2 && g[i].b - g[i].a == 3 && g[i + 1].b - g[i + 1].a == 2 && g[j].b - g[j].a == 4;
            if (WANT(n, RG_PII_US_SSN) && !paren && !plus && (ssn_shape || (j == i && d == 9)) &&
                (av = ascii_run(s, g, i, j, ab, sizeof(ab), &an)) != NULL) {
                if (ssn_shape && same_sep(g, i, j, "- ") && rg_pii_ssn(av, an))
                    add(n, a, b, RG_PII_US_SSN);
                else if ((!ssn_shape || same_sep(g, i, j, "./")) && rg_pii_ssn(av, an) &&
                         rg_context_before(s, a, 40, &cw_ssn))
                    add(n, a, b, RG_PII_US_SSN); /* nine bare digits, or "078.05.1120", after "SSN" */
            }
            if (WANT(n, RG_PII_CREDIT_CARD) && d >= 12 && d <= 19 && !paren && !plus && card_groups(g, i, j) &&
                (av = ascii_run(s, g, i, j, ab, sizeof(ab), &an)) != NULL && rg_pii_card(av, an))
                add(n, a, b, RG_PII_CREDIT_CARD);
            if (WANT(n, RG_PII_PHONE))
                phones(n, g, ng, i, j, d, lead, plus);
        }
    }
}

/* The length of a space at i: ' ', or one that wide_sep reads as ' '; 0 for anything else. */
static size_t space_at(const char *s, size_t len, size_t i)
{
    char c;
    size_t w;
    if (s[i] == ' ')
        return 1;
    return (w = wide_sep(s, len, i, &c)) != 0 && c == ' ' ? w : 0;
}

/* An IBAN whose country code sits just before digit group start a: "DE89 3704 …", "GB82WEST1234…", or the same
 * written in lower case ("de89 3704 …", "gb82west1234…"): the country code's case is the case of every letter
 * after it, so "De89…" or "DE89west…" are not read as one. A hex id of a country's IBAN length ("be61e9d41a77adc8",
 * a trace or span id) passes mod-97 once in 97: after the check digits, letters that are all hex digits and switch
 * with digits four times or more are read as one (a real IBAN's letters are a bank code or one check letter:
 * "GB82WEST…", "IT60X054…", one or two switches). */
static void iban(num_t *n, size_t a)
{
    const char *s = n->s;
    if (a < 2 || (a > 2 && is_alnum((unsigned char)s[a - 3])))
        return;
    unsigned char c0 = (unsigned char)s[a - 2], c1 = (unsigned char)s[a - 1];
    unsigned letter; /* the class a letter of this IBAN is in */
    if (is_upper(c0) && is_upper(c1))
        letter = C_UPPER;
    else if (is_lower(c0) && is_lower(c1))
        letter = C_LOWER;
    else
        return;
    size_t i = a - 2, alnum = 0, run = 0, end = i;
    /* after the check digits: every letter a hex digit so far, switches between letters and digits, the last kind */
    int hexish = 1, switches = 0, last = 0;
    while (i < n->len && alnum < 34) {
        unsigned char c = (unsigned char)s[i];
        if (cls[c] & (C_DIGIT | letter)) {
            if (alnum >= 4) {
                int kind = cls[c] & C_DIGIT ? 1 : 2;
                switches += last != 0 && kind != last;
                last = kind;
                if (kind == 2)
                    hexish &= !!(cls[c] & C_HEX);
            }
            alnum++;
            run++;
            i++;
            end = i;
        } else if (run == 4 && space_at(s, n->len, i) && i + space_at(s, n->len, i) < n->len &&
                   is_alnum((unsigned char)s[i + space_at(s, n->len, i)])) {
            run = 0; /* ' ' or a no-break, narrow or thin space between groups of four */
            i += space_at(s, n->len, i);
        } else {
            break;
        }
        if (alnum >= 15 && !(hexish && switches >= 4) && (end == n->len || !is_alnum((unsigned char)s[end])) &&
            rg_pii_iban(s + a - 2, end - a + 2))
            add(n, a - 2, end, RG_PII_IBAN); /* the longest valid one wins at resolution */
    }
}

/* An IPv6 address through the digit at i: the run of hex digits, ':' and '.' around it, parsed. Returns where
 * the run ends (the caller skips past it). */
static size_t ipv6(num_t *n, size_t i)
{
    const char *s = n->s;
    size_t a = i, b = i, colons = 0;
    /* the colons are counted on the way (those trimmed off the end taken back) */
    while (a > 0 && i - a < 45 && (cls[(unsigned char)s[a - 1]] & C_V6))
        colons += s[--a] == ':';
    while (b < n->len && b - a < 45 && (cls[(unsigned char)s[b]] & C_V6))
        colons += s[b++] == ':';
    while (b > a && (s[b - 1] == '.' || (s[b - 1] == ':' && !(b - a >= 2 && s[b - 2] == ':'))))
        colons -= s[--b] == ':';
    if (a > 0 && is_alnum((unsigned char)s[a - 1])) { /* "IPv6:2001:db8::1": a key glued on, up to its colon */
        const char *c1 = memchr(s + a, ':', b - a);
        if (c1 != NULL && c1 + 1 < s + b && c1[1] != ':')
            a = (size_t)(c1 - s);
    }
    if (b - a >= 2 && s[a] == ':' && s[a + 1] != ':')
        colons -= s[a++] == ':'; /* "ip:2001:db8::1": the colon is a key's ("::1" keeps both) */
    if (colons < 2 || (a > 0 && is_alnum((unsigned char)s[a - 1])) || (b < n->len && is_alnum((unsigned char)s[b])))
        return i;
    size_t groups = 0;
    for (size_t k = a; k < b; k++)
        groups += is_hex((unsigned char)s[k]) && (k == a || s[k - 1] == ':');
    if (groups >= 3 && rg_pii_ipv6(s + a, b - a)) {
        add(n, a, b, RG_PII_IP_ADDRESS);
        return b;
    }
    return i;
}

/* Is there a ':' within 45 bytes of digit i? An IPv6 address through i has its colons there (ipv6's walks stop 45
 * bytes from i), and most digits in prose have none: one short memchr instead of the walks. */
static int colon_near(const char *s, size_t len, size_t i)
{
    size_t lo = i > 45 ? i - 45 : 0, hi = len - i > 45 ? i + 45 : len;
    return memchr(s + lo, ':', hi - lo) != NULL;
}

int rg_pii_numbers(const char *s, size_t len, uint64_t types, const unsigned char *prio, rg_entities_t *out,
                   rg_pii_at_fn on_at, void *at_ctx)
{
    (void)pthread_once(&cw_once, cw_init);
    if (types == 0) { /* e-mail addresses only */
        for (const char *p = on_at ? memchr(s, '@', len) : NULL; p != NULL; p = memchr(p + 1, '@', len - (size_t)(p + 1 - s)))
            if (on_at(at_ctx, (size_t)(p - s)) != 0)
                return -1;
        return 0;
    }
    size_t (*next)(const char *, size_t, size_t) = on_at ? rg_digit_at_next : rg_digit_next;
    num_t n = {s, len, types, prio, out, 0};
    group_t g[MAX_GROUPS];
    /* what the scan skips (a cluster's digits and separators, an IPv6 address's hex digits, ':' and '.') holds no
     * '@': every one is seen */
    size_t i = next(s, len, 0);
    while (i < len && !n.oom) {
        if (s[i] == '@') {
            if (on_at(at_ctx, i) != 0)
                return -1;
            i = next(s, len, i + 1);
            continue;
        }
        if (WANT(&n, RG_PII_IBAN))
            iban(&n, i);
        size_t nd, ng = read_cluster(s, len, i, g, &nd), l = g[0].b - i; /* l: the digits from i */
        /* an IPv6 address through i: the run of hex digits, ':' and '.' around i is more than its digits, and
         * there is a colon near */
        if (WANT(&n, RG_PII_IP_ADDRESS) &&
            ((i > 0 && (cls[(unsigned char)s[i - 1]] & C_V6)) || (i + l < len && (cls[(unsigned char)s[i + l]] & C_V6))) &&
            ((i > 0 && (s[i - 1] == ':' || is_hex((unsigned char)s[i - 1]))) ||
             (i + 1 < len && (s[i + 1] == ':' || is_hex((unsigned char)s[i + 1])))) &&
            colon_near(s, len, i)) {
            size_t e = ipv6(&n, i);
            if (e > i) {
                i = next(s, len, e);
                continue;
            }
        }
        if (WANT(&n, RG_PII_DATE_OF_BIRTH))
            birth_date(&n, i, l);
        if (WANT(&n, RG_PII_US_DRIVER_LICENSE))
            (void)license(&n, i, l);
        candidates(&n, g, ng, nd);
        i = next(s, len, g[ng - 1].b);
    }
    return n.oom ? -1 : 0;
}
