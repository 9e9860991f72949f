/*
 * secrets_cmdline.c — passwords given to a program on its command line (PASSWORD): `mysql -pS3cret`,
 * `curl -u user:pass`, `sshpass -p …`, `docker login -p …`, `smbclient -U user%pass`, `ldapsearch -w …`,
 * `xfreerdp /p:…`, `keytool -storepass …`, `htpasswd -b file user pass`, `sqlplus user/pass@db`, …
 *
 * One table: per program, the literal that finds it (its name as typed, lower case) and the options whose value
 * is a password. The option letters mean different things to different programs (`-p` is MySQL's password,
 * Docker's port for `run`, Redis's port), so an option counts only inside its program's command: from the name,
 * which stands alone before (not `pymysql`, `libmysql`), to ; | & ` or a line end not continued by '\'.
 * The value is a shell word (quotes stripped); it is not a reference ($VAR, <password>, {{x}}, %X%, [x]) and
 * passes sec_value_ok at the strength of a URL's password. A program name shorter than four bytes is looked
 * for with what follows it (`7z[arz \t.]`, `zip[ \t]-`: a shorter literal slows every scan) or not at all (az, oc,
 * cf); a name may end in `.exe`. The registry logins are found from the word `login` after a known program name;
 * Windows' `net` from `net user` and `net use`. Positional passwords: htpasswd's last word, sqlplus's
 * user/password, `net user NAME PASSWORD`, `net use [X:] \\srv\share PASSWORD`, `rabbitmqctl
 * add_user|change_password|authenticate_user NAME PASSWORD`.
 */
#include "detect/secrets_int.h"

#include <string.h>
#include <strings.h>

#define CMD_MAX 4096 /* bytes of one command looked at */

enum {
    RUN_LETTERS = 1, /* the name may run on with lower-case letters: mysqldump, ldapsearch, mongosh */
    RUN_DASH = 2,    /* ... and '-': mariadb-dump */
    RUN_DIGITS = 4,  /* ... and digits: xfreerdp3 */
    HTPASSWD = 8,    /* htpasswd -b [file] user password: the last positional word */
    SQLPLUS = 16,    /* sqlplus user/password[@db]: the first word that is not an option */
    LOGIN = 32,      /* the literal is `login`; the command's program must be one of login_progs */
    USER_KEY = 64,   /* a split value with nothing after the split: the user part is an API key (curl -u key:) */
    LOOSE = 128,     /* any value but a reference or a dull word (sec_value_ok strength 2), where the option is
                      * that program's for nothing but a password; else a password's shape (two kinds of
                      * character, six or more): "sshpass -p only in throwaway environments" */
    USER_PASS = 256, /* net user NAME PASSWORD; with opts: after one of these sub-commands (rabbitmqctl
                      * add_user NAME PASSWORD) */
    UNC_PASS = 512,  /* net use [X:] \\server\share PASSWORD: the word after the share */
    NO_LITERAL = 1024, /* found through the entry before it (`net use` finds `net user`): one literal less */
};

typedef struct {
    const char *opt; /* "-p": the rest of the word ("-pS3cret"); "-p ": the next word */
    char split;      /* the password follows the first of this in the value (user%pass); 0: the whole value */
} opt_t;

typedef struct {
    const char *name;
    unsigned flags;
    opt_t opts[8];
} prog_t;

static const prog_t progs[] = {
    {"mysql", RUN_LETTERS | LOOSE, {{"-p", 0}}},
    {"mariadb", RUN_LETTERS | RUN_DASH | LOOSE, {{"-p", 0}}},
    {"curl", USER_KEY | LOOSE, {{"-u ", ':'}, {"--user ", ':'}, {"--user=", ':'}, {"-u", ':'}}},
    {"sshpass", 0, {{"-p ", 0}, {"-p", 0}}},
    {"redis-cli", 0, {{"-a ", 0}, {"--pass ", 0}}},
    {"sqlcmd", 0, {{"-P ", 0}, {"-P", 0}}},
    {"smbclient", 0, {{"-U ", '%'}, {"--user=", '%'}, {"--user ", '%'}, {"--password=", 0}}},
    {"rpcclient", 0, {{"-U ", '%'}, {"--user=", '%'}, {"--user ", '%'}, {"--password=", 0}}},
    {"ldap", RUN_LETTERS, {{"-w ", 0}, {"-w", 0}}},
    {"xfreerdp", RUN_DIGITS, {{"/p:", 0}}},
    {"keytool", 0,
     {{"-storepass ", 0}, {"-keypass ", 0}, {"-srcstorepass ", 0}, {"-deststorepass ", 0}, {"-srckeypass ", 0},
      {"-destkeypass ", 0}, {"-new ", 0}}},
    {"htpasswd", HTPASSWD, {{NULL, 0}}},
    {"sqlplus", SQLPLUS, {{NULL, 0}}},
    {"plink", 0, {{"-pw ", 0}}},
    {"pscp", 0, {{"-pw ", 0}}},
    {"psftp", 0, {{"-pw ", 0}}},
    {"ipmitool", 0, {{"-P ", 0}}},
    {"lftp", 0, {{"-u ", ','}}},
    {"mongo", RUN_LETTERS, {{"-p ", 0}, {"--password ", 0}}},
    {"unzip", 0, {{"-P ", 0}}},
    {"zip", 0, {{"-P ", 0}, {"--password ", 0}}},
    {"7z", RUN_LETTERS, {{"-p", 0}}}, /* 7z, 7za, 7zr, 7zz, 7z.exe */
    {"evil-winrm", 0, {{"-p ", 0}}},
    {"crackmapexec", 0, {{"-p ", 0}}},
    {"netexec", 0, {{"-p ", 0}}},
    {"nmcli", 0, {{"password ", 0}, {"wifi-sec.psk ", 0}, {"802-11-wireless-security.psk ", 0}}},
    {"login", LOGIN, {{"-p ", 0}, {"--password ", 0}, {"--password=", 0}}},
    {"rabbitmqctl", USER_PASS, {{"add_user", 0}, {"change_password", 0}, {"authenticate_user", 0}}},
    {"net use", UNC_PASS, {{NULL, 0}}},
    {"net user", USER_PASS | NO_LITERAL, {{NULL, 0}}},
};

/* Names under four bytes: what their literal adds after the name (a short literal slows every scan; `7z[arz \t.]`
 * measured a third of `7z`'s cost, `zip[ \t]-` a seventh of `zip `'s: docs/internals/detect-secrets.md). */
static const struct {
    const char *name, *tail;
    unsigned width; /* bytes the tail matches */
} tails[] = {{"7z", "[arz \\t.]", 1}, {"zip", "[ \\t]\\-", 2}};

/* Programs whose `login` takes -p / --password: container registries, cluster and cloud logins. */
static const char *const login_progs[] = {"docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras",
                                          "oc",     "az",     "cf",      "argocd",  "crane", NULL};

static int blank(char c) { return c == ' ' || c == '\t'; }
static int lower(char c) { return c >= 'a' && c <= 'z'; }

/* The end of the command from p: ; | & ` or a line end that no '\' continues, outside quotes ("Tr0ub&3"). */
static size_t command_end(const char *s, size_t len, size_t p)
{
    size_t e = p;
    while (e < len && e - p < CMD_MAX && !strchr(";|&`", s[e]) && (s[e] != '\n' || (e > 0 && s[e - 1] == '\\'))) {
        if (s[e] == '"' || s[e] == '\'') {
            size_t k = e + 1;
            while (k < len && k - p < CMD_MAX && s[k] != s[e] && s[k] != '\n')
                k += (s[k] == '\\' && s[e] == '"' && k + 1 < len) ? 2 : 1;
            if (k < len && s[k] == s[e])
                e = k; /* a quote that does not close on its line is a character */
        }
        e++;
    }
    return e;
}

/* One shell word at i (before e): [*a, *b) its text, quotes stripped; returns where the word ends. A quote that
 * does not close before e: the rest of the command. */
static size_t word_at(const char *s, size_t e, size_t i, size_t *a, size_t *b)
{
    if (s[i] == '"' || s[i] == '\'') {
        char q = s[i];
        size_t k = i + 1;
        while (k < e && s[k] != q)
            k += (s[k] == '\\' && q == '"' && k + 1 < e) ? 2 : 1;
        *a = i + 1;
        *b = k < e ? k : e;
        return k < e ? k + 1 : e;
    }
    size_t k = i;
    while (k < e && (unsigned char)s[k] > ' ')
        k++;
    *a = i;
    *b = k;
    return k;
}

/* The value [a, b) of an option: after `split` when it has one, then not a reference and a password's shape. */
static void value(sec_ctx_t *c, size_t a, size_t b, char split, unsigned flags)
{
    if (b <= a || strchr("$<{[%", c->s[a]))
        return;
    if (split) {
        const char *p = memchr(c->s + a, split, b - a);
        if (p == NULL)
            return; /* the user alone: the program asks for the password */
        size_t at = (size_t)(p - c->s);
        if (at + 1 == b) {
            if ((flags & USER_KEY) && at - a >= 8 && sec_value_ok(c->s + a, at - a, 0))
                sec_emit(c, a, at, T_PASSWORD, PRIO_CONTEXT);
            return;
        }
        a = at + 1;
        if (strchr("$<{[%", c->s[a]))
            return;
    }
    if (sec_value_ok(c->s + a, b - a, flags & LOOSE ? 2 : 0))
        sec_emit(c, a, b, T_PASSWORD, PRIO_CONTEXT);
}

/* Whether the command that `login` at `at` belongs to is run by one of login_progs (after an optional sudo). */
static int login_program(const char *s, size_t at)
{
    size_t i = at, from = at > 256 ? at - 256 : 0;
    while (i > from && s[i - 1] != '\n' && !strchr(";|&`", s[i - 1]))
        i--;
    for (int word = 0; word < 2; word++) {
        while (i < at && blank(s[i]))
            i++;
        size_t k = i;
        while (k < at && !blank(s[k]))
            k++;
        size_t base = k;
        while (base > i && s[base - 1] != '/')
            base--;
        if (word == 0 && k - i == 4 && memcmp(s + i, "sudo", 4) == 0) {
            i = k;
            continue;
        }
        for (const char *const *p = login_progs; *p; p++)
            if (strlen(*p) == k - base && memcmp(s + base, *p, k - base) == 0)
                return 1;
        return 0;
    }
    return 0;
}

static void on_program(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    (void)end; /* the name ends where the table says: a short name's literal holds what follows it */
    const prog_t *pg = &progs[arg];
    const char *s = c->s;
    size_t len = c->len, p = start + strlen(pg->name); /* the literal's tail is read again below */
    if (arg + 1 < sizeof(progs) / sizeof(progs[0]) && (progs[arg + 1].flags & NO_LITERAL) && p < len &&
        s[p] == progs[arg + 1].name[p - start]) { /* `net use` + 'r' */
        pg = &progs[arg + 1];
        p++;
    }
    if (start > 0 && (SEC_ALNUM(s[start - 1]) || strchr("_-.", s[start - 1])))
        return;
    size_t name_end = p;
    while (p < len && p - name_end < 16 &&
           (((pg->flags & RUN_LETTERS) && lower(s[p])) || ((pg->flags & RUN_DASH) && s[p] == '-') ||
            ((pg->flags & RUN_DIGITS) && s[p] >= '0' && s[p] <= '9')))
        p++;
    if (len - p > 4 && s[p] == '.' && strncasecmp(s + p + 1, "exe", 3) == 0) /* plink.exe, "C:\...\7z.exe" */
        p += 4 + (s[p + 4] == '"' || s[p + 4] == '\'');
    if (p >= len || !blank(s[p]) || ((pg->flags & LOGIN) && !login_program(s, start)))
        return;
    size_t e = command_end(s, len, p);
    if (!sec_spend(c, e - p))
        return;
    size_t pos = 0, last_a = 0, last_b = 0; /* positional words seen; the last one */
    int batch = 0, no_file = 0, sub = !(pg->flags & USER_PASS) || pg->opts[0].opt == NULL, unc = 0;
    for (size_t i = p; i < e;) {
        while (i < e && ((unsigned char)s[i] <= ' ' || (s[i] == '\\' && i + 1 < e && s[i + 1] == '\n')))
            i++;
        if (i >= e)
            break;
        size_t a, b, w = i;
        i = word_at(s, e, w, &a, &b);
        if (pg->flags & (USER_PASS | UNC_PASS)) {
            if (s[w] == '-' || s[w] == '/')
                continue;
            if (!sub) { /* words before the sub-command: another one, or an option's value (-n node) */
                for (const opt_t *o = pg->opts; o < pg->opts + 8 && o->opt && !sub; o++)
                    sub = i - w == strlen(o->opt) && memcmp(s + w, o->opt, i - w) == 0;
                continue;
            }
            /* the word after the share, or the second after the sub-command ('*', net's prompt, has no
             * password's shape, so value() refuses it) */
            if ((pg->flags & UNC_PASS) ? unc : ++pos == 2) {
                value(c, a, b, 0, pg->flags);
                return;
            }
            unc = b - a > 2 && s[a] == '\\' && s[a + 1] == '\\';
            continue;
        }
        if (pg->flags & (HTPASSWD | SQLPLUS)) {
            if (s[w] == '-') {
                batch |= (pg->flags & HTPASSWD) && memchr(s + w, 'b', i - w) != NULL;
                no_file |= memchr(s + w, 'n', i - w) != NULL;
                continue;
            }
            pos++;
            last_a = a, last_b = b;
            if ((pg->flags & SQLPLUS) && pos == 1) {
                const char *sl = memchr(s + a, '/', b - a), *at = sl ? memchr(sl, '@', s + b - sl) : NULL;
                if (sl != NULL && sl > s + a)
                    value(c, (size_t)(sl - s) + 1, at ? (size_t)(at - s) : b, 0, pg->flags);
                return;
            }
            continue;
        }
        for (const opt_t *o = pg->opts; o < pg->opts + 8 && o->opt; o++) {
            size_t n = strlen(o->opt);
            int next = o->opt[n - 1] == ' ';
            if (next) {
                if (i - w != n - 1 || memcmp(s + w, o->opt, n - 1) != 0)
                    continue;
                while (i < e && blank(s[i]))
                    i++;
                if (i >= e)
                    break;
                size_t w2 = i;
                i = word_at(s, e, w2, &a, &b);
            } else {
                if (i - w <= n || memcmp(s + w, o->opt, n) != 0)
                    continue;
                if (s[w + n] == '"' || s[w + n] == '\'')
                    i = word_at(s, e, w + n, &a, &b);
                else
                    a = w + n, b = i;
            }
            value(c, a, b, o->split, pg->flags);
            break;
        }
    }
    /* htpasswd -b file user password, -nb user password */
    if ((pg->flags & HTPASSWD) && batch && pos == (no_file ? 2u : 3u))
        value(c, last_a, last_b, 0, pg->flags);
}

size_t sec_cmdline_patterns(sec_pat_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]) && n < max; i++) {
        if (progs[i].flags & NO_LITERAL)
            continue;
        const char *tail = "";
        unsigned tail_width = 0;
        for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++)
            if (strcmp(tails[t].name, progs[i].name) == 0)
                tail = tails[t].tail, tail_width = tails[t].width;
        size_t k = sec_escape(out[n].expr, sizeof(out[n].expr), progs[i].name);
        if (k == 0 || k + strlen(tail) >= sizeof(out[n].expr))
            break;
        memcpy(out[n].expr + k, tail, strlen(tail) + 1);
        out[n].flags = 0;
        out[n].width = (unsigned)strlen(progs[i].name) + tail_width;
        out[n].fn = on_program;
        out[n].arg = (unsigned)i;
        out[n++].types = (uint64_t)1 << T_PASSWORD;
    }
    return n;
}
