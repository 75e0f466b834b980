"""Shared fixtures and helpers of the end-to-end tests.

The services are started by scripts/services.sh (scripts/test.sh does it); their
endpoints come from the environment or from build/services/env.sh. The `tributary`
binary is $TRIBUTARY_BIN or build/rel/src/cli/tributary. The source-connector helpers
(a `tributary run` process, its config, reading topics with an independent Kafka client)
are shared by test_source_connector.py and test_snapshot.py.
"""

import json
import os
import pathlib
import random
import re
import signal
import socket
import subprocess
import time
import uuid

import pymysql
import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRIBUTARY_BUILD_DIR", ROOT / "build"))


def _load_env_file():
    env_file = pathlib.Path(os.environ.get("TRIBUTARY_SERVICES_DIR", BUILD / "services")) / "env.sh"
    if not env_file.exists():
        return
    for line in env_file.read_text().splitlines():
        m = re.match(r"export (\w+)=(.*)", line)
        if m and m.group(1) not in os.environ:
            os.environ[m.group(1)] = m.group(2)


_load_env_file()


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        pytest.fail(f"{name} is not set: start the services with scripts/services.sh start")
    return value


@pytest.fixture(scope="session")
def tributary_bin():
    path = pathlib.Path(os.environ.get("TRIBUTARY_BIN", BUILD / "rel" / "src" / "cli" / "tributary"))
    if not path.exists():
        pytest.fail(f"{path} not built: run scripts/test.sh or cmake --build build/rel")
    return str(path)


@pytest.fixture
def run_tributary(tributary_bin):
    def run(*args, env_extra=None, cwd=ROOT):
        e = dict(os.environ)
        for k, v in (env_extra or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        return subprocess.run([tributary_bin, *args], capture_output=True, text=True, cwd=cwd,
                              env=e, timeout=60)
    return run


@pytest.fixture(scope="session")
def mariadb_params():
    return {
        "host": env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
        "port": int(env("TRIBUTARY_MARIADB_PORT", "3306")),
    }


@pytest.fixture
def admin_conn(mariadb_params):
    conn = pymysql.connect(user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                           autocommit=True, charset="utf8mb4", **mariadb_params)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def kafka_bootstrap():
    return env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


@pytest.fixture(scope="session")
def s3_settings():
    return {
        "endpoint": env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
        "bucket": env("TRIBUTARY_S3_BUCKET", "tributary-lake"),
        "access_key": env("AWS_ACCESS_KEY_ID", "tributary"),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", "tributary-secret"),
    }


# ----------------------------------------------------------------------------- source connector helpers

def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def admin_sql(sql_list, db=None, port=None):
    conn = pymysql.connect(host=env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
                           port=port or int(env("TRIBUTARY_MARIADB_PORT", "3306")),
                           user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                           database=db, autocommit=True, charset="utf8mb4")
    try:
        with conn.cursor() as cur:
            for sql in sql_list:
                cur.execute(sql)
    finally:
        conn.close()


class Connector:
    """One `tributary run` process with its log files."""

    def __init__(self, tributary_bin, tmp_path, name, config):
        self.bin = tributary_bin
        self.dir = tmp_path
        self.name = name
        self.config = dict(config)
        self.path = tmp_path / f"{name}.json"
        self.path.write_text(json.dumps({"name": name, "config": self.config}, indent=1))
        self.proc = None
        self.runs = 0

    def start(self):
        self.runs += 1
        self.out = open(self.dir / f"{self.name}.{self.runs}.out", "w")
        self.err_path = self.dir / f"{self.name}.{self.runs}.err"
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen([self.bin, "run", str(self.path)], stdout=self.out,
                                     stderr=self.err, cwd=ROOT)
        return self

    def wait_streaming(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            err = self.stderr()
            streaming = "streaming MariaDB" in err or "streaming MySQL" in err
            # An initial snapshot (snapshot.mode=initial, the default) reads the existing
            # rows first: changes written before it ends may come as its `r` rows.
            snapshotting = "initial snapshot of" in err and "initial snapshot complete" not in err
            if streaming and not snapshotting:
                return
            if self.proc.poll() is not None:
                pytest.fail(f"connector exited with {self.proc.returncode}:\n{self.stderr()}")
            time.sleep(0.1)
        pytest.fail(f"connector did not start streaming (or finish its snapshot):\n{self.stderr()}")

    def stderr(self):
        return self.err_path.read_text()

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout)
        self.proc = None
        self.out.close()
        self.err.close()
        return rc

    def wait_exit(self, timeout=60):
        rc = self.proc.wait(timeout=timeout)
        self.proc = None
        return rc

    def __del__(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()


def source_config(db, prefix, **extra):
    cfg = {
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "tasks.max": "1",
        "database.hostname": env("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
        "database.port": env("TRIBUTARY_MARIADB_PORT", "3306"),
        "database.user": "cdc",
        "database.password": "${env:TRIBUTARY_CDC_PASSWORD}",
        "database.server.id": str(random.randint(100000, 4000000000)),
        "topic.prefix": prefix,
        "database.include.list": db,
        "bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        "schema.history.internal.kafka.bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP"),
        "schema.history.internal.kafka.topic": f"{prefix}.history",
        "offset.flush.interval.ms": "200",
        "topic.creation.default.partitions": "3",
        "topic.creation.default.replication.factor": "1",
    }
    cfg.update({k: str(v) for k, v in extra.items()})
    return cfg


def read_topic(topic, expect=None, timeout=60, isolation="read_uncommitted", settle=1.0):
    """Every record of `topic` (all partitions), waiting until at least `expect` records
    are there (or, without `expect`, until nothing new arrives for `settle` seconds)."""
    boot = env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    # fetch.queue.backoff.ms: librdkafka's default (1 s) pauses a partition's fetching for
    # up to a second once its prefetch queue is full, a lull that looks like the end.
    c = Consumer({"bootstrap.servers": boot, "group.id": unique("judge"),
                  "enable.auto.commit": False, "isolation.level": isolation,
                  "enable.partition.eof": False, "fetch.queue.backoff.ms": 10})
    deadline = time.time() + timeout
    try:
        while True:
            md = c.list_topics(topic, timeout=10)
            t = md.topics.get(topic)
            if t is not None and t.error is None and t.partitions:
                break
            if time.time() > deadline:
                pytest.fail(f"topic {topic} does not exist")
            time.sleep(0.3)
        parts = sorted(t.partitions)
        c.assign([TopicPartition(topic, p, 0) for p in parts])
        records = []
        last_new = time.time()
        while time.time() < deadline:
            m = c.poll(0.2)
            if m is not None and not m.error():
                records.append(m)
                last_new = time.time()
                continue
            if (expect is not None and len(records) >= expect and time.time() - last_new > 0.5
                    and at_end(c, topic, parts, isolation)):
                break
            if expect is None and time.time() - last_new > settle:
                break
        return records, len(parts)
    finally:
        c.close()


def at_end(c, topic, parts, isolation):
    """Whether the consumer has read every partition up to its end offset. A count alone
    is not enough: duplicates reach `expect` before the last records are read. Under
    read_committed the end (last stable offset) may sit past a commit marker the position
    never reaches, so there the count and the lull decide."""
    if isolation != "read_uncommitted":
        return True
    tps = [TopicPartition(topic, p) for p in parts]
    positions = {tp.partition: tp.offset for tp in c.position(tps)}
    for p in parts:
        _, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)
        pos = positions.get(p, -1)
        if high > 0 and (pos is None or pos < high):
            return False
    return True


def decode(m):
    key = json.loads(m.key()) if m.key() is not None else None
    value = json.loads(m.value()) if m.value() is not None else None
    return key, value


def payload(doc):
    return doc["payload"] if doc is not None and "payload" in doc and "schema" in doc else doc


def headers(m):
    return {k: v for k, v in (m.headers() or [])}


def delete_topics(prefix):
    a = AdminClient({"bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")})
    names = [t for t in a.list_topics(timeout=10).topics if t == prefix or t.startswith(prefix + ".")
             or t == f"__debezium-heartbeat.{prefix}"]
    if names:
        for f in a.delete_topics(names).values():
            try:
                f.result()
            except Exception:
                pass


@pytest.fixture
def workspace(request):
    """A fresh database and topic prefix; both removed afterwards."""
    name = unique("src")
    admin_sql([f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"])
    yield name
    admin_sql([f"DROP DATABASE IF EXISTS {name}"])
    delete_topics(name)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
