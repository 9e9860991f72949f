/* request.c — key management bodies (see request.h). */
#include "keys/request.h"

#include "keys/duration.h"
#include "keys/entry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errsz, const char **param, const char *p, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t errsz, const char **param, const char *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    *param = p;
    return -1;
}

/* An optional string field: absent or null → NULL; else a string of 1..RG_KEY_FIELD_MAX bytes. */
static int opt_string(const json_t *body, const char *name, const char **out, char *err, size_t errsz,
                      const char **param)
{
    const json_t *v = json_object_get(body, name);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return fail(err, errsz, param, name, "'%s' must be a string", name);
    size_t n = json_string_length(v);
    if (n == 0 || n > RG_KEY_FIELD_MAX)
        return fail(err, errsz, param, name, "'%s' must be 1 to %d bytes", name, RG_KEY_FIELD_MAX);
    if (memchr(json_string_value(v), '\0', n))
        return fail(err, errsz, param, name, "'%s' must not contain NUL", name);
    *out = json_string_value(v);
    return 0;
}

static int string_array(const json_t *v, const char *name, size_t max, size_t item_max, char *err, size_t errsz,
                        const char **param)
{
    if (!json_is_array(v))
        return fail(err, errsz, param, name, "'%s' must be an array of strings", name);
    if (json_array_size(v) > max)
        return fail(err, errsz, param, name, "'%s' has more than %zu entries", name, max);
    size_t i;
    const json_t *m;
    json_array_foreach(v, i, m)
    {
        if (!json_is_string(m) || json_string_length(m) == 0 || json_string_length(m) > item_max ||
            memchr(json_string_value(m), '\0', json_string_length(m)))
            return fail(err, errsz, param, name, "%s[%zu] must be a non-empty string of at most %zu bytes", name, i,
                        item_max);
    }
    return 0;
}

int rg_key_spec_parse(const json_t *body, int64_t now_ms, rg_key_spec_t *spec, char *err, size_t errsz,
                      const char **param)
{
    memset(spec, 0, sizeof(*spec));
    *param = NULL;
    if (!json_is_object(body))
        return fail(err, errsz, param, NULL, "request body must be a JSON object");
    if (opt_string(body, "key_alias", &spec->key_alias, err, errsz, param) ||
        opt_string(body, "team_id", &spec->team_id, err, errsz, param) ||
        opt_string(body, "team_alias", &spec->team_alias, err, errsz, param))
        return -1;
    const json_t *models = json_object_get(body, "models");
    if (models && !json_is_null(models)) {
        if (string_array(models, "models", RG_KEY_MODELS_MAX, RG_KEY_FIELD_MAX, err, errsz, param))
            return -1;
        spec->models = models;
    }
    const json_t *md = json_object_get(body, "metadata");
    if (md && !json_is_null(md)) {
        if (!json_is_object(md))
            return fail(err, errsz, param, "metadata", "'metadata' must be an object");
        char *s = json_dumps(md, JSON_COMPACT);
        size_t n = s ? strlen(s) : 0;
        free(s);
        if (n == 0 || n > RG_KEY_METADATA_MAX)
            return fail(err, errsz, param, "metadata", "'metadata' must serialise to at most %d bytes",
                        RG_KEY_METADATA_MAX);
        spec->metadata = md;
    }
    const json_t *d = json_object_get(body, "duration");
    if (d && !json_is_null(d)) {
        int64_t secs;
        if (!json_is_string(d) || rg_duration_parse(json_string_value(d), json_string_length(d), &secs) != 0)
            return fail(err, errsz, param, "duration",
                        "'duration' must be a number and a unit, like \"30s\", \"30m\", \"30h\", \"30d\", \"2w\", "
                        "\"1mo\" or \"1y\"");
        spec->duration = json_string_value(d);
        spec->expires_ms = now_ms + secs * 1000;
    }
    const json_t *x = json_object_get(body, "expires");
    if (x && !json_is_null(x)) {
        int64_t ms;
        if (!json_is_string(x) || rg_time_parse(json_string_value(x), json_string_length(x), &ms) != 0)
            return fail(err, errsz, param, "expires",
                        "'expires' must be an ISO 8601 timestamp like \"2030-01-31T12:00:00Z\"");
        if (ms == 0)
            ms = 1; /* the epoch itself: already expired, but 0 means never */
        if (spec->expires_ms == 0 || ms < spec->expires_ms)
            spec->expires_ms = ms;
    }
    return 0;
}

int rg_key_delete_parse(const json_t *body, rg_key_delete_t *del, char *err, size_t errsz, const char **param)
{
    memset(del, 0, sizeof(*del));
    *param = NULL;
    if (!json_is_object(body))
        return fail(err, errsz, param, NULL, "request body must be a JSON object");
    const json_t *k = json_object_get(body, "keys"), *a = json_object_get(body, "key_aliases");
    if (k && !json_is_null(k)) {
        if (string_array(k, "keys", RG_KEY_DELETE_MAX, 4096, err, errsz, param))
            return -1;
        del->keys = k;
    }
    if (a && !json_is_null(a)) {
        if (string_array(a, "key_aliases", RG_KEY_DELETE_MAX, RG_KEY_FIELD_MAX, err, errsz, param))
            return -1;
        del->key_aliases = a;
    }
    size_t n = (del->keys ? json_array_size(del->keys) : 0) + (del->key_aliases ? json_array_size(del->key_aliases) : 0);
    if (n == 0)
        return fail(err, errsz, param, "keys", "give the keys to delete in 'keys' and/or 'key_aliases'");
    return 0;
}
