#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own throwaway PostgreSQL (initdb + pg_ctl in a temporary
# folder, on a free loopback port); this script only makes sure the server binaries are installed.
set -euo pipefail
cd "$(dirname "$0")"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test.sh: installing PostgreSQL server binaries (Debian package postgresql)..." >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

exec dotnet test "$@"
