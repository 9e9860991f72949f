/*
 * buf.h — a growable byte buffer with a hard cap set at creation.
 *
 * Every buffer that grows from network input is an rg_buf_t: appends past
 * `max` fail (nothing is appended) so the caller answers 413/502 instead of
 * growing without bound. Heap-backed, because these buffers outlive a single
 * callback; the owner frees them (for request data: in the exchange's
 * dispose callback). Not thread-safe; one owner.
 */
#ifndef RG_BUF_H
#define RG_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rg_buf {
    char *data;
    size_t len;
    size_t cap; /* allocated */
    size_t max; /* hard limit on len */
} rg_buf_t;

enum { RG_BUF_OK = 0, RG_BUF_TOOBIG = -1, RG_BUF_NOMEM = -2 };

void rg_buf_init(rg_buf_t *b, size_t max);
/* Appends n bytes; RG_BUF_TOOBIG if len + n would exceed max. */
int rg_buf_append(rg_buf_t *b, const void *p, size_t n);
/* Appends as much as fits under max; returns the number of bytes taken. */
size_t rg_buf_append_some(rg_buf_t *b, const void *p, size_t n);
/* Appends printf-style text (without its NUL); same codes as rg_buf_append,
 * and nothing is appended on failure. An encoding error is RG_BUF_NOMEM. */
int rg_buf_appendf(rg_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rg_buf_vappendf(rg_buf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Drops the first n bytes. */
void rg_buf_consume(rg_buf_t *b, size_t n);
void rg_buf_reset(rg_buf_t *b);
void rg_buf_free(rg_buf_t *b);

#endif
