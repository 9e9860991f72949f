/*
 * default.contains — case-sensitive substring search (JS text.includes(w))
 * for each of `words` in the text. operator any: at least one found; all:
 * none missing; none: none found. No `not`. data = {explanation,
 * foundWords, missingWords, operator}, as Portkey. An empty word is always
 * found (includes("") is true).
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_ANY, OP_ALL, OP_NONE };
static const char *const op_names[] = {"any", "all", "none"};

typedef struct {
    rg_ck_strv_t words;
    int op;
} contains_t;

static void ct_free(void *p)
{
    contains_t *c = p;
    if (c) {
        rg_ck_strv_free(&c->words);
        free(c);
    }
}

static void *ct_compile(json_t *params, char *err, size_t errsz)
{
    rg_ck_strv_t words;
    int o;
    if (rg_ck_op_list_params(params, "words", 0, "operator must be one of: any, all, none",
                             "words must be an array of strings", &o, &words, err, errsz))
        return NULL;
    contains_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        rg_ck_strv_free(&words);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->words = words;
    c->op = o;
    return c;
}

static void ct_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const contains_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    json_t *found = json_array(), *missing = json_array();
    size_t n_found = 0;
    for (size_t i = 0; i < c->words.n; i++) {
        int f = rg_ck_contains(text, len, c->words.s[i], c->words.len[i]);
        json_array_append_new(f ? found : missing, json_stringn(c->words.s[i], c->words.len[i]));
        n_found += f != 0;
    }
    size_t n_missing = c->words.n - n_found;
    int verdict = c->op == OP_ANY ? n_found > 0 : c->op == OP_ALL ? n_missing == 0 : n_found == 0;
    static const char *const pass[] = {"At least one word was found.", "All words were found.", "No words were found."};
    static const char *const fail[] = {"No words were found.", "Some words were missing.", "Some words were found."};

    res->verdict = verdict;
    res->data = json_object();
    json_object_set_new(res->data, "explanation", json_sprintf("Check %s for '%s' words. %s", verdict ? "passed" : "failed",
                                                               op_names[c->op], verdict ? pass[c->op] : fail[c->op]));
    json_object_set_new(res->data, "foundWords", found);
    json_object_set_new(res->data, "missingWords", missing);
    json_object_set_new(res->data, "operator", json_string(op_names[c->op]));
}

const rg_check_ops_t rg_check_contains = {
    .id = "default.contains",
    .compile = ct_compile,
    .run = ct_run,
    .free = ct_free,
};
