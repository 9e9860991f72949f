#include "config/config.h"

#include "config/walk.h"
#include "agent/agent_cfg.h"
#include "core/log.h"
#include "core/version.h"

#include <curl/curl.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- errors list ---------------------------------------------------- */

void rg_errors_add(rg_errors_t *e, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    char **items = realloc(e->items, (e->n + 1) * sizeof(*items));
    if (items == NULL)
        return;
    e->items = items;
    e->items[e->n] = strdup(tmp);
    if (e->items[e->n] != NULL)
        e->n++;
}

void rg_errors_free(rg_errors_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->items[i]);
    free(e->items);
    e->items = NULL;
    e->n = 0;
}

static void config_free(rg_config_t *c)
{
    rg_cfg_guardrails_free(c);
    for (size_t i = 0; i < c->n_models; i++) {
        curl_slist_free_all(c->models[i].up_headers[0]);
        curl_slist_free_all(c->models[i].up_headers[1]);
    }
    for (size_t i = 0; i < c->n_allocs; i++)
        free(c->allocs[i]);
    free(c->allocs);
    free(c);
}

void rg_config_unref(rg_config_t *c)
{
    if (c != NULL && atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
        config_free(c);
}

const rg_model_t *rg_config_find_model(const rg_config_t *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->n_models; i++)
        if (strlen(c->models[i].name) == len && memcmp(c->models[i].name, name, len) == 0)
            return &c->models[i];
    return NULL;
}

/* ---- sections -------------------------------------------------------- */

static void extra_header_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_model_t *m = arg;
    (void)k;
    char *val = rg_cfg_string(w, v, "extra_headers value");
    if (val == NULL)
        return;
    for (const char *p = key; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            rg_cfg_bad(w, k, "extra_headers: '%s' is not a valid header name", key);
            return;
        }
    if (!strcasecmp(key, "host") || !strcasecmp(key, "content-length") || !strcasecmp(key, "transfer-encoding")) {
        rg_cfg_bad(w, k, "extra_headers: '%s' is set by Railgate and cannot be overridden", key);
        return;
    }
    m->extra_headers[m->n_extra_headers].name = rg_cfg_strdup(w->cfg, key);
    m->extra_headers[m->n_extra_headers].value = val;
    m->n_extra_headers++;
}

static void params_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_model_t *m = arg;
    char what[160];
    snprintf(what, sizeof(what), "model '%s' litellm_params.%s", m->name ? m->name : "?", key);
    if (!strcmp(key, "model")) {
        const char *s = rg_cfg_scalar(w, v, what);
        if (s == NULL)
            return;
        const char *slash = strchr(s, '/');
        size_t plen = slash ? (size_t)(slash - s) : strlen(s);
        char prov[32];
        if (plen >= sizeof(prov)) {
            rg_cfg_bad(w, v, "%s: unknown provider in '%s'", what, s);
            return;
        }
        memcpy(prov, s, plen);
        prov[plen] = '\0';
        if (!strcmp(prov, "openai") || !strcmp(prov, "hosted_vllm") || !strcmp(prov, "openai_like"))
            m->provider = RG_PROVIDER_OPENAI;
        else if (!strcmp(prov, "mock"))
            m->provider = RG_PROVIDER_MOCK;
        else {
            rg_cfg_bad(w, v, "%s: unknown provider '%s' (supported: openai/<model>, hosted_vllm/<model>, mock/<name>)",
                       what, prov);
            return;
        }
        if (m->provider == RG_PROVIDER_OPENAI && (slash == NULL || slash[1] == '\0')) {
            rg_cfg_bad(w, v, "%s: expected '%s/<upstream-model>'", what, prov);
            return;
        }
        m->provider_name = rg_cfg_strdup(w->cfg, prov);
        m->upstream_model = rg_cfg_strdup(w->cfg, slash ? slash + 1 : s);
    } else if (!strcmp(key, "api_base")) {
        char *b = rg_cfg_string(w, v, what);
        if (b == NULL)
            return;
        const char *host = !strncmp(b, "http://", 7) ? b + 7 : !strncmp(b, "https://", 8) ? b + 8 : NULL;
        if (host == NULL || *host == '\0' || *host == '/' || *host == ':' || strpbrk(host, " \t\r\n")) {
            rg_cfg_bad(w, v, "%s: expected an http:// or https:// URL with a host, got '%s'", what, b);
            return;
        }
        size_t n = strlen(b);
        while (n > 0 && b[n - 1] == '/')
            b[--n] = '\0';
        m->api_base = b;
    } else if (!strcmp(key, "api_key")) {
        m->api_key = rg_cfg_string(w, v, what);
    } else if (!strcmp(key, "timeout")) {
        rg_cfg_duration_ms(w, v, what, &m->timeout_ms);
    } else if (!strcmp(key, "extra_headers")) {
        if (v->type != YAML_MAPPING_NODE) {
            rg_cfg_bad(w, v, "%s: expected a mapping of header: value", what);
            return;
        }
        size_t n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
        m->extra_headers = rg_cfg_own(w->cfg, calloc(n ? n : 1, sizeof(rg_kv_t)));
        if (m->extra_headers)
            rg_cfg_each_pair(w, v, what, extra_header_pair, m);
    } else if (!strcmp(key, "mock_response")) {
        m->mock_response = rg_cfg_string(w, v, what);
    } else if (!strcmp(key, "mock_delay")) {
        rg_cfg_duration_ms(w, v, what, &m->mock_delay_ms);
    } else if (!strcmp(key, "mock_chunk_delay")) {
        rg_cfg_duration_ms(w, v, what, &m->mock_chunk_delay_ms);
    } else if (!strcmp(key, "mock_chunks")) {
        int x;
        if (rg_cfg_int(w, v, what, 1, 1000, &x) == 0)
            m->mock_chunks = (uint32_t)x;
    } else if (!strcmp(key, "guardrails")) {
        rg_cfg_model_guardrails(w, v, m);
    } else {
        rg_cfg_bad(w, k, "model '%s': unknown key '%s' in litellm_params (known: model, api_base, api_key, timeout, "
                  "extra_headers, mock_response, mock_delay, mock_chunk_delay, mock_chunks, guardrails)",
            m->name ? m->name : "?", key);
    }
}

static void model_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_model_t *m = arg;
    if (!strcmp(key, "model_name")) {
        m->name = rg_cfg_string(w, v, "model_name");
    } else if (!strcmp(key, "litellm_params")) {
        /* handled after model_name is known, see model_entry() */
    } else if (!strcmp(key, "model_info")) {
        /* LiteLLM's free-form metadata: accepted and not interpreted */
        if (v->type != YAML_MAPPING_NODE && !rg_cfg_is_null(v))
            rg_cfg_bad(w, v, "model_info: expected a mapping");
    } else {
        rg_cfg_bad(w, k, "model_list entry: unknown key '%s' (known: model_name, litellm_params, model_info)", key);
    }
}

static void model_entry(rg_walk_t *w, yaml_node_t *entry, rg_model_t *m, size_t idx)
{
    char what[64];
    snprintf(what, sizeof(what), "model_list[%zu]", idx);
    memset(m, 0, sizeof(*m)); /* the slot may hold a rejected earlier entry */
    m->provider = RG_PROVIDER_OPENAI;
    if (rg_cfg_is_null(entry)) {
        rg_cfg_bad(w, entry, "%s: empty entry (expected model_name and litellm_params)", what);
        return;
    }
    if (rg_cfg_each_pair(w, entry, what, model_pair, m) != 0)
        return;
    if (m->name == NULL || !*m->name) {
        rg_cfg_bad(w, entry, "%s: model_name is required", what);
        return;
    }
    yaml_node_t *params = NULL;
    for (yaml_node_pair_t *p = entry->data.mapping.pairs.start; p < entry->data.mapping.pairs.top; p++) {
        yaml_node_t *k = rg_cfg_node(w, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, "litellm_params"))
            params = rg_cfg_node(w, p->value);
    }
    if (params == NULL) {
        rg_cfg_bad(w, entry, "model '%s': litellm_params is required", m->name);
        return;
    }
    size_t before = w->errs->n;
    if (rg_cfg_is_null(params)) {
        rg_cfg_bad(w, params, "model '%s': litellm_params is empty (it needs at least model: provider/name)", m->name);
        return;
    }
    if (rg_cfg_each_pair(w, params, "litellm_params", params_pair, m) != 0)
        return;
    if (m->upstream_model == NULL) {
        if (w->errs->n == before)
            rg_cfg_bad(w, params, "model '%s': litellm_params.model is required (e.g. openai/gpt-4o-mini or mock/echo)",
                m->name);
        return;
    }
    if (m->provider == RG_PROVIDER_OPENAI && m->api_base == NULL)
        m->api_base = rg_cfg_strdup(w->cfg, "https://api.openai.com/v1");
    if (m->mock_chunks == 0)
        m->mock_chunks = 4;
}

/* The headers every upstream request of this model carries; NULL list on OOM is reported by the caller. */
static int build_headers(rg_model_t *m)
{
    char line[4096];
    for (int stream = 0; stream < 2; stream++) {
        struct curl_slist *h = NULL, *n;
#define ADD(str)                                                                                                        \
    do {                                                                                                                \
        if ((n = curl_slist_append(h, (str))) == NULL)                                                                  \
            goto oom;                                                                                                   \
        h = n;                                                                                                          \
    } while (0)
        ADD("Content-Type: application/json");
        ADD("Expect:"); /* no 100-continue round trip for large bodies */
        ADD("User-Agent: railgate/" RG_VERSION);
        if (stream)
            ADD("Accept: text/event-stream");
        if (m->api_key) {
            snprintf(line, sizeof(line), "Authorization: Bearer %s", m->api_key);
            ADD(line);
        }
        for (size_t i = 0; i < m->n_extra_headers; i++) {
            snprintf(line, sizeof(line), "%s: %s", m->extra_headers[i].name, m->extra_headers[i].value);
            ADD(line);
        }
#undef ADD
        m->up_headers[stream] = h;
        continue;
    oom:
        curl_slist_free_all(h);
        return -1;
    }
    return 0;
}

static void general_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    if (!strcmp(key, "master_key")) {
        w->cfg->master_key = rg_cfg_string(w, v, "general_settings.master_key");
        if (w->cfg->master_key && !*w->cfg->master_key)
            rg_cfg_bad(w, v, "general_settings.master_key: must not be empty (omit it to disable auth)");
    } else if (!strcmp(key, "database_path")) {
        w->cfg->database_path = rg_cfg_string(w, v, "general_settings.database_path");
    } else {
        rg_cfg_bad(w, k, "general_settings: unknown key '%s' (known: master_key, database_path)", key);
    }
}

static void tls_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    if (!strcmp(key, "cert_file"))
        w->cfg->tls_cert_file = rg_cfg_string(w, v, "railgate_settings.tls.cert_file");
    else if (!strcmp(key, "key_file"))
        w->cfg->tls_key_file = rg_cfg_string(w, v, "railgate_settings.tls.key_file");
    else
        rg_cfg_bad(w, k, "railgate_settings.tls: unknown key '%s' (known: cert_file, key_file)", key);
}

static void settings_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    rg_config_t *c = w->cfg;
    char what[96];
    snprintf(what, sizeof(what), "railgate_settings.%s", key);
    if (!strcmp(key, "host"))
        c->host = rg_cfg_string(w, v, what);
    else if (!strcmp(key, "port"))
        rg_cfg_int(w, v, what, 0, 65535, &c->port);
    else if (!strcmp(key, "workers"))
        rg_cfg_int(w, v, what, 0, 256, &c->workers);
    else if (!strcmp(key, "log_level")) {
        const char *s = rg_cfg_scalar(w, v, what);
        if (s && (c->log_level = rg_log_parse_level(s)) < 0)
            rg_cfg_bad(w, v, "%s: expected debug, info, warn or error, got '%s'", what, s);
    } else if (!strcmp(key, "max_request_body"))
        rg_cfg_size(w, v, what, &c->max_request_body);
    else if (!strcmp(key, "max_response_buffered"))
        rg_cfg_size(w, v, what, &c->max_response_buffered);
    else if (!strcmp(key, "record_body_max"))
        rg_cfg_size(w, v, what, &c->record_body_max);
    else if (!strcmp(key, "record_queue")) {
        int x;
        if (rg_cfg_int(w, v, what, 16, 1 << 22, &x) == 0)
            c->ring_size = (size_t)x;
    } else if (!strcmp(key, "header_timeout"))
        rg_cfg_duration_ms(w, v, what, &c->header_timeout_ms);
    else if (!strcmp(key, "body_timeout"))
        rg_cfg_duration_ms(w, v, what, &c->body_timeout_ms);
    else if (!strcmp(key, "upstream_connect_timeout"))
        rg_cfg_duration_ms(w, v, what, &c->upstream_connect_timeout_ms);
    else if (!strcmp(key, "upstream_read_timeout"))
        rg_cfg_duration_ms(w, v, what, &c->upstream_read_timeout_ms);
    else if (!strcmp(key, "upstream_timeout"))
        rg_cfg_duration_ms(w, v, what, &c->upstream_timeout_ms);
    else if (!strcmp(key, "shutdown_timeout"))
        rg_cfg_duration_ms(w, v, what, &c->shutdown_timeout_ms);
    else if (!strcmp(key, "tls"))
        rg_cfg_each_pair(w, v, what, tls_pair, NULL);
    else if (!strcmp(key, "hooks"))
        rg_cfg_default_hooks(w, v);
    else if (!strcmp(key, "request_hooks"))
        rg_cfg_request_hooks(w, v);
    else if (!strcmp(key, "request_hook_hosts"))
        rg_cfg_request_hook_hosts(w, v);
    else if (!strcmp(key, "guardrail_service"))
        rg_cfg_guardrail_service(w, v);
    else if (!strcmp(key, "agent_proxy"))
        rg_cfg_agent_proxy(w, v);
    else
        rg_cfg_bad(w, k,
            "railgate_settings: unknown key '%s' (known: host, port, workers, log_level, max_request_body, "
            "max_response_buffered, record_body_max, record_queue, header_timeout, body_timeout, "
            "upstream_connect_timeout, upstream_read_timeout, upstream_timeout, shutdown_timeout, tls, hooks, "
            "request_hooks, request_hook_hosts, guardrail_service, agent_proxy)",
            key);
}

static void top_pair(rg_walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    rg_config_t *c = w->cfg;
    if (!strcmp(key, "model_list")) {
        if (rg_cfg_is_null(v))
            return;
        if (v->type != YAML_SEQUENCE_NODE) {
            rg_cfg_bad(w, v, "model_list: expected a list of models");
            return;
        }
        size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        c->models = rg_cfg_own(c, calloc(n ? n : 1, sizeof(rg_model_t)));
        if (c->models == NULL)
            return;
        for (size_t i = 0; i < n; i++) {
            yaml_node_t *e = rg_cfg_node(w, v->data.sequence.items.start[i]);
            rg_model_t *m = &c->models[c->n_models];
            model_entry(w, e, m, i);
            if (m->name == NULL || m->upstream_model == NULL)
                continue;
            int dup = 0;
            for (size_t j = 0; j < c->n_models; j++)
                if (!strcmp(c->models[j].name, m->name))
                    dup = 1;
            if (dup) {
                rg_cfg_bad(w, e, "model_list: model_name '%s' appears twice (load balancing is not supported yet)",
                           m->name);
                continue;
            }
            if (m->provider == RG_PROVIDER_OPENAI && build_headers(m) != 0) {
                rg_cfg_bad(w, e, "model '%s': out of memory", m->name);
                continue;
            }
            c->n_models++;
        }
    } else if (!strcmp(key, "general_settings")) {
        rg_cfg_each_pair(w, v, key, general_pair, NULL);
    } else if (!strcmp(key, "railgate_settings")) {
        rg_cfg_each_pair(w, v, key, settings_pair, NULL);
    } else if (!strcmp(key, "guardrails")) {
        /* parsed before everything else (see rg_config_parse) */
    } else {
        rg_cfg_bad(w, k,
                   "unknown top-level key '%s' (known: model_list, guardrails, general_settings, railgate_settings)",
                   key);
    }
}

static void set_defaults(rg_config_t *c)
{
    c->port = 4000;
    c->workers = 0;
    c->log_level = -2; /* "not set": LOG_LEVEL from the environment, else info */
    c->max_request_body = 4u << 20;
    c->max_response_buffered = 16u << 20;
    c->record_body_max = 64u << 10;
    c->ring_size = 16384;
    c->header_timeout_ms = 10000;
    c->body_timeout_ms = 30000;
    c->upstream_connect_timeout_ms = 10000;
    c->upstream_read_timeout_ms = 300000;
    c->upstream_timeout_ms = 600000;
    c->shutdown_timeout_ms = 10000;
}

static void finish(rg_config_t *c, const rg_overrides_t *ov, rg_errors_t *errs, size_t before)
{
    if (ov) {
        if (ov->host)
            c->host = rg_cfg_strdup(c, ov->host);
        if (ov->port >= 0)
            c->port = ov->port;
        if (ov->workers >= 0)
            c->workers = ov->workers;
        if (ov->db_path)
            c->database_path = rg_cfg_strdup(c, ov->db_path);
    }
    if (c->host == NULL)
        c->host = rg_cfg_strdup(c, "127.0.0.1");
    if (c->database_path == NULL)
        c->database_path = rg_cfg_strdup(c, "./railgate.db");
    if (c->log_level == -2) {
        const char *env = getenv("LOG_LEVEL");
        c->log_level = env ? rg_log_parse_level(env) : RG_LOG_INFO;
        if (c->log_level < 0) {
            rg_errors_add(errs, "%s: LOG_LEVEL='%s' is not one of debug, info, warn, error", c->source, env);
            c->log_level = RG_LOG_INFO;
        }
    }
    if (!!c->tls_cert_file != !!c->tls_key_file)
        rg_errors_add(errs, "%s: railgate_settings.tls needs both cert_file and key_file", c->source);
    if (c->max_request_body == 0 || c->max_response_buffered == 0)
        rg_errors_add(errs, "%s: railgate_settings: body limits must be greater than 0", c->source);
    rg_cfg_guardrail_service_finish(c);
    if (c->n_models == 0 && errs->n == before)
        rg_errors_add(errs, "%s: model_list is empty: at least one model is needed", c->source);
}

rg_config_t *rg_config_parse(const char *source, const char *yaml, size_t len, const rg_overrides_t *ov,
                             rg_errors_t *errs)
{
    rg_config_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    atomic_init(&c->refs, 1);
    static atomic_uint_fast64_t generations;
    c->generation = atomic_fetch_add(&generations, 1) + 1;
    c->source = rg_cfg_strdup(c, source);
    set_defaults(c);
    size_t before = errs->n;

    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rg_errors_add(errs, "%s:%lu: YAML syntax error: %s%s%s", source, (unsigned long)parser.problem_mark.line + 1,
                      parser.problem ? parser.problem : "unknown", parser.context ? " " : "",
                      parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        config_free(c);
        return NULL;
    }
    rg_walk_t w = {source, &doc, errs, c};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL)
        rg_errors_add(errs, "%s:1: the file is empty", source);
    else {
        /* guardrails first, so that models can name them wherever the list is in the file */
        yaml_node_t *gr = rg_cfg_lookup(&w, root, "guardrails");
        if (gr != NULL)
            rg_cfg_guardrails(&w, gr);
        rg_cfg_each_pair(&w, root, "top level", top_pair, NULL);
    }
    /* a second document in the stream is almost certainly a mistake */
    yaml_document_t extra;
    if (root && yaml_parser_load(&parser, &extra)) {
        if (yaml_document_get_root_node(&extra))
            rg_errors_add(errs, "%s: only one YAML document is allowed", source);
        yaml_document_delete(&extra);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);

    finish(c, ov, errs, before);
    if (errs->n > before) {
        config_free(c);
        return NULL;
    }
    return c;
}

#define RG_CONFIG_FILE_MAX (4u << 20)

rg_config_t *rg_config_load(const char *path, const rg_overrides_t *ov, rg_errors_t *errs)
{
    if (path == NULL)
        return rg_config_parse("<default>", rg_default_yaml, strlen(rg_default_yaml), ov, errs);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        rg_errors_add(errs, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *data = malloc(RG_CONFIG_FILE_MAX + 1);
    size_t n = data ? fread(data, 1, RG_CONFIG_FILE_MAX + 1, f) : 0;
    int rerr = ferror(f);
    fclose(f);
    if (data == NULL || rerr || n > RG_CONFIG_FILE_MAX) {
        rg_errors_add(errs, "%s: %s", path, data == NULL ? "out of memory" : rerr ? "read error" : "file is over 4 MiB");
        free(data);
        return NULL;
    }
    rg_config_t *c = rg_config_parse(path, data, n, ov, errs);
    free(data);
    return c;
}
