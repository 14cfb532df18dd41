#!/usr/bin/env bash
# CDC benchmark (issue 3, section 6): Switchyard's change data capture under a sustained write
# load, MariaDB->PostgreSQL (sysbench oltp_write_only) and PostgreSQL->PostgreSQL (pgbench),
# and, on the same pgbench load, PostgreSQL's own logical replication (CREATE SUBSCRIPTION).
#
#   bench/cdc.sh
#
# Builds nothing: it uses build/switchyard (scripts/build.sh switchyard first). It installs
# missing packages (scripts/install-deps.sh --bench; BENCH_NO_INSTALL=1 skips that), starts
# throwaway servers (scripts/servers.sh) and always stops them again, and for each measurement
#   1. prepares the source (sysbench prepare / pgbench -i) and starts the replication
#      (switchyard run of a full-load-and-cdc task in the background / CREATE SUBSCRIPTION),
#      waiting until the initial copy is done and a marker row travels source -> target;
#   2. fixed rate: BENCH_SECONDS of load at BENCH_RATE changes/s (--rate / -R); Switchyard's
#      CDCLatencyTarget is read from its state store (one sample a second) for that window;
#   3. maximum: BENCH_SECONDS of unthrottled load (BENCH_CLIENTS clients), then the time
#      until the target has caught up (a marker row written on the source right after the
#      load is visible on the target); sustained apply rate = source changes / (load time +
#      catch-up time), or, for a target not caught up after BENCH_MAX_CATCHUP seconds, the
#      changes it applied until then / that time.
# It prints a summary and writes bench/results/cdc-<UTC>.json and bench/results/cdc-latest.json.
# See bench/README.md for the details and how to read the results.
#
# Knobs (environment):
#   BENCH_SECONDS=60          length of each load window (fixed rate, maximum)
#   BENCH_RATE=2000           change rate of the fixed-rate window (changes/s; both loads make
#                             4 row changes per transaction, so --rate / -R = BENCH_RATE / 4)
#   BENCH_RATE_CLIENTS=4      client threads of the fixed-rate window
#   BENCH_CLIENTS=8           client threads of the unthrottled window
#   BENCH_MY_TABLES=4         sysbench tables (MariaDB source)
#   BENCH_MY_TABLE_SIZE=100000  rows per sysbench table
#   BENCH_PG_SCALE=10         pgbench scale (100,000 pgbench_accounts rows per unit)
#   BENCH_CATCHUP_TIMEOUT=600 seconds to wait for a target to catch up after the fixed-rate window
#                             (it must, so the next window starts clean)
#   BENCH_MAX_CATCHUP=60      seconds to wait after the unthrottled window; a target still behind
#                             then is measured by what it applied until then
#   BENCH_NATIVE_SYNC_COMMIT=off  the subscription's synchronous_commit (PostgreSQL's default is
#                             off; Switchyard commits every applied transaction durably)
#   BENCH_SETUP_TIMEOUT=600   seconds to wait for the initial copy + first marker
#   BENCH_BACKLOG_SECONDS=30  length of the backlog window's load (consumer paused meanwhile)
#   BENCH_BATCH_APPLY=0       1: Switchyard tasks run with TargetMetadata.BatchApplyEnabled (net
#                             changes per key, bulk statements) and
#   BENCH_BATCH_APPLY_TIMEOUT_MIN=1  as their ChangeProcessingTuning.BatchApplyTimeoutMin
#   BENCH_ONLY="..."          run only these measurements (space separated ids):
#                             mysql_pg_switchyard pg_pg_switchyard pg_pg_native
#   BENCH_TMPDIR=$TMPDIR|/tmp where the servers and the scratch files live
#   BENCH_NO_INSTALL=1        skip scripts/install-deps.sh (the packages must be present)
#   SWITCHYARD_BUILD_DIR=build  build directory holding the switchyard binary
#
# Passwords never appear on a command line or in the output: the clients read them from files
# in a 0700 scratch directory (mariadb --defaults-file, PGPASSFILE, sysbench --config-file),
# Switchyard from the environment variables named in its task file. The native subscription's
# connection string (with the password) is sent to the throwaway server on psql's stdin.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

BENCH_SECONDS=${BENCH_SECONDS:-60}
BENCH_RATE=${BENCH_RATE:-2000}
BENCH_RATE_CLIENTS=${BENCH_RATE_CLIENTS:-4}
BENCH_CLIENTS=${BENCH_CLIENTS:-8}
BENCH_MY_TABLES=${BENCH_MY_TABLES:-4}
BENCH_MY_TABLE_SIZE=${BENCH_MY_TABLE_SIZE:-100000}
BENCH_PG_SCALE=${BENCH_PG_SCALE:-10}
BENCH_CATCHUP_TIMEOUT=${BENCH_CATCHUP_TIMEOUT:-600}
BENCH_MAX_CATCHUP=${BENCH_MAX_CATCHUP:-60}
BENCH_NATIVE_SYNC_COMMIT=${BENCH_NATIVE_SYNC_COMMIT:-off}
BENCH_SETUP_TIMEOUT=${BENCH_SETUP_TIMEOUT:-600}
BENCH_BATCH_APPLY=${BENCH_BATCH_APPLY:-0}
BENCH_BACKLOG_SECONDS=${BENCH_BACKLOG_SECONDS:-30}
BENCH_BATCH_APPLY_TIMEOUT_MIN=${BENCH_BATCH_APPLY_TIMEOUT_MIN:-1}
[[ $BENCH_BATCH_APPLY == 0 || $BENCH_BATCH_APPLY == 1 ]] || { echo "BENCH_BATCH_APPLY must be 0 or 1" >&2; exit 2; }
[[ $BENCH_BATCH_APPLY_TIMEOUT_MIN =~ ^[0-9]+$ ]] || { echo "BENCH_BATCH_APPLY_TIMEOUT_MIN must be a whole number of seconds" >&2; exit 2; }
if [[ $BENCH_BATCH_APPLY == 1 ]]; then
  sy_batch_settings=", \"TargetMetadata\": {\"BatchApplyEnabled\": true}, \"ChangeProcessingTuning\": {\"BatchApplyTimeoutMin\": $BENCH_BATCH_APPLY_TIMEOUT_MIN}"
else
  sy_batch_settings=
fi
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
all_ids="mysql_pg_switchyard pg_pg_switchyard pg_pg_native"
BENCH_ONLY=${BENCH_ONLY:-$all_ids}
build_dir=${SWITCHYARD_BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$repo/$build_dir
switchyard_bin=$build_dir/switchyard

# Row changes per transaction. sysbench oltp_write_only (defaults): 1 index UPDATE, 1
# non-index UPDATE, 1 DELETE, 1 INSERT. pgbench tpcb-like: 3 UPDATEs, 1 INSERT.
changes_per_tx=4
rate_tps=$(( BENCH_RATE / changes_per_tx ))

log() { printf '[cdc-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for v in BENCH_SECONDS BENCH_RATE BENCH_RATE_CLIENTS BENCH_CLIENTS BENCH_MY_TABLES BENCH_MY_TABLE_SIZE \
         BENCH_PG_SCALE BENCH_CATCHUP_TIMEOUT BENCH_MAX_CATCHUP BENCH_SETUP_TIMEOUT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ $BENCH_NATIVE_SYNC_COMMIT =~ ^(off|local|remote_write|on|remote_apply)$ ]] \
  || die "BENCH_NATIVE_SYNC_COMMIT must be a synchronous_commit value (off, local, on, ...)"
(( rate_tps >= 1 )) || die "BENCH_RATE must be at least $changes_per_tx"
for id in $BENCH_ONLY; do
  [[ " $all_ids " == *" $id "* ]] || die "unknown measurement id '$id' in BENCH_ONLY (known: $all_ids)"
done
wanted() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }

if wanted mysql_pg_switchyard || wanted pg_pg_switchyard; then
  [[ -x $switchyard_bin ]] || die "$switchyard_bin is missing: build it first with scripts/build.sh switchyard (this benchmark builds nothing)"
fi

# ---------------------------------------------------------------------------------------------
# 1. Packages, servers, credentials
# ---------------------------------------------------------------------------------------------
if [[ -z ${BENCH_NO_INSTALL:-} ]]; then
  log "installing missing packages (scripts/install-deps.sh --bench)"
  scripts/install-deps.sh --bench
fi
for tool in mariadb psql pgbench pg_dump sysbench sqlite3 jq awk; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh --bench installs it)"
done

tmp=$(mktemp -d "$BENCH_TMPDIR/switchyard-cdc-bench.XXXXXX")
srv=$tmp/srv        # created by servers.sh
work=$tmp/work      # scratch: client credentials, task files, logs, state dirs
mkdir -m 0700 "$work"
servers_started=
sy_pid=             # the background switchyard run (its own pid; sy_wrap waits for it)
sy_wrap=
sampler_pid=        # the background lag sampler
load_pid=           # the running load generator
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in $load_pid $sampler_pid $sy_pid $sy_wrap; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  if [[ -n $servers_started || -d $srv ]]; then
    log "stopping the servers"
    scripts/servers.sh stop "$srv" >/dev/null 2>&1 || log "warning: servers.sh stop failed"
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

log "starting throwaway servers"
servers_started=1
scripts/servers.sh start "$srv"
# shellcheck disable=SC1091
source "$srv/env"   # SY_PG_PORT SY_PG_USER SY_PG_PASSWORD SY_MY_PORT SY_MY_USER SY_MY_PASSWORD ...
secrets=("$SY_MY_PASSWORD" "$SY_PG_PASSWORD")

(
  umask 077
  printf '[client]\nhost=127.0.0.1\nport=%s\nuser=%s\npassword=%s\ndefault-character-set=utf8mb4\n' \
    "$SY_MY_PORT" "$SY_MY_USER" "$SY_MY_PASSWORD" >"$work/my.cnf"
  printf '127.0.0.1:%s:*:%s:%s\n' "$SY_PG_PORT" "$SY_PG_USER" "$SY_PG_PASSWORD" >"$work/pgpass"
  printf 'mysql-host=127.0.0.1\nmysql-port=%s\nmysql-user=%s\nmysql-password=%s\nmysql-db=sbtest\n' \
    "$SY_MY_PORT" "$SY_MY_USER" "$SY_MY_PASSWORD" >"$work/sysbench.cfg"
)
unset PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS
export PGPASSFILE=$work/pgpass PGHOST=127.0.0.1 PGPORT=$SY_PG_PORT PGUSER=$SY_PG_USER
export PGTZ=UTC PGCLIENTENCODING=UTF8 PGAPPNAME=switchyard-cdc-bench

# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) exit; printf f, a / b }'; }

# stats: numbers on stdin (one a line) -> JSON {"samples", "p50", "p95", "p99", "max", "mean"}
# (nearest-rank percentiles, as switchyard status computes its P50/P95/P99).
stats_json() {
  sort -g | awk '
    NF { v[++n] = $1; s += $1 }
    function q(p,   i) { i = int(p * n); if (i < p * n) i++; if (i < 1) i = 1; return v[i] }
    END {
      if (n == 0) { printf "{\"samples\": 0}"; exit }
      printf "{\"samples\": %d, \"p50\": %.3f, \"p95\": %.3f, \"p99\": %.3f, \"max\": %.3f, \"mean\": %.3f}",
        n, q(0.50), q(0.95), q(0.99), v[n], s / n
    }'
}
jget() { jq -r "$2 // empty" <<<"$1" 2>/dev/null || true; }   # jget JSON FILTER

# ---------------------------------------------------------------------------------------------
# 2. Helpers: marker row, source change counters, Switchyard process and state
# ---------------------------------------------------------------------------------------------
# Every source has a one-row table bench_marker(id, v), replicated like the others. Writing v
# after the load and waiting until the target shows it proves every earlier change is applied
# (both systems apply in source commit order).
marker_seq=0
bump_marker() {  # bump_marker my|pg [DB]: sets the source marker to the next value, marker_seq
  marker_seq=$((marker_seq + 1))
  if [[ $1 == my ]]; then my sbtest -e "UPDATE bench_marker SET v = $marker_seq WHERE id = 1"
  else pg -d "$2" -c "UPDATE bench_marker SET v = $marker_seq WHERE id = 1"; fi
}
# wait_marker DB QUALIFIED_TABLE VALUE TIMEOUT CHECK_FN: polls the target every 0.1 s; sets
# marker_seen (epoch seconds) or leaves it empty on timeout / when CHECK_FN fails.
wait_marker() {
  local db=$1 table=$2 value=$3 timeout=$4 check=$5 deadline v i=0
  deadline=$(awk -v n="$(now)" -v t="$timeout" 'BEGIN { printf "%.0f", n + t }')
  marker_seen=
  while :; do
    v=$(pg1 -d "$db" -c "SELECT v FROM $table WHERE id = 1" 2>/dev/null || true)
    if [[ -n $v && $v -ge $value ]]; then marker_seen=$(now); return 0; fi
    (( ++i % 20 == 0 )) && { "$check" || return 0; }
    (( $(date +%s) >= deadline )) && return 0
    sleep 0.1
  done
}

my_changes() {
  my -N -e "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS
            WHERE VARIABLE_NAME IN ('HANDLER_WRITE', 'HANDLER_UPDATE', 'HANDLER_DELETE')"
}
pg_changes() {  # pg_changes DB [LIKE]: row changes on the benchmark's tables of a PostgreSQL database
  pg1 -d "$1" -c "SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables WHERE relname LIKE '${2:-pgbench%}'"
}

sy_task=; sy_state=; sy_out=; sy_err=
sy_status() { "$switchyard_bin" status "$sy_task" --json --state-dir "$sy_state" 2>/dev/null || true; }
sy_alive() { [[ -n $sy_pid ]] && kill -0 "$sy_pid" 2>/dev/null; }
sy_rc() { cat "$work/sy.rc" 2>/dev/null || true; }
sy_applied() {  # applied changes over all tables
  sy_status | jq '[.TableStatistics[]? | (.AppliedInserts // 0) + (.AppliedUpdates // 0) + (.AppliedDeletes // 0)] | add // 0' 2>/dev/null || true
}
sy_metric_id() { sqlite3 -readonly "$sy_state/state.db" "SELECT COALESCE(MAX(id), 0) FROM metrics" 2>/dev/null || echo 0; }
sy_metric_values() {  # sy_metric_values NAME FROM_ID TO_ID
  sqlite3 -readonly "$sy_state/state.db" \
    "SELECT value FROM metrics WHERE name = '$1' AND id > $2 AND id <= $3 ORDER BY id" 2>/dev/null || true
}
# Why Switchyard failed: exit code, its stderr, the task's LastFailureMessage, the error lines
# of its log, the tables in error.
sy_failure() {
  local s msg=
  if ! sy_alive && [[ -n $sy_pid ]]; then
    sleep 0.2
    msg+="switchyard run exited with $(sy_rc). "
  fi
  s=$(sy_status)
  msg+="Status: $(jget "$s" .ReplicationTask.Status)"
  local f; f=$(jget "$s" .ReplicationTask.LastFailureMessage)
  [[ -n $f ]] && msg+=" LastFailureMessage: $f"
  local t; t=$(jq -r '[.TableStatistics[]? | select(.TableState != "Table completed") | "\(.SchemaName).\(.TableName): \(.TableState) \(.LastFailureMessage // "")"] | join("; ")' <<<"$s" 2>/dev/null || true)
  [[ -n $t ]] && msg+=" Tables: $t"
  [[ -s $sy_err ]] && msg+=" stderr: $(tail -n 5 "$sy_err" | paste -sd'|' -)"
  if [[ -f $sy_state/logs/switchyard.log ]]; then
    local e; e=$(grep -E '"(severity|level)":"(E|ERROR|C|CRITICAL|error|critical)' "$sy_state/logs/switchyard.log" | tail -n 3 | paste -sd'|' - || true)
    [[ -n $e ]] && msg+=" log: $e"
  fi
  printf '%s' "$msg" | redact | cut -c1-2000
}
sy_ok() { sy_alive && [[ $(jget "$(sy_status)" .ReplicationTask.Status) != failed ]]; }
always_ok() { true; }

write_task() {  # write_task FILE ID SOURCE_ENGINE SOURCE_PORT SOURCE_DB SOURCE_USER SCHEMA TARGET_DB
  cat >"$1" <<JSON
{
  "ReplicationTaskIdentifier": "$2",
  "MigrationType": "full-load-and-cdc",
  "SourceEndpoint": {"EngineName": "$3", "ServerName": "127.0.0.1", "Port": $4,
                     "DatabaseName": "$5", "Username": "$6",
                     "PasswordEnv": "$( [[ $3 == postgres ]] && echo SY_PG_PASSWORD || echo SY_MY_PASSWORD )"},
  "TargetEndpoint": {"EngineName": "postgres", "ServerName": "127.0.0.1", "Port": $SY_PG_PORT,
                     "DatabaseName": "$8", "Username": "$SY_PG_USER", "PasswordEnv": "SY_PG_PASSWORD"},
  "TableMappings": {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all",
                               "object-locator": {"schema-name": "$7", "table-name": "%"},
                               "rule-action": "include"}]},
  "ReplicationTaskSettings": {"FullLoadSettings": {"TargetTablePrepMode": "DROP_AND_CREATE",
                                                   "MaxFullLoadSubTasks": 4}$sy_batch_settings}
}
JSON
}

# launch_switchyard [ARGS...]: `switchyard run` of the current task in the background (output
# appended to $sy_out/$sy_err); sets sy_pid and sy_wrap.
launch_switchyard() {
  rm -f "$work/sy.rc" "$work/sy.pid"
  ( SY_MY_PASSWORD=$SY_MY_PASSWORD SY_PG_PASSWORD=$SY_PG_PASSWORD \
      "$switchyard_bin" run "$sy_task" --state-dir "$sy_state" "$@" >>"$sy_out" 2>>"$sy_err" &
    echo $! >"$work/sy.pid"
    rc=0; wait $! || rc=$?
    echo "$rc" >"$work/sy.rc" ) &
  sy_wrap=$!
  for _ in $(seq 1 50); do [[ -s $work/sy.pid ]] && break; sleep 0.1; done
  sy_pid=$(cat "$work/sy.pid")
}

# start_switchyard ID ENGINE PORT DB USER SCHEMA TARGET_DB NTABLES MARKER_KIND:
# runs the task in the background and waits until every table is "Table completed", CDC
# metrics are published and a marker row has reached the target. Sets setup_ok/setup_msg,
# full_load_seconds, setup_seconds.
start_switchyard() {
  local id=$1 engine=$2 port=$3 db=$4 user=$5 schema=$6 tdb=$7 ntables=$8 kind=$9
  sy_task=$work/task-$id.json; sy_state=$work/state-$id
  sy_out=$work/$id.out; sy_err=$work/$id.err
  setup_ok=; setup_msg=; full_load_seconds=; setup_seconds=
  pg -d postgres -c "CREATE DATABASE $tdb"
  write_task "$sy_task" "$id" "$engine" "$port" "$db" "$user" "$schema" "$tdb"
  local t0; t0=$(now)
  : >"$sy_out"; : >"$sy_err"
  launch_switchyard
  local deadline=$(( $(date +%s) + BENCH_SETUP_TIMEOUT )) s done_tables have_metric
  while :; do
    sleep 1
    if ! sy_alive; then setup_msg="during the full load: $(sy_failure)"; return 0; fi
    s=$(sy_status)
    done_tables=$(jq '[.TableStatistics[]? | select(.TableState == "Table completed")] | length' <<<"$s" 2>/dev/null || echo 0)
    have_metric=$(jq -r 'if .Metrics.CDCLatencyTarget then "yes" else "" end' <<<"$s" 2>/dev/null || true)
    if [[ $done_tables -ge $ntables && -n $have_metric ]]; then break; fi
    if (( $(date +%s) >= deadline )); then
      setup_msg="full load not finished / CDC not started after ${BENCH_SETUP_TIMEOUT}s: $(sy_failure)"; return 0
    fi
  done
  full_load_seconds=$(elapsed "$t0" "$(now)")
  bump_marker "$kind" "$db"
  wait_marker "$tdb" "$schema.bench_marker" "$marker_seq" "$BENCH_SETUP_TIMEOUT" sy_ok
  if [[ -z $marker_seen ]]; then setup_msg="CDC did not deliver the first marker row: $(sy_failure)"; return 0; fi
  setup_seconds=$(elapsed "$t0" "$marker_seen")
  setup_ok=1
}

stop_switchyard() {  # sets sy_stop_rc
  sy_stop_rc=
  [[ -n $sy_pid ]] || return 0
  if sy_alive; then
    "$switchyard_bin" stop "$sy_task" --state-dir "$sy_state" --timeout 120 >/dev/null 2>>"$sy_err" || true
  fi
  wait "$sy_wrap" 2>/dev/null || true
  sy_stop_rc=$(sy_rc)
  sy_pid=; sy_wrap=
}

# Lag sampler for PostgreSQL sources (both systems): once a second, the slot's distance to the
# source's WAL end (bytes) and pg_stat_replication.replay_lag of its walsender.
start_sampler() {  # start_sampler SOURCE_DB SLOT_LIKE FILE
  local db=$1 like=$2 file=$3
  : >"$file"
  ( while :; do
      pg1 -d "$db" -F ' ' -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn),
                                COALESCE(EXTRACT(epoch FROM r.replay_lag), -1)
                         FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
                         WHERE s.slot_name LIKE '$like' AND s.database = '$db' AND s.slot_type = 'logical'
                         ORDER BY s.slot_name LIMIT 1" >>"$file" 2>/dev/null || true
      sleep 1
    done ) &
  sampler_pid=$!
}
stop_sampler() {
  [[ -n $sampler_pid ]] || return 0
  kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=
}

# ---------------------------------------------------------------------------------------------
# 3. Load generators
# ---------------------------------------------------------------------------------------------
# run_load my|pg DB CLIENTS RATE_TPS(0 = unthrottled): BENCH_SECONDS of load; sets load_tx,
# load_tps, load_seconds, load_start, load_end, load_msg (non-empty on failure).
run_load() {
  local kind=$1 db=$2 clients=$3 rate=$4 out=$work/load.out
  load_tx=; load_tps=; load_msg=
  local args=()
  load_start=$(now)
  if [[ $kind == my ]]; then
    (( rate > 0 )) && args+=(--rate="$rate")
    sysbench --config-file="$work/sysbench.cfg" oltp_write_only --tables="$BENCH_MY_TABLES" \
      --table-size="$BENCH_MY_TABLE_SIZE" --threads="$clients" --time="$BENCH_SECONDS" \
      --report-interval=0 "${args[@]}" run >"$out" 2>&1 &
  else
    (( rate > 0 )) && args+=(-R "$rate")
    local jobs=$(( clients < 2 ? clients : 2 ))
    pgbench -n -c "$clients" -j "$jobs" -T "$BENCH_SECONDS" "${args[@]}" "$db" >"$out" 2>&1 &
  fi
  load_pid=$!
  local rc=0; wait "$load_pid" || rc=$?
  load_pid=
  load_end=$(now)
  load_seconds=$(elapsed "$load_start" "$load_end")
  if [[ $kind == my ]]; then
    load_tx=$(awk '/transactions:/ { print $2; exit }' "$out")
    load_tps=$(awk '/transactions:/ { gsub(/\(/, "", $3); print $3; exit }' "$out")
  else
    load_tx=$(awk -F': ' '/number of transactions actually processed/ { split($2, a, "/"); print a[1]; exit }' "$out")
    load_tps=$(awk '/^tps = / { print $3; exit }' "$out")
  fi
  if [[ $rc -ne 0 || -z $load_tx ]]; then
    load_msg="load generator exited with $rc: $(tail -n 5 "$out" | redact | paste -sd'|' -)"
  fi
  cp "$out" "$work/load-last.out"
}

# ---------------------------------------------------------------------------------------------
# 4. One measurement = fixed-rate window + unthrottled window
# ---------------------------------------------------------------------------------------------
declare -A m_json m_status m_msg m_title m_short
m_title[mysql_pg_switchyard]="MariaDB -> PostgreSQL, Switchyard full-load-and-cdc, sysbench oltp_write_only load"
m_title[pg_pg_switchyard]="PostgreSQL -> PostgreSQL, Switchyard full-load-and-cdc, pgbench tpcb-like load"
m_title[pg_pg_native]="PostgreSQL -> PostgreSQL, native logical replication (CREATE SUBSCRIPTION), pgbench tpcb-like load"
m_short[mysql_pg_switchyard]="MariaDB->PG Switchyard"
m_short[pg_pg_switchyard]="PG->PG Switchyard"
m_short[pg_pg_native]="PG->PG native logical"
declare -A r_p50 r_p95 r_p99 r_rate_changes r_max_rate r_catchup r_source_limited r_max_src_rate \
  r_fixed_catchup r_max_load_apply r_drain_rate

# window KIND(my|pg) SOURCE_DB TARGET_DB TARGET_TABLE SYSTEM(switchyard|native) PHASE(fixed|max)
# -> sets window_json, window_ok, window_msg and a few scalars for the summary.
# Source changes are counted on the source, applied changes on the target (pg_stat_user_tables
# of the target tables: both systems apply with ordinary DML). After the fixed-rate window the
# target must catch up (BENCH_CATCHUP_TIMEOUT) so the next window starts clean; after the
# unthrottled window we wait at most BENCH_MAX_CATCHUP seconds: an apply that has not caught
# up by then is measured by what it applied until then.
window() {
  local kind=$1 sdb=$2 tdb=$3 ttable=$4 system=$5 phase=$6
  local clients rate c0 c1 g0 g1 g2 a0 a1 mid0 mid1 check=always_ok samples catchup_limit like
  window_ok=; window_msg=; window_json=
  [[ $system == switchyard ]] && check=sy_ok
  if [[ $kind == my ]]; then like='sbtest%'; else like='pgbench%'; fi
  if [[ $phase == fixed ]]; then clients=$BENCH_RATE_CLIENTS; rate=$rate_tps; catchup_limit=$BENCH_CATCHUP_TIMEOUT
  else clients=$BENCH_CLIENTS; rate=0; catchup_limit=$BENCH_MAX_CATCHUP; fi
  local lagfile=$work/lag-$system-$phase.txt
  if [[ $kind == my ]]; then c0=$(my_changes); else c0=$(pg_changes "$sdb"); fi
  g0=$(pg_changes "$tdb" "$like")
  [[ $system == switchyard ]] && { a0=$(sy_applied); mid0=$(sy_metric_id); }
  if [[ $kind == pg ]]; then
    if [[ $system == switchyard ]]; then start_sampler "$sdb" 'switchyard%' "$lagfile"
    else start_sampler "$sdb" bench_sub "$lagfile"; fi
  fi
  log "  $phase: ${BENCH_SECONDS}s of load, $clients clients$( (( rate > 0 )) && echo ", --rate $rate tx/s (= $BENCH_RATE changes/s)" || echo ", unthrottled")"
  run_load "$kind" "$sdb" "$clients" "$rate"
  bump_marker "$kind" "$sdb"
  [[ $system == switchyard ]] && mid1=$(sy_metric_id)
  sleep 0.5   # PostgreSQL backends report their counters at exit / at most once a second
  if [[ $kind == my ]]; then c1=$(my_changes); else c1=$(pg_changes "$sdb"); fi
  g1=$(pg_changes "$tdb" "$like")
  local t_g1; t_g1=$(now)
  wait_marker "$tdb" "$ttable" "$marker_seq" "$catchup_limit" "$check"
  local t_end; t_end=${marker_seen:-$(now)}
  stop_sampler
  local catchup=
  [[ -n $marker_seen ]] && catchup=$(elapsed "$load_end" "$marker_seen")
  [[ -n $marker_seen ]] && sleep 1.2   # let the target's counters include the last changes
  g2=$(pg_changes "$tdb" "$like")
  [[ $system == switchyard ]] && a1=$(sy_applied)
  local changes=$(( c1 - c0 ))
  [[ $kind == my ]] && changes=$(( changes - 1 ))   # Handler_update counts the marker update
  local applied_load=$(( g1 - g0 )) applied_all=$(( g2 - g0 ))
  local src_rate; src_rate=$(div "$changes" "$load_seconds" %.0f)
  local load_apply_rate; load_apply_rate=$(div "$applied_load" "$(elapsed "$load_start" "$t_g1")" %.0f)
  local sy_applied_changes=; [[ $system == switchyard && -n $a0 && -n $a1 ]] && sy_applied_changes=$(( a1 - a0 - 1 ))
  # Sustained apply rate: when caught up, source changes / (load + catch-up); otherwise what
  # the target applied from the start of the load until we stopped waiting, over that time.
  local sustained
  if [[ -n $catchup ]]; then
    sustained=$(awk -v c="$changes" -v l="$load_seconds" -v u="$catchup" 'BEGIN { printf "%.0f", c / (l + u) }')
  else
    sustained=$(div "$applied_all" "$(elapsed "$load_start" "$t_end")" %.0f)
  fi
  # The apply kept up if the target was current within 2 s of the load's end: then the load,
  # not the apply, was the limit and the apply capacity is at least the rate measured.
  local limited=; [[ -n $catchup ]] && awk -v u="$catchup" 'BEGIN { exit !(u <= 2) }' && limited=1
  local lat_json='null' thr_json='null' lag_json='null' rlag_json='null' status_metrics='null' lat_end='' lat_first='' lat_last=
  if [[ $system == switchyard ]]; then
    samples=$(sy_metric_values CDCLatencyTarget "$mid0" "$mid1")
    lat_json=$(stats_json <<<"$samples")
    lat_end=$(tail -n 1 <<<"$samples")
    lat_first=$(head -n 10 <<<"$samples" | awk 'NF { s += $1; n++ } END { if (n) printf "%.3f", s / n }')
    lat_last=$(tail -n 10 <<<"$samples" | awk 'NF { s += $1; n++ } END { if (n) printf "%.3f", s / n }')
    thr_json=$(sy_metric_values CDCThroughputRowsTarget "$mid0" "$mid1" | stats_json)
    status_metrics=$(sy_status | jq -c '.Metrics.CDCLatencyTarget // null' 2>/dev/null || echo null)
    [[ -n $status_metrics ]] || status_metrics=null
  fi
  if [[ $kind == pg ]]; then
    lag_json=$(awk 'NF >= 1 && $1 != "" { print $1 }' "$lagfile" | stats_json)
    rlag_json=$(awk 'NF >= 2 && $2 >= 0 { print $2 }' "$lagfile" | stats_json)
  fi
  window_json=$(printf '{"clients": %s, "rate_limit_tps": %s, "load_seconds": %s, "transactions": %s, "tps": %s, "source_changes": %s, "source_change_rate": %s, "target_changes_during_load": %s, "target_apply_rate_during_load": %s, "target_changes_until_caught_up": %s, "caught_up": %s, "catchup_wait_limit_seconds": %s, "catchup_seconds": %s, "sustained_apply_rate": %s, "apply_kept_up": %s, "switchyard_applied_changes_counter": %s, "cdc_latency_target_seconds": %s, "cdc_latency_target_first_10s_mean": %s, "cdc_latency_target_last_10s_mean": %s, "cdc_latency_target_at_load_end": %s, "cdc_throughput_rows_target": %s, "status_json_cdc_latency_target": %s, "slot_lag_bytes": %s, "walsender_replay_lag_seconds": %s, "load_message": %s}' \
    "$clients" "$rate" "$load_seconds" "$(jnum "$load_tx")" "$(jnum "$load_tps")" "$changes" "$(jnum "$src_rate")" \
    "$applied_load" "$(jnum "$load_apply_rate")" "$applied_all" "$( [[ -n $catchup ]] && echo true || echo false)" "$catchup_limit" \
    "$(jnum "$catchup")" "$(jnum "$sustained")" "$(jbool "$limited")" "$(jnum "$sy_applied_changes")" \
    "$lat_json" "$(jnum "$lat_first")" "$(jnum "$lat_last")" "$(jnum "$lat_end")" "$thr_json" "$status_metrics" "$lag_json" "$rlag_json" "$(jstr "$load_msg")")
  w_src_rate=$src_rate; w_catchup=$catchup; w_sustained=$sustained; w_limited=$limited; w_lat=$lat_json
  w_load_apply_rate=$load_apply_rate; w_lat_first=$lat_first; w_lat_last=$lat_last
  if [[ -n $load_msg ]]; then window_msg="$phase window: $load_msg"; return 0; fi
  if [[ $system == switchyard ]] && ! sy_ok; then window_msg="$phase window: Switchyard failed: $(sy_failure)"; return 0; fi
  if [[ -z $catchup && $phase == fixed ]]; then
    window_msg="$phase window: the target did not catch up within ${BENCH_CATCHUP_TIMEOUT}s (BENCH_CATCHUP_TIMEOUT)$( [[ $system == switchyard ]] && printf '; %s' "$(sy_failure)")"
    return 0
  fi
  window_ok=1
}

# backlog_window KIND SOURCE_DB TARGET_DB TARGET_TABLE SYSTEM -> sets backlog_json and
# b_rate/b_drain. Apply capacity without the load generator as the limit: the consumer is
# paused (Switchyard stopped gracefully / ALTER SUBSCRIPTION ... DISABLE), BENCH_BACKLOG_SECONDS
# of unthrottled load build a backlog, then the consumer resumes (Switchyard: a new process,
# --start-type resume-processing, so its start-up counts against it) and the drain rate is the
# backlog's source changes / the time from the resume until the marker written after the load
# is on the target.
backlog_window() {
  local kind=$1 sdb=$2 tdb=$3 ttable=$4 system=$5 c0 c1 check=always_ok
  backlog_json=null; b_rate=; b_drain=
  [[ $system == switchyard ]] && check=sy_ok
  log "  backlog: consumer paused, ${BENCH_BACKLOG_SECONDS}s of unthrottled load ($BENCH_CLIENTS clients), then it resumes"
  if [[ $system == switchyard ]]; then stop_switchyard
  else pg -d "$tdb" -c "ALTER SUBSCRIPTION bench_sub DISABLE" >/dev/null; fi
  if [[ $kind == my ]]; then c0=$(my_changes); else c0=$(pg_changes "$sdb"); fi
  local saved=$BENCH_SECONDS
  BENCH_SECONDS=$BENCH_BACKLOG_SECONDS
  run_load "$kind" "$sdb" "$BENCH_CLIENTS" 0
  BENCH_SECONDS=$saved
  bump_marker "$kind" "$sdb"
  sleep 0.5   # PostgreSQL backends report their counters at exit / at most once a second
  if [[ $kind == my ]]; then c1=$(my_changes); else c1=$(pg_changes "$sdb"); fi
  local changes=$(( c1 - c0 ))
  [[ $kind == my ]] && changes=$(( changes - 1 ))   # Handler_update counts the marker update
  local t0; t0=$(now)
  if [[ $system == switchyard ]]; then launch_switchyard --start-type resume-processing
  else pg -d "$tdb" -c "ALTER SUBSCRIPTION bench_sub ENABLE" >/dev/null; fi
  wait_marker "$tdb" "$ttable" "$marker_seq" "$BENCH_CATCHUP_TIMEOUT" "$check"
  if [[ -n $marker_seen ]]; then
    b_drain=$(elapsed "$t0" "$marker_seen")
    b_rate=$(div "$changes" "$b_drain" %.0f)
    log "    backlog of $changes changes drained in ${b_drain}s: $b_rate changes/s"
  else
    log "    the backlog was not drained within ${BENCH_CATCHUP_TIMEOUT}s$( [[ $system == switchyard ]] && printf '; %s' "$(sy_failure)")"
  fi
  backlog_json=$(printf '{"load_seconds": %s, "clients": %s, "source_changes": %s, "drained": %s, "drain_seconds": %s, "drain_rate": %s, "load_message": %s}' \
    "$(jnum "$load_seconds")" "$BENCH_CLIENTS" "$changes" "$( [[ -n $b_drain ]] && echo true || echo false)" \
    "$(jnum "$b_drain")" "$(jnum "$b_rate")" "$(jstr "$load_msg")")
}

# measure ID KIND SOURCE_DB TARGET_DB TARGET_TABLE SYSTEM
measure() {
  local id=$1 kind=$2 sdb=$3 tdb=$4 ttable=$5 system=$6 fixed=null max=null
  window "$kind" "$sdb" "$tdb" "$ttable" "$system" fixed
  fixed=$window_json
  r_rate_changes[$id]=$w_src_rate
  r_p50[$id]=$(jq -r '.p50 // empty' <<<"$w_lat" 2>/dev/null || true)
  r_p95[$id]=$(jq -r '.p95 // empty' <<<"$w_lat" 2>/dev/null || true)
  r_p99[$id]=$(jq -r '.p99 // empty' <<<"$w_lat" 2>/dev/null || true)
  r_fixed_catchup[$id]=$w_catchup
  if [[ -n $window_ok ]]; then
    log "    $w_src_rate changes/s at the source, $w_load_apply_rate/s applied during the load; caught up ${w_catchup}s after it$( [[ -n ${r_p99[$id]} ]] && echo "; CDCLatencyTarget p50/p95/p99 ${r_p50[$id]}/${r_p95[$id]}/${r_p99[$id]} s (first/last 10 s mean $w_lat_first/$w_lat_last s)")"
    window "$kind" "$sdb" "$tdb" "$ttable" "$system" max
    max=$window_json
    r_max_src_rate[$id]=$w_src_rate; r_catchup[$id]=$w_catchup; r_max_rate[$id]=$w_sustained; r_source_limited[$id]=$w_limited
    r_max_load_apply[$id]=$w_load_apply_rate
    [[ -n $window_ok ]] && log "    unthrottled: $w_src_rate changes/s at the source, $w_load_apply_rate/s applied during the load; $( [[ -n $w_catchup ]] && echo "caught up ${w_catchup}s after it" || echo "not caught up ${BENCH_MAX_CATCHUP}s after it"); sustained apply rate $w_sustained changes/s"
  fi
  local backlog=null
  if [[ -n $window_ok ]]; then
    backlog_window "$kind" "$sdb" "$tdb" "$ttable" "$system"
    backlog=$backlog_json; r_drain_rate[$id]=$b_rate
  fi
  if [[ -n $window_ok ]]; then m_status[$id]=ok
  else m_status[$id]=error; m_msg[$id]=$window_msg; log "    error: $window_msg"; fi
  m_json[$id]="\"fixed_rate\": $fixed, \"max_rate\": $max, \"backlog\": $backlog"
}

software_sy=$("$switchyard_bin" --version 2>/dev/null | head -n1 || true)
w_catchup=
declare -A m_setup

# ---------------------------------------------------------------------------------------------
# 5. MariaDB -> PostgreSQL, Switchyard
# ---------------------------------------------------------------------------------------------
if wanted mysql_pg_switchyard; then
  id=mysql_pg_switchyard; w_catchup=
  log "$id: sysbench oltp_write_only prepare, $BENCH_MY_TABLES tables x $BENCH_MY_TABLE_SIZE rows"
  my -e "CREATE DATABASE sbtest"
  sysbench --config-file="$work/sysbench.cfg" oltp_write_only --tables="$BENCH_MY_TABLES" \
    --table-size="$BENCH_MY_TABLE_SIZE" prepare >"$work/sysbench-prepare.log" 2>&1 \
    || { redact <"$work/sysbench-prepare.log" | tail -n 5 >&2; die "sysbench prepare failed"; }
  my sbtest -e "CREATE TABLE bench_marker (id INT PRIMARY KEY, v BIGINT NOT NULL); INSERT INTO bench_marker VALUES (1, 0)"
  log "$id: switchyard run (full-load-and-cdc) into PostgreSQL database sy_my"
  start_switchyard bench-cdc-my-pg mariadb "$SY_MY_PORT" sbtest "$SY_MY_USER" sbtest sy_my $((BENCH_MY_TABLES + 1)) my
  m_setup[$id]=$(printf '"source_rows": %s, "full_load_seconds": %s, "first_marker_seconds": %s' \
    "$((BENCH_MY_TABLES * BENCH_MY_TABLE_SIZE))" "$(jnum "$full_load_seconds")" "$(jnum "$setup_seconds")")
  if [[ -z $setup_ok ]]; then
    m_status[$id]=error; m_msg[$id]="setup: $setup_msg"; log "  error: ${m_msg[$id]}"
  else
    log "  full load done and CDC running after ${full_load_seconds}s"
    measure "$id" my sbtest sy_my sbtest.bench_marker switchyard
  fi
  stop_switchyard
  m_setup[$id]+=", \"stop_exit_code\": $(jnum "$sy_stop_rc")"
  # Check the target against the source (meaningful only if the last window caught up).
  src_rows=$(my -N -e "SELECT SUM(n) FROM ($(for i in $(seq 1 "$BENCH_MY_TABLES"); do printf '%sSELECT COUNT(*) n FROM sbtest.sbtest%s' "$( [[ $i -gt 1 ]] && echo ' UNION ALL ')" "$i"; done)) x")
  tgt_rows=$(pg1 -d sy_my -c "SELECT SUM(n) FROM ($(for i in $(seq 1 "$BENCH_MY_TABLES"); do printf '%sSELECT COUNT(*) n FROM sbtest.sbtest%s' "$( [[ $i -gt 1 ]] && echo ' UNION ALL ')" "$i"; done)) x" 2>/dev/null || true)
  m_setup[$id]+=", \"rows_at_end\": {\"source\": $(jnum "$src_rows"), \"target\": $(jnum "$tgt_rows"), \"target_had_caught_up\": $(jbool "${w_catchup:-}")}"
fi

# ---------------------------------------------------------------------------------------------
# 6. PostgreSQL -> PostgreSQL: pgbench source, then Switchyard, then native logical replication
# ---------------------------------------------------------------------------------------------
if wanted pg_pg_switchyard || wanted pg_pg_native; then
  log "pgbench -i -s $BENCH_PG_SCALE on database pgsrc"
  pg -d postgres -c "CREATE DATABASE pgsrc"
  pgbench -i -q -s "$BENCH_PG_SCALE" pgsrc >"$work/pgbench-init.log" 2>&1 \
    || { redact <"$work/pgbench-init.log" | tail -n 5 >&2; die "pgbench -i failed"; }
  # pgbench_history has no primary key; it only ever gets INSERTs, but REPLICA IDENTITY FULL
  # keeps it replicable by both systems (Switchyard wants a key or FULL on captured tables).
  pg -d pgsrc -c "ALTER TABLE pgbench_history REPLICA IDENTITY FULL" \
     -c "CREATE TABLE bench_marker (id int PRIMARY KEY, v bigint NOT NULL)" \
     -c "INSERT INTO bench_marker VALUES (1, 0)" -c "VACUUM ANALYZE"
fi

if wanted pg_pg_switchyard; then
  id=pg_pg_switchyard; w_catchup=
  log "$id: switchyard run (full-load-and-cdc) pgsrc -> sy_pg"
  start_switchyard bench-cdc-pg-pg postgres "$SY_PG_PORT" pgsrc "$SY_PG_USER" public sy_pg 5 pg
  m_setup[$id]=$(printf '"source_rows": %s, "full_load_seconds": %s, "first_marker_seconds": %s' \
    "$((BENCH_PG_SCALE * 100011))" "$(jnum "$full_load_seconds")" "$(jnum "$setup_seconds")")
  if [[ -z $setup_ok ]]; then
    m_status[$id]=error; m_msg[$id]="setup: $setup_msg"; log "  error: ${m_msg[$id]}"
  else
    log "  full load done and CDC running after ${full_load_seconds}s"
    measure "$id" pg pgsrc sy_pg public.bench_marker switchyard
  fi
  stop_switchyard
  m_setup[$id]+=", \"stop_exit_code\": $(jnum "$sy_stop_rc")"
  sum_sql="SELECT (SELECT sum(abalance) FROM pgbench_accounts) || '/' || (SELECT count(*) FROM pgbench_history)"
  src_sum=$(pg1 -d pgsrc -c "$sum_sql"); tgt_sum=$(pg1 -d sy_pg -c "$sum_sql" 2>/dev/null || true)
  m_setup[$id]+=", \"check_at_end\": {\"what\": \"sum(abalance)/count(pgbench_history)\", \"source\": $(jstr "$src_sum"), \"target\": $(jstr "$tgt_sum"), \"target_had_caught_up\": $(jbool "${w_catchup:-}")}"
  # The stopped task's slot would keep WAL (and make the next measurement's source pay for
  # nothing): drop it.
  pg -d pgsrc -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'switchyard%' AND NOT active" >/dev/null || true
fi

if wanted pg_pg_native; then
  id=pg_pg_native; w_catchup=
  log "$id: publication on pgsrc, subscription (copy_data = true) in database native_pg"
  pg -d postgres -c "CREATE DATABASE native_pg"
  pg_dump -s -t 'pgbench_*' -t bench_marker pgsrc | pg -d native_pg >/dev/null
  t0=$(now)
  # The subscriber is in the same cluster: CREATE SUBSCRIPTION would wait for itself when
  # creating the slot, so the slot is created first (as the PostgreSQL docs advise).
  pg -d pgsrc -c "CREATE PUBLICATION bench_pub FOR TABLE pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history, bench_marker" \
     -c "SELECT pg_create_logical_replication_slot('bench_sub', 'pgoutput')" >/dev/null
  pg -d native_pg >/dev/null <<SQL
CREATE SUBSCRIPTION bench_sub
  CONNECTION 'host=127.0.0.1 port=$SY_PG_PORT dbname=pgsrc user=$SY_PG_USER password=$SY_PG_PASSWORD'
  PUBLICATION bench_pub WITH (create_slot = false, slot_name = 'bench_sub', copy_data = true,
                             synchronous_commit = '$BENCH_NATIVE_SYNC_COMMIT');
SQL
  setup_ok=
  deadline=$(( $(date +%s) + BENCH_SETUP_TIMEOUT ))
  while (( $(date +%s) < deadline )); do
    n=$(pg1 -d native_pg -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")
    [[ $n == 0 ]] && { setup_ok=1; break; }
    sleep 0.5
  done
  full_load_seconds=$(elapsed "$t0" "$(now)")
  setup_seconds=
  if [[ -n $setup_ok ]]; then
    bump_marker pg pgsrc
    wait_marker native_pg public.bench_marker "$marker_seq" "$BENCH_SETUP_TIMEOUT" always_ok
    [[ -n $marker_seen ]] && setup_seconds=$(elapsed "$t0" "$marker_seen") || setup_ok=
  fi
  m_setup[$id]=$(printf '"source_rows": %s, "full_load_seconds": %s, "first_marker_seconds": %s, "subscription": "create_slot = false (slot made with pg_create_logical_replication_slot), copy_data = true, synchronous_commit = %s"' \
    "$((BENCH_PG_SCALE * 100011))" "$(jnum "$full_load_seconds")" "$(jnum "$setup_seconds")" "$BENCH_NATIVE_SYNC_COMMIT")
  if [[ -z $setup_ok ]]; then
    m_status[$id]=error; m_msg[$id]="setup: the subscription did not finish its initial copy or deliver the first marker within ${BENCH_SETUP_TIMEOUT}s"
    log "  error: ${m_msg[$id]}"
  else
    log "  initial copy done and streaming after ${full_load_seconds}s"
    measure "$id" pg pgsrc native_pg public.bench_marker native
  fi
  sum_sql="SELECT (SELECT sum(abalance) FROM pgbench_accounts) || '/' || (SELECT count(*) FROM pgbench_history)"
  src_sum=$(pg1 -d pgsrc -c "$sum_sql"); tgt_sum=$(pg1 -d native_pg -c "$sum_sql" 2>/dev/null || true)
  m_setup[$id]+=", \"check_at_end\": {\"what\": \"sum(abalance)/count(pgbench_history)\", \"source\": $(jstr "$src_sum"), \"target\": $(jstr "$tgt_sum"), \"target_had_caught_up\": $(jbool "${w_catchup:-}")}"
  pg -d native_pg -c "DROP SUBSCRIPTION bench_sub" >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------------------------------------
# 7. Results
# ---------------------------------------------------------------------------------------------
verdict() {  # verdict VALUE OP THRESHOLD -> pass|fail|not-measured
  if [[ -z $1 ]]; then echo not-measured
  elif awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !((op == "<" && v < t) || (op == ">=" && v >= t)) }'; then echo pass
  else echo fail; fi
}
fmt_int() { if [[ -n $1 ]]; then sed -e :a -e 's/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; else printf -- -; fi; }
ok() { [[ ${m_status[$1]:-} == ok ]]; }

# Apply capacity: the backlog drain rates. The sustained rates of the unthrottled window only
# compare when at least one side fell behind its load (">=" in the table means it kept up).
ratio_native=
if ok pg_pg_switchyard && ok pg_pg_native && [[ -n ${r_drain_rate[pg_pg_switchyard]:-} && -n ${r_drain_rate[pg_pg_native]:-} ]]; then
  ratio_native=$(div "${r_drain_rate[pg_pg_switchyard]}" "${r_drain_rate[pg_pg_native]}" %.3f)
fi
p99_my=; ok mysql_pg_switchyard && p99_my=${r_p99[mysql_pg_switchyard]:-}
p99_pg=; ok pg_pg_switchyard && p99_pg=${r_p99[pg_pg_switchyard]:-}

printf '\nCDC: %ss load windows; fixed rate %s changes/s (%s tx/s x %s changes, %s clients), unthrottled %s clients\n\n' \
  "$BENCH_SECONDS" "$BENCH_RATE" "$rate_tps" "$changes_per_tx" "$BENCH_RATE_CLIENTS" "$BENCH_CLIENTS"
printf '%-23s %-6s | %9s %22s %9s | %9s %9s %9s %11s | %9s\n' "" "" "fixed" "CDCLatencyTarget s" "catch-up" "unthrot." "applied" "catch-up" "sustained" "backlog"
printf '%-23s %-6s | %9s %22s %9s | %9s %9s %9s %11s | %9s\n' "measurement" "status" "ch/s" "p50/p95/p99" "s" "src ch/s" "ch/s*" "s" "apply ch/s" "drain/s"
for id in $all_ids; do
  wanted "$id" || continue
  if ok "$id"; then
    lat=-; [[ -n ${r_p99[$id]:-} ]] && lat="${r_p50[$id]}/${r_p95[$id]}/${r_p99[$id]}"
    sus=$(fmt_int "${r_max_rate[$id]}"); [[ -n ${r_source_limited[$id]:-} ]] && sus=">=$sus"
    cu=${r_catchup[$id]:-}; [[ -z $cu ]] && cu=">$BENCH_MAX_CATCHUP"
    printf '%-23s %-6s | %9s %22s %9s | %9s %9s %9s %11s | %9s\n' "${m_short[$id]}" ok "$(fmt_int "${r_rate_changes[$id]}")" "$lat" \
      "${r_fixed_catchup[$id]:--}" "$(fmt_int "${r_max_src_rate[$id]}")" "$(fmt_int "${r_max_load_apply[$id]}")" "$cu" "$sus" "$(fmt_int "${r_drain_rate[$id]:-}")"
  else
    printf '%-23s %-6s | %s\n' "${m_short[$id]}" error "${m_msg[$id]:-not run}"
  fi
done
printf '* applied on the target during the unthrottled load window. ">=" = the target kept up (the load was the limit).\n'
printf 'drain/s: a backlog of %ss of unthrottled load built while the consumer was paused, applied after it resumed.\n' "$BENCH_BACKLOG_SECONDS"
printf '\nTargets:\n'
printf '  p99 CDCLatencyTarget < 1 s at %s changes/s, MariaDB->PG : %-8s %s\n' "$BENCH_RATE" "${p99_my:--}" "$(verdict "$p99_my" '<' 1)"
printf '  p99 CDCLatencyTarget < 1 s at %s changes/s, PG->PG      : %-8s %s\n' "$BENCH_RATE" "${p99_pg:--}" "$(verdict "$p99_pg" '<' 1)"
printf '  PG->PG apply rate (backlog drain) Switchyard / native >= 1.0 : %-8s %s\n' "${ratio_native:--}" "$(verdict "$ratio_native" '>=' 1)"
printf '\nNote: %s cores, load average now %s; the servers, the load generator and the replication share them.\n' \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

ts=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/cdc-$ts.json
pg_version=$(pg1 -d postgres -c "SHOW server_version")
my_version=$(my -N -e "SELECT VERSION()")
sysbench_version=$(sysbench --version 2>/dev/null | sed -n 1p)
pgbench_version=$(pgbench --version 2>/dev/null | sed -n 1p)
# shellcheck disable=SC1091
os_name=$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")
git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git_dirty=false; [[ -n $(git status --porcelain 2>/dev/null | grep -v '^?? bench/' || true) ]] && git_dirty=true
{
  printf '{\n'
  printf '  "benchmark": "cdc",\n'
  printf '  "timestamp_utc": %s,\n' "$(jstr "$ts")"
  printf '  "git": {"commit": %s, "dirty": %s},\n' "$(jstr "$git_commit")" "$git_dirty"
  printf '  "machine": {"nproc": %s, "cpu_model": %s, "mem_total_kb": %s, "kernel": %s, "os": %s, "loadavg_at_end": %s},\n' \
    "$(nproc)" "$(jstr "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')")" \
    "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" "$(jstr "$(uname -r)")" "$(jstr "$os_name")" \
    "$(jstr "$(cut -d' ' -f1-3 /proc/loadavg)")"
  printf '  "software": {"postgresql": %s, "mariadb": %s, "sysbench": %s, "pgbench": %s, "switchyard": %s},\n' \
    "$(jstr "$pg_version")" "$(jstr "$my_version")" "$(jstr "$sysbench_version")" "$(jstr "$pgbench_version")" "$(jstr "$software_sy")"
  printf '  "settings": {"load_seconds": %s, "fixed_rate_changes_per_second": %s, "fixed_rate_tps": %s, "changes_per_transaction": %s, "fixed_rate_clients": %s, "unthrottled_clients": %s, "catchup_timeout_seconds": %s, "max_window_catchup_wait_seconds": %s, "native_subscription_synchronous_commit": %s, "mariadb_source": {"load": "sysbench oltp_write_only (1 index update, 1 non-index update, 1 delete, 1 insert per transaction)", "tables": %s, "table_size": %s}, "postgresql_source": {"load": "pgbench tpcb-like (3 updates, 1 insert per transaction)", "scale": %s, "pgbench_history": "REPLICA IDENTITY FULL (no primary key; replicated by both systems)"}, "switchyard": {"MigrationType": "full-load-and-cdc", "MaxFullLoadSubTasks": 4, "TargetTablePrepMode": "DROP_AND_CREATE", "BatchApplyEnabled": %s, "BatchApplyTimeoutMin": %s}, "definitions": {"source_changes": "row changes committed on the source during the window (MariaDB: Handler_write+Handler_update+Handler_delete; PostgreSQL: n_tup_ins+n_tup_upd+n_tup_del of the pgbench tables)", "catchup_seconds": "from the end of the load until a marker row written on the source right after it is visible on the target", "target_changes": "row changes applied on the target (n_tup_ins+n_tup_upd+n_tup_del of the target tables in pg_stat_user_tables; counters lag up to ~1 s)", "sustained_apply_rate": "source_changes / (load_seconds + catchup_seconds); if the target had not caught up after max_window_catchup_wait_seconds: target changes from the start of the load until then / that time. apply_kept_up (catch-up <= 2 s) means the load, not the apply, was the limit", "cdc_latency_target_seconds": "Switchyard CDCLatencyTarget samples its engine published (once a second) during the load window, nearest-rank percentiles", "slot_lag_bytes": "PostgreSQL sources, sampled once a second: pg_current_wal_lsn() - confirmed_flush_lsn of the consumer slot", "walsender_replay_lag_seconds": "PostgreSQL sources, sampled once a second: pg_stat_replication.replay_lag of the consumer walsender (null/idle samples left out)", "backlog": "consumer paused (Switchyard stopped / subscription disabled), backlog_seconds of unthrottled load, consumer resumed (Switchyard as a new process, start-up included): drain_rate = source_changes / seconds from the resume until the marker written after the load is on the target"}, "backlog_seconds": %s},\n' \
    "$BENCH_SECONDS" "$BENCH_RATE" "$rate_tps" "$changes_per_tx" "$BENCH_RATE_CLIENTS" "$BENCH_CLIENTS" "$BENCH_CATCHUP_TIMEOUT" \
    "$BENCH_MAX_CATCHUP" "$(jstr "$BENCH_NATIVE_SYNC_COMMIT")" "$BENCH_MY_TABLES" "$BENCH_MY_TABLE_SIZE" "$BENCH_PG_SCALE" \
    "$( [[ $BENCH_BATCH_APPLY == 1 ]] && echo true || echo false)" "$BENCH_BATCH_APPLY_TIMEOUT_MIN" "$BENCH_BACKLOG_SECONDS"
  printf '  "measurements": {\n'
  sep=
  for id in $all_ids; do
    printf '%s    %s: {"title": %s, ' "$sep" "$(jstr "$id")" "$(jstr "${m_title[$id]}")"
    sep=$',\n'
    if ! wanted "$id"; then printf '"status": "skipped"}'; continue; fi
    printf '"status": %s' "$(jstr "${m_status[$id]:-error}")"
    [[ -n ${m_msg[$id]:-} ]] && printf ', "message": %s' "$(jstr "${m_msg[$id]}")"
    [[ -n ${m_setup[$id]:-} ]] && printf ', "setup": {%s}' "${m_setup[$id]}"
    [[ -n ${m_json[$id]:-} ]] && printf ', %s' "${m_json[$id]}"
    printf '}'
  done
  printf '\n  },\n'
  printf '  "targets": [\n'
  printf '    {"name": "p99 CDCLatencyTarget < 1 s at %s changes/s, MariaDB->PG", "value": %s, "threshold": 1.0, "result": "%s"},\n' "$BENCH_RATE" "$(jnum "$p99_my")" "$(verdict "$p99_my" '<' 1)"
  printf '    {"name": "p99 CDCLatencyTarget < 1 s at %s changes/s, PG->PG", "value": %s, "threshold": 1.0, "result": "%s"},\n' "$BENCH_RATE" "$(jnum "$p99_pg")" "$(verdict "$p99_pg" '<' 1)"
  printf '    {"name": "PG->PG apply rate (backlog drain), Switchyard / native logical replication >= 1", "ratio": %s, "threshold": 1.0, "result": "%s"}\n' "$(jnum "$ratio_native")" "$(verdict "$ratio_native" '>=' 1)"
  printf '  ]\n'
  printf '}\n'
} >"$out"
cp "$out" bench/results/cdc-latest.json
if jq -e . "$out" >/dev/null 2>&1; then log "wrote $out (and bench/results/cdc-latest.json)"
else log "warning: $out is not valid JSON"; fi
