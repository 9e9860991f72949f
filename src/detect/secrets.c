/* secrets.c — the secrets detector: types, parameters, one Vectorscan database, the scan (see secrets.h). */
#include "detect/secrets.h"

#include "detect/secrets_int.h"
#include "guard/checks/common.h" /* rg_ck_bool_param */

#include <hs/hs.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC_NAME(n) #n,
static const char *const types[] = {SEC_TYPES(SEC_NAME) NULL};
#undef SEC_NAME

static const char *const param_keys[] = {"entropy_threshold", "min_length", "refuse_sequences",
                                         "allow_published_examples", NULL};

/* The pattern table, built once: every file's patterns, in a fixed order (the id is the index). */
static sec_pat_t pats[SEC_PATS_MAX];
static size_t n_pats;
static pthread_once_t pats_once = PTHREAD_ONCE_INIT;

static void pats_build(void)
{
    sec_text_init();
    sec_examples_init();
    n_pats = sec_rules_patterns(pats, SEC_PATS_MAX);
    n_pats += sec_formats_patterns(pats + n_pats, SEC_PATS_MAX - n_pats);
    n_pats += sec_assign_patterns(pats + n_pats, SEC_PATS_MAX - n_pats);
    n_pats += sec_cmdline_patterns(pats + n_pats, SEC_PATS_MAX - n_pats);
}

int sec_want(const sec_ctx_t *c, unsigned type) { return (c->d->types >> type) & 1; }

int sec_spend(sec_ctx_t *c, size_t n)
{
    if (c->budget < n)
        return 0;
    c->budget -= n;
    return 1;
}

void sec_emit(sec_ctx_t *c, size_t start, size_t end, unsigned type, unsigned prio)
{
    if (!sec_want(c, type) || end <= start || end > c->len)
        return;
    if (c->d->refuse_sequences && sec_sequence(c->s + start, end - start))
        return;
    if (c->d->allow_examples && sec_published_example(c->s + start, end - start))
        return;
    if (rg_entities_add(c->out, start, end, type, prio) != 0)
        c->oom = 1;
}

void sec_zone(sec_ctx_t *c, size_t start, size_t end)
{
    if (c->zones < SEC_ZONES_MAX) {
        c->zone_start[c->zones] = (uint32_t)start;
        c->zone_end[c->zones] = (uint32_t)end;
        c->zones++;
    }
}

/* Compiled databases by chosen types, shared by the detectors that chose the same types (a database is
 * read-only; scratch is per thread). Compiling takes about 0.1 s; configs and request-supplied hooks mostly
 * choose the default types, so most compiles are a lookup. Up to DB_CACHE databases stay after their last
 * detector is freed (a config reload compiles the same types again); an unused one makes room for another. */
#define DB_CACHE 8

static struct {
    uint64_t mask;
    rg_hs_db_t *db;
    unsigned refs;
} db_cache[DB_CACHE];
static pthread_mutex_t db_mu = PTHREAD_MUTEX_INITIALIZER;

static rg_hs_db_t *db_get(uint64_t mask)
{
    rg_hs_db_t *db = NULL;
    pthread_mutex_lock(&db_mu);
    for (int i = 0; i < DB_CACHE && db == NULL; i++)
        if (db_cache[i].db != NULL && db_cache[i].mask == mask) {
            db_cache[i].refs++;
            db = db_cache[i].db;
        }
    pthread_mutex_unlock(&db_mu);
    return db;
}

/* Shares db (just compiled) unless another thread cached one for the same types meanwhile: then that one is
 * returned and db freed. When no slot is free or unused, db stays the caller's own. */
static rg_hs_db_t *db_put(uint64_t mask, rg_hs_db_t *db)
{
    rg_hs_db_t *drop = NULL;
    pthread_mutex_lock(&db_mu);
    int free_slot = -1, unused = -1;
    for (int i = 0; i < DB_CACHE; i++) {
        if (db_cache[i].db != NULL && db_cache[i].mask == mask) {
            db_cache[i].refs++;
            rg_hs_db_t *other = db_cache[i].db;
            pthread_mutex_unlock(&db_mu);
            rg_hs_free(db);
            return other;
        }
        if (db_cache[i].db == NULL && free_slot < 0)
            free_slot = i;
        else if (db_cache[i].db != NULL && db_cache[i].refs == 0 && unused < 0)
            unused = i;
    }
    int slot = free_slot >= 0 ? free_slot : unused;
    if (slot >= 0) {
        drop = db_cache[slot].db;
        db_cache[slot].mask = mask, db_cache[slot].db = db, db_cache[slot].refs = 1;
    }
    pthread_mutex_unlock(&db_mu);
    rg_hs_free(drop);
    return db;
}

static void db_release(rg_hs_db_t *db)
{
    if (db == NULL)
        return;
    pthread_mutex_lock(&db_mu);
    for (int i = 0; i < DB_CACHE; i++)
        if (db_cache[i].db == db) {
            db_cache[i].refs--;
            db = NULL; /* stays cached */
            break;
        }
    pthread_mutex_unlock(&db_mu);
    rg_hs_free(db);
}

static void sec_free(void *p)
{
    sec_det_t *d = p;
    if (d == NULL)
        return;
    db_release(d->db);
    free(d);
}

static void *sec_compile(uint64_t chosen, json_t *params, char *err, size_t errsz)
{
    double entropy = SEC_ENTROPY_DEFAULT;
    unsigned min_length = 20;
    json_t *v = json_object_get(params, "entropy_threshold");
    if (v != NULL && !json_is_null(v)) {
        double x = json_number_value(v);
        if (!json_is_number(v) || !isfinite(x) || x <= 0 || x > 6) {
            snprintf(err, errsz, "entropy_threshold must be a number in (0, 1] (share of the most entropy a "
                                 "token of its length can have) or in (1, 6] (bits per character)");
            return NULL;
        }
        entropy = x;
    }
    v = json_object_get(params, "min_length");
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 8 || json_integer_value(v) > 256) {
            snprintf(err, errsz, "min_length must be an integer from 8 to 256");
            return NULL;
        }
        min_length = (unsigned)json_integer_value(v);
    }
    int refuse_sequences, allow_examples;
    if (rg_ck_bool_param(params, "refuse_sequences", 0, &refuse_sequences, err, errsz) != 0 ||
        rg_ck_bool_param(params, "allow_published_examples", 1, &allow_examples, err, errsz) != 0)
        return NULL;
    pthread_once(&pats_once, pats_build);
    sec_det_t *d = calloc(1, sizeof(*d));
    rg_hs_pattern_t *hp = calloc(n_pats ? n_pats : 1, sizeof(*hp));
    if (d == NULL || hp == NULL) {
        free(d);
        free(hp);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    d->types = chosen;
    d->entropy = entropy;
    d->min_length = min_length;
    d->refuse_sequences = refuse_sequences;
    d->allow_examples = allow_examples;
    d->run_min = sec_run_min(&(sec_ctx_t){.d = d});
    size_t n = 0;
    for (size_t i = 0; i < n_pats; i++)
        if (pats[i].types & chosen)
            hp[n++] = (rg_hs_pattern_t){pats[i].expr, pats[i].flags, (unsigned)i};
    if (n > 0 && (d->db = db_get(chosen)) == NULL) {
        char e[256];
        d->db = chosen == rg_detector_secrets.default_types ? rg_hs_compile_cached(hp, n, e, sizeof(e))
                                                            : rg_hs_compile(hp, n, e, sizeof(e));
        if (d->db == NULL) {
            snprintf(err, errsz, "secrets patterns: %s", e);
            free(hp);
            free(d);
            return NULL;
        }
        d->db = db_put(chosen, d->db);
    }
    free(hp);
    return d;
}

static int on_match(unsigned id, size_t from, size_t to, void *arg)
{
    (void)from;
    sec_ctx_t *c = arg;
    const sec_pat_t *p = &pats[id];
    if (to >= p->width)
        p->fn(c, to - p->width, to, p->arg);
    return c->oom; /* stop on out of memory */
}

static int sec_find(const void *det, const char *s, size_t len, rg_entities_t *out)
{
    const sec_det_t *d = det;
    sec_ctx_t c = {.d = d, .s = s, .len = len, .out = out, .last_key_start = (size_t)-1, .sops = -1};
    c.budget = len > ((size_t)-1 - 65536) / 32 ? (size_t)-1 : len * 32 + 65536;
    if (len == 0)
        return 0;
    if (d->db != NULL && rg_hs_scan(d->db, s, len, on_match, &c) < 0)
        return -1;
    if (!c.oom)
        sec_tokens_pass(&c);
    return c.oom ? -1 : 0;
}

static size_t sec_pending(const void *det, const char *s, size_t len)
{
    const sec_det_t *d = det;
    return (d->types >> T_PRIVATE_KEY) & 1 ? sec_pem_pending(s, len) : 0;
}

const rg_detector_ops_t rg_detector_secrets = {
    .name = "secrets",
    .types = types,
    .default_types = ((uint64_t)1 << T_COUNT) - 1,
    .compile = sec_compile,
    .find = sec_find,
    .free = sec_free,
    .param_keys = param_keys,
    .credentials = 1,
    .pending = sec_pending,
};

_Static_assert(T_COUNT <= RG_DETECTOR_TYPES_MAX, "at most 64 entity types");
