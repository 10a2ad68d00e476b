#!/bin/sh
# Installs the Baton agent on this host from the coordinator that serves this script, then enrolls the host and
# starts the agent as a systemd service. No npm, no registry access: everything comes from the coordinator.
#
#   curl -fsSL http://coordinator:7070/install/agent.sh | sudo sh -s -- --enroll-token TOKEN [--name N] [--tags k=v,...]
#
# Two forms of the agent (docs/operations.md):
#   package     the agent package, run by the host's Node.js 20+ (the default where one is on the PATH); upgraded
#               from the coordinator (`baton hosts upgrade`)
#   executable  the single-file agent (Linux x64), which needs no Node.js: the default where Node.js 20+ is missing,
#               if the coordinator serves it (`npm run build:agent-executable` there); upgraded by running this again
# Every argument goes to `baton-agent install` (see docs/cli.md). Settings by environment:
#   BATON_COORDINATOR    the coordinator's URL (default: the one that served this script)
#   BATON_AGENT_PREFIX   where the agent is kept (default /opt/baton-agent)
#   BATON_AGENT_FORM     package or executable, instead of choosing by the Node.js on the PATH
#   BATON_CA_FILE        PEM file of the authority (or self-signed certificate) of an https coordinator: used for
#                        the download and passed on as `baton-agent install --ca-file`
# Layout: package: $PREFIX/versions/<version>/ (one per version), $PREFIX/current and $PREFIX/previous (symlinks), so
# an upgrade keeps the version it replaced to fall back to; executable: the file $PREFIX/baton-agent. Re-running is
# safe: the host keeps its identity.
set -eu

COORDINATOR="${BATON_COORDINATOR:-__BATON_COORDINATOR_URL__}"
PREFIX="${BATON_AGENT_PREFIX:-/opt/baton-agent}"
CA_FILE="${BATON_CA_FILE:-}"
FORM="${BATON_AGENT_FORM:-}"
MIN_NODE_MAJOR=20

fail() {
  echo "install-agent: $*" >&2
  exit 1
}

# Why the host's Node.js cannot run the agent package; nothing when it can.
node_problem() {
  if ! command -v node >/dev/null 2>&1; then
    echo "Node.js $MIN_NODE_MAJOR or later is required and 'node' is not on the PATH"
  elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt "$MIN_NODE_MAJOR" ]; then
    echo "Node.js $MIN_NODE_MAJOR or later is required; $(command -v node) is $(node --version)"
  fi
}

download() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL ${CA_FILE:+--cacert "$CA_FILE"} "$1" -o "$2"
  elif command -v wget >/dev/null 2>&1; then
    wget -q ${CA_FILE:+--ca-certificate="$CA_FILE"} -O "$2" "$1"
  else
    fail "neither curl nor wget is installed"
  fi
}

NODE_PROBLEM=$(node_problem)
case "$FORM" in
  '')
    if [ -n "$NODE_PROBLEM" ]; then
      echo "install-agent: $NODE_PROBLEM, so the single-file agent is installed (no Node.js needed)"
      FORM=executable
    else
      FORM=package
    fi
    ;;
  package)
    [ -z "$NODE_PROBLEM" ] || fail "$NODE_PROBLEM. Install it first, e.g. from https://nodejs.org/en/download or your distribution's packages (Debian/Ubuntu: https://github.com/nodesource/distributions), then run this again; or set BATON_AGENT_FORM=executable for the single-file agent."
    ;;
  executable) ;;
  *) fail "BATON_AGENT_FORM is '$FORM'; expected package or executable" ;;
esac

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "$CA_FILE" ]; then
  set -- --ca-file "$CA_FILE" "$@"
fi

if [ "$FORM" = executable ]; then
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "the single-file agent is built for Linux x86_64; this host is $(uname -s) $(uname -m): install Node.js $MIN_NODE_MAJOR+ instead"
  echo "install-agent: downloading the single-file agent from $COORDINATOR"
  download "$COORDINATOR/install/baton-agent-linux-x64" "$WORK/baton-agent" ||
    fail "cannot download $COORDINATOR/install/baton-agent-linux-x64 (a coordinator serves it once \`npm run build:agent-executable\` was run there); or install Node.js $MIN_NODE_MAJOR+ on this host and run this again"
  chmod 755 "$WORK/baton-agent"
  VERSION=$("$WORK/baton-agent" --version) || fail "the downloaded agent does not run on this host"
  mkdir -p "$PREFIX"
  # Beside its final name, then renamed over it: a running agent keeps its file, and a half copy is never run.
  cp "$WORK/baton-agent" "$PREFIX/baton-agent.new"
  mv -f "$PREFIX/baton-agent.new" "$PREFIX/baton-agent"
  echo "install-agent: baton-agent $VERSION (single file) at $PREFIX/baton-agent"
  exec "$PREFIX/baton-agent" install --coordinator "$COORDINATOR" "$@"
fi

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

exec node "$PREFIX/current/packages/agent/bin/baton-agent.js" install --coordinator "$COORDINATOR" "$@"
