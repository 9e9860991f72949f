#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rg_buf_init(rg_buf_t *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

static int reserve(rg_buf_t *b, size_t need)
{
    if (need <= b->cap)
        return RG_BUF_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    size_t limit = b->max < SIZE_MAX ? b->max + 1 : SIZE_MAX; /* +1 keeps room for a terminating NUL */
    if (cap > limit)
        cap = limit;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return RG_BUF_NOMEM;
    b->data = p;
    b->cap = cap;
    return RG_BUF_OK;
}

int rg_buf_append(rg_buf_t *b, const void *p, size_t n)
{
    if (n > b->max - b->len)
        return RG_BUF_TOOBIG;
    int rc = reserve(b, b->len + n + 1);
    if (rc != RG_BUF_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return RG_BUF_OK;
}

size_t rg_buf_append_some(rg_buf_t *b, const void *p, size_t n)
{
    size_t room = b->max - b->len;
    if (n > room)
        n = room;
    return rg_buf_append(b, p, n) == RG_BUF_OK ? n : 0;
}

int rg_buf_vappendf(rg_buf_t *b, const char *fmt, va_list ap)
{
    char tmp[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return RG_BUF_NOMEM;
    if ((size_t)n < sizeof(tmp))
        return rg_buf_append(b, tmp, (size_t)n);
    if ((size_t)n > b->max - b->len)
        return RG_BUF_TOOBIG;
    int rc = reserve(b, b->len + (size_t)n + 1);
    if (rc != RG_BUF_OK)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return RG_BUF_OK;
}

int rg_buf_appendf(rg_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = rg_buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void rg_buf_consume(rg_buf_t *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
    } else {
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
    }
    if (b->data)
        b->data[b->len] = '\0';
}

void rg_buf_reset(rg_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void rg_buf_free(rg_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
