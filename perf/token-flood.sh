#!/usr/bin/env bash
# Client authentication under attack, side by side (issue 12): data-call throughput while a flood of wrong secrets
# for a known client, of unknown client ids, or of malformed bearer tokens (the fair baseline: what any caller can
# send) hits the gateway over the same number of connections; the time a correct token request takes during each
# flood; and what a token costs on the token endpoint with a generated secret (CPU microseconds per token from
# /proc/PID/stat, tokens/s).
#
# Two gateways over the same demo providers: A with the default lock-outs, B with lock-outs off (thresholds out of
# reach), to show what checking every wrong secret costs by itself (for btp-civil-status, whose PBKDF2 hash never
# verifies, that is one derivation after the other, as many at once as Identity:ClientAuthentication allows). The floods come from ::1, the data calls and
# the token benchmark from 127.0.0.1, the correct token requests from 127.0.0.2 (an address where vcb-ekyc signed
# in before the floods, as an agency's own system would have): to the gateway three different callers.
# Rounds are interleaved, the scenarios shuffled in each, after a warm-up long enough for tiered compilation.
#
# Usage: perf/token-flood.sh [rounds=3] [measure-seconds=10] [warmup-seconds=30] [connections=16]
#        REV=efc346c perf/token-flood.sh 1     # the same against the gateway of another git revision (e.g. before a change)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3} MEASURE=${2:-10} WARMUP=${3:-30} CONNECTIONS=${4:-16}
PROVIDERS_PORT=5100 A_DATA=5280 A_ADMIN=5281 B_DATA=5290 B_ADMIN=5291
CITIZEN=/population/v1/citizens/001099012345
command -v wrk >/dev/null || { (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  git worktree remove --force "$work/rev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

gateway_source=src/Gateway
if [ -n "${REV:-}" ]; then
  git worktree add -q --detach "$work/rev" "$REV"
  gateway_source="$work/rev/src/Gateway"
fi
dotnet publish -c Release -v q -nologo -o "$work/gateway" "$gateway_source" >/dev/null
dotnet publish -c Release -v q -nologo -o "$work/providers" src/Gateway.DemoProviders >/dev/null
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
to_ms() { python3 -c 'import sys,re; n,u=re.match(r"([\d.]+)(\w+)",sys.argv[1]).groups(); print(round(float(n)*{"us":0.001,"ms":1,"s":1000}[u],2))' "$1"; }

dotnet "$work/providers/Ndxp.Gateway.DemoProviders.dll" "http://127.0.0.1:$PROVIDERS_PORT" >"$work/providers.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PROVIDERS_PORT/healthz"

declare -A gateway_pid data_port admin_port
start_gateway() { # NAME DATA ADMIN [settings...]
  local name=$1 data=$2 admin=$3; shift 3
  # localhost: 127.0.0.1 and ::1, so that the floods (from ::1) and the other callers are different addresses.
  dotnet "$work/gateway/Ndxp.Gateway.dll" --Gateway:ListenAddress=localhost --Gateway:DataPort="$data" --Gateway:AdminPort="$admin" \
    --Gateway:DataDirectory="$work/data-$name" --Registry:SeedFile=config/registry.demo.json \
    --Identity:Issuer="http://localhost:$data" --Identity:TokenLifetime=01:00:00 \
    --Serilog:WriteTo:0:Name=File --Serilog:WriteTo:0:Args:path="$work/gateway-$name.log" \
    --Serilog:WriteTo:0:Args:formatter="Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact" \
    "$@" >"$work/gateway-$name.out" 2>&1 &
  gateway_pid[$name]=$! data_port[$name]=$data admin_port[$name]=$admin
  pids+=($!)
  wait_for "http://127.0.0.1:$admin/readyz"
}
start_gateway A $A_DATA $A_ADMIN
start_gateway B $B_DATA $B_ADMIN --Identity:ClientAuthentication:FailuresPerClient=1000000 --Identity:ClientAuthentication:FailuresPerAddress=1000000

token_of() { # GATEWAY CLIENT SECRET [curl args]: an access token, taken from 127.0.0.2
  curl -s --interface 127.0.0.2 -u "$2:$3" -d grant_type=client_credentials "http://127.0.0.1:${data_port[$1]}/connect/token" | json '["access_token"]'
}
declare -A bearer generated_secret
for g in A B; do
  # The flood targets: vcb-ekyc (a person's secret, PBKDF2, signed in from 127.0.0.2 before: its hash is remembered),
  # btp-civil-status (PBKDF2, never signed in on this replica: every check would be a derivation) and a client
  # created here, whose secret the gateway generates (a fast hash).
  bearer[$g]=$(token_of $g vcb-ekyc vcb-demo-secret)
  ops=$(token_of $g ops-console ops-demo-secret)
  generated_secret[$g]=$(curl -s -H "Authorization: Bearer $ops" -H 'Content-Type: application/json' "http://127.0.0.1:${admin_port[$g]}/admin/v1/clients" \
    -d '{"id":"perf-generated","agency":"VCB","name":"token benchmark"}' | json '["clientSecret"]')
  token_of $g perf-generated "${generated_secret[$g]}" >/dev/null
done

lua() { # NAME BODY: a wrk script
  printf '%s\n' "$2" >"$work/$1.lua"
  echo "$work/$1.lua"
}
basic_post() { # CLIENT SECRET: POST a client_credentials request with HTTP Basic
  lua "basic-$1-$RANDOM" "wrk.method = \"POST\"
wrk.body = \"grant_type=client_credentials\"
wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"
wrk.headers[\"Authorization\"] = \"Basic $(printf '%s:%s' "$1" "$2" | base64 -w0)\""
}
unknown_clients=$(lua unknown 'wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  return wrk.format(nil, nil, nil, "grant_type=client_credentials&client_id=nobody-" .. math.random(1, 1000000000) .. "&client_secret=guess")
end')

flood() { # GATEWAY SCENARIO SECONDS: the flood's wrk, from ::1
  local g=$1 url="http://[::1]:${data_port[$1]}"
  case $2 in
    quiet) sleep "$3" ;;
    malformed-bearer) wrk -t1 -c"$CONNECTIONS" -d"$3s" -H "Authorization: Bearer not.a.token" -H "X-Purpose: ekyc" "$url$CITIZEN" ;;
    wrong-secret-remembered) wrk -t1 -c"$CONNECTIONS" -d"$3s" -s "$(basic_post vcb-ekyc guess)" "$url/connect/token" ;;
    wrong-secret-unverified) wrk -t1 -c"$CONNECTIONS" -d"$3s" -s "$(basic_post btp-civil-status guess)" "$url/connect/token" ;;
    wrong-secret-generated) wrk -t1 -c"$CONNECTIONS" -d"$3s" -s "$(basic_post perf-generated guess)" "$url/connect/token" ;;
    unknown-client) wrk -t1 -c"$CONNECTIONS" -d"$3s" -s "$unknown_clients" "$url/connect/token" ;;
  esac
}

probe() { # GATEWAY: one correct token request from 127.0.0.2, "status seconds"
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --interface 127.0.0.2 -u vcb-ekyc:vcb-demo-secret \
    -d grant_type=client_credentials "http://127.0.0.1:${data_port[$1]}/connect/token"
}

data_calls() { # GATEWAY SECONDS OUT: the data calls' wrk, from 127.0.0.1
  wrk -t1 -c"$CONNECTIONS" -d"$2s" --latency -H "Authorization: Bearer ${bearer[$1]}" -H "X-Purpose: ekyc" "http://127.0.0.1:${data_port[$1]}$CITIZEN" >"$3"
}

echo "warming up both gateways for ${WARMUP}s each (data calls, tokens, then each flood for 3 s)..." >&2
for g in A B; do
  wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2))s" -H "Authorization: Bearer ${bearer[$g]}" -H "X-Purpose: ekyc" "http://127.0.0.1:${data_port[$g]}$CITIZEN" >/dev/null
  wrk -t1 -c"$CONNECTIONS" -d"$((WARMUP / 2))s" -s "$(basic_post perf-generated "${generated_secret[$g]}")" "http://127.0.0.1:${data_port[$g]}/connect/token" >/dev/null
  # The refusal paths are compiled too, so that the first measured flood does not meet them cold.
  for name in malformed-bearer wrong-secret-remembered wrong-secret-unverified wrong-secret-generated unknown-client; do flood "$g" "$name" 3 >/dev/null; done
done

scenarios=(A:quiet A:malformed-bearer A:wrong-secret-remembered A:wrong-secret-unverified A:wrong-secret-generated A:unknown-client
  B:malformed-bearer B:wrong-secret-generated B:wrong-secret-unverified B:unknown-client A:tokens)
echo "gateway $(git rev-parse --short "${REV:-HEAD}")${REV:+ (REV)}; $(nproc) cores; $(date -u +%F); ${ROUNDS} rounds; ${MEASURE}s measured; wrk -t1 -c${CONNECTIONS} for the data calls and for each flood"
echo
echo "| round | gateway | flood | data calls/s | p50 (ms) | p99 (ms) | flood req/s | flood non-2xx | correct token requests (status s) |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---|"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $(printf '%s\n' "${scenarios[@]}" | shuf); do
    g=${scenario%%:*} name=${scenario#*:}
    if [ "$name" = tokens ]; then
      # Tokens alone: a generated secret over HTTP Basic, CPU per token from the gateway's /proc stat.
      before=$(cpu_ticks "${gateway_pid[$g]}")
      wrk -t1 -c"$CONNECTIONS" -d"${MEASURE}s" --latency -s "$(basic_post perf-generated "${generated_secret[$g]}")" "http://127.0.0.1:${data_port[$g]}/connect/token" >"$work/tokens.txt"
      after=$(cpu_ticks "${gateway_pid[$g]}")
      calls=$(awk '/requests in/ {print $1}' "$work/tokens.txt")
      rps=$(awk '/^Requests\/sec/ {print $2}' "$work/tokens.txt")
      us=$(python3 -c "import os,sys; print(round((int(sys.argv[2])-int(sys.argv[1]))/os.sysconf('SC_CLK_TCK')*1e6/int(sys.argv[3]),1))" "$before" "$after" "$calls")
      p50=$(to_ms "$(awk '$1=="50%" {print $2}' "$work/tokens.txt")") p99=$(to_ms "$(awk '$1=="99%" {print $2}' "$work/tokens.txt")")
      echo "tokens $g $rps $us $p50 $p99 $(awk '/Non-2xx/ {print $NF}' "$work/tokens.txt")" >>"$work/results"
      printf '| %s | %s | tokens (generated secret) | %s tokens/s | %s | %s | CPU %s us/token | %s | |\n' "$round" "$g" "$rps" "$p50" "$p99" "$us" "$(awk '/Non-2xx/ {print $NF}' "$work/tokens.txt")"
      continue
    fi
    flood "$g" "$name" "$((MEASURE + 2))" >"$work/flood.txt" 2>&1 &
    flood_pid=$!
    sleep 1
    data_calls "$g" "$MEASURE" "$work/data.txt" &
    data_pid=$!
    probes=""
    for _ in 1 2 3; do sleep $((MEASURE / 4)); probes+="$(probe "$g"), "; done
    wait $data_pid; wait $flood_pid || true
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/data.txt")
    p50=$(to_ms "$(awk '$1=="50%" {print $2}' "$work/data.txt")") p99=$(to_ms "$(awk '$1=="99%" {print $2}' "$work/data.txt")")
    frps=$(awk '/^Requests\/sec/ {print $2}' "$work/flood.txt"); fbad=$(awk '/Non-2xx/ {print $NF}' "$work/flood.txt")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$g" "$name" "$rps" "$p50" "$p99" "${frps:--}" "${fbad:--}" "${probes%, }"
    echo "flood $g $name $rps $p50 $p99 $(tr -d ',' <<<"$probes" | awk '{m=0; for(i=2;i<=NF;i+=2) if($i>m) m=$i; print m}')" >>"$work/results"
  done
done

echo
echo "Medians over the rounds; ratio = data calls/s during the flood / during the malformed-bearer flood on the same gateway."
echo
python3 - "$work/results" <<'PY'
import statistics, sys
floods, tokens = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "flood":
        floods.setdefault((f[1], f[2]), []).append((float(f[3]), float(f[4]), float(f[5]), float(f[6])))
    else:
        tokens.setdefault(f[1], []).append((float(f[2]), float(f[3]), float(f[4]), float(f[5])))
med = lambda rows, i: statistics.median(r[i] for r in rows)
print("| gateway | flood | data calls/s | p50 (ms) | p99 (ms) | ratio to malformed-bearer | slowest correct token request (s) |")
print("|---|---|---:|---:|---:|---:|---:|")
for (g, name), rows in sorted(floods.items()):
    base = floods.get((g, "malformed-bearer"))
    ratio = med(rows, 0) / med(base, 0) if base else float("nan")
    print(f"| {g} | {name} | {med(rows, 0):,.0f} | {med(rows, 1)} | {med(rows, 2)} | {ratio:.2f} | {max(r[3] for r in rows):.3f} |")
for g, rows in tokens.items():
    print(f"\nToken endpoint, gateway {g}, generated secret: {med(rows, 0):,.0f} tokens/s, CPU {med(rows, 1)} us per token (median), p50 {med(rows, 2)} ms, p99 {med(rows, 3)} ms")
PY
