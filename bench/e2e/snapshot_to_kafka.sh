#!/usr/bin/env bash
# Snapshot throughput: one big table read by `tributary run` (snapshot.mode=initial_only,
# schemas off) into Kafka, against the raw read rate of the server in the same run.
#
#   bench/e2e/snapshot_to_kafka.sh [--rows N] [--bin PATH[::key=value...]]... [--set key=value]...
#                                  [--threads 1,2,4] [--repeat N]
#                                  [--debezium] [--debezium-embedded] [--keep]
#
# Builds a table of N rows (default 5 000 000) and 11 mixed columns in its own database
# (MariaDB's SEQUENCE engine, INSERT ... SELECT with sql_log_bin=0 so the shared binlog does
# not grow), then measures, in this order:
#   raw        `mariadb --quick -e 'SELECT * FROM t' > /dev/null`: rows/s (run twice, best)
#   tributary  snapshot.mode=initial_only with the default snapshot settings, from process
#              start to its exit (it exits once every record is acknowledged): rows/s,
#              CPU seconds, peak RSS (wait4 rusage); the topic's record count is checked;
#              each raw and tributary run also prints the CPU seconds the database server
#              and the Kafka broker used meanwhile (/proc/<pid>/stat of mariadbd and
#              kafka.Kafka), so a run's whole cost on the shared cores is visible;
#              --threads 1,2,4: one run per snapshot.max.threads value instead;
#              --repeat N: the list N times, interleaved, and the best run of each value;
#              several --bin: each binary runs on the same table, one after the other in
#              each round (PATH::key=value adds connector properties to that binary's runs,
#              e.g. the same binary twice with and without producer.override.linger.ms=20;
#              --set adds them to every run), with each run's CPU per row and load average
#   debezium   (--debezium) real Debezium as users deploy it: its MariaDB connector on a Kafka
#              Connect 4.1.1 standalone worker producing to the same broker with the worker's
#              default producer settings (acks=all), snapshot.mode=initial_only, schemas off
#              (tests/compat/run_connect.sh, connect_bench.py): rows/s from its first record in
#              Kafka until all N are (topic end offset read by an independent client), and
#              from the JVM's start; the JVM's CPU seconds and peak RSS
#   embedded   (--debezium-embedded) Debezium's embedded engine on the same table
#              (tests/compat/run_debezium.sh, initial_only, records to /dev/null, no Kafka):
#              rows/s from the engine's start of polling to its last record, and wall time
# and prints the ratios (goals of issue 6: tributary >= 70% of raw, RSS <= 128 MB,
# >= 20x Debezium on Kafka Connect), with CPU per row of each side.
#
# Needs the services (scripts/services.sh start) and a built tributary (default
# build/rel/src/cli/tributary). Uses the shared MariaDB and Kafka with its own database
# bench_snap_<pid> and topic prefix, removed at the end (unless --keep).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/build/services/env.sh"
PY="$("$ROOT/scripts/python-env.sh")/bin/python"
exec "$PY" "$ROOT/bench/e2e/snapshot_to_kafka.py" "$@"
