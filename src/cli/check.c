#include "cli/check.h"

#include "core/json_load.h"
#include "core/clock.h"
#include "guard/hook.h"
#include "guard/io_blocking.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (64u << 20)

typedef struct opts {
    const char *hooks;
    rg_phase_t phase;
    const char *file;
} opts_t;

char *rg_cli_read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            if (cap >= INPUT_MAX) {
                free(buf);
                return NULL;
            }
            char *b = realloc(buf, cap * 2);
            if (b == NULL) {
                free(buf);
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    *len = n;
    return buf;
}

static int parse_opts(int argc, char **argv, opts_t *o, const char *cmd)
{
    static const struct option lo[] = {{"hooks", required_argument, NULL, 'k'},
                                       {"phase", required_argument, NULL, 'p'},
                                       {NULL, 0, NULL, 0}};
    int c;
    memset(o, 0, sizeof(*o));
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:p:", lo, NULL)) != -1) {
        if (c == 'k') {
            o->hooks = optarg;
        } else if (c == 'p' && (!strcmp(optarg, "request") || !strcmp(optarg, "response"))) {
            o->phase = !strcmp(optarg, "request") ? RG_PHASE_REQUEST : RG_PHASE_RESPONSE;
        } else {
            fprintf(stderr, "railgate %s: usage: railgate %s --hooks JSON|@file [--phase request|response]%s\n", cmd,
                    cmd, !strcmp(cmd, "scan") ? " FILE.jsonl" : " < body.json");
            return -1;
        }
    }
    if (o->hooks == NULL) {
        fprintf(stderr, "railgate %s: --hooks is required (Portkey's hook config JSON, or @file)\n", cmd);
        return -1;
    }
    if (!strcmp(cmd, "scan")) {
        if (optind != argc - 1) {
            fprintf(stderr, "railgate scan: give one JSONL file\n");
            return -1;
        }
        o->file = argv[optind];
    }
    return 0;
}

json_t *rg_cli_load_json(const char *arg, const char *what)
{
    char *owned = NULL;
    size_t len = strlen(arg);
    const char *text = arg;
    if (arg[0] == '@') {
        FILE *f = fopen(arg + 1, "rb");
        if (f == NULL || (owned = rg_cli_read_all(f, &len)) == NULL) {
            fprintf(stderr, "railgate: cannot read %s\n", arg + 1);
            if (f)
                fclose(f);
            return NULL;
        }
        fclose(f);
        text = owned;
    }
    rg_json_error_t je;
    json_t *v = rg_json_loadb(text, len, 0, &je);
    free(owned);
    if (v == NULL)
        fprintf(stderr, "railgate: %s: not valid JSON: %s at line %d column %d\n", what, je.text, je.line, je.column);
    return v;
}

int rg_cli_compile_hooks(json_t *cfg, rg_hook_list_t *before, rg_hook_list_t *after)
{
    char err[512];
    if (rg_hooks_from_portkey(cfg, 1, before, after, err, sizeof(err)) != 0) {
        fprintf(stderr, "railgate: hooks: %s\n", err);
        rg_hook_list_free(before); /* what was compiled before the error */
        rg_hook_list_free(after);
        return -1;
    }
    return 0;
}

static int load_hooks(const char *arg, rg_hook_list_t *before, rg_hook_list_t *after)
{
    json_t *cfg = rg_cli_load_json(arg, "hooks");
    if (cfg == NULL)
        return -1;
    int rc = rg_cli_compile_hooks(cfg, before, after);
    json_decref(cfg);
    return rc;
}

static rg_req_type_t type_of(json_t *body, rg_phase_t phase)
{
    if (phase == RG_PHASE_REQUEST) {
        if (json_object_get(body, "messages"))
            return RG_REQ_CHAT;
        return json_object_get(body, "prompt") ? RG_REQ_COMPLETE : json_object_get(body, "input") ? RG_REQ_EMBED
                                                                                                   : RG_REQ_CHAT;
    }
    json_t *c0 = json_array_get(json_object_get(body, "choices"), 0);
    return json_object_get(c0, "text") && !json_object_get(c0, "message") ? RG_REQ_COMPLETE : RG_REQ_CHAT;
}

rg_phase_outcome_t rg_cli_run_one(const rg_hook_list_t *before, const rg_hook_list_t *after, rg_phase_t phase,
                                  json_t **body, json_t **results)
{
    rg_phase_outcome_t out;
    json_t *metadata = json_object_get(*body, "metadata");
    const rg_hook_list_t *hooks = phase == RG_PHASE_REQUEST ? before : after;
    static rg_check_io_t *io;
    if (io == NULL)
        io = rg_io_blocking_new(); /* network checks (webhook, log, validUrls, jwt) wait for their answer here */
    if (results == NULL) /* the verdict only: no tree of the results (eval --speed) */
        return rg_hooks_run_io_outcome(hooks, phase, type_of(*body, phase), body,
                                       json_is_object(metadata) ? metadata : NULL, io);
    json_t *arr = rg_hooks_run_io(hooks, 0, phase, type_of(*body, phase), body,
                                  phase == RG_PHASE_REQUEST ? *body : NULL, json_is_object(metadata) ? metadata : NULL,
                                  NULL, NULL, io, &out);
    *results = json_object();
    json_object_set_new(*results, "before_request_hooks", phase == RG_PHASE_REQUEST ? arr : json_array());
    json_object_set_new(*results, "after_request_hooks", phase == RG_PHASE_RESPONSE ? arr : json_array());
    return out;
}

int rg_cli_check(int argc, char **argv)
{
    opts_t o;
    if (parse_opts(argc, argv, &o, "check") != 0)
        return 2;
    rg_hook_list_t before = {0}, after = {0};
    if (load_hooks(o.hooks, &before, &after) != 0)
        return 2;
    size_t len;
    char *data = rg_cli_read_all(stdin, &len);
    rg_json_error_t je;
    json_t *body = data ? rg_json_loadb(data, len, 0, &je) : NULL;
    free(data);
    if (!json_is_object(body)) {
        fprintf(stderr, "railgate check: stdin is not a JSON object%s%s\n", body ? "" : ": ", body ? "" : je.text);
        json_decref(body);
        rg_hook_list_free(&before);
        rg_hook_list_free(&after);
        return 2;
    }
    json_t *results;
    rg_phase_outcome_t out = rg_cli_run_one(&before, &after, o.phase, &body, &results);
    json_t *doc = json_pack("{s:b, s:b, s:b, s:o}", "verdict", out.verdict, "denied", out.deny, "transformed",
                            out.transformed, "hook_results", results);
    if (out.transformed)
        json_object_set(doc, o.phase == RG_PHASE_REQUEST ? "request" : "response", body);
    char *s = json_dumps(doc, JSON_INDENT(2));
    if (s)
        puts(s);
    free(s);
    json_decref(doc);
    json_decref(body);
    rg_hook_list_free(&before);
    rg_hook_list_free(&after);
    return out.verdict ? 0 : 1;
}

int rg_cli_scan(int argc, char **argv)
{
    opts_t o;
    if (parse_opts(argc, argv, &o, "scan") != 0)
        return 2;
    rg_hook_list_t before = {0}, after = {0};
    if (load_hooks(o.hooks, &before, &after) != 0)
        return 2;
    FILE *f = fopen(o.file, "rb");
    if (f == NULL) {
        fprintf(stderr, "railgate scan: cannot open %s\n", o.file);
        rg_hook_list_free(&before);
        rg_hook_list_free(&after);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0, total = 0, passed = 0, failed = 0, denied = 0, invalid = 0, transformed = 0, bytes = 0;
    ssize_t n;
    int64_t t0 = rg_now_us();
    while ((n = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        total++;
        bytes += (size_t)n;
        rg_json_error_t je;
        json_t *body = rg_json_loadb(line, (size_t)n, 0, &je);
        if (!json_is_object(body)) {
            invalid++;
            printf("%s:%zu: not a JSON object%s%s\n", o.file, lineno, body ? "" : ": ", body ? "" : je.text);
            json_decref(body);
            continue;
        }
        json_t *results;
        rg_phase_outcome_t out = rg_cli_run_one(&before, &after, o.phase, &body, &results);
        transformed += out.transformed;
        if (out.verdict) {
            passed++;
        } else {
            failed++;
            denied += out.deny;
            json_t *arr = json_object_get(results, o.phase == RG_PHASE_REQUEST ? "before_request_hooks"
                                                                                : "after_request_hooks");
            printf("%s:%zu: %s by", o.file, lineno, out.deny ? "denied" : "failed");
            size_t i;
            json_t *h;
            json_array_foreach(arr, i, h) if (json_is_false(json_object_get(h, "verdict")))
                printf(" %s", json_string_value(json_object_get(h, "id")) ? json_string_value(json_object_get(h, "id"))
                                                                            : "?");
            printf("\n");
        }
        json_decref(results);
        json_decref(body);
    }
    free(line);
    fclose(f);
    double secs = (double)(rg_now_us() - t0) / 1e6;
    printf("%zu bodies: %zu passed, %zu failed (%zu denied), %zu transformed, %zu invalid; %.3f s, %.1f MB/s\n", total,
           passed, failed, denied, transformed, invalid, secs, secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
    rg_hook_list_free(&before);
    rg_hook_list_free(&after);
    return failed || invalid ? 1 : 0;
}
