#!/usr/bin/env bash
# The main job, start to finish on a fresh Debian 12 machine: installs what is missing, builds,
# starts throwaway PostgreSQL and MariaDB servers, fills MariaDB with the bundled sample shop
# and a sysbench schema, starts a write load against MariaDB and runs a Switchyard
# full-load-and-cdc task into PostgreSQL:
#
# - on a terminal, in the operations console (`switchyard console`): the full load finishes,
#   CDC latency moves with the load, and once the load stops (after DEMO_LOAD_MINUTES, default
#   3, or at once with `touch WORK_DIR/stop-load` from another terminal) latency falls to zero.
#   Leave with q, then s (stop the task and quit).
# - otherwise (stdin or stdout not a terminal, or DEMO_HEADLESS=1), headless (`switchyard run`):
#   the load runs DEMO_SECONDS (default 60) seconds, then the demo waits for the target to catch
#   up, stops the task, prints `switchyard status` and checks that every table has the same
#   row count (and sum of a written column) on both sides; exit 1 if not.
#
# The load, the engine and the servers and their data are removed on exit, also on failure,
# Ctrl-C or a closed terminal. DEMO_RATE sets sysbench's transactions/s (default 50).
# DEMO_SKIP_BUILD=1 uses an existing build/switchyard as it is (for working on this script).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [[ -z ${DEMO_SKIP_BUILD:-} || ! -x build/switchyard ]]; then
  scripts/build.sh switchyard
fi

load_minutes=${DEMO_LOAD_MINUTES:-3}
demo_seconds=${DEMO_SECONDS:-60}
for v in DEMO_LOAD_MINUTES DEMO_SECONDS DEMO_RATE; do
  [[ ${!v:-1} =~ ^[0-9]+$ ]] || { echo "demo: $v must be a whole number, not '${!v}'" >&2; exit 2; }
done
interactive=
[[ -t 0 && -t 1 && -z ${DEMO_HEADLESS:-} ]] && interactive=1

work=$(mktemp -d /tmp/switchyard-demo-XXXXXX)
servers="$work/servers"
task="$work/mariadb-to-pg.json"
state="$work/state"
load_pid=
engine_pid=

# The write load runs in its own process group (setsid, no job control here, so the pid is
# the group id): one signal to the group ends sysbench, the writer and their helpers.
stop_load() {
  [[ -n $load_pid ]] || return 0
  kill -TERM -- "-$load_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 -- "-$load_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
  load_pid=
}

# A graceful stop first (SIGTERM); two signals in a row make the engine leave at once. The
# console takes a signal as "quit?" and asks (nobody answers once the terminal is gone), so it
# gets a short grace (engine_grace seconds) before the double signal.
engine_grace=30
stop_engine() {
  [[ -n $engine_pid ]] || return 0
  if kill -0 "$engine_pid" 2>/dev/null; then
    kill -TERM "$engine_pid" 2>/dev/null || true
    for _ in $(seq 1 $((engine_grace * 10))); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.1; done
    kill -TERM "$engine_pid" 2>/dev/null && kill -TERM "$engine_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$engine_pid" 2>/dev/null || true
  fi
  wait "$engine_pid" 2>/dev/null || true
  engine_pid=
}

cleanup() {
  trap '' INT TERM HUP
  stop_load
  stop_engine
  scripts/servers.sh stop "$servers"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

scripts/servers.sh start "$servers"
set -a; . "$servers/env"; set +a

my() { MYSQL_PWD=$SY_MY_PASSWORD mariadb --default-character-set=utf8mb4 -h 127.0.0.1 -P "$SY_MY_PORT" -u "$SY_MY_USER" "$@"; }
pg() { PGPASSWORD=$SY_PG_PASSWORD psql -X -q -h 127.0.0.1 -p "$SY_PG_PORT" -U "$SY_PG_USER" "$@"; }

echo "== Loading the sample shop and a sysbench schema (4 x 50,000 rows) into MariaDB (127.0.0.1:$SY_MY_PORT)"
my < scripts/demo/sample_shop.sql &
shop_pid=$!
my -e "CREATE DATABASE sbtest"
(
  umask 077
  printf 'db-driver=mysql\nmysql-host=127.0.0.1\nmysql-port=%s\nmysql-user=%s\nmysql-password=%s\nmysql-db=sbtest\n' \
    "$SY_MY_PORT" "$SY_MY_USER" "$SY_MY_PASSWORD" > "$work/sysbench.cfg"
)
sysbench oltp_write_only --config-file="$work/sysbench.cfg" --tables=4 --table-size=50000 \
  --threads=2 prepare > "$work/sysbench-prepare.log" 2>&1 \
  || { cat "$work/sysbench-prepare.log" >&2; exit 1; }
wait "$shop_pid"
pg -d postgres -c "CREATE DATABASE demo"

cat > "$task" <<JSON
{
  "ReplicationTaskIdentifier": "mariadb-to-pg",
  "MigrationType": "full-load-and-cdc",
  "SourceEndpoint": {"EngineName": "mariadb", "ServerName": "127.0.0.1", "Port": $SY_MY_PORT,
                     "Username": "$SY_MY_USER", "PasswordEnv": "SY_MY_PASSWORD"},
  "TargetEndpoint": {"EngineName": "postgres", "ServerName": "127.0.0.1", "Port": $SY_PG_PORT,
                     "DatabaseName": "demo", "Username": "$SY_PG_USER", "PasswordEnv": "SY_PG_PASSWORD"},
  "TableMappings": {"rules": [
    {"rule-type": "selection", "rule-id": "1", "rule-name": "shop", "rule-action": "include",
     "object-locator": {"schema-name": "shop", "table-name": "%"}},
    {"rule-type": "selection", "rule-id": "2", "rule-name": "sysbench", "rule-action": "include",
     "object-locator": {"schema-name": "sbtest", "table-name": "%"}}
  ]},
  "ReplicationTaskSettings": {
    "FullLoadSettings": {"TargetTablePrepMode": "DROP_AND_CREATE", "MaxFullLoadSubTasks": 4, "CommitRate": 50000}
  }
}
JSON

# Per table: row count and the sum of a column the load writes, "schema.table<TAB>rows<TAB>sum".
# The same query text works on both servers.
fingerprint_sql() {
  local sql="" t
  for t in sbtest.sbtest1 sbtest.sbtest2 sbtest.sbtest3 sbtest.sbtest4; do
    sql+="SELECT '$t', COUNT(*), COALESCE(SUM(k), 0) FROM $t UNION ALL "
  done
  sql+="SELECT 'shop.payment_events', COUNT(*), COALESCE(SUM(attempt + captured), 0) FROM shop.payment_events"
  for t in customers products orders order_items; do
    sql+=" UNION ALL SELECT 'shop.$t', COUNT(*), 0 FROM shop.$t"
  done
  echo "$sql"
}
source_fingerprint() { my -N -B -e "$(fingerprint_sql)" | LC_ALL=C sort; }
target_fingerprint() { pg -d demo -A -t -F $'\t' -c "$(fingerprint_sql)" 2>/dev/null | LC_ALL=C sort; }

compare_tables() {
  local src tgt
  src=$(source_fingerprint)
  tgt=$(target_fingerprint || true)
  printf '%-22s %12s %12s  %s\n' table "MariaDB rows" "PG rows" ""
  LC_ALL=C join -t $'\t' -a 1 -e - -o 0,1.2,1.3,2.2,2.3 <(echo "$src") <(echo "$tgt") |
    awk -F '\t' '{ printf "%-22s %12s %12s  %s\n", $1, $2, $4, ($2 == $4 && $3 == $5) ? "equal" : "DIFFERENT" }'
  [[ "$src" == "$tgt" ]]
}

start_load() {
  setsid scripts/demo/load.sh "$work" "$1" < /dev/null >> "$work/load.log" 2>&1 &
  load_pid=$!
}

echo
echo "== The write load on MariaDB: sysbench oltp_write_only at ${DEMO_RATE:-50} tx/s (2 threads, sbtest1..4)"
echo "   and one insert/update/delete on shop.payment_events every 200 ms, from the start of the task."
if [[ -n $interactive ]]; then
  cat <<TEXT

== The console: full-load-and-cdc task mariadb-to-pg, MariaDB -> PostgreSQL (database demo)
   Watch the full load finish and CDC latency follow the load on the Overview (1),
   the tables and their inserts/updates/deletes in Tables (2), ? for every key.
   The write load stops by itself after $load_minutes minute(s) (DEMO_LOAD_MINUTES); to stop it
   now, from another terminal:  touch $work/stop-load
   Then latency falls to zero. Leave with q, then s (stop task and quit): the load and the
   servers are stopped and removed.

TEXT
  read -r -t 20 -p "Press Enter to open the console (it opens by itself in 20 s) " _ || true
  echo
  start_load $((load_minutes * 60))
  # A background job with its stdin given explicitly (else it would read /dev/null), so that
  # a signal to this script (a closed terminal) reaches the trap at once.
  exec 3<&0
  engine_grace=2
  build/switchyard console "$task" --state-dir "$state" <&3 &
  engine_pid=$!
  rc=0
  wait "$engine_pid" || rc=$?
  engine_pid=
  stop_load
  echo
  echo "== The console exited ($rc). switchyard status:"
  build/switchyard status "$task" --state-dir "$state" || true
  echo
  echo "== Source and target now (differences are expected if the task stopped before it caught up)"
  compare_tables || true
  exit 0
fi

echo
echo "== switchyard run (full-load-and-cdc MariaDB -> PostgreSQL), headless: load for ${demo_seconds} s"
demo_start=$(date +%s)
start_load "$demo_seconds"
build/switchyard run "$task" --state-dir "$state" --status-interval 5 &
engine_pid=$!
while (($(date +%s) - demo_start < demo_seconds)) && [[ ! -e "$work/load-stopped" ]]; do
  kill -0 "$engine_pid" 2>/dev/null || { echo "demo: the task ended early" >&2; wait "$engine_pid" || true; engine_pid=; exit 1; }
  sleep 1
done
stop_load
echo
echo "== Load stopped; waiting for the target to catch up (at most 120 s)"
caught_up=
for _ in $(seq 1 60); do
  kill -0 "$engine_pid" 2>/dev/null || break
  if [[ "$(source_fingerprint)" == "$(target_fingerprint || true)" ]]; then caught_up=1; break; fi
  sleep 2
done
echo
echo "== switchyard stop"
build/switchyard stop "$task" --state-dir "$state" || true
rc=0
wait "$engine_pid" || rc=$?
engine_pid=
echo "switchyard run exited with $rc"
echo
echo "== switchyard status"
build/switchyard status "$task" --state-dir "$state"
echo
echo "== Every table on both sides (rows; the load's columns summed as well)"
equal=0
compare_tables || equal=1
echo
echo "== Spot check: the newest payment event on both sides"
my --table -e "SELECT id, event_uuid, kind, flags, amount, status_bits + 0 AS status_bits, client_ip, message, cutoff, created_at
  FROM shop.payment_events ORDER BY id DESC LIMIT 1"
pg -d demo -c "SELECT id, event_uuid, kind, flags, amount, status_bits::int AS status_bits, client_ip, message, cutoff, created_at
  FROM shop.payment_events ORDER BY id DESC LIMIT 1"
if [[ -z $caught_up || $equal -ne 0 || $rc -ne 0 ]]; then
  echo "demo: the target did not end equal to the source (or the task failed)" >&2
  exit 1
fi
echo "demo: every table equal on both sides"
