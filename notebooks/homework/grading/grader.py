"""Grade every submission of one assignment; write gradebook, autograded notebooks, review."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import shutil
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from . import sandbox as sb
from .assignment import Assignment, hidden_literals, nbgrader_meta, read_submission, suspicious_code
from .verdict import decode_payload, run_test

# per worker process: the assignment (parsed once), the grader's namespace, the sandbox uid
_STATE = {}


# Address space of a grading worker: a kernel that prints without end makes the worker's
# message handling allocate; past this the allocation fails with MemoryError, which costs only
# the cell that floods (the kernel is restarted), instead of the machine's memory.
WORKER_MEMORY = 4 * 2**30


def _limit_memory():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > WORKER_MEMORY:
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, hard))


def _init_worker(slots, course, name, python, settings):
    _limit_memory()
    _STATE["uid"] = slots.get() if slots is not None else None
    _STATE.update(course=Path(course), name=name, python=python, settings=settings)


def _assignment():
    if "assignment" not in _STATE:
        asg = Assignment.load(_STATE["course"], _STATE["name"])
        _STATE["assignment"] = asg
        _STATE["namespace"] = asg.grader_namespace()
        _STATE["literals"] = hidden_literals(asg)
    return _STATE["assignment"]


def _cell_label(nb, index):
    gid = nbgrader_meta(nb.cells[index]).get("grade_id")
    return gid if gid else f"cell {index + 1} (your own)"


def grade_one(student: str) -> dict:
    """Grade one student's submission in a sandbox; never raises."""
    t0 = time.perf_counter()
    try:
        return _grade_one(student, t0)
    except Exception:  # a grader bug must not stop the class: listed for review, scored 0
        return {
            "student": student,
            "scores": {},
            "verdicts": {},
            "problems": ["the grader failed on this submission (see the log); grade it by hand"],
            "error": traceback.format_exc(),
            "seconds": time.perf_counter() - t0,
            "notebook": None,
            "flagged": True,
        }


def _grade_one(student, t0):
    asg = _assignment()
    settings = _STATE["settings"]
    path = asg.course / "submitted" / student / asg.name / f"{asg.name}.ipynb"
    raw = read_submission(path)
    nb, problems = asg.rebuild(raw)
    problems += [f"code to look at: {what}" for what in suspicious_code(nb)]
    tests = {
        i: asg.tests[nbgrader_meta(c)["grade_id"]]
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("grade_id") in asg.tests
    }
    box = sb.Sandbox(_STATE["python"], _STATE["uid"], asg.course / "release" / asg.name, settings["memory_mb"])
    try:
        run = asyncio.run(sb.execute(nb, tests, box, settings["cell_timeout"], settings["submission_timeout"]))
    finally:
        box.close()
    problems += run["problems"]
    for index, reason in sorted(run["lost"].items()):
        problems.append(f"{_cell_label(nb, index)} {reason}; the questions that need it are lost")
    flagged = bool(problems)
    if run["probe"]:
        try:
            probe = json.loads(run["probe"])
        except ValueError:
            probe = {"changed": ["(the integrity probe's reply was unreadable)"], "log": []}
        if probe.get("changed"):
            problems.append("rebound or patched in the kernel: " + ", ".join(map(str, probe["changed"]))[:600])
        if probe.get("log"):
            problems.append("reached outside its folder: " + "; ".join(map(str, probe["log"]))[:600])
    elif not run["lost"]:
        problems.append("the integrity probe got no answer from the kernel")
    scores, verdicts = {}, {}
    for gid, test in asg.tests.items():
        payload = run["payloads"].get(gid)
        values, refused = decode_payload(payload) if payload is not None else ({}, {})
        if payload is None and any(i for i, t in tests.items() if t.grade_id == gid and i not in run["lost"]):
            reached = gid in run["in_kernel"]
            if reached:
                problems.append(f"{gid}: the answers could not be taken out of the kernel")
        verdict = run_test(test, _STATE["namespace"], values, refused, _STATE["literals"])
        verdicts[gid] = verdict
        scores[gid] = test.points if verdict["passed"] else 0.0
        for name, why in refused.items():
            problems.append(f"{gid}: answer {name} is {why}, not plain data (refused)")
        if gid in run["in_kernel"] and run["in_kernel"][gid] != verdict["visible_passed"]:
            inside = "passed" if run["in_kernel"][gid] else "failed"
            outside = "passes" if verdict["visible_passed"] else "fails"
            problems.append(
                f"{gid}: the visible test {inside} in the student's kernel but {outside} on the answers themselves"
            )
    return {
        "student": student,
        "scores": scores,
        "verdicts": verdicts,
        "problems": problems,
        "flagged": flagged or bool(problems),
        "seconds": time.perf_counter() - t0,
        "kernel_seconds": run["seconds"],
        "restarts": run["restarts"],
        "notebook": nbformat.writes(nb),
    }


# --------------------------------------------------------------------------- the class


def students_of(course: Path, name: str) -> list[str]:
    root = course / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / name).is_dir())


def grade_assignment(course, name, students=None, jobs=2, cell_timeout=120.0, submission_timeout=900.0, memory_mb=6144):
    """Grade ``name`` for every student (or those given). Raises LecturerError for course problems."""
    course = Path(course).resolve()
    asg = Assignment.load(course, name)  # LecturerError stops here, before any student
    asg.grader_namespace()
    students = students or students_of(course, name)
    if not students:
        sb.log(f"{name}: no submissions in submitted/*/{name}/")
        return []
    python = sb.ensure_env()
    jobs = max(1, min(jobs, len(students)))
    uids = sb.sandbox_uids(jobs, python)
    if uids[0] is None:
        sb.log("kernels run as the grader's own user (needs root and setpriv for an unprivileged one)")
    else:
        sb.log(f"kernels run as unprivileged uids {uids} with {python}")
    settings = {"cell_timeout": cell_timeout, "submission_timeout": submission_timeout, "memory_mb": memory_mb}
    t0 = time.perf_counter()
    if jobs == 1:
        # in a child process all the same, so that its memory limit is not the lecturer's shell's
        jobs_ctx = multiprocessing.get_context("spawn")
        slots = jobs_ctx.Manager().Queue()
        slots.put(uids[0])
        with ProcessPoolExecutor(
            1,
            mp_context=jobs_ctx,
            initializer=_init_worker,
            initargs=(slots, str(course), name, str(python) if python else None, settings),
        ) as pool:
            results = list(pool.map(grade_one, students))
    else:
        ctx = multiprocessing.get_context("spawn")
        slots = ctx.Manager().Queue()
        for uid in uids:
            slots.put(uid)
        with ProcessPoolExecutor(
            jobs,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(slots, str(course), name, str(python) if python else None, settings),
        ) as pool:
            results = list(pool.map(grade_one, students))
    wall = time.perf_counter() - t0
    write_results(asg, results)
    sb.log(
        f"{name}: graded {len(results)} submissions in {wall:.1f} s with {jobs} worker(s) "
        f"({wall / len(results):.1f} s per submission; {sum(r['seconds'] for r in results) / len(results):.1f} s each in a worker)"
    )
    return results


def _output_cells(asg, result):
    nb = nbformat.reads(result["notebook"], as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        gid = nbgrader_meta(cell).get("grade_id")
        verdict = result["verdicts"].get(gid)
        if verdict is None or not nbgrader_meta(cell).get("grade"):
            continue
        if verdict["text"]:
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=verdict["text"]))
        if not verdict["passed"]:
            ename, _, evalue = (verdict["error"] or "AssertionError: the grader's checks fail").partition(": ")
            cell.outputs.append(
                nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
            )
    return nb


def _blank_notebook(asg):
    nb, _ = asg.rebuild(json.loads(nbformat.writes(asg.release_nb)))
    return nb


def write_results(asg: Assignment, results: list[dict]):
    """Autograded notebooks, gradebook scores (nbgrader's API) and the review report."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    course, name = asg.course, asg.name
    manual = set(asg.manual_ids)
    release_text = {nbgrader_meta(c).get("grade_id"): c.source for c in asg.release_nb.cells}
    review = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for result in results:
            student = result["student"]
            sub_dir = course / "submitted" / student / name
            out_dir = course / "autograded" / student / name
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.mkdir(parents=True)
            nb = _output_cells(asg, result) if result["notebook"] else _blank_notebook(asg)
            nbformat.write(nb, str(out_dir / f"{name}.ipynb"))
            timestamp = None
            stamp = sub_dir / "timestamp.txt"
            if stamp.is_file():
                try:
                    timestamp = parse_utc(stamp.read_text().strip())
                    shutil.copy(stamp, out_dir / "timestamp.txt")
                except Exception:
                    timestamp = None
            gb.update_or_create_student(student)
            kwargs = {"timestamp": timestamp} if timestamp else {}
            gb.update_or_create_submission(name, student, **kwargs)
            answers = {nbgrader_meta(c).get("grade_id"): c.source for c in nb.cells}
            for gid in asg.tests:
                grade = gb.find_grade(gid, name, name, student)
                grade.auto_score = result["scores"].get(gid, 0.0)
                grade.needs_manual_grade = False
            for gid in manual:
                grade = gb.find_grade(gid, name, name, student)
                blank = answers.get(gid, release_text.get(gid, "")).strip() == release_text.get(gid, "").strip()
                grade.auto_score = 0.0 if blank else None
                grade.needs_manual_grade = (not blank) and grade.manual_score is None
            notebook = gb.find_submission_notebook(name, name, student)
            notebook.flagged = bool(result["flagged"])
            gb.db.commit()
            review[student] = {
                "score": sum(result["scores"].values()),
                "max_auto": sum(t.points for t in asg.tests.values()),
                "scores": result["scores"],
                "problems": result["problems"],
                "seconds": round(result["seconds"], 2),
            }
            if result.get("error"):
                sb.log(f"{name}/{student}: grader error\n{result['error']}")
    out = course / "review"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(review, indent=1, sort_keys=True))
    lines = [
        f"# Review report: {name}",
        "",
        "Submissions whose test cells were changed or removed, that rebound or patched the checking code, ",
        "reached outside their folder, ran over a time limit, or whose in-kernel test results differ from ",
        "the grader's verdict. Each is graded on what its answers really earn (shown); look at it in the ",
        "formgrader (it is flagged there).",
        "",
    ]
    listed = [s for s, r in sorted(review.items()) if r["problems"]]
    if not listed:
        lines.append("Nothing to review.")
    for student in listed:
        r = review[student]
        lines.append(f"## {student}: {r['score']:g} / {r['max_auto']:g} auto points")
        lines += [f"- {p}" for p in r["problems"]]
        lines.append("")
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")
    sb.log(f"{name}: {len(listed)} of {len(review)} submissions listed in {out / (name + '.md')}")
    os.chmod(out, 0o700)
    print(json.dumps({s: r["score"] for s, r in sorted(review.items())}), file=sys.stdout)
