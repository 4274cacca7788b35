#!/usr/bin/env bash
# Build a local stand-in for the python:3.11-slim base image on a machine that cannot pull
# images: Debian bookworm (its python3 is 3.11) made with debootstrap and loaded with
# `docker import`. Prints the image tag; then build with
#   docker build --build-arg BASE_IMAGE="$(deploy/local-base.sh)" .
#
# The image is reused while it exists; the root file system is kept as a tar file in
# $KROKODIL_CACHE_DIR (default /var/cache/krokodil), so a new Docker engine on the same
# machine imports it again in seconds instead of running debootstrap (about a minute).
# Needs root, debootstrap and a Debian mirror (KROKODIL_DEBIAN_MIRROR).
set -euo pipefail

TAG="${KROKODIL_BASE_TAG:-krokodil-base:bookworm}"
CACHE_DIR="${KROKODIL_CACHE_DIR:-/var/cache/krokodil}"
MIRROR="${KROKODIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# What the official slim image has that the bot needs: Python with venv, CA certificates,
# time zones and /etc/services. Change the list and the version below together.
PACKAGES="python3,python3-venv,ca-certificates,tzdata,netbase"
TARBALL="$CACHE_DIR/debian-bookworm-python3-v1.tar"

if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "$TAG"
  exit 0
fi

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.local-base.lock"
flock 9

if [ ! -s "$TARBALL" ]; then
  command -v debootstrap >/dev/null || { echo "local-base: debootstrap is not installed" >&2; exit 1; }
  rootfs="$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  echo "local-base: debootstrap bookworm into $rootfs (about a minute)" >&2
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$rootfs" "$MIRROR" >&2
  # Slim like the official image: no package caches, documentation or translations.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
    "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
  tar -C "$rootfs" --numeric-owner -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
fi

echo "local-base: importing $TARBALL as $TAG" >&2
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' \
  "$TARBALL" "$TAG" >/dev/null
echo "$TAG"
