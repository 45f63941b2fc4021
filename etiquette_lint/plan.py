"""The plan: loaded, validated against the schema and the spec's semantics, with positions.

`load_plan` is the only way in. It reports every schema error of a file at once, then every
semantic error (unknown or duplicate ids, drafts that cannot be read, ambiguous interviews), each
as `file:line:col: /pointer: what (expected, got)`.
"""

from __future__ import annotations

import json
import os.path
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import by_content
from .core.validate import is_valid
from .errors import EtiquetteLintError, InputError, InputErrors
from .limits import check_plan_limits
from .messages import Message, inline_message, read_draft, subject_segment
from .resources import schema_path
from .source import Document, load_document

if TYPE_CHECKING:
    import jsonschema

WRITTEN_CHANNELS = ("email", "handwritten", "linkedin", "text")
SPOKEN_CHANNELS = ("call", "voicemail")


@dataclass(frozen=True)
class When:
    """A date, or a datetime when a time was given."""

    day: date
    moment: datetime | None = None

    @property
    def ordinal(self) -> int:
        return self.day.toordinal()

    def __str__(self) -> str:
        if self.moment is None:
            return self.day.isoformat()
        return self.moment.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    title: str
    email: str | None
    hiring_manager: bool
    topics: tuple[str, ...]
    pointer: str
    aliases: tuple[str, ...] = ()  # other names the person goes by (1.1)


@dataclass(frozen=True)
class Interview:
    id: str
    index: int
    company: str
    role: str
    when: When
    hr_contact: dict | None
    timing_asked: bool
    decision_by: date | None
    challenges: tuple[str, ...]
    people: tuple[str, ...]  # interviewer ids, in order
    person_pointers: dict = field(compare=False)  # person id -> pointer of their entry here
    pointer: str = ""


@dataclass(frozen=True)
class Action:
    index: int
    id: str | None
    kind: str
    channel: str
    to: tuple[str, ...]
    cc_people: tuple[str, ...]  # interviewers copied (by id, or by address in cc / Cc: / Bcc:)
    cc_addresses: tuple[str, ...]
    interview: str
    when: When
    status: str
    subject: str | None
    draft: str | None
    message: Message | None
    purpose: str
    pointer: str

    @property
    def written(self) -> bool:
        return self.channel in WRITTEN_CHANNELS

    @property
    def label(self) -> str:
        return self.id or f"actions[{self.index}]"


@dataclass(frozen=True)
class Reply:
    index: int
    company: str
    person: str | None
    when: When
    outcome: str
    pointer: str


@dataclass(frozen=True)
class Plan:
    path: str
    base_dir: Path
    document: Document
    candidate_name: str
    sales_role: bool
    decision_date: date | None
    search_consultant: dict | None
    people: dict[str, Person]
    interviews: tuple[Interview, ...]
    actions: tuple[Action, ...]
    replies: tuple[Reply, ...]
    today: date
    timezone: tzinfo | None = None  # the plan's `timezone:`; None: the machine's local zone
    # Input errors confined to one action (its draft cannot be read, it names an unknown id): the
    # action was left out, or kept without its message, and the rest of the plan can be linted.
    partial_errors: tuple[EtiquetteLintError, ...] = ()

    def interview(self, interview_id: str) -> Interview:
        return next(i for i in self.interviews if i.id == interview_id)

    def sources(self) -> dict[str, str]:
        """The text of every file a finding may point into: the plan and its drafts."""
        out = {self.path: self.document.text}
        for action in self.actions:
            if action.draft and action.message is not None:
                out[action.message.body.path] = action.message.source
        return out


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # only for a plan the fast validator refused (see core/validate.py)

    schema = json.loads(schema_path("plan.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _describe(error: jsonschema.ValidationError) -> str:
    """A jsonschema error as 'what was expected, what came in'."""
    got = json.dumps(error.instance, ensure_ascii=False, default=str)
    if len(got) > 60:
        got = got[:57] + "..."
    validator = error.validator
    if validator == "enum":
        return f"{got} is not one of {', '.join(map(str, error.validator_value))}"
    if validator == "const":
        return f"expected {json.dumps(error.validator_value)}, got {got}"
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing required field {missing!r}"
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        known = ", ".join(error.schema.get("properties", {}))
        return f"unknown field{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}; expected one of {known}"
    if validator == "type":
        expected = error.validator_value
        names = [_TYPE_WORDS.get(t, t) for t in (expected if isinstance(expected, list) else [expected])]
        return f"expected {' or '.join(names)}, got {got}"
    if validator == "pattern":
        expected = error.schema.get("description") or f"a value matching {error.validator_value}"
        return f"expected {expected[0].lower() + expected[1:].rstrip('.')}, got {got}"
    if validator == "minItems":
        return f"expected at least {error.validator_value} item(s), got {got}"
    if validator == "minLength":
        return f"expected a non-empty string, got {got}"
    if validator in ("oneOf", "anyOf"):
        return (
            f"expected an id or a list of ids, got {got}"
            if "id_list" in str(error.schema) or isinstance(error.instance, (list, str))
            else f"unexpected value {got}"
        )
    return f"{error.message}"


_TYPE_WORDS = {
    "object": "a mapping (key: value)",
    "array": "a list",
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
}


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def load_plan(
    path: str,
    *,
    today: date,
    text: str | None = None,
    base_dir: str | Path | None = None,
    unsaved: Mapping[str, str] | None = None,
    partial: bool = False,
) -> Plan:
    """Read and validate a plan file (or `text`, as an editor holds it; `unsaved` maps resolved
    draft paths to the texts an editor holds for them). With `partial`, errors confined to one
    action are returned in `Plan.partial_errors` instead of raised, so the rest can be linted."""
    if text is None:
        text = read_plan_file(path)
    document = _validated_document(text, path)
    folder = Path(base_dir) if base_dir is not None else Path(path).parent
    plan = _Builder(path, folder, document, today, unsaved).build()
    if plan.partial_errors and not partial:
        errors = list(plan.partial_errors)
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    return plan


@by_content(maxsize=8, max_chars=262_144)
def _validated_document(text: str, path: str) -> Document:
    """Parse and schema-check a plan text. Cached by content: an editor or a watch loop re-lints
    the same plan text many times, and the Document is never modified after it is built."""
    document = load_document(text, path, keep="plans")
    data = document.data
    if data is None:
        raise InputError("the file is empty; expected a plan (version: 1, candidate, interviews, actions)", path=path)
    check_plan_limits(document)  # before any work on a plan beyond the documented limits
    if is_valid(data):
        return document
    errors = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        pointer = _pointer(error.absolute_path)
        if error.validator == "required" and "'" in error.message:
            missing = error.message.split("'")[1]
            pointer_shown = f"{pointer}/{missing}"
        else:
            pointer_shown = pointer or "/"
        span = document.span(pointer)
        errors.append(
            InputError(_describe(error), path=path, line=span.line, column=span.column, pointer=pointer_shown)
        )
    if errors:
        raise InputErrors(errors)
    return document


def read_plan_file(path: str) -> str:
    from .source import MAX_FILE_BYTES, read_file

    data = read_file(path, limit=MAX_FILE_BYTES, expected="a plan file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=path) from None
    return text.removeprefix("\ufeff")


_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s?(Z|z|[+-]\d{2}(?::?\d{2})?)?$")


def parse_when(value: str) -> When:
    """'2027-03-02' or '2027-03-02T14:00[:ss][+hh:mm]' (already checked by the schema's pattern)."""
    if len(value) == 10:
        return When(date.fromisoformat(value))
    match = _TIME.match(value)
    if not match:
        raise ValueError(value)
    day, hour, minute, second, fraction, offset = match.groups()
    iso = f"{day}T{int(hour):02d}:{minute}:{second or '00'}{fraction or ''}"
    if offset:
        offset = "+00:00" if offset in "Zz" else offset
        if len(offset) == 3:
            offset += ":00"
        elif ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        iso += offset
    moment = datetime.fromisoformat(iso)
    return When(moment.date(), moment)


def zone_named(name: str) -> tzinfo:
    """The IANA time zone `name` (such as America/Denver); ValueError when there is none."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only for a plan with a `timezone:`

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(name) from None


def in_zone(when: When, zone: tzinfo | None) -> When:
    """`when` in the plan's zone (None: the machine's local zone). A time without an offset is a
    wall-clock time there; one with an offset is converted to it. Its day is the calendar date
    there, so that day arithmetic and the times shown are the plan's."""
    moment = when.moment
    if moment is None:
        return when
    if zone is None:
        moment = moment.astimezone()
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    else:
        moment = moment.astimezone(zone)
    return When(moment.date(), moment)


class _Builder:
    """Turns validated data into the Plan model, collecting every semantic error."""

    def __init__(
        self, path: str, folder: Path, document: Document, today: date, unsaved: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self.unsaved = unsaved
        self.folder = folder
        self.document = document
        self.data = document.data
        self.today = today
        self.errors: list[EtiquetteLintError] = []
        self.local: list[EtiquetteLintError] = []  # errors confined to one action (see Plan.partial_errors)
        self.zone = self._zone()

    def _zone(self) -> tzinfo | None:
        name = self.data.get("timezone") if isinstance(self.data, dict) else None
        if not isinstance(name, str):
            return None
        try:
            return zone_named(name)
        except ValueError:
            self.error("/timezone", f"{name!r} is not a known time zone; expected an IANA name such as America/Denver")
            return None

    def error(self, pointer: str, message: str, *, local: bool = False) -> None:
        span = self.document.span(pointer)
        error = InputError(message, path=self.path, line=span.line, column=span.column, pointer=pointer)
        (self.local if local else self.errors).append(error)

    def when(self, pointer: str, value: str) -> When:
        try:
            return in_zone(parse_when(value), self.zone)
        except ValueError:
            self.error(pointer, f"{value!r} is not a valid date or datetime; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM")
            return When(date(1970, 1, 1))

    def day(self, pointer: str, value: str | None) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(pointer, f"{value!r} is not a valid date; expected YYYY-MM-DD")
            return None

    def build(self) -> Plan:
        data = self.data
        candidate = data["candidate"]
        people, interviews = self.interviews()
        actions = self.actions(people, interviews)
        replies = self.replies(people, interviews)
        if self.errors:
            errors = sorted(self.errors + self.local, key=lambda e: (e.line or 0, e.column or 0))
            if len(errors) == 1:
                raise errors[0]
            raise InputErrors(errors)
        return Plan(
            path=self.path,
            base_dir=self.folder,
            document=self.document,
            candidate_name=candidate["name"],
            sales_role=bool(candidate.get("sales_role", False)),
            decision_date=self.day("/candidate/decision_date", candidate.get("decision_date")),
            search_consultant=candidate.get("search_consultant"),
            people=people,
            interviews=tuple(interviews),
            actions=tuple(actions),
            replies=tuple(replies),
            today=self.today,
            timezone=self.zone,
            partial_errors=tuple(self.local),
        )

    def interviews(self) -> tuple[dict[str, Person], list[Interview]]:
        people: dict[str, Person] = {}
        interviews: list[Interview] = []
        seen_interviews: dict[str, str] = {}
        for i, raw in enumerate(self.data["interviews"]):
            pointer = f"/interviews/{i}"
            if raw["id"] in seen_interviews:
                self.error(
                    f"{pointer}/id",
                    f"duplicate interview id {raw['id']!r} (first used at {seen_interviews[raw['id']]}); "
                    "expected ids unique within the plan",
                )
            seen_interviews.setdefault(raw["id"], pointer)
            ids: list[str] = []
            pointers: dict[str, str] = {}
            for j, who in enumerate(raw["interviewers"]):
                wp = f"{pointer}/interviewers/{j}"
                pid = who["id"]
                if pid in seen_interviews:
                    pass
                if pid in pointers:
                    self.error(
                        f"{wp}/id",
                        f"duplicate interviewer id {pid!r} in this interview; expected each person once per interview",
                    )
                    continue
                if pid in people:
                    if len(who) > 1:
                        self.error(
                            f"{wp}/id",
                            f"duplicate interviewer id {pid!r} (first defined at {people[pid].pointer}); "
                            "a person met again is listed with only their id",
                        )
                elif "name" not in who:
                    self.error(wp, f"interviewer {pid!r} has no 'name'; expected a name where a person is first listed")
                    continue
                else:
                    people[pid] = Person(
                        id=pid,
                        name=who["name"],
                        title=who.get("title", ""),
                        email=(who.get("email") or "").lower() or None,
                        hiring_manager=bool(who.get("hiring_manager", False)),
                        topics=tuple(who.get("topics", ())),
                        pointer=wp,
                        aliases=tuple(who.get("aliases", ())),
                    )
                ids.append(pid)
                pointers[pid] = wp
            timing = raw.get("timing") or {}
            interviews.append(
                Interview(
                    id=raw["id"],
                    index=i,
                    company=raw["company"],
                    role=raw.get("role", ""),
                    when=self.when(f"{pointer}/date", raw["date"]),
                    hr_contact=raw.get("hr_contact"),
                    timing_asked=bool(timing.get("asked", False)),
                    decision_by=self.day(f"{pointer}/timing/decision_by", timing.get("decision_by")),
                    challenges=tuple(raw.get("challenges", ())),
                    people=tuple(ids),
                    person_pointers=pointers,
                    pointer=pointer,
                )
            )
        clash = set(people) & set(seen_interviews)
        for pid in sorted(clash):
            self.error(
                f"{people[pid].pointer}/id",
                f"id {pid!r} names both an interviewer and an interview; expected ids unique within the plan",
            )
        return people, interviews

    def actions(self, people: dict[str, Person], interviews: list[Interview]) -> list[Action]:
        out: list[Action] = []
        seen_ids: dict[str, str] = {}
        by_email = {p.email: p.id for p in people.values() if p.email}
        by_id = {i.id: i for i in interviews}
        for n, raw in enumerate(self.data.get("actions", ()) or ()):
            pointer = f"/actions/{n}"
            action_id = raw.get("id")
            if action_id is not None:
                if action_id in seen_ids:
                    self.error(
                        f"{pointer}/id",
                        f"duplicate action id {action_id!r} (first used at {seen_ids[action_id]}); "
                        "expected ids unique within the plan",
                    )
                seen_ids.setdefault(action_id, pointer)
            to = [raw["to"]] if isinstance(raw["to"], str) else list(raw["to"])
            unknown = [t for t in to if t not in people]
            for t in unknown:
                where = f"{pointer}/to" if isinstance(raw["to"], str) else f"{pointer}/to/{to.index(t)}"
                self.error(
                    where,
                    f"unknown interviewer id {t!r}; expected one of {', '.join(sorted(people)) or '(none)'}",
                    local=True,
                )
            if unknown:
                continue  # this action is left out; the rest of the plan is still linted
            when = self.when(f"{pointer}/date", raw["date"])
            interview = self.action_interview(pointer, raw, to, interviews, by_id, when)
            if interview is None:
                continue
            message = self.message(pointer, raw)
            cc_people: list[str] = []
            cc_addresses: list[str] = []
            for k, entry in enumerate(raw.get("cc", ()) or ()):
                if "@" in entry:
                    cc_addresses.append(entry.lower())
                    if entry.lower() in by_email:
                        cc_people.append(by_email[entry.lower()])
                elif entry in people:
                    cc_people.append(entry)
                else:
                    self.error(
                        f"{pointer}/cc/{k}",
                        f"unknown interviewer id {entry!r} in cc; expected an interviewer id or an email address",
                        local=True,
                    )
            if message is not None:
                _header_recipients(message, by_email, to, cc_people, cc_addresses)
            status = raw.get("status") or ("sent" if when.day < self.today else "planned")
            subject = raw.get("subject")
            out.append(
                Action(
                    index=n,
                    id=action_id,
                    kind=raw["kind"],
                    channel=raw["channel"],
                    to=tuple(dict.fromkeys(to)),
                    cc_people=tuple(p for p in dict.fromkeys(cc_people) if p not in to),
                    cc_addresses=tuple(dict.fromkeys(cc_addresses)),
                    interview=interview.id,
                    when=when,
                    status=status,
                    subject=subject if subject is not None else (message.header_subject if message else None),
                    draft=raw.get("draft"),
                    message=message,
                    purpose=raw.get("purpose", "") or "",
                    pointer=pointer,
                )
            )
        return out

    def action_interview(self, pointer, raw, to, interviews, by_id, when) -> Interview | None:
        named = raw.get("interview")
        if named is not None:
            interview = by_id.get(named)
            if interview is None:
                self.error(
                    f"{pointer}/interview",
                    f"unknown interview id {named!r}; expected one of {', '.join(by_id)}",
                    local=True,
                )
                return None
            outside = [t for t in to if t not in interview.people]
            if outside:
                self.error(
                    f"{pointer}/to",
                    f"{', '.join(map(repr, outside))} did not take part in interview {named!r}; "
                    f"expected one of {', '.join(interview.people)}",
                )
                return None
            return interview
        common = [i for i in interviews if all(t in i.people for t in to)]
        if not common:
            rounds = {t: [i.id for i in interviews if t in i.people] for t in to}
            detail = "; ".join(f"{t}: {', '.join(r)}" for t, r in rounds.items())
            self.error(
                f"{pointer}/to",
                f"names interviewers from different interviews ({detail}); "
                "expected an 'interview:' field saying which one this action follows",
            )
            return None
        if len(common) == 1:
            return common[0]
        # The same people met in several rounds: the latest round held on or before the action.
        held = [i for i in common if i.when.day <= when.day]
        return max(held, key=lambda i: (i.when.day, i.index)) if held else common[0]

    def message(self, pointer: str, raw: dict) -> Message | None:
        channel = raw["channel"]
        span = self.document.span(pointer)
        if "draft" in raw and "text" in raw:
            self.error(pointer, "has both 'draft' and 'text'; expected exactly one of them")
            return None
        if "draft" in raw:
            if channel not in ("email", "handwritten", "linkedin", "text"):
                self.error(
                    f"{pointer}/draft", f"a {channel} carries no written message; expected 'purpose' instead of 'draft'"
                )
                return None
            dspan = self.document.span(f"{pointer}/draft")
            display = os.path.normpath(os.path.join(str(self.folder), raw["draft"]))
            try:
                message = read_draft(
                    self.folder,
                    raw["draft"],
                    display,
                    path=self.path,
                    pointer=f"{pointer}/draft",
                    line=dspan.line,
                    column=dspan.column,
                    unsaved=self.unsaved,
                )
            except InputError as exc:
                self.local.append(exc)  # the action stays, without its message
                return None
        elif "text" in raw:
            if channel not in ("email", "handwritten", "linkedin", "text"):
                self.error(
                    f"{pointer}/text", f"a {channel} carries no written message; expected 'purpose' instead of 'text'"
                )
                return None
            message = self.inline(f"{pointer}/text", raw["text"])
        else:
            if channel == "email":
                self.error(
                    pointer,
                    "an email action has neither 'draft' nor 'text'; expected one of them (the message to be checked)",
                )
            del span
            return None
        subject = raw.get("subject")
        if subject:
            sspan = self.document.span(f"{pointer}/subject")
            first_line = (
                self.document.text.splitlines()[sspan.line - 1]
                if sspan.line <= len(self.document.text.splitlines())
                else ""
            )
            column = sspan.column + (1 if first_line[sspan.column - 1 : sspan.column] in ("'", '"') else 0)
            segments = (subject_segment(subject, self.path, sspan.line, column),) + tuple(
                s for s in message.segments if s.kind != "subject"
            )
            message = Message(
                segments,
                message.to_addresses,
                message.cc_addresses,
                message.bcc_addresses,
                message.header_subject,
                message.header_date,
                message.source,
            )
        return message

    def inline(self, pointer: str, text: str) -> Message:
        span = self.document.span(pointer)
        lines = self.document.text.splitlines()
        head = lines[span.line - 1][span.column - 1 :] if span.line <= len(lines) else ""
        if head[:1] in ("|", ">"):
            # A block scalar: the text starts on the next line, at the block's indentation.
            indent = 0
            for line in lines[span.line :]:
                if line.strip():
                    indent = len(line) - len(line.lstrip(" "))
                    break
            return inline_message(text, self.path, span.line + 1, indent + 1, indent)
        column = span.column + (1 if head[:1] in ("'", '"') else 0)
        return inline_message(text, self.path, span.line, column, span.column - 1)

    def replies(self, people: dict[str, Person], interviews: list[Interview]) -> list[Reply]:
        out: list[Reply] = []
        by_id = {i.id: i for i in interviews}
        for n, raw in enumerate(self.data.get("replies", ()) or ()):
            pointer = f"/replies/{n}"
            source = raw["from"]
            if source in people:
                company = next(i.company for i in interviews if source in i.people)
                person = source
            elif source in by_id:
                company = by_id[source].company
                person = None
            else:
                self.error(f"{pointer}/from", f"unknown id {source!r}; expected an interviewer id or an interview id")
                continue
            out.append(
                Reply(
                    n, company, person, self.when(f"{pointer}/date", raw["date"]), raw.get("outcome", "other"), pointer
                )
            )
        return out


def _header_recipients(
    message: Message, by_email: dict[str, str], to: list[str], cc_people: list[str], cc_addresses: list[str]
) -> None:
    """Add the interviewers a message's To:, Cc: and Bcc: headers name (by address) to `to` and `cc`."""
    for address in message.to_addresses:
        if address in by_email and by_email[address] not in to:
            to.append(by_email[address])
    for address in message.cc_addresses + message.bcc_addresses:
        cc_addresses.append(address)
        if address in by_email:
            cc_people.append(by_email[address])


def add_action(
    plan: Plan,
    *,
    kind: str,
    to: list[str],
    when: When,
    message: Message,
    draft: str,
    action_id: str | None = None,
    channel: str = "email",
) -> Plan:
    """`plan` with `message` as one more action at its end, resolved as the loader resolves one
    (the interview it follows, the interviewers its headers name); `presend` checks it this way.
    An error names `draft` (the message's file)."""
    pointer = f"/actions/{len(plan.actions)}"
    unknown = [t for t in to if t not in plan.people]
    if unknown:
        raise InputError(
            f"unknown interviewer id {unknown[0]!r}; expected one of {', '.join(sorted(plan.people)) or '(none)'}",
            path=draft,
        )
    builder = _Builder(plan.path, plan.base_dir, plan.document, plan.today)
    to = list(to)
    interview = builder.action_interview(
        pointer, {}, to, list(plan.interviews), {i.id: i for i in plan.interviews}, when
    )
    if interview is None:
        raise InputError(
            builder.errors[0].message.split("; expected")[0] + f"; expected people met in one interview of {plan.path}",
            path=draft,
        )
    by_email = {p.email: p.id for p in plan.people.values() if p.email}
    cc_people: list[str] = []
    cc_addresses: list[str] = []
    _header_recipients(message, by_email, to, cc_people, cc_addresses)
    action = Action(
        index=len(plan.actions),
        id=action_id,
        kind=kind,
        channel=channel,
        to=tuple(dict.fromkeys(to)),
        cc_people=tuple(p for p in dict.fromkeys(cc_people) if p not in to),
        cc_addresses=tuple(dict.fromkeys(cc_addresses)),
        interview=interview.id,
        when=when,
        status="sent" if when.day < plan.today else "planned",
        subject=message.header_subject,
        draft=draft,
        message=message,
        purpose="",
        pointer=pointer,
    )
    return replace(plan, actions=plan.actions + (action,))
