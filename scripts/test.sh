#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts the throwaway servers once,
# runs every test suite against them and stops the servers, also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

servers_dir=$(mktemp -d /tmp/switchyard-test-XXXXXX)
rmdir "$servers_dir"  # servers.sh creates it with the right owner and mode
trap 'scripts/servers.sh stop "$servers_dir"' EXIT
scripts/servers.sh start "$servers_dir"
export SY_SERVERS_ENV="$servers_dir/env"

ctest --test-dir build --output-on-failure "$@"
