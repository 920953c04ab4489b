#!/usr/bin/env bash
# The cost of per-call metrics and the per-call summary log: the same wrk comparison four times in one session,
# with both on (the default), the summary log off, the call metrics off, and both off.
# Usage: perf/observability-compare.sh [duration-seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
LOG_OFF="--Serilog:MinimumLevel:Override:Ndxp.Gateway.Observability=Warning"
METRICS_OFF="--Observability:CallMetrics=false"

results=()
# A random order each run: these machines drift during a run, and a fixed order turns the drift into a bias.
for variant in $(printf '%s\n' both-on log-off metrics-off both-off | shuf); do
  case $variant in
    both-on) args="" ;;
    log-off) args="$LOG_OFF" ;;
    metrics-off) args="$METRICS_OFF" ;;
    both-off) args="$LOG_OFF $METRICS_OFF" ;;
  esac
  out=$(GATEWAY_ARGS="$args" perf/wrk-compare.sh "$DURATION")
  echo "== $variant"; echo "$out"; echo
  results+=("$variant $(awk -F'|' '/\| gateway/ {gsub(/ /,""); print $3, $4, $5}' <<<"$out") $(awk '/ratio/ {print $NF}' <<<"$out")")
done

echo "| metrics, summary log | gateway req/s | p50 (ms) | p99 (ms) | gateway/baseline |"
echo "|---|---:|---:|---:|---:|"
for r in "${results[@]}"; do read -r name rps p50 p99 ratio <<<"$r"; echo "| $name | $rps | $p50 | $p99 | $ratio |"; done
