"""The MySQL source across restarts of what it talks to: the Kafka broker stopped for ~10 s
mid-stream (at-least-once and exactly-once), and the MariaDB server restarted mid-stream.

The broker and the server that are stopped are PRIVATE instances started by this module
with scripts/services/kafka.sh and mariadb.sh (instance name, ports and data folder of
their own, in a temporary folder): the shared services are never touched. The judges are
independent clients (confluent-kafka, PyMySQL). What is checked:

- no row is lost; where the connector did not restart, no row is duplicated either (the
  idempotent producer resends what the broker missed without duplicates);
- the connector keeps running through the outage (it blocks and retries) and its memory
  stays bounded while the broker is down (max.queue.size / max.queue.size.in.bytes), even
  though far more data is written meanwhile than that bound;
- the stored offset reaches the end of the binlog after the outage, with the server's
  GTID position in `gtids`, and a restart from it resends nothing;
- exactly-once mode: a read_committed consumer sees each change once across a broker
  restart.
"""

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import time

import pymysql
import pytest
from confluent_kafka import Consumer, TopicPartition

from conftest import ROOT, Connector, decode, env, free_port, payload, read_topic, source_config, unique

SERVICES = ROOT / "scripts" / "services"


# ----------------------------------------------------------------------------- private services

class PrivateService:
    """One instance of a scripts/services/<kind>.sh service with its own name, ports and data
    folder (under a temporary TRIBUTARY_SERVICES_DIR). stop()/start() keep the data."""

    def __init__(self, kind, base_dir, env_extra):
        self.script = str(SERVICES / f"{kind}.sh")
        self.env = dict(os.environ)
        self.env["TRIBUTARY_SERVICES_DIR"] = str(base_dir)
        self.env.update(env_extra)

    def run(self, action, timeout=180):
        r = subprocess.run([self.script, action], env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            pytest.fail(f"{self.script} {action} failed ({r.returncode}):\n{r.stderr[-3000:]}")
        return r.stderr

    def start(self):
        return self.run("start")

    def stop(self):
        return self.run("stop")


@pytest.fixture(scope="module")
def services_dir():
    # Short path: MariaDB's socket lives there (sun_path is 108 bytes).
    d = pathlib.Path(tempfile.mkdtemp(prefix="trib-rs-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def private_kafka(services_dir):
    if shutil.which("java") is None:
        pytest.skip("java not installed")
    port, cport = free_port(), free_port()
    k = PrivateService("kafka", services_dir, {
        "TRIBUTARY_KAFKA_NAME": "kafka-restarts", "TRIBUTARY_KAFKA_PORT": str(port),
        "TRIBUTARY_KAFKA_CONTROLLER_PORT": str(cport), "TRIBUTARY_KAFKA_HEAP": "256m"})
    k.bootstrap = f"127.0.0.1:{port}"
    k.start()
    try:
        yield k
    finally:
        k.run("reset")


@pytest.fixture(scope="module")
def private_mariadb(services_dir):
    if shutil.which("mariadbd") is None:
        pytest.skip("mariadbd not installed")
    port = free_port()
    m = PrivateService("mariadb", services_dir, {
        "TRIBUTARY_MARIADB_NAME": "mariadb-restarts", "TRIBUTARY_MARIADB_PORT": str(port),
        "TRIBUTARY_MARIADB_SERVER_ID": "11"})
    m.port = port
    m.start()
    try:
        yield m
    finally:
        m.run("reset")


@pytest.fixture
def on_private_kafka(private_kafka, monkeypatch):
    """source_config() and read_topic() use the private broker."""
    monkeypatch.setenv("TRIBUTARY_KAFKA_BOOTSTRAP", private_kafka.bootstrap)
    return private_kafka


def mysql_connect(port, db=None):
    return pymysql.connect(host="127.0.0.1", port=port, user="admin",
                           password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"), database=db,
                           autocommit=True, charset="utf8mb4", connect_timeout=2)


def sql(port, statements, db=None):
    c = mysql_connect(port, db)
    try:
        with c.cursor() as cur:
            out = None
            for s in statements:
                cur.execute(s)
                out = cur.fetchall()
            return out
    finally:
        c.close()


@pytest.fixture
def database(request):
    """A fresh database on the shared MariaDB (removed afterwards)."""
    port = int(env("TRIBUTARY_MARIADB_PORT", "3306"))
    name = unique("rs")
    sql(port, [f"CREATE DATABASE {name}"])
    yield name
    sql(port, [f"DROP DATABASE IF EXISTS {name}"])


# ----------------------------------------------------------------------------- workload and judges

class Inserter(threading.Thread):
    """Steady inserts: transactions of `batch` rows (ids 1, 2, 3, ...) with a `pad`-byte
    filler. Survives a server restart: a failed transaction is retried once the server is
    back (its fate is settled by reading the table at the end)."""

    def __init__(self, port, db, table="t", batch=10, pad=100, pause=0.02):
        super().__init__(daemon=True)
        self.port, self.db, self.table = port, db, table
        self.batch, self.pad, self.pause = batch, pad, pause
        self.stop = threading.Event()
        self.next_id = 1
        self.bytes = 0      # filler bytes committed
        self.errors = 0

    def run(self):
        conn = None
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = mysql_connect(self.port, self.db)
                ids = list(range(self.next_id, self.next_id + self.batch))
                with conn.cursor() as cur:
                    cur.execute("BEGIN")
                    cur.executemany(f"INSERT INTO {self.table} (id, pad) VALUES (%s, %s)",
                                    [(i, chr(97 + i % 26) * self.pad) for i in ids])
                    cur.execute("COMMIT")
                self.next_id += self.batch
                self.bytes += self.batch * self.pad
            except pymysql.err.IntegrityError:
                # The COMMIT went through before the connection broke: move on.
                self.next_id += self.batch
            except pymysql.err.MySQLError:
                self.errors += 1
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
                time.sleep(0.2)
                continue
            time.sleep(self.pause)
        if conn is not None:
            conn.close()


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak = 0

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, rss_kb(self.pid))
            except OSError:
                return
            time.sleep(0.1)


def ids_in_topic(topic, expect, isolation="read_uncommitted", timeout=120):
    """The `id` of every change record of `topic` (tombstones and deletes left out)."""
    recs, _ = read_topic(topic, expect=expect, timeout=timeout, isolation=isolation)
    ids = []
    for m in recs:
        k, v = decode(m)
        if v is not None:
            ids.append(payload(k)["id"])
    return ids


def assert_each_once(ids, expected):
    counts = {}
    for i in ids:
        counts[i] = counts.get(i, 0) + 1
    missing = sorted(set(expected) - set(counts))
    dups = sorted(i for i, n in counts.items() if n > 1)
    extra = sorted(set(counts) - set(expected))
    assert not missing, f"{len(missing)} rows lost, e.g. {missing[:10]}"
    assert not extra, f"rows that were never committed: {extra[:10]}"
    assert not dups, f"{len(dups)} rows duplicated, e.g. {dups[:10]}"


def stored_offset(bootstrap, topic, name, server, timeout=10):
    """The newest value stored under ["name",{"server":server}] in the offsets topic."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("judge"),
                  "enable.auto.commit": False, "enable.partition.eof": True,
                  "isolation.level": "read_committed"})
    try:
        md = c.list_topics(topic, timeout=10)
        parts = sorted(md.topics[topic].partitions)
        c.assign([TopicPartition(topic, p, 0) for p in parts])
        want = json.dumps([name, {"server": server}], separators=(",", ":")).encode()
        latest, eof = None, set()
        deadline = time.time() + timeout
        while len(eof) < len(parts) and time.time() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                eof.add(m.partition())
                continue
            if m.key() == want:
                latest = json.loads(m.value()) if m.value() is not None else None
        return latest
    finally:
        c.close()


def wait_for(what, predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


# ----------------------------------------------------------------------------- tests

def test_broker_restart_mid_stream_loses_nothing_and_memory_stays_bounded(
        tributary_bin, tmp_path, on_private_kafka, database):
    kafka, db = on_private_kafka, database
    port = int(env("TRIBUTARY_MARIADB_PORT", "3306"))
    sql(port, ["CREATE TABLE t (id INT PRIMARY KEY, pad MEDIUMTEXT)"], db=db)
    prefix = db
    name = unique("c")
    offsets_topic = f"{prefix}.offsets"
    conn = Connector(tributary_bin, tmp_path, name, source_config(
        db, prefix, **{"snapshot.mode": "no_data", "max.queue.size": "1000", "max.batch.size": "500", "max.queue.size.in.bytes": str(4 << 20),
                       "offset.storage.topic": offsets_topic}))
    conn.start().wait_streaming()
    writer = Inserter(port, db, batch=10, pad=4000, pause=0.01)
    writer.start()
    time.sleep(3)
    wait_for("the first rows in Kafka", lambda: stored_offset(kafka.bootstrap, offsets_topic, name,
                                                              prefix), timeout=30)
    rss_before = rss_kb(conn.proc.pid)
    sampler = RssSampler(conn.proc.pid)
    sampler.start()
    bytes_before = writer.bytes
    kafka.stop()
    down_at = time.time()
    # Down for 10 s, and until far more than the 4 MiB bound was written (a busy machine
    # writes slower), up to 60 s.
    time.sleep(10)
    while writer.bytes - bytes_before < (24 << 20) and time.time() - down_at < 60:
        time.sleep(0.5)
    bytes_during = writer.bytes - bytes_before
    assert conn.proc.poll() is None, f"the connector exited while the broker was down:\n{conn.stderr()}"
    kafka.start()
    down_for = time.time() - down_at
    sampler.stop.set()
    sampler.join()
    time.sleep(3)
    writer.stop.set()
    writer.join()
    n = writer.next_id - 1
    expected = [r[0] for r in sql(port, ["SELECT id FROM t"], db=db)]
    assert len(expected) == n
    ids = ids_in_topic(f"{prefix}.{db}.t", expect=n)
    assert_each_once(ids, expected)
    assert conn.proc.poll() is None, conn.stderr()

    # Memory: librdkafka's queue is bounded (4 MiB here); the binlog waits on the server.
    growth_mb = (sampler.peak - rss_before) / 1024
    written_mb = bytes_during / 2**20
    print(f"broker down {down_for:.1f} s; {written_mb:.1f} MB of filler written meanwhile; "
          f"RSS {rss_before / 1024:.1f} MB before, peak {sampler.peak / 1024:.1f} MB "
          f"(+{growth_mb:.1f} MB); {n} rows")
    assert written_mb > 20, "the workload was too small to show a bound"
    assert growth_mb < 24, f"RSS grew by {growth_mb:.1f} MB while the broker was down"

    # The stored offset caught up with the binlog's end after the outage (the shared server's
    # binlog moves on with other writers: at or after where it was).
    status = sql(port, ["SHOW MASTER STATUS"])[0]

    def caught_up():
        off = stored_offset(kafka.bootstrap, offsets_topic, name, prefix)
        return off if off and (off["file"], off["pos"]) >= (status[0], status[1]) else None

    off = wait_for("the offset at the end of the binlog", caught_up, timeout=30)
    assert off.get("gtids"), off
    assert conn.stop() == 0


def contiguous_prefix(ids):
    """The largest k with 1..k all in `ids`."""
    have, k = set(ids), 0
    while k + 1 in have:
        k += 1
    return k


def test_broker_down_longer_than_the_delivery_timeout_stops_and_resumes_without_loss(
        tributary_bin, tmp_path, on_private_kafka, database):
    """A user-set delivery.timeout.ms shorter than the outage: the producer gives records
    up. The connector stops with a clear error (as a Kafka Connect task fails) instead of
    spinning, stores the newest acknowledged offset, and a restart loses nothing;
    duplicates only after what Kafka had acknowledged."""
    kafka, db = on_private_kafka, database
    port = int(env("TRIBUTARY_MARIADB_PORT", "3306"))
    sql(port, ["CREATE TABLE t (id INT PRIMARY KEY, pad MEDIUMTEXT)"], db=db)
    prefix = db
    conn = Connector(tributary_bin, tmp_path, unique("c"), source_config(
        db, prefix, **{"snapshot.mode": "no_data", "producer.override.delivery.timeout.ms": "5000",
                       "offset.storage.topic": f"{prefix}.offsets"}))
    conn.start().wait_streaming()
    writer = Inserter(port, db, batch=5, pad=100, pause=0.01)
    writer.start()
    time.sleep(2)
    acked_before = contiguous_prefix(ids_in_topic(f"{prefix}.{db}.t", expect=1, timeout=20))
    assert acked_before > 0
    kafka.stop()
    try:
        rc = conn.wait_exit(timeout=60)
        err = conn.stderr()
        assert rc == 1, err
        # Whichever producer gives up first (the events' or the offsets store's) says so.
        assert "Stopping: a restart resumes at" in err and "delivery.timeout.ms" in err, err[-2000:]
        assert err.count("reconnecting at") <= 2, "the connector spun on a dead producer"
    finally:
        kafka.start()  # the next tests share this broker
    # The broker serves the topics again before the restart (the 5 s timeout is short).
    ids_in_topic(f"{prefix}.{db}.t", expect=1, timeout=30)
    conn.start().wait_streaming()
    time.sleep(2)
    writer.stop.set()
    writer.join()
    n = writer.next_id - 1
    expected = [r[0] for r in sql(port, ["SELECT id FROM t"], db=db)]
    ids = ids_in_topic(f"{prefix}.{db}.t", expect=n)
    assert set(ids) == set(expected), f"lost: {sorted(set(expected) - set(ids))[:10]}"
    counts = {}
    for i in ids:
        counts[i] = counts.get(i, 0) + 1
    dups = sorted(i for i, c in counts.items() if c > 1)
    assert all(i > acked_before for i in dups), (acked_before, dups[:10])
    print(f"{n} rows, {len(dups)} sent twice (after the {acked_before} acknowledged first)")
    assert conn.stop() == 0


def test_exactly_once_across_a_broker_restart(tributary_bin, tmp_path, on_private_kafka, database):
    kafka, db = on_private_kafka, database
    port = int(env("TRIBUTARY_MARIADB_PORT", "3306"))
    sql(port, ["CREATE TABLE t (id INT PRIMARY KEY, pad MEDIUMTEXT)"], db=db)
    prefix = db
    conn = Connector(tributary_bin, tmp_path, unique("c"), source_config(
        db, prefix, **{"snapshot.mode": "no_data", "exactly.once.support": "required", "poll.interval.ms": "100",
                       "offset.storage.topic": f"{prefix}.offsets"}))
    conn.start().wait_streaming()
    writer = Inserter(port, db, batch=5, pad=200, pause=0.01)
    writer.start()
    time.sleep(3)
    kafka.stop()
    time.sleep(10)
    assert conn.proc.poll() is None, f"the connector exited while the broker was down:\n{conn.stderr()}"
    kafka.start()
    time.sleep(3)
    writer.stop.set()
    writer.join()
    n = writer.next_id - 1
    expected = [r[0] for r in sql(port, ["SELECT id FROM t"], db=db)]
    assert len(expected) == n
    ids = ids_in_topic(f"{prefix}.{db}.t", expect=n, isolation="read_committed")
    assert_each_once(ids, expected)
    assert conn.proc.poll() is None, conn.stderr()
    assert conn.stop() == 0


def test_exactly_once_when_the_broker_is_away_longer_than_the_delivery_timeout(
        tributary_bin, tmp_path, on_private_kafka, database):
    """Exactly-once with an outage longer than delivery.timeout.ms: records of the open
    transaction fail, its commit is aborted (or left pending and resolved later), and the
    connector must send everything after its last commit again: a read_committed consumer
    sees each row exactly once. (A connector that only rewound when the retried commit
    said "aborted" lost the aborted transaction's rows here.)"""
    kafka, db = on_private_kafka, database
    port = int(env("TRIBUTARY_MARIADB_PORT", "3306"))
    sql(port, ["CREATE TABLE t (id INT PRIMARY KEY, pad MEDIUMTEXT)"], db=db)
    prefix = db
    conn = Connector(tributary_bin, tmp_path, unique("c"), source_config(
        db, prefix, **{"snapshot.mode": "no_data", "exactly.once.support": "required",
                       "poll.interval.ms": "100", "producer.override.delivery.timeout.ms": "8000",
                       "offset.storage.topic": f"{prefix}.offsets"}))
    conn.start().wait_streaming()
    writer = Inserter(port, db, batch=5, pad=200, pause=0.01)
    writer.start()
    time.sleep(3)
    kafka.stop()
    time.sleep(20)
    kafka.start()
    time.sleep(5)
    if conn.proc.poll() is not None:  # stopping with an error is allowed: a restart resumes
        assert conn.proc.returncode == 1, conn.stderr()[-3000:]
        conn.start().wait_streaming()
    time.sleep(3)
    writer.stop.set()
    writer.join()
    n = writer.next_id - 1
    expected = [r[0] for r in sql(port, ["SELECT id FROM t"], db=db)]
    assert len(expected) == n
    ids = ids_in_topic(f"{prefix}.{db}.t", expect=n, isolation="read_committed", timeout=180)
    assert_each_once(ids, expected)
    assert conn.stop() == 0


def test_server_restart_mid_stream_resumes_at_its_position(tributary_bin, tmp_path, on_private_kafka,
                                                           private_mariadb, monkeypatch):
    kafka, server = on_private_kafka, private_mariadb
    monkeypatch.setenv("TRIBUTARY_MARIADB_PORT", str(server.port))
    port = server.port
    db = prefix = unique("rs")
    sql(port, [f"CREATE DATABASE {db}", f"CREATE TABLE {db}.t (id INT PRIMARY KEY, pad TEXT)"])
    name = unique("c")
    offsets_topic = f"{prefix}.offsets"
    conn = Connector(tributary_bin, tmp_path, name, source_config(
        db, prefix, **{"snapshot.mode": "no_data", "offset.storage.topic": offsets_topic,
                       "connect.keep.alive.interval.ms": "1000"}))
    conn.start().wait_streaming()
    file_before = sql(port, ["SHOW MASTER STATUS"])[0][0]
    writer = Inserter(port, db, batch=3, pad=50, pause=0.005)
    writer.start()
    time.sleep(3)
    server.stop()
    time.sleep(4)
    assert conn.proc.poll() is None, f"the connector exited while the server was down:\n{conn.stderr()}"
    server.start()
    time.sleep(3)
    # A schema change after the restart: the connector's schema tracking goes on.
    sql(port, ["ALTER TABLE t ADD COLUMN c2 INT NOT NULL DEFAULT 7"], db=db)
    time.sleep(1)
    writer.stop.set()
    writer.join()
    assert writer.errors > 0, "the writer never saw the server go away"
    rows = sql(port, ["SELECT id, c2 FROM t"], db=db)
    expected = [r[0] for r in rows]
    recs, _ = read_topic(f"{prefix}.{db}.t", expect=len(expected), timeout=120)
    ids = [payload(decode(m)[0])["id"] for m in recs]
    if len(set(ids)) != len(expected):
        # Diagnostics for a loss of the first rows of one partition seen once (not
        # reproduced since): watermarks and what was read per partition.
        c = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": unique("judge")})
        for p in range(3):
            print("partition", p, c.get_watermark_offsets(TopicPartition(f"{prefix}.{db}.t", p)))
        by = {}
        for m in recs:
            by.setdefault(m.partition(), []).append((m.offset(), payload(decode(m)[0])["id"]))
        for p, l in by.items():
            print("read", p, len(l), l[:8])
        print("STDERR", conn.stderr()[-3000:])
    assert_each_once(ids, expected)
    after_ddl = [payload(decode(m)[1])["after"] for m in recs if "c2" in payload(decode(m)[1])["after"]]
    assert after_ddl and all(a["c2"] == 7 for a in after_ddl)
    assert conn.proc.poll() is None, conn.stderr()
    assert "reconnecting at" in conn.stderr()

    # The stored offset reaches the end of the new binlog file with the server's GTID
    # position, and a restart from it resends nothing.
    file_after, pos_after = sql(port, ["SHOW MASTER STATUS"])[0][:2]
    assert file_after != file_before, "the restart did not start a new binlog file"
    gtid_pos = sql(port, ["SELECT @@gtid_binlog_pos"])[0][0]

    def caught_up():
        off = stored_offset(kafka.bootstrap, offsets_topic, name, prefix)
        return off if off and off["file"] == file_after and off["pos"] == pos_after else None

    off = wait_for("the offset at the end of the binlog", caught_up, timeout=30)
    assert off["gtids"] == gtid_pos, (off, gtid_pos)
    assert conn.stop() == 0
    conn.start().wait_streaming()
    assert f'"file":"{file_after}","pos":{pos_after}' in conn.stderr()
    sql(port, ["INSERT INTO t (id, pad) VALUES (1000001, 'after'), (1000002, 'after')"], db=db)
    recs, _ = read_topic(f"{prefix}.{db}.t", expect=len(expected) + 2, timeout=60)
    ids = [payload(decode(m)[0])["id"] for m in recs]
    assert_each_once(ids, expected + [1000001, 1000002])
    assert conn.stop() == 0
