/*
 * text_check.h — running one check on plain text parts, for the detector
 * check tests (test_detect_*.c). The parts are given as raw bytes (so
 * invalid UTF-8 can be tested too); no JSON body is involved. Header-only:
 * each test file is one program.
 */
#ifndef RG_TEST_TEXT_CHECK_H
#define RG_TEST_TEXT_CHECK_H

#include "guard/check.h"
#include "guard/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TC_FN static __attribute__((unused))
#define TC_PARTS_MAX 4

typedef struct {
    const rg_check_ops_t *ops;
    void *compiled;
    rg_text_part_t parts[TC_PARTS_MAX];
    rg_guard_text_t text;
    rg_check_result_t res;
    char err[RG_CHECK_ERROR_MAX];
} tc_run_t;

/* Compiles params (JSON text); NULL with the message in err. */
TC_FN void *tc_compile(const rg_check_ops_t *ops, const char *params, char *err)
{
    json_error_t e;
    json_t *p = json_loads(params, 0, &e);
    if (p == NULL)
        fail_msg("bad test JSON: %s: %s", e.text, params);
    err[0] = '\0';
    void *c = ops->compile(p, err, RG_CHECK_ERROR_MAX);
    json_decref(p);
    return c;
}

/* A check may return its data as JSON text (check.h, data_json; the entity checks do): the tests read it as a
 * tree, so it is parsed here, all of it and exactly one value, or the test fails. */
TC_FN void tc_data_tree(rg_check_result_t *res)
{
    if (res->data_json == NULL)
        return;
    if (res->data != NULL)
        fail_msg("a check set both data and data_json");
    json_error_t e;
    res->data = json_loadb(res->data_json, res->data_json_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                           &e);
    if (res->data == NULL)
        fail_msg("data_json does not parse (%s at %d): %.*s", e.text, e.position, (int)res->data_json_len,
                 res->data_json);
    if (!res->data_json_shared)
        free(res->data_json);
    res->data_json = NULL;
    res->data_json_len = 0;
    res->data_json_shared = 0;
}

/* Runs the check on n parts (s[i] of len[i] bytes; len[i] == SIZE_MAX: strlen). Fails the test if the
 * parameters do not compile. */
TC_FN void tc_run_parts(tc_run_t *r, const rg_check_ops_t *ops, const char *params, const char *const *s,
                        const size_t *len, size_t n)
{
    memset(r, 0, sizeof(*r));
    r->ops = ops;
    r->compiled = tc_compile(ops, params, r->err);
    if (r->compiled == NULL)
        fail_msg("%s did not compile %s: %s", ops->id, params, r->err);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        r->parts[i].s = s[i];
        r->parts[i].len = len[i] == SIZE_MAX ? strlen(s[i]) : len[i];
        total += r->parts[i].len + 1;
    }
    r->text.parts = r->parts;
    r->text.n = n;
    r->text.joined = malloc(total + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            r->text.joined[at++] = '\n';
        memcpy(r->text.joined + at, r->parts[i].s, r->parts[i].len);
        at += r->parts[i].len;
    }
    r->text.joined[at] = '\0';
    r->text.joined_len = at;
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .text = &r->text};
    ops->run(r->compiled, &env, &r->res);
    tc_data_tree(&r->res);
}

TC_FN void tc_run(tc_run_t *r, const rg_check_ops_t *ops, const char *params, const char *text)
{
    size_t len = SIZE_MAX;
    tc_run_parts(r, ops, params, &text, &len, 1);
}

TC_FN void tc_done(tc_run_t *r)
{
    rg_check_result_clear(&r->res, r->text.n);
    free(r->text.joined);
    r->ops->free(r->compiled);
}

/* The result's data as compact JSON (caller frees). */
TC_FN char *tc_data(const tc_run_t *r)
{
    return json_dumps(r->res.data, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

/* data[key] as an integer (-1 when absent). */
TC_FN json_int_t tc_int(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* Part i's replacement as a NUL-terminated string (static buffer), or NULL when it was not replaced. */
TC_FN const char *tc_part(const tc_run_t *r, size_t i)
{
    static char buf[4096];
    if (r->res.parts == NULL || r->res.parts[i] == NULL)
        return NULL;
    size_t n = r->res.part_lens[i] < sizeof(buf) - 1 ? r->res.part_lens[i] : sizeof(buf) - 1;
    memcpy(buf, r->res.parts[i], n);
    buf[n] = '\0';
    return buf;
}

TC_FN void tc_compile_fails(const rg_check_ops_t *ops, const char *params, const char *want_substring)
{
    char err[RG_CHECK_ERROR_MAX];
    void *c = tc_compile(ops, params, err);
    if (c != NULL) {
        ops->free(c);
        fail_msg("%s compiled %s, expected an error with \"%s\"", ops->id, params, want_substring);
    }
    if (strstr(err, want_substring) == NULL)
        fail_msg("%s on %s: error \"%s\" lacks \"%s\"", ops->id, params, err, want_substring);
}

#endif
