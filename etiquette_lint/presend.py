"""`presend`: check one message just before it leaves, as the action of the plan it is.

The message (an RFC 5322 `.eml`, from a file or from a mail client on standard input, or plain
text / Markdown with `--to`) goes to the plan's people among its recipients: the `To:`, `Cc:` and
`Bcc:` headers, the `--recipient` addresses a sendmail-style hook passes on, or `--to`. Its date
is `--date`, else its `Date:` header, else `--today` (in the plan's time zone).

It is first matched to the action of the plan it carries out (spec, 1.1): a planned written
action to the same recipients dated within `--match-days` of it, preferring the same kind, then
the closest text, then the closest date. A matched message is checked as that action (its kind,
id and place in the history) with the message's text and headers in place of the draft; an
unmatched one is added as the next action (plan.add_action): a `thank_you` when the plan has no
earlier contact with those people, else a `follow_up`. Either way the plan is then linted as
usual, so cadence, carbon copies and every other rule mean what they mean for `check`, and only
the findings that involve the message are kept. A message that is itself the draft file of an
action is checked as that action. Without a plan, only the text rules run: the rules whose
conditions look at nothing but phrases in the message.
"""

from __future__ import annotations

import re
from dataclasses import replace
from email import policy
from email.parser import HeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from .config import Settings
from .errors import EtiquetteLintError, InputError
from .lint import Options, lint_plan, settings_for, version
from .messages import MAX_DRAFT_BYTES, Message, parse_message
from .plan import Action, Interview, Person, Plan, When, _header_recipients, add_action, in_zone, load_plan, parse_when
from .report import Finding, Report
from .rules import Rule, RuleSet, load_rules
from .source import Document, read_file
from .suppressions import UNUSED_SUPPRESSION
from .text import shingles, similarity

KINDS = ("thank_you", "follow_up")
_HEADER_BLOCK = re.compile(r"\A(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)+\r?\n")
_ADDRESS_HEADER = re.compile(r"^(?:to|from|subject|date|cc):", re.IGNORECASE | re.MULTILINE)


class NoRecipient(InputError):
    """The message goes to nobody in the plan: no recipient's address is a plan person's. It is
    not checked (exit 0, one line on standard error): mail to friends goes through a hook."""


class PlanUnusable(Exception):
    """The plan named by --plan cannot be used (`error` says why): a hook's --on-plan-error
    decides whether the message is held back (the error, exit 2) or let through."""

    def __init__(self, error: EtiquetteLintError) -> None:
        super().__init__(str(error))
        self.error = error


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

    # From standard input (a mail client's hook), positions count from the first body line.
    return parse_message(data, source, fail, eml=eml, body_lines=eml and source == "-"), eml


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
    recipients: tuple[str, ...] = (),
    match_days: int = 3,
    headers: str | None = None,
) -> Report:
    """Lint the message `source` (or `data`) as the action of the plan at `plan_path` it carries
    out, or as its next action. `recipients`: envelope addresses besides the headers' (a
    sendmail-style hook's arguments); `headers`: a file of header lines whose To:, Cc: and Bcc:
    count as the message's (the SMTP headers git send-email 2.41+ gives its validate hook).
    Raises EtiquetteLintError for unusable input (NoRecipient when it goes to nobody in the
    plan), PlanUnusable when the plan cannot be read."""
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
    if match_days < 0:
        raise InputError(f"--match-days: expected a number of days, 0 or more, got {match_days}")
    when = _when_option(date) if date else None  # in the plan's zone once the plan is read
    message, eml = read_message(source, data)
    if headers is not None:
        message = _with_headers(message, headers)
        eml = True
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
    try:
        plan = load_plan(plan_path, today=options.day())
    except EtiquetteLintError as exc:
        raise PlanUnusable(exc) from None
    settings = settings_for(Path(plan_path), options, ruleset)
    drafted = _drafted(plan, source)
    if drafted:
        return _report(plan, drafted, settings, ruleset, source, message, matched=drafted[0].pointer)
    primary, copied, extra = _recipients(plan, message, to, recipients, source, eml)
    message = replace(message, bcc_addresses=message.bcc_addresses + extra)  # blind copies
    when = in_zone(when or _header_when(message) or When(options.day()), plan.timezone)
    guessed = kind or ("follow_up" if _contacted(plan, primary, when) else "thank_you")
    planned = _match(plan, primary, copied, when, guessed, message, match_days)
    if planned is not None:
        plan = _as_action(plan, planned, message, when, source)
        sent = (plan.actions[planned.index],)
    else:
        plan = add_action(
            plan, kind=guessed, to=primary, when=when, message=message, draft=source, action_id=_label(source)
        )
        sent = plan.actions[-1:]
    anchor = _anchor(source, message)
    return _report(plan, sent, settings, ruleset, source, message, anchor, matched=planned and planned.pointer)


def _with_headers(message: Message, path: str) -> Message:
    """`message` with the recipients of the header lines in file `path` added to its own."""
    data = read_file(path, limit=MAX_DRAFT_BYTES, expected="a file of mail header lines (--headers)")
    parsed = HeaderParser(policy=policy.compat32).parsestr(data.decode("utf-8", "replace"))

    def addresses(name: str, own: tuple[str, ...]) -> tuple[str, ...]:
        found = [a.lower() for _, a in getaddresses([str(v) for v in parsed.get_all(name) or []]) if "@" in a]
        return tuple(dict.fromkeys(own + tuple(found)))

    return replace(
        message,
        to_addresses=addresses("To", message.to_addresses),
        cc_addresses=addresses("Cc", message.cc_addresses),
        bcc_addresses=addresses("Bcc", message.bcc_addresses),
    )


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
    except (TypeError, ValueError, IndexError, OverflowError):  # a zone offset of 10^40 hours
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


def _recipients(
    plan: Plan, message: Message, to: str | None, envelope: tuple[str, ...], source: str, eml: bool
) -> tuple[list[str], list[str], tuple[str, ...]]:
    """The plan people the message goes to (those in To:, or --to; else every plan person among
    its recipients), the plan people copied (Cc:, Bcc:, envelope addresses not in the headers),
    and the envelope addresses the headers do not name (blind copies)."""
    if to is not None and to not in plan.people:
        raise InputError(
            f"--to: unknown interviewer id {to!r}; expected one of {', '.join(sorted(plan.people))}", path=plan.path
        )
    shown = set(message.to_addresses + message.cc_addresses + message.bcc_addresses)
    extra = tuple(dict.fromkeys(a.lower() for a in envelope if a.lower() not in shown))
    if to is None and not eml and not envelope:
        expected = f"expected --to ID (one of {', '.join(sorted(plan.people))})"
        raise InputError(f"a text or Markdown message names no recipient; {expected}", path=source)
    by_email = {p.email.lower(): p.id for p in plan.people.values() if p.email}
    primary = [to] if to is not None else [by_email[a] for a in message.to_addresses if a in by_email]
    others = [by_email[a] for a in message.cc_addresses + message.bcc_addresses + extra if a in by_email]
    if not primary:
        primary, others = others, []
    if not primary:
        addresses = message.to_addresses + message.cc_addresses + message.bcc_addresses + extra
        if not addresses:
            raise NoRecipient("the message has no recipient address", path=source)
        several = len(addresses) > 1
        raise NoRecipient(
            f"the address{'es' if several else ''} {', '.join(addresses)} match{'' if several else 'es'} "
            f"nobody's email in {plan.path}",
            path=source,
        )
    primary = list(dict.fromkeys(primary))
    return primary, [p for p in dict.fromkeys(others) if p not in primary], extra


def _unsent(plan: Plan, action: Action) -> bool:
    """Planned, or dated without being marked sent (a draft waiting to go out)."""
    raw = plan.document.data["actions"][action.index] if plan.document.data else {}
    return action.status == "planned" or (isinstance(raw, dict) and raw.get("status") != "sent")


def _match(
    plan: Plan, primary: list[str], copied: list[str], when: When, kind: str, message: Message, days: int
) -> Action | None:
    """The planned written action the message carries out: to the same recipients, dated within
    `days` of it; the same kind first, then the closest text, then the closest date."""
    everyone = set(primary) | set(copied)
    candidates = [
        a
        for a in plan.actions
        if a.written
        and _unsent(plan, a)
        and abs((a.when.day - when.day).days) <= days
        and (set(a.to) == set(primary) or set(a.to) | set(a.cc_people) == everyone)
    ]
    if not candidates:
        return None
    mine = shingles(message.body.text, None)

    def closeness(action: Action) -> tuple:
        text = action.message.body.text if action.message is not None else ""
        return (
            action.kind != kind,
            -similarity(mine, shingles(text, None)),
            abs(action.when.day - when.day),
            action.index,
        )

    return min(candidates, key=closeness)


def _as_action(plan: Plan, action: Action, message: Message, when: When, source: str) -> Plan:
    """`plan` with `message` in place of the draft of `action`: its text, its headers (with the
    plan's own `cc:` of the action) and its date."""
    by_email = {p.email.lower(): p.id for p in plan.people.values() if p.email}
    raw = plan.document.data["actions"][action.index]
    to = [raw["to"]] if isinstance(raw["to"], str) else list(raw["to"])
    cc_people: list[str] = []
    cc_addresses: list[str] = []
    for entry in raw.get("cc") or ():
        if "@" in entry:
            cc_addresses.append(entry.lower())
            cc_people.extend([by_email[entry.lower()]] if entry.lower() in by_email else [])
        elif entry in plan.people:
            cc_people.append(entry)
    _header_recipients(message, by_email, to, cc_people, cc_addresses)
    updated = replace(
        action,
        to=tuple(dict.fromkeys(to)),
        message=message,
        draft=source,
        subject=message.header_subject or action.subject,
        cc_people=tuple(p for p in dict.fromkeys(cc_people) if p not in to),
        cc_addresses=tuple(dict.fromkeys(cc_addresses)),
        when=when,
        status="sent" if when.day < plan.today else "planned",
    )
    actions = list(plan.actions)
    actions[action.index] = updated
    return replace(plan, actions=tuple(actions))


def _contacted(plan: Plan, people: list[str], when: When) -> bool:
    """Any contact with these people before the message: dated earlier, or sent the same day."""
    return any(
        set(action.to) & set(people)
        and (action.when.day < when.day or (action.when.day == when.day and action.status == "sent"))
        for action in plan.actions
    )


def _alone(source: str, message: Message, to: str | None, options: Options) -> Plan:
    """A stand-in plan around the message when there is none: one interview, one recipient."""
    named = [display for display, _ in getaddresses(_raw_header(message.headers or message.source, "To")) if display]
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
        path="",  # no plan file: findings about the action point at the message (see _relocate)
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
    *,
    matched: str | None = None,
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
    return replace(Report(tuple(findings), (), 1, ran, version(), sources), presend=matched or "")


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
