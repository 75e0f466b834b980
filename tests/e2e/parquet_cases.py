"""Schemas, values and readers' canonical forms for test_parquet_writer.py.

A case is a job for parquet_tool (schema + rows as JSON) plus the rows it should read
back as, in a canonical form both readers' values are reduced to: ints, floats ("nan"
for NaN), str, bytes, Decimal, days since 1970 for dates, microseconds for times and
timestamps.
"""

import datetime
import json
import math
import os
import pathlib
import random
import struct
import subprocess
import decimal
from decimal import Decimal

decimal.getcontext().prec = 100  # DECIMAL(65) values exactly (the default context rounds to 28 digits)

EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MIN_TS = -62135596800000000  # 0001-01-01
MAX_TS = 253402300799999999  # 9999-12-31 23:59:59.999999
MIN_DATE = -719162
MAX_DATE = 2932896


def tool_path():
    if os.environ.get("TRIBUTARY_PARQUET_TOOL"):
        return pathlib.Path(os.environ["TRIBUTARY_PARQUET_TOOL"])
    root = pathlib.Path(__file__).resolve().parents[2]
    build = pathlib.Path(os.environ.get("TRIBUTARY_BUILD_DIR", root / "build"))
    tributary = pathlib.Path(os.environ.get("TRIBUTARY_BIN", build / "rel" / "src" / "cli" / "tributary"))
    return tributary.parents[1] / "format" / "parquet" / "parquet_tool"


def run_tool(jobs, workdir):
    """Runs parquet_tool on `jobs` (dicts); returns one result dict per job."""
    spec = pathlib.Path(workdir) / f"jobs-{random.getrandbits(32):08x}.jsonl"
    spec.write_text("\n".join(json.dumps(j) for j in jobs) + "\n")
    p = subprocess.run([str(tool_path()), str(spec)], capture_output=True, text=True, timeout=300)
    results = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert len(results) == len(jobs), p.stderr
    return results


def decimal_width(precision):
    b = 1
    while math.floor((8 * b - 1) * math.log10(2)) < precision:
        b += 1
    return b


class Leaf:
    """A leaf column type: its parquet_tool spec, a value generator, and canonicalizers."""

    def __init__(self, kind, spec, **kw):
        self.kind = kind
        self.spec = spec
        self.__dict__.update(kw)

    def field(self, name, optional):
        return dict(self.spec, name=name, optional=optional)

    # -> (value for the tool's JSON, canonical value)
    def value(self, rng):
        return getattr(self, "_v_" + self.kind)(rng)

    def _v_bool(self, rng):
        b = rng.random() < 0.5
        return b, b

    def _v_int(self, rng):
        bits, signed = self.bits, self.signed
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        r = rng.random()
        v = lo if r < 0.1 else hi if r < 0.2 else 0 if r < 0.25 else rng.randint(lo, hi) if r < 0.6 \
            else rng.randint(max(lo, -50), min(hi, 50))
        phys = 32 if self.spec["type"] == "int32" else 64
        raw = v
        if not signed and v >= (1 << (phys - 1)):
            raw = v  # unsigned: the tool takes the number and keeps its bits
        return raw, v

    def _v_float(self, rng):
        r = rng.random()
        x = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e-40][rng.randrange(6)] if r < 0.15 \
            else rng.uniform(-1e6, 1e6) if r < 0.6 else float(rng.randint(-5, 5))
        tool = "nan" if math.isnan(x) else "inf" if x == math.inf else "-inf" if x == -math.inf else x
        if self.double:
            return tool, canon_float(x)
        return tool, canon_float(struct.unpack("f", struct.pack("f", x))[0])

    def _v_string(self, rng):
        r = rng.random()
        if r < 0.1:
            s = ""
        elif r < 0.3:
            s = "".join(rng.choice(["a", "é", "中", "😀", "𝄞", " ", "\u0000", "z"]) for _ in range(rng.randint(1, 12)))
        elif r < 0.4:
            s = "x" * rng.randint(60, 300)  # longer than the statistics limit
        else:
            s = rng.choice(["red", "green", "blue", "yellow", "black"]) + str(rng.randint(0, self.cardinality))
        return s, s

    def _v_enum(self, rng):
        s = rng.choice(["small", "medium", "large", "x-large"])
        return s, s

    def _v_json(self, rng):
        s = json.dumps({"k": rng.randint(0, 9), "tags": ["a", "ü"][: rng.randint(0, 2)]}, ensure_ascii=False)
        return s, s

    def _v_binary(self, rng):
        n = 0 if rng.random() < 0.1 else rng.randint(1, 40)
        b = bytes(rng.randrange(256) for _ in range(n))
        return b.hex(), b

    def _v_fixed(self, rng):
        b = bytes(rng.randrange(256) for _ in range(self.spec["length"]))
        return b.hex(), b

    def _v_decimal(self, rng):
        p, s = self.precision, self.scale
        r = rng.random()
        if r < 0.1:
            digits = "9" * p
        elif r < 0.15:
            digits = "0"
        else:
            digits = str(rng.randint(0, 10 ** rng.randint(1, p) - 1))
        neg = rng.random() < 0.4 and digits.strip("0") != ""
        unscaled = int(digits) * (-1 if neg else 1)
        d = Decimal(unscaled).scaleb(-s)
        if rng.random() < 0.2:
            width = max(1, (unscaled.bit_length() + 8) // 8)
            tool = {"unscaled": unscaled.to_bytes(width, "big", signed=True).hex()}
        else:
            tool = format(d, "f")
        return tool, d

    def _v_date(self, rng):
        r = rng.random()
        v = 0 if r < 0.15 else MIN_DATE if r < 0.2 else MAX_DATE if r < 0.25 else rng.randint(-30000, 30000)
        return v, v

    def _v_time(self, rng):
        v = rng.choice([0, 86399999999]) if rng.random() < 0.2 else rng.randint(0, 86399999999)
        return v, v

    def _v_timestamp(self, rng):
        r = rng.random()
        if r < 0.1:
            v = rng.choice([MIN_TS, MAX_TS, 0, -1, 2147483648 * 1000000, 2147483648 * 1000000 + 1])
        elif r < 0.5:
            v = rng.randint(-2208988800000000, 4102444800000000)  # 1900..2100
        else:
            v = rng.randint(MIN_TS, MAX_TS)
        return v, v


def canon_float(x):
    return "nan" if isinstance(x, float) and math.isnan(x) else x


def leaf_types():
    t = []
    t.append(Leaf("bool", {"type": "boolean"}))
    for bits, signed, phys in [(8, True, "int32"), (8, False, "int32"), (16, True, "int32"), (16, False, "int32"),
                               (32, True, "int32"), (32, False, "int32"), (64, True, "int64"), (64, False, "int64")]:
        t.append(Leaf("int", {"type": phys, "logical": {"int": [bits, signed]}}, bits=bits, signed=signed))
    t.append(Leaf("int", {"type": "int32"}, bits=32, signed=True))
    t.append(Leaf("int", {"type": "int64"}, bits=64, signed=True))
    t.append(Leaf("float", {"type": "float"}, double=False))
    t.append(Leaf("float", {"type": "double"}, double=True))
    t.append(Leaf("string", {"type": "byte_array", "logical": "string"}, cardinality=5))
    t.append(Leaf("string", {"type": "byte_array", "logical": "string"}, cardinality=100000))
    t.append(Leaf("enum", {"type": "byte_array", "logical": "enum"}))
    t.append(Leaf("json", {"type": "byte_array", "logical": "json"}))
    t.append(Leaf("binary", {"type": "byte_array"}))
    t.append(Leaf("fixed", {"type": "fixed_len_byte_array", "length": 5}))
    for p, s in [(1, 0), (5, 2), (9, 9), (10, 3), (18, 4), (19, 0), (25, 10), (38, 38), (38, 2), (39, 5), (65, 30),
                 (65, 0)]:
        t.append(decimal_leaf(p, s))
    t.append(Leaf("date", {"type": "int32", "logical": "date"}))
    t.append(Leaf("time", {"type": "int64", "logical": {"time": ["micros", False]}}))
    t.append(Leaf("timestamp", {"type": "int64", "logical": {"timestamp": ["micros", True]}}, utc=True))
    t.append(Leaf("timestamp", {"type": "int64", "logical": {"timestamp": ["micros", False]}}, utc=False))
    return t


def decimal_leaf(p, s):
    if p <= 9:
        spec = {"type": "int32"}
    elif p <= 18:
        spec = {"type": "int64"}
    else:
        spec = {"type": "fixed_len_byte_array", "length": decimal_width(p)}
    spec["logical"] = {"decimal": [p, s]}
    return Leaf("decimal", spec, precision=p, scale=s)


# ---- readers' values to canonical form ----

def canon(leaf, v, reader):
    """The canonical form of `v` as `reader` ("pyarrow" / "duckdb") returned it."""
    if v is None:
        return None
    k = leaf.kind
    if k == "float":
        return canon_float(float(v))
    if k in ("string", "enum", "json"):
        return v.decode() if isinstance(v, (bytes, bytearray)) else v
    if k in ("binary", "fixed"):
        return bytes(v)
    if k == "date":
        return (v - EPOCH_DATE).days
    if k == "time":
        return ((v.hour * 60 + v.minute) * 60 + v.second) * 1000000 + v.microsecond
    if k == "timestamp":
        if v.tzinfo is not None:
            return (v - EPOCH_UTC) // datetime.timedelta(microseconds=1)
        return (v - EPOCH_NAIVE) // datetime.timedelta(microseconds=1)
    if k == "decimal" and reader == "duckdb" and leaf.precision > 38:
        return "duckdb-wide-decimal"  # DuckDB reads FLBA decimals wider than 38 digits as DOUBLE, wrongly
    return v


def skip_for(leaf, reader):
    return leaf.kind == "decimal" and reader == "duckdb" and leaf.precision > 38


# ---- schemas and rows ----

class Field:
    def __init__(self, name, optional, leaf=None, children=None):
        self.name, self.optional, self.leaf, self.children = name, optional, leaf, children

    def spec(self):
        if self.children is not None:
            return {"name": self.name, "optional": self.optional, "fields": [c.spec() for c in self.children]}
        return self.leaf.field(self.name, self.optional)


def random_fields(rng, types, n, depth, counter):
    fields = []
    for _ in range(n):
        counter[0] += 1
        name = f"c{counter[0]}"
        if depth < 2 and rng.random() < 0.2:
            kids = random_fields(rng, types, rng.randint(1, 3), depth + 1, counter)
            fields.append(Field(name, rng.random() < 0.7, children=kids))
        else:
            fields.append(Field(name, rng.random() < 0.6, leaf=rng.choice(types)))
    return fields


def envelope_fields(rng, types):
    counter = [0]
    cols = random_fields(rng, types, rng.randint(1, 6), 2, counter)
    source = [Field("version", False, leaf=Leaf("string", {"type": "byte_array", "logical": "string"},
                                                 cardinality=1)),
              Field("ts_ms", False, leaf=Leaf("int", {"type": "int64"}, bits=64, signed=True)),
              Field("gtid", True, leaf=Leaf("string", {"type": "byte_array", "logical": "string"},
                                             cardinality=1000))]
    return [Field("before", True, children=cols), Field("after", True, children=cols),
            Field("source", False, children=source),
            Field("op", False, leaf=Leaf("enum", {"type": "byte_array", "logical": "string"}))]


def random_value(rng, field, null_rate):
    """-> (tool JSON value, canonical value)"""
    if field.optional and rng.random() < null_rate:
        return None, None
    if field.children is not None:
        tool, exp = {}, {}
        for c in field.children:
            t, e = random_value(rng, c, null_rate)
            if t is not None:
                tool[c.name] = t
            exp[c.name] = e
        return tool, exp
    return field.leaf.value(rng)


def random_rows(rng, fields, n):
    null_rate = rng.choice([0.0, 0.1, 0.5, 1.0])
    tool_rows, expected = [], []
    for _ in range(n):
        t, e = {}, {}
        for f in fields:
            tv, ev = random_value(rng, f, null_rate)
            if tv is not None or rng.random() < 0.5:
                t[f.name] = tv
            e[f.name] = ev
        tool_rows.append(t)
        expected.append(e)
    return tool_rows, expected


def random_options(rng):
    return {
        "codec": rng.choice(["none", "snappy", "gzip", "zstd"]),
        "page_size": rng.choice([64, 512, 4096, 1 << 20]),
        "dictionary": rng.random() < 0.8,
        "dictionary_page_size_limit": rng.choice([16, 256, 1 << 20]),
        "max_row_group_rows": rng.choice([0, 0, 1, 7, 50]),
        "data_page_version": rng.choice([1, 1, 2]),
        "statistics_max_length": rng.choice([0, 8, 64]),
        "page_index": rng.random() < 0.7,
    }


# ---- comparison ----

def compare_rows(fields, expected, got, reader, where):
    assert len(got) == len(expected), f"{where}: {len(got)} rows read, {len(expected)} written"
    for i, (e, g) in enumerate(zip(expected, got)):
        for f in fields:
            compare_value(f, e[f.name], g[f.name], reader, f"{where} row {i} {f.name}")


def compare_value(field, e, g, reader, where):
    if field.children is not None:
        if e is None:
            assert g is None, f"{where}: expected NULL group, got {g!r}"
            return
        assert g is not None, f"{where}: group read as NULL"
        for c in field.children:
            compare_value(c, e[c.name], g[c.name], reader, f"{where}.{c.name}")
        return
    if skip_for(field.leaf, reader):
        return
    got = canon(field.leaf, g, reader)
    assert got == e, f"{where} ({reader}): expected {e!r}, got {got!r}"
