# shellcheck shell=bash
# bench/lib.sh — helpers shared by bench/run.sh, profile.sh and breakdown.sh; sourced
# (`. "$ROOT/bench/lib.sh"`), not run. It only defines things; the caller sets
# MOCKUP, RAILGATE and TMP before starting servers, and calls trap_cleanup.

# ---------------------------------------------------------------- processes

PIDS=()      # every process started, killed newest first on exit
STOP_GRACE=5 # seconds stop_pid waits after TERM before KILL

stop_pid() { # stop_pid PID: TERM, wait up to STOP_GRACE s, then KILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 $((STOP_GRACE * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
forget_pid() { # drop a pid from PIDS after stop_pid
    local keep=() p
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

# trap_cleanup PATH...: on exit (or INT/TERM) stop every pid in PIDS, run the script's
# on_cleanup if it defines one (e.g. to keep logs from $TMP), then rm -rf PATH...
trap_cleanup() {
    CLEANUP_PATHS=("$@")
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}
cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
    if declare -F on_cleanup >/dev/null; then on_cleanup || true; fi
    rm -rf "${CLEANUP_PATHS[@]}"
    exit "$rc"
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

# ---------------------------------------------------------------- servers

# start_mock: the mock upstream (1 thread, any free port) logging to $TMP/mockup.log;
# sets MOCK_PID and MOCK_PORT, fails if it does not print its port within 10 s
MOCK_PID='' MOCK_PORT=''
start_mock() {
    "$MOCKUP" --port 0 --threads 1 > "$TMP/mockup.log" 2>&1 &
    MOCK_PID=$!
    PIDS+=("$MOCK_PID")
    MOCK_PORT=$(wait_line "$TMP/mockup.log" 's/^port=\([0-9][0-9]*\)$/\1/p' "$MOCK_PID" 10)
}
mock_count() { { curl -s --noproxy '*' -m 5 "http://127.0.0.1:$MOCK_PORT/_count" || true; } | sed -n 's/.*"requests":\([0-9]*\).*/\1/p'; }

# write_config FILE DB_PATH [mock]: a Railgate config serving model gpt-bench through the
# mock upstream, or with "mock" answered in-process (provider mock)
write_config() {
    local params="      model: openai/gpt-bench
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-bench"
    [ "${3:-}" = mock ] && params='      model: mock/gpt-bench
      mock_response: "Hello from mockup. The answer is 42."'
    cat > "$1" <<EOF
model_list:
  - model_name: gpt-bench
    litellm_params:
$params
general_settings:
  database_path: $2
railgate_settings:
  log_level: warn
EOF
}

# start_rg STDOUT STDERR SECONDS CMD...: run CMD (railgate serve --port 0 ..., maybe behind
# valgrind or env) with LOG_LEVEL=warn; sets RG_PID and RG_PORT, fails if no
# "listening on" line shows up in time
RG_PID='' RG_PORT=''
start_rg() {
    local out=$1 err=$2 secs=$3
    shift 3
    LOG_LEVEL=warn "$@" > "$out" 2> "$err" &
    RG_PID=$!
    PIDS+=("$RG_PID")
    RG_PORT=$(wait_line "$out" 's#^listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$RG_PID" "$secs")
}

# ---------------------------------------------------------------- load

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
write_lua() { # write_lua FILE BODY [LUA_LINE...]: a wrk script POSTing BODY as JSON, then the extra lines
    local file=$1 body=$2
    shift 2
    {
        echo 'wrk.method = "POST"'
        printf 'wrk.body = [==[%s]==]\n' "$body"
        echo 'wrk.headers["Content-Type"] = "application/json"'
        [ $# -eq 0 ] || printf '%s\n' "$@"
    } > "$file"
}

# ---------------------------------------------------------------- machine load

HZ=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4; exit}' /proc/stat; }
# wait_quiet SECONDS PAUSE: between runs our own processes are idle, so whatever keeps the
# CPUs busy is someone else's; sample 1 s, PAUSE s apart, until less than 15% of one core is
# in use. Returns 1 after SECONDS with BUSY_PCT (% of a core) if it never got there.
BUSY_PCT=0
wait_quiet() {
    local deadline=$((SECONDS + $1)) a b
    while :; do
        a=$(cpu_busy); sleep 1; b=$(cpu_busy)
        BUSY_PCT=$(((b - a) * 100 / HZ))
        [ "$BUSY_PCT" -lt 15 ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep "$2"
    done
}
