/*
 * default.wordCount — Portkey: text.trim().split(/\s+/).length within
 * [minWords, maxWords], inclusive; `not` inverts. \s and trim() are
 * JavaScript's (Unicode spaces such as U+00A0, U+2003, U+3000 and U+FEFF
 * separate words). Text that is empty after trimming is an error. Both
 * bounds must be integers (Number.isInteger: 5.0 counts).
 */
#include "core/bits.h"
#include "guard/checks/common.h"
#include "guard/checks/count_range.h"
#include "guard/js_value.h"

#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#define RANGE "the specified range of %s-%s words"
static const rg_ck_count_kind_t kind = {
    .min_param = "minWords",
    .max_param = "maxWords",
    .min_key = "minWords",
    .max_key = "maxWords",
    .count_key = "wordCount",
    .integers = 1,
    .bad_range = "Invalid or missing word count range",
    .missing = "An error occurred while processing word count: Missing text to analyze",
    .fmt = {"The text contains %zu words, which is outside " RANGE ".",
            "The text contains %zu words, which is within " RANGE " when it should not be.",
            "The text contains %zu words, which is within " RANGE ".",
            "The text contains %zu words, which is outside " RANGE " as expected."},
};

static void *wc_compile(json_t *params, char *err, size_t errsz)
{
    return rg_ck_count_compile(&kind, params, err, errsz);
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The high bit of every byte of v (all ASCII) that is JavaScript white space: 0x09..0x0D or 0x20. */
static inline uint64_t space_mask(uint64_t v)
{
    uint64_t x = v ^ (ONES * 0x20), low = ~HIGHS;
    uint64_t blank = ~(((x & low) + low) | x | low);              /* the byte is 0x20 */
    uint64_t ctl = (v + ONES * (0x80 - 0x09)) & ~(v + ONES * (0x80 - 0x0E)); /* 0x09 <= byte < 0x0E */
    return (blank | ctl) & HIGHS;
}

static void wc_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    size_t len, b, e;
    const char *text = rg_ck_text(env, &len);
    rg_js_trim(text, len, &b, &e);
    if (b == e) {
        rg_ck_count_missing(compiled, text, len, res);
        return;
    }
    /* split(/\s+/) of a trimmed string: one word more than there are runs of space */
    size_t count = 1;
    int in_space = 0;
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = b; i < e;) {
#ifdef __SSE2__
        if (e - i >= 16) { /* sixteen bytes at once when all are ASCII: the same count as the loop below */
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            if (_mm_movemask_epi8(v) == 0) {
                /* space: 0x20, or 0x09..0x0D (0x09 + x for x < 5, as a signed compare after the shift) */
                __m128i ctl = _mm_cmplt_epi8(_mm_sub_epi8(v, _mm_set1_epi8(0x09)), _mm_set1_epi8(5));
                __m128i low = _mm_cmpgt_epi8(v, _mm_set1_epi8(0x08));
                __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_and_si128(ctl, low));
                unsigned m = (unsigned)_mm_movemask_epi8(sp);
                unsigned starts = m & ~((m << 1) | (unsigned)in_space);
                count += (size_t)rg_popcount64(starts);
                in_space = (int)((m >> 15) & 1);
                i += 16;
                continue;
            }
        }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (e - i >= 8) { /* eight ASCII bytes at once: count the space bytes whose previous byte is not one */
            uint64_t v;
            memcpy(&v, u + i, 8);
            if ((v & HIGHS) == 0) {
                uint64_t m = space_mask(v);
                uint64_t starts = m & ~((m << 8) | (in_space ? 0x80u : 0u));
                count += (size_t)((((starts >> 7) * ONES) >> 56) & 0xFF);
                in_space = (int)(m >> 63);
                i += 8;
                continue;
            }
        }
#endif
        int sp;
        if (u[i] < 0x80) { /* ASCII: no decoding */
            sp = u[i] == ' ' || (u[i] >= 0x09 && u[i] <= 0x0D);
            i++;
        } else {
            uint32_t cp;
            i += rg_js_utf8_next(text, e, i, &cp);
            sp = rg_js_space(cp);
        }
        if (sp && !in_space)
            count++;
        in_space = sp;
    }
    rg_ck_count_result(compiled, count, text + b, e - b, res); /* excerpt of the trimmed text */
}

const rg_check_ops_t rg_check_word_count = {
    .id = "default.wordCount",
    .compile = wc_compile,
    .run = wc_run,
    .free = free,
};
