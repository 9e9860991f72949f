/* test_detect_gibberish.c — detect/gibberish.c (model loading and scoring) and railgate.gibberish. */
#include "core/blob.h"
#include "detect/gibberish.h"

#include "text_check.h"

#include <fcntl.h>
#include <unistd.h>

extern const rg_check_ops_t rg_check_rg_gibberish;
RG_BLOB_DECLARE(gibberish);

static const rg_gib_model_t *model(void)
{
    char err[256];
    const rg_gib_model_t *m = rg_gib_builtin(err, sizeof(err));
    if (m == NULL)
        fail_msg("%s", err);
    return m;
}

static double score(const char *s)
{
    rg_gib_score_t sc;
    rg_gib_score(model(), s, strlen(s), &sc);
    return sc.score;
}

/* Written for this test; not from any data set the model was trained or evaluated on. */
static const char *const prose[] = {
    "Could you help me write a short note to my landlord explaining that the heating has been broken since Monday?",
    "The committee will meet again next week to review the budget and decide which projects receive funding.",
    "Please summarize the following article in three bullet points and keep the tone neutral.",
    "Ich möchte am Wochenende mit meiner Familie in die Berge fahren und suche eine günstige Unterkunft.",
    "Könnten Sie mir bitte erklären, wie die Steuererklärung für Selbstständige funktioniert?",
    "Necesito una receta sencilla para preparar una cena vegetariana para seis personas esta noche.",
    "¿Cuál es la diferencia entre el pretérito perfecto y el pretérito indefinido en español?",
    "Je voudrais réserver une table pour deux personnes demain soir, si possible près de la fenêtre.",
    "def parse_config(path):\n    with open(path) as f:\n        return yaml.safe_load(f)  # returns a dict",
    "for (size_t i = 0; i < len; i++) { if (buf[i] == '\\n') lines++; } return lines;",
    "See https://www.example.org/docs/getting-started/installation?lang=en#requirements for the details.",
    "SELECT name, email FROM users WHERE created_at > NOW() - INTERVAL '7 days' ORDER BY name;",
};

static const char *const gibberish[] = {
    "asdkjfh qwpoeiru zxmcnv",
    "sdfjkl sdfkjh wqeiop xcmvbn lkjhgf",
    "qwrtzp xkcdvb mnbvcx plokij uhbygv",
    "jjjjfjfjfj kdkdkdkd slslslsl",
    "xK9fQ2mZ7pLw8RtYv3NbHs4GdJc6",
    "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=",
};

static void test_builtin(void **state)
{
    (void)state;
    const rg_gib_model_t *m = model();
    assert_true(rg_gib_good_bits(m) > 1 && rg_gib_good_bits(m) < 5);
    assert_true(rg_gib_bad_bits(m) > rg_gib_good_bits(m) + 2);
    assert_int_equal(RG_BLOB_LEN(gibberish), RG_GIB_HEADER + RG_GIB_TABLE);
}

static void test_prose_passes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(prose) / sizeof(prose[0]); i++) {
        double s = score(prose[i]);
        if (s >= 0.35)
            fail_msg("prose %zu scored %.3f: %s", i, s, prose[i]);
    }
}

static void test_gibberish_flagged(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(gibberish) / sizeof(gibberish[0]); i++) {
        double s = score(gibberish[i]);
        if (s < 0.5)
            fail_msg("gibberish %zu scored %.3f: %s", i, s, gibberish[i]);
    }
}

static void test_folding(void **state)
{
    (void)state;
    rg_gib_score_t a, b, c;
    const char *x = "CAFÉ CRÈME STRASSE", *y = "cafe creme strasse", *z = "café\u200B crème straße";
    rg_gib_score(model(), x, strlen(x), &a);
    rg_gib_score(model(), y, strlen(y), &b);
    rg_gib_score(model(), z, strlen(z), &c);
    assert_true(a.bits == b.bits && b.bits == c.bits);
    assert_int_equal(a.letters, 16);
    /* camelCase splits words; a run of digits is one symbol; words of digits only do not count */
    rg_gib_score(model(), "getElementById 2024 x86", 23, &a);
    assert_int_equal(a.words, 5);
    assert_int_equal(a.letters, 15);
    /* other scripts are counted, not scored */
    const char *ru = "Привет, как дела?";
    rg_gib_score(model(), ru, strlen(ru), &a);
    assert_int_equal(a.letters, 0);
    assert_int_equal(a.other_letters, 13);
    assert_true(a.score == 0 && a.bits == 0);
    /* invalid UTF-8 is a boundary */
    rg_gib_score(model(), "abc\xff\xfe" "def", 8, &a);
    assert_int_equal(a.words, 2);
}

/* ---- loading ------------------------------------------------------------------------ */

static unsigned char *image(size_t *len)
{
    *len = RG_BLOB_LEN(gibberish);
    unsigned char *p = malloc(*len + 16);
    memcpy(p, rg_model_gibberish, *len);
    return p;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void expect_bad(const unsigned char *p, size_t len, const char *want)
{
    char err[256] = "";
    rg_gib_model_t *m = rg_gib_load(p, len, err, sizeof(err));
    if (m != NULL) {
        rg_gib_free(m);
        fail_msg("loaded a bad image (wanted \"%s\")", want);
    }
    if (strstr(err, want) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

/* rg_gib_score (a loop for runs of lower-case letters) gives the same bits as rg_gib_score_reference (a character
 * at a time) on every text: the fixed ones above and random ones drawn from pieces that reach each case (runs of
 * letters, capitals after lower case, digit runs, separators, accented and other-script letters, marks, invisible
 * characters, broken UTF-8), cut at random lengths so that texts end inside words and inside characters. */
static void test_fast_loop_matches_reference(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "the", "quick", "brownfox", "xyzzy", "Q", "HTTP", "getElementById", "aB", "zZ", "2024", "7", "x86", "a1b2",
        " ", "  ", ".", ",", "-", "_", "\n", "\t", "'", "é", "É", "straße", "ﬁ", "ü", "日本", "кот", "\xcc\x81",
        "\xe2\x80\x8b", "\xff", "\xc3", "\xe2\x82", "a\xcc\x81" "b", "Œuvre", "0x1F", "AAAAAAAA", "qqqqqqqqqqqqq",
        "lol", "IDK", "tbh", "brb", "ty", "wtf",
    };
    const size_t np = sizeof(pieces) / sizeof(pieces[0]);
    uint64_t r = 0x9e3779b97f4a7c15ull;
    char buf[1024];
    for (size_t round = 0; round < 20000 + sizeof(prose) / sizeof(prose[0]); round++) {
        size_t n = 0;
        if (round < sizeof(prose) / sizeof(prose[0])) {
            n = strlen(prose[round]);
            memcpy(buf, prose[round], n);
        } else {
            size_t k = (r >> 33) % 40;
            for (size_t j = 0; j < k; j++) {
                r = r * 6364136223846793005ull + 1442695040888963407ull;
                const char *p = pieces[(r >> 33) % np];
                size_t l = strlen(p);
                if (n + l > sizeof(buf))
                    break;
                memcpy(buf + n, p, l);
                n += l;
            }
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            if (n > 0 && (r >> 60) < 4)
                n = (size_t)((r >> 33) % n); /* cut anywhere, even inside a character */
        }
        rg_gib_score_t a, b;
        rg_gib_score(model(), buf, n, &a);
        rg_gib_score_reference(model(), buf, n, &b);
        if (a.letters != b.letters || a.words != b.words || a.other_letters != b.other_letters ||
            a.shorthand != b.shorthand ||
            memcmp(&a.bits, &b.bits, sizeof(a.bits)) != 0 || memcmp(&a.score, &b.score, sizeof(a.score)) != 0)
            fail_msg("round %zu: %zu/%zu letters, %zu/%zu words, bits %a/%a on \"%.*s\"", round, a.letters, b.letters,
                     a.words, b.words, a.bits, b.bits, (int)n, buf);
    }
}

/* Chat shorthand is left out: a word's cost depends on its letters alone (the model restarts at every word), so a
 * text with costly shorthand words added scores exactly as the text without them. */
static void test_shorthand(void **state)
{
    (void)state;
    const char *const *list;
    size_t n = rg_gib_shorthand_words(&list);
    assert_true(n > 50);
    for (size_t i = 0; i < n; i++) {
        char up[8];
        size_t l = strlen(list[i]);
        assert_true(l >= 2 && l <= RG_GIB_SHORTHAND_MAX);
        for (size_t k = 0; k <= l; k++)
            up[k] = (char)(list[i][k] >= 'a' && list[i][k] <= 'z' ? list[i][k] - 32 : list[i][k]);
        if (!rg_gib_shorthand(list[i], l) || !rg_gib_shorthand(up, l))
            fail_msg("%s is on the list but not found", list[i]);
        rg_gib_score_t one;
        rg_gib_score(model(), list[i], l, &one); /* and it costs enough to be left out: no word on the list is dead */
        if (one.shorthand != 1 || one.words != 0)
            fail_msg("%s alone: %zu shorthand, %zu words", list[i], one.shorthand, one.words);
    }
    static const char *const not_words[] = {"lolx", "l0l", "i", "", "idkk", "hmmmmmm", "lo", "the", "omgomg", "lo l"};
    for (size_t i = 0; i < sizeof(not_words) / sizeof(not_words[0]); i++)
        assert_false(rg_gib_shorthand(not_words[i], strlen(not_words[i])));

    rg_gib_score_t a, b;
    for (size_t i = 0; i < sizeof(gibberish) / sizeof(gibberish[0]); i++) {
        char buf[256];
        snprintf(buf, sizeof(buf), "lol %s idk, tbh brb", gibberish[i]);
        rg_gib_score(model(), gibberish[i], strlen(gibberish[i]), &a);
        rg_gib_score(model(), buf, strlen(buf), &b);
        assert_int_equal(b.shorthand, 4);
        assert_int_equal(a.letters, b.letters);
        assert_memory_equal(&a.bits, &b.bits, sizeof(a.bits)); /* mash keeps its own score, not a lower one */
    }
    rg_gib_score(model(), "lol idk tbh, brb in 5", 21, &a);
    assert_int_equal(a.shorthand, 4);
    assert_int_equal(a.letters, 2); /* "in": too short to judge */
    /* a cheap word is scored as any word, even where chat uses it ("ty" costs under RG_GIB_SHORTHAND_BITS a symbol) */
    rg_gib_score(model(), "ty", 2, &a);
    assert_int_equal(a.shorthand, 0);
    assert_int_equal(a.words, 1);
    /* the word must be the list word alone: a digit, a folded letter or more letters make another word */
    static const char *const other[] = {"2idk", "idké", "x86idk", "idk2", "idkk", "éidk"};
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        rg_gib_score(model(), other[i], strlen(other[i]), &a);
        if (a.shorthand != 0 || a.words != 1)
            fail_msg("\"%s\": %zu shorthand, %zu words", other[i], a.shorthand, a.words);
    }
    /* an invisible character before it, camelCase before it, punctuation around it: still the word */
    static const char *const same[] = {"\xe2\x80\x8bidk", "myIdk", "(idk)", "IDK!!", "idk\xe2\x80\xa6", "idk\xe2\x80\x94"};
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        rg_gib_score(model(), same[i], strlen(same[i]), &a);
        if (a.shorthand != 1)
            fail_msg("\"%s\": %zu shorthand", same[i], a.shorthand);
    }
}

static void test_load_valid_copy(void **state)
{
    (void)state;
    size_t len;
    unsigned char *p = image(&len);
    char err[256];
    rg_gib_model_t *m = rg_gib_load(p, len, err, sizeof(err));
    assert_non_null(m);
    memset(p, 0, len); /* the model is a copy */
    rg_gib_score_t a, b;
    rg_gib_score(m, prose[0], strlen(prose[0]), &a);
    rg_gib_score(model(), prose[0], strlen(prose[0]), &b);
    assert_true(a.bits == b.bits);
    rg_gib_free(m);
    free(p);
}

static void test_load_corrupt(void **state)
{
    (void)state;
    size_t len;
    unsigned char *p = image(&len);
    expect_bad(p, 0, "shorter than");
    expect_bad(p, 63, "shorter than");
    expect_bad(p, 64, "truncated");
    expect_bad(p, len - 1, "truncated");
    p[len] = 0;
    expect_bad(p, len + 1, "extra bytes");
    p[100] ^= 1;
    expect_bad(p, len, "checksum");
    p[100] ^= 1;
    p[0] = 'X';
    expect_bad(p, len, "bad magic");
    p[0] = 'R';
    put32(p + 8, 2);
    expect_bad(p, len, "version 2 is not supported");
    put32(p + 8, 1);
    put32(p + 16, 27);
    expect_bad(p, len, "unexpected layout");
    put32(p + 16, 28);
    put32(p + 36, 0xFFFFFFFFu);
    expect_bad(p, len, "unexpected layout");
    put32(p + 36, RG_GIB_TABLE);
    put32(p + 32, 1000); /* bad below good */
    expect_bad(p, len, "calibration");
    free(p);
}

static void test_load_file(void **state)
{
    (void)state;
    char err[256];
    assert_null(rg_gib_load_file("/nonexistent/gibberish.bin", err, sizeof(err)));
    assert_non_null(strstr(err, "cannot open"));
    assert_null(rg_gib_load_file("/tmp", err, sizeof(err)));
    assert_non_null(strstr(err, "not a regular file"));
    assert_null(rg_gib_load_file("/dev/null", err, sizeof(err)));
    char path[] = "/tmp/rg_gib_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, rg_model_gibberish, RG_BLOB_LEN(gibberish) - 10), (ssize_t)RG_BLOB_LEN(gibberish) - 10);
    close(fd);
    assert_null(rg_gib_load_file(path, err, sizeof(err)));
    assert_non_null(strstr(err, "truncated"));
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, rg_model_gibberish, RG_BLOB_LEN(gibberish)), (ssize_t)RG_BLOB_LEN(gibberish));
    close(fd);
    rg_gib_model_t *m = rg_gib_load_file(path, err, sizeof(err));
    assert_non_null(m);
    rg_gib_free(m);

    /* the check with that file, then with a broken one */
    char params[128];
    snprintf(params, sizeof(params), "{\"model\":\"%s\"}", path);
    tc_run_t r;
    tc_run(&r, &rg_check_rg_gibberish, params, gibberish[0]);
    assert_int_equal(r.res.verdict, 0);
    tc_done(&r);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "RGGIBBER", 8), 8);
    close(fd);
    tc_compile_fails(&rg_check_rg_gibberish, params, "shorter than its 64-byte header");
    unlink(path);
}

/* ---- the check ------------------------------------------------------------------------ */

static void test_check(void **state)
{
    (void)state;
    tc_run_t r;
    tc_run(&r, &rg_check_rg_gibberish, "{}", "asdkjfh qwpoeiru zxmcnv");
    assert_int_equal(r.res.verdict, 0);
    assert_int_equal(tc_int(r.res.data, "letters"), 21);
    assert_int_equal(tc_int(r.res.data, "words"), 3);
    assert_true(json_real_value(json_object_get(r.res.data, "score")) >= 0.5);
    assert_null(json_object_get(r.res.data, "tooShort"));
    tc_done(&r);

    tc_run(&r, &rg_check_rg_gibberish, "{}", prose[0]);
    assert_int_equal(r.res.verdict, 1);
    tc_done(&r);

    /* chat shorthand is left out: a text of it is too short to judge (it scored 0.70 before) */
    tc_run(&r, &rg_check_rg_gibberish, "{}", "lol idk tbh, brb in 5");
    assert_int_equal(r.res.verdict, 1);
    assert_int_equal(tc_int(r.res.data, "shorthandWords"), 4);
    assert_true(json_is_true(json_object_get(r.res.data, "tooShort")));
    tc_done(&r);

    /* short texts pass unscored */
    tc_run(&r, &rg_check_rg_gibberish, "{}", "asdf jkl");
    assert_int_equal(r.res.verdict, 1);
    assert_true(json_is_true(json_object_get(r.res.data, "tooShort")));
    tc_done(&r);
    tc_run(&r, &rg_check_rg_gibberish, "{\"minLetters\":5}", "asdf jkl");
    assert_int_equal(r.res.verdict, 0);
    tc_done(&r);

    /* the threshold */
    tc_run(&r, &rg_check_rg_gibberish, "{\"threshold\":0}", prose[0]);
    assert_int_equal(r.res.verdict, 0);
    tc_done(&r);
    tc_run(&r, &rg_check_rg_gibberish, "{\"threshold\":1}", prose[1]);
    assert_int_equal(r.res.verdict, 1);
    tc_done(&r);

    /* parts are scored together */
    const char *parts[] = {"asdkjfh qwpoeiru", "zxmcnv lkjhgf"};
    size_t lens[] = {SIZE_MAX, SIZE_MAX};
    tc_run_parts(&r, &rg_check_rg_gibberish, "{}", parts, lens, 2);
    assert_int_equal(tc_int(r.res.data, "words"), 4);
    assert_int_equal(r.res.verdict, 0);
    tc_done(&r);
}

static void test_check_params(void **state)
{
    (void)state;
    tc_compile_fails(&rg_check_rg_gibberish, "{\"threshold\":1.5}", "threshold must be");
    tc_compile_fails(&rg_check_rg_gibberish, "{\"threshold\":\"high\"}", "threshold must be");
    tc_compile_fails(&rg_check_rg_gibberish, "{\"minLetters\":0}", "minLetters must be");
    tc_compile_fails(&rg_check_rg_gibberish, "{\"minLetters\":2.5}", "minLetters must be");
    tc_compile_fails(&rg_check_rg_gibberish, "{\"model\":\"\"}", "model must be a file path");
    tc_compile_fails(&rg_check_rg_gibberish, "{\"model\":\"/nonexistent\"}", "cannot open /nonexistent");
    tc_compile_fails(&rg_check_rg_gibberish, "{\"language\":\"en\"}", "unknown parameter \"language\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_prose_passes),
        cmocka_unit_test(test_gibberish_flagged),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_fast_loop_matches_reference), cmocka_unit_test(test_shorthand),
        cmocka_unit_test(test_load_valid_copy),
        cmocka_unit_test(test_load_corrupt),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_check_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
