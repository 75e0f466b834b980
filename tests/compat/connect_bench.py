"""Real Debezium on a real Kafka Connect worker, writing to the real broker: the baseline of
the --debezium benchmarks (bench/e2e/source_to_kafka.sh, bench/e2e/snapshot_to_kafka.py).

    timing = run_connect(connector, work=dir, schemas=False, expected=N,
                         topics=["p.db.t"], start=None | {"file","pos","gtids"})

starts tests/compat/run_connect.sh (Apache Kafka 4.1's ConnectStandalone with Debezium's
published Connect plugin, Kafka Connect's default producer settings: acks=all, one request
in flight; JsonConverter with schemas.enable as given; offsets in a file), creates the
connector over the worker's REST API and times, with an independent Kafka client reading the
topics' end offsets (high watermarks, i.e. records acknowledged by the broker), from the
first record in Kafka to the moment `expected` records are there (polled every 20 ms; the
rate counts the records that arrived after the first poll that saw any). With `start` the connector
is created STOPPED, its source offset is set to that binlog position over REST (KIP-875) and
its Kafka schema history topic is seeded with the one "SET character_set_server=..." record a
Debezium snapshot writes first (as tests/compat/run_debezium.sh --start-position does for the
embedded engine), then it is resumed: it streams from there and learns every table from the
DDL it reads in the binlog.

The JVM is stopped (SIGTERM, then SIGKILL after 60 s) before run_connect returns, and every
topic whose name starts with the connector's topic.prefix is deleted. Not thread-safe; one
worker per call, its REST listener on a free local port.
"""

import json
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pymysql
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

COMPAT = pathlib.Path(__file__).resolve().parent
RUN_CONNECT = COMPAT / "run_connect.sh"
BOOT = os.environ.get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


def plugin_path():
    """Fetches (once) and returns (kafka_libs, plugin_path)."""
    out = subprocess.run([str(RUN_CONNECT), "--build"], capture_output=True, text=True, check=True)
    libs, plugins = out.stdout.split()
    return libs, plugins


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rest(port, method, path, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _proc_stats(pid):
    """(CPU seconds user+system, peak RSS MB) of a live process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    hwm = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    return cpu, hwm


def _seed_history(cfg, start):
    """The Kafka schema history topic with the first record of a Debezium snapshot."""
    topic = cfg["schema.history.internal.kafka.topic"]
    admin = AdminClient({"bootstrap.servers": BOOT})
    for f in admin.create_topics([NewTopic(topic, 1, 1, config={"retention.ms": "-1"})]).values():
        f.result()
    c = pymysql.connect(host=cfg["database.hostname"], port=int(cfg.get("database.port", 3306)),
                        user=cfg["database.user"], password=cfg.get("database.password", ""))
    with c.cursor() as cur:
        cur.execute("SELECT @@character_set_server, @@collation_server")
        charset, collation = cur.fetchone()
    c.close()
    record = {"source": {"server": cfg["topic.prefix"]}, "position": _offset(start),
              "ts_ms": int(time.time() * 1000), "databaseName": "",
              "ddl": f"SET character_set_server={charset}, collation_server={collation}",
              "tableChanges": []}
    p = Producer({"bootstrap.servers": BOOT, "acks": "all"})
    p.produce(topic, value=json.dumps(record).encode())
    if p.flush(30) != 0:
        raise RuntimeError("could not seed the schema history topic")


def _offset(start):
    off = {"file": start["file"], "pos": int(start["pos"])}
    if start.get("gtids"):
        off["gtids"] = start["gtids"]
    return off


class _Watermarks:
    """Sum of the high watermarks of some topics (0 for a topic not created yet)."""

    def __init__(self, topics):
        self.topics = topics
        self.parts = {}
        self.c = Consumer({"bootstrap.servers": BOOT, "group.id": f"dbzbench-count-{os.getpid()}",
                           "enable.auto.commit": False})

    def total(self):
        n = 0
        for t in self.topics:
            if t not in self.parts:
                md = self.c.list_topics(t, timeout=10).topics.get(t)
                if md is None or md.error is not None or not md.partitions:
                    continue
                self.parts[t] = [TopicPartition(t, p) for p in md.partitions]
            for tp in self.parts[t]:
                n += self.c.get_watermark_offsets(tp, timeout=10, cached=False)[1]
        return n

    def close(self):
        self.c.close()


def drop_topics(prefix):
    admin = AdminClient({"bootstrap.servers": BOOT})
    names = [t for t in admin.list_topics(timeout=10).topics if t.startswith(prefix)]
    if names:
        for f in admin.delete_topics(names).values():
            try:
                f.result()
            except Exception:  # noqa: BLE001
                pass


def run_connect(connector, *, work, schemas, expected, topics, start=None, timeout=3600,
                worker_extra=None, keep_topics=False):
    """Runs `connector` ({"name","config"}) on a fresh standalone worker until `expected`
    records are in `topics`. Returns a dict: records, jvm_start_to_first_s (JVM start to the
    first record in Kafka), first_to_last_s, records_per_s (over first_to_last_s),
    jvm_start_to_last_s, cpu_s (JVM CPU, whole life up to the last record), cpu_window_s
    (JVM CPU between first and last record), peak_rss_mb, log (path of the worker log).
    Raises RuntimeError (with the log's tail) if the connector fails or it times out."""
    work = pathlib.Path(work)
    work.mkdir(parents=True, exist_ok=True)
    _, plugins = plugin_path()
    name, cfg = connector["name"], dict(connector["config"])
    prefix = cfg["topic.prefix"]
    port = _free_port()
    flag = "true" if schemas else "false"
    worker = {
        "bootstrap.servers": BOOT,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": flag,
        "value.converter.schemas.enable": flag,
        # As the distribution's config/connect-standalone.properties.
        "offset.storage.file.filename": str(work / f"{name}.offsets"),
        "offset.flush.interval.ms": "10000",
        "plugin.path": plugins,
        "listeners": f"http://127.0.0.1:{port}",
    }
    worker.update(worker_extra or {})
    wpath = work / f"{name}.worker.properties"
    wpath.write_text("".join(f"{k}={v}\n" for k, v in worker.items()))
    log = work / f"{name}.connect.log"
    if start is not None:
        _seed_history(cfg, start)
    env = dict(os.environ, CONNECT_LOG=str(log))
    t_jvm = time.monotonic()
    proc = subprocess.Popen([str(RUN_CONNECT), str(wpath)], stdout=subprocess.DEVNULL,
                            stderr=open(work / f"{name}.connect.err", "w"), env=env)
    marks = _Watermarks(topics)

    def fail(msg):
        tail = log.read_text()[-4000:] if log.exists() else ""
        raise RuntimeError(f"{msg}\n--- {log} (tail) ---\n{tail}")

    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                fail(f"the Connect worker exited with {proc.returncode}")
            try:
                if _rest(port, "GET", "/connectors", timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            if time.monotonic() > deadline:
                fail("the Connect worker's REST API did not come up")
            time.sleep(0.2)
        body = {"name": name, "config": cfg}
        if start is not None:
            body["initial_state"] = "STOPPED"
        code, out = _rest(port, "POST", "/connectors", body)
        if code not in (200, 201):
            fail(f"POST /connectors: {code} {out}")
        t_created = time.monotonic()
        if start is not None:
            # Offsets can be altered once the connector is STOPPED (its state is reported).
            for _ in range(100):
                code, st = _rest(port, "GET", f"/connectors/{name}/status")
                if code == 200 and st["connector"]["state"] == "STOPPED":
                    break
                time.sleep(0.1)
            code, out = _rest(port, "PATCH", f"/connectors/{name}/offsets",
                              {"offsets": [{"partition": {"server": prefix}, "offset": _offset(start)}]})
            if code != 200:
                fail(f"PATCH offsets: {code} {out}")
            code, out = _rest(port, "PUT", f"/connectors/{name}/resume")
            if code not in (200, 202):
                fail(f"resume: {code} {out}")
            t_created = time.monotonic()
        t_first = t_last = None
        cpu_first = 0.0
        cpu = hwm = 0.0
        n = n_first = 0
        next_status = time.monotonic() + 2
        hard = time.monotonic() + timeout
        while True:
            n = marks.total()
            now = time.monotonic()
            if proc.poll() is not None:
                fail(f"the Connect worker exited with {proc.returncode} after {n} records")
            cpu, hwm = _proc_stats(proc.pid)
            if t_first is None and n > 0:
                t_first, cpu_first, n_first = now, cpu, n
            if n >= expected:
                t_last = now
                break
            if now > next_status:
                code, st = _rest(port, "GET", f"/connectors/{name}/status")
                tasks = st.get("tasks", []) if code == 200 else []
                if any(t["state"] == "FAILED" for t in tasks):
                    fail(f"the connector's task failed after {n} records: "
                         f"{next(t for t in tasks if t['state'] == 'FAILED').get('trace', '')[:3000]}")
                next_status = now + 2
            if now > hard:
                fail(f"timeout: {n} of {expected} records after {timeout} s")
            time.sleep(0.02)
        first_to_last = t_last - t_first
        return {
            "records": n,
            "jvm_start_to_first_s": t_first - t_jvm,
            "created_to_first_s": t_first - t_created,
            "first_to_last_s": first_to_last,
            "jvm_start_to_last_s": t_last - t_jvm,
            # Records that arrived after the first one was seen, over the time they took.
            "records_per_s": ((n - n_first) / first_to_last) if first_to_last > 0 else 0.0,
            "cpu_s": cpu,
            "cpu_window_s": cpu - cpu_first,
            "peak_rss_mb": hwm,
            "log": str(log),
        }
    finally:
        marks.close()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if not keep_topics:
            try:
                drop_topics(prefix)
            except Exception:  # noqa: BLE001
                pass
