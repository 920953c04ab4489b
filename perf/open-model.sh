#!/usr/bin/env bash
# The gateway at a constant rate (open model: calls at their intended times, latency from the intended start) beside
# the upstream called directly at the same rate, and the gateway's first seconds after start:
#   start-up  closed-model throughput (wrk -t1 -c32) in the first 10 s after the gateway answers /readyz, against its
#             throughput after a further 30 s (target: at least 0.5x)
#   direct    perf/Gateway.Load --anonymous at RATE calls/s straight to the nginx upstream (perf/peers), DIRECT_SECONDS
#   gateway   perf/Gateway.Load at RATE calls/s through the gateway (every policy on, the access log to a file) for
#             MINUTES, its resident memory (VmRSS) sampled every 10 s (target: p99 at most direct p99 + 2 ms; memory
#             under 250 MB and flat)
#   direct    again, so that the baseline brackets the gateway's run
# The mix is the demo's admitted scenarios (telecom, bank, province, ministry lookups), the same paths both ways.
# Loopback only; bounded in time (about MINUTES + 3 minutes).
# Usage: perf/open-model.sh [rate=2000] [minutes=10]      DIRECT_SECONDS=60 by default
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-2000}
MINUTES=${2:-10}
DIRECT_SECONDS=${DIRECT_SECONDS:-60}
UPSTREAM_PORT=5310 DATA_PORT=5390 ADMIN_PORT=5391
MIX=subscriber-verification=48,bank-ekyc=15,province-citizen=15,civil-status=12
PATH_UNDER_TEST=/population/v1/citizens/001099012345

command -v nginx >/dev/null || { echo "installing nginx-light (Debian package)..." >&2; (apt-get update -qq && apt-get install -y -qq nginx-light) >/dev/null; }
command -v wrk >/dev/null || { echo "installing wrk (Debian package)..." >&2; (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

work=$(mktemp -d)
mkdir -p "$work/tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/upstream.pid" ] && kill "$(cat "$work/upstream.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for project in src/Gateway perf/Gateway.Load; do
  if ! out=$(dotnet build -c Release -v q -nologo "$project" 2>&1); then echo "$out" >&2; exit 1; fi
done
load() { dotnet perf/Gateway.Load/bin/Release/net10.0/Ndxp.Gateway.Load.dll "$@"; }
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }

sed -e "s|@WORK@|$work|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" -e "s|@BODY@|$(cat perf/peers/body.json)|g" perf/peers/upstream.nginx.conf >"$work/upstream.conf"
nginx -c "$work/upstream.conf" -e "$work/upstream.error.log"
sed "s|http://127.0.0.1:5100|http://127.0.0.1:$UPSTREAM_PORT|g" config/registry.demo.json >"$work/registry.json"
wait_for "http://127.0.0.1:$UPSTREAM_PORT/"

dotnet src/Gateway/bin/Release/net10.0/Ndxp.Gateway.dll \
  --Gateway:ListenAddress=127.0.0.1 --Gateway:DataPort=$DATA_PORT --Gateway:AdminPort=$ADMIN_PORT \
  --Gateway:DataDirectory="$work/data" --Registry:SeedFile="$work/registry.json" \
  --Identity:Issuer="http://localhost:$DATA_PORT" --Identity:TokenLifetime=01:00:00 ${GATEWAY_ARGS:-} >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
wait_for "http://127.0.0.1:$ADMIN_PORT/readyz"
token=$(curl -s -u vcb-ekyc:vcb-demo-secret -d grant_type=client_credentials "http://127.0.0.1:$DATA_PORT/connect/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
rps() { wrk -t1 -c32 -d"$1"s -H "Authorization: Bearer $token" -H 'X-Purpose: ekyc' "http://127.0.0.1:$DATA_PORT$PATH_UNDER_TEST" | awk '/Requests\/sec/ {print $2}'; }
first=$(rps 10)
rps 30 >/dev/null
steady=$(rps 10)

run() { # run NAME SECONDS [load tool options]
  local name=$1 seconds=$2; shift 2
  load --rate "$RATE" --duration "${seconds}s" --warmup 10s --mix "$MIX" --quiet --report "$work/$name" "$@" >/dev/null || true
  python3 - "$work/$name/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
latency, totals = report["latencyMs"], report["totals"]
errors = totals["unexpected"] + totals["timeouts"] + totals["transportErrors"] + totals["notStarted"]
print(f"{latency['p50']:.3f} {latency['p99']:.3f} {latency['p999']:.3f} {totals['answered']} {errors}")
PY
}
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$gateway/status"; }

read -r d1_p50 d1_p99 d1_p999 d1_n d1_err < <(run direct-1 "$DIRECT_SECONDS" --target "http://127.0.0.1:$UPSTREAM_PORT" --anonymous)
( while kill -0 "$gateway" 2>/dev/null; do rss; sleep 10; done ) >"$work/rss.txt" 2>/dev/null &
sampler=$!
read -r g_p50 g_p99 g_p999 g_n g_err < <(run gateway $((MINUTES * 60)) --target "http://127.0.0.1:$DATA_PORT")
kill "$sampler" 2>/dev/null || true
read -r d2_p50 d2_p99 d2_p999 d2_n d2_err < <(run direct-2 "$DIRECT_SECONDS" --target "http://127.0.0.1:$UPSTREAM_PORT" --anonymous)

echo "open model at $RATE calls/s (perf/Gateway.Load, latency from intended start, first 10 s of each run not measured); gateway ${MINUTES} min, direct ${DIRECT_SECONDS} s before and after; $(nproc) cores; $(date -u +%F)${GATEWAY_ARGS:+; gateway args: $GATEWAY_ARGS}"
echo
echo "| run | answered | errors | p50 (ms) | p99 (ms) | p99.9 (ms) |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| direct, before | $d1_n | $d1_err | $d1_p50 | $d1_p99 | $d1_p999 |"
echo "| gateway | $g_n | $g_err | $g_p50 | $g_p99 | $g_p999 |"
echo "| direct, after | $d2_n | $d2_err | $d2_p50 | $d2_p99 | $d2_p999 |"
python3 - "$work/rss.txt" "$d1_p99" "$d2_p99" "$g_p99" "$first" "$steady" <<'EOF'
import sys
rss = [int(line) / 1024 for line in open(sys.argv[1]) if line.strip()]
d1, d2, g, first, steady = (float(x) for x in sys.argv[2:7])
direct = (d1 + d2) / 2
print(f"\ngateway p99 - direct p99 (the mean of the runs before and after): {g - direct:+.3f} ms (target: at most +2 ms)")
if rss:
    half = len(rss) // 2
    early, late = rss[:half] or rss, rss[half:] or rss
    print(f"gateway resident memory over {len(rss)} samples: first {rss[0]:.0f} MB, min {min(rss):.0f}, max {max(rss):.0f}, last {rss[-1]:.0f}; "
          f"mean of the second half {sum(late) / len(late) - sum(early) / len(early):+.1f} MB against the first (target: under 250 MB, flat)")
print(f"start-up: {first:,.0f} calls/s in the first 10 s after /readyz, {steady:,.0f} calls/s 40 s later: {first / steady:.2f}x (target: at least 0.5x)")
EOF
