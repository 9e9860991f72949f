/* secrets_ids.c — random strings that are identifiers, not secrets: values named as an id ("requestId": "…",
 * tool_call_id=…, Request ID: …) or as a pagination cursor (nextPageToken, next_cursor), and the object ids of
 * the APIs an LLM gateway's traffic quotes (OpenAI's call_…, Anthropic's toolu_…, Stripe's cus_…). Agents paste
 * tool results full of these; reporting them as generic high-entropy secrets would block ordinary tool use.
 * Only the generic rule asks: a vendor format or a secret named by its context (token = …) is found as before. */
#include "detect/secrets_int.h"

#include <string.h>

static int lower(int c) { return c >= 'a' && c <= 'z'; }
static int upper(int c) { return c >= 'A' && c <= 'Z'; }
static int name_char(int c) { return SEC_IN(CS_KEY, c); }

/* Words that make an "id" a credential: session ids (sess_id, PHPSESSID), Vault's secret_id, a token's id
 * (Keystone answers {"token": {"id": …}}: checked by the value's length below), auth and password ids. */
static const char *const never_id[] = {"sess", "secret", "token", "auth", "pass", NULL};

/* Whether the name [n0, n1) ends in an id word: id, uid, uuid, guid as a whole name or after a separator
 * (tool_call_id, x-request-id, TRACE_ID, Request ID), or Id / ID / Uid after a lower-case letter (requestId,
 * credentialID, firebaseUid). A name with a word of never_id in it is no id name. */
static int id_name(const char *s, size_t n0, size_t n1)
{
    static const char *const ends[] = {"uuid", "guid", "uid", "id", NULL}; /* the longest first */
    size_t n = n1 - n0, k = 0;
    if (n < 2)
        return 0;
    for (const char *const *w = never_id; *w != NULL; w++)
        if (sec_find_ci(s, n0, n1, *w) != (size_t)-1)
            return 0;
    for (const char *const *e = ends; *e != NULL && k == 0; e++) {
        size_t m = strlen(*e);
        if (n >= m && sec_find_ci(s, n1 - m, n1, *e) == n1 - m)
            k = m;
    }
    if (k == 0)
        return 0;
    if (n == k)
        return 1;
    int before = (unsigned char)s[n1 - k - 1], first = (unsigned char)s[n1 - k];
    if (before == '_' || before == '-' || before == '.' || before == ' ')
        return 1;
    return upper(first) && lower(before); /* requestId, credentialID, userUUID, firebaseUid */
}

int sec_cursor_flat(const char *w, size_t n)
{
    static const char *const ends[] = {"cursor", "pagetoken", "nexttoken", "nextmarker", "continuationtoken", NULL};
    for (const char *const *e = ends; *e != NULL; e++) {
        size_t m = strlen(*e);
        if (n >= m && memcmp(w + n - m, *e, m) == 0)
            return 1;
    }
    return 0;
}

/* Whether the name [n0, n1) names a pagination cursor (sec_cursor_flat on its letters and digits, lower-cased;
 * its last 24 are enough). */
static int cursor_name(const char *s, size_t n0, size_t n1)
{
    char w[24];
    size_t k = sizeof(w);
    for (size_t i = n1; i > n0 && k > 0; i--)
        if (SEC_ALNUM(s[i - 1]))
            w[--k] = (char)sec_lower((unsigned char)s[i - 1]);
    return sec_cursor_flat(w + k, sizeof(w) - k);
}

/* The name a value at a is given to, looked back over at most 64 bytes on its line:
 * [quote] name [quote] spaces (':' | '=' | ':=') spaces [quote] value. Words before a ':' count too
 * (Request ID: …). */
static int named_id(const char *s, size_t a)
{
    size_t i = a, stop = a > 64 ? a - 64 : 0;
    if (i > stop && (s[i - 1] == '"' || s[i - 1] == '\''))
        i--;
    while (i > stop && (s[i - 1] == ' ' || s[i - 1] == '\t'))
        i--;
    if (i == stop || (s[i - 1] != ':' && s[i - 1] != '='))
        return 0;
    i--;
    if (i > stop && s[i - 1] == ':') /* := */
        i--;
    while (i > stop && (s[i - 1] == ' ' || s[i - 1] == '\t'))
        i--;
    if (i > stop && (s[i - 1] == '"' || s[i - 1] == '\''))
        i--;
    size_t n1 = i;
    while (i > stop && (name_char((unsigned char)s[i - 1]) || s[i - 1] == ' '))
        i--;
    if (i == stop && stop > 0 && (name_char((unsigned char)s[i - 1]) || s[i - 1] == ' '))
        return 0; /* the name goes on past the window: not read whole */
    while (i < n1 && s[i] == ' ')
        i++;
    return n1 > i && (id_name(s, i, n1) || cursor_name(s, i, n1));
}

/* Object-id prefixes of the APIs an LLM gateway's traffic quotes, from their published id formats: OpenAI's
 * (chat completions, tool calls, Assistants, files, batches, responses, vector stores, organisations, projects),
 * Anthropic's (messages, tool uses, batches, files, request ids) and Stripe's most common objects. Stripe's
 * publishable keys (pk_live_, pk_test_) are public by design: they ship in web pages. The body after the prefix
 * must be letters and digits only. Secret keys with such prefixes have vendor rules (sk_live_, rk_live_, ...). */
static const char *const object_prefixes[] = {
    "chatcmpl-", "cmpl-",   "call_",     "run_",      "step_",  "asst_",  "thread_", "msg_",    "file-",
    "file_",     "batch_",  "resp_",     "vs_",       "org-",   "proj_",  "user-",   "ftjob-",  "modr-",
    "toolu_",    "srvtoolu_", "msgbatch_", "req_",    "cus_",   "pi_",    "pm_",     "ch_",     "evt_",
    "sub_",      "si_",     "in_",       "ii_",       "prod_",  "price_", "txn_",    "acct_",   "seti_",
    "src_",      "cs_test_", "cs_live_", "pk_live_",  "pk_test_", NULL,
};

static int object_id(const char *s, size_t a, size_t b)
{
    for (const char *const *p = object_prefixes; *p != NULL; p++) {
        size_t m = strlen(*p);
        if (b - a > m && memcmp(s + a, *p, m) == 0) {
            for (size_t i = a + m; i < b; i++)
                if (!SEC_ALNUM(s[i]))
                    return 0;
            return 1;
        }
    }
    return 0;
}

#define ID_MAX 64 /* ids are short; a longer value under "id" can be a token (Keystone's, Fernet: ~180) */

int sec_identifier(const char *s, size_t a, size_t b)
{
    return b - a <= ID_MAX && (object_id(s, a, b) || named_id(s, a));
}
