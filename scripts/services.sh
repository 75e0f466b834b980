#!/usr/bin/env bash
# All test services at once: scripts/services.sh start|stop|status|reset
# (MariaDB, the Kafka broker and the S3 server; each also has its own script in
# scripts/services/). `start` writes build/services/env.sh, which exports the
# endpoints and credentials the tests and the quickstart use.
set -euo pipefail
source "$(dirname "$0")/services/lib.sh"
S="$TRIBUTARY_ROOT/scripts/services"

write_env() {
  mkdir -p "$TRIBUTARY_SERVICES_DIR"
  cat > "$TRIBUTARY_SERVICES_DIR/env.sh" <<ENV
# Written by scripts/services.sh start: where the local services listen.
export TRIBUTARY_MARIADB_HOST=127.0.0.1
export TRIBUTARY_MARIADB_PORT=${TRIBUTARY_MARIADB_PORT:-3306}
export TRIBUTARY_MARIADB_SOCKET=$TRIBUTARY_SERVICES_DIR/${TRIBUTARY_MARIADB_NAME:-mariadb}/mariadbd.sock
export TRIBUTARY_MARIADB_CA=$TRIBUTARY_SERVICES_DIR/${TRIBUTARY_MARIADB_NAME:-mariadb}/tls/ca-cert.pem
export TRIBUTARY_CDC_PASSWORD=${TRIBUTARY_CDC_PASSWORD:-cdc}
export TRIBUTARY_ADMIN_PASSWORD=${TRIBUTARY_ADMIN_PASSWORD:-admin}
export TRIBUTARY_KAFKA_BOOTSTRAP=127.0.0.1:${TRIBUTARY_KAFKA_PORT:-9092}
export TRIBUTARY_S3_ENDPOINT=http://127.0.0.1:${TRIBUTARY_S3_PORT:-9000}
export TRIBUTARY_S3_BUCKET=${TRIBUTARY_S3_BUCKET:-tributary-lake}
export AWS_ACCESS_KEY_ID=${TRIBUTARY_S3_ACCESS_KEY:-tributary}
export AWS_SECRET_ACCESS_KEY=${TRIBUTARY_S3_SECRET_KEY:-tributary-secret}
export AWS_REGION=us-east-1
export TRIBUTARY_SERVICES_DIR=$TRIBUTARY_SERVICES_DIR
ENV
}

case "${1:-}" in
  start)
    "$S/mariadb.sh" start
    "$S/kafka.sh" start
    "$S/s3.sh" start
    write_env
    log "services: endpoints in $TRIBUTARY_SERVICES_DIR/env.sh (source it)"
    ;;
  stop) "$S/s3.sh" stop; "$S/kafka.sh" stop; "$S/mariadb.sh" stop ;;
  status)
    rc=0
    "$S/mariadb.sh" status || rc=1
    "$S/kafka.sh" status || rc=1
    "$S/s3.sh" status || rc=1
    exit $rc
    ;;
  reset) "$S/s3.sh" reset; "$S/kafka.sh" reset; "$S/mariadb.sh" reset ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
