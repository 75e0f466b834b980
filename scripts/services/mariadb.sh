#!/usr/bin/env bash
# MariaDB for tests and the quickstart: scripts/services/mariadb.sh start|stop|status|reset
#
# Started as `mariadbd --no-defaults` (no systemd, no /etc/mysql), listening on
# 127.0.0.1:$TRIBUTARY_MARIADB_PORT with the settings a CDC source needs: log_bin,
# binlog_format=ROW, binlog_row_image=FULL, binlog_checksum=CRC32, server_id 1, GTIDs
# (strict mode), a TLS certificate signed by a CA made at first start, and these users:
#   cdc / $TRIBUTARY_CDC_PASSWORD       the replication grants Debezium documents
#   cdc_tls / same password             the same, REQUIRE SSL
#   admin / $TRIBUTARY_ADMIN_PASSWORD   everything (tests use it to write data)
#
# Environment (defaults):
#   TRIBUTARY_MARIADB_NAME=mariadb          instance name: data in build/services/<name>
#   TRIBUTARY_MARIADB_PORT=3306
#   TRIBUTARY_MARIADB_ROW_METADATA=FULL     binlog_row_metadata: MINIMAL or FULL
#   TRIBUTARY_MARIADB_SERVER_ID=1
#   TRIBUTARY_MARIADB_LOG_BIN=ON            OFF starts without a binlog (to test that error)
# A second instance with minimal metadata, beside the default one:
#   TRIBUTARY_MARIADB_NAME=mariadb-minimal TRIBUTARY_MARIADB_PORT=3307 \
#   TRIBUTARY_MARIADB_ROW_METADATA=MINIMAL scripts/services/mariadb.sh start
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAME="${TRIBUTARY_MARIADB_NAME:-mariadb}"
PORT="${TRIBUTARY_MARIADB_PORT:-3306}"
META="${TRIBUTARY_MARIADB_ROW_METADATA:-FULL}"
SERVER_ID="${TRIBUTARY_MARIADB_SERVER_ID:-1}"
LOG_BIN="${TRIBUTARY_MARIADB_LOG_BIN:-ON}"
CDC_PASSWORD="${TRIBUTARY_CDC_PASSWORD:-cdc}"
ADMIN_PASSWORD="${TRIBUTARY_ADMIN_PASSWORD:-admin}"
DIR="$TRIBUTARY_SERVICES_DIR/$NAME"
SOCK="$DIR/mariadbd.sock"
LOG="$DIR/$NAME.log"
PATTERN="mariadbd.*--datadir=$DIR/data"

case "$META" in MINIMAL|FULL) ;; *) die "TRIBUTARY_MARIADB_ROW_METADATA must be MINIMAL or FULL, not '$META'";; esac
command -v mariadbd >/dev/null || die "mariadbd not found: run scripts/install-deps.sh"

make_certs() {
  local c="$DIR/tls"
  [ -f "$c/server-cert.pem" ] && return 0
  mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Tributary test CA" \
    -keyout "$c/ca-key.pem" -out "$c/ca-cert.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$c/server-key.pem" -out "$c/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$c/san.ext"
  openssl x509 -req -in "$c/server.csr" -CA "$c/ca-cert.pem" -CAkey "$c/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$c/san.ext" -out "$c/server-cert.pem" 2>/dev/null
}

sql_root() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }

start() {
  if svc_alive "$NAME" "$PATTERN"; then
    log "$NAME: already running (pid $(svc_pid "$NAME"), port $PORT)"
    return 0
  fi
  port_open "$PORT" && die "$NAME: port $PORT is taken by another process; set TRIBUTARY_MARIADB_PORT"
  mkdir -p "$DIR/binlog"
  make_certs
  if [ ! -d "$DIR/data/mysql" ]; then
    log "$NAME: initialising data folder $DIR/data"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$DIR/data" \
      --auth-root-authentication-method=socket --skip-test-db >>"$LOG" 2>&1 ||
      die "$NAME: mariadb-install-db failed; see $LOG"
  fi
  svc_spawn "$NAME" "$LOG" mariadbd --no-defaults --user="$(id -un)" \
    --datadir="$DIR/data" --socket="$SOCK" --pid-file="$DIR/mariadbd.pid" \
    --port="$PORT" --bind-address=127.0.0.1 --skip-name-resolve \
    --server-id="$SERVER_ID" $([ "$LOG_BIN" = OFF ] && echo --skip-log-bin || echo --log-bin="$DIR/binlog/mariadb-bin") --binlog-format=ROW \
    --binlog-row-image=FULL --binlog-checksum=CRC32 --binlog-row-metadata="$META" \
    --binlog-annotate-row-events=ON --gtid-strict-mode=ON --log-slave-updates=ON \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-allowed-packet=1G --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
    --ssl-ca="$DIR/tls/ca-cert.pem" --ssl-cert="$DIR/tls/server-cert.pem" \
    --ssl-key="$DIR/tls/server-key.pem"
  wait_until 60 "$NAME to accept connections" \
    mariadb-admin --no-defaults --socket="$SOCK" -uroot --connect-timeout=1 ping >/dev/null 2>&1 || {
    tail -n 30 "$LOG" >&2
    die "$NAME did not start; see $LOG"
  }
  sql_root <<SQL
CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY '$CDC_PASSWORD';
ALTER USER 'cdc'@'%' IDENTIFIED BY '$CDC_PASSWORD';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'cdc'@'%';
CREATE USER IF NOT EXISTS 'cdc_tls'@'%' IDENTIFIED BY '$CDC_PASSWORD' REQUIRE SSL;
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'cdc_tls'@'%';
CREATE USER IF NOT EXISTS 'admin'@'%' IDENTIFIED BY '$ADMIN_PASSWORD';
ALTER USER 'admin'@'%' IDENTIFIED BY '$ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  log "$NAME: ready on 127.0.0.1:$PORT (binlog_row_metadata=$META, pid $(svc_pid "$NAME"), log $LOG)"
}

case "${1:-}" in
  start) start ;;
  stop) svc_stop "$NAME" "$PATTERN" ;;
  restart) svc_stop "$NAME" "$PATTERN"; start ;;
  status) svc_status "$NAME" "$PATTERN" "$PORT" ;;
  reset) svc_stop "$NAME" "$PATTERN"; rm -rf "$DIR"; log "$NAME: data removed" ;;
  *) echo "usage: $0 start|stop|restart|status|reset" >&2; exit 2 ;;
esac
