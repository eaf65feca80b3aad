#!/usr/bin/env bash
# Soak test (not part of CI): devoguard in front of a local nsd, first loaded flat out for a
# few seconds to measure its maximum rate, then held at half that rate for SOAK_SECONDS
# (default 600) with dnsperf. Reports queries sent / answered / lost, and RSS, open
# descriptors and decision-log counters sampled every SAMPLE_SECONDS (default 30) over time.
# Everything runs on 127.0.0.1 and stops when the script ends (also on Ctrl-C).
#
#   scripts/soak.sh                      build/devoguard, 10 minutes
#   SOAK_SECONDS=120 DEVOGUARD_BIN=build-asan/devoguard scripts/soak.sh
#   SOAK_FILL=1000000 scripts/soak.sh    the devolution table filled with 1 M entries first
#
# Needs nsd and dnsperf (scripts/deps.sh installs them). The query mix: 80 % forwarded (to two
# groups), 20 % answered locally (NXDOMAIN under co.jp), over 20000 distinct names, with the
# decision log on (rotating at 64 MiB, 2 kept). On 2 or more cores, as in ../shared/bench,
# dnsperf and nsd run on cpu 0 and devoguard alone on cpu 1.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${DEVOGUARD_BIN:-build/devoguard}
seconds=${SOAK_SECONDS:-600}
sample=${SAMPLE_SECONDS:-30}
threads=${SOAK_THREADS:-1}
fill=${SOAK_FILL:-0}
[ -x "$bin" ] || { echo "soak.sh: $bin missing (scripts/dev.sh run builds it)" >&2; exit 1; }
for tool in nsd dnsperf; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool missing (scripts/deps.sh)" >&2; exit 1; }
done

load_cpu=() proxy_cpu=()
if [ "$(nproc)" -ge 2 ]; then load_cpu=(taskset -c 0) proxy_cpu=(taskset -c 1); fi

work=$(mktemp -d /tmp/devoguard-soak.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
nsd_port=$(free_port)
dg_port=$(free_port)
metrics_port=$(free_port)

# The upstream: nsd answering every name under three zones from a wildcard.
for zone in example.com example.net example.co.jp; do
  cat >"$work/$zone.zone" <<EOF
\$ORIGIN $zone.
\$TTL 300
@ IN SOA ns.$zone. hostmaster.$zone. 1 3600 600 86400 30
@ IN NS ns.$zone.
ns IN A 192.0.2.53
* IN A 192.0.2.1
* IN AAAA 2001:db8::1
EOF
done
cat >"$work/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1@$nsd_port
  port: $nsd_port
  do-ip6: no
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$work"
  database: ""
  zonelistfile: "$work/nsd.zonelist"
  xfrdfile: "$work/nsd.xfrd"
  pidfile: "$work/nsd.pid"
  logfile: "$work/nsd.log"
  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: example.com
  zonefile: example.com.zone
zone:
  name: example.net
  zonefile: example.net.zone
zone:
  name: example.co.jp
  zonefile: example.co.jp.zone
EOF
nsd_cmd=(nsd -d -c "$work/nsd.conf")
"${load_cpu[@]}" "${nsd_cmd[@]}" &
pids+=($!)

cat >"$work/devoguard.yaml" <<EOF
listen: ["127.0.0.1:$dg_port"]
threads: $threads
clients:
  allow: [127.0.0.0/8]
domain:
  suffixes: [example.co.jp]
$([ "$fill" -gt 0 ] && printf '  max_tracked: %d\n  correlation_window: 1h\n' "$fill")
upstreams:
  aws:
    servers: ["127.0.0.1:$nsd_port"]
  ad:
    servers: ["127.0.0.1:$nsd_port"]
rules:
  - name: ad-zones
    match: { suffix: [example.co.jp] }
    forward: ad
  - name: devolved
    match: { devolved: true }
    answer: nxdomain
  - name: devolved-looking
    match: { suffix: [co.jp] }
    answer: nxdomain
  - name: default
    forward: aws
decision_log:
  path: $work/decisions.jsonl
  max_size: 64MiB
  keep: 2
metrics:
  listen: "127.0.0.1:$metrics_port"
EOF
"${proxy_cpu[@]}" "$bin" run -c "$work/devoguard.yaml" 2>"$work/devoguard.log" &
dg_pid=$!
pids+=($dg_pid)

# 20000 distinct names: 40 % example.com, 20 % example.net, 20 % example.co.jp, 20 % local.
awk 'BEGIN { srand(7); for (i = 0; i < 20000; i++) { r = i % 10; t = (i % 3 == 0) ? "AAAA" : "A";
  if (r < 4) z = "example.com"; else if (r < 6) z = "example.net";
  else if (r < 8) z = "example.co.jp"; else z = "co.jp";
  printf "h%d.%s %s\n", i, z, t } }' >"$work/queries.txt"

ready=0
for _ in $(seq 100); do
  if dig +time=1 +tries=1 -p "$dg_port" @127.0.0.1 h1.example.com A 2>/dev/null | grep -q 'status: NOERROR'; then
    ready=1; break
  fi
  kill -0 "$dg_pid" 2>/dev/null || break
  sleep 0.1  # start-up poll, bounded by the loop count
done
[ $ready -eq 1 ] || { echo "soak.sh: devoguard did not start:" >&2; cat "$work/devoguard.log" >&2; exit 1; }

metric() {  # the sum of the samples of one metric name
  curl -s "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%d", s }'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$dg_pid/status"; }
# UDP datagrams the kernel dropped for a full socket buffer, all sockets (loopback included).
udp_rcvbuf_errors() {
  awk '/^Udp:/ { if (!n) { for (i = 2; i <= NF; i++) col[$i] = i; n = 1 } else print $col["RcvbufErrors"] }' \
    /proc/net/snmp
}

echo "== idle: RSS $(rss_kb) KiB"
if [ "$fill" -gt 0 ]; then
  # Each name once, a type the wildcard lacks (NODATA): every query is a failed P.S, an entry.
  # The hour-long correlation_window keeps them for the whole run.
  awk -v n="$fill" 'BEGIN { for (i = 0; i < n; i++) printf "fill%d.example.co.jp TXT\n", i }' \
    >"$work/fill.txt"
  "${load_cpu[@]}" dnsperf -s 127.0.0.1 -p "$dg_port" -d "$work/fill.txt" -n 1 -c 4 -q 100 \
    >"$work/fill-run.txt" 2>&1
  echo "== filled: $(metric devoguard_devolution_tracked) entries tracked" \
    "($(metric devoguard_devolution_evictions_total) evicted), RSS $(rss_kb) KiB"
fi

echo "== maximum rate (dnsperf closed loop, 10 s, 100 in flight)"
"${load_cpu[@]}" dnsperf -s 127.0.0.1 -p "$dg_port" -d "$work/queries.txt" -l 10 -c 4 -q 100 >"$work/max.txt" 2>&1
max=$(awk '/Queries per second:/ { printf "%d", $4 }' "$work/max.txt")
rate=$((max / 2))
echo "max ${max} q/s -> soak at ${rate} q/s for ${seconds} s (sampling every ${sample} s)"
rss_start=$(rss_kb)
queries_start=$(metric devoguard_queries_total)
drops_start=$(udp_rcvbuf_errors)

"${load_cpu[@]}" dnsperf -s 127.0.0.1 -p "$dg_port" -d "$work/queries.txt" -l "$seconds" -Q "$rate" -c 4 -q 1000 \
  -t 5 >"$work/soak.txt" 2>&1 &
perf_pid=$!
pids+=($perf_pid)

printf '%8s %10s %8s %6s %14s %14s %10s\n' elapsed rss_kib fds conns queries_total log_written log_dropped \
  | tee "$work/samples.txt"
start=$(date +%s)
while kill -0 "$perf_pid" 2>/dev/null; do
  kill -0 "$dg_pid" 2>/dev/null || { echo "soak.sh: devoguard died" >&2; cat "$work/devoguard.log" >&2; exit 1; }
  printf '%8d %10d %8d %6d %14d %14d %10d\n' $(( $(date +%s) - start )) "$(rss_kb)" \
    "$(ls "/proc/$dg_pid/fd" | wc -l)" "$(metric devoguard_tcp_connections)" \
    "$(metric devoguard_queries_total)" "$(metric devoguard_decision_log_written_total)" \
    "$(metric devoguard_decision_log_dropped_total)" | tee -a "$work/samples.txt"
  for _ in $(seq "$sample"); do
    kill -0 "$perf_pid" 2>/dev/null || break
    sleep 1  # the sampling period
  done
done
wait "$perf_pid" || true
rss_end=$(rss_kb)
queries_end=$(metric devoguard_queries_total)
drops_end=$(udp_rcvbuf_errors)

sent=$(awk '/Queries sent:/ { print $3 }' "$work/soak.txt")
completed=$(awk '/Queries completed:/ { print $3 }' "$work/soak.txt")
lost=$(awk '/Queries lost:/ { print $3 }' "$work/soak.txt")
echo
echo "== soak result ($seconds s at $rate q/s, $threads worker thread(s), $bin)"
grep -E 'Queries (sent|completed|lost)|Response codes|Average Latency|Latency StdDev|Queries per second' \
  "$work/soak.txt" | sed 's/^ */  /'
rss_peak=$(awk 'NR > 1 && $2 > m { m = $2 } END { print m }' "$work/samples.txt")
echo "  RSS: ${rss_start} KiB after the max-rate run, peak ${rss_peak} KiB while soaking, ${rss_end} KiB at the end"
echo "  devoguard counted $((queries_end - queries_start)) queries (each answered or deliberately dropped);" \
  "the kernel dropped $((drops_end - drops_start)) UDP datagrams for full socket buffers (any socket)"
echo "  devoguard still alive: $(kill -0 "$dg_pid" 2>/dev/null && echo yes || echo NO)"
echo "  work directory: $work (samples.txt, soak.txt, devoguard.log)"
trap - EXIT
cleanup
[ "${lost:-1}" -eq 0 ] && [ "${sent:-0}" -eq "${completed:-1}" ]
