/* digits.c — the next ASCII digit (or '@'), 32 or 16 bytes at a time where AVX2 or SSE2 is there (see digits.h). */
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
/* 0xFF in each lane of a 32-byte block that holds a digit, or an '@' too when at (a constant once inlined). */
__attribute__((target("avx2"), always_inline)) static inline __m256i lanes32(const char *p, int at)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i d = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 10), _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - '0'))));
    return at ? _mm256_or_si256(d, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('@'))) : d;
}

/* Bit k: p[k] (k < 64) is a digit (or an '@'). */
__attribute__((target("avx2"), always_inline)) static inline uint64_t lanes64(const char *p, int at)
{
    return (uint32_t)_mm256_movemask_epi8(lanes32(p, at)) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(lanes32(p + 32, at)) << 32;
}

/* 128 bytes a step (four 32-byte compares, one test: prose has a digit every few hundred bytes), then the 64
 * bytes ending at len (len >= 64), those before i masked off: the first digit (or '@') in s[i, len), or len. */
__attribute__((target("avx2"), always_inline)) static inline size_t next_avx2(const char *s, size_t len, size_t i,
                                                                              int at)
{
    while (i + 128 <= len) {
        const char *p = s + i;
        __m256i any = _mm256_or_si256(_mm256_or_si256(lanes32(p, at), lanes32(p + 32, at)),
                                      _mm256_or_si256(lanes32(p + 64, at), lanes32(p + 96, at)));
        if (!_mm256_testz_si256(any, any)) {
            uint64_t m = lanes64(p, at);
            return i + (m != 0 ? (size_t)__builtin_ctzll(m) : 64 + (size_t)__builtin_ctzll(lanes64(p + 64, at)));
        }
        i += 128;
    }
    if (i + 64 <= len) {
        uint64_t m = lanes64(s + i, at);
        if (m != 0)
            return i + (size_t)__builtin_ctzll(m);
        i += 64;
    }
    if (i >= len)
        return len;
    size_t j = len - 64; /* j < i: the last block overlaps what was seen */
    uint64_t m = lanes64(s + j, at) >> (i - j);
    return m != 0 ? i + (size_t)__builtin_ctzll(m) : len;
}

__attribute__((target("avx2"))) static size_t digit_next_avx2(const char *s, size_t len, size_t i)
{
    return next_avx2(s, len, i, 0);
}

__attribute__((target("avx2"))) static size_t digit_at_next_avx2(const char *s, size_t len, size_t i)
{
    return next_avx2(s, len, i, 1);
}
#endif

#ifdef __SSE2__
/* 0xFF in each lane of the 16 bytes at p that holds a digit, or an '@' too when at (a constant once inlined). */
static inline __m128i lanes16(const char *p, int at)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p), d = digit_lanes(v);
    return at ? _mm_or_si128(d, _mm_cmpeq_epi8(v, _mm_set1_epi8('@'))) : d;
}
#endif

static inline size_t next_portable(const char *s, size_t len, size_t i, int at)
{
    for (; i < len; i++)
        if ((s[i] >= '0' && s[i] <= '9') || (at && s[i] == '@'))
            return i;
    return len;
}

/* 64 bytes a step (prose has few digits), then the 16 that hold the first; the last step is the 16 bytes ending
 * at len, those before i masked off. */
static inline size_t next_sse2(const char *s, size_t len, size_t i, int at)
{
#ifdef __SSE2__
    while (i + 64 <= len) {
        const char *p = s + i;
        __m128i any = _mm_or_si128(_mm_or_si128(lanes16(p, at), lanes16(p + 16, at)),
                                   _mm_or_si128(lanes16(p + 32, at), lanes16(p + 48, at)));
        if (_mm_movemask_epi8(any) != 0)
            break;
        i += 64;
    }
    while (i + 16 <= len) {
        int bits = _mm_movemask_epi8(lanes16(s + i, at));
        if (bits != 0)
            return i + (size_t)__builtin_ctz((unsigned)bits);
        i += 16;
    }
    if (len >= 16 && i < len) {
        size_t j = len - 16;
        unsigned bits = (unsigned)_mm_movemask_epi8(lanes16(s + j, at)) >> (i - j);
        return bits != 0 ? i + (size_t)__builtin_ctz(bits) : len;
    }
#endif
    return next_portable(s, len, i, at);
}

/* AVX2 when the CPU has it (and the text holds a 64-byte block), else SSE2. */
static inline size_t next_best(const char *s, size_t len, size_t i, int at)
{
#ifdef HAVE_AVX2_PATH
    if (len >= 64 && __builtin_cpu_supports("avx2"))
        return i >= len ? len : at ? digit_at_next_avx2(s, len, i) : digit_next_avx2(s, len, i);
#endif
    return next_sse2(s, len, i, at);
}

size_t rg_digit_next(const char *s, size_t len, size_t i) { return next_best(s, len, i, 0); }
size_t rg_digit_at_next(const char *s, size_t len, size_t i) { return next_best(s, len, i, 1); }
size_t rg_digit_next_sse2(const char *s, size_t len, size_t i) { return next_sse2(s, len, i, 0); }
size_t rg_digit_next_portable(const char *s, size_t len, size_t i) { return next_portable(s, len, i, 0); }

size_t rg_digit_at_next_sse2(const char *s, size_t len, size_t i) { return next_sse2(s, len, i, 1); }
size_t rg_digit_at_next_portable(const char *s, size_t len, size_t i) { return next_portable(s, len, i, 1); }
