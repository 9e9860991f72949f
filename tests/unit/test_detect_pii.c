/*
 * test_detect_pii.c — railgate.pii: every entity type with positives and
 * near-miss negatives (bad Luhn, wrong IBAN checksum, invalid SSN areas,
 * version numbers that look like IPs, dates without a birth word), the
 * detect / redact / mask actions, consistent placeholders across parts,
 * code point offsets, and parameter errors.
 */
#include "text_check.h"

#include <time.h>

extern const rg_check_ops_t rg_check_rg_pii;
#define PII (&rg_check_rg_pii)
#define ALL                                                                                                            \
    "{\"entities\":[\"EMAIL\",\"PHONE\",\"CREDIT_CARD\",\"US_SSN\",\"IBAN\",\"IP_ADDRESS\",\"URL\",\"DOMAIN\","        \
    "\"DATE_OF_BIRTH\",\"US_DRIVER_LICENSE\"]}"

/* The entities found in text as "TYPE:value;" (values cut from the text by the code point offsets). */
static void found(const char *params, const char *text, char *out, size_t outsz)
{
    tc_run_t r;
    tc_run(&r, PII, params, text);
    out[0] = '\0';
    json_t *ents = json_object_get(r.res.data, "entities");
    size_t i;
    json_t *e;
    json_array_foreach(ents, i, e) {
        /* code points to bytes */
        size_t cs = (size_t)tc_int(e, "start"), ce = (size_t)tc_int(e, "end"), cp = 0, bs = 0, be = 0;
        for (size_t b = 0;; b++) {
            if (cp == cs && bs == 0 && (b == 0 || ((unsigned char)text[b] & 0xC0) != 0x80))
                bs = b + (cs == 0 ? 0 : 0);
            if (cp == ce && ((unsigned char)text[b] & 0xC0) != 0x80) {
                be = b;
                break;
            }
            if (text[b] == '\0')
                break;
            if ((((unsigned char)text[b + 1]) & 0xC0) != 0x80)
                cp++;
        }
        size_t n = strlen(out);
        snprintf(out + n, outsz - n, "%s:%.*s;", json_string_value(json_object_get(e, "type")), (int)(be - bs),
                 text + bs);
    }
    assert_int_equal(r.res.verdict, json_array_size(ents) == 0);
    tc_done(&r);
}

static void expect(const char *text, const char *want)
{
    char got[1024];
    found(ALL, text, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("in \"%s\"\n   found \"%s\"\nexpected \"%s\"", text, got, want);
}

static void test_email(void **st)
{
    (void)st;
    expect("write to a.b+c@mail.example.org.", "EMAIL:a.b+c@mail.example.org;");
    expect("ping Jo.Doe_1@sub.ex-ample.co.uk!", "EMAIL:Jo.Doe_1@sub.ex-ample.co.uk;");
    expect("user@localhost and @handle and a@b", "");
    expect("not an address: x@1.2", "");
    /* letters of other scripts and an inner apostrophe are the address's own: none of it is left in clear */
    expect("from josé.garcía@example.es", "EMAIL:josé.garcía@example.es;");
    expect("jörg.schäfer@firma.de, o'brien@example.ie", "EMAIL:jörg.schäfer@firma.de;EMAIL:o'brien@example.ie;");
    expect("иван@пример.рф or jürgen@müller.de", "EMAIL:иван@пример.рф;EMAIL:jürgen@müller.de;");
    expect("“alice@example.com” 'bob@example.com'", "EMAIL:alice@example.com;EMAIL:bob@example.com;");
    expect("write a@example.com--thanks, or b@example.org-", "EMAIL:a@example.com;EMAIL:b@example.org;");
    expect("git clone git@github.com:owner/repo.git", ""); /* a repository's address */
}

/* Context words are whole words (a camel-case hump is a word's start or end): "called", "Telemetry",
 * "workflow", "négociation", "ntdll.dll" say nothing; "homePhone", "dateOfBirth", "Geburtsdatum" do. */
static void test_context_whole_words(void **st)
{
    (void)st;
    expect("The API was called 4821357 times", "");
    expect("Telemetry batch 12345678; job 48213577 workflow failed; callId=84213577", "");
    expect("La négociation du 15.03.2024. Bornholm trip on 12/03/2024", "");
    expect("DLC price 12.99 sku 1234567; License no longer valid since 2024-01-15", "");
    expect("{\"homePhone\": \"5551234567\", \"customerSsn\": \"078051120\"}", "PHONE:5551234567;US_SSN:078051120;");
    expect("{\"dateOfBirth\": \"1985-03-12\", \"driverLicense\": \"D1234567\"}",
           "DATE_OF_BIRTH:1985-03-12;US_DRIVER_LICENSE:D1234567;");
    expect("Geburtsdatum: 12.03.1985, Handynummer 0171 1234567", "DATE_OF_BIRTH:12.03.1985;PHONE:0171 1234567;");
    /* a date and a time are no national phone number */
    expect("Meeting on 01.02.2024 12:30, Gesendet: Montag, 03.04.2024 09:15", "");
    expect("DOB: 01.02.1985 12:30", "DATE_OF_BIRTH:01.02.1985;");
}

static void test_phone(void **st)
{
    (void)st;
    expect("numbers: 100 200 300 4000; call 1 415 555 0132", "PHONE:1 415 555 0132;"); /* "100" is no prefix */
    expect("reach me on +44 20 7946 0958 today", "PHONE:+44 20 7946 0958;");
    expect("Call (415) 555-0132 or 415.555.0199 x12", "PHONE:(415) 555-0132;PHONE:415.555.0199 x12;");
    expect("1-800-555-0100 is toll free", "PHONE:1-800-555-0100;");
    expect("Phone: 0490 75 40 81", "PHONE:0490 75 40 81;");
    expect("my number 024 971 50 30 is new", "PHONE:024 971 50 30;");
    expect("Desk: +41 (0)96 471 07 95", "PHONE:+41 (0)96 471 07 95;");
    expect("781 1704 office", "PHONE:781 1704;");
    /* near misses: counts, order numbers, dates, ISBNs, a NANP area code starting with 1 */
    expect("we had 12 345 678 visitors", "");
    expect("order 12345678 shipped", "");
    expect("on 2015-12-22 at noon", "");
    expect("ISBN 978-3-16-148410-0", "");
    expect("code 155-555-0132", "");
    /* the international prefix 00 written for '+', in groups */
    expect("ruf an: 0049 30 12345678.", "PHONE:0049 30 12345678;");
    expect("dial 00 44 20 7946 0958 now", "PHONE:00 44 20 7946 0958;");
    expect("it is 0033 1 23 45 67 89", "PHONE:0033 1 23 45 67 89;");
    /* not a country code after the 00, one group, too few digits */
    expect("ids 0001 2345 6789 and 00 012 3456 7890", "");
    expect("ref 00493012345678 ok", "");
    expect("ref 0049 3012 ok", "");
    /* an area code in parentheses is the phone's; a value in parentheses is not */
    expect("(02) 9876 5432 and (555) 123-4567", "PHONE:(02) 9876 5432;PHONE:(555) 123-4567;");
    expect("(415 555 0132)", "PHONE:415 555 0132;");
    /* a German national number with its '/'; dates and fractions with one are not */
    expect("Tel. 030/1234567 oder 0171/1234567", "PHONE:030/1234567;PHONE:0171/1234567;");
    expect("am 01/2023, 0815/4711 und 12/345678", "");
    /* a ZIP+4 code after a state is no national number; written alone after "call" it may be one */
    expect("Boston, MA 02134-1234; call 02134-1234", "PHONE:02134-1234;");
    /* no-break, narrow no-break and thin spaces, en dashes between groups (word processors, French typography) */
    expect("Tél\u00a0: 01\u00a023\u00a045\u00a067\u00a089 ou 01\u202f23\u202f45\u202f67\u202f89",
           "PHONE:01\u00a023\u00a045\u00a067\u00a089;PHONE:01\u202f23\u202f45\u202f67\u202f89;");
    expect("call (555)\u00a0123\u2013" "4567, card 4111\u00a01111\u00a01111\u00a01111, SSN 078\u2013" "05\u2013" "1120",
           "PHONE:(555)\u00a0123\u2013" "4567;CREDIT_CARD:4111\u00a01111\u00a01111\u00a01111;US_SSN:078\u2013" "05\u2013" "1120;");
    /* an SSN written with dots or slashes, after "SSN", is an SSN, not a phone */
    expect("social security number is 078.05.1120, SSN 078/05/1120", "US_SSN:078.05.1120;US_SSN:078/05/1120;");
}

static void test_card(void **st)
{
    (void)st;
    expect("card 4111 1111 1111 1111 ok", "CREDIT_CARD:4111 1111 1111 1111;");
    expect("card 4111-1111-1111-1111", "CREDIT_CARD:4111-1111-1111-1111;");
    expect("amex 378282246310005", "CREDIT_CARD:378282246310005;");
    expect("mc 5555555555554444.", "CREDIT_CARD:5555555555554444;");
    expect("bad luhn 4111 1111 1111 1112", "");
    expect("no issuer 1234 5678 9012 3456", "");
    expect("mixed 4111 1111-1111 1111", "");
    expect("glued x4111111111111111", "");
    /* in parentheses, grouped or not */
    expect("my card (4111 1111 1111 1111) was declined", "CREDIT_CARD:4111 1111 1111 1111;");
    expect("(378282246310005)", "CREDIT_CARD:378282246310005;");
}

static void test_ssn(void **st)
{
    (void)st;
    expect("SSN 123-45-6789", "US_SSN:123-45-6789;");
    expect("ssn 123 45 6789", "US_SSN:123 45 6789;");
    expect("social security number: 123456789", "US_SSN:123456789;");
    expect("000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000", "");
    expect("mixed 123-45 6789", "");
    expect("id 123456789 without the words", "");
    expect("her SSN (078-05-1120) is on file", "US_SSN:078-05-1120;");
}

static void test_iban(void **st)
{
    (void)st;
    expect("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN:DE89 3704 0044 0532 0130 00;");
    expect("to GB82WEST12345698765432.", "IBAN:GB82WEST12345698765432;");
    /* one of the registry's recent countries (Honduras, 28) */
    expect("pay HN04 BANK 0000 0000 0012 3456 7890 now", "IBAN:HN04 BANK 0000 0000 0012 3456 7890;");
    expect("bad check DE89 3704 0044 0532 0130 01", "");
    expect("unknown XX89 3704 0044 0532 0130 00", "");
    expect("short DE89 3704 0044 0532 0130", "");
    /* written in lower case, as people type them; one case throughout */
    expect("iban de89 3704 0044 0532 0130 00 please", "IBAN:de89 3704 0044 0532 0130 00;");
    expect("to gb82west12345698765432.", "IBAN:gb82west12345698765432;");
    expect("bad check de89 3704 0044 0532 0130 01", "");
    /* groups of four apart by a no-break, narrow no-break or thin space, as word processors write them */
#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"
#define THIN "\xe2\x80\x89"
    expect("IBAN DE89" NBSP "3704" NBSP "0044" NBSP "0532" NBSP "0130" NBSP "00 please",
           "IBAN:DE89" NBSP "3704" NBSP "0044" NBSP "0532" NBSP "0130" NBSP "00;");
    expect("IBAN FR76" NNBSP "3000" NNBSP "6000" NNBSP "0112" NNBSP "3456" NNBSP "7890" THIN "189.",
           "IBAN:FR76" NNBSP "3000" NNBSP "6000" NNBSP "0112" NNBSP "3456" NNBSP "7890" THIN "189;");
    expect("bad check DE89" NBSP "3704" NBSP "0044" NBSP "0532" NBSP "0130" NBSP "01", "");
#undef NBSP
#undef NNBSP
#undef THIN
    expect("mixed GB82west12345698765432 gb82WEST12345698765432 De89 3704 0044 0532 0130 00", "");
    /* hex ids of a country's IBAN length that pass mod-97: trace and span ids, not IBANs; a check letter that is a
     * hex digit is still an IBAN's (Italy's CIN) */
    expect("span_id=be61e9d41a77adc8 trace de87fd1c3360d5ea3cd5cd BE61E9D41A77ADC8", "");
    expect("conto IT65A0542811101000000123456 e it65a0542811101000000123456",
           "IBAN:IT65A0542811101000000123456;IBAN:it65a0542811101000000123456;");
}

static void test_ip(void **st)
{
    (void)st;
    expect("host 10.1.2.3 and 192.168.0.1", "IP_ADDRESS:10.1.2.3;IP_ADDRESS:192.168.0.1;");
    expect("v6 2001:db8::1 and fe80::1ff:fe23:4567:890a.", "IP_ADDRESS:2001:db8::1;IP_ADDRESS:fe80::1ff:fe23:4567:890a;");
    expect("version 1.2.3.4, v2.0.0.1, 1.2.3.4.5", "");
    expect("256.1.1.1 and 01.02.03.04", "");
    expect("at 12:30:45 and std::vector", "");
    /* a key glued on with a colon is not the address's ("ip:", "IPv6:"); "x1:2:3:4:5:6:7:8" holds none */
    expect("ip:2001:db8::1 IPv6:2001:db8:1::5 x1:2:3:4:5:6:7:8",
           "IP_ADDRESS:2001:db8::1;IP_ADDRESS:2001:db8:1::5;");
    expect("PING localhost (127.0.0.1) 56(84) bytes", "IP_ADDRESS:127.0.0.1;");
}

static void test_date_of_birth(void **st)
{
    (void)st;
    expect("I was born on 12 March 1985.", "DATE_OF_BIRTH:12 March 1985;");
    expect("DOB: 1985-03-12", "DATE_OF_BIRTH:1985-03-12;");
    expect("date of birth March 3rd, 1990", "DATE_OF_BIRTH:March 3rd, 1990;");
    expect("birthday 03/12/1985", "DATE_OF_BIRTH:03/12/1985;");
    expect("the meeting on 12 March 1985", "");
    expect("born 31/02/1990", "");
    /* the words in German, French, Spanish, Italian, Portuguese, Dutch, Danish/Norwegian and Swedish */
    expect("Geburtsdatum: 12.03.1985, geb. 13.03.1985", "DATE_OF_BIRTH:12.03.1985;DATE_OF_BIRTH:13.03.1985;");
    expect("date de naissance : 12/03/1985", "DATE_OF_BIRTH:12/03/1985;");
    expect("fecha de nacimiento 12/03/1985; nacida el 13/03/1985", "DATE_OF_BIRTH:12/03/1985;DATE_OF_BIRTH:13/03/1985;");
    expect("data di nascita 12/03/1985", "DATE_OF_BIRTH:12/03/1985;");
    expect("data de nascimento 12/03/1985", "DATE_OF_BIRTH:12/03/1985;");
    expect("geboortedatum 12-03-1985", "DATE_OF_BIRTH:12-03-1985;");
    expect("f\xc3\xb8" "dt 12.03.1985, f\xc3\xb6" "dd 1985-03-12", "DATE_OF_BIRTH:12.03.1985;DATE_OF_BIRTH:1985-03-12;");
    expect("the NATO summit 12/03/1985", "");
}

static void test_license_url_domain(void **st)
{
    (void)st;
    expect("driver's license D1234567 expires", "US_DRIVER_LICENSE:D1234567;");
    expect("license MIT 2024", "");
    expect("see https://example.com/a?b=1).", "URL:https://example.com/a?b=1;");
    expect("visit www.example.org today", "DOMAIN:www.example.org;");
    expect("mailto x@example.org", "EMAIL:x@example.org;");
}

static void test_default_types(void **st)
{
    (void)st;
    char got[256];
    /* URL and DOMAIN are not looked for unless asked */
    found("{}", "see https://example.com and a@example.com", got, sizeof(got));
    assert_string_equal(got, "EMAIL:a@example.com;");
}

static void test_redact_consistent(void **st)
{
    (void)st;
    tc_run_t r;
    const char *parts[] = {"from a@x.com to b@x.com", "cc a@x.com, card 4111 1111 1111 1111"};
    size_t lens[] = {SIZE_MAX, SIZE_MAX};
    tc_run_parts(&r, PII, "{\"action\":\"redact\"}", parts, lens, 2);
    assert_true(r.res.verdict);
    assert_true(r.res.transformed);
    assert_string_equal(tc_part(&r, 0), "from [EMAIL_1] to [EMAIL_2]");
    assert_string_equal(tc_part(&r, 1), "cc [EMAIL_1], card [CREDIT_CARD_1]");
    char *d = tc_data(&r);
    assert_null(strstr(d, "a@x.com"));
    assert_null(strstr(d, "4111 1111 1111 1111"));
    assert_non_null(strstr(d, "\"counts\":{\"EMAIL\":3,\"CREDIT_CARD\":1}"));
    free(d);
    tc_done(&r);

    /* Portkey's spelling */
    tc_run(&r, PII, "{\"redact\":true}", "mail a@x.com");
    assert_string_equal(tc_part(&r, 0), "mail [EMAIL_1]");
    tc_done(&r);

    /* the same address, number or account however it is written: one number (until 2026-11-22 byte for byte) */
    const char *same[] = {"John@Example.com, john@example.com, JOHN@EXAMPLE.COM or ann@example.com",
                          "call 555-123-4567, (555) 123-4567 or 555.123.9999; card 4111-1111-1111-1111",
                          "IBAN DE89 3704 0044 0532 0130 00 = de89370400440532013000, card 4111 1111 1111 1111"};
    size_t same_lens[] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    tc_run_parts(&r, PII, "{\"action\":\"redact\"}", same, same_lens, 3);
    assert_string_equal(tc_part(&r, 0), "[EMAIL_1], [EMAIL_1], [EMAIL_1] or [EMAIL_2]");
    assert_string_equal(tc_part(&r, 1), "call [PHONE_1], [PHONE_1] or [PHONE_2]; card [CREDIT_CARD_1]");
    assert_string_equal(tc_part(&r, 2), "IBAN [IBAN_1] = [IBAN_1], card [CREDIT_CARD_1]");
    tc_done(&r);
}

static void test_mask_and_detect(void **st)
{
    (void)st;
    tc_run_t r;
    tc_run(&r, PII, "{\"action\":\"mask\"}", "card 4111 1111 1111 1111, ssn 123-45-6789, ip 10.1.2.3");
    assert_true(r.res.verdict);
    assert_string_equal(tc_part(&r, 0), "card **** **** **** 1111, ssn ***-**-6789, ip **.*.*.*");
    tc_done(&r);

    tc_run(&r, PII, "{}", "nothing personal here, version 1.2.3.4");
    assert_true(r.res.verdict);
    assert_null(r.res.parts);
    assert_int_equal(tc_int(r.res.data, "found"), 0);
    tc_done(&r);

    tc_run(&r, PII, "{}", "é ü a@x.com");
    assert_false(r.res.verdict);
    json_t *e = json_array_get(json_object_get(r.res.data, "entities"), 0);
    assert_int_equal(tc_int(e, "start"), 4); /* code points, not bytes */
    assert_int_equal(tc_int(e, "end"), 11);
    assert_string_equal(json_string_value(json_object_get(e, "excerpt")), "*@*.***"); /* short: masked whole */
    tc_done(&r);
}

static void test_params(void **st)
{
    (void)st;
    tc_compile_fails(PII, "{\"entities\":[\"EMAIL\",\"PASSPORT\"]}", "unknown entity \"PASSPORT\"");
    tc_compile_fails(PII, "{\"entities\":[]}", "non-empty array");
    tc_compile_fails(PII, "{\"action\":\"shred\"}", "action must be");
    tc_compile_fails(PII, "{\"redact\":\"yes\"}", "redact must be a boolean");
    tc_compile_fails(PII, "{\"redact\":true,\"action\":\"mask\"}", "contradicts");
    tc_compile_fails(PII, "{\"entites\":[\"EMAIL\"]}", "unknown parameter \"entites\"");
    char got[128];
    found("{\"entities\":[\"email\"]}", "a@x.com 4111 1111 1111 1111", got, sizeof(got));
    assert_string_equal(got, "EMAIL:a@x.com;");
}

/* More findings than data lists: all are redacted and counted, the first 256 listed, truncated set. */
static void test_many_findings(void **st)
{
    (void)st;
    size_t n = 5000;
    char *text = malloc(n * 40 + 1), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "u%zu@x.com card 4111 1111 1111 1111, ", i);
    tc_run_t r;
    tc_run(&r, PII, "{\"action\":\"redact\"}", text);
    assert_true(r.res.verdict);
    assert_null(r.res.error[0] ? r.res.error : NULL);
    const char *out = r.res.parts[0];
    size_t len = r.res.part_lens[0];
    assert_null(memchr(out, '@', len));
    assert_null(memmem(out, len, "4111 1111", 9)); /* (a placeholder may be [EMAIL_4111]) */
    assert_int_equal(tc_int(r.res.data, "found"), (json_int_t)(2 * n));
    assert_int_equal(json_array_size(json_object_get(r.res.data, "entities")), 256);
    assert_true(json_is_true(json_object_get(r.res.data, "truncated")));
    assert_non_null(memmem(out, len, "[EMAIL_5000]", 12));
    tc_done(&r);
    free(text);
}

/* Every prefix and suffix of a text with one of each entity: never a span out of bounds or overlapping. */
static void test_cuts(void **st)
{
    (void)st;
    const char *t = "a@x.com +44 20 7946 0958 4111 1111 1111 1111 123-45-6789 DE89 3704 0044 0532 0130 00 "
                    "10.1.2.3 2001:db8::1 born 12 March 1985";
    size_t n = strlen(t);
    for (size_t a = 0; a < n; a += 3) {
        for (size_t b = a; b <= n; b += 5) {
            tc_run_t r;
            const char *p = t + a;
            size_t len = b - a;
            tc_run_parts(&r, PII, ALL, &p, &len, 1);
            json_t *ents = json_object_get(r.res.data, "entities");
            json_int_t prev_end = 0;
            size_t i;
            json_t *e;
            json_array_foreach(ents, i, e) {
                assert_true(tc_int(e, "start") >= prev_end);
                assert_true(tc_int(e, "end") > tc_int(e, "start"));
                assert_true((size_t)tc_int(e, "end") <= len);
                prev_end = tc_int(e, "end");
            }
            tc_done(&r);
        }
    }
}

/* A long run of host-like labels ("x.co.x.co.…"): every hit in it used to walk back over the whole run,
 * quadratic (300 KB took seconds); now the walk is bounded by a host name's length. */
static void test_domain_run_linear(void **st)
{
    (void)st;
    size_t n = 300000;
    char *t = malloc(n + 32);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        t[i] = "x.co."[i % 5];
    strcpy(t + n, " mail example.com");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    tc_run_t r;
    tc_run(&r, PII, "{\"entities\":[\"DOMAIN\"]}", t);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    if (ms > 2000)
        fail_msg("DOMAIN over a 300 KB run of labels took %.0f ms", ms);
    /* the host after the run is still found */
    json_t *ents = json_object_get(r.res.data, "entities");
    json_t *last = json_array_get(ents, json_array_size(ents) - 1);
    assert_non_null(last);
    assert_int_equal(tc_int(last, "end"), (json_int_t)(n + strlen(" mail example.com")));
    tc_done(&r);
    free(t);
}

/* PERSON / STREET_ADDRESS compile a large pattern set (about 2 s): it goes through the on-disk cache, so a
 * request-supplied hook naming them costs a load (milliseconds) after the first, not a compile each time. */
static void test_names_compile_cached(void **st)
{
    (void)st;
    char dir[] = "/tmp/rg-pii-cache-XXXXXX", err[256], cmd[600];
    assert_non_null(mkdtemp(dir));
    setenv("RAILGATE_CACHE_DIR", dir, 1);
    json_t *p = json_loads("{\"entities\":[\"PERSON\",\"STREET_ADDRESS\"]}", 0, NULL);
    void *c = PII->compile(p, err, sizeof(err));
    assert_non_null(c);
    PII->free(c);
    json_decref(p);
    snprintf(cmd, sizeof(cmd), "ls %s/hs-*.db >/dev/null 2>&1", dir);
    int cached = system(cmd) == 0;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    unsetenv("RAILGATE_CACHE_DIR");
    assert_true(cached);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email),          cmocka_unit_test(test_context_whole_words), cmocka_unit_test(test_phone),
        cmocka_unit_test(test_card),           cmocka_unit_test(test_ssn),
        cmocka_unit_test(test_iban),           cmocka_unit_test(test_ip),
        cmocka_unit_test(test_date_of_birth),  cmocka_unit_test(test_license_url_domain),
        cmocka_unit_test(test_default_types),  cmocka_unit_test(test_redact_consistent),
        cmocka_unit_test(test_mask_and_detect), cmocka_unit_test(test_params),
        cmocka_unit_test(test_cuts),           cmocka_unit_test(test_many_findings),
        cmocka_unit_test(test_domain_run_linear), cmocka_unit_test(test_names_compile_cached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
