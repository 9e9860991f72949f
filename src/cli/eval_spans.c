/* cli/eval_spans.c — type map and overlap scoring of entity spans (see eval_spans.h). */
#include "cli/eval_spans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Data set names (Presidio's, and the SECRET of the secrets set) → Railgate's, with the spellings a detector
 * may reasonably use. Listed in docs/DETECTION.md; change both together. */
static const struct {
    const char *gold;
    const char *preds; /* space-separated, or "*" */
} builtin[] = {
    {"EMAIL_ADDRESS", "EMAIL EMAIL_ADDRESS"},
    {"EMAIL", "EMAIL EMAIL_ADDRESS"},
    {"PHONE_NUMBER", "PHONE PHONE_NUMBER"},
    {"PHONE", "PHONE PHONE_NUMBER"},
    {"IP_ADDRESS", "IP_ADDRESS IP IPV4 IPV6"},
    {"CREDIT_CARD", "CREDIT_CARD"},
    {"US_SSN", "US_SSN SSN"},
    {"DOMAIN_NAME", "URL DOMAIN DOMAIN_NAME"},
    {"URL", "URL DOMAIN"},
    {"STREET_ADDRESS", "STREET_ADDRESS ADDRESS"},
    {"PERSON", "PERSON NAME"},
    {"IBAN_CODE", "IBAN IBAN_CODE"},
    {"IBAN", "IBAN IBAN_CODE"},
    {"US_DRIVER_LICENSE", "US_DRIVER_LICENSE"},
    {"SECRET", "*"},
};

static void entry_clear(rg_eval_map_entry_t *e)
{
    free(e->gold);
    for (size_t i = 0; i < e->n; i++)
        free(e->preds[i]);
    memset(e, 0, sizeof(*e));
}

void rg_eval_typemap_free(rg_eval_typemap_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        entry_clear(&m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

static rg_eval_map_entry_t *find_entry(rg_eval_typemap_t *m, const char *gold)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcasecmp(m->v[i].gold, gold) == 0)
            return &m->v[i];
    return NULL;
}

const rg_eval_map_entry_t *rg_eval_typemap_find(const rg_eval_typemap_t *m, const char *gold)
{
    return find_entry((rg_eval_typemap_t *)m, gold);
}

int rg_eval_map_accepts(const rg_eval_map_entry_t *e, const char *pred)
{
    if (e == NULL)
        return 0;
    if (e->any)
        return 1;
    for (size_t i = 0; i < e->n; i++)
        if (strcasecmp(e->preds[i], pred) == 0)
            return 1;
    return 0;
}

/* The entry for gold, emptied (new at the end, or the existing one cleared); NULL when full or out of memory. */
static rg_eval_map_entry_t *fresh_entry(rg_eval_typemap_t *m, const char *gold)
{
    rg_eval_map_entry_t *e = find_entry(m, gold);
    char *name = strdup(gold);
    if (name == NULL)
        return NULL;
    if (e != NULL) {
        entry_clear(e);
    } else {
        if (m->n >= RG_EVAL_MAP_MAX) {
            free(name);
            return NULL;
        }
        rg_eval_map_entry_t *v = realloc(m->v, (m->n + 1) * sizeof(*v));
        if (v == NULL) {
            free(name);
            return NULL;
        }
        m->v = v;
        e = &m->v[m->n++];
        memset(e, 0, sizeof(*e));
    }
    e->gold = name;
    return e;
}

static void drop_entry(rg_eval_typemap_t *m, rg_eval_map_entry_t *e)
{
    size_t i = (size_t)(e - m->v);
    entry_clear(e);
    memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*e));
    m->n--;
}

static int add_pred(rg_eval_map_entry_t *e, const char *s, size_t len)
{
    if (len == 1 && s[0] == '*') {
        e->any = 1;
        return 0;
    }
    if (e->n >= RG_EVAL_MAP_PREDS || len == 0 || len > RG_EVAL_NAME_MAX)
        return -1;
    e->preds[e->n] = strndup(s, len);
    if (e->preds[e->n] == NULL)
        return -1;
    e->n++;
    return 0;
}

int rg_eval_typemap_builtin(rg_eval_typemap_t *m)
{
    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
        rg_eval_map_entry_t *e = fresh_entry(m, builtin[i].gold);
        if (e == NULL)
            goto fail;
        for (const char *p = builtin[i].preds; *p;) {
            size_t n = strcspn(p, " ");
            if (add_pred(e, p, n) != 0)
                goto fail;
            p += n;
            p += *p == ' ';
        }
    }
    return 0;
fail:
    rg_eval_typemap_free(m);
    return -1;
}

int rg_eval_typemap_apply(rg_eval_typemap_t *m, json_t *obj, char *err, size_t errsz)
{
    if (!json_is_object(obj)) {
        snprintf(err, errsz, "type map: expected an object {\"GOLD_TYPE\": \"RAILGATE_TYPE\" | [...] | \"*\" | null}");
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (*k == '\0' || strlen(k) > RG_EVAL_NAME_MAX) {
            snprintf(err, errsz, "type map: a gold type name must have 1 to %d bytes", RG_EVAL_NAME_MAX);
            return -1;
        }
        if (json_is_null(v)) {
            rg_eval_map_entry_t *e = find_entry(m, k);
            if (e)
                drop_entry(m, e);
            continue;
        }
        if (!json_is_string(v) && !(json_is_array(v) && json_array_size(v) > 0)) {
            snprintf(err, errsz, "type map: \"%.60s\": expected a type name, a non-empty array of names, \"*\" or null",
                     k);
            return -1;
        }
        rg_eval_map_entry_t *e = fresh_entry(m, k);
        if (e == NULL) {
            snprintf(err, errsz, "type map: more than %d entries, or out of memory", RG_EVAL_MAP_MAX);
            return -1;
        }
        size_t i;
        json_t *x;
        int bad = json_is_string(v) ? add_pred(e, json_string_value(v), json_string_length(v)) : 0;
        if (json_is_array(v))
            json_array_foreach(v, i, x) bad |= !json_is_string(x) || add_pred(e, json_string_value(x),
                                                                               json_string_length(x));
        if (bad) {
            snprintf(err, errsz, "type map: \"%.60s\": names must be non-empty strings of at most %d bytes, at most %d "
                     "of them", k, RG_EVAL_NAME_MAX, RG_EVAL_MAP_PREDS);
            drop_entry(m, e);
            return -1;
        }
    }
    return 0;
}

/* ---- matching -------------------------------------------------------------- */

static int overlaps(const rg_eval_span_t *a, const rg_eval_span_t *b)
{
    return a->start < b->end && b->start < a->end;
}

void rg_eval_match(const rg_eval_typemap_t *m, const rg_eval_span_t *gold, size_t n_gold, const rg_eval_span_t *pred,
                   size_t n_pred, uint8_t *gold_found, uint8_t *pred_correct)
{
    if (gold_found)
        memset(gold_found, 0, n_gold);
    if (pred_correct)
        memset(pred_correct, 0, n_pred);
    for (size_t i = 0; i < n_gold; i++) {
        const rg_eval_map_entry_t *e = rg_eval_typemap_find(m, gold[i].type);
        if (e == NULL)
            continue;
        for (size_t j = 0; j < n_pred; j++) {
            if (!overlaps(&gold[i], &pred[j]) || !rg_eval_map_accepts(e, pred[j].type))
                continue;
            if (gold_found)
                gold_found[i] = 1;
            if (pred_correct)
                pred_correct[j] = 1;
        }
    }
}

/* ---- accumulating ---------------------------------------------------------- */

void rg_eval_spans_init(rg_eval_spans_t *s, const rg_eval_typemap_t *map)
{
    memset(s, 0, sizeof(*s));
    s->map = map;
}

void rg_eval_spans_free(rg_eval_spans_t *s)
{
    for (size_t i = 0; i < s->ng; i++)
        free(s->g[i].name);
    for (size_t i = 0; i < s->np; i++)
        free(s->p[i].name);
    s->ng = s->np = 0;
}

/* Index of a gold (kind 0) or predicted (kind 1) type name, added when new; -1 when full or out of memory. */
static int type_index(rg_eval_spans_t *s, int kind, const char *name)
{
    size_t *n = kind ? &s->np : &s->ng;
    for (size_t i = 0; i < *n; i++)
        if (strcasecmp(kind ? s->p[i].name : s->g[i].name, name) == 0)
            return (int)i;
    if (*n >= RG_EVAL_TYPES_MAX)
        return -1;
    char *copy = strdup(name);
    if (copy == NULL)
        return -1;
    if (kind) {
        s->p[*n].name = copy;
    } else {
        s->g[*n].name = copy;
        s->g[*n].entry = rg_eval_typemap_find(s->map, name);
    }
    return (int)(*n)++;
}

int rg_eval_spans_add(rg_eval_spans_t *s, const rg_eval_span_t *gold, size_t n_gold, const rg_eval_span_t *pred,
                      size_t n_pred, char *err, size_t errsz)
{
    int16_t gi[RG_EVAL_GOLD_MAX]; /* gold span → gold type index */
    if (n_gold > RG_EVAL_GOLD_MAX) {
        snprintf(err, errsz, "more than %d gold spans in one row", RG_EVAL_GOLD_MAX);
        return -1;
    }
    s->rows++;
    for (size_t i = 0; i < n_gold; i++) {
        int g = type_index(s, 0, gold[i].type);
        if (g < 0)
            goto full;
        gi[i] = (int16_t)g;
        s->g[g].gold++;
        const rg_eval_map_entry_t *e = s->g[g].entry;
        for (size_t j = 0; e != NULL && j < n_pred; j++)
            if (overlaps(&gold[i], &pred[j]) && rg_eval_map_accepts(e, pred[j].type)) {
                s->g[g].found++;
                break;
            }
    }
    for (size_t j = 0; j < n_pred; j++) {
        int p = type_index(s, 1, pred[j].type);
        if (p < 0)
            goto full;
        s->p[p].pred++;
        uint8_t any = 0, per_gold[RG_EVAL_TYPES_MAX] = {0}; /* this span counts once per gold type */
        for (size_t i = 0; i < n_gold; i++) {
            if (!overlaps(&gold[i], &pred[j]) || !rg_eval_map_accepts(s->g[gi[i]].entry, pred[j].type))
                continue;
            any = 1;
            if (!per_gold[gi[i]]) {
                per_gold[gi[i]] = 1;
                s->corr[p][gi[i]]++;
            }
        }
        s->p[p].correct += any;
    }
    return 0;
full:
    snprintf(err, errsz, "more than %d distinct entity types (or out of memory)", RG_EVAL_TYPES_MAX);
    return -1;
}

void rg_eval_spans_finish(rg_eval_spans_t *s)
{
    s->gold = s->found = s->pred = s->correct = s->not_covered = s->not_scored = 0;
    for (size_t j = 0; j < s->np; j++) {
        s->p[j].scored = 0;
        for (size_t i = 0; i < s->ng && !s->p[j].scored; i++)
            s->p[j].scored = s->g[i].gold > 0 && rg_eval_map_accepts(s->g[i].entry, s->p[j].name);
        if (s->p[j].scored) {
            s->pred += s->p[j].pred;
            s->correct += s->p[j].correct;
        } else {
            s->not_scored += s->p[j].pred;
        }
    }
    for (size_t i = 0; i < s->ng; i++) {
        rg_eval_gold_stats_t *g = &s->g[i];
        g->pred = g->correct = 0;
        if (g->entry == NULL) {
            s->not_covered += g->gold;
            continue;
        }
        s->gold += g->gold;
        s->found += g->found;
        for (size_t j = 0; j < s->np; j++)
            if (rg_eval_map_accepts(g->entry, s->p[j].name)) {
                g->pred += s->p[j].pred;
                g->correct += s->corr[j][i];
            }
    }
}

int rg_eval_spans_scored(const rg_eval_spans_t *s, const char *pred)
{
    for (size_t j = 0; j < s->np; j++)
        if (strcasecmp(s->p[j].name, pred) == 0)
            return s->p[j].scored;
    return 0;
}

double rg_eval_ratio(size_t num, size_t den)
{
    return den ? (double)num / (double)den : -1.0;
}

double rg_eval_fbeta(double precision, double recall, double beta)
{
    if (precision < 0 && recall < 0)
        return -1.0;
    if (precision <= 0 || recall <= 0)
        return 0.0;
    return (1 + beta * beta) * precision * recall / (beta * beta * precision + recall);
}
