/*
 * pii_validate.h — exact checks behind the PII prefilter: checksums,
 * number plans and parsers. Each takes the candidate bytes and answers
 * 1 (valid) or 0. Pure; no allocation.
 */
#ifndef RG_DETECT_PII_VALIDATE_H
#define RG_DETECT_PII_VALIDATE_H

#include <stddef.h>

/* Payment card: 12-19 digits with one kind of separator (space or '-') or none, a known issuer prefix
 * (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro, UnionPay), and the Luhn checksum. */
int rg_pii_card(const char *s, size_t len);
int rg_pii_luhn(const char *digits, size_t n);
/* US SSN ddd-dd-dddd (or spaces, dots or slashes, the same twice; or none): area 001-899 but not 666, group 01-99, serial 0001-9999. */
int rg_pii_ssn(const char *s, size_t len);
/* IBAN: country code with its registry length, two check digits, mod-97 == 1; spaces (or no-break, narrow
 * no-break or thin spaces, U+00A0, U+202F, U+2009) only between
 * groups of four. Letters of either case count as their upper-case form. */
int rg_pii_iban(const char *s, size_t len);
/* IPv4 dotted quad (no leading zeros), IPv6 in any RFC 4291 text form (inet_pton). */
int rg_pii_ipv4(const char *s, size_t len);
int rg_pii_ipv6(const char *s, size_t len);
/* A calendar date in the forms the date patterns match (Y-M-D, D/M/Y or M/D/Y, "12 March 1985",
 * "March 12, 1985"), year 1900-2099, day valid for the month. */
int rg_pii_date(const char *s, size_t len);
/* A date starting at s[i] in one of those forms: 1 with its end, else 0. */
int rg_pii_date_at(const char *s, size_t len, size_t i, size_t *end);
/* Digits in s (not counting an extension after x/ext). */
size_t rg_pii_phone_digits(const char *s, size_t len);

#endif
