/* context.c — keywords near a span (see context.h). */
#include "detect/context.h"

#include <string.h>

static int is_letter(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80; }

/* Does word w (lower case) start at s[i] (case-insensitive), within [i, to)? */
static int word_here(const char *s, size_t i, size_t to, const char *w)
{
    size_t k = 0;
    for (; w[k]; k++) {
        if (i + k >= to)
            return 0;
        unsigned char c = (unsigned char)s[i + k];
        if (w[k] >= 'a' && w[k] <= 'z')
            c |= 0x20;
        if (c != (unsigned char)w[k])
            return 0;
    }
    return 1;
}

/* One pass over the window: at each word start, only the words with that first letter are compared. A byte
 * that starts no word (in either case) costs one table load: windows are short, so the table is made per call. */
static int any_word(const char *s, size_t from, size_t to, const char *const *words)
{
    unsigned char first[256];
    memset(first, 0, sizeof(first));
    for (size_t k = 0; words[k]; k++) {
        unsigned char c = (unsigned char)words[k][0];
        first[c] = 1;
        if (c >= 'a' && c <= 'z')
            first[c - 0x20] = 1;
    }
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!first[c] || (i > 0 && is_letter((unsigned char)s[i - 1])))
            continue;
        if (c >= 'A' && c <= 'Z')
            c |= 0x20;
        for (size_t k = 0; words[k]; k++)
            if ((unsigned char)words[k][0] == c && word_here(s, i, to, words[k]))
                return 1;
    }
    return 0;
}

int rg_context_before(const char *s, size_t at, size_t window, const char *const *words)
{
    return any_word(s, at > window ? at - window : 0, at, words);
}

int rg_context_after(const char *s, size_t len, size_t at, size_t window, const char *const *words)
{
    if (at > len)
        return 0;
    return any_word(s, at, len - at > window ? at + window : len, words);
}
