/*
 * json_schema.h — JSON Schema (draft 2020-12 vocabulary, the keywords
 * @cfworker/json-schema 4.0.3 evaluates) compiled once, validated many times.
 *
 * Portkey's default.jsonSchema validates with @cfworker/json-schema
 * (draft "2020-12", shortCircuit false: every error). This validator
 * evaluates the same keywords in the same order and reports the same
 * errors with the same messages, so a check's data.validationErrors match
 * Portkey's. Supported keywords, what is ignored and the known differences
 * are listed in docs/guardrails-jsonschema.md.
 *
 * Compiling checks the types of the keywords it knows (a schema with
 * "minLength": "3" or an unresolvable "$ref" is refused with a message
 * naming the place); unknown keywords are ignored, as validators do.
 * The compiled schema is immutable: any number of threads may validate
 * against it at once.
 */
#ifndef RG_GUARD_JSON_SCHEMA_H
#define RG_GUARD_JSON_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

typedef struct rg_jschema rg_jschema_t;

/* One error, in @cfworker/json-schema's spirit (its instanceLocation/keyword/error). */
typedef struct rg_jschema_error {
    char *path;          /* JSON pointer (RFC 6901) of the instance value: "" = the root, "/a/0" */
    const char *keyword; /* "type", "required", ...; "false" for a false schema */
    char *message;       /* @cfworker/json-schema's message, e.g. Instance does not have required property "a". */
} rg_jschema_error_t;

typedef struct rg_jschema_errors {
    rg_jschema_error_t *v;
    size_t n, cap;
} rg_jschema_errors_t;

/* rg_jschema_validate's results besides 1 (valid) and 0 (invalid). */
#define RG_JSCHEMA_OOM (-1)
#define RG_JSCHEMA_TOO_DEEP (-2)   /* $ref/combinator nesting without progress, or the instance too deep */
#define RG_JSCHEMA_TOO_COSTLY (-3) /* the work budget ran out (see RG_JSCHEMA_BUDGET) */

/* Limits: nested evaluations at one instance location, in all, and work units per validation. */
#define RG_JSCHEMA_MAX_SAME_PLACE 128
#define RG_JSCHEMA_MAX_DEPTH 1000
#define RG_JSCHEMA_BUDGET 2000000u

/*
 * Compiles a schema (an object or a boolean; the schema is copied).
 * NULL with a message in err (no trailing period) when it is not a
 * usable schema.
 */
rg_jschema_t *rg_jschema_compile(const json_t *schema, char *err, size_t errsz);

/*
 * Validates instance. Returns 1 when valid, 0 when not, or one of the
 * negative RG_JSCHEMA_* codes. With errors non-NULL every error is
 * appended there, in @cfworker/json-schema's order (a wrapper error such
 * as "Property "a" does not match schema." comes before the errors of the
 * subschema); with errors NULL nothing is allocated for them. A valid
 * result appends nothing.
 *
 * Instances should look as JavaScript holds them (rg_js_normalize in
 * guard/json_js.h) for the error order to match for objects with numeric
 * keys; validity does not depend on it.
 */
int rg_jschema_validate(const rg_jschema_t *s, const json_t *instance, rg_jschema_errors_t *errors);

void rg_jschema_errors_free(rg_jschema_errors_t *errors);
void rg_jschema_free(rg_jschema_t *s);

#endif
