"""Snapshots end to end (issue 6): `tributary run` with snapshot.mode initial / initial_only /
no_data / when_needed and incremental snapshots by signal, against the real MariaDB and
Kafka, judged by PyMySQL and an independent Kafka client (confluent-kafka).

The judge of consistency is the rebuild rule: apply a topic's records in partition order
per key (r / c / u = upsert `after`, d = delete, tombstone = ignore); once the connector
has caught up, the result equals `SELECT *`. "Caught up" is a fence: a row inserted into
the test's own `fence` table after the workload stopped; when the stored offset (a file,
written only for acknowledged records) passes the binlog position taken just before it,
everything earlier is in Kafka.

Each test has its own database, topic prefix, connector name, replica server id and
offset file. The when_needed test starts a MariaDB instance of its own (PURGE BINARY LOGS
is never run on the shared one).
"""

import base64
import json
import os
import random
import re
import signal
import subprocess
import threading
import time

import pymysql
import pytest
from confluent_kafka import Producer

from conftest import (ROOT, Connector, admin_sql, decode, delete_topics, env, free_port,  # noqa: F401
                      payload, read_topic, source_config, unique, workspace)

SNAPSHOT_MARKERS = {"first", "first_in_data_collection", "true", "last_in_data_collection", "last"}


# ----------------------------------------------------------------------------- helpers

def snap_config(db, prefix, tmp_path, **extra):
    """source_config with file offsets (so the test can watch them) and bare JSON.
    TRIBUTARY_TEST_SNAPSHOT_THREADS=N runs these tests with snapshot.max.threads=N (the
    read-ahead engine) unless a test sets it."""
    cfg = source_config(db, prefix, **{
        "offset.storage.file.filename": str(tmp_path / f"{prefix}.offsets"),
        "key.converter.schemas.enable": "false",
        "value.converter.schemas.enable": "false",
    })
    if os.environ.get("TRIBUTARY_TEST_SNAPSHOT_THREADS"):
        cfg["snapshot.max.threads"] = os.environ["TRIBUTARY_TEST_SNAPSHOT_THREADS"]
    cfg.update({k: str(v) for k, v in extra.items()})
    return cfg


def sql_rows(sql, db=None, port=None):
    conn = pymysql.connect(host=env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
                           port=port or int(env("TRIBUTARY_MARIADB_PORT", "3306")),
                           user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                           database=db, autocommit=True, charset="utf8mb4",
                           cursorclass=pymysql.cursors.DictCursor)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def stored_offset(cfg):
    """The connector's stored source offset (a dict), or None before the first store."""
    path = cfg["offset.storage.file.filename"]
    try:
        with open(path) as f:
            data = json.load(f)
    except (FileNotFoundError, ValueError):
        return None
    return next(iter(data.values()), None)


def binlog_position(port=None):
    row = sql_rows("SHOW MASTER STATUS", port=port)[0]
    return row["File"], int(row["Position"])


def position_key(file, pos):
    return int(file.rsplit(".", 1)[1]), pos


def snapshot_running(off):
    return off is not None and off.get("tributary_snapshot") is not None


def wait_for(what, predicate, conn=None, timeout=90, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        if conn is not None and conn.proc is not None and conn.proc.poll() is not None:
            pytest.fail(f"connector exited with {conn.proc.returncode} while waiting for {what}:\n"
                        f"{conn.stderr()[-4000:]}")
        time.sleep(interval)
    tail = conn.stderr()[-4000:] if conn is not None else ""
    pytest.fail(f"timeout ({timeout} s) waiting for {what}\n{tail}")


class OffsetWatcher(threading.Thread):
    """Samples the stored offset every 10 ms: a snapshot shorter than a few offset flushes
    may never show in the file, so completion is also read from the log (DONE_LOG)."""

    def __init__(self, cfg):
        super().__init__(daemon=True)
        self.cfg = cfg
        self.running_seen = 0     # samples with a snapshot in progress
        self.max_total = 0
        self.halt = threading.Event()
        self.start()

    def run(self):
        while not self.halt.is_set():
            off = stored_offset(self.cfg)
            if snapshot_running(off):
                self.running_seen += 1
                self.max_total = max(self.max_total, off["tributary_snapshot"].get("total", 0))
            time.sleep(0.01)

    def reset(self):
        self.running_seen = 0


@pytest.fixture
def watch():
    """watch(cfg) -> an OffsetWatcher, stopped after the test."""
    watchers = []

    def make(cfg):
        watchers.append(OffsetWatcher(cfg))
        return watchers[-1]
    yield make
    for w in watchers:
        w.halt.set()


DONE_LOG = re.compile(r"snapshot complete|snapshot: no table to read")


def wait_snapshot_started(conn, cfg, timeout=90, above=0):
    """Until the stored offset shows a snapshot with more than `above` rows acknowledged."""
    def started():
        off = stored_offset(cfg)
        return snapshot_running(off) and off["tributary_snapshot"].get("total", 0) > above
    return wait_for("snapshot rows in the stored offset", started, conn, timeout, interval=0.01)


def wait_snapshot_done(conn, cfg, watcher, timeout=120):
    """Until the stored offset carries no snapshot state, after one was seen in it or the
    log said the snapshot completed."""
    def done():
        off = stored_offset(cfg)
        if off is None or snapshot_running(off):
            return False
        return watcher.running_seen > 0 or DONE_LOG.search(conn.stderr()) is not None
    wait_for("the snapshot to complete", done, conn, timeout)


def wait_caught_up(conn, cfg, db, port=None, timeout=120):
    """Inserts a fence row and waits until the stored offset passes it (see the module doc)."""
    admin_sql(["CREATE TABLE IF NOT EXISTS fence (id INT AUTO_INCREMENT PRIMARY KEY)"], db=db,
              port=port)
    before = position_key(*binlog_position(port))
    admin_sql(["INSERT INTO fence VALUES ()"], db=db, port=port)

    def passed():
        off = stored_offset(cfg)
        return (off is not None and not snapshot_running(off)
                and position_key(off["file"], off["pos"]) > before)
    wait_for("the stored offset to pass the fence", passed, conn, timeout)


def key_of(k):
    return json.dumps(payload(k), sort_keys=True)


def rebuild(records):
    """Table state from change records: {key json: after}; also counts per op."""
    state, ops = {}, {}
    for m in records:
        k, v = decode(m)
        if v is None:
            ops["tombstone"] = ops.get("tombstone", 0) + 1
            continue
        p = payload(v)
        ops[p["op"]] = ops.get(p["op"], 0) + 1
        if p["op"] in ("r", "c", "u"):
            state[key_of(k)] = p["after"]
        elif p["op"] == "d":
            state.pop(key_of(k), None)
    return state, ops


def table_state(db, table, key_cols, port=None):
    rows = sql_rows(f"SELECT * FROM `{table}`", db=db, port=port)
    return {json.dumps({c: r[c] for c in key_cols}, sort_keys=True): r for r in rows}


def assert_same_state(rebuilt, expected, what):
    missing = [k for k in expected if k not in rebuilt]
    extra = [k for k in rebuilt if k not in expected]
    differ = [(k, rebuilt[k], expected[k]) for k in expected if k in rebuilt and rebuilt[k] != expected[k]]
    assert not (missing or extra or differ), (
        f"{what}: {len(missing)} rows missing (e.g. {missing[:3]}), {len(extra)} rows that "
        f"should not exist (e.g. {extra[:3]}), {len(differ)} rows differ (e.g. {differ[:2]}); "
        f"{len(expected)} rows in the table")


def snapshot_marker(m):
    _, v = decode(m)
    return payload(v)["source"]["snapshot"] if v is not None else None


def send_signal(db, signal_table, kind, data, port=None):
    sig_id = unique("sig")
    admin_sql([f"INSERT INTO `{signal_table}` (id, type, data) VALUES "
               f"('{sig_id}', '{kind}', '{json.dumps(data)}')"], db=db, port=port)
    return sig_id


SIGNAL_DDL = "CREATE TABLE signals (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data TEXT)"


class Workload(threading.Thread):
    """Inserts, updates, deletes and primary-key changes on `db.table` (id INT PRIMARY KEY,
    v INT, note VARCHAR(40)), single- and multi-statement transactions, until stopped."""

    def __init__(self, db, table, ids, next_id, seed=7):
        super().__init__(daemon=True)
        self.db, self.table = db, table
        self.ids = list(ids)      # ids that exist now (only this thread writes the table)
        self.next_id = next_id
        self.rnd = random.Random(seed)
        self.stop = threading.Event()
        self.counts = {"insert": 0, "update": 0, "delete": 0, "pk": 0}
        self.error = None

    def _take(self):
        i = self.rnd.randrange(len(self.ids))
        self.ids[i], self.ids[-1] = self.ids[-1], self.ids[i]
        return self.ids.pop()

    def _one(self, cur):
        r = self.rnd.random()
        t = self.table
        if r < 0.3 or len(self.ids) < 10:
            cur.execute(f"INSERT INTO {t} VALUES (%s, 0, 'new')", (self.next_id,))
            self.ids.append(self.next_id)
            self.next_id += 1
            self.counts["insert"] += 1
        elif r < 0.7:
            i = self.rnd.choice(self.ids)
            cur.execute(f"UPDATE {t} SET v = v + 1, note = CONCAT('u', v) WHERE id = %s", (i,))
            self.counts["update"] += 1
        elif r < 0.85:
            cur.execute(f"DELETE FROM {t} WHERE id = %s", (self._take(),))
            self.counts["delete"] += 1
        else:
            old = self._take()
            cur.execute(f"UPDATE {t} SET id = %s, note = 'moved' WHERE id = %s", (self.next_id, old))
            self.ids.append(self.next_id)
            self.next_id += 1
            self.counts["pk"] += 1

    def run(self):
        try:
            c = pymysql.connect(host=env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
                                port=int(env("TRIBUTARY_MARIADB_PORT", "3306")), user="admin",
                                password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                                database=self.db, autocommit=True)
            with c.cursor() as cur:
                while not self.stop.is_set():
                    if self.rnd.random() < 0.2:
                        cur.execute("BEGIN")
                        for _ in range(self.rnd.randint(2, 5)):
                            self._one(cur)
                        cur.execute("COMMIT")
                    else:
                        self._one(cur)
                    time.sleep(0.001)
            c.close()
        except Exception as e:  # noqa: BLE001 - reported by finish()
            self.error = e

    def finish(self):
        self.stop.set()
        self.join(timeout=30)
        assert self.error is None, f"workload failed: {self.error}"
        return sum(self.counts.values())


def fill(db, table, rows, cols="seq, seq % 1000, CONCAT('row ', seq)"):
    """rows rows with ids 1..rows (MariaDB's SEQUENCE engine)."""
    admin_sql([f"INSERT INTO {table} SELECT {cols} FROM seq_1_to_{rows}"], db=db)


# ----------------------------------------------------------------------------- 1. consistency

def test_initial_snapshot_under_concurrent_writes_equals_the_table(tributary_bin, tmp_path,
                                                                    workspace, watch):
    db = prefix = workspace
    rows = 20000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"incremental.snapshot.chunk.size": 500})
    workload = Workload(db, "t", range(1, rows + 1), rows + 1)
    workload.start()
    time.sleep(0.3)
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_done(conn, cfg, watcher)
    during = sum(workload.counts.values())
    conn.wait_streaming()
    time.sleep(1.0)  # streaming goes on under the workload
    changes = workload.finish()
    wait_caught_up(conn, cfg, db)
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=90)
    state, ops = rebuild(records)
    assert_same_state(state, table_state(db, "t", ["id"]), "initial snapshot + streaming")
    print(f"initial snapshot under writes: {ops}, workload {workload.counts}")
    assert ops.get("r", 0) >= rows * 0.5, ops   # the bulk came from the snapshot
    assert changes > 200 and during > 50, (changes, during)
    markers = [snapshot_marker(m) for m in records]
    assert {x for x in markers if x is not None} <= SNAPSHOT_MARKERS | {"false"}, set(markers)
    assert markers.count("first") == 1 and markers.count("last") == 1, ops
    for m in records:
        _, v = decode(m)
        if v is not None and payload(v)["op"] in ("c", "u", "d"):
            assert payload(v)["source"]["snapshot"] == "false"
    # Streaming continues after the snapshot.
    admin_sql(["INSERT INTO t VALUES (-1, 1, 'after')"], db=db)
    recs, _ = read_topic(f"{prefix}.{db}.t", expect=len(records) + 1, timeout=30)
    assert any(decode(m)[0] == {"id": -1} for m in recs)
    assert conn.stop() == 0


# ----------------------------------------------------------------------------- 2. kill -9

def r_counts_of_every_row(records, rows):
    """How many `r` records each id 1..rows got; fails if a record is not `r` or a row has
    none."""
    counts = {}
    for m in records:
        k, v = decode(m)
        assert payload(v)["op"] == "r"
        counts[payload(k)["id"]] = counts.get(payload(k)["id"], 0) + 1
    missing = [i for i in range(1, rows + 1) if i not in counts]
    assert not missing, f"{len(missing)} rows lost, e.g. {missing[:5]}"
    return counts


def kill_9_during_snapshot(tributary_bin, tmp_path, workspace, watch, *, seed, unacked_chunks,
                           extra=None, each_run=None, label="kill -9"):
    """Snapshots a 200k-row table in 1024-row chunks, kill -9 up to three times mid-snapshot,
    then lets it finish: every restart goes on past the stored progress, no row is lost, and
    duplicates stay within `unacked_chunks` chunks per kill. `each_run(conn)` checks a run
    before it is killed."""
    db = prefix = workspace
    rows, chunk = 200000, 1024
    admin_sql(["CREATE TABLE big (id INT PRIMARY KEY, a INT, s VARCHAR(40))"], db=db)
    fill(db, "big", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"incremental.snapshot.chunk.size": chunk,
                                               "snapshot.mode": "initial", **(extra or {})})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg)
    kills, at_kill, resumed_at = 0, [0], []
    rnd = random.Random(seed)
    for _ in range(3):
        conn.start()
        # The new run's first stored progress: it goes on from the killed run's offset.
        first = wait_for("progress of the new run", lambda: (
            (off := stored_offset(cfg)) is not None and (
                not snapshot_running(off) or off["tributary_snapshot"].get("total", 0) != at_kill[-1])
            and off), conn, 90, interval=0.005)
        if not snapshot_running(first):
            break  # finished already: the kills so far still count
        resumed_at.append(first["tributary_snapshot"]["total"])
        time.sleep(rnd.uniform(0.05, 0.3))
        if not snapshot_running(stored_offset(cfg)):
            break
        if each_run:
            each_run(conn)
        assert conn.stop(signal.SIGKILL) == -signal.SIGKILL
        kills += 1
        after = stored_offset(cfg)
        assert snapshot_running(after), "an interrupted snapshot must stay in the offset"
        at_kill.append(after["tributary_snapshot"]["total"])
    progress = list(zip(at_kill, resumed_at))
    assert kills >= 2, f"the snapshot finished too fast to kill it twice ({progress})"
    for killed, resumed in progress:
        assert resumed > killed, f"restart went back: {killed} rows stored, then {resumed} ({progress})"
    conn.start()
    wait_snapshot_done(conn, cfg, watcher, timeout=180)
    assert "snapshot" in conn.stderr()
    records, _ = read_topic(f"{prefix}.{db}.big", expect=rows, timeout=120)
    counts = r_counts_of_every_row(records, rows)
    duplicates = sum(c - 1 for c in counts.values())
    print(f"{label} x{kills}: {len(records)} r records for {rows} rows, {duplicates} duplicates, "
          f"offset totals at kill {progress}")
    assert duplicates <= kills * unacked_chunks * chunk, (
        f"{duplicates} duplicate r records after {kills} kills (chunk {chunk}): resumed from "
        f"further back than the {unacked_chunks} chunk(s) in flight")
    assert conn.stop() == 0


def test_kill_9_mid_snapshot_resumes_from_the_last_chunk(tributary_bin, tmp_path, workspace, watch):
    # One reader: chunk i+1 is read while Kafka acknowledges chunk i, and the offset moves
    # once a chunk is acknowledged: a kill repeats at most the two chunks in flight.
    kill_9_during_snapshot(tributary_bin, tmp_path, workspace, watch, seed=11, unacked_chunks=2)


@pytest.mark.parametrize("threads", [1, 3])
def test_exactly_once_stops_mid_chunk_commit_no_partial_chunk(tributary_bin, tmp_path, workspace,
                                                              threads):
    """Exactly-once: a clean stop in the middle of a snapshot chunk must not commit the
    chunk's records already sent (the stored progress is still before the chunk, so the
    restart reads it again). A read_committed consumer sees every row exactly once. With
    one reader and with read-ahead (3 threads)."""
    db = prefix = workspace
    rows, chunk = 60000, 15000
    admin_sql(["CREATE TABLE big (id INT PRIMARY KEY, a INT, s VARCHAR(40))"], db=db)
    fill(db, "big", rows)
    # ~1.5 s a chunk: the stops below land inside one.
    cfg = source_config(db, prefix, **{"exactly.once.support": "required",
                                       "offsets.storage.topic": f"{prefix}.offsets",
                                       "key.converter.schemas.enable": "false",
                                       "value.converter.schemas.enable": "false",
                                       "incremental.snapshot.chunk.size": str(chunk),
                                       "snapshot.max.threads": str(threads),
                                       "snapshot.max.rows.per.second": "10000"})
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg)
    rnd = random.Random(7)
    stops = 0
    for _ in range(3):
        conn.start()
        wait_for("the snapshot to start", lambda: re.search(
            r"initial snapshot of|resuming the initial snapshot", conn.stderr()), conn, 60)
        time.sleep(rnd.uniform(0.6, 1.2))
        if DONE_LOG.search(conn.stderr()):
            break
        assert conn.stop() == 0
        stops += 1
    assert stops >= 2, "the snapshot finished too fast to stop it twice"
    conn.start()
    wait_for("the snapshot to complete", lambda: DONE_LOG.search(conn.stderr()), conn, 120)
    records, _ = read_topic(f"{prefix}.{db}.big", expect=rows, timeout=60,
                            isolation="read_committed")
    counts = r_counts_of_every_row(records, rows)
    twice = [i for i, c in counts.items() if c > 1]
    assert not twice, (f"{len(twice)} rows seen more than once by read_committed after "
                       f"{stops} stops, e.g. {sorted(twice)[:5]}")
    assert conn.stop() == 0


# ----------------------------------------------------------------------------- 3. key shapes

def test_key_shapes_empty_table_huge_row_and_empty_chunks(tributary_bin, tmp_path, workspace, watch):
    db = prefix = workspace
    chunk = 100
    admin_sql([
        "CREATE TABLE comp (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))",
        "INSERT INTO comp SELECT seq DIV 7, CONCAT('k', seq MOD 7, IF(seq MOD 2, 'X', 'y')), seq"
        " FROM seq_1_to_1500",
        "CREATE TABLE strk (k VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
        " PRIMARY KEY, v INT)",
        "INSERT INTO strk SELECT CONCAT(ELT(1 + seq MOD 6, 'a', 'B', 'é', 'É', 'z', 'Ω'),"
        " LPAD(seq, 5, '0'), ELT(1 + seq MOD 3, 'x', 'X', '中')), seq FROM seq_1_to_1200",
        "CREATE TABLE nokey (a INT, b VARCHAR(10))",
        "INSERT INTO nokey SELECT seq MOD 50, 'dup' FROM seq_1_to_700",
        "CREATE TABLE empty_t (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE huge (id INT PRIMARY KEY, b LONGBLOB)",
        "INSERT INTO huge VALUES (1, REPEAT(x'A5', 8 * 1024 * 1024)), (2, x'01')",
        "CREATE TABLE sparse (id INT PRIMARY KEY, v INT)",
        "INSERT INTO sparse SELECT seq, seq FROM seq_1_to_600",
        SIGNAL_DDL], db=db)
    cfg = snap_config(db, prefix, tmp_path, **{
        "incremental.snapshot.chunk.size": chunk,
        "signal.data.collection": f"{db}.signals",
        "producer.override.max.request.size": 33554432})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_done(conn, cfg, watcher)
    conn.wait_streaming()

    comp, _ = read_topic(f"{prefix}.{db}.comp", expect=1500)
    state, ops = rebuild(comp)
    assert ops == {"r": 1500}, ops
    assert_same_state(state, table_state(db, "comp", ["a", "b"]), "composite key")

    strk, _ = read_topic(f"{prefix}.{db}.strk", expect=1200)
    state, ops = rebuild(strk)
    assert ops == {"r": 1200}, ops
    assert_same_state(state, table_state(db, "strk", ["k"]), "string key, utf8mb4_general_ci")

    nokey, _ = read_topic(f"{prefix}.{db}.nokey", expect=700)
    assert len(nokey) == 700 and all(m.key() is None for m in nokey)
    got = sorted((payload(decode(m)[1])["after"]["a"], payload(decode(m)[1])["after"]["b"])
                 for m in nokey)
    assert got == sorted((i % 50, "dup") for i in range(1, 701))

    huge, _ = read_topic(f"{prefix}.{db}.huge", expect=2, timeout=60)
    afters = sorted((payload(decode(m)[1])["after"] for m in huge), key=lambda a: a["id"])
    assert len(afters) == 2
    assert base64.b64decode(afters[0]["b"]) == b"\xa5" * (8 * 1024 * 1024)
    assert base64.b64decode(afters[1]["b"]) == b"\x01"

    # The empty table: no records (its topic may not even exist).
    from confluent_kafka.admin import AdminClient
    topics = AdminClient({"bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP")}).list_topics(
        timeout=10).topics
    if f"{prefix}.{db}.empty_t" in topics:
        assert read_topic(f"{prefix}.{db}.empty_t", settle=1.0)[0] == []

    # 0-row chunks: an incremental snapshot whose condition empties the first chunks.
    before = len(read_topic(f"{prefix}.{db}.sparse", expect=600)[0])
    assert before == 600
    send_signal(db, "signals", "execute-snapshot", {
        "data-collections": [f"{db}.sparse"], "type": "incremental",
        "additional-conditions": [{"data-collection": f"{db}.sparse", "filter": "id > 350"}]})
    recs, _ = read_topic(f"{prefix}.{db}.sparse", expect=600 + 250, timeout=60)
    inc = [p for p in (payload(decode(m)[1]) for m in recs) if p["source"]["snapshot"] == "incremental"]
    assert sorted(p["after"]["id"] for p in inc) == list(range(351, 601))
    assert all(p["op"] == "r" for p in inc)
    assert conn.stop() == 0


# ----------------------------------------------------------------------------- 4. exactness

TYPES_DDL = """CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT,
  mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, bo BOOLEAN,
  b1 BIT(1), b9 BIT(9), b64 BIT(64),
  d0 DECIMAL(5,0), d2 DECIMAL(10,2), d65 DECIMAL(65,30), fl FLOAT, fl2 FLOAT(7,3), db DOUBLE,
  da DATE, t0 TIME, t3 TIME(3), t6 TIME(6), dt0 DATETIME, dt3 DATETIME(3), dt6 DATETIME(6),
  ts0 TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, y YEAR,
  c CHAR(5), vc VARCHAR(50), vl VARCHAR(20) CHARACTER SET latin1, tt TINYTEXT, tx TEXT,
  mt MEDIUMTEXT, lt LONGTEXT,
  bn BINARY(4), vb VARBINARY(10), tb TINYBLOB, bl BLOB, mb MEDIUMBLOB,
  e ENUM('red','green','blue'), st SET('a','b','c'), j JSON, pt POINT, g GEOMETRY)"""

TYPES_ROWS = [
    # All values, ordinary.
    "(1, -5, 200, -300, 65535, -8388608, 16777215, -2147483648, 4294967295,"
    " -9223372036854775808, 18446744073709551615, TRUE,"
    " b'1', b'100000001', b'1111111111111111111111111111111111111111111111111111111111111111',"
    " 12345, -1.50, '12345678901234567890123456789012345.123456789012345678901234567890',"
    " 1.5, 1234.125, -2.2250738585072014e-308,"
    " '2024-02-29', '-838:59:59', '12:34:56.789', '-00:00:00.000001', '1000-01-01 00:00:00',"
    " '2024-01-02 03:04:05.678', '9999-12-31 23:59:59.999999',"
    " '1970-01-01 00:00:01', '2038-01-19 03:14:07.999999', 2155,"
    " 'ab', 'héllo wörld ✓ 😀', 'café', 'tiny', 'long text', 'medium', 'large',"
    " x'00ff', x'00', x'', x'cafe', x'deadbeef',"
    " 'green', 'a,c', '{\"k\": [1, 2.50, \"é\", null, true], \"n\": {\"x\": -0.0}}',"
    " ST_GeomFromText('POINT(1.5 -2)'), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'))",
    # Zero and empty values.
    "(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, FALSE, b'0', b'0', b'0', 0, 0.00, 0, 0, 0, 0,"
    " '1000-01-01', '00:00:00', '00:00:00.000', '838:59:59.000000', '2000-02-29 00:00:00',"
    " '1970-01-01 00:00:00.000', '1970-01-01 00:00:00.000001', NULL, NULL, 1901,"
    " '', '', '', '', '', '', '', x'', x'', x'', x'', x'', 'red', '', '[]',"
    " ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'))",
    # Every nullable column NULL.
    "(3" + ", NULL" * 47 + ")",
]


def test_snapshot_values_equal_streaming_values_for_every_type(tributary_bin, tmp_path, workspace, watch):
    db = prefix = workspace
    admin_sql([TYPES_DDL, "SET time_zone = '+00:00'", "INSERT INTO types VALUES " + ", ".join(TYPES_ROWS)],
              db=db)
    cfg = snap_config(db, prefix, tmp_path)
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_done(conn, cfg, watcher)
    conn.wait_streaming()
    admin_sql(["INSERT INTO types SELECT id + 1000, ti, tu, si, su, mi, mu, i, iu, bi, bu, bo, b1, b9,"
               " b64, d0, d2, d65, fl, fl2, db, da, t0, t3, t6, dt0, dt3, dt6, ts0, ts6, y, c, vc, vl,"
               " tt, tx, mt, lt, bn, vb, tb, bl, mb, e, st, j, pt, g FROM types"], db=db)
    n = len(TYPES_ROWS)
    records, _ = read_topic(f"{prefix}.{db}.types", expect=2 * n)
    snap, stream = {}, {}
    for m in records:
        p = payload(decode(m)[1])
        target = snap if p["op"] == "r" else stream
        assert p["op"] in ("r", "c"), p["op"]
        target[p["after"]["id"] % 1000] = p["after"]
    assert sorted(snap) == sorted(stream) == list(range(1, n + 1)), (sorted(snap), sorted(stream))
    differences = []
    for i in snap:
        for col, value in snap[i].items():
            if col != "id" and value != stream[i].get(col):
                differences.append(f"row {i} {col}: snapshot {value!r} != streaming {stream[i].get(col)!r}")
        assert set(snap[i]) == set(stream[i])
    assert not differences, "\n".join(differences)
    # Not vacuous: row 1 has a value in every column, row 3 none but its key.
    assert all(v is not None for v in snap[1].values()), snap[1]
    assert [c for c, v in snap[3].items() if v is not None] == ["id"], snap[3]
    assert conn.stop() == 0


# ----------------------------------------------------------------------------- 5. markers

def test_source_snapshot_markers_on_three_tables(tributary_bin, tmp_path, workspace, watch):
    db = prefix = workspace
    admin_sql(["CREATE TABLE a (id INT PRIMARY KEY)", "INSERT INTO a VALUES (1), (2), (3)",
               "CREATE TABLE b (id INT PRIMARY KEY)", "INSERT INTO b VALUES (1)",
               "CREATE TABLE c (id INT PRIMARY KEY)", "INSERT INTO c VALUES (1), (2)"], db=db)
    cfg = snap_config(db, prefix, tmp_path, **{"topic.creation.default.partitions": 1,
                                               "snapshot.mode": "initial_only"})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    assert conn.wait_exit(timeout=90) == 0, conn.stderr()
    got = {}
    for t, n in (("a", 3), ("b", 1), ("c", 2)):
        recs, _ = read_topic(f"{prefix}.{db}.{t}", expect=n)
        got[t] = [(payload(decode(m)[1])["after"]["id"], snapshot_marker(m)) for m in recs]
    # Debezium's rule, tables in the configured (here: name) order: first of all = first,
    # last of all = last, else first / last of a table, else true.
    assert got == {
        "a": [(1, "first"), (2, "true"), (3, "last_in_data_collection")],
        "b": [(1, "last_in_data_collection")],
        "c": [(1, "first_in_data_collection"), (2, "last")],
    }, got


# ----------------------------------------------------------------------------- 6. incremental

def test_incremental_snapshot_by_signal_table_under_concurrent_writes(tributary_bin, tmp_path,
                                                                       workspace, watch):
    db = prefix = workspace
    rows = 10000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))", SIGNAL_DDL], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.mode": "no_data",
                                               "incremental.snapshot.chunk.size": 300,
                                               "signal.data.collection": f"{db}.signals"})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    conn.wait_streaming()
    workload = Workload(db, "t", range(1, rows + 1), rows + 1)
    workload.start()
    time.sleep(0.5)
    send_signal(db, "signals", "execute-snapshot", {"data-collections": [f"{db}.t"],
                                                    "type": "incremental"})
    wait_for("the incremental snapshot to start", lambda: snapshot_running(stored_offset(cfg))
             or "incremental snapshot of" in conn.stderr(), conn)
    wait_snapshot_done(conn, cfg, watcher)
    time.sleep(0.5)
    workload.finish()
    wait_caught_up(conn, cfg, db)
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=90)
    state, ops = rebuild(records)
    assert_same_state(state, table_state(db, "t", ["id"]), "incremental snapshot + streaming")
    snap = [m for m in records if snapshot_marker(m) not in (None, "false")]
    assert snap and {snapshot_marker(m) for m in snap} == {"incremental"}
    assert all(payload(decode(m)[1])["op"] == "r" for m in snap)
    assert ops.get("r", 0) > rows * 0.5, ops
    assert conn.stop() == 0


def test_kafka_signal_snapshots_a_table_added_to_the_include_list(tributary_bin, tmp_path,
                                                                   workspace, watch):
    db = prefix = workspace
    admin_sql(["CREATE TABLE t1 (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               "CREATE TABLE t2 (id INT PRIMARY KEY, v INT, note VARCHAR(40))",
               "CREATE TABLE fence (id INT AUTO_INCREMENT PRIMARY KEY)", SIGNAL_DDL], db=db)
    fill(db, "t1", 500)
    fill(db, "t2", 5000)
    signal_topic = f"{prefix}.signals"
    boot = env("TRIBUTARY_KAFKA_BOOTSTRAP")
    common = {"incremental.snapshot.chunk.size": 400,
              "signal.enabled.channels": "source,kafka", "signal.kafka.topic": signal_topic,
              "signal.kafka.bootstrap.servers": boot,
              "signal.data.collection": f"{db}.signals"}
    cfg = snap_config(db, prefix, tmp_path, **common, **{
        "table.include.list": f"{db}.t1,{db}.fence,{db}.signals"})
    cfg.pop("database.include.list")
    name = unique("c")
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    wait_snapshot_done(conn, cfg, watcher)
    conn.wait_streaming()
    assert conn.stop() == 0
    assert len(read_topic(f"{prefix}.{db}.t1", expect=500)[0]) == 500

    # t2 joins the include list: only it is snapshotted, on a signal, under writes.
    cfg["table.include.list"] = f"{db}.t1,{db}.t2,{db}.fence,{db}.signals"
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    conn.wait_streaming()
    workload = Workload(db, "t2", range(1, 5001), 5001, seed=3)
    workload.start()
    p = Producer({"bootstrap.servers": boot})
    p.produce(signal_topic, key=prefix.encode(), value=json.dumps({
        "type": "execute-snapshot",
        "data": {"data-collections": [f"{db}.t2"], "type": "INCREMENTAL"}}).encode())
    assert p.flush(10) == 0
    wait_for("the incremental snapshot to start", lambda: snapshot_running(stored_offset(cfg))
             or "incremental snapshot of" in conn.stderr(), conn)
    wait_snapshot_done(conn, cfg, watcher)
    workload.finish()
    wait_caught_up(conn, cfg, db)
    t2, _ = read_topic(f"{prefix}.{db}.t2", expect=5000, timeout=90)
    state, _ = rebuild(t2)
    assert_same_state(state, table_state(db, "t2", ["id"]), "t2 after the Kafka-signalled snapshot")
    assert {snapshot_marker(m) for m in t2
            if m.value() is not None and payload(decode(m)[1])["op"] == "r"} == {"incremental"}
    t1, _ = read_topic(f"{prefix}.{db}.t1", settle=1.5)
    assert len(t1) == 500, "t1 was snapshotted again"
    assert conn.stop() == 0


def test_incremental_snapshot_pause_resume_and_stop(tributary_bin, tmp_path, workspace, watch):
    db = prefix = workspace
    rows = 150000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))", SIGNAL_DDL], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.mode": "no_data",
                                               "incremental.snapshot.chunk.size": 200,
                                               "signal.data.collection": f"{db}.signals"})
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    conn.wait_streaming()
    collections = {"data-collections": [f"{db}.t"], "type": "incremental"}
    send_signal(db, "signals", "execute-snapshot", collections)
    wait_snapshot_started(conn, cfg)
    send_signal(db, "signals", "pause-snapshot", {})
    wait_for("the pause in the stored offset",
             lambda: (stored_offset(cfg).get("tributary_snapshot") or {}).get("paused"), conn, 30)
    time.sleep(0.5)
    paused_at = stored_offset(cfg)["tributary_snapshot"]["total"]
    time.sleep(1.5)
    assert stored_offset(cfg)["tributary_snapshot"]["total"] == paused_at, "paused, yet rows went on"
    send_signal(db, "signals", "resume-snapshot", {})
    wait_for("progress after resume",
             lambda: (stored_offset(cfg).get("tributary_snapshot") or {}).get("total", 0) > paused_at
             or not snapshot_running(stored_offset(cfg)), conn, 30)
    send_signal(db, "signals", "stop-snapshot", collections)
    wait_for("the stop", lambda: not snapshot_running(stored_offset(cfg)), conn, 30)
    wait_caught_up(conn, cfg, db)
    n = len(read_topic(f"{prefix}.{db}.t", settle=1.5)[0])
    assert paused_at < n < rows, f"{n} rows sent: stop-snapshot did not stop it (or nothing ran)"
    time.sleep(1.5)
    assert len(read_topic(f"{prefix}.{db}.t", settle=1.0)[0]) == n, "rows after stop-snapshot"
    assert conn.stop() == 0


# ----------------------------------------------------------------------------- 7. when_needed

@pytest.fixture
def own_mariadb():
    """A MariaDB instance of this test (scripts/services/mariadb.sh, own name and port),
    removed afterwards: PURGE BINARY LOGS is never run on the shared server."""
    name = unique("mariadb-snaptest")
    port = free_port()
    e = dict(os.environ, TRIBUTARY_MARIADB_NAME=name, TRIBUTARY_MARIADB_PORT=str(port))
    script = str(ROOT / "scripts" / "services" / "mariadb.sh")
    r = subprocess.run([script, "start"], env=e, capture_output=True, text=True, timeout=180)
    try:
        assert r.returncode == 0, r.stderr
        yield port
    finally:
        subprocess.run([script, "reset"], env=e, capture_output=True, text=True, timeout=120)


def test_when_needed_snapshots_again_after_the_binlog_was_purged(tributary_bin, tmp_path,
                                                                  own_mariadb, watch):
    port = own_mariadb
    db = prefix = unique("snapwn")
    admin_sql([f"CREATE DATABASE {db}"], port=port)
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT)",
               "INSERT INTO t SELECT seq, seq FROM seq_1_to_100"], db=db, port=port)
    cfg = snap_config(db, prefix, tmp_path, **{
        "database.port": port, "snapshot.mode": "when_needed",
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(tmp_path / "history.jsonl")})
    cfg.pop("schema.history.internal.kafka.topic")
    name = unique("c")
    try:
        watcher = watch(cfg)
        conn = Connector(tributary_bin, tmp_path, name, cfg).start()
        wait_snapshot_done(conn, cfg, watcher)
        conn.wait_streaming()
        admin_sql(["INSERT INTO t VALUES (101, 101)"], db=db, port=port)
        wait_caught_up(conn, cfg, db, port=port)
        assert conn.stop() == 0
        recs, _ = read_topic(f"{prefix}.{db}.t", expect=101)
        assert rebuild(recs)[1] == {"r": 100, "c": 1}
        stored_file = stored_offset(cfg)["file"]

        # While stopped: more rows, and the stored binlog file is purged.
        admin_sql(["INSERT INTO t SELECT seq, seq FROM seq_102_to_150", "UPDATE t SET v = -v WHERE id <= 10",
                   "FLUSH BINARY LOGS", "FLUSH BINARY LOGS"], db=db, port=port)
        # MariaDB keeps a file InnoDB may still need for crash recovery: retry a moment.
        def purged():
            admin_sql(["FLUSH BINARY LOGS"], port=port)
            current = binlog_position(port)[0]
            admin_sql([f"PURGE BINARY LOGS TO '{current}'"], port=port)
            return stored_file not in [r["Log_name"] for r in sql_rows("SHOW BINARY LOGS", port=port)]
        wait_for(f"PURGE BINARY LOGS to remove {stored_file}", purged, timeout=30, interval=0.5)

        # snapshot.mode=initial must not silently skip the lost changes.
        cfg_initial = dict(cfg, **{"snapshot.mode": "initial"})
        strict = Connector(tributary_bin, tmp_path, name, cfg_initial).start()
        assert strict.wait_exit(timeout=90) != 0, strict.stderr()
        assert stored_file in strict.stderr() or "purged" in strict.stderr(), strict.stderr()

        watcher = watch(cfg)
        conn = Connector(tributary_bin, tmp_path, name, cfg).start()
        wait_for("a new snapshot", lambda: snapshot_running(stored_offset(cfg)) or
                 stored_offset(cfg)["file"] != stored_file, conn, 60, interval=0.02)
        wait_snapshot_done(conn, cfg, watcher)
        conn.wait_streaming()
        wait_caught_up(conn, cfg, db, port=port)
        recs, _ = read_topic(f"{prefix}.{db}.t", expect=101 + 150)
        state, ops = rebuild(recs)
        assert ops.get("r") == 250, ops
        assert_same_state(state, table_state(db, "t", ["id"], port=port), "after when_needed")
        assert conn.stop() == 0
    finally:
        delete_topics(prefix)


# ----------------------------------------------------------------------------- 8. modes

def test_initial_only_stops_after_the_snapshot_and_no_data_sends_no_rows(tributary_bin, tmp_path,
                                                                         workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "t", 3000)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.mode": "initial_only"})
    only = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    assert only.wait_exit(timeout=90) == 0, only.stderr()
    admin_sql(["INSERT INTO t VALUES (5000, 1, 'after')"], db=db)
    recs, _ = read_topic(f"{prefix}.{db}.t", expect=3000, settle=1.5)
    state, ops = rebuild(recs)
    assert ops == {"r": 3000}, ops
    assert len(state) == 3000

    prefix2 = f"{prefix}.nodata"
    cfg2 = snap_config(db, prefix2, tmp_path, **{"snapshot.mode": "no_data"})
    nodata = Connector(tributary_bin, tmp_path, unique("c"), cfg2).start()
    nodata.wait_streaming()
    admin_sql(["INSERT INTO t VALUES (5001, 2, 'streamed')"], db=db)
    recs, _ = read_topic(f"{prefix2}.{db}.t", expect=1, settle=1.5)
    assert [(payload(decode(m)[1])["op"], decode(m)[0]) for m in recs] == [("c", {"id": 5001})]
    assert nodata.stop() == 0


def test_include_list_select_override_and_always(tributary_bin, tmp_path, workspace, watch):
    db = prefix = workspace
    admin_sql(["CREATE TABLE x (id INT PRIMARY KEY, v INT)", "INSERT INTO x SELECT seq, seq FROM seq_1_to_10",
               "CREATE TABLE y (id INT PRIMARY KEY, v INT)", "INSERT INTO y SELECT seq, seq FROM seq_1_to_5"],
              db=db)
    cfg = snap_config(db, prefix, tmp_path, **{
        "snapshot.include.collection.list": f"{db}.x",
        "snapshot.select.statement.overrides": f"{db}.x",
        f"snapshot.select.statement.overrides.{db}.x": f"SELECT * FROM {db}.x WHERE id > 5"})
    name = unique("c")
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    wait_snapshot_done(conn, cfg, watcher)
    conn.wait_streaming()
    admin_sql(["INSERT INTO y VALUES (100, 100)"], db=db)
    wait_caught_up(conn, cfg, db)
    x, _ = read_topic(f"{prefix}.{db}.x", expect=5)
    assert sorted((payload(decode(m)[1])["op"], decode(m)[0]["id"]) for m in x) == [
        ("r", i) for i in range(6, 11)]
    y, _ = read_topic(f"{prefix}.{db}.y", expect=1)
    assert [(payload(decode(m)[1])["op"], decode(m)[0]["id"]) for m in y] == [("c", 100)]
    assert conn.stop() == 0

    # snapshot.mode=always: a new snapshot at the next start, then streaming from there.
    cfg["snapshot.mode"] = "always"
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    wait_for("the new snapshot", lambda: DONE_LOG.search(conn.stderr()), conn)
    conn.wait_streaming()
    admin_sql(["INSERT INTO x VALUES (200, 200)"], db=db)
    x, _ = read_topic(f"{prefix}.{db}.x", expect=11)
    ops = sorted((payload(decode(m)[1])["op"], decode(m)[0]["id"]) for m in x)
    assert ops == [("c", 200)] + sorted([("r", i) for i in range(6, 11)] * 2), ops
    assert conn.stop() == 0


def test_incremental_snapshot_resumes_after_kill_9(tributary_bin, tmp_path, workspace, watch):
    db = prefix = workspace
    rows, chunk = 40000, 500
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))", SIGNAL_DDL], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path, **{"snapshot.mode": "no_data",
                                               "incremental.snapshot.chunk.size": chunk,
                                               "signal.data.collection": f"{db}.signals"})
    name = unique("c")
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    conn.wait_streaming()
    send_signal(db, "signals", "execute-snapshot", {"data-collections": [f"{db}.t"],
                                                    "type": "incremental"})
    wait_snapshot_started(conn, cfg)
    time.sleep(0.1)
    assert conn.stop(signal.SIGKILL) == -signal.SIGKILL
    off = stored_offset(cfg)
    assert snapshot_running(off) and off["tributary_snapshot"]["kind"] == "incremental", off
    at_kill = off["tributary_snapshot"]["total"]
    assert at_kill < rows, "finished before the kill: make the table bigger"
    conn.start()
    wait_snapshot_done(conn, cfg, watcher)
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=90)
    counts = {}
    for m in records:
        k, v = decode(m)
        assert payload(v)["op"] == "r" and payload(v)["source"]["snapshot"] == "incremental"
        counts[k["id"]] = counts.get(k["id"], 0) + 1
    missing = [i for i in range(1, rows + 1) if i not in counts]
    assert not missing, f"{len(missing)} rows lost, e.g. {missing[:5]}"
    duplicates = sum(c - 1 for c in counts.values())
    print(f"incremental kill -9 at {at_kill} rows: {duplicates} duplicates (chunk {chunk})")
    assert duplicates <= chunk, f"{duplicates} duplicates after one kill, chunk {chunk}"
    assert conn.stop() == 0


def test_schema_change_in_the_middle_of_the_snapshot(tributary_bin, tmp_path, workspace, watch):
    """ALTER TABLE while the table is being read: rows read before it have the old columns,
    rows after it the new ones, and every value equals the table's."""
    db = prefix = workspace
    rows = 200000
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, v INT, note VARCHAR(40))"], db=db)
    fill(db, "t", rows)
    cfg = snap_config(db, prefix, tmp_path)
    watcher = watch(cfg)
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    wait_snapshot_started(conn, cfg)
    admin_sql(["ALTER TABLE t ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'dflt'",
               "UPDATE t SET v = v + 1 WHERE id % 1000 = 0"], db=db)
    wait_snapshot_done(conn, cfg, watcher, timeout=180)
    wait_caught_up(conn, cfg, db)
    records, _ = read_topic(f"{prefix}.{db}.t", expect=rows, timeout=120)
    state, ops = rebuild(records)
    table = table_state(db, "t", ["id"])
    assert set(state) == set(table), (len(state), len(table))
    wrong = [(k, a, table[k]) for k, a in state.items()
             if any(table[k].get(c) != v for c, v in a.items()) or set(a) - set(table[k])]
    assert not wrong, f"{len(wrong)} rows differ from the table, e.g. {wrong[:2]}"
    with_extra = sum(1 for a in state.values() if "extra" in a)
    print(f"ALTER mid-snapshot: {ops}, {with_extra} rows read or changed after it")
    assert with_extra >= 200, with_extra  # at least the updated rows carry the new column
    assert conn.stop() == 0
