#!/usr/bin/env bash
# The README's quick start: `scripts/dev.sh run` and `scripts/dev.sh test`.
# Both install what is missing (Debian packages, idempotent) and build into build/.
#   run   serve on the shipped default config (conf/devoguard.yaml: 127.0.0.1:5353 and [::1]:5353,
#         forwarding to the nameservers of /etc/resolv.conf)
#   test  run every test: unit tests (GoogleTest) and end-to-end tests (pytest, real unbound)
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
  test) cd build && exec ctest --output-on-failure --timeout 1200 ;;
esac
