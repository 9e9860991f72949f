/*
 * io_blocking.h — an rg_check_io_t that does its I/O synchronously: curl
 * easy for HTTP, getaddrinfo on a helper thread (bounded wait) for names.
 * Every callback runs before http()/resolve() returns, which then return
 * NULL. For the CLI (`railgate check`, `railgate scan`) and tests; never on a
 * worker's loop (it blocks). One io may be used by one thread at a time.
 */
#ifndef RG_GUARD_IO_BLOCKING_H
#define RG_GUARD_IO_BLOCKING_H

#include "guard/check.h"

rg_check_io_t *rg_io_blocking_new(void);
void rg_io_blocking_free(rg_check_io_t *io);

#endif
