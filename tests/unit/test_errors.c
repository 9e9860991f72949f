/* test_errors.c — the error table and rg_error_format's OpenAI-shaped JSON. */
#include "core/errors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

/* Parses out as JSON and checks it is {"error":{message,type,param,code}} and nothing else. */
static json_t *parse_error_object(const char *out, size_t n)
{
    json_error_t jerr;
    json_t *root = json_loadb(out, n, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        fail_msg("not valid JSON (%s): %.*s", jerr.text, (int)n, out);
    assert_true(json_is_object(root));
    assert_int_equal(json_object_size(root), 1);
    json_t *err = json_object_get(root, "error");
    assert_non_null(err);
    assert_true(json_is_object(err));
    assert_int_equal(json_object_size(err), 4);
    assert_true(json_is_string(json_object_get(err, "message")));
    assert_true(json_is_string(json_object_get(err, "type")));
    assert_non_null(json_object_get(err, "param"));
    assert_true(json_is_string(json_object_get(err, "code")));
    json_incref(err);
    json_decref(root);
    return err;
}

static void test_table_matches_header(void **state)
{
    (void)state;
    assert_int_equal(rg_error_table[RG_E_INVALID_JSON].status, 400);
    assert_string_equal(rg_error_table[RG_E_INVALID_JSON].code, "invalid_json");
    assert_int_equal(rg_error_table[RG_E_MISSING_KEY].status, 401);
    assert_string_equal(rg_error_table[RG_E_MISSING_KEY].type, "authentication_error");
    assert_int_equal(rg_error_table[RG_E_MODEL_NOT_FOUND].status, 404);
    assert_int_equal(rg_error_table[RG_E_BODY_TOO_LARGE].status, 413);
    assert_string_equal(rg_error_table[RG_E_BODY_TOO_LARGE].code, "request_too_large");
    assert_int_equal(rg_error_table[RG_E_UPSTREAM_TIMEOUT].status, 504);
    assert_int_equal(rg_error_table[RG_E_SHUTTING_DOWN].status, 503);
    assert_int_equal(rg_error_table[RG_E_INTERNAL].status, 500);
}

static void test_table_every_entry_filled_and_codes_unique(void **state)
{
    (void)state;
    for (int e = 1; e < RG_E__COUNT; e++) {
        const rg_error_info_t *i = &rg_error_table[e];
        assert_true(i->status >= 400 && i->status < 600);
        assert_non_null(i->type);
        assert_non_null(i->code);
        assert_non_null(i->message);
        assert_true(strlen(i->type) > 0);
        assert_true(strlen(i->code) > 0);
        assert_true(strlen(i->message) > 0);
        for (int f = 1; f < e; f++)
            assert_string_not_equal(i->code, rg_error_table[f].code);
    }
}

static void test_format_every_error_default_message(void **state)
{
    (void)state;
    char out[1024];
    for (int e = 1; e < RG_E__COUNT; e++) {
        memset(out, 'X', sizeof(out));
        size_t n = rg_error_format(out, sizeof(out), (rg_error_t)e, NULL, NULL);
        assert_int_equal(n, strlen(out));
        json_t *err = parse_error_object(out, n);
        assert_string_equal(json_string_value(json_object_get(err, "message")), rg_error_table[e].message);
        assert_string_equal(json_string_value(json_object_get(err, "type")), rg_error_table[e].type);
        assert_string_equal(json_string_value(json_object_get(err, "code")), rg_error_table[e].code);
        assert_true(json_is_null(json_object_get(err, "param")));
        json_decref(err);
    }
}

static void test_format_custom_message_and_param(void **state)
{
    (void)state;
    char out[1024];
    size_t n = rg_error_format(out, sizeof(out), RG_E_INVALID_REQUEST, "missing required parameter: 'model'", "model");
    assert_int_equal(n, strlen(out));
    json_t *err = parse_error_object(out, n);
    assert_string_equal(json_string_value(json_object_get(err, "message")), "missing required parameter: 'model'");
    assert_string_equal(json_string_value(json_object_get(err, "type")), "invalid_request_error");
    assert_string_equal(json_string_value(json_object_get(err, "code")), "invalid_request");
    assert_true(json_is_string(json_object_get(err, "param")));
    assert_string_equal(json_string_value(json_object_get(err, "param")), "model");
    json_decref(err);

    n = rg_error_format(out, sizeof(out), RG_E_MODEL_NOT_FOUND, "model 'gpt-9' not found", NULL);
    err = parse_error_object(out, n);
    assert_string_equal(json_string_value(json_object_get(err, "message")), "model 'gpt-9' not found");
    assert_string_equal(json_string_value(json_object_get(err, "code")), "model_not_found");
    assert_true(json_is_null(json_object_get(err, "param")));
    json_decref(err);
}

static void test_format_escapes_quotes_newlines_controls(void **state)
{
    (void)state;
    const char *msg = "bad \"value\"\nline two\\path\ttab \x01 end </script>";
    const char *param = "messages[0].\"content\"\n";
    char out[1024];
    size_t n = rg_error_format(out, sizeof(out), RG_E_INVALID_JSON, msg, param);
    assert_int_equal(n, strlen(out));
    /* raw control characters must not appear in the JSON text */
    for (size_t i = 0; i < n; i++)
        assert_true((unsigned char)out[i] >= 0x20);
    json_t *err = parse_error_object(out, n);
    assert_string_equal(json_string_value(json_object_get(err, "message")), msg);
    assert_string_equal(json_string_value(json_object_get(err, "param")), param);
    json_decref(err);
}

static void test_format_unicode_message_kept(void **state)
{
    (void)state;
    const char *msg = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    char out[512];
    size_t n = rg_error_format(out, sizeof(out), RG_E_INTERNAL, msg, NULL);
    json_t *err = parse_error_object(out, n);
    assert_string_equal(json_string_value(json_object_get(err, "message")), msg);
    json_decref(err);
}

static void test_format_invalid_utf8_message_still_valid_json(void **state)
{
    (void)state;
    const char *bad[] = {"\xff\xfe", "abc\xc3", "\xc0\xaf overlong", "\xed\xa0\x80 surrogate", "ok \x80 cont"};
    char out[512];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 'X', sizeof(out));
        size_t n = rg_error_format(out, sizeof(out), RG_E_UPSTREAM_BAD_RESPONSE, bad[i], "p");
        assert_true(n > 0);
        assert_int_equal(n, strlen(out));
        json_t *err = parse_error_object(out, n);
        /* whatever the message became, type and code are still right */
        assert_string_equal(json_string_value(json_object_get(err, "type")), "upstream_error");
        assert_string_equal(json_string_value(json_object_get(err, "code")), "upstream_bad_response");
        json_decref(err);
    }
}

static void test_format_invalid_utf8_param_still_valid_json(void **state)
{
    (void)state;
    char out[512];
    size_t n = rg_error_format(out, sizeof(out), RG_E_INVALID_REQUEST, "fine", "\xff");
    assert_true(n > 0);
    json_t *err = parse_error_object(out, n);
    assert_string_equal(json_string_value(json_object_get(err, "code")), "invalid_request");
    json_decref(err);
}

static void test_format_long_message_fits_large_buffer(void **state)
{
    (void)state;
    char msg[4001];
    memset(msg, 'm', 4000);
    msg[4000] = '\0';
    static char out[8192];
    size_t n = rg_error_format(out, sizeof(out), RG_E_INVALID_REQUEST, msg, NULL);
    json_t *err = parse_error_object(out, n);
    assert_string_equal(json_string_value(json_object_get(err, "message")), msg);
    json_decref(err);
}

/*
 * For every buffer size from 0 up to past the full length, the output is
 * either complete, valid JSON or empty — never a cut-off prefix.
 */
static void check_never_cut(rg_error_t e, const char *msg, const char *param)
{
    char full[2048];
    size_t full_n = rg_error_format(full, sizeof(full), e, msg, param);
    assert_true(full_n > 0 && full_n < sizeof(full) - 1);

    for (size_t sz = 1; sz <= full_n + 2; sz++) {
        char out[2048 + 16];
        memset(out, '#', sizeof(out));
        size_t n = rg_error_format(out, sz, e, msg, param);
        /* nothing written past the buffer it was given */
        for (size_t i = sz; i < sizeof(out); i++)
            if (out[i] != '#')
                fail_msg("outsz %zu: byte %zu written past the end", sz, i);
        assert_true(n < sz);
        assert_int_equal(out[n], '\0');
        assert_int_equal(strlen(out), n);
        if (n == 0)
            continue;
        json_error_t jerr;
        json_t *j = json_loadb(out, n, 0, &jerr);
        if (j == NULL)
            fail_msg("outsz %zu: cut JSON (%s): \"%s\"", sz, jerr.text, out);
        json_t *err = json_object_get(j, "error");
        assert_non_null(err);
        assert_string_equal(json_string_value(json_object_get(err, "code")), rg_error_table[e].code);
        json_decref(j);
        if (sz > full_n)
            assert_string_equal(out, full); /* enough room: the real thing */
    }
}

/* outsz 0: nothing can be written, so nothing is, and the length written is 0. */
static void test_zero_size_buffer_writes_nothing(void **state)
{
    (void)state;
    char out[8] = "#######";
    size_t n = rg_error_format(out, 0, RG_E_INTERNAL, NULL, NULL);
    assert_string_equal(out, "#######");
    assert_int_equal(n, 0);
}

static void test_tiny_buffers_never_cut_json(void **state)
{
    (void)state;
    check_never_cut(RG_E_INVALID_REQUEST, "missing required parameter: 'messages'", "messages");
    check_never_cut(RG_E_UPSTREAM_TIMEOUT, NULL, NULL);
    check_never_cut(RG_E_BODY_TOO_LARGE, "body is \"huge\"\n", NULL);
    /* every error's fallback, including when the message is not valid UTF-8 */
    for (int e = 1; e < RG_E__COUNT; e++) {
        check_never_cut((rg_error_t)e, "a long enough message to force the fallback path when space is short", "p");
        check_never_cut((rg_error_t)e, "bad \xff utf-8", NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_header),
        cmocka_unit_test(test_table_every_entry_filled_and_codes_unique),
        cmocka_unit_test(test_format_every_error_default_message),
        cmocka_unit_test(test_format_custom_message_and_param),
        cmocka_unit_test(test_format_escapes_quotes_newlines_controls),
        cmocka_unit_test(test_format_unicode_message_kept),
        cmocka_unit_test(test_format_invalid_utf8_message_still_valid_json),
        cmocka_unit_test(test_format_invalid_utf8_param_still_valid_json),
        cmocka_unit_test(test_format_long_message_fits_large_buffer),
        cmocka_unit_test(test_zero_size_buffer_writes_nothing),
        cmocka_unit_test(test_tiny_buffers_never_cut_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
