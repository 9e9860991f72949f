/*
 * test_phase_results.c — hook_results entries are written as text by the
 * phase runner (src/guard/phase.c) instead of being built as jansson trees
 * and dumped. This checks the text against a reference that builds the same
 * entries the old way (json_object_set_new per field, in the same order, then
 * rg_json_dumps, which is json_dumps but for reals): same bytes for every shape of result, including the corners
 * where jansson leaves a key out (a NULL or invalid UTF-8 string), an unknown
 * check, a disabled one, an error without a name, feedback objects, untyped
 * hooks and mutators. Timestamps and durations are masked on both sides.
 */
#include "core/json_dump.h"
#include "guard/hook.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a scripted synchronous check: "test.script" ---------------------------- */

/* parameters: verdict (bool), error (string; "\xff" marks invalid UTF-8), name (string or null = leave
 * error_name NULL), data (any), transformed (bool) */
typedef struct script {
    int verdict, transformed, has_name;
    char error[64], name[32];
    json_t *data;
} script_t;

static void fix_bytes(char *s)
{
    for (char *p = s; (p = strstr(p, "<ff>")) != NULL;) {
        *p = (char)0xff;
        memmove(p + 1, p + 4, strlen(p + 4) + 1);
    }
}

static void *s_compile(json_t *p, char *err, size_t errsz)
{
    script_t *s = calloc(1, sizeof(*s));
    s->verdict = json_is_true(json_object_get(p, "verdict"));
    s->transformed = json_is_true(json_object_get(p, "transformed"));
    snprintf(s->error, sizeof(s->error), "%s", json_string_value(json_object_get(p, "error")) ?: "");
    fix_bytes(s->error);
    json_t *n = json_object_get(p, "name");
    s->has_name = json_is_string(n);
    snprintf(s->name, sizeof(s->name), "%s", s->has_name ? json_string_value(n) : "");
    fix_bytes(s->name);
    s->data = json_incref(json_object_get(p, "data"));
    return s;
}

static void s_free(void *c)
{
    script_t *s = c;
    json_decref(s->data);
    free(s);
}

static void s_run(const void *c, const rg_check_env_t *env, rg_check_result_t *res)
{
    const script_t *s = c;
    res->verdict = s->verdict;
    res->transformed = s->transformed;
    snprintf(res->error, sizeof(res->error), "%s", s->error);
    res->error_name = s->has_name ? s->name : NULL;
    res->data = s->data ? json_deep_copy(s->data) : NULL;
}

static const rg_check_ops_t script_ops = {.id = "test.script", .compile = s_compile, .run = s_run, .free = s_free};

/* ---- the reference: the trees the runner built before, dumped ---------------- */

static json_t *ref_check(const rg_hook_check_t *c)
{
    json_t *cr = json_object();
    if (c->ops == NULL) {
        json_object_set_new(cr, "error", json_pack("{s:s, s:s}", "name", "Check error", "message",
                                                   "Error executing check"));
        json_object_set_new(cr, "verdict", json_false());
        json_object_set_new(cr, "data", json_null());
        json_object_set_new(cr, "id", json_string(c->id));
        json_object_set_new(cr, "execution_time", json_integer(0));
        json_object_set_new(cr, "created_at", json_string("T"));
        return cr;
    }
    const script_t *s = c->compiled;
    json_object_set(cr, "data", s->data ? s->data : json_null());
    json_object_set_new(cr, "verdict", json_boolean(s->verdict));
    json_object_set_new(cr, "id", json_string(c->id));
    if (s->error[0]) {
        const char *name = s->has_name ? s->name : "Error";
        json_object_set_new(cr, "error", *name ? json_pack("{s:s, s:s}", "name", name, "message", s->error)
                                               : json_pack("{s:s}", "message", s->error));
    }
    json_object_set_new(cr, "execution_time", json_integer(0));
    json_object_set_new(cr, "transformed", json_boolean(s->transformed));
    json_object_set_new(cr, "created_at", json_string("T"));
    json_object_set_new(cr, "log", json_null());
    json_object_set_new(cr, "fail_on_error", json_boolean(c->fail_on_error));
    return cr;
}

static json_t *ref_hook(const rg_hook_t *h)
{
    json_t *checks = json_array();
    int verdict = 1, transformed = 0, ok = 1;
    char succ[256] = "", fail[256] = "", errd[256] = "";
    for (size_t i = 0; h->type != RG_HOOK_UNTYPED && i < h->n_checks; i++) {
        const rg_hook_check_t *c = &h->checks[i];
        if (!c->enabled)
            continue;
        const script_t *s = c->ops ? c->compiled : NULL;
        int v = s ? s->verdict : 0, errored = s ? s->error[0] != '\0' : 1;
        if (!(v || (errored && !c->fail_on_error)))
            verdict = 0;
        if (!(v || errored))
            ok = 0;
        char *list = errored ? errd : v ? succ : fail;
        snprintf(list + strlen(list), 256 - strlen(list), "%s%s", *list ? ", " : "", c->id);
        transformed |= s ? s->transformed : 0;
        json_array_append_new(checks, ref_check(c));
    }
    json_t *hr = json_object();
    json_object_set_new(hr, "verdict", json_boolean(verdict));
    if (h->id)
        json_object_set_new(hr, "id", json_string(h->id));
    json_object_set_new(hr, "transformed", json_boolean(transformed));
    json_object_set_new(hr, "checks", checks);
    json_t *f = ok ? h->on_success : h->on_fail, *fb = json_null();
    if (f) {
        fb = json_deep_copy(f);
        json_t *md = json_object_get(fb, "metadata");
        if (!json_is_object(md)) {
            md = json_object();
            json_object_set_new(fb, "metadata", md);
        }
        json_object_set_new(md, "successfulChecks", json_string(succ));
        json_object_set_new(md, "failedChecks", json_string(fail));
        json_object_set_new(md, "erroredChecks", json_string(errd));
    }
    json_object_set_new(hr, "feedback", fb);
    json_object_set_new(hr, "execution_time", json_integer(0));
    json_object_set_new(hr, "async", json_boolean(h->async));
    if (h->type != RG_HOOK_UNTYPED)
        json_object_set_new(hr, "type", json_string(h->type == RG_HOOK_MUTATOR ? "mutator" : "guardrail"));
    json_object_set_new(hr, "created_at", json_string("T"));
    json_object_set_new(hr, "deny", json_boolean(h->deny && !verdict));
    return hr;
}

/* ---- helpers ------------------------------------------------------------------ */

/* "created_at":"...Z" → "created_at":"T", "execution_time":123 → "execution_time":0 */
static char *mask(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    const char *p = s, *e = s + n;
    static const char CA[] = "\"created_at\":\"", ET[] = "\"execution_time\":";
    while (p < e) {
        if ((size_t)(e - p) > sizeof(CA) - 1 && memcmp(p, CA, sizeof(CA) - 1) == 0) {
            memcpy(o, CA, sizeof(CA) - 1), o += sizeof(CA) - 1, p += sizeof(CA) - 1;
            while (p < e && *p != '"')
                p++;
            *o++ = 'T';
        } else if ((size_t)(e - p) > sizeof(ET) - 1 && memcmp(p, ET, sizeof(ET) - 1) == 0) {
            memcpy(o, ET, sizeof(ET) - 1), o += sizeof(ET) - 1, p += sizeof(ET) - 1;
            while (p < e && *p >= '0' && *p <= '9')
                p++;
            *o++ = '0';
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (j == NULL)
        fail_msg("bad JSON in test: %s (%s)", s, e.text);
    return j;
}

/* hook from a spec: {"id":..,"type":"guardrail"|"mutator"|null,"deny":b,"async":b,"on_success":..,"on_fail":..,
 * "checks":[{"id":..,"known":b,"enabled":b,"fail_on_error":b,"p":{script parameters}}]} */
static void make_hook(rg_hook_t *h, json_t *spec)
{
    memset(h, 0, sizeof(*h));
    const char *id = json_string_value(json_object_get(spec, "id"));
    if (id) {
        h->id = strdup(id);
        fix_bytes(h->id);
    }
    const char *type = json_string_value(json_object_get(spec, "type"));
    h->type = type == NULL ? RG_HOOK_UNTYPED : strcmp(type, "mutator") == 0 ? RG_HOOK_MUTATOR : RG_HOOK_GUARDRAIL;
    h->deny = json_is_true(json_object_get(spec, "deny"));
    h->async = json_is_true(json_object_get(spec, "async"));
    h->on_success = json_incref(json_object_get(spec, "on_success"));
    h->on_fail = json_incref(json_object_get(spec, "on_fail"));
    json_t *checks = json_object_get(spec, "checks");
    h->n_checks = json_array_size(checks);
    h->checks = calloc(h->n_checks ? h->n_checks : 1, sizeof(*h->checks));
    for (size_t i = 0; i < h->n_checks; i++) {
        json_t *cs = json_array_get(checks, i);
        rg_hook_check_t *c = &h->checks[i];
        c->id = strdup(json_string_value(json_object_get(cs, "id")));
        c->enabled = !json_is_false(json_object_get(cs, "enabled"));
        c->fail_on_error = json_is_true(json_object_get(cs, "fail_on_error"));
        if (!json_is_false(json_object_get(cs, "known"))) {
            c->ops = &script_ops;
            c->compiled = s_compile(json_object_get(cs, "p"), NULL, 0);
        }
    }
}

static void free_hook(rg_hook_t *h)
{
    for (size_t i = 0; i < h->n_checks; i++) {
        if (h->checks[i].compiled)
            s_free(h->checks[i].compiled);
        free(h->checks[i].id);
    }
    free(h->checks);
    free(h->id);
    json_decref(h->on_success);
    json_decref(h->on_fail);
}

/* Runs the hooks of spec (an array) and compares the entries' text with the reference, byte for byte. */
static void compare(const char *spec_text)
{
    json_t *spec = J(spec_text);
    size_t n = json_array_size(spec);
    rg_hook_t *hooks = calloc(n, sizeof(*hooks));
    const rg_hook_t **ptrs = calloc(n, sizeof(*ptrs));
    json_t *ref = json_array();
    for (size_t i = 0; i < n; i++) {
        make_hook(&hooks[i], json_array_get(spec, i));
        ptrs[i] = &hooks[i];
        json_array_append_new(ref, ref_hook(&hooks[i]));
    }
    json_t *body = J("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    rg_phase_args_t a = {.hooks = ptrs, .n = n, .phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .body = body,
                         .provider = "openai"};
    rg_phase_run_t *r = rg_phase_new(&a);
    assert_int_equal(rg_phase_go(r, NULL, NULL), 1);
    size_t len;
    const char *got = rg_phase_results_json(r, &len);
    assert_non_null(got);
    /* our writer's text (reals as the shortest decimal that reads back, json_dump.h), else jansson's bytes */
    char *wire_text = rg_json_dumps(ref, NULL);
    char *want = mask(wire_text + 1, strlen(wire_text) - 2); /* without the array's brackets */
    char *have = mask(got, len);
    assert_string_equal(have, want);
    free(wire_text);
    /* and the tree made on demand is the reference's */
    char *ref_text = json_dumps(ref, JSON_COMPACT);
    size_t rl = strlen(ref_text);
    char *tree_text = json_dumps(rg_phase_results(r), JSON_COMPACT);
    char *tree_masked = mask(tree_text, strlen(tree_text));
    char *ref_masked = mask(ref_text, rl);
    assert_string_equal(tree_masked, ref_masked);
    free(tree_text);
    free(tree_masked);
    free(ref_masked);
    free(want);
    free(have);
    free(ref_text);
    rg_phase_free(r);
    json_decref(body);
    json_decref(ref);
    for (size_t i = 0; i < n; i++)
        free_hook(&hooks[i]);
    free(hooks);
    free(ptrs);
    json_decref(spec);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_plain_pass_and_fail(void **state)
{
    (void)state;
    compare("[{\"id\":\"in\",\"type\":\"guardrail\",\"deny\":true,\"checks\":["
            "{\"id\":\"default.contains\",\"p\":{\"verdict\":true,\"data\":{\"explanation\":\"ok \\\"quoted\\\"\\n\","
            "\"n\":[1,-2,3.5,1e300,null,false]}}},"
            "{\"id\":\"default.wordCount\",\"p\":{\"verdict\":false,\"data\":{}}}]},"
            "{\"id\":\"second\",\"type\":\"guardrail\",\"checks\":[]}]");
}

static void test_errors_unknown_and_disabled_checks(void **state)
{
    (void)state;
    compare("[{\"id\":\"h\",\"type\":\"guardrail\",\"deny\":false,\"checks\":["
            "{\"id\":\"default.nope\",\"known\":false},"
            "{\"id\":\"x.off\",\"enabled\":false,\"p\":{\"verdict\":true}},"
            "{\"id\":\"x.err\",\"fail_on_error\":true,\"p\":{\"verdict\":false,\"error\":\"boom: \\\"why\\\"\"}},"
            "{\"id\":\"x.noname\",\"p\":{\"verdict\":false,\"error\":\"plain\",\"name\":\"\"}},"
            "{\"id\":\"x.named\",\"p\":{\"verdict\":false,\"error\":\"typed\",\"name\":\"TypeError\"}}]}]");
}

static void test_strings_jansson_would_refuse(void **state)
{
    (void)state;
    /* an error message or name that is not UTF-8: jansson's json_pack failed and the key was left out */
    compare("[{\"id\":\"h\",\"type\":\"guardrail\",\"checks\":["
            "{\"id\":\"x.badmsg\",\"p\":{\"verdict\":false,\"error\":\"caf<ff>\"}},"
            "{\"id\":\"x.badname\",\"p\":{\"verdict\":false,\"error\":\"fine\",\"name\":\"N<ff>\"}}]},"
            "{\"id\":\"bad<ff>id\",\"type\":\"guardrail\",\"checks\":[{\"id\":\"x.ok\",\"p\":{\"verdict\":true}}]}]");
}

static void test_feedback_types_and_missing_id(void **state)
{
    (void)state;
    compare("[{\"id\":\"fb\",\"type\":\"guardrail\",\"deny\":true,"
            "\"on_success\":{\"value\":5,\"weight\":1},"
            "\"on_fail\":{\"value\":-10,\"metadata\":{\"failedChecks\":\"old\",\"k\":\"v\"}},"
            "\"checks\":[{\"id\":\"a\",\"p\":{\"verdict\":true}},{\"id\":\"b\",\"p\":{\"verdict\":false}},"
            "{\"id\":\"c\",\"p\":{\"verdict\":false,\"error\":\"e\"}}]},"
            "{\"type\":\"mutator\",\"async\":true,\"on_success\":{\"metadata\":7},"
            "\"checks\":[{\"id\":\"m\",\"p\":{\"verdict\":true,\"transformed\":true}}]},"
            "{\"id\":\"untyped\",\"checks\":[{\"id\":\"never\",\"p\":{\"verdict\":false}}]}]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_pass_and_fail),
        cmocka_unit_test(test_errors_unknown_and_disabled_checks),
        cmocka_unit_test(test_strings_jansson_would_refuse),
        cmocka_unit_test(test_feedback_types_and_missing_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
