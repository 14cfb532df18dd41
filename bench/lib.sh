# shellcheck shell=bash disable=SC2154
# Helpers shared by the benchmarks (sourced, not run). They read, when called, the caller's
# $work (client config files written there) and ${secrets[@]} (the passwords to hide).

my() { mariadb --defaults-file="$work/my.cnf" "$@"; }
pg() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
pg1() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }   # one value out

redact() {  # stdin -> stdout, without the passwords
  local line s
  while IFS= read -r line || [[ -n $line ]]; do
    for s in "${secrets[@]}"; do line=${line//"$s"/***}; done
    printf '%s\n' "$line"
  done
}

# JSON string, without jq.
jstr() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/\\r}
  s=$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')
  printf '"%s"' "$s"
}
jnum() { if [[ -n ${1:-} ]]; then printf '%s' "$1"; else printf null; fi; }
jbool() { if [[ -n ${1:-} ]]; then printf true; else printf false; fi; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Memory and CPU of a running process, from /proc (empty output once it is gone).
proc_kb() {  # proc_kb PID FIELD: a kB field of /proc/PID/status (VmRSS = resident now, VmHWM = peak)
  awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status" 2>/dev/null || true
}
proc_cpu_seconds() {  # proc_cpu_seconds PID: user + system CPU seconds used so far
  local hz; hz=$(getconf CLK_TCK)
  # Drop "pid (comm) " first: comm may hold spaces. Then utime and stime are fields 12 and 13.
  awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || true
}
# files_bytes DIR NAME_GLOB: "BYTES FILES" of the matching regular files directly in DIR
# ("0 0" when there are none or DIR is missing).
files_bytes() {
  find "$1" -maxdepth 1 -type f -name "$2" -printf '%s\n' 2>/dev/null | awk '{ s += $1; n++ } END { printf "%d %d\n", s, n }'
}
