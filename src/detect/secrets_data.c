/* secrets_data.c — random text that is data, not a key: base64 wrapped into lines of one width (MIME's 76,
 * PEM's 64), as in a raw e-mail's attachment or a file a tool returned. Each line is a random run of 60 to 76
 * characters, which the generic rule would report one by one. Keys are one line; a private key's body is
 * found by its PEM header (secrets_formats.c). A list of keys of one length, one per line, is told apart by
 * how the block ends (sec_wrapped_block). */
#include "detect/secrets_int.h"

#define LINE_MAX_B64 600 /* longer lines are no wrapped base64 */
#define LOOK 6           /* lines looked at on each side */
#define WIDTH_MIN 60
#define FULL_LINES_ALONE 6 /* full lines that make a block with no shorter last line in view */

enum { L_PAD = 1, L_DATA = 2 }; /* ends in '=' padding; holds a digit, '+' or '/' */

/* The length of the line [ls, le) (a '\r' before le left out) when it is all standard base64 (A-Za-z0-9+/; MIME
 * and PEM never use base64url's - and _), '=' padding at its end allowed, else 0; its L_ flags in *f. */
static size_t b64_line(const char *s, size_t ls, size_t le, unsigned *f)
{
    if (le > ls && s[le - 1] == '\r')
        le--;
    size_t i = ls;
    unsigned fl = 0;
    while (i < le && SEC_IN(CS_B64, s[i])) {
        if ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/')
            fl |= L_DATA;
        i++;
    }
    size_t body = i;
    while (i < le && s[i] == '=' && i - body < 2)
        i++;
    *f = fl | (i > body ? L_PAD : 0);
    return i == le && le > ls ? le - ls : 0;
}

/* Start of the line that ends at le (s[le] is its '\n' or the end), looked back at most LINE_MAX_B64. */
static size_t line_start(const char *s, size_t le)
{
    size_t ls = le;
    while (ls > 0 && s[ls - 1] != '\n' && le - ls < LINE_MAX_B64)
        ls--;
    return ls;
}

int sec_wrapped_block(sec_ctx_t *c, size_t a, size_t b)
{
    const char *s = c->s;
    size_t len = c->len;
    /* the run must be its line, whole */
    size_t ls = line_start(s, a), le = b;
    while (le < len && s[le] != '\n' && le - b < LINE_MAX_B64)
        le++;
    if ((ls > 0 && s[ls - 1] != '\n') || (le < len && s[le] != '\n'))
        return 0;
    size_t w[2 * LOOK + 1];
    unsigned f[2 * LOOK + 1];
    size_t first = LOOK, last = LOOK; /* w[first..last]: the lines' lengths; w[LOOK] is this line */
    if ((w[LOOK] = b64_line(s, ls, le, &f[LOOK])) == 0)
        return 0;
    for (size_t at = ls; first > 0 && at > 0;) { /* the lines before */
        size_t pe = at - 1, ps = line_start(s, pe);
        if (!sec_spend(c, pe - ps + 1))
            return 0;
        size_t n = ps > 0 && s[ps - 1] != '\n' ? 0 : b64_line(s, ps, pe, &f[first - 1]);
        if (n == 0)
            break;
        w[--first] = n;
        at = ps;
    }
    for (size_t at = le; last < 2 * LOOK && at < len;) { /* the lines after */
        size_t ns = at + 1, ne = ns;
        while (ne < len && s[ne] != '\n' && ne - ns < LINE_MAX_B64)
            ne++;
        if (!sec_spend(c, ne - ns + 1))
            return 0;
        size_t n = ne < len && s[ne] != '\n' ? 0 : b64_line(s, ns, ne, &f[last + 1]);
        if (n == 0)
            break;
        w[++last] = n;
        at = ne;
    }
    /* A block: full lines of one width (60 or more), unpadded but the last, then maybe a shorter last line that
     * reads as data (a digit, '+', '/' or padding: not "thanks"). It is one when it ends in such a line or in a
     * padded full line after two full lines or more, or holds FULL_LINES_ALONE full lines: a list of keys of one
     * length, one per line, ends in neither and is seldom that long. This line must be in it. */
    for (size_t i = first; i <= LOOK; i++) {
        size_t width = w[i], j = i;
        if (width < WIDTH_MIN || (f[i] & L_PAD))
            continue;
        while (j + 1 <= last && w[j + 1] == width && !(f[j] & L_PAD))
            j++;
        int padded_end = (f[j] & L_PAD) != 0;
        int short_end = !padded_end && j + 1 <= last && w[j + 1] < width && (f[j + 1] & (L_PAD | L_DATA));
        size_t end = short_end ? j + 1 : j, full = j - i + 1;
        if (LOOK > end)
            continue;
        if (((short_end || padded_end) && end - i + 1 >= 3) || full >= FULL_LINES_ALONE)
            return 1;
    }
    return 0;
}
