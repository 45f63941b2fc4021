"""Formatters: pure functions from a Report to text."""

from __future__ import annotations

import json

from .report import Finding, Report
from .source import _comment_start

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
MAX_EXCERPT = 160  # characters of a source line shown under a finding
_BOLD, _DIM, _RESET, _CYAN = "\033[1m", "\033[2m", "\033[0m", "\033[36m"


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _snippet(finding: Finding, text: str | None, color: bool) -> list[str]:
    if text is None:
        return []
    lines = text.splitlines()
    if not 1 <= finding.line <= len(lines):
        return []
    line = lines[finding.line - 1].rstrip("\r")
    start = max(finding.column - 1, 0)
    if finding.end_line == finding.line:
        end = max(finding.end_column - 1, start + 1)
    else:
        # A node over several lines: underline its first line, up to any trailing comment.
        comment = _comment_start(line) if finding.path == finding.plan else None
        end = len(line[:comment].rstrip()) if comment is not None else len(line.rstrip())
    end = min(max(end, start + 1), max(len(line), start + 1))
    if len(line) > MAX_EXCERPT:
        # A long line (a one-line draft of 30 KB): show a window around the span, marked with "...".
        left = max(0, min(start - 40, len(line) - MAX_EXCERPT))
        right = min(len(line), left + MAX_EXCERPT)
        prefix, suffix = ("..." if left else ""), ("..." if right < len(line) else "")
        line = prefix + line[left:right] + suffix
        start, end = start - left + len(prefix), min(end, right) - left + len(prefix)
    gutter = " " * len(str(finding.line))
    caret = " " * start + "^" * (end - start)
    if color:
        caret = _COLORS[finding.severity] + caret + _RESET
    expanded = line.replace("\t", " ")
    return [f"{gutter} |", f"{finding.line} | {expanded}", f"{gutter} | {caret}"]


def to_text(report: Report, *, color: bool = False, show_source: bool = True) -> str:
    out: list[str] = []
    for finding in report.findings:
        severity = finding.severity
        where = f"{finding.path}:{finding.line}:{finding.column}:"
        if color:
            head = (
                f"{_BOLD}{where}{_RESET} {_COLORS[severity]}{severity}{_RESET} "
                f"{_CYAN}{finding.rule}{_RESET} {finding.message}"
            )
        else:
            head = f"{where} {severity} {finding.rule} {finding.message}"
        out.append(head)
        if show_source:
            out.extend(_snippet(finding, report.sources.get(finding.path), color))
            for related in finding.related:
                out.append(f"  = related: {related.path}:{related.line}:{related.column}: {related.message}")
            if finding.fix:
                out.append(f"  = fix: {finding.fix}")
            out.append("")
    for error in report.errors:
        out.append(str(error))
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def summary_line(report: Report) -> str:
    counts = report.counts()
    total = sum(counts.values())
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if report.errors:
        trouble = f"; {len(report.errors)} input error{'s' if len(report.errors) != 1 else ''}"
    else:
        trouble = ""
    if report.partial:
        which = ", ".join(report.partial)
        trouble += f"; linted in part, without what the input errors concern: {which}"
    if not total:
        return f"No findings in {files}{trouble}."
    parts = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n]
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {files}{trouble}."


def to_statistics(report: Report) -> str:
    """Findings counted by rule, most frequent first (like ruff's --statistics)."""
    counts: dict[tuple[str, str], int] = {}
    for finding in report.findings:
        key = (finding.rule, finding.severity)
        counts[key] = counts.get(key, 0) + 1
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = max((len(rule) for (rule, _), _ in rows), default=0)
    out = [f"{count:5}  {rule:<{width}}  {severity}" for (rule, severity), count in rows]
    out.extend(str(error) for error in report.errors)
    out.append(summary_line(report))
    return "\n".join(out) + "\n"
