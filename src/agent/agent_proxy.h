/*
 * agent_proxy.h — agent-proxy mode's requests (agent.h has the config).
 *
 * rg_agent_on_req takes every request when cfg->agent is set (api/handler.c):
 * ALLOWED_HTTP_METHODS (else 405 with Allow), MAX_REQUEST_SIZE (else 413),
 * then GUARDRAIL_ENDPOINTS decides: a guarded request with a JSON body goes
 * through the guardrail engine (api/guard.c: block → 403 in OpenAI's error
 * shape, PII redacted before the upstream sees it) and its answer through the
 * response guardrails (buffered; SSE events through api/stream_guard.c when
 * APPLY_GUARDRAILS_TO_SSE); anything else streams through untouched.
 * One record per request, route "proxy".
 */
#ifndef RG_AGENT_PROXY_H
#define RG_AGENT_PROXY_H

#include "api/exchange.h"
#include "guard/text.h"

int rg_agent_on_req(rg_worker_t *w, h2o_req_t *req);
/* Sends the request upstream (rg_api_dispatch calls it once request guardrails let it go). */
void rg_agent_start(rg_exchange_t *ex);
/* The payload kind the engine reads for this request (chat, completions or TGI). */
rg_req_type_t rg_agent_req_type(rg_exchange_t *ex);
/* GUARDRAIL_FIELD_MAPPING's answer side: the engine read a view of one answer field; given the view as the
 * engine leaves it, the answer as the upstream sent it with that field's (maybe redacted) text written back (new
 * reference). NULL when the answer was read as it is. */
json_t *rg_agent_answer_back(rg_exchange_t *ex, json_t *view);
/* 1 when the engine reads a view of a mapped answer field (its bytes are not the answer's). */
int rg_agent_answer_mapped(rg_exchange_t *ex);

#endif
