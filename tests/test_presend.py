"""`etiquette-lint presend`: one message checked as the plan's next action (etiquette_lint/presend.py)."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest

from etiquette_lint.cli import main
from etiquette_lint.resources import schema_path

from conftest import EXAMPLES, ROOT

TODAY = "2026-11-26"
MESSY = EXAMPLES / "messy"

CHASER = """\
From: Jordan Castillo <jordan@mail.example>
To: Rhonda Feld <rhonda.feld@acme-medical.example>
Subject: Following up
Date: Sat, 14 Nov 2026 09:00:00 -0600

Hi Rhonda,

Just checking in again. Is there anything else I can send you?

Jordan
"""

ALAN = """\
From: Jordan Castillo <jordan@mail.example>
To: Alan Mercer <alan.mercer@brightline-ortho.example>
Cc: Sofia Reyes <sofia.reyes@brightline-ortho.example>
Subject: Thank you

Dear Alan,

Thank you for walking me through how you built the spine surgeon relationships in Indianapolis,
and for the candid account of loaner tray logistics on busy trauma weekends.

Best regards,
Jordan Castillo
"""


@pytest.fixture
def plan(tmp_path) -> Path:
    """A copy of the messy example (its plan and drafts), to work beside."""
    shutil.copytree(MESSY, tmp_path / "messy")
    return tmp_path / "messy" / "acme.plan.yaml"


def run(capsys, *args: str, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = main(["presend", "--today", TODAY, "--no-color", *args])
    out, err = capsys.readouterr()
    return status, out, err


def findings(capsys, *args: str, **kwargs) -> tuple[int, list[dict]]:
    status, out, err = run(capsys, "--format", "json", *args, **kwargs)
    assert status in (0, 1), err
    return status, json.loads(out)["findings"]


def test_an_email_is_checked_against_the_plans_history(plan, tmp_path, capsys):
    message = tmp_path / "chase.eml"
    message.write_text(CHASER)
    status, found = findings(capsys, "--plan", str(plan), str(message))
    rules = {f["rule"] for f in found}
    # The recipient comes from the To: header; Rhonda was contacted before, so it is a follow-up,
    # one day after the call, before the decision date, the fourth unanswered follow-up.
    # (follow-up-too-soon says nothing when email-and-call reports the same pair.)
    assert {
        "email-and-call",
        "early-status-check",
        "too-many-follow-ups",
        "no-permission-to-decline",
        "pushy-language",
    } <= rules
    assert "follow-up-too-soon" not in rules
    assert status == 1  # email-and-call is an error
    # Only what involves the message: nothing about the other company or the other actions.
    assert all(f["pointer"] == "/actions/9" or f["path"] == str(message) for f in found)
    assert "interviewer-not-thanked" not in rules and "no-follow-up" not in rules
    # Findings about the message as a whole point at its To: line; the earlier call is related.
    cadence = next(f for f in found if f["rule"] == "email-and-call")
    assert (cadence["path"], cadence["line"], cadence["column"]) == (str(message), 2, 1)
    assert cadence["related"][0]["path"] == str(plan) and cadence["related"][0]["pointer"] == "/actions/7"
    phrase = next(f for f in found if f["rule"] == "pushy-language")
    assert phrase["line"] == 8 and phrase["end_line"] == 8


def test_a_first_contact_is_a_thank_you_and_copied_colleagues_make_it_a_group_one(plan, tmp_path, capsys):
    message = tmp_path / "alan.eml"
    message.write_text(ALAN)
    # Alan is the hiring manager and the candidate decides first: the message is the place to say so.
    _, found = findings(capsys, "--plan", str(plan), "--date", "2026-10-22", str(message))
    assert {f["rule"] for f in found} == {"group-thank-you", "timeline-not-shared"}
    message.write_text(ALAN.replace("Cc: Sofia Reyes <sofia.reyes@brightline-ortho.example>\n", ""))
    status, found = findings(capsys, "--plan", str(plan), "--date", "2026-10-22", str(message))
    assert (status, {f["rule"] for f in found}) == (0, {"timeline-not-shared"})
    _, found = findings(capsys, "--plan", str(plan), "--date", "2026-10-26", str(message))
    assert {f["rule"] for f in found} == {"late-thank-you", "timeline-not-shared"}
    _, found = findings(capsys, "--plan", str(plan), "--date", "2026-10-26", "--kind", "follow_up", str(message))
    assert "late-thank-you" not in {f["rule"] for f in found}


def test_a_text_message_with_to_is_compared_with_the_plans_other_drafts(plan, tmp_path, capsys):
    message = tmp_path / "priya.txt"
    message.write_text((plan.parent / "drafts" / "tom-thanks.txt").read_text().replace("Tom", "Priya"))
    _, found = findings(
        capsys, "--plan", str(plan), "--to", "priya", "--kind", "thank_you", "--date", "2026-11-05", str(message)
    )
    copy = next(f for f in found if f["rule"] == "carbon-copy")
    assert copy["path"] == str(message) and "Tom Hadley" in copy["message"]
    assert copy["related"][0]["pointer"] == "/actions/3"
    assert {"unfilled-placeholder", "generic-message"} <= {f["rule"] for f in found}


def test_a_message_that_is_already_a_draft_of_the_plan_is_checked_as_that_action(plan, capsys):
    draft = plan.parent / "drafts" / "rhonda-follow-up-2.md"
    _, found = findings(capsys, "--plan", str(plan), str(draft))
    main(["check", str(plan), "--today", TODAY, "--format", "json"])
    everything = json.loads(capsys.readouterr().out)["findings"]
    involved = [
        f for f in everything if f["pointer"] == "/actions/6" or any(r["pointer"] == "/actions/6" for r in f["related"])
    ]
    assert found == involved
    assert {"pushy-language", "early-status-check", "email-and-call"} <= {f["rule"] for f in found}


def test_standard_input_is_read_as_an_rfc_5322_message(plan, capsys, monkeypatch):
    status, found = findings(capsys, "--plan", str(plan), stdin=CHASER.encode(), monkeypatch=monkeypatch)
    assert status == 1 and {f["path"] for f in found} == {"-"}
    status, found = findings(capsys, "--plan", str(plan), "-", stdin=CHASER.encode(), monkeypatch=monkeypatch)
    assert status == 1 and found


def test_without_a_plan_only_the_text_rules_run(tmp_path, capsys):
    message = tmp_path / "chase.eml"
    message.write_text(CHASER + "\nI need to hear back by Friday.\n")
    status, found = findings(capsys, str(message))
    assert {f["rule"] for f in found} == {"pushy-language", "ultimatum"}
    assert status == 0  # warnings only; --fail-on decides
    assert "Rhonda Feld" in found[0]["message"]
    status, _, _ = run(capsys, str(message), "--fail-on", "warning")
    assert status == 1
    clean = tmp_path / "clean.txt"
    clean.write_text("Dear Dana,\n\nThank you for the tour of the lab.\n")
    assert run(capsys, str(clean))[0] == 0


def test_a_suppression_in_the_message_is_honoured(tmp_path, capsys):
    message = tmp_path / "chase.eml"
    message.write_text(CHASER.replace("Jordan\n", "Jordan\n<!-- etiquette-lint: ignore[pushy-language] -->\n"))
    assert findings(capsys, str(message)) == (0, [])
    message.write_text(CHASER.replace("Jordan\n", "Jordan\n<!-- etiquette-lint: ignore[ultimatum] -->\n"))
    _, found = findings(capsys, str(message))
    assert {f["rule"] for f in found} == {"pushy-language", "unused-suppression"}


def test_sarif_and_github_formats_work_for_presend(plan, tmp_path, capsys):
    message = tmp_path / "chase.eml"
    message.write_text(CHASER)
    status, out, _ = run(capsys, "--plan", str(plan), str(message), "--format", "sarif")
    assert status == 1
    log = json.loads(out)
    assert log["runs"][0]["results"] and log["runs"][0]["invocations"][0]["executionSuccessful"]
    status, out, _ = run(capsys, "--plan", str(plan), str(message), "--format", "github")
    assert status == 1 and out.startswith("::")


@pytest.mark.parametrize(
    "args, stdin, expected",
    [
        (["--to", "nobody", "MSG"], None, "--to: unknown interviewer id 'nobody'; expected one of alan, greg"),
        (["MSG.txt"], None, "a text or Markdown message names no recipient; expected --to ID (one of alan"),
        (["--date", "2026-13-01", "MSG"], None, "--date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '2026-13-01'"),
        (["nothere.eml"], None, "nothere.eml: no such file"),
        (["BAD"], None, "is not UTF-8 text (byte 0xff at offset 5)"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(plan, tmp_path, capsys, monkeypatch, args, stdin, expected):
    (tmp_path / "m.eml").write_text(CHASER)
    (tmp_path / "m.txt").write_text("Dear Rhonda,\n\nThanks!\n")
    (tmp_path / "bad.txt").write_bytes(b"hello\xff")
    names = {"MSG": "m.eml", "MSG.txt": "m.txt", "BAD": "bad.txt"}
    args = [str(tmp_path / names[a]) if a in names else a for a in args]
    status, out, err = run(capsys, "--plan", str(plan), *args, stdin=stdin, monkeypatch=monkeypatch)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and expected in err, err
    assert "Traceback" not in err


def test_a_bad_plan_is_an_input_error(tmp_path, capsys):
    broken = tmp_path / "broken.plan.yaml"
    broken.write_text("version: 1\ncandidate: {name: A}\ninterviews: [\n")
    (tmp_path / "m.eml").write_text(CHASER)
    status, out, err = run(capsys, "--plan", str(broken), str(tmp_path / "m.eml"))
    assert status == 2 and "invalid YAML" in err and len(err.splitlines()) == 1
    status, out, err = run(capsys, "--plan", str(broken), str(tmp_path / "m.eml"), "--format", "json")
    assert status == 2 and json.loads(out)["errors"][0]["message"].startswith("invalid YAML")


def test_mail_to_someone_outside_the_plan_can_be_let_through(plan, capsys, monkeypatch):
    other = CHASER.replace("rhonda.feld@", "mom@").encode()
    status, out, err = run(
        capsys, "--plan", str(plan), "--skip-unknown-recipients", stdin=other, monkeypatch=monkeypatch
    )
    assert (status, out) == (0, "")
    assert "not checked" in err


def test_the_date_comes_from_the_option_then_the_header_then_today(plan, tmp_path, capsys):
    message = tmp_path / "chase.eml"
    message.write_text(CHASER)
    # Shown in the plan's zone: the header's 09:00 -0600 is 15:00 in UTC, 09:00 in Chicago.
    plan.write_text(plan.read_text().replace("version: 1\n", "version: 1\ntimezone: UTC\n"))
    _, found = findings(capsys, "--plan", str(plan), str(message))
    assert any("2026-11-14 15:00" in f["message"] for f in found)
    plan.write_text(plan.read_text().replace("timezone: UTC", "timezone: America/Chicago"))
    _, found = findings(capsys, "--plan", str(plan), str(message))
    assert any("2026-11-14 09:00" in f["message"] for f in found)
    _, found = findings(capsys, "--plan", str(plan), "--date", "2026-12-01", str(message))
    assert not any("2026-11-14" in f["message"] for f in found)
    assert "early-status-check" not in {f["rule"] for f in found}  # past the decision date now
    message.write_text(CHASER.replace("Date: Sat, 14 Nov 2026 09:00:00 -0600\n", ""))
    _, found = findings(capsys, "--plan", str(plan), str(message))
    assert any(TODAY in f["message"] for f in found)


def test_a_date_header_with_an_absurd_zone_offset_counts_as_no_date(plan, tmp_path, capsys):
    """Found by tests/fuzz (message target): `-0700999...` as the zone overflowed the standard
    library's date parser (OverflowError: an internal error). Such a header is ignored."""
    message = tmp_path / "chase.eml"
    message.write_text(CHASER.replace("09:00:00 -0600", "09:00:00 -0700" + "9" * 60))
    for args in (("--plan", str(plan), str(message)), (str(message),)):
        code, out, err = run(capsys, *args)
        assert code in (0, 1), out + err
        assert "internal error" not in out + err and "Traceback" not in out + err


def test_python_dash_m_presend_reads_standard_input(plan):
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "etiquette_lint", "presend", "--plan", str(plan), "--today", TODAY],
        input=CHASER.encode(),
        capture_output=True,
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    assert b"email-and-call" in result.stdout


# --- 1.1: the message a mail client sends, matched to its planned action ------------------------

HARBOR = ROOT / "tests" / "fixtures" / "presend"


@pytest.fixture
def harbor(tmp_path) -> Path:
    """A copy of the Harbor Analytics plan: three thank-yous and a follow-up, all planned."""
    shutil.copytree(HARBOR, tmp_path / "harbor")
    return tmp_path / "harbor" / "harbor.plan.yaml"


def eml(
    to: str, body: str, *, date: str = "Tue, 02 Mar 2027 18:40:00 -0700", subject: str = "Thank you", **headers
) -> bytes:
    """A message as a mail client hands it to sendmail: generated headers, CRLF-free here."""
    extra = "".join(f"{name.title()}: {value}\n" for name, value in headers.items())
    return (
        f"Date: {date}\nFrom: Jordan Lee <jordan.lee@mail.example>\nTo: {to}\n{extra}Subject: {subject}\n"
        f"Message-ID: <20270302.4711@mail.example>\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n"
        f"User-Agent: NeoMutt/20220429\n\n{body}"
    ).encode()


def report(capsys, monkeypatch, *args: str, stdin: bytes, today: str = "2027-03-02") -> tuple[int, dict]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = main(["presend", "--today", today, "--format", "json", *args])
    out, err = capsys.readouterr()
    assert status in (0, 1), err
    return status, json.loads(out)


def draft(plan: Path, name: str) -> str:
    return (plan.parent / "drafts" / name).read_text()


def test_a_planned_thank_you_from_standard_input_is_checked_as_that_thank_you(harbor, capsys, monkeypatch):
    message = eml("Dana Whitfield <dana.whitfield@harbor.example>", draft(harbor, "dana.md"))
    status, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=message)
    # Not "a follow-up to Dana" after its own planned thank-you: the thank-you itself, clean.
    assert (status, out["findings"], out["presend"]) == (0, [], {"matched": "/actions/0"})
    schema = json.loads(schema_path("report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(out, schema)
    # Unmatched (a week later: a new follow-up), the report says so with null.
    later = eml("dana.whitfield@harbor.example", draft(harbor, "dana.md"), date="Tue, 09 Mar 2027 09:00:00 -0700")
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=later, today="2027-03-09")
    assert out["presend"] is None
    jsonschema.validate(out, schema)


def test_a_copied_colleague_makes_the_planned_thank_you_a_group_one(harbor, capsys, monkeypatch):
    message = eml(
        "Dana Whitfield <dana.whitfield@harbor.example>",
        draft(harbor, "dana.md"),
        cc="Lee Park <lee.park@harbor.example>",
    )
    status, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=message)
    assert out["presend"] == {"matched": "/actions/0"}
    assert status == 1 and [f["rule"] for f in out["findings"]] == ["group-thank-you"]
    assert "also copies Lee Park" in out["findings"][0]["message"]
    assert "follow-up-too-soon" not in {f["rule"] for f in out["findings"]}
    # check says the same of the same message as the plan's draft.
    (harbor.parent / "drafts" / "dana.eml").write_bytes(message)
    harbor.write_text(harbor.read_text().replace("drafts/dana.md", "drafts/dana.eml"))
    main(["check", str(harbor), "--today", "2027-03-02", "--format", "json"])
    assert [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["group-thank-you"]


def test_a_blind_copy_passed_as_an_envelope_recipient_counts(harbor, capsys, monkeypatch):
    # mutt strips Bcc: and passes every recipient as a sendmail argument: --recipient here.
    message = eml("Dana Whitfield <dana.whitfield@harbor.example>", draft(harbor, "dana.md"))
    args = [
        "--plan",
        str(harbor),
        "--recipient",
        "dana.whitfield@harbor.example",
        "--recipient",
        "Omar.Haddad@harbor.example",
    ]
    status, out = report(capsys, monkeypatch, *args, stdin=message)
    assert status == 1 and [f["rule"] for f in out["findings"]] == ["group-thank-you"]
    assert "also copies Omar Haddad" in out["findings"][0]["message"]
    # A Bcc: header (a message saved with its headers) counts the same way.
    message = eml(
        "Dana Whitfield <dana.whitfield@harbor.example>", draft(harbor, "dana.md"), bcc="omar.haddad@harbor.example"
    )
    assert [f["rule"] for f in report(capsys, monkeypatch, "--plan", str(harbor), stdin=message)[1]["findings"]] == [
        "group-thank-you"
    ]


def test_a_copy_of_one_note_sent_to_another_interviewer_is_a_carbon_copy(harbor, capsys, monkeypatch):
    copied = draft(harbor, "dana.md").replace("Dear Dana", "Dear Omar")
    message = eml("Omar Haddad <omar.haddad@harbor.example>", copied, date="Wed, 03 Mar 2027 08:05:00 -0700")
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=message)
    assert out["presend"] == {"matched": "/actions/2"}
    copy = next(f for f in out["findings"] if f["rule"] == "carbon-copy")
    assert copy["path"] == "-" and copy["related"][0]["pointer"] == "/actions/0"


def test_a_planned_follow_up_is_checked_as_the_follow_up(harbor, capsys, monkeypatch):
    body = draft(harbor, "dana-follow-up.md")
    message = eml("dana.whitfield@harbor.example", body, date="Thu, 18 Mar 2027 09:10:00 -0600", subject="Checking in")
    status, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=message, today="2027-03-18")
    assert (status, out["findings"], out["presend"]) == (0, [], {"matched": "/actions/3"})


def test_only_a_message_within_match_days_is_matched(harbor, capsys, monkeypatch):
    body = draft(harbor, "dana-follow-up.md")
    late = eml("dana.whitfield@harbor.example", body, date="Mon, 22 Mar 2027 09:10:00 -0600")
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=late, today="2027-03-22")
    assert out["presend"] is None  # five days after the planned follow-up: a new action
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), "--match-days", "5", stdin=late, today="2027-03-22")
    assert out["presend"] == {"matched": "/actions/3"}


def test_the_same_kind_then_the_closest_text_decides_between_planned_actions(harbor, capsys, monkeypatch):
    text = harbor.read_text() + (
        "  - id: second-follow-up-dana\n    kind: follow_up\n    channel: email\n    to: dana\n"
        '    date: 2027-03-17\n    text: "Dear Dana, a short note to share the latency write-up I mentioned."\n'
    )
    harbor.write_text(text)
    write_up = eml(
        "dana.whitfield@harbor.example",
        "Dear Dana,\n\nA short note to share the latency write-up I mentioned.\n\nJordan\n",
        date="Wed, 17 Mar 2027 10:00:00 -0600",
    )
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=write_up, today="2027-03-17")
    assert out["presend"] == {"matched": "/actions/4"}
    follow_up = eml(
        "dana.whitfield@harbor.example", draft(harbor, "dana-follow-up.md"), date="Wed, 17 Mar 2027 10:00:00 -0600"
    )
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=follow_up, today="2027-03-17")
    assert out["presend"] == {"matched": "/actions/3"}


def test_a_message_to_nobody_in_the_plan_exits_0_with_one_line(harbor, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(eml("Mom <mom@family.example>", "See you at 6!\n"))))
    status = main(["presend", "--plan", str(harbor), "--today", "2027-03-02"])
    out, err = capsys.readouterr()
    assert (status, out) == (0, "")
    assert len(err.splitlines()) == 1 and "not checked" in err and "mom@family.example" in err


def test_a_morning_after_thank_you_with_a_local_offset_is_on_time(harbor, capsys, monkeypatch):
    # Issue 7, problem 4, through presend: 09:00-07:00 the next morning is 19 hours after 14:00 in Denver.
    message = eml(
        "Omar Haddad <omar.haddad@harbor.example>", draft(harbor, "omar.md"), date="Wed, 03 Mar 2027 09:00:00 -0700"
    )
    status, out = report(capsys, monkeypatch, "--plan", str(harbor), stdin=message, today="2027-03-03")
    assert (status, out["findings"], out["presend"]) == (0, [], {"matched": "/actions/2"})
    late = eml(
        "Omar Haddad <omar.haddad@harbor.example>", draft(harbor, "omar.md"), date="Wed, 03 Mar 2027 16:30:00 -0700"
    )
    _, out = report(capsys, monkeypatch, "--plan", str(harbor), "--fail-on", "warning", stdin=late, today="2027-03-03")
    late_finding = next(f for f in out["findings"] if f["rule"] == "late-thank-you")
    assert "2027-03-02 14:00 to 2027-03-03 16:30" in late_finding["message"]  # times in the plan's zone
