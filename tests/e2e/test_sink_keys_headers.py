"""The Confluent S3 sink keys of issue 7, end to end against the real Kafka and MinIO:
`store.kafka.headers` (a `.headers.json` object beside each value object),
`s3.object.tagging` (PutObjectTagging after each upload, read back with boto3's
get_object_tagging) and `report.null.values.to.dlq` (ignored null values in the dead letter
topic, read back with confluent-kafka). Helpers and fixtures come from
test_sink_connector.py; every test has its own topic, connector name and prefix.
"""

import json
import pathlib
import time

from test_sink_connector import (  # noqa: F401  (kafka, s3, prefix, workdir are fixtures)
    BUCKET, Sink, create_topic, data_objects, dbz_value, get, kafka, key_of, list_objects,
    name_for, prefix, run_until, s3, uid, workdir, write_config)


def produce_with_headers(kafka, topic, records):
    """records: iterable of (key, value, headers) into partition 0; headers a list of
    (name, bytes or None) or None for none at all."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": kafka["bootstrap"], "linger.ms": 20})
    for key, value, headers in records:
        kw = {"headers": headers} if headers else {}
        p.produce(topic, key=key, value=value, partition=0, **kw)
        p.poll(0)
    assert p.flush(30) == 0


def read_all(kafka, topic, expect, timeout=30):
    from confluent_kafka import Consumer
    c = Consumer({"bootstrap.servers": kafka["bootstrap"], "group.id": uid("reader"),
                  "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    out = []
    deadline = time.time() + timeout
    while len(out) < expect and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            out.append(m)
    # A little longer: nothing more may arrive.
    end = time.time() + 2
    while time.time() < end:
        m = c.poll(0.5)
        if m is not None and not m.error():
            out.append(m)
    c.close()
    return out


def headers_line(pairs):
    return json.dumps({"headers": [{"key": k, "value": v} for k, v in pairs]},
                      separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------------------- headers

def test_headers_object_beside_each_value_object(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("hdr")
    create_topic(kafka, topic)
    hdrs = [
        [("trace-id", b"t0"), ("retries", b"007")],
        [("trace-id", b"t1"), ("empty", b""), ("nothing", None)],
        [("trace-id", b"t2"), ("trace-id", b"again"), ("utf8", "é€😀".encode())],
        [("n", b"3")],
        [("n", b"4")],
        [("n", b"5")],
    ]
    produce_with_headers(kafka, topic, [(key_of(i), dbz_value(i), h) for i, h in enumerate(hdrs)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, store__kafka__keys="true",
                       store__kafka__headers="true",
                       headers__format__class="io.confluent.connect.s3.format.json.JsonFormat")
    base = [name_for(prefix, topic, "partition=0", 0, o, "") for o in (0, 3)]
    expected = sorted(b + ext for b in base for ext in (".json", ".keys.json", ".headers.json"))
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == expected)
    assert rc == 0, out
    got = [json.loads(x) for b in base for x in get(s3, b + ".headers.json").decode().splitlines()]
    assert got == [{"headers": [{"key": k, "value": None if v is None else v.decode()}
                                for k, v in h]} for h in hdrs]
    # Byte for byte: compact, in order, the producer's spelling ("007"), null kept.
    assert get(s3, base[1] + ".headers.json").decode() == "".join(
        headers_line([(k, v.decode())]) + "\n" for k, v in (("n", b"3"), ("n", b"4"), ("n", b"5")))
    assert get(s3, base[0] + ".headers.json").decode().splitlines()[:2] == [
        '{"headers":[{"key":"trace-id","value":"t0"},{"key":"retries","value":"007"}]}',
        '{"headers":[{"key":"trace-id","value":"t1"},{"key":"empty","value":""},'
        '{"key":"nothing","value":null}]}']
    # Line for line with the values and the keys.
    for b, o in zip(base, (0, 3)):
        values = get(s3, b + ".json").decode().splitlines()
        keys = get(s3, b + ".keys.json").decode().splitlines()
        assert [json.loads(v)["after"]["id"] for v in values] == [o, o + 1, o + 2]
        assert [json.loads(k)["id"] for k in keys] == [o, o + 1, o + 2]
    # Jackson's escapes: the emoji as a surrogate pair, the rest as UTF-8.
    assert '"value":"é€\\uD83D\\uDE00"' in get(s3, base[0] + ".headers.json").decode()


def test_keys_and_headers_gzipped_with_the_values(tributary_bin, kafka, s3, prefix, workdir):
    import gzip
    topic = uid("hdr-gz")
    create_topic(kafka, topic)
    produce_with_headers(kafka, topic, [(key_of(i), dbz_value(i), [("i", str(i).encode())])
                                        for i in range(3)])
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, store__kafka__keys="true",
                       store__kafka__headers="true", s3__compression__type="gzip")
    b = name_for(prefix, topic, "partition=0", 0, 0, "")
    expected = sorted(b + ext for ext in (".json.gz", ".keys.json.gz", ".headers.json.gz"))
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: data_objects(list_objects(s3, prefix + "/")) == expected)
    assert rc == 0, out
    assert gzip.decompress(get(s3, b + ".keys.json.gz")).decode() == "".join(
        key_of(i).replace(" ", "") + "\n" for i in range(3))
    assert gzip.decompress(get(s3, b + ".headers.json.gz")).decode() == "".join(
        headers_line([("i", str(i))]) + "\n" for i in range(3))


def headerless_topic(kafka):
    topic = uid("nohdr")
    create_topic(kafka, topic)
    produce_with_headers(kafka, topic, [
        (key_of(0), dbz_value(0), [("h", b"0")]),
        (key_of(1), dbz_value(1), None),  # offset 1: no headers
        (key_of(2), dbz_value(2), [("h", b"2")]),
        (key_of(3), dbz_value(3), [("h", b"3")]),
    ])
    return topic


def test_record_without_headers_stops_naming_it(tributary_bin, kafka, s3, prefix, workdir):
    topic = headerless_topic(kafka)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, store__kafka__headers="true")
    sink = Sink(tributary_bin, cfg, workdir / "nohdr.log")
    rc = sink.proc.wait(60)
    out = sink.output()
    assert rc == 1, out
    assert f"topic '{topic}' partition 0 offset 1" in out and "Headers cannot be null" in out, out
    assert data_objects(list_objects(s3, prefix + "/")) == []


def test_record_without_headers_to_dead_letter_queue(tributary_bin, kafka, s3, prefix, workdir):
    topic = headerless_topic(kafka)
    dlq = topic + "-dlq"
    create_topic(kafka, dlq)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, store__kafka__headers="true",
                       errors__tolerance="all", errors__deadletterqueue__topic__name=dlq,
                       errors__deadletterqueue__context__headers__enable="true")
    b = name_for(prefix, topic, "partition=0", 0, 0, "")
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: b + ".headers.json" in list_objects(s3, prefix + "/"))
    assert rc == 0, out
    assert [json.loads(x)["after"]["id"] for x in get(s3, b + ".json").decode().splitlines()] == [0, 2, 3]
    assert get(s3, b + ".headers.json").decode() == "".join(
        headers_line([("h", str(i))]) + "\n" for i in (0, 2, 3))
    msgs = read_all(kafka, dlq, 1)
    assert len(msgs) == 1
    h = {k: v.decode() for k, v in msgs[0].headers()}
    assert h["__connect.errors.offset"] == "1"
    assert h["__connect.errors.stage"] == "TASK_PUT"
    assert h["__connect.errors.class.name"] == "org.apache.kafka.connect.sink.SinkTask"
    assert "Headers cannot be null" in h["__connect.errors.exception.message"]


# ---------------------------------------------------------------------------- tagging

def test_object_tagging_on_minio(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("tags")
    create_topic(kafka, topic)
    records = [(key_of(i), dbz_value(i), None) for i in range(7)]
    records.insert(4, (key_of(99), None, None))  # offset 4: a tombstone, ignored
    produce_with_headers(kafka, topic, records)
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, store__kafka__keys="true",
                       behavior__on__null__values="ignore", s3__object__tagging="true",
                       s3__object__tagging__key__value__pairs="env:e2e,team:data:lake")
    objs = [name_for(prefix, topic, "partition=0", 0, o) for o in (0, 3)]
    rc, out = run_until(tributary_bin, cfg, workdir,
                        lambda: all(o in list_objects(s3, prefix + "/") for o in objs))
    assert rc == 0, out

    def tags(key):
        return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]}

    # Offsets 3, 5, 6 (4 was the ignored null): endOffset is the last record's offset.
    assert tags(objs[0]) == {"startOffset": "0", "endOffset": "2", "recordCount": "3",
                             "env": "e2e", "team": "data:lake"}
    assert tags(objs[1]) == {"startOffset": "3", "endOffset": "6", "recordCount": "3",
                             "env": "e2e", "team": "data:lake"}
    # As in Confluent, the companion objects are not tagged.
    assert tags(objs[0].replace(".json", ".keys.json")) == {}


def test_object_tagging_on_a_local_folder_warns_once(tributary_bin, kafka, workdir):
    topic = uid("tags-local")
    create_topic(kafka, topic)
    produce_with_headers(kafka, topic, [(key_of(i), dbz_value(i), None) for i in range(6)])
    root = workdir / "lake"
    cfg = write_config(workdir / "sink.json", topic, topic, "topics", store__url=f"file://{root}",
                       s3__object__tagging="true")
    files = [root / "topics" / topic / "partition=0" / f"{topic}+0+{o:010d}.json" for o in (0, 3)]
    rc, out = run_until(tributary_bin, cfg, workdir, lambda: all(f.exists() for f in files))
    assert rc == 0, out
    assert out.count("s3.object.tagging=true has no effect") == 1, out


def test_bad_tag_pairs_are_refused_at_start(tributary_bin, kafka, s3, prefix, workdir):
    topic = uid("tags-bad")
    cfg = write_config(workdir / "sink.json", topic, topic, prefix, s3__object__tagging="true",
                       s3__object__tagging__key__value__pairs="novalue")
    sink = Sink(tributary_bin, cfg, workdir / "bad.log")
    rc = sink.proc.wait(60)
    out = sink.output()
    assert rc != 0, out
    assert "s3.object.tagging.key.value.pairs" in out and "'novalue' is not key:value" in out, out


# ---------------------------------------------------------------------------- nulls to the DLQ

def nulls_and_bad_topic(kafka):
    topic = uid("nulldlq")
    create_topic(kafka, topic)
    produce_with_headers(kafka, topic, [
        (key_of(0), dbz_value(0), None),
        (key_of(1), None, [("origin", b"delete")]),  # offset 1: a tombstone
        (key_of(2), b"not json", None),              # offset 2: a bad value
        (key_of(3), dbz_value(3), None),
        (key_of(4), None, None),                     # offset 4: a tombstone
        (key_of(5), dbz_value(5), None),
    ])
    return topic


def run_nulls(tributary_bin, kafka, s3, prefix, workdir, report):
    topic = nulls_and_bad_topic(kafka)
    dlq = topic + "-dlq"
    create_topic(kafka, dlq)
    extra = {} if report is None else {"report__null__values__to__dlq": report}
    cfg = write_config(workdir / "sink.json", topic, topic, prefix,
                       behavior__on__null__values="ignore", errors__tolerance="all",
                       errors__deadletterqueue__topic__name=dlq,
                       errors__deadletterqueue__context__headers__enable="true", **extra)
    obj = name_for(prefix, topic, "partition=0", 0, 0)
    rc, out = run_until(tributary_bin, cfg, workdir, lambda: obj in list_objects(s3, prefix + "/"))
    assert rc == 0, out
    assert [json.loads(x)["after"]["id"] for x in get(s3, obj).decode().splitlines()] == [0, 3, 5]
    return read_all(kafka, dlq, 3 if report != "false" else 1)


def test_ignored_null_values_go_to_the_dead_letter_queue(tributary_bin, kafka, s3, prefix, workdir):
    msgs = run_nulls(tributary_bin, kafka, s3, prefix, workdir, None)  # the default: true
    assert [int(dict(m.headers())["__connect.errors.offset"]) for m in msgs] == [1, 2, 4]
    null1, bad, null4 = msgs
    for m in (null1, null4):
        h = {k: v.decode() for k, v in m.headers()}
        assert m.value() is None
        assert h["__connect.errors.stage"] == "TASK_PUT"
        assert h["__connect.errors.class.name"] == "org.apache.kafka.connect.sink.SinkTask"
        assert h["__connect.errors.exception.class.name"] == "org.apache.kafka.connect.errors.DataException"
        assert h["__connect.errors.exception.message"] == "Skipping null value record."
    assert null1.key() == key_of(1).encode() and dict(null1.headers())["origin"] == b"delete"
    assert null4.key() == key_of(4).encode()
    assert bad.value() == b"not json"


def test_report_null_values_to_dlq_false(tributary_bin, kafka, s3, prefix, workdir):
    msgs = run_nulls(tributary_bin, kafka, s3, prefix, workdir, "false")
    assert [int(dict(m.headers())["__connect.errors.offset"]) for m in msgs] == [2]
