#!/usr/bin/env bash
# consent -> verify -> fetch at 200 and 1,000 concurrent flows against the simulator adding 100 ms
# per call (see bench/flow_bench.cpp). Usage: bench/flow_bench.sh [seconds per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
cmake --build build --target lgw-flow-bench >/dev/null
last=""
for n in 200 1000; do
  last=$(OMP_THREAD_LIMIT=1 build/bench/lgw-flow-bench --flows "$n" --seconds "$secs" --latency-ms 100)
  echo "$last"
done
# At 1,000 flows, against min(the Little's-law bound, the CPU floor measured in the same run).
sed -n 's/.* ratio=\([0-9.]*\).*/ratio flow_vs_bound \1/p' <<<"$last" | head -1
