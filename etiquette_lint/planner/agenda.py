"""The agenda (`etiquette-lint next`): what is due, when, to whom and why, for every company of a
plan, from the same windows (planner/windows.py), parameters and findings as `check`.

An item is one of:

    overdue  a planned action whose date has passed (overdue-action), a thank-you nobody planned
             for someone met whose on-time days are over (interviewer-not-thanked), or a follow-up
             whose window has closed (follow-up-due)
    due      a planned action on its day; a thank-you to plan; a follow-up window (follow-up-due),
             also ahead of time, so the day can be planned
    wait     the earliest day the next contact is fine, when that is after today
             (early-status-check, follow-up-too-soon)
    stop     the company said no, or `max_unanswered` follow-ups went unanswered: move on; a
             planned follow-up that `check` flags for it (contact-after-rejection,
             too-many-follow-ups) is a stop too

`agenda()` is a pure function of a loaded plan, the settings and the day; `within()` keeps what
the `--days` horizon shows. `AgendaItem.to_dict()` is one item of schemas/agenda.schema.json.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..facts import describe
from ..plan import Action, Plan
from ..report import Finding
from . import windows
from .windows import Cadence, CompanyCadence, day_text

STATUSES = ("overdue", "due", "wait", "stop")
_STATUS_ORDER = {status: n for n, status in enumerate(STATUSES)}
# Findings on a planned follow-up that mean "do not send it".
STOP_RULES = ("contact-after-rejection", "too-many-follow-ups")


@dataclass(frozen=True)
class AgendaItem:
    """One thing to do (or not to do) for one company."""

    date: date  # the day it concerns: a planned action's date, a window's first day, the end of a
    # wait, the day a stop began
    until: date | None  # the last day of its window, when it has one
    company: str
    to: tuple[str, ...]  # the people, by name
    kind: str  # thank_you | follow_up
    status: str  # overdue | due | wait | stop
    action: str | None  # the JSON pointer of the planned action it is about, if any
    plan: str  # the plan file
    rules: tuple[str, ...]  # the rules that say the same (and those flagging the planned action)
    message: str
    channel: str | None = None  # a planned action's channel
    uid: str = ""  # stable across runs: the same step keeps it (calendar re-imports update it)

    def shown_on(self, today: date) -> date:
        """The day it is listed under: today for what is overdue, waiting or stopped; else its date
        (or today, when its window is already open)."""
        if self.status in ("overdue", "wait", "stop"):
            return today
        return max(self.date, today)

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "company": self.company,
            "to": list(self.to),
            "kind": self.kind,
            "status": self.status,
            "action": self.action,
            "plan": self.plan,
            "rules": list(self.rules),
            "message": self.message,
            "channel": self.channel,
            "uid": self.uid,
        }


def agenda(
    plan: Plan,
    settings=None,
    today: date | None = None,
    *,
    findings: Iterable[Finding] | None = None,
) -> list[AgendaItem]:
    """Every agenda item of the plan on `today` (default: the plan's today), sorted by the day it
    is shown under, then status, company and date. `settings` gives the cadence parameters and the
    rules that run (an item none of whose rules runs is left out, except planned actions);
    `findings` (check's findings for this plan) name the rules that flag each planned action."""
    today = today or plan.today
    cadence = Cadence.of(settings)
    flagged: dict[str, set[str]] | None = None
    if findings is not None:
        flagged = {}
        for finding in findings:
            flagged.setdefault(finding.pointer, set()).add(finding.rule)
    states = windows.cadences(plan, cadence, today)
    items: list[AgendaItem] = []
    items += _thank_yous(plan, cadence, today)
    for action in plan.actions:
        if action.status == "planned":
            rules = flagged.get(action.pointer, set()) if flagged is not None else None
            items.append(_planned(plan, action, today, cadence, states[windows.company_of(plan, action)], rules))
    for state in states.values():
        items += _cadence_items(plan, state)
    if settings is not None:
        running = set(settings.rules)
        items = [i for i in items if i.action is not None or not i.rules or running & set(i.rules)]
    items.sort(key=lambda i: (i.shown_on(today), _STATUS_ORDER[i.status], i.company, i.date, i.message))
    return items


def agendas(plans: Iterable[Plan], report, options) -> list[AgendaItem]:
    """The agenda of every plan a lint loaded (`lint_files(..., plans=...)`), each with its own
    settings (configuration found from the plan, as check finds it) and its findings."""
    from pathlib import Path

    from ..lint import settings_for
    from ..rules import load_rules

    ruleset = load_rules(options.rules_dirs)
    today = options.day()
    findings: dict[str, list[Finding]] = {}
    for finding in report.findings:
        findings.setdefault(finding.plan, []).append(finding)
    items: list[AgendaItem] = []
    for plan in plans:
        settings = settings_for(None if plan.path == "-" else Path(plan.path), options, ruleset)
        items += agenda(plan, settings, today, findings=findings.get(plan.path, []))
    items.sort(key=lambda i: (i.shown_on(today), _STATUS_ORDER[i.status], i.company, i.date, i.message))
    return items


def within(items: Iterable[AgendaItem], today: date, days: int) -> list[AgendaItem]:
    """What `--days N` shows: what falls due within N days of today, everything overdue, waits in
    force, and stops that began within the last N days (or that a planned action runs into)."""
    horizon = today + timedelta(days=days)
    out = []
    for item in items:
        if item.status == "overdue" or item.status == "wait":
            out.append(item)
        elif item.status == "stop":
            if item.action is not None or item.date >= today - timedelta(days=days):
                out.append(item)
        elif item.date <= horizon:
            out.append(item)
    return out


# --- the items ----------------------------------------------------------------------------


def _uid(plan: Plan, company: str, key: str) -> str:
    digest = hashlib.sha256(f"{plan.candidate_name}\x1f{company}\x1f{key}".encode()).hexdigest()[:32]
    return f"{digest}@etiquette-lint"


def _names(plan: Plan, ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(plan.people[i].name for i in ids if i in plan.people)


def _join(names: Iterable[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _thank_yous(plan: Plan, cadence: Cadence, today: date) -> list[AgendaItem]:
    out = []
    for interview, pid in windows.unthanked(plan):
        window = windows.thank_you_window(interview, cadence.within_hours)
        name = plan.people[pid].name
        held = interview.when.day <= today
        if today > window.end:
            status = "overdue"
            message = (
                f"Thank {name} for the {interview.company} interview on {day_text(interview.when.day)}: no "
                f"thank-you is planned for them, and it was due by {day_text(window.end)}. Send one today; "
                "late is better than never."
            )
        elif held:
            status = "due"
            message = (
                f"Thank {name} for the {interview.company} interview on {day_text(interview.when.day)}: no "
                f"thank-you is planned for them yet; send one {window.text()}."
            )
        else:
            status = "due"
            message = (
                f"After the {interview.company} interview on {day_text(interview.when.day)}, thank {name} "
                f"{window.text()} (no thank-you is planned for them yet)."
            )
        out.append(
            AgendaItem(
                date=window.start,
                until=window.end,
                company=interview.company,
                to=(name,),
                kind="thank_you",
                status=status,
                action=None,
                plan=plan.path,
                rules=("interviewer-not-thanked",),
                message=message,
                uid=_uid(plan, interview.company, f"thank-you/{interview.id}/{pid}"),
            )
        )
    return out


def _planned(
    plan: Plan, action: Action, today: date, cadence: Cadence, state: CompanyCadence, flagged: set[str] | None
) -> AgendaItem:
    """A planned action: due on its day, overdue after it, or a stop when check flags it for
    following a rejection or too many unanswered follow-ups (without findings: the windows say)."""
    company = state.company
    to = _names(plan, action.to)
    what = f"{describe(action)} to {_join(to)}"
    late = windows.overdue_days(action, today)
    if flagged is None:
        flagged = set(_stop_by_windows(plan, action, cadence, state))
    stopping = sorted(flagged & set(STOP_RULES))
    rules = set(flagged)
    if stopping:
        status = "stop"
        reason = _stop_reason(state) if state.state == "stop" else "check flags it: " + ", ".join(stopping)
        message = f"The {what} planned for {day_text(action.when.day)}: drop it. {reason}"
        rules |= set(stopping)
    elif late:
        status = "overdue"
        rules.add("overdue-action")
        message = (
            f"The {what} was planned for {day_text(action.when.day)} ({windows.days_text(late)} ago) and is "
            "still marked planned: send it today or give it a new date (if it went out, mark it "
            "`status: sent`)."
        )
        if flagged - {"overdue-action"}:
            message += " `check` also flags it: " + ", ".join(sorted(flagged - {"overdue-action"})) + "."
    else:
        status = "due"
        when = "today" if action.when.day == today else f"on {day_text(action.when.day)}"
        message = f"Send the {what} {when} (planned)."
        if flagged:
            message += " `check` flags it: " + ", ".join(sorted(flagged)) + "."
    return AgendaItem(
        date=action.when.day,
        until=None,
        company=company,
        to=to,
        kind=action.kind,
        status=status,
        action=action.pointer,
        plan=plan.path,
        rules=tuple(sorted(rules)),
        message=message,
        channel=action.channel,
        uid=_uid(plan, company, f"action/{action.id or action.pointer}"),
    )


def _stop_by_windows(plan: Plan, action: Action, cadence: Cadence, state: CompanyCadence) -> tuple[str, ...]:
    if state.state != "stop" or action.kind != "follow_up":
        return ()
    if state.rejection is None:
        return ("too-many-follow-ups",)
    after = windows.after_rejection(plan).get(action.index)
    if after and (not action.written or after[1] > cadence.max_after):
        return ("contact-after-rejection",)
    return ()


def _stop_reason(state: CompanyCadence) -> str:
    if state.rejection is not None:
        return (
            f"{state.company} said no on {day_text(state.rejection.when.day)}: one courteous note thanking "
            "them for letting you know is all that fits now. Move on to the searches that are still open."
        )
    n = len(state.unanswered)
    return (
        f"{n} follow-up{'s' if n != 1 else ''} to {state.company} since {day_text(state.interview.when.day)} "
        "went unanswered: their silence is an answer, and another follow-up reads as chasing. Move on."
    )


def _cadence_items(plan: Plan, state: CompanyCadence) -> list[AgendaItem]:
    makers = _names(plan, state.decision_makers)
    base = dict(company=state.company, to=makers, kind="follow_up", action=None, plan=plan.path)
    out = []
    if state.state == "stop":
        rejected = state.rejection is not None
        began = state.rejection.when.day if rejected else state.unanswered[-1].when.day
        out.append(
            AgendaItem(
                date=began,
                until=None,
                status="stop",
                rules=("contact-after-rejection",) if rejected else ("too-many-follow-ups",),
                message=_stop_reason(state),
                uid=_uid(plan, state.company, "stop"),
                **base,
            )
        )
    if state.state in ("due", "waiting") and state.due is not None:
        window = state.due
        who = _join(makers)
        if state.state == "waiting":
            status = "due"
            message = (
                f"A short, polite follow-up to {who} at {state.company} falls due {window.text()} "
                f"({state.basis()}), unless they reply first."
            )
        elif state.overdue:
            status = "overdue"
            message = (
                f"{state.company} has not replied since the interview on {day_text(state.interview.when.day)} and "
                f"{state.basis()}: a short, polite follow-up to {who} was due {window.text()}. Send it now, "
                "with an easy way for them to say no."
            )
        else:
            status = "due"
            message = (
                f"{state.company} has not replied since the interview on {day_text(state.interview.when.day)} and "
                f"{state.basis()}: send a short, polite follow-up to {who} {window.text()}, with an easy way "
                "for them to say no."
            )
        out.append(
            AgendaItem(
                date=window.start,
                until=window.end,
                status=status,
                rules=("follow-up-due",),
                message=message,
                uid=_uid(plan, state.company, f"follow-up/{state.interview.id}/{len(state.unanswered) + 1}"),
                **base,
            )
        )
    if state.state == "waiting" and state.wait_until is not None:
        decision_by = state.interview.decision_by
        if decision_by is not None and state.wait_until == decision_by:
            reason = f"they said they would decide by {day_text(decision_by)}"
            rules = ("early-status-check",)
        else:
            last = state.last_contact.when.day if state.last_contact else state.interview.when.day
            reason = f"your last contact was on {day_text(last)}"
            rules = ("follow-up-too-soon",)
        out.append(
            AgendaItem(
                date=state.wait_until,
                until=None,
                status="wait",
                rules=rules,
                message=f"No contact with {state.company} before {day_text(state.wait_until)}: {reason}.",
                uid=_uid(plan, state.company, "wait"),
                **base,
            )
        )
    return out
