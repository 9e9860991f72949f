#!/usr/bin/env bash
# bench/detectors.sh — detector throughput on deterministic mixed prose (prints figures; not a test).
#
# Generates a few MB of "mixed prose" (bench/gen_prose.py: English-like sentences from a fixed word list with
# occasional e-mail addresses, numbers, code lines and URLs; fixed seed, one chat-message-sized paragraph per
# line) and runs `railgate eval --speed` on it: each line is one request body's text, run through the same
# hook machinery as `railgate check`; MB/s counts text bytes over the time spent in the hook runs only
# (monotonic clock). Each detector that is registered in the binary is measured; a missing one is skipped
# with a message. Also measured, for scale: default.contains with one word (the hook machinery plus a
# trivial check).
#
#   bash bench/detectors.sh                 # also the last step of `make bench` (BENCH_DETECTORS=0 skips it)
#
# Env:
#   RAILGATE             the binary (default ./railgate)
#   BENCH_PROSE_MB       size of the generated text in MB (default 4)
#   BENCH_DET_SECONDS    minimum seconds of check runs per measurement (default 1)
#   BENCH_DET_ROUNDS     measurements per detector; the table shows the median (default 3)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RAILGATE=${RAILGATE:-$ROOT/railgate}
MB=${BENCH_PROSE_MB:-4}
SECS=${BENCH_DET_SECONDS:-1}
ROUNDS=${BENCH_DET_ROUNDS:-3}

[ -x "$RAILGATE" ] || { echo "detectors: $RAILGATE missing (make railgate)" >&2; exit 1; }
CHECKS=$("$RAILGATE" eval --list-checks 2>/dev/null) || { echo "detectors: $RAILGATE has no 'eval --list-checks'" >&2; exit 1; }
command -v python3 >/dev/null || { echo "detectors: python3 is not installed" >&2; exit 1; }

PROSE=$ROOT/build/bench/prose-${MB}mb.txt
mkdir -p "$(dirname "$PROSE")"
if [ ! -s "$PROSE" ] || [ "$ROOT/bench/gen_prose.py" -nt "$PROSE" ]; then
    python3 "$ROOT/bench/gen_prose.py" --mb "$MB" --seed 1 > "$PROSE.tmp" && mv "$PROSE.tmp" "$PROSE" ||
        { echo "detectors: gen_prose.py failed" >&2; exit 1; }
fi

# the same bytes, ten lines to a message (about 13 KB each): what a detector pays per message shows as the gap
PROSE_LONG=$ROOT/build/bench/prose-${MB}mb-x10.txt
if [ ! -s "$PROSE_LONG" ] || [ "$PROSE" -nt "$PROSE_LONG" ]; then
    paste -d ' ' - - - - - - - - - - < "$PROSE" > "$PROSE_LONG.tmp" && mv "$PROSE_LONG.tmp" "$PROSE_LONG" ||
        { echo "detectors: could not join $PROSE" >&2; exit 1; }
fi

has() { grep -Fqx "$1" <<< "$CHECKS"; }
ROWS=()

# measure LABEL NEEDED_CHECKS -- ARGS...: median MB/s of ROUNDS runs of `railgate eval --speed ARGS... PROSE`
# (MEASURE_TEXT=file measures on that file instead)
measure() {
    local label=$1 needs=$2 c v runs=() med text=${MEASURE_TEXT:-$PROSE}
    shift 3
    for c in $needs; do
        if ! has "$c"; then
            echo "detectors: skip $label: $c is not registered in this build" >&2
            ROWS+=("| $label | skipped ($c not registered) | |")
            return 0
        fi
    done
    for _ in $(seq 1 "$ROUNDS"); do
        if ! v=$("$RAILGATE" eval --speed "$@" "$text" --min-time "$SECS" 2>&1 | tail -1); then
            echo "detectors: $label failed: $v" >&2
            ROWS+=("| $label | failed | |")
            return 0
        fi
        v=${v#mbps=}
        runs+=("$v")
    done
    med=$(printf '%s\n' "${runs[@]}" | sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2}')
    echo "detectors: $label: ${runs[*]} MB/s" >&2
    ROWS+=("| $label | $med | ${runs[*]} |")
}

PACK='{"before_request_hooks":[{"id":"pii+secrets","type":"guardrail","checks":[{"id":"railgate.pii","parameters":{}},{"id":"railgate.secrets","parameters":{}}]}]}'

measure "railgate.pii" "railgate.pii" -- railgate.pii --params '{}'
measure "railgate.secrets" "railgate.secrets" -- railgate.secrets --params '{}'
measure "pack: pii + secrets, one hook" "railgate.pii railgate.secrets" -- --hooks "$PACK"
measure "railgate.promptInjection" "railgate.promptInjection" -- railgate.promptInjection --params '{}'
# the same, the checks' run() alone (--direct: no request body, text extraction or hook results)
measure "railgate.pii, run() alone" "railgate.pii" -- --direct railgate.pii --params '{}'
measure "railgate.secrets, run() alone" "railgate.secrets" -- --direct railgate.secrets --params '{}'
measure "pack: pii + secrets, run() alone" "railgate.pii railgate.secrets" -- --direct --hooks "$PACK"
MEASURE_TEXT=$PROSE_LONG measure "pack: pii + secrets, run() alone, the same bytes ten lines to a message" \
    "railgate.pii railgate.secrets" -- --direct --hooks "$PACK"
measure "railgate.promptInjection, run() alone" "railgate.promptInjection" -- --direct railgate.promptInjection --params '{}'
# the other detectors of the gateway's "every detector" hook (bench/lib.sh detect_config), run() alone
measure "railgate.gibberish, run() alone" "railgate.gibberish" -- --direct railgate.gibberish --params '{}'
measure "railgate.invisibleText, run() alone" "railgate.invisibleText" -- --direct railgate.invisibleText --params '{}'
measure "railgate.bannedTopics (3 words), run() alone" "railgate.bannedTopics" -- --direct railgate.bannedTopics \
    --params '{"words":["acme","globex","initech"]}'
measure "(scale) default.contains, one word" "default.contains" -- default.contains \
    --params '{"operator":"none","words":["zqxjv"]}'

echo
echo "| detector | MB/s (median of $ROUNDS) | runs |"
echo "|---|---:|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "text: $(wc -l < "$PROSE") messages, $(wc -c < "$PROSE") bytes (bench/gen_prose.py --mb $MB --seed 1, sha256" \
    "$(sha256sum "$PROSE" | cut -c1-12)); each line one request; >= ${SECS}s of check runs per measurement;" \
    "one thread; machine: nproc=$(nproc), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
