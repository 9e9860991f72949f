/*
 * regex_match.c — default.regexMatch (Portkey plugins/default/regexMatch.ts):
 * `new RegExp(rule).exec(text)`, with JavaScript semantics from js_regex.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/json_valid.h"
#include "guard/checks/common.h"
#include "guard/js_regex.h"
#include "guard/js_value.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- default.regexMatch ----------------------------------------------------- */

typedef struct {
    rg_jsre_t *re;
    char *rule;
    size_t rule_len;
    int not;
    json_t *not_json; /* data.not: parameters.not || false */
    json_t *rule_json; /* data.regexPattern */
    json_t *expl[2];   /* data.explanation by verdict; these are read-only, shared by every run (incref) */
    /* a run's data up to its explanation, by verdict, as JSON text (check.h, data_json): the rest is written per
     * run. NULL when the rule has named groups (their data stays a tree). */
    char *head[2];
    size_t head_len[2];
} regex_match_t;

static void rm_free(void *p)
{
    regex_match_t *st = p;
    if (st == NULL)
        return;
    rg_jsre_free(st->re);
    free(st->rule);
    json_decref(st->not_json);
    json_decref(st->rule_json);
    json_decref(st->expl[0]);
    json_decref(st->expl[1]);
    free(st->head[0]);
    free(st->head[1]);
    free(st);
}

static void *rm_compile(json_t *params, char *err, size_t errsz)
{
    json_t *rule = rg_ck_rule_param(params, err, errsz);
    if (rule == NULL)
        return NULL;
    regex_match_t *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    st->rule_len = json_string_length(rule);
    st->rule = malloc(st->rule_len + 1);
    if (st->rule == NULL) {
        rm_free(st);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    memcpy(st->rule, json_string_value(rule), st->rule_len + 1);
    st->re = rg_jsre_compile(st->rule, st->rule_len, "", err, errsz);
    if (st->re == NULL) {
        rm_free(st);
        return NULL;
    }
    json_t *not = json_object_get(params, "not");
    st->not = rg_js_truthy(not);
    st->not_json = st->not ? json_incref(not) : json_false();
    st->rule_json = json_stringn(st->rule, st->rule_len);
    for (int v = 0; v < 2; v++) {
        const char *tail = v ? (st->not ? "' did not match the text as expected." : "' successfully matched the text.")
                             : (st->not ? "' matched the text when it should not have." : "' did not match the text.");
        size_t tl = strlen(tail), elen = 19 + st->rule_len + tl;
        char *expl = malloc(elen + 1);
        if (expl) {
            memcpy(expl, "The regex pattern '", 19);
            memcpy(expl + 19, st->rule, st->rule_len);
            memcpy(expl + 19 + st->rule_len, tail, tl + 1);
            st->expl[v] = json_stringn(expl, elen);
            free(expl);
        }
    }
    if (st->rule_json == NULL || st->expl[0] == NULL || st->expl[1] == NULL) {
        rm_free(st);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    int named = 0;
    for (size_t g = 1; g <= rg_jsre_ncap(st->re); g++)
        named |= rg_jsre_group_name(st->re, (uint32_t)g) != NULL;
    for (int v = 0; v < 2 && !named; v++) {
        rg_jw_t w = {0};
        RG_JW_LIT(&w, "{\"regexPattern\":");
        rg_jw_value(&w, st->rule_json);
        RG_JW_LIT(&w, ",\"not\":");
        rg_jw_value(&w, st->not_json);
        if (v)
            RG_JW_LIT(&w, ",\"verdict\":true,\"explanation\":");
        else
            RG_JW_LIT(&w, ",\"verdict\":false,\"explanation\":");
        rg_jw_value(&w, st->expl[v]);
        if ((st->head[v] = rg_jw_take(&w, &st->head_len[v])) == NULL) {
            rm_free(st);
            snprintf(err, errsz, "out of memory");
            return NULL;
        }
    }
    return st;
}

/* A string key and value, left out (as a tree leaves it) when the bytes are not UTF-8. */
static void key_text(rg_jw_t *w, int *first, const char *key, size_t klen, const char *s, size_t n)
{
    if (!rg_utf8_valid(s, n))
        return;
    if (!*first)
        RG_JW_LIT(w, ",");
    *first = 0;
    rg_jw_raw(w, key, klen);
    rg_jw_str(w, s, n);
}

/* The data of a run that executed, as text: the same bytes as the tree below, for rules without named groups. */
static void written(const regex_match_t *st, const char *text, size_t len, int matched, const size_t *ov, size_t ncap,
                    rg_check_result_t *res)
{
    int verdict = st->not ? !matched : matched;
    res->verdict = verdict;
    rg_jw_t w = {0};
    rg_jw_raw_slow(&w, st->head[verdict], st->head_len[verdict]); /* an empty writer: straight to the growing path */
    if (matched) {
        int first = 1;
        RG_JW_LIT(&w, ",\"matchDetails\":{");
        key_text(&w, &first, "\"matchedText\":", 14, text + ov[0], ov[1] - ov[0]);
        if (!first)
            RG_JW_LIT(&w, ",");
        RG_JW_LIT(&w, "\"index\":");
        rg_jw_int(&w, (long long)rg_js_utf16_length(text, ov[0]));
        RG_JW_LIT(&w, ",\"groups\":{},\"captures\":[");
        for (size_t g = 1, n = 0; g <= ncap; g++) {
            int set = ov[2 * g] != PCRE2_UNSET;
            const char *cs = set ? text + ov[2 * g] : NULL;
            size_t cl = set ? ov[2 * g + 1] - ov[2 * g] : 0;
            if (set && !rg_utf8_valid(cs, cl))
                continue; /* a string jansson refuses: the tree's array leaves it out */
            if (n++)
                RG_JW_LIT(&w, ",");
            if (set)
                rg_jw_str(&w, cs, cl);
            else
                RG_JW_LIT(&w, "null");
        }
        RG_JW_LIT(&w, "]}");
    } else {
        RG_JW_LIT(&w, ",\"matchDetails\":null");
    }
    size_t mark = w.len;
    RG_JW_LIT(&w, ",\"textExcerpt\":");
    if (rg_check_jw_excerpt(&w, text, len) != 0)
        w.len = mark;
    RG_JW_LIT(&w, "}");
    rg_check_data_jw(res, &w);
}

static void rm_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const regex_match_t *st = compiled;
    const char *text = env->text ? env->text->joined : NULL;
    size_t len = env->text ? env->text->joined_len : 0;
    const char *rule = st->rule;
    char msg[RG_CHECK_ERROR_MAX];
    size_t ncap = rg_jsre_ncap(st->re);
    size_t ovbuf[2 * 8];
    size_t *ov = ovbuf;
    int rc;

    if (text == NULL || len == 0) {
        snprintf(msg, sizeof(msg), "Missing text to match");
        rc = -1;
    } else {
        if (2 * (ncap + 1) > sizeof(ovbuf) / sizeof(ovbuf[0])) {
            ov = malloc(2 * (ncap + 1) * sizeof(size_t));
            if (ov == NULL) {
                rg_check_fail(res, "out of memory");
                return;
            }
        }
        rg_jsre_budget_t b;
        rg_jsre_budget_start(&b);
        /* valid UTF-8 (the usual case, checked eight ASCII bytes at a time) spares PCRE2 its own check;
         * invalid text still gets PCRE2's error */
        rc = rg_jsre_exec(st->re, text, len, 0, rg_utf8_valid(text, len), &b, ov, msg, sizeof(msg));
    }

    if (rc >= 0 && st->head[0] != NULL) {
        written(st, text, len, rc == 1, ov, ncap, res);
        if (ov != ovbuf)
            free(ov);
        return;
    }
    json_t *data = json_object();
    if (rc < 0) {
        rg_check_fail(res, "%s", msg);
        char expl[RG_CHECK_ERROR_MAX + 64];
        snprintf(expl, sizeof(expl), "An error occurred while processing the regex: %s", msg);
        json_object_set_new(data, "explanation", json_string(expl));
        json_object_set_new(data, "regexPattern", json_stringn(rule, st->rule_len));
        json_object_set(data, "not", st->not_json);
        json_object_set_new(data, "textExcerpt",
                            rg_ck_excerpt_or_none(text ? text : "", len));
    } else {
        int matched = rc == 1;
        int verdict = st->not ? !matched : matched;
        res->verdict = verdict;
        json_object_set_new_nocheck(data, "regexPattern", json_incref(st->rule_json));
        json_object_set_new_nocheck(data, "not", json_incref(st->not_json));
        json_object_set_new_nocheck(data, "verdict", json_boolean(verdict));
        json_object_set_new_nocheck(data, "explanation", json_incref(st->expl[verdict]));
        if (matched) {
            json_t *md = json_object();
            json_t *groups = json_object();
            json_t *caps = json_array();
            json_object_set_new(md, "matchedText", json_stringn(text + ov[0], ov[1] - ov[0]));
            json_object_set_new(md, "index", json_integer((json_int_t)rg_js_utf16_length(text, ov[0])));
            for (size_t g = 1; g <= ncap; g++) {
                int set = ov[2 * g] != PCRE2_UNSET;
                json_t *v = set ? json_stringn(text + ov[2 * g], ov[2 * g + 1] - ov[2 * g]) : json_null();
                const char *name = rg_jsre_group_name(st->re, (uint32_t)g);
                if (name && set) /* an unset group is undefined in match.groups: JSON drops it */
                    json_object_set(groups, name, v);
                json_array_append_new(caps, v); /* undefined in an array serialises as null */
            }
            json_object_set_new(md, "groups", groups);
            json_object_set_new(md, "captures", caps);
            json_object_set_new(data, "matchDetails", md);
        } else {
            json_object_set_new_nocheck(data, "matchDetails", json_null());
        }
        json_object_set_new_nocheck(data, "textExcerpt", rg_check_excerpt(text, len));
    }
    res->data = data;
    if (ov != ovbuf)
        free(ov);
}

/* Parameters that did not compile (a request-supplied hook): Portkey's run-time error result. */
static void rm_invalid(json_t *params, const char *message, const rg_check_env_t *env, rg_check_result_t *res)
{
    char expl[RG_CHECK_ERROR_MAX + 64];
    snprintf(expl, sizeof(expl), "An error occurred while processing the regex: %s", message);
    json_t *data = json_object();
    json_object_set_new(data, "explanation", json_string(expl));
    json_t *rule = json_object_get(params, "rule");
    if (json_is_string(rule))
        json_object_set(data, "regexPattern", rule);
    json_t *not = json_object_get(params, "not");
    json_object_set_new(data, "not", rg_js_truthy(not) ? json_incref(not) : json_false());
    const char *text = env->text ? env->text->joined : "";
    json_object_set_new(data, "textExcerpt", rg_ck_excerpt_or_none(text, env->text ? env->text->joined_len : 0));
    json_decref(res->data);
    res->data = data;
}

/* Streams (check.h): with `not`, a match may be on its way: from the earliest partial match on, the text waits
 * (all of it when that cannot be told). A rule that must match and did stays matched. */
static size_t rm_pending(const void *compiled, const char *text, size_t len)
{
    const regex_match_t *st = compiled;
    if (!st->not || len == 0)
        return 0;
    rg_jsre_budget_t b;
    rg_jsre_budget_start(&b);
    size_t from = 0;
    int rc = rg_jsre_partial(st->re, text, len, 0, rg_utf8_valid(text, len), &b, &from);
    return rc == 0 ? 0 : rc < 0 ? len : len - from;
}

const rg_check_ops_t rg_check_regex_match = {
    .id = "default.regexMatch",
    .compile = rm_compile,
    .run = rm_run,
    .free = rm_free,
    .invalid = rm_invalid,
    .pending = rm_pending,
};
