#!/bin/sh
# Starts one student's Jupyter server (JupyterHub's Spawner.cmd), as that student.
#
# numba keeps compiled kernels in NUMBA_CACHE_DIR, and uses a folder only if it can write
# into it: a read-only shared cache is silently ignored (each student would compile for
# seconds), and a folder every student can write would let one student plant machine code
# that the others load. So each student gets a cache of their own, seeded from the copy
# that was warmed once at install (FLOWKIT_WARM_NUMBA_CACHE, read-only for students).
# `cp -u` copies only files newer than the student's own, so a re-warmed cache after an
# update reaches everyone while nothing a student compiled later is lost.
set -eu
: "${NUMBA_CACHE_DIR:=$HOME/.cache/flowkit-numba}"
export NUMBA_CACHE_DIR
if [ -n "${FLOWKIT_WARM_NUMBA_CACHE:-}" ] && [ -d "$FLOWKIT_WARM_NUMBA_CACHE" ]; then
    mkdir -p "$NUMBA_CACHE_DIR"
    chmod 700 "$NUMBA_CACHE_DIR"
    cp -R -u "$FLOWKIT_WARM_NUMBA_CACHE"/. "$NUMBA_CACHE_DIR"/
fi
exec jupyterhub-singleuser "$@"
