"""Starting a plan (`etiquette-lint init`) and adding a later round to one (`--add-interview`).

A new plan gets one planned thank-you per interviewer, dated the interview day, and a draft
skeleton for each whose slot for the specific detail is a placeholder, so `check` reports
`unfilled-placeholder` until the candidate writes it; `timing: {asked: false}` makes
`timing-not-asked` remind them to ask. Nothing is ever overwritten.

Plans are written with ruamel.yaml in round-trip mode: adding an interview to an existing plan
keeps every comment, blank line, quote and indentation of the file outside what is added
(rewriting the text by hand would break on the many ways people lay out YAML).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class Interviewer:
    name: str
    email: str = ""
    hiring_manager: bool = False


@dataclass(frozen=True)
class Round:
    """What the candidate knows right after an interview."""

    company: str
    role: str
    day: date
    time: str  # "HH:MM" or ""
    interviewers: tuple[Interviewer, ...]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _short(company: str) -> str:
    """The company's first word, for ids and draft names ("Acme Medical" -> "acme")."""
    return slug(company).split("-")[0]


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"interview date: expected YYYY-MM-DD, got {value!r}") from None


def parse_time(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return datetime.strptime(value, "%H:%M").strftime("%H:%M")
    except ValueError:
        raise InputError(f"interview time: expected HH:MM (24-hour), got {value!r}") from None


def parse_interviewer(value: str) -> Interviewer:
    """'Dana Whitfield <dana@acme.example>', optionally followed by ', hiring manager'."""
    text = value.strip()
    manager = False
    lowered = text.lower()
    for suffix in (", hiring manager", "; hiring manager", " (hiring manager)", ",hiring manager"):
        if lowered.endswith(suffix):
            text, manager = text[: -len(suffix)].strip(), True
            break
    match = re.fullmatch(r"(.*?)\s*<([^<>\s]+@[^<>\s]+)>", text)
    name, email = (match.group(1).strip(), match.group(2)) if match else (text, "")
    if "@" in name and not email:
        raise InputError(f"--interviewer: put the address in angle brackets: 'Name <email>', got {value!r}")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise InputError(f"--interviewer: {email!r} is not an email address")
    if not match and ("<" in name or ">" in name):
        raise InputError(f"--interviewer: {value!r} is not an email address; expected 'Name <email>'")
    if not name:
        raise InputError(f"--interviewer: expected 'Name <email>' (email optional), got {value!r}")
    return Interviewer(name, email, manager)


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, order, quotes and layout survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the user wrote on one line
    yaml.representer.ignore_aliases = lambda *_: True  # the same date twice is written twice, no &anchors
    return yaml


def _when(round_: Round):
    if not round_.time:
        return round_.day
    from ruamel.yaml.scalarstring import PlainScalarString

    return PlainScalarString(f"{round_.day.isoformat()}T{round_.time}")


def _person_id(person: Interviewer, taken: set[str]) -> str:
    parts = slug(person.name).split("-")
    for candidate in (parts[0], "-".join(parts)):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{parts[0]}{n}" in taken:
        n += 1
    return f"{parts[0]}{n}"


def skeleton(first_name: str, candidate: str, round_: Round) -> str:
    """A thank-you draft with a slot for what only this conversation had (a placeholder)."""
    return (
        f"Hi {first_name},\n\n"
        f"[what you and {first_name} talked about, and why it drew you in]\n\n"
        f"Best regards,\n{candidate}\n"
    )


def _interview_node(interview_id: str, round_: Round, people: list[tuple[str, Interviewer | None]]):
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    node["id"] = interview_id
    node["company"] = round_.company
    if round_.role:
        node["role"] = round_.role
    node["date"] = _when(round_)
    timing = CommentedMap()
    timing["asked"] = False
    node["timing"] = timing
    timing.yaml_add_eol_comment("did you ask when they will decide? then set true and add decision_by", "asked")
    interviewers = []
    for person_id, person in people:
        entry = CommentedMap()
        entry["id"] = person_id
        if person is not None:  # None: met before, listed by id only
            entry["name"] = person.name
            if person.email:
                entry["email"] = person.email
            if person.hiring_manager:
                entry["hiring_manager"] = True
            entry["topics"] = []
            entry.yaml_add_eol_comment("what you talked about: the thank-you should touch one", "topics")
        interviewers.append(entry)
    node["interviewers"] = interviewers
    return node


def _action_node(person_id: str, interview_id: str, round_: Round, draft: str):
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    node["id"] = f"thanks-{person_id}-{interview_id}"
    node["kind"] = "thank_you"
    node["channel"] = "email"
    node["to"] = person_id
    node["interview"] = interview_id
    node["date"] = round_.day
    node["status"] = "planned"
    node.yaml_add_eol_comment("set to sent once it is sent", "status")
    node["subject"] = f"Thank you - {round_.role}" if round_.role else "Thank you"
    node["draft"] = draft
    return node


def _plan_round(round_: Round, interview_id: str, candidate: str, known: dict[str, str], taken: set[str]):
    """The interview node, the action nodes and the draft files (relative path -> text)."""
    people: list[tuple[str, Interviewer | None]] = []
    for person in round_.interviewers:
        key = person.email.lower() if person.email else person.name.lower()
        if key in known:
            people.append((known[key], None))
            continue
        person_id = _person_id(person, taken)
        taken.add(person_id)
        known[key] = person_id
        people.append((person_id, person))
    names = {pid: p.name for pid, p in people if p is not None}
    actions, drafts = [], {}
    for person_id, person in people:
        draft = f"drafts/{interview_id}-{person_id}.md"
        first = (person.name if person else names.get(person_id, person_id)).split()[0]
        drafts[draft] = skeleton(first, candidate, round_)
        actions.append(_action_node(person_id, interview_id, round_, draft))
    return _interview_node(interview_id, round_, people), actions, drafts


def _check_free(paths: list[Path]) -> None:
    for path in paths:
        if path.exists() or path.is_symlink():
            raise InputError(f"{path} already exists; init never overwrites a file (choose another folder or name)")


def _write_new(files: dict[Path, str]) -> None:
    """Create every file, or none: all are checked before the first is written."""
    _check_free(list(files))
    written: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(text)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise InputError(f"cannot write {exc.filename or ''}: {exc.strerror or exc}") from None


def new_plan(folder: Path, candidate: str, round_: Round) -> list[Path]:
    """Write FOLDER/<company>.plan.yaml and its draft skeletons; return the paths written."""
    from ruamel.yaml.comments import CommentedMap

    if not round_.interviewers:
        raise InputError("init needs at least one interviewer (the people you met)")
    company_slug = slug(round_.company)
    interview_id = f"{_short(round_.company)}-r1"
    interview, actions, drafts = _plan_round(round_, interview_id, candidate, {}, set())
    plan = CommentedMap()
    plan["version"] = 1
    person = CommentedMap()
    person["name"] = candidate
    plan["candidate"] = person
    plan["interviews"] = [interview]
    plan["actions"] = actions
    plan.yaml_set_start_comment(
        f"Follow-up plan for {round_.company}, started with `etiquette-lint init`.\n"
        "Write each draft in drafts/, record the topics you discussed, then run: etiquette-lint check\n"
        "If you must decide by a date (another offer), add candidate.decision_date: YYYY-MM-DD.\n"
        "After a later round: etiquette-lint init --add-interview THIS-FILE"
    )
    yaml = _yaml()
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(plan, out)
    target = folder / f"{company_slug}.plan.yaml"
    files = {target: out.getvalue()}
    files.update({folder / rel: text for rel, text in drafts.items()})
    _write_new(files)
    return list(files)


def add_interview(plan_path: Path, round_: Round) -> list[Path]:
    """Add a later round to an existing plan (its comments and layout kept); return the paths
    written (the plan, then the new drafts)."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    from ..plan import load_plan, read_plan_file

    if not round_.interviewers:
        raise InputError("--add-interview needs at least one interviewer (the people you met)")
    # Read once, bounded and checked on the opened descriptor (a FIFO or /dev/zero is refused, not
    # read); the text validated is the text edited.
    text = read_plan_file(str(plan_path))
    load_plan(str(plan_path), today=round_.day, text=text)  # a plan that does not lint is not edited
    yaml = _yaml()
    try:
        _, sequence_indent, offset = load_yaml_guess_indent(text)
        data = yaml.load(text)
    except YAMLError as exc:
        raise InputError(f"{plan_path}: cannot be read as YAML for editing ({exc})") from None
    yaml.indent(mapping=2, sequence=sequence_indent or 2, offset=offset or 0)

    taken = {i["id"] for i in data["interviews"]} | {p["id"] for i in data["interviews"] for p in i["interviewers"]}
    known: dict[str, str] = {}
    for interview in data["interviews"]:
        for person in interview["interviewers"]:
            if "name" in person:
                known[str(person["name"]).lower()] = person["id"]
            if person.get("email"):
                known[str(person["email"]).lower()] = person["id"]
    n = 1 + sum(1 for i in data["interviews"] if i.get("company") == round_.company)
    interview_id = f"{_short(round_.company)}-r{n}"
    while interview_id in taken:
        n += 1
        interview_id = f"{_short(round_.company)}-r{n}"
    taken.add(interview_id)
    candidate = data["candidate"]["name"]
    interview, actions, drafts = _plan_round(round_, interview_id, candidate, known, taken)
    data["interviews"].append(interview)
    if data.get("actions") is None:
        data["actions"] = []
    data["actions"].extend(actions)
    out = io.StringIO()
    yaml.dump(data, out)
    folder = plan_path.parent
    draft_files = {folder / rel: body for rel, body in drafts.items()}
    _check_free(list(draft_files))
    new_text = out.getvalue()
    _write_new(draft_files)
    try:
        load_plan(str(plan_path), today=round_.day, text=new_text, base_dir=folder)
        _replace(plan_path, new_text)
    except BaseException:
        for path in draft_files:
            path.unlink(missing_ok=True)
        raise
    return [plan_path, *draft_files]


def _replace(path: Path, text: str) -> None:
    """Write `text` over `path` atomically (a crash leaves the old plan, never half a plan)."""
    target = path.resolve()
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, delete=False, prefix=f".{target.name}.", suffix=".tmp"
    ) as handle:
        handle.write(text)
    os.replace(handle.name, target)
