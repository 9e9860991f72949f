/*
 * mockup -- a fast mock OpenAI-compatible upstream for Railgate's integration
 * tests and benchmarks.  Loopback use only.  See docs/internals/mockup.md.
 *
 *   mockup [--port N] [--host 127.0.0.1] [--threads N]
 *
 * Prints exactly one line "port=NNNN" on stdout once every listener is ready.
 *
 * Build:
 *   cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -o tests/mock/mockup \
 *      tests/mock/mockup.c -lh2o -luv -lssl -lcrypto -ljansson -lpthread
 *
 * URL layout:  /[MODE/]<openai route>   (MODE defaults to json)
 *   modes:  json structured sse slow truncated garbage status/NNN hang
 *   (structured = json whose answer text is a JSON object, MOCK_JSON_CONTENT)
 *   routes: POST .../chat/completions, POST .../completions,
 *           POST .../embeddings, GET .../models
 *   control: GET /_last, GET /_last/hook, GET /_count, POST /_reset
 *   guardrail peers (not under a mode):
 *           POST /webhook     Portkey's default.webhook protocol (see mock_webhook)
 *           POST /log         default.log sink: 200 {"ok":true}
 *           HEAD|GET /page/ok 200;  /page/missing 404;  /page/moved 301 → /page/ok
 *           GET /jwks         the test JWKS of tests/keys/ (MOCK_JWKS)
 *           /webhook and /log honour x-mock-delay-ms and x-mock-status: NNN.
 *   sse options (header or query): x-mock-chunk-delay-ms, x-mock-repeat,
 *           x-mock-content (the streamed text), x-mock-split-seed and
 *           x-mock-split-max (the stream's bytes re-cut at random places)
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <h2o.h>
#include <h2o/socket/uv-binding.h>
#include <jansson.h>
#include <uv.h>

#define MOCK_CONTENT "Hello from mockup. The answer is 42."
/* the answer text of the structured mode, already escaped for a JSON string:
 * {"answer":42,"summary":"Hello from mockup."} */
#define MOCK_JSON_CONTENT "{\\\"answer\\\":42,\\\"summary\\\":\\\"Hello from mockup.\\\"}"
#define MOCK_CREATED "1700000000"
#define MOCK_USAGE "{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14}"
#define MAX_DELAY_MS (3600u * 1000u)
#define DEFAULT_SLOW_DELAY_MS 2000u
#define TRUNCATED_CONTENT_LENGTH 500u
#define TRUNCATED_BODY_BYTES 40u
#define TRUNCATED_STREAM_EVENTS 2u
#define MAX_WORDS 32
#define PROBE_INTERVAL_MS 100

/* ------------------------------------------------------------------------ */
/* static response fragments                                                 */

enum route { ROUTE_NONE, ROUTE_CHAT, ROUTE_COMPLETIONS, ROUTE_EMBEDDINGS, ROUTE_MODELS };
enum mode { MODE_JSON, MODE_STRUCTURED, MODE_SSE, MODE_SLOW, MODE_TRUNCATED, MODE_GARBAGE, MODE_STATUS, MODE_HANG };

static const struct {
    const char *name;
    size_t len;
    enum mode mode;
} mode_names[] = {
    {H2O_STRLIT("json"), MODE_JSON},           {H2O_STRLIT("sse"), MODE_SSE},         {H2O_STRLIT("slow"), MODE_SLOW},
    {H2O_STRLIT("structured"), MODE_STRUCTURED},
    {H2O_STRLIT("truncated"), MODE_TRUNCATED}, {H2O_STRLIT("garbage"), MODE_GARBAGE}, {H2O_STRLIT("status"), MODE_STATUS},
    {H2O_STRLIT("hang"), MODE_HANG},
};

/* A non-streaming body is  pre[route] + model + post[route]  (models: pre only). */
static const h2o_iovec_t body_pre[] = {
    [ROUTE_CHAT] = {H2O_STRLIT("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":" MOCK_CREATED ",\"model\":\"")},
    [ROUTE_COMPLETIONS] = {H2O_STRLIT("{\"id\":\"cmpl-mock\",\"object\":\"text_completion\",\"created\":" MOCK_CREATED
                                      ",\"model\":\"")},
    [ROUTE_EMBEDDINGS] = {H2O_STRLIT("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
                                     "[0.125,-0.25,0.375,-0.5,0.625,-0.75,0.875,-1.0]}],\"model\":\"")},
    [ROUTE_MODELS] = {H2O_STRLIT("{\"object\":\"list\",\"data\":[{\"id\":\"mock\",\"object\":\"model\",\"created\":" MOCK_CREATED
                                 ",\"owned_by\":\"mockup\"}]}")},
};
static const h2o_iovec_t body_post[] = {
    [ROUTE_CHAT] = {H2O_STRLIT("\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" MOCK_CONTENT
                               "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" MOCK_USAGE "}")},
    [ROUTE_COMPLETIONS] = {H2O_STRLIT("\",\"choices\":[{\"text\":\"" MOCK_CONTENT
                                      "\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" MOCK_USAGE "}")},
    [ROUTE_EMBEDDINGS] = {H2O_STRLIT("\",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}")},
    [ROUTE_MODELS] = {NULL, 0},
};
/* body_post for the structured mode (chat and completions; other routes use body_post) */
static const h2o_iovec_t body_post_structured[] = {
    [ROUTE_CHAT] = {H2O_STRLIT("\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" MOCK_JSON_CONTENT
                               "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" MOCK_USAGE "}")},
    [ROUTE_COMPLETIONS] = {H2O_STRLIT("\",\"choices\":[{\"text\":\"" MOCK_JSON_CONTENT
                                      "\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" MOCK_USAGE "}")},
};

static const h2o_iovec_t no_route_body = {
    H2O_STRLIT("{\"error\":{\"message\":\"mock: no route\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}")};
static const h2o_iovec_t garbage_json_body = {H2O_STRLIT("<html>this is not json")};
static const h2o_iovec_t garbage_sse_body = {H2O_STRLIT("this is not sse at all\n\n")};
static const h2o_iovec_t sse_done = {H2O_STRLIT("data: [DONE]\n\n")};
static const h2o_iovec_t default_model = {H2O_STRLIT("mock")};
static h2o_iovec_t empty_iovec = {NULL, 0}; /* h2o_send wants a valid array even for zero buffers */

/* MOCK_CONTENT split into words; every word but the first keeps its leading space */
static h2o_iovec_t words[MAX_WORDS];
static size_t num_words;

/* every response finishes with FINAL before on_req returns, so nothing is ever called back */
static h2o_generator_t oneshot_generator = {NULL, NULL};

/* ------------------------------------------------------------------------ */
/* recording of the last OpenAI-route request                                */

struct recording {
    pthread_mutex_t mu;
    unsigned long long count;
    int have;
    char *buf; /* method | path | body | name0 value0 name1 value1 ... */
    size_t cap;
    size_t method_len, path_len, body_len;
    size_t *hdr_lens; /* 2 entries per header: name_len, value_len */
    size_t hdr_cap, num_hdrs;
};
/* last: the last OpenAI-route request; last_hook: the last POST /webhook or /log */
static struct recording last = {.mu = PTHREAD_MUTEX_INITIALIZER}, last_hook = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *xrealloc(void *p, size_t sz)
{
    void *q = realloc(p, sz);
    if (q == NULL) {
        fprintf(stderr, "mockup: out of memory\n");
        abort();
    }
    return q;
}

static void record_request(struct recording *rec, h2o_req_t *req)
{
    h2o_iovec_t method = req->input.method, path = req->input.path;
    h2o_iovec_t body = req->entity.base != NULL ? req->entity : h2o_iovec_init("", 0);
    /* h2o moves Host into req->input.authority; record it like an ordinary header */
    h2o_iovec_t host = req->input.authority;
    int add_host = host.len != 0 && h2o_find_header(&req->headers, H2O_TOKEN_HOST, -1) == -1;
    size_t num_hdrs = req->headers.size + (add_host ? 1 : 0);
    size_t need = method.len + path.len + body.len + (add_host ? 4 + host.len : 0), i;
    for (i = 0; i != req->headers.size; ++i)
        need += req->headers.entries[i].name->len + req->headers.entries[i].value.len;

    pthread_mutex_lock(&rec->mu);
    ++rec->count;
    if (need > rec->cap) {
        rec->cap = need + need / 2 + 256;
        rec->buf = xrealloc(rec->buf, rec->cap);
    }
    if (num_hdrs * 2 > rec->hdr_cap) {
        rec->hdr_cap = num_hdrs * 2 + 16;
        rec->hdr_lens = xrealloc(rec->hdr_lens, rec->hdr_cap * sizeof(size_t));
    }
    char *dst = rec->buf;
    memcpy(dst, method.base, method.len), dst += method.len;
    memcpy(dst, path.base, path.len), dst += path.len;
    if (body.len != 0)
        memcpy(dst, body.base, body.len), dst += body.len;
    size_t *lens = rec->hdr_lens;
    if (add_host) {
        memcpy(dst, "host", 4), dst += 4;
        memcpy(dst, host.base, host.len), dst += host.len;
        *lens++ = 4;
        *lens++ = host.len;
    }
    for (i = 0; i != req->headers.size; ++i) {
        const h2o_header_t *h = req->headers.entries + i;
        size_t k;
        for (k = 0; k != h->name->len; ++k)
            dst[k] = h2o_tolower(h->name->base[k]);
        dst += k;
        memcpy(dst, h->value.base, h->value.len), dst += h->value.len;
        *lens++ = h->name->len;
        *lens++ = h->value.len;
    }
    rec->method_len = method.len;
    rec->path_len = path.len;
    rec->body_len = body.len;
    rec->num_hdrs = num_hdrs;
    rec->have = 1;
    pthread_mutex_unlock(&rec->mu);
}

/* length of the valid UTF-8 sequence at s (0 if invalid) */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t len, i;
    if (c < 0x80)
        return 1;
    if (c < 0xc2 || c > 0xf4)
        return 0;
    if (c < 0xe0) {
        len = 2;
    } else if (c < 0xf0) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; ++i)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

/* JSON string from arbitrary bytes; invalid UTF-8 is replaced by U+FFFD */
static json_t *json_string_lossy(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j != NULL)
        return j;
    char *tmp = xrealloc(NULL, n * 3 + 1);
    size_t i = 0, o = 0;
    while (i < n) {
        size_t l = utf8_seq_len((const unsigned char *)s + i, n - i);
        if (l != 0) {
            memcpy(tmp + o, s + i, l);
            o += l, i += l;
        } else {
            memcpy(tmp + o, "\xef\xbf\xbd", 3);
            o += 3, ++i;
        }
    }
    j = json_stringn(tmp, o);
    free(tmp);
    return j != NULL ? j : json_string("");
}

static char *dump_last_request(struct recording *rec)
{
    json_t *root = json_object(), *headers = json_object();
    pthread_mutex_lock(&rec->mu);
    if (!rec->have) {
        json_object_set_new(root, "method", json_null());
        json_object_set_new(root, "path", json_null());
        json_object_set_new(root, "headers", headers);
        json_object_set_new(root, "body", json_null());
    } else {
        const char *p = rec->buf;
        json_object_set_new(root, "method", json_string_lossy(p, rec->method_len));
        p += rec->method_len;
        json_object_set_new(root, "path", json_string_lossy(p, rec->path_len));
        p += rec->path_len;
        json_t *body = json_string_lossy(p, rec->body_len);
        p += rec->body_len;
        for (size_t i = 0; i != rec->num_hdrs; ++i) {
            size_t nl = rec->hdr_lens[i * 2], vl = rec->hdr_lens[i * 2 + 1];
            char *name = xrealloc(NULL, nl + 1);
            memcpy(name, p, nl);
            name[nl] = '\0';
            json_t *value = json_string_lossy(p + nl, vl), *prev = json_object_get(headers, name);
            if (prev != NULL) { /* repeated header: join like a proxy would */
                const char *a = json_string_value(prev), *b = json_string_value(value);
                size_t al = json_string_length(prev), bl = json_string_length(value);
                char *joined = xrealloc(NULL, al + bl + 2);
                memcpy(joined, a, al);
                memcpy(joined + al, ", ", 2);
                memcpy(joined + al + 2, b, bl);
                json_decref(value);
                value = json_stringn(joined, al + bl + 2);
                free(joined);
            }
            if (value != NULL)
                json_object_set_new(headers, name, value); /* steals value, even on failure */
            free(name);
            p += nl + vl;
        }
        json_object_set_new(root, "headers", headers);
        json_object_set_new(root, "body", body);
    }
    pthread_mutex_unlock(&rec->mu);
    char *s = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return s;
}

/* ------------------------------------------------------------------------ */
/* cheap request-body scan: top-level "model", "stream", stream_options      */

struct body_info {
    h2o_iovec_t model; /* raw (still JSON-escaped) string contents; copied into the request pool */
    int stream;
    int include_usage;
};

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        ++p;
    return p;
}

/* p points at the opening quote; returns pointer past the closing quote (NULL if unterminated) */
static const char *scan_string(const char *p, const char *end, const char **s, size_t *len)
{
    const char *start = ++p;
    while (p < end) {
        if (*p == '\\') {
            p += 2;
        } else if (*p == '"') {
            *s = start;
            *len = (size_t)(p - start);
            return p + 1;
        } else {
            ++p;
        }
    }
    return NULL;
}

/* skips any JSON value without validating it; NULL on truncation */
static const char *skip_value(const char *p, const char *end)
{
    const char *s;
    size_t l, depth = 0;
    if (p >= end)
        return NULL;
    if (*p == '"')
        return scan_string(p, end, &s, &l);
    if (*p != '{' && *p != '[') {
        while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            ++p;
        return p;
    }
    while (p < end) {
        switch (*p) {
        case '"':
            if ((p = scan_string(p, end, &s, &l)) == NULL)
                return NULL;
            continue;
        case '{':
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            if (--depth == 0)
                return p + 1;
            break;
        default:
            break;
        }
        ++p;
    }
    return NULL;
}

static int is_true_literal(const char *p, const char *end)
{
    return end - p >= 4 && memcmp(p, "true", 4) == 0 &&
           (end - p == 4 || strchr(",}] \t\r\n", p[4]) != NULL);
}

#define KEY_IS(s, l, lit) ((l) == sizeof(lit) - 1 && memcmp((s), lit, sizeof(lit) - 1) == 0)

/* walks the members of the object at p picking up the keys we care about; 0 on success */
static int scan_object(const char *p, const char *end, struct body_info *info, int nested)
{
    p = skip_ws(p, end);
    if (p >= end || *p != '{')
        return -1;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}')
        return 0;
    while (p < end) {
        const char *key;
        size_t keylen;
        if (*p != '"' || (p = scan_string(p, end, &key, &keylen)) == NULL)
            return -1;
        p = skip_ws(p, end);
        if (p >= end || *p != ':')
            return -1;
        p = skip_ws(p + 1, end);
        if (p >= end)
            return -1;
        if (!nested) {
            if (KEY_IS(key, keylen, "model") && *p == '"') {
                const char *s;
                size_t l;
                if (scan_string(p, end, &s, &l) != NULL)
                    info->model = h2o_iovec_init(s, l);
            } else if (KEY_IS(key, keylen, "stream")) {
                info->stream = is_true_literal(p, end);
            } else if (KEY_IS(key, keylen, "stream_options") && *p == '{') {
                scan_object(p, end, info, 1);
            }
        } else if (KEY_IS(key, keylen, "include_usage")) {
            info->include_usage = is_true_literal(p, end);
        }
        if ((p = skip_value(p, end)) == NULL)
            return -1;
        p = skip_ws(p, end);
        if (p >= end)
            return -1;
        if (*p == '}')
            return 0;
        if (*p != ',')
            return -1;
        p = skip_ws(p + 1, end);
    }
    return -1;
}

static void scan_body(h2o_req_t *req, struct body_info *info)
{
    info->model = default_model;
    info->stream = 0;
    info->include_usage = 0;
    if (req->entity.base == NULL || req->entity.len == 0)
        return;
    scan_object(req->entity.base, req->entity.base + req->entity.len, info, 0);
    if (info->model.base != default_model.base) {
        /* control characters would make our output invalid JSON; fall back */
        for (size_t i = 0; i != info->model.len; ++i) {
            if ((unsigned char)info->model.base[i] < 0x20) {
                info->model = default_model;
                return;
            }
        }
        /* the entity buffer is not ours to keep referencing while the response is written */
        char *copy = h2o_mem_alloc_pool(&req->pool, info->model.len + 1);
        memcpy(copy, info->model.base, info->model.len);
        info->model = h2o_iovec_init(copy, info->model.len);
    }
}

/* ------------------------------------------------------------------------ */
/* request helpers                                                           */

static h2o_iovec_t pool_printf(h2o_mem_pool_t *pool, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static h2o_iovec_t pool_printf(h2o_mem_pool_t *pool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return h2o_iovec_init("", 0);
    char *buf = h2o_mem_alloc_pool(pool, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return h2o_iovec_init(buf, (size_t)n);
}

/* looks up a request header, then the same name (or alias) as a query parameter */
static int find_param(h2o_req_t *req, const char *header, const char *alias, h2o_iovec_t *out)
{
    ssize_t idx = h2o_find_header_by_str(&req->headers, header, strlen(header), -1);
    if (idx != -1) {
        *out = req->headers.entries[idx].value;
        return 1;
    }
    if (req->query_at == SIZE_MAX)
        return 0;
    const char *p = req->path.base + req->query_at + 1, *end = req->path.base + req->path.len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *kv_end = amp != NULL ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(kv_end - p));
        const char *key_end = eq != NULL ? eq : kv_end;
        size_t klen = (size_t)(key_end - p);
        if ((klen == strlen(header) && memcmp(p, header, klen) == 0) ||
            (alias != NULL && klen == strlen(alias) && memcmp(p, alias, klen) == 0)) {
            *out = eq != NULL ? h2o_iovec_init(eq + 1, (size_t)(kv_end - eq - 1)) : h2o_iovec_init("", 0);
            return 1;
        }
        p = kv_end + 1;
    }
    return 0;
}

static uint64_t param_ms(h2o_req_t *req, const char *header, const char *alias, uint64_t dflt)
{
    h2o_iovec_t v;
    if (!find_param(req, header, alias, &v))
        return dflt;
    uint64_t ms = 0;
    size_t i = 0;
    while (i < v.len && v.base[i] == ' ')
        ++i;
    if (i == v.len || v.base[i] < '0' || v.base[i] > '9')
        return dflt;
    for (; i < v.len && v.base[i] >= '0' && v.base[i] <= '9'; ++i) {
        ms = ms * 10 + (uint64_t)(v.base[i] - '0');
        if (ms > MAX_DELAY_MS)
            return MAX_DELAY_MS;
    }
    return ms;
}

static void set_common_headers(h2o_req_t *req, int status, const char *reason, const char *ctype, size_t ctype_len)
{
    req->res.status = status;
    req->res.reason = reason;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, ctype, ctype_len);
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-mock"), 0, NULL, H2O_STRLIT("1"));
}

static void send_oneshot(h2o_req_t *req, int status, const char *reason, const char *ctype, size_t ctype_len, h2o_iovec_t *bufs,
                         size_t bufcnt)
{
    size_t i, len = 0;
    set_common_headers(req, status, reason, ctype, ctype_len);
    for (i = 0; i != bufcnt; ++i)
        len += bufs[i].len;
    req->res.content_length = len;
    h2o_start_response(req, &oneshot_generator);
    h2o_send(req, bufs, bufcnt, H2O_SEND_STATE_FINAL);
}

static void send_json(h2o_req_t *req, int status, const char *reason, h2o_iovec_t body)
{
    send_oneshot(req, status, reason, H2O_STRLIT("application/json"), &body, 1);
}

/* builds the iovecs of the normal (non-streaming) body of a route; returns the count */
static size_t build_body(enum route route, h2o_iovec_t model, int structured, h2o_iovec_t *bufs)
{
    size_t n = 0;
    bufs[n++] = body_pre[route];
    if (body_post[route].len != 0) {
        bufs[n++] = model;
        bufs[n++] = structured && (route == ROUTE_CHAT || route == ROUTE_COMPLETIONS) ? body_post_structured[route] : body_post[route];
    }
    return n;
}

static void respond_normal(h2o_req_t *req, enum route route, h2o_iovec_t model, int structured)
{
    h2o_iovec_t bufs[3];
    size_t n = build_body(route, model, structured, bufs);
    send_oneshot(req, 200, "OK", H2O_STRLIT("application/json"), bufs, n);
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 301: return "Moved Permanently";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Mock Status";
    }
}

static void respond_status(h2o_req_t *req, int status)
{
    if (status == 204 || status == 304) { /* no body allowed */
        set_common_headers(req, status, reason_phrase(status), H2O_STRLIT("application/json"));
        h2o_start_response(req, &oneshot_generator);
        h2o_send(req, &empty_iovec, 0, H2O_SEND_STATE_FINAL);
        return;
    }
    h2o_iovec_t body = pool_printf(&req->pool,
                                   "{\"error\":{\"message\":\"mock status %d\",\"type\":\"mock_error\",\"param\":null,\"code\":\"%d\"}}",
                                   status, status);
    send_json(req, status, reason_phrase(status), body);
}

/* ------------------------------------------------------------------------ */
/* delayed / streaming responses                                             */

struct job {
    h2o_generator_t gen; /* must stay first: the generator callbacks cast back to the job */
    h2o_req_t *req;      /* NULL once the request is gone */
    uv_timer_t timer;    /* initial delay (slow), then the delay between events */
    uv_timer_t probe;    /* while nothing has been sent: polls for the client going away */
    int open_handles;
    enum route route;
    enum mode mode;
    struct body_info info;
    uint64_t chunk_delay_ms;
    uint64_t repeat; /* x-mock-repeat: the word events are sent this many times (big streams) */
    h2o_iovec_t *words; /* the content's words: MOCK_CONTENT's, or x-mock-content's (JSON-escaped) */
    size_t num_words;
    uint64_t split_seed, split_max; /* x-mock-split-seed (+1; 0 = off) and x-mock-split-max */
    h2o_iovec_t *events;
    size_t num_events, next_event;
};

static void job_on_handle_closed(uv_handle_t *handle)
{
    struct job *job = handle->data;
    if (--job->open_handles == 0)
        free(job);
}

/* runs when the request's pool is cleared (response done, or connection closed) */
static void job_on_req_dispose(void *p)
{
    struct job *job = *(struct job **)p;
    job->req = NULL;
    uv_timer_stop(&job->timer);
    uv_timer_stop(&job->probe);
    uv_close((uv_handle_t *)&job->timer, job_on_handle_closed);
    uv_close((uv_handle_t *)&job->probe, job_on_handle_closed);
}

/*
 * h2o 2.2 stops reading an HTTP/1 connection once the request is complete, so a client that
 * leaves before we answer goes unnoticed (CLOSE_WAIT) until we write.  While a job has not
 * answered yet we therefore peek at the socket; on EOF/error we answer into the void with a
 * non-persistent response, which makes h2o close the connection and dispose of the request.
 */
static int client_is_gone(h2o_req_t *req)
{
    h2o_socket_t *sock = req->conn->callbacks->get_socket != NULL ? req->conn->callbacks->get_socket(req->conn) : NULL;
    int fd = sock != NULL ? h2o_socket_get_fd(sock) : -1;
    char c;
    if (fd < 0)
        return 0;
    ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void job_on_probe(uv_timer_t *timer)
{
    struct job *job = timer->data;
    h2o_req_t *req = job->req;
    if (req == NULL || !client_is_gone(req))
        return;
    uv_timer_stop(&job->probe);
    uv_timer_stop(&job->timer);
    req->http1_is_persistent = 0;
    req->res.status = 499;
    req->res.reason = "Client Closed Request";
    req->res.content_length = 0;
    h2o_start_response(req, &oneshot_generator);
    h2o_send(req, &empty_iovec, 0, H2O_SEND_STATE_FINAL);
}

static struct job *job_create(h2o_req_t *req, enum route route, enum mode mode, const struct body_info *info)
{
    struct job *job = xrealloc(NULL, sizeof(*job));
    memset(job, 0, sizeof(*job));
    job->req = req;
    job->route = route;
    job->mode = mode;
    job->info = *info;
    job->words = words;
    job->num_words = num_words;
    uv_timer_init(req->conn->ctx->loop, &job->timer);
    uv_timer_init(req->conn->ctx->loop, &job->probe);
    job->timer.data = job->probe.data = job;
    job->open_handles = 2;
    struct job **slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), job_on_req_dispose);
    *slot = job;
    return job;
}

static void job_start_probe(struct job *job)
{
    uv_timer_start(&job->probe, job_on_probe, PROBE_INTERVAL_MS, PROBE_INTERVAL_MS);
}

static void build_events(struct job *job)
{
    h2o_mem_pool_t *pool = &job->req->pool;
    h2o_iovec_t model = job->info.model;
    size_t n = 0, i;
    size_t rep = job->repeat ? (size_t)job->repeat : 1, r;
    job->events = h2o_mem_alloc_pool(pool, sizeof(h2o_iovec_t) * (job->num_words * rep + 3));
    if (job->route == ROUTE_CHAT) {
        static const char fmt[] = "data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":" MOCK_CREATED
                                  ",\"model\":\"%.*s\",\"choices\":[{\"index\":0,\"delta\":{%s%s%.*s%s},\"logprobs\":null,"
                                  "\"finish_reason\":%s}]}\n\n";
        for (r = 0; r != rep; ++r)
            for (i = 0; i != job->num_words; ++i)
                job->events[n++] = pool_printf(pool, fmt, (int)model.len, model.base,
                                               i == 0 && r == 0 ? "\"role\":\"assistant\"," : "", "\"content\":\"",
                                               (int)job->words[i].len, job->words[i].base, "\"", "null");
        job->events[n++] = pool_printf(pool, fmt, (int)model.len, model.base, "", "", 0, "", "", "\"stop\"");
        if (job->info.include_usage)
            job->events[n++] = pool_printf(pool,
                                           "data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":" MOCK_CREATED
                                           ",\"model\":\"%.*s\",\"choices\":[],\"usage\":" MOCK_USAGE "}\n\n",
                                           (int)model.len, model.base);
    } else {
        static const char fmt[] = "data: {\"id\":\"cmpl-mock\",\"object\":\"text_completion\",\"created\":" MOCK_CREATED
                                  ",\"model\":\"%.*s\",\"choices\":[{\"text\":\"%.*s\",\"index\":0,\"logprobs\":null,"
                                  "\"finish_reason\":%s}]}\n\n";
        for (i = 0; i != job->num_words; ++i)
            job->events[n++] = pool_printf(pool, fmt, (int)model.len, model.base, (int)job->words[i].len, job->words[i].base, "null");
        job->events[n++] = pool_printf(pool, fmt, (int)model.len, model.base, 0, "", "\"stop\"");
        if (job->info.include_usage)
            job->events[n++] = pool_printf(pool,
                                           "data: {\"id\":\"cmpl-mock\",\"object\":\"text_completion\",\"created\":" MOCK_CREATED
                                           ",\"model\":\"%.*s\",\"choices\":[],\"usage\":" MOCK_USAGE "}\n\n",
                                           (int)model.len, model.base);
    }
    job->events[n++] = sse_done;
    job->num_events = n;
}

/* x-mock-content: the words of the given text (split before spaces, as MOCK_CONTENT), JSON-escaped */
static void content_words(struct job *job, h2o_iovec_t v)
{
    h2o_mem_pool_t *pool = &job->req->pool;
    char *esc = h2o_mem_alloc_pool(pool, v.len * 6 + 1);
    size_t *starts = h2o_mem_alloc_pool(pool, sizeof(size_t) * (v.len + 1)), n = 0, o = 0, i;
    job->words = h2o_mem_alloc_pool(pool, sizeof(h2o_iovec_t) * (v.len + 1));
    job->num_words = 0;
    for (i = 0; i != v.len; ++i) {
        unsigned char c = (unsigned char)v.base[i];
        if (i == 0 || c == ' ')
            starts[n++] = o;
        if (c == '"' || c == '\\') {
            esc[o++] = '\\';
            esc[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)sprintf(esc + o, "\\u%04x", c);
        } else {
            esc[o++] = (char)c;
        }
    }
    for (i = 0; i != n; ++i)
        job->words[job->num_words++] = h2o_iovec_init(esc + starts[i], (i + 1 < n ? starts[i + 1] : o) - starts[i]);
}

/* x-mock-split-seed: the whole stream's bytes re-cut into pieces of 1..max bytes at pseudo-random places */
static void split_events(struct job *job, uint64_t seed, uint64_t max)
{
    h2o_mem_pool_t *pool = &job->req->pool;
    size_t total = 0, i, n = 0, off = 0;
    for (i = 0; i != job->num_events; ++i)
        total += job->events[i].len;
    char *all = h2o_mem_alloc_pool(pool, total + 1);
    for (i = 0; i != job->num_events; ++i) {
        memcpy(all + off, job->events[i].base, job->events[i].len);
        off += job->events[i].len;
    }
    h2o_iovec_t *pieces = h2o_mem_alloc_pool(pool, sizeof(h2o_iovec_t) * (total + 1));
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (off = 0; off < total;) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t k = 1 + (size_t)(x % max);
        if (k > total - off)
            k = total - off;
        pieces[n++] = h2o_iovec_init(all + off, k);
        off += k;
    }
    job->events = pieces;
    job->num_events = n;
}

/* sends the next event; in truncated mode the last event we send carries H2O_SEND_STATE_ERROR */
static void job_step(struct job *job)
{
    h2o_iovec_t ev = job->events[job->next_event++];
    h2o_send_state_t state = job->next_event == job->num_events ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS;
    /* Over HTTP/1.1 chunked encoding h2o reacts to ERROR by appending a deliberately broken chunk
     * ("\r\n1\r\n") and closing.  Attached to a data chunk that yields "complete events, then a
     * chunk that never arrives" (curl: 18).  An ERROR with no data after a finished chunk would
     * instead put garbage where a chunk size belongs (curl: 56), so never send ERROR on its own. */
    if (job->mode == MODE_TRUNCATED && job->next_event == TRUNCATED_STREAM_EVENTS)
        state = H2O_SEND_STATE_ERROR;
    h2o_send(job->req, &ev, 1, state);
}

static void job_on_chunk_timer(uv_timer_t *timer)
{
    struct job *job = timer->data;
    if (job->req != NULL)
        job_step(job);
}

static void job_on_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
    struct job *job = (struct job *)gen;
    (void)req;
    if (job->chunk_delay_ms != 0)
        uv_timer_start(&job->timer, job_on_chunk_timer, job->chunk_delay_ms, 0);
    else
        job_step(job);
}

static void job_on_stop(h2o_generator_t *gen, h2o_req_t *req)
{
    struct job *job = (struct job *)gen;
    (void)req;
    uv_timer_stop(&job->timer);
}

static void job_start_stream(struct job *job)
{
    h2o_req_t *req = job->req;
    build_events(job);
    if (job->split_seed != 0)
        split_events(job, job->split_seed - 1, job->split_max);
    job->gen.proceed = job_on_proceed;
    job->gen.stop = job_on_stop;
    set_common_headers(req, 200, "OK", H2O_STRLIT("text/event-stream"));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-cache"));
    h2o_start_response(req, &job->gen);
    job_step(job);
}

static void job_on_delay_timer(uv_timer_t *timer)
{
    struct job *job = timer->data;
    if (job->req == NULL)
        return;
    uv_timer_stop(&job->probe);
    if (job->info.stream)
        job_start_stream(job);
    else
        respond_normal(job->req, job->route, job->info.model, 0);
}

/* ------------------------------------------------------------------------ */
/* dispatch                                                                  */

static int iovec_eq(h2o_iovec_t v, const char *lit, size_t len)
{
    return v.len == len && memcmp(v.base, lit, len) == 0;
}

static int ends_with(const char *s, size_t len, const char *lit, size_t litlen)
{
    return len >= litlen && memcmp(s + len - litlen, lit, litlen) == 0;
}

static enum route match_route(const char *p, size_t len, h2o_iovec_t method)
{
    int is_post = iovec_eq(method, H2O_STRLIT("POST")), is_get = iovec_eq(method, H2O_STRLIT("GET"));
    if (len > 1 && p[len - 1] == '/')
        --len;
    if (ends_with(p, len, H2O_STRLIT("/chat/completions")))
        return is_post ? ROUTE_CHAT : ROUTE_NONE;
    if (ends_with(p, len, H2O_STRLIT("/completions")))
        return is_post ? ROUTE_COMPLETIONS : ROUTE_NONE;
    if (ends_with(p, len, H2O_STRLIT("/embeddings")))
        return is_post ? ROUTE_EMBEDDINGS : ROUTE_NONE;
    if (ends_with(p, len, H2O_STRLIT("/models")))
        return is_get ? ROUTE_MODELS : ROUTE_NONE;
    return ROUTE_NONE;
}

/* ------------------------------------------------------------------------ */
/* guardrail peers: webhook, log sink, pages for validUrls, JWKS              */

/* The test JWKS (public halves of tests/keys/jwt-test-*.pem; TEST ONLY). */
static const char mock_jwks[] = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"railgate-test-rsa\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\"sqx3ahLOaq8ueLeGtT3OLc0aMrOwToutq8mxczycWrZQlt1RDy5oZhBJPzv4CREXMhm2yvbn_5ba8lc_kSZ-nFBheaas_twhaYYHLrSD1s7M0UyezI6v8IDCGL5zXVonvvgFkXq5NV2Y3aqBKVpMAxg4QpDEoB0fd-FS_22Nzz94yFUi0RT8u9H05puFgIJ1vqP0oTZ7WKU5m5hOVQlqEQSxp9fgZAm92TtQuJ8rnTO1f8oi2qz6m_xN3krSD-3umtu33O7wcTFC1to6CWAtgu0Utlna8HaGHkOHp3Qanzt41UXt6lA9Vf7NiEDnSl7gdn6ZN0MnWyURz9syOrzc2w\",\"e\":\"AQAB\"},{\"kty\":\"EC\",\"kid\":\"railgate-test-ec\",\"alg\":\"ES256\",\"use\":\"sig\",\"crv\":\"P-256\",\"x\":\"ayPogRqpZqhS0KdhgcA8kL8WL4l5AOeCFAgT8wwvpIw\",\"y\":\"s_K7-3VHNzd8mRlCFnPkO-3WN58rvzgdJPAsR7vtXU8\"}]}";

/* length of an SSN-like \d{3}-\d{2}-\d{4} at s (11) or 0 */
static size_t ssn_at(const char *s, size_t n)
{
    static const char shape[] = "ddd-dd-dddd";
    if (n < 11)
        return 0;
    for (size_t i = 0; i != 11; ++i)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
            return 0;
    return 11;
}

/* s with every SSN-like run replaced by [SSN-REDACTED]; NULL when there is none */
static json_t *redact_ssn(const char *s, size_t n)
{
    size_t i = 0, out_len = 0, hits = 0;
    char *out = xrealloc(NULL, n * 2 + 16); /* "[SSN-REDACTED]" is 14 for 11 */
    while (i < n) {
        if (ssn_at(s + i, n - i)) {
            memcpy(out + out_len, "[SSN-REDACTED]", 14);
            out_len += 14, i += 11, ++hits;
        } else {
            out[out_len++] = s[i++];
        }
    }
    json_t *j = hits ? json_stringn(out, out_len) : NULL;
    free(out);
    return j;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i != n; ++i)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

/*
 * Portkey's recorded mock webhook (reference portkey-1.15.2, cases 12-14):
 * looks at the last message (beforeRequestHook) or choices[0].message.content
 * (afterRequestHook); verdict false when it contains "forbidden"; an SSN-like
 * \d{3}-\d{2}-\d{4} is redacted to [SSN-REDACTED] in a copy of the JSON sent
 * back as transformedData.request.json / .response.json; data = {seen_chars}.
 * Returns the reply (malloc'd), or NULL when the body is not a hook context.
 */
static char *mock_webhook(const char *body, size_t len)
{
    json_t *ctx = json_loadb(body, len, 0, NULL);
    const char *event = json_string_value(json_object_get(ctx, "eventType"));
    if (ctx == NULL || event == NULL) {
        json_decref(ctx);
        return NULL;
    }
    int after = strcmp(event, "afterRequestHook") == 0;
    json_t *copy = json_deep_copy(json_object_get(json_object_get(ctx, after ? "response" : "request"), "json"));
    json_t *content = NULL;
    if (after) {
        json_t *choice = json_array_get(json_object_get(copy, "choices"), 0);
        content = json_object_get(json_object_get(choice, "message"), "content");
    } else {
        json_t *msgs = json_object_get(copy, "messages");
        content = json_object_get(json_array_get(msgs, json_array_size(msgs) - 1), "content");
    }
    /* the strings to look at: the content, or its parts' text */
    json_t *strs[64];
    size_t n = 0, chars = 0;
    int forbidden = 0, redacted = 0;
    if (json_is_string(content)) {
        strs[n++] = content;
    } else if (json_is_array(content)) {
        size_t i;
        json_t *part;
        json_array_foreach(content, i, part) if (n < 64 && json_is_string(json_object_get(part, "text")))
            strs[n++] = json_object_get(part, "text");
    }
    for (size_t i = 0; i != n; ++i) {
        const char *t = json_string_value(strs[i]);
        size_t tl = json_string_length(strs[i]);
        chars += utf8_chars(t, tl) + (i ? 1 : 0);
        for (size_t k = 0; k + 9 <= tl && !forbidden; ++k)
            forbidden = memcmp(t + k, "forbidden", 9) == 0;
        json_t *r = redact_ssn(t, tl);
        if (r != NULL) {
            json_string_setn(strs[i], json_string_value(r), json_string_length(r));
            json_decref(r);
            redacted = 1;
        }
    }
    json_t *reply = json_pack("{s:b, s:{s:I}}", "verdict", !forbidden, "data", "seen_chars", (json_int_t)chars);
    if (redacted)
        json_object_set_new(reply, "transformedData", json_pack("{s:{s:O}}", after ? "response" : "request", "json", copy));
    char *out = json_dumps(reply, JSON_COMPACT);
    json_decref(reply);
    json_decref(copy);
    json_decref(ctx);
    return out;
}

struct peer_job {
    h2o_req_t *req; /* NULL once the request is gone */
    uv_timer_t timer;
    int status;
    h2o_iovec_t body;
};

static void peer_on_closed(uv_handle_t *h)
{
    free(h->data);
}

static void peer_on_dispose(void *p)
{
    struct peer_job *job = *(struct peer_job **)p;
    job->req = NULL;
    uv_timer_stop(&job->timer);
    uv_close((uv_handle_t *)&job->timer, peer_on_closed);
}

static void peer_send(h2o_req_t *req, int status, h2o_iovec_t body)
{
    send_json(req, status, reason_phrase(status), body);
}

static void peer_on_timer(uv_timer_t *t)
{
    struct peer_job *job = t->data;
    if (job->req != NULL)
        peer_send(job->req, job->status, job->body);
}

/* answers now, or after x-mock-delay-ms; x-mock-status replaces the status (and the body by an error) */
static void peer_reply(h2o_req_t *req, int status, h2o_iovec_t body)
{
    uint64_t st = param_ms(req, "x-mock-status", NULL, 0), delay = param_ms(req, "x-mock-delay-ms", "delay_ms", 0);
    if (st >= 200 && st <= 599 && st != (uint64_t)status) {
        status = (int)st;
        body = pool_printf(&req->pool, "{\"error\":{\"message\":\"mock status %d\",\"code\":%d}}", status, status);
    }
    if (delay == 0) {
        peer_send(req, status, body);
        return;
    }
    struct peer_job *job = xrealloc(NULL, sizeof(*job));
    job->req = req;
    job->status = status;
    job->body = body;
    uv_timer_init(req->conn->ctx->loop, &job->timer);
    job->timer.data = job;
    struct peer_job **slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), peer_on_dispose);
    *slot = job;
    uv_timer_start(&job->timer, peer_on_timer, delay, 0);
}

static void send_page(h2o_req_t *req, int status, const char *location)
{
    static h2o_iovec_t text = {H2O_STRLIT("mock page\n")};
    int head = iovec_eq(req->method, H2O_STRLIT("HEAD"));
    set_common_headers(req, status, reason_phrase(status), H2O_STRLIT("text/plain"));
    if (location != NULL)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LOCATION, NULL, location, strlen(location));
    req->res.content_length = head ? 0 : text.len;
    h2o_start_response(req, &oneshot_generator);
    h2o_send(req, head ? &empty_iovec : &text, head ? 0 : 1, H2O_SEND_STATE_FINAL);
}

static int handle_peer(h2o_req_t *req, h2o_iovec_t path)
{
    int post = iovec_eq(req->method, H2O_STRLIT("POST"));
    int get = iovec_eq(req->method, H2O_STRLIT("GET")), head = iovec_eq(req->method, H2O_STRLIT("HEAD"));
    if (post && iovec_eq(path, H2O_STRLIT("/webhook"))) {
        record_request(&last_hook, req);
        char *r = mock_webhook(req->entity.base ? req->entity.base : "", req->entity.len);
        if (r == NULL) {
            peer_reply(req, 400, h2o_iovec_init(H2O_STRLIT("{\"error\":\"not a hook context\"}")));
            return 1;
        }
        size_t rl = strlen(r);
        char *copy = h2o_mem_alloc_pool(&req->pool, rl);
        memcpy(copy, r, rl);
        free(r);
        peer_reply(req, 200, h2o_iovec_init(copy, rl));
        return 1;
    }
    if (post && iovec_eq(path, H2O_STRLIT("/log"))) {
        record_request(&last_hook, req);
        peer_reply(req, 200, h2o_iovec_init(H2O_STRLIT("{\"ok\":true}")));
        return 1;
    }
    if ((get || head) && iovec_eq(path, H2O_STRLIT("/page/ok"))) {
        send_page(req, 200, NULL);
        return 1;
    }
    if ((get || head) && iovec_eq(path, H2O_STRLIT("/page/missing"))) {
        send_page(req, 404, NULL);
        return 1;
    }
    if ((get || head) && iovec_eq(path, H2O_STRLIT("/page/moved"))) {
        send_page(req, 301, "/page/ok");
        return 1;
    }
    if (get && iovec_eq(path, H2O_STRLIT("/jwks"))) {
        send_json(req, 200, "OK", h2o_iovec_init(mock_jwks, sizeof(mock_jwks) - 1));
        return 1;
    }
    return 0;
}

static int handle_control(h2o_req_t *req, h2o_iovec_t path)
{
    if (iovec_eq(path, H2O_STRLIT("/_count"))) {
        unsigned long long n, h;
        pthread_mutex_lock(&last.mu);
        n = last.count;
        pthread_mutex_unlock(&last.mu);
        pthread_mutex_lock(&last_hook.mu);
        h = last_hook.count;
        pthread_mutex_unlock(&last_hook.mu);
        send_json(req, 200, "OK", pool_printf(&req->pool, "{\"requests\":%llu,\"hooks\":%llu}", n, h));
        return 1;
    }
    if (iovec_eq(path, H2O_STRLIT("/_last")) || iovec_eq(path, H2O_STRLIT("/_last/hook"))) {
        char *s = dump_last_request(path.len == sizeof("/_last") - 1 ? &last : &last_hook);
        size_t len = s != NULL ? strlen(s) : 0;
        char *copy = h2o_mem_alloc_pool(&req->pool, len + 1);
        if (len != 0)
            memcpy(copy, s, len);
        free(s);
        send_json(req, 200, "OK", h2o_iovec_init(copy, len));
        return 1;
    }
    if (iovec_eq(path, H2O_STRLIT("/_reset"))) {
        struct recording *recs[] = {&last, &last_hook};
        for (size_t i = 0; i != 2; ++i) {
            pthread_mutex_lock(&recs[i]->mu);
            recs[i]->count = 0;
            recs[i]->have = 0;
            pthread_mutex_unlock(&recs[i]->mu);
        }
        send_json(req, 200, "OK", h2o_iovec_init(H2O_STRLIT("{\"ok\":true}")));
        return 1;
    }
    return 0;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    h2o_iovec_t path = req->path_normalized;
    const char *rest = path.base;
    size_t rest_len = path.len;
    enum mode mode = MODE_JSON;
    int status = 0;

    if (path.len > 2 && path.base[1] == '_' && handle_control(req, path))
        return 0;
    if (handle_peer(req, path))
        return 0;

    /* first segment selects the mode when it names one */
    if (path.len > 1 && path.base[0] == '/') {
        const char *seg = path.base + 1, *slash = memchr(seg, '/', path.len - 1);
        size_t seglen = slash != NULL ? (size_t)(slash - seg) : path.len - 1;
        for (size_t i = 0; i != sizeof(mode_names) / sizeof(mode_names[0]); ++i) {
            if (seglen == mode_names[i].len && memcmp(seg, mode_names[i].name, seglen) == 0) {
                mode = mode_names[i].mode;
                rest = seg + seglen;
                rest_len = path.len - 1 - seglen;
                break;
            }
        }
    }
    if (mode == MODE_STATUS) {
        /* /status/NNN/<route> */
        size_t i = 1;
        if (rest_len < 1 || rest[0] != '/')
            goto no_route;
        for (; i < rest_len && rest[i] >= '0' && rest[i] <= '9' && i <= 3; ++i)
            status = status * 10 + (rest[i] - '0');
        if (i != 4 || status < 200 || status > 599 || (rest_len > 4 && rest[4] != '/'))
            goto no_route;
        rest += 4;
        rest_len -= 4;
    }
    enum route route = match_route(rest, rest_len, req->method);
    if (route == ROUTE_NONE)
        goto no_route;

    record_request(&last, req);

    struct body_info info;
    if (route == ROUTE_CHAT || route == ROUTE_COMPLETIONS || route == ROUTE_EMBEDDINGS) {
        scan_body(req, &info);
        if (route == ROUTE_EMBEDDINGS)
            info.stream = 0;
    } else {
        info.model = default_model;
        info.stream = info.include_usage = 0;
    }

    switch (mode) {
    case MODE_JSON:
    case MODE_STRUCTURED: /* a streamed request gets the ordinary stream */
        if (!info.stream) {
            respond_normal(req, route, info.model, mode == MODE_STRUCTURED);
            return 0;
        }
        /* fallthrough */
    case MODE_SSE:
        if (route == ROUTE_CHAT || route == ROUTE_COMPLETIONS) {
            struct job *job = job_create(req, route, MODE_SSE, &info);
            job->info.stream = 1;
            job->chunk_delay_ms = param_ms(req, "x-mock-chunk-delay-ms", "chunk_delay_ms", 0);
            job->repeat = param_ms(req, "x-mock-repeat", "repeat", 1);
            if (job->repeat == 0 || job->repeat > 100000)
                job->repeat = 1;
            h2o_iovec_t v;
            if (find_param(req, "x-mock-content", "content", &v) && v.len != 0)
                content_words(job, v);
            if (find_param(req, "x-mock-split-seed", "split_seed", &v))
                job->split_seed = param_ms(req, "x-mock-split-seed", "split_seed", 0) + 1;
            job->split_max = param_ms(req, "x-mock-split-max", "split_max", 24);
            if (job->split_max == 0)
                job->split_max = 24;
            job_start_stream(job);
        } else {
            respond_normal(req, route, info.model, 0);
        }
        return 0;
    case MODE_SLOW: {
        struct job *job = job_create(req, route, MODE_SLOW, &info);
        uint64_t delay = param_ms(req, "x-mock-delay-ms", "delay_ms", DEFAULT_SLOW_DELAY_MS);
        job->chunk_delay_ms = param_ms(req, "x-mock-chunk-delay-ms", "chunk_delay_ms", delay);
        uv_timer_start(&job->timer, job_on_delay_timer, delay, 0);
        job_start_probe(job);
        return 0;
    }
    case MODE_TRUNCATED:
        if (info.stream) {
            struct job *job = job_create(req, route, MODE_TRUNCATED, &info);
            job->chunk_delay_ms = param_ms(req, "x-mock-chunk-delay-ms", "chunk_delay_ms", 0);
            job_start_stream(job);
        } else {
            h2o_iovec_t bufs[3], out = {NULL, 0};
            size_t n = build_body(route, info.model, 0, bufs), i, take;
            out.base = h2o_mem_alloc_pool(&req->pool, TRUNCATED_BODY_BYTES);
            for (i = 0; i != n && out.len < TRUNCATED_BODY_BYTES; ++i) {
                take = bufs[i].len < TRUNCATED_BODY_BYTES - out.len ? bufs[i].len : TRUNCATED_BODY_BYTES - out.len;
                memcpy(out.base + out.len, bufs[i].base, take);
                out.len += take;
            }
            set_common_headers(req, 200, "OK", H2O_STRLIT("application/json"));
            req->res.content_length = TRUNCATED_CONTENT_LENGTH;
            req->http1_is_persistent = 0;
            h2o_start_response(req, &oneshot_generator);
            h2o_send(req, &out, 1, H2O_SEND_STATE_ERROR);
        }
        return 0;
    case MODE_GARBAGE:
        if (info.stream) {
            h2o_iovec_t body = garbage_sse_body;
            send_oneshot(req, 200, "OK", H2O_STRLIT("text/event-stream"), &body, 1);
        } else {
            send_json(req, 200, "OK", garbage_json_body);
        }
        return 0;
    case MODE_STATUS:
        respond_status(req, status);
        return 0;
    case MODE_HANG:
        /* never answer; the probe notices when the client leaves */
        job_start_probe(job_create(req, route, MODE_HANG, &info));
        return 0;
    }
    return 0;

no_route:
    send_json(req, 404, "Not Found", no_route_body);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* server plumbing                                                           */

static h2o_globalconf_t config;

struct worker {
    pthread_t tid;
    int fd;
    uv_loop_t loop;
    uv_tcp_t listener;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
};

static void on_handle_close_free(uv_handle_t *handle)
{
    free(handle);
}

static void on_connection(uv_stream_t *listener, int status)
{
    struct worker *w = listener->data;
    if (status != 0)
        return;
    uv_tcp_t *conn = xrealloc(NULL, sizeof(*conn));
    uv_tcp_init(listener->loop, conn);
    if (uv_accept(listener, (uv_stream_t *)conn) != 0) {
        uv_close((uv_handle_t *)conn, on_handle_close_free);
        return;
    }
    uv_tcp_nodelay(conn, 1);
    h2o_socket_t *sock = h2o_uv_socket_create((uv_stream_t *)conn, on_handle_close_free);
    h2o_accept(&w->accept_ctx, sock);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int r;
    uv_loop_init(&w->loop);
    h2o_context_init(&w->ctx, &w->loop, &config);
    w->accept_ctx.ctx = &w->ctx;
    w->accept_ctx.hosts = config.hosts;
    uv_tcp_init(&w->loop, &w->listener);
    w->listener.data = w;
    if ((r = uv_tcp_open(&w->listener, w->fd)) != 0 ||
        (r = uv_listen((uv_stream_t *)&w->listener, 1024, on_connection)) != 0) {
        fprintf(stderr, "mockup: listen failed: %s\n", uv_strerror(r));
        exit(1);
    }
    uv_run(&w->loop, UV_RUN_DEFAULT);
    return NULL;
}

static int open_listener(const struct sockaddr *sa, socklen_t salen)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;
    if (fd == -1)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 || bind(fd, sa, salen) != 0 || listen(fd, 1024) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static void usage(FILE *fp)
{
    fprintf(fp, "usage: mockup [--port N] [--host ADDR] [--threads N]\n"
                "  --port N      TCP port (default 0 = ephemeral); prints \"port=N\" once listening\n"
                "  --host ADDR   address to bind (default 127.0.0.1)\n"
                "  --threads N   worker threads sharing the port via SO_REUSEPORT (default 1)\n");
}

static long parse_long(const char *s, long min, long max, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "mockup: invalid %s: %s\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 0, nthreads = 1;
    int i;

    for (i = 1; i < argc; ++i) {
        const char *arg = argv[i], *val = NULL;
        size_t namelen = strlen(arg);
        const char *eq = strchr(arg, '=');
        if (strncmp(arg, "--", 2) == 0 && eq != NULL) {
            namelen = (size_t)(eq - arg);
            val = eq + 1;
        }
#define IS_OPT(lit) (namelen == sizeof(lit) - 1 && strncmp(arg, lit, namelen) == 0)
        if (IS_OPT("--help") || IS_OPT("-h")) {
            usage(stdout);
            return 0;
        }
        if (!IS_OPT("--port") && !IS_OPT("--host") && !IS_OPT("--threads")) {
            fprintf(stderr, "mockup: unknown argument: %s\n", arg);
            usage(stderr);
            return 2;
        }
        if (val == NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "mockup: %s needs a value\n", arg);
                return 2;
            }
            val = argv[++i];
        }
        if (IS_OPT("--port"))
            port = parse_long(val, 0, 65535, "port");
        else if (IS_OPT("--host"))
            host = val;
        else
            nthreads = parse_long(val, 1, 256, "thread count");
#undef IS_OPT
    }

    /* the content, split into SSE words */
    {
        static const char content[] = MOCK_CONTENT;
        const char *p = content, *end = content + sizeof(content) - 1;
        while (p < end && num_words < MAX_WORDS) {
            const char *q = p + 1;
            while (q < end && *q != ' ')
                ++q;
            words[num_words++] = h2o_iovec_init(p, (size_t)(q - p));
            p = q;
        }
    }

    signal(SIGPIPE, SIG_IGN);

    h2o_config_init(&config);
    config.max_request_entity_size = 64 * 1024 * 1024;
    config.server_name = h2o_iovec_init(H2O_STRLIT("mockup"));
    h2o_hostconf_t *hostconf = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pathconf = h2o_config_register_path(hostconf, "/", 0);
    h2o_handler_t *handler = h2o_create_handler(pathconf, sizeof(*handler));
    handler->on_req = on_req;

    /* resolve and bind every listener before announcing the port */
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%ld", port);
    int gai = getaddrinfo(host, portstr, &hints, &ai);
    if (gai != 0) {
        fprintf(stderr, "mockup: cannot resolve %s: %s\n", host, gai_strerror(gai));
        return 1;
    }
    struct sockaddr_storage addr;
    socklen_t addrlen = ai->ai_addrlen;
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);

    struct worker *workers = xrealloc(NULL, sizeof(*workers) * (size_t)nthreads);
    memset(workers, 0, sizeof(*workers) * (size_t)nthreads);
    for (i = 0; i < nthreads; ++i) {
        if ((workers[i].fd = open_listener((struct sockaddr *)&addr, addrlen)) == -1) {
            fprintf(stderr, "mockup: cannot listen on %s:%ld: %s\n", host, port, strerror(errno));
            return 1;
        }
        if (i == 0) { /* pin the (possibly ephemeral) port for the other listeners */
            socklen_t l = sizeof(addr);
            getsockname(workers[0].fd, (struct sockaddr *)&addr, &l);
            addrlen = l;
            port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                    : ((struct sockaddr_in *)&addr)->sin_port);
        }
    }

    /* workers never see SIGINT/SIGTERM; the main thread waits for them */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    for (i = 0; i < nthreads; ++i) {
        int r = pthread_create(&workers[i].tid, NULL, worker_main, workers + i);
        if (r != 0) {
            fprintf(stderr, "mockup: pthread_create: %s\n", strerror(r));
            return 1;
        }
    }

    printf("port=%ld\n", port);
    fflush(stdout);

    int sig;
    while (sigwait(&sigs, &sig) != 0)
        ;
    fprintf(stderr, "mockup: exiting on signal %d\n", sig); /* a benchmark that loses its mock says why */
    exit(0);
}
