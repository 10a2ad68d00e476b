#!/bin/sh
# ValidateService: the deployment only succeeds on this host once the server answers its health check.
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  if node -e "fetch('http://127.0.0.1:${PORT:-8080}/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    echo "hello-web is healthy on port ${PORT:-8080}"
    exit 0
  fi
  sleep 0.25
done
echo "hello-web did not answer its health check on port ${PORT:-8080}" >&2
exit 1
