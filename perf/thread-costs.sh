#!/usr/bin/env bash
# Where a change's cost per call goes, thread by thread: the gateway built from two git revisions, run in turns
# (interleaved rounds, the order shuffled in each round) in front of the same demo provider with `wrk -t1 -c32`, each
# warmed up first. For each run: calls/s and the CPU microseconds per call of the thread-pool workers (the calls
# themselves), of the metering writer's thread (batches, seals and trail entries) and of the whole process, from
# /proc/PID/task/*/stat over the calls served. On a noisy 2-core machine the workers' share moves by tens of
# microseconds between runs of one binary (idle workers spin); the writer's thread does only metering, so its share
# shows what metering work a change adds.
# Usage: perf/thread-costs.sh REV_A REV_B [rounds=3] [measure-seconds=20] [warmup-seconds=20]
# GATEWAY_ARGS adds settings to both gateways; B_ARGS to B's only (e.g. --Registry:SeedFile=FILE for another registry).
set -euo pipefail
cd "$(dirname "$0")/.."
REV_A=$1 REV_B=$2 ROUNDS=${3:-3} MEASURE=${4:-20} WARMUP=${5:-20}
PROVIDERS_PORT=5100 DATA_PORT=5280 ADMIN_PORT=5281
PATH_UNDER_TEST=/population/v1/citizens/001099012345
. perf/lib/two-revisions.sh

# One line per thread: its name (spaces as '_') and utime+stime in ticks; the name is read from comm, the times after
# the ')' closing it in stat (a name with spaces would shift the fields otherwise).
threads() { for t in /proc/"$1"/task/*; do echo "$(tr ' ' _ <"$t/comm" 2>/dev/null) $(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"; done; }

measure() { # measure a|b ROUND
  local rev=$1 round=$2
  start_gateway "$rev"
  local pid=$gateway_pid
  threads $pid >"$work/before"
  wrk -d"${MEASURE}s" "${wrk_args[@]}" >"$work/wrk.txt"
  threads $pid >"$work/after"
  kill $pid; wait $pid 2>/dev/null || true
  python3 - "$rev" "$round" "$work" <<'PY'
import collections, os, re, sys
rev, round_, work = sys.argv[1:4]
text = open(f"{work}/wrk.txt").read()
calls = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
def load(path):
    ticks = collections.Counter()
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            ticks[parts[0]] += int(parts[1])
    return ticks
before, after = load(f"{work}/before"), load(f"{work}/after")
us = lambda ticks: ticks / os.sysconf("SC_CLK_TCK") * 1e6 / calls
delta = {name: after[name] - before.get(name, 0) for name in after}
workers, writer, total = us(delta.get(".NET_TP_Worker", 0)), us(delta.get("ndxp_metering_w", 0)), us(sum(delta.values()))
print(f"| {round_} | {rev} | {rps:.0f} | {workers:.1f} | {writer:.1f} | {total:.1f} | {non2xx.group(1) if non2xx else 0} |")
open(f"{work}/results", "a").write(f"{rev} {rps} {workers} {writer} {total}\n")
PY
}

run_rounds '| round | rev | calls/s | workers us/call | metering writer us/call | process us/call | non-2xx |' '|---:|---|---:|---:|---:|---:|---:|'
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {rev: [statistics.median(float(r[i]) for r in rows if r[0] == rev) for i in range(1, 5)] for rev in ("a", "b")}
for rev in ("a", "b"):
    print(f"median {rev.upper()}: {med[rev][0]:.0f} calls/s, workers {med[rev][1]:.1f}, metering writer {med[rev][2]:.1f}, process {med[rev][3]:.1f} us per call")
print(f"B/A: throughput {med['b'][0] / med['a'][0]:.3f}; metering writer {med['b'][2] - med['a'][2]:+.1f} us per call "
      f"({(med['b'][2] - med['a'][2]) / med['a'][3] * 100:+.1f}% of A's process CPU per call)")
PY
