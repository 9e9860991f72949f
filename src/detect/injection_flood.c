/* injection_flood.c — repetition floods in a prompt (rg_pi_flood, injection.h).
 *
 * A flood is one short unit of words repeated back to back ("ö ö ö …", "artisanlibartisanlib…"): an attack that
 * pushes a model off its instructions with a run of tokens it handles badly. The n-gram model reads one as a few
 * features seen many times, which says little. What counts:
 *   - a unit of RG_PI_FLOOD_UNIT_MAX bytes or fewer and of two characters or more ("xxxx", "AAAA" and "----" are
 *     placeholders and padding), made of letters and whitespace, at least one letter. Letters are ASCII's and the
 *     two-byte UTF-8 ones of Latin-1 and Latin Extended (U+00C0..U+024F but × and ÷), Greek and Cyrillic
 *     (U+0370..U+04FF); no digits, punctuation, symbols, emoji or invalid UTF-8 ("0xff, 0xff, …", "|---|---|",
 *     "×÷×÷", a row of laughing faces are data or chat);
 *   - repeated at least RG_PI_FLOOD_REPEATS times over RG_PI_FLOOD_BYTES bytes or more (256: "haha…" would need
 *     128 of them; of Tensor Trust's 208 attacks with a flood of 128 bytes or more, 191 reach 256).
 *
 * Any stretch of 128 bytes or more holds a whole 64-byte block at an offset that is a multiple of 64, so only those
 * blocks are tested: a block is periodic with period p when it equals itself shifted by p, and the only
 * candidates are the shifts where its first two bytes come back (four 16-byte compares per block; a memcmp per
 * candidate, about one block in ten of prose, at most 32 for a block made to look periodic). A periodic block is
 * then grown both ways for as long as the period holds. */
#include "detect/injection.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BLOCK 64

/* 1: a letter, 2: whitespace, 0: anything else. c is a code point. */
static int unit_char(unsigned c)
{
    if (c - 'a' < 26u || c - 'A' < 26u)
        return 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return 2;
    if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x4FF))
        return 1;
    return 0;
}

/* The unit is u[0..p), a rotation of the repeated text: read from its first byte that starts a character, through
 * p bytes (u is periodic, and k + p stays inside the block: k < p <= 32). */
static int unit_ok(const unsigned char *u, size_t p)
{
    size_t k = 0, chars = 0, letters = 0;
    while (k < p && (u[k] & 0xC0) == 0x80)
        k++;
    if (k == p)
        return 0;
    for (size_t i = k; i < k + p;) {
        unsigned c = u[i];
        if (c >= 0x80) { /* two-byte characters only (lead 0xC2..0xDF and one continuation byte) */
            if (c < 0xC2 || c > 0xDF || i + 1 >= k + p || (u[i + 1] & 0xC0) != 0x80)
                return 0;
            c = (c & 0x1F) << 6 | (u[i + 1] & 0x3F);
            i += 2;
        } else {
            i++;
        }
        int kind = unit_char(c);
        if (kind == 0)
            return 0;
        chars++;
        letters += kind == 1;
    }
    return chars >= 2 && letters >= 1;
}

/* Bit j-1 set: b[j] == b[0] and b[j + 1] == b[1], for j in 1..32 (the shifts a period can have). A block of prose
 * has about one candidate in ten, so the full compare below runs rarely. */
static uint32_t candidates(const unsigned char *b)
{
#ifdef __SSE2__
    __m128i f0 = _mm_set1_epi8((char)b[0]), f1 = _mm_set1_epi8((char)b[1]);
    __m128i x0 = _mm_loadu_si128((const __m128i *)(b + 1)), x1 = _mm_loadu_si128((const __m128i *)(b + 17));
    __m128i y0 = _mm_loadu_si128((const __m128i *)(b + 2)), y1 = _mm_loadu_si128((const __m128i *)(b + 18));
    uint32_t lo = (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x0, f0), _mm_cmpeq_epi8(y0, f1)));
    uint32_t hi = (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x1, f0), _mm_cmpeq_epi8(y1, f1)));
    return lo | hi << 16;
#else
    uint32_t m = 0;
    for (unsigned j = 1; j <= 32; j++)
        m |= (uint32_t)(b[j] == b[0] && b[j + 1] == b[1]) << (j - 1);
    return m;
#endif
}

/* The smallest period of the block b[0..BLOCK) up to RG_PI_FLOOD_UNIT_MAX, or 0. */
static size_t period(const unsigned char *b)
{
    for (uint32_t m = candidates(b); m != 0; m &= m - 1) {
        size_t p = (size_t)__builtin_ctz(m) + 1;
        if (memcmp(b, b + p, BLOCK - p) == 0)
            return p;
    }
    return 0;
}

int rg_pi_flood(const char *s, size_t len, size_t *from, size_t *to, size_t *unit)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t b = 0; b + BLOCK <= len; b += BLOCK) {
        size_t p = period(u + b);
        if (p == 0 || !unit_ok(u + b, p))
            continue;
        size_t a = b, e = b + BLOCK;
        while (a > 0 && u[a - 1] == u[a - 1 + p])
            a--;
        while (e < len && u[e] == u[e - p])
            e++;
        if (e - a >= RG_PI_FLOOD_BYTES && (e - a) / p >= RG_PI_FLOOD_REPEATS) {
            *from = a;
            *to = e;
            *unit = p;
            return 1;
        }
        size_t next = e / BLOCK * BLOCK; /* the blocks before e's are inside this stretch: not tested again */
        if (next > b + BLOCK)
            b = next - BLOCK;
    }
    return 0;
}
