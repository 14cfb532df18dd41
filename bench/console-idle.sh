#!/usr/bin/env bash
# Idle CPU of the console (issue 4, section 3: "idle CPU of the console under 1% of a core while
# a task runs with nothing changing"). A measurement, not a test: tests never assert on timing.
#
#   bench/console-idle.sh
#
# Builds nothing: it uses build/switchyard (scripts/build.sh switchyard first). It starts
# throwaway servers (scripts/servers.sh) and always stops them again, creates a small
# PostgreSQL source database (one 1,000-row table) and an empty PostgreSQL target, and runs a
# full-load-and-cdc task in `switchyard console` inside a private tmux server (BENCH_COLS x
# BENCH_LINES). Once the full load is done and CDC runs (switchyard status: every table
# "Table completed", CDCLatencyTarget published) and BENCH_SETTLE more seconds have passed, it
# reads the switchyard process's utime+stime from /proc/PID/stat, waits BENCH_SECONDS with
# nothing written to the source, and reads them again. Nothing else happens in that window:
# the engine idles in CDC (heartbeats, metrics, the source-log probe), the console shows it.
#
# The process runs the engine too, so the figure is an upper bound for the console. Per thread
# (/proc/PID/task/TID/schedstat, nanoseconds): the console thread (the main thread) and the
# snapshot builder ("sy-snapshot") are the console's share; the rest is the engine. It also
# counts the bytes the console wrote to the terminal in the window (tmux pipe-pane).
#
# It prints a summary and writes bench/results/console-idle-<UTC>.json and
# bench/results/console-idle-latest.json.
#
# Knobs (environment):
#   BENCH_SECONDS=30          length of the idle window
#   BENCH_SETTLE=5            seconds to wait after CDC started, before the window
#   BENCH_COLS=80 BENCH_LINES=24  terminal size
#   BENCH_SETUP_TIMEOUT=180   seconds to wait for the full load and CDC
#   BENCH_TMPDIR=$TMPDIR|/tmp where the servers and the scratch files live
#   SWITCHYARD_BUILD_DIR=build  build directory holding the switchyard binary
#
# The password never appears on a command line or in the output: psql reads it from a
# PGPASSFILE in a 0700 scratch directory; switchyard from the environment variable its task
# file names (PasswordEnv), which the private tmux server inherits from this script.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

BENCH_SECONDS=${BENCH_SECONDS:-30}
BENCH_SETTLE=${BENCH_SETTLE:-5}
BENCH_COLS=${BENCH_COLS:-80}
BENCH_LINES=${BENCH_LINES:-24}
BENCH_SETUP_TIMEOUT=${BENCH_SETUP_TIMEOUT:-180}
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
build_dir=${SWITCHYARD_BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$repo/$build_dir
switchyard_bin=$build_dir/switchyard
target_percent=1

log() { printf '[console-idle %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for v in BENCH_SECONDS BENCH_COLS BENCH_LINES BENCH_SETUP_TIMEOUT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
[[ $BENCH_SETTLE =~ ^[0-9]+$ ]] || die "BENCH_SETTLE must be a whole number of seconds"
(( BENCH_COLS >= 80 && BENCH_LINES >= 24 )) || die "the console needs at least 80x24"
[[ -x $switchyard_bin ]] || die "$switchyard_bin is missing: build it first with scripts/build.sh switchyard"
for tool in tmux psql jq awk getconf; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh --bench installs it)"
done

tmp=$(mktemp -d "$BENCH_TMPDIR/switchyard-console-idle.XXXXXX")
srv=$tmp/srv
work=$tmp/work
mkdir -m 0700 "$work"
tmux_socket=sy-console-idle-$$
sy_pid=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The console first (tmux kill-server hangs it up: it stops its task gracefully), then the
  # servers it was connected to.
  tmux -L "$tmux_socket" kill-server 2>/dev/null || true
  if [[ -n $sy_pid ]]; then
    for _ in $(seq 1 300); do kill -0 "$sy_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$sy_pid" 2>/dev/null || true
  fi
  if [[ -d $srv ]]; then
    log "stopping the servers"
    scripts/servers.sh stop "$srv" >/dev/null 2>&1 || log "warning: servers.sh stop failed"
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting throwaway servers"
scripts/servers.sh start "$srv" >/dev/null
# shellcheck disable=SC1091
source "$srv/env"  # SY_PG_PORT SY_PG_USER SY_PG_PASSWORD ...
secrets=("$SY_PG_PASSWORD" "$SY_MY_PASSWORD")  # what redact (bench/lib.sh) hides
(umask 077; printf '127.0.0.1:%s:*:%s:%s\n' "$SY_PG_PORT" "$SY_PG_USER" "$SY_PG_PASSWORD" >"$work/pgpass")
unset PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS
export PGPASSFILE=$work/pgpass PGHOST=127.0.0.1 PGPORT=$SY_PG_PORT PGUSER=$SY_PG_USER
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

pg -d postgres -c "CREATE DATABASE idle_src" -c "CREATE DATABASE idle_dst"
pg -d idle_src -c "CREATE TABLE items (id int PRIMARY KEY, v text)" \
  -c "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 1000) g"

task=$work/task.json
state=$work/state
cat >"$task" <<JSON
{
  "ReplicationTaskIdentifier": "console-idle",
  "MigrationType": "full-load-and-cdc",
  "SourceEndpoint": {"EngineName": "postgres", "ServerName": "127.0.0.1", "Port": $SY_PG_PORT,
                     "DatabaseName": "idle_src", "Username": "$SY_PG_USER",
                     "PasswordEnv": "SY_PG_PASSWORD"},
  "TargetEndpoint": {"EngineName": "postgres", "ServerName": "127.0.0.1", "Port": $SY_PG_PORT,
                     "DatabaseName": "idle_dst", "Username": "$SY_PG_USER",
                     "PasswordEnv": "SY_PG_PASSWORD"},
  "TableMappings": {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all",
                               "object-locator": {"schema-name": "public", "table-name": "%"},
                               "rule-action": "include"}]}
}
JSON

# `exec` twice: the pane's process is switchyard itself, so pane_pid is its pid.
log "starting the console (${BENCH_COLS}x${BENCH_LINES}) on a full-load-and-cdc task"
SY_PG_PASSWORD=$SY_PG_PASSWORD tmux -L "$tmux_socket" -f /dev/null new-session -d -s c \
  -x "$BENCH_COLS" -y "$BENCH_LINES" \
  "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color $switchyard_bin console $task --state-dir $state"
sy_pid=$(tmux -L "$tmux_socket" display-message -p -t c '#{pane_pid}')
# The shell and env exec into switchyard within moments.
for _ in $(seq 1 50); do [[ $(cat "/proc/$sy_pid/comm" 2>/dev/null) == switchyard ]] && break; sleep 0.1; done
[[ $(cat "/proc/$sy_pid/comm" 2>/dev/null) == switchyard ]] || die "pane process $sy_pid is not switchyard"

status() { "$switchyard_bin" status "$task" --json --state-dir "$state" 2>/dev/null || true; }
deadline=$(( $(date +%s) + BENCH_SETUP_TIMEOUT ))
while :; do
  kill -0 "$sy_pid" 2>/dev/null || die "the console exited during the setup: $(tmux -L "$tmux_socket" capture-pane -p -t c 2>/dev/null | redact | tail -n 5)"
  s=$(status)
  if [[ $(jq -r '[.TableStatistics[]? | select(.TableState == "Table completed")] | length' <<<"$s" 2>/dev/null) == 1 &&
        -n $(jq -r '.Metrics.CDCLatencyTarget // empty' <<<"$s" 2>/dev/null) ]]; then
    break
  fi
  (( $(date +%s) < deadline )) || die "full load not done / CDC not started after ${BENCH_SETUP_TIMEOUT}s"
  sleep 1
done
log "full load done, CDC running; settling ${BENCH_SETTLE}s"
sleep "$BENCH_SETTLE"

hz=$(getconf CLK_TCK)
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$sy_pid/stat"; }
# Run time per thread in ns: "console", "snapshot" and "engine" (everything else).
thread_ns() {
  local t name ns console=0 snapshot=0 engine=0
  for t in /proc/"$sy_pid"/task/*; do
    ns=$(awk '{ print $1 }' "$t/schedstat" 2>/dev/null) || continue
    [[ -n $ns ]] || continue
    name=$(cat "$t/comm" 2>/dev/null || true)
    if [[ ${t##*/} == "$sy_pid" ]]; then console=$((console + ns))
    elif [[ $name == sy-snapshot ]]; then snapshot=$((snapshot + ns))
    else engine=$((engine + ns)); fi
  done
  echo "$console $snapshot $engine"
}

pipe=$work/terminal.out
tmux -L "$tmux_socket" pipe-pane -t c "cat > $pipe"
log "measuring ${BENCH_SECONDS}s of idle"
t0=$(now); c0=$(ticks); read -r con0 snap0 eng0 < <(thread_ns)
sleep "$BENCH_SECONDS"
t1=$(now); c1=$(ticks); read -r con1 snap1 eng1 < <(thread_ns)
tmux -L "$tmux_socket" pipe-pane -t c
kill -0 "$sy_pid" 2>/dev/null || die "the console exited during the measurement"
screen=$(tmux -L "$tmux_socket" capture-pane -p -t c | redact)
terminal_bytes=$(wc -c <"$pipe")

wall=$(elapsed "$t0" "$t1")
pct() { awk -v v="$1" -v w="$wall" 'BEGIN { printf "%.3f", 100 * v / w }'; }
cpu_seconds=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
cpu_percent=$(pct "$cpu_seconds")
sec() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'; }
console_percent=$(pct "$(sec "$con0" "$con1")")
snapshot_percent=$(pct "$(sec "$snap0" "$snap1")")
engine_percent=$(pct "$(sec "$eng0" "$eng1")")
verdict=$(awk -v p="$cpu_percent" -v t="$target_percent" 'BEGIN { print (p < t) ? "under" : "OVER" }')

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/console-idle-$stamp.json
{
  printf '{\n'
  printf '  "benchmark": "console-idle",\n'
  printf '  "started_utc": %s,\n' "$(jstr "$stamp")"
  printf '  "commit": %s,\n' "$(jstr "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")"
  printf '  "host": {"cpus": %s, "kernel": %s},\n' "$(nproc)" "$(jstr "$(uname -r)")"
  printf '  "terminal": {"cols": %s, "lines": %s},\n' "$BENCH_COLS" "$BENCH_LINES"
  printf '  "task": "full-load-and-cdc, PostgreSQL -> PostgreSQL, 1 table x 1,000 rows, no writes in the window",\n'
  printf '  "window_seconds": %s,\n' "$wall"
  printf '  "cpu_seconds": %s,\n' "$cpu_seconds"
  printf '  "cpu_percent_of_one_core": %s,\n' "$cpu_percent"
  printf '  "target_percent_of_one_core": %s,\n' "$target_percent"
  printf '  "under_target": %s,\n' "$(jbool "$([[ $verdict == under ]] && echo 1)")"
  printf '  "threads_percent_of_one_core": {"console": %s, "snapshot_builder": %s, "engine": %s},\n' \
    "$console_percent" "$snapshot_percent" "$engine_percent"
  printf '  "terminal_bytes_written": %s,\n' "$terminal_bytes"
  printf '  "screen_at_end": %s\n' "$(jstr "$screen")"
  printf '}\n'
} >"$out"
cp "$out" bench/results/console-idle-latest.json

printf '\nConsole idle CPU (%ss, %sx%s, switchyard console, CDC idle)\n' "$wall" "$BENCH_COLS" "$BENCH_LINES"
printf '  %-34s %8s%%  (target < %s%%: %s)\n' "whole process, utime+stime" "$cpu_percent" "$target_percent" "$verdict"
printf '  %-34s %8s%%\n' "console thread" "$console_percent" "snapshot builder thread" "$snapshot_percent" \
  "engine threads" "$engine_percent"
printf '  %-34s %8s\n' "bytes written to the terminal" "$terminal_bytes"
printf '  results: %s\n' "$out"
