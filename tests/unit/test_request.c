/* test_request.c — rg_request_parse: body checks per route, error codes and the offending param. */
#include "api/request.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#define MAX (1u << 20)

static rg_error_t parse(rg_route_t route, const char *body, rg_request_info_t *in)
{
    return rg_request_parse(route, body, body ? strlen(body) : 0, MAX, in);
}

/* Expects failure with error e and param (NULL = no param); the body is released. */
static void expect_fail(rg_route_t route, const char *body, rg_error_t e, const char *param)
{
    rg_request_info_t in;
    rg_error_t got = parse(route, body, &in);
    if (got != e)
        fail_msg("body %s: got error %d, expected %d (message: %s)", body, got, e, in.message);
    assert_null(in.body);
    assert_true(strlen(in.message) > 0);
    if (param == NULL) {
        if (in.param != NULL)
            fail_msg("body %s: param '%s', expected none", body, in.param);
    } else {
        if (in.param == NULL)
            fail_msg("body %s: no param, expected '%s'", body, param);
        assert_string_equal(in.param, param);
    }
}

static void test_valid_chat(void **state)
{
    (void)state;
    const char *body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                       "{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.2}";
    rg_request_info_t in;
    assert_int_equal(parse(RG_ROUTE_CHAT, body, &in), RG_OK);
    assert_non_null(in.body);
    assert_true(json_is_object(in.body));
    assert_int_equal(in.model_len, strlen("gpt-4o-mini"));
    assert_memory_equal(in.model, "gpt-4o-mini", in.model_len);
    assert_int_equal(in.stream, 0);
    /* model points into the body */
    assert_ptr_equal(in.model, json_string_value(json_object_get(in.body, "model")));
    json_decref(in.body);
}

static void test_valid_chat_stream(void **state)
{
    (void)state;
    rg_request_info_t in;
    assert_int_equal(parse(RG_ROUTE_CHAT, "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", &in), RG_OK);
    assert_int_equal(in.stream, 1);
    json_decref(in.body);
    assert_int_equal(parse(RG_ROUTE_CHAT, "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", &in), RG_OK);
    assert_int_equal(in.stream, 0);
    json_decref(in.body);
    assert_int_equal(parse(RG_ROUTE_CHAT, "{\"model\":\"m\",\"stream\":null,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", &in), RG_OK);
    assert_int_equal(in.stream, 0);
    json_decref(in.body);
}

static void test_valid_chat_content_variants(void **state)
{
    (void)state;
    const char *bodies[] = {
        /* content parts */
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}",
        /* null content (assistant tool call) */
        "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}]}",
        /* no content at all */
        "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\"}]}",
        /* whitespace around the object */
        " \n\t{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}\r\n ",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        rg_request_info_t in;
        rg_error_t e = parse(RG_ROUTE_CHAT, bodies[i], &in);
        if (e != RG_OK)
            fail_msg("body %s: error %d (%s)", bodies[i], e, in.message);
        json_decref(in.body);
    }
}

static void test_valid_completions_and_embeddings(void **state)
{
    (void)state;
    rg_request_info_t in;
    assert_int_equal(parse(RG_ROUTE_COMPLETIONS, "{\"model\":\"davinci\",\"prompt\":\"Say hi\",\"stream\":true}", &in), RG_OK);
    assert_memory_equal(in.model, "davinci", 7);
    assert_int_equal(in.model_len, 7);
    assert_int_equal(in.stream, 1);
    json_decref(in.body);

    assert_int_equal(parse(RG_ROUTE_COMPLETIONS, "{\"model\":\"davinci\",\"prompt\":[\"a\",\"b\"]}", &in), RG_OK);
    json_decref(in.body);

    assert_int_equal(parse(RG_ROUTE_EMBEDDINGS, "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}", &in), RG_OK);
    assert_int_equal(in.model_len, strlen("text-embedding-3-small"));
    assert_int_equal(in.stream, 0);
    json_decref(in.body);

    assert_int_equal(parse(RG_ROUTE_EMBEDDINGS, "{\"model\":\"e\",\"input\":[[1,2,3]]}", &in), RG_OK);
    json_decref(in.body);
}

static void test_embeddings_never_stream(void **state)
{
    (void)state;
    rg_request_info_t in;
    assert_int_equal(parse(RG_ROUTE_EMBEDDINGS, "{\"model\":\"e\",\"input\":\"x\",\"stream\":true}", &in), RG_OK);
    assert_int_equal(in.stream, 0);
    json_decref(in.body);
}

static void test_model_with_nul_free_unicode(void **state)
{
    (void)state;
    rg_request_info_t in;
    const char *body = "{\"model\":\"mod\\u00e9l\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    assert_int_equal(parse(RG_ROUTE_CHAT, body, &in), RG_OK);
    assert_int_equal(in.model_len, 6); /* "mod" + 2-byte é + "l" */
    assert_memory_equal(in.model, "mod\xc3\xa9l", 6);
    json_decref(in.body);
}

static void test_empty_body(void **state)
{
    (void)state;
    expect_fail(RG_ROUTE_CHAT, "", RG_E_INVALID_JSON, NULL);
    rg_request_info_t in;
    assert_int_equal(rg_request_parse(RG_ROUTE_CHAT, NULL, 0, MAX, &in), RG_E_INVALID_JSON);
    assert_null(in.body);
}

static void test_invalid_json(void **state)
{
    (void)state;
    const char *bad[] = {
        "{",
        "{\"model\":\"m\",}",
        "{\"model\":'m'}",
        "{\"model\":\"m\"} trailing",
        "{\"model\":\"m\"}{}",
        "nul",
        "   ",
        "{\"model\":\"\\ud800\"}", /* lone surrogate */
        "{\"model\":\"m\xff\"}",     /* invalid UTF-8 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_fail(RG_ROUTE_CHAT, bad[i], RG_E_INVALID_JSON, NULL);
}

static void test_embedded_nul_is_invalid(void **state)
{
    (void)state;
    const char body[] = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}\0garbage";
    rg_request_info_t in;
    assert_int_equal(rg_request_parse(RG_ROUTE_CHAT, body, sizeof(body) - 1, MAX, &in), RG_E_INVALID_JSON);
    assert_null(in.body);
}

static void test_non_object(void **state)
{
    (void)state;
    const char *bad[] = {"[]", "[{\"model\":\"m\"}]", "\"model\"", "42", "true", "null"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rg_request_info_t in;
        rg_error_t e = parse(RG_ROUTE_CHAT, bad[i], &in);
        /* either jansson refuses a non-object top level or the checker does; never OK */
        assert_true(e == RG_E_INVALID_REQUEST || e == RG_E_INVALID_JSON);
        assert_null(in.body);
        assert_null(in.param);
    }
    expect_fail(RG_ROUTE_CHAT, "[]", RG_E_INVALID_REQUEST, NULL);
}

static void test_missing_model(void **state)
{
    (void)state;
    expect_fail(RG_ROUTE_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", RG_E_INVALID_REQUEST, "model");
    expect_fail(RG_ROUTE_EMBEDDINGS, "{\"input\":\"x\"}", RG_E_INVALID_REQUEST, "model");
    expect_fail(RG_ROUTE_CHAT, "{}", RG_E_INVALID_REQUEST, "model");
}

static void test_model_not_a_string(void **state)
{
    (void)state;
    const char *bad[] = {
        "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":[\"m\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":{\"name\":\"m\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_fail(RG_ROUTE_CHAT, bad[i], RG_E_INVALID_REQUEST, "model");
}

static void test_stream_not_boolean(void **state)
{
    (void)state;
    const char *bad[] = {
        "{\"model\":\"m\",\"stream\":\"true\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":\"m\",\"stream\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        "{\"model\":\"m\",\"stream\":{},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_fail(RG_ROUTE_CHAT, bad[i], RG_E_INVALID_REQUEST, "stream");
    expect_fail(RG_ROUTE_COMPLETIONS, "{\"model\":\"m\",\"stream\":0,\"prompt\":\"x\"}", RG_E_INVALID_REQUEST, "stream");
}

static void test_missing_or_empty_messages(void **state)
{
    (void)state;
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\"}", RG_E_INVALID_REQUEST, "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":[]}", RG_E_INVALID_REQUEST, "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":null}", RG_E_INVALID_REQUEST, "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":\"hi\"}", RG_E_INVALID_REQUEST, "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":{\"role\":\"user\"}}", RG_E_INVALID_REQUEST, "messages");
}

static void test_missing_prompt_or_input(void **state)
{
    (void)state;
    expect_fail(RG_ROUTE_COMPLETIONS, "{\"model\":\"m\"}", RG_E_INVALID_REQUEST, "prompt");
    expect_fail(RG_ROUTE_COMPLETIONS, "{\"model\":\"m\",\"prompt\":5}", RG_E_INVALID_REQUEST, "prompt");
    expect_fail(RG_ROUTE_EMBEDDINGS, "{\"model\":\"m\"}", RG_E_INVALID_REQUEST, "input");
    expect_fail(RG_ROUTE_EMBEDDINGS, "{\"model\":\"m\",\"input\":{}}", RG_E_INVALID_REQUEST, "input");
    /* a chat body is not a completions body */
    expect_fail(RG_ROUTE_COMPLETIONS, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}", RG_E_INVALID_REQUEST, "prompt");
}

static void test_message_without_role(void **state)
{
    (void)state;
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]}", RG_E_INVALID_REQUEST, "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":[{\"role\":1,\"content\":\"hi\"}]}", RG_E_INVALID_REQUEST,
                "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":[\"hi\"]}", RG_E_INVALID_REQUEST, "messages");
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":[null]}", RG_E_INVALID_REQUEST, "messages");
    /* a later message is checked too, and the message says which */
    rg_request_info_t in;
    const char *body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"content\":\"b\"}]}";
    assert_int_equal(parse(RG_ROUTE_CHAT, body, &in), RG_E_INVALID_REQUEST);
    assert_non_null(strstr(in.message, "messages[1]"));
}

static void test_content_wrong_type(void **state)
{
    (void)state;
    const char *bad[] = {
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":42}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":true}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]}",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":1.5}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_fail(RG_ROUTE_CHAT, bad[i], RG_E_INVALID_REQUEST, "messages");
}

static void test_duplicate_keys_rejected(void **state)
{
    (void)state;
    /* a duplicate "model" would let a check see one value and the upstream another */
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"cheap\",\"model\":\"expensive\",\"messages\":[{\"role\":\"user\"}]}",
                RG_E_INVALID_JSON, NULL);
    expect_fail(RG_ROUTE_CHAT, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"role\":\"system\"}]}",
                RG_E_INVALID_JSON, NULL);
    expect_fail(RG_ROUTE_EMBEDDINGS, "{\"model\":\"m\",\"input\":\"a\",\"input\":\"b\"}", RG_E_INVALID_JSON, NULL);
}

static void test_body_too_large(void **state)
{
    (void)state;
    const char *body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    size_t len = strlen(body);
    rg_request_info_t in;
    /* exactly at the limit is fine */
    assert_int_equal(rg_request_parse(RG_ROUTE_CHAT, body, len, len, &in), RG_OK);
    json_decref(in.body);
    /* one byte over is refused before parsing */
    assert_int_equal(rg_request_parse(RG_ROUTE_CHAT, body, len, len - 1, &in), RG_E_BODY_TOO_LARGE);
    assert_null(in.body);
    assert_true(strlen(in.message) > 0);
    /* even when the bytes are not JSON at all, size is reported, not syntax */
    assert_int_equal(rg_request_parse(RG_ROUTE_CHAT, "xxxxxxxxxx", 10, 4, &in), RG_E_BODY_TOO_LARGE);
    assert_null(in.body);
}

static void test_length_respected_not_nul(void **state)
{
    (void)state;
    /* the valid object is followed by bytes outside len; they are not read */
    const char *body = "{\"model\":\"m\",\"input\":\"x\"}GARBAGE";
    size_t len = strlen("{\"model\":\"m\",\"input\":\"x\"}");
    char *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, body, len);
    rg_request_info_t in;
    assert_int_equal(rg_request_parse(RG_ROUTE_EMBEDDINGS, copy, len, MAX, &in), RG_OK);
    json_decref(in.body);
    free(copy);
}

static void test_message_buffer_bounded(void **state)
{
    (void)state;
    /* a long jansson error text still fits the fixed message buffer, NUL-terminated */
    char body[1024];
    memset(body, '[', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    rg_request_info_t in;
    assert_int_equal(parse(RG_ROUTE_CHAT, body, &in), RG_E_INVALID_JSON);
    assert_true(memchr(in.message, '\0', sizeof(in.message)) != NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_chat),
        cmocka_unit_test(test_valid_chat_stream),
        cmocka_unit_test(test_valid_chat_content_variants),
        cmocka_unit_test(test_valid_completions_and_embeddings),
        cmocka_unit_test(test_embeddings_never_stream),
        cmocka_unit_test(test_model_with_nul_free_unicode),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_invalid_json),
        cmocka_unit_test(test_embedded_nul_is_invalid),
        cmocka_unit_test(test_non_object),
        cmocka_unit_test(test_missing_model),
        cmocka_unit_test(test_model_not_a_string),
        cmocka_unit_test(test_stream_not_boolean),
        cmocka_unit_test(test_missing_or_empty_messages),
        cmocka_unit_test(test_missing_prompt_or_input),
        cmocka_unit_test(test_message_without_role),
        cmocka_unit_test(test_content_wrong_type),
        cmocka_unit_test(test_duplicate_keys_rejected),
        cmocka_unit_test(test_body_too_large),
        cmocka_unit_test(test_length_respected_not_nul),
        cmocka_unit_test(test_message_buffer_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
