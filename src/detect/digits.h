/*
 * digits.h — finding digits fast. Prose has few digits, and the numeric
 * PII shapes (cards, phones, SSNs, IBANs, IPv4) all contain some, so the
 * PII detector looks for digits 16 bytes at a time (SSE2) and runs its
 * numeric patterns only on windows around them: digit-class patterns defeat
 * Vectorscan's literal acceleration and cost several instructions per byte
 * of text, digits or not.
 */
#ifndef RG_DETECT_DIGITS_H
#define RG_DETECT_DIGITS_H

#include <stddef.h>

/* Index of the first ASCII digit in s[i, len), or len (i <= len). AVX2 when the CPU has it, else SSE2; both
 * finish with one block that ends at len (no byte loop at the end of a text). */
size_t rg_digit_next(const char *s, size_t len, size_t i);

/* The same without AVX2, and a byte at a time: what the fast paths must agree with (tests compare them). */
size_t rg_digit_next_sse2(const char *s, size_t len, size_t i);
size_t rg_digit_next_portable(const char *s, size_t len, size_t i);

/* The first ASCII digit or '@' in s[i, len), or len: the PII scan looks for e-mail addresses ('@') in the same
 * pass as for numbers, instead of a pass of its own. Same paths as above. */
size_t rg_digit_at_next(const char *s, size_t len, size_t i);
size_t rg_digit_at_next_sse2(const char *s, size_t len, size_t i);
size_t rg_digit_at_next_portable(const char *s, size_t len, size_t i);

#endif
