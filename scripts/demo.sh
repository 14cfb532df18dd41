#!/usr/bin/env bash
# The main job, start to finish on a fresh Debian 12 machine: installs what is missing, builds,
# starts throwaway PostgreSQL and MariaDB servers, loads the bundled sample shop into MariaDB,
# runs a Switchyard full load into PostgreSQL, shows the task status and checks a few values.
# The servers and their data are removed on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh switchyard

work=$(mktemp -d /tmp/switchyard-demo-XXXXXX)
servers="$work/servers"
cleanup() { scripts/servers.sh stop "$servers"; rm -rf "$work"; }
trap cleanup EXIT
scripts/servers.sh start "$servers"
set -a; . "$servers/env"; set +a

echo "== Loading the sample shop into MariaDB (127.0.0.1:$SY_MY_PORT)"
MYSQL_PWD=$SY_MY_PASSWORD mariadb --default-character-set=utf8mb4 -h 127.0.0.1 -P "$SY_MY_PORT" -u "$SY_MY_USER" < scripts/demo/sample_shop.sql
PGPASSWORD=$SY_PG_PASSWORD psql -q -h 127.0.0.1 -p "$SY_PG_PORT" -U "$SY_PG_USER" -d postgres \
  -c "CREATE DATABASE shop_copy"

cat > "$work/shop-to-pg.json" <<JSON
{
  "ReplicationTaskIdentifier": "shop-to-pg",
  "MigrationType": "full-load",
  "SourceEndpoint": {"EngineName": "mariadb", "ServerName": "127.0.0.1", "Port": $SY_MY_PORT,
                     "Username": "$SY_MY_USER", "PasswordEnv": "SY_MY_PASSWORD"},
  "TargetEndpoint": {"EngineName": "postgres", "ServerName": "127.0.0.1", "Port": $SY_PG_PORT,
                     "DatabaseName": "shop_copy", "Username": "$SY_PG_USER", "PasswordEnv": "SY_PG_PASSWORD"},
  "TableMappings": {"rules": [
    {"rule-type": "selection", "rule-id": "1", "rule-name": "shop", "rule-action": "include",
     "object-locator": {"schema-name": "shop", "table-name": "%"}}
  ]},
  "ReplicationTaskSettings": {
    "FullLoadSettings": {"TargetTablePrepMode": "DROP_AND_CREATE", "MaxFullLoadSubTasks": 4, "CommitRate": 50000}
  }
}
JSON

echo
echo "== switchyard run (full load MariaDB -> PostgreSQL)"
build/switchyard run "$work/shop-to-pg.json" --state-dir "$work/state" --status-interval 1
echo
echo "== switchyard status"
build/switchyard status "$work/shop-to-pg.json" --state-dir "$work/state"
echo
echo "== Spot check: the same order on both sides"
MYSQL_PWD=$SY_MY_PASSWORD mariadb --default-character-set=utf8mb4 -h 127.0.0.1 -P "$SY_MY_PORT" -u "$SY_MY_USER" --table -e \
  "SELECT id, customer_id, status, ordered_at, delivery_window, note FROM shop.orders WHERE id = 70"
PGPASSWORD=$SY_PG_PASSWORD psql -h 127.0.0.1 -p "$SY_PG_PORT" -U "$SY_PG_USER" -d shop_copy -c \
  "SELECT id, customer_id, status, ordered_at, delivery_window, note FROM shop.orders WHERE id = 70"
