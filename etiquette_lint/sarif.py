"""`--format sarif`: the report as SARIF 2.1.0 (OASIS), in the shape GitHub code scanning reads.

One run. `tool.driver.rules` describes every rule that ran; each result names its rule by id and
index, with a level, a message, a physical location (relative URI, region with 1-based lines and
code-point columns; end column exclusive, as in the JSON report), related locations (linked from
the message, which is how GitHub shows them) and a partial fingerprint that survives lines moving.
Input errors become tool execution notifications, and the invocation is then unsuccessful.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import quote

from .errors import EtiquetteLintError
from .report import Finding, Report

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "etiquetteLint/v1"


def to_sarif(report: Report, *, base: str | Path | None = None) -> str:
    """The report as a SARIF 2.1.0 log; paths become URIs relative to `base` (default: the
    current folder, normally the repository root)."""
    root = Path(base) if base is not None else Path.cwd()
    rules, index = _rules(report)
    seen: dict[str, int] = {}
    results = [_result(finding, index[finding.rule], root, seen) for finding in report.findings]
    invocation: dict = {"executionSuccessful": not report.errors}
    if report.errors:
        invocation["toolExecutionNotifications"] = [_notification(error, root) for error in report.errors]
    run = {
        "tool": {
            "driver": {
                "name": "etiquette-lint",
                "version": report.version or "0",
                "semanticVersion": report.version or "0.0.0",
                "rules": rules,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri().rstrip("/") + "/"}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rules(report: Report) -> tuple[list[dict], dict[str, int]]:
    descriptors: list[dict] = []
    index: dict[str, int] = {}
    for rule in report.rules:
        if rule.id not in index:
            index[rule.id] = len(descriptors)
            descriptors.append(_descriptor(rule))
    for finding in report.findings:  # a rule that reported without being listed as run
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append({"id": finding.rule, "defaultConfiguration": {"level": LEVELS[finding.severity]}})
    return descriptors, index


def _descriptor(rule) -> dict:
    rationale = " ".join(rule.rationale.split())
    fix = rule.fix_text()
    out: dict = {"id": rule.id}
    name = "".join(part.capitalize() for part in rule.id.split("-"))
    if name.lower() != rule.id.lower():  # SARIF: a name equal to the id is left out
        out["name"] = name
    out.update(
        {
            "shortDescription": {"text": " ".join(rule.summary.split())},
            "fullDescription": {"text": rationale},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "help": {
                "text": f"{rationale}\n\nFix: {fix}",
                "markdown": f"**Why:** {rationale}\n\n**Fix:** {fix}\n\nMore: `etiquette-lint explain {rule.id}`",
            },
            "properties": {"tags": ["etiquette", "follow-up"]},
        }
    )
    if not rule.enabled:
        out["defaultConfiguration"]["enabled"] = False
    return out


def _uri(path: str, root: Path) -> tuple[str, bool]:
    """A URI for `path` (relative to the current folder, as findings are): relative to `root`,
    to be read against %SRCROOT%, when the file lies below it; else an absolute file URI."""
    if path in ("-", "") or path.startswith("<"):  # standard input, a text held in memory
        return quote(path or "-", safe=""), True
    absolute = Path(os.path.abspath(path))
    for inside, top in ((absolute, Path(os.path.abspath(root))), (absolute.resolve(), root.resolve())):
        try:
            return quote(inside.relative_to(top).as_posix(), safe="/"), True
        except ValueError:
            continue
    return absolute.resolve().as_uri(), False


def _location(path: str, line: int, column: int, end_line: int | None, end_column: int | None, root: Path) -> dict:
    uri, relative = _uri(path, root)
    artifact = {"uri": uri, "uriBaseId": SRCROOT} if relative else {"uri": uri}
    region: dict = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if end_line is not None and end_column is not None:
        end_line, end_column = max(end_line, 1), max(end_column, 1)
        if (end_line, end_column) >= (region["startLine"], region["startColumn"]):
            region["endLine"], region["endColumn"] = end_line, end_column
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _escape(text: str) -> str:
    """Literal brackets in a SARIF message must not read as embedded links (SARIF §3.11.6)."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _result(finding: Finding, rule_index: int, root: Path, seen: dict[str, int]) -> dict:
    location = _location(finding.path, finding.line, finding.column, finding.end_line, finding.end_column, root)
    text = finding.message
    related = []
    if finding.related:
        links = []
        for number, other in enumerate(finding.related, start=1):
            entry = {
                "id": number,
                **_location(other.path, other.line, other.column, other.end_line, other.end_column, root),
            }
            entry["message"] = {"text": other.message or "related"}
            related.append(entry)
            links.append(f"[{_escape(other.message or 'related')}]({number})")
        text = f"{_escape(finding.message)} See {', '.join(links)}."
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    digest = hashlib.sha256(
        "\0".join((finding.rule, uri, finding.pointer, finding.message)).encode("utf-8")
    ).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: f"{digest}:{seen[digest]}"},
        "properties": {"pointer": finding.pointer, "fix": finding.fix, "severity": finding.severity},
    }
    if finding.pointer:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": finding.pointer, "kind": "object"}]
    if related:
        result["relatedLocations"] = related
    return result


def _notification(error: EtiquetteLintError, root: Path) -> dict:
    text = f"{error.pointer}: {error.message}" if error.pointer else error.message
    out: dict = {"level": "error", "message": {"text": text}, "descriptor": {"id": "input-error"}}
    if error.path:
        out["locations"] = [_location(error.path, error.line or 1, error.column or 1, None, None, root)]
    return out
