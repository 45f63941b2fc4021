"""A typical plan for benchmarks: 2 interviews, 5 interviewers, 8 actions, 6 drafts of ~150 words."""

from __future__ import annotations

from pathlib import Path

_SENTENCES = [
    "Thank you for the time you spent with me on {day} and for the candid tour of the {thing}.",
    "Your account of how the team rebuilt the {thing} in under a quarter stayed with me on the way home.",
    "I was struck by how openly you described the trade-offs between speed and accuracy in {topic}.",
    "In my current role I led a small group through a similar migration, "
    "and the lessons about staging and rollback were hard won.",
    "I keep coming back to your question about how I would measure success in the first ninety days, "
    "and I would love to continue that conversation.",
    "The way your analysts pair with the operations leads on {topic} "
    "is something I have not seen done so well elsewhere.",
    "Please pass my thanks to the people who organised the day; the schedule ran like clockwork.",
    "I remain very interested in the role and in the work ahead for the team.",
]

PEOPLE = [
    ("dana", "Dana Whitfield", "VP Engineering", True, ["warehouse telemetry pipeline", "late-arriving events"]),
    ("omar", "Omar Haddad", "Staff Engineer", False, ["on-call rotation", "schema registry"]),
    ("lena", "Lena Brooks", "Product Director", False, ["pricing experiments"]),
    ("raj", "Raj Patel", "Head of Data", True, ["data contracts", "analytics roadmap"]),
    ("mia", "Mia Chen", "Engineering Manager", False, ["hiring plan", "incident reviews"]),
]


def _draft(name: str, topics: list[str], seed: int) -> str:
    words = []
    for i in range(8):
        sentence = _SENTENCES[(seed + i) % len(_SENTENCES)]
        words.append(sentence.format(day="Tuesday", thing=topics[0], topic=topics[-1]))
    return f"Hi {name.split()[0]},\n\n" + " ".join(words) + "\n\nBest regards,\nJordan Lee\n"


def write_typical_plan(folder: Path) -> Path:
    drafts = folder / "drafts"
    drafts.mkdir(parents=True, exist_ok=True)
    for i, (pid, name, _title, _hm, topics) in enumerate(PEOPLE[:5]):
        if i < 6:
            (drafts / f"{pid}.md").write_text(_draft(name, topics, i * 3), encoding="utf-8")
    (drafts / "follow-up.md").write_text(
        "Hi Dana,\n\nI wanted to follow up on our conversation about the warehouse telemetry pipeline. "
        "I remain very interested, and I expect to decide on another offer by the end of March. "
        "If you have decided to go another way, no hard feelings; I would just appreciate knowing.\n\n"
        "Best,\nJordan\n",
        encoding="utf-8",
    )
    people_yaml = []
    for pid, name, title, hm, topics in PEOPLE:
        people_yaml.append(
            f"      - {{id: {pid}, name: {name}, title: {title}, email: {pid}@harbor.example, "
            f"hiring_manager: {str(hm).lower()}, topics: [{', '.join(topics)}]}}"
        )
    plan = f"""version: 1
candidate: {{name: Jordan Lee, decision_date: 2027-03-31}}
interviews:
  - id: screen
    company: Harbor Analytics
    role: Data Engineering Manager
    date: 2027-02-20
    timing: {{asked: true, decision_by: 2027-03-20}}
    interviewers:
{chr(10).join(people_yaml[:2])}
  - id: onsite
    company: Harbor Analytics
    role: Data Engineering Manager
    date: 2027-03-02
    timing: {{asked: true, decision_by: 2027-03-20}}
    interviewers:
{chr(10).join(people_yaml[2:])}
actions:
  - {{kind: thank_you, channel: email, to: dana, date: 2027-02-20, draft: drafts/dana.md}}
  - {{kind: thank_you, channel: email, to: omar, date: 2027-02-20, draft: drafts/omar.md}}
  - {{kind: thank_you, channel: email, to: lena, date: 2027-03-02, draft: drafts/lena.md}}
  - {{kind: thank_you, channel: email, to: raj, date: 2027-03-02, draft: drafts/raj.md}}
  - {{kind: thank_you, channel: email, to: mia, date: 2027-03-03, draft: drafts/mia.md}}
  - {{kind: thank_you, channel: handwritten, to: raj, date: 2027-03-04}}
  - {{kind: follow_up, channel: email, to: dana, interview: screen, date: 2027-03-21, draft: drafts/follow-up.md}}
  - {{kind: follow_up, channel: call, to: raj, date: 2027-03-28, purpose: Share my decision date}}
"""
    path = folder / "typical.plan.yaml"
    path.write_text(plan, encoding="utf-8")
    return path
