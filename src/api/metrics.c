#include "api/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const double bucket_le[RG_N_BUCKETS] = {
#define X(b) b,
    RG_LATENCY_BUCKETS(X)
#undef X
};

void rg_metrics_observe(rg_metrics_t *m, rg_route_t route, int status, int64_t dur_us)
{
    if (status < 0 || status >= RG_STATUS_MAX)
        status = 0;
    RG_INC(m->requests[route][status]);
    double s = (double)dur_us / 1e6;
    int b = 0;
    while (b < RG_N_BUCKETS && s > bucket_le[b])
        b++;
    RG_INC(m->latency[route][b]);
    RG_INC_BY(m->latency_sum_us[route], (uint64_t)(dur_us > 0 ? dur_us : 0));
}

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static int put(rg_buf_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put(rg_buf_t *out, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line))
        return -1;
    return rg_buf_append(out, line, (size_t)n);
}

int rg_metrics_render(rg_buf_t *out, rg_metrics_t *const *w, int n, const rg_metrics_globals_t *g)
{
    int rc = 0;
    rc |= put(out, "# HELP railgate_requests_total Requests answered, by route and HTTP status.\n"
                   "# TYPE railgate_requests_total counter\n");
    for (int r = 0; r < RG_ROUTE__COUNT; r++)
        for (int s = 0; s < RG_STATUS_MAX; s++) {
            uint64_t v = 0;
            for (int i = 0; i < n; i++)
                v += LOAD(w[i]->requests[r][s]);
            if (v)
                rc |= put(out, "railgate_requests_total{route=\"%s\",status=\"%d\"} %lu\n", rg_route_label[r], s,
                          (unsigned long)v);
        }

    rc |= put(out, "# HELP railgate_errors_total Errors answered by Railgate, by error code.\n"
                   "# TYPE railgate_errors_total counter\n");
    for (int e = 1; e < RG_E__COUNT; e++) {
        uint64_t v = 0;
        for (int i = 0; i < n; i++)
            v += LOAD(w[i]->errors[e]);
        rc |= put(out, "railgate_errors_total{code=\"%s\"} %lu\n", rg_error_table[e].code, (unsigned long)v);
    }

    rc |= put(out, "# HELP railgate_upstream_errors_total Upstream failures, by kind.\n"
                   "# TYPE railgate_upstream_errors_total counter\n");
    for (int e = 1; e < RG_E__COUNT; e++) {
        if (strncmp(rg_error_table[e].code, "upstream_", 9) != 0)
            continue;
        uint64_t v = 0;
        for (int i = 0; i < n; i++)
            v += LOAD(w[i]->errors[e]);
        rc |= put(out, "railgate_upstream_errors_total{kind=\"%s\"} %lu\n", rg_error_table[e].code + 9,
                  (unsigned long)v);
    }

    uint64_t up = 0, aborts = 0;
    for (int i = 0; i < n; i++) {
        up += LOAD(w[i]->upstream_requests);
        aborts += LOAD(w[i]->stream_client_aborts);
    }
    rc |= put(out, "# HELP railgate_upstream_requests_total Requests sent to upstreams.\n"
                   "# TYPE railgate_upstream_requests_total counter\nrailgate_upstream_requests_total %lu\n",
              (unsigned long)up);
    rc |= put(out, "# HELP railgate_stream_client_aborts_total Streams the client left before the end.\n"
                   "# TYPE railgate_stream_client_aborts_total counter\nrailgate_stream_client_aborts_total %lu\n",
              (unsigned long)aborts);

    rc |= put(out, "# HELP railgate_request_duration_seconds Time from request to last byte, by route.\n"
                   "# TYPE railgate_request_duration_seconds histogram\n");
    for (int r = 0; r < RG_ROUTE__COUNT; r++) {
        uint64_t cum = 0, sum_us = 0, b[RG_N_BUCKETS + 1] = {0};
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= RG_N_BUCKETS; k++)
                b[k] += LOAD(w[i]->latency[r][k]);
            sum_us += LOAD(w[i]->latency_sum_us[r]);
        }
        uint64_t total = 0;
        for (int k = 0; k <= RG_N_BUCKETS; k++)
            total += b[k];
        if (total == 0)
            continue;
        for (int k = 0; k < RG_N_BUCKETS; k++) {
            cum += b[k];
            rc |= put(out, "railgate_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n", rg_route_label[r],
                      bucket_le[k], (unsigned long)cum);
        }
        rc |= put(out,
                  "railgate_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n"
                  "railgate_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                  "railgate_request_duration_seconds_count{route=\"%s\"} %lu\n",
                  rg_route_label[r], (unsigned long)total, rg_route_label[r], (double)sum_us / 1e6, rg_route_label[r],
                  (unsigned long)total);
    }

    rc |= put(out,
              "# HELP railgate_in_flight Requests being handled now.\n# TYPE railgate_in_flight gauge\n"
              "railgate_in_flight %lu\n"
              "# HELP railgate_records_written_total Records stored by the sink.\n"
              "# TYPE railgate_records_written_total counter\nrailgate_records_written_total %lu\n"
              "# HELP railgate_records_dropped_total Records dropped because the queue was full.\n"
              "# TYPE railgate_records_dropped_total counter\nrailgate_records_dropped_total %lu\n",
              (unsigned long)g->in_flight, (unsigned long)g->records_written, (unsigned long)g->records_dropped);
    rc |= put(out,
              "# HELP railgate_records_failed_total Records the sink could not store.\n"
              "# TYPE railgate_records_failed_total counter\nrailgate_records_failed_total %lu\n"
              "# HELP railgate_record_queue_depth Records waiting for the writer.\n"
              "# TYPE railgate_record_queue_depth gauge\nrailgate_record_queue_depth %lu\n",
              (unsigned long)g->records_failed, (unsigned long)g->record_queue_depth);
    rc |= put(out,
              "# HELP railgate_config_reloads_total Successful config reloads (SIGHUP).\n"
              "# TYPE railgate_config_reloads_total counter\nrailgate_config_reloads_total %lu\n"
              "# HELP railgate_config_reload_failures_total Reloads refused because the new file was bad.\n"
              "# TYPE railgate_config_reload_failures_total counter\nrailgate_config_reload_failures_total %lu\n",
              (unsigned long)g->config_reloads, (unsigned long)g->config_reload_failures);
    rc |= put(out,
                  "# HELP railgate_key_auth_failures_total Requests refused for their key: unknown or deleted virtual key, "
                  "expired key, model not allowed, or not the master key on /key/*.\n"
                  "# TYPE railgate_key_auth_failures_total counter\nrailgate_key_auth_failures_total %lu\n",
                  (unsigned long)g->key_auth_failures);
    return rc ? -1 : 0;
}
