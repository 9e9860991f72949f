/*
 * main.c — the command line: serve, version, help. Everything else is in
 * the library under src/ (tests and fuzzers link that, not this file).
 */
#include "agent/agent.h"
#include "api/app.h"
#include "cli/check.h"
#include "cli/eval.h"
#include "config/config.h"
#include "config/guardrail_service.h"
#include "core/log.h"
#include "core/version.h"
#include "keys/keys.h"
#include "service/service.h"

#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static const char USAGE[] =
    "usage: railgate <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve      run the gateway\n"
    "  check      run hooks on one body from stdin: check --hooks JSON|@file [--phase request|response]\n"
    "  scan       run hooks on every line of a JSONL file: scan --hooks JSON|@file [--phase ...] FILE\n"
    "  eval       measure a check on labelled JSONL: eval CHECK_ID FILE [--params JSON] (eval --help)\n"
    "  version    print the version\n"
    "  help       print this text\n"
    "\n"
    "serve options:\n"
    "  --config FILE   YAML config (default: the built-in offline quickstart)\n"
    "  --host H        listen address (overrides railgate_settings.host)\n"
    "  --port N        listen port, 0 = any free port (overrides railgate_settings.port)\n"
    "  --workers N     worker threads, 0 = one per core (overrides railgate_settings.workers)\n"
    "  --db PATH       SQLite file for records (overrides general_settings.database_path)\n"
    "  --check         validate the config, print every problem as file:line, exit 0 or 2\n"
    "\n"
    "environment: LOG_LEVEL=debug|info|warn|error\n"
    "agent-proxy mode: with APP_URL set and no --config, serve proxies every path to APP_URL with guardrails,\n"
    "  configured by the environment alone (AKTO_PROXY_PORT, REQUEST_TIMEOUT, GUARDRAIL_ENDPOINTS, ...:\n"
    "  docs/agent-proxy.md)\n"
    "signals: SIGHUP reloads the config; SIGTERM/SIGINT drain in-flight requests and exit\n";

static struct {
    const char *config_path;
    rg_overrides_t ov;
    rg_config_t *cfg; /* the main thread's reference to the current generation */
    uv_loop_t *loop;
    uv_signal_t sighup, sigterm, sigint;
    uv_timer_t drain;
    uv_timer_t sweep; /* parked guardrail-service records whose pair window ended */
    uint64_t drain_deadline;
    int stopping;
} g = {.ov = RG_OVERRIDES_NONE};

static void print_errors(rg_errors_t *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(stderr, "%s\n", errs->items[i]);
}

static const char *env_get(const char *name) { return getenv(name); }

/* The config: the file, or agent-proxy mode's environment (APP_URL set, no --config), or the built-in one. */
static rg_config_t *load_config(rg_errors_t *errs)
{
    if (g.config_path == NULL && rg_agent_env_on(env_get))
        return rg_agent_config_from_env(env_get, &g.ov, errs);
    return rg_config_load(g.config_path, &g.ov, errs);
}

static void on_sighup(uv_signal_t *h, int sig)
{
    (void)h, (void)sig;
    rg_errors_t errs = {0};
    rg_config_t *next = load_config(&errs);
    if (next == NULL) {
        for (size_t i = 0; i < errs.n; i++)
            rg_error("reload refused: %s", errs.items[i]);
        rg_error("reload refused: keeping the running config (%zu problem%s)", errs.n, errs.n == 1 ? "" : "s");
        rg_errors_free(&errs);
        atomic_fetch_add(&rg_app.config_reload_failures, 1);
        return;
    }
    if (strcmp(next->host, g.cfg->host) || (next->port != g.cfg->port && next->port != 0) ||
        next->workers != g.cfg->workers || next->tls_cert_file != g.cfg->tls_cert_file)
        rg_warn("reload: listen address, workers and TLS settings take effect on restart only");
    next->port = g.cfg->port;
    rg_log_level = next->log_level;
    rg_server_publish(&rg_app.server, next);
    rg_config_unref(g.cfg);
    g.cfg = next;
    atomic_fetch_add(&rg_app.config_reloads, 1);
    rg_info("config reloaded from %s: %zu models", next->source, next->n_models);
}

static void on_drain(uv_timer_t *t)
{
    long in_flight = atomic_load(&rg_app.server.in_flight);
    if (in_flight > 0 && uv_now(g.loop) < g.drain_deadline)
        return;
    uv_timer_stop(t);
    if (in_flight > 0)
        rg_warn("shutdown: %ld request%s still running at the deadline; recording them as cut", in_flight,
                in_flight == 1 ? "" : "s");
    rg_server_stop(&rg_app.server);
    uv_stop(g.loop);
}

static void on_sweep(uv_timer_t *t)
{
    (void)t;
    rg_service_sweep();
}

static void on_term(uv_signal_t *h, int sig)
{
    (void)h;
    if (g.stopping) {
        rg_warn("second signal: exiting now");
        rg_server_stop(&rg_app.server);
        uv_stop(g.loop);
        return;
    }
    g.stopping = 1;
    rg_info("%s: no new connections; waiting up to %ums for %ld request(s) in flight", sig == SIGINT ? "SIGINT" : "SIGTERM",
            g.cfg->shutdown_timeout_ms, (long)atomic_load(&rg_app.server.in_flight));
    rg_server_stop_accepting(&rg_app.server);
    g.drain_deadline = uv_now(g.loop) + g.cfg->shutdown_timeout_ms;
    uv_timer_start(&g.drain, on_drain, 0, 10);
}

static int serve(int argc, char **argv)
{
    int check = 0;
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},   {"workers", required_argument, NULL, 'w'},
        {"db", required_argument, NULL, 'd'},     {"check", no_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "c:H:p:w:d:kh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': g.config_path = optarg; break;
        case 'H': g.ov.host = optarg; break;
        case 'd': g.ov.db_path = optarg; break;
        case 'k': check = 1; break;
        case 'p':
        case 'w': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > (c == 'p' ? 65535 : 256)) {
                fprintf(stderr, "railgate: --%s: expected a number, got '%s'\n", c == 'p' ? "port" : "workers", optarg);
                return 2;
            }
            if (c == 'p')
                g.ov.port = (int)v;
            else
                g.ov.workers = (int)v;
            break;
        }
        case 'h': fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "railgate: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }

    rg_errors_t errs = {0};
    g.cfg = load_config(&errs);
    if (g.cfg == NULL) {
        print_errors(&errs);
        fprintf(stderr, "railgate: %zu problem%s in %s\n", errs.n, errs.n == 1 ? "" : "s",
                g.config_path ? g.config_path : rg_agent_env_on(env_get) ? "the environment (agent-proxy mode)"
                                                                        : "the built-in config");
        rg_errors_free(&errs);
        return 2;
    }
    if (check) {
        printf("%s: OK (%zu model%s)\n", g.cfg->source, g.cfg->n_models, g.cfg->n_models == 1 ? "" : "s");
        rg_config_unref(g.cfg);
        return 0;
    }
    rg_log_level = g.cfg->log_level;
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    char err[512];
    if (rg_ring_init(&rg_app.ring, g.cfg->ring_size) != 0 ||
        rg_writer_start(&rg_app.writer, &rg_app.ring, &rg_sink_sqlite, g.cfg->database_path, err, sizeof(err)) != 0) {
        fprintf(stderr, "railgate: records: %s\n", err);
        return 1;
    }
    if (rg_keys_open(g.cfg->database_path, err, sizeof(err)) != 0) {
        fprintf(stderr, "railgate: %s\n", err);
        return 1;
    }
    if (rg_server_start(&rg_app.server, g.cfg, rg_api_on_req, rg_api_on_worker_start, rg_api_on_worker_stop, err,
                        sizeof(err)) != 0) {
        fprintf(stderr, "railgate: %s\n", err);
        return 1;
    }

    g.loop = uv_default_loop();
    uv_signal_init(g.loop, &g.sighup);
    uv_signal_init(g.loop, &g.sigterm);
    uv_signal_init(g.loop, &g.sigint);
    uv_timer_init(g.loop, &g.drain);
    uv_timer_init(g.loop, &g.sweep);
    uv_timer_start(&g.sweep, on_sweep, 1000, 1000);
    uv_unref((uv_handle_t *)&g.sweep);
    uv_signal_start(&g.sighup, on_sighup, SIGHUP);
    uv_signal_start(&g.sigterm, on_term, SIGTERM);
    uv_signal_start(&g.sigint, on_term, SIGINT);

    const char *scheme = g.cfg->tls_cert_file ? "https" : "http";
    int v6 = strchr(g.cfg->host, ':') != NULL;
    char base[300];
    snprintf(base, sizeof(base), "%s://%s%s%s:%d", scheme, v6 ? "[" : "", g.cfg->host, v6 ? "]" : "", g.cfg->port);
    rg_info("railgate %s listening on %s (%d worker%s, config %s, records %s)", RG_VERSION, base,
            rg_app.server.n_workers, rg_app.server.n_workers == 1 ? "" : "s", g.cfg->source, g.cfg->database_path);
    rg_cfg_guardrail_service_warn(g.cfg);
    printf("listening on %s\n", base);
    if (g.cfg->agent) {
        printf("agent proxy: every path goes to %s\n", g.cfg->agent->app_url);
        fflush(stdout);
    } else {
    printf("try:\n  curl -s %s/v1/chat/completions -H 'Content-Type: application/json'%s \\\n"
           "    -d '{\"model\": \"%s\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}'\n",
           base, g.cfg->master_key ? " -H \"Authorization: Bearer $RAILGATE_MASTER_KEY\"" : "",
           g.cfg->models[0].name);
    fflush(stdout);
    }

    uv_run(g.loop, UV_RUN_DEFAULT);

    rg_service_flush(); /* the workers are stopped: nothing parks any more */
    rg_writer_stop(&rg_app.writer);
    rg_ring_destroy(&rg_app.ring);
    rg_keys_close();
    rg_info("stopped");
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "help";
    if (!strcmp(cmd, "serve"))
        return serve(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return rg_cli_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "scan"))
        return rg_cli_scan(argc - 1, argv + 1);
    if (!strcmp(cmd, "eval"))
        return rg_cli_eval(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("railgate %s\n", RG_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(USAGE, stdout);
        return 0;
    }
    fprintf(stderr, "railgate: unknown command '%s'\n\n%s", cmd, USAGE);
    return 2;
}
