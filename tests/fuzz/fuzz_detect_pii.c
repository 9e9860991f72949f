/*
 * fuzz_detect_pii.c — railgate.pii on arbitrary bytes.
 *
 * Input: byte 0 picks the action (detect, redact, mask) and whether PERSON
 * and STREET_ADDRESS are on; bytes 1.. are the text, cut into parts at 0xFF
 * bytes (at most 4). Contracts (a failure calls abort()):
 *   - the result data serialises; `found` equals the sum of `counts` and the
 *     number of listed entities (at most 256; `truncated` exactly when more);
 *   - each entity's part exists and 0 <= start < end <= the part's length in
 *     code points; within a part entities are sorted and do not overlap;
 *   - detect: verdict is "nothing found" and no part is replaced;
 *     redact and mask: verdict true, and a part is replaced exactly when it
 *     has an entity; a masked part is never longer than the original;
 *   - excerpts are strings of valid UTF-8, even where the text is not (they are
 *     made without jansson's check, so it is done here); data written as JSON
 *     text parses and is in rg_json_dumps' compact form.
 */
#include "core/json_dump.h"
#include "guard/check.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const rg_check_ops_t rg_check_rg_pii;

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const char *const params[6] = {
    "{}",
    "{\"action\":\"redact\"}",
    "{\"action\":\"mask\"}",
    "{\"entities\":[\"EMAIL\",\"PHONE\",\"CREDIT_CARD\",\"US_SSN\",\"IBAN\",\"IP_ADDRESS\",\"URL\",\"DOMAIN\","
    "\"DATE_OF_BIRTH\",\"US_DRIVER_LICENSE\",\"PERSON\",\"STREET_ADDRESS\"]}",
    "{\"action\":\"redact\",\"entities\":[\"EMAIL\",\"PHONE\",\"CREDIT_CARD\",\"US_SSN\",\"IBAN\",\"IP_ADDRESS\","
    "\"URL\",\"DOMAIN\",\"DATE_OF_BIRTH\",\"US_DRIVER_LICENSE\",\"PERSON\",\"STREET_ADDRESS\"]}",
    "{\"action\":\"mask\",\"entities\":[\"EMAIL\",\"PHONE\",\"CREDIT_CARD\",\"US_SSN\",\"IBAN\",\"IP_ADDRESS\","
    "\"URL\",\"DOMAIN\",\"DATE_OF_BIRTH\",\"US_DRIVER_LICENSE\",\"PERSON\",\"STREET_ADDRESS\"]}",
};
static void *compiled[6];

static size_t cps(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (compiled[0] == NULL) {
        for (int i = 0; i < 6; i++) {
            char err[RG_CHECK_ERROR_MAX];
            json_t *p = json_loads(params[i], 0, NULL);
            compiled[i] = rg_check_rg_pii.compile(p, err, sizeof(err));
            json_decref(p);
            CHECK(compiled[i] != NULL);
        }
    }
    if (size < 1)
        return 0;
    int mode = data[0] % 6, action = mode % 3;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    rg_text_part_t parts[4];
    size_t n = 0, at = 0;
    while (n < 4) {
        const char *ff = memchr(text + at, 0xFF, len - at);
        size_t end = ff && n < 3 ? (size_t)(ff - text) : len;
        parts[n].s = text + at;
        parts[n].len = end - at;
        n++;
        if (end == len)
            break;
        at = end + 1;
    }
    rg_guard_text_t t = {.parts = parts, .n = n, .joined = (char *)"", .joined_len = 0};
    rg_check_env_t env = {.phase = RG_PHASE_REQUEST, .type = RG_REQ_CHAT, .text = &t};
    rg_check_result_t res;
    memset(&res, 0, sizeof(res));
    rg_check_rg_pii.run(compiled[mode], &env, &res);
    if (res.error[0] != '\0') { /* out of memory only */
        rg_check_result_clear(&res, n);
        return 0;
    }

    /* data comes as JSON text (check.h data_json; the text of a run that found nothing is lent by the compiled
     * check): one value that parses (so its strings are valid UTF-8) and is already in the compact form
     * rg_json_dumps writes */
    CHECK((res.data == NULL) != (res.data_json == NULL));
    if (res.data_json != NULL) {
        /* \u0000 is valid JSON (an excerpt keeps a text's NUL characters): jansson reads it with JSON_ALLOW_NUL */
        res.data = json_loadb(res.data_json, res.data_json_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
        CHECK(res.data != NULL);
        size_t dl = 0;
        char *again = rg_json_dumps(res.data, &dl);
        CHECK(again != NULL && dl == res.data_json_len && memcmp(again, res.data_json, dl) == 0);
        free(again);
    }
    char *dump = json_dumps(res.data, JSON_COMPACT);
    CHECK(dump != NULL);
    free(dump);
    json_t *ents = json_object_get(res.data, "entities");
    size_t found = (size_t)json_integer_value(json_object_get(res.data, "found"));
    CHECK(json_array_size(ents) == (found < 256 ? found : 256));
    CHECK(json_is_true(json_object_get(res.data, "truncated")) == (found > 256));
    size_t sum = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(res.data, "counts"), k, v) sum += (size_t)json_integer_value(v);
    CHECK(sum == found);

    int has[4] = {0};
    json_int_t prev_part = -1, prev_end = 0;
    size_t i;
    json_t *e;
    json_array_foreach(ents, i, e) {
        json_int_t p = json_integer_value(json_object_get(e, "part"));
        json_int_t s = json_integer_value(json_object_get(e, "start"));
        json_int_t en = json_integer_value(json_object_get(e, "end"));
        CHECK(p >= 0 && (size_t)p < n && p >= prev_part);
        if (p != prev_part)
            prev_end = 0;
        CHECK(s >= prev_end && s < en && (size_t)en <= cps(parts[p].s, parts[p].len));
        json_t *ex = json_object_get(e, "excerpt");
        CHECK(json_is_string(ex));
        /* made without a UTF-8 check (json_stringn_nocheck): the checked constructor must accept it */
        json_t *again = json_stringn(json_string_value(ex), json_string_length(ex));
        CHECK(again != NULL);
        json_decref(again);
        prev_part = p;
        prev_end = en;
        has[p] = 1;
    }
    if (action == 0) {
        CHECK(res.verdict == (found == 0));
        CHECK(res.parts == NULL);
    } else {
        CHECK(res.verdict == 1);
        for (size_t j = 0; j < n; j++) {
            int replaced = res.parts != NULL && res.parts[j] != NULL;
            CHECK(replaced == has[j]);
            if (replaced && action == 2)
                CHECK(res.part_lens[j] <= parts[j].len);
        }
    }
    rg_check_result_clear(&res, n);
    return 0;
}
