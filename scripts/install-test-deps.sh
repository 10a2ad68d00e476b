#!/usr/bin/env bash
# Installs the Debian packages that Baton's tests need. Idempotent: does nothing when all are present.
# Shared by .ci/run and the vitest global setup, so `npm test` on a fresh machine sets itself up.
set -euo pipefail

# command → Debian package providing it
declare -A needed=(
  [setfacl]=acl
  [getfacl]=acl
  [unshare]=util-linux
  [mount]=mount
  [umount]=mount
  [ip]=iproute2
  [systemd-analyze]=systemd
  [haproxy]=haproxy
  [git]=git
  [zip]=zip
  [prometheus]=prometheus
  [chromium]=chromium
)

missing=()
for cmd in "${!needed[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
# `nobody` is the unprivileged user the runas tests switch to.
getent passwd nobody >/dev/null || missing+=(passwd)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing packages ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
mapfile -t unique < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-test-deps: installing ${unique[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${unique[@]}" >/dev/null
