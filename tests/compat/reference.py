"""Helpers to produce real Debezium's records for a data set (used by
tests/e2e/test_debezium_reference.py and tests/compat/bench_debezium.py).

    statements = dataset_statements()                 # tests/compat/dataset.sql, split
    start = binlog_position(cursor)                   # before the data set runs
    config = connector_config(name=..., prefix=..., database=..., server_id=...)
    result = run_debezium(config, out_path, start)    # RunResult(records, timing, stderr)

and for Tributary's side of a comparison:

    cfg.update(seed_tributary_start(work, name, prefix, start))  # offset + history files
    kafka_to_jsonl(bootstrap, topics, prefix, out_path)           # its records, same shape

A record is the dict of one JSONL line: {"topic","partition","key","value","headers"}.
run_debezium does not talk to Kafka: the runner converts records as Kafka Connect would and
writes them to a file (see run_debezium.sh); kafka_to_jsonl reads what Tributary wrote to
Kafka into the same shape.
"""

import json
import pathlib
import re
import subprocess
from dataclasses import dataclass

COMPAT = pathlib.Path(__file__).resolve().parent
DATASET = COMPAT / "dataset.sql"
RUNNER = COMPAT / "run_debezium.sh"


def dataset_statements(path=DATASET):
    """The statements of a .sql file: '--' comment lines dropped, split where a line ends
    with ';' (string literals may span lines)."""
    statements, current = [], []
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip()[:-1])
            current = []
    if current:
        raise ValueError(f"{path}: the last statement has no ';'")
    return statements


def binlog_position(cursor):
    """{"file", "pos", "gtids"}: where the server's binlog ends now (MariaDB's GTID
    position; None on a MySQL server without GTIDs)."""
    cursor.execute("SHOW MASTER STATUS")
    row = cursor.fetchone()
    gtids = None
    try:
        cursor.execute("SELECT @@gtid_binlog_pos")
        gtids = cursor.fetchone()[0] or None
    except Exception:  # MySQL: no such variable
        cursor.execute("SELECT @@gtid_executed")
        gtids = (cursor.fetchone()[0] or "").replace("\n", "") or None
    return {"file": row[0], "pos": int(row[1]), "gtids": gtids}


def connector_config(*, name, prefix, database, server_id, host="127.0.0.1", port=3306, user="cdc",
                     password="cdc", connector_class="io.debezium.connector.mariadb.MariaDbConnector",
                     **extra):
    """A Kafka Connect connector document for the test server, streaming only (the start
    position comes from run_debezium's `start`). `extra` keys use '_' for '.'
    (tombstones_on_delete="false") or pass a dict as extra["config"]."""
    config = {
        "connector.class": connector_class,
        "tasks.max": "1",
        "database.hostname": host,
        "database.port": str(port),
        "database.user": user,
        "database.password": password,
        "database.server.id": str(server_id),
        "topic.prefix": prefix,
        "database.include.list": database,
        "snapshot.mode": "never",
        # The shared server runs other people's DDL: parse and keep only ours.
        "schema.history.internal.store.only.captured.databases.ddl": "true",
        "schema.history.internal.kafka.bootstrap.servers": "127.0.0.1:9092",
        "schema.history.internal.kafka.topic": f"{prefix}.schema-history",
    }
    config.update(extra.pop("config", {}))
    config.update({k.replace("_", "."): str(v) for k, v in extra.items()})
    return {"name": name, "config": config}


@dataclass
class RunResult:
    records: list    # one dict per JSONL line, in emission order
    timing: dict     # the runner's timing line: records, startup_s, polling_to_last_s, ...
    stderr: str
    path: pathlib.Path


def run_debezium(config, out_path, start=None, idle_seconds=3.0, max_records=None, extra_args=(),
                 timeout=600):
    """Runs real Debezium on `config` (a dict as from connector_config, or a file path) from
    `start` (binlog_position's dict) and returns its records. Raises RuntimeError with the
    runner's stderr when it fails."""
    out_path = pathlib.Path(out_path)
    if isinstance(config, dict):
        config_path = out_path.with_suffix(".connector.json")
        config_path.write_text(json.dumps(config, indent=2))
    else:
        config_path = pathlib.Path(config)
    args = [str(RUNNER), str(config_path), str(out_path), "--idle-seconds", str(idle_seconds),
            "--max-seconds", str(timeout - 30)]
    if start is not None:
        args += ["--start-position", f"{start['file']}:{start['pos']}"]
        if start.get("gtids"):
            args += ["--start-gtids", start["gtids"]]
    if max_records is not None:
        args += ["--max-records", str(max_records)]
    args += list(extra_args)
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"run_debezium.sh exited {proc.returncode}:\n{proc.stderr[-5000:]}")
    m = re.search(r"debezium-runner: timing (\{.*\})", proc.stderr)
    timing = json.loads(m.group(1)) if m else {}
    return RunResult(load_jsonl(out_path), timing, proc.stderr, out_path)


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def payload(raw):
    """The payload of a JsonConverter text (with or without the schema envelope), or None."""
    if raw is None:
        return None
    v = json.loads(raw)
    if isinstance(v, dict) and list(v) == ["schema", "payload"]:
        return v["payload"]
    return v


def seed_tributary_start(work, name, prefix, start):
    """Connector keys that make `tributary run` start streaming at `start` (binlog_position's
    dict) as run_debezium's --start-position makes Debezium: a file offset at that position
    and a file schema history holding only the server settings, so every table is learnt
    from the DDL in the binlog. Writes the two files into the folder `work`."""
    work = pathlib.Path(work)
    offset = {"file": start["file"], "pos": int(start["pos"])}
    if start.get("gtids"):
        offset["gtids"] = start["gtids"]
    key = json.dumps([name, {"server": prefix}], separators=(",", ":"))
    (work / "offsets.json").write_text(json.dumps({key: offset}))
    history = {"source": {"server": prefix}, "position": {"ts_sec": 0, **offset}, "ts_ms": 0,
               "databaseName": "",
               "ddl": "SET character_set_server=utf8mb4, collation_server=utf8mb4_general_ci",
               "tableChanges": []}
    (work / "history.jsonl").write_text(json.dumps(history, separators=(",", ":")) + "\n")
    return {"offset.storage.file.filename": str(work / "offsets.json"),
            "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
            "schema.history.internal.file.filename": str(work / "history.jsonl")}


def kafka_to_jsonl(bootstrap, topics, prefix, out_path, timeout=60):
    """Every record of `topics` (those that exist; all partitions, from the beginning up to
    the high watermark read when called) written to `out_path` in the record-file shape,
    per partition in offset order. `partition` is set only for the schema-change topic
    `prefix`, as Debezium sets it. Returns the number of records."""
    import time

    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"jsonl-{prefix}-{time.time()}",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    try:
        existing = consumer.list_topics(timeout=10).topics
        ends = {}
        for t in topics:
            if t not in existing:
                continue
            for p in existing[t].partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(t, p), timeout=10)
                if high > low:
                    ends[(t, p)] = high
        consumer.assign([TopicPartition(t, p, 0) for t, p in ends])
        got = {tp: [] for tp in ends}
        deadline = time.time() + timeout
        while ends:
            m = consumer.poll(0.2)
            if m is not None and not m.error():
                tp = (m.topic(), m.partition())
                if tp in got and m.offset() < ends[tp]:
                    got[tp].append(m)
            # The position, not the last record's offset: transaction markers take offsets too.
            if all(p.offset >= ends[(p.topic, p.partition)]
                   for p in consumer.position([TopicPartition(t, q) for t, q in ends])):
                break
            if time.time() > deadline:
                raise TimeoutError(f"kafka_to_jsonl: not every record of {sorted(ends)} arrived")
    finally:
        consumer.close()
    n = 0
    with open(out_path, "w", encoding="utf-8") as f:
        for tp in sorted(got):
            for m in got[tp]:
                n += 1
                f.write(json.dumps({
                    "topic": m.topic(),
                    "partition": m.partition() if m.topic() == prefix else None,
                    "key": None if m.key() is None else m.key().decode(),
                    "value": None if m.value() is None else m.value().decode(),
                    "headers": [[k, None if v is None else v.decode()] for k, v in (m.headers() or [])],
                }) + "\n")
    return n
