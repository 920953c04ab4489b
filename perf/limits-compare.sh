#!/usr/bin/env bash
# The cost of limits that are enabled but not triggered: the same wrk comparison three times in one session,
# with limits off, with local limits (one node), and with limits shared through Redis (a redis-server started
# here on loopback). The demo population grant (50,000/s) and service cap (100,000/s, 10,000 in flight) are far
# above what this machine reaches, so every call passes through the limits without being refused.
# Usage: perf/limits-compare.sh [duration-seconds=20]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
REDIS_PORT=6391

command -v redis-server >/dev/null || { (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null; }
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null || true' EXIT

perf/compare-variants.sh "$DURATION" "limits" "off=--Limits:Enabled=false" "local=" "redis=--Limits:Redis=127.0.0.1:$REDIS_PORT"
