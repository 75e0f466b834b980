# Shared helpers of the service scripts (sourced, not run).
#
# Every service keeps its data, log and pid under $TRIBUTARY_SERVICES_DIR/<name>
# (default build/services/<name>), listens on 127.0.0.1 only, and is stopped by its
# own pid. Downloads and builds that outlive a checkout (MinIO binary, Kafka jars,
# the Python venv) live in $TRIBUTARY_CACHE (default ~/.cache/tributary).

TRIBUTARY_ROOT="${TRIBUTARY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
TRIBUTARY_BUILD_DIR="${TRIBUTARY_BUILD_DIR:-$TRIBUTARY_ROOT/build}"
TRIBUTARY_SERVICES_DIR="${TRIBUTARY_SERVICES_DIR:-$TRIBUTARY_BUILD_DIR/services}"
TRIBUTARY_CACHE="${TRIBUTARY_CACHE:-$HOME/.cache/tributary}"

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# svc_pid NAME: the pid recorded for a service, or nothing.
svc_pid() { cat "$TRIBUTARY_SERVICES_DIR/$1/pid" 2>/dev/null || true; }

# svc_alive NAME PATTERN: true when the recorded pid runs and its command line
# matches PATTERN (so a recycled pid is not mistaken for the service).
svc_alive() {
  local pid
  pid=$(svc_pid "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s.
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out after ${limit}s waiting for $what"
      return 1
    fi
    sleep 0.5
  done
}

# svc_stop NAME PATTERN: TERM, wait up to 60 s, then KILL. Idempotent.
svc_stop() {
  local name=$1 pattern=$2 pid
  pid=$(svc_pid "$name")
  if ! svc_alive "$name" "$pattern"; then
    rm -f "$TRIBUTARY_SERVICES_DIR/$name/pid"
    log "$name: not running"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  if ! wait_until 60 "$name (pid $pid) to exit" bash -c "! kill -0 $pid 2>/dev/null"; then
    log "$name: sending SIGKILL to $pid"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$TRIBUTARY_SERVICES_DIR/$name/pid"
  log "$name: stopped"
}

# svc_status NAME PATTERN PORT: one line a person can read, exit 0 when running.
svc_status() {
  local name=$1 pattern=$2 port=$3 dir="$TRIBUTARY_SERVICES_DIR/$1"
  if svc_alive "$name" "$pattern"; then
    echo "$name: running, pid $(svc_pid "$name"), 127.0.0.1:$port, log $dir/$name.log"
  else
    echo "$name: stopped (log $dir/$name.log)"
    return 1
  fi
}

# Starts "$@" in the background with its output in LOG; records the pid under NAME.
svc_spawn() {
  local name=$1 logfile=$2; shift 2
  mkdir -p "$TRIBUTARY_SERVICES_DIR/$name"
  setsid "$@" >>"$logfile" 2>&1 < /dev/null &
  echo $! > "$TRIBUTARY_SERVICES_DIR/$name/pid"
}
