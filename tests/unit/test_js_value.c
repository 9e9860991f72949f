/*
 * test_js_value.c — rg_js_trim scans in from both ends; it must agree with
 * the plain reading (decode every character from the start, keep the first
 * and last that are not JavaScript white space) on any bytes: Unicode
 * spaces at either end, invalid and truncated UTF-8, stray continuation
 * bytes. Checked on fixed cases and on random byte strings.
 */
#include "guard/js_value.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

static void reference_trim(const char *s, size_t len, size_t *start, size_t *end)
{
    size_t i = 0, first = len, last = 0;
    int seen = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = rg_js_utf8_next(s, len, i, &cp);
        if (!rg_js_space(cp)) {
            if (!seen)
                first = i, seen = 1;
            last = i + n;
        }
        i += n;
    }
    if (!seen)
        first = last = len;
    *start = first;
    *end = last;
}

static void agree(const char *s, size_t len)
{
    size_t a, b, ra, rb;
    rg_js_trim(s, len, &a, &b);
    reference_trim(s, len, &ra, &rb);
    assert_int_equal(a, ra);
    assert_int_equal(b, rb);
}

static void test_fixed_cases(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", " ", "  a  ", "\t\na b\r\n", "\xc2\xa0x\xc2\xa0", "\xe3\x80\x80word\xe3\x80\x80", "\xef\xbb\xbfx",
        "x\xe2\x80\xa8", "x\x80", "\x80 ", " \xc2", "x \xc2", "x\xe2\x80", "\xe2\x80\xa8", "a\xf0\x9f\x98\x80 ",
        "x \xa0", "\xc2\xa0\xa0",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        agree(cases[i], strlen(cases[i]));
    size_t a, b;
    rg_js_trim(" \xc2\xa0hello\xe3\x80\x80 ", 12, &a, &b);
    assert_int_equal(a, 3);
    assert_int_equal(b, 8);
}

static void test_random_bytes(void **state)
{
    (void)state;
    /* bytes drawn mostly from spaces, lead and continuation bytes, so the edges are interesting */
    static const unsigned char pool[] = {' ', '\t', 'a', 0xC2, 0xA0, 0xE3, 0x80, 0xE2, 0x80, 0xA8, 0xEF, 0xBB, 0xBF,
                                         0xF0, 0x9F, 0x98, 0xFF, 0x80};
    unsigned seed = 12345;
    char buf[16];
    for (int iter = 0; iter < 200000; iter++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof(buf);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)pool[(seed >> 16) % sizeof(pool)];
        }
        agree(buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_cases),
        cmocka_unit_test(test_random_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
