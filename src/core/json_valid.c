#include "core/json_valid.h"

#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <string.h>

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

size_t rg_json_plain_run(const char *p, const char *e)
{
    const char *start = p;
#ifdef __SSE2__
    /* 16 bytes per step: a byte is special if it is '"' or '\\', or below 0x20 as a signed byte (which takes the
     * control characters and every byte with the high bit set in one compare) */
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                       _mm_cmplt_epi8(v, space));
        unsigned m = (unsigned)_mm_movemask_epi8(special);
        if (m != 0)
            return (size_t)(p - start) + (size_t)__builtin_ctz(m);
        p += 16;
    }
#endif
    while (e - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t quote8 = v ^ (ONES * '"'), bslash8 = v ^ (ONES * '\\');
        /* a byte is special if it is 0 after the xor (quote, backslash), below 0x20, or has its high bit set */
        uint64_t special = ((quote8 - ONES) & ~quote8) | ((bslash8 - ONES) & ~bslash8) | ((v - ONES * 0x20) & ~v) | v;
        if (special & HIGHS)
            break;
        p += 8;
    }
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
        p++;
    }
    return (size_t)(p - start);
}

const char *rg_json_skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

char *rg_json_put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

int rg_json_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

size_t rg_json_utf8_len(const unsigned char *u, size_t left)
{
    unsigned c = u[0];
    if (c >= 0xC2 && c <= 0xDF)
        return left >= 2 && (u[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] >= 0xA0)) /* overlong; UTF-16 surrogates */
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 || (u[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] >= 0x90)) /* overlong; above U+10FFFF */
            return 0;
        return 4;
    }
    return 0;
}

int rg_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s, *e = u + n;
    while (u < e) {
        while (e - u >= 8) {
            uint64_t v;
            memcpy(&v, u, 8);
            if (v & HIGHS)
                break;
            u += 8;
        }
        if (u >= e)
            break;
        if (*u < 0x80) {
            u++;
            continue;
        }
        size_t k = rg_json_utf8_len(u, (size_t)(e - u));
        if (k == 0)
            return 0;
        u += k;
    }
    return 1;
}

/* p at the opening quote; returns the position after the closing quote, or NULL. */
static const char *string(const char *p, const char *e)
{
    p++;
    while (p < e) {
        p += rg_json_plain_run(p, e);
        if (p >= e)
            break;
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c < 0x80 && c != '\\') {
            p++;
            continue;
        }
        if (c >= 0x80) {
            size_t n = rg_json_utf8_len((const unsigned char *)p, (size_t)(e - p));
            if (n == 0)
                return NULL;
            p += n;
            continue;
        }
        /* escape */
        if (++p >= e)
            return NULL;
        switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p++;
            break;
        case 'u': {
            unsigned cp;
            if (e - p < 5 || !rg_json_hex4(p + 1, &cp))
                return NULL;
            p += 5;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return NULL; /* a low surrogate alone */
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || !rg_json_hex4(p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return NULL;
                p += 6;
            }
            break;
        }
        default:
            return NULL;
        }
    }
    return NULL;
}

const char *rg_json_number_end(const char *p, const char *e)
{
    if (p < e && *p == '-')
        p++;
    if (p >= e)
        return NULL;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9')
            return NULL;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || *p < '0' || *p > '9')
            return NULL;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static const char *literal(const char *p, const char *e, const char *word, size_t len)
{
    if ((size_t)(e - p) < len)
        return NULL;
    for (size_t i = 0; i < len; i++)
        if (p[i] != word[i])
            return NULL;
    return p + len;
}

int rg_json_valid(const char *s, size_t n, unsigned max_depth)
{
    /* one bit per open container: 1 = object, 0 = array */
    uint64_t stack[RG_JSON_MAX_DEPTH / 64];
    unsigned depth = 0;
    if (max_depth > RG_JSON_MAX_DEPTH)
        max_depth = RG_JSON_MAX_DEPTH;
    const char *p = s, *e = s + n;
    if (s == NULL)
        return 0;
    p = rg_json_skip_ws(p, e);

value:
    if (p >= e)
        return 0;
    switch (*p) {
    case '{':
    case '[': {
        int obj = *p == '{';
        if (depth >= max_depth)
            return 0;
        if (obj)
            stack[depth / 64] |= (uint64_t)1 << (depth % 64);
        else
            stack[depth / 64] &= ~((uint64_t)1 << (depth % 64));
        depth++;
        p = rg_json_skip_ws(p + 1, e);
        if (p < e && *p == (obj ? '}' : ']')) {
            p++;
            depth--;
            goto after;
        }
        if (obj)
            goto key;
        goto value;
    }
    case '"':
        p = string(p, e);
        break;
    case 't':
        p = literal(p, e, "true", 4);
        break;
    case 'f':
        p = literal(p, e, "false", 5);
        break;
    case 'n':
        p = literal(p, e, "null", 4);
        break;
    default:
        p = rg_json_number_end(p, e);
        break;
    }
    if (p == NULL)
        return 0;

after:
    p = rg_json_skip_ws(p, e);
    if (depth == 0)
        return p == e;
    if (p >= e)
        return 0;
    {
        int obj = (stack[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;
        if (*p == ',') {
            p = rg_json_skip_ws(p + 1, e);
            if (obj)
                goto key;
            goto value;
        }
        if (*p == (obj ? '}' : ']')) {
            p++;
            depth--;
            goto after;
        }
        return 0;
    }

key:
    if (p >= e || *p != '"' || (p = string(p, e)) == NULL)
        return 0;
    p = rg_json_skip_ws(p, e);
    if (p >= e || *p != ':')
        return 0;
    p = rg_json_skip_ws(p + 1, e);
    goto value;
}
