#!/usr/bin/env bash
# Install, start and stop the Particle Flow class hub on one Linux machine (see deploy/README.md).
#
#   sudo deploy/jupyterhub/hub.sh install   # once (and after each course update): software + warmed numba cache
#   sudo deploy/jupyterhub/hub.sh start     # the hub for the class, in the background, port 8000
#   sudo deploy/jupyterhub/hub.sh status
#   sudo deploy/jupyterhub/hub.sh stop      # stops the hub and every student's server
#   deploy/jupyterhub/hub.sh trial          # try it on this computer: http://127.0.0.1:8000, Ctrl-C stops
#
# Settings (environment variables):
#   FLOWKIT_PREFIX    where the software goes            (default /opt/flowkit)
#   FLOWKIT_STATE     the hub's database, secret and log  (default /var/lib/flowkit-hub)
#   FLOWKIT_LECTURER  the lecturer's (admin) user name    (default lecturer)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PREFIX="${FLOWKIT_PREFIX:-/opt/flowkit}"
STATE="${FLOWKIT_STATE:-/var/lib/flowkit-hub}"
PIDFILE="$STATE/jupyterhub.pid"
LOG="$STATE/jupyterhub.log"

die() { echo "hub.sh: $*" >&2; exit 1; }

hub_pid() {
    [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"
}

install() {
    [ "$(id -u)" = 0 ] || die "install needs root (sudo): it writes to $PREFIX"
    command -v npm >/dev/null || die "npm not found: install Node.js (e.g. apt-get install npm)"
    echo "installing the course and JupyterHub into $PREFIX/venv"
    python3 -m venv "$PREFIX/venv"
    "$PREFIX/venv/bin/pip" install --quiet --upgrade pip
    "$PREFIX/venv/bin/pip" install --quiet "$REPO[hub]"
    echo "installing configurable-http-proxy into $PREFIX/proxy"
    npm install --silent --no-audit --no-fund --prefix "$PREFIX/proxy" configurable-http-proxy@5 >/dev/null
    echo "compiling every numba kernel once into $PREFIX/numba-cache"
    rm -rf "$PREFIX/numba-cache.new"
    NUMBA_CACHE_DIR="$PREFIX/numba-cache.new" MPLBACKEND=Agg "$PREFIX/venv/bin/python" "$REPO/binder/warm_cache.py"
    rm -rf "$PREFIX/numba-cache" && mv "$PREFIX/numba-cache.new" "$PREFIX/numba-cache"
    mkdir -p "$PREFIX/hub"
    cp -R "$REPO/deploy/jupyterhub/jupyterhub_config.py" "$REPO/deploy/jupyterhub/singleuser.sh" \
        "$REPO/deploy/jupyterhub/server-config" "$PREFIX/hub/"
    # students read all of it and write none of it (their numba cache is a copy in their home)
    chmod -R a+rX,go-w "$PREFIX"
    mkdir -p "$STATE" && chmod 700 "$STATE"
    echo "installed; start the hub with: sudo $0 start"
}

start() {
    [ "$(id -u)" = 0 ] || die "start needs root (sudo): each student's server runs as its own system user"
    [ -x "$PREFIX/venv/bin/jupyterhub" ] || die "not installed yet: run sudo $0 install"
    if pid=$(hub_pid); then die "already running (pid $pid)"; fi
    mkdir -p "$STATE"
    cd "$STATE"
    FLOWKIT_HUB_MODE=class \
        FLOWKIT_WARM_NUMBA_CACHE="$PREFIX/numba-cache" \
        CONFIGURABLE_HTTP_PROXY="$PREFIX/proxy/node_modules/.bin/configurable-http-proxy" \
        PATH="$PREFIX/venv/bin:$PATH" \
        setsid "$PREFIX/venv/bin/jupyterhub" -f "$PREFIX/hub/jupyterhub_config.py" >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    wait_up "$LOG"
    echo "hub running (pid $(cat "$PIDFILE")): http://$(hostname -f 2>/dev/null || hostname):8000  log: $LOG"
}

wait_up() {
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null "http://127.0.0.1:8000/hub/api/" 2>/dev/null; then return 0; fi
        hub_pid >/dev/null || { tail -20 "$1" >&2; die "the hub stopped while starting; see $1"; }
        sleep 0.5
    done
    die "the hub did not answer within 60 s; see $1"
}

stop() {
    local pid
    if ! pid=$(hub_pid); then echo "not running"; rm -f "$PIDFILE"; return 0; fi
    # SIGTERM to the hub alone: it stops every student's server, the idle culler and the proxy
    # itself (signalling them all at once would leave it waiting ~30 s for processes already gone).
    kill -TERM "$pid"
    for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then echo "the hub did not stop within 60 s: killing it" >&2; fi
    # anything left in the hub's process group (nothing, normally)
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    echo "stopped"
}

status() {
    if pid=$(hub_pid); then
        echo "running (pid $pid)"
        curl -fsS "http://127.0.0.1:8000/hub/api/" && echo
    else
        echo "not running"
        return 3
    fi
}

trial() {
    # Everything as you, on 127.0.0.1 only, no limits; the course from this checkout.
    local python
    python="$(command -v "${PYTHON:-python3}")" || die "${PYTHON:-python3} not found"
    python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"  # absolute: we cd below
    "$python" -c "import jupyterhub, flowkit" 2>/dev/null ||
        die "$python lacks JupyterHub or flowkit: pip install -e '$REPO[hub]' first (or set PYTHON)"
    local state="${FLOWKIT_STATE:-${TMPDIR:-/tmp}/flowkit-hub-trial}"
    mkdir -p "$state/students"
    cd "$state"
    echo "trial hub on ${FLOWKIT_HUB_BIND_URL:-http://127.0.0.1:8000} (any name, any password; '${FLOWKIT_LECTURER:-lecturer}' is admin). Ctrl-C stops it."
    PATH="$(dirname "$python"):$PATH" \
        FLOWKIT_HUB_MODE=trial \
        FLOWKIT_COURSE_DIR="$REPO/notebooks" \
        FLOWKIT_STUDENTS_DIR="$state/students" \
        FLOWKIT_WARM_NUMBA_CACHE="${FLOWKIT_WARM_NUMBA_CACHE:-}" \
        exec "$python" -m jupyterhub -f "$REPO/deploy/jupyterhub/jupyterhub_config.py"
}

case "${1:-}" in
    install | start | stop | status | trial) "$1" ;;
    *) echo "usage: $0 install|start|stop|status|trial" >&2; exit 2 ;;
esac
