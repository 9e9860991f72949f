/*
 * entity_check.h — the check side of the entity detectors (railgate.pii,
 * railgate.secrets): parameters, actions, placeholders, result data.
 *
 * Parameters (besides the detector's own, see its param_keys):
 *   entities  array of type names (case-insensitive); default: the
 *             detector's default set. Unknown names fail at compile.
 *   action    "detect" (default: verdict false when anything is found),
 *             "redact" (each span becomes [TYPE_n], verdict true) or
 *             "mask" (letters and digits become '*' but the last four, see rg_ec_mask).
 *   redact    true: Portkey's PII plugins' spelling of action "redact".
 *   scope     "all": every message (read by the hook compiler).
 *   allow_list  array of exact, case-sensitive values that are neither
 *             reported nor redacted (entity_allow.h).
 *
 * Placeholders are numbered per type by distinct value in the order first
 * seen across the parts of one run: the same address twice is [EMAIL_1]
 * twice, another one [EMAIL_2]. "The same" is per type, as the detector
 * says (rg_detector_ops_t.same): John@Example.com is john@example.com,
 * (555) 123-4567 is 555-123-4567.
 *
 * data: {"action", "found": n, "entities": [{"type", "part", "start", "end",
 * "excerpt"}] (the first RG_EC_REPORT_MAX), "counts": {"TYPE": n}, "truncated"?: true}. Offsets count
 * Unicode code points within the part (as Python and Presidio count); the
 * excerpt is the masked value, never the raw one. A run that found something
 * returns data as JSON text (check.h, data_json), written without a tree; the
 * data of a run that found nothing is one tree made at compile and shared
 * between runs (read-only, as check.h requires of data).
 */
#ifndef RG_GUARD_CHECKS_ENTITY_CHECK_H
#define RG_GUARD_CHECKS_ENTITY_CHECK_H

#include "detect/entity.h"
#include "guard/check.h"

/* Entities listed in data.entities per run; past it they are still counted (found, counts) and redacted or
 * masked, and data.truncated is true. A text part with more than RG_ENTITIES_MAX candidate spans cannot be
 * redacted or masked completely: the check then fails (verdict false, data.refused) rather than let some
 * through — a verdict, not an error, since an errored check lets its hook pass. */
#define RG_EC_REPORT_MAX 256

void *rg_ec_compile(const rg_detector_ops_t *ops, json_t *params, char *err, size_t errsz);
void rg_ec_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res);
void rg_ec_free(void *compiled);
/* check.h's pending for streams: with action detect, the text's last run without white space and 64 bytes before
 * it, or more when the detector says so (rg_detector_ops_t.pending); 0 for redact and mask, which pass. */
size_t rg_ec_pending(const void *compiled, const char *text, size_t len);

/* The masked form of s (letters and digits become '*' but the last four of values with nine or more, the
 * last one of values with six to eight), appended to out. Used for excerpts and the mask action. 0 or -1. */
struct rg_buf;
int rg_ec_mask(struct rg_buf *out, const char *s, size_t len);

/* s with every span of e (resolved: sorted, not overlapping) masked as rg_ec_mask does, appended to out. 0 or
 * -1. What the `mask` action writes, and what the record writer keeps of a credential (api/record_mask.c). */
int rg_ec_mask_spans(struct rg_buf *out, const char *s, size_t len, const rg_entities_t *e);

/* Code points in s[from, to) (the offsets in data.entities): the SSE2 count the driver uses and a byte-at-a-time
 * one it must agree with (tests compare them). */
size_t rg_ec_cp_count(const char *s, size_t from, size_t to);
size_t rg_ec_cp_count_portable(const char *s, size_t from, size_t to);

#endif
