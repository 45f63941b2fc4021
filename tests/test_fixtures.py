"""Realistic plans carry their expected findings beside the line they concern (see tests/README.md).

For every plan under tests/fixtures/ and examples/, the set of (line, rule) pairs of the findings
(the line of the plan node each finding's pointer names) must equal the set of `# expect:`
comments: nothing missing, nothing extra. `# ok:` comments document near misses: a rule named
there must not fire on that line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etiquette_lint import InputError, lint_path
from etiquette_lint.plan import load_plan

from conftest import EXAMPLES, FIXTURES, plan_today

_EXPECT = re.compile(r"#\s*(expect|ok):\s*([a-z0-9, -]+)")


def _plans() -> list[Path]:
    plans = []
    for folder in (FIXTURES, EXAMPLES):
        for path in sorted(folder.rglob("*.plan.yaml")) + sorted(folder.rglob("*.plan.json")):
            if "bad-input" in path.parts:
                continue
            plans.append(path)
    return plans


def _annotations(path: Path) -> tuple[set, set]:
    expect, ok = set(), set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for kind, ids in _EXPECT.findall(line):
            for rule_id in (i.strip() for i in ids.split(",")):
                if rule_id:
                    (expect if kind == "expect" else ok).add((number, rule_id.split()[0]))
    return expect, ok


@pytest.mark.parametrize("path", _plans(), ids=lambda p: str(p.relative_to(p.parents[2])))
def test_findings_match_expectations(path: Path):
    today = plan_today(path)
    report = lint_path(path, today=today)
    plan = load_plan(str(path), today=today)
    found = set()
    for finding in report.findings:
        span = plan.document.span(finding.pointer)
        found.add((span.line, finding.rule))
    expect, ok = _annotations(path)
    missing = sorted(expect - found)
    extra = sorted(found - expect)
    messages = {(plan.document.span(f.pointer).line, f.rule): f.message for f in report.findings}
    assert not missing and not extra, (
        f"\nmissing (expected, not found): {missing}"
        f"\nextra (found, not expected): {[(line, rule, messages[(line, rule)]) for line, rule in extra]}"
    )
    assert not (ok & found), f"near misses that fired: {sorted(ok & found)}"


def _bad_inputs() -> list[Path]:
    folder = FIXTURES / "bad-input"
    return (
        sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix in (".yaml", ".yml", ".json") and p.read_bytes().startswith(b"# error:")
        )
        if folder.exists()
        else []
    )


@pytest.mark.parametrize("path", _bad_inputs(), ids=lambda p: p.name)
def test_bad_input_is_reported_with_its_place(path: Path):
    wanted = path.read_text(encoding="utf-8", errors="replace").splitlines()[0].split("# error:", 1)[1].strip()
    with pytest.raises(InputError) as caught:
        lint_path(path, today=None)
    error = caught.value
    text = "\n".join(str(e) for e in getattr(error, "errors", [error]))
    assert wanted in text
    assert error.path and str(path.name) in error.path
