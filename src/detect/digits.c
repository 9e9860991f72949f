/* digits.c — the next ASCII digit, 16 bytes at a time where SSE2 is there (see digits.h). */
#include "detect/digits.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#ifdef __SSE2__
/* 0xFF in each lane of v that holds an ASCII digit: '0'..'9' moved to -128..-119 by one add, then one signed
 * compare (every other byte lands at -118 or above). */
static inline __m128i digit_lanes(__m128i v)
{
    return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x80 - '0')), _mm_set1_epi8(-128 + 10));
}
#endif

#ifdef HAVE_AVX2_PATH
/* 64 bytes a step with two 32-byte compares: the first digit in s[i, len) when one is met, else where the
 * steps stopped (fewer than 64 bytes left); the caller's loops finish from there. */
__attribute__((target("avx2"))) static size_t digit_next_avx2(const char *s, size_t len, size_t i)
{
    const __m256i off = _mm256_set1_epi8((char)(0x80 - '0')), lim = _mm256_set1_epi8(-128 + 10);
    while (i + 64 <= len) {
        __m256i a = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(s + i)), off);
        __m256i b = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(s + i + 32)), off);
        unsigned ma = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(lim, a));
        unsigned mb = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(lim, b));
        if ((ma | mb) != 0)
            return i + (ma != 0 ? (size_t)__builtin_ctz(ma) : 32 + (size_t)__builtin_ctz(mb));
        i += 64;
    }
    return i;
}
#endif

size_t rg_digit_next(const char *s, size_t len, size_t i)
{
#ifdef HAVE_AVX2_PATH
    if (len - i >= 64 && __builtin_cpu_supports("avx2")) {
        i = digit_next_avx2(s, len, i);
        if (i + 64 <= len)
            return i; /* the steps stop early only at a digit */
    }
#endif
#ifdef __SSE2__
    while (i + 64 <= len) { /* prose has few digits: 64 bytes a step, then the 16 that hold the first */
        const __m128i *p = (const __m128i *)(const void *)(s + i);
        __m128i d0 = digit_lanes(_mm_loadu_si128(p)), d1 = digit_lanes(_mm_loadu_si128(p + 1));
        __m128i d2 = digit_lanes(_mm_loadu_si128(p + 2)), d3 = digit_lanes(_mm_loadu_si128(p + 3));
        if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(d0, d1), _mm_or_si128(d2, d3))) != 0)
            break;
        i += 64;
    }
    while (i + 16 <= len) {
        int bits = _mm_movemask_epi8(digit_lanes(_mm_loadu_si128((const __m128i *)(const void *)(s + i))));
        if (bits != 0)
            return i + (size_t)__builtin_ctz((unsigned)bits);
        i += 16;
    }
#endif
    for (; i < len; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return i;
    return len;
}
