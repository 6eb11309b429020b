"""Run every benchmark in this folder, one fresh process each, and print their reports.

Usage::

    python benchmarks/run_all.py            # all of them
    python benchmarks/run_all.py apps walk  # only bench_apps.py and bench_randomwalk.py

Each ``bench_*.py`` prints its own table: times as ratios against a naive NumPy
version measured in the same run (the machine is shared, so absolute times
drift), slider latencies against the 50 ms budget, and memory.
"""

import pathlib
import subprocess
import sys
import time


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    here = pathlib.Path(__file__).resolve().parent
    scripts = sorted(here.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(word in s.stem for word in argv)]
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=here.parent)
        print(f"--- {script.name}: exit {result.returncode}, {time.perf_counter() - start:.1f} s", flush=True)
        if result.returncode:
            failed.append(script.name)
    if failed:
        raise SystemExit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
