/* digits.c — the next ASCII digit, 16 bytes at a time where SSE2 is there (see digits.h). */
#include "detect/digits.h"

#include <stdint.h>

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
/* Bit k: p[k] (k < 64) is a digit. */
__attribute__((target("avx2"))) static inline uint64_t digits64(const char *p, __m256i off, __m256i lim)
{
    __m256i a = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)p), off);
    __m256i b = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + 32)), off);
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(lim, a)) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(lim, b)) << 32;
}

/* 128 bytes a step (four 32-byte compares, one test: prose has a digit every few hundred bytes), then the 64
 * bytes ending at len (len >= 64), those before i masked off: the first digit in s[i, len), or len. */
__attribute__((target("avx2"))) static size_t digit_next_avx2(const char *s, size_t len, size_t i)
{
    const __m256i off = _mm256_set1_epi8((char)(0x80 - '0')), lim = _mm256_set1_epi8(-128 + 10);
    while (i + 128 <= len) {
        const char *p = s + i;
        __m256i a = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)p), off);
        __m256i b = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + 32)), off);
        __m256i c = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + 64)), off);
        __m256i d = _mm256_add_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + 96)), off);
        __m256i any = _mm256_or_si256(_mm256_or_si256(_mm256_cmpgt_epi8(lim, a), _mm256_cmpgt_epi8(lim, b)),
                                      _mm256_or_si256(_mm256_cmpgt_epi8(lim, c), _mm256_cmpgt_epi8(lim, d)));
        if (!_mm256_testz_si256(any, any)) {
            uint64_t m = digits64(p, off, lim);
            return i + (m != 0 ? (size_t)__builtin_ctzll(m) : 64 + (size_t)__builtin_ctzll(digits64(p + 64, off, lim)));
        }
        i += 128;
    }
    if (i + 64 <= len) {
        uint64_t m = digits64(s + i, off, lim);
        if (m != 0)
            return i + (size_t)__builtin_ctzll(m);
        i += 64;
    }
    if (i >= len)
        return len;
    size_t j = len - 64; /* j < i: the last block overlaps what was seen */
    uint64_t m = digits64(s + j, off, lim) >> (i - j);
    return m != 0 ? i + (size_t)__builtin_ctzll(m) : len;
}
#endif

size_t rg_digit_next(const char *s, size_t len, size_t i)
{
#ifdef HAVE_AVX2_PATH
    if (len >= 64 && __builtin_cpu_supports("avx2"))
        return i < len ? digit_next_avx2(s, len, i) : len;
#endif
    return rg_digit_next_sse2(s, len, i);
}

size_t rg_digit_next_sse2(const char *s, size_t len, size_t i)
{
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
    if (len >= 16 && i < len) { /* the 16 bytes ending at len, those before i masked off */
        size_t j = len - 16;
        unsigned bits = (unsigned)_mm_movemask_epi8(digit_lanes(_mm_loadu_si128((const __m128i *)(const void *)(s + j))));
        bits >>= i - j;
        return bits != 0 ? i + (size_t)__builtin_ctz(bits) : len;
    }
#endif
    return rg_digit_next_portable(s, len, i);
}

size_t rg_digit_next_portable(const char *s, size_t len, size_t i)
{
    for (; i < len; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return i;
    return len;
}
