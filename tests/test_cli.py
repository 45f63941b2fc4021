"""The command line: exit statuses, formats, options, configuration and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from etiquette_lint.cli import main
from etiquette_lint.resources import schema_path

from conftest import EXAMPLES, FIXTURES, ROOT

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text(encoding="utf-8"))
TODAY = "2026-11-26"
MINIMAL = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    date: 2027-03-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - kind: thank_you
    channel: email
    to: dana
    date: 2027-03-02
    text: "Dana, thank you for the deep-dive on pipeline latency and the backfill story."
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_plan(folder: Path, text: str = MINIMAL, name: str = "job.plan.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_example_has_no_findings_and_exits_0(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "clean"), "--today", TODAY)
    assert code == 0, out
    assert "No findings in 1 file." in out


def test_messy_example_exits_1_and_fail_on_never_exits_0(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "messy"), "--today", TODAY)
    assert code == 1
    assert " error " in out and "Found " in out
    code, _, _ = run(capsys, "check", str(EXAMPLES / "messy"), "--today", TODAY, "--fail-on", "never")
    assert code == 0


def test_fail_on_threshold(capsys, tmp_path):
    plan = write_plan(tmp_path, MINIMAL.replace("timing: {asked: true}", "timing: {}"))
    # Only timing-not-asked (a warning) fires.
    assert run(capsys, "check", str(plan), "--today", "2027-03-05")[0] == 0
    assert run(capsys, "check", str(plan), "--today", "2027-03-05", "--fail-on", "warning")[0] == 1
    assert run(capsys, "check", str(plan), "--today", "2027-03-05", "--fail-on", "info")[0] == 1


@pytest.mark.parametrize("folder", [EXAMPLES, FIXTURES], ids=["examples", "fixtures"])
def test_json_report_validates_against_the_shipped_schema(capsys, folder):
    code, out, _ = run(capsys, "check", str(folder), "--today", TODAY, "--format", "json", "--fail-on", "never")
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["summary"]["files"] >= 1
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in report["findings"]]
    assert keys == sorted(keys), "findings are sorted by path, line, column, rule"
    if folder == EXAMPLES:
        assert code == 0 and report["findings"]


def test_json_finding_has_the_contract_fields(capsys):
    _, out, _ = run(capsys, "check", str(EXAMPLES / "messy"), "--today", TODAY, "--format", "json")
    report = json.loads(out)
    pair = next(f for f in report["findings"] if f["rule"] == "email-and-call")
    assert pair["severity"] == "error"
    assert pair["pointer"].startswith("/actions/")
    assert pair["related"] and pair["related"][0]["pointer"].startswith("/actions/")
    assert pair["fix"]
    text = next(f for f in report["findings"] if f["rule"] == "unfilled-placeholder")
    assert text["path"].endswith((".md", ".txt", ".eml")), "a text finding points into the draft"
    draft = Path(text["path"]).read_text(encoding="utf-8").splitlines()
    quoted = text["message"].split('"')[1]
    assert quoted in draft[text["line"] - 1][text["column"] - 1 :]


def test_every_enabled_rule_fires_somewhere_in_the_examples(capsys):
    from etiquette_lint.rules import load_rules

    _, out, _ = run(capsys, "check", str(EXAMPLES), "--today", TODAY, "--format", "json", "--fail-on", "never")
    fired = {f["rule"] for f in json.loads(out)["findings"]}
    enabled = {r.id for r in load_rules().rules.values() if r.enabled}
    assert enabled <= fired, f"never fire in the examples: {sorted(enabled - fired)}"


def test_output_file_is_written_and_never_an_input(capsys, tmp_path):
    plan = write_plan(tmp_path)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    code, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "json", "--output", str(report))
    assert code == 0 and out == ""
    assert json.loads(report.read_text())["summary"]["files"] == 1
    before = plan.read_bytes()
    code, _, err = run(capsys, "check", str(plan), "--output", str(plan))
    assert code == 2 and "is a file this command reads" in err
    assert plan.read_bytes() == before


def test_stdin_plan(capsys, tmp_path, monkeypatch):
    import io

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MINIMAL.encode())))
    code, out, _ = run(capsys, "check", "-", "--today", "2027-03-05", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["files"] == 1


def test_select_ignore_and_extend_select(capsys, tmp_path):
    plan = write_plan(tmp_path)

    def fired(*options: str) -> list[str]:
        _, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "json", *options)
        return [f["rule"] for f in json.loads(out)["findings"]]

    assert fired("--extend-select", "handwritten-note") == ["handwritten-note"]
    assert fired("--select", "handwritten-note,late-thank-you") == ["handwritten-note"]
    assert fired("--extend-select", "handwritten-note", "--ignore", "handwritten-note") == []


def test_unknown_rule_id_in_options_is_a_usage_error(capsys, tmp_path):
    plan = write_plan(tmp_path)
    code, _, err = run(capsys, "check", str(plan), "--select", "email-and-cal")
    assert code == 2
    assert "email-and-cal" in err and "did you mean 'email-and-call'" in err


def test_configuration_file_found_upward(capsys, tmp_path):
    (tmp_path / ".etiquette-lint.yaml").write_text(
        "rules:\n  handwritten-note: {enabled: true, severity: error}\n", encoding="utf-8"
    )
    sub = tmp_path / "plans"
    sub.mkdir()
    plan = write_plan(sub)
    code, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "json")
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("handwritten-note", "error")]
    assert code == 1


def test_pyproject_configuration_and_parameters(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.etiquette-lint.rules.late-thank-you]\nwithin_hours = 72\n", encoding="utf-8"
    )
    plan = write_plan(tmp_path, MINIMAL.replace("    date: 2027-03-02\n    text:", "    date: 2027-03-04\n    text:"))
    _, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "json")
    assert json.loads(out)["findings"] == []
    (tmp_path / "pyproject.toml").write_text(
        "[tool.etiquette-lint.rules.late-thank-you]\nwithin_hours = 24\n", encoding="utf-8"
    )
    _, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["late-thank-you"]


@pytest.mark.parametrize(
    ("config", "wanted"),
    [
        ("rules:\n  email-and-cal: {enabled: false}\n", "unknown rule id 'email-and-cal'"),
        ("rules:\n  email-and-call: {window_days: soon}\n", "/rules/email-and-call/window_days"),
        ("rules:\n  email-and-call: {severity: fatal}\n", "'fatal' is not one of error, warning, info"),
        ("rules:\n  email-and-call: {windw_days: 4}\n", "unknown setting 'windw_days'"),
        ("rules: [1, 2\n", "invalid YAML"),
    ],
)
def test_bad_configuration_exits_2_with_a_clear_message(capsys, tmp_path, config, wanted):
    (tmp_path / ".etiquette-lint.yaml").write_text(config, encoding="utf-8")
    plan = write_plan(tmp_path)
    code, out, err = run(capsys, "check", str(plan))
    assert code == 2
    assert wanted in out + err
    assert "Traceback" not in out + err


def test_bad_today_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(write_plan(tmp_path)), "--today", "26/11/2026")
    assert code == 2 and "YYYY-MM-DD" in err


def test_missing_file_and_empty_folder(capsys, tmp_path):
    code, out, err = run(capsys, "check", str(tmp_path / "nope.plan.yaml"))
    assert code == 2 and "no such file" in out + err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(capsys, "check", str(empty))
    assert code == 2 and "no plan files" in out + err


def test_schema_errors_are_all_reported_with_line_and_pointer(capsys, tmp_path):
    broken = MINIMAL.replace("channel: email", "channel: fax").replace("kind: thank_you", "kind: thanks")
    plan = write_plan(tmp_path, broken)
    code, out, _ = run(capsys, "check", str(plan), "--format", "json")
    errors = json.loads(out)["errors"]
    assert code == 2
    pointers = {e["pointer"] for e in errors}
    assert {"/actions/0/channel", "/actions/0/kind"} <= pointers
    fax = next(e for e in errors if e["pointer"] == "/actions/0/channel")
    assert fax["line"] == 12 and fax["column"] == 14
    assert "'fax'" in fax["message"] or '"fax"' in fax["message"]
    assert "email" in fax["message"]


def test_bad_input_leaves_files_untouched(capsys, tmp_path):
    plan = write_plan(
        tmp_path, MINIMAL + "  - {kind: follow_up, channel: email, to: nobody, date: 2027-03-09, text: hi}\n"
    )
    before = sorted((p.name, p.read_bytes()) for p in tmp_path.iterdir())
    code, out, err = run(capsys, "check", str(plan))
    assert code == 2
    assert "/actions/1/to" in out + err and "unknown interviewer id 'nobody'" in out + err
    assert sorted((p.name, p.read_bytes()) for p in tmp_path.iterdir()) == before


def test_rules_and_explain(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    lines = [line for line in out.splitlines()[1:] if line.strip()]
    assert len(lines) >= 20
    assert any(line.startswith("handwritten-note") and " no " in line for line in lines)
    code, out, _ = run(capsys, "explain", "email-and-call")
    assert code == 0
    for section in ("Why", "Parameters", "window_days", "Bad", "Good", "Fix"):
        assert section in out
    code, _, err = run(capsys, "explain", "email-and-cal")
    assert code == 2 and "did you mean 'email-and-call'" in err


def test_python_dash_m_runs_the_same_cli():
    result = subprocess.run(
        [sys.executable, "-m", "etiquette_lint", "check", str(EXAMPLES / "clean"), "--today", TODAY],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "No findings" in result.stdout
    assert "\033[" not in result.stdout


def test_text_output_shows_the_line_and_underlines_the_span(capsys, tmp_path):
    plan = write_plan(tmp_path, MINIMAL.replace("the backfill story.", "[specific topic]."))
    code, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--no-color")
    assert code == 1
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "unfilled-placeholder" in line)
    assert lines[head].startswith(f"{plan}:15:")
    source, underline = lines[head + 2], lines[head + 3]
    start = underline.index("^")
    assert source[start : start + len("[specific topic]")] == "[specific topic]"
    assert underline.count("^") == len("[specific topic]")
    assert lines[-1].startswith("Found 1 finding (1 error) in 1 file")


def test_colour_only_when_asked_for_and_never_with_no_color(monkeypatch, tmp_path):
    from etiquette_lint import lint_path
    from etiquette_lint.cli import use_color
    from etiquette_lint.formats import to_text

    report = lint_path(EXAMPLES / "messy", today=__import__("datetime").date(2026, 11, 26))
    coloured = to_text(report, color=True)
    assert "\033[1;31merror\033[0m" in coloured
    assert "\033[" not in to_text(report, color=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(False, None) is False
    monkeypatch.delenv("NO_COLOR")
    assert use_color(True, None) is False
    assert use_color(False, str(tmp_path / "out.txt")) is False


def test_a_yaml_configuration_further_up_wins_over_a_nearer_pyproject(capsys, tmp_path):
    (tmp_path / ".etiquette-lint.yaml").write_text("rules:\n  handwritten-note: {enabled: true}\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.etiquette-lint.rules]\nlate-thank-you = false\n", encoding="utf-8")
    plan = write_plan(project)
    _, out, _ = run(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["handwritten-note"]


def test_statistics_count_findings_per_rule(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLES / "messy"), "--today", TODAY, "--statistics")
    _, as_json, _ = run(capsys, "check", str(EXAMPLES / "messy"), "--today", TODAY, "--format", "json")
    findings = json.loads(as_json)["findings"]
    rows = [line.split() for line in out.splitlines()[:-1]]
    assert {rule: int(count) for count, rule, _ in rows} == {
        rule: sum(1 for f in findings if f["rule"] == rule) for rule in {f["rule"] for f in findings}
    }
    counts = [int(count) for count, _, _ in rows]
    assert counts == sorted(counts, reverse=True)
    assert code == 1 and out.splitlines()[-1].startswith("Found ")
