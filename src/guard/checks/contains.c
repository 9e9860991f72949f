/*
 * default.contains — case-sensitive substring search (JS text.includes(w))
 * for each of `words` in the text. operator any: at least one found; all:
 * none missing; none: none found. No `not`. data = {explanation,
 * foundWords, missingWords, operator}, as Portkey, written as JSON text
 * (check.h: data_json). An empty word is always found (includes("") is
 * true).
 */
#include "guard/checks/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_ANY, OP_ALL, OP_NONE };
static const char *const op_names[] = {"any", "all", "none"};

static const char *const pass[] = {"At least one word was found.", "All words were found.", "No words were found."};
static const char *const fail[] = {"No words were found.", "Some words were missing.", "Some words were found."};

/* Everything in data that does not depend on the text is written at compile, as JSON text (check.h, data_json):
 * a run copies pieces of it. */
typedef struct {
    rg_ck_strv_t words;
    int op;
    rg_jw_t frag;       /* the pieces below, one after another */
    size_t *word_at;    /* word i's JSON string is frag.p[word_at[i], word_at[i + 1]) */
    size_t head_at[3];  /* head by verdict: frag.p[head_at[v], head_at[v + 1]): {"explanation":"…","foundWords":[ */
    size_t tail_at;     /* frag.p[tail_at, frag.len): ],"operator":"any"} */
} contains_t;

static void ct_free(void *p)
{
    contains_t *c = p;
    if (c) {
        rg_jw_free(&c->frag);
        free(c->word_at);
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
    c->word_at = malloc((words.n + 1) * sizeof(*c->word_at));
    rg_jw_t *w = &c->frag;
    for (size_t i = 0; c->word_at && i < words.n; i++) {
        c->word_at[i] = w->len;
        rg_jw_str(w, words.s[i], words.len[i]);
    }
    if (c->word_at)
        c->word_at[words.n] = w->len;
    for (int v = 0; v < 2; v++) {
        char expl[128];
        snprintf(expl, sizeof(expl), "Check %s for '%s' words. %s", v ? "passed" : "failed", op_names[o],
                 v ? pass[o] : fail[o]);
        c->head_at[v] = w->len;
        RG_JW_LIT(w, "{\"explanation\":");
        rg_jw_str(w, expl, strlen(expl));
        RG_JW_LIT(w, ",\"foundWords\":[");
    }
    c->head_at[2] = c->tail_at = w->len;
    RG_JW_LIT(w, "],\"operator\":");
    rg_jw_str(w, op_names[o], strlen(op_names[o]));
    RG_JW_LIT(w, "}");
    if (c->word_at == NULL || rg_jw_cstr(w) == NULL) {
        ct_free(c);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    return c;
}

/* The words whose hit[i] is want, comma-separated. */
static void word_list(rg_jw_t *w, const contains_t *c, const unsigned char *hit, int want)
{
    int first = 1;
    for (size_t i = 0; i < c->words.n; i++)
        if (hit[i] == want) {
            if (!first)
                RG_JW_LIT(w, ",");
            first = 0;
            rg_jw_raw(w, c->frag.p + c->word_at[i], c->word_at[i + 1] - c->word_at[i]);
        }
}

static void ct_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const contains_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    size_t n_found = 0;
    unsigned char stack_hit[64], *hit = c->words.n <= sizeof(stack_hit) ? stack_hit : malloc(c->words.n);
    if (hit == NULL) {
        rg_check_fail(res, "out of memory");
        return;
    }
    for (size_t i = 0; i < c->words.n; i++) {
        hit[i] = rg_ck_contains(text, len, c->words.s[i], c->words.len[i]) != 0;
        n_found += hit[i];
    }
    size_t n_missing = c->words.n - n_found;
    int verdict = c->op == OP_ANY ? n_found > 0 : c->op == OP_ALL ? n_missing == 0 : n_found == 0;
    res->verdict = verdict;
    /* {"explanation", "foundWords", "missingWords", "operator"}: the words in their order */
    rg_jw_t w = {0};
    rg_jw_raw_slow(&w, c->frag.p + c->head_at[verdict], c->head_at[verdict + 1] - c->head_at[verdict]);
    word_list(&w, c, hit, 1);
    RG_JW_LIT(&w, "],\"missingWords\":[");
    word_list(&w, c, hit, 0);
    rg_jw_raw(&w, c->frag.p + c->tail_at, c->frag.len - c->tail_at);
    if (hit != stack_hit)
        free(hit);
    rg_check_data_jw(res, &w);
}

/* Streams (check.h): with operator none, a word may be arriving: the last (longest word - 1) bytes wait. Found
 * words pass any/all for good. */
static size_t ct_pending(const void *compiled, const char *text, size_t len)
{
    (void)text;
    (void)len;
    const contains_t *c = compiled;
    size_t most = 0;
    if (c->op == OP_NONE)
        for (size_t i = 0; i < c->words.n; i++)
            if (c->words.len[i] > most + 1)
                most = c->words.len[i] - 1;
    return most;
}

const rg_check_ops_t rg_check_contains = {
    .id = "default.contains",
    .compile = ct_compile,
    .run = ct_run,
    .free = ct_free,
    .pending = ct_pending,
};
