#!/usr/bin/env bash
# Runs the pipeline end to end on this machine: installs what is missing, builds
# `tributary`, starts local MariaDB, Kafka and S3 (scripts/services.sh), loads the example
# `inventory` database, and runs the connectors of examples/local/.
#
# What works at this point of the project, honestly:
#   - the services, the example database and its row binlog;
#   - the binlog reader: `tributary binlog --host` streams the example database's
#     changes from MariaDB as a replica and decodes every row;
#   - `tributary run` loading and validating the connector files and saying what it
#     would start (--dry-run);
#   - NOT yet: the MySQL source and the S3 sink themselves (they land with the binlog
#     reader, source connector and S3 sink work); this script says so when it gets there.
# The services keep running afterwards: `scripts/services.sh stop` stops them.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BUILD="${TRIBUTARY_BUILD_DIR:-$ROOT/build}"

step() { printf '\n== %s\n' "$*"; }

step "1/6 dependencies"
scripts/install-deps.sh

step "2/6 build"
[ -f "$BUILD/rel/build.ninja" ] || cmake -S . -B "$BUILD/rel" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD/rel" --target tributary
TRIBUTARY="$BUILD/rel/src/cli/tributary"
"$TRIBUTARY" version

step "3/6 services"
scripts/services.sh start
# shellcheck disable=SC1091
source "$BUILD/services/env.sh"

step "4/6 example database"
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

step "5/6 the binlog reader: changes since $START, decoded from the live server"
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

step "6/6 connectors (examples/local/mysql_connector.json, examples/local/sink_connector_cdc.json)"
"$TRIBUTARY" run --dry-run examples/local/mysql_connector.json examples/local/sink_connector_cdc.json
cat <<MSG

Status: the services run, the binlog reader decodes the server's changes (above), and the
connector files are valid; but this build does not publish to Kafka or S3 yet: the MySQL
source and the S3 sink are the next pieces of work (see README, "Status"). Nothing was
written to Kafka or S3 by Tributary. Try: MYSQL_PWD=cdc $BUILD/rel/src/cli/tributary binlog
--host 127.0.0.1 --user cdc --server-id 4242 --follow

Look around:
  source $BUILD/services/env.sh
  mariadb --no-defaults -h127.0.0.1 -uadmin -padmin inventory     # change some rows
  scripts/kafka topics                                             # Kafka topics
  scripts/services.sh status | stop
MSG
