/* test_collection.c — a record's collection: normalisation and precedence (keys/collection.h). */
#include "keys/collection.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static const char *norm(const char *s, char out[RG_COLLECTION_MAX + 1])
{
    rg_collection_normalise(s, strlen(s), out);
    return out;
}

static void test_normalise(void **state)
{
    (void)state;
    char o[RG_COLLECTION_MAX + 1];
    assert_string_equal(norm("  My Agent  ", o), "my-agent");
    assert_string_equal(norm("Billing_Bot.v2-prod", o), "billing_bot.v2-prod");
    assert_string_equal(norm("127.0.0.1:4000", o), "127.0.0.1-4000");
    assert_string_equal(norm("a/b\\c@d", o), "a-b-c-d");
    assert_string_equal(norm("caf\xc3\xa9 \xe2\x82\xac", o), "caf---"); /* one "-" per UTF-8 character, and the space */
    assert_string_equal(norm("\t\n ", o), "");
    assert_int_equal(rg_collection_normalise("A\0B", 3, o), 3);
    assert_memory_equal(o, "a-b", 4);
    char big[500];
    memset(big, 'X', sizeof(big));
    assert_int_equal(rg_collection_normalise(big, sizeof(big), o), RG_COLLECTION_MAX);
    assert_int_equal(strlen(o), RG_COLLECTION_MAX);
    assert_int_equal(o[0], 'x');
}

static size_t pick(const char *body, const char *alias, const char *team, const char *host,
                   char out[RG_COLLECTION_MAX + 1])
{
    json_t *b = body ? json_loads(body, JSON_DECODE_ANY, NULL) : NULL;
    size_t n = rg_collection_pick(b, alias, team, host, host ? strlen(host) : 0, out);
    json_decref(b);
    return n;
}

static void test_precedence(void **state)
{
    (void)state;
    char o[RG_COLLECTION_MAX + 1];
    const char *body = "{\"metadata\":{\"agent_name\":\" Support Agent \"}}";
    pick(body, "Key A", "Team A", "gw:4000", o);
    assert_string_equal(o, "support-agent");
    pick("{\"metadata\":{}}", "Key A", "Team A", "gw:4000", o);
    assert_string_equal(o, "key-a");
    pick(NULL, NULL, "Team A", "gw:4000", o);
    assert_string_equal(o, "team-a");
    pick(NULL, NULL, NULL, "GW.example:4000", o);
    assert_string_equal(o, "gw.example-4000");
    assert_int_equal(pick(NULL, NULL, NULL, NULL, o), 9);
    assert_string_equal(o, "localhost");
    /* blank or non-string candidates fall through */
    pick("{\"metadata\":{\"agent_name\":\"   \"}}", "  ", "T", "h", o);
    assert_string_equal(o, "t");
    pick("{\"metadata\":{\"agent_name\":42}}", NULL, NULL, "h", o);
    assert_string_equal(o, "h");
    pick("{\"metadata\":\"agent\"}", "k", NULL, "h", o);
    assert_string_equal(o, "k");
    pick("[1]", NULL, NULL, "h", o);
    assert_string_equal(o, "h");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
