/* test_json_plain.c — rg_json_plain_run (the vector scan under the JSON loader, validator and writer) agrees with a
 * byte-by-byte reading at every start, length and position of the first special byte. */
#include "core/json_valid.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static size_t plain_ref(const char *p, const char *e)
{
    const char *s = p;
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
        p++;
    }
    return (size_t)(p - s);
}

/* every special byte kind at every position of buffers of 0..70 bytes, at every alignment 0..15 */
static void test_first_special_byte_everywhere(void **state)
{
    (void)state;
    static const unsigned char specials[] = {'"', '\\', 0x00, 0x1F, 0x0A, 0x80, 0xC3, 0xFF};
    static const unsigned char plains[] = {' ', '!', '#', '[', ']', 'a', 0x7F, '~', '/'};
    char buf[96];
    for (size_t align = 0; align < 16; align++) {
        for (size_t len = 0; len <= 70; len++) {
            char *p = buf + align;
            for (size_t i = 0; i < len; i++)
                p[i] = (char)plains[i % sizeof(plains)];
            assert_int_equal(rg_json_plain_run(p, p + len), len);
            for (size_t pos = 0; pos < len; pos++) {
                for (size_t k = 0; k < sizeof(specials); k++) {
                    char keep = p[pos];
                    p[pos] = (char)specials[k];
                    size_t got = rg_json_plain_run(p, p + len);
                    assert_int_equal(got, pos);
                    assert_int_equal(got, plain_ref(p, p + len));
                    p[pos] = keep;
                }
            }
        }
    }
}

/* pseudo-random bytes: the same answer as the reference on every prefix */
static void test_random_bytes_match_reference(void **state)
{
    (void)state;
    char buf[256];
    uint32_t x = 2463534242u;
    for (int round = 0; round < 2000; round++) {
        size_t len = 0;
        for (; len < sizeof(buf); len++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            /* mostly plain ASCII, now and then a special byte, so that runs of every length occur */
            buf[len] = (x & 0xFF) < 4 ? (char)(x >> 8) : (char)(0x20 + (x >> 8) % 0x5F);
        }
        size_t start = (size_t)(x >> 20) % 32;
        assert_int_equal(rg_json_plain_run(buf + start, buf + len), plain_ref(buf + start, buf + len));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_special_byte_everywhere),
        cmocka_unit_test(test_random_bytes_match_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
