"""Hostile drafts (issue 11, item 3): text analysis takes linear time on every shape.

Each shape of benchmarks/hostile.py, at 100 KB, goes through the real program the two ways a user
runs it: `check` of a plan whose draft it is, and `presend` of it as a mail hook hands it over (an
e-mail on standard input). The harness kills a run that takes longer than TIMEOUT seconds: a
generous bound that only a hang (a stage that costs the square of the text) reaches; linear
analysis of 100 KB takes well under a second here. Speed itself is measured by
`python benchmarks/text_speed.py --worst` (1 MiB of every shape), not asserted.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

TIMEOUT = 60  # seconds for one run of the program on 100 KB
SIZE = 100_000


def _hostile():
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOSTILE = _hostile()
SHAPES = sorted(HOSTILE.SHAPES)


def _run(args: list[str], cwd, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "etiquette_lint", *args, "--today", "2027-03-15", "--format", "json"]
    env = {**os.environ, "ETIQUETTE_LINT_NO_CACHE": "1"}
    try:
        return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"etiquette-lint {args[0]} ran over {TIMEOUT} s on this {SIZE // 1000} KB draft: a hang")


def _report(done: subprocess.CompletedProcess) -> dict:
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1), f"exit {done.returncode}: {stderr[-2000:]}"
    assert "Traceback" not in stderr, stderr[-2000:]
    report = json.loads(done.stdout)
    assert not report.get("errors"), report["errors"]
    return report


@pytest.mark.parametrize("shape", SHAPES)
def test_check_of_a_plan_with_a_hostile_draft(tmp_path, shape):
    draft = HOSTILE.SHAPES[shape](SIZE)
    assert len(draft.encode("utf-8")) <= 1024 * 1024
    (tmp_path / "draft.md").write_text(draft, encoding="utf-8", newline="")
    (tmp_path / "hostile.plan.yaml").write_text(HOSTILE.plan_yaml("draft.md"), encoding="utf-8")
    report = _report(_run(["check", "hostile.plan.yaml"], tmp_path))
    if "XXX" in draft and not draft.startswith('"'):
        assert any(f["rule"] == "unfilled-placeholder" for f in report["findings"])


@pytest.mark.parametrize("shape", SHAPES)
def test_presend_of_a_hostile_message_on_standard_input(tmp_path, shape):
    (tmp_path / "hostile.plan.yaml").write_text(HOSTILE.plan_yaml("draft.md"), encoding="utf-8")
    (tmp_path / "draft.md").write_text("Thank you for your time today.\n", encoding="utf-8")
    message = HOSTILE.eml(HOSTILE.SHAPES[shape](SIZE)).encode("utf-8")
    _report(_run(["presend", "--plan", "hostile.plan.yaml", "-"], tmp_path, stdin=message))


def test_the_shapes_are_what_they_say():
    """Every shape builds a text of about the size asked, so the tests above feed 100 KB."""
    for shape in SHAPES:
        text = HOSTILE.SHAPES[shape](SIZE)
        assert SIZE * 0.9 <= len(text) <= SIZE * 1.1, (shape, len(text))
