"""One input error must not hide everything: an error confined to one action (its draft is
missing or unreadable, it names an unknown id) is reported, exit status 2, and the rest of the
plan is still linted; a failure in one plan of many is tied to its file and the others survive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from etiquette_lint import InputError, lint_path
from etiquette_lint.cli import main
from etiquette_lint.resources import schema_path

from conftest import EXAMPLES

TODAY = "2026-11-26"
REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def messy(tmp_path) -> Path:
    folder = tmp_path / "messy"
    shutil.copytree(EXAMPLES / "messy", folder)
    return folder


def check_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["check", *args, "--today", TODAY, "--format", "json"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    jsonschema.validate(report, REPORT_SCHEMA)
    return code, report, captured.err


def keys(report: dict) -> set[tuple]:
    return {(Path(f["path"]).name, f["rule"], f["pointer"]) for f in report["findings"]}


def edit(plan: Path, old: str, new: str) -> None:
    text = plan.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    plan.write_text(text.replace(old, new), encoding="utf-8")


def test_a_misspelt_draft_is_an_input_error_and_the_rest_is_still_linted(capsys, messy):
    _, whole, _ = check_json(capsys, str(messy))
    plan = messy / "acme.plan.yaml"
    edit(plan, "draft: drafts/tom-thanks.txt", "draft: drafts/tom-thank.txt")
    code, report, _ = check_json(capsys, str(messy))
    assert code == 2
    assert [e["pointer"] for e in report["errors"]] == [report["errors"][0]["pointer"]]
    assert "does not exist" in report["errors"][0]["message"] and report["errors"][0]["line"]
    assert report["summary"]["partial"] == [str(plan)]
    # Everything that did not come from Tom's thank-you (/actions/3) is still there, nothing new.
    expected = {k for k in keys(whole) if k[0] != "tom-thanks.txt" and k[2] != "/actions/3"}
    assert expected <= keys(report) <= keys(whole)
    assert len(expected) >= 25


def test_the_text_summary_says_the_plan_was_linted_in_part(capsys, messy):
    edit(messy / "acme.plan.yaml", "draft: drafts/greg-thanks.txt", "draft: drafts/gregg-thanks.txt")
    code = main(["check", str(messy), "--today", TODAY, "--no-color"])
    out = capsys.readouterr().out
    assert code == 2
    assert "gregg-thanks.txt' does not exist" in out
    assert "email-and-call" in out and "carbon-copy" in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("Found ") and "1 input error" in summary and "linted in part" in summary


def test_an_unreadable_draft_is_local_too(capsys, messy):
    (messy / "drafts" / "greg-thanks.txt").write_bytes(b"Dear Greg,\n\xff\xfe broken\n")
    code, report, _ = check_json(capsys, str(messy))
    assert code == 2 and len(report["errors"]) == 1 and "UTF-8" in report["errors"][0]["message"]
    assert {"email-and-call", "ultimatum", "pushy-language"} <= {f["rule"] for f in report["findings"]}
    assert len(report["findings"]) >= 25


def test_an_unknown_id_in_one_action_leaves_that_action_out(capsys, messy):
    plan = messy / "acme.plan.yaml"
    text = plan.read_text(encoding="utf-8")
    # The follow-up email to Rhonda names a person who is not in the plan.
    edit(plan, "draft: drafts/rhonda-follow-up-1.txt", "draft: drafts/rhonda-follow-up-1.txt\n    cc: [rhondaa]")
    code, report, _ = check_json(capsys, str(messy))
    assert code == 2 and "unknown interviewer id 'rhondaa'" in report["errors"][0]["message"]
    assert report["findings"] and report["summary"]["partial"]
    plan.write_text(text, encoding="utf-8")
    edit(plan, "interview: acme-panel\n    date: 2026-11-12", "interview: acme-panal\n    date: 2026-11-12")
    code, report, _ = check_json(capsys, str(messy))
    assert code == 2 and "unknown interview id 'acme-panal'" in report["errors"][0]["message"]
    assert len(report["findings"]) >= 20


def test_an_error_that_is_not_local_still_stops_the_plan(capsys, messy):
    """A wrong value or a duplicate id concerns the whole plan: nothing of it is linted (as in 1.0)."""
    plan = messy / "acme.plan.yaml"
    edit(plan, "draft: drafts/tom-thanks.txt", "draft: drafts/tom-thank.txt")
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("channel: email", "channel: fax", 1), encoding="utf-8")
    code, report, _ = check_json(capsys, str(plan))  # messy/ also holds other-searches.plan.yaml
    assert code == 2 and not report["findings"] and "partial" not in report["summary"]
    assert any("fax" in e["message"] for e in report["errors"])


def test_the_python_api_still_raises_the_input_error(messy):
    edit(messy / "acme.plan.yaml", "draft: drafts/tom-thanks.txt", "draft: drafts/tom-thank.txt")
    with pytest.raises(InputError, match="does not exist"):
        lint_path(messy / "acme.plan.yaml")


def test_a_failure_in_one_plan_is_tied_to_its_file_and_the_other_plans_survive(capsys, tmp_path, monkeypatch):
    """A bug hit while linting one plan (here forced on one draft) is reported against that plan;
    the findings of every other plan are kept."""
    shutil.copytree(EXAMPLES / "messy", tmp_path / "messy")
    shutil.copytree(EXAMPLES / "multi", tmp_path / "multi")
    import etiquette_lint.lint as lint

    real = lint.build_facts

    def broken(plan, *args, **kwargs):
        if plan.path.endswith("acme.plan.yaml"):
            raise KeyError("boom")
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(lint, "build_facts", broken)
    code, report, _ = check_json(capsys, str(tmp_path))
    assert code == 2
    [error] = report["errors"]
    assert error["path"].endswith("acme.plan.yaml") and "internal error: KeyError" in error["message"]
    # every other plan survives: multi/ and messy/other-searches.plan.yaml beside the broken one
    assert report["findings"] and all("acme" not in f["path"] for f in report["findings"])
    assert {"multi", "messy"} <= {Path(f["path"]).relative_to(tmp_path).parts[0] for f in report["findings"]}
    assert report["summary"]["files"] == 3


def test_an_internal_error_in_presend_names_the_message(capsys, tmp_path, monkeypatch):
    import etiquette_lint.presend as presend

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(presend, "presend", broken)
    note = tmp_path / "note.md"
    note.write_text("Dear Dana,\n\nThank you.\n", encoding="utf-8")
    code = main(["presend", str(note)])
    err = capsys.readouterr().err
    assert code == 2 and f"{note}: internal error: ValueError: boom" in err and "Traceback" not in err
