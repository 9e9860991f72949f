/*
 * text.c — the text a guardrail looks at (Portkey's plugins/utils.ts
 * getText / getCurrentContentPart) and writing changed text back
 * (setCurrentContentPart), see text.h.
 *
 * Parts are the non-empty strings found: Portkey's getText drops empty
 * entries before joining (`textArray.filter((text) => text).join('\n')`) and
 * regexReplace skips them, so an empty string is never a part. A content part
 * counts when it is an object with a string `text` (Portkey reads
 * `item.text || ''` whatever the part's type); image, audio and file parts
 * have none and are dropped. Anything of an unexpected shape (no messages,
 * content null, a prompt of token ids) is simply not text: n = 0, no error.
 */
#include "guard/text.h"

#include <stdlib.h>
#include <string.h>

const char *rg_req_type_name(rg_req_type_t t)
{
    switch (t) {
    case RG_REQ_CHAT:
        return "chatComplete";
    case RG_REQ_COMPLETE:
        return "complete";
    case RG_REQ_EMBED:
        return "embed";
    case RG_REQ_TGI:
        return "complete";
    }
    return "unknown";
}

typedef struct {
    rg_guard_text_t *t;
    size_t cap;
} parts_vec_t;

/* Adds `str` (the value at holder[key] or holder[index]) when it is a non-empty string. */
static int add_part(parts_vec_t *v, json_t *holder, const char *key, size_t index, json_t *str)
{
    if (!json_is_string(str) || json_string_length(str) == 0)
        return 0;
    rg_guard_text_t *t = v->t;
    if (t->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        rg_text_part_t *p = realloc(t->parts, cap * sizeof(*p));
        if (p == NULL)
            return -1;
        t->parts = p;
        v->cap = cap;
    }
    rg_text_part_t *p = &t->parts[t->n++];
    p->holder = holder;
    p->key = key;
    p->index = index;
    p->s = json_string_value(str);
    p->len = json_string_length(str);
    return 0;
}

/* A message's (or a response choice message's) content: a string, or content parts. */
static int add_content(parts_vec_t *v, json_t *message)
{
    if (!json_is_object(message))
        return 0;
    json_t *content = json_object_get(message, "content");
    if (json_is_string(content))
        return add_part(v, message, "content", 0, content);
    if (json_is_array(content)) {
        size_t i;
        json_t *item;
        json_array_foreach(content, i, item)
        {
            if (json_is_object(item) && add_part(v, item, "text", 0, json_object_get(item, "text")) < 0)
                return -1;
        }
    }
    return 0;
}

/* `prompt` / `input`: a string, or an array whose string elements are the parts. */
static int add_string_or_array(parts_vec_t *v, json_t *root, const char *key)
{
    json_t *val = json_object_get(root, key);
    if (json_is_string(val))
        return add_part(v, root, key, 0, val);
    if (json_is_array(val)) {
        size_t i;
        json_t *item;
        json_array_foreach(val, i, item)
        {
            if (add_part(v, val, NULL, i, item) < 0)
                return -1;
        }
    }
    return 0;
}

static json_t *first_choice(json_t *root)
{
    json_t *choices = json_object_get(root, "choices");
    return json_is_array(choices) ? json_array_get(choices, 0) : NULL;
}

static int rebuild_joined(rg_guard_text_t *t)
{
    size_t len = 0, nonempty = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->parts[i].len > 0) {
            len += t->parts[i].len;
            nonempty++;
        }
    if (nonempty > 1)
        len += nonempty - 1;
    char *j = malloc(len + 1);
    if (j == NULL)
        return -1;
    size_t at = 0;
    for (size_t i = 0; i < t->n; i++) {
        const rg_text_part_t *p = &t->parts[i];
        if (p->len == 0)
            continue;
        if (at > 0)
            j[at++] = '\n';
        memcpy(j + at, p->s, p->len);
        at += p->len;
    }
    j[at] = '\0';
    free(t->joined);
    t->joined = j;
    t->joined_len = at;
    return 0;
}

int rg_text_extract(json_t *root, rg_phase_t phase, rg_req_type_t type, int scope_all, rg_guard_text_t *out)
{
    memset(out, 0, sizeof(*out));
    parts_vec_t v = {out, 0};
    int rc = 0;
    if (type == RG_REQ_TGI && phase == RG_PHASE_RESPONSE) {
        /* TGI: {"generated_text": ...} (/generate) or [{"generated_text": ...}, ...] (the HF root: one per
         * returned sequence, and every one of them reaches the client, so every one is a part) */
        size_t n = json_is_array(root) ? json_array_size(root) : 1;
        for (size_t i = 0; i < n && rc == 0; i++) {
            json_t *o = json_is_array(root) ? json_array_get(root, i) : root;
            if (json_is_object(o))
                rc = add_part(&v, o, "generated_text", 0, json_object_get(o, "generated_text"));
        }
    } else if (json_is_object(root)) {
        if (phase == RG_PHASE_REQUEST) {
            switch (type) {
            case RG_REQ_CHAT: {
                json_t *msgs = json_object_get(root, "messages");
                size_t n = json_is_array(msgs) ? json_array_size(msgs) : 0;
                if (n > 0) {
                    for (size_t i = scope_all ? 0 : n - 1; i < n && rc == 0; i++)
                        rc = add_content(&v, json_array_get(msgs, i));
                }
                break;
            }
            case RG_REQ_COMPLETE:
                rc = add_string_or_array(&v, root, "prompt");
                break;
            case RG_REQ_EMBED:
                rc = add_string_or_array(&v, root, "input");
                break;
            case RG_REQ_TGI:
                rc = add_string_or_array(&v, root, "inputs");
                break;
            }
        } else {
            json_t *choice = first_choice(root);
            if (json_is_object(choice)) {
                if (type == RG_REQ_CHAT)
                    rc = add_content(&v, json_object_get(choice, "message"));
                else if (type == RG_REQ_COMPLETE)
                    rc = add_part(&v, choice, "text", 0, json_object_get(choice, "text"));
                /* embeddings responses carry no text */
            }
        }
    }
    if (rc == 0)
        rc = rebuild_joined(out);
    if (rc < 0) {
        rg_text_free(out);
        return -1;
    }
    return 0;
}

int rg_text_replace(rg_guard_text_t *t, size_t i, const char *s, size_t len)
{
    if (t == NULL || i >= t->n || (s == NULL && len > 0))
        return -1;
    rg_text_part_t *p = &t->parts[i];
    json_t *str = json_stringn(s ? s : "", len); /* NULL on invalid UTF-8 too */
    if (str == NULL)
        return -1;
    /* the holder keeps a reference, so the borrowed pointer below stays valid */
    int rc = p->key ? json_object_set_new(p->holder, p->key, str) : json_array_set_new(p->holder, p->index, str);
    if (rc != 0)
        return -1;
    /* every part is read again from its holder: another result may have replaced (and freed) the string a
     * part pointed at since this text was extracted, when several checks transform the same text */
    for (size_t k = 0; k < t->n; k++) {
        rg_text_part_t *q = &t->parts[k];
        json_t *cur = q->key ? json_object_get(q->holder, q->key) : json_array_get(q->holder, q->index);
        if (json_is_string(cur)) {
            q->s = json_string_value(cur);
            q->len = json_string_length(cur);
        } else {
            q->s = "";
            q->len = 0;
        }
    }
    return rebuild_joined(t);
}

void rg_text_free(rg_guard_text_t *t)
{
    if (t == NULL)
        return;
    free(t->parts);
    free(t->joined);
    memset(t, 0, sizeof(*t));
}
