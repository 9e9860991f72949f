/*
 * fuzz_hooks — a request-supplied guardrail config (x-portkey-config) is
 * untrusted input: compile it as the server does (non-strict) and run both
 * phases on a small chat body and answer. Must never crash or leak; a hook
 * result array always has one entry per hook of the phase (async ones aside).
 */
#include "core/json_load.h"
#include "guard/hook.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sync_hooks(const rg_hook_list_t *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !l->hooks[i].async;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rg_json_error_t je;
    json_t *cfg = rg_json_loadb((const char *)data, size, 1, &je);
    if (cfg == NULL)
        return 0;
    rg_hook_list_t before = {0}, after = {0};
    char err[512];
    if (rg_hooks_from_portkey(cfg, 0, &before, &after, err, sizeof(err)) == 0) {
        json_t *req = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:[{s:s, s:s}]}], s:{s:s}}", "model", "gpt-4o-mini",
                                "messages", "role", "system", "content", "Be brief.", "role", "user", "content",
                                "type", "text", "text", "My SSN is 123-45-6789 and my email is a@b.example",
                                "metadata", "user_id", "u-1");
        json_t *resp = json_pack("{s:[{s:i, s:{s:s, s:s}}]}", "choices", "index", 0, "message", "role", "assistant",
                                 "content", "```json\n{\"answer\": 42}\n``` The answer is 42.");
        rg_phase_outcome_t out;
        json_t *r1 = rg_hooks_run(&before, 0, RG_PHASE_REQUEST, RG_REQ_CHAT, &req, req, NULL, NULL, NULL, &out);
        if (json_array_size(r1) != sync_hooks(&before))
            abort();
        json_t *r2 = rg_hooks_run(&after, 0, RG_PHASE_RESPONSE, RG_REQ_CHAT, &resp, req, NULL, NULL, NULL, &out);
        if (json_array_size(r2) != sync_hooks(&after))
            abort();
        char *s = json_dumps(r2, JSON_COMPACT); /* results must always serialise */
        if (s == NULL)
            abort();
        free(s);
        json_decref(r1);
        json_decref(r2);
        json_decref(req);
        json_decref(resp);
    }
    rg_hook_list_free(&before);
    rg_hook_list_free(&after);
    json_decref(cfg);
    return 0;
}
