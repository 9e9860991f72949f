/*
 * payload_text.h — the texts in a payload body, as the string nodes that
 * hold them, so checks can read them and a redaction can be written back
 * into the same places (json_string_setn on the node).
 *
 * Recognised shapes, in this order (the first that matches decides):
 *   OpenAI chat request: messages[].content (string, or parts' text /
 *     input_text), tool_calls[].function.arguments;
 *   completions / embeddings / responses requests: prompt, input (string or
 *     list of strings), instructions;
 *   answers: choices[].message.content (and parts), .text, .delta.content,
 *     message.tool_calls[].function.arguments; Anthropic-style content[].text;
 *     Hugging Face generated_text;
 *   MCP JSON-RPC: tools/call params.arguments (every string leaf), a result's
 *     content[].text, tools/list result.tools[].description (also a bare
 *     {"tools": [...]} as LiteLLM's definition scan sends);
 *   otherwise every string leaf of the body.
 * A body that is a JSON string (plain text) is its own single leaf. Empty
 * strings are skipped. Bounded: RG_LEAVES_MAX leaves, RG_LEAVES_DEPTH levels.
 */
#ifndef RG_SERVICE_PAYLOAD_TEXT_H
#define RG_SERVICE_PAYLOAD_TEXT_H

#include <jansson.h>
#include <stddef.h>

#define RG_LEAVES_MAX 4096
#define RG_LEAVES_DEPTH 32

typedef struct rg_leaves {
    json_t *v[RG_LEAVES_MAX]; /* borrowed string nodes of the body */
    size_t n;
    int truncated; /* some text was not read: more leaves than RG_LEAVES_MAX, or deeper than RG_LEAVES_DEPTH */
} rg_leaves_t;

/* Fills out (zeroed first) with body's text leaves. */
void rg_payload_leaves(json_t *body, rg_leaves_t *out);

#endif
