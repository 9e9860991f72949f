/* test_check_regex.c — default.regexMatch and default.regexReplace against Portkey 1.15.2's recorded results. */
#include "guard/check.h"
#include "guard/text.h"

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
#include <time.h>

extern const rg_check_ops_t rg_check_regex_match;
extern const rg_check_ops_t rg_check_regex_replace;

#define SSN "\\\\d{3}-\\\\d{2}-\\\\d{4}" /* the rule as it appears inside a JSON string */

static json_t *parse(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
    if (j == NULL)
        fail_msg("bad test JSON: %s: %s", e.text, s);
    return j;
}

static char *dump(const json_t *j) { return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_ENSURE_ASCII); }

static void expect_json(const json_t *j, const char *want)
{
    char *s = dump(j);
    if (strcmp(s, want) != 0)
        fail_msg("JSON differs\n got: %s\nwant: %s", s, want);
    free(s);
}

/* A check run on a body: compile, extract the text, run. */
typedef struct {
    const rg_check_ops_t *ops;
    void *compiled;
    json_t *body;
    rg_guard_text_t text;
    rg_check_result_t res;
    char err[RG_CHECK_ERROR_MAX];
} run_t;

static void *compile_params(const rg_check_ops_t *ops, const char *params, char *err)
{
    json_t *p = parse(params);
    err[0] = '\0';
    void *c = ops->compile(p, err, RG_CHECK_ERROR_MAX);
    json_decref(p);
    return c;
}

/* NULL compiled: err holds the compile message. */
static void run_on(run_t *r, const rg_check_ops_t *ops, const char *params, const char *body, rg_phase_t phase,
                   rg_req_type_t type)
{
    memset(r, 0, sizeof(*r));
    r->ops = ops;
    r->compiled = compile_params(ops, params, r->err);
    r->body = parse(body);
    assert_int_equal(rg_text_extract(r->body, phase, type, 0, &r->text), 0);
    if (r->compiled == NULL)
        return;
    rg_check_env_t env = {.phase = phase,
                          .type = type,
                          .text = &r->text,
                          .request = phase == RG_PHASE_REQUEST ? r->body : NULL,
                          .response = phase == RG_PHASE_RESPONSE ? r->body : NULL};
    ops->run(r->compiled, &env, &r->res);
    tc_data_tree(&r->res); /* data written as text is read here as a tree */
}

static void run_chat(run_t *r, const rg_check_ops_t *ops, const char *params, const char *user_text_json)
{
    char *body;
    if (asprintf(&body, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":%s}]}",
                 user_text_json) < 0)
        fail_msg("out of memory");
    run_on(r, ops, params, body, RG_PHASE_REQUEST, RG_REQ_CHAT);
    free(body);
}

static void run_done(run_t *r)
{
    rg_check_result_clear(&r->res, r->text.n);
    rg_text_free(&r->text);
    json_decref(r->body);
    if (r->compiled)
        r->ops->free(r->compiled);
}

/* ---- regexMatch: Portkey's recorded cases ---------------------------------- */

static void test_ids(void **state)
{
    (void)state;
    assert_string_equal(rg_check_regex_match.id, "default.regexMatch");
    assert_string_equal(rg_check_regex_replace.id, "default.regexReplace");
}

static void test_case01_allowed(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":true}", "\"What is the meaning of life?\"");
    assert_non_null(r.compiled);
    assert_int_equal(r.res.verdict, 1);
    assert_string_equal(r.res.error, "");
    expect_json(r.res.data, "{\"regexPattern\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"not\":true,\"verdict\":true,"
                            "\"explanation\":\"The regex pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' did not match the text as "
                            "expected.\",\"matchDetails\":null,\"textExcerpt\":\"What is the meaning of life?\"}");
    assert_int_equal(r.res.transformed, 0);
    run_done(&r);
}

static void test_case02_denied(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":true}", "\"My SSN is 123-45-6789, remember it.\"");
    assert_int_equal(r.res.verdict, 0);
    assert_string_equal(r.res.error, "");
    expect_json(r.res.data,
                "{\"regexPattern\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"not\":true,\"verdict\":false,\"explanation\":\"The "
                "regex pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' matched the text when it should not have.\",\"matchDetails\":{"
                "\"matchedText\":\"123-45-6789\",\"index\":10,\"groups\":{},\"captures\":[]},\"textExcerpt\":\"My SSN is "
                "123-45-6789, remember it.\"}");
    run_done(&r);
}

static void test_case04_earlier_message(void **state)
{
    (void)state;
    run_t r;
    run_on(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":true}",
           "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is 123-45-6789\"},{\"role\":"
           "\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"thanks\"}]}",
           RG_PHASE_REQUEST, RG_REQ_CHAT);
    assert_int_equal(r.res.verdict, 1);
    expect_json(json_object_get(r.res.data, "textExcerpt"), "\"thanks\"");
    expect_json(json_object_get(r.res.data, "matchDetails"), "null");
    run_done(&r);
}

static void test_case10_missing_rule(void **state)
{
    (void)state;
    char err[RG_CHECK_ERROR_MAX];
    assert_null(compile_params(&rg_check_regex_match, "{}", err));
    assert_string_equal(err, "Missing regex pattern");
    assert_null(compile_params(&rg_check_regex_match, "{\"rule\":\"\",\"not\":true}", err));
    assert_string_equal(err, "Missing regex pattern");
    assert_null(compile_params(&rg_check_regex_match, "{\"rule\":null}", err));
    assert_string_equal(err, "Missing regex pattern");
    assert_null(compile_params(&rg_check_regex_match, "{\"rule\":5}", err));
    assert_string_equal(err, "rule must be a string");
}

static void test_match_without_not(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\"}", "\"SSN 123-45-6789\"");
    assert_int_equal(r.res.verdict, 1);
    expect_json(json_object_get(r.res.data, "not"), "false");
    expect_json(json_object_get(r.res.data, "explanation"),
                "\"The regex pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' successfully matched the text.\"");
    run_done(&r);

    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":false}", "\"no number\"");
    assert_int_equal(r.res.verdict, 0);
    assert_string_equal(r.res.error, "");
    expect_json(json_object_get(r.res.data, "explanation"),
                "\"The regex pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' did not match the text.\"");
    run_done(&r);

    /* `not` is JavaScript-truthy and echoed as given (parameters.not || false) */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"x\",\"not\":1}", "\"abc\"");
    assert_int_equal(r.res.verdict, 1);
    expect_json(json_object_get(r.res.data, "not"), "1");
    run_done(&r);
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"x\",\"not\":0}", "\"abc\"");
    assert_int_equal(r.res.verdict, 0);
    expect_json(json_object_get(r.res.data, "not"), "false");
    run_done(&r);
}

static void test_named_groups_and_captures(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"(?<area>\\\\d{3})-(\\\\d{2})-(?<last>\\\\d{4})\"}",
             "\"call 123-45-6789\"");
    assert_int_equal(r.res.verdict, 1);
    expect_json(json_object_get(r.res.data, "matchDetails"),
                "{\"matchedText\":\"123-45-6789\",\"index\":5,\"groups\":{\"area\":\"123\",\"last\":\"6789\"},"
                "\"captures\":[\"123\",\"45\",\"6789\"]}");
    run_done(&r);

    /* groups keep the pattern's order (not PCRE2's alphabetical name table); an unset
     * named group is undefined (left out), an unset capture is null */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"(?<zeta>b)(?<alpha>x)?(c)?\"}", "\"abd\"");
    expect_json(json_object_get(r.res.data, "matchDetails"),
                "{\"matchedText\":\"b\",\"index\":1,\"groups\":{\"zeta\":\"b\"},\"captures\":[\"b\",null,null]}");
    run_done(&r);

    /* backreferences, named and numbered */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"(?<q>['\\\"])(.*?)\\\\k<q> and \\\\1\"}",
             "\"say 'hi' and ' ok\"");
    expect_json(json_object_get(r.res.data, "matchDetails"),
                "{\"matchedText\":\"'hi' and '\",\"index\":4,\"groups\":{\"q\":\"'\"},\"captures\":[\"'\",\"hi\"]}");
    run_done(&r);

    /* more groups than the per-thread match data holds */
    char rule[512] = "{\"rule\":\"";
    for (int i = 0; i < 40; i++)
        strcat(rule, "(.)");
    strcat(rule, "\"}");
    run_chat(&r, &rg_check_regex_match, rule, "\"0123456789012345678901234567890123456789xyz\"");
    json_t *caps = json_object_get(json_object_get(r.res.data, "matchDetails"), "captures");
    assert_int_equal(json_array_size(caps), 40);
    expect_json(json_array_get(caps, 39), "\"9\"");
    run_done(&r);
}

static void test_utf16_index(void **state)
{
    (void)state;
    run_t r;
    /* "é😀 café " is 9 UTF-16 code units (😀 counts 2), 13 bytes */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\"}", "\"\\u00e9\\ud83d\\ude00 caf\\u00e9 123-45-6789\"");
    expect_json(json_object_get(json_object_get(r.res.data, "matchDetails"), "index"), "9");
    run_done(&r);
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"(\\u00e9+)\"}", "\"\\ud83d\\ude00\\ud83d\\ude00x\\u00e9\\u00e9\"");
    expect_json(json_object_get(r.res.data, "matchDetails"),
                "{\"matchedText\":\"\\u00E9\\u00E9\",\"index\":5,\"groups\":{},\"captures\":[\"\\u00E9\\u00E9\"]}");
    run_done(&r);
}

static void test_invalid_regex(void **state)
{
    (void)state;
    char err[RG_CHECK_ERROR_MAX];
    struct {
        const char *params, *msg;
    } cases[] = {
        {"{\"rule\":\"(\"}", "Invalid regular expression: /(/: Unterminated group"},
        {"{\"rule\":\"a)\"}", "Invalid regular expression: /a)/: Unmatched ')'"},
        {"{\"rule\":\"[b-a]\"}", "Invalid regular expression: /[b-a]/: Range out of order in character class"},
        {"{\"rule\":\"*a\"}", "Invalid regular expression: /*a/: Nothing to repeat"},
        /* PCRE2 syntax that JavaScript rejects: possessive, atomic, inline flags, verbs, comments */
        {"{\"rule\":\"a++\"}", "Invalid regular expression: /a++/: Nothing to repeat"},
        {"{\"rule\":\"(?>a)\"}", "Invalid regular expression: /(?>a)/: Invalid group"},
        {"{\"rule\":\"(?i)a\"}", "Invalid regular expression: /(?i)a/: Invalid group"},
        {"{\"rule\":\"(*LIMIT_MATCH=1)a\"}", "Invalid regular expression: /(*LIMIT_MATCH=1)a/: Nothing to repeat"},
        {"{\"rule\":\"(?#c)a\"}", "Invalid regular expression: /(?#c)a/: Invalid group"},
        {"{\"rule\":\"(?P<n>a)\"}", "Invalid regular expression: /(?P<n>a)/: Invalid group"},
        {"{\"rule\":\"(?<n>a)(?<n>b)\"}", "Invalid regular expression: /(?<n>a)(?<n>b)/: Duplicate capture group name"},
        {"{\"rule\":\"(?<n>a)\\\\k<m>\"}", "Invalid regular expression: /(?<n>a)\\k<m>/: Invalid named capture referenced"},
        {"{\"rule\":\"\\\\\"}", "Invalid regular expression: /\\/: \\ at end of pattern"},
        /* valid JavaScript that PCRE2 cannot compile */
        {"{\"rule\":\"(?<=a+)b\"}", "Invalid regular expression: /(?<=a+)b/: PCRE2: lookbehind assertion is not fixed length"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        void *c = compile_params(&rg_check_regex_match, cases[i].params, err);
        if (c != NULL)
            fail_msg("%s compiled", cases[i].params);
        if (strcmp(err, cases[i].msg) != 0)
            fail_msg("%s: got '%s', want '%s'", cases[i].params, err, cases[i].msg);
    }
    /* valid in JavaScript (Annex B): literal braces, \8, \k without named groups, [\c] */
    const char *ok[] = {"{\"rule\":\"a{,2}\"}", "{\"rule\":\"}\"}", "{\"rule\":\"]\"}", "{\"rule\":\"\\\\8\"}",
                        "{\"rule\":\"\\\\k\"}", "{\"rule\":\"[\\\\c]\"}", "{\"rule\":\"(?<=ab|c)d\"}",
                        "{\"rule\":\"(?<$x>a)\\\\k<$x>\"}", "{\"rule\":\"\\\\p{L}\"}"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        void *c = compile_params(&rg_check_regex_match, ok[i], err);
        if (c == NULL)
            fail_msg("%s: %s", ok[i], err);
        rg_check_regex_match.free(c);
    }
}

static void test_empty_text(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":true}", "\"\"");
    assert_int_equal(r.res.verdict, 0);
    assert_string_equal(r.res.error, "Missing text to match");
    assert_string_equal(r.res.error_name, "Error");
    expect_json(r.res.data, "{\"explanation\":\"An error occurred while processing the regex: Missing text to "
                            "match\",\"regexPattern\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"not\":true,\"textExcerpt\":\"No "
                            "text available\"}");
    run_done(&r);
    /* an image-only message has no text either */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"x\"}", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]");
    assert_string_equal(r.res.error, "Missing text to match");
    run_done(&r);
}

static void test_excerpt_and_parts(void **state)
{
    (void)state;
    run_t r;
    char text[300];
    memset(text, 'x', 150);
    memcpy(text + 130, "123-45-6789", 11);
    text[150] = '\0';
    char json[320];
    snprintf(json, sizeof(json), "\"%s\"", text);
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"" SSN "\"}", json);
    assert_int_equal(r.res.verdict, 1);
    json_t *ex = json_object_get(r.res.data, "textExcerpt");
    assert_int_equal(json_string_length(ex), 103);
    assert_memory_equal(json_string_value(ex) + 100, "...", 3);
    run_done(&r);

    /* content parts are joined with \n before matching; a match may span them */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"one\\\\ntwo\"}",
             "[{\"type\":\"text\",\"text\":\"one\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}},{\"type\":"
             "\"text\",\"text\":\"two\"}]");
    assert_int_equal(r.res.verdict, 1);
    run_done(&r);
}

static void test_js_semantics(void **state)
{
    (void)state;
    struct {
        const char *rule, *text; /* JSON string bodies */
        int match;
    } cases[] = {
        {"^\\\\d+$", "\\u0663\\u0664", 0},       /* \d is ASCII only (Arabic-Indic digits) */
        {"^\\\\w+$", "caf\\u00e9", 0},           /* \w is ASCII only */
        {"a\\\\sb", "a\\u00a0b", 1},             /* \s includes NBSP ... */
        {"a\\\\sb", "a\\ufeffb", 1},             /* ... and BOM */
        {"a[\\\\s]b", "a\\u3000b", 1},           /* in a class too */
        {"a\\\\Sb", "a\\u2003b", 0},             /* \S excludes EM SPACE */
        {"a.b", "a\\u2028b", 0},                 /* . excludes line terminators */
        {"a.b", "a\\rb", 0},
        {"a.b", "a\\u000bb", 1},                 /* but not \v */
        {"abc$", "abc\\n", 0},                   /* $ only at the very end */
        {"^b", "a\\nb", 0},                      /* no m flag */
        {"[]", "anything", 0},                   /* empty class never matches */
        {"^[^]$", "\\n", 1},                     /* [^] matches anything */
        {"a{,2}", "a{,2}", 1},                   /* not a quantifier in JavaScript */
        {"\\\\8", "8", 1},                       /* no group 8: the digit */
        {"\\\\1(a)", "a", 1},                    /* a forward reference matches empty */
        {"(a)|\\\\1b", "b", 1},                  /* so does a reference to an unset group */
        {"\\\\x41\\\\u0042\\\\cJ", "AB\\n", 1},  /* escapes */
        {"\\\\101", "A", 1},                     /* legacy octal */
        {"[\\\\b]", "\\b", 1},                   /* backspace in a class */
        {"\\\\Ax", "Ax", 1},                     /* \A is just A */
        {"\\\\p{L}", "p{L}", 1},                 /* no u flag: \p is p */
        {"(?<=\\\\$)\\\\d+", "cost $42", 1},     /* lookbehind */
        {"(?<!\\\\$)\\\\b\\\\d+", "$42", 0},
        {"\\\\ud83d\\\\ude00", "\\ud83d\\ude00", 1}, /* surrogate pair escape */
        {"^\\\\ud83d", "\\ud83d\\ude00", 1},     /* a high surrogate stands for the characters it starts */
        {"\\ud83d\\ude00{2}", "\\ud83d\\ude00\\ud83d\\ude00", 0}, /* the quantifier repeats the low surrogate */
        {"^[\\\\u0080-\\\\uffff]+$", "\\u00e9\\ud83d\\ude00", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char params[256], text[256];
        snprintf(params, sizeof(params), "{\"rule\":\"%s\"}", cases[i].rule);
        snprintf(text, sizeof(text), "\"%s\"", cases[i].text);
        run_t r;
        run_chat(&r, &rg_check_regex_match, params, text);
        if (r.compiled == NULL)
            fail_msg("%s: %s", cases[i].rule, r.err);
        if (r.res.error[0])
            fail_msg("%s: %s", cases[i].rule, r.res.error);
        if (r.res.verdict != cases[i].match)
            fail_msg("/%s/ on \"%s\": verdict %d, want %d", cases[i].rule, cases[i].text, r.res.verdict, cases[i].match);
        run_done(&r);
    }
}

/* ---- regexReplace ----------------------------------------------------------- */

static void expect_part(const run_t *r, size_t i, const char *want)
{
    assert_non_null(r->res.parts);
    if (want == NULL) {
        assert_null(r->res.parts[i]);
        return;
    }
    assert_non_null(r->res.parts[i]);
    assert_int_equal(r->res.part_lens[i], strlen(want));
    assert_memory_equal(r->res.parts[i], want, strlen(want));
}

static void test_case09_replace(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"" SSN "\",\"redactText\":\"[SSN]\"}",
             "\"My SSN is 123-45-6789, remember it.\"");
    assert_int_equal(r.res.verdict, 1);
    assert_int_equal(r.res.transformed, 1);
    assert_string_equal(r.res.error, "");
    expect_part(&r, 0, "My SSN is [SSN], remember it.");
    expect_json(r.res.data, "{\"regexPattern\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"verdict\":true,\"explanation\":"
                            "\"Pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' matched and was replaced with '[SSN]'\"}");
    run_done(&r);
}

/* Cases 26 and 27: a redaction before a match, sequentially (the match sees it) or in parallel (it does not). */
static void test_case26_27_sequence(void **state)
{
    (void)state;
    const char *body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"My SSN is "
                       "123-45-6789, remember it.\"}]}";
    for (int sequential = 0; sequential < 2; sequential++) {
        run_t rep;
        run_on(&rep, &rg_check_regex_replace, "{\"rule\":\"" SSN "\",\"redactText\":\"[SSN]\"}", body,
               RG_PHASE_REQUEST, RG_REQ_CHAT);
        assert_int_equal(rep.res.transformed, 1);
        json_t *req = json_deep_copy(rep.body);
        if (sequential) { /* apply the transform the way the engine does, then re-extract */
            rg_guard_text_t t;
            assert_int_equal(rg_text_extract(req, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t), 0);
            for (size_t i = 0; i < t.n; i++)
                if (rep.res.parts[i])
                    assert_int_equal(rg_text_replace(&t, i, rep.res.parts[i], rep.res.part_lens[i]), 0);
            rg_text_free(&t);
        }
        char *s = dump(req);
        run_t m;
        run_on(&m, &rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":true}", s, RG_PHASE_REQUEST, RG_REQ_CHAT);
        free(s);
        if (sequential) {
            assert_int_equal(m.res.verdict, 1);
            expect_json(m.res.data, "{\"regexPattern\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"not\":true,\"verdict\":true,"
                                    "\"explanation\":\"The regex pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' did not match the "
                                    "text as expected.\",\"matchDetails\":null,\"textExcerpt\":\"My SSN is [SSN], "
                                    "remember it.\"}");
        } else {
            assert_int_equal(m.res.verdict, 0);
            expect_json(json_object_get(json_object_get(m.res.data, "matchDetails"), "index"), "10");
        }
        run_done(&m);
        run_done(&rep);
        json_decref(req);
    }
}

static void test_replace_first_only_unless_g(void **state)
{
    (void)state;
    run_t r;
    /* Portkey: text.replace(new RegExp(rule), redactText) replaces the first match only */
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"" SSN "\"}", "\"111-11-1111 and 222-22-2222\"");
    expect_part(&r, 0, "[REDACTED] and 222-22-2222");
    run_done(&r);
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"/" SSN "/g\"}", "\"111-11-1111 and 222-22-2222\"");
    expect_part(&r, 0, "[REDACTED] and [REDACTED]");
    expect_json(json_object_get(r.res.data, "regexPattern"), "\"/\\\\d{3}-\\\\d{2}-\\\\d{4}/g\"");
    run_done(&r);
    /* empty matches advance one character (JavaScript's lastIndex) */
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"/x*/g\",\"redactText\":\"-\"}", "\"a\\u00e9b\"");
    expect_part(&r, 0, "-a-\xc3\xa9-b-");
    run_done(&r);
}

static void test_replace_several_parts(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"/\\\\d+/g\",\"redactText\":\"#\"}",
             "[{\"type\":\"text\",\"text\":\"a1b22\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"u9\"}},"
             "{\"type\":\"text\",\"text\":\"no digits\"},{\"type\":\"text\",\"text\":\"333\"}]");
    assert_int_equal(r.text.n, 3);
    assert_int_equal(r.res.transformed, 1);
    expect_part(&r, 0, "a#b#");
    expect_part(&r, 1, NULL);
    expect_part(&r, 2, "#");
    run_done(&r);

    /* a prompt array, each element on its own (^ matches at the start of each) */
    run_on(&r, &rg_check_regex_replace, "{\"rule\":\"^\\\\w\",\"redactText\":\"_\"}", "{\"prompt\":[\"ab\",\"cd\"]}",
           RG_PHASE_REQUEST, RG_REQ_COMPLETE);
    expect_part(&r, 0, "_b");
    expect_part(&r, 1, "_d");
    run_done(&r);

    /* the response phase */
    run_on(&r, &rg_check_regex_replace, "{\"rule\":\"42\",\"redactText\":\"[N]\"}",
           "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"The answer is 42.\"}}]}",
           RG_PHASE_RESPONSE, RG_REQ_CHAT);
    expect_part(&r, 0, "The answer is [N].");
    run_done(&r);
}

static void test_replace_flags_and_templates(void **state)
{
    (void)state;
    struct {
        const char *params, *text, *want; /* want NULL: no match */
    } cases[] = {
        {"{\"rule\":\"/secret/gi\",\"redactText\":\"***\"}", "\"Secret SECRET secret\"", "*** *** ***"},
        {"{\"rule\":\"/secret/i\",\"redactText\":\"***\"}", "\"Secret SECRET\"", "*** SECRET"},
        {"{\"rule\":\"/^\\\\w+/gm\",\"redactText\":\"W\"}", "\"ab cd\\nef\\r\\ngh\\u2028ij\"", "W cd\nW\r\nW\xe2\x80\xa8W"},
        {"{\"rule\":\"/a.b/s\",\"redactText\":\"X\"}", "\"a\\nb\"", "X"},
        {"{\"rule\":\"/a.b/\",\"redactText\":\"X\"}", "\"a\\nb\"", NULL},
        {"{\"rule\":\"/\\\\u{1F600}/gu\",\"redactText\":\":)\"}", "\"hi \\ud83d\\ude00\\ud83d\\ude00\"", "hi :):)"},
        {"{\"rule\":\"/\\\\p{Lu}+/gu\",\"redactText\":\"U\"}", "\"abc \\u00c9T\\u00c9 x\"", "abc U x"},
        {"{\"rule\":\"/b/y\",\"redactText\":\"X\"}", "\"ab\"", NULL}, /* sticky: only at 0 */
        {"{\"rule\":\"/a/gy\",\"redactText\":\"X\"}", "\"aab a\"", "XXb a"},
        {"{\"rule\":\"/(?<d>\\\\d+)/g\",\"redactText\":\"<$<d>>\"}", "\"x1y22\"", "x<1>y<22>"},
        {"{\"rule\":\"/(\\\\w+)@(\\\\w+)/\",\"redactText\":\"$2 at $1 ($&) $$ $3 $0 $<x>\"}", "\"mail bob@host now\"",
         "mail host at bob (bob@host) $ $3 $0 $<x> now"},
        {"{\"rule\":\"/b/\",\"redactText\":\"[$`|$']\"}", "\"abc\"", "a[a|c]c"},
        {"{\"rule\":\"/(a)/\",\"redactText\":\"$10$01\"}", "\"a\"", "a0a"},
        {"{\"rule\":\"/a/d\",\"redactText\":\"X\"}", "\"a\"", "X"}, /* d (indices) is accepted, no effect */
        /* not a /pattern/flags literal: a plain source, as in Portkey */
        {"{\"rule\":\"/usr/bin\",\"redactText\":\"P\"}", "\"see /usr/bin here\"", "see P here"},
        {"{\"rule\":\"/a/b/gi\",\"redactText\":\"P\"}", "\"A/B a/b\"", "P P"},
        {"{\"rule\":\"//\",\"redactText\":\"P\"}", "\"a//b\"", "aPb"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_t r;
        run_chat(&r, &rg_check_regex_replace, cases[i].params, cases[i].text);
        if (r.compiled == NULL)
            fail_msg("%s: %s", cases[i].params, r.err);
        if (r.res.error[0])
            fail_msg("%s: %s", cases[i].params, r.res.error);
        if (cases[i].want == NULL) {
            if (r.res.transformed || r.res.parts)
                fail_msg("%s: transformed", cases[i].params);
        } else {
            if (!r.res.transformed || r.res.parts == NULL || r.res.parts[0] == NULL)
                fail_msg("%s: not transformed", cases[i].params);
            if (r.res.part_lens[0] != strlen(cases[i].want) ||
                memcmp(r.res.parts[0], cases[i].want, r.res.part_lens[0]) != 0)
                fail_msg("%s: got '%.*s', want '%s'", cases[i].params, (int)r.res.part_lens[0], r.res.parts[0],
                         cases[i].want);
        }
        run_done(&r);
    }
}

static void test_replace_bad_params(void **state)
{
    (void)state;
    char err[RG_CHECK_ERROR_MAX];
    assert_null(compile_params(&rg_check_regex_replace, "{\"redactText\":\"x\"}", err));
    assert_string_equal(err, "Missing regex pattern");
    assert_null(compile_params(&rg_check_regex_replace, "{\"rule\":\"/abc/v\"}", err));
    assert_non_null(strstr(err, "Unsupported regex flag 'v'"));
    assert_null(compile_params(&rg_check_regex_replace, "{\"rule\":\"/abc/gg\"}", err));
    assert_string_equal(err, "Invalid flags supplied to RegExp constructor 'gg'");
    assert_null(compile_params(&rg_check_regex_replace, "{\"rule\":\"/(/g\"}", err));
    assert_string_equal(err, "Invalid regular expression: /(/g: Unterminated group");
    assert_null(compile_params(&rg_check_regex_replace, "{\"rule\":\"/\\\\q/u\"}", err));
    assert_string_equal(err, "Invalid regular expression: /\\q/u: Invalid escape");
    assert_null(compile_params(&rg_check_regex_replace, "{\"rule\":\"x\",\"redactText\":{\"a\":1}}", err));
    assert_string_equal(err, "redactText must be a string");
}

static void test_replace_no_match_and_default(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"" SSN "\",\"failOnDetection\":true}", "\"nothing here\"");
    assert_int_equal(r.res.verdict, 1);
    assert_int_equal(r.res.transformed, 0);
    assert_null(r.res.parts);
    expect_json(r.res.data, "{\"regexPattern\":\"\\\\d{3}-\\\\d{2}-\\\\d{4}\",\"verdict\":true,\"explanation\":\"The "
                            "regex pattern '\\\\d{3}-\\\\d{2}-\\\\d{4}' did not match any text.\"}");
    run_done(&r);

    /* redactText "" is falsy: the default */
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"b\",\"redactText\":\"\"}", "\"abc\"");
    expect_part(&r, 0, "a[REDACTED]c");
    expect_json(json_object_get(r.res.data, "explanation"), "\"Pattern 'b' matched and was replaced with '[REDACTED]'\"");
    run_done(&r);
}

static void test_replace_fail_on_detection(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"" SSN "\",\"failOnDetection\":true}", "\"ssn 123-45-6789\"");
    assert_int_equal(r.res.verdict, 0);
    assert_int_equal(r.res.transformed, 1);
    assert_string_equal(r.res.error, "");
    expect_part(&r, 0, "ssn [REDACTED]");
    expect_json(json_object_get(r.res.data, "verdict"), "false");
    run_done(&r);
}

static void test_replace_missing_text(void **state)
{
    (void)state;
    run_t r;
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"x\"}", "\"\"");
    assert_string_equal(r.res.error, "Missing text to match");
    assert_int_equal(r.res.verdict, 1); /* a transformer keeps verdict true on errors */
    assert_int_equal(r.res.transformed, 0);
    expect_json(r.res.data, "{\"explanation\":\"An error occurred while processing the regex: Missing text to match\","
                            "\"regexPattern\":\"x\"}");
    run_done(&r);
    /* content parts without text: Portkey's content is truthy, so no error, no match */
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"x\"}", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]");
    assert_string_equal(r.res.error, "");
    assert_int_equal(r.res.transformed, 0);
    run_done(&r);
}

/* ---- pathological patterns end in an error, not a hang ----------------------- */

/* Streams (check.h, pending): with `not`, the bytes from the earliest match that more text could complete. */
static void test_pending_for_streams(void **state)
{
    (void)state;
    char err[RG_CHECK_ERROR_MAX];
    void *c = compile_params(&rg_check_regex_match, "{\"rule\":\"" SSN "\",\"not\":true}", err);
    assert_non_null(c);
    const struct {
        const char *text;
        size_t want;
    } cases[] = {
        {"call me at 123-4", 5},          /* "123-4" may become an SSN */
        {"call me at 123-45-678", 10},    /* one digit short */
        {"no digits here", 0},
        {"it was 12", 2},                 /* "12" could become "123-…" */
        {"9999 and then some text", 0},   /* four digits then no '-': no match can start there and complete */
        {"", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = rg_check_regex_match.pending(c, cases[i].text, strlen(cases[i].text));
        if (got != cases[i].want)
            fail_msg("pending(\"%s\") = %zu, want %zu", cases[i].text, got, cases[i].want);
    }
    rg_check_regex_match.free(c);
    /* a rule that must match: once it has, more text cannot undo it */
    c = compile_params(&rg_check_regex_match, "{\"rule\":\"" SSN "\"}", err);
    assert_non_null(c);
    assert_int_equal(rg_check_regex_match.pending(c, "call me at 123-4", 16), 0);
    rg_check_regex_match.free(c);
    /* a lookbehind may read before the partial match: that much more waits */
    c = compile_params(&rg_check_regex_match, "{\"rule\":\"(?<=key=)[a-z]{10}\",\"not\":true}", err);
    assert_non_null(c);
    assert_true(rg_check_regex_match.pending(c, "the key=abc", 11) >= 3 + 4);
    rg_check_regex_match.free(c);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_catastrophic_backtracking(void **state)
{
    (void)state;
    /* exponential: the PCRE2 match limit */
    char text[64];
    memset(text, 'a', 40);
    strcpy(text + 40, "!");
    char json[80];
    snprintf(json, sizeof(json), "\"%s\"", text);
    run_t r;
    double t0 = now_s();
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"^(a+)+$\",\"not\":true}", json);
    double dt = now_s() - t0;
    assert_int_equal(r.res.verdict, 0);
    assert_non_null(strstr(r.res.error, "match limit"));
    assert_non_null(strstr(json_string_value(json_object_get(r.res.data, "explanation")),
                           "An error occurred while processing the regex: Regex match limit exceeded"));
    assert_true(dt < 5.0);
    run_done(&r);

    /* polynomial over a long text: each start position is under the match limit, the run's time budget ends it */
    size_t n = 200000;
    char *big = malloc(n + 3);
    big[0] = '"';
    for (size_t i = 0; i < n; i++)
        big[1 + i] = (i % 5 == 4) ? ' ' : 'w';
    big[n + 1] = '"';
    big[n + 2] = '\0';
    t0 = now_s();
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"(?:\\\\w+\\\\s)*\\\\d\"}", big);
    dt = now_s() - t0;
    assert_int_equal(r.res.verdict, 0);
    assert_non_null(strstr(r.res.error, "time budget"));
    assert_true(dt < 5.0);
    run_done(&r);

    /* regexReplace: an error, verdict true, nothing transformed */
    t0 = now_s();
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"/(?:\\\\w+\\\\s)*\\\\d/g\"}", big);
    dt = now_s() - t0;
    assert_non_null(strstr(r.res.error, "time budget"));
    assert_int_equal(r.res.verdict, 1);
    assert_int_equal(r.res.transformed, 0);
    assert_null(r.res.parts);
    assert_true(dt < 5.0);
    run_done(&r);

    /* a legitimate pattern over the same long text is fine */
    run_chat(&r, &rg_check_regex_replace, "{\"rule\":\"/w+/g\",\"redactText\":\"x\"}", big);
    assert_string_equal(r.res.error, "");
    assert_int_equal(r.res.part_lens[0], n / 5 * 2);
    run_done(&r);
    /* deep backtracking (a JIT stack overflow falls back to the interpreter) */
    run_chat(&r, &rg_check_regex_match, "{\"rule\":\"^(?:\\\\w+\\\\s)*$\"}", big);
    assert_string_equal(r.res.error, "");
    run_done(&r);
    free(big);
}

/* ---- one compiled pattern, several threads ----------------------------------- */

typedef struct {
    void *compiled;
    int ok;
} thread_arg_t;

static void *worker(void *p)
{
    thread_arg_t *a = p;
    a->ok = 1;
    const char *bodies[2] = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"id 123-45-6789 x\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"no id here\"}]}",
    };
    for (int i = 0; i < 300; i++) {
        json_t *body = parse(bodies[i % 2]);
        rg_guard_text_t t;
        rg_text_extract(body, RG_PHASE_REQUEST, RG_REQ_CHAT, 0, &t);
        rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .text = &t, .request = body};
        rg_check_result_t res;
        memset(&res, 0, sizeof(res));
        rg_check_regex_match.run(a->compiled, &env, &res);
        int want = i % 2 == 0;
        /* the data is text (check.h, data_json); parsed here without cmocka, which is not for threads */
        json_t *data = res.data_json ? json_loadb(res.data_json, res.data_json_len, 0, NULL) : json_incref(res.data);
        json_t *md = json_object_get(data, "matchDetails");
        if (data == NULL || res.verdict != want || (want && json_integer_value(json_object_get(md, "index")) != 3))
            a->ok = 0;
        json_decref(data);
        rg_check_result_clear(&res, t.n);
        rg_text_free(&t);
        json_decref(body);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    char err[RG_CHECK_ERROR_MAX];
    void *c = compile_params(&rg_check_regex_match, "{\"rule\":\"(?<a>\\\\d{3})-(\\\\d{2})-(\\\\d{4})\"}", err);
    assert_non_null(c);
    pthread_t th[4];
    thread_arg_t args[4];
    for (int i = 0; i < 4; i++) {
        args[i].compiled = c;
        assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_true(args[i].ok);
    }
    rg_check_regex_match.free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_pending_for_streams),
        cmocka_unit_test(test_case01_allowed),
        cmocka_unit_test(test_case02_denied),
        cmocka_unit_test(test_case04_earlier_message),
        cmocka_unit_test(test_case10_missing_rule),
        cmocka_unit_test(test_match_without_not),
        cmocka_unit_test(test_named_groups_and_captures),
        cmocka_unit_test(test_utf16_index),
        cmocka_unit_test(test_invalid_regex),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_excerpt_and_parts),
        cmocka_unit_test(test_js_semantics),
        cmocka_unit_test(test_case09_replace),
        cmocka_unit_test(test_case26_27_sequence),
        cmocka_unit_test(test_replace_first_only_unless_g),
        cmocka_unit_test(test_replace_several_parts),
        cmocka_unit_test(test_replace_flags_and_templates),
        cmocka_unit_test(test_replace_bad_params),
        cmocka_unit_test(test_replace_no_match_and_default),
        cmocka_unit_test(test_replace_fail_on_detection),
        cmocka_unit_test(test_replace_missing_text),
        cmocka_unit_test(test_catastrophic_backtracking),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
