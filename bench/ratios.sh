#!/usr/bin/env bash
# Issue 21's figures in one go: every bench that sets the gateway next to a peer or a floor measured
# in the same run, each printing its tables and a "ratio NAME VALUE" line; this script collects
# those lines at the end, with the goal of each. Run it on an otherwise idle machine (about 10
# minutes on the 2-core machine; LGW_SOAK_S=600 adds the 10-minute memory soak to the HTTP bench).
# Usage: bench/ratios.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target licence-gateway lgw-audit-bench lgw-flow-bench lgw-document-bench lgw-push-bench \
  lgw-crypto-bench >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
section() {
  echo
  echo "== $1"
  shift
  "$@" 2>&1 | tee -a "$log"
}
echo "licence-gateway benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
section "HTTP against nginx (bench/http_bench.sh 8)" bash bench/http_bench.sh 8
section "durable audit appends (bench/audit_bench.sh 5)" bash bench/audit_bench.sh 5
section "consent flows (bench/flow_bench.sh 15)" bash bench/flow_bench.sh 15
section "watermarked copies (bench/document_bench.sh 3)" bash bench/document_bench.sh 3
section "push through the outbox (bench/push_bench.sh)" bash bench/push_bench.sh
section "envelope seal (bench/crypto_bench.sh 5)" bash bench/crypto_bench.sh 5
echo
echo "== ratios and their goals (watermark_vs_codec is a time ratio: lower is better)"
declare -A goal=([healthz_vs_nginx]=">= 0.5" [app_get_vs_nginx]=">= 0.35" [audit_append_vs_sqlite]=">= 1.0"
  [flow_vs_bound]=">= 0.6" [watermark_vs_codec]="<= 1.3" [push_vs_direct]=">= 0.8" [seal_vs_openssl]=">= 0.8"
  [rss_end_vs_after_runs]="about 1.0")
printf '%-26s %8s  %s\n' name value goal
grep -E '^ratio [a-z_0-9]+ [0-9.]+$' "$log" | while read -r _ name value; do
  printf '%-26s %8s  %s\n' "$name" "$value" "${goal[$name]:-}"
done
echo
grep -E '^ratio [a-z_0-9]+ [0-9.]+$' "$log"
