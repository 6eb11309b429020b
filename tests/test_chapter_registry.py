"""One chapter registry: every chapter-wide list in the repository is read from flowkit.chapters.

A dummy chapter 07 is added by changing the registry only (``flowkit.chapters.CHAPTERS``);
the app tests, the browser and Voila tests, Binder's cache warming and both app benchmarks
must then list it. The pytest suites are checked by collecting them in a fresh process
(``--collect-only``) with a plugin that registers the dummy before collection starts.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowkit import chapters

REPO = Path(__file__).resolve().parents[1]
DUMMY = chapters.Chapter(7, "07_dummy_chapter", "A dummy chapter", "dummy_app", "dummy_chapter", uses_numba=True)

PLUGIN = """
import flowkit.chapters as registry
registry.CHAPTERS = registry.CHAPTERS + (
    registry.Chapter(7, "07_dummy_chapter", "A dummy chapter", "dummy_app", "dummy_chapter", uses_numba=True),
)
"""


def _load(relative):
    """Import a script of the repository (benchmarks/, binder/) as a module."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dummy_registered(monkeypatch):
    monkeypatch.setattr(chapters, "CHAPTERS", chapters.CHAPTERS + (DUMMY,))
    return DUMMY


def test_registry_functions_read_the_registry_when_called(dummy_registered):
    assert chapters.chapters()[-1] == dummy_registered
    assert chapters.app_chapters()[-1].app == "dummy_app"


def test_apps_package_resolves_factories_from_the_registry(dummy_registered):
    import flowkit.apps as apps

    # the factory is looked up in the module the registry names (which this dummy lacks)
    with pytest.raises(ModuleNotFoundError, match="flowkit.apps.dummy_chapter"):
        apps.dummy_app  # noqa: B018


def test_warm_cache_and_benchmarks_list_the_dummy_chapter(dummy_registered):
    assert "dummy_app" in _load("binder/warm_cache.py").app_factories()
    bench = _load("benchmarks/bench_apps.py")
    assert dummy_registered in bench.chapters()
    assert "dummy_app" in _load("benchmarks/bench_binder_first_move.py").app_factories()


# Not marked slow (~30 s, two collections in a fresh process): it is the proof that the
# registry is the only list of chapters, so CI runs it.
def test_every_chapter_wide_test_suite_collects_the_dummy_chapter(tmp_path):
    (tmp_path / "dummy_chapter_plugin.py").write_text(PLUGIN)
    suites = ["tests/test_apps.py", "tests/browser/test_chapters.py", "tests/browser/test_voila.py"]
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "dummy_chapter_plugin", "-p", "no:cacheprovider"]
        + suites,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    ids = out.stdout.splitlines()
    assert any(i.startswith("tests/test_apps.py::") and "[dummy_app]" in i for i in ids), out.stdout
    assert any(i.startswith("tests/browser/test_chapters.py::test_chapter_runs") and "07_dummy" in i for i in ids)
    assert any(i.startswith("tests/browser/test_chapters.py::test_chapter_main_app") and "07_dummy" in i for i in ids)
    assert any(i.startswith("tests/browser/test_voila.py::") and "07_dummy" in i for i in ids)
    # the dummy came from the plugin alone: the registry itself does not hold it
    assert all(c.app != "dummy_app" for c in chapters.app_chapters())
