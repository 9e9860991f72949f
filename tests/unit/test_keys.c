/* test_keys.c — virtual keys: key material, durations and timestamps, the cache, the SQLite store, the
 * management request parsers. */
#include "core/json_load.h"
#include "keys/cache.h"
#include "keys/duration.h"
#include "keys/request.h"
#include "keys/store.h"
#include "keys/token.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_hash_known_vector(void **state)
{
    (void)state;
    char hex[RG_TOKEN_HEX + 1];
    rg_key_hash("abc", 3, hex); /* FIPS 180-2 example */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    rg_key_hash("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_true(rg_key_is_token(hex, strlen(hex)));
    assert_false(rg_key_is_token(hex, 63));
    hex[5] = 'g';
    assert_false(rg_key_is_token(hex, 64));
}

static void test_make_key_shape_and_uniqueness(void **state)
{
    (void)state;
    char a[RG_KEY_LEN + 1], b[RG_KEY_LEN + 1];
    assert_int_equal(rg_key_make(a), 0);
    assert_int_equal(rg_key_make(b), 0);
    assert_int_equal(strlen(a), RG_KEY_LEN);
    assert_memory_equal(a, "sk-", 3);
    for (size_t i = 3; i < RG_KEY_LEN; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
    assert_string_not_equal(a, b);
    char name[RG_KEY_NAME_LEN + 1];
    rg_key_name(a, strlen(a), name);
    assert_memory_equal(name, "sk-...", 6);
    assert_string_equal(name + 6, a + RG_KEY_LEN - 4);
}

static void test_durations(void **state)
{
    (void)state;
    struct {
        const char *s;
        int ok;
        int64_t secs;
    } cases[] = {
        {"30s", 1, 30},       {"30m", 1, 1800},   {"30h", 1, 108000}, {"30d", 1, 2592000}, {"2w", 1, 1209600},
        {"1mo", 1, 2592000},  {"1y", 1, 31536000}, {" 5m ", 1, 300},  {"0s", 1, 0},        {"", 0, 0},
        {"s", 0, 0},          {"30", 0, 0},       {"30x", 0, 0},      {"-5m", 0, 0},       {"5 m", 0, 0},
        {"1000000000s", 0, 0}, {"999999999y", 0, 0}, {"30M", 0, 0},    {"3.5h", 0, 0},      {"1mon", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t s = -1;
        int rc = rg_duration_parse(cases[i].s, strlen(cases[i].s), &s);
        if (cases[i].ok) {
            assert_int_equal(rc, 0);
            assert_int_equal(s, cases[i].secs);
        } else if (rc == 0) {
            fail_msg("'%s' accepted as %lld s", cases[i].s, (long long)s);
        }
    }
}

static void test_timestamps(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(rg_time_parse("1970-01-02", 10, &ms), 0);
    assert_int_equal(ms, 86400000);
    const char *t = "2030-01-31T12:00:00Z";
    assert_int_equal(rg_time_parse(t, strlen(t), &ms), 0);
    char out[32];
    rg_time_format(ms, out);
    assert_string_equal(out, t);
    int64_t ms2;
    const char *t2 = "2030-01-31T14:30:00.123456+02:30";
    assert_int_equal(rg_time_parse(t2, strlen(t2), &ms2), 0);
    assert_int_equal(ms2, ms);
    const char *leap = "2024-02-29T00:00:00";
    assert_int_equal(rg_time_parse(leap, strlen(leap), &ms), 0);
    const char *bad[] = {"2023-02-29", "2030-13-01", "2030-01-32", "1969-12-31", "2030-01-01T25:00", "2030-01-01T",
                         "2030-01-01Tx", "2030-01-01T10:00:00.", "2030-01-01 garbage", "30d"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (rg_time_parse(bad[i], strlen(bad[i]), &ms) == 0)
            fail_msg("'%s' accepted", bad[i]);
}

static rg_key_entry_t *entry(const char *key, const char *alias, const char *team, int64_t created, int64_t expires,
                             const char *models_json)
{
    rg_key_entry_t *e = rg_key_entry_new();
    assert_non_null(e);
    rg_key_hash(key, strlen(key), e->token);
    rg_key_name(key, strlen(key), e->key_name);
    assert_int_equal(rg_key_entry_set_str(&e->key_alias, alias), 0);
    assert_int_equal(rg_key_entry_set_str(&e->team_alias, team), 0);
    if (models_json) {
        json_t *m = json_loads(models_json, 0, NULL);
        assert_int_equal(rg_key_entry_set_models(e, m), 0);
        json_decref(m);
    }
    e->created_ms = created;
    e->expires_ms = expires;
    return e;
}

static void token(const char *key, char t[RG_TOKEN_HEX + 1])
{
    rg_key_hash(key, strlen(key), t);
}

static void test_cache(void **state)
{
    (void)state;
    rg_key_cache_t c;
    assert_int_equal(rg_key_cache_init(&c), 0);
    assert_int_equal(rg_key_cache_insert(&c, entry("sk-a", "alias-a", "team", 1, 0, NULL)), RG_KEY_INSERTED);
    assert_int_equal(rg_key_cache_insert(&c, entry("sk-b", NULL, NULL, 2, 1000, "[\"gpt\"]")), RG_KEY_INSERTED);
    assert_int_equal(rg_key_cache_insert(&c, entry("sk-c", NULL, NULL, 3, 0, "[\"*\"]")), RG_KEY_INSERTED);
    rg_key_entry_t *dup = entry("sk-d", "alias-a", NULL, 4, 0, NULL);
    assert_int_equal(rg_key_cache_insert(&c, dup), RG_KEY_DUP_ALIAS);
    rg_key_entry_free(dup);
    dup = entry("sk-a", "other", NULL, 4, 0, NULL);
    assert_int_equal(rg_key_cache_insert(&c, dup), RG_KEY_DUP_TOKEN);
    rg_key_entry_free(dup);
    /* many more, so the table grows and every key is still found */
    char k[32], t[RG_TOKEN_HEX + 1];
    for (int i = 0; i < 500; i++) {
        snprintf(k, sizeof(k), "sk-many-%d", i);
        assert_int_equal(rg_key_cache_insert(&c, entry(k, NULL, NULL, 10 + i, 0, NULL)), RG_KEY_INSERTED);
    }
    for (int i = 0; i < 500; i++) {
        snprintf(k, sizeof(k), "sk-many-%d", i);
        token(k, t);
        assert_true(rg_key_cache_has(&c, t));
    }

    rg_key_view_t v;
    token("sk-a", t);
    assert_int_equal(rg_key_cache_check(&c, t, 5000, "anything", 8, &v), RG_KEY_OK);
    assert_string_equal(v.key_alias, "alias-a");
    assert_string_equal(v.team_alias, "team");
    token("sk-b", t);
    assert_int_equal(rg_key_cache_check(&c, t, 999, "gpt", 3, &v), RG_KEY_OK);
    assert_string_equal(v.key_alias, "");
    assert_int_equal(rg_key_cache_check(&c, t, 999, "gp", 2, NULL), RG_KEY_MODEL_DENIED);
    assert_int_equal(rg_key_cache_check(&c, t, 999, "gpt-4", 5, NULL), RG_KEY_MODEL_DENIED);
    assert_int_equal(rg_key_cache_check(&c, t, 1000, "gpt", 3, NULL), RG_KEY_EXPIRED);
    token("sk-c", t);
    assert_int_equal(rg_key_cache_check(&c, t, 999, "whatever", 8, NULL), RG_KEY_OK);
    token("sk-zzz", t);
    assert_int_equal(rg_key_cache_check(&c, t, 0, NULL, 0, &v), RG_KEY_UNKNOWN);

    assert_int_equal(rg_key_cache_alias_token(&c, "alias-a", t), 0);
    char ta[RG_TOKEN_HEX + 1];
    token("sk-a", ta);
    assert_string_equal(t, ta);
    assert_int_equal(rg_key_cache_alias_token(&c, "nope", t), -1);

    size_t total;
    json_t *l = rg_key_cache_list(&c, NULL, NULL, 1, 2, 0, &total);
    assert_int_equal(total, 503);
    assert_int_equal(json_array_size(l), 2);
    assert_string_equal(json_string_value(json_array_get(l, 0)), ta); /* oldest first */
    json_decref(l);
    l = rg_key_cache_list(&c, NULL, NULL, 252, 2, 0, &total);
    assert_int_equal(json_array_size(l), 1);
    json_decref(l);
    l = rg_key_cache_list(&c, NULL, NULL, 253, 2, 0, &total);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    l = rg_key_cache_list(&c, "alias-a", NULL, 1, 10, 1, &total);
    assert_int_equal(total, 1);
    json_t *o = json_array_get(l, 0);
    assert_string_equal(json_string_value(json_object_get(o, "key_alias")), "alias-a");
    assert_string_equal(json_string_value(json_object_get(o, "token")), ta);
    json_decref(l);

    assert_int_equal(rg_key_cache_remove(&c, ta), 1);
    assert_int_equal(rg_key_cache_remove(&c, ta), 0);
    assert_false(rg_key_cache_has_alias(&c, "alias-a"));
    rg_key_cache_destroy(&c);
}

static void collect(void *ctx, rg_key_entry_t *e)
{
    rg_key_cache_t *c = ctx;
    assert_int_equal(rg_key_cache_insert(c, e), RG_KEY_INSERTED);
}

static void test_store_round_trip(void **state)
{
    (void)state;
    char path[] = "/tmp/rg-test-keys-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    rg_key_store_t *s = rg_key_store_open(path, err, sizeof(err));
    assert_non_null(s);
    rg_key_entry_t *a = entry("sk-one", "one", "team-1", 5, 7000, "[\"m1\",\"m2\"]");
    assert_int_equal(rg_key_entry_set_str(&a->metadata, "{\"x\":1}"), 0);
    rg_key_entry_t *b = entry("sk-two", NULL, NULL, 6, 0, NULL);
    rg_key_entry_t *c = entry("sk-three", "one", NULL, 7, 0, NULL);
    assert_int_equal(rg_key_store_insert(s, a), RG_KEY_STORE_OK);
    assert_int_equal(rg_key_store_insert(s, b), RG_KEY_STORE_OK);
    assert_int_equal(rg_key_store_insert(s, c), RG_KEY_STORE_DUP); /* alias taken */
    assert_int_equal(rg_key_store_insert(s, b), RG_KEY_STORE_DUP); /* token taken */
    rg_key_store_close(s);

    s = rg_key_store_open(path, err, sizeof(err));
    assert_non_null(s);
    rg_key_cache_t cache;
    assert_int_equal(rg_key_cache_init(&cache), 0);
    assert_int_equal(rg_key_store_load(s, collect, &cache), 2);
    json_t *o = rg_key_cache_json(&cache, a->token, 1);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "key_alias")), "one");
    assert_string_equal(json_string_value(json_object_get(o, "team_alias")), "team-1");
    assert_int_equal(json_array_size(json_object_get(o, "models")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "metadata"), "x")), 1);
    assert_string_equal(json_string_value(json_object_get(o, "expires")), "1970-01-01T00:00:07Z");
    json_decref(o);
    o = rg_key_cache_json(&cache, b->token, 0);
    assert_true(json_is_null(json_object_get(o, "expires")));
    assert_null(json_object_get(o, "token"));
    json_decref(o);

    char tokens[2][RG_TOKEN_HEX + 1];
    memcpy(tokens[0], a->token, sizeof(tokens[0]));
    memcpy(tokens[1], b->token, sizeof(tokens[1]));
    assert_int_equal(rg_key_store_delete(s, tokens, 2), RG_KEY_STORE_OK);
    rg_key_cache_t empty;
    assert_int_equal(rg_key_cache_init(&empty), 0);
    assert_int_equal(rg_key_store_load(s, collect, &empty), 0);
    /* the alias is free again */
    assert_int_equal(rg_key_store_insert(s, c), RG_KEY_STORE_OK);

    rg_key_cache_destroy(&empty);
    rg_key_cache_destroy(&cache);
    rg_key_store_close(s);
    rg_key_entry_free(a);
    rg_key_entry_free(b);
    rg_key_entry_free(c);
    char side[64];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

static int spec(const char *body, rg_key_spec_t *sp, const char **param, json_t **keep)
{
    rg_json_error_t jerr;
    *keep = rg_json_loadb(body, strlen(body), 0, &jerr);
    assert_non_null(*keep);
    char err[256];
    return rg_key_spec_parse(*keep, 1000000, sp, err, sizeof(err), param);
}

static void test_generate_request(void **state)
{
    (void)state;
    rg_key_spec_t sp;
    const char *param;
    json_t *j;
    assert_int_equal(spec("{\"key_alias\":\"a\",\"team_id\":\"t\",\"models\":[\"m\"],\"metadata\":{\"k\":[1]},"
                          "\"duration\":\"30s\",\"max_budget\":5}",
                          &sp, &param, &j),
                     0);
    assert_string_equal(sp.key_alias, "a");
    assert_string_equal(sp.team_id, "t");
    assert_null(sp.team_alias);
    assert_int_equal(sp.expires_ms, 1000000 + 30000);
    json_decref(j);
    assert_int_equal(spec("{}", &sp, &param, &j), 0);
    assert_int_equal(sp.expires_ms, 0);
    json_decref(j);
    /* the earlier of duration and expires */
    assert_int_equal(spec("{\"duration\":\"1y\",\"expires\":\"1970-01-01T00:00:02Z\"}", &sp, &param, &j), 0);
    assert_int_equal(sp.expires_ms, 2000);
    json_decref(j);
    struct {
        const char *body, *param;
    } bad[] = {
        {"{\"key_alias\":5}", "key_alias"},       {"{\"key_alias\":\"\"}", "key_alias"},
        {"{\"team_alias\":[]}", "team_alias"},    {"{\"models\":\"gpt\"}", "models"},
        {"{\"models\":[1]}", "models"},           {"{\"models\":[\"\"]}", "models"},
        {"{\"metadata\":[]}", "metadata"},        {"{\"duration\":\"soon\"}", "duration"},
        {"{\"duration\":30}", "duration"},        {"{\"expires\":\"tomorrow\"}", "expires"},
        {"[1]", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (spec(bad[i].body, &sp, &param, &j) == 0)
            fail_msg("accepted %s", bad[i].body);
        if (bad[i].param)
            assert_string_equal(param, bad[i].param);
        else
            assert_null(param);
        json_decref(j);
    }
}

static void test_delete_request(void **state)
{
    (void)state;
    const char *ok[] = {"{\"keys\":[\"sk-1\"]}", "{\"key_aliases\":[\"a\"]}", "{\"keys\":[\"x\"],\"key_aliases\":[]}"};
    const char *bad[] = {"{}", "{\"keys\":[]}", "{\"keys\":\"sk-1\"}", "{\"keys\":[1]}", "{\"key_aliases\":[\"\"]}",
                         "\"x\""};
    rg_key_delete_t d;
    char err[256];
    const char *param;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        json_t *j = json_loads(ok[i], JSON_DECODE_ANY, NULL);
        assert_int_equal(rg_key_delete_parse(j, &d, err, sizeof(err), &param), 0);
        json_decref(j);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        if (rg_key_delete_parse(j, &d, err, sizeof(err), &param) == 0)
            fail_msg("accepted %s", bad[i]);
        assert_true(strlen(err) > 0);
        json_decref(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_known_vector), cmocka_unit_test(test_make_key_shape_and_uniqueness),
        cmocka_unit_test(test_durations),         cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_cache),             cmocka_unit_test(test_store_round_trip),
        cmocka_unit_test(test_generate_request),  cmocka_unit_test(test_delete_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
