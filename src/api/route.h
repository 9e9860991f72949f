/* route.h — the routes Railgate serves; one table feeds routing, metrics labels and records. */
#ifndef RG_ROUTE_H
#define RG_ROUTE_H

#include <stddef.h>

#define RG_ROUTES(X)                                                                \
    X(CHAT, "chat_completions", "/chat/completions")                                \
    X(COMPLETIONS, "completions", "/completions")                                   \
    X(EMBEDDINGS, "embeddings", "/embeddings")                                      \
    X(MODELS, "models", "/models")                                                  \
    X(HEALTH, "health", "/health")                                                  \
    X(READINESS, "readiness", "/health/readiness")                                  \
    X(METRICS, "metrics", "/metrics")                                               \
    X(KEY_GENERATE, "key_generate", "/key/generate")                                \
    X(KEY_INFO, "key_info", "/key/info")                                            \
    X(KEY_DELETE, "key_delete", "/key/delete")                                      \
    X(KEY_LIST, "key_list", "/key/list")                                            \
    X(AKTO_HTTP_PROXY, "akto_http_proxy", "/api/http-proxy")                        \
    X(AKTO_VALIDATE_REQUEST, "akto_validate_request", "/api/validate/request")      \
    X(AKTO_VALIDATE_RESPONSE, "akto_validate_response", "/api/validate/response")   \
    X(PORTKEY_WEBHOOK, "portkey_webhook", "/api/portkey/webhook")                   \
    X(OTHER, "other", "")                                                           \
    X(PROXY, "proxy", "")

typedef enum rg_route {
#define X(id, label, path) RG_ROUTE_##id,
    RG_ROUTES(X)
#undef X
        RG_ROUTE__COUNT
} rg_route_t;

extern const char *const rg_route_label[RG_ROUTE__COUNT];

/* PROXY (agent-proxy mode, agent/agent.h) comes after OTHER: it is never matched by path. */
/* Maps a path (with or without the /v1 prefix, query ignored) to a route. */
rg_route_t rg_route_match(const char *path, size_t len);

#endif
