#!/usr/bin/env bash
# Runs the real Debezium connector (embedded engine + Kafka Connect's JsonConverter) on a
# connector file and writes its records as JSON lines, the reference of tests/compat/.
#
#   tests/compat/run_debezium.sh CONNECTOR_FILE OUT.jsonl [--idle-seconds N] [runner options]
#   tests/compat/run_debezium.sh --build     # only build (install-deps calls this); prints the dir
#
# Runner options (DebeziumRunner.java): --idle-seconds N (10), --max-records N,
# --max-seconds N, --start-position FILE:POS, --start-gtids SET, --work-dir DIR,
# --set KEY=VALUE, --verbose. OUT.jsonl may be "-" for stdout. The timing is the last
# stderr line ("debezium-runner: timing {...}").
#
# The runner is built once with Maven into $TRIBUTARY_CACHE/debezium-runner-<hash of the
# sources>/ (classes and lib/ of jars; the Maven repository is $TRIBUTARY_CACHE/m2), so later
# runs are offline and start in about a second. Environment: TRIBUTARY_DEBEZIUM_HEAP (768m).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/services/lib.sh"

PROJECT="$HERE/debezium-runner"
HASH=$(cd "$PROJECT" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
DIR="$TRIBUTARY_CACHE/debezium-runner-$HASH"

build() {
  [ -f "$DIR/.complete" ] && return 0
  command -v mvn >/dev/null || die "mvn not found: run scripts/install-deps.sh"
  command -v javac >/dev/null || die "javac not found (a JDK 17 is needed): run scripts/install-deps.sh"
  mkdir -p "$TRIBUTARY_CACHE"
  # One build at a time (parallel test runs share the cache).
  exec 9>"$TRIBUTARY_CACHE/debezium-runner.lock"
  flock 9
  if [ ! -f "$DIR/.complete" ]; then
    log "debezium-runner: building into $DIR (Maven Central, once)"
    rm -rf "$DIR"
    mvn -q -B -f "$PROJECT/pom.xml" -Dmaven.repo.local="$TRIBUTARY_CACHE/m2" \
      -Drunner.build.dir="$DIR" compile dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$DIR/lib" >&2 || die "debezium-runner: the Maven build failed"
    touch "$DIR/.complete"
  fi
  flock -u 9
}

if [ "${1:-}" = "--build" ]; then
  build
  echo "$DIR"
  exit 0
fi
[ $# -ge 2 ] || die "usage: $0 CONNECTOR_FILE OUT.jsonl [--idle-seconds N] [runner options] | $0 --build"
CONFIG=$1 OUT=$2
shift 2
build
command -v java >/dev/null || die "java not found: run scripts/install-deps.sh"
exec java -Xmx"${TRIBUTARY_DEBEZIUM_HEAP:-768m}" -XX:+UseParallelGC -Djava.awt.headless=true \
  -cp "$DIR/classes:$DIR/lib/*" io.tributary.compat.DebeziumRunner "$CONFIG" --out "$OUT" "$@"
