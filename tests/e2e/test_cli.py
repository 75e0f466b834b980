"""The `tributary` binary as a user meets it: subcommands, exit codes, config files."""

import json
import os
import pathlib
import re
import subprocess
import time

from conftest import ROOT, free_port

SEED_SOURCE = "examples/mysql_connector.json"
SEED_SINK = "examples/sink_connector_cdc.json"


def test_version_names_the_libraries(run_tributary):
    r = run_tributary("version")
    assert r.returncode == 0
    assert r.stdout.startswith("tributary 0.1.0 (commit ")
    for lib in ("libmariadb", "librdkafka", "libcurl", "zstd"):
        assert f"  {lib} " in r.stdout
    # The default build runs on the C library's malloc (TRIBUTARY_MALLOC); a preloaded
    # mimalloc is recognised (the snapshot then sends from a second thread).
    assert re.search(r"^  malloc: the C library's malloc$", r.stdout, re.M), r.stdout
    mimalloc = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"
    if os.path.exists(mimalloc):
        r = run_tributary("version", env_extra={"LD_PRELOAD": mimalloc})
        assert re.search(r"^  malloc: mimalloc 2\.\d+\.\d+$", r.stdout, re.M), r.stdout


def test_help_and_usage_errors(run_tributary):
    for args in (["--help"], ["run", "--help"], ["version", "--help"], ["config-doc", "--help"]):
        r = run_tributary(*args)
        assert r.returncode == 0, args
        assert "Usage:" in r.stdout
    assert "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error" in run_tributary("--help").stdout
    assert run_tributary().returncode == 2
    assert run_tributary("run").returncode == 2
    assert run_tributary("run", "--no-such-flag", SEED_SOURCE).returncode == 2
    assert run_tributary("run", "does-not-exist.json").returncode == 2


def test_seed_files_load_and_report_their_placeholders(run_tributary):
    r = run_tributary("run", "--dry-run", SEED_SOURCE, SEED_SINK)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    want = [
        f"{SEED_SOURCE}: error: database.hostname: still holds the template placeholder <YOUR_RDS_ENDPOINT>; put the real value here",
        f"{SEED_SOURCE}: error: database.user: still holds the template placeholder <YOUR_DB_USERNAME>; put the real value here",
        f"{SEED_SOURCE}: error: database.password: still holds a template placeholder; put the real value here (or ${{env:NAME}})",
        f"{SEED_SOURCE}: error: database.server.name: still holds the template placeholder <LOGICAL_SERVER_NAME>; put the real value here",
        f"{SEED_SOURCE}: error: database.include.list: still holds the template placeholder <YOUR_DATABASE_NAME>; put the real value here",
        f"{SEED_SOURCE}: error: database.history.kafka.bootstrap.servers: still holds the template placeholder <KAFKA_BROKER>; put the real value here",
        f"{SEED_SOURCE}: error: database.history.kafka.topic: still holds the template placeholder <HISTORY_TOPIC_NAME>; put the real value here",
        f"{SEED_SINK}: error: topics: still holds the template placeholder <your-kafka-topic-name>; put the real value here",
        f"{SEED_SINK}: error: s3.bucket.name: still holds the template placeholder <your-s3-bucket-name>; put the real value here",
        f"{SEED_SINK}: error: s3.region: still holds the template placeholder <your-aws-region>; put the real value here",
        "tributary: configuration has errors; nothing started",
    ]
    assert lines == want
    assert "YOUR_DB_PASSWORD" not in r.stderr + r.stdout


def test_seed_files_with_real_values_are_valid(run_tributary, tmp_path):
    """The seed's files, placeholders filled in as a user would, pass (1.x keys included)."""
    src = json.loads((ROOT / SEED_SOURCE).read_text())
    src["config"].update({
        "database.hostname": "mydb.abc123.us-east-1.rds.amazonaws.com",
        "database.user": "debezium", "database.password": "hunter2-secret",
        "database.server.name": "rds1", "database.include.list": "shop",
        "database.history.kafka.bootstrap.servers": "broker1:9092",
        "database.history.kafka.topic": "schema-changes.shop",
    })
    sink = json.loads((ROOT / SEED_SINK).read_text())
    sink["config"].update({"topics": "rds1.shop.orders", "s3.bucket.name": "lake",
                           "s3.region": "us-east-1"})
    (tmp_path / "src.json").write_text(json.dumps(src))
    (tmp_path / "sink.json").write_text(json.dumps(sink))
    r = run_tributary("run", "--dry-run", "--show-settings", str(tmp_path / "src.json"),
                      str(tmp_path / "sink.json"))
    assert r.returncode == 0, r.stderr
    assert "read the binlog of debezium@mydb.abc123.us-east-1.rds.amazonaws.com:3306 as replica server id 184054" in r.stdout
    assert "write change events to topics rds1.<database>.<table> on Kafka broker1:9092" in r.stdout
    assert "topic.prefix (written database.server.name) = rds1" in r.stdout
    assert "database.password = [hidden]" in r.stdout
    assert "hunter2-secret" not in r.stdout + r.stderr
    # The seed pair's latent failure under Kafka Connect (tombstones into a sink whose default
    # is to fail on them) does not exist here: without the key the sink ignores them.
    assert "null values (tombstones): ignore (behavior.on.null.values not set" in r.stdout
    assert "stops the sink at the first DELETE" not in r.stderr
    assert "configuration OK (2 connectors); dry run, nothing started" in r.stdout


def test_a_source_config_from_a_pipe_is_read_once(tributary_bin):
    """`tributary run /dev/stdin` with the config piped in: a source connector re-executes
    itself onto mimalloc only for a regular file (a pipe cannot be read a second time), so
    this one starts on the config it was given instead of failing on an empty one."""
    src = json.loads((ROOT / SEED_SOURCE).read_text())
    src["config"].update({
        "database.hostname": "127.0.0.1", "database.port": str(free_port()),
        "database.user": "debezium", "database.password": "pw", "database.server.name": "p1",
        "database.include.list": "shop",
        "database.history.kafka.bootstrap.servers": f"127.0.0.1:{free_port()}",
        "database.history.kafka.topic": "schema-changes.shop",
    })
    p = subprocess.Popen([tributary_bin, "run", "/dev/stdin"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.stdin.write(json.dumps(src))
    p.stdin.close()
    p.stdin = None  # closed: communicate() below must not flush it
    try:
        time.sleep(2)  # validated, described, trying to reach the (closed) database port
        maps = pathlib.Path(f"/proc/{p.pid}/maps").read_text() if p.poll() is None else ""
    finally:
        p.kill()
        out, err = p.communicate(timeout=20)
    assert "configuration has errors" not in err, err
    # Started on the piped config: it is trying the (closed) Kafka port it names.
    assert f"connector {src['name']} starting" in err, err
    assert src["config"]["database.history.kafka.bootstrap.servers"] in err, err
    assert "libmimalloc" not in maps


def test_local_examples_are_valid(run_tributary):
    r = run_tributary("run", "--dry-run", "examples/local/mysql_connector.json",
                      "examples/local/sink_connector_cdc.json",
                      env_extra={"TRIBUTARY_CDC_PASSWORD": "cdc", "AWS_ACCESS_KEY_ID": "k",
                                 "AWS_SECRET_ACCESS_KEY": "s"})
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_run_of_a_pipeline_runs_both_connectors_and_stops_on_sigterm(tributary_bin, tmp_path):
    """`tributary run source.json sink.json`: one process per connector; SIGTERM stops both
    cleanly (exit 0)."""
    import json
    import signal
    import time
    import uuid

    tag = uuid.uuid4().hex[:8]
    source = json.loads((ROOT / "examples/local/mysql_connector.json").read_text())
    source["name"] = f"cli-source-{tag}"
    source["config"].update({"topic.prefix": f"cli{tag}", "database.server.id": str(7000 + int(tag[:3], 16)),
                             "schema.history.internal.kafka.topic": f"cli{tag}.history"})
    sink = json.loads((ROOT / "examples/local/sink_connector_cdc.json").read_text())
    sink["name"] = f"cli-sink-{tag}"
    sink["config"].update({"topics": f"cli{tag}.inventory.orders", "store.url": f"file://{tmp_path}/lake"})
    (tmp_path / "source.json").write_text(json.dumps(source))
    (tmp_path / "sink.json").write_text(json.dumps(sink))
    env = dict(os.environ, TRIBUTARY_CDC_PASSWORD="cdc", AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s")
    log = open(tmp_path / "run.log", "w")
    proc = subprocess.Popen([tributary_bin, "run", str(tmp_path / "source.json"), str(tmp_path / "sink.json")],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.time() + 60
    text = ""
    while time.time() < deadline:
        text = (tmp_path / "run.log").read_text()
        if "streaming MariaDB" in text and f"sink 'cli-sink-{tag}'" in text:
            break
        assert proc.poll() is None, text
        time.sleep(0.5)
    assert "streaming MariaDB" in text and f"sink 'cli-sink-{tag}'" in text, text
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0, (tmp_path / "run.log").read_text()
    log.close()


def test_malformed_json_gives_line_and_column(run_tributary, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "name": "x",\n  "config": {\n    "connector.class": "MySqlConnector",,\n  }\n}\n')
    r = run_tributary("run", "--dry-run", str(bad))
    assert r.returncode == 2
    assert r.stderr.startswith(f"{bad}:4:41: malformed JSON: syntax error while parsing object key - unexpected ','")


def test_one_message_per_problem_and_warnings(run_tributary, tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"name": "c", "config": {
        "connector.class": "io.debezium.connector.mysql.MySqlConnector",
        "database.hostname": "h", "database.user": "u", "database.server.id": "0",
        "topic.prefix": "p", "schema.history.internal.kafka.topic": "h",
        "database.port": "not-a-port", "snapshot.mode": "sometimes", "databse.include.list": "x",
    }}))
    r = run_tributary("run", "--dry-run", str(cfg))
    assert r.returncode == 2
    lines = [l.removeprefix(f"{cfg}: ") for l in r.stderr.splitlines()]
    assert "error: database.server.id: 0 is below the minimum 1" in lines
    assert "error: database.port: 'not-a-port' is not a whole number" in lines
    assert any(l.startswith("error: snapshot.mode: 'sometimes' is not one of: initial, ") for l in lines)
    assert "warning: databse.include.list: unknown key, ignored (did you mean 'database.include.list'?)" in lines
    assert len([l for l in lines if l.startswith("error:")]) == 3


def test_unknown_connector_class(run_tributary, tmp_path):
    cfg = tmp_path / "pg.json"
    cfg.write_text('{"name": "pg", "config": {"connector.class": "io.debezium.connector.postgresql.PostgresConnector"}}')
    r = run_tributary("run", "--dry-run", str(cfg))
    assert r.returncode == 2
    assert "unknown connector class 'io.debezium.connector.postgresql.PostgresConnector'" in r.stderr


def test_placeholders_from_env_and_file_and_secrets_stay_hidden(run_tributary, tmp_path):
    secrets = tmp_path / "secrets.properties"
    secrets.write_text("db.password=file-secret-42\n")
    cfg = tmp_path / "src.properties"  # connect-standalone style file
    cfg.write_text(
        "name=props-source\n"
        "connector.class=io.debezium.connector.mysql.MySqlConnector\n"
        "database.hostname=${env:DB_HOST}\n"
        "database.user=cdc\n"
        f"database.password=${{file:{secrets}:db.password}}\n"
        "database.server.id=5\n"
        "topic.prefix=p\n"
        "schema.history.internal.kafka.topic=h\n"
        "producer.override.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"jaas-secret\";\n")
    r = run_tributary("run", "--dry-run", "--show-settings", str(cfg), env_extra={"DB_HOST": "db.example"})
    assert r.returncode == 0, r.stderr
    assert "MySQL source 'props-source'" in r.stdout
    assert "read the binlog of cdc@db.example:3306" in r.stdout
    assert "database.hostname = ${env:DB_HOST}" in r.stdout
    out = r.stdout + r.stderr
    assert "file-secret-42" not in out and "jaas-secret" not in out
    assert "producer.override.sasl.jaas.config = [hidden]" in r.stdout
    empty = run_tributary("run", "--dry-run", str(cfg), env_extra={"DB_HOST": ""})
    assert empty.returncode == 2
    assert "error: database.hostname: missing required key" in empty.stderr
    # The Kafka clients are built from the settings before anything starts: a JAAS line
    # librdkafka cannot use is a configuration error (exit 2), its password not shown.
    broken = tmp_path / "broken.properties"
    broken.write_text(cfg.read_text().replace('username="u" ', ""))
    bad = run_tributary("run", "--dry-run", str(broken), env_extra={"DB_HOST": "db.example"})
    assert bad.returncode == 2, bad.stderr
    assert "PlainLoginModule needs username and password" in bad.stderr
    assert "jaas-secret" not in bad.stdout + bad.stderr
    unset = run_tributary("run", "--dry-run", str(cfg), env_extra={"DB_HOST": None})
    assert unset.returncode == 2
    assert "database.hostname: ${env:DB_HOST}: environment variable DB_HOST is not set" in unset.stderr


def test_config_doc_matches_committed_doc(run_tributary):
    r = run_tributary("config-doc")
    assert r.returncode == 0
    assert r.stdout == (ROOT / "docs/configuration.md").read_text()
    assert "| `topic.prefix`<br>older: `database.server.name` |" in r.stdout
