/*
 * test_pii_numbers_fast.c — the shortcuts in the numeric PII scan: the
 * digit search (AVX2, SSE2 and byte paths agree, also in the block that ends
 * at the text's end), and texts at the edges of the
 * early tests in pii_numbers.c (a date's first digits, the license token's
 * length, colons near an IPv6 address) that must find what they found before
 * (the expected lists were taken from the scan before the shortcuts). The
 * context-word scans are compared in test_entity_check.c.
 */
#include "text_check.h"

#include "detect/digits.h"

extern const rg_check_ops_t rg_check_rg_pii;

static void test_digit_paths(void **st)
{
    (void)st;
    static char buf[700];
    srand(17);
    for (int round = 0; round < 4000; round++) {
        size_t len = (size_t)(rand() % 700);
        int sparse = 1 + rand() % 300; /* about one digit in `sparse` bytes */
        for (size_t i = 0; i < len; i++) {
            int c = rand() % 256;
            if (c >= '0' && c <= '9' && rand() % sparse != 0)
                c = 'a' + rand() % 26;
            buf[i] = (char)c;
        }
        for (int k = 0; k < 8; k++) {
            size_t from = (size_t)(rand() % (int)(len + 1));
            size_t want = rg_digit_next_portable(buf, len, from);
            assert_int_equal(rg_digit_next(buf, len, from), want);
            assert_int_equal(rg_digit_next_sse2(buf, len, from), want);
        }
        assert_int_equal(rg_digit_next(buf, len, len), len);
    }
}

/* The same for digits or '@' (the pass that also finds the e-mail addresses' '@'). */
static void test_digit_at_paths(void **st)
{
    (void)st;
    static char buf[700];
    srand(19);
    for (int round = 0; round < 4000; round++) {
        size_t len = (size_t)(rand() % 700);
        int sparse = 1 + rand() % 300; /* about one digit or '@' in `sparse` bytes */
        for (size_t i = 0; i < len; i++) {
            int c = rand() % 256;
            if (((c >= '0' && c <= '9') || c == '@') && rand() % sparse != 0)
                c = 'a' + rand() % 26;
            buf[i] = (char)c;
        }
        for (int k = 0; k < 8; k++) {
            size_t from = (size_t)(rand() % (int)(len + 1));
            size_t want = rg_digit_at_next_portable(buf, len, from);
            assert_int_equal(rg_digit_at_next(buf, len, from), want);
            assert_int_equal(rg_digit_at_next_sse2(buf, len, from), want);
        }
        assert_int_equal(rg_digit_at_next(buf, len, len), len);
    }
}

static const struct {
    const char *text, *want;
} cases[] = {
    {"born 12th March 1985", "DATE_OF_BIRTH:12th March 1985;"},
    {"born 12 March 1985", "DATE_OF_BIRTH:12 March 1985;"},
    {"born March 12, 1985", "DATE_OF_BIRTH:March 12, 1985;"},
    {"born 1985-03-12 in Oslo", "DATE_OF_BIRTH:1985-03-12;"},
    {"born 12/03/1985", "DATE_OF_BIRTH:12/03/1985;"},
    {"born 123.45.1985", ""},
    {"born 12%March 1985", ""},
    {"born 12 ,,, March 1985", ""},
    {"born 7.3.85", ""},
    {"DL 12345", "US_DRIVER_LICENSE:12345;"},
    {"DL 1234567890123456", "US_DRIVER_LICENSE:1234567890123456;"},
    {"DL 12345678901234567", ""},
    {"driver's license D-1234", "US_DRIVER_LICENSE:D-1234;"},
    {"license no AB12cd34", "US_DRIVER_LICENSE:AB12cd34;"},
    {"fe80::1 and 2001:db8::8a2e:370:7334", "IP_ADDRESS:2001:db8::8a2e:370:7334;"},
    {"at 12:30:45 and 10:00", ""},
    {"+1 415 555 0132 and (415) 555-0132 x123", "PHONE:+1 415 555 0132;PHONE:(415) 555-0132 x123;"},
    {"call 024 971 50 30", "PHONE:024 971 50 30;"},
    {"phone 5550132", "PHONE:5550132;"},
    {"SSN 078051120 and 123-45-6789", "US_SSN:078051120;US_SSN:123-45-6789;"},
    {"card 4111 1111 1111 1111 and 4111-1111-1111-1112", "CREDIT_CARD:4111 1111 1111 1111;"},
    {"IBAN DE89 3704 0044 0532 0130 00", "IBAN:DE89 3704 0044 0532 0130 00;"},
    {"server 192.168.1.20, version 10.0.0.1, v1.2.3.4", "IP_ADDRESS:192.168.1.20;"},
    {"$97,406.42 on 2024-01-05, order #123456, 45% done", ""},
};

static void test_edges(void **st)
{
    (void)st;
    const char *params = "{\"entities\":[\"PHONE\",\"CREDIT_CARD\",\"US_SSN\",\"IBAN\",\"IP_ADDRESS\",\"DATE_OF_BIRTH\","
                         "\"US_DRIVER_LICENSE\"]}";
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        tc_run_t r;
        tc_run(&r, &rg_check_rg_pii, params, cases[c].text);
        char got[512] = "";
        json_t *ents = json_object_get(r.res.data, "entities"), *e;
        size_t i;
        json_array_foreach(ents, i, e) { /* ASCII texts: code points are bytes */
            size_t s = (size_t)tc_int(e, "start"), n = (size_t)tc_int(e, "end") - s, k = strlen(got);
            snprintf(got + k, sizeof(got) - k, "%s:%.*s;", json_string_value(json_object_get(e, "type")), (int)n,
                     cases[c].text + s);
        }
        tc_done(&r);
        if (strcmp(got, cases[c].want) != 0)
            fail_msg("in \"%s\"\n   found \"%s\"\nexpected \"%s\"", cases[c].text, got, cases[c].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digit_paths), cmocka_unit_test(test_digit_at_paths),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
