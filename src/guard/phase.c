/*
 * phase.c — running the hooks of one phase, resumable across async checks.
 *
 * The run walks the hooks in order. For each hook it keeps one slot per
 * check (the text the check saw, its env and result, timings). Synchronous
 * checks finish inside launch(); async ones finish in check_done(), which
 * continues the walk unless the walk is already on the stack (a check may
 * call done before its start() returns). Results are assembled in the
 * checks' order whatever order they finished in.
 */
#include "guard/hook.h"

#include "core/json_dump.h"
#include "core/json_load.h"
#include "core/json_valid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct slot {
    struct rg_phase_run *run;
    rg_guard_text_t text;
    rg_check_env_t env;
    rg_check_result_t res;
    void *pending; /* async check in flight */
    int64_t c0, c1;
    unsigned launched : 1, done : 1;
} slot_t;

struct rg_phase_run {
    rg_phase_args_t a;
    const rg_hook_t **hooks; /* own copy of the pointer array */
    rg_jw_t json;            /* the hook_results entries, serialized as they finish, comma-separated */
    rg_jw_t checks;          /* scratch: the checks of the hook being finished */
    json_t *results;         /* the same as a tree, made on demand (rg_phase_results), NULL until then */
    rg_phase_outcome_t out;
    unsigned char *verdicts, *errored; /* per hook */

    /* the hook in progress */
    size_t hook_i;
    slot_t *slots;
    size_t k;        /* sequential: next check */
    size_t n_pending;
    json_t *keep;    /* bodies replaced while texts may still point into them */
    int64_t t0;
    /* The clock as last read, while nothing has happened since but this run's own bookkeeping: the end of
     * one synchronous check is the start of the next (a read per check, not two: each is ~3% of a request's
     * six detectors on a 1 KB prompt). Cleared when the value is used, so it is never carried over a wait. */
    int64_t now;
    int now_fresh;
    int begun;

    int driving, finished, aborted;
    int needs_tree;          /* text-only run: a check transformed (see rg_phase_args_t.text) */
    rg_guard_text_t text;    /* text-only run: own copy of args.text (parts point into text_buf) */
    char *text_buf;
    void (*done_cb)(void *);
    void *done_arg;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The run's last clock reading if nothing has run since it was taken, else the clock. */
static int64_t now_reuse(struct rg_phase_run *r)
{
    if (r->now_fresh) {
        r->now_fresh = 0;
        return r->now;
    }
    return now_ms();
}

/* Reads the clock and keeps the reading for the next now_reuse. */
static int64_t now_keep(struct rg_phase_run *r)
{
    r->now = now_ms();
    r->now_fresh = 1;
    return r->now;
}

/* "2026-11-21T18:55:34.123Z" as a JSON string; the date and time part is formatted once per second per thread */
static void iso(rg_jw_t *w, int64_t ms)
{
    static __thread int64_t sec = -1;
    static __thread char prefix[48];
    if (ms / 1000 != sec) {
        sec = ms / 1000;
        time_t t = (time_t)sec;
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(prefix, sizeof(prefix), "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    char buf[40];
    int m = (int)(ms % 1000);
    size_t n = strlen(prefix);
    memcpy(buf, prefix, n);
    buf[n] = (char)('0' + m / 100);
    buf[n + 1] = (char)('0' + m / 10 % 10);
    buf[n + 2] = (char)('0' + m % 10);
    buf[n + 3] = 'Z';
    rg_jw_str(w, buf, n + 4);
}

/* ---- text-only runs ------------------------------------------------------- */

/* dst: the parts of src (pointing into src's strings) and a copy of joined; freed by rg_text_free. */
static void text_copy(const rg_guard_text_t *src, rg_guard_text_t *dst)
{
    memset(dst, 0, sizeof(*dst));
    dst->parts = src->n ? malloc(src->n * sizeof(*dst->parts)) : NULL;
    dst->joined = malloc(src->joined_len + 1);
    if ((src->n && dst->parts == NULL) || dst->joined == NULL) {
        rg_text_free(dst); /* checks see no text, as after a failed rg_text_extract */
        return;
    }
    if (src->n)
        memcpy(dst->parts, src->parts, src->n * sizeof(*dst->parts));
    dst->n = src->n;
    memcpy(dst->joined, src->joined, src->joined_len + 1);
    dst->joined_len = src->joined_len;
}

/* The run's own copy of the text it was given: one buffer for the part strings. */
static int text_own(rg_phase_run_t *r, const rg_guard_text_t *t)
{
    size_t total = 0;
    for (size_t i = 0; i < t->n; i++)
        total += t->parts[i].len;
    r->text_buf = malloc(total ? total : 1);
    r->text.parts = t->n ? calloc(t->n, sizeof(*r->text.parts)) : NULL;
    r->text.joined = malloc(t->joined_len + 1);
    if (r->text_buf == NULL || (t->n && r->text.parts == NULL) || r->text.joined == NULL)
        return -1;
    size_t at = 0;
    for (size_t i = 0; i < t->n; i++) {
        memcpy(r->text_buf + at, t->parts[i].s, t->parts[i].len);
        r->text.parts[i].s = r->text_buf + at;
        r->text.parts[i].len = t->parts[i].len;
        at += t->parts[i].len;
    }
    r->text.n = t->n;
    memcpy(r->text.joined, t->joined, t->joined_len + 1);
    r->text.joined_len = t->joined_len;
    return 0;
}

/*
 * Checks whose run (and invalid) read nothing of env but the text through
 * rg_ck_text / env->text->joined, and never set parts, request_json or
 * response_json. A check not listed here gets the answer as a tree. If one
 * of these ever starts reading the response JSON, test_phase_text_only fails
 * (it compares each one's results with and without the tree).
 */
static const char *const TEXT_ONLY[] = {
    "default.regexMatch",    "default.contains",     "default.wordCount",    "default.characterCount",
    "default.sentenceCount", "default.jsonSchema",   "default.jsonKeys",     "default.endsWith",
    "default.alllowercase",  "default.alluppercase", "default.containsCode", "railgate.promptInjection",
    "railgate.gibberish",
};

int rg_hooks_text_only(const rg_hook_t *const *hooks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const rg_hook_t *h = hooks[i];
        for (size_t k = 0; h->type != RG_HOOK_UNTYPED && k < h->n_checks; k++) {
            const rg_hook_check_t *c = &h->checks[k];
            if (!c->enabled || c->ops == NULL) /* not run, or an error result without running anything */
                continue;
            size_t j = 0;
            while (j < sizeof(TEXT_ONLY) / sizeof(TEXT_ONLY[0]) && strcmp(TEXT_ONLY[j], c->ops->id) != 0)
                j++;
            if (j == sizeof(TEXT_ONLY) / sizeof(TEXT_ONLY[0]))
                return 0;
        }
    }
    return 1;
}

int rg_phase_needs_tree(rg_phase_run_t *r) { return r->needs_tree; }

rg_phase_run_t *rg_phase_new(const rg_phase_args_t *a)
{
    rg_phase_run_t *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->a = *a;
    r->hooks = calloc(a->n ? a->n : 1, sizeof(*r->hooks));
    r->verdicts = calloc(a->n ? a->n : 1, 1);
    r->errored = calloc(a->n ? a->n : 1, 1);
    if (!r->hooks || !r->verdicts || !r->errored) {
        free(r->hooks);
        free(r->verdicts);
        free(r->errored);
        free(r);
        return NULL;
    }
    for (size_t i = 0; i < a->n; i++)
        r->hooks[i] = a->hooks[i];
    r->a.hooks = r->hooks;
    if (a->text) {
        if (text_own(r, a->text) != 0) {
            rg_text_free(&r->text);
            free(r->text_buf);
            free(r->hooks);
            free(r->verdicts);
            free(r->errored);
            free(r);
            return NULL;
        }
        r->a.text = &r->text;
    }
    json_incref(a->body);
    json_incref(a->request);
    json_incref(a->metadata);
    json_incref(a->headers);
    r->out.verdict = 1;
    return r;
}

/* ---- one check ----------------------------------------------------------- */

static void check_done(void *arg);

/* Runs (or starts) check c in slot s. same: the text another check of this hook was given from the same body
 * and scope, or NULL: extracted from the body then. */
static void launch(rg_phase_run_t *r, const rg_hook_check_t *c, slot_t *s, const rg_guard_text_t *same)
{
    const rg_phase_args_t *a = &r->a;
    s->run = r;
    s->launched = 1;
    s->c0 = now_reuse(r);
    if (a->text)
        text_copy(&r->text, &s->text);
    else if (same)
        text_copy(same, &s->text);
    else
        rg_text_extract(a->body, a->phase, a->type, c->scope_all, &s->text);
    s->env = (rg_check_env_t){
        .phase = a->phase,
        .type = a->type,
        .text = &s->text,
        .request = a->phase == RG_PHASE_REQUEST ? a->body : a->request,
        .response = a->phase == RG_PHASE_RESPONSE ? a->body : NULL,
        .metadata = a->metadata,
        .header = a->header,
        .header_ctx = a->header_ctx,
        .headers = a->headers,
        .provider = a->provider,
        .stream = a->stream,
        .status = a->status,
        .io = a->io,
        .request_transformed = a->request_transformed,
    };
    rg_check_result_t *res = &s->res;
    if (c->ops == NULL) {
        res->error_name = "Check error";
        rg_check_fail(res, "Error executing check");
    } else if (c->compiled == NULL) {
        rg_check_fail(res, "%s", c->error);
        if (c->ops->invalid)
            c->ops->invalid(c->params, c->error, &s->env, res);
    } else if (c->ops->run) {
        c->ops->run(c->compiled, &s->env, res);
    } else {
        r->n_pending++;
        void *p = c->ops->start(c->compiled, &s->env, res, check_done, s);
        if (!s->done)
            s->pending = p;
        return;
    }
    s->done = 1;
    s->c1 = now_keep(r);
}

/* Applies one check's transforms to the body. */
static void apply(rg_phase_run_t *r, slot_t *s)
{
    rg_check_result_t *res = &s->res;
    json_t *whole = r->a.phase == RG_PHASE_REQUEST ? res->request_json : res->response_json;
    if (r->a.text && (whole || res->parts || res->transformed)) {
        r->needs_tree = 1; /* nothing to write the change into: the caller runs again on a tree */
        return;
    }
    if (whole) {
        json_array_append(r->keep, r->a.body); /* other checks' texts may still point into it */
        json_decref(r->a.body);
        r->a.body = json_incref(whole);
    }
    if (res->parts)
        for (size_t k = 0; k < s->text.n; k++)
            if (res->parts[k])
                rg_text_replace(&s->text, k, res->parts[k], res->part_lens ? res->part_lens[k] : strlen(res->parts[k]));
}

/*
 * The result objects are written straight into the run's buffer, with the
 * bytes (and the key order) that building them with jansson and dumping them
 * gave: json_string() and json_pack() refuse a NULL or invalid UTF-8 string,
 * and json_object_set_new() then leaves the key out, so a string that would
 * have been refused leaves its key out here too.
 */
static int text_ok(const char *s)
{
    return s != NULL && rg_utf8_valid(s, strlen(s));
}

/* keys are literals without characters to escape: written as they are */
__attribute__((always_inline)) static inline void key(rg_jw_t *w, int *first, const char *k)
{
    if (!*first)
        rg_jw_raw(w, ",", 1);
    *first = 0;
    rg_jw_raw(w, "\"", 1);
    rg_jw_raw(w, k, strlen(k));
    rg_jw_raw(w, "\":", 2);
}

__attribute__((always_inline)) static inline void key_str(rg_jw_t *w, int *first, const char *k, const char *v)
{
    if (!text_ok(v))
        return;
    key(w, first, k);
    rg_jw_str(w, v, strlen(v));
}

__attribute__((always_inline)) static inline void key_raw(rg_jw_t *w, int *first, const char *k, const char *v)
{
    key(w, first, k);
    rg_jw_raw(w, v, strlen(v));
}

__attribute__((always_inline)) static inline void key_bool(rg_jw_t *w, int *first, const char *k, int v)
{
    key_raw(w, first, k, v ? "true" : "false");
}

__attribute__((always_inline)) static inline void key_int(rg_jw_t *w, int *first, const char *k, long long v)
{
    key(w, first, k);
    rg_jw_int(w, v);
}

/* {"name":..., "message":...} or {"message":...} (name ""), or nothing when a string would be refused */
static void key_error(rg_jw_t *w, int *first, const char *name, const char *message)
{
    if (!text_ok(message) || (*name && !text_ok(name)))
        return;
    key(w, first, "error");
    rg_jw_raw(w, "{", 1);
    int f = 1;
    if (*name)
        key_str(w, &f, "name", name);
    key_str(w, &f, "message", message);
    rg_jw_raw(w, "}", 1);
}

static void check_write(rg_jw_t *w, const rg_hook_check_t *c, const slot_t *s)
{
    const rg_check_result_t *res = &s->res;
    int errored = res->error[0] != '\0';
    int f = 1;
    rg_jw_raw(w, "{", 1);
    if (c->ops == NULL) { /* Portkey's shape for a check it cannot find: fewer keys, error first */
        if (res->error_name)
            key_error(w, &f, res->error_name, res->error);
        key_raw(w, &f, "verdict", "false");
        key_raw(w, &f, "data", "null");
        key_str(w, &f, "id", c->id);
        key_int(w, &f, "execution_time", s->c1 - s->c0);
        key(w, &f, "created_at");
        iso(w, s->c0);
        rg_jw_raw(w, "}", 1);
        return;
    }
    key(w, &f, "data");
    if (res->data_json)
        rg_jw_raw(w, res->data_json, res->data_json_len);
    else if (res->data)
        rg_jw_value(w, res->data);
    else
        rg_jw_raw(w, "null", 4);
    key_bool(w, &f, "verdict", res->verdict);
    key_str(w, &f, "id", c->id);
    if (errored) /* a check may leave the name out (""), as some of Portkey's do */
        key_error(w, &f, res->error_name ? res->error_name : "Error", res->error);
    key_int(w, &f, "execution_time", s->c1 - s->c0);
    key_bool(w, &f, "transformed", res->transformed);
    key(w, &f, "created_at");
    iso(w, s->c0);
    key_raw(w, &f, "log", "null");
    key_bool(w, &f, "fail_on_error", c->fail_on_error);
    rg_jw_raw(w, "}", 1);
}

/* ---- one hook ------------------------------------------------------------ */

static void join_id(char **list, size_t *len, const char *id)
{
    size_t add = strlen(id) + 2;
    char *p = realloc(*list, *len + add + 1);
    if (p == NULL)
        return;
    *list = p;
    *len += (size_t)sprintf(p + *len, "%s%s", *len ? ", " : "", id);
}

static json_t *feedback(const rg_hook_t *h, int ok, const char *succ, const char *fail, const char *errd)
{
    json_t *f = ok ? h->on_success : h->on_fail;
    if (f == NULL)
        return json_null();
    json_t *out = json_deep_copy(f);
    json_t *md = json_object_get(out, "metadata");
    if (!json_is_object(md)) {
        md = json_object();
        json_object_set_new(out, "metadata", md);
    }
    json_object_set_new(md, "successfulChecks", json_string(succ ? succ : ""));
    json_object_set_new(md, "failedChecks", json_string(fail ? fail : ""));
    json_object_set_new(md, "erroredChecks", json_string(errd ? errd : ""));
    return out;
}

static int hook_runs_checks(const rg_hook_t *h)
{
    return h->type != RG_HOOK_UNTYPED && h->n_checks > 0;
}

static int is_sequential(const rg_hook_t *h)
{
    return h->sequential || h->type == RG_HOOK_MUTATOR;
}

static void begin_hook(rg_phase_run_t *r, const rg_hook_t *h)
{
    r->begun = 1;
    r->t0 = now_keep(r);
    r->k = 0;
    r->n_pending = 0;
    r->slots = hook_runs_checks(h) ? calloc(h->n_checks, sizeof(*r->slots)) : NULL;
    r->keep = json_array();
}

/* Builds the hook's result from its finished slots and moves on to the next hook. */
static void finish_hook(rg_phase_run_t *r, const rg_hook_t *h)
{
    rg_jw_t *checks = &r->checks; /* the "checks" array's entries */
    rg_jw_reset(checks);
    int lists = h->on_success != NULL || h->on_fail != NULL; /* the id lists only go into feedback */
    int verdict = 1, transformed = 0, ok_for_feedback = 1, errored_any = 0;
    char *succ = NULL, *fail = NULL, *errd = NULL;
    size_t ls = 0, lf = 0, le = 0;
    if (hook_runs_checks(h)) {
        if (r->slots == NULL)
            verdict = 0; /* out of memory */
        for (size_t i = 0; r->slots && i < h->n_checks; i++) {
            const rg_hook_check_t *c = &h->checks[i];
            slot_t *s = &r->slots[i];
            if (!c->enabled)
                continue;
            const rg_check_result_t *res = &s->res;
            int errored = res->error[0] != '\0';
            if (!(res->verdict || (errored && !c->fail_on_error)))
                verdict = 0;
            if (!(res->verdict || errored))
                ok_for_feedback = 0;
            errored_any |= errored;
            if (!lists)
                ;
            else if (errored)
                join_id(&errd, &le, c->id);
            else if (res->verdict)
                join_id(&succ, &ls, c->id);
            else
                join_id(&fail, &lf, c->id);
            transformed |= res->transformed;
            if (checks->len)
                rg_jw_raw(checks, ",", 1);
            check_write(checks, c, s);
            r->out.credentials_found |= res->credentials;
        }
        for (size_t i = 0; r->slots && i < h->n_checks; i++) {
            rg_check_result_clear(&r->slots[i].res, r->slots[i].text.n);
            rg_text_free(&r->slots[i].text);
        }
    }
    free(r->slots);
    r->slots = NULL;
    json_decref(r->keep);
    r->keep = NULL;

    rg_jw_t *w = &r->json;
    int f = 1;
    if (w->len)
        rg_jw_raw(w, ",", 1);
    rg_jw_raw(w, "{", 1);
    key_bool(w, &f, "verdict", verdict);
    if (h->id)
        key_str(w, &f, "id", h->id);
    key_bool(w, &f, "transformed", transformed);
    key(w, &f, "checks");
    rg_jw_raw(w, "[", 1);
    rg_jw_raw(w, checks->p, checks->len);
    rg_jw_raw(w, "]", 1);
    if (checks->oom)
        w->oom = 1;
    json_t *fb = feedback(h, ok_for_feedback, succ, fail, errd);
    if (fb) {
        key(w, &f, "feedback");
        rg_jw_value(w, fb);
        json_decref(fb);
    }
    key_int(w, &f, "execution_time", now_reuse(r) - r->t0);
    key_bool(w, &f, "async", h->async);
    if (h->type != RG_HOOK_UNTYPED)
        key_raw(w, &f, "type", h->type == RG_HOOK_MUTATOR ? "\"mutator\"" : "\"guardrail\"");
    key(w, &f, "created_at");
    iso(w, r->t0);
    key_bool(w, &f, "deny", h->deny && !verdict);
    rg_jw_raw(w, "}", 1);
    if (r->results) { /* a tree made before this hook finished is out of date */
        json_decref(r->results);
        r->results = NULL;
    }
    free(succ);
    free(fail);
    free(errd);

    r->verdicts[r->hook_i] = (unsigned char)verdict;
    r->errored[r->hook_i] = (unsigned char)errored_any;
    if (!verdict) {
        r->out.verdict = 0;
        if (h->deny)
            r->out.deny = 1;
    }
    r->out.transformed |= transformed;
    r->begun = 0;
    r->hook_i++;
}

/* Advances the hook in progress; returns 1 when it finished, 0 when it waits on I/O. */
static int step_hook(rg_phase_run_t *r, const rg_hook_t *h)
{
    if (!hook_runs_checks(h) || r->slots == NULL)
        return 1;
    if (is_sequential(h)) {
        for (; r->k < h->n_checks; r->k++) {
            const rg_hook_check_t *c = &h->checks[r->k];
            slot_t *s = &r->slots[r->k];
            if (!c->enabled)
                continue;
            if (!s->launched)
                launch(r, c, s, NULL); /* the body may have changed since the check before */
            if (!s->done)
                return 0;
            apply(r, s);
        }
        return 1;
    }
    /* every check sees the body as it was when the hook began: its text is extracted once per scope and copied
     * for the others (nothing changes the body or a launched check's text before the transforms below) */
    const rg_guard_text_t *same[2] = {NULL, NULL};
    for (size_t i = 0; i < h->n_checks; i++)
        if (h->checks[i].enabled && !r->slots[i].launched) {
            const rg_guard_text_t **t = &same[!!h->checks[i].scope_all];
            launch(r, &h->checks[i], &r->slots[i], *t);
            if (*t == NULL && r->slots[i].text.joined != NULL)
                *t = &r->slots[i].text;
        }
    if (r->n_pending > 0)
        return 0;
    for (size_t i = 0; i < h->n_checks; i++) /* every check saw the same text; transforms in array order */
        if (h->checks[i].enabled)
            apply(r, &r->slots[i]);
    return 1;
}

/* Walks on from where the run stopped; returns 1 when the run is finished. */
static int drive(rg_phase_run_t *r)
{
    r->driving = 1;
    while (r->hook_i < r->a.n) {
        const rg_hook_t *h = r->hooks[r->hook_i];
        if (!r->begun)
            begin_hook(r, h);
        if (!step_hook(r, h)) {
            r->driving = 0;
            return 0;
        }
        finish_hook(r, h);
    }
    r->driving = 0;
    r->finished = 1;
    return 1;
}

static void check_done(void *arg)
{
    slot_t *s = arg;
    rg_phase_run_t *r = s->run;
    s->done = 1;
    s->pending = NULL;
    s->c1 = now_keep(r);
    r->n_pending--;
    if (r->driving || r->aborted)
        return; /* launch() is on the stack and carries on */
    if (drive(r) && r->done_cb)
        r->done_cb(r->done_arg);
}

int rg_phase_go(rg_phase_run_t *r, void (*done_cb)(void *arg), void *arg)
{
    r->done_cb = done_cb;
    r->done_arg = arg;
    return drive(r);
}

void rg_phase_abort(rg_phase_run_t *r)
{
    if (r->finished || r->aborted)
        return;
    r->aborted = 1;
    const rg_hook_t *h = r->hook_i < r->a.n ? r->hooks[r->hook_i] : NULL;
    for (size_t i = 0; h && r->slots && i < h->n_checks; i++) {
        slot_t *s = &r->slots[i];
        if (s->launched && !s->done && s->pending && h->checks[i].ops->abort)
            h->checks[i].ops->abort(s->pending);
        s->pending = NULL;
    }
}

void rg_phase_free(rg_phase_run_t *r)
{
    if (r == NULL)
        return;
    rg_phase_abort(r);
    if (r->slots) {
        const rg_hook_t *h = r->hooks[r->hook_i];
        for (size_t i = 0; i < h->n_checks; i++) {
            rg_check_result_clear(&r->slots[i].res, r->slots[i].text.n);
            rg_text_free(&r->slots[i].text);
        }
        free(r->slots);
    }
    json_decref(r->keep);
    json_decref(r->results);
    rg_jw_free(&r->json);
    rg_jw_free(&r->checks);
    rg_text_free(&r->text);
    free(r->text_buf);
    json_decref(r->a.body);
    json_decref(r->a.request);
    json_decref(r->a.metadata);
    json_decref(r->a.headers);
    free(r->hooks);
    free(r->verdicts);
    free(r->errored);
    free(r);
}

const char *rg_phase_results_json(rg_phase_run_t *r, size_t *len)
{
    const char *s = rg_jw_cstr(&r->json);
    *len = s ? r->json.len : 0;
    return s;
}

json_t *rg_phase_results(rg_phase_run_t *r)
{
    if (r->results)
        return r->results;
    size_t n;
    const char *s = rg_phase_results_json(r, &n);
    r->results = s ? rg_results_tree(s, n) : NULL;
    if (r->results == NULL)
        r->results = json_array(); /* out of memory */
    return r->results;
}

json_t *rg_results_tree(const char *entries, size_t len)
{
    char *arr = malloc(len + 2);
    if (arr == NULL)
        return NULL;
    arr[0] = '[';
    memcpy(arr + 1, entries, len);
    arr[len + 1] = ']';
    rg_json_error_t err;
    json_t *t = rg_json_loadb(arr, len + 2, 0, &err);
    if (t == NULL) { /* a check's data held a NUL character, which the fast loader refuses */
        json_error_t jerr;
        t = json_loadb(arr, len + 2, JSON_ALLOW_NUL, &jerr);
    }
    free(arr);
    return t;
}
const rg_phase_outcome_t *rg_phase_outcome(rg_phase_run_t *r) { return &r->out; }
json_t *rg_phase_body(rg_phase_run_t *r) { return r->a.body; }
int rg_phase_hook_verdict(rg_phase_run_t *r, size_t i) { return i < r->hook_i ? r->verdicts[i] : 0; }
int rg_phase_hook_errored(rg_phase_run_t *r, size_t i) { return i < r->hook_i ? r->errored[i] : 0; }

json_t *rg_hooks_run(const rg_hook_list_t *hooks, int async, rg_phase_t phase, rg_req_type_t type, json_t **body,
                     json_t *request, json_t *metadata, const char *(*header)(void *, const char *, size_t *),
                     void *header_ctx, rg_phase_outcome_t *out)
{
    return rg_hooks_run_io(hooks, async, phase, type, body, request, metadata, header, header_ctx, NULL, out);
}

/* rg_hooks_run_io's work; the results as a tree only when `tree` is set, else serialized and left (the gateway's
 * path: the text goes into the answer and the record, no tree is built). */
static json_t *run_sync(const rg_hook_list_t *hooks, int async, rg_phase_t phase, rg_req_type_t type, json_t **body,
                        json_t *request, json_t *metadata, const char *(*header)(void *, const char *, size_t *),
                        void *header_ctx, rg_check_io_t *io, rg_phase_outcome_t *out, int tree)
{
    const rg_hook_t **sel = calloc(hooks->n ? hooks->n : 1, sizeof(*sel));
    size_t n = 0;
    for (size_t i = 0; sel && i < hooks->n; i++)
        if (!hooks->hooks[i].async == !async)
            sel[n++] = &hooks->hooks[i];
    rg_phase_args_t a = {.hooks = sel,
                         .n = n,
                         .phase = phase,
                         .type = type,
                         .body = *body,
                         .request = phase == RG_PHASE_REQUEST ? NULL : request,
                         .metadata = metadata,
                         .header = header,
                         .header_ctx = header_ctx,
                         .provider = "openai",
                         .io = io};
    rg_phase_run_t *r = sel ? rg_phase_new(&a) : NULL;
    free(sel);
    if (r == NULL) {
        *out = (rg_phase_outcome_t){0};
        return tree ? json_array() : NULL;
    }
    if (!rg_phase_go(r, NULL, NULL)) { /* an io that answers later: not for this synchronous form */
        rg_phase_free(r);
        *out = (rg_phase_outcome_t){0};
        return tree ? json_array() : NULL;
    }
    json_t *results = NULL;
    size_t len;
    if (tree)
        results = json_incref(rg_phase_results(r));
    else if (rg_phase_results_json(r, &len) == NULL)
        r->out.verdict = 0; /* out of memory */
    *out = r->out;
    json_decref(*body);
    *body = json_incref(r->a.body);
    rg_phase_free(r);
    return results;
}

json_t *rg_hooks_run_io(const rg_hook_list_t *hooks, int async, rg_phase_t phase, rg_req_type_t type, json_t **body,
                        json_t *request, json_t *metadata, const char *(*header)(void *, const char *, size_t *),
                        void *header_ctx, rg_check_io_t *io, rg_phase_outcome_t *out)
{
    return run_sync(hooks, async, phase, type, body, request, metadata, header, header_ctx, io, out, 1);
}

rg_phase_outcome_t rg_hooks_run_io_outcome(const rg_hook_list_t *hooks, rg_phase_t phase, rg_req_type_t type,
                                           json_t **body, json_t *metadata, rg_check_io_t *io)
{
    rg_phase_outcome_t out;
    run_sync(hooks, 0, phase, type, body, phase == RG_PHASE_REQUEST ? *body : NULL, metadata, NULL, NULL, io, &out, 0);
    return out;
}
