"""Suppression comments, as users of ruff's `# noqa` and ESLint's `eslint-disable` expect.

In a plan, `# etiquette-lint: ignore[rule-id, ...] reason` on the line where an action, an
interview or an interviewer starts, or alone on the line just above it, silences those rules'
findings about that node (a finding about an action includes the findings in its draft).

In a draft, `<!-- etiquette-lint: ignore[rule-id, ...] reason -->` anywhere in the file silences
those rules' findings about the whole message: the ones inside the draft and the ones about the
action that sends it. (Drafts are short and a message is judged as a whole, so the comment
applies to the message rather than to the next line; the analysis never sees HTML comments.)

A suppression that silences nothing is reported as `unused-suppression` (info). It is not a rule
file: it judges findings, not facts, so `apply` runs after the engine, in `lint_plan`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from .plan import Plan
from .report import Finding
from .rules import Rule

UNUSED_ID = "unused-suppression"

UNUSED_SUPPRESSION = Rule(
    id=UNUSED_ID,
    summary="A suppression comment silences no finding.",
    severity="info",
    enabled=True,
    since="1.0.0",
    source="",
    rationale=(
        "A suppression comment that no longer matches a finding hides nothing today but would hide a "
        "real problem tomorrow, when the plan changes; and an id with a typo never worked at all. "
        "Keeping suppressions tight keeps them honest."
    ),
    fix="Remove the suppression comment, or the ids in it that no longer match a finding.",
    message="The suppression of {ids} matches no finding here.",
    messages=(),
    notes=(),
    parameters={},
    match=(),
    report="",
    related=(),
    examples={
        "bad": [
            {
                "description": "The thank-you went out on time, so there is nothing to suppress.",
                "plan": "actions:\n  # etiquette-lint: ignore[late-thank-you] sent the next morning\n"
                "  - {kind: thank_you, channel: email, to: dana, date: 2027-03-02, draft: drafts/dana.md}\n",
            }
        ],
        "good": [
            {
                "description": "The suppression silences the finding it names.",
                "plan": "actions:\n  # etiquette-lint: ignore[late-thank-you] she asked me to write after her trip\n"
                "  - {kind: thank_you, channel: email, to: dana, date: 2027-03-09, draft: drafts/dana.md}\n",
            }
        ],
    },
    path="",
)

_PLAN_DIRECTIVE = re.compile(r"etiquette-lint:\s*ignore\[([^\]]*)\]")
_DRAFT_DIRECTIVE = re.compile(r"<!--\s*etiquette-lint:\s*ignore\[([^\]]*)\].*?-->", re.DOTALL)
_NODE = re.compile(r"^/(actions/\d+|interviews/\d+(/interviewers/\d+)?)$")


@dataclass
class Suppression:
    """One suppression comment: the ids it names, where it is, and which findings it covers."""

    ids: tuple[str, ...]
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str  # the node (plan) or action (draft) it annotates, for its own finding
    covers: Callable[[Finding], bool]
    used: set[str] = field(default_factory=set)


def _ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def plan_suppressions(plan: Plan) -> list[Suppression]:
    """The `# etiquette-lint: ignore[...]` comments of the plan file."""
    document = plan.document
    lines = document.text.splitlines()
    node_lines: dict[int, list[str]] = {}
    for pointer, span in document.spans.items():
        if _NODE.match(pointer):
            node_lines.setdefault(span.line, []).append(pointer)
    found = []
    for number, comment in document.comments().items():
        match = _PLAN_DIRECTIVE.search(comment)
        if not match:
            continue
        full = lines[number - 1].rstrip()
        hash_index = full.rindex("#", 0, len(full) - len(comment))
        targets = {number}
        if not full[:hash_index].strip():  # a comment alone on its line also covers the next line
            targets.add(number + 1)
        pointers = [p for line in sorted(targets) for p in node_lines.get(line, ())]

        def covers(finding: Finding, targets=frozenset(targets)) -> bool:
            span = document.spans.get(finding.pointer)
            return span is not None and span.line in targets

        found.append(
            Suppression(
                _ids(match.group(1)),
                plan.path,
                number,
                hash_index + 1,
                number,
                len(full) + 1,
                pointers[0] if pointers else "",
                covers,
            )
        )
    return found


def draft_suppressions(plan: Plan) -> list[Suppression]:
    """The `<!-- etiquette-lint: ignore[...] -->` comments of the plan's draft files."""
    drafts: dict[str, tuple[str, list[str]]] = {}
    for action in plan.actions:
        if action.draft and action.message is not None and action.message.source:
            path = action.message.body.path
            drafts.setdefault(path, (action.message.source, []))[1].append(action.pointer)
    found = []
    for path, (source, pointers) in drafts.items():
        for match in _DRAFT_DIRECTIVE.finditer(source):
            line, column = _position(source, match.start())
            end_line, end_column = _position(source, match.end())

            def covers(finding: Finding, path=path, pointers=frozenset(pointers)) -> bool:
                return finding.path == path or finding.pointer in pointers

            found.append(
                Suppression(_ids(match.group(1)), path, line, column, end_line, end_column, pointers[0], covers)
            )
    return found


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def apply(
    plan: Plan, findings: list[Finding], *, ran: Collection[str], known: Collection[str], severity: str | None
) -> list[Finding]:
    """The findings no suppression covers, plus an `unused-suppression` finding (at `severity`;
    none when it is None) for each suppression naming rules that ran and matched nothing there,
    or ids that are no rules at all. Ids of rules that did not run are not judged."""
    suppressions = plan_suppressions(plan) + draft_suppressions(plan)
    if not suppressions:
        return findings
    kept = []
    for finding in findings:
        covering = [s for s in suppressions if finding.rule in s.ids and s.covers(finding)]
        for suppression in covering:
            suppression.used.add(finding.rule)
        if not covering:
            kept.append(finding)
    if severity:
        kept.extend(f for s in suppressions if (f := _unused(s, plan, ran, known, severity)) is not None)
    kept.sort(key=Finding.sort_key)
    return kept


def _unused(
    suppression: Suppression, plan: Plan, ran: Collection[str], known: Collection[str], severity: str
) -> Finding | None:
    idle = [i for i in suppression.ids if i not in suppression.used and i in ran]
    unknown = [i for i in suppression.ids if i not in known and i != UNUSED_ID]
    if not idle and not unknown:
        return None
    parts = []
    if idle:
        parts.append(f"The suppression of {', '.join(idle)} matches no finding here")
    for rule_id in unknown:
        import difflib  # only to suggest a rule id

        close = difflib.get_close_matches(rule_id, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        parts.append(f"{rule_id!r} is not a rule id{hint}")
    stale = idle + unknown
    verb = "remove the comment" if len(stale) == len(suppression.ids) else f"remove {', '.join(stale)} from it"
    return Finding(
        rule=UNUSED_ID,
        severity=severity,
        message="; ".join(parts) + f": {verb}.",
        path=suppression.path,
        line=suppression.line,
        column=suppression.column,
        end_line=suppression.end_line,
        end_column=suppression.end_column,
        pointer=suppression.pointer,
        fix=UNUSED_SUPPRESSION.fix,
        plan=plan.path,
    )
