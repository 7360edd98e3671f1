#!/usr/bin/env bash
# Issue 5's document-security figures, each with its baseline from the same process (see
# bench/document_bench.cpp). Usage: bench/document_bench.sh [seconds per measure, default 3] [dir]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target lgw-document-bench >/dev/null
OMP_THREAD_LIMIT=1 build/bench/lgw-document-bench --seconds "${1:-3}" --dir "${2:-$PWD/var}"
