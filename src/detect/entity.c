/* entity.c — span lists (see entity.h). */
#include "detect/entity.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Better first: longer, then higher prio, then earlier. */
static int better(const rg_entity_t *a, const rg_entity_t *b)
{
    uint32_t la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb;
    if (a->prio != b->prio)
        return a->prio > b->prio;
    return a->start < b->start;
}

static int by_rank(const void *x, const void *y)
{
    const rg_entity_t *a = x, *b = y;
    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

static int by_start(const void *x, const void *y)
{
    const rg_entity_t *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return by_rank(x, y);
}

/* Sorts by cmp: insertion sort for the short lists most texts make (qsort's setup and indirect calls cost more
 * than the sort there), qsort past that. Both keep equal spans in their order (glibc's qsort is a merge sort),
 * so which one runs does not change the result. */
static void sort_spans(rg_entity_t *v, size_t n, int (*cmp)(const void *, const void *))
{
    if (n > 24) {
        qsort(v, n, sizeof(*v), cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        rg_entity_t x = v[i];
        size_t j = i;
        while (j > 0 && cmp(&v[j - 1], &x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Greedy by rank inside one group of spans that overlap each other transitively: take the best, drop what
 * overlaps a taken one. Groups are small (the candidates around one number or address), so the check against the
 * taken ones is linear in the group. The kept ones end up at the front of g, by start; returns how many. */
static size_t resolve_group(rg_entity_t *g, size_t n)
{
    if (n == 1)
        return 1;
    sort_spans(g, n, by_rank);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        rg_entity_t c = g[i];
        int clash = 0;
        for (size_t k = 0; k < kept && !clash; k++)
            clash = c.start < g[k].end && g[k].start < c.end;
        if (!clash)
            g[kept++] = c;
    }
    sort_spans(g, kept, by_start);
    return kept;
}

void rg_entities_resolve(rg_entities_t *e)
{
    if (e->n < 2)
        return;
    sort_spans(e->v, e->n, by_start);
    size_t out = 0;
    for (size_t i = 0; i < e->n;) {
        size_t j = i + 1;
        uint32_t end = e->v[i].end;
        while (j < e->n && e->v[j].start < end) {
            if (e->v[j].end > end)
                end = e->v[j].end;
            j++;
        }
        size_t kept = resolve_group(e->v + i, j - i);
        memmove(e->v + out, e->v + i, kept * sizeof(*e->v));
        out += kept;
        i = j;
    }
    e->n = out;
}

int rg_entities_add(rg_entities_t *e, size_t start, size_t end, unsigned type, unsigned prio)
{
    if (end <= start || end > UINT32_MAX)
        return 0;
    if (e->n >= RG_ENTITIES_MAX) {
        if (e->truncated) /* resolved at the cap and still full: every later span is dropped at once (resolving again
                           * per call made a text with a million findings take minutes) */
            return 0;
        rg_entities_resolve(e); /* overlapping candidates make up most of a long list: keep the winners */
        if (e->n >= RG_ENTITIES_MAX - RG_ENTITIES_MAX / 4) {
            e->truncated = 1;
            return 0;
        }
    }
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        rg_entity_t *v = e->lent ? malloc(cap * sizeof(*v)) : realloc(e->v, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        if (e->lent && e->n > 0)
            memcpy(v, e->v, e->n * sizeof(*v));
        e->v = v;
        e->cap = cap;
        e->lent = 0;
    }
    e->v[e->n++] = (rg_entity_t){(uint32_t)start, (uint32_t)end, (uint16_t)type, (uint16_t)prio};
    return 0;
}

void rg_entities_clear(rg_entities_t *e)
{
    e->n = 0;
    e->truncated = 0;
}

void rg_entities_init_lent(rg_entities_t *e, rg_entity_t *buf, size_t cap)
{
    memset(e, 0, sizeof(*e));
    e->v = buf;
    e->cap = cap;
    e->lent = 1;
}

void rg_entities_free(rg_entities_t *e)
{
    if (!e->lent)
        free(e->v);
    memset(e, 0, sizeof(*e));
}

int rg_detector_type(const rg_detector_ops_t *ops, const char *name, size_t len)
{
    for (int i = 0; ops->types[i] != NULL; i++)
        if (strlen(ops->types[i]) == len && strncasecmp(ops->types[i], name, len) == 0)
            return i;
    return -1;
}
