#!/usr/bin/env bash
# The README's quick start: `scripts/dev.sh run` and `scripts/dev.sh test`.
# Both install what is missing (Debian packages, idempotent) and build into build/.
#   run   serve on the shipped default config (conf/devoguard.yaml: 127.0.0.1:5353 and [::1]:5353,
#         forwarding to the nameservers of /etc/resolv.conf)
#   test  run every test: unit tests (GoogleTest) and end-to-end tests (pytest, real unbound);
#         then the same suite once more against an ASan+UBSan build (build-asan/), and a short
#         run of each libFuzzer target (scripts/fuzz.sh, FUZZ_SECONDS each, default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  run|test) ;;
  *) echo "usage: scripts/dev.sh run|test" >&2; exit 2 ;;
esac

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

case "$1" in
  run) exec build/devoguard run -c conf/devoguard.yaml ;;
  test)
    (cd build && ctest --output-on-failure --timeout 1200)
    # The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer: the unit tests,
    # and the e2e tests against build-asan/devoguard (its ctest sets DEVOGUARD_BIN). Any report
    # aborts the process, so it fails the test that caused it; a leak at exit fails the
    # clean-shutdown tests (exit code 23 instead of 0).
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEVOGUARD_SANITIZE=ON >/dev/null
    cmake --build build-asan -j"$(nproc)"
    (cd build-asan &&
      ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:quarantine_size_mb=64${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS} \
      ctest --output-on-failure --timeout 1800)
    # A short fuzz run per target (libFuzzer, clang, ASan+UBSan): parser regressions show here.
    scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
    ;;
esac
