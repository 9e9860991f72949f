/*
 * pii_numbers.h — the numeric PII shapes (payment cards, SSNs, IPv4
 * addresses, phone numbers, IBANs), found without regular expressions.
 *
 * Digit-class patterns cost Vectorscan several instructions per byte of
 * text whether or not it has digits, and a fixed cost per scan call that
 * dominates a 1 KB prompt. Instead rg_digit_next (SSE2) skips to the next
 * digit, the run of digit groups around it is split at its separators
 * ("415-555-0132" is 415 / 555 / 0132 with '-' between), and every run of
 * consecutive groups is tried against each shape; the exact validators
 * (pii_validate.h) decide. Work is proportional to the digits in the text.
 */
#ifndef RG_DETECT_PII_NUMBERS_H
#define RG_DETECT_PII_NUMBERS_H

#include "detect/entity.h"

#include <stdint.h>

/* Called for an '@' at s[at]; nonzero stops the scan (out of memory). */
typedef int (*rg_pii_at_fn)(void *ctx, size_t at);

/* Adds the numeric entities of the types in `types` (bits of RG_PII_*) found in s. With on_at, also calls it for
 * every '@' in s, in order (the e-mail addresses are looked for in the same pass: digits and '@' are found by one
 * vector compare, rg_digit_at_next). 0, or -1 out of memory or when on_at stopped the scan. */
int rg_pii_numbers(const char *s, size_t len, uint64_t types, const unsigned char *prio, rg_entities_t *out,
                   rg_pii_at_fn on_at, void *at_ctx);

#endif
