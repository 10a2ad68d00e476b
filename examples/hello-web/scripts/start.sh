#!/bin/sh
# Start in the background with all three descriptors redirected: a background process that keeps the
# hook's stdout open would make the agent wait for it until the hook's timeout.
. "$(dirname "$0")/common.sh"
cd "$APP_DIR" || exit 1
nohup node server.js > "$LOG_FILE" 2>&1 < /dev/null &
echo $! > "$PID_FILE"
echo "started hello-web (pid $(cat "$PID_FILE")) on port ${PORT:-8080}"
