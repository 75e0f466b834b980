"""The README's first command keeps working (services are already up: start is idempotent)."""

import subprocess

from conftest import ROOT


def test_quickstart_runs_the_pipeline_end_to_end():
    r = subprocess.run(["bash", str(ROOT / "scripts/quickstart.sh")], capture_output=True,
                       text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "configuration OK (2 connectors); dry run, nothing started" in r.stdout
    # The pipeline: this run's changes in Kafka as Debezium events, then in S3 objects.
    assert "kafka tributary.inventory.orders op=c" in r.stdout
    assert "kafka tributary.inventory.customers op=u" in r.stdout
    assert "s3://tributary-lake/topics/tributary.inventory.orders/partition=0/tributary.inventory.orders+0+" in r.stdout
    assert "s3://tributary-lake/topics/tributary.inventory.customers/partition=0/" in r.stdout
    assert "Done: changes made in MariaDB went through" in r.stdout
    assert "customers\n4" in r.stdout
    # The binlog reader streamed this run's changes from the live server.
    assert "WRITE_ROWS_V1   inventory.orders gtid 0-1-" in r.stdout
    assert "UPDATE_ROWS_V1  inventory.customers" in r.stdout and "sally+" in r.stdout
