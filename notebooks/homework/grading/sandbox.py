"""Where and how a submission runs: grading environment, user, folder, time limits.

* **Grading environment.** A virtual environment built from the system Python (readable by
  every user, unlike a venv under ``/root``) with flowkit installed as a *wheel* of the
  grader's own flowkit (so ``flowkit.__file__`` points into the environment, not into the
  course) and the grader's versions of NumPy, SciPy, numba, matplotlib and ipykernel.
  Built once per flowkit version and cached (``PF_GRADING_ENV_ROOT``).
* **User.** Run as root, each worker runs its kernels under its own numeric uid that no
  account uses (``PF_GRADING_UIDS``, default 64990-64997), so a kernel can read only
  world-readable files, cannot write the course, and every process it leaves behind can be
  killed by uid. Otherwise the kernel runs as the grader's own user (said in the report).
* **Folder.** An empty temporary folder holding only the released assignment's data files;
  the kernel starts there with a clean environment (no variables of the lecturer's shell).
* **Time.** Each cell has ``cell_timeout`` seconds and the submission ``submission_timeout``.
  A cell over its limit gets the kernel killed (SIGKILL, which numba loops cannot ignore);
  a new kernel replays every other cell so far, and only that cell is lost.
"""

from __future__ import annotations

import ast
import asyncio
import fcntl
import hashlib
import importlib.metadata
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import kernel_code

HERE = Path(__file__).resolve().parent
LAUNCH = HERE / "launch_kernel.sh"
PINNED = ("numpy", "scipy", "numba", "matplotlib", "ipykernel")
DEFAULT_UIDS = tuple(range(64990, 64998))
_HELD_UIDS = []  # open lock files of the uids this run uses (released when the process ends)


def log(msg):
    print(f"[grading] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- environment


def _world_readable(path: Path) -> bool:
    path = Path(path).resolve()
    for p in [path, *path.parents]:
        mode = p.stat().st_mode
        if p != path and not mode & 0o001:
            return False
    return bool(path.stat().st_mode & 0o005)


def base_python() -> str | None:
    """A Python every user can run, to build the grading environment from."""
    candidates = [os.environ.get("PF_GRADING_BASE_PYTHON"), "/usr/bin/python3", "/usr/local/bin/python3"]
    candidates.append(getattr(sys, "_base_executable", None))
    for cand in candidates:
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK) and _world_readable(Path(cand)):
            return cand
    return None


def _flowkit_dir() -> Path:
    import flowkit

    return Path(flowkit.__file__).resolve().parent


def env_key() -> str:
    digest = hashlib.sha256()
    root = _flowkit_dir()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".nbi", ".nbc"):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    for name in PINNED:
        digest.update(f"{name}={_version(name)}".encode())
    digest.update((base_python() or "").encode())
    return digest.hexdigest()[:16]


def _version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def env_root() -> Path:
    if os.environ.get("PF_GRADING_ENV_ROOT"):
        return Path(os.environ["PF_GRADING_ENV_ROOT"])
    if os.geteuid() == 0:
        return Path("/var/tmp/particle-flow-grading")
    return Path.home() / ".cache" / "particle-flow-grading"


def _build_wheel(dest: Path) -> Path:
    """A wheel of the flowkit the grader imports (whatever way it was installed)."""
    import flowkit

    project = dest / "project"
    shutil.copytree(
        _flowkit_dir(), project / "flowkit", ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.nb[ic]")
    )
    (project / "pyproject.toml").write_text(
        "[build-system]\nrequires = ['setuptools>=68']\nbuild-backend = 'setuptools.build_meta'\n"
        f"[project]\nname = 'flowkit'\nversion = '{flowkit.__version__}'\n"
        "[tool.setuptools.packages.find]\ninclude = ['flowkit*']\n"
        "[tool.setuptools.package-data]\n'*' = ['*', '**/*']\n"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dest / "wheel"),
            str(project),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    (wheel,) = (dest / "wheel").glob("flowkit-*.whl")
    return wheel


def ensure_env(rebuild=False) -> Path | None:
    """The grading environment's python (built if needed), or None when it cannot be built."""
    base = base_python()
    if base is None:
        log("no world-readable system Python found: kernels run in the grader's own environment")
        return None
    root = env_root()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    env = root / f"env-{env_key()}"
    python = env / "bin" / "python"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (env / ".complete").is_file() and not rebuild:
            return python
        shutil.rmtree(env, ignore_errors=True)
        log(f"building the grading environment {env} from {base} (once per flowkit version; about a minute)")
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            try:
                wheel = _build_wheel(Path(tmp))
                subprocess.run([base, "-m", "venv", str(env)], check=True, stdin=subprocess.DEVNULL)
                pins = [f"{n}=={_version(n)}" if _version(n) else n for n in PINNED]
                pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-input"]
                if subprocess.run([*pip, *pins], stdin=subprocess.DEVNULL).returncode != 0:
                    subprocess.run([*pip, *PINNED], check=True, stdin=subprocess.DEVNULL)
                subprocess.run([*pip, "--no-deps", str(wheel)], check=True, stdin=subprocess.DEVNULL)
                # compile the standard library and packages now: the sandbox user cannot write here
                subprocess.run([str(python), "-m", "compileall", "-q", str(env)], stdin=subprocess.DEVNULL)
            except (subprocess.CalledProcessError, OSError) as exc:
                log(f"could not build the grading environment ({exc}): kernels run in the grader's own environment")
                shutil.rmtree(env, ignore_errors=True)
                return None
        subprocess.run(["chmod", "-R", "a+rX,go-w", str(env)], check=True)
        (env / ".complete").write_text(time.strftime("%Y-%m-%d %H:%M:%S"))
        log(f"grading environment ready in {time.perf_counter() - t0:.0f} s")
    return python


# --------------------------------------------------------------------------- users


def _uid_in_use(uid: int) -> bool:
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("Uid:"):
                    if str(uid) in line.split()[1:]:
                        return True
                    break
        except OSError:
            continue
    return False


def sandbox_uids(n: int, python: Path | None) -> list[int | None]:
    """``n`` unused uids for the workers' kernels, or ``[None] * n`` when that is impossible."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None or python is None:
        return [None] * n
    import pwd

    wanted = os.environ.get("PF_GRADING_UIDS")
    pool = [int(u) for u in wanted.split(",")] if wanted else list(DEFAULT_UIDS)
    chosen = []
    for uid in pool:
        try:
            pwd.getpwuid(uid)
            continue  # an account owns it
        except KeyError:
            pass
        # a lock held for the whole run: two grading runs on one machine never share a uid
        # (each kills every process of its uids when a submission is done)
        lock = open(env_root() / f".uid-{uid}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        if _uid_in_use(uid):
            lock.close()
            continue
        _HELD_UIDS.append(lock)
        chosen.append(uid)
        if len(chosen) == n:
            break
    if len(chosen) < n:
        return [None] * n
    probe = subprocess.run(
        [
            "setpriv",
            f"--reuid={chosen[0]}",
            f"--regid={chosen[0]}",
            "--clear-groups",
            str(python),
            "-c",
            "import flowkit.check, ipykernel",
        ],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        cwd="/",
    )
    if probe.returncode != 0:
        log(f"an unprivileged user cannot run the grading environment: {probe.stderr.decode()[-300:]}")
        return [None] * n
    return chosen


def kill_uid(uid: int):
    """SIGKILL every process of a sandbox uid (it belongs to no account: all of them are ours)."""
    for _ in range(5):
        found = False
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                lines = status.read_text().splitlines()
            except OSError:
                continue
            uids = next((ln.split()[1:] for ln in lines if ln.startswith("Uid:")), [])
            if str(uid) in uids:
                found = True
                try:
                    os.kill(int(status.parent.name), signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if not found:
            return
        time.sleep(0.1)


# --------------------------------------------------------------------------- one submission


class Sandbox:
    """A temporary folder and kernel spec for one submission."""

    def __init__(self, python, uid, data_dir: Path | None, memory_mb=6144):
        self.uid = uid
        self.parent = Path(tempfile.mkdtemp(prefix="pfgrade-"))
        os.chmod(self.parent, 0o711)
        self.work = Path(tempfile.mkdtemp(dir=self.parent))
        if data_dir is not None and data_dir.is_dir():
            for item in data_dir.iterdir():
                if item.suffix != ".ipynb" and item.name != ".ipynb_checkpoints":
                    (shutil.copytree if item.is_dir() else shutil.copy)(item, self.work / item.name)
        if uid is not None:
            for path in [self.work, *self.work.rglob("*")]:
                os.chown(path, uid, uid, follow_symlinks=False)
        os.chmod(self.work, 0o700)
        spec_dir = self.parent / "spec"
        (spec_dir / "kernels" / "pfgrade").mkdir(parents=True)
        os.chmod(spec_dir, 0o700)
        env = {
            "PFG_WORK": str(self.work),
            "PFG_PYTHON": str(python or sys.executable),
            "PFG_UID": "" if uid is None else str(uid),
            "PFG_MEMORY_KB": str(int(memory_mb) * 1024),
        }
        spec = {
            "argv": ["/bin/bash", str(LAUNCH), "{connection_file}"],
            "display_name": "Particle Flow grading sandbox",
            "language": "python",
            "env": env,
        }
        (spec_dir / "kernels" / "pfgrade" / "kernel.json").write_text(json.dumps(spec))
        self.spec_dir = spec_dir

    def kernel_manager(self):
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager

        ksm = KernelSpecManager(kernel_dirs=[str(self.spec_dir / "kernels")], ensure_native_kernel=False)
        return AsyncKernelManager(kernel_name="pfgrade", kernel_spec_manager=ksm, context=_bounded_context())

    def kill_leftovers(self, km=None):
        if self.uid is not None:
            kill_uid(self.uid)
        elif km is not None and getattr(km, "provisioner", None) is not None:
            pgid = getattr(km.provisioner, "pgid", None)
            if pgid:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def close(self):
        self.kill_leftovers()
        shutil.rmtree(self.parent, ignore_errors=True)
        if self.uid is not None:
            # what this kernel left in the shared temporary folders would reach the next student
            for shared in ("/tmp", "/var/tmp", "/dev/shm"):
                try:
                    entries = list(os.scandir(shared))
                except OSError:
                    continue
                for entry in entries:
                    try:
                        if entry.stat(follow_symlinks=False).st_uid != self.uid:
                            continue
                        if entry.is_dir(follow_symlinks=False):
                            shutil.rmtree(entry.path, ignore_errors=True)
                        else:
                            os.unlink(entry.path)
                    except OSError:
                        pass


def _bounded_context():
    """A ZeroMQ context whose sockets hold at most 8 messages of at most 32 MiB each, so a
    kernel that prints without end cannot fill the grader's memory (the kernel drops what does
    not fit; the cell then runs into its time limit)."""
    import zmq
    import zmq.asyncio

    ctx = zmq.asyncio.Context()
    ctx.setsockopt(zmq.RCVHWM, 8)
    ctx.setsockopt(zmq.MAXMSGSIZE, 32 * 2**20)
    return ctx


class KernelLost(Exception):
    """The kernel ran over its time or died; carries the reason."""


def _client_class():
    from nbclient import NotebookClient
    from nbformat.v4 import new_output

    class ErrorsOnlyClient(NotebookClient):
        """Keeps only whether a cell raised: the student's outputs never reach the feedback, and a
        cell printing without end must not fill the grader's memory."""

        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") == "error" and not outs:
                ename = str(msg.get("content", {}).get("ename", "Error"))[:100]
                outs.append(new_output("error", ename=ename, evalue="", traceback=[]))
            return None

        def handle_comm_msg(self, outs, msg, cell_index):
            return None

        def _update_display_id(self, display_id, msg):
            return None

    return ErrorsOnlyClient


async def _start(sandbox: Sandbox, nb, cell_timeout):
    client = _client_class()(
        nb,
        timeout=cell_timeout,
        allow_errors=True,
        kernel_name="pfgrade",
        shutdown_kernel="immediate",
        startup_timeout=120,
        record_timing=False,
        resources={"metadata": {"path": str(sandbox.work)}},
    )
    client.km = sandbox.kernel_manager()
    await client.async_start_new_kernel(cwd=str(sandbox.work))
    await client.async_start_new_kernel_client()
    return client


async def _stop(client, sandbox):
    try:
        await asyncio.wait_for(client._async_cleanup_kernel(), 15)
    except Exception:
        pass
    sandbox.kill_leftovers(client.km)


async def kernel_eval(client, code, expr=None, timeout=30.0):
    """Run grader code silently (not in the history); the value of ``expr`` as a string, or None."""
    msg_id = client.kc.execute(
        code, silent=True, store_history=False, user_expressions={"r": expr} if expr else {}, allow_stdin=False
    )
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            msg = await client.kc.get_shell_msg(timeout=remaining)
        except (queue.Empty, TimeoutError, asyncio.TimeoutError):
            return None
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            break
    content = msg.get("content", {})
    if content.get("status") != "ok" or not expr:
        return "" if content.get("status") == "ok" else None
    result = content.get("user_expressions", {}).get("r", {})
    if result.get("status") != "ok":
        return None
    try:
        value = ast.literal_eval(result.get("data", {}).get("text/plain", ""))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


async def execute(nb, tests, sandbox: Sandbox, cell_timeout=120.0, submission_timeout=900.0):
    """Run the rebuilt notebook; take out each test cell's answers just before it runs.

    ``tests`` maps the notebook index of each test cell to its :class:`~.assignment.TestCell`.
    Returns a dict with ``payloads`` (grade_id -> JSON text from the kernel), ``in_kernel``
    (grade_id -> whether the visible test passed in the kernel), ``lost`` (index -> reason),
    ``probe`` and ``problems``.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    start = time.monotonic()
    code_idx = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    payloads, in_kernel, lost, problems = {}, {}, {}, []
    done = []  # non-test cells that ran to the end, replayed after a restart
    probe = None
    pos = 0
    restarts = start_failures = 0
    retried = set()  # locked cells whose kernel died once (not the student's doing)
    while pos < len(code_idx):
        if time.monotonic() - start > submission_timeout:
            problems.append(
                f"the submission ran over its {submission_timeout:.0f} s limit; the cells after it were not run"
            )
            break
        client = None
        started = False
        try:
            client = await _start(sandbox, nb, cell_timeout)
            started = True
            installed = await kernel_eval(client, kernel_code.install_code(sandbox.work), timeout=120)
            if installed is None:
                raise KernelLost("the grader's set-up code failed in the kernel")
            replay = list(done)
            for i in replay:
                left = submission_timeout - (time.monotonic() - start)
                client.timeout = max(1.0, min(cell_timeout, left))
                try:
                    await client.async_execute_cell(nb.cells[i].copy(), i, store_history=True)
                except (CellTimeoutError, DeadKernelError, TimeoutError) as exc:
                    done.remove(i)
                    lost[i] = (
                        f"it ran over {cell_timeout:.0f} s or killed the kernel when replayed ({type(exc).__name__})"
                    )
                    raise KernelLost(lost[i]) from None
            while pos < len(code_idx):
                i = code_idx[pos]
                cell = nb.cells[i]
                left = submission_timeout - (time.monotonic() - start)
                if left <= 0:
                    break
                test = tests.get(i)
                if test is not None:
                    payloads[test.grade_id] = await kernel_eval(
                        client, "", f"_pfg_dump({test.answers!r})", timeout=min(60.0, max(left, 1.0))
                    )
                client.timeout = max(1.0, min(cell_timeout, left))
                try:
                    await client.async_execute_cell(cell, i, store_history=True)
                except (CellTimeoutError, TimeoutError):
                    lost[i] = f"ran over its {client.timeout:.0f} s limit (the kernel was killed and restarted)"
                    pos += 1
                    if test is not None:
                        in_kernel[test.grade_id] = False
                    raise KernelLost(lost[i]) from None
                except DeadKernelError:
                    meta = cell.get("metadata", {}).get("nbgrader", {})
                    if meta.get("locked") and not meta.get("grade") and i not in retried:
                        # the lecturer's own cell: the kernel died of something else; try once more
                        retried.add(i)
                        raise KernelLost("the kernel died in a locked cell") from None
                    lost[i] = "killed the kernel (it was restarted)"
                    pos += 1
                    if test is not None:
                        in_kernel[test.grade_id] = False
                    raise KernelLost(lost[i]) from None
                errored = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                if test is not None:
                    in_kernel[test.grade_id] = not errored
                else:
                    done.append(i)
                pos += 1
            text = await kernel_eval(client, "", "_pfg_probe()", timeout=30)
            probe = text
        except KernelLost:
            restarts += 1
        except Exception as exc:  # the kernel would not start, or nbclient failed on a cell
            restarts += 1
            if not started:
                start_failures += 1
                if start_failures >= 3:
                    problems.append(f"the kernel would not start ({type(exc).__name__}: {str(exc)[:200]})")
                    break
            elif pos < len(code_idx):
                lost[code_idx[pos]] = f"broke the kernel ({type(exc).__name__}; it was restarted)"
                pos += 1
        finally:
            if client is not None:
                await _stop(client, sandbox)
        if restarts > 20:
            problems.append("the kernel had to be restarted more than 20 times: the rest was not run")
            break
    return {
        "payloads": payloads,
        "in_kernel": in_kernel,
        "lost": lost,
        "probe": probe,
        "problems": problems,
        "restarts": restarts,
        "seconds": time.monotonic() - start,
    }
