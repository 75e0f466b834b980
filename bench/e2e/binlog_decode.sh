#!/usr/bin/env bash
# Decode rate of `tributary binlog` against `mariadb-binlog -v` on the same real binlog
# files, in one run: bench/e2e/binlog_decode.sh
#
# Workloads, written by a MariaDB instance of its own (scripts/services/mariadb.sh with
# name mariadb-bench, port 3399, server id 9) into one binlog file each:
#   wide_rows        1,000,000 rows of 10 mixed columns, INSERT ... SELECT in transactions
#                    of 10,000 rows (the server splits them into ~8 KB rows events)
#   single_row_txns  200,000 transactions of one INSERT each
# Columns: INT, BIGINT UNSIGNED, VARCHAR(64), DECIMAL(12,2), DATETIME(6), DOUBLE, TEXT
# (10% NULL), ENUM, TIMESTAMP, JSON. The files are copied to build/bench/binlog_decode and
# reused by later runs (delete that folder to regenerate; generation takes 1-3 minutes).
#
# Timed per workload, best of $BENCH_REPEAT runs (default 3), page cache warm:
#   mariadb-binlog -v --base64-output=decode-rows FILE > /dev/null    (the baseline)
#   tributary binlog -q --file FILE                  decode everything, print the count
#   tributary binlog --file FILE > /dev/null         full JSON output, for reference
#   tributary binlog -q --host ... --from FILE:4     live stream from the server (wide_rows
#                                                    only; when the binary has --host and
#                                                    the server still has the file)
# and printed as a table of rows, seconds, rows/s and the ratio to mariadb-binlog.
#
# Environment: TRIBUTARY_BIN (default build/rel/src/cli/tributary, built when missing or
# stale), BENCH_REPEAT, BENCH_KEEP_SERVER=1 (leave the instance running afterwards).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export TRIBUTARY_MARIADB_NAME=mariadb-bench TRIBUTARY_MARIADB_PORT=3399 TRIBUTARY_MARIADB_SERVER_ID=9
DATA="$ROOT/build/bench/binlog_decode"
SOCK="$ROOT/build/services/mariadb-bench/mariadbd.sock"
SERVER_BINLOGS="$ROOT/build/services/mariadb-bench/binlog"
TRIBUTARY="${TRIBUTARY_BIN:-$ROOT/build/rel/src/cli/tributary}"
REPEAT="${BENCH_REPEAT:-3}"
WIDE_ROWS=1000000
WIDE_TXN_ROWS=10000
SINGLE_ROWS=200000

log() { printf '%s\n' "$*" >&2; }
die() { log "binlog_decode: error: $*"; exit 1; }
command -v mariadb-binlog >/dev/null || die "mariadb-binlog not found: run scripts/install-deps.sh"

STARTED_SERVER=0
cleanup() {
  if [ "$STARTED_SERVER" = 1 ] && [ "${BENCH_KEEP_SERVER:-0}" != 1 ]; then
    scripts/services/mariadb.sh stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

start_server() {
  if ! scripts/services/mariadb.sh status >/dev/null 2>&1; then
    scripts/services/mariadb.sh start
    STARTED_SERVER=1
  fi
}

sql() { mariadb --no-defaults --socket="$SOCK" -uroot --batch --skip-column-names "$@"; }
current_binlog() { sql -e "SHOW MASTER STATUS" | cut -f1; }

# SQL expressions of the row with id `seq` (the column of the SEQUENCE engine).
bulk_row_values() {
  local w="ELT(1 + seq % 12, 'alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima')"
  echo "seq, 1000000 + (seq * 7919) % 5000000,
    CONCAT($w, ' ', ELT(1 + (seq DIV 12) % 12, 'alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima'), ' #', seq % 977),
    (seq * 104729 % 10000000) / 100 - IF(seq % 17 = 0, 200000, 0),
    TIMESTAMP('2020-01-01 00:00:00') + INTERVAL (seq * 7907) % 189216000 SECOND + INTERVAL (seq * 31) % 1000000 MICROSECOND,
    (seq % 1000000) / 997.0,
    IF(seq % 10 = 3, NULL, CONCAT('order ', seq, ' for customer ', seq % 977, ': deliver to ', $w, ' ', seq % 1000)),
    1 + seq % 4, FROM_UNIXTIME(1700000000 + (seq * 13) % 60000000),
    JSON_OBJECT('channel', $w, 'items', seq % 20, 'gift', seq % 2 = 1)"
}

# One INSERT with literal values per line, as an application sends them, for ids FROM..TO.
single_row_inserts() {
  awk -v from="$1" -v to="$2" 'BEGIN {
    split("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima", w, " ")
    split("new paid shipped cancelled", st, " ")
    for (s = from; s <= to; s++) {
      a = w[1 + s % 12]
      cents = (s * 104729) % 10000000 - (s % 17 == 0 ? 20000000 : 0)
      note = s % 10 == 3 ? "NULL" : sprintf("\047order %d for customer %d: deliver to %s %d\047", s, s % 977, a, s % 1000)
      printf "INSERT INTO orders VALUES (%d, %d, \047%s %s #%d\047, %.2f, \047%04d-%02d-%02d %02d:%02d:%02d.%06d\047, %.10g, %s, \047%s\047, \047%04d-%02d-%02d %02d:%02d:%02d\047, \047{\"channel\": \"%s\", \"items\": %d, \"gift\": %s}\047);\n",
        s, 1000000 + (s * 7919) % 5000000, a, w[1 + int(s / 12) % 12], s % 977, cents / 100,
        2020 + s % 6, 1 + s % 12, 1 + s % 28, s % 24, (s * 7) % 60, (s * 13) % 60, (s * 31) % 1000000,
        (s % 1000000) / 997.0, note, st[1 + s % 4],
        2023 + s % 3, 1 + (s * 5) % 12, 1 + (s * 3) % 28, (s * 11) % 24, (s * 17) % 60, (s * 19) % 60,
        a, s % 20, s % 2 ? "true" : "false"
    }
  }'
}

generate() {
  log "binlog_decode: generating $SINGLE_ROWS single-row transactions and $WIDE_ROWS bulk rows"
  start_server
  local t0=$SECONDS
  sql <<'SQL'
-- Bench data only: commits need not reach the disk one by one.
SET GLOBAL innodb_flush_log_at_trx_commit = 2;
SET GLOBAL sync_binlog = 0;
DROP DATABASE IF EXISTS bench;
RESET MASTER;
CREATE DATABASE bench;
CREATE TABLE bench.orders (
  id INT NOT NULL PRIMARY KEY,
  customer_id BIGINT UNSIGNED,
  customer VARCHAR(64),
  amount DECIMAL(12,2),
  created_at DATETIME(6),
  score DOUBLE,
  note TEXT,
  status ENUM('new','paid','shipped','cancelled'),
  updated_at TIMESTAMP NULL,
  attrs JSON
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
FLUSH BINARY LOGS;
SQL
  local single_file wide_file
  single_file=$(current_binlog)
  # One autocommit INSERT per transaction, each its own statement from the client.
  { echo "USE bench;"; single_row_inserts $((WIDE_ROWS + 1)) $((WIDE_ROWS + SINGLE_ROWS));
    echo "FLUSH BINARY LOGS;"; } | sql
  wide_file=$(current_binlog)
  local from=1 to
  {
    echo "USE bench;"
    while [ "$from" -le "$WIDE_ROWS" ]; do
      to=$((from + WIDE_TXN_ROWS - 1))
      echo "INSERT INTO orders SELECT $(bulk_row_values) FROM seq_${from}_to_${to};"
      from=$((to + 1))
    done
    echo "FLUSH BINARY LOGS;"
  } | sql
  local count
  count=$(sql -e "SELECT COUNT(*) FROM bench.orders")
  [ "$count" = $((WIDE_ROWS + SINGLE_ROWS)) ] || die "bench.orders has $count rows"
  mkdir -p "$DATA"
  cp "$SERVER_BINLOGS/$single_file" "$DATA/single_row_txns.bin"
  cp "$SERVER_BINLOGS/$wide_file" "$DATA/wide_rows.bin"
  cat > "$DATA/files.env" <<ENV
# Written by bench/e2e/binlog_decode.sh: the server binlogs the copies came from.
SINGLE_FILE=$single_file
WIDE_FILE=$wide_file
SINGLE_ROWS=$SINGLE_ROWS
WIDE_ROWS=$WIDE_ROWS
ENV
  log "binlog_decode: generated in $((SECONDS - t0)) s: $(du -h "$DATA/wide_rows.bin" | cut -f1) wide_rows.bin ($wide_file), $(du -h "$DATA/single_row_txns.bin" | cut -f1) single_row_txns.bin ($single_file)"
}

build_tributary() {
  if [ -n "${TRIBUTARY_BIN:-}" ]; then
    [ -x "$TRIBUTARY" ] || die "TRIBUTARY_BIN=$TRIBUTARY is not an executable"
    return
  fi
  [ -f "$ROOT/build/rel/build.ninja" ] ||
    die "build/rel is not configured: run scripts/test.sh once, or set TRIBUTARY_BIN"
  if ! cmake --build "$ROOT/build/rel" --target tributary >&2; then
    [ -x "$TRIBUTARY" ] || die "cannot build tributary"
    log "binlog_decode: warning: building tributary failed; timing the existing binary"
  fi
}

# best_of COMMAND...: runs COMMAND $REPEAT times (stdout to /dev/null); prints the
# fastest wall time in seconds. Fails when the command does.
best_of() {
  local best="" i start end t
  for ((i = 0; i < REPEAT; i++)); do
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$DATA/last.err" || { cat "$DATA/last.err" >&2; return 1; }
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%.3f\n' "$best"
}

mariadb_binlog() { mariadb-binlog -v --base64-output=decode-rows "$1"; }
tributary_quiet() { "$TRIBUTARY" binlog -q --file "$1"; }
tributary_json() { "$TRIBUTARY" binlog --file "$1"; }
tributary_live() {
  BENCH_CDC_PASSWORD=cdc "$TRIBUTARY" binlog -q --host 127.0.0.1 --port 3399 --user cdc \
    --password-env BENCH_CDC_PASSWORD --ssl-mode disabled --server-id 90009 --from "$1:4"
}

ROWS_TABLE=()
row() {  # workload tool rows seconds baseline_seconds
  local rate ratio
  rate=$(echo "$3 / $4" | bc -l)
  ratio=$(echo "$5 / $4" | bc -l)
  ROWS_TABLE+=("$(printf '%-16s %-46s %9d %9.3f %12.0f %8.2fx' "$1" "$2" "$3" "$4" "$rate" "$ratio")")
}

if [ ! -f "$DATA/files.env" ] || [ ! -f "$DATA/wide_rows.bin" ] || [ ! -f "$DATA/single_row_txns.bin" ]; then
  generate
else
  log "binlog_decode: reusing the binlogs in $DATA"
fi
# shellcheck source=/dev/null
source "$DATA/files.env"
build_tributary
"$TRIBUTARY" version >&2 || true
mariadb-binlog --version >&2

LIVE=0
if "$TRIBUTARY" binlog --help 2>/dev/null | grep -q -- '--host'; then
  if [ -f "$SERVER_BINLOGS/$WIDE_FILE" ] && cmp -s "$SERVER_BINLOGS/$WIDE_FILE" "$DATA/wide_rows.bin"; then
    start_server
    LIVE=1
  else
    log "binlog_decode: live stream skipped: the server no longer has $WIDE_FILE (delete $DATA to regenerate)"
  fi
else
  log "binlog_decode: live stream skipped: this tributary has no 'binlog --host'"
fi

for workload in wide_rows single_row_txns; do
  file="$DATA/$workload.bin"
  rows=$WIDE_ROWS
  [ "$workload" = single_row_txns ] && rows=$SINGLE_ROWS
  cat "$file" >/dev/null  # warm the page cache
  log "binlog_decode: timing $workload (best of $REPEAT)"
  base=$(best_of mariadb_binlog "$file") || die "mariadb-binlog failed on $file"
  quiet=$(best_of tributary_quiet "$file") || die "tributary binlog -q failed on $file"
  json=$(best_of tributary_json "$file") || die "tributary binlog failed on $file"
  row "$workload" "mariadb-binlog -v --base64-output=decode-rows" "$rows" "$base" "$base"
  row "$workload" "tributary binlog -q" "$rows" "$quiet" "$base"
  row "$workload" "tributary binlog (JSON to /dev/null)" "$rows" "$json" "$base"
  if [ "$LIVE" = 1 ] && [ "$workload" = wide_rows ]; then
    live=$(best_of tributary_live "$WIDE_FILE") || die "tributary binlog --host failed"
    row "$workload" "tributary binlog -q --host (live stream)" "$rows" "$live" "$base"
  fi
done

printf '\n%-16s %-46s %9s %9s %12s %9s\n' workload tool rows seconds rows/s "vs mdb"
printf '%s\n' "${ROWS_TABLE[@]}"
printf '\n(%s cores; %s; best of %s runs; "vs mdb" = mariadb-binlog time / this time)\n' \
  "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$REPEAT"
