/*
 * gibberish_shorthand.c — chat shorthand the gibberish score leaves out (see gibberish.h).
 *
 * "lol idk tbh, brb" is language to its reader but consonant runs to a letter model trained on books: such words
 * cost 5-10 bits a symbol, where prose averages 3 and mash 8.7, and a message of them scored as mash. The words are
 * common English chat abbreviations and interjections, a list written for this file; those that cost less than that
 * alone (ty, ur, imo, fr, ppl, txt) are left off, being cheap anyway (a test checks that every word on the list is
 * left out when it stands alone). gibberish.c asks only about words of 2..6 ASCII letters that already cost
 * RG_GIB_SHORTHAND_BITS a symbol, so prose's short words, which are cheap, never reach the list. Left out means not
 * scored: the word adds no letters, cost or word, so shorthand alone is too short to judge, and shorthand beside
 * mash leaves the mash's own score, not a lower one.
 */
#include "detect/gibberish.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
    "afaik", "afk",  "asap", "bbl", "bc",    "bf",   "bff", "brb", "btw",  "cya",   "dm",   "dms",  "ffs",
    "fml",   "ftw",  "fwiw", "fyi", "gf",    "gg",   "gl",  "gtg", "hbu",  "hmm",   "hmmm", "hmu",  "icymi",
    "idc",   "idk",  "iirc", "ikr", "imho",  "irl",  "jk",  "kk",  "lmao", "lmfao", "lmk",  "lol",  "lolz",
    "meh",   "nbd",  "ngl",  "nm",  "np",    "nsfw", "nvm", "ofc", "omg",  "omw",   "pls",  "plz",  "rly",
    "rn",    "rofl", "smh",  "sry", "srsly", "tbf",  "tbh", "tfw", "thx",  "tldr",  "ttyl", "tyvm", "ugh",
    "wbu",   "wp",   "wtf",  "wyd", "xd",    "xoxo", "yw",  "hf",  "bruh",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* A word of ASCII letters as five bits a letter (a = 1, case folded), first letter highest; 0 for anything else.
 * Keys of n letters are all below those of n + 1, so one sorted array serves every length. */
static uint32_t key_of(const char *w, size_t n)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)w[i] | 0x20u;
        if (c < 'a' || c > 'z')
            return 0;
        k = k << 5 | (c - 'a' + 1u);
    }
    return k;
}

static uint32_t keys[NWORDS];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static int cmp_key(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void keys_build(void)
{
    for (size_t i = 0; i < NWORDS; i++)
        keys[i] = key_of(words[i], strlen(words[i]));
    qsort(keys, NWORDS, sizeof(keys[0]), cmp_key);
}

int rg_gib_shorthand(const char *w, size_t n)
{
    if (n < 2 || n > RG_GIB_SHORTHAND_MAX)
        return 0;
    uint32_t k = key_of(w, n);
    if (k == 0)
        return 0;
    pthread_once(&keys_once, keys_build);
    size_t lo = 0, hi = NWORDS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (keys[mid] == k)
            return 1;
        if (keys[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

size_t rg_gib_shorthand_words(const char *const **out)
{
    *out = words;
    return NWORDS;
}
