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
from urllib.parse import quote, urlencode

__all__ = [
    "Chapter",
    "CHAPTERS",
    "APP_CHAPTERS",
    "HOMEWORK",
    "STUDENT_REPOSITORY",
    "STUDENT_BRANCH",
    "HUB_URL",
    "by_app",
    "by_notebook",
    "binder_url",
    "nbgitpuller_url",
]

#: The repository (GitHub ``owner/name``) that students clone: the README's Binder and
#: nbgitpuller links, the course site and the hub recipe all take it from here. It names
#: this (the instructor's) repository until a lecturer publishes a student edition.
STUDENT_REPOSITORY = "particle-flow/particle-flow"
#: The branch of :data:`STUDENT_REPOSITORY` that students get.
STUDENT_BRANCH = "main"
#: The JupyterHub that nbgitpuller links point at (a placeholder a lecturer replaces).
HUB_URL = "https://hub.example.edu"


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
    scrub : tuple of str
        The controls of the app that tell the chapter's story: on the course
        website (:mod:`flowkit.apps._static`) each one gets a slider over frames
        rendered at build time. In an app with views, a control the shown view
        does not use is left out of that view's page.
    """

    number: int
    notebook: str
    title: str
    app: str | None = None
    app_module: str | None = None
    homework: str | None = None
    uses_numba: bool = False
    scrub: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """The notebook's path relative to the repository root."""
        return f"notebooks/{self.notebook}.ipynb"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(0, "00_start_here", "Start here"),
    Chapter(1, "01_flux", "Flux", "flux_app", "flux", "hw01_flux", scrub=("current", "beta")),
    Chapter(
        2, "02_ficks_law", "Fick's law", "fick_app", "fick", "hw02_ficks_law", uses_numba=True, scrub=("time_h", "T")
    ),
    Chapter(
        3,
        "03_random_walk",
        "The random walk",
        "walk_app",
        "walk",
        "hw03_random_walk",
        uses_numba=True,
        scrub=("steps", "n_walkers"),
    ),
    Chapter(
        4,
        "04_chemical_potential_and_entropy",
        "Chemical potential and entropy",
        "entropy_app",
        "entropy",
        "hw04_chemical_potential",
        scrub=("split", "L12"),
    ),
    Chapter(
        5,
        "05_unifying_analogies",
        "Unifying analogies",
        "analogies_app",
        "analogies",
        "hw05_analogies",
        uses_numba=True,
        scrub=("t", "T"),
    ),
    Chapter(
        6,
        "06_applications",
        "Applications",
        "applications_app",
        "applications",
        "hw06_applications",
        scrub=("v_kms", "t_frac", "D"),
    ),
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


def binder_url(
    path: str = "notebooks/00_start_here.ipynb", repository: str | None = None, branch: str | None = None
) -> str:
    """A mybinder.org link that opens ``path`` of the student repository in JupyterLab.

    >>> binder_url("notebooks/03_random_walk.ipynb")
    'https://mybinder.org/v2/gh/particle-flow/particle-flow/main?urlpath=lab/tree/notebooks/03_random_walk.ipynb'
    """
    repository = repository or STUDENT_REPOSITORY
    branch = branch or STUDENT_BRANCH
    return f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=" + quote(f"lab/tree/{path}", safe="/")


def nbgitpuller_url(
    path: str = "notebooks/00_start_here.ipynb",
    hub: str | None = None,
    repository: str | None = None,
    branch: str | None = None,
) -> str:
    """An nbgitpuller link: the hub clones (or updates) the student repository, then opens ``path``.

    >>> nbgitpuller_url("notebooks/01_flux.ipynb", hub="https://hub.example.edu")  # doctest: +NORMALIZE_WHITESPACE
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fparticle-flow%2Fparticle-flow&branch=main&urlpath=lab%2Ftree%2Fparticle-flow%2Fnotebooks%2F01_flux.ipynb'
    """
    repository = repository or STUDENT_REPOSITORY
    branch = branch or STUDENT_BRANCH
    hub = (hub or HUB_URL).rstrip("/")
    folder = repository.rsplit("/", 1)[-1]
    query = urlencode(
        {"repo": f"https://github.com/{repository}", "branch": branch, "urlpath": f"lab/tree/{folder}/{path}"},
        quote_via=quote,
        safe="",
    )
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def chapters() -> tuple[Chapter, ...]:
    """Every chapter, read from :data:`CHAPTERS` at the moment of the call.

    Chapter-wide code (the app, browser and Voila tests, the benchmarks, Binder's
    cache warming) calls this instead of copying :data:`APP_CHAPTERS` at import,
    so a chapter added to :data:`CHAPTERS` -- even by a test that monkeypatches
    it -- is seen everywhere.

    >>> chapters()[3].notebook
    '03_random_walk'
    """
    return tuple(CHAPTERS)


def app_chapters() -> tuple[Chapter, ...]:
    """The chapters that have a slider app, in course order, read at the moment of the call.

    >>> [c.app for c in app_chapters()][:2]
    ['flux_app', 'fick_app']
    """
    return tuple(c for c in chapters() if c.app)
