/*
 * bits.h — bit counting for the SIMD scans.
 *
 * The build targets baseline x86-64, which has no popcnt instruction: __builtin_popcount there is a call into
 * libgcc (__popcountdi2), about twenty instructions plus the call, in loops that run once per sixteen bytes.
 * This is the same count inline (SWAR: sum pairs, nibbles, bytes, then add the bytes with one multiply).
 */
#ifndef RG_CORE_BITS_H
#define RG_CORE_BITS_H

#include <stdint.h>

static inline unsigned rg_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

#endif
