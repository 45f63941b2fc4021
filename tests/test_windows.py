"""Cadence windows (etiquette_lint/planner/windows.py) and the rules and agenda items built on them,
on dated plans: business days skip weekends, a decision date opens a window, a reply resets the
cadence, a rejection or two unanswered follow-ups stop it. The rule (`check`) and the agenda
(`next`) must agree, because both ask windows.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etiquette_lint import lint_text
from etiquette_lint.config import resolve
from etiquette_lint.plan import load_plan
from etiquette_lint.planner import windows
from etiquette_lint.planner.agenda import agenda, within
from etiquette_lint.planner.windows import Cadence, Window, add_business_days
from etiquette_lint.rules import load_rules

HEAD = """\
version: 1
candidate: {{name: Jordan Lee}}
interviews:
  - id: onsite
    company: Harbor Analytics
    role: Data Engineering Manager
    date: 2027-03-02
    timing: {{asked: true{decision}}}
    interviewers:
      - {{id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}}
actions:
  - {{kind: thank_you, channel: email, to: dana, date: 2027-03-02, text: "Dana, thank you for the deep-dive on pipeline latency."}}
"""


def plan_text(*, decision_by: str | None = None, actions: str = "", replies: str = "") -> str:
    text = HEAD.format(decision=f", decision_by: {decision_by}" if decision_by else "") + actions
    if replies:
        text += "replies:\n" + replies
    return text


def follow_up(day: str, status: str = "sent") -> str:
    return (
        f"  - {{kind: follow_up, channel: email, to: dana, date: {day}, status: {status}, "
        'text: "Dana, I remain interested in the role. If you have gone another way, no hard feelings."}\n'
    )


def reply(day: str, outcome: str) -> str:
    return f"  - {{from: dana, date: {day}, outcome: {outcome}}}\n"


def items_of(text: str, today: str, **kwargs):
    day = date.fromisoformat(today)
    plan = load_plan("<text>", today=day, text=text, base_dir=Path("."))
    return agenda(plan, today=day, **kwargs)


def rules_of(text: str, today: str, **kwargs) -> list[str]:
    report = lint_text(text, today=date.fromisoformat(today), **kwargs)
    return [f.rule for f in report.findings]


# --- business days ---------------------------------------------------------------------------


def test_business_days_skip_the_weekend():
    friday = date(2027, 3, 12)
    assert add_business_days(friday, 1) == date(2027, 3, 15)  # Monday
    assert add_business_days(friday, 2) == date(2027, 3, 16)
    assert add_business_days(date(2027, 3, 13), 1) == date(2027, 3, 15)  # from a Saturday
    assert add_business_days(date(2027, 3, 2), 7) == date(2027, 3, 11)
    assert add_business_days(friday, 0) == friday


# --- the done-when cases of issue 9 ------------------------------------------------------------


def test_a_decision_date_two_business_days_past_gives_one_due_follow_up_with_its_window():
    # They said Friday 12 March; it is Tuesday 16 March, two business days later; no reply.
    text = plan_text(decision_by="2027-03-12")
    items = items_of(text, "2027-03-16")
    assert [(i.status, i.kind, i.date, i.until) for i in items] == [
        ("due", "follow_up", date(2027, 3, 15), date(2027, 3, 16))
    ]
    assert items[0].to == ("Dana Whitfield",) and items[0].rules == ("follow-up-due",)
    assert "between Mon 2027-03-15 and Tue 2027-03-16" in items[0].message
    assert rules_of(text, "2027-03-16") == ["follow-up-due"]
    finding = lint_text(text, today=date(2027, 3, 16)).findings[0]
    assert finding.pointer == "/interviews/0" and "overdue" not in finding.message
    # A day later the window has closed: still one item, now overdue, and the rule says so.
    items = items_of(text, "2027-03-17")
    assert [i.status for i in items] == ["overdue"]
    assert "overdue" in lint_text(text, today=date(2027, 3, 17)).findings[0].message


def test_after_a_rejection_stop():
    text = plan_text(decision_by="2027-03-12", replies=reply("2027-03-10", "rejected"))
    items = items_of(text, "2027-03-16")
    assert [(i.status, i.rules) for i in items] == [("stop", ("contact-after-rejection",))]
    assert "said no on Wed 2027-03-10" in items[0].message
    assert rules_of(text, "2027-03-16") == []  # nothing due after a no


def test_after_two_unanswered_follow_ups_stop():
    text = plan_text(decision_by="2027-03-12", actions=follow_up("2027-03-15") + follow_up("2027-03-26"))
    items = items_of(text, "2027-04-14")
    assert [(i.status, i.rules) for i in items] == [("stop", ("too-many-follow-ups",))]
    assert "2 follow-ups" in items[0].message
    assert rules_of(text, "2027-04-14") == []
    # With one unanswered follow-up, the next is due quiet business days after it.
    text = plan_text(decision_by="2027-03-12", actions=follow_up("2027-03-15"))
    items = items_of(text, "2027-03-24")
    assert [(i.status, i.date, i.until) for i in items] == [("due", date(2027, 3, 24), date(2027, 3, 26))]


def test_a_weekend_inside_the_window_is_skipped():
    # Decided by Thursday 11 March: the window is Friday 12 and Monday 15, never the weekend.
    items = items_of(plan_text(decision_by="2027-03-11"), "2027-03-12")
    assert [(i.date, i.until) for i in items] == [(date(2027, 3, 12), date(2027, 3, 15))]
    # Without a decision date: 7 business days after Tuesday 2 March is Thursday 11 March, and
    # the window stays open two business days more, to Monday 15 March.
    items = items_of(plan_text(), "2027-03-11")
    assert [(i.status, i.date, i.until) for i in items] == [("due", date(2027, 3, 11), date(2027, 3, 15))]
    assert rules_of(plan_text(), "2027-03-10") == []
    assert rules_of(plan_text(), "2027-03-11") == ["follow-up-due"]


def test_a_reply_resets_the_cadence():
    two = follow_up("2027-03-15") + follow_up("2027-03-26")
    # Two unanswered follow-ups, then they answer: no longer a stop, and a third follow-up after
    # the reply is the first of a new conversation.
    text = plan_text(
        decision_by="2027-03-12", actions=two + follow_up("2027-04-12"), replies=reply("2027-04-06", "no_decision")
    )
    assert not [i for i in items_of(text, "2027-04-09") if i.status == "stop"]
    assert "too-many-follow-ups" not in rules_of(text, "2027-04-20")
    # They replied after the interview: nothing is due while the ball is in their court.
    text = plan_text(decision_by="2027-03-12", replies=reply("2027-03-11", "no_decision"))
    assert items_of(text, "2027-03-16") == [] and rules_of(text, "2027-03-16") == []
    # A next round resets everything: the window counts from the new interview's decision date.
    second = (
        "  - id: final\n    company: Harbor Analytics\n    role: Data Engineering Manager\n"
        "    date: 2027-03-22\n    timing: {asked: true, decision_by: 2027-03-26}\n    interviewers:\n      - id: dana\n"
    )
    text = plan_text(
        decision_by="2027-03-12",
        actions="  - {kind: thank_you, channel: email, to: dana, interview: final, date: 2027-03-22, "
        'text: "Dana, thanks again for the walk through the latency dashboards."}\n',
        replies=reply("2027-03-15", "next_round"),
    ).replace("actions:\n", second + "actions:\n", 1)
    items = items_of(text, "2027-03-30")
    assert [(i.status, i.date, i.until) for i in items] == [("due", date(2027, 3, 29), date(2027, 3, 30))]


# --- waiting, planned, overdue ----------------------------------------------------------------


def test_before_the_decision_date_wait_and_the_window_ahead():
    items = items_of(plan_text(decision_by="2027-03-12"), "2027-03-04")
    assert [(i.status, i.date, i.rules) for i in items] == [
        ("wait", date(2027, 3, 12), ("early-status-check",)),
        ("due", date(2027, 3, 15), ("follow-up-due",)),
    ]
    assert "No contact with Harbor Analytics before Fri 2027-03-12" in items[0].message
    # Without a decision date, the wait is the follow-up-too-soon gap after the last contact.
    items = items_of(plan_text(), "2027-03-03")
    assert next((i.status, i.date, i.rules) for i in items) == ("wait", date(2027, 3, 5), ("follow-up-too-soon",))
    # The horizon: --days 7 on 4 March leaves out the window of 15 March, keeps the wait.
    assert [
        i.status for i in within(items_of(plan_text(decision_by="2027-03-12"), "2027-03-04"), date(2027, 3, 4), 7)
    ] == ["wait"]


def test_a_planned_follow_up_is_the_next_step_and_overdue_once_its_date_passed():
    text = plan_text(decision_by="2027-03-12", actions=follow_up("2027-03-15", "planned"))
    items = items_of(text, "2027-03-13")
    assert [(i.status, i.action, i.date) for i in items] == [("due", "/actions/1", date(2027, 3, 15))]
    assert rules_of(text, "2027-03-16") == ["overdue-action"]  # not follow-up-due as well
    items = items_of(text, "2027-03-16")
    assert [(i.status, i.rules) for i in items] == [("overdue", ("overdue-action",))]
    # With no status, a past date counts as sent.
    text = plan_text(decision_by="2027-03-12", actions=follow_up("2027-03-15").replace("status: sent, ", ""))
    assert "overdue-action" not in rules_of(text, "2027-03-16")


def test_an_unthanked_interviewer_is_on_the_agenda_until_thanked():
    text = plan_text(decision_by="2027-03-12").replace(
        "topics: [pipeline latency]}",
        "topics: [pipeline latency]}\n      - {id: omar, name: Omar Haddad, email: omar@harbor.example}",
    )
    items = [i for i in items_of(text, "2027-03-02") if i.kind == "thank_you"]
    # on the day: Dana's thank-you (planned: dated today) and Omar's, which nobody planned yet
    assert [(i.status, i.to, i.until, i.action) for i in items] == [
        ("due", ("Dana Whitfield",), None, "/actions/0"),
        ("due", ("Omar Haddad",), date(2027, 3, 3), None),
    ]
    items = [i for i in items_of(text, "2027-03-05") if i.kind == "thank_you"]
    assert [(i.status, i.to) for i in items] == [("overdue", ("Omar Haddad",))]


def test_no_contact_at_all_is_a_thank_you_matter_not_a_follow_up():
    text = plan_text(decision_by="2027-03-12").split("actions:")[0] + "actions: []\n"
    assert "follow-up-due" not in rules_of(text, "2027-03-20")
    assert {i.kind for i in items_of(text, "2027-03-20")} == {"thank_you"}


def test_an_upcoming_round_means_nothing_to_chase():
    text = plan_text(decision_by="2027-03-12").replace(
        "actions:\n",
        "  - id: final\n    company: Harbor Analytics\n    role: Data Engineering Manager\n    date: 2027-03-25\n"
        "    timing: {asked: true}\n    interviewers:\n      - id: dana\n"
        "actions:\n",
        1,
    )
    assert (
        windows.company_cadence(
            load_plan("<t>", today=date(2027, 3, 16), text=text, base_dir=Path(".")), "Harbor Analytics", Cadence()
        ).state
        == "upcoming"
    )
    assert "follow-up-due" not in rules_of(text, "2027-03-16")


# --- parameters: one configuration for the rules and the agenda --------------------------------


def test_configured_parameters_move_the_window_for_the_rule_and_the_agenda(tmp_path):
    (tmp_path / ".etiquette-lint.yaml").write_text(
        "rules:\n  follow-up-due: {grace_business_days: 4}\n  follow-up-too-soon: {min_gap_days: 5}\n"
    )
    text = plan_text(decision_by="2027-03-12")
    report = lint_text(text, today=date(2027, 3, 18), base_dir=tmp_path)
    assert "between Mon 2027-03-15 and Thu 2027-03-18" in report.findings[0].message
    ruleset = load_rules()
    settings = resolve(ruleset, {"rules": {"follow-up-due": {"grace_business_days": 4}}})
    cadence = Cadence.of(settings, ruleset)
    assert (cadence.grace_business_days, cadence.quiet_business_days, cadence.max_unanswered) == (4, 7, 2)
    plan = load_plan("<text>", today=date(2027, 3, 18), text=text, base_dir=Path("."))
    assert windows.company_cadence(plan, "Harbor Analytics", cadence).due == Window(
        date(2027, 3, 15), date(2027, 3, 18)
    )
    items = agenda(plan, settings)
    assert (items[0].date, items[0].until) == (date(2027, 3, 15), date(2027, 3, 18))
    # A rule switched off takes its agenda items with it (planned actions stay).
    off = resolve(ruleset, {}, ignore=["follow-up-due"])
    assert agenda(plan, off) == []


@pytest.mark.parametrize(("days", "expected"), [(3, "3 days"), (1, "1 day"), (5, "5 days")])
def test_fix_lines_show_the_effective_values(tmp_path, days, expected):
    (tmp_path / ".etiquette-lint.yaml").write_text(f"rules:\n  follow-up-too-soon: {{min_gap_days: {days}}}\n")
    text = plan_text(actions=follow_up("2027-03-02"))
    finding = next(
        f
        for f in lint_text(text, today=date(2027, 3, 20), base_dir=tmp_path).findings
        if f.rule == "follow-up-too-soon"
    )
    assert finding.fix == f"Move the follow-up to at least {expected} after the previous contact."
    assert "min_gap_days" not in finding.fix and "{" not in finding.fix
    assert f"wait at least {expected}" in finding.message


def test_email_and_call_speaks_for_follow_up_too_soon_on_the_same_pair_unless_suppressed():
    call = '  - {kind: follow_up, channel: call, to: dana, date: 2027-03-03, purpose: "Reinforce my interest"}\n'
    assert sorted(rules_of(plan_text(decision_by="2027-03-02", actions=call), "2027-03-04")) == [
        "email-and-call",
        "phone-follow-up",
    ]
    # An email two days after another email: only follow-up-too-soon can say it.
    assert "follow-up-too-soon" in rules_of(
        plan_text(decision_by="2027-03-02", actions=follow_up("2027-03-04")), "2027-03-05"
    )
    # Suppressing email-and-call there brings follow-up-too-soon back: the user still hears it once.
    suppressed = plan_text(decision_by="2027-03-02", actions="  # etiquette-lint: ignore[email-and-call]\n" + call)
    assert sorted(rules_of(suppressed, "2027-03-04")) == ["follow-up-too-soon", "phone-follow-up"]
