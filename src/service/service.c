/*
 * service.c — the guardrail service's dispatch, runs, answers and records
 * (see service.h and service_int.h).
 */
#include "service/service_int.h"

#include "api/app.h"
#include "api/check_io.h"
#include "api/record_mask.h"
#include "core/clock.h"
#include "core/json_dump.h"
#include "ingest/record.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int rg_service_route(rg_route_t r)
{
    return r == RG_ROUTE_AKTO_HTTP_PROXY || r == RG_ROUTE_AKTO_VALIDATE_REQUEST ||
           r == RG_ROUTE_AKTO_VALIDATE_RESPONSE || r == RG_ROUTE_PORTKEY_WEBHOOK;
}

static void on_dispose(void *p)
{
    svc_call_t *c = p;
    for (int i = 0; i < 2; i++) {
        rg_svc_eval_free(c->ev[i]);
        c->ev[i] = NULL;
    }
    if (!c->recorded) /* the client left while a policy waited: still one record */
        svc_record(c, &(svc_record_t){.status = 499, .error = "client_closed"});
    if (c->ex->svc == c)
        c->ex->svc = NULL; /* disposed before the exchange */
    for (int i = 0; i < 2; i++)
        rg_akto_payload_free(&c->pay[i]);
    json_decref(c->in);
}

void rg_service_finalize(rg_exchange_t *ex)
{
    svc_call_t *c = ex->svc;
    if (c == NULL || c->recorded)
        return;
    for (int i = 0; i < 2; i++) { /* no completion may answer or record after this */
        rg_svc_eval_free(c->ev[i]);
        c->ev[i] = NULL;
    }
    int status = ex->status ? ex->status : 503;
    svc_record(c, &(svc_record_t){.status = status,
                                  .error = ex->err ? rg_error_table[ex->err].code : "client_closed"});
}

static void plain_error(svc_call_t *c, int status, const char *message)
{
    rg_route_t r = c->ex->route;
    if (r == RG_ROUTE_AKTO_HTTP_PROXY)
        svc_send(c, status, json_pack("{s:b, s:s, s:{s:s}}", "success", 0, "message", message, "data", "error", message));
    else
        svc_send(c, status, json_pack("{s:s}", "error", message));
    svc_record(c, &(svc_record_t){.status = status, .error = status == 401 ? "invalid_api_key" : "invalid_request"});
}

void rg_service_handle(rg_exchange_t *ex)
{
    h2o_req_t *req = ex->req;
    svc_call_t *c = h2o_mem_alloc_shared(&req->pool, sizeof(*c), on_dispose);
    memset(c, 0, sizeof(*c));
    c->ex = ex;
    ex->svc = c;
    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"))) {
        rg_exchange_error(ex, RG_E_METHOD_NOT_ALLOWED, NULL, NULL);
        svc_record(c, &(svc_record_t){.status = 405, .error = "method_not_allowed"});
        return;
    }
    if (!svc_authorized(ex)) {
        plain_error(c, 401, "Unauthorized");
        return;
    }
    if (req->entity.len > ex->cfg->max_request_body) {
        plain_error(c, 413, "Request body too large");
        return;
    }
    switch (ex->route) {
    case RG_ROUTE_AKTO_HTTP_PROXY:
        svc_http_proxy(c);
        break;
    case RG_ROUTE_AKTO_VALIDATE_REQUEST:
        svc_validate(c, 0);
        break;
    case RG_ROUTE_AKTO_VALIDATE_RESPONSE:
        svc_validate(c, 1);
        break;
    default:
        svc_webhook(c);
        break;
    }
}

/* ---- runs ---------------------------------------------------------------- */

static int step(svc_call_t *c);

static void resumed(void *arg)
{
    svc_call_t *c = arg;
    c->at++;
    if (step(c))
        c->finish(c);
}

/* Runs sides from c->at on; 1 when all are done. */
static int step(svc_call_t *c)
{
    for (; c->at < 2; c->at++) {
        if (!c->want[c->at])
            continue;
        rg_check_io_t *io = rg_worker_check_io(c->ex->w);
        json_t *body = c->pay[c->at].body ? c->pay[c->at].body : json_null();
        c->ev[c->at] = rg_svc_eval_new(c->ex->cfg, c->at ? RG_SVC_RESPONSE : RG_SVC_REQUEST, body, io);
        if (c->ev[c->at] == NULL)
            continue;
        if (!rg_svc_eval_go(c->ev[c->at], resumed, c))
            return 0;
    }
    return 1;
}

void svc_run(svc_call_t *c)
{
    c->at = 0;
    if (step(c))
        c->finish(c);
}

const rg_svc_outcome_t *svc_outcome(const svc_call_t *c, int side)
{
    return c->ev[side] ? rg_svc_eval_outcome(c->ev[side]) : NULL;
}

json_t *svc_result(const svc_call_t *c, int side)
{
    static const rg_svc_outcome_t allowed = {.allowed = 1};
    const rg_svc_outcome_t *o = svc_outcome(c, side);
    if (o == NULL)
        o = &allowed;
    char *mp = o->modified && o->allowed ? rg_akto_payload_encode(&c->pay[side]) : NULL;
    json_t *j = rg_svc_result_json(o, mp);
    free(mp);
    return j;
}

/* ---- answers and records --------------------------------------------------- */

void svc_send(svc_call_t *c, int status, json_t *j)
{
    rg_exchange_t *ex = c->ex;
    size_t n = 0;
    char *s = j ? rg_json_dumps(j, &n) : NULL;
    json_decref(j);
    if (s == NULL) {
        rg_exchange_error(ex, RG_E_INTERNAL, NULL, NULL);
        return;
    }
    h2o_iovec_t body = h2o_strdup(&ex->req->pool, s, n);
    free(s);
    rg_exchange_send(ex, status, "application/json", body);
}

static size_t utf8_cap(const char *s, size_t len, size_t cap, int *truncated)
{
    *truncated = 0;
    if (len <= cap)
        return len;
    *truncated = 1;
    while (cap > 0 && ((unsigned char)s[cap] & 0xC0) == 0x80)
        cap--;
    return cap;
}

static void peer(h2o_req_t *req, char *out, size_t outsz)
{
    struct sockaddr_storage ss;
    out[0] = '\0';
    socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (len == 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)outsz);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)outsz);
}

static rg_record_src_t src_of(const char *s, size_t len)
{
    return (rg_record_src_t){s, s ? len : 0};
}

rg_record_t *svc_record_make(svc_call_t *c, const svc_record_t *r)
{
    rg_exchange_t *ex = c->ex;
    h2o_req_t *req = ex->req;
    if (c->recorded)
        return NULL;
    c->recorded = 1;
    int64_t total = rg_now_us() - ex->t0;
    rg_record_t head = {0};
    memcpy(head.id, ex->id, sizeof(head.id));
    head.ts_ms = ex->ts_ms;
    head.status = r->status;
    head.total_us = total;
    head.own_us = total;
    size_t cap = ex->cfg->record_body_max;
    rg_record_src_t src[RG_REC__STRINGS] = {{0}};
    h2o_iovec_t path = req->path;
    if (req->query_at != SIZE_MAX)
        path.len = req->query_at;
    src[RG_REC_METHOD] = r->method ? src_of(r->method, r->method_len) : src_of(req->method.base, req->method.len);
    const char *route = r->route ? r->route : rg_route_label[ex->route];
    src[RG_REC_ROUTE] = src_of(route, strlen(route));
    src[RG_REC_PATH] = r->path ? src_of(r->path, r->path_len < 2048 ? r->path_len : 2048)
                               : src_of(path.base, path.len < 2048 ? path.len : 2048);
    char ip[64];
    if (r->client_ip)
        snprintf(ip, sizeof(ip), "%s", r->client_ip);
    else
        peer(req, ip, sizeof(ip));
    src[RG_REC_CLIENT_IP] = src_of(ip, strlen(ip));
    if (r->error)
        src[RG_REC_ERROR] = src_of(r->error, strlen(r->error));
    if (r->request_body)
        src[RG_REC_REQUEST_BODY] =
            src_of(r->request_body, utf8_cap(r->request_body, strlen(r->request_body), cap, &head.request_truncated));
    const char *resp = r->response_body ? r->response_body : ex->sent.base;
    size_t resp_len = r->response_body ? strlen(r->response_body) : ex->sent.len;
    if (resp)
        src[RG_REC_RESPONSE_BODY] = src_of(resp, utf8_cap(resp, resp_len, cap, &head.response_truncated));
    if (r->collection && *r->collection)
        src[RG_REC_COLLECTION] = src_of(r->collection, strlen(r->collection));
    if (r->verdicts)
        src[RG_REC_VERDICTS] = src_of(r->verdicts, strlen(r->verdicts));
    rg_record_t *rec = rg_record_new(&head, src);
    if (rec == NULL)
        atomic_fetch_add(&rg_app.ring.dropped, 1);
    return rec;
}

void svc_record(svc_call_t *c, const svc_record_t *r)
{
    rg_record_t *rec = svc_record_make(c, r);
    if (rec)
        rg_ring_push(&rg_app.ring, rec);
}

/* ---- verdict calls waiting for their ingest (pair.h) ---------------------------------------------- */

#define PAIR_MAX_ENTRIES 4096
#define PAIR_MAX_BYTES (64u << 20)

#define FLUSH_WAIT_US 10000000 /* at shutdown, how long the flush waits in all for room in the records queue */

static rg_pair_t *pairs;
static pthread_once_t pairs_once = PTHREAD_ONCE_INIT;
static int64_t flush_deadline_us; /* main thread, while rg_service_flush runs (no worker is left then) */

/* At shutdown the parked records go at once, maybe more than the queue holds: wait while the writer (still
 * running) makes room, up to the deadline. */
static void wait_for_room(rg_ring_t *r)
{
    while (rg_now_us() < flush_deadline_us) {
        pthread_mutex_lock(&r->mu);
        int room = r->closed || r->count < r->cap;
        pthread_mutex_unlock(&r->mu);
        if (room)
            return;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
}

static void emit_to_ring(void *arg, rg_record_t *rec)
{
    (void)arg;
    if (flush_deadline_us)
        wait_for_room(&rg_app.ring);
    rg_ring_push(&rg_app.ring, rec);
}

static void pairs_init(void) { pairs = rg_pair_new(PAIR_MAX_ENTRIES, PAIR_MAX_BYTES, emit_to_ring, NULL); }

rg_pair_t *svc_pairs(void)
{
    pthread_once(&pairs_once, pairs_init);
    return pairs;
}

uint64_t svc_now_ms(void) { return (uint64_t)(rg_now_us() / 1000); }

void rg_service_sweep(void)
{
    rg_pair_t *p = svc_pairs();
    if (p)
        rg_pair_sweep(p, svc_now_ms());
}

void rg_service_flush(void)
{
    rg_pair_t *p = svc_pairs();
    if (p == NULL)
        return;
    flush_deadline_us = rg_now_us() + FLUSH_WAIT_US;
    rg_pair_flush(p);
    flush_deadline_us = 0;
}

char *svc_clean_body(json_t *body)
{
    if (body == NULL || json_is_null(body))
        return NULL;
    json_t *copy = json_deep_copy(body);
    if (copy == NULL)
        return NULL;
    rg_redact_secrets(copy);
    /* credentials in the texts, masked as the record of a gateway request masks them */
    rg_leaves_t *l = malloc(sizeof(*l));
    char *out = NULL;
    int ok = l != NULL;
    if (l) {
        rg_payload_leaves(copy, l);
        ok = !l->truncated; /* texts past the bounds would keep their credentials */
        json_t *parts = json_array();
        for (size_t i = 0; i < l->n; i++)
            json_array_append_new(parts, json_pack("{s:s, s:O}", "type", "text", "text", l->v[i]));
        json_t *synth = json_pack("{s:[{s:s, s:o}]}", "messages", "role", "user", "content", parts);
        int masked = synth ? rg_record_mask_secrets(synth) : -1;
        if (masked < 0)
            ok = 0;
        else if (masked > 0) {
            json_t *ps = json_object_get(json_array_get(json_object_get(synth, "messages"), 0), "content");
            for (size_t i = 0; i < l->n && i < json_array_size(ps); i++) {
                json_t *t = json_object_get(json_array_get(ps, i), "text");
                if (json_is_string(t))
                    json_string_setn(l->v[i], json_string_value(t), json_string_length(t));
            }
        }
        json_decref(synth);
        free(l);
    }
    if (ok)
        out = json_is_string(copy) ? strdup(json_string_value(copy)) : rg_json_dumps(copy, NULL);
    json_decref(copy);
    return out; /* NULL rather than a body that may keep a credential */
}

json_t *svc_verdicts(const svc_call_t *c)
{
    json_t *gs = json_object();
    static const char *const names[2] = {"request", "response"};
    for (int i = 0; i < 2; i++) {
        const rg_svc_outcome_t *o = svc_outcome(c, i);
        if (o == NULL)
            continue;
        json_t *r = rg_svc_result_json(o, NULL);
        json_object_del(r, "ModifiedPayload");
        json_object_set(r, "policies", o->policies);
        json_object_set_new(gs, names[i], r);
    }
    json_t *v = json_pack("{s:o}", "guardrail_service", gs);
    /* Akto's `_guardrail` summary of a verdict: the first side that did not allow, else the request side */
    const rg_svc_outcome_t *o = NULL;
    for (int i = 0; i < 2; i++) {
        const rg_svc_outcome_t *x = svc_outcome(c, i);
        if (x && (o == NULL || (o->allowed && !x->allowed)))
            o = x;
    }
    if (v && o)
        json_object_set_new(v, "_guardrail",
                            json_pack("{s:b, s:s, s:s, s:s?, s:s, s:s?}", "guardrailViolated", !o->allowed,
                                      "guardrailAction", o->behaviour ? rg_svc_behaviour_name(o->behaviour) : "",
                                      "guardrailReason", o->reason, "guardrailPolicy", o->policy, "guardrailRule",
                                      o->rule, "guardrailSeverity", o->severity));
    return v;
}
