#include "api/guard.h"

#include "api/stream_guard.h"
#include "core/json_load.h"
#include "core/log.h"
#include "guard/hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rg_guard_state {
    rg_hook_list_t before, after;
    json_t *metadata;       /* x-portkey-metadata, or the body's metadata */
    json_t *before_results; /* array */
    json_t *after_results;  /* array */
    int failed;             /* some hook failed without deny */
    int strict;             /* strict OpenAI compliance (no hook_results event in streams) */
    char *verdicts;         /* hook_results JSON for the record */
};

static const char DENY_MESSAGE[] = "The guardrail checks defined in the config failed. You can find more information in "
                                   "the `hook_results` object.";

static h2o_iovec_t header(h2o_req_t *req, const char *name, size_t len)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, name, len, -1);
    return i < 0 ? h2o_iovec_init(NULL, 0) : req->headers.entries[i].value;
}

static const char *header_cb(void *ctx, const char *name, size_t *len)
{
    h2o_req_t *req = ctx;
    /* h2o keeps request header names lower-case */
    char lower[128];
    size_t n = strlen(name);
    if (n >= sizeof(lower))
        return NULL;
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    h2o_iovec_t v = header(req, lower, n);
    if (v.base == NULL)
        return NULL;
    *len = v.len;
    return h2o_strdup(&req->pool, v.base, v.len).base;
}

static rg_req_type_t req_type(rg_route_t r)
{
    return r == RG_ROUTE_COMPLETIONS ? RG_REQ_COMPLETE : r == RG_ROUTE_EMBEDDINGS ? RG_REQ_EMBED : RG_REQ_CHAT;
}

static json_t *hook_results(rg_guard_state_t *g)
{
    json_t *hr = json_object();
    json_object_set_new(hr, "before_request_hooks", g->before_results ? json_incref(g->before_results) : json_array());
    json_object_set_new(hr, "after_request_hooks", g->after_results ? json_incref(g->after_results) : json_array());
    return hr;
}

static void remember(rg_exchange_t *ex, json_t *hr)
{
    rg_guard_state_t *g = ex->guard;
    free(g->verdicts);
    g->verdicts = json_dumps(hr, JSON_COMPACT);
}

static void send_dumped(rg_exchange_t *ex, int status, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    if (s == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, s, strlen(s));
    free(s);
    rg_exchange_send(ex, status, "application/json", body);
}

static void deny(rg_exchange_t *ex)
{
    json_t *hr = hook_results(ex->guard);
    remember(ex, hr);
    json_t *body = json_pack("{s:{s:s, s:s, s:n, s:n}, s:o}", "error", "message", DENY_MESSAGE, "type", "hooks_failed",
                             "param", "code", "hook_results", hr);
    ex->err = RG_E_HOOK_DENIED;
    send_dumped(ex, 446, body);
    json_decref(body);
}

int rg_guard_before(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    h2o_iovec_t cfg = header(req, H2O_STRLIT("x-railgate-config"));
    if (cfg.base == NULL)
        cfg = header(req, H2O_STRLIT("x-portkey-config"));
    if (cfg.base == NULL)
        return 0;

    char msg[512];
    rg_json_error_t jerr;
    json_t *config = rg_json_loadb(cfg.base, cfg.len, 1, &jerr);
    if (config == NULL || !json_is_object(config)) {
        if (config)
            snprintf(msg, sizeof(msg), "x-portkey-config must be a JSON object (saved config ids are not supported: "
                                       "send the config itself)");
        else
            snprintf(msg, sizeof(msg), "x-portkey-config is not valid JSON: %s at column %d", jerr.text, jerr.column);
        json_decref(config);
        rg_exchange_error(ex, RG_E_INVALID_CONFIG, msg, NULL);
        return 1;
    }
    rg_guard_state_t *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        json_decref(config);
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return 1;
    }
    ex->guard = g;
    g->strict = 1;
    json_t *sc = json_object_get(config, "strict_open_ai_compliance");
    if (json_is_false(sc))
        g->strict = 0;
    h2o_iovec_t st = header(req, H2O_STRLIT("x-portkey-strict-open-ai-compliance"));
    if (st.base && h2o_memis(st.base, st.len, H2O_STRLIT("false")))
        g->strict = 0;
    int rc = rg_hooks_from_portkey(config, 0, &g->before, &g->after, msg, sizeof(msg));
    json_decref(config);
    if (rc != 0) {
        rg_exchange_error(ex, RG_E_INVALID_CONFIG, msg, NULL);
        return 1;
    }

    h2o_iovec_t md = header(req, H2O_STRLIT("x-portkey-metadata"));
    if (md.base) {
        g->metadata = rg_json_loadb(md.base, md.len, 1, &jerr);
        if (!json_is_object(g->metadata)) {
            json_decref(g->metadata);
            g->metadata = NULL;
        }
    }
    if (g->metadata == NULL && json_is_object(json_object_get(ex->body, "metadata")))
        g->metadata = json_incref(json_object_get(ex->body, "metadata"));
    if (g->metadata == NULL)
        g->metadata = json_object();

    if (g->before.n == 0)
        return 0;
    rg_phase_outcome_t out;
    json_t *body = json_incref(ex->body);
    g->before_results = rg_hooks_run(&g->before, 0, RG_PHASE_REQUEST, req_type(ex->route), &body, body, g->metadata,
                                     header_cb, req, &out);
    if (body != ex->body) { /* a whole new body (webhook, addPrefix) */
        json_decref(ex->body);
        ex->body = body;
    } else {
        json_decref(body);
    }
    if (out.deny) {
        deny(ex);
        return 1;
    }
    if (!out.verdict)
        g->failed = 1;
    if (out.transformed) {
        ex->body_changed = 1;
        json_t *model = json_object_get(ex->body, "model");
        if (json_is_string(model))
            ex->model_name = h2o_iovec_init(json_string_value(model), json_string_length(model));
    }
    return 0;
}

void rg_guard_respond(rg_exchange_t *ex, int status, const char *data, size_t len)
{
    rg_guard_state_t *g = ex->guard;
    rg_json_error_t jerr;
    json_t *resp = rg_json_loadb(data, len, 0, &jerr);
    if (resp == NULL || !json_is_object(resp)) {
        /* not something hook_results can be added to: pass it on as it is */
        json_decref(resp);
        rg_exchange_send(ex, status, "application/json", h2o_iovec_init(data, len));
        return;
    }
    if (status == 200 && g->after.n > 0) {
        rg_phase_outcome_t out;
        g->after_results = rg_hooks_run(&g->after, 0, RG_PHASE_RESPONSE, req_type(ex->route), &resp, ex->body,
                                        g->metadata, header_cb, ex->req, &out);
        if (out.deny) {
            json_decref(resp);
            deny(ex);
            return;
        }
        if (!out.verdict)
            g->failed = 1;
    }
    if (g->before_results || g->after_results) {
        json_t *hr = hook_results(g);
        remember(ex, hr);
        json_object_set_new(resp, "hook_results", hr);
        if (status == 200 && g->failed)
            status = 246;
    }
    send_dumped(ex, status, resp);
    json_decref(resp);
}

int rg_guard_stream_status(rg_exchange_t *ex)
{
    return ex->guard && ex->guard->failed ? 246 : 200;
}

void rg_guard_stream_prelude(rg_exchange_t *ex, rg_buf_t *out)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL || g->before_results == NULL)
        return;
    json_t *ev = json_pack("{s:{s:O}}", "hook_results", "before_request_hooks", g->before_results);
    remember(ex, json_object_get(ev, "hook_results"));
    if (!g->strict) {
        char *s = json_dumps(ev, JSON_COMPACT);
        if (s) {
            rg_sse_frame(out, s, strlen(s));
            free(s);
        }
    }
    json_decref(ev);
}

rg_stream_guard_t *rg_guard_stream_guard(rg_exchange_t *ex)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL || g->after.n == 0 || ex->route == RG_ROUTE_EMBEDDINGS)
        return NULL;
    const rg_hook_t **hooks = calloc(g->after.n, sizeof(*hooks));
    size_t n = 0;
    for (size_t i = 0; hooks && i < g->after.n; i++)
        if (!g->after.hooks[i].async) /* as rg_guard_respond: async hooks are not run yet */
            hooks[n++] = &g->after.hooks[i];
    rg_stream_guard_t *sg = NULL;
    if (n > 0) {
        rg_stream_guard_opts_t o = {
            .mode = rg_stream_guard_mode_of(hooks, n),
            .hooks = hooks,
            .n = n,
            .type = req_type(ex->route),
            .request = ex->body,
            .metadata = g->metadata,
            .header = header_cb,
            .header_ctx = ex->req,
            .before_results = g->before_results,
            .send_results = !g->strict,
            .max = ex->cfg->max_response_buffered,
        };
        sg = rg_stream_guard_new(&o);
    }
    free(hooks);
    return sg;
}

const char *rg_guard_verdicts(rg_exchange_t *ex, size_t *len)
{
    if (ex->guard && ex->sg && rg_stream_guard_results(ex->sg)) { /* a stream's after-hook results */
        json_decref(ex->guard->after_results);
        ex->guard->after_results = json_incref(rg_stream_guard_results(ex->sg));
        json_t *hr = hook_results(ex->guard);
        remember(ex, hr);
        json_decref(hr);
    }
    if (ex->guard == NULL || ex->guard->verdicts == NULL)
        return NULL;
    *len = strlen(ex->guard->verdicts);
    return ex->guard->verdicts;
}

void rg_guard_free(rg_exchange_t *ex)
{
    rg_guard_state_t *g = ex->guard;
    if (g == NULL)
        return;
    rg_hook_list_free(&g->before);
    rg_hook_list_free(&g->after);
    json_decref(g->metadata);
    json_decref(g->before_results);
    json_decref(g->after_results);
    free(g->verdicts);
    free(g);
    ex->guard = NULL;
}
