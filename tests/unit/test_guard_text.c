/* test_guard_text.c — what a guardrail reads (Portkey's getText) and writing changed text back. */
#include "guard/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad test JSON: %s: %s", e.text, s);
    return j;
}

/* Extracts and checks n and joined. */
static void expect(const char *body, rg_phase_t phase, rg_req_type_t type, int scope_all, size_t n, const char *joined)
{
    json_t *root = parse(body);
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, phase, type, scope_all, &t), 0);
    assert_int_equal(t.n, n);
    assert_non_null(t.joined);
    assert_string_equal(t.joined, joined);
    assert_int_equal(t.joined_len, strlen(joined));
    rg_text_free(&t);
    json_decref(root);
}

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static void expect_json(json_t *j, const char *want)
{
    char *s = dump(j);
    assert_string_equal(s, want);
    free(s);
}

static void test_req_type_names(void **state)
{
    (void)state;
    assert_string_equal(rg_req_type_name(RG_REQ_CHAT), "chatComplete");
    assert_string_equal(rg_req_type_name(RG_REQ_COMPLETE), "complete");
    assert_string_equal(rg_req_type_name(RG_REQ_EMBED), "embed");
}

static void test_chat_last_message_only(void **state)
{
    (void)state;
    /* Portkey case 04: only the last message counts */
    const char *b = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is 123-45-6789\"},"
                    "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"thanks\"}]}";
    expect(b, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, 1, "thanks");
    expect("{\"messages\":[{\"role\":\"user\",\"content\":\"What is the meaning of life?\"}]}", RG_PHASE_REQUEST,
           RG_REQ_CHAT, 0, 1, "What is the meaning of life?");
}

static void test_chat_content_parts(void **state)
{
    (void)state;
    /* text parts joined with \n; image parts dropped; a part's `text` counts whatever its type */
    const char *b = "{\"messages\":[{\"role\":\"user\",\"content\":["
                    "{\"type\":\"text\",\"text\":\"first\"},"
                    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
                    "{\"type\":\"text\",\"text\":\"second\"},"
                    "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"x\",\"format\":\"wav\"}},"
                    "{\"type\":\"text\",\"text\":\"\"},"
                    "\"bare string\", 42, null,"
                    "{\"type\":\"other\",\"text\":\"third\"}]}]}";
    json_t *root = parse(b);
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t), 0);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.joined, "first\nsecond\nthird");
    json_t *parts = json_object_get(json_array_get(json_object_get(root, "messages"), 0), "content");
    assert_ptr_equal(t.parts[0].holder, json_array_get(parts, 0));
    assert_string_equal(t.parts[0].key, "text");
    assert_ptr_equal(t.parts[1].holder, json_array_get(parts, 2));
    assert_ptr_equal(t.parts[2].holder, json_array_get(parts, 8));
    assert_int_equal(t.parts[1].len, 6);
    assert_memory_equal(t.parts[1].s, "second", 6);
    rg_text_free(&t);
    json_decref(root);

    /* only images: no text */
    expect("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]}]}",
           RG_PHASE_REQUEST, RG_REQ_CHAT, 0, 0, "");
}

static void test_complete_and_embed(void **state)
{
    (void)state;
    expect("{\"prompt\":\"Say hi\"}", RG_PHASE_REQUEST, RG_REQ_COMPLETE, 0, 1, "Say hi");
    expect("{\"prompt\":[\"one\",\"\",\"two\",[1,2],3]}", RG_PHASE_REQUEST, RG_REQ_COMPLETE, 0, 2, "one\ntwo");
    expect("{\"prompt\":[1,2,3]}", RG_PHASE_REQUEST, RG_REQ_COMPLETE, 0, 0, ""); /* token ids are not text */
    expect("{\"input\":\"embed me\"}", RG_PHASE_REQUEST, RG_REQ_EMBED, 0, 1, "embed me");
    expect("{\"input\":[\"a\",\"b\",\"c\"]}", RG_PHASE_REQUEST, RG_REQ_EMBED, 0, 3, "a\nb\nc");
    /* scope_all changes nothing for prompt/input */
    expect("{\"input\":[\"a\",\"b\"]}", RG_PHASE_REQUEST, RG_REQ_EMBED, 1, 2, "a\nb");
    /* the field of another type is ignored */
    expect("{\"prompt\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}", RG_PHASE_REQUEST, RG_REQ_EMBED,
           0, 0, "");
}

static void test_responses(void **state)
{
    (void)state;
    const char *chat = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                       "\"Hello from the mock upstream. The answer is 42.\"}},{\"index\":1,\"message\":{\"role\":"
                       "\"assistant\",\"content\":\"second choice\"}}]}";
    expect(chat, RG_PHASE_RESPONSE, RG_REQ_CHAT, 0, 1, "Hello from the mock upstream. The answer is 42.");
    expect(chat, RG_PHASE_RESPONSE, RG_REQ_CHAT, 1, 1, "Hello from the mock upstream. The answer is 42.");
    expect("{\"choices\":[{\"index\":0,\"text\":\"completion text\"}]}", RG_PHASE_RESPONSE, RG_REQ_COMPLETE, 0, 1,
           "completion text");
    /* tool call: content null */
    expect("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}}]}",
           RG_PHASE_RESPONSE, RG_REQ_CHAT, 0, 0, "");
    /* content parts in a response */
    expect("{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\","
           "\"text\":\"b\"}]}}]}",
           RG_PHASE_RESPONSE, RG_REQ_CHAT, 0, 2, "a\nb");
    /* an embeddings response has no text */
    expect("{\"data\":[{\"embedding\":[0.1]}]}", RG_PHASE_RESPONSE, RG_REQ_EMBED, 0, 0, "");
    /* the request shape in the response phase is not read */
    expect("{\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}", RG_PHASE_RESPONSE, RG_REQ_CHAT, 0, 0, "");
}

static void test_scope_all(void **state)
{
    (void)state;
    const char *b = "{\"messages\":["
                    "{\"role\":\"system\",\"content\":\"sys\"},"
                    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"u1\"},{\"type\":\"image_url\","
                    "\"image_url\":{\"url\":\"x\"}},{\"type\":\"text\",\"text\":\"u2\"}]},"
                    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                    "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                    "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"tool result 123-45-6789\"},"
                    "{\"role\":\"user\",\"content\":\"last\"}]}";
    expect(b, RG_PHASE_REQUEST, RG_REQ_CHAT, 1, 5, "sys\nu1\nu2\ntool result 123-45-6789\nlast");
    expect(b, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, 1, "last");
}

static void test_odd_shapes(void **state)
{
    (void)state;
    const char *bodies[] = {
        "null", "[]", "\"str\"", "{}", "{\"messages\":null}", "{\"messages\":{}}", "{\"messages\":[]}",
        "{\"messages\":[null]}", "{\"messages\":[\"x\"]}", "{\"messages\":[{\"role\":\"user\"}]}",
        "{\"messages\":[{\"content\":7}]}", "{\"messages\":[{\"content\":{\"text\":\"obj\"}}]}",
        "{\"messages\":[{\"content\":\"\"}]}", "{\"messages\":[{\"content\":[{\"text\":5},{\"text\":null}]}]}",
        "{\"prompt\":null,\"input\":{}}", "{\"choices\":null}", "{\"choices\":[]}", "{\"choices\":[null]}",
        "{\"choices\":[{\"message\":\"x\"}]}", "{\"choices\":[{\"message\":{\"content\":3}}]}",
        "{\"choices\":[{\"text\":[\"a\"]}]}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        json_t *root = parse(bodies[i]);
        for (int phase = 0; phase < 2; phase++)
            for (int type = 0; type < 3; type++)
                for (int all = 0; all < 2; all++) {
                    rg_guard_text_t t;
                    assert_int_equal(rg_text_extract(root, (rg_phase_t)phase, (rg_req_type_t)type, all, &t), 0);
                    if (t.n != 0)
                        fail_msg("%s phase %d type %d all %d: n = %zu", bodies[i], phase, type, all, t.n);
                    assert_string_equal(t.joined, "");
                    assert_int_equal(t.joined_len, 0);
                    rg_text_free(&t);
                }
        json_decref(root);
    }
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(NULL, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t), 0);
    assert_int_equal(t.n, 0);
    rg_text_free(&t);
    rg_text_free(&t); /* twice is harmless */
}

static void test_embedded_nul_and_unicode(void **state)
{
    (void)state;
    json_error_t e;
    json_t *root = json_loads("{\"messages\":[{\"content\":\"a\\u0000b \\u00e9\\ud83d\\ude00\"}]}", JSON_ALLOW_NUL, &e);
    assert_non_null(root);
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t), 0);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.joined_len, 3 + 1 + 2 + 4);
    assert_memory_equal(t.joined, "a\0b \xc3\xa9\xf0\x9f\x98\x80", t.joined_len);
    rg_text_free(&t);
    json_decref(root);
}

static void test_replace_string_content(void **state)
{
    (void)state;
    json_t *root = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is 123-45-6789, "
                         "remember it.\"}]}");
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t), 0);
    assert_int_equal(t.n, 1);
    const char *s = "My SSN is [SSN], remember it.";
    assert_int_equal(rg_text_replace(&t, 0, s, strlen(s)), 0);
    assert_string_equal(t.parts[0].s, s);
    assert_int_equal(t.parts[0].len, strlen(s));
    assert_string_equal(t.joined, s);
    expect_json(root, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is [SSN], remember "
                      "it.\"}]}");
    /* out of range, NULL with a length, invalid UTF-8 */
    assert_int_equal(rg_text_replace(&t, 1, "x", 1), -1);
    assert_int_equal(rg_text_replace(&t, 0, NULL, 3), -1);
    assert_int_equal(rg_text_replace(&t, 0, "\xff\xfe", 2), -1);
    assert_string_equal(t.joined, s); /* unchanged */
    rg_text_free(&t);
    json_decref(root);
}

static void test_replace_content_parts(void **state)
{
    (void)state;
    json_t *root = parse("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"alpha\"},"
                         "{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}},{\"type\":\"text\",\"text\":\"beta\"},"
                         "{\"type\":\"text\",\"text\":\"gamma\"}]}]}");
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t), 0);
    assert_int_equal(t.n, 3);
    assert_int_equal(rg_text_replace(&t, 1, "BETA!", 5), 0);
    assert_string_equal(t.joined, "alpha\nBETA!\ngamma");
    assert_string_equal(t.parts[0].s, "alpha"); /* the other parts are still valid */
    assert_string_equal(t.parts[2].s, "gamma");
    /* a part emptied is left out of joined, as getText filters empty strings */
    assert_int_equal(rg_text_replace(&t, 0, "", 0), 0);
    assert_string_equal(t.joined, "BETA!\ngamma");
    assert_int_equal(t.parts[0].len, 0);
    assert_int_equal(rg_text_replace(&t, 2, "g", 1), 0);
    assert_string_equal(t.joined, "BETA!\ng");
    expect_json(root, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\"},"
                      "{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}},{\"type\":\"text\",\"text\":\"BETA!\"},"
                      "{\"type\":\"text\",\"text\":\"g\"}]}]}");
    rg_text_free(&t);
    json_decref(root);
}

static void test_replace_prompt_array_and_scope_all(void **state)
{
    (void)state;
    json_t *root = parse("{\"prompt\":[\"one\",7,\"two\"]}");
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_COMPLETE, 0, &t), 0);
    assert_int_equal(t.n, 2);
    assert_null(t.parts[1].key);
    assert_int_equal(t.parts[1].index, 2);
    assert_int_equal(rg_text_replace(&t, 1, "TWO", 3), 0);
    assert_int_equal(rg_text_replace(&t, 0, "ONE", 3), 0);
    assert_string_equal(t.joined, "ONE\nTWO");
    expect_json(root, "{\"prompt\":[\"ONE\",7,\"TWO\"]}");
    rg_text_free(&t);
    json_decref(root);

    root = parse("{\"prompt\":\"p\"}");
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_COMPLETE, 0, &t), 0);
    assert_int_equal(rg_text_replace(&t, 0, "q", 1), 0);
    expect_json(root, "{\"prompt\":\"q\"}");
    rg_text_free(&t);
    json_decref(root);

    root = parse("{\"input\":[\"e1\",\"e2\"]}");
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_EMBED, 0, &t), 0);
    assert_int_equal(rg_text_replace(&t, 0, "E1", 2), 0);
    expect_json(root, "{\"input\":[\"E1\",\"e2\"]}");
    rg_text_free(&t);
    json_decref(root);

    root = parse("{\"messages\":[{\"role\":\"tool\",\"content\":\"secret\"},{\"role\":\"user\",\"content\":[{"
                 "\"type\":\"text\",\"text\":\"hi\"}]}]}");
    assert_int_equal(rg_text_extract(root, RG_PHASE_REQUEST, RG_REQ_CHAT, 1, &t), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(rg_text_replace(&t, 0, "[REDACTED]", 10), 0);
    assert_string_equal(t.joined, "[REDACTED]\nhi");
    expect_json(root, "{\"messages\":[{\"role\":\"tool\",\"content\":\"[REDACTED]\"},{\"role\":\"user\",\"content\":[{"
                      "\"type\":\"text\",\"text\":\"hi\"}]}]}");
    rg_text_free(&t);
    json_decref(root);
}

static void test_replace_response(void **state)
{
    (void)state;
    json_t *root = parse("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The answer is "
                         "42.\"},\"finish_reason\":\"stop\"}]}");
    rg_guard_text_t t;
    assert_int_equal(rg_text_extract(root, RG_PHASE_RESPONSE, RG_REQ_CHAT, 0, &t), 0);
    assert_int_equal(rg_text_replace(&t, 0, "The answer is [N].", 18), 0);
    expect_json(root, "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The answer is "
                      "[N].\"},\"finish_reason\":\"stop\"}]}");
    rg_text_free(&t);
    json_decref(root);

    root = parse("{\"choices\":[{\"text\":\"abc\"}]}");
    assert_int_equal(rg_text_extract(root, RG_PHASE_RESPONSE, RG_REQ_COMPLETE, 0, &t), 0);
    assert_int_equal(rg_text_replace(&t, 0, "a\0c", 3), 0); /* jansson keeps the NUL */
    assert_int_equal(t.joined_len, 3);
    assert_memory_equal(t.joined, "a\0c", 3);
    rg_text_free(&t);
    json_decref(root);
}

/* Two texts taken from the same body (two checks of one hook); each replaces a different part. The second
 * replacement must see the first one's string, not the one it replaced (freed by then). */
static void test_replace_from_two_extractions(void **state)
{
    (void)state;
    json_error_t e;
    json_t *body = json_loads("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"aaa\"},"
                              "{\"type\":\"text\",\"text\":\"bbb\"}]}]}",
                              0, &e);
    assert_non_null(body);
    rg_guard_text_t t1, t2;
    assert_int_equal(rg_text_extract(body, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t1), 0);
    assert_int_equal(rg_text_extract(body, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t2), 0);
    assert_int_equal(rg_text_replace(&t1, 0, "XXX", 3), 0);
    assert_int_equal(rg_text_replace(&t2, 1, "YYY", 3), 0);
    assert_string_equal(t2.joined, "XXX\nYYY");
    json_t *parts = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    assert_string_equal(json_string_value(json_object_get(json_array_get(parts, 0), "text")), "XXX");
    assert_string_equal(json_string_value(json_object_get(json_array_get(parts, 1), "text")), "YYY");
    rg_text_free(&t1);
    rg_text_free(&t2);
    json_decref(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_req_type_names),
        cmocka_unit_test(test_chat_last_message_only),
        cmocka_unit_test(test_chat_content_parts),
        cmocka_unit_test(test_complete_and_embed),
        cmocka_unit_test(test_responses),
        cmocka_unit_test(test_scope_all),
        cmocka_unit_test(test_odd_shapes),
        cmocka_unit_test(test_embedded_nul_and_unicode),
        cmocka_unit_test(test_replace_string_content),
        cmocka_unit_test(test_replace_content_parts),
        cmocka_unit_test(test_replace_prompt_array_and_scope_all),
        cmocka_unit_test(test_replace_response),
        cmocka_unit_test(test_replace_from_two_extractions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
