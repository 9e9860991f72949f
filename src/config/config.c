#include "config/config.h"

#include "core/log.h"
#include "core/version.h"

#include <curl/curl.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

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

/* ---- generation memory ---------------------------------------------- */

static void *own(rg_config_t *c, void *p)
{
    if (p == NULL)
        return NULL;
    if (c->n_allocs == c->cap_allocs) {
        size_t cap = c->cap_allocs ? c->cap_allocs * 2 : 32;
        void **a = realloc(c->allocs, cap * sizeof(*a));
        if (a == NULL) {
            free(p);
            return NULL;
        }
        c->allocs = a;
        c->cap_allocs = cap;
    }
    c->allocs[c->n_allocs++] = p;
    return p;
}

static char *own_strdup(rg_config_t *c, const char *s)
{
    return s ? own(c, strdup(s)) : NULL;
}

static void config_free(rg_config_t *c)
{
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

/* ---- YAML walking --------------------------------------------------- */

typedef struct walk {
    const char *source;
    yaml_document_t *doc;
    rg_errors_t *errs;
    rg_config_t *cfg;
} walk_t;

#define LINE(n) ((unsigned long)(n)->start_mark.line + 1)

__attribute__((format(printf, 3, 4))) static void bad(walk_t *w, yaml_node_t *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rg_errors_add(w->errs, "%s:%lu: %s", w->source, n ? LINE(n) : 0UL, msg);
}

static yaml_node_t *node(walk_t *w, int idx)
{
    return yaml_document_get_node(w->doc, idx);
}

/* Resolves a scalar, following os.environ/NAME. NULL (and an error) when not a scalar or the variable is unset. */
static const char *scalar(walk_t *w, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE) {
        bad(w, n, "%s: expected a single value, not a %s", what, n->type == YAML_MAPPING_NODE ? "mapping" : "list");
        return NULL;
    }
    const char *v = (const char *)n->data.scalar.value;
    if (strncmp(v, "os.environ/", 11) == 0) {
        const char *name = v + 11;
        const char *env = *name ? getenv(name) : NULL;
        if (env == NULL) {
            bad(w, n, "%s: environment variable '%s' is not set (referenced as %s)", what, name, v);
            return NULL;
        }
        return env;
    }
    return v;
}

static int is_null_scalar(yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

static char *get_string(walk_t *w, yaml_node_t *n, const char *what)
{
    if (is_null_scalar(n))
        return NULL;
    const char *v = scalar(w, n, what);
    return v ? own_strdup(w->cfg, v) : NULL;
}

static int get_int(walk_t *w, yaml_node_t *n, const char *what, long min, long max, int *out)
{
    const char *v = scalar(w, n, what);
    if (v == NULL)
        return -1;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max) {
        bad(w, n, "%s: expected an integer between %ld and %ld, got '%s'", what, min, max, v);
        return -1;
    }
    *out = (int)x;
    return 0;
}

/* "1048576", "512kb", "10MiB", "1m" → bytes. */
static int get_size(walk_t *w, yaml_node_t *n, const char *what, size_t *out)
{
    const char *v = scalar(w, n, what);
    if (v == NULL)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    while (*end == ' ')
        end++;
    double mul = 1;
    if (!*end || !strcasecmp(end, "b"))
        mul = 1;
    else if (!strcasecmp(end, "k") || !strcasecmp(end, "kb") || !strcasecmp(end, "kib"))
        mul = 1024.0;
    else if (!strcasecmp(end, "m") || !strcasecmp(end, "mb") || !strcasecmp(end, "mib"))
        mul = 1024.0 * 1024;
    else if (!strcasecmp(end, "g") || !strcasecmp(end, "gb") || !strcasecmp(end, "gib"))
        mul = 1024.0 * 1024 * 1024;
    else
        mul = -1;
    if (errno || end == v || mul < 0 || !isfinite(x) || x < 0 || x * mul > (double)(1ULL << 40)) {
        bad(w, n, "%s: expected a size such as 1048576, 512kb or 10mb, got '%s'", what, v);
        return -1;
    }
    *out = (size_t)(x * mul);
    return 0;
}

/* Durations: a number is seconds (LiteLLM's convention); "250ms", "10s", "2m" also work. */
static int get_duration_ms(walk_t *w, yaml_node_t *n, const char *what, uint32_t *out)
{
    const char *v = scalar(w, n, what);
    if (v == NULL)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    while (*end == ' ')
        end++;
    double mul;
    if (!*end || !strcmp(end, "s"))
        mul = 1000;
    else if (!strcmp(end, "ms"))
        mul = 1;
    else if (!strcmp(end, "m"))
        mul = 60000;
    else
        mul = -1;
    if (errno || end == v || mul < 0 || !isfinite(x) || x < 0 || x * mul > 86400000.0) {
        bad(w, n, "%s: expected a duration such as 30 (seconds), 250ms or 2m, got '%s'", what, v);
        return -1;
    }
    *out = (uint32_t)(x * mul + 0.5);
    return 0;
}

/* Iterates a mapping; for each key calls fn(w, key, value, arg). */
typedef void (*pair_fn)(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);

static int each_pair(walk_t *w, yaml_node_t *map, const char *what, pair_fn fn, void *arg)
{
    if (map->type != YAML_MAPPING_NODE) {
        if (!is_null_scalar(map))
            bad(w, map, "%s: expected a mapping (key: value)", what);
        return -1;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(w, p->key), *v = node(w, p->value);
        if (k == NULL || v == NULL)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            bad(w, k, "%s: keys must be plain strings", what);
            continue;
        }
        int dup = 0;
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p && !dup; q++) {
            yaml_node_t *qk = node(w, q->key);
            dup = qk && qk->type == YAML_SCALAR_NODE && !strcmp((char *)qk->data.scalar.value, (char *)k->data.scalar.value);
        }
        if (dup) {
            bad(w, k, "%s: key '%s' appears twice", what, (char *)k->data.scalar.value);
            continue;
        }
        fn(w, (const char *)k->data.scalar.value, k, v, arg);
    }
    return 0;
}

/* ---- sections -------------------------------------------------------- */

static void extra_header_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_model_t *m = arg;
    (void)k;
    char *val = get_string(w, v, "extra_headers value");
    if (val == NULL)
        return;
    for (const char *p = key; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            bad(w, k, "extra_headers: '%s' is not a valid header name", key);
            return;
        }
    if (!strcasecmp(key, "host") || !strcasecmp(key, "content-length") || !strcasecmp(key, "transfer-encoding")) {
        bad(w, k, "extra_headers: '%s' is set by Railgate and cannot be overridden", key);
        return;
    }
    m->extra_headers[m->n_extra_headers].name = own_strdup(w->cfg, key);
    m->extra_headers[m->n_extra_headers].value = val;
    m->n_extra_headers++;
}

static void params_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_model_t *m = arg;
    char what[160];
    snprintf(what, sizeof(what), "model '%s' litellm_params.%s", m->name ? m->name : "?", key);
    if (!strcmp(key, "model")) {
        const char *s = scalar(w, v, what);
        if (s == NULL)
            return;
        const char *slash = strchr(s, '/');
        size_t plen = slash ? (size_t)(slash - s) : strlen(s);
        char prov[32];
        if (plen >= sizeof(prov)) {
            bad(w, v, "%s: unknown provider in '%s'", what, s);
            return;
        }
        memcpy(prov, s, plen);
        prov[plen] = '\0';
        if (!strcmp(prov, "openai") || !strcmp(prov, "hosted_vllm") || !strcmp(prov, "openai_like"))
            m->provider = RG_PROVIDER_OPENAI;
        else if (!strcmp(prov, "mock"))
            m->provider = RG_PROVIDER_MOCK;
        else {
            bad(w, v, "%s: unknown provider '%s' (supported: openai/<model>, hosted_vllm/<model>, mock/<name>)", what,
                prov);
            return;
        }
        if (m->provider == RG_PROVIDER_OPENAI && (slash == NULL || slash[1] == '\0')) {
            bad(w, v, "%s: expected '%s/<upstream-model>'", what, prov);
            return;
        }
        m->provider_name = own_strdup(w->cfg, prov);
        m->upstream_model = own_strdup(w->cfg, slash ? slash + 1 : s);
    } else if (!strcmp(key, "api_base")) {
        char *b = get_string(w, v, what);
        if (b == NULL)
            return;
        const char *host = !strncmp(b, "http://", 7) ? b + 7 : !strncmp(b, "https://", 8) ? b + 8 : NULL;
        if (host == NULL || *host == '\0' || *host == '/' || *host == ':' || strpbrk(host, " \t\r\n")) {
            bad(w, v, "%s: expected an http:// or https:// URL with a host, got '%s'", what, b);
            return;
        }
        size_t n = strlen(b);
        while (n > 0 && b[n - 1] == '/')
            b[--n] = '\0';
        m->api_base = b;
    } else if (!strcmp(key, "api_key")) {
        m->api_key = get_string(w, v, what);
    } else if (!strcmp(key, "timeout")) {
        get_duration_ms(w, v, what, &m->timeout_ms);
    } else if (!strcmp(key, "extra_headers")) {
        if (v->type != YAML_MAPPING_NODE) {
            bad(w, v, "%s: expected a mapping of header: value", what);
            return;
        }
        size_t n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
        m->extra_headers = own(w->cfg, calloc(n ? n : 1, sizeof(rg_kv_t)));
        if (m->extra_headers)
            each_pair(w, v, what, extra_header_pair, m);
    } else if (!strcmp(key, "mock_response")) {
        m->mock_response = get_string(w, v, what);
    } else if (!strcmp(key, "mock_delay")) {
        get_duration_ms(w, v, what, &m->mock_delay_ms);
    } else if (!strcmp(key, "mock_chunk_delay")) {
        get_duration_ms(w, v, what, &m->mock_chunk_delay_ms);
    } else if (!strcmp(key, "mock_chunks")) {
        int x;
        if (get_int(w, v, what, 1, 1000, &x) == 0)
            m->mock_chunks = (uint32_t)x;
    } else {
        bad(w, k, "model '%s': unknown key '%s' in litellm_params (known: model, api_base, api_key, timeout, "
                  "extra_headers, mock_response, mock_delay, mock_chunk_delay, mock_chunks)",
            m->name ? m->name : "?", key);
    }
}

static void model_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    rg_model_t *m = arg;
    if (!strcmp(key, "model_name")) {
        m->name = get_string(w, v, "model_name");
    } else if (!strcmp(key, "litellm_params")) {
        /* handled after model_name is known, see model_entry() */
    } else if (!strcmp(key, "model_info")) {
        /* LiteLLM's free-form metadata: accepted and not interpreted */
        if (v->type != YAML_MAPPING_NODE && !is_null_scalar(v))
            bad(w, v, "model_info: expected a mapping");
    } else {
        bad(w, k, "model_list entry: unknown key '%s' (known: model_name, litellm_params, model_info)", key);
    }
}

static void model_entry(walk_t *w, yaml_node_t *entry, rg_model_t *m, size_t idx)
{
    char what[64];
    snprintf(what, sizeof(what), "model_list[%zu]", idx);
    memset(m, 0, sizeof(*m)); /* the slot may hold a rejected earlier entry */
    m->provider = RG_PROVIDER_OPENAI;
    if (is_null_scalar(entry)) {
        bad(w, entry, "%s: empty entry (expected model_name and litellm_params)", what);
        return;
    }
    if (each_pair(w, entry, what, model_pair, m) != 0)
        return;
    if (m->name == NULL || !*m->name) {
        bad(w, entry, "%s: model_name is required", what);
        return;
    }
    yaml_node_t *params = NULL;
    for (yaml_node_pair_t *p = entry->data.mapping.pairs.start; p < entry->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(w, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, "litellm_params"))
            params = node(w, p->value);
    }
    if (params == NULL) {
        bad(w, entry, "model '%s': litellm_params is required", m->name);
        return;
    }
    size_t before = w->errs->n;
    if (is_null_scalar(params)) {
        bad(w, params, "model '%s': litellm_params is empty (it needs at least model: provider/name)", m->name);
        return;
    }
    if (each_pair(w, params, "litellm_params", params_pair, m) != 0)
        return;
    if (m->upstream_model == NULL) {
        if (w->errs->n == before)
            bad(w, params, "model '%s': litellm_params.model is required (e.g. openai/gpt-4o-mini or mock/echo)",
                m->name);
        return;
    }
    if (m->provider == RG_PROVIDER_OPENAI && m->api_base == NULL)
        m->api_base = own_strdup(w->cfg, "https://api.openai.com/v1");
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

static void general_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    if (!strcmp(key, "master_key")) {
        w->cfg->master_key = get_string(w, v, "general_settings.master_key");
        if (w->cfg->master_key && !*w->cfg->master_key)
            bad(w, v, "general_settings.master_key: must not be empty (omit it to disable auth)");
    } else if (!strcmp(key, "database_path")) {
        w->cfg->database_path = get_string(w, v, "general_settings.database_path");
    } else {
        bad(w, k, "general_settings: unknown key '%s' (known: master_key, database_path)", key);
    }
}

static void tls_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    if (!strcmp(key, "cert_file"))
        w->cfg->tls_cert_file = get_string(w, v, "railgate_settings.tls.cert_file");
    else if (!strcmp(key, "key_file"))
        w->cfg->tls_key_file = get_string(w, v, "railgate_settings.tls.key_file");
    else
        bad(w, k, "railgate_settings.tls: unknown key '%s' (known: cert_file, key_file)", key);
}

static void settings_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    rg_config_t *c = w->cfg;
    char what[96];
    snprintf(what, sizeof(what), "railgate_settings.%s", key);
    if (!strcmp(key, "host"))
        c->host = get_string(w, v, what);
    else if (!strcmp(key, "port"))
        get_int(w, v, what, 0, 65535, &c->port);
    else if (!strcmp(key, "workers"))
        get_int(w, v, what, 0, 256, &c->workers);
    else if (!strcmp(key, "log_level")) {
        const char *s = scalar(w, v, what);
        if (s && (c->log_level = rg_log_parse_level(s)) < 0)
            bad(w, v, "%s: expected debug, info, warn or error, got '%s'", what, s);
    } else if (!strcmp(key, "max_request_body"))
        get_size(w, v, what, &c->max_request_body);
    else if (!strcmp(key, "max_response_buffered"))
        get_size(w, v, what, &c->max_response_buffered);
    else if (!strcmp(key, "record_body_max"))
        get_size(w, v, what, &c->record_body_max);
    else if (!strcmp(key, "record_queue")) {
        int x;
        if (get_int(w, v, what, 16, 1 << 22, &x) == 0)
            c->ring_size = (size_t)x;
    } else if (!strcmp(key, "header_timeout"))
        get_duration_ms(w, v, what, &c->header_timeout_ms);
    else if (!strcmp(key, "body_timeout"))
        get_duration_ms(w, v, what, &c->body_timeout_ms);
    else if (!strcmp(key, "upstream_connect_timeout"))
        get_duration_ms(w, v, what, &c->upstream_connect_timeout_ms);
    else if (!strcmp(key, "upstream_read_timeout"))
        get_duration_ms(w, v, what, &c->upstream_read_timeout_ms);
    else if (!strcmp(key, "upstream_timeout"))
        get_duration_ms(w, v, what, &c->upstream_timeout_ms);
    else if (!strcmp(key, "shutdown_timeout"))
        get_duration_ms(w, v, what, &c->shutdown_timeout_ms);
    else if (!strcmp(key, "tls"))
        each_pair(w, v, what, tls_pair, NULL);
    else
        bad(w, k,
            "railgate_settings: unknown key '%s' (known: host, port, workers, log_level, max_request_body, "
            "max_response_buffered, record_body_max, record_queue, header_timeout, body_timeout, "
            "upstream_connect_timeout, upstream_read_timeout, upstream_timeout, shutdown_timeout, tls)",
            key);
}

static void top_pair(walk_t *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
    (void)arg;
    rg_config_t *c = w->cfg;
    if (!strcmp(key, "model_list")) {
        if (is_null_scalar(v))
            return;
        if (v->type != YAML_SEQUENCE_NODE) {
            bad(w, v, "model_list: expected a list of models");
            return;
        }
        size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
        c->models = own(c, calloc(n ? n : 1, sizeof(rg_model_t)));
        if (c->models == NULL)
            return;
        for (size_t i = 0; i < n; i++) {
            yaml_node_t *e = node(w, v->data.sequence.items.start[i]);
            rg_model_t *m = &c->models[c->n_models];
            model_entry(w, e, m, i);
            if (m->name == NULL || m->upstream_model == NULL)
                continue;
            int dup = 0;
            for (size_t j = 0; j < c->n_models; j++)
                if (!strcmp(c->models[j].name, m->name))
                    dup = 1;
            if (dup) {
                bad(w, e, "model_list: model_name '%s' appears twice (load balancing is not supported yet)", m->name);
                continue;
            }
            if (m->provider == RG_PROVIDER_OPENAI && build_headers(m) != 0) {
                bad(w, e, "model '%s': out of memory", m->name);
                continue;
            }
            c->n_models++;
        }
    } else if (!strcmp(key, "general_settings")) {
        each_pair(w, v, key, general_pair, NULL);
    } else if (!strcmp(key, "railgate_settings")) {
        each_pair(w, v, key, settings_pair, NULL);
    } else {
        bad(w, k, "unknown top-level key '%s' (known: model_list, general_settings, railgate_settings)", key);
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
            c->host = own_strdup(c, ov->host);
        if (ov->port >= 0)
            c->port = ov->port;
        if (ov->workers >= 0)
            c->workers = ov->workers;
        if (ov->db_path)
            c->database_path = own_strdup(c, ov->db_path);
    }
    if (c->host == NULL)
        c->host = own_strdup(c, "127.0.0.1");
    if (c->database_path == NULL)
        c->database_path = own_strdup(c, "./railgate.db");
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
    c->source = own_strdup(c, source);
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
    walk_t w = {source, &doc, errs, c};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root == NULL)
        rg_errors_add(errs, "%s:1: the file is empty", source);
    else
        each_pair(&w, root, "top level", top_pair, NULL);
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
