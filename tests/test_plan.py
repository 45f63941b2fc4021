"""Loading plans: JSON like YAML, positions for every node, limits, the same person in two rounds."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
import yaml

from etiquette_lint import InputError, lint_path, lint_text
from etiquette_lint.examples import wrap_draft
from etiquette_lint.plan import load_plan, parse_when
from etiquette_lint.source import MAX_FILE_BYTES

from conftest import EXAMPLES


def test_a_json_plan_means_what_the_yaml_plan_means(tmp_path):
    source = EXAMPLES / "messy" / "acme.plan.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    as_json = tmp_path / "acme.plan.json"
    as_json.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    shutil.copytree(source.parent / "drafts", tmp_path / "drafts")
    today = date(2026, 11, 26)
    from_yaml = lint_path(source, today=today)
    from_json = lint_path(as_json, today=today)
    assert [(f.rule, f.pointer, f.message) for f in from_json.findings] == [
        (f.rule, f.pointer, f.message) for f in from_yaml.findings
    ]
    plan = load_plan(str(as_json), today=today)
    span = plan.document.span("/actions/0/channel")
    line = as_json.read_text(encoding="utf-8").splitlines()[span.line - 1]
    assert '"channel"' in line


def test_a_plan_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.plan.yaml"
    big.write_text("# " + "x" * (MAX_FILE_BYTES + 10) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        lint_path(big)


def test_a_draft_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("Dana, thank you.", encoding="utf-8")
    folder = tmp_path / "plans"
    (folder / "drafts").mkdir(parents=True)
    (folder / "drafts" / "dana.md").symlink_to(outside)
    plan = wrap_draft("x").replace("text: x", "draft: drafts/dana.md")
    (folder / "a.plan.yaml").write_text(plan, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        lint_path(folder / "a.plan.yaml")
    assert "outside the plan's folder" in caught.value.message
    assert caught.value.pointer == "/actions/0/draft"


def test_every_schema_error_is_reported_at_once(tmp_path):
    text = wrap_draft("Hi").replace("channel: email", "channel: fax").replace("version: 1", "version: 2")
    with pytest.raises(InputError) as caught:
        lint_text(text, base_dir=tmp_path)
    pointers = {e.pointer for e in caught.value.errors}
    assert {"/version", "/actions/0/channel"} <= pointers
    assert all(e.line and e.column for e in caught.value.errors)


@pytest.mark.parametrize(
    ("value", "day", "hour"),
    [
        ("2027-03-02", "2027-03-02", None),
        ("2027-03-02T14:00", "2027-03-02", 14),
        ("2027-03-02 9:05:30+02:00", "2027-03-02", 9),
    ],
)
def test_dates_and_datetimes(value, day, hour):
    when = parse_when(value)
    assert when.day.isoformat() == day
    assert (when.moment.hour if when.moment else None) == hour


def test_the_same_person_in_two_rounds_is_one_person(tmp_path):
    plan = """
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: screen
    company: Harbor Analytics
    date: 2027-03-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
  - id: final
    company: Harbor Analytics
    date: 2027-03-10
    timing: {asked: true}
    interviewers:
      - id: dana
actions:
  - {kind: thank_you, channel: email, to: dana, date: 2027-03-02, text: "Dana, thanks for the pipeline latency deep-dive."}
  - {kind: thank_you, channel: email, to: dana, date: 2027-03-10, text: "Dana, thanks again: the latency budget story stuck."}
"""
    loaded = load_plan("<text>", today=date(2027, 3, 12), text=plan, base_dir=tmp_path)
    assert list(loaded.people) == ["dana"]
    assert [a.interview for a in loaded.actions] == ["screen", "final"], "each thank-you follows the latest round"
    report = lint_text(plan, base_dir=tmp_path, today=date(2027, 3, 12))
    assert [f.rule for f in report.findings] == []
