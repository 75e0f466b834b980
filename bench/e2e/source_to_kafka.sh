#!/usr/bin/env bash
# Source connector throughput: a binlog backlog on the test MariaDB streamed into Kafka.
#
#   bench/e2e/source_to_kafka.sh [--rows N] [--txns M] [--bin PATH] [--debezium]
#
# Builds, in its own database, a backlog of N wide-row inserts (10 000-row transactions,
# default 1 000 000) and M single-row transactions (default 500 000), then runs
# `tributary run` from just before the backlog until the stored source offset (written only
# for acknowledged events) passes its end, once with schemas.enable=false and once with
# true. Prints events/s, CPU seconds and peak RSS of the connector process per run.
#
# The connectors are bootstrapped (snapshot.mode=no_data, offsets and history in files)
# before the backlog is written, so both start at the same binlog position.
# --debezium: hook for the real-Debezium comparison (tests/compat/, another tool): when
# tests/compat/run_debezium_bench.sh exists it is called with the database, the start
# position and the expected event count, and its line is printed beside ours.
#
# Needs the services (scripts/services.sh start) and a built tributary (default
# build/rel/src/cli/tributary). Uses the shared MariaDB and Kafka: its own database
# bench_src_<pid> and topic prefix, removed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROWS=1000000
TXNS=500000
BIN="${TRIBUTARY_BIN:-$ROOT/build/rel/src/cli/tributary}"
DEBEZIUM=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --txns) TXNS="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --debezium) DEBEZIUM=1; shift ;;
    *) echo "usage: $0 [--rows N] [--txns M] [--bin PATH] [--debezium]" >&2; exit 2 ;;
  esac
done
[ -x "$BIN" ] || { echo "tributary not built: $BIN" >&2; exit 2; }
# shellcheck disable=SC1091
source "$ROOT/build/services/env.sh"
PY="$("$ROOT/scripts/python-env.sh")/bin/python"
export ROOT ROWS TXNS BIN DEBEZIUM
exec "$PY" - <<'PYEOF'
import json, os, pathlib, signal, subprocess, sys, tempfile, time
import pymysql
from confluent_kafka.admin import AdminClient

ROOT = pathlib.Path(os.environ["ROOT"])
ROWS, TXNS, BIN = int(os.environ["ROWS"]), int(os.environ["TXNS"]), os.environ["BIN"]
DB = f"bench_src_{os.getpid()}"
BOOT = os.environ.get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
work = pathlib.Path(tempfile.mkdtemp(prefix="tributary-bench-src-"))


def sql(stmts, db=None):
    c = pymysql.connect(host="127.0.0.1", port=int(os.environ.get("TRIBUTARY_MARIADB_PORT", 3306)),
                        user="admin", password=os.environ.get("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                        database=db, autocommit=True)
    out = None
    with c.cursor() as cur:
        for s in stmts:
            cur.execute(s)
            out = cur.fetchall()
    c.close()
    return out


def config(mode):
    prefix = f"{DB}_{mode}"
    return prefix, {
        "name": prefix,
        "config": {
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "database.hostname": "127.0.0.1", "database.port": os.environ.get("TRIBUTARY_MARIADB_PORT", "3306"),
            "database.user": "cdc", "database.password": os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc"),
            "database.server.id": str(700000 + os.getpid() % 100000 + (1 if mode == "on" else 0)),
            "topic.prefix": prefix, "database.include.list": DB,
            "bootstrap.servers": BOOT, "snapshot.mode": "no_data",
            "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
            "schema.history.internal.file.filename": str(work / f"{prefix}.history"),
            "offset.storage.file.filename": str(work / f"{prefix}.offsets"),
            "offset.flush.interval.ms": "200",
            "key.converter.schemas.enable": "true" if mode == "on" else "false",
            "value.converter.schemas.enable": "true" if mode == "on" else "false",
            "producer.override.linger.ms": "20",
            "producer.override.compression.type": "lz4",
        }}


def start(prefix, cfg):
    path = work / f"{prefix}.json"
    path.write_text(json.dumps(cfg))
    err = open(work / f"{prefix}.err", "a")
    return subprocess.Popen([BIN, "run", str(path)], stdout=subprocess.DEVNULL, stderr=err)


def wait_log(prefix, text, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in (work / f"{prefix}.err").read_text():
            return
        if proc.poll() is not None:
            sys.exit(f"connector failed:\n{(work / f'{prefix}.err').read_text()[-3000:]}")
        time.sleep(0.1)
    sys.exit(f"timeout waiting for '{text}'")


def stored_offset(prefix):
    p = work / f"{prefix}.offsets"
    if not p.exists():
        return None
    try:
        data = json.loads(p.read_text())
    except ValueError:
        return None
    return next(iter(data.values()), None)


def file_no(name):
    return int(name.rsplit(".", 1)[1])


def passed(off, end):
    return off is not None and (file_no(off["file"]), off["pos"]) >= (file_no(end[0]), end[1])


def proc_stats(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / tck
    hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return cpu, hwm


try:
    sql([f"CREATE DATABASE {DB}"])
    sql(["CREATE TABLE wide (id BIGINT PRIMARY KEY, a INT, b BIGINT, c VARCHAR(64), d DECIMAL(12,2),"
         " e DATETIME(3), f DOUBLE, g VARCHAR(255), h TINYINT, i DATE, j CHAR(10), k TEXT)",
         "CREATE TABLE narrow (id BIGINT PRIMARY KEY, v INT, note VARCHAR(32))"], db=DB)
    modes = ["off", "on"]
    # Bootstrap both connectors at the current end, then stop them (offsets stored).
    for mode in modes:
        prefix, cfg = config(mode)
        p = start(prefix, cfg)
        wait_log(prefix, "streaming ", p)
        p.send_signal(signal.SIGTERM)
        p.wait(60)
    t0 = time.time()
    step = 10000
    for lo in range(1, ROWS + 1, step):
        hi = min(ROWS, lo + step - 1)
        sql([f"INSERT INTO wide SELECT seq, seq % 1000, seq * 7, CONCAT('name-', seq), seq / 100,"
             f" '2024-01-02 03:04:05.678', seq / 3, REPEAT('x', 100), seq % 100, '2024-02-29',"
             f" 'fixed', 'some longer text value' FROM seq_{lo}_to_{hi}"], db=DB)
    sql(["CREATE PROCEDURE fill(n INT) BEGIN DECLARE i INT DEFAULT 0; "
         "WHILE i < n DO INSERT INTO narrow VALUES (i, i % 97, 'single'); SET i = i + 1; END WHILE; END",
         f"CALL fill({TXNS})"], db=DB)
    end_row = sql(["SHOW MASTER STATUS"])[0]
    end = (end_row[0], int(end_row[1]))
    events = ROWS + TXNS
    print(f"backlog: {ROWS} wide rows in {ROWS // step} transactions + {TXNS} single-row "
          f"transactions written in {time.time() - t0:.1f} s; binlog end {end[0]}:{end[1]}")
    results = []
    for mode in modes:
        prefix, cfg = config(mode)
        p = start(prefix, cfg)
        t = time.time()
        cpu = hwm = 0.0
        while not passed(stored_offset(prefix), end):
            if p.poll() is not None:
                sys.exit(f"connector failed:\n{(work / f'{prefix}.err').read_text()[-3000:]}")
            cpu, hwm = proc_stats(p.pid)
            time.sleep(0.05)
        elapsed = time.time() - t
        cpu, hwm = proc_stats(p.pid)
        p.send_signal(signal.SIGTERM)
        p.wait(60)
        results.append((mode, elapsed, cpu, hwm))
    print(f"{'schemas.enable':<15}{'events':>10}{'seconds':>10}{'events/s':>12}{'CPU s':>8}{'peak RSS MB':>13}")
    for mode, elapsed, cpu, hwm in results:
        print(f"{('false' if mode == 'off' else 'true'):<15}{events:>10}{elapsed:>10.2f}"
              f"{events / elapsed:>12.0f}{cpu:>8.2f}{hwm:>13.1f}")
    if os.environ.get("DEBEZIUM") == "1":
        hook = ROOT / "tests" / "compat" / "run_debezium_bench.sh"
        if hook.exists():
            r = subprocess.run([str(hook), DB, f"{end[0]}", str(events)], capture_output=True, text=True)
            print("debezium:", r.stdout.strip() or r.stderr.strip())
        else:
            print("debezium: tests/compat/run_debezium_bench.sh not present (comparison not run)")
finally:
    try:
        sql([f"DROP DATABASE IF EXISTS {DB}"])
        a = AdminClient({"bootstrap.servers": BOOT})
        names = [t for t in a.list_topics(timeout=10).topics if t.startswith(DB)]
        if names:
            for f in a.delete_topics(names).values():
                try:
                    f.result()
                except Exception:
                    pass
    except Exception as e:  # noqa: BLE001
        print("cleanup:", e, file=sys.stderr)
PYEOF
