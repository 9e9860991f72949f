/*
 * default.jsonKeys — top-level keys of JSON found in the text (Portkey
 * plugins/default/jsonKeys.ts). `keys`: a non-empty array of strings;
 * `operator`: any | all | none (required). No `not`.
 *
 * Candidates: the bodies of all ``` / ```json fences, trimmed, followed by
 * every non-greedy {...} match (both, always, in that order; see
 * guard/json_js.h). Each one JSON.parse accepts is checked with JavaScript's
 * parsedJson.hasOwnProperty(key) for each key: for objects the own keys, for
 * arrays the indices below the length and "length", for strings the UTF-16
 * indices and "length", nothing for numbers and booleans. The first candidate
 * that satisfies the operator wins; otherwise the best is the first with
 * strictly more keys present than any before it (none, if every candidate
 * has zero: matchedJson null).
 *
 * As in JavaScript, a candidate that is JSON null, or an object with its own
 * "hasOwnProperty" key, makes hasOwnProperty throw a TypeError; Portkey's
 * catch branch turns that into the check's error, and so does this.
 *
 * data = {matchedJson, verdict, explanation, presentKeys, missingKeys,
 * operator, textExcerpt}; no candidate → {explanation: "No valid JSON found
 * in the text.", requiredKeys, operator, textExcerpt}; empty text → error
 * "Missing text to analyze" with {explanation, operator, requiredKeys,
 * textExcerpt: "No text available"}. Verdict false unless a candidate
 * satisfied the operator.
 */
#include "guard/checks/common.h"
#include "guard/js_value.h"
#include "guard/json_js.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_ANY, OP_ALL, OP_NONE };
static const char *const op_names[] = {"any", "all", "none"};

typedef struct {
    rg_ck_strv_t keys;
    int op;
} jsonkeys_t;

static void jk_free(void *p)
{
    jsonkeys_t *c = p;
    if (c) {
        rg_ck_strv_free(&c->keys);
        free(c);
    }
}

static void *jk_compile(json_t *params, char *err, size_t errsz)
{
    /* Portkey would String() a non-string key; Railgate asks for strings */
    rg_ck_strv_t keys;
    int o;
    if (rg_ck_op_list_params(params, "keys", 1, "Invalid or missing operator (must be \"any\", \"all\", or \"none\")",
                             "Missing or invalid keys array", &o, &keys, err, errsz))
        return NULL;
    jsonkeys_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        rg_ck_strv_free(&keys);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->keys = keys;
    c->op = o;
    return c;
}

/* a canonical array index ("0", "17"; not "01") below limit */
static int index_below(const char *k, size_t n, size_t limit)
{
    if (n == 0 || n > 10 || (k[0] == '0' && n > 1))
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(k[i] - '0');
    }
    return v < 4294967295u && v < limit;
}

/* JavaScript v.hasOwnProperty(key) for a JSON.parse result */
static int has_own(const json_t *v, const char *k, size_t n)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return json_object_getn(v, k, n) != NULL;
    case JSON_ARRAY:
        return (n == 6 && memcmp(k, "length", 6) == 0) || index_below(k, n, json_array_size(v));
    case JSON_STRING:
        return (n == 6 && memcmp(k, "length", 6) == 0) ||
               index_below(k, n, rg_js_utf16_length(json_string_value(v), json_string_length(v)));
    default:
        return 0;
    }
}

/* "[a, b]" of the keys whose flag equals want, or NULL when there are none */
static char *join_keys(const jsonkeys_t *c, const unsigned char *present, int want)
{
    size_t total = 3;
    for (size_t i = 0; i < c->keys.n; i++)
        if (present[i] == want)
            total += c->keys.len[i] + 2;
    char *s = malloc(total), *o = s;
    if (s == NULL)
        return NULL;
    *o++ = '[';
    int first = 1;
    for (size_t i = 0; i < c->keys.n; i++) {
        if (present[i] != want)
            continue;
        if (!first) {
            memcpy(o, ", ", 2);
            o += 2;
        }
        first = 0;
        memcpy(o, c->keys.s[i], c->keys.len[i]);
        o += c->keys.len[i];
    }
    *o++ = ']';
    *o = '\0';
    return s;
}

static json_t *explanation(const jsonkeys_t *c, const unsigned char *present, size_t n_present, int verdict)
{
    size_t n_missing = c->keys.n - n_present;
    char *found = n_present ? join_keys(c, present, 1) : NULL;
    char *missing = n_missing ? join_keys(c, present, 0) : NULL;
    json_t *r = NULL;
    if ((n_present && found == NULL) || (n_missing && missing == NULL))
        goto out;
    const char *lead, *list_kind;
    switch (c->op) {
    case OP_ANY:
        lead = verdict ? "Successfully found at least one required key." : "Failed to find any required keys.";
        list_kind = verdict ? "found" : "missing";
        break;
    case OP_ALL:
        lead = verdict ? "Successfully found all required keys." : "Failed to find all required keys.";
        list_kind = verdict ? "found" : "missing";
        break;
    default:
        lead = verdict ? "Successfully verified no required keys are present." : "Found some keys that should not be present.";
        list_kind = verdict ? "missing" : "found";
        break;
    }
    if (list_kind[0] == 'f')
        r = found ? json_sprintf("%s Found keys: %s.", lead, found) : json_sprintf("%s No matching keys found.", lead);
    else
        r = missing ? json_sprintf("%s Missing keys: %s.", lead, missing) : json_sprintf("%s No missing keys.", lead);
out:
    free(found);
    free(missing);
    return r;
}

static json_t *keys_where(const jsonkeys_t *c, const unsigned char *present, int want)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < c->keys.n; i++)
        if (present[i] == want)
            json_array_append_new(a, json_stringn(c->keys.s[i], c->keys.len[i]));
    return a;
}

static void jk_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const jsonkeys_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    const char *type_error = NULL;
    res->verdict = 0;

    if (len == 0) {
        rg_check_fail(res, "Missing text to analyze");
        res->data = json_pack("{s:s, s:s, s:o, s:o}", "explanation",
                              "An error occurred while processing JSON: Missing text to analyze", "operator",
                              op_names[c->op], "requiredKeys", rg_ck_strv_json(&c->keys), "textExcerpt",
                              rg_ck_excerpt_or_none(text, len));
        return;
    }

    unsigned char *cur = calloc(c->keys.n, 1), *best = calloc(c->keys.n, 1);
    if (cur == NULL || best == NULL) {
        free(cur);
        free(best);
        rg_check_fail(res, "out of memory");
        return;
    }
    json_t *best_json = NULL;
    size_t best_present = 0;
    int best_verdict = 0, any = 0, done = 0;

    for (int pass = 0; pass < 2 && !done && type_error == NULL; pass++) {
        size_t pos = 0, off, n;
        while (!done && type_error == NULL &&
               (pass == 0 ? rg_js_next_fence(text, len, &pos, &off, &n)
                          : rg_js_next_braces(text, len, &pos, &off, &n))) {
            any = 1;
            json_t *v = rg_js_parse(text + off, n);
            if (v == NULL)
                continue;
            if (json_is_null(v)) {
                type_error = "Cannot read properties of null (reading 'hasOwnProperty')";
            } else if (json_is_object(v) && json_object_get(v, "hasOwnProperty") != NULL) {
                type_error = "t.hasOwnProperty is not a function"; /* the bundled build names the variable t */
            }
            if (type_error) {
                json_decref(v);
                break;
            }
            size_t present = 0;
            for (size_t i = 0; i < c->keys.n; i++) {
                cur[i] = (unsigned char)has_own(v, c->keys.s[i], c->keys.len[i]);
                present += cur[i];
            }
            size_t missing = c->keys.n - present;
            int verdict = c->op == OP_ANY ? present > 0 : c->op == OP_ALL ? missing == 0 : present == 0;
            if (verdict || present > best_present) {
                json_decref(best_json);
                best_json = v;
                memcpy(best, cur, c->keys.n);
                best_present = present;
                best_verdict = verdict;
            } else {
                json_decref(v);
            }
            done = verdict;
        }
    }

    if (type_error != NULL) {
        res->error_name = "TypeError";
        rg_check_fail(res, "%s", type_error);
        res->data = json_pack("{s:s+, s:s, s:o, s:o}", "explanation", "An error occurred while processing JSON: ",
                              type_error, "operator", op_names[c->op], "requiredKeys", rg_ck_strv_json(&c->keys),
                              "textExcerpt", rg_ck_excerpt_or_none(text, len));
    } else if (!any) {
        res->data = json_pack("{s:s, s:o, s:s, s:o}", "explanation", "No valid JSON found in the text.",
                              "requiredKeys", rg_ck_strv_json(&c->keys), "operator", op_names[c->op], "textExcerpt",
                              rg_check_excerpt(text, len));
    } else {
        res->verdict = best_verdict;
        res->data = json_pack("{s:O?, s:b, s:o, s:o, s:o, s:s, s:o}", "matchedJson", best_json, "verdict",
                              best_verdict, "explanation", explanation(c, best, best_present, best_verdict),
                              "presentKeys", keys_where(c, best, 1), "missingKeys", keys_where(c, best, 0),
                              "operator", op_names[c->op], "textExcerpt", rg_check_excerpt(text, len));
    }
    if (res->data == NULL)
        rg_check_fail(res, "out of memory");
    json_decref(best_json);
    free(cur);
    free(best);
}

const rg_check_ops_t rg_check_json_keys = {
    .id = "default.jsonKeys",
    .compile = jk_compile,
    .run = jk_run,
    .free = jk_free,
};
