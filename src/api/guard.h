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

typedef struct rg_guard_state rg_guard_state_t;

/* Before the provider runs. Returns 0 to go on, or 1 when it already answered (400, 446). */
int rg_guard_before(rg_exchange_t *ex);
/* A complete non-streamed answer from the provider; runs after-hooks and sends it with hook_results. */
void rg_guard_respond(rg_exchange_t *ex, int status, const char *body, size_t len);
/* For streams: the status to send (246 when a before-hook failed) and the optional first event. */
int rg_guard_stream_status(rg_exchange_t *ex);
void rg_guard_stream_prelude(rg_exchange_t *ex, rg_buf_t *out);
/* For streams: the output guardrails for this request's (non-async) after-hooks, or NULL when it has none. */
struct rg_stream_guard *rg_guard_stream_guard(rg_exchange_t *ex);
/* hook_results as recorded (NULL when there were no hooks), with a stream guard's after results; valid until
 * dispose. */
const char *rg_guard_verdicts(rg_exchange_t *ex, size_t *len);
void rg_guard_free(rg_exchange_t *ex);

#endif
