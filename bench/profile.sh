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
#      PROFILE_LIBPATH: prepended to railgate's LD_LIBRARY_PATH, e.g. the lib/ dir of a jansson
#      2.14 built with -O2 -g (Debian ships it stripped, so its static functions show as ???:0x...).
# Everything is on 127.0.0.1; every process started here is killed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TOOL=${1:-callgrind}
case $TOOL in callgrind | perf) ;; *) echo "usage: $0 callgrind|perf" >&2; exit 2 ;; esac
[ "$TOOL" = callgrind ] && SECS=${PROFILE_SECONDS:-15} || SECS=${PROFILE_SECONDS:-10}
CONNS=${PROFILE_CONNS:-8}
RAILGATE=${RAILGATE:-$ROOT/railgate}
MOCKUP=${MOCKUP:-$ROOT/build/tests/mockup}
for t in wrk curl timeout; do command -v "$t" >/dev/null || { echo "profile: $t missing" >&2; exit 1; }; done
[ "$TOOL" = perf ] && { command -v perf >/dev/null || { echo "profile: perf missing (apt-get install linux-perf)" >&2; exit 1; }; }
[ "$TOOL" = callgrind ] && { command -v valgrind >/dev/null || { echo "profile: valgrind missing" >&2; exit 1; }; }

OUT=$ROOT/bench/out/profile-$TOOL-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/railgate-profile.XXXXXX)
PIDS=()
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
    cp "$TMP"/*.log "$OUT"/ 2>/dev/null || true
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_line() {
    local file=$1 expr=$2 pid=$3 secs=$4 i v
    for i in $(seq 1 $((secs * 20))); do
        v=$(sed -n "$expr" "$file" 2>/dev/null | head -n1)
        [ -n "$v" ] && { echo "$v"; return 0; }
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# the same body as bench/run.sh (its make_body), sourced from there to stay in sync
eval "$(sed -n '/^make_body() {/,/^}/p' "$ROOT/bench/run.sh")"
BODY=$(make_body)
{
    echo 'wrk.method = "POST"'
    printf 'wrk.body = [==[%s]==]\n' "$BODY"
    echo 'wrk.headers["Content-Type"] = "application/json"'
} > "$OUT/chat.lua"

"$MOCKUP" --port 0 --threads 1 > "$TMP/mockup.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
MOCK_PORT=$(wait_line "$TMP/mockup.log" 's/^port=\([0-9][0-9]*\)$/\1/p' "$MOCK_PID" 10) || { echo "mockup did not start" >&2; exit 1; }
cat > "$TMP/railgate.yaml" <<EOF
model_list:
  - model_name: gpt-bench
    litellm_params:
      model: openai/gpt-bench
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-bench
general_settings:
  database_path: $TMP/railgate.db
railgate_settings:
  log_level: warn
EOF
[ -n "${PROFILE_LIBPATH:-}" ] && export LD_LIBRARY_PATH="$PROFILE_LIBPATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
RG=("$RAILGATE" serve --config "$TMP/railgate.yaml" --port 0 --db "$TMP/railgate.db" --workers 1)
if [ "$TOOL" = callgrind ]; then
    # instrumentation is switched on only for the load (not for startup/shutdown)
    LOG_LEVEL=warn valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out" \
        "${RG[@]}" > "$TMP/railgate.out.log" 2> "$TMP/railgate.log" &
else
    LOG_LEVEL=warn "${RG[@]}" > "$TMP/railgate.out.log" 2> "$TMP/railgate.log" &
fi
RG_PID=$!
PIDS+=("$RG_PID")
RG_PORT=$(wait_line "$TMP/railgate.out.log" 's#^listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$RG_PID" 60) ||
    { echo "railgate did not start" >&2; cat "$TMP/railgate.log" >&2; exit 1; }
URL=http://127.0.0.1:$RG_PORT/v1/chat/completions
curl -s --noproxy '*' -m 30 -o /dev/null -w 'sanity: HTTP %{http_code}\n' -H 'Content-Type: application/json' -d "$BODY" "$URL"
count() { { curl -s --noproxy '*' -m 5 "http://127.0.0.1:$MOCK_PORT/_count" || true; } | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }

if [ "$TOOL" = callgrind ]; then
    timeout 60 callgrind_control -i on "$RG_PID" > /dev/null
    c0=$(count)
    timeout -k 5 $((SECS + 30)) wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 10s --latency -s "$OUT/chat.lua" "$URL" > "$OUT/wrk.txt" 2>&1 || true
    sleep 1
    c1=$(count)
    timeout 60 callgrind_control -i off "$RG_PID" > /dev/null
    stop_pid "$RG_PID" # callgrind writes its profile at exit
    N=$((c1 - c0))
    echo "requests profiled: $N (wrk -t1 -c$CONNS -d${SECS}s under valgrind)" | tee "$OUT/summary.txt"
    callgrind_annotate --inclusive=no "$OUT/callgrind.out" > "$OUT/self.txt" 2>/dev/null || true
    callgrind_annotate --inclusive=yes "$OUT/callgrind.out" > "$OUT/inclusive.txt" 2>/dev/null || true
    total=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1 + 0; exit}' "$OUT/self.txt"); total=${total:-0}
    echo "instructions: $total total, $((total / (N > 0 ? N : 1))) per request" | tee -a "$OUT/summary.txt"
    for kind in self inclusive; do
        echo
        echo "top 25 functions by $kind instruction count (Ir per request, % of total):"
        awk -v n="$N" -v tot="$total" '/^-+$/ {s++; next} s >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ {
                ir = $1; gsub(",", "", ir); fn = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", fn)
                printf "%10.0f  %5.1f%%  %s\n", ir / (n > 0 ? n : 1), 100 * ir / tot, fn
                if (++k == 25) exit }' "$OUT/$kind.txt"
    done | tee -a "$OUT/summary.txt"
else
    c0=$(count)
    timeout -k 5 $((SECS + 30)) wrk -t1 -c"$CONNS" -d"$((SECS + 2))s" --timeout 10s --latency -s "$OUT/chat.lua" "$URL" > "$OUT/wrk.txt" 2>&1 &
    WRK_PID=$!
    PIDS+=("$WRK_PID")
    sleep 1
    timeout -k 5 $((SECS + 30)) perf record -q -e cpu-clock -F 4999 -g -p "$RG_PID" -o "$OUT/perf.data" -- sleep "$SECS" \
        > "$OUT/perf-record.log" 2>&1 || true
    wait "$WRK_PID" || true
    c1=$(count)
    N=$((c1 - c0))
    {
        echo "requests during the load: $N (wrk -t1 -c$CONNS -d$((SECS + 2))s; perf sampled ${SECS}s of it)"
        echo
        echo "CPU by thread:"
        perf report -i "$OUT/perf.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -10
        echo
        echo "top 30 symbols (self), all threads:"
        perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -30
        echo
        echo "top 25 symbols (children = inclusive), all threads:"
        perf report -i "$OUT/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25
    } | tee "$OUT/summary.txt"
fi
echo
echo "profile output: ${OUT#$ROOT/}/"
