/*
 * request.h — parsing and checking an OpenAI request body, with no server
 * around it (so unit tests and the fuzzer call it directly).
 */
#ifndef RG_REQUEST_H
#define RG_REQUEST_H

#include "api/route.h"
#include "core/errors.h"

#include <jansson.h>
#include <stddef.h>

typedef struct rg_request_info {
    json_t *body;       /* owned by the caller on success */
    const char *model;  /* points into body */
    size_t model_len;
    int stream;
    char message[256];  /* on error: what is wrong */
    const char *param;  /* on error: the offending field, or NULL */
} rg_request_info_t;

/*
 * Parses `len` bytes as the body of `route` (chat, completions, embeddings).
 * Returns RG_OK and fills info, or an error (RG_E_INVALID_JSON,
 * RG_E_INVALID_REQUEST, RG_E_BODY_TOO_LARGE) with info->message set.
 */
rg_error_t rg_request_parse(rg_route_t route, const char *data, size_t len, size_t max_len, rg_request_info_t *info);

#endif
