/*
 * fake_io.h — a scripted rg_check_io_t for the async check tests: records
 * every call (method, URL, headers, body, timeout, cap, redirects) and
 * answers from a table of replies keyed by URL, either inside http() (sync)
 * or when the test calls fake_deliver (async), so cancellation and
 * concurrency can be observed. Header-only: each test file is one program.
 */
#ifndef RG_TEST_FAKE_IO_H
#define RG_TEST_FAKE_IO_H

#include "guard/check.h"

#include <stdlib.h>
#include <string.h>

#define FAKE_FN static __attribute__((unused))

typedef struct fake_reply {
    const char *url; /* exact URL this reply is for; NULL in the default */
    int fail;        /* the call did not complete (ok = 0) */
    int timed_out;
    long status;
    const char *ctype;
    const char *body;
} fake_reply_t;

typedef struct fake_call {
    int is_resolve;
    char method[8];
    char *url;     /* or the host name for a resolution */
    char *headers; /* header lines joined with "\n" */
    char *body;
    size_t body_len;
    uint32_t timeout_ms;
    size_t max_reply;
    int follow;
    rg_http_cb cb;
    rg_resolve_cb rcb;
    void *arg;
    int pending, cancelled, delivered;
} fake_call_t;

typedef struct fake_io {
    rg_check_io_t io; /* first */
    int async;
    fake_reply_t replies[64];
    size_t n_replies;
    fake_reply_t dflt;
    const char *found_hosts[16];
    size_t n_found;
    fake_call_t calls[128];
    size_t n_calls;
    size_t cancels;
} fake_io_t;

FAKE_FN void fake_deliver(fake_io_t *f, size_t i)
{
    fake_call_t *c = &f->calls[i];
    if (!c->pending)
        return;
    c->pending = 0;
    c->delivered = 1;
    if (c->is_resolve) {
        int found = 0;
        for (size_t k = 0; k < f->n_found; k++)
            found |= strcmp(f->found_hosts[k], c->url) == 0;
        c->rcb(c->arg, found, found ? NULL : "not found");
        return;
    }
    const fake_reply_t *r = &f->dflt;
    for (size_t k = 0; k < f->n_replies; k++)
        if (strcmp(f->replies[k].url, c->url) == 0) {
            r = &f->replies[k];
            break;
        }
    rg_http_reply_t rep = {0};
    rep.ok = !r->fail && !r->timed_out;
    rep.timed_out = r->timed_out;
    rep.status = rep.ok ? r->status : 0;
    rep.content_type = r->ctype;
    rep.body = r->body ? r->body : "";
    rep.len = strlen(rep.body);
    if (rep.ok && rep.len > c->max_reply) {
        rep.ok = 0;
        rep.error = "reply too large";
        rep.body = "";
        rep.len = 0;
    }
    if (!rep.ok && !rep.error)
        rep.error = r->timed_out ? "timed out" : "connection refused";
    c->cb(c->arg, &rep);
}

/* Delivers every pending call, oldest first (callbacks may add more). */
FAKE_FN void fake_deliver_all(fake_io_t *f)
{
    for (size_t i = 0; i < f->n_calls; i++)
        fake_deliver(f, i);
}

FAKE_FN size_t fake_pending(const fake_io_t *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_calls; i++)
        n += f->calls[i].pending;
    return n;
}

FAKE_FN void *fake_http(rg_check_io_t *io, const rg_http_call_t *call, rg_http_cb cb, void *arg)
{
    fake_io_t *f = (fake_io_t *)io;
    if (f->n_calls == sizeof(f->calls) / sizeof(f->calls[0]))
        abort();
    fake_call_t *c = &f->calls[f->n_calls++];
    memset(c, 0, sizeof(*c));
    strncpy(c->method, call->method, sizeof(c->method) - 1);
    c->url = strdup(call->url);
    size_t hl = 1;
    for (size_t i = 0; call->headers && call->headers[i]; i++)
        hl += strlen(call->headers[i]) + 1;
    c->headers = calloc(1, hl);
    for (size_t i = 0; call->headers && call->headers[i]; i++) {
        strcat(c->headers, call->headers[i]);
        strcat(c->headers, "\n");
    }
    c->body = malloc(call->body_len + 1);
    if (call->body_len)
        memcpy(c->body, call->body, call->body_len);
    c->body[call->body_len] = '\0';
    c->body_len = call->body_len;
    c->timeout_ms = call->timeout_ms;
    c->max_reply = call->max_reply;
    c->follow = call->follow_redirects;
    c->cb = cb;
    c->arg = arg;
    c->pending = 1;
    if (f->async)
        return c;
    fake_deliver(f, (size_t)(c - f->calls));
    return NULL;
}

FAKE_FN void *fake_resolve(rg_check_io_t *io, const char *host, uint32_t timeout_ms, rg_resolve_cb cb, void *arg)
{
    fake_io_t *f = (fake_io_t *)io;
    fake_call_t *c = &f->calls[f->n_calls++];
    memset(c, 0, sizeof(*c));
    c->is_resolve = 1;
    c->url = strdup(host);
    c->timeout_ms = timeout_ms;
    c->rcb = cb;
    c->arg = arg;
    c->pending = 1;
    if (f->async)
        return c;
    fake_deliver(f, (size_t)(c - f->calls));
    return NULL;
}

FAKE_FN void fake_cancel(rg_check_io_t *io, void *handle)
{
    fake_io_t *f = (fake_io_t *)io;
    fake_call_t *c = handle;
    if (!c->pending)
        abort(); /* cancelling something that is not pending is a bug in the check */
    c->pending = 0;
    c->cancelled = 1;
    f->cancels++;
}

FAKE_FN fake_io_t *fake_new(int async)
{
    fake_io_t *f = calloc(1, sizeof(*f));
    f->io.http = fake_http;
    f->io.resolve = fake_resolve;
    f->io.cancel = fake_cancel;
    f->io.ctx = f;
    f->async = async;
    f->dflt.status = 200;
    f->dflt.ctype = "application/json";
    f->dflt.body = "{}";
    return f;
}

FAKE_FN void fake_reply(fake_io_t *f, const char *url, long status, const char *ctype, const char *body)
{
    fake_reply_t *r = &f->replies[f->n_replies++];
    memset(r, 0, sizeof(*r));
    r->url = url;
    r->status = status;
    r->ctype = ctype;
    r->body = body;
}

FAKE_FN void fake_free(fake_io_t *f)
{
    for (size_t i = 0; i < f->n_calls; i++) {
        free(f->calls[i].url);
        free(f->calls[i].headers);
        free(f->calls[i].body);
    }
    free(f);
}

#endif
