"""Parser of the decoded listings in shared/testdata/binlog/files/*.decoded.txt.

Each listing gives, per event, its offset and type, and for rows events every row image
as `name=value` pairs in the listing's own notation. parse_listing() returns the events;
parse_values() splits a row line into (name, value) pairs without interpreting them.
"""

import json
import re

EVENT_RE = re.compile(r"^(?P<indent> *)@(?P<pos>\d+) (?P<type>[A-Z_0-9]+)(?P<rest>.*)$")
ROW_RE = re.compile(r"^ +(?P<kind>INSERT|UPDATE|DELETE) row (?P<n>\d+)(?: (?P<image>before|after))?: ?(?P<values>.*)$")

# Listing type names that differ from ours.
TYPE_NAMES = {
    "MARIA_ANNOTATE_ROWS": "ANNOTATE_ROWS",
    "MARIA_BINLOG_CHECKPOINT": "BINLOG_CHECKPOINT",
    "MARIA_GTID": "MARIADB_GTID",
    "MARIA_GTID_LIST": "GTID_LIST",
    "AURORA_PADDING": "UNKNOWN_100",
}


def parse_listing(path):
    events = []
    truncated_at = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("magic"):
            continue
        m = EVENT_RE.match(line)
        if m and not ROW_RE.match(line):
            if m.group("rest").startswith(" trailing bytes") or "incomplete" in m.group("rest"):
                truncated_at = int(m.group("pos"))
                continue
            events.append({
                "pos": int(m.group("pos")),
                "type": TYPE_NAMES.get(m.group("type"), m.group("type")),
                "inner": len(m.group("indent")) > 0,
                "rest": m.group("rest"),
                "rows": [],
            })
            continue
        r = ROW_RE.match(line)
        if r and events:
            events[-1]["rows"].append({
                "kind": r.group("kind"), "n": int(r.group("n")), "image": r.group("image"),
                "values": parse_values(r.group("values").strip()),
            })
    return events, truncated_at


def _read_quoted(s, i):
    """s[i] is a quote; returns (text, index after the closing quote)."""
    out = []
    i += 1
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(s[i + 1])
            i += 2
            continue
        if c == "'":
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise ValueError(f"unterminated quote in {s!r}")


def _read_balanced(s, i, open_c, close_c):
    depth = 0
    j = i
    while j < len(s):
        if s[j] == open_c:
            depth += 1
        elif s[j] == close_c:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise ValueError(f"unbalanced {open_c} in {s!r}")


NAME_RE = re.compile(r"([@\w$]+)=")


def parse_values(s):
    """'a=1, b='x, y', c=NULL' -> [('a', ('raw', '1')), ('b', ('str', 'x, y')), ...]."""
    pairs = []
    i = 0
    while i < len(s):
        m = NAME_RE.match(s, i)
        if not m:
            raise ValueError(f"expected name= at {s[i:]!r}")
        name = m.group(1)
        i = m.end()
        if s.startswith("NULL", i) and (i + 4 == len(s) or s.startswith(", ", i + 4)):
            value, i = ("null", None), i + 4
        elif s[i] == "'":
            text, i = _read_quoted(s, i)
            value = ("str", text)
        elif s.startswith("x'", i):
            end = s.index("'", i + 2)
            value, i = ("hex", s[i + 2:end]), end + 1
        elif s.startswith("b'", i):
            end = s.index("'", i + 2)
            value, i = ("bits", s[i + 2:end]), end + 1
            m2 = re.match(r" \(bytes [0-9a-f]*\)", s[i:])
            if m2:
                i += m2.end()
        elif s.startswith("ENUM#", i) or s.startswith("SET#", i):
            m2 = re.match(r"(ENUM|SET)#(0b[01]+|\d+)", s[i:])
            number = int(m2.group(2), 0)
            i += m2.end()
            label = None
            if s.startswith(" '", i):
                label, i = _read_quoted(s, i + 1)
            value = (m2.group(1).lower(), (number, label))
        elif s.startswith("JSON_DIFF[", i):
            end = _read_balanced(s, i + 9, "[", "]")
            value, i = ("jsondiff", s[i + 10:end - 1]), end
        elif s.startswith("JSON ", i):
            _, consumed = json.JSONDecoder().raw_decode(s[i + 5:])
            value, i = ("json", s[i + 5:i + 5 + consumed]), i + 5 + consumed
        elif s.startswith("GEOMETRY(", i):
            end = _read_balanced(s, i + 8, "(", ")")
            m2 = re.match(r" wkb=([0-9a-f]+)", s[end:])
            value, i = ("geometry", m2.group(1)), end + m2.end()
        elif s.startswith("VECTOR[", i):
            end = _read_balanced(s, i + 6, "[", "]")
            m2 = re.match(r" \(bytes ([0-9a-f]*)\)", s[end:])
            value, i = ("vector", m2.group(1)), end + m2.end()
        else:
            m2 = re.match(r"(.*?)(?=, [@\w$]+=|$)", s[i:])
            value, i = ("raw", m2.group(1)), i + m2.end()
        pairs.append((name, value))
        if s.startswith(", ", i):
            i += 2
    return pairs
