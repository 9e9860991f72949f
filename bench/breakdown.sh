#!/usr/bin/env bash
# bench/breakdown.sh — split Railgate's CPU cost per request by varying one thing at a time,
# using only configuration (no code changes):
#
#   proxy                 the bench/run.sh setup: openai provider → mockup, records in SQLite on $TMPDIR
#   proxy, db on tmpfs    the same with the SQLite file on /dev/shm: no filesystem/journal cost
#   mock provider         model answered in-process (provider mock): no libcurl, no upstream socket
#   proxy, 150 B body     the proxy with a small request body: how cost scales with JSON size
#   proxy, guardrail pack the proxy with bench/run.sh's guardrail pack in x-portkey-config
#                         (bench/lib.sh pack_config): what the hooks cost, per thread
#   proxy, SQLite stubbed the proxy with an LD_PRELOAD shim (built here in a temp dir with cc) that
#                         turns the writer's BEGIN/INSERT/COMMIT into no-ops: the records are still
#                         built, queued and handed to the writer thread, but not stored. This is a
#                         measurement device only; Railgate has no switch to turn records off.
#
# For each: railgate --workers 1, wrk -t1 -c$BREAKDOWN_CONNS (default 8) for BREAKDOWN_SECONDS (default 8) after a 1 s warm-up,
# then req/s and CPU µs per request of the whole process, of the worker thread and of the records
# writer thread (from /proc/PID/task/*/stat). CPU per request is much less sensitive to other load
# on the machine than req/s is. Output: bench/out/breakdown-<stamp>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/lib.sh"
SECS=${BREAKDOWN_SECONDS:-8}
CONNS=${BREAKDOWN_CONNS:-8}
RAILGATE=${RAILGATE:-$ROOT/railgate}
MOCKUP=${MOCKUP:-$ROOT/build/tests/mockup}
OUT=$ROOT/bench/out/breakdown-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/railgate-breakdown.XXXXXX)
SHM=$(mktemp -d /dev/shm/railgate-breakdown.XXXXXX)
trap_cleanup "$TMP" "$SHM"

# done() prints finer percentiles than --latency: "pct p50=.. p90=.. p95=.. p99=.. p99.9=.."
PCT='done = function(s, lat, r) io.write("pct") for _, p in ipairs({50, 90, 95, 99, 99.9}) do io.write(string.format(" p%g=%d", p, lat:percentile(p))) end io.write("\n") end'
write_lua "$OUT/big.lua" "$(make_body)" "$PCT"
write_lua "$OUT/small.lua" '{"model":"gpt-bench","messages":[{"role":"system","content":"You are a concise assistant."},{"role":"user","content":"What is the capital of France?"}],"max_tokens":64}' "$PCT"

start_mock || { echo "mockup did not start" >&2; exit 1; }
write_lua "$OUT/pack.lua" "$(make_body)" "wrk.headers[\"x-portkey-config\"] = [==[$(pack_config)]==]" "$PCT"

task_ticks() { awk '{print $14 + $15}' "/proc/$1/task/$2/stat" 2>/dev/null || echo 0; }

# the SQLite stub (see the header)
NOSQL=
if command -v cc >/dev/null; then
    cat > "$TMP/nosqlite.c" <<'EOF_C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sqlite3.h>
#include <string.h>
/* Only the records sink's statements are skipped; the schema setup still runs. */
int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **err)
{
    static int (*real)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
    if (!strcmp(sql, "BEGIN") || !strcmp(sql, "COMMIT")) {
        if (err)
            *err = NULL;
        return SQLITE_OK;
    }
    if (!real)
        real = dlsym(RTLD_NEXT, "sqlite3_exec");
    return real(db, sql, cb, arg, err);
}
int sqlite3_step(sqlite3_stmt *st)
{
    static int (*real)(sqlite3_stmt *);
    const char *sql = sqlite3_sql(st);
    if (sql && !strncmp(sql, "INSERT OR REPLACE INTO records", 30))
        return SQLITE_DONE;
    if (!real)
        real = dlsym(RTLD_NEXT, "sqlite3_step");
    return real(st);
}
EOF_C
    cc -O2 -shared -fPIC -o "$TMP/nosqlite.so" "$TMP/nosqlite.c" -ldl 2>"$TMP/nosqlite.err" && NOSQL=$TMP/nosqlite.so
fi

# variant NAME PROVIDER(openai|mock) DBDIR LUA [LD_PRELOAD]
variant() {
    local name=$1 prov=$2 dbdir=$3 script=$4 preload=${5:-}
    write_config "$TMP/rg.yaml" "$dbdir/rg.db" "$prov"
    rm -f "$dbdir"/rg.db*
    # through env, so that LD_PRELOAD (set even when empty) reaches railgate only
    start_rg "$TMP/rg.out" "$TMP/rg.err" 15 \
        env LD_PRELOAD="$preload" "$RAILGATE" serve --config "$TMP/rg.yaml" --port 0 --db "$dbdir/rg.db" --workers 1 ||
        { echo "railgate did not start" >&2; cat "$TMP/rg.err" >&2; exit 1; }
    local pid=$RG_PID url=http://127.0.0.1:$RG_PORT/v1/chat/completions
    sleep 0.3
    # which thread is which: at idle the worker (and main) sit in epoll_wait, the writer in futex
    local t tid writer='' worker=''
    for t in "/proc/$pid/task"/*; do
        tid=${t##*/}
        [ "$tid" = "$pid" ] && continue
        case $(cut -d' ' -f1 "/proc/$pid/task/$tid/syscall" 2>/dev/null) in
        202) [ -z "$writer" ] && writer=$tid ;;
        232 | 281) worker=$tid ;;
        esac
    done
    timeout -k 5 30 wrk -t1 -c8 -d1s -s "$script" "$url" > /dev/null 2>&1 || true
    local p0 w0 r0 p1 w1 r1
    wait_quiet 30 0 || echo "  (machine busy: $BUSY_PCT% of a core used by others)" >&2
    p0=$(awk '{print $14 + $15}' "/proc/$pid/stat") w0=$(task_ticks "$pid" "$worker") r0=$(task_ticks "$pid" "$writer")
    timeout -k 5 $((SECS + 30)) wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$script" "$url" > "$OUT/wrk-${name// /_}.txt" 2>&1 || true
    p1=$(awk '{print $14 + $15}' "/proc/$pid/stat") w1=$(task_ticks "$pid" "$worker") r1=$(task_ticks "$pid" "$writer")
    local reqs rps non2xx p50 p99 f=$OUT/wrk-${name// /_}.txt
    local p90 p95 p999
    p50=$(awk '/^pct / {sub("p50=", "", $2); print $2}' "$f")
    p90=$(awk '/^pct / {sub("p90=", "", $3); print $3}' "$f")
    p95=$(awk '/^pct / {sub("p95=", "", $4); print $4}' "$f")
    p99=$(awk '/^pct / {sub("p99=", "", $5); print $5}' "$f")
    p999=$(awk '/^pct / {sub("p99.9=", "", $6); print $6}' "$f")
    reqs=$(awk '/requests in/ {print $1; exit}' "$OUT/wrk-${name// /_}.txt")
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$OUT/wrk-${name// /_}.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-${name// /_}.txt")
    awk -v n="${reqs:-0}" -v hz="$HZ" -v p=$((p1 - p0)) -v w=$((w1 - w0)) -v r=$((r1 - r0)) -v name="$name" -v rps="${rps:-0}" -v bad="${non2xx:-0}" \
        -v p50="$p50" -v p90="$p90" -v p95="$p95" -v p99="$p99" -v p999="$p999" \
        'BEGIN {f = 1e6 / hz / (n > 0 ? n : 1); printf "| %s | %s | %s / %s / %s / %s / %s | %.1f | %.1f | %.1f | %s |\n", name, rps, p50, p90, p95, p99, p999, p * f, w * f, r * f, bad}' | tee -a "$OUT/table.md"
    stop_pid "$pid"
}

{
    echo "| variant (railgate --workers 1, wrk -t1 -c$CONNS) | req/s | p50 / p90 / p95 / p99 / p99.9 (µs) | CPU µs/req (process) | worker thread | records writer | non-2xx |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
} | tee "$OUT/table.md"
variant "proxy, 1 KB body, db on disk" openai "$TMP" "$OUT/big.lua"
variant "proxy, 1 KB body, db on tmpfs" openai "$SHM" "$OUT/big.lua"
variant "mock provider, 1 KB body, db on disk" mock "$TMP" "$OUT/big.lua"
variant "proxy, 150 B body, db on disk" openai "$TMP" "$OUT/small.lua"
variant "proxy, 1 KB body, guardrail pack" openai "$TMP" "$OUT/pack.lua"
[ -n "$NOSQL" ] && variant "proxy, 1 KB body, SQLite stubbed" openai "$TMP" "$OUT/big.lua" "$NOSQL"
[ -n "$NOSQL" ] && variant "mock provider, 1 KB body, SQLite stubbed" mock "$TMP" "$OUT/big.lua" "$NOSQL"
echo
echo "output: ${OUT#$ROOT/}/"
