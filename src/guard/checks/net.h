/*
 * checks/net.h — what the network checks (webhook, log, validUrls, jwt)
 * share: a small task runner over rg_check_io_t, Portkey's post() error
 * rules, the hook context a webhook or log receives, and URL and header
 * parameter parsing.
 *
 * The task runner makes the start/done/abort contract of check.h easy to
 * keep when an I/O callback may run inside io->http() (the blocking I/O of
 * the CLI and the tests) or later on the worker's loop:
 *
 *   start():  p = rg_ck_task_new(sizeof(*p), ...);         // task first in p; NULL: done ran
 *             rg_ck_http(&p->call, &p->task, &call, on_reply);
 *             return rg_ck_task_leave(&p->task);            // p, or NULL when done ran
 *   on_reply: fill the result; rg_ck_task_finish(c->task);
 *
 * done(arg) runs once, when the task is finished and no start() or callback
 * of the task is still on the stack; the task's destroy() runs just before.
 * abort: rg_ck_cancel() every call, then destroy (rg_ck_task_abort).
 */
#ifndef RG_GUARD_CHECKS_NET_H
#define RG_GUARD_CHECKS_NET_H

#include "guard/check.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_ck_task rg_ck_task_t;
typedef struct rg_ck_call rg_ck_call_t;

struct rg_ck_task {
    rg_check_io_t *io;
    void (*done)(void *arg);
    void *arg;
    void (*destroy)(rg_ck_task_t *t); /* frees the check's pending state */
    int busy;                         /* start() or a callback is running */
    int finished;
};

struct rg_ck_call {
    rg_ck_task_t *task;
    void *handle; /* the io's handle while the call is pending */
    int pending;
    void (*on_http)(rg_ck_call_t *c, const rg_http_reply_t *r);
    void (*on_resolve)(rg_ck_call_t *c, int found, const char *error);
};

/* Begins start(): a zeroed pending state of `size` bytes whose first member is the task, busy until
 * rg_ck_task_leave. Out of memory: fails res, calls done and returns NULL (start returns NULL too). */
void *rg_ck_task_new(size_t size, rg_check_io_t *io, rg_check_result_t *res, void (*done)(void *), void *arg,
                     void (*destroy)(rg_ck_task_t *));
/* Starts an HTTP call / a name resolution; the callback gets c back. */
void rg_ck_http(rg_ck_call_t *c, rg_ck_task_t *t, const rg_http_call_t *call,
                void (*on_http)(rg_ck_call_t *, const rg_http_reply_t *));
void rg_ck_resolve(rg_ck_call_t *c, rg_ck_task_t *t, const char *host, uint32_t timeout_ms,
                   void (*on_resolve)(rg_ck_call_t *, int, const char *));
/* The result is filled: done runs as soon as nothing of the task is on the stack. */
void rg_ck_task_finish(rg_ck_task_t *t);
/* Ends start(): returns t, or NULL when the task finished (done has run, t is freed). */
void *rg_ck_task_leave(rg_ck_task_t *t);
/* Cancels a pending call (its callback never runs). */
void rg_ck_cancel(rg_ck_call_t *c);

/* ---- Portkey's plugins/utils.ts post() ------------------------------------ */

/*
 * Classifies a reply the way post() does: a timeout is TimeoutError
 * "Request timed out after <timeout_ms>ms"; a failed fetch TypeError
 * "fetch failed"; a status outside 2xx HttpError "HTTP error! status: N";
 * then the body is parsed as JSON (SyntaxError when it is not). Returns 0
 * with *json set (owned) when want_json, or -1 with the error in res (name
 * and message, verdict 0).
 */
int rg_ck_post_reply(const rg_http_reply_t *r, uint32_t timeout_ms, int want_json, json_t **json,
                     rg_check_result_t *res);
/* JSON.parse's SyntaxError message for text that jansson rejected (V8's older wording). */
void rg_ck_json_syntax_error(const char *text, size_t len, const json_error_t *e, char *out, size_t outsz);

/* ---- the hook context ------------------------------------------------------ */

/*
 * Portkey's HookSpan context as default.webhook and default.log send it:
 * {request:{json,text,isStreamingRequest,isTransformed[,headers]},
 *  response:{json,text,statusCode,isTransformed}, provider, requestType,
 *  metadata[, eventType]}. with_headers: request.headers (log); with_event:
 * eventType (webhook).
 */
json_t *rg_ck_hook_context(const rg_check_env_t *env, int with_headers, int with_event);

/* ---- parameters ------------------------------------------------------------ */

/* WHATWG `new URL(s)` succeeds (a scheme; special schemes need a host). */
int rg_ck_url_valid(const char *s);
/* http:// or https:// (what the host can fetch). */
int rg_ck_url_fetchable(const char *s);

/*
 * Request header lines from a JSON object of name → value (values as
 * JavaScript's String()), after "Content-Type: application/json" unless the
 * object names a content type itself. NULL-terminated, malloc'd (free with
 * rg_ck_lines_free). NULL with err when a name or value cannot be sent.
 */
char **rg_ck_header_lines(json_t *obj, char *err, size_t errsz);
void rg_ck_lines_free(char **lines);

/* `timeout` (ms): absent, null, 0, false or "" → dflt; a positive number (or numeric string) → it.
 * -1 with err otherwise. */
int rg_ck_timeout_param(json_t *params, uint32_t dflt, uint32_t *out, char *err, size_t errsz);

/* The reply cap of each check. */
#define RG_CK_WEBHOOK_MAX_REPLY (4u << 20)
#define RG_CK_LOG_MAX_REPLY (64u << 10)
#define RG_CK_JWKS_MAX_REPLY (256u << 10)

#endif
