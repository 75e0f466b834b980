"""Snapshot settings that steer the load on the source (issue 6), end to end against the
real MariaDB and Kafka: snapshot.fetch.size (rows per chunk query), snapshot.delay.ms,
the lock method's FLUSH TABLES WITH READ LOCK behind another client's long query
(snapshot.lock.timeout.ms, stop without hanging, parallel readers) and
snapshot.locking.mode=extended (writes blocked for the whole snapshot).

The tests that take FLUSH TABLES WITH READ LOCK and keep it waiting or held run on a
MariaDB instance of their own (own_mariadb): on the shared server they would block every
other test's writes.
"""
import re
import signal
import threading
import time

import pymysql
import pytest

from conftest import Connector, admin_sql, decode, env, read_topic, unique, workspace  # noqa: F401
from test_snapshot import (DONE_LOG, fill, own_mariadb, snap_config, sql_rows,  # noqa: F401
                           stored_offset, wait_for, wait_snapshot_done, wait_snapshot_started,
                           watch)


class TotalsSeen(threading.Thread):
    """Every `tributary_snapshot.total` the stored offset shows (sampled every 5 ms)."""

    def __init__(self, cfg):
        super().__init__(daemon=True)
        self.cfg, self.totals, self.halt = cfg, set(), threading.Event()
        self.start()

    def run(self):
        while not self.halt.is_set():
            off = stored_offset(self.cfg)
            if off and off.get("tributary_snapshot"):
                self.totals.add(off["tributary_snapshot"].get("total", 0))
            time.sleep(0.005)


@pytest.mark.parametrize("threads", [1, 2])
def test_fetch_size_caps_the_rows_of_each_chunk(tributary_bin, tmp_path, workspace, watch, threads):
    """snapshot.fetch.size=700: every chunk (one query, its offset stored after it) has at
    most 700 rows — the stored totals step by 700 — where the default would read the
    whole 6000-row table in one chunk."""
    db = prefix = workspace
    rows, fetch = 6000, 700
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.fetch.size": fetch,
                                               "snapshot.max.threads": threads,
                                               # slow enough for the offset file to show
                                               # each chunk
                                               "snapshot.max.rows.per.second": 4000})
    watcher = watch(cfg)
    seen = TotalsSeen(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_done(conn, cfg, watcher, timeout=120)
    seen.halt.set()
    totals = sorted(t for t in seen.totals if t > 0)
    assert len(totals) >= 4, totals
    assert all(t % fetch == 0 for t in totals), totals  # chunk ends only
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=60)
    assert {decode(m)[0]["id"] for m in records} == set(range(1, rows + 1))
    print(f"fetch.size {fetch}, {threads} thread(s): stored totals {totals}")
    assert conn.stop() == 0


def test_delay_waits_before_the_snapshot_and_a_stop_ends_the_wait(tributary_bin, tmp_path,
                                                                  workspace, watch):
    db = prefix = workspace
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "t", 500)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.delay.ms": 4000})
    watcher = watch(cfg)
    started = time.time()
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_for("the delay to start", lambda: "snapshot.delay.ms: waiting 4000 ms" in conn.stderr(),
             conn, timeout=60)
    time.sleep(max(0.0, started + 2.5 - time.time()))
    assert not DONE_LOG.search(conn.stderr())
    off = stored_offset(cfg)
    assert not (off and off.get("tributary_snapshot", {}).get("total", 0) > 0), off
    wait_snapshot_done(conn, cfg, watcher, timeout=60)
    m = re.search(r"snapshot complete", conn.stderr())
    assert m and time.time() - started >= 4.0
    read_topic(f"{prefix}.{db}.t", expect=500, timeout=60)
    assert conn.stop() == 0

    # A stop during a long delay ends it at once.
    cfg2 = snap_config(db, prefix + "b", tmp_path, **{"snapshot.delay.ms": 600000})
    conn2 = Connector(tributary_bin, tmp_path, unique("c"), cfg2).start()
    wait_for("the delay to start", lambda: "snapshot.delay.ms: waiting" in conn2.stderr(), conn2,
             timeout=60)
    t = time.time()
    assert conn2.stop(signal.SIGTERM, timeout=20) == 0
    assert time.time() - t < 5


def private_sql(port, sql, db=None, lock_wait_timeout=None):
    c = pymysql.connect(host=env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"), port=port, user="admin",
                        password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"), database=db,
                        autocommit=True)
    try:
        with c.cursor() as cur:
            if lock_wait_timeout is not None:
                cur.execute(f"SET SESSION lock_wait_timeout = {lock_wait_timeout}")
            cur.execute(sql)
            return cur.fetchall()
    finally:
        c.close()


class TableWriteLock(threading.Thread):
    """Another client holding LOCK TABLES t WRITE until released (or `seconds`): FLUSH
    TABLES WITH READ LOCK waits for it (MariaDB's FTWRL does not wait for running
    SELECTs; MySQL's does), so do SELECTs on t."""

    def __init__(self, port, db, seconds):
        super().__init__(daemon=True)
        self.port, self.db, self.seconds = port, db, seconds
        self.held, self.release = threading.Event(), threading.Event()
        self.start()

    def run(self):
        c = pymysql.connect(host=env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"), port=self.port,
                            user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                            database=self.db, autocommit=True)
        try:
            with c.cursor() as cur:
                cur.execute("LOCK TABLES t WRITE")
                self.held.set()
                self.release.wait(self.seconds)
                cur.execute("UNLOCK TABLES")
        finally:
            c.close()


def ours_waiting(port):
    """The connector's sessions (user cdc) the server keeps waiting for a lock."""
    rows = sql_rows("SHOW FULL PROCESSLIST", port=port)
    return [r for r in rows if r.get("User") == "cdc" and "Waiting" in (r.get("State") or "")]


def test_lock_method_behind_another_lock_stops_promptly_and_times_out(tributary_bin, tmp_path,
                                                                      own_mariadb, watch):
    """The lock method with 2 readers. Another client holds the table (LOCK TABLES WRITE,
    as a long DDL or backup would): the connector's next FLUSH TABLES WITH READ LOCK (or
    SELECT) waits for it in the server, where no stop token reaches. A stop then ends the
    wait (KILL QUERY) instead of hanging until the other client lets go; and with a short
    snapshot.lock.timeout.ms the lock gives up and the connector stops naming the
    setting."""
    port = own_mariadb
    db = prefix = unique("snaplock")
    admin_sql([f"CREATE DATABASE {db}"], port=port)
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               "INSERT INTO t SELECT seq, seq, CONCAT('row ', seq) FROM seq_1_to_40000"],
              db=db, port=port)
    cfg = snap_config(db, prefix, tmp_path, **{
        "database.port": port, "tributary.snapshot.method": "lock", "snapshot.max.threads": 2,
        "incremental.snapshot.chunk.size": 1000, "snapshot.max.rows.per.second": 5000,
        "snapshot.lock.timeout.ms": 120000,
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(tmp_path / "history.jsonl")})
    cfg.pop("schema.history.internal.kafka.topic")
    name = unique("c")
    watch(cfg)
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    wait_snapshot_started(conn, cfg)
    blocker = TableWriteLock(port, db, 120)
    try:
        assert blocker.held.wait(30), "LOCK TABLES t WRITE was not granted"
        waiting = wait_for("a connector session waiting behind the table lock",
                           lambda: ours_waiting(port), conn, timeout=30, interval=0.05)
        print("waiting:", [(r["Id"], r["State"], (r["Info"] or "")[:40]) for r in waiting])
        time.sleep(0.5)
        t = time.time()
        assert conn.stop(signal.SIGTERM, timeout=60) == 0
        stop_seconds = time.time() - t
        assert stop_seconds < 10, stop_seconds
        assert "reader threads read chunks ahead" in conn.stderr()
        wait_for("the connector's sessions gone", lambda: not ours_waiting(port), timeout=10)

        # The same with a short lock timeout: the connector gives up by itself.
        cfg["snapshot.lock.timeout.ms"] = "2000"
        conn = Connector(tributary_bin, tmp_path, name, cfg)
        conn.start()
        t = time.time()
        rc = conn.wait_exit(timeout=90)
        exit_seconds = time.time() - t
        err = conn.stderr()
        assert rc != 0, err[-2000:]
        assert "snapshot.lock.timeout.ms" in err, err[-3000:]
        assert exit_seconds < 45
        assert not blocker.release.is_set() and blocker.is_alive()  # the lock was still held
        print(f"stop behind a table lock: {stop_seconds:.2f} s; lock timeout 2 s: exit after "
              f"{exit_seconds:.1f} s")
    finally:
        blocker.release.set()
        blocker.join(timeout=10)


def test_extended_locking_blocks_writes_until_the_snapshot_ends(tributary_bin, tmp_path,
                                                                 own_mariadb, watch):
    port = own_mariadb
    db = prefix = unique("snapext")
    admin_sql([f"CREATE DATABASE {db}"], port=port)
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               "INSERT INTO t SELECT seq, seq, CONCAT('row ', seq) FROM seq_1_to_20000"],
              db=db, port=port)
    cfg = snap_config(db, prefix, tmp_path, **{
        "database.port": port, "snapshot.locking.mode": "extended",
        "incremental.snapshot.chunk.size": 2000, "snapshot.max.rows.per.second": 5000,
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(tmp_path / "history.jsonl")})
    cfg.pop("schema.history.internal.kafka.topic")
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_started(conn, cfg)
    with pytest.raises(pymysql.MySQLError) as blocked:
        private_sql(port, "INSERT INTO t VALUES (30001, 1, 'during')", db=db, lock_wait_timeout=1)
    assert blocked.value.args[0] == 1205, blocked.value  # lock wait timeout: writes blocked
    wait_snapshot_done(conn, cfg, watcher, timeout=120)
    err = conn.stderr()
    assert "FLUSH TABLES WITH READ LOCK held until the snapshot ends" in err, err[-2000:]
    assert "global read lock released" in err
    private_sql(port, "INSERT INTO t VALUES (30002, 2, 'after')", db=db, lock_wait_timeout=5)
    records, _ = read_topic(f"{prefix}.{db}.t", expect=20001, timeout=60)
    ids = [decode(m)[0]["id"] for m in records]
    assert set(ids) == set(range(1, 20001)) | {30002}, len(ids)
    assert 30001 not in ids
    assert conn.stop() == 0
