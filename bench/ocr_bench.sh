#!/usr/bin/env bash
# OCR accuracy and speed on generated scans: the gateway's pipeline (1 and 2 workers) against the
# baseline `tesseract IMG - -l chi_sim` + label regexes, on a mildly and a heavily degraded set
# (bench/ocr_bench.cpp; the sets come from tools/gen_scans.cpp with fixed seeds).
# Usage: bench/ocr_bench.sh [images per set, default 40] [generator seed, default 2026]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
seed=${2:-2026}
cmake --build build --target lgw-ocr-bench lgw-gen-scans >/dev/null
export OMP_THREAD_LIMIT=1
work=$(mktemp -d /tmp/lgw-ocr-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
for level in mild heavy; do
  build/tools/lgw-gen-scans --out "$work/$level" --count "$n" --seed "$seed" --degrade "$level" >/dev/null
  echo "== $n images, seed $seed, degradation $level ($(getconf _NPROCESSORS_ONLN) cores)"
  build/bench/lgw-ocr-bench "$work/$level"
done
