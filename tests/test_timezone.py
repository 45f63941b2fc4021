"""The plan's time zone (1.1, `timezone:`): datetimes without an offset are wall-clock times there,
those with an offset are converted to it, day arithmetic uses calendar dates there, and messages
show times in it. Default: the machine's local zone (the TZ environment variable)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from etiquette_lint.cli import main

from conftest import ROOT

# Issue 7, problem 4: an interview at 14:00 in Denver, the thank-you written the next morning at
# 09:00 with the offset every mail client writes (-07:00): 19 hours later, on time.
DENVER = """\
version: 1
{zone}candidate: {{name: Jordan Lee}}
interviews:
  - id: onsite
    company: Harbor Analytics
    date: 2027-03-02T14:00
    timing: {{asked: true}}
    interviewers:
      - {{id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}}
actions:
  - {{kind: thank_you, channel: email, to: dana, date: "{sent}", text: "Dana, thank you for the deep-dive on pipeline latency and the story of the late partitions."}}
"""


def lint(capsys, tmp_path, zone: str | None, sent: str) -> tuple[int, list[dict], str]:
    plan = tmp_path / "denver.plan.yaml"
    plan.write_text(DENVER.format(zone=f"timezone: {zone}\n" if zone else "", sent=sent))
    status = main(["check", str(plan), "--today", "2027-03-10", "--format", "json", "--select", "late-thank-you"])
    out, err = capsys.readouterr()
    return status, (json.loads(out)["findings"] if out else []), err


def test_a_morning_after_thank_you_in_denver_is_not_late(capsys, tmp_path):
    status, found, _ = lint(capsys, tmp_path, "America/Denver", "2027-03-03T09:00-07:00")
    assert (status, found) == (0, [])


def test_the_same_moment_in_another_zone_is_compared_after_conversion(capsys, tmp_path):
    # 16:00 UTC the next day is 09:00 in Denver: still 19 hours, whatever offset it is written with.
    assert lint(capsys, tmp_path, "America/Denver", "2027-03-03T16:00Z")[1] == []
    # In a plan kept in UTC, the interview is at 14:00 UTC: the note is 26 hours later, late, and
    # the message shows both times in UTC without contradicting itself.
    _, found, _ = lint(capsys, tmp_path, "UTC", "2027-03-03T09:00-07:00")
    assert [f["rule"] for f in found] == ["late-thank-you"]
    assert "2027-03-02 14:00 to 2027-03-03 16:00" in found[0]["message"]


def test_day_arithmetic_uses_calendar_dates_in_the_plans_zone(capsys, tmp_path):
    # 2027-03-04T02:00Z is the evening of March 3 in Denver: the next calendar day there.
    plan = DENVER.format(zone="timezone: America/Denver\n", sent="2027-03-04T02:00Z").replace(
        "date: 2027-03-02T14:00", "date: 2027-03-02"
    )
    (tmp_path / "p.plan.yaml").write_text(plan)
    main(["check", str(tmp_path / "p.plan.yaml"), "--today", "2027-03-10", "--select", "late-thank-you"])
    assert "late-thank-you" not in capsys.readouterr().out
    # In UTC the same moment is two days later: late.
    (tmp_path / "p.plan.yaml").write_text(plan.replace("America/Denver", "UTC"))
    main(["check", str(tmp_path / "p.plan.yaml"), "--today", "2027-03-10", "--select", "late-thank-you"])
    assert "late-thank-you" in capsys.readouterr().out


def test_daylight_saving_changes_count_elapsed_hours(capsys, tmp_path):
    # Clocks go forward in Denver on 2027-03-14: 14:00 to 15:00 the next day is 24 hours, not 25.
    plan = DENVER.format(zone="timezone: America/Denver\n", sent="2027-03-14T15:00").replace(
        "2027-03-02T14:00", "2027-03-13T14:00"
    )
    (tmp_path / "p.plan.yaml").write_text(plan)
    main(["check", str(tmp_path / "p.plan.yaml"), "--today", "2027-03-20", "--select", "late-thank-you"])
    assert "late-thank-you" not in capsys.readouterr().out
    (tmp_path / "p.plan.yaml").write_text(plan.replace("T15:00", "T15:01"))
    main(["check", str(tmp_path / "p.plan.yaml"), "--today", "2027-03-20", "--select", "late-thank-you"])
    assert "late-thank-you" in capsys.readouterr().out


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "UTC+7"])
def test_an_unknown_zone_is_an_input_error(capsys, tmp_path, zone):
    (tmp_path / "p.plan.yaml").write_text(DENVER.format(zone=f"timezone: '{zone}'\n", sent="2027-03-03"))
    assert main(["check", str(tmp_path / "p.plan.yaml"), "--today", "2027-03-10"]) == 2
    err = capsys.readouterr().out  # input errors are part of the report
    assert "/timezone" in err and "is not a known time zone; expected an IANA name such as America/Denver" in err
    assert ":2:" in err  # the line of timezone:


def test_without_timezone_the_machines_zone_is_used(tmp_path):
    plan = tmp_path / "denver.plan.yaml"
    plan.write_text(DENVER.format(zone="", sent="2027-03-03T09:00-07:00"))

    def run(tz: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "etiquette_lint", "check", str(plan), "--today", "2027-03-10", "--no-color"],
            capture_output=True,
            text=True,
            env={**os.environ, "TZ": tz},
            cwd=ROOT,
            timeout=120,
        )

    assert run("America/Denver").returncode == 0
    late = run("UTC")
    assert late.returncode == 0 and "late-thank-you" in late.stdout  # a warning: exit 0
    assert "late-thank-you" not in run("America/Denver").stdout
