"""`presend`: check one message just before it leaves, as the next action of a plan.

The message (an RFC 5322 `.eml`, or plain text / Markdown with `--to`) is added to the loaded plan
as one more email action (plan.add_action) and the plan is linted as usual, so cadence, carbon
copies and every other rule mean exactly what they mean for `check`; only the findings that
involve the message are kept. Its recipient comes from `--to` or from the `To:` header matched to
interviewers' addresses; it is a `thank_you` when the plan has no earlier contact with that
person (an action to them dated before the message, or sent the same day), else a `follow_up`.
Its date is `--date`, else its `Date:` header, else `--today`. A message that is already the
draft of an action of the plan is checked as that action. Without a plan, only the text rules
run: the rules whose conditions look at nothing but phrases in the message.
"""

from __future__ import annotations

import re
from dataclasses import replace
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from .config import Settings
from .errors import InputError
from .lint import Options, lint_plan, settings_for, version
from .messages import MAX_DRAFT_BYTES, Message, parse_message
from .plan import Interview, Person, Plan, When, add_action, in_zone, load_plan, parse_when
from .report import Finding, Report
from .rules import Rule, RuleSet, load_rules
from .source import Document, read_file
from .suppressions import UNUSED_SUPPRESSION

KINDS = ("thank_you", "follow_up")
_HEADER_BLOCK = re.compile(r"\A(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)+\r?\n")
_ADDRESS_HEADER = re.compile(r"^(?:to|from|subject|date|cc):", re.IGNORECASE | re.MULTILINE)


class NoRecipient(InputError):
    """The message goes to no interviewer of the plan: its To: header names none, or it has none
    (a mail hook may let such mail through, see --skip-unknown-recipients)."""


def read_message(source: str, data: bytes | None = None) -> tuple[Message, bool]:
    """The message in file `source`, or in `data` (standard input when `source` is '-'), and
    whether it is an RFC 5322 message (with headers)."""
    if data is None:
        data = read_file(source, limit=MAX_DRAFT_BYTES, expected="a message file (.eml, .txt or .md)")
    elif len(data) > MAX_DRAFT_BYTES:
        raise InputError(f"message is too large: {len(data)} bytes, expected at most {MAX_DRAFT_BYTES}", path=source)
    eml = is_eml(source, data)

    def fail(what: str) -> InputError:
        return InputError(what.replace("draft ", "message ", 1), path=source)

    return parse_message(data, source, fail, eml=eml), eml


def is_eml(source: str, data: bytes) -> bool:
    """An `.eml` file, or (standard input, or a file that is not .txt/.md) text that opens with
    RFC 5322 header fields such as To:, From: or Subject: (after an mbox `From ` line, if any)."""
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix == ".eml":
        return True
    if suffix in (".txt", ".md", ".markdown", ".text"):
        return False
    head = data[: 64 * 1024].decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")
    if head.startswith("From "):  # an mbox envelope line, as `git format-patch` writes
        head = head.partition("\n")[2]
    block = _HEADER_BLOCK.match(head)
    return bool(block and _ADDRESS_HEADER.search(block.group(0)))


def text_rules(ruleset: RuleSet) -> set[str]:
    """The rules that look at nothing but phrases in a message (they need no plan)."""

    def textual(rule: Rule) -> bool:
        return bool(rule.match) and all(pattern.get("fact") == "phrase" for pattern in rule.match)

    return {rule_id for rule_id, rule in ruleset.rules.items() if textual(rule)}


def presend(
    source: str,
    options: Options,
    *,
    data: bytes | None = None,
    plan_path: str | None = None,
    to: str | None = None,
    kind: str | None = None,
    date: str | None = None,
) -> Report:
    """Lint the message `source` (or `data`) as the next action of the plan at `plan_path`; raise
    EtiquetteLintError (NoRecipient when it goes to nobody in the plan) for unusable input."""
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    when = _when_option(date) if date else None  # in the plan's zone once the plan is read
    message, eml = read_message(source, data)
    ruleset = load_rules(options.rules_dirs)
    if plan_path is None:
        settings = settings_for(Path(source) if source != "-" else None, options, ruleset)
        keep = text_rules(ruleset)
        settings = replace(settings, rules={k: v for k, v in settings.rules.items() if k in keep})
        plan = _alone(source, message, to, options)
        when = in_zone(when or _header_when(message) or When(options.day()), None)
        plan = add_action(
            plan,
            kind=kind or "thank_you",
            to=["recipient"],
            when=when,
            message=message,
            draft=source,
            action_id=_label(source),
        )
        return _report(plan, plan.actions[-1:], settings, ruleset, source, message, _anchor(source, message))
    plan = load_plan(plan_path, today=options.day())
    settings = settings_for(Path(plan_path), options, ruleset)
    drafted = _drafted(plan, source)
    if drafted:
        return _report(plan, drafted, settings, ruleset, source, message)
    if not message.to_addresses and to is None:
        expected = f"expected --to ID (one of {', '.join(sorted(plan.people))})"
        if eml:
            raise NoRecipient(f"the message has no To: address; {expected}", path=source)
        raise InputError(f"a text or Markdown message names no recipient; {expected}", path=source)
    recipients = _recipients(plan, message, to, source)
    when = in_zone(when or _header_when(message) or When(options.day()), plan.timezone)
    kind = kind or ("follow_up" if _contacted(plan, recipients, when) else "thank_you")
    plan = add_action(
        plan, kind=kind, to=recipients, when=when, message=message, draft=source, action_id=_label(source)
    )
    return _report(plan, plan.actions[-1:], settings, ruleset, source, message, _anchor(source, message))


def _when_option(value: str) -> When:
    try:
        return parse_when(value)
    except ValueError:
        raise InputError(f"--date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {value!r}") from None


def _header_when(message: Message) -> When | None:
    if not message.header_date:
        return None
    try:
        moment = parsedate_to_datetime(message.header_date)
    except (TypeError, ValueError, IndexError):
        return None
    return When(moment.date(), moment)


def _label(source: str) -> str:
    return "message" if source == "-" else Path(source).name


def _drafted(plan: Plan, source: str) -> tuple:
    """The plan's actions whose draft is the message file itself."""
    if source == "-":
        return ()
    target = Path(source).resolve()
    return tuple(a for a in plan.actions if a.draft and (plan.base_dir / a.draft).resolve() == target)


def _recipients(plan: Plan, message: Message, to: str | None, source: str) -> list[str]:
    if to is not None:
        if to not in plan.people:
            raise InputError(
                f"--to: unknown interviewer id {to!r}; expected one of {', '.join(sorted(plan.people))}", path=plan.path
            )
        return [to]
    by_email = {p.email: p.id for p in plan.people.values() if p.email}
    found = [by_email[a] for a in message.to_addresses if a in by_email]
    if not found:
        several = len(message.to_addresses) > 1
        what = (
            f"the To: address{'es' if several else ''} {', '.join(message.to_addresses)} match{'' if several else 'es'}"
        )
        raise NoRecipient(
            f"{what} no interviewer's email in {plan.path}; expected an interviewer's address, or --to ID", path=source
        )
    return list(dict.fromkeys(found))


def _contacted(plan: Plan, people: list[str], when: When) -> bool:
    """Any contact with these people before the message: dated earlier, or sent the same day."""
    return any(
        set(action.to) & set(people)
        and (action.when.day < when.day or (action.when.day == when.day and action.status == "sent"))
        for action in plan.actions
    )


def _alone(source: str, message: Message, to: str | None, options: Options) -> Plan:
    """A stand-in plan around the message when there is none: one interview, one recipient."""
    named = [display for display, _ in getaddresses(_raw_header(message.source, "To")) if display]
    name = to or (named[0] if named else "") or (message.to_addresses[0] if message.to_addresses else "the recipient")
    person = Person(id="recipient", name=name, title="", email=None, hiring_manager=False, topics=(), pointer="")
    interview = Interview(
        id="interview",
        index=0,
        company="",
        role="",
        when=When(options.day()),
        hr_contact=None,
        timing_asked=False,
        decision_by=None,
        challenges=(),
        people=("recipient",),
        person_pointers={"recipient": ""},
        pointer="",
    )
    return Plan(
        path=source,
        base_dir=Path.cwd(),
        document=Document(source, "", {}, {}),
        candidate_name="",
        sales_role=False,
        decision_date=None,
        search_consultant=None,
        people={"recipient": person},
        interviews=(interview,),
        actions=(),
        replies=(),
        today=options.day(),
    )


def _raw_header(source: str, name: str) -> list[str]:
    block = _HEADER_BLOCK.match(source.replace("\r\n", "\n"))
    if not block:
        return []
    unfolded = re.sub(r"\n[ \t]+", " ", block.group(0))
    return [line.split(":", 1)[1] for line in unfolded.splitlines() if line.lower().startswith(name.lower() + ":")]


def _report(
    plan: Plan,
    sent: tuple,
    settings: Settings,
    ruleset: RuleSet,
    source: str,
    message: Message,
    anchor: tuple | None = None,
) -> Report:
    """The findings that involve the message: they point at it, name it as related, or lie in it.
    `anchor`: where findings about a message that is not in the plan file point instead."""
    pointers = {a.pointer for a in sent}
    findings = []
    for finding in lint_plan(plan, settings, ruleset):
        if (
            finding.pointer in pointers
            or any(r.pointer in pointers for r in finding.related)
            or (anchor and finding.path == source)
        ):
            findings.append(_relocate(finding, pointers, plan.path, anchor) if anchor else finding)
    findings.sort(key=Finding.sort_key)
    ran = tuple(ruleset.rules[r] for r in settings.rules)
    if settings.unused_suppression:
        ran += (UNUSED_SUPPRESSION,)
    sources = plan.sources()
    sources[source] = message.source
    return Report(tuple(findings), (), 1, ran, version(), sources)


def _anchor(source: str, message: Message) -> tuple[str, int, int, int]:
    """Where a finding about the message as a whole points: its To: line, or its first line."""
    lines = message.source.splitlines() or [""]
    number = 1
    for index, line in enumerate(lines, start=1):
        if not line.strip():
            break
        if line.lower().startswith("to:"):
            number = index
            break
    return source, number, 1, len(lines[number - 1].rstrip("\r")) + 1


def _relocate(finding: Finding, pointers: set[str], plan_path: str, anchor: tuple) -> Finding:
    """A finding the plan file would hold for the new action is shown in the message instead."""
    path, line, column, end_column = anchor
    related = tuple(
        replace(r, path=path, line=line, column=column, end_line=line, end_column=end_column)
        if r.pointer in pointers and r.path == plan_path
        else r
        for r in finding.related
    )
    if finding.pointer in pointers and finding.path == plan_path:
        finding = replace(finding, path=path, line=line, column=column, end_line=line, end_column=end_column)
    return replace(finding, related=related)
