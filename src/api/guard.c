/*
 * guard.c — guardrails on the request path: which hooks run, when, and what
 * their verdicts do to the response. See guard.h for the outcomes.
 *
 * A request's hooks are sorted into five sets when it arrives:
 *   pre      request phase, before the upstream is called (Portkey before
 *            hooks, operator default before hooks, pre_call guardrails, and
 *            during_call guardrails on streams);
 *   during   during_call guardrails on non-streamed requests: they run while
 *            the upstream works; the answer waits for them;
 *   post     response phase, before the answer goes out (after hooks,
 *            post_call guardrails);
 *   bg_req / bg_resp   async hooks and logging_only guardrails: they run
 *            once the answer is out and only land in the record;
 *   bg_ingest  the after-answer hooks of akto guardrails (rg_guardrail_t.ingest):
 *            run exactly once per request, from rg_guard_ingest when the
 *            request's record is made, on the answer as it went out.
 * Each set runs as one rg_phase run (src/guard/phase.c), which may wait on
 * network checks; the request continues from the run's completion callback.
 *
 * The state outlives the request when background runs are still going: the
 * request's record is then held here and written when they finish (or when
 * the worker stops).
 */
#include "api/guard.h"
#include "agent/agent_proxy.h"

#include "api/answer_scan.h"
#include "api/app.h"
#include "api/check_io.h"
#include "api/guard_cache.h"
#include "api/record_mask.h"
#include "api/stream_guard.h"
#include "core/json_dump.h"
#include "core/json_load.h"
#include "core/json_valid.h"
#include "core/log.h"
#include "guard/hook.h"
#include "ingest/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct hookset {
    const rg_hook_t **hooks;
    const rg_guardrail_t **gr; /* the YAML guardrail a hook came from, or NULL (Portkey-shaped hooks) */
    size_t n, cap;
} hookset_t;

enum { BG_REQ = 0, BG_RESP = 1, BG_INGEST = 2, BG__N };

struct rg_guard_state {
    rg_exchange_t *ex; /* NULL once the request is gone and background runs finish on their own */
    rg_worker_t *w;
    rg_config_t *cfg;     /* reference: operator hooks live in it */
    rg_guard_cfg_t *rcfg; /* the request's compiled x-portkey-config (cache reference), or NULL */
    json_t *metadata;
    json_t *headers;     /* request headers without credentials, for checks that forward them */
    json_t *all_headers; /* every request header (jwt reads Authorization); never recorded */
    rg_req_type_t type;
    rg_req_type_t resp_type; /* the kind the answer is read as: type, unless rg_guard_answer_type said otherwise */
    int stream;

    hookset_t pre, during, post, bg[BG__N];
    int portkey; /* Portkey-shaped hooks are involved: hook_results go into responses */
    int strict;  /* strict OpenAI compliance: no hook_results event in streams */
    int failed;  /* a Portkey hook failed without deny: 246 */
    int req_transformed; /* before hooks changed the request */

    rg_phase_run_t *run;    /* pre or post in progress */
    rg_phase_run_t *during_run;
    rg_phase_run_t *bg_run[BG__N];
    int bg_started[BG__N];  /* each background set runs once */
    int during_waiting;     /* the answer arrived and waits for the during run */
    int resp_status;
    const char *resp_data;  /* alive until dispose (exchange buffers or pool) */
    size_t resp_len;

    /* hook_results as JSON text, the entries of [0] before_request_hooks and [1] after_request_hooks
     * (comma-separated, no brackets), written by the phase runs; never built as jansson trees on the
     * request path (that, and dumping them, was most of a guarded request's cost: PERFORMANCE.md) */
    rg_jw_t results[2];
    int have[2];            /* a run of that side finished (its list may still be empty) */
    json_t *before_tree;    /* results[0] as a tree, made for a stream guard and kept in step; or NULL */
    rg_answer_t scanned;    /* the answer as rg_guard_respond_json scanned it, waiting for respond_now */
    int has_scan;
    json_t *stream_results; /* after hooks run by the stream guard (they come first in after_request_hooks) */
    int stream_guardrails_only; /* the stream guard runs YAML guardrails only */
    char *verdicts;         /* results as recorded (and as spliced into answers) */
    int dirty;              /* results changed since verdicts was made */
    int credentials_found;  /* a request-phase check found credentials (rg_guard_credentials_found) */
    int held_masked;        /* the held record's request body was made knowing credentials_found */
    int resp_changed;       /* after hooks replaced or transformed the answer */
    rg_record_t *held;      /* the record, waiting for background runs */
    h2o_linklist_t link;    /* in the worker's list of detached states */
};

static const char DENY_MESSAGE[] = "The guardrail checks defined in the config failed. You can find more information in "
                                   "the `hook_results` object.";

/* ---- per-worker state ---------------------------------------------------- */

typedef struct api_worker {
    rg_guard_cache_t cache;
    h2o_linklist_t detached;
    rg_check_io_t *io;
    int stopping;
} api_worker_t;

static api_worker_t *aw(rg_worker_t *w)
{
    if (w->api == NULL) {
        api_worker_t *a = calloc(1, sizeof(*a));
        if (a == NULL)
            return NULL;
        h2o_linklist_init_anchor(&a->detached);
        w->api = a;
    }
    return w->api;
}

/* ---- sets ---------------------------------------------------------------- */

static int set_add(hookset_t *s, const rg_hook_t *h, const rg_guardrail_t *gr)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        const rg_hook_t **hs = realloc(s->hooks, cap * sizeof(*hs));
        if (hs == NULL)
            return -1;
        s->hooks = hs;
        const rg_guardrail_t **gs = realloc(s->gr, cap * sizeof(*gs));
        if (gs == NULL)
            return -1;
        s->gr = gs;
        s->cap = cap;
    }
    s->hooks[s->n] = h;
    s->gr[s->n] = gr;
    s->n++;
    return 0;
}

static void set_free(hookset_t *s)
{
    free(s->hooks);
    free(s->gr);
    memset(s, 0, sizeof(*s));
}

/* Portkey-shaped hooks: the blocking ones into sync, async ones into bg. */
static int add_list(const rg_hook_list_t *l, hookset_t *sync, hookset_t *bg)
{
    for (size_t i = 0; i < l->n; i++)
        if (set_add(l->hooks[i].async ? bg : sync, &l->hooks[i], NULL) != 0)
            return -1;
    return 0;
}

/* ---- headers ------------------------------------------------------------- */

static h2o_iovec_t header(h2o_req_t *req, const char *name, size_t len)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, name, len, -1);
    return i < 0 ? h2o_iovec_init(NULL, 0) : req->headers.entries[i].value;
}

static int credential_header(const char *name, size_t len)
{
    static const char *const names[] = {"authorization", "proxy-authorization", "x-api-key", "api-key",
                                        "cookie",        "x-portkey-api-key",   "openai-api-key"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && strncasecmp(names[i], name, len) == 0)
            return 1;
    return 0;
}

static void snapshot_headers(rg_guard_state_t *g, h2o_req_t *req)
{
    g->headers = json_object();
    g->all_headers = json_object();
    char name[128];
    for (size_t i = 0; i < req->headers.size; i++) {
        const h2o_header_t *h = &req->headers.entries[i];
        if (h->name->len >= sizeof(name))
            continue;
        memcpy(name, h->name->base, h->name->len);
        name[h->name->len] = '\0';
        /* jansson's own UTF-8 check costs ~15 instructions a byte (the ~800-byte config header alone was 6k) */
        if (!rg_utf8_valid(h->value.base, h->value.len))
            continue; /* not UTF-8: no check reads such a header as text */
        if (!rg_utf8_valid(name, strlen(name)))
            continue; /* jansson refuses such a key */
        json_t *v = json_stringn_nocheck(h->value.base, h->value.len);
        if (v == NULL)
            continue;
        if (!credential_header(name, h->name->len))
            json_object_set_nocheck(g->headers, name, v);
        json_object_set_new_nocheck(g->all_headers, name, v);
    }
    /* h2o keeps Host (HTTP/1) and :authority (HTTP/2) out of the header list; checks that forward the
     * headers (log, akto: its collection is the host) expect it as clients sent it */
    if (req->authority.len && req->authority.len < 256 && rg_utf8_valid(req->authority.base, req->authority.len)) {
        json_t *v = json_stringn_nocheck(req->authority.base, req->authority.len);
        if (v) {
            json_object_set_nocheck(g->headers, "host", v);
            json_object_set_new_nocheck(g->all_headers, "host", v);
        }
    }
}

static const char *header_cb(void *ctx, const char *name, size_t *len)
{
    rg_guard_state_t *g = ctx;
    char lower[128];
    size_t n = strlen(name);
    if (n >= sizeof(lower))
        return NULL;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    json_t *v = json_object_get(g->all_headers, lower);
    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

/* ---- running a set ------------------------------------------------------- */

static rg_req_type_t req_type(rg_route_t r)
{
    return r == RG_ROUTE_COMPLETIONS ? RG_REQ_COMPLETE : r == RG_ROUTE_EMBEDDINGS ? RG_REQ_EMBED : RG_REQ_CHAT;
}

static rg_phase_run_t *new_run_on(rg_guard_state_t *g, const hookset_t *s, rg_phase_t phase, json_t *body,
                                  const rg_guard_text_t *text, json_t *request, int status)
{
    api_worker_t *a = aw(g->w);
    rg_phase_args_t args = {
        .hooks = s->hooks,
        .n = s->n,
        .phase = phase,
        .type = phase == RG_PHASE_RESPONSE ? g->resp_type : g->type,
        .body = body,
        .request = request,
        .metadata = g->metadata,
        .header = header_cb,
        .header_ctx = g,
        .headers = g->headers,
        .provider = "openai",
        .stream = g->stream,
        .status = status,
        .io = a ? a->io : NULL,
        .request_transformed = g->req_transformed,
        .text = text,
    };
    return rg_phase_new(&args);
}

static rg_phase_run_t *new_run(rg_guard_state_t *g, const hookset_t *s, rg_phase_t phase, json_t *body,
                               json_t *request, int status)
{
    return new_run_on(g, s, phase, body, NULL, request, status);
}

static void append_results(rg_guard_state_t *g, int which, rg_phase_run_t *r)
{
    size_t n;
    const char *s = rg_phase_results_json(r, &n);
    rg_jw_t *w = &g->results[which];
    g->have[which] = 1;
    if (which == 0 && rg_phase_outcome(r)->credentials_found)
        g->credentials_found = 1;
    if (s == NULL)
        w->oom = 1;
    else if (n > 0) {
        if (w->len)
            rg_jw_raw(w, ",", 1);
        rg_jw_raw(w, s, n);
    }
    if (which == 0 && g->before_tree) /* a stream guard holds it: it sees later results too */
        json_array_extend(g->before_tree, rg_phase_results(r));
    g->dirty = 1;
}

/* before_request_hooks as a tree for a stream guard (NULL when no before run finished) */
static json_t *before_tree(rg_guard_state_t *g)
{
    if (!g->have[0])
        return NULL;
    if (g->before_tree == NULL) {
        const char *s = rg_jw_cstr(&g->results[0]);
        g->before_tree = s ? rg_results_tree(s, g->results[0].len) : NULL;
        if (g->before_tree == NULL)
            g->before_tree = json_array(); /* out of memory */
    }
    return g->before_tree;
}

/* hook_results, serialized: {"before_request_hooks":[...],"after_request_hooks":[stream's..., after...]} */
static void remember(rg_guard_state_t *g)
{
    if (!g->have[0] && !g->have[1] && g->stream_results == NULL)
        return;
    if (g->verdicts && !g->dirty)
        return;
    g->dirty = 0;
    rg_jw_t w = {0};
    static const char B[] = "{\"before_request_hooks\":[", A[] = "],\"after_request_hooks\":[";
    rg_jw_raw(&w, B, sizeof(B) - 1);
    rg_jw_raw(&w, g->results[0].p, g->results[0].len);
    rg_jw_raw(&w, A, sizeof(A) - 1);
    size_t k = json_array_size(g->stream_results);
    for (size_t i = 0; i < k; i++) {
        if (i)
            rg_jw_raw(&w, ",", 1);
        rg_jw_value(&w, json_array_get(g->stream_results, i));
    }
    if (k && g->results[1].len)
        rg_jw_raw(&w, ",", 1);
    rg_jw_raw(&w, g->results[1].p, g->results[1].len);
    rg_jw_raw(&w, "]}", 2);
    if (g->results[0].oom || g->results[1].oom)
        w.oom = 1;
    free(g->verdicts);
    g->verdicts = NULL;
    if (rg_jw_cstr(&w))
        g->verdicts = w.p; /* handed over */
    else
        rg_jw_free(&w);
}

/* hook_results as a tree (for an answer the hooks changed, which is serialized whole) */
static json_t *hook_results(rg_guard_state_t *g)
{
    remember(g);
    json_t *hr = NULL;
    if (g->verdicts) {
        rg_json_error_t jerr;
        size_t n = strlen(g->verdicts);
        hr = rg_json_loadb(g->verdicts, n, 0, &jerr);
        if (hr == NULL) { /* a check's data held a NUL character, which the fast loader refuses */
            json_error_t je;
            hr = json_loadb(g->verdicts, n, JSON_ALLOW_NUL, &je);
        }
    }
    if (hr == NULL)
        hr = json_pack("{s:[], s:[]}", "before_request_hooks", "after_request_hooks");
    return hr;
}

/* ---- verdicts → outcomes ------------------------------------------------- */

typedef enum { GO_ON = 0, BLOCK_GUARDRAIL, UNREACHABLE, DENY_PORTKEY } decision_t;

typedef struct outcome {
    decision_t d;
    const rg_guardrail_t *gr; /* for BLOCK_GUARDRAIL / UNREACHABLE */
    char reason[256];
} outcome_t;

/* Why guardrail hook i failed: its first failed check's explanation, error, or id. */
static void reason_of(json_t *hook_result, char *out, size_t outsz)
{
    size_t i;
    json_t *c;
    snprintf(out, outsz, "a check failed");
    json_array_foreach(json_object_get(hook_result, "checks"), i, c)
    {
        if (json_is_true(json_object_get(c, "verdict")))
            continue;
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *expl = json_string_value(json_object_get(json_object_get(c, "data"), "explanation"));
        const char *msg = json_string_value(json_object_get(json_object_get(c, "error"), "message"));
        if (expl)
            snprintf(out, outsz, "%s", expl);
        else if (msg)
            snprintf(out, outsz, "%s: %s", id ? id : "check", msg);
        else
            snprintf(out, outsz, "%s failed", id ? id : "check");
        return;
    }
}

static outcome_t decide(rg_guard_state_t *g, const hookset_t *s, rg_phase_run_t *r)
{
    outcome_t o = {GO_ON, NULL, ""};
    for (size_t i = 0; i < s->n; i++) {
        const rg_guardrail_t *gr = s->gr[i];
        int verdict = rg_phase_hook_verdict(r, i);
        if (gr) {
            if (gr->remote && !gr->fail_open && rg_phase_hook_errored(r, i)) {
                o.d = UNREACHABLE;
                o.gr = gr;
                reason_of(json_array_get(rg_phase_results(r), i), o.reason, sizeof(o.reason));
                return o; /* fail closed wins over everything */
            }
            if (!verdict && o.d != BLOCK_GUARDRAIL) {
                o.d = BLOCK_GUARDRAIL;
                o.gr = gr;
                reason_of(json_array_get(rg_phase_results(r), i), o.reason, sizeof(o.reason));
            }
        } else if (!verdict) {
            if (s->hooks[i]->deny && o.d == GO_ON)
                o.d = DENY_PORTKEY;
            else
                g->failed = 1;
        }
    }
    return o;
}

static void send_json(rg_exchange_t *ex, int status, json_t *j)
{
    char *s = rg_json_dumps(j, NULL);
    if (s == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, s, strlen(s));
    free(s);
    rg_exchange_send(ex, status, "application/json", body);
}

static void start_background(rg_guard_state_t *g, json_t *request, json_t *response);

/* Answers the request for a decision other than GO_ON. */
static void answer(rg_guard_state_t *g, const outcome_t *o)
{
    rg_exchange_t *ex = g->ex;
    start_background(g, ex->body, NULL); /* async hooks and logging_only still see the request */
    remember(g);
    if (o->d == DENY_PORTKEY) {
        static const char E0[] = "{\"error\":{\"message\":",
                          E1[] = ",\"type\":\"hooks_failed\",\"param\":null,\"code\":null},\"hook_results\":",
                          NONE[] = "{\"before_request_hooks\":[],\"after_request_hooks\":[]}";
        rg_jw_t w = {0};
        rg_jw_raw(&w, E0, sizeof(E0) - 1);
        rg_jw_str(&w, DENY_MESSAGE, sizeof(DENY_MESSAGE) - 1);
        rg_jw_raw(&w, E1, sizeof(E1) - 1);
        if (g->verdicts)
            rg_jw_raw(&w, g->verdicts, strlen(g->verdicts));
        else
            rg_jw_raw(&w, NONE, sizeof(NONE) - 1);
        rg_jw_raw(&w, "}", 1);
        ex->err = RG_E_HOOK_DENIED;
        if (rg_jw_cstr(&w))
            rg_exchange_send(ex, 446, "application/json", h2o_strdup(&ex->req->pool, w.p, w.len));
        else
            rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        rg_jw_free(&w);
        return;
    }
    char msg[512];
    rg_error_t e = o->d == UNREACHABLE ? RG_E_GUARDRAIL_UNREACHABLE : RG_E_GUARDRAIL_BLOCKED;
    int status = rg_error_table[e].status;
    if (o->d == UNREACHABLE) {
        if (o->gr->message_is_reason)
            snprintf(msg, sizeof(msg), "%s", o->reason);
        else
            snprintf(msg, sizeof(msg), "Guardrail %s could not answer: %s", o->gr->name, o->reason);
    } else {
        if (o->gr->block_message)
            snprintf(msg, sizeof(msg), "%s", o->gr->block_message);
        else if (o->gr->message_is_reason)
            snprintf(msg, sizeof(msg), "%s", o->reason);
        else
            snprintf(msg, sizeof(msg), "Blocked by %s: %s", o->gr->name, o->reason);
        if (o->gr->block_status)
            status = o->gr->block_status;
    }
    char tmp[1024];
    size_t n = rg_error_format(tmp, sizeof(tmp), e, msg, NULL);
    ex->err = e;
    ex->err_detail = h2o_strdup(&ex->req->pool, msg, strlen(msg)).base;
    rg_exchange_send(ex, status, "application/json", h2o_strdup(&ex->req->pool, tmp, n));
}

/* ---- background runs (async hooks, logging_only) ---------------------------- */

static void free_state(rg_guard_state_t *g);

static int bg_pending(rg_guard_state_t *g)
{
    return g->bg_run[BG_REQ] != NULL || g->bg_run[BG_RESP] != NULL || g->bg_run[BG_INGEST] != NULL;
}

/* Writes a held record with the final verdicts and lets the state go. */
/*
 * The held record's request body when a background run found credentials after it was made: masked as the
 * exchange would have (record_mask.c), malloc'd; NULL when it cannot be (a body cut to the record's cap, not
 * JSON, out of memory): then no body rather than one that keeps a credential.
 */
static char *remask_body(const char *body)
{
    rg_json_error_t je;
    json_t *j = rg_json_loadb(body, strlen(body), 0, &je);
    char *out = j != NULL && rg_record_mask_secrets(j) >= 0 ? rg_json_dumps(j, NULL) : NULL;
    json_decref(j);
    return out;
}

static void release_detached(rg_guard_state_t *g)
{
    remember(g);
    if (g->held) {
        rg_record_t *r = g->held;
        char *masked = NULL;
        const char *body = r->request_body;
        if (body && g->credentials_found && !g->held_masked)
            body = masked = remask_body(body);
        rg_record_src_t src[RG_REC__STRINGS] = {{0}};
        const char *f[RG_REC__STRINGS] = {r->method,        r->route,         r->path,       r->model,
                                          r->upstream,      r->client_ip,     r->error,      body,
                                          r->response_body, r->collection,    r->key_alias,  r->team_alias,
                                          g->verdicts ? g->verdicts : r->verdicts};
        for (int i = 0; i < RG_REC__STRINGS; i++)
            if (f[i])
                src[i] = (rg_record_src_t){f[i], strlen(f[i])};
        rg_record_t *nr = rg_record_new(r, src);
        free(masked);
        rg_record_free(r);
        g->held = NULL;
        if (nr)
            rg_ring_push(&rg_app.ring, nr);
        else
            atomic_fetch_add(&rg_app.ring.dropped, 1);
    }
    if (h2o_linklist_is_linked(&g->link)) {
        h2o_linklist_unlink(&g->link);
        atomic_fetch_sub(&g->w->server->in_flight, 1);
    }
    free_state(g);
}

static void bg_finish(rg_guard_state_t *g, int which)
{
    rg_phase_run_t *r = g->bg_run[which];
    append_results(g, which == BG_REQ ? 0 : 1, r); /* the ingest's result is an after_request_hooks entry */
    rg_phase_free(r);
    g->bg_run[which] = NULL;
    if (g->ex == NULL && !bg_pending(g))
        release_detached(g);
}

static void bg_done_req(void *arg) { bg_finish(arg, BG_REQ); }
static void bg_done_resp(void *arg) { bg_finish(arg, BG_RESP); }
static void bg_done_ingest(void *arg) { bg_finish(arg, BG_INGEST); }

/* Starts the background runs; body: the request as sent, response: the answer's JSON or NULL. */
static void start_background(rg_guard_state_t *g, json_t *request, json_t *response)
{
    static void (*const done[2])(void *) = {bg_done_req, bg_done_resp};
    for (int which = 0; which < 2; which++) {
        hookset_t *s = &g->bg[which];
        if (s->n == 0 || g->bg_started[which] || (which == BG_RESP && response == NULL))
            continue;
        g->bg_started[which] = 1;
        rg_phase_run_t *r = which == BG_REQ ? new_run(g, s, RG_PHASE_REQUEST, request, NULL, 0)
                                            : new_run(g, s, RG_PHASE_RESPONSE, response, request, 200);
        if (r == NULL)
            continue;
        g->bg_run[which] = r;
        if (rg_phase_go(r, done[which], g))
            bg_finish(g, which);
    }
}

/* ---- the request phase ---------------------------------------------------- */

static void start_during(rg_guard_state_t *g);

/* The pre run finished: apply its body, decide. Returns 1 when the request was answered. */
static int pre_finish(rg_guard_state_t *g)
{
    rg_exchange_t *ex = g->ex;
    rg_phase_run_t *r = g->run;
    append_results(g, 0, r);
    json_t *body = rg_phase_body(r);
    if (body != ex->body) { /* a whole new body (webhook, addPrefix) */
        json_decref(ex->body);
        ex->body = json_incref(body);
    }
    outcome_t o = decide(g, &g->pre, r);
    if (rg_phase_outcome(r)->transformed) {
        ex->body_changed = 1;
        g->req_transformed = 1;
        json_t *model = json_object_get(ex->body, "model");
        if (json_is_string(model))
            ex->model_name = h2o_iovec_init(json_string_value(model), json_string_length(model));
    }
    rg_phase_free(r);
    g->run = NULL;
    if (o.d != GO_ON) {
        answer(g, &o);
        return 1;
    }
    return 0;
}

/* The request was answered (upstream error, client gone) while an in-line run waited: drop the run. */
static int answered_meanwhile(rg_guard_state_t *g, rg_phase_run_t **run)
{
    if (g->ex != NULL && !g->ex->finished)
        return 0;
    rg_phase_free(*run);
    *run = NULL;
    return 1;
}

static void pre_done(void *arg)
{
    rg_guard_state_t *g = arg;
    if (answered_meanwhile(g, &g->run))
        return;
    if (pre_finish(g))
        return;
    start_during(g);
    if (!g->ex->finished)
        rg_api_dispatch(g->ex);
}

/* ---- during_call ------------------------------------------------------------ */

static void respond_now(rg_guard_state_t *g);

static int during_finish(rg_guard_state_t *g)
{
    rg_phase_run_t *r = g->during_run;
    append_results(g, 0, r);
    outcome_t o = decide(g, &g->during, r);
    rg_phase_free(r);
    g->during_run = NULL;
    if (o.d != GO_ON) {
        rg_exchange_t *ex = g->ex;
        if (ex->xfer) {
            rg_transfer_cancel(ex->xfer);
            ex->xfer = NULL;
        }
        if (ex->timer)
            uv_timer_stop(ex->timer);
        answer(g, &o);
        return 1;
    }
    return 0;
}

static void during_done(void *arg)
{
    rg_guard_state_t *g = arg;
    if (answered_meanwhile(g, &g->during_run))
        return;
    if (during_finish(g))
        return;
    if (g->during_waiting) {
        g->during_waiting = 0;
        respond_now(g);
    }
}

static void start_during(rg_guard_state_t *g)
{
    if (g->during.n == 0)
        return;
    g->during_run = new_run(g, &g->during, RG_PHASE_REQUEST, g->ex->body, NULL, 0);
    if (g->during_run && rg_phase_go(g->during_run, during_done, g))
        during_finish(g);
}

/* ---- selection ------------------------------------------------------------ */

static int requested(json_t *names, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v) if (json_is_string(v) && strcmp(json_string_value(v), name) == 0) return 1;
    return 0;
}

static int model_has(const rg_model_t *m, size_t idx)
{
    for (size_t i = 0; m && i < m->n_guardrails; i++)
        if (m->guardrails[i] == idx)
            return 1;
    return 0;
}

/*
 * An akto guardrail's after-answer ingest: one per Akto service (akto_base_url) and request, so that LiteLLM's
 * two-entry pattern (a pre_call entry and a post_call or logging_only entry on the same service) ingests once, as
 * it does in LiteLLM. The entry with post_call or logging_only wins (its ingest asks for response guardrails when
 * it is post_call).
 */
static int add_ingest(hookset_t *s, const rg_guardrail_t *gr)
{
    const unsigned after = RG_GR_POST_CALL | RG_GR_LOGGING_ONLY;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->gr[i]->api_base, gr->api_base) != 0)
            continue;
        if (!(s->gr[i]->modes & after) && (gr->modes & after)) {
            s->hooks[i] = &gr->ingest.hooks[0];
            s->gr[i] = gr;
        }
        return 0;
    }
    return set_add(s, &gr->ingest.hooks[0], gr);
}

/* The YAML guardrails this request runs, sorted into the sets by mode. 0, or -1 with msg (400). */
static int select_guardrails(rg_guard_state_t *g, json_t *names, char *msg, size_t msgsz)
{
    const rg_config_t *cfg = g->cfg;
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v)
    {
        if (!json_is_string(v))
            return snprintf(msg, msgsz, "guardrails must be an array of guardrail names (item %zu is not a string)",
                            i),
                   -1;
        size_t k;
        for (k = 0; k < cfg->n_guardrails; k++)
            if (json_is_string(v) && strcmp(cfg->guardrails[k].name, json_string_value(v)) == 0)
                break;
        if (k == cfg->n_guardrails) {
            snprintf(msg, msgsz, "guardrails: '%.100s' is not a guardrail configured on this gateway",
                     json_string_value(v));
            return -1;
        }
    }
    for (size_t k = 0; k < cfg->n_guardrails; k++) {
        const rg_guardrail_t *gr = &cfg->guardrails[k];
        if (!gr->default_on && !model_has(g->ex->model, k) && !requested(names, gr->name))
            continue;
        if (gr->ingest.n) { /* akto: its verdict in line (pre_call), one ingest per service after the answer */
            if (((gr->modes & RG_GR_PRE_CALL) && set_add(&g->pre, &gr->hooks.hooks[0], gr)) ||
                add_ingest(&g->bg[BG_INGEST], gr))
                return snprintf(msg, msgsz, "out of memory"), -1;
            continue;
        }
        for (size_t h = 0; h < gr->hooks.n; h++) {
            const rg_hook_t *hook = &gr->hooks.hooks[h];
            int rc = 0;
            if (gr->modes & RG_GR_PRE_CALL)
                rc |= set_add(&g->pre, hook, gr);
            if (gr->modes & RG_GR_DURING_CALL)
                rc |= set_add(g->stream ? &g->pre : &g->during, hook, gr);
            if (gr->modes & RG_GR_POST_CALL)
                rc |= set_add(&g->post, hook, gr);
            if (gr->modes & RG_GR_LOGGING_ONLY)
                rc |= set_add(&g->bg[BG_REQ], hook, gr) | set_add(&g->bg[BG_RESP], hook, gr);
            if (rc)
                return snprintf(msg, msgsz, "out of memory"), -1;
        }
    }
    return 0;
}

/* Is there anything for this request to do at all? (the common case must stay cheap) */
static int may_have_hooks(rg_exchange_t *ex, h2o_iovec_t cfg_hdr)
{
    const rg_config_t *cfg = ex->cfg;
    if (cfg_hdr.base || cfg->default_before.n || cfg->default_after.n)
        return 1;
    if (ex->model && ex->model->n_guardrails)
        return 1;
    for (size_t k = 0; k < cfg->n_guardrails; k++)
        if (cfg->guardrails[k].default_on)
            return 1;
    return cfg->n_guardrails > 0 && json_object_get(ex->body, "guardrails") != NULL;
}

static json_t *guardrail_names(rg_exchange_t *ex, json_t *metadata)
{
    json_t *names = json_object_get(ex->body, "guardrails");
    if (names == NULL)
        names = json_object_get(metadata, "guardrails");
    return names;
}

int rg_guard_before(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    h2o_iovec_t hdr = header(req, H2O_STRLIT("x-railgate-config"));
    if (hdr.base == NULL)
        hdr = header(req, H2O_STRLIT("x-portkey-config"));
    json_t *md_body = json_object_get(ex->body, "metadata");
    if (!may_have_hooks(ex, hdr) && !(ex->cfg->n_guardrails && json_is_object(md_body) &&
                                       json_object_get(md_body, "guardrails")))
        return 0;

    char msg[512];
    api_worker_t *a = aw(ex->w);
    rg_guard_state_t *g = calloc(1, sizeof(*g));
    if (g == NULL || a == NULL) {
        free(g);
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return 1;
    }
    ex->guard = g;
    g->ex = ex;
    g->w = ex->w;
    g->cfg = rg_config_ref(ex->cfg);
    g->type = ex->agent ? rg_agent_req_type(ex) : req_type(ex->route);
    g->resp_type = g->type;
    g->stream = ex->stream;
    g->strict = 1; /* g->link stays zeroed (unlinked) until the state is detached */

    if (hdr.base) {
        g->rcfg = rg_guard_cache_get(&a->cache, hdr.base, hdr.len, (const char *const *)ex->cfg->request_hook_hosts,
                                     ex->cfg->generation, msg, sizeof(msg));
        if (g->rcfg == NULL) {
            rg_exchange_error(ex, RG_E_INVALID_CONFIG, msg, NULL);
            return 1;
        }
        if (g->rcfg->has_hooks && ex->cfg->request_hooks_off) {
            rg_exchange_error(ex, RG_E_INVALID_CONFIG,
                              "this gateway does not accept guardrail hooks sent with the request "
                              "(railgate_settings.request_hooks: off)",
                              NULL);
            return 1;
        }
        if (g->rcfg->strict_false)
            g->strict = 0;
    }
    h2o_iovec_t st = header(req, H2O_STRLIT("x-portkey-strict-open-ai-compliance"));
    if (st.base && h2o_memis(st.base, st.len, H2O_STRLIT("false")))
        g->strict = 0;

    rg_json_error_t jerr;
    h2o_iovec_t md = header(req, H2O_STRLIT("x-portkey-metadata"));
    if (md.base) {
        g->metadata = rg_json_loadb(md.base, md.len, 1, &jerr);
        if (!json_is_object(g->metadata)) {
            json_decref(g->metadata);
            g->metadata = NULL;
        }
    }
    if (g->metadata == NULL && json_is_object(md_body))
        g->metadata = json_incref(md_body);
    if (g->metadata == NULL)
        g->metadata = json_object();
    snapshot_headers(g, req);

    /* operator hooks first, then the request's: what the operator configured always runs */
    const rg_config_t *cfg = ex->cfg;
    int rc = add_list(&cfg->default_before, &g->pre, &g->bg[BG_REQ]) |
             add_list(&cfg->default_after, &g->post, &g->bg[BG_RESP]);
    if (g->rcfg)
        rc |= add_list(&g->rcfg->before, &g->pre, &g->bg[BG_REQ]) |
              add_list(&g->rcfg->after, &g->post, &g->bg[BG_RESP]);
    /* hook_results go into responses when Portkey-shaped hooks run in line (async ones alone add none, as Portkey) */
    g->portkey = g->pre.n + g->post.n > 0;
    if (rc) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return 1;
    }
    json_t *names = guardrail_names(ex, g->metadata);
    if (names && !json_is_array(names)) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, "guardrails must be an array of guardrail names", "guardrails");
        return 1;
    }
    if (select_guardrails(g, names, msg, sizeof(msg)) != 0) {
        rg_exchange_error(ex, RG_E_INVALID_REQUEST, msg, "guardrails");
        return 1;
    }
    if (json_object_get(ex->body, "guardrails")) { /* LiteLLM's parameter, not the provider's */
        json_object_del(ex->body, "guardrails");
        ex->body_changed = 1;
    }

    if (g->pre.n == 0) {
        start_during(g);
        return ex->finished; /* a during_call block that was decided at once */
    }
    g->run = new_run(g, &g->pre, RG_PHASE_REQUEST, ex->body, NULL, 0);
    if (g->run == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return 1;
    }
    if (!rg_phase_go(g->run, pre_done, g))
        return 1; /* waits on a network check; pre_done continues */
    if (pre_finish(g))
        return 1;
    start_during(g);
    return ex->finished;
}

/* ---- the response phase ---------------------------------------------------- */

/*
 * The answer with hook_results added. When the hooks left the answer as the
 * upstream sent it, the recorded hook_results string is spliced into the
 * upstream's bytes (no re-serialization of the whole answer); otherwise the
 * changed tree is serialized.
 */
/* The upstream's bytes with ,"hook_results":<verdicts> before the final '}'; 0 when they do not end in one. */
static int send_spliced(rg_guard_state_t *g, int status, int empty)
{
    rg_exchange_t *ex = g->ex;
    size_t n = g->resp_len;
    while (n > 0 && (g->resp_data[n - 1] == ' ' || g->resp_data[n - 1] == '\n' || g->resp_data[n - 1] == '\r' ||
                     g->resp_data[n - 1] == '\t'))
        n--;
    if (n == 0 || g->resp_data[n - 1] != '}')
        return 0;
    size_t vlen = strlen(g->verdicts);
    size_t total = n - 1 + (empty ? 0 : 1) + 15 + vlen + 1;
    char *out = h2o_mem_alloc_pool(&ex->req->pool, total);
    char *p = out;
    memcpy(p, g->resp_data, n - 1), p += n - 1;
    if (!empty)
        *p++ = ',';
    memcpy(p, "\"hook_results\":", 15), p += 15;
    memcpy(p, g->verdicts, vlen), p += vlen;
    *p++ = '}';
    rg_exchange_send(ex, status, "application/json", h2o_iovec_init(out, (size_t)(p - out)));
    return 1;
}

static void post_send(rg_guard_state_t *g, json_t *resp)
{
    rg_exchange_t *ex = g->ex;
    int status = g->resp_status;
    remember(g);
    if (g->portkey && status == 200 && g->failed)
        status = 246;
    json_t *back = ex->agent ? rg_agent_answer_back(ex, resp) : NULL;
    if (back == NULL && ex->agent && rg_agent_answer_mapped(ex)) { /* never the view, never the unchecked field */
        rg_exchange_error(ex, RG_E_INTERNAL, "the checked answer field could not be written back", NULL);
        return;
    }
    if (back) { /* agent proxy: the hooks read one mapped field of the answer; the whole answer goes out */
        if (g->portkey)
            json_object_set_new(back, "hook_results", hook_results(g));
        send_json(ex, status, back);
        json_decref(back);
        start_background(g, ex->body, resp);
        return;
    }
    if (g->portkey && g->verdicts && !g->resp_changed && json_object_get(resp, "hook_results") == NULL &&
        send_spliced(g, status, json_object_size(resp) == 0)) {
        start_background(g, ex->body, resp);
        return;
    }
    if (g->portkey)
        json_object_set_new(resp, "hook_results", hook_results(g));
    send_json(ex, status, resp);
    start_background(g, ex->body, resp);
}

static int post_finish(rg_guard_state_t *g, json_t **resp)
{
    rg_phase_run_t *r = g->run;
    append_results(g, 1, r);
    json_t *body = rg_phase_body(r);
    if (body != *resp) {
        json_decref(*resp);
        *resp = json_incref(body);
        g->resp_changed = 1;
    }
    if (rg_phase_outcome(r)->transformed)
        g->resp_changed = 1;
    outcome_t o = decide(g, &g->post, r);
    rg_phase_free(r);
    g->run = NULL;
    if (o.d != GO_ON) {
        answer(g, &o);
        start_background(g, g->ex->body, NULL);
        return 1;
    }
    return 0;
}

static void post_done(void *arg)
{
    rg_guard_state_t *g = arg;
    if (answered_meanwhile(g, &g->run))
        return;
    json_t *resp = json_incref(rg_phase_body(g->run));
    if (!post_finish(g, &resp))
        post_send(g, resp);
    json_decref(resp);
}

/*
 * respond_now without a jansson tree of the answer, when nothing needs one:
 * Portkey-shaped hooks (so the answer goes out as the upstream's bytes with
 * hook_results spliced in), no background hooks on the answer, and after-hooks
 * whose checks read only the text (rg_hooks_text_only). The answer's bytes
 * are scanned once (api/answer_scan.h) for the text and the two facts
 * post_send needs. Returns 0, having changed nothing, when the tree path must
 * do it (including when a check transformed after all: it runs again there).
 */
static int text_only_possible(const rg_guard_state_t *g, int status)
{
    if (!g->portkey || g->bg[BG_RESP].n > 0 || (g->ex->agent && rg_agent_answer_mapped(g->ex)))
        return 0;
    return !(status == 200 && g->post.n > 0) || rg_hooks_text_only(g->post.hooks, g->post.n);
}

static int respond_text_only(rg_guard_state_t *g)
{
    rg_exchange_t *ex = g->ex;
    rg_answer_t a;
    if (g->has_scan) { /* scanned when the answer arrived */
        a = g->scanned;
        g->has_scan = 0;
    } else if (!text_only_possible(g, g->resp_status) || !rg_answer_scan(g->resp_data, g->resp_len, g->resp_type, &a)) {
        return 0;
    }
    int run_post = g->resp_status == 200 && g->post.n > 0;
    if (run_post) {
        rg_phase_run_t *r = new_run_on(g, &g->post, RG_PHASE_RESPONSE, NULL, &a.text, ex->body, 200);
        if (r == NULL || !rg_phase_go(r, NULL, NULL) || rg_phase_needs_tree(r)) {
            rg_phase_free(r);
            rg_answer_free(&a);
            return 0;
        }
        g->run = r;
        json_t *none = NULL;
        if (post_finish(g, &none)) { /* answered (denied) */
            rg_answer_free(&a);
            return 1;
        }
    }
    int status = g->resp_status;
    remember(g);
    if (status == 200 && g->failed)
        status = 246;
    int sent = g->verdicts && !a.has_hook_results && send_spliced(g, status, a.empty);
    rg_answer_free(&a);
    if (sent) {
        start_background(g, ex->body, NULL); /* no background hooks on the answer here */
        return 1;
    }
    /* the answer already has hook_results (or no verdicts): post_send replaces them in the tree */
    rg_json_error_t jerr;
    json_t *resp = rg_json_loadb(g->resp_data, g->resp_len, 0, &jerr);
    if (resp == NULL) { /* cannot happen (the scan is stricter than the loader): pass it on as it is */
        rg_exchange_send(ex, g->resp_status, "application/json", h2o_iovec_init(g->resp_data, g->resp_len));
        start_background(g, ex->body, NULL);
        return 1;
    }
    post_send(g, resp);
    json_decref(resp);
    return 1;
}

/*
 * Nothing reads the answer and nothing is added to it: LiteLLM-style guardrails only (no hook_results), none
 * after the call, none in the background on the answer, not an agent proxy (which maps the answer). The
 * upstream's bytes then go out as they are, as on a request without guardrails; the quickstart's pre_call
 * guardrails used to parse the answer and write it again (~25k instructions a request, docs/PERFORMANCE.md).
 */
static int nothing_on_the_answer(const rg_guard_state_t *g)
{
    return !g->portkey && !(g->resp_status == 200 && g->post.n > 0) && g->bg[BG_RESP].n == 0 && !g->ex->agent;
}

static void respond_now(rg_guard_state_t *g)
{
    rg_exchange_t *ex = g->ex;
    if (nothing_on_the_answer(g)) {
        remember(g);
        rg_exchange_send(ex, g->resp_status, "application/json", h2o_iovec_init(g->resp_data, g->resp_len));
        start_background(g, ex->body, NULL);
        return;
    }
    if (respond_text_only(g))
        return;
    rg_json_error_t jerr;
    json_t *resp = rg_json_loadb(g->resp_data, g->resp_len, 0, &jerr);
    if (resp == NULL || !(json_is_object(resp) || (!g->portkey && g->resp_type == RG_REQ_TGI && json_is_array(resp)))) {
        /* not something hooks can read or hook_results can be added to: pass it on as it is */
        json_decref(resp);
        remember(g);
        rg_exchange_send(ex, g->resp_status, "application/json", h2o_iovec_init(g->resp_data, g->resp_len));
        start_background(g, ex->body, NULL);
        return;
    }
    if (g->resp_status == 200 && g->post.n > 0) {
        g->run = new_run(g, &g->post, RG_PHASE_RESPONSE, resp, ex->body, 200);
        if (g->run && !rg_phase_go(g->run, post_done, g)) {
            json_decref(resp);
            return; /* post_done continues */
        }
        if (g->run && post_finish(g, &resp)) {
            json_decref(resp);
            return;
        }
    }
    post_send(g, resp);
    json_decref(resp);
}

int rg_guard_respond_json(rg_exchange_t *ex, int status, const char *data, size_t len)
{
    rg_guard_state_t *g = ex->guard;
    if (!text_only_possible(g, status) || !rg_answer_scan(data, len, g->resp_type, &g->scanned))
        return 0;
    g->has_scan = 1;
    rg_guard_respond(ex, status, data, len);
    return 1;
}

void rg_guard_answer_type(rg_exchange_t *ex, rg_req_type_t type)
{
    if (ex->guard)
        ex->guard->resp_type = type;
}

void rg_guard_respond(rg_exchange_t *ex, int status, const char *data, size_t len)
{
    rg_guard_state_t *g = ex->guard;
    g->resp_status = status;
    g->resp_data = data;
    g->resp_len = len;
    if (g->during_run) {
        g->during_waiting = 1; /* during_done continues */
        return;
    }
    respond_now(g);
}

/* ---- streams ---------------------------------------------------------------- */

int rg_guard_stream_status(rg_exchange_t *ex)
{
    return ex->guard && ex->guard->failed ? 246 : 200;
}

void rg_guard_stream_prelude(rg_exchange_t *ex, rg_buf_t *out)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL)
        return;
    remember(g);
    start_background(g, ex->body, NULL);
    if (!g->have[0] || g->strict || !g->portkey)
        return;
    static const char P0[] = "{\"hook_results\":{\"before_request_hooks\":[", P1[] = "]}}";
    rg_jw_t w = {0};
    rg_jw_raw(&w, P0, sizeof(P0) - 1);
    rg_jw_raw(&w, g->results[0].p, g->results[0].len);
    rg_jw_raw(&w, P1, sizeof(P1) - 1);
    if (!g->results[0].oom && rg_jw_cstr(&w))
        rg_sse_frame(out, w.p, w.len);
    rg_jw_free(&w);
}

rg_stream_guard_t *rg_guard_stream_guard(rg_exchange_t *ex)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL || (g->post.n == 0 && g->bg[BG_RESP].n == 0 && g->bg[BG_INGEST].n == 0) ||
        ex->route == RG_ROUTE_EMBEDDINGS)
        return NULL;
    api_worker_t *a = aw(g->w);
    rg_stream_guard_opts_t o = {
        /* no in-line after hooks: a pass-through guard that only gathers the text for background hooks */
        .mode = g->post.n ? rg_stream_guard_mode_of(g->post.hooks, g->post.n) : RG_SG_LOG,
        .hooks = g->post.hooks,
        .n = g->post.n,
        .type = g->type,
        .request = ex->body,
        .metadata = g->metadata,
        .header = header_cb,
        .header_ctx = g,
        .headers = g->headers,
        .io = a ? a->io : NULL,
        .before_results = before_tree(g),
        .send_results = !g->strict && g->portkey && g->post.n > 0,
        .max = ex->cfg->max_response_buffered,
    };
    /* only YAML guardrails check this stream: a cut carries LiteLLM's error, not Portkey's hooks_failed */
    char names[512] = "";
    size_t used = 0;
    int only_guardrails = 1;
    for (size_t i = 0; i < g->post.n; i++) {
        if (g->post.gr[i] == NULL) {
            only_guardrails = 0;
            break;
        }
        int n = snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", g->post.gr[i]->name);
        if (n > 0 && (size_t)n < sizeof(names) - used)
            used += (size_t)n;
    }
    json_t *err = NULL;
    g->stream_guardrails_only = only_guardrails && g->post.n > 0;
    if (only_guardrails) {
        char msg[640];
        snprintf(msg, sizeof(msg), "Blocked by %s: the streamed answer failed the guardrail", names);
        err = json_pack("{s:s, s:s, s:n, s:s}", "message", msg, "type", "guardrail_violation", "param", "code",
                        "guardrail_blocked");
        o.error = err;
    }
    rg_stream_guard_t *sg = rg_stream_guard_new(&o);
    json_decref(err);
    return sg;
}

void rg_guard_stream_finished(rg_exchange_t *ex)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL || ex->sg == NULL || g->bg[BG_RESP].n == 0 || g->bg_run[BG_RESP])
        return;
    json_t *resp = rg_stream_guard_response(ex->sg);
    start_background(g, ex->body, resp);
    json_decref(resp);
}

rg_error_t rg_guard_stream_cut_error(rg_exchange_t *ex)
{
    return ex->guard && ex->guard->stream_guardrails_only ? RG_E_GUARDRAIL_BLOCKED : RG_E_HOOK_DENIED;
}

void rg_guard_answering(rg_exchange_t *ex)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL)
        return;
    rg_phase_free(g->run);
    g->run = NULL;
    rg_phase_free(g->during_run);
    g->during_run = NULL;
    start_background(g, ex->body, NULL); /* whoever answers (an upstream error, say), the request's are run */
}

/* ---- the akto ingest ----------------------------------------------------------- */

void rg_guard_ingest(rg_exchange_t *ex, int status)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL || g->bg[BG_INGEST].n == 0 || g->bg_started[BG_INGEST])
        return;
    g->bg_started[BG_INGEST] = 1;
    json_t *answer = NULL;
    if (ex->streaming) {
        answer = ex->sg ? rg_stream_guard_response(ex->sg) : NULL; /* the streamed answer put together */
    } else if (ex->finished && ex->sent.len) {
        rg_json_error_t jerr;
        answer = rg_json_loadb(ex->sent.base, ex->sent.len, 0, &jerr);
    }
    if (!json_is_object(answer)) { /* none (client gone), or not JSON: sent as "{}" */
        json_decref(answer);
        answer = json_object();
    }
    rg_phase_run_t *r = answer ? new_run(g, &g->bg[BG_INGEST], RG_PHASE_RESPONSE, answer, ex->body, status) : NULL;
    json_decref(answer);
    if (r == NULL)
        return;
    g->bg_run[BG_INGEST] = r;
    if (rg_phase_go(r, bg_done_ingest, g))
        bg_finish(g, BG_INGEST);
}

/* ---- records and teardown ----------------------------------------------------- */

int rg_guard_credentials_found(rg_exchange_t *ex)
{
    return ex->guard != NULL && ex->guard->credentials_found;
}

const char *rg_guard_verdicts(rg_exchange_t *ex, size_t *len)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL)
        return NULL;
    json_t *sr = ex->sg ? rg_stream_guard_results(ex->sg) : NULL;
    if (sr && sr != g->stream_results) { /* a stream's after-hook results */
        json_incref(sr);
        json_decref(g->stream_results);
        g->stream_results = sr;
        g->dirty = 1;
    }
    remember(g);
    if (g->verdicts == NULL)
        return NULL;
    *len = strlen(g->verdicts);
    return g->verdicts;
}

int rg_guard_hold_record(rg_exchange_t *ex, rg_record_t *rec)
{
    rg_guard_state_t *g = ex->guard;
    api_worker_t *a = ex->w->api;
    if (g == NULL || !bg_pending(g) || g->held || (a && a->stopping))
        return 0;
    g->held = rec;
    g->held_masked = g->credentials_found;
    return 1;
}

static void free_state(rg_guard_state_t *g)
{
    for (int i = 0; i < BG__N; i++) {
        rg_phase_free(g->bg_run[i]);
        set_free(&g->bg[i]);
    }
    for (int i = 0; i < 2; i++)
        rg_jw_free(&g->results[i]);
    json_decref(g->before_tree);
    json_decref(g->stream_results);
    if (g->has_scan)
        rg_answer_free(&g->scanned);
    rg_phase_free(g->run);
    rg_phase_free(g->during_run);
    set_free(&g->pre);
    set_free(&g->during);
    set_free(&g->post);
    rg_guard_cfg_release(g->rcfg);
    rg_config_unref(g->cfg);
    json_decref(g->metadata);
    json_decref(g->headers);
    json_decref(g->all_headers);
    if (g->held)
        rg_record_free(g->held);
    free(g->verdicts);
    free(g);
}

void rg_guard_free(rg_exchange_t *ex)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL)
        return;
    ex->guard = NULL;
    /* runs the answer was waiting for have no one to answer any more */
    if (g->run) {
        rg_phase_free(g->run);
        g->run = NULL;
    }
    if (g->during_run) {
        rg_phase_free(g->during_run);
        g->during_run = NULL;
    }
    if (!bg_pending(g)) {
        free_state(g);
        return;
    }
    g->ex = NULL; /* background runs finish on their own and write the held record */
    api_worker_t *a = aw(g->w);
    if (a) {
        h2o_linklist_insert(&a->detached, &g->link);
        atomic_fetch_add(&g->w->server->in_flight, 1); /* a graceful stop waits for them too */
    }
}

void rg_guard_worker_start(rg_worker_t *w, rg_check_io_t *io)
{
    api_worker_t *a = aw(w);
    if (a)
        a->io = io;
}

void rg_guard_worker_stop(rg_worker_t *w)
{
    api_worker_t *a = w->api;
    if (a == NULL)
        return;
    a->stopping = 1;
    /* background hooks still running: their records go out with what is known */
    while (!h2o_linklist_is_empty(&a->detached)) {
        rg_guard_state_t *g = H2O_STRUCT_FROM_MEMBER(rg_guard_state_t, link, a->detached.next);
        for (int i = 0; i < BG__N; i++)
            if (g->bg_run[i]) {
                rg_phase_abort(g->bg_run[i]);
                rg_phase_free(g->bg_run[i]);
                g->bg_run[i] = NULL;
            }
        release_detached(g);
    }
    rg_guard_cache_clear(&a->cache); /* entries still held by requests go with their last holder */
}
