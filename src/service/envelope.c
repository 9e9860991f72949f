/*
 * envelope.c — Akto's envelope and payload encodings (see envelope.h).
 */
#include "service/envelope.h"

#include "core/json_dump.h"
#include "core/json_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int rg_akto_envelope_parse(const char *data, size_t len, json_t **out, char *err, size_t errsz)
{
    *out = NULL;
    rg_json_error_t je;
    json_t *j = data && len ? rg_json_loadb(data, len, 0, &je) : NULL;
    if (j == NULL) {
        snprintf(err, errsz, "Invalid request format: %s", data && len ? je.text : "empty body");
        return -1;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, errsz, "Invalid request format: expected a JSON object");
        return -1;
    }
    *out = j;
    return 0;
}

const char *rg_akto_field(const json_t *env, const char *key, size_t *len)
{
    json_t *v = json_object_get(env, key);
    if (!json_is_string(v))
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

static int only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

int rg_akto_payload_parse(const char *s, size_t len, rg_akto_payload_t *p)
{
    memset(p, 0, sizeof(*p));
    if (s == NULL || only_space(s, len))
        return 0;
    rg_json_error_t je;
    json_t *w = rg_json_loadb(s, len, 1, &je);
    if (w == NULL || json_is_string(w) || json_is_number(w) || json_is_boolean(w)) {
        /* not a JSON container: its text is what there is to check */
        json_decref(w);
        p->body = json_stringn(s, len);
        if (p->body == NULL) /* not UTF-8 */
            return 0;
        p->enc = RG_AKTO_RAW_TEXT;
        return 0;
    }
    if (json_is_null(w)) {
        json_decref(w);
        return 0;
    }
    p->wrapper = w;
    json_t *b = json_is_object(w) ? json_object_get(w, "body") : NULL;
    if (!json_is_object(w) || b == NULL) {
        p->enc = RG_AKTO_WHOLE;
        p->body = json_incref(w);
        return 0;
    }
    if (json_is_null(b) || json_is_number(b) || json_is_boolean(b)) {
        p->enc = RG_AKTO_NONE;
        return 0;
    }
    if (json_is_string(b)) {
        const char *t = json_string_value(b);
        size_t n = json_string_length(b);
        json_t *inner = only_space(t, n) ? NULL : rg_json_loadb(t, n, 0, &je);
        if (json_is_object(inner) || json_is_array(inner)) {
            p->enc = RG_AKTO_DOUBLE;
            p->body = inner;
        } else {
            json_decref(inner);
            p->enc = RG_AKTO_TEXT;
            p->body = json_incref(b);
        }
        return 0;
    }
    p->enc = RG_AKTO_OBJECT;
    p->body = json_incref(b);
    return 0;
}

char *rg_akto_payload_encode(const rg_akto_payload_t *p)
{
    switch (p->enc) {
    case RG_AKTO_NONE:
        return NULL;
    case RG_AKTO_RAW_TEXT:
        return strdup(json_string_value(p->body));
    case RG_AKTO_WHOLE:
        return rg_json_dumps(p->body, NULL);
    default:
        break;
    }
    json_t *w = json_copy(p->wrapper); /* shallow: only "body" is replaced */
    if (w == NULL)
        return NULL;
    json_t *b;
    if (p->enc == RG_AKTO_DOUBLE) {
        char *inner = rg_json_dumps(p->body, NULL);
        b = inner ? json_string(inner) : NULL;
        free(inner);
    } else {
        b = json_incref(p->body);
    }
    char *out = NULL;
    if (b && json_object_set_new(w, "body", b) == 0)
        out = rg_json_dumps(w, NULL);
    json_decref(w);
    return out;
}

void rg_akto_payload_free(rg_akto_payload_t *p)
{
    json_decref(p->wrapper);
    json_decref(p->body);
    memset(p, 0, sizeof(*p));
}

int rg_akto_query_flag(const char *q, size_t qlen, const char *name)
{
    size_t nl = strlen(name);
    const char *end = q + qlen;
    while (q && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *e = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(e - q));
        if (eq && (size_t)(eq - q) == nl && memcmp(q, name, nl) == 0) {
            const char *v = eq + 1;
            size_t vl = (size_t)(e - v);
            return vl == 4 && strncasecmp(v, "true", 4) == 0;
        }
        q = amp ? amp + 1 : NULL;
    }
    return 0;
}

size_t rg_akto_query_word(const char *q, size_t qlen, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    const char *end = q + qlen;
    if (outsz)
        out[0] = '\0';
    while (q && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *e = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(e - q));
        if (eq && (size_t)(eq - q) == nl && memcmp(q, name, nl) == 0) {
            size_t vl = (size_t)(e - eq - 1);
            if (vl == 0 || vl >= outsz)
                return 0;
            for (size_t i = 0; i < vl; i++) {
                char ch = eq[1 + i];
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                      ch == '_' || ch == '-')) {
                    out[0] = '\0';
                    return 0;
                }
                out[i] = ch;
            }
            out[vl] = '\0';
            return vl;
        }
        q = amp ? amp + 1 : NULL;
    }
    return 0;
}

size_t rg_akto_collection(const json_t *env, char *out, size_t outsz)
{
    size_t hl;
    const char *hs = rg_akto_field(env, "requestHeaders", &hl);
    if (outsz == 0)
        return 0;
    out[0] = '\0';
    if (hs == NULL)
        return 0;
    rg_json_error_t je;
    json_t *h = rg_json_loadb(hs, hl, 0, &je);
    const char *host = NULL;
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(h, k, v) /* header names in any case */
    {
        if (strcasecmp(k, "host") == 0 && json_is_string(v)) {
            host = json_string_value(v);
            n = json_string_length(v);
            break;
        }
    }
    size_t o = 0;
    for (size_t i = 0; host && i < n && o + 1 < outsz && o < 200; i++) {
        unsigned char c = (unsigned char)host[i];
        if ((c & 0xC0) == 0x80)
            continue; /* one '-' per character, not per byte */
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-';
        out[o++] = ok ? (char)c : '-';
    }
    out[o] = '\0';
    json_decref(h);
    return o;
}
