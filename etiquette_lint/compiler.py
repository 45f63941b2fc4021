"""Rule conditions (the `match:` of a rule file) compiled into durable_rules' JSON language.

The compiler is where the engine's sharp edges are made impossible for a rule author to hit
(see shared notes on durable-rules):
- every field is checked against the documented facts (facts.FACT_FIELDS) with its type, so a
  string is never compared with a number and a typo is an error, not a silent non-match;
- a test that refers to another fact with anything but equality gets an always-true guard join
  appended (`uid != <first alias>.uid`), so it is never last in its `$and` (upstream issue 381);
- tests that refer to other facts are refused inside `any:` (`$or`);
- `absent:` (negation) may only name a fact kind asserted earlier than the latest kind the rule
  requires (facts.TIERS): a match completes only when its last fact arrives, and durable_rules'
  negation is only right when the negating facts are already there at that moment.

A condition is a list of patterns:

    match:
      - fact: action              # a fact of this kind must be there, bound to `as` (default: kind)
        as: call
        where:
          kind: follow_up         # equality
          channel: {in: [call, voicemail]}
          day: {lt: {ref: i.decision_by_day}}     # relational join (guarded)
          gap_days: {lt: $window_days}            # a parameter
          any:                                    # one of these sets of tests
            - {topic_count: {gt: 0}, topic_mentions: 0}
            - {topic_count: 0, detail_count: 0}
      - absent: phrase            # no fact of this kind with these tests
        where: {list: permission-to-decline, action: {same: call.action}}
"""

from __future__ import annotations

import re
import string

from .errors import RuleError
from .facts import COMMON_FIELDS, FACT_FIELDS, TIERS

_OPERATORS = {"eq": None, "ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


def _fields(kind: str) -> dict:
    return {**COMMON_FIELDS, **FACT_FIELDS[kind]}


def _type_ok(expected: type, value) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, expected)


class _Compiler:
    def __init__(self, rule, params: dict) -> None:
        self.rule = rule
        self.params = params
        self.kinds: dict[str, str] = {}  # alias -> fact kind (positive patterns)
        self.first_alias: str | None = None

    def fail(self, pointer: str, message: str) -> RuleError:
        return RuleError(message, path=self.rule.path, pointer=pointer)

    def compile(self) -> list[dict]:
        out = []
        positive_tiers = []
        negations = []
        for index, pattern in enumerate(self.rule.match):
            pointer = f"/match/{index}"
            negated = "absent" in pattern
            kind = pattern.get("absent") if negated else pattern.get("fact")
            if kind not in FACT_FIELDS:
                raise self.fail(pointer, f"unknown fact kind {kind!r}; expected one of {', '.join(FACT_FIELDS)}")
            if negated:
                if "as" in pattern:
                    raise self.fail(f"{pointer}/as", "an `absent:` pattern binds nothing; remove `as`")
                alias = f"absent{index}$not"
                negations.append((pointer, kind))
            else:
                alias = pattern.get("as") or kind
                if alias in self.kinds:
                    raise self.fail(f"{pointer}/as", f"alias {alias!r} is bound twice; expected unique aliases")
                positive_tiers.append(TIERS.index(kind))
            tests, guarded = self.where(pattern.get("where") or {}, kind, f"{pointer}/where", allow_refs=True)
            tests.insert(0, {"type": kind})
            if guarded:
                if self.first_alias is None:
                    raise self.fail(pointer, "a join test needs an earlier pattern to refer to")
                tests.append({"$neq": {"uid": {self.first_alias: "uid"}}})
            out.append({alias: {"$and": tests}})
            if not negated:
                self.kinds[alias] = kind
                if self.first_alias is None:
                    self.first_alias = alias
        if not self.kinds:
            raise self.fail("/match", "a rule needs at least one `fact:` pattern")
        for pointer, kind in negations:
            if TIERS.index(kind) >= max(positive_tiers):
                raise self.fail(
                    pointer,
                    f"`absent: {kind}` must name a fact kind asserted before the last kind the rule requires "
                    f"(order: {', '.join(TIERS)})",
                )
        return out

    def where(self, where: dict, kind: str, pointer: str, *, allow_refs: bool) -> tuple[list, bool]:
        if not isinstance(where, dict):
            raise self.fail(pointer, "expected a mapping of field: test")
        tests: list = []
        guarded = False
        fields = _fields(kind)
        for name, test in where.items():
            here = f"{pointer}/{name}"
            if name == "any":
                if not isinstance(test, list) or not test:
                    raise self.fail(here, "expected a list of mappings of field: test")
                branches = []
                for k, branch in enumerate(test):
                    sub, _ = self.where(branch, kind, f"{here}/{k}", allow_refs=False)
                    branches.append({"$and": sub} if len(sub) > 1 else sub[0])
                tests.append({"$or": branches})
                continue
            if name not in fields:
                raise self.fail(
                    here, f"{kind} facts have no field {name!r}; expected one of {', '.join(sorted(fields))}"
                )
            expected = fields[name][0]
            if isinstance(test, dict) and "in" in test:
                values = [self.value(v, expected, here) for v in test["in"]]
                tests.append({"$or": [{name: v} for v in values]} if len(values) > 1 else {name: values[0]})
                continue
            if isinstance(test, dict) and "same" in test:
                if not allow_refs:
                    raise self.fail(here, "a test that refers to another fact cannot stand inside `any:`")
                tests.append({name: self.ref(test["same"], expected, here)})
                continue
            if isinstance(test, dict) and len(test) == 1 and next(iter(test)) in _OPERATORS:
                op, value = next(iter(test.items()))
                if isinstance(value, dict) and "ref" in value:
                    if not allow_refs:
                        raise self.fail(here, "a test that refers to another fact cannot stand inside `any:`")
                    operand = self.ref(value["ref"], expected, here)
                    if "plus" in value:
                        operand = {"$add": {"$l": operand, "$r": self.value(value["plus"], int, here)}}
                    if op == "eq":
                        tests.append({name: operand})
                        if "plus" in value:
                            guarded = True
                    else:
                        tests.append({_OPERATORS[op]: {name: operand}})
                        guarded = True
                    continue
                value = self.value(value, expected, here)
                tests.append({name: value} if op == "eq" else {_OPERATORS[op]: {name: value}})
                continue
            if isinstance(test, (dict, list)):
                raise self.fail(
                    here,
                    f"unknown test {test!r}; expected a value or one of {{eq|ne|lt|lte|gt|gte: value}}, "
                    "{in: [...]}, {same: alias.field}",
                )
            tests.append({name: self.value(test, expected, here)})
        return tests, guarded

    def value(self, value, expected: type, pointer: str):
        if isinstance(value, str) and value.startswith("$"):
            name = value[1:]
            if name not in self.params:
                raise self.fail(
                    pointer,
                    f"unknown parameter {value!r}; expected one of "
                    f"{', '.join('$' + p for p in self.params) or '(none)'}",
                )
            value = self.params[name]
        if not _type_ok(expected, value):
            raise self.fail(pointer, f"expected a {expected.__name__} for this field, got {value!r}")
        return value

    def ref(self, reference, expected: type, pointer: str) -> dict:
        if not isinstance(reference, str) or "." not in reference:
            raise self.fail(pointer, f"expected alias.field, got {reference!r}")
        alias, field = reference.split(".", 1)
        if alias not in self.kinds:
            raise self.fail(pointer, f"{alias!r} is not bound by an earlier `fact:` pattern")
        fields = _fields(self.kinds[alias])
        if field not in fields:
            raise self.fail(pointer, f"{self.kinds[alias]} facts have no field {field!r}")
        if fields[field][0] is not expected and not (expected in (int, float) and fields[field][0] in (int, float)):
            raise self.fail(
                pointer, f"{reference} is a {fields[field][0].__name__}, compared with a {expected.__name__}"
            )
        return {alias: field}


def compile_rule(rule, params: dict) -> tuple[list[dict], dict[str, str]]:
    """The durable_rules `all` list of a rule, and its aliases with their fact kinds."""
    compiler = _Compiler(rule, params)
    return compiler.compile(), dict(compiler.kinds)


# A placeholder names a parameter, or one field of a bound fact: nothing else (no attribute or
# index beyond that, no conversion, no format spec, so no nested placeholder in a spec either).
_PLACEHOLDER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")


# The one format spec a template may use: a unit after a number, `{min_gap_days:days}` -> '3 days'
# ('1 day'), so fix lines and messages read as values, never as parameter names.
UNITS = ("days", "business days", "hours")


def with_unit(value, unit: str) -> str:
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{number} {unit[:-1] if value == 1 else unit}"


def fill_template(template: str, value_of) -> str:
    """Fill a template checked by `template_fields`: each placeholder's value is `value_of(name)`
    (a plain lookup), written as is or with its unit."""
    out = []
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        value = value_of(name)
        if spec in UNITS:
            out.append(with_unit(value, spec))
        else:
            out.append(f"{value:g}" if isinstance(value, float) else str(value))
    return "".join(out)


def template_fields(template: str) -> list[str]:
    """The placeholders of a message template: 'alias.field' or a parameter name, optionally with
    a unit (`{min_gap_days:days}`, see UNITS). Rules are data: a template that asks for more
    (`{a.x.__class__}`, `{a.x[0]}`, `{a.x!r}`, `{a.x:{a.y}}`, `{a.x:>99999}`) is a RuleError when
    the rule loads."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise RuleError(f"malformed message template {template!r}: {exc}") from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if conversion or (spec and spec not in UNITS):
            raise RuleError(
                f"placeholder {shown} has a conversion or a format spec; "
                f"expected a plain {{alias.field}} or {{parameter}}, or a unit ({', '.join(UNITS)})"
            )
        if not _PLACEHOLDER.fullmatch(name):
            raise RuleError(
                f"placeholder {shown} is not a plain name; expected {{alias.field}} or {{parameter}} "
                "(no attributes, indexes or positions beyond that)"
            )
        names.append(name)
    return names


def check_rule(rule) -> None:
    """Compile with the default parameters and check every template placeholder."""
    _, kinds = compile_rule(rule, rule.defaults())
    if rule.report not in kinds:
        raise RuleError(
            f"`report: {rule.report}` is not an alias of the rule; expected one of {', '.join(kinds)}",
            pointer="/report",
        )
    templates = [("/message", rule.message)]
    templates += [(f"/messages/{i}/message", m["message"]) for i, m in enumerate(rule.messages)]
    templates += [(f"/notes/{i}/text", n["text"]) for i, n in enumerate(rule.notes)]
    templates += [(f"/related/{i}/message", r["message"]) for i, r in enumerate(rule.related)]
    for pointer, template in templates:
        try:
            names = template_fields(template)
        except RuleError as exc:
            raise RuleError(exc.message, pointer=pointer) from None
        for name in names:
            _check_name(name, kinds, rule, pointer)
    for name in template_fields(rule.fix):  # the fix line names parameters only (explain shows it too)
        if name not in rule.parameters:
            raise RuleError(f"placeholder {{{name}}} in the fix is not a parameter of the rule", pointer="/fix")
    for group, key in (("messages", "when"), ("notes", "when")):
        for i, entry in enumerate(getattr(rule, group)):
            for name in entry[key]:
                _check_name(name, kinds, rule, f"/{group}/{i}/when")
    for i, related in enumerate(rule.related):
        at = related["at"]
        if "." in at:
            _check_name(at, kinds, rule, f"/related/{i}/at")
        elif at not in kinds:
            raise RuleError(f"`at: {at}` is not an alias of the rule", pointer=f"/related/{i}/at")


def _check_name(name: str, kinds: dict, rule, pointer: str) -> None:
    if "." not in name:
        if name not in rule.parameters:
            raise RuleError(f"placeholder {{{name}}} is neither alias.field nor a parameter", pointer=pointer)
        return
    alias, field = name.split(".", 1)
    if alias not in kinds:
        raise RuleError(
            f"placeholder {{{name}}}: {alias!r} is not an alias of the rule ({', '.join(kinds)})", pointer=pointer
        )
    if field not in _fields(kinds[alias]):
        raise RuleError(f"placeholder {{{name}}}: {kinds[alias]} facts have no field {field!r}", pointer=pointer)


_PY_OPERATORS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def could_match(where: dict, fact: dict, params: dict) -> bool:
    """Whether `fact` can satisfy the tests of a (loaded, checked) `where` on its own: tests that
    refer to other facts (`same:`, `ref:`) count as passed, so the answer errs on the side of
    keeping a fact. Used to leave out pair facts no enabled rule can use."""

    def value(v):
        return params.get(v[1:]) if isinstance(v, str) and v.startswith("$") else v

    for name, test in where.items():
        if name == "any":
            if not any(could_match(branch, fact, params) for branch in test):
                return False
            continue
        actual = fact.get(name)
        if isinstance(test, dict):
            if "in" in test:
                if actual not in [value(v) for v in test["in"]]:
                    return False
                continue
            if "same" in test:
                continue
            op, operand = next(iter(test.items()))
            if isinstance(operand, dict) or op not in _PY_OPERATORS:
                continue
            try:
                if not _PY_OPERATORS[op](actual, value(operand)):
                    return False
            except TypeError:
                continue
        elif actual != value(test):
            return False
    return True
