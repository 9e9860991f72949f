/*
 * check.h — one guardrail check: an id, a parameter compiler, a run function.
 *
 * Each check is one file under src/guard/checks/ defining
 *     const rg_check_ops_t rg_check_<name>;
 * and listed once in checks/registry.c. compile() turns the check's
 * `parameters` JSON into whatever the check needs at run time (a compiled
 * regex, a word list, a schema) and rejects bad parameters with a clear
 * message: at config load for operator-configured hooks, or as the check's
 * error result (Portkey's behaviour) for hooks a request supplies. run() is
 * pure and synchronous: it reads the environment and fills the result. It
 * runs on a worker thread, so it must not keep mutable state in `compiled`.
 *
 * Checks that do network I/O (webhook, log, validUrls, jwt) set `start`
 * instead of `run`: start() begins the work through the host's rg_check_io_t
 * (HTTP and DNS on the worker's loop, or blocking ones in the CLI) and calls
 * done(arg) exactly once when the result is filled, possibly before start()
 * returns. abort() cancels a started check: afterwards done is never called.
 * Every I/O has a bounded timeout; a check never waits on anything else.
 *
 * Portkey semantics are the reference: ../shared/reference/portkey-1.15.2.md.
 */
#ifndef RG_GUARD_CHECK_H
#define RG_GUARD_CHECK_H

#include "core/json_dump.h"
#include "guard/text.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rg_check_io rg_check_io_t;

typedef struct rg_check_env {
    rg_phase_t phase;
    rg_req_type_t type;
    const rg_guard_text_t *text; /* what the check looks at */
    json_t *request;             /* the request JSON as it is now (maybe transformed), borrowed */
    json_t *response;            /* the response JSON, NULL in the request phase */
    json_t *metadata;            /* request metadata object, or NULL */
    /* request header by case-insensitive name; NULL when absent */
    const char *(*header)(void *ctx, const char *name, size_t *len);
    void *header_ctx;
    json_t *headers;  /* every request header, lower-case names → string values (for checks that send the
                       * context on, as Portkey's log does), or NULL; Authorization and keys already removed */
    const char *provider; /* Portkey's `provider` in a webhook context, e.g. "openai" */
    int stream;           /* the request asked for a stream */
    int status;           /* response phase: the upstream status; 0 in the request phase */
    rg_check_io_t *io;    /* network I/O for async checks; NULL: none available (such checks error) */
    int request_transformed; /* response phase: before hooks replaced the request (webhook's request.isTransformed) */
} rg_check_env_t;

#define RG_CHECK_ERROR_MAX 256

typedef struct rg_check_result {
    int verdict;                   /* 1 = pass */
    json_t *data;                  /* owned (one reference); NULL serialises as null. Read-only once run()
                                    * returns: checks may share constant parts of it between results (built at
                                    * compile, json_incref'd), so the host only serialises and frees it. */
    char *data_json;               /* or data already written as one compact JSON value (malloc'd, owned,
                                    * data_json_len bytes, no NUL needed), which the host writes as it is: for
                                    * checks that return many findings (entity_check.c), where a tree per
                                    * finding costs more than the check. At most one of data and data_json. */
    size_t data_json_len;
    int data_json_shared;          /* data_json is a constant of the compiled check, lent (not freed): the data
                                    * of a run that found nothing */
    char error[RG_CHECK_ERROR_MAX]; /* "" = no error; else the message */
    const char *error_name;        /* e.g. "Error" (the default); "" leaves `name` out, as some Portkey checks do */
    /* transforms (all optional, owned): */
    char **parts;                  /* per text part: replacement (malloc'd) or NULL; array of text->n */
    size_t *part_lens;
    json_t *request_json;          /* a whole replacement request body */
    json_t *response_json;         /* a whole replacement response body */
    int transformed;               /* something was changed */
    int credentials;               /* credentials were found in the text: the request's record masks them
                                    * (api/record_mask.c), whatever the verdict or action */
} rg_check_result_t;

/* ---- network I/O for async checks ---------------------------------------- */

typedef struct rg_http_call {
    const char *method;        /* "POST", "GET", "HEAD" */
    const char *url;
    const char *const *headers; /* "Name: value" strings, NULL-terminated; may be NULL */
    const char *body;          /* copied by the host before http() returns */
    size_t body_len;
    uint32_t timeout_ms;       /* whole call, connect included; the host caps it */
    size_t max_reply;          /* bytes of reply body kept; more is an error */
    int follow_redirects;      /* follow up to 20 redirects, http(s) only, as fetch() does */
} rg_http_call_t;

typedef struct rg_http_reply {
    int ok;                    /* the call completed (any HTTP status) */
    int timed_out;
    long status;
    const char *content_type;  /* or NULL */
    const char *body;          /* NUL-terminated; valid only during the callback */
    size_t len;
    const char *error;         /* when !ok: what went wrong */
} rg_http_reply_t;

/* Both hosts (guard/io_blocking.c, api/check_io.c) cap timeout_ms at this. */
#define RG_CHECK_IO_MAX_TIMEOUT_MS 60000u

typedef void (*rg_http_cb)(void *arg, const rg_http_reply_t *reply);
typedef void (*rg_resolve_cb)(void *arg, int found, const char *error);

struct rg_check_io {
    /* Starts an HTTP call; cb runs exactly once (maybe before http() returns) unless cancelled.
     * Returns a handle for cancel, or NULL when cb already ran. */
    void *(*http)(rg_check_io_t *io, const rg_http_call_t *call, rg_http_cb cb, void *arg);
    /* Resolves a host name (A/AAAA); cb as for http. */
    void *(*resolve)(rg_check_io_t *io, const char *host, uint32_t timeout_ms, rg_resolve_cb cb, void *arg);
    /* Cancels a pending call or resolution: its cb never runs. */
    void (*cancel)(rg_check_io_t *io, void *handle);
    void *ctx;
};

typedef struct rg_check_ops {
    const char *id; /* "default.regexMatch" */
    /* NULL with a message in err (no trailing period) when the parameters are unusable. */
    void *(*compile)(json_t *params, char *err, size_t errsz);
    void (*run)(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res);
    void (*free)(void *compiled);
    /* Optional. For request-supplied hooks whose parameters did not compile: fills the result Portkey gives
     * at run time (its `data`, verdict, error) from the raw parameters and compile's message. Without it the
     * result is the error with data null and verdict false. */
    void (*invalid)(json_t *params, const char *message, const rg_check_env_t *env, rg_check_result_t *res);
    /* Async checks (run == NULL): env and res stay valid until done or abort. Returns the pending state for
     * abort, or NULL when done already ran. */
    void *(*start)(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *arg),
                   void *arg);
    void (*abort)(void *pending);
    /* Optional, for answers checked while they stream (api/stream_guard.c). After the check passed on `text`
     * (the answer so far), how many bytes at its end must not go out yet: a match that would fail the check
     * may have begun there and complete with text still to come. Pure, like run. NULL: the host's default
     * (64 bytes); the host holds at least that whatever this returns. */
    size_t (*pending)(const void *compiled, const char *text, size_t len);
} rg_check_ops_t;

/*
 * Set (per thread) by the host while it compiles hooks that a request supplied (x-portkey-config). Checks whose
 * parameters could make the gateway read local files (a `model` path) or spend seconds compiling (term lists of
 * thousands) refuse those parameters then: a client must not be able to probe the gateway's file system or burn
 * its CPU through a header. Operator-configured hooks (YAML) are compiled without it.
 */
void rg_check_set_untrusted(int on);
int rg_check_untrusted(void);
#define RG_CHECK_UNTRUSTED_TERMS_MAX 1000 /* list entries a request-supplied check may carry */

/*
 * A check's data written as JSON text (data_json) rather than built as a tree: the host copies the bytes into
 * hook_results as they are, where a tree is walked, written and freed (for the detectors that run on every request,
 * the tree cost about as much as writing all of hook_results). rg_check_data_jw takes what w holds (w is left
 * empty; out of memory: data stays null); rg_check_data_lend lends a constant of the compiled check (the data
 * of a run that found nothing), never freed with the result.
 */
void rg_check_data_jw(rg_check_result_t *res, rg_jw_t *w);
void rg_check_data_lend(rg_check_result_t *res, const char *json, size_t len);

/* Sets the error (printf-style) and verdict = 0. */
void rg_check_fail(rg_check_result_t *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees everything a result owns and zeroes it. */
void rg_check_result_clear(rg_check_result_t *res, size_t n_parts);
/* Portkey's data.textExcerpt: the text cut to 100 characters plus "..." when longer. */
json_t *rg_check_excerpt(const char *text, size_t len);
/* The same string written into w; -1 (nothing written) where rg_check_excerpt gives NULL for text that is not
 * UTF-8, whose key a tree leaves out. */
int rg_check_jw_excerpt(rg_jw_t *w, const char *text, size_t len);

/* The registry (checks/registry.c). */
const rg_check_ops_t *rg_check_find(const char *id);
extern const rg_check_ops_t *const rg_check_registry[]; /* NULL-terminated */

#endif
