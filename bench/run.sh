#!/usr/bin/env bash
# bench/run.sh — side-by-side load benchmark: the mock upstream alone, nginx in
# front of it, and Railgate (1 and 2 workers) in front of it; optionally the
# Portkey gateway too. Prints a Markdown table and the ratios; it is not a test
# (exit status 0 unless something could not be started).
#
#   make bench                      # builds railgate + build/tests/mockup, then runs this
#   BENCH_SECONDS=10 bash bench/run.sh
#
# Env:
#   BENCH_SECONDS   seconds per measured wrk run (default 10)
#   BENCH_WARMUP    seconds of warm-up per target (default 2)
#   BENCH_ROUNDS    measure every (target, conns) this many times, round-robin;
#                   the table shows the median of each column (default 1)
#   BENCH_PORTKEY=1 also measure the Portkey gateway (needs ../shared/peers/portkey.sh
#                   install; PEER_DIR default ~/.cache/railgate-peers/portkey)
#   BENCH_QUIET_WAIT  before each measured run, wait up to this many seconds for the
#                   machine to be idle (< 15% of a core busy outside the benchmark);
#                   0 = do not wait (default 30). The others' CPU column shows what was left.
#   RAILGATE, MOCKUP  binaries (default ./railgate, build/tests/mockup)
#
# Everything listens on 127.0.0.1 only. Every process started here is killed on exit
# (trap EXIT) by its pid. Raw wrk outputs and server logs go to bench/out/<stamp>/,
# with bench/out/latest pointing at the newest run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
ROUNDS=${BENCH_ROUNDS:-1}
RAILGATE=${RAILGATE:-$ROOT/railgate}
MOCKUP=${MOCKUP:-$ROOT/build/tests/mockup}
PEER_DIR=${PEER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/railgate-peers/portkey}
WRK_TIMEOUT=$((DURATION + WARMUP + 30)) # hard cap on any single wrk run

for t in wrk nginx curl ss timeout; do
    command -v "$t" >/dev/null || { echo "bench: $t is not installed" >&2; exit 1; }
done
[ -x "$RAILGATE" ] || { echo "bench: $RAILGATE missing (make railgate)" >&2; exit 1; }
[ -x "$MOCKUP" ] || { echo "bench: $MOCKUP missing (make build/tests/mockup)" >&2; exit 1; }

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/out/$STAMP
mkdir -p "$OUT"
ln -sfn "$STAMP" "$ROOT/bench/out/latest"
TMP=$(mktemp -d /tmp/railgate-bench.XXXXXX)
chmod 755 "$TMP" # nginx's worker may run as an unprivileged user

# ---------------------------------------------------------------- processes

PIDS=()
stop_pid() { # stop_pid PID: TERM, wait up to 5 s, then KILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${PIDS[$i]}"
    done
    # keep the server logs next to the raw wrk outputs
    cp "$TMP"/*.log "$TMP"/*.conf "$TMP"/*.yaml "$OUT"/ 2>/dev/null || true
    [ -d "$TMP/nginx" ] && cp "$TMP"/nginx/*.log "$TMP"/nginx/nginx.conf "$OUT"/ 2>/dev/null || true
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() { # drop a pid from PIDS after stop_pid
    local keep=() p
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

# wait_line FILE SED_EXPR PID SECONDS: print the first capture of SED_EXPR found in FILE
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
# wait_port PORT PID SECONDS: until a TCP connect to 127.0.0.1:PORT succeeds
wait_port() {
    local port=$1 pid=$2 secs=$3 i
    for i in $(seq 1 $((secs * 20))); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
free_port() { # a port nothing listens on right now (the caller retries on a lost race)
    local i p
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        ss -ltnH "( sport = :$p )" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

# ---------------------------------------------------------------- request body + wrk scripts

# A ~1 KB chat request: a system prompt and a realistic user message padded with
# more of the same text to exactly 1024 bytes of JSON.
make_body() {
    local head='{"model":"gpt-bench","messages":[{"role":"system","content":"You are a concise assistant for an engineering team."},{"role":"user","content":"'
    local tail='"}],"temperature":0.2,"max_tokens":256}'
    local text="Please summarize the following incident notes in three bullet points and suggest one follow-up action. "
    text+="At 09:14 UTC the checkout service started returning intermittent 502 errors for roughly four percent of requests. "
    text+="The on-call engineer noticed that the errors correlated with a deploy of the payment adapter, which had raised its connection pool from 32 to 128 per pod. "
    text+="The database proxy in front of the payments database allows 2000 client connections in total, and with 24 pods the new setting could exceed that limit during a rolling restart. "
    text+="Rolling back the adapter at 09:41 UTC stopped the errors; no payments were lost, but about 1900 customers saw a retry page. "
    local filler="Additional context: the team also discussed alert thresholds, dashboards, and the runbook for the proxy. "
    while [ $(( ${#head} + ${#text} + ${#tail} )) -lt 1024 ]; do text+=$filler; done
    text=${text:0:$((1023 - ${#head} - ${#tail}))}
    text="${text% }."
    printf '%s%s%s' "$head" "$text" "$tail"
}
BODY=$(make_body)
printf '%s' "$BODY" > "$OUT/body.json"
write_lua() { # write_lua FILE [x-portkey-config value]
    {
        echo 'wrk.method = "POST"'
        printf 'wrk.body = [==[%s]==]\n' "$BODY"
        echo 'wrk.headers["Content-Type"] = "application/json"'
        [ $# -ge 2 ] && printf 'wrk.headers["x-portkey-config"] = [==[%s]==]\n' "$2"
        true
    } > "$1"
}
write_lua "$OUT/chat.lua"

# ---------------------------------------------------------------- servers

MOCK_PID='' MOCK_PORT=''
start_mock() {
    "$MOCKUP" --port 0 --threads 1 > "$TMP/mockup.log" 2>&1 &
    MOCK_PID=$!
    PIDS+=("$MOCK_PID")
    MOCK_PORT=$(wait_line "$TMP/mockup.log" 's/^port=\([0-9][0-9]*\)$/\1/p' "$MOCK_PID" 10) ||
        { echo "bench: mockup did not start:" >&2; cat "$TMP/mockup.log" >&2; exit 1; }
}

NGINX_PID='' NGINX_PORT=''
start_nginx() {
    local d=$TMP/nginx _
    mkdir -p "$d/tmp"
    chmod 755 "$d"
    for _ in 1 2 3 4 5; do
        NGINX_PORT=$(free_port)
        cat > "$d/nginx.conf" <<EOF
# generated by bench/run.sh
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $d/tmp/client_body;
    proxy_temp_path       $d/tmp/proxy;
    fastcgi_temp_path     $d/tmp/fastcgi;
    uwsgi_temp_path       $d/tmp/uwsgi;
    scgi_temp_path        $d/tmp/scgi;
    upstream mock_upstream {
        server 127.0.0.1:$MOCK_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://mock_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
        if ! nginx -t -q -p "$d" -e "$d/error.log" -c "$d/nginx.conf" > "$d/nginx-t.log" 2>&1; then
            echo "bench: nginx -t failed:" >&2; cat "$d/nginx-t.log" "$d/error.log" >&2 2>/dev/null; exit 1
        fi
        nginx -p "$d" -e "$d/error.log" -c "$d/nginx.conf" > "$d/nginx.log" 2>&1 &
        NGINX_PID=$!
        PIDS+=("$NGINX_PID")
        wait_port "$NGINX_PORT" "$NGINX_PID" 10 && return 0
        stop_pid "$NGINX_PID"; forget_pid "$NGINX_PID" # lost the port race (or failed): try another
    done
    echo "bench: nginx did not start:" >&2; cat "$d/error.log" >&2 2>/dev/null; exit 1
}
stop_nginx() { stop_pid "$NGINX_PID"; forget_pid "$NGINX_PID"; NGINX_PID=; }

RG_PID='' RG_PORT=''
start_railgate() { # start_railgate WORKERS
    local n=$1
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
    rm -f "$TMP"/railgate-w"$n".db*
    LOG_LEVEL=warn "$RAILGATE" serve --config "$TMP/railgate.yaml" --port 0 --db "$TMP/railgate-w$n.db" --workers "$n" \
        > "$TMP/railgate-w$n.out.log" 2> "$TMP/railgate-w$n.log" &
    RG_PID=$!
    PIDS+=("$RG_PID")
    RG_PORT=$(wait_line "$TMP/railgate-w$n.out.log" 's#^listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$RG_PID" 15) ||
        { echo "bench: railgate did not start:" >&2; cat "$TMP/railgate-w$n.log" >&2; exit 1; }
}
stop_railgate() { stop_pid "$RG_PID"; forget_pid "$RG_PID"; RG_PID=; }

PK_PID='' PK_PORT='' PK_CONFIG=''
portkey_available() {
    [ "${BENCH_PORTKEY:-0}" = 1 ] || return 1
    command -v node >/dev/null || { PORTKEY_SKIP="node is not installed"; return 1; }
    [ -f "$PEER_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" ] ||
        { PORTKEY_SKIP="Portkey is not installed in $PEER_DIR (bash ../shared/peers/portkey.sh install)"; return 1; }
    [ -f "$PEER_DIR/loopback-listen.mjs" ] ||
        { PORTKEY_SKIP="$PEER_DIR/loopback-listen.mjs missing (it keeps Portkey on 127.0.0.1; re-run portkey.sh install)"; return 1; }
    return 0
}
start_portkey() {
    local _
    PK_CONFIG="{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$MOCK_PORT/v1\"}"
    write_lua "$OUT/portkey.lua" "$PK_CONFIG"
    for _ in 1 2 3; do # a lost port race gets another port
        PK_PORT=$(free_port)
        (cd "$PEER_DIR" && exec node --import "$PEER_DIR/loopback-listen.mjs" \
            node_modules/@portkey-ai/gateway/build/start-server.js --port="$PK_PORT" --headless) \
            > "$TMP/portkey.log" 2>&1 &
        PK_PID=$!
        PIDS+=("$PK_PID")
        wait_port "$PK_PORT" "$PK_PID" 30 && return 0
        stop_pid "$PK_PID"; forget_pid "$PK_PID"
    done
    return 1
}
stop_portkey() { stop_pid "$PK_PID"; forget_pid "$PK_PID"; PK_PID=; }

# ---------------------------------------------------------------- measuring

RESULTS=$OUT/results.tsv
printf 'target\tconns\tround\trps\tp50_us\tp99_us\tnon2xx\tsockerr\trequests\tmock_seen\tserver_cpu_us_per_req\tothers_cpu_pct\n' > "$RESULTS"
declare -A URL LUA LABEL
TARGETS=()
FLAGS=()

mock_count() { { curl -s --noproxy '*' -m 5 "http://127.0.0.1:$MOCK_PORT/_count" || true; } | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }

# to_us VALUE_WITH_UNIT -> microseconds (wrk prints us, ms, s)
to_us() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "ms") n *= 1000; else if (u == "s") n *= 1000000; else if (u == "m") n *= 60000000
        printf "%.0f", n }'
}

# check TARGET: one curl through the target; it must answer 200 with a chat.completion
check_target() {
    local t=$1 hdr=() code
    [ "$t" = portkey ] && hdr=(-H "x-portkey-config: $PK_CONFIG")
    code=$(curl -s --noproxy '*' -m 10 -o "$OUT/check-$t.json" -w '%{http_code}' "${hdr[@]+"${hdr[@]}"}" \
        -H 'Content-Type: application/json' --data-binary @"$OUT/body.json" "${URL[$t]}") || code=000
    if [ "$code" != 200 ] || ! grep -q '"chat.completion"' "$OUT/check-$t.json"; then
        FLAGS+=("$t: sanity request answered HTTP $code (see bench/out/$STAMP/check-$t.json)")
        echo "  ! $t: sanity request answered HTTP $code" >&2
    fi
}

warm() { # warm TARGET
    local t=$1
    timeout -k 5 "$WRK_TIMEOUT" wrk -t2 -c16 -d"${WARMUP}s" -s "${LUA[$t]}" "${URL[$t]}" > "$OUT/warmup-$t.txt" 2>&1 || true
}

# CPU accounting, to put a number on the noise. /proc/stat's user+nice+system over
# the run, minus what the benchmark's own processes used (mock, the target server and
# its children, wrk), is CPU taken by everything else on the machine ("others").
HZ=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4; exit}' /proc/stat; }
pid_ticks() { # utime+stime of the given pids and their direct children (nginx's worker)
    local p c s=0 v
    for p in "$@"; do
        for c in "$p" $(pgrep -P "$p" 2>/dev/null || true); do
            v=$(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true)
            s=$((s + ${v:-0}))
        done
    done
    echo "$s"
}
# CHILD_SECS := user+sys of this shell's reaped children (wrk runs as one), in seconds.
# `times` must run in this shell, not in a $(...) subshell, or it sees no children.
child_secs() {
    times > "$TMP/times"
    CHILD_SECS=$(awk 'NR == 2 {t = 0; for (i = 1; i <= 2; i++) {split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2]} printf "%.3f", t}' "$TMP/times")
}
now_s() { date +%s.%N; }
QUIET_WAIT=${BENCH_QUIET_WAIT:-30}
# wait_quiet: between runs our own processes are idle, so whatever keeps the CPUs busy is
# someone else's; wait (bounded) until less than 15% of one core is in use
wait_quiet() {
    local deadline=$((SECONDS + QUIET_WAIT)) a b
    while :; do
        a=$(cpu_busy); sleep 1; b=$(cpu_busy)
        [ $(((b - a) * 100 / HZ)) -lt 15 ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && { echo "  (machine still busy: $(((b - a) * 100 / HZ))% of a core in use by others; measuring anyway)" >&2; return 0; }
        sleep 1
    done
}

# measure TARGET CONNS ROUND
measure() {
    local t=$1 c=$2 r=$3 th=2 f before after rps p50 p99 non2xx sockerr reqs
    local b0 b1 s0 s1 m0 m1 w0 w1 t0 t1 srv_us others
    [ "$c" = 1 ] && th=1
    f=$OUT/wrk-$t-c$c-r$r.txt
    [ "$QUIET_WAIT" -gt 0 ] && wait_quiet
    before=$(mock_count)
    b0=$(cpu_busy) s0=$(pid_ticks "$SERVER_PID") m0=$(pid_ticks "$MOCK_PID") t0=$(now_s)
    child_secs; w0=$CHILD_SECS
    {
        echo "# wrk -t$th -c$c -d${DURATION}s --latency -s ${LUA[$t]##*/} ${URL[$t]}"
        timeout -k 5 "$WRK_TIMEOUT" wrk -t"$th" -c"$c" -d"${DURATION}s" --timeout 5s --latency -s "${LUA[$t]}" "${URL[$t]}" 2>&1 || true
    } > "$f"
    b1=$(cpu_busy) s1=$(pid_ticks "$SERVER_PID") m1=$(pid_ticks "$MOCK_PID") t1=$(now_s)
    child_secs; w1=$CHILD_SECS
    sleep 0.3 # let in-flight upstream requests land before counting
    after=$(mock_count)
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
    p50=$(awk '/Latency Distribution/ {d=1} d && $1 == "50%" {print $2; exit}' "$f")
    p99=$(awk '/Latency Distribution/ {d=1} d && $1 == "99%" {print $2; exit}' "$f")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")
    sockerr=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f")
    reqs=$(awk '/requests in/ {print $1; exit}' "$f")
    if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ]; then
        FLAGS+=("$t c$c round $r: could not parse wrk output (bench/out/$STAMP/${f##*/})")
        rps=0 p50=0 p99=0
    else
        p50=$(to_us "$p50") p99=$(to_us "$p99")
    fi
    non2xx=${non2xx:-0} sockerr=${sockerr:-0} reqs=${reqs:-0}
    # server CPU per request (µs) and the others' CPU as % of one core
    srv_us=$(awk -v d=$((s1 - s0)) -v hz="$HZ" -v n="$reqs" 'BEGIN {if (n > 0) printf "%.1f", d / hz * 1e6 / n; else print 0}')
    local ours=$((s1 - s0)); [ "$SERVER_PID" = "$MOCK_PID" ] || ours=$((ours + m1 - m0))
    others=$(awk -v busy=$((b1 - b0)) -v ours="$ours" -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN {print b - a}')" \
        -v hz="$HZ" -v el="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
        'BEGIN {o = (busy - ours) / hz - w; if (o < 0) o = 0; printf "%.0f", 100 * o / el}')
    local seen=$(( ${after:-0} - ${before:-0} ))
    [ "$non2xx" != 0 ] && FLAGS+=("$t c$c round $r: $non2xx non-2xx responses")
    [ "$sockerr" != 0 ] && FLAGS+=("$t c$c round $r: $sockerr socket errors")
    # a gateway must not answer more requests than the upstream saw
    [ "$reqs" -gt $((seen + c)) ] && FLAGS+=("$t c$c round $r: wrk counted $reqs responses but the mock saw $seen requests")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$c" "$r" "$rps" "$p50" "$p99" "$non2xx" "$sockerr" "$reqs" "$seen" \
        "$srv_us" "$others" >> "$RESULTS"
    printf '  %-12s c=%-3s round %s: %10s req/s  p50 %6s us  p99 %6s us  non-2xx %s  server %s us CPU/req  others %s%% CPU\n' \
        "$t" "$c" "$r" "$rps" "$p50" "$p99" "$non2xx" "$srv_us" "$others" >&2
}

# run_target TARGET ROUND: start what the target needs, warm it up, measure 1 and 64 connections, stop it
run_target() {
    local t=$1 r=$2
    SERVER_PID=
    case $t in
    direct) URL[$t]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions" ;;
    nginx) start_nginx; URL[$t]="http://127.0.0.1:$NGINX_PORT/v1/chat/completions" ;;
    railgate-w1) start_railgate 1; URL[$t]="http://127.0.0.1:$RG_PORT/v1/chat/completions" ;;
    railgate-w2) start_railgate 2; URL[$t]="http://127.0.0.1:$RG_PORT/v1/chat/completions" ;;
    portkey)
        if ! start_portkey; then
            FLAGS+=("portkey: did not start (see bench/out/$STAMP/portkey.log)"); return 0
        fi
        URL[$t]="http://127.0.0.1:$PK_PORT/v1/chat/completions" ;;
    esac
    case $t in
    direct) SERVER_PID=$MOCK_PID ;;
    nginx) SERVER_PID=$NGINX_PID ;;
    railgate-*) SERVER_PID=$RG_PID ;;
    portkey) SERVER_PID=$PK_PID ;;
    esac
    [ "$t" = portkey ] && LUA[$t]=$OUT/portkey.lua || LUA[$t]=$OUT/chat.lua
    [ "$r" = 1 ] && check_target "$t"
    warm "$t"
    measure "$t" 1 "$r"
    measure "$t" 64 "$r"
    case $t in
    nginx) stop_nginx ;;
    railgate-*) stop_railgate ;;
    portkey) stop_portkey ;;
    esac
}

# ---------------------------------------------------------------- run

cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
{
    echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "commit:   $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')"
    echo "machine:  nproc=$(nproc), $cpu_model, $(uname -sr)"
    echo "binary:   $RAILGATE sha256 $(sha256sum "$RAILGATE" | cut -c1-12), built $(date -u -r "$RAILGATE" '+%Y-%m-%d %H:%M:%S UTC')"
    echo "tools:    $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}'), railgate $("$RAILGATE" version 2>/dev/null | head -n1)"
    echo "load:     ${DURATION}s per run after a ${WARMUP}s warm-up (wrk -t2 -c16); -t1 -c1 and -t2 -c64; ${ROUNDS} round(s), median shown"
    echo "body:     ${#BODY} bytes of JSON (bench/out/$STAMP/body.json)"
    echo "loadavg:  $(cut -d' ' -f1-3 /proc/loadavg) at start; busiest processes now:"
    top -b -n2 -d 0.5 -o %CPU 2>/dev/null | awk '/^top -/ {n++} n == 2 && /^ *[0-9]+ / && c++ < 4 {print "          " $0}'
} | tee "$OUT/meta.txt"
echo

start_mock
TARGETS=(direct nginx railgate-w1 railgate-w2)
LABEL=([direct]="direct (mock)" [nginx]="nginx → mock" [railgate-w1]="railgate w1 → mock" [railgate-w2]="railgate w2 → mock" [portkey]="portkey → mock")
PORTKEY_SKIP=
if [ "${BENCH_PORTKEY:-0}" = 1 ]; then
    if portkey_available; then TARGETS+=(portkey); else FLAGS+=("portkey skipped: $PORTKEY_SKIP"); fi
fi

for r in $(seq 1 "$ROUNDS"); do
    for t in "${TARGETS[@]}"; do
        run_target "$t" "$r"
    done
done

# ---------------------------------------------------------------- report

# med TARGET CONNS COLUMN(4=rps 5=p50 6=p99 7=non2xx) -> median over rounds (empty if none)
med() {
    awk -F'\t' -v t="$1" -v c="$2" -v k="$3" 'NR > 1 && $1 == t && $2 == c {print $k}' "$RESULTS" | sort -g |
        awk '{v[NR] = $1} END {if (NR) {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}}'
}
sum_col() { awk -F'\t' -v t="$1" -v c="$2" -v k="$3" 'NR > 1 && $1 == t && $2 == c {s += $k} END {print s + 0}' "$RESULTS"; }

REPORT=$OUT/report.md
{
    echo "| target | conns | req/s | p50 (µs) | p99 (µs) | non-2xx | server CPU µs/req | others' CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${TARGETS[@]}"; do
        for c in 1 64; do
            rps=$(med "$t" "$c" 4)
            [ -n "$rps" ] || continue
            printf '| %s | %s | %.0f | %s | %s | %s | %s | %s%% |\n' "${LABEL[$t]}" "$c" "$rps" "$(med "$t" "$c" 5)" "$(med "$t" "$c" 6)" \
                "$(sum_col "$t" "$c" 7)" "$(med "$t" "$c" 11)" "$(med "$t" "$c" 12)"
        done
    done
    echo
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
    verdict() { awk -v v="$1" -v lim="$2" -v dir="$3" 'BEGIN {if (v == "n/a") print "n/a";
        else if ((dir == "ge" && v + 0 >= lim) || (dir == "le" && v + 0 <= lim)) print "meets target"; else print "**misses target**"}'; }
    rg64=$(med railgate-w1 64 4) ng64=$(med nginx 64 4) rg264=$(med railgate-w2 64 4)
    r1=$(ratio "$rg64" "$ng64")
    r2=$(ratio "$rg264" "$ng64")
    diff_us() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "") print "n/a"; else printf "%.0f", a - b}'; }
    d99=$(diff_us "$(med railgate-w1 1 6)" "$(med direct 1 6)")
    d50=$(diff_us "$(med railgate-w1 1 5)" "$(med direct 1 5)")
    echo "| ratio | value | target |"
    echo "|---|---:|---|"
    echo "| railgate w1 / nginx req/s, 64 conns | $r1 | ≥ 0.80 — $(verdict "$r1" 0.8 ge) |"
    echo "| railgate w2 / nginx req/s, 64 conns | $r2 | (info) |"
    echo "| railgate w1 added p99 over direct, 1 conn | $d99 µs | ≤ 100 µs — $(verdict "$d99" 100 le) |"
    echo "| railgate w1 added p50 over direct, 1 conn | $d50 µs | (info) |"
    echo "| nginx added p99 / p50 over direct, 1 conn | $(diff_us "$(med nginx 1 6)" "$(med direct 1 6)") / $(diff_us "$(med nginx 1 5)" "$(med direct 1 5)") µs | (reference) |"
    if [ -n "$(med portkey 64 4)" ]; then
        echo "| railgate w1 / portkey req/s, 64 conns | $(ratio "$rg64" "$(med portkey 64 4)") | (info) |"
        echo "| railgate w1 / portkey req/s, 1 conn | $(ratio "$(med railgate-w1 1 4)" "$(med portkey 1 4)") | (info) |"
        echo "| portkey added p99 / p50 over direct, 1 conn | $(diff_us "$(med portkey 1 6)" "$(med direct 1 6)") / $(diff_us "$(med portkey 1 5)" "$(med direct 1 5)") µs | (reference) |"
    fi
    echo
    echo "server CPU µs/req: CPU time of the target process (mock for direct, else the proxy; nginx includes its worker) per response."
    echo "others' CPU: CPU used during the run by processes outside the benchmark, % of one core (the machine has $(nproc) cores = $(( $(nproc) * 100 ))%)."
    echo
    if [ ${#FLAGS[@]} -eq 0 ]; then
        echo "No non-2xx responses, socket errors or sanity-check failures."
    else
        echo "**Flags:**"
        for f in "${FLAGS[@]}"; do echo "- $f"; done
    fi
} > "$REPORT"
echo
cat "$REPORT"
echo
echo "raw wrk outputs, logs and results.tsv: bench/out/$STAMP/"
