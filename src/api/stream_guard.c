/*
 * stream_guard.c — after-hooks on streamed answers (see stream_guard.h and
 * docs/internals/stream-guard.md).
 *
 * State: the text gathered so far, the events not yet released (`held`,
 * with the offset of the upstream's [DONE] in it), and the fields of the
 * response JSON the hooks see (id, model, created, finish_reason, usage,
 * system_fingerprint). Mid-stream runs use `mid`: copies of the deny hooks
 * that keep only their synchronous checks (the copies share the checks'
 * compiled state with the originals and free only their own arrays).
 */
#include "api/stream_guard.h"

#include "core/json_dump.h"
#include "core/json_load.h"
#include "guard/js_value.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX (16u << 20)
#define DEFAULT_MIN_STEP 256u
#define DEFAULT_TAIL 64u

static const char DENY_MESSAGE[] = "The guardrail checks defined in the config failed. You can find more information in "
                                   "the `hook_results` object.";
static const char TOO_LARGE_MESSAGE[] = "the streamed answer outgrew what the output guardrails may hold "
                                        "(max_response_buffered); the stream was stopped";

struct rg_stream_guard {
    rg_stream_guard_opts_t o; /* references taken on its JSON values */
    const rg_hook_t **hooks;  /* own copy of the pointer array */
    rg_hook_t *mid;           /* deny hooks with their synchronous checks only */
    const rg_hook_t **mid_ptrs;
    size_t n_mid;

    rg_buf_t text;    /* choice 0's text so far */
    rg_buf_t held;    /* events not released yet */
    struct held_ev {  /* per held event (incremental): where it ends in held, and the text length after it */
        size_t end, text;
    } *q;
    size_t nq, capq;
    size_t done_at;   /* offset of the upstream's [DONE] event in held; SIZE_MAX: not seen */
    size_t passed;    /* text that may go out: what the last passing mid-stream run covered, but for what its
                       * checks hold back (at least the tail) */
    size_t next_at;   /* incremental: run again when the text reaches this length */
    json_t *id, *model, *created, *fingerprint, *finish_reason, *usage;

    json_t *results;  /* latest run's after_request_hooks */
    rg_phase_run_t *final;
    rg_buf_t *out;    /* finish: where the verdict's bytes go */
    void (*done_cb)(void *);
    void *done_arg;
    int cut;          /* RG_SG_CUT_* or 0 */
    int finishing;
    int text_capped;  /* log mode: text beyond max was not gathered */
    rg_sg_stats_t st;
};

/* ---- building ------------------------------------------------------------ */

rg_sg_mode_t rg_stream_guard_mode_of(const rg_hook_t *const *hooks, size_t n)
{
    static const int rank[] = {[RG_SG_LOG] = 0, [RG_SG_INCREMENTAL] = 1, [RG_SG_BUFFER] = 2};
    rg_sg_mode_t m = n ? RG_SG_LOG : RG_SG_INCREMENTAL;
    for (size_t i = 0; i < n; i++) {
        rg_sg_mode_t h = (rg_sg_mode_t)hooks[i]->stream_mode;
        if (rank[h] > rank[m])
            m = h;
    }
    return m;
}

/* A check that finishes inside run(): no network I/O (unknown and uncompiled checks answer at once too). */
static int synchronous(const rg_hook_check_t *c)
{
    return c->ops == NULL || c->compiled == NULL || c->ops->run != NULL;
}

static int build_mid(rg_stream_guard_t *sg)
{
    sg->mid = calloc(sg->o.n ? sg->o.n : 1, sizeof(*sg->mid));
    sg->mid_ptrs = calloc(sg->o.n ? sg->o.n : 1, sizeof(*sg->mid_ptrs));
    if (sg->mid == NULL || sg->mid_ptrs == NULL)
        return -1;
    for (size_t i = 0; i < sg->o.n; i++) {
        const rg_hook_t *h = sg->hooks[i];
        if (!h->deny || h->type == RG_HOOK_UNTYPED || h->n_checks == 0)
            continue;
        rg_hook_t *m = &sg->mid[sg->n_mid];
        *m = *h;
        m->checks = malloc(h->n_checks * sizeof(*m->checks));
        if (m->checks == NULL)
            return -1;
        m->n_checks = 0;
        for (size_t k = 0; k < h->n_checks; k++)
            if (h->checks[k].enabled && synchronous(&h->checks[k]))
                m->checks[m->n_checks++] = h->checks[k];
        if (m->n_checks == 0) {
            free(m->checks);
            continue;
        }
        sg->mid_ptrs[sg->n_mid++] = m;
    }
    return 0;
}

rg_stream_guard_t *rg_stream_guard_new(const rg_stream_guard_opts_t *o)
{
    rg_stream_guard_t *sg = calloc(1, sizeof(*sg));
    if (sg == NULL)
        return NULL;
    sg->o = *o;
    if (sg->o.max == 0)
        sg->o.max = DEFAULT_MAX;
    if (sg->o.min_step == 0)
        sg->o.min_step = DEFAULT_MIN_STEP;
    if (sg->o.tail == 0)
        sg->o.tail = DEFAULT_TAIL;
    if (sg->o.provider == NULL)
        sg->o.provider = "openai";
    json_incref(o->request);
    json_incref(o->metadata);
    json_incref(o->headers);
    json_incref(o->error);
    json_incref(o->before_results);
    sg->hooks = calloc(o->n ? o->n : 1, sizeof(*sg->hooks));
    rg_buf_init(&sg->text, sg->o.max);
    rg_buf_init(&sg->held, sg->o.max);
    sg->done_at = SIZE_MAX;
    sg->next_at = sg->o.min_step;
    if (sg->hooks == NULL) {
        rg_stream_guard_free(sg);
        return NULL;
    }
    for (size_t i = 0; i < o->n; i++)
        sg->hooks[i] = o->hooks[i];
    sg->o.hooks = sg->hooks;
    if (sg->o.mode == RG_SG_INCREMENTAL && build_mid(sg) != 0) {
        rg_stream_guard_free(sg);
        return NULL;
    }
    return sg;
}

void rg_stream_guard_free(rg_stream_guard_t *sg)
{
    if (sg == NULL)
        return;
    rg_phase_free(sg->final); /* cancels async checks still running */
    for (size_t i = 0; i < sg->n_mid; i++)
        free(sg->mid[i].checks);
    free(sg->mid);
    free(sg->mid_ptrs);
    free(sg->hooks);
    rg_buf_free(&sg->text);
    rg_buf_free(&sg->held);
    free(sg->q);
    json_decref(sg->o.request);
    json_decref(sg->o.metadata);
    json_decref(sg->o.headers);
    json_decref(sg->o.error);
    json_decref(sg->o.before_results);
    json_decref(sg->id);
    json_decref(sg->model);
    json_decref(sg->created);
    json_decref(sg->fingerprint);
    json_decref(sg->finish_reason);
    json_decref(sg->usage);
    json_decref(sg->results);
    free(sg);
}

/* ---- output -------------------------------------------------------------- */

/* Appends to out past its cap if need be: what the guard releases is bounded by its own cap. */
static void emit(rg_buf_t *out, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (out->len + n > out->max)
        out->max = out->len + n;
    rg_buf_append(out, p, n);
}

static void emit_event(rg_buf_t *out, json_t *payload)
{
    char *s = rg_json_dumps(payload, NULL);
    if (s == NULL)
        return;
    emit(out, "data: ", 6);
    emit(out, s, strlen(s));
    emit(out, "\n\n", 2);
    free(s);
}

static void release(rg_stream_guard_t *sg, rg_buf_t *out)
{
    emit(out, sg->held.data, sg->held.len);
    rg_buf_reset(&sg->held);
    sg->nq = 0;
}

/* Incremental: releases the held events whose text is covered by the last passing run, but for the tail. */
static void release_checked(rg_stream_guard_t *sg, rg_buf_t *out)
{
    size_t k = 0;
    while (k < sg->nq && (sg->q[k].text == 0 || sg->q[k].text <= sg->passed))
        k++;
    if (k == 0)
        return;
    if (k == sg->nq) {
        release(sg, out);
        return;
    }
    size_t bytes = sg->q[k - 1].end;
    emit(out, sg->held.data, bytes);
    rg_buf_consume(&sg->held, bytes);
    memmove(sg->q, sg->q + k, (sg->nq - k) * sizeof(*sg->q));
    sg->nq -= k;
    for (size_t i = 0; i < sg->nq; i++)
        sg->q[i].end -= bytes;
}

static int queue(rg_stream_guard_t *sg)
{
    if (sg->nq == sg->capq) {
        size_t cap = sg->capq ? sg->capq * 2 : 64;
        struct held_ev *q = realloc(sg->q, cap * sizeof(*q));
        if (q == NULL)
            return -1;
        sg->q = q;
        sg->capq = cap;
    }
    sg->q[sg->nq++] = (struct held_ev){sg->held.len, sg->text.len};
    return 0;
}

/* The cut: one error event and [DONE]; held events are dropped. */
static int cut(rg_stream_guard_t *sg, rg_buf_t *out, int why)
{
    json_t *ev;
    sg->cut = why;
    if (why == RG_SG_CUT_TOO_LARGE) {
        ev = json_pack("{s:{s:s, s:s, s:n, s:s}}", "error", "message", TOO_LARGE_MESSAGE, "type", "upstream_error",
                       "param", "code", "upstream_response_too_large");
    } else {
        json_t *err = sg->o.error ? json_deep_copy(sg->o.error)
                                  : json_pack("{s:s, s:s, s:n, s:n}", "message", DENY_MESSAGE, "type", "hooks_failed",
                                              "param", "code");
        json_t *before = sg->o.before_results ? json_incref(sg->o.before_results) : json_array();
        /* the client sees verdicts, not check data: data such as textExcerpt or matchDetails quotes the very
         * text the cut kept from it (the record keeps the full results) */
        json_t *after = sg->results ? json_deep_copy(sg->results) : json_array();
        size_t i, k;
        json_t *h, *c;
        json_array_foreach(after, i, h) json_array_foreach(json_object_get(h, "checks"), k, c)
            if (json_object_get(c, "data"))
                json_object_set_new(c, "data", json_null());
        ev = json_pack("{s:o, s:{s:o, s:o}}", "error", err, "hook_results", "before_request_hooks", before,
                       "after_request_hooks", after);
    }
    if (ev)
        emit_event(out, ev);
    json_decref(ev);
    emit(out, "data: [DONE]\n\n", 14);
    rg_buf_reset(&sg->held);
    sg->nq = 0;
    return RG_SG_CUT;
}

/* ---- the text and the response JSON -------------------------------------- */

static void keep_first(json_t **slot, json_t *v)
{
    if (*slot == NULL && v && !json_is_null(v))
        *slot = json_incref(v);
}

static void keep_last(json_t **slot, json_t *v)
{
    if (v && !json_is_null(v)) {
        json_decref(*slot);
        *slot = json_incref(v);
    }
}

/* Reads one event's data. Returns 0, or -1 when the text outgrew the cap (not in log mode). */
static int absorb(rg_stream_guard_t *sg, const char *data, size_t len)
{
    rg_json_error_t jerr;
    json_t *j = rg_json_loadb(data, len, 0, &jerr);
    if (!json_is_object(j)) {
        json_decref(j);
        return 0;
    }
    keep_first(&sg->id, json_object_get(j, "id"));
    keep_first(&sg->model, json_object_get(j, "model"));
    keep_first(&sg->created, json_object_get(j, "created"));
    keep_first(&sg->fingerprint, json_object_get(j, "system_fingerprint"));
    if (json_is_object(json_object_get(j, "usage")))
        keep_last(&sg->usage, json_object_get(j, "usage"));
    int rc = 0;
    size_t i;
    json_t *c;
    if (sg->o.type == RG_REQ_TGI) { /* TGI: data: {"token": {"text": ..., "special": ...}, "generated_text": ...} */
        json_t *tok = json_object_get(j, "token");
        json_t *t = json_object_get(tok, "text");
        if (json_is_string(t) && !json_is_true(json_object_get(tok, "special")) && !sg->text_capped &&
            rg_buf_append(&sg->text, json_string_value(t), json_string_length(t)) != RG_BUF_OK) {
            if (sg->o.mode == RG_SG_LOG)
                sg->text_capped = 1;
            else
                rc = -1;
        }
        json_decref(j);
        return rc;
    }
    json_array_foreach(json_object_get(j, "choices"), i, c)
    {
        json_t *idx = json_object_get(c, "index");
        if (idx ? !(json_is_integer(idx) && json_integer_value(idx) == 0) : i != 0)
            continue;
        json_t *t = sg->o.type == RG_REQ_COMPLETE ? json_object_get(c, "text")
                                                  : json_object_get(json_object_get(c, "delta"), "content");
        if (json_is_string(t) && !sg->text_capped) {
            size_t n = json_string_length(t);
            if (rg_buf_append(&sg->text, json_string_value(t), n) != RG_BUF_OK) {
                if (sg->o.mode == RG_SG_LOG)
                    sg->text_capped = 1;
                else
                    rc = -1;
            }
        }
        json_t *fr = json_object_get(c, "finish_reason");
        if (json_is_string(fr))
            keep_last(&sg->finish_reason, fr);
        break;
    }
    json_decref(j);
    return rc;
}

/* What a non-streamed answer with this text would have been. */
static json_t *response_json(rg_stream_guard_t *sg)
{
    json_t *content = json_stringn(sg->text.data ? sg->text.data : "", sg->text.len);
    if (content == NULL)
        content = json_string("");
    if (sg->o.type == RG_REQ_TGI)
        return json_pack("{s:o}", "generated_text", content);
    json_t *fr = sg->finish_reason ? sg->finish_reason : json_null();
    json_t *choice = sg->o.type == RG_REQ_COMPLETE
                         ? json_pack("{s:o, s:i, s:n, s:O}", "text", content, "index", 0, "logprobs", "finish_reason", fr)
                         : json_pack("{s:i, s:{s:s, s:o}, s:O}", "index", 0, "message", "role", "assistant", "content",
                                     content, "finish_reason", fr);
    json_t *r = json_object();
    if (sg->id)
        json_object_set(r, "id", sg->id);
    json_object_set_new(r, "object", json_string(sg->o.type == RG_REQ_COMPLETE ? "text_completion" : "chat.completion"));
    if (sg->created)
        json_object_set(r, "created", sg->created);
    if (sg->model)
        json_object_set(r, "model", sg->model);
    if (sg->fingerprint)
        json_object_set(r, "system_fingerprint", sg->fingerprint);
    json_object_set_new(r, "choices", choice ? json_pack("[o]", choice) : json_array());
    if (sg->usage)
        json_object_set(r, "usage", sg->usage);
    return r;
}

json_t *rg_stream_guard_response(rg_stream_guard_t *sg)
{
    return response_json(sg);
}

static rg_phase_run_t *new_run(rg_stream_guard_t *sg, const rg_hook_t *const *hooks, size_t n, rg_check_io_t *io)
{
    json_t *body = response_json(sg);
    rg_phase_args_t a = {
        .hooks = hooks,
        .n = n,
        .phase = RG_PHASE_RESPONSE,
        .type = sg->o.type,
        .body = body,
        .request = sg->o.request,
        .metadata = sg->o.metadata,
        .header = sg->o.header,
        .header_ctx = sg->o.header_ctx,
        .headers = sg->o.headers,
        .provider = sg->o.provider,
        .stream = 1,
        .status = 200,
        .io = io,
    };
    rg_phase_run_t *r = rg_phase_new(&a);
    json_decref(body);
    sg->st.checks++;
    sg->st.checked_bytes += sg->text.len;
    return r;
}

static void keep_results(rg_stream_guard_t *sg, rg_phase_run_t *r)
{
    json_decref(sg->results);
    sg->results = json_incref(rg_phase_results(r));
}

/* ---- mid-stream ---------------------------------------------------------- */

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/*
 * Whether a failed check stays failed however the text goes on, judged from
 * its result: a forbidden pattern matched away from the end of the text
 * (regexMatch with `not`), a forbidden word found (contains, operator
 * none), a count already above its maximum (wordCount, characterCount,
 * sentenceCount without `not`). Anything else may still pass later.
 */
static int failure_is_final(rg_stream_guard_t *sg, json_t *check)
{
    const char *id = json_string_value(json_object_get(check, "id"));
    json_t *data = json_object_get(check, "data");
    if (id == NULL || !json_is_object(data))
        return 0;
    if (!strcmp(id, "default.regexMatch")) {
        json_t *md = json_object_get(data, "matchDetails");
        json_t *mt = json_object_get(md, "matchedText");
        if (!rg_js_truthy(json_object_get(data, "not")) || !json_is_string(mt))
            return 0;
        /* a match that reaches the end of the text may depend on what follows ($, \b, greedy runs) */
        size_t end = (size_t)json_integer_value(json_object_get(md, "index")) +
                     rg_js_utf16_length(json_string_value(mt), json_string_length(mt));
        return end < rg_js_utf16_length(sg->text.data ? sg->text.data : "", sg->text.len);
    }
    if (!strcmp(id, "default.contains")) {
        json_t *op = json_object_get(data, "operator");
        return json_is_string(op) && !strcmp(json_string_value(op), "none");
    }
    static const char *const counts[][3] = {{"default.wordCount", "wordCount", "maxWords"},
                                            {"default.characterCount", "characterCount", "maxCharacters"},
                                            {"default.sentenceCount", "sentenceCount", "maxCount"}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        if (!strcmp(id, counts[i][0]))
            return json_is_false(json_object_get(data, "not")) && json_is_number(json_object_get(data, counts[i][1])) &&
                   num(data, counts[i][1]) > num(data, counts[i][2]);
    return 0;
}

enum { MID_PASS, MID_HOLD, MID_DENY };

/* After a passing run: the text that may go out, that is all of it but the tail or, when more, what a check says
 * could be the start of a match still to complete (check.h, pending: a banned phrase longer than the tail, a
 * long token, a regex's partial match). */
static size_t may_go_out(const rg_stream_guard_t *sg)
{
    const char *t = sg->text.data ? sg->text.data : "";
    size_t len = sg->text.len, hold = sg->o.tail;
    for (size_t i = 0; i < sg->n_mid && hold < len; i++)
        for (size_t k = 0; k < sg->mid[i].n_checks && hold < len; k++) {
            const rg_hook_check_t *c = &sg->mid[i].checks[k];
            if (c->ops && c->compiled && c->ops->pending) {
                size_t p = c->ops->pending(c->compiled, t, len);
                if (p > hold)
                    hold = p;
            }
        }
    return hold < len ? len - hold : 0;
}

static int mid_check(rg_stream_guard_t *sg)
{
    rg_phase_run_t *r = new_run(sg, sg->mid_ptrs, sg->n_mid, NULL);
    if (r == NULL)
        return MID_HOLD;
    if (!rg_phase_go(r, NULL, NULL)) { /* cannot happen: only synchronous checks */
        rg_phase_free(r);
        return MID_HOLD;
    }
    keep_results(sg, r);
    const rg_phase_outcome_t *oc = rg_phase_outcome(r);
    int v = MID_PASS;
    if (oc->deny) {
        v = MID_HOLD;
        /* a transform earlier in the run means later hooks saw other text: nothing is judged final then */
        json_t *hr;
        size_t i;
        json_array_foreach(sg->results, i, hr)
        {
            if (oc->transformed || v == MID_DENY || !json_is_true(json_object_get(hr, "deny")))
                continue;
            json_t *c;
            size_t k;
            json_array_foreach(json_object_get(hr, "checks"), k, c)
            {
                if (json_is_false(json_object_get(c, "verdict")) && !json_object_get(c, "error") &&
                    failure_is_final(sg, c))
                    v = MID_DENY;
            }
        }
    }
    rg_phase_free(r);
    return v;
}

/* ---- the stream ---------------------------------------------------------- */

static int is_done_event(const rg_sse_event_t *ev)
{
    return ev->has_data && ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0;
}

int rg_stream_guard_event(rg_stream_guard_t *sg, const rg_sse_event_t *ev, rg_buf_t *out)
{
    if (sg->cut)
        return RG_SG_CUT;
    if (sg->finishing)
        return RG_SG_GO; /* nothing comes after the end; ignore */
    int done = is_done_event(ev);
    if (ev->has_data && !done && sg->done_at == SIZE_MAX && absorb(sg, ev->data, ev->data_len) != 0)
        return cut(sg, out, RG_SG_CUT_TOO_LARGE);
    if (sg->o.mode == RG_SG_LOG) {
        emit(out, ev->raw, ev->raw_len);
        return RG_SG_GO;
    }
    if (done && sg->done_at == SIZE_MAX)
        sg->done_at = sg->held.len;
    if (rg_buf_append(&sg->held, ev->raw, ev->raw_len) != RG_BUF_OK)
        return cut(sg, out, RG_SG_CUT_TOO_LARGE);
    if (sg->held.len > sg->st.held_peak)
        sg->st.held_peak = sg->held.len;
    if (sg->o.mode != RG_SG_INCREMENTAL || sg->done_at != SIZE_MAX)
        return RG_SG_GO; /* buffer mode, or [DONE] seen: everything waits for the end */
    if (sg->n_mid == 0) {
        release(sg, out); /* nothing to check mid-stream */
        return RG_SG_GO;
    }
    if (queue(sg) != 0)
        return cut(sg, out, RG_SG_CUT_TOO_LARGE);
    if (sg->text.len >= sg->next_at) {
        int v = mid_check(sg);
        size_t step = sg->text.len / 8 > sg->o.min_step ? sg->text.len / 8 : sg->o.min_step;
        sg->next_at = sg->text.len + step;
        if (v == MID_DENY)
            return cut(sg, out, RG_SG_CUT_DENY);
        if (v == MID_PASS)
            sg->passed = may_go_out(sg);
    }
    release_checked(sg, out);
    return RG_SG_GO;
}

/* The final run is done: the verdict's bytes go to out. */
static int conclude(rg_stream_guard_t *sg, rg_buf_t *out)
{
    keep_results(sg, sg->final);
    if (sg->o.mode == RG_SG_LOG)
        return RG_SG_GO;
    if (rg_phase_outcome(sg->final)->deny)
        return cut(sg, out, RG_SG_CUT_DENY);
    size_t at = sg->done_at == SIZE_MAX ? sg->held.len : sg->done_at;
    emit(out, sg->held.data, at);
    if (sg->o.send_results) {
        json_t *ev = json_pack("{s:{s:O}}", "hook_results", "after_request_hooks", sg->results);
        if (ev)
            emit_event(out, ev);
        json_decref(ev);
    }
    if (at < sg->held.len)
        emit(out, sg->held.data + at, sg->held.len - at);
    rg_buf_reset(&sg->held);
    sg->nq = 0;
    return RG_SG_GO;
}

static void final_done(void *arg)
{
    rg_stream_guard_t *sg = arg;
    conclude(sg, sg->out);
    sg->done_cb(sg->done_arg); /* may free the guard: nothing after this */
}

int rg_stream_guard_finish(rg_stream_guard_t *sg, rg_buf_t *out, void (*done_cb)(void *arg), void *arg)
{
    if (sg->cut)
        return RG_SG_CUT;
    if (sg->finishing)
        return RG_SG_GO;
    sg->finishing = 1;
    sg->out = out;
    sg->done_cb = done_cb;
    sg->done_arg = arg;
    sg->final = new_run(sg, sg->hooks, sg->o.n, sg->o.io);
    if (sg->final == NULL) /* out of memory: fail closed, except when only logging */
        return sg->o.mode == RG_SG_LOG ? RG_SG_GO : cut(sg, out, RG_SG_CUT_DENY);
    if (rg_phase_go(sg->final, done_cb ? final_done : NULL, sg))
        return conclude(sg, out);
    if (done_cb == NULL) { /* the caller cannot wait: treat as a failure to check */
        rg_phase_abort(sg->final);
        return sg->o.mode == RG_SG_LOG ? RG_SG_GO : cut(sg, out, RG_SG_CUT_DENY);
    }
    return RG_SG_WAIT;
}

int rg_stream_guard_cut(const rg_stream_guard_t *sg)
{
    return sg->cut;
}

json_t *rg_stream_guard_results(rg_stream_guard_t *sg)
{
    return sg->results;
}

void rg_stream_guard_stats(const rg_stream_guard_t *sg, rg_sg_stats_t *st)
{
    *st = sg->st;
    st->text_bytes = sg->text.len;
}
