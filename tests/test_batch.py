"""`check --jobs N` spreads plans over processes and prints exactly what one process prints."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from etiquette_lint.core import batch

from conftest import EXAMPLES, FIXTURES


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """Every example and fixture folder (bad input included), twice."""
    root = tmp_path_factory.mktemp("many")
    for copy in ("a", "b"):
        shutil.copytree(EXAMPLES, root / copy / "examples", ignore=shutil.ignore_patterns("hooks", "*.yml"))
        shutil.copytree(FIXTURES, root / copy / "fixtures")
    return root


def check(folder, *extra) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "etiquette_lint", "check", ".", "--today", "2027-03-30", *extra]
    env = {"ETIQUETTE_LINT_NO_CACHE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, env=env, timeout=600)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_jobs_n_prints_what_jobs_1_prints(many, fmt):
    one = check(many, "--jobs", "1", "--format", fmt)
    two = check(many, "--jobs", "2", "--format", fmt)
    assert one.returncode == 2  # the bad-input fixtures are there too
    assert "Traceback" not in one.stderr + two.stderr
    assert (two.stdout, two.stderr, two.returncode) == (one.stdout, one.stderr, one.returncode)
    assert one.stdout.count("\n") > 100


def test_results_come_back_in_order_from_several_processes():
    import os

    items = list(range(40))
    assert list(batch.in_order(_pid_and_square, items, 2)) == [(i * i) for i in items]
    pids = {pid for pid in batch.in_order(_pid, items, 2)}
    assert len(pids) == 2 and os.getpid() not in pids


def test_few_plans_stay_in_this_process():
    import os

    assert set(batch.in_order(_pid, [1, 2, 3], 8)) == {os.getpid()}


def _pid_and_square(i: int) -> int:
    return i * i


def _pid(_i: int) -> int:
    import os
    import time

    time.sleep(0.01)
    return os.getpid()


@pytest.mark.parametrize("jobs", ["2"])
def test_the_streamed_report_is_the_whole_report(many, jobs, tmp_path):
    """Many plans in text: printed as they finish (core of `check`'s fast path), byte for byte
    what the click CLI prints from the whole report, with and without the result cache."""
    slow = subprocess.run(
        [sys.executable, "-m", "etiquette_lint", "check", ".", "--today", "2027-03-30"],
        capture_output=True,
        text=True,
        cwd=many,
        env={"ETIQUETTE_LINT_NO_CACHE": "1", "ETIQUETTE_LINT_SLOW_PATH": "1", "PATH": "/usr/bin:/bin"},
        timeout=600,
    )
    fast = check(many, "--jobs", jobs)
    assert (fast.stdout, fast.stderr, fast.returncode) == (slow.stdout, slow.stderr, slow.returncode)
    good = tmp_path / "good"
    for name in ("clean", "messy", "multi"):
        shutil.copytree(many / "a" / "examples" / name, good / name)
    shutil.copytree(many / "a" / "fixtures" / "carbon-copy", good / "fixtures")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "etiquette_lint", "check", ".", "--today", "2027-03-30", "--jobs", jobs]
    runs = [subprocess.run(command, capture_output=True, text=True, cwd=good, env=env, timeout=600) for _ in range(2)]
    slow = subprocess.run(
        command, capture_output=True, text=True, cwd=good, env={**env, "ETIQUETTE_LINT_SLOW_PATH": "1"}, timeout=600
    )
    assert list((tmp_path / "cache" / "etiquette-lint").glob("result-*")), "the streamed result was kept"
    for run in runs:
        assert (run.stdout, run.stderr, run.returncode) == (slow.stdout, slow.stderr, slow.returncode)
