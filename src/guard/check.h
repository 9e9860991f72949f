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
 * (Checks that do network I/O — webhook, log, validUrls, jwt — get an async
 * variant in a later change.)
 *
 * Portkey semantics are the reference: ../shared/reference/portkey-1.15.2.md.
 */
#ifndef RG_GUARD_CHECK_H
#define RG_GUARD_CHECK_H

#include "guard/text.h"

#include <jansson.h>
#include <stddef.h>

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
} rg_check_env_t;

#define RG_CHECK_ERROR_MAX 256

typedef struct rg_check_result {
    int verdict;                   /* 1 = pass */
    json_t *data;                  /* owned; NULL serialises as null */
    char error[RG_CHECK_ERROR_MAX]; /* "" = no error; else the message */
    const char *error_name;        /* e.g. "Error" (the default); "" leaves `name` out, as some Portkey checks do */
    /* transforms (all optional, owned): */
    char **parts;                  /* per text part: replacement (malloc'd) or NULL; array of text->n */
    size_t *part_lens;
    json_t *request_json;          /* a whole replacement request body */
    json_t *response_json;         /* a whole replacement response body */
    int transformed;               /* something was changed */
} rg_check_result_t;

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
} rg_check_ops_t;

/* Sets the error (printf-style) and verdict = 0. */
void rg_check_fail(rg_check_result_t *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees everything a result owns and zeroes it. */
void rg_check_result_clear(rg_check_result_t *res, size_t n_parts);
/* Portkey's data.textExcerpt: the text cut to 100 characters plus "..." when longer. */
json_t *rg_check_excerpt(const char *text, size_t len);

/* The registry (checks/registry.c). */
const rg_check_ops_t *rg_check_find(const char *id);
extern const rg_check_ops_t *const rg_check_registry[]; /* NULL-terminated */

#endif
