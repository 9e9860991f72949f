/*
 * sinks/sqlite.c — the default sink: one SQLite file in WAL mode, one
 * transaction per batch, one prepared INSERT. Runs on the writer thread only.
 */
#include "ingest/sink.h"

#include "core/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct sqlite_sink {
    sqlite3 *db;
    sqlite3_stmt *insert;
} sqlite_sink_t;

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA busy_timeout=5000;"
    "CREATE TABLE IF NOT EXISTS records ("
    " id TEXT PRIMARY KEY,"
    " ts_ms INTEGER NOT NULL,"
    " method TEXT, route TEXT, path TEXT, model TEXT, upstream TEXT,"
    " status INTEGER, stream INTEGER,"
    " total_us INTEGER, upstream_us INTEGER, own_us INTEGER,"
    " client_ip TEXT, error TEXT,"
    " request_body TEXT, response_body TEXT,"
    " request_truncated INTEGER, response_truncated INTEGER,"
    " collection TEXT, key_alias TEXT, team_alias TEXT, verdicts TEXT);"
    "CREATE INDEX IF NOT EXISTS records_ts ON records(ts_ms);";

static const char INSERT[] =
    "INSERT OR REPLACE INTO records (id, ts_ms, method, route, path, model, upstream, status, stream,"
    " total_us, upstream_us, own_us, client_ip, error, request_body, response_body,"
    " request_truncated, response_truncated, collection, key_alias, team_alias, verdicts)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static void close_sink(void *p)
{
    sqlite_sink_t *s = p;
    if (s == NULL)
        return;
    sqlite3_finalize(s->insert);
    sqlite3_close(s->db);
    free(s);
}

static void *open_sink(const char *path, char *err, size_t errsz)
{
    sqlite_sink_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    char *msg = NULL;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(s->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, INSERT, -1, &s->insert, NULL) != SQLITE_OK) {
        snprintf(err, errsz, "database %s: %s", path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        close_sink(s);
        return NULL;
    }
    return s;
}

static void text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static size_t write_batch(void *p, rg_record_t *const *recs, size_t n)
{
    sqlite_sink_t *s = p;
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rg_error("records: BEGIN failed: %s", sqlite3_errmsg(s->db));
        return 0;
    }
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        const rg_record_t *r = recs[i];
        sqlite3_stmt *st = s->insert;
        int c = 1;
        text(st, c++, r->id);
        sqlite3_bind_int64(st, c++, r->ts_ms);
        text(st, c++, r->method);
        text(st, c++, r->route);
        text(st, c++, r->path);
        text(st, c++, r->model);
        text(st, c++, r->upstream);
        sqlite3_bind_int(st, c++, r->status);
        sqlite3_bind_int(st, c++, r->stream);
        sqlite3_bind_int64(st, c++, r->total_us);
        sqlite3_bind_int64(st, c++, r->upstream_us);
        sqlite3_bind_int64(st, c++, r->own_us);
        text(st, c++, r->client_ip);
        text(st, c++, r->error);
        text(st, c++, r->request_body);
        text(st, c++, r->response_body);
        sqlite3_bind_int(st, c++, r->request_truncated);
        sqlite3_bind_int(st, c++, r->response_truncated);
        text(st, c++, r->collection);
        text(st, c++, r->key_alias);
        text(st, c++, r->team_alias);
        text(st, c++, r->verdicts);
        if (sqlite3_step(st) == SQLITE_DONE)
            ok++;
        else
            rg_error("records: insert failed: %s", sqlite3_errmsg(s->db));
        sqlite3_reset(st);
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rg_error("records: COMMIT failed: %s", sqlite3_errmsg(s->db));
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return 0;
    }
    return ok;
}

const rg_sink_ops_t rg_sink_sqlite = {"sqlite", open_sink, write_batch, close_sink};
