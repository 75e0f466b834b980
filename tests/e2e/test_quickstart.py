"""The README's first command keeps working (services are already up: start is idempotent)."""

import subprocess

from conftest import ROOT


def test_quickstart_runs_and_says_what_works():
    r = subprocess.run(["bash", str(ROOT / "scripts/quickstart.sh")], capture_output=True,
                       text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "configuration OK (2 connectors); dry run, nothing started" in r.stdout
    assert "this build does not publish to Kafka or S3 yet" in r.stdout
    assert "customers\n4" in r.stdout
    # The binlog reader streamed this run's changes from the live server.
    assert "WRITE_ROWS_V1   inventory.orders gtid 0-1-" in r.stdout
    assert "UPDATE_ROWS_V1  inventory.customers" in r.stdout and "sally+" in r.stdout
