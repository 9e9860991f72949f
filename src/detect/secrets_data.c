/* secrets_data.c — random text that is data, not a key: base64 wrapped into lines of one width (MIME's 76,
 * PEM's 64), as in a raw e-mail's attachment or a file a tool returned. Each line is a random run of 60 to 76
 * characters, which the generic rule would report one by one. Keys are one line; a private key's body is
 * found by its PEM header (secrets_formats.c), which a wrapped block without one lacks. */
#include "detect/secrets_int.h"

#define LINE_MAX_B64 600 /* longer lines are no wrapped base64 */
#define LOOK 4           /* lines looked at on each side */
#define WIDTH_MIN 60

/* The length of the line [ls, le) (a '\r' before le left out) when it is all base64, '=' padding at its end
 * allowed, else 0. */
static size_t b64_line(const char *s, size_t ls, size_t le)
{
    if (le > ls && s[le - 1] == '\r')
        le--;
    size_t i = ls;
    while (i < le && SEC_IN(CS_B64 | CS_B64URL, s[i]))
        i++;
    size_t body = i;
    while (i < le && s[i] == '=' && i - body < 2)
        i++;
    return i == le && le > ls ? le - ls : 0;
}

/* Start of the line that ends at le (s[le] is its '\n' or the end), looked back at most LINE_MAX_B64. */
static size_t line_start(const char *s, size_t le)
{
    size_t ls = le;
    while (ls > 0 && s[ls - 1] != '\n' && le - ls <= LINE_MAX_B64)
        ls--;
    return ls;
}

int sec_wrapped_block(sec_ctx_t *c, size_t a, size_t b)
{
    const char *s = c->s;
    size_t len = c->len;
    /* the run must be its line, whole */
    size_t ls = line_start(s, a), le = b;
    while (le < len && s[le] != '\n' && le - b <= LINE_MAX_B64)
        le++;
    if ((ls > 0 && s[ls - 1] != '\n') || (le < len && s[le] != '\n'))
        return 0;
    size_t w[2 * LOOK + 1];
    size_t first = LOOK, last = LOOK; /* w[first..last]: the block's line lengths; w[LOOK] is this line */
    if ((w[LOOK] = b64_line(s, ls, le)) == 0)
        return 0;
    for (size_t at = ls; first > 0 && at > 0;) { /* the lines before */
        size_t pe = at - 1, ps = line_start(s, pe);
        if (!sec_spend(c, pe - ps + 1))
            return 0;
        size_t n = ps > 0 && s[ps - 1] != '\n' ? 0 : b64_line(s, ps, pe);
        if (n == 0)
            break;
        w[--first] = n;
        at = ps;
    }
    for (size_t at = le; last < 2 * LOOK && at < len;) { /* the lines after */
        size_t ns = at + 1, ne = ns;
        while (ne < len && s[ne] != '\n' && ne - ns <= LINE_MAX_B64)
            ne++;
        if (!sec_spend(c, ne - ns + 1))
            return 0;
        size_t n = ne < len && s[ne] != '\n' ? 0 : b64_line(s, ns, ne);
        if (n == 0)
            break;
        w[++last] = n;
        at = ne;
    }
    /* a wrapped block: three or more lines, all of one width (60 or more) but the last, which is no longer.
     * This line is in one when the width holds from some line before it (or it) to the line before it, and
     * the block reaches three lines. */
    for (size_t i = first; i <= LOOK; i++) {
        size_t width = w[i], j = i;
        if (width < WIDTH_MIN)
            continue;
        while (j + 1 <= last && w[j + 1] == width)
            j++;
        size_t end = j + 1 <= last && w[j + 1] < width ? j + 1 : j; /* the shorter last line */
        if (LOOK <= end && end - i + 1 >= 3)
            return 1;
    }
    return 0;
}
