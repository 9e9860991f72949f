/*
 * test_detect_secrets.c — the secrets detector (detect/secrets.h) and the
 * railgate.secrets check: for every entity type a positive and near misses
 * (wrong length, wrong characters, placeholders), the context rules
 * (assignments, headers, curl, URLs) with what they must leave alone (code,
 * references, templates, names), the generic entropy rule against hashes in
 * context, UUIDs, versions, paths and identifiers, the token pass across
 * 64-byte block edges, parameters, and redact / mask output of the check.
 *
 * Token bodies are made here from a seeded generator (mk()), so the file
 * holds no credential-shaped literals beyond documented examples.
 */
#include "detect/entity.h"
#include "detect/secrets.h"
#include "detect/secrets_int.h"
#include "guard/check.h"
#include "text_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------- */

static uint64_t rng;

static unsigned next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng >> 24);
}

/* Text from a spec: literal characters, and {Cn} for n random characters of class C:
 * A [A-Za-z0-9]  L [A-Za-z]  U [A-Z0-9]  D [0-9]  h [0-9a-f]  H [0-9A-Fa-f]  B [A-Za-z0-9_-]  b [A-Za-z0-9+/]
 * Z [A-Z2-7] (upper-case base32); any other '{' is itself. The generator restarts from the same seed for every
 * spec. */
static char *mk(const char *spec)
{
    static const char *const classes[128] = {
        ['A'] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        ['L'] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        ['U'] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        ['D'] = "0123456789",
        ['h'] = "0123456789abcdef",
        ['H'] = "0123456789ABCDEFabcdef",
        ['B'] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        ['b'] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        ['Z'] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    };
    rng = 0x2545f4914f6cdd1dull;
    size_t cap = strlen(spec) * 8 + 4096, n = 0;
    char *out = malloc(cap);
    for (const char *p = spec; *p; p++) {
        if (*p == '{' && (unsigned char)p[1] < 128 && classes[(unsigned char)p[1]] && p[2] >= '0' && p[2] <= '9') {
            const char *set = classes[(unsigned char)p[1] & 127];
            char *end;
            long k = strtol(p + 2, &end, 10);
            assert_non_null(set);
            assert_true(*end == '}' && n + (size_t)k < cap);
            for (long i = 0; i < k; i++)
                out[n++] = set[next() % strlen(set)];
            p = end;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

static void *det_all;

static void *compile_types(const char *types_csv, const char *params)
{
    json_t *p = params ? json_loads(params, 0, NULL) : NULL;
    uint64_t mask = rg_detector_secrets.default_types;
    if (types_csv) {
        mask = 0;
        char buf[512];
        snprintf(buf, sizeof(buf), "%s", types_csv);
        for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
            int k = rg_detector_type(&rg_detector_secrets, t, strlen(t));
            assert_true(k >= 0);
            mask |= (uint64_t)1 << k;
        }
    }
    char err[256] = "";
    void *d = rg_detector_secrets.compile(mask, p, err, sizeof(err));
    json_decref(p);
    if (d == NULL)
        fail_msg("compile: %s", err);
    return d;
}

/* "TYPE=value" for each span after resolve, joined with " | " (static buffer). */
static const char *found_in(void *det, const char *text)
{
    static char out[8192];
    rg_entities_t e = {0};
    assert_int_equal(rg_detector_secrets.find(det, text, strlen(text), &e), 0);
    rg_entities_resolve(&e);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < e.n && o < sizeof(out) - 1; i++)
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s=%.*s", i ? " | " : "",
                              rg_detector_secrets.types[e.v[i].type], (int)(e.v[i].end - e.v[i].start),
                              text + e.v[i].start);
    rg_entities_free(&e);
    return out;
}

#define FOUND(text) found_in(det_all, text)

/* text holds exactly one span: type over value */
static void one(const char *text, const char *type, const char *value)
{
    char want[8300];
    snprintf(want, sizeof(want), "%s=%s", type, value);
    const char *got = FOUND(text);
    if (strcmp(got, want) != 0)
        fail_msg("in \"%.200s\"\n  want %s\n  got  %s", text, want, got);
}

static void none(const char *text)
{
    const char *got = FOUND(text);
    if (got[0] != '\0')
        fail_msg("in \"%.200s\"\n  want nothing, got %s", text, got);
}

/* "...<tok>..." with tok made from spec; one span of type over the token. */
static void one_tok(const char *before, const char *spec, const char *after, const char *type)
{
    char *tok = mk(spec);
    char text[8192];
    snprintf(text, sizeof(text), "%s%s%s", before, tok, after);
    one(text, type, tok);
    free(tok);
}

static void none_tok(const char *before, const char *spec, const char *after)
{
    char *tok = mk(spec);
    char text[8192];
    snprintf(text, sizeof(text), "%s%s%s", before, tok, after);
    none(text);
    free(tok);
}

/* Nothing of type in "<tok>" (other types may well find the random body: a near miss of one format can be a
 * fine generic string). */
static void none_of(const char *type, const char *spec)
{
    void *d = compile_types(type, NULL);
    char *tok = mk(spec);
    if (found_in(d, tok)[0])
        fail_msg("%s: \"%s\" found %s", type, tok, found_in(d, tok));
    free(tok);
    rg_detector_secrets.free(d);
}

static int setup(void **state)
{
    (void)state;
    det_all = compile_types(NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rg_detector_secrets.free(det_all);
    return 0;
}

/* ---- vendor formats: prefix + body ----------------------------------------------------- */

typedef struct {
    const char *type, *spec;     /* a valid token */
    const char *short_spec;      /* one character short, or NULL */
    const char *bad_char_spec;   /* a character outside the body's class, or NULL */
} vendor_t;

static const vendor_t vendors[] = {
    {"AWS_ACCESS_KEY", "AKIA{U16}", "AKIA{U15}", "AKIA{U7}a{U8}"},
    {"AWS_ACCESS_KEY", "ASIA{U16}", "ASIA{U15}", NULL},
    {"AWS_ACCESS_KEY", "A3TX{U16}", "A3TX{U15}", NULL},
    {"GCP_API_KEY", "AIza{B35}", "AIza{B34}", "AIza{B20}.{B14}"},
    {"GCP_CLIENT_SECRET", "GOCSPX-{B28}", "GOCSPX-{B27}", NULL},
    {"GITHUB_TOKEN", "ghp_{A36}", "ghp_{A35}", "ghp_{A20}-{A15}"},
    {"GITHUB_TOKEN", "gho_{A36}", "gho_{A35}", NULL},
    {"GITHUB_TOKEN", "ghs_{A36}", NULL, NULL},
    {"GITHUB_TOKEN", "github_pat_{A22}_{A59}", "github_pat_{A22}_{A58}", "github_pat_{A22}-{A59}"},
    {"GITLAB_TOKEN", "glpat-{B20}", "glpat-{B19}", NULL},
    {"GITLAB_TOKEN", "glptt-{B40}", "glptt-{B39}", NULL},
    {"GITLAB_TOKEN", "GR1348941{B20}", "GR1348941{B19}", NULL},
    {"STRIPE_KEY", "sk_live_{A24}", "sk_live_{A19}", NULL},
    {"STRIPE_KEY", "rk_test_{A99}", NULL, NULL},
    {"STRIPE_KEY", "whsec_{A32}", "whsec_{A31}", NULL},
    {"OPENAI_API_KEY", "sk-proj-{A48}_{A48}", "sk-proj-{A30}", NULL},
    {"OPENAI_API_KEY", "sk-{A20}T3BlbkFJ{A20}", NULL, NULL},
    {"ANTHROPIC_API_KEY", "sk-ant-api03-{B93}AA", "sk-ant-api03-{B92}AA", NULL},
    {"HUGGINGFACE_TOKEN", "hf_{L34}", "hf_{L33}", "hf_{L20}5{L13}"},
    {"HUGGINGFACE_TOKEN", "api_org_{L34}", "api_org_{L33}", NULL},
    {"TWILIO_KEY", "SK{h32}", "SK{h31}", "SK{h20}g{h11}"},
    {"TWILIO_KEY", "AC{h32}", "AC{h31}", NULL},
    {"SENDGRID_KEY", "SG.{B22}.{B43}", "SG.{B22}.{B42}", "SG.{B22}..{B42}"},
    {"NPM_TOKEN", "npm_{A36}", "npm_{A35}", NULL},
    {"ARTIFACTORY_TOKEN", "AKCp{A69}", "AKCp{A68}", NULL},
    {"ARTIFACTORY_TOKEN", "cmVmdGtu{A56}", "cmVmdGtu{A55}", NULL},
    {"HEROKU_KEY", "HRKU-AA{B58}", "HRKU-AA{B50}", NULL},
    {"PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc{B70}", "pypi-AgEIcHlwaS5vcmc{B40}", NULL},
    {"PYPI_TOKEN", "pypi-AgENdGVzdC5weXBpLm9yZw{B70}", "pypi-AgENdGVzdC5weXBpLm9yZw{B40}", NULL},
    {"SHOPIFY_TOKEN", "shpat_{H32}", "shpat_{H31}", "shpat_{H20}z{H11}"},
    {"MAILGUN_KEY", "key-{h32}", "key-{h31}", NULL},
    {"DIGITALOCEAN_TOKEN", "dop_v1_{h64}", "dop_v1_{h63}", NULL},
    {"DATABRICKS_TOKEN", "dapi{h32}", "dapi{h31}", "dapi{h20}g{h11}"},
    {"ONEPASSWORD_TOKEN", "ops_eyJ{b300}", "ops_eyJ{b100}", NULL},
    {"ONEPASSWORD_TOKEN", "A3-{U6}-{U11}-{U5}-{U5}-{U5}", "A3-{U6}-{U11}-{U5}-{U5}-{U4}", NULL},
    {"ONEPASSWORD_TOKEN", "A3-{U6}-{U6}-{U5}-{U5}-{U5}-{U5}", "A3-{U6}-{U6}-{U5}-{U5}-{U5}-{U4}", NULL},
    {"FLYIO_TOKEN", "fo1_{B43}", "fo1_{B42}", NULL},
    {"FLYIO_TOKEN", "fm2_{b150}", "fm2_{b60}", NULL},
    {"GRAFANA_TOKEN", "glsa_{A32}_{h8}", "glsa_{A32}_{h7}", NULL},
    {"VAULT_TOKEN", "hvs.{B100}", "hvs.{B60}", NULL},
    {"FACEBOOK_TOKEN", "EAACEdEose0cBA{A100}", NULL, NULL},
    {"SQUARE_TOKEN", "EAAA{B60}", "EAAA{B59}", NULL},
    {"SQUARE_TOKEN", "sq0atp-{B22}", "sq0atp-{B21}", NULL},
    {"NOTION_TOKEN", "ntn_{D11}{A35}", "ntn_{D11}{A34}", "ntn_{D5}x{D5}{A35}"},
    {"SENTRY_TOKEN", "sntryu_{h64}", "sntryu_{h63}", NULL},
    {"SOURCEGRAPH_TOKEN", "sgp_{H40}", "sgp_{H39}", NULL},
    {"SOURCEGRAPH_TOKEN", "sgp_{H16}_{H40}", NULL, "sgp_{H18}_{H40}"},
    {"ATLASSIAN_TOKEN", "ATATT3{B190}", "ATATT3{B100}", NULL},
    {"POSTMAN_KEY", "PMAK-{h24}-{h34}", "PMAK-{h24}-{h33}", NULL},
    {"LINEAR_KEY", "lin_api_{A40}", "lin_api_{A39}", NULL},
    {"DOPPLER_TOKEN", "dp.pt.{A43}", "dp.pt.{A42}", NULL},
    {"PULUMI_TOKEN", "pul-{h40}", "pul-{h39}", NULL},
    {"OPENSHIFT_TOKEN", "sha256~{B43}", "sha256~{B42}", NULL},
    {"OCTOPUS_KEY", "API-{U26}", "API-{U25}", NULL},
    {"GROQ_API_KEY", "gsk_{A52}", "gsk_{A51}", NULL},
    {"PERPLEXITY_API_KEY", "pplx-{A48}", "pplx-{A47}", NULL},
    {"REPLICATE_TOKEN", "r8_{A37}", "r8_{A36}", NULL},
    {"AGE_SECRET_KEY", "AGE-SECRET-KEY-1{Z58}", "AGE-SECRET-KEY-1{Z57}", NULL},
    {"CLOJARS_TOKEN", "CLOJARS_{A60}", "CLOJARS_{A59}", NULL},
    {"ALIBABA_ACCESS_KEY", "LTAI{A20}", "LTAI{A11}", NULL},
    {"ALIBABA_ACCESS_KEY", "LTAI{A12}", NULL, NULL},
    {"AI_API_KEY", "xai-{A80}", "xai-{A60}", NULL},
    {"AI_API_KEY", "sk-or-v1-{h64}", "sk-or-v1-{h63}", "sk-or-v1-{h30}G{h33}"},
    {"AI_API_KEY", "lsv2_pt_{h32}_{h10}", "lsv2_pt_{h32}_{h9}", "lsv2_pt_{h32}x{h10}"},
    {"AI_API_KEY", "lsv2_sk_{h32}_{h10}", NULL, NULL},
    {"AI_API_KEY", "sk-lf-{h8}-{h4}-4{h3}-a{h3}-{h12}", "sk-lf-{h8}-{h4}-4{h3}-a{h3}-{h11}", "sk-lf-{h8}-{h4}4{h4}-a{h3}-{h12}"},
    {"AI_API_KEY", "tvly-{A32}", "tvly-{A19}", NULL},
    {"AI_API_KEY", "tvly-dev-{A32}", NULL, NULL},
    {"AI_API_KEY", "csk-{A48}", "csk-{A39}", NULL},
    {"AI_API_KEY", "pcsk_{A6}_{A64}", "pcsk_{A6}_{A40}", NULL},
    {"AI_API_KEY", "fc-{h32}", "fc-{h31}", "fc-{h16}x{h15}"},
    {"AI_API_KEY", "llx-{A48}", "llx-{A39}", NULL},
    {"AI_API_KEY", "nvapi-{B64}", "nvapi-{B59}", NULL},
    {"AI_API_KEY", "ABSK{b140}", "ABSK{b100}", NULL},
    {"AI_API_KEY", "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t{b300}", NULL, NULL},
    {"SAAS_TOKEN", "p8e-{A32}", "p8e-{A31}", NULL},
    {"SAAS_TOKEN", "v1.0-{h24}-{h146}", "v1.0-{h24}-{h145}", "v1.0-{h25}{h146}"},
    {"SAAS_TOKEN", "4b1d{A38}", "4b1d{A37}", NULL},
    {"SAAS_TOKEN", "dckr_pat_{B27}", "dckr_pat_{B20}", NULL},
    {"SAAS_TOKEN", "dckr_oat_{B27}", NULL, NULL},
    {"SAAS_TOKEN", "dnkey-{B26}-{B52}", "dnkey-{B26}-{B51}", NULL},
    {"SAAS_TOKEN", "duffel_live_{B43}", "duffel_live_{B42}", NULL},
    {"SAAS_TOKEN", "dt0c01.{A24}.{A64}", "dt0c01.{A24}.{A63}", "dt0c01.{A24}_{A64}"},
    {"SAAS_TOKEN", "EZAK{A54}", "EZAK{A53}", NULL},
    {"SAAS_TOKEN", "figd_{B40}", "figd_{B30}", NULL},
    {"SAAS_TOKEN", "FLWSECK_TEST-{h32}-X", "FLWSECK_TEST-{h31}-X", "FLWSECK_TEST-{h32}-Y"},
    {"SAAS_TOKEN", "FLWSECK_TEST-{h12}", NULL, NULL},
    {"SAAS_TOKEN", "fio-u-{B64}", "fio-u-{B63}", NULL},
    {"GRAFANA_TOKEN", "eyJrIjoi{A100}", "eyJrIjoi{A60}", NULL},
    {"SAAS_TOKEN", "ico-{A32}", "ico-{A31}", NULL},
    {"SAAS_TOKEN", "s-s4t2ud-{h64}", "s-s4t2ud-{h63}", NULL},
    {"SAAS_TOKEN", "sk.eyJ1Ijoi{B60}.{B22}", "sk.eyJ1Ijoi{B60}.{B21}", NULL},
    {"SAAS_TOKEN", "nfp_{A40}", "nfp_{A30}", NULL},
    {"SAAS_TOKEN", "NRAK-{U27}", "NRAK-{U26}", NULL},
    {"SAAS_TOKEN", "NRII-{B32}", "NRII-{B31}", NULL},
    {"SAAS_TOKEN", "NRJS-{h19}", "NRJS-{h18}", NULL},
    {"SAAS_TOKEN", "pscale_tkn_{B43}", "pscale_tkn_{B31}", NULL},
    {"SAAS_TOKEN", "pscale_pw_{B43}", NULL, NULL},
    {"SAAS_TOKEN", "pnu_{A36}", "pnu_{A35}", NULL},
    {"SAAS_TOKEN", "rdme_{A70}", "rdme_{A69}", NULL},
    {"SAAS_TOKEN", "rnd_{A32}", "rnd_{A27}", NULL},
    {"SAAS_TOKEN", "rubygems_{h48}", "rubygems_{h47}", NULL},
    {"SAAS_TOKEN", "tk-us-{B48}", "tk-us-{B47}", NULL},
    {"SAAS_TOKEN", "xkeysib-{h64}-{A16}", "xkeysib-{h64}-{A15}", "xkeysib-{h63}g-{A16}"},
    {"SAAS_TOKEN", "sm_pat_{A16}", "sm_pat_{A15}", NULL},
    {"SAAS_TOKEN", "shippo_live_{h40}", "shippo_live_{h39}", NULL},
    {"SAAS_TOKEN", "sbp_{h40}", "sbp_{h39}", NULL},
    {"SAAS_TOKEN", "sb_secret_{B31}", "sb_secret_{B19}", NULL},
    {"SAAS_TOKEN", "ATBB{A32}", "ATBB{A31}", NULL},
    {"SAAS_TOKEN", "AQVN{B36}", "AQVN{B34}", NULL},
    {"GITLAB_TOKEN", "_gitlab_session={h32}", "_gitlab_session={h31}", NULL},
    {"GITLAB_TOKEN", "glpat-{B30}.01{h7}", "glpat-{B26}.01{h7}", "glpat-{B30}.A1{h7}"},
    {"GITLAB_TOKEN", "glrt-t1_{B30}.01{h7}", "glrt-t1_{B26}.01{h7}", NULL},
};

/* Near misses are checked with the vendor's own type only: a near miss of one format may still be a fine
 * random string for the generic rule, which is not what is tested here. */
static void test_vendor_formats(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
        const vendor_t *v = &vendors[i];
        void *d = compile_types(v->type, NULL);
        char *tok = mk(v->spec), text[8192], want[8300];
        snprintf(want, sizeof(want), "%s=%s", v->type, tok);
        /* at a sentence's end, and before an ellipsis: the full stops are not the token's */
        const char *wraps[][2] = {{"", ""}, {"key: ", "\n"}, {"export X=\"", "\""}, {"(", ")."},
                                  {"my key is ", "."}, {"it was ", "... then"}};
        for (size_t w = 0; w < sizeof(wraps) / sizeof(wraps[0]); w++) {
            snprintf(text, sizeof(text), "%s%s%s", wraps[w][0], tok, wraps[w][1]);
            const char *got = found_in(d, text);
            if (strcmp(got, want) != 0)
                fail_msg("%s: in \"%s\" got \"%s\"", v->spec, text, got);
        }
        /* glued to a word on the left: not a token of its own */
        snprintf(text, sizeof(text), "x%s", tok);
        if (found_in(d, text)[0])
            fail_msg("%s: glued left \"%s\" found %s", v->spec, text, found_in(d, text));
        free(tok);
        const char *misses[] = {v->short_spec, v->bad_char_spec};
        for (size_t m = 0; m < 2; m++) {
            if (misses[m] == NULL)
                continue;
            tok = mk(misses[m]);
            snprintf(text, sizeof(text), "value %s here", tok);
            if (found_in(d, text)[0])
                fail_msg("%s: near miss \"%s\" found %s", v->spec, tok, found_in(d, text));
            free(tok);
        }
        rg_detector_secrets.free(d);
    }
}

/* Every vendor token at the end of a text of 66 bytes and more, the text placed at each of the 64 offsets of a cache
 * line: Vectorscan 5.4.9 misses, for some pattern sets, matches that end in a buffer's last 31 bytes depending on
 * where the buffer ends (src/detect/hs.h). The default and the all-types databases must find the same at every
 * offset (tests/unit/test_hs_offsets.c does the same for every detector on eval texts, which are mostly shorter). */
static void test_vendor_formats_at_every_alignment(void **state)
{
    (void)state;
    uint64_t all = 0;
    for (size_t t = 0; rg_detector_secrets.types[t]; t++)
        all |= (uint64_t)1 << t;
    char err[256] = "";
    void *dets[2] = {det_all, rg_detector_secrets.compile(all, NULL, err, sizeof(err))};
    if (dets[1] == NULL)
        fail_msg("all types: %s", err);
    const char *lead = "Here is the deployment note for the staging cluster, as promised in the call this morning; use ";
    for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
        char *tok = mk(vendors[i].spec), text[8192];
        for (size_t pad = 0; pad < 40; pad += 13) { /* the token ends 0, 13, 26, 39 bytes into the next block */
            int n = snprintf(text, sizeof(text), "%.*s %s", (int)(strlen(lead) - 40 + pad), lead, tok);
            assert_true(n >= 66 && (size_t)n < sizeof(text));
            char *buf = aligned_alloc(64, ((size_t)n + 64 + 64) / 64 * 64);
            for (size_t d = 0; d < 2; d++) {
                char want[8300];
                snprintf(want, sizeof(want), "%s", found_in(dets[d], text));
                if (strstr(want, tok) == NULL)
                    fail_msg("%s not found (%s) in \"%s\": %s", vendors[i].spec, d ? "all types" : "default", text,
                             want);
                for (size_t off = 0; off < 64; off++) {
                    memcpy(buf + off, text, (size_t)n + 1);
                    const char *got = found_in(dets[d], buf + off);
                    if (strcmp(got, want) != 0)
                        fail_msg("%s at offset %zu (%s): got \"%s\", want \"%s\"", vendors[i].spec, off,
                                 d ? "all types" : "default", got, want);
                }
            }
            free(buf);
        }
        free(tok);
    }
    rg_detector_secrets.free(dets[1]);
}

/* Exact-length formats glued to more characters on the right: too long, so not the format. */
static void test_vendor_glued_right(void **state)
{
    (void)state;
    const char *specs[][2] = {{"AKIA{U16}7", "AWS_ACCESS_KEY"}, {"ghp_{A36}Q", "GITHUB_TOKEN"},
                              {"AIza{B35}x", "GCP_API_KEY"},   {"SK{h32}Q", "TWILIO_KEY"},
                              {"npm_{A36}7", "NPM_TOKEN"},     {"hf_{L34}q", "HUGGINGFACE_TOKEN"}};
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        void *d = compile_types(specs[i][1], NULL);
        char *t = mk(specs[i][0]);
        if (found_in(d, t)[0])
            fail_msg("%s found %s", t, found_in(d, t));
        free(t);
        rg_detector_secrets.free(d);
    }
}

/* Bodies that are placeholders: masking characters, one repeated character, ascending runs, EXAMPLE. */
static void test_vendor_placeholders(void **state)
{
    (void)state;
    none("aws_access_key_id = AKIAIOSFODNN7EXAMPLE"); /* AWS's documented example key */
    none("AKIAXXXXXXXXXXXXXXXX AKIAZZZZZZZZZZZZZZZZ");
    none("GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    none("token: glpat-XXXXXXXXXXXXXXXXXXXX");
    none("HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    none("key AIzaSyabcdefghijklmnopqrstuvwxyz1234567");
    none("sk_live_1234567890abcdefghijklmn");
    none("xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx and xoxb-xxx");
    none("npm_********************************** and sk-ant-api03-...");
}

/* Prefixes found by the token pass (F_RUN in secrets_rules.c): at the start of a run of token characters, after
 * leading + / _ -, or after + / _ - inside the run, with the same boundaries as a Vectorscan prefix; never inside a
 * word. */
static void test_run_prefixes(void **state)
{
    (void)state;
    one_tok("Authorization: Bearer ", "xai-{A80}", "", "AI_API_KEY");
    one_tok("{\"key\":\"", "rdme_{A70}", "\"}", "SAAS_TOKEN");
    /* after leading run characters (the generic rule, on by default, takes the longer run then: one type only),
     * and inside a run after + / _ - that follow other characters, where a Vectorscan prefix is found too
     * (key_ghp_... in test_prefixes_in_runs) */
    void *d = compile_types("SAAS_TOKEN", NULL);
    const char *lead[][2] = {{"env=-", "EZAK{A54}"},   {"__", "4b1d{A38}"},          {"x +/", "pnu_{A36}"},
                             {"see key_", "EZAK{A54}"}, {"see api/v1/", "4b1d{A38}"}, {"see ci-", "pnu_{A36}"},
                             {"see a+", "rdme_{A70}"}};
    for (size_t i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
        char *tok = mk(lead[i][1]), text[256], want[256];
        snprintf(text, sizeof(text), "%s%s end", lead[i][0], tok);
        snprintf(want, sizeof(want), "SAAS_TOKEN=%s", tok);
        if (strcmp(found_in(d, text), want) != 0)
            fail_msg("in \"%s\" got \"%s\"", text, found_in(d, text));
        free(tok);
    }
    rg_detector_secrets.free(d);
    one_tok("x ", "ABSK{b140}==", " y", "AI_API_KEY");
    none_of("SAAS_TOKEN", "prefixEZAK{A54}"); /* inside a word: the generic rule may still take the run */
    none_of("SAAS_TOKEN", "Q4b1d{A38}");
    none_of("SAAS_TOKEN", "rdme_{A70}x"); /* one too many */
}

/* ---- formats with structure ------------------------------------------------------------- */

/* Microsoft Teams incoming webhooks: the whole URL, scheme and tenant included; both hosts, with and without the
 * newer signature segment. Near misses: a path that is not IncomingWebhook, a filler or short key, no UUIDs. */
static void test_teams_webhook(void **state)
{
    (void)state;
    const char *id = "{h8}-{h4}-4{h3}-a{h3}-{h12}";
    char spec[512];
    snprintf(spec, sizeof(spec), "https://contoso.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/{A32}/%s", id, id,
             id);
    one_tok("curl -X POST -d @card.json ", spec, "", "TEAMS_WEBHOOK");
    one_tok("url = \"", spec, "\"", "TEAMS_WEBHOOK");
    snprintf(spec, sizeof(spec), "https://my-org.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/{A32}/%s/V2{B40}", id,
             id, id);
    one_tok("webhook: ", spec, "\n", "TEAMS_WEBHOOK");
    snprintf(spec, sizeof(spec), "https://outlook.office.com/webhook/%s@%s/IncomingWebhook/{h32}/%s", id, id, id);
    one_tok("(", spec, ")", "TEAMS_WEBHOOK");
    snprintf(spec, sizeof(spec), "https://contoso.webhook.office.com/webhookb2/%s@%s/OutgoingWebhook/{A32}/%s", id, id,
             id);
    none_tok("", spec, "");
    snprintf(spec, sizeof(spec), "https://contoso.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/{A31}/%s", id, id,
             id);
    none_tok("", spec, "");
    none("https://contoso.webhook.office.com/webhookb2/<group-id>@<tenant-id>/IncomingWebhook/<key>/<owner-id>");
    snprintf(spec, sizeof(spec), "https://contoso.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s", id, id,
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", id);
    none_tok("", spec, "");
}


static void test_slack(void **state)
{
    (void)state;
    one_tok("bot: ", "xoxb-{D12}-{D13}-{A24}", "", "SLACK_TOKEN");
    one_tok("\"user_token\": \"", "xoxp-{D11}-{D12}-{D12}-{h32}", "\"", "SLACK_TOKEN");
    one_tok("", "xoxb-{D12}-{A24}", "", "SLACK_TOKEN"); /* legacy bot */
    one_tok("", "xoxs-{D10}-{D10}-{D10}-{h10}", "", "SLACK_TOKEN");
    one_tok("", "xapp-1-{U11}-{D13}-{h64}", "", "SLACK_TOKEN");
    one_tok("", "xoxe.xoxp-1-{A160}", "", "SLACK_TOKEN");
    one_tok("", "xoxe-1-{A146}", "", "SLACK_TOKEN");
    none("https://github.com/xoxa-nyc/xoxa-nyc.github.io/blob/master/README.md");
    none("2018-250-xoxo-indieweb-1.jpg, EXO-XOXO-teaser");
    none("xoxb-Slack_BOT_TOKEN, xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere");
    none("xoxp-572370529330-573807301142-572331691188-####################");
    char *t = mk("https://hooks.slack.com/services/T{U8}/B{U8}/{A24}");
    char text[512];
    snprintf(text, sizeof(text), "webhook: %s\n", t);
    one(text, "SLACK_WEBHOOK", t);
    free(t);
    none("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
    none("see https://hooks.slack.com/services/ for details");
}

static void test_discord(void **state)
{
    (void)state;
    /* the first part is a user id in base64: M, N or O first */
    one_tok("token = '", "MTA{B21}.{B6}.{B38}", "'", "DISCORD_TOKEN");
    one_tok("", "NzA{B21}.{B6}.{B27}", " ok", "DISCORD_TOKEN");
    none_tok("", "PZ1{B21}.{B6}.{B27}", "");      /* not an id */
    none_tok("", "MTA{B21}.{B5}.{B27}", "");      /* middle part too short */
    none_tok("", "MTA{B21}.{B6}.{B26}", "");      /* last part too short */
    one_tok("", "https://discord.com/api/webhooks/{D18}/{B68}", "", "DISCORD_WEBHOOK");
    none_tok("", "https://discord.com/api/webhooks/{D18}/{B20}", "");
}

static char *b64url(const char *s)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(s), o = 0;
    char *out = malloc(n * 2 + 4);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | (unsigned char)s[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = a[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        out[o++] = a[(acc << (6 - bits)) & 63];
    out[o] = '\0';
    return out;
}

static char *jwt(const char *header, const char *payload, const char *sig)
{
    char *h = b64url(header), *p = b64url(payload);
    char *out = malloc(strlen(h) + strlen(p) + (sig ? strlen(sig) : 0) + 4);
    sprintf(out, "%s.%s%s%s", h, p, sig ? "." : "", sig ? sig : "");
    free(h);
    free(p);
    return out;
}

static void test_jwt(void **state)
{
    (void)state;
    char *sig = mk("{B43}"), text[2048];
    char *t = jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"1234567890\",\"name\":\"Jo\",\"iat\":1516239022}", sig);
    snprintf(text, sizeof(text), "Authorization: Bearer %s\n", t);
    one(text, "JWT", t); /* the JWT span is the whole credential: the header rule's span is the same, JWT wins */
    free(t);
    t = jwt("{\"alg\":\"none\"}", "{\"sub\":\"test-user\"}", "");
    snprintf(text, sizeof(text), "tokenWithNoneAlg = \"%s\";", t);
    one(text, "JWT", t); /* alg none: empty signature */
    free(t);
    t = jwt("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}", "{\"sub\":\"1\"}", NULL);
    one(t, "JWT", t); /* two parts with a complete payload */
    free(t);
    t = jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"a\":1}", NULL);
    char *h = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    none(h); /* a header alone */
    free(h);
    free(t);
    t = jwt("{\"typ\":\"JWT\"}", "{\"a\":1}", sig);
    snprintf(text, sizeof(text), "x %s y", t);
    assert_null(strstr(FOUND(text), "JWT=")); /* no alg: not a JWT */
    free(t);
    none("eyJAAAA.eyJBBB");
    free(sig);
}

static void test_private_key(void **state)
{
    (void)state;
    char *body = mk("{b64}\n{b64}\n{b40}=="), *esc = mk("{b64}\\n{b64}\\n{b40}=="), text[8192], want[4096];
    snprintf(want, sizeof(want), "-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----", body);
    snprintf(text, sizeof(text), "here:\n%s\nthanks", want);
    one(text, "PRIVATE_KEY", want);
    /* inside a JSON string, with \n escapes */
    snprintf(want, sizeof(want), "-----BEGIN PRIVATE KEY-----\\n%s\\n-----END PRIVATE KEY-----", esc);
    snprintf(text, sizeof(text), "{\"private_key\": \"%s\\n\"}", want);
    one(text, "PRIVATE_KEY", want);
    free(esc);
    /* cut off: no END, the base64 as far as it goes */
    snprintf(text, sizeof(text), "-----BEGIN OPENSSH PRIVATE KEY-----\n%s", body);
    snprintf(want, sizeof(want), "-----BEGIN OPENSSH PRIVATE KEY-----\n%s", body);
    one(text, "PRIVATE_KEY", want);
    one("-----BEGIN RSA PRIVATE KEY-----\nsuper secret private key here\n-----END RSA PRIVATE KEY-----", "PRIVATE_KEY",
        "-----BEGIN RSA PRIVATE KEY-----\nsuper secret private key here\n-----END RSA PRIVATE KEY-----");
    none("-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----");
    none("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----");
    none("-----BEGIN PRIVATE KEY-----\nXXXXXXXXXXXXXXXXXXXXXXXX\n-----END PRIVATE KEY-----");
    /* a certificate is public: neither it nor its base64 lines are secrets */
    snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", body);
    none(text);
    free(body);
}

static void test_azure(void **state)
{
    (void)state;
    one_tok("client_secret: ", "{B3}8Q~{B34}", "\n", "AZURE_CLIENT_SECRET");
    one_tok("(use the client secret: ", "Ab.7Q~{B31}", ")", "AZURE_CLIENT_SECRET");
    none_tok("x,4~q8Q~", "{A37}", ",");  /* 37 after Q~: too long */
    none("~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ .ui.visible.right.sidebar~.ui.visible.left.sidebar~");
    char *k = mk("{b86}=="), text[512];
    snprintf(text, sizeof(text), "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=%s;EndpointSuffix=core", k);
    one(text, "AZURE_STORAGE_KEY", k);
    free(k);
    k = mk("{b43}=");
    snprintf(text, sizeof(text), "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=%s", k);
    one(text, "AZURE_STORAGE_KEY", k);
    free(k);
    none("AccountKey=<your-account-key>;");
}

static void test_small_formats(void **state)
{
    (void)state;
    one_tok("MAILCHIMP_KEY = \"", "{h32}-us18", "\"", "MAILCHIMP_KEY");
    none_of("MAILCHIMP_KEY", "{h32}-usa");
    char *t = mk("{h32}");
    for (char *p = t; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    char text[512];
    snprintf(text, sizeof(text), "mailchimp %s-us2 x", t); /* upper-case hex: not Mailchimp's */
    assert_null(strstr(FOUND(text), "MAILCHIMP_KEY"));
    free(t);
    one_tok("TELEGRAM=", "{D10}:AA{B33}", "", "TELEGRAM_BOT_TOKEN");
    one_tok("https://api.telegram.org/bot", "{D9}:AA{B33}", "/getMe", "TELEGRAM_BOT_TOKEN");
    none_of("TELEGRAM_BOT_TOKEN", "{D10}:AA{B30}");
    none_of("FACEBOOK_TOKEN", "{D12}|{A27}");
    one_tok("facebook ", "{D16}|{A27}", "", "FACEBOOK_TOKEN");
    one_tok("#token = \"", "{A14}.atlasv1.{B67}", "\"", "TERRAFORM_TOKEN");
    none("token = \"xxxxxxxxxxxxxx.atlasv1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
    /* a service-account file: the key id, and its private key as PRIVATE_KEY */
    t = mk("{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key_id\": \"{h40}\",\n}");
    char *id = strstr(t, "\"private_key_id\": \"") + 19;
    char want[64];
    snprintf(want, sizeof(want), "%.40s", id);
    one(t, "GCP_SERVICE_ACCOUNT", want);
    free(t);
    none("\"private_key_id\": \"0123456789abcdef0123456789abcdef01234567\" (no service account here)");
    /* .npmrc */
    one("//npm.registry.test/:_authToken=346a14f2-a672-4668-a892-956a462ab56e", "NPM_TOKEN",
        "346a14f2-a672-4668-a892-956a462ab56e");
    none("//npm.registry.test/:_authToken=${NPM_TOKEN}");
    one("//npm.registry.test/:_authToken = \"346a14f2-a672-4668-a892-956a462ab56e\"", "NPM_TOKEN",
        "346a14f2-a672-4668-a892-956a462ab56e"); /* ini: spaces around '=' */
    none("//npm.registry.test/:_authTokens=346a14f2-a672-4668-a892-956a462ab56e"); /* another key */
    one("//npm.registry.test/:_authToken= 743b294a-cd03-11ec-9d64-0242ac120002", "NPM_TOKEN",
        "743b294a-cd03-11ec-9d64-0242ac120002");
    none("///:_authToken=743b294a-cd03-11ec-9d64-0242ac120002"); /* no registry */
}

static void test_kubernetes(void **state)
{
    (void)state;
    char *v = mk("{b24}"), text[1024];
    snprintf(text, sizeof(text), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  dbpass: %s\n", v);
    one(text, "KUBERNETES_SECRET", v);
    snprintf(text, sizeof(text), "apiVersion: v1\ndata:\n  .dockercfg: |\n    %s\nkind: Secret\n", v);
    one(text, "KUBERNETES_SECRET", v);
    snprintf(text, sizeof(text), "apiVersion: v1\nkind: ConfigMap\ndata:\n  dbpass: %s\n", v);
    void *d = compile_types("KUBERNETES_SECRET", NULL);
    assert_string_equal(found_in(d, text), ""); /* not a Secret (the value is still a fine generic string) */
    rg_detector_secrets.free(d);
    free(v);
    none("kind: Secret\ndata:\n  htpasswd: {{ htpasswd }}\n  csrf: \"\"\n  extra: YmFyCg==\n");
    none("apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nspec:\n  data:\n    - secretKey: x\n");
}

/* ---- context rules -------------------------------------------------------------------- */

static void test_password_assignments(void **state)
{
    (void)state;
    one("password = \"hunter2isnotgood\"", "PASSWORD", "hunter2isnotgood");
    one("  \"api_key\": \"f3Kd9sLq0Zx7\",", "PASSWORD", "f3Kd9sLq0Zx7");
    one("DB_PASSWORD=s3cr3t-Pa55", "PASSWORD", "s3cr3t-Pa55");
    one("db_pass: P@ssw0rd$1\n", "PASSWORD", "P@ssw0rd$1");
    one("mysql --password s3cr3tPass", "PASSWORD", "s3cr3tPass");
    one("app --api-token=Zq81fXb0Lm", "PASSWORD", "Zq81fXb0Lm");
    one("if (apikey == \"Kx8#pq!2vT\") {", "PASSWORD", "Kx8#pq!2vT");
    one("if (\"Kx8#pq!2vT\" === private_key) {", "PASSWORD", "Kx8#pq!2vT");
    one("<add key=\"ClearTextPassword\" value=\"CleartextPassword1\" />", "PASSWORD", "CleartextPassword1");
    one("<password>Tr0ub4dor&amp3</password>", "PASSWORD", "Tr0ub4dor&amp3");
    one("os.getenv(\"API_TOKEN\", \"dafa7817-e246-48f3-91a7-e87653d587b8\")", "PASSWORD",
        "dafa7817-e246-48f3-91a7-e87653d587b8"); /* a random (version 4) UUID */
    one("secret := A,.:-@*?!", "PASSWORD", "A,.:-@*?!");
    one("export BUNDLE_GEMS__EXAMPLE__COM=\"cafebabe:deadbeef\"", "PASSWORD", "deadbeef");
    /* placeholders, references, templates */
    none("password = \"changeme\"; token: \"<your-token>\"; secret: \"\"");
    none("password: ${DB_PASSWORD}\npwd = %PASSWORD%\ntoken = \"{{ secrets.TOKEN }}\"");
    none("password = \"somefakekey\"; api_key = \"YOUR_API_KEY_HERE\"; token = \"token123\"");
    none("password = ,.:-@*?!");
    none("_authToken=743b294a-cd03-11ec-9d64-0242ac120002"); /* a time-based (version 1) UUID */
    /* code and names, not values */
    none("password = os.environ[\"DB_PASSWORD\"]\nconn = connect(host=host, password=password)");
    none("token = request.headers.get('X-Token')\nsecret = getpass()\napi_key = self.api_key");
    none("password: str = Field(...)\ntoken: Optional[str] = None\nsecret: string;");
    none("authorization = self.headers.get(\"authorization\")");
    none("fds_to_pass = [listener.fileno(), alive_r]\nTOKEN_MAP = {\"NAME\": token.NAME}");
    /* keys about something else */
    none("max_tokens = 4096\ntoken_count: 17\npassword_min_length = 12\nsecret_name: prod-db-credentials");
    none("\"password_hint\": \"Your first pet\"\ncsrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7");
    none("\"jsonwebtoken\": \"^9.0.0\"\npassword_policy: strict");
    none("\"password\": \"Passwort\", \"secret\": \"Geheimnis\""); /* a translation file */
    none("ibm-cloud-pwd = shorter-version\nkeyVaultToStoreSecrets: cmp2-qat-1208358310");
    /* prose */
    none("Your password is the key to your account: keep the secret, and never share tokens.");
    none("The author passed the token to the next reader, who kept the secret.");
}

static void test_weak_keys(void **state)
{
    (void)state;
    /* a name that only ends in "key": the value must look machine-made */
    char *k = mk("{A32}"), text[256];
    snprintf(text, sizeof(text), "const HEROKU_KEY = \"%s\";", k);
    one(text, "PASSWORD", k);
    free(k);
    none("sort(key = \"lastName\"); cacheKey = \"users:list:page-2\"; \"bucket_key\": \"SalesResults-1.2\"");
}

/* A UUID named as a credential is one, unless its version says it is made from a clock or a name. */
static void test_named_uuids(void **state)
{
    (void)state;
    one("const SNYK_KEY = \"3f2b8c1e-9a4d-4e7f-b2c5-6d8e0a1f3b9c\";", "PASSWORD", "3f2b8c1e-9a4d-4e7f-b2c5-6d8e0a1f3b9c");
    one("HEROKU_API_TOKEN = \"3f2b8c1e-9a4d-Ae7f-b2c5-6d8e0a1f3b9c\"", "PASSWORD",
        "3f2b8c1e-9a4d-Ae7f-b2c5-6d8e0a1f3b9c"); /* no defined version: a key in UUID shape */
    none("const SNYK_KEY = \"743b294a-cd03-11ec-9d64-0242ac120002\";"); /* version 1: time-based, an id */
    none("hubspotKey = \"6ba7b810-9dad-51d1-80b4-00c04fd430c8\""); /* version 5: name-based */
    none("api_key = \"00000000-0000-0000-0000-000000000000\""); /* the nil UUID: filler */
    none("clientId = \"73082700-1f09-405b-80d0-3131bfd6272d\"");  /* an id by its name */
}

/* Counting runs (12345678) in a full-format value are reported by default; refuse_sequences drops them. The
 * alphabet typed out stays filler either way. */
static void test_sequences(void **state)
{
    (void)state;
    const char *text = "const SNYK_KEY = \"12345678-ABCD-ABCD-ABCD-1234567890AB\";";
    one(text, "PASSWORD", "12345678-ABCD-ABCD-ABCD-1234567890AB");
    one("SONAR_TOKEN=sqa_12345678ABCDEFH1234567890ABCDEFH12345678", "PASSWORD",
        "sqa_12345678ABCDEFH1234567890ABCDEFH12345678");
    void *d = compile_types(NULL, "{\"refuse_sequences\": true}");
    assert_string_equal(found_in(d, text), "");
    char *k = mk("{A32}"), t2[256];
    snprintf(t2, sizeof(t2), "const SNYK_KEY = \"%s\";", k);
    assert_non_null(strstr(found_in(d, t2), "PASSWORD=")); /* random values stay */
    free(k);
    rg_detector_secrets.free(d);
    none("secret_key = \"sk_abcdefghijklmnopqrstuvwxyz123\""); /* the alphabet: filler */
    none("const chars = \"0123456789abcdefghijklmnopqrstuvwxyz\"");
    json_t *p = json_loads("{\"refuse_sequences\": \"yes\"}", 0, NULL);
    char err[256] = "";
    assert_null(rg_detector_secrets.compile(rg_detector_secrets.default_types, p, err, sizeof(err)));
    assert_non_null(strstr(err, "refuse_sequences"));
    json_decref(p);
}

/* Published examples (the Firebase SDK's test keys, NuGet's documented passwords) are not reported, whichever
 * rule finds them, unless allow_published_examples is false; a key of the same shape is. */
static void test_published_examples(void **state)
{
    (void)state;
    const char *texts[] = {"AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs", "apiKey: \"AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g\"",
                           "<add key=\"ClearTextPassword\" value=\"33f!!lloppa\" />",
                           "password = \"hal+9ooo_da!sY\""};
    void *off = compile_types(NULL, "{\"allow_published_examples\": false}");
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        none(texts[i]);
        assert_string_not_equal(found_in(off, texts[i]), "");
    }
    rg_detector_secrets.free(off);
    one("AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIt", "GCP_API_KEY", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIt");
    one("password = \"33f!!lloppa2\"", "PASSWORD", "33f!!lloppa2");
    json_t *p = json_loads("{\"allow_published_examples\": 1}", 0, NULL);
    char err[256] = "";
    assert_null(rg_detector_secrets.compile(rg_detector_secrets.default_types, p, err, sizeof(err)));
    assert_non_null(strstr(err, "allow_published_examples"));
    json_decref(p);
}

/* Vendors whose credential has a name of its own. */
static void test_vendor_names(void **state)
{
    (void)state;
    one("sonar.login=9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6", "PASSWORD", "9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6");
    one("SONAR_LOGIN := \"Zq81fXb0LmQ2\"", "PASSWORD", "Zq81fXb0LmQ2");
    none("user_login = \"jsmith\"; sonar_login_url = \"x7Pq2Lm9Zr4T\"");  /* not Sonar's; a URL's name */
    one("sumologic.accessId = \"suQ7x2Lp9Zk4Rt\"", "PASSWORD", "suQ7x2Lp9Zk4Rt");
    one("SUMO_ACCESS_ID: suQ7x2Lp9Zk4Rt\n", "PASSWORD", "suQ7x2Lp9Zk4Rt");
    none("sumo_access_id = \"abQ7x2Lp9Zk4Rt\"");  /* not "su" */
    none("sumo_access_id = \"suQ7x2Lp9Zk4R\"");   /* 13 characters */
    none("sumo_access_id = \"suabcdefghijkl\"");  /* one kind of character: a word */
}

/* Quoted passphrases of lower-case words for a password or secret, not labels and messages. */
static void test_passphrases(void **state)
{
    (void)state;
    one("password = \"correct horse battery staple\"", "PASSWORD", "correct horse battery staple");
    one("api_key: 'seven blue rivers 42'", "PASSWORD", "seven blue rivers 42");
    none("password = \"Enter your password\"");         /* a label */
    none("password: \"please enter a valid password\""); /* a message */
    none("secret = \"too short\"");                     /* under 12 characters */
    none("password_hint = \"name of my first dog\"");   /* a key about something else */
    none("cacheKey = \"recent search results\"");        /* not a strong name */
}

/* A password given in a sentence ("my password is X") is found when the value looks like one; prose about
 * passwords is not. */
static void test_prose_disclosures(void **state)
{
    (void)state;
    one("my password is Tr0ub4dor&3x", "PASSWORD", "Tr0ub4dor&3x");
    one("The password for the admin account is Xk9#mPq2vL!", "PASSWORD", "Xk9#mPq2vL");
    one("Hi, the WiFi password is now: sunshine2024. Enjoy!", "PASSWORD", "sunshine2024");
    one("please change the root pwd to Qz7-lm2Kp", "PASSWORD", "Qz7-lm2Kp");
    one("Her passphrase was 'correct horse battery staple'", "PASSWORD", "correct horse battery staple");
    one("the demo account password was set to 49613027", "PASSWORD", "49613027");
    /* about passwords, not one */
    none("The password is case-sensitive. The password is hashed with bcrypt before it is stored.");
    none("Your password is SHA256-hashed and salted; the password is 8-64 characters long.");
    none("Change your password to something memorable. Set the password to expire in 90 days.");
    none("The password for the wifi is on the fridge. My password was compromised in 2019.");
    none("the password is UTF-8 encoded, the password is 'password', the password is N/A");
    none("the password is MixedCase; the password is camelCaseName"); /* letters alone: a name */
    none("the boarding pass is Gate-12B; the secret is 42xyz!; the token is abc123def");
    none("The password for the shared account that the whole team uses is Kx8#pq2vLm"); /* too far from its name */
}

/* Code around a name: a declaration with direct initialisation is a value, an expression ending a statement
 * is not. */
static void test_code_forms(void **state)
{
    (void)state;
    one("std::string secret(\"Kx8#pq!2vTz\");", "PASSWORD", "Kx8#pq!2vTz");
    one("QString password(\"Kx8#pq!2vTz\");", "PASSWORD", "Kx8#pq!2vTz");
    none("return getSecret(\"Kx8#pq!2vTz\");");   /* a call, not a declaration */
    none("auto s = lookup secret(\"db-main\");");  /* no string type before the name */
    none("private_key = a1{b}c2(d]e3;\n");          /* an expression ending a statement */
    one("private_key = a1{b}c2(d]e3,\n", "PASSWORD", "a1{b}c2(d]e3"); /* the same value in a config */
    one("Server=db;Password=Kx8pq2v]Tz;Port=5432\n", "PASSWORD", "Kx8pq2v]Tz"); /* a connection string */
}

/* A path whose segment is CamelCase words is judged by its segments. */
/* One-line JSON finds what the same values one per line find: the SOPS look-back (a value inside ENC[…]) used to
 * spend the work budget on every generic candidate of a long line, and the later ones were dropped. */
static void count_spans(const char *text, size_t *n)
{
    rg_entities_t e = {0};
    assert_int_equal(rg_detector_secrets.find(det_all, text, strlen(text), &e), 0);
    rg_entities_resolve(&e);
    *n = e.n;
    rg_entities_free(&e);
}

static void test_generic_on_one_long_line(void **state)
{
    (void)state;
    enum { N = 600 };
    char spec[N * 32 + 8], *p = spec;
    p += sprintf(p, "{");
    for (int i = 0; i < N; i++)
        p += sprintf(p, "%s\"f%d\":\"{A40}\"", i ? "," : "", i);
    sprintf(p, "}");
    char *line = mk(spec);
    char *lines = strdup(line);
    for (char *q = lines; *q; q++)
        if (*q == ',')
            *q = '\n';
    size_t one_line, per_line;
    count_spans(line, &one_line);
    count_spans(lines, &per_line);
    if (per_line < N * 8 / 10 || one_line != per_line)
        fail_msg("one line: %zu spans, one per line: %zu (of %d values)", one_line, per_line, N);
    free(line);
    free(lines);
}

static void test_generic_camel_path(void **state)
{
    (void)state;
    none("Identity=\"USK@x,AQACAAE/WebOfTrustRC2/2\"");
    char *t = mk("{A12}/{A14}/{A10}"), text[256];
    snprintf(text, sizeof(text), "value %s end", t);
    assert_non_null(strstr(FOUND(text), "GENERIC_HIGH_ENTROPY="));
    free(t);
}

static void test_aws_secret(void **state)
{
    (void)state;
    char *k = mk("{b40}"), text[256];
    snprintf(text, sizeof(text), "aws_secret_access_key = %s\n", k);
    one(text, "AWS_SECRET_KEY", k);
    free(k);
    none("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"); /* AWS's documented example */
}

static void test_authorization(void **state)
{
    (void)state;
    char *t = mk("{A32}"), text[512];
    snprintf(text, sizeof(text), "curl -H \"Authorization: Bearer %s\" https://api.example.com", t);
    one(text, "PASSWORD", t);
    snprintf(text, sizeof(text), "headers = {'Authorization': 'Token %s'}", t);
    one(text, "PASSWORD", t);
    free(t);
    one("curl -H 'Authorization: Basic YnJvd3Nlcjo=' \\", "PASSWORD", "YnJvd3Nlcjo=");
    one("curl --header 'Authorization:  5eb4223e-5008-46e5-be67-c7b8f2732305'", "PASSWORD",
        "5eb4223e-5008-46e5-be67-c7b8f2732305");
    none("-H \"Authorization: Bearer XXXXXXXXXXXX\" -H \"Authorization: Bearer $API_KEY\"");
    none("--header \"Authorization: Basic ...\" -H \"Authorization: Token **********\"");
    none("Authorization: Basic bm90LWJhc2U2NC1vZi1jcmVkZW50aWFscw"); /* decodes without a ':' */
    none("Authorization: Digest username=\"Mufasa\", realm=\"x\", response=\"6629fae49393a05397450978507c4ef1\"");
}

static void test_curl_user(void **state)
{
    (void)state;
    one("curl --cacert ca.crt -u elastic:P@ssw0rd$1 https://localhost:9200", "PASSWORD", "P@ssw0rd$1");
    one("curl -u \"d2LkV78zLx!t:\" https://localhost:9200", "PASSWORD", "d2LkV78zLx!t"); /* an API key as user */
    one("curl https://api.dropbox.com/oauth2/token \\\n  --user c28wlsosanujy2z:qgsnai0xokrw4j1 --data x", "PASSWORD",
        "qgsnai0xokrw4j1");
    none("curl -i -u 'test:test'; curl -u <user:password> https://x; curl --user \"xxx:yyy\"");
    none("curl -u \"${_username}:${_password}\"; curl --user neo4j:[PASSWORD] http://x");
    none("git push -u origin main:release-2024; sudo -u postgres:postgres psql");
}

/* Config and code forms: make's ?=, C arrays, quoted YAML kinds; and random values that are no credentials:
 * SOPS ciphertext, anti-forgery tokens, a vendor prefix inside a file name. */
static void test_config_forms(void **state)
{
    (void)state;
    one("API_TOKEN ?= \"a8Kq2LmZ9xWvR4tP\"", "PASSWORD", "a8Kq2LmZ9xWvR4tP");
    one("DEPLOY_SECRET ?= a8Kq2LmZ9xWvR4tP", "PASSWORD", "a8Kq2LmZ9xWvR4tP");
    none("password ?= $(shell cat pw.txt)\nif token ?? \"a8Kq2LmZ9xWvR4tP\"");
    one("char secret[25] = \"Qz7-lm2Kp!w9\";", "PASSWORD", "Qz7-lm2Kp!w9");
    one("static const char api_key[] = \"Qz7lm2KpW9xv\";", "PASSWORD", "Qz7lm2KpW9xv");
    none("db_pass[] = 'Qz7lm2KpW9xv'; passwd[3] = Qz7lm2KpW9xv;"); /* a character constant; not a literal */
    one("apiVersion: v1\nkind: 'Secret'\nmetadata:\n  name: db\ndata:\n  extra: 'cVc3ZXJ0eTEyMyE='\n",
        "KUBERNETES_SECRET", "cVc3ZXJ0eTEyMyE=");
    one("apiVersion: \"v1\"\nkind: \"Secret\"\ndata:\n  extra: \"cVc3ZXJ0eTEyMyE=\"\n", "KUBERNETES_SECRET",
        "cVc3ZXJ0eTEyMyE=");
    none("kind: \"SecretStore\"\ndata:\n  extra: \"cVc3ZXJ0eTEyMyE=\"\n");
    none("db-password: ENC[AES256_GCM,data:O+5l4g==,iv:c/dS4BCBMbnKsXYuzBuCuVQt8RV9bOv5HgdpL+iwmns=,"
         "tag:KkQfh6OymvCt4uC13p318g==,type:str]\n");
    one("iv: ENC[x] c/dS4BCBMbnKsXYuzBuCuVQt8RV9bOv5HgdpL+iwmns=", "GENERIC_HIGH_ENTROPY",
        "c/dS4BCBMbnKsXYuzBuCuVQt8RV9bOv5HgdpL+iwmns="); /* the value closed before it */
    none("<input type=\"hidden\" name=\"authenticity_token\" "
         "value=\"Jk3nP0aQz8Lr2Vb7Xc4Wm9Ty1Ue6Si5Od0Fg3Hh8Kj2Ll7Zx4Cv9Bn1Mq6Wp0Er5Ty8Ui3Op\" />");
    one("auth_token: Jk3nP0aQz8Lr2Vb7Xc4Wm9Ty1Ue6Si5Od0Fg3Hh8Kj2Ll7Zx4Cv9Bn1Mq6Wp0Er5Ty8Ui3Op", "PASSWORD",
        "Jk3nP0aQz8Lr2Vb7Xc4Wm9Ty1Ue6Si5Od0Fg3Hh8Kj2Ll7Zx4Cv9Bn1Mq6Wp0Er5Ty8Ui3Op");
    none("see http://cdn.example.org/media/video_box.ico-7a388b69018576d24b59331fd60aab0c.png");
    one("my infracost key is ico-7a388b69018576d24b59331fd60aab0c ok", "SAAS_TOKEN",
        "ico-7a388b69018576d24b59331fd60aab0c");
}

/* A MySQL / MariaDB password glued to -p, found from the program's name along its command. */
static void test_mysql_password(void **state)
{
    (void)state;
    one("then run mysql -u root -pQz7lm2Kp shop", "PASSWORD", "Qz7lm2Kp");
    one("mysqldump -h db.internal -u backup -p\"Tr0ub4dor&3\" --all-databases > all.sql", "PASSWORD", "Tr0ub4dor&3");
    one("mariadb --user=app -pW9x!kq2LmZ", "PASSWORD", "W9x!kq2LmZ");
    one("sudo mysqladmin -u root -pHunter22x \\\n  -h 10.0.0.1 status", "PASSWORD", "Hunter22x");
    one("mkdir -pAbc12345x; mysql -u root -pQz7lm2Kp; echo -pAbc12345y", "PASSWORD", "Qz7lm2Kp");
    none("mysql -u root -p shop");                              /* a bare -p asks for it */
    none("mysql -u root -p$MYSQL_PWD; mysql -u root -ppassword"); /* a reference, a dull word */
    none("mysql-connector -u x -pQz7lm2Kp; ssh -u x -pQz7lm2Kp; tar -u -pQz7lm2Kp");
    one("mysql -uroot -pQz7lm2Kp shop", "PASSWORD", "Qz7lm2Kp"); /* no -u / --user of its own */
    one("docker exec -it db mysql -pQz7lm2Kp -e 'show tables'", "PASSWORD", "Qz7lm2Kp");
    one("mariadb-dump -pQz7lm2Kp shop > shop.sql", "PASSWORD", "Qz7lm2Kp");
    one("/usr/bin/mysql -pQz7lm2Kp", "PASSWORD", "Qz7lm2Kp");
    none("pip install pymysql -pQz7lm2Kp; libmysql -pQz7lm2Kp; MySQL -pQz7lm2Kp");
    none("Install `mysql`, then run `mkdir -pQz7lm2Kp dir`");
}

/* Passwords given on other programs' command lines (secrets_cmdline.c): each option only in its program's command,
 * references and dull words left alone (issue 4: all of these but the --password forms were missed). */
static void test_cmdline_passwords(void **state)
{
    (void)state;
    one("docker login -u admin -p Xk9vTq2LmZ registry.local", "PASSWORD", "Xk9vTq2LmZ");
    one("podman login -u bob -p 'Rt5yU8iOp2' quay.local", "PASSWORD", "Rt5yU8iOp2");
    one("sshpass -p 'Gh4jK8lMn2' ssh root@10.0.0.5", "PASSWORD", "Gh4jK8lMn2");
    one("sshpass -pGh4jK8lMn2 scp file.txt deploy@host:/tmp", "PASSWORD", "Gh4jK8lMn2");
    one("redis-cli -h cache.internal -p 6379 -a Vb8nM3qWe7 ping", "PASSWORD", "Vb8nM3qWe7");
    one("sqlcmd -S db01 -U sa -P 'Zx9cV2bN5m!' -Q \"SELECT 1\"", "PASSWORD", "Zx9cV2bN5m!");
    one("smbclient //fileserver/share -U alice%Wq3eR7tYu1", "PASSWORD", "Wq3eR7tYu1");
    one("smbclient -L //nas -U 'CORP\\alice%Wq3eR7tYu2'", "PASSWORD", "Wq3eR7tYu2");
    one("ldapsearch -x -H ldap://dc1 -D \"cn=admin,dc=corp\" -w Pl0kMi9Jn8 -b \"dc=corp\"", "PASSWORD", "Pl0kMi9Jn8");
    one("ldapmodify -D cn=admin -wPl0kMi9Jn7 -f change.ldif", "PASSWORD", "Pl0kMi9Jn7");
    one("xfreerdp /v:10.1.1.5 /u:administrator /p:Aq1Sw2De3Fr4", "PASSWORD", "Aq1Sw2De3Fr4");
    one("keytool -importcert -keystore truststore.jks -storepass Ty6Ui8Op0Ka -file ca.pem", "PASSWORD", "Ty6Ui8Op0Ka");
    one("keytool -genkeypair -alias srv -keypass Mn4Bv6Cx8Za -keystore ks.jks", "PASSWORD", "Mn4Bv6Cx8Za");
    one("htpasswd -b /etc/nginx/.htpasswd admin Kj7Hg5Fd3Sa", "PASSWORD", "Kj7Hg5Fd3Sa");
    one("htpasswd -bc .htpasswd deploy Lk8Jh6Gf4Ds", "PASSWORD", "Lk8Jh6Gf4Ds");
    one("htpasswd -nb admin Po9Iu7Yt5Re", "PASSWORD", "Po9Iu7Yt5Re");
    one("sqlplus scott/Tg5Rf4Ed3Ws@orcl", "PASSWORD", "Tg5Rf4Ed3Ws");
    one("plink -ssh -l root -pw Qa2Ws3Ed4Rf 192.168.1.10", "PASSWORD", "Qa2Ws3Ed4Rf");
    one("pscp -pw Za1Xs2Cd3Vf file.txt root@host:/tmp", "PASSWORD", "Za1Xs2Cd3Vf");
    one("ipmitool -I lanplus -H 10.0.0.9 -U ADMIN -P Hy6Tg5Rf4Ed chassis status", "PASSWORD", "Hy6Tg5Rf4Ed");
    one("lftp -u ftpuser,Ju7Yh6Tg5Rf ftp.example.org", "PASSWORD", "Ju7Yh6Tg5Rf");
    one("mongosh \"mongodb://db:27017\" -u admin -p Ki8Ju7Hy6Tg --authenticationDatabase admin", "PASSWORD", "Ki8Ju7Hy6Tg");
    one("az login --service-principal -u http://app -p Lo9Ki8Ju7Hy --tenant contoso", "PASSWORD", "Lo9Ki8Ju7Hy");
    one("oc login https://api.cluster:6443 -u developer -p Mj6Nh5Bg4Vf", "PASSWORD", "Mj6Nh5Bg4Vf");
    one("unzip -P Wd3Ef4Rg5Th secret.zip", "PASSWORD", "Wd3Ef4Rg5Th");
    one("evil-winrm -i 10.0.0.3 -u Administrator -p 'Nb7Vc6Xz5As'", "PASSWORD", "Nb7Vc6Xz5As");
    one("nmcli device wifi connect HomeNet password Bg5Nh6Mj7Ki", "PASSWORD", "Bg5Nh6Mj7Ki");
    one("sudo docker login -u x -p Xk9vTq2LmZ", "PASSWORD", "Xk9vTq2LmZ");
    one("sshpass -p Gh4jK8lMn2 \\\n  ssh root@h", "PASSWORD", "Gh4jK8lMn2"); /* a line continued by '\\' */
    one("xfreerdp3 /u:admin /p:Aq1Sw2De3Fr4 /v:host", "PASSWORD", "Aq1Sw2De3Fr4");
    one("rabbitmqctl add_user alice S3cretRabbit9", "PASSWORD", "S3cretRabbit9");
    one("sudo rabbitmqctl change_password admin N3wPassw0rd!", "PASSWORD", "N3wPassw0rd!");
    one("rabbitmqctl -n rabbit@mq1 add_user svc Qw8eRt6yUi", "PASSWORD", "Qw8eRt6yUi");
    one("net user alice P@ssw0rd123 /add", "PASSWORD", "P@ssw0rd123");
    one("net use Z: \\\\fileserver\\share Summer2024! /user:CORP\\alice", "PASSWORD", "Summer2024!");
    one("net use \\\\fs01\\ipc$ Hx4jR8wQz2 /user:admin", "PASSWORD", "Hx4jR8wQz2");
    one("7z a -t7z -mhe=on -pKx8vTq2LmZ backup.7z /srv/data", "PASSWORD", "Kx8vTq2LmZ");
    one("7za x archive.7z -p'Rt5yU8iOp2' -o/tmp/out", "PASSWORD", "Rt5yU8iOp2");
    one("7zr e notes.7z -pHq3wEr5tYu", "PASSWORD", "Hq3wEr5tYu");
    one("zip -r -P Wd3Ef4Rg5Tj secret.zip docs/", "PASSWORD", "Wd3Ef4Rg5Tj");
    one("zip --password Wd3Ef4Rg6Th out.zip report.pdf", "PASSWORD", "Wd3Ef4Rg6Th");
    one("7zz a -pKx8vTq2LmZ backup.7z /srv/data", "PASSWORD", "Kx8vTq2LmZ");
    one("7z\ta -pKx8vTq2LmY b.7z dir", "PASSWORD", "Kx8vTq2LmY");
    one("\"C:\\Program Files\\7-Zip\\7z.exe\" a -pKx8vTq2LmX b.7z dir", "PASSWORD", "Kx8vTq2LmX");
    one("plink.exe -ssh -l root -pw Qa2Ws3Ed4Rg 192.168.1.10", "PASSWORD", "Qa2Ws3Ed4Rg");
    one("zip\t-P Wd3Ef4Rg5Tk secret.zip docs/", "PASSWORD", "Wd3Ef4Rg5Tk");
    none("Use zip -P only when you must; with zip --password anything goes."); /* words, not passwords */
    none("Grab the 7z archive -pretty big and unpack it.");
    none("7z a -p backup.7z /srv/data");       /* -p alone: 7z asks for it */
    none("7z x backup.7z -p$ARCHIVE_PASS");
    none("cp out.7z -pKx8vTq2LmZ");            /* `.7z`: a file name, not the program */
    none("gzip -P Wd3Ef4Rg5Tj file.txt");      /* not zip */
    none("zip -P password out.zip notes.txt"); /* a placeholder word */
    none("The zip code -P 94107 and 7z files.");
    none("rabbitmqctl add_user alice $RABBIT_PASS");
    none("rabbitmqctl list_users alice Zebra99x"); /* not a sub-command that takes one */
    none("net user alice * /add");                 /* '*': net asks for it */
    none("net use Z: \\\\fs01\\home * /user:bob");
    none("net use \\\\fs01\\public /user:guest");
    none("The net user interface is simple and internet use grew in 2024.");
    none("docker run -p 8080:80 -d nginx");
    none("docker login -u admin -p $DOCKER_PASSWORD registry.local");
    none("docker login --password-stdin -u ci registry.local");
    none("redis-cli -h localhost -p 6379 ping");
    none("redis-cli -a \"$REDIS_PASSWORD\" info");
    none("sshpass -p \"$SSHPASS\" ssh user@host");
    none("sshpass -p <password> ssh user@host");
    none("sqlcmd -S server -U sa -P <YourStrong@Passw0rd>");
    none("smbclient //server/share -U alice");
    none("smbclient -U user%password //server/share");
    none("ldapsearch -x -D \"cn=admin\" -w secret -b dc=example");
    none("ldapsearch -x -W -D cn=admin");
    none("xfreerdp /v:host /u:user /p:PASSWORD");
    none("xfreerdp /v:host /u:user /p:<password>");
    none("keytool -list -keystore cacerts -storepass changeit");
    none("htpasswd -c /etc/apache2/.htpasswd admin");
    none("htpasswd -b .htpasswd user password");
    none("sqlplus / as sysdba");
    none("sqlplus username/password@database");
    none("sqlplus sys/<password>@orcl as sysdba");
    none("plink -ssh user@host -pw %PASSWORD%");
    none("lftp -u user sftp://host");
    none("mongosh --host db -u admin -p");
    none("unzip -P password archive.zip");
    none("The docker login command accepts -p but you should prefer --password-stdin.");
    none("Use sshpass -p only in throwaway environments.");
    none("mysql -u root -p shop");
    none("curl -u user https://example.com");
    none("nmcli connection show");
    none("evil-winrm -i host -u user -H 32ed87bdb5fdc5e9cba88547376818d4");
    none("ipmitool -I lanplus -H host -U ADMIN -P ADMIN power status");
    none("git login -p Xk9vTq2LmZ");
    none("ssh -p 2222 user@host");
    none("kubectl port-forward svc/web 8080:80 -p Xk9vTq2LmZ");
}

static void test_basic_auth_url(void **state)
{
    (void)state;
    one("DATABASE_URL=postgres://app:kT9v2LqP@db.internal:5432/app", "BASIC_AUTH_URL", "app:kT9v2LqP");
    one("redis://:Zr8nq1xLk@cache:6379/0", "BASIC_AUTH_URL", ":Zr8nq1xLk");
    one("https://cafebabe:deadbeef@gems.contribsys.com/", "BASIC_AUTH_URL", "cafebabe:deadbeef");
    none("'https://url:8000';@something else");
    none("https://url:8000/ @something else");
    none("postgres://user:password@localhost/db mongodb+srv://admin:<password>@cluster0.example.net");
    none("http://admin:${ADMIN_PASSWORD}@localhost git@github.com:org/repo.git https://user@host/x");
}

/* Cloudflare keys have no prefix: named "cloudflare" on their line (found 2026-11-22 on the held-out stand-in). */
static void test_cloudflare(void **state)
{
    (void)state;
    one("cloudflare: \"0574b9f43978174cc2cb9a1068681225433c4\"", "SAAS_TOKEN", "0574b9f43978174cc2cb9a1068681225433c4");
    one("# Cloudflare API token\nterraform { }\ncloudflare_token = Bu0rrK-lerk6y0Suqo1qSqlDDajOk61wZchCkje4", "SAAS_TOKEN",
        "Bu0rrK-lerk6y0Suqo1qSqlDDajOk61wZchCkje4");
    none("the cloudflare fix landed in 3f786850e387550fdab836ed7e6dc881de23001b"); /* a 40-hex commit */
    none("cloudflare:\n0574b9f43978174cc2cb9a1068681225433c4");                      /* not on its line */
    none("cloudflare: 0574b9f43978174cc2cb9a1068681225433c4a1");                     /* 39 hex: no global key */
}

/* Identifiers are not secrets: values named as an id, API object ids, publishable keys (secrets_ids.c). */
static void test_identifiers(void **state)
{
    (void)state;
    const char *ids[] = {
        "{\"role\": \"tool\", \"tool_call_id\": \"call_8fJ2kqZx7LmN3pQw9RtY5vBc\"}",
        "runs: run_Qz7lm2KpXv9wRt4Yb8NcDe, asst_9Kq2LmZx8Np3Wr5Tv7Ys1Bc, file-BK7bzQj3FfZFXr7DbL6xJwfo",
        "{\"id\": \"toolu_01Xq8Lm2Xv9wRt4Yb8NcDe1Fg5\", \"type\": \"tool_use\"}",
        "{\"customer\": \"cus_NffrFeUfNV2HibQz7lm2Kp\", \"payment_intent\": \"pi_3MtwBwLkdIwHu7ix28a3tqPa\"}",
        "\"requestId\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7\"", "x-request-id: Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7",
        "\"credentialID\": \"B9mTcFSck2LzJO2S3ols63\"", "Request ID: 7Kq2LmZx8Np3Wr5Tv7Ys1BcQ9",
        "TRACE_ID=Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7", "{\"uid\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7\"}", "firebaseUid: Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7",
        "device_uuid := \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7\"",
        "Stripe('pk_live_j5krY8XTgIcDaHDb3YrsAfCl')",
        /* pagination cursors, by either rule: the generic one (secrets_ids.c) and the named one (key words) */
        "{\"files\": [], \"nextPageToken\": \"AJ-q8Kz7Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0Qs6u\"}",
        "{\"pageInfo\": {\"endCursor\": \"Y3Vyc29yOnYyOpHOAbCdEfQz7lm2Kp\"}}",
        "NextToken: Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0", "{\"continuation_token\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0\"}",
        "NextMarker=Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0",
    };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        none(ids[i]);
    /* not ids: a session id is a bearer credential; "valid", "android" end in "id" but name no id; a prefix
     * whose body has more separators; a vendor secret under an id name */
    one("\"sessionId\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7\"", "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7");
    one("\"valid\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7\"", "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7");
    one("android: Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7", "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7");
    one("fluid: Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7", "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7");
    one("call_8fJ2kqZx7LmN3pQw9RtY5vBc_Zq8Lm2Xv9w-x", "GENERIC_HIGH_ENTROPY", "call_8fJ2kqZx7LmN3pQw9RtY5vBc_Zq8Lm2Xv9w-x");
    one("{\"access_token\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0\", \"token_type\": \"Bearer\"}", "PASSWORD",
        "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0");
    one("NEXTAUTH_SECRET=Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0", "PASSWORD", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0");
    one("NEXT_AUTH_SECRET=correcthorsebattery42", "PASSWORD", "correcthorsebattery42");
    one("next_password = \"Tr0ub4dor&3x\"", "PASSWORD", "Tr0ub4dor&3x");
    /* ids that are credentials: session and secret ids, a token's id, and a name too long to read whole */
    one("sess_id=Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7", "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7");
    one("VAULT_SECRET_ID=Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0Qs", "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7Kp0Qs");
    one_tok("{\"token\": {\"id\": \"", "gAAAAAB{A120}", "\"}}", "GENERIC_HIGH_ENTROPY");
    one("\"session_cookie_value_for_the_authenticated_user_of_this_request_id\": \"Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7\"",
        "GENERIC_HIGH_ENTROPY", "Zq8Lm2Xv9wRt4Yb8NcDe1Fg5Hj7");
    one("\"key_id\": \"sk_live_Qz7lm2KpXv9wRt4Yb8NcDe1F\"", "STRIPE_KEY", "sk_live_Qz7lm2KpXv9wRt4Yb8NcDe1F");
}

/* How many spans FOUND(text) reports. */
static size_t found_count(const char *text)
{
    const char *got = FOUND(text);
    size_t n = got[0] != '\0';
    for (const char *p = got; (p = strstr(p, " | ")) != NULL; p += 3)
        n++;
    return n;
}

/* lines lines of width characters of class cls ('b' base64, 'B' base64url) cut from one random string, joined
 * by sep (after each), then last ("" for none) on a line of its own. */
static void b64_lines(char *out, size_t cap, int lines, int width, char cls, const char *last, const char *sep)
{
    char spec[16];
    snprintf(spec, sizeof(spec), "{%c%d}", cls, lines * width);
    char *r = mk(spec);
    out[0] = '\0';
    for (int i = 0; i < lines; i++) {
        strncat(out, r + (size_t)i * (size_t)width, (size_t)width < cap - strlen(out) - 1 ? (size_t)width : 0);
        strncat(out, sep, cap - strlen(out) - 1);
    }
    if (last[0] != '\0') {
        strncat(out, last, cap - strlen(out) - 1);
        strncat(out, sep, cap - strlen(out) - 1);
    }
    free(r);
}

/* base64 wrapped at one width is data (secrets_data.c); keys on lines of their own are not. */
static void test_wrapped_base64(void **state)
{
    (void)state;
    char block[2048], text[2200];
    b64_lines(block, sizeof(block), 5, 76, 'b', "Qz7lm2Kp+Xv9wRt4Yb8NcDe1Fg5Hj7==", "\r\n"); /* MIME */
    snprintf(text, sizeof(text), "Content-Transfer-Encoding: base64\r\n\r\n%s--b1--", block);
    none(text);
    b64_lines(block, sizeof(block), 3, 64, 'b', "Qz7lm2Kp+Xv9wRt4Yb8N", "\n"); /* PEM's width, a shorter end */
    snprintf(text, sizeof(text), "here is the file:\n%sthanks", block);
    none(text);
    b64_lines(block, sizeof(block), 6, 64, 'b', "", "\n"); /* six full lines */
    none(block);
    /* keys, one per line: too few lines, no data-like end, base64url, narrower than wrapping, mixed widths */
    b64_lines(block, sizeof(block), 3, 64, 'b', "", "\n");
    assert_int_equal(found_count(block), 3);
    b64_lines(block, sizeof(block), 3, 64, 'b', "thanks", "\n");
    assert_int_equal(found_count(block), 3);
    b64_lines(block, sizeof(block), 2, 76, 'b', "", "\n");
    assert_int_equal(found_count(block), 2);
    b64_lines(block, sizeof(block), 6, 64, 'B', "", "\n");
    assert_int_equal(found_count(block), 6);
    b64_lines(block, sizeof(block), 4, 40, 'b', "", "\n");
    assert_int_equal(found_count(block), 4);
    char *r = mk("{b200}");
    snprintf(text, sizeof(text), "%.64s\n%.70s\n%.66s\n", r, r + 64, r + 134);
    assert_int_equal(found_count(text), 3);
    snprintf(text, sizeof(text), "key: %.64s\n%.64s\n%.64s\n%.20s==\n", r, r + 64, r + 128, r + 192);
    assert_int_equal(found_count(text), 1); /* a wrapped value: its first line, after a name, is reported */
    snprintf(text, sizeof(text), "key: %.64s\n%.64s\n%.64s\n", r, r + 64, r + 128);
    assert_int_equal(found_count(text), 3); /* two full lines after it and no end: keys */
    free(r);
}

/* ---- the generic rule -------------------------------------------------------------------- */

static void test_generic(void **state)
{
    (void)state;
    one_tok("the key is ", "{A32}", " ok", "GENERIC_HIGH_ENTROPY");
    one_tok("config: ", "{b40}==", "\n", "GENERIC_HIGH_ENTROPY");
    /* hashes, alone or in context */
    none("commit 9a038989604e8da62ecddbe2094b16ce1b778be1 fixed it");
    none("sha256: 3f2a5c0e9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f");
    char *t = mk("{b64}"), text[512];
    snprintf(text, sizeof(text), "\"integrity\": \"sha512-%s\"", t);
    none(text);
    snprintf(text, sizeof(text), "checksum: %s", t);
    none(text);
    snprintf(text, sizeof(text), "\"salt\": \"%.24s\",", t);
    none(text);
    snprintf(text, sizeof(text), "<img src=\"data:image/png;base64,%s\">", t);
    none(text);
    snprintf(text, sizeof(text), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%.43s user@host", t);
    none(text);
    free(t);
    /* ids, versions, paths, names, words */
    none("request 3b241101-e2bb-4255-8caf-4136c566a962 and 0x9ddfea08eb382d69ULL");
    none("version 1.4.2-rc.1+build.20240101 of com.example.service.PaymentGatewayClient");
    none("/usr/local/lib/python3.11/site-packages/numpy/core/_multiarray_umath.so");
    none("xsltPointerListAddSize V4L2_PIX_FMT_SGRBG10ALAW8 getDefaultMonthInYear SOME_LONG_CONSTANT_NAME_HERE");
    none("Pneumonoultramicroscopicsilicovolcanoconiosis and antidisestablishmentarianism");
    none("https://docs.google.com/document/d/1rda3yKGHimKIhg5YeoAmCOtyURgsbTH_qaYR79FELlk/edit");
    none("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"); /* base64 of text: a JWT header */
    none("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t");
    none("export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...");
    none("MZ1yGvKTjE0rY0cV8i47CjAa.uRHQPq.Xb1Mk2nEhe-4iUcrGOuegj57zM"); /* parts of a dotted name */
}

static void test_generic_parameters(void **state)
{
    (void)state;
    char *t = mk("{A24}"), text[256];
    snprintf(text, sizeof(text), "value %s end", t);
    void *d = compile_types("GENERIC_HIGH_ENTROPY", "{\"min_length\": 30}");
    assert_string_equal(found_in(d, text), "");
    rg_detector_secrets.free(d);
    d = compile_types("GENERIC_HIGH_ENTROPY", "{\"min_length\": 16}");
    assert_non_null(strstr(found_in(d, text), "GENERIC_HIGH_ENTROPY="));
    rg_detector_secrets.free(d);
    d = compile_types("GENERIC_HIGH_ENTROPY", "{\"entropy_threshold\": 0.99}"); /* near the most there is */
    assert_string_equal(found_in(d, text), "");
    rg_detector_secrets.free(d);
    d = compile_types("GENERIC_HIGH_ENTROPY", "{\"entropy_threshold\": 3.5}"); /* in bits per character */
    assert_non_null(strstr(found_in(d, text), "GENERIC_HIGH_ENTROPY="));
    rg_detector_secrets.free(d);
    free(t);
    const char *bad[] = {"{\"entropy_threshold\": 0}", "{\"entropy_threshold\": -1}", "{\"entropy_threshold\": 7}",
                         "{\"entropy_threshold\": \"high\"}", "{\"min_length\": 7}", "{\"min_length\": 300}",
                         "{\"min_length\": 20.5}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *p = json_loads(bad[i], 0, NULL);
        char err[256] = "";
        assert_null(rg_detector_secrets.compile(rg_detector_secrets.default_types, p, err, sizeof(err)));
        assert_true(strstr(err, "entropy_threshold") != NULL || strstr(err, "min_length") != NULL);
        json_decref(p);
    }
}

/* A token at every offset around the 64-byte blocks of the token pass, runs across block edges, runs longer
 * than a block, and min_length above 64. */
static void test_token_pass_blocks(void **state)
{
    (void)state;
    char *tok = mk("{A40}");
    char text[512];
    for (size_t off = 0; off < 200; off++) {
        memset(text, ' ', off);
        for (size_t k = 0; k + 1 < off; k++)
            if (k % 7 == 3)
                text[k] = 'w'; /* short words in between */
        snprintf(text + off, sizeof(text) - off, "%s tail", tok);
        char want[128];
        snprintf(want, sizeof(want), "GENERIC_HIGH_ENTROPY=%s", tok);
        if (strcmp(FOUND(text), want) != 0)
            fail_msg("offset %zu: got %s", off, FOUND(text));
    }
    free(tok);
    tok = mk("{A150}");
    void *d = compile_types("GENERIC_HIGH_ENTROPY", "{\"min_length\": 100}");
    for (size_t off = 0; off < 70; off++) {
        memset(text, '.', off);
        snprintf(text + off, sizeof(text) - off, " %s ", tok);
        char want[256];
        snprintf(want, sizeof(want), "GENERIC_HIGH_ENTROPY=%s", tok);
        if (strcmp(found_in(d, text), want) != 0)
            fail_msg("long run at %zu: got %s", off, found_in(d, text));
    }
    rg_detector_secrets.free(d);
    free(tok);
    /* Discord tokens found by the same pass, whatever the offset */
    tok = mk("MTA{B21}.{B6}.{B30}");
    for (size_t off = 0; off < 70; off++) {
        memset(text, ' ', off);
        snprintf(text + off, sizeof(text) - off, "%s!", tok);
        char want[128];
        snprintf(want, sizeof(want), "DISCORD_TOKEN=%s", tok);
        if (strcmp(FOUND(text), want) != 0)
            fail_msg("discord at %zu: got %s", off, FOUND(text));
    }
    free(tok);
}

/* Only the chosen types are reported; a detector with only context types has no generic pass. */
static void test_type_subsets(void **state)
{
    (void)state;
    char *t = mk("ghp_{A36}"), text[256];
    snprintf(text, sizeof(text), "password = \"%s\"", t);
    void *d = compile_types("PASSWORD", NULL);
    char want[128];
    snprintf(want, sizeof(want), "PASSWORD=%s", t);
    assert_string_equal(found_in(d, text), want);
    rg_detector_secrets.free(d);
    snprintf(want, sizeof(want), "GITHUB_TOKEN=%s", t);
    assert_string_equal(FOUND(text), want); /* the format wins over its context on the same span */
    d = compile_types("GENERIC_HIGH_ENTROPY", NULL); /* no pattern at all: only the token pass */
    assert_non_null(strstr(found_in(d, text), "GENERIC_HIGH_ENTROPY="));
    rg_detector_secrets.free(d);
    free(t);
}

/* ---- the check -------------------------------------------------------------------------- */

typedef struct {
    rg_guard_text_t text;
    rg_text_part_t part;
    rg_check_env_t env;
    rg_check_result_t res;
} run_t;

static void run_check(run_t *r, const char *params, const char *text)
{
    const rg_check_ops_t *ops = rg_check_find("railgate.secrets");
    assert_non_null(ops);
    json_t *p = json_loads(params, 0, NULL);
    char err[256] = "";
    void *c = ops->compile(p, err, sizeof(err));
    json_decref(p);
    if (c == NULL)
        fail_msg("compile: %s", err);
    memset(r, 0, sizeof(*r));
    r->part.s = text;
    r->part.len = strlen(text);
    r->text.parts = &r->part;
    r->text.n = 1;
    r->text.joined = (char *)text;
    r->text.joined_len = strlen(text);
    r->env.text = &r->text;
    ops->run(c, &r->env, &r->res);
    tc_data_tree(&r->res);
    ops->free(c);
}

static void test_check_redact_mask(void **state)
{
    (void)state;
    char *k1 = mk("AKIA{U16}"), *k2 = mk("AKIA{Z16}"), text[256], want[256];
    snprintf(text, sizeof(text), "key=%s other=%s again=%s", k1, k2, k1);
    run_t r;
    run_check(&r, "{\"action\": \"redact\"}", text);
    assert_int_equal(r.res.verdict, 1);
    assert_true(r.res.transformed);
    assert_string_equal(r.res.parts[0], "key=[AWS_ACCESS_KEY_1] other=[AWS_ACCESS_KEY_2] again=[AWS_ACCESS_KEY_1]");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.res.data, "counts"), "AWS_ACCESS_KEY")), 3);
    rg_check_result_clear(&r.res, 1);

    run_check(&r, "{\"action\": \"mask\", \"entities\": [\"aws_access_key\"]}", text);
    snprintf(want, sizeof(want), "key=****************%s other=****************%s again=****************%s",
             k1 + 16, k2 + 16, k1 + 16);
    assert_string_equal(r.res.parts[0], want);
    rg_check_result_clear(&r.res, 1);

    run_check(&r, "{}", text);
    assert_int_equal(r.res.verdict, 0); /* detect: anything found fails */
    json_t *first = json_array_get(json_object_get(r.res.data, "entities"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "type")), "AWS_ACCESS_KEY");
    assert_int_equal(json_integer_value(json_object_get(first, "start")), 4);
    assert_int_equal(json_integer_value(json_object_get(first, "end")), 24);
    assert_null(strstr(json_string_value(json_object_get(first, "excerpt")), k1)); /* never the raw value */
    rg_check_result_clear(&r.res, 1);

    run_check(&r, "{}", "nothing to see here, just prose about keys and tokens.");
    assert_int_equal(r.res.verdict, 1);
    rg_check_result_clear(&r.res, 1);

    /* PASSWORD spans the value only */
    run_check(&r, "{\"redact\": true}", "db_password = \"Zq81fXb0Lm!\"\n");
    assert_string_equal(r.res.parts[0], "db_password = \"[PASSWORD_1]\"\n");
    rg_check_result_clear(&r.res, 1);
    free(k1);
    free(k2);
}

/* Counting typed on through zero (1234567890123...) in a value no format validated is filler; a full vendor
 * format with a counting body stays reported (refuse_sequences decides), as does a shorter run. */
static void test_counting_filler(void **state)
{
    (void)state;
    none("API_TOKEN=tok_1234567890123456abcd");
    none("SHOP_SECRET = \"zz-01234567890123-Q\"");
    one("API_TOKEN=tok_1234567890Xq8rZk", "PASSWORD", "tok_1234567890Xq8rZk"); /* a run of 10: kept */
    one_tok("SLACK_BOT_TOKEN=", "xoxb-123456789012-{A24}", "", "SLACK_TOKEN"); /* a full format: the vendor rule */
    /* the generic rule: a machine-made run that counts through zero reads as filler */
    none("value aB3xK9qZ1234567890123wYt5Lm2Pq here");
    char *k = mk("{A28}"), text[128];
    snprintf(text, sizeof(text), "value %s here", k);
    assert_non_null(strstr(found_in(det_all, text), "GENERIC_HIGH_ENTROPY="));
    free(k);
}

/* An unquoted value built from a variable (pre${DB_PASS}, {{ .Values.x }}) is a template, not the secret;
 * quoted values and passwords that merely contain $ or braces are still values. */
static void test_bare_templates(void **state)
{
    (void)state;
    none("password = abc${DB_PASSWORD}");
    none("DB_PASS=Xy7${SUFFIX:-dev}\nsecret: pre-{{.Values.db.secret}}\ntoken=$(VAULT_TOKEN)x9");
    one("password = \"abc${DB_PASSWORD}\"", "PASSWORD", "abc${DB_PASSWORD}"); /* quoted: kept */
    one("db_pass: P@ss${w0rd]x", "PASSWORD", "P@ss${w0rd]x");    /* no well-formed reference */
    one("password = Xy7$DBq9{z}", "PASSWORD", "Xy7$DBq9{z}");
    one("password = m{{h}o)p$x}}z9", "PASSWORD", "m{{h}o)p$x}}z9"); /* braces inside {{ }}: not an expression */
}

/* Vendor prefixes inside runs of token characters: at every offset across the 64-byte blocks of the token
 * pass, at the start of a run, after '/', '_', '-', '+' inside a longer run, not after a letter or digit;
 * with only that type chosen; and the pass going on after a Discord token, whose dotted parts it steps over. */
static void test_prefixes_in_runs(void **state)
{
    (void)state;
    char *tok = mk("ghp_{A36}"), text[512], want[128];
    snprintf(want, sizeof(want), "GITHUB_TOKEN=%s", tok);
    void *d = compile_types("GITHUB_TOKEN", NULL);
    const char *before[] = {"", "path/to/", "x_", "ci-", "a+"};
    for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
        for (size_t off = 0; off < 140; off++) {
            memset(text, ' ', off);
            for (size_t k = 0; k + 1 < off; k++)
                if (k % 5 == 2)
                    text[k] = 'w';
            snprintf(text + off, sizeof(text) - off, "%s%s%s", before[b], tok, off % 3 ? " end" : "");
            if (strcmp(found_in(d, text), want) != 0)
                fail_msg("'%s' at %zu: got %s", before[b], off, found_in(d, text));
        }
    snprintf(text, sizeof(text), "x%s and 9%s", tok, tok); /* glued to a letter or digit on the left */
    assert_string_equal(found_in(d, text), "");
    rg_detector_secrets.free(d);
    free(tok);
    /* the shortest: AKIA + 16 is exactly SEC_RULE_RUN long */
    tok = mk("AKIA{U16}");
    snprintf(text, sizeof(text), "id=%s", tok);
    snprintf(want, sizeof(want), "AWS_ACCESS_KEY=%s", tok);
    d = compile_types("AWS_ACCESS_KEY", NULL);
    assert_string_equal(found_in(d, text), want);
    rg_detector_secrets.free(d);
    free(tok);
    /* after a Discord token, whose dotted parts the pass steps over */
    char *dt = mk("MTA{B21}.{B6}.{B30}");
    tok = mk("npm_{A36}");
    snprintf(text, sizeof(text), "%s %s", dt, tok);
    assert_non_null(strstr(FOUND(text), "DISCORD_TOKEN="));
    assert_non_null(strstr(FOUND(text), "NPM_TOKEN="));
    free(dt);
    free(tok);
}

static void test_check_parameters(void **state)
{
    (void)state;
    const rg_check_ops_t *ops = rg_check_find("railgate.secrets");
    const char *bad[] = {"{\"entities\": [\"NOPE\"]}", "{\"entropy_threshold\": 9}", "{\"unknown\": 1}",
                         "{\"min_length\": \"20\"}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *p = json_loads(bad[i], 0, NULL);
        char err[512] = "";
        assert_null(ops->compile(p, err, sizeof(err)));
        assert_true(err[0] != '\0');
        json_decref(p);
    }
    json_t *p = json_loads("{\"entities\": [\"JWT\", \"private_key\"], \"entropy_threshold\": 0.7, \"min_length\": 24}", 0,
                           NULL);
    char err[256] = "";
    void *c = ops->compile(p, err, sizeof(err));
    assert_non_null(c);
    ops->free(c);
    json_decref(p);
}

/* The token pass's block scanners (bytes, SSE2, AVX2 with its superset pre-mask) find the same spans: texts
 * of words, token runs of 1 to 90 and the superset-only characters (, : ; = @ ~ .) that make a superset run
 * without a token run, at every offset across 64-byte blocks. */
static void test_token_pass_levels(void **state)
{
    (void)state;
    static const char extra[] = ",:;=@~.<>?[]^`{|}\xC3\xA9";
    static const char tokc_[] = "abcXYZ0189+/_-";
    char err[256];
    /* the shortest run the pass looks for: 20 (the default; the 16-32 loop), 12 (below it), 40 and 100 (generic
     * only: above it, and above one block) */
    json_t *p12 = json_pack("{s:i}", "min_length", 12), *p40 = json_pack("{s:i}", "min_length", 40),
           *p100 = json_pack("{s:i}", "min_length", 100);
    const uint64_t generic = (uint64_t)1 << T_GENERIC_HIGH_ENTROPY;
    void *dets[4] = {rg_detector_secrets.compile(rg_detector_secrets.default_types, NULL, err, sizeof(err)),
                     rg_detector_secrets.compile(rg_detector_secrets.default_types, p12, err, sizeof(err)),
                     rg_detector_secrets.compile(generic, p40, err, sizeof(err)),
                     rg_detector_secrets.compile(generic, p100, err, sizeof(err))};
    json_decref(p12);
    json_decref(p40);
    json_decref(p100);
    for (int di = 0; di < 4; di++)
        assert_non_null(dets[di]);
    char text[700];
    rng = 0x9e3779b97f4a7c15ull;
    unsigned compared = 0;
    for (int round = 0; round < 3000; round++) {
        size_t n = 0, want = 64 + next() % 600;
        while (n < want) {
            unsigned kind = next() % 8, len = kind < 3 ? 1 + next() % 8 : 1 + next() % 90;
            for (unsigned k = 0; k < len && n < want; k++) {
                unsigned r = next();
                if (kind == 0)
                    text[n++] = ' ';
                else if (kind < 4 || r % 11 != 0)
                    text[n++] = kind == 7 ? (char)('A' + r % 26) : tokc_[r % (sizeof(tokc_) - 1)];
                else
                    text[n++] = extra[r % (sizeof(extra) - 1)];
                if (kind >= 3 && r % 13 == 0 && n < want)
                    text[n++] = r % 2 ? ' ' : '\n';
            }
        }
        for (int di = 0; di < 4; di++) {
            char got[3][8192];
            int have[3] = {0, 0, 0};
            for (int level = 0; level < 3; level++) {
                rg_entities_t out = {0};
                sec_ctx_t c = {.d = dets[di], .s = text, .len = n, .out = &out, .last_key_start = (size_t)-1,
                               .budget = (size_t)1 << 30};
                if (sec_tokens_pass_level(&c, level) != 0) {
                    rg_entities_free(&out);
                    continue;
                }
                have[level] = 1;
                size_t w = 0;
                got[level][0] = '\0';
                for (size_t i = 0; i < out.n && w + 40 < sizeof(got[level]); i++)
                    w += (size_t)snprintf(got[level] + w, sizeof(got[level]) - w, "%u-%u:%u,", (unsigned)out.v[i].start,
                                          (unsigned)out.v[i].end, (unsigned)out.v[i].type);
                rg_entities_free(&out);
            }
            for (int level = 1; level < 3; level++)
                if (have[level]) {
                    compared++;
                    if (strcmp(got[0], got[level]) != 0)
                        fail_msg("round %d level %d: %s vs bytes %s", round, level, got[level], got[0]);
                }
        }
    }
    assert_true(compared > 0);
    for (int di = 0; di < 4; di++)
        rg_detector_secrets.free(dets[di]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vendor_formats),     cmocka_unit_test(test_vendor_formats_at_every_alignment),
        cmocka_unit_test(test_vendor_glued_right),
        cmocka_unit_test(test_vendor_placeholders),
        cmocka_unit_test(test_slack),              cmocka_unit_test(test_discord),
        cmocka_unit_test(test_teams_webhook),      cmocka_unit_test(test_run_prefixes),
        cmocka_unit_test(test_jwt),                cmocka_unit_test(test_private_key),
        cmocka_unit_test(test_azure),              cmocka_unit_test(test_small_formats),
        cmocka_unit_test(test_kubernetes),         cmocka_unit_test(test_password_assignments),
        cmocka_unit_test(test_weak_keys),          cmocka_unit_test(test_aws_secret),
        cmocka_unit_test(test_authorization),      cmocka_unit_test(test_curl_user), cmocka_unit_test(test_mysql_password),
        cmocka_unit_test(test_cmdline_passwords),
        cmocka_unit_test(test_config_forms),
        cmocka_unit_test(test_basic_auth_url),     cmocka_unit_test(test_generic),
        cmocka_unit_test(test_generic_parameters), cmocka_unit_test(test_token_pass_blocks),
        cmocka_unit_test(test_type_subsets),       cmocka_unit_test(test_check_redact_mask),
        cmocka_unit_test(test_check_parameters),  cmocka_unit_test(test_named_uuids),
        cmocka_unit_test(test_sequences),          cmocka_unit_test(test_published_examples), cmocka_unit_test(test_vendor_names),
        cmocka_unit_test(test_passphrases),        cmocka_unit_test(test_prose_disclosures),
        cmocka_unit_test(test_code_forms),
        cmocka_unit_test(test_generic_camel_path), cmocka_unit_test(test_generic_on_one_long_line),
        cmocka_unit_test(test_counting_filler),
        cmocka_unit_test(test_bare_templates),     cmocka_unit_test(test_prefixes_in_runs), cmocka_unit_test(test_token_pass_levels),
        cmocka_unit_test(test_cloudflare),         cmocka_unit_test(test_identifiers), cmocka_unit_test(test_wrapped_base64),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
