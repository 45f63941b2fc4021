"""`--format github`: GitHub Actions workflow commands (etiquette_lint/github.py), and the sample
workflow in examples/ that uploads the SARIF report."""

from __future__ import annotations

import re

import yaml

from etiquette_lint.cli import main
from etiquette_lint.errors import InputError
from etiquette_lint.github import escape_data, escape_property, to_github
from etiquette_lint.report import Finding, Report

from conftest import EXAMPLES, ROOT, plan_today

MESSY = EXAMPLES / "messy" / "acme.plan.yaml"
COMMAND = re.compile(
    r"^::(error|warning|notice) (file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+)::(.+)$"
)


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_messages_and_properties_are_escaped_as_the_runner_expects():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("C:\\plans\\a,b.plan.yaml") == "C%3A\\plans\\a%2Cb.plan.yaml"
    assert escape_property("100%") == "100%25"


def test_one_command_per_finding_with_the_severity_mapped(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    path = str(MESSY.relative_to(ROOT))
    assert main(["check", path, "--today", str(plan_today(MESSY)), "--format", "json"]) == 1
    import json

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert main(["check", path, "--today", str(plan_today(MESSY)), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(findings)
    for finding, line in zip(findings, lines, strict=True):
        match = COMMAND.match(line)
        assert match, line
        kind, props, message = match.groups()
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[finding["severity"]]
        values = dict(part.split("=", 1) for part in props.split(","))
        assert unescape(values["file"]) == finding["path"]
        assert (int(values["line"]), int(values["col"]), int(values["endLine"]), int(values["endColumn"])) == (
            finding["line"],
            finding["column"],
            finding["end_line"],
            finding["end_column"],
        )
        assert values["title"] == finding["rule"]
        assert unescape(message) == finding["message"]
    assert {line.split(" ", 1)[0] for line in lines} == {"::error", "::warning", "::notice"}


def test_awkward_characters_cannot_break_out_of_the_command():
    finding = Finding("pushy-language", "warning", "a, b: 100%\nnext line", "dir,x/a:b.md", 3, 4, 3, 9, "/actions/0")
    out = to_github(Report((finding,)))
    assert out == (
        "::warning file=dir%2Cx/a%3Ab.md,line=3,col=4,endLine=3,endColumn=9,title=pushy-language"
        "::a, b: 100%25%0Anext line\n"
    )


def test_input_errors_are_annotated_too():
    error = InputError(
        "'fax' is not one of email, call", path="p.plan.yaml", line=14, column=7, pointer="/actions/2/channel"
    )
    assert to_github(Report((), (error,))) == (
        "::error file=p.plan.yaml,line=14,col=7,title=etiquette-lint::/actions/2/channel: 'fax' is not one of email, call\n"
    )


def test_the_sample_workflow_uploads_the_sarif_report():
    workflow = yaml.safe_load((EXAMPLES / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    produce = re.search(r"etiquette-lint check .*--format sarif --output (\S+)", runs)
    assert produce, runs
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == produce.group(1)
    assert upload.get("if") == "always()"  # findings (exit 1) must still be uploaded
    assert "security-events" in str(workflow.get("permissions", "")) + str(
        [job.get("permissions") for job in workflow["jobs"].values()]
    )
    assert "--format github" in runs
