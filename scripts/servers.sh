#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and MariaDB 10.11 servers for tests, the demo and benchmarks.
#
#   scripts/servers.sh start DIR   start both servers under DIR (created), write DIR/env
#   scripts/servers.sh stop DIR    stop both servers and remove DIR
#   scripts/servers.sh restart DIR postgres|mariadb [SECONDS_DOWN]
#                                  restart one server of a running pair in place (same ports,
#                                  same data, same passwords): a clean shutdown (PostgreSQL
#                                  -m fast, MariaDB SIGTERM), SECONDS_DOWN (default 0) with the
#                                  server gone so connection attempts are refused, then a start;
#                                  returns once the server accepts connections on 127.0.0.1
#                                  again. What tests use to restart a server mid-CDC.
#
# Both servers listen on 127.0.0.1 only, on free ports, and are configured for change data
# capture (wal_level=logical; binlog ROW/FULL with a server_id). PostgreSQL refuses to run as
# root, so when we are root both run as the unprivileged user "switchyard-test" (created once).
# DIR/env holds shell assignments for the ports, users and passwords:
#   SY_PG_PORT SY_PG_USER SY_PG_PASSWORD SY_MY_PORT SY_MY_USER SY_MY_PASSWORD SY_MY_SOCKET
# The passwords are random per run and only ever live in DIR (mode 0700).
set -euo pipefail

pg_bin=/usr/lib/postgresql/15/bin
run_user=switchyard-test

die() { echo "servers.sh: $*" >&2; exit 1; }

as_run_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$run_user" -- "$@"
  else
    "$@"
  fi
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    # Below the kernel's ephemeral range (32768-60999), where outgoing connections take ports.
    p=$(( 20000 + RANDOM % 12000 ))
    if port_is_free "$p"; then echo "$p"; return 0; fi
  done
  die "no free loopback port found"
}

random_secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=' ; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 $((secs * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "$what did not come up within ${secs}s"
}

start_postgres() {
  local dir=$1 port=$2 user=$3 pw=$4
  printf '%s\n' "$pw" > "$dir/pg.pw"
  as_run_user "$pg_bin/initdb" -D "$dir/pg" -U "$user" --pwfile="$dir/pg.pw" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/pg-initdb.log" 2>&1 \
    || { cat "$dir/pg-initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pg.pw"
  cat >> "$dir/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_connections = 100
shared_buffers = 256MB
max_wal_size = 4GB
fsync = on
logging_collector = off
# A lock waited on for 5 minutes here is a hang (a test's statement behind a stuck session):
# it fails with the server's message instead of waiting forever.
lock_timeout = '5min'
# After an unclean stop, sync the data directory with one syncfs() instead of an fsync() per
# file (which took minutes for a data directory full of test databases).
recovery_init_sync_method = syncfs
CONF
  # Replication connections from loopback, with a password like any other client.
  echo "host replication all 127.0.0.1/32 scram-sha-256" >> "$dir/pg/pg_hba.conf"
  run_postgres "$dir"
}

# Starts the initialized cluster in DIR/pg and waits until it accepts connections on its port.
run_postgres() {
  local dir=$1 port
  # Generous: after an unclean stop, crash recovery first syncs the data directory, which
  # took over a minute on a loaded machine.
  as_run_user "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 300 start >/dev/null \
    || { tail -20 "$dir/pg.log" >&2; die "PostgreSQL failed to start"; }
  port=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$dir/pg/postgresql.conf" | tail -1)
  wait_for 300 "PostgreSQL" "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"
}

stop_postgres() {  # stop_postgres DIR MODE: a clean stop (fast), immediate if that hangs
  local dir=$1 mode=$2
  [[ -f "$dir/pg/postmaster.pid" ]] || return 0
  # The shutdown checkpoint can take a while on a loaded machine; falling back to an immediate
  # stop costs a crash recovery at the next start.
  as_run_user "$pg_bin/pg_ctl" -D "$dir/pg" -m "$mode" -w -t 120 stop >/dev/null 2>&1 \
    || as_run_user "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
}

start_mariadb() {
  local dir=$1 port=$2 user=$3 pw=$4
  mkdir -p "$dir/my"
  [[ $(id -u) -eq 0 ]] && chown "$run_user" "$dir/my"
  cat > "$dir/my.cnf" <<CONF
[mariadbd]
datadir=$dir/my
socket=$dir/my.sock
pid-file=$dir/my.pid
port=$port
bind-address=127.0.0.1
skip-name-resolve
log-error=$dir/my.log
server-id=1
log-bin=$dir/my/binlog
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
innodb_buffer_pool_size=512M
innodb_log_file_size=256M
max_allowed_packet=256M
local_infile=1
character-set-server=utf8mb4
collation-server=utf8mb4_bin
# As lock_timeout on PostgreSQL: a 5-minute lock wait is a hang, so it fails instead.
lock_wait_timeout=300
CONF
  local os_user; os_user=$(mariadb_admin)
  as_run_user mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=socket \
      --auth-root-socket-user="$os_user" \
      >"$dir/my-install.log" 2>&1 || { cat "$dir/my-install.log" >&2; die "mariadb-install-db failed"; }
  run_mariadb "$dir"
  as_run_user mariadb --socket="$dir/my.sock" -u"$os_user" <<SQL
CREATE USER '$user'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER '$user'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$user'@'localhost' WITH GRANT OPTION;
SQL
}

# The OS user the install made a socket-authenticated admin account for.
mariadb_admin() { if [[ $(id -u) -eq 0 ]]; then echo "$run_user"; else id -un; fi; }

# Starts mariadbd on DIR/my.cnf in the background and waits until it accepts connections on
# its socket and on 127.0.0.1.
run_mariadb() {
  local dir=$1 port
  as_run_user mariadbd --defaults-file="$dir/my.cnf" >/dev/null 2>&1 &
  wait_for 60 "MariaDB" as_run_user mariadb --socket="$dir/my.sock" -u"$(mariadb_admin)" \
    -e "SELECT 1"
  port=$(sed -n 's/^port=\([0-9]*\)$/\1/p' "$dir/my.cnf")
  wait_for 60 "MariaDB on 127.0.0.1:$port" port_is_open "$port"
}

port_is_open() { ! port_is_free "$1"; }

stop_mariadb() {  # a clean shutdown (SIGTERM); SIGKILL if it has not ended after 30 s
  local dir=$1 pid
  [[ -f "$dir/my.pid" ]] || return 0
  pid=$(cat "$dir/my.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "servers.sh: MariaDB (pid $pid) did not shut down within 30 s; killing it" >&2
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

cmd_start() {
  local dir=$1
  # A half-started pair is never left behind.
  trap '[[ -n ${started:-} ]] || cmd_stop "$dir"' EXIT
  [[ -e "$dir" && -n "$(ls -A "$dir" 2>/dev/null)" ]] && die "$dir exists and is not empty"
  if [[ $(id -u) -eq 0 ]] && ! id "$run_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user"
  fi
  mkdir -p "$dir"
  chmod 0700 "$dir"
  [[ $(id -u) -eq 0 ]] && chown "$run_user" "$dir"
  # The parent folders must be traversable by the server user.
  local parent; parent=$(dirname "$(readlink -f "$dir")")
  while [[ "$parent" != "/" ]]; do
    [[ -x "$parent" ]] || break
    [[ $(id -u) -eq 0 ]] && chmod o+x "$parent" 2>/dev/null || true
    parent=$(dirname "$parent")
  done

  local pg_port my_port pg_pw my_pw
  pg_port=$(free_port); pg_pw=$(random_secret)
  start_postgres "$dir" "$pg_port" switchyard "$pg_pw"
  my_port=$(free_port)
  while [[ $my_port == "$pg_port" ]]; do my_port=$(free_port); done
  my_pw=$(random_secret)
  start_mariadb "$dir" "$my_port" switchyard "$my_pw"

  umask 077
  cat > "$dir/env" <<ENV
SY_SERVERS_DIR='$dir'
SY_PG_HOST=127.0.0.1
SY_PG_PORT=$pg_port
SY_PG_USER=switchyard
SY_PG_PASSWORD='$pg_pw'
SY_MY_HOST=127.0.0.1
SY_MY_PORT=$my_port
SY_MY_USER=switchyard
SY_MY_PASSWORD='$my_pw'
SY_MY_SOCKET='$dir/my.sock'
ENV
  started=1
  echo "servers.sh: PostgreSQL on 127.0.0.1:$pg_port, MariaDB on 127.0.0.1:$my_port ($dir)" >&2
}

cmd_stop() {
  local dir=$1
  [[ -d "$dir" ]] || return 0
  stop_postgres "$dir" fast
  stop_mariadb "$dir"
  rm -rf "$dir"
}

# Same ports, data and accounts: everything is read from DIR, nothing is initialized again.
# A server that is not running (an earlier restart failed half-way) is just started.
cmd_restart() {
  local dir=$1 server=$2 down=$3
  [[ -f "$dir/env" ]] || die "$dir holds no servers started by '$0 start'"
  case "$server" in
    postgres)
      stop_postgres "$dir" fast
      sleep "$down"
      run_postgres "$dir"
      ;;
    mariadb)
      stop_mariadb "$dir"
      sleep "$down"
      run_mariadb "$dir"
      ;;
    *) die "restart: unknown server \"$server\" (postgres or mariadb)" ;;
  esac
  echo "servers.sh: $server restarted ($dir)" >&2
}

case "${1:-}" in
  start) [[ $# -eq 2 ]] || die "usage: $0 start DIR"; cmd_start "$2" ;;
  stop)  [[ $# -eq 2 ]] || die "usage: $0 stop DIR"; cmd_stop "$2" ;;
  restart)
    [[ $# -eq 3 || $# -eq 4 ]] || die "usage: $0 restart DIR postgres|mariadb [SECONDS_DOWN]"
    [[ ${4:-0} =~ ^[0-9]+$ ]] || die "restart: SECONDS_DOWN must be a whole number of seconds"
    cmd_restart "$2" "$3" "${4:-0}" ;;
  *) die "usage: $0 start|stop DIR, or $0 restart DIR postgres|mariadb [SECONDS_DOWN]" ;;
esac
