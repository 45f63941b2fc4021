"""The documented limits on what etiquette-lint reads (docs/security.md lists them all).

A plan beyond them is refused with exit status 2 before any work is done on it, so that a huge
or crafted plan costs a bounded amount of time and memory, and a valid plan within them is never
turned into an input error by a limit of the engine. The limits are far above any real job
search: a plan of 30 companies with 10 actions each uses 300 of the 1,000 actions.
"""

from __future__ import annotations

from .errors import InputError
from .source import Document

MAX_ACTIONS = 1_000  # actions in one plan
MAX_ACTIONS_PER_COMPANY = 100  # actions to one company (pairs of contacts grow with its square)
MAX_PEOPLE = 500  # interviewer entries in one plan (a person met in two rounds counts twice)
MAX_DRAFTS = 500  # actions with a draft file in one plan
MAX_PHRASE_FACTS = 50  # hits of one phrase list in one message that become facts (rules see no more)
MAX_FINDINGS_PER_RULE = 10  # findings of one rule in one draft (or on one node of the plan); then "and N more"
MAX_CONFIG_BYTES = 256 * 1024  # a configuration file (.etiquette-lint.yaml, pyproject.toml)
MAX_RULE_FILE_BYTES = 256 * 1024  # a rule file or a phrase list


def check_plan_limits(document: Document) -> None:
    """Refuse a plan beyond the limits on actions, people and drafts (an InputError naming the
    limit, what the plan has, and where). Counted on the raw data, before schema validation."""
    data = document.data
    if not isinstance(data, dict):
        return
    actions = data.get("actions") if isinstance(data.get("actions"), list) else []
    interviews = data.get("interviews") if isinstance(data.get("interviews"), list) else []

    def refuse(pointer: str, what: str, count: int, limit: int) -> InputError:
        span = document.span(pointer)
        return InputError(
            f"the plan has {count} {what}; expected at most {limit} (a documented limit, see docs/security.md)",
            path=document.path,
            line=span.line,
            column=span.column,
            pointer=pointer,
        )

    if len(actions) > MAX_ACTIONS:
        raise refuse("/actions", "actions", len(actions), MAX_ACTIONS)
    people = sum(len(i.get("interviewers") or []) for i in interviews if isinstance(i, dict))
    if people > MAX_PEOPLE:
        raise refuse("/interviews", "interviewer entries", people, MAX_PEOPLE)
    drafts = sum(1 for a in actions if isinstance(a, dict) and "draft" in a)
    if drafts > MAX_DRAFTS:
        raise refuse("/actions", "draft files", drafts, MAX_DRAFTS)
    company_of: dict[str, str] = {}
    for interview in interviews:
        if not isinstance(interview, dict):
            continue
        company = str(interview.get("company"))
        company_of[str(interview.get("id"))] = company
        for person in interview.get("interviewers") or []:
            if isinstance(person, dict):
                company_of.setdefault(str(person.get("id")), company)
    per_company: dict[str, int] = {}
    for action in actions:
        if not isinstance(action, dict):
            continue
        to = action.get("to")
        first = to[0] if isinstance(to, list) and to else to
        company = company_of.get(str(action.get("interview"))) or company_of.get(str(first))
        if company is not None:
            per_company[company] = per_company.get(company, 0) + 1
    for company, count in per_company.items():
        if count > MAX_ACTIONS_PER_COMPANY:
            raise refuse("/actions", f"actions to {company}", count, MAX_ACTIONS_PER_COMPANY)


MAX_RULE_FACTS = 3  # facts a rule from a --rules folder may bind together (built-in rules bind at most 2)
MAX_RULE_COMBINATIONS = 10_000_000  # facts combinations such a rule may have to try on one plan
MAX_PATTERNS = 2_000  # patterns in one phrase list from a --rules folder
MAX_PATTERN_CHARS = 10_000  # one such pattern, after (?&name) calls are expanded (built-in ones reach 2,300)


def risky_pattern(source: str) -> str | None:
    """Why a phrase pattern from an untrusted rule folder could take super-linear time on a long
    message, or None. Python's `re` backtracks and cannot be interrupted, so the shapes known to
    blow up are refused when the list loads: a repeated part nested in an unbounded repeat
    (`(a+)+`, `(\\w+\\s?)*`), an unbounded repeat of an alternation (`(a|ab)*`), backreferences, and
    very long patterns."""
    import re

    try:
        from re import _constants as constants
        from re import _parser as parser
    except ImportError:  # pragma: no cover - other Pythons: length check only
        return f"is longer than {MAX_PATTERN_CHARS} characters" if len(source) > MAX_PATTERN_CHARS else None
    if len(source) > MAX_PATTERN_CHARS:
        return f"is longer than {MAX_PATTERN_CHARS} characters"
    try:
        tree = parser.parse(source)
    except re.error:
        return None  # reported as an invalid regular expression by the caller
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None))

    def items(pattern):
        for op, arg in pattern:
            yield op, arg
            if op in repeats:
                yield from items(arg[2])
            elif op is constants.SUBPATTERN:
                yield from items(arg[-1])
            elif op is constants.BRANCH:
                for branch in arg[1]:
                    yield from items(branch)
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                yield from items(arg[1])

    for op, arg in items(tree):
        if op in (constants.GROUPREF, constants.GROUPREF_EXISTS):
            return "uses a backreference"
        if op in repeats and arg[1] == constants.MAXREPEAT:
            for inner_op, inner_arg in items(arg[2]):
                if inner_op in repeats and inner_arg[1] > 1 and inner_arg[0] != inner_arg[1]:
                    return "repeats a part that is itself repeated (like (a+)+), which can take exponential time"
                if inner_op is constants.BRANCH:
                    return "repeats an alternation without bound (like (a|ab)*), which can take exponential time"
    return None
