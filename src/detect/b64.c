/* b64.c — base64 decoding and base64 runs (b64.h). */
#include "detect/b64.h"

#include <stdint.h>
#include <string.h>

/* 0..63: the value; 64: '='; 0xFF: not base64 */
#define V_PAD 64
#define V_NO 0xFF
#define VAL_(x)                                                                                                       \
    (uint8_t)((x) >= 'A' && (x) <= 'Z'   ? (x) - 'A'                                                                  \
              : (x) >= 'a' && (x) <= 'z' ? (x) - 'a' + 26                                                             \
              : (x) >= '0' && (x) <= '9' ? (x) - '0' + 52                                                             \
              : (x) == '+' || (x) == '-' ? 62                                                                         \
              : (x) == '/' || (x) == '_' ? 63                                                                         \
              : (x) == '='               ? V_PAD                                                                      \
                                         : V_NO)
#define VAL4_(x) VAL_(x), VAL_((x) + 1), VAL_((x) + 2), VAL_((x) + 3)
#define VAL16_(x) VAL4_(x), VAL4_((x) + 4), VAL4_((x) + 8), VAL4_((x) + 12)
#define VAL64_(x) VAL16_(x), VAL16_((x) + 16), VAL16_((x) + 32), VAL16_((x) + 48)
static const uint8_t val[256] = {VAL64_(0), VAL64_(64), VAL64_(128), VAL64_(192)};
#undef VAL64_
#undef VAL16_
#undef VAL4_
#undef VAL_

int rg_b64_char(unsigned char c) { return val[c] != V_NO; }

long rg_b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = val[(unsigned char)s[i]];
        if (v == V_PAD)
            break;
        if (v == V_NO)
            return -1;
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == cap)
                return (long)o;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    return (long)o;
}

/* Whether the 8 bytes at p can all be base64: none below '+' (0x2B, the lowest) and none at 0x80 or above. A
 * superset test (':' passes it), eight bytes in a few instructions. */
static int word_may_be_b64(const char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    return ((x - ones * 0x2B) & ~x & highs) == 0 && (x & highs) == 0;
}

/* The run that holds s[p] (a base64 character), within [from, len). */
static void run_around(const char *s, size_t len, size_t from, size_t p, size_t *a, size_t *b)
{
    size_t i = p, j = p + 1;
    while (i > from && val[(unsigned char)s[i - 1]] != V_NO)
        i--;
    while (j < len && val[(unsigned char)s[j]] != V_NO)
        j++;
    *a = i;
    *b = j;
}

int rg_b64_run_next(const char *s, size_t len, size_t from, size_t min, size_t *a, size_t *b)
{
    if (min >= 24) {
        /* A run of 24 or more holds two whole 8-byte words of the grid from + 8k, one of them with k even: only
         * those are looked at, 16 bytes a step, and prose has a space in nearly every one. */
        for (size_t w = from; w + 8 <= len; w += 16) {
            if (!word_may_be_b64(s + w))
                continue;
            size_t k = 0;
            while (k < 8 && val[(unsigned char)s[w + k]] != V_NO)
                k++;
            if (k < 8)
                continue; /* a byte of the word is not base64: no run holds the whole word */
            run_around(s, len, from, w, a, b);
            if (*b - *a >= min)
                return 1;
            while (w + 16 <= *b) /* the next run starts past *b */
                w += 16;
        }
        return 0;
    }
    /* A run of min or more holds one of the bytes looked at: from + min - 1, then every min-th; after a run too
     * short, the next run starts past its end + 1, so looking again at end + min is soon enough. */
    for (size_t p = from + min - 1; p < len;) {
        if (val[(unsigned char)s[p]] == V_NO) {
            p += min;
            continue;
        }
        run_around(s, len, from, p, a, b);
        if (*b - *a >= min)
            return 1;
        p = *b + min;
    }
    return 0;
}
