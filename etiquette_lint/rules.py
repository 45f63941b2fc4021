"""Rule files: loading, validation, and the settings a configuration gives them.

A rule file (`rules/<id>.yaml`) is validated against `schemas/rule.schema.json`, then its
condition is compiled (see compiler.py) so a broken rule is reported when it is loaded, with the
file and the field, never in the middle of a lint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .compiler import check_rule, fill_template, template_fields
from .errors import RuleError
from .limits import MAX_RULE_FACTS, MAX_RULE_FILE_BYTES
from .resources import rules_dir, schema_path
from .source import FileProblem, load_data, load_document, read_regular
from .text import PhraseList, load_phrase_lists

__all__ = ["Rule", "RuleSet", "load_rule_file", "load_rules", "template_fields"]

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    severity: str
    enabled: bool
    since: str
    source: str
    rationale: str
    fix: str
    message: str
    messages: tuple[dict, ...]
    notes: tuple[dict, ...]
    parameters: dict
    match: tuple[dict, ...]
    report: str
    related: tuple[dict, ...]
    examples: dict
    path: str
    yields_to: tuple[str, ...] = ()  # rules whose finding on the same place(s) makes this one say nothing new

    def defaults(self) -> dict:
        return {name: spec["default"] for name, spec in self.parameters.items()}

    def fix_text(self, params: dict | None = None) -> str:
        """The fix line with the parameters in effect ('at least 3 days'), never their names."""
        values = {**self.defaults(), **(params or {})}
        return " ".join(fill_template(self.fix, lambda name: values.get(name, "")).split())


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Every rule known to a run (built-in and --rules), and the phrase lists."""

    rules: dict[str, Rule]
    phrases: dict[str, PhraseList] = field(compare=False)
    folders: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(schema_path("rule.schema.json").read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def load_rule_file(file: Path, *, validate: bool = True) -> Rule:
    """Load one rule file. `validate=False` skips the JSON Schema check, for the built-in rules:
    the tests validate those, and skipping it keeps a cold start fast."""
    try:
        text = read_regular(file, MAX_RULE_FILE_BYTES).decode("utf-8")
    except FileProblem as problem:
        raise RuleError(f"{problem.reason}; expected a rule file", path=str(file)) from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"cannot be read: {exc}", path=str(file)) from None
    try:
        data = load_data(text, str(file), keep="rules")  # parsed once, kept between runs
    except Exception as exc:  # InputError from the YAML reader: re-raise as a rule error
        raise RuleError(
            getattr(exc, "message", str(exc)),
            path=str(file),
            line=getattr(exc, "line", None),
            column=getattr(exc, "column", None),
        ) from None

    def position(pointer: str):  # only to word an error: parsed again for the positions
        return load_document(text, str(file)).span(pointer)

    errors = list(_validator().iter_errors(data)) if validate else []
    if not validate and not isinstance(data, dict):
        errors = list(_validator().iter_errors(data))
    if errors:
        error = min(errors, key=lambda e: len(e.absolute_path))
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        span = position(pointer)
        raise RuleError(f"{error.message}", path=str(file), line=span.line, column=span.column, pointer=pointer or "/")
    if data["id"] != file.stem:
        span = position("/id")
        raise RuleError(
            f"rule id {data['id']!r} differs from the file name {file.stem!r}; expected them equal",
            path=str(file),
            line=span.line,
            column=span.column,
            pointer="/id",
        )
    match = tuple(data["match"])
    bound = [p for p in match if "fact" in p]
    if validate and len(bound) > MAX_RULE_FACTS:
        span = position("/match")
        raise RuleError(
            f"the rule binds {len(bound)} facts together; expected at most {MAX_RULE_FACTS} "
            "(each more multiplies what the engine must try; see docs/security.md)",
            path=str(file),
            line=span.line,
            column=span.column,
            pointer="/match",
        )
    aliases = [p.get("as") or p["fact"] for p in match if "fact" in p]
    rule = Rule(
        id=data["id"],
        summary=data["summary"],
        severity=data["severity"],
        enabled=data.get("enabled", True),
        since=str(data["since"]),
        source=data.get("source", ""),
        rationale=data["rationale"].strip(),
        fix=data["fix"].strip(),
        message=" ".join(data["message"].split()),
        messages=tuple(data.get("messages", ())),
        notes=tuple(data.get("notes", ())),
        parameters=data.get("parameters", {}),
        match=match,
        report=data.get("report") or (aliases[0] if aliases else ""),
        related=tuple(data.get("related", ())),
        examples=data["examples"],
        path=str(file),
        yields_to=tuple(data.get("yields_to", ())),
    )
    try:
        check_rule(rule)
    except RuleError as exc:
        span = position(exc.pointer or "")
        raise RuleError(exc.message, path=str(file), line=span.line, column=span.column, pointer=exc.pointer) from None
    return rule


def load_rules(extra_folders: tuple[str, ...] = ()) -> RuleSet:
    """The built-in rules, then those of each extra folder (a later file of the same id replaces)."""
    return _load_rules(tuple(str(Path(f).resolve()) for f in extra_folders))


@lru_cache(maxsize=16)
def _load_rules(extra_folders: tuple[str, ...]) -> RuleSet:
    builtin = rules_dir()
    folders = [builtin] + [Path(f) for f in extra_folders]
    rules: dict[str, Rule] = {}
    for folder in folders:
        if not folder.is_dir():
            raise RuleError(
                "is not a folder of rule files; expected a folder holding <rule-id>.yaml files", path=str(folder)
            )
        for file in sorted(folder.glob("*.yaml")):
            rule = load_rule_file(file, validate=folder != builtin)
            rules[rule.id] = rule
    phrases = load_phrase_lists(folders, trusted=builtin)
    return RuleSet(rules, phrases, tuple(str(f) for f in folders))
