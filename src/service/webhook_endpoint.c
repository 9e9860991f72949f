/*
 * webhook_endpoint.c — POST /api/portkey/webhook: Portkey's default.webhook
 * protocol answered from the guardrail service's policies
 * (../shared/reference/portkey-1.15.2.md §1.9).
 *
 * Portkey posts the hook context {request:{json,text,...}, response:{json,
 * text,statusCode}, provider, requestType, metadata, eventType}. On
 * beforeRequestHook the request side's policies check request.json; on
 * afterRequestHook the response side's check response.json. The answer is
 * {verdict, data, transformedData}: verdict false only for a block (warn and
 * alert pass, as Akto's clients let them through; data says what was found);
 * data is the ValidationResult; transformedData.request.json (before) or
 * .response.json (after) is the complete redacted JSON, sent only when a
 * mask changed it — Portkey replaces the body with it when present.
 */
#include "service/service_int.h"

#include "core/json_dump.h"

#include <stdlib.h>
#include <string.h>

static void finish(svc_call_t *c)
{
    int side = c->want[1] ? 1 : 0;
    const rg_svc_outcome_t *o = svc_outcome(c, side);
    json_t *data = svc_result(c, side);
    json_object_del(data, "ModifiedPayload"); /* the redaction goes in transformedData */
    int verdict = o == NULL || o->allowed || o->behaviour != RG_SVC_BLOCK;
    json_t *reply = json_pack("{s:b, s:o}", "verdict", verdict, "data", data);
    if (o && o->allowed && o->modified)
        json_object_set_new(reply, "transformedData",
                            json_pack("{s:{s:O}}", side ? "response" : "request", "json", c->pay[side].body));
    svc_send(c, 200, reply);

    json_t *verdicts = svc_verdicts(c);
    char *v = rg_json_dumps(verdicts, NULL);
    json_decref(verdicts);
    char *body = svc_clean_body(c->pay[side].body);
    svc_record(c, &(svc_record_t){.status = 200, .request_body = body, .verdicts = v});
    free(v);
    free(body);
}

void svc_webhook(svc_call_t *c)
{
    h2o_req_t *req = c->ex->req;
    char err[160];
    if (rg_akto_envelope_parse(req->entity.base, req->entity.len, &c->in, err, sizeof(err)) != 0) {
        svc_send(c, 400, json_pack("{s:s}", "error", err));
        svc_record(c, &(svc_record_t){.status = 400, .error = "invalid_request"});
        return;
    }
    const char *event = json_string_value(json_object_get(c->in, "eventType"));
    int side = event && strcmp(event, "afterRequestHook") == 0;
    json_t *j = json_object_get(json_object_get(c->in, side ? "response" : "request"), "json");
    if (json_is_object(j) || json_is_array(j)) {
        c->pay[side].enc = RG_AKTO_WHOLE;
        c->pay[side].body = json_incref(j);
        c->want[side] = 1;
    }
    c->finish = finish;
    svc_run(c);
}
