/* store.c — virtual keys in SQLite (see store.h). */
#include "keys/store.h"

#include "core/log.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rg_key_store {
    sqlite3 *db;
    pthread_mutex_t mu;
};

static const char SCHEMA[] = "PRAGMA journal_mode=WAL;"
                             "PRAGMA synchronous=NORMAL;"
                             "CREATE TABLE IF NOT EXISTS virtual_keys ("
                             " token TEXT PRIMARY KEY,"
                             " key_name TEXT,"
                             " key_alias TEXT UNIQUE,"
                             " team_id TEXT, team_alias TEXT,"
                             " models TEXT, metadata TEXT,"
                             " created_ms INTEGER NOT NULL,"
                             " expires_ms INTEGER);";

rg_key_store_t *rg_key_store_open(const char *path, char *err, size_t errsz)
{
    rg_key_store_t *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    char *msg = NULL;
    /* a generous timeout for start-up (the writer may be creating the schema), then the short one */
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK || sqlite3_exec(s->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "keys database %s: %s", path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        rg_key_store_close(s);
        return NULL;
    }
    return s;
}

void rg_key_store_close(rg_key_store_t *s)
{
    if (s == NULL)
        return;
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

long rg_key_store_load(rg_key_store_t *s, void (*fn)(void *ctx, rg_key_entry_t *e), void *ctx)
{
    sqlite3_stmt *st = NULL;
    long n = 0;
    pthread_mutex_lock(&s->mu);
    if (sqlite3_prepare_v2(s->db,
                           "SELECT token, key_name, key_alias, team_id, team_alias, models, metadata, created_ms,"
                           " expires_ms FROM virtual_keys",
                           -1, &st, NULL) != SQLITE_OK) {
        rg_error("keys: load: %s", sqlite3_errmsg(s->db));
        pthread_mutex_unlock(&s->mu);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *token = col(st, 0);
        if (token == NULL || strlen(token) != RG_TOKEN_HEX)
            continue;
        rg_key_entry_t *e = rg_key_entry_new();
        if (e == NULL)
            break;
        memcpy(e->token, token, RG_TOKEN_HEX + 1);
        snprintf(e->key_name, sizeof(e->key_name), "%s", col(st, 1) ? col(st, 1) : "");
        json_t *models = col(st, 5) ? json_loads(col(st, 5), 0, NULL) : NULL;
        int bad = rg_key_entry_set_str(&e->key_alias, col(st, 2)) || rg_key_entry_set_str(&e->team_id, col(st, 3)) ||
                  rg_key_entry_set_str(&e->team_alias, col(st, 4)) || rg_key_entry_set_str(&e->metadata, col(st, 6)) ||
                  rg_key_entry_set_models(e, models);
        json_decref(models);
        if (bad) {
            rg_key_entry_free(e);
            break;
        }
        e->created_ms = sqlite3_column_int64(st, 7);
        e->expires_ms = sqlite3_column_type(st, 8) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 8);
        fn(ctx, e);
        n++;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        rg_error("keys: load: %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    /* from now on writes happen on worker threads: keep their waits short */
    sqlite3_busy_timeout(s->db, RG_KEY_STORE_BUSY_MS);
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

rg_key_store_rc_t rg_key_store_insert(rg_key_store_t *s, const rg_key_entry_t *e)
{
    json_t *m = rg_key_entry_models_json(e);
    char *models = m ? json_dumps(m, JSON_COMPACT) : NULL;
    json_decref(m);
    sqlite3_stmt *st = NULL;
    rg_key_store_rc_t r = RG_KEY_STORE_ERROR;
    pthread_mutex_lock(&s->mu);
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO virtual_keys (token, key_name, key_alias, team_id, team_alias, models,"
                           " metadata, created_ms, expires_ms) VALUES (?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) == SQLITE_OK) {
        text(st, 1, e->token);
        text(st, 2, e->key_name);
        text(st, 3, e->key_alias);
        text(st, 4, e->team_id);
        text(st, 5, e->team_alias);
        text(st, 6, models ? models : "[]");
        text(st, 7, e->metadata);
        sqlite3_bind_int64(st, 8, e->created_ms);
        if (e->expires_ms)
            sqlite3_bind_int64(st, 9, e->expires_ms);
        else
            sqlite3_bind_null(st, 9);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            r = RG_KEY_STORE_OK;
        else if ((rc & 0xff) == SQLITE_CONSTRAINT)
            r = RG_KEY_STORE_DUP;
        else
            rg_error("keys: insert: %s", sqlite3_errmsg(s->db));
    } else {
        rg_error("keys: insert: %s", sqlite3_errmsg(s->db));
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->mu);
    free(models);
    return r;
}

rg_key_store_rc_t rg_key_store_delete(rg_key_store_t *s, char (*tokens)[RG_TOKEN_HEX + 1], size_t n)
{
    sqlite3_stmt *st = NULL;
    rg_key_store_rc_t r = RG_KEY_STORE_ERROR;
    pthread_mutex_lock(&s->mu);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rg_error("keys: delete: %s", sqlite3_errmsg(s->db));
        pthread_mutex_unlock(&s->mu);
        return r;
    }
    if (sqlite3_prepare_v2(s->db, "DELETE FROM virtual_keys WHERE token = ?", -1, &st, NULL) == SQLITE_OK) {
        size_t i = 0;
        for (; i < n; i++) {
            sqlite3_bind_text(st, 1, tokens[i], -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                break;
            sqlite3_reset(st);
        }
        if (i == n)
            r = RG_KEY_STORE_OK;
    }
    if (r == RG_KEY_STORE_OK && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        r = RG_KEY_STORE_ERROR;
    if (r != RG_KEY_STORE_OK) {
        rg_error("keys: delete: %s", sqlite3_errmsg(s->db));
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->mu);
    return r;
}
