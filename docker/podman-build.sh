#!/usr/bin/env bash
# Builds the image without a Docker engine or a registry: Debian's podman, and a
# debian:bookworm-slim stand-in made by debootstrap from the Debian mirror. Used to check
# docker/Dockerfile on the project's machine (no Docker, no registry access); run as root from
# anywhere. `--isolation chroot`: on that VM crun fails ("cgroups in hybrid mode not supported").
#   docker/podman-build.sh [TAG]     (default devoguard:test)
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-devoguard:test}
need=()
for p in podman debootstrap; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
if ! podman image exists docker.io/library/debian:bookworm-slim; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  printf '%s\n' 'deb http://deb.debian.org/debian bookworm main' \
    'deb http://deb.debian.org/debian bookworm-updates main' \
    'deb http://deb.debian.org/debian-security bookworm-security main' \
    > "$rootfs/etc/apt/sources.list"
  tar -C "$rootfs" -c . | podman import - docker.io/library/debian:bookworm-slim
fi
podman build --isolation chroot --network host --pull=never -f docker/Dockerfile -t "$tag" .
