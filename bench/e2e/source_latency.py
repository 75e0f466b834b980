"""Commit -> Kafka-ack latency of the source connector under steady load.

Called by bench/e2e/source_latency.sh (which documents it), with its settings in the
environment: RATE, SECONDS_RUN, BIN, SCHEMAS, TRIBUTARY_LATENCY_PRODUCER (KEY=VALUE lines).
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pymysql
from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

RATE, SECONDS_RUN, BIN = int(os.environ["RATE"]), float(os.environ["SECONDS_RUN"]), os.environ["BIN"]
SCHEMAS = os.environ.get("SCHEMAS") == "1"
PRODUCER = [kv for kv in os.environ.get("TRIBUTARY_LATENCY_PRODUCER", "").split("\n") if kv]
BOOT = os.environ.get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
PORT = int(os.environ.get("TRIBUTARY_MARIADB_PORT", 3306))
DB = f"bench_lat_{os.getpid()}"
TOPIC = f"{DB}.{DB}.t"
work = pathlib.Path(tempfile.mkdtemp(prefix="tributary-bench-lat-"))


def connect(db=None):
    return pymysql.connect(host="127.0.0.1", port=PORT, user="admin",
                           password=os.environ.get("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                           database=db, autocommit=True)


def sql(stmts, db=None):
    c = connect(db)
    out = None
    with c.cursor() as cur:
        for s in stmts:
            cur.execute(s)
            out = cur.fetchall()
    c.close()
    return out


def connector_config():
    cfg = {
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "database.hostname": "127.0.0.1", "database.port": str(PORT),
        "database.user": "cdc", "database.password": os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc"),
        "database.server.id": str(600000 + os.getpid() % 100000),
        "topic.prefix": DB, "database.include.list": DB,
        "bootstrap.servers": BOOT, "snapshot.mode": "no_data",
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(work / "history"),
        "offset.storage.file.filename": str(work / "offsets"),
        "key.converter.schemas.enable": "true" if SCHEMAS else "false",
        "value.converter.schemas.enable": "true" if SCHEMAS else "false",
        "topic.creation.default.partitions": "1",
        "topic.creation.default.replication.factor": "1",
        "topic.creation.default.message.timestamp.type": "LogAppendTime",
    }
    for kv in PRODUCER:
        k, v = kv.split("=", 1)
        cfg[f"producer.override.{k}"] = v
    return {"name": DB, "config": cfg}


def wait_log(text, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in (work / "err").read_text():
            return
        if proc.poll() is not None:
            sys.exit(f"connector failed:\n{(work / 'err').read_text()[-3000:]}")
        time.sleep(0.1)
    sys.exit(f"timeout waiting for '{text}'")


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


LOADERS = int(os.environ.get("LOADERS", "8"))


def load(n, rate):
    """Commits n single-row transactions at `rate`/s (stored procedure: cheap, steady pacing)."""
    c = connect(DB)
    with c.cursor() as cur:
        cur.execute(f"CALL load_rows({n}, {rate})")
    c.close()


proc = None
admin = AdminClient({"bootstrap.servers": BOOT})
try:
    sql([f"CREATE DATABASE {DB}"])
    sql(["CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, commit_us BIGINT NOT NULL,"
         " note VARCHAR(32))",
         "SET SESSION sql_log_bin = 0",
         "CREATE TABLE done_log (id BIGINT PRIMARY KEY, done_us BIGINT NOT NULL) ENGINE=MEMORY"
         " MAX_ROWS=10000000",
         "SET SESSION sql_log_bin = 1",
         # Pacing in groups of 5 rows (1 ms at 5000/s); each INSERT commits on its own
         # (autocommit), right after commit_us is taken.
         "CREATE PROCEDURE load_rows(n INT, rate DOUBLE) BEGIN"
         " DECLARE i INT DEFAULT 0;"
         " DECLARE t0 DECIMAL(20,6) DEFAULT UNIX_TIMESTAMP(SYSDATE(6));"
         " DECLARE ahead DECIMAL(20,6);"
         " WHILE i < n DO"
         "  INSERT INTO t (commit_us, note) VALUES (UNIX_TIMESTAMP(SYSDATE(6)) * 1000000, 'steady');"
         # When the commit returned, kept out of the binlog (not captured, no fsync).
         "  SET sql_log_bin = 0;"
         "  INSERT INTO done_log VALUES (LAST_INSERT_ID(), UNIX_TIMESTAMP(SYSDATE(6)) * 1000000);"
         "  SET sql_log_bin = 1;"
         "  SET i = i + 1;"
         "  IF i % 5 = 0 THEN"
         "   SET ahead = t0 + i / rate - UNIX_TIMESTAMP(SYSDATE(6));"
         "   IF ahead > 0 THEN DO SLEEP(ahead); END IF;"
         "  END IF;"
         " END WHILE; END"], db=DB)
    (work / "connector.json").write_text(json.dumps(connector_config()))
    err = open(work / "err", "a")
    proc = subprocess.Popen([BIN, "run", str(work / "connector.json")], stdout=subprocess.DEVNULL, stderr=err)
    wait_log("streaming ", proc)
    # One warm-up row creates the topic (LogAppendTime) before the measured load.
    sql(["INSERT INTO t (commit_us, note) VALUES (0, 'warmup')"], db=DB)
    deadline = time.time() + 60
    while TOPIC not in admin.list_topics(timeout=10).topics:
        if time.time() > deadline:
            sys.exit(f"topic {TOPIC} was not created:\n{(work / 'err').read_text()[-3000:]}")
        time.sleep(0.2)
    consumer = Consumer({"bootstrap.servers": BOOT, "group.id": f"{DB}-lat", "enable.auto.commit": False,
                         "fetch.wait.max.ms": 5, "fetch.min.bytes": 1})
    consumer.assign([TopicPartition(TOPIC, 0, -2)])  # from the beginning

    n = int(RATE * SECONDS_RUN)
    cpu0 = proc_cpu(proc.pid)
    t_load = time.time()
    # Several sessions, each at RATE/LOADERS: one session cannot commit 5000 times a
    # second (a durable commit each); several share the server's group commit.
    loaders = [threading.Thread(target=load, args=(n // LOADERS + (1 if i < n % LOADERS else 0), RATE / LOADERS))
               for i in range(LOADERS)]
    for t in loaders:
        t.start()
    ack_lat, recv_lat, commits = [], [], []
    ack_at = {}  # id -> broker append time (ms)
    commit_at = {}  # id -> commit_us (ms)
    ts_types = set()
    seen = 0
    idle_deadline = None
    while seen < n:
        msg = consumer.poll(0.5)
        now_ms = time.time() * 1000.0
        if msg is None:
            if not any(t.is_alive() for t in loaders):
                idle_deadline = idle_deadline or time.time() + 60
                if time.time() > idle_deadline:
                    break
            continue
        if msg.error() or msg.value() is None:
            continue
        v = json.loads(msg.value())
        after = (v.get("payload", v) if SCHEMAS else v).get("after")
        if not after or after.get("note") != "steady":
            continue
        seen += 1
        commit_ms = after["commit_us"] / 1000.0
        ts_type, ts = msg.timestamp()
        ts_types.add(ts_type)
        commits.append(commit_ms)
        recv_lat.append(now_ms - commit_ms)
        if ts_type == TIMESTAMP_LOG_APPEND_TIME:
            ack_lat.append(ts - commit_ms)
            ack_at[after["id"]] = ts
        commit_at[after["id"]] = commit_ms
    for t in loaders:
        t.join()
    load_s = time.time() - t_load
    cpu = proc_cpu(proc.pid) - cpu0
    consumer.close()

    span_s = (max(commits) - min(commits)) / 1000.0 if len(commits) > 1 else float("nan")
    with open("/proc/loadavg") as f:
        load_avg = f.read().split()[0]
    print(f"steady load: {n} single-row transactions asked at {RATE}/s ({LOADERS} sessions); {seen} records read; "
          f"commits spread over {span_s:.1f} s ({seen / span_s if span_s else 0:.0f} txn/s); "
          f"connector CPU {cpu:.1f} s over {load_s:.1f} s; load average {load_avg}")
    if seen < n:
        print(f"MISSING: {n - seen} records not read within 60 s of the end of the load")
    done = {int(i): int(d) / 1000.0 for i, d in sql(["SELECT id, done_us FROM done_log"], db=DB)}
    from_done = sorted(ack_at[i] - done[i] for i in ack_at if i in done)
    rows = []
    if ack_lat:
        rows.append(("commit -> Kafka ack (LogAppendTime)", sorted(ack_lat)))
    if from_done:
        rows.append(("commit returned -> Kafka ack", from_done))
        rows.append(("(the commit itself: write -> returned)",
                     sorted(done[i] - commit_at[i] for i in commit_at if i in done)))
    else:
        print(f"no LogAppendTime timestamps (types seen: {sorted(ts_types)}): ack time not measured")
    rows.append(("commit -> consumer receive", sorted(recv_lat)))
    print(f"{'latency (ms)':<40}{'p50':>8}{'p90':>8}{'p99':>8}{'p99.9':>8}{'max':>9}")
    for name, vals in rows:
        print(f"{name:<40}{percentile(vals, 50):>8.1f}{percentile(vals, 90):>8.1f}"
              f"{percentile(vals, 99):>8.1f}{percentile(vals, 99.9):>8.1f}{vals[-1]:>9.1f}")
finally:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    try:
        sql([f"DROP DATABASE IF EXISTS {DB}"])
        names = [t for t in admin.list_topics(timeout=10).topics if t.startswith(DB)]
        if names:
            for f in admin.delete_topics(names).values():
                try:
                    f.result()
                except Exception:
                    pass
    except Exception as e:  # noqa: BLE001
        print("cleanup:", e, file=sys.stderr)
    if os.environ.get("KEEP_WORK") != "1":
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept:", work)
