#include "guard/check.h"

#include "core/json_valid.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread int untrusted;

void rg_check_set_untrusted(int on) { untrusted = on; }
int rg_check_untrusted(void) { return untrusted; }

void rg_check_fail(rg_check_result_t *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof(res->error), fmt, ap);
    va_end(ap);
    if (res->error_name == NULL)
        res->error_name = "Error";
    res->verdict = 0;
}

void rg_check_data_jw(rg_check_result_t *res, rg_jw_t *w)
{
    res->data_json = rg_jw_take(w, &res->data_json_len);
    res->data_json_shared = 0;
}

void rg_check_data_lend(rg_check_result_t *res, const char *json, size_t len)
{
    res->data_json = (char *)json;
    res->data_json_len = len;
    res->data_json_shared = 1;
}

void rg_check_result_clear(rg_check_result_t *res, size_t n_parts)
{
    json_decref(res->data);
    if (!res->data_json_shared)
        free(res->data_json);
    json_decref(res->request_json);
    json_decref(res->response_json);
    if (res->parts) {
        for (size_t i = 0; i < n_parts; i++)
            free(res->parts[i]);
        free(res->parts);
    }
    free(res->part_lens);
    memset(res, 0, sizeof(*res));
}

/* How much of text Portkey's excerpt keeps (JavaScript's text.slice(0, 100): 100 UTF-16 code units; a character
 * outside the BMP counts 2 and is kept whole here), and whether the kept bytes are valid UTF-8 (checked on the
 * way, eight ASCII bytes at a time). The excerpt is those bytes, plus "..." when fewer than len. */
static size_t excerpt_cut(const char *text, size_t len, int *valid)
{
    size_t units = 0, i = 0;
    const unsigned char *u = (const unsigned char *)text;
    *valid = 1;
    while (i < len && units < 100) {
        if (len - i >= 8 && units <= 92) {
            uint64_t v;
            memcpy(&v, u + i, 8);
            if ((v & 0x8080808080808080ULL) == 0) {
                units += 8;
                i += 8;
                continue;
            }
        }
        unsigned char c = u[i];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + n > len)
            break;
        if (c >= 0x80 && rg_json_utf8_len(u + i, len - i) != n)
            *valid = 0;
        units += n == 4 ? 2 : 1;
        i += n;
    }
    return i;
}

json_t *rg_check_excerpt(const char *text, size_t len)
{
    /* valid text makes the string without jansson checking it again; invalid text goes to json_stringn as
     * before (NULL) */
    int valid;
    size_t i = excerpt_cut(text, len, &valid);
    if (i >= len) /* the walk saw every byte */
        return valid ? json_stringn_nocheck(text, len) : json_stringn(text, len);
    char buf[512];
    char *s = i + 4 <= sizeof(buf) ? buf : malloc(i + 4);
    if (s == NULL)
        return NULL;
    memcpy(s, text, i);
    memcpy(s + i, "...", 4);
    json_t *j = valid ? json_stringn_nocheck(s, i + 3) : json_stringn(s, i + 3);
    if (s != buf)
        free(s);
    return j;
}

int rg_check_jw_excerpt(rg_jw_t *w, const char *text, size_t len)
{
    int valid;
    size_t i = excerpt_cut(text, len, &valid);
    if (!valid && !rg_utf8_valid(text, i))
        return -1; /* the string jansson would refuse */
    if (i >= len) {
        rg_jw_str(w, text, len);
        return 0;
    }
    char buf[512];
    char *s = i + 4 <= sizeof(buf) ? buf : malloc(i + 4);
    if (s == NULL) {
        w->oom = 1;
        return 0;
    }
    memcpy(s, text, i);
    memcpy(s + i, "...", 3);
    rg_jw_str(w, s, i + 3);
    if (s != buf)
        free(s);
    return 0;
}
