/* secrets_formats.c — formats with more structure than a prefix and a body: Slack tokens and webhooks,
 * Discord bot tokens and webhooks, JWT, PEM private keys, Azure secrets, Mailchimp, Telegram, Facebook
 * app tokens, Terraform Cloud, OpenAI's legacy keys, GCP service-account files, .npmrc tokens, Cloudflare keys. */
#include "detect/secrets_int.h"

#include <stdio.h>
#include <string.h>

static int digit(int c) { return c >= '0' && c <= '9'; }

/* End of the run of characters of class cs starting at i, reading at most max. */
static size_t run_end(const char *s, size_t len, size_t i, unsigned cs, size_t max)
{
    size_t e = i;
    while (e < len && e - i < max && SEC_IN(cs, s[e]))
        e++;
    return e;
}

static size_t digits_back(const char *s, size_t i, size_t max) /* start of the digits ending at i */
{
    size_t a = i;
    while (a > 0 && i - a < max && digit(s[a - 1]))
        a--;
    return a;
}

static int starts(const char *s, size_t len, size_t at, const char *lit)
{
    size_t m = strlen(lit);
    return at + m <= len && memcmp(s + at, lit, m) == 0;
}

/* ---- Slack ------------------------------------------------------------------------ */

/* xox[abposer]-<digits>-...-<last>, or xoxe.xox[bp]-1-<long> (configuration tokens). */
static void on_slack(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)end, (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start > 0 && SEC_ALNUM(s[start - 1]))
        return;
    if (start >= 5 && memcmp(s + start - 5, "xoxe.", 5) == 0)
        return; /* the inner part of a configuration token: reported from its start */
    size_t i = start + 3;
    if (i + 1 >= len || !strchr("abposer", s[i]) || s[i] == '\0')
        return;
    i++;
    if (s[i] == '.' && s[i - 1] == 'e' && starts(s, len, i + 1, "xox") && i + 5 < len && strchr("bp", s[i + 4]) &&
        s[i + 4] != '\0')
        i += 5;
    if (i >= len || s[i] != '-')
        return;
    i++;
    size_t e = i;
    while (e < len && e - i < 400 && (SEC_ALNUM(s[e]) || s[e] == '-'))
        e++;
    if (!sec_spend(c, e - i))
        return;
    if (e < len && (s[e] == '_' || s[e] == '#' || s[e] == '*'))
        return;
    /* segments: all digits but the last, which is alphanumeric */
    size_t segs = 0, seg_start = i, first_len = 0, last_start = i;
    for (size_t k = i; k <= e; k++) {
        if (k < e && s[k] != '-')
            continue;
        size_t n = k - seg_start;
        if (n == 0)
            return;
        if (segs == 0)
            first_len = n;
        last_start = seg_start;
        segs++;
        seg_start = k + 1;
    }
    if (segs < 2)
        return;
    for (size_t k = i; k < last_start - 1; k++)
        if (!digit(s[k]) && s[k] != '-')
            return;
    size_t last = e - last_start;
    if (segs == 2 && !((first_len >= 8 && last >= 12) || (first_len <= 2 && last >= 100)))
        return;
    if (last < 8 || sec_placeholder(s + last_start, last))
        return;
    sec_emit(c, start, e, T_SLACK_TOKEN, PRIO_FORMAT);
}

/* xapp-<digit>-<[A-Z0-9]+>-<digits>-<alnum 32+> */
static void on_slack_app(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start > 0 && SEC_ALNUM(s[start - 1]))
        return;
    size_t i = end;
    if (i + 2 > len || !digit(s[i]) || s[i + 1] != '-')
        return;
    i += 2;
    size_t e = run_end(s, len, i, CS_UPNUM, 32);
    if (e == i || e >= len || s[e] != '-')
        return;
    i = e + 1;
    e = run_end(s, len, i, CS_UPNUM, 20);
    if (e == i || e >= len || s[e] != '-' || digits_back(s, e, 20) != i)
        return;
    i = e + 1;
    e = run_end(s, len, i, CS_ALNUM, 256);
    if (e - i < 32 || (e < len && SEC_IN(CS_B64URL, s[e])) || sec_placeholder(s + i, e - i))
        return;
    sec_emit(c, start, e, T_SLACK_TOKEN, PRIO_FORMAT);
}

/* hooks.slack.com/services/T.../B.../<24> or /workflows/T.../A.../<digits>/<32> (also triggers) */
static void on_slack_hook(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, i = end;
    if (starts(s, len, i, "services/"))
        i += 9;
    else if (starts(s, len, i, "workflows/"))
        i += 10;
    else if (starts(s, len, i, "triggers/"))
        i += 9;
    else
        return;
    size_t last = i, segs = 0, e = i;
    for (;;) {
        e = run_end(s, len, i, CS_ALNUM, 80);
        if (e == i)
            return;
        segs++;
        last = i;
        if (e < len && s[e] == '/' && segs < 4 && e + 1 < len && SEC_ALNUM(s[e + 1])) {
            i = e + 1;
            continue;
        }
        break;
    }
    if (segs < 3 || e - last < 20 || sec_placeholder(s + last, e - last))
        return;
    size_t a = start;
    if (a >= 8 && memcmp(s + a - 8, "https://", 8) == 0)
        a -= 8;
    else if (a >= 7 && memcmp(s + a - 7, "http://", 7) == 0)
        a -= 7;
    sec_emit(c, a, e, T_SLACK_WEBHOOK, PRIO_FORMAT);
}

/* ---- Discord --------------------------------------------------------------------- */

size_t sec_discord_at(const char *s, size_t len, size_t a, size_t b)
{
    /* [MNO] + 23..25 base64url (the user id in base64: its first digit makes the M, N or O), '.', 6 (a
     * timestamp), '.', 27..38 (the HMAC) */
    size_t n = b - a;
    if (n < 24 || n > 26 || (s[a] != 'M' && s[a] != 'N' && s[a] != 'O'))
        return 0;
    for (size_t i = a; i < b; i++)
        if (!SEC_IN(CS_B64URL, s[i]))
            return 0;
    size_t i = b + 1, e = run_end(s, len, i, CS_B64URL, 8);
    if (e - i != 6 || e >= len || s[e] != '.')
        return 0;
    i = e + 1;
    e = run_end(s, len, i, CS_B64URL, 40);
    if (e - i < 27 || e - i > 38 || (e < len && SEC_ALNUM(s[e])))
        return 0;
    if (sec_placeholder(s + a, n) || sec_placeholder(s + i, e - i))
        return 0;
    return e;
}

static void on_discord_hook(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, i = end, e = run_end(s, len, end, CS_ALNUM, 24);
    if (e - i < 17 || e - i > 20 || digits_back(s, e, 24) != i || e >= len || s[e] != '/')
        return;
    i = e + 1;
    e = run_end(s, len, i, CS_B64URL, 80);
    if (e - i < 60 || e - i > 72 || sec_placeholder(s + i, e - i))
        return;
    size_t a = start;
    if (a >= 8 && memcmp(s + a - 8, "https://", 8) == 0)
        a -= 8;
    sec_emit(c, a, e, T_DISCORD_WEBHOOK, PRIO_FORMAT);
}

/* ---- Microsoft Teams ------------------------------------------------------------- */

/* Incoming webhooks: https://<tenant>.webhook.office.com/webhookb2/<uuid>@<uuid>/IncomingWebhook/<32>/<uuid>,
 * then for newer ones "/" and a signature; the older host outlook.office.com/webhook/ has the same path. */
static void on_teams_hook(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, i = end, e;
    int v4;
    for (int k = 0; k < 2; k++) { /* <uuid>@<uuid> */
        e = run_end(s, len, i, CS_HEXDASH, 37);
        if (!sec_uuid(s + i, e - i, &v4) || e >= len || s[e] != (k == 0 ? '@' : '/'))
            return;
        i = e + 1;
    }
    if (!starts(s, len, i, "IncomingWebhook/"))
        return;
    i += 16;
    e = run_end(s, len, i, CS_ALNUM, 40);
    if (e - i != 32 || e >= len || s[e] != '/' || sec_placeholder(s + i, 32))
        return;
    i = e + 1;
    e = run_end(s, len, i, CS_HEXDASH, 37);
    if (!sec_uuid(s + i, e - i, &v4))
        return;
    if (e + 1 < len && s[e] == '/' && SEC_IN(CS_B64URL, s[e + 1])) /* the signature of a newer URL */
        e = run_end(s, len, e + 1, CS_B64URL, 128);
    size_t a = start;
    while (a > 0 && start - a < 64 && (SEC_ALNUM(s[a - 1]) || s[a - 1] == '-'))
        a--;
    if (a >= 8 && memcmp(s + a - 8, "https://", 8) == 0)
        a -= 8;
    sec_emit(c, a, e, T_TEAMS_WEBHOOK, PRIO_FORMAT);
}

/* ---- JWT ------------------------------------------------------------------------- */

/* The decoded JSON text (after leading white space) starts with '{'; *closed: it also ends with '}'. */
static int json_object_text(const unsigned char *p, long n, int *closed)
{
    long a = 0, b = n;
    while (a < b && (p[a] == ' ' || p[a] == '\t' || p[a] == '\r' || p[a] == '\n'))
        a++;
    while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\r' || p[b - 1] == '\n'))
        b--;
    if (closed)
        *closed = b > a && p[b - 1] == '}';
    return b > a && p[a] == '{';
}

static void on_jwt(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)end, (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start > 0 && (SEC_IN(CS_B64URL, s[start - 1]) || s[start - 1] == '.'))
        return;
    size_t h = run_end(s, len, start, CS_B64URL, 4096);
    if (h >= len || s[h] != '.' || h - start < 10)
        return;
    size_t p = run_end(s, len, h + 1, CS_B64URL, 65536);
    if (p - (h + 1) < 4 || !sec_spend(c, p - start))
        return;
    unsigned char buf[1024];
    long n = rg_b64_decode(s + start, h - start, buf, sizeof(buf));
    int closed = 0;
    if (n <= 0 || n == (long)sizeof(buf) || !json_object_text(buf, n, &closed) || !closed)
        return;
    /* the header names its algorithm: "alg" as a key */
    int alg = 0;
    for (long i = 0; i + 5 <= n && !alg; i++)
        if (memcmp(buf + i, "\"alg\"", 5) == 0) {
            long k = i + 5;
            while (k < n && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r' || buf[k] == '\n'))
                k++;
            alg = k < n && buf[k] == ':';
        }
    if (!alg)
        return;
    n = rg_b64_decode(s + h + 1, p - (h + 1), buf, sizeof(buf));
    if (n <= 0 || !json_object_text(buf, n, &closed))
        return;
    size_t e = p;
    if (p < len && s[p] == '.')
        e = run_end(s, len, p + 1, CS_B64URL, 4096);
    else if (!closed && n < (long)sizeof(buf))
        return; /* two parts: only a complete payload */
    if (e < len && (SEC_ALNUM(s[e]) || s[e] == '+' || s[e] == '/'))
        return;
    sec_emit(c, start, e, T_JWT, PRIO_FORMAT);
}

/* ---- PEM ----------------------------------------------------------------------------- */

#define PEM_MAX (64u << 10)

static int label_private(const char *l, size_t n)
{
    static const char k[] = "PRIVATE KEY", kb[] = "PRIVATE KEY BLOCK";
    return (n >= sizeof(k) - 1 && memcmp(l + n - (sizeof(k) - 1), k, sizeof(k) - 1) == 0) ||
           (n >= sizeof(kb) - 1 && memcmp(l + n - (sizeof(kb) - 1), kb, sizeof(kb) - 1) == 0);
}

static void on_pem(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, l = end, le = l;
    while (le < len && le - l < 48 && (SEC_IN(CS_UPNUM, s[le]) || s[le] == ' '))
        le++;
    if (le == l || !starts(s, len, le, "-----"))
        return;
    size_t body = le + 5, limit = len - body > PEM_MAX ? body + PEM_MAX : len;
    const char *endp = NULL;
    if (!sec_spend(c, limit - body))
        return;
    if (limit > body)
        endp = memmem(s + body, limit - body, "-----END ", 9);
    size_t stop = endp ? (size_t)(endp - s) : limit, fin = stop;
    if (endp) {
        const char *close = memmem(endp + 9, len - (stop + 9) < 64 ? len - (stop + 9) : 64, "-----", 5);
        fin = close ? (size_t)(close - s) + 5 : stop + 9;
    }
    if (!label_private(s + l, le - l)) {
        sec_zone(c, start, fin); /* certificates, public keys: not secrets, and their base64 is not either */
        return;
    }
    /* the body: base64 lines, maybe with \n escapes (a key inside a JSON string) and headers */
    size_t b64 = 0, last = body;
    for (size_t i = body; i < stop; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < stop && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
            i++;
            continue;
        }
        if (SEC_IN(CS_B64, ch) || ch == '=') {
            b64++;
            last = i + 1;
        } else if (!endp && ch != '\n' && ch != '\r' && ch != ' ' && ch != '\t') {
            break; /* no END: the key runs as far as the base64 does */
        }
        if (ch == '.' && i + 2 < stop && s[i + 1] == '.' && s[i + 2] == '.')
            return; /* "..." elided */
    }
    size_t bend = endp ? stop : last;
    if (b64 < (endp ? 16u : 64u) || memmem(s + body, bend - body, "xxxx", 4) || memmem(s + body, bend - body, "XXXX", 4))
        return; /* masked */
    sec_emit(c, start, endp ? fin : last, T_PRIVATE_KEY, PRIO_FORMAT);
}

size_t sec_pem_pending(const char *s, size_t len)
{
    size_t from = len > PEM_MAX + 64 ? len - (PEM_MAX + 64) : 0, open = SIZE_MAX;
    for (const char *p; from < len && (p = memmem(s + from, len - from, "-----", 5)) != NULL;) {
        size_t at = (size_t)(p - s), w = at + 5;
        while (w < len && s[w] == '-')
            w++;
        size_t rest = len - w;
        if (rest >= 6 ? memcmp(s + w, "BEGIN ", 6) == 0 : memcmp(s + w, "BEGIN ", rest) == 0)
            open = at; /* at the very end, "-----BEG" may be a header on its way */
        else if (rest >= 4 && memcmp(s + w, "END ", 4) == 0)
            open = SIZE_MAX;
        from = w;
    }
    return open == SIZE_MAX ? 0 : len - open;
}

/* ---- Azure ----------------------------------------------------------------------------- */

/* Entra ID (Azure AD) client secrets: 3 characters, a digit, "Q~", 31 to 34 more, from [A-Za-z0-9_~.-]. */
static void on_azure_secret(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start < 3)
        return;
    size_t a = start - 3;
    if (!SEC_IN(CS_AZURE, s[a]) || !SEC_IN(CS_AZURE, s[a + 1]) || !SEC_IN(CS_AZURE, s[a + 2]))
        return;
    if (a > 0 && SEC_IN(CS_AZURE, s[a - 1]))
        return;
    size_t e = run_end(s, len, end, CS_AZURE, 40);
    while (e - end > 34 && s[e - 1] == '.')
        e--;
    if (e - end < 31 || e - end > 34 || (e < len && SEC_IN(CS_AZURE, s[e]) && s[e] != '.'))
        return;
    if (sec_placeholder(s + a, e - a))
        return;
    sec_emit(c, a, e, T_AZURE_CLIENT_SECRET, PRIO_FORMAT);
}

/* AccountKey=<88 base64> (storage), SharedAccessKey=<44 base64> (Service Bus, Event Hubs). */
static void on_azure_key(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)start;
    const char *s = c->s;
    size_t len = c->len, e = run_end(s, len, end, CS_B64, 128), n = e - end;
    size_t min = arg ? 40 : 80, max = arg ? 44 : 88;
    while (e < len && e - end < max && s[e] == '=')
        e++;
    if (n < min || n > max || (e < len && SEC_IN(CS_B64ANY, s[e])) || sec_placeholder(s + end, n))
        return;
    sec_emit(c, end, e, T_AZURE_STORAGE_KEY, PRIO_FORMAT);
}

/* ---- small formats ---------------------------------------------------------------------- */

/* Mailchimp: 32 lower-case hex, "-us", the data centre number. */
static void on_mailchimp(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, dash = start + 1;
    if (dash < 32)
        return;
    size_t a = dash - 32;
    for (size_t i = a; i < dash; i++)
        if (!SEC_IN(CS_HEXL, s[i]))
            return;
    if (a > 0 && SEC_ALNUM(s[a - 1]))
        return;
    size_t e = end;
    if (e < len && digit(s[e]))
        e++;
    if (e < len && SEC_ALNUM(s[e]))
        return;
    if (sec_placeholder(s + a, 32))
        return;
    sec_emit(c, a, e, T_MAILCHIMP_KEY, PRIO_FORMAT);
}

/* Telegram bot tokens: the bot id, ':', 35 base64url characters starting with AA. */
static void on_telegram(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, colon = start + 1, a = digits_back(s, colon, 17);
    if (colon - a < 5 || colon - a > 16)
        return;
    if (a > 0 && SEC_ALNUM(s[a - 1]) && !(a >= 4 && memcmp(s + a - 4, "/bot", 4) == 0))
        return;
    size_t e = run_end(s, len, colon + 1, CS_B64URL, 40);
    if (e - (colon + 1) != 35 || sec_placeholder(s + end, e - end))
        return;
    sec_emit(c, a, e, T_TELEGRAM_BOT_TOKEN, PRIO_FORMAT);
}

/* Facebook app tokens: the app id (15 or 16 digits), '|', the secret part. */
static void on_facebook_app(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg, (void)end;
    const char *s = c->s;
    size_t len = c->len, bar = start + 1, a = digits_back(s, bar, 17);
    if (bar - a < 15 || bar - a > 16 || (a > 0 && SEC_ALNUM(s[a - 1])))
        return;
    size_t e = run_end(s, len, bar + 1, CS_B64URL, 48);
    if (e - (bar + 1) < 27 || e - (bar + 1) > 40 || !sec_random(SEC_ENTROPY_DEFAULT, s + bar + 1, e - (bar + 1)))
        return;
    sec_emit(c, a, e, T_FACEBOOK_TOKEN, PRIO_FORMAT);
}

/* Terraform Cloud / Enterprise: 14 alphanumerics, ".atlasv1.", 60 to 70 more. */
static void on_terraform(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start < 14)
        return;
    size_t a = start - 14;
    for (size_t i = a; i < start; i++)
        if (!SEC_ALNUM(s[i]))
            return;
    if (a > 0 && SEC_ALNUM(s[a - 1]))
        return;
    size_t e = run_end(s, len, end, CS_B64ANY, 80);
    if (e - end < 60 || e - end > 70 || sec_placeholder(s + a, 14) || sec_placeholder(s + end, e - end))
        return;
    sec_emit(c, a, e, T_TERRAFORM_TOKEN, PRIO_FORMAT);
}

/* OpenAI keys carry "T3BlbkFJ" (base64 of "OpenAI") inside: sk-<...>T3BlbkFJ<...>. */
static void on_openai_marker(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, a = start;
    while (a > 0 && start - a < 200 && SEC_IN(CS_B64URL, s[a - 1]))
        a--;
    if (!starts(s, len, a, "sk-") || starts(s, len, a, "sk-ant-") || (a > 0 && SEC_ALNUM(s[a - 1])))
        return;
    size_t e = run_end(s, len, end, CS_B64URL, 300);
    if (e - a < 40 || (e < len && SEC_ALNUM(s[e])) || sec_placeholder(s + a + 3, e - a - 3))
        return;
    sec_emit(c, a, e, T_OPENAI_API_KEY, PRIO_FORMAT);
}

/* A service-account key file: "private_key_id": "<40 hex>" with "service_account" nearby. The private key
 * itself is a PRIVATE_KEY span. */
static void on_gcp_sa(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, i = end;
    if (i < len && (s[i] == '"' || s[i] == '\''))
        i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= len || (s[i] != ':' && s[i] != '='))
        return;
    i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= len || (s[i] != '"' && s[i] != '\''))
        return;
    size_t v = i + 1, e = run_end(s, len, v, CS_HEXL, 41);
    if (e - v != 40 || e >= len || s[e] != s[i])
        return;
    size_t from = start > 4096 ? start - 4096 : 0, to = len - e > 4096 ? e + 4096 : len;
    if (!sec_spend(c, to - from) || memmem(s + from, to - from, "service_account", 15) == NULL)
        return;
    sec_emit(c, v, e, T_GCP_SERVICE_ACCOUNT, PRIO_FORMAT);
}

/* .npmrc: //<registry>/:_authToken=<token>, spaces allowed around '=' (an ini file); the match ends after
 * "_authToken". */
static void on_npmrc(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, a = start;
    while (a > 0 && start - a < 256 && s[a - 1] != '\n' && s[a - 1] != ' ' && s[a - 1] != '\t' && s[a - 1] != '"' &&
           s[a - 1] != '\'')
        a--;
    if (!(start - a >= 3 && s[a] == '/' && s[a + 1] == '/' && s[a + 2] != '/'))
        return;
    size_t v = end;
    while (v < len && v - end < 8 && (s[v] == ' ' || s[v] == '\t'))
        v++;
    if (v >= len || s[v] != '=')
        return;
    size_t eq = ++v;
    while (v < len && v - eq < 8 && (s[v] == ' ' || s[v] == '\t'))
        v++;
    int q = v < len && (s[v] == '"' || s[v] == '\'');
    v += q;
    size_t e = v;
    while (e < len && e - v < 512 && (unsigned char)s[e] > ' ' && s[e] != '"' && s[e] != '\'')
        e++;
    size_t n = e - v;
    if (n < 8 || s[v] == '$' || s[v] == '{' || s[v] == '<' || sec_placeholder(s + v, n))
        return;
    sec_emit(c, v, e, T_NPM_TOKEN, PRIO_FORMAT);
}


/* Cloudflare keys have no prefix: the name "cloudflare" in the 64 bytes before, on the same line, says whose
 * they are (cloudflare: "<key>", CLOUDFLARE_GLOBAL=<key>). A token must also look machine-made. */
static void cloudflare_at(sec_ctx_t *c, size_t a, size_t n)
{
    const char *s = c->s;
    size_t from = a;
    while (from > 0 && a - from < 64 && s[from - 1] != '\n')
        from--;
    if (n == 37 ? run_end(s, a + n, a, CS_HEXL, n) != a + n : !sec_random(SEC_ENTROPY_DEFAULT, s + a, n))
        return;
    if (sec_find_ci(s, from, a, "cloudflare") == (size_t)-1)
        return;
    sec_emit(c, a, a + n, T_SAAS_TOKEN, PRIO_FORMAT);
}

/* ---- formats found by the token pass ----------------------------------------------------- */

/* Formats without a literal a pattern could start from, recognised around one run [a, e) of token
 * characters ([A-Za-z0-9+/_-], at least sec_run_min() long) by sec_tokens_pass. Returns where the run
 * ends when a format took more than the run (Discord's dotted parts), else 0. */
size_t sec_run_formats(sec_ctx_t *c, size_t a, size_t e)
{
    const char *s = c->s;
    size_t len = c->len, n = e - a;
    sec_rules_run(c, a, e);
    if (sec_want(c, T_DISCORD_TOKEN) && e < len && s[e] == '.') {
        size_t end = sec_discord_at(s, len, a, e);
        if (end) {
            sec_emit(c, a, end, T_DISCORD_TOKEN, PRIO_FORMAT);
            return end;
        }
    }
    n = run_end(s, len, a, CS_B64URL, 64) - a; /* the formats below are base64url: a '/' ends them */
    /* Mailchimp: <32 hex>-us<dc> */
    if (n >= 36 && n <= 37 && memcmp(s + a + 32, "-us", 3) == 0 && digit(s[a + 35]) && sec_want(c, T_MAILCHIMP_KEY))
        on_mailchimp(c, a + 31, a + 36, 0);
    /* Telegram: <bot id>:AA<33> */
    if (n == 35 && a >= 2 && s[a - 1] == ':' && digit(s[a - 2]) && s[a] == 'A' && s[a + 1] == 'A' &&
        sec_want(c, T_TELEGRAM_BOT_TOKEN))
        on_telegram(c, a - 2, a + 2, 0);
    /* Cloudflare's global API key (37 lower-case hex) or an API token (40 base64url), named on its line */
    if ((n == 37 || n == 40) && a + n == e && sec_want(c, T_SAAS_TOKEN))
        cloudflare_at(c, a, n);
    /* Facebook app token: <app id>|<secret> */
    if (n >= 27 && n <= 40 && a >= 2 && s[a - 1] == '|' && digit(s[a - 2]) && sec_want(c, T_FACEBOOK_TOKEN))
        on_facebook_app(c, a - 2, a + 1, 0);
    return 0;
}

unsigned sec_run_min(const sec_ctx_t *c)
{
    unsigned m = 0;
    if (sec_want(c, T_DISCORD_TOKEN))
        m = 24;
    if (sec_want(c, T_FACEBOOK_TOKEN) && (m == 0 || m > 27))
        m = 27;
    if (sec_want(c, T_TELEGRAM_BOT_TOKEN) && (m == 0 || m > 35))
        m = 35;
    if (sec_want(c, T_MAILCHIMP_KEY) && (m == 0 || m > 36))
        m = 36;
    if (sec_want(c, T_SAAS_TOKEN) && (m == 0 || m > 37))
        m = 37; /* Cloudflare */
    unsigned r = sec_rules_run_min(c);
    if (r != 0 && (m == 0 || m > r))
        m = r;
    return m;
}

/* ---- Kubernetes Secret manifests ------------------------------------------------------ */

#define K8S_DOC_MAX (16u << 10)

static size_t line_indent(const char *s, size_t len, size_t i)
{
    size_t k = i;
    while (k < len && (s[k] == ' ' || s[k] == '\t'))
        k++;
    return k - i;
}

static size_t line_end(const char *s, size_t len, size_t i)
{
    const char *nl = memchr(s + i, '\n', len - i);
    return nl ? (size_t)(nl - s) : len;
}

/* One value under data: (base64) or stringData: (plain) at [a, e). */
static void k8s_value(sec_ctx_t *c, size_t a, size_t e, int plain)
{
    const char *s = c->s;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        e--;
    if (e - a >= 2 && (s[a] == '"' || s[a] == '\'') && s[e - 1] == s[a])
        a++, e--;
    size_t n = e - a;
    if (n == 0 || s[a] == '{' || s[a] == '<' || s[a] == '$')
        return;
    if (plain) {
        if (sec_value_ok(s + a, n, 0))
            sec_emit(c, a, e, T_KUBERNETES_SECRET, PRIO_FORMAT);
        return;
    }
    size_t k = a;
    while (k < e && SEC_IN(CS_B64, s[k]))
        k++;
    size_t m = k;
    while (k < e && s[k] == '=' && k - m < 2)
        k++;
    if (k != e || m - a < 12 || sec_placeholder(s + a, m - a))
        return;
    sec_emit(c, a, e, T_KUBERNETES_SECRET, PRIO_FORMAT);
}

/* The entries of the data: / stringData: mapping whose key line starts at i. */
static void k8s_data(sec_ctx_t *c, size_t i, size_t doc_end, int plain)
{
    const char *s = c->s;
    size_t base = line_indent(s, doc_end, i), at = line_end(s, doc_end, i) + 1;
    for (int lines = 0; at < doc_end && lines < 256; lines++) {
        size_t ind = line_indent(s, doc_end, at), le = line_end(s, doc_end, at), k = at + ind;
        if (k >= le || s[k] == '#' || s[k] == '\r') { /* blank line, comment */
            at = le + 1;
            continue;
        }
        if (ind <= base)
            return;
        size_t colon = k;
        while (colon < le && s[colon] != ':' && s[colon] != ' ')
            colon++;
        if (colon >= le || s[colon] != ':') {
            at = le + 1;
            continue;
        }
        size_t v = colon + 1;
        while (v < le && (s[v] == ' ' || s[v] == '\t'))
            v++;
        if (v < le && (s[v] == '|' || s[v] == '>')) { /* a block scalar: its first line */
            size_t nx = le + 1;
            if (nx < doc_end && line_indent(s, doc_end, nx) > ind) {
                size_t ne = line_end(s, doc_end, nx);
                k8s_value(c, nx + line_indent(s, doc_end, nx), ne, plain);
                le = ne;
            }
        } else {
            k8s_value(c, v, le, plain);
        }
        at = le + 1;
    }
}

/* kind: Secret — the document around it (between --- lines) and its data: / stringData: entries. */
static void on_k8s_kind(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, i = end;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    char q = i < len && (s[i] == '"' || s[i] == '\'') ? s[i++] : 0; /* kind: 'Secret' is the same YAML */
    if (i + 6 > len || (memcmp(s + i, "Secret", 6) != 0 && memcmp(s + i, "secret", 6) != 0) ||
        (q ? (i + 6 >= len || s[i + 6] != q) : (i + 6 < len && SEC_IN(CS_WORD, s[i + 6]))))
        return;
    if (start < c->k8s_done)
        return; /* this document was read already */
    size_t from = start > K8S_DOC_MAX ? start - K8S_DOC_MAX : 0, to = len - end > K8S_DOC_MAX ? end + K8S_DOC_MAX : len;
    if (!sec_spend(c, 2 * (to - from)))
        return;
    size_t doc_start = from, doc_end = to;
    for (size_t k = start; k > from + 3; k--)
        if (s[k - 1] == '\n' && memcmp(s + k - 4, "---", 3) == 0 && (k == from + 4 || s[k - 5] == '\n')) {
            doc_start = k;
            break;
        }
    const char *sep = memmem(s + end, to - end, "\n---", 4);
    if (sep)
        doc_end = (size_t)(sep - s);
    c->k8s_done = doc_end;
    for (size_t k = doc_start; k < doc_end;) {
        size_t le = line_end(s, doc_end, k), t = k + line_indent(s, doc_end, k);
        if (le - t >= 5 && memcmp(s + t, "data:", 5) == 0 && line_indent(s, le, t + 5) + t + 5 >= le)
            k8s_data(c, k, doc_end, 0);
        else if (le - t >= 11 && memcmp(s + t, "stringData:", 11) == 0 && line_indent(s, le, t + 11) + t + 11 >= le)
            k8s_data(c, k, doc_end, 1);
        k = le + 1;
    }
}

/* ---- the patterns ---------------------------------------------------------------------- */

#define BIT(t) ((uint64_t)1 << T_##t)

size_t sec_formats_patterns(sec_pat_t *out, size_t max)
{
    static const struct {
        const char *expr;
        unsigned width;
        sec_handler_fn fn;
        unsigned arg;
        uint64_t types;
    } t[] = {
        {"xox", 3, on_slack, 0, BIT(SLACK_TOKEN)},
        {"xapp-", 5, on_slack_app, 0, BIT(SLACK_TOKEN)},
        {"hooks\\.slack\\.com/", 16, on_slack_hook, 0, BIT(SLACK_WEBHOOK)},
        {"discord\\.com/api/webhooks/", 25, on_discord_hook, 0, BIT(DISCORD_WEBHOOK)},
        {"discordapp\\.com/api/webhooks/", 28, on_discord_hook, 0, BIT(DISCORD_WEBHOOK)},
        {"\\.webhook\\.office\\.com/webhookb2/", 30, on_teams_hook, 0, BIT(TEAMS_WEBHOOK)},
        {"outlook\\.office\\.com/webhook/", 27, on_teams_hook, 0, BIT(TEAMS_WEBHOOK)},
        {"eyJ", 3, on_jwt, 0, BIT(JWT)},
        {"-----BEGIN ", 11, on_pem, 0, BIT(PRIVATE_KEY) | BIT(GENERIC_HIGH_ENTROPY)},
        {"[0-9]Q~", 3, on_azure_secret, 0, BIT(AZURE_CLIENT_SECRET)},
        {"AccountKey=", 11, on_azure_key, 0, BIT(AZURE_STORAGE_KEY)},
        {"SharedAccessKey=", 16, on_azure_key, 1, BIT(AZURE_STORAGE_KEY)},
        {"\\.atlasv1\\.", 9, on_terraform, 0, BIT(TERRAFORM_TOKEN)},
        {"T3BlbkFJ", 8, on_openai_marker, 0, BIT(OPENAI_API_KEY)},
        {"private_key_id", 14, on_gcp_sa, 0, BIT(GCP_SERVICE_ACCOUNT)},
        {"/:_authToken", 12, on_npmrc, 0, BIT(NPM_TOKEN)},
        {"kind:", 5, on_k8s_kind, 0, BIT(KUBERNETES_SECRET)},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]) && n < max; i++, n++) {
        snprintf(out[n].expr, sizeof(out[n].expr), "%s", t[i].expr);
        out[n].flags = 0;
        out[n].width = t[i].width;
        out[n].fn = t[i].fn;
        out[n].arg = t[i].arg;
        out[n].types = t[i].types;
    }
    return n;
}
