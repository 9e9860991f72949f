/*
 * errors.h — the one table of Railgate's named errors.
 *
 * Each error has a name (also its OpenAI `code`, its metric label and the
 * word in the log line), an HTTP status, an OpenAI error `type` and a default
 * message. Add errors here and nowhere else.
 */
#ifndef RG_ERRORS_H
#define RG_ERRORS_H

#include <stddef.h>

#define RG_ERRORS(X)                                                                                                    \
    X(INVALID_JSON, 400, "invalid_request_error", "invalid_json", "request body is not valid JSON")                     \
    X(INVALID_REQUEST, 400, "invalid_request_error", "invalid_request", "request is missing a required field")          \
    X(MISSING_KEY, 401, "authentication_error", "missing_api_key", "missing API key: send Authorization: Bearer <key>") \
    X(INVALID_KEY, 401, "authentication_error", "invalid_api_key", "invalid API key")                                   \
    X(MODEL_NOT_FOUND, 404, "invalid_request_error", "model_not_found", "model not found")                              \
    X(ROUTE_NOT_FOUND, 404, "invalid_request_error", "not_found", "no such route")                                      \
    X(METHOD_NOT_ALLOWED, 405, "invalid_request_error", "method_not_allowed", "method not allowed")                      \
    X(INVALID_CONFIG, 400, "invalid_request_error", "invalid_config", "the request's guardrail config is not usable")  \
    X(HOOK_DENIED, 446, "hooks_failed", "hooks_failed", "a guardrail hook denied the request")                          \
    X(GUARDRAIL_BLOCKED, 403, "guardrail_violation", "guardrail_blocked", "blocked by a guardrail")                     \
    X(GUARDRAIL_UNREACHABLE, 503, "guardrail_unavailable", "guardrail_unreachable", "a guardrail could not answer")    \
    X(BODY_TOO_LARGE, 413, "invalid_request_error", "request_too_large", "request body exceeds the limit")              \
    X(UPSTREAM_UNREACHABLE, 502, "upstream_error", "upstream_unreachable", "upstream could not be reached")             \
    X(UPSTREAM_BAD_RESPONSE, 502, "upstream_error", "upstream_bad_response", "upstream returned an invalid response")   \
    X(UPSTREAM_TOO_LARGE, 502, "upstream_error", "upstream_response_too_large", "upstream response exceeds the limit")  \
    X(UPSTREAM_TIMEOUT, 504, "upstream_error", "upstream_timeout", "upstream did not answer in time")                   \
    X(SHUTTING_DOWN, 503, "service_unavailable", "shutting_down", "server is shutting down")                            \
    X(INTERNAL, 500, "internal_error", "internal_error", "internal error")                                              \
    X(KEY_EXPIRED, 401, "authentication_error", "expired_key", "Authentication Error - Expired Key")                    \
    X(KEY_MODEL_DENIED, 401, "key_model_access_denied", "key_model_access_denied", "key not allowed to access model")  \
    X(KEY_NOT_FOUND, 404, "not_found_error", "key_not_found", "Key not found in database")                             \
    X(KEYS_DISABLED, 400, "invalid_request_error", "key_management_disabled",                                          \
      "key management needs general_settings.master_key: set it to generate and use virtual keys")

typedef enum rg_error {
    RG_OK = 0,
#define X(name, status, type, code, msg) RG_E_##name,
    RG_ERRORS(X)
#undef X
        RG_E__COUNT
} rg_error_t;

typedef struct rg_error_info {
    int status;
    const char *type;
    const char *code;
    const char *message;
} rg_error_info_t;

extern const rg_error_info_t rg_error_table[RG_E__COUNT];

/*
 * Writes {"error":{"message","type","param","code"}} into out (NUL-terminated,
 * truncated to outsz). message NULL → the table's default; param may be NULL.
 * Returns the length written.
 */
size_t rg_error_format(char *out, size_t outsz, rg_error_t e, const char *message, const char *param);

#endif
