"""The timeline drawn for a terminal: Unicode box drawing, 80 columns, colour as `check` uses it."""

from __future__ import annotations

import textwrap

from ..formats import _BOLD, _COLORS, _CYAN, _DIM, _RESET, summary_line
from ..planner.timeline import CompanyTimeline, Event, Timeline
from ..report import Finding

WIDTH = 80
_DATE = 16  # "2026-11-10 09:00"
_TEXT = 4 + _DATE + 2  # where an event's text starts: "├─◆ " + date + two spaces
SEVERITY_MARKS = {"error": "✖", "warning": "▲", "info": "●"}
_GLYPHS = {
    "interview": "◆",
    "reply": "◀",
    "decision_by": "■",
    "decision_date": "□",
    "today": "▶",
    "next": "★",
}
_PREFIXES = {"interview": "interview: ", "next": "next: "}
_PREFIXES.update({kind: "" for kind in ("action", "reply", "decision_by", "decision_date", "today")})
_STATUS_COLORS = {
    "overdue": "\033[1;31m",
    "due": "\033[1;33m",
    "stop": "\033[1;35m",
    "wait": _DIM,
    "planned": _DIM,
    "sent": "",
}


def _glyph(event: Event) -> str:
    if event.kind == "action":
        return "●" if event.status == "sent" else "○"
    return _GLYPHS[event.kind]


def _finding_lines(finding: Finding, plan: str, color: bool) -> list[str]:
    head = f"{SEVERITY_MARKS[finding.severity]} {finding.severity} {finding.rule}"
    where = f" ({finding.path.rsplit('/', 1)[-1]}:{finding.line})" if finding.path != plan else ""
    lines = textwrap.wrap(
        f"{head}: {finding.message}{where}",
        width=WIDTH - _TEXT,
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    if color and lines:
        colored = (
            f"{_COLORS[finding.severity]}{SEVERITY_MARKS[finding.severity]} {finding.severity}{_RESET} "
            f"{_CYAN}{finding.rule}{_RESET}"
        )
        lines[0] = colored + lines[0][len(head) :]
    return lines


def _event_lines(event: Event, plan: str, last: bool, color: bool) -> list[str]:
    branch, rail = ("╰─", "  ") if last else ("├─", "│ ")
    when = event.when.ljust(_DATE)
    title = f"{_PREFIXES[event.kind]}{event.title}"
    status = f" [{event.status}]" if event.status and event.kind in ("action", "next") else ""
    first, *rest = textwrap.wrap(title + status, width=WIDTH - _TEXT, subsequent_indent="  ") or [""]
    if color:
        if event.kind == "today":
            first = f"{_BOLD}{first}{_RESET}"
        elif status and status.strip() in first:
            tone = _STATUS_COLORS.get(event.status, "")
            if tone:
                first = first.replace(status.strip(), f"{tone}{status.strip()}{_RESET}")
        when = f"{_BOLD}{when}{_RESET}"
    out = [f"{branch}{_glyph(event)} {when}  {first}"]
    body = rest[:]
    for detail in event.details:
        body.extend(textwrap.wrap(detail, width=WIDTH - _TEXT, subsequent_indent="  ", break_on_hyphens=False))
    if color:
        body = [f"{_DIM}{line}{_RESET}" for line in body]
    for finding in event.findings:
        body.extend(_finding_lines(finding, plan, color))
    out.extend(f"{rail}{' ' * (_TEXT - 2)}{line}" for line in body)
    if not last:
        out.append("│")
    return out


def _company_lines(company: CompanyTimeline, color: bool) -> list[str]:
    first, *more = textwrap.wrap(company.company, width=WIDTH - 8) or [""]
    name = f" {first} "
    head = "╭─" + (f"{_BOLD}{name}{_RESET}" if color else name) + "─" * max(WIDTH - 2 - len(name), 2)
    out = [head] + [f"│  {_BOLD}{line}{_RESET}" if color else f"│  {line}" for line in more]
    about = " · ".join(company.roles)
    about = f"{about} ({company.plan})" if about else company.plan
    for line in textwrap.wrap(about, width=WIDTH - 3, break_on_hyphens=False):
        out.append(f"│  {_DIM}{line}{_RESET}" if color else f"│  {line}")
    out.append("│")
    for n, event in enumerate(company.events):
        out.extend(_event_lines(event, company.plan, n == len(company.events) - 1, color))
    return out


def to_timeline_text(timeline: Timeline, *, color: bool = False) -> str:
    out: list[str] = []
    for company in timeline.companies:
        out.extend(_company_lines(company, color))
        out.append("")
    if timeline.loose:
        out.append("Findings outside the timeline:")
        for finding in timeline.loose:
            where = f"{finding.path}:{finding.line}:{finding.column}"
            lines = _finding_lines(finding, "", color)
            out.append(f"  {where}")
            out.extend(f"    {line}" for line in lines)
        out.append("")
    for error in timeline.report.errors:
        out.append(str(error))
    out.append(summary_line(timeline.report))
    return "\n".join(out) + "\n"
