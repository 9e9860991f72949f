/* entry.c — a virtual key's fields (see entry.h). */
#include "keys/entry.h"

#include "keys/duration.h"

#include <stdlib.h>
#include <string.h>

rg_key_entry_t *rg_key_entry_new(void)
{
    return calloc(1, sizeof(rg_key_entry_t));
}

void rg_key_entry_free(rg_key_entry_t *e)
{
    if (e == NULL)
        return;
    free(e->key_alias);
    free(e->team_id);
    free(e->team_alias);
    for (size_t i = 0; i < e->n_models; i++)
        free(e->models[i]);
    free(e->models);
    free(e->metadata);
    free(e);
}

int rg_key_entry_set_str(char **field, const char *s)
{
    free(*field);
    *field = NULL;
    if (s == NULL)
        return 0;
    *field = strdup(s);
    return *field ? 0 : -1;
}

int rg_key_entry_set_models(rg_key_entry_t *e, const json_t *models)
{
    size_t n = json_is_array(models) ? json_array_size(models) : 0;
    if (n == 0)
        return 0;
    e->models = calloc(n, sizeof(char *));
    if (e->models == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(models, i));
        e->models[e->n_models] = strdup(s ? s : "");
        if (e->models[e->n_models] == NULL)
            return -1;
        e->n_models++;
    }
    return 0;
}

json_t *rg_key_entry_models_json(const rg_key_entry_t *e)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < e->n_models; i++)
        json_array_append_new(a, json_string(e->models[i]));
    return a;
}

int rg_key_entry_allows(const rg_key_entry_t *e, const char *model, size_t len)
{
    if (e->n_models == 0)
        return 1;
    for (size_t i = 0; i < e->n_models; i++) {
        const char *m = e->models[i];
        if (strcmp(m, "*") == 0 || (strlen(m) == len && memcmp(m, model, len) == 0))
            return 1;
    }
    return 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *rg_key_entry_json(const rg_key_entry_t *e, int with_token)
{
    char created[32], expires[32];
    rg_time_format(e->created_ms, created);
    rg_time_format(e->expires_ms, expires);
    json_t *md = e->metadata ? json_loads(e->metadata, 0, NULL) : NULL;
    json_t *o = json_object();
    if (o == NULL) {
        json_decref(md);
        return NULL;
    }
    if (with_token)
        json_object_set_new(o, "token", json_string(e->token));
    json_object_set_new(o, "key_name", json_string(e->key_name));
    json_object_set_new(o, "key_alias", str_or_null(e->key_alias));
    json_object_set_new(o, "team_id", str_or_null(e->team_id));
    json_object_set_new(o, "team_alias", str_or_null(e->team_alias));
    json_object_set_new(o, "models", rg_key_entry_models_json(e));
    json_object_set_new(o, "metadata", md ? md : json_object());
    json_object_set_new(o, "expires", e->expires_ms ? json_string(expires) : json_null());
    json_object_set_new(o, "created_at", json_string(created));
    json_object_set_new(o, "spend", json_real(0.0));
    json_object_set_new(o, "user_id", json_null());
    return o;
}
