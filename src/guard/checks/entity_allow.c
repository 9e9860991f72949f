/* entity_allow.c — the entity checks' allow_list: sorted once, searched by halving (see entity_allow.h). */
#include "guard/checks/entity_allow.h"

#include "guard/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t n;
} value_t;

struct rg_allow {
    value_t *v; /* sorted by length, then bytes; duplicates kept (harmless) */
    size_t n;
    char *bytes; /* every value, back to back */
};

static int cmp_value(const void *x, const void *y)
{
    const value_t *a = x, *b = y;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return memcmp(a->s, b->s, a->n);
}

int rg_allow_compile(const json_t *v, rg_allow_t **out, char *err, size_t errsz)
{
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    size_t max = rg_check_untrusted() ? RG_CHECK_UNTRUSTED_TERMS_MAX : RG_ALLOW_MAX; /* a request's own hooks */
    if (!json_is_array(v) || json_array_size(v) > max) {
        snprintf(err, errsz, "allow_list must be an array of at most %zu strings", max);
        return -1;
    }
    size_t i, total = 0, count = json_array_size(v);
    const json_t *x;
    json_array_foreach(v, i, x) {
        if (!json_is_string(x) || json_string_length(x) == 0 || json_string_length(x) > RG_ALLOW_VALUE_MAX) {
            snprintf(err, errsz, "allow_list[%zu] must be a string of 1 to %d bytes", i, RG_ALLOW_VALUE_MAX);
            return -1;
        }
        total += json_string_length(x);
    }
    if (count == 0)
        return 0;
    rg_allow_t *a = calloc(1, sizeof(*a));
    if (a != NULL) {
        a->v = calloc(count, sizeof(*a->v));
        a->bytes = malloc(total);
    }
    if (a == NULL || a->v == NULL || a->bytes == NULL) {
        rg_allow_free(a);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    size_t o = 0;
    json_array_foreach(v, i, x) {
        size_t n = json_string_length(x);
        memcpy(a->bytes + o, json_string_value(x), n);
        a->v[i] = (value_t){a->bytes + o, n};
        o += n;
    }
    a->n = count;
    qsort(a->v, a->n, sizeof(*a->v), cmp_value);
    *out = a;
    return 0;
}

int rg_allow_has(const rg_allow_t *a, const char *s, size_t n)
{
    if (a == NULL)
        return 0;
    value_t key = {s, n};
    return bsearch(&key, a->v, a->n, sizeof(*a->v), cmp_value) != NULL;
}

void rg_allow_free(rg_allow_t *a)
{
    if (a == NULL)
        return;
    free(a->v);
    free(a->bytes);
    free(a);
}
