/*
 * service.h — Railgate as an Akto-compatible guardrail service, plus
 * Portkey's webhook protocol (docs/akto-service.md, docs/portkey-webhook.md,
 * docs/internals/service.md).
 *
 * Routes: POST /api/http-proxy (http_proxy.c), POST /api/validate/request
 * and /api/validate/response (validate.c), POST /api/portkey/webhook
 * (webhook_endpoint.c). All take the service tokens (auth.c). Every call
 * writes exactly one record, written here rather than by the exchange:
 * with ingest_data=true it is the record of the exchange the envelope
 * describes; otherwise the record of the service call itself, which an
 * /api/http-proxy verdict call parks until the ingest of the same exchange
 * arrives, so that both make one record (pair.h).
 */
#ifndef RG_SERVICE_H
#define RG_SERVICE_H

#include "api/exchange.h"

/* The route is one of the service's. */
int rg_service_route(rg_route_t r);
/* Handles a request on a service route (method, auth, body, answer, record). */
void rg_service_handle(rg_exchange_t *ex);
/* The exchange's record is being made (rg_exchange_finalize): a call that has not written its record yet (a worker
 * stopping while a policy waits) writes it now, with the exchange's status and error. */
void rg_service_finalize(rg_exchange_t *ex);
/* Writes the parked verdict-call records whose pair window ended (main thread, once a second) / all of them
 * (at shutdown, before the records writer stops). */
void rg_service_sweep(void);
void rg_service_flush(void);

#endif
