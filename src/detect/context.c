/* context.c — keywords near a span (see context.h). */
#include "detect/context.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Up to this many distinct first letters the SSE2 scan compares with each; more, it finds letter starts. */
#define RG_CONTEXT_FEW_FIRST 4

static int is_letter(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

/* Does a word start at s[i] (i >= 1)? The byte before is no letter, or the word is a camel-case hump (homePhone). */
static int word_start(const char *s, size_t i)
{
    unsigned char p = (unsigned char)s[i - 1];
    return !is_letter(p) || (is_upper((unsigned char)s[i]) && is_lower(p));
}

/* Is word w (lower case; a trailing '*' lets it run on: "birth*" is in "birthday") at s[i] (case-insensitive),
 * within [i, to), and does it end there: no letter after it, or a camel-case hump (phoneNumber) other than
 * "Id"? A word that reaches `to` ends there. */
static int word_here(const char *s, size_t i, size_t to, const char *w)
{
    size_t k = 0;
    for (; w[k] && w[k] != '*'; k++) {
        if (i + k >= to)
            return 0;
        unsigned char c = (unsigned char)s[i + k];
        if (w[k] >= 'a' && w[k] <= 'z')
            c |= 0x20;
        if (c != (unsigned char)w[k])
            return 0;
    }
    if (w[k] == '*' || i + k >= to)
        return 1;
    unsigned char next = (unsigned char)s[i + k];
    if (!is_letter(next))
        return 1;
    /* a hump, but not an id's (callId, phoneID: what follows is no phone number) */
    return is_upper(next) && is_lower((unsigned char)s[i + k - 1]) &&
           !(next == 'I' && i + k + 1 < to && (s[i + k + 1] | 0x20) == 'd');
}

void rg_context_words_init(rg_context_words_t *cw, const char *const *words)
{
    memset(cw, 0, sizeof(*cw));
    cw->words = words;
    int letters = 1;
    for (size_t k = 0; words[k] && k < RG_CONTEXT_WORDS_MAX; k++) {
        unsigned char c = (unsigned char)words[k][0];
        if (!(c >= 'a' && c <= 'z'))
            letters = 0;
        else if (cw->start[c] == 0)
            memset(cw->first[cw->nfirst++], c, 16);
        cw->start[c] |= (uint32_t)1 << k;
        if (c >= 'a' && c <= 'z')
            cw->start[c - 0x20] |= (uint32_t)1 << k;
        unsigned char c2 = (unsigned char)words[k][1];
        if (c2 == 0 || c2 == '*') { /* a one-byte word: any second byte, or none */
            for (size_t b = 0; b < 256; b++)
                cw->second[b] |= (uint32_t)1 << k;
            cw->short_words |= (uint32_t)1 << k;
            continue;
        }
        cw->second[c2] |= (uint32_t)1 << k;
        if (c2 >= 'a' && c2 <= 'z')
            cw->second[c2 - 0x20] |= (uint32_t)1 << k;
    }
    if (!letters)
        cw->nfirst = 0;
}

/* Is one of the words with first byte s[i] there (i is a word start)? The first two bytes pick the words to
 * compare (two table loads). */
static inline int words_at(const char *s, size_t i, size_t to, const rg_context_words_t *cw)
{
    uint32_t m = cw->start[(unsigned char)s[i]];
    m &= i + 1 < to ? cw->second[(unsigned char)s[i + 1]] : cw->short_words;
    for (; m != 0; m &= m - 1)
        if (word_here(s, i, to, cw->words[__builtin_ctz(m)]))
            return 1;
    return 0;
}

/* One pass over the window: a byte that starts no word costs one table load; at a word start only the words
 * with that first letter are compared. */
static int any_word_bytes(const char *s, size_t from, size_t to, const rg_context_words_t *cw)
{
    for (size_t i = from; i < to; i++) {
        if (cw->start[(unsigned char)s[i]] == 0 || (i > 0 && !word_start(s, i)))
            continue;
        if (words_at(s, i, to, cw))
            return 1;
    }
    return 0;
}

#ifdef __SSE2__
/* 0xFF in each lane of v that holds c0..c0+25 (one add, one signed compare). */
static inline __m128i in26(__m128i v, char c0)
{
    return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - c0))), _mm_set1_epi8(-128 + 26));
}

/* 0xFF in each lane of the 16 bytes at s + i that is no word start (word_start): the byte before is a letter
 * ((p | 0x20) in 'a'..'z', or p >= 0x80), and no lower-case letter before an upper-case one. */
static inline __m128i no_start16(const char *s, size_t i, __m128i v)
{
    __m128i p = _mm_loadu_si128((const __m128i *)(const void *)(s + i - 1));
    __m128i prev = _mm_or_si128(in26(_mm_or_si128(p, _mm_set1_epi8(0x20)), 'a'), _mm_cmplt_epi8(p, _mm_setzero_si128()));
    return _mm_andnot_si128(_mm_and_si128(in26(p, 'a'), in26(v, 'A')), prev);
}

/* Bit k: s[i + k] (k < 16) is one of the first letters in either case at a word start (i >= 1: s[i - 1] is
 * read). */
static unsigned starts16(const char *s, size_t i, const rg_context_words_t *cw)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i lv = _mm_or_si128(v, _mm_set1_epi8(0x20)), hit = _mm_setzero_si128();
    for (unsigned k = 0; k < cw->nfirst; k++)
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(lv, _mm_load_si128((const __m128i *)(const void *)cw->first[k])));
    return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(no_start16(s, i, v), hit));
}

/* Bit k: s[i + k] (k < 16) is an ASCII letter at a word start (i >= 1). For lists with many first letters: one
 * range compare instead of one compare per letter, the start table then picks. */
static unsigned letter_starts16(const char *s, size_t i)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i cur = in26(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a');
    return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(no_start16(s, i, v), cur));
}

/* The word starts the step at i looks at: per first letter compares for short lists, else every letter start. */
static unsigned step_starts(const char *s, size_t i, const rg_context_words_t *cw)
{
    return cw->nfirst <= RG_CONTEXT_FEW_FIRST ? starts16(s, i, cw) : letter_starts16(s, i);
}
#endif

static int any_word(const char *s, size_t from, size_t to, const rg_context_words_t *cw)
{
#ifdef __SSE2__
    /* 16 positions a step: only the word starts with a listed first letter are looked at. A window shorter than
     * a step is one partial step (the 16 bytes ending at `to`, those before `from` masked off): 17 bytes of text
     * before `to` are enough. */
    if (cw->nfirst > 0 && to > from && to >= 17) {
        size_t i = from;
        if (i == 0) { /* no byte before the first */
            if (cw->start[(unsigned char)s[0]] != 0 && words_at(s, 0, to, cw))
                return 1;
            i = 1;
        }
        for (;;) {
            unsigned bits;
            if (i + 16 <= to) {
                bits = step_starts(s, i, cw);
            } else if (i < to) { /* the last, partial step: the 16 bytes ending at `to`, those seen masked off */
                size_t j = to - 16;
                bits = step_starts(s, j, cw) >> (i - j);
            } else {
                return 0;
            }
            for (; bits != 0; bits &= bits - 1) {
                size_t k = i + (size_t)__builtin_ctz(bits);
                if (cw->start[(unsigned char)s[k]] != 0 && words_at(s, k, to, cw))
                    return 1;
            }
            i += 16;
        }
    }
#endif
    return any_word_bytes(s, from, to, cw);
}

int rg_context_any_portable(const char *s, size_t from, size_t to, const rg_context_words_t *cw)
{
    return any_word_bytes(s, from, to, cw);
}

int rg_context_before(const char *s, size_t at, size_t window, const rg_context_words_t *cw)
{
    return any_word(s, at > window ? at - window : 0, at, cw);
}

int rg_context_after(const char *s, size_t len, size_t at, size_t window, const rg_context_words_t *cw)
{
    if (at > len)
        return 0;
    return any_word(s, at, len - at > window ? at + window : len, cw);
}
