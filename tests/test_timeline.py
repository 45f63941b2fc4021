"""`etiquette-lint timeline`: the events of each company in date order with their findings, drawn
at 80 columns (golden files in tests/golden/; ETIQUETTE_LINT_UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from etiquette_lint.cli import main
from etiquette_lint.lint import Options, lint_files
from etiquette_lint.planner import views

from conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
TODAY = "2026-11-26"
ANSI = re.compile(r"\033\[[0-9;]*m")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def timeline_of(path: Path, today: str = TODAY):
    """The timeline as the command builds it: the plans, their findings and their agenda."""
    options = Options(today=date.fromisoformat(today))
    plans: list = []
    report = lint_files([str(path)], options, plans=plans)
    return views.timeline_of(plans, report, options)


@pytest.mark.parametrize("example", ["clean", "messy", "multi"])
def test_golden_timeline_at_80_columns(capsys, monkeypatch, example):
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "timeline", f"examples/{example}", "--today", TODAY)
    assert code == 0, err
    golden = GOLDEN / f"timeline-{example}.txt"
    if os.environ.get("ETIQUETTE_LINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    assert "\033[" not in out  # not a terminal: no colour
    too_wide = [line for line in out.splitlines() if len(line) > 80]
    assert not too_wide


@pytest.mark.parametrize("example", ["clean", "messy", "multi"])
def test_every_action_interview_reply_and_finding_is_on_the_timeline(example):
    timeline = timeline_of(EXAMPLES / example)
    from etiquette_lint.plan import load_plan

    for plan_path in sorted(str(p) for p in (EXAMPLES / example).glob("*.plan.yaml")):  # messy/ has two
        plan = load_plan(plan_path, today=date.fromisoformat(TODAY))
        pointers = [e.pointer for c in timeline.companies if c.plan == plan_path for e in c.events]
        for thing in (*plan.interviews, *plan.actions, *plan.replies):
            assert pointers.count(thing.pointer) == 1, (plan_path, thing.pointer)
    placed = [f for c in timeline.companies for e in c.events for f in e.findings] + list(timeline.loose)
    assert sorted(map(id, placed)) == sorted(map(id, timeline.report.findings))
    for company in timeline.companies:
        keys = [(e.day, e.time) for e in company.events]
        assert keys == sorted(keys), company.company  # date order
        assert [e.kind for e in company.events].count("today") == 1


def test_findings_sit_on_the_event_they_point_at():
    timeline = timeline_of(EXAMPLES / "messy")
    brightline = next(c for c in timeline.companies if c.company == "Brightline Orthopedics")
    interview = next(e for e in brightline.events if e.kind == "interview")
    # The interviewers' findings (/interviews/2/interviewers/N) belong to their interview.
    assert sorted(f.rule for f in interview.findings) == [
        "interviewer-not-thanked",
        "interviewer-not-thanked",
        "no-follow-up",
        "timeline-not-shared",
        "timing-not-asked",
    ]
    acme = next(c for c in timeline.companies if c.company == "Acme Medical Systems")
    tom = next(e for e in acme.events if e.pointer == "/actions/3")
    assert tom.status == "planned" and tom.draft.endswith("drafts/tom-thanks.txt")
    assert [f.severity for f in tom.findings] == sorted(
        (f.severity for f in tom.findings), key=["error", "warning", "info"].index
    )
    assert {"carbon-copy", "unfilled-placeholder", "missing-contact"} <= {f.rule for f in tom.findings}
    # /actions/1 must not collect the findings of /actions/10 and beyond (prefix, not substring).
    assert all(f.pointer == "/actions/1" for f in next(e for e in acme.events if e.pointer == "/actions/1").findings)


def test_decision_dates_and_today_are_placed_in_order():
    timeline = timeline_of(EXAMPLES / "messy")
    acme = next(c for c in timeline.companies if c.company == "Acme Medical Systems")
    kinds = [(e.kind, e.day.isoformat()) for e in acme.events]
    assert ("decision_by", "2026-11-20") in kinds
    assert kinds.index(("decision_by", "2026-11-20")) < kinds.index(("today", TODAY))
    assert kinds.index(("today", TODAY)) < kinds.index(("decision_date", "2026-12-04"))
    last_sent = max(i for i, e in enumerate(acme.events) if e.kind == "action" and e.status == "sent")
    assert last_sent < kinds.index(("today", TODAY))


def test_colour_as_check_uses_it(monkeypatch):
    from etiquette_lint.output.timeline_text import to_timeline_text

    timeline = timeline_of(EXAMPLES / "messy")
    coloured = to_timeline_text(timeline, color=True)
    assert "\033[1;31m✖ error\033[0m \033[36mgroup-thank-you\033[0m" in coloured
    assert ANSI.sub("", coloured) == to_timeline_text(timeline, color=False)


def test_no_color_and_output_file_are_plain(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "timeline", str(EXAMPLES / "clean"), "--today", TODAY)
    assert code == 0 and "\033[" not in out
    target = tmp_path / "timeline.txt"
    monkeypatch.delenv("NO_COLOR")
    code, out, _ = run(capsys, "timeline", str(EXAMPLES / "clean"), "--today", TODAY, "--output", str(target))
    assert code == 0 and out == ""
    assert "\033[" not in target.read_text(encoding="utf-8")


def test_fail_on_and_bad_input(capsys, tmp_path):
    code, _, _ = run(capsys, "timeline", str(EXAMPLES / "messy"), "--today", TODAY)
    assert code == 0  # a picture: findings do not fail it unless asked
    code, _, _ = run(capsys, "timeline", str(EXAMPLES / "messy"), "--today", TODAY, "--fail-on", "error")
    assert code == 1
    bad = tmp_path / "bad.plan.yaml"
    bad.write_text("version: 1\ncandidate: {name: X}\ninterviews: nope\n", encoding="utf-8")
    code, out, err = run(capsys, "timeline", str(bad), "--today", TODAY)
    assert code == 2
    assert "Traceback" not in out + err
    assert "/interviews" in out + err


LONG = """\
version: 1
candidate: {name: Maximiliana Theodora Featherstonehaugh-Cholmondeley, decision_date: 2027-03-20}
interviews:
  - id: onsite
    company: The Extraordinarily Long-Named International Consolidated Widget and Sprocket Manufacturing Company of North America
    role: Principal Staff Senior Distinguished Engineer for Platform Reliability, Observability and Developer Experience
    date: 2027-03-02T14:00
    timing: {asked: true, decision_by: 2027-03-16}
    interviewers:
      - {id: dana, name: Dana Alexandra Whitfield-Montgomery-Fairweather, title: Senior Vice President of Engineering Operations and Strategic Infrastructure Planning, email: dana.alexandra.whitfield-montgomery-fairweather@extraordinarily-long-named-company.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - kind: thank_you
    channel: email
    to: dana
    cc: [recruiting-coordination-team-distribution-list@extraordinarily-long-named-company.example]
    date: 2027-03-02
    subject: "Thank you for the conversation about platform reliability, observability, developer experience and pipeline latency"
    text: "Dana, thank you for the deep-dive on pipeline latency and the backfill story; supercalifragilisticexpialidociousnessofthewholething."
"""


def test_long_names_and_addresses_stay_within_80_columns(capsys, tmp_path):
    plan = tmp_path / "long.plan.yaml"
    plan.write_text(LONG, encoding="utf-8")
    code, out, err = run(capsys, "timeline", str(plan), "--today", "2027-03-05")
    assert code == 0, err
    assert [line for line in out.splitlines() if len(line) > 80] == []
    assert "Extraordinarily" in out and "Whitfield-Montgomery" in out


@pytest.mark.parametrize("example", ["clean", "messy", "multi"])
def test_next_steps_are_the_agenda_of_next(capsys, example):
    """The timeline's next steps are `next`'s items (one computation), placed on their company."""
    import json

    timeline = timeline_of(EXAMPLES / example)
    code, out, err = run(
        capsys, "next", str(EXAMPLES / example), "--today", TODAY, "--format", "json", "--days", "3650"
    )
    assert code in (0, 1), err
    items = json.loads(out)["items"]
    shown = sorted(
        (c.plan, c.company, e.status, e.details[-1]) for c in timeline.companies for e in c.events if e.kind == "next"
    )
    assert shown == sorted((i["plan"], i["company"], i["status"], i["message"]) for i in items)
    for company in timeline.companies:
        for event in company.events:
            if event.kind == "next":
                assert event.day >= timeline.today  # what is overdue is due today


def test_next_steps_say_what_is_due_where():
    acme, brightline, *_ = timeline_of(EXAMPLES / "messy").companies
    overdue = [e for e in brightline.events if e.kind == "next"]
    assert [(e.status, e.title, e.day.isoformat()) for e in overdue] == [
        ("overdue", "thank-you → Alan Mercer", TODAY),
        ("overdue", "thank-you → Sofia Reyes", TODAY),
    ]
    assert {e.status for e in acme.events if e.kind == "next"} == {"overdue", "stop"}
    tallgrass = next(c for c in timeline_of(EXAMPLES / "multi").companies if c.company == "Tallgrass Analytics")
    (due,) = [e for e in tallgrass.events if e.kind == "next"]
    assert (due.status, due.day.isoformat(), due.details[0]) == ("due", "2026-11-30", "window 2026-11-30 to 2026-12-02")
    kinds = [e.kind for e in tallgrass.events]
    assert kinds.index("today") < kinds.index("next")
