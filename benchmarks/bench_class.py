"""A whole class on one JupyterHub: N students open a chapter at once and drag its sliders.

Starts a real JupyterHub (the class recipe in ``deploy/jupyterhub/jupyterhub_config.py`` in its
"trial" mode: dummy authenticator, local-process spawner) behind configurable-http-proxy, on
loopback only and with everything under one temporary folder. For each class size N it

1. creates N students and starts their servers all at once (the start-of-lecture rush);
2. for each chapter with an app (:data:`flowkit.chapters.APP_CHAPTERS`), one chapter's kernels
   alive at a time: opens the chapter notebook in every student's server (a Jupyter session, as
   JupyterLab does), runs its code cells in order over the kernel websocket, and answers the
   widget traffic the way JupyterLab does -- every ipympl canvas is told a view is attached
   (``refresh``, ``send_image_mode``, ``initialized``), and every ``draw`` the kernel announces is
   answered with a ``draw`` request, so the kernel renders and sends each frame;
3. moves the chapter's sliders: a widget ``comm_msg`` update per step, the next step sent when the
   previous one has come back (as ipywidgets throttles a drag), first with every student dragging
   at once, then with one student alone (through the hub's proxy and, to price the proxy, straight
   to the student's server);
4. measures memory (RSS and USS, psutil) of every student's server and kernel, and shuts the
   chapter's kernels down.

A move's latency runs from sending the slider update until the kernel is idle again and every
frame it announced has arrived (what a browser waits for before it can paint). Bytes per move
count every websocket frame the student receives for that move.

Every process the benchmark starts runs in the hub's process group and is stopped at the end; a
global deadline (``--deadline``) ends the run early if needed. Needs ``jupyterhub`` and
``jupyterhub-idle-culler`` (``pip install -e ".[hub]"``) and ``configurable-http-proxy`` (npm) on
``PATH`` or named by ``$CONFIGURABLE_HTTP_PROXY``.

    python benchmarks/bench_class.py                       # N = 1, 5, 10, 20; every chapter
    python benchmarks/bench_class.py --students 2 --chapters flux_app --moves 6
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import datetime
import functools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from flowkit.chapters import APP_CHAPTERS, by_app  # noqa: E402

DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"
SLIDER_MODELS = {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel"}
CANVAS_MODEL = "MPLCanvasModel"
MiB = 2**20

# Targets of issue 21 on the course's 2-core machine (reported, pass or not).
TARGETS = {
    "ready_s": 60.0,  # 20 students: servers ready and chapter run
    "crowd_median_ms": 250.0,
    "crowd_p95_ms": 500.0,
    "alone_median_ms": 60.0,
    "kernel_rss_mib": 300.0,
}


class Deadline(Exception):
    """The benchmark's global deadline has passed."""


# --------------------------------------------------------------------------- the hub
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_proxy() -> str:
    """The configurable-http-proxy executable, or a clear error saying how to install it."""
    chp = os.environ.get("CONFIGURABLE_HTTP_PROXY") or shutil.which("configurable-http-proxy")
    if not chp:
        raise FileNotFoundError(
            "configurable-http-proxy not found: install it with `npm install -g configurable-http-proxy` "
            "or set $CONFIGURABLE_HTTP_PROXY to its path"
        )
    return chp


@dataclass
class Hub:
    """A JupyterHub started from the class recipe in trial mode, under ``root``."""

    root: Path
    warm_cache: Path | None = None
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(32))
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        """The recipe's config, then this run's ports, folders and an admin service token."""
        students = self.root / "students"
        students.mkdir(parents=True, exist_ok=True)
        config = self.root / "jupyterhub_config.py"
        config.write_text(
            f"""
import os
os.environ["FLOWKIT_HUB_MODE"] = "trial"
os.environ["FLOWKIT_COURSE_DIR"] = {str(REPO / "notebooks")!r}
os.environ["FLOWKIT_WARM_NUMBA_CACHE"] = {str(self.warm_cache or "")!r}
os.environ["FLOWKIT_STUDENTS_DIR"] = {str(students)!r}
os.environ["CONFIGURABLE_HTTP_PROXY"] = {find_proxy()!r}
exec(compile(open({str(DEPLOY_CONFIG)!r}).read(), {str(DEPLOY_CONFIG)!r}, "exec"), dict(globals(), __file__={str(DEPLOY_CONFIG)!r}))
c = get_config()
c.JupyterHub.bind_url = "http://127.0.0.1:{self.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{find_proxy()!r}]
c.JupyterHub.db_url = "sqlite:///" + {str(self.root / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(self.root / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(self.root / "jupyterhub.pid")!r}
c.JupyterHub.log_level = "WARN"
# the load test opens the course directly (no nbgitpuller clone from the internet)
c.Spawner.default_url = "/lab"
c.JupyterHub.services.append({{"name": "classload", "api_token": {self.token!r}}})
c.JupyterHub.load_roles.append({{
    "name": "classload",
    "scopes": ["admin:users", "admin:servers", "access:servers", "tokens", "list:users", "read:users", "list:services", "read:services"],
    "services": ["classload"],
}})
"""
        )
        return config

    def start(self):
        config = self.write_config()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPLBACKEND", "PYTEST"))}
        # the kernelspec runs `python`: this interpreter's bin first on PATH
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        self.log = open(self.root / "jupyterhub.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=self.root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: proxy, servers and kernels stop with it
        )

    async def wait_up(self, timeout: float):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.proc.returncode}; see {self.root}/jupyterhub.log")
            try:
                await self.api("GET", "/hub/api/")
                return
            except (OSError, HTTPClientError):
                await asyncio.sleep(0.3)
        raise TimeoutError(f"hub not up within {timeout} s; see {self.root}/jupyterhub.log")

    async def api(self, method: str, path: str, body=None, timeout: float = 60.0):
        request = HTTPRequest(
            self.url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            request_timeout=timeout,
        )
        response = await AsyncHTTPClient().fetch(request)
        return json.loads(response.body) if response.body else None

    def processes(self) -> list[psutil.Process]:
        """The hub and every process below it (proxy, servers, kernels, services)."""
        try:
            hub = psutil.Process(self.proc.pid)
            return [hub, *hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 60.0) -> list[int]:
        """SIGTERM the hub (it stops servers, services and proxy), then SIGKILL whatever is left.

        Returns the pids that had to be killed. Signalling the whole group at once would make the hub
        wait ~30 s for its services, which it cannot tell have already exited.
        """
        if self.proc is None:
            return []
        group = self.proc.pid
        left = [p for p in self.processes()]
        self.proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout)
        gone, alive = psutil.wait_procs(left, timeout=5)
        killed = []
        for p in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
                killed.append(p.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()
        return killed


def warm_numba_cache(folder: Path) -> float:
    """Run binder/warm_cache.py once with ``NUMBA_CACHE_DIR=folder`` (the install-time step)."""
    start = time.perf_counter()
    env = dict(os.environ, NUMBA_CACHE_DIR=str(folder), MPLBACKEND="Agg")
    subprocess.run(
        [sys.executable, str(REPO / "binder" / "warm_cache.py")], check=True, env=env, capture_output=True, timeout=900
    )
    return time.perf_counter() - start


# --------------------------------------------------------------------------- a student's kernel
def decode_frame(frame) -> dict:
    """A kernel-websocket frame (JSON text, or jupyter_server's binary framing) as a message dict."""
    if isinstance(frame, str):
        msg = json.loads(frame)
        msg.setdefault("buffers", [])
        return msg
    nbufs = struct.unpack("!I", frame[:4])[0]
    offsets = list(struct.unpack("!" + "I" * nbufs, frame[4 : 4 * (nbufs + 1)])) + [len(frame)]
    parts = [frame[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    msg = json.loads(parts[0].decode())
    msg["buffers"] = parts[1:]
    return msg


@dataclass
class Move:
    latency: float
    bytes_down: int
    frames: int
    update_idle: float  # until the kernel is idle after the slider update (compute + redraw of data)
    to_draw_event: float  # until the kernel's "draw" announcement arrived (nan: no frame asked)


class Student:
    """One student's browser tab on a chapter: a kernel websocket that behaves like JupyterLab."""

    def __init__(self, name: str, base: str, token: str):
        self.name, self.base, self.token = name, base, token
        self.session = uuid.uuid4().hex
        self.ws = None
        self.kernel_id = None
        self.models: dict[str, dict] = {}  # comm_id -> widget state
        self.canvases: dict[str, bool] = {}  # comm_id -> waiting for an image
        self.pending: dict[str, asyncio.Future] = {}  # msg_id -> future resolved when idle
        self.replies: dict[str, dict] = {}
        self.errors: list[str] = []
        self.bytes_down = 0
        self.frames = 0
        self.images = 0
        self.image_event = asyncio.Event()
        self.last_draw_event = 0.0
        self.reader = None
        self.reconnects = 0

    # ---------------------------------------------------------------- plumbing
    async def http(self, method, path, body=None, base=None, timeout=120.0):
        request = HTTPRequest(
            (base or self.base) + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            request_timeout=timeout,
        )
        response = await AsyncHTTPClient().fetch(request)
        return json.loads(response.body) if response.body else None

    async def open(self, notebook: str):
        """Open ``notebook`` as JupyterLab does: a session (its kernel starts in the notebook's folder)."""
        session = await self.http(
            "POST", "/api/sessions", {"path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
        )
        self.kernel_id = session["kernel"]["id"]
        self.session_id = session["id"]
        await self.connect()

    async def connect(self, base=None, tries=3):
        url = (base or self.base).replace("http://", "ws://") + (
            f"/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        )
        request = HTTPRequest(url, headers={"Authorization": f"token {self.token}"}, request_timeout=60)
        for attempt in range(tries):
            try:
                self.ws = await websocket_connect(request, max_message_size=64 * MiB)
                self.ws.stream.set_nodelay(True)  # as browsers do
                break
            except (OSError, HTTPClientError) as err:
                if attempt == tries - 1:
                    raise
                self.reconnects += 1
                self.errors.append(f"websocket connect retried: {err!r}")
                await asyncio.sleep(1.0)
        self.reader = asyncio.ensure_future(self._read())

    async def close(self):
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(BaseException):
                await self.reader
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def _send(self, msg_type, content, channel="shell", buffers=None) -> str:
        msg_id = uuid.uuid4().hex
        msg = {
            "header": {
                "msg_id": msg_id,
                "msg_type": msg_type,
                "username": self.name,
                "session": self.session,
                "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
        self.pending[msg_id] = asyncio.get_running_loop().create_future()
        self.ws.write_message(json.dumps(msg))
        return msg_id

    def comm(self, comm_id, data) -> str:
        return self._send("comm_msg", {"comm_id": comm_id, "data": data})

    async def _read(self):
        try:
            while True:
                frame = await self.ws.read_message()
                if frame is None:
                    self.errors.append("websocket closed by the server")
                    for fut in self.pending.values():
                        if not fut.done():
                            fut.set_exception(ConnectionError("websocket closed"))
                    return
                self.bytes_down += len(frame)
                self.frames += 1
                self._handle(decode_frame(frame))
        except asyncio.CancelledError:
            raise

    def _handle(self, msg):
        kind = msg["header"]["msg_type"]
        parent = msg.get("parent_header", {}).get("msg_id")
        content = msg["content"]
        if kind == "status" and content.get("execution_state") == "idle" and parent in self.pending:
            fut = self.pending.pop(parent)
            if not fut.done():
                fut.set_result(msg)
        elif kind == "execute_reply":
            self.replies[parent] = content
        elif kind == "error":
            self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        elif kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content["data"]["state"]
            self.models[content["comm_id"]] = state
            if state.get("_model_name") == CANVAS_MODEL:
                # JupyterLab's canvas model sends these as soon as it exists
                self.canvases[content["comm_id"]] = False
                for kind_ in ("refresh", "send_image_mode", "initialized"):
                    self.comm(content["comm_id"], {"method": "custom", "content": {"type": kind_}})
        elif kind == "comm_msg":
            comm_id, data = content["comm_id"], content["data"]
            method = data.get("method")
            if method in ("update", "echo_update") and comm_id in self.models:
                self.models[comm_id].update(data.get("state", {}))
            elif method == "custom" and comm_id in self.canvases:
                event = json.loads(data["content"]["data"]).get("type")
                if event == "draw":
                    self.last_draw_event = time.perf_counter()
                if event == "draw" and not self.canvases[comm_id]:
                    self.canvases[comm_id] = True  # mpl.js: waiting_for_image
                    self.comm(comm_id, {"method": "custom", "content": {"type": "draw"}})
                elif event == "binary":
                    self.canvases[comm_id] = False
                    self.images += 1
                    self.image_event.set()

    async def idle(self, msg_id, timeout):
        fut = self.pending.get(msg_id)
        if fut is None:
            return
        await asyncio.wait_for(fut, timeout)

    async def frames_settled(self, timeout):
        """Wait until no canvas is waiting for an image and no request of ours is still busy."""
        end = time.monotonic() + timeout
        while any(self.canvases.values()) or self.pending:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("frames did not arrive")
            self.image_event.clear()
            waits = [asyncio.ensure_future(self.image_event.wait())]
            waits += [asyncio.ensure_future(asyncio.shield(f)) for f in self.pending.values()]
            done, rest = await asyncio.wait(waits, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            for w in rest:
                w.cancel()

    # ---------------------------------------------------------------- what a student does
    async def execute(self, code, timeout, silent=False, expressions=None) -> dict:
        """Run ``code`` as a frontend does and return the execute reply."""
        msg_id = self._send(
            "execute_request",
            {
                "code": code,
                "silent": silent,
                "store_history": not silent,
                "user_expressions": expressions or {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        await self.idle(msg_id, timeout)
        # the reply comes on the shell channel, the idle status on iopub: either may be first
        end = time.monotonic() + timeout
        while msg_id not in self.replies and time.monotonic() < end:
            await asyncio.sleep(0.01)
        return self.replies.get(msg_id, {})

    async def run_cells(self, cells, timeout):
        for source in cells:
            reply = await self.execute(source, timeout)
            if reply.get("status") != "ok":
                raise RuntimeError(f"{self.name}: cell failed ({reply.get('ename')}: {reply.get('evalue')})")
        await self.frames_settled(timeout)

    def sliders(self) -> list[tuple[str, dict]]:
        """The sliders a student can see and move (an app hides the controls of its other views)."""

        def visible(state):
            layout = self.models.get(str(state.get("layout", "")).removeprefix("IPY_MODEL_"), {})
            return layout.get("display") != "none" and layout.get("visibility") != "hidden"

        return [
            (cid, s)
            for cid, s in self.models.items()
            if s.get("_model_name") in SLIDER_MODELS and not s.get("disabled") and visible(s)
        ]

    async def move(self, comm_id, value, timeout) -> Move:
        before_bytes, before_frames = self.bytes_down, self.frames
        start = time.perf_counter()
        self.last_draw_event = 0.0
        msg_id = self.comm(comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []})
        await self.idle(msg_id, timeout)
        update_idle = time.perf_counter() - start
        await self.frames_settled(timeout)
        latency = time.perf_counter() - start
        self.models[comm_id]["value"] = value
        drew = self.last_draw_event - start if self.last_draw_event else float("nan")
        return Move(latency, self.bytes_down - before_bytes, self.frames - before_frames, update_idle, drew)

    async def evaluate(self, code: str, expression: str, timeout: float):
        """Run ``code`` silently and return ``expression``'s repr (user_expressions, as a frontend does)."""
        reply = await self.execute(code, timeout, silent=True, expressions={"x": expression})
        value = reply.get("user_expressions", {}).get("x", {})
        if value.get("status") != "ok":
            raise RuntimeError(f"{self.name}: evaluating {expression!r} failed: {value}")
        return value["data"]["text/plain"]


def drag_plan(sliders, moves: int) -> list[tuple[str, float]]:
    """``moves`` slider steps as a student drags: each slider a few steps right, then back.

    Values are the slider's own steps (a log slider's value is base**exponent).
    """
    if not sliders:
        return []
    plan = []
    per = max(2, moves // len(sliders))
    for comm_id, s in sliders:
        lo, hi, step = float(s["min"]), float(s["max"]), float(s["step"])
        log = s["_model_name"] == "FloatLogSliderModel"
        base = float(s.get("base", 10.0))
        x = float(s["value"])
        x = math.log(x, base) if log else x
        direction = 1.0 if x + (per // 2) * step <= hi else -1.0
        path = []
        for k in range(per):
            half = per // 2
            x = x + direction * step if k < half else x - direction * step
            x = min(max(x, lo), hi)
            path.append(x)
        for x in path:
            value = base**x if log else x
            if s["_model_name"] == "IntSliderModel":
                value = int(round(value))
            plan.append((comm_id, value))
    return plan[:moves] if len(plan) >= moves else (plan * (moves // len(plan) + 1))[:moves]


# Timers put around the kernel's parts of a move, for the student dragging alone: the app's
# update (physics + artists + readout + either the "draw" announcement or a blit of the moving
# artists, which sends the frame at once), the whole ipympl draw on request (render + diff + PNG
# + send), and within a draw or blit the diff and PNG encoding and the send.
PROFILE_CODE = """
import time as _fk_t, json as _fk_json
from flowkit.apps._base import SliderApp as _fk_S
from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore as _fk_W
import ipympl.backend_nbagg as _fk_nb
_fk_prof = {}
def _fk_wrap(cls, name, key):
    orig = getattr(cls, name)
    def timed(*a, **k):
        t = _fk_t.perf_counter()
        try:
            return orig(*a, **k)
        finally:
            _fk_prof.setdefault(key, []).append(_fk_t.perf_counter() - t)
    setattr(cls, name, timed)
_fk_wrap(_fk_S, "_refresh", "app_update")
_fk_wrap(_fk_nb.Canvas, "draw", "draw_on_request")
_fk_wrap(_fk_nb.Canvas, "blit", "blit")
_fk_wrap(_fk_W, "get_diff_image", "diff_and_png")
_fk_wrap(_fk_nb.Canvas, "send_binary", "send_image")
def _fk_summary():
    import statistics
    out = {k: (statistics.median(v) * 1e3, len(v)) for k, v in _fk_prof.items()}
    _fk_prof.clear()
    return _fk_json.dumps(out)
"""


def notebook_cells(chapter) -> list[str]:
    nb = json.loads((REPO / chapter.path).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


# --------------------------------------------------------------------------- measurements
def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def memory(proc: psutil.Process) -> tuple[float, float]:
    info = proc.memory_full_info()
    return info.rss / MiB, info.uss / MiB


def classify(hub: Hub) -> dict[str, dict[str, list[psutil.Process]]]:
    """{student: {"server": [proc], "kernels": [procs]}} from the hub's process tree."""
    out = {}
    for p in hub.processes():
        try:
            if "jupyterhub-singleuser" not in " ".join(p.cmdline()) and "singleuser" not in p.name():
                continue
            user = p.environ().get("JUPYTERHUB_USER")
            if not user:
                continue
            kernels = [k for k in p.children(recursive=True) if "ipykernel" in " ".join(k.cmdline())]
            out[user] = {"server": [p], "kernels": kernels}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return out


def server_port(proc: psutil.Process) -> int | None:
    for conn in proc.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.ip in ("127.0.0.1", "0.0.0.0", "::", "::1"):
            return conn.laddr.port
    return None


def role(proc: psutil.Process) -> str:
    """Which part of the hub a process is: kernel, server, proxy or hub (hub and its services)."""
    try:
        cmd = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "hub"
    if "ipykernel" in cmd:
        return "kernel"
    if "singleuser" in cmd:
        return "server"
    if "configurable-http-proxy" in cmd or proc.name() == "node":
        return "proxy"
    return "hub"


def cpu_seconds(procs) -> dict[str, float]:
    """CPU seconds (user + system) used so far, summed per role."""
    total = {"kernel": 0.0, "server": 0.0, "proxy": 0.0, "hub": 0.0}
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            t = p.cpu_times()
            total[role(p)] += t.user + t.system
    return total


def reraise_cancel(results):
    """gather(return_exceptions=True) hands a cancellation (Ctrl-C) back as a result: raise it."""
    for r in results:
        if isinstance(r, (asyncio.CancelledError, KeyboardInterrupt)):
            raise r
    return results


# --------------------------------------------------------------------------- one class size
async def run_size(hub: Hub, n: int, chapters, moves: int, deadline: float, log, result: dict) -> dict:
    """One class size; fills ``result`` as it goes, so a deadline keeps the chapters already measured."""
    names = [f"student{i:02d}" for i in range(1, n + 1)]
    existing = {u["name"] for u in await hub.api("GET", "/hub/api/users")}
    new = [u for u in names if u not in existing]
    if new:
        await hub.api("POST", "/hub/api/users", {"usernames": new})
    result.update({"students": n, "failures": [], "chapters": {}, "servers_ready_s": float("nan")})

    # ---- the rush: every server at once
    t0 = time.perf_counter()
    await asyncio.gather(*(hub.api("POST", f"/hub/api/users/{u}/server", {}) for u in names))
    pending = set(names)
    while pending:
        if time.monotonic() > deadline:
            raise Deadline
        for u in list(pending):
            info = await hub.api("GET", f"/hub/api/users/{u}")
            server = info.get("servers", {}).get("")
            if server and server.get("ready"):
                pending.discard(u)
            elif not server or server.get("stopped"):
                pending.discard(u)
                result["failures"].append(f"{u}: server failed to start")
        await asyncio.sleep(0.25)
    result["servers_ready_s"] = time.perf_counter() - t0
    log(f"N={n}: {n} servers ready in {result['servers_ready_s']:.1f} s")

    for chapter in chapters:
        if time.monotonic() > deadline:
            raise Deadline
        result["chapters"][chapter.app] = await run_chapter(hub, names, chapter, moves, deadline, log)

    # ---- stop every server; wait until they are gone
    await asyncio.gather(*(hub.api("DELETE", f"/hub/api/users/{u}/server") for u in names), return_exceptions=True)
    for _ in range(240):
        infos = await asyncio.gather(*(hub.api("GET", f"/hub/api/users/{u}") for u in names))
        if not any(i.get("servers") for i in infos):
            break
        await asyncio.sleep(0.25)
    return result


async def run_chapter(hub: Hub, names, chapter, moves, deadline, log) -> dict:
    timeout = max(5.0, min(300.0, deadline - time.monotonic()))
    students = [Student(u, f"{hub.url}/user/{u}", hub.token) for u in names]
    cells = notebook_cells(chapter)
    out = {"failures": [], "dead_kernels": 0}
    notebook = f"{chapter.notebook}.ipynb"

    async def open_and_run(s: Student):
        await s.open(notebook)
        await s.run_cells(cells, timeout)

    t0 = time.perf_counter()
    ran = reraise_cancel(await asyncio.gather(*(open_and_run(s) for s in students), return_exceptions=True))
    out["run_s"] = time.perf_counter() - t0
    alive = []
    for s, r in zip(students, ran):
        if isinstance(r, BaseException):
            out["failures"].append(f"{s.name}: {type(r).__name__}: {r}"[:300])
        else:
            alive.append(s)
    log(f"  {chapter.app}: {len(alive)}/{len(students)} ran the chapter in {out['run_s']:.1f} s")

    # numba code compiled by a student's kernel (not loaded from the seeded cache) is written to
    # that student's own cache folder after the chapter started: count those files
    wall0 = time.time() - out["run_s"]
    compiled = [
        f for f in (hub.root / "students").glob("*/.cache/flowkit-numba/**/*.nbc") if f.stat().st_mtime >= wall0
    ]
    out["numba_files_compiled"] = len(compiled)

    procs = classify(hub)
    everyone = hub.processes()  # hub, proxy, culler, servers, kernels: all CPU a move costs

    # ---- everyone drags at once
    crowd: list[Move] = []
    cpu0, w0 = cpu_seconds(everyone), time.perf_counter()

    async def drag(s: Student):
        for comm_id, value in drag_plan(s.sliders(), moves):
            if time.monotonic() > deadline:
                raise Deadline
            crowd.append(await s.move(comm_id, value, timeout))

    dragged = reraise_cancel(await asyncio.gather(*(drag(s) for s in alive), return_exceptions=True))
    wall = time.perf_counter() - w0
    cpu1 = cpu_seconds(everyone)
    cpu_crowd = {k: cpu1[k] - cpu0[k] for k in cpu1}
    for s, r in zip(alive, dragged):
        if isinstance(r, Deadline):
            raise r
        if isinstance(r, BaseException):
            out["failures"].append(f"{s.name} while dragging: {type(r).__name__}: {r}"[:300])

    # ---- one student alone, through the proxy and then straight to the server
    solo: list[Move] = []
    direct: list[Move] = []
    if alive:
        s = alive[0]
        await s.evaluate(PROFILE_CODE, "1", timeout)
        for comm_id, value in drag_plan(s.sliders(), moves):
            solo.append(await s.move(comm_id, value, timeout))
        summary = await s.evaluate("", "_fk_summary()", timeout)
        parts = json.loads(ast.literal_eval(summary))
        out["kernel_profile_ms"] = {k: v[0] for k, v in parts.items()}
        out["kernel_profile_calls"] = {k: v[1] for k, v in parts.items()}  # e.g. full draws out of the moves
        port = server_port(procs[s.name]["server"][0]) if s.name in procs else None
        if port:
            await s.close()
            await s.connect(base=f"http://127.0.0.1:{port}/user/{s.name}")
            for comm_id, value in drag_plan(s.sliders(), moves):
                direct.append(await s.move(comm_id, value, timeout))

    # ---- memory, then dead kernels
    kernel_mem = [memory(k) for d in procs.values() for k in d["kernels"] if k.is_running()]
    server_mem = [memory(p) for d in procs.values() for p in d["server"] if p.is_running()]
    kernels = await asyncio.gather(*(s.http("GET", "/api/kernels") for s in students), return_exceptions=True)
    for s, ks in zip(students, kernels):
        if isinstance(ks, BaseException) or not any(k["id"] == s.kernel_id for k in ks):
            out["dead_kernels"] += 1
        elif any(k["id"] == s.kernel_id and k["execution_state"] == "dead" for k in ks):
            out["dead_kernels"] += 1
    for s in students:
        out["failures"].extend(e for e in s.errors if "retried" not in e)
        out.setdefault("reconnects", 0)
        out["reconnects"] += s.reconnects
    await asyncio.gather(*(s.close() for s in students))
    await asyncio.gather(
        *(s.http("DELETE", f"/api/sessions/{s.session_id}") for s in students if s.kernel_id), return_exceptions=True
    )

    def stats(ms: list[Move]):
        lat = [m.latency * 1e3 for m in ms]
        return {
            "moves": len(ms),
            "median_ms": statistics.median(lat) if lat else float("nan"),
            "p95_ms": pct(lat, 0.95),
            "update_idle_median_ms": statistics.median(m.update_idle * 1e3 for m in ms) if ms else float("nan"),
            "draw_event_median_ms": statistics.median(m.to_draw_event * 1e3 for m in ms) if ms else float("nan"),
            "bytes_per_move": statistics.median(m.bytes_down for m in ms) if ms else float("nan"),
            "frames_per_move": statistics.median(m.frames for m in ms) if ms else float("nan"),
        }

    out["crowd"] = stats(crowd)
    out["crowd"]["cpu_s_per_move"] = sum(cpu_crowd.values()) / max(len(crowd), 1)
    out["crowd"]["cpu_ms_per_move_by_role"] = {k: v * 1e3 / max(len(crowd), 1) for k, v in cpu_crowd.items()}
    out["crowd"]["wall_s"] = wall
    out["alone"] = stats(solo)
    out["direct"] = stats(direct)
    out["kernel_rss_mib"] = max((r for r, _ in kernel_mem), default=float("nan"))
    out["kernel_uss_mib"] = max((u for _, u in kernel_mem), default=float("nan"))
    out["kernel_rss_mean_mib"] = statistics.fmean(r for r, _ in kernel_mem) if kernel_mem else float("nan")
    out["kernel_uss_mean_mib"] = statistics.fmean(u for _, u in kernel_mem) if kernel_mem else float("nan")
    out["server_rss_mib"] = statistics.fmean(r for r, _ in server_mem) if server_mem else float("nan")
    out["server_uss_mib"] = statistics.fmean(u for _, u in server_mem) if server_mem else float("nan")
    out["kernels_seen"] = len(kernel_mem)
    c, a = out["crowd"], out["alone"]
    prof = ", ".join(f"{k} {v:.1f}" for k, v in out.get("kernel_profile_ms", {}).items())
    split = ", ".join(f"{k} {v:.1f}" for k, v in c["cpu_ms_per_move_by_role"].items())
    log(f"  {chapter.app}: crowd CPU ms per move by process: {split}")
    log(f"  {chapter.app}: alone: update idle {a['update_idle_median_ms']:.0f} ms, kernel parts (median ms): {prof}")
    log(
        f"  {chapter.app}: crowd median {c['median_ms']:.0f} ms p95 {c['p95_ms']:.0f} ms; alone {a['median_ms']:.0f} ms "
        f"(direct {out['direct']['median_ms']:.0f} ms); {c['bytes_per_move'] / 1e3:.1f} kB/move; "
        f"kernel {out['kernel_rss_mib']:.0f} MiB RSS; failures {len(out['failures'])}, dead {out['dead_kernels']}"
    )
    return out


# --------------------------------------------------------------------------- driver
async def run_class(sizes, chapters, moves, deadline_s, root: Path, log=None, warm_cache=True) -> dict:
    """Run the whole benchmark under ``root``; always stops the hub. Returns the results dict."""
    deadline = time.monotonic() + deadline_s
    log = log or functools.partial(print, flush=True)
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()},
        "sizes": {},
        "stopped_cleanly": None,
        "deadline_hit": False,
    }
    cache = None
    if warm_cache and any(c.uses_numba for c in chapters):
        cache = root / "numba-warm"
        report["warm_cache_s"] = warm_numba_cache(cache)
        log(f"numba cache warmed once in {report['warm_cache_s']:.1f} s")
    hub = Hub(root, warm_cache=cache)
    t_up = time.perf_counter()
    hub.start()
    try:
        await hub.wait_up(min(120.0, deadline_s))
        report["hub_up_s"] = time.perf_counter() - t_up
        services = await hub.api("GET", "/hub/api/services")
        report["services"] = sorted(services)
        for n in sizes:
            report["sizes"][n] = {}
            await run_size(hub, n, chapters, moves, deadline, log, report["sizes"][n])
    except Deadline:
        report["deadline_hit"] = True
        log("global deadline reached: stopping")
    finally:
        report["machine"]["load_at_end"] = os.getloadavg()
        pids = [p.pid for p in hub.processes()]
        t_stop = time.perf_counter()
        killed = hub.stop()
        report["stop_s"] = time.perf_counter() - t_stop
        report["killed_after_sigterm"] = killed
        report["stopped_cleanly"] = not any(psutil.pid_exists(p) and _alive(p) for p in pids)
    return report


def _alive(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def table(report) -> str:
    """Markdown table: one row per (N, chapter)."""
    lines = [
        "| N | chapter | servers ready s | chapter run s | crowd median / p95 ms | alone ms (direct) | "
        "kB per move | kernel RSS / USS MiB | server RSS / USS MiB | CPU ms per move | failures | dead |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, size in report["sizes"].items():
        for app, r in size["chapters"].items():
            c, a, d = r["crowd"], r["alone"], r["direct"]
            lines.append(
                f"| {n} | {by_app(app).notebook} | {size['servers_ready_s']:.1f} | {r['run_s']:.1f} | "
                f"{c['median_ms']:.0f} / {c['p95_ms']:.0f} | {a['median_ms']:.0f} ({d['median_ms']:.0f}) | "
                f"{c['bytes_per_move'] / 1e3:.1f} | {r['kernel_rss_mib']:.0f} / {r['kernel_uss_mib']:.0f} | "
                f"{r['server_rss_mib']:.0f} / {r['server_uss_mib']:.0f} | {c['cpu_s_per_move'] * 1e3:.0f} | "
                f"{len(r['failures']) + len(size['failures'])} | {r['dead_kernels']} |"
            )
    return "\n".join(lines)


def verdict(report) -> list[str]:
    """The issue's targets, each as measured (pass or not)."""
    out = []
    for n, size in report["sizes"].items():
        for app, r in size["chapters"].items():
            c, a = r["crowd"], r["alone"]
            checks = {
                "crowd median": (c["median_ms"], TARGETS["crowd_median_ms"]),
                "crowd p95": (c["p95_ms"], TARGETS["crowd_p95_ms"]),
                "alone median": (a["median_ms"], TARGETS["alone_median_ms"]),
                "kernel RSS": (r["kernel_rss_mib"], TARGETS["kernel_rss_mib"]),
            }
            if int(n) >= 20:
                checks["ready+run"] = (size["servers_ready_s"] + r["run_s"], TARGETS["ready_s"])
            misses = [f"{k} {v:.0f} > {t:.0f}" for k, (v, t) in checks.items() if not v <= t]
            fails = len(r["failures"]) + len(size["failures"]) + r["dead_kernels"]
            if fails:
                misses.append(f"{fails} failures/dead kernels")
            out.append(f"N={n} {app}: " + ("all targets met" if not misses else "; ".join(misses)))
    return out


# A Kubernetes node for the capacity note: 8 vCPU, 32 GiB (a common general-purpose cloud size),
# of which the kubelet, system pods and the image cache keep back ~0.5 vCPU and ~2.5 GiB.
NODE = {"vcpu": 8, "gib": 32, "usable_vcpu": 7.5, "usable_gib": 29.5}


def capacity(report, classes=(50, 200, 1000), target_s=0.25, dragging=(1.0, 0.25)) -> str:
    """Nodes needed per class size, from the measured memory and CPU per student (markdown, arithmetic shown).

    CPU: every dragging student sends the next step when the previous frame is back, so with
    ``d`` students dragging, each move costing ``c`` CPU-seconds (kernel, server, proxy, hub) and
    a move taking ``t`` seconds, the demand is ``d * c / t`` cores; a median of ``target_s`` needs
    ``cores >= d * c / target_s``. Memory: what the scheduler reserves is the guarantee (512 MiB),
    checked against the measured RSS of a server plus the largest chapter kernel.
    """
    n_max = max(report["sizes"], key=int)
    size = report["sizes"][n_max]
    chapters = size["chapters"]
    worst_app = max(chapters, key=lambda a: chapters[a]["crowd"]["cpu_s_per_move"])
    c = chapters[worst_app]["crowd"]["cpu_s_per_move"]
    mean_c = statistics.fmean(ch["crowd"]["cpu_s_per_move"] for ch in chapters.values())
    server = statistics.fmean(ch["server_rss_mib"] for ch in chapters.values())
    kernel = max(ch["kernel_rss_mean_mib"] for ch in chapters.values())
    guarantee_mib = 512
    per_node_mem = int(NODE["usable_gib"] * 1024 // guarantee_mib)
    lines = [
        f"Measured with N = {n_max} students dragging at once ({report['date']}):",
        f"- CPU per slider move (all processes of the hub): mean over chapters {mean_c * 1e3:.0f} ms, "
        f"costliest chapter {by_app(worst_app).notebook} c = {c * 1e3:.0f} ms.",
        f"- Memory per student: server {server:.0f} MiB + largest chapter kernel {kernel:.0f} MiB (RSS) "
        f"= {server + kernel:.0f} MiB, under the {guarantee_mib} MiB guarantee.",
        "",
        f"Node: {NODE['vcpu']} vCPU / {NODE['gib']} GiB, usable {NODE['usable_vcpu']} vCPU / {NODE['usable_gib']} GiB.",
        f"- by memory: {NODE['usable_gib']} GiB / {guarantee_mib} MiB = {per_node_mem} students per node;",
    ]
    for frac in dragging:
        per_node_cpu = NODE["usable_vcpu"] * target_s / (frac * c)
        lines.append(
            f"- by CPU with {frac:.0%} of the class dragging at once, median move <= {target_s * 1e3:.0f} ms: "
            f"{NODE['usable_vcpu']} x {target_s} s / ({frac} x {c:.3f} s) = {per_node_cpu:.1f} students per node;"
        )
    lines += ["", "| students | " + " | ".join(f"nodes, {f:.0%} dragging" for f in dragging) + " |"]
    lines.append("|---|" + "---|" * len(dragging))
    for n in classes:
        cells = []
        for frac in dragging:
            per_node = min(per_node_mem, NODE["usable_vcpu"] * target_s / (frac * c))
            cells.append(f"ceil({n} / {per_node:.1f}) = {math.ceil(n / per_node)}")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("(plus one small node for the hub, proxy and user scheduler)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", default="1,5,10,20", help="comma-separated class sizes")
    parser.add_argument("--chapters", default="all", help="comma-separated app names (walk_app,...) or 'all'")
    parser.add_argument("--moves", type=int, default=20, help="slider steps per student per phase")
    parser.add_argument("--deadline", type=float, default=2700.0, help="global deadline in seconds")
    parser.add_argument("--json", type=Path, help="write the full results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.students.split(",")]
    if any(n < 1 or n > 60 for n in sizes):
        raise ValueError(f"students must be between 1 and 60 each; got {args.students!r}")
    chapters = APP_CHAPTERS if args.chapters == "all" else [by_app(a) for a in args.chapters.split(",")]
    root = Path(tempfile.mkdtemp(prefix="flowkit-class-"))
    try:
        report = asyncio.run(run_class(sizes, chapters, args.moves, args.deadline, root))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root}")
    print()
    print(
        f"Class load test, {report['date']}, {report['machine']['cpus']} CPUs, "
        f"load {report['machine']['load_at_start'][0]:.1f} at start, {report['machine']['load_at_end'][0]:.1f} at end"
    )
    print(table(report))
    print()
    print("\n".join(verdict(report)))
    print(
        f"hub up in {report.get('hub_up_s', float('nan')):.1f} s, stopped in {report['stop_s']:.1f} s; "
        f"every process stopped: {report['stopped_cleanly']}; deadline hit: {report['deadline_hit']}"
    )
    if report["sizes"] and all(size["chapters"] for size in report["sizes"].values()):
        print()
        print(capacity(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    return report


if __name__ == "__main__":
    main()
