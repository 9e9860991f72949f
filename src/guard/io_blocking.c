#include "guard/io_blocking.h"

#include "core/buf.h"

#include <curl/curl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define REDIRECTS_MAX 20 /* fetch()'s limit */

typedef struct {
    rg_check_io_t io; /* first */
    CURL *easy;       /* kept between calls: connections are reused */
} blocking_t;

typedef struct {
    rg_buf_t body; /* room for max bytes and a NUL */
    size_t max;
    int too_large;
} sink_t;

static size_t on_write(char *p, size_t size, size_t n, void *arg)
{
    sink_t *s = arg;
    if (s->body.len + size * n > s->max || rg_buf_append(&s->body, p, size * n) != RG_BUF_OK) {
        s->too_large = 1;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    return size * n;
}

static uint32_t cap_timeout(uint32_t ms)
{
    return ms == 0 || ms > RG_CHECK_IO_MAX_TIMEOUT_MS ? RG_CHECK_IO_MAX_TIMEOUT_MS : ms;
}

static void *bl_http(rg_check_io_t *io, const rg_http_call_t *call, rg_http_cb cb, void *arg)
{
    blocking_t *b = (blocking_t *)io;
    rg_http_reply_t reply = {0};
    sink_t sink = {0};
    sink.max = call->max_reply;
    rg_buf_init(&sink.body, call->max_reply + 1);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:"); /* no 100-continue round trip */
    for (size_t i = 0; hdrs && call->headers && call->headers[i]; i++) {
        struct curl_slist *h = curl_slist_append(hdrs, call->headers[i]);
        if (h == NULL) {
            curl_slist_free_all(hdrs);
            hdrs = NULL;
        }
        hdrs = h;
    }
    if (b->easy == NULL)
        b->easy = curl_easy_init();
    CURL *e = b->easy;
    char errbuf[CURL_ERROR_SIZE] = "";
    if (e == NULL || hdrs == NULL) {
        reply.error = "out of memory";
        goto out;
    }
    curl_easy_reset(e);
    uint32_t t = cap_timeout(call->timeout_ms);
    curl_easy_setopt(e, CURLOPT_URL, call->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
    if (!strcmp(call->method, "POST")) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body ? call->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
    } else if (!strcmp(call->method, "HEAD")) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)t);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)t);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, call->follow_redirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)REDIRECTS_MAX);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(e);
    reply.ok = rc == CURLE_OK;
    reply.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &reply.status);
    char *ct = NULL;
    curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
    reply.content_type = ct;
    if (!reply.ok)
        reply.error = sink.too_large ? "reply too large" : errbuf[0] ? errbuf : curl_easy_strerror(rc);
out:
    if (rg_buf_append(&sink.body, "", 1) == RG_BUF_OK) { /* NUL-terminated */
        reply.body = sink.body.data;
        reply.len = sink.body.len - 1;
    } else {
        reply.body = "";
        reply.len = 0;
    }
    cb(arg, &reply);
    rg_buf_free(&sink.body);
    curl_slist_free_all(hdrs);
    if (e)
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
    return NULL;
}

/* ---- names: getaddrinfo on a detached thread, waited for with a deadline ---- */

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs; /* the waiter and the thread */
    int done, rc;
    char host[];
} gai_job_t;

static void job_unref(gai_job_t *j)
{
    pthread_mutex_lock(&j->mu);
    int last = --j->refs == 0;
    pthread_mutex_unlock(&j->mu);
    if (last) {
        pthread_cond_destroy(&j->cv);
        pthread_mutex_destroy(&j->mu);
        free(j);
    }
}

static void *gai_thread(void *arg)
{
    gai_job_t *j = arg;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int rc = getaddrinfo(j->host, NULL, &hints, &ai);
    if (ai)
        freeaddrinfo(ai);
    pthread_mutex_lock(&j->mu);
    j->rc = rc;
    j->done = 1;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    job_unref(j);
    return NULL;
}

static void *bl_resolve(rg_check_io_t *io, const char *host, uint32_t timeout_ms, rg_resolve_cb cb, void *arg)
{
    (void)io;
    size_t hl = strlen(host);
    gai_job_t *j = calloc(1, sizeof(*j) + hl + 1);
    if (j == NULL) {
        cb(arg, 0, "out of memory");
        return NULL;
    }
    memcpy(j->host, host, hl + 1);
    j->refs = 2;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&j->mu, NULL);
    pthread_attr_t ta;
    pthread_t tid;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    int started = pthread_create(&tid, &ta, gai_thread, j) == 0;
    pthread_attr_destroy(&ta);
    if (!started) {
        j->refs = 1;
        job_unref(j);
        cb(arg, 0, "cannot start the resolver thread");
        return NULL;
    }
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    uint64_t ns = (uint64_t)dl.tv_nsec + (uint64_t)(timeout_ms == 0 || timeout_ms > RG_CHECK_IO_MAX_TIMEOUT_MS
                                                       ? RG_CHECK_IO_MAX_TIMEOUT_MS
                                                       : timeout_ms) * 1000000u;
    dl.tv_sec += (time_t)(ns / 1000000000u);
    dl.tv_nsec = (long)(ns % 1000000000u);
    pthread_mutex_lock(&j->mu);
    while (!j->done)
        if (pthread_cond_timedwait(&j->cv, &j->mu, &dl) != 0)
            break;
    int done = j->done, rc = j->rc;
    pthread_mutex_unlock(&j->mu);
    job_unref(j); /* a thread still resolving frees the job when it ends */
    if (!done)
        cb(arg, 0, "DNS lookup timed out");
    else
        cb(arg, rc == 0, rc == 0 ? NULL : gai_strerror(rc));
    return NULL;
}

static void bl_cancel(rg_check_io_t *io, void *handle)
{
    (void)io;
    (void)handle; /* nothing is ever pending */
}

rg_check_io_t *rg_io_blocking_new(void)
{
    blocking_t *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return NULL;
    b->io.http = bl_http;
    b->io.resolve = bl_resolve;
    b->io.cancel = bl_cancel;
    b->io.ctx = b;
    return &b->io;
}

void rg_io_blocking_free(rg_check_io_t *io)
{
    blocking_t *b = (blocking_t *)io;
    if (b == NULL)
        return;
    if (b->easy)
        curl_easy_cleanup(b->easy);
    free(b);
}
