#!/usr/bin/env bash
# Apache Kafka broker (KRaft, one node that is broker and controller) for tests and the
# quickstart: scripts/services/kafka.sh start|stop|restart|status|reset
#
# The jars come from Maven Central through scripts/services/kafka/pom.xml (the pinned
# release is there) and are kept in $TRIBUTARY_CACHE/kafka-<version>/libs. Topic
# auto-creation is on. `scripts/kafka` lists and dumps topics.
#
# Environment (defaults):
#   TRIBUTARY_KAFKA_NAME=kafka              instance name: data, log and pid in
#                                           $TRIBUTARY_SERVICES_DIR/<name>
#   TRIBUTARY_KAFKA_PORT=9092
#   TRIBUTARY_KAFKA_CONTROLLER_PORT=9093
#   TRIBUTARY_KAFKA_HEAP=512m
# A second broker beside the default one (tests that stop and restart their own broker):
#   TRIBUTARY_KAFKA_NAME=kafka-b TRIBUTARY_KAFKA_PORT=19092 \
#   TRIBUTARY_KAFKA_CONTROLLER_PORT=19093 scripts/services/kafka.sh start
#
# Optional TLS listeners (off unless set; the PLAINTEXT listener stays and is used between
# broker and controller):
#   TRIBUTARY_KAFKA_SSL_PORT=               an SSL listener on 127.0.0.1:<port>
#   TRIBUTARY_KAFKA_SASL_PORT=              a SASL_SSL listener with SCRAM-SHA-512 and PLAIN
#   TRIBUTARY_KAFKA_SASL_USER=tributary     its one user, for both mechanisms (the SCRAM
#   TRIBUTARY_KAFKA_SASL_PASSWORD=tributary-secret   credential is made when the data folder
#                                           is formatted, at first start: `reset` to change)
# (librdkafka before 2.6.1 fails SCRAM against Kafka 4 brokers with "invalid credentials":
# PLAIN works with any version.)
# With either, a CA and a broker certificate for localhost / 127.0.0.1 are made with openssl
# at first start in $TRIBUTARY_SERVICES_DIR/<name>/tls: clients trust tls/ca-cert.pem (its
# path is printed at start). The broker reads them as PEM stores (no keytool). E.g.
#   TRIBUTARY_KAFKA_NAME=kafka-tls TRIBUTARY_KAFKA_PORT=19092 \
#   TRIBUTARY_KAFKA_CONTROLLER_PORT=19093 TRIBUTARY_KAFKA_SSL_PORT=19094 \
#   TRIBUTARY_KAFKA_SASL_PORT=19095 scripts/services/kafka.sh start
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAME="${TRIBUTARY_KAFKA_NAME:-kafka}"
PORT="${TRIBUTARY_KAFKA_PORT:-9092}"
CPORT="${TRIBUTARY_KAFKA_CONTROLLER_PORT:-9093}"
HEAP="${TRIBUTARY_KAFKA_HEAP:-512m}"
SSL_PORT="${TRIBUTARY_KAFKA_SSL_PORT:-}"
SASL_PORT="${TRIBUTARY_KAFKA_SASL_PORT:-}"
SASL_USER="${TRIBUTARY_KAFKA_SASL_USER:-tributary}"
SASL_PASSWORD="${TRIBUTARY_KAFKA_SASL_PASSWORD:-tributary-secret}"
POM="$TRIBUTARY_ROOT/scripts/services/kafka/pom.xml"
VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")
LIBS="$TRIBUTARY_CACHE/kafka-$VERSION/libs"
DIR="$TRIBUTARY_SERVICES_DIR/$NAME"
LOG="$DIR/$NAME.log"
PATTERN="kafka.Kafka $DIR/server.properties"

fetch_jars() {
  [ -f "$LIBS/.complete" ] && return 0
  command -v mvn >/dev/null || die "mvn not found: run scripts/install-deps.sh"
  command -v java >/dev/null || die "java not found: run scripts/install-deps.sh"
  log "kafka: fetching Kafka $VERSION jars from Maven Central into $LIBS"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$LIBS" >&2 || die "kafka: mvn could not fetch the Kafka jars"
  touch "$LIBS/.complete"
}

tls_wanted() { [ -n "$SSL_PORT" ] || [ -n "$SASL_PORT" ]; }

# A CA and a broker certificate (localhost, 127.0.0.1), once per instance. The broker's
# PEM keystore is one file with its PKCS#8 key and its certificate.
make_certs() {
  local c="$DIR/tls"
  [ -f "$c/broker.pem" ] && return 0
  command -v openssl >/dev/null || die "openssl not found"
  mkdir -p "$c"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Tributary Kafka test CA" \
    -keyout "$c/ca-key.pem" -out "$c/ca-cert.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$c/broker-key.pem" -out "$c/broker.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$c/san.ext"
  openssl x509 -req -in "$c/broker.csr" -CA "$c/ca-cert.pem" -CAkey "$c/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$c/san.ext" -out "$c/broker-cert.pem" 2>/dev/null
  cat "$c/broker-key.pem" "$c/broker-cert.pem" > "$c/broker.pem.tmp"
  mv "$c/broker.pem.tmp" "$c/broker.pem"
}

write_config() {
  mkdir -p "$DIR"
  local listeners="PLAINTEXT://127.0.0.1:$PORT" protocols="PLAINTEXT:PLAINTEXT"
  [ -n "$SSL_PORT" ] && listeners+=",SSL://127.0.0.1:$SSL_PORT" && protocols+=",SSL:SSL"
  [ -n "$SASL_PORT" ] && listeners+=",SASL_SSL://127.0.0.1:$SASL_PORT" && protocols+=",SASL_SSL:SASL_SSL"
  cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=$listeners,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols,CONTROLLER:PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=67108864
PROPS
  if tls_wanted; then
    cat >> "$DIR/server.properties" <<PROPS
ssl.keystore.type=PEM
ssl.keystore.location=$DIR/tls/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$DIR/tls/ca-cert.pem
ssl.client.auth=none
PROPS
  fi
  if [ -n "$SASL_PORT" ]; then
    cat >> "$DIR/server.properties" <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
PROPS
  fi
  cat > "$DIR/log4j2.properties" <<'PROPS'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
PROPS
}

java_cmd() {
  java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" -Dkafka.logs.dir="$DIR/logs" \
    -cp "$LIBS/*" "$@"
}

start() {
  if svc_alive "$NAME" "$PATTERN"; then
    log "$NAME: already running (pid $(svc_pid "$NAME"), port $PORT)"
    return 0
  fi
  port_open "$PORT" && die "$NAME: port $PORT is taken by another process; set TRIBUTARY_KAFKA_PORT"
  port_open "$CPORT" && die "$NAME: port $CPORT is taken; set TRIBUTARY_KAFKA_CONTROLLER_PORT"
  if [ -n "$SSL_PORT" ] && port_open "$SSL_PORT"; then
    die "$NAME: port $SSL_PORT is taken; set TRIBUTARY_KAFKA_SSL_PORT"
  fi
  if [ -n "$SASL_PORT" ] && port_open "$SASL_PORT"; then
    die "$NAME: port $SASL_PORT is taken; set TRIBUTARY_KAFKA_SASL_PORT"
  fi
  fetch_jars
  write_config
  if tls_wanted; then make_certs; fi
  if [ ! -f "$DIR/data/meta.properties" ]; then
    local cluster_id scram=()
    if [ -n "$SASL_PORT" ]; then
      scram=(--add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]")
    fi
    cluster_id=$(java_cmd kafka.tools.StorageTool random-uuid 2>>"$LOG" | tail -n 1)
    java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" \
      "${scram[@]}" >>"$LOG" 2>&1 || die "$NAME: kafka-storage format failed; see $LOG"
  fi
  # Readiness is judged on this start's part of the log (a restart appends to it).
  local log_from started_at=$SECONDS
  log_from=$(($(stat -c %s "$LOG" 2>/dev/null || echo 0) + 1))
  svc_spawn "$NAME" "$LOG" java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" -Dkafka.logs.dir="$DIR/logs" \
    -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties"
  ready() {
    svc_alive "$NAME" "$PATTERN" || return 2
    port_open "$PORT" && tail -c "+$log_from" "$LOG" | grep -q "Kafka Server started"
  }
  if ! wait_until 90 "$NAME to start" ready; then
    tail -n 40 "$LOG" >&2
    die "$NAME did not start; see $LOG"
  fi
  log "$NAME: ready on 127.0.0.1:$PORT in $((SECONDS - started_at))s (Kafka $VERSION, pid $(svc_pid "$NAME"), log $LOG)"
  [ -n "$SSL_PORT" ] && log "$NAME: SSL on 127.0.0.1:$SSL_PORT"
  [ -n "$SASL_PORT" ] && log "$NAME: SASL_SSL (SCRAM-SHA-512 and PLAIN, user $SASL_USER) on 127.0.0.1:$SASL_PORT"
  if tls_wanted; then log "$NAME: CA certificate $DIR/tls/ca-cert.pem"; fi
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) svc_stop "$NAME" "$PATTERN" ;;
  restart) svc_stop "$NAME" "$PATTERN"; start ;;
  status) svc_status "$NAME" "$PATTERN" "$PORT" ;;
  reset) svc_stop "$NAME" "$PATTERN"; rm -rf "$DIR"; log "$NAME: data removed" ;;
  fetch) fetch_jars ;;
  *) echo "usage: $0 start|stop|restart|status|reset|fetch" >&2; exit 2 ;;
esac
