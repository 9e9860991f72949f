/*
 * railgate.promptInjection — prompt-injection and jailbreak detection in
 * process (detect/injection.h; design and figures in
 * docs/internals/detect-injection.md).
 *
 * Parameters:
 *   threshold  number in [0, 1], default RG_PI_DEFAULT_THRESHOLD: the check
 *              fails when the score is at or above it;
 *   model      path of a model file (scripts/train/train_prompt_injection.py
 *              writes them), default the one built into the binary;
 *   patterns   boolean, default true; false scores with the n-gram model
 *              alone (the default threshold was chosen with patterns on);
 *   floods     boolean, default true: in the request phase, a repetition
 *              flood (rg_pi_flood: a unit of letters and spaces of 32 bytes
 *              or fewer repeated 16 times or more over 256 bytes or more,
 *              "ö ö ö …") scores at least FLOOD_SCORE; false leaves floods
 *              to the model.
 * data = {score, threshold, families (pattern families that fired),
 * decoded? (the score is a base64 payload's), unmasked? (the score is that of
 * the text with full-width, spaced or leet words undone), flood? (a flood was found),
 * explanation}, written as JSON text (check.h: data_json); it never quotes
 * the text.
 */
#include "detect/injection.h"
#include "guard/checks/common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chosen by cross-validation for at most 2% false positives on benign prompts (see the design note). */
#define RG_PI_DEFAULT_THRESHOLD 0.55
/* What a prompt with a repetition flood scores at least: above any threshold but a deliberately lenient one. Of the
 * benign texts measured (docs/internals/detect-injection.md) one has a flood, AWS's EXAMPLEEXAMPLE… placeholder;
 * Tensor Trust's attacks have 191 in 1,346. */
#define FLOOD_SCORE 0.9

typedef struct pi_check {
    double threshold;
    const rg_pi_model_t *model;
    rg_pi_model_t *owned; /* a model loaded from `model`, else NULL */
    const rg_hs_db_t *db; /* the shared pattern database (never freed), NULL with patterns: false */
    int floods;           /* the `floods` parameter */
    /* the explanation after the score, formatted once: [flagged][families matched][flood] */
    char tail[2][2][2][112];
    char threshold_json[48]; /* ,"threshold":0.55 */
    size_t threshold_json_len;
} pi_check_t;

static void pi_free(void *p)
{
    pi_check_t *c = p;
    if (c == NULL)
        return;
    rg_pi_model_free(c->owned);
    free(c);
}

static void *pi_compile(json_t *params, char *err, size_t errsz)
{
    if (params != NULL && !json_is_object(params) && !json_is_null(params)) {
        snprintf(err, errsz, "parameters must be an object");
        return NULL;
    }
    json_t *p = json_is_object(params) ? params : NULL;
    double threshold = RG_PI_DEFAULT_THRESHOLD;
    json_t *t = p ? json_object_get(p, "threshold") : NULL;
    if (t != NULL && !json_is_null(t)) {
        if (!json_is_number(t) || !(json_number_value(t) >= 0 && json_number_value(t) <= 1)) {
            snprintf(err, errsz, "threshold must be a number from 0 to 1");
            return NULL;
        }
        threshold = json_number_value(t);
    }
    int patterns = 1, floods = 1;
    if (rg_ck_bool_param(p, "patterns", 1, &patterns, err, errsz) ||
        rg_ck_bool_param(p, "floods", 1, &floods, err, errsz))
        return NULL;
    json_t *mp = p ? json_object_get(p, "model") : NULL;
    if (mp != NULL && !json_is_null(mp) && (!json_is_string(mp) || json_string_length(mp) == 0)) {
        snprintf(err, errsz, "model must be the path of a model file");
        return NULL;
    }
    if (json_is_string(mp) && rg_check_untrusted()) {
        snprintf(err, errsz, "model files can only be named in the gateway's own configuration");
        return NULL;
    }
    pi_check_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->threshold = threshold;
    c->floods = floods;
    if (json_is_string(mp)) {
        c->owned = rg_pi_model_load_file(json_string_value(mp), err, errsz);
        c->model = c->owned;
    } else {
        c->model = rg_pi_model_shipped(err, errsz);
    }
    if (c->model == NULL || (patterns && (c->db = rg_pi_patterns_shared(err, errsz)) == NULL)) {
        pi_free(c);
        return NULL;
    }
    rg_jw_t w = {0};
    RG_JW_LIT(&w, ",\"threshold\":");
    rg_ck_jw_number(&w, threshold);
    int fits = rg_jw_copy(&w, c->threshold_json, sizeof(c->threshold_json), &c->threshold_json_len) == 0;
    rg_jw_free(&w);
    if (!fits) {
        snprintf(err, errsz, "out of memory");
        pi_free(c);
        return NULL;
    }
    for (int f = 0; f < 2; f++)
        for (int m = 0; m < 2; m++)
            for (int fl = 0; fl < 2; fl++)
                snprintf(c->tail[f][m][fl], sizeof(c->tail[f][m][fl]), " is %s the threshold %g%s%s%s.",
                         f ? "at or above" : "below", threshold, m ? "; pattern families matched" : "",
                         fl ? "; a repetition flood" : "", c->db ? "" : " (patterns off)");
    return c;
}

static void pi_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const pi_check_t *c = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    rg_pi_result_t r;
    if (rg_pi_score_text(c->model, c->db, text, len, &r) != 0) {
        rg_check_fail(res, "prompt injection scan failed (out of memory)");
        return;
    }
    size_t fa, fb, fu; /* its extent and unit: not reported (data never quotes or locates the text) */
    int flood = c->floods && env->phase == RG_PHASE_REQUEST && rg_pi_flood(text, len, &fa, &fb, &fu);
    if (flood && r.score < FLOOD_SCORE)
        r.score = FLOOD_SCORE;
    int flagged = r.score >= c->threshold;
    res->verdict = !flagged;
    /* data written as text (check.h): {"score", "threshold", "families", "decoded"?, "unmasked"?, "flood"?, "explanation"} */
    rg_jw_t w = {0};
    RG_JW_LIT(&w, "{\"score\":");
    rg_jw_real(&w, round(r.score * 10000) / 10000);
    rg_jw_raw(&w, c->threshold_json, c->threshold_json_len);
    RG_JW_LIT(&w, ",\"families\":[");
    for (int f = 0, n = 0; f < RG_PI_N_FAMILIES; f++)
        if (r.families >> f & 1) {
            if (n++)
                RG_JW_LIT(&w, ",");
            rg_jw_str(&w, rg_pi_family_names[f], strlen(rg_pi_family_names[f]));
        }
    RG_JW_LIT(&w, "]");
    if (r.decoded) /* the score is that of a base64 payload in the text, decoded */
        RG_JW_LIT(&w, ",\"decoded\":true");
    if (r.unmasked) /* the score is that of the text with full-width, spaced or leet words undone */
        RG_JW_LIT(&w, ",\"unmasked\":true");
    if (flood)
        RG_JW_LIT(&w, ",\"flood\":true");
    RG_JW_LIT(&w, ",\"explanation\":");
    /* "Prompt injection score 0.97" + the tail formatted at compile (a printf per run cost as much as a
     * tenth of the scan of a 1 KB prompt) */
    static const char head[] = "Prompt injection score ";
    char buf[sizeof(head) + 8 + sizeof(c->tail[0][0][0])];
    memcpy(buf, head, sizeof(head) - 1);
    size_t n = sizeof(head) - 1;
    long cents = lround(r.score * 100); /* score in [0, 1] */
    buf[n++] = (char)('0' + cents / 100);
    buf[n++] = '.';
    buf[n++] = (char)('0' + cents / 10 % 10);
    buf[n++] = (char)('0' + cents % 10);
    const char *t = c->tail[flagged][r.families != 0][flood];
    size_t tl = strlen(t);
    memcpy(buf + n, t, tl);
    n += tl;
    rg_jw_str(&w, buf, n);
    RG_JW_LIT(&w, "}");
    rg_check_data_jw(res, &w);
}

const rg_check_ops_t rg_check_rg_prompt_injection = {
    .id = "railgate.promptInjection",
    .compile = pi_compile,
    .run = pi_run,
    .free = pi_free,
};
