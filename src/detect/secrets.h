/*
 * secrets.h — the secrets detector behind railgate.secrets.
 *
 * Finds credentials in text: vendor formats with a fixed prefix or shape
 * (AWS_ACCESS_KEY, GITHUB_TOKEN, SLACK_TOKEN, ... each its own type),
 * PRIVATE_KEY blocks, JWT, credentials in URLs (BASIC_AUTH_URL), values
 * named by their context (PASSWORD: password/secret/token/api key
 * assignments, Authorization headers, curl -u) and GENERIC_HIGH_ENTROPY
 * machine-made strings. All patterns of the chosen types run in one
 * Vectorscan pass; each hit is then validated in C (length, charset,
 * placeholders, entropy, decoding where the format has structure). The
 * generic rule is a separate single pass over the text. Design, the exact
 * rules and what is deliberately not detected: docs/internals/detect-secrets.md.
 *
 * Parameters (besides entity_check.h's):
 *   entropy_threshold  number, for GENERIC_HIGH_ENTROPY: in (0, 1] the
 *                      token's Shannon entropy over the most a string of
 *                      its length could have (log2 of min(length, 64)),
 *                      default 0.8; above 1: bits per character (e.g. 4.5),
 *                      at most 6. Vendor bodies that must look random use
 *                      the default.
 *   min_length         integer 8..256, the generic rule's shortest token
 *                      (default 20).
 *   refuse_sequences   boolean, default false: spans holding a counting run
 *                      of 8 (12345678, abcdefgh: test fixtures' fakes of a
 *                      full-format key) are reported; true refuses them.
 *                      Filler (xxxx, ****, one repeated character, the
 *                      alphabet typed out, EXAMPLE, <your-key>) is always
 *                      refused.
 */
#ifndef RG_DETECT_SECRETS_H
#define RG_DETECT_SECRETS_H

#include "detect/entity.h"

extern const rg_detector_ops_t rg_detector_secrets;

#endif
