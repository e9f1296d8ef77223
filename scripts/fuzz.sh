#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz, clang) and runs each for SECONDS
# (default 60) from a generated seed corpus; the corpus each run grows is kept in
# build/fuzz/corpus. Prints libFuzzer's last status line per harness (coverage,
# exec/s). Exits non-zero on the first crash, leak or timeout, whose input is
# saved as build/fuzz/artifacts/<harness>/crash-* (rerun: build/fuzz/fuzz_<harness> FILE).
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     HARNESS: model_spec image_decode outputs report
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
harnesses=("${@:-model_spec image_decode outputs report}")
read -r -a harnesses <<< "${harnesses[*]}"

if [ ! -f build/fuzz/build.ninja ]; then
  cmake -S tests/fuzz -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ > /dev/null
fi
if ! cmake --build build/fuzz -j2 > build/fuzz/build.log 2>&1; then
  echo "fuzz: the harnesses did not build; see build/fuzz/build.log" >&2
  grep -E "error|undefined reference" build/fuzz/build.log | head -20 >&2
  exit 1
fi
[ -d build/fuzz/seeds ] || /usr/bin/python3 scripts/make-fuzz-corpus.py build/fuzz/seeds

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OPENCV_LOG_LEVEL=ERROR
for h in "${harnesses[@]}"; do
  mkdir -p "build/fuzz/corpus/$h" "build/fuzz/artifacts/$h"
  log="build/fuzz/$h.log"
  if ! "build/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="build/fuzz/artifacts/$h/" "build/fuzz/corpus/$h" "build/fuzz/seeds/$h" > "$log" 2>&1; then
    echo "fuzz_$h: FAILED after $(grep -c . "$log") log lines; see $log and build/fuzz/artifacts/$h/" >&2
    tail -30 "$log" >&2
    exit 1
  fi
  status=$(grep -E "^#[0-9]+" "$log" | tail -1)
  execs=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}')
  speed=$(grep -E "stat::average_exec_per_sec" "$log" | awk '{print $2}')
  echo "fuzz_$h: ${seconds}s, ${execs} runs, ${speed} exec/s, no crash; last: ${status}"
done
