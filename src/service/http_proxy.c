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
 * record of this call (route akto_http_proxy). One record either way.
 */
#include "service/service_int.h"

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

static int status_of(const json_t *env)
{
    const char *s = rg_akto_field(env, "statusCode", NULL);
    if (s == NULL)
        s = rg_akto_field(env, "status", NULL);
    long v = s ? strtol(s, NULL, 10) : 0;
    return v >= 100 && v <= 999 ? (int)v : 200;
}

static void ingest_record(svc_call_t *c, json_t *verdicts)
{
    json_t *env = c->in;
    char col[208];
    rg_akto_collection(env, col, sizeof(col));
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
    json_t *tag = json_field(env, "tag");
    json_t *meta = json_field(env, "metadata");
    if (tag)
        json_object_set_new(verdicts, "tag", tag);
    if (meta)
        json_object_set_new(verdicts, "metadata", meta);
    const char *conn = rg_akto_field(env, "akto_connector", NULL);
    if (conn)
        json_object_set_new(verdicts, "akto_connector", json_string(conn));
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
        svc_record(c, &(svc_record_t){.status = 200, .collection = col, .request_body = req, .verdicts = v});
        free(v);
        free(req);
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
    c->finish = finish;
    svc_run(c);
}
