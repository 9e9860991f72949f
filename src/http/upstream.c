#include "http/upstream.h"

#include "core/log.h"

#include <stdlib.h>
#include <string.h>

#define FREE_EASY_MAX 64
/* URLs kept parsed per worker (a gateway calls a handful of upstream URLs over and over) */
#define URL_CACHE 16

/*
 * A URL as curl would parse it for a transfer: curl_url_set + a normalizing
 * curl_url_get cost ~13k instructions per request inside libcurl (about 8% of
 * a proxied request, PERFORMANCE.md). Handing curl the parsed handle
 * (CURLOPT_CURLU, which it duplicates per transfer) together with the
 * normalized string it would have made (CURLOPT_URL) skips both while curl
 * sees exactly what its own parse gave.
 */
typedef struct url_entry {
    char *url;        /* as the caller gave it (the key) */
    char *normalized; /* curl_url_get(CURLUPART_URL) of the parse */
    CURLU *uh;
    uint64_t used;
    unsigned refs; /* transfers that may still read uh (curl reads it again on a retry): not evicted */
} url_entry_t;

struct rg_upstream {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    CURL *free_easy[FREE_EASY_MAX];
    int n_free;
    url_entry_t urls[URL_CACHE];
    uint64_t tick;
    int no_env_proxy; /* the environment names no proxy: curl need not look on every transfer */
};

struct rg_transfer {
    rg_upstream_t *up;
    CURL *easy;
    url_entry_t *url; /* a reference, or NULL */
    rg_transfer_cbs_t cbs;
    void *ctx;
    int answered; /* a byte of the answer (status line, header or body) came back */
    int retried;  /* sent again on a fresh connection once */
    char errbuf[CURL_ERROR_SIZE];
};

typedef struct sock {
    uv_poll_t poll;
    curl_socket_t fd;
    rg_upstream_t *up;
    int events; /* what the poll watches (UV_READABLE | UV_WRITABLE); 0 when libuv stopped it */
    int want;   /* what curl asked for last */
} sock_t;

/*
 * A request on a kept-alive connection that the peer closed (an idle timeout racing the reuse, a reset) fails
 * before any byte of the answer comes back. curl sends it again on a fresh connection when it notices in time;
 * when the send itself fails it reports the error instead. Then it is sent once more here, on a fresh
 * connection, as nginx does with a cached keepalive connection: the peer never saw a whole request on that
 * connection to answer. 1 when re-sent (no on_done now).
 */
static int resend_fresh(rg_upstream_t *up, rg_transfer_t *t, CURLcode rc)
{
    long connects = -1;
    if (t->retried || t->answered ||
        (rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR && rc != CURLE_GOT_NOTHING) ||
        curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &connects) != CURLE_OK || connects != 0)
        return 0; /* answered, or not a reused connection: a real error */
    t->retried = 1;
    t->errbuf[0] = '\0';
    curl_multi_remove_handle(up->multi, t->easy);
    curl_easy_setopt(t->easy, CURLOPT_FRESH_CONNECT, 1L);
    return curl_multi_add_handle(up->multi, t->easy) == CURLM_OK;
}

static void check_done(rg_upstream_t *up)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(up->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        rg_transfer_t *t = NULL;
        CURLcode rc = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        if (resend_fresh(up, t, rc))
            continue;
        /* the owner may free t in on_done; the handle stays ours until then */
        t->cbs.on_done(t->ctx, rc, t->errbuf);
        rg_transfer_cancel(t);
    }
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    sock_t *s = h->data;
    int flags = 0, running;
    if (status < 0) {
        /* POLLERR (a reset, say a peer that closed a kept-alive connection curl had just reused): libuv reports it
         * as an error and stops the handle. Told CURL_CSELECT_ERR, curl fails the transfer ("select/poll returned
         * error"); told the socket is readable and writable, it reads, sees the reset, and retries a request that
         * died on a reused connection on a fresh one, as it does when it finds out by itself. */
        flags = CURL_CSELECT_IN | CURL_CSELECT_OUT;
        s->events = 0;
    }
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    rg_upstream_t *up = s->up;
    curl_multi_socket_action(up->multi, s->fd, flags, &running);
    /* s is still allocated here (a removed socket is freed by its close callback, later) */
    if (s->events != s->want && s->want && !uv_is_closing((uv_handle_t *)&s->poll) &&
        uv_poll_start(&s->poll, s->want, on_poll) == 0)
        s->events = s->want; /* curl still wants this socket: watch it again */
    check_done(up);
}

static void on_sock_closed(uv_handle_t *h)
{
    free(h->data);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    rg_upstream_t *up = userp;
    sock_t *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) { /* uv_close stops the poll (a uv_poll_stop first was one more epoll_ctl) */
            curl_multi_assign(up->multi, fd, NULL);
            uv_close((uv_handle_t *)&s->poll, on_sock_closed);
        }
        return 0;
    }
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s == NULL)
            return -1;
        s->fd = fd;
        s->up = up;
        if (uv_poll_init_socket(up->loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        curl_multi_assign(up->multi, fd, s);
    }
    int ev = ((what & CURL_POLL_IN) ? UV_READABLE : 0) | ((what & CURL_POLL_OUT) ? UV_WRITABLE : 0);
    s->want = ev;
    /* libuv's uv_poll_start re-registers the descriptor even when nothing changes (epoll DEL + ADD) */
    if (ev != s->events) {
        uv_poll_start(&s->poll, ev, on_poll);
        s->events = ev;
    }
    return 0;
}

static void on_timer(uv_timer_t *t)
{
    rg_upstream_t *up = t->data;
    int running;
    curl_multi_socket_action(up->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(up);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    rg_upstream_t *up = userp;
    if (timeout_ms < 0)
        uv_timer_stop(&up->timer);
    else
        uv_timer_start(&up->timer, on_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

rg_upstream_t *rg_upstream_new(uv_loop_t *loop)
{
    rg_upstream_t *up = calloc(1, sizeof(*up));
    if (up == NULL)
        return NULL;
    up->loop = loop;
    if ((up->multi = curl_multi_init()) == NULL) {
        free(up);
        return NULL;
    }
    uv_timer_init(loop, &up->timer);
    up->timer.data = up;
    curl_multi_setopt(up->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(up->multi, CURLMOPT_SOCKETDATA, up);
    curl_multi_setopt(up->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(up->multi, CURLMOPT_TIMERDATA, up);
    curl_multi_setopt(up->multi, CURLMOPT_MAXCONNECTS, 256L);
    /* curl reads these (url.c detect_proxy) for every new transfer: 5 getenv calls and a no_proxy match.
     * When none is set the answer is always "no proxy", which CURLOPT_PROXY "" + CURLOPT_NOPROXY "" give
     * without the look-ups; when any is set (even empty) curl keeps reading them itself. */
    static const char *const proxy_vars[] = {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    up->no_env_proxy = 1;
    for (size_t i = 0; i < sizeof(proxy_vars) / sizeof(proxy_vars[0]); i++)
        if (getenv(proxy_vars[i]) != NULL)
            up->no_env_proxy = 0;
    return up;
}

static void on_timer_closed(uv_handle_t *h)
{
    free(h->data);
}

static void url_entry_clear(url_entry_t *e)
{
    free(e->url);
    curl_free(e->normalized);
    curl_url_cleanup(e->uh);
    memset(e, 0, sizeof(*e));
}

/* The parsed form of url with a reference taken, or NULL when curl's parse refuses it (curl then reports
 * the error itself) or every entry is in use. */
static url_entry_t *url_parsed(rg_upstream_t *up, const char *url)
{
    url_entry_t *victim = NULL;
    for (int i = 0; i < URL_CACHE; i++) {
        url_entry_t *e = &up->urls[i];
        if (e->url && strcmp(e->url, url) == 0) {
            e->used = ++up->tick;
            e->refs++;
            return e;
        }
        if (e->refs == 0 && (victim == NULL || e->used < victim->used))
            victim = e;
    }
    if (victim == NULL)
        return NULL;
    url_entry_clear(victim);
    /* the flags curl's own parse uses (url.c parseurlandfillconn) without CURLOPT_PATH_AS_IS and
     * CURLOPT_DISALLOW_USERNAME_IN_URL, which Railgate never sets */
    CURLU *uh = curl_url();
    char *norm = NULL;
    if (uh == NULL || curl_url_set(uh, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(uh, CURLUPART_URL, &norm, 0) != CURLUE_OK || (victim->url = strdup(url)) == NULL) {
        curl_url_cleanup(uh);
        curl_free(norm);
        return NULL;
    }
    victim->uh = uh;
    victim->normalized = norm;
    victim->used = ++up->tick;
    victim->refs = 1;
    return victim;
}

void rg_upstream_free(rg_upstream_t *up)
{
    for (int i = 0; i < up->n_free; i++)
        curl_easy_cleanup(up->free_easy[i]);
    curl_multi_cleanup(up->multi);
    for (int i = 0; i < URL_CACHE; i++)
        url_entry_clear(&up->urls[i]);
    uv_close((uv_handle_t *)&up->timer, on_timer_closed);
}

static size_t write_cb(char *p, size_t size, size_t nmemb, void *userp)
{
    rg_transfer_t *t = userp;
    size_t n = size * nmemb;
    t->answered = 1;
    size_t r = t->cbs.on_data(t->ctx, p, n);
    if (r == RG_XFER_PAUSE)
        return CURL_WRITEFUNC_PAUSE;
    if (r == RG_XFER_ABORT)
        return 0;
    return n;
}

static size_t header_cb(char *p, size_t size, size_t nmemb, void *userp)
{
    rg_transfer_t *t = userp;
    t->answered = 1;
    if (t->cbs.on_header)
        t->cbs.on_header(t->ctx, p, size * nmemb);
    return size * nmemb;
}

rg_transfer_t *rg_transfer_start(rg_upstream_t *up, const rg_transfer_opts_t *o, const rg_transfer_cbs_t *cbs,
                                 void *ctx)
{
    rg_transfer_t *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->up = up;
    t->cbs = *cbs;
    t->ctx = ctx;
    int fresh = 0;
    if (up->n_free > 0) {
        t->easy = up->free_easy[--up->n_free];
    } else if ((t->easy = curl_easy_init()) == NULL) {
        free(t);
        return NULL;
    } else {
        fresh = 1;
    }
    CURL *e = t->easy;
    if (fresh) {
        /* options that are the same for every transfer: set once per handle (handles are recycled) */
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL); /* bodies are scanned: no compression negotiated */
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        if (up->no_env_proxy) {
            curl_easy_setopt(e, CURLOPT_PROXY, "");
            curl_easy_setopt(e, CURLOPT_NOPROXY, "");
        }
    }
    /* per transfer: every option that can differ is set each time, so nothing leaks between uses */
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 0L);
    url_entry_t *u = t->url = url_parsed(up, o->url);
    curl_easy_setopt(e, CURLOPT_CURLU, u ? u->uh : NULL);
    curl_easy_setopt(e, CURLOPT_URL, u ? u->normalized : o->url);
    /* the method: NOBODY off first (a recycled handle may have done a HEAD), then POST or GET or HEAD */
    curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
    if (o->method == NULL || strcmp(o->method, "POST") == 0 ||
        (strcmp(o->method, "GET") != 0 && strcmp(o->method, "HEAD") != 0)) {
        if (o->method && strcmp(o->method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, o->body ? o->body : ""); /* never the read callback */
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
    } else {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, NULL);
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        if (strcmp(o->method, "HEAD") == 0)
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    }
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o->max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)o->max_redirects);
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, o->headers);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)o->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)o->total_timeout_ms); /* 0 = none */
    /* idle: less than 1 byte/s for this long = stalled (0 disables) */
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)((o->idle_timeout_ms + 999) / 1000));
    if (curl_multi_add_handle(up->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        if (u)
            u->refs--;
        free(t);
        return NULL;
    }
    return t;
}

long rg_transfer_status(rg_transfer_t *t)
{
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

const char *rg_transfer_content_type(rg_transfer_t *t)
{
    char *ct = NULL;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
    return ct;
}

void rg_transfer_resume(rg_transfer_t *t)
{
    curl_easy_pause(t->easy, CURLPAUSE_CONT);
}

void rg_transfer_cancel(rg_transfer_t *t)
{
    if (t == NULL)
        return;
    rg_upstream_t *up = t->up;
    curl_multi_remove_handle(up->multi, t->easy);
    if (t->url)
        t->url->refs--; /* curl is done with the handle: it reads the URL handle no more */
    if (up->n_free < FREE_EASY_MAX)
        up->free_easy[up->n_free++] = t->easy;
    else
        curl_easy_cleanup(t->easy);
    free(t);
}

rg_error_t rg_upstream_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return RG_E_UPSTREAM_TIMEOUT;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return RG_E_UPSTREAM_UNREACHABLE;
    default:
        return RG_E_UPSTREAM_BAD_RESPONSE;
    }
}
