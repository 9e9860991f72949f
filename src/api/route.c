#include "api/route.h"

#include <string.h>

const char *const rg_route_label[RG_ROUTE__COUNT] = {
#define X(id, label, path) [RG_ROUTE_##id] = label,
    RG_ROUTES(X)
#undef X
};

static const char *const route_path[RG_ROUTE__COUNT] = {
#define X(id, label, path) [RG_ROUTE_##id] = path,
    RG_ROUTES(X)
#undef X
};

rg_route_t rg_route_match(const char *path, size_t len)
{
    const char *q = memchr(path, '?', len);
    if (q)
        len = (size_t)(q - path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    int v1 = len >= 3 && memcmp(path, "/v1", 3) == 0 && (len == 3 || path[3] == '/');
    const char *p = v1 ? path + 3 : path;
    size_t n = v1 ? len - 3 : len;
    for (int r = 0; r < RG_ROUTE_OTHER; r++) {
        size_t rl = strlen(route_path[r]);
        if (n == rl && memcmp(p, route_path[r], rl) == 0) {
            /* health and metrics are not under /v1 */
            if (v1 && (r == RG_ROUTE_HEALTH || r == RG_ROUTE_READINESS || r == RG_ROUTE_METRICS))
                return RG_ROUTE_OTHER;
            return (rg_route_t)r;
        }
    }
    return RG_ROUTE_OTHER;
}
