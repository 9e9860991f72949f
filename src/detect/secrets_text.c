/* secrets_text.c — character classes, entropy, placeholders, randomness and the generic token pass of the
 * secrets detector (see secrets_int.h and docs/internals/detect-secrets.md). */
#include "detect/secrets_int.h"

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <string.h>

/* ---- character classes ---------------------------------------------------------- */

#define D_ (CS_ALNUM | CS_B64URL | CS_B64 | CS_HEX | CS_HEXL | CS_UPNUM | CS_WORD | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY | CS_HEXDASH)
#define UH_ (CS_ALNUM | CS_B64URL | CS_B64 | CS_HEX | CS_ALPHA | CS_UPNUM | CS_WORD | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY | CS_HEXDASH)
#define U_ (CS_ALNUM | CS_B64URL | CS_B64 | CS_ALPHA | CS_UPNUM | CS_WORD | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY)
#define LH_ (CS_ALNUM | CS_B64URL | CS_B64 | CS_HEX | CS_HEXL | CS_ALPHA | CS_WORD | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY | CS_HEXDASH)
#define L_ (CS_ALNUM | CS_B64URL | CS_B64 | CS_ALPHA | CS_WORD | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY)

const uint16_t sec_cs[256] = {
    ['0' ... '9'] = D_,
    ['A' ... 'F'] = UH_,
    ['G' ... 'Z'] = U_,
    ['a' ... 'f'] = LH_,
    ['g' ... 'z'] = L_,
    ['_'] = CS_B64URL | CS_WORD | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY,
    ['-'] = CS_B64URL | CS_TOKEN | CS_B64ANY | CS_AZURE | CS_KEY | CS_HEXDASH,
    ['+'] = CS_B64 | CS_TOKEN | CS_B64ANY,
    ['/'] = CS_B64 | CS_TOKEN | CS_B64ANY,
    ['='] = CS_B64ANY,
    ['~'] = CS_AZURE,
    ['.'] = CS_AZURE | CS_KEY,
};

int sec_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int one_case(const char *s, size_t n);

size_t sec_find_ci(const char *s, size_t from, size_t to, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = from; i + m <= to; i++) {
        size_t k = 0;
        while (k < m && sec_lower((unsigned char)s[i + k]) == needle[k])
            k++;
        if (k == m)
            return i;
    }
    return (size_t)-1;
}

/* ---- entropy ------------------------------------------------------------------ */

double sec_entropy(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    uint16_t count[256] = {0}; /* n <= 65535 here: callers pass tokens and values of at most a few KB */
    if (n > 65535)
        n = 65535;
    for (size_t i = 0; i < n; i++)
        count[(unsigned char)s[i]]++;
    double h = 0, inv = 1.0 / (double)n;
    for (int i = 0; i < 256; i++)
        if (count[i]) {
            double p = count[i] * inv;
            h -= p * log2(p);
        }
    return h;
}

/* ---- placeholders ---------------------------------------------------------------- */

static const char *const placeholder_words[] = {"example", "your", "xxx", "insert", "replace", "placeholder",
                                                "changeme", "redacted", "dummy", "fake", NULL};

/* Written as a word: all lower case, all upper case, or Capitalised (not FaKe inside a random string). */
static int one_case(const char *s, size_t n)
{
    int lo = 0, up = 0;
    for (size_t i = 1; i < n; i++) {
        lo |= is_lower((unsigned char)s[i]);
        up |= is_upper((unsigned char)s[i]);
    }
    return !(lo && up) && !(up && is_lower((unsigned char)s[0]));
}

int sec_placeholder(const char *s, size_t n)
{
    if (n == 0)
        return 1;
    /* masking runs, and how much of the value is runs of one character */
    size_t runs = 0, i = 0, longest_asc = 1, asc = 1;
    while (i < n) {
        size_t j = i + 1;
        int c = sec_lower((unsigned char)s[i]);
        while (j < n && sec_lower((unsigned char)s[j]) == c)
            j++;
        size_t r = j - i;
        if ((c == 'x' && r >= 4) || ((c == '*' || c == '#' || c == '.' || c == '?') && r >= 3))
            return 1;
        if (r >= 3)
            runs += r;
        i = j;
    }
    if (runs * 2 >= n)
        return 1;
    /* the alphabet typed out (abcdefghijklmnop..., a charset string): filler, not a key. Shorter counting runs
     * (12345678 in a fixture's key) are sec_sequence's, refused only with refuse_sequences. */
    for (i = 1; i < n; i++) {
        int a = sec_lower((unsigned char)s[i - 1]), b = sec_lower((unsigned char)s[i]);
        if (b == a + 1 && (is_digit(a) || is_lower(a)))
            asc++;
        else
            asc = 1;
        if (asc > longest_asc)
            longest_asc = asc;
    }
    if (longest_asc >= SEC_FILLER_RUN)
        return 1;
    /* a short period over the whole value: abcabcabc, 121212 */
    if (n >= 8)
        for (size_t p = 2; p <= 4; p++) {
            size_t k = 0;
            while (k + p < n && sec_lower((unsigned char)s[k]) == sec_lower((unsigned char)s[k + p]))
                k++;
            if (k + p == n)
                return 1;
        }
    for (size_t w = 0; placeholder_words[w]; w++)
        for (size_t k = sec_find_ci(s, 0, n, placeholder_words[w]); k != (size_t)-1;
             k = sec_find_ci(s, k + 1, n, placeholder_words[w]))
            if (one_case(s + k, strlen(placeholder_words[w])))
                return 1;
    /* "...HERE", "_here_": a description of what goes there */
    size_t h = sec_find_ci(s, 0, n, "here");
    if (h != (size_t)-1 && ((h > 0 && !SEC_ALNUM(s[h - 1])) || h + 4 == n || (h + 4 < n && !SEC_ALNUM(s[h + 4]))) &&
        !(h > 0 && is_lower((unsigned char)s[h - 1]) && is_lower((unsigned char)s[h])))
        return 1;
    return 0;
}

int sec_sequence(const char *s, size_t n)
{
    size_t asc = 1;
    for (size_t i = 1; i < n; i++) {
        int a = sec_lower((unsigned char)s[i - 1]), b = sec_lower((unsigned char)s[i]);
        if (b == a + 1 && (is_digit(a) || is_lower(a))) {
            if (++asc >= 8)
                return 1;
        } else {
            asc = 1;
        }
    }
    return 0;
}

int sec_counting_filler(const char *s, size_t n)
{
    size_t asc = 1;
    for (size_t i = 1; i < n; i++) {
        int a = sec_lower((unsigned char)s[i - 1]), b = sec_lower((unsigned char)s[i]);
        if ((b == a + 1 && (is_digit(a) || is_lower(a))) || (a == '9' && b == '0')) {
            if (++asc >= SEC_FILLER_RUN)
                return 1;
        } else {
            asc = 1;
        }
    }
    return 0;
}

static int ident_start(int c) { return is_lower(c) || is_upper(c) || c == '_'; }

/* The length of a well-formed reference starting at v[0] ('$' or '{'), 0 when there is none: ${NAME},
 * ${NAME:-default} / ${NAME-x} / ${NAME:?err} (a default without braces), $(NAME), {{ expr }} (an
 * expression of names, dots, pipes, quotes and spaces, no braces inside). */
static size_t reference_at(const char *v, size_t n)
{
    size_t i;
    if (n >= 4 && v[0] == '$' && (v[1] == '{' || v[1] == '(')) {
        char close = v[1] == '{' ? '}' : ')';
        if (!ident_start((unsigned char)v[2]))
            return 0;
        for (i = 3; i < n && (SEC_IN(CS_WORD, v[i]) || v[i] == '.'); i++)
            ;
        if (i < n && close == '}' && (v[i] == ':' || v[i] == '-' || v[i] == '?' || v[i] == '=')) {
            while (i < n && v[i] != '}' && v[i] != '{' && v[i] != '$')
                i++;
        }
        return i < n && v[i] == close ? i + 1 : 0;
    }
    if (n >= 5 && v[0] == '{' && v[1] == '{') {
        int name = 0;
        for (i = 2; i + 1 < n && !(v[i] == '}' && v[i + 1] == '}'); i++) {
            unsigned char c = (unsigned char)v[i];
            if (c == '{' || c == '}' || !(SEC_IN(CS_WORD, c) || strchr(" .|'\"()-:", c)))
                return 0;
            name |= ident_start(c);
        }
        return name && i + 1 < n ? i + 2 : 0;
    }
    return 0;
}

int sec_bare_template(const char *v, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if ((v[i] == '$' || v[i] == '{') && reference_at(v + i, n - i))
            return 1;
    return 0;
}

/* ---- randomness ----------------------------------------------------------------- */

/* Frequent letter pairs of English text (bit b of row a: the pair a,b), from the letter-pair counts of
 * the English prose in Debian's /usr/share/doc: the 175 most frequent pairs, about 90% of all pairs. */
static const uint32_t common_pairs[26] = {
    0x01eb94e, 0x1144910, 0x01a4d91, 0x0004111, 0x0aeb83d, 0x00a4110, 0x0020190, 0x0104111, 0x02e787f,
    0x0000000, 0x0000010, 0x1144911, 0x000d111, 0x11c415d, 0x07ef82c, 0x11ec911, 0x0000000, 0x10e5155,
    0x01ec195, 0x14e4191, 0x00ea80a, 0x0000111, 0x0000181, 0x0000000, 0x0004000, 0x0000000,
};

static int cls(int c) { return is_lower(c) ? 0 : is_upper(c) ? 1 : is_digit(c) ? 2 : 3; }

static int entropy_ok(double threshold, const char *s, size_t n)
{
    double h = sec_entropy(s, n);
    if (threshold > 1)
        return h >= threshold;
    double most = log2((double)(n < 64 ? n : 64));
    return most > 0 && h / most >= threshold;
}

int sec_random(double threshold, const char *s, size_t n)
{
    if (n < 8)
        return 0;
    int seen[4] = {0};
    size_t pairs = 0, changes = 0, letter_pairs = 0, common = 0;
    size_t segs = 1, seg = 0, longest_seg = 0;
    for (size_t i = 0; i < n; i++) {
        int a = (unsigned char)s[i];
        seen[cls(a)] = 1;
        if (a == '_' || a == '-') {
            segs++;
            seg = 0;
        } else if (++seg > longest_seg) {
            longest_seg = seg;
        }
        if (i + 1 == n)
            break;
        int b = (unsigned char)s[i + 1];
        if (SEC_ALNUM(a) && SEC_ALNUM(b)) {
            pairs++;
            changes += cls(a) != cls(b);
        }
        if ((is_lower(a) || is_upper(a)) && (is_lower(b) || is_upper(b)) && !(is_lower(a) && is_upper(b))) {
            letter_pairs++;
            common += (common_pairs[sec_lower(a) - 'a'] >> (sec_lower(b) - 'a')) & 1;
        }
    }
    if (seen[0] + seen[1] + seen[2] < 2)
        return 0;
    if (segs >= 3 && (longest_seg < 12 || !seen[0] || !seen[1])) /* SOME_CONSTANT_NAME, kebab-case-words */
        return 0;
    if (pairs == 0 || changes * 10 < pairs * 3) /* fewer than 30% class changes: words, identifiers */
        return 0;
    if (letter_pairs >= 4 && common * 10 >= letter_pairs * 6) /* 60% common English letter pairs */
        return 0;
    return entropy_ok(threshold, s, n);
}

int sec_uuid(const char *s, size_t n, int *v4)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !SEC_IN(CS_HEX, s[i]))
            return 0;
    }
    if (v4)
        *v4 = s[14] == '4' && strchr("89abAB", s[19]) != NULL;
    return 1;
}

/* Hashes, signatures and anti-forgery tokens (Rails calls its own authenticity_token): random, but not
 * credentials. */
static const char *const hash_words[] = {"sha",    "md5",      "hash",        "digest",    "checksum", "integrity",
                                         "commit", "srcrev",   "revision",    "fingerprint", "signature", "etag",
                                         "nonce",  "salt",     "csrf",        "xsrf",      "authenticity", "public",
                                         "pubkey", NULL};

/* Whether one of hash_words is in s[from, to). */
static int words_in(const char *s, size_t from, size_t to)
{
    for (size_t w = 0; hash_words[w]; w++) {
        size_t k = sec_find_ci(s, from, to, hash_words[w]);
        while (k != (size_t)-1) {
            size_t e = k + strlen(hash_words[w]);
            /* "sha" and "md5" as words or with a size (sha256, sha-1); not "shared" */
            if (!(w <= 1 && e < to && (is_lower(sec_lower((unsigned char)s[e])))))
                return 1;
            k = sec_find_ci(s, k + 1, to, hash_words[w]);
        }
    }
    return 0;
}

int sec_hash_context(const char *s, size_t at, size_t n)
{
    size_t from = at > n ? at - n : 0;
    for (size_t i = at; i > from; i--)
        if (s[i - 1] == '\n') {
            from = i;
            break;
        }
    return words_in(s, from, at);
}

/* ---- values named by their context -------------------------------------------------- */

static const char *const dull_values[] = {
    "password", "passwd", "pass", "pwd", "secret", "token", "changeme", "changeit", "example", "test", "testing",
    "dummy", "fake", "placeholder", "redacted", "hidden", "masked", "none", "null", "nil", "undefined", "true",
    "false", "yes", "no", "empty", "default", "string", "str", "required", "optional", "value", "mypassword",
    "yourpassword", "mysecret", "apikey", "secretkey", "accesskey", "foo", "bar", "foobar", "baz", "admin",
    "root", "guest", "user", "username", "login", "sample", "demo", "todo", "tbd", "fixme", "secure", "hunter2",
    "pass123", "password123", "xyz", "abc", "abc123", "qwerty", NULL};

static int dull(const char *v, size_t n)
{
    char w[24];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (SEC_ALNUM(v[i])) {
            if (k == sizeof(w) - 1)
                return 0;
            w[k++] = (char)sec_lower((unsigned char)v[i]);
        }
    w[k] = '\0';
    for (size_t i = 0; dull_values[i]; i++)
        if (strcmp(w, dull_values[i]) == 0)
            return 1;
    return 0;
}

static int has_prefix(const char *v, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && memcmp(v, p, m) == 0;
}

int sec_value_ok(const char *v, size_t n, int strength)
{
    if (n == 0 || n > 256)
        return 0;
    size_t alnum = 0, digits = 0;
    int lower = 0, upper = 0, inner_upper = 0, symbol = 0, word_symbol = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c == 0x7f)
            return 0;
        alnum += SEC_ALNUM(c) || c >= 0x80;
        digits += is_digit(c);
        lower |= is_lower(c);
        upper |= is_upper(c);
        inner_upper |= i > 0 && is_upper(c);
        if (!SEC_ALNUM(c)) {
            symbol = 1;
            word_symbol &= c == '-' || c == '_' || c == '.';
        }
    }
    /* an upper-case letter counts unless the value is one Capitalised word (Passwort) */
    int capitalised = is_upper((unsigned char)v[0]) && !inner_upper && !digits && !symbol;
    upper = upper && !capitalised;
    /* words joined by - _ . (shorter-version, my_secret_value, Proxy-Authorization) are names */
    if (symbol && word_symbol && !digits) {
        int words = 1;
        for (size_t i = 0; i < n && words; i++)
            if (is_upper((unsigned char)v[i]) && i > 0 && SEC_ALNUM(v[i - 1]))
                words = 0; /* an upper-case letter inside a part: not plain words */
        if (words)
            return 0;
    }
    if (alnum == 0 || digits == n)
        return 0;
    /* references to a value kept elsewhere */
    if (v[0] == '$' && n > 1 && (SEC_IN(CS_WORD, v[1]) || v[1] == '{' || v[1] == '('))
        return 0;
    if ((v[0] == '%' && v[n - 1] == '%') || (v[0] == '{' && v[n - 1] == '}') || (v[0] == '<' && v[n - 1] == '>') ||
        (v[0] == '[' && v[n - 1] == ']') || (v[0] == '(' && v[n - 1] == ')') || has_prefix(v, n, "#{") ||
        has_prefix(v, n, "{{") || has_prefix(v, n, "ENC("))
        return 0;
    /* paths and URLs */
    if (v[0] == '/' || v[0] == '\\' || has_prefix(v, n, "./") || has_prefix(v, n, "../") || has_prefix(v, n, "~/") ||
        sec_find_ci(v, 0, n, "://") != (size_t)-1)
        return 0;
    /* numbers: 0x10100 */
    if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        size_t k = 2;
        while (k < n && SEC_IN(CS_HEX, v[k]))
            k++;
        if (k == n)
            return 0;
    }
    /* versions: 1.2.3, ^9.0.0, v2.1, >=3.10 */
    size_t k = 0;
    while (k < n && strchr("^~<>=v", v[k]) && v[k] != '\0')
        k++;
    if (k < n && is_digit((unsigned char)v[k])) {
        size_t dots = 0;
        while (k < n && (is_digit((unsigned char)v[k]) || v[k] == '.'))
            dots += v[k++] == '.';
        if (dots > 0 && (k == n || v[k] == '-' || v[k] == '+'))
            return 0;
    }
    /* templates and escaped text: printf / format placeholders, HTML entities */
    for (size_t i = 0; i + 1 < n; i++) {
        if (v[i] == '%' && strchr("sdifxXuv", v[i + 1]) && v[i + 1] != '\0')
            return 0;
        if (v[i] == '{' && (v[i + 1] == '}' || (is_digit((unsigned char)v[i + 1]) && i + 2 < n && v[i + 2] == '}')))
            return 0;
        if (v[i] == '&' && (v[i + 1] == '#' || is_lower((unsigned char)v[i + 1]))) {
            size_t q = i + 1;
            while (q < n && q - i < 10 && (SEC_ALNUM(v[q]) || v[q] == '#'))
                q++;
            if (q < n && v[q] == ';')
                return 0;
        }
    }
    /* A UUID named as a credential (HEROKU_KEY, SNYK_TOKEN, api_key) is one: API keys of several vendors are
     * UUIDs. Time- and name-based versions (1-3, 5-8: derived from a clock, a MAC or a name) are ids; a random
     * one (4) or a key in UUID shape without a defined version is a key. */
    if (sec_uuid(v, n, NULL)) {
        if (sec_placeholder(v, n))
            return 0;
        return !(v[14] >= '1' && v[14] <= '8' && v[14] != '4');
    }
    if (sec_placeholder(v, n) || sec_counting_filler(v, n) || dull(v, n))
        return 0;
    /* a dull word with a number: token123, password1 */
    size_t t = n;
    while (t > 0 && is_digit((unsigned char)v[t - 1]))
        t--;
    if (t < n && t > 0 && dull(v, t))
        return 0;
    if (strength == 1)
        return n >= 16 && sec_random(SEC_ENTROPY_DEFAULT, v, n);
    if (strength == 2)
        return n >= 3;
    /* a structured name: three or more short parts joined by - or _ (cmp2-qat-1208358310, AB_CD_12) */
    size_t parts = 1, part = 0, longest = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '-' || v[i] == '_')
            parts++, part = 0;
        else if (++part > longest)
            longest = part;
    }
    if (parts >= 3 && longest < 12)
        return 0;
    /* a password: at least six characters of two kinds (lower, upper, digit, symbol) */
    return n >= 6 && lower + upper + (digits > 0) + symbol >= 2;
}

/* ---- the token pass: generic high-entropy strings and Discord bot tokens --------------- */

static int in_zone(const sec_ctx_t *c, size_t a)
{
    for (unsigned i = 0; i < c->zones; i++)
        if (a >= c->zone_start[i] && a < c->zone_end[i])
            return 1;
    return 0;
}

static int ends_with_ci(const char *s, size_t at, const char *w)
{
    size_t m = strlen(w);
    if (at < m)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (sec_lower((unsigned char)s[at - m + i]) != w[i])
            return 0;
    return 1;
}

/* base64 of printable text (an encoded URL, JSON, a JWT header) is data, not key material; encoded
 * credentials are found by their context (Authorization: Basic, Kubernetes Secrets). */
static int b64_text1(const char *s, size_t n)
{
    unsigned char buf[400];
    long m = rg_b64_decode(s, n, buf, sizeof(buf));
    if (m < 12)
        return 0;
    long printable = 0, letters = 0;
    for (long i = 0; i < m; i++) {
        printable += (buf[i] >= 0x20 && buf[i] < 0x7f) || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t';
        letters += (buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z';
    }
    return printable * 20 >= m * 19 && letters * 3 >= m;
}

/* The whole token, or its longest part after a name-like prefix (bedrock-api-key-<base64>). */
static int b64_text(const char *s, size_t n)
{
    if (n > 512)
        return 0;
    if (b64_text1(s, n))
        return 1;
    size_t best = 0, best_len = 0, at = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || s[i] == '-' || s[i] == '_') {
            if (i - at > best_len)
                best = at, best_len = i - at;
            at = i + 1;
        }
    return best_len >= 16 && best_len < n && b64_text1(s + best, best_len);
}

/* A part of a URL (a path segment, a query value): random ids of documents, videos, recordings. Credentials in
 * URLs have their own rules (BASIC_AUTH_URL, key names in the query, vendor formats). */
static int in_url(sec_ctx_t *c, size_t a)
{
    const char *s = c->s;
    size_t from = a > 2048 ? a - 2048 : 0;
    if (!sec_spend(c, a - from))
        return 1; /* out of budget: no generic span */
    for (size_t i = a; i > from + 2; i--) {
        unsigned char ch = (unsigned char)s[i - 1];
        if (ch <= ' ' || ch == '"' || ch == '\'' || ch == '<' || ch == '>' || ch == '`' || ch == '(')
            return 0;
        if (ch == '/' && s[i - 2] == '/' && s[i - 3] == ':')
            return 1;
    }
    return 0;
}

/* Whether a lies inside a SOPS-encrypted value, ENC[AES256_GCM,data:…,iv:…,tag:…,type:str] (the ciphertext,
 * IV and tag of a file meant to be committed; SOPS's other ciphers keep the shape): "ENC[" and no ']' or line
 * end between it and a, looked back at most 4 KB, on the work budget. A text without "ENC[" (one search, the
 * first time) costs nothing more: one-line JSON used to spend its budget here, and lose its later findings. */
static int in_sops(sec_ctx_t *c, size_t a)
{
    const char *s = c->s;
    if (c->sops < 0)
        c->sops = memmem(s, c->len, "ENC[", 4) != NULL;
    if (!c->sops)
        return 0;
    size_t from = a > 4096 ? a - 4096 : 0, i = a;
    int found = 0;
    for (; i > from + 4; i--) {
        char ch = s[i - 1];
        if (ch == ']' || ch == '\n')
            break;
        if (ch == '[' && memcmp(s + i - 4, "ENC[", 4) == 0) {
            found = 1;
            break;
        }
    }
    return sec_spend(c, a - i) && found;
}

/* Characters in word-like parts: a capital and two or more lower-case letters, three or more lower-case
 * letters, or three or more capitals (identifiers made of words, as opposed to random strings where such
 * runs are short: at most 80% of a random 20-character base62 string, 99 times in 100). */
static size_t word_share(const char *s, size_t n)
{
    size_t in = 0, i = 0;
    while (i < n) {
        size_t l = i + is_upper((unsigned char)s[i]);
        while (l < n && is_lower((unsigned char)s[l]))
            l++;
        if (l - i >= 3) {
            in += l - i;
            i = l;
            continue;
        }
        size_t u = i;
        while (u < n && is_upper((unsigned char)s[u]))
            u++;
        if (u < n && is_lower((unsigned char)s[u]) && u - i > 1)
            u--; /* the last capital starts the next word (TLSKey) */
        if (u - i >= 3) {
            in += u - i;
            i = u;
            continue;
        }
        i++;
    }
    return in;
}

#define GENERIC_MAX 512 /* longer runs are data (images, archives), not keys */

/* One candidate [a, b) for the generic rule, already known to be a run of token characters. */
static void generic_one(sec_ctx_t *c, size_t a, size_t b)
{
    const char *s = c->s;
    size_t n = b - a;
    if (n < c->d->min_length || n > GENERIC_MAX)
        return;
    /* First the cheap look (one pass): hex (hashes, UUIDs, addresses) is never a generic secret, nor are
     * 0x... literals, nor strings of one kind of character or with few changes of kind (words, names). */
    int hex = 1, seen = 0;
    size_t pairs = 0, changes = 0;
    for (size_t i = a; i < b; i++) {
        int k = cls((unsigned char)s[i]);
        hex &= SEC_IN(CS_HEXDASH, s[i]);
        seen |= 1 << k;
        if (i + 1 < b && k != 3) {
            int k2 = cls((unsigned char)s[i + 1]);
            if (k2 != 3)
                pairs++, changes += k != k2;
        }
    }
    if (hex || (s[a] == '0' && s[a + 1] == 'x') || __builtin_popcount(seen & 7) < 2 || changes * 10 < pairs * 3)
        return;
    if (in_zone(c, a) || in_sops(c, a) || sec_identifier(s, a, b))
        return;
    /* a part of a dotted or ~-joined name (host, package, file, a structured key) or of an e-mail address */
    if (a >= 1 && (s[a - 1] == '.' || s[a - 1] == '~' || (s[a - 1] == '@' && a >= 2 && SEC_ALNUM(s[a - 2]))))
        return;
    if (b + 1 < c->len && (s[b] == '.' || s[b] == '~' || s[b] == '@') && SEC_ALNUM(s[b + 1]))
        return;
    /* data URIs, ssh public keys, hashes and signatures */
    if (ends_with_ci(s, a, "base64,") || ends_with_ci(s, a, "base64%2c") || ends_with_ci(s, a, "ssh-rsa ") || ends_with_ci(s, a, "ssh-ed25519 ") ||
        ends_with_ci(s, a, "ssh-dss ") || (a >= 24 && sec_find_ci(s, a - 24, a, "ecdsa-sha2-") != (size_t)-1))
        return;
    if (sec_find_ci(s, a, a + 8 < b ? a + 8 : b, "sha") == a || sec_find_ci(s, a, a + 4, "md5") == a)
        return;
    if (sec_hash_context(s, a, 40))
        return;
    size_t ahead = b;
    while (ahead < c->len && ahead - b < 40 && s[ahead] != '\n')
        ahead++;
    if (words_in(s, b, ahead)) /* the word after: "<salt>"  // base64 salt */
        return;
    if (in_url(c, a))
        return;
    if (word_share(s + a, n) * 10 >= n * 8) /* xsltPointerListAddSize, GCC/Clang/GLibC/Musl */
        return;
    /* elided ("ops_eyJz..."), so not usable; a JWT's header alone is public metadata */
    if ((b + 3 <= c->len && memcmp(s + b, "...", 3) == 0) || (b + 3 <= c->len && memcmp(s + b, "\xe2\x80\xa6", 3) == 0))
        return;
    if (b64_text(s + a, n) || sec_wrapped_block(c, a, b))
        return;
    if (sec_placeholder(s + a, n) || sec_counting_filler(s + a, n) || !sec_random(c->d->entropy, s + a, n))
        return;
    size_t e = b;
    while (e < c->len && e - b < 3 && s[e] == '=')
        e++;
    sec_emit(c, a, e, T_GENERIC_HIGH_ENTROPY, PRIO_GENERIC);
}

/* A segment named in CamelCase words (WebOfTrust2, MyProject): 8+ characters, two or more capitalised
 * words of 3+ letters, and 60% of it word-like. */
static int camel_words(const char *s, size_t n)
{
    if (n < 8 || word_share(s, n) * 10 < n * 6)
        return 0;
    size_t words = 0;
    for (size_t i = 0; i + 2 < n; i++)
        if (is_upper((unsigned char)s[i]) && is_lower((unsigned char)s[i + 1]) && is_lower((unsigned char)s[i + 2]) &&
            (i == 0 || !is_upper((unsigned char)s[i - 1])))
            words++;
    return words >= 2;
}

/* A path-like run (two or more '/' and a segment of plain lower-case letters or of CamelCase words:
 * src/detect/x, com/user/repo, AQACAAE/WebOfTrust/2) is judged by its segments. */
static void generic_run(sec_ctx_t *c, size_t a, size_t b)
{
    const char *s = c->s;
    size_t slashes = 0, word_seg = 0, seg_start = a;
    for (size_t i = a; i <= b; i++) {
        if (i == b || s[i] == '/') {
            size_t k = seg_start;
            while (k < i && is_lower((unsigned char)s[k]))
                k++;
            if ((k == i && i - seg_start >= 3) ||
                (!word_seg && (i < b || slashes > 0) && camel_words(s + seg_start, i - seg_start)))
                word_seg = 1; /* (a run without '/' is no path: no CamelCase look) */
            slashes += i < b;
            seg_start = i + 1;
        }
    }
    if (slashes < 2 || !word_seg) {
        generic_one(c, a, b);
        return;
    }
    seg_start = a;
    for (size_t i = a; i <= b; i++)
        if (i == b || s[i] == '/') {
            generic_one(c, seg_start, i);
            seg_start = i + 1;
        }
}

/* [A-Za-z0-9+/_-] as bytes, for the hot loop below */
static const uint8_t tokc[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['+'] = 1, ['/'] = 1, ['_'] = 1, ['-'] = 1,
};

typedef struct {
    sec_ctx_t *c;
    size_t minrun;
    int generic, formats;
} pass_t;

/* One run [a, e) of at least minrun token characters; returns where the scan goes on. */
static size_t one_run(pass_t *p, size_t a, size_t e)
{
    if (p->formats) {
        size_t end = sec_run_formats(p->c, a, e);
        if (end)
            return end;
    }
    if (p->generic && e - a >= p->c->d->min_length)
        generic_run(p->c, a, e);
    return e;
}

/* The runs that start in [i, limit), each read to its end (maybe past limit); the tail of the text, byte by
 * byte. i == 0 or s[i - 1] is not a token character. Returns where the scan goes on, never inside a run. */
static size_t runs_in(pass_t *p, size_t i, size_t limit)
{
    const char *s = p->c->s;
    size_t len = p->c->len;
    while (i < limit && !p->c->oom) {
        if (!tokc[(unsigned char)s[i]]) {
            i++;
            continue;
        }
        size_t e = i;
        while (e < len && tokc[(unsigned char)s[e]])
            e++;
        i = e - i >= p->minrun ? one_run(p, i, e) : e;
    }
    return i;
}

/* Bit i set when s[i] is a token character, for 64 bytes. */
static uint64_t token_mask_scalar(const char *s)
{
    uint64_t m = 0;
    for (int k = 0; k < 64; k++)
        m |= (uint64_t)tokc[(unsigned char)s[k]] << k;
    return m;
}

/* A superset of the token characters that costs two compares: bytes 0x2b..0x7f but '.' (every token character
 * is one; the rest, , : ; < = > ? @ [ \\ ] ^ ` { | } ~, are rare in runs of prose). A block whose superset mask
 * has no run of minrun has no token run either, and the exact mask is not computed (see BLOCKS_FN). The
 * scalar build uses the exact mask as its own superset. */
#ifdef __SSE2__
static uint64_t super_mask_sse2(const char *s)
{
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        __m128i in = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpgt_epi8(v, _mm_set1_epi8(0x2a)));
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(in) << (16 * k);
    }
    return m;
}

static uint64_t token_mask_sse2(const char *s)
{
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(low, _mm_set1_epi8('a')), low),
                                       _mm_cmpeq_epi8(_mm_min_epu8(low, _mm_set1_epi8('z')), low));
        __m128i digit = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8('0')), v),
                                      _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8('9')), v));
        __m128i other =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')), _mm_cmpeq_epi8(v, _mm_set1_epi8('/'))),
                         _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
        uint64_t bits = (uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), other));
        m |= bits << (16 * k);
    }
    return m;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
/* 32 bytes per step: the high and low nibble of each byte index two 16-entry tables whose AND is non-zero
 * exactly for [A-Za-z0-9+/_-] (bit 0: 0x2b 0x2d 0x2f; 1: 0x30-0x39; 2: 0x41-0x4f, 0x61-0x6f; 3: 0x50-0x5a,
 * 0x5f; 4: 0x70-0x7a). */
__attribute__((target("avx2"))) static uint64_t token_mask_avx2(const char *s)
{
    const __m256i lo_tab = _mm256_setr_epi8(0x1a, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1c, 0x05,
                                            0x04, 0x05, 0x04, 0x0d, 0x1a, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e,
                                            0x1e, 0x1e, 0x1c, 0x05, 0x04, 0x05, 0x04, 0x0d);
    const __m256i hi_tab = _mm256_setr_epi8(0, 0, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                            0x01, 0x02, 0x04, 0x08, 0x04, 0x10, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nib = _mm256_set1_epi8(0x0f);
    uint64_t m = 0;
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32 * k));
        __m256i lo = _mm256_shuffle_epi8(lo_tab, _mm256_and_si256(v, nib));
        __m256i hi = _mm256_shuffle_epi8(hi_tab, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
        __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
        m |= (uint64_t)(uint32_t)~_mm256_movemask_epi8(none) << (32 * k);
    }
    return m;
}

__attribute__((target("avx2"))) static uint64_t super_mask_avx2(const char *s)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)s);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32));
    const __m256i floor = _mm256_set1_epi8(0x2a), dot = _mm256_set1_epi8('.');
    __m256i ia = _mm256_andnot_si256(_mm256_cmpeq_epi8(a, dot), _mm256_cmpgt_epi8(a, floor));
    __m256i ib = _mm256_andnot_si256(_mm256_cmpeq_epi8(b, dot), _mm256_cmpgt_epi8(b, floor));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(ia) | (uint64_t)(uint32_t)_mm256_movemask_epi8(ib) << 32;
}
#endif


static uint64_t below(unsigned b) { return b >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << b) - 1; }

/* The runs of the block at i (mask m) that can reach minrun, found from the mask: the run carried in from
 * the blocks before (carry characters from run_start), the runs inside, and one that goes on past the
 * block (read to its end here). Returns where the scan goes on: i + 64, or past a run that ended later. */
static size_t block_runs(pass_t *p, size_t i, uint64_t m, size_t carry, size_t run_start)
{
    const char *s = p->c->s;
    size_t len = p->c->len;
    unsigned first = (unsigned)__builtin_ctzll(~m);
    uint64_t rest = carry ? m & ~below(first) : m;
    if (carry > 0 && carry + first >= p->minrun) {
        size_t r = one_run(p, run_start, i + first);
        if (r >= i + 64)
            return r;
        rest &= ~below((unsigned)(r - i));
    }
    while (rest != 0 && !p->c->oom) {
        unsigned b = (unsigned)__builtin_ctzll(rest);
        uint64_t after = ~(rest >> b);
        unsigned l = after ? (unsigned)__builtin_ctzll(after) : 64 - b;
        size_t a = i + b, e = a + l;
        if (b + l == 64) { /* goes on into the next block */
            while (e < len && tokc[(unsigned char)s[e]])
                e++;
            return e - a >= p->minrun ? one_run(p, a, e) : e;
        }
        if (l >= p->minrun) {
            size_t r = one_run(p, a, e);
            if (r >= i + 64)
                return r;
            if (r > e)
                e = r;
        }
        rest &= ~below((unsigned)(e - i));
    }
    return i + 64;
}

/* Bit i set when bits i-k+1 .. i of m are all set (runs of k ending at i inside this word); k <= 64. Runs of
 * 16 to 32 (the default min_length 20) take five shifts without a loop. */
static inline uint64_t runs_of(uint64_t m, unsigned k)
{
    if (k >= 16 && k <= 32) {
        m &= m << 1;
        m &= m << 2;
        m &= m << 4;
        m &= m << 8; /* runs of 16 */
        return k > 16 ? m & (m << (k - 16)) : m;
    }
    unsigned have = 1;
    while (have * 2 <= k) {
        m &= m << have;
        have *= 2;
    }
    if (have < k)
        m &= m << (k - have);
    return m;
}

/* Where the block scan of a text stands: the run carried in from the blocks before (carry characters from
 * run_start). */
typedef struct {
    size_t i, carry, run_start;
    int tail; /* a run of minrun may be in the tail (or the carried run ends the text): scan it byte-wise */
} blocks_t;

/* 64 bytes at a time: a mask of token characters tells whether a run of minrun can be there (inside the
 * block, or the run carried from the blocks before plus this block's first ones). Only then the exact
 * scan, from the start of that run. Prose rarely has a run of 20, so most blocks cost a mask. One copy per
 * mask function, so that the mask is inlined (its tables stay in registers across blocks).
 *
 * Most blocks are first judged by the cheaper superset mask (SUPER): when even that has no run of minrun
 * (with the superset run carried in), the exact mask would not have one either and the block is skipped.
 * The exact carry out of a skipped block is that block's own trailing run (under 64: a block that is all
 * token characters is all superset characters and not skipped), so it is taken from the exact mask of the
 * block before only when the next block needs the exact path. The skipped blocks and the state left are
 * those of the exact scan alone. */
#define BLOCKS_FN(NAME, ATTR, MASK, SUPER)                                                                       \
    ATTR static void NAME(pass_t *p, blocks_t *st)                                                               \
    {                                                                                                            \
        const char *s = p->c->s;                                                                                 \
        size_t len = p->c->len, i = st->i, carry = st->carry, run_start = st->run_start;                         \
        const unsigned k = (unsigned)p->minrun;                                                                  \
        size_t scarry = carry; /* superset carry: at least the exact one */                                      \
        int stale = 0;         /* the block before was skipped: carry and run_start are to be taken from it */  \
        while (i + 64 <= len && !p->c->oom) {                                                                    \
            if (k >= 16 && k <= 32) { /* the usual lengths: a tight loop over the blocks the superset clears */   \
                while (i + 64 <= len) {                                                                          \
                    uint64_t sm = SUPER(s + i), r = sm & (sm << 1);                                              \
                    r &= r << 2;                                                                                 \
                    r &= r << 4;                                                                                 \
                    r &= r << 8;                                                                                 \
                    r &= r << (k - 16);                                                                          \
                    if (r != 0 || scarry + (size_t)__builtin_ctzll(~sm) >= k) /* (sm all ones: r != 0) */        \
                        break;                                                                                   \
                    scarry = (size_t)__builtin_clzll(~sm);                                                       \
                    stale = 1;                                                                                   \
                    i += 64;                                                                                     \
                }                                                                                                \
                if (i + 64 > len)                                                                                \
                    break;                                                                                       \
            } else {                                                                                             \
                uint64_t sm = SUPER(s + i);                                                                      \
                if (sm != ~(uint64_t)0 && (k > 64 || runs_of(sm, k) == 0) &&                                     \
                    scarry + (size_t)__builtin_ctzll(~sm) < k) {                                                 \
                    scarry = (size_t)__builtin_clzll(~sm);                                                       \
                    stale = 1;                                                                                   \
                    i += 64;                                                                                     \
                    continue;                                                                                    \
                }                                                                                                \
            }                                                                                                    \
            if (stale) {                                                                                         \
                carry = (size_t)__builtin_clzll(~MASK(s + i - 64));                                              \
                run_start = i - carry;                                                                           \
                stale = 0;                                                                                       \
            }                                                                                                    \
            uint64_t m = MASK(s + i);                                                                            \
            if (m == ~(uint64_t)0) {                                                                             \
                if (carry == 0)                                                                                  \
                    run_start = i;                                                                               \
                carry += 64;                                                                                     \
                i += 64;                                                                                         \
                scarry = carry;                                                                                  \
                continue;                                                                                        \
            }                                                                                                    \
            size_t first = (size_t)__builtin_ctzll(~m);                                                          \
            uint64_t inside = k <= 64 ? runs_of(m, k) : 0;                                                       \
            if (inside == 0 && carry + first < k) {                                                              \
                carry = (size_t)__builtin_clzll(~m);                                                             \
                run_start = i + 64 - carry;                                                                      \
                i += 64;                                                                                         \
                scarry = carry;                                                                                  \
                continue;                                                                                        \
            }                                                                                                    \
            i = block_runs(p, i, m, carry, run_start);                                                           \
            carry = 0;                                                                                           \
            scarry = 0;                                                                                          \
        }                                                                                                        \
        if (stale) {                                                                                             \
            carry = (size_t)__builtin_clzll(~MASK(s + i - 64));                                                  \
            run_start = i - carry;                                                                               \
        }                                                                                                        \
        st->i = i, st->carry = carry, st->run_start = run_start;                                                 \
        /* the tail (under 64 bytes): its mask from a copy padded with non-token bytes */                        \
        size_t rest = len - i;                                                                                   \
        st->tail = rest > 0 || carry > 0;                                                                        \
        if (rest > 0 && k <= 64 && !p->c->oom) {                                                                 \
            char pad[64] = {0};                                                                                  \
            memcpy(pad, s + i, rest);                                                                            \
            uint64_t m = MASK(pad);                                                                              \
            size_t first = (size_t)__builtin_ctzll(~m);                                                          \
            st->tail = runs_of(m, k) != 0 || carry + first >= k;                                                \
        }                                                                                                        \
    }

BLOCKS_FN(blocks_scalar, , token_mask_scalar, token_mask_scalar)
#ifdef __SSE2__
BLOCKS_FN(blocks_sse2, , token_mask_sse2, super_mask_sse2)
#endif
#if defined(__x86_64__) && defined(__GNUC__)
BLOCKS_FN(blocks_avx2, __attribute__((target("avx2"))), token_mask_avx2, super_mask_avx2)
#endif

static void (*blocks)(pass_t *p, blocks_t *st) = blocks_scalar;

void sec_text_init(void)
{
#ifdef __SSE2__
    blocks = blocks_sse2;
#endif
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2"))
        blocks = blocks_avx2;
#endif
}

static void tokens_pass(sec_ctx_t *c, void (*blocks_fn)(pass_t *p, blocks_t *st))
{
    size_t len = c->len;
    unsigned fmin = c->d->run_min;
    pass_t p = {c, 0, sec_want(c, T_GENERIC_HIGH_ENTROPY), fmin != 0};
    if (!p.generic && !p.formats)
        return;
    p.minrun = p.generic ? c->d->min_length : fmin;
    if (p.formats && p.minrun > fmin)
        p.minrun = fmin;
    if (len < p.minrun)
        return; /* no run that long fits */
    blocks_t st = {0, 0, 0, 0};
    blocks_fn(&p, &st);
    if (!c->oom && st.tail)
        runs_in(&p, st.carry ? st.run_start : st.i, len);
}

void sec_tokens_pass(sec_ctx_t *c) { tokens_pass(c, blocks); }

int sec_tokens_pass_level(sec_ctx_t *c, int level)
{
    void (*fn)(pass_t *p, blocks_t *st) = blocks_scalar;
#ifdef __SSE2__
    if (level == 1)
        fn = blocks_sse2;
#endif
#if defined(__x86_64__) && defined(__GNUC__)
    if (level == 2 && __builtin_cpu_supports("avx2"))
        fn = blocks_avx2;
#endif
    if (level > 0 && fn == blocks_scalar)
        return -1;
    tokens_pass(c, fn);
    return 0;
}

/* Words of labels, prompts and messages (password: "Enter your password"), and the names of credentials. */
static const char *const label_words[] = {
    "your", "my", "enter", "please", "the", "a", "an", "is", "are", "be", "was", "must", "should", "will", "can",
    "cannot", "not", "no", "new", "old", "current", "confirm", "invalid", "incorrect", "wrong", "missing",
    "required", "forgot", "forgotten", "reset", "type", "here", "this", "that", "use", "set", "provide",
    "specify", "change", "show", "hide", "input", "field", "for", "to", "of", "does", "do", "match", "too",
    "short", "long", "expired", "empty", "password", "passwords", "passphrase", "secret", "token", "key", "api",
    "pin", "code", "login", "username", "user", NULL};

int sec_passphrase(const char *v, size_t n)
{
    if (n < 12 || n > 128)
        return 0;
    size_t words = 0, i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (is_lower((unsigned char)v[j]) || is_digit((unsigned char)v[j])))
            j++;
        if (j == i || j - i >= 24 || (j < n && v[j] != ' ') || ++words > 8)
            return 0;
        char w[24];
        memcpy(w, v + i, j - i);
        w[j - i] = '\0';
        for (size_t k = 0; label_words[k]; k++)
            if (strcmp(w, label_words[k]) == 0)
                return 0;
        i = j + 1;
        if (j + 1 == n)
            return 0; /* a trailing space */
    }
    return words >= 2;
}
