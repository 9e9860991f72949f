/* secrets_rules.c — vendor formats made of a fixed prefix and a body of known charset and length
 * (ghp_ + 36 base62, AKIA + 16 [A-Z0-9], ...). One Vectorscan pattern per prefix; the body is read and
 * checked here. Formats are public facts from the vendors' documentation and announcements. */
#include "detect/secrets_int.h"

#include <stdio.h>
#include <string.h>

enum {
    F_PAD = 1,    /* up to three '=' may follow the body */
    F_RANDOM = 2, /* the body must look machine-made (sec_random) */
    F_DIGIT = 4,  /* the body must hold a digit */
    F_RUN = 8,    /* found by the token pass at the start of a run, not by a Vectorscan pattern (below) */
};

typedef struct {
    const char *lit; /* the prefix, case-sensitive */
    uint8_t type;
    uint16_t cs;      /* the body's characters */
    uint16_t min, max; /* the body's length */
    uint8_t flags;
    uint8_t lead;                           /* body characters the Vectorscan pattern also requires */
    int (*shape)(const char *b, size_t n); /* more structure in the body, or NULL */
} prefix_rule_t;

/* ---- body shapes ---------------------------------------------------------------- */

static int all_in(const char *b, size_t n, unsigned cs)
{
    for (size_t i = 0; i < n; i++)
        if (!SEC_IN(cs, b[i]))
            return 0;
    return 1;
}

static int shape_github_pat(const char *b, size_t n) /* 22 base62, '_', 59 base62 */
{
    return n == 82 && b[22] == '_' && all_in(b, 22, CS_ALNUM) && all_in(b + 23, 59, CS_ALNUM);
}

static int shape_gitlab_cbt(const char *b, size_t n) /* optional partition "[0-9a-f]{1,5}_", then 20 */
{
    if (n == 20)
        return 1;
    size_t k = n - 20;
    return k >= 2 && k <= 6 && b[k - 1] == '_' && all_in(b, k - 1, CS_HEXL);
}

static int shape_anthropic(const char *b, size_t n) { return n == 95 && b[93] == 'A' && b[94] == 'A'; }

static int shape_sendgrid(const char *b, size_t n) /* 22 '.' 43, base64url */
{
    return n == 66 && b[22] == '.' && all_in(b, 22, CS_B64URL) && all_in(b + 23, 43, CS_B64URL);
}

static int shape_grafana_sa(const char *b, size_t n) /* 32 base62 '_' 8 hex */
{
    return n == 41 && b[32] == '_' && all_in(b, 32, CS_ALNUM) && all_in(b + 33, 8, CS_HEX);
}

static int shape_notion(const char *b, size_t n) /* 11 digits, 35 base62 */
{
    for (size_t i = 0; i < 11; i++)
        if (b[i] < '0' || b[i] > '9')
            return 0;
    return n == 46 && all_in(b + 11, 35, CS_ALNUM);
}

static int shape_sourcegraph(const char *b, size_t n) /* 40 hex | local_ + 40 hex | 16 hex _ 40 hex */
{
    if (n == 40)
        return all_in(b, 40, CS_HEX);
    if (n == 46)
        return memcmp(b, "local_", 6) == 0 && all_in(b + 6, 40, CS_HEX);
    return n == 57 && b[16] == '_' && all_in(b, 16, CS_HEX) && all_in(b + 17, 40, CS_HEX);
}

static int shape_postman(const char *b, size_t n) /* 24 hex '-' 34 hex */
{
    return n == 59 && b[24] == '-' && all_in(b, 24, CS_HEX) && all_in(b + 25, 34, CS_HEX);
}

static int shape_1password_key(const char *b, size_t n) /* A3- 6 - (11 | 6 - 5) - 5 - 5 - 5, [A-Z0-9] */
{
    size_t seg[8], k = 0, run = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || b[i] == '-') {
            if (k == 8)
                return 0;
            seg[k++] = run;
            run = 0;
        } else if (SEC_IN(CS_UPNUM, b[i])) {
            run++;
        } else {
            return 0;
        }
    }
    if (k == 5)
        return seg[0] == 6 && seg[1] == 11 && seg[2] == 5 && seg[3] == 5 && seg[4] == 5;
    return k == 6 && seg[0] == 6 && seg[1] == 6 && seg[2] == 5 && seg[3] == 5 && seg[4] == 5 && seg[5] == 5;
}

/* 20 base62 (the first format), or the routable one: 27 to 300 base64url, '.', 2 + 7 lower-case base36 */
static int shape_gitlab(const char *b, size_t n)
{
    if (n == 20)
        return all_in(b, 20, CS_B64URL);
    if (n < 37 || b[n - 10] != '.' || !all_in(b, n - 10, CS_B64URL))
        return 0;
    for (size_t i = n - 9; i < n; i++)
        if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9')))
            return 0;
    return 1;
}

/* runner tokens: 20 to 50 base64url, or routable: "t" digit "_" 27 to 300, '.', 9 */
static int shape_gitlab_runner(const char *b, size_t n)
{
    if (n >= 20 && n <= 50 && all_in(b, n, CS_B64URL))
        return 1;
    return n >= 3 + 37 && b[0] == 't' && b[1] >= '0' && b[1] <= '9' && b[2] == '_' && shape_gitlab(b + 3, n - 3);
}

static int shape_cf_origin(const char *b, size_t n) /* 24 hex '-' 146 hex */
{
    return n == 171 && b[24] == '-' && all_in(b, 24, CS_HEX) && all_in(b + 25, 146, CS_HEX);
}

static int shape_dynatrace(const char *b, size_t n) /* 24 '.' 64, base62 */
{
    return n == 89 && b[24] == '.' && all_in(b, 24, CS_ALNUM) && all_in(b + 25, 64, CS_ALNUM);
}

static int shape_flutterwave(const char *b, size_t n) /* encryption key: 12; secret key: 32 "-X" */
{
    if (n == 12)
        return all_in(b, 12, CS_ALNUM);
    return n == 34 && b[32] == '-' && b[33] == 'X' && all_in(b, 32, CS_ALNUM);
}

static int shape_brevo(const char *b, size_t n) /* 64 hex '-' 16 base62 */
{
    return n == 81 && b[64] == '-' && all_in(b, 64, CS_HEX) && all_in(b + 65, 16, CS_ALNUM);
}

static int shape_dnkey(const char *b, size_t n) { return n == 79 && b[26] == '-'; } /* 26 '-' 52 */

static int shape_langsmith(const char *b, size_t n) /* 32 hex '_' 10 hex */
{
    return n == 43 && b[32] == '_' && all_in(b, 32, CS_HEXL) && all_in(b + 33, 10, CS_HEXL);
}

static int shape_uuid(const char *b, size_t n) { return sec_uuid(b, n, NULL); }

/* Mapbox secret token after "sk.eyJ1Ijoi" (base64 of the JSON {"u":"): the rest of the base64url JSON, '.',
 * a 22-character signature */
static int shape_mapbox(const char *b, size_t n)
{
    return n >= 20 + 23 && b[n - 23] == '.' && all_in(b, n - 23, CS_B64URL) && all_in(b + n - 22, 22, CS_B64URL);
}

/* ---- the table ------------------------------------------------------------------ */

#define R(lit, t, cs, mn, mx, fl, ld, sh) {lit, T_##t, cs, mn, mx, fl, ld, sh}

static const prefix_rule_t rules[] = {
    /* AWS access key ids (AKIA long-term, ASIA temporary, ABIA/ACCA service-specific); A3T + one more */
    R("AKIA", AWS_ACCESS_KEY, CS_UPNUM, 16, 16, 0, 4, NULL),
    R("ASIA", AWS_ACCESS_KEY, CS_UPNUM, 16, 16, 0, 4, NULL),
    R("ABIA", AWS_ACCESS_KEY, CS_UPNUM, 16, 16, 0, 4, NULL),
    R("ACCA", AWS_ACCESS_KEY, CS_UPNUM, 16, 16, 0, 4, NULL),
    R("A3T", AWS_ACCESS_KEY, CS_UPNUM, 17, 17, 0, 4, NULL),
    R("AIza", GCP_API_KEY, CS_B64URL, 35, 35, 0, 0, NULL),
    R("GOCSPX-", GCP_CLIENT_SECRET, CS_B64URL, 28, 28, 0, 0, NULL),
    R("ghp_", GITHUB_TOKEN, CS_ALNUM, 36, 36, 0, 0, NULL),
    R("gho_", GITHUB_TOKEN, CS_ALNUM, 36, 36, 0, 0, NULL),
    R("ghu_", GITHUB_TOKEN, CS_ALNUM, 36, 36, 0, 0, NULL),
    R("ghs_", GITHUB_TOKEN, CS_ALNUM, 36, 36, 0, 0, NULL),
    R("ghr_", GITHUB_TOKEN, CS_ALNUM, 36, 36, 0, 0, NULL),
    R("github_pat_", GITHUB_TOKEN, CS_WORD, 82, 82, 0, 0, shape_github_pat),
    R("glpat-", GITLAB_TOKEN, CS_KEY, 20, 310, 0, 0, shape_gitlab),
    R("gldt-", GITLAB_TOKEN, CS_B64URL, 20, 50, 0, 0, NULL),
    R("glcbt-", GITLAB_TOKEN, CS_B64URL, 20, 26, 0, 0, shape_gitlab_cbt),
    R("glimt-", GITLAB_TOKEN, CS_B64URL, 25, 25, 0, 0, NULL),
    R("glptt-", GITLAB_TOKEN, CS_B64URL, 40, 40, 0, 0, NULL),
    R("glagent-", GITLAB_TOKEN, CS_B64URL, 50, 1024, 0, 0, NULL),
    R("gloas-", GITLAB_TOKEN, CS_B64URL, 64, 64, 0, 0, NULL),
    R("glrt-", GITLAB_TOKEN, CS_KEY, 20, 313, 0, 0, shape_gitlab_runner),
    R("glsoat-", GITLAB_TOKEN, CS_B64URL, 20, 50, 0, 0, NULL),
    R("glffct-", GITLAB_TOKEN, CS_B64URL, 20, 50, 0, 0, NULL),
    R("glft-", GITLAB_TOKEN, CS_B64URL, 20, 50, 0, 0, NULL),
    R("GR1348941", GITLAB_TOKEN, CS_B64URL, 20, 64, 0, 0, NULL),
    R("sk_live_", STRIPE_KEY, CS_ALNUM, 20, 247, 0, 0, NULL),
    R("sk_test_", STRIPE_KEY, CS_ALNUM, 20, 247, 0, 0, NULL),
    R("sk_prod_", STRIPE_KEY, CS_ALNUM, 20, 247, 0, 0, NULL),
    R("rk_live_", STRIPE_KEY, CS_ALNUM, 20, 247, 0, 0, NULL),
    R("rk_test_", STRIPE_KEY, CS_ALNUM, 20, 247, 0, 0, NULL),
    R("rk_prod_", STRIPE_KEY, CS_ALNUM, 20, 247, 0, 0, NULL),
    R("whsec_", STRIPE_KEY, CS_ALNUM, 32, 64, 0, 0, NULL),
    R("sk-proj-", OPENAI_API_KEY, CS_B64URL, 40, 300, F_RANDOM, 0, NULL),
    R("sk-svcacct-", OPENAI_API_KEY, CS_B64URL, 40, 300, F_RANDOM, 0, NULL),
    R("sk-admin-", OPENAI_API_KEY, CS_B64URL, 40, 300, F_RANDOM, 0, NULL),
    R("sk-ant-api03-", ANTHROPIC_API_KEY, CS_B64URL, 95, 95, 0, 0, shape_anthropic),
    R("sk-ant-admin01-", ANTHROPIC_API_KEY, CS_B64URL, 95, 95, 0, 0, shape_anthropic),
    R("hf_", HUGGINGFACE_TOKEN, CS_ALPHA, 34, 34, F_RANDOM, 4, NULL),
    R("api_org_", HUGGINGFACE_TOKEN, CS_ALPHA, 34, 34, F_RANDOM, 0, NULL),
    R("SK", TWILIO_KEY, CS_HEX, 32, 32, 0, 6, NULL),
    R("AC", TWILIO_KEY, CS_HEXL, 32, 32, 0, 6, NULL),
    R("SG.", SENDGRID_KEY, CS_AZURE, 66, 66, 0, 4, shape_sendgrid),
    R("npm_", NPM_TOKEN, CS_ALNUM, 36, 36, 0, 0, NULL),
    R("AKCp", ARTIFACTORY_TOKEN, CS_ALNUM, 69, 69, 0, 0, NULL),
    R("cmVmdGtu", ARTIFACTORY_TOKEN, CS_ALNUM, 56, 56, 0, 0, NULL),
    R("HRKU-AA", HEROKU_KEY, CS_B64URL, 56, 60, 0, 0, NULL),
    R("pypi-AgEIcHlwaS5vcmc", PYPI_TOKEN, CS_B64URL, 50, 2000, 0, 0, NULL),
    R("pypi-AgENdGVzdC5weXBpLm9yZw", PYPI_TOKEN, CS_B64URL, 50, 2000, 0, 0, NULL), /* the test index's */
    R("shpat_", SHOPIFY_TOKEN, CS_HEX, 32, 32, 0, 0, NULL),
    R("shpca_", SHOPIFY_TOKEN, CS_HEX, 32, 32, 0, 0, NULL),
    R("shppa_", SHOPIFY_TOKEN, CS_HEX, 32, 32, 0, 0, NULL),
    R("shpss_", SHOPIFY_TOKEN, CS_HEX, 32, 32, 0, 0, NULL),
    R("key-", MAILGUN_KEY, CS_HEXL, 32, 32, 0, 6, NULL),
    R("dop_v1_", DIGITALOCEAN_TOKEN, CS_HEXL, 64, 64, 0, 0, NULL),
    R("doo_v1_", DIGITALOCEAN_TOKEN, CS_HEXL, 64, 64, 0, 0, NULL),
    R("dor_v1_", DIGITALOCEAN_TOKEN, CS_HEXL, 64, 64, 0, 0, NULL),
    R("dapi", DATABRICKS_TOKEN, CS_HEXL, 32, 32, 0, 6, NULL),
    R("ops_eyJ", ONEPASSWORD_TOKEN, CS_B64ANY, 250, 4096, 0, 0, NULL),
    R("A3-", ONEPASSWORD_TOKEN, CS_B64URL, 36, 37, 0, 4, shape_1password_key),
    R("fo1_", FLYIO_TOKEN, CS_B64URL, 43, 43, 0, 0, NULL),
    R("fm1r_", FLYIO_TOKEN, CS_B64ANY, 100, 4096, 0, 0, NULL),
    R("fm1a_", FLYIO_TOKEN, CS_B64ANY, 100, 4096, 0, 0, NULL),
    R("fm2_", FLYIO_TOKEN, CS_B64ANY, 100, 4096, 0, 0, NULL),
    R("glsa_", GRAFANA_TOKEN, CS_WORD, 41, 41, 0, 0, shape_grafana_sa),
    R("glc_", GRAFANA_TOKEN, CS_B64ANY, 32, 400, F_RANDOM, 0, NULL),
    R("hvs.", VAULT_TOKEN, CS_B64URL, 90, 120, 0, 0, NULL),
    R("hvb.", VAULT_TOKEN, CS_B64URL, 138, 300, 0, 0, NULL),
    R("EAACEdEose0cBA", FACEBOOK_TOKEN, CS_ALNUM, 20, 400, 0, 0, NULL),
    R("EAA", FACEBOOK_TOKEN, CS_ALNUM, 100, 400, F_RANDOM, 4, NULL),
    R("EAAA", SQUARE_TOKEN, CS_B64URL, 60, 60, 0, 0, NULL),
    R("sq0atp-", SQUARE_TOKEN, CS_B64URL, 22, 22, 0, 0, NULL),
    R("sq0csp-", SQUARE_TOKEN, CS_B64URL, 43, 43, 0, 0, NULL),
    R("ntn_", NOTION_TOKEN, CS_ALNUM, 46, 46, 0, 0, shape_notion),
    R("sntrys_eyJ", SENTRY_TOKEN, CS_B64ANY, 50, 2048, 0, 0, NULL),
    R("sntryu_", SENTRY_TOKEN, CS_HEXL, 64, 64, 0, 0, NULL),
    R("sgp_", SOURCEGRAPH_TOKEN, CS_WORD, 40, 57, 0, 0, shape_sourcegraph),
    R("ATATT3", ATLASSIAN_TOKEN, CS_B64ANY, 150, 250, 0, 0, NULL),
    R("PMAK-", POSTMAN_KEY, CS_HEXDASH, 59, 59, 0, 0, shape_postman),
    R("lin_api_", LINEAR_KEY, CS_ALNUM, 40, 40, 0, 0, NULL),
    R("dp.pt.", DOPPLER_TOKEN, CS_ALNUM, 43, 43, 0, 0, NULL),
    R("dp.st.", DOPPLER_TOKEN, CS_ALNUM, 40, 48, 0, 0, NULL),
    R("dp.ct.", DOPPLER_TOKEN, CS_ALNUM, 40, 48, 0, 0, NULL),
    R("dp.sa.", DOPPLER_TOKEN, CS_ALNUM, 40, 48, 0, 0, NULL),
    R("pul-", PULUMI_TOKEN, CS_HEXL, 40, 40, 0, 0, NULL),
    R("sha256~", OPENSHIFT_TOKEN, CS_B64URL, 43, 43, 0, 0, NULL),
    R("API-", OCTOPUS_KEY, CS_UPNUM, 26, 26, F_DIGIT, 4, NULL),
    R("gsk_", GROQ_API_KEY, CS_ALNUM, 52, 52, 0, 0, NULL),
    R("pplx-", PERPLEXITY_API_KEY, CS_ALNUM, 48, 48, 0, 0, NULL),
    R("r8_", REPLICATE_TOKEN, CS_ALNUM, 37, 37, 0, 4, NULL),
    R("AGE-SECRET-KEY-1", AGE_SECRET_KEY, CS_UPNUM, 58, 58, 0, 0, NULL),
    R("CLOJARS_", CLOJARS_TOKEN, CS_ALNUM, 60, 60, 0, 0, NULL),
    /* Alibaba Cloud AccessKey ids: LTAI + 12 to 20 */
    R("LTAI", ALIBABA_ACCESS_KEY, CS_ALNUM, 12, 20, 0, 0, NULL),
    /* AI providers without a type of their own; Amazon Bedrock's long-lived (ABSK + base64) and short-lived keys
     * (the base64 of "bedrock.amazonaws.com" first) */
    R("xai-", AI_API_KEY, CS_ALNUM, 70, 90, F_RANDOM | F_RUN, 0, NULL),
    R("sk-or-v1-", AI_API_KEY, CS_HEXL, 64, 64, 0, 0, NULL),
    R("lsv2_pt_", AI_API_KEY, CS_WORD, 43, 43, 0, 0, shape_langsmith),
    R("lsv2_sk_", AI_API_KEY, CS_WORD, 43, 43, 0, 0, shape_langsmith),
    R("sk-lf-", AI_API_KEY, CS_HEXDASH, 36, 36, 0, 0, shape_uuid),
    R("tvly-", AI_API_KEY, CS_B64URL, 20, 64, F_RANDOM | F_RUN, 0, NULL),
    R("csk-", AI_API_KEY, CS_ALNUM, 40, 64, F_RANDOM | F_RUN, 0, NULL),
    R("pcsk_", AI_API_KEY, CS_WORD, 50, 100, F_RANDOM | F_RUN, 0, NULL),
    R("fc-", AI_API_KEY, CS_HEXL, 32, 32, F_RUN, 0, NULL),
    R("llx-", AI_API_KEY, CS_ALNUM, 40, 60, F_RANDOM | F_RUN, 0, NULL),
    R("nvapi-", AI_API_KEY, CS_B64URL, 60, 70, F_RANDOM, 0, NULL),
    R("ABSK", AI_API_KEY, CS_B64, 109, 269, F_PAD | F_RUN, 0, NULL),
    R("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t", AI_API_KEY, CS_B64, 16, 4096, F_PAD, 0, NULL),
    /* the long tail of SaaS tokens with a prefix of their own */
    R("p8e-", SAAS_TOKEN, CS_ALNUM, 32, 32, F_RUN, 0, NULL),                        /* Adobe client secret */
    R("v1.0-", SAAS_TOKEN, CS_HEXDASH, 171, 171, 0, 0, shape_cf_origin),            /* Cloudflare origin CA key */
    R("4b1d", SAAS_TOKEN, CS_ALNUM, 38, 38, F_RUN, 0, NULL),                        /* ClickHouse Cloud secret */
    R("dckr_pat_", SAAS_TOKEN, CS_B64URL, 24, 40, F_RANDOM, 0, NULL),               /* Docker Hub */
    R("dckr_oat_", SAAS_TOKEN, CS_B64URL, 24, 40, F_RANDOM, 0, NULL),
    R("dnkey-", SAAS_TOKEN, CS_B64ANY, 79, 79, 0, 0, shape_dnkey),                  /* Defined Networking */
    R("duffel_test_", SAAS_TOKEN, CS_B64ANY, 43, 43, 0, 0, NULL),
    R("duffel_live_", SAAS_TOKEN, CS_B64ANY, 43, 43, 0, 0, NULL),
    R("dt0c01.", SAAS_TOKEN, CS_KEY, 89, 89, 0, 0, shape_dynatrace),                /* Dynatrace */
    R("EZAK", SAAS_TOKEN, CS_ALNUM, 54, 54, F_RUN, 0, NULL),                        /* EasyPost */
    R("EZTK", SAAS_TOKEN, CS_ALNUM, 54, 54, F_RUN, 0, NULL),
    R("figd_", SAAS_TOKEN, CS_B64URL, 38, 45, F_RANDOM | F_RUN, 0, NULL),           /* Figma */
    R("FLWSECK_TEST-", SAAS_TOKEN, CS_B64URL, 12, 34, 0, 0, shape_flutterwave),     /* Flutterwave */
    R("FLWSECK-", SAAS_TOKEN, CS_B64URL, 12, 34, 0, 0, shape_flutterwave),
    R("fio-u-", SAAS_TOKEN, CS_B64ANY, 64, 64, 0, 0, NULL),                         /* Frame.io */
    R("eyJrIjoi", GRAFANA_TOKEN, CS_B64, 70, 400, F_PAD, 0, NULL),                  /* Grafana API key ({"k":") */
    R("ico-", SAAS_TOKEN, CS_ALNUM, 32, 32, F_RUN, 0, NULL),                        /* Infracost */
    R("s-s4t2ud-", SAAS_TOKEN, CS_HEX, 64, 64, 0, 0, NULL),                         /* 42 intra */
    R("s-s4t2af-", SAAS_TOKEN, CS_HEX, 64, 64, 0, 0, NULL),
    R("sk.eyJ1Ijoi", SAAS_TOKEN, CS_KEY, 43, 600, 0, 0, shape_mapbox),              /* Mapbox secret token */
    R("nfp_", SAAS_TOKEN, CS_ALNUM, 36, 40, F_RANDOM | F_RUN, 0, NULL),             /* Netlify */
    R("NRAK-", SAAS_TOKEN, CS_ALNUM, 27, 27, 0, 0, NULL),                           /* New Relic */
    R("NRII-", SAAS_TOKEN, CS_B64URL, 32, 32, 0, 0, NULL),
    R("NRJS-", SAAS_TOKEN, CS_HEX, 19, 19, 0, 0, NULL),
    R("pscale_tkn_", SAAS_TOKEN, CS_B64URL, 32, 64, 0, 0, NULL),                    /* PlanetScale */
    R("pscale_oauth_", SAAS_TOKEN, CS_B64URL, 32, 64, 0, 0, NULL),
    R("pscale_pw_", SAAS_TOKEN, CS_B64URL, 32, 64, 0, 0, NULL),
    R("pnu_", SAAS_TOKEN, CS_ALNUM, 36, 36, F_RUN, 0, NULL),                        /* Prefect */
    R("rdme_", SAAS_TOKEN, CS_ALNUM, 70, 70, F_RUN, 0, NULL),                       /* ReadMe */
    R("rnd_", SAAS_TOKEN, CS_ALNUM, 28, 40, F_RANDOM | F_RUN, 0, NULL),             /* Render */
    R("rubygems_", SAAS_TOKEN, CS_HEXL, 48, 48, 0, 0, NULL),
    R("tk-us-", SAAS_TOKEN, CS_B64URL, 48, 48, 0, 0, NULL),                         /* Scalingo */
    R("xkeysib-", SAAS_TOKEN, CS_B64URL, 81, 81, 0, 0, shape_brevo),                /* Brevo (Sendinblue) */
    R("xsmtpsib-", SAAS_TOKEN, CS_B64URL, 81, 81, 0, 0, shape_brevo),
    R("sm_aat_", SAAS_TOKEN, CS_ALNUM, 16, 16, 0, 0, NULL),                         /* SettleMint */
    R("sm_pat_", SAAS_TOKEN, CS_ALNUM, 16, 16, 0, 0, NULL),
    R("sm_sat_", SAAS_TOKEN, CS_ALNUM, 16, 16, 0, 0, NULL),
    R("shippo_live_", SAAS_TOKEN, CS_HEX, 40, 40, 0, 0, NULL),
    R("shippo_test_", SAAS_TOKEN, CS_HEX, 40, 40, 0, 0, NULL),
    R("sbp_", SAAS_TOKEN, CS_HEXL, 40, 40, F_RUN, 0, NULL),                         /* Supabase */
    R("sb_secret_", SAAS_TOKEN, CS_B64URL, 20, 64, F_RANDOM, 0, NULL),
    R("ATBB", SAAS_TOKEN, CS_ALNUM, 32, 32, F_DIGIT | F_RUN, 0, NULL),              /* Bitbucket app password */
    R("AQVN", SAAS_TOKEN, CS_B64URL, 35, 38, F_RUN, 0, NULL),                       /* Yandex Cloud API key */
    R("_gitlab_session=", GITLAB_TOKEN, CS_ALNUM, 32, 32, 0, 0, NULL),
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

/* ---- the handler ------------------------------------------------------------------ */

static int flags_ok(const prefix_rule_t *r, const char *b, size_t n)
{
    if ((r->flags & F_RANDOM) && !sec_random(SEC_ENTROPY_DEFAULT, b, n))
        return 0;
    if (r->flags & F_DIGIT) {
        size_t i = 0;
        while (i < n && (b[i] < '0' || b[i] > '9'))
            i++;
        if (i == n)
            return 0;
    }
    return 1;
}

static void on_prefix(sec_ctx_t *c, size_t start, size_t end, unsigned arg)
{
    const prefix_rule_t *r = &rules[arg];
    const char *s = c->s;
    size_t len = c->len, plen = strlen(r->lit);
    (void)end; /* the match covers the prefix and `lead` body characters; the body is read again here */
    if (start > 0 && SEC_ALNUM(s[start - 1]))
        return;
    if (start > 1 && s[start - 1] == '.' && SEC_ALNUM(s[start - 2]))
        return; /* a part of a dotted name: a file's "video_box.ico-7a38….png", a host, a package */
    size_t b = start + plen, e = b;
    while (e < len && e - b <= r->max && SEC_IN(r->cs, s[e]))
        e++;
    if (!sec_spend(c, e - b))
        return;
    /* a body class with '.': a sentence's full stop (or an ellipsis) after the token is not the token's */
    int dots = (r->cs & (CS_AZURE | CS_KEY)) != 0;
    size_t run = e; /* where the body's characters end, an ellipsis's further dots included */
    while (dots && run < len && run - e < 3 && s[run] == '.')
        run++;
    while (dots && e > b && s[e - 1] == '.')
        e--;
    size_t n = e - b;
    if (n < r->min || n > r->max)
        return;
    size_t tail = e;
    if (r->flags & F_PAD)
        while (tail < len && tail - e < 3 && s[tail] == '=')
            tail++;
    /* the token ends at tail, or its full stops were taken off and the run ends after them ("… SG.….….") */
    size_t after = tail == e && run > e ? run : tail;
    if (after < len && (SEC_ALNUM(s[after]) || SEC_IN(r->cs, s[after])))
        return;
    if ((r->shape && !r->shape(s + b, n)) || !flags_ok(r, s + b, n) || sec_placeholder(s + b, n))
        return;
    sec_emit(c, start, tail, r->type, PRIO_FORMAT);
}

static const char *cs_class(unsigned cs)
{
    switch (cs) {
    case CS_ALNUM: return "[A-Za-z0-9]";
    case CS_B64URL: return "[A-Za-z0-9_\\-]";
    case CS_HEX: return "[0-9A-Fa-f]";
    case CS_HEXL: return "[0-9a-f]";
    case CS_ALPHA: return "[A-Za-z]";
    case CS_UPNUM: return "[A-Z0-9]";
    case CS_WORD: return "[A-Za-z0-9_]";
    case CS_AZURE: return "[A-Za-z0-9_~.\\-]";
    default: return NULL;
    }
}

/* Writes the literal with its regex metacharacters escaped; 0 when it does not fit. */
size_t sec_escape(char *out, size_t cap, const char *lit)
{
    size_t o = 0;
    for (const char *p = lit; *p; p++) {
        if (o + 3 > cap)
            return 0;
        if (strchr(".^$|()[]{}*+?\\-/", *p))
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o] = '\0';
    return o;
}

/* F_RUN rules. A Vectorscan literal of five bytes or fewer costs every scan: in one measurement, adding 22 such
 * prefixes (xai-, EZAK, 4b1d, rnd_, ...) to the 120 patterns took the scan of prose from ~3.3 to ~2.7 GB/s, while 40
 * longer ones cost nothing that could be measured (docs/internals/detect-secrets.md). Their tokens are long (25
 * characters and more) and made of token characters, so the token pass, which visits every run of [A-Za-z0-9+/_-]
 * of that length anyway, tries them where a Vectorscan pattern would have matched: at each letter or digit of the
 * run that follows no letter or digit (the run's first, and those after + / _ -: key_xai-..., /p8e-...).
 * run_first holds their first bytes (most places cost one test) and run_rules their indexes; both are filled by
 * sec_rules_patterns, which the detector calls once before any scan. */
static uint16_t run_rules[N_RULES];
static size_t n_run_rules;
static uint64_t run_first[4];

void sec_rules_run(sec_ctx_t *c, size_t a, size_t e)
{
    const char *s = c->s;
    for (size_t p = a; p < e && !c->oom; p++) {
        unsigned char b0 = (unsigned char)s[p];
        if (!(run_first[b0 >> 6] >> (b0 & 63) & 1) || (p > a && SEC_ALNUM(s[p - 1])))
            continue;
        for (size_t k = 0; k < n_run_rules; k++) {
            const prefix_rule_t *r = &rules[run_rules[k]];
            size_t plen = strlen(r->lit);
            if (r->lit[0] == s[p] && e - p > plen && memcmp(s + p, r->lit, plen) == 0 && sec_want(c, r->type))
                on_prefix(c, p, p + plen, run_rules[k]);
        }
    }
}

unsigned sec_rules_run_min(const sec_ctx_t *c)
{
    unsigned m = 0;
    for (size_t i = 0; i < N_RULES; i++) {
        const prefix_rule_t *r = &rules[i];
        unsigned need = (unsigned)strlen(r->lit) + r->min;
        if ((r->flags & F_RUN) && sec_want(c, r->type) && (m == 0 || need < m))
            m = need;
    }
    return m;
}

size_t sec_rules_patterns(sec_pat_t *out, size_t max)
{
    size_t n = 0;
    n_run_rules = 0;
    for (size_t i = 0; i < N_RULES && n < max; i++) {
        const prefix_rule_t *r = &rules[i];
        if (r->flags & F_RUN) {
            unsigned char b0 = (unsigned char)r->lit[0];
            run_rules[n_run_rules++] = (uint16_t)i;
            run_first[b0 >> 6] |= (uint64_t)1 << (b0 & 63);
            continue;
        }
        sec_pat_t *p = &out[n];
        size_t o = sec_escape(p->expr, sizeof(p->expr), r->lit);
        const char *cls = r->lead ? cs_class(r->cs) : NULL;
        if (cls != NULL)
            snprintf(p->expr + o, sizeof(p->expr) - o, "%s{%u}", cls, (unsigned)r->lead);
        p->flags = 0;
        p->width = (unsigned)strlen(r->lit) + (cls ? r->lead : 0);
        p->fn = on_prefix;
        p->arg = (unsigned)i;
        p->types = (uint64_t)1 << r->type;
        n++;
    }
    return n;
}
