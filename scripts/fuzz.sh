#!/usr/bin/env bash
# Fuzzes the binlog event decoder for a bounded time: scripts/fuzz.sh [SECONDS] (default 60)
#
#   1. builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) in build/fuzz,
#      installing clang-19 and its libFuzzer from Debian 12 when no clang >= 16 is found
#      (clang-14 cannot compile libstdc++ 12's <expected>; see tests/fuzz/fuzz_flags.cmake)
#   2. replays tests/fuzz/regressions/* (inputs that once crashed)
#   3. makes the seed corpus from ../shared/testdata/binlog/files: whole files and single
#      events (tests/fuzz/binlog_fuzz_seeds.cc)
#   4. fuzzes for SECONDS; new coverage is kept in build/fuzz/corpus for the next run
# Exits non-zero on a crash, sanitizer report, leak, timeout or out-of-memory; the input
# is kept in build/fuzz/artifacts/ and the command reproducing it is printed.
#
# Environment: TRIBUTARY_FUZZ_CXX (a clang++ >= 16 to use), TRIBUTARY_JOBS (build jobs),
# TRIBUTARY_BINLOG_TESTDATA (default ../shared/testdata/binlog).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION="${1:-60}"
case "$DURATION" in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
BUILD="${TRIBUTARY_BUILD_DIR:-$ROOT/build}/fuzz"
TESTDATA="${TRIBUTARY_BINLOG_TESTDATA:-$ROOT/../shared/testdata/binlog}"
JOBS="${TRIBUTARY_JOBS:-$(nproc)}"
FUZZER="$BUILD/tests/fuzz/binlog_event_fuzz"

has_libfuzzer() {  # CLANGXX: true when that clang links -fsanitize=fuzzer
  local lib
  lib=$("$1" -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null) || return 1
  [ -f "$lib" ] && return 0
  lib=$("$1" --print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer.a
  [ -f "$lib" ]
}

find_clang() {
  local v
  if [ -n "${TRIBUTARY_FUZZ_CXX:-}" ]; then
    echo "$TRIBUTARY_FUZZ_CXX"
    return
  fi
  for v in 19 18 17 16; do
    if command -v "clang++-$v" >/dev/null && has_libfuzzer "clang++-$v"; then
      echo "clang++-$v"
      return
    fi
  done
}

CXX=$(find_clang)
if [ -z "$CXX" ]; then
  echo "fuzz: no clang >= 16 with libFuzzer; installing clang-19 libclang-rt-19-dev" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    clang-19 libclang-rt-19-dev >&2
  CXX=clang++-19
fi
CC="${CXX/clang++/clang}"
VERSION=$("$CXX" -dumpversion | cut -d. -f1)
SYMBOLIZER=$(command -v "llvm-symbolizer-$VERSION" || command -v llvm-symbolizer-19 ||
  command -v llvm-symbolizer-16 || command -v llvm-symbolizer-14 || true)
export ASAN_SYMBOLIZER_PATH="$SYMBOLIZER"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

echo "fuzz: building with $CXX in $BUILD" >&2
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" -DTRIBUTARY_FUZZ=ON \
    -DTRIBUTARY_BUILD_TESTS=OFF -DTRIBUTARY_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" -j "$JOBS" --target binlog_event_fuzz binlog_fuzz_seeds

shopt -s nullglob
regressions=("$ROOT"/tests/fuzz/regressions/*)
if [ "${#regressions[@]}" -gt 0 ]; then
  echo "fuzz: replaying ${#regressions[@]} regression inputs" >&2
  if ! "$FUZZER" -timeout=10 -rss_limit_mb=2048 "${regressions[@]}" >"$BUILD/regressions.log" 2>&1; then
    tail -n 60 "$BUILD/regressions.log" >&2
    echo "fuzz: FAILED: a regression input crashes again (log: $BUILD/regressions.log)" >&2
    exit 1
  fi
fi

rm -rf "$BUILD/seeds"
mkdir -p "$BUILD/corpus" "$BUILD/artifacts"
"$BUILD/tests/fuzz/binlog_fuzz_seeds" "$BUILD/seeds" "$TESTDATA"/files/*.bin "$TESTDATA"/files/*.bin.gz

before=$(ls "$BUILD/artifacts" | wc -l)
echo "fuzz: running binlog_event_fuzz for ${DURATION}s (log: $BUILD/fuzz.log)" >&2
set +e
# -timeout: one input taking 10 s is a hang; -max_len matches binlog_fuzz_seeds' cut.
# The outer timeout only guards against the fuzzer itself not stopping.
timeout --kill-after=30 $((DURATION + 300)) "$FUZZER" -max_total_time="$DURATION" \
  -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$BUILD/artifacts/" "$BUILD/corpus" "$BUILD/seeds" >"$BUILD/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
  "$BUILD/fuzz.log" >&2 || true
grep -E '^#[0-9]+\s+(DONE|INITED)' "$BUILD/fuzz.log" | tail -n 2 >&2 || true
after=$(ls "$BUILD/artifacts" | wc -l)
if [ "$rc" != 0 ] || [ "$after" != "$before" ]; then
  grep -E -A 40 '^==[0-9]+==\s*(ERROR|WARNING)|runtime error|^SUMMARY|ALARM|out-of-memory' \
    "$BUILD/fuzz.log" | head -n 80 >&2 || true
  newest=$(ls -t "$BUILD"/artifacts/* 2>/dev/null | head -n 1)
  echo "fuzz: FAILED (exit $rc); input kept as ${newest:-<none>}" >&2
  [ -n "$newest" ] && echo "fuzz: reproduce with: ASAN_SYMBOLIZER_PATH=$SYMBOLIZER $FUZZER $newest" >&2
  exit 1
fi
echo "fuzz: no crash in ${DURATION}s" >&2
