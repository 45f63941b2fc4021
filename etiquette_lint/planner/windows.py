"""Cadence windows: the one place that knows how long to wait, when a follow-up is due, and when
to stop. The facts of the cadence rules (`follow-up-due`, `overdue-action`,
`contact-after-rejection`), the agenda (`next`) and the timeline all call these functions, so the
linter and the planner can never disagree about a date.

Day arithmetic follows the plan format: calendar dates, and business days that skip Saturdays and
Sundays (no holiday calendar). Every function here is pure: a plan, its parameters and a day in,
values out.

A company's state, in the order it is decided (see `company_cadence`):

    upcoming    an interview with it is still to come: nothing to chase
    stop        it rejected the candidate, or `max_unanswered` follow-ups went unanswered
    replied     it replied since its latest interview: the ball is in its court
    no-contact  nobody there heard from the candidate since the latest interview (thank-yous first)
    planned     a follow-up to it is planned: that is the next step
    waiting     a follow-up will be due; not yet
    due         a follow-up is due (today is in or past its window)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..plan import WRITTEN_CHANNELS, Action, Interview, Plan, Reply, When

# Each cadence parameter belongs to one rule: the configuration of that rule sets it everywhere.
PARAMETERS: dict[str, tuple[str, int]] = {
    "min_gap_days": ("follow-up-too-soon", 3),
    "window_days": ("email-and-call", 3),
    "max_unanswered": ("too-many-follow-ups", 2),
    "grace_business_days": ("follow-up-due", 2),
    "quiet_business_days": ("follow-up-due", 7),
    "max_after": ("contact-after-rejection", 1),
    "within_hours": ("late-thank-you", 24),
}
# With no decision date, a follow-up window is this many business days long after it opens.
QUIET_WINDOW_BUSINESS_DAYS = 2


@dataclass(frozen=True)
class Cadence:
    """The cadence parameters in effect (the rules' defaults unless configured)."""

    min_gap_days: int = 3
    window_days: int = 3
    max_unanswered: int = 2
    grace_business_days: int = 2
    quiet_business_days: int = 7
    max_after: int = 1
    within_hours: int = 24

    @classmethod
    def of(cls, settings=None, ruleset=None) -> Cadence:
        """The parameters a lint's settings give each owning rule; a rule that is switched off
        keeps its default (settings only hold the rules that run)."""
        values = {}
        for name, (rule_id, _default) in PARAMETERS.items():
            rule_settings = settings.rules.get(rule_id) if settings is not None else None
            if rule_settings is not None:
                params = dict(rule_settings.parameters)
            elif ruleset is not None and rule_id in ruleset.rules:
                params = ruleset.rules[rule_id].defaults()
            else:
                params = {}
            if name in params:
                values[name] = int(params[name])
        return cls(**values)


# --- days ---------------------------------------------------------------------------------


def is_business_day(day: date) -> bool:
    return day.weekday() < 5


def add_business_days(day: date, n: int) -> date:
    """The n-th business day after `day` (n = 0: `day` itself)."""
    while n > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


def day_text(day: date) -> str:
    """A day as messages write it: 'Wed 2027-03-17' (the weekday matters for business days)."""
    return f"{day:%a} {day.isoformat()}"


def days_text(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class Window:
    """The days to act in, both included."""

    start: date
    end: date

    def text(self) -> str:
        if self.start == self.end:
            return f"on {day_text(self.start)}"
        return f"between {day_text(self.start)} and {day_text(self.end)}"


# --- moments ------------------------------------------------------------------------------


def _pair(a: When, b: When):
    x, y = a.moment, b.moment
    if (x.tzinfo is None) != (y.tzinfo is None):
        x, y = x.astimezone(), y.astimezone()
    return x, y


def on_or_before(a: When, b: When) -> bool:
    """a <= b: by datetime when both carry times, else by calendar date."""
    if a.moment is not None and b.moment is not None:
        x, y = _pair(a, b)
        return x <= y
    return a.day <= b.day


def before(a: When, b: When) -> bool:
    if a.moment is not None and b.moment is not None:
        x, y = _pair(a, b)
        return x < y
    return a.day < b.day


def _latest(whens: list[When]) -> When | None:
    best = None
    for when in whens:
        if best is None or before(best, when):
            best = when
    return best


# --- single actions -----------------------------------------------------------------------


def overdue_days(action: Action, today: date) -> int:
    """How many days a planned action is past its date (0: not overdue). Only an explicit
    `status: planned` can be overdue: an action with no status dated before today counts as sent."""
    if action.status != "planned":
        return 0
    return max(0, (today - action.when.day).days)


def thank_you_window(interview: Interview, within_hours: int) -> Window:
    """The days a thank-you for this interview is on time (late-thank-you's measure with dates:
    `within_hours` of 24 means the same or the next day)."""
    return Window(interview.when.day, interview.when.day + timedelta(days=within_hours // 24))


def unthanked(plan: Plan) -> list[tuple[Interview, str]]:
    """(interview, person id) for every interviewer with no thank-you addressed to them for that
    interview (interviewer-not-thanked's measure)."""
    thanked = {(a.interview, p) for a in plan.actions if a.kind == "thank_you" for p in a.to}
    return [(i, p) for i in plan.interviews for p in i.people if (i.id, p) not in thanked]


def company_of(plan: Plan, action: Action) -> str:
    return plan.interview(action.interview).company


def rejection_before(plan: Plan, action: Action) -> Reply | None:
    """The rejection in force when the action is taken: the company's latest reply before it,
    when that reply says no."""
    company = company_of(plan, action)
    earlier = [r for r in plan.replies if r.company == company and before(r.when, action.when)]
    if not earlier:
        return None
    latest = _latest_reply(earlier)
    return latest if latest.outcome == "rejected" else None


def _latest_reply(replies: list[Reply]) -> Reply:
    best = replies[0]
    for reply in replies[1:]:
        if not before(reply.when, best.when):
            best = reply
    return best


def after_rejection(plan: Plan) -> dict[int, tuple[Reply, int]]:
    """For each action taken after a rejection: the rejection, and the action's number among the
    written messages to that company since it (0 for calls and voicemails)."""
    out: dict[int, tuple[Reply, int]] = {}
    counts: dict[int, int] = {}
    for action in sorted(plan.actions, key=_order_key):
        reply = rejection_before(plan, action)
        if reply is None:
            continue
        number = 0
        if action.channel in WRITTEN_CHANNELS:
            counts[reply.index] = counts.get(reply.index, 0) + 1
            number = counts[reply.index]
        out[action.index] = (reply, number)
    return out


def _order_key(action: Action):
    moment = action.when.moment.replace(tzinfo=None).time() if action.when.moment else None
    return (action.when.day, moment is not None, moment or 0, action.index)


# --- companies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyCadence:
    """Where the conversation with one company stands on `today`, and what comes next."""

    company: str
    today: date
    state: str  # upcoming | stop | replied | no-contact | planned | waiting | due (module docstring)
    interview: Interview  # the latest interview held (the earliest coming one when none was held)
    decision_makers: tuple[str, ...]  # person ids: the hiring manager(s), else everyone met
    last_contact: Action | None = None  # the latest contact since that interview
    reply: Reply | None = None  # the latest reply since that interview (state replied or stop)
    rejection: Reply | None = None  # the rejection in force
    unanswered: tuple[Action, ...] = ()  # follow-ups sent since the last reply (or the interview)
    planned: Action | None = None  # the planned follow-up that is the next step
    due: Window | None = None  # the follow-up window (states waiting and due)
    decision_by: date | None = None  # the employer's date the window counts from, when it does
    wait_until: date | None = None  # the earliest day the next contact is fine, when after today

    @property
    def is_due(self) -> bool:
        return self.state == "due"

    @property
    def overdue(self) -> bool:
        """Past the last day of the follow-up window."""
        return self.state == "due" and self.due is not None and self.today > self.due.end

    @property
    def stop_reason(self) -> str:
        if self.state != "stop":
            return ""
        if self.rejection is not None:
            return "rejected"
        return "unanswered"

    def basis(self) -> str:
        """Why the window is where it is, in words."""
        if self.decision_by is not None:
            return f"they said they would decide by {day_text(self.decision_by)}"
        if self.last_contact is not None:
            return f"your last contact was on {day_text(self.last_contact.when.day)}"
        return ""


def _decision_makers(plan: Plan, company: str) -> tuple[str, ...]:
    people = [p for i in plan.interviews if i.company == company for p in i.people]
    people = list(dict.fromkeys(people))
    managers = [p for p in people if plan.people[p].hiring_manager]
    return tuple(managers or people)


def companies(plan: Plan) -> list[str]:
    """The plan's companies, in the order their first interview appears."""
    return list(dict.fromkeys(i.company for i in plan.interviews))


def cadences(plan: Plan, cadence: Cadence, today: date | None = None) -> dict[str, CompanyCadence]:
    """Every company's cadence on `today` (default: the plan's today)."""
    return {company: company_cadence(plan, company, cadence, today) for company in companies(plan)}


def company_cadence(plan: Plan, company: str, cadence: Cadence, today: date | None = None) -> CompanyCadence:
    """Where one company stands on `today`; see the module docstring for the states."""
    today = today or plan.today
    interviews = [i for i in plan.interviews if i.company == company]
    held = [i for i in interviews if i.when.day <= today]
    coming = [i for i in interviews if i.when.day > today]
    makers = _decision_makers(plan, company)
    if not held or coming:
        first_coming = min(coming, key=lambda i: (i.when.day, i.index))
        return CompanyCadence(company, today, "upcoming", first_coming, makers)
    latest = max(held, key=lambda i: (i.when.day, i.index))
    actions = sorted((a for a in plan.actions if company_of(plan, a) == company), key=_order_key)
    replies = [r for r in plan.replies if r.company == company and r.when.day <= today]
    last_reply = _latest_reply(replies) if replies else None
    base = dict(company=company, today=today, interview=latest, decision_makers=makers)

    if last_reply is not None and last_reply.outcome == "rejected":
        return CompanyCadence(state="stop", reply=last_reply, rejection=last_reply, **base)
    since_interview = [r for r in replies if on_or_before(latest.when, r.when)]
    if since_interview:
        return CompanyCadence(state="replied", reply=_latest_reply(since_interview), **base)
    # a contact: sent, or planned for today or later; a planned step whose day has passed has not
    # happened (overdue-action says so) and starts no wait
    contacts = [a for a in actions if on_or_before(latest.when, a.when) and not overdue_days(a, today)]
    if not contacts:
        return CompanyCadence(state="no-contact", **base)
    last_contact = contacts[-1]
    base["last_contact"] = last_contact
    # follow-ups count from the last reply or the latest interview, whichever is later (as
    # too-many-follow-ups counts them)
    anchor = _latest([latest.when] + [r.when for r in replies])
    follow_ups = [a for a in actions if a.kind == "follow_up" and not before(a.when, anchor)]
    unanswered = tuple(a for a in follow_ups if a.status == "sent")
    base["unanswered"] = unanswered
    if len(unanswered) >= cadence.max_unanswered:
        return CompanyCadence(state="stop", **base)
    planned = next((a for a in follow_ups if a.status == "planned"), None)
    if planned is not None:
        return CompanyCadence(state="planned", planned=planned, **base)

    decision_by = latest.decision_by if latest.decision_by and latest.decision_by >= latest.when.day else None
    if decision_by is not None and any(a.when.day >= decision_by for a in follow_ups):
        decision_by = None  # the follow-up after their date went out: count quiet days from it
    if decision_by is not None:
        window = Window(add_business_days(decision_by, 1), add_business_days(decision_by, cadence.grace_business_days))
    else:
        opens = add_business_days(last_contact.when.day, cadence.quiet_business_days)
        window = Window(opens, add_business_days(opens, QUIET_WINDOW_BUSINESS_DAYS))
    wait_until = last_contact.when.day + timedelta(days=cadence.min_gap_days)
    if latest.decision_by is not None and not (plan.decision_date and plan.decision_date < latest.decision_by):
        wait_until = max(wait_until, latest.decision_by)
    return CompanyCadence(
        state="due" if today >= window.start else "waiting",
        due=window,
        decision_by=decision_by,
        wait_until=wait_until if wait_until > today else None,
        **base,
    )
