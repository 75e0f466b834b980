"""Schema tracking against the real MariaDB: a table altered between inserts (columns added
in the middle, dropped, retyped, renamed, recharset), online-schema-change renames, DROP +
CREATE with another shape, a table gaining a primary key; then the whole binlog decoded
from the start with `tributary binlog --track-schema`: every row must come out with the
columns and values of its own position (the "column count mismatch" and "shifted
columns" failures of other CDC tools), with binlog_row_metadata MINIMAL (names only from
the tracker) and FULL (names checked against it)."""

import json
import os
import subprocess
import uuid

import pymysql
import pytest

from conftest import env


def admin(db=None):
    return pymysql.connect(host="127.0.0.1", port=int(env("TRIBUTARY_MARIADB_PORT", "3306")),
                           user="admin", password=env("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                           database=db, autocommit=True, charset="utf8mb4")


def run_binlog(tributary_bin, *args, timeout=120):
    e = dict(os.environ, MYSQL_PWD=env("TRIBUTARY_CDC_PASSWORD", "cdc"))
    return subprocess.run([tributary_bin, "binlog", "--host", "127.0.0.1", "--port",
                           env("TRIBUTARY_MARIADB_PORT", "3306"), "--user", "cdc",
                           "--server-id", str(5000 + os.getpid() % 1000), *args],
                          capture_output=True, text=True, timeout=timeout, env=e)


def start_position(cur):
    cur.execute("FLUSH BINARY LOGS")
    cur.execute("SHOW MASTER STATUS")
    f, _ = cur.fetchone()[:2]
    return f"{f}:4"


def row_images(stdout, db):
    """(table, op, image) for every row of `db`, in binlog order."""
    out = []
    for line in stdout.splitlines():
        ev = json.loads(line)
        if ev.get("database") != db or "rows" not in ev:
            continue
        op = {"WRITE": "c", "UPDATE": "u", "DELETE": "d"}[ev["type"].split("_")[0]]
        for r in ev["rows"]:
            out.append((ev["table"], op, r.get("after", r.get("before"))))
    return out


@pytest.fixture(params=["MINIMAL", "FULL"])
def row_metadata(request):
    conn = admin()
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL binlog_row_metadata = %s", (request.param,))
    yield request.param
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
    conn.close()


# (statement, expected row images it logs: (table, op, {column: value}) in order)
def scenario():
    return [
        ("CREATE TABLE t (id INT UNSIGNED NOT NULL PRIMARY KEY, a VARCHAR(10) CHARACTER SET latin1, n INT)", []),
        ("INSERT INTO t VALUES (4294967295, 'café', -1)",
         [("t", "c", {"id": 4294967295, "a": "café", "n": -1})]),
        # A column added in the middle: rows after it have four columns, shifted.
        ("ALTER TABLE t ADD COLUMN m BIGINT UNSIGNED AFTER id", []),
        ("INSERT INTO t VALUES (1, 18446744073709551615, 'x', 2)",
         [("t", "c", {"id": 1, "m": 18446744073709551615, "a": "x", "n": 2})]),
        ("UPDATE t SET n = 5 WHERE id = 4294967295",
         [("t", "u", {"id": 4294967295, "m": None, "a": "café", "n": 5})]),
        # Drop a column, retype another (INT -> VARCHAR), rename, change charset.
        ("ALTER TABLE t DROP COLUMN a", []),
        ("INSERT INTO t VALUES (2, 7, 3)", [("t", "c", {"id": 2, "m": 7, "n": 3})]),
        ("ALTER TABLE t MODIFY n VARCHAR(20) CHARACTER SET ucs2", []),
        ("INSERT INTO t VALUES (3, 8, 'ñü')", [("t", "c", {"id": 3, "m": 8, "n": "ñü"})]),
        ("ALTER TABLE t CHANGE COLUMN n label VARCHAR(20) CHARACTER SET latin1, "
         "ADD COLUMN price DECIMAL(10,2) NOT NULL DEFAULT 0 FIRST", []),
        ("INSERT INTO t (id, m, label, price) VALUES (4, 9, 'ñ', -12.5)",
         [("t", "c", {"price": "-12.50", "id": 4, "m": 9, "label": "ñ"})]),
        ("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4", []),
        ("INSERT INTO t (id, m, label) VALUES (5, 10, '😀')",
         [("t", "c", {"price": "0.00", "id": 5, "m": 10, "label": "😀"})]),
        ("DELETE FROM t WHERE id = 1",
         [("t", "d", {"price": "0.00", "id": 1, "m": 18446744073709551615, "label": "2"})]),
        # gh-ost's dance: shadow table, altered, swapped in by one RENAME.
        ("CREATE TABLE `_t_gho` LIKE `t`", []),
        ("ALTER TABLE `_t_gho` ADD COLUMN note ENUM('a','b') NOT NULL DEFAULT 'b'", []),
        ("RENAME TABLE `t` TO `_t_del`, `_t_gho` TO `t`", []),
        ("DROP TABLE IF EXISTS `_t_del`", []),
        ("INSERT INTO t (id, m, label, note) VALUES (6, 11, 'g', 'a')",
         [("t", "c", {"price": "0.00", "id": 6, "m": 11, "label": "g", "note": "a"})]),
        # DROP + CREATE with another shape under the same name.
        ("DROP TABLE t", []),
        ("CREATE TABLE t (code CHAR(3) NOT NULL, qty SMALLINT UNSIGNED, at DATETIME(3))", []),
        ("INSERT INTO t VALUES ('abc', 65535, '2024-06-15 12:34:56.789')",
         [("t", "c", {"code": "abc", "qty": 65535, "at": "2024-06-15 12:34:56.789"})]),
        # A table without a primary key gains one.
        ("ALTER TABLE t ADD PRIMARY KEY (code)", []),
        ("UPDATE t SET qty = 1 WHERE code = 'abc'",
         [("t", "u", {"code": "abc", "qty": 1, "at": "2024-06-15 12:34:56.789"})]),
    ]


def test_every_row_decodes_with_the_schema_of_its_position(tributary_bin, row_metadata):
    db = f"track_{row_metadata.lower()}_{uuid.uuid4().hex[:6]}"
    conn = admin()
    with conn.cursor() as cur:
        start = start_position(cur)
        cur.execute(f"CREATE DATABASE {db}")
        cur.execute(f"USE {db}")
        expected = []
        for sql, rows in scenario():
            cur.execute(sql)
            expected.extend(rows)
    res = run_binlog(tributary_bin, "--from", start, "--track-schema", "--databases", db)
    assert res.returncode == 0, res.stderr
    got = row_images(res.stdout, db)
    assert [(t, op) for t, op, _ in got] == [(t, op) for t, op, _ in expected]
    for (_, _, image), (_, _, want) in zip(got, expected):
        assert list(image) == list(want)  # column names and order
        assert image == want
    # Without the tracker, MINIMAL metadata has no names: the test would be vacuous if
    # the server logged them anyway.
    if row_metadata == "MINIMAL":
        bare = run_binlog(tributary_bin, "--from", start)
        assert '"@1"' in bare.stdout
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE {db}")


def test_old_rows_read_with_a_later_schema_stop_with_the_difference(tributary_bin):
    """The classic failure: rows logged before an ALTER, decoded with today's schema."""
    db = f"track_stale_{uuid.uuid4().hex[:6]}"
    conn = admin()
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {db}")
        cur.execute(f"CREATE TABLE {db}.t (id INT PRIMARY KEY, qty INT)")
        start = start_position(cur)
        cur.execute(f"INSERT INTO {db}.t VALUES (1, 2)")
        cur.execute(f"ALTER TABLE {db}.t ADD COLUMN note VARCHAR(5) AFTER id")
    res = run_binlog(tributary_bin, "--from", start, "--track-schema", "--schema-from-server",
                     "--databases", db)
    assert res.returncode == 1
    assert f"`{db}`.`t`" in res.stderr
    assert "the binlog row has 2 columns, the schema has 3 (id, note, qty)" in res.stderr
    assert start.split(":")[0] in res.stderr  # the position
    # warn: decodes with the binlog's own metadata and says so; skip: drops the rows.
    res = run_binlog(tributary_bin, "--from", start, "--track-schema", "--schema-from-server",
                     "--databases", db, "--inconsistent-schema", "warn")
    assert res.returncode == 0, res.stderr
    assert "does not match the tracked schema" in res.stderr
    assert len(row_images(res.stdout, db)) == 1
    res = run_binlog(tributary_bin, "--from", start, "--track-schema", "--schema-from-server",
                     "--databases", db, "--inconsistent-schema", "skip")
    assert res.returncode == 0, res.stderr
    assert row_images(res.stdout, db) == []
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE {db}")


def test_schema_from_server_names_columns_of_minimal_metadata(tributary_bin):
    db = f"track_server_{uuid.uuid4().hex[:6]}"
    conn = admin()
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL binlog_row_metadata = 'MINIMAL'")
        try:
            cur.execute(f"CREATE DATABASE {db} CHARACTER SET latin1")
            cur.execute(f"CREATE TABLE {db}.t (id INT UNSIGNED PRIMARY KEY, s SET('x','y'), e ENUM('p','q'), txt TEXT)")
            start = start_position(cur)
            cur.execute(f"INSERT INTO {db}.t VALUES (7, 'x,y', 'q', 'déjà')")
        finally:
            cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
    res = run_binlog(tributary_bin, "--from", start, "--track-schema", "--schema-from-server",
                     "--databases", db)
    assert res.returncode == 0, res.stderr
    assert row_images(res.stdout, db) == [("t", "c", {"id": 7, "s": "x,y", "e": "q", "txt": "déjà"})]
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE {db}")


def test_restart_between_ddls_resumes_from_the_persisted_history(tributary_bin, tmp_path):
    """Decode, stop, alter, restart from where the first run ended: the second run gets
    the schema from the history file (Debezium history records), not from the server
    (whose current schema is two ALTERs further)."""
    db = f"track_restart_{uuid.uuid4().hex[:6]}"
    history = tmp_path / "history.jsonl"
    conn = admin()
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL binlog_row_metadata = 'MINIMAL'")
        try:
            start = start_position(cur)
            cur.execute(f"CREATE DATABASE {db}")
            cur.execute(f"CREATE TABLE {db}.t (id INT PRIMARY KEY, a INT UNSIGNED)")
            cur.execute(f"INSERT INTO {db}.t VALUES (1, 4294967295)")
            first = run_binlog(tributary_bin, "--from", start, "--track-schema", "--databases", db,
                               "--schema-history", str(history))
            assert first.returncode == 0, first.stderr
            cur.execute("SHOW MASTER STATUS")
            f, p = cur.fetchone()[:2]
            resume = f"{f}:{p}"
            cur.execute(f"INSERT INTO {db}.t VALUES (2, 5)")
            cur.execute(f"ALTER TABLE {db}.t ADD COLUMN b VARCHAR(3) FIRST")
            cur.execute(f"INSERT INTO {db}.t VALUES ('x', 3, 6)")
            cur.execute(f"ALTER TABLE {db}.t DROP COLUMN a")
            cur.execute(f"INSERT INTO {db}.t VALUES ('y', 4)")
        finally:
            cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
    assert row_images(first.stdout, db) == [("t", "c", {"id": 1, "a": 4294967295})]
    records = [json.loads(line) for line in history.read_text().splitlines()]
    assert [r["ddl"].split()[0] for r in records] == ["CREATE", "CREATE"]
    assert records[1]["tableChanges"][0]["type"] == "CREATE"
    assert records[1]["tableChanges"][0]["id"] == f'"{db}"."t"'
    assert records[1]["position"]["file"] == start.split(":")[0]

    second = run_binlog(tributary_bin, "--from", resume, "--track-schema", "--databases", db,
                        "--schema-history", str(history))
    assert second.returncode == 0, second.stderr
    assert row_images(second.stdout, db) == [
        ("t", "c", {"id": 2, "a": 5}),
        ("t", "c", {"b": "x", "id": 3, "a": 6}),
        ("t", "c", {"b": "y", "id": 4}),
    ]
    assert len(history.read_text().splitlines()) == 4  # the two ALTERs were appended
    # A third run from the first position replays only what precedes it.
    third = run_binlog(tributary_bin, "--from", resume, "--track-schema", "--databases", db,
                       "--schema-history", str(history))
    assert third.returncode == 0, third.stderr
    assert row_images(third.stdout, db) == row_images(second.stdout, db)
    assert len(history.read_text().splitlines()) == 4  # nothing recorded twice
    with admin().cursor() as cur:
        cur.execute(f"DROP DATABASE {db}")


def test_a_damaged_history_stops_with_where(tributary_bin, tmp_path):
    history = tmp_path / "history.jsonl"
    history.write_text('{"source":{"server":"x"},"position":{"file":"f.000001","pos":4},"ddl":"CREATE TABLE"}\nnot json\n')
    res = run_binlog(tributary_bin, "--track-schema", "--schema-history", str(history))
    assert res.returncode == 1
    assert "line" in res.stderr and str(history) in res.stderr
