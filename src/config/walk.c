/* walk.c — walking a libyaml document: values, errors with lines, generation memory (see walk.h). */
#include "config/walk.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- generation memory ---------------------------------------------- */

void *rg_cfg_own(rg_config_t *c, void *p)
{
    if (p == NULL)
        return NULL;
    if (c->n_allocs == c->cap_allocs) {
        size_t cap = c->cap_allocs ? c->cap_allocs * 2 : 32;
        void **a = realloc(c->allocs, cap * sizeof(*a));
        if (a == NULL) {
            free(p);
            return NULL;
        }
        c->allocs = a;
        c->cap_allocs = cap;
    }
    c->allocs[c->n_allocs++] = p;
    return p;
}

char *rg_cfg_strdup(rg_config_t *c, const char *s)
{
    return s ? rg_cfg_own(c, strdup(s)) : NULL;
}

/* ---- YAML walking --------------------------------------------------- */

void rg_cfg_bad(rg_walk_t *w, yaml_node_t *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rg_errors_add(w->errs, "%s:%lu: %s", w->source, n ? RG_LINE(n) : 0UL, msg);
}

yaml_node_t *rg_cfg_node(rg_walk_t *w, int idx)
{
    return yaml_document_get_node(w->doc, idx);
}

/* Resolves a scalar, following os.environ/NAME. NULL (and an error) when not a scalar or the variable is unset. */
const char *rg_cfg_scalar(rg_walk_t *w, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE) {
        rg_cfg_bad(w, n, "%s: expected a single value, not a %s", what,
                   n->type == YAML_MAPPING_NODE ? "mapping" : "list");
        return NULL;
    }
    const char *v = (const char *)n->data.scalar.value;
    if (strncmp(v, "os.environ/", 11) == 0) {
        const char *name = v + 11;
        const char *env = *name ? getenv(name) : NULL;
        if (env == NULL) {
            rg_cfg_bad(w, n, "%s: environment variable '%s' is not set (referenced as %s)", what, name, v);
            return NULL;
        }
        return env;
    }
    return v;
}

int rg_cfg_is_null(yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

char *rg_cfg_string(rg_walk_t *w, yaml_node_t *n, const char *what)
{
    if (rg_cfg_is_null(n))
        return NULL;
    const char *v = rg_cfg_scalar(w, n, what);
    return v ? rg_cfg_strdup(w->cfg, v) : NULL;
}

int rg_cfg_int(rg_walk_t *w, yaml_node_t *n, const char *what, long min, long max, int *out)
{
    const char *v = rg_cfg_scalar(w, n, what);
    if (v == NULL)
        return -1;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max) {
        rg_cfg_bad(w, n, "%s: expected an integer between %ld and %ld, got '%s'", what, min, max, v);
        return -1;
    }
    *out = (int)x;
    return 0;
}

/* "1048576", "512kb", "10MiB", "1m" → bytes. */
int rg_cfg_size(rg_walk_t *w, yaml_node_t *n, const char *what, size_t *out)
{
    const char *v = rg_cfg_scalar(w, n, what);
    if (v == NULL)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    while (*end == ' ')
        end++;
    double mul = 1;
    if (!*end || !strcasecmp(end, "b"))
        mul = 1;
    else if (!strcasecmp(end, "k") || !strcasecmp(end, "kb") || !strcasecmp(end, "kib"))
        mul = 1024.0;
    else if (!strcasecmp(end, "m") || !strcasecmp(end, "mb") || !strcasecmp(end, "mib"))
        mul = 1024.0 * 1024;
    else if (!strcasecmp(end, "g") || !strcasecmp(end, "gb") || !strcasecmp(end, "gib"))
        mul = 1024.0 * 1024 * 1024;
    else
        mul = -1;
    if (errno || end == v || mul < 0 || !isfinite(x) || x < 0 || x * mul > (double)(1ULL << 40)) {
        rg_cfg_bad(w, n, "%s: expected a size such as 1048576, 512kb or 10mb, got '%s'", what, v);
        return -1;
    }
    *out = (size_t)(x * mul);
    return 0;
}

/* Durations: a number is seconds (LiteLLM's convention); "250ms", "10s", "2m" also work. */
int rg_cfg_duration_ms(rg_walk_t *w, yaml_node_t *n, const char *what, uint32_t *out)
{
    const char *v = rg_cfg_scalar(w, n, what);
    if (v == NULL)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    while (*end == ' ')
        end++;
    double mul;
    if (!*end || !strcmp(end, "s"))
        mul = 1000;
    else if (!strcmp(end, "ms"))
        mul = 1;
    else if (!strcmp(end, "m"))
        mul = 60000;
    else
        mul = -1;
    if (errno || end == v || mul < 0 || !isfinite(x) || x < 0 || x * mul > 86400000.0) {
        rg_cfg_bad(w, n, "%s: expected a duration such as 30 (seconds), 250ms or 2m, got '%s'", what, v);
        return -1;
    }
    *out = (uint32_t)(x * mul + 0.5);
    return 0;
}

int rg_cfg_each_pair(rg_walk_t *w, yaml_node_t *map, const char *what, rg_cfg_pair_fn fn, void *arg)
{
    if (map->type != YAML_MAPPING_NODE) {
        if (!rg_cfg_is_null(map))
            rg_cfg_bad(w, map, "%s: expected a mapping (key: value)", what);
        return -1;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = rg_cfg_node(w, p->key), *v = rg_cfg_node(w, p->value);
        if (k == NULL || v == NULL)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            rg_cfg_bad(w, k, "%s: keys must be plain strings", what);
            continue;
        }
        int dup = 0;
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p && !dup; q++) {
            yaml_node_t *qk = rg_cfg_node(w, q->key);
            dup = qk && qk->type == YAML_SCALAR_NODE &&
                  !strcmp((char *)qk->data.scalar.value, (char *)k->data.scalar.value);
        }
        if (dup) {
            rg_cfg_bad(w, k, "%s: key '%s' appears twice", what, (char *)k->data.scalar.value);
            continue;
        }
        fn(w, (const char *)k->data.scalar.value, k, v, arg);
    }
    return 0;
}


int rg_cfg_bool(rg_walk_t *w, yaml_node_t *n, const char *what, int *out)
{
    const char *v = rg_cfg_scalar(w, n, what);
    if (v == NULL)
        return -1;
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
        *out = 0;
    else {
        rg_cfg_bad(w, n, "%s: expected true or false, got '%s'", what, v);
        return -1;
    }
    return 0;
}

const char *rg_cfg_http_url(rg_walk_t *w, yaml_node_t *n, const char *what)
{
    const char *b = rg_cfg_scalar(w, n, what);
    if (b == NULL)
        return NULL;
    const char *host = !strncmp(b, "http://", 7) ? b + 7 : !strncmp(b, "https://", 8) ? b + 8 : NULL;
    if (host == NULL || *host == '\0' || *host == '/' || *host == ':' || strpbrk(host, " \t\r\n")) {
        rg_cfg_bad(w, n, "%s: expected an http:// or https:// URL with a host, got '%s'", what, b);
        return NULL;
    }
    return b;
}

yaml_node_t *rg_cfg_lookup(rg_walk_t *w, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = rg_cfg_node(w, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return rg_cfg_node(w, p->value);
    }
    return NULL;
}
