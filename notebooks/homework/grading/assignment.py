"""An assignment as the grader sees it, and a submission rebuilt from its source.

Everything here reads the lecturer's files (``source/`` and ``release/``), which are
trusted; the student's notebook is only ever read as JSON, never executed here.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
# the nbgrader flags that define a cell's role; a student must not change them
ROLE_KEYS = ("grade", "solution", "locked", "points")


class LecturerError(Exception):
    """A problem in the course files (not in a submission): grade.sh stops with it."""


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def role(meta: dict) -> tuple:
    return tuple(meta.get(k) or (0 if k == "points" else False) for k in ROLE_KEYS)


def hidden_part(source: str) -> str:
    """The lines of a test cell inside the hidden block (what only the grader runs)."""
    out, inside = [], False
    for line in source.splitlines():
        if HIDDEN_BEGIN in line:
            inside = True
        elif HIDDEN_END in line:
            inside = False
        elif inside:
            out.append(line)
    return "\n".join(out)


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def loaded_names(source: str) -> list[str]:
    """Names a cell reads that it does not bind itself, in order of first use."""
    tree = ast.parse(source)
    stored = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            stored.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id not in stored and node.id not in names:
                names.append(node.id)
    return names


@dataclass
class TestCell:
    grade_id: str
    points: float
    source: str  # visible + hidden lines (run by the grader)
    visible: str  # the release's lines (run in the student's kernel)
    answers: list[str]  # the student's variables it reads


@dataclass
class Assignment:
    """The source and release of one assignment, read once per grading run."""

    course: Path
    name: str
    source_nb: nbformat.NotebookNode = field(repr=False)
    release_nb: nbformat.NotebookNode = field(repr=False)
    tests: dict[str, TestCell] = field(default_factory=dict)
    setup_code: str = ""
    setup_names: frozenset = frozenset()
    hidden_text: str = ""

    @classmethod
    def load(cls, course: Path, name: str) -> Assignment:
        course = Path(course)
        src = course / "source" / name / f"{name}.ipynb"
        rel = course / "release" / name / f"{name}.ipynb"
        for path, what in ((src, "source"), (rel, "release (run `grade.sh release` first)")):
            if not path.is_file():
                raise LecturerError(f"{name}: no {what} notebook at {path}")
        source_nb = nbformat.read(str(src), as_version=4)
        release_nb = nbformat.read(str(rel), as_version=4)
        self = cls(course, name, source_nb, release_nb)
        self._analyse()
        return self

    # ------------------------------------------------------------------ lecturer's side

    def _analyse(self):
        release_by_id = {nbgrader_meta(c).get("grade_id"): c for c in self.release_nb.cells if nbgrader_meta(c)}
        setup, hidden = [], []
        answer_vars = set()
        for cell in self.source_nb.cells:
            meta = nbgrader_meta(cell)
            gid = meta.get("grade_id")
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                for node in ast.walk(ast.parse(_strip_magics(cell.source))):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        answer_vars.add(node.id)
            elif meta.get("grade"):
                hidden.append(hidden_part(cell.source))
            elif meta.get("locked"):
                setup.append(_strip_magics(cell.source))
            if gid is not None and gid not in release_by_id and (meta.get("grade") or meta.get("solution")):
                raise LecturerError(f"{self.name}: cell {gid} is missing from the release; rerun `grade.sh release`")
        self.setup_code = "\n\n".join(setup)
        self.hidden_text = "\n".join(hidden)
        namespace = self.grader_namespace()
        self.setup_names = frozenset(namespace)
        for cell in self.source_nb.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code" or not meta.get("grade"):
                continue
            gid = meta["grade_id"]
            try:
                names = loaded_names(cell.source)
            except SyntaxError as exc:
                raise LecturerError(f"{self.name}/{gid}: the test cell is not valid Python: {exc}") from None
            answers = [n for n in names if n not in namespace and not hasattr(builtins, n)]
            unknown = [n for n in answers if n not in answer_vars]
            if unknown:
                raise LecturerError(
                    f"{self.name}/{gid}: the test cell reads {unknown}, which no answer cell of the source assigns "
                    "and no locked cell defines"
                )
            visible = release_by_id[gid].source
            self.tests[gid] = TestCell(gid, float(meta.get("points", 0)), cell.source, visible, answers)

    def grader_namespace(self) -> dict:
        """The names the test cells may use besides the answers: ``np``, ``math``, ``check`` and
        whatever the source's locked (set-up) cells define, computed here in the grader's process."""
        from flowkit import check

        namespace = {"__name__": "__grader__", "np": np, "math": math, "check": check}
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(self.setup_code, f"<{self.name} set-up cells>", "exec"), namespace)  # noqa: S102 (lecturer's code)
            except Exception as exc:
                raise LecturerError(f"{self.name}: the locked set-up cells fail in the grader: {exc!r}") from None
        return namespace

    @property
    def manual_ids(self) -> list[str]:
        return [
            nbgrader_meta(c)["grade_id"]
            for c in self.source_nb.cells
            if c.cell_type == "markdown" and nbgrader_meta(c).get("grade")
        ]

    # ------------------------------------------------------------------ the student's side

    def rebuild(self, submitted: dict | None) -> tuple[nbformat.NotebookNode, list[str]]:
        """The notebook to execute: the release's cells with the student's answers in them.

        Returns the notebook and a list of problems (tampering and accidents) for the review
        report. Test and locked cells always come from the release (visible lines only);
        the student's own extra cells are kept where they put them; graded-cell metadata the
        student added or changed is dropped.
        """
        problems = []
        release = self.release_nb
        order = [nbgrader_meta(c).get("grade_id") for c in release.cells]
        by_id = {gid: c for gid, c in zip(order, release.cells) if gid}
        # a test cell may come back as released (visible lines) or as in the source (the model solution)
        source_text = {nbgrader_meta(c).get("grade_id"): c.source for c in self.source_nb.cells}
        cells = submitted.get("cells") if isinstance(submitted, dict) else None
        if not isinstance(cells, list):
            problems.append("the notebook could not be read as a Jupyter notebook: graded as the blank release")
            cells = []
        out, seen = [], {}
        for raw in cells:
            if not isinstance(raw, dict):
                continue
            meta = nbgrader_meta(raw)
            gid = meta.get("grade_id")
            ctype = raw.get("cell_type")
            src = raw.get("source", "")
            src = "".join(src) if isinstance(src, list) else src if isinstance(src, str) else ""
            if gid in by_id and gid not in seen:
                ref = by_id[gid]
                rmeta = nbgrader_meta(ref)
                seen[gid] = len(out)
                if role(meta) != role(rmeta) or ctype != ref.cell_type:
                    problems.append(f"cell {gid}: its nbgrader role or type was changed (restored from the source)")
                cell = copy.deepcopy(ref)
                if rmeta.get("solution"):
                    cell.source = src
                elif src.rstrip() not in (ref.source.rstrip(), source_text.get(gid, "").rstrip()):
                    what = "test cell" if rmeta.get("grade") else "locked cell"
                    problems.append(f"{what} {gid} was altered (restored from the source)")
                out.append(cell)
            else:
                if gid in by_id:
                    problems.append(f"cell {gid} appears twice: the copy is run as an ordinary cell")
                elif meta.get("grade") or meta.get("solution") or meta.get("locked"):
                    problems.append(f"a graded cell the assignment does not have ({gid!r}) was added: run as ordinary")
                if ctype == "code":
                    out.append(nbformat.v4.new_code_cell(src))
                elif ctype in ("markdown", "raw"):
                    out.append(nbformat.v4.new_markdown_cell(src))
        # put back what is missing, right after the release cell before it
        for i, gid in enumerate(order):
            if not gid or gid in seen:
                continue
            ref = by_id[gid]
            rmeta = nbgrader_meta(ref)
            if rmeta.get("grade") and ref.cell_type == "code":
                problems.append(f"test cell {gid} was deleted (restored from the source)")
            elif rmeta.get("solution") or rmeta.get("grade"):
                problems.append(f"answer cell {gid} was deleted (graded as unanswered)")
            else:
                problems.append(f"locked cell {gid} was deleted (restored from the source)")
            prev = [seen[g] for g in order[:i] if g in seen]
            at = (max(prev) + 1) if prev else 0
            out.insert(at, copy.deepcopy(ref))
            seen = {g: (p + 1 if p >= at else p) for g, p in seen.items()}
            seen[gid] = at
        nb = nbformat.v4.new_notebook(cells=out, metadata=copy.deepcopy(release.metadata))
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        return nb, problems


def read_submission(path: Path) -> dict | None:
    """The student's notebook as plain JSON data (None when it is not JSON)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def hidden_literals(assignment: Assignment) -> set[str]:
    """Numbers written in the hidden tests, in the forms a message could show them."""
    forms = set()
    for token in re.findall(
        r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?|(?<![\w.])-?\d+[eE][-+]?\d+", assignment.hidden_text
    ):
        try:
            value = float(token)
        except ValueError:
            continue
        if value == 0 or not math.isfinite(value):
            continue
        digits = len(re.sub(r"[^0-9]", "", f"{abs(value):e}".split("e")[0]).rstrip("0"))
        if digits >= 3:
            forms |= {token, f"{value:.4g}", f"{value:.6g}", repr(value)}
    return forms


# Code a homework answer has no reason to contain: listed for a human to look at (never
# penalised by itself: the score comes only from the answers).
SUSPICIOUS = {
    r"\bIn\s*\[|\b_ih\b|\bOut\s*\[|\b_oh\b|\b_i\d+\b|history_manager": "reads the input/output history",
    r"get_ipython|user_ns|\bsys\._getframe|\binspect\b|\bgc\.": "inspects the running kernel",
    r"\bbuiltins\b|\bsys\.modules\b|\bimportlib\b|__import__|\bsetattr\s*\(|__class__|__dict__": "patches modules or objects",
    r"\bcheck\s*=|\bcheck\.\w+\s*=|flowkit\.check\.\w+\s*=|\bcheck\._": "rebinds the checking code",
    r"\b(?:np|numpy|math)\.\w+\s*=(?!=)": "rebinds NumPy or math functions",
    r"__(?:array|float|eq|ne|lt|le|gt|ge|abs|bool|index|int)__": "defines comparison or conversion hooks",
    r"\bopen\s*\(|\bglob\b|\bos\.(?:listdir|scandir|walk|environ|system|popen|exec\w*)|\bsubprocess\b|\bsocket\b|\bpathlib\b": "reaches for files, programs or the network",
    r"\beval\s*\(|\bexec\s*\(|\bcompile\s*\(": "runs generated code",
}


def suspicious_code(nb) -> list[str]:
    """What the student-written cells of a rebuilt notebook do that homework never needs."""
    found = []
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or meta.get("locked"):
            continue
        label = meta.get("grade_id") or f"cell {index + 1} (your own)"
        kinds = [what for pattern, what in SUSPICIOUS.items() if re.search(pattern, cell.source)]
        if kinds:
            found.append(f"{label} " + ", ".join(dict.fromkeys(kinds)))
    return found
