/*
 * test_check_json.c — default.jsonSchema and default.jsonKeys, and the JSON
 * candidate extraction they share (guard/json_js.h).
 *
 * Expected `data` objects are Portkey 1.15.2's, byte for byte: Portkey's own
 * unit tests (plugins/default/default.test.ts) where it has them, otherwise
 * what the Portkey peer returned in hook_results for the same parameters and
 * text. The text is built by hand (one part, `joined`), as text.c would.
 */
#include "guard/check.h"
#include "guard/json_js.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const rg_check_ops_t rg_check_json_schema;
extern const rg_check_ops_t rg_check_json_keys;

static json_t *load(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad test JSON %s: %s", s, e.text);
    return j;
}

/* Runs a check on text with its parameters; the result is the caller's to clear. */
static rg_check_result_t run_on(const rg_check_ops_t *ops, const char *params, const char *text, rg_phase_t phase)
{
    json_t *p = load(params);
    char err[RG_CHECK_ERROR_MAX] = "";
    void *compiled = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (compiled == NULL)
        fail_msg("%s refused %s: %s", ops->id, params, err);
    rg_text_part_t part = {.s = text, .len = strlen(text)};
    rg_guard_text_t t = {.parts = &part, .n = 1, .joined = (char *)text, .joined_len = strlen(text)};
    rg_check_env_t env = {.phase = phase, .type = RG_REQ_CHAT, .text = &t};
    rg_check_result_t res = {0};
    ops->run(compiled, &env, &res);
    ops->free(compiled);
    return res;
}

static rg_check_result_t run(const rg_check_ops_t *ops, const char *params, const char *text)
{
    return run_on(ops, params, text, RG_PHASE_RESPONSE);
}

static void expect_data(const rg_check_result_t *r, const char *want)
{
    if (want == NULL) {
        if (r->data != NULL) {
            char *got = json_dumps(r->data, JSON_COMPACT | JSON_ENCODE_ANY);
            fail_msg("data %s, want null", got);
        }
        return;
    }
    json_t *w = load(want);
    if (r->data == NULL || !json_equal(r->data, w)) {
        char *got = r->data ? json_dumps(r->data, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("null");
        print_error("data: %s\nwant: %s\n", got, want);
        free(got);
        json_decref(w);
        fail();
    }
    json_decref(w);
}

static void expect_refused(const rg_check_ops_t *ops, const char *params, const char *want)
{
    json_t *p = load(params);
    char err[RG_CHECK_ERROR_MAX] = "";
    void *compiled = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (compiled != NULL)
        fail_msg("%s accepted %s", ops->id, params);
    if (strstr(err, want) == NULL)
        fail_msg("%s on %s: \"%s\" lacks \"%s\"", ops->id, params, err, want);
}

/* ---- candidates ------------------------------------------------------------- */

static void expect_spans(int fences, const char *text, const char *const *want, size_t n_want)
{
    size_t pos = 0, off, len, i = 0;
    while (fences ? rg_js_next_fence(text, strlen(text), &pos, &off, &len)
                  : rg_js_next_braces(text, strlen(text), &pos, &off, &len)) {
        if (i >= n_want)
            fail_msg("%s: extra candidate \"%.*s\"", text, (int)len, text + off);
        if (len != strlen(want[i]) || memcmp(text + off, want[i], len) != 0)
            fail_msg("%s: candidate %zu is \"%.*s\", want \"%s\"", text, i, (int)len, text + off, want[i]);
        i++;
    }
    if (i != n_want)
        fail_msg("%s: %zu candidates, want %zu", text, i, n_want);
}

#define SPANS(fences, text, ...)                                                                                  \
    do {                                                                                                          \
        static const char *const w_[] = {__VA_ARGS__};                                                            \
        expect_spans(fences, text, w_, sizeof(w_) / sizeof(w_[0]) - 1);                                           \
    } while (0)

/* (each list ends with a NULL that is not a candidate) */
static void test_fenced_candidates(void **state)
{
    (void)state;
    SPANS(1, "a ```json\n{\"k\":1}\n``` b", "{\"k\":1}", NULL);
    SPANS(1, "```\n x \n```", "x", NULL);
    SPANS(1, "```python\nprint(1)\n```", "python\nprint(1)", NULL); /* any fence, language tag and all */
    SPANS(1, "````json\n{}\n````", "{}", NULL);
    SPANS(1, "``````", "", NULL);
    SPANS(1, "```json\n{} unterminated", NULL);
    SPANS(1, "```a``` ```b```", "a", "b", NULL);
    SPANS(1, "```json```", "", NULL);
    SPANS(1, "```JSON\n{}\n```", "JSON\n{}", NULL); /* "json" is case-sensitive */
    SPANS(1, "\xc2\xa0```json\xe2\x80\xa8{\"a\":1}\xe3\x80\x80```", "{\"a\":1}", NULL); /* trim(): U+2028, U+3000 */
    SPANS(1, "```a````b```", "a", NULL);
    SPANS(1, "`````` x ```y```", "x", NULL);
    SPANS(1, "no fence", NULL);
}

static void test_brace_candidates(void **state)
{
    (void)state;
    SPANS(0, "{a} {b {c}} }", "{a}", "{b {c}", NULL);
    SPANS(0, "no braces", NULL);
    SPANS(0, "{ unclosed", NULL);
    SPANS(0, "}{x}", "{x}", NULL);
    SPANS(0, "{\"a\": {\"b\": 1}, \"c\": 2} {\"a\": 1}", "{\"a\": {\"b\": 1}", "{\"a\": 1}", NULL);
}

/* ---- default.jsonSchema ----------------------------------------------------------- */

#define KEY_SCHEMA "{\"schema\":{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\"}},\"required\":[\"key\"]}"

static void test_schema_fenced_wins_over_unfenced(void **state)
{
    (void)state;
    /* Portkey's first jsonSchema test: the fence is the only candidate */
    rg_check_result_t r = run(&rg_check_json_schema, KEY_SCHEMA ",\"not\":false}",
                              "adding some text before this ```json\n{\"key\": \"value\"}\n```\n and adding some "
                              "text after {\"key\":\"value\"}");
    assert_string_equal(r.error, "");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key\":\"value\"},\"not\":false,\"explanation\":\"Successfully validated "
                    "JSON against the provided schema.\",\"validationErrors\":[]}");
    rg_check_result_clear(&r, 1);
}

static void test_schema_unfenced_candidates(void **state)
{
    (void)state;
    /* no fence: every {...}; the first valid one wins */
    rg_check_result_t r = run(&rg_check_json_schema, KEY_SCHEMA "}", "first {\"other\": 1} then {\"key\": \"v\"}");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key\":\"v\"},\"not\":false,\"explanation\":\"Successfully validated JSON "
                    "against the provided schema.\",\"validationErrors\":[]}");
    rg_check_result_clear(&r, 1);
    /* none valid: the first parsed one is reported, with its errors */
    r = run(&rg_check_json_schema, KEY_SCHEMA "}", "{\"other\": 1} and {\"key\": 2}");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    expect_data(&r, "{\"matchedJson\":{\"other\":1},\"not\":false,\"explanation\":\"Failed to validate JSON against "
                    "the provided schema.\",\"validationErrors\":[{\"path\":\"\",\"message\":\"Instance does not "
                    "have required property \\\"key\\\".\"}]}");
    rg_check_result_clear(&r, 1);
}

static void test_schema_nested_object_outside_fence(void **state)
{
    (void)state;
    /* /{[\s\S]*?}/ stops at the first '}': {"user": {"name": "Ann"} does not parse, and there is
     * no other candidate, so nothing parsed: data null, verdict false, no error (Portkey's quirk) */
    const char *params = "{\"schema\":{\"required\":[\"user\"]}}";
    rg_check_result_t r = run(&rg_check_json_schema, params, "Result: {\"user\": {\"name\": \"Ann\"}}");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    expect_data(&r, NULL);
    rg_check_result_clear(&r, 1);
    /* the same object in a fence is fine */
    r = run(&rg_check_json_schema, params, "Result:\n```json\n{\"user\": {\"name\": \"Ann\"}}\n```");
    assert_int_equal(r.verdict, 1);
    rg_check_result_clear(&r, 1);
    /* a later flat object is still a candidate */
    r = run(&rg_check_json_schema, params, "{\"a\": {\"b\": 1}, \"c\": 2} {\"user\": 1}");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"user\":1},\"not\":false,\"explanation\":\"Successfully validated JSON "
                    "against the provided schema.\",\"validationErrors\":[]}");
    rg_check_result_clear(&r, 1);
}

static void test_schema_validation_errors(void **state)
{
    (void)state;
    /* every error of @cfworker/json-schema, in its order; Portkey's path is always "" */
    rg_check_result_t r = run(&rg_check_json_schema,
                              "{\"schema\":{\"properties\":{\"a\":{\"type\":\"integer\"}},\"additionalProperties\":"
                              "false,\"required\":[\"a\",\"b\"]}}",
                              "Here:\n```json\n{\"a\": \"x\", \"extra\": true}\n```");
    assert_int_equal(r.verdict, 0);
    expect_data(&r, "{\"matchedJson\":{\"a\":\"x\",\"extra\":true},\"not\":false,\"explanation\":\"Failed to "
                    "validate JSON against the provided schema.\",\"validationErrors\":["
                    "{\"path\":\"\",\"message\":\"Instance does not have required property \\\"b\\\".\"},"
                    "{\"path\":\"\",\"message\":\"Property \\\"a\\\" does not match schema.\"},"
                    "{\"path\":\"\",\"message\":\"Instance type \\\"string\\\" is invalid. Expected \\\"integer\\\".\"},"
                    "{\"path\":\"\",\"message\":\"Property \\\"extra\\\" does not match additional properties schema.\"},"
                    "{\"path\":\"\",\"message\":\"False boolean schema.\"}]}");
    rg_check_result_clear(&r, 1);
}

static void test_schema_not(void **state)
{
    (void)state;
    rg_check_result_t r = run(&rg_check_json_schema, KEY_SCHEMA ",\"not\":true}", "{\"key\": \"v\"}");
    assert_int_equal(r.verdict, 0);
    expect_data(&r, "{\"matchedJson\":{\"key\":\"v\"},\"not\":true,\"explanation\":\"JSON matches the schema when "
                    "it should not.\",\"validationErrors\":[]}");
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_schema, KEY_SCHEMA ",\"not\":true}", "{\"key\": 1}");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key\":1},\"not\":true,\"explanation\":\"Successfully validated JSON does "
                    "not match the schema as expected.\",\"validationErrors\":[{\"path\":\"\",\"message\":\"Property "
                    "\\\"key\\\" does not match schema.\"},{\"path\":\"\",\"message\":\"Instance type \\\"number\\\" "
                    "is invalid. Expected \\\"string\\\".\"}]}");
    rg_check_result_clear(&r, 1);
    /* `not` is taken by truthiness and echoed as given (parameters.not || false) */
    r = run(&rg_check_json_schema, KEY_SCHEMA ",\"not\":\"yes\"}", "{\"key\": \"v\"}");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(json_string_value(json_object_get(r.data, "not")), "yes");
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_schema, KEY_SCHEMA ",\"not\":0}", "{\"key\": \"v\"}");
    assert_int_equal(r.verdict, 1);
    assert_true(json_is_false(json_object_get(r.data, "not")));
    rg_check_result_clear(&r, 1);
}

static void test_schema_case31_no_json(void **state)
{
    (void)state;
    /* reference case 31: output guardrail, the reply has no JSON → verdict false, no error */
    const char *reply = "Hello from the mock upstream. The answer is 42.";
    rg_check_result_t r = run_on(&rg_check_json_schema,
                                 "{\"schema\":{\"type\":\"object\",\"required\":[\"answer\"]}}", reply,
                                 RG_PHASE_RESPONSE);
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    expect_data(&r, "{\"explanation\":\"No valid JSON found in the response.\",\"not\":false}");
    rg_check_result_clear(&r, 1);
    /* not: true does not turn "no JSON" into a pass */
    r = run(&rg_check_json_schema, "{\"schema\":{\"type\":\"object\"},\"not\":true}", reply);
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    expect_data(&r, "{\"explanation\":\"No valid JSON found in the response.\",\"not\":true}");
    rg_check_result_clear(&r, 1);
    /* nor an empty text */
    r = run(&rg_check_json_schema, "{\"schema\":{}}", "");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    rg_check_result_clear(&r, 1);
}

static void test_schema_candidates_that_give_no_data(void **state)
{
    (void)state;
    /* a fence that is not JSON still counts as "JSON found": the braces are not tried */
    rg_check_result_t r = run(&rg_check_json_schema, "{\"schema\":{}}", "```\nnot json\n``` {\"a\": 1}");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    expect_data(&r, NULL);
    rg_check_result_clear(&r, 1);
    /* a valid but falsy value (0, false, "", null) leaves data null and the verdict false */
    static const char *const falsy[] = {"```\n0\n```", "```\nfalse\n```", "```\n\"\"\n```", "```\nnull\n```"};
    for (size_t i = 0; i < 4; i++) {
        r = run(&rg_check_json_schema, "{\"schema\":{}}", falsy[i]);
        assert_int_equal(r.verdict, 0);
        expect_data(&r, NULL);
        rg_check_result_clear(&r, 1);
    }
    /* an invalid JSON null is replaced by the next candidate, even an invalid one ... */
    const char *two = "```\nnull\n```\n```\n{\"a\":1}\n```";
    r = run(&rg_check_json_schema, "{\"schema\":{\"type\":\"object\",\"required\":[\"b\"]}}", two);
    assert_int_equal(r.verdict, 0);
    expect_data(&r, "{\"matchedJson\":{\"a\":1},\"not\":false,\"explanation\":\"Failed to validate JSON against "
                    "the provided schema.\",\"validationErrors\":[{\"path\":\"\",\"message\":\"Instance does not "
                    "have required property \\\"b\\\".\"}]}");
    rg_check_result_clear(&r, 1);
    /* ... but a valid one wins, and is falsy: no data */
    r = run(&rg_check_json_schema, "{\"schema\":{\"required\":[\"b\"]}}", two);
    assert_int_equal(r.verdict, 0);
    expect_data(&r, NULL);
    rg_check_result_clear(&r, 1);
    /* arrays and strings are candidates too */
    r = run(&rg_check_json_schema, "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}}",
            "```json\n[1, 2.0, 3]\n```");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":[1,2,3],\"not\":false,\"explanation\":\"Successfully validated JSON against "
                    "the provided schema.\",\"validationErrors\":[]}");
    rg_check_result_clear(&r, 1);
}

static void test_schema_parameters(void **state)
{
    (void)state;
    expect_refused(&rg_check_json_schema, "{}", "Missing or invalid JSON schema");
    expect_refused(&rg_check_json_schema, "{\"schema\":\"x\"}", "Missing or invalid JSON schema");
    expect_refused(&rg_check_json_schema, "{\"schema\":[]}", "Missing or invalid JSON schema");
    expect_refused(&rg_check_json_schema, "{\"schema\":true}", "Missing or invalid JSON schema");
    expect_refused(&rg_check_json_schema, "{\"schema\":{\"properties\":{\"a\":{\"type\":\"strng\"}}}}",
                   "invalid JSON schema at #/properties/a: \"type\": \"strng\" is not one of");
    expect_refused(&rg_check_json_schema, "{\"schema\":{\"$ref\":\"#/definitions/x\"}}", "does not resolve");
}

static void test_schema_limit_is_an_error(void **state)
{
    (void)state;
    /* JavaScript overflows its stack on a $ref cycle; Portkey reports the RangeError */
    rg_check_result_t r = run(&rg_check_json_schema, "{\"schema\":{\"$ref\":\"#\"}}", "{\"a\": 1}");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "Maximum call stack size exceeded");
    assert_string_equal(r.error_name, "RangeError");
    expect_data(&r, "{\"explanation\":\"An error occurred while processing the JSON.\",\"error\":\"Maximum call "
                    "stack size exceeded\",\"not\":false}");
    rg_check_result_clear(&r, 1);
}

/* ---- default.jsonKeys ------------------------------------------------------------- */

static void test_keys_operators(void **state)
{
    (void)state;
    /* Portkey's jsonKeys tests, data compared whole */
    const char *text = "{\"key1\": \"value1\", \"key2\": \"value2\"}";
    rg_check_result_t r = run(&rg_check_json_keys, "{\"keys\":[\"key1\",\"key3\"],\"operator\":\"any\",\"not\":false}", text);
    assert_string_equal(r.error, "");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key1\":\"value1\",\"key2\":\"value2\"},\"verdict\":true,\"explanation\":"
                    "\"Successfully found at least one required key. Found keys: [key1].\",\"presentKeys\":[\"key1\"],"
                    "\"missingKeys\":[\"key3\"],\"operator\":\"any\",\"textExcerpt\":\"{\\\"key1\\\": \\\"value1\\\", "
                    "\\\"key2\\\": \\\"value2\\\"}\"}");
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_keys, "{\"keys\":[\"key1\",\"key2\"],\"operator\":\"all\"}", text);
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key1\":\"value1\",\"key2\":\"value2\"},\"verdict\":true,\"explanation\":"
                    "\"Successfully found all required keys. Found keys: [key1, key2].\",\"presentKeys\":[\"key1\","
                    "\"key2\"],\"missingKeys\":[],\"operator\":\"all\",\"textExcerpt\":\"{\\\"key1\\\": \\\"value1\\\", "
                    "\\\"key2\\\": \\\"value2\\\"}\"}");
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_keys, "{\"keys\":[\"key3\",\"key4\"],\"operator\":\"none\"}", text);
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key1\":\"value1\",\"key2\":\"value2\"},\"verdict\":true,\"explanation\":"
                    "\"Successfully verified no required keys are present. Missing keys: [key3, key4].\","
                    "\"presentKeys\":[],\"missingKeys\":[\"key3\",\"key4\"],\"operator\":\"none\",\"textExcerpt\":"
                    "\"{\\\"key1\\\": \\\"value1\\\", \\\"key2\\\": \\\"value2\\\"}\"}");
    rg_check_result_clear(&r, 1);
    /* failing forms of the three */
    r = run(&rg_check_json_keys, "{\"keys\":[\"key1\"],\"operator\":\"none\"}", text);
    assert_int_equal(r.verdict, 0);
    assert_string_equal(json_string_value(json_object_get(r.data, "explanation")),
                        "Found some keys that should not be present. Found keys: [key1].");
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_keys, "{\"keys\":[\"key1\",\"x\",\"y\"],\"operator\":\"all\"}", text);
    assert_int_equal(r.verdict, 0);
    assert_string_equal(json_string_value(json_object_get(r.data, "explanation")),
                        "Failed to find all required keys. Missing keys: [x, y].");
    rg_check_result_clear(&r, 1);
}

static void test_keys_candidates(void **state)
{
    (void)state;
    /* fences and braces are both candidates; the first satisfying one wins */
    rg_check_result_t r = run(&rg_check_json_keys, "{\"keys\":[\"key1\"],\"operator\":\"any\"}",
                              "```json\n{\"key1\": \"value1\", \"key2\": \"value2\"}\n```");
    assert_int_equal(r.verdict, 1);
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_keys, "{\"keys\":[\"key2\",\"key3\"],\"operator\":\"all\"}",
            "{\"key1\": \"value1\"} {\"key2\": \"value2\", \"key3\": \"value3\"}");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":{\"key2\":\"value2\",\"key3\":\"value3\"},\"verdict\":true,\"explanation\":"
                    "\"Successfully found all required keys. Found keys: [key2, key3].\",\"presentKeys\":[\"key2\","
                    "\"key3\"],\"missingKeys\":[],\"operator\":\"all\",\"textExcerpt\":\"{\\\"key1\\\": \\\"value1\\\"} "
                    "{\\\"key2\\\": \\\"value2\\\", \\\"key3\\\": \\\"value3\\\"}\"}");
    rg_check_result_clear(&r, 1);
    /* nothing satisfies: the one with the most keys, the first among equals */
    r = run(&rg_check_json_keys, "{\"keys\":[\"a\",\"b\",\"c\"],\"operator\":\"all\"}",
            "{\"a\":1} {\"a\":1,\"b\":2} {\"b\":1,\"c\":2} ```\n{\"c\":0}\n```");
    assert_int_equal(r.verdict, 0);
    expect_data(&r, "{\"matchedJson\":{\"a\":1,\"b\":2},\"verdict\":false,\"explanation\":\"Failed to find all "
                    "required keys. Missing keys: [c].\",\"presentKeys\":[\"a\",\"b\"],\"missingKeys\":[\"c\"],"
                    "\"operator\":\"all\",\"textExcerpt\":\"{\\\"a\\\":1} {\\\"a\\\":1,\\\"b\\\":2} "
                    "{\\\"b\\\":1,\\\"c\\\":2} ```\\n{\\\"c\\\":0}\\n```\"}");
    rg_check_result_clear(&r, 1);
    /* no key anywhere: no best match at all */
    r = run(&rg_check_json_keys, "{\"keys\":[\"a\"],\"operator\":\"any\"}", "{\"x\": 1}");
    assert_int_equal(r.verdict, 0);
    expect_data(&r, "{\"matchedJson\":null,\"verdict\":false,\"explanation\":\"Failed to find any required keys. "
                    "Missing keys: [a].\",\"presentKeys\":[],\"missingKeys\":[\"a\"],\"operator\":\"any\","
                    "\"textExcerpt\":\"{\\\"x\\\": 1}\"}");
    rg_check_result_clear(&r, 1);
    /* nested objects outside fences do not parse here either */
    r = run(&rg_check_json_keys, "{\"keys\":[\"user\"],\"operator\":\"any\"}", "{\"user\": {\"n\": 1}}");
    assert_int_equal(r.verdict, 0);
    assert_true(json_is_null(json_object_get(r.data, "matchedJson")));
    rg_check_result_clear(&r, 1);
}

static void test_keys_no_json_and_empty_text(void **state)
{
    (void)state;
    rg_check_result_t r = run(&rg_check_json_keys, "{\"keys\":[\"key1\"],\"operator\":\"any\"}",
                              "This is just plain text with no JSON");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "");
    expect_data(&r, "{\"explanation\":\"No valid JSON found in the text.\",\"requiredKeys\":[\"key1\"],\"operator\":"
                    "\"any\",\"textExcerpt\":\"This is just plain text with no JSON\"}");
    rg_check_result_clear(&r, 1);
    r = run(&rg_check_json_keys, "{\"keys\":[\"key1\"],\"operator\":\"any\",\"not\":false}", "");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error, "Missing text to analyze");
    expect_data(&r, "{\"explanation\":\"An error occurred while processing JSON: Missing text to analyze\","
                    "\"operator\":\"any\",\"requiredKeys\":[\"key1\"],\"textExcerpt\":\"No text available\"}");
    rg_check_result_clear(&r, 1);
    /* the excerpt is cut at 100 characters */
    char text[200];
    memset(text, 'x', 150);
    strcpy(text + 150, " {\"a\":1}");
    r = run(&rg_check_json_keys, "{\"keys\":[\"a\"],\"operator\":\"any\"}", text);
    assert_int_equal(r.verdict, 1);
    const char *ex = json_string_value(json_object_get(r.data, "textExcerpt"));
    assert_int_equal(strlen(ex), 103);
    assert_string_equal(ex + 100, "...");
    rg_check_result_clear(&r, 1);
}

static void test_keys_javascript_values(void **state)
{
    (void)state;
    /* hasOwnProperty on an array: indices and "length" */
    rg_check_result_t r = run(&rg_check_json_keys, "{\"keys\":[\"0\",\"length\",\"2\",\"01\"],\"operator\":\"any\"}",
                              "```\n[5, 6]\n```");
    assert_int_equal(r.verdict, 1);
    expect_data(&r, "{\"matchedJson\":[5,6],\"verdict\":true,\"explanation\":\"Successfully found at least one "
                    "required key. Found keys: [0, length].\",\"presentKeys\":[\"0\",\"length\"],\"missingKeys\":"
                    "[\"2\",\"01\"],\"operator\":\"any\",\"textExcerpt\":\"```\\n[5, 6]\\n```\"}");
    rg_check_result_clear(&r, 1);
    /* a null candidate throws in JavaScript: the check's error */
    r = run(&rg_check_json_keys, "{\"keys\":[\"a\"],\"operator\":\"any\"}", "```\nnull\n``` {\"a\": 1}");
    assert_int_equal(r.verdict, 0);
    assert_string_equal(r.error_name, "TypeError");
    assert_string_equal(r.error, "Cannot read properties of null (reading 'hasOwnProperty')");
    expect_data(&r, "{\"explanation\":\"An error occurred while processing JSON: Cannot read properties of null "
                    "(reading 'hasOwnProperty')\",\"operator\":\"any\",\"requiredKeys\":[\"a\"],\"textExcerpt\":"
                    "\"```\\nnull\\n``` {\\\"a\\\": 1}\"}");
    rg_check_result_clear(&r, 1);
    /* so does an object whose own "hasOwnProperty" hides the method */
    r = run(&rg_check_json_keys, "{\"keys\":[\"a\"],\"operator\":\"any\"}", "{\"hasOwnProperty\": 1, \"a\": 1}");
    assert_string_equal(r.error, "t.hasOwnProperty is not a function");
    rg_check_result_clear(&r, 1);
    /* duplicates in keys are kept, as filter() keeps them */
    r = run(&rg_check_json_keys, "{\"keys\":[\"a\",\"b\",\"a\"],\"operator\":\"all\"}", "{\"a\": 1}");
    assert_string_equal(json_string_value(json_object_get(r.data, "explanation")),
                        "Failed to find all required keys. Missing keys: [b].");
    assert_int_equal(json_array_size(json_object_get(r.data, "presentKeys")), 2);
    rg_check_result_clear(&r, 1);
}

static void test_keys_parameters(void **state)
{
    (void)state;
    expect_refused(&rg_check_json_keys, "{\"operator\":\"any\",\"not\":false}", "Missing or invalid keys array");
    expect_refused(&rg_check_json_keys, "{\"keys\":[],\"operator\":\"any\"}", "Missing or invalid keys array");
    expect_refused(&rg_check_json_keys, "{\"keys\":\"a\",\"operator\":\"any\"}", "Missing or invalid keys array");
    expect_refused(&rg_check_json_keys, "{\"keys\":[1],\"operator\":\"any\"}", "Missing or invalid keys array");
    expect_refused(&rg_check_json_keys, "{\"keys\":[\"key1\"],\"operator\":\"invalid\"}",
                   "Invalid or missing operator (must be \"any\", \"all\", or \"none\")");
    expect_refused(&rg_check_json_keys, "{\"keys\":[\"key1\"]}", "Invalid or missing operator");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fenced_candidates),
        cmocka_unit_test(test_brace_candidates),
        cmocka_unit_test(test_schema_fenced_wins_over_unfenced),
        cmocka_unit_test(test_schema_unfenced_candidates),
        cmocka_unit_test(test_schema_nested_object_outside_fence),
        cmocka_unit_test(test_schema_validation_errors),
        cmocka_unit_test(test_schema_not),
        cmocka_unit_test(test_schema_case31_no_json),
        cmocka_unit_test(test_schema_candidates_that_give_no_data),
        cmocka_unit_test(test_schema_parameters),
        cmocka_unit_test(test_schema_limit_is_an_error),
        cmocka_unit_test(test_keys_operators),
        cmocka_unit_test(test_keys_candidates),
        cmocka_unit_test(test_keys_no_json_and_empty_text),
        cmocka_unit_test(test_keys_javascript_values),
        cmocka_unit_test(test_keys_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
