/* checks/registry.c — every check Railgate knows, by id. One line per check file. */
#include "guard/check.h"

#include <string.h>

extern const rg_check_ops_t rg_check_regex_match;
extern const rg_check_ops_t rg_check_sentence_count;
extern const rg_check_ops_t rg_check_word_count;
extern const rg_check_ops_t rg_check_character_count;
extern const rg_check_ops_t rg_check_json_schema;
extern const rg_check_ops_t rg_check_json_keys;
extern const rg_check_ops_t rg_check_contains;
extern const rg_check_ops_t rg_check_valid_urls;
extern const rg_check_ops_t rg_check_webhook;
extern const rg_check_ops_t rg_check_log;
extern const rg_check_ops_t rg_check_contains_code;
extern const rg_check_ops_t rg_check_all_uppercase;
extern const rg_check_ops_t rg_check_all_lowercase;
extern const rg_check_ops_t rg_check_ends_with;
extern const rg_check_ops_t rg_check_model_whitelist;
extern const rg_check_ops_t rg_check_model_rules;
extern const rg_check_ops_t rg_check_jwt;
extern const rg_check_ops_t rg_check_required_metadata_keys;
extern const rg_check_ops_t rg_check_allowed_request_types;
extern const rg_check_ops_t rg_check_not_null;
extern const rg_check_ops_t rg_check_regex_replace;
extern const rg_check_ops_t rg_check_add_prefix;
extern const rg_check_ops_t rg_check_rg_pii;
extern const rg_check_ops_t rg_check_rg_invisible_text;
extern const rg_check_ops_t rg_check_rg_gibberish;
extern const rg_check_ops_t rg_check_rg_banned_topics;
extern const rg_check_ops_t rg_check_rg_secrets;
extern const rg_check_ops_t rg_check_rg_prompt_injection;
extern const rg_check_ops_t rg_check_rg_akto;
extern const rg_check_ops_t rg_check_rg_akto_ingest;

/* Portkey 1.15.2's default.* checks, in its plugins/index.ts order. validUrls, webhook, log and jwt are async
 * (start/abort: network I/O through rg_check_io_t); the others run synchronously. */
const rg_check_ops_t *const rg_check_registry[] = {
    &rg_check_regex_match,
    &rg_check_sentence_count,
    &rg_check_word_count,
    &rg_check_character_count,
    &rg_check_json_schema,
    &rg_check_json_keys,
    &rg_check_contains,
    &rg_check_valid_urls,
    &rg_check_webhook,
    &rg_check_log,
    &rg_check_contains_code,
    &rg_check_all_uppercase,
    &rg_check_all_lowercase,
    &rg_check_ends_with,
    &rg_check_model_whitelist,
    &rg_check_model_rules,
    &rg_check_jwt,
    &rg_check_required_metadata_keys,
    &rg_check_allowed_request_types,
    &rg_check_not_null,
    &rg_check_regex_replace,
    &rg_check_add_prefix,
    /* Railgate's own checks (railgate.*): in-process detectors. */
    &rg_check_rg_pii,
    &rg_check_rg_invisible_text,
    &rg_check_rg_gibberish,
    &rg_check_rg_banned_topics,
    &rg_check_rg_secrets,
    &rg_check_rg_prompt_injection,
    &rg_check_rg_akto,
    &rg_check_rg_akto_ingest,
    NULL,
};

const rg_check_ops_t *rg_check_find(const char *id)
{
    for (size_t i = 0; rg_check_registry[i]; i++)
        if (strcmp(rg_check_registry[i]->id, id) == 0)
            return rg_check_registry[i];
    return NULL;
}
