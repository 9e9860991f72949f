/*
 * validate.c — POST /api/validate/request and /api/validate/response, Akto's
 * guardrails-service API (reference §2): the body is ValidateRequestParams
 * (strings); the answer is the ValidationResult object itself. An empty
 * payload → 200 Allowed with "No request body provided" (the response side
 * says "response"); a body that is not a JSON object → 400
 * {"error":"Invalid request format"}. /validate/response reads
 * responsePayload, else the legacy `payload`. One record of the call.
 */
#include "service/service_int.h"

#include "core/json_dump.h"

#include <stdlib.h>
#include <string.h>

static void record(svc_call_t *c, int side, int status)
{
    char col[208];
    rg_akto_collection(c->in, col, sizeof(col));
    json_t *verdicts = svc_verdicts(c);
    char *v = rg_json_dumps(verdicts, NULL);
    json_decref(verdicts);
    char *body = svc_clean_body(c->pay[side].body);
    svc_record(c, &(svc_record_t){.status = status,
                                  .error = status >= 400 ? "invalid_request" : NULL,
                                  .collection = col,
                                  .request_body = body,
                                  .verdicts = v});
    free(v);
    free(body);
}

static void finish(svc_call_t *c)
{
    int side = c->want[1] ? 1 : 0;
    svc_send(c, 200, svc_result(c, side));
    record(c, side, 200);
}

void svc_validate(svc_call_t *c, int response_side)
{
    h2o_req_t *req = c->ex->req;
    char err[160];
    if (rg_akto_envelope_parse(req->entity.base, req->entity.len, &c->in, err, sizeof(err)) != 0) {
        svc_send(c, 400, json_pack("{s:s}", "error", "Invalid request format"));
        record(c, 0, 400);
        return;
    }
    size_t n = 0;
    const char *p = rg_akto_field(c->in, response_side ? "responsePayload" : "requestPayload", &n);
    if (response_side && (p == NULL || n == 0))
        p = rg_akto_field(c->in, "payload", &n);
    if (p == NULL || n == 0) {
        svc_send(c, 200,
                 json_pack("{s:b, s:b, s:s, s:s, s:{}, s:s}", "Allowed", 1, "Modified", 0, "ModifiedPayload", "",
                           "Reason", response_side ? "No response body provided" : "No request body provided",
                           "Metadata", "Behaviour", ""));
        record(c, 0, 200);
        return;
    }
    if (rg_akto_payload_parse(p, n, &c->pay[response_side]) != 0) {
        svc_send(c, 500, json_pack("{s:s}", "error", "Validation failed"));
        record(c, 0, 500);
        return;
    }
    c->want[response_side] = 1;
    c->finish = finish;
    svc_run(c);
}
