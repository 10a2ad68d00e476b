# Shared by the hook scripts. BATON_FILES_ROOT is empty on a real host and set by the development-only
# --files-root flag of the demo, which installs under a folder instead of the real /opt.
APP_DIR="${BATON_FILES_ROOT:-}/opt/hello-web"
PID_FILE="${BATON_FILES_ROOT:-}/opt/hello-web.pid"
LOG_FILE="${BATON_FILES_ROOT:-}/opt/hello-web.log"
