#!/usr/bin/env bash
# Runs every test suite and prints one closing line: "N passed, N failed".
#   B         build directory holding tests/, replay/ (default: build)
#   RAILGATE  the binary under test (default: ./railgate)
# Suites: C unit tests (cmocka), fuzz corpus replay, integration tests
# (real binary + mock upstream on loopback), the OpenAI Node SDK.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
export B RAILGATE=${RAILGATE:-./railgate}
RAILGATE=$(realpath "$RAILGATE")
export RAILGATE
passed=0 failed=0 failures=()
log=$(mktemp -d)

note() { printf '%s\n' "$*"; }
ok() { passed=$((passed + $1)); }
bad() { failed=$((failed + $1)); failures+=("$2"); }

note "== unit tests (cmocka)"
for t in "$B"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  out="$log/$name.out"
  "$t" >"$out" 2>&1; rc=$?
  p=$(grep -Eo '^\[  PASSED  \] [0-9]+' "$out" | grep -Eo '[0-9]+$' | tail -1)
  f=$(grep -Eo '^\[  FAILED  \] [0-9]+' "$out" | grep -Eo '[0-9]+$' | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before reporting
  note "   $name: $p passed, $f failed"
  ok "$p"; [ "$f" -gt 0 ] && { bad "$f" "$name"; sed 's/^/     /' "$out" | grep -E 'FAIL|ERROR|error|Sanitizer|runtime' | head -20; }
done

note "== fuzz corpus replay"
for r in "$B"/replay/fuzz_*; do
  [ -x "$r" ] || continue
  name=$(basename "$r"); corpus="tests/fuzz/corpus/${name#fuzz_}"
  if [ ! -d "$corpus" ]; then note "   $name: no corpus at $corpus"; bad 1 "$name"; continue; fi
  if out=$("$r" "$corpus" 2>&1); then note "   $name: ${out##*$'\n'}"; ok 1
  else note "   $name: FAILED"; printf '%s\n' "$out" | tail -20 | sed 's/^/     /'; bad 1 "$name"; fi
done

note "== integration tests"
python3 tests/integration/run.py 2>&1 | tee "$log/integration.out" | sed 's/^/   /'
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log/integration.out" | tail -1)
if [ -n "$line" ]; then
  p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  ok "$p"; [ "$f" -gt 0 ] && bad "$f" "integration"
else
  bad 1 "integration (runner crashed)"
fi

note "== OpenAI Node SDK against railgate"
if [ -d tests/node/node_modules/openai ]; then
  db="$log/sdk.db"
  "$RAILGATE" serve --port 0 --workers 1 --db "$db" >"$log/sdk.stdout" 2>"$log/sdk.log" &
  pid=$!
  for _ in $(seq 1 100); do grep -q '^listening on ' "$log/sdk.stdout" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/^listening on //p' "$log/sdk.stdout")
  (cd tests/node && RAILGATE_URL="$url" node --test) >"$log/node.out" 2>&1
  kill -TERM "$pid" 2>/dev/null; wait "$pid"
  p=$(sed -n 's/^# pass //p' "$log/node.out"); f=$(sed -n 's/^# fail //p' "$log/node.out")
  p=${p:-0}; f=${f:-1}
  note "   sdk: $p passed, $f failed"
  ok "$p"; [ "$f" -gt 0 ] && { bad "$f" "node sdk"; tail -40 "$log/node.out" | sed 's/^/     /'; }
else
  note "   tests/node/node_modules missing: run scripts/deps.sh"; bad 1 "node sdk (not installed)"
fi

rm -rf "$log"
[ ${#failures[@]} -gt 0 ] && note "failed suites: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
