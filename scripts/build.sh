#!/usr/bin/env bash
# Configures and builds Switchyard into build/ (Release with debug info). Idempotent and
# incremental: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${SWITCHYARD_BUILD_DIR:-build}
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build_dir" "$@"
