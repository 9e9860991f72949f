#!/usr/bin/env bash
# bench/profile.sh — where does Railgate's time go on the proxy path?
#
#   bash bench/profile.sh callgrind   # instruction counts (valgrind), exact and noise-free
#   bash bench/profile.sh perf        # cpu-clock samples with call graphs (works without a PMU)
#
# Starts the mock upstream (--threads 1) and Railgate (--workers 1, the same config as
# bench/run.sh), puts a fixed load on it with wrk and the ~1 KB chat body from
# bench/run.sh, and prints the top functions. Output goes to bench/out/profile-<tool>-<stamp>/.
#
# Env: PROFILE_SECONDS (default 15 for callgrind, 10 for perf), PROFILE_CONNS (default 8),
#      RAILGATE, MOCKUP as in run.sh.
#      PROFILE_PACK=1: every request carries the guardrail pack of bench/run.sh (x-portkey-config,
#      bench/lib.sh pack_config); the sanity request must then pass check_pack.
#      PROFILE_DETECTORS=1: every request carries every in-process detector instead (bench/lib.sh
#      detect_config, the bench's "all detectors" target); the sanity request must come back 200.
#      PROFILE_GUARDRAILS=1: the config also has the quickstart's default guardrails (config/railgate.yaml:
#      no-secrets, no-injection, pii-redact; LiteLLM-style pre_call, on for every request), the path a
#      user of the two-command set-up runs; combines with the two above. The sanity request must pass.
#      PROFILE_LIBPATH: prepended to railgate's LD_LIBRARY_PATH, e.g. the lib/ dir of a jansson
#      2.14 built with -O2 -g (Debian ships it stripped, so its static functions show as ???:0x...).
# Everything is on 127.0.0.1; every process started here is killed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/lib.sh"
STOP_GRACE=10 # valgrind needs longer to exit
TOOL=${1:-callgrind}
case $TOOL in callgrind | perf) ;; *) echo "usage: $0 callgrind|perf" >&2; exit 2 ;; esac
[ "$TOOL" = callgrind ] && SECS=${PROFILE_SECONDS:-15} || SECS=${PROFILE_SECONDS:-10}
CONNS=${PROFILE_CONNS:-8}
RAILGATE=${RAILGATE:-$ROOT/railgate}
MOCKUP=${MOCKUP:-$ROOT/build/tests/mockup}
for t in wrk curl timeout; do command -v "$t" >/dev/null || { echo "profile: $t missing" >&2; exit 1; }; done
[ "$TOOL" = perf ] && { command -v perf >/dev/null || { echo "profile: perf missing (apt-get install linux-perf)" >&2; exit 1; }; }
[ "$TOOL" = callgrind ] && { command -v valgrind >/dev/null || { echo "profile: valgrind missing" >&2; exit 1; }; }

PACK_ON=${PROFILE_PACK:-0}
DET_ON=${PROFILE_DETECTORS:-0}
GR_ON=${PROFILE_GUARDRAILS:-0}
[ "$PACK_ON" = 1 ] && [ "$DET_ON" = 1 ] && { echo "profile: PROFILE_PACK or PROFILE_DETECTORS, not both" >&2; exit 2; }
OUT=$ROOT/bench/out/profile-$TOOL$([ "$PACK_ON" = 1 ] && echo -pack)$([ "$DET_ON" = 1 ] && echo -detectors)$([ "$GR_ON" = 1 ] && echo -guardrails)-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/railgate-profile.XXXXXX)
on_cleanup() { cp "$TMP"/*.log "$OUT"/ 2>/dev/null || true; }
trap_cleanup "$TMP"

BODY=$(make_body) # the same body as bench/run.sh
printf '%s' "$BODY" > "$OUT/body.json"

start_mock || { echo "mockup did not start" >&2; exit 1; }
HDR=()
if [ "$PACK_ON" = 1 ]; then
    PACK=$(pack_config)
    HDR=(-H "x-portkey-config: $PACK")
    write_lua "$OUT/chat.lua" "$BODY" "wrk.headers[\"x-portkey-config\"] = [==[$PACK]==]"
elif [ "$DET_ON" = 1 ]; then
    PACK=$(RAILGATE_BIN=$RAILGATE detect_config)
    HDR=(-H "x-portkey-config: $PACK")
    write_lua "$OUT/chat.lua" "$BODY" "wrk.headers[\"x-portkey-config\"] = [==[$PACK]==]"
else
    write_lua "$OUT/chat.lua" "$BODY"
fi
write_config "$TMP/railgate.yaml" "$TMP/railgate.db"
# the quickstart's guardrails section, as it is (from its "guardrails:" line to the next top-level key)
[ "$GR_ON" = 1 ] && sed -n '/^guardrails:/,/^[a-z_]*:/p' "$ROOT/config/railgate.yaml" | sed '$d' >> "$TMP/railgate.yaml"
[ -n "${PROFILE_LIBPATH:-}" ] && export LD_LIBRARY_PATH="$PROFILE_LIBPATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
RG=("$RAILGATE" serve --config "$TMP/railgate.yaml" --port 0 --db "$TMP/railgate.db" --workers 1)
# under callgrind, instrumentation is switched on only for the load (not for startup/shutdown)
[ "$TOOL" = callgrind ] && RG=(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out" "${RG[@]}")
start_rg "$TMP/railgate.out.log" "$TMP/railgate.log" 60 "${RG[@]}" ||
    { echo "railgate did not start" >&2; cat "$TMP/railgate.log" >&2; exit 1; }
URL=http://127.0.0.1:$RG_PORT/v1/chat/completions
code=$(curl -s --noproxy '*' -m 30 -o "$OUT/sanity.json" -w '%{http_code}' "${HDR[@]+"${HDR[@]}"}" \
    -H 'Content-Type: application/json' --data-binary @"$OUT/body.json" "$URL") || code=000
echo "sanity: HTTP $code"
[ "$GR_ON" = 1 ] && [ "$code" != 200 ] && { echo "profile: the guardrails refused the bench body (HTTP $code); not profiling" >&2; exit 1; }
if [ "$PACK_ON" = 1 ]; then
    check_pack "$OUT/sanity.json" "$code" pass || { echo "profile: the pack did not pass; not profiling" >&2; exit 1; }
elif [ "$DET_ON" = 1 ]; then
    [ "$code" = 200 ] && grep -q '"hook_results"' "$OUT/sanity.json" ||
        { echo "profile: the detectors did not pass (HTTP $code); not profiling" >&2; exit 1; }
fi

if [ "$TOOL" = callgrind ]; then
    timeout 60 callgrind_control -i on "$RG_PID" > /dev/null
    c0=$(mock_count)
    timeout -k 5 $((SECS + 30)) wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 10s --latency -s "$OUT/chat.lua" "$URL" > "$OUT/wrk.txt" 2>&1 || true
    sleep 1
    c1=$(mock_count)
    timeout 60 callgrind_control -i off "$RG_PID" > /dev/null
    stop_pid "$RG_PID" # callgrind writes its profile at exit
    N=$((c1 - c0))
    echo "requests profiled: $N (wrk -t1 -c$CONNS -d${SECS}s under valgrind)" | tee "$OUT/summary.txt"
    callgrind_annotate --inclusive=no "$OUT/callgrind.out" > "$OUT/self.txt" 2>/dev/null || true
    callgrind_annotate --inclusive=yes "$OUT/callgrind.out" > "$OUT/inclusive.txt" 2>/dev/null || true
    total=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); printf "%.0f\n", $1; exit}' "$OUT/self.txt"); total=${total:-0}
    echo "instructions: $total total, $((total / (N > 0 ? N : 1))) per request" | tee -a "$OUT/summary.txt"
    # the records writer's share follows its batch sizes (how many records arrive per 5 ms linger), which
    # follow the request rate under valgrind: compare the rest between runs, it is what a change moves
    writer=$(awk '/^-+$/ {s++; next} s >= 3 && /src\/ingest\/writer.c:run \[/ {gsub(",", "", $1); print $1; exit}' \
        "$OUT/inclusive.txt"); writer=${writer:-0}
    echo "  of which the records writer thread: $((writer / (N > 0 ? N : 1))) per request; the rest: $(((total - writer) / (N > 0 ? N : 1))) per request" |
        tee -a "$OUT/summary.txt"
    for kind in self inclusive; do
        echo
        echo "top 25 functions by $kind instruction count (Ir per request, % of total):"
        awk -v n="$N" -v tot="$total" '/^-+$/ {s++; next} s >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ {
                ir = $1; gsub(",", "", ir); fn = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", fn)
                printf "%10.0f  %5.1f%%  %s\n", ir / (n > 0 ? n : 1), 100 * ir / tot, fn
                if (++k == 25) exit }' "$OUT/$kind.txt"
    done | tee -a "$OUT/summary.txt"
else
    c0=$(mock_count)
    timeout -k 5 $((SECS + 30)) wrk -t1 -c"$CONNS" -d"$((SECS + 2))s" --timeout 10s --latency -s "$OUT/chat.lua" "$URL" > "$OUT/wrk.txt" 2>&1 &
    WRK_PID=$!
    PIDS+=("$WRK_PID")
    sleep 1
    timeout -k 5 $((SECS + 30)) perf record -q -e cpu-clock -F 4999 -g -p "$RG_PID" -o "$OUT/perf.data" -- sleep "$SECS" \
        > "$OUT/perf-record.log" 2>&1 || true
    wait "$WRK_PID" || true
    c1=$(mock_count)
    N=$((c1 - c0))
    {
        echo "requests during the load: $N (wrk -t1 -c$CONNS -d$((SECS + 2))s; perf sampled ${SECS}s of it)"
        echo
        echo "CPU by thread:"
        perf report -i "$OUT/perf.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -10 || true
        echo
        echo "top 30 symbols (self), all threads:"
        perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -30 || true
        echo
        echo "top 25 symbols (children = inclusive), all threads:"
        perf report -i "$OUT/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25 || true
    } | tee "$OUT/summary.txt"
fi
echo
echo "profile output: ${OUT#$ROOT/}/"
