#!/bin/sh
# ApplicationStop runs the scripts of the revision installed last: stop the server it started.
. "$(dirname "$0")/common.sh"
if [ -f "$PID_FILE" ]; then
  kill "$(cat "$PID_FILE")" 2>/dev/null || true
  rm -f "$PID_FILE"
  echo "stopped hello-web"
else
  echo "hello-web was not running"
fi
