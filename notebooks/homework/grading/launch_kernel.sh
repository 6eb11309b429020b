#!/bin/bash
# Starts one grading kernel (argv: the connection file jupyter_client wrote).
# Called by the kernel spec that grading/sandbox.py writes; settings come in PFG_* variables.
# The kernel gets a clean environment (nothing of the lecturer's shell), the submission's
# folder as home and working directory, resource limits, and, when PFG_UID is set, that
# unprivileged uid. `exec setpriv` keeps the kernel's pid, so killing it kills the kernel.
set -eu
conn="$PFG_WORK/.kernel.json"
cp "$1" "$conn"
cd "$PFG_WORK"
exec >"$PFG_WORK/.kernel-output.log" 2>&1   # its banner and raw writes to fd 1/2 stay out of the lecturer's terminal
ulimit -c 0                      # no core dumps
ulimit -f 262144                 # files up to 256 MiB
ulimit -v "$PFG_MEMORY_KB"       # address space
bindir=$(dirname "$PFG_PYTHON")
set -- env -i HOME="$PFG_WORK" USER=student LOGNAME=student PATH="$bindir:/usr/bin:/bin" LANG=C.UTF-8 \
    TMPDIR="$PFG_WORK" MPLBACKEND=Agg MPLCONFIGDIR="$PFG_WORK/.matplotlib" IPYTHONDIR="$PFG_WORK/.ipython" \
    NUMBA_CACHE_DIR="$PFG_WORK/.numba" JUPYTER_RUNTIME_DIR="$PFG_WORK/.jupyter" PYTHONNOUSERSITE=1 \
    PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
    "$PFG_PYTHON" -m ipykernel_launcher -f "$conn" --HistoryManager.enabled=False
if [ -n "$PFG_UID" ]; then
    chown "$PFG_UID:$PFG_UID" "$conn"
    ulimit -u 256                # processes of the sandbox uid (a fork bomb stops here)
    exec setpriv --reuid="$PFG_UID" --regid="$PFG_UID" --clear-groups --no-new-privs -- "$@"
fi
exec "$@"
