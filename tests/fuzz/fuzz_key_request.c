/*
 * fuzz_key_request.c — the parsers behind virtual keys and collections.
 *
 * Byte 0 picks the parser, bytes 1.. are its input:
 *   0  rg_duration_parse: an accepted duration is 0..RG_DURATION_MAX_S and
 *      its canonical form ("<seconds>s", when it has at most 9 digits)
 *      parses to the same number.
 *   1  rg_time_parse: an accepted timestamp is a whole second >= 0, and
 *      rg_time_format of it parses back to the same instant.
 *   2  /key/generate body (loaded with rg_json_loadb) through
 *      rg_key_spec_parse: on success every field is within its limits
 *      (entry.h) and an expiry is >= 0; on failure a message and, if any,
 *      a param that is one of the body's field names.
 *   3  /key/delete body through rg_key_delete_parse: on success at least
 *      one name, each a non-empty string; on failure a message.
 *   4  rg_collection_normalise of the bytes and rg_collection_pick with
 *      them as the body, the key alias and the host: at most 200 bytes of
 *      [a-z0-9._-], and normalising the result again changes nothing.
 * Anything else aborts.
 */
#include "core/json_load.h"
#include "keys/collection.h"
#include "keys/duration.h"
#include "keys/entry.h"
#include "keys/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_collection(const char *s, size_t n)
{
    if (n > RG_COLLECTION_MAX || strlen(s) != n)
        abort();
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            abort();
    }
    char again[RG_COLLECTION_MAX + 1];
    if (rg_collection_normalise(s, n, again) != n || memcmp(again, s, n) != 0)
        abort();
}

static int known_param(const char *p)
{
    static const char *const names[] = {"key_alias", "team_id", "team_alias", "models",     "metadata",
                                        "duration",  "expires", "keys",       "key_aliases"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(p, names[i]) == 0)
            return 1;
    return 0;
}

static void check_string_field(const char *s)
{
    if (s && (strlen(s) == 0 || strlen(s) > RG_KEY_FIELD_MAX))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    char err[256];
    const char *param = NULL;
    switch (data[0] % 5) {
    case 0: {
        int64_t secs;
        if (rg_duration_parse(s, n, &secs) == 0) {
            if (secs < 0 || secs > RG_DURATION_MAX_S)
                abort();
            if (secs <= 999999999) {
                char canon[32];
                int64_t back;
                int k = snprintf(canon, sizeof(canon), "%llds", (long long)secs);
                if (rg_duration_parse(canon, (size_t)k, &back) != 0 || back != secs)
                    abort();
            }
        }
        break;
    }
    case 1: {
        int64_t ms;
        if (rg_time_parse(s, n, &ms) == 0) {
            if (ms < 0 || ms % 1000 != 0)
                abort();
            char out[32];
            rg_time_format(ms, out);
            int64_t back;
            if (rg_time_parse(out, strlen(out), &back) != 0 || back != ms)
                abort();
        }
        break;
    }
    case 2:
    case 3: {
        rg_json_error_t jerr;
        json_t *body = rg_json_loadb(s, n, 1, &jerr);
        if (body == NULL)
            break;
        err[0] = '\0';
        if (data[0] % 5 == 2) {
            rg_key_spec_t spec;
            if (rg_key_spec_parse(body, 1700000000000LL, &spec, err, sizeof(err), &param) == 0) {
                check_string_field(spec.key_alias);
                check_string_field(spec.team_id);
                check_string_field(spec.team_alias);
                if (spec.expires_ms < 0)
                    abort();
                if (spec.models) {
                    if (!json_is_array(spec.models) || json_array_size(spec.models) > RG_KEY_MODELS_MAX)
                        abort();
                    for (size_t i = 0; i < json_array_size(spec.models); i++)
                        check_string_field(json_string_value(json_array_get(spec.models, i)));
                }
                if (spec.metadata && !json_is_object(spec.metadata))
                    abort();
            } else if (err[0] == '\0' || (param && !known_param(param))) {
                abort();
            }
        } else {
            rg_key_delete_t del;
            if (rg_key_delete_parse(body, &del, err, sizeof(err), &param) == 0) {
                size_t total = 0;
                const json_t *lists[2] = {del.keys, del.key_aliases};
                for (int l = 0; l < 2; l++)
                    for (size_t i = 0; lists[l] && i < json_array_size(lists[l]); i++) {
                        const json_t *v = json_array_get(lists[l], i);
                        if (!json_is_string(v) || json_string_length(v) == 0)
                            abort();
                        total++;
                    }
                if (total == 0)
                    abort();
            } else if (err[0] == '\0' || (param && !known_param(param))) {
                abort();
            }
        }
        json_decref(body);
        break;
    }
    default: {
        char out[RG_COLLECTION_MAX + 1];
        check_collection(out, rg_collection_normalise(s, n, out));
        rg_json_error_t jerr;
        json_t *body = rg_json_loadb(s, n, 1, &jerr);
        char *alias = malloc(n + 1);
        if (alias == NULL)
            abort();
        memcpy(alias, s, n);
        alias[n] = '\0';
        check_collection(out, rg_collection_pick(body, alias, NULL, s, n, out));
        check_collection(out, rg_collection_pick(NULL, NULL, NULL, s, n, out));
        free(alias);
        json_decref(body);
        break;
    }
    }
    return 0;
}
