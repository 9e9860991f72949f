/* injection_unmask.c — instructions written to slip past the model (rg_pi_mask_next, rg_pi_unmask; injection.h).
 *
 * Three disguises leave the words readable to a model and unreadable to n-grams and patterns:
 *   full-width forms    "ｉｇｎｏｒｅ ａｌｌ" (U+FF01-FF5E for ASCII 0x21-0x7E, U+3000 for the space);
 *   spaced letters      "i g n o r e  a l l" or "i.g.n.o.r.e a.l.l": RG_PI_SPACED_MIN or more one-letter words,
 *                       each separated from the next by one space, underscore or one of * + , - . (up to three
 *                       between words);
 *   leetspeak           "1gn0r3 4ll pr3v10us": a word of ASCII letters and the digits and signs 0 1 3 4 5 7 @ $
 *                       with at least two of each, one sign but '@' between letters, no more signs than letters, and a
 *                       letter past 'f' (a hex hash, "smith50" or "bob007" is not one; nor is an e-mail address).
 * rg_pi_mask_next finds the next one; rg_pi_unmask writes a stretch of text with every one undone: full-width
 * forms to ASCII, spaced letters joined (a longer gap, or a space where the letters are separated by
 * something else, is one space), leet signs to the letters they
 * stand for (0 o, 1 i, 3 e, 4 a, 5 s, 7 t, @ a, $ s) in every word of letters and signs, one of each enough
 * ("m3", "th3"). The output is never longer than the input. */
#include "detect/injection.h"

#include <stdint.h>
#include <string.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif

static inline int ascii_letter(unsigned c)
{
    return (c | 0x20) - 'a' < 26u;
}

static inline int leet_sign(unsigned c)
{
    return c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7' || c == '@' || c == '$';
}

static inline int spacer(unsigned c) /* space, underscore, and * + , - . */
{
    return c == ' ' || c == '_' || c - '*' < 5u;
}

/* Any full-width form (U+FF01-FF5E) or the ideographic space (U+3000) at u[i]: its ASCII byte, else 0. */
static inline unsigned fullwidth_ascii(const unsigned char *u, size_t len, size_t i)
{
    if (i + 2 >= len)
        return 0;
    if (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80)
        return ' ';
    if (u[i] != 0xEF)
        return 0;
    if (u[i + 1] == 0xBC && u[i + 2] >= 0x81 && u[i + 2] <= 0xBF)
        return 0x21 + (u[i + 2] - 0x81);
    if (u[i + 1] == 0xBD && u[i + 2] <= 0x9E && u[i + 2] >= 0x80)
        return 0x60 + (u[i + 2] - 0x80);
    return 0;
}

/* The word of letters and leet signs starting at i (i at a word start) ends at *end; 1 when it is leetspeak:
 * strict, what finds a disguise (above); loose, what is undone once one is found ("m3", "Pl3453", a letter and a
 * sign each). */
static int leet_word(const unsigned char *u, size_t len, size_t i, size_t *end, int loose)
{
    size_t letters = 0, signs = 0, inner = 0, pending = 0, j = i;
    int past_f = 0, other = 0, at = 0;
    for (; j < len; j++) {
        unsigned c = u[j];
        if (ascii_letter(c)) {
            letters++;
            past_f |= (c | 0x20) > 'f';
            inner += pending; /* the signs since the last letter lie between letters */
            pending = 0;
        } else if (leet_sign(c)) {
            signs++;
            pending += letters > 0;
            at |= c == '@';
        } else if (c - '0' < 10u || c == '_' || c >= 0x80) {
            other = 1;
        } else {
            break;
        }
    }
    *end = j;
    /* "@" at either end or "$" at the start is punctuation ("@user", "$5", "user@"), not a sign for a letter */
    if (other || letters == 0 || signs == 0 || u[i] == '$' || u[i] == '@' || u[j - 1] == '@')
        return 0;
    if (at && j + 1 < len && u[j] == '.' && ascii_letter(u[j + 1])) /* an e-mail address: garcia30@corp.example */
        return 0;
    return loose || (letters >= 2 && signs >= 2 && inner >= 1 && signs <= letters && past_f);
}

/* The run of one-letter words starting at i: the number of letters, its end in *end. */
static size_t spaced_run(const unsigned char *u, size_t len, size_t i, size_t *end)
{
    size_t n = 0, j = i;
    for (;;) {
        if (j >= len || !ascii_letter(u[j]) || (j + 1 < len && ascii_letter(u[j + 1])))
            break;
        n++;
        j++;
        if (j >= len || !spacer(u[j]))
            break;
        /* one separator to the next letter, or a word gap (two or more spaces) to the next spaced word */
        size_t k = j;
        while (k < len && spacer(u[k]) && k - j < 3)
            k++;
        if (k >= len || !ascii_letter(u[k]) || (k + 1 < len && ascii_letter(u[k + 1])))
            break;
        j = k;
    }
    *end = j;
    return n;
}

static inline int word_byte(unsigned c)
{
    return ascii_letter(c) || c - '0' < 10u || c == '_' || c == '@' || c == '$' || c >= 0x80;
}

/* A candidate at k (below) confirmed: *at is where the disguise starts (not before from). When the word around k
 * was read and is no leet word, *skip is its end: the word's other candidates have the same answer, and reading
 * it again for each of them made a long word (a hex dump) cost the square of its length. */
static int confirm(const unsigned char *u, size_t len, size_t from, size_t k, size_t *at, size_t *skip)
{
    size_t end;
    if (u[k] == 0xEF) {
        if (!ascii_letter(fullwidth_ascii(u, len, k)))
            return 0;
        *at = k;
        return 1;
    }
    if (ascii_letter(u[k]) && (k == 0 || !word_byte(u[k - 1])) && (k + 1 >= len || !ascii_letter(u[k + 1])) &&
        spaced_run(u, len, k, &end) >= RG_PI_SPACED_MIN) {
        *at = k;
        return 1;
    }
    size_t w = k; /* the word around k, from its start (a word is at most a few hundred bytes: bounded anyway) */
    while (w > 0 && k - w < 256 && word_byte(u[w - 1]))
        w--;
    if (!ascii_letter(u[w]) && !leet_sign(u[w]))
        return 0;
    if (!leet_word(u, len, w, &end, 0)) {
        *skip = end;
        return 0;
    }
    *at = w > from ? w : from;
    return 1;
}

/* Bit i of each mask: byte i of p[0..64) is a letter, a separator, a leet sign but '@' (0 1 3 4 5 7 $: '@' is left
 * out because e-mail addresses put it between letters on every line of some texts; "p@ssw0rd" is found by its 0),
 * the byte 0xEF. Candidates, from the masks: the lead byte of a full-width form; a letter that starts a word, a
 * separator, a letter, a separator and a letter; a letter after one or two such signs after a letter (the sign
 * between letters that a leet word needs: "1gn0r3" at its r). Nothing before `from` is read. */
typedef struct {
    uint64_t l, sp, d, ef;
} classes_t;

static inline void classify_scalar(const unsigned char *p, classes_t *c)
{
    c->l = c->sp = c->d = c->ef = 0;
    for (unsigned b = 0; b < 64; b++) {
        unsigned x = p[b];
        c->l |= (uint64_t)ascii_letter(x) << b;
        c->sp |= (uint64_t)spacer(x) << b;
        c->d |= (uint64_t)(x != '@' && leet_sign(x)) << b;
        c->ef |= (uint64_t)(x == 0xEF) << b;
    }
}

#ifdef __x86_64__
/* RANGE: lo <= x < lo + n, unsigned: the signed compare of x - lo with 0x80 flipped */
#define RANGE(x, lo, n)                                                                                                \
    _mm_cmplt_epi8(_mm_xor_si128(_mm_sub_epi8((x), _mm_set1_epi8((char)(lo))), _mm_set1_epi8((char)0x80)),         \
                   _mm_set1_epi8((char)((n) ^ 0x80)))
#define EQ(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8((char)(c)))
__attribute__((always_inline)) static inline void classify_sse2(const unsigned char *p, classes_t *c)
{
    c->l = c->sp = c->d = c->ef = 0;
    for (int q = 0; q < 4; q++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q));
        __m128i lt = RANGE(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 26);
        __m128i dg = _mm_or_si128(_mm_or_si128(RANGE(x, '0', 2), RANGE(x, '3', 3)),
                                  _mm_or_si128(EQ(x, '7'), EQ(x, '$')));
        __m128i se = _mm_or_si128(RANGE(x, '*', 5), _mm_or_si128(EQ(x, ' '), EQ(x, '_')));
        c->l |= (uint64_t)(uint32_t)_mm_movemask_epi8(lt) << (16 * q);
        c->d |= (uint64_t)(uint32_t)_mm_movemask_epi8(dg) << (16 * q);
        c->sp |= (uint64_t)(uint32_t)_mm_movemask_epi8(se) << (16 * q);
        c->ef |= (uint64_t)(uint32_t)_mm_movemask_epi8(EQ(x, 0xEF)) << (16 * q);
    }
}
#undef RANGE
#undef EQ

#define RANGE(x, lo, n)                                                                                                \
    _mm256_cmpgt_epi8(_mm256_set1_epi8((char)((n) ^ 0x80)),                                                           \
                      _mm256_xor_si256(_mm256_sub_epi8((x), _mm256_set1_epi8((char)(lo))),                             \
                                       _mm256_set1_epi8((char)0x80)))
#define EQ(x, c) _mm256_cmpeq_epi8((x), _mm256_set1_epi8((char)(c)))
__attribute__((target("avx2"), always_inline)) static inline void classify_avx2(const unsigned char *p, classes_t *c)
{
    c->l = c->sp = c->d = c->ef = 0;
    for (int q = 0; q < 2; q++) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * q));
        __m256i lt = RANGE(_mm256_or_si256(x, _mm256_set1_epi8(0x20)), 'a', 26);
        __m256i dg = _mm256_or_si256(_mm256_or_si256(RANGE(x, '0', 2), RANGE(x, '3', 3)),
                                     _mm256_or_si256(EQ(x, '7'), EQ(x, '$')));
        __m256i se = _mm256_or_si256(RANGE(x, '*', 5), _mm256_or_si256(EQ(x, ' '), EQ(x, '_')));
        c->l |= (uint64_t)(uint32_t)_mm256_movemask_epi8(lt) << (32 * q);
        c->d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(dg) << (32 * q);
        c->sp |= (uint64_t)(uint32_t)_mm256_movemask_epi8(se) << (32 * q);
        c->ef |= (uint64_t)(uint32_t)_mm256_movemask_epi8(EQ(x, 0xEF)) << (32 * q);
    }
}
#undef RANGE
#undef EQ
#endif

/* The blocks' loop, compiled for AVX2, SSE2 (x86-64's baseline) and plain C. Sixty-four bytes are classified at
 * a time (bit masks per class; a pattern across two blocks is found with the previous block's bits shifted in).
 * Prose has few candidates, each confirmed or dropped by the byte rules. */
#define BLOCKS(name, classify, attr)                                                                                   \
    attr static int name(const unsigned char *u, size_t len, size_t from, size_t *at)                                  \
    {                                                                                                                  \
        classes_t pv = {0, 0, 0, 0}; /* nothing before from */                                                         \
        size_t skip = from;          /* candidates before it are in a word confirm() has read */                       \
        for (size_t i = from; i < len; i += 64) {                                                                      \
            classes_t c;                                                                                               \
            uint64_t in = ~(uint64_t)0; /* the bits of the text: all but in the last, short block */                   \
            if (len - i >= 64) {                                                                                       \
                classify(u + i, &c);                                                                                   \
            } else { /* zeros after the end: no letter, separator or sign */                                        \
                unsigned char pad[64] = {0};                                                                           \
                memcpy(pad, u + i, len - i);                                                                           \
                classify(pad, &c);                                                                                     \
                in = ((uint64_t)1 << (len - i)) - 1;                                                                   \
            }                                                                                                          \
            uint64_t l2 = c.l << 2 | pv.l >> 62, l3 = c.l << 3 | pv.l >> 61, l4 = c.l << 4 | pv.l >> 60;             \
            uint64_t l5 = c.l << 5 | pv.l >> 59;                                                                       \
            uint64_t s1 = c.sp << 1 | pv.sp >> 63, s3 = c.sp << 3 | pv.sp >> 61;                                     \
            uint64_t d1 = c.d << 1 | pv.d >> 63, d2 = c.d << 2 | pv.d >> 62;                                         \
            /* a run of letter, separator, letter, separator, letter (no letter before) ending at k starts at k - 4:  \
             * those that start                                                                                        \
             * in the block before first (in order), then with the candidates at k (a full-width lead byte; a letter  \
             * after one or two signs after a letter) */                                                               \
            uint64_t run = c.l & s1 & l2 & s3 & l4 & ~l5;                                                              \
            for (uint64_t m = run & 15; m != 0; m &= m - 1) {                                                          \
                size_t k = i + (size_t)__builtin_ctzll(m) - 4;                                                         \
                if (k >= skip && confirm(u, len, from, k, at, &skip))                                                  \
                    return 1;                                                                                          \
            }                                                                                                          \
            for (uint64_t m = (c.ef | (c.l & d1 & (l2 | (d2 & l3))) | run >> 4) & in; m != 0; m &= m - 1) {          \
                size_t k = i + (size_t)__builtin_ctzll(m);                                                             \
                if (k >= skip && confirm(u, len, from, k, at, &skip))                                                  \
                    return 1;                                                                                          \
            }                                                                                                          \
            pv = c;                                                                                                    \
        }                                                                                                              \
        return 0;                                                                                                      \
    }
#ifdef __x86_64__
BLOCKS(blocks_avx2, classify_avx2, __attribute__((target("avx2"))))
BLOCKS(blocks_sse2, classify_sse2, )
#endif
BLOCKS(blocks_scalar, classify_scalar, )
#undef BLOCKS

int rg_pi_mask_next(const char *s, size_t len, size_t from, size_t *at)
{
#ifdef __x86_64__
    return (__builtin_cpu_supports("avx2") ? blocks_avx2 : blocks_sse2)((const unsigned char *)s, len, from, at);
#else
    return blocks_scalar((const unsigned char *)s, len, from, at);
#endif
}

int rg_pi_mask_next_portable(const char *s, size_t len, size_t from, size_t *at)
{
    return blocks_scalar((const unsigned char *)s, len, from, at);
}

#ifdef __x86_64__
int rg_pi_mask_next_sse2(const char *s, size_t len, size_t from, size_t *at)
{
    return blocks_sse2((const unsigned char *)s, len, from, at);
}
#endif

size_t rg_pi_unmask(const char *s, size_t len, char *out, size_t cap)
{
    static const char leet_letter[128] = {['0'] = 'o', ['1'] = 'i', ['3'] = 'e', ['4'] = 'a',
                                          ['5'] = 's', ['7'] = 't', ['@'] = 'a', ['$'] = 's'};
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    for (size_t i = 0; i < len && n < cap;) {
        unsigned fw = fullwidth_ascii(u, len, i);
        if (fw != 0) {
            out[n++] = (char)fw;
            i += 3;
            continue;
        }
        size_t end;
        int at_start = i == 0 || !word_byte(u[i - 1]);
        if (at_start && ascii_letter(u[i]) && (i + 1 >= len || !ascii_letter(u[i + 1])) &&
            spaced_run(u, len, i, &end) >= RG_PI_SPACED_MIN) {
            /* a gap between words: two separators or more, or a space between letters separated otherwise */
            unsigned sep = u[i + 1];
            for (size_t j = i; j < end && n < cap;) {
                if (ascii_letter(u[j])) {
                    out[n++] = (char)u[j++];
                    continue;
                }
                size_t g = j;
                int space = 0;
                for (; g < end && !ascii_letter(u[g]); g++)
                    space |= u[g] == ' ';
                if (g - j >= 2 || (space && sep != ' '))
                    out[n++] = ' ';
                j = g;
            }
            i = end;
            continue;
        }
        if (at_start && (ascii_letter(u[i]) || leet_sign(u[i])) && leet_word(u, len, i, &end, 1)) {
            for (size_t j = i; j < end && n < cap; j++)
                out[n++] = leet_sign(u[j]) ? leet_letter[u[j]] : (char)u[j];
            i = end;
            continue;
        }
        out[n++] = (char)u[i++];
    }
    return n;
}
