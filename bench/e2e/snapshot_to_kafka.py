"""The body of bench/e2e/snapshot_to_kafka.sh (see there): table generator, raw read rate,
tributary initial_only snapshot, optional real-Debezium runs (Kafka Connect to Kafka, and the
embedded engine to /dev/null), ratios."""

import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pymysql
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = os.environ.get("TRIBUTARY_MARIADB_HOST", "127.0.0.1")
PORT = int(os.environ.get("TRIBUTARY_MARIADB_PORT", "3306"))
ADMIN_PW = os.environ.get("TRIBUTARY_ADMIN_PASSWORD", "admin")
CDC_PW = os.environ.get("TRIBUTARY_CDC_PASSWORD", "cdc")
BOOT = os.environ.get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")

TABLE_DDL = ("CREATE TABLE t (id BIGINT PRIMARY KEY, a INT NOT NULL, b BIGINT, c VARCHAR(64),"
             " d DECIMAL(12,2), e DATETIME(3), f DOUBLE, g VARCHAR(255), h TINYINT, i DATE,"
             " j CHAR(10))")
# About 170 bytes per row as SELECT prints it.
TABLE_FILL = ("INSERT INTO t SELECT seq, seq % 100000, seq * 7919, CONCAT('customer-', seq),"
              " (seq % 1000000) / 100, '2024-01-02 03:04:05.678' + INTERVAL seq SECOND, seq / 7,"
              " REPEAT(CHAR(97 + seq % 26), 60 + seq % 40), seq % 128, '2000-01-01' + INTERVAL"
              " (seq % 9000) DAY, 'fixed' FROM seq_{lo}_to_{hi}")


def sql(stmts, db=None):
    c = pymysql.connect(host=HOST, port=PORT, user="admin", password=ADMIN_PW, database=db,
                        autocommit=True)
    out = None
    try:
        with c.cursor() as cur:
            for s in stmts:
                cur.execute(s)
                out = cur.fetchall()
    finally:
        c.close()
    return out


def build_table(db, rows):
    t = time.monotonic()
    sql([f"CREATE DATABASE {db}"])
    sql([TABLE_DDL], db=db)
    step = 250000
    for lo in range(1, rows + 1, step):
        # sql_log_bin=0: a snapshot does not need the load in the binlog.
        sql(["SET SESSION sql_log_bin = 0",
             TABLE_FILL.format(lo=lo, hi=min(rows, lo + step - 1))], db=db)
    sql([f"ANALYZE TABLE {db}.t"])
    size = sql([f"SELECT data_length FROM information_schema.tables WHERE table_schema='{db}'"
                " AND table_name='t'"])[0][0]
    return time.monotonic() - t, size


def _pids(pattern):
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


SERVICE_PATTERNS = {"server": "mariadbd", "broker": "kafka.Kafka"}


def service_cpu():
    """CPU seconds used so far by the database server and the Kafka broker (all their
    threads), from /proc: the parts of a run's cost that the process's own figures miss."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu = {}
    for name, pattern in SERVICE_PATTERNS.items():
        total = 0.0
        for pid in _pids(pattern):
            try:
                fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        cpu[name] = total
    return cpu


def cpu_delta(before):
    after = service_cpu()
    return {k: after[k] - before.get(k, 0.0) for k in after}


SERVICE_CPU = {}  # phase name -> {"server": s, "broker": s}


def raw_read(db):
    """Seconds and client CPU of `mariadb --quick -e 'SELECT * FROM t' > /dev/null`."""
    args = ["mariadb", "--no-defaults", f"-h{HOST}", f"-P{PORT}", "-uadmin", f"-p{ADMIN_PW}",
            "--quick", db, "-e", "SELECT * FROM t"]
    t = time.monotonic()
    svc = service_cpu()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(args, stdout=null)
        _, status, ru = os.wait4(p.pid, 0)
    elapsed = time.monotonic() - t
    SERVICE_CPU.setdefault("raw", []).append(cpu_delta(svc))
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("mariadb client failed")
    return elapsed, ru.ru_utime + ru.ru_stime


def topic_records(topic):
    """Records in a topic: the sum of its partitions' high watermarks."""
    c = Consumer({"bootstrap.servers": BOOT, "group.id": f"bench-count-{os.getpid()}"})
    try:
        md = c.list_topics(topic, timeout=10).topics.get(topic)
        if md is None or md.error is not None:
            return 0
        return sum(c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                   for p in md.partitions)
    finally:
        c.close()


def tributary_snapshot(binary, db, rows, work, threads=None, run=0, extra=None):
    prefix = f"{db}_trib_{run}" + (f"_t{threads}" if threads else "")
    cfg = {"name": prefix, "config": {
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "database.hostname": HOST, "database.port": str(PORT),
        "database.user": "cdc", "database.password": CDC_PW,
        "database.server.id": str(800000 + os.getpid() % 100000),
        "topic.prefix": prefix, "database.include.list": db,
        "bootstrap.servers": BOOT, "snapshot.mode": "initial_only",
        "schema.history.internal": "io.debezium.storage.file.history.FileSchemaHistory",
        "schema.history.internal.file.filename": str(work / f"{prefix}.history"),
        "offset.storage.file.filename": str(work / f"{prefix}.offsets"),
        "key.converter.schemas.enable": "false", "value.converter.schemas.enable": "false",
    }}
    if threads:
        cfg["config"]["snapshot.max.threads"] = str(threads)
    cfg["config"].update(extra or {})
    path = work / f"{prefix}.json"
    path.write_text(json.dumps(cfg))
    err_path = work / f"{prefix}.err"
    t = time.monotonic()
    svc = service_cpu()
    with open(err_path, "w") as err:
        p = subprocess.Popen([binary, "run", str(path)], stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
    elapsed = time.monotonic() - t
    SERVICE_CPU[f"run {run}"] = cpu_delta(svc)
    rc = os.waitstatus_to_exitcode(status)
    log = err_path.read_text()
    if rc != 0:
        sys.exit(f"tributary exited with {rc}:\n{log[-3000:]}")
    got = topic_records(f"{prefix}.{db}.t")
    if got < rows:
        sys.exit(f"tributary: {got} records in Kafka, {rows} expected:\n{log[-3000:]}")
    return elapsed, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, got, log


def debezium_connect_snapshot(db, rows, work):
    """The same table through Debezium's MariaDB connector on a Kafka Connect standalone
    worker producing to the same broker (tests/compat/connect_bench.py; initial_only,
    snapshot.locking.mode=none, schemas off, the worker's default producer settings):
    connect_bench.run_connect's timing dict."""
    sys.path.insert(0, str(ROOT / "tests" / "compat"))
    import connect_bench, reference  # noqa: E402
    prefix = f"dbzbench-{db}-{int(time.time()) % 100000}"
    config = reference.connector_config(
        name=prefix, prefix=prefix, database=db, server_id=6600 + os.getpid() % 1000,
        password=CDC_PW, port=PORT, config={"snapshot.mode": "initial_only",
                                            "snapshot.locking.mode": "none"})
    return connect_bench.run_connect(config, work=work / "connect", schemas=False, expected=rows,
                                     topics=[f"{prefix}.{db}.t"], timeout=7200)


def debezium_snapshot(db, work):
    sys.path.insert(0, str(ROOT / "tests" / "compat"))
    import reference  # noqa: E402
    config = reference.connector_config(
        name=f"{db}-dbz", prefix=f"{db}_dbz", database=db, server_id=6500 + os.getpid() % 1000,
        password=CDC_PW, port=PORT, config={
            "snapshot.mode": "initial_only", "snapshot.locking.mode": "none",
            "key.converter.schemas.enable": "false", "value.converter.schemas.enable": "false"})
    path = work / "debezium.json"
    path.write_text(json.dumps(config))
    t = time.monotonic()
    proc = subprocess.run([str(reference.RUNNER), str(path), "/dev/null", "--idle-seconds", "5"],
                          capture_output=True, text=True, timeout=7200)
    wall = time.monotonic() - t
    if proc.returncode != 0:
        sys.exit(f"debezium failed:\n{proc.stderr[-3000:]}")
    timing = json.loads(re.search(r"debezium-runner: timing (\{.*\})", proc.stderr).group(1))
    return timing, wall


def main():
    ap = argparse.ArgumentParser(description="snapshot -> Kafka vs raw SELECT (and Debezium)")
    ap.add_argument("--rows", type=int, default=5000000)
    ap.add_argument("--bin", action="append", default=None,
                    help="tributary binary (repeatable: each runs on the same table, "
                         "interleaved); PATH::key=value::... adds connector properties "
                         "for that binary's runs only")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="extra connector property for every tributary run (repeatable)")
    ap.add_argument("--debezium", action="store_true",
                    help="also run real Debezium on Kafka Connect, producing to the same broker")
    ap.add_argument("--debezium-embedded", action="store_true",
                    help="also run real Debezium's embedded engine, records to /dev/null")
    ap.add_argument("--keep", action="store_true", help="keep the database and topics")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the --threads list this many times (interleaved), report the best")
    ap.add_argument("--threads", default="",
                    help="comma-separated snapshot.max.threads values, one tributary run each "
                         "(default: one run with the default settings)")
    args = ap.parse_args()
    bins = args.bin or [os.environ.get("TRIBUTARY_BIN",
                                       str(ROOT / "build" / "rel" / "src" / "cli" / "tributary"))]
    extra = dict(kv.split("=", 1) for kv in args.set)
    bin_props = []
    for i, spec in enumerate(bins):
        path, *props = spec.split("::")
        bins[i] = path
        bin_props.append({**extra, **dict(kv.split("=", 1) for kv in props)})
        if not os.access(path, os.X_OK):
            sys.exit(f"tributary not built: {path}")
    db = f"bench_snap_{os.getpid()}"
    work = pathlib.Path(tempfile.mkdtemp(prefix="tributary-bench-snap-"))
    try:
        seconds, size = build_table(db, args.rows)
        print(f"table: {args.rows} rows, 11 columns, {size / 2**20:.0f} MB of InnoDB data, "
              f"built in {seconds:.1f} s")
        raw = [raw_read(db) for _ in range(2)]
        raw_s, raw_cpu = min(raw)
        for r, c in zip(raw, SERVICE_CPU["raw"]):
            print(f"  raw: {r[0]:.2f} s, client CPU {r[1]:.2f} s, server CPU {c['server']:.2f} s")
        thread_counts = ([int(t) for t in args.threads.split(",") if t.strip()] or [None]) * args.repeat
        runs = []
        i = 0
        for threads in thread_counts:
            for b, binary in enumerate(bins):
                load = os.getloadavg()[0]
                r = tributary_snapshot(binary, db, args.rows, work, threads, i, bin_props[b])
                runs.append((threads,) + r + (b, load, os.getloadavg()[0]))
                # As it goes: a later run that fails (a broker gone) keeps these figures.
                print(f"  run {i}: bin {b}" + (f" threads={threads}" if threads else "") +
                      f": {r[0]:.2f} s, CPU {r[1]:.2f} s, peak RSS {r[2]:.1f} MB, load "
                      f"{load:.1f}→{runs[-1][-1]:.1f}; server CPU "
                      f"{SERVICE_CPU[f'run {i}']['server']:.2f} s, broker CPU "
                      f"{SERVICE_CPU[f'run {i}']['broker']:.2f} s", flush=True)
                i += 1
        raw_after_s, _ = raw_read(db)
        if len(bins) > 1:
            for b, binary in enumerate(bins):
                props = {k: v for k, v in bin_props[b].items() if k not in extra}
                print(f"bin {b}: {binary}" + "".join(f" {k}={v}" for k, v in props.items()))
        if extra:
            print("extra properties: " + ", ".join(f"{k}={v}" for k, v in extra.items()))
        print(f"{'run':<34}{'rows':>10}{'seconds':>9}{'rows/s':>11}{'CPU s':>8}{'peak RSS MB':>13}"
              f"{'µs CPU/row':>12}{'load':>12}")
        print(f"{'raw mariadb --quick SELECT *':<34}{args.rows:>10}{raw_s:>9.2f}"
              f"{args.rows / raw_s:>11.0f}{raw_cpu:>8.2f}{'':>13}")
        for threads, trib_s, trib_cpu, trib_rss, trib_records, log, b, l0, l1 in runs:
            name = "tributary initial_only" + (f" threads={threads}" if threads else "")
            if len(bins) > 1:
                name += f" bin {b}"
            print(f"{name:<34}{trib_records:>10}{trib_s:>9.2f}"
                  f"{args.rows / trib_s:>11.0f}{trib_cpu:>8.2f}{trib_rss:>13.1f}"
                  f"{trib_cpu / args.rows * 1e6:>12.2f}{f'{l0:.1f}→{l1:.1f}':>12}")
        print(f"{'raw again (after tributary)':<34}{args.rows:>10}{raw_after_s:>9.2f}"
              f"{args.rows / raw_after_s:>11.0f}")
        for threads, trib_s, trib_cpu, trib_rss, trib_records, log, b, *_ in runs:
            name = f"threads={threads}" if threads else "default settings"
            if len(bins) > 1:
                name += f", bin {b}"
            print(f"tributary ({name}) / raw: {raw_s / trib_s:.0%} (goal >= 70%); peak RSS "
                  f"{trib_rss:.0f} MB (goal <= 128 MB)")
            m = re.search(r"snapshot complete: .*", log)
            if m:
                print(f"  log: {m.group(0)}")
        if args.repeat > 1 or len(bins) > 1:
            print(f"best of {args.repeat} (interleaved runs), median CPU s:")
            for threads in dict.fromkeys(t for t, *_ in runs):
                for b in range(len(bins)):
                    mine = [r for r in runs if r[0] == threads and r[6] == b]
                    best = min(mine, key=lambda r: r[1])
                    cpus = [r[2] for r in mine]
                    name = f"threads={threads}" if threads else "default settings"
                    if len(bins) > 1:
                        name += f" bin {b}"
                    print(f"  {name:<24}{args.rows / best[1]:>10.0f} rows/s  {raw_s / best[1]:>4.0%} of raw"
                          f"  CPU {best[2]:.2f} s  median CPU {statistics.median(cpus):.2f} s"
                          f"  peak RSS {best[3]:.0f} MB")
        trib_s, trib_cpu = runs[0][1], runs[0][2]
        if args.debezium:
            t = debezium_connect_snapshot(db, args.rows, work)
            print("Debezium 3.5 MariaDB connector on Kafka Connect 4.1.1 (standalone worker, default "
                  "producer: acks=all), initial_only, schemas off, same broker:")
            print(f"{'run':<34}{'rows':>10}{'seconds':>9}{'rows/s':>11}{'CPU s':>8}{'peak RSS MB':>13}"
                  f"{'µs CPU/row':>12}")
            print(f"{'tributary initial_only (first run)':<34}{args.rows:>10}{trib_s:>9.2f}"
                  f"{args.rows / trib_s:>11.0f}{trib_cpu:>8.2f}{runs[0][3]:>13.1f}"
                  f"{trib_cpu / args.rows * 1e6:>12.2f}")
            print(f"{'debezium on connect (1st→last)':<34}{t['records']:>10}{t['first_to_last_s']:>9.2f}"
                  f"{t['records_per_s']:>11.0f}{t['cpu_window_s']:>8.2f}{t['peak_rss_mb']:>13.1f}"
                  f"{t['cpu_window_s'] / t['records'] * 1e6:>12.2f}")
            print(f"{'debezium on connect (JVM start)':<34}{t['records']:>10}{t['jvm_start_to_last_s']:>9.2f}"
                  f"{t['records'] / t['jvm_start_to_last_s']:>11.0f}{t['cpu_s']:>8.2f}{'':>13}"
                  f"{t['cpu_s'] / t['records'] * 1e6:>12.2f}")
            print(f"tributary / debezium on connect: {args.rows / trib_s / t['records_per_s']:.1f}x rows/s "
                  f"(goal >= 20x); {t['jvm_start_to_last_s'] / trib_s:.1f}x by wall time from process start; "
                  f"CPU per row debezium / tributary: {t['cpu_window_s'] / trib_cpu:.1f}x "
                  f"({t['cpu_s'] / trib_cpu:.1f}x with the JVM's start-up)")
        if args.debezium_embedded:
            timing, wall = debezium_snapshot(db, work)
            dbz_rate = timing["records_per_s"]
            print(f"{'debezium embedded (polling)':<34}{timing['records']:>10}"
                  f"{timing['polling_to_last_s']:>9.2f}{dbz_rate:>11.0f}   (wall {wall:.1f} s, "
                  f"startup {timing['startup_s']:.1f} s)")
            if timing["records"] < args.rows:
                print(f"debezium: only {timing['records']} records of {args.rows}")
            print(f"tributary / debezium embedded: {args.rows / trib_s / dbz_rate:.1f}x; "
                  f"by wall time {wall / trib_s:.1f}x")
    finally:
        if not args.keep:
            try:
                sql([f"DROP DATABASE IF EXISTS {db}"])
                a = AdminClient({"bootstrap.servers": BOOT})
                names = [t for t in a.list_topics(timeout=10).topics if t.startswith(db)]
                if names:
                    for f in a.delete_topics(names).values():
                        try:
                            f.result()
                        except Exception:  # noqa: BLE001
                            pass
            except Exception as e:  # noqa: BLE001
                print("cleanup:", e, file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
