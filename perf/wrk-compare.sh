#!/usr/bin/env bash
# Raw throughput of one citizen lookup, three ways, in one run on this machine:
#   direct   -> the demo population provider itself
#   baseline -> through a bare YARP proxy (perf/BaselineProxy: no auth, no policies, no logging)
#   gateway  -> through the full gateway with a bearer token and a purpose (default configuration)
# Prints requests/s, p50 and p99 for each and the gateway/baseline ratio. Loopback only; bounded in time.
# Usage: perf/wrk-compare.sh [duration-seconds=20] [connections=64] [threads=2]
# GATEWAY_ARGS adds settings to the gateway's command line, e.g. to compare a feature on and off.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${1:-20}
CONNECTIONS=${2:-64}
THREADS=${3:-2}
PROVIDERS_PORT=5100 BASELINE_PORT=5201 DATA_PORT=5280 ADMIN_PORT=5281
PATH_UNDER_TEST=/population/v1/citizens/001099012345

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)..." >&2
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for project in src/Gateway perf/BaselineProxy; do
  if ! out=$(dotnet build -c Release -v q -nologo "$project" 2>&1); then echo "$out" >&2; exit 1; fi
done
bin() { echo "$1/bin/Release/net10.0/$2"; }

wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }

dotnet "$(bin src/Gateway.DemoProviders Ndxp.Gateway.DemoProviders.dll)" "http://127.0.0.1:$PROVIDERS_PORT" >"$work/providers.log" 2>&1 &
pids+=($!)
dotnet "$(bin perf/BaselineProxy Gateway.Perf.BaselineProxy.dll)" "http://127.0.0.1:$BASELINE_PORT" "http://127.0.0.1:$PROVIDERS_PORT" >"$work/baseline.log" 2>&1 &
pids+=($!)
dotnet "$(bin src/Gateway Ndxp.Gateway.dll)" \
  --Gateway:ListenAddress=127.0.0.1 --Gateway:DataPort=$DATA_PORT --Gateway:AdminPort=$ADMIN_PORT \
  --Gateway:DataDirectory="$work/data" --Registry:SeedFile=config/registry.demo.json \
  --Identity:Issuer="http://localhost:$DATA_PORT" --Identity:TokenLifetime=01:00:00 ${GATEWAY_ARGS:-} >"$work/gateway.log" 2>&1 &
pids+=($!)

wait_for "http://127.0.0.1:$PROVIDERS_PORT/healthz"
wait_for "http://127.0.0.1:$BASELINE_PORT/healthz"
wait_for "http://127.0.0.1:$ADMIN_PORT/readyz"

token=$(curl -s -u vcb-ekyc:vcb-demo-secret -d grant_type=client_credentials "http://127.0.0.1:$DATA_PORT/connect/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'X-Purpose: ekyc' "http://127.0.0.1:$DATA_PORT$PATH_UNDER_TEST")
[ "$status" = 200 ] || { echo "gateway call returned $status" >&2; exit 1; }

# Converts wrk's latency ("812.00us", "1.20ms", "2.01s") to milliseconds.
to_ms() { python3 -c 'import sys,re; v=sys.argv[1]; n,u=re.match(r"([\d.]+)(\w+)",v).groups(); print(round(float(n)*{"us":0.001,"ms":1,"s":1000}[u],3))' "$1"; }

run() { # run NAME URL [wrk header args...]
  local name=$1 url=$2; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "$@" "$url" >/dev/null           # warm-up: JIT, connection pools
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$work/$name.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' "$work/$name.txt")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' "$work/$name.txt")")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$name.txt"); non2xx=${non2xx:-0}
  printf '| %-8s | %10s | %8s | %8s | %7s |\n' "$name" "$rps" "$p50" "$p99" "$non2xx"
  eval "RPS_$name=$rps"
}

echo "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per target after a 5s warm-up; $(nproc) cores; $(date -u +%F)${GATEWAY_ARGS:+; gateway args: $GATEWAY_ARGS}"
echo
echo "| target   | requests/s | p50 (ms) | p99 (ms) | non-2xx |"
echo "|----------|-----------:|---------:|---------:|--------:|"
run direct "http://127.0.0.1:$PROVIDERS_PORT$PATH_UNDER_TEST"
run baseline "http://127.0.0.1:$BASELINE_PORT$PATH_UNDER_TEST"
run gateway "http://127.0.0.1:$DATA_PORT$PATH_UNDER_TEST" -H "Authorization: Bearer $token" -H "X-Purpose: ekyc"
echo
python3 -c "import sys; g,b=float(sys.argv[1]),float(sys.argv[2]); print(f'gateway/baseline throughput ratio: {g/b:.2f}')" "$RPS_gateway" "$RPS_baseline"

# Did metering keep up? The backlog right after the run, and again after two flush intervals.
backlog() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '/^ndxp_gateway_metering_backlog_records / {print $2}'; }
metered() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '/^ndxp_gateway_metered_calls_total/ {s += $2} END {printf "%d", s}'; }
echo "metering backlog right after the gateway run: $(backlog) records; 2 s later: $(sleep 2; backlog); calls metered: $(metered)"
