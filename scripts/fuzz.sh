#!/usr/bin/env bash
# Fuzzes the parsers for a bounded time: scripts/fuzz.sh [SECONDS] (default 60)
#
#   1. builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) in build/fuzz,
#      installing clang-19 and its libFuzzer from Debian 12 when no clang >= 16 is found
#      (clang-14 cannot compile libstdc++ 12's <expected>; see tests/fuzz/fuzz_flags.cmake)
#   2. replays the inputs that once crashed: tests/fuzz/regressions/* (binlog decoder) and
#      tests/fuzz/regressions/ddl/* (DDL parser)
#   3. makes the seed corpora: binlog files of ../shared/testdata/binlog/files, whole and as
#      single events (tests/fuzz/binlog_fuzz_seeds.cc); the statements of
#      src/schema/testdata/ddl_corpus.txt, one file per case
#   4. fuzzes every target in turn: binlog_event_fuzz for 2/3 of SECONDS, ddl_parser_fuzz
#      for the rest; new coverage is kept in build/fuzz/corpus (binlog) and
#      build/fuzz/ddl-corpus for the next run
# Exits non-zero on a crash, sanitizer report, leak, timeout or out-of-memory; the input
# is kept in build/fuzz/artifacts/ (binlog) or build/fuzz/ddl-artifacts/ and the command
# reproducing it is printed.
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
DDL_FUZZER="$BUILD/tests/fuzz/ddl_parser_fuzz"
DDL_CORPUS_FILE="$ROOT/src/schema/testdata/ddl_corpus.txt"
BINLOG_SECONDS=$((DURATION * 2 / 3))
DDL_SECONDS=$((DURATION - BINLOG_SECONDS))
# libFuzzer reads -max_total_time=0 as "no limit".
[ "$BINLOG_SECONDS" -ge 1 ] || BINLOG_SECONDS=1
[ "$DDL_SECONDS" -ge 1 ] || DDL_SECONDS=1

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
cmake --build "$BUILD" -j "$JOBS" --target binlog_event_fuzz binlog_fuzz_seeds ddl_parser_fuzz

shopt -s nullglob
# replay FUZZER NAME INPUT...: every input that once crashed must run clean now.
replay() {
  local fuzzer="$1" name="$2"
  shift 2
  [ "$#" -gt 0 ] || return 0
  local log="$BUILD/regressions-$name.log"
  [ "$name" = binlog ] && log="$BUILD/regressions.log"
  echo "fuzz: replaying $# $name regression inputs" >&2
  if ! "$fuzzer" -timeout=10 -rss_limit_mb=2048 "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz: FAILED: a regression input crashes again (log: $log)" >&2
    exit 1
  fi
}
regressions=()
for f in "$ROOT"/tests/fuzz/regressions/*; do [ -f "$f" ] && regressions+=("$f"); done
replay "$FUZZER" binlog "${regressions[@]}"
replay "$DDL_FUZZER" ddl "$ROOT"/tests/fuzz/regressions/ddl/*

rm -rf "$BUILD/seeds" "$BUILD/ddl-seeds"
mkdir -p "$BUILD/corpus" "$BUILD/artifacts" "$BUILD/ddl-corpus" "$BUILD/ddl-artifacts" "$BUILD/ddl-seeds"
"$BUILD/tests/fuzz/binlog_fuzz_seeds" "$BUILD/seeds" "$TESTDATA"/files/*.bin "$TESTDATA"/files/*.bin.gz
# One seed per corpus case: the SQL between "=== name" (and its "-- options:" line) and "---".
awk -v dir="$BUILD/ddl-seeds" '
  /^=== / { n++; out = sprintf("%s/case-%03d.sql", dir, n); sql = 1; next }
  /^---$/ { if (sql) close(out); sql = 0; next }
  sql && !/^-- options:/ { print > out }' "$DDL_CORPUS_FILE"

# run_fuzzer NAME FUZZER SECONDS ARTIFACTS MAX_LEN CORPUS_DIR...: fuzzes, then fails the
# script on any crash, sanitizer report, leak or hang.
run_fuzzer() {
  local name="$1" fuzzer="$2" seconds="$3" artifacts="$4" max_len="$5"
  shift 5
  local log="$BUILD/fuzz-$name.log" before after rc newest
  [ "$name" = binlog_event_fuzz ] && log="$BUILD/fuzz.log"
  before=$(ls "$artifacts" | wc -l)
  echo "fuzz: running $name for ${seconds}s (log: $log)" >&2
  set +e
  # -timeout: one input taking 10 s is a hang. The outer timeout only guards against the
  # fuzzer itself not stopping.
  timeout --kill-after=30 $((seconds + 300)) "$fuzzer" -max_total_time="$seconds" \
    -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$log" >&2 || true
  grep -E '^#[0-9]+\s+(DONE|INITED)' "$log" | tail -n 2 >&2 || true
  after=$(ls "$artifacts" | wc -l)
  if [ "$rc" != 0 ] || [ "$after" != "$before" ]; then
    grep -E -A 40 '^==[0-9]+==\s*(ERROR|WARNING)|runtime error|^SUMMARY|ALARM|out-of-memory' \
      "$log" | head -n 80 >&2 || true
    newest=$(ls -t "$artifacts"/* 2>/dev/null | head -n 1)
    echo "fuzz: $name found a bug" >&2
    echo "fuzz: FAILED (exit $rc); input kept as ${newest:-<none>}" >&2
    [ -n "$newest" ] && echo "fuzz: reproduce with: ASAN_SYMBOLIZER_PATH=$SYMBOLIZER $fuzzer $newest" >&2
    exit 1
  fi
}

# -max_len matches binlog_fuzz_seeds' cut; DDL statements rarely need more than 16 KiB.
run_fuzzer binlog_event_fuzz "$FUZZER" "$BINLOG_SECONDS" "$BUILD/artifacts" 65536 \
  "$BUILD/corpus" "$BUILD/seeds"
run_fuzzer ddl_parser_fuzz "$DDL_FUZZER" "$DDL_SECONDS" "$BUILD/ddl-artifacts" 16384 \
  "$BUILD/ddl-corpus" "$BUILD/ddl-seeds"
echo "fuzz: no crash in ${DURATION}s" >&2
