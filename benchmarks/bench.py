"""Speed and memory of etiquette-lint. Prints figures; records nothing by itself.

    python benchmarks/bench.py            # all measurements (about a minute)
    python benchmarks/bench.py --quick    # fewer repetitions

Figures: cold `check` of each example (median wall time of whole processes), warm lints per
second through the Python API on a typical plan, peak memory of a cold check, and memory
before/after 10,000 lints in one process. Results go in docs/benchmarks.md by hand, with the
machine they were measured on.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from typical_plan import write_typical_plan  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def cold_check(target: Path, runs: int, *, bytecode: bool = True, fresh_cache: bool = False) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of `etiquette-lint check target` as a new process.

    bytecode: let Python keep compiled modules (__pycache__), as it does by default and as pip
    does for installed packages; this machine sets PYTHONDONTWRITEBYTECODE=1, which makes every
    run compile the package's source again. fresh_cache: an empty compiled-pattern cache
    (XDG_CACHE_HOME) for every run, as on a machine's first run."""
    times = []
    peak = 0.0
    command = [sys.executable, "-m", "etiquette_lint", "check", str(target), "--today", "2026-11-26"]
    command += ["--fail-on", "never"]
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)  # write caches once
    for _ in range(runs):
        if not bytecode:  # the package's own compiled modules gone, as in an editable checkout here
            shutil.rmtree(ROOT / "etiquette_lint" / "__pycache__", ignore_errors=True)
        if fresh_cache:
            env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="etiquette-lint-bench-")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, before / 1024)
    return statistics.median(times), peak


def warm(plan: Path, seconds: float) -> tuple[float, int]:
    from etiquette_lint import lint_path

    today = date(2027, 3, 30)
    lint_path(plan, today=today)  # compile and warm caches
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        report = lint_path(plan, today=today)
        count += 1
    elapsed = time.perf_counter() - start
    return count / elapsed, len(report.findings)


def memory_over(plan: Path, lints: int) -> tuple[float, float, float]:
    from etiquette_lint import lint_path

    today = date(2027, 3, 30)
    for _ in range(200):
        lint_path(plan, today=today)
    gc.collect()
    first = rss_mb()
    for i in range(lints):
        lint_path(plan, today=today)
        if i == lints // 2:
            gc.collect()
            middle = rss_mb()
    gc.collect()
    return first, middle, rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 5 if args.quick else 21
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    for example in sorted((ROOT / "examples").glob("*/")):
        if not list(example.glob("*.plan.yaml")):
            continue
        median, peak = cold_check(example, runs)
        print(
            f"cold check examples/{example.name:<8} median {median * 1000:7.1f} ms over {runs} runs, "
            f"peak RSS {peak:6.1f} MB"
        )
    median, _ = cold_check(ROOT / "examples", runs)
    print(f"cold check examples/ (all)  median {median * 1000:7.1f} ms over {runs} runs")
    largest = ROOT / "examples" / "multi"
    median, _ = cold_check(largest, runs, bytecode=False)
    print(f"cold check examples/multi, package source compiled every run (no __pycache__): {median * 1000:.1f} ms")
    median, _ = cold_check(largest, runs, fresh_cache=True)
    print(f"cold check examples/multi, first run on a machine (empty pattern cache): {median * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        plan = write_typical_plan(Path(folder))
        rate, findings = warm(plan, 3 if args.quick else 10)
        print(f"warm lint of the typical plan: {rate:8.0f} plans/s on one core ({findings} findings each)")
        lints = 2_000 if args.quick else 10_000
        first, middle, last = memory_over(plan, lints)
        print(
            f"memory over {lints} lints: {first:.1f} MB after warm-up, {middle:.1f} MB halfway, "
            f"{last:.1f} MB at the end "
            f"({last - first:+.1f} MB)"
        )


if __name__ == "__main__":
    main()
