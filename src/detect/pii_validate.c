/* pii_validate.c — checksums, number plans and parsers for the PII detector (see pii_validate.h). */
#include "detect/pii_validate.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int rg_pii_luhn(const char *d, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned)(d[n - 1 - i] - '0');
        if (i & 1) {
            x *= 2;
            if (x > 9)
                x -= 9;
        }
        sum += x;
    }
    return sum % 10 == 0;
}

static unsigned prefix(const char *d, size_t k)
{
    unsigned v = 0;
    for (size_t i = 0; i < k; i++)
        v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

/* Issuer ranges by leading digits (public IIN tables), with the lengths each issues. */
static int issuer_ok(const char *d, size_t n)
{
    unsigned p1 = prefix(d, 1), p2 = prefix(d, 2), p3 = prefix(d, 3), p4 = prefix(d, 4);
    if (p1 == 4) /* Visa */
        return n == 13 || n == 16 || n == 19;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) /* Mastercard */
        return n == 16;
    if (p2 == 34 || p2 == 37) /* American Express */
        return n == 15;
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) /* Discover */
        return n >= 16 && n <= 19;
    if (p2 == 35) /* JCB (3528-3589 issued; 35xx accepted, the Luhn check still applies) */
        return n >= 16 && n <= 19;
    if (p4 == 2131 || p4 == 1800) /* JCB, 15 digits */
        return n == 15;
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) /* Diners Club */
        return n >= 14 && n <= 19;
    if (p2 == 62) /* UnionPay */
        return n >= 16 && n <= 19;
    if (p2 == 50 || (p2 >= 56 && p2 <= 69)) /* Maestro */
        return n >= 12 && n <= 19;
    return 0;
}

int rg_pii_card(const char *s, size_t len)
{
    char d[20];
    size_t n = 0;
    char sep = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (is_digit(c)) {
            if (n == sizeof(d))
                return 0;
            d[n++] = c;
        } else if (c == ' ' || c == '-') {
            if (sep && c != sep)
                return 0;
            sep = c;
        } else {
            return 0;
        }
    }
    return n >= 12 && n <= 19 && issuer_ok(d, n) && rg_pii_luhn(d, n);
}

int rg_pii_ssn(const char *s, size_t len)
{
    char d[9];
    size_t n = 0;
    if (len == 11) {
        if (s[3] != s[6] || (s[3] != '-' && s[3] != ' ' && s[3] != '.' && s[3] != '/'))
            return 0;
    } else if (len != 9) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (len == 11 && (i == 3 || i == 6))
            continue;
        if (!is_digit(s[i]))
            return 0;
        d[n++] = s[i];
    }
    unsigned area = prefix(d, 3), group = prefix(d + 3, 2), serial = prefix(d + 5, 4);
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

/* IBAN lengths by country (the IBAN registry). */
static const struct {
    char cc[3];
    unsigned char len;
} iban_len[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

int rg_pii_iban(const char *s, size_t len)
{
    char c[34];
    size_t n = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        const unsigned char *u = (const unsigned char *)s + i;
        if (u[0] == 0xC2 && i + 1 < len && u[1] == 0xA0) /* a no-break space */
            ch = ' ', i++;
        else if (u[0] == 0xE2 && i + 2 < len && u[1] == 0x80 && (u[2] == 0xAF || u[2] == 0x89)) /* narrow, thin */
            ch = ' ', i += 2;
        if (ch == ' ') { /* printed form: groups of four */
            if (run != 4)
                return 0;
            run = 0;
            continue;
        }
        if (ch >= 'a' && ch <= 'z') /* checked as the upper-case form (the caller keeps one case) */
            ch = (char)(ch - 'a' + 'A');
        else if (!is_digit(ch) && !(ch >= 'A' && ch <= 'Z'))
            return 0;
        if (n == sizeof(c))
            return 0;
        c[n++] = ch;
        run++;
    }
    if (n < 15 || !(c[0] >= 'A' && c[0] <= 'Z') || !(c[1] >= 'A' && c[1] <= 'Z') || !is_digit(c[2]) || !is_digit(c[3]))
        return 0;
    int known = 0;
    for (size_t i = 0; i < sizeof(iban_len) / sizeof(iban_len[0]); i++)
        if (iban_len[i].cc[0] == c[0] && iban_len[i].cc[1] == c[1]) {
            if (iban_len[i].len != n)
                return 0;
            known = 1;
            break;
        }
    if (!known)
        return 0;
    /* mod 97 of the number with the first four characters moved to the end, letters as 10..35 */
    unsigned rem = 0;
    for (size_t k = 0; k < n; k++) {
        char ch = c[(k + 4) % n];
        if (is_digit(ch)) {
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        } else {
            unsigned v = (unsigned)(ch - 'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    return rem == 1;
}

int rg_pii_ipv4(const char *s, size_t len)
{
    char b[16];
    unsigned char out[4];
    if (len < 7 || len >= sizeof(b))
        return 0;
    memcpy(b, s, len);
    b[len] = '\0';
    return inet_pton(AF_INET, b, out) == 1; /* glibc rejects leading zeros and octets over 255 */
}

int rg_pii_ipv6(const char *s, size_t len)
{
    char b[48];
    unsigned char out[16];
    if (len < 3 || len >= sizeof(b))
        return 0;
    memcpy(b, s, len);
    b[len] = '\0';
    return inet_pton(AF_INET6, b, out) == 1;
}

static int month_days(unsigned y, unsigned m)
{
    static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

static int ymd_ok(unsigned y, unsigned m, unsigned d)
{
    return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && (int)d <= month_days(y, m);
}


/* Month number from a name's first three letters (case-insensitive), 0 when not a month. */
static unsigned month_of(const char *s, size_t len)
{
    if (len < 3)
        return 0;
    /* the three letters as one number, compared with the twelve (a switch, not twelve memcmp calls) */
    uint32_t k = (uint32_t)(unsigned char)(s[0] | 0x20) << 16 | (uint32_t)(unsigned char)(s[1] | 0x20) << 8 |
                 (uint32_t)(unsigned char)(s[2] | 0x20);
#define M3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
    switch (k) {
    case M3('j', 'a', 'n'): return 1;
    case M3('f', 'e', 'b'): return 2;
    case M3('m', 'a', 'r'): return 3;
    case M3('a', 'p', 'r'): return 4;
    case M3('m', 'a', 'y'): return 5;
    case M3('j', 'u', 'n'): return 6;
    case M3('j', 'u', 'l'): return 7;
    case M3('a', 'u', 'g'): return 8;
    case M3('s', 'e', 'p'): return 9;
    case M3('o', 'c', 't'): return 10;
    case M3('n', 'o', 'v'): return 11;
    case M3('d', 'e', 'c'): return 12;
    default: return 0;
    }
#undef M3
}

/* Splits s into up to 3 numeric or alphabetic fields. */
typedef struct {
    const char *p;
    size_t n;
    int num;
    unsigned v;
} field_t;

static size_t fields(const char *s, size_t len, field_t *f, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        if (is_digit(s[i])) {
            size_t j = i;
            unsigned v = 0;
            while (j < len && is_digit(s[j]) && j - i < 5)
                v = v * 10 + (unsigned)(s[j++] - '0');
            if (k == max)
                return k + 1;
            f[k++] = (field_t){s + i, j - i, 1, v};
            /* ordinal suffix */
            if (j + 1 < len && (((s[j] | 0x20) == 's' && (s[j + 1] | 0x20) == 't') ||
                                ((s[j] | 0x20) == 'n' && (s[j + 1] | 0x20) == 'd') ||
                                ((s[j] | 0x20) == 'r' && (s[j + 1] | 0x20) == 'd') ||
                                ((s[j] | 0x20) == 't' && (s[j + 1] | 0x20) == 'h')))
                j += 2;
            i = j;
        } else if (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) {
            size_t j = i;
            while (j < len && (s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')
                j++;
            if (k == max)
                return k + 1;
            f[k++] = (field_t){s + i, j - i, 0, month_of(s + i, j - i)};
            i = j;
        } else {
            i++;
        }
    }
    return k;
}

int rg_pii_date(const char *s, size_t len)
{
    field_t f[3];
    if (fields(s, len, f, 3) != 3)
        return 0;
    if (f[0].num && f[1].num && f[2].num) {
        if (f[0].n == 4) /* Y-M-D */
            return ymd_ok(f[0].v, f[1].v, f[2].v);
        if (f[2].n != 4)
            return 0;
        /* D/M/Y or M/D/Y: either reading valid */
        return ymd_ok(f[2].v, f[1].v, f[0].v) || ymd_ok(f[2].v, f[0].v, f[1].v);
    }
    if (f[0].num && !f[1].num && f[2].num) /* 12 March 1985 */
        return f[1].v && f[2].n == 4 && ymd_ok(f[2].v, f[1].v, f[0].v);
    if (!f[0].num && f[1].num && f[2].num) /* March 12, 1985 */
        return f[0].v && f[2].n == 4 && ymd_ok(f[2].v, f[0].v, f[1].v);
    return 0;
}

size_t rg_pii_phone_digits(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == 'x' || c == 'X' || c == '#' || c == 'e')
            break; /* extension */
        n += is_digit(c);
    }
    return n;
}

static size_t digits_at(const char *s, size_t len, size_t i, size_t max)
{
    size_t j = i;
    while (j < len && j - i < max + 1 && is_digit(s[j]))
        j++;
    return j - i;
}

static size_t letters_at(const char *s, size_t len, size_t i)
{
    size_t j = i;
    while (j < len && j - i < 10 && (s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')
        j++;
    return j - i;
}

/* Skips an ordinal suffix, then optional '.', ',' and white space (at most a few bytes). */
static size_t skip_gap(const char *s, size_t len, size_t i, int ordinal)
{
    if (ordinal && i + 1 < len && letters_at(s, len, i) == 2)
        i += 2;
    size_t j = i;
    while (j < len && j - i < 4 && (s[j] == '.' || s[j] == ',' || s[j] == ' ' || s[j] == '\t'))
        j++;
    return j;
}

int rg_pii_date_at(const char *s, size_t len, size_t i, size_t *end)
{
    size_t n = digits_at(s, len, i, 4);
    if (n >= 1 && n <= 4) { /* numeric, or "12 March 1985" */
        size_t j = i + n;
        if (j < len && (s[j] == '.' || s[j] == '/' || s[j] == '-')) {
            char sep = s[j];
            size_t m = digits_at(s, len, j + 1, 2);
            size_t k = j + 1 + m;
            if (m < 1 || m > 2 || k >= len || s[k] != sep)
                return 0;
            size_t y = digits_at(s, len, k + 1, 4);
            if (y < 2 || y > 4 || (k + 1 + y < len && is_digit(s[k + 1 + y])))
                return 0;
            *end = k + 1 + y;
            return rg_pii_date(s + i, *end - i);
        }
        if (n > 2)
            return 0;
        size_t k = skip_gap(s, len, j, 1);
        size_t l = letters_at(s, len, k);
        if (l < 3 || !month_of(s + k, l))
            return 0;
        k = skip_gap(s, len, k + l, 0);
        if (digits_at(s, len, k, 4) != 4)
            return 0;
        *end = k + 4;
        return rg_pii_date(s + i, *end - i);
    }
    size_t l = letters_at(s, len, i); /* "March 12, 1985" */
    if (l < 3 || !month_of(s + i, l))
        return 0;
    size_t k = skip_gap(s, len, i + l, 0);
    size_t d = digits_at(s, len, k, 2);
    if (d < 1 || d > 2)
        return 0;
    k = skip_gap(s, len, k + d, 1);
    if (digits_at(s, len, k, 4) != 4)
        return 0;
    *end = k + 4;
    return rg_pii_date(s + i, *end - i);
}
