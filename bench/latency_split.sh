#!/usr/bin/env bash
# Where a query's latency goes inside the proxy at a fixed, light rate (20k q/s, issue 5's
# latency run): one `dnsbench serve`, dnsperf -Q 20000 on cpu 0, and 2 s of the proxy's syscall
# entries and exits (perf, raw_syscalls tracepoints). Prints, per thread and per pair of
# consecutive syscalls, the median user-space time between them (the exit of one to the entry of
# the next) and the median time inside each syscall. The tracepoints add their own cost to
# each gap, the same for every target, so compare targets, not absolute figures.
#
#   bench/latency_split.sh devoguard|bare|dnsdist
set -euo pipefail
cd "$(dirname "$0")/.."
dnsbench=../shared/bench/dnsbench
source bench/serve.sh
target=${1:?usage: bench/latency_split.sh devoguard|bare|dnsdist}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait; rm -rf "$work"' EXIT

case "$target" in
  devoguard) process=devoguard
             serve=(--proxy "devoguard=build/devoguard run -c {config}" --config bench/devoguard.yaml devoguard) ;;
  bare)      process=bare_forwarder
             cmake --build build -t bare_forwarder >/dev/null
             serve=(--proxy "bare=build/bare_forwarder forward {listen_port} {upstream_port}" bare) ;;
  dnsdist)   process=dnsdist serve=(dnsdist) ;;
  *) echo "bench/latency_split.sh: unknown target $target" >&2; exit 2 ;;
esac

start_serving 30 "$process" "${serve[@]}"

taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$work/serve/queries-mix.txt" -l 8 -Q 20000 -c 4 \
  > "$work/dnsperf.out" 2>&1 &
load=$!
sleep 3
perf record -q -o "$work/perf.data" -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit \
  -p "$pid" -- sleep 2 > /dev/null 2>&1
wait "$load"
grep -E "Queries per second|Average Latency" "$work/dnsperf.out" | sed "s/^ */$target: /"
perf script -i "$work/perf.data" -F tid,time,trace --ns 2>/dev/null | /usr/bin/python3 -c '
import collections, re, sys
target = sys.argv[1]
names = {0: "read", 1: "write", 44: "sendto", 45: "recvfrom", 46: "sendmsg", 47: "recvmsg",
         202: "futex", 232: "epoll_wait", 281: "epoll_pwait", 299: "recvmmsg", 307: "sendmmsg"}
entered, exited = {}, {}
gaps, inside = collections.defaultdict(list), collections.defaultdict(list)
for line in sys.stdin:
    m = re.match(r"\s*(\d+)\s+([\d.]+):\s+NR (\d+)( \(|\s*=)", line)
    if not m:
        continue
    tid, t, name = int(m[1]), float(m[2]), names.get(int(m[3]), "nr" + m[3])
    if m[4] == " (":  # entry: "NR n (args)"; exit: "NR n = ret"
        if tid in exited:
            gaps[tid, exited[tid][1], name].append(t - exited[tid][0])
        entered[tid] = (t, name)
    else:
        if tid in entered and entered[tid][1] == name:
            inside[tid, name].append(t - entered[tid][0])
        exited[tid] = (t, name)
def median_us(v):
    return sorted(v)[len(v) // 2] * 1e6
for (tid, a, b), v in sorted(gaps.items(), key=lambda kv: -len(kv[1]))[:8]:
    print(f"{target}: thread {tid} user {a:>10} -> {b:<10} n {len(v):6d}  p50 {median_us(v):5.2f} us")
for (tid, name), v in sorted(inside.items(), key=lambda kv: -len(kv[1]))[:6]:
    if name not in ("epoll_wait", "epoll_pwait", "futex"):  # those sleep
        print(f"{target}: thread {tid} in {name:<10} n {len(v):6d}  p50 {median_us(v):5.2f} us")
' "$target"
