"""The three ways a snapshot chunk is made consistent with the binlog, each under a
concurrent write workload on the real MariaDB (docs/architecture.md, "Snapshots"):

- view: the binlog position of a consistent view (MariaDB's default, no lock);
- lock: the view opened under FLUSH TABLES WITH READ LOCK (MySQL's default);
- watermark: no lock, no view position — chunks between watermark rows written into the
  signal table (DBLog), or with read.only between the server's binlog positions.

MariaDB has all three, so the MySQL/RDS paths are exercised here too
(`tributary.snapshot.method` forces one). Each run must rebuild, from the topic alone, the
table exactly as SELECT * shows it at the end.
"""
import time

import pytest

from conftest import Connector, admin_sql, read_topic, unique, workspace  # noqa: F401
from test_snapshot import (Workload, assert_same_state, fill, rebuild, snap_config,  # noqa: F401
                           table_state, wait_caught_up, wait_snapshot_done, watch)


@pytest.mark.parametrize("method,extra", [
    ("lock", {}),
    ("watermark", {"signal.data.collection": "{db}.signals"}),
    ("watermark", {"read.only": "true"}),
], ids=["lock", "watermark-signal-table", "watermark-read-only"])
def test_snapshot_method_under_concurrent_writes(tributary_bin, tmp_path, workspace, watch,
                                                 method, extra):
    db = prefix = workspace
    rows = 12000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               "CREATE TABLE signals (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32), data TEXT)",
               f"GRANT INSERT ON `{db}`.`signals` TO 'cdc'@'%'"], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{
        "tributary.snapshot.method": method,
        "incremental.snapshot.chunk.size": 700,
        "table.include.list": f"{db}.t",
        **{k: v.format(db=db) for k, v in extra.items()}})
    workload = Workload(db, "t", range(1, rows + 1), rows + 1, seed=11)
    workload.start()
    time.sleep(0.3)
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("m"), cfg).start()
    wait_snapshot_done(conn, cfg, watcher)
    during = sum(workload.counts.values())
    time.sleep(0.5)
    changes = workload.finish()
    wait_caught_up(conn, cfg, db)
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=90)
    state, ops = rebuild(records)
    assert_same_state(state, table_state(db, "t", ["id"]), f"snapshot by {method} {extra}")
    print(f"{method} {extra}: {ops}, workload {workload.counts}")
    assert ops.get("r", 0) >= rows * 0.5, ops
    assert changes > 100 and during > 20, (changes, during)
    log = conn.stderr()
    assert "initial snapshot complete" in log, log[-2000:]
    assert conn.stop() == 0


def test_watermark_method_refuses_a_table_without_a_key(tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE nokey (x INT)", "INSERT INTO nokey VALUES (1), (2)"], db=db)
    cfg = snap_config(db, prefix, tmp_path, **{"tributary.snapshot.method": "watermark",
                                               "read.only": "true"})
    conn = Connector(tributary_bin, tmp_path, unique("m"), cfg).start()
    assert conn.wait_exit(timeout=60) == 1
    assert "has no primary key or NOT NULL unique key" in conn.stderr()


def test_watermark_method_without_signal_table_or_read_only_says_what_to_set(
        tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)"], db=db)
    cfg = snap_config(db, prefix, tmp_path, **{"tributary.snapshot.method": "watermark"})
    conn = Connector(tributary_bin, tmp_path, unique("m"), cfg).start()
    assert conn.wait_exit(timeout=60) == 1
    err = conn.stderr()
    assert "signal.data.collection" in err and "read.only=true" in err, err[-1500:]
