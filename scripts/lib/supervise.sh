# Process supervision shared by scripts/demo.sh and scripts/up.sh (source it, do not run it).
#
# `spawn NAME CMD...` starts CMD in a session of its own (so a terminal's signals reach the
# supervisor, which stops things in order, rather than every process at once), logs to
# $LOG_DIR/NAME.log and records the pid in $RUN_DIR/NAME.pid. `supervise` waits; when any
# child exits, or on Ctrl-C (INT), TERM or a hang-up (HUP), it stops every child in reverse
# order of start: TERM to the child, then after $STOP_GRACE seconds KILL to its whole
# process group (pool processes, gunicorn workers), then runs the hooks in STOP_HOOKS.
# Only processes this script started are signalled: never a name pattern.

RUN_DIR="${RUN_DIR:-var/run}"
LOG_DIR="${LOG_DIR:-var/log}"
STOP_GRACE="${STOP_GRACE:-20}"
SPAWNED_PIDS=()
SPAWNED_NAMES=()
STOP_HOOKS=()
mkdir -p "${RUN_DIR}" "${LOG_DIR}"

spawn() {
  local name="$1"
  shift
  setsid "$@" >>"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  _record "${name}" $!
  echo "  started ${name} (pid ${SPAWNED_PIDS[-1]}, log ${LOG_DIR}/${name}.log)"
}

spawn_console() {  # like spawn, but the output stays on this terminal
  local name="$1"
  shift
  setsid "$@" </dev/null &
  _record "${name}" $!
}

_record() {
  local name="$1" pid="$2"
  SPAWNED_PIDS+=("${pid}")
  SPAWNED_NAMES+=("${name}")
  echo "${pid}" >"${RUN_DIR}/${name}.pid"
}

_alive() { kill -0 "$1" 2>/dev/null; }

stop_pid_group() {  # stop_pid_group PID NAME: TERM the leader, then KILL the group
  local pid="$1" name="$2" waited=0
  if _alive "${pid}"; then
    kill -TERM "${pid}" 2>/dev/null || true
    while _alive "${pid}" && [ "${waited}" -lt $((STOP_GRACE * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
  fi
  # Whatever is left of its session (a pool process, a gunicorn worker) goes too.
  kill -KILL -- "-${pid}" 2>/dev/null || true
  rm -f "${RUN_DIR}/${name}.pid"
  echo "  stopped ${name}"
}

stop_all() {
  trap - INT TERM HUP EXIT
  local i
  echo "Stopping..."
  for ((i = ${#SPAWNED_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid_group "${SPAWNED_PIDS[i]}" "${SPAWNED_NAMES[i]}"
  done
  for hook in "${STOP_HOOKS[@]}"; do
    "${hook}" || true
  done
  # Reap the children so none is left a zombie of this shell.
  wait 2>/dev/null || true
}

on_signal() {
  echo "Received $1."
  stop_all
  exit 130
}

install_traps() {
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  trap 'on_signal HUP' HUP
  trap 'stop_all' EXIT
}

supervise() {  # wait until a child exits (then stop the rest and fail) or a signal arrives
  local status=0
  wait -n || status=$?
  echo "A process exited (status ${status}); see ${LOG_DIR}/."
  stop_all
  exit "$(( status == 0 ? 1 : status ))"
}
