#!/bin/sh
# Installs the Baton agent on this host from the coordinator that serves this script, then enrolls the host and
# starts the agent as a systemd service. Hosts need Node.js 20+ and nothing else: no npm, no registry access.
#
#   curl -fsSL http://coordinator:7070/install/agent.sh | sudo sh -s -- --enroll-token TOKEN [--name N] [--tags k=v,...]
#
# Every argument goes to `baton-agent install` (see docs/cli.md). Settings by environment:
#   BATON_COORDINATOR    the coordinator's URL (default: the one that served this script)
#   BATON_AGENT_PREFIX   where agent versions are kept (default /opt/baton-agent)
#   BATON_CA_FILE        PEM file of the authority (or self-signed certificate) of an https coordinator: used for
#                        the download and passed on as `baton-agent install --ca-file`
# Layout: $PREFIX/versions/<version>/ (one per version), $PREFIX/current and $PREFIX/previous (symlinks), so an
# upgrade keeps the version it replaced to fall back to. Re-running is safe: the host keeps its identity.
set -eu

COORDINATOR="${BATON_COORDINATOR:-__BATON_COORDINATOR_URL__}"
PREFIX="${BATON_AGENT_PREFIX:-/opt/baton-agent}"
CA_FILE="${BATON_CA_FILE:-}"
MIN_NODE_MAJOR=20

fail() {
  echo "install-agent: $*" >&2
  exit 1
}

if ! command -v node >/dev/null 2>&1; then
  fail "Node.js $MIN_NODE_MAJOR or later is required and 'node' is not on the PATH. Install it first, e.g. from https://nodejs.org/en/download or your distribution's packages (Debian/Ubuntu: https://github.com/nodesource/distributions), then run this again."
fi
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
if [ "$NODE_MAJOR" -lt "$MIN_NODE_MAJOR" ]; then
  fail "Node.js $MIN_NODE_MAJOR or later is required; $(command -v node) is $(node --version). Upgrade it, then run this again."
fi

download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL ${CA_FILE:+--cacert "$CA_FILE"} "$1" -o "$2"
  elif command -v wget >/dev/null 2>&1; then
    wget -q ${CA_FILE:+--ca-certificate="$CA_FILE"} -O "$2" "$1"
  else
    fail "neither curl nor wget is installed"
  fi
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "install-agent: downloading the agent from $COORDINATOR"
download "$COORDINATOR/install/agent.tgz" "$WORK/agent.tgz" || fail "cannot download $COORDINATOR/install/agent.tgz"
mkdir -p "$WORK/unpacked"
tar -xzf "$WORK/agent.tgz" -C "$WORK/unpacked"
VERSION=$(node -p 'require(process.argv[1]).version' "$WORK/unpacked/packages/agent/package.json")

mkdir -p "$PREFIX/versions"
if [ ! -d "$PREFIX/versions/$VERSION" ]; then
  mv "$WORK/unpacked" "$PREFIX/versions/$VERSION"
fi
CURRENT=$(readlink "$PREFIX/current" 2>/dev/null || true)
if [ -n "$CURRENT" ] && [ "$CURRENT" != "versions/$VERSION" ]; then
  ln -sfn "$CURRENT" "$PREFIX/previous"
fi
ln -sfn "versions/$VERSION" "$PREFIX/current"
ln -sfn "$PREFIX/current/packages/agent/bin/baton-agent.js" "$PREFIX/baton-agent"
echo "install-agent: baton-agent $VERSION in $PREFIX/versions/$VERSION"

if [ -n "$CA_FILE" ]; then
  set -- --ca-file "$CA_FILE" "$@"
fi
exec node "$PREFIX/current/packages/agent/bin/baton-agent.js" install --coordinator "$COORDINATOR" "$@"
