#!/usr/bin/env python3
"""Field-by-field comparison of two record streams: real Debezium's (the reference) and
Tributary's, both as JSON lines of the shape tests/compat/run_debezium.sh writes:

    {"topic": T, "partition": P|null, "key": K|null, "value": V|null, "headers": [[k, v|null], ...]}

K and V are the Kafka key and value bytes as text (JsonConverter output, with or without
the {"schema","payload"} envelope). Records are matched by topic + key + op + source position
(file, pos, row); a tombstone is matched through the delete that precedes it. Matched
records are compared byte for byte at each field: the JSON is scanned keeping the raw text
of every scalar, so a number written differently (1.0E10 / 1e10), a string escaped
differently or a field in another order is a difference even where the parsed values are
equal. Nothing is ignored except the rules in KNOWN_DIFFERENCES, each with its reason; what
they hid is counted in the report.

Library: load_records(path), compare(reference, candidate) -> Report (.ok, .format()).
CLI:     compare.py DEBEZIUM.jsonl TRIBUTARY.jsonl [--max-diffs N] [--strict]
         exit 0 when nothing differs beyond the known differences, 1 otherwise.
"""

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

# What may differ, and why. "where" is value | header; a value "path" is relative to the
# record payload (inside "payload" when the converter wrote the schema envelope) and "*"
# matches one element, so ("ts_ms",) is only the payload's top-level field, never
# source.ts_ms (binlog time, which must match); a header "path" is the header name and only
# its value is ignored. "per_run" rules are not differences at all (time of processing, a
# random run id) and stay on with --strict; the others are differences we accept.
KNOWN_DIFFERENCES = [
    {"where": "value", "path": ("ts_ms",), "per_run": True,
     "reason": "processing time: when the connector handled the event (envelope, schema-change "
               "and heartbeat records), not data"},
    {"where": "value", "path": ("ts_us",), "per_run": True,
     "reason": "processing time in microseconds (envelope top level)"},
    {"where": "value", "path": ("ts_ns",), "per_run": True,
     "reason": "processing time in nanoseconds (envelope top level)"},
    {"where": "header", "path": "__debezium.context.runId", "per_run": True,
     "reason": "random UUID per connector run (Debezium >= 3.2.1 context headers, "
               "extended.headers.enabled=true by default)"},
    {"where": "value", "path": ("source", "version"),
     "reason": "the reference is the Debezium release in tests/compat/debezium-runner/pom.xml; "
               "Tributary reports the Debezium version it emulates"},
]

_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(true|false|null)|([{}\[\],:]))',
                    re.S)


class JsonScanError(ValueError):
    pass


def flatten(text):
    """[(path, raw)] in document order: every scalar with its raw text, and "{}" / "[]" for
    empty containers. Paths are tuples of keys and array indexes."""
    out = []
    pos = 0

    def token():
        nonlocal pos
        m = _TOKEN.match(text, pos)
        if not m:
            raise JsonScanError(f"bad JSON at offset {pos}: {text[pos:pos + 40]!r}")
        pos = m.end()
        return m

    def value(path, m):
        if m.group(4) == "{":
            m = token()
            if m.group(4) == "}":
                out.append((path, "{}"))
                return
            while True:
                if not m.group(1):
                    raise JsonScanError(f"object key expected at offset {m.start()}")
                key = json.loads(m.group(1))
                if token().group(4) != ":":
                    raise JsonScanError(f"':' expected at offset {pos}")
                value(path + (key,), token())
                m = token()
                if m.group(4) == "}":
                    return
                if m.group(4) != ",":
                    raise JsonScanError(f"',' or '}}' expected at offset {m.start()}")
                m = token()
        elif m.group(4) == "[":
            m = token()
            if m.group(4) == "]":
                out.append((path, "[]"))
                return
            i = 0
            while True:
                value(path + (i,), m)
                m = token()
                if m.group(4) == "]":
                    return
                if m.group(4) != ",":
                    raise JsonScanError(f"',' or ']' expected at offset {m.start()}")
                i += 1
                m = token()
        elif m.group(4):
            raise JsonScanError(f"unexpected {m.group(4)!r} at offset {m.start()}")
        else:
            out.append((path, m.group(0).strip()))

    value((), token())
    if text[pos:].strip():
        raise JsonScanError(f"trailing text at offset {pos}")
    return out


@dataclass
class Record:
    index: int            # 0-based line number in its file
    topic: str
    partition: object
    key_raw: object       # str or None
    value_raw: object
    headers: list
    key: object = None    # parsed key payload
    payload: object = None  # parsed value payload (None for a tombstone)
    envelope: bool = False  # the value had the {"schema","payload"} envelope
    identity: tuple = ()

    @property
    def op(self):
        if self.value_raw is None:
            return "tombstone"
        if isinstance(self.payload, dict):
            if "op" in self.payload:
                return self.payload["op"]
            if "ddl" in self.payload:
                return "schema-change"
        return None

    def position(self):
        src = self.payload.get("source") if isinstance(self.payload, dict) else None
        if isinstance(src, dict) and "file" in src:
            return (src.get("file"), src.get("pos"), src.get("row"))
        return None

    def describe(self):
        key = json.dumps(self.key, separators=(",", ":"), ensure_ascii=False) if self.key_raw is not None else "null"
        pos = self.identity[3] if len(self.identity) > 3 else None
        where = f" {pos[0]}:{pos[1]} row {pos[2]}" if pos else ""
        n = self.identity[-1]
        return f"{self.topic} key={key} op={self.op}{where}" + (f" (occurrence {n + 1})" if n else "")


def _unwrap(parsed):
    if isinstance(parsed, dict) and list(parsed.keys()) == ["schema", "payload"]:
        return parsed["payload"], True
    return parsed, False


def parse_line(line, index):
    d = json.loads(line)
    for k in ("topic", "key", "value"):
        if k not in d:
            raise ValueError(f"line {index + 1}: no {k!r}")
    r = Record(index, d["topic"], d.get("partition"), d["key"], d["value"], d.get("headers") or [])
    if r.key_raw is not None:
        r.key, _ = _unwrap(json.loads(r.key_raw))
    if r.value_raw is not None:
        r.payload, r.envelope = _unwrap(json.loads(r.value_raw))
    return r


def load_records(path):
    """Records of a JSONL file, with their match identities."""
    with open(path, encoding="utf-8") as f:
        records = [parse_line(line, i) for i, line in enumerate(l for l in f if l.strip())]
    assign_identities(records)
    return records


def assign_identities(records):
    last_position = {}
    seen = Counter()
    for r in records:
        key = json.dumps(r.key, sort_keys=True, separators=(",", ":")) if r.key_raw is not None else None
        pos = r.position()
        if r.op == "tombstone":
            pos = last_position.get((r.topic, key))
        elif pos is not None:
            last_position[(r.topic, key)] = pos
        base = (r.topic, key, r.op, pos)
        r.identity = base + (seen[base],)
        seen[base] += 1


@dataclass
class Difference:
    part: str      # key | value | header | partition | order | record
    path: str
    reference: object
    candidate: object
    note: str = ""


@dataclass
class Report:
    reference_count: int = 0
    candidate_count: int = 0
    matched: int = 0
    equal: int = 0
    missing: list = field(default_factory=list)    # only in the reference
    extra: list = field(default_factory=list)      # only in the candidate
    differing: list = field(default_factory=list)  # (ref record, cand record, [Difference])
    order: list = field(default_factory=list)      # Difference per (topic, key) out of order
    known: Counter = field(default_factory=Counter)  # (rule index, path) -> count
    names: tuple = ("Debezium", "Tributary")

    @property
    def ok(self):
        return not (self.missing or self.extra or self.differing or self.order)

    def format(self, max_diffs=50):
        a, b = self.names
        lines = [f"compare: {self.reference_count} {a} records, {self.candidate_count} {b} records; "
                 f"{self.matched} matched, {self.equal} equal, {len(self.differing)} differ, "
                 f"{len(self.missing)} only in {a}, {len(self.extra)} only in {b}, "
                 f"{len(self.order)} keys out of order"]
        if self.known:
            lines.append("known differences (ignored):")
            for (rule, path), n in sorted(self.known.items()):
                lines.append(f"  {KNOWN_DIFFERENCES[rule]['where']} {path}: {n}x -- "
                             f"{KNOWN_DIFFERENCES[rule]['reason']}")
        shown = 0
        for ref, cand, diffs in self.differing:
            if shown >= max_diffs:
                break
            shown += 1
            lines.append(f"--- {ref.describe()} ({a} line {ref.index + 1}, {b} line {cand.index + 1})")
            for d in diffs[:20]:
                lines.append(f"  {d.part} {d.path}: {a} {_show(d.reference)} | {b} {_show(d.candidate)}"
                             + (f"  [{d.note}]" if d.note else ""))
            if len(diffs) > 20:
                lines.append(f"  ... {len(diffs) - 20} more")
        for label, recs in ((f"only in {a}", self.missing), (f"only in {b}", self.extra)):
            for r in recs[:max_diffs]:
                lines.append(f"--- {label}: {r.describe()} (line {r.index + 1})")
            if len(recs) > max_diffs:
                lines.append(f"--- ... {len(recs) - max_diffs} more {label}")
        for d in self.order[:max_diffs]:
            lines.append(f"--- order {d.path}: {a} {_show(d.reference)} | {b} {_show(d.candidate)}")
        if len(self.differing) > shown:
            lines.append(f"... {len(self.differing) - shown} more differing records")
        return "\n".join(lines)


def _show(v):
    if v is None:
        return "(absent)"
    s = str(v)
    return s if len(s) <= 120 else s[:100] + f"...({len(s)} chars)"


def _path_text(path):
    return ".".join(str(p) for p in path) if path else "(root)"


def _matches(pattern, path):
    return len(pattern) == len(path) and all(p == "*" or p == q for p, q in zip(pattern, path))


def _rules_for(where):
    return [(i, r) for i, r in enumerate(KNOWN_DIFFERENCES) if r["where"] == where]


def _compare_json(part, ref_raw, cand_raw, ref_env, cand_env, rules, known):
    """Differences between two JSON texts, path by path (raw scalar text)."""
    diffs = []
    if (ref_raw is None) != (cand_raw is None):
        return [Difference(part, "(root)", "null" if ref_raw is None else "bytes",
                           "null" if cand_raw is None else "bytes", "Kafka null vs bytes")]
    if ref_raw is None:
        return []
    try:
        ref_flat = flatten(ref_raw)
        cand_flat = flatten(cand_raw)
    except JsonScanError as e:
        return [Difference(part, "(root)", ref_raw[:80], cand_raw[:80], f"not JSON: {e}")]
    prefix = ("payload",) if ref_env else ()

    def ignored(path):
        rel = path[len(prefix):] if path[:len(prefix)] == prefix else None
        if rel is None:
            return None
        for i, rule in rules:
            if _matches(rule["path"], rel):
                return i
        return None

    ref_map = dict(ref_flat)
    cand_map = dict(cand_flat)
    if ref_env != cand_env:
        diffs.append(Difference(part, "(envelope)", "schema+payload" if ref_env else "payload only",
                                "schema+payload" if cand_env else "payload only",
                                "schemas.enable differs"))
        return diffs
    for path, raw in ref_flat:
        rule = ignored(path)
        other = cand_map.get(path)
        if rule is not None:
            if other != raw:
                known[(rule, _path_text(path))] += 1
            continue
        if other is None:
            diffs.append(Difference(part, _path_text(path), raw, None, "missing in candidate"))
        elif other != raw:
            note = ""
            try:
                if json.loads(raw) == json.loads(other):
                    note = "same value, different bytes"
            except ValueError:
                pass
            diffs.append(Difference(part, _path_text(path), raw, other, note))
    for path, raw in cand_flat:
        if path not in ref_map:
            rule = ignored(path)
            if rule is not None:
                known[(rule, _path_text(path))] += 1
                continue
            diffs.append(Difference(part, _path_text(path), None, raw, "extra in candidate"))
    if not diffs:
        common_ref = [p for p, _ in ref_flat if p in cand_map and ignored(p) is None]
        common_cand = [p for p, _ in cand_flat if p in ref_map and ignored(p) is None]
        if common_ref != common_cand:
            k = next(i for i, (x, y) in enumerate(zip(common_ref, common_cand)) if x != y)
            diffs.append(Difference(part, _path_text(common_ref[k]), _path_text(common_ref[k]),
                                    _path_text(common_cand[k]), "field order differs"))
        else:
            ref_ws = any(c.isspace() for c in _outside_strings(ref_raw))
            cand_ws = any(c.isspace() for c in _outside_strings(cand_raw))
            if ref_ws != cand_ws:
                diffs.append(Difference(part, "(whitespace)", "whitespace" if ref_ws else "compact",
                                        "whitespace" if cand_ws else "compact",
                                        "whitespace outside strings"))
    return diffs


def _outside_strings(text):
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def _compare_headers(ref, cand, known):
    diffs = []
    rules = {r["path"]: i for i, r in _rules_for("header")}
    if [h[0] for h in ref] != [h[0] for h in cand]:
        diffs.append(Difference("header", "(names)", [h[0] for h in ref], [h[0] for h in cand]))
        return diffs
    for (k, v), (_, w) in zip(ref, cand):
        if v != w:
            if k in rules:
                known[(rules[k], k)] += 1
            else:
                diffs.append(Difference("header", k, v, w))
    return diffs


def compare_records(ref, cand, known):
    diffs = []
    if ref.partition != cand.partition:
        diffs.append(Difference("partition", "", ref.partition, cand.partition))
    diffs += _compare_json("key", ref.key_raw, cand.key_raw, _is_env(ref.key_raw), _is_env(cand.key_raw),
                           [], known)
    diffs += _compare_json("value", ref.value_raw, cand.value_raw, ref.envelope, cand.envelope,
                           _rules_for("value"), known)
    diffs += _compare_headers(ref.headers, cand.headers, known)
    return diffs


def _is_env(raw):
    if raw is None:
        return False
    return _unwrap(json.loads(raw))[1]


def compare(reference, candidate, names=("Debezium", "Tributary")):
    """Matches and compares two record lists (from load_records)."""
    report = Report(len(reference), len(candidate), names=names)
    by_id = {r.identity: r for r in candidate}
    matched_ids = set()
    for ref in reference:
        cand = by_id.get(ref.identity)
        if cand is None:
            report.missing.append(ref)
            continue
        matched_ids.add(ref.identity)
        report.matched += 1
        diffs = compare_records(ref, cand, report.known)
        if diffs:
            report.differing.append((ref, cand, diffs))
        else:
            report.equal += 1
    report.extra = [c for c in candidate if c.identity not in matched_ids]

    # Per topic and key, Kafka keeps order: the matched records must come in the same order.
    def sequences(records):
        seq = defaultdict(list)
        for r in records:
            if r.identity in matched_ids:
                seq[(r.topic, r.identity[1])].append(r.identity)
        return seq
    ref_seq, cand_seq = sequences(reference), sequences(candidate)
    for k, ids in ref_seq.items():
        if cand_seq.get(k) != ids:
            report.order.append(Difference("order", f"{k[0]} key={k[1]}",
                                           [i[2] for i in ids], [i[2] for i in cand_seq.get(k, [])]))
    return report


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference", help="Debezium's JSONL (tests/compat/run_debezium.sh)")
    ap.add_argument("candidate", help="Tributary's JSONL, same shape")
    ap.add_argument("--max-diffs", type=int, default=50, help="records shown per section (50)")
    ap.add_argument("--strict", action="store_true", help="ignore nothing but the processing timestamps")
    args = ap.parse_args(argv)
    if args.strict:
        KNOWN_DIFFERENCES[:] = [r for r in KNOWN_DIFFERENCES if r.get("per_run")]
    report = compare(load_records(args.reference), load_records(args.candidate))
    print(report.format(args.max_diffs))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
