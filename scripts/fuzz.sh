#!/usr/bin/env bash
# Real fuzzing: builds every fuzz target with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (build-fuzz/), runs each for SECONDS (default 600) on the committed
# corpus, merges what it found that adds coverage back into tests/fuzz/corpus/<target>/, and prints
# one line per target: the coverage reached (libFuzzer's cov/ft counters), the corpus size, and
# whether it found anything. Exit status 1 if any target crashed, leaked, timed out or ran out of
# memory; the reproducer is left in build-fuzz/findings/<target>/.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. bash scripts/fuzz.sh 60 fuzz_rfc3339
#
# LGW_FUZZ_JOBS (default 1) targets run side by side. The normal test run replays the committed
# corpora (the *_corpus tests), so what a run here added is checked on every build from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
jobs=${LGW_FUZZ_JOBS:-1}
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "== installing clang and libFuzzer (clang, libclang-rt-14-dev)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
all=$(sed -n 's/^lgw_fuzz(\(fuzz_[a-z0-9_]*\) .*/\1/p' tests/CMakeLists.txt)
targets=${*:-$all}

echo "== configure build-fuzz (clang, libFuzzer, ASan+UBSan)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLGW_LIBFUZZER=ON -DLGW_SANITIZE=ON -DLGW_BUILD_BENCH=OFF >/dev/null
echo "== build $(echo $targets | wc -w) targets"
# shellcheck disable=SC2086
cmake --build build-fuzz -j "$(nproc)" --target $targets

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMP_THREAD_LIMIT=1
summary=build-fuzz/summary.txt
: >"$summary"

run_one() {
  local t=$1 corpus=tests/fuzz/corpus/$1 work=build-fuzz/corpus/$1 found=build-fuzz/findings/$1
  mkdir -p "$work" "$found" "$corpus"
  local log=build-fuzz/$t.log status=ok
  if ! "build-fuzz/tests/$t" "$work" "$corpus" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
       -max_len=1048576 -print_final_stats=1 -artifact_prefix="$found/" >"$log" 2>&1; then
    status="FINDING (see $log, $found/)"
  fi
  # Keep only inputs that add coverage to what is committed.
  "build-fuzz/tests/$t" -merge=1 "$corpus" "$work" >>"$log" 2>&1 || true
  local cov ft
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-20s %6ss  cov %-6s ft %-6s corpus %-5s %s\n' "$t" "$seconds" "${cov:-?}" "${ft:-?}" \
    "$(ls "$corpus" | wc -l)" "$status" | tee -a "$summary"
  [[ $status == ok ]]
}
export -f run_one
export seconds summary
echo "== fuzz $seconds s per target, $jobs at a time ($(date -u +%FT%TZ), $(git rev-parse --short HEAD))"
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_one {}'
echo "== every target ran $seconds s without a finding"
