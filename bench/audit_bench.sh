#!/usr/bin/env bash
# Durable audit appends through the gateway's path (Auditor on the blocking pool, SQLite store with
# group commit, synchronous=FULL) at 1, 8 and 64 concurrent requests, next to plain SQLite inserts
# of the same rows into the same table, one transaction each, measured in the same run
# (bench/audit_bench.cpp). Target: >= 1.0 x the inserts at 64 concurrent requests.
# Usage: bench/audit_bench.sh [seconds per measure, default 5] [dir, default ./var]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target lgw-audit-bench >/dev/null
out=$(build/bench/lgw-audit-bench --seconds "${1:-5}" --dir "${2:-$PWD/var}")
floor=$(awk '$1 == "sqlite" {print $3}' <<<"$out")
printf '%-34s %12s %9s %9s %7s\n' measure "per second" "p50 ms" "p99 ms" ratio
printf '%-34s %12.1f %9s %9s %7s\n' "plain SQLite inserts, 1 tx each" "$floor" - - 1.00
awk -v f="$floor" '$1 == "audit" {
  printf "%-34s %12.1f %9.2f %9.2f %7.2f\n", "audit appends, " $2 " concurrent", $3, $4, $5, $3 / f
  if ($2 == 64) last = $3 / f
} END { if (last != "") printf "ratio audit_append_vs_sqlite %.2f\n", last }' <<<"$out"
