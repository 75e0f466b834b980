#!/usr/bin/env bash
# Source connector latency under steady load: commit in MariaDB -> record acknowledged by Kafka.
#
#   [LOADERS=8] bench/e2e/source_latency.sh [--rate TXN_PER_S] [--seconds S] [--bin PATH] [--schemas]
#                               [--producer KEY=VALUE]...
#
# Runs `tributary run` at the tip of the binlog of the local MariaDB, then a stored procedure
# commits single-row transactions at a steady rate (default 5000/s for 30 s) into a table whose
# `commit_us` column holds the wall-clock time (µs) at which the row was written, right before
# its commit. The connector's topic is created with message.timestamp.type=LogAppendTime
# (topic.creation.default.*), so each record's timestamp is the time the broker appended it,
# which with acks=all is when it is acknowledged (to the broker's millisecond). A consumer
# reads the topic and reports, per record, ack time - commit time: p50, p90, p99, p99.9, max
# (and the same from the moment the COMMIT returned to the session, kept in a MEMORY table
# outside the binlog, and to the consumer's receive time). The database, the connector and Kafka share
# the machine's clock.
#
# Needs the services (scripts/services.sh start) and a built tributary (default
# build/rel/src/cli/tributary). Uses its own database bench_lat_<pid> and topic prefix,
# removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RATE=5000
SECONDS_RUN=30
BIN="${TRIBUTARY_BIN:-$ROOT/build/rel/src/cli/tributary}"
SCHEMAS=0
PRODUCER=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --seconds) SECONDS_RUN="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --schemas) SCHEMAS=1; shift ;;
    --producer) PRODUCER+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--rate TXN_PER_S] [--seconds S] [--bin PATH] [--schemas] [--producer KEY=VALUE]..." >&2; exit 2 ;;
  esac
done
[ -x "$BIN" ] || { echo "tributary not built: $BIN" >&2; exit 2; }
# shellcheck disable=SC1091
source "$ROOT/build/services/env.sh"
PY="$("$ROOT/scripts/python-env.sh")/bin/python"
export RATE SECONDS_RUN BIN SCHEMAS
TRIBUTARY_LATENCY_PRODUCER="$(printf '%s\n' "${PRODUCER[@]+"${PRODUCER[@]}"}")"
export TRIBUTARY_LATENCY_PRODUCER
exec "$PY" "$ROOT/bench/e2e/source_latency.py"
