#!/usr/bin/env bash
# Soak: the demo providers and the gateway (Release, embedded store in a temp folder), the load tool at a constant
# rate for N calls (perf/Gateway.Load, default mix), the gateway's resident memory (VmRSS) sampled every 10 s, and at
# the end the gateway's metering (admin usage API, operator token) compared per agency and service with the calls
# the load tool saw answered. Exits non-zero on any mismatch or any error the load tool counted. Loopback only.
# Not run in CI: the default is 10,000,000 calls at 4,000/s, about 42 minutes.
# Usage: perf/soak.sh [calls=10000000] [rate=4000]
# SOAK_OUT sets the output folder (default perf/results/soak-<time>, not committed); LOAD_ARGS adds load tool options.
set -euo pipefail
cd "$(dirname "$0")/.."

CALLS=${1:-10000000}
RATE=${2:-4000}
PROVIDERS_PORT=${PROVIDERS_PORT:-5400} DATA_PORT=${DATA_PORT:-5480} ADMIN_PORT=${ADMIN_PORT:-5481}
OUT=${SOAK_OUT:-perf/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for project in src/Gateway perf/Gateway.Load; do
  if ! out=$(dotnet build -c Release -v q -nologo "$project" 2>&1); then echo "$out" >&2; exit 1; fi
done
bin() { echo "$1/bin/Release/net10.0/$2"; }
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }

# The demo registry with its services at this script's providers port (the demo's 5100 may be taken by another run).
python3 - config/registry.demo.json "$work/registry.json" "http://127.0.0.1:$PROVIDERS_PORT" <<'PY'
import json, re, sys
text = re.sub(r'^\s*//.*$', '', open(sys.argv[1], encoding='utf-8').read(), flags=re.M)
registry = json.loads(text)
for service in registry['services']:
    service['destinations'] = [sys.argv[3]]
json.dump(registry, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False, indent=2)
PY

dotnet "$(bin src/Gateway.DemoProviders Ndxp.Gateway.DemoProviders.dll)" "http://127.0.0.1:$PROVIDERS_PORT" >"$work/providers.log" 2>&1 &
pids+=($!)
# The refusal budget (1 a second per client by default) is raised above what the mix's refused shares send: at the
# default it would stop the clients of the denied and wrong-purpose calls, with 429 refusal-budget-exceeded on all
# of their calls. Logs at Warning: ten million call summaries would fill the disk, and a soak measures the gateway.
dotnet "$(bin src/Gateway Ndxp.Gateway.dll)" \
  --Gateway:ListenAddress=127.0.0.1 --Gateway:DataPort="$DATA_PORT" --Gateway:AdminPort="$ADMIN_PORT" \
  --Gateway:DataDirectory="$work/data" --Registry:SeedFile="$work/registry.json" \
  --Limits:RefusalsPerSecond=10000 --Limits:RefusalBurst=100000 \
  --Serilog:MinimumLevel:Default=Warning ${GATEWAY_ARGS:-} >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
wait_for "http://127.0.0.1:$PROVIDERS_PORT/healthz"
wait_for "http://127.0.0.1:$ADMIN_PORT/readyz"

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$gateway/status"; }
( while kill -0 "$gateway" 2>/dev/null; do printf '%s\t%s\n' "$(date -u +%FT%TZ)" "$(rss)"; sleep 10; done ) >"$OUT/rss.tsv" 2>/dev/null &
pids+=($!)

from=$(date -u +%Y-%m-%dT%H:00:00Z)
duration=$(( CALLS / RATE + 60 ))
echo "soak: $CALLS calls at $RATE/s (at most ${duration}s), gateway pid $gateway, output in $OUT" >&2
set +e
dotnet "$(bin perf/Gateway.Load Ndxp.Gateway.Load.dll)" --target "http://127.0.0.1:$DATA_PORT" --rate "$RATE" \
  --max-calls "$CALLS" --duration "${duration}s" --report "$OUT" --max-error-ratio 0 ${LOAD_ARGS:-} >/dev/null
load_exit=$?
set -e
printf '%s\t%s\n' "$(date -u +%FT%TZ)" "$(rss)" >>"$OUT/rss.tsv"

otoken=$(curl -s -u ops-console:ops-demo-secret -d grant_type=client_credentials "http://127.0.0.1:$DATA_PORT/connect/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
usage_url="http://127.0.0.1:$ADMIN_PORT/admin/v1/usage?from=$from&groupBy=month"

# Metering writes every second: the comparison is retried for up to 30 s before a difference counts.
set +e
for attempt in $(seq 1 30); do
  curl -s -H "Authorization: Bearer $otoken" "$usage_url" >"$OUT/usage.json"
  python3 - "$OUT/report.json" "$OUT/usage.json" "$OUT/rss.tsv" "$load_exit" "$attempt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
usage = json.load(open(sys.argv[2]))
load_exit, attempt = int(sys.argv[4]), int(sys.argv[5])
tool = {(u['agency'], u['service']): u['answered'] for u in report['usage']}
metered = {}
for row in usage['rows']:
    key = (row['agency'], row['service'])
    metered[key] = metered.get(key, 0) + row['count']
mismatch = [k for k in sorted(set(tool) | set(metered)) if tool.get(k, 0) != metered.get(k, 0)]
if mismatch and attempt < 30:
    sys.exit(3)
t = report['totals']
print(f"load tool: {t['scheduled']} scheduled, {t['sent']} sent, {t['answered']} answered, {t['errors']} errors "
      f"({t['unexpected']} unexpected, {t['timeouts']} timeouts, {t['transportErrors']} transport, {t['notStarted']} not started), "
      f"{t['callsPerSecond']} calls/s; p50 {report['latencyMs']['p50']} ms, p99 {report['latencyMs']['p99']} ms, "
      f"p99.9 {report['latencyMs']['p999']} ms, max {report['latencyMs']['max']} ms (from intended start)")
print()
print("| agency | service | load tool answered | gateway metered | difference |")
print("|---|---|---:|---:|---:|")
for key in sorted(set(tool) | set(metered)):
    print(f"| {key[0]} | {key[1]} | {tool.get(key, 0)} | {metered.get(key, 0)} | {metered.get(key, 0) - tool.get(key, 0)} |")
print()
samples = [int(line.split('\t')[1]) for line in open(sys.argv[3]) if line.strip().split('\t')[1:] and line.split('\t')[1].strip()]
if samples:
    mb = lambda kb: f"{kb / 1024:.1f} MB"
    print(f"gateway VmRSS over {len(samples)} samples: first {mb(samples[0])}, min {mb(min(samples))}, max {mb(max(samples))}, last {mb(samples[-1])}")
failed = False
if mismatch:
    print(f"MISMATCH between the load tool and the gateway's metering: {', '.join(a + '/' + s for a, s in mismatch)}")
    failed = True
if t['errors'] or load_exit:
    print(f"the load tool counted {t['errors']} errors (exit {load_exit}); see report.md")
    failed = True
print("soak FAILED" if failed else "soak passed")
sys.exit(1 if failed else 0)
PY
  status=$?
  [ "$status" = 3 ] || break
  sleep 1
done
set -e
exit "$status"
