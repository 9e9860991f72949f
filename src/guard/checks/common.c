#include "guard/checks/common.h"

#include "core/buf.h"
#include "guard/js_value.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rg_ck_text(const rg_check_env_t *env, size_t *len)
{
    if (env->text == NULL || env->text->joined == NULL) {
        *len = 0;
        return "";
    }
    *len = env->text->joined_len;
    return env->text->joined;
}

json_t *rg_ck_number_json(double d)
{
    if (isfinite(d) && d == floor(d) && fabs(d) <= 9007199254740992.0)
        return json_integer((json_int_t)d);
    return json_real(d);
}

void rg_ck_jw_number(rg_jw_t *w, double d)
{
    if (isfinite(d) && d == floor(d) && fabs(d) <= 9007199254740992.0)
        rg_jw_int(w, (long long)d);
    else
        rg_jw_real(w, d);
}

/*
 * String(v) of a value from a request or the configuration: at most about 8
 * times its JSON text ({} is "[object Object]", 1e20 is 21 digits), so this
 * is far above any body Railgate accepts in practice.
 */
#define RG_CK_JS_STRING_MAX ((size_t)256 << 20)

static int append(rg_buf_t *b, const char *s, size_t n) { return rg_buf_append(b, s, n) == RG_BUF_OK ? 0 : -1; }

static int js_string_into(const json_t *v, rg_buf_t *b, int depth)
{
    char num[RG_JS_NUMBER_MAX];
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        return append(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        rg_js_number((double)json_integer_value(v), num);
        return append(b, num, strlen(num));
    case JSON_REAL:
        rg_js_number(json_real_value(v), num);
        return append(b, num, strlen(num));
    case JSON_TRUE:
        return append(b, "true", 4);
    case JSON_FALSE:
        return append(b, "false", 5);
    case JSON_OBJECT:
        return append(b, "[object Object]", 15);
    case JSON_ARRAY:
        /* Array.prototype.join(","): null and undefined elements give "" */
        if (depth > 64)
            return 0;
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i && append(b, ",", 1))
                return -1;
            const json_t *e = json_array_get(v, i);
            if (!json_is_null(e) && js_string_into(e, b, depth + 1))
                return -1;
        }
        return 0;
    case JSON_NULL:
    default:
        return append(b, v ? "null" : "", v ? 4 : 0);
    }
}

char *rg_ck_js_string(const json_t *v)
{
    rg_buf_t b;
    rg_buf_init(&b, RG_CK_JS_STRING_MAX);
    if (append(&b, "", 0) || js_string_into(v, &b, 0)) {
        rg_buf_free(&b);
        return NULL;
    }
    return b.data;
}

int rg_ck_js_integer(const json_t *v)
{
    if (json_is_integer(v))
        return 1;
    return json_is_real(v) && isfinite(json_real_value(v)) && json_real_value(v) == floor(json_real_value(v));
}

json_t *rg_ck_excerpt_or_none(const char *s, size_t len)
{
    return len ? rg_check_excerpt(s, len) : json_string("No text available");
}

int rg_ck_bool_param(json_t *params, const char *key, int dflt, int *out, char *err, size_t errsz)
{
    json_t *v = json_object_get(params, key);
    if (v == NULL || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v)) {
        snprintf(err, errsz, "%s must be a boolean", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

int rg_ck_strv_push(rg_ck_strv_t *v, const char *s, size_t len)
{
    char **ns = realloc(v->s, (v->n + 2) * sizeof(*ns));
    if (ns == NULL)
        return -1;
    v->s = ns;
    size_t *nl = realloc(v->len, (v->n + 1) * sizeof(*nl));
    if (nl == NULL)
        return -1;
    v->len = nl;
    char *c = malloc(len + 1);
    if (c == NULL)
        return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    v->s[v->n] = c;
    v->len[v->n] = len;
    v->n++;
    v->s[v->n] = NULL;
    return 0;
}

int rg_ck_strv_from_json(const json_t *arr, rg_ck_strv_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_array(arr))
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!json_is_string(json_array_get(arr, i)))
            return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        if (rg_ck_strv_push(out, json_string_value(e), json_string_length(e))) {
            rg_ck_strv_free(out);
            return -1;
        }
    }
    return 0;
}

int rg_ck_op_list_params(json_t *params, const char *key, int nonempty, const char *op_err, const char *list_err,
                         int *op, rg_ck_strv_t *list, char *err, size_t errsz)
{
    static const char *const names[] = {"any", "all", "none"};
    json_t *arr = json_object_get(params, key);
    memset(list, 0, sizeof(*list));
    if (nonempty && (!json_is_array(arr) || json_array_size(arr) == 0)) {
        snprintf(err, errsz, "%s", list_err);
        return -1;
    }
    json_t *o = json_object_get(params, "operator");
    *op = -1;
    for (int i = 0; i < 3 && json_is_string(o); i++)
        if (strcmp(json_string_value(o), names[i]) == 0)
            *op = i;
    if (*op < 0) {
        snprintf(err, errsz, "%s", op_err);
        return -1;
    }
    if (rg_ck_strv_from_json(arr, list) != 0) {
        snprintf(err, errsz, "%s", list_err);
        return -1;
    }
    return 0;
}

void rg_ck_strv_free(rg_ck_strv_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->s[i]);
    free(v->s);
    free(v->len);
    memset(v, 0, sizeof(*v));
}

int rg_ck_strv_has(const rg_ck_strv_t *v, const char *s, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->len[i] == len && memcmp(v->s[i], s, len) == 0)
            return 1;
    return 0;
}

json_t *rg_ck_strv_json(const rg_ck_strv_t *v)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < v->n; i++)
        json_array_append_new(a, json_stringn(v->s[i], v->len[i]));
    return a;
}

int rg_ck_contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return 1;
    return memmem(hay, hlen, needle, nlen) != NULL;
}

void rg_ck_fail_plain(rg_check_result_t *res, int verdict, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof(res->error), fmt, ap);
    va_end(ap);
    res->error_name = "";
    res->verdict = verdict;
}

json_t *rg_ck_rule_param(json_t *params, char *err, size_t errsz)
{
    json_t *rule = json_object_get(params, "rule");
    if (!rg_js_truthy(rule)) {
        snprintf(err, errsz, "Missing regex pattern");
        return NULL;
    }
    if (!json_is_string(rule)) {
        snprintf(err, errsz, "rule must be a string");
        return NULL;
    }
    return rule;
}
