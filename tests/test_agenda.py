"""`etiquette-lint next`: the agenda of each example as a recruiter would give it, its JSON valid
against schemas/agenda.schema.json, its text grouped by day, and its calendar (.ics) imported by a
real calendar program (khal), twice, without duplicates."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest

from etiquette_lint.cli import main
from etiquette_lint.resources import schema_path

from conftest import EXAMPLES, FIXTURES

TODAY = "2026-11-26"
ANSI = re.compile(r"\033\[[0-9;]*m")
SCHEMA = json.loads(schema_path("agenda.schema.json").read_text(encoding="utf-8"))
KHAL = shutil.which("khal")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["next", *args])
    out, err = capsys.readouterr()
    return code, out, err


def agenda_json(capsys, path: Path, *args: str) -> dict:
    code, out, err = run(capsys, str(path), "--today", TODAY, "--format", "json", *args)
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    return data


def summary(data: dict) -> list[tuple]:
    return [(i["company"], i["status"], i["kind"], tuple(i["to"]), i["action"]) for i in data["items"]]


@pytest.mark.parametrize("days", ["0", "14", "60"])
@pytest.mark.parametrize("example", ["clean", "messy", "multi"])
def test_every_example_agenda_is_valid_json(capsys, example, days):
    data = agenda_json(capsys, EXAMPLES / example, "--days", days)
    assert data["today"] == TODAY and data["days"] == int(days)
    horizon = date.fromisoformat(TODAY) + timedelta(days=int(days))
    for item in data["items"]:
        if item["status"] == "due":
            assert date.fromisoformat(item["date"]) <= horizon
        assert (item["message"] and item["company"] in item["message"]) or item["to"][0] in item["message"]


def test_every_fixture_agenda_is_valid_json(capsys):
    plans = sorted(p for p in FIXTURES.rglob("*.plan.yaml") if "bad-input" not in p.parts)
    for plan in plans:
        agenda_json(capsys, plan, "--days", "30")


def test_messy_agenda_says_what_a_recruiter_would(capsys):
    data = agenda_json(capsys, EXAMPLES / "messy")
    assert summary(data) == [
        # today: the thank-you to Tom, still planned three weeks on; the two Brightline
        # interviewers nobody thanked; Northpoint's decision date passed with nothing sent
        ("Acme Medical Systems", "overdue", "thank_you", ("Tom Hadley",), "/actions/3"),
        ("Brightline Orthopedics", "overdue", "thank_you", ("Alan Mercer",), None),
        ("Brightline Orthopedics", "overdue", "thank_you", ("Sofia Reyes",), None),
        ("Northpoint Diagnostics", "overdue", "follow_up", ("Leona Baptiste",), None),
        # Acme: three follow-ups unanswered, so the planned ultimatum is dropped; Kestrel said no
        ("Acme Medical Systems", "stop", "follow_up", ("Rhonda Feld",), None),
        ("Acme Medical Systems", "stop", "follow_up", ("Rhonda Feld",), "/actions/8"),
        ("Kestrel Surgical", "stop", "follow_up", ("Dwayne Ostrowski",), None),
    ]
    northpoint = data["items"][3]
    assert (northpoint["date"], northpoint["until"]) == ("2026-11-23", "2026-11-24")
    assert northpoint["rules"] == ["follow-up-due"]
    ultimatum = data["items"][5]
    assert {"too-many-follow-ups", "ultimatum"} <= set(ultimatum["rules"])
    assert "drop it" in ultimatum["message"]


def test_clean_agenda_is_one_follow_up_window_ahead(capsys):
    data = agenda_json(capsys, EXAMPLES / "clean")
    assert summary(data) == [("Northwind Logistics Software", "due", "follow_up", ("Graham Ostrowski",), None)]
    item = data["items"][0]
    assert (item["date"], item["until"], item["rules"]) == ("2026-12-01", "2026-12-03", ["follow-up-due"])
    # --days 3 ends before the window opens: nothing to show
    assert agenda_json(capsys, EXAMPLES / "clean", "--days", "3")["items"] == []


def test_multi_agenda_keeps_the_planned_steps_and_the_window_of_the_silent_company(capsys):
    data = agenda_json(capsys, EXAMPLES / "multi")
    got = {(i["company"], i["status"], i["action"] is not None) for i in data["items"]}
    # Tallgrass has not answered: a follow-up window opens; the two others have a follow-up planned.
    assert ("Tallgrass Analytics", "due", False) in got
    assert ("Cobaltline Energy Software", "due", True) in got
    assert ("Harbor & Finch Insurance", "due", True) in got
    assert not [i for i in data["items"] if i["status"] == "stop"]


def test_text_is_grouped_by_day_today_first(capsys):
    code, out, _ = run(capsys, str(EXAMPLES / "multi"), "--today", TODAY, "--no-color", "--days", "30")
    assert code == 0 and not ANSI.search(out)
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")][1:]
    days = [re.search(r"\d{4}-\d{2}-\d{2}", h).group(0) for h in headings]
    assert days == sorted(days) and len(set(days)) == len(days)
    code, out, _ = run(capsys, str(EXAMPLES / "messy"), "--today", TODAY, "--no-color")
    assert out.splitlines()[2] == "Today, Thu 2026-11-26"
    assert "! overdue" in out and "■ stop" in out  # the status is a word and a mark, not only a colour
    assert "rules: follow-up-due" in out


def test_no_color_environment_and_output_files_are_plain(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, str(EXAMPLES / "messy"), "--today", TODAY)
    assert not ANSI.search(out)
    monkeypatch.delenv("NO_COLOR")
    target = tmp_path / "agenda.txt"
    run(capsys, str(EXAMPLES / "messy"), "--today", TODAY, "--output", str(target))
    assert not ANSI.search(target.read_text(encoding="utf-8"))


def test_a_plan_that_cannot_be_read_is_exit_2_with_a_message(capsys, tmp_path):
    bad = tmp_path / "bad.plan.yaml"
    bad.write_text("version: 1\ncandidate: {name: X}\ninterviews: [}\n")
    code, out, err = run(capsys, str(bad), "--today", TODAY, "--format", "json")
    assert code == 2 and "Traceback" not in err and "bad.plan.yaml" in err
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["errors"] and data["items"] == []


def test_the_schema_ships_with_the_package(capsys):
    code = main(["schema", "agenda"])
    out, _ = capsys.readouterr()
    assert code == 0 and json.loads(out)["title"].startswith("etiquette-lint agenda")


# --- the calendar ------------------------------------------------------------------------------


def ics(capsys, path: Path, today: str = TODAY) -> bytes:
    code, out, err = run(capsys, str(path), "--today", today, "--format", "ics")
    assert code == 0, err
    return out.encode("utf-8")


def test_ics_has_one_all_day_event_per_due_or_overdue_item_with_stable_uids(capsys):
    from icalendar import Calendar

    data = agenda_json(capsys, EXAMPLES / "messy")
    wanted = {i["uid"]: i for i in data["items"] if i["status"] in ("due", "overdue")}
    events = Calendar.from_ical(ics(capsys, EXAMPLES / "messy")).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(wanted)
    for event in events:
        item = wanted[str(event["uid"])]
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and type(end) is date and start < end  # all-day
        assert start == date.fromisoformat(TODAY)  # overdue: today is the day to do it
        description = str(event["description"])
        assert item["message"] in description and item["to"][0] in description
        assert item["to"][0] in str(event["summary"])
    # The next day's export names the same steps with the same UIDs (a re-import updates them).
    later = Calendar.from_ical(ics(capsys, EXAMPLES / "messy", "2026-11-27")).walk("VEVENT")
    assert {str(e["uid"]) for e in later} == set(wanted)
    # The same plan on the same day gives the same bytes.
    assert ics(capsys, EXAMPLES / "messy") == ics(capsys, EXAMPLES / "messy")


def test_ics_window_spans_its_days(capsys):
    from icalendar import Calendar

    event = Calendar.from_ical(ics(capsys, EXAMPLES / "clean")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == date(2026, 12, 1) and event.decoded("dtend") == date(2026, 12, 4)
    assert "Graham Ostrowski" in str(event["summary"])


@pytest.mark.skipif(KHAL is None, reason="needs khal, a calendar program: sudo apt-get install -y khal")
def test_khal_imports_the_calendar_and_a_re_import_updates_instead_of_duplicating(capsys, tmp_path):
    calendar = tmp_path / "calendar"
    calendar.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[agenda]]\npath = {calendar}\ntype = calendar\n\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def khal(*args: str) -> str:
        result = subprocess.run(
            [KHAL, "-c", str(config), *args], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    first = tmp_path / "first.ics"
    first.write_bytes(ics(capsys, EXAMPLES / "messy"))
    khal("import", "--batch", "-a", "agenda", str(first))
    events = sorted(calendar.glob("*.ics"))
    assert len(events) == 4  # Tom's thank-you, Alan's and Sofia's, Northpoint's follow-up
    listed = khal("list", "2026-11-26", "2d")
    for name in ("Tom Hadley", "Alan Mercer", "Sofia Reyes", "Leona Baptiste"):
        assert name in listed
    # The next morning's export: same steps, now on the 27th; khal updates them in place.
    second = tmp_path / "second.ics"
    second.write_bytes(ics(capsys, EXAMPLES / "messy", "2026-11-27"))
    khal("import", "--batch", "-a", "agenda", str(second))
    assert len(sorted(calendar.glob("*.ics"))) == 4
    listed = khal("list", "2026-11-26", "1d")
    assert "Tom Hadley" not in listed
    assert "Tom Hadley" in khal("list", "2026-11-27", "1d")


def test_a_fresh_plan_from_init_has_its_thank_yous_due_then_overdue_and_no_follow_up_before_them(capsys, tmp_path):
    code = main(
        [
            "init",
            str(tmp_path),
            "--no-input",
            "--candidate",
            "Jo Park",
            "--company",
            "Pinecrest Labs",
            "--role",
            "QA Lead",
            "--date",
            "2027-04-06",
            "--interviewer",
            "Mara Quinn <mara@pinecrest.example>, hiring manager",
            "--interviewer",
            "Leo Tan <leo@pinecrest.example>",
        ]
    )
    capsys.readouterr()
    assert code == 0
    data = agenda_json(capsys, tmp_path, "--today", "2027-04-06")
    thanks = [(i["status"], i["to"], i["date"]) for i in data["items"] if i["kind"] == "thank_you"]
    assert sorted(thanks) == [("due", ["Leo Tan"], "2027-04-06"), ("due", ["Mara Quinn"], "2027-04-06")]
    # Two weeks on, the thank-yous never went out: they are overdue, and no follow-up is due
    # before them (nothing was sent to follow up on).
    data = agenda_json(capsys, tmp_path, "--today", "2027-04-20")
    assert sorted((i["status"], i["kind"]) for i in data["items"]) == [("overdue", "thank_you")] * 2
