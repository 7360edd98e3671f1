#!/usr/bin/env bash
# README command 1: install what is missing, build, and start the gateway on 127.0.0.1:8080 with the
# embedded default (config/gateway.toml: demo mode, SQLite and files under var/).
# Extra arguments go to `licence-gateway serve` (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
jobs=$(nproc)
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build --target licence-gateway -j "$jobs"
# Tesseract (OCR) is several times slower in a long-running process unless this is set before start.
export OMP_THREAD_LIMIT=1
exec build/licence-gateway serve --config config/gateway.toml "$@"
