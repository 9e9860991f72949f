/*
 * regex_replace.c — default.regexReplace (Portkey plugins/default/regexReplace.ts).
 *
 * Portkey: rule is a plain RegExp source, or `/pattern/flags` when the whole
 * rule matches /^\/(.+?)\/([gimsuyd]*)$/ (anything else, `/usr/bin` say, is
 * a plain source). Each non-empty text part is replaced with
 * `text.replace(regex, redactText)`: only the FIRST match unless the rule has
 * the g flag, and redactText is a JavaScript replacement template ($&, $1,
 * $<name>, $$, $`, $'). transformed when any part matched; verdict true
 * unless failOnDetection and something matched; errors keep verdict true.
 * The v flag (Unicode sets) is rejected with a clear error: Portkey's flag
 * parser does not know it and silently treats `/x/v` as the literal text.
 *
 * The JavaScript-to-PCRE2 layer (rg_jsre_*) lives in regex_match.c.
 */
#include "core/buf.h"
#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guard/js_regex.h"

#define UNSET (~(size_t)0) /* PCRE2_UNSET */

typedef struct {
    rg_jsre_t *re;
    char *rule;
    size_t rule_len;
    char *redact;
    size_t redact_len;
    int fail_on_detection;
} regex_replace_t;

/*
 * One part's replaced text: the input plus, for each match (at most len + 1),
 * the template with every $-reference at most the whole input; and never
 * more than RG_REPLACE_MAX (V8 too throws "Invalid string length" there
 * about).
 */
#define RG_REPLACE_MAX ((size_t)256 << 20)

static size_t replace_cap(size_t len, size_t rl)
{
    size_t unit = len > 1 ? len : 1;
    if (rl > RG_REPLACE_MAX / unit)
        return RG_REPLACE_MAX;
    size_t per = rl * unit; /* one match's substitution */
    if (per > (RG_REPLACE_MAX - len) / (len + 1))
        return RG_REPLACE_MAX;
    return len + per * (len + 1);
}

/* An rg_buf_t that keeps its first failed append; later appends are skipped. */
typedef struct {
    rg_buf_t b;
    int rc;
} obuf_t;

static void ob_put(obuf_t *o, const char *s, size_t n)
{
    if (o->rc == RG_BUF_OK)
        o->rc = rg_buf_append(&o->b, s, n);
}

static void rr_free(void *p)
{
    regex_replace_t *st = p;
    if (st == NULL)
        return;
    rg_jsre_free(st->re);
    free(st->rule);
    free(st->redact);
    free(st);
}

static int is_line_terminator_at(const char *s, size_t len, size_t i, size_t *w)
{
    unsigned char c = (unsigned char)s[i];
    *w = 1;
    if (c == '\n' || c == '\r')
        return 1;
    if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
        *w = 3;
        return 1;
    }
    return 0;
}

/*
 * Portkey's /^\/(.+?)\/([gimsuyd]*)$/ on the rule, with `letters` as the
 * flag alphabet: the pattern is the shortest non-empty run without a line
 * terminator after the first '/' such that a '/' and only flag letters
 * follow. 1 with [*p0, *p1) and [*f0, len) set, else 0.
 */
static int split_literal(const char *s, size_t len, const char *letters, size_t *p1, size_t *f0)
{
    if (len < 3 || s[0] != '/')
        return 0;
    for (size_t k = 1; k < len;) {
        size_t w;
        if (is_line_terminator_at(s, len, k, &w))
            return 0;
        if (k >= 2 && s[k] == '/') {
            size_t j = k + 1;
            while (j < len && s[j] != '\0' && strchr(letters, s[j]))
                j++;
            if (j == len) {
                *p1 = k;
                *f0 = k + 1;
                return 1;
            }
        }
        k += w;
    }
    return 0;
}

static void *rr_compile(json_t *params, char *err, size_t errsz)
{
    json_t *rule = rg_ck_rule_param(params, err, errsz);
    if (rule == NULL)
        return NULL;
    json_t *redact = json_object_get(params, "redactText");
    if (rg_js_truthy(redact) && !json_is_string(redact)) {
        snprintf(err, errsz, "redactText must be a string");
        return NULL;
    }
    regex_replace_t *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    const char *rs = json_string_value(rule);
    size_t rl = json_string_length(rule);
    const char *ds = rg_js_truthy(redact) ? json_string_value(redact) : "[REDACTED]";
    size_t dl = rg_js_truthy(redact) ? json_string_length(redact) : strlen("[REDACTED]");
    st->rule = malloc(rl + 1);
    st->redact = malloc(dl + 1);
    if (st->rule == NULL || st->redact == NULL) {
        rr_free(st);
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    memcpy(st->rule, rs, rl + 1);
    memcpy(st->redact, ds, dl + 1);
    st->rule_len = rl;
    st->redact_len = dl;
    st->fail_on_detection = rg_js_truthy(json_object_get(params, "failOnDetection"));

    size_t p1, f0;
    char flags[16] = "";
    const char *src = rs;
    size_t src_len = rl;
    if (split_literal(rs, rl, "gimsuyd", &p1, &f0)) {
        if (rl - f0 >= sizeof(flags)) { /* more letters than JavaScript has flags: some repeat */
            snprintf(err, errsz, "Invalid flags supplied to RegExp constructor '%.*s'", (int)(rl - f0), rs + f0);
            rr_free(st);
            return NULL;
        }
        memcpy(flags, rs + f0, rl - f0);
        flags[rl - f0] = '\0';
        src = rs + 1;
        src_len = p1 - 1;
    } else if (split_literal(rs, rl, "gimsuydv", &p1, &f0)) {
        snprintf(err, errsz, "Unsupported regex flag 'v' in '%.*s' (Unicode sets mode is not supported)",
                 (int)(rl > 120 ? 120 : rl), rs);
        rr_free(st);
        return NULL;
    }
    st->re = rg_jsre_compile(src, src_len, flags, err, errsz);
    if (st->re == NULL) {
        rr_free(st);
        return NULL;
    }
    return st;
}

/* JavaScript's GetSubstitution: the replacement template for one match. */
static void substitute(obuf_t *o, const rg_jsre_t *re, const char *s, size_t len, const size_t *ov, const char *rep,
                       size_t rl)
{
    uint32_t m = rg_jsre_ncap(re);
    size_t i = 0;
    while (i < rl) {
        const char *dollar = memchr(rep + i, '$', rl - i);
        if (dollar == NULL) {
            ob_put(o, rep + i, rl - i);
            break;
        }
        size_t d = (size_t)(dollar - rep);
        ob_put(o, rep + i, d - i);
        i = d;
        char c = i + 1 < rl ? rep[i + 1] : '\0';
        if (i + 1 >= rl) {
            ob_put(o, "$", 1);
            i++;
        } else if (c == '$') {
            ob_put(o, "$", 1);
            i += 2;
        } else if (c == '&') {
            ob_put(o, s + ov[0], ov[1] - ov[0]);
            i += 2;
        } else if (c == '`') {
            ob_put(o, s, ov[0]);
            i += 2;
        } else if (c == '\'') {
            ob_put(o, s + ov[1], len - ov[1]);
            i += 2;
        } else if (c >= '0' && c <= '9') {
            size_t digits = (i + 2 < rl && rep[i + 2] >= '0' && rep[i + 2] <= '9') ? 2 : 1;
            uint32_t idx = digits == 2 ? (uint32_t)(c - '0') * 10 + (uint32_t)(rep[i + 2] - '0') : (uint32_t)(c - '0');
            if (idx > m && digits == 2) {
                digits = 1;
                idx = (uint32_t)(c - '0');
            }
            if (idx >= 1 && idx <= m) {
                if (ov[2 * idx] != UNSET)
                    ob_put(o, s + ov[2 * idx], ov[2 * idx + 1] - ov[2 * idx]);
            } else {
                ob_put(o, rep + i, 1 + digits);
            }
            i += 1 + digits;
        } else if (c == '<') {
            const char *gt = rg_jsre_has_named(re) ? memchr(rep + i + 2, '>', rl - i - 2) : NULL;
            if (gt == NULL) {
                ob_put(o, "$<", 2);
                i += 2;
                continue;
            }
            size_t n0 = i + 2, nl = (size_t)(gt - rep) - n0;
            for (uint32_t g = 1; g <= m; g++) {
                const char *name = rg_jsre_group_name(re, g);
                if (name && strlen(name) == nl && memcmp(name, rep + n0, nl) == 0) {
                    if (ov[2 * g] != UNSET)
                        ob_put(o, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
                    break;
                }
            }
            i = (size_t)(gt - rep) + 1;
        } else {
            ob_put(o, "$", 1);
            i++;
        }
    }
}

/* text.replace(regex, redactText) for one part. 1 replaced (*out malloc'd), 0 no match, -1 error. */
static int replace_part(const regex_replace_t *st, const char *s, size_t len, rg_jsre_budget_t *b, size_t *ov,
                        char **out, size_t *out_len, char *err, size_t errsz)
{
    obuf_t o = {.rc = RG_BUF_OK};
    rg_buf_init(&o.b, replace_cap(len, st->redact_len));
    size_t pos = 0, last = 0;
    int any = 0, checked = 0, global = rg_jsre_global(st->re);
    for (;;) {
        int rc = rg_jsre_exec(st->re, s, len, pos, checked, b, ov, err, errsz);
        checked = 1;
        if (rc < 0) {
            rg_buf_free(&o.b);
            return -1;
        }
        if (rc == 0)
            break;
        any = 1;
        ob_put(&o, s + last, ov[0] - last);
        substitute(&o, st->re, s, len, ov, st->redact, st->redact_len);
        last = ov[1];
        if (!global)
            break;
        if (ov[1] > ov[0]) {
            pos = ov[1];
        } else { /* empty match: lastIndex moves one character on */
            if (ov[1] >= len)
                break;
            unsigned char c = (unsigned char)s[ov[1]];
            pos = ov[1] + (c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2);
            if (pos > len)
                pos = len;
        }
    }
    if (!any) {
        rg_buf_free(&o.b);
        return 0;
    }
    ob_put(&o, s + last, len - last);
    if (o.rc != RG_BUF_OK) { /* else data is set: every append, even of "", allocates */
        rg_buf_free(&o.b);
        snprintf(err, errsz, "%s", o.rc == RG_BUF_TOOBIG ? "Invalid string length" : "out of memory");
        return -1;
    }
    *out = o.b.data;
    *out_len = o.b.len;
    return 1;
}

/* Portkey errors with "Missing text to match" when getCurrentContentPart's `content` is falsy. */
static int content_present(const rg_check_env_t *env)
{
    json_t *root = env->phase == RG_PHASE_REQUEST ? env->request : env->response;
    json_t *content = NULL;
    if (env->phase == RG_PHASE_REQUEST) {
        if (env->type == RG_REQ_CHAT) {
            json_t *msgs = json_object_get(root, "messages");
            size_t n = json_is_array(msgs) ? json_array_size(msgs) : 0;
            content = n ? json_object_get(json_array_get(msgs, n - 1), "content") : NULL;
        } else {
            content = json_object_get(root, env->type == RG_REQ_COMPLETE ? "prompt" : "input");
        }
    } else {
        json_t *choices = json_object_get(root, "choices");
        json_t *c0 = json_is_array(choices) ? json_array_get(choices, 0) : NULL;
        if (env->type == RG_REQ_CHAT)
            content = json_object_get(json_object_get(c0, "message"), "content");
        else if (env->type == RG_REQ_COMPLETE)
            content = json_object_get(c0, "text");
    }
    return rg_js_truthy(content);
}

static json_t *pattern_json(const regex_replace_t *st) { return json_stringn(st->rule, st->rule_len); }

static void rr_run(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res)
{
    const regex_replace_t *st = compiled;
    const rg_guard_text_t *text = env->text;
    size_t n = text ? text->n : 0;
    char msg[RG_CHECK_ERROR_MAX] = "";
    int any = 0;
    char **parts = NULL;
    size_t *lens = NULL;

    if (n == 0 && !content_present(env)) {
        snprintf(msg, sizeof(msg), "Missing text to match");
    } else if (n > 0) {
        size_t ncap = rg_jsre_ncap(st->re);
        size_t *ov = malloc(2 * (ncap + 1) * sizeof(size_t));
        parts = calloc(n, sizeof(char *));
        lens = calloc(n, sizeof(size_t));
        if (ov == NULL || parts == NULL || lens == NULL) {
            snprintf(msg, sizeof(msg), "out of memory");
        } else {
            rg_jsre_budget_t b;
            rg_jsre_budget_start(&b);
            for (size_t i = 0; i < n; i++) {
                const rg_text_part_t *p = &text->parts[i];
                if (p->len == 0)
                    continue;
                int rc = replace_part(st, p->s, p->len, &b, ov, &parts[i], &lens[i], msg, sizeof(msg));
                if (rc < 0)
                    break;
                any |= rc;
            }
        }
        free(ov);
    }

    json_t *data = json_object();
    if (msg[0]) { /* JavaScript threw: nothing is transformed, the verdict stays true */
        for (size_t i = 0; parts && i < n; i++)
            free(parts[i]);
        free(parts);
        free(lens);
        rg_check_fail(res, "%s", msg);
        res->verdict = 1;
        obuf_t e = {.rc = RG_BUF_OK};
        const char *pre = "An error occurred while processing the regex: ";
        rg_buf_init(&e.b, strlen(pre) + strlen(msg));
        ob_put(&e, pre, strlen(pre));
        ob_put(&e, msg, strlen(msg));
        json_object_set_new(data, "explanation", json_stringn(e.b.data ? e.b.data : "", e.b.data ? e.b.len : 0));
        rg_buf_free(&e.b);
        json_object_set_new(data, "regexPattern", pattern_json(st));
        res->data = data;
        return;
    }
    int verdict = !(st->fail_on_detection && any);
    res->verdict = verdict;
    if (any) {
        res->parts = parts;
        res->part_lens = lens;
        res->transformed = 1;
    } else {
        free(parts);
        free(lens);
    }
    obuf_t e = {.rc = RG_BUF_OK};
    rg_buf_init(&e.b, st->rule_len + st->redact_len + 64); /* the fixed text is 43 bytes at most */
    if (any) {
        ob_put(&e, "Pattern '", 9);
        ob_put(&e, st->rule, st->rule_len);
        ob_put(&e, "' matched and was replaced with '", 33);
        ob_put(&e, st->redact, st->redact_len);
        ob_put(&e, "'", 1);
    } else {
        ob_put(&e, "The regex pattern '", 19);
        ob_put(&e, st->rule, st->rule_len);
        ob_put(&e, "' did not match any text.", 25);
    }
    json_object_set_new(data, "regexPattern", pattern_json(st));
    json_object_set_new(data, "verdict", json_boolean(verdict));
    json_object_set_new(data, "explanation", json_stringn(e.b.data ? e.b.data : "", e.b.data ? e.b.len : 0));
    rg_buf_free(&e.b);
    res->data = data;
}

const rg_check_ops_t rg_check_regex_replace = {
    .id = "default.regexReplace",
    .compile = rr_compile,
    .run = rr_run,
    .free = rr_free,
};
