"""The Parquet writer (src/format/parquet/) judged by pyarrow and DuckDB.

parquet_tool writes files from JSON specs; every file is read back by both readers and
every value compared with what was written (see parquet_cases.py for the canonical
forms). No services needed.
"""

import random
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest

import parquet_cases as pc


@pytest.fixture(scope="module")
def tool():
    path = pc.tool_path()
    if not path.exists():
        pytest.fail(f"{path} not built: build the parquet_tool target (TRIBUTARY_BUILD_TESTS=ON)")
    return path


def read_pyarrow(path):
    return pq.read_table(path).to_pylist()


def read_duckdb(path):
    con = duckdb.connect()
    # Through Arrow: DuckDB's own decoding, without the pytz its TIMESTAMPTZ needs in Python.
    return con.sql(f"SELECT * FROM read_parquet('{path}')").arrow().to_pylist()


def write_and_check(tmp_path, cases):
    """cases: (name, fields, tool_rows, expected_rows, options). Writes all in one tool run."""
    jobs = []
    for name, fields, rows, _, options in cases:
        jobs.append({"output": str(tmp_path / f"{name}.parquet"), "options": options,
                     "schema": [f.spec() for f in fields], "rows": rows})
    results = pc.run_tool(jobs, tmp_path)
    for (name, fields, _, expected, _), result in zip(cases, results):
        assert "error" not in result, f"{name}: {result['error']}"
        path = result["output"]
        pc.compare_rows(fields, expected, read_pyarrow(path), "pyarrow", name)
        pc.compare_rows(fields, expected, read_duckdb(path), "duckdb", name)
    return results


LEAVES = pc.leaf_types()


def all_types_fields():
    return [pc.Field(f"t{i}", True, leaf=leaf) for i, leaf in enumerate(LEAVES)]


@pytest.mark.parametrize("codec", ["none", "snappy", "gzip", "zstd"])
@pytest.mark.parametrize("page_version", [1, 2])
def test_every_type_every_codec(tool, tmp_path, codec, page_version):
    rng = random.Random(f"{codec}{page_version}")
    fields = all_types_fields()
    rows, expected = pc.random_rows(rng, fields, 300)
    write_and_check(tmp_path, [("all", fields, rows, expected,
                                {"codec": codec, "data_page_version": page_version, "page_size": 2048})])


def test_extreme_values(tool, tmp_path):
    f = pc.Field
    fields = [
        f("d1", True, leaf=pc.decimal_leaf(1, 0)),
        f("d18", True, leaf=pc.decimal_leaf(18, 6)),
        f("d38", True, leaf=pc.decimal_leaf(38, 10)),
        f("d65", True, leaf=pc.decimal_leaf(65, 30)),
        f("ts", True, leaf=LEAVES[[i for i, l in enumerate(LEAVES) if l.kind == "timestamp"][0]]),
        f("date", True, leaf=[l for l in LEAVES if l.kind == "date"][0]),
        f("s", True, leaf=pc.Leaf("string", {"type": "byte_array", "logical": "string"}, cardinality=1)),
        f("b", True, leaf=pc.Leaf("binary", {"type": "byte_array"})),
    ]
    big = bytes(range(256)) * 20000  # 5 MB
    rows = [
        {"d1": "-9", "d18": "-999999999999.999999", "d38": "9" * 28 + "." + "9" * 10,
         "d65": "-" + "9" * 35 + "." + "9" * 30, "ts": -1, "date": 0, "s": "", "b": ""},
        {"d1": "0", "d18": "0", "d38": "-0.0000000001", "d65": "0", "ts": 2147483648 * 1000000 + 1,
         "date": -719162, "s": "😀𝄞中é", "b": big.hex()},
        {"d1": None, "d18": {"unscaled": "ff"}, "d38": {"unscaled": "00"}, "d65": {"unscaled": "80" + "00" * 27},
         "ts": pc.MIN_TS, "date": 2932896, "s": None, "b": None},
    ]
    expected = [
        {"d1": Decimal(-9), "d18": Decimal("-999999999999.999999"), "d38": Decimal("9" * 28 + "." + "9" * 10),
         "d65": Decimal("-" + "9" * 35 + "." + "9" * 30), "ts": -1, "date": 0, "s": "", "b": b""},
        {"d1": Decimal(0), "d18": Decimal(0), "d38": Decimal("-0.0000000001"), "d65": Decimal(0),
         "ts": 2147483648 * 1000000 + 1, "date": -719162, "s": "😀𝄞中é", "b": big},
        {"d1": None, "d18": Decimal("-0.000001"), "d38": Decimal(0),
         "d65": Decimal(-(1 << 223)).scaleb(-30), "ts": pc.MIN_TS, "date": 2932896, "s": None, "b": None},
    ]
    write_and_check(tmp_path, [("extremes", fields, rows, expected, {"codec": "zstd"})])
    # Every precision 1..65 at its extremes.
    cases = []
    for p in range(1, 66):
        s = p // 3
        leaf = pc.decimal_leaf(p, s)
        nines = "9" * (p - s) + ("." + "9" * s if s else "")
        rows = [{"v": nines}, {"v": "-" + nines}, {"v": "0"}, {"v": None}]
        exp = [{"v": Decimal(nines)}, {"v": -Decimal(nines)}, {"v": Decimal(0)}, {"v": None}]
        cases.append((f"dec{p}", [pc.Field("v", True, leaf=leaf)], rows, exp, {"codec": "snappy"}))
    write_and_check(tmp_path, cases)


def test_decimal_out_of_range_is_an_error(tool, tmp_path):
    leaf = pc.decimal_leaf(5, 2)
    jobs = [{"output": str(tmp_path / "bad.parquet"), "schema": [leaf.field("v", True)],
             "rows": [{"v": "1234.5"}]}]
    result = pc.run_tool(jobs, tmp_path)[0]
    assert "more digits than the precision" in result["error"]


def test_single_row_all_null_and_empty(tool, tmp_path):
    fields = all_types_fields()
    one_rows, one_exp = pc.random_rows(random.Random(1), fields, 1)
    null_rows = [{} for _ in range(50)]
    null_exp = [{f.name: None for f in fields} for _ in range(50)]
    write_and_check(tmp_path, [
        ("single", fields, one_rows, one_exp, {}),
        ("all_null", fields, null_rows, null_exp, {}),
        ("empty", fields, [], [], {}),
    ])
    md = pq.ParquetFile(tmp_path / "all_null.parquet").metadata
    stats = md.row_group(0).column(0).statistics
    assert stats.null_count == 50 and not stats.has_min_max


def test_envelope_mode(tool, tmp_path):
    rng = random.Random(5)
    cases = []
    for i in range(20):
        fields = pc.envelope_fields(rng, LEAVES)
        rows, exp = pc.random_rows(rng, fields, 30)
        cases.append((f"env{i}", fields, rows, exp, pc.random_options(rng)))
    write_and_check(tmp_path, cases)
    # A null `before` is all its leaves at definition level 0: DuckDB sees a NULL struct.
    con = duckdb.connect()
    n = con.sql(f"SELECT count(*) FROM '{tmp_path / 'env0.parquet'}' WHERE before IS NULL").fetchone()[0]
    assert n == sum(1 for r in cases[0][3] if r["before"] is None)


def test_randomized_round_trip(tool, tmp_path):
    """1000 random schemas and data sets (a third in envelope shape), one tool run."""
    rng = random.Random(20261125)
    cases = []
    for i in range(1000):
        if rng.random() < 0.33:
            fields = pc.envelope_fields(rng, LEAVES)
        else:
            fields = pc.random_fields(rng, LEAVES, rng.randint(1, 8), 0, [0])
        rows, exp = pc.random_rows(rng, fields, rng.choice([0, 1, 2, 10, 40, 120]))
        cases.append((f"r{i}", fields, rows, exp, pc.random_options(rng)))
    write_and_check(tmp_path, cases)


# ---- readers' metadata ----

def test_statistics_are_correct(tool, tmp_path):
    f = pc.Field
    fields = [f("i32", True, leaf=pc.Leaf("int", {"type": "int32"}, bits=32, signed=True)),
              f("u32", True, leaf=pc.Leaf("int", {"type": "int32", "logical": {"int": [32, False]}}, bits=32,
                                           signed=False)),
              f("u64", True, leaf=pc.Leaf("int", {"type": "int64", "logical": {"int": [64, False]}}, bits=64,
                                           signed=False)),
              f("dbl", True, leaf=pc.Leaf("float", {"type": "double"}, double=True)),
              f("s", True, leaf=pc.Leaf("string", {"type": "byte_array", "logical": "string"}, cardinality=9)),
              f("dec", True, leaf=pc.decimal_leaf(30, 4)),
              f("long", True, leaf=pc.Leaf("string", {"type": "byte_array", "logical": "string"}, cardinality=1))]
    rows = [
        {"i32": -5, "u32": 4000000000, "u64": 18446744073709551615, "dbl": "nan", "s": "beta",
         "dec": "-12.5", "long": "m" * 100 + "😀"},
        {"i32": 7, "u32": 1, "u64": 3, "dbl": -0.0, "s": "alpha", "dec": "3", "long": "a" * 100},
        {"i32": None, "u32": None, "u64": None, "dbl": 2.5, "s": "éclair", "dec": None, "long": None},
    ]
    expected = [
        {"i32": -5, "u32": 4000000000, "u64": 18446744073709551615, "dbl": "nan", "s": "beta",
         "dec": Decimal("-12.5"), "long": "m" * 100 + "😀"},
        {"i32": 7, "u32": 1, "u64": 3, "dbl": -0.0, "s": "alpha", "dec": Decimal(3), "long": "a" * 100},
        {"i32": None, "u32": None, "u64": None, "dbl": 2.5, "s": "éclair", "dec": None, "long": None},
    ]
    write_and_check(tmp_path, [("stats", fields, rows, expected, {"statistics_max_length": 16})])
    path = tmp_path / "stats.parquet"
    md = pq.ParquetFile(path).metadata
    col = {md.schema.column(i).name: md.row_group(0).column(i).statistics for i in range(md.num_columns)}
    assert (col["i32"].min, col["i32"].max, col["i32"].null_count) == (-5, 7, 1)
    assert (col["u32"].min, col["u32"].max) == (1, 4000000000)  # unsigned order
    assert (col["u64"].min, col["u64"].max) == (3, 18446744073709551615)
    assert col["dbl"].min == 0.0 and str(col["dbl"].min) == "-0.0" and col["dbl"].max == 2.5  # NaN ignored
    assert (col["s"].min, col["s"].max) == ("alpha", "éclair")  # bytewise: é (0xC3) > b
    assert (col["dec"].min, col["dec"].max) == (Decimal("-12.5000"), Decimal("3.0000"))
    long_min, long_max = col["long"].min, col["long"].max
    assert long_min == "a" * 16 and long_max == "m" * 15 + "n"  # truncated bounds, valid UTF-8
    assert long_max > "m" * 100 + "😀"
    # DuckDB reads the same statistics.
    con = duckdb.connect()
    got = {r[0]: r[1:] for r in con.sql(
        f"SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count "
        f"FROM parquet_metadata('{path}')").fetchall()}
    assert got["i32"] == ("-5", "7", 1)
    assert got["u64"] == ("3", "18446744073709551615", 1)
    assert got["s"] == ("alpha", "éclair", 0)
    # Row-group skipping uses them: a filter outside [min, max] reads nothing.
    assert con.sql(f"SELECT count(*) FROM '{path}' WHERE i32 > 100").fetchone()[0] == 0


def test_dictionary_used_for_low_cardinality(tool, tmp_path):
    rng = random.Random(9)
    low = pc.Field("low", False, leaf=pc.Leaf("enum", {"type": "byte_array", "logical": "string"}))
    high = pc.Field("high", False, leaf=pc.Leaf("int", {"type": "int64"}, bits=64, signed=True))
    rows = [{"low": rng.choice(["a", "b", "c"]), "high": i * 7919} for i in range(20000)]
    exp = [dict(r) for r in rows]
    write_and_check(tmp_path, [("dict", [low, high], rows, exp, {"dictionary_page_size_limit": 8192})])
    md = pq.ParquetFile(tmp_path / "dict.parquet").metadata.row_group(0)
    assert md.column(0).has_dictionary_page
    assert "RLE_DICTIONARY" in md.column(0).encodings and "PLAIN" in md.column(0).encodings
    # high cardinality: starts in the dictionary, falls back to PLAIN past 8 KB
    assert md.column(1).has_dictionary_page and "PLAIN" in md.column(1).encodings
    con = duckdb.connect()
    enc = dict(con.sql(f"SELECT path_in_schema, encodings FROM parquet_metadata('{tmp_path / 'dict.parquet'}')")
               .fetchall())
    assert "RLE_DICTIONARY" in enc["low"]


def test_row_group_sizes_as_configured(tool, tmp_path):
    payload = pc.Field("p", False, leaf=pc.Leaf("binary", {"type": "byte_array"}))
    rows = [{"p": (i.to_bytes(4, "big") * 50).hex()} for i in range(20000)]
    exp = [{"p": i.to_bytes(4, "big") * 50} for i in range(20000)]
    write_and_check(tmp_path, [
        ("by_rows", [payload], rows, exp, {"max_row_group_rows": 3000, "codec": "none"}),
        ("by_bytes", [payload], rows, exp, {"row_group_size": 1 << 20, "codec": "none", "dictionary": False}),
    ])
    md = pq.ParquetFile(tmp_path / "by_rows.parquet").metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [3000] * 6 + [2000]
    md = pq.ParquetFile(tmp_path / "by_bytes.parquet").metadata
    sizes = [md.row_group(i).total_byte_size for i in range(md.num_row_groups)]
    assert md.num_row_groups >= 3 and all(s <= (1 << 20) * 1.1 for s in sizes), sizes
    assert all(s >= (1 << 20) * 0.9 for s in sizes[:-1]), sizes


def test_pages_split_and_page_index(tool, tmp_path):
    v = pc.Field("v", True, leaf=pc.Leaf("int", {"type": "int64"}, bits=64, signed=True))
    rows = [{"v": i if i % 5 else None} for i in range(50000)]
    exp = [{"v": i if i % 5 else None} for i in range(50000)]
    write_and_check(tmp_path, [("pages", [v], rows, exp, {"page_size": 4096, "dictionary": False})])
    col = pq.ParquetFile(tmp_path / "pages.parquet").metadata.row_group(0).column(0)
    assert col.has_column_index and col.has_offset_index
    # ~40000 x 8 bytes / 4 KB ~ 80 pages: DuckDB's page-level view agrees with the values.
    con = duckdb.connect()
    assert con.sql(f"SELECT sum(v) FROM '{tmp_path / 'pages.parquet'}' WHERE v BETWEEN 1000 AND 2000") \
        .fetchone()[0] == sum(i for i in range(1000, 2001) if i % 5)


def test_key_value_metadata_and_created_by(tool, tmp_path):
    v = pc.Field("v", False, leaf=pc.Leaf("bool", {"type": "boolean"}))
    write_and_check(tmp_path, [("kv", [v], [{"v": True}], [{"v": True}],
                                {"metadata": {"tributary.source.schema": '{"table":"t"}'}})])
    md = pq.ParquetFile(tmp_path / "kv.parquet").metadata
    assert md.created_by.startswith("tributary version ")
    assert md.metadata[b"tributary.source.schema"] == b'{"table":"t"}'
    assert md.metadata[b"tributary.writer.version"]
