#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own throwaway PostgreSQL (initdb + pg_ctl in a temporary
# folder), Redis (redis-server), Prometheus and a Docker engine on free loopback ports and temporary folders, and check
# the alert rules with promtool, and drive Chromium through the console and portal; this script only makes sure those
# binaries are installed.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# The deployment tests: a Docker engine of their own (images built from debootstrap-made bases), HAProxy in front of
# three replicas; kubectl, yamllint and npm (the Kubernetes schemas) for k8s/.
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The browser tests (tests/Gateway.Tests/Browser): Debian's Chromium, driven by Playwright's driver from its NuGet package.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# kubectl is not a Debian package: it comes from the Kubernetes (or Google Cloud) apt repository where one is set up.
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (Debian packages)..." >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# No test project references the benchmarks, so `dotnet test` would not build them: built here so they cannot rot.
dotnet build perf/Gateway.Benchmarks -nologo -v q
exec dotnet test "$@"
