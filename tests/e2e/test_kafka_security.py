"""Kafka over TLS and SASL, against a real broker (issues 5 and 7).

A PRIVATE Kafka instance (scripts/services/kafka.sh with TRIBUTARY_KAFKA_SSL_PORT and
TRIBUTARY_KAFKA_SASL_PORT: an SSL listener and a SASL_SSL listener with SCRAM-SHA-512 and
PLAIN, both with a certificate from a CA made at its first start) is started for this
module; the shared broker is never touched. Connectors get the settings the way Kafka
Connect users write them (security.protocol, ssl.truststore.*, sasl.mechanism,
sasl.jaas.config) and are judged by an independent client (confluent-kafka, its own
librdkafka) connecting over the same listener.

SCRAM: librdkafka before 2.6.1 cannot authenticate with SCRAM to Kafka 4 brokers (it
repeats the client nonce in the client-final message, which Kafka 4 rejects as "invalid
credentials"; confluentinc/librdkafka#4895). Tributary links 2.12.1, so the SCRAM test
expects a working stream; a build against an older system librdkafka gets that exact
failure asserted instead (docs/compatibility.md).
"""

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
from confluent_kafka import Consumer, TopicPartition

from conftest import (ROOT, Connector, admin_sql, free_port, payload, decode, source_config,
                      unique)

SERVICES = ROOT / "scripts" / "services"
SASL_USER = "tributary"
SASL_PASSWORD = "Scram-Pass-7f3a9c"
SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"
PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule"


def jaas(user, password, module=SCRAM_MODULE):
    return f'{module} required username="{user}" password="{password}";'


def linked_librdkafka(tributary_bin):
    out = subprocess.run([tributary_bin, "version"], capture_output=True, text=True,
                         timeout=30).stdout
    m = re.search(r"librdkafka (\d+)\.(\d+)\.(\d+)", out)
    assert m, out
    return tuple(int(x) for x in m.groups())


# ----------------------------------------------------------------------------- private broker

@pytest.fixture(scope="module")
def secure_kafka():
    if shutil.which("java") is None:
        pytest.skip("java not installed")
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    base = pathlib.Path(tempfile.mkdtemp(prefix="trib-ks-"))
    ports = {"plain": free_port(), "controller": free_port(), "ssl": free_port(),
             "sasl": free_port()}
    e = dict(os.environ)
    e.update({
        "TRIBUTARY_SERVICES_DIR": str(base), "TRIBUTARY_KAFKA_NAME": "kafka-sec",
        "TRIBUTARY_KAFKA_PORT": str(ports["plain"]),
        "TRIBUTARY_KAFKA_CONTROLLER_PORT": str(ports["controller"]),
        "TRIBUTARY_KAFKA_SSL_PORT": str(ports["ssl"]),
        "TRIBUTARY_KAFKA_SASL_PORT": str(ports["sasl"]),
        "TRIBUTARY_KAFKA_SASL_USER": SASL_USER, "TRIBUTARY_KAFKA_SASL_PASSWORD": SASL_PASSWORD,
        "TRIBUTARY_KAFKA_HEAP": "256m"})
    script = str(SERVICES / "kafka.sh")

    def run(action):
        r = subprocess.run([script, action], env=e, capture_output=True, text=True, timeout=180)
        if r.returncode != 0:
            pytest.fail(f"kafka.sh {action} failed ({r.returncode}):\n{r.stderr[-3000:]}")
        return r.stderr

    out = run("start")
    ca = base / "kafka-sec" / "tls" / "ca-cert.pem"
    assert f"CA certificate {ca}" in out
    assert ca.exists()
    try:
        yield {"ssl": f"127.0.0.1:{ports['ssl']}", "sasl": f"localhost:{ports['sasl']}",
               "ca": str(ca), "dir": base}
    finally:
        run("reset")
        shutil.rmtree(base, ignore_errors=True)


def ssl_client(k):
    return {"bootstrap.servers": k["ssl"], "security.protocol": "ssl",
            "ssl.ca.location": k["ca"]}


def sasl_client(k, mechanism="SCRAM-SHA-512"):
    # confluent-kafka's own librdkafka (2.6.1 or later) does SCRAM with Kafka 4.
    return {"bootstrap.servers": k["sasl"], "security.protocol": "sasl_ssl",
            "ssl.ca.location": k["ca"], "sasl.mechanisms": mechanism,
            "sasl.username": SASL_USER, "sasl.password": SASL_PASSWORD}


def read_secure(client, topic, expect, timeout=60):
    """Every record of `topic`, read by an independent client over TLS (and SASL)."""
    c = Consumer({**client, "group.id": unique("judge"), "enable.auto.commit": False,
                  "enable.partition.eof": False})
    deadline = time.time() + timeout
    try:
        while True:
            t = c.list_topics(topic, timeout=10).topics.get(topic)
            if t is not None and t.error is None and t.partitions:
                break
            if time.time() > deadline:
                pytest.fail(f"topic {topic} does not exist")
            time.sleep(0.3)
        c.assign([TopicPartition(topic, p, 0) for p in sorted(t.partitions)])
        records = []
        while time.time() < deadline and len(records) < expect:
            m = c.poll(0.2)
            if m is not None and not m.error():
                records.append(m)
        return records
    finally:
        c.close()


def make_other_ca(d):
    """A self-signed CA that did not sign the broker's certificate."""
    key, cert = d / "other-ca-key.pem", d / "other-ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=Not the broker's CA", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return str(cert)


# ----------------------------------------------------------------------------- fixtures

class DebugConnector(Connector):
    """`tributary run --log-level debug`: the client settings are logged (redacted)."""

    def start(self):
        self.runs += 1
        self.out = open(self.dir / f"{self.name}.{self.runs}.out", "w")
        self.err_path = self.dir / f"{self.name}.{self.runs}.err"
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen([self.bin, "run", "--log-level", "debug", str(self.path)],
                                     stdout=self.out, stderr=self.err, cwd=ROOT)
        return self

    def all_output(self):
        outs = [p.read_text(errors="replace") for p in self.dir.glob(f"{self.name}.*.out")]
        return self.stderr() + "".join(outs)


@pytest.fixture
def database():
    """A fresh database with table t on the shared MariaDB (removed afterwards)."""
    name = unique("ks")
    admin_sql([f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}",
               f"CREATE TABLE {name}.t (id INT PRIMARY KEY, v VARCHAR(40))"])
    yield name
    admin_sql([f"DROP DATABASE IF EXISTS {name}"])


def secure_source(db, bootstrap, **security):
    cfg = source_config(db, db, **{"bootstrap.servers": bootstrap,
                                   "schema.history.internal.kafka.bootstrap.servers": bootstrap,
                                   "snapshot.mode": "no_data"})
    cfg.update(security)
    return cfg


def insert_rows(db, n):
    admin_sql([f"INSERT INTO t (id, v) VALUES ({i}, 'row-{i}')" for i in range(1, n + 1)], db=db)


def wait_for(connector, needles, timeout=60):
    """Waits until one of `needles` is in the connector's log (or it exits); the log."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = connector.all_output()
        if any(n in text for n in needles):
            return text
        if connector.proc.poll() is not None:
            return connector.all_output()
        time.sleep(0.2)
    return connector.all_output()


def stop(connector):
    if connector.proc is not None:
        if connector.proc.poll() is None:
            connector.stop(timeout=60)
        else:
            connector.wait_exit()


# ----------------------------------------------------------------------------- source over TLS

def test_source_over_ssl_with_pem_truststore(secure_kafka, database, tributary_bin, tmp_path):
    cfg = secure_source(database, secure_kafka["ssl"], **{
        "security.protocol": "SSL",
        "ssl.truststore.location": secure_kafka["ca"],
        "ssl.truststore.type": "PEM"})
    c = DebugConnector(tributary_bin, tmp_path, "src-ssl", cfg).start()
    try:
        c.wait_streaming()
        insert_rows(database, 5)
        records = read_secure(ssl_client(secure_kafka), f"{database}.{database}.t", expect=5)
    finally:
        stop(c)
    ids = sorted(payload(decode(m)[1])["after"]["id"] for m in records)
    assert ids == [1, 2, 3, 4, 5]
    ops = {payload(decode(m)[1])["op"] for m in records}
    assert ops == {"c"}
    log = c.all_output()
    assert "security.protocol=ssl" in log
    assert f"ssl.ca.location={secure_kafka['ca']}" in log


def test_source_over_sasl_ssl_plain(secure_kafka, database, tributary_bin, tmp_path):
    cfg = secure_source(database, secure_kafka["sasl"], **{
        "security.protocol": "SASL_SSL",
        "ssl.truststore.location": secure_kafka["ca"],
        "ssl.truststore.type": "PEM",
        "sasl.mechanism": "PLAIN",
        "sasl.jaas.config": jaas(SASL_USER, SASL_PASSWORD, PLAIN_MODULE)})
    c = DebugConnector(tributary_bin, tmp_path, "src-plain", cfg).start()
    try:
        c.wait_streaming()
        insert_rows(database, 7)
        records = read_secure(sasl_client(secure_kafka), f"{database}.{database}.t", expect=7)
    finally:
        stop(c)
    assert sorted(payload(decode(m)[1])["after"]["id"] for m in records) == list(range(1, 8))
    # The schema history went over SASL_SSL too.
    history = read_secure(sasl_client(secure_kafka), f"{database}.history", expect=1)
    assert history and all(database.encode() in m.value() for m in history)
    log = c.all_output()
    assert "sasl.mechanisms=PLAIN" in log
    assert "sasl.username=tributary" in log
    assert "sasl.password=[hidden]" in log
    assert SASL_PASSWORD not in log


def test_source_over_sasl_ssl_scram(secure_kafka, database, tributary_bin, tmp_path):
    cfg = secure_source(database, secure_kafka["sasl"], **{
        "security.protocol": "SASL_SSL",
        "ssl.truststore.location": secure_kafka["ca"],
        "ssl.truststore.type": "PEM",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.jaas.config": jaas(SASL_USER, SASL_PASSWORD)})
    c = DebugConnector(tributary_bin, tmp_path, "src-scram", cfg).start()
    if linked_librdkafka(tributary_bin) < (2, 6, 1):
        # Known librdkafka bug (fixed in 2.6.1): the broker refuses the SCRAM proof.
        try:
            log = wait_for(c, ["Authentication failed during authentication"], timeout=90)
        finally:
            stop(c)
        assert ("Authentication failed during authentication due to invalid credentials "
                "with SASL mechanism SCRAM-SHA-512") in log, log[-4000:]
        assert "streaming MariaDB" not in log and "streaming MySQL" not in log
        assert "fixed in librdkafka 2.6.1" in log  # the start-up warning says why
        assert "sasl.password=[hidden]" in log
        assert SASL_PASSWORD not in log
        # The same credentials work over SCRAM with a newer librdkafka (the judge's).
        from confluent_kafka.admin import AdminClient
        md = AdminClient(sasl_client(secure_kafka)).list_topics(timeout=15)
        assert md.brokers
        return
    try:
        c.wait_streaming()
        insert_rows(database, 4)
        records = read_secure(sasl_client(secure_kafka), f"{database}.{database}.t", expect=4)
    finally:
        stop(c)
    assert sorted(payload(decode(m)[1])["after"]["id"] for m in records) == [1, 2, 3, 4]
    log = c.all_output()
    assert "sasl.mechanisms=SCRAM-SHA-512" in log
    assert SASL_PASSWORD not in log


def test_wrong_sasl_password_fails_clearly(secure_kafka, database, tributary_bin, tmp_path):
    wrong = "Wrong-Pass-b81d02"
    cfg = secure_source(database, secure_kafka["sasl"], **{
        "security.protocol": "SASL_SSL",
        "ssl.truststore.location": secure_kafka["ca"],
        "sasl.mechanism": "PLAIN",
        "sasl.jaas.config": jaas(SASL_USER, wrong, PLAIN_MODULE)})
    c = DebugConnector(tributary_bin, tmp_path, "src-badpass", cfg).start()
    try:
        wait_for(c, ["connector src-badpass failed"], timeout=90)
        rc = c.proc.wait(timeout=30)  # it exits by itself after saying why
        log = c.all_output()
    finally:
        stop(c)
    assert rc == 1, log[-4000:]
    assert ("SASL authentication error: Authentication failed: Invalid username or password"
            in log), log[-4000:]
    failed = [line for line in log.splitlines() if "connector src-badpass failed" in line]
    assert failed and "Invalid username or password" in failed[0]
    assert "streaming MariaDB" not in log and "streaming MySQL" not in log
    assert wrong not in log
    assert SASL_PASSWORD not in log


def test_wrong_ca_fails_with_tls_verification_error(secure_kafka, database, tributary_bin,
                                                    tmp_path):
    cfg = secure_source(database, secure_kafka["ssl"], **{
        "security.protocol": "SSL",
        "ssl.truststore.location": make_other_ca(tmp_path),
        "ssl.truststore.type": "PEM"})
    c = DebugConnector(tributary_bin, tmp_path, "src-badca", cfg).start()
    try:
        wait_for(c, ["connector src-badca failed"], timeout=90)
        rc = c.proc.wait(timeout=30)  # it exits by itself after saying why
        log = c.all_output()
    finally:
        stop(c)
    assert rc == 1, log[-4000:]
    failed = [line for line in log.splitlines() if "connector src-badca failed" in line]
    assert failed and "certificate verify failed" in failed[0], log[-4000:]
    assert "streaming MariaDB" not in log and "streaming MySQL" not in log


# ----------------------------------------------------------------------------- sink over SASL_SSL

def test_sink_consumes_over_sasl_ssl(secure_kafka, tributary_bin, tmp_path, monkeypatch):
    from confluent_kafka import Producer
    topic = unique("ks_sink")
    p = Producer(sasl_client(secure_kafka))
    for i in range(6):
        value = {"before": None, "after": {"id": i, "v": f"row-{i}"}, "op": "c"}
        p.produce(topic, key=json.dumps({"id": i}), value=json.dumps(value))
    assert p.flush(30) == 0

    monkeypatch.setenv("KS_KAFKA_PASSWORD", SASL_PASSWORD)
    root = tmp_path / "lake"
    root.mkdir()
    cfg = {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "tasks.max": "1",
        "topics": topic,
        "bootstrap.servers": secure_kafka["sasl"],
        "security.protocol": "SASL_SSL",
        "ssl.truststore.location": secure_kafka["ca"],
        "ssl.truststore.type": "PEM",
        "sasl.mechanism": "PLAIN",
        # A config provider placeholder inside the JAAS line, as Connect users keep it.
        "sasl.jaas.config": jaas(SASL_USER, "${env:KS_KAFKA_PASSWORD}", PLAIN_MODULE),
        "s3.bucket.name": "lake",
        "store.url": f"file://{root}",
        "flush.size": "3",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "schema.compatibility": "NONE",
        "topics.dir": "ks",
    }
    path = tmp_path / "sink.json"
    path.write_text(json.dumps({"name": unique("sink"), "config": cfg}))
    log_path = tmp_path / "sink.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([tributary_bin, "run", "--log-level", "debug", str(path)],
                                stdout=log, stderr=log)
        try:
            deadline = time.time() + 90
            files = []
            while time.time() < deadline and proc.poll() is None:
                files = [f for f in root.rglob("*.json") if f.is_file()]
                if len(files) >= 2:
                    break
                time.sleep(0.3)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    text = log_path.read_text(errors="replace")
    assert len(files) == 2, text[-4000:]
    ids = sorted(json.loads(line)["after"]["id"]
                 for f in files for line in f.read_text().splitlines())
    assert ids == list(range(6))
    assert SASL_PASSWORD not in text
