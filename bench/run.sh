#!/usr/bin/env bash
# Benchmarks devoguard beside its peers with the shared harness (../shared/bench/dnsbench).
# Every figure in docs/BENCHMARKS.md comes from one of these scenarios; results are ratios
# measured in one run. Needs root once for `dnsbench install` (dnsperf, nsd, dnsdist, …).
#
#   bench/run.sh mix        90% forwarded / 10% local, vs dnsdist (the headline)
#   bench/run.sh local      100% answered locally, vs dnsdist
#   bench/run.sh pairs      devolution correlation path (P.S then P.D), vs dnsdist
#   bench/run.sh log        decision log on vs off
#   bench/run.sh logpeers   devoguard with and without its decision log beside dnsdist with and
#                           without its per-query LogAction (dnsdist-log), vs dnsdist
#   bench/run.sh threads    1 vs 2 worker threads (proxy on both cores)
#   bench/run.sh tcp        forwarding over TCP, vs dnsdist
#   bench/run.sh direct     devoguard vs direct (the harness's ceiling) and dnsdist
#   bench/run.sh peers      devoguard, dnsdist, unbound and dnsmasq vs direct (the full table)
#   bench/run.sh floor      devoguard and bare_forwarder (bench/floor: the syscall design with no
#                           work) vs dnsdist, the mix: what any such proxy can reach here
#   bench/run.sh floor-local  the same for local answers (bare_forwarder answers NXDOMAIN)
#   bench/run.sh cache      answer cache off vs on, every query forwarded (--mix forward):
#                           the hit path; compare its q/core-s with `local` (the local answers)
# Extra arguments go to dnsbench (e.g. --rounds 5, --json-out FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
dnsbench=../shared/bench/dnsbench
[ -x "$dnsbench" ] || { echo "bench/run.sh: $dnsbench not found (shared/ beside the repo)" >&2; exit 1; }
[ -x build/devoguard ] || { echo "bench/run.sh: build/devoguard missing: scripts/dev.sh run first" >&2; exit 1; }
"$dnsbench" install >/dev/null

dg=(--proxy "devoguard=build/devoguard run -c {config}")
# The decision_log section is the last two lines of the filled-in config.
log_off=(--proxy "log-off=head -n -2 {config} > {workdir}/nolog.yaml && exec build/devoguard run -c {workdir}/nolog.yaml")
bare=(--proxy "bare=build/bare_forwarder forward {listen_port} {upstream_port}")
bare_local=(--proxy "bare=build/bare_forwarder answer {listen_port}")
scenario=${1:-mix}
shift || true
case "$scenario" in
  mix)     exec "$dnsbench" run "${dg[@]}" --config bench/devoguard.yaml --vs dnsdist "$@" ;;
  local)   exec "$dnsbench" run "${dg[@]}" --config bench/devoguard.yaml --vs dnsdist --mix local "$@" ;;
  pairs)   exec "$dnsbench" run "${dg[@]}" --config bench/devoguard.yaml --vs dnsdist --mix pairs "$@" ;;
  tcp)     exec "$dnsbench" run "${dg[@]}" --config bench/devoguard.yaml --vs dnsdist --transport tcp "$@" ;;
  direct)  exec "$dnsbench" run devoguard dnsdist "${dg[@]}" --config bench/devoguard.yaml --vs direct "$@" ;;
  peers)   exec "$dnsbench" run devoguard dnsdist unbound dnsmasq "${dg[@]}" --config bench/devoguard.yaml --vs direct "$@" ;;
  # Variants are derived from the filled-in config: `threads: 1` is its own line.
  # (The first target is the reference of the ratios.)
  log)     exec "$dnsbench" run "${log_off[@]}" \
             --proxy "log-on=build/devoguard run -c {config}" --config bench/devoguard.yaml "$@" ;;
  logpeers) exec "$dnsbench" run devoguard log-off dnsdist-log "${dg[@]}" "${log_off[@]}" \
             --config bench/devoguard.yaml --vs dnsdist "$@" ;;
  threads) exec "$dnsbench" run --proxy-cpus 0,1 --proxy "threads-1=build/devoguard run -c {config}" \
             --proxy "threads-2=sed 's/^threads: 1$/threads: 2/' {config} > {workdir}/t2.yaml && exec build/devoguard run -c {workdir}/t2.yaml" \
             --config bench/devoguard.yaml "$@" ;;
  floor|floor-local) cmake --build build -t bare_forwarder >/dev/null ;;&
  floor)   exec "$dnsbench" run devoguard bare "${dg[@]}" "${bare[@]}" --config bench/devoguard.yaml --vs dnsdist "$@" ;;
  floor-local) exec "$dnsbench" run devoguard bare "${dg[@]}" "${bare_local[@]}" --config bench/devoguard.yaml \
             --vs dnsdist --mix local "$@" ;;
  cache)   exec "$dnsbench" run --mix forward \
             --proxy "cache-off=build/devoguard run -c {config}" \
             --proxy "cache-on={ cat {config}; echo 'cache: {enabled: true}'; } > {workdir}/cache.yaml && exec build/devoguard run -c {workdir}/cache.yaml" \
             --config bench/devoguard.yaml "$@" ;;
  *) echo "usage: bench/run.sh mix|local|pairs|log|logpeers|threads|tcp|direct|peers|floor|floor-local|cache [dnsbench args]" >&2; exit 2 ;;
esac
