"""The agenda as an iCalendar file (RFC 5545), made with the `icalendar` library.

One all-day VEVENT per due or overdue item (calendar programs such as khal show events, not to-dos):
from the first day it can be done (today for what is overdue or already open) to its last day.
The UID is the item's stable uid, so importing a newer export updates the events instead of
adding copies; DTSTAMP is the agenda's day, so the same plan on the same day gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from .agenda import AgendaItem

PRODID = "-//etiquette-lint//agenda 1.1//EN"


def _summary(item: AgendaItem) -> str:
    to = ", ".join(item.to)
    if item.kind == "thank_you":
        what = f"Thank {to}" if item.action is None else f"Thank-you to {to}"
    else:
        what = f"Follow up with {to}"
    prefix = "Overdue: " if item.status == "overdue" else ""
    return f"{prefix}{what} ({item.company})"


def _description(item: AgendaItem) -> str:
    lines = [item.message, "", f"To: {', '.join(item.to)}", f"Company: {item.company}", f"Plan: {item.plan}"]
    if item.action:
        lines.append(f"Action: {item.action}")
    if item.rules:
        lines.append(f"Rules: {', '.join(item.rules)}")
    return "\n".join(lines)


def to_ics(items: Iterable[AgendaItem], today: date) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "etiquette-lint agenda")
    stamp = datetime.combine(today, time(0), tzinfo=UTC)
    for item in items:
        if item.status not in ("due", "overdue"):
            continue
        start = item.shown_on(today)
        last = max(item.until or start, start)
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", last + timedelta(days=1))
        event.add("summary", _summary(item))
        event.add("description", _description(item))
        event.add("categories", ["etiquette-lint", item.status])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
