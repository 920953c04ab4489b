#!/usr/bin/env bash
# Runs perf/wrk-compare.sh once per gateway variant, in a random order (these machines drift during a run, and a
# fixed order would turn the drift into a bias), and prints one table row per variant.
# Usage: perf/compare-variants.sh DURATION "column title" name=gateway-args [name=gateway-args ...]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=$1 TITLE=$2
shift 2
declare -A variants
for pair in "$@"; do variants[${pair%%=*}]=${pair#*=}; done

results=()
for name in $(printf '%s\n' "${!variants[@]}" | shuf); do
  out=$(GATEWAY_ARGS="${variants[$name]}" perf/wrk-compare.sh "$DURATION")
  echo "== $name"; echo "$out"; echo
  results+=("$name $(awk -F'|' '/\| gateway/ {gsub(/ /,""); print $3, $4, $5}' <<<"$out") $(awk '/ratio/ {print $NF}' <<<"$out")")
done

echo "| $TITLE | gateway req/s | p50 (ms) | p99 (ms) | gateway/baseline |"
echo "|---|---:|---:|---:|---:|"
for r in "${results[@]}"; do read -r name rps p50 p99 ratio <<<"$r"; echo "| $name | $rps | $p50 | $p99 | $ratio |"; done
