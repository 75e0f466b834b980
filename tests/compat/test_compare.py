"""Unit tests of compare.py: small inline record streams, no services."""

import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import compare  # noqa: E402

SOURCE = {"version": "3.5.0.Final", "connector": "mariadb", "name": "p", "ts_ms": 1700000000000,
          "snapshot": "false", "db": "d", "sequence": None, "ts_us": 1700000000000000,
          "ts_ns": 1700000000000000000, "table": "t", "server_id": 1, "gtid": "0-1-5",
          "file": "mariadb-bin.000001", "pos": 100, "row": 0, "thread": 7, "query": None}


def envelope(op, before, after, pos=100, row=0, ts=1700000000123, **source):
    src = dict(SOURCE, pos=pos, row=row, **source)
    return {"before": before, "after": after, "source": src, "transaction": None, "op": op,
            "ts_ms": ts, "ts_us": ts * 1000, "ts_ns": ts * 1000000}


def line(key, value, topic="p.d.t", headers=None, schema=False, raw_value=None):
    def wrap(v):
        return {"schema": {"type": "struct", "optional": False}, "payload": v} if schema else v
    k = None if key is None else json.dumps(wrap(key), separators=(",", ":"))
    v = raw_value if raw_value is not None else (
        None if value is None else json.dumps(wrap(value), separators=(",", ":"), ensure_ascii=False))
    return {"topic": topic, "partition": None, "key": k, "value": v, "headers": headers or []}


def stream(*lines):
    records = [compare.parse_line(json.dumps(l), i) for i, l in enumerate(lines)]
    compare.assign_identities(records)
    return records


def run(ref, cand):
    return compare.compare(stream(*ref), stream(*cand))


BASE = [
    line({"id": 1}, envelope("c", None, {"id": 1, "d": "AdTA"})),
    line({"id": 1}, envelope("u", {"id": 1, "d": "AdTA"}, {"id": 1, "d": "AA=="}, pos=200)),
    line({"id": 1}, envelope("d", {"id": 1, "d": "AA=="}, None, pos=300)),
    line({"id": 1}, None),
]


def test_identical_streams_are_equal():
    report = run(BASE, BASE)
    assert report.ok
    assert (report.matched, report.equal) == (4, 4)
    assert "4 matched, 4 equal, 0 differ" in report.format()


def test_processing_timestamps_are_ignored_and_counted():
    cand = [line({"id": 1}, envelope("c", None, {"id": 1, "d": "AdTA"}, ts=1800000000000))] + BASE[1:]
    report = run(BASE, cand)
    assert report.ok
    assert sum(n for (rule, path), n in report.known.items() if path.endswith("ts_ms")) == 1
    assert "processing time" in report.format()


def test_source_timestamps_must_match():
    cand = [line({"id": 1}, envelope("c", None, {"id": 1, "d": "AdTA"}, ts_ms=1700000001000))] + BASE[1:]
    report = run(BASE, cand)
    assert not report.ok
    (_, _, diffs), = report.differing
    assert [d.path for d in diffs] == ["source.ts_ms"]


def test_a_changed_field_is_shown_with_both_values():
    cand = list(BASE)
    cand[1] = line({"id": 1}, envelope("u", {"id": 1, "d": "AdTA"}, {"id": 1, "d": "AAA="}, pos=200))
    report = run(BASE, cand)
    (_, _, diffs), = report.differing
    assert [(d.path, d.reference, d.candidate) for d in diffs] == [("after.d", '"AA=="', '"AAA="')]
    text = report.format()
    assert 'after.d: Debezium "AA==" | Tributary "AAA="' in text
    assert "op=u mariadb-bin.000001:200 row 0" in text


def test_same_number_written_differently_is_a_byte_difference():
    ref = [line({"id": 1}, None, raw_value='{"f":1.0E10,"op":"c"}')]
    cand = [line({"id": 1}, None, raw_value='{"f":1e10,"op":"c"}')]
    (_, _, diffs), = run(ref, cand).differing
    assert diffs[0].path == "f" and diffs[0].note == "same value, different bytes"


def test_field_order_and_whitespace_are_differences():
    ref = [line({"id": 1}, None, raw_value='{"a":1,"b":2,"op":"c"}')]
    (_, _, diffs), = run(ref, [line({"id": 1}, None, raw_value='{"b":2,"a":1,"op":"c"}')]).differing
    assert diffs[0].note == "field order differs"
    (_, _, diffs), = run(ref, [line({"id": 1}, None, raw_value='{"a": 1,"b":2,"op":"c"}')]).differing
    assert diffs[0].path == "(whitespace)"


def test_missing_extra_and_tombstones_match_through_their_delete():
    cand = BASE[:2] + [line({"id": 1}, envelope("d", {"id": 1, "d": "AA=="}, None, pos=301)), BASE[3]]
    report = run(BASE, cand)
    assert [r.op for r in report.missing] == ["d", "tombstone"]
    assert [r.op for r in report.extra] == ["d", "tombstone"]


def test_schema_envelope_is_compared_too():
    ref = [line({"id": 1}, envelope("c", None, {"id": 1}), schema=True)]
    cand = [line({"id": 1}, envelope("c", None, {"id": 1}), schema=False)]
    (_, _, diffs), = run(ref, cand).differing
    assert {d.note for d in diffs} == {"schemas.enable differs"}
    cand = [line({"id": 1}, envelope("c", None, {"id": 1}, ts=5), schema=True)]
    assert run(ref, cand).ok  # payload.ts_ms ignored inside the envelope as well


def test_headers_are_compared_except_the_run_id():
    h1 = [["__debezium.newkey", '{"id":2}'], ["__debezium.context.runId", "aaa"]]
    h2 = [["__debezium.newkey", '{"id":2}'], ["__debezium.context.runId", "bbb"]]
    ref = [line({"id": 1}, envelope("d", {"id": 1}, None), headers=h1)]
    assert run(ref, [line({"id": 1}, envelope("d", {"id": 1}, None), headers=h2)]).ok
    h3 = [["__debezium.newkey", '{"id":3}'], ["__debezium.context.runId", "bbb"]]
    (_, _, diffs), = run(ref, [line({"id": 1}, envelope("d", {"id": 1}, None), headers=h3)]).differing
    assert (diffs[0].part, diffs[0].path) == ("header", "__debezium.newkey")


def test_order_per_key_is_checked():
    ref = [line({"id": 1}, envelope("c", None, {"id": 1})),
           line({"id": 1}, envelope("u", {"id": 1}, {"id": 1}, pos=200))]
    report = run(ref, list(reversed(ref)))
    assert report.matched == 2 and len(report.order) == 1


def test_rows_of_one_event_are_told_apart_by_row_and_duplicates_by_occurrence():
    ref = [line(None, envelope("c", None, {"a": 1}, row=0)), line(None, envelope("c", None, {"a": 1}, row=1)),
           line(None, envelope("c", None, {"a": 1}, row=1))]
    cand = [ref[0], ref[1]]
    report = run(ref, cand)
    assert report.matched == 2 and len(report.missing) == 1
    assert "(occurrence 2)" in report.missing[0].describe()


def test_flatten_keeps_raw_scalars_and_empty_containers():
    assert compare.flatten('{"a":[1,{"b":"\\u00e9"}],"c":{},"d":[],"e":-1.5E-3}') == [
        (("a", 0), "1"), (("a", 1, "b"), '"\\u00e9"'), (("c",), "{}"), (("d",), "[]"), (("e",), "-1.5E-3")]
    with pytest.raises(compare.JsonScanError):
        compare.flatten('{"a":1')


def test_cli_exit_codes(tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(l) + "\n" for l in BASE))
    b.write_text("".join(json.dumps(l) + "\n" for l in BASE[:3]))
    assert compare.main([str(a), str(a)]) == 0
    assert compare.main([str(a), str(b)]) == 1
    assert "only in Debezium" in capsys.readouterr().out
