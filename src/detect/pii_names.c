/* pii_names.c — PERSON by a name gazetteer and cue words, STREET_ADDRESS by street shapes (see pii_names.h). */
#include "detect/pii_names.h"

#include "detect/fold.h"
#include "detect/name_lex.h"
#include "detect/pii.h"
#include "guard/js_value.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rg_pii_names {
    int person, street;
    const rg_name_lex_t *lex; /* the built-in gazetteer (process-wide, read-only) */
};

enum {
    K_NAME_CUE = 0, /* "my name is", "Name:", "Dear", "call me": a capitalised word follows */
    K_NAME_WEAK,    /* "name", "named", "last name?": only a word of the gazetteer follows */
    K_TITLE,        /* Mr. Dr. Mrs. ... */
    K_CLOSING,      /* "Regards,\n" */
    K_STREET_US,    /* house number, capitalised words, street type */
    K_STREET_LOWER, /* the same in lower case: "3911 fourth avenue" */
    K_STREET_EU,    /* a compound street name ending in its type, and its number: "Koskikatu 25" */
    K_STREET_WORD,  /* capitalised words, a street-type word, a number: "Villacher Strasse 89", "Király u. 15." */
    K_STREET_PRE,   /* street type first: "Rua do Arenque 1634", "63 Avenue du Golf" */
    K_STREET_PRE_LOWER, /* the same after a number, any case: "36 rue de pologne" */
    K_STREET_MIL,   /* PSC 1234, Box 5678 / Unit ... Box ... / USNS Name FPO */
    K_STREET_POBOX, /* P.O. Box 287 */
    K_STREET_NUM,   /* number, capitalised words, number: "5049 Harjukuja 54" — needs a cue or a unit */
    K_STREET_CUE,   /* capitalised words and a number — needs an address cue right before */
};

/* A capitalised word, ASCII or a Latin-1 / Latin Extended-A letter (two-byte UTF-8, lead C3-C5). */
#define UPPER "(?:[A-Z]|\\xC3[\\x80-\\x9E]|[\\xC4\\xC5][\\x80-\\xBF])"
#define LOWER "(?:[a-z'\\-]|\\xC3[\\x9F-\\xBF]|[\\xC4-\\xC9][\\x80-\\xBF])"
#define CAPWORD "(?:[dDlL]')?" UPPER LOWER "+(?:-" UPPER LOWER "+)?"
#define NUM "\\d{1,6}[A-Za-z]?"
#define CONNECT "(?:do|da|de|del|della|delle|dei|di|du|dos|das|des|la|le|el|al|van|von|der|den|z|u|na|nad|pod)"
#define STREET_TYPES                                                                                          \
    "Street|St|Str|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|"  \
    "Parkway|Pkwy|Square|Sq|Highway|Hwy|Circle|Cir|Trail|Trl|Crescent|Cres|Close|Gardens|Row|Mews|Walk|Hill|" \
    "Park|Grove|Rise|Loop|Alley|Plaza|Expressway|Freeway|Turnpike|Pike|Crossing|Crossroad|Extension|"         \
    "Extensions|Harbor|Harbour|Fort|Forges?|Rapids|Radial|Bypass|Pass|Isle|Union|Prairie|Heights|Junction"
#define EU_ENDINGS                                                                                                  \
    "strasse|stra\\xC3\\x9Fe|str\\.|gasse|weg|platz|allee|damm|ufer|katu|kuja|polku|tie|gatan|v\\xC3\\xA4gen|" \
    "gata|vej|gade|str\\xC3\\xA6de|v\\xC3\\xA6nget|torv|veien|vegen|gate|laan|straat|plein|gracht|kade|singel|" \
    "dreef|utca|ulica"
#define EU_WORDS                                                                                                    \
    "Strasse|Stra\\xC3\\x9Fe|Str\\.|Gasse|Weg|Platz|Allee|gate|gata|gatan|vej|gade|veien|utca|u\\.|\\xC3\\xBAt|" \
    "\\xC3\\xBAtja|t\\xC3\\xA9r|k\\xC3\\xB6r\\xC3\\xBAt|sor|k\\xC3\\xB6z|kapu|straat|laan|weg"
#define PRE_TYPES                                                                                                   \
    "Rua|Avenida|Av\\.?|Calle|C/|Via|Viale|Piazza|Piazzale|Vicolo|Strada|Corso|Largo|Rue|" \
    "Chemin|All\\xC3\\xA9e|Quai|Impasse|Paseo|Carrer|Travessa|Pra\\xC3\\xA7a|Ulica|ul\\.|Aleja|Plac|Trg"

static const struct {
    unsigned k;
    int street; /* 0 person, 1 street */
    const char *expr;
    unsigned flags;
} name_patterns[] = {
    {K_NAME_CUE, 0,
     "(?i:my name is|my name's|name\\s*:|name is|call me|i am called|this is|dear|contact person:?|"
     "signed|sincerely yours|yours sincerely)\\s+" UPPER,
     0},
    {K_NAME_WEAK, 0,
     "(?i:(?:first|last|full|sur|family|given|maiden|partner's|husband's|wife's|son's|daughter's)\\s*name\\W{0,3}|"
     "named(?:\\s+(?:him|her|them|it))?|name)\\s+" UPPER,
     0},
    {K_TITLE, 0, "\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta)\\.?\\s+" UPPER, 0},
    {K_CLOSING, 0, "(?i:regards|sincerely|best|thanks|cheers|yours truly),?[ \\t]*\\r?\\n[ \\t]*" UPPER, 0},
    {K_STREET_US, 1,
     "\\b(?:" NUM "[ \\t]+){1,2}(?:(?:" CAPWORD "|\\d{1,3}(?:st|nd|rd|th)|[NSEW]{1,2})\\.?[ \\t]+){1,4}(?:" STREET_TYPES
     ")\\b\\.?",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_LOWER, 1,
     "\\b(?:\\d{1,6}[ \\t]+){1,2}(?:[a-z]+[ \\t]+){1,3}(?:street|avenue|road|boulevard|lane|drive|st|ave|rd|blvd)\\b",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_EU, 1,
     "\\b(?:\\d{1,6}[ \\t]+){0,2}" UPPER LOWER "{3,}(?:" EU_ENDINGS ")[ \\t]+\\d{1,5}[A-Za-z]?\\b\\.?",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_WORD, 1,
     "\\b(?:\\d{1,6}[ \\t]+){0,2}" CAPWORD "(?:[ \\t]+(?:" CAPWORD "|[a-z]{3,12})){0,2}[ \\t]+(?:" EU_WORDS
     ")[ \\t]+\\d{1,5}[A-Za-z]?\\b\\.?",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_PRE, 1,
     "\\b(?:(?:\\d{1,6}[ \\t]+){1,2}(?:" PRE_TYPES "|Avenue|Boulevard|Bd|Place)(?:[ \\t]+(?:" CAPWORD "|" CONNECT
     ")){1,4}|(?:" PRE_TYPES ")(?:[ \\t]+(?:" CAPWORD "|" CONNECT ")){1,4}[ \\t]+\\d{1,5}[A-Za-z]?\\b)",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_MIL, 1,
     "\\b(?:(?:PSC|Unit|CMR)\\s+\\d{3,5},?\\s+Box\\s+\\d{3,5}|(?:USNS|USNV|USS|USCGC)\\s+\\S+\\s*,?\\s+[FD]PO\\s+A[AEP])",
     HS_FLAG_SOM_LEFTMOST | HS_FLAG_CASELESS},
    {K_STREET_PRE_LOWER, 1,
     "\\b(?:\\d{1,6}[ \\t]+){1,2}(?i:rue|avenue|avenida|calle|rua|strada|piazza)(?:[ \\t]+(?:[a-z]{2,}|" CAPWORD
     ")){1,4}",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_POBOX, 1, "\\bP\\.?\\s?O\\.?\\s+Box\\s+\\d{1,6}\\b", HS_FLAG_SOM_LEFTMOST | HS_FLAG_CASELESS},
    {K_STREET_NUM, 1,
     "\\b(?:\\d{1,6}[ \\t]+){1,2}" CAPWORD "(?:[ \\t]+(?:" CAPWORD "|" CONNECT ")){0,3}[ \\t]+\\d{1,5}[A-Za-z]?\\b",
     HS_FLAG_SOM_LEFTMOST},
    {K_STREET_CUE, 1, "\\b" CAPWORD "(?:[ \\t]+(?:" CAPWORD "|" CONNECT ")){0,3}[ \\t]+\\d{1,5}[A-Za-z]?\\b",
     HS_FLAG_SOM_LEFTMOST},
};
#define N_NAME_PATTERNS (sizeof(name_patterns) / sizeof(name_patterns[0]))
_Static_assert(N_NAME_PATTERNS <= RG_PII_NAMES_MAX_PATTERNS, "raise RG_PII_NAMES_MAX_PATTERNS");

rg_pii_names_t *rg_pii_names_new(int person, int street, char *err, size_t errsz)
{
    rg_pii_names_t *n = calloc(1, sizeof(*n));
    if (n == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    n->person = person;
    n->street = street;
    if (person && (n->lex = rg_name_lex_builtin(err, errsz)) == NULL) {
        free(n);
        return NULL;
    }
    return n;
}

void rg_pii_names_free(rg_pii_names_t *n) { free(n); }

size_t rg_pii_names_patterns(const rg_pii_names_t *n, rg_hs_pattern_t *pats, unsigned base)
{
    size_t k = 0;
    for (size_t i = 0; i < N_NAME_PATTERNS && k < RG_PII_NAMES_MAX_PATTERNS; i++)
        if ((name_patterns[i].street ? n->street : n->person))
            pats[k++] = (rg_hs_pattern_t){name_patterns[i].expr, name_patterns[i].flags, base + name_patterns[i].k};
    return k;
}

/* ---- words ------------------------------------------------------------------------------------------ */

/* Upper-case Latin letters past ASCII: Latin-1, Latin Extended-A pairs, Ș Ț. */
static int upper_cp(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xC0 && cp <= 0xDE)
        return cp != 0xD7;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177) || (cp >= 0x218 && cp <= 0x21B))
        return cp % 2 == 0;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp % 2 == 1;
    if (cp == 0x178 || (cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F))
        return 1; /* Ÿ, Greek and Russian capitals */
    return 0;
}

typedef struct {
    size_t a, b, end;  /* the word is [a, end); b = end without a possessive 's */
    unsigned letters;  /* letters in it */
    unsigned uppers;   /* upper-case letters in it */
    int cap;           /* first letter upper, some letter lower */
    int key_ok;        /* key holds its fold (Latin letters only, short enough) */
    size_t klen;
    char key[RG_NAME_KEY_MAX];
} word_t;

static int ascii_letter(unsigned char c) { return (unsigned)((c | 0x20) - 'a') < 26; }

/* Kind of the character at s[i]: 1 letter (Latin fold in f), 2 other letter, 3 mark (part of a word), 0 not a
 * word character; *n its length. */
static int char_kind(const char *s, size_t len, size_t i, size_t *n, uint32_t *cp, rg_fold_t *f)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *n = 1;
        *cp = c;
        if (!ascii_letter(c))
            return 0;
        f->cp[0] = c | 0x20;
        f->n = 1;
        return 1;
    }
    *n = rg_js_utf8_next(s, len, i, cp);
    rg_fold(*cp, f);
    switch (f->kind) {
    case RG_FK_LATIN: return 1;
    case RG_FK_LETTER: return 2;
    case RG_FK_MARK:
    case RG_FK_IGNORABLE: return 3;
    default: return 0;
    }
}

typedef struct {
    int first_upper, second_upper, last_upper, lower;
    int one_then_apostrophe; /* O'Brien, D'Angelo: one letter, then an apostrophe */
} word_case_t;

/* One more letter of a word: its case, and its fold (f) into the key when it is a Latin letter. */
static void add_letter(word_t *w, word_case_t *wc, int up, const rg_fold_t *f, int latin)
{
    if (w->letters == 0)
        wc->first_upper = up;
    else if (w->letters == 1)
        wc->second_upper = up;
    wc->last_upper = up;
    wc->lower |= !up;
    w->uppers += (unsigned)up;
    w->letters++;
    if (!latin || w->klen + f->n > RG_NAME_KEY_MAX)
        w->key_ok = 0;
    else
        for (unsigned q = 0; q < f->n; q++)
            w->key[w->klen++] = (char)f->cp[q];
}

/* The next word at or after i: letters with inner ' ’ or -; 0 when none is left. With `caps_only`, a word
 * that starts with an ASCII lower-case letter is only skipped (no key, cap 0): the scan for names. */
static int next_word_x(const char *s, size_t len, size_t i, word_t *w, int caps_only)
{
    size_t n;
    uint32_t cp;
    rg_fold_t f;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (ascii_letter(c))
                break;
            i++;
            continue;
        }
        int k = char_kind(s, len, i, &n, &cp, &f);
        if (k == 1 || k == 2)
            break;
        i += n;
    }
    if (i >= len)
        return 0;
    memset(w, 0, offsetof(word_t, key));
    w->a = i;
    if (caps_only && s[i] >= 'a' && s[i] <= 'z') {
        while (i < len && (ascii_letter((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80 ||
                           ((s[i] == '\'' || s[i] == '-') && i + 1 < len && ascii_letter((unsigned char)s[i + 1]))))
            i++;
        w->end = w->b = i;
        w->letters = 1;
        return 1;
    }
    w->key_ok = 1;
    int first = 1;
    word_case_t wc = {0};
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && ascii_letter(c)) { /* the common case */
            f.cp[0] = c | 0x20;
            f.n = 1;
            add_letter(w, &wc, c <= 'Z', &f, 1);
            first = 0;
            i++;
            continue;
        }
        int k = char_kind(s, len, i, &n, &cp, &f);
        if (k == 1 || k == 2) {
            add_letter(w, &wc, upper_cp(cp), &f, k == 1);
            first = 0;
            i += n;
            continue;
        }
        if (k == 3 && !first) {
            i += n;
            continue;
        }
        /* inner apostrophe or hyphen: only between letters */
        size_t sep = 0;
        if (c == '\'' || c == '-')
            sep = 1;
        else if (cp == 0x2019)
            sep = 3;
        if (sep == 0 || i + sep >= len)
            break;
        size_t n2;
        uint32_t cp2;
        rg_fold_t f2;
        int k2 = char_kind(s, len, i + sep, &n2, &cp2, &f2);
        if (k2 != 1 && k2 != 2)
            break;
        wc.one_then_apostrophe |= w->letters == 1 && c != '-';
        if (w->klen < RG_NAME_KEY_MAX)
            w->key[w->klen++] = c == '-' ? '-' : '\'';
        else
            w->key_ok = 0;
        i += sep;
    }
    w->end = w->b = i;
    /* Anna, O'Brien, McDonald, LeCun; not APIs, NaN, iPhone (until 2026-11-22 O'Brien's B counted as a second
     * capital in a row, and the word as no name) */
    w->cap = wc.first_upper && wc.lower && (!wc.second_upper || wc.one_then_apostrophe) && !wc.last_upper;
    /* possessive: Anna's, Anna’s */
    if (w->klen > 2 && w->key[w->klen - 2] == '\'' && w->key[w->klen - 1] == 's') {
        w->klen -= 2;
        w->b = s[i - 2] == '\'' ? i - 2 : i - 4;
    }
    return 1;
}

static int next_word(const char *s, size_t len, size_t i, word_t *w) { return next_word_x(s, len, i, w, 0); }

static unsigned lookup(const rg_pii_names_t *n, const word_t *w)
{
    if (!w->key_ok || w->klen == 0)
        return 0;
    unsigned f = rg_name_lex_flags(n->lex, w->key, w->klen);
    const char *h = memchr(w->key, '-', w->klen);
    if ((f & RG_NAME_GIVEN) && !(f & RG_NAME_GIVEN_TOP) && h != NULL) { /* Jean-Luc: as frequent as Jean */
        unsigned f1 = rg_name_lex_flags(n->lex, w->key, (size_t)(h - w->key));
        if ((f1 & RG_NAME_GIVEN_TOP) && !(f1 & RG_NAME_WORD))
            f |= RG_NAME_GIVEN_TOP;
    }
    if (f == 0 && h != NULL) { /* Jean-Luc, Anna-Maria, Smith-Jones: both parts names, none a common word */
        size_t l1 = (size_t)(h - w->key);
        unsigned f1 = rg_name_lex_flags(n->lex, w->key, l1);
        unsigned f2 = rg_name_lex_flags(n->lex, h + 1, w->klen - l1 - 1);
        if ((f1 & (RG_NAME_GIVEN | RG_NAME_SURNAME)) && (f2 & (RG_NAME_GIVEN | RG_NAME_SURNAME)) &&
            !((f1 | f2) & RG_NAME_WORD))
            f = (f1 & (RG_NAME_GIVEN | RG_NAME_GIVEN_TOP)) | (f2 & (RG_NAME_SURNAME | RG_NAME_SURN_TOP)) |
                (f1 & f2 & RG_NAME_GIVEN);
    }
    return f;
}

static int key_is(const word_t *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == w->klen && memcmp(list[i], w->key, w->klen) == 0)
            return 1;
    return 0;
}

/* Words after a name that make it a place, an organisation or an event ("Elizabeth Street", "Victoria
 * Station", "Johnson Inc"). */
static const char *const place_suffix[] = {
    "street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "lane", "drive", "square", "park",
    "gardens", "river", "lake", "bay", "island", "islands", "mountain", "mountains", "valley", "beach", "bridge",
    "station", "airport", "hotel", "hospital", "university", "college", "school", "academy", "institute", "museum",
    "library", "church", "cathedral", "county", "city", "town", "state", "district", "inc", "ltd", "llc", "corp",
    "corporation", "company", "co", "group", "bank", "foundation", "trust", "fund", "association", "society",
    "center", "centre", "house", "tower", "stadium", "arena", "theatre", "theater", "festival", "award", "awards",
    "prize", "cup", "day", "act", "falls", "springs", "creek", "harbor", "harbour", "port", "strasse", "platz",
    "way", "terrace", "court", "place", "highway", NULL};
/* Words before a name that make it a place or a thing ("San Diego", "Lake Victoria", "the Jordan"). */
static const char *const place_prefix[] = {"the",  "san",  "santa", "saint", "st",   "ste",
                                           "fort", "port", "mount", "mt",  "lake",  "cape",  "new",  "los",
                                           "las",  "isla", "rio", "porto", "bad",   "sankt", "villa", "via",
                                           "rue",  "rua",  "avenue", "calle", NULL};
/* Lower-case particles inside names: Ludwig van Beethoven, Willemine ten Pas. */
static const char *const particle[] = {"van", "von", "de",  "da", "del", "della", "der", "den", "ten", "ter",
                                       "le",  "la",  "di",  "du", "dos", "das",   "do",  "bin", "ibn", "al",
                                       "el",  "zu",  "dit", "af", "y",   NULL};
/* Capitalised words that follow a cue but are not names ("Dear Sir", "This is Monday"); titles too: in "Dear Mr.
 * Smith" the title's own cue finds Smith (until 2026-11-22 "Mr" was reported as a name). */
static const char *const cue_stop[] = {"sir",  "madam", "customer", "team", "support", "all", "everyone", "the",
                                       "this", "that",  "it",       "not",  "hello",   "hi",  "thanks",   "thank",
                                       "i",    "mr",    "mrs",      "ms",   "miss",    "mx",  "dr",       "prof", NULL};

/* Only spaces or tabs (at most three) between a and b. */
static int blank_gap(const char *s, size_t a, size_t b)
{
    if (b <= a || b - a > 3)
        return 0;
    for (size_t i = a; i < b; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* A name is not part of an identifier, a path, an address or a file name. */
static int clean_edges(const char *s, size_t len, size_t a, size_t end)
{
    if (a > 0 && strchr("_@/\\.#$=+<&*^~|0123456789", s[a - 1]) != NULL && s[a - 1] != '\0')
        return 0;
    if (end < len) {
        unsigned char c = (unsigned char)s[end];
        if (c != '\0' && (strchr("_@/\\(=0123456789", c) != NULL))
            return 0;
        if ((c == '.' || c == ':') && end + 1 < len && (ascii_letter((unsigned char)s[end + 1]) || (unsigned char)s[end + 1] >= 0x80))
            return 0; /* Anna.txt, Anna.Smith, Anna::x */
        if (c == '"' && end + 1 < len && s[end + 1] == ':')
            return 0; /* a JSON key */
    }
    return 1;
}

/* A single upper-case letter, maybe with a dot: a middle initial. Returns the end (after the dot), or 0. */
static size_t initial_end(const char *s, size_t len, const word_t *x)
{
    if (x->letters != 1 || x->uppers != 1 || x->end - x->a != 1)
        return 0;
    size_t e = x->end;
    if (e < len && s[e] == '.')
        e++;
    return e;
}

/*
 * The rest of a name from the word after `w` on: middle initials, particles, up to `more` capitalised words
 * that pass `ok`. Sets *end past the last word taken and returns how many capitalised words were taken; -1
 * when a place or organisation word follows (the whole candidate is dropped).
 */
static int name_tail(const rg_pii_names_t *n, const char *s, size_t len, const word_t *w, unsigned wflags,
                     int more, int cued, size_t *end, unsigned *first_flags)
{
    size_t at = w->end;
    int taken = 0;
    *end = w->b;
    *first_flags = 0;
    if (w->b != w->end) /* a possessive ends the name */
        return 0;
    for (int step = 0; step < 5 && taken < more; step++) {
        word_t x;
        if (!next_word(s, len, at, &x) || !blank_gap(s, at, x.a))
            break;
        size_t ie = initial_end(s, len, &x);
        if (ie != 0) { /* J. or J followed by a capitalised word */
            word_t y;
            if (!next_word(s, len, ie, &y) || !blank_gap(s, ie, y.a) || !y.cap)
                break;
            at = ie;
            continue;
        }
        if (!x.cap) {
            word_t y;
            if (!key_is(&x, particle) || !next_word(s, len, x.end, &y) || !blank_gap(s, x.end, y.a) || !y.cap)
                break;
            at = x.end;
            continue;
        }
        if (key_is(&x, place_suffix))
            return taken == 0 ? -1 : taken;
        unsigned xf = lookup(n, &x);
        int ok;
        if (cued || !(wflags & RG_NAME_WORD)) /* after a cue or a plain given name: any name-like word */
            ok = (xf & (RG_NAME_SURNAME | RG_NAME_GIVEN)) || !(xf & RG_NAME_WORD);
        else /* "May", "Grace": only a surname that is no common word */
            ok = (xf & RG_NAME_SURNAME) && !(xf & RG_NAME_WORD);
        if (taken > 0 && !(xf & (RG_NAME_SURNAME | RG_NAME_GIVEN)))
            ok = 0; /* a third word must be a known name */
        if (!ok || !x.key_ok)
            break;
        if (taken == 0)
            *first_flags = xf;
        taken++;
        *end = x.b;
        at = x.end;
        if (x.b != x.end)
            break;
    }
    return taken;
}

/* After a cue: up to three capitalised words from `at` (the first one's first byte). */
static int name_from(const rg_pii_names_t *n, const char *s, size_t len, size_t at, unsigned k, size_t *a, size_t *b)
{
    word_t w;
    if (!next_word(s, len, at, &w) || w.a != at || !w.cap || w.letters < 2 || key_is(&w, cue_stop))
        return 0;
    unsigned f = lookup(n, &w);
    if (k == K_NAME_WEAK && !(f & (RG_NAME_GIVEN | RG_NAME_SURNAME)))
        return 0;
    /* a common word is no name after "Name:" ("Name: Person's name") unless it is a given name; after a
     * title a surname that is also a word is fine ("Mr. Brown") */
    if ((f & RG_NAME_WORD) && !(f & (k == K_TITLE ? RG_NAME_GIVEN | RG_NAME_SURNAME : RG_NAME_GIVEN)))
        return 0;
    if (f == 0 && !w.key_ok && w.uppers > 1)
        return 0;
    if (key_is(&w, place_suffix))
        return 0;
    size_t end;
    unsigned ff;
    if (name_tail(n, s, len, &w, 0, 2, 1, &end, &ff) < 0)
        return 0;
    *a = w.a;
    *b = end;
    return 1;
}

/* Is the word before position a (on the same line, only blanks between) one of `list`? */
static int prev_word_in(const char *s, size_t a, const char *const *list)
{
    size_t e = a;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t') && a - e < 3)
        e--;
    if (e == a || e == 0)
        return 0;
    size_t b = e;
    while (b > 0 && e - b < 12 && ascii_letter((unsigned char)s[b - 1]))
        b--;
    if (b == e || (b > 0 && ((unsigned char)s[b - 1] >= 0x80 || ascii_letter((unsigned char)s[b - 1]))))
        return 0;
    char k[12];
    for (size_t i = b; i < e; i++)
        k[i - b] = (char)(s[i] | 0x20);
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == e - b && memcmp(list[i], k, e - b) == 0)
            return 1;
    return 0;
}

/* Sentence start: nothing but blanks, quotes or brackets since a line break, . ! ? : or the start. */
static int sentence_start(const char *s, size_t a)
{
    size_t i = a;
    while (i > 0 && a - i < 8 && strchr(" \t\"'([*>-", s[i - 1]) != NULL && s[i - 1] != '\0')
        i--;
    return i == 0 || strchr(".!?:\n\r", s[i - 1]) != NULL;
}

/* Does the text read as English (or a language whose nouns are not capitalised)? Rare given names that are
 * also capitalised nouns or function words elsewhere ("Temel", "Mann", "Ama") are only trusted alone then.
 * Counts common function words in the first 4 KB: 2 English, 0 another language, 1 none at all. */
static int english_text(const char *s, size_t len)
{
    static const char *const en[] = {"the", "and", "is", "are", "was", "to", "of", "you", "my", "his", "her",
                                     "with", "for", "have", "has", "it", "on", "be", "this", "that", NULL};
    static const char *const other[] = {"der", "die", "das", "und", "ist", "ich", "nicht", "mit", "ein", "eine",
                                        "le", "les", "est", "une", "et", "el", "los", "las", "es", "y", "il",
                                        "che", "di", "ve", "bir", "ile", "bu", "ama", "icin", "och", "att", "og",
                                        "het", "een", "ja", "ei", "nem", "az", "sie", "mir", "wir", "du", "er",
                                        "auf", "zu", "dem", "den", "des", "im", "wie", "kann", "sind", "haben",
                                        "noch", "nur", "mein", "dir", "uns", "je", "vous", "nous", "pas", "avec",
                                        "pour", "dans", "que", "qui", "con", "por", "para", "del", "lo", "per",
                                        "sono", "ben", "sen", "mi", "ne", "ki", "icin", "gibi", NULL};
    word_t w;
    size_t i = 0, lim = len < 4096 ? len : 4096;
    int e = 0, o = 0;
    while (i < lim && next_word(s, lim, i, &w)) {
        i = w.end;
        if (w.cap || w.uppers > 0 || !w.key_ok)
            continue;
        e += key_is(&w, en);
        o += key_is(&w, other);
    }
    if (e == 0 && o == 0)
        return 1; /* no function word at all (a name, a line of a form): maybe English */
    return e >= o ? 2 : 0;
}

/* PERSON from the gazetteer: a given name followed by a surname-like word, or a given name that is no common
 * word on its own; and two shapes without a known given name: "Mohmad R. Vizirov" (a middle initial between
 * two capitalised words that are no English words) and "Dreux Joly" (an unknown capitalised word before a
 * known surname). */
static int person_pass(const rg_pii_names_t *n, const char *s, size_t len, rg_entities_t *out)
{
    word_t w;
    size_t i = 0, covered = 0;
    int english = -1; /* english_text(), computed when first needed */
    while (next_word_x(s, len, i, &w, 1)) {
        i = w.end;
        if (!w.cap || w.a < covered || w.letters < 2 || !w.key_ok)
            continue;
        unsigned f = lookup(n, &w);
        if (!clean_edges(s, len, w.a, w.end) || key_is(&w, place_prefix) || prev_word_in(s, w.a, place_prefix))
            continue;
        size_t end = 0;
        if (!(f & RG_NAME_GIVEN)) {
            /* no known given name: the two shapes */
            word_t x, y;
            unsigned xf, yf;
            if ((f & RG_NAME_WORD) || w.b != w.end || !next_word(s, len, w.end, &x) || !blank_gap(s, w.end, x.a))
                continue;
            size_t ie = initial_end(s, len, &x);
            if (ie != 0 && next_word(s, len, ie, &y) && blank_gap(s, ie, y.a) && y.cap && y.key_ok &&
                y.letters >= 2 && !((yf = lookup(n, &y)) & RG_NAME_WORD) && !key_is(&y, place_suffix) &&
                (f != 0 || yf != 0 || ie > x.end))
                end = y.b;
            else if (f == 0 && w.letters >= 3 && x.cap && x.key_ok && ((xf = lookup(n, &x)) & RG_NAME_SURNAME) &&
                     !(xf & RG_NAME_WORD) && !key_is(&x, place_suffix) &&
                     (english >= 0 || (english = english_text(s, len)) >= 0) && english == 2)
                end = x.b; /* German nouns are capitalised: "Welche Rolle", "Können Sie" */
            else
                continue;
        } else {
            unsigned sf; /* the flags of the word after the given name */
            int taken = name_tail(n, s, len, &w, f, 2, 0, &end, &sf);
            if (taken < 0)
                continue;
            if (taken == 0) { /* alone: a given name that is no common word */
                /* rare given names alone are too often brands, adjectives or foreign nouns ("Victorian",
                 * "Ülker", "Temel"): only frequent ones */
                if ((f & RG_NAME_WORD) || !(f & RG_NAME_GIVEN_TOP) || w.letters < 3)
                    continue;
                if (english < 0)
                    english = english_text(s, len);
                if (english == 0) /* "Ana kaynakları", "Alan adları" in Turkish */
                    continue;
            } else if ((f & RG_NAME_WORD) && sentence_start(s, w.a)) {
                /* "Will Kevin come?": the second word is the name, not the pair */
                word_t x;
                if (next_word(s, len, w.end, &x)) {
                    unsigned xf = lookup(n, &x);
                    if ((xf & RG_NAME_GIVEN_TOP) && !(xf & RG_NAME_SURN_TOP))
                        continue;
                }
            } else if (!(f & RG_NAME_GIVEN_TOP)) {
                /* a rare given name and a word nobody knows: "Temel Yetenekler" in Turkish text */
                if (english < 0)
                    english = english_text(s, len);
                if (!english && !(sf & (RG_NAME_SURNAME | RG_NAME_GIVEN)))
                    continue;
            }
        }
        if (!clean_edges(s, len, w.a, end))
            continue;
        if (rg_entities_add(out, w.a, end, RG_PII_PERSON, 1) != 0)
            return -1;
        covered = end;
        i = end;
    }
    return 0;
}

/* ---- street addresses ---------------------------------------------------------------------------------- */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Words that say an address follows (looked for in the 48 bytes before a bare "Name 12" shape). */
static const char *const address_cue[] = {"address", "lives at", "live at", "lived at", "lives in", "lived in",
                                          "live in", "lives on", "living at", "located at", "located on",
                                          "located in", "reside", "moved to", "corner of", "ship to",
                                          "deliver to", "send it to", "mail to", "sent to", "is on", "is at",
                                          "enter on", "arrived at", "meet you at", "office at", NULL};

static int cue_before(const char *s, size_t at, int strict)
{
    size_t from = at > 48 ? at - 48 : 0;
    char low[49];
    size_t n = at - from;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[from + i];
        low[i] = (char)((c >= 'A' && c <= 'Z') ? c | 0x20 : c);
    }
    /* the cue must end within a few bytes of the shape: "address is ", "lives at ", "Address:    " */
    for (size_t k = 0; address_cue[k]; k++) {
        size_t cl = strlen(address_cue[k]);
        if (strict && cl > 3 && memcmp(address_cue[k] + cl - 3, " in", 3) == 0)
            continue; /* "located in Area 51": a place, not a street */
        for (size_t p = 0; p + cl <= n; p++)
            if (memcmp(low + p, address_cue[k], cl) == 0) {
                size_t q = p + cl;
                while (q < n && (low[q] == ' ' || low[q] == ':' || low[q] == '\t' || ascii_letter((unsigned char)low[q])))
                    q++;
                if (q == n && n - (p + cl) <= 16)
                    return 1;
            }
    }
    return 0;
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x |= 0x20;
        if (x != y)
            return 1;
    }
    return 0;
}

/* After a line break: blanks and list or quote marks ("> ", "| ", "* ", "??? ") before the line's text. */
static size_t skip_line_lead(const char *s, size_t len, size_t p)
{
    size_t p0 = p;
    while (p < len && p - p0 < 8 && (s[p] == ' ' || s[p] == '\t' || s[p] == '>' || s[p] == '|' || s[p] == '*' ||
                                     s[p] == '?' || s[p] == '-'))
        p++;
    return p;
}

/* Past the separator after part of an address: a comma, blanks, one line break and its lead. *nl is set when
 * a line break was crossed. */
static size_t next_part(const char *s, size_t len, size_t p, int *nl)
{
    *nl = 0;
    if (p < len && s[p] == ',')
        p++;
    while (p < len && (s[p] == ' ' || s[p] == '\t'))
        p++;
    if (p < len && s[p] == '\r')
        p++;
    if (p < len && s[p] == '\n') {
        *nl = 1;
        p = skip_line_lead(s, len, p + 1);
    }
    return p;
}

/* A unit after an address: ", Apt. 864", " Suite 100", " #4". Returns its end, or 0. */
static size_t unit_after(const char *s, size_t len, size_t i)
{
    static const char *const units[] = {"apt", "apartment", "suite", "ste", "unit", "flat", "room", "rm", "floor",
                                        "fl", "#", "box", NULL};
    int nl;
    size_t p = next_part(s, len, i, &nl);
    if (p >= len)
        return 0;
    for (size_t k = 0; units[k]; k++) {
        size_t ul = strlen(units[k]);
        if (p + ul >= len || strncasecmp_ascii(s + p, units[k], ul) != 0)
            continue;
        size_t q = p + ul;
        if (q < len && ascii_letter((unsigned char)s[q]))
            continue;
        if (q < len && s[q] == '.')
            q++;
        while (q < len && (s[q] == ' ' || s[q] == '\t'))
            q++;
        size_t d = q;
        while (q < len && q - d < 8 && (is_digit((unsigned char)s[q]) || ascii_letter((unsigned char)s[q]) || s[q] == '-'))
            q++;
        if (q == d || !is_digit((unsigned char)s[d]))
            continue;
        return q;
    }
    return 0;
}

/* Labels that start a line of a signature, not a line of an address. */
static const char *const line_label[] = {"mobile", "phone", "tel", "fax", "desk", "email", "e-mail", "web",
                                         "website", "name", "date", "cell", "office", NULL};

/* One token of a place line at q: a capitalised or all-capitals word, a postal code, a "(...)". Returns its
 * end or 0; *strong is set for all-capitals words and postal codes. */
static size_t place_token(const char *s, size_t len, size_t q, int *strong)
{
    unsigned char c = (unsigned char)s[q];
    if (is_digit(c)) {
        size_t e = q, digits = 0;
        while (e < len && e - q < 10 && (is_digit((unsigned char)s[e]) || ascii_letter((unsigned char)s[e]) || s[e] == '-'))
            digits += is_digit((unsigned char)s[e++]);
        if (digits < 3 || (e < len && (is_digit((unsigned char)s[e]) || ascii_letter((unsigned char)s[e]))))
            return 0;
        *strong = 1;
        return e;
    }
    if (c == '(') {
        const char *r = memchr(s + q, ')', len - q < 24 ? len - q : 24);
        if (r == NULL || memchr(s + q, '\n', (size_t)(r - (s + q))) != NULL)
            return 0;
        return (size_t)(r - s) + 1;
    }
    static const char *const place_connect[] = {"de", "del", "della", "di", "da", "do", "du", "la", "le", "nad",
                                                "pod", "u", "upon", "on", "am", "an", "im", "sur", "en", "y", NULL};
    word_t w;
    if (!next_word(s, len, q, &w) || w.a != q || w.letters == 0)
        return 0;
    if (!(w.cap || (w.uppers == w.letters && w.letters >= 2))) {
        /* "Ostrov nad Ohrí", "Montealegre del Castillo": a lower-case connector before a capitalised word */
        word_t y;
        if (!key_is(&w, place_connect) || !next_word(s, len, w.end, &y) || !blank_gap(s, w.end, y.a) || !y.cap)
            return 0;
        return w.end;
    }
    if (key_is(&w, line_label))
        return 0;
    if (w.uppers == w.letters && w.letters >= 2)
        *strong = 1;
    size_t e = w.end;
    if (e < len && s[e] == '.')
        e++;
    return e;
}

/*
 * The lines after an address core: ", City", "\nCITY", "\n, ST", " 12345", "\n Country 12345". Each line is
 * up to six place tokens and must end the line, the text or a clause. Returns the new end; *strong when some
 * token looked like a postal code or an all-capitals place.
 */
static size_t place_lines(const char *s, size_t len, size_t end, int *strong)
{
    for (int line = 0; line < 5; line++) {
        int nl;
        size_t p = next_part(s, len, end, &nl);
        if (nl && p < len && s[p] == ',') { /* "\n, CO" */
            p++;
            while (p < len && (s[p] == ' ' || s[p] == '\t'))
                p++;
        }
        if (p >= len || p == end)
            break;
        size_t q = p, last = 0;
        int tokens = 0, numbers = 0, st = 0;
        while (tokens < 6 && q < len && q - p < 64) {
            size_t e = place_token(s, len, q, &st);
            if (e == 0)
                break;
            numbers += is_digit((unsigned char)s[q]);
            last = e;
            tokens++;
            q = e;
            if (q + 1 < len && s[q] == ' ' && s[q + 1] != ' ')
                q++;
            else if (q + 2 < len && s[q] == ',' && s[q + 1] == ' ' && s[q + 2] != '\n')
                break; /* the next line starts at the comma */
            else
                break;
        }
        if (tokens == 0 || numbers >= 3)
            break; /* three digit groups ("\n655 437 108 office") are a phone, not a postal code */
        if (last < len && strchr(",\n\r.;!?) \t", s[last]) == NULL)
            break; /* "Mobile: ..." and the like */
        if (last < len && s[last] == ' ' && last + 1 < len && s[last + 1] == ':')
            break;
        if (last + 1 < len && s[last] == ' ' && is_digit((unsigned char)s[last + 1]))
            break; /* a digit group that is no place token follows: "\n416 60 039 office" */
        end = last;
        *strong |= st;
    }
    return end;
}

/* Lower-case street shapes: the words between the number and the street type are no function words. */
static int lower_street_ok(const char *s, size_t from, size_t to)
{
    static const char *const func[] = {"the", "a", "an", "on", "in", "at", "to", "of", "for", "and", "or", "my",
                                       "your", "his", "her", "their", "our", "this", "that", "with", "by", "from",
                                       "is", "are", "was", "be", "per", "more", "less", "than", "down", "up",
                                       "out", "off", "over", "under", "along", "across", "into", "onto", "miles",
                                       "km", "minutes", "hours", "days", "times", "years", "blocks", "cars",
                                       "people", "steps", "feet", "meters", "way", "lanes", "other", "new", NULL};
    size_t i = from;
    while (i < to && is_digit((unsigned char)s[i]))
        i++;
    while (i < to) {
        while (i < to && !ascii_letter((unsigned char)s[i]))
            i++;
        size_t a = i;
        while (i < to && ascii_letter((unsigned char)s[i]))
            i++;
        if (i == to)
            break; /* the street type itself */
        for (size_t k = 0; func[k]; k++)
            if (strlen(func[k]) == i - a && memcmp(func[k], s + a, i - a) == 0)
                return 0;
    }
    return 1;
}

/* The last word of a lower-case shape is no function word ("5 rue de la paix is"). */
static int last_word_ok(const char *s, size_t from, size_t to)
{
    size_t a = to;
    while (a > from && ascii_letter((unsigned char)s[a - 1]))
        a--;
    char w[8];
    if (to - a >= sizeof(w))
        return 1;
    for (size_t i = a; i < to; i++)
        w[i - a] = (char)(s[i] | 0x20);
    static const char *const func[] = {"is", "are", "was", "the", "a", "an", "and", "or", "to", "of", "in", "on",
                                       "at", "for", "with", "by", "it", "we", "you", "i", "my", "your", NULL};
    for (size_t k = 0; func[k]; k++)
        if (strlen(func[k]) == to - a && memcmp(func[k], w, to - a) == 0)
            return 0;
    return 1;
}

/* The first number of a shape looks like a year (1900-2099) or an amount. */
static int year_like(const char *s, size_t from, size_t len)
{
    size_t e = from;
    while (e < len && is_digit((unsigned char)s[e]))
        e++;
    if (from > 0 && strchr("$€£#", s[from - 1]) != NULL && s[from - 1] != '\0')
        return 1;
    return e - from == 4 && (s[from] == '1' || s[from] == '2') && (s[from + 1] == '9' || s[from + 1] == '0');
}

static int street_hit(unsigned k, const char *s, size_t len, size_t from, size_t to, rg_entities_t *out)
{
    if (out->n > 0) { /* inside an address already taken (the scan reports growing matches) */
        const rg_entity_t *e = &out->v[out->n - 1];
        if (e->type == RG_PII_STREET_ADDRESS && e->start <= from && to <= e->end)
            return 0;
    }
    if (from > 0 && (ascii_letter((unsigned char)s[from - 1]) || is_digit((unsigned char)s[from - 1]) ||
                     strchr("-./:+", s[from - 1]) != NULL))
        return 0; /* inside a longer token: 12-34 Main, v1.2 Main */
    size_t end = to;
    int strong = 0;
    size_t u = unit_after(s, len, end);
    if (u != 0) {
        end = u;
        size_t u2 = unit_after(s, len, end);
        if (u2 != 0)
            end = u2;
    }
    switch (k) {
    case K_STREET_LOWER:
        if (!lower_street_ok(s, from, to))
            return 0;
        break;
    case K_STREET_NUM:
        if (!cue_before(s, from, 0) && u == 0) {
            size_t e2 = place_lines(s, len, end, &strong);
            if (!strong || e2 == end || year_like(s, from, len))
                return 0;
        }
        break;
    case K_STREET_CUE:
        if (!cue_before(s, from, 1))
            return 0;
        break;
    case K_STREET_PRE_LOWER:
        if (!lower_street_ok(s, from, to) || !last_word_ok(s, from, to))
            return 0;
        break;
    default:
        break;
    }
    end = place_lines(s, len, end, &strong);
    return rg_entities_add(out, from, end, RG_PII_STREET_ADDRESS, 2);
}

int rg_pii_names_hit(const rg_pii_names_t *n, unsigned k, const char *s, size_t len, size_t from, size_t to,
                     rg_entities_t *out)
{
    size_t a, b;
    switch (k) {
    case K_NAME_CUE:
    case K_NAME_WEAK:
    case K_TITLE:
    case K_CLOSING: { /* the hit ends just after the name's first letter (one or two bytes) */
        size_t at = to - 1;
        if (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
            at--;
        if (name_from(n, s, len, at, k, &a, &b))
            return rg_entities_add(out, a, b, RG_PII_PERSON, 1);
        return 0;
    }
    default:
        return street_hit(k, s, len, from, to, out);
    }
}

int rg_pii_names_finish(const rg_pii_names_t *n, const char *s, size_t len, rg_entities_t *out)
{
    if (n->person && n->lex != NULL)
        return person_pass(n, s, len, out);
    return 0;
}
