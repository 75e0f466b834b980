"""The metrics and health endpoint (`tributary.metrics.listen`, docs/metrics.md) end to end:
a source connector snapshots two tables and streams, against the real MariaDB and Kafka,
while the test scrapes /metrics and /health with urllib, as Prometheus would.

A sink connector is scraped too (records consumed, objects and bytes written, judged
against what the test produced and what boto3 lists in MinIO).

Judged: the per-table snapshot row counts equal the tables' rows (counted by PyMySQL),
the snapshot flags and table counts, the streaming counters moving by exactly the
changes made after the snapshot, the producer's acknowledgements, /health's state, and
the bind policy (a non-loopback address is refused with a clear message).
"""

import json
import re
import urllib.error
import urllib.request
import time

import pytest

import boto3
from confluent_kafka import Producer

from conftest import (Connector, admin_sql, delete_topics, env, free_port, source_config,  # noqa: F401
                      unique, workspace)

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """{(name, frozenset(labels)): value} from the Prometheus text format 0.0.4; also checks
    that every sample's family was declared by # TYPE before it."""
    samples, typed = {}, set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge"), line
            typed.add(name)
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        assert name in typed, f"{name} has no # TYPE line before it"
        pairs = frozenset((k, v.encode().decode("unicode_escape")) for k, v in LABEL.findall(labels))
        samples[(name, pairs)] = float(value)
    return samples


def get(port, path, timeout=5):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


class Scraper:
    def __init__(self, port, connector):
        self.port = port
        self.connector = connector

    def metrics(self):
        status, ctype, body = get(self.port, "/metrics")
        assert status == 200
        assert ctype == "text/plain; version=0.0.4; charset=utf-8"
        return parse_metrics(body)

    def value(self, samples, name, **labels):
        key = (name, frozenset({"connector": self.connector, **labels}.items()))
        return samples.get(key)

    def wait_until(self, what, predicate, timeout=90):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.metrics()
            if predicate(last):
                return last
            time.sleep(0.1)
        pytest.fail(f"metrics never showed {what}; last scrape:\n"
                    + "\n".join(f"{k} {v}" for k, v in sorted(last.items(), key=str)))


def wait_for_endpoint(conn, port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            get(port, "/health", timeout=1)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            if conn.proc.poll() is not None:
                pytest.fail(f"connector exited with {conn.proc.returncode}:\n{conn.stderr()}")
            time.sleep(0.05)
    pytest.fail(f"the metrics endpoint did not come up:\n{conn.stderr()}")


def test_snapshot_and_streaming_metrics(tributary_bin, tmp_path, workspace):
    db = workspace
    big, small = 30000, 500
    admin_sql([
        "CREATE TABLE big (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2))",
        "CREATE TABLE small (k VARCHAR(20) PRIMARY KEY, v INT)",
    ], db=db)
    rows = ",".join(f"({i},'name {i}',{i}.25)" for i in range(1, big + 1))
    admin_sql([f"INSERT INTO big VALUES {rows}",
               "INSERT INTO small VALUES " + ",".join(f"('k{i}',{i})" for i in range(small))],
              db=db)

    port = free_port()
    name = unique("metrics")
    cfg = source_config(db, db, **{
        "offset.storage.file.filename": str(tmp_path / "offsets.json"),
        "table.include.list": f"{db}.big,{db}.small",
        "incremental.snapshot.chunk.size": 1000,
        # ~3 s of snapshot: scrapes see it running.
        "snapshot.max.rows.per.second": 10000,
        "tributary.metrics.listen": f"127.0.0.1:{port}",
    })
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    try:
        wait_for_endpoint(conn, port)
        s = Scraper(port, name)

        # While the snapshot runs.
        running = s.wait_until("a running snapshot",
                               lambda m: s.value(m, "tributary_snapshot_running") == 1)
        assert s.value(running, "tributary_snapshot_total_table_count") == 2
        assert s.value(running, "tributary_snapshot_completed") == 0
        status, ctype, body = get(port, "/health")
        health = json.loads(body)
        assert (status, ctype) == (200, "application/json")
        assert health["connector"]["name"] == name
        assert health["connector"]["type"] == "source"
        assert health["connector"]["state"] == "RUNNING"
        assert health["connector"].get("phase") in ("snapshot", "streaming")  # may just end

        # After it.
        done = s.wait_until("a completed snapshot",
                            lambda m: s.value(m, "tributary_snapshot_completed") == 1)
        assert s.value(done, "tributary_snapshot_running") == 0
        assert s.value(done, "tributary_snapshot_aborted") == 0
        assert s.value(done, "tributary_snapshot_remaining_table_count") == 0
        assert s.value(done, "tributary_snapshot_total_table_count") == 2
        assert s.value(done, "tributary_snapshot_rows_scanned", table=f"{db}.big") == big
        assert s.value(done, "tributary_snapshot_rows_scanned", table=f"{db}.small") == small
        assert s.value(done, "tributary_snapshot_table_completed", table=f"{db}.big") == 1
        assert s.value(done, "tributary_snapshot_table_completed", table=f"{db}.small") == 1
        assert s.value(done, "tributary_snapshot_rows_estimated", table=f"{db}.big") > 0
        assert s.value(done, "tributary_snapshot_events_seen_total") == big + small
        # Rate limited to 10k rows/s (after a burst): 30.5k rows take seconds.
        assert 0.5 <= s.value(done, "tributary_snapshot_duration_seconds") < 60
        assert s.value(done, "tributary_streaming_events_seen_total") == 0
        acked = s.wait_until("every snapshot record acknowledged", lambda m: s.value(
            m, "tributary_producer_records_acked_total") >= big + small)
        assert s.value(acked, "tributary_producer_records_failed_total") == 0
        assert s.value(acked, "tributary_producer_bytes_sent_total") > big * 50

        # Streaming: 7 inserts, 2 updates, 1 delete = 10 change events.
        before = s.metrics()
        pos_before = s.value(before, "tributary_streaming_binlog_position")
        admin_sql([f"INSERT INTO big VALUES ({big + i},'new',1.5)" for i in range(1, 8)]
                  + ["UPDATE big SET amount = 2 WHERE id IN (1, 2)", "DELETE FROM small WHERE k='k0'"],
                  db=db)
        moved = s.wait_until("10 streamed events", lambda m: s.value(
            m, "tributary_streaming_events_seen_total") == 10, timeout=30)
        assert s.value(moved, "tributary_streaming_binlog_position") != pos_before
        files = [dict(k[1]) for k in moved if k[0] == "tributary_streaming_binlog_info"]
        assert len(files) == 1 and re.match(r".+\.\d{6}$", files[0]["binlog_file"]), files
        assert s.value(moved, "tributary_streaming_connected") == 1
        assert 0 <= s.value(moved, "tributary_streaming_milli_seconds_behind_source") < 60000
        assert 0 <= s.value(moved, "tributary_streaming_milli_seconds_since_last_event") < 60000
        assert abs(s.value(moved, "tributary_streaming_last_event_timestamp_seconds") - time.time()) < 120
        # The snapshot figures did not move.
        assert s.value(moved, "tributary_snapshot_rows_scanned", table=f"{db}.big") == big
        s.wait_until("the streamed records acknowledged", lambda m: s.value(
            m, "tributary_producer_records_acked_total") >= big + small + 10)

        status, _, body = get(port, "/health")
        assert status == 200
        assert json.loads(body)["connector"]["phase"] == "streaming"
        assert get(port, "/nope")[0] == 404
    finally:
        rc = conn.stop()
    assert rc == 0, conn.stderr()
    assert f"metrics and health on http://127.0.0.1:{port}/metrics" in conn.stderr()


def test_non_loopback_bind_is_refused(tributary_bin, tmp_path, run_tributary):
    def dry_run(name, **extra):
        cfg = source_config("nodb", "nodb", **extra)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"name": name, "config": cfg}))
        return run_tributary("run", "--dry-run", str(path))

    r = dry_run("remote", **{"tributary.metrics.listen": "0.0.0.0:9404"})
    assert r.returncode == 2, r.stderr
    assert "tributary.metrics.listen: '0.0.0.0:9404' is not a loopback address" in r.stderr
    assert "tributary.metrics.allow.remote=true" in r.stderr
    assert "nothing started" in r.stderr

    r = dry_run("malformed", **{"tributary.metrics.listen": "localhost"})
    assert r.returncode == 2, r.stderr
    assert "is not a listen address" in r.stderr

    r = dry_run("allowed", **{"tributary.metrics.listen": "0.0.0.0:9404",
                              "tributary.metrics.allow.remote": "true"})
    assert r.returncode == 0, r.stderr

    r = dry_run("loopback", **{"tributary.metrics.listen": ":9404"})
    assert r.returncode == 0, r.stderr


def test_two_connectors_on_one_port_are_refused(tributary_bin, tmp_path, run_tributary):
    paths = []
    for name in ("one", "two"):
        cfg = source_config("nodb", f"nodb{name}", **{"tributary.metrics.listen": "127.0.0.1:9404"})
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"name": name, "config": cfg}))
        paths.append(str(path))
    r = run_tributary("run", "--dry-run", *paths)
    assert r.returncode == 2, r.stderr
    assert "connectors 'one' and 'two' both give tributary.metrics.listen=127.0.0.1:9404" in r.stderr


def test_port_in_use_fails_at_start(tributary_bin, tmp_path, workspace):
    import socket
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        cfg = source_config(workspace, workspace,
                            **{"offset.storage.file.filename": str(tmp_path / "o.json"),
                               "tributary.metrics.listen": f"127.0.0.1:{port}"})
        conn = Connector(tributary_bin, tmp_path, unique("busy"), cfg).start()
        rc = conn.wait_exit(timeout=30)
        assert rc == 1, conn.stderr()
        assert f"metrics endpoint: cannot listen on 127.0.0.1:{port}" in conn.stderr()
    finally:
        taken.close()


def test_sink_metrics(tributary_bin, tmp_path, s3_settings):
    topic = unique("metrics_sink")
    prefix = unique("metrics-sink")
    p = Producer({"bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")})
    for i in range(10):
        p.produce(topic, key=str(i).encode(), value=json.dumps({"id": i, "v": "x" * i}).encode(),
                  partition=0)
    assert p.flush(30) == 0
    port = free_port()
    name = unique("msink")
    cfg = {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "topics": topic,
        "bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        "s3.bucket.name": s3_settings["bucket"],
        "s3.region": "us-east-1",
        "store.url": s3_settings["endpoint"],
        "aws.access.key.id": "${env:AWS_ACCESS_KEY_ID}",
        "aws.secret.access.key": "${env:AWS_SECRET_ACCESS_KEY}",
        "flush.size": "5",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "schema.compatibility": "NONE",
        "topics.dir": prefix,
        "tributary.metrics.listen": f"127.0.0.1:{port}",
    }
    conn = Connector(tributary_bin, tmp_path, name, cfg).start()
    s3 = boto3.client("s3", endpoint_url=s3_settings["endpoint"],
                      aws_access_key_id=s3_settings["access_key"],
                      aws_secret_access_key=s3_settings["secret_key"], region_name="us-east-1")
    try:
        wait_for_endpoint(conn, port)
        s = Scraper(port, name)
        m = s.wait_until("10 records in 2 objects", lambda m: s.value(
            m, "tributary_sink_records_consumed_total") == 10 and s.value(
            m, "tributary_sink_objects_written_total") == 2, timeout=60)
        assert s.value(m, "tributary_sink_records_written_total") == 10
        assert s.value(m, "tributary_sink_upload_retries_total") == 0
        objects = s3.list_objects_v2(Bucket=s3_settings["bucket"], Prefix=prefix + "/").get("Contents", [])
        assert len(objects) == 2
        assert s.value(m, "tributary_sink_bytes_written_total") == sum(o["Size"] for o in objects)
        status, _, body = get(port, "/health")
        assert status == 200
        assert json.loads(body)["connector"] == {"name": name, "type": "sink", "state": "RUNNING"}
    finally:
        rc = conn.stop()
        for o in s3.list_objects_v2(Bucket=s3_settings["bucket"], Prefix=prefix + "/").get("Contents", []):
            s3.delete_object(Bucket=s3_settings["bucket"], Key=o["Key"])
        delete_topics(topic)
    assert rc == 0, conn.stderr()
