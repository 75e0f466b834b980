"""Parquet from schemaless Debezium topics: a Tributary source writes a table with every
type family with value.converter.schemas.enable=false (bare JSON, no Connect schema in the
messages) plus its schema-change topic `<topic.prefix>`; the S3 sink, given
`tributary.parquet.schema.topic`, types the Parquet columns from the table schema in force
at each record. pyarrow and DuckDB (independent readers) must see typed columns whose
values equal the rows written to MariaDB, and an ALTER TABLE mid-stream must start a new
object with the new column.

Real MariaDB, Kafka and MinIO; `tributary run` processes for the source and the sink.
"""

import datetime as dt
import decimal
import json
import time

import boto3
import pytest

from conftest import Connector, admin_sql, env, read_topic, source_config, unique

BUCKET = env("TRIBUTARY_S3_BUCKET", "tributary-lake")
UTC = dt.timezone.utc

TYPES_DDL = """CREATE TABLE types (
  id INT PRIMARY KEY,
  ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, bi BIGINT NOT NULL DEFAULT 0,
  bu BIGINT UNSIGNED,
  b1 BIT(1), b9 BIT(9), dec1 DECIMAL(10,2), dw DECIMAL(40,5), fl FLOAT, db DOUBLE,
  d DATE, t TIME(3), t6 TIME(6), dt3 DATETIME(3), dt6 DATETIME(6), ts TIMESTAMP(6) NULL,
  y YEAR, c CHAR(5), vc VARCHAR(50), tx TEXT, bin BINARY(3), vb VARBINARY(10), bl BLOB,
  e ENUM('red','green'), s SET('a','b','c'), j JSON)"""

ROWS = [
    "INSERT INTO types VALUES (1, -5, 65535, -300, -9000000000, 18446744073709551615,"
    " b'1', b'100000001', 1.50, -123456789012345678901234567890.12345, 1.5, 2.25,"
    " '2024-02-29', '12:34:56.789', '01:02:03.000004', '2024-01-02 03:04:05.678',"
    " '2024-01-02 03:04:05.678901', '2024-01-02 03:04:05.123456', 2024,"
    " 'ab', 'héllo wörld ✓', 'long text', 'xyz', x'00ff', x'cafe', 'green', 'a,c',"
    " '{\"k\": [1, 2]}')",
    "INSERT INTO types (id) VALUES (2)",
    "INSERT INTO types VALUES (3, 127, 0, 8388607, 9223372036854775807, 5,"
    " b'0', b'000000000', -99999999.99, 0.00001, -0.25, -1e300,"
    " '1960-06-15', '00:00:00', '23:59:59.999999', '1950-01-01 00:00:00',"
    " '2099-12-31 23:59:59.999999', '1970-01-01 00:00:01', 1999,"
    " '', '', '', 'a\\0\\0', '', '', 'red', '', '[]')",
]

# What each row must read back as from Parquet (pyarrow's Python values).
EXPECTED = {
    1: {"ti": -5, "si": 65535, "mi": -300, "bi": -9000000000, "bu": -1,  # long mode wraps
        "b1": True, "b9": bytes([0x01, 0x01]),  # io.debezium.data.Bits: little-endian
        "dec1": decimal.Decimal("1.50"), "dw": "-123456789012345678901234567890.12345",
        "fl": 1.5, "db": 2.25, "d": dt.date(2024, 2, 29), "t": dt.time(12, 34, 56, 789000),
        "t6": dt.time(1, 2, 3, 4),
        "dt3": dt.datetime(2024, 1, 2, 3, 4, 5, 678000),
        "dt6": dt.datetime(2024, 1, 2, 3, 4, 5, 678901),
        "ts": dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "y": 2024,
        "c": "ab", "vc": "héllo wörld ✓", "tx": "long text", "bin": b"xyz", "vb": b"\x00\xff",
        "bl": b"\xca\xfe", "e": "green", "s": "a,c", "j": {"k": [1, 2]}},
    2: {"ti": None, "si": None, "mi": None, "bi": 0, "bu": None, "b1": None, "b9": None,
        "dec1": None, "dw": None, "fl": None, "db": None, "d": None, "t": None, "t6": None,
        "dt3": None,
        "dt6": None, "ts": None, "y": None, "c": None, "vc": None, "tx": None, "bin": None,
        "vb": None, "bl": None, "e": None, "s": None, "j": None},
    3: {"ti": 127, "si": 0, "mi": 8388607, "bi": 9223372036854775807, "bu": 5, "b1": False,
        "b9": bytes([0, 0]), "dec1": decimal.Decimal("-99999999.99"), "dw": "0.00001",
        "fl": -0.25, "db": -1e300, "d": dt.date(1960, 6, 15), "t": dt.time(0, 0, 0),
        "t6": dt.time(23, 59, 59, 999999),
        "dt3": dt.datetime(1950, 1, 1), "dt6": dt.datetime(2099, 12, 31, 23, 59, 59, 999999),
        "ts": dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC), "y": 1999, "c": "", "vc": "",
        "tx": "", "bin": b"a\x00\x00", "vb": b"", "bl": b"", "e": "red", "s": "", "j": []},
}


@pytest.fixture
def s3():
    return boto3.client("s3", endpoint_url=env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
                        aws_access_key_id=env("AWS_ACCESS_KEY_ID", "tributary"),
                        aws_secret_access_key=env("AWS_SECRET_ACCESS_KEY", "tributary-secret"),
                        region_name="us-east-1")


def objects(s3, prefix):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        out += [o["Key"] for o in page.get("Contents", [])]
    return sorted(out)


def normalise(col, v):
    if col == "j" and v is not None:
        return json.loads(v)
    return v


def test_schemaless_topic_to_typed_parquet(tributary_bin, tmp_path, workspace, s3):
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    db = prefix = workspace
    topic = f"{prefix}.{db}.types"
    lake = unique("lake")
    admin_sql([TYPES_DDL], db=db)
    src_cfg = source_config(db, prefix, **{"key.converter.schemas.enable": "false",
                                           "value.converter.schemas.enable": "false",
                                           "topic.creation.default.partitions": "1",
                                           "snapshot.mode": "no_data"})
    source = Connector(tributary_bin, tmp_path, unique("src"), src_cfg).start()
    sink = None
    try:
        source.wait_streaming()
        admin_sql(["SET time_zone = '+00:00'"] + ROWS + [
            "UPDATE types SET vc = 'updated' WHERE id = 2",
            "ALTER TABLE types ADD COLUMN extra DECIMAL(5,1) NOT NULL DEFAULT 2.5",
            "INSERT INTO types (id, extra) VALUES (4, 7.5)",
            "INSERT INTO types (id) VALUES (5)",
            "DELETE FROM types WHERE id = 4"], db=db)

        sink_cfg = {
            "connector.class": "io.confluent.connect.s3.S3SinkConnector",
            "topics": topic,
            "bootstrap.servers": env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            "s3.bucket.name": BUCKET, "s3.region": "us-east-1",
            "store.url": env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
            "aws.access.key.id": "${env:AWS_ACCESS_KEY_ID}",
            "aws.secret.access.key": "${env:AWS_SECRET_ACCESS_KEY}",
            "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
            "parquet.codec": "snappy",
            "value.converter.schemas.enable": "false",
            "key.converter.schemas.enable": "false",
            "behavior.on.null.values": "ignore",
            "tributary.parquet.schema.topic": prefix,
            "flush.size": "3",
            "topics.dir": lake,
        }
        sink = Connector(tributary_bin, tmp_path, unique("sink"), sink_cfg).start()
        # Records: c1 c2 c3 u2 | (ALTER) c4 c5 d4 tombstone. flush.size=3 and the schema
        # change cut: objects at offsets 0 (c1 c2 c3), 3 (u2), 4 (c4 c5 d4).
        base = f"{lake}/{topic}/partition=0/{topic}+0+"
        want = [f"{base}{o:010d}.snappy.parquet" for o in (0, 3, 4)]
        deadline = time.time() + 90
        while objects(s3, lake + "/") != want:
            if sink.proc.poll() is not None or time.time() > deadline:
                recs, _ = read_topic(topic, settle=1.0)
                seen = [(m.offset(), m.value()[:200] if m.value() else None) for m in recs]
                pytest.fail(f"objects {objects(s3, lake + '/')}, want {want}; records {seen}:\n"
                            f"{sink.stderr()[-4000:]}")
            time.sleep(0.3)
        assert sink.stop() == 0, sink.stderr()[-3000:]
        sink = None

        tables = []
        for i, k in enumerate(want):
            path = tmp_path / f"{i}.parquet"
            path.write_bytes(s3.get_object(Bucket=BUCKET, Key=k)["Body"].read())
            tables.append((path, pq.read_table(path)))

        # Typed columns, as Debezium's Connect types map to Parquet.
        after = tables[0][1].schema.field("after").type
        types = {after.field(i).name: after.field(i).type for i in range(after.num_fields)}
        assert types["ti"] == pa.int16() and types["si"] == pa.int32() and types["bi"] == pa.int64()
        assert types["b1"] == pa.bool_() and types["b9"] == pa.binary()
        assert types["dec1"] == pa.decimal128(10, 2)
        assert types["dw"] == pa.string()  # wider than DECIMAL(38): exact text
        assert types["fl"] == pa.float32() and types["db"] == pa.float64()
        assert types["d"] == pa.date32()
        assert types["t"] == pa.time64("us") and types["t6"] == pa.time64("us")
        assert types["dt3"] == pa.timestamp("ms") and types["dt6"] == pa.timestamp("us")
        assert types["ts"] == pa.timestamp("us", tz="UTC")
        assert types["y"] == pa.int32() and types["vc"] == pa.string() and types["bl"] == pa.binary()
        assert "extra" not in types
        assert not after.field("id").nullable and not after.field("bi").nullable
        assert tables[0][1].schema.field("source").type.field("pos").type == pa.int64()

        rows = [r for _, t in tables for r in t.to_pylist()]
        assert [(r["op"], (r["after"] or r["before"])["id"]) for r in rows] == [
            ("c", 1), ("c", 2), ("c", 3), ("u", 2), ("c", 4), ("c", 5), ("d", 4)]
        for r in rows[:3]:
            a = r["after"]
            assert r["before"] is None
            for col, want_v in EXPECTED[a["id"]].items():
                assert normalise(col, a[col]) == want_v, (a["id"], col, a[col])
            assert r["source"]["db"] == db and r["source"]["table"] == "types"
        assert rows[3]["before"]["vc"] is None and rows[3]["after"]["vc"] == "updated"

        # After the ALTER: a new object with the new column, typed.
        after2 = tables[2][1].schema.field("after").type
        assert after2.field("extra").type == pa.decimal128(5, 1) and not after2.field("extra").nullable
        assert rows[4]["after"]["extra"] == decimal.Decimal("7.5")
        assert rows[5]["after"]["extra"] == decimal.Decimal("2.5")
        assert rows[6]["after"] is None and rows[6]["before"]["extra"] == decimal.Decimal("7.5")

        # DuckDB reads the same typed values.
        con = duckdb.connect()
        p0 = tables[0][0]
        got = con.execute(
            f"select typeof(after.dec1), typeof(after.ts), typeof(after.d), typeof(after.dt6), "
            f"typeof(after.ti), after.dec1::varchar, epoch_us(after.ts), after.d::varchar, "
            f"after.dt6::varchar, after.dw, after.j from read_parquet('{p0}') "
            f"where after.id = 1").fetchall()
        assert got[0][:10] == ("DECIMAL(10,2)", "TIMESTAMP WITH TIME ZONE", "DATE", "TIMESTAMP",
                               "SMALLINT", "1.50", 1704164645123456, "2024-02-29",
                               "2024-01-02 03:04:05.678901",
                               "-123456789012345678901234567890.12345")
        assert json.loads(got[0][10]) == {"k": [1, 2]}
        got = con.execute(f"select count(*), sum(after.extra) from read_parquet('{tables[2][0]}') "
                          f"where op = 'c'").fetchall()
        assert got == [(2, decimal.Decimal("10.0"))]
    finally:
        if sink is not None:
            sink.stop()
        source.stop()
        for k in objects(s3, lake + "/"):
            s3.delete_object(Bucket=BUCKET, Key=k)
