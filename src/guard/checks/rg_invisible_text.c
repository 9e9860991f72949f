/*
 * rg_invisible_text.c — railgate.invisibleText: invisible characters, hidden
 * tag-character and variation-selector payloads, bidi controls and homoglyph
 * words (detect/invisible.h; docs/internals/detect-text.md).
 *
 * Parameters:
 *   action      "detect" (default: verdict false when anything is found) or
 *               "strip" (verdict true; each part that had something comes
 *               back without it, homoglyph words rewritten in one script).
 *   categories  names to look for (default all): zeroWidth, bidi, tags,
 *               variationSelectors, format, homoglyphs.
 *   scope       "all": every message (read by the hook compiler).
 *
 * data: {"action", "found", "counts": {category: n}, "hiddenAsciiLength"?,
 * "hiddenBytes"?, "positions": [{"category", "part", "start", "end"}]} with
 * at most 16 positions in code points within the part, written as JSON text
 * (check.h: data_json). The hidden payload is never echoed: only its length.
 */
#include "core/buf.h"
#include "detect/invisible.h"
#include "guard/check.h"
#include "guard/checks/rg_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned mask;
    int strip;
    char empty[80]; /* the data of a run that found nothing, lent to its results */
    size_t empty_len;
} inv_t;

/* {"action":"detect","found":N,"counts":{ (the rest follows) */
static void data_head(rg_jw_t *w, int strip, size_t found)
{
    RG_JW_LIT(w, "{\"action\":");
    if (strip)
        RG_JW_LIT(w, "\"strip\"");
    else
        RG_JW_LIT(w, "\"detect\"");
    RG_JW_LIT(w, ",\"found\":");
    rg_jw_int(w, (long long)found);
    RG_JW_LIT(w, ",\"counts\":{");
}

static void *compile(json_t *params, char *err, size_t errsz)
{
    static const char *const keys[] = {"action", "categories", NULL};
    static const char *const actions[] = {"detect", "strip", NULL};
    int strip;
    if (rg_rc_keys(params, "railgate.invisibleText", keys, err, errsz) != 0 ||
        rg_rc_choice(params, "action", actions, &strip, err, errsz) != 0)
        return NULL;
    json_t *v;
    unsigned mask = RG_INV_ALL;
    json_t *cats = json_object_get(params, "categories");
    if (cats != NULL && !json_is_null(cats)) {
        if (!json_is_array(cats) || json_array_size(cats) == 0) {
            snprintf(err, errsz, "categories must be a non-empty array of names");
            return NULL;
        }
        mask = 0;
        size_t i;
        json_array_foreach(cats, i, v) {
            int found = -1;
            for (int c = 0; c < RG_INV_NCAT && json_is_string(v); c++)
                if (!strcmp(json_string_value(v), rg_invisible_names[c]))
                    found = c;
            if (found < 0) {
                snprintf(err, errsz, "unknown category %.60s (known: zeroWidth bidi tags variationSelectors format "
                         "homoglyphs)", json_is_string(v) ? json_string_value(v) : "(not a string)");
                return NULL;
            }
            mask |= 1u << found;
        }
    }
    inv_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->mask = mask;
    c->strip = strip;
    rg_jw_t w = {0};
    data_head(&w, strip, 0);
    RG_JW_LIT(&w, "},\"positions\":[]}");
    int fits = rg_jw_copy(&w, c->empty, sizeof(c->empty), &c->empty_len) == 0;
    rg_jw_free(&w);
    if (!fits) {
        free(c);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    return c;
}

static void run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const inv_t *c = compiled;
    size_t n = env->text ? env->text->n : 0;
    size_t counts[RG_INV_NCAT] = {0}, found = 0, hidden_ascii = 0, hidden_bytes = 0, n_pos = 0;
    rg_jw_t pos = {0}; /* the positions' entries */
    rg_rc_parts_t parts;
    int failed = rg_rc_parts_init(&parts, c->strip ? n : 0) != 0;
    for (size_t i = 0; i < n && !failed; i++) {
        const rg_text_part_t *p = &env->text->parts[i];
        rg_inv_report_t rep;
        rg_invisible_scan(p->s, p->len, c->mask, &rep);
        if (rep.found == 0)
            continue;
        found += rep.found;
        hidden_ascii += rep.hidden_ascii;
        hidden_bytes += rep.hidden_bytes;
        for (int k = 0; k < RG_INV_NCAT; k++)
            counts[k] += rep.counts[k];
        for (size_t h = 0; h < rep.n_first && n_pos < RG_INV_FIRST_MAX; h++, n_pos++) {
            const char *cat = rg_invisible_names[rep.first[h].cat];
            if (n_pos)
                RG_JW_LIT(&pos, ",");
            RG_JW_LIT(&pos, "{\"category\":");
            rg_jw_str(&pos, cat, strlen(cat));
            RG_JW_LIT(&pos, ",\"part\":");
            rg_jw_int(&pos, (long long)i);
            RG_JW_LIT(&pos, ",\"start\":");
            rg_jw_int(&pos, (long long)rep.first[h].start);
            RG_JW_LIT(&pos, ",\"end\":");
            rg_jw_int(&pos, (long long)rep.first[h].end);
            RG_JW_LIT(&pos, "}");
        }
        if (!c->strip)
            continue;
        rg_buf_t out;
        rg_buf_init(&out, p->len * 3 + 16); /* Latin to Cyrillic doubles a letter; a bad byte becomes 3 */
        if (rg_invisible_strip(p->s, p->len, c->mask, &rep, &out) != 0) {
            rg_buf_free(&out);
            failed = 1;
            break;
        }
        parts.s[i] = out.data ? out.data : strdup("");
        parts.len[i] = out.len;
        failed |= parts.s[i] == NULL;
    }
    if (failed || pos.oom) {
        rg_rc_parts_free(&parts);
        rg_jw_free(&pos);
        rg_check_fail(res, "railgate.invisibleText: out of memory");
        return;
    }
    res->verdict = c->strip || found == 0;
    if (found == 0) {
        rg_check_data_lend(res, c->empty, c->empty_len);
        rg_rc_parts_free(&parts);
        return;
    }
    /* data written as text (check.h), keys in the order the header comment gives */
    rg_jw_t w = {0};
    data_head(&w, c->strip, found);
    for (int k = 0, m = 0; k < RG_INV_NCAT; k++)
        if (counts[k]) {
            if (m++)
                RG_JW_LIT(&w, ",");
            rg_jw_str(&w, rg_invisible_names[k], strlen(rg_invisible_names[k]));
            RG_JW_LIT(&w, ":");
            rg_jw_int(&w, (long long)counts[k]);
        }
    RG_JW_LIT(&w, "}");
    if (hidden_ascii) {
        RG_JW_LIT(&w, ",\"hiddenAsciiLength\":");
        rg_jw_int(&w, (long long)hidden_ascii);
    }
    if (hidden_bytes) {
        RG_JW_LIT(&w, ",\"hiddenBytes\":");
        rg_jw_int(&w, (long long)hidden_bytes);
    }
    RG_JW_LIT(&w, ",\"positions\":[");
    rg_jw_raw(&w, pos.p, pos.len);
    RG_JW_LIT(&w, "]}");
    rg_jw_free(&pos);
    rg_check_data_jw(res, &w);
    rg_rc_parts_give(&parts, res);
}

const rg_check_ops_t rg_check_rg_invisible_text = {
    .id = "railgate.invisibleText",
    .compile = compile,
    .run = run,
    .free = free,
};
