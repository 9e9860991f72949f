/*
 * log.h — leveled, line-at-a-time logging to stderr.
 *
 * Each call formats one whole line into a stack buffer and writes it with a
 * single write(2), so lines from worker threads never interleave. Lines are
 * capped at RG_LOG_LINE_MAX bytes (longer ones are cut, not split).
 * Callers must never pass secrets (Authorization, API keys) to these macros.
 */
#ifndef RG_LOG_H
#define RG_LOG_H

enum rg_log_level { RG_LOG_DEBUG = 0, RG_LOG_INFO, RG_LOG_WARN, RG_LOG_ERROR };

#define RG_LOG_LINE_MAX 2048

extern int rg_log_level; /* current threshold; set at start and on reload */

/* "debug" / "info" / "warn" / "error" → level, or -1 when unknown. */
int rg_log_parse_level(const char *s);
const char *rg_log_level_name(int level);

void rg_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define rg_debug(...) do { if (rg_log_level <= RG_LOG_DEBUG) rg_log(RG_LOG_DEBUG, __VA_ARGS__); } while (0)
#define rg_info(...)  do { if (rg_log_level <= RG_LOG_INFO)  rg_log(RG_LOG_INFO, __VA_ARGS__); } while (0)
#define rg_warn(...)  do { if (rg_log_level <= RG_LOG_WARN)  rg_log(RG_LOG_WARN, __VA_ARGS__); } while (0)
#define rg_error(...) rg_log(RG_LOG_ERROR, __VA_ARGS__)

#endif
