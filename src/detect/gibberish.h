/*
 * gibberish.h — how much a text looks like keyboard mash or random strings:
 * a character trigram model over folded Latin letters.
 *
 * Words are runs of letters and digits with at least one letter, split where
 * an ASCII lowercase letter is followed by an uppercase one (camelCase).
 * Letters are folded to a..z (detect/fold.h: case, accents, ligatures); a run
 * of digits inside a word is one symbol; invisible characters and combining
 * marks are skipped; everything else, letters of other scripts included, is
 * a word boundary. Each word costs -log2 P(c | two previous symbols) for
 * every letter and for its end, from the model's table; `bits` is the mean
 * cost per event over the whole text, and `score` maps it linearly from the
 * model's two calibration points (0 at the median of held-out prose, 1 at
 * the median of generated mash and random strings), clamped to 0..1.
 *
 * Models are built by scripts/train/train_gibberish.py (format in its
 * header). The one shipped in models/gibberish.bin is embedded in the
 * binary; rg_gib_load_file reads another. Loading validates everything
 * (magic, version, sizes, CRC-32, calibration) and never trusts a field it
 * has not checked. A model is read-only once loaded: share it across threads.
 */
#ifndef RG_DETECT_GIBBERISH_H
#define RG_DETECT_GIBBERISH_H

#include <stddef.h>
#include <stdint.h>

#define RG_GIB_SYMBOLS 28
#define RG_GIB_TABLE (RG_GIB_SYMBOLS * RG_GIB_SYMBOLS * RG_GIB_SYMBOLS)
#define RG_GIB_HEADER 64
#define RG_GIB_FILE_MAX ((size_t)1 << 20)

typedef struct rg_gib_model rg_gib_model_t;

/* A model from its file image (copied). NULL with a message in err when the image is not a valid model. */
rg_gib_model_t *rg_gib_load(const unsigned char *p, size_t len, char *err, size_t errsz);
/* The same from a regular file of at most RG_GIB_FILE_MAX bytes. */
rg_gib_model_t *rg_gib_load_file(const char *path, char *err, size_t errsz);
/* The embedded model (validated on first use; NULL with err if the build shipped a bad one). Never free it. */
const rg_gib_model_t *rg_gib_builtin(char *err, size_t errsz);
void rg_gib_free(rg_gib_model_t *m); /* not for rg_gib_builtin()'s */

/* The CRC-32 (IEEE, as zlib's crc32) the format stores for its table; for tools and tests. */
uint32_t rg_gib_crc32(const unsigned char *p, size_t n);

/* The model's calibration points, in bits per character. */
double rg_gib_good_bits(const rg_gib_model_t *m);
double rg_gib_bad_bits(const rg_gib_model_t *m);

typedef struct rg_gib_score {
    size_t letters;       /* Latin letters scored */
    size_t words;         /* words scored */
    size_t other_letters; /* letters of other scripts (not scored) */
    size_t shorthand;     /* chat shorthand words left out (lol, idk, tbh; gibberish_shorthand.c) */
    double bits;          /* mean bits per event; 0 without words */
    double score;         /* 0..1 */
} rg_gib_score_t;

/* Chat shorthand ("lol", "idk", "tbh": common English abbreviations and interjections) is left out of the score
 * when it costs at least RG_GIB_SHORTHAND_BITS a symbol: no letters, cost or word of it count, so a text of
 * shorthand is too short, and shorthand beside mash leaves the mash's score. Cheaper words are scored as any. */
#define RG_GIB_SHORTHAND_MAX 6
#define RG_GIB_SHORTHAND_BITS 5
void rg_gib_score(const rg_gib_model_t *m, const char *s, size_t len, rg_gib_score_t *out);
/* The same, a character at a time: the plain definition (tests compare the two). */
void rg_gib_score_reference(const rg_gib_model_t *m, const char *s, size_t len, rg_gib_score_t *out);
/* Whether w[0, n) (ASCII letters, any case) is on the shorthand list; the list itself, for tests. */
int rg_gib_shorthand(const char *w, size_t n);
size_t rg_gib_shorthand_words(const char *const **out);

#endif
