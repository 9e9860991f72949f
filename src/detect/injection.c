/* injection.c — the prompt-injection model: file format, loading, scoring (see injection.h). */
#include "detect/injection.h"

#include "core/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <hs/hs.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

RG_BLOB_DECLARE(prompt_injection);

/*
 * File format, versions 1 and 2, little-endian:
 *   0  "RGPI"        magic
 *   4  u32 version   1 or 2
 *   8  u32 header    bytes before the weights (52 + 36 * families; version 2: 60 + 36 * families)
 *  12  u32 hash_bits 10..24: 2^hash_bits int8 weights
 *  16  u32 char_min, char_max   character n-gram lengths, 1 <= min <= max <= 5
 *  24  u32 word_max  0 none, 1 unigrams, 2 unigrams and bigrams
 *  28  u32 block     bytes per block, a power of two in 64..65536
 *  32  u32 window    blocks per window, 1..64
 *  36  u32 flags     bit 0: digits fold to '0' (required in version 1)
 *  40  u32 families  0..RG_PI_N_FAMILIES
 *  44  f32 scale     > 0, finite
 *  48  f32 bias      finite
 *  52  version 2 only: f32 knee K in [1, 2^24], f32 exponent a in [0.5, 1]: a window of S (sum of weights)
 *      over N n-grams has the logit bias + scale * S / d(N), d(N) = sqrt(N) for N <= K, else
 *      sqrt(K) * (N / K)^a (version 1: d(N) = sqrt(N) throughout)
 *  52 (v2: 60)  families x { char name[32] (NUL-padded, a known family), f32 weight }
 *   .  int8 weights[2^hash_bits]
 *   .  u32 crc32 (zlib's) of every byte before it
 */
#define PI_MAGIC "RGPI"
#define PI_FIXED 52u /* version 1; version 2 adds the knee and the exponent */
#define PI_NAME 32u

struct rg_pi_model {
    const int8_t *q;
    unsigned hash_bits, char_min, char_max, word_max, window;
    unsigned block_shift;
    float scale, bias;
    double knee, len_exp; /* version 2; version 1 reads as an infinite knee */
    float fw[RG_PI_N_FAMILIES];
    unsigned char *owned; /* the bytes q points into, when copied */
};

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float rdf(const unsigned char *p)
{
    uint32_t u = rd32(p);
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* Validates buf and fills m (q points into buf). 0, or -1 with err. */
static int parse(const unsigned char *buf, size_t len, rg_pi_model_t *m, char *err, size_t errsz)
{
    memset(m, 0, sizeof(*m));
    if (len < PI_FIXED + 4) {
        snprintf(err, errsz, "model: %zu bytes is too short for a header", len);
        return -1;
    }
    if (memcmp(buf, PI_MAGIC, 4) != 0) {
        snprintf(err, errsz, "model: not a prompt-injection model (bad magic)");
        return -1;
    }
    uint32_t version = rd32(buf + 4), header = rd32(buf + 8), bits = rd32(buf + 12);
    uint32_t cmin = rd32(buf + 16), cmax = rd32(buf + 20), wmax = rd32(buf + 24), block = rd32(buf + 28);
    uint32_t window = rd32(buf + 32), flags = rd32(buf + 36), nfam = rd32(buf + 40);
    if (version != 1 && version != 2) {
        snprintf(err, errsz, "model: version %u is not supported (1 and 2 are)", (unsigned)version);
        return -1;
    }
    uint32_t fixed = version == 1 ? PI_FIXED : PI_FIXED + 8;
    if (bits < 10 || bits > 24 || cmin < 1 || cmax > 5 || cmin > cmax || wmax > 2 || block < 64 || block > 65536 ||
        (block & (block - 1)) != 0 || window < 1 || window > 64 || flags != 1 || nfam > RG_PI_N_FAMILIES) {
        snprintf(err, errsz, "model: unsupported configuration in the header");
        return -1;
    }
    if (header != fixed + nfam * (PI_NAME + 4)) {
        snprintf(err, errsz, "model: header size %u does not match %u families", (unsigned)header, (unsigned)nfam);
        return -1;
    }
    size_t nw = (size_t)1 << bits;
    if (len != (size_t)header + nw + 4) {
        snprintf(err, errsz, "model: %zu bytes, expected %zu (truncated or corrupt)", len, (size_t)header + nw + 4);
        return -1;
    }
    if (crc32_of(buf, len - 4) != rd32(buf + len - 4)) {
        snprintf(err, errsz, "model: checksum mismatch (corrupt file)");
        return -1;
    }
    m->scale = rdf(buf + 44);
    m->bias = rdf(buf + 48);
    if (!isfinite(m->scale) || !(m->scale > 0) || !isfinite(m->bias)) {
        snprintf(err, errsz, "model: scale or bias is not a finite number");
        return -1;
    }
    m->knee = INFINITY;
    m->len_exp = 0.5;
    if (version == 2) {
        float k = rdf(buf + PI_FIXED), a = rdf(buf + PI_FIXED + 4);
        if (!(k >= 1.0f && k <= 16777216.0f) || !(a >= 0.5f && a <= 1.0f)) {
            snprintf(err, errsz, "model: length knee not in [1, 2^24] or exponent not in [0.5, 1]");
            return -1;
        }
        m->knee = k;
        m->len_exp = a;
    }
    for (uint32_t i = 0; i < nfam; i++) {
        const unsigned char *e = buf + fixed + i * (PI_NAME + 4);
        if (memchr(e, 0, PI_NAME) == NULL) {
            snprintf(err, errsz, "model: family name %u is not terminated", (unsigned)i);
            return -1;
        }
        int f = -1;
        for (int k = 0; k < RG_PI_N_FAMILIES; k++)
            if (strcmp((const char *)e, rg_pi_family_names[k]) == 0)
                f = k;
        float w = rdf(e + PI_NAME);
        if (f < 0 || !isfinite(w)) {
            snprintf(err, errsz, "model: unknown family '%.32s' or bad weight", (const char *)e);
            return -1;
        }
        m->fw[f] = w;
    }
    m->q = (const int8_t *)(buf + header);
    m->hash_bits = bits;
    m->char_min = cmin;
    m->char_max = cmax;
    m->word_max = wmax;
    m->window = window;
    m->block_shift = (unsigned)__builtin_ctz(block);
    return 0;
}

static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;
static rg_pi_model_t shipped;
static char shipped_err[160];
static int shipped_ok;

static void load_shipped(void)
{
    shipped_ok = parse(rg_model_prompt_injection, RG_BLOB_LEN(prompt_injection), &shipped, shipped_err,
                       sizeof(shipped_err)) == 0;
}

const rg_pi_model_t *rg_pi_model_shipped(char *err, size_t errsz)
{
    pthread_once(&shipped_once, load_shipped);
    if (!shipped_ok) {
        snprintf(err, errsz, "shipped %s", shipped_err);
        return NULL;
    }
    return &shipped;
}

rg_pi_model_t *rg_pi_model_load(const unsigned char *buf, size_t len, char *err, size_t errsz)
{
    rg_pi_model_t *m = malloc(sizeof(*m));
    unsigned char *copy = malloc(len ? len : 1);
    if (m == NULL || copy == NULL) {
        free(m);
        free(copy);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (len)
        memcpy(copy, buf, len);
    if (parse(copy, len, m, err, errsz) != 0) {
        free(m);
        free(copy);
        return NULL;
    }
    m->owned = copy;
    return m;
}

rg_pi_model_t *rg_pi_model_load_file(const char *path, char *err, size_t errsz)
{
    /* Regular files only, opened without blocking: a FIFO or a device named in a config must not hang the
     * thread that compiles it. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "model: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(err, errsz, "model: %s is not a regular file", path);
        return NULL;
    }
    if (st.st_size > (off_t)RG_PI_MODEL_MAX_FILE) {
        close(fd);
        snprintf(err, errsz, "model: %s is larger than %u bytes", path, RG_PI_MODEL_MAX_FILE);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0; /* one more byte: a file that grew shows as too long */
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    while (len < cap) {
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errsz, "model: cannot read %s: %s", path, strerror(errno));
            close(fd);
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    rg_pi_model_t *m = rg_pi_model_load(buf, len, err, errsz);
    free(buf);
    return m;
}

void rg_pi_model_free(rg_pi_model_t *m)
{
    if (m != NULL && m != &shipped) {
        free(m->owned);
        free(m);
    }
}

rg_hs_db_t *rg_pi_patterns_compile(char *err, size_t errsz)
{
    rg_hs_pattern_t pats[128];
    if (rg_pi_n_patterns > sizeof(pats) / sizeof(pats[0])) {
        snprintf(err, errsz, "too many injection patterns");
        return NULL;
    }
    for (size_t i = 0; i < rg_pi_n_patterns; i++) {
        int f = -1;
        for (int k = 0; k < RG_PI_N_FAMILIES; k++)
            if (strcmp(rg_pi_patterns[i].family, rg_pi_family_names[k]) == 0)
                f = k;
        if (f < 0) {
            snprintf(err, errsz, "injection pattern %zu: unknown family %s", i, rg_pi_patterns[i].family);
            return NULL;
        }
        pats[i].expr = rg_pi_patterns[i].expr;
        pats[i].flags = HS_FLAG_SINGLEMATCH | (rg_pi_patterns[i].caseless ? HS_FLAG_CASELESS : 0);
        pats[i].id = (unsigned)f;
    }
    return rg_hs_compile_cached(pats, rg_pi_n_patterns, err, errsz);
}

static pthread_once_t patterns_once = PTHREAD_ONCE_INIT;
static rg_hs_db_t *patterns_db;
static char patterns_err[256];

static void build_patterns(void)
{
    patterns_db = rg_pi_patterns_compile(patterns_err, sizeof(patterns_err));
}

const rg_hs_db_t *rg_pi_patterns_shared(char *err, size_t errsz)
{
    pthread_once(&patterns_once, build_patterns);
    if (patterns_db == NULL)
        snprintf(err, errsz, "%s", patterns_err);
    return patterns_db;
}

/* ---- scoring ----------------------------------------------------------------------------------------------- */

#define GOLD 0x9E3779B97F4A7C15ull
#define FNV_OFF 0xCBF29CE484222325ull
#define FNV_PRIME 0x100000001B3ull
#define SALT_UNI 0x5BD1E9955BD1E995ull
#define SALT_BI 0x27D4EB2F165667C5ull
#define MAX_WINDOW 64

/*
 * Byte classes: the normalised byte (ASCII letters lower-cased, digits '0', ASCII whitespace ' ', the rest
 * unchanged) in bits 0-7, CLS_WORD when it belongs to a word ('0', 'a'..'z', every byte >= 0x80), CLS_SPACE
 * when it is the space. One table read per byte.
 */
#define CLS_WORD 0x100u
#define CLS_SPACE 0x200u
#define NORM_(x)                                                                                                    \
    ((x) >= 'A' && (x) <= 'Z' ? (x) + 32 : (x) >= '0' && (x) <= '9' ? '0' : (x) >= 9 && (x) <= 13 ? ' ' : (x))
#define WORD_(c) ((c) == '0' || ((c) >= 'a' && (c) <= 'z') || (c) >= 0x80)
#define CLS_(x) (uint16_t)(NORM_(x) | (WORD_(NORM_(x)) ? CLS_WORD : 0) | (NORM_(x) == ' ' ? CLS_SPACE : 0))
#define CLS4_(x) CLS_(x), CLS_((x) + 1), CLS_((x) + 2), CLS_((x) + 3)
#define CLS16_(x) CLS4_(x), CLS4_((x) + 4), CLS4_((x) + 8), CLS4_((x) + 12)
#define CLS64_(x) CLS16_(x), CLS16_((x) + 16), CLS16_((x) + 32), CLS16_((x) + 48)
static const struct norm_table {
    uint16_t cls[256];
} norm = {.cls = {CLS64_(0), CLS64_(64), CLS64_(128), CLS64_(192)}};
#undef CLS64_
#undef CLS16_
#undef CLS4_
#undef CLS_
#undef WORD_
#undef NORM_

typedef struct blk {
    int64_t s;
    uint32_t n;
} blk_t;

typedef struct scan {
    const rg_pi_model_t *m;
    unsigned shift;
    double fam;
    /* n-gram state, carried across blocks and segments */
    uint64_t v, wh, prev_wh;
    unsigned k, wlen;
    int in_word, has_prev, prev_space;
    /* the current block, totals, the ring of the last `window` blocks (last: not cleared before a text, as every
     * entry is written before block_end reads the ring) */
    blk_t cur;
    size_t nblocks;
    int64_t ts;
    uint64_t tn;
    double best;
    int have_best;
    blk_t ring[MAX_WINDOW];
} scan_t;

static inline double logit(const scan_t *st, int64_t s, uint64_t n)
{
    const rg_pi_model_t *m = st->m;
    double z = m->bias;
    if (n) {
        double d = (double)n <= m->knee ? sqrt((double)n) : sqrt(m->knee) * pow((double)n / m->knee, m->len_exp);
        z = m->bias + m->scale * (double)s / d;
    }
    return z + st->fam;
}

static void block_end(scan_t *st)
{
    unsigned w = st->m->window;
    st->ring[st->nblocks % w] = st->cur;
    st->nblocks++;
    st->ts += st->cur.s;
    st->tn += st->cur.n;
    st->cur.s = 0;
    st->cur.n = 0;
    if (st->nblocks >= w) {
        int64_t s = 0;
        uint64_t n = 0;
        for (unsigned i = 0; i < w; i++) {
            s += st->ring[i].s;
            n += st->ring[i].n;
        }
        double z = logit(st, s, n);
        if (!st->have_best || z > st->best) {
            st->best = z;
            st->have_best = 1;
        }
    }
}

/* Where the block holding stream position pos ends, as an index into the current chunk (at most len); the block
 * before is closed first when pos starts a new one. Both byte loops walk the chunk block by block with it. */
static inline size_t block_step(scan_t *st, size_t pos, size_t i, size_t len, size_t bsize)
{
    if (pos > 0 && (pos & (bsize - 1)) == 0)
        block_end(st);
    size_t end = i + (bsize - (pos & (bsize - 1)));
    return end > len ? len : end;
}

/*
 * Bytes p[0..len) at stream offset `off` (blocks are counted over the whole stream), any configuration. The state
 * lives in locals inside the loop: the weights are int8_t, which may alias anything, so fields of *st would be
 * reloaded after every weight read. With `until_fast` (a constant after inlining) it stops after the byte that
 * makes the stream ready for feed_fast (five bytes in `v`, a first word behind) and returns the bytes it took.
 */
static inline __attribute__((always_inline)) size_t feed_run(scan_t *st, const unsigned char *p, size_t len,
                                                             size_t off, const int until_fast)
{
    const rg_pi_model_t *m = st->m;
    const int8_t *q = m->q;
    const unsigned shift = st->shift, cmin = m->char_min, cmax = m->char_max, wmax = m->word_max;
    const size_t bsize = (size_t)1 << m->block_shift;
    uint64_t v = st->v, wh = st->wh, prev_wh = st->prev_wh;
    unsigned k = st->k, wlen = st->wlen; /* wlen > 0: inside a word (it stops at 32, never goes back to 0) */
    unsigned has_prev = (unsigned)st->has_prev, prev_space = (unsigned)st->prev_space;
    size_t i = 0;
    while (i < len) {
        size_t end = block_step(st, off + i, i, len, bsize);
        int64_t s = 0;
        uint32_t cnt = 0;
        for (; i < end; i++) {
            unsigned e = norm.cls[p[i]];
            unsigned c = e & 0xFF;
            if (e & CLS_WORD) {
                if (wlen < 32) {
                    wh = (wh ^ c) * FNV_PRIME;
                    wlen++;
                }
            } else if (wlen) {
                if (wmax >= 1) {
                    s += q[((wh ^ SALT_UNI) * GOLD) >> shift];
                    cnt++;
                }
                if (wmax >= 2 && has_prev) {
                    s += q[(((prev_wh * FNV_PRIME) ^ wh ^ SALT_BI) * GOLD) >> shift];
                    cnt++;
                }
                prev_wh = wh;
                has_prev = 1;
                wh = FNV_OFF;
                wlen = 0;
            }
            unsigned sp = e >> 9; /* CLS_SPACE */
            if (sp & prev_space)
                continue;
            prev_space = sp;
            v = ((v << 8) | c) & 0xFFFFFFFFFFull;
            if (k < 8)
                k++;
            for (unsigned n = cmin; n <= cmax && n <= k; n++) {
                s += q[(((v & ((1ull << (8 * n)) - 1)) | (uint64_t)n << 56) * GOLD) >> shift];
                cnt++;
            }
            if (until_fast && k >= 5 && has_prev) {
                i++;
                st->cur.s += s;
                st->cur.n += cnt;
                goto out;
            }
        }
        st->cur.s += s;
        st->cur.n += cnt;
    }
out:
    st->v = v;
    st->wh = wh;
    st->prev_wh = prev_wh;
    st->k = k;
    st->wlen = wlen;
    st->in_word = wlen != 0;
    st->has_prev = (int)has_prev;
    st->prev_space = (int)prev_space;
    return i;
}

/* Tags of the character n-grams: (v | n << 56) * GOLD == v * GOLD + TAG(n) (mod 2^64), v below 2^40. */
#define TAG4 ((4ull << 56) * GOLD)
#define TAG5 ((5ull << 56) * GOLD)

/*
 * The shipped configuration (character 4- and 5-grams, word bigrams, 2^18 buckets) once the stream has five
 * bytes in `v` and a first word behind it (`has_prev`): the same features and sums as feed_run, with fewer live
 * values, so that the constants stay in registers (x86-64 has 16, and with one more live value the compiler
 * reloads the multipliers and the table address every byte):
 *   - no "have we seen five bytes yet" counter, no "is there a previous word" flag;
 *   - the double-space test reads the previous kept byte from `v` (its low byte) instead of a flag: a byte is
 *     skipped when it and the last kept byte are both the space, i.e. when the low 16 bits of (v << 8 | c) are
 *     "  ";
 *   - `v` is not masked per byte (each n-gram masks its own bytes); the bucket shift is an immediate;
 *   - the n-gram count is added per block: 2 per byte not skipped, 2 per word end (unigram and bigram).
 */
/* The state feed_fast and feed_fast_avx2 carry from byte to byte (locals after inlining). */
typedef struct fast {
    uint64_t v, wh, prev_wh;
    unsigned wlen;
    int64_t s;
    uint32_t skipped, words;
} fast_t;

/* A word ends (its unigram and its bigram with the word before). */
static inline __attribute__((always_inline)) void fast_word_end(fast_t *f, const int8_t *q)
{
    f->s += q[((f->wh ^ SALT_UNI) * GOLD) >> (64 - 18)];
    f->s += q[(((f->prev_wh * FNV_PRIME) ^ f->wh ^ SALT_BI) * GOLD) >> (64 - 18)];
    f->words++;
    f->prev_wh = f->wh;
    f->wh = FNV_OFF;
    f->wlen = 0;
}

/* One byte of the shipped configuration's loop (x: its class). */
static inline __attribute__((always_inline)) void fast_byte(fast_t *f, const int8_t *q, unsigned x)
{
    uint64_t c = x & 0xFF;
    if (x & CLS_WORD) {
        if (f->wlen < 32) {
            f->wh = (f->wh ^ c) * FNV_PRIME;
            f->wlen++;
        }
    } else if (f->wlen) {
        fast_word_end(f, q);
    }
    uint64_t v = (f->v << 8) | c;
    if (__builtin_expect((v & 0xFFFF) == 0x2020, 0)) {
        f->skipped++; /* the byte is dropped; v keeps its bytes */
        return;
    }
    f->v = v;
    f->s += q[((v & 0xFFFFFFFF) * GOLD + TAG4) >> (64 - 18)];
    f->s += q[((v & 0xFFFFFFFFFF) * GOLD + TAG5) >> (64 - 18)];
}

static inline void fast_load(fast_t *f, const scan_t *st)
{
    f->v = st->v;
    f->wh = st->wh;
    f->prev_wh = st->prev_wh;
    f->wlen = st->wlen;
}

static inline void fast_store(scan_t *st, const fast_t *f)
{
    st->v = f->v & 0xFFFFFFFFFFull;
    st->wh = f->wh;
    st->prev_wh = f->prev_wh;
    st->wlen = f->wlen;
    st->in_word = f->wlen != 0;
    st->prev_space = (f->v & 0xFF) == ' ';
}

/*
 * The shipped configuration (character 4- and 5-grams, word bigrams, 2^18 buckets) once the stream has five
 * bytes in `v` and a first word behind it (`has_prev`): the same features and sums as feed_run, with fewer live
 * values, so that the constants stay in registers (x86-64 has 16, and with one more live value the compiler
 * reloads the multipliers and the table address every byte):
 *   - no "have we seen five bytes yet" counter, no "is there a previous word" flag;
 *   - the double-space test reads the previous kept byte from `v` (its low byte) instead of a flag: a byte is
 *     skipped when it and the last kept byte are both the space, i.e. when the low 16 bits of (v << 8 | c) are
 *     "  ";
 *   - `v` is not masked per byte (each n-gram masks its own bytes); the bucket shift is an immediate;
 *   - the n-gram count is added per block: 2 per byte not skipped, 2 per word end (unigram and bigram).
 * Sums are integers, so the order in which n-grams are added does not matter (feed_fast_avx2 relies on it).
 */
static __attribute__((noinline)) void feed_fast(scan_t *st, const unsigned char *p, size_t len, size_t off)
{
    const int8_t *q = st->m->q;
    const uint16_t *cls = norm.cls;
    const size_t bsize = (size_t)1 << st->m->block_shift;
    fast_t f;
    fast_load(&f, st);
    size_t i = 0;
    while (i < len) {
        size_t end = block_step(st, off + i, i, len, bsize);
        const unsigned char *b = p + i, *e = p + end;
        f.s = 0;
        f.skipped = f.words = 0;
        for (; b < e; b++)
            fast_byte(&f, q, cls[*b]);
        st->cur.s += f.s;
        st->cur.n += 2 * (uint32_t)(end - i - f.skipped) + 2 * f.words;
        i = end;
    }
    fast_store(st, &f);
}

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1

/* The 5-gram ending at each byte of a 32-byte chunk, as 64-bit lanes (the byte in bits 0-7, the one four before
 * in bits 32-39), four per vector: vector k holds, in each 128-bit half, the 5-grams ending at offsets 2k and
 * 2k + 1 of the half (k < 6: read from the chunk moved up by four bytes behind the four bytes before it; k = 6,
 * 7: from the chunk itself). pshufb index 0x80 writes a zero. */
#define SH5_(o)                                                                                                     \
    (char)((o) + 4), (char)((o) + 3), (char)((o) + 2), (char)((o) + 1), (char)(o), (char)0x80, (char)0x80,          \
        (char)0x80
#define SH5P_(o) SH5_(o), SH5_((o) + 1)
static const char sh5[8][32] __attribute__((aligned(32))) = {
    {SH5P_(0), SH5P_(0)},   {SH5P_(2), SH5P_(2)}, {SH5P_(4), SH5P_(4)}, {SH5P_(6), SH5P_(6)},
    {SH5P_(8), SH5P_(8)},   {SH5P_(10), SH5P_(10)}, {SH5P_(8), SH5P_(8)}, {SH5P_(10), SH5P_(10)},
};
#undef SH5P_
#undef SH5_

/* Bytes of x in lo..lo+n (unsigned), as 0xFF. */
__attribute__((target("avx2"))) static inline __m256i in_range(__m256i x, char lo, char n)
{
    __m256i t = _mm256_sub_epi8(x, _mm256_set1_epi8(lo));
    return _mm256_cmpeq_epi8(_mm256_min_epu8(t, _mm256_set1_epi8(n)), t);
}

/*
 * The words of a 32-byte chunk (nb: its normalised bytes, wm: bit j set when byte j belongs to a word) when no
 * word reaches 32 bytes in it (every word byte is hashed): the hash after every byte, with no branch (the hash
 * restarts at FNV_OFF on a byte outside words), then one unigram and one bigram per word end (a byte outside words
 * after a word byte, or after the word carried in from the chunk before). Word lengths vary from word to word, so
 * a loop per word mispredicts its exit about once a word; this mispredicts about once a chunk.
 */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) void
chunk_words(fast_t *f, const int8_t *q, const unsigned char *nb, uint32_t wm)
{
    uint64_t hs[33]; /* hs[j]: the hash before byte j */
    uint64_t h = f->wh, off = FNV_OFF;
    hs[0] = h;
#pragma GCC unroll 32
    for (int j = 0; j < 32; j++) {
        h = (h ^ nb[j]) * FNV_PRIME;
        /* h = byte j in a word ? h : FNV_OFF, as a conditional move (the compiler makes it a branch) */
        __asm__("bt %[j], %[w]\n\tcmovnc %[off], %[h]"
                : [h] "+r"(h)
                : [w] "r"(wm), [j] "Ir"(j), [off] "r"(off)
                : "cc");
        hs[j + 1] = h;
    }
    uint32_t ends = ~wm & (wm << 1 | (f->wlen != 0));
    uint64_t prev = f->prev_wh;
    int64_t s = 0;
    f->words += (uint32_t)__builtin_popcount(ends);
    while (ends) {
        uint64_t wh = hs[__builtin_ctz(ends)];
        ends &= ends - 1;
        s += q[((wh ^ SALT_UNI) * GOLD) >> (64 - 18)];
        s += q[(((prev * FNV_PRIME) ^ wh ^ SALT_BI) * GOLD) >> (64 - 18)];
        prev = wh;
    }
    f->s += s;
    f->prev_wh = prev;
    f->wh = h;
    /* a word open at the end of the chunk: its bytes in this chunk (all 32 only when none was carried in: the
     * caller checked that the carried length plus the leading run stays within 32) */
    f->wlen = wm == 0xFFFFFFFFu ? f->wlen + 32 : (unsigned)__builtin_clz(~wm);
}

/* The same for a chunk where a word reaches 32 bytes (its further bytes are not hashed): run by run. */
__attribute__((target("avx2"))) static __attribute__((noinline)) void
chunk_words_long(fast_t *f, const int8_t *q, const unsigned char *nb, uint32_t wm)
{
    uint64_t wb = (uint64_t)wm | 1ull << 32, nw = (uint64_t)(uint32_t)~wm | 1ull << 32;
    unsigned j = 0;
    for (;;) {
        unsigned r = (unsigned)__builtin_ctzll(nw >> j);
        unsigned take = 32 - f->wlen < r ? 32 - f->wlen : r;
        for (unsigned t = 0; t < take; t++)
            f->wh = (f->wh ^ nb[j + t]) * FNV_PRIME;
        f->wlen += take;
        j += r;
        if (j >= 32)
            break;
        if (f->wlen)
            fast_word_end(f, q);
        j += (unsigned)__builtin_ctzll(wb >> j);
        if (j >= 32)
            break;
    }
}

/*
 * The character 4- and 5-grams ending at the first `kept` (0..32) of 32 bytes, added to acc (32-bit lanes): up holds
 * the four bytes before them and their first 28 (lane 0: -4..11, lane 1: 12..27), n the 32 (lane 0: 0..15, lane 1:
 * 16..31). Four 5-grams per vector (64-bit lanes); v * GOLD mod 2^64 from three 32x32-bit multiplies (v is below
 * 2^40: lo * GOLD_lo + (lo * GOLD_hi + hi * GOLD_lo) << 32), the 4-gram from the same products without the hi
 * term; their weights with one 8-lane gather.
 */
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) __m256i
chunk_ngrams(__m256i acc, const int8_t *q, __m256i up, __m256i n, unsigned kept)
{
    const __m256i gl = _mm256_set1_epi64x((long long)(GOLD & 0xFFFFFFFFu));
    const __m256i gh = _mm256_set1_epi64x((long long)(GOLD >> 32));
    const __m256i tag4 = _mm256_set1_epi64x((long long)TAG4), tag5 = _mm256_set1_epi64x((long long)TAG5);
#pragma GCC unroll 8
    for (int k = 0; k < 8; k++) {
        __m256i v5 = _mm256_shuffle_epi8(k < 6 ? up : n, _mm256_load_si256((const __m256i *)sh5[k]));
        __m256i base =
            _mm256_add_epi64(_mm256_mul_epu32(v5, gl), _mm256_slli_epi64(_mm256_mul_epu32(v5, gh), 32));
        __m256i hi = _mm256_slli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(v5, 32), gl), 32);
        /* the buckets: the top 18 bits; the 5-gram's land in the odd 32-bit lanes when shifted by 14 */
        __m256i i4 = _mm256_srli_epi64(_mm256_add_epi64(base, tag4), 64 - 18);
        __m256i i5 = _mm256_srli_epi64(_mm256_add_epi64(_mm256_add_epi64(base, hi), tag5), 32 - 18);
        __m256i idx = _mm256_blend_epi32(i4, i5, 0xAA);
        /* the four bytes that end at q + bucket, the weight in the top byte (the table comes after the file's
         * header, so the read stays inside the model's bytes) */
        const int *base_q = (const int *)(const void *)(q - 3);
        __m256i w;
        if (kept < 32) {
            /* 32-bit lane l holds an n-gram ending at byte 2k + (0, 0, 1, 1, 16, 16, 17, 17)[l] */
            __m256i pos = _mm256_add_epi32(_mm256_setr_epi32(0, 0, 1, 1, 16, 16, 17, 17), _mm256_set1_epi32(2 * k));
            __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)kept), pos);
            w = _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), base_q, idx, live, 1);
        } else {
            w = _mm256_i32gather_epi32(base_q, idx, 1);
        }
        acc = _mm256_add_epi32(acc, _mm256_srai_epi32(w, 24));
    }
    return acc;
}

/*
 * feed_fast, 32 bytes at a time: the bytes classified with vector compares; the chunk's 64 character n-grams
 * hashed and read with gathers (chunk_ngrams; a chunk with dropped spaces first packs its kept bytes and masks
 * the n-grams past them); the words hashed without a branch per byte (chunk_words). Sums in 32-bit lanes, added
 * to the block's sum at its end. The first bytes of a block that does not end 32 bytes further, and the last
 * bytes of a block (under 32), go through fast_byte. Same integer sums as feed_fast, so the same bits.
 */
__attribute__((target("avx2"))) static __attribute__((noinline)) void feed_fast_avx2(scan_t *st,
                                                                                     const unsigned char *p,
                                                                                     size_t len, size_t off)
{
    const int8_t *q = st->m->q;
    const uint16_t *cls = norm.cls;
    const size_t bsize = (size_t)1 << st->m->block_shift;
    fast_t f;
    fast_load(&f, st);
    size_t i = 0;
    unsigned char nb[32] __attribute__((aligned(32)));
    while (i < len) {
        size_t end = block_step(st, off + i, i, len, bsize);
        const unsigned char *b = p + i, *e = p + end;
        f.s = 0;
        f.skipped = f.words = 0;
        __m256i acc = _mm256_setzero_si256();
        for (; e - b >= 32; b += 32) {
            __m256i x = _mm256_loadu_si256((const __m256i *)b);
            __m256i dg = in_range(x, '0', 9), ws = in_range(x, 9, 4);
            __m256i n = _mm256_add_epi8(x, _mm256_and_si256(in_range(x, 'A', 25), _mm256_set1_epi8(32)));
            n = _mm256_blendv_epi8(n, _mm256_set1_epi8('0'), dg);
            n = _mm256_blendv_epi8(n, _mm256_set1_epi8(' '), ws);
            uint32_t sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(n, _mm256_set1_epi8(' ')));
            uint32_t drop = sp & ((sp << 1) | ((f.v & 0xFF) == ' ')); /* a space after a kept space */
            uint32_t wm = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(in_range(n, 'a', 25), dg)) |
                          (uint32_t)_mm256_movemask_epi8(x);
            _mm256_store_si256((__m256i *)nb, n);
            uint64_t last;
            if (__builtin_expect(drop == 0, 1)) {
                /* the chunk moved up four bytes with the four bytes before it in front: lane 0 holds stream
                 * bytes -4..11, lane 1 12..27 */
                __m256i prev = _mm256_set_epi32(0, 0, 0, 0, 0, 0, 0, (int)__builtin_bswap32((uint32_t)f.v));
                __m256i up =
                    _mm256_or_si256(_mm256_alignr_epi8(n, _mm256_permute2x128_si256(n, n, 0x08), 12), prev);
                acc = chunk_ngrams(acc, q, up, n, 32);
                memcpy(&last, nb + 24, 8);
            } else {
                /* the kept bytes after the eight kept before them (v), then the same vectors read from there */
                unsigned char cb[48] __attribute__((aligned(16)));
                uint64_t hist = __builtin_bswap64(f.v);
                memcpy(cb, &hist, 8);
                _mm256_storeu_si256((__m256i *)(void *)(cb + 8), _mm256_setzero_si256());
                unsigned o = 8;
#pragma GCC unroll 32
                for (int j = 0; j < 32; j++) {
                    cb[o] = nb[j];
                    o += !(drop >> j & 1);
                }
                acc = chunk_ngrams(acc, q, _mm256_loadu_si256((const __m256i *)(const void *)(cb + 4)),
                                   _mm256_loadu_si256((const __m256i *)(const void *)(cb + 8)), o - 8);
                memcpy(&last, cb + o - 8, 8);
                f.skipped += (uint32_t)__builtin_popcount(drop);
            }
            f.v = __builtin_bswap64(last);
            uint64_t nw = (uint64_t)(uint32_t)~wm | 1ull << 32;
            if (__builtin_expect(f.wlen + (unsigned)__builtin_ctzll(nw) <= 32, 1))
                chunk_words(&f, q, nb, wm);
            else
                chunk_words_long(&f, q, nb, wm);
        }
        for (; b < e; b++)
            fast_byte(&f, q, cls[*b]);
        __m128i a = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0x4E));
        a = _mm_add_epi32(a, _mm_shuffle_epi32(a, 0xB1));
        f.s += _mm_cvtsi128_si32(a);
        st->cur.s += f.s;
        st->cur.n += 2 * (uint32_t)(end - i - f.skipped) + 2 * f.words;
        i = end;
    }
    fast_store(st, &f);
}
#endif

/* Which loop reads the text: the best one for the model and the CPU, the general one, or the portable fast one
 * (the last two for the unit tests). */
enum { LOOP_BEST, LOOP_GENERAL, LOOP_PORTABLE };

static void feed(scan_t *st, const unsigned char *p, size_t len, size_t off, int loop)
{
    const rg_pi_model_t *m = st->m;
    if (loop == LOOP_GENERAL || m->char_min != 4 || m->char_max != 5 || m->word_max != 2 || m->hash_bits != 18) {
        feed_run(st, p, len, off, 0);
        return;
    }
    /* the start of the stream in the general loop, until five bytes and a first word are behind */
    size_t i = 0;
    if (st->k < 5 || !st->has_prev)
        i = feed_run(st, p, len, off, 1);
    if (i >= len)
        return;
#ifdef HAVE_AVX2_PATH
    if (loop == LOOP_BEST && __builtin_cpu_supports("avx2")) {
        feed_fast_avx2(st, p + i, len - i, off + i);
        return;
    }
#endif
    feed_fast(st, p + i, len - i, off + i);
}

/* A word still open at the end of the text. */
static void word_flush(scan_t *st)
{
    const rg_pi_model_t *m = st->m;
    if (!st->in_word)
        return;
    if (m->word_max >= 1) {
        st->cur.s += m->q[((st->wh ^ SALT_UNI) * GOLD) >> st->shift];
        st->cur.n++;
    }
    if (m->word_max >= 2 && st->has_prev) {
        st->cur.s += m->q[(((st->prev_wh * FNV_PRIME) ^ st->wh ^ SALT_BI) * GOLD) >> st->shift];
        st->cur.n++;
    }
    st->in_word = 0;
}

typedef struct fam_ctx {
    unsigned mask;
} fam_ctx_t;

static int on_family(unsigned id, size_t from, size_t to, void *ctx)
{
    fam_ctx_t *c = ctx;
    if (id < RG_PI_N_FAMILIES)
        c->mask |= 1u << id;
    return c->mask == (1u << RG_PI_N_FAMILIES) - 1; /* every family fired: stop */
}

static int score(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len, rg_pi_result_t *out,
                 int loop)
{
    const unsigned char *segs[2] = {(const unsigned char *)s, NULL};
    size_t lens[2] = {len, 0};
    int nseg = 1;
    if (len > RG_PI_SCAN_CAP) {
        size_t h = RG_PI_SCAN_CAP / 2;
        lens[0] = h;
        segs[1] = (const unsigned char *)s + len - h;
        lens[1] = h;
        nseg = 2;
    }
    fam_ctx_t fc = {0};
    if (db != NULL) {
        for (int i = 0; i < nseg; i++) {
            int r = rg_hs_scan(db, (const char *)segs[i], lens[i], on_family, &fc);
            if (r < 0)
                return -1;
            if (r == 1)
                break;
        }
    }
    scan_t st;
    memset(&st, 0, offsetof(scan_t, ring)); /* the ring is 1 KB */
    st.m = m;
    st.shift = 64 - m->hash_bits;
    st.wh = FNV_OFF;
    for (int f = 0; f < RG_PI_N_FAMILIES; f++)
        if (fc.mask >> f & 1)
            st.fam += m->fw[f];
    size_t off = 0;
    for (int i = 0; i < nseg; i++) {
        feed(&st, segs[i], lens[i], off, loop);
        off += lens[i];
    }
    word_flush(&st);
    if (off > 0)
        block_end(&st);
    /* up to one window: the whole text; longer: the best window (a whole-text S / sqrt(N) would grow with the
     * square root of the length, so a long benign text would drift up) */
    double z = st.nblocks <= m->window ? logit(&st, st.ts, st.tn) : st.best;
    out->score = 1.0 / (1.0 + exp(-z));
    out->families = fc.mask;
    out->decoded = 0;
    out->unmasked = 0;
    return 0;
}

int rg_pi_score(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len, rg_pi_result_t *out)
{
    return score(m, db, s, len, out, LOOP_BEST);
}

int rg_pi_score_general(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len,
                        rg_pi_result_t *out)
{
    return score(m, db, s, len, out, LOOP_GENERAL);
}

int rg_pi_score_portable(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len,
                         rg_pi_result_t *out)
{
    return score(m, db, s, len, out, LOOP_PORTABLE);
}
