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

void rg_context_words_init(rg_context_words_t *cw, const char *const *words)
{
    memset(cw, 0, sizeof(*cw));
    cw->words = words;
    for (size_t k = 0; words[k] && k < RG_CONTEXT_WORDS_MAX; k++) {
        unsigned char c = (unsigned char)words[k][0];
        cw->start[c] |= (uint32_t)1 << k;
        if (c >= 'a' && c <= 'z')
            cw->start[c - 0x20] |= (uint32_t)1 << k;
    }
}

/* One pass over the window: a byte that starts no word costs one table load; at a word start only the words
 * with that first letter are compared. */
static int any_word(const char *s, size_t from, size_t to, const rg_context_words_t *cw)
{
    for (size_t i = from; i < to; i++) {
        uint32_t m = cw->start[(unsigned char)s[i]];
        if (m == 0 || (i > 0 && is_letter((unsigned char)s[i - 1])))
            continue;
        for (; m != 0; m &= m - 1)
            if (word_here(s, i, to, cw->words[__builtin_ctz(m)]))
                return 1;
    }
    return 0;
}

int rg_context_before(const char *s, size_t at, size_t window, const rg_context_words_t *cw)
{
    return any_word(s, at > window ? at - window : 0, at, cw);
}

int rg_context_after(const char *s, size_t len, size_t at, size_t window, const rg_context_words_t *cw)
{
    if (at > len)
        return 0;
    return any_word(s, at, len - at > window ? at + window : len, cw);
}
