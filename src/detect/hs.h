/*
 * hs.h — Vectorscan (libhs) pattern sets for the in-process detectors.
 *
 * A detector compiles all of its patterns into one database when its check
 * is compiled (config load, or the per-worker cache of request configs), so
 * a database lives exactly as long as the config generation that made it.
 * Scanning needs scratch space; each thread keeps one scratch, grown on the
 * first scan of each database it has not seen (hs_alloc_scratch), and freed
 * when the thread ends. A scan is a single pass over the text whatever the
 * number of patterns; callers then validate exactly (Luhn, mod-97, parsing,
 * entropy) only where a pattern fired.
 */
#ifndef RG_DETECT_HS_H
#define RG_DETECT_HS_H

#include <stddef.h>

typedef struct rg_hs_db rg_hs_db_t;

typedef struct rg_hs_pattern {
    const char *expr; /* PCRE-style expression, NUL-terminated */
    unsigned flags;   /* HS_FLAG_* (hs/hs_compile.h) */
    unsigned id;      /* reported to the match callback */
} rg_hs_pattern_t;

/* NULL with a message in err (which pattern failed and why). */
rg_hs_db_t *rg_hs_compile(const rg_hs_pattern_t *pats, size_t n, char *err, size_t errsz);
void rg_hs_free(rg_hs_db_t *db);

/*
 * The same, through an on-disk cache of compiled databases: for the built-in pattern sets only (prompt injection,
 * the default secrets set), whose compile costs a second of CPU at every start. The key hashes the patterns, the
 * Vectorscan version and the host platform; a hit is hs_deserialize_database'd (which checks the bytes' header and
 * platform), a miss compiles and writes the serialized database (temporary file + rename). The directory:
 * $RAILGATE_CACHE_DIR, else $XDG_CACHE_HOME/railgate, else $HOME/.cache/railgate; created 0700 and used only when
 * it is a directory owned by this user and not writable by others. RAILGATE_CACHE_DIR=off, or no usable directory,
 * compiles every time. Never used for pattern sets a request or an operator supplies (their variety is unbounded).
 */
rg_hs_db_t *rg_hs_compile_cached(const rg_hs_pattern_t *pats, size_t n, char *err, size_t errsz);

/* Per match: the pattern id and [from, to) (from is 0 unless HS_FLAG_SOM_LEFTMOST). Nonzero stops the scan. */
typedef int (*rg_hs_match_fn)(unsigned id, size_t from, size_t to, void *ctx);

/*
 * Vectorscan 5.4.9 (Debian's libhs) can miss matches that end in the last 31 bytes of a buffer of 66 bytes or
 * more, depending on where the buffer ends relative to a 64-byte boundary (none missed when it ends on one; see
 * docs/internals/detect-pii.md, "Vectorscan: matches that depended on the buffer's address"). It happens for some
 * pattern sets only (short literals sharing their first byte, e.g. {".com", ".org"} or {"ab", "ac"}), none of
 * the built-in ones (tests/unit/test_hs_offsets.c scans every detector at the 64 offsets of a cache line).
 * rg_hs_scan scans the caller's bytes where they are; a caller that makes its own copy of the text (topics.c's
 * folded copy) places it to end on an RG_HS_END_ALIGN boundary.
 */
#define RG_HS_END_ALIGN 64

/* 0 scanned, 1 the callback stopped it, -1 error (no scratch: out of memory). */
int rg_hs_scan(const rg_hs_db_t *db, const char *s, size_t len, rg_hs_match_fn fn, void *ctx);

#endif
