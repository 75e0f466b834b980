"""The MySQL source connector end to end: `tributary run <source.json>` against the real
MariaDB and Kafka, judged by an independent Kafka client (confluent-kafka) and PyMySQL.

Each test uses its own database, topic prefix, history topic, connector name and replica
server id, so runs never collide with each other or with other suites. The connector
binary is $TRIBUTARY_BIN (default build/rel/src/cli/tributary).
"""

import base64
import json
import os
import pathlib
import pwd
import random
import shutil
import signal
import subprocess
import threading
import time
import uuid

import pymysql
import pytest

from conftest import (ROOT, Connector, admin_sql, decode, delete_topics, env, free_port,  # noqa: F401
                      headers, payload, read_topic, source_config, unique, workspace)

USER = pwd.getpwuid(os.getuid()).pw_name
ENVELOPE_FIELDS = ["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"]
SOURCE_FIELDS = ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us",
                 "ts_ns", "table", "server_id", "gtid", "file", "pos", "row", "thread", "query"]


# ----------------------------------------------------------------------------- helpers

def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (Utils.murmur2), as a signed 32-bit int."""
    m, r = 0x5BD1E995, 24
    length = len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    for i in range(0, length - length % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    rest = length % 4
    tail = data[length - rest:]
    if rest == 3:
        h ^= tail[2] << 16
    if rest >= 2:
        h ^= tail[1] << 8
    if rest >= 1:
        h ^= tail[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def kafka_partition(key: bytes, partitions: int) -> int:
    return (murmur2(key) & 0x7FFFFFFF) % partitions


# ----------------------------------------------------------------------------- data

TYPES_DDL = """CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED,
  b1 BIT(1), b9 BIT(9), dec1 DECIMAL(10,2), fl FLOAT, db DOUBLE,
  d DATE, t TIME(3), dt DATETIME(3), ts TIMESTAMP(6) NULL, y YEAR,
  c CHAR(5), vc VARCHAR(50), tx TEXT, bin BINARY(3), vb VARBINARY(10), bl BLOB,
  e ENUM('red','green'), s SET('a','b','c'), j JSON)"""

TYPES_ROW = ("INSERT INTO types VALUES (1, -5, 65535, -300, -9000000000, 18446744073709551615,"
             " b'1', b'100000001', 1.50, 1.5, 2.25, '2024-02-29', '12:34:56.789',"
             " '2024-01-02 03:04:05.678', '2024-01-02 03:04:05.123456', 2024,"
             " 'ab', 'héllo wörld ✓', 'long text', 'xyz', x'00ff', x'cafe',"
             " 'green', 'a,c', '{\"k\": [1, 2]}')")


def check_envelope(v, prefix, db, table):
    p = payload(v)
    assert list(p.keys()) == ENVELOPE_FIELDS
    assert list(p["source"].keys()) == SOURCE_FIELDS
    src = p["source"]
    assert src["connector"] == "mysql" and src["name"] == prefix
    assert src["db"] == db and src["table"] == table
    assert src["snapshot"] == "false"
    assert src["file"].startswith("mariadb-bin.") and src["pos"] > 0
    assert src["server_id"] == 1 and src["gtid"] is not None
    assert p["ts_ms"] * 1000 <= p["ts_us"] <= p["ts_ms"] * 1000 + 999
    return p


# ----------------------------------------------------------------------------- tests

def test_streams_changes_of_several_tables_with_keys_partitions_and_ddl(tributary_bin, tmp_path,
                                                                         workspace):
    db = prefix = workspace
    admin_sql([TYPES_DDL,
               "CREATE TABLE orders (id INT, region CHAR(2), qty INT, PRIMARY KEY (id, region))",
               "CREATE TABLE nokey (a INT, b VARCHAR(10))"], db=db)
    conn = Connector(tributary_bin, tmp_path, unique("c"), source_config(db, prefix)).start()
    conn.wait_streaming()
    admin_sql([TYPES_ROW,
               "INSERT INTO orders VALUES (1,'eu',5),(2,'us',7),(3,'eu',1)",
               "UPDATE orders SET qty=qty+1 WHERE id=1",
               "DELETE FROM orders WHERE id=2",
               "UPDATE orders SET id=30 WHERE id=3",          # primary key change
               "INSERT INTO nokey VALUES (1,'x')",
               "ALTER TABLE orders ADD COLUMN note VARCHAR(20) DEFAULT 'n/a'",
               "INSERT INTO orders (id, region, qty, note) VALUES (4,'eu',9,'after ddl')"], db=db)

    orders, nparts = read_topic(f"{prefix}.{db}.orders", expect=10)
    assert nparts == 3
    for m in orders:
        if m.key() is not None:
            assert m.partition() == kafka_partition(m.key(), 3), "key not on Kafka's partition"
    events = [(decode(m), m) for m in orders]
    by_key = {}
    for (k, v), m in events:
        by_key.setdefault(json.dumps(payload(k), sort_keys=True), []).append((v, m))

    def ops(key):
        return [payload(v)["op"] if v is not None else "tombstone"
                for v, _ in by_key[json.dumps(key, sort_keys=True)]]

    assert ops({"id": 1, "region": "eu"}) == ["c", "u"]
    assert ops({"id": 2, "region": "us"}) == ["c", "d", "tombstone"]
    assert ops({"id": 3, "region": "eu"}) == ["c", "d", "tombstone"]
    assert ops({"id": 30, "region": "eu"}) == ["c"]
    assert ops({"id": 4, "region": "eu"}) == ["c"]
    first = payload(by_key[json.dumps({"id": 1, "region": "eu"}, sort_keys=True)][1][0])
    check_envelope(by_key[json.dumps({"id": 1, "region": "eu"}, sort_keys=True)][1][0], prefix, db,
                   "orders")
    assert first["before"] == {"id": 1, "region": "eu", "qty": 5}
    assert first["after"] == {"id": 1, "region": "eu", "qty": 6}
    # Primary key change: delete with the new key in a header, tombstone, create with the old.
    pk_delete = by_key[json.dumps({"id": 3, "region": "eu"}, sort_keys=True)][1][1]
    assert json.loads(headers(pk_delete)["__debezium.newkey"]) == {"id": 30, "region": "eu"}
    pk_create = by_key[json.dumps({"id": 30, "region": "eu"}, sort_keys=True)][0][1]
    assert json.loads(headers(pk_create)["__debezium.oldkey"]) == {"id": 3, "region": "eu"}
    # The DDL mid-stream shows in the schema and the row.
    after_ddl, _ = by_key[json.dumps({"id": 4, "region": "eu"}, sort_keys=True)][0]
    assert payload(after_ddl)["after"] == {"id": 4, "region": "eu", "qty": 9, "note": "after ddl"}
    after_fields = [f["field"] for f in after_ddl["schema"]["fields"][1]["fields"]]
    assert after_fields == ["id", "region", "qty", "note"]
    assert after_ddl["schema"]["name"] == f"{prefix}.{db}.orders.Envelope"

    # A table without a primary key: null keys.
    nokey, _ = read_topic(f"{prefix}.{db}.nokey", expect=1)
    assert nokey[0].key() is None
    assert payload(decode(nokey[0])[1])["after"] == {"a": 1, "b": "x"}

    # Every type family, as Debezium maps it (formats.md 2.11).
    types, _ = read_topic(f"{prefix}.{db}.types", expect=1)
    key, value = decode(types[0])
    assert payload(key) == {"id": 1}
    a = check_envelope(value, prefix, db, "types")["after"]
    assert a["ti"] == -5 and a["si"] == 65535 and a["mi"] == -300 and a["bi"] == -9000000000
    assert a["bu"] == -1  # bigint.unsigned.handling.mode=long wraps, as Debezium
    assert a["b1"] is True
    assert base64.b64decode(a["b9"]) == bytes([0x01, 0x01])  # little-endian bytes
    assert base64.b64decode(a["dec1"]) == (150).to_bytes(2, "big", signed=True)
    assert a["fl"] == 1.5 and a["db"] == 2.25
    assert a["d"] == 19782  # days since the epoch
    assert a["t"] == 45296789000  # microseconds
    assert a["dt"] == 1704164645678  # milliseconds
    assert a["ts"] == "2024-01-02T03:04:05.123456Z"
    assert a["y"] == 2024
    assert a["c"] == "ab" and a["vc"] == "héllo wörld ✓" and a["tx"] == "long text"
    assert base64.b64decode(a["bin"]) == b"xyz" and base64.b64decode(a["vb"]) == b"\x00\xff"
    assert base64.b64decode(a["bl"]) == b"\xca\xfe"
    assert a["e"] == "green" and a["s"] == "a,c"
    assert json.loads(a["j"]) == {"k": [1, 2]}

    # Schema changes: the bootstrap definitions and the ALTER, on <prefix>.
    changes, _ = read_topic(prefix, expect=4)
    ddls = [payload(decode(m)[1])["ddl"] for m in changes]
    assert any("ALTER TABLE orders ADD COLUMN note" in d for d in ddls), ddls
    assert all(m.partition() == 0 for m in changes)

    assert conn.stop() == 0
    err = conn.stderr()
    assert "source stopped" in err and "offset {\"file\":\"mariadb-bin." in err


def test_schemas_disabled_gives_bare_json(tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))"], db=db)
    cfg = source_config(db, prefix, **{"key.converter.schemas.enable": "false",
                                       "value.converter.schemas.enable": "false"})
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    conn.wait_streaming()
    admin_sql(["INSERT INTO t VALUES (7,'seven')", "DELETE FROM t WHERE id=7"], db=db)
    recs, _ = read_topic(f"{prefix}.{db}.t", expect=3)
    assert recs[0].key() == b'{"id":7}'
    v = json.loads(recs[0].value())
    assert list(v.keys()) == ENVELOPE_FIELDS
    assert v["after"] == {"id": 7, "name": "seven"} and v["op"] == "c"
    assert json.loads(recs[1].value())["op"] == "d"
    assert recs[2].value() is None and recs[2].key() == b'{"id":7}'
    # A source run alone re-executes itself (same pid) with mimalloc preloaded when the
    # build found it (`tributary version` says so): glibc's malloc costs it a sixth of its CPU.
    version = subprocess.run([tributary_bin, "version"], capture_output=True, text=True).stdout
    maps = pathlib.Path(f"/proc/{conn.proc.pid}/maps").read_text()
    if "source connectors: mimalloc preloaded" in version:
        assert "libmimalloc" in maps
    # ... under its own name, not the "exe" of /proc/self/exe (ps, top).
    comm = pathlib.Path(f"/proc/{conn.proc.pid}/comm").read_text().strip()
    assert comm == pathlib.Path(tributary_bin).name[:15], comm
    assert conn.stop() == 0


def test_transactions_heartbeats_truncate_and_query(tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE a (id INT PRIMARY KEY)", "CREATE TABLE b (id INT PRIMARY KEY)"], db=db)
    cfg = source_config(db, prefix, **{"provide.transaction.metadata": "true",
                                       "heartbeat.interval.ms": "300",
                                       "include.query": "true",
                                       "skipped.operations": "none"})
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    conn.wait_streaming()
    c = pymysql.connect(host="127.0.0.1", port=int(env("TRIBUTARY_MARIADB_PORT", "3306")),
                        user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                        database=db, autocommit=False)
    with c.cursor() as cur:
        cur.execute("INSERT INTO a VALUES (1),(2)")
        cur.execute("INSERT INTO b VALUES (1)")
    c.commit()
    c.close()
    admin_sql(["TRUNCATE TABLE a"], db=db)
    a_recs, _ = read_topic(f"{prefix}.{db}.a", expect=3)
    # Three partitions: order only holds per key; the truncate (null key) goes anywhere.
    a_recs.sort(key=lambda m: (payload(decode(m)[1])["op"] == "t",
                               (payload(decode(m)[1])["after"] or {}).get("id", 0)))
    a_vals = [payload(decode(m)[1]) for m in a_recs]
    assert [v["op"] for v in a_vals] == ["c", "c", "t"]
    assert a_recs[2].key() is None
    tx = a_vals[0]["transaction"]
    assert tx["id"] == a_vals[0]["source"]["gtid"]
    assert (tx["total_order"], tx["data_collection_order"]) == (1, 1)
    assert (a_vals[1]["transaction"]["total_order"], a_vals[1]["transaction"]["data_collection_order"]) == (2, 2)
    assert a_vals[0]["source"]["query"] == "INSERT INTO a VALUES (1),(2)"
    b_vals = [payload(decode(m)[1]) for m in read_topic(f"{prefix}.{db}.b", expect=1)[0]]
    assert (b_vals[0]["transaction"]["total_order"], b_vals[0]["transaction"]["data_collection_order"]) == (3, 1)
    markers, _ = read_topic(f"{prefix}.transaction", expect=2)
    m = [payload(decode(x)[1]) for x in markers]
    assert [x["status"] for x in m[:2]] == ["BEGIN", "END"]
    assert m[1]["id"] == tx["id"] and m[1]["event_count"] == 3
    assert sorted((d["data_collection"], d["event_count"]) for d in m[1]["data_collections"]) == [
        (f"{db}.a", 2), (f"{db}.b", 1)]
    time.sleep(1)
    beats, _ = read_topic(f"__debezium-heartbeat.{prefix}", expect=2)
    assert payload(decode(beats[0])[0]) == {"serverName": prefix}
    assert payload(decode(beats[0])[1])["ts_ms"] > 0
    assert conn.stop() == 0


class Writer(threading.Thread):
    """Inserts rows and updates them, each change bumping the row's version `v`."""

    def __init__(self, db, tables=("w1", "w2")):
        super().__init__(daemon=True)
        self.db = db
        self.tables = tables
        self.stop = threading.Event()
        self.versions = {}  # (table, id) -> last version written
        self.count = 0

    def run(self):
        c = pymysql.connect(host="127.0.0.1", port=int(env("TRIBUTARY_MARIADB_PORT", "3306")),
                            user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                            database=self.db, autocommit=True)
        rnd = random.Random(5)
        next_id = 1
        with c.cursor() as cur:
            while not self.stop.is_set():
                table = self.tables[self.count % len(self.tables)]
                if next_id < 20 or rnd.random() < 0.6:
                    # multi-row transaction: several rows events
                    ids = list(range(next_id, next_id + 3))
                    next_id += 3
                    cur.execute("BEGIN")
                    for i in ids:
                        cur.execute(f"INSERT INTO {table} (id, v) VALUES (%s, 0)", (i,))
                        self.versions[(table, i)] = 0
                    cur.execute("COMMIT")
                else:
                    keys = [k for k in self.versions if k[0] == table]
                    k = rnd.choice(keys)
                    cur.execute(f"UPDATE {table} SET v = v + 1 WHERE id = %s", (k[1],))
                    self.versions[k] += 1
                self.count += 1
                time.sleep(0.002)
        c.close()


def check_every_change_once_or_more_in_order(db, prefix, writer, isolation="read_uncommitted",
                                             exactly_once=False):
    expected = sum(v + 1 for v in writer.versions.values())
    seen = {}
    total = 0
    for table in writer.tables:
        recs, _ = read_topic(f"{prefix}.{db}.{table}", expect=None, timeout=120, isolation=isolation,
                             settle=3.0)
        for m in recs:
            k, v = decode(m)
            p = payload(v)
            seen.setdefault((table, payload(k)["id"]), []).append(p["after"]["v"])
            total += 1
    missing = []
    for key, last in writer.versions.items():
        got = seen.get(key, [])
        # In order per key: the versions seen never go back except when a restart resends
        # a suffix; the distinct versions are exactly 0..last (no gap).
        if sorted(set(got)) != list(range(last + 1)):
            missing.append((key, last, got))
        firsts = []
        for x in got:
            if x not in firsts:
                firsts.append(x)
        assert firsts == sorted(firsts), f"{key}: versions out of order {got}"
        if exactly_once:
            assert got == list(range(last + 1)), f"{key}: duplicates under exactly-once {got}"
    assert not missing, f"{len(missing)} keys with missing changes, e.g. {missing[:3]}"
    return expected, total


def test_kill_9_mid_stream_loses_nothing_and_resumes(tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE w1 (id INT PRIMARY KEY, v INT)",
               "CREATE TABLE w2 (id INT PRIMARY KEY, v INT)"], db=db)
    conn = Connector(tributary_bin, tmp_path, unique("c"), source_config(db, prefix))
    conn.start().wait_streaming()
    writer = Writer(db)
    writer.start()
    for _ in range(3):
        time.sleep(random.uniform(1.5, 3.0))
        assert conn.stop(signal.SIGKILL) == -signal.SIGKILL
        time.sleep(random.uniform(0.2, 1.0))  # the writer goes on meanwhile
        conn.start().wait_streaming()
        assert "resuming at {\"file\"" in conn.stderr()
    time.sleep(2)
    writer.stop.set()
    writer.join()
    expected, total = check_every_change_once_or_more_in_order(db, prefix, writer)
    assert conn.stop() == 0
    # Resumed from the stored offsets, not from the start: few duplicates.
    assert expected > 500, expected
    assert total - expected < expected * 0.5, (total, expected)
    first_row_events = 0
    for m in read_topic(f"{prefix}.{db}.w1", timeout=30)[0]:
        k, v = decode(m)
        if payload(k)["id"] == 1 and payload(v)["op"] == "c":
            first_row_events += 1
    assert first_row_events == 1


def test_exactly_once_read_committed_sees_each_change_once(tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    admin_sql(["CREATE TABLE w1 (id INT PRIMARY KEY, v INT)",
               "CREATE TABLE w2 (id INT PRIMARY KEY, v INT)"], db=db)
    cfg = source_config(db, prefix, **{"exactly.once.support": "required",
                                       "poll.interval.ms": "100",
                                       "offsets.storage.topic": f"{prefix}.offsets"})
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg)
    conn.start().wait_streaming()
    writer = Writer(db)
    writer.start()
    for _ in range(3):
        time.sleep(random.uniform(1.5, 3.0))
        assert conn.stop(signal.SIGKILL) == -signal.SIGKILL
        time.sleep(0.5)
        conn.start().wait_streaming()
    time.sleep(2)
    writer.stop.set()
    writer.join()
    time.sleep(2)
    expected, total = check_every_change_once_or_more_in_order(
        db, prefix, writer, isolation="read_committed", exactly_once=True)
    assert total == expected
    assert conn.stop() == 0


def test_the_seeds_1x_keys_config_runs(tributary_bin, tmp_path, workspace):
    """examples/local/mysql_connector.json with Debezium 1.x key spellings."""
    db = prefix = workspace
    admin_sql(["CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(50))"], db=db)
    seed = json.loads((ROOT / "examples" / "local" / "mysql_connector.json").read_text())
    cfg = dict(seed["config"])
    for new, old in [("topic.prefix", "database.server.name"),
                     ("schema.history.internal.kafka.bootstrap.servers",
                      "database.history.kafka.bootstrap.servers"),
                     ("schema.history.internal.kafka.topic", "database.history.kafka.topic")]:
        cfg.pop(new, None)
    cfg.update({"database.server.name": prefix, "database.include.list": db,
                "database.server.id": str(random.randint(100000, 4000000000)),
                # The services the tests run against (the seed names the default ports).
                "database.hostname": env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
                "database.port": env("TRIBUTARY_MARIADB_PORT", "3306"),
                "bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP"),
                "database.history.kafka.bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP"),
                "database.history.kafka.topic": f"{prefix}.history",
                "offset.flush.interval.ms": "200"})
    conn = Connector(tributary_bin, tmp_path, unique("seed"), cfg).start()
    conn.wait_streaming()
    admin_sql(["INSERT INTO customers VALUES (1,'a@example.com')",
               "UPDATE customers SET email='b@example.com' WHERE id=1"], db=db)
    recs, _ = read_topic(f"{prefix}.{db}.customers", expect=2)
    vals = [payload(decode(m)[1]) for m in recs]
    assert [v["op"] for v in vals] == ["c", "u"]
    assert vals[1]["after"]["email"] == "b@example.com"
    assert conn.stop() == 0
    # Restarting resumes: a change made while stopped arrives, nothing is sent twice.
    admin_sql(["DELETE FROM customers WHERE id=1"], db=db)
    conn.start().wait_streaming()
    recs, _ = read_topic(f"{prefix}.{db}.customers", expect=4)
    ops = [payload(decode(m)[1])["op"] if m.value() else None for m in recs]
    assert ops == ["c", "u", "d", None]
    assert conn.stop() == 0


def test_user_without_replication_slave_gets_the_documented_error(tributary_bin, tmp_path,
                                                                   workspace):
    db = prefix = workspace
    user = unique("norepl")
    admin_sql([f"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'",
               f"GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION CLIENT ON *.* TO '{user}'@'%'"])
    try:
        cfg = source_config(db, prefix, **{"database.user": user, "database.password": "pw"})
        conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
        rc = conn.wait_exit(timeout=90)
        err = conn.stderr()
        assert rc == 1, err
        assert "REPLICATION SLAVE" in err, err
    finally:
        admin_sql([f"DROP USER IF EXISTS '{user}'@'%'"])


def test_kafka_unreachable_is_a_clear_error(tributary_bin, tmp_path, workspace):
    db = prefix = workspace
    cfg = source_config(db, prefix, **{"bootstrap.servers": "127.0.0.1:1",
                                       "schema.history.internal.kafka.bootstrap.servers": "127.0.0.1:1"})
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    start = time.time()
    rc = conn.wait_exit(timeout=120)
    err = conn.stderr()
    assert rc == 1, err
    assert "Kafka brokers 127.0.0.1:1 are unreachable" in err, err
    assert time.time() - start < 60



@pytest.fixture
def statement_mariadb(tmp_path):
    """A private MariaDB with binlog_format=STATEMENT (the shared one is never changed)."""
    if shutil.which("mariadbd") is None or shutil.which("mariadb-install-db") is None:
        pytest.skip("mariadbd not installed")
    d = pathlib.Path(f"/tmp/trib-stmt-{uuid.uuid4().hex[:8]}")
    d.mkdir()
    port = free_port()
    sock = d / "s.sock"
    subprocess.run(["mariadb-install-db", "--no-defaults", f"--user={USER}",
                    f"--datadir={d}/data", "--auth-root-authentication-method=socket",
                    "--skip-test-db"], check=True, capture_output=True)
    proc = subprocess.Popen(["mariadbd", "--no-defaults", f"--user={USER}",
                             f"--datadir={d}/data", f"--socket={sock}", f"--port={port}",
                             "--bind-address=127.0.0.1", "--server-id=7",
                             f"--log-bin={d}/bin", "--binlog-format=STATEMENT",
                             f"--pid-file={d}/pid"],
                            stdout=subprocess.DEVNULL, stderr=open(d / "log", "w"))
    try:
        for _ in range(100):
            r = subprocess.run(["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e",
                                "CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY 'cdc';"
                                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                                "REPLICATION CLIENT ON *.* TO 'cdc'@'%';"],
                               capture_output=True)
            if r.returncode == 0:
                break
            time.sleep(0.2)
        else:
            pytest.fail("private MariaDB did not start: " + (d / "log").read_text()[-2000:])
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(d, ignore_errors=True)


def test_binlog_format_statement_gets_the_documented_error(tributary_bin, tmp_path, workspace,
                                                           statement_mariadb):
    db = prefix = workspace
    cfg = source_config(db, prefix, **{"database.port": str(statement_mariadb),
                                       "database.password": "cdc"})
    conn = Connector(tributary_bin, tmp_path, unique("c"), cfg).start()
    rc = conn.wait_exit(timeout=90)
    err = conn.stderr()
    assert rc == 1, err
    assert "binlog_format" in err and "ROW" in err, err


def test_lost_history_stops_and_recovery_mode_rebuilds_it(tributary_bin, tmp_path, workspace):
    """Issue 4: offsets without a history stop with a clear message; snapshot.mode=recovery
    rebuilds the history from the server's current schema at the stored offset."""
    db = prefix = workspace
    admin_sql(["CREATE TABLE t (id INT UNSIGNED PRIMARY KEY, name VARCHAR(10))"], db=db)
    history = tmp_path / "history.jsonl"
    cfg = source_config(db, prefix, **{
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(history),
        "offset.storage.file.filename": str(tmp_path / "offsets.json")})
    cfg.pop("schema.history.internal.kafka.topic")
    name = unique("c")
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    conn.wait_streaming()
    admin_sql(["INSERT INTO t VALUES (4294967295, 'one')"], db=db)
    read_topic(f"{prefix}.{db}.t", expect=1)
    assert conn.stop() == 0
    history.unlink()  # the history is lost; the offset remains

    lost = Connector(tributary_bin, tmp_path, name, cfg).start()
    assert lost.wait_exit() == 1
    assert "but the schema history file" in lost.stderr() and "snapshot.mode=recovery" in lost.stderr()

    cfg["snapshot.mode"] = "recovery"
    admin_sql(["INSERT INTO t VALUES (2, 'two')"], db=db)  # while stopped: must arrive
    rebuilt = Connector(tributary_bin, tmp_path, name, cfg).start()
    rebuilt.wait_streaming()
    assert "rebuilding the schema history" in rebuilt.stderr()
    admin_sql(["INSERT INTO t VALUES (3, 'three')"], db=db)
    recs, _ = read_topic(f"{prefix}.{db}.t", expect=3)
    # Three partitions: records of different keys come back in no global order.
    afters = sorted((json.loads(r.value())["payload"]["after"] for r in recs), key=lambda a: a["id"])
    assert afters == [{"id": 2, "name": "two"}, {"id": 3, "name": "three"},
                      {"id": 4294967295, "name": "one"}]
    assert rebuilt.stop() == 0
    assert history.exists() and '"snapshot":true' in history.read_text()
