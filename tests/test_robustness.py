"""Never a traceback: damaged plans and drafts give an input error (exit 2) or a report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etiquette_lint import EngineError, EtiquetteLintError, Report, lint_text
from etiquette_lint.cli import main

from conftest import EXAMPLES

PLAN = (EXAMPLES / "messy" / "acme.plan.yaml").read_text(encoding="utf-8")
LINES = PLAN.splitlines(keepends=True)
SPECIAL = ["", ":", "- ", "{", "[", "&a", "*a", "!!binary", "~", "null", "'", '"', "\t", "2027-02-30", "-1", "1e999"]


@st.composite
def damaged_plans(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "splice", "truncate"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "splice":
            line = lines[index]
            at = draw(st.integers(0, len(line)))
            extra = draw(st.sampled_from(SPECIAL) | st.text(max_size=6))
            lines[index] = line[:at] + extra + line[at:]
        else:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))] + "\n"
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_plans())
def test_a_damaged_plan_gives_an_input_error_or_a_report(text):
    try:
        report = lint_text(text, base_dir=EXAMPLES / "messy", today=date(2026, 11, 26))
    except EtiquetteLintError as exc:
        assert not isinstance(exc, EngineError), f"an internal error, not an input error: {exc}"
        assert str(exc)
        for error in getattr(exc, "errors", [exc]):
            assert error.message
    else:
        assert isinstance(report, Report)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_on_standard_input_exit_cleanly(data, tmp_path_factory):
    import io
    import sys

    folder = tmp_path_factory.mktemp("stdin")
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    try:
        import os

        os.chdir(folder)
        code = main(["check", "-", "--today", "2026-11-26"])
        output = sys.stdout.getvalue() + sys.stderr.getvalue()
    finally:
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = old
    assert code in (0, 1, 2)
    assert "Traceback" not in output
