#include "ingest/record.h"

#include <stdlib.h>
#include <string.h>

rg_record_t *rg_record_new(const rg_record_t *head, const rg_record_src_t src[RG_REC__STRINGS])
{
    size_t total = sizeof(rg_record_t);
    for (int i = 0; i < RG_REC__STRINGS; i++)
        if (src[i].s)
            total += src[i].len + 1;
    rg_record_t *r = malloc(total);
    if (r == NULL)
        return NULL;
    *r = *head;
    char *p = (char *)(r + 1);
    const char **dst[RG_REC__STRINGS] = {
        [RG_REC_METHOD] = &r->method,         [RG_REC_ROUTE] = &r->route,
        [RG_REC_PATH] = &r->path,             [RG_REC_MODEL] = &r->model,
        [RG_REC_UPSTREAM] = &r->upstream,     [RG_REC_CLIENT_IP] = &r->client_ip,
        [RG_REC_ERROR] = &r->error,           [RG_REC_REQUEST_BODY] = &r->request_body,
        [RG_REC_RESPONSE_BODY] = &r->response_body, [RG_REC_COLLECTION] = &r->collection,
        [RG_REC_KEY_ALIAS] = &r->key_alias,   [RG_REC_TEAM_ALIAS] = &r->team_alias,
        [RG_REC_VERDICTS] = &r->verdicts,
    };
    for (int i = 0; i < RG_REC__STRINGS; i++) {
        if (src[i].s == NULL) {
            *dst[i] = NULL;
            continue;
        }
        memcpy(p, src[i].s, src[i].len);
        p[src[i].len] = '\0';
        *dst[i] = p;
        p += src[i].len + 1;
    }
    return r;
}

void rg_record_free(rg_record_t *r)
{
    free(r);
}
