/* collection.c — a record's collection (see collection.h). */
#include "keys/collection.h"

#include <string.h>

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

size_t rg_collection_normalise(const char *s, size_t len, char out[RG_COLLECTION_MAX + 1])
{
    size_t i = 0, end = len;
    while (i < end && blank(s[i]))
        i++;
    while (end > i && blank(s[end - 1]))
        end--;
    size_t n = 0;
    for (; i < end && n < RG_COLLECTION_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue; /* a UTF-8 continuation byte: its character already gave one "-" */
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        out[n++] = ok ? (char)c : '-';
    }
    out[n] = '\0';
    return n;
}

static size_t try_one(const char *s, size_t len, char out[RG_COLLECTION_MAX + 1])
{
    return s ? rg_collection_normalise(s, len, out) : 0;
}

size_t rg_collection_pick(const json_t *body, const char *key_alias, const char *team_alias, const char *host,
                          size_t host_len, char out[RG_COLLECTION_MAX + 1])
{
    size_t n;
    const json_t *md = json_is_object(body) ? json_object_get(body, "metadata") : NULL;
    const json_t *agent = json_is_object(md) ? json_object_get(md, "agent_name") : NULL;
    if (json_is_string(agent) && (n = try_one(json_string_value(agent), json_string_length(agent), out)) > 0)
        return n;
    if (key_alias && (n = try_one(key_alias, strlen(key_alias), out)) > 0)
        return n;
    if (team_alias && (n = try_one(team_alias, strlen(team_alias), out)) > 0)
        return n;
    if (host && (n = try_one(host, host_len, out)) > 0)
        return n;
    return rg_collection_normalise("localhost", 9, out);
}
