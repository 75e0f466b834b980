#!/usr/bin/env bash
# Makes (once) the Python venv of the test clients and prints its path.
# The venv lives in $TRIBUTARY_CACHE/venv-<hash of tests/requirements.txt>, so a change
# of the pinned versions makes a new one and an unchanged file reuses the old one.
set -euo pipefail
source "$(dirname "$0")/services/lib.sh"
REQ="$TRIBUTARY_ROOT/tests/requirements.txt"
HASH=$(sha256sum "$REQ" | cut -c1-12)
VENV="$TRIBUTARY_CACHE/venv-$HASH"
if [ ! -f "$VENV/.complete" ]; then
  log "python-env: creating $VENV"
  rm -rf "$VENV"
  mkdir -p "$TRIBUTARY_CACHE"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" >&2
  touch "$VENV/.complete"
fi
echo "$VENV"
