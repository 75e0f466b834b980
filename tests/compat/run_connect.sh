#!/usr/bin/env bash
# Runs a real Kafka Connect standalone worker (Apache Kafka's ConnectStandalone) with the
# Debezium MariaDB/MySQL connector plugins: the deployment users run today, the baseline of
# the --debezium benchmarks (tests/compat/connect_bench.py drives it).
#
#   tests/compat/run_connect.sh WORKER.properties [CONNECTOR.properties|.json ...]
#   tests/compat/run_connect.sh --build   # only fetch; prints "KAFKA_LIBS PLUGIN_PATH"
#
# Jars, all from Maven Central through the project's cache ($TRIBUTARY_CACHE, offline
# once fetched):
#   - the Kafka distribution's jars ($TRIBUTARY_CACHE/kafka-<v>/libs, the same ones the
#     test broker runs; scripts/services/kafka.sh fetch), which hold connect-runtime and
#     connect-json;
#   - Debezium's published Connect plugin archives (debezium-connector-{mariadb,mysql}
#     <version>-plugin.tar.gz, what users unpack into plugin.path), of the version the
#     compat runner pins (tests/compat/debezium-runner/pom.xml), unpacked into
#     $TRIBUTARY_CACHE/debezium-connect-<version>/plugins/. Point the worker's plugin.path
#     there (--build prints it).
#
# The JVM runs with the options Kafka's bin/connect-standalone.sh and kafka-run-class.sh use
# by default (-Xms256M -Xmx2G, G1 with MaxGCPauseMillis=20, ...), logging at INFO as the
# distribution's connect-log4j2.yaml, into $CONNECT_LOG (default: next to WORKER.properties,
# connect.log). `exec`: the process id of this script is the JVM's. Environment:
# TRIBUTARY_CONNECT_HEAP_OPTS overrides the heap options.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/services/lib.sh"

DBZ_VERSION=$(sed -n 's:.*<debezium.version>\(.*\)</debezium.version>.*:\1:p' "$HERE/debezium-runner/pom.xml")
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/../../scripts/services/kafka/pom.xml")
KAFKA_LIBS="$TRIBUTARY_CACHE/kafka-$KAFKA_VERSION/libs"
PLUGINS="$TRIBUTARY_CACHE/debezium-connect-$DBZ_VERSION/plugins"

build() {
  [ -f "$KAFKA_LIBS/.complete" ] || "$HERE/../../scripts/services/kafka.sh" fetch
  [ -f "$PLUGINS/.complete" ] && return 0
  command -v mvn >/dev/null || die "mvn not found: run scripts/install-deps.sh"
  mkdir -p "$TRIBUTARY_CACHE"
  exec 9>"$TRIBUTARY_CACHE/debezium-connect.lock"
  flock 9
  if [ ! -f "$PLUGINS/.complete" ]; then
    log "run_connect: fetching the Debezium $DBZ_VERSION Connect plugins into $PLUGINS (Maven Central, once)"
    rm -rf "$PLUGINS" "$PLUGINS.download"
    mkdir -p "$PLUGINS" "$PLUGINS.download"
    for connector in mariadb mysql; do
      mvn -q -B -Dmaven.repo.local="$TRIBUTARY_CACHE/m2" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="io.debezium:debezium-connector-$connector:$DBZ_VERSION:tar.gz:plugin" \
        -DoutputDirectory="$PLUGINS.download" >&2 || die "run_connect: mvn could not fetch debezium-connector-$connector"
      tar xzf "$PLUGINS.download/debezium-connector-$connector-$DBZ_VERSION-plugin.tar.gz" -C "$PLUGINS"
    done
    rm -rf "$PLUGINS.download"
    touch "$PLUGINS/.complete"
  fi
  flock -u 9
}

if [ "${1:-}" = "--build" ]; then
  build
  echo "$KAFKA_LIBS $PLUGINS"
  exit 0
fi
[ $# -ge 1 ] || die "usage: $0 WORKER.properties [CONNECTOR.properties|.json ...] | $0 --build"
build
command -v java >/dev/null || die "java not found: run scripts/install-deps.sh"
WORKER=$1
LOGFILE="${CONNECT_LOG:-$(dirname "$WORKER")/connect.log}"
LOG4J="$(dirname "$LOGFILE")/connect-log4j2.properties"
cat > "$LOG4J" <<PROPS
# INFO to a file, as the distribution's connect-log4j2.yaml (which also copies it to stdout).
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $LOGFILE
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %X{connector.context}%m (%c:%L)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.reflections.name = org.reflections
logger.reflections.level = error
PROPS
# shellcheck disable=SC2086
exec java ${TRIBUTARY_CONNECT_HEAP_OPTS:--Xms256M -Xmx2G} \
  -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
  -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$LOG4J" \
  -cp "$KAFKA_LIBS/*" org.apache.kafka.connect.cli.ConnectStandalone "$@"
