/*
 * hook.h — hooks: groups of checks with Portkey's semantics, and running them.
 *
 * A hook (Portkey's model) has an id, a type (guardrail | mutator), deny,
 * async, sequential, on_success / on_fail feedback, and checks, each with
 * is_enabled and parameters (failOnError and scope are read here, the rest
 * by the check's compile()). Hooks come from Portkey's config JSON
 * (before_request_hooks / after_request_hooks and the input_/output_
 * guardrails and mutators shorthand) and, in later changes, from the YAML
 * `guardrails:` list; both compile into rg_hook_t.
 *
 * Running a phase (rg_hooks_run) evaluates every hook against the body,
 * applies transforms, and returns Portkey's `hook_results` entries:
 *   hook verdict = every check passed, or errored without failOnError;
 *   result.deny  = hook.deny && !verdict;
 *   non-sequential guardrails: every check sees the same text, transforms are
 *   applied afterwards in array order; sequential hooks and mutators feed each
 *   check the previous one's output; disabled checks are left out;
 *   a hook without a known type runs no checks and passes (Portkey does this
 *   silently; Railgate logs a warning when compiling it).
 * Hooks of a phase run in order, each on the body as earlier hooks left it
 * (Portkey runs them concurrently on the original; the order makes Railgate
 * deterministic).
 */
#ifndef RG_GUARD_HOOK_H
#define RG_GUARD_HOOK_H

#include "guard/check.h"

#include <jansson.h>

typedef enum rg_hook_type { RG_HOOK_UNTYPED = 0, RG_HOOK_GUARDRAIL, RG_HOOK_MUTATOR } rg_hook_type_t;

/* Railgate's extension key "stream_mode" (or "streamMode"): how an after-hook treats a streamed answer
 * (api/stream_guard.h, docs/internals/stream-guard.md). Absent: incremental. An unknown value: buffer,
 * the strictest. */
typedef enum rg_stream_mode { RG_STREAM_INCREMENTAL = 0, RG_STREAM_BUFFER, RG_STREAM_LOG } rg_stream_mode_t;

typedef struct rg_hook_check {
    char *id;
    const rg_check_ops_t *ops; /* NULL: no such check */
    void *compiled;            /* NULL when compile failed: see error */
    json_t *params;            /* as given (ops->invalid reads them when compile failed; the gateway reads URLs) */
    char error[RG_CHECK_ERROR_MAX];
    int enabled;
    int fail_on_error;
    int scope_all;
} rg_hook_check_t;

typedef struct rg_hook {
    char *id;
    rg_hook_type_t type;
    int deny, async, sequential;
    rg_stream_mode_t stream_mode;
    json_t *on_success; /* feedback objects {value, weight, metadata} or NULL */
    json_t *on_fail;
    rg_hook_check_t *checks;
    size_t n_checks;
} rg_hook_t;

typedef struct rg_hook_list {
    rg_hook_t *hooks;
    size_t n;
} rg_hook_list_t;

/*
 * Compiles a Portkey config object's hooks into before/after lists (appended).
 * Returns 0; on a malformed config (wrong types) -1 with err set. Check
 * parameter problems are not errors here: they become the check's error
 * result when it runs, as in Portkey. `strict` (operator config): check
 * parameter problems and unknown checks are errors too. On error the lists
 * may hold the hooks compiled so far: the caller frees them either way.
 */
int rg_hooks_from_portkey(json_t *config, int strict, rg_hook_list_t *before, rg_hook_list_t *after, char *err,
                          size_t errsz);
void rg_hook_list_free(rg_hook_list_t *l);

typedef struct rg_phase_outcome {
    int verdict;     /* every hook passed */
    int deny;        /* some failed hook has deny */
    int transformed; /* the body was changed */
    int credentials_found; /* a check found credentials (rg_check_result_t.credentials: records mask them) */
} rg_phase_outcome_t;

/*
 * One phase's run over a set of hooks, resumable: synchronous checks run
 * at once, async ones (webhook, log, validUrls, jwt) through `io`, and the
 * run continues when their results arrive. Within a non-sequential hook the
 * async checks run concurrently; sequential hooks wait for each check.
 * Everything the run reads is held by reference until rg_phase_free, so a
 * run may outlive the request that started it (async hooks).
 */
typedef struct rg_phase_args {
    const rg_hook_t *const *hooks; /* run in this order */
    size_t n;
    rg_phase_t phase;
    rg_req_type_t type;
    json_t *body;     /* the JSON the hooks read and transform (a reference is taken) */
    json_t *request;  /* response phase: the request JSON (a reference is taken); else NULL */
    json_t *metadata; /* or NULL (a reference is taken) */
    const char *(*header)(void *ctx, const char *name, size_t *len);
    void *header_ctx; /* must stay valid for the run's life */
    json_t *headers;  /* secret-free request headers for checks that forward them, or NULL (reference taken) */
    const char *provider; /* static string */
    int stream;
    int status;
    rg_check_io_t *io; /* NULL: async checks answer with an error */
    int request_transformed; /* response phase: before hooks changed the request */
    /* Text-only run (body NULL): the text every check sees, instead of extracting it from body (copied; the
     * parts' holders are unused). Only for hooks rg_hooks_text_only accepts; a check that transforms anyway
     * makes the run rg_phase_needs_tree (its changes are not applied) and the caller runs again on a tree. */
    const rg_guard_text_t *text;
} rg_phase_args_t;

typedef struct rg_phase_run rg_phase_run_t;

rg_phase_run_t *rg_phase_new(const rg_phase_args_t *a);
/*
 * Runs until done or until it waits on I/O. Returns 1 when done (done_cb is
 * not called), 0 when waiting: done_cb(arg) runs once, later, on the loop the
 * I/O completes on.
 */
int rg_phase_go(rg_phase_run_t *r, void (*done_cb)(void *arg), void *arg);
/* Cancels the I/O of a waiting run; done_cb will not be called. */
void rg_phase_abort(rg_phase_run_t *r);
void rg_phase_free(rg_phase_run_t *r);

/* After done: the hook_results entries (borrowed), the outcome, and the body (borrowed; maybe replaced).
 * The entries are kept serialized; rg_phase_results makes the tree on its first call (callers on the
 * request path use rg_phase_results_json: the entries as JSON text, comma-separated, without the array's
 * brackets, "" for none; NULL when out of memory; valid until rg_phase_free). */
json_t *rg_phase_results(rg_phase_run_t *r);
const char *rg_phase_results_json(rg_phase_run_t *r, size_t *len);
/* The array of entries such a text holds, as a new tree (NULL when out of memory). */
json_t *rg_results_tree(const char *entries, size_t len);
const rg_phase_outcome_t *rg_phase_outcome(rg_phase_run_t *r);
json_t *rg_phase_body(rg_phase_run_t *r);
/* A text-only run had a check that transforms: run again with the body as a tree. */
int rg_phase_needs_tree(rg_phase_run_t *r);
/*
 * 1 when every enabled check of these hooks reads only env->text (and the request, never the response
 * JSON) and never transforms: they can run on the answer's text without a tree of the answer. A fixed list
 * of check ids (phase.c), pinned by tests/unit/test_phase_text_only.c.
 */
int rg_hooks_text_only(const rg_hook_t *const *hooks, size_t n);

/* Hook i's verdict, and whether one of its checks errored (after done). */
int rg_phase_hook_verdict(rg_phase_run_t *r, size_t i);
int rg_phase_hook_errored(rg_phase_run_t *r, size_t i);

/*
 * The synchronous form, for callers without a loop: runs the hooks of one
 * phase (async ones only when `async` is set) against *body, which may be
 * replaced or changed in place. Checks that need network I/O answer with an
 * error. Returns the array of hook results (new reference).
 */
json_t *rg_hooks_run(const rg_hook_list_t *hooks, int async, rg_phase_t phase, rg_req_type_t type, json_t **body,
                     json_t *request, json_t *metadata, const char *(*header)(void *, const char *, size_t *),
                     void *header_ctx, rg_phase_outcome_t *out);
/* The same with network I/O that completes synchronously (io_blocking.h), or NULL. */
json_t *rg_hooks_run_io(const rg_hook_list_t *hooks, int async, rg_phase_t phase, rg_req_type_t type, json_t **body,
                        json_t *request, json_t *metadata, const char *(*header)(void *, const char *, size_t *),
                        void *header_ctx, rg_check_io_t *io, rg_phase_outcome_t *out);
/* The same for the synchronous hooks only, keeping the outcome: the results are serialized as the gateway does
 * and dropped, no tree is built (what `railgate eval --speed` times after its first pass). */
rg_phase_outcome_t rg_hooks_run_io_outcome(const rg_hook_list_t *hooks, rg_phase_t phase, rg_req_type_t type,
                                           json_t **body, json_t *metadata, rg_check_io_t *io);

#endif
