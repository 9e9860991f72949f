/*
 * fuzz_detect_text.c — the text detectors on arbitrary bytes: invisible
 * text, gibberish, banned topics, and their checks.
 *
 * Input layout: byte 0 picks the invisible-text category mask (its low six
 * bits; 0 means all); bytes 1.. are the text, cut into check parts at 0xFF
 * bytes (at most 4 parts). Contracts checked (a failure calls abort()):
 *   - invisible (detect/invisible.h): found is the sum of the counts; the
 *     reported hits are in order, non-empty and within the text's code
 *     points; strip's output is valid UTF-8 and scanning it again with the
 *     same mask finds nothing; a text without bytes >= 0x80 finds nothing.
 *   - gibberish (detect/gibberish.h): score in [0, 1], bits >= 0 and finite,
 *     letters at most the bytes; no words means bits 0; the fast loop gives
 *     the reference loop's figures to the bit, shorthand words included.
 *   - topics (detect/topics.h), with a fixed list of words and phrases:
 *     every match lies within the text, and folding the matched original
 *     bytes gives exactly the term's folded text (the offset map is right).
 *   - prompt injection's disguises (detect/injection.h): rg_pi_mask_next
 *     gives the same answer from its AVX2, SSE2 and plain-C classifiers,
 *     at or after `from` (byte 0 picks it) and inside the text;
 *     rg_pi_unmask never writes more than the input's length or the cap;
 *     rg_pi_score_text scores in [0, 1].
 *   - the three checks (railgate.invisibleText strip, railgate.gibberish,
 *     railgate.bannedTopics redact) run on the parts and give data that
 *     serialises; strip and redact pass, and report a transformation
 *     exactly when they return replacement parts.
 */
#include "core/buf.h"
#include "detect/gibberish.h"
#include "detect/injection.h"
#include "detect/invisible.h"
#include "detect/topics.h"
#include "guard/check.h"
#include "guard/js_value.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const rg_check_ops_t rg_check_rg_invisible_text, rg_check_rg_gibberish, rg_check_rg_banned_topics;

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const char *const terms[] = {
    "cafe", "Crème brûlée", "new york", "york", "ass", "c++", "(x)", "ignore previous instructions", "straße",
    "ﬁle", "東京", "привет", "a", "ÆON", "don't", "--", "e\u0301", "x y z", "pass word", "ab ab",
};
#define N_TERMS (sizeof(terms) / sizeof(terms[0]))

static rg_topics_t *topics;
static char *folded_terms[N_TERMS];
static size_t folded_lens[N_TERMS];
static void *checks[3];
static const rg_check_ops_t *const check_ops[3] = {&rg_check_rg_invisible_text, &rg_check_rg_gibberish,
                                                    &rg_check_rg_banned_topics};
static const char *const check_params[3] = {
    "{\"action\":\"strip\"}", "{\"minLetters\":4}",
    ("{\"words\":[\"cafe\",\"ass\",\"york\",\"c++\"],\"phrases\":[\"new york\",\"ignore previous instructions\"],"
     "\"action\":\"redact\"}")};

static void setup(void)
{
    if (topics != NULL)
        return;
    size_t lens[N_TERMS];
    for (size_t i = 0; i < N_TERMS; i++)
        lens[i] = strlen(terms[i]);
    char err[256];
    topics = rg_topics_compile(terms, lens, N_TERMS, err, sizeof(err));
    CHECK(topics != NULL);
    for (size_t i = 0; i < N_TERMS; i++) {
        char *f;
        size_t n;
        CHECK(rg_topics_fold(terms[i], lens[i], &f, &n) == 0);
        size_t a = 0, b = n;
        while (a < b && f[a] == ' ')
            a++;
        while (b > a && f[b - 1] == ' ')
            b--;
        memmove(f, f + a, b - a);
        folded_terms[i] = f;
        folded_lens[i] = b - a;
    }
    for (int k = 0; k < 3; k++) {
        json_t *p = json_loads(check_params[k], 0, NULL);
        checks[k] = check_ops[k]->compile(p, err, sizeof(err));
        json_decref(p);
        CHECK(checks[k] != NULL);
    }
}

static int valid_utf8(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    int ok = j != NULL || (len > 0 && memchr(s, 0, len) != NULL); /* jansson takes NUL only with its flag */
    json_decref(j);
    return ok;
}

static void fuzz_invisible(const char *s, size_t len, unsigned mask)
{
    rg_inv_report_t r;
    rg_invisible_scan(s, len, mask, &r);
    size_t sum = 0, ncp = 0;
    for (int c = 0; c < RG_INV_NCAT; c++) {
        sum += r.counts[c];
        if (!(mask & (1u << c)))
            CHECK(r.counts[c] == 0);
    }
    CHECK(sum == r.found);
    CHECK(r.n_first <= RG_INV_FIRST_MAX && (r.found == 0) == (r.n_first == 0));
    /* an invalid byte counts as one code point: count lead bytes and bad bytes the scanner's way */
    for (size_t i = 0; i < len;) {
        uint32_t u;
        i += rg_js_utf8_next(s, len, i, &u);
        ncp++;
    }
    for (size_t k = 0; k < r.n_first; k++) {
        CHECK(r.first[k].start < r.first[k].end && r.first[k].end <= ncp);
        CHECK(k == 0 || r.first[k - 1].start <= r.first[k].start);
    }
    int ascii = 1;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii)
        CHECK(r.found == 0);
    rg_buf_t out;
    rg_buf_init(&out, 3 * len + 16);
    CHECK(rg_invisible_strip(s, len, mask, &r, &out) == 0);
    CHECK(valid_utf8(out.data ? out.data : "", out.len));
    rg_inv_report_t again;
    rg_invisible_scan(out.data ? out.data : "", out.len, mask, &again);
    CHECK(again.found == 0);
    rg_buf_free(&out);
}

static void fuzz_gibberish(const char *s, size_t len)
{
    char err[256];
    const rg_gib_model_t *m = rg_gib_builtin(err, sizeof(err));
    CHECK(m != NULL);
    rg_gib_score_t sc;
    rg_gib_score(m, s, len, &sc);
    CHECK(sc.score >= 0 && sc.score <= 1);
    CHECK(isfinite(sc.bits) && sc.bits >= 0 && sc.bits <= 16);
    CHECK(sc.letters <= len && sc.words <= len);
    if (sc.words == 0)
        CHECK(sc.bits == 0 && sc.score == 0);
    rg_gib_score_t ref;
    rg_gib_score_reference(m, s, len, &ref);
    CHECK(ref.letters == sc.letters && ref.words == sc.words && ref.other_letters == sc.other_letters &&
          ref.shorthand == sc.shorthand && memcmp(&ref.bits, &sc.bits, sizeof(sc.bits)) == 0);
    CHECK(sc.shorthand <= len / 2);
}

static void fuzz_topics(const char *s, size_t len)
{
    rg_topic_matches_t m = {0};
    CHECK(rg_topics_find(topics, s, len, &m) == 0);
    for (size_t k = 0; k < m.n; k++) {
        const rg_topic_match_t *x = &m.v[k];
        CHECK(x->term < N_TERMS && x->start < x->end && x->end <= len);
        char *f;
        size_t n;
        CHECK(rg_topics_fold(s + x->start, x->end - x->start, &f, &n) == 0);
        CHECK(n == folded_lens[x->term] && memcmp(f, folded_terms[x->term], n) == 0);
        free(f);
    }
    rg_topic_matches_free(&m);
}

static void fuzz_unmask(const char *s, size_t len, size_t from)
{
    size_t a = 0, b = 0;
    int ra = rg_pi_mask_next(s, len, from, &a), rb = rg_pi_mask_next_portable(s, len, from, &b);
    CHECK(ra == rb && (!ra || a == b));
    CHECK(!ra || (a >= from && a < len));
#ifdef __x86_64__
    size_t c = 0;
    int rc = rg_pi_mask_next_sse2(s, len, from, &c);
    CHECK(rc == rb && (!rc || c == b));
#endif
    char out[RG_PI_PAYLOAD_MAX];
    size_t n = len < sizeof(out) ? len : sizeof(out);
    CHECK(rg_pi_unmask(s, n, out, sizeof(out)) <= n);
    CHECK(rg_pi_unmask(s, len, out, 7) <= 7);
    char err[256];
    const rg_pi_model_t *m = rg_pi_model_shipped(err, sizeof(err));
    const rg_hs_db_t *db = rg_pi_patterns_shared(err, sizeof(err));
    CHECK(m != NULL && db != NULL);
    rg_pi_result_t r;
    CHECK(rg_pi_score_text(m, db, s, len, &r) == 0);
    CHECK(r.score >= 0 && r.score <= 1 && !(r.decoded && r.unmasked));
}

static void fuzz_checks(const char *s, size_t len)
{
    rg_text_part_t parts[4];
    size_t n = 0, at = 0;
    while (n < 4) {
        const char *e = n < 3 ? memchr(s + at, 0xFF, len - at) : NULL;
        size_t end = e ? (size_t)(e - s) : len;
        parts[n++] = (rg_text_part_t){.s = s + at, .len = end - at};
        if (e == NULL)
            break;
        at = end + 1;
    }
    char *joined = malloc(len + 1);
    memcpy(joined, s, len);
    for (size_t i = 0; i < len; i++)
        if (joined[i] == (char)0xFF)
            joined[i] = '\n';
    joined[len] = '\0';
    rg_guard_text_t text = {.parts = parts, .n = n, .joined = joined, .joined_len = len};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .text = &text};
    for (int k = 0; k < 3; k++) {
        rg_check_result_t res = {0};
        check_ops[k]->run(checks[k], &env, &res);
        CHECK(res.error[0] == '\0' || k == 2); /* bannedTopics may refuse to redact past its match cap */
        CHECK(res.data == NULL && res.error[0] == '\0' ? res.data_json != NULL : 1);
        if (res.data_json != NULL) { /* the data written as text must be one whole JSON value */
            json_error_t e;
            json_t *d = json_loadb(res.data_json, res.data_json_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
            CHECK(d != NULL);
            json_decref(d);
        }
        CHECK(res.transformed == (res.parts != NULL));
        CHECK(res.verdict == 1 || k == 1 || res.error[0] != '\0'); /* strip and redact pass */
        rg_check_result_clear(&res, n);
    }
    free(joined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1)
        return 0;
    unsigned mask = data[0] & RG_INV_ALL;
    if (mask == 0)
        mask = RG_INV_ALL;
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    fuzz_invisible(s, len, mask);
    fuzz_gibberish(s, len);
    fuzz_topics(s, len);
    fuzz_unmask(s, len, len > 0 ? (size_t)data[0] * 7919 % (len + 1) : 0);
    fuzz_checks(s, len);
    return 0;
}
