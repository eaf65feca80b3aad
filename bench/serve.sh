# Sourced by bench/cost_split.sh and bench/latency_split.sh.
# `start_serving SECONDS PROCESS ARGS…` starts `dnsbench serve ARGS…` in $work/serve (in the
# background), waits until it serves, and sets `pid` (the newest process named PROCESS) and
# `port` (where the target listens).
start_serving() {
  local seconds=$1 process=$2
  shift 2
  "$dnsbench" serve "$@" --workdir "$work/serve" --seconds "$seconds" > "$work/serve.log" 2>&1 &
  for _ in $(seq 120); do grep -q "serving for" "$work/serve.log" && break; sleep 0.5; done
  grep -q "serving for" "$work/serve.log" || { cat "$work/serve.log" >&2; exit 1; }
  pid=$(pgrep -x -n "$process")
  port=$(grep -o '_port": [0-9]*}' "$work/serve.log" | grep -o '[0-9]*')
}
