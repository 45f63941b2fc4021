"""The agenda (`etiquette-lint next`) as text and as JSON (schemas/agenda.schema.json)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from datetime import date

from ..planner.agenda import AgendaItem
from ..planner.windows import day_text

_COLORS = {"overdue": "\033[1;31m", "due": "\033[1;33m", "wait": "\033[1;36m", "stop": "\033[1;35m"}
_MARKS = {"overdue": "!", "due": "•", "wait": "…", "stop": "■"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
WIDTH = 100


def to_agenda_dict(items: Iterable[AgendaItem], today: date, days: int, errors: Iterable = ()) -> dict:
    out = {"version": 1, "today": today.isoformat(), "days": days, "items": [i.to_dict() for i in items]}
    errors = [e.to_dict() for e in errors]
    if errors:
        out["errors"] = errors
    return out


def to_agenda_json(items: Iterable[AgendaItem], today: date, days: int, errors: Iterable = ()) -> str:
    return json.dumps(to_agenda_dict(items, today, days, errors), indent=2, ensure_ascii=False) + "\n"


def to_agenda_text(items: list[AgendaItem], today: date, days: int, *, color: bool = False) -> str:
    """Grouped by day, today first (what is overdue, waiting or stopped is today's business);
    status as a word and a mark, colour only on top (never the only signal)."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    plans = {i.plan for i in items}
    out = [paint(f"Agenda for {day_text(today)}, the next {days} day{'s' if days != 1 else ''}", _BOLD)]
    if not items:
        out += ["", "Nothing is due, overdue or on hold."]
        return "\n".join(out) + "\n"
    by_day: dict[date, list[AgendaItem]] = {}
    for item in items:
        by_day.setdefault(item.shown_on(today), []).append(item)
    for day in sorted(by_day):
        heading = f"Today, {day_text(day)}" if day == today else day_text(day)
        out += ["", paint(heading, _BOLD)]
        for item in by_day[day]:
            status = f"{_MARKS[item.status]} {item.status:<7}"
            head = f"{item.company}" + (f" ({item.plan})" if len(plans) > 1 else "")
            lines = textwrap.wrap(f"{head}: {item.message}", width=WIDTH - 12)
            out.append(f"  {paint(status, _COLORS[item.status])} {lines[0]}")
            out += [f"            {line}" for line in lines[1:]]
            if item.rules:
                out.append("            " + paint("rules: " + ", ".join(item.rules), _DIM))
    return "\n".join(out) + "\n"
