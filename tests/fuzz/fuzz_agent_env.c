/*
 * fuzz_agent_env.c — agent-proxy mode's parsers of Akto's environment formats
 * (agent/agent.h): ALLOWED_HTTP_METHODS, GUARDRAIL_ENDPOINTS,
 * GUARDRAIL_FIELD_MAPPING, dotted field paths, and the whole environment →
 * YAML → config step.
 *
 * Byte 0 picks the parser; bytes 1.. are its input (made a C string: the
 * environment cannot hold NUL). Contracts checked:
 * - each parser returns 0 with well-formed entries (methods are 1..15
 *   upper-case letters; paths start with '/', hold no blank, '?' or '#', '*'
 *   only last; mappings name at least one field, each non-empty without
 *   empty segments) that the matchers then find, or -1 with a non-empty
 *   message; rg_agent_cfg_clear frees everything (LSan);
 * - path lookup (bytes up to the first '\n' are a JSON document, the rest a
 *   path) returns NULL or a node its holder really holds at key/index;
 * - the environment (values for the variables split at 0xFF) either loads
 *   with no problem reported and cfg->agent set, or fails with at least one
 *   problem, each non-empty and, when it comes from a value, naming the
 *   variable before the first ':'.
 */
#include "agent/agent.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_methods(const rg_agent_cfg_t *c)
{
    if (c->n_methods > RG_AGENT_METHODS_MAX)
        abort();
    for (size_t i = 0; i < c->n_methods; i++) {
        size_t n = strlen(c->methods[i]);
        if (n == 0 || n >= RG_AGENT_METHOD_LEN)
            abort();
        for (size_t k = 0; k < n; k++)
            if (c->methods[i][k] < 'A' || c->methods[i][k] > 'Z')
                abort();
        if (!rg_agent_method_allowed(c, c->methods[i], n))
            abort();
    }
}

static void check_endpoint(const rg_agent_endpoint_t *ep)
{
    size_t n = strlen(ep->path);
    if (n == 0 || ep->path[0] != '/' || strpbrk(ep->path, " \t\r\n?#") != NULL)
        abort();
    const char *star = strchr(ep->path, '*');
    if (star && star != ep->path + n - 1)
        abort();
    if (ep->method[0] == '\0')
        abort();
}

static const char *m_of(const rg_agent_endpoint_t *ep)
{
    return strcmp(ep->method, "*") ? ep->method : "PATCH";
}

static void check_field(const char *f)
{
    size_t n = strlen(f);
    if (n == 0 || f[0] == '.' || f[n - 1] == '.' || strstr(f, "..") != NULL)
        abort();
}

static const char *const VARS[] = {"APP_URL",         "AKTO_PROXY_PORT",         "REQUEST_TIMEOUT",
                                   "MAX_REQUEST_SIZE", "MAX_RESPONSE_SIZE",      "ALLOWED_HTTP_METHODS",
                                   "APPLY_GUARDRAILS_TO_SSE", "GUARDRAIL_ENDPOINTS", "GUARDRAIL_FIELD_MAPPING",
                                   "LOG_LEVEL",       "AKTO_API_TOKEN"};
#define NVARS (sizeof(VARS) / sizeof(VARS[0]))
static const char *vals[NVARS];

static const char *fuzz_getenv(const char *name)
{
    for (size_t i = 0; i < NVARS; i++)
        if (!strcmp(VARS[i], name))
            return vals[i];
    return NULL;
}

static void fuzz_env(char *s, size_t len)
{
    size_t k = 0;
    memset(vals, 0, sizeof(vals));
    char *p = s;
    for (size_t i = 0; i <= len && k < NVARS; i++)
        if (i == len || (unsigned char)s[i] == 0xFF) {
            s[i] = '\0';
            vals[k++] = p;
            p = s + i + 1;
        }
    rg_errors_t errs = {0};
    rg_config_t *c = rg_agent_config_from_env(fuzz_getenv, NULL, &errs);
    if ((c == NULL) == (errs.n == 0))
        abort();
    if (c && c->agent == NULL)
        abort();
    for (size_t i = 0; i < errs.n; i++)
        if (errs.items[i][0] == '\0')
            abort();
    rg_errors_free(&errs);
    if (c)
        rg_config_unref(c);
}

static void fuzz_path(char *s)
{
    char *nl = strchr(s, '\n');
    if (nl == NULL)
        return;
    *nl = '\0';
    json_t *root = json_loads(s, JSON_DECODE_ANY, NULL);
    if (root == NULL)
        return;
    json_t *holder = NULL;
    const char *key = NULL;
    size_t idx = 0;
    json_t *v = rg_agent_path_get(root, nl + 1, &holder, &key, &idx);
    if (v != NULL) {
        json_t *again = json_is_object(holder) ? json_object_get(holder, key) : json_array_get(holder, idx);
        if (again != v)
            abort();
    }
    json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192)
        return 0;
    char *s = malloc(size);
    if (s == NULL)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    size_t len = strlen(s);
    rg_agent_cfg_t *c = calloc(1, sizeof(*c));
    char err[256] = "";
    int rc;
    switch (data[0] % 5) {
    case 0:
        rc = rg_agent_parse_methods(s, c, err, sizeof(err));
        if (rc == 0)
            check_methods(c);
        break;
    case 1:
        rc = rg_agent_parse_endpoints(s, c, err, sizeof(err));
        for (size_t i = 0; rc == 0 && i < c->n_endpoints; i++) {
            const rg_agent_endpoint_t *ep = &c->endpoints[i];
            check_endpoint(ep);
            size_t n = strlen(ep->path) - (ep->path[strlen(ep->path) - 1] == '*');
            if (!rg_agent_guarded(c, m_of(ep), strlen(m_of(ep)), ep->path, n))
                abort();
        }
        break;
    case 2:
        rc = rg_agent_parse_mapping(s, c, err, sizeof(err));
        for (size_t i = 0; rc == 0 && i < c->n_mappings; i++) {
            const rg_agent_mapping_t *m = &c->mappings[i];
            check_endpoint(&m->ep);
            if (m->n_req + m->n_resp == 0 || m->n_req > RG_AGENT_PATHS_MAX || m->n_resp > RG_AGENT_PATHS_MAX)
                abort();
            for (size_t k = 0; k < m->n_req; k++)
                check_field(m->req[k]);
            for (size_t k = 0; k < m->n_resp; k++)
                check_field(m->resp[k]);
            size_t n = strlen(m->ep.path) - (m->ep.path[strlen(m->ep.path) - 1] == '*');
            if (rg_agent_mapping_for(c, m_of(&m->ep), strlen(m_of(&m->ep)), m->ep.path, n) == NULL)
                abort();
        }
        break;
    case 3:
        rc = 0;
        fuzz_path(s);
        break;
    default:
        rc = 0;
        fuzz_env(s, len);
        break;
    }
    if (rc != 0 && err[0] == '\0')
        abort();
    rg_agent_cfg_clear(c);
    free(c);
    free(s);
    return 0;
}
