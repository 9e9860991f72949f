/*
 * stream_guard.h — output guardrails (after-hooks) on streamed answers.
 *
 * A filter between the upstream's SSE events and the client. It gathers the
 * answer's text from the events (choices[0].delta.content for chat,
 * choices[0].text for completions; the choice with index 0, as Portkey's
 * getText reads the first choice), builds the response JSON a non-streamed
 * answer would have had, and runs the after-hooks on it with the phase
 * runner (guard/hook.h). Three modes (docs/internals/stream-guard.md):
 *
 *   incremental  events are held until enough new text has arrived
 *                (step = max(min_step, text/8): total work stays linear),
 *                then the synchronous checks of the deny hooks run on all
 *                the text so far and the held events go out when they pass
 *                (but for the last `tail` bytes of text, which may hold the
 *                start of a match).
 *                A failure more text cannot undo cuts the stream at once; any
 *                other failure keeps the events held. At the end every hook
 *                runs (async checks too) before [DONE] goes out.
 *   buffer       everything is held until the end, then checked.
 *   log          everything passes at once; the hooks run at the end and
 *                their results are only recorded.
 *
 * A cut (a deny) appends one error event and `data: [DONE]` to `out`; the
 * caller stops the upstream. Held bytes and gathered text are capped by
 * `max`: past it incremental and buffer fail closed (an error event and
 * [DONE]), log stops gathering and checks what it has.
 *
 * Events are whole SSE events (http/sse.h), so the verdicts do not depend
 * on how the network cut the bytes. Transforms (regexReplace, ...) are
 * evaluated but never applied to a stream: bytes already sent cannot be
 * rewritten, and held events go out as the upstream sent them.
 *
 * `out` may grow past its cap: what the guard appends is bounded by `max`
 * plus one error event. One owner, one thread (the worker's loop).
 */
#ifndef RG_API_STREAM_GUARD_H
#define RG_API_STREAM_GUARD_H

#include "core/buf.h"
#include "guard/hook.h"
#include "http/sse.h"

#include <jansson.h>
#include <stddef.h>

typedef enum rg_sg_mode {
    RG_SG_INCREMENTAL = RG_STREAM_INCREMENTAL,
    RG_SG_BUFFER = RG_STREAM_BUFFER,
    RG_SG_LOG = RG_STREAM_LOG,
} rg_sg_mode_t;

/* Returned by rg_stream_guard_event and rg_stream_guard_finish. */
enum { RG_SG_GO = 0, RG_SG_CUT = 1, RG_SG_WAIT = 2 };

typedef struct rg_stream_guard_opts {
    rg_sg_mode_t mode;
    const rg_hook_t *const *hooks; /* the after-hooks, run in this order; they must outlive the guard */
    size_t n;
    rg_req_type_t type;     /* RG_REQ_CHAT or RG_REQ_COMPLETE: where the text is */
    json_t *request;        /* the request JSON, or NULL (a reference is taken) */
    json_t *metadata;       /* or NULL (a reference is taken) */
    const char *(*header)(void *ctx, const char *name, size_t *len);
    void *header_ctx;       /* valid for the guard's life */
    json_t *headers;        /* secret-free request headers, or NULL (a reference is taken) */
    rg_check_io_t *io;      /* for async checks at the end; NULL: they answer with an error */
    const char *provider;   /* static; NULL: "openai" */
    json_t *error;          /* the cut event's `error` object; NULL: Portkey's hooks_failed (a reference is taken) */
    json_t *before_results; /* before_request_hooks shown in the cut event's hook_results, or NULL (reference taken) */
    int send_results;       /* strict OpenAI compliance off: the after results go out as an event before [DONE] */
    size_t max;             /* cap on held event bytes and on gathered text; 0: 16 MiB */
    size_t min_step;        /* incremental: the least new text between checks; 0: 256 bytes */
    size_t tail;            /* incremental: text kept back after a passing check, so that the start of a match
                             * that is not complete yet does not go out; 0: 64 bytes */
} rg_stream_guard_opts_t;

typedef struct rg_stream_guard rg_stream_guard_t;

/* The strictest mode among the hooks' stream_mode (buffer > incremental > log); incremental when n is 0. */
rg_sg_mode_t rg_stream_guard_mode_of(const rg_hook_t *const *hooks, size_t n);

/* NULL on out of memory. */
rg_stream_guard_t *rg_stream_guard_new(const rg_stream_guard_opts_t *o);

/*
 * One complete upstream event (raw bytes and decoded data). Appends to `out`
 * what may go to the client now. RG_SG_GO, or RG_SG_CUT: `out` got the error
 * event and [DONE], the held events are dropped, the upstream should stop;
 * every later call returns RG_SG_CUT and appends nothing.
 */
int rg_stream_guard_event(rg_stream_guard_t *sg, const rg_sse_event_t *ev, rg_buf_t *out);

/*
 * The upstream stream ended (after [DONE], or without one). Runs every hook
 * on the whole text. Returns RG_SG_GO (the held events, the results event
 * when send_results, and the upstream's [DONE] were appended; log mode
 * appends nothing) or RG_SG_CUT (as above), or RG_SG_WAIT: async checks are
 * running; `out` must stay valid until done_cb(arg), which runs once, after
 * `out` got what GO or CUT would have appended. rg_stream_guard_cut() then
 * tells which. Freeing the guard meanwhile cancels the checks (no done_cb).
 */
int rg_stream_guard_finish(rg_stream_guard_t *sg, rg_buf_t *out, void (*done_cb)(void *arg), void *arg);

/* Why the stream was cut, or 0 when it was not. */
enum { RG_SG_CUT_DENY = 1, RG_SG_CUT_TOO_LARGE = 2 };
int rg_stream_guard_cut(const rg_stream_guard_t *sg);

/* after_request_hooks results of the latest run (mid-stream or final), borrowed; NULL before any run. */
json_t *rg_stream_guard_results(rg_stream_guard_t *sg);
/* What a non-streamed answer with the text streamed so far would have been (new reference); for background hooks. */
json_t *rg_stream_guard_response(rg_stream_guard_t *sg);

typedef struct rg_sg_stats {
    size_t checks;        /* hook runs (mid-stream and final) */
    size_t checked_bytes; /* text bytes those runs looked at, summed */
    size_t text_bytes;    /* text gathered */
    size_t held_peak;     /* most event bytes held at once */
} rg_sg_stats_t;

void rg_stream_guard_stats(const rg_stream_guard_t *sg, rg_sg_stats_t *st);

void rg_stream_guard_free(rg_stream_guard_t *sg);

#endif
