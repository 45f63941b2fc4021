"""The timeline views as the command line asks for them: plans and their report in, text out."""

from __future__ import annotations

from ..lint import Options
from ..plan import Plan
from ..report import Report
from .timeline import NextStep, Timeline, build_timeline


def timeline_of(plans: list[Plan], report: Report, options: Options) -> Timeline:
    """The timeline, with the next steps `next` gives (the same agenda, computed once here)."""
    from .agenda import agendas

    today = options.day()
    steps = [NextStep.of(item, today) for item in agendas(plans, report, options)]
    return build_timeline(plans, report, today, steps)


def timeline_text(plans: list[Plan], report: Report, options: Options, *, color: bool) -> str:
    from ..output.timeline_text import to_timeline_text

    return to_timeline_text(timeline_of(plans, report, options), color=color)


def html_page(plans: list[Plan], report: Report, options: Options, *, findings_list: bool = False) -> str:
    from ..output.html import to_html

    return to_html(timeline_of(plans, report, options), findings_list=findings_list)
