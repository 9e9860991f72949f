#include "guard/checks/net.h"

#include "core/buf.h"
#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the task runner ------------------------------------------------------ */

void *rg_ck_task_new(size_t size, rg_check_io_t *io, rg_check_result_t *res, void (*done)(void *), void *arg,
                     void (*destroy)(rg_ck_task_t *))
{
    rg_ck_task_t *t = calloc(1, size);
    if (t == NULL) {
        rg_check_fail(res, "out of memory");
        done(arg);
        return NULL;
    }
    t->io = io;
    t->done = done;
    t->arg = arg;
    t->destroy = destroy;
    t->busy = 1;
    t->finished = 0;
    return t;
}

void rg_ck_task_finish(rg_ck_task_t *t)
{
    t->finished = 1;
}

void *rg_ck_task_leave(rg_ck_task_t *t)
{
    if (--t->busy > 0 || !t->finished)
        return t;
    void (*done)(void *) = t->done;
    void *arg = t->arg;
    t->destroy(t);
    done(arg);
    return NULL;
}

static void http_trampoline(void *arg, const rg_http_reply_t *r)
{
    rg_ck_call_t *c = arg;
    rg_ck_task_t *t = c->task;
    c->pending = 0;
    c->handle = NULL;
    t->busy++;
    c->on_http(c, r);
    rg_ck_task_leave(t);
}

static void resolve_trampoline(void *arg, int found, const char *error)
{
    rg_ck_call_t *c = arg;
    rg_ck_task_t *t = c->task;
    c->pending = 0;
    c->handle = NULL;
    t->busy++;
    c->on_resolve(c, found, error);
    rg_ck_task_leave(t);
}

void rg_ck_http(rg_ck_call_t *c, rg_ck_task_t *t, const rg_http_call_t *call,
                void (*on_http)(rg_ck_call_t *, const rg_http_reply_t *))
{
    c->task = t;
    c->on_http = on_http;
    c->pending = 1;
    c->handle = NULL;
    t->busy++; /* a callback inside http() must not end the task under us */
    void *h = t->io->http(t->io, call, http_trampoline, c);
    if (c->pending) {
        if (h != NULL) {
            c->handle = h;
        } else { /* the io broke its contract: report a failed call rather than hang */
            rg_http_reply_t r = {.ok = 0, .error = "the I/O did not start"};
            http_trampoline(c, &r);
        }
    }
    t->busy--;
}

void rg_ck_resolve(rg_ck_call_t *c, rg_ck_task_t *t, const char *host, uint32_t timeout_ms,
                   void (*on_resolve)(rg_ck_call_t *, int, const char *))
{
    c->task = t;
    c->on_resolve = on_resolve;
    c->pending = 1;
    c->handle = NULL;
    t->busy++;
    void *h = t->io->resolve(t->io, host, timeout_ms, resolve_trampoline, c);
    if (c->pending) {
        if (h != NULL)
            c->handle = h;
        else
            resolve_trampoline(c, 0, "the I/O did not start");
    }
    t->busy--;
}

void rg_ck_cancel(rg_ck_call_t *c)
{
    if (c->pending && c->handle != NULL)
        c->task->io->cancel(c->task->io, c->handle);
    c->pending = 0;
    c->handle = NULL;
}

/* ---- post() --------------------------------------------------------------- */

void rg_ck_json_syntax_error(const char *text, size_t len, const json_error_t *e, char *out, size_t outsz)
{
    /* jansson's position is just past the token it choked on, which its text quotes: "... near 'tok'" */
    size_t pos = e->position > 0 ? (size_t)e->position - 1 : 0;
    const char *near = strstr(e->text, "near '"), *close = near ? strrchr(near + 6, '\'') : NULL;
    if (close && (size_t)(close - near - 6) <= (size_t)e->position)
        pos = (size_t)e->position - (size_t)(close - near - 6);
    while (pos < len && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
        pos++;
    if (pos >= len) {
        snprintf(out, outsz, "Unexpected end of JSON input");
        return;
    }
    unsigned char c = (unsigned char)text[pos];
    if (c > 0x20 && c < 0x7f)
        snprintf(out, outsz, "Unexpected token %c in JSON at position %zu", c, pos);
    else
        snprintf(out, outsz, "Unexpected token in JSON at position %zu", pos);
}

int rg_ck_post_reply(const rg_http_reply_t *r, uint32_t timeout_ms, int want_json, json_t **json,
                     rg_check_result_t *res)
{
    if (json)
        *json = NULL;
    if (r->timed_out) {
        res->error_name = "TimeoutError";
        rg_check_fail(res, "Request timed out after %ums", (unsigned)timeout_ms);
        return -1;
    }
    if (!r->ok) {
        res->error_name = "TypeError";
        rg_check_fail(res, "fetch failed");
        return -1;
    }
    if (r->status < 200 || r->status > 299) {
        res->error_name = "HttpError";
        rg_check_fail(res, "HTTP error! status: %ld", r->status);
        return -1;
    }
    if (!want_json)
        return 0;
    json_error_t e;
    json_t *j = json_loadb(r->body ? r->body : "", r->len, JSON_DECODE_ANY, &e);
    if (j == NULL) {
        char msg[RG_CHECK_ERROR_MAX];
        rg_ck_json_syntax_error(r->body ? r->body : "", r->len, &e, msg, sizeof(msg));
        res->error_name = "SyntaxError";
        rg_check_fail(res, "%s", msg);
        return -1;
    }
    *json = j;
    return 0;
}

/* ---- the hook context ------------------------------------------------------ */

/* Array.prototype.join's view of an element: null and undefined are "". */
static void join_elem(rg_buf_t *b, const json_t *v)
{
    if (v == NULL || json_is_null(v))
        return;
    char *s = rg_ck_js_string(v);
    if (s) {
        rg_buf_append(b, s, strlen(s));
        free(s);
    }
}

static json_t *buf_string(rg_buf_t *b)
{
    json_t *j = json_stringn(b->data ? (const char *)b->data : "", b->len);
    rg_buf_free(b);
    return j ? j : json_string("");
}

/* HookSpan.extractRequestText: NULL when the value is undefined (the key is left out). */
static json_t *request_text(const json_t *req)
{
    json_t *prompt = json_object_get(req, "prompt");
    if (rg_js_truthy(prompt))
        return json_incref(prompt);
    json_t *msgs = json_object_get(req, "messages");
    if (json_is_array(msgs) && json_array_size(msgs) > 0) {
        json_t *last = json_array_get(msgs, json_array_size(msgs) - 1);
        json_t *content = json_object_get(last, "content");
        if (json_is_array(content)) {
            rg_buf_t b;
            rg_buf_init(&b, 64u << 20);
            size_t i;
            json_t *part;
            json_array_foreach(content, i, part)
            {
                if (i)
                    rg_buf_append(&b, "\n", 1);
                join_elem(&b, json_object_get(part, "text"));
            }
            if (b.len > 0)
                return buf_string(&b);
            rg_buf_free(&b);
        }
        return content ? json_incref(content) : NULL;
    }
    json_t *input = json_object_get(req, "input");
    if (rg_js_truthy(input)) {
        if (!json_is_array(input))
            return json_incref(input);
        rg_buf_t b;
        rg_buf_init(&b, 64u << 20);
        size_t i;
        json_t *x;
        json_array_foreach(input, i, x)
        {
            if (i)
                rg_buf_append(&b, "\n", 1);
            join_elem(&b, x);
        }
        return buf_string(&b);
    }
    return json_string("");
}

/* HookSpan.extractResponseText. */
static json_t *response_text(const json_t *res)
{
    json_t *choices = json_object_get(res, "choices");
    if (json_is_array(choices) && json_array_size(choices) > 0) {
        json_t *choice = json_array_get(choices, 0);
        json_t *text = json_object_get(choice, "text");
        if (rg_js_truthy(text))
            return json_incref(text);
        json_t *content = json_object_get(json_object_get(choice, "message"), "content");
        if (rg_js_truthy(content)) {
            json_t *t = json_object_get(content, "text");
            return json_incref(rg_js_truthy(t) ? t : content);
        }
    }
    return json_string("");
}

json_t *rg_ck_hook_context(const rg_check_env_t *env, int with_headers, int with_event)
{
    int resp = env->phase == RG_PHASE_RESPONSE;
    json_t *ctx = json_object(), *rq = json_object(), *rs = json_object();
    if (ctx == NULL || rq == NULL || rs == NULL) {
        json_decref(ctx);
        json_decref(rq);
        json_decref(rs);
        return NULL;
    }
    json_object_set(rq, "json", env->request ? env->request : json_null());
    json_t *t = request_text(env->request);
    if (t)
        json_object_set_new(rq, "text", t);
    json_object_set_new(rq, "isStreamingRequest", json_boolean(env->stream));
    json_object_set_new(rq, "isTransformed", json_boolean(resp && env->request_transformed));
    if (with_headers)
        json_object_set_new(rq, "headers", env->headers ? json_incref(env->headers) : json_object());
    json_object_set_new(ctx, "request", rq);

    if (resp) {
        json_object_set(rs, "json", env->response ? env->response : json_null());
        json_object_set_new(rs, "text", response_text(env->response));
        json_object_set_new(rs, "statusCode", env->status ? json_integer(env->status) : json_null());
    } else {
        json_object_set_new(rs, "json", json_object());
        json_object_set_new(rs, "text", json_string(""));
        json_object_set_new(rs, "statusCode", json_null());
    }
    json_object_set_new(rs, "isTransformed", json_false());
    json_object_set_new(ctx, "response", rs);
    if (env->provider)
        json_object_set_new(ctx, "provider", json_string(env->provider));
    json_object_set_new(ctx, "requestType", json_string(rg_req_type_name(env->type)));
    json_object_set_new(ctx, "metadata", env->metadata ? json_incref(env->metadata) : json_object());
    if (with_event)
        json_object_set_new(ctx, "eventType", json_string(resp ? "afterRequestHook" : "beforeRequestHook"));
    return ctx;
}

/* ---- parameters ------------------------------------------------------------ */

static int is_special(const char *s, size_t n)
{
    static const char *const sp[] = {"http", "https", "ws", "wss", "ftp"};
    for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++)
        if (strlen(sp[i]) == n && strncasecmp(s, sp[i], n) == 0)
            return 1;
    return 0;
}

int rg_ck_url_valid(const char *s)
{
    size_t len = strlen(s), a = 0;
    while (a < len && (unsigned char)s[a] <= 0x20)
        a++;
    while (len > a && (unsigned char)s[len - 1] <= 0x20)
        len--;
    size_t i = a;
    if (i >= len || !isalpha((unsigned char)s[i]))
        return 0;
    while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i >= len || s[i] != ':')
        return 0;
    size_t scheme_len = i - a;
    i++;
    if (scheme_len == 4 && strncasecmp(s + a, "file", 4) == 0)
        return 1;
    if (!is_special(s + a, scheme_len))
        return 1;
    while (i < len && (s[i] == '/' || s[i] == '\\' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    size_t h = i;
    while (i < len && s[i] != '/' && s[i] != '\\' && s[i] != '?' && s[i] != '#')
        i++;
    size_t end = i, at = h;
    for (size_t k = h; k < end; k++)
        if (s[k] == '@')
            at = k + 1; /* userinfo ends at the last '@' */
    h = at;
    if (h < end && s[h] == '[') { /* IPv6 literal */
        const char *close = memchr(s + h, ']', end - h);
        if (close == NULL || close == s + h + 1)
            return 0;
        h = (size_t)(close - s) + 1;
        if (h < end && s[h] != ':')
            return 0;
    } else {
        size_t k = h;
        for (; k < end && s[k] != ':'; k++)
            if (strchr(" #%/<>?@[\\]^|", s[k]) || (unsigned char)s[k] < 0x20)
                return s[k] == '%'; /* percent-encoded hosts are decoded by URL(); take them */
        if (k == h)
            return 0;
        h = k;
    }
    if (h < end) { /* ":port" */
        unsigned long port = 0;
        for (size_t k = h + 1; k < end; k++) {
            if (!isdigit((unsigned char)s[k]))
                return 0;
            port = port * 10 + (unsigned long)(s[k] - '0');
            if (port > 65535)
                return 0;
        }
    }
    return 1;
}

int rg_ck_url_fetchable(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

void rg_ck_lines_free(char **lines)
{
    if (lines == NULL)
        return;
    for (size_t i = 0; lines[i]; i++)
        free(lines[i]);
    free(lines);
}

static int tchar(unsigned char c)
{
    return isalnum(c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

char **rg_ck_header_lines(json_t *obj, char *err, size_t errsz)
{
    size_t n = json_is_object(obj) ? json_object_size(obj) : 0, k = 0;
    char **lines = calloc(n + 2, sizeof(*lines));
    if (lines == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    int have_ct = 0;
    const char *name;
    json_t *v;
    if (n)
        json_object_foreach(obj, name, v)
        {
            if (strcasecmp(name, "content-type") == 0)
                have_ct = 1;
        }
    if (!have_ct)
        lines[k++] = strdup("Content-Type: application/json");
    if (n)
        json_object_foreach(obj, name, v)
        {
            size_t nl = strlen(name);
            for (size_t i = 0; i < nl; i++)
                if (!tchar((unsigned char)name[i]))
                    nl = 0;
            if (nl == 0) {
                snprintf(err, errsz, "Invalid header name: %.64s", name);
                goto fail;
            }
            char *val = rg_ck_js_string(v);
            if (val == NULL) {
                snprintf(err, errsz, "out of memory");
                goto fail;
            }
            size_t s = 0, e = strlen(val);
            while (s < e && (val[s] == ' ' || val[s] == '\t')) /* fetch() trims values */
                s++;
            while (e > s && (val[e - 1] == ' ' || val[e - 1] == '\t'))
                e--;
            if (strpbrk(val, "\r\n") != NULL) {
                free(val);
                snprintf(err, errsz, "Invalid header value for %.64s", name);
                goto fail;
            }
            char *line = malloc(strlen(name) + (e - s) + 3);
            if (line) /* "Name;" is how curl sends an empty value ("Name:" would remove the header) */
                sprintf(line, e > s ? "%s: %.*s" : "%s;%.*s", name, (int)(e - s), val + s);
            free(val);
            if (line == NULL) {
                snprintf(err, errsz, "out of memory");
                goto fail;
            }
            lines[k++] = line;
        }
    for (size_t i = 0; i < k; i++)
        if (lines[i] == NULL) {
            snprintf(err, errsz, "out of memory");
            goto fail;
        }
    return lines;
fail:
    for (size_t i = 0; i < k; i++)
        free(lines[i]);
    free(lines);
    return NULL;
}

int rg_ck_timeout_param(json_t *params, uint32_t dflt, uint32_t *out, char *err, size_t errsz)
{
    json_t *v = json_object_get(params, "timeout");
    if (!rg_js_truthy(v)) {
        *out = dflt;
        return 0;
    }
    double d = -1;
    if (json_is_number(v)) {
        d = json_number_value(v);
    } else if (json_is_string(v)) {
        char *end;
        d = strtod(json_string_value(v), &end);
        if (end == json_string_value(v) || *end != '\0')
            d = -1;
    }
    if (!(d > 0) || d > 4294967295.0) {
        snprintf(err, errsz, "timeout must be a positive number of milliseconds");
        return -1;
    }
    *out = d < 1 ? 1 : (uint32_t)d;
    return 0;
}
