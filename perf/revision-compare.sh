#!/usr/bin/env bash
# The cost per call of a change: the gateway built from two git revisions, run in turns (interleaved rounds, the
# order shuffled in each round) with the same settings in front of the same demo provider, each warmed up long
# enough for tiered compilation before it is measured. For each run: calls/s, p50, p99 and CPU microseconds per call
# (the gateway process's utime+stime from /proc/PID/stat over the calls it served); then the medians and B/A.
# Usage: perf/revision-compare.sh REV_A REV_B [rounds=3] [measure-seconds=20] [warmup-seconds=30]
# GATEWAY_ARGS adds settings to both gateways (e.g. --Limits:Redis=127.0.0.1:6391 with REDIS=1 to start one).
# B_ARGS adds settings to B's gateway only (later settings win: e.g. --Registry:SeedFile=FILE for another registry).
set -euo pipefail
cd "$(dirname "$0")/.."
REV_A=$1 REV_B=$2 ROUNDS=${3:-3} MEASURE=${4:-20} WARMUP=${5:-30}
PROVIDERS_PORT=5100 DATA_PORT=5280 ADMIN_PORT=5281 REDIS_PORT=6391
PATH_UNDER_TEST=/population/v1/citizens/001099012345
. perf/lib/two-revisions.sh
if [ "${REDIS:-0}" = 1 ]; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
  pids+=($!)
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
to_ms() { python3 -c 'import sys,re; n,u=re.match(r"([\d.]+)(\w+)",sys.argv[1]).groups(); print(round(float(n)*{"us":0.001,"ms":1,"s":1000}[u],3))' "$1"; }

measure() { # measure a|b ROUND: starts that revision's gateway, warms it up, measures it, stops it
  local rev=$1 round=$2
  start_gateway "$rev"
  local pid=$gateway_pid
  local before after
  before=$(cpu_ticks $pid)
  wrk -d"${MEASURE}s" --latency "${wrk_args[@]}" >"$work/wrk.txt"
  after=$(cpu_ticks $pid)
  kill $pid; wait $pid 2>/dev/null || true
  local calls rps p50 p99 non2xx
  calls=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' "$work/wrk.txt")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' "$work/wrk.txt")")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
  local us_per_call
  us_per_call=$(python3 -c "import os,sys; print(round((int(sys.argv[2])-int(sys.argv[1]))/os.sysconf('SC_CLK_TCK')*1e6/int(sys.argv[3]),1))" "$before" "$after" "$calls")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$rev" "$rps" "$p50" "$p99" "$us_per_call" "${non2xx:-0}"
  echo "$rev $rps $p50 $p99 $us_per_call" >>"$work/results"
}

run_rounds '| round | rev | calls/s | p50 (ms) | p99 (ms) | CPU us/call | non-2xx |' '|---:|---|---:|---:|---:|---:|---:|'
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {rev: [statistics.median(float(r[i]) for r in rows if r[0] == rev) for i in range(1, 5)] for rev in ("a", "b")}
for rev in ("a", "b"):
    print(f"median {rev.upper()}: {med[rev][0]:.0f} calls/s, p50 {med[rev][1]} ms, p99 {med[rev][2]} ms, {med[rev][3]:.1f} us CPU per call")
print(f"B/A: throughput {med['b'][0] / med['a'][0]:.3f}, CPU per call {med['b'][3] / med['a'][3]:.3f}")
PY
