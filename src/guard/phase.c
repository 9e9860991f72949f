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
    json_t *results;
    rg_phase_outcome_t out;
    unsigned char *verdicts, *errored; /* per hook */

    /* the hook in progress */
    size_t hook_i;
    slot_t *slots;
    size_t k;        /* sequential: next check */
    size_t n_pending;
    json_t *keep;    /* bodies replaced while texts may still point into them */
    int64_t t0;
    int begun;

    int driving, finished, aborted;
    void (*done_cb)(void *);
    void *done_arg;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "2026-11-21T18:55:34.123Z"; the date and time part is formatted once per second per thread */
static json_t *iso(int64_t ms)
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
    return json_stringn(buf, n + 4);
}

rg_phase_run_t *rg_phase_new(const rg_phase_args_t *a)
{
    rg_phase_run_t *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->a = *a;
    r->hooks = calloc(a->n ? a->n : 1, sizeof(*r->hooks));
    r->verdicts = calloc(a->n ? a->n : 1, 1);
    r->errored = calloc(a->n ? a->n : 1, 1);
    r->results = json_array();
    if (!r->hooks || !r->verdicts || !r->errored || !r->results) {
        free(r->hooks);
        free(r->verdicts);
        free(r->errored);
        json_decref(r->results);
        free(r);
        return NULL;
    }
    for (size_t i = 0; i < a->n; i++)
        r->hooks[i] = a->hooks[i];
    r->a.hooks = r->hooks;
    json_incref(a->body);
    json_incref(a->request);
    json_incref(a->metadata);
    json_incref(a->headers);
    r->out.verdict = 1;
    return r;
}

/* ---- one check ----------------------------------------------------------- */

static void check_done(void *arg);

static void launch(rg_phase_run_t *r, const rg_hook_check_t *c, slot_t *s)
{
    const rg_phase_args_t *a = &r->a;
    s->run = r;
    s->launched = 1;
    s->c0 = now_ms();
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
    s->c1 = now_ms();
}

/* Applies one check's transforms to the body. */
static void apply(rg_phase_run_t *r, slot_t *s)
{
    rg_check_result_t *res = &s->res;
    json_t *whole = r->a.phase == RG_PHASE_REQUEST ? res->request_json : res->response_json;
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

static json_t *check_json(const rg_hook_check_t *c, const slot_t *s)
{
    const rg_check_result_t *res = &s->res;
    json_t *cr = json_object();
    int errored = res->error[0] != '\0';
    if (c->ops == NULL) { /* Portkey's shape for a check it cannot find: fewer keys, error first */
        json_object_set_new(cr, "error", json_pack("{s:s, s:s}", "name", res->error_name, "message", res->error));
        json_object_set_new(cr, "verdict", json_false());
        json_object_set_new(cr, "data", json_null());
        json_object_set_new(cr, "id", json_string(c->id));
        json_object_set_new(cr, "execution_time", json_integer(s->c1 - s->c0));
        json_object_set_new(cr, "created_at", iso(s->c0));
        return cr;
    }
    json_object_set(cr, "data", res->data ? res->data : json_null());
    json_object_set_new(cr, "verdict", json_boolean(res->verdict));
    json_object_set_new(cr, "id", json_string(c->id));
    if (errored) { /* a check may leave the name out (""), as some of Portkey's do */
        const char *name = res->error_name ? res->error_name : "Error";
        json_object_set_new(cr, "error", *name ? json_pack("{s:s, s:s}", "name", name, "message", res->error)
                                               : json_pack("{s:s}", "message", res->error));
    }
    json_object_set_new(cr, "execution_time", json_integer(s->c1 - s->c0));
    json_object_set_new(cr, "transformed", json_boolean(res->transformed));
    json_object_set_new(cr, "created_at", iso(s->c0));
    json_object_set_new(cr, "log", json_null());
    json_object_set_new(cr, "fail_on_error", json_boolean(c->fail_on_error));
    return cr;
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
    r->t0 = now_ms();
    r->k = 0;
    r->n_pending = 0;
    r->slots = hook_runs_checks(h) ? calloc(h->n_checks, sizeof(*r->slots)) : NULL;
    r->keep = json_array();
}

/* Builds the hook's result from its finished slots and moves on to the next hook. */
static void finish_hook(rg_phase_run_t *r, const rg_hook_t *h)
{
    json_t *checks = json_array();
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
            if (errored)
                join_id(&errd, &le, c->id);
            else if (res->verdict)
                join_id(&succ, &ls, c->id);
            else
                join_id(&fail, &lf, c->id);
            transformed |= res->transformed;
            json_array_append_new(checks, check_json(c, s));
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

    json_t *hr = json_object();
    json_object_set_new(hr, "verdict", json_boolean(verdict));
    if (h->id)
        json_object_set_new(hr, "id", json_string(h->id));
    json_object_set_new(hr, "transformed", json_boolean(transformed));
    json_object_set_new(hr, "checks", checks);
    json_object_set_new(hr, "feedback", feedback(h, ok_for_feedback, succ, fail, errd));
    json_object_set_new(hr, "execution_time", json_integer(now_ms() - r->t0));
    json_object_set_new(hr, "async", json_boolean(h->async));
    if (h->type != RG_HOOK_UNTYPED)
        json_object_set_new(hr, "type", json_string(h->type == RG_HOOK_MUTATOR ? "mutator" : "guardrail"));
    json_object_set_new(hr, "created_at", iso(r->t0));
    json_object_set_new(hr, "deny", json_boolean(h->deny && !verdict));
    json_array_append_new(r->results, hr);
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
                launch(r, c, s);
            if (!s->done)
                return 0;
            apply(r, s);
        }
        return 1;
    }
    for (size_t i = 0; i < h->n_checks; i++)
        if (h->checks[i].enabled && !r->slots[i].launched)
            launch(r, &h->checks[i], &r->slots[i]);
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
    s->c1 = now_ms();
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
    json_decref(r->a.body);
    json_decref(r->a.request);
    json_decref(r->a.metadata);
    json_decref(r->a.headers);
    free(r->hooks);
    free(r->verdicts);
    free(r->errored);
    free(r);
}

json_t *rg_phase_results(rg_phase_run_t *r) { return r->results; }
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

json_t *rg_hooks_run_io(const rg_hook_list_t *hooks, int async, rg_phase_t phase, rg_req_type_t type, json_t **body,
                        json_t *request, json_t *metadata, const char *(*header)(void *, const char *, size_t *),
                        void *header_ctx, rg_check_io_t *io, rg_phase_outcome_t *out)
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
        *out = (rg_phase_outcome_t){0, 0, 0};
        return json_array();
    }
    if (!rg_phase_go(r, NULL, NULL)) { /* an io that answers later: not for this synchronous form */
        rg_phase_free(r);
        *out = (rg_phase_outcome_t){0, 0, 0};
        return json_array();
    }
    json_t *results = json_incref(r->results);
    *out = r->out;
    json_decref(*body);
    *body = json_incref(r->a.body);
    rg_phase_free(r);
    return results;
}
