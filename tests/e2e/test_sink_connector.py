"""The S3 sink connector end to end: `tributary run <sink.json>` against the real Kafka and
MinIO (or a local folder store), judged by independent clients: confluent-kafka produces
Debezium-shaped records, boto3 reads the objects back, Python's json / gzip / csv and
pyarrow + DuckDB read their contents, record by record.

Every test uses its own topic, connector name (consumer group) and `topics.dir` prefix.
The binary is $TRIBUTARY_BIN (see conftest.py).
"""

import csv
import gzip
import io
import json
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import boto3
import pytest

from conftest import env

TS0 = 1714564800000  # 2024-05-01T12:00:00Z


# ---------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def kafka():
    from confluent_kafka.admin import AdminClient
    bootstrap = env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    return {"bootstrap": bootstrap, "admin": AdminClient({"bootstrap.servers": bootstrap})}


@pytest.fixture(scope="module")
def s3():
    return boto3.client(
        "s3",
        endpoint_url=env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
        aws_access_key_id=env("AWS_ACCESS_KEY_ID", "tributary"),
        aws_secret_access_key=env("AWS_SECRET_ACCESS_KEY", "tributary-secret"),
        region_name=env("AWS_REGION", "us-east-1"),
    )


BUCKET = os.environ.get("TRIBUTARY_S3_BUCKET", "tributary-lake")


def uid(name):
    return f"sink-{name}-{uuid.uuid4().hex[:8]}"


def create_topic(kafka, topic, partitions=1):
    from confluent_kafka.admin import NewTopic
    for f in kafka["admin"].create_topics([NewTopic(topic, partitions, 1)]).values():
        f.result(30)


def row(i):
    return {"id": i, "name": f"name {i}", "region": ["eu", "us", "ap"][i % 3], "price": f"{i}.25"}


def dbz_payload(i, op="c", ts=None):
    ts = TS0 + i * 1000 if ts is None else ts
    after = row(i) if op != "d" else None
    before = row(i) if op in ("u", "d") else None
    return {
        "before": before,
        "after": after,
        "source": {"version": "2.7.0.Final", "connector": "mysql", "name": "tributary",
                   "ts_ms": ts, "snapshot": "false", "db": "inventory", "table": "customers",
                   "server_id": 1, "file": "binlog.000003", "pos": 1000 + i, "row": 0},
        "op": op,
        "ts_ms": ts + 5,
    }


ROW_SCHEMA = {
    "type": "struct", "optional": True, "name": "tributary.inventory.customers.Value",
    "fields": [
        {"field": "id", "type": "int32", "optional": False},
        {"field": "name", "type": "string", "optional": True},
        {"field": "region", "type": "string", "optional": True},
        {"field": "price", "type": "string", "optional": True},
    ],
}
ENVELOPE_SCHEMA = {
    "type": "struct", "optional": False, "name": "tributary.inventory.customers.Envelope",
    "version": 1,
    "fields": [
        dict(ROW_SCHEMA, field="before"),
        dict(ROW_SCHEMA, field="after"),
        {"field": "source", "type": "struct", "optional": False, "name": "io.debezium.connector.mysql.Source",
         "fields": [
             {"field": "version", "type": "string", "optional": False},
             {"field": "connector", "type": "string", "optional": False},
             {"field": "name", "type": "string", "optional": False},
             {"field": "ts_ms", "type": "int64", "optional": False},
             {"field": "snapshot", "type": "string", "optional": True},
             {"field": "db", "type": "string", "optional": False},
             {"field": "table", "type": "string", "optional": True},
             {"field": "server_id", "type": "int64", "optional": False},
             {"field": "file", "type": "string", "optional": False},
             {"field": "pos", "type": "int64", "optional": False},
             {"field": "row", "type": "int32", "optional": False},
         ]},
        {"field": "op", "type": "string", "optional": False},
        {"field": "ts_ms", "type": "int64", "optional": True},
    ],
}


def dbz_value(i, op="c", schemas=False, ts=None):
    payload = dbz_payload(i, op, ts)
    if schemas:
        return json.dumps({"schema": ENVELOPE_SCHEMA, "payload": payload})
    return json.dumps(payload)


def produce(kafka, topic, records):
    """records: iterable of (partition, key, value, timestamp_ms or None)."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": kafka["bootstrap"], "linger.ms": 20})
    for part, key, value, ts in records:
        kw = {"timestamp": ts} if ts else {}
        p.produce(topic, key=key, value=value, partition=part, **kw)
        p.poll(0)
    assert p.flush(30) == 0


def key_of(i):
    return json.dumps({"id": i})


def write_config(path, name, topic, prefix, **overrides):
    cfg = {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "tasks.max": "1",
        "topics": topic,
        "bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        "s3.bucket.name": BUCKET,
        "s3.region": "us-east-1",
        "store.url": env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
        "aws.access.key.id": "${env:AWS_ACCESS_KEY_ID}",
        "aws.secret.access.key": "${env:AWS_SECRET_ACCESS_KEY}",
        "flush.size": "3",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "schema.compatibility": "NONE",
        "topics.dir": prefix,
        "retry.backoff.ms": "300",
    }
    for k, v in overrides.items():
        k = k.replace("__", ".")
        if v is None:
            cfg.pop(k, None)
        else:
            cfg[k] = str(v)
    path.write_text(json.dumps({"name": name, "config": cfg}, indent=2))
    return path


class Sink:
    """One `tributary run` process."""

    def __init__(self, binary, config, log_path):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([binary, "run", str(config)], stdout=self.log, stderr=self.log)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout)
        self.log.close()
        return rc

    def output(self):
        return pathlib.Path(self.log_path).read_text(errors="replace")


def list_objects(s3, prefix):
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"]] = o["Size"]
    return out


def get(s3, key):
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def data_objects(keys):
    return sorted(k for k in keys if "/_tributary_cuts/" not in k)


def wait_for(predicate, timeout=60, what="the sink", proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        if proc is not None and proc.proc.poll() is not None:
            pytest.fail(f"{what}: the sink exited with {proc.proc.returncode}:\n{proc.output()[-3000:]}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}" + (f"\n{proc.output()[-3000:]}" if proc else ""))


@pytest.fixture
def workdir():
    d = pathlib.Path(tempfile.mkdtemp(prefix="sink-e2e-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def prefix(s3):
    p = f"sink-e2e-{uuid.uuid4().hex[:10]}"
    yield p
    for k in list_objects(s3, p + "/"):
        s3.delete_object(Bucket=BUCKET, Key=k)


def run_until(tributary_bin, config, workdir, predicate, timeout=90, what="objects"):
    sink = Sink(tributary_bin, config, workdir / f"sink-{uuid.uuid4().hex[:6]}.log")
    try:
        wait_for(predicate, timeout, what, sink)
    finally:
        rc = sink.stop()
    return rc, sink.output()


def name_for(prefix, topic, encoded, partition, offset, ext=".json"):
    return f"{prefix}/{topic}/{encoded}/{topic}+{partition}+{offset:010d}{ext}"


# ---------------------------------------------------------------------------- layout

def test_seed_config_end_to_end_default_partitioner(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("seed")
    create_topic(kafka, topic, partitions=2)
    n = 12  # per partition: 4 objects of flush.size=3 each
    produce(kafka, topic, [(p, key_of(i), dbz_value(i), None) for i in range(n) for p in (0, 1)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix)
    expected = [name_for(prefix, topic, f"partition={p}", p, o) for p in (0, 1) for o in range(0, n, 3)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == sorted(expected))
    assert rc == 0, out
    # Record by record: each line is the Debezium payload (no schema), in offset order.
    for p in (0, 1):
        lines = []
        for o in range(0, n, 3):
            body = get(s3, name_for(prefix, topic, f"partition={p}", p, o)).decode()
            assert body.endswith("\n")
            lines += body.splitlines()
        assert [json.loads(x) for x in lines] == [dbz_payload(i) for i in range(n)]
    assert "stopped" in out


def test_schemas_enabled_payload_only_and_gzip(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("gzip")
    create_topic(kafka, topic)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i, schemas=True), None) for i in range(6)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, s3__compression__type="gzip")
    expected = [name_for(prefix, topic, "partition=0", 0, o, ".json.gz") for o in (0, 3)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == expected)
    assert rc == 0, out
    lines = []
    for k in expected:
        lines += gzip.decompress(get(s3, k)).decode().splitlines()
    # With a schema the payload is written in schema field order.
    got = [json.loads(x) for x in lines]
    assert got == [dbz_payload(i) for i in range(6)]
    assert list(json.loads(lines[0]).keys()) == ["before", "after", "source", "op", "ts_ms"]


def test_field_partitioner(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("field")
    create_topic(kafka, topic)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i, schemas=True), None) for i in range(9)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, flush__size=9,
                       partitioner__class="io.confluent.connect.storage.partitioner.FieldPartitioner",
                       partition__field__name="after.region")
    expected = sorted(name_for(prefix, topic, f"after.region={r}", 0, first)
                      for r, first in (("eu", 0), ("us", 1), ("ap", 2)))
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == expected)
    assert rc == 0, out
    for r, first in (("eu", 0), ("us", 1), ("ap", 2)):
        body = get(s3, name_for(prefix, topic, f"after.region={r}", 0, first)).decode()
        assert [json.loads(x)["after"]["id"] for x in body.splitlines()] == [first, first + 3, first + 6]


@pytest.mark.parametrize("partitioner", ["Hourly", "Daily", "TimeBased"])
def test_time_based_partitioners_record_field(tributary_bin, kafka, s3, prefix, workdir, partitioner):
    topic = uid(partitioner.lower())
    create_topic(kafka, topic)
    hour = 3600 * 1000
    # 2 records in each of 3 hours (source.ts_ms), across a day boundary for Daily.
    base = TS0 + 10 * hour  # 22:00 UTC
    times = [base, base + 60000, base + hour, base + hour + 1, base + 2 * hour, base + 2 * hour + 5]
    produce(kafka, topic, [(0, key_of(i), dbz_value(i, ts=t), None) for i, t in enumerate(times)])
    extra = {"partitioner__class": f"io.confluent.connect.storage.partitioner.{partitioner}Partitioner",
             "locale": "en-US", "timezone": "UTC", "timestamp__extractor": "RecordField",
             "timestamp__field": "source.ts_ms", "flush__size": 2}
    if partitioner == "TimeBased":
        extra.update(partition__duration__ms=2 * hour, path__format="'dt'=YYYY-MM-dd/'h'=HH")
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, **extra)
    if partitioner == "Hourly":
        enc = ["year=2024/month=05/day=01/hour=22", "year=2024/month=05/day=01/hour=23",
               "year=2024/month=05/day=02/hour=00"]
        expected = [name_for(prefix, topic, e, 0, o) for e, o in zip(enc, (0, 2, 4))]
    elif partitioner == "Daily":
        # flush.size=2: the encoded partition of each pair decides the folder.
        expected = [name_for(prefix, topic, "year=2024/month=05/day=01", 0, 0),
                    name_for(prefix, topic, "year=2024/month=05/day=01", 0, 2),
                    name_for(prefix, topic, "year=2024/month=05/day=02", 0, 4)]
    else:
        expected = [name_for(prefix, topic, "dt=2024-05-01/h=22", 0, 0),
                    name_for(prefix, topic, "dt=2024-05-01/h=22", 0, 2),
                    name_for(prefix, topic, "dt=2024-05-02/h=00", 0, 4)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == sorted(expected))
    assert rc == 0, out


def test_rotate_interval_ms_record_time(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("rotint")
    create_topic(kafka, topic)
    # Record time steps of 10 s; rotate.interval.ms=25s: objects hold the records whose time
    # is < 25 s after the object's first; then a final record far later cuts the last one.
    times = [TS0 + i * 10000 for i in range(7)] + [TS0 + 3600 * 1000]
    produce(kafka, topic, [(0, key_of(i), dbz_value(i), t) for i, t in enumerate(times)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, flush__size=1000,
                       partitioner__class="io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
                       partition__duration__ms=24 * 3600 * 1000, path__format="'d'=YYYYMMdd",
                       locale="en", timezone="UTC", timestamp__extractor="Record",
                       rotate__interval__ms=25000, rotate__file__on__partition__change="false")
    expected = [name_for(prefix, topic, "d=20240501", 0, o) for o in (0, 3, 6)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == expected)
    assert rc == 0, out
    sizes = [len(get(s3, k).decode().splitlines()) for k in expected]
    assert sizes == [3, 3, 1]


def test_rotate_schedule_interval_wall_clock_is_recorded(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("sched")
    create_topic(kafka, topic)
    now = int(time.time() * 1000)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i, ts=now), now) for i in range(5)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, flush__size=1000,
                       rotate__schedule__interval__ms=2000, timezone="UTC")
    obj = name_for(prefix, topic, "partition=0", 0, 0)
    marker = f"{prefix}/{topic}/_tributary_cuts/partition=0/{4:020d}.cut"
    rc, out = run_until(tributary_bin, cfg, workdir, lambda: obj in list_objects(s3, prefix + "/"),
                        timeout=30)
    assert rc == 0, out
    keys = list_objects(s3, prefix + "/")
    assert marker in keys, keys
    assert json.loads(get(s3, marker))["last_offset"] == 4
    assert len(get(s3, obj).decode().splitlines()) == 5


# ---------------------------------------------------------------------------- formats

def test_csv_format(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("csv")
    create_topic(kafka, topic)
    values = [dbz_value(0), dbz_value(1, "u"), dbz_value(2, "d")]
    produce(kafka, topic, [(0, key_of(i), v, None) for i, v in enumerate(values)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix,
                       format__class="io.tributary.connect.s3.format.csv.CsvFormat",
                       csv__metadata__columns="op,source_ts_ms,table")
    key = name_for(prefix, topic, "partition=0", 0, 0, ".csv")
    rc, out = run_until(tributary_bin, cfg, workdir, lambda: key in list_objects(s3, prefix + "/"))
    assert rc == 0, out
    rows = list(csv.DictReader(io.StringIO(get(s3, key).decode())))
    assert [r["id"] for r in rows] == ["0", "1", "2"]
    assert [r["__op"] for r in rows] == ["c", "u", "d"]
    assert rows[2]["name"] == "name 2"  # a delete carries its before image
    assert rows[0]["__table"] == "customers"
    assert rows[1]["__source_ts_ms"] == str(TS0 + 1000)


def test_parquet_format_read_by_pyarrow_and_duckdb(tributary_bin, kafka, s3, prefix, workdir):
    import duckdb
    import pyarrow.parquet as pq
    topic = uid("parquet")
    create_topic(kafka, topic)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i, "u" if i % 2 else "c", schemas=True), None)
                           for i in range(10)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, flush__size=5,
                       format__class="io.confluent.connect.s3.format.parquet.ParquetFormat")
    keys = [name_for(prefix, topic, "partition=0", 0, o, ".snappy.parquet") for o in (0, 5)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == keys)
    assert rc == 0, out
    rows = []
    for k in keys:
        path = workdir / k.rsplit("/", 1)[1]
        path.write_bytes(get(s3, k))
        table = pq.read_table(path)
        rows += table.to_pylist()
        con = duckdb.connect()
        got = con.execute(f"select after.id, op, source.pos from read_parquet('{path}') order by 1").fetchall()
        first = int(k[-len(".snappy.parquet") - 10:-len(".snappy.parquet")])
        assert got == [(i, "u" if i % 2 else "c", 1000 + i) for i in range(first, first + 5)]
    for i, r in enumerate(rows):
        p = dbz_payload(i, "u" if i % 2 else "c")
        assert r["after"] == p["after"]
        assert r["before"] == p["before"]
        assert r["op"] == p["op"] and r["ts_ms"] == p["ts_ms"]
        assert r["source"]["pos"] == p["source"]["pos"] and r["source"]["table"] == "customers"


# ---------------------------------------------------------------------------- null values

def tombstone_topic(kafka):
    topic = uid("nulls")
    create_topic(kafka, topic)
    produce(kafka, topic, [
        (0, key_of(0), dbz_value(0), None),
        (0, key_of(1), dbz_value(1), None),
        (0, key_of(1), dbz_value(1, "d"), None),
        (0, key_of(1), None, None),  # offset 3: the delete's tombstone
        (0, key_of(2), dbz_value(2), None),
        (0, key_of(3), dbz_value(3), None),
        (0, key_of(4), dbz_value(4), None),
    ])
    return topic


def test_null_values_default_is_ignore_with_one_warning(tributary_bin, kafka, s3, prefix, workdir):
    topic = tombstone_topic(kafka)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix)
    keys = [name_for(prefix, topic, "partition=0", 0, o) for o in (0, 4)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == keys)
    assert rc == 0, out
    assert out.count("behavior.on.null.values is not set") == 1, out
    assert "offset 3" in out
    ids = [json.loads(x)["op"] for k in keys for x in get(s3, k).decode().splitlines()]
    assert ids == ["c", "c", "d", "c", "c", "c"]


def test_null_values_fail_names_the_record(tributary_bin, kafka, s3, prefix, workdir):
    topic = tombstone_topic(kafka)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, behavior__on__null__values="fail")
    sink = Sink(tributary_bin, cfg, workdir / "fail.log")
    rc = sink.proc.wait(60)
    out = sink.output()
    assert rc == 1, out
    assert f"topic '{topic}' partition 0 offset 3" in out and "behavior.on.null.values=fail" in out
    # The records before the tombstone that fill an object were written.
    assert data_objects(list_objects(s3, prefix + "/")) == [name_for(prefix, topic, "partition=0", 0, 0)]


def test_null_values_write_keys_in_tombstone_partition(tributary_bin, kafka, s3, prefix, workdir):
    topic = tombstone_topic(kafka)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, behavior__on__null__values="write",
                       store__kafka__keys="true")
    tomb = f"{prefix}/{topic}/tombstone/{topic}+0+{3:010d}.keys.json"
    rc, out = run_until(tributary_bin, cfg, workdir, lambda: tomb in list_objects(s3, prefix + "/"))
    assert rc == 0, out
    keys = list_objects(s3, prefix + "/")
    assert get(s3, tomb).decode() == '{"id":1}\n'
    assert name_for(prefix, topic, "partition=0", 0, 0) in keys
    assert f"{prefix}/{topic}/partition=0/{topic}+0+{0:010d}.keys.json" in keys
    assert not any(k.startswith(f"{prefix}/{topic}/tombstone/") and k.endswith("+0000000003.json") for k in keys)


# ---------------------------------------------------------------------------- bad input

def bad_input_topic(kafka):
    topic = uid("bad")
    create_topic(kafka, topic)
    produce(kafka, topic, [
        (0, key_of(0), dbz_value(0), None),
        (0, key_of(1), b"this is not json", None),  # offset 1
        (0, key_of(2), dbz_value(2), None),
        (0, key_of(3), dbz_value(3), None),
    ])
    return topic


def test_bad_value_stops_with_topic_partition_offset(tributary_bin, kafka, s3, prefix, workdir):
    topic = bad_input_topic(kafka)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix)
    sink = Sink(tributary_bin, cfg, workdir / "bad.log")
    rc = sink.proc.wait(60)
    out = sink.output()
    assert rc == 1, out
    assert f"topic '{topic}' partition 0 offset 1" in out
    assert data_objects(list_objects(s3, prefix + "/")) == []


def test_bad_value_to_dead_letter_queue_with_context_headers(tributary_bin, kafka, s3, prefix, workdir):
    from confluent_kafka import Consumer
    topic = bad_input_topic(kafka)
    dlq = topic + "-dlq"
    create_topic(kafka, dlq)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, errors__tolerance="all",
                       errors__deadletterqueue__topic__name=dlq,
                       errors__deadletterqueue__context__headers__enable="true")
    key = name_for(prefix, topic, "partition=0", 0, 0)
    rc, out = run_until(tributary_bin, cfg, workdir, lambda: key in list_objects(s3, prefix + "/"))
    assert rc == 0, out
    assert [json.loads(x)["after"]["id"] for x in get(s3, key).decode().splitlines()] == [0, 2, 3]
    c = Consumer({"bootstrap.servers": kafka["bootstrap"], "group.id": uid("dlq-reader"),
                  "auto.offset.reset": "earliest"})
    c.subscribe([dlq])
    msg = None
    deadline = time.time() + 30
    while msg is None and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            msg = m
    c.close()
    assert msg is not None, "nothing in the dead letter topic"
    assert msg.value() == b"this is not json" and msg.key() == key_of(1).encode()
    h = {k: v.decode() for k, v in msg.headers()}
    assert h["__connect.errors.topic"] == topic
    assert h["__connect.errors.partition"] == "0"
    assert h["__connect.errors.offset"] == "1"
    assert h["__connect.errors.connector.name"] == topic
    assert h["__connect.errors.stage"] == "VALUE_CONVERTER"
    assert h["__connect.errors.exception.class.name"] == "org.apache.kafka.connect.errors.DataException"


# ---------------------------------------------------------------------------- exactly once

def local_objects(root):
    out = {}
    for p in pathlib.Path(root).rglob("*"):
        if p.is_file() and not p.name.startswith(".") and "_tributary_cuts" not in p.parts:
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


def preload(kafka, topic, partitions, per_partition, schemas=False):
    produce(kafka, topic, [(p, key_of(i), dbz_value(i * partitions + p, schemas=schemas), None)
                           for i in range(per_partition) for p in range(partitions)])


def check_each_record_once(objects, partitions, per_partition):
    seen = {}
    for name, body in objects.items():
        for line in body.decode().splitlines():
            i = json.loads(line)["after"]["id"]
            seen[i] = seen.get(i, 0) + 1
    assert sorted(seen) == list(range(partitions * per_partition))
    assert set(seen.values()) == {1}


def test_crash_loop_kill_9_gives_the_same_objects(tributary_bin, kafka, workdir):
    topic = uid("crash")
    partitions, per_partition, flush = 4, 3700, 37
    create_topic(kafka, topic, partitions)
    preload(kafka, topic, partitions, per_partition)
    total_objects = partitions * per_partition // flush

    # The reference: one uninterrupted run.
    ref_root = workdir / "ref"
    cfg = write_config(workdir / "ref.json", uid("ref"), topic, "lake", flush__size=flush,
                       store__url=f"file://{ref_root}")
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: len(local_objects(ref_root)) == total_objects, timeout=120)
    assert rc == 0, out
    reference = local_objects(ref_root)

    # The same topic through a sink killed with SIGKILL 20+ times at random moments.
    root = workdir / "crash"
    name = uid("crashing")
    cfg = write_config(workdir / "crash.json", name, topic, "lake", flush__size=flush,
                       store__url=f"file://{root}")
    rng = random.Random(7)
    kills = 0
    while kills < 22:
        sink = Sink(tributary_bin, cfg, workdir / "crash.log")
        time.sleep(rng.uniform(0.05, 1.2))
        if sink.proc.poll() is not None:
            pytest.fail(f"sink exited by itself: {sink.output()[-2000:]}")
        sink.stop(signal.SIGKILL)
        kills += 1
    progress = len(local_objects(root))
    # Then let it finish.
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: len(local_objects(root)) >= total_objects, timeout=180)
    assert rc == 0, out
    got = local_objects(root)
    assert sorted(got) == sorted(reference)
    assert got == reference  # names and bytes
    check_each_record_once(got, partitions, per_partition)
    print(f"{kills} kills; {progress}/{total_objects} objects existed before the last run")


def test_two_sinks_in_one_group_rebalance(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("rebalance")
    partitions, per_partition, flush = 6, 3000, 25
    create_topic(kafka, topic, partitions)
    preload(kafka, topic, partitions, per_partition)
    total_objects = partitions * per_partition // flush
    name = uid("group")
    cfg = write_config(workdir / "sink.json", name, topic, prefix, flush__size=flush)
    a = Sink(tributary_bin, cfg, workdir / "a.log")
    try:
        wait_for(lambda: len(list_objects(s3, prefix + "/")) > 20, 60, "first objects", a)
        b = Sink(tributary_bin, cfg, workdir / "b.log")
        wait_for(lambda: "assigned topic" in b.output(), 60, "the second sink's assignment", b)
        time.sleep(1.5)
        assert b.stop() == 0, b.output()
        wait_for(lambda: len(list_objects(s3, prefix + "/")) >= total_objects, 180, "all objects", a)
    finally:
        rc = a.stop()
    assert rc == 0, a.output()
    keys = list_objects(s3, prefix + "/")
    expected = sorted(name_for(prefix, topic, f"partition={p}", p, o)
                      for p in range(partitions) for o in range(0, per_partition, flush))
    assert sorted(keys) == expected
    check_each_record_once({k: get(s3, k) for k in keys}, partitions, per_partition)
    assert "revoked topic" in a.output() or "revoked topic" in b.output()


# ---------------------------------------------------------------------------- S3 outage

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def minio_binary():
    cache = pathlib.Path(os.environ.get("TRIBUTARY_CACHE", pathlib.Path.home() / ".cache" / "tributary"))
    found = sorted(cache.glob("minio-*/minio"))
    if not found:
        pytest.skip("no MinIO binary in the cache (scripts/services/s3.sh builds it)")
    return str(found[-1])


class OwnMinio:
    """A private MinIO (own port, own data folder): this test stops it, never the shared one."""

    def __init__(self, workdir):
        self.port = free_port()
        self.data = workdir / "minio-data"
        self.data.mkdir(exist_ok=True)
        self.log = workdir / "minio.log"
        self.proc = None

    def start(self):
        e = dict(os.environ, MINIO_ROOT_USER="tributary", MINIO_ROOT_PASSWORD="tributary-secret",
                 MINIO_BROWSER="off", MINIO_UPDATE="off", MINIO_CI_CD="1")
        self.proc = subprocess.Popen([minio_binary(), "server", "--address", f"127.0.0.1:{self.port}",
                                      "--quiet", str(self.data)], env=e, stdout=open(self.log, "ab"),
                                     stderr=subprocess.STDOUT)
        s3 = self.client()
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                s3.head_bucket(Bucket="outage")
                return
            except Exception:
                try:
                    s3.create_bucket(Bucket="outage")
                    return
                except Exception:
                    time.sleep(0.3)
        pytest.fail("private MinIO did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def client(self):
        return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.port}",
                            aws_access_key_id="tributary", aws_secret_access_key="tributary-secret",
                            region_name="us-east-1")


def test_s3_outage_blocks_then_resumes_without_loss(tributary_bin, kafka, workdir):
    minio = OwnMinio(workdir)
    minio.start()
    try:
        s3 = minio.client()
        topic = uid("outage")
        partitions, per_partition, flush = 2, 2000, 50
        create_topic(kafka, topic, partitions)
        cfg = write_config(workdir / "sink.json", uid("outage"), topic, "lake", flush__size=flush,
                           s3__bucket__name="outage", store__url=f"http://127.0.0.1:{minio.port}",
                           s3__part__retries=1, s3__retry__backoff__ms=50)
        sink = Sink(tributary_bin, cfg, workdir / "outage.log")
        try:
            wait_for(lambda: "assigned topic" in sink.output(), 60, "assignment", sink)
            preload(kafka, topic, partitions, per_partition // 2)
            wait_for(lambda: s3.list_objects_v2(Bucket="outage").get("KeyCount", 0) > 0,
                     60, "first objects", sink)
            minio.stop()  # outage: the sink retries and blocks
            produce(kafka, topic, [(p, key_of(i), dbz_value(i * partitions + p), None)
                                   for i in range(per_partition // 2, per_partition)
                                   for p in range(partitions)])
            wait_for(lambda: "retrying" in sink.output(), 60, "upload retries", sink)
            time.sleep(3)
            assert sink.proc.poll() is None, sink.output()
            minio.start()  # back: the sink resumes
            total = partitions * per_partition // flush

            def count():
                return sum(1 for p in s3.get_paginator("list_objects_v2").paginate(Bucket="outage")
                           for _ in p.get("Contents", []))
            wait_for(lambda: count() >= total, 120, "all objects after the outage", sink)
        finally:
            rc = sink.stop()
        assert rc == 0, sink.output()
        objects = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="outage"):
            for o in page.get("Contents", []):
                objects[o["Key"]] = s3.get_object(Bucket="outage", Key=o["Key"])["Body"].read()
        assert len(objects) == total
        check_each_record_once(objects, partitions, per_partition)
    finally:
        minio.stop()
