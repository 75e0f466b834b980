#!/usr/bin/env python3
"""How fast real Debezium streams a binlog backlog of single-row transactions: the
baseline of the issue 5 benchmark ratio (bench/e2e/ can call run_backlog()).

Builds a backlog of N single-row INSERT transactions (a stored procedure, one commit per
row) in a fresh database of the test MariaDB, then runs tests/compat/run_debezium.sh from
the position before it, once per converter setting (schemas.enable true / false), writing to
/dev/null, and prints events/s measured from the moment the engine starts polling to the
last record (JVM and connector start-up reported separately).

    $(scripts/python-env.sh)/bin/python tests/compat/bench_debezium.py [--rows 100000]
"""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time
import uuid

import pymysql

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import reference  # noqa: E402


def admin():
    return pymysql.connect(host=os.environ.get("TRIBUTARY_MARIADB_HOST", "127.0.0.1"),
                           port=int(os.environ.get("TRIBUTARY_MARIADB_PORT", "3306")), user="admin",
                           password=os.environ.get("TRIBUTARY_ADMIN_PASSWORD", "admin"), autocommit=True)


def build_backlog(cur, db, rows):
    """N single-row transactions into db.bench; returns (start position, seconds)."""
    start = reference.binlog_position(cur)
    t = time.monotonic()
    cur.execute(f"CREATE DATABASE {db}")
    cur.execute(f"USE {db}")
    cur.execute("CREATE TABLE bench (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), c DOUBLE, "
                "d DATETIME(3), e DECIMAL(10,2))")
    cur.execute("""CREATE PROCEDURE fill(n INT)
        BEGIN
          DECLARE i INT DEFAULT 0;
          WHILE i < n DO
            INSERT INTO bench VALUES (i, i * 7, CONCAT('row ', i), i / 3, '2024-01-01 00:00:00.123', i / 100);
            SET i = i + 1;
          END WHILE;
        END""")
    cur.execute("CALL fill(%s)", (rows,))
    return start, time.monotonic() - t


def config_file(db, schemas_enable, workdir):
    extra = {} if schemas_enable else {f"{s}.converter.schemas.enable": "false" for s in ("key", "value")}
    config = reference.connector_config(name=f"{db}-bench", prefix=db, database=db,
                                        server_id=6000 + os.getpid() % 1000, config=extra,
                                        password=os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc"))
    path = pathlib.Path(workdir) / f"bench-{'on' if schemas_enable else 'off'}.json"
    path.write_text(json.dumps(config))
    return path


def run_backlog(config_path, start):
    """Debezium from `start` until 5 s without records, output discarded: its timing dict."""
    args = [str(reference.RUNNER), str(config_path), "/dev/null", "--idle-seconds", "5",
            "--start-position", f"{start['file']}:{start['pos']}"]
    if start.get("gtids"):
        args += ["--start-gtids", start["gtids"]]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(re.search(r"debezium-runner: timing (\{.*\})", proc.stderr).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--keep", action="store_true", help="keep the database")
    args = ap.parse_args()
    db = f"dbzbench_{uuid.uuid4().hex[:8]}"
    conn = admin()
    cur = conn.cursor()
    try:
        start, seconds = build_backlog(cur, db, args.rows)
        print(f"backlog: {args.rows} single-row transactions in {seconds:.1f} s ({start['file']}:{start['pos']})")
        print(f"{'schemas.enable':>14} {'records':>8} {'startup s':>9} {'stream s':>8} {'events/s':>9} {'wall s':>7}")
        with tempfile.TemporaryDirectory() as workdir:
            for schemas in (False, True):
                t = time.monotonic()
                timing = run_backlog(config_file(db, schemas, workdir), start)
                wall = time.monotonic() - t
                print(f"{str(schemas).lower():>14} {timing['records']:>8} {timing['startup_s']:>9.2f} "
                      f"{timing['polling_to_last_s']:>8.2f} {timing['records_per_s']:>9.0f} {wall:>7.1f}")
    finally:
        if not args.keep:
            cur.execute(f"DROP DATABASE IF EXISTS {db}")
        conn.close()


if __name__ == "__main__":
    main()
