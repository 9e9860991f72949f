/*
 * test_checks_basic.c — the simple default.* checks against Portkey 1.15.2
 * (plugins/default/<check>.ts): verdicts, `not`, parameter rejection, inclusive
 * bounds, JavaScript string semantics (UTF-16 length, \s), the exact `data`
 * objects, and the recorded Portkey cases 05, 06, 07, 08, 21, 24, 28, 29
 * (../shared/reference/portkey-1.15.2/) reproduced at check level.
 *
 * Texts are built by hand (one part, joined = the text), as Portkey's
 * getText would give them.
 */
#include "guard/check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text_check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* not in checks/registry.c yet */
extern const rg_check_ops_t rg_check_sentence_count, rg_check_word_count, rg_check_character_count, rg_check_contains,
    rg_check_ends_with, rg_check_all_uppercase, rg_check_all_lowercase, rg_check_not_null, rg_check_contains_code,
    rg_check_model_whitelist, rg_check_model_rules, rg_check_required_metadata_keys, rg_check_allowed_request_types,
    rg_check_add_prefix;

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    rg_guard_text_t text;
    rg_text_part_t part;
    rg_check_env_t env;
    json_t *request, *response, *metadata;
} fixture_t;

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad JSON in test: %s (%s)", s, e.text);
    return j;
}

/* env over `text` (NULL = no text) in a phase; request/response/metadata as JSON text or NULL */
static void fx_init(fixture_t *f, rg_phase_t phase, rg_req_type_t type, const char *text, const char *request,
                    const char *response, const char *metadata)
{
    memset(f, 0, sizeof(*f));
    if (text) {
        f->text.joined = strdup(text);
        f->text.joined_len = strlen(text);
        if (f->text.joined_len) {
            f->part.s = f->text.joined;
            f->part.len = f->text.joined_len;
            f->text.parts = &f->part;
            f->text.n = 1;
        }
    } else {
        f->text.joined = strdup("");
    }
    f->request = request ? J(request) : NULL;
    f->response = response ? J(response) : NULL;
    f->metadata = metadata ? J(metadata) : NULL;
    f->env.phase = phase;
    f->env.type = type;
    f->env.text = &f->text;
    f->env.request = f->request;
    f->env.response = f->response;
    f->env.metadata = f->metadata;
}

static void fx_free(fixture_t *f)
{
    free(f->text.joined);
    json_decref(f->request);
    json_decref(f->response);
    json_decref(f->metadata);
}

static void *compile_ok(const rg_check_ops_t *ops, const char *params)
{
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J(params);
    void *c = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (c == NULL)
        fail_msg("%s: compile(%s) failed: %s", ops->id, params, err);
    return c;
}

static void compile_rejects(const rg_check_ops_t *ops, const char *params, const char *msg)
{
    char err[RG_CHECK_ERROR_MAX] = "";
    json_t *p = J(params);
    void *c = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (c != NULL) {
        ops->free(c);
        fail_msg("%s: compile(%s) accepted bad parameters", ops->id, params);
    }
    assert_true(err[0] != '\0');
    assert_true(err[strlen(err) - 1] != '.');
    if (msg)
        assert_string_equal(err, msg);
}

/* compiles, runs on f's env, frees the compiled state; the caller clears res */
static void run(const rg_check_ops_t *ops, const char *params, fixture_t *f, rg_check_result_t *res)
{
    void *c = compile_ok(ops, params);
    memset(res, 0, sizeof(*res));
    ops->run(c, &f->env, res);
    tc_data_tree(res); /* data written as text is read here as a tree */
    ops->free(c);
}

static void assert_json(const json_t *actual, const char *expected)
{
    json_t *e = J(expected);
    if (!json_equal((json_t *)actual, e)) {
        char *a = actual ? json_dumps(actual, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("(NULL)");
        print_error("expected %s\n     got %s\n", expected, a);
        free(a);
        json_decref(e);
        fail();
    }
    json_decref(e);
}

/* one-shot: text check in a phase; asserts verdict, no error, and data */
static void expect_text(const rg_check_ops_t *ops, const char *params, rg_phase_t phase, const char *text, int verdict,
                        const char *data)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, phase, RG_REQ_CHAT, text, "{\"model\":\"m\",\"messages\":[]}", NULL, NULL);
    run(ops, params, &f, &res);
    if (res.error[0])
        fail_msg("%s(%s) on \"%s\": unexpected error %s", ops->id, params, text, res.error);
    if (res.verdict != verdict)
        fail_msg("%s(%s) on \"%s\": verdict %d, expected %d", ops->id, params, text, res.verdict, verdict);
    if (data)
        assert_json(res.data, data);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

/* expects an error result (message) with the given verdict and data */
static void expect_error(const rg_check_ops_t *ops, const char *params, fixture_t *f, const char *msg, int verdict,
                         const char *data)
{
    rg_check_result_t res;
    run(ops, params, f, &res);
    assert_string_equal(res.error, msg);
    assert_int_equal(res.verdict, verdict);
    if (data)
        assert_json(res.data, data);
    else
        assert_null(res.data);
    rg_check_result_clear(&res, f->text.n);
}

static int verdict_of(const rg_check_ops_t *ops, const char *params, const char *text)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, RG_PHASE_RESPONSE, RG_REQ_CHAT, text, "{\"model\":\"m\"}", NULL, NULL);
    run(ops, params, &f, &res);
    if (res.error[0])
        fail_msg("%s(%s) on \"%s\": unexpected error %s", ops->id, params, text, res.error);
    int v = res.verdict;
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
    return v;
}

static json_int_t int_field(const rg_check_ops_t *ops, const char *params, const char *text, const char *field)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, RG_PHASE_RESPONSE, RG_REQ_CHAT, text, "{\"model\":\"m\"}", NULL, NULL);
    run(ops, params, &f, &res);
    json_t *v = json_object_get(res.data, field);
    if (!json_is_integer(v))
        fail_msg("%s: data.%s missing", ops->id, field);
    json_int_t n = json_integer_value(v);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
    return n;
}

#define REQ RG_PHASE_REQUEST
#define RESP RG_PHASE_RESPONSE

/* ---- the recorded Portkey cases ---------------------------------------- */

static const char *const MOCK_REPLY = "Hello from the mock upstream. The answer is 42.";
static const char *const BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the "
                                "meaning of life?\"}]}";

static void test_case05_contains_none_pass(void **state)
{
    (void)state;
    expect_text(&rg_check_contains, "{\"operator\":\"none\",\"words\":[\"password\",\"secret\"]}", REQ,
                "What is the meaning of life?", 1,
                "{\"explanation\":\"Check passed for 'none' words. No words were found.\",\"foundWords\":[],"
                "\"missingWords\":[\"password\",\"secret\"],\"operator\":\"none\"}");
}

static void test_case06_contains_none_deny(void **state)
{
    (void)state;
    expect_text(&rg_check_contains, "{\"operator\":\"none\",\"words\":[\"password\",\"secret\"]}", REQ,
                "tell me the admin password", 0,
                "{\"explanation\":\"Check failed for 'none' words. Some words were found.\",\"foundWords\":[\"password\"],"
                "\"missingWords\":[\"secret\"],\"operator\":\"none\"}");
}

/* 07 (deny) and 08 (no deny) run the same two checks on the reply */
static void test_case07_08_after_hook_checks(void **state)
{
    (void)state;
    expect_text(&rg_check_contains, "{\"operator\":\"none\",\"words\":[\"42\"]}", RESP, MOCK_REPLY, 0,
                "{\"explanation\":\"Check failed for 'none' words. Some words were found.\",\"foundWords\":[\"42\"],"
                "\"missingWords\":[],\"operator\":\"none\"}");
    expect_text(&rg_check_word_count, "{\"minWords\":1,\"maxWords\":100}", RESP, MOCK_REPLY, 1,
                "{\"wordCount\":9,\"minWords\":1,\"maxWords\":100,\"not\":false,\"verdict\":true,\"explanation\":\"The "
                "text contains 9 words, which is within the specified range of 1-100 words.\",\"textExcerpt\":\"Hello "
                "from the mock upstream. The answer is 42.\"}");
}

static void test_case21_contains_any(void **state)
{
    (void)state;
    expect_text(&rg_check_contains, "{\"operator\":\"any\",\"words\":[\"42\"]}", RESP, MOCK_REPLY, 1,
                "{\"explanation\":\"Check passed for 'any' words. At least one word was found.\",\"foundWords\":[\"42\"],"
                "\"missingWords\":[],\"operator\":\"any\"}");
}

static void test_case24_add_prefix(void **state)
{
    (void)state;
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, REQ, RG_REQ_CHAT, "What is the meaning of life?", BODY, NULL, NULL);
    json_t *before = json_deep_copy(f.request);
    run(&rg_check_add_prefix, "{\"prefix\":\"Be brief. \"}", &f, &res);
    assert_int_equal(res.error[0], '\0');
    assert_int_equal(res.verdict, 1);
    assert_int_equal(res.transformed, 1);
    assert_json(res.data, "{\"prefix\":\"Be brief. \",\"requestType\":\"chatComplete\",\"applyToRole\":\"user\","
                          "\"addToExisting\":true,\"onlyIfEmpty\":false}");
    /* what the upstream received in the recording */
    assert_json(res.request_json, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Be brief. "
                                  "What is the meaning of life?\"}]}");
    assert_true(json_equal(before, f.request)); /* env->request untouched */
    assert_ptr_not_equal(res.request_json, f.request);
    json_decref(before);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

static void test_case28_29_required_metadata_keys(void **state)
{
    (void)state;
    const char *params = "{\"metadataKeys\":[\"user_id\"],\"operator\":\"all\"}";
    fixture_t f;
    rg_check_result_t res;
    /* 28: no x-portkey-metadata */
    fx_init(&f, REQ, RG_REQ_CHAT, "What is the meaning of life?", BODY, NULL, NULL);
    run(&rg_check_required_metadata_keys, params, &f, &res);
    assert_int_equal(res.error[0], '\0');
    assert_int_equal(res.verdict, 0);
    assert_json(res.data, "{\"explanation\":\"Check failed for 'all' metadata keys. Some metadata keys were missing.\","
                          "\"missing_metadata_keys\":[\"user_id\"],\"found_metadata_keys\":[],\"operator\":\"all\"}");
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
    /* 29: x-portkey-metadata: {"user_id":"u-1"} */
    fx_init(&f, REQ, RG_REQ_CHAT, "What is the meaning of life?", BODY, NULL, "{\"user_id\":\"u-1\"}");
    run(&rg_check_required_metadata_keys, params, &f, &res);
    assert_int_equal(res.error[0], '\0');
    assert_int_equal(res.verdict, 1);
    assert_json(res.data, "{\"explanation\":\"Check passed for 'all' metadata keys. All metadata keys were found.\","
                          "\"missing_metadata_keys\":[],\"found_metadata_keys\":[\"user_id\"],\"operator\":\"all\"}");
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

/* ---- ids ---------------------------------------------------------------- */

static void test_ids(void **state)
{
    (void)state;
    const rg_check_ops_t *all[] = {&rg_check_sentence_count,  &rg_check_word_count,       &rg_check_character_count,
                                   &rg_check_contains,        &rg_check_ends_with,        &rg_check_all_uppercase,
                                   &rg_check_all_lowercase,   &rg_check_not_null,         &rg_check_contains_code,
                                   &rg_check_model_whitelist, &rg_check_model_rules,      &rg_check_required_metadata_keys,
                                   &rg_check_allowed_request_types, &rg_check_add_prefix};
    const char *ids[] = {"default.sentenceCount", "default.wordCount",       "default.characterCount",
                         "default.contains",      "default.endsWith",        "default.alluppercase",
                         "default.alllowercase",  "default.notNull",         "default.containsCode",
                         "default.modelWhitelist", "default.modelRules",     "default.requiredMetadataKeys",
                         "default.allowedRequestTypes", "default.addPrefix"};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        assert_string_equal(all[i]->id, ids[i]);
        assert_non_null(all[i]->compile);
        assert_non_null(all[i]->run);
        assert_non_null(all[i]->free);
    }
}

/* ---- sentenceCount ------------------------------------------------------ */

static void test_sentence_count(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_sentence_count;
    expect_text(o, "{\"minSentences\":1,\"maxSentences\":3,\"not\":false}", RESP,
                "This is a sentence. This is another sentence.", 1,
                "{\"sentenceCount\":2,\"minCount\":1,\"maxCount\":3,\"not\":false,\"verdict\":true,\"explanation\":\"The "
                "sentence count (2) is within the specified range of 1 to 3.\",\"textExcerpt\":\"This is a sentence. "
                "This is another sentence.\"}");
    expect_text(o, "{\"minSentences\":3,\"maxSentences\":4}", RESP, "This is a sentence. This is another sentence.", 0,
                "{\"sentenceCount\":2,\"minCount\":3,\"maxCount\":4,\"not\":false,\"verdict\":false,\"explanation\":\"The "
                "sentence count (2) is outside the specified range of 3 to 4.\",\"textExcerpt\":\"This is a sentence. "
                "This is another sentence.\"}");
    /* the count is the number of . ! ? characters */
    assert_int_equal(int_field(o, "{\"minSentences\":0,\"maxSentences\":9}", "Hi", "sentenceCount"), 0);
    assert_int_equal(int_field(o, "{\"minSentences\":0,\"maxSentences\":9}", "Wow!!", "sentenceCount"), 2);
    assert_int_equal(int_field(o, "{\"minSentences\":0,\"maxSentences\":9}", "What?! Really... ok.", "sentenceCount"), 6);
    assert_int_equal(int_field(o, "{\"minSentences\":0,\"maxSentences\":9}", "v1.2 costs $3.50", "sentenceCount"), 2);
    /* inclusive bounds */
    assert_true(verdict_of(o, "{\"minSentences\":2,\"maxSentences\":2}", "A. B."));
    assert_false(verdict_of(o, "{\"minSentences\":3,\"maxSentences\":5}", "A. B."));
    assert_false(verdict_of(o, "{\"minSentences\":0,\"maxSentences\":1}", "A. B."));
    /* non-integer bounds are numbers too */
    expect_text(o, "{\"minSentences\":1.5,\"maxSentences\":2.5}", RESP, "A. B.", 1,
                "{\"sentenceCount\":2,\"minCount\":1.5,\"maxCount\":2.5,\"not\":false,\"verdict\":true,\"explanation\":"
                "\"The sentence count (2) is within the specified range of 1.5 to 2.5.\",\"textExcerpt\":\"A. B.\"}");
    /* 2.0 prints as JavaScript would: 2 */
    expect_text(o, "{\"minSentences\":2.0,\"maxSentences\":1e1}", RESP, "A. B.", 1,
                "{\"sentenceCount\":2,\"minCount\":2,\"maxCount\":10,\"not\":false,\"verdict\":true,\"explanation\":"
                "\"The sentence count (2) is within the specified range of 2 to 10.\",\"textExcerpt\":\"A. B.\"}");
    /* JavaScript's Number#toString in the explanation */
    expect_text(o, "{\"minSentences\":-0.000001,\"maxSentences\":1e21}", RESP, "A.", 1,
                "{\"sentenceCount\":1,\"minCount\":-0.000001,\"maxCount\":1e21,\"not\":false,\"verdict\":true,"
                "\"explanation\":\"The sentence count (1) is within the specified range of -0.000001 to 1e+21.\","
                "\"textExcerpt\":\"A.\"}");
    expect_text(o, "{\"minSentences\":1.5e-7,\"maxSentences\":1.2345678901234568e20}", RESP, "A.", 1,
                "{\"sentenceCount\":1,\"minCount\":1.5e-7,\"maxCount\":1.2345678901234568e20,\"not\":false,"
                "\"verdict\":true,\"explanation\":\"The sentence count (1) is within the specified range of 1.5e-7 to "
                "123456789012345680000.\",\"textExcerpt\":\"A.\"}");
    /* empty text: 0 sentences, no error */
    expect_text(o, "{\"minSentences\":1,\"maxSentences\":3}", RESP, "", 0,
                "{\"sentenceCount\":0,\"minCount\":1,\"maxCount\":3,\"not\":false,\"verdict\":false,\"explanation\":\"The "
                "sentence count (0) is outside the specified range of 1 to 3.\",\"textExcerpt\":\"\"}");
    expect_text(o, "{\"minSentences\":0,\"maxSentences\":0}", RESP, NULL, 1, NULL);
    /* not */
    expect_text(o, "{\"minSentences\":1,\"maxSentences\":3,\"not\":true}", RESP, "One. Two.", 0,
                "{\"sentenceCount\":2,\"minCount\":1,\"maxCount\":3,\"not\":true,\"verdict\":false,\"explanation\":\"The "
                "sentence count (2) is within the specified range of 1 to 3 when it should not be.\",\"textExcerpt\":"
                "\"One. Two.\"}");
    expect_text(o, "{\"minSentences\":3,\"maxSentences\":4,\"not\":true}", RESP, "One. Two.", 1,
                "{\"sentenceCount\":2,\"minCount\":3,\"maxCount\":4,\"not\":true,\"verdict\":true,\"explanation\":\"The "
                "sentence count (2) is outside the specified range of 3 to 4 as expected.\",\"textExcerpt\":\"One. "
                "Two.\"}");
    /* bad parameters */
    compile_rejects(o, "{}", "Missing sentence count range");
    compile_rejects(o, "{\"minSentences\":1}", "Missing sentence count range");
    compile_rejects(o, "{\"minSentences\":\"1\",\"maxSentences\":3}", "Missing sentence count range");
    compile_rejects(o, "{\"minSentences\":1,\"maxSentences\":null}", "Missing sentence count range");
    compile_rejects(o, "{\"minSentences\":1,\"maxSentences\":true}", "Missing sentence count range");
    compile_rejects(o, "{\"minSentences\":1,\"maxSentences\":3,\"not\":\"yes\"}", "not must be a boolean");
}

static void test_sentence_count_long_excerpt(void **state)
{
    (void)state;
    char text[512] = "";
    for (int i = 0; i < 20; i++)
        strcat(text, "This is a sentence. ");
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, RESP, RG_REQ_CHAT, text, NULL, NULL, NULL);
    run(&rg_check_sentence_count, "{\"minSentences\":1,\"maxSentences\":30}", &f, &res);
    assert_int_equal(res.verdict, 1);
    const char *ex = json_string_value(json_object_get(res.data, "textExcerpt"));
    assert_int_equal(strlen(ex), 103);
    assert_memory_equal(ex, text, 100);
    assert_string_equal(ex + 100, "...");
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

/* ---- wordCount ---------------------------------------------------------- */

static void test_word_count(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_word_count;
    expect_text(o, "{\"minWords\":5,\"maxWords\":8,\"not\":false}", RESP, "This is a sentence with 7 words.", 1,
                "{\"wordCount\":7,\"minWords\":5,\"maxWords\":8,\"not\":false,\"verdict\":true,\"explanation\":\"The text "
                "contains 7 words, which is within the specified range of 5-8 words.\",\"textExcerpt\":\"This is a "
                "sentence with 7 words.\"}");
    expect_text(o, "{\"minWords\":10,\"maxWords\":15}", RESP, "This is a sentence with 7 words.", 0,
                "{\"wordCount\":7,\"minWords\":10,\"maxWords\":15,\"not\":false,\"verdict\":false,\"explanation\":\"The "
                "text contains 7 words, which is outside the specified range of 10-15 words.\",\"textExcerpt\":\"This is "
                "a sentence with 7 words.\"}");
    /* not */
    expect_text(o, "{\"minWords\":1,\"maxWords\":3,\"not\":true}", RESP, "one two", 0,
                "{\"wordCount\":2,\"minWords\":1,\"maxWords\":3,\"not\":true,\"verdict\":false,\"explanation\":\"The text "
                "contains 2 words, which is within the specified range of 1-3 words when it should not be.\","
                "\"textExcerpt\":\"one two\"}");
    expect_text(o, "{\"minWords\":3,\"maxWords\":4,\"not\":true}", RESP, "one two", 1,
                "{\"wordCount\":2,\"minWords\":3,\"maxWords\":4,\"not\":true,\"verdict\":true,\"explanation\":\"The text "
                "contains 2 words, which is outside the specified range of 3-4 words as expected.\",\"textExcerpt\":\"one "
                "two\"}");
    /* inclusive bounds */
    assert_true(verdict_of(o, "{\"minWords\":3,\"maxWords\":3}", "a b c"));
    assert_false(verdict_of(o, "{\"minWords\":4,\"maxWords\":9}", "a b c"));
    assert_false(verdict_of(o, "{\"minWords\":1,\"maxWords\":2}", "a b c"));
    /* 5.0 and 1e1 are integers for Number.isInteger */
    assert_true(verdict_of(o, "{\"minWords\":3.0,\"maxWords\":1e1}", "a b c"));
    /* trimmed, runs of whitespace are one separator, punctuation is not */
    const char *p = "{\"minWords\":0,\"maxWords\":99}";
    assert_int_equal(int_field(o, p, "  leading and trailing  ", "wordCount"), 3);
    assert_int_equal(int_field(o, p, "a\t\tb\n\nc\r\nd\ve\ff", "wordCount"), 6);
    assert_int_equal(int_field(o, p, "well-known , punctuation !", "wordCount"), 4);
    assert_int_equal(int_field(o, p, "single", "wordCount"), 1);
    /* ASCII texts of every length up to 80 made of letters and every white space byte, now and then a non-ASCII
     * letter (which takes the byte-wise path for that block): the same count as split(/\s+/) of the trimmed text */
    static const char alphabet[] = "ab \t\n\v\f\r  x-\x08\x0e\x1f";
    uint32_t x = 12345;
    for (int round = 0; round < 3000; round++) {
        char t[96];
        size_t n = (size_t)round % 81, k = 0;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            if ((x >> 16) % 53 == 0 && k + 2 < sizeof(t) - 1) {
                t[k++] = '\xc3', t[k++] = '\xa9'; /* é */
            } else {
                t[k++] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
            }
        }
        t[k] = '\0';
        size_t want = 0, b = 0, e = k;
        while (b < e && strchr(" \t\n\v\f\r", t[b]))
            b++;
        while (e > b && strchr(" \t\n\v\f\r", t[e - 1]))
            e--;
        for (size_t i = b; i < e; i++)
            if (i == b || (strchr(" \t\n\v\f\r", t[i - 1]) && !strchr(" \t\n\v\f\r", t[i])))
                want++;
        if (b == e)
            continue; /* empty after trimming: an error, tested above */
        if (int_field(o, p, t, "wordCount") != (json_int_t)want)
            fail_msg("\"%s\": want %zu words", t, want);
    }
    /* JavaScript \s: NBSP, ogham, en quad..hair space, LS, PS, NNBSP, MMSP, ideographic space, BOM */
    assert_int_equal(int_field(o, p, "a\u00a0b\u1680c\u2000d\u200ae\u2028f\u2029g\u202fh\u205fi\u3000j\ufeffk",
                               "wordCount"),
                     11);
    /* ...but not U+180E (Mongolian vowel separator), U+200B (zero width space), U+0085 (NEL) */
    assert_int_equal(int_field(o, p, "a\u180eb\u200bc\xc2\x85" "d", "wordCount"), 1);
    /* Unicode spaces are trimmed too; the excerpt is of the trimmed text */
    expect_text(o, "{\"minWords\":2,\"maxWords\":2}", RESP, "\u3000\u00a0caf\u00e9 \u65e5\u672c\u2003\ufeff", 1,
                "{\"wordCount\":2,\"minWords\":2,\"maxWords\":2,\"not\":false,\"verdict\":true,\"explanation\":\"The text "
                "contains 2 words, which is within the specified range of 2-2 words.\",\"textExcerpt\":\"caf\u00e9 "
                "\u65e5\u672c\"}");
    /* emoji are not spaces */
    assert_int_equal(int_field(o, p, "\U0001F600 \U0001F600\U0001F600", "wordCount"), 2);
}

static void test_word_count_errors(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_word_count;
    fixture_t f;
    fx_init(&f, RESP, RG_REQ_CHAT, "", NULL, NULL, NULL);
    expect_error(o, "{\"minWords\":1,\"maxWords\":5,\"not\":false}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while processing word count: Missing text to analyze\","
                 "\"minWords\":1,\"maxWords\":5,\"not\":false,\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    /* whitespace only (JS \s): error, excerpt of the untrimmed text */
    fx_init(&f, RESP, RG_REQ_CHAT, "   \n\t \u3000 ", NULL, NULL, NULL);
    expect_error(o, "{\"minWords\":1,\"maxWords\":10}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while processing word count: Missing text to analyze\","
                 "\"minWords\":1,\"maxWords\":10,\"not\":false,\"textExcerpt\":\"   \\n\\t \u3000 \"}");
    fx_free(&f);
    fx_init(&f, RESP, RG_REQ_CHAT, NULL, NULL, NULL, NULL);
    expect_error(o, "{\"minWords\":1,\"maxWords\":10,\"not\":true}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while processing word count: Missing text to analyze\","
                 "\"minWords\":1,\"maxWords\":10,\"not\":true,\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    compile_rejects(o, "{}", "Invalid or missing word count range");
    compile_rejects(o, "{\"minWords\":\"invalid\",\"maxWords\":5}", "Invalid or missing word count range");
    compile_rejects(o, "{\"minWords\":1.5,\"maxWords\":5}", "Invalid or missing word count range");
    compile_rejects(o, "{\"minWords\":1,\"maxWords\":null}", "Invalid or missing word count range");
    compile_rejects(o, "{\"minWords\":1,\"maxWords\":5,\"not\":1}", "not must be a boolean");
}

/* ---- characterCount ----------------------------------------------------- */

static void test_character_count(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_character_count;
    expect_text(o, "{\"minCharacters\":10,\"maxCharacters\":20}", RESP, "Hello, world!", 1,
                "{\"characterCount\":13,\"minCharacters\":10,\"maxCharacters\":20,\"not\":false,\"verdict\":true,"
                "\"explanation\":\"The text contains 13 characters, which is within the specified range of 10-20 "
                "characters.\",\"textExcerpt\":\"Hello, world!\"}");
    expect_text(o, "{\"minCharacters\":1,\"maxCharacters\":5}", RESP, "Hello, world!", 0,
                "{\"characterCount\":13,\"minCharacters\":1,\"maxCharacters\":5,\"not\":false,\"verdict\":false,"
                "\"explanation\":\"The text contains 13 characters, which is outside the specified range of 1-5 "
                "characters.\",\"textExcerpt\":\"Hello, world!\"}");
    expect_text(o, "{\"minCharacters\":1,\"maxCharacters\":20,\"not\":true}", RESP, "Hello", 0,
                "{\"characterCount\":5,\"minCharacters\":1,\"maxCharacters\":20,\"not\":true,\"verdict\":false,"
                "\"explanation\":\"The text contains 5 characters, which is within the specified range of 1-20 characters "
                "when it should not be.\",\"textExcerpt\":\"Hello\"}");
    expect_text(o, "{\"minCharacters\":10,\"maxCharacters\":20,\"not\":true}", RESP, "Hello", 1,
                "{\"characterCount\":5,\"minCharacters\":10,\"maxCharacters\":20,\"not\":true,\"verdict\":true,"
                "\"explanation\":\"The text contains 5 characters, which is outside the specified range of 10-20 "
                "characters as expected.\",\"textExcerpt\":\"Hello\"}");
    /* inclusive bounds, untrimmed */
    assert_true(verdict_of(o, "{\"minCharacters\":7,\"maxCharacters\":7}", " Hello "));
    assert_false(verdict_of(o, "{\"minCharacters\":8,\"maxCharacters\":9}", " Hello "));
    assert_false(verdict_of(o, "{\"minCharacters\":1,\"maxCharacters\":6}", " Hello "));
    /* UTF-16 code units: é and 日 are 1, an emoji outside the BMP is 2, a ZWJ family is 8 */
    const char *p = "{\"minCharacters\":0,\"maxCharacters\":999}";
    assert_int_equal(int_field(o, p, "caf\u00e9", "characterCount"), 4);
    assert_int_equal(int_field(o, p, "\u65e5\u672c\u8a9e", "characterCount"), 3);
    assert_int_equal(int_field(o, p, "\U0001F600", "characterCount"), 2);
    assert_int_equal(int_field(o, p, "a\U0001F600b", "characterCount"), 4);
    assert_int_equal(int_field(o, p, "\U0001F468\u200d\U0001F469\u200d\U0001F467", "characterCount"), 8);
    assert_true(verdict_of(o, "{\"minCharacters\":2,\"maxCharacters\":2}", "\U0001F600"));
    assert_false(verdict_of(o, "{\"minCharacters\":1,\"maxCharacters\":1}", "\U0001F600"));
    /* whitespace-only text is not empty */
    assert_int_equal(int_field(o, p, "   ", "characterCount"), 3);

    fixture_t f;
    fx_init(&f, RESP, RG_REQ_CHAT, "", NULL, NULL, NULL);
    expect_error(o, "{\"minCharacters\":1,\"maxCharacters\":5}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while counting characters: Missing text to analyze\","
                 "\"minCharacters\":1,\"maxCharacters\":5,\"not\":false,\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    compile_rejects(o, "{}", "Invalid or missing character count range");
    compile_rejects(o, "{\"minCharacters\":1,\"maxCharacters\":\"5\"}", "Invalid or missing character count range");
    compile_rejects(o, "{\"minCharacters\":0.5,\"maxCharacters\":5}", "Invalid or missing character count range");
    compile_rejects(o, "{\"minCharacters\":1,\"maxCharacters\":5,\"not\":\"false\"}", "not must be a boolean");
}

/* ---- contains ----------------------------------------------------------- */

static void test_contains(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_contains;
    const char *t = "adding some text before this word1 and adding some text after";
    expect_text(o, "{\"words\":[\"word1\",\"word2\"],\"operator\":\"any\"}", RESP, t, 1,
                "{\"explanation\":\"Check passed for 'any' words. At least one word was found.\",\"foundWords\":"
                "[\"word1\"],\"missingWords\":[\"word2\"],\"operator\":\"any\"}");
    expect_text(o, "{\"words\":[\"word3\",\"word2\"],\"operator\":\"any\"}", RESP, t, 0,
                "{\"explanation\":\"Check failed for 'any' words. No words were found.\",\"foundWords\":[],"
                "\"missingWords\":[\"word3\",\"word2\"],\"operator\":\"any\"}");
    expect_text(o, "{\"words\":[\"word1\",\"text\"],\"operator\":\"all\"}", RESP, t, 1,
                "{\"explanation\":\"Check passed for 'all' words. All words were found.\",\"foundWords\":[\"word1\","
                "\"text\"],\"missingWords\":[],\"operator\":\"all\"}");
    expect_text(o, "{\"words\":[\"word1\",\"word2\"],\"operator\":\"all\"}", RESP, t, 0,
                "{\"explanation\":\"Check failed for 'all' words. Some words were missing.\",\"foundWords\":[\"word1\"],"
                "\"missingWords\":[\"word2\"],\"operator\":\"all\"}");
    expect_text(o, "{\"words\":[\"word2\"],\"operator\":\"none\"}", RESP, t, 1, NULL);
    /* case-sensitive substring, not whole words */
    assert_false(verdict_of(o, "{\"words\":[\"Word1\"],\"operator\":\"any\"}", t));
    assert_true(verdict_of(o, "{\"words\":[\"ord\"],\"operator\":\"any\"}", t));
    /* Unicode, and an empty word (always found, as includes("")) */
    assert_true(verdict_of(o, "{\"words\":[\"\u65e5\u672c\",\"\U0001F600\"],\"operator\":\"all\"}",
                           "x\u65e5\u672cy\U0001F600"));
    assert_false(verdict_of(o, "{\"words\":[\"\"],\"operator\":\"none\"}", "abc"));
    /* an empty list: any fails, all and none pass */
    assert_false(verdict_of(o, "{\"words\":[],\"operator\":\"any\"}", "abc"));
    assert_true(verdict_of(o, "{\"words\":[],\"operator\":\"all\"}", "abc"));
    assert_true(verdict_of(o, "{\"words\":[],\"operator\":\"none\"}", "abc"));
    /* empty text is allowed (the streaming after-hook case 20 judges "") */
    expect_text(o, "{\"words\":[\"42\"],\"operator\":\"any\"}", RESP, "", 0, NULL);
    /* duplicates are reported as Portkey filters them: once per occurrence in the list */
    expect_text(o, "{\"words\":[\"a\",\"a\",\"z\"],\"operator\":\"any\"}", RESP, "abc", 1,
                "{\"explanation\":\"Check passed for 'any' words. At least one word was found.\",\"foundWords\":[\"a\","
                "\"a\"],\"missingWords\":[\"z\"],\"operator\":\"any\"}");
    /* bad parameters */
    compile_rejects(o, "{\"operator\":\"any\"}", "words must be an array of strings");
    compile_rejects(o, "{\"words\":\"a\",\"operator\":\"any\"}", "words must be an array of strings");
    compile_rejects(o, "{\"words\":[\"a\",1],\"operator\":\"any\"}", "words must be an array of strings");
    compile_rejects(o, "{\"words\":[\"a\"]}", "operator must be one of: any, all, none");
    compile_rejects(o, "{\"words\":[\"a\"],\"operator\":\"ANY\"}", "operator must be one of: any, all, none");
    compile_rejects(o, "{\"words\":[\"a\"],\"operator\":1}", "operator must be one of: any, all, none");
}

/* ---- endsWith ----------------------------------------------------------- */

static void test_ends_with(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_ends_with;
    expect_text(o, "{\"suffix\":\"HarryPortkey\",\"not\":false}", RESP, "This is a test ending with HarryPortkey", 1,
                "{\"suffix\":\"HarryPortkey\",\"not\":false,\"verdict\":true,\"explanation\":\"The text ends with "
                "\\\"HarryPortkey\\\".\",\"textExcerpt\":\"This is a test ending with HarryPortkey\"}");
    expect_text(o, "{\"suffix\":\"HarryPortkey\"}", RESP, "This is a test ending with HarryPortkey.", 1,
                "{\"suffix\":\"HarryPortkey\",\"not\":false,\"verdict\":true,\"explanation\":\"The text ends with "
                "\\\"HarryPortkey\\\" (including trailing period).\",\"textExcerpt\":\"This is a test ending with "
                "HarryPortkey.\"}");
    expect_text(o, "{\"suffix\":\"HarryPortkey\"}", RESP, "This is a test ending with something else", 0,
                "{\"suffix\":\"HarryPortkey\",\"not\":false,\"verdict\":false,\"explanation\":\"The text does not end with "
                "\\\"HarryPortkey\\\".\",\"textExcerpt\":\"This is a test ending with something else\"}");
    expect_text(o, "{\"suffix\":\"end\",\"not\":true}", RESP, "the end", 0,
                "{\"suffix\":\"end\",\"not\":true,\"verdict\":false,\"explanation\":\"The text ends with \\\"end\\\" when "
                "it should not.\",\"textExcerpt\":\"the end\"}");
    expect_text(o, "{\"suffix\":\"end\",\"not\":true}", RESP, "the start", 1,
                "{\"suffix\":\"end\",\"not\":true,\"verdict\":true,\"explanation\":\"The text does not end with "
                "\\\"end\\\" as expected.\",\"textExcerpt\":\"the start\"}");
    /* no trimming; only one trailing period is allowed; case-sensitive */
    assert_false(verdict_of(o, "{\"suffix\":\"end\"}", "the end "));
    assert_false(verdict_of(o, "{\"suffix\":\"end\"}", "the end.."));
    assert_false(verdict_of(o, "{\"suffix\":\"end\"}", "the END"));
    assert_true(verdict_of(o, "{\"suffix\":\"end\"}", "end"));
    assert_true(verdict_of(o, "{\"suffix\":\"end\"}", "end."));
    assert_false(verdict_of(o, "{\"suffix\":\"the end\"}", "end"));
    /* a suffix that itself ends with '.' */
    assert_true(verdict_of(o, "{\"suffix\":\"end.\"}", "the end.."));
    /* "." + "." */
    assert_true(verdict_of(o, "{\"suffix\":\".\"}", "x."));
    /* Unicode */
    assert_true(verdict_of(o, "{\"suffix\":\"\U0001F600\"}", "smile \U0001F600."));
    assert_true(verdict_of(o, "{\"suffix\":\"caf\u00e9\"}", "un caf\u00e9"));

    fixture_t f;
    fx_init(&f, RESP, RG_REQ_CHAT, "", NULL, NULL, NULL);
    expect_error(o, "{\"suffix\":\"test\",\"not\":false}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while checking suffix: Missing text to analyze\",\"suffix\":"
                 "\"test\",\"not\":false,\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    compile_rejects(o, "{}", "Missing or empty suffix");
    compile_rejects(o, "{\"suffix\":\"\"}", "Missing or empty suffix");
    compile_rejects(o, "{\"suffix\":5}", "Missing or empty suffix");
    compile_rejects(o, "{\"suffix\":\"x\",\"not\":\"true\"}", "not must be a boolean");
}

/* ---- alluppercase / alllowercase ----------------------------------------- */

static void test_all_uppercase(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_all_uppercase;
    expect_text(o, "{\"not\":false}", RESP, "THIS IS ALL UPPERCASE TEXT!", 1,
                "{\"verdict\":true,\"not\":false,\"explanation\":\"All alphabetic characters in the text are "
                "uppercase.\",\"textExcerpt\":\"THIS IS ALL UPPERCASE TEXT!\"}");
    expect_text(o, "{}", RESP, "This Is Mixed", 0,
                "{\"verdict\":false,\"not\":false,\"explanation\":\"The text contains lowercase characters.\","
                "\"textExcerpt\":\"This Is Mixed\"}");
    expect_text(o, "{\"not\":true}", RESP, "This Is Mixed", 1,
                "{\"verdict\":true,\"not\":true,\"explanation\":\"The text contains lowercase characters as expected.\","
                "\"textExcerpt\":\"This Is Mixed\"}");
    expect_text(o, "{\"not\":true}", RESP, "LOUD", 0,
                "{\"verdict\":false,\"not\":true,\"explanation\":\"All alphabetic characters in the text are uppercase "
                "when they should not be.\",\"textExcerpt\":\"LOUD\"}");
    /* no letters → true; only ASCII letters count */
    assert_true(verdict_of(o, "{}", "1234 !?"));
    assert_true(verdict_of(o, "{}", "CAF\u00e9 \u00df \u03b1\u03b2"));
    assert_false(verdict_of(o, "{}", "ABC d"));

    fixture_t f;
    fx_init(&f, RESP, RG_REQ_CHAT, "", NULL, NULL, NULL);
    expect_error(o, "{\"not\":true}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while checking uppercase: Missing text to analyze\",\"not\":true,"
                 "\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    compile_rejects(o, "{\"not\":\"no\"}", "not must be a boolean");
}

static void test_all_lowercase(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_all_lowercase;
    expect_text(o, "{\"not\":false}", RESP, "this is all lowercase text!", 1,
                "{\"verdict\":true,\"not\":false,\"explanation\":\"All alphabetic characters in the text are "
                "lowercase.\",\"textExcerpt\":\"this is all lowercase text!\"}");
    expect_text(o, "{}", RESP, "This is mixed", 0,
                "{\"verdict\":false,\"not\":false,\"explanation\":\"The text contains uppercase characters.\","
                "\"textExcerpt\":\"This is mixed\"}");
    expect_text(o, "{\"not\":true}", RESP, "This is mixed", 1,
                "{\"verdict\":true,\"not\":true,\"explanation\":\"The text contains uppercase characters as expected.\","
                "\"textExcerpt\":\"This is mixed\"}");
    expect_text(o, "{\"not\":true}", RESP, "quiet", 0,
                "{\"verdict\":false,\"not\":true,\"explanation\":\"All alphabetic characters in the text are lowercase "
                "when they should not be.\",\"textExcerpt\":\"quiet\"}");
    assert_true(verdict_of(o, "{}", "42 + 7 = 49"));
    assert_true(verdict_of(o, "{}", "\u00c9\u00c0 caf\u00e9"));
    assert_false(verdict_of(o, "{}", "caf\u00e9 Z"));

    fixture_t f;
    fx_init(&f, RESP, RG_REQ_CHAT, "", NULL, NULL, NULL);
    expect_error(o, "{}", &f, "Missing text to analyze", 0,
                 "{\"explanation\":\"An error occurred while checking lowercase: Missing text to analyze\",\"not\":false,"
                 "\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    compile_rejects(o, "{\"not\":0}", "not must be a boolean");
}

/* ---- notNull ------------------------------------------------------------ */

static void expect_not_null(const char *params, rg_phase_t phase, rg_req_type_t type, const char *request,
                            const char *response, int verdict, const char *data)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, phase, type, NULL, request, response, NULL);
    run(&rg_check_not_null, params, &f, &res);
    if (res.error[0])
        fail_msg("notNull: unexpected error %s", res.error);
    assert_int_equal(res.verdict, verdict);
    assert_json(res.data, data);
    rg_check_result_clear(&res, 0);
    fx_free(&f);
}

static void test_not_null(void **state)
{
    (void)state;
    const char *exists = "{\"isNull\":false,\"contentType\":\"string\",\"textArrayLength\":1,\"explanation\":\"Content "
                         "exists and is not null.\",\"verdict\":\"passed\"}";
    expect_not_null("{}", RESP, RG_REQ_CHAT, BODY,
                    "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello! How can I help you?\"}}]}", 1,
                    exists);
    expect_not_null("{}", RESP, RG_REQ_CHAT, BODY, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null}}]}",
                    0,
                    "{\"isNull\":true,\"contentType\":\"null\",\"textArrayLength\":1,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    expect_not_null("{}", RESP, RG_REQ_CHAT, BODY, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                    0,
                    "{\"isNull\":true,\"contentType\":\"string\",\"textArrayLength\":1,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    /* blank by JavaScript's trim(), Unicode spaces included */
    expect_not_null("{}", RESP, RG_REQ_CHAT, BODY,
                    "{\"choices\":[{\"message\":{\"content\":\"  \\n\\u00a0\\u3000\\ufeff\"}}]}", 0,
                    "{\"isNull\":true,\"contentType\":\"string\",\"textArrayLength\":1,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    /* not */
    expect_not_null("{\"not\":true}", RESP, RG_REQ_CHAT, BODY, "{\"choices\":[{\"message\":{\"content\":null}}]}", 1,
                    "{\"isNull\":true,\"contentType\":\"null\",\"textArrayLength\":1,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"passed\"}");
    expect_not_null("{\"not\":true}", RESP, RG_REQ_CHAT, BODY, "{\"choices\":[{\"message\":{\"content\":\"Hello!\"}}]}", 0,
                    "{\"isNull\":false,\"contentType\":\"string\",\"textArrayLength\":1,\"explanation\":\"Content exists "
                    "and is not null.\",\"verdict\":\"failed\"}");
    /* completions */
    expect_not_null("{}", RESP, RG_REQ_COMPLETE, "{\"prompt\":\"x\"}", "{\"choices\":[{\"text\":\"Generated\"}]}", 1,
                    exists);
    expect_not_null("{}", RESP, RG_REQ_COMPLETE, "{\"prompt\":\"x\"}", "{\"choices\":[{\"text\":null}]}", 0,
                    "{\"isNull\":true,\"contentType\":\"null\",\"textArrayLength\":1,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    /* streams: no response JSON → content null, textArray [] */
    expect_not_null("{}", RESP, RG_REQ_CHAT, BODY, NULL, 0,
                    "{\"isNull\":true,\"contentType\":\"null\",\"textArrayLength\":0,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    /* content key missing: undefined */
    expect_not_null("{}", RESP, RG_REQ_CHAT, BODY, "{\"choices\":[{\"message\":{\"role\":\"assistant\"}}]}", 0,
                    "{\"isNull\":true,\"contentType\":\"undefined\",\"textArrayLength\":1,\"explanation\":\"Content is "
                    "null, undefined, or empty.\",\"verdict\":\"failed\"}");
    /* request: the last message's content; parts count whatever their type */
    expect_not_null("{}", REQ, RG_REQ_CHAT, BODY, NULL, 1, exists);
    expect_not_null("{}", REQ, RG_REQ_CHAT,
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"earlier\"},{\"role\":\"user\",\"content\":[{\"type\":"
                    "\"image_url\",\"image_url\":{\"url\":\"http://x\"}},{\"type\":\"text\",\"text\":\"hi\"}]}]}",
                    NULL, 1,
                    "{\"isNull\":false,\"contentType\":\"object\",\"textArrayLength\":2,\"explanation\":\"Content exists "
                    "and is not null.\",\"verdict\":\"passed\"}");
    expect_not_null("{}", REQ, RG_REQ_CHAT,
                    "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}},{\"type\":"
                    "\"text\",\"text\":\" \"}]}]}",
                    NULL, 0,
                    "{\"isNull\":true,\"contentType\":\"object\",\"textArrayLength\":2,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    expect_not_null("{}", REQ, RG_REQ_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[]}]}", NULL, 0,
                    "{\"isNull\":true,\"contentType\":\"object\",\"textArrayLength\":0,\"explanation\":\"Content is null, "
                    "undefined, or empty.\",\"verdict\":\"failed\"}");
    /* embeddings: input (string or array) */
    expect_not_null("{}", REQ, RG_REQ_EMBED, "{\"input\":[\"\",\"x\"]}", NULL, 1,
                    "{\"isNull\":false,\"contentType\":\"object\",\"textArrayLength\":2,\"explanation\":\"Content exists "
                    "and is not null.\",\"verdict\":\"passed\"}");

    /* JavaScript TypeErrors on malformed bodies are errors, as in Portkey */
    fixture_t f;
    fx_init(&f, REQ, RG_REQ_CHAT, NULL, "{\"messages\":[]}", NULL, NULL);
    expect_error(&rg_check_not_null, "{}", &f, "Cannot read properties of undefined (reading 'content')", 0,
                 "{\"explanation\":\"An error occurred while checking for null content.\",\"error\":\"Cannot read "
                 "properties of undefined (reading 'content')\"}");
    fx_free(&f);
    fx_init(&f, REQ, RG_REQ_COMPLETE, NULL, "{\"prompt\":[[1,2,3]]}", NULL, NULL);
    expect_error(&rg_check_not_null, "{}", &f, "text.trim is not a function", 0,
                 "{\"explanation\":\"An error occurred while checking for null content.\",\"error\":\"text.trim is not "
                 "a function\"}");
    fx_free(&f);
    compile_rejects(&rg_check_not_null, "{\"not\":\"true\"}", "not must be a boolean");
}

/* ---- containsCode ------------------------------------------------------- */

static void test_contains_code(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_contains_code;
    expect_text(o, "{\"format\":\"Python\",\"not\":false}", RESP, "```py\nprint(\"Hello World\")\n```", 1,
                "{\"explanation\":\"Found code block(s) in Python format\",\"searchedFormat\":\"Python\",\"not\":false,"
                "\"foundFormats\":[\"Python\"],\"textExcerpt\":\"```py\\nprint(\\\"Hello World\\\")\\n```\"}");
    expect_text(o, "{\"format\":\"Python\"}", RESP, "```js\nconsole.log(\"Hello\");\n```", 0,
                "{\"explanation\":\"No code blocks in Python format found\",\"searchedFormat\":\"Python\",\"not\":false,"
                "\"foundFormats\":[\"JavaScript\"],\"textExcerpt\":\"```js\\nconsole.log(\\\"Hello\\\");\\n```\"}");
    expect_text(o, "{\"format\":\"Python\"}", RESP, "This is just plain text", 0,
                "{\"explanation\":\"No code blocks found in the text\",\"searchedFormat\":\"Python\",\"not\":false,"
                "\"foundFormats\":[],\"textExcerpt\":\"This is just plain text\"}");
    expect_text(o, "{\"format\":\"Python\"}", RESP, "```py\nprint(\"Hello\")\n```\n```js\nconsole.log(\"Hi\");\n```", 1,
                NULL);
    assert_true(verdict_of(o, "{\"format\":\"JavaScript\"}", "```py\nx\n```\n```js\nconsole.log(\"Hi\");\n```"));
    /* not, including no block at all → verdict = not */
    expect_text(o, "{\"format\":\"Python\",\"not\":true}", RESP, "plain", 1,
                "{\"explanation\":\"No code blocks found in the text\",\"searchedFormat\":\"Python\",\"not\":true,"
                "\"foundFormats\":[],\"textExcerpt\":\"plain\"}");
    expect_text(o, "{\"format\":\"Python\",\"not\":true}", RESP, "```sql\nSELECT 1\n```", 1,
                "{\"explanation\":\"No code blocks in Python format found as expected\",\"searchedFormat\":\"Python\","
                "\"not\":true,\"foundFormats\":[\"SQL\"],\"textExcerpt\":\"```sql\\nSELECT 1\\n```\"}");
    expect_text(o, "{\"format\":\"SQL\",\"not\":true}", RESP, "```SQL\nSELECT 1\n```", 0,
                "{\"explanation\":\"Found code block(s) in SQL format when none were expected\",\"searchedFormat\":"
                "\"SQL\",\"not\":true,\"foundFormats\":[\"SQL\"],\"textExcerpt\":\"```SQL\\nSELECT 1\\n```\"}");
    /* the mapping: tags are lower-cased first; unknown tags stay (lower-cased) */
    expect_text(o, "{\"format\":\"x\"}", RESP,
                "```PY\n1\n```\n```jsx\n1\n```\n```tsx\n1\n```\n```sh\n1\n```\n```yml\n1\n```\n```gyp\n1\n```\n```cs\n1\n"
                "```\n```Dockerfile\n1\n```\n```Lua\n1\n```\n```c\n1\n```",
                0,
                "{\"explanation\":\"No code blocks in x format found\",\"searchedFormat\":\"x\",\"not\":false,"
                "\"foundFormats\":[\"Python\",\"JavaScript\",\"TypeScript\",\"Shell\",\"YAML\",\"Python\",\"C#\","
                "\"Dockerfile\",\"lua\",\"C\"],\"textExcerpt\":\"```PY\\n1\\n```\\n```jsx\\n1\\n```\\n```tsx\\n1\\n```\\n"
                "```sh\\n1\\n```\\n```yml\\n1\\n```\\n```gyp\\n1\\n```\\n```cs\\n1\\n```\\n```Dockerfil...\"}");
    assert_true(verdict_of(o, "{\"format\":\"lua\"}", "```Lua\nprint(1)\n```"));
    assert_false(verdict_of(o, "{\"format\":\"python\"}", "```py\nprint(1)\n```"));
    /* fences Portkey's regex does not match: no tag, no newline after the tag, unclosed, closing not on its own line start */
    assert_false(verdict_of(o, "{\"format\":\"Python\"}", "```\nprint(1)\n```"));
    assert_false(verdict_of(o, "{\"format\":\"Python\"}", "```py print(1)\n```"));
    assert_false(verdict_of(o, "{\"format\":\"Python\"}", "```py\nprint(1)"));
    assert_false(verdict_of(o, "{\"format\":\"Python\"}", "```py\nprint(1)```"));
    assert_false(verdict_of(o, "{\"format\":\"Python\"}", "```py\n```"));
    assert_false(verdict_of(o, "{\"format\":\"Python\"}", "```c++\nx\n```"));
    /* an empty body needs the two newlines; four backticks start one later */
    assert_true(verdict_of(o, "{\"format\":\"Python\"}", "```py\n\n```"));
    assert_true(verdict_of(o, "{\"format\":\"Python\"}", "````py\nx\n```"));
    /* the lazy body stops at the first "\n```" */
    expect_text(o, "{\"format\":\"Go\"}", RESP, "```go\na\n```py\nb\n```", 1,
                "{\"explanation\":\"Found code block(s) in Go format\",\"searchedFormat\":\"Go\",\"not\":false,"
                "\"foundFormats\":[\"Go\"],\"textExcerpt\":\"```go\\na\\n```py\\nb\\n```\"}");
    /* Object.prototype members in Portkey's plain-object table */
    expect_text(o, "{\"format\":\"constructor\"}", RESP, "```constructor\nx\n```\n```__proto__\ny\n```", 0,
                "{\"explanation\":\"No code blocks in constructor format found\",\"searchedFormat\":\"constructor\","
                "\"not\":false,\"foundFormats\":[null,{}],\"textExcerpt\":\"```constructor\\nx\\n```\\n```__proto__\\ny\\n"
                "```\"}");

    fixture_t f;
    fx_init(&f, RESP, RG_REQ_CHAT, "", NULL, NULL, NULL);
    expect_error(o, "{\"format\":\"Python\",\"not\":false}", &f, "No text content to analyze", 0,
                 "{\"explanation\":\"Error while checking for code blocks: No text content to analyze\","
                 "\"searchedFormat\":\"Python\",\"not\":false,\"textExcerpt\":\"No text available\"}");
    fx_free(&f);
    compile_rejects(o, "{}", "Missing required parameter: format");
    compile_rejects(o, "{\"format\":\"\"}", "Missing required parameter: format");
    compile_rejects(o, "{\"format\":3}", "format must be a string");
    compile_rejects(o, "{\"format\":\"SQL\",\"not\":[]}", "not must be a boolean");
}

/* ---- modelWhitelist ----------------------------------------------------- */

static void expect_model(const rg_check_ops_t *o, const char *params, const char *request, const char *metadata,
                         int verdict, const char *data)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, REQ, RG_REQ_CHAT, "hi", request, NULL, metadata);
    run(o, params, &f, &res);
    if (res.error[0])
        fail_msg("%s(%s): unexpected error %s", o->id, params, res.error);
    assert_int_equal(res.verdict, verdict);
    if (data)
        assert_json(res.data, data);
    rg_check_result_clear(&res, f.text.n);
    /* the same in the response phase: the model comes from the request */
    fx_free(&f);
    fx_init(&f, RESP, RG_REQ_CHAT, "hi", request, "{\"choices\":[]}", metadata);
    run(o, params, &f, &res);
    assert_int_equal(res.verdict, verdict);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

static void test_model_whitelist(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_model_whitelist;
    expect_model(o, "{\"models\":[\"gemini-1.5-flash-001\"],\"not\":false}", "{\"model\":\"gemini-1.5-flash-001\"}", NULL,
                 1,
                 "{\"verdict\":true,\"not\":false,\"explanation\":\"Model \\\"gemini-1.5-flash-001\\\" is allowed.\","
                 "\"requestedModel\":\"gemini-1.5-flash-001\",\"allowedModels\":[\"gemini-1.5-flash-001\"]}");
    expect_model(o, "{\"models\":[\"gemini-1.5-flash-001\"]}", "{\"model\":\"gemini-1.5-pro-001\"}", NULL, 0,
                 "{\"verdict\":false,\"not\":false,\"explanation\":\"Model \\\"gemini-1.5-pro-001\\\" is not in the "
                 "allowed list.\",\"requestedModel\":\"gemini-1.5-pro-001\",\"allowedModels\":[\"gemini-1.5-flash-001\"]}");
    expect_model(o, "{\"models\":[\"a\",\"b\"],\"not\":true}", "{\"model\":\"b\"}", NULL, 0,
                 "{\"verdict\":false,\"not\":true,\"explanation\":\"Model \\\"b\\\" is in the allowed list when it should "
                 "not be.\",\"requestedModel\":\"b\",\"allowedModels\":[\"a\",\"b\"]}");
    expect_model(o, "{\"models\":[\"a\",\"b\"],\"not\":true}", "{\"model\":\"c\"}", NULL, 1,
                 "{\"verdict\":true,\"not\":true,\"explanation\":\"Model \\\"c\\\" is not in the allowed list as "
                 "expected.\",\"requestedModel\":\"c\",\"allowedModels\":[\"a\",\"b\"]}");
    /* exact match only */
    expect_model(o, "{\"models\":[\"gpt-4o\"]}", "{\"model\":\"gpt-4o-mini\"}", NULL, 0, NULL);
    expect_model(o, "{\"models\":[\"gpt-4o\"]}", "{\"model\":\"GPT-4o\"}", NULL, 0, NULL);
    expect_model(o, "{\"models\":[]}", "{\"model\":\"x\"}", NULL, 0, NULL);

    fixture_t f;
    fx_init(&f, REQ, RG_REQ_CHAT, "hi", "{\"messages\":[]}", NULL, NULL);
    expect_error(o, "{\"models\":[\"gemini-1.5-flash-001\"],\"not\":false}", &f, "Missing model in request", 0,
                 "{\"explanation\":\"An error occurred while checking model whitelist: Missing model in request\","
                 "\"requestedModel\":\"No model specified\",\"not\":false,\"allowedModels\":[\"gemini-1.5-flash-001\"]}");
    fx_free(&f);
    compile_rejects(o, "{}", "Missing or invalid model whitelist");
    compile_rejects(o, "{\"models\":\"gpt-4o\"}", "Missing or invalid model whitelist");
    compile_rejects(o, "{\"models\":[\"a\",null]}", "models must be an array of strings");
    compile_rejects(o, "{\"models\":[\"a\"],\"not\":\"x\"}", "not must be a boolean");
}

/* ---- modelRules --------------------------------------------------------- */

static void test_model_rules(void **state)
{
    (void)state;
    const rg_check_ops_t *o = &rg_check_model_rules;
    const char *rules = "{\"rules\":{\"defaults\":[\"gpt-4o-mini\"],\"metadata\":{\"tier\":{\"pro\":[\"gpt-4o\","
                        "\"o1\"],\"free\":[\"gpt-4o-mini\"]},\"team\":{\"ml\":[\"o1\"]}}}}";
    /* defaults when no metadata matches */
    expect_model(o, rules, "{\"model\":\"gpt-4o-mini\"}", NULL, 1,
                 "{\"explanation\":\"Model \\\"gpt-4o-mini\\\" is allowed by rules. (using default models)\"}");
    expect_model(o, rules, "{\"model\":\"gpt-4o\"}", "{\"tier\":\"basic\"}", 0,
                 "{\"explanation\":\"Model \\\"gpt-4o\\\" is not allowed by rules.\"}");
    /* a matching rule replaces the defaults */
    expect_model(o, rules, "{\"model\":\"gpt-4o\"}", "{\"tier\":\"pro\"}", 1,
                 "{\"explanation\":\"Model \\\"gpt-4o\\\" is allowed by rules. (matched rules: tier:pro)\"}");
    expect_model(o, rules, "{\"model\":\"gpt-4o-mini\"}", "{\"tier\":\"pro\"}", 0,
                 "{\"explanation\":\"Model \\\"gpt-4o-mini\\\" is not allowed by rules.\"}");
    /* union over keys and over array values */
    expect_model(o, rules, "{\"model\":\"gpt-4o-mini\"}", "{\"tier\":[\"pro\",\"free\"],\"team\":\"ml\"}", 1,
                 "{\"explanation\":\"Model \\\"gpt-4o-mini\\\" is allowed by rules. (matched rules: tier:pro, tier:free, "
                 "team:ml)\"}");
    /* values compared as String(v) */
    expect_model(o, "{\"rules\":{\"metadata\":{\"level\":{\"3\":[\"big\"],\"true\":[\"t\"]}}}}", "{\"model\":\"big\"}",
                 "{\"level\":3}", 1, "{\"explanation\":\"Model \\\"big\\\" is allowed by rules. (matched rules: level:3)\"}");
    expect_model(o, "{\"rules\":{\"metadata\":{\"level\":{\"3\":[\"big\"],\"true\":[\"t\"]}}}}", "{\"model\":\"t\"}",
                 "{\"level\":true}", 1,
                 "{\"explanation\":\"Model \\\"t\\\" is allowed by rules. (matched rules: level:true)\"}");
    /* not */
    expect_model(o, "{\"rules\":{\"defaults\":[\"bad\"]},\"not\":true}", "{\"model\":\"bad\"}", NULL, 0,
                 "{\"explanation\":\"Model \\\"bad\\\" is permitted by rules (in blocked list).\"}");
    expect_model(o, "{\"rules\":{\"defaults\":[\"bad\"]},\"not\":true}", "{\"model\":\"good\"}", NULL, 1,
                 "{\"explanation\":\"Model \\\"good\\\" is not permitted by rules (blocked list). (using default "
                 "models)\"}");
    /* Object.entries order: array-index keys first, ascending */
    expect_model(o,
                 "{\"rules\":{\"metadata\":{\"b\":{\"x\":[\"m\"]},\"10\":{\"x\":[\"m\"]},\"a\":{\"x\":[\"m\"]},\"2\":{\"x\":"
                 "[\"m\"]}}}}",
                 "{\"model\":\"m\"}", "{\"a\":\"x\",\"b\":\"x\",\"2\":\"x\",\"10\":\"x\"}", 1,
                 "{\"explanation\":\"Model \\\"m\\\" is allowed by rules. (matched rules: 2:x, 10:x, b:x, a:x)\"}");
    /* a matched rule with an empty list falls back to the defaults, and still reports the match */
    expect_model(o, "{\"rules\":{\"defaults\":[\"d\"],\"metadata\":{\"k\":{\"v\":[]}}}}", "{\"model\":\"d\"}",
                 "{\"k\":\"v\"}", 1, "{\"explanation\":\"Model \\\"d\\\" is allowed by rules. (matched rules: k:v)\"}");

    fixture_t f;
    fx_init(&f, REQ, RG_REQ_CHAT, "hi", "{\"model\":\"x\"}", NULL, "{\"tier\":\"none\"}");
    expect_error(o, "{\"rules\":{\"metadata\":{\"tier\":{\"pro\":[\"a\"]}}}}", &f, "No allowed models resolved from rules",
                 0, "{\"explanation\":\"An error occurred while checking model rules: No allowed models resolved from "
                    "rules\"}");
    fx_free(&f);
    fx_init(&f, REQ, RG_REQ_CHAT, "hi", "{\"messages\":[]}", NULL, NULL);
    expect_error(o, "{\"rules\":{\"defaults\":[\"a\"]}}", &f, "Missing model in request", 0,
                 "{\"explanation\":\"An error occurred while checking model rules: Missing model in request\"}");
    fx_free(&f);
    compile_rejects(o, "{}", "Missing rules configuration");
    compile_rejects(o, "{\"rules\":[\"a\"]}", "rules must be an object");
    compile_rejects(o, "{\"rules\":{\"defaults\":\"a\"}}", "rules.defaults must be an array of strings");
    compile_rejects(o, "{\"rules\":{\"metadata\":[]}}", "rules.metadata must be an object");
    compile_rejects(o, "{\"rules\":{\"metadata\":{\"k\":[\"a\"]}}}", "rules.metadata.k must be an object of model lists");
    compile_rejects(o, "{\"rules\":{\"metadata\":{\"k\":{\"v\":\"a\"}}}}",
                    "rules.metadata.k: every value must be an array of model names");
    compile_rejects(o, "{\"rules\":{},\"not\":1}", "not must be a boolean");
}

/* ---- requiredMetadataKeys ----------------------------------------------- */

static void expect_md(const char *params, const char *metadata, int verdict, const char *data)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, REQ, RG_REQ_CHAT, "hi", BODY, NULL, metadata);
    run(&rg_check_required_metadata_keys, params, &f, &res);
    assert_int_equal(res.error[0], '\0');
    assert_int_equal(res.verdict, verdict);
    if (data)
        assert_json(res.data, data);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

static void test_required_metadata_keys(void **state)
{
    (void)state;
    const char *md = "{\"user_id\":\"u\",\"team\":null}";
    expect_md("{\"metadataKeys\":[\"user_id\",\"env\"],\"operator\":\"any\"}", md, 1,
              "{\"explanation\":\"Check passed for 'any' metadata keys. At least one metadata key was found.\","
              "\"missing_metadata_keys\":[\"env\"],\"found_metadata_keys\":[\"user_id\"],\"operator\":\"any\"}");
    expect_md("{\"metadataKeys\":[\"a\",\"env\"],\"operator\":\"any\"}", md, 0,
              "{\"explanation\":\"Check failed for 'any' metadata keys. No metadata keys were found.\","
              "\"missing_metadata_keys\":[\"a\",\"env\"],\"found_metadata_keys\":[],\"operator\":\"any\"}");
    expect_md("{\"metadataKeys\":[\"a\"],\"operator\":\"none\"}", md, 1,
              "{\"explanation\":\"Check passed for 'none' metadata keys. No metadata keys were found.\","
              "\"missing_metadata_keys\":[\"a\"],\"found_metadata_keys\":[],\"operator\":\"none\"}");
    /* presence, not value: a null value is present */
    expect_md("{\"metadataKeys\":[\"team\"],\"operator\":\"none\"}", md, 0,
              "{\"explanation\":\"Check failed for 'none' metadata keys. Some metadata keys were found.\","
              "\"missing_metadata_keys\":[],\"found_metadata_keys\":[\"team\"],\"operator\":\"none\"}");
    expect_md("{\"metadataKeys\":[\"user_id\",\"team\"],\"operator\":\"all\"}", md, 1, NULL);
    /* JavaScript `in` sees Object.prototype */
    expect_md("{\"metadataKeys\":[\"constructor\",\"toString\"],\"operator\":\"all\"}", NULL, 1, NULL);
    expect_md("{\"metadataKeys\":[\"User_id\"],\"operator\":\"all\"}", md, 0, NULL);

    /* after-request hooks: an error with verdict true and no name */
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, RESP, RG_REQ_CHAT, "hi", BODY, "{\"choices\":[]}", md);
    run(&rg_check_required_metadata_keys, "{\"metadataKeys\":[\"user_id\"],\"operator\":\"all\"}", &f, &res);
    assert_string_equal(res.error, "This plugin only works for before_request_hooks");
    assert_int_equal(res.verdict, 1);
    assert_null(res.data);
    assert_non_null(res.error_name);
    assert_string_equal(res.error_name, "");
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);

    const rg_check_ops_t *o = &rg_check_required_metadata_keys;
    compile_rejects(o, "{\"operator\":\"all\"}", "metadataKeys must be an array and not empty");
    compile_rejects(o, "{\"metadataKeys\":[],\"operator\":\"all\"}", "metadataKeys must be an array and not empty");
    compile_rejects(o, "{\"metadataKeys\":\"user_id\",\"operator\":\"all\"}", "metadataKeys must be an array and not empty");
    compile_rejects(o, "{\"metadataKeys\":[\"a\",2],\"operator\":\"all\"}", "metadataKeys must be an array of strings");
    compile_rejects(o, "{\"metadataKeys\":[\"a\"]}", "operator must be one of: all, any, none");
    compile_rejects(o, "{\"metadataKeys\":[\"a\"],\"operator\":\"some\"}", "operator must be one of: all, any, none");
}

/* ---- allowedRequestTypes ------------------------------------------------ */

static void expect_types(const char *params, rg_req_type_t type, const char *metadata, int verdict, const char *data)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, REQ, type, "hi", BODY, NULL, metadata);
    run(&rg_check_allowed_request_types, params, &f, &res);
    if (res.error[0])
        fail_msg("allowedRequestTypes(%s): unexpected error %s", params, res.error);
    assert_int_equal(res.verdict, verdict);
    if (data)
        assert_json(res.data, data);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
}

static void test_allowed_request_types(void **state)
{
    (void)state;
    expect_types("{\"allowedTypes\":[\"chatComplete\",\"complete\",\"embed\"]}", RG_REQ_CHAT, NULL, 1,
                 "{\"currentRequestType\":\"chatComplete\",\"allowedTypes\":[\"chatComplete\",\"complete\",\"embed\"],"
                 "\"verdict\":true,\"explanation\":\"Request type \\\"chatComplete\\\" is allowed.\",\"source\":"
                 "\"parameters\",\"mode\":\"allowlist\"}");
    expect_types("{\"allowedTypes\":[\"chatComplete\",\"complete\"]}", RG_REQ_EMBED, NULL, 0,
                 "{\"currentRequestType\":\"embed\",\"allowedTypes\":[\"chatComplete\",\"complete\"],\"verdict\":false,"
                 "\"explanation\":\"Request type \\\"embed\\\" is not allowed. Allowed types are: chatComplete, "
                 "complete\",\"source\":\"parameters\",\"mode\":\"allowlist\"}");
    /* comma-separated, trimmed */
    expect_types("{\"allowedTypes\":\"chatComplete, complete , embed\"}", RG_REQ_EMBED, NULL, 1,
                 "{\"currentRequestType\":\"embed\",\"allowedTypes\":[\"chatComplete\",\"complete\",\"embed\"],\"verdict\":"
                 "true,\"explanation\":\"Request type \\\"embed\\\" is allowed.\",\"source\":\"parameters\",\"mode\":"
                 "\"allowlist\"}");
    /* nothing configured */
    expect_types("{}", RG_REQ_COMPLETE, NULL, 1,
                 "{\"currentRequestType\":\"complete\",\"allowedTypes\":[\"all\"],\"verdict\":true,\"explanation\":"
                 "\"Request type \\\"complete\\\" is allowed (no restrictions configured).\",\"source\":\"default\","
                 "\"mode\":\"unrestricted\"}");
    /* blocklist */
    expect_types("{\"blockedTypes\":[\"imageGenerate\",\"embed\"]}", RG_REQ_EMBED, NULL, 0,
                 "{\"currentRequestType\":\"embed\",\"blockedTypes\":[\"imageGenerate\",\"embed\"],\"verdict\":false,"
                 "\"explanation\":\"Request type \\\"embed\\\" is blocked.\",\"source\":\"parameters\",\"mode\":"
                 "\"blocklist\"}");
    expect_types("{\"blockedTypes\":\"imageGenerate, embed\"}", RG_REQ_CHAT, NULL, 1,
                 "{\"currentRequestType\":\"chatComplete\",\"blockedTypes\":[\"imageGenerate\",\"embed\"],\"verdict\":true,"
                 "\"explanation\":\"Request type \\\"chatComplete\\\" is allowed (not in blocklist).\",\"source\":"
                 "\"parameters\",\"mode\":\"blocklist\"}");
    /* combined: the blocklist wins */
    expect_types("{\"allowedTypes\":[\"chatComplete\",\"complete\"],\"blockedTypes\":[\"embed\"]}", RG_REQ_CHAT, NULL, 1,
                 "{\"currentRequestType\":\"chatComplete\",\"allowedTypes\":[\"chatComplete\",\"complete\"],"
                 "\"blockedTypes\":[\"embed\"],\"verdict\":true,\"explanation\":\"Request type \\\"chatComplete\\\" is "
                 "allowed (in allowlist and not blocked).\",\"source\":\"parameters\",\"mode\":\"combined\"}");
    expect_types("{\"allowedTypes\":[\"chatComplete\"],\"blockedTypes\":[\"embed\"]}", RG_REQ_EMBED, NULL, 0,
                 "{\"currentRequestType\":\"embed\",\"allowedTypes\":[\"chatComplete\"],\"blockedTypes\":[\"embed\"],"
                 "\"verdict\":false,\"explanation\":\"Request type \\\"embed\\\" is explicitly blocked.\",\"source\":"
                 "\"parameters\",\"mode\":\"combined\"}");
    expect_types("{\"allowedTypes\":[\"chatComplete\"],\"blockedTypes\":[\"embed\"]}", RG_REQ_COMPLETE, NULL, 0,
                 "{\"currentRequestType\":\"complete\",\"allowedTypes\":[\"chatComplete\"],\"blockedTypes\":[\"embed\"],"
                 "\"verdict\":false,\"explanation\":\"Request type \\\"complete\\\" is not in the allowed list. Allowed "
                 "types (excluding blocked): chatComplete\",\"source\":\"parameters\",\"mode\":\"combined\"}");
    /* metadata fallback: supported_endpoints / blocked_endpoints, string or array */
    expect_types("{}", RG_REQ_COMPLETE, "{\"supported_endpoints\":\"complete, chatComplete\"}", 1,
                 "{\"currentRequestType\":\"complete\",\"allowedTypes\":[\"complete\",\"chatComplete\"],\"verdict\":true,"
                 "\"explanation\":\"Request type \\\"complete\\\" is allowed.\",\"source\":\"metadata\",\"mode\":"
                 "\"allowlist\"}");
    expect_types("{}", RG_REQ_COMPLETE, "{\"blocked_endpoints\":[\"complete\",\"embed\"]}", 0,
                 "{\"currentRequestType\":\"complete\",\"blockedTypes\":[\"complete\",\"embed\"],\"verdict\":false,"
                 "\"explanation\":\"Request type \\\"complete\\\" is blocked.\",\"source\":\"metadata\",\"mode\":"
                 "\"blocklist\"}");
    /* parameters first; the other list can still come from the metadata */
    expect_types("{\"allowedTypes\":[\"embed\"]}", RG_REQ_EMBED, "{\"supported_endpoints\":\"complete\"}", 1,
                 "{\"currentRequestType\":\"embed\",\"allowedTypes\":[\"embed\"],\"verdict\":true,\"explanation\":"
                 "\"Request type \\\"embed\\\" is allowed.\",\"source\":\"parameters\",\"mode\":\"allowlist\"}");
    expect_types("{\"allowedTypes\":[\"embed\",\"complete\"]}", RG_REQ_CHAT, "{\"blocked_endpoints\":\"chatComplete\"}",
                 0,
                 "{\"currentRequestType\":\"chatComplete\",\"allowedTypes\":[\"embed\",\"complete\"],\"blockedTypes\":"
                 "[\"chatComplete\"],\"verdict\":false,\"explanation\":\"Request type \\\"chatComplete\\\" is explicitly "
                 "blocked.\",\"source\":\"parameters\",\"mode\":\"combined\"}");
    /* an empty parameter array still counts as "parameters" for `source`, while the metadata is used */
    expect_types("{\"allowedTypes\":[]}", RG_REQ_CHAT, "{\"supported_endpoints\":[\"embed\"]}", 0,
                 "{\"currentRequestType\":\"chatComplete\",\"allowedTypes\":[\"embed\"],\"verdict\":false,"
                 "\"explanation\":\"Request type \\\"chatComplete\\\" is not allowed. Allowed types are: embed\","
                 "\"source\":\"parameters\",\"mode\":\"allowlist\"}");
    /* "" is ignored */
    expect_types("{\"allowedTypes\":\"\"}", RG_REQ_CHAT, NULL, 1, NULL);

    /* a conflict between parameters and metadata is a run-time error */
    fixture_t f;
    fx_init(&f, REQ, RG_REQ_CHAT, "hi", BODY, NULL, "{\"blocked_endpoints\":\"embed,complete\"}");
    expect_error(&rg_check_allowed_request_types, "{\"allowedTypes\":[\"chatComplete\",\"embed\",\"complete\"]}", &f,
                 "Conflict detected: The following types appear in both allowedTypes and blockedTypes: embed, complete. "
                 "Please remove them from one list.",
                 0,
                 "{\"explanation\":\"An error occurred while checking allowed request types: Conflict detected: The "
                 "following types appear in both allowedTypes and blockedTypes: embed, complete. Please remove them from "
                 "one list.\",\"currentRequestType\":\"chatComplete\",\"allowedTypes\":[\"chatComplete\",\"embed\","
                 "\"complete\"],\"blockedTypes\":\"embed,complete\"}");
    fx_free(&f);
    /* ... and at compile time when both lists are parameters */
    const rg_check_ops_t *o = &rg_check_allowed_request_types;
    compile_rejects(o, "{\"allowedTypes\":[\"chatComplete\",\"complete\",\"embed\"],\"blockedTypes\":\"complete, embed\"}",
                    "Conflict detected: The following types appear in both allowedTypes and blockedTypes: complete, "
                    "embed. Please remove them from one list");
    compile_rejects(o, "{\"allowedTypes\":5}", "allowedTypes must be an array of strings or a comma-separated string");
    compile_rejects(o, "{\"blockedTypes\":[\"a\",{}]}",
                    "blockedTypes must be an array of strings or a comma-separated string");
}

/* ---- addPrefix ---------------------------------------------------------- */

static void expect_prefix(const char *params, rg_req_type_t type, const char *body, const char *out, const char *data)
{
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, REQ, type, NULL, body, NULL, NULL);
    json_t *before = json_deep_copy(f.request);
    run(&rg_check_add_prefix, params, &f, &res);
    if (res.error[0])
        fail_msg("addPrefix(%s): unexpected error %s", params, res.error);
    assert_int_equal(res.verdict, 1);
    assert_int_equal(res.transformed, 1);
    if (out)
        assert_json(res.request_json, out);
    else
        assert_null(res.request_json);
    if (data)
        assert_json(res.data, data);
    assert_true(json_equal(before, f.request));
    json_decref(before);
    rg_check_result_clear(&res, 0);
    fx_free(&f);
}

static void test_add_prefix_chat(void **state)
{
    (void)state;
    const char *sys_user = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
                           "assistant.\"},{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    expect_prefix("{\"prefix\":\"IMPORTANT: \",\"applyToRole\":\"user\"}", RG_REQ_CHAT, sys_user,
                  "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
                  "{\"role\":\"user\",\"content\":\"IMPORTANT: Hello!\"}]}",
                  "{\"prefix\":\"IMPORTANT: \",\"requestType\":\"chatComplete\",\"applyToRole\":\"user\","
                  "\"addToExisting\":true,\"onlyIfEmpty\":false}");
    expect_prefix("{\"prefix\":\"CRITICAL: \",\"applyToRole\":\"system\"}", RG_REQ_CHAT, sys_user,
                  "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"system\",\"content\":\"CRITICAL: You are a helpful "
                  "assistant.\"},{\"role\":\"user\",\"content\":\"Hello!\"}]}",
                  NULL);
    /* no message with the role: appended; a system one goes first */
    expect_prefix("{\"prefix\":\"P: \"}", RG_REQ_CHAT, "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"}]}",
                  "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"P: \"}]}", NULL);
    expect_prefix("{\"prefix\":\"S: \",\"applyToRole\":\"system\"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}",
                  "{\"messages\":[{\"role\":\"system\",\"content\":\"S: \"},{\"role\":\"user\",\"content\":\"Hello!\"}]}",
                  NULL);
    expect_prefix("{\"prefix\":\"P\"}", RG_REQ_CHAT, "{\"model\":\"m\"}",
                  "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"P\"}]}", NULL);
    /* addToExisting false: a new message before the first one with the role */
    expect_prefix("{\"prefix\":\"P: \",\"addToExisting\":false}", RG_REQ_CHAT, sys_user,
                  "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
                  "{\"role\":\"user\",\"content\":\"P: \"},{\"role\":\"user\",\"content\":\"Hello!\"}]}",
                  "{\"prefix\":\"P: \",\"requestType\":\"chatComplete\",\"applyToRole\":\"user\",\"addToExisting\":false,"
                  "\"onlyIfEmpty\":false}");
    /* onlyIfEmpty: unchanged unless blank or [] */
    expect_prefix("{\"prefix\":\"P: \",\"onlyIfEmpty\":true}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"Existing\"}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"Existing\"}]}",
                  "{\"prefix\":\"P: \",\"requestType\":\"chatComplete\",\"applyToRole\":\"user\",\"addToExisting\":true,"
                  "\"onlyIfEmpty\":true}");
    expect_prefix("{\"prefix\":\"P: \",\"onlyIfEmpty\":true}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\" \\u3000\"}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"P:  \\u3000\"}]}", NULL);
    /* the first message with the role, not the last */
    expect_prefix("{\"prefix\":\"P: \"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"First\"},{\"role\":\"assistant\",\"content\":\"R\"},"
                  "{\"role\":\"user\",\"content\":\"Second\"}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"P: First\"},{\"role\":\"assistant\",\"content\":\"R\"},"
                  "{\"role\":\"user\",\"content\":\"Second\"}]}",
                  NULL);
    /* array content, last message: the first part's text (other fields kept) */
    expect_prefix("{\"prefix\":\"P: \"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"First\"},{\"type\":"
                  "\"text\",\"text\":\"Second\"}],\"name\":\"n\"}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"P: First\"},{\"type\":"
                  "\"text\",\"text\":\"Second\"}],\"name\":\"n\"}]}",
                  NULL);
    /* ...whatever its type (Portkey's setCurrentContentPart quirk) */
    expect_prefix("{\"prefix\":\"P: \"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}},"
                  "{\"type\":\"text\",\"text\":\"What?\"}]}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"},"
                  "\"text\":\"P: \"},{\"type\":\"text\",\"text\":\"What?\"}]}]}",
                  NULL);
    /* array content, earlier message: a new text part in front of a non-text first part */
    expect_prefix("{\"prefix\":\"P: \"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]},"
                  "{\"role\":\"assistant\",\"content\":\"A\"}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"P: \"},{\"type\":"
                  "\"image_url\",\"image_url\":{\"url\":\"u\"}}]},{\"role\":\"assistant\",\"content\":\"A\"}]}",
                  NULL);
    expect_prefix("{\"prefix\":\"P: \"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"T\"}]},{\"role\":"
                  "\"assistant\",\"content\":null}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"P: T\"}]},{\"role\":"
                  "\"assistant\",\"content\":null}]}",
                  NULL);
    /* earlier message with null content: prefix + '' */
    expect_prefix("{\"prefix\":\"P\",\"applyToRole\":\"assistant\"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"assistant\",\"content\":null},{\"role\":\"user\",\"content\":\"u\"}]}",
                  "{\"messages\":[{\"role\":\"assistant\",\"content\":\"P\"},{\"role\":\"user\",\"content\":\"u\"}]}",
                  NULL);
    /* last message with null content, or []: Portkey returns no body (transformed all the same) */
    expect_prefix("{\"prefix\":\"P\",\"applyToRole\":\"assistant\"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"u\"},{\"role\":\"assistant\",\"content\":null}]}", NULL,
                  "{\"prefix\":\"P\",\"requestType\":\"chatComplete\",\"applyToRole\":\"assistant\",\"addToExisting\":"
                  "true,\"onlyIfEmpty\":false}");
    expect_prefix("{\"prefix\":\"P\"}", RG_REQ_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[]}]}", NULL, NULL);
    /* Unicode passes through */
    expect_prefix("{\"prefix\":\"\U0001F600 \u65e5: \"}", RG_REQ_CHAT,
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9\"}]}",
                  "{\"messages\":[{\"role\":\"user\",\"content\":\"\U0001F600 \u65e5: caf\u00e9\"}]}", NULL);
}

static void test_add_prefix_complete_and_skips(void **state)
{
    (void)state;
    expect_prefix("{\"prefix\":\"IMPORTANT: \"}", RG_REQ_COMPLETE,
                  "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Write a story about a dog.\"}",
                  "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"IMPORTANT: Write a story about a dog.\"}",
                  "{\"prefix\":\"IMPORTANT: \",\"requestType\":\"complete\",\"applyToRole\":\"user\",\"addToExisting\":"
                  "true,\"onlyIfEmpty\":false}");
    expect_prefix("{\"prefix\":\"P \"}", RG_REQ_COMPLETE, "{\"prompt\":[\"a\",\"b\"]}", "{\"prompt\":[\"P a\",\"b\"]}",
                  NULL);
    expect_prefix("{\"prefix\":\"P \"}", RG_REQ_COMPLETE, "{\"prompt\":\"\"}", NULL, NULL);
    expect_prefix("{\"prefix\":\"P \"}", RG_REQ_COMPLETE, "{\"model\":\"m\"}", NULL, NULL);

    /* response phase and embeddings: nothing at all */
    fixture_t f;
    rg_check_result_t res;
    fx_init(&f, RESP, RG_REQ_CHAT, "x", BODY, "{\"choices\":[]}", NULL);
    run(&rg_check_add_prefix, "{\"prefix\":\"P\"}", &f, &res);
    assert_int_equal(res.verdict, 1);
    assert_int_equal(res.error[0], '\0');
    assert_int_equal(res.transformed, 0);
    assert_null(res.data);
    assert_null(res.request_json);
    assert_null(res.response_json);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);
    fx_init(&f, REQ, RG_REQ_EMBED, "x", "{\"input\":\"Hello world\"}", NULL, NULL);
    run(&rg_check_add_prefix, "{\"prefix\":\"P\"}", &f, &res);
    assert_int_equal(res.verdict, 1);
    assert_int_equal(res.error[0], '\0');
    assert_int_equal(res.transformed, 0);
    assert_null(res.data);
    assert_null(res.request_json);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);

    /* JavaScript TypeError inside the plugin: error, verdict true, nothing changed */
    fx_init(&f, REQ, RG_REQ_CHAT, "x", "{\"messages\":[null,{\"role\":\"user\",\"content\":\"x\"}]}", NULL, NULL);
    run(&rg_check_add_prefix, "{\"prefix\":\"P\"}", &f, &res);
    assert_string_equal(res.error, "Error in addPrefix plugin: Cannot read properties of null (reading 'role')");
    assert_string_equal(res.error_name, "");
    assert_int_equal(res.verdict, 1);
    assert_int_equal(res.transformed, 0);
    assert_null(res.request_json);
    assert_null(res.data);
    rg_check_result_clear(&res, f.text.n);
    fx_free(&f);

    const rg_check_ops_t *o = &rg_check_add_prefix;
    compile_rejects(o, "{}", "Prefix parameter is required and must be a string");
    compile_rejects(o, "{\"prefix\":\"\"}", "Prefix parameter is required and must be a string");
    compile_rejects(o, "{\"prefix\":123}", "Prefix parameter is required and must be a string");
    compile_rejects(o, "{\"prefix\":\"p\",\"applyToRole\":1}", "applyToRole must be a string");
    compile_rejects(o, "{\"prefix\":\"p\",\"addToExisting\":\"false\"}", "addToExisting must be a boolean");
    compile_rejects(o, "{\"prefix\":\"p\",\"onlyIfEmpty\":1}", "onlyIfEmpty must be a boolean");
}

/* ---- textExcerpt written as text ------------------------------------------- */

/* rg_check_jw_excerpt writes the bytes rg_check_excerpt's string dumps as, and nothing where that string is NULL
 * (text that is not UTF-8): around the 100-unit cut, with characters of every width and broken sequences */
static void test_excerpt_text_and_tree_agree(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "\"", "\\", "\n", "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                         "\xff", "\x80", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80"};
    enum { NP = sizeof(pieces) / sizeof(pieces[0]) };
    char text[512];
    uint32_t x = 2463534242u;
    size_t cases = 0, refused = 0;
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, want = (size_t)(round % 130);
        while (n < want) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            /* mostly ASCII and valid characters; a broken sequence now and then */
            const char *p = pieces[x % 100 < 90 ? x % 8 : 8 + x % (NP - 8)];
            size_t l = strlen(p);
            if (n + l > sizeof(text))
                break;
            memcpy(text + n, p, l);
            n += l;
        }
        json_t *tree = rg_check_excerpt(text, n);
        rg_jw_t w = {0};
        RG_JW_LIT(&w, "x");
        int rc = rg_check_jw_excerpt(&w, text, n);
        if (tree == NULL) {
            assert_int_equal(rc, -1);
            assert_int_equal(w.len, 1);
            refused++;
        } else {
            assert_int_equal(rc, 0);
            size_t dl;
            char *d = rg_json_dumps(tree, &dl);
            assert_non_null(d);
            if (w.len - 1 != dl || memcmp(w.p + 1, d, dl) != 0)
                fail_msg("excerpt of %zu bytes: tree %s, text %.*s", n, d, (int)(w.len - 1), w.p + 1);
            free(d);
        }
        json_decref(tree);
        rg_jw_free(&w);
        cases++;
    }
    assert_true(refused > 1000 && refused < cases - 1000); /* both kinds were met */
}

/* ---- concurrency: one compiled state, several threads ------------------- */

typedef struct {
    const rg_check_ops_t *ops;
    const void *compiled;
    int ok;
} thread_arg_t;

static void *hammer(void *p)
{
    thread_arg_t *a = p;
    a->ok = 1;
    for (int i = 0; i < 300; i++) {
        fixture_t f;
        rg_check_result_t res = {0};
        fx_init(&f, REQ, RG_REQ_CHAT, "What is the meaning of life? 42.", BODY, NULL, "{\"user_id\":\"u\"}");
        a->ops->run(a->compiled, &f.env, &res);
        if (res.data == NULL && res.data_json == NULL && res.request_json == NULL)
            a->ok = 0;
        if (res.data_json != NULL) { /* data written as text must parse (no cmocka in threads) */
            json_t *d = json_loadb(res.data_json, res.data_json_len, JSON_REJECT_DUPLICATES, NULL);
            a->ok &= d != NULL;
            json_decref(d);
        }
        rg_check_result_clear(&res, f.text.n);
        fx_free(&f);
    }
    return NULL;
}

static void test_concurrent_runs(void **state)
{
    (void)state;
    struct {
        const rg_check_ops_t *ops;
        const char *params;
    } cs[] = {
        {&rg_check_contains, "{\"words\":[\"life\",\"x\"],\"operator\":\"all\"}"},
        {&rg_check_word_count, "{\"minWords\":1,\"maxWords\":3}"},
        {&rg_check_add_prefix, "{\"prefix\":\"P \"}"},
        {&rg_check_model_rules, "{\"rules\":{\"defaults\":[\"gpt-4o-mini\"],\"metadata\":{\"user_id\":{\"u\":[\"a\"]}}}}"},
        {&rg_check_allowed_request_types, "{\"allowedTypes\":\"chatComplete, embed\"}"},
        {&rg_check_contains_code, "{\"format\":\"Python\"}"},
    };
    for (size_t k = 0; k < sizeof(cs) / sizeof(cs[0]); k++) {
        void *c = compile_ok(cs[k].ops, cs[k].params);
        pthread_t th[4];
        thread_arg_t args[4];
        for (int i = 0; i < 4; i++) {
            args[i] = (thread_arg_t){cs[k].ops, c, 0};
            assert_int_equal(pthread_create(&th[i], NULL, hammer, &args[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            assert_true(args[i].ok);
        }
        cs[k].ops->free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case05_contains_none_pass),
        cmocka_unit_test(test_case06_contains_none_deny),
        cmocka_unit_test(test_case07_08_after_hook_checks),
        cmocka_unit_test(test_case21_contains_any),
        cmocka_unit_test(test_case24_add_prefix),
        cmocka_unit_test(test_case28_29_required_metadata_keys),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_sentence_count),
        cmocka_unit_test(test_sentence_count_long_excerpt),
        cmocka_unit_test(test_word_count),
        cmocka_unit_test(test_word_count_errors),
        cmocka_unit_test(test_character_count),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_ends_with),
        cmocka_unit_test(test_all_uppercase),
        cmocka_unit_test(test_all_lowercase),
        cmocka_unit_test(test_not_null),
        cmocka_unit_test(test_contains_code),
        cmocka_unit_test(test_model_whitelist),
        cmocka_unit_test(test_model_rules),
        cmocka_unit_test(test_required_metadata_keys),
        cmocka_unit_test(test_allowed_request_types),
        cmocka_unit_test(test_add_prefix_chat),
        cmocka_unit_test(test_add_prefix_complete_and_skips),
        cmocka_unit_test(test_excerpt_text_and_tree_agree),
        cmocka_unit_test(test_concurrent_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
