/*
 * fuzz_json_schema — the JSON Schema compiler and validator (guard/json_schema.h)
 * and the JSON candidate extraction (guard/json_js.h) on untrusted bytes.
 *
 * Input: schema bytes, a NUL, instance bytes (no NUL: the first half is the
 * schema, the second the instance). The schema is loaded with jansson and
 * compiled; the instance is read with rg_js_parse and validated twice, with
 * and without collecting errors. Checks (abort() on failure):
 *   - a refused schema has a message starting "invalid JSON schema", without
 *     a trailing period (unless cut at the buffer's size);
 *   - both validations give the same result; valid ⇔ no error collected; an
 *     invalid result has at least one error; a limit (RG_JSCHEMA_TOO_DEEP,
 *     RG_JSCHEMA_TOO_COSTLY) leaves no errors behind;
 *   - every error has a keyword, a non-empty message, and a path that is ""
 *     or a JSON pointer ("/...").
 * The instance bytes are also scanned as text for ``` fences and {...}
 * spans: every span lies inside the text and the scan always advances.
 */
#include "guard/json_js.h"
#include "guard/json_schema.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_json_schema: %s\n", what);
        abort();
    }
}

static void scan_text(const char *t, size_t n)
{
    for (int fences = 0; fences < 2; fences++) {
        size_t pos = 0, off, len, last = 0, rounds = 0;
        while (fences ? rg_js_next_fence(t, n, &pos, &off, &len) : rg_js_next_braces(t, n, &pos, &off, &len)) {
            check(off <= n && len <= n - off, "candidate outside the text");
            check(pos > last || rounds == 0, "scan does not advance");
            check(pos <= n, "scan position past the end");
            last = pos;
            rounds++;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *nul = memchr(p, '\0', size);
    size_t slen = nul ? (size_t)(nul - p) : size / 2;
    const char *inst_text = nul ? nul + 1 : p + slen;
    size_t ilen = size - (size_t)(inst_text - p);

    scan_text(inst_text, ilen);

    json_error_t jerr;
    json_t *sj = json_loadb(p, slen, JSON_DECODE_ANY, &jerr);
    if (sj == NULL)
        return 0;
    char err[256] = "";
    rg_jschema_t *s = rg_jschema_compile(sj, err, sizeof(err));
    json_decref(sj);
    if (s == NULL) {
        check(strncmp(err, "invalid JSON schema", 19) == 0 || strncmp(err, "out of memory", 13) == 0,
              "refusal without a message");
        check(strlen(err) == sizeof(err) - 1 || err[strlen(err) - 1] != '.', "refusal message ends with a period");
        return 0;
    }
    json_t *inst = rg_js_parse(inst_text, ilen);
    if (inst != NULL) {
        rg_jschema_errors_t errs = {0};
        int r = rg_jschema_validate(s, inst, &errs);
        int q = rg_jschema_validate(s, inst, NULL);
        check(r == q || r == RG_JSCHEMA_OOM || q == RG_JSCHEMA_OOM, "results differ with and without errors");
        if (r == 1)
            check(errs.n == 0, "valid with errors");
        else if (r == 0)
            check(errs.n > 0, "invalid without an error");
        else
            check(errs.n == 0, "errors left after a limit");
        for (size_t i = 0; i < errs.n; i++) {
            check(errs.v[i].keyword && errs.v[i].keyword[0], "error without a keyword");
            check(errs.v[i].message && errs.v[i].message[0], "error without a message");
            check(errs.v[i].path && (errs.v[i].path[0] == '\0' || errs.v[i].path[0] == '/'), "bad error path");
        }
        rg_jschema_errors_free(&errs);
        json_decref(inst);
    }
    rg_jschema_free(s);
    return 0;
}
