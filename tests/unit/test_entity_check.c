/*
 * test_entity_check.c — the entity check driver's fast paths: the data shared between runs (a run that finds
 * nothing, then one that does, then nothing again, on one compiled check), code point offsets past the SIMD
 * counter's fold (texts over 4 KB of multibyte characters), masking of ASCII and non-UTF-8 values (the
 * excerpt is stored without a UTF-8 check, so it must be valid whatever the input), the mask action past
 * the listed findings, and the digit and context scanners the PII detector leans on, against plain loops.
 */
#include "text_check.h"

#include <ctype.h>
#include <time.h>

#include "core/buf.h"
#include "core/json_dump.h"
#include "detect/context.h"
#include "detect/digits.h"
#include "detect/pii.h"
#include "guard/checks/entity_check.h"

extern const rg_check_ops_t rg_check_rg_pii;
#define PII (&rg_check_rg_pii)

static void run_one(void *compiled, const char *text, rg_check_result_t *res)
{
    rg_text_part_t part = {.s = text, .len = strlen(text)};
    rg_guard_text_t t = {.parts = &part, .n = 1, .joined = (char *)text, .joined_len = part.len};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .text = &t};
    memset(res, 0, sizeof(*res));
    PII->run(compiled, &env, res);
}

/* The data as the host writes it into hook_results: data_json's bytes as they are, else the tree dumped. */
static char *dump(const rg_check_result_t *res)
{
    if (res->data_json)
        return strndup(res->data_json, res->data_json_len);
    return json_dumps(res->data, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static void test_shared_data(void **st)
{
    (void)st;
    char err[RG_CHECK_ERROR_MAX];
    void *c = tc_compile(PII, "{}", err);
    assert_non_null(c);
    rg_check_result_t a, b, d;
    run_one(c, "nothing to see", &a);
    run_one(c, "mail a@x.com and b@y.org, call 415-555-0132", &b);
    run_one(c, "still nothing", &d);
    char *sa = dump(&a), *sb = dump(&b), *sd = dump(&d);
    const char *empty = "{\"action\":\"detect\",\"found\":0,\"entities\":[],\"counts\":{}}";
    assert_string_equal(sa, empty);
    assert_string_equal(sd, empty);
    assert_string_equal(sb, "{\"action\":\"detect\",\"found\":3,\"entities\":["
                            "{\"type\":\"EMAIL\",\"part\":0,\"start\":5,\"end\":12,\"excerpt\":\"*@*.***\"},"
                            "{\"type\":\"EMAIL\",\"part\":0,\"start\":17,\"end\":24,\"excerpt\":\"*@*.***\"},"
                            "{\"type\":\"PHONE\",\"part\":0,\"start\":31,\"end\":43,\"excerpt\":\"***-***-0132\"}],"
                            "\"counts\":{\"EMAIL\":2,\"PHONE\":1}}");
    assert_true(a.verdict);
    assert_false(b.verdict);
    free(sa);
    free(sb);
    free(sd);
    rg_check_result_clear(&a, 1);
    rg_check_result_clear(&b, 1);
    rg_check_result_clear(&d, 1);
    PII->free(c);
}

/* Offsets in code points through more than 255 16-byte steps of two-byte characters (the counter's fold). */
/* Offsets are code points. The driver counts none while every span so far ended before the first byte >= 0x80
 * (entity_check.c ascii_through); texts with such bytes before, between, inside and after the spans, at every
 * distance from a 16-byte step, must give the offsets a byte-at-a-time count of the detector's own spans gives. */
static void test_offsets_mixed(void **st)
{
    (void)st;
    static const char *const wide[] = {"\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x98\x80", "\xFF"};
    static const char *const found[] = {"ann@x.com", "j\xC3\xB6rg@ex.com", "415-555-0132", "4111 1111 1111 1111"};
    char err[RG_CHECK_ERROR_MAX], text[600];
    void *c = tc_compile(PII, "{}", err);
    assert_non_null(c);
    void *det = rg_detector_pii.compile(rg_detector_pii.default_types, NULL, err, sizeof(err));
    assert_non_null(det);
    srand(11);
    for (int round = 0; round < 3000; round++) {
        size_t o = 0;
        int pieces = 1 + rand() % 8;
        for (int k = 0; k < pieces; k++) {
            size_t pad = (size_t)(rand() % 40);
            for (size_t i = 0; i < pad; i++)
                text[o++] = (char)(rand() % 12 ? 'a' + rand() % 26 : ' ');
            text[o++] = ' ';
            const char *w = rand() % 3 ? NULL : wide[rand() % 4];
            if (w != NULL) {
                memcpy(text + o, w, strlen(w));
                o += strlen(w);
                text[o++] = ' ';
            }
            const char *f = found[rand() % 4];
            memcpy(text + o, f, strlen(f));
            o += strlen(f);
            text[o++] = ' ';
        }
        text[o] = '\0';
        rg_entities_t e = {0};
        assert_int_equal(rg_detector_pii.find(det, text, o, &e), 0);
        rg_entities_resolve(&e);
        rg_check_result_t res;
        run_one(c, text, &res);
        json_t *data = json_loadb(res.data_json, res.data_json_len, 0, NULL);
        json_t *list = json_object_get(data, "entities");
        assert_int_equal(json_array_size(list), e.n);
        for (size_t i = 0; i < e.n; i++) {
            json_t *x = json_array_get(list, i);
            assert_int_equal(tc_int(x, "start"), (json_int_t)rg_ec_cp_count_portable(text, 0, e.v[i].start));
            assert_int_equal(tc_int(x, "end"), (json_int_t)rg_ec_cp_count_portable(text, 0, e.v[i].end));
        }
        json_decref(data);
        rg_check_result_clear(&res, 1);
        rg_entities_free(&e);
    }
    rg_detector_pii.free(det);
    PII->free(c);
}

/* The ASCII masking path, 16 bytes a step and a last step that overlaps the one before, against the rule written
 * plainly: every letter and digit masked but the last four of nine or more, the last one of six or more. */
static void test_mask_ascii_steps(void **st)
{
    (void)st;
    char in[80], want[80];
    srand(13);
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(rand() % 70), alnum = 0;
        int dense = rand() % 9; /* letters and digits in eighths: few of them in a long value, too */
        for (size_t i = 0; i < len; i++) {
            int r = rand() % 8;
            in[i] = (char)(r < dense ? (r % 2 ? 'a' + rand() % 26 : '0' + rand() % 10) : "-. _/\"\\\t:"[rand() % 9]);
            alnum += isalnum((unsigned char)in[i]) != 0;
        }
        size_t keep = alnum >= 9 ? 4 : alnum >= 6 ? 1 : 0, seen = 0;
        for (size_t i = 0; i < len; i++)
            want[i] = isalnum((unsigned char)in[i]) && seen++ < alnum - keep ? '*' : in[i];
        want[len] = '\0';
        rg_buf_t b;
        rg_buf_init(&b, 1 << 16);
        assert_int_equal(rg_ec_mask(&b, in, len), 0);
        assert_int_equal(b.len, len);
        assert_memory_equal(b.data, want, len);
        rg_buf_free(&b);
    }
}

static void test_offsets_long(void **st)
{
    (void)st;
    size_t n = 5000;
    char *t = malloc(n * 2 * 2 + 64), *p = t;
    for (size_t i = 0; i < n; i++, p += 2)
        memcpy(p, "\xC3\xA9", 2);
    p += sprintf(p, " a@x.com ");
    for (size_t i = 0; i < n; i++, p += 2)
        memcpy(p, "\xC3\xA9", 2);
    sprintf(p, " b@x.com");
    tc_run_t r;
    tc_run(&r, PII, "{}", t);
    json_t *e = json_object_get(r.res.data, "entities");
    assert_int_equal(json_array_size(e), 2);
    assert_int_equal(tc_int(json_array_get(e, 0), "start"), (json_int_t)n + 1);
    assert_int_equal(tc_int(json_array_get(e, 0), "end"), (json_int_t)n + 8);
    assert_int_equal(tc_int(json_array_get(e, 1), "start"), (json_int_t)(2 * n + 10));
    assert_int_equal(tc_int(json_array_get(e, 1), "end"), (json_int_t)(2 * n + 17));
    tc_done(&r);
    free(t);
}

/* data_json is written by hand (entity_check.c data_text): it must be exactly one value in the compact form
 * every other part of hook_results has, i.e. parsing it and writing the tree again with rg_json_dumps gives the
 * same bytes. Excerpts with quotes, backslashes, control and non-ASCII characters; counts past 63; truncated. */
extern const rg_check_ops_t rg_check_rg_secrets;

static void canonical(const rg_check_ops_t *ops, const char *params, const char *text, int want_truncated)
{
    char err[RG_CHECK_ERROR_MAX];
    void *c = tc_compile(ops, params, err);
    assert_non_null(c);
    rg_text_part_t part[2] = {{.s = "first part, nothing", .len = 19}, {.s = text, .len = strlen(text)}};
    rg_guard_text_t t = {.parts = part, .n = 2, .joined = (char *)text, .joined_len = part[1].len};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .text = &t};
    rg_check_result_t res;
    memset(&res, 0, sizeof(res));
    ops->run(c, &env, &res);
    assert_non_null(res.data_json);
    assert_null(res.data);
    json_error_t e;
    json_t *j = json_loadb(res.data_json, res.data_json_len, JSON_REJECT_DUPLICATES, &e);
    if (j == NULL)
        fail_msg("does not parse (%s): %.*s", e.text, (int)res.data_json_len, res.data_json);
    size_t len = 0;
    char *again = rg_json_dumps(j, &len);
    assert_int_equal(len, res.data_json_len);
    assert_memory_equal(again, res.data_json, len);
    assert_int_equal(json_is_true(json_object_get(j, "truncated")), want_truncated);
    json_t *first = json_array_get(json_object_get(j, "entities"), 0);
    assert_int_equal(tc_int(first, "part"), 1);
    free(again);
    json_decref(j);
    rg_check_result_clear(&res, 2);
    ops->free(c);
}

static void test_data_text_canonical(void **st)
{
    (void)st;
    canonical(&rg_check_rg_secrets, "{}", "db_password = \"Zq8\\1fX\\\"b0Lm!\"", 0);
    canonical(&rg_check_rg_secrets, "{}", "db_password = \"Zq8\u00e91f\\\\Xb0\u4e2dm!\"", 0);
    /* ASCII values of 16 bytes or more: the escapes in the first step, in the last one (which overlaps it) */
    canonical(&rg_check_rg_secrets, "{}", "db_password = \"Zq\\\"8x1fXab0LmQ7rT2wKp\"", 0);
    canonical(&rg_check_rg_secrets, "{}", "db_password = \"Zq8x1fXab0LmQ7rT2w\\\\Kp\"", 0);
    canonical(&rg_check_rg_secrets, "{}", "db_password = \"Zq8x1fXab0LmQ7rT\\\"Kp\"", 0);
    canonical(PII, "{\"action\":\"redact\"}", "write to J\u00f6rg.M\u00fcller@example.com today", 0);
    size_t n = 300;
    char *text = malloc(n * 40 + 1), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "u%zu@x.com, 415-555-%04zu; ", i, i);
    canonical(PII, "{}", text, 1);
    canonical(PII, "{\"action\":\"mask\"}", text, 1);
    free(text);
}

/* Past RG_ENTITIES_MAX non-overlapping spans the list is resolved once and every later span is dropped at once: it
 * used to be resolved again at every add, so a text with a million findings took minutes (found in review). */
static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_entities_cap(void **st)
{
    (void)st;
    rg_entities_t e = {0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t n = (size_t)RG_ENTITIES_MAX + 200000;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(rg_entities_add(&e, 8 * i, 8 * i + 6, 0, 1), 0);
        /* about 0.1 s in all; the old code resolved the whole list again at every add past the cap */
        if ((i % 1024 == 0 || i >= RG_ENTITIES_MAX) && since(&t0) > 10)
            fail_msg("%zu spans added after 10 s", i);
    }
    assert_true(e.truncated);
    assert_int_equal(e.n, RG_ENTITIES_MAX);
    assert_int_equal(e.v[e.n - 1].start, 8 * (RG_ENTITIES_MAX - 1)); /* the first ones are kept */
    rg_entities_free(&e);
}

static void mask_is(const char *in, size_t len, const char *want)
{
    rg_buf_t b;
    rg_buf_init(&b, 1 << 16);
    assert_int_equal(rg_ec_mask(&b, in, len), 0);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    json_t *j = json_stringn(b.data, b.len); /* the checked constructor: must accept it */
    assert_non_null(j);
    json_decref(j);
    rg_buf_free(&b);
}

static void test_mask(void **st)
{
    (void)st;
    mask_is("a@x.com", 7, "*@*.***");
    mask_is("4111 1111 1111 1111", 19, "**** **** **** 1111");
    mask_is("abcdef", 6, "*****f");
    mask_is("\xC3\xA9tienne@ex.com", 15, "*******@*x.com");
    mask_is("ab\xFF\xC3\xA9z", 6, "*****"); /* a stray byte counts as a letter */
    mask_is("abcdefghi\xFFjk", 12, "********i?jk"); /* and never comes out as itself */
    mask_is("ab\xED\xA0\x80q", 6, "*****q"); /* a surrogate: three stray bytes */
    mask_is("x\xF0\x9F\x98\x80y\xE2\x82", 8, "*****");
}

/* The mask action masks every finding, also past the ones data lists. */
static void test_mask_many(void **st)
{
    (void)st;
    size_t n = 600;
    char *text = malloc(n * 24 + 1), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "u%zu@x.com and ", i);
    tc_run_t r;
    tc_run(&r, PII, "{\"action\":\"mask\"}", text);
    assert_true(r.res.verdict);
    assert_int_equal(tc_int(r.res.data, "found"), (json_int_t)n);
    assert_int_equal(json_array_size(json_object_get(r.res.data, "entities")), RG_EC_REPORT_MAX);
    assert_null(memmem(r.res.parts[0], r.res.part_lens[0], "x.com", 5));
    assert_int_equal(r.res.part_lens[0], strlen(text));
    tc_done(&r);
    free(text);
}

static void test_digit_next(void **st)
{
    (void)st;
    unsigned char buf[300];
    srand(7);
    for (int round = 0; round < 2000; round++) {
        size_t len = (size_t)(rand() % 300);
        for (size_t i = 0; i < len; i++) { /* mostly non-digits, every byte value */
            int c = rand() % 256;
            buf[i] = (unsigned char)(c >= '0' && c <= '9' && rand() % 8 ? 'x' : c);
        }
        size_t from = len ? (size_t)(rand() % (int)(len + 1)) : 0;
        size_t want = from;
        while (want < len && !(buf[want] >= '0' && buf[want] <= '9'))
            want++;
        assert_int_equal(rg_digit_next((const char *)buf, len, from), want);
    }
}

static void test_context(void **st)
{
    (void)st;
    static const char *const words[] = {"tel", "phone", "driver's license", NULL};
    rg_context_words_t cw, *w = &cw;
    rg_context_words_init(&cw, words);
    const char *s = "Tel: 555 0100";
    assert_true(rg_context_before(s, 5, 32, w));
    s = "the hotel 555 0100";
    assert_false(rg_context_before(s, 10, 32, w));
    s = "PHONE 555";
    assert_true(rg_context_before(s, 6, 32, w));
    s = "Driver's License D1234567";
    assert_true(rg_context_before(s, 17, 32, w));
    s = "driver's licens";
    assert_false(rg_context_after(s, strlen(s), 0, 32, w)); /* cut by the window's end */
    s = "x phone";
    assert_false(rg_context_after(s, strlen(s), 0, 4, w));
    assert_true(rg_context_after(s, strlen(s), 0, 7, w));
}

/* rg_context_before / rg_context_after agree with the byte-at-a-time scan on 20,000 texts glued from pieces (up to
 * maxlen bytes), at random points and windows below maxwin, for two word lists. */
static void context_agrees(const char *const *wa, const char *const *wb, const char (*pieces)[12], size_t npieces,
                           unsigned seed, size_t maxlen, int stop, int maxwin)
{
    rg_context_words_t a, b;
    rg_context_words_init(&a, wa);
    rg_context_words_init(&b, wb);
    char buf[200];
    srand(seed);
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        while (len < maxlen && rand() % stop != 0) {
            const char *p = pieces[rand() % (int)npieces];
            memcpy(buf + len, p, strlen(p));
            len += strlen(p);
        }
        size_t at = len ? (size_t)(rand() % (int)(len + 1)) : 0, win = (size_t)(rand() % maxwin);
        for (int k = 0; k < 2; k++) {
            const rg_context_words_t *w = k ? &b : &a;
            assert_int_equal(rg_context_before(buf, at, win, w),
                             rg_context_any_portable(buf, at > win ? at - win : 0, at, w));
            size_t to = len - at > win ? at + win : len;
            assert_int_equal(rg_context_after(buf, len, at, win, w), rg_context_any_portable(buf, at, to, w));
        }
    }
}

/* The SSE2 scans (16 positions a step, partial last step, start of text) agree with the byte-at-a-time one, for
 * word lists with letters only (the fast path) and with a word that is not (the portable path). */
static void test_context_fast_portable(void **st)
{
    (void)st;
    static const char *const letters[] = {"tel", "phone", "dl", "née", "social security", "ss#", "d.o.b", NULL};
    static const char *const other[] = {"#tag", "fax", NULL};
    static const char pieces[][12] = {"tel", "Phone", "DL", "n\xC3\xA9" "e", "ss#", "d.o.b", "hotel", "x", " ", "-",
                                     "\xC3\xA9", "Social", " security", "9", "#tag", "FAX", "ph", "t"};
    context_agrees(letters, other, pieces, sizeof(pieces) / sizeof(pieces[0]), 11, 100, 12, 48);
}

/* Word lists with more first letters than the per-letter compares take (letter starts, then the start table) and
 * with few, on text made of pieces that start and almost start the words. */
static void test_context_many_first_letters(void **st)
{
    (void)st;
    static const char *const many[] = {"phone", "tel", "call", "mobile", "cell", "fax", "desk", "whatsapp", "sms",
                                       "text me", "reach me", "dial", "landline", "hotline", "handy", NULL};
    static const char *const few[] = {"born", "birth", "dob", "d.o.b", NULL};
    static const char pieces[][12] = {"Tel", "phone", "CALL", "x", " ", "-", ".", "\xC3\xA9", "hotel", "9", "text",
                                      " me", "dob", "B", "reach", "ha", "ndy", "Fax", "d.o.b", "born", "\n"};
    context_agrees(many, few, pieces, sizeof(pieces) / sizeof(pieces[0]), 23, 180, 16, 64);
}

/* Code points: the SSE2 count (64-byte steps, ASCII skipped) agrees with the byte-at-a-time one. */
static void test_cp_count(void **st)
{
    (void)st;
    unsigned char buf[400];
    srand(5);
    for (int round = 0; round < 5000; round++) {
        size_t len = (size_t)(rand() % 400);
        int mostly_ascii = rand() % 2;
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)(mostly_ascii && rand() % 50 ? 'a' + rand() % 26 : rand() % 256);
        size_t from = len ? (size_t)(rand() % (int)(len + 1)) : 0, to = from + (size_t)(rand() % (int)(len - from + 1));
        assert_int_equal(rg_ec_cp_count((const char *)buf, from, to), rg_ec_cp_count_portable((const char *)buf, from, to));
    }
}

/* Long ASCII values go 16 bytes a step: the kept tail is the last four letters or digits, wherever they are. */
static void test_mask_long(void **st)
{
    (void)st;
    mask_is("ab-cd-ef-gh-ij-kl-mn-op-qr-st-uv", 32, "**-**-**-**-**-**-**-**-**-st-uv");
    mask_is("abcdefghijklmnopqrstuvwxyz0123456789-------------", 49,
            "********************************6789-------------");
    mask_is("a-----------------------------b", 31, "*-----------------------------*");
    mask_is("abcdefghijklmnopqrstuvwxyz \xC3\xA9", 29, "***********************xyz \xC3\xA9"); /* not ASCII: kept as a letter */
}

/* allow_list: a listed value is neither reported nor redacted, compared exactly; other values of the same type
 * still are, and keep their numbering; bad lists fail at compile. */
static void test_allow_list(void **st)
{
    (void)st;
    char err[RG_CHECK_ERROR_MAX];
    void *c = tc_compile(PII, "{\"action\": \"redact\", \"allow_list\": [\"help@acme.com\", \"4111 1111 1111 1111\"]}", err);
    assert_non_null(c);
    rg_check_result_t r;
    run_one(c, "mail help@acme.com, bob@acme.com, Help@acme.com or bob@acme.com; card 4111 1111 1111 1111", &r);
    assert_true(r.verdict);
    assert_string_equal(r.parts[0], "mail help@acme.com, [EMAIL_1], [EMAIL_2] or [EMAIL_1]; card 4111 1111 1111 1111");
    char *d = dump(&r);
    assert_non_null(strstr(d, "\"found\":3,"));
    free(d);
    rg_check_result_clear(&r, 1);
    run_one(c, "only help@acme.com here", &r); /* everything found is allowed: nothing changes */
    assert_true(r.verdict);
    assert_false(r.transformed);
    d = dump(&r);
    assert_string_equal(d, "{\"action\":\"redact\",\"found\":0,\"entities\":[],\"counts\":{}}");
    free(d);
    rg_check_result_clear(&r, 1);
    PII->free(c);

    c = tc_compile(PII, "{\"allow_list\": [\"help@acme.com\"]}", err); /* detect: an allowed value passes */
    assert_non_null(c);
    run_one(c, "write to help@acme.com", &r);
    assert_true(r.verdict);
    rg_check_result_clear(&r, 1);
    run_one(c, "write to help@acme.co", &r);
    assert_false(r.verdict);
    rg_check_result_clear(&r, 1);
    PII->free(c);

    const char *bad[] = {"{\"allow_list\": \"help@acme.com\"}", "{\"allow_list\": [1]}", "{\"allow_list\": [\"\"]}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(tc_compile(PII, bad[i], err));
        assert_non_null(strstr(err, "allow_list"));
    }
    char *long_value = malloc(1025 + 32); /* one byte over RG_ALLOW_VALUE_MAX */
    assert_non_null(long_value);
    memset(long_value, 'a', 1025 + 32);
    const char *head = "{\"allow_list\": [\"";
    size_t hl = strlen(head);
    memcpy(long_value, head, hl);
    memcpy(long_value + hl + 1025, "\"]}", 4);
    assert_null(tc_compile(PII, long_value, err));
    assert_non_null(strstr(err, "1 to 1024 bytes"));
    memcpy(long_value + hl + 1024, "\"]}", 4); /* exactly the cap: accepted */
    void *ok = tc_compile(PII, long_value, err);
    assert_non_null(ok);
    PII->free(ok);
    free(long_value);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_data), cmocka_unit_test(test_entities_cap), cmocka_unit_test(test_data_text_canonical), cmocka_unit_test(test_offsets_long), cmocka_unit_test(test_mask),
        cmocka_unit_test(test_mask_many),   cmocka_unit_test(test_digit_next),   cmocka_unit_test(test_context),
        cmocka_unit_test(test_context_fast_portable),
        cmocka_unit_test(test_context_many_first_letters), cmocka_unit_test(test_cp_count), cmocka_unit_test(test_mask_long),
        cmocka_unit_test(test_allow_list), cmocka_unit_test(test_offsets_mixed), cmocka_unit_test(test_mask_ascii_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
