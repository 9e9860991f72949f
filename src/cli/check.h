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

int rg_cli_check(int argc, char **argv);
int rg_cli_scan(int argc, char **argv);

#endif
