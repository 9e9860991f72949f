/*
 * entity.h — spans found by the entity detectors (PII, secrets), and the
 * detector interface the railgate.pii / railgate.secrets checks drive.
 *
 * A detector finds typed byte spans in one piece of text. Its patterns run
 * in one Vectorscan pass (detect/hs.h); each pattern hit is validated
 * exactly (Luhn, mod-97, address parsing, entropy) before it becomes a span.
 * What the check then does with the spans (detect, redact, mask), the
 * placeholders and the result data are the check's business
 * (guard/checks/entity_check.c), the same for every detector.
 */
#ifndef RG_DETECT_ENTITY_H
#define RG_DETECT_ENTITY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_entity {
    uint32_t start, end; /* byte offsets [start, end) */
    uint16_t type;       /* index into the detector's types[] */
    uint16_t prio;       /* on overlaps of equal length the higher wins */
} rg_entity_t;

/* Spans per text are capped (12 bytes each: 12 MB at the cap). At the cap the list is resolved (overlapping
 * candidates are most of a long list); only when the winners alone still fill three quarters of it are more
 * dropped and `truncated` set, and the check then refuses to redact or mask that text (entity_check.h). Real
 * entities take several bytes each: a 4 MB body cannot hold that many. */
#define RG_ENTITIES_MAX (1 << 20)

typedef struct rg_entities {
    rg_entity_t *v;
    size_t n, cap;
    int truncated;
    int lent; /* v is the caller's storage (rg_entities_init_lent): copied out when it fills, never freed */
} rg_entities_t;

/* Empty, with the caller's storage for the first cap spans (most texts have a few: no allocation for them).
 * A list set up with {0} starts with none. */
void rg_entities_init_lent(rg_entities_t *e, rg_entity_t *buf, size_t cap);

/* 0, or -1 out of memory. Past the cap (see above): 0 with truncated set. */
int rg_entities_add(rg_entities_t *e, size_t start, size_t end, unsigned type, unsigned prio);
/* Sorts by start and drops overlaps: the longer span wins, then the higher prio, then the earlier (greedy, group
 * by group of transitively overlapping spans: O(n log n) plus the square of each group's size). */
void rg_entities_resolve(rg_entities_t *e);
void rg_entities_clear(rg_entities_t *e); /* n = 0, keeps the memory */
void rg_entities_free(rg_entities_t *e);

#define RG_DETECTOR_TYPES_MAX 64

/* How two values of one type count as the same for placeholder numbers ([EMAIL_1] for both): bits of a type's
 * entry in rg_detector_ops_t.same; 0 is byte for byte. */
enum {
    RG_SAME_CASELESS = 1, /* ASCII letters in either case (John@Example.com, john@example.com) */
    RG_SAME_DIGITS = 2,   /* the digits alone (555-123-4567, (555) 123-4567) */
    RG_SAME_ALNUM = 4,    /* ASCII letters and digits alone: separators, spaces and other bytes left out */
};

typedef struct rg_detector_ops {
    const char *name;                 /* "pii" */
    const char *const *types;         /* entity type names ("EMAIL", ...), NULL-terminated, at most 64 */
    uint64_t default_types;           /* bit i = types[i] when the check names no `entities` */
    /* The detector for the chosen types (bit mask) and the check's other parameters (its own keys only;
     * the check has taken `entities`, `action`, `redact`, `scope`). NULL with err on bad parameters. */
    void *(*compile)(uint64_t types, json_t *params, char *err, size_t errsz);
    /* Appends the spans found in s to out (unresolved: overlaps are fine). 0, or -1 out of memory or a
     * scan error. Pure: safe from any thread on the same det. */
    int (*find)(const void *det, const char *s, size_t len, rg_entities_t *out);
    void (*free)(void *det);
    /* Parameter keys compile accepts besides the common ones, NULL-terminated (others are rejected). */
    const char *const *param_keys;
    int credentials; /* what it finds are credentials (the check's result says so when it finds any) */
    /* Optional, for streams (guard/check.h, pending): bytes at the end of s where a span may have begun that
     * more text would complete, beyond the last run without white space (the check holds that already). */
    size_t (*pending)(const void *det, const char *s, size_t len);
    uint8_t same[RG_DETECTOR_TYPES_MAX]; /* per type, RG_SAME_* bits: which values share a placeholder number */
} rg_detector_ops_t;

/* Index of name in ops->types, case-insensitive; -1 when unknown. */
int rg_detector_type(const rg_detector_ops_t *ops, const char *name, size_t len);

#endif
