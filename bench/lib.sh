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
