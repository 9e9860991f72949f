/*
 * rg_gibberish.c — railgate.gibberish: does the text look like keyboard mash
 * or random strings? A character trigram model's score (detect/gibberish.h;
 * docs/internals/detect-gibberish.md).
 *
 * Parameters:
 *   threshold   0..1 (default 0.5): the verdict is false when the score is
 *               at least this. 0 is typical prose, 1 typical mash; 0.5 is
 *               halfway in bits per character.
 *   minLetters  texts with fewer Latin letters pass unscored (default 12):
 *               "ok", "thx!", a name, a number.
 *   model       path of a model file (scripts/train/train_gibberish.py)
 *               instead of the embedded one; read when the check compiles.
 *   scope       "all": every message (read by the hook compiler).
 *
 * The whole text (the parts joined) is scored at once; chat shorthand (lol,
 * idk, tbh) is left out of it. data: {"score", "bitsPerChar", "threshold",
 * "letters", "words", "otherScriptLetters"?, "shorthandWords"?,
 * "tooShort"?: true}.
 */
#include "detect/gibberish.h"
#include "guard/check.h"
#include "guard/checks/common.h"
#include "guard/checks/rg_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_LETTERS_DEFAULT 12
#define THRESHOLD_DEFAULT 0.5

typedef struct {
    const rg_gib_model_t *model;
    rg_gib_model_t *owned; /* a model loaded from `model` */
    double threshold;
    size_t min_letters;
} gib_t;

static void gib_free(void *p)
{
    gib_t *g = p;
    if (g == NULL)
        return;
    rg_gib_free(g->owned);
    free(g);
}

static void *compile(json_t *params, char *err, size_t errsz)
{
    static const char *const keys[] = {"threshold", "minLetters", "model", NULL};
    if (rg_rc_keys(params, "railgate.gibberish", keys, err, errsz) != 0)
        return NULL;
    double threshold = THRESHOLD_DEFAULT;
    json_t *t = json_object_get(params, "threshold");
    if (t != NULL && !json_is_null(t)) {
        if (!json_is_number(t) || !(json_number_value(t) >= 0 && json_number_value(t) <= 1)) {
            snprintf(err, errsz, "threshold must be a number from 0 to 1");
            return NULL;
        }
        threshold = json_number_value(t);
    }
    size_t min_letters = MIN_LETTERS_DEFAULT;
    json_t *m = json_object_get(params, "minLetters");
    if (m != NULL && !json_is_null(m)) {
        if (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 100000) {
            snprintf(err, errsz, "minLetters must be an integer from 1 to 100000");
            return NULL;
        }
        min_letters = (size_t)json_integer_value(m);
    }
    gib_t *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    g->threshold = threshold;
    g->min_letters = min_letters;
    json_t *path = json_object_get(params, "model");
    if (path != NULL && !json_is_null(path)) {
        if (!json_is_string(path) || json_string_length(path) == 0) {
            snprintf(err, errsz, "model must be a file path");
            gib_free(g);
            return NULL;
        }
        if (rg_check_untrusted()) {
            snprintf(err, errsz, "model files can only be named in the gateway's own configuration");
            gib_free(g);
            return NULL;
        }
        g->owned = rg_gib_load_file(json_string_value(path), err, errsz);
        g->model = g->owned;
    } else {
        g->model = rg_gib_builtin(err, errsz);
    }
    if (g->model == NULL) {
        gib_free(g);
        return NULL;
    }
    return g;
}

static double round3(double x) { return floor(x * 1000 + 0.5) / 1000; }

static void run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const gib_t *g = compiled;
    size_t len;
    const char *s = rg_ck_text(env, &len);
    rg_gib_score_t sc;
    rg_gib_score(g->model, s, len, &sc);
    int too_short = sc.letters < g->min_letters;
    /* data written as text (check.h) */
    rg_jw_t w = {0};
    RG_JW_LIT(&w, "{\"score\":");
    rg_jw_real(&w, round3(sc.score));
    RG_JW_LIT(&w, ",\"bitsPerChar\":");
    rg_jw_real(&w, round3(sc.bits));
    RG_JW_LIT(&w, ",\"threshold\":");
    rg_ck_jw_number(&w, g->threshold);
    RG_JW_LIT(&w, ",\"letters\":");
    rg_jw_int(&w, (long long)sc.letters);
    RG_JW_LIT(&w, ",\"words\":");
    rg_jw_int(&w, (long long)sc.words);
    if (sc.other_letters) {
        RG_JW_LIT(&w, ",\"otherScriptLetters\":");
        rg_jw_int(&w, (long long)sc.other_letters);
    }
    if (sc.shorthand) {
        RG_JW_LIT(&w, ",\"shorthandWords\":");
        rg_jw_int(&w, (long long)sc.shorthand);
    }
    if (too_short)
        RG_JW_LIT(&w, ",\"tooShort\":true");
    RG_JW_LIT(&w, "}");
    rg_check_data_jw(res, &w);
    res->verdict = too_short || sc.score < g->threshold;
}

const rg_check_ops_t rg_check_rg_gibberish = {
    .id = "railgate.gibberish",
    .compile = compile,
    .run = run,
    .free = gib_free,
};
