#!/usr/bin/env bash
# Envelope encryption (seal = fresh data key + AES-256-GCM + key wrap; open = unwrap + decrypt)
# next to `openssl speed -evp aes-256-gcm` on the same block sizes, run by this script, with the
# ratio. Target: >= 0.7 for 1 MB and up. Usage: bench/crypto_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target lgw-crypto-bench >/dev/null
ours=$(build/bench/lgw-crypto-bench)
printf '%-10s %-5s %12s %14s %7s\n' size op "MB/s" "openssl MB/s" ratio
for size in 102400 1048576 10485760; do
  # openssl prints k-bytes/s in its last column for the one block size asked.
  ref=$(openssl speed -evp aes-256-gcm -bytes "$size" -seconds 2 2>/dev/null | awk '/^AES-256-GCM|^aes-256-gcm/ {v=$NF} END {sub("k","",v); print v*1000/1e6}')
  for op in seal open; do
    mbs=$(awk -v s="$size" -v o="$op" '$1==s && $2==o {print $3}' <<<"$ours")
    awk -v s="$size" -v o="$op" -v m="$mbs" -v r="$ref" 'BEGIN { printf "%-10s %-5s %12.1f %14.1f %7.2f\n", s, o, m, r, m / r }'
  done
done
