#!/usr/bin/env bash
# S3 sink throughput: Debezium-shaped records preloaded in Kafka → `tributary run` → MinIO.
# Prints records/s, input MB/s and peak RSS per case (JSON, JSON with schemas, CSV, Parquet
# with schemas), and the peak RSS of a JSON run over 100 partitions.
#
#   bench/e2e/sink_to_s3.sh                # SINK_BENCH_RECORDS=1000000 per case
#   SINK_BENCH_RECORDS=5000000 bench/e2e/sink_to_s3.sh   # the issue's size
#
# Environment: TRIBUTARY_BIN (default build/rel/src/cli/tributary), SINK_BENCH_RECORDS,
# SINK_BENCH_SCHEMA_RECORDS (default RECORDS/5: each such message carries a ~2 KB schema),
# SINK_BENCH_CASES (default "json json-schemas csv parquet partitions100"),
# SINK_BENCH_BASELINE_BIN (another tributary binary: each case runs it first on the same
# topic, then TRIBUTARY_BIN, and prints the ratios; on a shared machine compare those),
# SINK_BENCH_EXTRA (more connector settings for both binaries, JSON members with a leading
# comma, e.g. ',"consumer.override.queued.max.messages.kbytes":"16384"').
# Records are produced with Kafka's own ProducerPerformance tool (kafka-producer-perf-test)
# from a payload file of 1000 distinct Debezium change events; one partition per topic for
# throughput. Needs the services (scripts/services.sh start). Every run uses fresh topics,
# consumer groups and a fresh prefix in the bucket, and deletes its topics and objects.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/build/services/env.sh" 2>/dev/null || true
BIN="${TRIBUTARY_BIN:-$ROOT/build/rel/src/cli/tributary}"
BASE_BIN="${SINK_BENCH_BASELINE_BIN:-}"
N="${SINK_BENCH_RECORDS:-1000000}"
NS="${SINK_BENCH_SCHEMA_RECORDS:-$((N / 5))}"
CASES="${SINK_BENCH_CASES:-json json-schemas csv parquet partitions100}"
PY="$("$ROOT/scripts/python-env.sh")/bin/python"
KAFKA_LIBS="${TRIBUTARY_CACHE:-$HOME/.cache/tributary}/kafka-4.1.1/libs"
BOOT="${TRIBUTARY_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
RUN="sinkbench-$(date +%s)-$$"
WORK="$(mktemp -d /tmp/sink-bench-XXXXXX)"
[ -n "${SINK_BENCH_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || { echo "build tributary first ($BIN)" >&2; exit 2; }
[ -z "$BASE_BIN" ] || [ -x "$BASE_BIN" ] || { echo "no baseline binary $BASE_BIN" >&2; exit 2; }

# 1000 distinct Debezium change events, schemas off and on.
"$PY" - "$WORK" <<'EOF'
import json, random, sys
work = sys.argv[1]
rnd = random.Random(1)
row_fields = [("id", "int64", False), ("first_name", "string", True), ("last_name", "string", True),
              ("email", "string", True), ("city", "string", True), ("balance", "int64", True),
              ("score", "double", True), ("active", "boolean", True)]
tmap = {"int64": "int64", "string": "string", "double": "double", "boolean": "boolean"}
row_schema = {"type": "struct", "optional": True, "name": "bench.inventory.customers.Value",
              "fields": [{"field": f, "type": tmap[t], "optional": o} for f, t, o in row_fields]}
src_fields = [("version", "string"), ("connector", "string"), ("name", "string"), ("ts_ms", "int64"),
              ("db", "string"), ("table", "string"), ("server_id", "int64"), ("file", "string"),
              ("pos", "int64"), ("row", "int32")]
schema = {"type": "struct", "optional": False, "name": "bench.inventory.customers.Envelope", "version": 1,
          "fields": [dict(row_schema, field="before"), dict(row_schema, field="after"),
                     {"type": "struct", "optional": False, "field": "source", "name": "io.debezium.connector.mysql.Source",
                      "fields": [{"field": f, "type": t, "optional": False} for f, t in src_fields]},
                     {"field": "op", "type": "string", "optional": False},
                     {"field": "ts_ms", "type": "int64", "optional": True}]}
def row(i):
    return {"id": i, "first_name": rnd.choice(["Anne", "Bob", "Chen", "Dana", "Eve"]),
            "last_name": rnd.choice(["Kretchmar", "Walker", "Smith", "Ng", "Ito"]),
            "email": f"user{i}@example.com", "city": rnd.choice(["Paris", "Lima", "Oslo", "Pune"]),
            "balance": rnd.randrange(10**7), "score": round(rnd.random() * 100, 3), "active": rnd.random() < 0.5}
with open(f"{work}/plain.txt", "w") as a, open(f"{work}/schemas.txt", "w") as b:
    for i in range(1000):
        p = {"before": None, "after": row(i), "source": {"version": "2.7.0.Final", "connector": "mysql",
             "name": "bench", "ts_ms": 1714564800000 + i, "db": "inventory", "table": "customers",
             "server_id": 1, "file": "binlog.000001", "pos": 4 + i * 100, "row": 0}, "op": "c",
             "ts_ms": 1714564800005 + i}
        a.write(json.dumps(p, separators=(",", ":")) + "\n")
        b.write(json.dumps({"schema": schema, "payload": p}, separators=(",", ":")) + "\n")
EOF

kadmin() {  # create|delete topic [partitions]
  "$PY" - "$BOOT" "$@" <<'EOF'
import sys
from confluent_kafka.admin import AdminClient, NewTopic
boot, op, topic = sys.argv[1:4]
a = AdminClient({"bootstrap.servers": boot})
fs = a.create_topics([NewTopic(topic, int(sys.argv[4]), 1)]) if op == "create" else a.delete_topics([topic])
for f in fs.values():
    f.result(60)
EOF
}

produce() {  # topic records payload-file
  java -Xmx512m -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.ProducerPerformance --topic "$1" \
    --num-records "$2" --payload-file "$3" --throughput -1 \
    --producer-props bootstrap.servers="$BOOT" linger.ms=50 batch.size=1048576 \
    compression.type=lz4 acks=1 >"$WORK/produce.log" 2>&1 || { cat "$WORK/produce.log"; exit 1; }
}

# Waits until the group has committed every record of the topic; prints seconds waited.
wait_committed() {  # group topic partitions records pid
  "$PY" - "$BOOT" "$@" <<'EOF'
import os, sys, time
from confluent_kafka import Consumer, TopicPartition
boot, group, topic, parts, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
c = Consumer({"bootstrap.servers": boot, "group.id": group, "enable.auto.commit": False})
tps = [TopicPartition(topic, p) for p in range(parts)]
t0 = time.time()
while time.time() - t0 < 1800:
    if not os.path.exists(f"/proc/{sys.argv[6]}"):
        print("exited")
        break
    done = sum(max(tp.offset, 0) for tp in c.committed(tps, timeout=10))
    if done >= total:
        print(f"{time.time() - t0:.2f}")
        break
    time.sleep(0.2)
else:
    print("timeout")
c.close()
EOF
}

# One sink run over a preloaded topic (its own group and prefix). Prints
# "records/s cpu_seconds rss_mb objects", or "timeout" / "exited".
run_sink() {  # label bin topic parts records fmt flush extra
  local label=$1 bin=$2 topic=$3 parts=$4 records=$5 fmt=$6 flush=$7 extra=$8
  local name="$topic-$label" dir="$RUN-$label"
  cat >"$WORK/$name.json" <<EOF
{"name": "$name", "config": {"connector.class": "io.confluent.connect.s3.S3SinkConnector",
 "topics": "$topic", "bootstrap.servers": "$BOOT", "s3.bucket.name": "${TRIBUTARY_S3_BUCKET:-tributary-lake}",
 "s3.region": "us-east-1", "store.url": "${TRIBUTARY_S3_ENDPOINT:-http://127.0.0.1:9000}",
 "aws.access.key.id": "\${env:AWS_ACCESS_KEY_ID}", "aws.secret.access.key": "\${env:AWS_SECRET_ACCESS_KEY}",
 "flush.size": "$flush", "format.class": "$fmt", "topics.dir": "$dir",
 "behavior.on.null.values": "ignore" $extra}}
EOF
  /usr/bin/time -v -o "$WORK/$name.time" "$bin" run "$WORK/$name.json" >"$WORK/$name.log" 2>&1 &
  local tpid=$!
  local secs child busy rss_kb cpu objects
  secs=$(wait_committed "connect-$name" "$topic" "$parts" "$records" "$tpid")
  # Stop tributary (the child of time), then collect time's report.
  child=$(pgrep -P "$tpid" || true)
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
  wait "$tpid" || true
  busy=$(sed -n 's/.* \([0-9.]*\) s from the first record to the last commit.*/\1/p' "$WORK/$name.log")
  rss_kb=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$WORK/$name.time")
  cpu=$(awk -F: '/User time|System time/ {s += $2} END {print s}' "$WORK/$name.time")
  objects=$("$PY" - "$dir/$topic/" <<'EOF'
import os, sys, boto3
s3 = boto3.client("s3", endpoint_url=os.environ.get("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"),
                  region_name="us-east-1")
n = 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=os.environ.get("TRIBUTARY_S3_BUCKET", "tributary-lake"), Prefix=sys.argv[1]):
    for o in page.get("Contents", []):
        n += "/_tributary_cuts/" not in o["Key"]
        s3.delete_object(Bucket=os.environ.get("TRIBUTARY_S3_BUCKET", "tributary-lake"), Key=o["Key"])
print(n)
EOF
)
  if [ "$secs" = timeout ] || [ "$secs" = exited ]; then
    tail -5 "$WORK/$name.log" >&2
    echo "$secs"
    return
  fi
  "$PY" -c "
r, s = $records, float('${busy:-0}' or 0) or $secs
print(f'{r / s:.0f} ${cpu:-0} {${rss_kb:-0} / 1024:.0f} $objects')"
}

echo "$(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %-8s %9s %8s %9s %7s %7s %7s %8s\n' case binary records seconds records/s "MB/s" "CPU s" objects "peak RSS"
for c in $CASES; do
  parts=1; records=$N; payload="$WORK/plain.txt"; fmt="io.confluent.connect.s3.format.json.JsonFormat"
  extra="${SINK_BENCH_EXTRA:-}"
  case "$c" in
    json) ;;
    json-schemas) records=$NS; payload="$WORK/schemas.txt" ;;
    csv) fmt="io.tributary.connect.s3.format.csv.CsvFormat" ;;
    parquet) records=$NS; payload="$WORK/schemas.txt"; fmt="io.confluent.connect.s3.format.parquet.ParquetFormat" ;;
    partitions100) parts=100 ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
  topic="$RUN-$c"
  kadmin create "$topic" "$parts"
  produce "$topic" "$records" "$payload"
  in_bytes=$(( $(wc -c <"$payload") * records / 1000 ))
  # Whole objects only (flush.size divides the per-partition count for one partition);
  # with 100 partitions the counts are uneven: a record-time schedule closes the tails.
  flush=$(( records / 20 )); [ "$parts" -gt 1 ] && flush=$(( records / parts / 4 ))
  [ "$parts" -gt 1 ] && extra="$extra"',"rotate.schedule.interval.ms":"1000","timezone":"UTC"'
  labels="new"; [ -n "$BASE_BIN" ] && labels="baseline new"
  base_rate=""; base_cpu=""
  for label in $labels; do
    bin="$BIN"; [ "$label" = baseline ] && bin="$BASE_BIN"
    read -r rps cpu rss objects < <(run_sink "$label" "$bin" "$topic" "$parts" "$records" "$fmt" \
                                           "$flush" "$extra")
    if [ -z "${cpu:-}" ]; then
      printf '%-14s %-8s %9s %8s\n' "$c" "$label" "$records" "$rps"
      continue
    fi
    "$PY" -c "
r, rps, b = $records, $rps, $in_bytes
print('%-14s %-8s %9d %8.2f %9d %7.1f %7.2f %7s %6sMB' % ('$c', '$label', r, r / rps, rps, b * rps / r / 1e6, $cpu, '$objects', '$rss'))"
    if [ "$label" = baseline ]; then
      base_rate=$rps; base_cpu=$cpu
    elif [ -n "$base_rate" ]; then
      "$PY" -c "print('%-14s %-8s %9s %8s %8.2fx %7s %6.2fx' % ('$c', 'ratio', '', '', $rps / $base_rate, '', $base_cpu / $cpu))"
    fi
  done
  kadmin delete "$topic"
done
echo "$(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(seconds: the sink's own count from its first record to its last commit, without start-up"
echo " and the group join; CPU s: user + system time of the whole process; ratio: records/s of"
echo " TRIBUTARY_BIN over the baseline's, and the baseline's CPU s over TRIBUTARY_BIN's; the"
echo " machine is shared: figures vary, compare within one run)"
