/* duration.c — durations and timestamps (see duration.h). */
#include "keys/duration.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

int rg_duration_parse(const char *s, size_t len, int64_t *seconds)
{
    size_t i = 0, end = len;
    while (i < end && is_space(s[i]))
        i++;
    while (end > i && is_space(s[end - 1]))
        end--;
    int64_t n = 0;
    size_t digits = 0;
    while (i < end && s[i] >= '0' && s[i] <= '9') {
        if (++digits > 9)
            return -1;
        n = n * 10 + (s[i++] - '0');
    }
    if (digits == 0)
        return -1;
    const char *u = s + i;
    size_t ulen = end - i;
    int64_t mult;
    if (ulen == 1 && *u == 's')
        mult = 1;
    else if (ulen == 1 && *u == 'm')
        mult = 60;
    else if (ulen == 1 && *u == 'h')
        mult = 3600;
    else if (ulen == 1 && *u == 'd')
        mult = 86400;
    else if (ulen == 1 && *u == 'w')
        mult = 7 * 86400;
    else if (ulen == 2 && u[0] == 'm' && u[1] == 'o')
        mult = 30 * 86400;
    else if (ulen == 1 && *u == 'y')
        mult = 365 * 86400;
    else
        return -1;
    if (n > RG_DURATION_MAX_S / mult) /* n < 10^9 and mult < 2^25: the product fits, but cap it */
        return -1;
    *seconds = n * mult;
    return 0;
}

/* Reads exactly n digits at *p (advancing it); -1 when they are not there. */
static int digits(const char **p, const char *end, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*p >= end || **p < '0' || **p > '9')
            return -1;
        v = v * 10 + (*(*p)++ - '0');
    }
    return v;
}

static int64_t days_from_civil(int y, int m, int d)
{
    /* days since 1970-01-01 of a proleptic Gregorian date */
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int rg_time_parse(const char *s, size_t len, int64_t *ms)
{
    const char *p = s, *end = s + len;
    int y = digits(&p, end, 4);
    if (y < 1970 || p >= end || *p++ != '-')
        return -1;
    int mo = digits(&p, end, 2);
    if (mo < 1 || mo > 12 || p >= end || *p++ != '-')
        return -1;
    int d = digits(&p, end, 2);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d < 1 || d > mdays[mo - 1])
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    int hh = 0, mi = 0, ss = 0, off = 0;
    if (p < end && (*p == 'T' || *p == ' ')) {
        p++;
        hh = digits(&p, end, 2);
        if (hh < 0 || hh > 23 || p >= end || *p++ != ':')
            return -1;
        mi = digits(&p, end, 2);
        if (mi < 0 || mi > 59)
            return -1;
        if (p < end && *p == ':') {
            p++;
            ss = digits(&p, end, 2);
            if (ss < 0 || ss > 59)
                return -1;
            if (p < end && *p == '.') {
                p++;
                int nd = 0;
                while (p < end && *p >= '0' && *p <= '9' && nd < 9)
                    p++, nd++;
                if (nd == 0)
                    return -1;
            }
        }
        if (p < end && *p == 'Z') {
            p++;
        } else if (p < end && (*p == '+' || *p == '-')) {
            int sign = *p++ == '-' ? -1 : 1;
            int oh = digits(&p, end, 2);
            if (oh < 0 || oh > 23 || p >= end || *p++ != ':')
                return -1;
            int om = digits(&p, end, 2);
            if (om < 0 || om > 59)
                return -1;
            off = sign * (oh * 60 + om);
        }
    }
    if (p != end)
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - (int64_t)off * 60;
    if (secs < 0)
        return -1;
    *ms = secs * 1000;
    return 0;
}

void rg_time_format(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms < 0 || gmtime_r(&t, &tm) == NULL) {
        snprintf(out, 32, "1970-01-01T00:00:00Z");
        return;
    }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
