"""Snapshot events (op `r`) against real Debezium 3.5, and against Tributary's own binlog
path (issue 6).

The data set of the streaming comparison (tests/compat/dataset.sql: every type family,
NULLs, defaults, keyless / unique-key / composite keys, DDL mid-stream) is loaded into a
fresh database `db`; its final state is what both connectors snapshot. Then every table is
copied row for row into a second database `copy` (tables created with the server's own
SHOW CREATE TABLE text, rows by INSERT ... SELECT), so the binlog holds a `c` event for
each snapshotted row. Four record files come out of it:

    D_snap  Debezium, snapshot.mode=initial_only on `db` (schemas on, and again off)
    T_snap  `tributary run`, snapshot.mode=initial_only, same connector document (on, off)
    D_bin   Debezium streaming `copy` from the binlog position before it (schemas on)
    T_bin   Tributary streaming `copy` from the same position (schemas on)

Checks:
- T_snap against D_snap, `r` records matched per topic, key and occurrence (the keyless
  table's rows come in scan order in both) and compared byte for byte per field with
  tests/compat/compare.py. Ignored besides compare.py's per-run fields: SNAPSHOT_RULES.
  Any other difference must be one where Debezium's snapshot disagrees with Debezium's
  own binlog path (D_bin) and Tributary's value is the binlog one, or the documented JSON
  schema name; each is listed in docs/compatibility.md, "Snapshots".
- `source.snapshot` markers: exactly Debezium's.
- The CREATE TABLE schema-change records of the snapshot: Debezium's.
- Stricter, Tributary against itself: for every row, the `after` of its snapshot `r`
  event equals byte for byte the `after` of the `c` event the binlog path produced for
  the same row, and so do the Connect schema of `after` (its name aside: it holds the
  database name) and the key.

The three Debezium runs go one after the other in a background thread (two JVMs at once
on a busy machine start too slowly for the runner's idle stop) while Tributary runs;
the module takes about a minute.
"""

import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter

import pymysql
import pytest

from conftest import ROOT, env

sys.path.insert(0, str(ROOT / "tests" / "compat"))
import compare  # noqa: E402
import reference  # noqa: E402

# What may differ between two snapshots of the same rows, on top of compare.py's per-run
# rules (envelope ts_ms/ts_us/ts_ns, the runId header, source.version).
SNAPSHOT_RULES = [
    {"where": "value", "path": ("source", "file"),
     "reason": "snapshot: the binlog position of the connector's consistent view; two "
               "connectors reading the same rows on a shared server may take their views at "
               "different positions (Tributary: one view per chunk)"},
    {"where": "value", "path": ("source", "pos"),
     "reason": "snapshot: the view's binlog position, as source.file"},
    {"where": "value", "path": ("source", "ts_ms"),
     "reason": "snapshot: when the row was read (Debezium: whole seconds), not a binlog event time"},
    {"where": "value", "path": ("source", "ts_us"),
     "reason": "snapshot: the read time in microseconds"},
    {"where": "value", "path": ("source", "ts_ns"),
     "reason": "snapshot: the read time in nanoseconds"},
    {"where": "value", "path": ("source", "snapshot"),
     "reason": "the markers are compared by test_snapshot_markers_are_debeziums"},
]

# Columns where Debezium's snapshot (JDBC) writes a value differently from Debezium's own
# binlog path; Tributary writes the binlog path's value in both (docs/compatibility.md).
DEBEZIUM_SNAPSHOT_QUIRKS = {
    ("ints", "yr"),       # YEAR 0000: 2000 (read as a number, see run_debezium below) vs 1900
    ("temporal", "ts0"),  # zero TIMESTAMP in a nullable column: null vs the epoch
    ("temporal", "ts2"),  # TIMESTAMP(n) fraction: trailing zeros trimmed vs n digits
    ("temporal", "ts6"),
}
# MariaDB JSON columns, which SHOW CREATE TABLE prints as LONGTEXT ... CHECK (json_valid(..)):
# Debezium's snapshot types them as plain strings (LONGTEXT), Debezium's binlog path after
# a `JSON` DDL and Tributary everywhere as io.debezium.data.Json (JSON).
JSON_COLUMNS = {("jsongeo", "js")}


RUNS = ["on", "off", "dbin", "tbin"]  # run names; each has its own topic prefix and server id


def admin_connection(mariadb_params):
    return pymysql.connect(user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"), autocommit=True,
                           charset="utf8mb4", **mariadb_params)


def binlog_key(position):
    return int(position["file"].rsplit(".", 1)[1]), int(position["pos"])


class SnapshotCase:
    """The data set loaded once into `db`, its row-for-row copy in `copy_db` (written to
    the binlog between `copy_start` and `copy_end`), and each run's record file
    (tests/compat/README.md), made on first use and cached. Not thread-safe except
    debezium(), which waits for the background thread."""

    def __init__(self, db, copy_db, copy_start, copy_end, tables, rows, workdir, tributary_bin):
        self.db = db
        self.rows = rows              # rows in all tables
        self.copy_db = copy_db
        self.copy_start = copy_start
        self.copy_end = copy_end
        self.tables = tables          # table names, as SHOW TABLES lists them
        self.workdir = workdir
        self.bin = tributary_bin
        self.server_id = random.randint(6000, 6999)
        self.bootstrap = env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
        self._debezium = {}
        self._tributary = {}
        self._lock = threading.Lock()
        self._thread = None

    def prefix(self, run):
        # One topic prefix per run: each Tributary run writes fresh topics.
        return f"{self.db}_{run}"

    def topics(self, run, database):
        return [f"{self.prefix(run)}.{database}.{t.replace('$', '_')}" for t in self.tables]

    def config(self, run, database, snapshot_mode, schemas_enable=True):
        extra = {"snapshot.mode": snapshot_mode,
                 # MariaDB needs no lock for a consistent view; never lock the shared server
                 "snapshot.locking.mode": "none"}
        if not schemas_enable:
            for side in ("key", "value"):
                extra[f"{side}.converter"] = "org.apache.kafka.connect.json.JsonConverter"
                extra[f"{side}.converter.schemas.enable"] = "false"
        prefix = self.prefix(run)
        return reference.connector_config(
            name=f"{prefix}-connector", prefix=prefix, database=database,
            server_id=self.server_id * 10 + RUNS.index(run),
            port=int(env("TRIBUTARY_MARIADB_PORT", "3306")), user="cdc",
            password=env("TRIBUTARY_CDC_PASSWORD", "cdc"), config=extra)

    # ---- Debezium (one background thread)

    def start_debezium(self):
        def run():
            # Expected record counts, so that a run stops at its last record rather than
            # after the idle time (which starts when polling starts, seconds before the
            # first snapshot record on a busy machine, so it has to be long). A snapshot:
            # SET, DROP TABLE IF EXISTS per table, DROP DATABASE IF EXISTS, CREATE DATABASE,
            # USE, CREATE TABLE per table, then the rows; the copy's binlog: CREATE DATABASE,
            # CREATE TABLE per table, then the rows.
            n = len(self.tables)
            plan = [("on", self.db, "initial_only", True, None, 4 + 2 * n + self.rows),
                    ("off", self.db, "initial_only", False, None, 4 + 2 * n + self.rows),
                    ("dbin", self.copy_db, "never", True, self.copy_start, 1 + n + self.rows)]
            for run_name, database, mode, schemas_enable, start, count in plan:
                doc = self.config(run_name, database, mode, schemas_enable)
                # Debezium 3.5's MariaDB snapshot dies on YEAR 0000: MariaDB Connector/J reads
                # YEAR as java.sql.Date.valueOf("0000-01-01"), which throws
                # IllegalArgumentException. Reading YEAR as a number avoids it.
                doc["config"]["driver.yearIsDateType"] = "false"
                try:
                    result = reference.run_debezium(doc, self.workdir / f"debezium-{run_name}.jsonl", start,
                                                    idle_seconds=20, max_records=count, timeout=300)
                except Exception as e:  # reported by debezium()
                    result = e
                with self._lock:
                    self._debezium[run_name] = result
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def debezium(self, run):
        """Debezium's RunResult for run "on" / "off" (snapshot) or "dbin" (binlog of copy)."""
        deadline = time.time() + 400
        result = None
        while time.time() < deadline:
            with self._lock:
                result = self._debezium.get(run)
            if result is not None or not self._thread.is_alive():
                break
            time.sleep(0.2)
        if isinstance(result, Exception) or result is None:
            pytest.fail(f"Debezium run {run} failed: {result}")
        return result

    # ---- Tributary

    def _run_tributary(self, run, doc, until=None):
        """`tributary run` on `doc` (file offsets and history in its own folder): until it
        exits (initial_only) or until `until(work)` holds; then its topics as a record file."""
        work = self.workdir / f"tributary-{run}"
        work.mkdir(exist_ok=True)
        cfg = dict(doc["config"])
        cfg.pop("schema.history.internal.kafka.topic", None)
        cfg.update({
            "bootstrap.servers": self.bootstrap,
            "topic.creation.default.partitions": "1",
            "topic.creation.default.replication.factor": "1",
            "offset.storage.file.filename": str(work / "offsets.json"),
            "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
            "schema.history.internal.file.filename": str(work / "history.jsonl"),
            "offset.flush.interval.ms": "200",
        })
        conf = work / "source.json"
        conf.write_text(json.dumps({"name": doc["name"], "config": cfg}, indent=1))
        log_path = work / "tributary.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen([self.bin, "run", str(conf)], stdout=log, stderr=subprocess.STDOUT)
            try:
                if until is None:
                    rc = proc.wait(timeout=90)
                    assert rc == 0, f"tributary exited with {rc}:\n{log_path.read_text()[-4000:]}"
                else:
                    deadline = time.time() + 90
                    while not until(work):
                        assert proc.poll() is None, log_path.read_text()[-4000:]
                        assert time.time() < deadline, log_path.read_text()[-4000:]
                        time.sleep(0.2)
            finally:
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(timeout=30)
        out = self.workdir / f"tributary-{run}.jsonl"
        prefix = self.prefix(run)
        database = self.copy_db if run == "tbin" else self.db
        reference.kafka_to_jsonl(self.bootstrap, [prefix] + self.topics(run, database), prefix, out)
        return out

    def tributary(self, run):
        """Path of Tributary's record file for run "on" / "off" (snapshot) or "tbin"."""
        if run not in self._tributary:
            if run == "tbin":
                doc = self.config(run, self.copy_db, "initial")
                work = self.workdir / f"tributary-{run}"
                work.mkdir()
                # A stored offset at copy_start: no snapshot, streaming from there.
                reference.seed_tributary_start(work, doc["name"], self.prefix(run), self.copy_start)

                def passed_copy(work):
                    try:
                        offset = next(iter(json.loads((work / "offsets.json").read_text()).values()))
                    except (FileNotFoundError, ValueError, StopIteration):
                        return False
                    return binlog_key(offset) >= binlog_key(self.copy_end)
                self._tributary[run] = self._run_tributary(run, doc, until=passed_copy)
            else:
                doc = self.config(run, self.db, "initial_only", schemas_enable=run == "on")
                self._tributary[run] = self._run_tributary(run, doc)
        return self._tributary[run]


@pytest.fixture(scope="module")
def case(mariadb_params, tributary_bin, tmp_path_factory):
    tag = uuid.uuid4().hex[:8]
    db, copy_db = f"dbzsnap_{tag}", f"dbzsnap_{tag}_copy"
    conn = admin_connection(mariadb_params)
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE {db}")
    cur.execute(f"USE {db}")
    for statement in reference.dataset_statements():
        cur.execute(statement)  # sets sql_mode = '' (zero dates) for the session
    cur.execute("SHOW TABLES")
    tables = sorted(r[0] for r in cur.fetchall())
    rows = 0
    for t in tables:
        cur.execute(f"SELECT COUNT(*) FROM `{t}`")
        rows += cur.fetchone()[0]
    copy_start = reference.binlog_position(cur)
    cur.execute(f"CREATE DATABASE {copy_db}")
    cur.execute(f"USE {copy_db}")
    for t in tables:
        cur.execute(f"SHOW CREATE TABLE {db}.`{t}`")
        cur.execute(cur.fetchone()[1])
        cur.execute(f"INSERT INTO `{t}` SELECT * FROM {db}.`{t}`")
    copy_end = reference.binlog_position(cur)
    c = SnapshotCase(db, copy_db, copy_start, copy_end, tables, rows, tmp_path_factory.mktemp("dbzsnap"), tributary_bin)
    c.start_debezium()
    yield c
    c._thread.join(timeout=400)
    cur.execute(f"DROP DATABASE IF EXISTS {db}")
    cur.execute(f"DROP DATABASE IF EXISTS {copy_db}")
    conn.close()
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": c.bootstrap})
    names = [t for t in admin.list_topics(timeout=10).topics if t.startswith(db)]
    if names:
        for f in admin.delete_topics(names).values():
            try:
                f.result()
            except Exception:
                pass


# ----------------------------------------------------------------------------- helpers

def data_records(path, op=None):
    """compare.Record list of a record file's data topics (prefix.db.table), optionally of
    one op, with identity (topic, key, op, None, occurrence): no binlog position, which
    differs between two snapshots (see the module doc)."""
    records = [r for r in compare.load_records(path) if r.topic.count(".") == 2 and (op is None or r.op == op)]
    seen = Counter()
    for r in records:
        key = json.dumps(r.key, sort_keys=True, separators=(",", ":")) if r.key_raw is not None else None
        base = (r.topic, key, r.op)
        r.identity = base + (None, seen[base])
        seen[base] += 1
    return records


def row_id(record):
    """(table, key json, occurrence): the same row in any run, whatever prefix or database."""
    table = record.payload["source"]["table"]
    return table, record.identity[1], record.identity[-1]


def compare_with(rules, reference_records, candidate_records):
    """compare.compare with `rules` added to compare.py's (module-level) list; the report
    and its text."""
    saved = list(compare.KNOWN_DIFFERENCES)
    compare.KNOWN_DIFFERENCES.extend(rules)
    try:
        report = compare.compare(reference_records, candidate_records)
        return report, report.format(100)
    finally:
        compare.KNOWN_DIFFERENCES[:] = saved


def raw_at(record, path):
    return dict(compare.flatten(record.value_raw)).get(path)


def column_of_schema_path(record, path):
    """For a path into the value schema's before/after struct (schema.fields.{0,1}.fields.N.x),
    that column's name; else None."""
    if len(path) >= 6 and path[:2] == ("schema", "fields") and path[2] in (0, 1) and path[3] == "fields":
        fields = json.loads(record.value_raw)["schema"]["fields"][path[2]]["fields"]
        return fields[path[4]]["field"]
    return None


def explain(diff, d_snap, t_snap, d_bin_by_row, envelope):
    """Why a difference between Debezium's and Tributary's `r` record is accepted, or None."""
    table = d_snap.payload["source"]["table"]
    path = tuple(int(p) if p.isdigit() else p for p in diff.path.split("."))
    after = ("payload", "after") if envelope else ("after",)
    if path[:-1] == after and (table, path[-1]) in DEBEZIUM_SNAPSHOT_QUIRKS:
        d_bin = d_bin_by_row.get(row_id(d_snap))  # schemas on
        if d_bin is not None and raw_at(d_bin, ("payload", "after", path[-1])) == diff.candidate:
            return f"{table}.{path[-1]}: Debezium's own binlog path writes {diff.candidate} too"
    column = column_of_schema_path(t_snap, path)
    if (table, column) in JSON_COLUMNS and path[-1] in ("name", "version") and diff.reference is None:
        if raw_at(t_snap, path[:-1] + ("name",)) == '"io.debezium.data.Json"':
            return f"{table}.{column}: MariaDB JSON column typed Json"
    return None


# ----------------------------------------------------------------------------- tests

@pytest.mark.parametrize("schemas", ["on", "off"])
def test_snapshot_rows_match_debezium(case, schemas):
    d_snap = data_records(case.debezium(schemas).path)
    t_snap = data_records(case.tributary(schemas))
    d_bin_by_row = {row_id(r): r for r in data_records(case.debezium("dbin").path, op="c")}
    assert len(d_snap) == case.rows == 38 and {r.op for r in d_snap} == {"r"}, Counter(r.op for r in d_snap)
    assert len(d_bin_by_row) == len(d_snap)
    report, text = compare_with(SNAPSHOT_RULES, d_snap, t_snap)
    assert report.matched == len(d_snap) and not report.missing and not report.extra, text
    assert not report.order, text
    unexplained, explained = [], Counter()
    for ref, cand, diffs in report.differing:
        for d in diffs:
            why = explain(d, ref, cand, d_bin_by_row, ref.envelope)
            if why is None:
                unexplained.append(f"{ref.describe()}: {d.part} {d.path}: Debezium {d.reference} | "
                                   f"Tributary {d.candidate}")
            else:
                explained[why] += 1
    print(f"\n{text}\nexplained:\n" + "\n".join(f"  {n}x {w}" for w, n in sorted(explained.items())))
    assert not unexplained, "\n".join(unexplained) + "\n\n" + text
    # Every documented quirk still shows (else docs/compatibility.md is out of date).
    seen = {w.split(":")[0] for w in explained}
    expected = {f"{t}.{c}" for t, c in DEBEZIUM_SNAPSHOT_QUIRKS}
    if schemas == "on":
        expected |= {f"{t}.{c}" for t, c in JSON_COLUMNS}
    assert seen == expected, (seen, expected)


@pytest.mark.parametrize("schemas", ["on"])
def test_snapshot_markers_are_debeziums(case, schemas):
    # Debezium's order (RelationalSnapshotChangeEventSource.setSnapshotMarker): last row of
    # the last table `last`, first row of the first table `first`, then a table's last row
    # `last_in_data_collection` before its first row `first_in_data_collection` (a
    # one-row table's row is last_in_data_collection), else `true`.
    d = [(row_id(r), r.payload["source"]["snapshot"]) for r in data_records(case.debezium(schemas).path)]
    t = [(row_id(r), r.payload["source"]["snapshot"]) for r in data_records(case.tributary(schemas))]
    assert Counter(m for _, m in d)["last"] == 1 and Counter(m for _, m in d)["first"] == 1
    by_row = dict(t)
    wrong = [f"{row}: Debezium {m} | Tributary {by_row.get(row)}" for row, m in d if by_row.get(row) != m]
    assert not wrong, "\n".join(wrong)


def test_snapshot_create_table_records_match_debezium(case):
    """The schema-change records a snapshot writes: Debezium's CREATE TABLE records equal
    Tributary's per table (the other statements Debezium records, SET / DROP TABLE IF
    EXISTS / DROP DATABASE IF EXISTS / USE, are documented in docs/compatibility.md)."""
    def creates(path):
        out = {}
        for r in compare.load_records(path):
            if r.topic.count(".") == 0 and r.payload["ddl"].startswith("CREATE TABLE"):
                r.identity = ("create", r.payload["source"]["table"], "schema-change", None, 0)
                out[r.payload["source"]["table"]] = r
        return out
    d, t = creates(case.debezium("on").path), creates(case.tributary("on"))
    # Tributary records the database and each table as the server shows them; Debezium
    # records its SET / DROP / USE statements around them too (docs/compatibility.md).
    ddl = [r.payload["ddl"] for r in compare.load_records(case.tributary("on")) if r.topic.count(".") == 0]
    assert ddl[0].startswith(f"CREATE DATABASE `{case.db}`") and len(ddl) == 1 + len(case.tables), ddl
    assert sorted(d) == sorted(t) == case.tables
    rules = [r for r in SNAPSHOT_RULES if r["path"][-1] != "snapshot"]
    report, text = compare_with(rules, list(d.values()), list(t.values()))
    problems = []
    for ref, cand, diffs in report.differing:
        for diff in diffs:
            table = ref.payload["source"]["table"]
            m = diff.path.split(".")[1:]  # after "payload"
            if (table == "jsongeo" and m[:4] == ["tableChanges", "0", "table", "columns"]
                    and ref.payload["tableChanges"][0]["table"]["columns"][int(m[4])]["name"] == "js"
                    and m[5] in ("jdbcType", "typeName", "typeExpression", "charsetName")):
                continue  # the MariaDB JSON column: Debezium LONGTEXT (12, utf8mb4), Tributary JSON (1111)
            problems.append(f"{table}: {diff.path}: Debezium {diff.reference} | Tributary {diff.candidate}")
    assert not problems, "\n".join(problems) + "\n\n" + text


def _after_parts(record):
    """What must be identical between a row's snapshot `r` and binlog `c` record: the raw
    text of every scalar of `after`, of the after-struct's Connect schema except its name,
    and of the key payload."""
    flat = compare.flatten(record.value_raw)
    after = [(p, v) for p, v in flat if p[:2] == ("payload", "after")]
    schema = [(p, v) for p, v in flat if p[:3] == ("schema", "fields", 1) and p != ("schema", "fields", 1, "name")]
    key = [(p, v) for p, v in compare.flatten(record.key_raw) if p[:1] == ("payload",)] if record.key_raw else []
    return after, schema, key


def test_snapshot_after_equals_binlog_after(case):
    t_snap = {row_id(r): r for r in data_records(case.tributary("on"))}
    t_bin = {row_id(r): r for r in data_records(case.tributary("tbin"), op="c")}
    assert len(t_snap) == 38 and set(t_bin) == set(t_snap), (sorted(set(t_snap) ^ set(t_bin)))
    differences = []
    columns = Counter()
    for row, snap in sorted(t_snap.items(), key=lambda kv: json.dumps(kv[0])):
        s_after, s_schema, s_key = _after_parts(snap)
        b_after, b_schema, b_key = _after_parts(t_bin[row])
        columns[row[0]] += len(s_after)
        for what, a, b in (("after", s_after, b_after), ("after schema", s_schema, b_schema), ("key", s_key, b_key)):
            if a != b:
                bd = dict(b)
                diff = [f"{'.'.join(map(str, p[2:]))}: r {v} | c {bd.get(p)}" for p, v in a if bd.get(p) != v]
                diff += [f"{'.'.join(map(str, p[2:]))}: r (absent) | c {v}" for p, v in b if p not in dict(a)]
                differences.append(f"{row[0]} key={row[1]} #{row[2]} {what}: " + "; ".join(diff[:6] or ["order"]))
    assert not differences, "\n".join(differences)
    assert len(columns) == len(case.tables) and sum(columns.values()) > 200, columns
