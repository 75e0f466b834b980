#!/usr/bin/env bash
# S3-compatible server for tests and the quickstart (MinIO, which verifies SigV4
# signatures): scripts/services/s3.sh start|stop|restart|status|reset
#
# MinIO is built once with Go from the Go module proxy at the pinned version below and
# cached in $TRIBUTARY_CACHE/minio-<version>/minio (a build takes ~3 min on 2 cores).
#
# Environment (defaults): TRIBUTARY_S3_PORT=9000, TRIBUTARY_S3_ACCESS_KEY=tributary,
# TRIBUTARY_S3_SECRET_KEY=tributary-secret, TRIBUTARY_S3_BUCKET=tributary-lake (made at start).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# MinIO has no semver tags; this is its module version of 2026-02-12.
MINIO_MODULE="github.com/minio/minio"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
NAME=s3
PORT="${TRIBUTARY_S3_PORT:-9000}"
ACCESS_KEY="${TRIBUTARY_S3_ACCESS_KEY:-tributary}"
SECRET_KEY="${TRIBUTARY_S3_SECRET_KEY:-tributary-secret}"
BUCKET="${TRIBUTARY_S3_BUCKET:-tributary-lake}"
BIN_DIR="$TRIBUTARY_CACHE/minio-$MINIO_VERSION"
BIN="$BIN_DIR/minio"
DIR="$TRIBUTARY_SERVICES_DIR/$NAME"
LOG="$DIR/$NAME.log"
PATTERN="minio server --address 127.0.0.1:$PORT"

build_minio() {
  [ -x "$BIN" ] && return 0
  command -v go >/dev/null || die "s3: Go is needed to build MinIO once (go not found on PATH)"
  log "s3: building MinIO $MINIO_VERSION with $(go version | cut -d' ' -f3) (once; cached in $BIN_DIR)"
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "$MINIO_MODULE@$MINIO_VERSION" >&2 ||
    die "s3: building MinIO failed"
}

start() {
  if svc_alive "$NAME" "$PATTERN"; then
    log "s3: already running (pid $(svc_pid "$NAME"), port $PORT)"
    return 0
  fi
  port_open "$PORT" && die "s3: port $PORT is taken by another process; set TRIBUTARY_S3_PORT"
  build_minio
  mkdir -p "$DIR/data"
  local started_at=$SECONDS
  MINIO_ROOT_USER="$ACCESS_KEY" MINIO_ROOT_PASSWORD="$SECRET_KEY" MINIO_BROWSER=off \
    MINIO_UPDATE=off MINIO_CI_CD=1 \
    svc_spawn "$NAME" "$LOG" "$BIN" server --address "127.0.0.1:$PORT" --quiet "$DIR/data"
  ready() {
    svc_alive "$NAME" "$PATTERN" || return 2
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/minio/health/ready"
  }
  if ! wait_until 60 "s3 to start" ready; then
    tail -n 30 "$LOG" >&2
    die "s3 did not start; see $LOG"
  fi
  # Make the default bucket with a signed request (curl's SigV4 support).
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$ACCESS_KEY:$SECRET_KEY" "http://127.0.0.1:$PORT/$BUCKET")
  case "$code" in 200|409) ;; *) die "s3: could not create bucket $BUCKET (HTTP $code)";; esac
  log "s3: ready on http://127.0.0.1:$PORT in $((SECONDS - started_at))s (MinIO, bucket $BUCKET, pid $(svc_pid "$NAME"), log $LOG)"
}

case "${1:-}" in
  start) start ;;
  stop) svc_stop "$NAME" "$PATTERN" ;;
  restart) svc_stop "$NAME" "$PATTERN"; start ;;
  status) svc_status "$NAME" "$PATTERN" "$PORT" ;;
  reset) svc_stop "$NAME" "$PATTERN"; rm -rf "$DIR"; log "s3: data removed" ;;
  build) build_minio ;;
  *) echo "usage: $0 start|stop|restart|status|reset|build" >&2; exit 2 ;;
esac
