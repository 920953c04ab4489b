#!/usr/bin/env bash
# Builds the images ndxp/gateway:TAG and ndxp/demo-providers:TAG from the Dockerfile on a machine that cannot reach a
# container registry: the base images are made here, from Debian's packages (debootstrap, as root) and this machine's
# .NET SDK, once per Docker engine.
#   k8s/build-image.sh [TAG]        (default 0.1.0, the tag k8s/base names; honours DOCKER_HOST)
# With a registry in reach, build the usual way instead: docker build --target gateway -t ndxp/gateway:TAG .
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-0.1.0}
runtime_base=ndxp/base-runtime-deps:bookworm
sdk_base=ndxp/base-sdk:bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

docker info >/dev/null 2>&1 || {
  echo "build-image.sh: no Docker engine; as root: dockerd --bridge=none --iptables=false &" >&2
  exit 2
}

if ! docker image inspect "$runtime_base" "$sdk_base" >/dev/null 2>&1; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  # What the official runtime-deps image holds: C libraries, OpenSSL, CA certificates, time zones (no ICU: the
  # gateway runs with invariant globalization).
  debootstrap --variant=minbase --include=ca-certificates,libssl3,tzdata bookworm "$rootfs" "$mirror" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$runtime_base" >/dev/null
  # The SDK image: the same system, this machine's .NET SDK, and the certificate authorities this machine added to
  # its own trust store (a proxy in front of NuGet), which only the build stage uses: the runtime image has none.
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  mkdir -p "$rootfs/usr/share/dotnet"
  cp -a "$dotnet_root/." "$rootfs/usr/share/dotnet/"
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV DOTNET_ROOT=/usr/share/dotnet' \
    --change 'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' \
    --change "ENV NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online}" \
    - "$sdk_base" >/dev/null
  echo "made $runtime_base and $sdk_base"
fi

# Chart.js for the console comes from npm on this machine (no Node image here): the Dockerfile's web stage finds it.
[ -f src/Gateway/Web/node_modules/chart.js/dist/chart.umd.min.js ] || (cd src/Gateway/Web && npm ci --no-audit --no-fund --loglevel=error)
# The classic builder (this engine has no BuildKit); host network so the restore reaches NuGet.
for target in demo-providers gateway; do
  DOCKER_BUILDKIT=0 docker build --quiet --network host \
    --build-arg SDK_IMAGE="$sdk_base" --build-arg RUNTIME_IMAGE="$runtime_base" --build-arg NODE_IMAGE="$runtime_base" \
    --target "$target" -t "ndxp/$target:$tag" . >/dev/null
  echo "built ndxp/$target:$tag"
done
