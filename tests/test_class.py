"""A class on a JupyterHub: the deployment recipe and a small class load test.

* The hub recipe (deploy/jupyterhub/jupyterhub_config.py) in both modes: the idle culler as a
  service, per-student limits, students land on the course through nbgitpuller built from
  flowkit.chapters, a real authenticator and spawner for a class, the dummy ones only for trials.
* singleuser.sh seeds each student's own numba cache from the warmed copy.
* The Zero to JupyterHub config (deploy/kubernetes/config.yaml) against the chart's schema.
* A real JupyterHub with two students who run chapter 1 and drag its sliders
  (benchmarks/bench_class.py with N = 2): required in CI (.ci/run installs the proxy and sets
  FLOWKIT_REQUIRE_HUB=1); elsewhere it is skipped when configurable-http-proxy is missing.
"""

import asyncio
import concurrent.futures
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from flowkit import chapters

REPO = Path(__file__).resolve().parents[1]
HUB_DIR = REPO / "deploy" / "jupyterhub"
K8S_DIR = REPO / "deploy" / "kubernetes"


def load_hub_config(mode, monkeypatch, **env):
    """The recipe's traitlets Config, loaded the way JupyterHub loads it."""
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("FLOWKIT_HUB_MODE", mode)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    loader = PyFileConfigLoader("jupyterhub_config.py", path=str(HUB_DIR))
    return loader.load_config()


# --------------------------------------------------------------------------- the recipe
@pytest.mark.parametrize("mode", ["class", "trial"])
def test_recipe_limits_culler_and_course_link(mode, monkeypatch):
    pytest.importorskip("jupyterhub")
    c = load_hub_config(mode, monkeypatch)
    # per-student limits, as measured (a chapter kernel <= 300 MiB, a server ~150 MiB)
    assert c.Spawner.mem_limit == "1G" and c.Spawner.mem_guarantee == "512M"
    assert c.Spawner.cpu_limit == 1.0 and 0 < c.Spawner.cpu_guarantee <= c.Spawner.cpu_limit
    assert c.Spawner.start_timeout >= 120  # the start-of-lecture rush took 40-90 s for 20 servers
    # the idle culler runs as a hub service with just the scopes it needs
    (culler,) = [s for s in c.JupyterHub.services if s["name"] == "idle-culler"]
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert importlib.util.find_spec("jupyterhub_idle_culler") is not None
    (role,) = [r for r in c.JupyterHub.load_roles if r["name"] == "idle-culler"]
    assert set(role["scopes"]) == {"list:users", "read:users:activity", "read:servers", "delete:servers"}
    # each student's server starts through the cache-seeding script, with Nagle off on its websockets
    assert c.Spawner.cmd == ["/bin/sh", str(HUB_DIR / "singleuser.sh")]
    assert Path(c.Spawner.environment["JUPYTER_CONFIG_PATH"], "jupyter_server_config.py").is_file()
    if mode == "class":
        # the course opens through nbgitpuller, from the one student-repository setting
        url = urlsplit(c.Spawner.default_url)
        assert url.path == "/git-pull"
        query = parse_qs(url.query)
        assert query["repo"] == [f"https://github.com/{chapters.STUDENT_REPOSITORY}"]
        assert query["branch"] == [chapters.STUDENT_BRANCH]
        assert query["urlpath"][0].endswith("notebooks/00_start_here.ipynb")
        assert chapters.nbgitpuller_url().endswith(c.Spawner.default_url.split("/git-pull", 1)[1])
        # a real authenticator and a spawner that enforces the limits
        assert c.JupyterHub.authenticator_class == "native"
        assert c.NativeAuthenticator.open_signup is False
        assert c.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
        assert c.SystemdSpawner.dynamic_users is True
        assert importlib.util.find_spec("systemdspawner") is not None
        assert importlib.util.find_spec("nativeauthenticator") is not None
    else:
        assert c.JupyterHub.authenticator_class == "dummy"
        assert c.JupyterHub.spawner_class == "simple"
        assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:")  # a trial never listens outside


def test_recipe_refuses_an_unknown_mode(monkeypatch):
    pytest.importorskip("jupyterhub")
    with pytest.raises(ValueError, match="FLOWKIT_HUB_MODE must be 'class' or 'trial'; got 'lecture'"):
        load_hub_config("lecture", monkeypatch)


def test_server_config_switches_nagle_off(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    c = PyFileConfigLoader("jupyter_server_config.py", path=str(HUB_DIR / "server-config")).load_config()
    cls = c.ServerApp.kernel_websocket_connection_class
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    assert issubclass(cls, ZMQChannelsWebsocketConnection)
    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(value)

    conn = cls.__new__(cls)
    conn._trait_values["websocket_handler"] = Handler()  # a stand-in for the tornado handler
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", lambda self: "connected")
    assert conn.connect() == "connected" and calls == [True]


# --------------------------------------------------------------------------- numba cache seeding
def run_singleuser(tmp_path, home, warm, extra_env=None):
    """Run singleuser.sh with a stand-in jupyterhub-singleuser that reports what it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "jupyterhub-singleuser"
    fake.write_text('#!/bin/sh\necho "NUMBA_CACHE_DIR=$NUMBA_CACHE_DIR"\necho "ARGS=$*"\n')
    fake.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin",
        "HOME": str(home),
        "FLOWKIT_WARM_NUMBA_CACHE": str(warm),
        **(extra_env or {}),
    }
    out = subprocess.run(
        ["/bin/sh", str(HUB_DIR / "singleuser.sh"), "--port=1234"], env=env, capture_output=True, text=True, check=True
    )
    return dict(line.split("=", 1) for line in out.stdout.splitlines())


@pytest.mark.skipif(not shutil.which("cp") or sys.platform == "win32", reason="needs a POSIX shell")
def test_each_student_gets_an_own_seeded_numba_cache(tmp_path):
    warm = tmp_path / "warm" / "work" / "flowkit"
    warm.mkdir(parents=True)
    (warm / "diffusion._ftcs-40.py311.nbi").write_bytes(b"index")
    (warm / "diffusion._ftcs-40.py311.1.nbc").write_bytes(b"machine code")
    warm_root = tmp_path / "warm"
    homes = [tmp_path / "ada", tmp_path / "bob"]
    for home in homes:
        home.mkdir()
        seen = run_singleuser(tmp_path, home, warm_root)
        cache = home / ".cache" / "flowkit-numba"
        assert seen["NUMBA_CACHE_DIR"] == str(cache)
        assert seen["ARGS"] == "--port=1234"  # the spawner's arguments reach the server
        assert (cache / "work" / "flowkit" / "diffusion._ftcs-40.py311.1.nbc").read_bytes() == b"machine code"
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700  # nobody else can plant code in it
    # two students, two folders: nothing shared and writable
    assert (homes[0] / ".cache").resolve() != (homes[1] / ".cache").resolve()
    # a student's own newer compile is kept at the next start; a re-warmed (newer) copy replaces older files
    mine = homes[0] / ".cache" / "flowkit-numba" / "work" / "flowkit" / "diffusion._ftcs-40.py311.1.nbc"
    mine.write_bytes(b"compiled by ada")
    future = time.time() + 60
    os.utime(mine, (future, future))
    run_singleuser(tmp_path, homes[0], warm_root)
    assert mine.read_bytes() == b"compiled by ada"
    index = homes[0] / ".cache" / "flowkit-numba" / "work" / "flowkit" / "diffusion._ftcs-40.py311.nbi"
    os.utime(index, (time.time() - 3600, time.time() - 3600))
    (warm / "diffusion._ftcs-40.py311.nbi").write_bytes(b"re-warmed index")
    run_singleuser(tmp_path, homes[0], warm_root)
    assert index.read_bytes() == b"re-warmed index"


def test_a_missing_warm_cache_still_starts_the_server(tmp_path):
    home = tmp_path / "cy"
    home.mkdir()
    seen = run_singleuser(tmp_path, home, tmp_path / "no-such-folder")
    assert seen["NUMBA_CACHE_DIR"] == str(home / ".cache" / "flowkit-numba")


# --------------------------------------------------------------------------- the class load test
@pytest.fixture
def bench_class():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_class
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    try:
        bench_class.find_proxy()
    except FileNotFoundError as err:
        if os.environ.get("FLOWKIT_REQUIRE_HUB") == "1":
            raise
        pytest.skip(str(err))
    return bench_class


@pytest.mark.timeout(240)
def test_two_students_run_chapter_one_and_drag_its_sliders(bench_class, tmp_path):
    pytest.importorskip("jupyterhub")
    flux = chapters.by_app("flux_app")
    moves = 4
    # A thread of its own: earlier tests in the same session (Playwright's sync API) can leave an
    # event loop running in the main thread, where asyncio.run refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        report = pool.submit(
            asyncio.run, bench_class.run_class([2], [flux], moves, 200.0, tmp_path, log=print, warm_cache=False)
        ).result()
    assert not report["deadline_hit"]
    assert report["stopped_cleanly"] and report["killed_after_sigterm"] == []  # SIGTERM stopped everything
    assert "idle-culler" in report["services"]  # the recipe's culler ran as a hub service
    size = report["sizes"][2]
    assert size["failures"] == []
    r = size["chapters"]["flux_app"]
    assert r["failures"] == [] and r["dead_kernels"] == 0
    assert r["kernels_seen"] == 2
    # every move came back with a picture: the kernel rendered and sent a frame to the 'browser'
    for phase, count in (("crowd", 2 * moves), ("alone", moves), ("direct", moves)):
        assert r[phase]["moves"] == count, phase
        assert r[phase]["bytes_per_move"] > 1000, phase  # a PNG frame, not just widget echoes
    assert r["kernel_profile_ms"]["diff_and_png"] > 0  # the kernel encoded frames for the attached view
    # a chapter's kernel stays under the course's 300 MiB budget
    assert 30 < r["kernel_rss_mib"] <= 300
    assert r["server_rss_mib"] > 30
    # the report a lecturer reads has the row
    assert "| 2 | 01_flux |" in bench_class.table(report)
    print(json.dumps({k: r[k] for k in ("crowd", "alone", "direct", "kernel_rss_mib")}, indent=1))


# --------------------------------------------------------------------------- Zero to JupyterHub
def z2jh_config():
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((K8S_DIR / "config.yaml").read_text(encoding="utf-8"))


def helm_merge(defaults, values):
    """Helm's merge of user values over a chart's defaults: maps merge, anything else replaces, null deletes."""
    out = dict(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = helm_merge(out[key], value)
        else:
            out[key] = value
    return out


def z2jh_errors(values):
    """What helm would refuse: ``values`` merged over the chart's defaults, against the chart's schema."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((K8S_DIR / "z2jh-values.schema.json").read_text(encoding="utf-8"))
    defaults = json.loads((K8S_DIR / "z2jh-values.defaults.json").read_text(encoding="utf-8"))
    defaults.pop("$comment")
    assert list(jsonschema.Draft7Validator(schema).iter_errors(defaults)) == []  # the copies belong together
    validator = jsonschema.Draft7Validator(schema)
    merged = helm_merge(defaults, values)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(merged)]


def unknown_keys(values, node, path=""):
    """Keys of ``values`` that the schema ``node`` does not name, down to free-form sections."""
    import re

    out = []
    if not isinstance(values, dict) or "properties" not in node and "patternProperties" not in node:
        return out
    for key, value in values.items():
        where = f"{path}.{key}" if path else key
        sub = node.get("properties", {}).get(key)
        if sub is None:
            sub = next((s for p, s in node.get("patternProperties", {}).items() if re.search(p, key)), None)
        if sub is None:
            if node.get("additionalProperties", True) is False:
                out.append(where)
            continue
        out += unknown_keys(value, sub, where)
    return out


def test_z2jh_config_is_valid_for_the_chart():
    values = z2jh_config()
    assert z2jh_errors(values) == []
    schema = json.loads((K8S_DIR / "z2jh-values.schema.json").read_text(encoding="utf-8"))
    assert "tag 4.4.0" in schema["$comment"]  # the chart version config.yaml names
    assert "--version 4.4.0" in (K8S_DIR / "config.yaml").read_text(encoding="utf-8")
    assert unknown_keys(values, schema) == []


@pytest.mark.parametrize(
    "path, key",
    [
        (("singleuser", "memory"), "limt"),  # a misspelt key
        (("cull",), "timeout_seconds"),
        (("scheduling", "userPlaceholder"), "replica"),
        ((), "singleusers"),
    ],
)
def test_z2jh_check_catches_a_misspelt_key(path, key):
    values = z2jh_config()
    node = values
    for part in path:
        node = node[part]
    node[key] = 1
    assert z2jh_errors(values), f"{'.'.join(path + (key,))} was accepted"
    schema = json.loads((K8S_DIR / "z2jh-values.schema.json").read_text(encoding="utf-8"))
    assert unknown_keys(values, schema) == [".".join(path + (key,))]


def test_z2jh_config_matches_the_course_and_the_single_machine_recipe(monkeypatch):
    values = z2jh_config()
    user = values["singleuser"]
    # same nbgitpuller link as flowkit.chapters builds from the student-repository setting
    assert user["defaultUrl"] == "/git-pull?" + chapters.nbgitpuller_url().split("?", 1)[1]
    # same per-student sizes as the single-machine recipe
    pytest.importorskip("jupyterhub")
    c = load_hub_config("trial", monkeypatch)
    assert user["memory"] == {"limit": c.Spawner.mem_limit, "guarantee": c.Spawner.mem_guarantee}
    assert user["cpu"] == {"limit": c.Spawner.cpu_limit, "guarantee": c.Spawner.cpu_guarantee}
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    assert values["scheduling"]["userPlaceholder"]["enabled"] is True
    assert values["scheduling"]["userPlaceholder"]["replicas"] > 0
    # the image the Dockerfile builds has what cmd and the cache seeding need
    dockerfile = (K8S_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert user["cmd"] == ["/bin/sh", "/opt/flowkit/singleuser.sh"]
    assert "COPY deploy/jupyterhub/singleuser.sh /opt/flowkit/singleuser.sh" in dockerfile
    assert "COPY binder/requirements.txt" in dockerfile and "warm_cache.py" in dockerfile
    assert "FLOWKIT_WARM_NUMBA_CACHE=/opt/flowkit/numba-cache" in dockerfile
    # hub.config is JupyterHub's own configuration: the traits it sets exist
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator

    for cls, traits in (
        (JupyterHub, values["hub"]["config"]["JupyterHub"]),
        (Authenticator, values["hub"]["config"]["Authenticator"]),
    ):
        for name in traits:
            assert cls.class_traits(config=True).get(name) is not None, f"{cls.__name__}.{name}"
