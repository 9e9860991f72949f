/* checks/count_range.c — the count checks' shared parameters and results (see count_range.h). */
#include "guard/checks/count_range.h"

#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *rg_ck_count_compile(const rg_ck_count_kind_t *kind, json_t *params, char *err, size_t errsz)
{
    json_t *mn = json_object_get(params, kind->min_param), *mx = json_object_get(params, kind->max_param);
    if (kind->integers ? !rg_ck_js_integer(mn) || !rg_ck_js_integer(mx) : !json_is_number(mn) || !json_is_number(mx)) {
        snprintf(err, errsz, "%s", kind->bad_range);
        return NULL;
    }
    int not;
    if (rg_ck_bool_param(params, "not", 0, &not, err, errsz))
        return NULL;
    rg_ck_count_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    c->kind = kind;
    c->min = json_number_value(mn);
    c->max = json_number_value(mx);
    c->not = not;
    rg_js_number(c->min, c->min_s);
    rg_js_number(c->max, c->max_s);
    rg_jw_t w = {0};
    RG_JW_LIT(&w, "{");
    rg_jw_str(&w, kind->count_key, strlen(kind->count_key));
    RG_JW_LIT(&w, ":");
    int ok = rg_jw_copy(&w, c->head, sizeof(c->head), &c->head_len) == 0;
    rg_jw_reset(&w);
    RG_JW_LIT(&w, ",");
    rg_jw_str(&w, kind->min_key, strlen(kind->min_key));
    RG_JW_LIT(&w, ":");
    rg_ck_jw_number(&w, c->min);
    RG_JW_LIT(&w, ",");
    rg_jw_str(&w, kind->max_key, strlen(kind->max_key));
    RG_JW_LIT(&w, ":");
    rg_ck_jw_number(&w, c->max);
    if (not)
        RG_JW_LIT(&w, ",\"not\":true,\"verdict\":");
    else
        RG_JW_LIT(&w, ",\"not\":false,\"verdict\":");
    ok = ok && rg_jw_copy(&w, c->bounds, sizeof(c->bounds), &c->bounds_len) == 0;
    rg_jw_free(&w);
    if (!ok) {
        free(c);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    return c;
}

static void set_bounds(const rg_ck_count_t *c, json_t *data)
{
    json_object_set_new_nocheck(data, c->kind->min_key, rg_ck_number_json(c->min));
    json_object_set_new_nocheck(data, c->kind->max_key, rg_ck_number_json(c->max));
    json_object_set_new_nocheck(data, "not", json_boolean(c->not));
}

void rg_ck_count_missing(const rg_ck_count_t *c, const char *text, size_t len, rg_check_result_t *res)
{
    rg_check_fail(res, "Missing text to analyze");
    res->data = json_object();
    json_object_set_new(res->data, "explanation", json_string(c->kind->missing));
    set_bounds(c, res->data);
    json_object_set_new(res->data, "textExcerpt", rg_ck_excerpt_or_none(text, len));
}

/*
 * fmt with its "%zu" (count) and two "%s" (a, then b) filled in, into buf; the length, or -1 when it does not fit
 * or fmt holds another directive (the caller falls back to json_sprintf). printf's machinery cost more than the rest
 * of a count check's result on a guarded request.
 */
static int expl_format(char *buf, size_t cap, const char *fmt, size_t count, const char *a, const char *b)
{
    size_t n = 0;
    const char *s_args[2] = {a, b};
    int s_next = 0;
    for (const char *f = fmt; *f; f++) {
        const char *ins = NULL;
        char num[24];
        if (*f != '%') {
            if (n + 1 >= cap)
                return -1;
            buf[n++] = *f;
            continue;
        }
        if (f[1] == 'z' && f[2] == 'u') {
            int k = (int)sizeof(num);
            num[--k] = '\0';
            size_t v = count;
            do
                num[--k] = (char)('0' + v % 10);
            while ((v /= 10) != 0);
            ins = num + k;
            f += 2;
        } else if (f[1] == 's' && s_next < 2) {
            ins = s_args[s_next++];
            f += 1;
        } else {
            return -1;
        }
        size_t l = strlen(ins);
        if (n + l >= cap)
            return -1;
        memcpy(buf + n, ins, l);
        n += l;
    }
    buf[n] = '\0';
    return (int)n;
}

void rg_ck_count_result(const rg_ck_count_t *c, size_t count, const char *excerpt, size_t len, rg_check_result_t *res)
{
    int in_range = (double)count >= c->min && (double)count <= c->max;
    int verdict = c->not ? !in_range : in_range;
    res->verdict = verdict;
    /* the formats and the numbers are ASCII: no UTF-8 check, no second formatting pass as json_sprintf does */
    char expl[256];
    const char *fmt = c->kind->fmt[verdict * 2 + c->not];
    int n = expl_format(expl, sizeof(expl), fmt, count, c->min_s, c->max_s);
    if (n >= 0) { /* written as text (check.h): the same bytes as the tree below */
        rg_jw_t w = {0};
        rg_jw_raw_slow(&w, c->head, c->head_len); /* an empty writer: straight to the growing path */
        rg_jw_int(&w, (long long)count);
        rg_jw_raw(&w, c->bounds, c->bounds_len);
        if (verdict)
            RG_JW_LIT(&w, "true,\"explanation\":");
        else
            RG_JW_LIT(&w, "false,\"explanation\":");
        rg_jw_str(&w, expl, (size_t)n);
        size_t mark = w.len;
        RG_JW_LIT(&w, ",\"textExcerpt\":");
        if (rg_check_jw_excerpt(&w, excerpt, len) != 0)
            w.len = mark; /* a string the tree leaves out */
        RG_JW_LIT(&w, "}");
        rg_check_data_jw(res, &w);
        return;
    }
    res->data = json_object();
    json_object_set_new_nocheck(res->data, c->kind->count_key, json_integer((json_int_t)count));
    set_bounds(c, res->data);
    json_object_set_new_nocheck(res->data, "verdict", json_boolean(verdict));
    json_object_set_new_nocheck(res->data, "explanation", json_sprintf(fmt, count, c->min_s, c->max_s));
    json_object_set_new_nocheck(res->data, "textExcerpt", rg_check_excerpt(excerpt, len));
}
