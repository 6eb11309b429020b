"""The one list of the course's chapters: notebook, slider app and homework.

Everything that walks the chapters reads this table: :mod:`flowkit.apps`
(which factory lives in which module), the app and browser tests, the Voila
test, the benchmarks, Binder's cache warming, the homework tests, the course
site's table of contents and the class load test. Adding a chapter means adding
one :class:`Chapter` here (and its notebook, app module and assignment).

Factories are named by string, so importing this module loads no NumPy, numba
or widgets.

>>> from flowkit.chapters import CHAPTERS, by_app
>>> [c.number for c in CHAPTERS]
[0, 1, 2, 3, 4, 5, 6]
>>> by_app("walk_app").notebook
'03_random_walk'
>>> [c.app for c in CHAPTERS if c.uses_numba]
['fick_app', 'walk_app', 'analogies_app']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Chapter", "CHAPTERS", "APP_CHAPTERS", "HOMEWORK", "by_app", "by_notebook"]


@dataclass(frozen=True)
class Chapter:
    """One chapter of the course.

    Attributes
    ----------
    number : int
        Chapter number (0 is the start page).
    notebook : str
        Notebook stem under ``notebooks/`` (``"03_random_walk"``).
    title : str
        Short title, as in the README's chapter table.
    app : str or None
        Name of the chapter's slider-app factory in :mod:`flowkit.apps`.
    app_module : str or None
        Module under ``flowkit/apps/`` that defines the factory.
    homework : str or None
        nbgrader assignment name under ``notebooks/homework/source/``.
    uses_numba : bool
        Whether the chapter's app loads numba kernels (memory, warm-up).
    """

    number: int
    notebook: str
    title: str
    app: str | None = None
    app_module: str | None = None
    homework: str | None = None
    uses_numba: bool = False

    @property
    def path(self) -> str:
        """The notebook's path relative to the repository root."""
        return f"notebooks/{self.notebook}.ipynb"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(0, "00_start_here", "Start here"),
    Chapter(1, "01_flux", "Flux", "flux_app", "flux", "hw01_flux"),
    Chapter(2, "02_ficks_law", "Fick's law", "fick_app", "fick", "hw02_ficks_law", uses_numba=True),
    Chapter(3, "03_random_walk", "The random walk", "walk_app", "walk", "hw03_random_walk", uses_numba=True),
    Chapter(
        4,
        "04_chemical_potential_and_entropy",
        "Chemical potential and entropy",
        "entropy_app",
        "entropy",
        "hw04_chemical_potential",
    ),
    Chapter(
        5,
        "05_unifying_analogies",
        "Unifying analogies",
        "analogies_app",
        "analogies",
        "hw05_analogies",
        uses_numba=True,
    ),
    Chapter(6, "06_applications", "Applications", "applications_app", "applications"),
)

#: Chapters that have a slider app, in course order.
APP_CHAPTERS: tuple[Chapter, ...] = tuple(c for c in CHAPTERS if c.app)

#: nbgrader assignment names, in course order.
HOMEWORK: tuple[str, ...] = tuple(c.homework for c in CHAPTERS if c.homework)


def by_app(factory: str) -> Chapter:
    """The chapter whose slider app is built by ``factory`` (e.g. ``"walk_app"``)."""
    for chapter in CHAPTERS:
        if chapter.app == factory:
            return chapter
    known = ", ".join(repr(c.app) for c in APP_CHAPTERS)
    raise ValueError(f"factory must be one of {known}; got {factory!r}")


def by_notebook(stem: str) -> Chapter:
    """The chapter whose notebook stem is ``stem`` (e.g. ``"03_random_walk"``)."""
    for chapter in CHAPTERS:
        if chapter.notebook == stem:
            return chapter
    known = ", ".join(repr(c.notebook) for c in CHAPTERS)
    raise ValueError(f"stem must be one of {known}; got {stem!r}")
