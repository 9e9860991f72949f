/* cli/eval.c — `railgate eval`: options, loading the rows, running the hooks, timing (see eval.h). */
#include "cli/eval.h"

#include "cli/check.h"
#include "cli/eval_data.h"
#include "cli/eval_report.h"
#include "cli/eval_spans.h"
#include "core/clock.h"
#include "guard/check.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES (16u << 20) /* one row */
#define TEXT_MAX_BYTES (512u << 20) /* all rows' text */
#define PASSES_MAX 1000000 /* the time bound ends the loop; this only guards against a stopped clock */

static const char USAGE[] =
    "usage: railgate eval CHECK_ID FILE.jsonl [--params JSON|@file] [--phase request|response]\n"
    "                     [--type-map JSON|@file] [--json] [--errors N] [--min-time SECONDS]\n"
    "       railgate eval --hooks JSON|@file FILE.jsonl [the same options]\n"
    "       railgate eval --speed [--direct] CHECK_ID|--hooks JSON FILE.txt [--params ...]   (each line a text; MB/s only;\n"
    "             --direct: time the checks' run() on the text alone, without the request and hook machinery)\n"
    "       railgate eval --list-checks\n"
    "rows: {\"text\": ..., \"label\": 0|1, \"subset\"?, \"detector\"?, \"entities\"?: [{type, start, end, value?}]}\n";

typedef struct opts {
    const char *check, *hooks, *params, *type_map, *file;
    rg_phase_t phase;
    int json, speed, list, direct;
    size_t errors;
    double min_time;
} opts_t;

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "railgate eval: %s\n", why);
    fputs(USAGE, stderr);
    return 2;
}

static int parse_opts(int argc, char **argv, opts_t *o)
{
    static const struct option lo[] = {
        {"params", required_argument, NULL, 'P'},   {"phase", required_argument, NULL, 'p'},
        {"hooks", required_argument, NULL, 'k'},    {"type-map", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},           {"errors", required_argument, NULL, 'e'},
        {"speed", no_argument, NULL, 's'},          {"direct", no_argument, NULL, 'D'},          {"min-time", required_argument, NULL, 'm'},
        {"list-checks", no_argument, NULL, 'l'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    o->min_time = 0.5;
    optind = 1;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'P': o->params = optarg; break;
        case 'k': o->hooks = optarg; break;
        case 't': o->type_map = optarg; break;
        case 'j': o->json = 1; break;
        case 's': o->speed = 1; break;
        case 'D': o->direct = 1; break;
        case 'l': o->list = 1; break;
        case 'p':
            if (strcmp(optarg, "request") && strcmp(optarg, "response"))
                return usage("--phase is request or response");
            o->phase = strcmp(optarg, "request") ? RG_PHASE_RESPONSE : RG_PHASE_REQUEST;
            break;
        case 'e': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 1000000)
                return usage("--errors takes a count");
            o->errors = (size_t)v;
            break;
        }
        case 'm':
            o->min_time = strtod(optarg, &end);
            if (*end || end == optarg || !(o->min_time >= 0 && o->min_time <= 3600))
                return usage("--min-time takes seconds, 0 to 3600");
            break;
        case 'h': fputs(USAGE, stdout); return 1;
        default: return usage(NULL);
        }
    }
    if (o->list)
        return optind == argc ? 0 : usage("--list-checks takes no other argument");
    int want = o->hooks ? 1 : 2;
    if (argc - optind != want)
        return usage(o->hooks ? "give one FILE after --hooks" : "give CHECK_ID and FILE (or --hooks JSON and FILE)");
    if (o->hooks && o->params)
        return usage("--params goes with a CHECK_ID, not with --hooks");
    if (o->direct && !o->speed)
        return usage("--direct goes with --speed");
    if (!o->hooks)
        o->check = argv[optind++];
    o->file = argv[optind];
    return 0;
}

/* The hooks to run: --hooks as given, or one guardrail hook holding CHECK_ID with --params. */
static int build_hooks(const opts_t *o, rg_hook_list_t *before, rg_hook_list_t *after)
{
    json_t *cfg;
    if (o->hooks) {
        cfg = rg_cli_load_json(o->hooks, "hooks");
    } else {
        if (rg_check_find(o->check) == NULL) {
            fprintf(stderr, "railgate eval: unknown check '%s' (railgate eval --list-checks)\n", o->check);
            return -1;
        }
        json_t *params = o->params ? rg_cli_load_json(o->params, "params") : json_object();
        if (params == NULL)
            return -1;
        cfg = json_pack("{s:[{s:s, s:s, s:b, s:[{s:s, s:o}]}]}",
                        o->phase == RG_PHASE_REQUEST ? "before_request_hooks" : "after_request_hooks", "id", "eval",
                        "type", "guardrail", "deny", 0, "checks", "id", o->check, "parameters", params);
    }
    if (cfg == NULL)
        return -1;
    int rc = rg_cli_compile_hooks(cfg, before, after);
    json_decref(cfg);
    if (rc == 0 && (o->phase == RG_PHASE_REQUEST ? before->n : after->n) == 0) {
        fprintf(stderr, "railgate eval: the hooks have nothing for the %s phase\n",
                o->phase == RG_PHASE_REQUEST ? "request" : "response");
        rg_hook_list_free(before);
        rg_hook_list_free(after);
        return -1;
    }
    return rc;
}

typedef struct rows {
    rg_eval_row_t *v;
    size_t *lines;
    size_t n, cap, bytes;
} rows_t;

static void rows_free(rows_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        rg_eval_row_free(&r->v[i]);
    free(r->v);
    free(r->lines);
}

/* Reads the file: labelled rows, or (speed) one text per line with label 0. Blank lines are skipped. 0 or -1. */
static int load_rows(const opts_t *o, rows_t *r)
{
    FILE *f = fopen(o->file, "rb");
    if (f == NULL) {
        fprintf(stderr, "railgate eval: cannot open %s\n", o->file);
        return -1;
    }
    char *line = NULL, err[300];
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0 || (!o->speed && strspn(line, " \t") == (size_t)n))
            continue;
        if ((size_t)n > LINE_MAX_BYTES || r->bytes + (size_t)n > TEXT_MAX_BYTES) {
            fprintf(stderr, "%s:%zu: too large (a row may have %u MiB, the file %u MiB of text)\n", o->file, lineno,
                    LINE_MAX_BYTES >> 20, TEXT_MAX_BYTES >> 20);
            rc = -1;
            break;
        }
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 256;
            rg_eval_row_t *v = realloc(r->v, nc * sizeof(*v));
            size_t *l = v ? realloc(r->lines, nc * sizeof(*l)) : NULL;
            if (v)
                r->v = v;
            if (l)
                r->lines = l;
            if (v == NULL || l == NULL) {
                fprintf(stderr, "railgate eval: out of memory\n");
                rc = -1;
                break;
            }
            r->cap = nc;
        }
        rg_eval_row_t *row = &r->v[r->n];
        if (o->speed) {
            memset(row, 0, sizeof(*row));
            json_t *probe = json_stringn(line, (size_t)n); /* NULL: not UTF-8, or a NUL byte */
            row->text = probe ? strndup(line, (size_t)n) : NULL;
            json_decref(probe);
            if (row->text == NULL) {
                fprintf(stderr, "%s:%zu: not valid UTF-8 text\n", o->file, lineno);
                rc = -1;
                break;
            }
            row->len = (size_t)n;
        } else if (rg_eval_row_parse(line, (size_t)n, row, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s:%zu: %s\n", o->file, lineno, err);
            rc = -1;
            break;
        }
        r->lines[r->n++] = lineno;
        r->bytes += row->len;
    }
    free(line);
    fclose(f);
    if (rc == 0 && r->n == 0) {
        fprintf(stderr, "%s: no rows\n", o->file);
        rc = -1;
    }
    return rc;
}

static json_t *make_body(rg_phase_t phase, const rg_eval_row_t *row)
{
    if (phase == RG_PHASE_REQUEST)
        return json_pack("{s:s, s:[{s:s, s:s%}]}", "model", "eval", "messages", "role", "user", "content", row->text,
                         row->len);
    return json_pack("{s:s, s:s, s:s, s:[{s:i, s:{s:s, s:s%}, s:s}]}", "id", "eval", "object", "chat.completion",
                     "model", "eval", "choices", "index", 0, "message", "role", "assistant", "content", row->text,
                     row->len, "finish_reason", "stop");
}

int rg_eval_collect(json_t *results, rg_phase_t phase, rg_eval_outcome_t *out, int *saw_entities)
{
    json_t *arr = json_object_get(results, phase == RG_PHASE_REQUEST ? "before_request_hooks" : "after_request_hooks");
    size_t i, j, k, cap = 0;
    json_t *h, *c, *e;
    json_array_foreach(arr, i, h) {
        json_array_foreach(json_object_get(h, "checks"), j, c) {
            json_t *err = json_object_get(c, "error");
            if (err && !json_is_null(err) && out->error == NULL) {
                const char *m = json_string_value(json_object_get(err, "message"));
                out->error = strdup(m ? m : "(error without a message)");
                if (out->error == NULL)
                    return -1;
            }
            json_t *ents = json_object_get(json_object_get(c, "data"), "entities");
            if (!json_is_array(ents))
                continue;
            *saw_entities = 1;
            json_array_foreach(ents, k, e) {
                json_t *part = json_object_get(e, "part"), *start = json_object_get(e, "start"),
                       *end = json_object_get(e, "end");
                const char *type = json_string_value(json_object_get(e, "type"));
                if (type == NULL || !json_is_integer(start) || !json_is_integer(end) ||
                    (part && json_integer_value(part) != 0) || json_integer_value(start) < 0 ||
                    json_integer_value(end) < json_integer_value(start))
                    continue;
                if (out->n_spans == cap) {
                    cap = cap ? cap * 2 : 8;
                    rg_eval_span_t *v = realloc(out->spans, cap * sizeof(*v));
                    if (v == NULL)
                        return -1;
                    out->spans = v;
                }
                char *t = strdup(type);
                if (t == NULL)
                    return -1;
                out->spans[out->n_spans++] = (rg_eval_span_t){t, (size_t)json_integer_value(start),
                                                              (size_t)json_integer_value(end)};
            }
        }
    }
    return 0;
}

void rg_eval_outcome_clear(rg_eval_outcome_t *o)
{
    free(o->error);
    for (size_t j = 0; j < o->n_spans; j++)
        free((char *)o->spans[j].type);
    free(o->spans);
    memset(o, 0, sizeof(*o));
}

static void outcomes_free(rg_eval_outcome_t *out, size_t n)
{
    for (size_t i = 0; out && i < n; i++)
        rg_eval_outcome_clear(&out[i]);
    free(out);
}

/*
 * Runs every row once (keeping the outcomes when `out` is set), timing only the hook runs; then again
 * until min_time has gone by in them (at most PASSES_MAX passes). 0 or -1.
 */
static int run_all(const opts_t *o, const rg_hook_list_t *before, const rg_hook_list_t *after, const rows_t *r,
                   rg_eval_outcome_t *out, rg_eval_summary_t *s, int *saw_entities)
{
    int64_t spent = 0;
    for (size_t pass = 0; pass < PASSES_MAX && (pass == 0 || (double)spent / 1e9 < o->min_time); pass++) {
        for (size_t i = 0; i < r->n; i++) {
            json_t *body = make_body(o->phase, &r->v[i]), *results = NULL;
            if (body == NULL) {
                fprintf(stderr, "railgate eval: out of memory\n");
                return -1;
            }
            /* after the first pass only the verdict is needed: the hooks run as on the gateway, whose results stay
             * text (a tree of them is built for the outcomes of the first pass only) */
            int need_tree = pass == 0 && out != NULL;
            int64_t t0 = rg_now_ns();
            rg_phase_outcome_t po = rg_cli_run_one(before, after, o->phase, &body, need_tree ? &results : NULL);
            spent += rg_now_ns() - t0;
            if (pass == 0 && out != NULL) {
                out[i].pred = !po.verdict;
                out[i].transformed = (uint8_t)po.transformed;
                if (rg_eval_collect(results, o->phase, &out[i], saw_entities) != 0) {
                    json_decref(results);
                    json_decref(body);
                    fprintf(stderr, "railgate eval: out of memory\n");
                    return -1;
                }
            } else if (out != NULL && out[i].pred != !po.verdict) {
                s->unstable++;
            }
            json_decref(results);
            json_decref(body);
        }
        s->passes = pass + 1;
    }
    s->bytes = r->bytes;
    s->seconds = (double)spent / 1e9;
    return 0;
}

/*
 * --speed --direct: each compiled synchronous check of the hooks runs on every line as one text part, timing only
 * the run() calls: what the detectors themselves cost, without building a request body, extracting its text and
 * keeping hook results (the machinery a gateway request pays once, whatever its checks). One clock pair per line,
 * around all its checks, in nanoseconds (a line of the bench prose takes about a microsecond: a pair per check
 * counted a clock read per check into the figure); the results are cleared after the clock stops.
 */
#define DIRECT_CHECKS_MAX 32

static int run_direct(const opts_t *o, const rg_hook_list_t *hooks, const rows_t *r, rg_eval_summary_t *s)
{
    const rg_hook_check_t *run[DIRECT_CHECKS_MAX];
    size_t n_run = 0;
    for (size_t h = 0; h < hooks->n; h++)
        for (size_t c = 0; c < hooks->hooks[h].n_checks; c++) {
            const rg_hook_check_t *hc = &hooks->hooks[h].checks[c];
            if (hc->ops == NULL || hc->compiled == NULL || hc->ops->run == NULL)
                continue;
            if (n_run == DIRECT_CHECKS_MAX) {
                fprintf(stderr, "railgate eval: --direct times at most %d checks\n", DIRECT_CHECKS_MAX);
                return -1;
            }
            run[n_run++] = hc;
        }
    rg_check_result_t res[DIRECT_CHECKS_MAX];
    int64_t spent = 0;
    size_t passes = 0;
    for (size_t pass = 0; pass < PASSES_MAX && (pass == 0 || (double)spent / 1e9 < o->min_time); pass++) {
        for (size_t i = 0; i < r->n; i++) {
            rg_text_part_t part = {.s = r->v[i].text, .len = r->v[i].len};
            rg_guard_text_t text = {.parts = &part, .n = 1, .joined = r->v[i].text, .joined_len = part.len};
            rg_check_env_t env = {.phase = o->phase, .type = RG_REQ_CHAT, .text = &text};
            memset(res, 0, n_run * sizeof(res[0]));
            int64_t t0 = rg_now_ns();
            for (size_t c = 0; c < n_run; c++)
                run[c]->ops->run(run[c]->compiled, &env, &res[c]);
            spent += rg_now_ns() - t0;
            for (size_t c = 0; c < n_run; c++)
                rg_check_result_clear(&res[c], 1);
        }
        passes = pass + 1;
    }
    s->passes = passes;
    s->bytes = r->bytes;
    s->seconds = (double)spent / 1e9;
    return 0;
}

static int list_checks(void)
{
    for (size_t i = 0; rg_check_registry[i]; i++)
        puts(rg_check_registry[i]->id);
    return 0;
}

/* Row and span metrics from the outcomes. 0 or -1 with a message printed. */
static int score(const rows_t *r, const rg_eval_outcome_t *out, int saw_entities, rg_eval_summary_t *s)
{
    char err[200];
    for (size_t i = 0; i < r->n; i++) {
        const rg_eval_row_t *row = &r->v[i];
        s->positives += (size_t)row->label;
        s->errored += out[i].error != NULL;
        s->transformed += out[i].transformed;
        rg_eval_group_add(&s->overall, row->label, out[i].pred);
        if ((row->subset && rg_eval_groups_add(&s->subsets, row->subset, row->label, out[i].pred) != 0) ||
            (row->detector && rg_eval_groups_add(&s->detectors, row->detector, row->label, out[i].pred) != 0)) {
            fprintf(stderr, "railgate eval: out of memory\n");
            return -1;
        }
        if (!saw_entities || !row->has_entities)
            continue;
        s->have_spans = 1;
        if (rg_eval_spans_add(&s->spans, row->gold, row->n_gold, out[i].spans, out[i].n_spans, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s:%zu: %s\n", s->file, r->lines[i], err);
            return -1;
        }
    }
    rg_eval_spans_finish(&s->spans);
    return 0;
}

int rg_cli_eval(int argc, char **argv)
{
    opts_t o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    if (o.list)
        return list_checks();

    rg_eval_typemap_t map;
    if (rg_eval_typemap_builtin(&map) != 0) {
        fprintf(stderr, "railgate eval: out of memory\n");
        return 2;
    }
    if (o.type_map) {
        char err[300];
        json_t *tm = rg_cli_load_json(o.type_map, "type map");
        rc = tm ? rg_eval_typemap_apply(&map, tm, err, sizeof(err)) : -1;
        if (tm && rc != 0)
            fprintf(stderr, "railgate eval: %s\n", err);
        json_decref(tm);
        if (rc != 0) {
            rg_eval_typemap_free(&map);
            return 2;
        }
    }
    rg_hook_list_t before = {0}, after = {0};
    rows_t rows = {0};
    rg_eval_outcome_t *out = NULL;
    rg_eval_summary_t s = {.what = o.hooks ? "hooks" : o.check, .file = o.file,
                           .phase = o.phase == RG_PHASE_REQUEST ? "request" : "response", .map = &map};
    rg_eval_spans_init(&s.spans, &map);
    int saw_entities = 0;
    rc = 2;
    if (build_hooks(&o, &before, &after) != 0)
        goto done;
    if (load_rows(&o, &rows) != 0)
        goto done_hooks;
    if (!o.speed && (out = calloc(rows.n, sizeof(*out))) == NULL) {
        fprintf(stderr, "railgate eval: out of memory\n");
        goto done_hooks;
    }
    if (o.direct ? run_direct(&o, o.phase == RG_PHASE_REQUEST ? &before : &after, &rows, &s) != 0
                 : run_all(&o, &before, &after, &rows, out, &s, &saw_entities) != 0)
        goto done_hooks;
    s.rows = rows.v;
    s.lines = rows.lines;
    s.out = out;
    s.n = rows.n;
    if (o.speed) {
        rg_eval_print_throughput(stdout, &s);
        printf("mbps=%.4f\n", rg_eval_mbps(&s));
        rc = 0;
        goto done_hooks;
    }
    if (score(&rows, out, saw_entities, &s) != 0)
        goto done_hooks;
    if (o.errors)
        rg_eval_print_errors(o.json ? stderr : stdout, &s, o.errors);
    if (o.json) {
        json_t *doc = rg_eval_summary_json(&s);
        char *txt = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
        if (txt)
            puts(txt);
        free(txt);
        json_decref(doc);
        rc = txt ? 0 : 2;
    } else {
        rg_eval_print_text(stdout, &s);
        rc = 0;
    }
done_hooks:
    rg_hook_list_free(&before);
    rg_hook_list_free(&after);
done:
    outcomes_free(out, rows.n);
    rows_free(&rows);
    rg_eval_groups_free(&s.subsets);
    rg_eval_groups_free(&s.detectors);
    rg_eval_spans_free(&s.spans);
    rg_eval_typemap_free(&map);
    return rc;
}
