"""`etiquette-lint init`: a new plan from prompts or options lints as a fresh plan should (the
placeholders, the timing question), never overwrites, and `--add-interview` only inserts."""

from __future__ import annotations

import difflib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from etiquette_lint.cli import main
from etiquette_lint.plan import load_plan

from conftest import EXAMPLES, FIXTURES

ANSWERS = (
    "\n".join(
        [
            "Jordan Lee",  # your name
            "Harbor Analytics",  # company
            "Staff Data Engineer",  # role
            "2027-03-02",  # date
            "14:00",  # time
            "Dana Whitfield",
            "dana.whitfield@harbor.example",
            "y",  # hiring manager
            "Wen Zhao",
            "",  # no email
            "n",
            "",  # done
        ]
    )
    + "\n"
)


def invoke(args: list[str], answers: str = "") -> tuple[int, str, str]:
    """Run the real entry point (exit statuses as the shell sees them) with typed answers."""
    runner = CliRunner()
    with runner.isolation(input=answers) as streams:
        code = main(args)
    out, err = streams[0], streams[1]
    return code, out.getvalue().decode(), err.getvalue().decode() if err is not None else ""


def lint(path: Path, today: str) -> list[tuple[str, str]]:
    code, out, err = invoke(["check", str(path), "--today", today, "--format", "json", "--fail-on", "never"])
    assert code == 0, err
    return sorted((f["rule"], Path(f["path"]).name) for f in json.loads(out)["findings"])


FRESH = [
    ("carbon-copy", "harbor-r1-wen.md"),  # the two skeletons are the same until written
    ("generic-message", "harbor-analytics.plan.yaml"),
    ("generic-message", "harbor-analytics.plan.yaml"),
    ("missing-contact", "harbor-analytics.plan.yaml"),  # no email for Wen
    ("timing-not-asked", "harbor-analytics.plan.yaml"),
    ("unfilled-placeholder", "harbor-r1-dana.md"),
    ("unfilled-placeholder", "harbor-r1-wen.md"),
]


def test_init_by_prompts_writes_a_plan_that_reminds_what_to_do(tmp_path):
    code, out, err = invoke(["init", str(tmp_path)], ANSWERS)
    assert code == 0, err
    plan_file = tmp_path / "harbor-analytics.plan.yaml"
    assert f"wrote {plan_file}" in out
    plan = load_plan(str(plan_file), today=date(2027, 3, 2))
    (interview,) = plan.interviews
    assert (interview.company, interview.role, str(interview.when)) == (
        "Harbor Analytics",
        "Staff Data Engineer",
        "2027-03-02 14:00",
    )
    assert not interview.timing_asked
    assert [(p.name, p.email, p.hiring_manager) for p in plan.people.values()] == [
        ("Dana Whitfield", "dana.whitfield@harbor.example", True),
        ("Wen Zhao", None, False),
    ]
    assert [(a.kind, a.to, a.when.day, a.status) for a in plan.actions] == [
        ("thank_you", ("dana",), date(2027, 3, 2), "planned"),
        ("thank_you", ("wen",), date(2027, 3, 2), "planned"),
    ]
    assert lint(tmp_path, "2027-03-02") == FRESH


def test_init_by_options_for_scripts(tmp_path):
    args = [
        "init",
        str(tmp_path),
        "--no-input",
        "--candidate",
        "Jordan Lee",
        "--company",
        "Harbor Analytics",
        "--role",
        "Staff Data Engineer",
        "--date",
        "2027-03-02",
        "--time",
        "14:00",
        "--interviewer",
        "Dana Whitfield <dana.whitfield@harbor.example>, hiring manager",
        "--interviewer",
        "Wen Zhao",
    ]
    code, _, err = invoke(args)
    assert code == 0, err
    assert lint(tmp_path, "2027-03-02") == FRESH
    # The same answers typed at the prompts make the same files.
    prompted = tmp_path / "prompted"
    assert invoke(["init", str(prompted)], ANSWERS)[0] == 0
    for path in tmp_path.glob("*.plan.yaml"):
        assert path.read_text() == (prompted / path.name).read_text()
    for path in (tmp_path / "drafts").iterdir():
        assert path.read_text() == (prompted / "drafts" / path.name).read_text()


def test_writing_the_drafts_clears_the_reminders(tmp_path):
    assert invoke(["init", str(tmp_path)], ANSWERS)[0] == 0
    plan_file = tmp_path / "harbor-analytics.plan.yaml"
    text = plan_file.read_text()
    text = text.replace("asked: false", "asked: true\n      decision_by: 2027-03-16", 1)
    text = text.replace("topics: []", "topics: [backfill jobs for the billing warehouse]", 1)
    text = text.replace("topics: []", "topics: [on-call rotation for the data platform]", 1)
    text = text.replace("channel: email\n    to: wen", "channel: linkedin\n    to: wen")
    plan_file.write_text(text)
    (tmp_path / "drafts" / "harbor-r1-dana.md").write_text(
        "Hi Dana,\n\nThank you for walking me through the backfill jobs for the billing warehouse; the way your "
        "team replays late invoices without double counting is a problem I would enjoy working on.\n\n"
        "Best regards,\nJordan Lee\n"
    )
    (tmp_path / "drafts" / "harbor-r1-wen.md").write_text(
        "Wen, thanks for the frank picture of the on-call rotation for the data platform. Hearing how the "
        "runbooks cut pages by half made me want to help keep it that calm.\n\nJordan\n"
    )
    assert lint(tmp_path, "2027-03-02") == []


def test_init_never_overwrites(tmp_path):
    assert invoke(["init", str(tmp_path)], ANSWERS)[0] == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, _, err = invoke(["init", str(tmp_path)], ANSWERS)
    assert code == 2
    assert "already exists" in err and "never overwrites" in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    # A draft in the way: nothing at all is written, not even the plan.
    other = tmp_path / "other"
    (other / "drafts").mkdir(parents=True)
    (other / "drafts" / "harbor-r1-wen.md").write_text("mine\n")
    code, _, err = invoke(["init", str(other)], ANSWERS)
    assert code == 2 and "harbor-r1-wen.md already exists" in err
    assert sorted(p.name for p in other.rglob("*")) == ["drafts", "harbor-r1-wen.md"]
    assert (other / "drafts" / "harbor-r1-wen.md").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--company", "Harbor", "--interviewer", "Dana"], "missing --candidate"),
        (["--candidate", "Jo", "--company", "Harbor"], "missing --interviewer"),
        (["--candidate", "Jo", "--company", "H", "--interviewer", "Dana", "--date", "03/02/2027"], "YYYY-MM-DD"),
        (["--candidate", "Jo", "--company", "H", "--interviewer", "Dana <not-an-address>"], "not an email address"),
        (["--candidate", "Jo", "--company", "H", "--interviewer", "Dana", "--time", "2pm"], "HH:MM"),
    ],
)
def test_bad_options_exit_2_with_a_message_and_write_nothing(tmp_path, args, message):
    code, out, err = invoke(["init", str(tmp_path), "--no-input", *args])
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err
    assert not any(tmp_path.iterdir())


def test_a_bad_answer_at_a_prompt_is_asked_again(tmp_path):
    answers = ANSWERS.replace("2027-03-02", "March 2nd\n2027-03-02", 1)
    code, out, err = invoke(["init", str(tmp_path)], answers)
    assert code == 0, err
    assert "YYYY-MM-DD" in out + err


EDITABLE = [
    EXAMPLES / "messy" / "acme.plan.yaml",
    EXAMPLES / "multi" / "search.plan.yaml",
    EXAMPLES / "clean" / "northwind.plan.yaml",
    *sorted(p for p in FIXTURES.glob("*/*.plan.yaml") if p.parent.name != "bad-input")[::4],
]


@pytest.mark.parametrize("source", EDITABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_add_interview_only_inserts(tmp_path, source):
    folder = tmp_path / "plan"
    shutil.copytree(source.parent, folder)
    plan_file = folder / source.name
    before = plan_file.read_text()
    original = load_plan(str(plan_file), today=date(2027, 1, 1))
    known = next(iter(original.people.values()))
    code, _, err = invoke(
        [
            "init",
            "--add-interview",
            str(plan_file),
            "--no-input",
            "--date",
            "2027-01-12",
            "--interviewer",
            f"{known.name} <{known.email}>" if known.email else known.name,
            "--interviewer",
            "Noor Haddad <noor.haddad@example.com>, hiring manager",
        ]
    )
    assert code == 0, err
    after = plan_file.read_text()
    # Every line of the original is still there, in order, byte for byte: only insertions.
    ops = difflib.SequenceMatcher(a=before.splitlines(True), b=after.splitlines(True), autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} <= {"equal", "insert"}, [o for o in ops if o[0] != "equal"]
    plan = load_plan(str(plan_file), today=date(2027, 1, 12))
    new = plan.interviews[-1]
    last = original.interviews[-1]
    assert (new.company, new.role, new.when.day) == (last.company, last.role, date(2027, 1, 12))
    assert new.people[0] == known.id  # met before: listed by id only
    assert len(plan.people) == len(original.people) + 1
    thanks = [a for a in plan.actions if a.interview == new.id]
    assert [(a.kind, a.to, a.status, a.when.day) for a in thanks] == [
        ("thank_you", (known.id,), "planned", date(2027, 1, 12)),
        ("thank_you", (new.people[1],), "planned", date(2027, 1, 12)),
    ]
    for action in thanks:
        assert "[what you and" in action.message.text
    findings = lint(plan_file, "2027-01-12")
    assert ("timing-not-asked", plan_file.name) in findings
    drafts = {Path(a.draft).name for a in thanks}
    assert sorted(name for rule, name in findings if rule == "unfilled-placeholder" and name in drafts) == sorted(
        drafts
    )


def test_add_interview_refuses_a_plan_that_does_not_load(tmp_path):
    plan_file = tmp_path / "x.plan.yaml"
    plan_file.write_text("version: 1\ncandidate: {name: X}\ninterviews: []  # keep me\n")
    before = plan_file.read_bytes()
    code, _, err = invoke(
        ["init", "--add-interview", str(plan_file), "--no-input", "--company", "Y", "--interviewer", "Dana"]
    )
    assert code == 2 and "Traceback" not in err and err.strip()
    assert plan_file.read_bytes() == before
    assert not (tmp_path / "drafts").exists()
