/*
 * secrets_int.h — internals shared by the secrets detector's files
 * (secrets.c: the detector; secrets_rules.c: the vendor formats with a fixed
 * prefix; secrets_formats.c: formats that need their own parser;
 * secrets_assign.c: secrets named by their context (assignments, headers,
 * URLs); secrets_text.c: entropy, placeholders and the generic token pass).
 * Not a public header: see secrets.h and docs/internals/detect-secrets.md.
 *
 * Every handler is called with the text and the end of one Vectorscan match,
 * reads at most a few KB around it (bounded loops only) and adds spans with
 * sec_emit(). Handlers keep no state beyond the scan context.
 */
#ifndef RG_DETECT_SECRETS_INT_H
#define RG_DETECT_SECRETS_INT_H

#include "detect/b64.h"
#include "detect/entity.h"
#include "detect/hs.h"

#include <stddef.h>
#include <stdint.h>

/* Entity types, in the order of the detector's types[] (at most 64). */
#define SEC_TYPES(X)                                                                                               \
    X(AWS_ACCESS_KEY) X(AWS_SECRET_KEY) X(GCP_API_KEY) X(GCP_CLIENT_SECRET) X(GCP_SERVICE_ACCOUNT)                 \
    X(AZURE_STORAGE_KEY) X(AZURE_CLIENT_SECRET) X(GITHUB_TOKEN) X(GITLAB_TOKEN) X(SLACK_TOKEN) X(SLACK_WEBHOOK)    \
    X(STRIPE_KEY) X(OPENAI_API_KEY) X(ANTHROPIC_API_KEY) X(HUGGINGFACE_TOKEN) X(TWILIO_KEY) X(SENDGRID_KEY)        \
    X(NPM_TOKEN) X(DISCORD_TOKEN) X(DISCORD_WEBHOOK) X(ARTIFACTORY_TOKEN) X(HEROKU_KEY) X(PYPI_TOKEN)              \
    X(SHOPIFY_TOKEN) X(MAILGUN_KEY) X(MAILCHIMP_KEY) X(DIGITALOCEAN_TOKEN) X(DATABRICKS_TOKEN)                     \
    X(ONEPASSWORD_TOKEN) X(FLYIO_TOKEN) X(GRAFANA_TOKEN) X(TERRAFORM_TOKEN) X(VAULT_TOKEN) X(TELEGRAM_BOT_TOKEN)   \
    X(FACEBOOK_TOKEN) X(SQUARE_TOKEN) X(NOTION_TOKEN) X(SENTRY_TOKEN) X(SOURCEGRAPH_TOKEN) X(ATLASSIAN_TOKEN)      \
    X(POSTMAN_KEY) X(LINEAR_KEY) X(DOPPLER_TOKEN) X(PULUMI_TOKEN) X(OPENSHIFT_TOKEN) X(OCTOPUS_KEY)                \
    X(GROQ_API_KEY) X(PERPLEXITY_API_KEY) X(REPLICATE_TOKEN) X(AGE_SECRET_KEY) X(CLOJARS_TOKEN)                    \
    X(ALIBABA_ACCESS_KEY) X(AI_API_KEY) X(SAAS_TOKEN) X(TEAMS_WEBHOOK) X(PRIVATE_KEY)                              \
    X(KUBERNETES_SECRET) X(JWT) X(BASIC_AUTH_URL) X(PASSWORD) X(GENERIC_HIGH_ENTROPY)

#define SEC_ENUM(n) T_##n,
enum { SEC_TYPES(SEC_ENUM) T_COUNT };
#undef SEC_ENUM

/* Overlap priority (entity.h: on equal length the higher wins). A vendor format beats the same span found
 * by its context (PASSWORD), which beats the generic entropy rule. */
enum { PRIO_GENERIC = 0, PRIO_CONTEXT = 1, PRIO_URL = 2, PRIO_FORMAT = 3 };

/* ---- character classes (secrets_text.c) ------------------------------------ */

enum {
    CS_ALNUM = 1 << 0,  /* [A-Za-z0-9] */
    CS_B64URL = 1 << 1, /* [A-Za-z0-9_-] */
    CS_B64 = 1 << 2,    /* [A-Za-z0-9+/] */
    CS_HEX = 1 << 3,    /* [0-9A-Fa-f] */
    CS_HEXL = 1 << 4,   /* [0-9a-f] */
    CS_ALPHA = 1 << 5,  /* [A-Za-z] */
    CS_UPNUM = 1 << 6,  /* [A-Z0-9] */
    CS_WORD = 1 << 7,   /* [A-Za-z0-9_] */
    CS_TOKEN = 1 << 8,  /* [A-Za-z0-9+/_-]: what the generic pass calls a token */
    CS_B64ANY = 1 << 9, /* [A-Za-z0-9+/_=-] */
    CS_AZURE = 1 << 10, /* [A-Za-z0-9_~.-] */
    CS_KEY = 1 << 11,   /* [A-Za-z0-9_.-]: the characters of a key name (password, db.pass, X-Api-Key) */
    CS_HEXDASH = 1 << 12, /* [0-9A-Fa-f-] */
};

extern const uint16_t sec_cs[256];
#define SEC_IN(cs, c) ((sec_cs[(unsigned char)(c)] & (cs)) != 0)
#define SEC_ALNUM(c) SEC_IN(CS_ALNUM, c)

/* ---- the detector and one scan -------------------------------------------- */

typedef struct sec_det {
    rg_hs_db_t *db;      /* NULL when no chosen type needs a pattern (only the generic pass) */
    uint64_t types;      /* chosen types */
    double entropy;      /* entropy_threshold: <= 1 normalised, > 1 bits per character */
    unsigned min_length; /* the generic rule's shortest token */
    int refuse_sequences; /* refuse_sequences: spans with a counting run (sec_sequence) are not reported */
    int allow_examples;   /* allow_published_examples: spans equal to a published example are not reported */
    unsigned run_min;     /* sec_run_min() for the chosen types, worked out at compile */
    /* id of a Vectorscan pattern → what it is: pattern p is sec_pats[p] */
} sec_det_t;

#define SEC_ZONES_MAX 32

typedef struct sec_ctx {
    const sec_det_t *d;
    const char *s;
    size_t len;
    rg_entities_t *out;
    int oom;
    /* key spans already handled by the assignment rule (several keyword patterns hit the same key) */
    size_t last_key_start, last_key_end;
    /* Work left for the handlers' wider reads (bodies, look-backs, PEM and YAML documents): 32 bytes per byte
     * of text plus 64 KB. Hostile text full of prefixes and markers costs linear time; past the budget those
     * handlers find nothing more. */
    size_t budget;
    size_t k8s_done; /* the Kubernetes document scanned last ends here */
    int sops;        /* "ENC[" is in the text: 1, 0, or -1 not looked for yet (in_sops) */
    /* byte ranges the generic pass skips: public certificates, public keys */
    uint32_t zone_start[SEC_ZONES_MAX], zone_end[SEC_ZONES_MAX];
    unsigned zones;
} sec_ctx_t;

/* Adds [start, end) as type when the type was chosen. */
void sec_emit(sec_ctx_t *c, size_t start, size_t end, unsigned type, unsigned prio);
int sec_want(const sec_ctx_t *c, unsigned type);
/* Takes n from the work budget: 0 when not that much is left (the caller then gives up). */
int sec_spend(sec_ctx_t *c, size_t n);
void sec_zone(sec_ctx_t *c, size_t start, size_t end);

/* ---- patterns --------------------------------------------------------------- */

typedef void (*sec_handler_fn)(sec_ctx_t *c, size_t start, size_t end, unsigned arg);

/* One Vectorscan pattern. Every expression has a fixed width, so a match's start is end - width without
 * Vectorscan's start-of-match tracking. */
typedef struct sec_pat {
    char expr[96];
    unsigned flags;
    unsigned width;
    sec_handler_fn fn;
    unsigned arg;
    uint64_t types; /* the pattern is compiled when any of these types is chosen */
} sec_pat_t;

/* Appends the patterns each file contributes; returns how many were written (at most max). */
size_t sec_rules_patterns(sec_pat_t *out, size_t max);
size_t sec_formats_patterns(sec_pat_t *out, size_t max);
/* Streams: bytes from the last "-----BEGIN " that no "-----END " follows (a private key may be arriving), within
 * the last 64 KiB; 0 when there is none. */
size_t sec_pem_pending(const char *s, size_t len);
size_t sec_assign_patterns(sec_pat_t *out, size_t max);
size_t sec_cmdline_patterns(sec_pat_t *out, size_t max);
#define SEC_PATS_MAX 256
/* Writes lit with its regex metacharacters escaped into out; its length, 0 when it does not fit. */
size_t sec_escape(char *out, size_t cap, const char *lit);

/* ---- published examples (secrets_examples.c) ---------------------------------- */

/* Fills the entries' length set; called once, with the pattern table, before any scan. */
void sec_examples_init(void);
/* 1 when s[0, n) is a credential a vendor published as an example (its documentation, its SDK's tests). */
int sec_published_example(const char *s, size_t n);

/* ---- text helpers (secrets_text.c) ------------------------------------------ */

double sec_entropy(const char *s, size_t n);
/* Placeholders (filler, always refused): masking runs (xxxx, ****, ####, ....), a body mostly made of runs, a
 * short period (abcabc), the alphabet typed out (an ascending run of SEC_FILLER_RUN: abcdefghijkl), the words
 * EXAMPLE / your / here / insert / replace. */
#define SEC_FILLER_RUN 12
int sec_placeholder(const char *s, size_t n);
/* A counting run of 8 (12345678, abcdefgh): how test fixtures fake a key in its full format. Reported by
 * default (the key has the real format); refused by sec_emit when the refuse_sequences parameter is set. */
int sec_sequence(const char *s, size_t n);
/* Counting typed on through zero (1234567890123...): an ascending run of SEC_FILLER_RUN where a digit run may
 * go on from 9 to 0. Filler in a value that no format validated (context values, the generic rule); a full
 * vendor format with such a body (xoxb-123456789012-...) stays sec_sequence's. */
int sec_counting_filler(const char *s, size_t n);
/* An unquoted value built from a variable: a well-formed ${NAME} / ${NAME:-default} / $(NAME) / {{ expr }}
 * anywhere in it (pre${DB_PASS}, {{ .Values.db }}-x). The text then holds a template, not the secret. */
int sec_bare_template(const char *v, size_t n);
/* A machine-made random string: at least two of lower/upper/digit, entropy over the threshold, frequent
 * character-class changes, few common English letter pairs, not a name of short parts (SOME_NAME_X). */
int sec_random(double threshold, const char *s, size_t n);
/* The entropy threshold of sec_random for everything but the generic rule, whose threshold is the
 * entropy_threshold parameter (same meaning: <= 1 a share of log2(min(n, 64)), > 1 bits per character). */
#define SEC_ENTROPY_DEFAULT 0.8
/* Version-4 (random) UUID: 8-4-4-4-12 hex with a 4 in the version place. is_uuid: any version. */
int sec_uuid(const char *s, size_t n, int *v4);
/* Whether the n bytes before `at` on the same line mention a hash (sha256, md5, checksum, commit, ...) or an
 * anti-forgery token (csrf). */
int sec_hash_context(const char *s, size_t at, size_t n);
/* Case-insensitive search of a NUL-terminated needle in s[from, to). Returns the offset or (size_t)-1. */
size_t sec_find_ci(const char *s, size_t from, size_t to, const char *needle);
int sec_lower(int c);

/* The token pass: every run of [A-Za-z0-9+/_-] long enough for the generic rule or for the formats that
 * have no literal to start from (Discord, Mailchimp, Telegram, Facebook app tokens: secrets_formats.c). */
void sec_tokens_pass(sec_ctx_t *c);
/* The same pass with one block scanner (tests compare them): 0 bytes, 1 SSE2, 2 AVX2. -1 when this build or
 * CPU has not that one. */
int sec_tokens_pass_level(sec_ctx_t *c, int level);
void sec_text_init(void); /* once, before any pass: picks the widest vector code the CPU has */
size_t sec_run_formats(sec_ctx_t *c, size_t a, size_t e);
/* The prefix rules matched at the start of a token run rather than by Vectorscan (secrets_rules.c), and the
 * shortest run they need (0: none of their types chosen). */
void sec_rules_run(sec_ctx_t *c, size_t a, size_t e);
unsigned sec_rules_run_min(const sec_ctx_t *c);
unsigned sec_run_min(const sec_ctx_t *c); /* shortest run those formats need; 0: none chosen */
/* Whether the token [a, b) is an identifier (secrets_ids.c): a value named as an id (requestId: …), an API
 * object id (call_…, cus_…) or a publishable key. Asked by the generic rule only. */
int sec_identifier(const char *s, size_t a, size_t b);
/* Whether a name's lower-cased letters and digits w[0, n) end in a pagination cursor's name: cursor, pagetoken,
 * nexttoken, nextmarker, continuationtoken (secrets_ids.c; the PASSWORD rules ask it too). */
int sec_cursor_flat(const char *w, size_t n);
/* Whether the token [a, b) is a line of base64 wrapped at one width, three lines or more (secrets_data.c). On
 * the work budget. */
int sec_wrapped_block(sec_ctx_t *c, size_t a, size_t b);
/* Discord bot token whose first part is [a, b) (s[b] == '.'); returns its end or 0. */
size_t sec_discord_at(const char *s, size_t len, size_t a, size_t b);

/* ---- shared by the context rules -------------------------------------------- */

/* A value a secret can be (PASSWORD rules): not a placeholder, not a reference to somewhere else ($VAR, ${x},
 * %X%, {{x}}, <x>, [x]), not a path or URL, not a plain word. strength 0: a key named like a password or
 * token; 1: a key that only ends in "key" (the value must look machine-made); 2: a URL's or curl's
 * password (any non-placeholder). */
int sec_value_ok(const char *v, size_t n, int strength);
/* A passphrase: 2 to 8 lower-case words separated by single spaces, 12 to 128 bytes, none of them a word of
 * a label or message (enter, your, please, invalid, ...) or the name of what it is (password, token, key).
 * Taken from quoted values of keys named like a password or secret only. */
int sec_passphrase(const char *v, size_t n);

#endif
