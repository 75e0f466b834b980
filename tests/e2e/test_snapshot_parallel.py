"""Parallel snapshot readers (snapshot.max.threads > 1, issue 6) end to end, against the
real MariaDB and Kafka: worker connections read chunks ahead in their own consistent
views, the connector emits them in chunk order (docs/architecture.md, "Snapshots").

Judged as in test_snapshot.py: the table rebuilt from the topic alone equals SELECT * at
the end, under a concurrent write workload with primary-key changes; kill -9 in the middle
resumes from the stored chunk without losing a row; a reader's failure is reported, and
never hangs the connector or loses a chunk. The whole of test_snapshot.py also runs with
threads: TRIBUTARY_TEST_SNAPSHOT_THREADS=4 pytest tests/e2e/test_snapshot.py.
"""
import re
import signal
import time

import pytest

from conftest import Connector, admin_sql, decode, payload, read_topic, unique, workspace  # noqa: F401
from test_snapshot import (SNAPSHOT_MARKERS, Workload, assert_same_state, fill,  # noqa: F401
                           kill_9_during_snapshot, rebuild,
                           snap_config, snapshot_marker, snapshot_running, stored_offset,
                           table_state, wait_caught_up, wait_for, wait_snapshot_done,
                           wait_snapshot_started, watch)

READ_AHEAD_LOG = "reader threads read chunks ahead"


@pytest.mark.parametrize("method", ["view", "lock"])
def test_parallel_snapshot_under_concurrent_writes_equals_the_table(tributary_bin, tmp_path,
                                                                     workspace, watch, method):
    db = prefix = workspace
    rows = 40000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               # A composite string key too: its chunk ranges are closed key ranges.
               "CREATE TABLE c (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))",
               "INSERT INTO c SELECT seq DIV 9, CONCAT('k', seq MOD 9, IF(seq MOD 2, 'X', 'y')),"
               " seq FROM seq_1_to_5000"], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.max.threads": 4,
                                               "incremental.snapshot.chunk.size": 500,
                                               "tributary.snapshot.method": method})
    workload = Workload(db, "t", range(1, rows + 1), rows + 1)
    workload.start()
    time.sleep(0.3)
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_done(conn, cfg, watcher, timeout=180)
    during = sum(workload.counts.values())
    conn.wait_streaming()
    time.sleep(1.0)
    changes = workload.finish()
    admin_sql(["UPDATE c SET v = -v WHERE a % 50 = 0", "DELETE FROM c WHERE a = 7"], db=db)
    wait_caught_up(conn, cfg, db)
    assert READ_AHEAD_LOG in conn.stderr()
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=120)
    state, ops = rebuild(records)
    assert_same_state(state, table_state(db, "t", ["id"]), f"parallel snapshot ({method})")
    assert ops.get("r", 0) >= rows * 0.5, ops
    assert changes > 200 and during > 50, (changes, during)
    crecords, _ = read_topic(f"{prefix}.{db}.c", expect=5000, timeout=60)
    cstate, cops = rebuild(crecords)
    assert_same_state(cstate, table_state(db, "c", ["a", "b"]), "composite key, parallel")
    assert cops.get("r") == 5000, cops  # each row exactly once: ranges neither overlap nor gap
    # Markers as with one reader: one first, one last, the tables' ends in between.
    markers = [snapshot_marker(m) for m in records + crecords]
    assert {x for x in markers if x is not None} <= SNAPSHOT_MARKERS | {"false"}, set(markers)
    assert markers.count("first") == 1 and markers.count("last") == 1, (
        markers.count("first"), markers.count("last"))
    assert markers.count("last_in_data_collection") + markers.count("first_in_data_collection") == 2
    for m in records:
        _, v = decode(m)
        if v is not None and payload(v)["op"] in ("c", "u", "d"):
            assert payload(v)["source"]["snapshot"] == "false"
    print(f"parallel snapshot ({method}) under writes: {ops}, workload {workload.counts}")
    assert conn.stop() == 0


def test_parallel_kill_9_mid_snapshot_resumes_from_the_last_chunk(tributary_bin, tmp_path,
                                                                   workspace, watch):
    def read_ahead_ran(conn):
        assert READ_AHEAD_LOG in conn.stderr()

    # Read-ahead keeps at most two emitted chunks unacknowledged: a kill repeats those.
    kill_9_during_snapshot(tributary_bin, tmp_path, workspace, watch, seed=5, unacked_chunks=2,
                           extra={"snapshot.max.threads": 4}, label="parallel kill -9",
                           each_run=read_ahead_ran)


def test_parallel_table_dropped_mid_snapshot_is_skipped_and_the_rest_read(tributary_bin, tmp_path,
                                                                           workspace, watch):
    """A reader whose table disappears under it: the failure is logged, the chunk is read
    again on the connector's thread (which sees the DROP in the binlog and skips the
    table, as with one reader), and the next table is read in full."""
    db = prefix = workspace
    admin_sql(["CREATE TABLE a_big (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               "CREATE TABLE b_after (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "a_big", 300000)
    fill(db, "b_after", 3000)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.max.threads": 4,
                                               "incremental.snapshot.chunk.size": 1000,
                                               "table.include.list": f"{db}.a_big,{db}.b_after",
                                               # slow enough to drop the table mid-read
                                               "snapshot.max.rows.per.second": 60000})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_started(conn, cfg, above=5000)
    admin_sql(["DROP TABLE a_big"], db=db)
    wait_snapshot_done(conn, cfg, watcher, timeout=180)
    err = conn.stderr()
    assert READ_AHEAD_LOG in err
    assert "a_big has no known schema (dropped?); skipped" in err, err[-3000:]
    records, _ = read_topic(f"{prefix}.{db}.b_after", expect=3000, timeout=60)
    state, ops = rebuild(records)
    assert_same_state(state, table_state(db, "b_after", ["id"]), "the table after the dropped one")
    assert conn.proc.poll() is None, "the connector goes on streaming"
    assert conn.stop() == 0


def test_parallel_reader_error_stops_the_connector_with_the_table_named(tributary_bin, tmp_path,
                                                                         workspace):
    """A failure that persists (here a select override the server refuses) stops the
    connector with the table and the server's message, like one reader, without hanging."""
    db = prefix = workspace
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT)"], db=db)
    fill(db, "t", 5000, cols="seq, seq")
    cfg = snap_config(db, prefix, tmp_path, **{
        "snapshot.max.threads": 4,
        "snapshot.select.statement.overrides": f"{db}.t",
        f"snapshot.select.statement.overrides.{db}.t": f"SELECT * FROM {db}.t WHERE no_such_column > 0",
    })
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    t = time.time()
    rc = conn.wait_exit(timeout=90)
    err = conn.stderr()
    assert rc != 0, err[-2000:]
    assert time.time() - t < 60
    assert "no_such_column" in err and f"{db}.t" in err, err[-2000:]
    assert "reader thread" in err, err[-2000:]  # the worker's failure was reported first


def test_parallel_rate_cap_and_stop_mid_snapshot(tributary_bin, tmp_path, workspace, watch):
    """snapshot.max.rows.per.second holds across the readers together; SIGTERM in the
    middle stops the connector promptly (readers joined, exit 0) and a restart finishes
    the snapshot from the stored chunk with every row."""
    db = prefix = workspace
    rows, cap = 24000, 4000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.max.threads": 4,
                                               "incremental.snapshot.chunk.size": 2048,
                                               "snapshot.max.rows.per.second": cap})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    started = time.time()
    wait_snapshot_started(conn, cfg)
    time.sleep(1.0)
    t = time.time()
    assert conn.stop(signal.SIGTERM, timeout=20) == 0
    stop_seconds = time.time() - t
    err = conn.stderr()
    assert READ_AHEAD_LOG in err and "source stopped" in err, err[-2000:]
    stopped_at = stored_offset(cfg)["tributary_snapshot"]["total"]
    elapsed = time.time() - started
    # Rows sent before the stop: no more than the cap allows (plus one chunk per reader of
    # slack: the bucket is checked every 1024 rows).
    assert stopped_at <= cap * elapsed + 4 * 2048, (stopped_at, elapsed)
    assert stop_seconds < 5, stop_seconds
    conn.start()
    wait_snapshot_done(conn, cfg, watcher, timeout=120)
    m = re.search(r"snapshot complete: (\d+) rows of \d+ tables in ([\d.]+) s", conn.stderr())
    assert m, conn.stderr()[-2000:]
    total, seconds = int(m.group(1)), float(m.group(2))
    left = rows - stopped_at
    assert total == rows, (total, rows)  # counted across the restart, nothing twice
    assert seconds >= (left - 4 * 2048) / cap, (left, seconds)  # the cap held after the restart
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=60)
    ids = {decode(m)[0]["id"] for m in records}
    assert ids == set(range(1, rows + 1)), len(ids)
    print(f"rate cap {cap}/s with 4 readers: {stopped_at} rows before SIGTERM after "
          f"{elapsed:.1f} s, stopped in {stop_seconds:.2f} s; the remaining {left} rows in "
          f"{seconds:.1f} s")
    assert conn.stop() == 0
