/*
 * context.h — "is one of these words near this span?" for detectors whose
 * weak patterns (a bare run of digits, a date) only count next to a word
 * that says what they are ("phone", "born", "SSN").
 *
 * Words are lower-case ASCII, matched case-insensitively as whole words:
 * at a word start (the byte before is not a letter, or a camel-case hump:
 * "homePhone") and up to a word end (no letter after, or a hump:
 * "phoneNumber"), so "tel" is found in "Tel:" but not in "hotel" or
 * "telemetry". A word written with a trailing '*' may run on ("birth*" is in
 * "birthday"). Windows are in bytes and never cross the text's ends; a word
 * that reaches the window's end counts as ending there.
 */
#ifndef RG_DETECT_CONTEXT_H
#define RG_DETECT_CONTEXT_H

#include <stddef.h>

#include <stdint.h>

/* A word list (NULL-terminated, lower case, at most RG_CONTEXT_WORDS_MAX: words past it are ignored, so callers
 * check their static lists at compile time) made ready for the scans: per byte
 * value, the words that start with it in either case. Made once (rg_context_words_init), read-only after. */
#define RG_CONTEXT_WORDS_MAX 32
typedef struct rg_context_words {
    const char *const *words;
    uint32_t start[256]; /* bit k: words[k] starts with this byte */
    uint32_t second[256]; /* bit k: words[k]'s second byte is this one (either case), or words[k] is one byte */
    uint32_t short_words; /* bit k: words[k] is one byte long */
    /* The distinct first letters (lower case), each repeated 16 times for the SSE2 scan; nfirst 0 when a word
     * starts with something else than an ASCII letter (then the scan is byte by byte). */
    _Alignas(16) unsigned char first[RG_CONTEXT_WORDS_MAX][16];
    unsigned nfirst;
} rg_context_words_t;

void rg_context_words_init(rg_context_words_t *cw, const char *const *words);

/* 1 when one of the words starts within the `window` bytes before `at`. */
int rg_context_before(const char *s, size_t at, size_t window, const rg_context_words_t *cw);

/* 1 when one of the words starts within the `window` bytes from `at` on. */
int rg_context_after(const char *s, size_t len, size_t at, size_t window, const rg_context_words_t *cw);

/* 1 when one of the words starts in [from, to), a byte at a time: what the SSE2 scan behind the two above must
 * agree with (tests compare them). */
int rg_context_any_portable(const char *s, size_t from, size_t to, const rg_context_words_t *cw);

#endif
