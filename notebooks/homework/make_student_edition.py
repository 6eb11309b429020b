"""Write the students' edition of the course: everything public, nothing a student must not see.

This repository is the instructor's edition: ``notebooks/homework/source/`` holds every model
solution and hidden test, and ``GUIDE.md`` the rubrics. Students should clone a separate
repository (or branch) made by this command::

    python notebooks/homework/make_student_edition.py OUT_DIR
    python notebooks/homework/make_student_edition.py OUT_DIR --repository my-school/particle-flow \\
        --branch main --publish-answers hw01_flux,hw02_ficks_law

``OUT_DIR`` must not exist yet (or be empty). It receives ``pyproject.toml``, ``LICENSE``,
``flowkit/``, ``binder/``, the chapter notebooks of :data:`flowkit.chapters.CHAPTERS` with the
rest of ``notebooks/`` outside ``homework/`` (the notation page, say), a student README, and
``notebooks/homework/release/<hw>/`` for every assignment: the notebooks that ``nbgrader
generate_assignment`` writes (solutions replaced by ``raise
NotImplementedError()``, hidden tests removed) with their data tables. The released notebooks
need only ``flowkit`` to run, not nbgrader, so they open and run on Binder as shipped.

``--publish-answers`` adds ``notebooks/homework/answers/<hw>.md``: each question with its
worked answer (the model solution's code and the model written answer, never the hidden
tests), for sets the lecturer chooses to publish, e.g. after the deadline or for self-study.

``--repository`` / ``--branch`` name where the edition will be pushed. They are written into
the edition's ``flowkit/chapters.py`` (``STUDENT_REPOSITORY``, ``STUDENT_BRANCH``) and replace
this repository's name in the README and the chapter notebooks, so the Binder and nbgitpuller
links point at the edition. Then ``cd OUT_DIR && git init && git add . && git commit`` and push.

Needs nbgrader (``pip install -e ".[homework]"``). Left out: ``source/``, ``GUIDE.md``, the
grader, ``grade.sh``, ``nbgrader_config.py``, ``tests/``, ``benchmarks/``, and anything
generated (``release/`` is rebuilt from the sources in a temporary folder every time).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent  # notebooks/homework
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from flowkit import chapters  # noqa: E402

TOP_LEVEL = ("pyproject.toml", "LICENSE")
PACKAGE_DIRS = ("flowkit", "binder")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.nbi", "*.nbc", ".ipynb_checkpoints", "*.egg-info")
INSTRUCTOR_BLOCK = re.compile(r"<!--\s*instructor-only\s*-->.*?<!--\s*/instructor-only\s*-->\s*", re.S)


def _fail(message):
    raise SystemExit(f"make_student_edition: {message}")


def _check_out_dir(out):
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        _fail(f"OUT_DIR must be a new or empty folder (nothing you own is overwritten); got {str(out)!r}")
    inside = out.resolve() == ROOT or (ROOT / "notebooks") in (out.resolve(), *out.resolve().parents)
    if inside:
        _fail(f"OUT_DIR must lie outside the course's notebooks; got {str(out)!r}")


def _release(assignments):
    """Run nbgrader generate_assignment in a temporary copy of the course; return {hw: release folder}."""
    tmp = Path(tempfile.mkdtemp(prefix="student-edition-"))
    course = tmp / "course"
    shutil.copytree(
        HERE,
        course,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "exchange", "gradebook.db", "__pycache__"
        ),
    )
    env = dict(os.environ)
    # nbgrader runs `alembic` (gradebook migrations) as a program: it must be on PATH
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    # one nbgrader run for all assignments (its start-up dominates the time)
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "--assignment=hw*", "--force"],
        cwd=course,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    missing = [hw for hw in assignments if not (course / "release" / hw / f"{hw}.ipynb").is_file()]
    if out.returncode != 0 or missing:
        _fail(
            f"nbgrader generate_assignment failed for {missing} (is nbgrader installed?):\n{out.stdout}\n{out.stderr}"
        )
    return tmp, {hw: course / "release" / hw for hw in assignments}


def _worked_answers(hw):
    """Markdown page: each question's statement and its model answer (no test cells)."""
    nb = json.loads((HERE / "source" / hw / f"{hw}.ipynb").read_text(encoding="utf-8"))
    lines = [f"# Worked answers: {hw}", ""]
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        text = "".join(cell["source"])
        gid = meta.get("grade_id", "")
        if gid == "setup":
            lines += ["The notebook's first cell, which the answers below use:", "", "```python", text, "```", ""]
        elif gid.endswith("_text"):
            lines += [text, ""]
        elif meta.get("solution"):
            body = "\n".join(
                line for line in text.splitlines() if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            )
            if cell["cell_type"] == "code":
                lines += ["**Worked answer**", "", "```python", body, "```", ""]
            else:
                lines += ["**Model answer**", "", body, ""]
    return "\n".join(lines)


def _student_readme(repository, branch, published):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = INSTRUCTOR_BLOCK.sub("", text)
    intro = text.split("\n## ", 1)[0].split("**Who it is for**", 1)[0].rstrip()
    rows = "\n".join(
        f"| `{c.notebook}` | {c.title} | "
        + (f"`notebooks/homework/release/{c.homework}/`" if c.homework else "")
        + (f" ([worked answers](notebooks/homework/answers/{c.homework}.md))" if c.homework in published else "")
        + " |"
        for c in chapters.CHAPTERS
    )
    binder = chapters.binder_url(repository=repository, branch=branch)
    return f"""{intro}

This is the **students' edition** of the course: the chapters, the `flowkit` package they run on,
and the homework as you receive it.

## Chapters and homework

| notebook | chapter | homework |
|---|---|---|
{rows}

## Open the course

[![Binder](https://mybinder.org/badge_logo.svg)]({binder}) runs it in your browser with nothing to install
(the first launch takes a few minutes). On your own machine (Python 3.10 or newer):

```bash
python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/jupyter lab notebooks/00_start_here.ipynb
```

## Homework

Each assignment is a notebook in `notebooks/homework/release/<hw>/`, next to any data table it reads.
Write your answers where it says `YOUR CODE HERE` or `YOUR ANSWER HERE`. The test cell under each
answer checks only the form of your answer (a number, the right shape, no slip of a thousand in the
units); whether it is right is decided when your course grades it, and the feedback says what went
wrong. Studying on your own? Where your lecturer has published them, worked answers are in
`notebooks/homework/answers/`.
"""


def _retarget(text, repository, branch):
    """Replace this repository's name (plain and URL-encoded) and branch in links."""
    if repository == chapters.STUDENT_REPOSITORY and branch == chapters.STUDENT_BRANCH:
        return text
    old_owner, old_name = chapters.STUDENT_REPOSITORY.split("/")
    new_owner, new_name = repository.split("/")
    text = text.replace(f"gh/{chapters.STUDENT_REPOSITORY}/{chapters.STUDENT_BRANCH}", f"gh/{repository}/{branch}")
    text = text.replace(f"branch%3D{chapters.STUDENT_BRANCH}", f"branch%3D{branch}")
    text = text.replace(f"&branch={chapters.STUDENT_BRANCH}&", f"&branch={branch}&")
    text = text.replace(f"{old_owner}%2F{old_name}", f"{new_owner}%2F{new_name}")
    text = text.replace(f"%2F{old_name}%2Fnotebooks", f"%2F{new_name}%2Fnotebooks")
    return text.replace(chapters.STUDENT_REPOSITORY, repository)


def build(out, repository=None, branch=None, publish=()):
    """Write the students' edition to ``out``; return the list of files written (relative paths)."""
    out = Path(out)
    repository = repository or chapters.STUDENT_REPOSITORY
    branch = branch or chapters.STUDENT_BRANCH
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*", repository):
        _fail(f"--repository must be a GitHub owner/name such as my-school/particle-flow; got {repository!r}")
    unknown = sorted(set(publish) - set(chapters.HOMEWORK))
    if unknown:
        _fail(f"--publish-answers must name assignments among {', '.join(chapters.HOMEWORK)}; got {unknown}")
    _check_out_dir(out)

    tmp, releases = _release(chapters.HOMEWORK)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in TOP_LEVEL:
            shutil.copy2(ROOT / name, out / name)
        for name in PACKAGE_DIRS:
            shutil.copytree(ROOT / name, out / name, ignore=JUNK)
        # the chapters and whatever else is public under notebooks/ (the notation page, figures),
        # everything except the instructor's homework folder
        shutil.copytree(
            ROOT / "notebooks",
            out / "notebooks",
            ignore=shutil.ignore_patterns("homework", "*.csv", "*.nbi", "*.nbc", "__pycache__", ".ipynb_checkpoints"),
        )
        for page in [*(out / "notebooks").rglob("*.ipynb"), *(out / "notebooks").rglob("*.md")]:
            page.write_text(_retarget(page.read_text(encoding="utf-8"), repository, branch), encoding="utf-8")
        for hw, folder in releases.items():
            shutil.copytree(folder, out / "notebooks" / "homework" / "release" / hw, ignore=JUNK)
        for hw in publish:
            page = out / "notebooks" / "homework" / "answers" / f"{hw}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_worked_answers(hw), encoding="utf-8")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    settings = out / "flowkit" / "chapters.py"
    code = settings.read_text(encoding="utf-8")
    code = re.sub(r'^STUDENT_REPOSITORY = ".*"$', f'STUDENT_REPOSITORY = "{repository}"', code, count=1, flags=re.M)
    code = re.sub(r'^STUDENT_BRANCH = ".*"$', f'STUDENT_BRANCH = "{branch}"', code, count=1, flags=re.M)
    settings.write_text(code, encoding="utf-8")
    pyproject = out / "pyproject.toml"
    pyproject.write_text(_retarget(pyproject.read_text(encoding="utf-8"), repository, branch), encoding="utf-8")
    (out / "README.md").write_text(_student_readme(repository, branch, set(publish)), encoding="utf-8")
    (out / ".gitignore").write_text(".venv/\n__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\n", encoding="utf-8")
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("out_dir", help="a new (or empty) folder for the students' edition")
    parser.add_argument("--repository", help="GitHub owner/name the edition is pushed to (default: flowkit.chapters)")
    parser.add_argument("--branch", help="branch students get (default: flowkit.chapters.STUDENT_BRANCH)")
    parser.add_argument(
        "--publish-answers",
        default="",
        help="comma-separated assignments whose worked answers to include, e.g. hw01_flux,hw02_ficks_law",
    )
    args = parser.parse_args(argv)
    publish = tuple(p.strip() for p in args.publish_answers.split(",") if p.strip())
    files = build(args.out_dir, args.repository, args.branch, publish)
    print(f"wrote the students' edition to {args.out_dir} ({len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
