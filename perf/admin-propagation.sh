#!/usr/bin/env bash
# How fast an admin change reaches another replica, and what continuous changes cost the data plane.
# Two gateway processes share a throwaway PostgreSQL (initdb + pg_ctl in a temp dir, loopback only):
#   1. propagation: N grant updates through replica A's admin API; for each, the time from A's answer until
#      replica B runs that registry revision (B's /readyz names the revision of the snapshot it serves; polled
#      over a kept-alive connection), with LISTEN/NOTIFY (default) and with polling alone
#      (Registry:ListenForChanges=false);
#   2. throughput: wrk against replica B for D seconds, once quiet and once while A keeps changing the
#      called grant and adding and removing a route (order shuffled); non-2xx must stay 0. Both replicas,
#      PostgreSQL and wrk share this machine's cores, so the churning run also pays for A's and PostgreSQL's work.
# Usage: perf/admin-propagation.sh [changes=200] [wrk-seconds=20]
# BUILD_ARGS adds MSBuild arguments, e.g. BUILD_ARGS=-p:EnableRequestDelegateGenerator=false to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
CHANGES=${1:-200}
DURATION=${2:-20}
PG_PORT=5491 PROVIDERS_PORT=5100 A_DATA=5380 A_ADMIN=5381 B_DATA=5390 B_ADMIN=5391

command -v wrk >/dev/null || { (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pgbin" ]; then (apt-get update -qq && apt-get install -y -qq postgresql) >/dev/null; pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi

work=$(mktemp -d)
chmod 755 "$work"
pids=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/pg" "$work/sock"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg" "$work/sock"
as_pg "$pgbin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/sock/pg.log" -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $work/sock -c fsync=off" start >/dev/null
CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"

# shellcheck disable=SC2086
if ! out=$(dotnet build -c Release -v q -nologo --no-incremental ${BUILD_ARGS:-} src/Gateway 2>&1); then echo "$out" >&2; exit 1; fi
bin() { echo "$1/bin/Release/net10.0/$2"; }
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }

dotnet "$(bin src/Gateway.DemoProviders Ndxp.Gateway.DemoProviders.dll)" "http://127.0.0.1:$PROVIDERS_PORT" >"$work/providers.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PROVIDERS_PORT/healthz"

gateways=()
start_pair() { # start_pair [extra settings...]: replicas A then B (B reuses the keys A generated)
  for side in A B; do
    local data admin; if [ $side = A ]; then data=$A_DATA admin=$A_ADMIN; else data=$B_DATA admin=$B_ADMIN; fi
    dotnet "$(bin src/Gateway Ndxp.Gateway.dll)" --Gateway:ListenAddress=127.0.0.1 --Gateway:DataPort=$data --Gateway:AdminPort=$admin \
      --Gateway:DataDirectory="$work/data" --Registry:SeedFile=config/registry.demo.json --Storage:PostgresConnectionString="$CONN" \
      --Identity:Issuer=https://gateway.perf --Identity:TokenLifetime=01:00:00 "--Serilog:MinimumLevel:Default=Warning" "$@" >"$work/gw-$side.log" 2>&1 &
    gateways+=($!); pids+=($!)
    wait_for "http://127.0.0.1:$admin/readyz"
  done
}
stop_pair() { for p in "${gateways[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; gateways=(); }
token() { curl -s -u "$1:$2" -d grant_type=client_credentials "http://127.0.0.1:$A_DATA/connect/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }

measure() { # measure LABEL COUNT: grant updates on A, time until B serves the new ETag
  python3 - "$1" "$2" "$(token ops-console ops-demo-secret)" "$A_ADMIN" "$B_ADMIN" <<'PY'
import http.client, json, re, sys, time, statistics
label, count, token, a_port, b_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
a, b = http.client.HTTPConnection("127.0.0.1", a_port), http.client.HTTPConnection("127.0.0.1", b_port)
def call(conn, method, path, body=None, extra=None):
    conn.request(method, path, body=body, headers={**h, **(extra or {})}); r = conn.getresponse(); r.read(); return r
call(a, "POST", "/admin/v1/grants", json.dumps({"id": "perf-grant", "consumerAgency": "HNI", "service": "enterprise-lookup"}))
writes, propagation = [], []
for i in range(count):
    body = json.dumps({"id": "perf-grant", "consumerAgency": "HNI", "service": "enterprise-lookup", "dailyQuota": 1000 + i})
    t0 = time.perf_counter(); r = call(a, "PUT", "/admin/v1/grants/perf-grant", body, {"If-Match": "*"}); t1 = time.perf_counter()
    assert r.status == 200, r.status
    revision = int(r.getheader("ETag").strip('"'))
    while True:
        b.request("GET", "/readyz"); served = int(re.search(r"revision (\d+)", b.getresponse().read().decode()).group(1))
        if served >= revision:
            break
    t2 = time.perf_counter()
    writes.append((t1 - t0) * 1000); propagation.append((t2 - t1) * 1000)
def q(v, p): v = sorted(v); return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
for name, v in (("admin write on A", writes), ("A answered -> B serves it", propagation)):
    print(f"| {label} | {name} | {len(v)} | {statistics.median(v):.1f} | {q(v, .95):.1f} | {max(v):.1f} |")
PY
}

echo "$(nproc) cores; $(date -u +%F);${BUILD_ARGS:+ build: $BUILD_ARGS;} PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'); $CHANGES changes (50 without notifications)"
echo
echo "| mode | what | changes | median (ms) | p95 (ms) | max (ms) |"
echo "|---|---|---:|---:|---:|---:|"
start_pair
measure "LISTEN/NOTIFY" "$CHANGES"
stop_pair
start_pair --Registry:ListenForChanges=false
measure "polling only (1 s)" 50
stop_pair

# Throughput on B, quiet vs while A keeps changing the registry.
start_pair
btoken=$(curl -s -u vcb-ekyc:vcb-demo-secret -d grant_type=client_credentials "http://127.0.0.1:$B_DATA/connect/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
otoken=$(token ops-console ops-demo-secret)
churn() { # python keeps its connections alive; after each grant change it also times B's catching up, under load
  python3 - "$otoken" "$A_ADMIN" "$B_ADMIN" "$PROVIDERS_PORT" "$work/churn-propagation.txt" <<'PY'
import http.client, json, re, sys, time
token, port, b_port, providers, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
h = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "If-Match": "*"}
a, b = http.client.HTTPConnection("127.0.0.1", port), http.client.HTTPConnection("127.0.0.1", b_port)
def call(method, path, body=None):
    a.request(method, path, body=json.dumps(body) if body else None, headers=h); r = a.getresponse(); r.read(); return r
i = 0
with open(out, "w") as log:
    while True:
        i += 1
        r = call("PUT", "/admin/v1/grants/vcb-population-ekyc", {"id": "vcb-population-ekyc", "consumerAgency": "VCB", "service": "population-citizen-lookup", "methods": ["GET"], "purposes": ["ekyc"], "rateLimit": {"perSecond": 50000, "burst": 50000}, "dailyQuota": 100000000 + i})
        t1, revision = time.perf_counter(), int(r.getheader("ETag").strip('"'))
        while True:
            b.request("GET", "/readyz"); served = int(re.search(r"revision (\d+)", b.getresponse().read().decode()).group(1))
            if served >= revision:
                break
        log.write(f"{(time.perf_counter() - t1) * 1000:.1f}\n"); log.flush()
        call("POST", "/admin/v1/services", {"id": "churn", "provider": "BCA", "pathPrefix": f"/churn-{i}", "destinations": [f"http://127.0.0.1:{providers}"]})
        call("DELETE", "/admin/v1/services/churn")
        time.sleep(0.1)
PY
}
wrk -t2 -c64 -d5s -H "Authorization: Bearer $btoken" -H 'X-Purpose: ekyc' "http://127.0.0.1:$B_DATA/population/v1/citizens/001099012345" >/dev/null
echo
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
b_pid=${gateways[1]}
echo "| replica B under wrk (2 threads, 64 connections, ${DURATION}s) | requests/s | p99 | non-2xx | registry changes | B's time in reloads (s) | B's CPU per call (us) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for variant in $(printf '%s\n' quiet churning | shuf); do
  before=$(curl -s "http://127.0.0.1:$B_ADMIN/metrics" | awk '/^ndxp_gateway_registry_revision / {print $2}')
  reload_before=$(curl -s "http://127.0.0.1:$B_ADMIN/metrics" | awk '/^ndxp_gateway_registry_reload_duration_seconds_sum / {print $2}')
  if [ $variant = churning ]; then churn & churn_pid=$!; fi
  cpu_before=$(cpu_ticks "$b_pid")
  wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $btoken" -H 'X-Purpose: ekyc' \
    "http://127.0.0.1:$B_DATA/population/v1/citizens/001099012345" >"$work/wrk-$variant.txt"
  cpu_after=$(cpu_ticks "$b_pid")
  if [ $variant = churning ]; then pkill -P $churn_pid 2>/dev/null || true; kill $churn_pid 2>/dev/null || true; wait $churn_pid 2>/dev/null || true; fi
  after=$(curl -s "http://127.0.0.1:$B_ADMIN/metrics" | awk '/^ndxp_gateway_registry_revision / {print $2}')
  reload_after=$(curl -s "http://127.0.0.1:$B_ADMIN/metrics" | awk '/^ndxp_gateway_registry_reload_duration_seconds_sum / {print $2}')
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$variant.txt"); errors=$(awk '/Socket errors/ {print}' "$work/wrk-$variant.txt")
  echo "| $variant | $(awk '/^Requests\/sec/ {print $2}' "$work/wrk-$variant.txt") | $(awk '$1=="99%" {print $2}' "$work/wrk-$variant.txt") | ${non2xx:-0}${errors:+ ($errors)} | $(python3 -c "print(int(float('$after') - float('$before')))") | $(python3 -c "print(round(float('${reload_after:-0}') - float('${reload_before:-0}'), 3))") | $(python3 -c "import sys; t=$(getconf CLK_TCK); r=float(sys.argv[1])*$DURATION; print(round(($cpu_after-$cpu_before)/t/r*1e6, 1))" "$(awk '/^Requests\/sec/ {print $2}' "$work/wrk-$variant.txt")") |"
done
stop_pair
python3 - "$work/churn-propagation.txt" <<'PY'
import statistics, sys
v = sorted(float(x) for x in open(sys.argv[1]) if x.strip())
print(f"\nunder load (churning run): {len(v)} grant changes, A answered -> B serves it: median {statistics.median(v):.1f} ms, "
      f"p95 {v[int(round(.95 * (len(v) - 1)))]:.1f} ms, max {v[-1]:.1f} ms")
PY
