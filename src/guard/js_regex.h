/*
 * js_regex.h — JavaScript RegExp semantics on PCRE2.
 *
 * Portkey's regex checks evaluate `new RegExp(rule)` in Node. Railgate
 * translates the ECMAScript pattern (Annex B syntax, as Node 20 accepts it)
 * into an equivalent PCRE2 pattern, rejecting what JavaScript rejects and
 * what PCRE2 would read differently; docs/guardrails-regex.md lists every
 * difference and what is done about it. Matching is bounded: PCRE2 match,
 * depth and heap limits per attempt plus a wall-clock budget per check run
 * (a callout at the start of the pattern checks the clock), so a
 * catastrophic or quadratic pattern ends in an error, never a hang.
 *
 * A compiled rg_jsre_t is shared read-only between worker threads; match
 * data, the match context and the JIT stack are per thread.
 */
#ifndef RG_GUARD_JS_REGEX_H
#define RG_GUARD_JS_REGEX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>


typedef struct rg_jsre rg_jsre_t;
typedef struct rg_jsre_budget {
    struct timespec deadline;
    unsigned calls;
    int expired;
} rg_jsre_budget_t;

rg_jsre_t *rg_jsre_compile(const char *src, size_t len, const char *flags, char *err, size_t errsz);
void rg_jsre_free(rg_jsre_t *re);
uint32_t rg_jsre_ncap(const rg_jsre_t *re);
const char *rg_jsre_group_name(const rg_jsre_t *re, uint32_t i);
int rg_jsre_has_named(const rg_jsre_t *re);
int rg_jsre_global(const rg_jsre_t *re);
void rg_jsre_budget_start(rg_jsre_budget_t *b);
int rg_jsre_exec(const rg_jsre_t *re, const char *s, size_t len, size_t start, int checked, rg_jsre_budget_t *b,
                 size_t *ov, char *err, size_t errsz);
/*
 * For text that is still growing (a streamed answer): whether a match could begin in s and complete only with
 * more text (PCRE2's hard partial matching, from `start` on). 1 with *from = the earliest such beginning, less
 * what a lookbehind may read before it; 0 when none; -1 on an error (the budget spent, a limit, bad UTF-8).
 */
int rg_jsre_partial(const rg_jsre_t *re, const char *s, size_t len, size_t start, int checked, rg_jsre_budget_t *b,
                    size_t *from);

#endif
