/*
 * http_proxy.c — POST /api/http-proxy, Akto's data-ingestion endpoint
 * (reference §0): query flags guardrails, response_guardrails, ingest_data
 * (only "true", any case); the flat envelope; the reply
 * {"success":true,"message":...,"data":{["guardrailsResult":...],"success":true,"message":...}};
 * failures are 422 {"success":false,"message":...,"data":{"error":...}}.
 *
 * Records: ingest_data=true → the record IS the exchange the envelope
 * describes (route "akto_ingest", its method, path, status, bodies; the
 * collection from requestHeaders.host; a blocked request's marker, status
 * 403 with {"x-blocked-by":...}, is recorded as blocked); otherwise the
 * record of this call (route akto_http_proxy), parked for pair_window
 * (service/pair.h): the ingest of the same exchange (LiteLLM's and Akto's
 * flows: verdict first, then the answer or the 403 marker) takes it, and
 * the one record written holds both calls' verdicts ("verdict_call").
 */
#include "service/service_int.h"

#include "api/app.h"
#include "config/guardrail_service.h"
#include "core/json_dump.h"
#include "core/json_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char OK_MESSAGE[] = "Request processed successfully";

static void fail_422(svc_call_t *c, const char *message, const char *error)
{
    svc_send(c, 422,
             json_pack("{s:b, s:s, s:{s:s}}", "success", 0, "message", message, "data", "error", error));
    char col[208];
    rg_akto_collection(c->in, col, sizeof(col));
    svc_record(c, &(svc_record_t){.status = 422, .error = "invalid_request", .collection = col});
}

/* a string field that holds JSON: the tree, else the string itself; NULL when absent */
static json_t *json_field(const json_t *env, const char *key)
{
    size_t n;
    const char *s = rg_akto_field(env, key, &n);
    if (s == NULL)
        return NULL;
    rg_json_error_t je;
    json_t *j = rg_json_loadb(s, n, 0, &je);
    return j ? j : json_stringn(s, n);
}

/* tag / metadata as recorded: credential-named keys and credentials in the texts masked, as bodies are; NULL
 * (left out) when that cannot be done. Takes j. */
static json_t *clean_field(json_t *j)
{
    if (j == NULL)
        return NULL;
    char *s = svc_clean_body(j);
    json_t *out = NULL;
    if (s && json_is_string(j)) {
        out = json_string(s);
    } else if (s) {
        rg_json_error_t je;
        out = rg_json_loadb(s, strlen(s), 0, &je);
    }
    free(s);
    json_decref(j);
    return out;
}

static int status_of(const json_t *env)
{
    const char *s = rg_akto_field(env, "statusCode", NULL);
    if (s == NULL)
        s = rg_akto_field(env, "status", NULL);
    long v = s ? strtol(s, NULL, 10) : 0;
    return v >= 100 && v <= 999 ? (int)v : 200;
}

/* What a verdict call and the ingest of the same exchange share (pair.h). */
static int pair_key(svc_call_t *c, const char *col, rg_pair_key_t *k)
{
    size_t pl = 0;
    const char *path = rg_akto_field(c->in, "path", &pl);
    return rg_pair_key(k, col, path, pl, c->pay[0].body);
}

/* The verdict call of this exchange, when one is parked: its verdicts join the ingest's. */
static void join_verdict_call(svc_call_t *c, const char *col, json_t *verdicts)
{
    rg_pair_t *pairs = svc_pairs();
    if (pairs == NULL || rg_pair_count(pairs) == 0)
        return;
    rg_pair_key_t k;
    if (pair_key(c, col, &k) != 0)
        return;
    rg_record_t *v = rg_pair_take(pairs, &k, svc_now_ms());
    if (v == NULL)
        return;
    json_t *pv = v->verdicts ? json_loads(v->verdicts, 0, NULL) : NULL;
    json_t *theirs = json_object_get(pv, "guardrail_service");
    json_t *ours = json_object_get(verdicts, "guardrail_service");
    if (json_is_object(theirs) && json_is_object(ours) && json_object_size(ours) == 0) {
        json_object_update(ours, theirs); /* an ingest without guardrails: the verdicts are the call's */
        json_t *summary = json_object_get(pv, "_guardrail");
        if (summary)
            json_object_set(verdicts, "_guardrail", summary);
    }
    json_t *vc = json_pack("{s:s, s:I, s:I}", "id", v->id, "ts_ms", (json_int_t)v->ts_ms, "total_us",
                           (json_int_t)v->total_us);
    if (vc && json_is_object(theirs))
        json_object_set(vc, "guardrail_service", theirs);
    if (vc)
        json_object_set_new(verdicts, "verdict_call", vc);
    json_decref(pv);
    rg_record_free(v);
}

/* Akto's OBSERVE_MODE_CONNECTORS: their traffic is observed, not inline */
static int observe_connector(const char *name)
{
    static const char *const names[] = {"truefoundry", "n8n", "copilot_studio", "databricks", "snowflake",
                                        "vertex_ai_custom_deployed_model", "salesforce"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

static void ingest_record(svc_call_t *c, json_t *verdicts)
{
    json_t *env = c->in;
    char col[208];
    rg_akto_collection(env, col, sizeof(col));
    join_verdict_call(c, col, verdicts);
    int status = status_of(env);
    const char *error = NULL;
    json_t *rb = c->pay[1].body;
    json_t *blocked = json_is_object(rb) ? json_object_get(rb, "x-blocked-by") : NULL;
    if (status == 403 && blocked) {
        error = "guardrail_blocked";
        json_object_set(verdicts, "blocked_by", blocked);
        json_t *why = json_object_get(rb, "reason");
        if (why)
            json_object_set(verdicts, "blocked_reason", why);
    } else if (status >= 400) {
        error = "upstream_error";
    }
    json_t *tag = clean_field(json_field(env, "tag"));
    json_t *meta = clean_field(json_field(env, "metadata"));
    if (tag == NULL || json_is_object(tag)) { /* as Akto: an ingest's tag says how the connector runs */
        if (tag == NULL)
            tag = json_object();
        json_object_set_new(tag, "mode", json_string(observe_connector(c->connector) ? "observe" : "inline"));
    }
    if (tag)
        json_object_set_new(verdicts, "tag", tag);
    if (meta)
        json_object_set_new(verdicts, "metadata", meta);
    if (c->connector[0]) /* a query field, as Akto reads it */
        json_object_set_new(verdicts, "akto_connector", json_string(c->connector));
    char *v = rg_json_dumps(verdicts, NULL);
    char *req = svc_clean_body(c->pay[0].body);
    char *resp = svc_clean_body(c->pay[1].body);
    size_t ml = 0, pl = 0;
    const char *method = rg_akto_field(env, "method", &ml);
    const char *path = rg_akto_field(env, "path", &pl);
    svc_record(c, &(svc_record_t){.status = status,
                                  .route = "akto_ingest",
                                  .method = method,
                                  .method_len = ml,
                                  .path = path,
                                  .path_len = pl,
                                  .error = error,
                                  .collection = col,
                                  .client_ip = rg_akto_field(env, "ip", NULL),
                                  .request_body = req ? req : "",
                                  .response_body = resp ? resp : "",
                                  .verdicts = v});
    free(v);
    free(req);
    free(resp);
}

static void finish(svc_call_t *c)
{
    json_t *data = json_object();
    if (c->want[0] || c->want[1]) {
        json_t *gr;
        if (c->want[0] && c->want[1]) {
            json_t *rq = svc_result(c, 0), *rs = svc_result(c, 1);
            gr = json_copy(rq);
            json_object_set_new(gr, "Allowed", json_boolean(json_is_true(json_object_get(rq, "Allowed")) &&
                                                            json_is_true(json_object_get(rs, "Allowed"))));
            json_object_set_new(gr, "requestResult", rq);
            json_object_set_new(gr, "responseResult", rs);
        } else {
            gr = svc_result(c, c->want[0] ? 0 : 1);
        }
        json_object_set_new(data, "guardrailsResult", gr);
    }
    json_object_set_new(data, "success", json_true());
    json_object_set_new(data, "message", json_string(OK_MESSAGE));
    svc_send(c, 200, json_pack("{s:b, s:s, s:o}", "success", 1, "message", OK_MESSAGE, "data", data));

    json_t *verdicts = svc_verdicts(c);
    if (c->ingest) {
        ingest_record(c, verdicts);
    } else {
        char col[208];
        rg_akto_collection(c->in, col, sizeof(col));
        char *v = rg_json_dumps(verdicts, NULL);
        char *req = svc_clean_body(c->pay[0].body);
        rg_record_t *rec =
            svc_record_make(c, &(svc_record_t){.status = 200, .collection = col, .request_body = req, .verdicts = v});
        free(v);
        free(req);
        const rg_svc_config_t *sc = c->ex->cfg->svc;
        rg_pair_t *pairs = sc && sc->pair_window_ms ? svc_pairs() : NULL;
        /* the ingest that follows carries the request as it was sent on: masked when allowed and masked (LiteLLM
         * sends ModifiedPayload on), as it came when blocked (the 403 marker) */
        int blocked = 0;
        for (int i = 0; i < 2; i++)
            blocked |= svc_outcome(c, i) && !svc_outcome(c, i)->allowed;
        rg_pair_key_t k = c->key_sent;
        int keyed = blocked ? c->has_key_sent : pair_key(c, col, &k) == 0;
        if (rec && pairs && keyed) {
            rg_pair_park(pairs, &k, rec, svc_now_ms(), sc->pair_window_ms);
        } else if (rec) {
            rg_ring_push(&rg_app.ring, rec);
        }
    }
    json_decref(verdicts);
}

void svc_http_proxy(svc_call_t *c)
{
    rg_exchange_t *ex = c->ex;
    h2o_req_t *req = ex->req;
    const char *q = "";
    size_t ql = 0;
    if (req->query_at != SIZE_MAX) {
        q = req->path.base + req->query_at + 1;
        ql = req->path.len - req->query_at - 1;
    }
    c->want[0] = rg_akto_query_flag(q, ql, "guardrails");
    c->want[1] = rg_akto_query_flag(q, ql, "response_guardrails");
    c->ingest = rg_akto_query_flag(q, ql, "ingest_data");
    rg_akto_query_word(q, ql, "akto_connector", c->connector, sizeof(c->connector));
    char err[160];
    if (rg_akto_envelope_parse(req->entity.base, req->entity.len, &c->in, err, sizeof(err)) != 0) {
        fail_422(c, "Invalid request format", err);
        return;
    }
    size_t n = 0;
    const char *rp = rg_akto_field(c->in, "requestPayload", &n);
    if (rp == NULL || n == 0) {
        fail_422(c, "Missing required field: requestPayload", "Missing required field: requestPayload");
        return;
    }
    const char *sp = rg_akto_field(c->in, "responsePayload", &n);
    size_t rn = strlen(rp);
    if (rg_akto_payload_parse(rp, rn, &c->pay[0]) != 0 || rg_akto_payload_parse(sp, sp ? n : 0, &c->pay[1]) != 0) {
        fail_422(c, "Invalid request format", "out of memory");
        return;
    }
    if (!c->ingest && (c->want[0] || c->want[1])) { /* a verdict call: the key of the request before masking */
        char col[208];
        rg_akto_collection(c->in, col, sizeof(col));
        c->has_key_sent = pair_key(c, col, &c->key_sent) == 0;
    }
    c->finish = finish;
    svc_run(c);
}
