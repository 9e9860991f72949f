/*
 * text.h — the text a guardrail looks at, and writing changed text back.
 *
 * Portkey's checks read one piece of text (plugins/utils.ts getText): for a
 * request, the last message's content (a string, or the `text` of each
 * content part, joined with "\n"), `prompt` for completions, `input` for
 * embeddings; for a response, choices[0].message.content (chat) or
 * choices[0].text (completions). `scope: all` widens a request to every
 * message and every content part, tool results included.
 *
 * The text is kept as parts that remember where they came from, so a
 * transforming check (regexReplace, PII redaction) can replace part i and
 * have it written back into the same JSON node (Portkey's
 * setCurrentContentPart). `joined` is the parts joined with "\n".
 */
#ifndef RG_GUARD_TEXT_H
#define RG_GUARD_TEXT_H

#include <jansson.h>
#include <stddef.h>

typedef enum rg_phase { RG_PHASE_REQUEST = 0, RG_PHASE_RESPONSE } rg_phase_t;

/* Portkey's requestType names: "chatComplete", "complete", "embed". RG_REQ_TGI is Hugging Face's text
 * generation (TGI) shape, seen only in agent-proxy mode: request text `inputs` (a string or an array of
 * strings), response text `generated_text` of the object, or of the first element of an array; its
 * requestType name is "complete" (a prompt in, text out). */
typedef enum rg_req_type { RG_REQ_CHAT = 0, RG_REQ_COMPLETE, RG_REQ_EMBED, RG_REQ_TGI } rg_req_type_t;
const char *rg_req_type_name(rg_req_type_t t);

typedef struct rg_text_part {
    json_t *holder;  /* object holding the string under `key`, or array holding it at `index` (borrowed) */
    const char *key; /* NULL when holder is an array */
    size_t index;
    const char *s;   /* the string as it is now (borrowed from the JSON) */
    size_t len;
} rg_text_part_t;

typedef struct rg_guard_text {
    rg_text_part_t *parts;
    size_t n;
    char *joined; /* parts joined with "\n", NUL-terminated; "" when there is no text */
    size_t joined_len;
} rg_guard_text_t;

/*
 * Fills out from root (the request or response JSON). scope_all: every
 * message (requests only). Returns 0, or -1 on out of memory. A body
 * without text gives n = 0 and joined = "".
 */
int rg_text_extract(json_t *root, rg_phase_t phase, rg_req_type_t type, int scope_all, rg_guard_text_t *out);

/* Replaces part i's string in the JSON (and in out->parts[i]); joined is rebuilt. 0 or -1. */
int rg_text_replace(rg_guard_text_t *t, size_t i, const char *s, size_t len);

void rg_text_free(rg_guard_text_t *t);

#endif
