#!/usr/bin/env bash
# Full-load benchmark: Switchyard against pgloader and against the raw client pipes
# (mariadb | psql \copy, psql \copy | psql \copy), MySQL->PostgreSQL and PostgreSQL->PostgreSQL.
#
#   bench/full-load.sh
#
# One command does everything on a fresh Debian 12 machine: installs what is missing
# (scripts/install-deps.sh --bench, plus the `time` package), builds build/switchyard, starts
# throwaway servers (scripts/servers.sh) and always stops them again, builds the data set,
# runs every measurement into a freshly created empty PostgreSQL database, prints a table
# and writes bench/results/full-load-<UTC>.json and bench/results/full-load-latest.json.
# See bench/README.md for what is measured and how to read the results.
#
# Knobs (environment):
#   BENCH_ROWS=1000000        rows in sbtest1 (sysbench oltp shape)
#   BENCH_MIXED_ROWS=200000   rows in mixed (wide, mixed types, ~10% NULLs)
#   BENCH_REPEAT=1            runs per measurement; the median is reported
#   BENCH_ONLY="..."          run only these measurements (space separated ids):
#                             mysql_pg_raw mysql_pg_pgloader mysql_pg_switchyard pg_pg_raw pg_pg_switchyard
#   BENCH_TIMEOUT=3600        seconds before a single run is killed and recorded as an error
#   BENCH_PGLOADER_HEAP_MB=4096  SBCL heap for pgloader (--dynamic-space-size)
#   BENCH_DATAGEN=auto        auto (sysbench, SQL if sysbench fails) | sql (SQL generator only)
#   BENCH_TMPDIR=$TMPDIR|/tmp where the servers and the scratch files live (needs ~3x data size)
#   BENCH_NO_INSTALL=1        skip scripts/install-deps.sh (the packages must be present)
#   BENCH_NO_BUILD=1          skip scripts/build.sh (use the existing binary)
#   SWITCHYARD_BUILD_DIR=build  build directory (as for scripts/build.sh)
#
# Passwords never appear on a command line or in the output: the clients read them from
# files in a 0700 scratch directory (mariadb --defaults-file, PGPASSFILE, sysbench
# --config-file, the pgloader command file) and Switchyard reads them from the environment
# variables named in its task file. The scratch directory is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

BENCH_ROWS=${BENCH_ROWS:-1000000}
BENCH_MIXED_ROWS=${BENCH_MIXED_ROWS:-200000}
BENCH_REPEAT=${BENCH_REPEAT:-1}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-3600}
BENCH_DATAGEN=${BENCH_DATAGEN:-auto}
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
all_ids="mysql_pg_raw mysql_pg_pgloader mysql_pg_switchyard pg_pg_raw pg_pg_switchyard"
BENCH_ONLY=${BENCH_ONLY:-$all_ids}
build_dir=${SWITCHYARD_BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$repo/$build_dir
switchyard_bin=$build_dir/switchyard

# Settings shared by the tools (kept comparable: 4 parallel table/COPY workers).
pgloader_workers=4
pgloader_concurrency=1
# pgloader (SBCL) runs out of heap on the default data set with the Debian default heap
# ("Heap exhausted, game over"); the usual remedy is a larger SBCL dynamic space.
pgloader_heap_mb=${BENCH_PGLOADER_HEAP_MB:-4096}
sy_subtasks=4
sy_commit_rate=50000

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for v in BENCH_ROWS BENCH_MIXED_ROWS BENCH_REPEAT BENCH_TIMEOUT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ $BENCH_DATAGEN == auto || $BENCH_DATAGEN == sql ]] || die "BENCH_DATAGEN must be auto or sql"
for id in $BENCH_ONLY; do
  [[ " $all_ids " == *" $id "* ]] || die "unknown measurement id '$id' in BENCH_ONLY (known: $all_ids)"
done
wanted() { [[ " $BENCH_ONLY " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------------
# 1. Install, build, servers
# ---------------------------------------------------------------------------------------------
if [[ -z ${BENCH_NO_INSTALL:-} ]]; then
  log "installing missing packages (scripts/install-deps.sh --bench)"
  scripts/install-deps.sh --bench
  # GNU time for the peak RSS (/usr/bin/time -f %M); not part of install-deps.sh.
  if ! dpkg-query -W -f='${Status}' time 2>/dev/null | grep -q "install ok installed"; then
    log "installing the time package"
    sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends time >/dev/null \
      || { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
             "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends time >/dev/null; }
  fi
fi
for tool in mariadb psql pgloader sysbench /usr/bin/time timeout awk; do
  command -v "$tool" >/dev/null || die "$tool is missing (run without BENCH_NO_INSTALL)"
done

tmp=$(mktemp -d "$BENCH_TMPDIR/switchyard-bench.XXXXXX")
srv=$tmp/srv        # created by servers.sh
work=$tmp/work      # our scratch: client credentials, task files, logs, state dirs
mkdir -m 0700 "$work"
servers_started=
timed_pid=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $timed_pid ]] && kill -0 "$timed_pid" 2>/dev/null; then
    log "stopping the running tool (pid $timed_pid)"
    kill -TERM "$timed_pid" 2>/dev/null || true   # timeout passes it on to its process group
    for _ in $(seq 1 50); do kill -0 "$timed_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$timed_pid" 2>/dev/null || true   # the group timeout created for the tool
  fi
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

build_status=ok
build_message=
if [[ -z ${BENCH_NO_BUILD:-} ]]; then
  log "building switchyard (scripts/build.sh switchyard)"
  if ! SWITCHYARD_BUILD_DIR=$build_dir scripts/build.sh switchyard >"$work/build.log" 2>&1; then
    build_status=error
    build_message="scripts/build.sh failed: $(grep -m5 -E 'error|FAILED' "$work/build.log" || tail -n5 "$work/build.log")"
    log "build failed; the Switchyard measurements will be recorded as errors"
    tail -n 20 "$work/build.log" >&2
  fi
else
  build_status=skipped
  build_message="BENCH_NO_BUILD=1: used the existing binary"
fi

log "starting throwaway servers"
servers_started=1
scripts/servers.sh start "$srv"
# shellcheck disable=SC1091
source "$srv/env"   # SY_PG_PORT SY_PG_USER SY_PG_PASSWORD SY_MY_PORT SY_MY_USER SY_MY_PASSWORD ...
secrets=("$SY_MY_PASSWORD" "$SY_PG_PASSWORD")

# Client credentials, never on a command line.
(
  umask 077
  printf '[client]\nhost=127.0.0.1\nport=%s\nuser=%s\npassword=%s\ndefault-character-set=utf8mb4\n' \
    "$SY_MY_PORT" "$SY_MY_USER" "$SY_MY_PASSWORD" >"$work/my.cnf"
  printf '127.0.0.1:%s:*:%s:%s\n' "$SY_PG_PORT" "$SY_PG_USER" "$SY_PG_PASSWORD" >"$work/pgpass"
  printf 'mysql-host=127.0.0.1\nmysql-port=%s\nmysql-user=%s\nmysql-password=%s\nmysql-db=benchdb\n' \
    "$SY_MY_PORT" "$SY_MY_USER" "$SY_MY_PASSWORD" >"$work/sysbench.cfg"
)
unset PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS
export PGPASSFILE=$work/pgpass PGHOST=127.0.0.1 PGPORT=$SY_PG_PORT PGUSER=$SY_PG_USER
export PGTZ=UTC PGCLIENTENCODING=UTF8 PGAPPNAME=switchyard-bench

# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# ---------------------------------------------------------------------------------------------
# 2. Data set
# ---------------------------------------------------------------------------------------------
log "building the data set: sbtest1 $BENCH_ROWS rows, mixed $BENCH_MIXED_ROWS rows"
my -e "CREATE DATABASE benchdb CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
datagen_start=$(now)
sbtest_generator=
if [[ $BENCH_DATAGEN == auto ]]; then
  if sysbench --config-file="$work/sysbench.cfg" oltp_read_only --tables=1 --table-size="$BENCH_ROWS" \
       prepare >"$work/sysbench.log" 2>&1 \
     && [[ $(my -N -e "SELECT COUNT(*) FROM benchdb.sbtest1") == "$BENCH_ROWS" ]]; then
    sbtest_generator="sysbench oltp_read_only prepare"
  else
    log "sysbench prepare did not work, generating sbtest1 with SQL:"
    redact <"$work/sysbench.log" | tail -n 5 >&2
  fi
fi
if [[ -z $sbtest_generator ]]; then
  # Same shape and value format as sysbench's oltp_common.lua (c: 10 groups of 11 digits,
  # pad: 5 groups), generated with MariaDB's SEQUENCE engine in one INSERT ... SELECT.
  my benchdb <<SQL
DROP TABLE IF EXISTS sbtest1;
CREATE TABLE sbtest1 (
  id INT NOT NULL AUTO_INCREMENT,
  k INT NOT NULL DEFAULT 0,
  c CHAR(120) NOT NULL DEFAULT '',
  pad CHAR(60) NOT NULL DEFAULT '',
  PRIMARY KEY (id)
) ENGINE=InnoDB;
INSERT INTO sbtest1 (id, k, c, pad)
SELECT seq, FLOOR(1 + RAND(seq) * $BENCH_ROWS),
  CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0')),
  CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'))
FROM seq_1_to_$BENCH_ROWS;
CREATE INDEX k_1 ON sbtest1 (k);
SQL
  sbtest_generator="SQL (SEQUENCE engine INSERT ... SELECT)"
fi

# The wide table: every common type, multi-byte UTF-8, tabs/newlines/backslashes in some
# text values, 64-byte blobs, unsigned values above 2^63, and NULL in 10% of each nullable
# column (a different tenth per column).
my benchdb >/dev/null <<SQL
SET time_zone = '+00:00';
DROP TABLE IF EXISTS mixed;
CREATE TABLE mixed (
  id     BIGINT NOT NULL,
  i      INT NULL,
  u      BIGINT UNSIGNED NULL,
  amount DECIMAL(20,6) NULL,
  dbl    DOUBLE NULL,
  flt    FLOAT NULL,
  vc     VARCHAR(100) NULL,
  txt    TEXT NULL,
  dt     DATETIME(6) NULL,
  d      DATE NULL,
  tm     TIME NULL,
  ts     TIMESTAMP NULL DEFAULT NULL,
  js     JSON NULL,
  en     ENUM('a','b','c') NULL,
  bl     BLOB NULL,
  flag   TINYINT(1) NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO mixed
SELECT n,
  IF(n % 10 = 1, NULL, (n * 7919) % 2000000000 - 1000000000),
  IF(n % 10 = 2, NULL, IF(n % 2 = 0, n * 1000003, 18446744073709551615 - n * 1000003)),
  IF(n % 10 = 3, NULL, CAST(((n * 104729) % 10000000000000) * IF(n % 3 = 0, -1, 1) + (n % 1000000) / 1000000 AS DECIMAL(20,6))),
  IF(n % 10 = 4, NULL, n * 3.141592653589793 / 7),
  IF(n % 10 = 5, NULL, n / 3),
  IF(n % 10 = 6, NULL, CONCAT('Zürich–東京 ✓ ', n, ' ', REPEAT('é', n % 20), ' Ωmega')),
  IF(n % 10 = 7, NULL, CONCAT('row ', n, IF(n % 7 = 0, ' tab\there back\\\\slash\nnewline ', ' '), REPEAT(MD5(n), 6))),
  IF(n % 10 = 8, NULL, TIMESTAMP('2000-01-01') + INTERVAL (n * 7919) SECOND + INTERVAL (n * 37 % 1000000) MICROSECOND),
  IF(n % 10 = 9, NULL, DATE('1990-01-01') + INTERVAL (n % 20000) DAY),
  IF(n % 10 = 0, NULL, SEC_TO_TIME(n * 13 % 86400)),
  IF(n % 10 = 1, NULL, FROM_UNIXTIME(1000000000 + n * 97)),
  IF(n % 10 = 2, NULL, JSON_OBJECT('id', n, 'name', CONCAT('n', n), 'tags', JSON_ARRAY('x', 'y'), 'ok', n % 2 = 0)),
  IF(n % 10 = 3, NULL, ELT(1 + n % 3, 'a', 'b', 'c')),
  IF(n % 10 = 4, NULL, UNHEX(CONCAT(MD5(n), MD5(n + 1), MD5(n + 2), MD5(n + 3)))),
  IF(n % 10 = 5, NULL, n % 2)
FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_$BENCH_MIXED_ROWS) s;
ANALYZE TABLE sbtest1, mixed;
SQL

datagen_seconds=$(elapsed "$datagen_start" "$(now)")
log "data set built in ${datagen_seconds}s (sbtest1 by $sbtest_generator)"

tables=(sbtest1 mixed)
declare -A src_rows copy_bytes pg_copy_bytes my_disk_bytes
for t in "${tables[@]}"; do
  src_rows[$t]=$(my -N -e "SELECT COUNT(*) FROM benchdb.$t")
  my_disk_bytes[$t]=$(my -N -e "SELECT data_length + index_length FROM information_schema.tables
                                WHERE table_schema = 'benchdb' AND table_name = '$t'")
done
[[ ${src_rows[sbtest1]} == "$BENCH_ROWS" ]] || die "sbtest1 has ${src_rows[sbtest1]} rows, expected $BENCH_ROWS"
[[ ${src_rows[mixed]} == "$BENCH_MIXED_ROWS" ]] || die "mixed has ${src_rows[mixed]} rows, expected $BENCH_MIXED_ROWS"
total_rows=$(( src_rows[sbtest1] + src_rows[mixed] ))

# The "best practical pipe" SELECTs: mariadb --batch output that PostgreSQL's text COPY reads
# as is. --batch escapes \t \n \\ exactly like COPY text and prints NULL as the word NULL, so
# COPY runs WITH (NULL 'NULL') (no value in this data set is the string 'NULL'); blobs go out
# as '\x' || HEX (bytea hex input); TINYINT(1) 0/1 is valid boolean input; TIMESTAMP is read
# in UTC on both sides.
declare -A my_select
my_select[sbtest1]="SELECT id, k, c, pad FROM benchdb.sbtest1"
read -r -d "" "my_select[mixed]" <<'SQL' || true
SET time_zone = '+00:00';
SELECT id, i, u, amount, dbl, flt, vc, txt, dt, d, tm, ts, js, en, CONCAT('\\x', HEX(bl)), flag FROM benchdb.mixed
SQL

# PostgreSQL DDL equivalent to the MariaDB tables (targets of the raw pipes, and benchsrc).
pg_ddl() {
  cat <<'SQL'
CREATE TABLE sbtest1 (
  id integer PRIMARY KEY,
  k integer NOT NULL DEFAULT 0,
  c char(120) NOT NULL DEFAULT '',
  pad char(60) NOT NULL DEFAULT ''
);
CREATE TABLE mixed (
  id bigint PRIMARY KEY,
  i integer,
  u numeric(20,0),
  amount numeric(20,6),
  dbl double precision,
  flt real,
  vc varchar(100),
  txt text,
  dt timestamp(6),
  d date,
  tm time,
  ts timestamptz,
  js jsonb,
  en text CHECK (en IN ('a', 'b', 'c')),
  bl bytea,
  flag boolean
);
SQL
}
# Built after the load (as pgloader does); part of the timed raw runs.
pg_post_load_sql="CREATE INDEX k_1 ON sbtest1 (k)"

my_to_stdout() { my --batch --skip-column-names --quick -e "${my_select[$1]}"; }

log "measuring the COPY text size (this also warms MariaDB's buffer pool)"
for t in "${tables[@]}"; do
  copy_bytes[$t]=$(my_to_stdout "$t" | wc -c)
done
total_bytes=$(( copy_bytes[sbtest1] + copy_bytes[mixed] ))
total_mb=$(awk -v b="$total_bytes" 'BEGIN { printf "%.3f", b / 1e6 }')
log "data set: $total_rows rows, $total_mb MB as COPY text"

# ---------------------------------------------------------------------------------------------
# 3. Measurements
# ---------------------------------------------------------------------------------------------
# Results per measurement id.
declare -A m_status m_message m_seconds_all m_rss_all m_cpu_all m_verify m_load m_tables
declare -A m_title=(
  [mysql_pg_raw]="MySQL->PG raw pipe (mariadb --batch | psql \\copy)"
  [mysql_pg_pgloader]="MySQL->PG pgloader"
  [mysql_pg_switchyard]="MySQL->PG Switchyard"
  [pg_pg_raw]="PG->PG raw pipe (psql \\copy | psql \\copy)"
  [pg_pg_switchyard]="PG->PG Switchyard"
)
declare -A m_short=(
  [mysql_pg_raw]="MySQL->PG raw pipe"
  [mysql_pg_pgloader]="MySQL->PG pgloader"
  [mysql_pg_switchyard]="MySQL->PG Switchyard"
  [pg_pg_raw]="PG->PG raw pipe"
  [pg_pg_switchyard]="PG->PG Switchyard"
)

fresh_db() {  # fresh_db NAME: an empty database
  pg -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}
drop_db() { pg -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" || true; }

quiesce() {  # the same starting point for every timed run: no dirty buffers, no pending I/O
  pg -d postgres -c "CHECKPOINT"
  sync
}

# pg_count DB T: the row count of table T wherever the tool put it in DB (any non-system
# schema). Sets count_where (schema.table), count_n (a number, or missing/ambiguous/error)
# and count_indexes (how many indexes the table has, primary key included).
pg_count() {
  local db=$1 t=$2
  count_n=error
  count_indexes=
  count_where=$(pg1 -d "$db" -c "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = '$t' AND c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'" 2>/dev/null) || return 0
  if [[ -z $count_where ]]; then count_n=missing; return 0; fi
  if [[ $count_where == *$'\n'* ]]; then count_n=ambiguous; count_where=${count_where//$'\n'/ }; return 0; fi
  count_n=$(pg1 -d "$db" -c "SELECT COUNT(*) FROM $count_where" 2>/dev/null) || count_n=error
  count_indexes=$(pg1 -d "$db" -c "SELECT COUNT(*) FROM pg_index WHERE indrelid = '$count_where'::regclass" 2>/dev/null) || count_indexes=
}

json_object() { local IFS=,; local s="$*"; printf "{%s}" "${s//,\"/, \"}"; }

# verify DB: compares every table's row count with the source; sets verify_ok and verify_json.
verify() {
  local db=$1 t n parts=()
  verify_ok=1 verify_text=
  for t in "${tables[@]}"; do
    pg_count "$db" "$t"
    n=$count_n
    [[ $n == "${src_rows[$t]}" ]] || verify_ok=
    [[ $n =~ ^[0-9]+$ ]] || n="\"$n\""
    parts+=("\"$t\": {\"source\": ${src_rows[$t]}, \"target\": $n, \"target_table\": $(jstr "$count_where"), \"target_indexes\": $(jnum "$count_indexes")}")
    verify_text+="$t ${count_n}/${src_rows[$t]} "
  done
  verify_json=$(json_object "${parts[@]}")
}

first_lines() {  # first_lines FILE [N]: the first N non-empty lines, redacted, on one line
  { awk -v max="${2:-5}" 'NF && n++ < max' "$1" 2>/dev/null || true; } | redact | paste -sd'|' - | sed 's/|/ | /g' | cut -c1-1000
}

# One timed run. Each runner sets run_ok, run_msg, run_seconds, and optionally run_rss_kb,
# run_cpu_s and run_tables (JSON fragment of per-table seconds), and names its target db.
run_mysql_pg_raw() {
  local db=$1 t t0 t1 parts=()
  fresh_db "$db"
  pg_ddl | pg -d "$db"
  quiesce
  local start; start=$(now)
  for t in "${tables[@]}"; do
    t0=$(now)
    if ! my_to_stdout "$t" 2>"$work/raw.err" \
         | pg -d "$db" -c "\\copy $t FROM STDIN WITH (NULL 'NULL')" 2>>"$work/raw.err"; then
      run_ok=; run_msg="pipe failed for $t: $(first_lines "$work/raw.err")"; return 0
    fi
    t1=$(now); parts+=("\"$t\": $(elapsed "$t0" "$t1")")
  done
  t0=$(now)
  pg -d "$db" -c "$pg_post_load_sql"
  parts+=("\"post_load_indexes\": $(elapsed "$t0" "$(now)")")
  run_seconds=$(elapsed "$start" "$(now)")
  run_tables=$(json_object "${parts[@]}")
  run_ok=1
}

run_pg_pg_raw() {
  local db=$1 t t0 t1 parts=()
  fresh_db "$db"
  pg_ddl | pg -d "$db"
  quiesce
  local start; start=$(now)
  for t in "${tables[@]}"; do
    t0=$(now)
    if ! pg -d benchsrc -c "\\copy $t TO STDOUT" 2>"$work/raw.err" \
         | pg -d "$db" -c "\\copy $t FROM STDIN" 2>>"$work/raw.err"; then
      run_ok=; run_msg="pipe failed for $t: $(first_lines "$work/raw.err")"; return 0
    fi
    t1=$(now); parts+=("\"$t\": $(elapsed "$t0" "$t1")")
  done
  t0=$(now)
  pg -d "$db" -c "$pg_post_load_sql"
  parts+=("\"post_load_indexes\": $(elapsed "$t0" "$(now)")")
  run_seconds=$(elapsed "$start" "$(now)")
  run_tables=$(json_object "${parts[@]}")
  run_ok=1
}

urlencode() {
  local s=$1 out="" c i
  for (( i = 0; i < ${#s}; i++ )); do
    c=${s:i:1}
    case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

# timed CMD...: runs CMD under the timeout and GNU time; sets timed_rc, run_seconds,
# run_rss_kb, run_cpu_s. Output goes to $work/cmd.out and $work/cmd.err.
timed() {
  local start end
  quiesce
  start=$(now)
  # In the background with `wait`, so that Ctrl-C/TERM reach our trap at once (bash defers
  # traps until a foreground child exits, and pgloader does not exit on SIGINT). timeout runs
  # the tool in its own process group and kills that whole group when the time is up.
  timeout -k 30 "$BENCH_TIMEOUT" \
    /usr/bin/time -f '%M %U %S' -o "$work/time.out" "$@" </dev/null >"$work/cmd.out" 2>"$work/cmd.err" &
  timed_pid=$!
  set +e
  wait "$timed_pid"
  timed_rc=$?
  set -e
  timed_pid=
  end=$(now)
  run_seconds=$(elapsed "$start" "$end")
  run_rss_kb=; run_cpu_s=
  if [[ -s $work/time.out ]]; then
    read -r run_rss_kb run_cpu_s < <(awk 'NF == 3 && $1 ~ /^[0-9]+$/ { printf "%s %.2f\n", $1, $2 + $3 }' "$work/time.out" | tail -n1) || true
  fi
  rm -f "$work/time.out"
}

# exit_reason TOOL: why a timed run failed, from timed_rc.
exit_reason() {
  if [[ $timed_rc -eq 124 ]] || { [[ $timed_rc -eq 137 ]] && awk -v s="$run_seconds" -v t="$BENCH_TIMEOUT" 'BEGIN { exit !(s >= t) }'; }; then
    printf '%s timed out after %ss (BENCH_TIMEOUT)' "$1" "$BENCH_TIMEOUT"
  elif [[ $timed_rc -gt 128 ]]; then
    printf '%s was killed by signal %s after %ss' "$1" "$((timed_rc - 128))" "$run_seconds"
  else
    printf '%s exited with %s after %ss' "$1" "$timed_rc" "$run_seconds"
  fi
}

# The lines of a failed pgloader run that say why (its own ERROR/FATAL lines, or an SBCL crash).
pgloader_errors() {
  cat "$work/cmd.out" "$work/cmd.err" 2>/dev/null \
    | awk '/fatal error encountered in SBCL/ { ctx = 3 } ctx > 0 { if (NF) print; ctx--; next }
           /FATAL|ERROR|[Hh]eap exhausted|game over/ { print }' \
    | awk '!seen[$0]++' | awk 'NR <= 6' | redact | paste -sd'|' - | sed 's/|/ | /g' | cut -c1-1000
}

run_mysql_pg_pgloader() {
  local db=$1
  fresh_db "$db"
  rm -rf "$work/pgloader"; mkdir -p "$work/pgloader"
  ( umask 077
    cat >"$work/pgloader.load" <<EOF
LOAD DATABASE
  FROM mysql://$(urlencode "$SY_MY_USER"):$(urlencode "$SY_MY_PASSWORD")@127.0.0.1:$SY_MY_PORT/benchdb
  INTO postgresql://$(urlencode "$SY_PG_USER"):$(urlencode "$SY_PG_PASSWORD")@127.0.0.1:$SY_PG_PORT/$db
  WITH include drop, create tables, create indexes, reset sequences, foreign keys,
       workers = $pgloader_workers, concurrency = $pgloader_concurrency
  SET PostgreSQL PARAMETERS maintenance_work_mem to '256MB';
EOF
  )
  timed pgloader --dynamic-space-size "$pgloader_heap_mb" --root-dir "$work/pgloader" "$work/pgloader.load"
  rm -f "$work/pgloader.load"
  if [[ $timed_rc -ne 0 ]]; then
    run_ok=; run_msg="$(exit_reason pgloader): $(pgloader_errors)"
    [[ $run_msg == *": " ]] && run_msg+=$(first_lines "$work/cmd.err")
    return 0
  fi
  run_tables=
  run_ok=1
}

write_task() {  # write_task FILE ID SOURCE_ENGINE SOURCE_PORT SOURCE_DB SOURCE_USER SCHEMA TARGET_DB
  cat >"$1" <<JSON
{
  "ReplicationTaskIdentifier": "$2",
  "MigrationType": "full-load",
  "SourceEndpoint": {"EngineName": "$3", "ServerName": "127.0.0.1", "Port": $4,
                     "DatabaseName": "$5", "Username": "$6",
                     "PasswordEnv": "$( [[ $3 == postgres ]] && echo SY_PG_PASSWORD || echo SY_MY_PASSWORD )"},
  "TargetEndpoint": {"EngineName": "postgres", "ServerName": "127.0.0.1", "Port": $SY_PG_PORT,
                     "DatabaseName": "$8", "Username": "$SY_PG_USER", "PasswordEnv": "SY_PG_PASSWORD"},
  "TableMappings": {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all",
                               "object-locator": {"schema-name": "$7", "table-name": "%"},
                               "rule-action": "include"}]},
  "ReplicationTaskSettings": {"FullLoadSettings": {"TargetTablePrepMode": "DROP_AND_CREATE",
                                                   "MaxFullLoadSubTasks": $sy_subtasks,
                                                   "CommitRate": $sy_commit_rate}}
}
JSON
}

run_switchyard() {  # run_switchyard DB TASK_ID SOURCE_ENGINE SOURCE_PORT SOURCE_DB SOURCE_USER SCHEMA
  local db=$1
  if [[ $build_status == error ]]; then run_ok=; run_msg=$build_message; return 0; fi
  if [[ ! -x $switchyard_bin ]]; then run_ok=; run_msg="$switchyard_bin does not exist"; return 0; fi
  fresh_db "$db"
  local task=$work/task-$2.json state=$work/state-$2-$db
  write_task "$task" "$2" "$3" "$4" "$5" "$6" "$7" "$db"
  rm -rf "$state"
  SY_MY_PASSWORD=$SY_MY_PASSWORD SY_PG_PASSWORD=$SY_PG_PASSWORD \
    timed "$switchyard_bin" run "$task" --state-dir "$state"
  rm -rf "$state"
  if [[ $timed_rc -ne 0 ]]; then
    run_ok=; run_msg="$(exit_reason switchyard): $(first_lines "$work/cmd.err")"
    [[ $run_msg == *": " ]] && run_msg+=$(first_lines "$work/cmd.out")
    return 0
  fi
  run_tables=
  run_ok=1
}
run_mysql_pg_switchyard() {
  run_switchyard "$1" bench-my-pg mariadb "$SY_MY_PORT" benchdb "$SY_MY_USER" benchdb
}
run_pg_pg_switchyard() {
  run_switchyard "$1" bench-pg-pg postgres "$SY_PG_PORT" benchsrc "$SY_PG_USER" public
}

measure() {  # measure ID REP
  local id=$1 rep=$2 db=bench_${1}_r$2
  [[ ${m_status[$id]:-} == error ]] && return 0   # an error already ended this measurement
  log "run $rep/$BENCH_REPEAT: ${m_short[$id]}"
  run_ok=; run_msg=; run_seconds=; run_rss_kb=; run_cpu_s=; run_tables=; verify_text=
  m_load[$id]+="${m_load[$id]:+ }$(cut -d' ' -f1 /proc/loadavg)"
  "run_$id" "$db"
  if [[ -n $run_ok ]]; then
    verify "$db"
    m_verify[$id]=$verify_json
    if [[ -z $verify_ok ]]; then
      run_ok=; run_msg="finished (exit 0) in ${run_seconds}s but the row counts do not match the source: $verify_text"
    fi
  fi
  drop_db "$db"
  if [[ -z $run_ok ]]; then
    m_status[$id]=error; m_message[$id]=$run_msg
    log "  error: $run_msg"
    return 0
  fi
  m_status[$id]=ok
  m_seconds_all[$id]+="${m_seconds_all[$id]:+ }$run_seconds"
  [[ -n $run_rss_kb ]] && m_rss_all[$id]+="${m_rss_all[$id]:+ }$run_rss_kb"
  [[ -n $run_cpu_s ]] && m_cpu_all[$id]+="${m_cpu_all[$id]:+ }$run_cpu_s"
  [[ -n $run_tables ]] && m_tables[$id]=$run_tables
  log "  ${run_seconds}s${run_rss_kb:+, peak RSS ${run_rss_kb} KB}, row counts match"
}

need_pg_source=
wanted pg_pg_raw && need_pg_source=1
wanted pg_pg_switchyard && need_pg_source=1
pg_source_seconds=
if [[ -n $need_pg_source ]]; then
  log "loading the PostgreSQL source database benchsrc (raw pipe, not timed)"
  fresh_db benchsrc
  pg_ddl | pg -d benchsrc
  t0=$(now)
  for t in "${tables[@]}"; do
    my_to_stdout "$t" | pg -d benchsrc -c "\\copy $t FROM STDIN WITH (NULL 'NULL')"
  done
  pg -d benchsrc -c "$pg_post_load_sql"
  # Set hint bits and statistics now so no timed run pays for them.
  pg -d benchsrc -c "VACUUM (FREEZE, ANALYZE)"
  pg_source_seconds=$(elapsed "$t0" "$(now)")
  verify benchsrc
  [[ -n $verify_ok ]] || die "benchsrc row counts do not match: $verify_text"
  for t in "${tables[@]}"; do
    pg_copy_bytes[$t]=$(pg -d benchsrc -c "\\copy $t TO STDOUT" | wc -c)
  done
fi

for (( rep = 1; rep <= BENCH_REPEAT; rep++ )); do
  for id in $all_ids; do
    if wanted "$id"; then measure "$id" "$rep"; fi
  done
done

# ---------------------------------------------------------------------------------------------
# 4. Results
# ---------------------------------------------------------------------------------------------
median() { tr " " "\n" | awk "NF" | sort -g | awk '{ v[NR] = $1 } END {
  if (NR == 0) exit; if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { tr " " "\n" | awk "NF" | sort -g | tail -n1; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) exit; printf f, a / b }'; }

declare -A m_seconds m_rows_s m_mb_s m_rss
for id in $all_ids; do
  if [[ ${m_status[$id]:-} == ok ]]; then
    m_seconds[$id]=$(median <<<"${m_seconds_all[$id]}")
    m_rows_s[$id]=$(div "$total_rows" "${m_seconds[$id]}" %.0f)
    m_mb_s[$id]=$(div "$total_mb" "${m_seconds[$id]}" %.2f)
    m_rss[$id]=$(maxof <<<"${m_rss_all[$id]:-}")
  fi
done

# Speed ratios: how many times faster Switchyard is (other's seconds / Switchyard's seconds).
ratio() { [[ ${m_status[$1]:-} == ok && ${m_status[$2]:-} == ok ]] && div "${m_seconds[$2]}" "${m_seconds[$1]}" %.3f; true; }
r_sy_pgl=$(ratio mysql_pg_switchyard mysql_pg_pgloader)
r_sy_raw_my=$(ratio mysql_pg_switchyard mysql_pg_raw)
r_sy_raw_pg=$(ratio pg_pg_switchyard pg_pg_raw)
verdict() {  # verdict RATIO THRESHOLD
  if [[ -z $1 ]]; then echo not-measured
  elif awk -v r="$1" -v t="$2" 'BEGIN { exit !(r >= t) }'; then echo pass
  else echo fail; fi
}

fmt_int() { if [[ -n $1 ]]; then sed -e :a -e 's/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; else printf -- -; fi; }
printf '\nFull load: sbtest1 %s rows + mixed %s rows = %s rows, %s MB as COPY text (median of %s run(s))\n\n' \
  "${src_rows[sbtest1]}" "${src_rows[mixed]}" "$total_rows" "$total_mb" "$BENCH_REPEAT"
printf '%-22s %-7s %9s %11s %8s %13s\n' "measurement" "status" "seconds" "rows/s" "MB/s" "peak RSS MB"
printf '%-22s %-7s %9s %11s %8s %13s\n' "----------------------" "-------" "---------" "-----------" "--------" "-------------"
for id in $all_ids; do
  wanted "$id" || continue
  if [[ ${m_status[$id]:-} == ok ]]; then
    rss_mb=-; [[ -n ${m_rss[$id]:-} ]] && rss_mb=$(div "${m_rss[$id]}" 1024 %.0f)
    printf '%-22s %-7s %9s %11s %8s %13s\n' "${m_short[$id]}" ok "${m_seconds[$id]}" \
      "$(fmt_int "${m_rows_s[$id]}")" "${m_mb_s[$id]}" "$rss_mb"
  else
    printf '%-22s %-7s %s\n' "${m_short[$id]}" error "${m_message[$id]:-not run}"
  fi
done
printf '\nTargets (speed ratio = other seconds / Switchyard seconds):\n'
printf '  Switchyard vs pgloader, MySQL->PG  >= 3.0x : %-6s %s\n' "${r_sy_pgl:--}" "$(verdict "$r_sy_pgl" 3)"
printf '  Switchyard vs raw pipe, MySQL->PG  >= 0.8x : %-6s %s\n' "${r_sy_raw_my:--}" "$(verdict "$r_sy_raw_my" 0.8)"
printf '  Switchyard vs raw pipe, PG->PG     >= 0.8x : %-6s %s\n' "${r_sy_raw_pg:--}" "$(verdict "$r_sy_raw_pg" 0.8)"
printf '\nNote: %s cores, load average now %s; numbers on a shared machine are noisy.\n' \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

jarr() { local a; a=$(tr " " "\n" <<<"${1:-}" | awk "NF" | paste -sd, - | sed 's/,/, /g'); printf '[%s]' "$a"; }

ts=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/full-load-$ts.json
pg_version=$(pg1 -d postgres -c "SHOW server_version")
my_version=$(my -N -e "SELECT VERSION()")
pgloader_version=$(pgloader --version 2>/dev/null | sed -n '1{s/^pgloader version //;s/"//g;p}')
pgloader_pkg=$(dpkg-query -W -f='${Version}' pgloader 2>/dev/null || true)
sysbench_version=$(sysbench --version 2>/dev/null | sed -n 1p)
# shellcheck disable=SC1091
os_name=$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")
git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git_dirty=false; [[ -n $(git status --porcelain 2>/dev/null | grep -v '^?? bench/' || true) ]] && git_dirty=true
{
  printf '{\n'
  printf '  "benchmark": "full-load",\n'
  printf '  "timestamp_utc": %s,\n' "$(jstr "$ts")"
  printf '  "git": {"commit": %s, "dirty": %s},\n' "$(jstr "$git_commit")" "$git_dirty"
  printf '  "machine": {"nproc": %s, "cpu_model": %s, "mem_total_kb": %s, "kernel": %s, "os": %s, "loadavg_at_end": %s},\n' \
    "$(nproc)" "$(jstr "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')")" \
    "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" "$(jstr "$(uname -r)")" \
    "$(jstr "$os_name")" \
    "$(jstr "$(cut -d' ' -f1-3 /proc/loadavg)")"
  printf '  "software": {"postgresql": %s, "mariadb": %s, "pgloader": %s, "pgloader_debian_package": %s, "sysbench": %s, "switchyard_build": {"status": %s, "message": %s}},\n' \
    "$(jstr "$pg_version")" "$(jstr "$my_version")" "$(jstr "$pgloader_version")" "$(jstr "$pgloader_pkg")" \
    "$(jstr "$sysbench_version")" "$(jstr "$build_status")" "$(jstr "$build_message")"
  printf '  "settings": {"repeat": %s, "statistic": "median", "timeout_seconds": %s, "pgloader": {"workers": %s, "concurrency": %s, "dynamic_space_size_mb": %s}, "switchyard": {"MaxFullLoadSubTasks": %s, "CommitRate": %s, "TargetTablePrepMode": "DROP_AND_CREATE"}, "raw_pipe": "tables one after the other; the secondary index k_1 is built after the load and timed"},\n' \
    "$BENCH_REPEAT" "$BENCH_TIMEOUT" "$pgloader_workers" "$pgloader_concurrency" "$pgloader_heap_mb" "$sy_subtasks" "$sy_commit_rate"
  printf '  "dataset": {\n'
  printf '    "sbtest1_generator": %s, "generation_seconds": %s, "pg_source_load_seconds": %s,\n' \
    "$(jstr "$sbtest_generator")" "$datagen_seconds" "$(jnum "$pg_source_seconds")"
  printf '    "tables": [\n'
  sep=
  for t in "${tables[@]}"; do
    printf '%s      {"name": %s, "rows": %s, "copy_text_bytes": %s, "pg_copy_text_bytes": %s, "mariadb_data_and_index_bytes": %s}' \
      "$sep" "$(jstr "$t")" "${src_rows[$t]}" "${copy_bytes[$t]}" "$(jnum "${pg_copy_bytes[$t]:-}")" "$(jnum "${my_disk_bytes[$t]}")"
    sep=$',\n'
  done
  printf '\n    ],\n'
  printf '    "total_rows": %s, "total_copy_text_bytes": %s, "total_mb": %s, "mb_definition": "10^6 bytes of the mariadb --batch output the raw pipe feeds to COPY"\n' \
    "$total_rows" "$total_bytes" "$total_mb"
  printf '  },\n'
  printf '  "measurements": {\n'
  sep=
  for id in $all_ids; do
    printf '%s    %s: {"title": %s, ' "$sep" "$(jstr "$id")" "$(jstr "${m_title[$id]}")"
    sep=$',\n'
    if ! wanted "$id"; then printf '"status": "skipped"}'; continue; fi
    if [[ ${m_status[$id]:-} == ok ]]; then
      printf '"status": "ok", "seconds": %s, "seconds_all_runs": %s, "rows_per_second": %s, "mb_per_second": %s, "peak_rss_kb": %s, "cpu_seconds_all_runs": %s, ' \
        "${m_seconds[$id]}" "$(jarr "${m_seconds_all[$id]}")" "$(jnum "${m_rows_s[$id]}")" "$(jnum "${m_mb_s[$id]}")" \
        "$(jnum "${m_rss[$id]:-}")" "$(jarr "${m_cpu_all[$id]:-}")"
      [[ -n ${m_tables[$id]:-} ]] && printf '"seconds_by_step_last_run": %s, ' "${m_tables[$id]}"
      printf '"row_counts_match": true, '
    else
      printf '"status": "error", "message": %s, "seconds": null, ' "$(jstr "${m_message[$id]:-not run}")"
      [[ -n ${m_verify[$id]:-} ]] && printf '"row_counts_match": false, '
    fi
    printf '"row_counts": %s, "loadavg_1m_before_runs": %s}' "$(jnum "${m_verify[$id]:-}")" "$(jarr "${m_load[$id]:-}")"
  done
  printf '\n  },\n'
  printf '  "ratios": {"definition": "speed-up = other seconds / Switchyard seconds", "switchyard_vs_pgloader_mysql_pg": %s, "switchyard_vs_raw_mysql_pg": %s, "switchyard_vs_raw_pg_pg": %s},\n' \
    "$(jnum "$r_sy_pgl")" "$(jnum "$r_sy_raw_my")" "$(jnum "$r_sy_raw_pg")"
  printf '  "targets": [\n'
  printf '    {"name": "Switchyard >= 3x pgloader, MySQL->PG", "ratio": %s, "threshold": 3.0, "result": "%s"},\n' "$(jnum "$r_sy_pgl")" "$(verdict "$r_sy_pgl" 3)"
  printf '    {"name": "Switchyard >= 0.8x raw pipe, MySQL->PG", "ratio": %s, "threshold": 0.8, "result": "%s"},\n' "$(jnum "$r_sy_raw_my")" "$(verdict "$r_sy_raw_my" 0.8)"
  printf '    {"name": "Switchyard >= 0.8x raw pipe, PG->PG", "ratio": %s, "threshold": 0.8, "result": "%s"}\n' "$(jnum "$r_sy_raw_pg")" "$(verdict "$r_sy_raw_pg" 0.8)"
  printf '  ]\n'
  printf '}\n'
} >"$out"
cp "$out" bench/results/full-load-latest.json
log "wrote $out (and bench/results/full-load-latest.json)"
