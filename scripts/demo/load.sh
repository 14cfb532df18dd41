#!/usr/bin/env bash
# The demo's write load against the throwaway MariaDB, until it is told to stop:
#
#   scripts/demo/load.sh WORK_DIR SECONDS
#
# - sysbench oltp_write_only on the sbtest schema (DEMO_RATE transactions/s, default 50, two
#   threads; each transaction updates two rows and deletes and re-inserts a third);
# - a writer that inserts, updates or deletes one row of shop.payment_events (the table with
#   many column types) every 200 ms through one mariadb client session.
#
# It stops both after SECONDS seconds, as soon as WORK_DIR/stop-load exists, or on SIGTERM,
# then writes WORK_DIR/load-stopped. scripts/demo.sh starts it in its own process group
# (setsid) and kills that group on exit, so nothing it started outlives the demo.
# Connection settings come from the environment (SY_MY_PORT, SY_MY_USER, SY_MY_PASSWORD, as
# written by scripts/servers.sh); the password reaches sysbench through an option file
# and the mariadb client through MYSQL_PWD, never on a command line: demo.sh writes
# WORK_DIR/sysbench.cfg (mode 0600) with sysbench's connection options.
set -euo pipefail
work=$1
seconds=$2
rate=${DEMO_RATE:-50}

log() { echo "$(date +%H:%M:%S) load: $*" >> "$work/load.log"; }

# One statement (or a short transaction) per tick: 6 of 10 insert, 3 update, 1 deletes.
payment_sql() {
  local insert update delete pick
  insert="INSERT INTO payment_events (event_uuid, order_id, kind, flags, amount, currency, fx_rate,
  risk_score, attempt, installments, terminal_id, captured, status_bits, card_fingerprint,
  client_ip, psp_reference, message, raw_response, payload, booked_on, fiscal_year, cutoff,
  created_at)
VALUES (UUID(), 1 + FLOOR(RAND() * 100000),
  ELT(1 + FLOOR(RAND() * 4), 'authorize', 'capture', 'refund', 'chargeback'),
  ELT(1 + FLOOR(RAND() * 4), '', '3ds', '3ds,retry', 'manual'),
  ROUND(RAND() * 2000, 2), ELT(1 + FLOOR(RAND() * 3), 'EUR', 'USD', 'NOK'),
  1 + RAND() / 10, RAND() * 100, 1, IF(RAND() < 0.2, 3, NULL), FLOOR(RAND() * 16777215),
  RAND() < 0.5, b'00000001', UNHEX(MD5(RAND())),
  IF(RAND() < 0.5, '2001:db8::7', CONCAT('::ffff:192.0.2.', FLOOR(RAND() * 255))),
  CONCAT('psp_', HEX(FLOOR(RAND() * 4294967295))),
  'live write ✓ — Zoë', UNHEX(CONCAT('00FF', MD5(RAND()))),
  JSON_OBJECT('source', 'demo', 'n', FLOOR(RAND() * 1000), 'ok', TRUE),
  CURRENT_DATE, YEAR(CURRENT_DATE), CURRENT_TIME(3), NOW(6));"
  update="SET @id = (SELECT FLOOR(MIN(id) + RAND() * (MAX(id) - MIN(id) + 1)) FROM payment_events);
UPDATE payment_events SET attempt = LEAST(attempt + 1, 255), status_bits = status_bits | b'00000100',
  risk_score = RAND() * 100, captured = 1 - captured, cutoff = SEC_TO_TIME(FLOOR(RAND() * 86400)),
  message = CONCAT('retried at ', NOW(6), ' 🔁'),
  payload = JSON_SET(COALESCE(payload, '{}'), '\$.retries', attempt)
WHERE id >= @id ORDER BY id LIMIT 1;"
  delete="SET @id = (SELECT FLOOR(MIN(id) + RAND() * (MAX(id) - MIN(id) + 1)) FROM payment_events);
DELETE FROM payment_events WHERE id >= @id ORDER BY id LIMIT 1;"
  while :; do
    pick=$((RANDOM % 10))
    if ((pick < 6)); then echo "$insert"; elif ((pick < 9)); then echo "$update"; else echo "$delete"; fi
    sleep 0.2
  done
}

pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  log "stopped"
  date +%s > "$work/load-stopped"
}
trap 'stop_all; exit 0' TERM INT HUP

sysbench oltp_write_only --config-file="$work/sysbench.cfg" --mysql-ignore-errors=1213,1205,1020,1062 --tables=4 --table-size=50000 \
  --threads=2 --rate="$rate" --time=0 --report-interval=10 run > "$work/sysbench.log" 2>&1 &
pids+=($!)
payment_sql | MYSQL_PWD=$SY_MY_PASSWORD mariadb --default-character-set=utf8mb4 --force \
  -h 127.0.0.1 -P "$SY_MY_PORT" -u "$SY_MY_USER" shop > "$work/payment-writer.log" 2>&1 &
pids+=($!)
log "started: sysbench oltp_write_only at $rate tx/s, payment_events writer every 200 ms"

deadline=$((SECONDS + seconds))
while ((SECONDS < deadline)) && [[ ! -e "$work/stop-load" ]]; do
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || { log "a writer ended early (see sysbench.log, payment-writer.log)"; break 2; }
  done
  sleep 1
done
stop_all
