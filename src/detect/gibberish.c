/* gibberish.c — the character trigram model: loading, validation, scoring (see gibberish.h). */
#include "detect/gibberish.h"

#include "core/blob.h"
#include "detect/fold.h"
#include "guard/js_value.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

RG_BLOB_DECLARE(gibberish);

#define DIGITS 27
#define VERSION 1
#define UNITS 16 /* table entries are 1/16 bit */

struct rg_gib_model {
    uint8_t table[RG_GIB_TABLE];
    double good, bad; /* bits per character */
};

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t rg_gib_crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* Checks the image field by field; fills m when it is valid. 0, or -1 with err. */
static int validate(const unsigned char *p, size_t len, rg_gib_model_t *m, char *err, size_t errsz)
{
    if (len < RG_GIB_HEADER) {
        snprintf(err, errsz, "not a gibberish model: %zu bytes, shorter than its %d-byte header", len, RG_GIB_HEADER);
        return -1;
    }
    if (memcmp(p, "RGGIBBER", 8) != 0) {
        snprintf(err, errsz, "not a gibberish model (bad magic)");
        return -1;
    }
    uint32_t version = le32(p + 8), header = le32(p + 12), nsym = le32(p + 16), order = le32(p + 20),
             units = le32(p + 24), good = le32(p + 28), bad = le32(p + 32), tlen = le32(p + 36), crc = le32(p + 40);
    if (version != VERSION) {
        snprintf(err, errsz, "gibberish model version %u is not supported (this build reads %d)", version, VERSION);
        return -1;
    }
    if (header != RG_GIB_HEADER || nsym != RG_GIB_SYMBOLS || order != 3 || units != UNITS || tlen != RG_GIB_TABLE) {
        snprintf(err, errsz, "gibberish model has an unexpected layout (header %u, symbols %u, order %u, units %u, "
                 "table %u)", header, nsym, order, units, tlen);
        return -1;
    }
    if (len != (size_t)RG_GIB_HEADER + RG_GIB_TABLE) {
        snprintf(err, errsz, "gibberish model is %s: %zu bytes, expected %d", len < RG_GIB_HEADER + RG_GIB_TABLE
                 ? "truncated" : "followed by extra bytes", len, RG_GIB_HEADER + RG_GIB_TABLE);
        return -1;
    }
    if (rg_gib_crc32(p + RG_GIB_HEADER, RG_GIB_TABLE) != crc) {
        snprintf(err, errsz, "gibberish model is corrupt (table checksum mismatch)");
        return -1;
    }
    if (good == 0 || bad <= good || bad > 16000) {
        snprintf(err, errsz, "gibberish model has bad calibration points (%u, %u millibits)", good, bad);
        return -1;
    }
    memcpy(m->table, p + RG_GIB_HEADER, RG_GIB_TABLE);
    m->good = good / 1000.0;
    m->bad = bad / 1000.0;
    return 0;
}

rg_gib_model_t *rg_gib_load(const unsigned char *p, size_t len, char *err, size_t errsz)
{
    rg_gib_model_t *m = malloc(sizeof(*m));
    if (m == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (validate(p, len, m, err, errsz) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

rg_gib_model_t *rg_gib_load_file(const char *path, char *err, size_t errsz)
{
    /* O_NONBLOCK: a FIFO or device named here must not hang a config load; only regular files are read */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "cannot open %.200s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 || (size_t)st.st_size > RG_GIB_FILE_MAX) {
        snprintf(err, errsz, "%.200s is not a regular file of at most %zu bytes", path, RG_GIB_FILE_MAX);
        close(fd);
        return NULL;
    }
    size_t want = (size_t)st.st_size, got = 0;
    unsigned char *buf = malloc(want ? want : 1);
    if (buf == NULL) {
        close(fd);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    rg_gib_model_t *m = NULL;
    char why[200];
    if (got == want)
        m = rg_gib_load(buf, got, why, sizeof(why));
    else
        snprintf(why, sizeof(why), "short read");
    if (m == NULL)
        snprintf(err, errsz, "%.200s: %s", path, why);
    free(buf);
    return m;
}

static rg_gib_model_t builtin;
static char builtin_err[200];
static int builtin_ok;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_load(void)
{
    builtin_ok = validate(rg_model_gibberish, RG_BLOB_LEN(gibberish), &builtin, builtin_err, sizeof(builtin_err)) == 0;
}

const rg_gib_model_t *rg_gib_builtin(char *err, size_t errsz)
{
    pthread_once(&builtin_once, builtin_load);
    if (!builtin_ok) {
        snprintf(err, errsz, "embedded %s", builtin_err);
        return NULL;
    }
    return &builtin;
}

void rg_gib_free(rg_gib_model_t *m)
{
    if (m != &builtin)
        free(m);
}

double rg_gib_good_bits(const rg_gib_model_t *m) { return m->good; }
double rg_gib_bad_bits(const rg_gib_model_t *m) { return m->bad; }

/* ---- scoring ------------------------------------------------------------------ */

typedef struct {
    const uint8_t *t;
    const char *s;        /* the text, to read a costly short word again (shorthand) */
    unsigned a, b;        /* the two previous symbols; 0 = word start */
    int letter;           /* the word has a letter */
    uint64_t w_cost, w_ev; /* the current word's cost and events */
    size_t w_letters;
    uint64_t cost, ev;
    size_t letters, words, shorthand;
} acc_t;

static inline void push(acc_t *z, unsigned c)
{
    if (c == DIGITS && z->b == DIGITS)
        return; /* a run of digits is one symbol */
    z->w_cost += z->t[(z->a * RG_GIB_SYMBOLS + z->b) * RG_GIB_SYMBOLS + c];
    z->w_ev++;
    z->a = z->b;
    z->b = c;
    if (c != DIGITS) {
        z->letter = 1;
        z->w_letters++;
    }
}

/* What a word of n symbols costs, end included, at RG_GIB_SHORTHAND_BITS a symbol (table units). */
#define COSTLY(n) ((uint64_t)((n) + 1) * RG_GIB_SHORTHAND_BITS * UNITS)
static const uint64_t costly[RG_GIB_SHORTHAND_MAX + 1] = {COSTLY(0), COSTLY(1), COSTLY(2), COSTLY(3),
                                                           COSTLY(4), COSTLY(5), COSTLY(6)};

/* Whether the costly short word of n symbols before s[end] is shorthand. Its last n bytes are read: when they are n
 * ASCII letters, they are the word's n symbols (a digit or a folded character among them is a byte that is no
 * letter; one before them would make the word more than n symbols; an invisible one before them leaves the word
 * those n letters), so the loops need not track where a word starts. */
static __attribute__((noinline)) int shorthand(const acc_t *z, size_t end)
{
    return end >= z->w_ev && z->w_letters == z->w_ev && rg_gib_shorthand(z->s + end - z->w_ev, z->w_ev);
}

/* The word ends before s[end]. A costly word of 2..6 letters alone is read again: shorthand is left out (the
 * cost test comes first, so prose's short words, which are cheap, never reach the list). */
static inline void end_word(acc_t *z, size_t end)
{
    if (z->b == 0)
        return;
    if (z->letter) {
        uint64_t cost = z->w_cost + z->t[(z->a * RG_GIB_SYMBOLS + z->b) * RG_GIB_SYMBOLS];
        if (__builtin_expect(z->w_ev <= RG_GIB_SHORTHAND_MAX && cost >= costly[z->w_ev], 0) && shorthand(z, end)) {
            z->shorthand++;
        } else {
            z->cost += cost;
            z->ev += z->w_ev + 1;
            z->letters += z->w_letters;
            z->words++;
        }
    }
    z->a = z->b = 0;
    z->letter = 0;
    z->w_cost = z->w_ev = 0;
    z->w_letters = 0;
}

/* The figures from the accumulated sums (both loops below end here). */
static void finish(const rg_gib_model_t *m, const acc_t *z, size_t other, rg_gib_score_t *out)
{
    out->letters = z->letters;
    out->words = z->words;
    out->other_letters = other;
    out->shorthand = z->shorthand;
    out->bits = z->ev ? (double)z->cost / ((double)UNITS * (double)z->ev) : 0.0;
    double sc = z->ev ? (out->bits - m->good) / (m->bad - m->good) : 0.0;
    out->score = sc < 0 ? 0 : sc > 1 ? 1 : sc;
}

/* One character from s[i] (rg_gib_score sends every one but ASCII lower-case letters here); returns the next i. */
static inline size_t other_char(acc_t *z, const char *s, size_t len, size_t i, int *prev_lower, size_t *other)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        if ((unsigned)(c - 'a') < 26) {
            push(z, c - 'a' + 1u);
            *prev_lower = 1;
        } else if ((unsigned)(c - 'A') < 26) {
            if (*prev_lower)
                end_word(z, i);
            push(z, c - 'A' + 1u);
            *prev_lower = 0;
        } else if ((unsigned)(c - '0') < 10) {
            push(z, DIGITS);
            *prev_lower = 0;
        } else {
            end_word(z, i);
            *prev_lower = 0;
        }
        return i + 1;
    }
    uint32_t u;
    size_t at = i;
    i += rg_js_utf8_next(s, len, i, &u);
    rg_fold_t f;
    rg_fold(u, &f);
    if (f.kind == RG_FK_IGNORABLE || f.kind == RG_FK_MARK)
        return i;
    *prev_lower = 0;
    if (f.kind == RG_FK_LATIN) {
        for (unsigned k = 0; k < f.n; k++)
            push(z, f.cp[k] - 'a' + 1u);
        return i;
    }
    end_word(z, at);
    *other += f.kind == RG_FK_LETTER || f.kind == RG_FK_UNSPACED;
    return i;
}

/*
 * Runs of ASCII lower-case letters (most of prose) go through a loop that keeps the word's state in registers and
 * has no class test but its exit: push() for such a letter never skips, always counts a letter, and only moves the
 * two previous symbols along. Everything else goes through other_char, the reference loop's steps. The sums are
 * the same integers in the same order, so the figures are the same bits (test_detect_gibberish.c compares this
 * with rg_gib_score_reference on random and real texts). On the bench prose: 28.3 -> 25.7 instructions a byte,
 * 269 -> ~295 MB/s. What is left is mostly the mispredicted exit of this loop, once a word.
 */
void rg_gib_score(const rg_gib_model_t *m, const char *s, size_t len, rg_gib_score_t *out)
{
    acc_t z = {.t = m->table, .s = s};
    const uint8_t *t = m->table;
    size_t other = 0, i = 0;
    int prev_lower = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if ((unsigned)(c - 'a') >= 26) {
            i = other_char(&z, s, len, i, &prev_lower, &other);
            continue;
        }
        unsigned a = z.a, b = z.b;
        uint64_t wc = z.w_cost;
        size_t from = i;
        do {
            unsigned sym = c - 'a' + 1u;
            wc += t[(a * RG_GIB_SYMBOLS + b) * RG_GIB_SYMBOLS + sym];
            a = b;
            b = sym;
            if (++i == len)
                break;
            c = (unsigned char)s[i];
        } while ((unsigned)(c - 'a') < 26);
        z.a = a;
        z.b = b;
        z.w_cost = wc;
        z.w_ev += i - from;
        z.w_letters += i - from;
        z.letter = 1;
        prev_lower = 1;
    }
    end_word(&z, len);
    finish(m, &z, other, out);
}

/* A character at a time through other_char (which takes lower-case letters too, as push() does): the definition
 * rg_gib_score is tested against. */
void rg_gib_score_reference(const rg_gib_model_t *m, const char *s, size_t len, rg_gib_score_t *out)
{
    acc_t z = {.t = m->table, .s = s};
    size_t other = 0;
    int prev_lower = 0;
    for (size_t i = 0; i < len;)
        i = other_char(&z, s, len, i, &prev_lower, &other);
    end_word(&z, len);
    finish(m, &z, other, out);
}
