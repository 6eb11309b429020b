# JupyterHub configuration for a class taking the Particle Flow course on one machine.
#
# Two modes, chosen by the environment variable FLOWKIT_HUB_MODE (deploy/jupyterhub/hub.sh sets it):
#
# "class" (the default), for real students:
#   - NativeAuthenticator: students sign up with a username and password on the hub's own page,
#     and the lecturer approves each sign-up at /hub/authorize (no university IT needed). To use
#     the university's login instead, see "Signing in with the university's account" in
#     deploy/README.md (OAuthenticator's GenericOAuthenticator, or LTI 1.3 from the learning platform).
#   - SystemdSpawner: every student's server runs as its own system user (systemd's DynamicUser,
#     home in /var/lib/<name>), in its own systemd unit whose memory and CPU limits the kernel
#     enforces (MemoryMax, CPUQuota), with a private /tmp.
#
# "trial", for trying the recipe on a laptop and for benchmarks/bench_class.py:
#   - DummyAuthenticator (any username and password; the hub listens on 127.0.0.1 only) and SimpleLocalProcessSpawner, which
#     runs every server as the hub's own user. That spawner enforces NONE of the limits below:
#     no memory limit, no CPU limit, no separation between students (each can read and write the
#     others' files and stop their processes). Never use it with real students.
#
# The numbers (memory, CPU, timeouts) come from the class load test on a 2-core machine
# (benchmarks/bench_class.py, see deploy/README.md): a chapter's kernel takes at most ~0.25 GiB
# RSS and a student's Jupyter server ~0.15 GiB; a student who opens two chapters at once stays under
# 0.7 GiB.

import os
import shutil
import sys
from pathlib import Path

from flowkit.chapters import nbgitpuller_url

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = Path(__file__).resolve().parent
MODE = os.environ.get("FLOWKIT_HUB_MODE", "class")
if MODE not in ("class", "trial"):
    raise ValueError(f"FLOWKIT_HUB_MODE must be 'class' or 'trial'; got {MODE!r}")
#: where hub.sh install put the numba cache warmed once (read-only for students)
WARM_CACHE = os.environ.get("FLOWKIT_WARM_NUMBA_CACHE", "/opt/flowkit/numba-cache")
LECTURER = os.environ.get("FLOWKIT_LECTURER", "lecturer")

# ----------------------------------------------------------------------------- the course
# Students land on the course through nbgitpuller: the first visit clones the student repository
# (flowkit.chapters.STUDENT_REPOSITORY / STUDENT_BRANCH) into their home folder, later visits pull
# the lecturer's updates without overwriting anything a student changed. The same link, with the
# hub's address in front, is what flowkit.chapters.nbgitpuller_url() builds for a course page.
c.Spawner.default_url = "/git-pull?" + nbgitpuller_url().split("?", 1)[1]
# Each student's server starts through singleuser.sh, which seeds the student's own numba cache.
c.Spawner.cmd = ["/bin/sh", str(HERE / "singleuser.sh")]
# server-config/ holds the students' Jupyter server settings (kernel websocket without Nagle's delay).
c.Spawner.environment = {
    "FLOWKIT_WARM_NUMBA_CACHE": WARM_CACHE,
    "JUPYTER_CONFIG_PATH": str(HERE / "server-config"),
}

# ----------------------------------------------------------------------------- per-student limits
# Memory: one chapter's kernel <= 0.3 GiB and the server ~0.15 GiB (measured); the limit leaves room
# for a second open chapter. A student who goes past it has that kernel restarted, not the machine.
c.Spawner.mem_limit = "1G"
c.Spawner.mem_guarantee = "512M"
# CPU: one core at most, so one student's runaway loop cannot starve a lecture. A slider move costs
# 0.03-0.12 CPU-seconds depending on the chapter (measured, all processes); a student who drags a
# quarter of the time at four moves a second uses about 0.25 x 4 x 0.07 = 0.07 core on average,
# hence a guarantee of 0.1 core.
c.Spawner.cpu_limit = 1.0
c.Spawner.cpu_guarantee = 0.1
# The start-of-lecture rush: 20 servers starting at once on 2 cores took 40-90 s (measured, on a
# machine busy with other work), past JupyterHub's defaults (60 s to start, 30 s to answer).
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
# Kernels a student left open but idle for an hour are shut down inside their server.
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=3600",
    "--MappingKernelManager.cull_interval=300",
]

# ----------------------------------------------------------------------------- the idle culler
# jupyterhub-idle-culler as a hub service: servers with no activity for an hour are stopped (their
# files stay), which frees the memory of students who closed the tab without logging out.
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]

# ----------------------------------------------------------------------------- who signs in, who runs
if MODE == "class":
    import nativeauthenticator

    c.JupyterHub.authenticator_class = "native"
    c.JupyterHub.template_paths = [str(Path(nativeauthenticator.__file__).parent / "templates")]
    c.NativeAuthenticator.open_signup = False  # the lecturer approves each student at /hub/authorize
    c.NativeAuthenticator.minimum_password_length = 10
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.allowed_failed_logins = 5
    c.NativeAuthenticator.seconds_before_next_try = 300
    c.Authenticator.admin_users = {LECTURER}
    # Approval is NativeAuthenticator's gate; every approved user may start a server.
    c.Authenticator.allow_all = True

    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = True  # one system user per student, home in /var/lib/<name>
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.isolate_devices = True
    c.SystemdSpawner.disable_user_sudo = True
    # this environment's jupyterhub-singleuser and python come first on the student's PATH
    c.SystemdSpawner.extra_paths = [str(Path(sys.executable).parent)]
    # SystemdSpawner enforces mem_limit (MemoryMax) and cpu_limit (CPUQuota); systemd's MemoryLow and
    # CPUWeight stand in for the guarantees, which SystemdSpawner itself does not set.
    c.SystemdSpawner.unit_extra_properties = {"MemoryLow": "512M", "CPUWeight": "100", "TasksMax": "256"}
    c.JupyterHub.bind_url = os.environ.get("FLOWKIT_HUB_BIND_URL", "http://:8000")
else:
    c.JupyterHub.authenticator_class = "dummy"  # any name, any password: bind to loopback only
    c.Authenticator.allow_all = True
    c.Authenticator.admin_users = {LECTURER}
    c.JupyterHub.spawner_class = "simple"  # runs every server as this user: no limits enforced
    students = os.environ.get("FLOWKIT_STUDENTS_DIR")
    if students:
        c.SimpleLocalProcessSpawner.home_dir_template = str(Path(students) / "{username}")
    course = os.environ.get("FLOWKIT_COURSE_DIR")
    if course:  # open a local copy of the course instead of cloning it (no internet needed)
        c.Spawner.notebook_dir = course
        c.Spawner.default_url = "/lab/tree/00_start_here.ipynb"
    if hasattr(os, "getuid") and os.getuid() == 0:
        c.Spawner.args.append("--allow-root")
    c.JupyterHub.bind_url = os.environ.get("FLOWKIT_HUB_BIND_URL", "http://127.0.0.1:8000")

# The proxy from npm (hub.sh install puts it in /opt/flowkit/proxy, outside PATH).
proxy = os.environ.get("CONFIGURABLE_HTTP_PROXY") or shutil.which("configurable-http-proxy")
if proxy:
    c.ConfigurableHTTPProxy.command = [proxy]
