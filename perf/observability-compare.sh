#!/usr/bin/env bash
# The cost of per-call metrics and the per-call summary log: the same wrk comparison four times in one session,
# with both on (the default), the summary log off, the call metrics off, and both off.
# Usage: perf/observability-compare.sh [duration-seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
LOG_OFF="--Serilog:MinimumLevel:Override:Ndxp.Gateway.Observability=Warning"
METRICS_OFF="--Observability:CallMetrics=false"

perf/compare-variants.sh "$DURATION" "metrics, summary log" \
  "both-on=" "log-off=$LOG_OFF" "metrics-off=$METRICS_OFF" "both-off=$LOG_OFF $METRICS_OFF"
