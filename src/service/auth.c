/*
 * auth.c — the guardrail service's tokens: Authorization holding one of
 * railgate_settings.guardrail_service.tokens, AKTO_API_TOKEN's or the master
 * key, raw (as LiteLLM and Akto's hook send it) or as "Bearer <token>" (as
 * Portkey's plugin sends it). Compared in constant time over the token's
 * length. No token configured at all: open, as Akto's service is without
 * auth configured (a warning is logged at startup).
 */
#include "config/guardrail_service.h"
#include "service/service_int.h"

#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>

static int same(const char *tok, size_t len, const char *want)
{
    size_t n = strlen(want);
    return len == n && CRYPTO_memcmp(tok, want, n) == 0;
}

int svc_authorized(rg_exchange_t *ex)
{
    const rg_config_t *cfg = ex->cfg;
    const rg_svc_config_t *s = cfg->svc;
    size_t n_tokens = s ? s->n_tokens : 0;
    if (n_tokens == 0 && cfg->master_key == NULL)
        return 1;
    ssize_t i = h2o_find_header(&ex->req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i < 0)
        return 0;
    h2o_iovec_t v = ex->req->headers.entries[i].value;
    const char *t = v.base;
    size_t len = v.len;
    while (len && (*t == ' ' || *t == '\t'))
        t++, len--;
    while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
        len--;
    const char *bt = t;
    size_t blen = 0;
    if (len > 7 && strncasecmp(t, "Bearer ", 7) == 0) {
        bt = t + 7;
        blen = len - 7;
        while (blen && *bt == ' ')
            bt++, blen--;
    }
    int ok = 0; /* every token is compared, whichever matches */
    for (size_t k = 0; k < n_tokens; k++)
        ok |= same(t, len, s->tokens[k]) | (blen ? same(bt, blen, s->tokens[k]) : 0);
    if (cfg->master_key)
        ok |= same(t, len, cfg->master_key) | (blen ? same(bt, blen, cfg->master_key) : 0);
    return ok;
}
