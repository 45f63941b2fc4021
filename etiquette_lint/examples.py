"""Turning a rule's own examples (and corpus cases) into plans the linter can run.

A `draft:` example is wrapped into a standard one-interview plan (below); a `plan:` example is a
whole plan. The rule-example tests, `explain` and the quality script all use this one wrapper,
so an example means the same thing everywhere.
"""

from __future__ import annotations

from datetime import date

import yaml

EXAMPLE_TODAY = date(2027, 3, 15)
INTERVIEW_DAY = "2027-03-02"
FOLLOW_UP_DAY = "2027-03-12"
_RECIPIENT_KEYS = ("name", "title", "hiring_manager", "topics", "email", "aliases")


def wrap_draft(
    draft: str,
    *,
    kind: str = "thank_you",
    topics: list[str] | None = None,
    challenges: list[str] | None = None,
    decision_date: str | None = None,
    company: str = "Harbor Analytics",
    role: str = "Data Engineering Manager",
    recipient: dict | None = None,
    candidate: str = "Jordan Lee",
    colleagues: list[dict] | None = None,
    other_companies: list[str] | None = None,
) -> str:
    """A one-interview plan whose only recipient receives `draft` (as a thank-you on the
    interview day, or as a follow-up ten days later after a neutral thank-you).

    `colleagues` ({name, title}) are other interviewers of the same interview who do not receive
    the draft; each of `other_companies` becomes an interview of its own two days earlier (with
    one interviewer), so the plan has those companies too."""
    person = {
        "id": "dana",
        "name": "Dana Whitfield",
        "title": "VP Engineering",
        "email": "dana.whitfield@harbor.example",
        "hiring_manager": True,
        "topics": list(topics or []),
    }
    if recipient:
        person.update({k: v for k, v in recipient.items() if k in _RECIPIENT_KEYS})
        person["topics"] = list(person.get("topics") or [])
        if not person.get("email"):
            person.pop("email", None)
    plan: dict = {
        "version": 1,
        "candidate": {"name": candidate},
        "interviews": [
            {
                "id": "onsite",
                "company": company,
                "role": role,
                "date": INTERVIEW_DAY,
                "timing": {"asked": True},
                "challenges": list(challenges or []),
                "interviewers": [person],
            }
        ],
        "actions": [],
    }
    for n, colleague in enumerate(colleagues or []):
        other = {"id": f"colleague-{n + 1}", "name": str(colleague.get("name") or f"Colleague {n + 1}")}
        if colleague.get("title"):
            other["title"] = str(colleague["title"])
        if colleague.get("aliases"):
            other["aliases"] = [str(a) for a in colleague["aliases"]]
        plan["interviews"][0]["interviewers"].append(other)
    for n, name in enumerate(other_companies or []):
        plan["interviews"].append(
            {
                "id": f"other-{n + 1}",
                "company": str(name),
                "role": role,
                "date": "2027-02-28",
                "timing": {"asked": True},
                "interviewers": [{"id": f"other-{n + 1}-lead", "name": "Xanthe Quorrel", "title": "Director"}],
            }
        )
    if decision_date:
        plan["candidate"]["decision_date"] = str(decision_date)
    if kind == "follow_up":
        plan["actions"].append(
            {
                "id": "thanks",
                "kind": "thank_you",
                "channel": "email",
                "to": "dana",
                "date": INTERVIEW_DAY,
                "status": "sent",
                "text": "Thank you for meeting with me today.",
            }
        )
        plan["actions"].append(
            {
                "id": "message",
                "kind": "follow_up",
                "channel": "email",
                "to": "dana",
                "date": FOLLOW_UP_DAY,
                "status": "sent",
                "text": draft,
            }
        )
    else:
        plan["actions"].append(
            {
                "id": "message",
                "kind": "thank_you",
                "channel": "email",
                "to": "dana",
                "date": INTERVIEW_DAY,
                "status": "sent",
                "text": draft,
            }
        )
    return yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=100)


def example_plan(example: dict) -> tuple[str, date]:
    """The plan text and the `today` of a rule example."""
    today = date.fromisoformat(example["today"]) if example.get("today") else EXAMPLE_TODAY
    if "plan" in example:
        return example["plan"], today
    return (
        wrap_draft(
            example["draft"],
            kind=example.get("kind", "thank_you"),
            topics=example.get("topics"),
            challenges=example.get("challenges"),
            decision_date=example.get("decision_date"),
        ),
        today,
    )
