#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own throwaway PostgreSQL (initdb + pg_ctl in a temporary
# folder), Redis (redis-server) and Prometheus on free loopback ports, and check the alert rules with promtool;
# this script only makes sure those binaries are installed.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (Debian packages)..." >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec dotnet test "$@"
