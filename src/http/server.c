#include "http/server.h"

#include "core/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <h2o/socket/uv-binding.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint64_t rg_worker_rand(rg_worker_t *w)
{
    uint64_t s1 = w->rng[0];
    const uint64_t s0 = w->rng[1];
    w->rng[0] = s0;
    s1 ^= s1 << 23;
    w->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return w->rng[1] + s0;
}

static int bind_listener(const char *host, int port, char *err, size_t errsz)
{
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, portstr, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errsz, "cannot resolve listen address %s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        snprintf(err, errsz, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_conn_closed(uv_handle_t *h)
{
    free(h);
}

static void on_accept(uv_stream_t *listener, int status)
{
    rg_worker_t *w = listener->data;
    if (status != 0)
        return;
    uv_tcp_t *conn = malloc(sizeof(*conn));
    if (conn == NULL)
        return;
    uv_tcp_init(listener->loop, conn);
    if (uv_accept(listener, (uv_stream_t *)conn) != 0) {
        uv_close((uv_handle_t *)conn, on_conn_closed);
        return;
    }
    uv_tcp_nodelay(conn, 1);
    h2o_socket_t *sock = h2o_uv_socket_create((uv_stream_t *)conn, on_conn_closed);
    h2o_accept(&w->accept_ctx, sock);
}

static void on_listener_closed(uv_handle_t *h)
{
    (void)h;
}

static void on_sweep(uv_timer_t *t)
{
    rg_worker_t *w = t->data;
    h2o_context_request_shutdown(&w->ctx);
}

static void on_wakeup(uv_async_t *a)
{
    rg_worker_t *w = a->data;
    pthread_mutex_lock(&w->mu);
    rg_config_t *next = w->next_cfg;
    w->next_cfg = NULL;
    int close_listener = w->want_close_listener, stop = w->want_stop;
    pthread_mutex_unlock(&w->mu);
    if (next) {
        rg_config_t *old = w->cfg;
        w->cfg = next;
        rg_config_unref(old);
    }
    if (close_listener && w->listening) {
        w->listening = 0;
        uv_close((uv_handle_t *)&w->listener, on_listener_closed);
        h2o_context_request_shutdown(&w->ctx);
        /* connections that were mid-request when asked will go idle later */
        uv_timer_start(&w->idle_sweep, on_sweep, 100, 100);
    }
    if (stop) {
        if (w->server->on_stop)
            w->server->on_stop(w);
        uv_stop(&w->loop);
    }
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    rg_server_t *s = *(rg_server_t **)(self + 1);
    return s->on_req(rg_worker_of(req), req);
}

static void *worker_main(void *arg)
{
    rg_worker_t *w = arg;
    if (w->server->on_start)
        w->server->on_start(w);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    return NULL;
}

static SSL_CTX *make_ssl(const rg_config_t *cfg, char *err, size_t errsz)
{
    SSL_CTX *ssl = SSL_CTX_new(TLS_server_method());
    if (ssl == NULL)
        goto fail;
    SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION);
    SSL_CTX_set_options(ssl, SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_use_certificate_chain_file(ssl, cfg->tls_cert_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(ssl, cfg->tls_key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ssl) != 1)
        goto fail;
    h2o_ssl_register_alpn_protocols(ssl, h2o_http2_alpn_protocols);
    return ssl;
fail:;
    char e[256];
    ERR_error_string_n(ERR_get_error(), e, sizeof(e));
    snprintf(err, errsz, "TLS: cannot load %s / %s: %s", cfg->tls_cert_file, cfg->tls_key_file, e);
    if (ssl)
        SSL_CTX_free(ssl);
    return NULL;
}

int rg_server_start(rg_server_t *s, rg_config_t *cfg, rg_on_req_t on_req_cb, rg_on_worker_start_t on_start,
                    rg_on_worker_stop_t on_stop, char *err, size_t errsz)
{
    s->on_req = on_req_cb;
    s->on_start = on_start;
    s->on_stop = on_stop;
    atomic_init(&s->in_flight, 0);
    atomic_init(&s->shutting_down, 0);
    s->n_workers = cfg->workers > 0 ? cfg->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (s->n_workers < 1)
        s->n_workers = 1;

    if (cfg->tls_cert_file && (s->ssl_ctx = make_ssl(cfg, err, errsz)) == NULL)
        return -1;

    h2o_config_init(&s->globalconf);
    s->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("railgate"));
    /* h2o refuses bodies over this itself (413); Railgate's own check below
     * the same limit answers in OpenAI's shape, see api/handler.c */
    s->globalconf.max_request_entity_size = cfg->max_request_body * 2 + 65536;
    s->globalconf.http1.req_timeout = cfg->header_timeout_ms > cfg->body_timeout_ms ? cfg->header_timeout_ms
                                                                                      : cfg->body_timeout_ms;
    s->globalconf.http2.idle_timeout = cfg->body_timeout_ms;
    s->globalconf.http2.graceful_shutdown_timeout = cfg->shutdown_timeout_ms;
    h2o_hostconf_t *host = h2o_config_register_host(&s->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    h2o_handler_t *h = h2o_create_handler(path, sizeof(*h) + sizeof(rg_server_t *));
    h->on_req = on_req;
    *(rg_server_t **)(h + 1) = s;

    s->workers = calloc((size_t)s->n_workers, sizeof(rg_worker_t));
    if (s->workers == NULL) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    int port = cfg->port;
    for (int i = 0; i < s->n_workers; i++) {
        rg_worker_t *w = &s->workers[i];
        w->id = i;
        w->server = s;
        if ((w->listen_fd = bind_listener(cfg->host, port, err, errsz)) < 0)
            return -1;
        if (port == 0) /* ephemeral: every worker binds the port the first one got */
            port = bound_port(w->listen_fd);
    }
    cfg->port = port;
    for (int i = 0; i < s->n_workers; i++) {
        rg_worker_t *w = &s->workers[i];
        uv_loop_init(&w->loop);
        h2o_context_init(&w->ctx, &w->loop, &s->globalconf);
        w->accept_ctx.ctx = &w->ctx;
        w->accept_ctx.hosts = s->globalconf.hosts;
        w->accept_ctx.ssl_ctx = s->ssl_ctx;
        w->cfg = rg_config_ref(cfg);
        h2o_linklist_init_anchor(&w->exchanges);
        pthread_mutex_init(&w->mu, NULL);
        if (getrandom(w->rng, sizeof(w->rng), 0) != sizeof(w->rng))
            w->rng[0] = (uint64_t)time(NULL) ^ (uint64_t)i, w->rng[1] = 0x9e3779b97f4a7c15ULL;
        w->rng[1] |= 1;
        if ((w->upstream = rg_upstream_new(&w->loop)) == NULL) {
            snprintf(err, errsz, "cannot create the upstream client");
            return -1;
        }
        uv_async_init(&w->loop, &w->wakeup, on_wakeup);
        w->wakeup.data = w;
        uv_timer_init(&w->loop, &w->idle_sweep);
        w->idle_sweep.data = w;
        uv_tcp_init(&w->loop, &w->listener);
        w->listener.data = w;
        int rc = uv_tcp_open(&w->listener, w->listen_fd);
        if (rc == 0)
            rc = uv_listen((uv_stream_t *)&w->listener, 1024, on_accept);
        if (rc != 0) {
            snprintf(err, errsz, "cannot listen on %s:%d: %s", cfg->host, port, uv_strerror(rc));
            return -1;
        }
        w->listening = 1;
    }
    for (int i = 0; i < s->n_workers; i++)
        if (pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]) != 0) {
            snprintf(err, errsz, "cannot start worker thread");
            return -1;
        }
    return 0;
}

void rg_server_publish(rg_server_t *s, rg_config_t *cfg)
{
    for (int i = 0; i < s->n_workers; i++) {
        rg_worker_t *w = &s->workers[i];
        pthread_mutex_lock(&w->mu);
        if (w->next_cfg)
            rg_config_unref(w->next_cfg);
        w->next_cfg = rg_config_ref(cfg);
        pthread_mutex_unlock(&w->mu);
        uv_async_send(&w->wakeup);
    }
}

void rg_server_stop_accepting(rg_server_t *s)
{
    atomic_store(&s->shutting_down, 1);
    for (int i = 0; i < s->n_workers; i++) {
        rg_worker_t *w = &s->workers[i];
        pthread_mutex_lock(&w->mu);
        w->want_close_listener = 1;
        pthread_mutex_unlock(&w->mu);
        uv_async_send(&w->wakeup);
    }
}

void rg_server_stop(rg_server_t *s)
{
    for (int i = 0; i < s->n_workers; i++) {
        rg_worker_t *w = &s->workers[i];
        pthread_mutex_lock(&w->mu);
        w->want_stop = 1;
        pthread_mutex_unlock(&w->mu);
        uv_async_send(&w->wakeup);
    }
    for (int i = 0; i < s->n_workers; i++)
        pthread_join(s->workers[i].thread, NULL);
}
