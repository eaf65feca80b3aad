#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with ASan+UBSan) into build-fuzz/ and runs
# each for SECONDS (default 60), one after the other. Exit 1 on a finding: the crashing input
# is saved in build-fuzz/artifacts/ (reproduce: build-fuzz/TARGET_fuzz FILE).
# New inputs found on the way go to build-fuzz/corpus/TARGET/; the seeds in
# tests/fuzz/corpus/TARGET/ are only read.
#   scripts/fuzz.sh [SECONDS] [TARGET…]      targets: dns_query dns_reply tcp_framing conf_load
# FUZZ_RUNS=N also stops each target after N executions (the long runs: FUZZ_RUNS=10000000
# with SECONDS=1800, whichever comes first).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dns_query dns_reply tcp_framing conf_load)

# clang >= 16 is needed for std::expected with libstdc++ (tests/fuzz/CMakeLists.txt says why).
cxx=${FUZZ_CXX:-}
if [ -z "$cxx" ]; then
  for v in 19 18 17 16; do
    if command -v "clang++-$v" >/dev/null; then cxx=clang++-$v; break; fi
  done
fi
[ -n "$cxx" ] || { echo "fuzz.sh: clang++ >= 16 not found (scripts/deps.sh installs it)" >&2; exit 1; }

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDEVOGUARD_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/%/_fuzz}"

declare -A max_len=([dns_query]=4096 [dns_reply]=8192 [tcp_framing]=8192 [conf_load]=4096)
# Symbolized reports when a symbolizer of any version is there.
for s in llvm-symbolizer llvm-symbolizer-16 llvm-symbolizer-14; do
  if command -v "$s" >/dev/null; then
    sym=$(command -v "$s")
    export ASAN_OPTIONS="external_symbolizer_path=$sym${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export UBSAN_OPTIONS="print_stacktrace=1:external_symbolizer_path=$sym${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    break
  fi
done

mkdir -p build-fuzz/artifacts
status=0
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  echo "== $t: ${seconds}s"
  runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
  if ! "build-fuzz/${t}_fuzz" -max_total_time="$seconds" "${runs[@]}" -max_len="${max_len[$t]}" \
      -timeout=10 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
      "${dict[@]}" "$corpus" "tests/fuzz/corpus/$t" >"build-fuzz/$t.log" 2>&1; then
    echo "fuzz.sh: $t found a problem:" >&2
    tail -60 "build-fuzz/$t.log" >&2
    status=1
    continue
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' "build-fuzz/$t.log" || true
done
exit $status
