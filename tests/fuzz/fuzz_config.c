/*
 * fuzz_config.c — the YAML configuration loader.
 *
 * The input is a whole config file. rg_config_parse must either return a
 * generation and report no problem, or return NULL and report at least one;
 * every problem is a "fuzz.yaml:..." string. A generation that loads must be
 * internally consistent (every model named, resolvable and with the fields
 * the proxy dereferences without checking; every guardrail and default hook
 * compiled, with every check found and its parameters compiled; model
 * guardrail indices in range). Memory errors, leaks and UB are the
 * sanitizers' job.
 */
#include "config/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup_env(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    /* Known names for os.environ/ references in the seeds; anything else is unset. */
    setenv("RG_FUZZ_KEY", "sk-fuzz-0123456789", 1);
    setenv("RG_FUZZ_BASE", "http://127.0.0.1:9/v1/", 1);
    setenv("RG_FUZZ_PORT", "4242", 1);
    setenv("RG_FUZZ_EMPTY", "", 1);
    setenv("RG_FUZZ_SIZE", "2mb", 1);
    setenv("RG_FUZZ_NL", "a\nb", 1);
    unsetenv("LOG_LEVEL"); /* the result must not depend on the caller's environment */
}

/* Operator hooks load only when every check exists and compiled (strict). */
static void check_hooks(const rg_hook_list_t *l)
{
    if (l->n && l->hooks == NULL)
        abort();
    for (size_t i = 0; i < l->n; i++) {
        const rg_hook_t *h = &l->hooks[i];
        if (h->type == RG_HOOK_UNTYPED || (h->n_checks && h->checks == NULL))
            abort();
        for (size_t k = 0; k < h->n_checks; k++)
            if (h->checks[k].id == NULL || h->checks[k].ops == NULL || h->checks[k].compiled == NULL)
                abort();
    }
}

static void check_guardrails(const rg_config_t *c)
{
    if (c->n_guardrails && c->guardrails == NULL)
        abort();
    for (size_t i = 0; i < c->n_guardrails; i++) {
        const rg_guardrail_t *g = &c->guardrails[i];
        if (g->name == NULL || g->name[0] == '\0' || g->kind == NULL)
            abort();
        if (rg_config_find_guardrail(c, g->name, strlen(g->name)) != g)
            abort(); /* names are unique */
        if (g->modes == 0 || (g->modes & ~15u) != 0 || g->block_status < 400 || g->block_status > 599)
            abort();
        if (g->stream_mode != RG_STREAM_INCREMENTAL && g->stream_mode != RG_STREAM_BUFFER &&
            g->stream_mode != RG_STREAM_LOG)
            abort();
        if (g->remote && (g->api_base == NULL || g->timeout_ms == 0))
            abort();
        if (g->hooks.n != 1 || g->hooks.hooks[0].n_checks == 0 || g->hooks.hooks[0].n_checks > RG_GR_MAX_CHECKS ||
            strcmp(g->hooks.hooks[0].id, g->name) != 0 || !g->hooks.hooks[0].deny)
            abort();
        check_hooks(&g->hooks);
    }
    check_hooks(&c->default_before);
    check_hooks(&c->default_after);
    if (c->request_hooks_off != 0 && c->request_hooks_off != 1)
        abort();
}

static void check_config(const rg_config_t *c)
{
    if (c->n_models == 0 || c->models == NULL || c->host == NULL || c->database_path == NULL || c->source == NULL)
        abort();
    if (c->max_request_body == 0 || c->max_response_buffered == 0)
        abort();
    if (c->port < 0 || c->port > 65535 || c->log_level < 0 || c->log_level > 3)
        abort();
    if (!!c->tls_cert_file != !!c->tls_key_file)
        abort();
    check_guardrails(c);
    for (size_t i = 0; i < c->n_models; i++) {
        const rg_model_t *m = &c->models[i];
        if (m->name == NULL || m->name[0] == '\0' || m->upstream_model == NULL || m->provider_name == NULL)
            abort();
        if (m->provider == RG_PROVIDER_OPENAI && (m->api_base == NULL || m->upstream_model[0] == '\0'))
            abort();
        if (m->mock_chunks < 1 || m->mock_chunks > 1000)
            abort();
        if (m->n_extra_headers && m->extra_headers == NULL)
            abort();
        for (size_t h = 0; h < m->n_extra_headers; h++)
            if (m->extra_headers[h].name == NULL || m->extra_headers[h].value == NULL)
                abort();
        if (rg_config_find_model(c, m->name, strlen(m->name)) != m)
            abort(); /* names are unique, so the lookup finds this very entry */
        if (m->n_guardrails && m->guardrails == NULL)
            abort();
        for (size_t k = 0; k < m->n_guardrails; k++)
            if (m->guardrails[k] >= c->n_guardrails)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_env();
    rg_errors_t errs = {0};
    rg_config_t *c = rg_config_parse("fuzz.yaml", (const char *)data, size, NULL, &errs);
    if (c != NULL) {
        if (errs.n != 0)
            abort(); /* a generation is returned only when nothing was wrong */
        check_config(c);
        rg_config_unref(c);
    } else {
        if (errs.n == 0)
            abort(); /* a rejected file must say why */
    }
    for (size_t i = 0; i < errs.n; i++)
        if (errs.items[i] == NULL || strncmp(errs.items[i], "fuzz.yaml", 9) != 0)
            abort();
    rg_errors_free(&errs);
    return 0;
}
