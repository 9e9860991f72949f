/* injection_decode.c — instructions hidden in base64 or in disguised words (rg_pi_score_text, injection.h).
 *
 * A payload counts as text when it has no control bytes but tab and line ends, is valid UTF-8, is at least 60%
 * letters (ASCII, or any byte of a multi-byte character) and holds a space per 24 bytes: what base64 of a
 * sentence gives, and what binary (images, keys, compressed data) almost never does. The first PEEK bytes are
 * decoded and looked at before the rest, so a long binary run costs little. */
#include "detect/b64.h"
#include "detect/injection.h"

#include "core/json_valid.h"

#include <string.h>

#define PEEK 48

static int textual(const unsigned char *u, size_t n)
{
    size_t letters = 0, spaces = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = u[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return 0;
        letters += (c | 0x20) - 'a' < 26u || c >= 0x80;
        spaces += c == ' ';
    }
    return n > 0 && letters * 10 >= n * 6 && spaces * 24 >= n && rg_utf8_valid((const char *)u, n);
}

/* Drops a multi-byte character cut at the end (a payload decoded to the cap). */
static size_t whole_chars(const unsigned char *u, size_t n)
{
    size_t k = n, back = 0;
    while (k > 0 && back < 4 && (u[k - 1] & 0xC0) == 0x80)
        k--, back++;
    if (k == 0 || u[k - 1] < 0x80)
        return n; /* ends in ASCII (or continuation bytes only: left to the validity check) */
    unsigned lead = u[k - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return back + 1 >= need ? n : k - 1;
}

int rg_pi_score_text(const rg_pi_model_t *m, const rg_hs_db_t *db, const char *s, size_t len, rg_pi_result_t *out)
{
    if (rg_pi_score(m, db, s, len, out) != 0)
        return -1;
    unsigned char buf[RG_PI_PAYLOAD_MAX];
    size_t a, b, from = 0;
    for (int found = 0; found < RG_PI_PAYLOADS_MAX && rg_b64_run_next(s, len, from, RG_PI_B64_MIN, &a, &b);
         from = b) {
        long n = rg_b64_decode(s + a, b - a, buf, PEEK);
        if (n <= 0 || !textual(buf, whole_chars(buf, (size_t)n)))
            continue;
        n = rg_b64_decode(s + a, b - a, buf, sizeof(buf));
        size_t k = n > 0 ? whole_chars(buf, (size_t)n) : 0;
        if (k == 0 || !textual(buf, k))
            continue;
        found++;
        rg_pi_result_t p;
        if (rg_pi_score(m, db, (const char *)buf, k, &p) != 0)
            return -1;
        if (p.score > out->score) {
            out->score = p.score;
            out->families |= p.families | 1u << RG_PI_ENCODING;
            out->decoded = 1;
        }
    }
    size_t at;
    from = 0;
    for (int found = 0; found < RG_PI_PAYLOADS_MAX && rg_pi_mask_next(s, len, from, &at); found++) {
        size_t w = at > from + RG_PI_UNMASK_BACK ? at - RG_PI_UNMASK_BACK : from;
        while (w < at && ((unsigned char)s[w] & 0xC0) == 0x80) /* start on a character */
            w++;
        size_t e = len - w > sizeof(buf) ? w + sizeof(buf) : len;
        size_t k = rg_pi_unmask(s + w, e - w, (char *)buf, sizeof(buf));
        rg_pi_result_t p;
        if (rg_pi_score(m, db, (const char *)buf, k, &p) != 0)
            return -1;
        if (p.score > out->score && p.score >= RG_PI_UNMASK_MIN) {
            out->score = p.score;
            out->families |= p.families | 1u << RG_PI_ENCODING;
            out->decoded = 0;
            out->unmasked = 1;
        }
        from = e;
    }
    return 0;
}
