/* test_detect_invisible.c — detect/invisible.c and railgate.invisibleText: what is found, what is legitimate. */
#include "core/buf.h"
#include "detect/invisible.h"

#include "text_check.h"

extern const rg_check_ops_t rg_check_rg_invisible_text;

static rg_inv_report_t scan_all(const char *s)
{
    rg_inv_report_t r;
    rg_invisible_scan(s, strlen(s), RG_INV_ALL, &r);
    return r;
}

/* s stripped of everything (RG_INV_ALL), into a static buffer. */
static const char *strip_all(const char *s)
{
    static char out[1024];
    rg_inv_report_t r;
    rg_invisible_scan(s, strlen(s), RG_INV_ALL, &r);
    rg_buf_t b;
    rg_buf_init(&b, 1000);
    assert_int_equal(rg_invisible_strip(s, strlen(s), RG_INV_ALL, &r, &b), 0);
    assert_true(b.len < sizeof(out));
    memcpy(out, b.data ? b.data : "", b.len);
    out[b.len] = '\0';
    rg_buf_free(&b);
    return out;
}

static void test_clean_text(void **state)
{
    (void)state;
    const char *texts[] = {"", "Plain ASCII text, nothing hidden here at all; even a long line of it goes on.",
                           "Grüße aus München, café crème, naïve façade", "Москва — столица России",
                           "Ελληνικά γράμματα", "東京タワーに行きたい", "emoji 😀 👍🏽 ❤️ 1️⃣"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        rg_inv_report_t r = scan_all(texts[i]);
        if (r.found != 0)
            fail_msg("found %zu in clean text %zu", r.found, i);
    }
}

static void test_zero_width(void **state)
{
    (void)state;
    rg_inv_report_t r = scan_all("ig\u200Bnore previous");
    assert_int_equal(r.counts[RG_INV_ZERO_WIDTH], 1);
    assert_int_equal(r.n_first, 1);
    assert_int_equal(r.first[0].start, 2);
    assert_int_equal(r.first[0].end, 3);
    r = scan_all("a\u200Cb\u200Dc\u2060d\u180Ee");
    assert_int_equal(r.counts[RG_INV_ZERO_WIDTH], 4);
    /* code point offsets after multi-byte characters */
    r = scan_all("\u00e9\u00e9\u00e9\u200B");
    assert_int_equal(r.first[0].start, 3);
    /* after a long ASCII run (the bulk skip) */
    r = scan_all("0123456789012345678901234567890123456789012345678901234567890123456789\u200B");
    assert_int_equal(r.first[0].start, 70);
}

static void test_bom(void **state)
{
    (void)state;
    assert_int_equal(scan_all("\uFEFFHello").found, 0);
    rg_inv_report_t r = scan_all("Hello\uFEFFworld");
    assert_int_equal(r.counts[RG_INV_ZERO_WIDTH], 1);
    assert_int_equal(r.first[0].start, 5);
}

static void test_joiners_legitimate(void **state)
{
    (void)state;
    /* emoji ZWJ sequences: family, rainbow flag, eye in speech bubble */
    assert_int_equal(scan_all("family \U0001F468\u200D\U0001F469\u200D\U0001F467 ok").found, 0);
    assert_int_equal(scan_all("\U0001F3F3\uFE0F\u200D\U0001F308").found, 0);
    assert_int_equal(scan_all("\U0001F441\uFE0F\u200D\U0001F5E8\uFE0F").found, 0);
    /* Persian uses ZWNJ inside words; Devanagari uses ZWJ */
    assert_int_equal(scan_all("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645").found, 0);
    assert_int_equal(scan_all("\u0915\u094D\u200D\u0937").found, 0);
    /* Thai word breaks */
    assert_int_equal(scan_all("\u0E2A\u0E27\u0E31\u200B\u0E2A\u0E14\u0E35").found, 0);
    /* the same joiners between Latin letters are not */
    assert_int_equal(scan_all("pass\u200Dword").counts[RG_INV_ZERO_WIDTH], 1);
    assert_int_equal(scan_all("pass\u200Cword").counts[RG_INV_ZERO_WIDTH], 1);
    /* a ZWJ after an emoji but before a letter hides something */
    assert_int_equal(scan_all("\U0001F600\u200Dx").counts[RG_INV_ZERO_WIDTH], 1);
}

static void test_bidi(void **state)
{
    (void)state;
    rg_inv_report_t r = scan_all("access = \"user\u202E \u2066// admin\u2069\u2066\"");
    assert_int_equal(r.counts[RG_INV_BIDI], 4);
    /* marks in text without RTL letters */
    assert_int_equal(scan_all("left\u200Eright\u200Fend").counts[RG_INV_BIDI], 2);
    /* marks beside Hebrew or Arabic are ordinary, even when the RTL text comes after the mark */
    assert_int_equal(scan_all("version 2.0\u200F \u05E9\u05DC\u05D5\u05DD").found, 0);
    assert_int_equal(scan_all("\u0627\u0644\u0639\u0631\u0628\u064A\u0629\u061C 3").found, 0);
    /* overrides count even in RTL text */
    assert_int_equal(scan_all("\u05E9\u05DC\u05D5\u05DD\u202E").counts[RG_INV_BIDI], 1);
}

static void test_tags(void **state)
{
    (void)state;
    /* "hi!" hidden as tag characters */
    rg_inv_report_t r = scan_all("Hello\U000E0068\U000E0069\U000E0021 there");
    assert_int_equal(r.counts[RG_INV_TAGS], 3);
    assert_int_equal(r.hidden_ascii, 3);
    assert_int_equal(r.n_first, 1);
    assert_int_equal(r.first[0].start, 5);
    assert_int_equal(r.first[0].end, 8);
    /* with BEGIN/CANCEL tags around: those are not printable */
    r = scan_all("x\U000E0001\U000E0041\U000E007F");
    assert_int_equal(r.counts[RG_INV_TAGS], 3);
    assert_int_equal(r.hidden_ascii, 1);
    /* the flag of England is a tag sequence after U+1F3F4 */
    assert_int_equal(scan_all("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F").found, 0);
    /* but not any tag run after a black flag */
    assert_int_equal(scan_all("\U0001F3F4\U000E0049\U000E0047\U000E004E\U000E007F").counts[RG_INV_TAGS], 4);
    /* nor six tag letters that are no flag Unicode recommends ("ignore", one flag at a time, smuggles ASCII) */
    r = scan_all("Nice \U0001F3F4\U000E0069\U000E0067\U000E006E\U000E006F\U000E0072\U000E007F work");
    assert_int_equal(r.counts[RG_INV_TAGS], 6);
    assert_int_equal(r.hidden_ascii, 5);
    assert_int_equal(scan_all("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F "
                              "\U0001F3F4\U000E0067\U000E0062\U000E0077\U000E006C\U000E0073\U000E007F").found, 0);
}

static void test_variation_selectors(void **state)
{
    (void)state;
    /* a single selector after a base is ordinary (emoji presentation, ideographic variants) */
    assert_int_equal(scan_all("\u2764\uFE0F \u845B\U000E0100 \u2603\uFE0E").found, 0);
    /* runs smuggle bytes: one per selector */
    rg_inv_report_t r = scan_all("\U0001F600\uFE00\uFE01\U000E0100\U000E01EF\uFE0F ok");
    assert_int_equal(r.counts[RG_INV_VARIATION], 5);
    assert_int_equal(r.hidden_bytes, 5);
    assert_int_equal(r.first[0].start, 1);
    assert_int_equal(r.first[0].end, 6);
    assert_int_equal(scan_all("x\uFE00\uFE01y").counts[RG_INV_VARIATION], 2);
    /* a selector with no base */
    assert_int_equal(scan_all("\uFE0Fstart").counts[RG_INV_VARIATION], 1);
    assert_int_equal(scan_all("a \uFE0F").counts[RG_INV_VARIATION], 1);
    /* one selector after each ASCII letter hides a byte each: no letter has a variant */
    r = scan_all("T\uFE01h\U000E0105a\uFE0Fn\U000E01EFks 1\uFE0F\u20E3 #\uFE0F\u20E3 0\uFE00");
    assert_int_equal(r.counts[RG_INV_VARIATION], 4);
    /* the supplement's selectors belong to ideographs, Mongolian's to Mongolian letters */
    assert_int_equal(scan_all("\u2764\U000E0100 \u1820\u180B \u0410\u180B").counts[RG_INV_VARIATION], 2);
    /* no Latin, Greek or Cyrillic letter has a variant either */
    assert_int_equal(scan_all("\u00E9\uFE0F \u03B1\uFE00 \u0415\uFE0F \u00D7\uFE0F").counts[RG_INV_VARIATION], 3);
}

static void test_format(void **state)
{
    (void)state;
    rg_inv_report_t r = scan_all("ig\u00ADnore in\u00ADstruc\u00ADtions \u3164 \u2062");
    assert_int_equal(r.counts[RG_INV_FORMAT], 5);
    /* shorthand format controls and default-ignorable code points not assigned yet render as nothing too */
    r = scan_all("b\U0001BCA0omb \u2065 \uFFF0 \U000E0080 \U000E01F0 \U000E0FFF");
    assert_int_equal(r.counts[RG_INV_FORMAT], 6);
}

static void test_homoglyphs(void **state)
{
    (void)state;
    /* Latin words with Cyrillic or Greek look-alikes */
    assert_int_equal(scan_all("log in at p\u0430ypal.com").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("\u0440\u0430ypal").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("Micr\u03BFsoft").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("c\u0430f\u00e9").counts[RG_INV_HOMOGLYPH], 1);
    /* Greek look-alikes of the case beside them: lower case, a capital that begins the word, capitals, camel case */
    assert_int_equal(scan_all("g\u03BFogle").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("\u0391pple").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("GO\u039FGLE").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("P\u03B1yPal").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("caf\u00e9 p\u03B1y").counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(scan_all("\u03BFk").counts[RG_INV_HOMOGLYPH], 0);  /* two letters */
    assert_int_equal(scan_all("\u043Ek").counts[RG_INV_HOMOGLYPH], 1);  /* Cyrillic: as before */
    /* a Cyrillic word with a Latin o in it */
    assert_int_equal(scan_all("\u041Co\u0441\u043A\u0432\u0430").counts[RG_INV_HOMOGLYPH], 1);
    /* offsets: the word */
    rg_inv_report_t r = scan_all("go to \u00e9 p\u0430ypal now");
    assert_int_equal(r.first[0].start, 8);
    assert_int_equal(r.first[0].end, 14);
    /* a word that starts after a long ASCII run (bulk skip, then a step back) */
    r = scan_all("................................................................paypa\u0406");
    assert_int_equal(r.counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(r.first[0].start, 64);
    /* hidden inside the word behind a zero-width character */
    r = scan_all("p\u200B\u0430ypal");
    assert_int_equal(r.counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(r.counts[RG_INV_ZERO_WIDTH], 1);
    assert_int_equal(r.first[0].start, 0);
    /* invisible characters before and after the word are hits of their own, not part of the word's span */
    r = scan_all("x \u200Bp\u0430ypal\u200B\u200C y");
    assert_int_equal(r.counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(r.counts[RG_INV_ZERO_WIDTH], 3);
    assert_int_equal(r.n_first, 4);
    assert_int_equal(r.first[1].cat, RG_INV_HOMOGLYPH);
    assert_int_equal(r.first[1].start, 3); /* "x ", the zero-width space, then the word's 6 letters */
    assert_int_equal(r.first[1].end, 9);
    /* ... the same when the word begins with ASCII letters before its look-alike, and a mark stays with its letter */
    r = scan_all("\u200Bpa\u0443pa\u0301l\u200B");
    assert_int_equal(r.first[1].cat, RG_INV_HOMOGLYPH);
    assert_int_equal(r.first[1].start, 1);
    assert_int_equal(r.first[1].end, 8);
    r = scan_all("p\u0430ypa\u0301 x"); /* a word that ends in a mark */
    assert_int_equal(r.first[0].start, 0);
    assert_int_equal(r.first[0].end, 6);
    /* a mark on the ASCII letters before the first look-alike does not cut the word ("pa" + mark + Cyrillic u + "pal") */
    r = scan_all("pa\u0301\u0443pal");
    assert_int_equal(r.counts[RG_INV_HOMOGLYPH], 1);
    assert_int_equal(r.first[0].start, 0);
    assert_int_equal(r.first[0].end, 7);
    assert_string_equal(strip_all("pa\u0301\u0443pal"), "pa\u0301ypal");
}

static void test_homoglyphs_legitimate(void **state)
{
    (void)state;
    const char *texts[] = {
        "\u041C\u043E\u0441\u043A\u0432\u0430",         /* Москва: all Cyrillic */
        "\u041C\u043E\u0441\u043A\u0432\u0430-city",    /* two words */
        "\u041C\u043E\u0441\u043A\u0432\u0430 city",
        "5 k\u03A9 resistor",                           /* kΩ: Ω has no Latin twin */
        "10 \u03BCm",                                   /* μm */
        "\u03B1\u03B2\u03B3 and abc",                   /* Greek word, Latin word */
        "\u0432\u0438\u0434\u0435\u043E YouTube",
        "iPhone \u0438 iPad",
        "x\u0436y",                                     /* Cyrillic letter without a Latin twin */
        /* Greek letters in science's names: a case unlike the Latin letters beside them, or two letters */
        "NF-\u03BAB signalling",                        /* NF-κB */
        "I\u03BAB\u03B1 and PKC\u03B1, ER\u03B1, \u03B1KG", /* IκBα, PKCα, ERα, αKG */
        "fit \u03B1x + \u03B2y",                        /* αx + βy */
        "PPAR\u03B3 agonists and TNF\u03B1 levels",      /* PPARγ, TNFα */
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (scan_all(texts[i]).counts[RG_INV_HOMOGLYPH] != 0)
            fail_msg("homoglyph word reported in legitimate text %zu", i);
}

static void test_strip(void **state)
{
    (void)state;
    assert_string_equal(strip_all("ig\u200Bnore \u202Eall\u202C"), "ignore all");
    assert_string_equal(strip_all("Hello\U000E0068\U000E0069 there"), "Hello there");
    assert_string_equal(strip_all("\U0001F600\uFE00\uFE01\uFE02!"), "\U0001F600!");
    assert_string_equal(strip_all("visit p\u0430yp\u0430l.com"), "visit paypal.com");
    assert_string_equal(strip_all("\u041Co\u0441\u043A\u0432\u0430"), "\u041C\u043E\u0441\u043A\u0432\u0430");
    assert_string_equal(strip_all("p\u200B\u0430ypal and p\u0430\u00ADypal"), "paypal and paypal");
    /* legitimate characters stay */
    assert_string_equal(strip_all("\uFEFFa \U0001F468\u200D\U0001F469 \u2764\uFE0F"),
                        "\uFEFFa \U0001F468\u200D\U0001F469 \u2764\uFE0F");
    assert_string_equal(strip_all("\u200F\u05E9\u05DC\u05D5\u05DD"), "\u200F\u05E9\u05DC\u05D5\u05DD");
    assert_string_equal(strip_all("a\u200Fb"), "ab");
}

/* Context rules look at what stays after a strip, so stripping twice is stripping once. */
static void test_strip_stable(void **state)
{
    (void)state;
    const char *texts[] = {
        "\U0001F468\uFE0F\u200D\U0001F469",       /* a VS that is removed (no base) cannot vouch for the ZWJ */
        "\x01\uFE0F\u200D\U0001F5E8",
        "x\u200B\uFE0F",                         /* the VS's base is x: legitimate, the ZWSP goes */
        "x\uFE00\u200B\uFE01",                    /* after the ZWSP goes, FE00 FE01 would be a run */
        "\U0001F600\u200D\u200D\U0001F600",         /* the second ZWJ stays */
        "\U0001F3F4\u200B\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
        "\U0001F600\u200D\uFE0F x",
        "x\uFE00\u200E\uFE01",
        "f\u0415\uFE0F",                        /* the homoglyph's strip makes the VS's base ASCII (fuzz) */
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char once[1024];
        snprintf(once, sizeof(once), "%s", strip_all(texts[i]));
        rg_inv_report_t r = scan_all(once);
        if (r.found != 0)
            fail_msg("text %zu: %zu found after stripping", i, r.found);
    }
    assert_int_equal(scan_all("\u2764\u200B\uFE0F").found, 1); /* the VS's base is the heart: only the ZWSP */
    assert_int_equal(scan_all("x\u200B\uFE0F").found, 2);       /* no variant of x: both */
    assert_string_equal(strip_all("\U0001F600\u200D\u200D\U0001F600"), "\U0001F600\u200D\U0001F600");
    assert_string_equal(strip_all("\U0001F3F4\u200B\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"),
                        "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* bad bytes are one code point each, never reported; a ZWSP after them is still found at the right place */
    const char s[] = "\xff\xfe\xc3(\xe2\x80\x8b\xe2\x80";
    rg_inv_report_t r;
    rg_invisible_scan(s, sizeof(s) - 1, RG_INV_ALL, &r);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.first[0].start, 4);
    rg_buf_t b;
    rg_buf_init(&b, 100);
    assert_int_equal(rg_invisible_strip(s, sizeof(s) - 1, RG_INV_ALL, &r, &b), 0);
    /* stripping makes bad bytes U+FFFD: removing the ZWSP between "\xe2\x80" and another "\x8b" must not
     * leave a ZWSP behind */
    const char *want = "\uFFFD\uFFFD\uFFFD(\uFFFD\uFFFD";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    rg_buf_free(&b);
    assert_string_equal(strip_all("\xe2\x80\xe2\x80\x8b\x8b"), "\uFFFD\uFFFD\uFFFD");
    /* a truncated tag character at the very end */
    rg_invisible_scan("a\xf3\xa0\x81", 4, RG_INV_ALL, &r);
    assert_int_equal(r.found, 0);
}

static void test_mask(void **state)
{
    (void)state;
    const char *s = "a\u200Bb \U000E0041 p\u0430ypal";
    rg_inv_report_t r;
    rg_invisible_scan(s, strlen(s), 1u << RG_INV_TAGS, &r);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.counts[RG_INV_TAGS], 1);
    rg_invisible_scan(s, strlen(s), 1u << RG_INV_HOMOGLYPH, &r);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.first[0].start, 6);
}

/* ---- the check ------------------------------------------------------------------- */

static void test_check_detect(void **state)
{
    (void)state;
    tc_run_t r;
    tc_run(&r, &rg_check_rg_invisible_text, "{}", "Summarize this\U000E0053\U000E0045\U000E0043\U000E0052\U000E0045\U000E0054 please");
    assert_int_equal(r.res.verdict, 0);
    assert_int_equal(r.res.transformed, 0);
    char *d = tc_data(&r);
    assert_string_equal(d, "{\"action\":\"detect\",\"found\":6,\"counts\":{\"tags\":6},\"hiddenAsciiLength\":6,"
                           "\"positions\":[{\"category\":\"tags\",\"part\":0,\"start\":14,\"end\":20}]}");
    free(d);
    tc_done(&r);

    tc_run(&r, &rg_check_rg_invisible_text, "{\"action\":\"detect\"}", "nothing to see");
    assert_int_equal(r.res.verdict, 1);
    assert_int_equal(tc_int(r.res.data, "found"), 0);
    tc_done(&r);
}

static void test_check_strip(void **state)
{
    (void)state;
    const char *parts[] = {"clean", "p\u0430ypal\u200B", "also clean"};
    size_t lens[] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    tc_run_t r;
    tc_run_parts(&r, &rg_check_rg_invisible_text, "{\"action\":\"strip\"}", parts, lens, 3);
    assert_int_equal(r.res.verdict, 1);
    assert_int_equal(r.res.transformed, 1);
    assert_null(tc_part(&r, 0));
    assert_string_equal(tc_part(&r, 1), "paypal");
    assert_null(tc_part(&r, 2));
    json_t *pos = json_object_get(r.res.data, "positions");
    assert_int_equal(json_array_size(pos), 2);
    assert_int_equal(tc_int(json_array_get(pos, 0), "part"), 1);
    tc_done(&r);
}

static void test_check_categories(void **state)
{
    (void)state;
    tc_run_t r;
    tc_run(&r, &rg_check_rg_invisible_text, "{\"categories\":[\"homoglyphs\"]}", "a\u200Bb");
    assert_int_equal(r.res.verdict, 1);
    tc_done(&r);
    tc_run(&r, &rg_check_rg_invisible_text, "{\"categories\":[\"zeroWidth\",\"bidi\"],\"action\":\"strip\"}",
           "a\u200Bb p\u0430ypal");
    assert_string_equal(tc_part(&r, 0), "ab p\u0430ypal");
    tc_done(&r);
}

static void test_check_params(void **state)
{
    (void)state;
    tc_compile_fails(&rg_check_rg_invisible_text, "{\"action\":\"remove\"}", "action must be");
    tc_compile_fails(&rg_check_rg_invisible_text, "{\"categories\":[\"emoji\"]}", "unknown category emoji");
    tc_compile_fails(&rg_check_rg_invisible_text, "{\"categories\":[]}", "non-empty array");
    tc_compile_fails(&rg_check_rg_invisible_text, "{\"mode\":\"x\"}", "unknown parameter \"mode\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_text),
        cmocka_unit_test(test_zero_width),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_joiners_legitimate),
        cmocka_unit_test(test_bidi),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_variation_selectors),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_homoglyphs),
        cmocka_unit_test(test_homoglyphs_legitimate),
        cmocka_unit_test(test_strip),
        cmocka_unit_test(test_strip_stable),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_check_detect),
        cmocka_unit_test(test_check_strip),
        cmocka_unit_test(test_check_categories),
        cmocka_unit_test(test_check_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
