/*
 * guard.h — guardrail hooks on the request path, Portkey-compatible.
 *
 * Hooks come with the request in `x-portkey-config` (also accepted as
 * `x-railgate-config`): Portkey's before_request_hooks / after_request_hooks
 * and the input_/output_ guardrails and mutators shorthand. Routing keys of
 * that config (provider, custom_host, api_key, targets, ...) are ignored:
 * Railgate routes by model name from its own config.
 *
 * Outcomes, as Portkey: a failed before-hook with deny → 446 with Portkey's
 * error body and hook_results, upstream never called; failures without deny
 * → 246 with the upstream body plus hook_results; all pass → the upstream
 * status plus hook_results. Transformed request text is what goes upstream;
 * transformed response text is what the client gets. Streams: before-hooks
 * as above (446 is plain JSON); the before results go out as the first SSE
 * event when the client sends x-portkey-strict-open-ai-compliance: false.
 * After-hooks on streams: rg_guard_stream_guard (api/stream_guard.h); their
 * results join the recorded hook_results. Async hooks come in a later change.
 */
#ifndef RG_API_GUARD_H
#define RG_API_GUARD_H

#include "api/exchange.h"
#include "guard/check.h"

struct rg_record;

typedef struct rg_guard_state rg_guard_state_t;

/*
 * Before the provider runs. Returns 0: call the provider now; 1: guard took
 * over (it answered — 400, 403, 446, 503 — or it waits on a network check and
 * calls rg_api_dispatch itself when the request may go on).
 */
int rg_guard_before(rg_exchange_t *ex);
/* A complete non-streamed answer from the provider (data alive until dispose); runs after-hooks (maybe
 * waiting on network checks) and sends it, with hook_results when Portkey-shaped hooks ran. */
void rg_guard_respond(rg_exchange_t *ex, int status, const char *body, size_t len);
/* The payload kind the after-hooks read, when the answer's is not the request's (agent proxy: a request read as a
 * view of one field, an answer read by its own shape). Before rg_guard_respond. */
void rg_guard_answer_type(rg_exchange_t *ex, rg_req_type_t type);
/* The same for an answer whose bytes were not checked yet: 1 when it took the answer (it passed
 * api/answer_scan.h's scan, which is stricter than rg_json_valid, on the way to the text-only after-hooks);
 * 0: nothing was done, check the bytes and call rg_guard_respond. */
int rg_guard_respond_json(rg_exchange_t *ex, int status, const char *body, size_t len);
/* For streams: the status to send (246 when a before-hook failed) and the optional first event. */
int rg_guard_stream_status(rg_exchange_t *ex);
void rg_guard_stream_prelude(rg_exchange_t *ex, rg_buf_t *out);
/* For streams: the output guardrails for this request's (non-async) after-hooks, or NULL when it has none. */
struct rg_stream_guard *rg_guard_stream_guard(rg_exchange_t *ex);
/* A guarded stream ended (ex->sg set): background hooks (async after hooks, logging_only) run on its text. */
void rg_guard_stream_finished(rg_exchange_t *ex);
/* The stream was cut by output guardrails: the error to record (hooks_failed, or guardrail_blocked for YAML ones). */
rg_error_t rg_guard_stream_cut_error(rg_exchange_t *ex);
/* hook_results as recorded (NULL when there were no hooks), with a stream guard's after results; valid until
 * dispose. */
const char *rg_guard_verdicts(rg_exchange_t *ex, size_t *len);
/* The record, when background hooks still run: guard keeps it and writes it when they finish (returns 1). */
int rg_guard_hold_record(rg_exchange_t *ex, struct rg_record *rec);
void rg_guard_free(rg_exchange_t *ex);
/* The request is being answered (by the guard, an upstream error, the client leaving): in-line runs are
 * dropped and the request-side background hooks start. */
void rg_guard_answering(rg_exchange_t *ex);
/* The request's record is being made (rg_exchange_finalize, once per request, whatever happened: answered,
 * blocked, streamed, client gone): the after-answer hooks of akto guardrails run, once, on the answer as it
 * went out (status as recorded) and hold the record until they finish. */
void rg_guard_ingest(rg_exchange_t *ex, int status);

/* Per worker: the network I/O async checks use (may be NULL), and the teardown at stop. */
void rg_guard_worker_start(rg_worker_t *w, rg_check_io_t *io);
void rg_guard_worker_stop(rg_worker_t *w);

/* Starts the provider for a request (api/handler.c); guard calls it after waiting on a check. */
void rg_api_dispatch(rg_exchange_t *ex);

/* A request-phase check found credentials (railgate.secrets: data.found > 0); the record masks them. */
int rg_guard_credentials_found(rg_exchange_t *ex);

#endif
