#!/usr/bin/env bash
# Large-transaction CDC benchmark (issue 3: "One transaction that changes 2,000,000 rows must
# replicate with engine memory staying under the limit plus a small constant").
#
#   bench/cdc-large-transaction.sh
#
# For PostgreSQL->PostgreSQL and MariaDB->PostgreSQL: a source table big(id INT PRIMARY KEY,
# v VARCHAR(600)), a switchyard run of a full-load-and-cdc task with
# ChangeProcessingTuning.MemoryLimitTotal = BENCH_MEMORY_LIMIT_MB in the background, and, once
# it logs "change capture running", ONE source transaction inserting BENCH_LARGE_ROWS rows of
# 512-character values (repeat(md5(id), 16)). Meanwhile the engine's VmRSS/VmHWM
# (/proc/PID/status) and the size of its spill directory (<state-dir>/spill) are sampled once a
# second until the target has every row. Then the target is checked against the source (row
# count and an order-independent checksum) and the spill directory must empty.
#
# Builds nothing: it uses $SWITCHYARD_BUILD_DIR/switchyard (scripts/build.sh switchyard first).
# It installs missing packages (scripts/install-deps.sh --bench; BENCH_NO_INSTALL=1 skips that),
# starts throwaway servers (scripts/servers.sh) and always stops them again, prints a summary
# and writes bench/results/cdc-large-transaction-<UTC>.json and
# bench/results/cdc-large-transaction-latest.json. See bench/README.md.
# Exit code 1 when a measurement failed (the engine failed or got stuck, or the target differs
# from the source); the memory and spill-file targets are reported as pass/fail.
#
# Knobs (environment):
#   BENCH_LARGE_ROWS=2000000     rows inserted by the one source transaction
#   BENCH_MEMORY_LIMIT_MB=64     ChangeProcessingTuning.MemoryLimitTotal of the task (MB)
#   BENCH_RSS_SLACK_MB=40        the "small constant": peak RSS growth must stay under the limit
#                                plus this (the same slack as tests/integration/cdc_spill_test.cpp)
#   BENCH_APPLY_TIMEOUT=3600     seconds from the source commit until the target must have every row
#   BENCH_SPILL_CLEANUP_TIMEOUT=600  seconds after that for the engine to remove its spill files
#   BENCH_SETUP_TIMEOUT=600      seconds for the engine to start change capture
#   BENCH_ONLY="..."             run only these (space separated): pg_pg_switchyard mysql_pg_switchyard
#   BENCH_TMPDIR=$TMPDIR|/tmp    where the servers and the scratch files live (needs ~4x the
#                                data: source + WAL/binlog + spill + target; ~6 GB for 2M rows)
#   BENCH_NO_INSTALL=1           skip scripts/install-deps.sh (the packages must be present)
#   SWITCHYARD_BUILD_DIR=build   build directory holding the switchyard binary
#
# Passwords never appear on a command line or in the output: the clients read them from files
# in a 0700 scratch directory (mariadb --defaults-file, PGPASSFILE), Switchyard from the
# environment variables named in its task file.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

BENCH_LARGE_ROWS=${BENCH_LARGE_ROWS:-2000000}
BENCH_MEMORY_LIMIT_MB=${BENCH_MEMORY_LIMIT_MB:-64}
BENCH_RSS_SLACK_MB=${BENCH_RSS_SLACK_MB:-40}
BENCH_APPLY_TIMEOUT=${BENCH_APPLY_TIMEOUT:-3600}
BENCH_SPILL_CLEANUP_TIMEOUT=${BENCH_SPILL_CLEANUP_TIMEOUT:-600}
BENCH_SETUP_TIMEOUT=${BENCH_SETUP_TIMEOUT:-600}
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
all_ids="pg_pg_switchyard mysql_pg_switchyard"
BENCH_ONLY=${BENCH_ONLY:-$all_ids}
build_dir=${SWITCHYARD_BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$repo/$build_dir
switchyard_bin=$build_dir/switchyard
value_chars=512   # repeat(md5(id), 16)

log() { printf '[cdc-large-tx %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for v in BENCH_LARGE_ROWS BENCH_MEMORY_LIMIT_MB BENCH_RSS_SLACK_MB BENCH_APPLY_TIMEOUT BENCH_SPILL_CLEANUP_TIMEOUT \
         BENCH_SETUP_TIMEOUT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
for id in $BENCH_ONLY; do
  [[ " $all_ids " == *" $id "* ]] || die "unknown measurement id '$id' in BENCH_ONLY (known: $all_ids)"
done
wanted() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }
[[ -x $switchyard_bin ]] || die "$switchyard_bin is missing: build it first with scripts/build.sh switchyard (this benchmark builds nothing)"

# ---------------------------------------------------------------------------------------------
# 1. Packages, servers, credentials
# ---------------------------------------------------------------------------------------------
if [[ -z ${BENCH_NO_INSTALL:-} ]]; then
  log "installing missing packages (scripts/install-deps.sh --bench)"
  scripts/install-deps.sh --bench
fi
for tool in mariadb psql sqlite3 jq awk find; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh --bench installs it)"
done

tmp=$(mktemp -d "$BENCH_TMPDIR/switchyard-cdc-large-tx.XXXXXX")
srv=$tmp/srv        # created by servers.sh
work=$tmp/work      # scratch: client credentials, task files, engine output, state dirs
mkdir -m 0700 "$work"
servers_started=
sy_pid=             # the background switchyard run (its own pid; sy_wrap waits for it)
sy_wrap=
sampler_pid=        # the background memory / spill sampler
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in $sampler_pid $sy_pid $sy_wrap; do
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
)
unset PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS
export PGPASSFILE=$work/pgpass PGHOST=127.0.0.1 PGPORT=$SY_PG_PORT PGUSER=$SY_PG_USER
export PGTZ=UTC PGCLIENTENCODING=UTF8 PGAPPNAME=switchyard-cdc-large-tx-bench

# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
mb() { awk -v k="$1" 'BEGIN { if (k == "") exit; printf "%.1f", k / 1024 }'; }          # kB -> MB
mb_bytes() { awk -v b="$1" 'BEGIN { if (b == "") exit; printf "%.1f", b / 1048576 }'; }  # bytes -> MB
fmt_int() { if [[ -n $1 ]]; then sed -e :a -e 's/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; else printf -- -; fi; }

# ---------------------------------------------------------------------------------------------
# 2. Switchyard in the background, and the sampler
# ---------------------------------------------------------------------------------------------
sy_task=; sy_state=; sy_out=
sy_alive() { [[ -n $sy_pid ]] && kill -0 "$sy_pid" 2>/dev/null; }
sy_rc() { cat "$work/sy.rc" 2>/dev/null || true; }
sy_status() { "$switchyard_bin" status "$sy_task" --json --state-dir "$sy_state" 2>/dev/null || true; }
# Why the engine is not where it should be: exit code, task status and failure message, the
# last lines of its output (already without secrets: the engine redacts; redact() again anyway).
sy_failure() {
  local msg= s f
  if [[ -n $sy_pid ]] && ! sy_alive; then sleep 0.2; msg+="switchyard run exited with $(sy_rc). "; fi
  s=$(sy_status)
  msg+="Status: $(jq -r '.ReplicationTask.Status // "?"' <<<"$s" 2>/dev/null || echo '?')"
  f=$(jq -r '.ReplicationTask.LastFailureMessage // empty' <<<"$s" 2>/dev/null || true)
  [[ -n $f ]] && msg+=" LastFailureMessage: $f"
  [[ -s $sy_out ]] && msg+=" Last output: $(tail -n 4 "$sy_out" | paste -sd'|' -)"
  printf '%s' "$msg" | redact | cut -c1-2000
}

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
  "ReplicationTaskSettings": {"FullLoadSettings": {"TargetTablePrepMode": "DROP_AND_CREATE"},
                              "ChangeProcessingTuning": {"MemoryLimitTotal": $BENCH_MEMORY_LIMIT_MB}}
}
JSON
}

# start_switchyard ID ENGINE PORT DB USER SCHEMA TARGET_DB: runs the task in the background
# (stdout and stderr, which mirrors the log, to $sy_out) and waits until it logs "change
# capture running". Sets setup_ok / setup_msg, setup_seconds.
start_switchyard() {
  local id=$1 engine=$2 port=$3 db=$4 user=$5 schema=$6 tdb=$7
  sy_task=$work/task-$id.json; sy_state=$work/state-$id; sy_out=$work/$id.out
  setup_ok=; setup_msg=; setup_seconds=
  write_task "$sy_task" "$id" "$engine" "$port" "$db" "$user" "$schema" "$tdb"
  local t0; t0=$(now)
  rm -f "$work/sy.rc" "$work/sy.pid"
  ( SY_MY_PASSWORD=$SY_MY_PASSWORD SY_PG_PASSWORD=$SY_PG_PASSWORD \
      "$switchyard_bin" run "$sy_task" --state-dir "$sy_state" >"$sy_out" 2>&1 &
    echo $! >"$work/sy.pid"
    rc=0; wait $! || rc=$?
    echo "$rc" >"$work/sy.rc" ) &
  sy_wrap=$!
  for _ in $(seq 1 50); do [[ -s $work/sy.pid ]] && break; sleep 0.1; done
  sy_pid=$(cat "$work/sy.pid")
  local deadline=$(( $(date +%s) + BENCH_SETUP_TIMEOUT ))
  while ! grep -q 'change capture running' "$sy_out" 2>/dev/null; do
    if ! sy_alive; then setup_msg="the engine ended before change capture started: $(sy_failure)"; return 0; fi
    if (( $(date +%s) >= deadline )); then
      setup_msg="no \"change capture running\" after ${BENCH_SETUP_TIMEOUT}s: $(sy_failure)"; return 0
    fi
    sleep 0.2
  done
  setup_seconds=$(elapsed "$t0" "$(now)")
  setup_ok=1
}

stop_switchyard() {  # sets sy_stop_rc
  sy_stop_rc=
  [[ -n $sy_pid ]] || return 0
  if sy_alive; then
    "$switchyard_bin" stop "$sy_task" --state-dir "$sy_state" --timeout 120 >/dev/null 2>>"$sy_out" || true
  fi
  wait "$sy_wrap" 2>/dev/null || true
  sy_stop_rc=$(sy_rc)
  sy_pid=; sy_wrap=
}

# Once a second: "EPOCH VmRSS_kB VmHWM_kB SPILL_BYTES SPILL_FILES CPU_SECONDS" of the engine.
start_sampler() {  # start_sampler FILE
  local file=$1
  : >"$file"
  ( while kill -0 "$sy_pid" 2>/dev/null; do
      printf '%s %s %s %s %s\n' "$(now)" "$(proc_kb "$sy_pid" VmRSS)" "$(proc_kb "$sy_pid" VmHWM)" \
        "$(files_bytes "$sy_state/spill" '*.spill')" "$(proc_cpu_seconds "$sy_pid")" >>"$file"
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
# 3. SQL: the source transaction and the checksums
# ---------------------------------------------------------------------------------------------
# The checksum: rows, sum(id), sum(character length of v) and the sum of the first 32 bits of
# md5(id || ':' || v) as an unsigned number: exact integers on both engines (PostgreSQL
# numeric, MariaDB DECIMAL), independent of row order, and it ties each value to its key.
pg_checksum_sql() {  # pg_checksum_sql QUALIFIED_TABLE
  printf "SELECT count(*) || ' ' || COALESCE(sum(id), 0) || ' ' || COALESCE(sum(length(v)), 0) || ' ' || COALESCE(sum(('x' || substr(md5(id::text || ':' || v), 1, 8))::bit(32)::bigint), 0) FROM %s" "$1"
}
my_checksum_sql() {
  printf "SELECT CONCAT_WS(' ', COUNT(*), COALESCE(SUM(id), 0), COALESCE(SUM(CHAR_LENGTH(v)), 0), COALESCE(SUM(CAST(CONV(SUBSTR(MD5(CONCAT(id, ':', v)), 1, 8), 16, 10) AS UNSIGNED)), 0)) FROM %s" "$1"
}
# MariaDB: the SEQUENCE engine's seq_1_to_N table when the server has it (fast), else a
# recursive CTE with max_recursive_iterations raised. Sets my_generator.
my_insert_sql() {
  local n=$BENCH_LARGE_ROWS
  if [[ $(my -N -e "SELECT COUNT(*) FROM information_schema.ENGINES WHERE ENGINE = 'SEQUENCE' AND SUPPORT IN ('YES', 'DEFAULT')") == 1 ]]; then
    my_generator="SEQUENCE engine (seq_1_to_$n)"
    printf 'BEGIN;\nINSERT INTO big SELECT seq, REPEAT(MD5(seq), 16) FROM seq_1_to_%s;\nCOMMIT;\n' "$n"
  else
    my_generator="recursive CTE"
    printf 'SET SESSION max_recursive_iterations = %s;\nBEGIN;\nINSERT INTO big WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) SELECT g, REPEAT(MD5(g), 16) FROM s;\nCOMMIT;\n' "$((n + 1))" "$n"
  fi
}

# ---------------------------------------------------------------------------------------------
# 4. One measurement
# ---------------------------------------------------------------------------------------------
declare -A m_json m_status m_msg m_title m_short
m_title[pg_pg_switchyard]="PostgreSQL -> PostgreSQL, Switchyard full-load-and-cdc, one source transaction inserting BENCH_LARGE_ROWS rows"
m_title[mysql_pg_switchyard]="MariaDB -> PostgreSQL, Switchyard full-load-and-cdc, one source transaction inserting BENCH_LARGE_ROWS rows"
m_short[pg_pg_switchyard]="PG->PG"
m_short[mysql_pg_switchyard]="MariaDB->PG"
declare -A r_tx r_apply r_rss0 r_peak r_growth r_spilled r_spill_peak r_left r_data r_mem_verdict r_rate
my_generator=

# measure ID KIND(pg|my)
measure() {
  local id=$1 kind=$2 n=$BENCH_LARGE_ROWS
  local sdb=bigsrc tdb schema engine port
  if [[ $kind == pg ]]; then
    tdb=sy_large_pg; schema=public; engine=postgres; port=$SY_PG_PORT
    pg -d postgres -c "CREATE DATABASE $sdb" -c "CREATE DATABASE $tdb"
    pg -d "$sdb" -c "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(600))"
  else
    tdb=sy_large_my; schema=$sdb; engine=mariadb; port=$SY_MY_PORT
    my -e "CREATE DATABASE $sdb; CREATE TABLE $sdb.big (id INT PRIMARY KEY, v VARCHAR(600))"
    pg -d postgres -c "CREATE DATABASE $tdb"
  fi
  local ttable=$schema.big
  local status=ok msg= samples=$work/samples-$id.txt
  local rss0= hwm0= cpu0= t_begin= t_commit= t_applied= tx_s= apply_s= cpu1= peak= growth=
  local src_sum= tgt_sum= data_ok= spilled_changes= log_changes= spill_peak= spill_files_peak=
  local left_bytes= left_files= left_wait= files_at_applied= rss_tx_max= rss_apply_max= metric_disk_max= metric_mem_max=
  local tx_msg= read_s= apply_only_s=

  log "$id: switchyard run (full-load-and-cdc, MemoryLimitTotal $BENCH_MEMORY_LIMIT_MB MB) into PostgreSQL database $tdb"
  local user=$SY_PG_USER; [[ $kind == my ]] && user=$SY_MY_USER
  start_switchyard "large-tx-$kind" "$engine" "$port" "$sdb" "$user" "$schema" "$tdb"
  if [[ -z $setup_ok ]]; then
    status=error; msg="setup: $setup_msg"
  else
    rss0=$(proc_kb "$sy_pid" VmRSS); hwm0=$(proc_kb "$sy_pid" VmHWM); cpu0=$(proc_cpu_seconds "$sy_pid")
    log "  change capture running after ${setup_seconds}s; engine VmRSS $(mb "$rss0") MB"
    start_sampler "$samples"

    # The one source transaction.
    log "  source: one transaction inserting $(fmt_int "$n") rows of $value_chars characters"
    t_begin=$(now)
    local rc=0
    if [[ $kind == pg ]]; then
      pg -d "$sdb" -c "INSERT INTO big SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, $n) g" \
        >"$work/tx.out" 2>&1 || rc=$?
    else
      my_insert_sql >"$work/tx.sql"
      my "$sdb" <"$work/tx.sql" >"$work/tx.out" 2>&1 || rc=$?
    fi
    t_commit=$(now)
    tx_s=$(elapsed "$t_begin" "$t_commit")
    if (( rc != 0 )); then
      status=error; tx_msg=$(redact <"$work/tx.out" | tail -n 3 | paste -sd'|' -)
      msg="the source transaction failed ($rc): $tx_msg"
    else
      log "  source transaction committed after ${tx_s}s; waiting for the target"
      # The applier writes a source transaction as one target transaction, so the last id
      # shows up with all the others: poll it by key (cheap), then count.
      local deadline i=0 cnt=
      deadline=$(( $(date +%s) + BENCH_APPLY_TIMEOUT ))
      while :; do
        if [[ $(pg1 -d "$tdb" -c "SELECT EXISTS (SELECT 1 FROM $ttable WHERE id = $n)" 2>/dev/null || true) == t ]]; then
          t_applied=$(now)
          cnt=$(pg1 -d "$tdb" -c "SELECT count(*) FROM $ttable" 2>/dev/null || true)
          [[ $cnt == "$n" ]] && break
          t_applied=
        fi
        if ! sy_alive; then status=error; msg="the engine ended before the target had every row: $(sy_failure)"; break; fi
        if (( i % 10 == 0 )) && [[ $(jq -r '.ReplicationTask.Status // empty' <<<"$(sy_status)" 2>/dev/null || true) == failed ]]; then
          status=error; msg="the task failed: $(sy_failure)"; break
        fi
        if (( $(date +%s) >= deadline )); then
          status=error; msg="the target did not have all $n rows ${BENCH_APPLY_TIMEOUT}s after the source commit (BENCH_APPLY_TIMEOUT; target count now $(pg1 -d "$tdb" -c "SELECT count(*) FROM $ttable" 2>/dev/null || echo '?')): $(sy_failure)"
          break
        fi
        if (( ++i % 60 == 0 )); then
          local s; s=$(tail -n 1 "$samples" 2>/dev/null || true)
          log "    waiting: $(elapsed "$t_commit" "$(now)")s after the commit; engine VmRSS $(mb "$(cut -d' ' -f2 <<<"$s")") MB, spill $(mb_bytes "$(cut -d' ' -f4 <<<"$s")") MB in $(cut -d' ' -f5 <<<"$s") file(s)"
        fi
        sleep 0.5
      done
      if [[ -n $t_applied ]]; then
        apply_s=$(elapsed "$t_commit" "$t_applied")
        log "  target has all $(fmt_int "$n") rows ${apply_s}s after the commit"
      fi
    fi
    # The spill directory must empty once the transaction is applied: the engine removes a
    # transaction's file when it is done with it. Wait up to BENCH_SPILL_CLEANUP_TIMEOUT
    # (not after a failure: then the files are only recorded).
    local t_left0; t_left0=$(now)
    read -r left_bytes left_files < <(files_bytes "$sy_state/spill" '*.spill')
    files_at_applied=$left_files
    local left_deadline=$(( $(date +%s) + BENCH_SPILL_CLEANUP_TIMEOUT ))
    [[ -n $t_applied ]] || left_deadline=0
    while (( left_files > 0 && $(date +%s) < left_deadline )) && sy_alive; do
      sleep 0.5
      read -r left_bytes left_files < <(files_bytes "$sy_state/spill" '*.spill')
    done
    if (( left_files == 0 )) && [[ -n $t_applied ]]; then
      if (( files_at_applied > 0 )); then left_wait=$(elapsed "$t_left0" "$(now)"); else left_wait=0; fi
    fi
    (( files_at_applied > 0 )) && log "  spill files at that moment: $files_at_applied; $( [[ -n $left_wait ]] && echo "gone ${left_wait}s later" || echo "still $left_files after ${BENCH_SPILL_CLEANUP_TIMEOUT}s")"
    # Peak memory from the kernel (VmHWM) while the engine still runs; else the samples.
    if sy_alive; then peak=$(proc_kb "$sy_pid" VmHWM); cpu1=$(proc_cpu_seconds "$sy_pid"); fi
    stop_sampler
    [[ -z $peak ]] && peak=$(awk 'NF >= 3 && $3 > m { m = $3 } END { if (m) print m }' "$samples")
    [[ -n $peak && -n $rss0 ]] && growth=$(( peak - rss0 ))
    rss_tx_max=$(awk -v c="$t_commit" 'NF >= 2 && $1 <= c && $2 > m { m = $2 } END { if (m) print m }' "$samples")
    rss_apply_max=$(awk -v c="$t_commit" 'NF >= 2 && $1 > c && $2 > m { m = $2 } END { if (m) print m }' "$samples")
    read -r spill_peak spill_files_peak < <(awk 'NF >= 5 { if ($4 > b) b = $4; if ($5 > f) f = $5 } END { printf "%d %d\n", b, f }' "$samples")
    # "transaction committed at POS: N changes, M of them spilled to disk (MemoryLimitTotal)"
    local line; line=$(grep -m1 'spilled to disk' "$sy_out" || true)
    if [[ -n $line ]]; then
      log_changes=$(sed -nE 's/.*: ([0-9]+) changes, ([0-9]+) of them spilled to disk.*/\1/p' <<<"$line")
      spilled_changes=$(sed -nE 's/.*: ([0-9]+) changes, ([0-9]+) of them spilled to disk.*/\2/p' <<<"$line")
      # The line is logged when the engine has read the whole transaction, before the apply.
      local logged_at; logged_at=$(date -d "$(cut -d' ' -f1 <<<"$line")" +%s.%N 2>/dev/null || true)
      [[ -n $logged_at ]] && read_s=$(elapsed "$t_commit" "$logged_at")
      [[ -n $logged_at && -n $t_applied ]] && apply_only_s=$(elapsed "$logged_at" "$t_applied")
    fi
    metric_disk_max=$(sqlite3 -readonly "$sy_state/state.db" "SELECT CAST(MAX(value) AS INTEGER) FROM metrics WHERE name IN ('CDCChangesDiskSource', 'CDCChangesDiskTarget')" 2>/dev/null || true)
    metric_mem_max=$(sqlite3 -readonly "$sy_state/state.db" "SELECT CAST(MAX(value) AS INTEGER) FROM metrics WHERE name IN ('CDCChangesMemorySource', 'CDCChangesMemoryTarget')" 2>/dev/null || true)
  fi
  stop_switchyard

  # Data check: count + checksum on both sides (also after a failure: it says how far it got).
  if [[ -n $t_commit && -z $tx_msg ]]; then
    log "  checking the target against the source (count and checksum)"
    if [[ $kind == pg ]]; then src_sum=$(pg1 -d "$sdb" -c "$(pg_checksum_sql big)" 2>&1 || true)
    else src_sum=$(my -N "$sdb" -e "$(my_checksum_sql big)" 2>&1 || true); fi
    tgt_sum=$(pg1 -d "$tdb" -c "$(pg_checksum_sql "$ttable")" 2>/dev/null || true)
    if [[ -n $src_sum && $src_sum == "$tgt_sum" && ${src_sum%% *} == "$n" ]]; then
      data_ok=match
    else
      data_ok=differs
      log "  ERROR: the target differs from the source: source '$src_sum', target '$tgt_sum' (rows sum(id) sum(length(v)) sum(md5 32 bits))"
      status=error
      [[ -n $msg ]] && msg+="; "
      msg+="data check failed: source '$src_sum', target '$tgt_sum' (rows, sum(id), sum(length(v)), sum(first 32 bits of md5(id:v)))"
    fi
  fi

  local verdict=not-measured   # only for a transaction that was applied completely
  if [[ -n $growth && -n $t_applied ]]; then
    if (( growth < (BENCH_MEMORY_LIMIT_MB + BENCH_RSS_SLACK_MB) * 1024 )); then verdict=pass; else verdict=fail; fi
  fi
  local left_verdict=not-measured
  [[ -n $left_files && -n $t_applied ]] && { if (( left_files == 0 )); then left_verdict=pass; else left_verdict=fail; fi; }
  local rate=; [[ -n $apply_s ]] && rate=$(awk -v n="$n" -v s="$apply_s" 'BEGIN { if (s > 0) printf "%.0f", n / s }')
  local cpu_apply=; [[ -n $cpu0 && -n $cpu1 ]] && cpu_apply=$(elapsed "$cpu0" "$cpu1")
  local series; series=$(awk -v b="$t_begin" 'NF >= 5 { printf "%s[%.0f, %d, %d, %d]", sep, $1 - b, $2, $4, $5; sep = ", " }' "$samples" 2>/dev/null || true)

  m_status[$id]=$status; m_msg[$id]=$msg
  r_tx[$id]=$tx_s; r_apply[$id]=$apply_s; r_rss0[$id]=$rss0; r_peak[$id]=$peak; r_growth[$id]=$growth
  r_spilled[$id]=$spilled_changes; r_spill_peak[$id]=$spill_peak; r_left[$id]=$left_files; r_gone[$id]=$left_wait
  r_data[$id]=$data_ok; r_mem_verdict[$id]=$verdict; r_left_verdict[$id]=$left_verdict; r_rate[$id]=$rate
  m_json[$id]=$(printf '"rows": %s, "source_transaction_seconds": %s, "commit_to_target_seconds": %s, "commit_to_transaction_read_seconds": %s, "transaction_read_to_target_seconds": %s, "apply_rows_per_second": %s, "setup_seconds": %s, "engine_rss_at_cdc_start_kb": %s, "engine_hwm_at_cdc_start_kb": %s, "engine_peak_rss_kb": %s, "engine_peak_growth_kb": %s, "engine_rss_max_sampled_during_source_transaction_kb": %s, "engine_rss_max_sampled_after_commit_kb": %s, "memory_limit_mb": %s, "rss_slack_mb": %s, "memory_bound_result": "%s", "engine_cpu_seconds_cdc_start_to_spill_files_gone": %s, "spilled_changes_logged": %s, "transaction_changes_logged": %s, "spill_log_line": %s, "metric_max_cdc_changes_disk": %s, "metric_max_cdc_changes_memory": %s, "spill_dir_peak_bytes_sampled": %s, "spill_dir_peak_files_sampled": %s, "spill_files_when_target_complete": %s, "spill_files_gone_seconds_after_target_complete": %s, "spill_files_left": %s, "spill_bytes_left": %s, "no_spill_files_left_result": "%s", "source_checksum": %s, "target_checksum": %s, "data_matches": %s, "stop_exit_code": %s, "samples": [%s]' \
    "$n" "$(jnum "$tx_s")" "$(jnum "$apply_s")" "$(jnum "$read_s")" "$(jnum "$apply_only_s")" "$(jnum "$rate")" "$(jnum "$setup_seconds")" "$(jnum "$rss0")" "$(jnum "$hwm0")" \
    "$(jnum "$peak")" "$(jnum "$growth")" "$(jnum "$rss_tx_max")" "$(jnum "$rss_apply_max")" "$BENCH_MEMORY_LIMIT_MB" "$BENCH_RSS_SLACK_MB" "$verdict" \
    "$(jnum "$cpu_apply")" "$(jnum "$spilled_changes")" "$(jnum "$log_changes")" "$(jstr "$(redact <<<"${line:-}")")" "$(jnum "$metric_disk_max")" "$(jnum "$metric_mem_max")" \
    "$(jnum "$spill_peak")" "$(jnum "$spill_files_peak")" "$(jnum "$files_at_applied")" "$(jnum "$left_wait")" "$(jnum "$left_files")" "$(jnum "$left_bytes")" "$left_verdict" \
    "$(jstr "$(redact <<<"$src_sum")")" "$(jstr "$(redact <<<"$tgt_sum")")" "$( [[ $data_ok == match ]] && echo true || echo false)" "$(jnum "$sy_stop_rc")" "$series")
  [[ $kind == my ]] && m_json[$id]+=", \"source_generator\": $(jstr "$my_generator")"
  if [[ $status == ok ]]; then
    [[ -n $read_s ]] && log "  the engine had read the whole transaction ${read_s}s after the commit; the apply took ${apply_only_s:-?}s"
    log "  peak RSS $(mb "$peak") MB (start $(mb "$rss0") MB, growth $(mb "$growth") MB, limit $BENCH_MEMORY_LIMIT_MB MB: $verdict); $(fmt_int "${spilled_changes:-0}") changes spilled, spill dir at most $(mb_bytes "$spill_peak") MB; spill files left: $left_files"
  else
    log "  ERROR: $msg"
    [[ -s $sy_out ]] && { log "  last engine output:"; tail -n 15 "$sy_out" | redact >&2; }
  fi
  # Free the disk for the next measurement: slot, databases, binlogs.
  if [[ $kind == pg ]]; then
    pg -d "$sdb" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'switchyard%' AND NOT active" >/dev/null 2>&1 || true
    pg -d postgres -c "DROP DATABASE IF EXISTS $sdb" -c "DROP DATABASE IF EXISTS $tdb" >/dev/null 2>&1 || true
  else
    my -e "DROP DATABASE IF EXISTS $sdb; RESET MASTER" >/dev/null 2>&1 || true
    pg -d postgres -c "DROP DATABASE IF EXISTS $tdb" >/dev/null 2>&1 || true
  fi
  pg -d postgres -c "CHECKPOINT" >/dev/null 2>&1 || true
}
declare -A r_left_verdict r_gone

software_sy=$("$switchyard_bin" --version 2>/dev/null | head -n1 || true)
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
if wanted pg_pg_switchyard; then measure pg_pg_switchyard pg; fi
if wanted mysql_pg_switchyard; then measure mysql_pg_switchyard my; fi

# ---------------------------------------------------------------------------------------------
# 5. Results
# ---------------------------------------------------------------------------------------------
printf '\nOne source transaction inserting %s rows (%s-character values, ~%s MB), MemoryLimitTotal %s MB\n\n' \
  "$(fmt_int "$BENCH_LARGE_ROWS")" "$value_chars" "$(( BENCH_LARGE_ROWS * value_chars / 1000000 ))" "$BENCH_MEMORY_LIMIT_MB"
row() { printf '%-12s %-6s | %8s %9s %9s | %8s %8s %8s %6s | %10s %9s %9s %5s | %s\n' "$@"; }
row "" "" "source" "commit->" "apply" "RSS at" "peak" "growth" "limit" "spilled" "spill dir" "files gone" "files" ""
row "direction" "status" "tx s" "target s" "rows/s" "start MB" "MB" "MB" "MB" "changes" "peak MB" "after s*" "left" "data"
for id in $all_ids; do
  wanted "$id" || continue
  data=${r_data[$id]:--}; [[ $data == differs ]] && data=DIFFERS
  row "${m_short[$id]}" "${m_status[$id]}" "${r_tx[$id]:--}" "${r_apply[$id]:--}" "$(fmt_int "${r_rate[$id]}")" \
    "$(mb "${r_rss0[$id]}")" "$(mb "${r_peak[$id]}")" "$(mb "${r_growth[$id]}")" "$BENCH_MEMORY_LIMIT_MB" \
    "$(fmt_int "${r_spilled[$id]}")" "$(mb_bytes "${r_spill_peak[$id]}")" "${r_gone[$id]:--}" "${r_left[$id]:--}" "$data"
  [[ -n ${m_msg[$id]} ]] && printf '  %s: %s\n' "${m_short[$id]}" "${m_msg[$id]}"
done
printf '* seconds from the moment the target had every row until the engine had removed its spill files.\n'
printf '\nTargets (peak RSS growth < MemoryLimitTotal + %s MB; no spill files left after the apply):\n' "$BENCH_RSS_SLACK_MB"
for id in $all_ids; do
  wanted "$id" || continue
  printf '  %-12s memory: %-12s spill files left: %s\n' "${m_short[$id]}" "${r_mem_verdict[$id]}" "${r_left_verdict[$id]}"
done
printf '\nNote: %s cores, load average %s at the start, %s now; the servers and the engine share them.\n' \
  "$(nproc)" "$loadavg_start" "$(cut -d' ' -f1-3 /proc/loadavg)"

ts=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/cdc-large-transaction-$ts.json
pg_version=$(pg1 -d postgres -c "SHOW server_version")
my_version=$(my -N -e "SELECT VERSION()")
# shellcheck disable=SC1091
os_name=$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")
git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git_dirty=false; [[ -n $(git status --porcelain 2>/dev/null | grep -v '^?? bench/' || true) ]] && git_dirty=true
{
  printf '{\n'
  printf '  "benchmark": "cdc-large-transaction",\n'
  printf '  "timestamp_utc": %s,\n' "$(jstr "$ts")"
  printf '  "git": {"commit": %s, "dirty": %s},\n' "$(jstr "$git_commit")" "$git_dirty"
  printf '  "machine": {"nproc": %s, "cpu_model": %s, "mem_total_kb": %s, "kernel": %s, "os": %s, "loadavg_at_start": %s, "loadavg_at_end": %s},\n' \
    "$(nproc)" "$(jstr "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')")" \
    "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" "$(jstr "$(uname -r)")" "$(jstr "$os_name")" \
    "$(jstr "$loadavg_start")" "$(jstr "$(cut -d' ' -f1-3 /proc/loadavg)")"
  printf '  "software": {"postgresql": %s, "mariadb": %s, "switchyard": %s, "switchyard_binary": %s},\n' \
    "$(jstr "$pg_version")" "$(jstr "$my_version")" "$(jstr "$software_sy")" "$(jstr "$switchyard_bin")"
  printf '  "settings": {"rows": %s, "value_characters": %s, "memory_limit_total_mb": %s, "rss_slack_mb": %s, "apply_timeout_seconds": %s, "spill_cleanup_timeout_seconds": %s, "table": "big (id INT PRIMARY KEY, v VARCHAR(600)), v = repeat(md5(id), 16)", "switchyard": {"MigrationType": "full-load-and-cdc", "TargetTablePrepMode": "DROP_AND_CREATE", "ChangeProcessingTuning.MemoryLimitTotal": %s}, "definitions": {"source_transaction_seconds": "wall time of the one source transaction (statement and COMMIT) in the client", "commit_to_target_seconds": "from the end of the source COMMIT until the target has the last id and count(*) = rows (polled every 0.5 s)", "engine_peak_rss_kb": "VmHWM of the switchyard process once the target had every row and the spill files were gone", "engine_peak_growth_kb": "engine_peak_rss_kb - VmRSS when change capture started (before the source transaction)", "memory_bound_result": "pass if engine_peak_growth_kb < (memory_limit_mb + rss_slack_mb) * 1024", "spilled_changes_logged": "from the engine log line ... N changes, M of them spilled to disk (MemoryLimitTotal)", "spill_dir_peak_bytes_sampled": "largest total size of <state-dir>/spill/*.spill, sampled once a second", "spill_files_when_target_complete": "*.spill files in <state-dir>/spill when the target had every row", "spill_files_gone_seconds_after_target_complete": "how long after that the engine had removed them (null: not within spill_cleanup_timeout_seconds)", "spill_files_left": "*.spill files still there after that wait", "engine_cpu_seconds_cdc_start_to_spill_files_gone": "user + system CPU of the engine from change capture start until its spill files were gone", "commit_to_transaction_read_seconds": "from the end of the source COMMIT until the engine logged the whole transaction as read (the spilled-to-disk line, before the apply)", "transaction_read_to_target_seconds": "from that log line until the target had every row: the apply", "checksum": "rows, sum(id), sum(length(v)), sum of the first 32 bits of md5(id || \\":\\" || v) as unsigned", "samples": "[seconds since the source transaction began, VmRSS kB, spill bytes, spill files], once a second"}},\n' \
    "$BENCH_LARGE_ROWS" "$value_chars" "$BENCH_MEMORY_LIMIT_MB" "$BENCH_RSS_SLACK_MB" "$BENCH_APPLY_TIMEOUT" "$BENCH_SPILL_CLEANUP_TIMEOUT" "$BENCH_MEMORY_LIMIT_MB"
  printf '  "measurements": {\n'
  sep=
  for id in $all_ids; do
    printf '%s    %s: {"title": %s, ' "$sep" "$(jstr "$id")" "$(jstr "${m_title[$id]}")"
    sep=$',\n'
    if ! wanted "$id"; then printf '"status": "skipped"}'; continue; fi
    printf '"status": %s' "$(jstr "${m_status[$id]:-error}")"
    [[ -n ${m_msg[$id]:-} ]] && printf ', "message": %s' "$(jstr "${m_msg[$id]}")"
    [[ -n ${m_json[$id]:-} ]] && printf ', %s' "${m_json[$id]}"
    printf '}'
  done
  printf '\n  },\n'
  printf '  "targets": [\n'
  sep=
  for id in $all_ids; do
    wanted "$id" || continue
    printf '%s    {"name": "%s: peak RSS growth < MemoryLimitTotal %s MB + %s MB", "value_mb": %s, "threshold_mb": %s, "result": "%s"},\n' \
      "$sep" "${m_short[$id]}" "$BENCH_MEMORY_LIMIT_MB" "$BENCH_RSS_SLACK_MB" "$(jnum "$(mb "${r_growth[$id]}")")" \
      "$(( BENCH_MEMORY_LIMIT_MB + BENCH_RSS_SLACK_MB ))" "${r_mem_verdict[$id]}"
    printf '    {"name": "%s: no spill files left after the apply", "value": %s, "result": "%s"}' \
      "${m_short[$id]}" "$(jnum "${r_left[$id]}")" "${r_left_verdict[$id]}"
    sep=$',\n'
  done
  printf '\n  ]\n'
  printf '}\n'
} >"$out"
cp "$out" bench/results/cdc-large-transaction-latest.json
if jq -e . "$out" >/dev/null 2>&1; then log "wrote $out (and bench/results/cdc-large-transaction-latest.json)"
else log "warning: $out is not valid JSON"; fi

failed=
for id in $all_ids; do wanted "$id" && [[ ${m_status[$id]} != ok ]] && failed=1; done
[[ -z $failed ]] || die "a measurement failed (see above)"
