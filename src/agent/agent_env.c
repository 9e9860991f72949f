/*
 * agent_env.c — Akto's agent-proxy formats and the environment → YAML step
 * (agent.h). The parsers take untrusted strings: every loop is bounded by
 * the input, every copy by a fixed cap, nothing recurses.
 */
#include "agent/agent.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATH_MAX_LEN 1024
#define FIELD_MAX_LEN 256

static int fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

/* [s, e) without surrounding blanks */
static void trim(const char **s, const char **e)
{
    while (*s < *e && isspace((unsigned char)**s))
        (*s)++;
    while (*e > *s && isspace((unsigned char)(*e)[-1]))
        (*e)--;
}

static char *dup_range(const char *s, const char *e)
{
    char *p = malloc((size_t)(e - s) + 1);
    if (p) {
        memcpy(p, s, (size_t)(e - s));
        p[e - s] = '\0';
    }
    return p;
}

/* An HTTP method token (upper-cased into out) or "*" when star is allowed. */
static int method_token(const char *s, const char *e, int star, char out[RG_AGENT_METHOD_LEN], char *err, size_t errsz)
{
    size_t n = (size_t)(e - s);
    if (n == 0)
        return fail(err, errsz, "empty method");
    if (n >= RG_AGENT_METHOD_LEN)
        return fail(err, errsz, "method '%.20s...' is too long", s);
    if (star && n == 1 && *s == '*') {
        strcpy(out, "*");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalpha((unsigned char)s[i]))
            return fail(err, errsz, "'%.*s' is not an HTTP method", (int)n, s);
        out[i] = (char)toupper((unsigned char)s[i]);
    }
    out[n] = '\0';
    return 0;
}

static int url_path(const char *s, const char *e, char **out, char *err, size_t errsz)
{
    size_t n = (size_t)(e - s);
    if (n == 0 || *s != '/')
        return fail(err, errsz, "path '%.*s' must start with '/'", (int)(n < 80 ? n : 80), s);
    if (n > PATH_MAX_LEN)
        return fail(err, errsz, "path is longer than %d bytes", PATH_MAX_LEN);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || c == '?' || c == '#')
            return fail(err, errsz, "path '%.*s' has a blank, control character, '?' or '#'", (int)(n < 80 ? n : 80),
                        s);
        if (c == '*' && i != n - 1)
            return fail(err, errsz, "path '%.*s': '*' is only allowed at the end", (int)(n < 80 ? n : 80), s);
    }
    *out = dup_range(s, e);
    return *out ? 0 : fail(err, errsz, "out of memory");
}

int rg_agent_parse_methods(const char *s, rg_agent_cfg_t *c, char *err, size_t errsz)
{
    c->n_methods = 0;
    const char *p = s, *end = s + strlen(s);
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end, *b = p;
        trim(&b, &e);
        if (b < e) {
            if (c->n_methods == RG_AGENT_METHODS_MAX)
                return fail(err, errsz, "more than %d methods", RG_AGENT_METHODS_MAX);
            if (method_token(b, e, 0, c->methods[c->n_methods], err, errsz) != 0)
                return -1;
            c->n_methods++;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

/* "METHOD:PATH" in [s, e) */
static int endpoint(const char *s, const char *e, rg_agent_endpoint_t *ep, char *err, size_t errsz)
{
    const char *colon = memchr(s, ':', (size_t)(e - s));
    if (colon == NULL)
        return fail(err, errsz, "'%.*s' is not METHOD:PATH", (int)((e - s) < 80 ? (e - s) : 80), s);
    const char *ms = s, *me = colon, *ps = colon + 1, *pe = e;
    trim(&ms, &me);
    trim(&ps, &pe);
    if (method_token(ms, me, 1, ep->method, err, errsz) != 0)
        return -1;
    return url_path(ps, pe, &ep->path, err, errsz);
}

int rg_agent_parse_endpoints(const char *s, rg_agent_cfg_t *c, char *err, size_t errsz)
{
    const char *p = s, *end = s + strlen(s);
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end, *b = p;
        trim(&b, &e);
        if (b < e) {
            if (c->n_endpoints == RG_AGENT_RULES_MAX)
                return fail(err, errsz, "more than %d endpoints", RG_AGENT_RULES_MAX);
            if (endpoint(b, e, &c->endpoints[c->n_endpoints], err, errsz) != 0)
                return -1;
            c->n_endpoints++;
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

/* "a.b|c.d" → out[]; an empty side gives none */
static int field_list(const char *s, const char *e, char **out, size_t *n, char *err, size_t errsz)
{
    *n = 0;
    const char *p = s;
    for (;;) {
        const char *bar = memchr(p, '|', (size_t)(e - p));
        const char *fe = bar ? bar : e, *fb = p;
        trim(&fb, &fe);
        if (fb < fe) {
            size_t len = (size_t)(fe - fb);
            if (*n == RG_AGENT_PATHS_MAX)
                return fail(err, errsz, "more than %d alternative fields", RG_AGENT_PATHS_MAX);
            if (len > FIELD_MAX_LEN)
                return fail(err, errsz, "a field path is longer than %d bytes", FIELD_MAX_LEN);
            for (size_t i = 0; i < len; i++) {
                unsigned char ch = (unsigned char)fb[i];
                int dot = ch == '.';
                if (!(isalnum(ch) || ch == '_' || ch == '-' || ch == '$' || dot))
                    return fail(err, errsz, "field '%.*s': only letters, digits, '_', '-', '$' and '.' are allowed",
                                (int)len, fb);
                if (dot && (i == 0 || i == len - 1 || fb[i - 1] == '.'))
                    return fail(err, errsz, "field '%.*s' has an empty segment", (int)len, fb);
            }
            if ((out[*n] = dup_range(fb, fe)) == NULL)
                return fail(err, errsz, "out of memory");
            (*n)++;
        }
        if (bar == NULL)
            return 0;
        p = bar + 1;
    }
}

/* "METHOD:PATH:req|alt,resp|alt" in [s, e); the last ':' ends the path */
static int mapping(const char *s, const char *e, rg_agent_mapping_t *m, char *err, size_t errsz)
{
    const char *last = NULL;
    for (const char *q = s; q < e; q++)
        if (*q == ':')
            last = q;
    const char *first = memchr(s, ':', (size_t)(e - s));
    if (first == NULL || last == first)
        return fail(err, errsz, "'%.*s' is not METHOD:PATH:requestFields,responseFields",
                    (int)((e - s) < 80 ? (e - s) : 80), s);
    if (endpoint(s, last, &m->ep, err, errsz) != 0)
        return -1;
    const char *fs = last + 1;
    const char *comma = memchr(fs, ',', (size_t)(e - fs));
    if (field_list(fs, comma ? comma : e, m->req, &m->n_req, err, errsz) != 0)
        return -1;
    if (comma && field_list(comma + 1, e, m->resp, &m->n_resp, err, errsz) != 0)
        return -1;
    if (comma && memchr(comma + 1, ',', (size_t)(e - comma - 1)))
        return fail(err, errsz, "'%.*s': one ',' separates the request and response fields",
                    (int)((e - s) < 80 ? (e - s) : 80), s);
    if (m->n_req + m->n_resp == 0)
        return fail(err, errsz, "'%.*s' names no field", (int)((e - s) < 80 ? (e - s) : 80), s);
    return 0;
}

int rg_agent_parse_mapping(const char *s, rg_agent_cfg_t *c, char *err, size_t errsz)
{
    const char *p = s, *end = s + strlen(s);
    for (;;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end, *b = p;
        trim(&b, &e);
        if (b < e) {
            if (c->n_mappings == RG_AGENT_RULES_MAX)
                return fail(err, errsz, "more than %d mappings", RG_AGENT_RULES_MAX);
            rg_agent_mapping_t *m = &c->mappings[c->n_mappings];
            memset(m, 0, sizeof(*m));
            c->n_mappings++; /* counted at once, so that clear frees what a failed entry allocated */
            if (mapping(b, e, m, err, errsz) != 0)
                return -1;
        }
        if (semi == NULL)
            return 0;
        p = semi + 1;
    }
}

void rg_agent_cfg_clear(rg_agent_cfg_t *c)
{
    for (size_t i = 0; i < c->n_endpoints; i++)
        free(c->endpoints[i].path);
    for (size_t i = 0; i < c->n_mappings; i++) {
        rg_agent_mapping_t *m = &c->mappings[i];
        free(m->ep.path);
        for (size_t k = 0; k < m->n_req; k++)
            free(m->req[k]);
        for (size_t k = 0; k < m->n_resp; k++)
            free(m->resp[k]);
    }
    free(c->app_url);
    memset(c, 0, sizeof(*c));
}

/* ---- matching ------------------------------------------------------------------------------------ */

int rg_agent_method_allowed(const rg_agent_cfg_t *c, const char *m, size_t mlen)
{
    if (c->n_methods == 0)
        return 1;
    for (size_t i = 0; i < c->n_methods; i++)
        if (strlen(c->methods[i]) == mlen && !strncasecmp(c->methods[i], m, mlen))
            return 1;
    return 0;
}

static int ep_match(const rg_agent_endpoint_t *ep, const char *m, size_t mlen, const char *p, size_t plen)
{
    if (strcmp(ep->method, "*") != 0 && !(strlen(ep->method) == mlen && !strncasecmp(ep->method, m, mlen)))
        return 0;
    size_t n = strlen(ep->path);
    if (n && ep->path[n - 1] == '*')
        return plen >= n - 1 && memcmp(p, ep->path, n - 1) == 0;
    while (plen > 1 && p[plen - 1] == '/' && !(n && ep->path[n - 1] == '/'))
        plen--; /* "/generate/" is "/generate" */
    return plen == n && memcmp(p, ep->path, n) == 0;
}

const rg_agent_mapping_t *rg_agent_mapping_for(const rg_agent_cfg_t *c, const char *m, size_t mlen, const char *p,
                                               size_t plen)
{
    for (size_t i = 0; i < c->n_mappings; i++)
        if (ep_match(&c->mappings[i].ep, m, mlen, p, plen))
            return &c->mappings[i];
    return NULL;
}

int rg_agent_guarded(const rg_agent_cfg_t *c, const char *m, size_t mlen, const char *p, size_t plen)
{
    if (c->n_endpoints == 0)
        return mlen == 4 && !strncasecmp(m, "POST", 4);
    for (size_t i = 0; i < c->n_endpoints; i++)
        if (ep_match(&c->endpoints[i], m, mlen, p, plen))
            return 1;
    return 0;
}

json_t *rg_agent_path_get(json_t *root, const char *path, json_t **holder, const char **key, size_t *index)
{
    json_t *cur = root, *parent = NULL;
    const char *seg = path;
    if (seg[0] == '$' && seg[1] == '.')
        seg += 2; /* "$.inputs" as JSONPath writes it */
    const char *k = NULL;
    size_t idx = 0;
    for (int depth = 0; cur && depth < 64; depth++) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        char buf[FIELD_MAX_LEN + 1];
        if (n == 0 || n > FIELD_MAX_LEN)
            return NULL;
        memcpy(buf, seg, n);
        buf[n] = '\0';
        parent = cur;
        if (json_is_array(cur)) {
            char *end;
            long i = strtol(buf, &end, 10);
            size_t sz = json_array_size(cur);
            if (*end || sz == 0 || i < -1 || (i >= 0 && (size_t)i >= sz))
                return NULL;
            idx = i == -1 ? sz - 1 : (size_t)i;
            k = NULL;
            cur = json_array_get(cur, idx);
        } else if (json_is_object(cur)) {
            void *it = json_object_iter_at(cur, buf);
            if (it == NULL)
                return NULL;
            k = json_object_iter_key(it); /* lives as long as the object holds the key */
            cur = json_object_iter_value(it);
        } else {
            return NULL;
        }
        if (dot == NULL) {
            if (holder)
                *holder = parent;
            if (key)
                *key = k;
            if (index)
                *index = idx;
            return cur;
        }
        seg = dot + 1;
    }
    return NULL;
}

rg_req_type_t rg_agent_body_type(json_t *body)
{
    if (!json_is_object(body))
        return RG_REQ_CHAT;
    if (json_object_get(body, "messages"))
        return RG_REQ_CHAT;
    if (json_object_get(body, "prompt"))
        return RG_REQ_COMPLETE;
    if (json_object_get(body, "inputs"))
        return RG_REQ_TGI;
    return RG_REQ_CHAT;
}

/* ---- the environment → YAML ---------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
    size_t line; /* lines written so far */
    const char **lines;
    size_t n_lines;
} yb_t;

static void yb_put(yb_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
        char *q = realloc(b->p, cap);
        if (q == NULL) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* One line; var names the variable its value came from (NULL for generated lines). */
static void yb_line(yb_t *b, const char *var, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void yb_line(yb_t *b, const char *var, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        b->oom = 1;
        return;
    }
    yb_put(b, tmp, (size_t)n);
    yb_put(b, "\n", 1);
    if (b->line < b->n_lines)
        b->lines[b->line] = var;
    b->line++;
}

/* `  key: "value"` with the value as a YAML double-quoted scalar (any byte string is safe). */
static void yb_value(yb_t *b, const char *indent_key, const char *var, const char *v)
{
    size_t n = strlen(v);
    char *q = malloc(n * 4 + 3);
    if (q == NULL) {
        b->oom = 1;
        return;
    }
    size_t o = 0;
    q[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '"' || c == '\\') {
            q[o++] = '\\';
            q[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            q[o++] = '\\', q[o++] = 'x', q[o++] = hex[c >> 4], q[o++] = hex[c & 15];
        } else {
            q[o++] = (char)c;
        }
    }
    q[o++] = '"';
    q[o] = '\0';
    yb_put(b, indent_key, strlen(indent_key));
    yb_put(b, ": ", 2);
    yb_put(b, q, o);
    yb_put(b, "\n", 1);
    free(q);
    if (b->line < b->n_lines)
        b->lines[b->line] = var;
    b->line++;
}

static const char *env(rg_agent_getenv_fn g, const char *name)
{
    const char *v = g(name);
    return v && *v ? v : NULL;
}

static int is_zero(const char *v)
{
    while (*v == ' ')
        v++;
    if (*v != '0')
        return 0;
    while (*v == '0')
        v++;
    while (*v == ' ')
        v++;
    return *v == '\0';
}

int rg_agent_env_on(rg_agent_getenv_fn getenv_fn)
{
    return env(getenv_fn, "APP_URL") != NULL;
}

char *rg_agent_env_yaml(rg_agent_getenv_fn g, rg_errors_t *errs, const char **lines, size_t n_lines)
{
    yb_t b = {.lines = lines, .n_lines = n_lines};
    for (size_t i = 0; i < n_lines; i++)
        lines[i] = NULL;
    const char *app = env(g, "APP_URL");
    if (app == NULL) {
        rg_errors_add(errs, "APP_URL: not set (the upstream's base URL, e.g. http://127.0.0.1:8000)");
        return NULL;
    }
    const char *akto = env(g, "AKTO_API_BASE_URL"), *token = env(g, "AKTO_API_TOKEN");
    if (token && !akto) {
        rg_errors_add(errs, "AKTO_API_TOKEN: set without AKTO_API_BASE_URL (the remote guardrail service's URL)");
        return NULL;
    }

    yb_line(&b, NULL, "# generated from the environment (agent-proxy mode, docs/agent-proxy.md)");
    yb_line(&b, NULL, "model_list:");
    yb_line(&b, NULL, "  - model_name: agent-upstream");
    yb_line(&b, NULL, "    litellm_params:");
    yb_line(&b, NULL, "      model: openai/agent-upstream");
    yb_value(&b, "      api_base", "APP_URL", app);
    yb_line(&b, NULL, "guardrails:");
    if (akto) {
        yb_line(&b, NULL, "  - guardrail_name: akto");
        yb_line(&b, NULL, "    litellm_params:");
        yb_line(&b, NULL, "      guardrail: akto");
        yb_line(&b, NULL, "      mode: [pre_call, logging_only]");
        yb_line(&b, NULL, "      default_on: true");
        yb_value(&b, "      akto_base_url", "AKTO_API_BASE_URL", akto);
        if (token)
            yb_value(&b, "      akto_api_key", "AKTO_API_TOKEN", token);
        yb_line(&b, NULL, "      unreachable_fallback: fail_closed");
    } else {
        /* the quickstart's defaults (config/railgate.yaml) on requests, and checks of the answer */
        static const char *const local[] = {
            "  - guardrail_name: no-secrets",
            "    litellm_params: {guardrail: railgate, mode: pre_call, default_on: true,",
            "                     checks: [{id: railgate.secrets, parameters: {scope: all}}]}",
            "  - guardrail_name: no-injection",
            "    litellm_params: {guardrail: railgate, mode: pre_call, default_on: true,",
            "                     checks: [{id: railgate.promptInjection}]}",
            "  - guardrail_name: pii-redact",
            "    litellm_params: {guardrail: railgate, mode: pre_call, default_on: true,",
            "                     checks: [{id: railgate.pii, parameters: {action: redact, scope: all}}]}",
            "  - guardrail_name: no-secrets-in-answers",
            "    litellm_params: {guardrail: railgate, mode: post_call, default_on: true,",
            "                     checks: [{id: railgate.secrets}]}",
            "  - guardrail_name: pii-redact-answers",
            "    litellm_params: {guardrail: railgate, mode: post_call, default_on: true,",
            "                     checks: [{id: railgate.pii, parameters: {action: redact}}]}",
        };
        for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
            yb_line(&b, NULL, "%s", local[i]);
    }
    yb_line(&b, NULL, "railgate_settings:");
    yb_line(&b, NULL, "  host: 0.0.0.0");
    const char *v = env(g, "AKTO_PROXY_PORT");
    yb_value(&b, "  port", v ? "AKTO_PROXY_PORT" : NULL, v ? v : "8080");
    if ((v = env(g, "LOG_LEVEL")))
        yb_value(&b, "  log_level", "LOG_LEVEL", v);
    v = env(g, "REQUEST_TIMEOUT");
    yb_value(&b, "  upstream_timeout", v ? "REQUEST_TIMEOUT" : NULL, v ? v : "120");
    yb_value(&b, "  upstream_read_timeout", v ? "REQUEST_TIMEOUT" : NULL, v ? v : "120");
    v = env(g, "MAX_REQUEST_SIZE");
    yb_value(&b, "  max_request_body", v && !is_zero(v) ? "MAX_REQUEST_SIZE" : NULL, v && !is_zero(v) ? v : "1gb");
    v = env(g, "MAX_RESPONSE_SIZE");
    yb_value(&b, "  max_response_buffered", v && !is_zero(v) ? "MAX_RESPONSE_SIZE" : NULL,
             v && !is_zero(v) ? v : "64mb");
    yb_line(&b, NULL, "  agent_proxy:");
    yb_value(&b, "    app_url", "APP_URL", app);
    static const struct {
        const char *var, *key;
    } pass[] = {
        {"MAX_REQUEST_SIZE", "    max_request_size"},
        {"MAX_RESPONSE_SIZE", "    max_response_size"},
        {"ALLOWED_HTTP_METHODS", "    allowed_http_methods"},
        {"GUARDRAIL_ENDPOINTS", "    guardrail_endpoints"},
        {"GUARDRAIL_FIELD_MAPPING", "    guardrail_field_mapping"},
        {"APPLY_GUARDRAILS_TO_SSE", "    apply_guardrails_to_sse"},
    };
    for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
        if ((v = env(g, pass[i].var)))
            yb_value(&b, pass[i].key, pass[i].var, v);
    if (b.oom) {
        free(b.p);
        rg_errors_add(errs, "environment: out of memory (or a value over 400 bytes where a number is expected)");
        return NULL;
    }
    return b.p;
}

/* "environment:N: message" → "VAR: message" when line N came from VAR. */
static void name_errors(rg_errors_t *errs, size_t from, const char **lines, size_t n_lines)
{
    static const char src[] = "environment:";
    for (size_t i = from; i < errs->n; i++) {
        char *m = errs->items[i];
        if (strncmp(m, src, sizeof(src) - 1) != 0)
            continue;
        char *end;
        unsigned long line = strtoul(m + sizeof(src) - 1, &end, 10);
        if (end == m + sizeof(src) - 1 || *end != ':' || line == 0 || line > n_lines || lines[line - 1] == NULL)
            continue;
        const char *rest = end + 1;
        while (*rest == ' ')
            rest++;
        size_t need = strlen(lines[line - 1]) + strlen(rest) + 3;
        char *n = malloc(need);
        if (n == NULL)
            continue;
        snprintf(n, need, "%s: %s", lines[line - 1], rest);
        free(m);
        errs->items[i] = n;
    }
}

rg_config_t *rg_agent_config_from_env(rg_agent_getenv_fn g, const rg_overrides_t *ov, rg_errors_t *errs)
{
    const char *lines[RG_AGENT_YAML_LINES];
    char *yaml = rg_agent_env_yaml(g, errs, lines, RG_AGENT_YAML_LINES);
    if (yaml == NULL)
        return NULL;
    size_t before = errs->n;
    rg_config_t *c = rg_config_parse("environment", yaml, strlen(yaml), ov, errs);
    free(yaml);
    name_errors(errs, before, lines, RG_AGENT_YAML_LINES);
    if (c && c->agent == NULL) { /* cannot happen: the YAML always has the section */
        rg_config_unref(c);
        rg_errors_add(errs, "environment: agent_proxy section missing");
        return NULL;
    }
    return c;
}

/* Length of one '.' at p (a literal dot or %2e), 0 if none. */
static size_t dot_at(const char *p, size_t n)
{
    if (n >= 1 && p[0] == '.')
        return 1;
    if (n >= 3 && p[0] == '%' && p[1] == '2' && (p[2] == 'e' || p[2] == 'E'))
        return 3;
    return 0;
}

int rg_agent_path_has_dot_segment(const char *p, size_t plen)
{
    size_t i = 0;
    while (i < plen && p[i] != '?') {
        /* at the start of a segment (after '/', or a path not starting with one) */
        size_t j = i, dots = 0, d;
        while (dots < 3 && j < plen && (d = dot_at(p + j, plen - j)) != 0)
            j += d, dots++;
        if ((dots == 1 || dots == 2) && (j == plen || p[j] == '/' || p[j] == '?'))
            return 1;
        while (i < plen && p[i] != '/' && p[i] != '?')
            i++;
        if (i < plen && p[i] == '/')
            i++;
    }
    return 0;
}
