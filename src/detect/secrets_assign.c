/* secrets_assign.c — secrets found by their context: a value assigned to (or compared with) a key named
 * like a password, secret, token or API key (PASSWORD, and AWS_SECRET_KEY for AWS's secret key names),
 * a password given in a sentence ("my password is ..."), Authorization headers, curl -u credentials, and
 * credentials in URLs (BASIC_AUTH_URL). The span is always the value, never the key. */
#include "detect/secrets_int.h"

#include <hs/hs.h>
#include <stdio.h>
#include <string.h>

#define VALUE_MAX 256
#define HEADER_VALUE_MAX 4096

static int space(int c) { return c == ' ' || c == '\t'; }
static int quote(int c) { return c == '"' || c == '\'' || c == '`'; }
static int alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* ---- key names ------------------------------------------------------------------------ */

enum { KEY_NONE = -1, KEY_STRONG = 0, KEY_WEAK = 1, KEY_SUMO_ID = 3 };

#define SEGS_MAX 10
#define SEG_LEN 40

typedef struct {
    char seg[SEGS_MAX][SEG_LEN];
    size_t n;
    char flat[SEGS_MAX * SEG_LEN]; /* the segments joined, lower case */
} key_t_;

/* Splits a key name into lower-case words: at '_', '-', '.', and where a lower-case letter or a digit is
 * followed by an upper-case one (apiKey, ClearTextPassword). */
static void key_split(const char *k, size_t n, key_t_ *out)
{
    out->n = 0;
    size_t f = 0, w = 0;
    for (size_t i = 0; i <= n; i++) {
        int c = i < n ? (unsigned char)k[i] : 0;
        int brk = i == n || c == '_' || c == '-' || c == '.' ||
                  (i > 0 && c >= 'A' && c <= 'Z' && ((k[i - 1] >= 'a' && k[i - 1] <= 'z')));
        if (brk && w > 0) {
            out->seg[out->n][w] = '\0';
            if (++out->n == SEGS_MAX)
                break;
            w = 0;
        }
        if (i == n)
            break;
        if (c != '_' && c != '-' && c != '.' && w < SEG_LEN - 1) {
            out->seg[out->n][w++] = (char)sec_lower(c);
            if (f < sizeof(out->flat) - 1)
                out->flat[f++] = (char)sec_lower(c);
        }
    }
    out->flat[f] = '\0';
}

/* Words anywhere in a key that make it about something else than a credential. */
static const char *const key_context_not[] = {
    "csrf", "xsrf", "authenticity", "public", "pub", "page", "cursor", "placeholder", "hint", "label", "prompt", "message",
    "msg", "policy", "reset", "forgot", "tokens", "tokenizer", "tokenize", "tokenized", "tokenization",
    "secretary", "passport", "bypass", "compass", "passenger", "expiry", "expires", "expiration", "strength",
    "validation", "validator", "visible", "visibility", "regex", "pattern", "lifetime", "untokenize",
    "detokenize", NULL};
/* Last words naming a property of the credential rather than the credential. */
static const char *const key_last_not[] = {
    "id", "ids", "name", "names", "url", "uri", "urls", "endpoint", "path", "file", "files", "dir", "field",
    "param", "length", "len", "count", "size", "max", "min", "type", "types", "format", "enabled", "required",
    "mode", "version", "header", "manager", "provider", "service", "store", "storage", "helper", "generator",
    "input", "form", "button", "view", "changed", "updated", "created", "at", "date", "time", "timeout", "ttl",
    "index", "idx", "limit", "rule", "rules", "error", "errors", "class", "prefix", "suffix", "hash", "hashed",
    "digest", "salt", "location", "env", "var", "method", "scheme", "kind", "usage", "encoding", "schema",
    "arn", "ref", "source", "sources", "set", "list", "hdr", "map", "dict", "table", "cache", "handler", NULL};

/* The two lists in one hash set, built once with the patterns (sec_assign_patterns), read-only after. */
enum { W_CONTEXT_NOT = 1, W_LAST_NOT = 2 };
#define WORDSET_SIZE 512

static struct {
    const char *w;
    unsigned flags;
} wordset[WORDSET_SIZE];

static uint32_t word_hash(const char *w)
{
    uint32_t h = 2166136261u;
    for (; *w; w++)
        h = (h ^ (unsigned char)*w) * 16777619u;
    return h;
}

static void wordset_add(const char *const *list, unsigned flag)
{
    for (size_t i = 0; list[i]; i++) {
        uint32_t j = word_hash(list[i]) & (WORDSET_SIZE - 1);
        while (wordset[j].w != NULL && strcmp(wordset[j].w, list[i]) != 0)
            j = (j + 1) & (WORDSET_SIZE - 1);
        wordset[j].w = list[i];
        wordset[j].flags |= flag;
    }
}

static unsigned word_flags(const char *w)
{
    uint32_t j = word_hash(w) & (WORDSET_SIZE - 1);
    while (wordset[j].w != NULL) {
        if (strcmp(wordset[j].w, w) == 0)
            return wordset[j].flags;
        j = (j + 1) & (WORDSET_SIZE - 1);
    }
    return 0;
}

/* Strength of a key name as a credential's name: KEY_STRONG, KEY_WEAK (only ends in "key"), KEY_NONE. */
static int key_strength(const char *k, size_t n, key_t_ *ks)
{
    key_split(k, n, ks);
    if (ks->n == 0)
        return KEY_NONE;
    /* Vendors whose credential has a name of its own: SonarQube's scanner takes its token as sonar.login
     * (SONAR_LOGIN); a Sumo Logic access id (sumo...accessId) is half of a key pair, checked for its shape. */
    size_t fl = strlen(ks->flat);
    if (strstr(ks->flat, "sonar") && strcmp(ks->seg[ks->n - 1], "login") == 0)
        return KEY_STRONG;
    if (strstr(ks->flat, "sumo") && fl >= 8 && strcmp(ks->flat + fl - 8, "accessid") == 0)
        return KEY_SUMO_ID;
    for (size_t i = 0; i < ks->n; i++)
        if (word_flags(ks->seg[i]) & W_CONTEXT_NOT)
            return KEY_NONE;
    if (sec_cursor_flat(ks->flat, fl)) /* nextToken, continuation_token: a position in a listing */
        return KEY_NONE;
    if (word_flags(ks->seg[ks->n - 1]) & W_LAST_NOT)
        return KEY_NONE;
    for (size_t i = 0; i < ks->n; i++) {
        const char *w = ks->seg[i];
        if (strstr(w, "password") || strstr(w, "passwd") || strstr(w, "passphrase") || strstr(w, "secret") ||
            strstr(w, "token") || strstr(w, "apikey") || strstr(w, "accesskey") || strstr(w, "privatekey") ||
            strstr(w, "secretkey") || strcmp(w, "pwd") == 0 || strcmp(w, "pass") == 0 || strcmp(w, "pw") == 0 ||
            strstr(w, "credential") || strcmp(w, "creds") == 0 || strcmp(w, "auth") == 0)
            return KEY_STRONG;
        if (i + 1 < ks->n && strcmp(ks->seg[i + 1], "key") == 0 &&
            (strcmp(w, "api") == 0 || strcmp(w, "access") == 0 || strcmp(w, "private") == 0 ||
             strcmp(w, "secret") == 0 || strcmp(w, "auth") == 0))
            return KEY_STRONG;
    }
    size_t l = strlen(ks->seg[ks->n - 1]);
    if (l >= 3 && strcmp(ks->seg[ks->n - 1] + l - 3, "key") == 0)
        return KEY_WEAK;
    return KEY_NONE;
}

/* ---- values --------------------------------------------------------------------------- */

typedef struct {
    size_t a, b; /* [a, b) */
    int quoted;
} value_t;

/* A quoted value starting at the quote q (at most max bytes, one line, backslash escapes skipped). */
static int read_quoted(const char *s, size_t len, size_t q, size_t max, value_t *v)
{
    char qc = s[q];
    size_t i = q + 1;
    while (i < len && i - q <= max && s[i] != qc && s[i] != '\n') {
        if (s[i] == '\\' && qc != '`')
            i++;
        i++;
    }
    if (i >= len || s[i] != qc)
        return 0;
    *v = (value_t){q + 1, i, 1};
    return 1;
}

/* An unquoted value: up to white space, without trailing , ; and quotes. */
static int read_bare(const char *s, size_t len, size_t i, size_t max, value_t *v)
{
    if (i < len && (s[i] == '(' || s[i] == '[' || s[i] == '{'))
        return 0; /* a tuple, list, map or block: code */
    size_t e = i;
    while (e < len && e - i <= max && (unsigned char)s[e] > ' ') {
        if (s[e] == '<' && e + 1 < len && s[e + 1] == '/')
            break; /* a closing tag: <td>pass:x</td> */
        if ((s[e] == '&' || s[e] == ';') && e > i) { /* the next parameter (?token=x&page=2, a=1;b=2), an entity (&rdquo;) */
            size_t k = e + 1;
            while (k < len && k - e < 32 && SEC_IN(CS_WORD, s[k]))
                k++;
            if (k > e + 1 && k < len && (s[k] == '=' || (s[e] == '&' && s[k] == ';')))
                break;
        }
        e++;
    }
    if (e - i > max)
        return 0;
    int open = 0;
    for (size_t k = i; k < e; k++)
        open += (s[k] == '(' || s[k] == '[' || s[k] == '{') - (s[k] == ')' || s[k] == ']' || s[k] == '}');
    if (e > i + 1 && s[e - 1] == '.' && s[e - 2] != '.')
        e--; /* a full stop (an elision "..." stays: the placeholder rule sees it) */
    while (e > i && (strchr(",;:\"'`", s[e - 1]) || (open < 0 && strchr(")]}", s[e - 1])))) {
        if (strchr(")]}", s[e - 1]))
            open++;
        e--;
    }
    *v = (value_t){i, e, 0};
    return e > i;
}

/* 16 or more letters and digits, upper and lower case and digits mixed: no name looks like that. */
static int mixed_run(const char *v, size_t n)
{
    int lo = 0, up = 0, dg = 0;
    size_t k = 0;
    for (; k < n && SEC_ALNUM(v[k]); k++) {
        lo |= v[k] >= 'a' && v[k] <= 'z';
        up |= v[k] >= 'A' && v[k] <= 'Z';
        dg |= v[k] >= '0' && v[k] <= '9';
    }
    return k >= 16 && lo && up && dg;
}

/* Code rather than a value: a name (x, self.password, getpass(), env[...]) unless it mixes letters and digits. */
static int bare_is_code(const char *v, size_t n)
{
    size_t k = 0;
    if (n > 0 && (alpha(v[0]) || v[0] == '_')) {
        while (k < n && (SEC_IN(CS_WORD, v[k]) || v[k] == '$'))
            k++;
    }
    if (k == 0)
        return 0;
    if (k < n && v[k] == '.' && mixed_run(v + k + 1, n - k - 1))
        return 0; /* s.ZC9Ecf4M5g9o34Q6RkzGsj0z: a prefixed token, not an attribute */
    if (k < n)
        return v[k] == '.' || v[k] == '(' || v[k] == '[';
    int dg = 0, al = 0;
    for (size_t i = 0; i < n; i++) {
        dg |= v[i] >= '0' && v[i] <= '9';
        al |= alpha(v[i]);
    }
    return !(dg && al);
}

/* An unquoted value with brackets that ends a statement with ';' at the end of its line (C, Java, JS):
 * an expression, not a literal (a literal there would be quoted). Connection strings (Password=x;Server=y)
 * go on after the ';' and stay values. */
static int bare_statement(const char *s, size_t len, const value_t *v)
{
    size_t e = v->b;
    if (e >= len || s[e] != ';')
        return 0;
    size_t k = e + 1;
    while (k < len && space(s[k]))
        k++;
    if (k < len && s[k] != '\n' && s[k] != '\r')
        return 0;
    for (size_t i = v->a; i < e; i++)
        if (strchr("()[]{}", s[i]) && s[i] != '\0')
            return 1;
    return 0;
}

/* A C++ / Java declaration with direct initialisation: `std::string secret("v")`, `QString password("v")`:
 * the key is preceded by a string type name and followed by "(" and a quote. Returns the quote's offset or 0. */
static size_t declaration_literal(const char *s, size_t len, size_t kb, size_t ke)
{
    size_t q = ke;
    if (q >= len || s[q] != '(')
        return 0;
    q++;
    while (q < len && space(s[q]))
        q++;
    if (q >= len || !quote(s[q]) || kb < 4 || !space(s[kb - 1]))
        return 0;
    size_t t = kb - 1;
    while (t > 0 && space(s[t - 1]))
        t--;
    static const char *const types[] = {"string", "str", NULL};
    for (size_t i = 0; types[i]; i++) {
        size_t m = strlen(types[i]);
        if (t >= m && sec_find_ci(s, t - m, t, types[i]) == t - m && (t == m || !alpha(s[t - m - 1]) ||
                                                                       (s[t - m - 1] >= 'A' && s[t - m - 1] <= 'Z')))
            return q;
    }
    return 0;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
    while (i < len && space(s[i]))
        i++;
    return i;
}

/* After a key at i: a C array's brackets, "[]" or "[25]" (char secret[25] = "…"). Returns the index after them,
 * or i. */
static size_t array_brackets(const char *s, size_t len, size_t i)
{
    if (i >= len || s[i] != '[')
        return i;
    size_t e = i + 1;
    while (e < len && e - i <= 5 && s[e] >= '0' && s[e] <= '9')
        e++;
    return e < len && s[e] == ']' ? e + 1 : i;
}

/* Operator at i: '=', ':', ":=", "::=", "=>", make's "?=", and comparisons "==", "===", "!=", "!==". Returns
 * its length, 0 when none; *cmp is set for comparisons. */
static size_t op_at(const char *s, size_t len, size_t i, int *cmp)
{
    *cmp = 0;
    if (i >= len)
        return 0;
    if (s[i] == '?' && i + 1 < len && s[i + 1] == '=' && (i + 2 == len || s[i + 2] != '='))
        return 2; /* TOKEN ?= value: a Makefile's default */
    size_t e = i;
    while (e < len && e - i < 4 && (s[e] == '=' || s[e] == ':' || s[e] == '!' || s[e] == '>'))
        e++;
    size_t n = e - i;
    const char *o = s + i;
    if ((n == 1 && (o[0] == '=' || o[0] == ':')) || (n == 2 && (!memcmp(o, ":=", 2) || !memcmp(o, "=>", 2))) ||
        (n == 3 && !memcmp(o, "::=", 3)) || (n == 4 && !memcmp(o, ":::=", 4)))
        return n;
    if ((n == 2 && (!memcmp(o, "==", 2) || !memcmp(o, "!=", 2))) ||
        (n == 3 && (!memcmp(o, "===", 3) || !memcmp(o, "!==", 3)))) {
        *cmp = 1;
        return n;
    }
    return 0;
}

/* Whether the quote at q opens a call's first argument: "(" before it (set("password", ...)). */
static int call_argument(const char *s, size_t q)
{
    while (q > 0 && space(s[q - 1]))
        q--;
    return q > 0 && s[q - 1] == '(';
}

/* The value assigned to or compared with the key [kb, ke); cli: the key is a --flag. */
static int value_after(const char *s, size_t len, size_t kb, size_t ke, int cli, value_t *v)
{
    size_t i = ke;
    /* <password>value</password> */
    if (kb > 0 && s[kb - 1] == '<' && i < len && s[i] == '>') {
        size_t e = i + 1;
        while (e < len && e - i <= VALUE_MAX && s[e] != '<' && s[e] != '\n')
            e++;
        if (e + 1 < len && s[e] == '<' && s[e + 1] == '/') {
            *v = (value_t){i + 1, e, 1};
            return 1;
        }
        return 0;
    }
    int qk = kb > 0 && quote(s[kb - 1]) && i < len && s[i] == s[kb - 1];
    if (qk) {
        i++;
        /* <add key="Password" value="..."/> */
        size_t j = skip_space(s, len, i);
        if (j > i && j + 6 < len && !memcmp(s + j, "value", 5)) {
            j = skip_space(s, len, j + 5);
            if (j < len && s[j] == '=') {
                j = skip_space(s, len, j + 1);
                return j < len && quote(s[j]) && read_quoted(s, len, j, VALUE_MAX, v);
            }
        }
    }
    size_t arr = i;
    if (i < len && s[i] == ']')
        i++;
    else if (!qk)
        i = array_brackets(s, len, i);
    arr = i != arr && s[arr] == '['; /* C: then only "…" is a string ('…' is a character constant) */
    size_t j = skip_space(s, len, i);
    if (qk && j < len && s[j] == ',' && call_argument(s, kb - 1)) { /* f("password", "value"): a setter, a default */
        j = skip_space(s, len, j + 1);
        return j < len && quote(s[j]) && read_quoted(s, len, j, VALUE_MAX, v);
    }
    int cmp;
    size_t op = op_at(s, len, j, &cmp);
    size_t dq = op == 0 && !qk ? declaration_literal(s, len, kb, ke) : 0;
    if (dq)
        return read_quoted(s, len, dq, VALUE_MAX, v);
    if (op == 0) {
        if (!cli || j == i || j >= len)
            return 0; /* a --flag takes its value after white space */
    } else {
        j = skip_space(s, len, j + op);
    }
    if (j >= len)
        return 0;
    size_t q = j;
    if (q + 1 < len && strchr("@rbuRBU", s[q]) && quote(s[q + 1]) && s[q] != '\0')
        q++;
    if (quote(s[q]))
        return (!arr || s[q] == '"') && read_quoted(s, len, q, VALUE_MAX, v);
    if (cmp || arr)
        return 0; /* comparing with a name, not a literal; a C array is given a string literal */
    if (!read_bare(s, len, j, VALUE_MAX, v))
        return 0;
    return !bare_is_code(s + v->a, v->b - v->a) && !bare_statement(s, len, v);
}

/* "..." == password: a quoted literal compared with the key, on its left. */
static int value_before(const char *s, size_t kb, value_t *v)
{
    size_t i = kb;
    while (i > 0 && space(s[i - 1]))
        i--;
    size_t e = i;
    while (i > 0 && e - i < 3 && (s[i - 1] == '=' || s[i - 1] == '!'))
        i--;
    int cmp;
    size_t op = op_at(s, e, i, &cmp);
    if (op == 0 || !cmp || i + op != e)
        return 0;
    while (i > 0 && space(s[i - 1]))
        i--;
    if (i == 0 || !quote(s[i - 1]))
        return 0;
    size_t close = i - 1, a = close;
    while (a > 0 && close - a <= VALUE_MAX && s[a - 1] != s[close] && s[a - 1] != '\n')
        a--;
    if (a == 0 || s[a - 1] != s[close])
        return 0;
    *v = (value_t){a, close, 1};
    return 1;
}

/* ---- disclosures in prose: "the wifi password is Kx8#pq2v" --------------------------------- */

/* A chat is not a config file: people write "my password is Kx8#pq2v", "the password for the admin account
 * was P@ss-2024" or "change the password to hunter2024". The key's last word names a password (password,
 * passwd, passphrase, passcode, pwd); then, on the same line, at most five words of "for ..." / "of ..." /
 * "on ...", and "is" or "was" (then "now" or "still", then "set to" or "changed to"), or "set to",
 * "changed to" or "to" alone; an optional ':'; the value. Prose writes about passwords far more often than it
 * gives one, so the value must look like one (prose_value). Secret, token and key stay out: "the secret is
 * patience", "the key is 42" are how prose uses them. */

static int prose_key(const key_t_ *ks)
{
    static const char *const names[] = {"password", "passwd", "passphrase", "passcode", "pwd", NULL};
    for (size_t i = 0; ks->n > 0 && names[i]; i++)
        if (strcmp(ks->seg[ks->n - 1], names[i]) == 0)
            return 1;
    return 0;
}

/* The word w (lower case) at *i, any case, ending there (no letter or digit after it): *i moves past it and
 * the blanks after it. */
static int take(const char *s, size_t len, size_t *i, const char *w)
{
    size_t n = strlen(w);
    if (*i + n > len || sec_find_ci(s, *i, *i + n, w) != *i || (*i + n < len && SEC_ALNUM(s[*i + n])))
        return 0;
    *i = skip_space(s, len, *i + n);
    return 1;
}

/* The verb between a password's name and its value; the value's offset after it, 0 when there is none. */
static size_t prose_verb(const char *s, size_t len, size_t i)
{
    if (take(s, len, &i, "is") || take(s, len, &i, "was")) {
        (void)(take(s, len, &i, "now") || take(s, len, &i, "still"));
        if (!take(s, len, &i, "set") && !take(s, len, &i, "changed"))
            return i;
    } else {
        (void)(take(s, len, &i, "set") || take(s, len, &i, "changed"));
    }
    return take(s, len, &i, "to") ? i : 0;
}

/* A value that reads as a password rather than a word: 6 to 64 bytes, letters with digits or symbols, or six
 * digits or more; a quoted value may be a passphrase. Not a compound adjective (SHA256-hashed). */
static int prose_value(const char *v, size_t n, int quoted)
{
    if (quoted && sec_passphrase(v, n))
        return 1;
    if (n < 6 || n > 64)
        return 0;
    size_t digits = 0, tail = 0;
    int letters = 0, symbols = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        digits += c >= '0' && c <= '9';
        letters |= alpha(c);
        symbols |= c > ' ' && c < 0x7f && strchr("!@#$%^&*+=?~|<>", c) != NULL;
        tail = c == '-' ? 0 : (c >= 'a' && c <= 'z') ? tail + 1 : n; /* lower-case letters after the last '-' */
    }
    if (digits == n)
        return !sec_placeholder(v, n);
    if (!letters || (!digits && !symbols) || (tail >= 4 && tail < n && memchr(v, '-', n) != NULL))
        return 0;
    return sec_value_ok(v, n, KEY_STRONG);
}

static void prose_disclosure(sec_ctx_t *c, size_t kb, size_t ke)
{
    const char *s = c->s;
    size_t len = c->len;
    if (ke - kb < 3 || (sec_lower(s[ke - 1]) != 'd' && sec_lower(s[ke - 1]) != 'e'))
        return; /* a first look, before splitting: every name in prose_key ends in 'd' or 'e' (not author, token) */
    key_t_ ks;
    key_split(s + kb, ke - kb, &ks);
    if (!prose_key(&ks))
        return;
    size_t i = skip_space(s, len, ke), j;
    if (take(s, len, &i, "for") || take(s, len, &i, "of") || take(s, len, &i, "on")) {
        for (size_t words = 0; (j = prose_verb(s, len, i)) == 0; words++) {
            size_t e = i;
            while (e < len && e - i < 64 && (unsigned char)s[e] > ' ')
                e++;
            if (words == 5 || e == i || strchr(",;.:!?\"", s[e - 1]))
                return; /* the sentence went on to something else */
            i = skip_space(s, len, e);
        }
    } else if ((j = prose_verb(s, len, i)) == 0) {
        return;
    }
    if (j < len && s[j] == ':')
        j = skip_space(s, len, j + 1);
    value_t v;
    if (j < len && quote(s[j])) {
        if (!read_quoted(s, len, j, 128, &v))
            return;
    } else {
        size_t e = j;
        while (e < len && e - j <= 64 && (unsigned char)s[e] > ' ')
            e++;
        while (e > j && strchr(".,;:!?)\"'`", s[e - 1]))
            e--; /* the sentence's punctuation */
        v = (value_t){j, e, 0};
    }
    if (prose_value(s + v.a, v.b - v.a, v.quoted))
        sec_emit(c, v.a, v.b, T_PASSWORD, PRIO_CONTEXT);
}

/* ---- the assignment rule --------------------------------------------------------------- */

static void on_auth_header(sec_ctx_t *c, size_t kb, size_t ke);

static int aws_secret_name(const char *flat)
{
    return strstr(flat, "secretaccesskey") || (strstr(flat, "aws") && strstr(flat, "secret"));
}

/* A cheap first look: something that can introduce a value follows the key (or a comparison precedes it, or
 * the key is a --flag). */
static int assignment_shape(const char *s, size_t len, size_t kb, size_t ke)
{
    size_t i = ke;
    if (i < len && (quote(s[i]) || s[i] == ']'))
        i++;
    if (i < len && (quote(s[i]) || s[i] == ']'))
        i++;
    i = skip_space(s, len, array_brackets(s, len, i));
    if (i < len && strchr(":=!>,?", s[i]) && s[i] != '\0')
        return 1;
    if (s[kb] == '-')
        return 1; /* --password value */
    if (ke < len && s[ke] == '(' && kb > 0 && space(s[kb - 1]))
        return 1; /* std::string secret("value") */
    size_t j = kb;
    if (j > 0 && quote(s[j - 1]))
        j--;
    while (j > 0 && space(s[j - 1]))
        j--;
    return j > 0 && s[j - 1] == '=';
}

static void on_keyword(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    if (arg)
        end--, start++; /* [A-Za-z0-9_-]key[...]: the match holds one character on each side of "key" */
    const char *s = c->s;
    size_t len = c->len, kb = start, ke = end;
    while (kb > 0 && start - kb < 64 && SEC_IN(CS_KEY, s[kb - 1]))
        kb--;
    while (ke < len && ke - end < 64 && SEC_IN(CS_KEY, s[ke]))
        ke++;
    while (ke > end && (s[ke - 1] == '.' || s[ke - 1] == '-'))
        ke--;
    if (kb == c->last_key_start && ke == c->last_key_end)
        return;
    c->last_key_start = kb;
    c->last_key_end = ke;
    if (!assignment_shape(s, len, kb, ke)) {
        prose_disclosure(c, kb, ke); /* "my password is Kx8#pq2v"; not "the password is wrong", "tokens per second" */
        return;
    }
    size_t dashes = 0;
    while (kb < ke && s[kb] == '-' && dashes < 2)
        kb++, dashes++;
    int cli = dashes > 0 && (kb - dashes == 0 || space(s[kb - dashes - 1]) || s[kb - dashes - 1] == '\n');
    if (ke - kb == 13 && sec_find_ci(s, kb, ke, "authorization") == kb) {
        on_auth_header(c, kb, ke);
        return;
    }
    key_t_ ks;
    int strength = key_strength(s + kb, ke - kb, &ks);
    if (strength == KEY_NONE)
        return;
    value_t v;
    if (!value_after(s, len, kb - dashes, ke, cli, &v) && !value_before(s, kb - dashes, &v))
        return;
    size_t n = v.b - v.a;
    if (strength == KEY_SUMO_ID) {
        if (n == 14 && s[v.a] == 's' && s[v.a + 1] == 'u') { /* "su" + 12 letters and digits, mixed */
            size_t k = 0;
            int lo = 0, up = 0, dg = 0;
            for (; k < n && SEC_ALNUM(s[v.a + k]); k++)
                if (k >= 2) {
                    lo |= s[v.a + k] >= 'a' && s[v.a + k] <= 'z';
                    up |= s[v.a + k] >= 'A' && s[v.a + k] <= 'Z';
                    dg |= s[v.a + k] >= '0' && s[v.a + k] <= '9';
                }
            if (k == n && lo + up + dg >= 2 && !sec_placeholder(s + v.a, n))
                sec_emit(c, v.a, v.b, T_PASSWORD, PRIO_CONTEXT);
        }
        return;
    }
    if (v.quoted && strength == KEY_STRONG && sec_passphrase(s + v.a, n)) {
        sec_emit(c, v.a, v.b, T_PASSWORD, PRIO_CONTEXT);
        return;
    }
    if (aws_secret_name(ks.flat) && n == 40 && !sec_placeholder(s + v.a, n)) {
        size_t k = 0;
        while (k < n && SEC_IN(CS_B64, s[v.a + k]))
            k++;
        if (k == n)
            sec_emit(c, v.a, v.b, T_AWS_SECRET_KEY, PRIO_FORMAT);
    }
    if (!v.quoted && sec_bare_template(s + v.a, n))
        return; /* password = pre${DB_PASS}: the text holds a template, not the secret */
    if (sec_value_ok(s + v.a, n, strength))
        sec_emit(c, v.a, v.b, T_PASSWORD, PRIO_CONTEXT);
}

/* ---- Authorization headers, Bearer ------------------------------------------------------------ */

static int credential_ok(const char *v, size_t n, int basic)
{
    if (n < 8 || n > HEADER_VALUE_MAX || strchr("$<{[%", v[0]))
        return 0;
    if (basic) {
        unsigned char buf[512];
        long m = rg_b64_decode(v, n, buf, sizeof(buf));
        if (m < 2 || memchr(buf, ':', (size_t)m) == NULL)
            return 0;
        for (long i = 0; i < m; i++)
            if (buf[i] < 0x20 && buf[i] != '\t')
                return 0;
        return !sec_placeholder(v, n);
    }
    if (n > VALUE_MAX)
        return !sec_placeholder(v, VALUE_MAX);
    return sec_value_ok(v, n, 0);
}

static size_t read_credential(const char *s, size_t len, size_t i)
{
    size_t e = i;
    while (e < len && e - i <= HEADER_VALUE_MAX && (unsigned char)s[e] > ' ' && !quote(s[e]) && s[e] != ',' &&
           s[e] != ';' && s[e] != ')' && s[e] != '}')
        e++;
    return e;
}

/* Authorization: [scheme] credential — in a header line, curl -H, JSON or code. */
static void on_auth_header(sec_ctx_t *c, size_t kb, size_t ke)
{
    const char *s = c->s;
    size_t len = c->len, i = ke;
    int qk = kb > 0 && quote(s[kb - 1]) && i < len && s[i] == s[kb - 1];
    i += qk;
    if (i < len && s[i] == ']')
        i++;
    i = skip_space(s, len, i);
    int cmp = 0;
    size_t op = qk && i < len && s[i] == ',' && call_argument(s, kb - 1) ? 1 : op_at(s, len, i, &cmp);
    if (op == 0 || cmp)
        return;
    i = skip_space(s, len, i + op);
    int quoted = i < len && quote(s[i]);
    i = skip_space(s, len, i + quoted);
    /* the scheme: a word followed by a space and more */
    size_t w = i;
    while (w < len && w - i < 32 && (alpha(s[w]) || s[w] == '-' || (w > i && s[w] >= '0' && s[w] <= '9')))
        w++;
    int scheme = w > i && w < len && s[w] == ' ', basic = 0;
    if (scheme) {
        size_t wl = w - i;
        if ((wl == 6 && sec_find_ci(s, i, w, "digest") == i) || (wl == 9 && sec_find_ci(s, i, w, "negotiate") == i) ||
            (wl == 4 && sec_find_ci(s, i, w, "ntlm") == i) || sec_find_ci(s, i, w, "aws4-hmac") == i)
            return; /* challenge-response schemes: no static credential */
        basic = wl == 5 && sec_find_ci(s, i, w, "basic") == i;
        i = skip_space(s, len, w);
    }
    size_t e = read_credential(s, len, i);
    if (e == i || (!quoted && !scheme && bare_is_code(s + i, e - i)))
        return; /* authorization = self.headers.get(...) */
    if (credential_ok(s + i, e - i, basic))
        sec_emit(c, i, e, T_PASSWORD, PRIO_CONTEXT);
}

/* "Bearer <token>" outside an Authorization header: only a machine-made token. */
static void on_bearer(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start > 0 && SEC_ALNUM(s[start - 1]))
        return;
    size_t from = start > 48 ? start - 48 : 0;
    if (sec_find_ci(s, from, start, "authorization") != (size_t)-1)
        return; /* the header rule has it */
    size_t i = skip_space(s, len, end), e = read_credential(s, len, i);
    if (e - i >= 16 && e - i <= VALUE_MAX && sec_random(SEC_ENTROPY_DEFAULT, s + i, e - i) && !sec_placeholder(s + i, e - i))
        sec_emit(c, i, e, T_PASSWORD, PRIO_CONTEXT);
}

/* ---- scheme://user:password@host ------------------------------------------------------------- */

/* Bytes that end a URL's authority (user:password@host): white space and controls, / ? # quotes, brackets. */
static const uint8_t url_stop[256] = {
    [0 ... ' '] = 1, ['/'] = 1, ['?'] = 1, ['#'] = 1, ['"'] = 1, ['\''] = 1, ['`'] = 1, ['<'] = 1, ['>'] = 1,
    ['\\'] = 1, ['('] = 1, [')'] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1,
};

static void on_url(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len;
    if (start < 2 || !alpha(s[start - 1]))
        return;
    size_t u = end, e = u, at = 0, colon = 0;
    while (e < len && e - u < 512) {
        unsigned char ch = (unsigned char)s[e];
        if (url_stop[ch])
            break;
        if (ch == '@')
            at = e;
        if (ch == ':' && colon == 0 && at == 0)
            colon = e;
        e++;
    }
    if (!sec_spend(c, e - u) || at == 0 || colon == 0 || colon > at || at + 1 >= len ||
        !(SEC_ALNUM(s[at + 1]) || s[at + 1] == '['))
        return;
    if (colon > u && strchr("$<{%", s[u]))
        return;
    if (!sec_value_ok(s + colon + 1, at - colon - 1, 2))
        return;
    sec_emit(c, u, at, T_BASIC_AUTH_URL, PRIO_URL);
}


/* ---- Bundler gem-source credentials: BUNDLE_GEMS__EXAMPLE__COM="user:password" ---------------- */

static void on_bundle(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)arg;
    const char *s = c->s;
    size_t len = c->len, ke = end;
    if (start > 0 && SEC_IN(CS_WORD, s[start - 1]))
        return;
    while (ke < len && ke - end < 128 && (SEC_IN(CS_UPNUM, s[ke]) || s[ke] == '_'))
        ke++;
    if (sec_find_ci(s, end, ke, "__") == (size_t)-1)
        return; /* the host's dots are written as __ */
    size_t i = skip_space(s, len, ke);
    int cmp;
    size_t op = op_at(s, len, i, &cmp);
    if (op == 0 || cmp)
        return;
    i = skip_space(s, len, i + op);
    value_t v;
    if (!(i < len && quote(s[i]) ? read_quoted(s, len, i, VALUE_MAX, &v) : read_bare(s, len, i, VALUE_MAX, &v)))
        return;
    const char *colon = memchr(s + v.a, ':', v.b - v.a);
    if (colon == NULL || colon == s + v.a)
        return;
    size_t p = (size_t)(colon - s) + 1;
    if (sec_value_ok(s + p, v.b - p, 2))
        sec_emit(c, p, v.b, T_PASSWORD, PRIO_CONTEXT);
}

/* ---- the patterns ------------------------------------------------------------------------------ */

#define BIT(t) ((uint64_t)1 << T_##t)

size_t sec_assign_patterns(sec_pat_t *out, size_t max)
{
    wordset_add(key_context_not, W_CONTEXT_NOT);
    wordset_add(key_last_not, W_LAST_NOT);
    static const struct {
        const char *expr;
        unsigned width, flags;
        sec_handler_fn fn;
        unsigned arg;
        uint64_t types;
    } t[] = {
        {"pass", 4, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD) | BIT(AWS_SECRET_KEY)},
        {"pwd", 3, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"secret", 6, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD) | BIT(AWS_SECRET_KEY)},
        {"token", 5, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"credential", 10, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"creds", 5, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"auth", 4, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"sonar", 5, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"sumo", 4, HS_FLAG_CASELESS, on_keyword, 0, BIT(PASSWORD)},
        {"[A-Za-z0-9_\\-]key[^A-Za-z0-9_]", 5, HS_FLAG_CASELESS, on_keyword, 1, BIT(PASSWORD) | BIT(AWS_SECRET_KEY)},
        {"bearer ", 7, HS_FLAG_CASELESS, on_bearer, 0, BIT(PASSWORD)},
        {"://", 3, 0, on_url, 0, BIT(BASIC_AUTH_URL)},
        {"BUNDLE_", 7, 0, on_bundle, 0, BIT(PASSWORD)},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]) && n < max; i++, n++) {
        snprintf(out[n].expr, sizeof(out[n].expr), "%s", t[i].expr);
        out[n].flags = t[i].flags;
        out[n].width = t[i].width;
        out[n].fn = t[i].fn;
        out[n].arg = t[i].arg;
        out[n].types = t[i].types;
    }
    return n;
}
