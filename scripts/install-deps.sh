#!/usr/bin/env bash
# Installs the Debian packages Switchyard needs to build, test and run its demo.
# Idempotent: asks dpkg first and only calls apt-get for what is missing, so a second run
# takes well under a second. sysbench drives the demo's write load (scripts/demo.sh).
# Pass --bench to also install the benchmark peers and tools.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libpq-dev libmariadb-dev nlohmann-json3-dev libsqlite3-dev libncurses-dev libgtest-dev
  postgresql-15 postgresql-client-15 mariadb-server mariadb-client
  tmux procps iproute2 sysbench
)
if [[ "${1:-}" == "--bench" ]]; then
  # pgloader: the full-load peer; jq and the sqlite3 shell: bench/cdc.sh reads
  # `switchyard status --json` and the metric history in state.db with them.
  # (pgbench comes with postgresql-15 / postgresql-client-common.)
  packages+=(pgloader jq sqlite3)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine; refresh once per run.
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
