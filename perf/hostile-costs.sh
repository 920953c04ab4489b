#!/usr/bin/env bash
# What each class of hostile request costs the gateway (issue 13: nothing a caller sends may cost more than a malformed
# request), next to the fair baseline of a refused garbage token: CPU per request (the gateway process's CPU clock),
# log bytes per request, store bytes and resident-memory growth. The figures come from the cost suite itself
# (tests/Gateway.Tests/Hardening/HostileCostTests.cs, measured by HostileCostFixture.cs): this script runs exactly that
# suite in Release and prints its table once, then the suite's verdicts (which classes exceed their bounds).
#
# Usage: perf/hostile-costs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT

dotnet build -c Release -v q -nologo tests/Gateway.Tests >/dev/null
echo "gateway $(git rev-parse --short HEAD); $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB; $(date -u '+%F %H:%M UTC')"
echo
dotnet test tests/Gateway.Tests -c Release --no-build --filter "FullyQualifiedName~HostileCost" --logger "console;verbosity=detailed" >"$out" 2>&1 || true
# Print the table once (xunit echoes test output twice).
awk '/^ *\|/ && !seen[$0]++ { sub(/^ +/, ""); print }' "$out"
echo
# The verdicts, and for a failed test every bound its classes exceeded (the lines of its message).
awk '/^ +(Passed|Failed) Ndxp/ { sub(/^ +/, ""); sub(/ \[[^]]*\]$/, ""); print } /Error Message:/ { m = 1; next } /Stack Trace:/ { m = 0 } m { sub(/^ +/, ""); print "  " $0 }' "$out"
