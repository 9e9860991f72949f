/* injection_flood.c — repetition floods in a prompt (rg_pi_flood, injection.h).
 *
 * A flood is one short unit of words repeated back to back ("ö ö ö …", "artisanlibartisanlib…"): an attack that
 * pushes a model off its instructions with a run of tokens it handles badly. The n-gram model reads one as a few
 * features seen many times, which says little. What counts:
 *   - a unit of RG_PI_FLOOD_UNIT_MAX bytes or fewer and of two characters or more ("xxxx", "AAAA" and "----" are
 *     placeholders and padding), made of ASCII letters, whitespace and two-byte UTF-8 characters (Latin with
 *     accents, Greek, Cyrillic, …; no digits, punctuation or emoji: "0xff, 0xff, …", "|---|---|" and a row of
 *     laughing faces are data or chat), at least one of them a letter;
 *   - repeated at least RG_PI_FLOOD_REPEATS times over RG_PI_FLOOD_BYTES bytes or more.
 *
 * Any stretch of RG_PI_FLOOD_BYTES bytes holds a whole 64-byte block at an offset that is a multiple of 64, so
 * only those blocks are tested: a block is periodic with period p when it equals itself shifted by p, and the only
 * candidates are the shifts where its first two bytes come back (four 16-byte compares per block; a memcmp per
 * candidate, about one block in ten of prose). A periodic block is then grown both ways for as long as the period
 * holds. */
#include "detect/injection.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BLOCK 64

/* ASCII letter, whitespace, or a byte of a two-byte UTF-8 character (lead 0xC3..0xDF: 0xC2 is Latin-1's
 * symbols and the no-break space). 1 letter, 2 space, 0 other. */
static int unit_byte(unsigned char c)
{
    if ((unsigned)((c | 0x20) - 'a') < 26u || (c >= 0xC3 && c <= 0xDF) || (c >= 0x80 && c <= 0xBF))
        return 1;
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' ? 2 : 0;
}

static int unit_ok(const unsigned char *u, size_t p)
{
    size_t chars = 0, letters = 0;
    for (size_t i = 0; i < p; i++) {
        int k = unit_byte(u[i]);
        if (k == 0)
            return 0;
        if (u[i] >= 0x80 && u[i] <= 0xBF)
            continue; /* a continuation byte: its character is counted at its lead */
        chars++;
        letters += k == 1;
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
