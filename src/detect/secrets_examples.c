/*
 * secrets_examples.c — credentials that vendors publish as examples, which the secrets detector does not report
 * (parameter allow_published_examples, default true; docs/internals/detect-secrets.md, "Published examples").
 *
 * Each value is public because its owner printed it in documentation or in the tests of an open-source SDK; a
 * text that carries one is quoting that material. Only values that are not already refused as filler
 * (sec_placeholder: AWS's ...EXAMPLE keys, typed-out alphabets) are listed, and only whole values: a span is
 * dropped when its bytes equal one entry, whatever type found it.
 *
 * Not listed on purpose: jwt.io's sample token (a JWT is recognised by its shape; the public detector tests
 * count that one as a token) and Telegram's documented bot token (the same tests count it as one).
 */
#include "detect/secrets_int.h"

#include <string.h>

static const char *const examples[] = {
    /* Google API keys in the tests of the Firebase Android SDK (gitleaks' gcp-api-key rule skips them for the
     * same reason) */
    "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
    "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
    "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
    "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
    "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
    /* the cleartext passwords of the nuget.config reference (packageSourceCredentials) in NuGet's documentation */
    "33f!!lloppa",
    "hal+9ooo_da!sY",
    NULL,
};

/* Lengths that some entry has, as a bit set over 1..63: most spans are turned away by one test. Set once, by
 * sec_examples_init under the detector's pthread_once, before any scan. */
static uint64_t lengths;

void sec_examples_init(void)
{
    for (size_t i = 0; examples[i] != NULL; i++)
        lengths |= (uint64_t)1 << strlen(examples[i]);
}

int sec_published_example(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !((lengths >> n) & 1))
        return 0;
    for (size_t i = 0; examples[i] != NULL; i++)
        if (strlen(examples[i]) == n && memcmp(examples[i], s, n) == 0)
            return 1;
    return 0;
}
