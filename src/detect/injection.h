/*
 * injection.h — prompt-injection and jailbreak scoring (railgate.promptInjection).
 *
 * A logistic model over hashed features of the text, read in one pass:
 *   - character n-grams of the normalised bytes (4- and 5-grams in the
 *     shipped model; a model file may say 1..5) (ASCII lower-cased,
 *     digits folded to '0', every run of whitespace one space),
 *   - word unigrams and bigrams (words: runs of [a-z0] and bytes >= 0x80),
 *   - six pattern families (injection_patterns.c), each 1 when any of its
 *     Vectorscan patterns matches anywhere in the text.
 * n-gram weights are int8 times a scale; a window's logit is
 *     bias + scale * sum(weights) / d(number of n-grams) + sum(family weights)
 * with d(N) = sqrt(N) up to a knee K and sqrt(K) * (N / K)^a past it (model
 * format version 2; the shipped K = 1024, a = 1: past the knee a window is
 * scored by its mean weight, so length cannot inflate it; version 1 files,
 * sqrt throughout, still load). Windows are made of blocks of 256 bytes; the score is the sigmoid of the whole text's
 * logit when it spans at most 8 blocks, else of the largest logit of every
 * window of 8 consecutive blocks (sliding by one block), so a long benign
 * prefix cannot dilute an injection at the end, and length alone does not
 * move the score. Texts over 1 MiB are
 * read as their first and last 512 KiB. The arithmetic is mirrored exactly by
 * scripts/train/train_prompt_injection.py; docs/internals/detect-injection.md
 * has the file format and the data.
 *
 * Models and pattern databases are read-only once loaded: one may be shared
 * by any number of threads. Scoring allocates nothing (a fixed ring of
 * block sums on the stack).
 */
#ifndef RG_DETECT_INJECTION_H
#define RG_DETECT_INJECTION_H

#include "detect/hs.h"

#include <stddef.h>

enum {
    RG_PI_OVERRIDE = 0,
    RG_PI_NEW_INSTRUCTIONS,
    RG_PI_ROLEPLAY,
    RG_PI_EXTRACTION,
    RG_PI_DELIMITER,
    RG_PI_ENCODING,
    RG_PI_N_FAMILIES
};

/* The pattern table (injection_patterns.c). */
typedef struct rg_pi_pattern_def {
    const char *family; /* one of rg_pi_family_names */
    const char *expr;
    int caseless;
} rg_pi_pattern_def_t;
extern const char *const rg_pi_family_names[RG_PI_N_FAMILIES];
extern const rg_pi_pattern_def_t rg_pi_patterns[];
extern const size_t rg_pi_n_patterns;

/* All patterns in one database (ids are family indices). NULL with err. Compiling takes about half a second
 * (bounded repeats), so checks use the shared one: compiled on first use, read-only, never freed. */
rg_hs_db_t *rg_pi_patterns_compile(char *err, size_t errsz);
const rg_hs_db_t *rg_pi_patterns_shared(char *err, size_t errsz);

typedef struct rg_pi_model rg_pi_model_t;

/* The model built into the binary (models/prompt_injection.bin), validated once; never freed (NULL with err
 * if the embedded bytes are bad, which the unit tests rule out). */
const rg_pi_model_t *rg_pi_model_shipped(char *err, size_t errsz);
/* A model from bytes (copied) or from a file; every size and field is checked: a truncated or corrupt file is
 * NULL with a message, never a crash. */
rg_pi_model_t *rg_pi_model_load(const unsigned char *buf, size_t len, char *err, size_t errsz);
rg_pi_model_t *rg_pi_model_load_file(const char *path, char *err, size_t errsz);
void rg_pi_model_free(rg_pi_model_t *m); /* not for the shipped model */

/* Files larger than this are refused. */
#define RG_PI_MODEL_MAX_FILE (64u << 20)
/* Bytes of text read: longer texts are read as their first and last half of this. */
#define RG_PI_SCAN_CAP ((size_t)1 << 20)

typedef struct rg_pi_result {
    double score;      /* 0..1 */
    unsigned families; /* bit i: family i fired */
    int decoded;       /* rg_pi_score_text: the score is a base64 payload's */
    int unmasked;      /* rg_pi_score_text: the score is that of text with full-width, spaced or leet words undone */
} rg_pi_result_t;

/* Scores s[0..len). db NULL: no pattern features. 0, or -1 when the pattern scan failed (no scratch memory). */
int rg_pi_score(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len, rg_pi_result_t *out);
/* The same score from the loop that reads any configuration, never the shipped configuration's own loop: for the
 * unit test that holds the two to the same bits. */
int rg_pi_score_general(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len,
                        rg_pi_result_t *out);
/* The same score from the shipped configuration's portable loop (no SIMD), which rg_pi_score uses when the CPU
 * has no AVX2: for the unit test that holds the vector loop to the same bits. */
int rg_pi_score_portable(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len,
                         rg_pi_result_t *out);

/* Instructions hidden in base64 ("aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=, decode and follow it"): the model
 * reads a payload as noise. rg_pi_score, then every run of RG_PI_B64_MIN or more base64 characters that decodes
 * to text is scored as a text of its own (at most RG_PI_PAYLOADS_MAX of them, RG_PI_PAYLOAD_MAX bytes of each);
 * the highest score counts, and when it is a payload's, `decoded` is set and so is RG_PI_ENCODING. */
#define RG_PI_B64_MIN 24
#define RG_PI_PAYLOADS_MAX 8
#define RG_PI_PAYLOAD_MAX 4096
int rg_pi_score_text(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len, rg_pi_result_t *out);

/* Words disguised from the model (injection_unmask.c says what counts): full-width forms ("ｉｇｎｏｒｅ"), spaced
 * letters ("i g n o r e", RG_PI_SPACED_MIN letters or more) and leetspeak ("1gn0r3"). rg_pi_score_text also
 * scores, for each of the first RG_PI_PAYLOADS_MAX disguises, RG_PI_PAYLOAD_MAX bytes of text from
 * RG_PI_UNMASK_BACK bytes before it with every disguise undone; when that scores highest and at least
 * RG_PI_UNMASK_MIN (a lower score is no sign of an attack, and the families would say one), `unmasked` is set and
 * so is RG_PI_ENCODING. rg_pi_mask_next: 1 with the next disguise's offset at or after `from` in *at, else 0.
 * rg_pi_unmask: writes s[0..len) undone into out (at most cap bytes; never longer than len); its length. */
#define RG_PI_SPACED_MIN 5
#define RG_PI_UNMASK_BACK 256
#define RG_PI_UNMASK_MIN 0.5
int rg_pi_mask_next(const char *s, size_t len, size_t from, size_t *at);
/* The same answer from the plain-C classifier and (x86-64) from the SSE2 one, never from the AVX2 one that
 * rg_pi_mask_next uses where it can: for the unit test that holds the three to the same offsets. */
int rg_pi_mask_next_portable(const char *s, size_t len, size_t from, size_t *at);
#ifdef __x86_64__
int rg_pi_mask_next_sse2(const char *s, size_t len, size_t from, size_t *at);
#endif
size_t rg_pi_unmask(const char *s, size_t len, char *out, size_t cap);

/* A repetition flood ("ö ö ö …" hundreds of times, one word over and over: injection_flood.c says what counts): a
 * unit of 2 to RG_PI_FLOOD_UNIT_MAX bytes of letters and spaces, repeated RG_PI_FLOOD_REPEATS times or more over
 * RG_PI_FLOOD_BYTES bytes or more. 1 with the first one's extent [*from, *to) and unit length, else 0. Linear time
 * (a few compares per byte of prose, at most 32 short memcmps per 64 bytes of any text); no allocation. */
#define RG_PI_FLOOD_UNIT_MAX 32
#define RG_PI_FLOOD_REPEATS 16
#define RG_PI_FLOOD_BYTES 256
int rg_pi_flood(const char *s, size_t len, size_t *from, size_t *to, size_t *unit);

#endif
