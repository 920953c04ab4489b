#!/usr/bin/env bash
# The gateway beside its peers, every one in front of the same nginx upstream answering a fixed 300-byte JSON:
#   direct       the upstream itself
#   nginx        nginx as a plain reverse proxy
#   haproxy      HAProxy as a plain reverse proxy
#   haproxy-jwt  HAProxy verifying an RS256 token on every call (jwt_verify) + a per-subject stick table
#   yarp         bare YARP (perf/BaselineProxy: one catch-all route, nothing else)
#   yarp-jwt     YARP + ASP.NET Core JwtBearer validating the same RS256 token on every call (no cache)
#   gateway      the gateway with everything on: token, grant, purpose, limits, metering, metrics and one summary
#                log line per call written to a file
#   gateway-log-off  the same gateway with the access log turned off (what the log line costs)
#   gateway-b    (only when named in TARGETS) the same gateway with B_ENV (environment assignments) and B_ARGS
#                (settings): an A/B of a runtime or gateway setting in one run
# Each .NET target is warmed up for WARMUP seconds first (tiered compilation), then ROUNDS interleaved rounds of
# DURATION seconds each with `wrk -t1 -c32`. For every target: calls/s, p50, p99 and CPU per call (the proxy's own
# processes' utime+stime from /proc/PID/stat over the calls wrk counted); the median of the rounds, ratios last.
# Loopback only; bounded in time (about 7 x ROUNDS x DURATION + 3 x WARMUP seconds).
# Usage: perf/peers.sh                      ROUNDS=3 DURATION=10 WARMUP=30 CONNECTIONS=32 by default
#        GATEWAY_ARGS="--Some:Setting=x" perf/peers.sh     the gateway with a setting changed
#        TARGETS="yarp gateway" perf/peers.sh              a subset
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} WARMUP=${WARMUP:-30} CONNECTIONS=${CONNECTIONS:-32}
TARGETS=${TARGETS:-direct nginx haproxy haproxy-jwt yarp yarp-jwt gateway gateway-log-off}
UPSTREAM_PORT=5300 NGINX_PORT=5301 HAPROXY_PORT=5302 HAPROXY_JWT_PORT=5303 YARP_PORT=5304 YARP_JWT_PORT=5305
DATA_PORT=5380 ADMIN_PORT=5381 QUIET_DATA_PORT=5382 QUIET_ADMIN_PORT=5383 B_DATA_PORT=5384 B_ADMIN_PORT=5385
PEER_ISSUER=perf-peer-issuer AUDIENCE=ndxp-gateway
PATH_UNDER_TEST=/population/v1/citizens/001099012345

need() { command -v "$1" >/dev/null || { echo "installing $2 (Debian package)..." >&2; (apt-get update -qq && apt-get install -y -qq "$2") >/dev/null; }; }
need wrk wrk; need nginx nginx-light; need haproxy haproxy; need openssl openssl

work=$(mktemp -d)
mkdir -p "$work/tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

for project in src/Gateway perf/BaselineProxy; do
  if ! out=$(dotnet build -c Release -v q -nologo "$project" 2>&1); then echo "$out" >&2; exit 1; fi
done
bin() { echo "$1/bin/Release/net10.0/$2"; }

render() { # render TEMPLATE PORT > file: the peers' configuration with this run's paths and ports
  sed -e "s|@WORK@|$work|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" -e "s|@PORT@|$2|g" \
      -e "s|@ISSUER@|$PEER_ISSUER|g" -e "s|@AUDIENCE@|$AUDIENCE|g" -e "s|@BODY@|$(cat perf/peers/body.json)|g" "perf/peers/$1"
}

# The peers' RS256 key and one token for them (the gateway signs its own tokens with its own key).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/peer-key.pem" 2>/dev/null
openssl pkey -in "$work/peer-key.pem" -pubout -out "$work/peer-key.pub.pem"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
jwt_input="$(printf '{"alg":"RS256","typ":"JWT"}' | b64url).$(printf '{"iss":"%s","aud":"%s","sub":"vcb-ekyc","iat":%d,"exp":%d}' "$PEER_ISSUER" "$AUDIENCE" "$now" $((now + 7200)) | b64url)"
peer_token="$jwt_input.$(printf '%s' "$jwt_input" | openssl dgst -sha256 -sign "$work/peer-key.pem" -binary | b64url)"

render upstream.nginx.conf "$UPSTREAM_PORT" >"$work/upstream.conf"
render proxy.nginx.conf "$NGINX_PORT" >"$work/proxy.conf"
render plain.haproxy.cfg "$HAPROXY_PORT" >"$work/plain.cfg"
render jwt.haproxy.cfg "$HAPROXY_JWT_PORT" >"$work/jwt.cfg"
sed "s|http://127.0.0.1:5100|http://127.0.0.1:$UPSTREAM_PORT|g" config/registry.demo.json >"$work/registry.json"

nginx -c "$work/upstream.conf" -e "$work/upstream.error.log"
nginx -c "$work/proxy.conf" -e "$work/proxy.error.log"
haproxy -f "$work/plain.cfg" -D -p "$work/haproxy.pid"
haproxy -f "$work/jwt.cfg" -D -p "$work/haproxy-jwt.pid"
dotnet "$(bin perf/BaselineProxy Gateway.Perf.BaselineProxy.dll)" "http://127.0.0.1:$YARP_PORT" "http://127.0.0.1:$UPSTREAM_PORT" >"$work/yarp.log" 2>&1 &
pids+=($!); echo $! >"$work/yarp.pid"
dotnet "$(bin perf/BaselineProxy Gateway.Perf.BaselineProxy.dll)" "http://127.0.0.1:$YARP_JWT_PORT" "http://127.0.0.1:$UPSTREAM_PORT" \
  "$work/peer-key.pub.pem" "$PEER_ISSUER" "$AUDIENCE" >"$work/yarp-jwt.log" 2>&1 &
pids+=($!); echo $! >"$work/yarp-jwt.pid"
start_gateway() { # start_gateway NAME DATA_PORT ADMIN_PORT [settings...]; GATEWAY_ENV: environment assignments
  local name=$1 data=$2 admin=$3; shift 3
  # shellcheck disable=SC2086 # GATEWAY_ARGS and GATEWAY_ENV are lists
  env ${GATEWAY_ENV:-} dotnet "$(bin src/Gateway Ndxp.Gateway.dll)" \
    --Gateway:ListenAddress=127.0.0.1 --Gateway:DataPort="$data" --Gateway:AdminPort="$admin" \
    --Gateway:DataDirectory="$work/$name-data" --Registry:SeedFile="$work/registry.json" \
    --Identity:Issuer="http://localhost:$data" --Identity:TokenLifetime=01:00:00 "$@" ${GATEWAY_ARGS:-} >"$work/$name.log" 2>&1 &
  pids+=($!); echo $! >"$work/$name.pid"
}
start_gateway gateway $DATA_PORT $ADMIN_PORT
start_gateway gateway-log-off $QUIET_DATA_PORT $QUIET_ADMIN_PORT --Observability:CallSummaryLevel=None
case " $TARGETS " in *" gateway-b "*)
  # shellcheck disable=SC2086 # B_ARGS is a list of settings
  GATEWAY_ENV=${B_ENV:-} start_gateway gateway-b $B_DATA_PORT $B_ADMIN_PORT ${B_ARGS:-};; esac

wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }
wait_for "http://127.0.0.1:$UPSTREAM_PORT/"
wait_for "http://127.0.0.1:$YARP_PORT/"
wait_for "http://127.0.0.1:$YARP_JWT_PORT/"
wait_for "http://127.0.0.1:$ADMIN_PORT/readyz"
wait_for "http://127.0.0.1:$QUIET_ADMIN_PORT/readyz"
token_of() { curl -s -u vcb-ekyc:vcb-demo-secret -d grant_type=client_credentials "http://127.0.0.1:$1/connect/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
gateway_token=$(token_of $DATA_PORT)
quiet_token=$(token_of $QUIET_DATA_PORT)
case " $TARGETS " in *" gateway-b "*) wait_for "http://127.0.0.1:$B_ADMIN_PORT/readyz"; b_token=$(token_of $B_DATA_PORT);; esac

port_of() { case $1 in direct) echo $UPSTREAM_PORT;; nginx) echo $NGINX_PORT;; haproxy) echo $HAPROXY_PORT;;
  haproxy-jwt) echo $HAPROXY_JWT_PORT;; yarp) echo $YARP_PORT;; yarp-jwt) echo $YARP_JWT_PORT;; gateway) echo $DATA_PORT;;
  gateway-log-off) echo $QUIET_DATA_PORT;; gateway-b) echo $B_DATA_PORT;; esac; }
pidfile_of() { case $1 in direct) echo upstream;; nginx) echo proxy;; *) echo "$1";; esac; }
headers_of() { case $1 in
  haproxy-jwt|yarp-jwt) printf '%s\n' -H "Authorization: Bearer $peer_token";;
  gateway) printf '%s\n' -H "Authorization: Bearer $gateway_token" -H "X-Purpose: ekyc";;
  gateway-log-off) printf '%s\n' -H "Authorization: Bearer $quiet_token" -H "X-Purpose: ekyc";;
  gateway-b) printf '%s\n' -H "Authorization: Bearer $b_token" -H "X-Purpose: ekyc";; esac; }
# The target's processes: the one in its pid file and its children (nginx's workers).
procs_of() { local main; main=$(cat "$work/$(pidfile_of "$1").pid"); echo "$main" $(pgrep -P "$main" || true); }
cpu_ticks() { local total=0 p; for p in $(procs_of "$1"); do
  total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done; echo $total; }

for target in $TARGETS; do # every target answers 200 before anything is measured
  mapfile -t h < <(headers_of "$target")
  status=$(curl -s -o /dev/null -w '%{http_code}' "${h[@]}" "http://127.0.0.1:$(port_of "$target")$PATH_UNDER_TEST")
  [ "$status" = 200 ] || { echo "$target answered $status" >&2; exit 1; }
done

for target in $TARGETS; do # warm-up: tiered compilation for the .NET targets, connection pools for all
  case $target in yarp|yarp-jwt|gateway*) seconds=$WARMUP;; *) seconds=3;; esac
  mapfile -t h < <(headers_of "$target")
  wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" "${h[@]}" "http://127.0.0.1:$(port_of "$target")$PATH_UNDER_TEST" >/dev/null
done

results="$work/results.tsv"
tck=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  for target in $TARGETS; do
    mapfile -t h < <(headers_of "$target")
    before=$(cpu_ticks "$target")
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${h[@]}" "http://127.0.0.1:$(port_of "$target")$PATH_UNDER_TEST" >"$work/wrk.txt"
    after=$(cpu_ticks "$target")
    python3 - "$target" "$round" "$((after - before))" "$tck" "$work/wrk.txt" >>"$results" <<'EOF'
import re, sys
target, rnd, ticks, tck, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
text = open(path).read()
ms = lambda v: float(re.match(r"([\d.]+)", v).group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[re.match(r"[\d.]+(\w+)", v).group(1)]
calls = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
cpu_us = ticks / tck * 1e6 / calls
print(f"{target}\t{rnd}\t{rps:.0f}\t{p50:.3f}\t{p99:.3f}\t{cpu_us:.1f}\t{non2xx + errors}")
EOF
    tail -1 "$results" | awk -F'\t' '{printf "round %s %-12s %8s calls/s  p50 %6s ms  p99 %6s ms  %6s us/call  failed %s\n", $2, $1, $3, $4, $5, $6, $7}' >&2
  done
done

echo "peers: $ROUNDS interleaved rounds of ${DURATION}s, wrk -t1 -c$CONNECTIONS, .NET targets warmed up ${WARMUP}s; $(nproc) cores; $(date -u +%F)${GATEWAY_ARGS:+; gateway args: $GATEWAY_ARGS}${B_ENV:+; B env: $B_ENV}${B_ARGS:+; B args: $B_ARGS}"
python3 - "$results" <<'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
names = {"direct": "nginx straight (the upstream)", "nginx": "nginx as a proxy", "haproxy": "HAProxy plain",
         "haproxy-jwt": "HAProxy + RS256 jwt_verify + stick table", "yarp": "bare YARP", "yarp-jwt": "YARP + JwtBearer (no cache)",
         "gateway": "the gateway, all policies on", "gateway-log-off": "the gateway, access log off",
         "gateway-b": "the gateway, variant B"}
med = {}
for t in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == t]
    med[t] = {k: statistics.median(float(r[i]) for r in mine) for k, i in (("rps", 2), ("p50", 3), ("p99", 4), ("cpu", 5))}
    med[t]["failed"] = sum(int(r[6]) for r in mine)
# A core busy only with this proxy serves 1e6 / (CPU per call in us) calls a second.
print("\n| target | calls/s | p50 (ms) | p99 (ms) | CPU per call (us) | calls/day per core | failed |\n|---|---:|---:|---:|---:|---:|---:|")
for t, m in med.items():
    print(f"| {names[t]} | {m['rps']:,.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['cpu']:.1f} | {86400e6 / m['cpu'] / 1e9:.2f} billion | {m['failed']} |")
if "gateway" in med:
    g = med["gateway"]
    print()
    for peer, label in (("yarp", "bare YARP"), ("haproxy-jwt", "HAProxy + JWT"), ("yarp-jwt", "YARP + JwtBearer")):
        if peer in med:
            p = med[peer]
            print(f"gateway / {label}: throughput {g['rps'] / p['rps']:.2f}x, CPU per call {g['cpu'] / p['cpu']:.2f}x")
    if "gateway-b" in med:
        b = med["gateway-b"]
        print(f"variant B / gateway: throughput {b['rps'] / g['rps']:.2f}x, CPU per call {b['cpu'] / g['cpu']:.2f}x")
    if "gateway-log-off" in med:
        q = med["gateway-log-off"]
        print(f"access log on / off: throughput {g['rps'] / q['rps']:.2f}x, CPU per call {g['cpu'] / q['cpu']:.2f}x "
              f"({g['cpu'] - q['cpu']:.1f} us per call for the line)")
EOF
