"""The S3 sink over HTTPS against a real TLS server (issue 7: "HTTPS with certificate
verification").

A PRIVATE MinIO instance serving HTTPS only (scripts/services/s3.sh with TRIBUTARY_S3_TLS=1:
a CA and a server certificate for localhost / 127.0.0.1 made with openssl at its first
start) is started for this module on a free port, with its own data folder, bucket and
credentials; the shared MinIO is never touched. `tributary run` writes through it with
`s3.ssl.ca.file` pointing at the test CA, over the real Kafka, and boto3 (verify=the CA)
is the judge. Without that CA, with another CA, with a host name the certificate does not
name, or with https:// to a plain-HTTP server, the sink must stop with a certificate (TLS)
error naming the endpoint, without retrying forever and without the secret key in its
output.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import uuid

import boto3
import pytest
from botocore.config import Config

from conftest import ROOT, env, free_port
from test_sink_connector import (Sink, create_topic, dbz_payload, dbz_value, key_of,  # noqa: F401
                                 kafka, produce)

SERVICES = ROOT / "scripts" / "services"
ACCESS_KEY = "tls-writer"
SECRET_KEY = "Tls-Secret-4b8e1f0c9a"  # must never appear in the sink's output
BUCKET = "tls-lake"


# ----------------------------------------------------------------------------- private server

@pytest.fixture(scope="module")
def tls_s3():
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    base = pathlib.Path(tempfile.mkdtemp(prefix="trib-s3tls-"))
    port = free_port()
    e = dict(os.environ)
    e.update({
        "TRIBUTARY_SERVICES_DIR": str(base), "TRIBUTARY_S3_NAME": "s3-tls",
        "TRIBUTARY_S3_PORT": str(port), "TRIBUTARY_S3_TLS": "1",
        "TRIBUTARY_S3_ACCESS_KEY": ACCESS_KEY, "TRIBUTARY_S3_SECRET_KEY": SECRET_KEY,
        "TRIBUTARY_S3_BUCKET": BUCKET})
    script = str(SERVICES / "s3.sh")

    def run(action):
        r = subprocess.run([script, action], env=e, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            pytest.fail(f"s3.sh {action} failed ({r.returncode}):\n{r.stderr[-3000:]}")
        return r.stderr

    out = run("start")
    ca = base / "s3-tls" / "tls" / "ca-cert.pem"
    assert f"ready on https://127.0.0.1:{port}" in out, out
    assert f"CA certificate {ca}" in out, out
    try:
        yield {"port": port, "url": f"https://127.0.0.1:{port}", "ca": str(ca), "dir": base}
    finally:
        run("reset")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def judge(tls_s3):
    """boto3 over HTTPS, verifying the server with the test CA."""
    return boto3.client("s3", endpoint_url=tls_s3["url"], aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
                        verify=tls_s3["ca"], config=Config(s3={"addressing_style": "path"}))


@pytest.fixture
def workdir():
    d = pathlib.Path(tempfile.mkdtemp(prefix="sink-tls-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def sink_config(path, topic, prefix, url, **overrides):
    cfg = {
        "connector.class": "io.confluent.connect.s3.S3SinkConnector",
        "tasks.max": "1",
        "topics": topic,
        "bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        "s3.bucket.name": BUCKET,
        "s3.region": "us-east-1",
        "store.url": url,
        "s3.path.style.access.enabled": "true",
        # Written out in the file on purpose: the test asserts it is never printed.
        "aws.access.key.id": ACCESS_KEY,
        "aws.secret.access.key": SECRET_KEY,
        "flush.size": "3",
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "schema.compatibility": "NONE",
        "topics.dir": prefix,
        "retry.backoff.ms": "300",
        "s3.retry.backoff.ms": "50",
    }
    for k, v in overrides.items():
        k = k.replace("__", ".")
        if v is None:
            cfg.pop(k, None)
        else:
            cfg[k] = str(v)
    path.write_text(json.dumps({"name": f"sink-tls-{uuid.uuid4().hex[:8]}", "config": cfg},
                               indent=2))
    return path


def list_keys(s3, prefix):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return sorted(k for k in keys if "/_tributary_cuts/" not in k)


def run_sink_until(tributary_bin, cfg, workdir, predicate, timeout=90):
    sink = Sink(tributary_bin, cfg, workdir / "sink.log")
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            if predicate():
                break
            if sink.proc.poll() is not None:
                pytest.fail(f"the sink exited with {sink.proc.returncode}:\n{sink.output()[-3000:]}")
            time.sleep(0.3)
        else:
            pytest.fail(f"timed out waiting for the objects:\n{sink.output()[-3000:]}")
    finally:
        rc = sink.stop()
    return rc, sink.output()


def run_sink_to_failure(tributary_bin, cfg, workdir, timeout=60):
    """The sink's exit code and output; fails the test if it is still running after
    `timeout` seconds (retrying forever)."""
    sink = Sink(tributary_bin, cfg, workdir / "sink.log")
    try:
        rc = sink.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        sink.stop()
        pytest.fail(f"the sink did not stop within {timeout} s:\n{sink.output()[-3000:]}")
    sink.log.close()
    return rc, sink.output()


def make_other_ca(d):
    """A self-signed CA that did not sign the server's certificate."""
    key, cert = d / "other-ca-key.pem", d / "other-ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=Not the S3 server's CA", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return str(cert)


# ----------------------------------------------------------------------------- tests

def test_objects_written_over_https_with_the_test_ca(tributary_bin, kafka, tls_s3, judge,
                                                     workdir):
    topic = f"sink-tls-{uuid.uuid4().hex[:8]}"
    prefix = f"tls-{uuid.uuid4().hex[:8]}"
    create_topic(kafka, topic, partitions=1)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i), None) for i in range(6)])
    cfg = sink_config(workdir / "sink.json", topic, prefix, tls_s3["url"],
                      s3__ssl__ca__file=tls_s3["ca"])
    expected = [f"{prefix}/{topic}/partition=0/{topic}+0+{o:010d}.json" for o in (0, 3)]
    rc, out = run_sink_until(tributary_bin, cfg, workdir,
                             lambda: list_keys(judge, prefix + "/") == expected)
    assert rc == 0, out
    lines = []
    for k in expected:
        lines += judge.get_object(Bucket=BUCKET, Key=k)["Body"].read().decode().splitlines()
    assert [json.loads(line) for line in lines] == [dbz_payload(i) for i in range(6)]
    assert SECRET_KEY not in out
    assert not re.search(r"Z error ", out), out


def test_multipart_object_over_https_by_host_name(tributary_bin, kafka, tls_s3, judge, workdir):
    """A 7 MB object (two parts of s3.part.size=5 MiB, unsigned payloads over TLS) to the
    endpoint named `localhost`, which the certificate names as a DNS name."""
    topic = f"sink-tls-mp-{uuid.uuid4().hex[:8]}"
    prefix = f"tls-mp-{uuid.uuid4().hex[:8]}"
    create_topic(kafka, topic, partitions=1)
    n = 70
    filler = "x" * 100_000
    values = [json.dumps(dict(dbz_payload(i), filler=filler)) for i in range(n)]
    produce(kafka, topic, [(0, key_of(i), values[i], None) for i in range(n)])
    cfg = sink_config(workdir / "sink.json", topic, prefix,
                      f"https://localhost:{tls_s3['port']}", s3__ssl__ca__file=tls_s3["ca"],
                      flush__size=n, s3__part__size=5 * 1024 * 1024)
    key = f"{prefix}/{topic}/partition=0/{topic}+0+{0:010d}.json"
    rc, out = run_sink_until(tributary_bin, cfg, workdir,
                             lambda: list_keys(judge, prefix + "/") == [key])
    assert rc == 0, out
    head = judge.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] > 7_000_000
    assert head["ETag"].strip('"').endswith("-2"), head["ETag"]  # a two-part upload
    body = judge.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    assert [json.loads(line) for line in body.splitlines()] == [json.loads(v) for v in values]
    assert SECRET_KEY not in out


@pytest.mark.parametrize("trust", ["system", "other-ca"])
def test_untrusted_certificate_stops_the_sink(tributary_bin, kafka, tls_s3, judge, workdir,
                                               trust):
    topic = f"sink-tls-bad-{uuid.uuid4().hex[:8]}"
    prefix = f"tls-bad-{uuid.uuid4().hex[:8]}"
    create_topic(kafka, topic, partitions=1)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i), None) for i in range(3)])
    extra = {} if trust == "system" else {"s3__ssl__ca__file": make_other_ca(workdir)}
    cfg = sink_config(workdir / "sink.json", topic, prefix, tls_s3["url"], **extra)
    rc, out = run_sink_to_failure(tributary_bin, cfg, workdir)
    assert rc == 1, out  # a runtime error
    # The object, then the request's URL (its path URI-encoded).
    assert f"s3://{BUCKET}/{prefix}/{topic}/partition=0/{topic}+0+0000000000.json: PutObject " \
        f"failed: PUT https://127.0.0.1:{tls_s3['port']}/{BUCKET}/{prefix}/{topic}/partition%3D0/" \
        in out, out
    assert "SSL certificate problem: unable to get local issuer certificate" in out, out
    against = ("the system's CA certificates" if trust == "system"
               else f"the CA certificates of {workdir / 'other-ca.pem'}")
    assert f"(TLS: the server's certificate was checked against {against})" in out, out
    assert "failed (attempt" not in out, out  # not retried
    assert SECRET_KEY not in out
    assert list_keys(judge, prefix + "/") == []


def test_certificate_for_another_host_name_stops_the_sink(tributary_bin, kafka, tls_s3, judge,
                                                          workdir):
    """curl resolves *.localhost to the loopback: the server is reached, but its certificate
    names localhost and 127.0.0.1 only."""
    topic = f"sink-tls-host-{uuid.uuid4().hex[:8]}"
    prefix = f"tls-host-{uuid.uuid4().hex[:8]}"
    create_topic(kafka, topic, partitions=1)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i), None) for i in range(3)])
    cfg = sink_config(workdir / "sink.json", topic, prefix,
                      f"https://wrong-name.localhost:{tls_s3['port']}",
                      s3__ssl__ca__file=tls_s3["ca"])
    rc, out = run_sink_to_failure(tributary_bin, cfg, workdir)
    assert rc == 1, out  # a runtime error
    assert f"https://wrong-name.localhost:{tls_s3['port']}/{BUCKET}/" in out, out
    assert ("no alternative certificate subject name matches target host name "
            "'wrong-name.localhost'") in out, out
    assert f"checked against the CA certificates of {tls_s3['ca']}" in out, out
    assert "failed (attempt" not in out, out
    assert SECRET_KEY not in out
    assert list_keys(judge, prefix + "/") == []


def test_https_to_a_plain_http_server_stops_the_sink(tributary_bin, kafka, tls_s3, workdir):
    """https:// to the shared MinIO, which speaks plain HTTP: only a TLS hello reaches it."""
    plain = env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000")
    assert plain.startswith("http://")
    topic = f"sink-tls-plain-{uuid.uuid4().hex[:8]}"
    prefix = f"tls-plain-{uuid.uuid4().hex[:8]}"
    create_topic(kafka, topic, partitions=1)
    produce(kafka, topic, [(0, key_of(i), dbz_value(i), None) for i in range(3)])
    url = "https://" + plain[len("http://"):]
    cfg = sink_config(workdir / "sink.json", topic, prefix, url, s3__ssl__ca__file=tls_s3["ca"])
    rc, out = run_sink_to_failure(tributary_bin, cfg, workdir)
    assert rc == 1, out  # a runtime error
    assert f"{url}/{BUCKET}/{prefix}/" in out, out
    assert "the server did not answer in TLS; is the endpoint http:// ?" in out, out
    assert "failed (attempt" not in out, out
    assert SECRET_KEY not in out
