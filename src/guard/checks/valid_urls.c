/*
 * default.validUrls — every http(s) URL in the text must be reachable, as
 * Portkey 1.15.2 (plugins/default/validUrls.ts).
 *
 * URLs are the matches of /https?:\/\/[^\s,"'{}\[\]]+/g (JavaScript \s).
 * Each is checked with a HEAD request (3 s, redirects followed, User-Agent
 * URLValidator/1.0; valid = 2xx) or, with onlyDNS, by resolving its host
 * name. verdict = all valid, XOR `not`. No URL → verdict false without an
 * error; no text → the error "Missing text to analyze". data =
 * {verdict, not, explanation, validUrls, invalidUrls, validationMethod,
 * textExcerpt}; lists keep the text's order and repeats.
 *
 * Differences from Portkey (docs/internals/check-io.md): onlyDNS resolves
 * through the host's resolver (io->resolve: the system's, as any other
 * name Railgate looks up) with a 3 s limit, where Portkey asks a public
 * DNS-over-HTTPS service (1.1.1.1) — Railgate never reaches the internet by
 * itself; a name with only AAAA records counts as found. A URL that occurs
 * several times is checked once. At most RG_VALID_URLS_MAX distinct URLs are
 * checked (all at once); more is an error result, so one message cannot
 * make the gateway fire hundreds of requests.
 */
#include "guard/checks/net.h"

#include "guard/checks/common.h"
#include "guard/js_value.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RG_VALID_URLS_MAX 32
#define URL_TIMEOUT_MS 3000

typedef struct {
    int not_;
    int only_dns;
} vu_t;

typedef struct {
    rg_ck_call_t call;
    char *url;   /* NUL-terminated copy */
    size_t len;
    char *host;  /* onlyDNS: the host name */
    int valid;
} url_t;

typedef struct {
    rg_ck_task_t task; /* first */
    const vu_t *v;
    const rg_check_env_t *env;
    rg_check_result_t *res;
    url_t urls[RG_VALID_URLS_MAX];
    size_t n;          /* distinct URLs */
    size_t *occ;       /* per occurrence in the text: index into urls */
    size_t n_occ;
    size_t left;       /* checks still running */
} pending_t;

static void *vu_compile(json_t *params, char *err, size_t errsz)
{
    vu_t v;
    if (rg_ck_bool_param(params, "not", 0, &v.not_, err, errsz) ||
        rg_ck_bool_param(params, "onlyDNS", 0, &v.only_dns, err, errsz))
        return NULL;
    vu_t *c = malloc(sizeof(*c));
    if (c == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    *c = v;
    return c;
}

static void vu_free(void *p)
{
    free(p);
}

static const char *method_name(const vu_t *v)
{
    return v->only_dns ? "DNS lookup" : "HTTP request";
}

/* Length of the URL match at s[i] ("http://" or "https://" and at least one allowed character), or 0. */
static size_t match_at(const char *s, size_t len, size_t i)
{
    size_t j = i;
    if (len - i < 7 || memcmp(s + i, "http", 4) != 0)
        return 0;
    j += 4;
    if (s[j] == 's')
        j++;
    if (len - j < 3 || memcmp(s + j, "://", 3) != 0)
        return 0;
    j += 3;
    size_t start = j;
    while (j < len) {
        unsigned char c = (unsigned char)s[j];
        if (c < 0x80) {
            if (strchr(",\"'{}[]", c) || rg_js_space(c) || c == 0)
                break;
            j++;
        } else {
            uint32_t cp;
            size_t n = rg_js_utf8_next(s, len, j, &cp);
            if (n == 0 || rg_js_space(cp))
                break;
            j += n;
        }
    }
    return j > start ? j - i : 0;
}

/* The host name of an http(s) URL as URL().hostname gives it (lower case, no brackets), malloc'd; NULL if none. */
static char *url_host(const char *u)
{
    const char *p = strstr(u, "://");
    if (p == NULL)
        return NULL;
    p += 3;
    size_t n = strcspn(p, "/?#\\");
    const char *at = NULL;
    for (size_t k = 0; k < n; k++)
        if (p[k] == '@')
            at = p + k;
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t hl;
    if (n > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', n);
        if (close == NULL)
            return NULL;
        p++;
        hl = (size_t)(close - p);
    } else {
        const char *colon = memchr(p, ':', n);
        hl = colon ? (size_t)(colon - p) : n;
    }
    if (hl == 0)
        return NULL;
    char *h = strndup(p, hl);
    for (char *q = h; q && *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return h;
}

static void finish(pending_t *p)
{
    const vu_t *v = p->v;
    rg_check_result_t *res = p->res;
    size_t n_valid = 0, n_all = p->n_occ;
    json_t *valid = json_array(), *invalid = json_array();
    for (size_t i = 0; i < p->n_occ; i++) {
        url_t *u = &p->urls[p->occ[i]];
        json_array_append_new(u->valid ? valid : invalid, json_stringn(u->url, u->len));
        n_valid += u->valid != 0;
    }
    size_t n_invalid = n_all - n_valid;
    int all_valid = n_invalid == 0;
    int verdict = v->not_ ? !all_valid : all_valid;
    json_t *expl;
    if (verdict)
        expl = v->not_ ? json_sprintf("All URLs are invalid as expected (%zu of %zu).", n_invalid, n_all)
                       : json_sprintf("All URLs are valid (%zu found).", n_valid);
    else
        expl = v->not_ ? json_sprintf("Some URLs are valid when they should all be invalid (%zu of %zu).", n_valid, n_all)
                       : json_sprintf("Some URLs are invalid (%zu of %zu failed).", n_invalid, n_all);
    res->verdict = verdict;
    res->data = json_object();
    json_object_set_new(res->data, "verdict", json_boolean(verdict));
    json_object_set_new(res->data, "not", json_boolean(v->not_));
    json_object_set_new(res->data, "explanation", expl);
    json_object_set_new(res->data, "validUrls", valid);
    json_object_set_new(res->data, "invalidUrls", invalid);
    json_object_set_new(res->data, "validationMethod", json_string(method_name(v)));
    json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(p->env->text->joined, p->env->text->joined_len));
    rg_ck_task_finish(&p->task);
}

static void one_done(pending_t *p)
{
    if (--p->left == 0)
        finish(p);
}

static void on_head(rg_ck_call_t *c, const rg_http_reply_t *r)
{
    url_t *u = (url_t *)c;
    pending_t *p = (pending_t *)c->task;
    u->valid = r->ok && r->status >= 200 && r->status <= 299;
    one_done(p);
}

static void on_resolve(rg_ck_call_t *c, int found, const char *error)
{
    (void)error;
    url_t *u = (url_t *)c;
    u->valid = found;
    one_done((pending_t *)c->task);
}

static void error_result(const vu_t *v, const rg_check_env_t *env, rg_check_result_t *res, const char *msg)
{
    size_t len;
    const char *text = rg_ck_text(env, &len);
    rg_check_fail(res, "%s", msg);
    res->data = json_object();
    json_object_set_new(res->data, "explanation", json_sprintf("An error occurred while validating URLs: %s", msg));
    json_object_set_new(res->data, "validationMethod", json_string(method_name(v)));
    json_object_set_new(res->data, "not", json_boolean(v->not_));
    json_object_set_new(res->data, "textExcerpt", rg_ck_excerpt_or_none(text, len));
}

static void destroy(rg_ck_task_t *t)
{
    pending_t *p = (pending_t *)t;
    for (size_t i = 0; i < p->n; i++) {
        free(p->urls[i].url);
        free(p->urls[i].host);
    }
    free(p->occ);
    free(p);
}

/* Finds the URLs; -1 when there are more distinct ones than the cap (p->n is then the count so far + 1). */
static int collect(pending_t *p, const char *s, size_t len)
{
    size_t cap = 0;
    for (size_t i = 0; i < len;) {
        size_t m = match_at(s, len, i);
        if (m == 0) {
            i++;
            continue;
        }
        size_t k = 0;
        while (k < p->n && !(p->urls[k].len == m && memcmp(p->urls[k].url, s + i, m) == 0))
            k++;
        if (k == p->n) {
            if (p->n == RG_VALID_URLS_MAX)
                return -1;
            if ((p->urls[k].url = strndup(s + i, m)) == NULL)
                return -2;
            p->urls[k].len = m;
            p->n++;
        }
        if (p->n_occ == cap) {
            size_t *o = realloc(p->occ, (cap = cap ? cap * 2 : 8) * sizeof(*o));
            if (o == NULL)
                return -2;
            p->occ = o;
        }
        p->occ[p->n_occ++] = k;
        i += m;
    }
    return 0;
}

static void *vu_start(const void *compiled, const rg_check_env_t *env, rg_check_result_t *res, void (*done)(void *),
                      void *arg)
{
    const vu_t *v = compiled;
    size_t len;
    const char *text = rg_ck_text(env, &len);
    pending_t *p = rg_ck_task_new(sizeof(*p), env->io, res, done, arg, destroy);
    if (p == NULL)
        return NULL;
    p->v = v;
    p->env = env;
    p->res = res;
    int rc;
    if (len == 0) {
        error_result(v, env, res, "Missing text to analyze");
    } else if ((rc = collect(p, text, len)) != 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), rc == -1 ? "Too many URLs to validate (more than %d)" : "out of memory",
                 RG_VALID_URLS_MAX);
        error_result(v, env, res, msg);
    } else if (p->n == 0) {
        res->verdict = 0;
        res->data = json_object();
        json_object_set_new(res->data, "explanation", json_string("No URLs found in the text."));
        json_object_set_new(res->data, "urls", json_array());
        json_object_set_new(res->data, "validationMethod", json_string(method_name(v)));
        json_object_set_new(res->data, "not", json_boolean(v->not_));
        json_object_set_new(res->data, "textExcerpt", rg_check_excerpt(text, len));
    } else if (env->io == NULL) {
        error_result(v, env, res, "network checks are not available here");
    } else {
        static const char *const ua[] = {"User-Agent: URLValidator/1.0", NULL};
        p->left = p->n + 1; /* +1: none finishes the check before all have started */
        for (size_t i = 0; i < p->n; i++) {
            url_t *u = &p->urls[i];
            if (!rg_ck_url_valid(u->url) || (v->only_dns && (u->host = url_host(u->url)) == NULL)) {
                u->valid = 0; /* new URL() throws: invalid without asking anyone */
                one_done(p);
            } else if (v->only_dns) {
                rg_ck_resolve(&u->call, &p->task, u->host, URL_TIMEOUT_MS, on_resolve);
            } else {
                rg_http_call_t call = {.method = "HEAD",
                                       .url = u->url,
                                       .headers = ua,
                                       .timeout_ms = URL_TIMEOUT_MS,
                                       .max_reply = 4096,
                                       .follow_redirects = 1};
                rg_ck_http(&u->call, &p->task, &call, on_head);
            }
        }
        one_done(p);
        return rg_ck_task_leave(&p->task);
    }
    rg_ck_task_finish(&p->task);
    return rg_ck_task_leave(&p->task);
}

static void vu_abort(void *pending)
{
    pending_t *p = pending;
    for (size_t i = 0; i < p->n; i++)
        rg_ck_cancel(&p->urls[i].call);
    destroy(&p->task);
}

const rg_check_ops_t rg_check_valid_urls = {
    .id = "default.validUrls",
    .compile = vu_compile,
    .free = vu_free,
    .start = vu_start,
    .abort = vu_abort,
};
