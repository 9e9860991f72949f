/*
 * default.allowedRequestTypes — allow or block by request type
 * (rg_req_type_name: "chatComplete", "complete", "embed").
 * allowedTypes / blockedTypes: arrays or comma-separated strings; when a
 * list is empty it falls back to the request metadata's
 * supported_endpoints / blocked_endpoints (same two forms). Neither list →
 * allowed ("unrestricted"); only a blocklist → "blocklist"; only an
 * allowlist → "allowlist"; both → "combined", where the blocklist wins. A
 * type in both lists is an error (rejected at compile time when both come
 * from the parameters, since the metadata is then never consulted).
 * data = {currentRequestType, allowedTypes?, blockedTypes?, verdict,
 * explanation, source, mode} as Portkey.
 */
#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int truthy;            /* JS truthiness of the parameter as given */
    char *raw;             /* the string form as given, or NULL */
    size_t raw_len;
    rg_ck_strv_t items;    /* the array, or the string split on ',' and trimmed */
} type_list_t;

typedef struct {
    type_list_t allowed, blocked;
} allowed_request_types_t;

static void list_free(type_list_t *l)
{
    free(l->raw);
    rg_ck_strv_free(&l->items);
}

static void art_free(void *p)
{
    allowed_request_types_t *c = p;
    if (c) {
        list_free(&c->allowed);
        list_free(&c->blocked);
        free(c);
    }
}

/* "a, b,,c" → ["a", "b", "", "c"] (JS split(',').map(t => t.trim())) */
static int split_into(const char *s, size_t len, rg_ck_strv_t *out)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        size_t b, e;
        rg_js_trim(s + start, i - start, &b, &e);
        if (rg_ck_strv_push(out, s + start + b, e - b))
            return -1;
        start = i + 1;
    }
    return 0;
}

static int list_compile(json_t *params, const char *key, type_list_t *l, char *err, size_t errsz)
{
    json_t *v = json_object_get(params, key);
    memset(l, 0, sizeof(*l));
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_array(v)) {
        l->truthy = 1;
        if (rg_ck_strv_from_json(v, &l->items))
            return snprintf(err, errsz, "%s must be an array of strings or a comma-separated string", key), -1;
        return 0;
    }
    if (!json_is_string(v))
        return snprintf(err, errsz, "%s must be an array of strings or a comma-separated string", key), -1;
    if (json_string_length(v) == 0)
        return 0; /* "" is falsy: ignored, as in Portkey */
    l->truthy = 1;
    l->raw_len = json_string_length(v);
    if ((l->raw = malloc(l->raw_len + 1)) == NULL || split_into(json_string_value(v), l->raw_len, &l->items))
        return snprintf(err, errsz, "out of memory"), -1;
    memcpy(l->raw, json_string_value(v), l->raw_len + 1);
    return 0;
}

static void *art_compile(json_t *params, char *err, size_t errsz)
{
    allowed_request_types_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    if (list_compile(params, "allowedTypes", &c->allowed, err, errsz) ||
        list_compile(params, "blockedTypes", &c->blocked, err, errsz)) {
        art_free(c);
        return NULL;
    }
    if (c->allowed.items.n && c->blocked.items.n) {
        char *list = NULL;
        size_t list_len = 0;
        FILE *f = open_memstream(&list, &list_len);
        int n = 0;
        for (size_t i = 0; f && i < c->allowed.items.n; i++)
            if (rg_ck_strv_has(&c->blocked.items, c->allowed.items.s[i], c->allowed.items.len[i]))
                fprintf(f, "%s%s", n++ ? ", " : "", c->allowed.items.s[i]);
        if (f)
            fclose(f);
        if (n)
            snprintf(err, errsz, /* Portkey's message, without the final period (check.h) */
                     "Conflict detected: The following types appear in both allowedTypes and blockedTypes: %s. Please "
                     "remove them from one list",
                     list);
        free(list);
        if (n || f == NULL) {
            if (f == NULL)
                snprintf(err, errsz, "out of memory");
            art_free(c);
            return NULL;
        }
    }
    return c;
}

/* The effective list: the parameter's when non-empty, else the metadata's. */
static json_t *effective(const type_list_t *l, const json_t *md)
{
    if (l->items.n)
        return rg_ck_strv_json(&l->items);
    if (json_is_array(md))
        return json_deep_copy(md);
    json_t *out = json_array();
    if (json_is_string(md) && json_string_length(md)) {
        rg_ck_strv_t v = {0};
        if (split_into(json_string_value(md), json_string_length(md), &v) == 0) {
            json_decref(out);
            out = rg_ck_strv_json(&v);
        }
        rg_ck_strv_free(&v);
    }
    return out;
}

/* JS Array.prototype.includes (SameValueZero) for JSON values */
static int same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return 0;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_TRUE:
    case JSON_FALSE:
    case JSON_NULL:
        return 1;
    default:
        return a == b;
    }
}

static int includes(const json_t *arr, const json_t *v)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (same(json_array_get(arr, i), v))
            return 1;
    return 0;
}

/* arr.join(', '), optionally only the elements not in `except` */
static char *join(const json_t *arr, const json_t *except)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    int n = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        if (except && includes(except, e))
            continue;
        char *s = json_is_null(e) ? NULL : rg_ck_js_string(e);
        fprintf(f, "%s%s", n++ ? ", " : "", s ? s : "");
        free(s);
    }
    fclose(f);
    return buf;
}

static json_t *raw_or(const type_list_t *l, const json_t *md)
{
    if (l->truthy)
        return l->raw ? json_stringn(l->raw, l->raw_len) : rg_ck_strv_json(&l->items);
    if (rg_js_truthy(md))
        return json_deep_copy(md);
    return json_array();
}

static void art_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const allowed_request_types_t *c = compiled;
    const char *type = rg_req_type_name(env->type);
    json_t *md_allowed = json_object_get(env->metadata, "supported_endpoints");
    json_t *md_blocked = json_object_get(env->metadata, "blocked_endpoints");
    /* the metadata is consulted only when truthy: "" and 0 are ignored */
    json_t *allowed = effective(&c->allowed, rg_js_truthy(md_allowed) ? md_allowed : NULL);
    json_t *blocked = effective(&c->blocked, rg_js_truthy(md_blocked) ? md_blocked : NULL);
    json_t *cur = json_string(type);
    size_t na = json_array_size(allowed), nb = json_array_size(blocked);

    if (na && nb) {
        json_t *conflicts = json_array();
        for (size_t i = 0; i < na; i++)
            if (includes(blocked, json_array_get(allowed, i)))
                json_array_append(conflicts, json_array_get(allowed, i));
        if (json_array_size(conflicts)) {
            char *list = join(conflicts, NULL);
            json_t *msg = json_sprintf("Conflict detected: The following types appear in both allowedTypes and "
                                       "blockedTypes: %s. Please remove them from one list.",
                                       list ? list : "");
            free(list);
            rg_check_fail(res, "%s", json_string_value(msg));
            res->data = json_object();
            json_object_set_new(res->data, "explanation",
                                json_sprintf("An error occurred while checking allowed request types: %s",
                                             json_string_value(msg)));
            json_object_set_new(res->data, "currentRequestType", json_string(type));
            json_object_set_new(res->data, "allowedTypes", raw_or(&c->allowed, md_allowed));
            json_object_set_new(res->data, "blockedTypes", raw_or(&c->blocked, md_blocked));
            json_decref(msg);
            json_decref(conflicts);
            json_decref(allowed);
            json_decref(blocked);
            json_decref(cur);
            return;
        }
        json_decref(conflicts);
    }

    int verdict;
    const char *mode;
    json_t *expl;
    int is_blocked = includes(blocked, cur), is_allowed = includes(allowed, cur);
    if (!na && !nb) {
        verdict = 1;
        mode = "unrestricted";
        expl = json_sprintf("Request type \"%s\" is allowed (no restrictions configured).", type);
    } else if (!na) {
        verdict = !is_blocked;
        mode = "blocklist";
        expl = verdict ? json_sprintf("Request type \"%s\" is allowed (not in blocklist).", type)
                       : json_sprintf("Request type \"%s\" is blocked.", type);
    } else if (!nb) {
        verdict = is_allowed;
        mode = "allowlist";
        if (verdict) {
            expl = json_sprintf("Request type \"%s\" is allowed.", type);
        } else {
            char *list = join(allowed, NULL);
            expl = json_sprintf("Request type \"%s\" is not allowed. Allowed types are: %s", type, list ? list : "");
            free(list);
        }
    } else {
        verdict = !is_blocked && is_allowed;
        mode = "combined";
        if (verdict) {
            expl = json_sprintf("Request type \"%s\" is allowed (in allowlist and not blocked).", type);
        } else if (is_blocked) {
            expl = json_sprintf("Request type \"%s\" is explicitly blocked.", type);
        } else {
            char *list = join(allowed, blocked);
            expl = json_sprintf("Request type \"%s\" is not in the allowed list. Allowed types (excluding blocked): %s",
                                type, list ? list : "");
            free(list);
        }
    }
    const char *source = c->allowed.truthy || c->blocked.truthy                          ? "parameters"
                         : rg_js_truthy(md_allowed) || rg_js_truthy(md_blocked) ? "metadata"
                                                                                        : "default";
    res->verdict = verdict;
    res->data = json_object();
    json_object_set_new(res->data, "currentRequestType", cur);
    if (na)
        json_object_set(res->data, "allowedTypes", allowed);
    else if (!nb)
        json_object_set_new(res->data, "allowedTypes", json_pack("[s]", "all"));
    if (nb)
        json_object_set(res->data, "blockedTypes", blocked);
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "explanation", expl);
    json_object_set_new(res->data, "source", json_string(source));
    json_object_set_new(res->data, "mode", json_string(mode));
    json_decref(allowed);
    json_decref(blocked);
}

const rg_check_ops_t rg_check_allowed_request_types = {
    .id = "default.allowedRequestTypes",
    .compile = art_compile,
    .run = art_run,
    .free = art_free,
};
