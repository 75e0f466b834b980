#!/usr/bin/env bash
# Runs the pipeline end to end on this machine: installs what is missing, builds
# `tributary`, starts local MariaDB, Kafka and S3 (scripts/services.sh), loads the example
# `inventory` database, and runs the connectors of examples/local/.
#
# What it shows, step by step: the services and the example database; the binlog reader
# decoding the live server's changes; the MySQL source connector (examples/local/
# mysql_connector.json) sending the existing rows (initial snapshot, op r, on its first
# start) and then streaming new changes into Kafka as Debezium events; the S3 sink
# (examples/local/sink_connector_cdc.json) writing them to the local MinIO bucket in the
# Kafka Connect S3 sink's layout.
# The services keep running afterwards: `scripts/services.sh stop` stops them.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BUILD="${TRIBUTARY_BUILD_DIR:-$ROOT/build}"

step() { printf '\n== %s\n' "$*"; }

step "1/8 dependencies"
scripts/install-deps.sh

step "2/8 build"
[ -f "$BUILD/rel/build.ninja" ] || cmake -S . -B "$BUILD/rel" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD/rel" --target tributary
TRIBUTARY="$BUILD/rel/src/cli/tributary"
"$TRIBUTARY" version

step "3/8 services"
scripts/services.sh start
# shellcheck disable=SC1091
source "$BUILD/services/env.sh"

step "4/8 example database"
SQL=(mariadb --no-defaults -h "$TRIBUTARY_MARIADB_HOST" -P "$TRIBUTARY_MARIADB_PORT" -uadmin -p"$TRIBUTARY_ADMIN_PASSWORD")
START=$("${SQL[@]}" -N -e "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
mariadb --no-defaults -h "$TRIBUTARY_MARIADB_HOST" -P "$TRIBUTARY_MARIADB_PORT" -uadmin \
  -p"$TRIBUTARY_ADMIN_PASSWORD" < examples/local/inventory.sql
# A change on every run, so there is always something to stream.
"${SQL[@]}" -e "INSERT INTO inventory.orders (order_date, purchaser, quantity, amount)
                VALUES (CURRENT_DATE, 1001, 1, 9.99);
                UPDATE inventory.customers SET email = CONCAT('sally+', UNIX_TIMESTAMP(), '@acme.com')
                WHERE id = 1001;"
mariadb --no-defaults -h "$TRIBUTARY_MARIADB_HOST" -P "$TRIBUTARY_MARIADB_PORT" -ucdc \
  -p"$TRIBUTARY_CDC_PASSWORD" -e "
    SELECT COUNT(*) AS customers FROM inventory.customers;
    SELECT COUNT(*) AS orders FROM inventory.orders;
    SHOW MASTER STATUS;"

step "5/8 the binlog reader: changes since $START, decoded from the live server"
MYSQL_PWD="$TRIBUTARY_CDC_PASSWORD" "$TRIBUTARY" binlog --host "$TRIBUTARY_MARIADB_HOST" \
  --port "$TRIBUTARY_MARIADB_PORT" --user cdc --server-id 4242 --from "$START" |
  python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["type"].startswith(("WRITE_ROWS", "UPDATE_ROWS", "DELETE_ROWS")):
        for r in e["rows"]:
            print("%-15s %s.%s gtid %s: %s" % (e["type"], e["database"], e["table"], e.get("gtid"), json.dumps(r)))
'

step "6/8 connector files (examples/local/)"
"$TRIBUTARY" run --dry-run examples/local/mysql_connector.json examples/local/sink_connector_cdc.json

step "7/8 source connector: MariaDB -> Kafka"
LOGS="$BUILD/quickstart"
mkdir -p "$LOGS"
SOURCE_PID="" SINK_PID=""
stop_connectors() {
  for pid in $SINK_PID $SOURCE_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $SINK_PID $SOURCE_PID; do wait "$pid" 2>/dev/null || true; done
}
trap stop_connectors EXIT
"$TRIBUTARY" run examples/local/mysql_connector.json >"$LOGS/source.log" 2>&1 &
SOURCE_PID=$!
# Ready: streaming, and the initial snapshot (first start only) complete.
source_ready() {
  grep -q "streaming MariaDB" "$LOGS/source.log" || return 1
  ! grep -q "initial snapshot of" "$LOGS/source.log" ||
    grep -q "initial snapshot complete" "$LOGS/source.log"
}
for _ in $(seq 240); do
  source_ready && break
  kill -0 "$SOURCE_PID" 2>/dev/null || { cat "$LOGS/source.log"; exit 1; }
  sleep 0.5
done
source_ready || { cat "$LOGS/source.log"; exit 1; }
echo "source: $(grep -m1 'streaming MariaDB' "$LOGS/source.log" | sed 's/^[^ ]* info //')"
if grep -q "initial snapshot complete" "$LOGS/source.log"; then
  echo "source: $(grep -m1 'initial snapshot complete' "$LOGS/source.log" | sed 's/^[^ ]* info //') (op r)"
else
  echo "source: resumed at its stored offset (the initial snapshot ran on an earlier start)"
fi
STAMP=$(date +%s)
"${SQL[@]}" -e "INSERT INTO inventory.orders (order_date, purchaser, quantity, amount)
                VALUES (CURRENT_DATE, 1001, 2, 19.99), (CURRENT_DATE, 1002, 3, 7.50),
                       (CURRENT_DATE, 1003, 1, 120.00);
                UPDATE inventory.customers SET email = CONCAT('qs', id, '-$STAMP@acme.com')
                WHERE id IN (1001, 1002, 1003);"
echo "made 3 inserts into inventory.orders and 3 updates of inventory.customers"
VENV=$(scripts/python-env.sh)
"$VENV/bin/python" - "$STAMP" <<'PY'
import json, sys, time
from confluent_kafka import Consumer
stamp = sys.argv[1]
c = Consumer({"bootstrap.servers": "127.0.0.1:9092", "group.id": f"quickstart-{stamp}",
              "auto.offset.reset": "earliest", "enable.auto.commit": False})
want = {"tributary.inventory.orders": 3, "tributary.inventory.customers": 3}
deadline = time.time() + 60
while time.time() < deadline:
    if all(t in c.list_topics(timeout=5).topics for t in want):
        break
    time.sleep(0.5)
c.subscribe(list(want))
seen = {t: [] for t in want}
def fresh(t):  # this run's changes (the topics also hold snapshot rows and earlier runs)
    return [e for e in seen[t] if e["op"] in ("c", "u") and (stamp in json.dumps(e) or t.endswith("orders"))]
while time.time() < deadline and any(len(fresh(t)) < n for t, n in want.items()):
    m = c.poll(0.5)
    if m is None or m.error() or m.value() is None:
        continue
    seen[m.topic()].append(json.loads(m.value())["payload"])
for t, events in seen.items():
    print(f"kafka {t}: {sum(e['op'] == 'r' for e in events)} snapshot rows (op r) in the topic")
    for e in fresh(t)[-3:]:
        row = e["after"] or e["before"]
        print(f"kafka {t} op={e['op']} source.pos={e['source']['file']}:{e['source']['pos']} row={json.dumps(row)}")
c.close()
PY

step "8/8 S3 sink: Kafka -> s3://tributary-lake (MinIO)"
"$TRIBUTARY" run examples/local/sink_connector_cdc.json >"$LOGS/sink.log" 2>&1 &
SINK_PID=$!
"$VENV/bin/python" - "$STAMP" <<'PY'
import sys, time
import boto3
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:9000", aws_access_key_id="tributary",
                  aws_secret_access_key="tributary-secret", region_name="us-east-1")
stamp = sys.argv[1]
deadline = time.time() + 90
found = {}
while time.time() < deadline and len(found) < 2:
    for table in ("orders", "customers"):
        prefix = f"topics/tributary.inventory.{table}/"
        for o in s3.list_objects_v2(Bucket="tributary-lake", Prefix=prefix).get("Contents", []):
            body = s3.get_object(Bucket="tributary-lake", Key=o["Key"])["Body"].read().decode()
            if table == "customers" and stamp not in body:
                continue
            if table == "orders" and o["LastModified"].timestamp() < int(stamp) - 5:
                continue
            found[table] = (o["Key"], body)
    time.sleep(1)
for table, (key, body) in sorted(found.items()):
    lines = body.splitlines()
    print(f"s3://tributary-lake/{key}: {len(lines)} records, e.g. {lines[-1][:160]}")
if len(found) < 2:
    sys.exit("the sink wrote no objects for this run's changes within 90 s (see build/quickstart/sink.log)")
PY
stop_connectors
trap - EXIT
cat <<MSG

Done: changes made in MariaDB went through Tributary's source connector into Kafka as
Debezium events and through its S3 sink into MinIO as JSON objects in the Kafka Connect S3
sink's layout (objects are committed every 3 records per topic partition: flush.size in
examples/local/sink_connector_cdc.json). Logs: $LOGS/source.log, $LOGS/sink.log. Both
connectors stopped; run them again to resume where they left off:
  source $BUILD/services/env.sh
  $TRIBUTARY run examples/local/mysql_connector.json examples/local/sink_connector_cdc.json
Look around:
  mariadb --no-defaults -h127.0.0.1 -uadmin -padmin inventory     # change some rows
  scripts/kafka topics                                             # Kafka topics
  scripts/services.sh status | stop
MSG
