#!/usr/bin/env bash
# Packages with a 1 MB scan each, pushed to the marketing-system receiver on loopback: packages/s
# next to the same bodies POSTed directly, and push -> delivered p50/p99 (see bench/push_bench.cpp).
# Usage: bench/push_bench.sh [packages, default 60] [latency samples, default 40] [batch, default from config]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target lgw-push-bench >/dev/null
OMP_THREAD_LIMIT=1 build/bench/lgw-push-bench --packages "${1:-60}" --latency-samples "${2:-40}" ${3:+--batch "$3"}
