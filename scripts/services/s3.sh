#!/usr/bin/env bash
# S3-compatible server for tests and the quickstart (MinIO, which verifies SigV4
# signatures): scripts/services/s3.sh start|stop|restart|status|reset
#
# MinIO is built once with Go from the Go module proxy at the pinned version below and
# cached in $TRIBUTARY_CACHE/minio-<version>/minio (a build takes ~3 min on 2 cores).
#
# Environment (defaults): TRIBUTARY_S3_PORT=9000, TRIBUTARY_S3_ACCESS_KEY=tributary,
# TRIBUTARY_S3_SECRET_KEY=tributary-secret, TRIBUTARY_S3_BUCKET=tributary-lake (made at start),
# TRIBUTARY_S3_NAME=s3 (the folder under $TRIBUTARY_SERVICES_DIR: a second instance beside
# the default one gets its own name and port).
#
# TRIBUTARY_S3_TLS=1 serves HTTPS instead of HTTP (off by default): a CA and a server
# certificate for localhost / 127.0.0.1 are made with openssl at first start in
# $TRIBUTARY_SERVICES_DIR/<name>/tls; clients trust tls/ca-cert.pem (its path is printed at
# start). tests/e2e/test_sink_s3_tls.py starts such an instance of its own, e.g.
#   TRIBUTARY_SERVICES_DIR=/tmp/s3tls TRIBUTARY_S3_NAME=s3-tls TRIBUTARY_S3_PORT=19000 \
#   TRIBUTARY_S3_TLS=1 scripts/services/s3.sh start
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# MinIO has no semver tags; this is its module version of 2026-02-12.
MINIO_MODULE="github.com/minio/minio"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
NAME="${TRIBUTARY_S3_NAME:-s3}"
PORT="${TRIBUTARY_S3_PORT:-9000}"
TLS="${TRIBUTARY_S3_TLS:-}"
ACCESS_KEY="${TRIBUTARY_S3_ACCESS_KEY:-tributary}"
SECRET_KEY="${TRIBUTARY_S3_SECRET_KEY:-tributary-secret}"
BUCKET="${TRIBUTARY_S3_BUCKET:-tributary-lake}"
BIN_DIR="$TRIBUTARY_CACHE/minio-$MINIO_VERSION"
BIN="$BIN_DIR/minio"
DIR="$TRIBUTARY_SERVICES_DIR/$NAME"
LOG="$DIR/$NAME.log"
PATTERN="minio server --address 127.0.0.1:$PORT"
case "$TLS" in ""|0) TLS=""; SCHEME=http ;; 1) SCHEME=https ;;
  *) die "TRIBUTARY_S3_TLS must be 1 or empty, not '$TLS'" ;; esac

build_minio() {
  [ -x "$BIN" ] && return 0
  command -v go >/dev/null || die "s3: Go is needed to build MinIO once (go not found on PATH)"
  log "s3: building MinIO $MINIO_VERSION with $(go version | cut -d' ' -f3) (once; cached in $BIN_DIR)"
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "$MINIO_MODULE@$MINIO_VERSION" >&2 ||
    die "s3: building MinIO failed"
}

# A CA and a server certificate (localhost, 127.0.0.1), once per instance, where MinIO's
# --certs-dir wants them (public.crt, private.key).
make_certs() {
  local c="$DIR/tls"
  [ -f "$c/public.crt" ] && return 0
  command -v openssl >/dev/null || die "openssl not found"
  mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Tributary S3 test CA" \
    -keyout "$c/ca-key.pem" -out "$c/ca-cert.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$c/private.key" -out "$c/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$c/san.ext"
  openssl x509 -req -in "$c/server.csr" -CA "$c/ca-cert.pem" -CAkey "$c/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$c/san.ext" -out "$c/public.crt.tmp" 2>/dev/null
  mv "$c/public.crt.tmp" "$c/public.crt"
}

start() {
  if svc_alive "$NAME" "$PATTERN"; then
    log "$NAME: already running (pid $(svc_pid "$NAME"), port $PORT)"
    return 0
  fi
  port_open "$PORT" && die "$NAME: port $PORT is taken by another process; set TRIBUTARY_S3_PORT"
  build_minio
  mkdir -p "$DIR/data"
  local tls_args=() curl_tls=()
  if [ -n "$TLS" ]; then
    make_certs
    tls_args=(--certs-dir "$DIR/tls")
    curl_tls=(--cacert "$DIR/tls/ca-cert.pem")
  fi
  local started_at=$SECONDS
  MINIO_ROOT_USER="$ACCESS_KEY" MINIO_ROOT_PASSWORD="$SECRET_KEY" MINIO_BROWSER=off \
    MINIO_UPDATE=off MINIO_CI_CD=1 \
    svc_spawn "$NAME" "$LOG" "$BIN" server --address "127.0.0.1:$PORT" --quiet \
    "${tls_args[@]}" "$DIR/data"
  ready() {
    svc_alive "$NAME" "$PATTERN" || return 2
    curl -fs "${curl_tls[@]}" -o /dev/null "$SCHEME://127.0.0.1:$PORT/minio/health/ready"
  }
  if ! wait_until 60 "$NAME to start" ready; then
    tail -n 30 "$LOG" >&2
    die "$NAME did not start; see $LOG"
  fi
  # Make the default bucket with a signed request (curl's SigV4 support).
  local code
  code=$(curl -sS "${curl_tls[@]}" -o /dev/null -w '%{http_code}' -X PUT \
    --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    "$SCHEME://127.0.0.1:$PORT/$BUCKET")
  case "$code" in 200|409) ;; *) die "$NAME: could not create bucket $BUCKET (HTTP $code)";; esac
  log "$NAME: ready on $SCHEME://127.0.0.1:$PORT in $((SECONDS - started_at))s (MinIO, bucket $BUCKET, pid $(svc_pid "$NAME"), log $LOG)"
  if [ -n "$TLS" ]; then log "$NAME: CA certificate $DIR/tls/ca-cert.pem"; fi
}

case "${1:-}" in
  start) start ;;
  stop) svc_stop "$NAME" "$PATTERN" ;;
  restart) svc_stop "$NAME" "$PATTERN"; start ;;
  status) svc_status "$NAME" "$PATTERN" "$PORT" ;;
  reset) svc_stop "$NAME" "$PATTERN"; rm -rf "$DIR"; log "$NAME: data removed" ;;
  build) build_minio ;;
  *) echo "usage: $0 start|stop|restart|status|reset|build" >&2; exit 2 ;;
esac
