#!/usr/bin/env bash
# Splits the proxy's cost of a query into user and kernel time: one `dnsbench serve`, dnsperf at
# full load on cpu 0, utime and stime of the proxy process (all its threads) read from
# /proc/PID/stat over 6 s of it, divided by the queries answered. dnsbench's q/core-s says how
# much a query costs; this says where, without perf's own overhead on the path.
#
#   bench/cost_split.sh devoguard|log-off|dnsdist|dnsdist-log
set -euo pipefail
cd "$(dirname "$0")/.."
dnsbench=../shared/bench/dnsbench
source bench/serve.sh
target=${1:?usage: bench/cost_split.sh devoguard|log-off|dnsdist|dnsdist-log}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait; rm -rf "$work"' EXIT

case "$target" in
  devoguard) process=devoguard config=bench/devoguard.yaml ;;
  log-off)   process=devoguard config=$work/nolog.yaml
             head -n -2 bench/devoguard.yaml > "$config" ;;  # drops the decision_log section
  dnsdist|dnsdist-log) process=dnsdist ;;
  *) echo "bench/cost_split.sh: unknown target $target" >&2; exit 2 ;;
esac
if [ "$process" = devoguard ]; then
  serve=(--proxy "devoguard=build/devoguard run -c {config}" --config "$config" devoguard)
else
  serve=("$target")
fi

start_serving 40 "$process" "${serve[@]}"

taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/serve/queries-mix.txt" -l 12 -c 4 -q 100 \
  > "$work/dnsperf.out" 2>&1 &
load=$!
sleep 3
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
sleep 6
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
wait "$load"
qps=$(awk '/Queries per second/ {print $4}' "$work/dnsperf.out")
awk -v t="$target" -v q="$qps" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
  n = q * 6; us = 1e6 / hz / n
  printf "%s: %.0f q/s, user %.2f us/query, kernel %.2f us/query, total %.2f\n", t, q, u * us, s * us, (u + s) * us
}'
