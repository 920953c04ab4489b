# Sourced by perf/revision-compare.sh and perf/thread-costs.sh (from the repository's root, with REV_A, REV_B, the
# ports, PATH_UNDER_TEST and WARMUP set): builds the gateway of each revision into $work/a/out and $work/b/out (git
# worktrees), starts the demo providers of the working tree on PROVIDERS_PORT, defines wait_for, start_gateway and run_rounds, and
# removes all of it on exit. Processes the caller starts go into pids to be stopped with the rest.
command -v wrk >/dev/null || { (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  for rev in a b; do git worktree remove --force "$work/$rev" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for rev in a b; do
  commit=$([ $rev = a ] && echo "$REV_A" || echo "$REV_B")
  git worktree add -q --detach "$work/$rev" "$commit"
  dotnet publish -c Release -v q -nologo -o "$work/$rev/out" "$work/$rev/src/Gateway" >/dev/null
done
dotnet publish -c Release -v q -nologo -o "$work/providers" src/Gateway.DemoProviders >/dev/null

wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; exit 1; }
dotnet "$work/providers/Ndxp.Gateway.DemoProviders.dll" "http://127.0.0.1:$PROVIDERS_PORT" >"$work/providers.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$PROVIDERS_PORT/healthz"

# start_gateway a|b: that revision's gateway on a fresh data folder, with its own demo registry, GATEWAY_ARGS and (for b)
# B_ARGS; once ready, warmed up for WARMUP seconds with the load both scripts measure. Sets gateway_pid and wrk_args
# (wrk -t1 -c32, one token, the demo eKYC lookup at PATH_UNDER_TEST).
start_gateway() {
  local rev=$1
  rm -rf "$work/data"
  dotnet "$work/$rev/out/Ndxp.Gateway.dll" --Gateway:ListenAddress=127.0.0.1 --Gateway:DataPort=$DATA_PORT \
    --Gateway:AdminPort=$ADMIN_PORT --Gateway:DataDirectory="$work/data" --Registry:SeedFile=config/registry.demo.json \
    --Identity:Issuer="http://localhost:$DATA_PORT" --Identity:TokenLifetime=01:00:00 ${GATEWAY_ARGS:-} \
    $([ "$rev" = b ] && echo "${B_ARGS:-}") >"$work/gateway-$rev.log" 2>&1 &
  gateway_pid=$!
  wait_for "http://127.0.0.1:$ADMIN_PORT/readyz"
  local token
  token=$(curl -s -u vcb-ekyc:vcb-demo-secret -d grant_type=client_credentials "http://127.0.0.1:$DATA_PORT/connect/token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  wrk_args=(-t1 -c32 -H "Authorization: Bearer $token" -H "X-Purpose: ekyc" "http://127.0.0.1:$DATA_PORT$PATH_UNDER_TEST")
  wrk -d"${WARMUP}s" "${wrk_args[@]}" >/dev/null
}

# run_rounds HEADER SEPARATOR: the run's title, the results table's header, then ROUNDS interleaved rounds of the
# caller's measure a|b ROUND (the order shuffled in each round), so that drift on the machine falls on both revisions.
run_rounds() {
  echo "A = $(git rev-parse --short "$REV_A"), B = $(git rev-parse --short "$REV_B"); wrk -t1 -c32, ${WARMUP}s warm-up, ${MEASURE}s measured; $(nproc) cores; $(date -u +%F)${GATEWAY_ARGS:+; gateway args: $GATEWAY_ARGS}${B_ARGS:+; B args: $B_ARGS}"
  echo
  echo "$1"
  echo "$2"
  for round in $(seq 1 "$ROUNDS"); do
    for rev in $(printf 'a\nb\n' | shuf); do measure "$rev" "$round"; done
  done
  echo
}
