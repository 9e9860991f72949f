/*
 * cli/check.h — `railgate check` and `railgate scan`: run hooks on bodies
 * from the command line, without a server.
 *
 *   railgate check --hooks JSON|@file [--phase request|response] < body.json
 *       prints hook_results for one body; exit 0 pass, 1 fail, 2 usage/bad input
 *   railgate scan --hooks JSON|@file [--phase request|response] FILE.jsonl
 *       runs every line's body, prints one line per failing body and a summary
 *
 * --hooks takes Portkey's config JSON (before_request_hooks /
 * after_request_hooks / input_ and output_ guardrails); --phase picks which
 * side runs (request: before hooks, response: after hooks).
 */
#ifndef RG_CLI_CHECK_H
#define RG_CLI_CHECK_H

#include "guard/hook.h"

#include <jansson.h>
#include <stdio.h>

int rg_cli_check(int argc, char **argv);
int rg_cli_scan(int argc, char **argv);

/* Shared with `railgate eval` (cli/eval.c). Each prints its own message to stderr on failure. */
char *rg_cli_read_all(FILE *f, size_t *len); /* malloc'd, up to 64 MiB; NULL on error or past the cap */
json_t *rg_cli_load_json(const char *arg, const char *what); /* JSON text or @file; a new reference or NULL */
/* Portkey's hook config → before/after lists, strictly (unknown checks, bad parameters: -1, lists freed). */
int rg_cli_compile_hooks(json_t *cfg, rg_hook_list_t *before, rg_hook_list_t *after);
/* Runs the phase's hooks on one body (blocking I/O for network checks; one thread only); returns the outcome,
 * *results gets {before_request_hooks, after_request_hooks} (new reference); *body may be replaced. With results
 * NULL, only the outcome: the results are serialized as the gateway does, no tree is built. */
rg_phase_outcome_t rg_cli_run_one(const rg_hook_list_t *before, const rg_hook_list_t *after, rg_phase_t phase,
                                  json_t **body, json_t **results);

#endif
