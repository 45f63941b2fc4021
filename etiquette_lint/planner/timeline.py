"""The plan as a timeline: per company, in date order, every interview, action, reply, the
employer's `decision_by`, the candidate's `decision_date`, today and the next due step, each
carrying the findings that point at it. Pure data: the terminal and HTML formatters draw it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..plan import Action, Interview, Plan, Reply, When
from ..report import Finding, Report

KIND_WORDS = {"thank_you": "thank-you", "follow_up": "follow-up"}
OUTCOME_WORDS = {
    "next_round": "next round",
    "offer": "offer",
    "rejected": "rejected",
    "no_decision": "no decision yet",
    "other": "other",
}
# Same-day events: what happened first, then what is expected, then today, then what is next.
_ORDER = {"interview": 0, "reply": 1, "action": 2, "decision_by": 3, "decision_date": 4, "today": 5, "next": 6}


@dataclass(frozen=True)
class Event:
    """One point of a company's timeline."""

    kind: str  # interview | action | reply | decision_by | decision_date | today | next
    day: date
    time: str  # "14:00" when the plan gave a time, else ""
    title: str  # one line: "thank-you · email → Rhonda Feld"
    status: str = ""  # actions: sent | planned; next steps: overdue | due | wait | stop
    details: tuple[str, ...] = ()  # further lines (subject, purpose, who was met, a window)
    pointer: str = ""  # where it is in the plan ("" for today and next steps)
    draft: str = ""  # the draft file of a written action, as findings name it
    findings: tuple[Finding, ...] = ()

    @property
    def when(self) -> str:
        return f"{self.day.isoformat()} {self.time}" if self.time else self.day.isoformat()


@dataclass(frozen=True)
class CompanyTimeline:
    company: str
    roles: tuple[str, ...]
    plan: str  # the plan file
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Timeline:
    today: date
    companies: tuple[CompanyTimeline, ...]
    loose: tuple[Finding, ...]  # findings that belong to no event (shown with their plan)
    report: Report


@dataclass(frozen=True)
class NextStep:
    """A step the agenda (planner/agenda.py) gives for a company, placed on its timeline."""

    plan: str
    company: str
    day: date  # where it goes on the timeline: today for what is overdue, waiting or stopped
    status: str  # overdue | due | wait | stop
    title: str
    details: tuple[str, ...] = ()

    @classmethod
    def of(cls, item, today: date) -> NextStep:
        """From an `AgendaItem`."""
        who = ", ".join(item.to)
        title = f"{KIND_WORDS.get(item.kind, item.kind)}{f' · {item.channel}' if item.channel else ''}"
        details = []
        if item.until is not None:
            details.append(f"window {item.date.isoformat()} to {item.until.isoformat()}")
        details.append(item.message)
        title = f"{title} → {who}" if who else title
        return cls(item.plan, item.company, item.shown_on(today), item.status, title, tuple(details))


def _time(when: When) -> str:
    return when.moment.strftime("%H:%M") if when.moment is not None else ""


def _names(plan: Plan, ids: Iterable[str]) -> str:
    return ", ".join(plan.people[i].name if i in plan.people else i for i in ids)


def _interview_event(plan: Plan, interview: Interview) -> Event:
    met = []
    for person_id in interview.people:
        person = plan.people.get(person_id)
        if person is None:
            continue
        about = [person.title] if person.title else []
        if person.hiring_manager:
            about.append("hiring manager")
        met.append(f"{person.name} ({', '.join(about)})" if about else person.name)
    details = [f"met {', '.join(met)}"] if met else []
    if interview.timing_asked:
        details.append("asked about their timing")
    return Event(
        "interview",
        interview.when.day,
        _time(interview.when),
        interview.role or interview.id,
        details=tuple(details),
        pointer=interview.pointer,
    )


def _action_event(plan: Plan, action: Action) -> Event:
    kind = KIND_WORDS.get(action.kind, action.kind)
    title = f"{kind} · {action.channel} → {_names(plan, action.to)}"
    details = []
    if action.cc_people or action.cc_addresses:
        copied = [plan.people[p].name for p in action.cc_people if p in plan.people]
        copied += [a for a in action.cc_addresses if a not in {plan.people[p].email for p in action.cc_people}]
        details.append(f"cc {', '.join(dict.fromkeys(copied))}")
    subject = action.subject or (action.message.header_subject if action.message else None)
    if subject:
        details.append(f"subject: {subject}")
    if action.purpose:
        details.append(f"purpose: {action.purpose}")
    draft = action.message.body.path if action.draft and action.message is not None else ""
    if draft:
        details.append(f"draft: {draft}")
    return Event(
        "action",
        action.when.day,
        _time(action.when),
        title,
        status=action.status,
        details=tuple(details),
        pointer=action.pointer,
        draft=draft,
    )


def _reply_event(plan: Plan, reply: Reply) -> Event:
    if reply.person in plan.people:
        who = plan.people[reply.person].name
    else:  # `from:` named the interview: someone else at the company, HR as a rule
        who = f"someone at {reply.company}"
        try:
            source = plan.document.data["replies"][reply.index]["from"]
            contact = plan.interview(source).hr_contact or {}
        except (KeyError, IndexError, TypeError, StopIteration):
            contact = {}
        if contact.get("name"):
            who = f"{contact['name']} (HR)"
    return Event(
        "reply",
        reply.when.day,
        _time(reply.when),
        f"reply from {who}: {OUTCOME_WORDS.get(reply.outcome, reply.outcome)}",
        status=reply.outcome,
        pointer=reply.pointer,
    )


def _owner(pointer: str, pointers: list[str]) -> str | None:
    """The longest event pointer that `pointer` is, or lies inside ("/actions/1" owns
    "/actions/1/draft", not "/actions/10")."""
    best = None
    for candidate in pointers:
        if (pointer == candidate or pointer.startswith(candidate + "/")) and (
            best is None or len(candidate) > len(best)
        ):
            best = candidate
    return best


def company_timelines(plan: Plan, findings: Iterable[Finding], next_steps: Iterable[NextStep] = ()):
    """The timelines of one plan's companies (in the plan's order) and the findings of the plan
    that belong to none of their events."""
    interview_company = {i.id: i.company for i in plan.interviews}
    companies = list(dict.fromkeys(i.company for i in plan.interviews))
    events: dict[str, list[Event]] = {c: [] for c in companies}
    for interview in plan.interviews:
        events[interview.company].append(_interview_event(plan, interview))
        if interview.decision_by is not None:
            events[interview.company].append(
                Event(
                    "decision_by",
                    interview.decision_by,
                    "",
                    f"{interview.company} expects to decide",
                    pointer=f"{interview.pointer}/timing/decision_by",
                )
            )
    for action in plan.actions:
        events[interview_company[action.interview]].append(_action_event(plan, action))
    for reply in plan.replies:
        events.setdefault(reply.company, []).append(_reply_event(plan, reply))
    steps: dict[str, list[NextStep]] = {}
    for step in next_steps:
        steps.setdefault(step.company, []).append(step)
    for company in companies:
        if plan.decision_date is not None:
            events[company].append(
                Event("decision_date", plan.decision_date, "", "you plan to decide", pointer="/candidate/decision_date")
            )
        events[company].append(Event("today", plan.today, "", "today"))
        for step in steps.get(company, ()):
            events[company].append(Event("next", step.day, "", step.title, status=step.status, details=step.details))

    # Attach each finding to the event it points at (the most specific pointer wins).
    pointers = [e.pointer for company in companies for e in events[company] if e.pointer]
    attached: dict[str, list[Finding]] = {}
    loose: list[Finding] = []
    for finding in findings:
        owner = _owner(finding.pointer, pointers)
        if owner is None:
            loose.append(finding)
        else:
            attached.setdefault(owner, []).append(finding)
    out = []
    for company in companies:
        dated = sorted(
            (
                e if not e.pointer or e.pointer not in attached else _with(e, attached[e.pointer])
                for e in events[company]
            ),
            key=lambda e: (e.day, e.time or "", _ORDER[e.kind]),
        )
        roles = tuple(dict.fromkeys(i.role for i in plan.interviews if i.company == company and i.role))
        out.append(CompanyTimeline(company, roles, plan.path, tuple(dated)))
    return out, loose


def _with(event: Event, findings: list[Finding]) -> Event:
    from dataclasses import replace

    ordered = sorted(findings, key=lambda f: (-_RANK[f.severity], f.rule, f.path, f.line, f.column))
    return replace(event, findings=tuple(ordered))


_RANK = {"error": 3, "warning": 2, "info": 1}


def build_timeline(plans: Iterable[Plan], report: Report, today: date, next_steps: Iterable[NextStep] = ()) -> Timeline:
    """Every plan's companies with their events and findings (`report` is the lint of `plans`,
    `next_steps` their agenda)."""
    by_plan: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_plan.setdefault(finding.plan, []).append(finding)
    steps: dict[str, list[NextStep]] = {}
    for step in next_steps:
        steps.setdefault(step.plan, []).append(step)
    companies: list[CompanyTimeline] = []
    loose: list[Finding] = []
    for plan in plans:
        timelines, rest = company_timelines(plan, by_plan.pop(plan.path, ()), steps.get(plan.path, ()))
        companies.extend(timelines)
        loose.extend(rest)
    for rest in by_plan.values():
        loose.extend(rest)
    return Timeline(today, tuple(companies), tuple(loose), report)
