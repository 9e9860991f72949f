/* test_buf.c — rg_buf_t: hard cap, partial appends, consume, NUL termination. */
#include "core/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static void test_init_is_empty(void **state)
{
    (void)state;
    rg_buf_t b;
    memset(&b, 0xAA, sizeof(b));
    rg_buf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 100);
    rg_buf_free(&b);
}

static void test_append_and_nul_termination(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 64);
    assert_int_equal(rg_buf_append(&b, "hello", 5), RG_BUF_OK);
    assert_int_equal(b.len, 5);
    assert_non_null(b.data);
    assert_int_equal(b.data[5], '\0');
    assert_string_equal(b.data, "hello");
    assert_int_equal(rg_buf_append(&b, ", world", 7), RG_BUF_OK);
    assert_int_equal(b.len, 12);
    assert_string_equal(b.data, "hello, world");
    assert_true(b.cap >= b.len + 1);
    rg_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_append_binary_with_nul_bytes(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 64);
    const char bin[] = {'a', '\0', 'b', '\0', 'c'};
    assert_int_equal(rg_buf_append(&b, bin, sizeof(bin)), RG_BUF_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, bin, 5);
    assert_int_equal(b.data[5], '\0');
    rg_buf_free(&b);
}

static void test_append_zero_bytes(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 8);
    assert_int_equal(rg_buf_append(&b, "", 0), RG_BUF_OK);
    assert_int_equal(b.len, 0);
    assert_int_equal(rg_buf_append(&b, "abc", 3), RG_BUF_OK);
    assert_int_equal(rg_buf_append(&b, "", 0), RG_BUF_OK);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    rg_buf_free(&b);
}

static void test_cap_exactly_max_is_allowed(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 10);
    assert_int_equal(rg_buf_append(&b, "0123456789", 10), RG_BUF_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    /* full: even a single byte more is refused */
    assert_int_equal(rg_buf_append(&b, "x", 1), RG_BUF_TOOBIG);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    /* zero bytes still fit */
    assert_int_equal(rg_buf_append(&b, "", 0), RG_BUF_OK);
    rg_buf_free(&b);
}

static void test_over_cap_appends_nothing(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 10);
    assert_int_equal(rg_buf_append(&b, "abcdef", 6), RG_BUF_OK);
    /* 6 + 5 > 10: refused, and not partially applied */
    assert_int_equal(rg_buf_append(&b, "ghijk", 5), RG_BUF_TOOBIG);
    assert_int_equal(b.len, 6);
    assert_string_equal(b.data, "abcdef");
    /* 6 + 4 == 10 fits */
    assert_int_equal(rg_buf_append(&b, "ghij", 4), RG_BUF_OK);
    assert_string_equal(b.data, "abcdefghij");
    rg_buf_free(&b);
}

static void test_first_append_over_cap(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 3);
    assert_int_equal(rg_buf_append(&b, "abcd", 4), RG_BUF_TOOBIG);
    assert_int_equal(b.len, 0);
    rg_buf_free(&b);
}

static void test_huge_n_does_not_wrap(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 16);
    assert_int_equal(rg_buf_append(&b, "abc", 3), RG_BUF_OK);
    /* len + n would overflow size_t; must still be refused */
    assert_int_equal(rg_buf_append(&b, "x", SIZE_MAX), RG_BUF_TOOBIG);
    assert_int_equal(rg_buf_append(&b, "x", SIZE_MAX - 1), RG_BUF_TOOBIG);
    assert_int_equal(b.len, 3);
    rg_buf_free(&b);
}

static void test_growth_many_appends(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 100000);
    char expect[100001];
    for (size_t i = 0; i < 100000; i++) {
        char c = (char)('a' + i % 26);
        expect[i] = c;
        assert_int_equal(rg_buf_append(&b, &c, 1), RG_BUF_OK);
    }
    expect[100000] = '\0';
    assert_int_equal(b.len, 100000);
    assert_memory_equal(b.data, expect, 100000);
    assert_int_equal(b.data[100000], '\0');
    assert_int_equal(rg_buf_append(&b, "z", 1), RG_BUF_TOOBIG);
    rg_buf_free(&b);
}

static void test_append_some_takes_what_fits(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 8);
    assert_int_equal(rg_buf_append_some(&b, "abc", 3), 3);
    assert_string_equal(b.data, "abc");
    /* 5 bytes of room left, 7 offered */
    assert_int_equal(rg_buf_append_some(&b, "defghij", 7), 5);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "abcdefgh");
    /* full */
    assert_int_equal(rg_buf_append_some(&b, "k", 1), 0);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "abcdefgh");
    rg_buf_free(&b);
}

static void test_append_some_zero_max(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 0);
    assert_int_equal(rg_buf_append_some(&b, "abc", 3), 0);
    assert_int_equal(b.len, 0);
    assert_int_equal(rg_buf_append(&b, "a", 1), RG_BUF_TOOBIG);
    rg_buf_free(&b);
}

static void test_consume(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 32);
    assert_int_equal(rg_buf_append(&b, "0123456789", 10), RG_BUF_OK);
    rg_buf_consume(&b, 3);
    assert_int_equal(b.len, 7);
    assert_string_equal(b.data, "3456789");
    rg_buf_consume(&b, 0);
    assert_int_equal(b.len, 7);
    assert_string_equal(b.data, "3456789");
    rg_buf_consume(&b, 7);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    rg_buf_free(&b);
}

static void test_consume_more_than_len(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 32);
    assert_int_equal(rg_buf_append(&b, "abc", 3), RG_BUF_OK);
    rg_buf_consume(&b, 100);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    rg_buf_free(&b);
}

static void test_consume_on_empty_unallocated(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 32);
    rg_buf_consume(&b, 5); /* must not touch a NULL data pointer */
    assert_int_equal(b.len, 0);
    rg_buf_reset(&b);
    assert_int_equal(b.len, 0);
    rg_buf_free(&b);
}

static void test_consume_frees_room_under_cap(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 6);
    assert_int_equal(rg_buf_append(&b, "abcdef", 6), RG_BUF_OK);
    assert_int_equal(rg_buf_append(&b, "g", 1), RG_BUF_TOOBIG);
    rg_buf_consume(&b, 4);
    assert_int_equal(rg_buf_append(&b, "ghij", 4), RG_BUF_OK);
    assert_string_equal(b.data, "efghij");
    assert_int_equal(rg_buf_append(&b, "k", 1), RG_BUF_TOOBIG);
    rg_buf_free(&b);
}

static void test_reset_keeps_cap_and_allows_reuse(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 5);
    assert_int_equal(rg_buf_append(&b, "abcde", 5), RG_BUF_OK);
    rg_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(b.max, 5);
    assert_int_equal(rg_buf_append(&b, "vwxyz", 5), RG_BUF_OK);
    assert_string_equal(b.data, "vwxyz");
    assert_int_equal(rg_buf_append(&b, "!", 1), RG_BUF_TOOBIG);
    rg_buf_free(&b);
}

static void test_free_twice_is_safe(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 16);
    assert_int_equal(rg_buf_append(&b, "abc", 3), RG_BUF_OK);
    rg_buf_free(&b);
    rg_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_appendf_formats_and_caps(void **state)
{
    (void)state;
    rg_buf_t b;
    rg_buf_init(&b, 16);
    assert_int_equal(rg_buf_appendf(&b, "x{%x}", 0x2028u), RG_BUF_OK);
    assert_int_equal(rg_buf_appendf(&b, "%s", ""), RG_BUF_OK);
    assert_string_equal(b.data, "x{2028}");
    assert_int_equal(b.len, 7);
    /* would exceed max: TOOBIG and nothing appended */
    assert_int_equal(rg_buf_appendf(&b, "%d-%s", 12345, "abcd"), RG_BUF_TOOBIG);
    assert_int_equal(b.len, 7);
    assert_string_equal(b.data, "x{2028}");
    /* exactly up to max */
    assert_int_equal(rg_buf_appendf(&b, "%09d", 7), RG_BUF_OK);
    assert_int_equal(b.len, 16);
    assert_string_equal(b.data, "x{2028}000000007");
    assert_int_equal(rg_buf_appendf(&b, "%c", 'z'), RG_BUF_TOOBIG);
    rg_buf_free(&b);
}

static void test_appendf_long_output(void **state)
{
    (void)state;
    char big[1000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    rg_buf_t b;
    rg_buf_init(&b, 4096);
    assert_int_equal(rg_buf_append(&b, "<", 1), RG_BUF_OK);
    assert_int_equal(rg_buf_appendf(&b, "%s|%s>", big, big), RG_BUF_OK);
    assert_int_equal(b.len, 1 + 999 + 1 + 999 + 1);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[1000], '|');
    assert_int_equal(b.data[b.len - 1], '>');
    rg_buf_t small;
    rg_buf_init(&small, 500);
    assert_int_equal(rg_buf_appendf(&small, "%s", big), RG_BUF_TOOBIG);
    assert_int_equal(small.len, 0);
    rg_buf_free(&small);
    rg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_append_and_nul_termination),
        cmocka_unit_test(test_append_binary_with_nul_bytes),
        cmocka_unit_test(test_append_zero_bytes),
        cmocka_unit_test(test_cap_exactly_max_is_allowed),
        cmocka_unit_test(test_over_cap_appends_nothing),
        cmocka_unit_test(test_first_append_over_cap),
        cmocka_unit_test(test_huge_n_does_not_wrap),
        cmocka_unit_test(test_growth_many_appends),
        cmocka_unit_test(test_append_some_takes_what_fits),
        cmocka_unit_test(test_append_some_zero_max),
        cmocka_unit_test(test_consume),
        cmocka_unit_test(test_consume_more_than_len),
        cmocka_unit_test(test_consume_on_empty_unallocated),
        cmocka_unit_test(test_consume_frees_room_under_cap),
        cmocka_unit_test(test_reset_keeps_cap_and_allows_reuse),
        cmocka_unit_test(test_free_twice_is_safe),
        cmocka_unit_test(test_appendf_formats_and_caps),
        cmocka_unit_test(test_appendf_long_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
