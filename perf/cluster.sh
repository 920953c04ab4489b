#!/usr/bin/env bash
# Three replicas under load, the long run: the CI test tests/Gateway.Tests/Cluster/ThreeReplicasUnderLoadTests (three
# gateway containers of the image sharing PostgreSQL and Redis behind HAProxy; a grant change, a rolling restart and a
# Redis restart during a constant rate; no failed call, shared limits held, metering equal to the answered calls) run
# longer and faster than CI's 60 s at 150 calls/s. Prints what the test measured; exits non-zero if it failed.
# Usage: perf/cluster.sh [seconds=600] [rate=1000]
# As root, with the Debian packages ./test.sh installs. NDXP_TEST_DOCKER_HOST=unix:///var/run/docker.sock reuses a
# running Docker engine (its base images and build cache) instead of starting a throwaway one.
set -euo pipefail
cd "$(dirname "$0")/.."
export NDXP_CLUSTER_SECONDS=${1:-600} NDXP_CLUSTER_RATE=${2:-1000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
dotnet test tests/Gateway.Tests -c Release --filter "FullyQualifiedName~Cluster.ThreeReplicasUnderLoadTests" \
  --logger "console;verbosity=detailed" >"$out" 2>&1 || status=$?
sed -n '/Standard Output Messages:/,/^Test Run/p' "$out"
[ "$status" -eq 0 ] || grep -E "Error Message|Assert|Exception" "$out" | head -20
exit "$status"
