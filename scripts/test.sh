#!/usr/bin/env bash
# THE test command (README, .ci/run): installs what is missing, builds, starts the real
# services, runs every test tier, stops the services, prints a timing summary, and exits
# non-zero on any failure.
#
#   1. deps          scripts/install-deps.sh (Debian packages, venv, Kafka jars, MinIO)
#   2. build         RelWithDebInfo in build/rel, warnings as errors
#   3. unit          ctest -L unit in build/rel (no services needed)
#   3b. decoder      pytest tests/decoder: every binlog of ../shared/testdata against its listing
#   4. build-asan    Debug + ASan + UBSan in build/asan
#   5. unit-asan     ctest -L unit in build/asan
#   5b. fuzz         scripts/fuzz.sh: libFuzzer on the binlog event decoder (2/3 of the time)
#                    and the DDL parser (1/3) (clang, ASan + UBSan) for $TRIBUTARY_FUZZ_SECONDS
#                    (90); a crash fails the run
#   6. services      scripts/services.sh start (MariaDB, Kafka, S3)
#   7. svc-tests     ctest -L services in build/rel: C++ integration tests against the services
#   8. e2e           pytest tests/e2e (and tests/compat: real Debezium as the reference)
#                    against the services
# Services that were already running before are left running.
#
# Options: --no-asan skips 4-5; --no-fuzz skips 5b; --unit-only stops after 5 (no fuzz
# either). Extra pytest args go in
# TRIBUTARY_PYTEST_ARGS (e.g. "-k kafka").
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BUILD="${TRIBUTARY_BUILD_DIR:-$ROOT/build}"
JOBS="${TRIBUTARY_JOBS:-$(nproc)}"
ASAN=1
E2E=1
FUZZ=1
for arg in "$@"; do
  case "$arg" in
    --no-asan) ASAN=0 ;;
    --no-fuzz) FUZZ=0 ;;
    --unit-only) E2E=0; FUZZ=0 ;;
    *) echo "usage: $0 [--no-asan] [--no-fuzz] [--unit-only]" >&2; exit 2 ;;
  esac
done

declare -a PHASES=() TIMES=() RESULTS=()
FAILED=0
phase() {  # phase NAME COMMAND...: runs, records time and result
  local name=$1; shift
  local start=$SECONDS
  echo "==> $name" >&2
  if "$@"; then
    RESULTS+=("ok")
  else
    RESULTS+=("FAILED")
    FAILED=1
  fi
  PHASES+=("$name")
  TIMES+=($((SECONDS - start)))
  return 0
}

summary() {
  echo >&2
  echo "Timing summary:" >&2
  local total=0
  for i in "${!PHASES[@]}"; do
    printf '  %-12s %5ss  %s\n' "${PHASES[$i]}" "${TIMES[$i]}" "${RESULTS[$i]}" >&2
    total=$((total + TIMES[i]))
  done
  printf '  %-12s %5ss\n' "total" "$total" >&2
}

STARTED_SERVICES=0
cleanup() {
  if [ "$STARTED_SERVICES" = 1 ]; then
    "$ROOT/scripts/services.sh" stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

configure_and_build() {  # DIR CMAKE_ARGS...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$ROOT" -B "$dir" -G Ninja -DTRIBUTARY_WERROR=ON "$@" >/dev/null || return 1
  fi
  cmake --build "$dir" -j "$JOBS"
}

unit_tests() {  # DIR
  ctest --test-dir "$1" -L unit --output-on-failure -j "$JOBS" --no-tests=error
}

decoder_tests() {
  local venv
  venv=$("$ROOT/scripts/python-env.sh") || return 1
  TRIBUTARY_BIN="$BUILD/rel/src/cli/tributary" "$venv/bin/pytest" -q -p no:cacheprovider \
    "$ROOT/tests/decoder"
}

service_tests() {  # C++ integration tests (label `services`) with the services' env
  # shellcheck disable=SC1091
  ( . "$ROOT/build/services/env.sh" &&
    ctest --test-dir "$BUILD/rel" -L services --output-on-failure -j 1 --no-tests=ignore )
}

e2e_tests() {
  local venv
  venv=$("$ROOT/scripts/python-env.sh") || return 1
  # shellcheck disable=SC2086
  TRIBUTARY_BIN="$BUILD/rel/src/cli/tributary" "$venv/bin/pytest" -q -p no:cacheprovider \
    "$ROOT/tests/e2e" "$ROOT/tests/compat" ${TRIBUTARY_PYTEST_ARGS:-}
  local rc=$?
  if [ "$rc" = 5 ]; then
    echo "e2e: pytest collected no tests" >&2
    return 1
  fi
  return "$rc"
}

start_services() {
  if "$ROOT/scripts/services.sh" status >/dev/null 2>&1; then
    echo "services: already running; they stay running" >&2
    "$ROOT/scripts/services.sh" start  # refresh env.sh
    return
  fi
  STARTED_SERVICES=1
  "$ROOT/scripts/services.sh" start
}

phase deps "$ROOT/scripts/install-deps.sh"
[ "$FAILED" = 0 ] && phase build configure_and_build "$BUILD/rel" -DCMAKE_BUILD_TYPE=RelWithDebInfo
[ "$FAILED" = 0 ] && phase unit unit_tests "$BUILD/rel"
[ "${RESULTS[1]:-}" = ok ] && phase decoder decoder_tests
if [ "$ASAN" = 1 ] && [ "${RESULTS[1]:-}" = ok ]; then
  phase build-asan configure_and_build "$BUILD/asan" -DCMAKE_BUILD_TYPE=Debug \
    -DTRIBUTARY_SANITIZE=ON -DTRIBUTARY_BUILD_BENCH=OFF
  [ "${RESULTS[-1]}" = ok ] && phase unit-asan unit_tests "$BUILD/asan"
fi
if [ "$FUZZ" = 1 ] && [ "${RESULTS[1]:-}" = ok ]; then
  phase fuzz "$ROOT/scripts/fuzz.sh" "${TRIBUTARY_FUZZ_SECONDS:-90}"
fi
if [ "$E2E" = 1 ] && [ "${RESULTS[1]:-}" = ok ]; then
  phase services start_services
  if [ "${RESULTS[-1]}" = ok ]; then
    phase svc-tests service_tests
    phase e2e e2e_tests
  fi
fi
summary
if [ "$FAILED" != 0 ]; then
  echo "test.sh: FAILED" >&2
  exit 1
fi
echo "test.sh: all tiers passed" >&2
