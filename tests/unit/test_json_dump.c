/* test_json_dump.c — rg_json_dumps writes reals as the shortest decimal that reads back as the same double, with
 * jansson's shape kept (a dot or an exponent, no '+' or leading zeros in the exponent). */
#include "core/json_dump.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dump_real(double v)
{
    json_t *j = json_real(v);
    char *s = rg_json_dumps(j, NULL);
    json_decref(j);
    assert_non_null(s);
    return s;
}

static void test_reals_as_javascript_prints_them(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {0.7, "0.7"},           {0.0259, "0.0259"},  {0.55, "0.55"},    {3.12, "3.12"},
        {3.0, "3.0"},           {-2.5, "-2.5"},      {0.0, "0.0"},      {-0.0, "-0.0"},
        {100.0, "100.0"},       {0.0001, "0.0001"},  {1e-7, "1e-7"},    {1e300, "1e300"},
        {1e15, "1e15"},         {0.1 + 0.2, "0.30000000000000004"}, {123456789012345.6, "123456789012345.6"},
        {2.5e-5, "2.5e-5"},     {1.0 / 3.0, "0.3333333333333333"}, {-1e-300, "-1e-300"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = dump_real(cases[i].v);
        if (strcmp(s, cases[i].want) != 0)
            fail_msg("%.17g dumps as %s, want %s", cases[i].v, s, cases[i].want);
        free(s);
    }
}

/* pseudo-random doubles of every magnitude, and short decimals: each reads back exactly, at most a character longer
 * than jansson's %.17g form (an exponent where %.16g switches to one) */
static void test_every_real_reads_back(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        if (i % 2) {
            memcpy(&v, &x, sizeof(v));
            if (v != v || v - v != 0) /* NaN, infinity: not JSON */
                continue;
        } else {
            v = (double)(int64_t)(x % 2000000001) / 10000.0 - 100000.0 + (double)(x >> 60) * 1e-9;
        }
        char *s = dump_real(v);
        char g[64];
        snprintf(g, sizeof(g), "%.17g", v);
        if (strtod(s, NULL) != v || strlen(s) > strlen(g) + 3 || strpbrk(s, ".e") == NULL)
            fail_msg("%s does not read back as %s", s, g);
        free(s);
    }
}

/* the piecewise writer: rg_jw_real writes what a tree's real dumps as, null where jansson holds no real (NaN,
 * infinities); rg_jw_take hands the bytes over NUL-terminated and leaves the writer empty */
static void test_writer_reals_and_take(void **state)
{
    (void)state;
    static const double vals[] = {0.7, 0.0512, 0.55, 3.0, -0.0, 1e-7, 1e300, 0.1 + 0.2, 1.0 / 3.0};
    rg_jw_t w = {0};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        char *want = dump_real(vals[i]);
        rg_jw_reset(&w);
        rg_jw_real(&w, vals[i]);
        assert_string_equal(rg_jw_cstr(&w), want);
        free(want);
    }
    rg_jw_reset(&w);
    RG_JW_LIT(&w, "[");
    rg_jw_real(&w, 0.0 / 0.0);
    RG_JW_LIT(&w, ",");
    rg_jw_real(&w, -1.0 / 0.0);
    RG_JW_LIT(&w, "]");
    size_t len = 0;
    char *p = rg_jw_take(&w, &len);
    assert_non_null(p);
    assert_int_equal(len, 11);
    assert_string_equal(p, "[null,null]");
    assert_null(w.p);
    assert_int_equal(w.len + w.cap, 0);
    free(p);
    char small[4];
    RG_JW_LIT(&w, "abcd");
    assert_int_equal(rg_jw_copy(&w, small, sizeof(small), &len), 0); /* fits exactly, no NUL needed */
    assert_int_equal(len, 4);
    assert_memory_equal(small, "abcd", 4);
    RG_JW_LIT(&w, "e");
    assert_int_equal(rg_jw_copy(&w, small, sizeof(small), &len), -1); /* does not fit */
    rg_jw_free(&w);
    assert_null(rg_jw_take(&w, &len)); /* nothing written */
    w.oom = 1;
    RG_JW_LIT(&w, "x");
    assert_int_equal(rg_jw_copy(&w, small, sizeof(small), &len), -1); /* out of memory */
    assert_null(rg_jw_take(&w, &len)); /* out of memory: nothing handed over, nothing kept */
    assert_null(w.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reals_as_javascript_prints_them),
        cmocka_unit_test(test_every_real_reads_back),
        cmocka_unit_test(test_writer_reals_and_take),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
