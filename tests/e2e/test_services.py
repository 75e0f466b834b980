"""The test services are real: MariaDB writes a row binlog, the Kafka broker stores and
serves records, the S3 server stores objects and refuses badly signed requests."""

import os
import pathlib
import subprocess
import time
import uuid

import boto3
import botocore.config
import botocore.exceptions
import pymysql
import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient

from conftest import ROOT, env


def test_mariadb_has_the_settings_cdc_needs(admin_conn):
    with admin_conn.cursor() as cur:
        cur.execute("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format',"
                    "'binlog_row_image','binlog_checksum','binlog_row_metadata','server_id',"
                    "'gtid_strict_mode','have_ssl','bind_address')")
        settings = dict(cur.fetchall())
    assert settings == {
        "log_bin": "ON", "binlog_format": "ROW", "binlog_row_image": "FULL",
        "binlog_checksum": "CRC32", "binlog_row_metadata": "FULL", "server_id": "1",
        "gtid_strict_mode": "ON", "have_ssl": "YES", "bind_address": "127.0.0.1",
    }


def test_rows_written_by_sql_appear_in_the_binlog(admin_conn):
    table = f"t_{uuid.uuid4().hex[:8]}"
    with admin_conn.cursor() as cur:
        cur.execute("CREATE DATABASE IF NOT EXISTS services_check")
        cur.execute("SHOW MASTER STATUS")
        binlog_file, start_pos = cur.fetchone()[:2]
        cur.execute(f"CREATE TABLE services_check.{table} (id INT PRIMARY KEY, name VARCHAR(20))")
        cur.execute(f"INSERT INTO services_check.{table} VALUES (1, 'one'), (2, 'two')")
        cur.execute(f"UPDATE services_check.{table} SET name = 'uno' WHERE id = 1")
        cur.execute(f"DELETE FROM services_check.{table} WHERE id = 2")
        cur.execute(f"SHOW BINLOG EVENTS IN '{binlog_file}' FROM {start_pos}")
        events = cur.fetchall()
        cur.execute("SELECT @@gtid_binlog_pos")
        gtid_pos = cur.fetchone()[0]
    types = [e[2] for e in events]
    infos = " ".join(str(e[5]) for e in events)
    assert "Gtid" in types
    assert types.count("Table_map") == 3
    for row_event in ("Write_rows_v1", "Update_rows_v1", "Delete_rows_v1"):
        assert row_event in types, types
    assert f"services_check.{table}" in infos or table in infos
    assert gtid_pos.startswith("0-1-")


def test_cdc_user_has_the_replication_grants(mariadb_params):
    conn = pymysql.connect(user="cdc", password=env("TRIBUTARY_CDC_PASSWORD", "cdc"),
                           **mariadb_params)
    with conn.cursor() as cur:
        cur.execute("SHOW GRANTS")
        grants = cur.fetchone()[0]
        cur.execute("SHOW MASTER STATUS")
        assert cur.fetchone() is not None
    conn.close()
    for grant in ("SELECT", "RELOAD", "SHOW DATABASES", "LOCK TABLES", "REPLICATION SLAVE",
                  "BINLOG MONITOR"):  # MariaDB's name of REPLICATION CLIENT
        assert grant in grants, grants


def test_mariadb_tls_with_certificate_verification(mariadb_params):
    ca = env("TRIBUTARY_MARIADB_CA")
    conn = pymysql.connect(user="cdc_tls", password=env("TRIBUTARY_CDC_PASSWORD", "cdc"),
                           ssl_ca=ca, ssl_verify_cert=True, ssl_verify_identity=True,
                           **mariadb_params)
    with conn.cursor() as cur:
        cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        assert cur.fetchone()[1] != ""
    conn.close()
    with pytest.raises(pymysql.err.OperationalError) as refused:
        pymysql.connect(user="cdc_tls", password=env("TRIBUTARY_CDC_PASSWORD", "cdc"),
                        **mariadb_params)
    assert refused.value.args[0] == 1045  # access denied: the account requires TLS


def test_second_mariadb_instance_with_minimal_row_metadata(tmp_path):
    port = 3317
    e = dict(os.environ, TRIBUTARY_MARIADB_NAME="mariadb-minimal-check",
             TRIBUTARY_MARIADB_PORT=str(port), TRIBUTARY_MARIADB_ROW_METADATA="MINIMAL",
             TRIBUTARY_MARIADB_SERVER_ID="2")
    script = str(ROOT / "scripts/services/mariadb.sh")
    subprocess.run([script, "start"], env=e, check=True, timeout=120)
    try:
        # Idempotent: a second start finds the running server.
        again = subprocess.run([script, "start"], env=e, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and "already running" in again.stderr
        conn = pymysql.connect(host="127.0.0.1", port=port, user="admin",
                               password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"))
        with conn.cursor() as cur:
            cur.execute("SELECT @@binlog_row_metadata, @@server_id, @@log_bin")
            assert cur.fetchone() == ("MINIMAL", 2, 1)
        conn.close()
    finally:
        subprocess.run([script, "reset"], env=e, check=True, timeout=120)
    status = subprocess.run([script, "status"], env=e, capture_output=True, text=True)
    assert status.returncode != 0


def test_kafka_broker_round_trip(kafka_bootstrap):
    topic = f"services-check-{uuid.uuid4().hex[:8]}"
    producer = Producer({"bootstrap.servers": kafka_bootstrap, "acks": "all",
                         "enable.idempotence": True})
    sent = [(f"k{i}".encode(), f"value {i}".encode()) for i in range(5)]
    for k, v in sent:
        producer.produce(topic, key=k, value=v)
    assert producer.flush(30) == 0
    consumer = Consumer({"bootstrap.servers": kafka_bootstrap, "group.id": topic,
                         "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    got = []
    deadline = time.time() + 30
    while len(got) < len(sent) and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is not None and not msg.error():
            got.append((msg.key(), msg.value()))
    consumer.close()
    assert got == sent
    topics = AdminClient({"bootstrap.servers": kafka_bootstrap}).list_topics(timeout=10).topics
    assert topic in topics  # auto-created


def test_kafka_helper_lists_and_dumps(kafka_bootstrap):
    topic = f"helper-check-{uuid.uuid4().hex[:8]}"
    helper = str(ROOT / "scripts/kafka")
    e = dict(os.environ, TRIBUTARY_KAFKA_BOOTSTRAP=kafka_bootstrap)
    subprocess.run([helper, "produce", topic, 'a={"x": 1}'], env=e, check=True, timeout=60)
    listed = subprocess.run([helper, "topics"], env=e, capture_output=True, text=True, timeout=60)
    assert f"{topic}\tpartitions=1\tend_offsets=1" in listed.stdout
    dumped = subprocess.run([helper, "dump", topic, "--keys"], env=e, capture_output=True,
                            text=True, timeout=60)
    assert '"value": {"x": 1}' in dumped.stdout and '"key": "a"' in dumped.stdout


def _s3(s3_settings, secret=None):
    return boto3.client(
        "s3", endpoint_url=s3_settings["endpoint"], region_name="us-east-1",
        aws_access_key_id=s3_settings["access_key"],
        aws_secret_access_key=secret or s3_settings["secret_key"],
        config=botocore.config.Config(signature_version="s3v4", retries={"max_attempts": 1},
                                      s3={"addressing_style": "path"}))


def test_s3_put_and_get(s3_settings):
    s3 = _s3(s3_settings)
    key = f"services-check/{uuid.uuid4().hex}.json"
    body = b'{"hello": "lake"}\n'
    s3.put_object(Bucket=s3_settings["bucket"], Key=key, Body=body)
    assert s3.get_object(Bucket=s3_settings["bucket"], Key=key)["Body"].read() == body
    listed = s3.list_objects_v2(Bucket=s3_settings["bucket"], Prefix="services-check/")
    assert key in [o["Key"] for o in listed.get("Contents", [])]


def test_s3_refuses_a_wrongly_signed_request(s3_settings):
    bad = _s3(s3_settings, secret="not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        bad.put_object(Bucket=s3_settings["bucket"], Key="forged.txt", Body=b"x")
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(botocore.exceptions.ClientError) as err:
        _s3(s3_settings).head_object(Bucket=s3_settings["bucket"], Key="forged.txt")
    assert err.value.response["Error"]["Code"] in ("404", "NoSuchKey")
    # An unsigned request is refused too.
    import urllib.request
    import urllib.error
    req = urllib.request.Request(f"{s3_settings['endpoint']}/{s3_settings['bucket']}/anon.txt",
                                 data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(req, timeout=10)
    assert http.value.code == 403
