#!/usr/bin/env bash
# README command 2: install what is missing, build, and run every test twice: in the normal build
# (warnings as errors) and in the AddressSanitizer + UndefinedBehaviorSanitizer build.
# Exit status is non-zero if anything fails. Set LGW_TEST_ONLY=normal|asan to run one build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
jobs=$(nproc)
export OMP_THREAD_LIMIT=1
# Report every sanitizer finding as a failure, with a stack.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_build() {
  local dir=$1; shift
  echo "== configure $dir ($*)"
  cmake -S . -B "$dir" -G Ninja -DLGW_WERROR=ON "$@" >/dev/null
  echo "== build $dir"
  cmake --build "$dir" -j "$jobs"
  echo "== test $dir"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300
}

only=${LGW_TEST_ONLY:-all}
if [[ $only == all || $only == normal ]]; then
  run_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
if [[ $only == all || $only == asan ]]; then
  run_build build-asan -DCMAKE_BUILD_TYPE=Debug -DLGW_SANITIZE=ON
fi
echo "== all tests passed"
