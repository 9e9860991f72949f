#!/usr/bin/env bash
# tests/fuzz/run.sh — build the libFuzzer targets and fuzz each one briefly.
#
#   bash tests/fuzz/run.sh                 every target, FUZZ_SECONDS (30) each
#   FUZZ_SECONDS=300 bash tests/fuzz/run.sh config sse
#   bash tests/fuzz/run.sh agent_env      one target (every tests/fuzz/fuzz_*.c is a target)
#   bash tests/fuzz/run.sh --build         build only
#   bash tests/fuzz/run.sh --merge [T...]  fuzz, then add the new inputs that
#                                          add coverage to tests/fuzz/corpus/T
#
# Targets are tests/fuzz/fuzz_<name>.c, built with clang
# -fsanitize=fuzzer,address,undefined (UB aborts) into build-fuzz/, with the
# library compiled from src/ directly (everything but src/main.c). Each target
# runs on a scratch copy of tests/fuzz/corpus/<name> (the committed corpus is
# only changed by --merge). Crash inputs land in build-fuzz/artifacts/<name>/.
# One line per target; exit status 1 if any target crashed or failed to build.
set -u
cd "$(dirname "$0")/../.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-8192}
CC=${FUZZ_CC:-clang}
OUT=build-fuzz
SANS="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter -Isrc -D_GNU_SOURCE"
LIBS="-lh2o -luv -lcurl -ljansson -lyaml -lsqlite3 -lpcre2-8 -lhs -lssl -lcrypto -lpthread -lm"
JOBS=$(nproc 2>/dev/null || echo 2)

mode=run
case "${1:-}" in
--build) mode=build; shift ;;
--merge) mode=merge; shift ;;
-h | --help) sed -n '2,16p' "$0"; exit 0 ;;
esac

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do
        t=${f#tests/fuzz/fuzz_}
        targets+=("${t%.c}")
    done
fi

if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (libFuzzer needs clang)" >&2
    exit 1
fi

# ---- build -----------------------------------------------------------------
mkdir -p "$OUT/obj" "$OUT/artifacts" "$OUT/work"
newest_header=$(find src -name '*.h' -printf '%T@\n' | sort -n | tail -1)

compile_one() { # src obj
    local src=$1 obj=$2
    mkdir -p "$(dirname "$obj")"
    if [ -f "$obj" ] && [ "$obj" -nt "$src" ] &&
        [ "$(stat -c %Y "$obj")" -ge "${newest_header%.*}" ]; then
        return 0
    fi
    # instrument the library for coverage too, but only the target gets libFuzzer's main
    $CC $CFLAGS $SANS -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
}
export -f compile_one
export CC CFLAGS SANS newest_header

lib_srcs=$(find src -name '*.c' ! -path src/main.c | sort)
if ! printf '%s\n' $lib_srcs | xargs -P "$JOBS" -I{} bash -c 'compile_one "$1" "'"$OUT"'/obj/${1%.c}.o"' _ {}; then
    echo "fuzz: library build failed" >&2
    exit 1
fi
if [ ! -f "$OUT/obj/default_yaml.o" ] || [ config/railgate.yaml -nt "$OUT/obj/default_yaml.o" ] ||
    [ src/config/default_yaml.S -nt "$OUT/obj/default_yaml.o" ]; then
    $CC -c -DRG_DEFAULT_YAML='"config/railgate.yaml"' -o "$OUT/obj/default_yaml.o" src/config/default_yaml.S || exit 1
fi
lib_objs=$(for s in $lib_srcs; do printf '%s ' "$OUT/obj/${s%.c}.o"; done)
# models/NAME.bin embedded as rg_model_NAME, as the Makefile does (src/core/blob.h)
for m in models/*.bin; do
    [ -f "$m" ] || continue
    name=$(basename "$m" .bin)
    obj="$OUT/obj/models/$name.o"
    mkdir -p "$OUT/obj/models"
    if [ ! -f "$obj" ] || [ "$m" -nt "$obj" ] || [ src/core/blob.S -nt "$obj" ]; then
        $CC -c -DRG_BLOB_FILE="\"$m\"" -DRG_BLOB_SYM="rg_model_${name//-/_}" -o "$obj" src/core/blob.S || exit 1
    fi
    lib_objs+="$obj "
done

status=0
for t in "${targets[@]}"; do
    if [ ! -f "tests/fuzz/fuzz_$t.c" ]; then
        echo "fuzz_$t: no such target (tests/fuzz/fuzz_$t.c)"
        status=1
        continue
    fi
    # shellcheck disable=SC2086
    if ! $CC $CFLAGS $SANS -fsanitize=fuzzer -o "$OUT/fuzz_$t" "tests/fuzz/fuzz_$t.c" $lib_objs \
        "$OUT/obj/default_yaml.o" $LIBS; then
        echo "fuzz_$t: BUILD FAILED"
        status=1
    fi
done
[ "$mode" = build ] && exit $status
[ $status -ne 0 ] && exit $status

# ---- run -------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for t in "${targets[@]}"; do
    corpus=tests/fuzz/corpus/$t
    work=$OUT/work/$t
    art=$OUT/artifacts/$t/
    log=$OUT/fuzz_$t.log
    rm -rf "$work"
    mkdir -p "$work" "$art" "$corpus"
    cp -p "$corpus"/. "$work"/ -r 2>/dev/null
    before=$(find "$work" -type f | wc -l)
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    "./$OUT/fuzz_$t" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -max_len="$FUZZ_MAX_LEN" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art" "$work" >"$log" 2>&1
    rc=$?
    after=$(find "$work" -type f | wc -l)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "fuzz_$t: ok — ${runs:-?} runs in ${FUZZ_SECONDS}s (${eps:-?} exec/s), ${cov:-cov: ?}, corpus $before -> $after"
    else
        crash=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
        what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [^ ]+( [^ ]+)?|runtime error: .*' "$log" | head -1)
        echo "fuzz_$t: CRASH (exit $rc) ${what:+— $what }— input ${crash:-?}, log $log"
        status=1
        continue
    fi
    if [ "$mode" = merge ]; then
        # keeps every committed file; adds only the new inputs that add coverage
        "./$OUT/fuzz_$t" -merge=1 -max_len="$FUZZ_MAX_LEN" "$corpus" "$work" >"$OUT/merge_$t.log" 2>&1 ||
            { echo "fuzz_$t: merge failed, see $OUT/merge_$t.log"; status=1; }
        echo "fuzz_$t: corpus now $(find "$corpus" -type f | wc -l) files"
    fi
done
exit $status
