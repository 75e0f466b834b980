#!/usr/bin/env bash
# Source connector throughput: a binlog backlog on the test MariaDB streamed into Kafka.
#
#   bench/e2e/source_to_kafka.sh [--rows N] [--txns M] [--bin PATH]... [--modes off,on]
#                                [--repeat R] [--keep | --reuse DIR] [--perf DIR]
#                                [--debezium] [--debezium-embedded]
#
# Builds, in its own database, a backlog of N wide-row inserts (10 000-row transactions,
# default 1 000 000) and M single-row transactions (default 500 000), then runs
# `tributary run` from just before the backlog until the stored source offset (written only
# for acknowledged events) passes its end, with schemas.enable=false and true. Prints
# events/s, CPU seconds and peak RSS of the connector process per run.
#
# Several --bin: each binary runs on the same backlog, interleaved (bin1 off, bin2 off, bin1
# on, ...; --repeat R rounds), and the table gives each run's events/s as a ratio of the
# first binary's in the same round: compare binaries only within one run of this script,
# the machine is shared.
#
# The connector is bootstrapped once (snapshot.mode=no_data, offsets and history in files)
# before the backlog is written; every run starts from a copy of that offset and history
# under its own topic prefix and server id, so runs are independent.
# --keep: leave the database and the work directory (printed) for later --reuse DIR runs,
# which skip writing the backlog. --perf DIR: record each run with `perf record -g` into
# DIR/<run>.data (CPU and RSS columns are then perf's, not the connector's).
# --debezium: then runs real Debezium 3.5 as users deploy it, on the same backlog from the
# same start position, per mode: its MariaDB connector on a Kafka Connect 4.1.1 standalone
# worker (tests/compat/run_connect.sh, connect_bench.py: the worker's default producer
# settings, acks=all; JsonConverter; offsets in a file; Kafka schema history) producing to
# the same broker, timed from its first record in Kafka until every event of the backlog is
# (topic end offsets read by an independent client), with the JVM's CPU seconds and peak
# RSS; prints both sides with the ratios of events/s and of CPU per event (the last
# binary's best run of the invocation against Debezium).
# --debezium-embedded: the same with Debezium's embedded engine and the JsonConverter writing
# to /dev/null, no Kafka in its loop (tests/compat/run_debezium.sh). Both need a backlog
# made by this version of the script.
#
# Needs the services (scripts/services.sh start) and a built tributary (default
# build/rel/src/cli/tributary). Uses the shared MariaDB and Kafka: its own database
# bench_src_<pid> and topic prefixes, removed at the end (unless --keep).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROWS=1000000
TXNS=500000
BINS=()
MODES="off,on"
REPEAT=1
KEEP=0
REUSE=""
PERF=""
DEBEZIUM=0
DEBEZIUM_EMBEDDED=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --txns) TXNS="$2"; shift 2 ;;
    --bin) BINS+=("$2"); shift 2 ;;
    --modes) MODES="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --reuse) REUSE="$2"; shift 2 ;;
    --perf) PERF="$2"; shift 2 ;;
    --debezium) DEBEZIUM=1; shift ;;
    --debezium-embedded) DEBEZIUM_EMBEDDED=1; shift ;;
    *) echo "usage: $0 [--rows N] [--txns M] [--bin PATH]... [--modes off,on] [--repeat R] [--keep | --reuse DIR] [--perf DIR] [--debezium] [--debezium-embedded]" >&2; exit 2 ;;
  esac
done
[ ${#BINS[@]} -gt 0 ] || BINS=("${TRIBUTARY_BIN:-$ROOT/build/rel/src/cli/tributary}")
for b in "${BINS[@]}"; do [ -x "$b" ] || { echo "tributary not built: $b" >&2; exit 2; }; done
# shellcheck disable=SC1091
source "$ROOT/build/services/env.sh"
PY="$("$ROOT/scripts/python-env.sh")/bin/python"
BINS_JOINED="$(printf '%s\n' "${BINS[@]}")"
export ROOT ROWS TXNS BINS_JOINED MODES REPEAT KEEP REUSE PERF DEBEZIUM DEBEZIUM_EMBEDDED
exec "$PY" - <<'PYEOF'
import json, os, pathlib, shutil, signal, subprocess, sys, tempfile, time
import pymysql
from confluent_kafka.admin import AdminClient

ROOT = pathlib.Path(os.environ["ROOT"])
ROWS, TXNS = int(os.environ["ROWS"]), int(os.environ["TXNS"])
BINS = [b for b in os.environ["BINS_JOINED"].split("\n") if b]
MODES = [m for m in os.environ["MODES"].split(",") if m]
REPEAT, KEEP, REUSE, PERF = int(os.environ["REPEAT"]), os.environ["KEEP"] == "1", os.environ["REUSE"], os.environ["PERF"]
BOOT = os.environ.get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
PORT = int(os.environ.get("TRIBUTARY_MARIADB_PORT", 3306))
if REUSE:
    work = pathlib.Path(REUSE)
    meta = json.loads((work / "backlog.json").read_text())
    DB, ROWS, TXNS, end = meta["db"], meta["rows"], meta["txns"], tuple(meta["end"])
else:
    work = pathlib.Path(tempfile.mkdtemp(prefix="tributary-bench-src-"))
    DB = f"bench_src_{os.getpid()}"
    end = None
TEMPLATE = f"{DB}_template"
admin = AdminClient({"bootstrap.servers": BOOT})


def sql(stmts, db=None):
    c = pymysql.connect(host="127.0.0.1", port=PORT, user="admin",
                        password=os.environ.get("TRIBUTARY_ADMIN_PASSWORD", "admin"),
                        database=db, autocommit=True)
    out = None
    with c.cursor() as cur:
        for s in stmts:
            cur.execute(s)
            out = cur.fetchall()
    c.close()
    return out


def config(prefix, schemas, server_id):
    return {
        "name": prefix,
        "config": {
            "connector.class": "io.debezium.connector.mysql.MySqlConnector",
            "database.hostname": "127.0.0.1", "database.port": str(PORT),
            "database.user": "cdc", "database.password": os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc"),
            "database.server.id": str(server_id),
            "topic.prefix": prefix, "database.include.list": DB,
            "bootstrap.servers": BOOT, "snapshot.mode": "no_data",
            "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
            "schema.history.internal.file.filename": str(work / f"{prefix}.history"),
            "offset.storage.file.filename": str(work / f"{prefix}.offsets"),
            "offset.flush.interval.ms": "200",
            "key.converter.schemas.enable": "true" if schemas else "false",
            "value.converter.schemas.enable": "true" if schemas else "false",
        }}


def start(prefix, cfg, bin_path, perf_out=None):
    path = work / f"{prefix}.json"
    path.write_text(json.dumps(cfg))
    err = open(work / f"{prefix}.err", "a")
    cmd = [bin_path, "run", str(path)]
    if perf_out:
        cmd = ["perf", "record", "-F", "299", "--call-graph", os.environ.get("PERF_CALLGRAPH", "dwarf,16384"), "-o", str(perf_out), "--"] + cmd
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)


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


def drop_topics(prefix):
    try:
        names = [t for t in admin.list_topics(timeout=10).topics if t.startswith(prefix)]
        if names:
            for f in admin.delete_topics(names).values():
                try:
                    f.result()
                except Exception:
                    pass
    except Exception as e:  # noqa: BLE001
        print("cleanup:", e, file=sys.stderr)


def run_once(prefix, schemas, bin_path, server_id):
    # The bootstrapped offset and history, under this run's prefix.
    for ext in ("offsets", "history"):
        text = (work / f"{TEMPLATE}.{ext}.start").read_text()
        (work / f"{prefix}.{ext}").write_text(text.replace(TEMPLATE, prefix))
    perf_out = None
    if PERF:
        pathlib.Path(PERF).mkdir(parents=True, exist_ok=True)
        perf_out = pathlib.Path(PERF) / f"{prefix}.data"
    p = start(prefix, config(prefix, schemas, server_id), bin_path, perf_out)
    t = time.time()
    cpu = hwm = 0.0
    while not passed(stored_offset(prefix), end):
        if p.poll() is not None:
            sys.exit(f"connector failed:\n{(work / f'{prefix}.err').read_text()[-3000:]}")
        cpu, hwm = proc_stats(p.pid)
        time.sleep(0.05)
    elapsed = time.time() - t
    cpu, hwm = proc_stats(p.pid)
    p.send_signal(signal.SIGINT if perf_out else signal.SIGTERM)
    if perf_out:  # perf forwards SIGINT to the connector and writes its file
        time.sleep(0.5)
        for child in subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split():
            os.kill(int(child), signal.SIGTERM)
    p.wait(60)
    drop_topics(prefix)
    return elapsed, cpu, hwm


def backlog_start():
    """Where the backlog starts (binlog_position's dict), or None for an older backlog."""
    meta = json.loads((work / "backlog.json").read_text())
    if "start" not in meta:
        print("debezium: this backlog has no recorded start position (made by an older script)")
        return None
    gtids, status = meta["start"]
    return {"file": status[0], "pos": int(status[1]), "gtids": gtids}


# The backlog's binlog window holds whatever else ran on the shared server meanwhile, e.g.
# the compat data set's CREATE TABLE with MariaDB's UUID/INET4/INET6 types, which Debezium
# 3.5's DDL parser refuses (and stops) although the table is not captured.
SHARED_SERVER = {"schema.history.internal.skip.unparseable.ddl": "true"}


def debezium_connect(results, events):
    """Real Debezium as deployed: its MariaDB connector on a Kafka Connect standalone worker
    producing to the same broker (tests/compat/connect_bench.py), from the same start, per
    mode. Debezium's events/s run from its first record in Kafka to the last; its CPU is the
    JVM's over that window (and over its whole life). Ratios against the last binary's best
    run of this invocation (events/s, and CPU per event)."""
    start = backlog_start()
    if start is None:
        return
    sys.path.insert(0, str(ROOT / "tests" / "compat"))
    import connect_bench, reference  # noqa: E402
    rows = []
    for mode in MODES:
        prefix = f"dbzbench-{DB}-{mode}-{int(time.time()) % 100000}"
        cfg = reference.connector_config(name=prefix, prefix=prefix, database=DB,
                                         server_id=900000 + (os.getpid() * 4 + len(rows)) % 90000,
                                         password=os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc"),
                                         port=PORT, config=SHARED_SERVER)
        t = connect_bench.run_connect(cfg, work=work / "connect", schemas=(mode == "on"), expected=events,
                                      topics=[f"{prefix}.{DB}.wide", f"{prefix}.{DB}.narrow"], start=start)
        rows.append((mode, t))
    print("Debezium 3.5 MariaDB connector on Kafka Connect 4.1.1 (standalone worker, default producer: "
          "acks=all), same backlog, same broker; Tributary = last binary's best run above")
    print(f"{'schemas.enable':<16}{'side':<11}{'records':>9}{'seconds':>9}{'events/s':>11}{'CPU s':>8}"
          f"{'µs CPU/event':>14}{'peak RSS MB':>13}")
    for mode, t in rows:
        best = min((r for r in results if r[1] == mode and r[2] == len(BINS) - 1), key=lambda r: r[3])
        ours_rate, ours_cpu_ev = events / best[3], best[4] / events * 1e6
        dbz_cpu_ev = t["cpu_window_s"] / t["records"] * 1e6
        flag = "false" if mode == "off" else "true"
        print(f"{flag:<16}{'tributary':<11}{events:>9}{best[3]:>9.2f}{ours_rate:>11.0f}{best[4]:>8.2f}"
              f"{ours_cpu_ev:>14.2f}{best[5]:>13.1f}")
        print(f"{'':<16}{'debezium':<11}{t['records']:>9}{t['first_to_last_s']:>9.2f}{t['records_per_s']:>11.0f}"
              f"{t['cpu_window_s']:>8.2f}{dbz_cpu_ev:>14.2f}{t['peak_rss_mb']:>13.1f}"
              f"   (JVM start to first record {t['jvm_start_to_first_s']:.1f} s, JVM CPU in all {t['cpu_s']:.1f} s)")
        print(f"{'':<16}{'ratio':<11}{'':>9}{'':>9}{ours_rate / t['records_per_s']:>10.1f}x{'':>8}"
              f"{dbz_cpu_ev / ours_cpu_ev:>13.1f}x   (tributary / debezium: events/s; debezium / tributary: CPU per event)")


def debezium_embedded(results, events):
    """Real Debezium (tests/compat: embedded engine + JsonConverter, records to /dev/null, no
    Kafka in its loop) on the same backlog from the same start, per mode; the ratio is the
    last binary's best events/s over Debezium's (from the engine's start of polling to its
    last record)."""
    start = backlog_start()
    if start is None:
        return
    sys.path.insert(0, str(ROOT / "tests" / "compat"))
    import bench_debezium, reference  # noqa: E402
    print(f"{'embedded':<12}{'schemas.enable':<16}{'records':>9}{'seconds':>9}{'events/s':>11}"
          f"{'tributary/debezium':>20}")
    for mode in MODES:
        extra = dict(SHARED_SERVER)
        if mode == "off":
            extra.update({f"{k}.converter.schemas.enable": "false" for k in ("key", "value")})
        cfg = reference.connector_config(name=f"{DB}-dbz-{mode}", prefix=f"{DB}dbz{mode}", database=DB,
                                         server_id=800000 + os.getpid() % 100000, config=extra,
                                         password=os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc"),
                                         port=PORT)
        path = work / f"debezium-{mode}.json"
        path.write_text(json.dumps(cfg))
        timing = bench_debezium.run_backlog(path, start)
        ours = max(events / r[3] for r in results if r[1] == mode and r[2] == len(BINS) - 1)
        rate = timing["records_per_s"]
        print(f"{'':<12}{('false' if mode == 'off' else 'true'):<16}{timing['records']:>9}"
              f"{timing['polling_to_last_s']:>9.2f}{rate:>11.0f}{ours / rate:>19.1f}x")
        if timing["records"] != events:
            print(f"  (Debezium emitted {timing['records']} records for {events} events)")


try:
    if not REUSE:
        # Where Debezium (--debezium) starts: before the tables exist, so their DDL is in
        # what it reads (streaming only, it has no other source of their schema).
        start_row = [sql(["SELECT @@gtid_binlog_pos"])[0][0], list(sql(["SHOW MASTER STATUS"])[0][:2])]
        sql([f"CREATE DATABASE {DB}"])
        sql(["CREATE TABLE wide (id BIGINT PRIMARY KEY, a INT, b BIGINT, c VARCHAR(64), d DECIMAL(12,2),"
             " e DATETIME(3), f DOUBLE, g VARCHAR(255), h TINYINT, i DATE, j CHAR(10), k TEXT)",
             "CREATE TABLE narrow (id BIGINT PRIMARY KEY, v INT, note VARCHAR(32))"], db=DB)
        # Bootstrap a template connector at the current end, then stop it (offsets stored).
        p = start(TEMPLATE, config(TEMPLATE, False, 700000 + os.getpid() % 100000), BINS[0])
        wait_log(TEMPLATE, "streaming ", p)
        p.send_signal(signal.SIGTERM)
        p.wait(60)
        for ext in ("offsets", "history"):
            shutil.copy(work / f"{TEMPLATE}.{ext}", work / f"{TEMPLATE}.{ext}.start")
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
        (work / "backlog.json").write_text(json.dumps({"db": DB, "rows": ROWS, "txns": TXNS, "end": list(end),
                                                       "start": start_row}))
        print(f"backlog: {ROWS} wide rows in {ROWS // step} transactions + {TXNS} single-row "
              f"transactions written in {time.time() - t0:.1f} s; binlog end {end[0]}:{end[1]}")
    events = ROWS + TXNS
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    results = []  # (round, mode, bin index, elapsed, cpu, hwm)
    run_no = 0
    for rnd in range(REPEAT):
        for mode in MODES:
            for bi, bin_path in enumerate(BINS):
                run_no += 1
                prefix = f"{DB}_{int(time.time()) % 100000}_{run_no}"
                server_id = 800000 + (os.getpid() * 16 + run_no) % 1000000
                elapsed, cpu, hwm = run_once(prefix, mode == "on", bin_path, server_id)
                results.append((rnd, mode, bi, elapsed, cpu, hwm))
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[0]
    print(f"{events} events per run; load average {load_before} before, {load_after} after")
    for bi, b in enumerate(BINS):
        print(f"  bin{bi}: {b}")
    print(f"{'run':<6}{'bin':<6}{'schemas.enable':<16}{'seconds':>9}{'events/s':>11}{'ratio':>7}"
          f"{'CPU s':>8}{'peak RSS MB':>13}")
    for rnd, mode, bi, elapsed, cpu, hwm in results:
        base = next(r for r in results if r[0] == rnd and r[1] == mode and r[2] == 0)
        print(f"{rnd + 1:<6}{'bin' + str(bi):<6}{('false' if mode == 'off' else 'true'):<16}{elapsed:>9.2f}"
              f"{events / elapsed:>11.0f}{base[3] / elapsed:>7.2f}{cpu:>8.2f}{hwm:>13.1f}")
    if os.environ.get("DEBEZIUM") == "1":
        debezium_connect(results, events)
    if os.environ.get("DEBEZIUM_EMBEDDED") == "1":
        debezium_embedded(results, events)
finally:
    if KEEP or REUSE:
        print(f"backlog kept: database {DB}; rerun with --reuse {work}")
    else:
        try:
            sql([f"DROP DATABASE IF EXISTS {DB}"])
            drop_topics(DB)
        except Exception as e:  # noqa: BLE001
            print("cleanup:", e, file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
PYEOF
