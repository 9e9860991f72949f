/*
 * entity_allow.h — the allow_list parameter of the entity checks (railgate.pii, railgate.secrets): values the
 * user declares safe, which are neither reported nor redacted (Presidio's analyzer calls it allow_list).
 *
 * Exact, case-sensitive values: a found span is dropped when its bytes equal one entry. At most
 * RG_ALLOW_MAX entries (RG_CHECK_UNTRUSTED_TERMS_MAX in hooks a request supplies) of 1..RG_ALLOW_VALUE_MAX
 * bytes each. Read-only after compile: any thread may look up.
 */
#ifndef RG_GUARD_CHECKS_ENTITY_ALLOW_H
#define RG_GUARD_CHECKS_ENTITY_ALLOW_H

#include <jansson.h>
#include <stddef.h>

#define RG_ALLOW_MAX 4096
#define RG_ALLOW_VALUE_MAX 1024

typedef struct rg_allow rg_allow_t;

/* The list in v (an array of strings; NULL or JSON null: no list, *out = NULL). 0, or -1 with err. */
int rg_allow_compile(const json_t *v, rg_allow_t **out, char *err, size_t errsz);
/* 1 when s[0, n) is on the list (a NULL list holds nothing). */
int rg_allow_has(const rg_allow_t *a, const char *s, size_t n);
void rg_allow_free(rg_allow_t *a);

#endif
