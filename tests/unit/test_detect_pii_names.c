/* test_detect_pii_names.c — railgate.pii's PERSON and STREET_ADDRESS (detect/pii_names.c) and the name
 * gazetteer (detect/name_lex.c): names found, common words and places left alone, addresses with their lines. */
#include "core/blob.h"
#include "detect/entity.h"
#include "detect/name_lex.h"
#include "detect/pii.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

RG_BLOB_DECLARE(names);

#define BIT(t) ((uint64_t)1 << (t))

static void *det_person, *det_street;

static int setup(void **state)
{
    (void)state;
    char err[256];
    det_person = rg_detector_pii.compile(BIT(RG_PII_PERSON), NULL, err, sizeof(err));
    det_street = rg_detector_pii.compile(BIT(RG_PII_STREET_ADDRESS), NULL, err, sizeof(err));
    return det_person != NULL && det_street != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    rg_detector_pii.free(det_person);
    rg_detector_pii.free(det_street);
    return 0;
}

/* The spans found in text, as "a|b|c" (resolved, in order); "" when none. */
static const char *spans(const void *det, const char *text)
{
    static char out[1024];
    rg_entities_t e = {0};
    assert_int_equal(rg_detector_pii.find(det, text, strlen(text), &e), 0);
    rg_entities_resolve(&e);
    out[0] = '\0';
    for (size_t i = 0; i < e.n; i++) {
        size_t n = strlen(out);
        snprintf(out + n, sizeof(out) - n, "%s%.*s", i ? "|" : "", (int)(e.v[i].end - e.v[i].start),
                 text + e.v[i].start);
    }
    rg_entities_free(&e);
    return out;
}

#define PERSON(text, want) assert_string_equal(spans(det_person, text), want)
#define STREET(text, want) assert_string_equal(spans(det_street, text), want)

static void test_person_gazetteer(void **state)
{
    (void)state;
    PERSON("Maybe it's under Mathias Ruud", "Mathias Ruud");
    PERSON("Have you been to a Melissa Oliveira concert before?", "Melissa Oliveira");
    PERSON("A tribute to Hanna Ukkonen, sadly.", "Hanna Ukkonen");
    PERSON("Kevin had given Alma his address", "Kevin|Alma");
    PERSON("Why is Samantha so impulsive?", "Samantha");
    PERSON("Ludwig van Beethoven wrote nine symphonies.", "Ludwig van Beethoven");
    PERSON("I borrowed Anna's bike.", "Anna");
    PERSON("Ask Jean-Luc about it.", "Jean-Luc");
    /* non-ASCII letters, folded for the lookup */
    PERSON("Krisztián Szöllösy listed his top 20 songs", "Krisztián Szöllösy");
    PERSON("ÁGNES and Zoë Kovács met", "Zoë Kovács");
    /* a given name that is also a word needs a surname after it */
    PERSON("Grace Kelly starred in it.", "Grace Kelly");
    /* no known given name: a middle initial, or a known surname after an unknown capitalised word */
    PERSON("Please change it to Soib K. Kishiev", "Soib K. Kishiev");
    PERSON("Have you met Dreux Olsen yet?", "Dreux Olsen");
}

static void test_person_cues(void **state)
{
    (void)state;
    PERSON("My name is Lisa Wirtz.", "Lisa Wirtz");
    PERSON("Mr. Baader is a 21 year old man.", "Baader");
    PERSON("Name:    Kamila Červinková\nPhone: 451 5986", "Kamila Červinková");
    PERSON("Dear Customer, thanks.", "");
    /* a title after "Dear" is no name of its own; names with O' or D' (until 2026-11-22: "Mr" found, O'Brien not) */
    PERSON("Dear Mr. O'Brien, thanks.", "O'Brien");
    PERSON("Dear Dr. Smith, thanks.", "Smith");
    PERSON("I met Sinead O'Connor and Patrick O\u2019Brien", "Sinead O'Connor|Patrick O\u2019Brien");
    PERSON("Send it to D'Angelo Russell please", "D'Angelo Russell");
    PERSON("O'BRIEN IS HERE and it's fine, don't worry", "");
    PERSON("What's your last name? Magnusson", "Magnusson");
    PERSON("She named him Devin", "Devin");
    PERSON("The file name Config is wrong", "");
}

static void test_person_negatives(void **state)
{
    (void)state;
    PERSON("Will you call me?", "");
    PERSON("May I ask a question?", "");
    PERSON("Mark the date in your calendar.", "");
    PERSON("Grace is a virtue; Hope Street is closed.", "");
    PERSON("Elizabeth Street is closed today.", "");
    PERSON("We walked along the Jordan River.", "");
    PERSON("Victoria Station was busy.", "");
    PERSON("See you in June or July.", "");
    PERSON("Call the APIs and drop the NaN rows.", "");
    PERSON("open Kevin.txt and user_Kevin", "");
    PERSON("{\"Sid\": \"AllowS3\"}", "");
    PERSON("The Witcher is a series.", "");
    PERSON("Explain Nash Equilibrium with an example.", "");
    PERSON("Können Sie mir helfen? Welche Rolle spielt das?", "");
    PERSON("we moved to San Francisco and Santa Monica", "");
    PERSON("", "");
}

static void test_street(void **state)
{
    (void)state;
    STREET("Jacob lives on 90 Whitchurch Road street.", "90 Whitchurch Road");
    STREET("The title refers to 1668 Glyn St street", "1668 Glyn St");
    STREET("I'll meet you at 25615 Tawastintie 72 Apt. 004\nKNIVSTA, nan 18237 after the concert.",
           "25615 Tawastintie 72 Apt. 004\nKNIVSTA");
    STREET("The address of Persint is 6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677",
           "6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677");
    STREET("Hello, my new address is PSC 3294, Box 9168\nAPO AA 61487", "PSC 3294, Box 9168\nAPO AA 61487");
    STREET("the corner of 25 Dili Gianni Street and King Forges", "25 Dili Gianni Street");
    STREET("3747 3911 fourth avenue suite 112 calgary", "3747 3911 fourth avenue suite 112");
    STREET("Kevin had given Alma his address: 5049 Harjukuja 54, SEINÄJOKI", "5049 Harjukuja 54, SEINÄJOKI");
    STREET("The bus station is on Villacher Strasse 89", "Villacher Strasse 89");
    STREET("Our office: Rua do Arenque 1634, Goiânia", "Rua do Arenque 1634, Goiânia");
    STREET("> Alma Jensen\n> 91215 Harjukuja 54\n> Suite 318\n> SEINÄJOKI\n> Finland 38524",
           "91215 Harjukuja 54\n> Suite 318\n> SEINÄJOKI\n> Finland 38524");
    STREET("The bus station is on P.O. Box 104", "P.O. Box 104");
}

static void test_street_negatives(void **state)
{
    (void)state;
    STREET("Apple Street is nice in spring.", "");
    STREET("I have 3 apples on the way home.", "");
    STREET("It is 2 blocks down the road.", "");
    STREET("In 1995 Windows 95 was released.", "");
    STREET("Chapter 3 covers Python 3 and Windows 10.", "");
    STREET("Spring 2024 and String 5", "");
    STREET("The facility is located in Area 51.", "");
    STREET("Allan Björk\nUnit 5022 Box 1225\nDPO AE 44085\nMobile: 0688 843 79 56",
           "Unit 5022 Box 1225\nDPO AE 44085");
    /* a signature's phone lines after the address are no place lines (the address swallowed the phone) */
    STREET("Ada Roth\nUnit 7781 Box 3310\nDPO AP 50212\n312 45 678 office\n+44 20 7946 0958 fax",
           "Unit 7781 Box 3310\nDPO AP 50212");
    STREET("Jo Kerr\n88 Wattle Road Apt. 12 TOWNSVILLE QLD\n612 438 107 office", "88 Wattle Road Apt. 12 TOWNSVILLE QLD");
    STREET("Jo Kerr\n88 Wattle Road, Springvale\n3171 office hours 9-5", "88 Wattle Road, Springvale\n3171");
}

static void test_lex(void **state)
{
    (void)state;
    char err[256];
    const rg_name_lex_t *lex = rg_name_lex_builtin(err, sizeof(err));
    assert_non_null(lex);
    assert_true(rg_name_lex_count(lex) > 50000);
    assert_true(rg_name_lex_flags(lex, "kevin", 5) & RG_NAME_GIVEN);
    assert_true(rg_name_lex_flags(lex, "kevin", 5) & RG_NAME_GIVEN_TOP);
    assert_true(rg_name_lex_flags(lex, "smith", 5) & RG_NAME_SURNAME);
    assert_true(rg_name_lex_flags(lex, "may", 3) & RG_NAME_WORD);
    assert_true(rg_name_lex_flags(lex, "krisztian", 9) & RG_NAME_GIVEN);
    assert_int_equal(rg_name_lex_flags(lex, "the", 3), RG_NAME_WORD); /* a function word, never a name */
    assert_int_equal(rg_name_lex_flags(lex, "equilibrium", 11), RG_NAME_WORD); /* the word filter */
    assert_int_equal(rg_name_lex_flags(lex, "xqzvbtwk", 8), 0);
    assert_int_equal(rg_name_lex_flags(lex, "", 0), 0);

    /* damaged images are refused */
    size_t n = RG_BLOB_LEN(names);
    unsigned char *p = malloc(n);
    assert_non_null(p);
    memcpy(p, rg_model_names, n);
    p[n / 2] ^= 0x40;
    assert_null(rg_name_lex_load(p, n, err, sizeof(err)));
    assert_non_null(strstr(err, "CRC"));
    memcpy(p, rg_model_names, n);
    assert_null(rg_name_lex_load(p, n - 1, err, sizeof(err)));
    assert_null(rg_name_lex_load(p, 20, err, sizeof(err)));
    p[0] = 'X';
    assert_null(rg_name_lex_load(p, n, err, sizeof(err)));
    memcpy(p, rg_model_names, n);
    rg_name_lex_t *copy = rg_name_lex_load(p, n, err, sizeof(err));
    assert_non_null(copy);
    assert_int_equal(rg_name_lex_count(copy), rg_name_lex_count(lex));
    rg_name_lex_free(copy);
    free(p);
}

/* Arbitrary bytes: no crash, spans inside the text. */
static void test_robust(void **state)
{
    (void)state;
    unsigned seed = 7;
    char buf[512];
    rg_entities_t e = {0};
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(round % 500);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            static const char pool[] = "Kevin Anna Smith 12 Main St Apt 4\n,.'-\xc3\xa9\xc3\x89\xe2\x80\x99\xff";
            buf[i] = pool[(seed >> 16) % (sizeof(pool) - 1)];
        }
        rg_entities_clear(&e);
        assert_int_equal(rg_detector_pii.find(det_person, buf, n, &e), 0);
        assert_int_equal(rg_detector_pii.find(det_street, buf, n, &e), 0);
        for (size_t i = 0; i < e.n; i++)
            assert_true(e.v[i].start < e.v[i].end && e.v[i].end <= n);
    }
    rg_entities_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person_gazetteer), cmocka_unit_test(test_person_cues),
        cmocka_unit_test(test_person_negatives), cmocka_unit_test(test_street),
        cmocka_unit_test(test_street_negatives), cmocka_unit_test(test_lex),
        cmocka_unit_test(test_robust),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
