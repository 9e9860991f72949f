/*
 * fuzz_detect_secrets — the secrets detector (detect/secrets.h) and the
 * railgate.secrets check on arbitrary text.
 *
 * Byte 0 picks a detector (all types; the context rules only; the generic
 * rule with min_length 64 and a bits-per-character threshold) and how many
 * spaces (0..63) to put in front of the text; bytes 1.. are the text.
 * Checks: find succeeds; every span is inside the text and not empty; after
 * resolve the spans are sorted and do not overlap; the same text behind the
 * spaces gives the same spans moved by that many bytes (the token pass reads
 * 64-byte blocks, so this moves every run across block edges); the check's
 * redact and mask actions run and give one part. A failed check aborts.
 */
#include "detect/entity.h"
#include "detect/secrets.h"
#include "guard/check.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_DET 3
static void *dets[N_DET];
static void *checks[2];
static const rg_check_ops_t *check_ops;

static void *compile(uint64_t types, const char *params)
{
    json_t *p = params ? json_loads(params, 0, NULL) : NULL;
    char err[256];
    void *d = rg_detector_secrets.compile(types, p, err, sizeof(err));
    json_decref(p);
    if (d == NULL) {
        fprintf(stderr, "compile: %s\n", err);
        abort();
    }
    return d;
}

static uint64_t type_bit(const char *name)
{
    int k = rg_detector_type(&rg_detector_secrets, name, strlen(name));
    if (k < 0)
        abort();
    return (uint64_t)1 << k;
}

static void init(void)
{
    dets[0] = compile(rg_detector_secrets.default_types, NULL);
    dets[1] = compile(type_bit("PASSWORD") | type_bit("BASIC_AUTH_URL") | type_bit("AWS_SECRET_KEY"), NULL);
    dets[2] = compile(type_bit("GENERIC_HIGH_ENTROPY") | type_bit("DISCORD_TOKEN"),
                      "{\"min_length\": 64, \"entropy_threshold\": 4.2}");
    check_ops = rg_check_find("railgate.secrets");
    const char *params[2] = {"{\"action\": \"redact\"}", "{\"action\": \"mask\"}"};
    for (int i = 0; i < 2; i++) {
        json_t *p = json_loads(params[i], 0, NULL);
        char err[256];
        checks[i] = check_ops ? check_ops->compile(p, err, sizeof(err)) : NULL;
        json_decref(p);
        if (checks[i] == NULL)
            abort();
    }
}

static void find_resolved(void *det, const char *s, size_t len, rg_entities_t *e)
{
    rg_entities_clear(e);
    if (rg_detector_secrets.find(det, s, len, e) != 0) {
        fprintf(stderr, "find failed on %zu bytes\n", len);
        abort();
    }
    if (rg_detector_secrets.pending(det, s, len) > len) { /* streams: what may be a private key arriving */
        fprintf(stderr, "pending beyond the text's %zu bytes\n", len);
        abort();
    }
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].start >= e->v[i].end || e->v[i].end > len || e->v[i].type >= 64 ||
            rg_detector_secrets.types[e->v[i].type] == NULL) {
            fprintf(stderr, "bad span [%u, %u) type %u in %zu bytes\n", e->v[i].start, e->v[i].end, e->v[i].type, len);
            abort();
        }
    rg_entities_resolve(e);
    for (size_t i = 1; i < e->n; i++)
        if (e->v[i].start < e->v[i - 1].end) {
            fprintf(stderr, "overlap after resolve: [%u, %u) [%u, %u)\n", e->v[i - 1].start, e->v[i - 1].end,
                    e->v[i].start, e->v[i].end);
            abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dets[0] == NULL)
        init();
    if (size == 0)
        return 0;
    void *det = dets[data[0] % N_DET];
    size_t pad = (data[0] >> 2) & 63, len = size - 1;
    char *text = malloc(len + 1), *padded = malloc(pad + len + 1);
    if (text == NULL || padded == NULL)
        abort();
    memcpy(text, data + 1, len);
    text[len] = '\0';
    memset(padded, ' ', pad);
    memcpy(padded + pad, data + 1, len);
    padded[pad + len] = '\0';

    rg_entities_t a = {0}, b = {0};
    find_resolved(det, text, len, &a);
    find_resolved(det, padded, pad + len, &b);
    if (!a.truncated && !b.truncated) {
        int same = a.n == b.n;
        for (size_t i = 0; same && i < a.n; i++)
            same = a.v[i].start + pad == b.v[i].start && a.v[i].end + pad == b.v[i].end && a.v[i].type == b.v[i].type;
        if (!same) {
            fprintf(stderr, "%zu spans, %zu behind %zu spaces\n", a.n, b.n, pad);
            for (size_t i = 0; i < a.n || i < b.n; i++)
                fprintf(stderr, "  %s\n", i < a.n && i < b.n && a.v[i].start + pad == b.v[i].start ? "=" : "differs");
            abort();
        }
    }
    rg_entities_free(&a);
    rg_entities_free(&b);

    /* the check: both transforming actions, one part */
    rg_text_part_t part = {.s = text, .len = len};
    rg_guard_text_t gt = {.parts = &part, .n = 1, .joined = text, .joined_len = len};
    rg_check_env_t env = {.text = &gt};
    for (int i = 0; i < 2; i++) {
        rg_check_result_t res = {0};
        check_ops->run(checks[i], &env, &res);
        if (res.error[0] != '\0' || (res.transformed && (res.parts == NULL || res.parts[0] == NULL))) {
            fprintf(stderr, "check: error \"%s\" or no part\n", res.error);
            abort();
        }
        rg_check_result_clear(&res, 1);
    }
    free(text);
    free(padded);
    return 0;
}
