/*
 * rg_banned_topics.c — railgate.bannedTopics: operator word and phrase lists
 * found case- and accent-insensitively as whole words, in one Vectorscan
 * pass whatever the length of the lists (detect/topics.h;
 * docs/internals/detect-text.md).
 *
 * Parameters:
 *   words, phrases  arrays of strings (at least one entry between them, at
 *                   most 100000); the two lists behave the same, phrases
 *                   match across any run of white space.
 *   action          "detect" (default: verdict false when anything is found)
 *                   or "redact" (verdict true; every match becomes
 *                   redactText, overlapping matches merge into the first).
 *   redactText      the replacement, default "[REDACTED]".
 *   scope           "all": every message (read by the hook compiler).
 *
 * data: {"action", "found": n, "matches": [{"term", "count", "positions":
 * [{"part", "start", "end"}]}], "truncated"?: true}: terms in order of first
 * appearance, each with its first 8 positions (code points within the part);
 * written as JSON text (check.h: data_json).
 * The terms are the operator's own entries, so echoing them is fine; the
 * text's spelling of them is not echoed.
 */
#include "core/buf.h"
#include "detect/topics.h"
#include "guard/check.h"
#include "guard/checks/common.h"
#include "guard/checks/rg_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POSITIONS_PER_TERM 8
#define REDACT_MAX 256

typedef struct {
    rg_topics_t *topics;
    rg_ck_strv_t terms; /* words then phrases */
    int redact;
    char *redact_text;
    size_t redact_len;
    char empty[64]; /* the data of a run that found nothing, lent to its results */
    size_t empty_len;
    size_t pieces;  /* streams: the most runs of text between ASCII white space one match can touch */
} bt_t;

static const char refused_data[] = "{\"action\":\"redact\",\"refused\":true,\"explanation\":\"more matches in one "
                                   "part than can be redacted: not redacted\"}";

static void bt_free(void *p)
{
    bt_t *b = p;
    if (b == NULL)
        return;
    rg_topics_free(b->topics);
    rg_ck_strv_free(&b->terms);
    free(b->redact_text);
    free(b);
}

/* Appends the strings of params[key] (absent or null: nothing). 0, or -1 with err. */
static int add_list(json_t *params, const char *key, rg_ck_strv_t *v, char *err, size_t errsz)
{
    json_t *a = json_object_get(params, key);
    if (a == NULL || json_is_null(a))
        return 0;
    rg_ck_strv_t l;
    if (rg_ck_strv_from_json(a, &l) != 0) {
        snprintf(err, errsz, "%s must be an array of strings", key);
        return -1;
    }
    for (size_t i = 0; i < l.n; i++)
        if (rg_ck_strv_push(v, l.s[i], l.len[i]) != 0) {
            rg_ck_strv_free(&l);
            snprintf(err, errsz, "out of memory");
            return -1;
        }
    rg_ck_strv_free(&l);
    return 0;
}

static int ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* How many runs between ASCII white space a match of the term can touch, at most: one more per run of white space
 * and per character that is not ASCII (it may be a space the text spells as ' ', or the text may spell the term's
 * ' ' as one of them; both fold to one space). */
static size_t term_pieces(const char *s, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        n += (ascii_space(c) && (i == 0 || !ascii_space((unsigned char)s[i - 1]))) || (c >= 0xc0);
    }
    return n;
}

static void *compile(json_t *params, char *err, size_t errsz)
{
    static const char *const keys[] = {"words", "phrases", "action", "redactText", NULL};
    static const char *const actions[] = {"detect", "redact", NULL};
    int redact;
    if (!json_is_object(params)) {
        snprintf(err, errsz, "parameters must be an object with words or phrases");
        return NULL;
    }
    if (rg_rc_keys(params, "railgate.bannedTopics", keys, err, errsz) != 0 ||
        rg_rc_choice(params, "action", actions, &redact, err, errsz) != 0)
        return NULL;
    bt_t *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    b->redact = redact;
    json_t *r = json_object_get(params, "redactText");
    const char *rt = "[REDACTED]";
    size_t rl = strlen(rt);
    if (r != NULL && !json_is_null(r)) {
        if (!json_is_string(r) || json_string_length(r) > REDACT_MAX) {
            snprintf(err, errsz, "redactText must be a string of at most %d bytes", REDACT_MAX);
            goto fail;
        }
        rt = json_string_value(r);
        rl = json_string_length(r);
    }
    b->redact_text = malloc(rl + 1);
    if (b->redact_text == NULL) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    memcpy(b->redact_text, rt, rl + 1);
    b->redact_len = rl;
    b->empty_len = (size_t)snprintf(b->empty, sizeof(b->empty), "{\"action\":\"%s\",\"found\":0,\"matches\":[]}",
                                    redact ? "redact" : "detect");
    if (add_list(params, "words", &b->terms, err, errsz) != 0 || add_list(params, "phrases", &b->terms, err, errsz) != 0)
        goto fail;
    if (b->terms.n == 0) {
        snprintf(err, errsz, "words or phrases must hold at least one entry");
        goto fail;
    }
    for (size_t i = 0; i < b->terms.n; i++)
        if (term_pieces(b->terms.s[i], b->terms.len[i]) > b->pieces)
            b->pieces = term_pieces(b->terms.s[i], b->terms.len[i]);
    if (rg_check_untrusted() && b->terms.n > RG_CHECK_UNTRUSTED_TERMS_MAX) {
        snprintf(err, errsz, "hooks sent with a request may list at most %d words and phrases (%zu given); longer "
                 "lists belong in the gateway's own configuration", RG_CHECK_UNTRUSTED_TERMS_MAX, b->terms.n);
        goto fail;
    }
    char terr[200];
    b->topics = rg_topics_compile((const char *const *)b->terms.s, b->terms.len, b->terms.n, terr, sizeof(terr));
    if (b->topics == NULL) {
        /* name the list and the entry the detector's index points at */
        size_t idx;
        json_t *words = json_object_get(params, "words");
        size_t nw = json_is_array(words) ? json_array_size(words) : 0;
        if (sscanf(terr, "entry %zu", &idx) == 1) {
            const char *rest = strstr(terr, " is ");
            snprintf(err, errsz, "%s[%zu]%s", idx < nw ? "words" : "phrases", idx < nw ? idx : idx - nw,
                     rest ? rest : ": invalid");
        } else {
            snprintf(err, errsz, "%s", terr);
        }
        goto fail;
    }
    return b;
fail:
    bt_free(b);
    return NULL;
}

/* ---- run ------------------------------------------------------------------------ */

typedef struct {
    uint32_t term, part;
    uint32_t start, end;       /* bytes */
    uint32_t cp_start, cp_end; /* code points */
} hit_t;

static int by_start(const void *a, const void *b)
{
    const hit_t *x = a, *y = b;
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end; /* longer first */
}

static int by_term(const void *a, const void *b)
{
    const hit_t *x = a, *y = b;
    if (x->term != y->term)
        return x->term < y->term ? -1 : 1;
    return by_start(a, b);
}

typedef struct {
    uint32_t off;
    uint32_t *dst;
} cpq_t;

static int by_off(const void *a, const void *b)
{
    const cpq_t *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Code point offsets of the hits of one part: their byte offsets sorted, then one walk over the text. */
static int code_points(const char *s, hit_t *h, size_t n)
{
    cpq_t *q = malloc(2 * n * sizeof(*q));
    if (q == NULL)
        return -1;
    for (size_t k = 0; k < n; k++) {
        q[2 * k] = (cpq_t){h[k].start, &h[k].cp_start};
        q[2 * k + 1] = (cpq_t){h[k].end, &h[k].cp_end};
    }
    qsort(q, 2 * n, sizeof(*q), by_off);
    size_t at = 0, cp = 0;
    for (size_t k = 0; k < 2 * n; k++) {
        for (; at < q[k].off; at++)
            cp += ((unsigned char)s[at] & 0xC0) != 0x80;
        *q[k].dst = (uint32_t)cp;
    }
    free(q);
    return 0;
}

/* The part with the hits (sorted by start, longer first) replaced; overlaps merge into the earlier one. */
static char *redact_part(const bt_t *b, const char *s, size_t len, const hit_t *h, size_t n, size_t *out_len)
{
    rg_buf_t o;
    rg_buf_init(&o, len + n * (b->redact_len + 1) + 1);
    size_t last = 0;
    int rc = RG_BUF_OK;
    for (size_t k = 0; k < n && rc == RG_BUF_OK; k++) {
        if (h[k].start < last) { /* inside (or overlapping) what was already replaced */
            if (h[k].end > last)
                last = h[k].end;
            continue;
        }
        rc = rg_buf_append(&o, s + last, h[k].start - last);
        if (rc == RG_BUF_OK)
            rc = rg_buf_append(&o, b->redact_text, b->redact_len);
        last = h[k].end;
    }
    if (rc == RG_BUF_OK)
        rc = rg_buf_append(&o, s + last, len - last);
    if (rc != RG_BUF_OK) {
        rg_buf_free(&o);
        return NULL;
    }
    *out_len = o.len;
    return o.data ? o.data : strdup(""); /* everything replaced by an empty redactText */
}

/* The "matches" array's entries written into w: one per term, in order of the term's first appearance, each
 * with its first POSITIONS_PER_TERM positions. 0, or -1 out of memory. */
static int report(const bt_t *b, hit_t *h, size_t n, rg_jw_t *w)
{
    if (n > 1)
        qsort(h, n, sizeof(*h), by_term);
    size_t groups = 0;
    for (size_t k = 0; k < n; k++)
        groups += k == 0 || h[k].term != h[k - 1].term;
    /* per term, its first hit, whose .term is replaced by where its hits start in h */
    hit_t *firsts = malloc((groups ? groups : 1) * sizeof(*firsts));
    if (firsts == NULL)
        return -1;
    size_t g = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || h[k].term != h[k - 1].term) {
            firsts[g] = h[k];
            firsts[g++].term = (uint32_t)k;
        }
    if (g > 1)
        qsort(firsts, g, sizeof(*firsts), by_start);
    for (size_t i = 0; i < g; i++) {
        size_t k = firsts[i].term, e = k;
        while (e < n && h[e].term == h[k].term)
            e++;
        if (i)
            RG_JW_LIT(w, ",");
        RG_JW_LIT(w, "{\"term\":");
        rg_jw_str(w, b->terms.s[h[k].term], b->terms.len[h[k].term]);
        RG_JW_LIT(w, ",\"count\":");
        rg_jw_int(w, (long long)(e - k));
        RG_JW_LIT(w, ",\"positions\":[");
        for (size_t j = k; j < e && j < k + POSITIONS_PER_TERM; j++) {
            if (j > k)
                RG_JW_LIT(w, ",");
            RG_JW_LIT(w, "{\"part\":");
            rg_jw_int(w, (long long)h[j].part);
            RG_JW_LIT(w, ",\"start\":");
            rg_jw_int(w, (long long)h[j].cp_start);
            RG_JW_LIT(w, ",\"end\":");
            rg_jw_int(w, (long long)h[j].cp_end);
            RG_JW_LIT(w, "}");
        }
        RG_JW_LIT(w, "]}");
    }
    free(firsts);
    return w->oom ? -1 : 0;
}

static void run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const bt_t *b = compiled;
    size_t n = env->text ? env->text->n : 0;
    rg_topic_matches_t m = {0};
    hit_t *hits = NULL;
    size_t nh = 0, caph = 0;
    rg_rc_parts_t parts;
    int failed = rg_rc_parts_init(&parts, b->redact ? n : 0) != 0, truncated = 0, refused = 0;
    for (size_t i = 0; i < n && !failed; i++) {
        const rg_text_part_t *p = &env->text->parts[i];
        m.n = 0;
        m.truncated = 0;
        if (rg_topics_find(b->topics, p->s, p->len, &m) != 0) {
            failed = 1;
            break;
        }
        if (m.n == 0)
            continue;
        truncated |= m.truncated;
        /* more matches than the cap: redacting some and letting others through would be worse than failing */
        refused = failed = m.truncated && b->redact;
        if (nh + m.n > caph && !failed) {
            size_t cap = caph ? caph : 64;
            while (cap < nh + m.n)
                cap *= 2;
            hit_t *v = realloc(hits, cap * sizeof(*v));
            failed = v == NULL;
            hits = v ? v : hits;
            caph = v ? cap : caph;
        }
        if (failed)
            break;
        hit_t *h = hits + nh;
        for (size_t k = 0; k < m.n; k++)
            h[k] = (hit_t){m.v[k].term, (uint32_t)i, m.v[k].start, m.v[k].end, 0, 0};
        qsort(h, m.n, sizeof(*h), by_start);
        failed = code_points(p->s, h, m.n) != 0;
        if (!failed && b->redact) {
            parts.s[i] = redact_part(b, p->s, p->len, h, m.n, &parts.len[i]);
            failed = parts.s[i] == NULL;
        }
        nh += m.n;
    }
    rg_topic_matches_free(&m);
    if (!failed && nh == 0) {
        free(hits);
        rg_rc_parts_free(&parts);
        rg_check_data_lend(res, b->empty, b->empty_len);
        res->verdict = 1;
        return;
    }
    /* data written as text (check.h) */
    rg_jw_t w = {0};
    if (!failed) {
        RG_JW_LIT(&w, "{\"action\":");
        if (b->redact)
            RG_JW_LIT(&w, "\"redact\"");
        else
            RG_JW_LIT(&w, "\"detect\"");
        RG_JW_LIT(&w, ",\"found\":");
        rg_jw_int(&w, (long long)nh);
        RG_JW_LIT(&w, ",\"matches\":[");
        failed = report(b, hits, nh, &w) != 0;
        RG_JW_LIT(&w, "]");
        if (truncated)
            RG_JW_LIT(&w, ",\"truncated\":true");
        RG_JW_LIT(&w, "}");
        failed |= w.oom;
    }
    free(hits);
    if (failed) {
        rg_jw_free(&w);
        rg_rc_parts_free(&parts);
        if (refused) { /* a verdict, not an error: an errored check lets its hook pass, unredacted */
            rg_check_data_lend(res, refused_data, sizeof(refused_data) - 1);
            res->verdict = 0;
        } else
            rg_check_fail(res, "railgate.bannedTopics: out of memory or scan error");
        return;
    }
    rg_check_data_jw(res, &w);
    res->verdict = b->redact || nh == 0;
    rg_rc_parts_give(&parts, res);
}

/* Streams (check.h): detect waits on the last `pieces` runs of the text (a phrase may be part-way, and white space
 * inside a match can be any long run); redact always passes. */
static size_t pending(const void *compiled, const char *text, size_t len)
{
    const bt_t *b = compiled;
    if (b->redact)
        return 0;
    size_t i = len;
    for (size_t k = 0; k < b->pieces && i > 0; k++) {
        while (i > 0 && ascii_space((unsigned char)text[i - 1]))
            i--;
        while (i > 0 && !ascii_space((unsigned char)text[i - 1]))
            i--;
    }
    return len - i;
}

const rg_check_ops_t rg_check_rg_banned_topics = {
    .id = "railgate.bannedTopics",
    .compile = compile,
    .run = run,
    .free = bt_free,
    .pending = pending,
};
