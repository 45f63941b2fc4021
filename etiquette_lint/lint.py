"""Linting: plan -> facts -> engine -> findings. The core returns data; only the CLI prints."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import engine
from .compiler import compile_rule, could_match, fill_template
from .config import Settings, find_config, read_config, resolve
from .core import memo
from .core.batch import in_order
from .core.discovery import PLAN_SUFFIXES, discover
from .errors import EngineError, EtiquetteLintError, InputError, RuleError
from .facts import build_facts
from .limits import MAX_FINDINGS_PER_RULE, MAX_PHRASE_FACTS, MAX_RULE_COMBINATIONS
from .plan import Plan, load_plan
from .planner.windows import Cadence
from .report import Finding, Related, Report
from .resources import rules_dir
from .rules import Rule, RuleSet, load_rules
from .source import MAX_FILE_BYTES, FileProblem, read_regular
from .suppressions import UNUSED_SUPPRESSION
from .suppressions import apply as apply_suppressions

__all__ = ["PLAN_SUFFIXES", "Options", "discover", "lint_files", "lint_path", "lint_plan", "lint_text"]


@dataclass(frozen=True)
class Options:
    """How to lint: the date, the configuration and rule selection, extra rule folders."""

    today: date | None = None
    config: str | None = None  # a configuration file; None: found upward from each plan
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules_dirs: tuple[str, ...] = ()
    overrides: dict = field(default_factory=dict, hash=False, compare=False)  # rule id -> {key: value}

    def day(self) -> date:
        return self.today or date.today()

    @classmethod
    def of(cls, *, today=None, config=None, select=(), extend_select=(), ignore=(), rules_dirs=()) -> Options:
        """Options from any iterables of rule ids and folders (as the API and the CLI take them)."""
        return cls(
            today=today,
            config=config,
            select=tuple(select),
            extend_select=tuple(extend_select),
            ignore=tuple(ignore),
            rules_dirs=tuple(str(d) for d in rules_dirs),
        )


def version() -> str:
    from . import __version__

    return __version__


def settings_for(plan_path: Path | None, options: Options, ruleset: RuleSet) -> Settings:
    if options.config:
        config_path = Path(options.config)
        config = read_config(config_path)
        source = str(config_path)
    else:
        found = find_config(plan_path if plan_path is not None else Path.cwd())
        config, source = (found[1], str(found[0])) if found else ({}, "")
    if options.overrides:
        merged = dict(config or {})
        rules = {k: dict(v) if isinstance(v, dict) else v for k, v in (merged.get("rules") or {}).items()}
        for rule_id, values in options.overrides.items():
            rules[rule_id] = {**(rules.get(rule_id) or {}), **values}
        merged["rules"] = rules
        config = merged
    return resolve(
        ruleset,
        config,
        source,
        select=list(options.select),
        extend_select=list(options.extend_select),
        ignore=list(options.ignore),
    )


@lru_cache(maxsize=64)
def _conditions(ruleset: RuleSet, key: tuple) -> dict[str, list]:
    out = {}
    for rule_id, _severity, params in key:
        conditions, _ = compile_rule(ruleset.rules[rule_id], dict(params))
        out[rule_id] = conditions
    return out


@lru_cache(maxsize=64)
def pair_limits(ruleset: RuleSet, key: tuple) -> tuple[int, float]:
    """What the enabled rules can use of the pair facts, read from their conditions: the widest
    `gap_days` window of a rule on contact pairs (a rule on adjacent pairs only needs none: those
    are always built; a rule with no bound needs them all), and the lowest `similarity` a rule on
    draft pairs asks for (above 1 when no rule uses draft pairs). Pairs beyond both are never built,
    so a long or dense plan costs what its rules need, not the square of its actions."""
    window, similarity = 0, 1.01
    for rule_id, _severity, params in key:
        values = dict(params)
        for entry in ruleset.rules[rule_id].match:
            where = entry.get("where") or {}
            if entry.get("fact") == "contact_pair":
                window = max(window, _gap_window(where, values))
            elif entry.get("fact") == "draft_pair":
                similarity = min(similarity, _lowest_similarity(where, values))
    return window, similarity


@lru_cache(maxsize=64)
def _pair_rules(ruleset: RuleSet, key: tuple) -> dict[str, tuple]:
    """Per pair kind, the enabled rules that match it: (rule id, where, parameters, one_each), where
    `one_each` says the rule needs only one matching pair per later action (it matches that pair
    alone and reports on it, so every pair of one later action gives the same finding)."""
    out: dict[str, list] = {}
    for rule_id, _severity, params in key:
        rule = ruleset.rules[rule_id]
        patterns = [p for p in rule.match if "fact" in p or "absent" in p]
        for entry in rule.match:
            kind = entry.get("fact")
            if kind in ("contact_pair", "draft_pair"):
                alias = entry.get("as") or kind
                one_each = kind == "contact_pair" and len(patterns) == 1 and rule.report == alias
                out.setdefault(kind, []).append((rule_id, entry.get("where") or {}, dict(params), one_each))
    return {kind: tuple(specs) for kind, specs in out.items()}


class PairFilter:
    """Keeps a pair fact only when an enabled rule can match it (compiler.could_match), and only
    the first (nearest) of a later action's pairs for a rule that needs just one: a dense plan
    then builds pairs in proportion to its actions, not to their square."""

    def __init__(self, specs: dict[str, tuple]) -> None:
        self.specs = specs
        self.taken: set[tuple[str, str]] = set()

    def __call__(self, kind: str, fact: dict) -> bool:
        keep = False
        for rule_id, where, params, one_each in self.specs.get(kind, ()):
            if not could_match(where, fact, params):
                continue
            if not one_each:
                return True
            if (rule_id, fact["pointer"]) not in self.taken:
                self.taken.add((rule_id, fact["pointer"]))
                keep = True
        return keep


def _value(value, params: dict):
    if isinstance(value, str) and value.startswith("$"):
        return params.get(value[1:])
    return value


def _gap_window(where: dict, params: dict) -> int:
    """Fewer than how many days apart a contact pair must be to match `where` (unbounded: 10**6)."""
    if where.get("adjacent") is True:
        return 0
    bound = where.get("gap_days")
    if isinstance(bound, dict):
        limits = []
        if isinstance(_value(bound.get("lt"), params), int):
            limits.append(_value(bound["lt"], params))
        for key in ("lte", "eq"):
            if isinstance(_value(bound.get(key), params), int):
                limits.append(_value(bound[key], params) + 1)
        if limits:
            return max(0, min(limits))
    elif isinstance(_value(bound, params), int) and not isinstance(_value(bound, params), bool):
        return _value(bound, params) + 1
    return 10**6


def _lowest_similarity(where: dict, params: dict) -> float:
    """The lowest similarity a draft pair can have and match `where` (0 when unbounded)."""
    bound = where.get("similarity")
    if isinstance(bound, dict):
        for key in ("gte", "gt", "eq"):
            value = _value(bound.get(key), params)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    elif isinstance(_value(bound, params), int | float) and not isinstance(_value(bound, params), bool):
        return float(_value(bound, params))
    return 0.0


def lint_plan(plan: Plan, settings: Settings, ruleset: RuleSet) -> list[Finding]:
    """Every finding of the enabled rules on a loaded plan, sorted and without duplicates, less
    those that suppression comments silence (see suppressions.py)."""
    if not settings.rules:
        return apply_suppressions(plan, [], ran=(), known=ruleset.rules, severity=settings.unused_suppression)
    window, min_similarity = pair_limits(ruleset, settings.key())
    facts = build_facts(
        plan,
        ruleset.phrases,
        pair_window_days=window,
        min_similarity=min_similarity,
        pair_filter=PairFilter(_pair_rules(ruleset, settings.key())),
        cadence=Cadence.of(settings, ruleset),
    )
    _check_custom_rule_cost(ruleset, settings, facts, plan)
    conditions = _conditions(ruleset, settings.key())
    matches = engine.evaluate(conditions, facts)
    seen = set()
    findings = []
    for rule_id, bound in matches:
        rule = ruleset.rules[rule_id]
        rule_settings = settings.rules[rule_id]
        finding = _finding(rule, rule_settings.severity, dict(rule_settings.parameters), bound, plan)
        key = (finding.rule, finding.pointer, finding.path, finding.line, finding.column)
        if key in seen:
            continue
        seen.add(key)
        findings.append(finding)
    findings.sort(key=Finding.sort_key)
    kept = apply_suppressions(
        plan, findings, ran=settings.rules, known=ruleset.rules, severity=settings.unused_suppression
    )
    return cap_findings(_without_yielded(kept, ruleset), plan.path)


def _without_yielded(findings: list[Finding], ruleset: RuleSet) -> list[Finding]:
    """Drop a finding whose rule `yields_to` another rule that reported the same place(s): the
    same pointer and the same related pointers (email-and-call over follow-up-too-soon). Runs
    after suppressions: a suppressed finding no longer speaks for the other."""

    def place(f: Finding) -> tuple:
        return (f.pointer, frozenset(r.pointer for r in f.related))

    reported = {(f.rule, place(f)) for f in findings}
    return [
        f
        for f in findings
        if f.rule not in ruleset.rules or not any((o, place(f)) in reported for o in ruleset.rules[f.rule].yields_to)
    ]


def _check_custom_rule_cost(ruleset: RuleSet, settings: Settings, facts: list[dict], plan: Plan) -> None:
    """Refuse to run a rule from a --rules folder whose facts could combine in more ways than
    MAX_RULE_COMBINATIONS on this plan (three unrelated `action` facts on 1,000 actions are 10**9
    combinations): a RuleError naming the rule file, instead of an engine that never finishes."""
    builtin = rules_dir()
    counts: dict[str, int] = {}
    for fact in facts:
        counts[fact["type"]] = counts.get(fact["type"], 0) + 1
    for rule_id in settings.rules:
        rule = ruleset.rules[rule_id]
        if Path(rule.path).parent == builtin:
            continue
        kinds = [p["fact"] for p in rule.match if "fact" in p]
        combinations = math.prod(counts.get(kind, 0) for kind in kinds)
        if combinations > MAX_RULE_COMBINATIONS:
            sizes = " x ".join(f"{counts.get(kind, 0)} {kind}" for kind in kinds)
            raise RuleError(
                f"rule {rule_id!r} could have to try {combinations:,} combinations of facts on {plan.path} "
                f"({sizes}); expected at most {MAX_RULE_COMBINATIONS:,} (bind fewer facts, see docs/security.md)",
                path=rule.path,
            )


def cap_findings(findings: list[Finding], plan_path: str, limit: int = MAX_FINDINGS_PER_RULE) -> list[Finding]:
    """At most `limit` findings of one rule in one draft (or on one node of the plan); the last one
    kept says how many more there were, so a draft of 1,000 placeholders gives a readable report."""
    groups: dict[tuple, list[int]] = {}
    for index, finding in enumerate(findings):
        where = finding.path if finding.path != plan_path else finding.pointer
        groups.setdefault((finding.rule, finding.path, where), []).append(index)
    dropped: set[int] = set()
    notes: dict[int, int] = {}
    for indexes in groups.values():
        if len(indexes) > limit:
            notes[indexes[limit - 1]] = len(indexes) - limit
            dropped.update(indexes[limit:])
    out = []
    for index, finding in enumerate(findings):
        if index in dropped:
            continue
        if index in notes:
            place = "this draft" if finding.path != plan_path else "this part of the plan"
            # Phrase hits beyond MAX_PHRASE_FACTS per message never became facts: then it is a floor.
            more = f"{'at least ' if notes[index] + limit >= MAX_PHRASE_FACTS else ''}{notes[index]}"
            finding = replace(
                finding, message=f"{finding.message} (And {more} more {finding.rule} findings in {place}.)"
            )
        out.append(finding)
    return out


def _render(template: str, bound: dict, params: dict) -> str:
    """Fill a message template. Only `{alias.field}` of a bound fact and `{parameter}` are looked
    up, as plain dictionary reads: no attribute access, no indexing, no format spec but a unit
    (`{min_gap_days:days}`), whatever the template says (load time refuses anything else: see
    compiler.template_fields)."""

    def value_of(name: str):
        if "." in name:
            alias, fieldname = name.split(".", 1)
            fact = bound.get(alias)
            return fact.get(fieldname, "") if isinstance(fact, dict) else ""
        return params.get(name, "")

    return fill_template(template, value_of)


def _holds(when: dict, bound: dict) -> bool:
    for name, expected in when.items():
        alias, fieldname = name.split(".", 1)
        if bound.get(alias, {}).get(fieldname) != expected:
            return False
    return True


def _location(plan: Plan, fact: dict) -> tuple[str, int, int, int, int]:
    if "path" in fact and "line" in fact and fact.get("end_line"):
        return fact["path"], fact["line"], fact["column"], fact["end_line"], fact["end_column"]
    span = plan.document.span(fact["pointer"])
    return plan.path, span.line, span.column, span.end_line, span.end_column


def _finding(rule: Rule, severity: str, params: dict, bound: dict, plan: Plan) -> Finding:
    template = rule.message
    for variant in rule.messages:
        if _holds(variant["when"], bound):
            template = variant["message"]
            break
    message = " ".join(_render(template, bound, params).split())
    for note in rule.notes:
        if _holds(note["when"], bound):
            message += " " + " ".join(_render(note["text"], bound, params).split())
    fact = bound[rule.report]
    path, line, column, end_line, end_column = _location(plan, fact)
    related = []
    for entry in rule.related:
        at = entry["at"]
        if "." in at:
            alias, fieldname = at.split(".", 1)
            pointer = bound[alias].get(fieldname, "")
            span = plan.document.span(pointer)
            rel = Related(plan.path, span.line, span.column, pointer, _render(entry["message"], bound, params))
        else:
            rel_path, rel_line, rel_column, rel_end_line, rel_end_column = _location(plan, bound[at])
            rel = Related(
                rel_path,
                rel_line,
                rel_column,
                bound[at]["pointer"],
                _render(entry["message"], bound, params),
                rel_end_line,
                rel_end_column,
            )
        related.append(rel)
    return Finding(
        rule=rule.id,
        severity=severity,
        message=message,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        pointer=fact["pointer"],
        related=tuple(related),
        fix=rule.fix_text(params),
        plan=plan.path,
    )


_DRAFT_FIELD = re.compile(r"""["']?draft["']?\s*:\s*["']?([^\s,}"'#]+)""")


def plan_inputs(plan_file: str, text: str | None = None, base_dir: Path | None = None) -> list[str]:
    """The files a plan makes the linter read: the plan and every draft it names (found in its
    text, so even a plan that fails to load protects its drafts from --output)."""
    inputs = [plan_file] if plan_file != "-" else []
    folder = base_dir if base_dir is not None else Path(plan_file).parent
    if text is None:
        try:
            text = read_regular(plan_file, MAX_FILE_BYTES).decode("utf-8", "replace")
        except FileProblem:
            return inputs
    inputs.extend(str(folder / match.group(1)) for match in _DRAFT_FIELD.finditer(text))
    return inputs


def lint_each(
    paths: list[str],
    options: Options,
    *,
    stdin_text: str | None = None,
    keep_plans: bool = False,
    jobs: int | None = None,
):
    """(files, rule set, results): the plan files found and an iterator over each one's result
    (findings, sources, errors, ...), in order, as they finish (lint_files gathers them; a
    streaming report prints them as they come)."""
    ruleset = load_rules(options.rules_dirs)
    # Rule ids named on the command line are checked once, before any plan (exit 2 at once).
    resolve(
        ruleset, {}, select=list(options.select), extend_select=list(options.extend_select), ignore=list(options.ignore)
    )
    files = discover(paths)
    if keep_plans or "-" in files:
        jobs = 1  # Plan objects stay in this process; standard input was read here
    one = _PlanLinter(options, ruleset, stdin_text, keep_plan=keep_plans)
    return files, ruleset, in_order(one, files, jobs)


def lint_files(
    paths: list[str],
    options: Options,
    *,
    stdin_text: str | None = None,
    plans: list[Plan] | None = None,
    jobs: int | None = None,
) -> Report:
    """Lint every plan named or found; input errors are collected in the report, not raised.
    `plans`, when given, receives every plan loaded (for views such as the timeline).
    `jobs`: processes to spread plans over (None: one per core; see batch.py)."""
    files, ruleset, each = lint_each(paths, options, stdin_text=stdin_text, keep_plans=plans is not None, jobs=jobs)
    findings: list[Finding] = []
    errors: list[EtiquetteLintError] = []
    ran: dict[str, Rule] = {}
    sources: dict[str, str] = {}
    inputs: list[str] = [options.config] if options.config else []
    partial: list[str] = []  # plans linted without the actions that had input errors
    for result in each:
        inputs.extend(result.inputs)
        for rule_id in result.ran:
            ran[rule_id] = UNUSED_SUPPRESSION if rule_id == UNUSED_SUPPRESSION.id else ruleset.rules[rule_id]
        findings.extend(result.findings)
        sources.update(result.sources)
        errors.extend(result.errors)
        if result.partial:
            partial.append(result.partial)
        if plans is not None and result.plan is not None:
            plans.append(result.plan)
    if not files:
        errors.append(InputError(f"no plan files (*.plan.yaml, *.plan.yml, *.plan.json) found in {', '.join(paths)}"))
    findings.sort(key=Finding.sort_key)
    inputs.extend(sources)
    return Report(
        tuple(findings),
        tuple(errors),
        len(files),
        tuple(ran.values()),
        version(),
        sources,
        inputs=tuple(dict.fromkeys(i for i in inputs if i)),
        partial=tuple(partial),
    )


@dataclass
class _PlanResult:
    inputs: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    errors: list[EtiquetteLintError] = field(default_factory=list)
    partial: str = ""
    plan: Plan | None = None


class _PlanLinter:
    """Lints one plan file of a `lint_files` run (in this process or a worker: see core/batch.py)."""

    def __init__(self, options: Options, ruleset: RuleSet, stdin_text: str | None, *, keep_plan: bool) -> None:
        self.options = options
        self.rules_dirs = options.rules_dirs
        self.stdin_text = stdin_text
        self.keep_plan = keep_plan
        self.ruleset = ruleset

    def __getstate__(self) -> dict:  # a spawned worker loads the rules itself
        return {**self.__dict__, "ruleset": None}

    def __call__(self, file: str) -> _PlanResult:
        key = None if self.keep_plan else memo.key_for(file, self.options)
        if key is not None:
            kept = memo.get(key)
            if kept is not None:
                return kept
        out = self.lint(file)
        if key is not None and not out.errors:
            memo.put(key, file, out, self.options.config)
        return out

    def lint(self, file: str) -> _PlanResult:
        options, stdin_text = self.options, self.stdin_text
        ruleset = self.ruleset or load_rules(self.rules_dirs)
        out = _PlanResult()
        inputs = out.inputs
        if file == "-":
            inputs.extend(plan_inputs(file, stdin_text or "", Path.cwd()))
        elif Path(file).is_file():
            inputs.extend(plan_inputs(file))
        else:
            inputs.append(file)
        try:
            if file == "-":
                settings = settings_for(None, options, ruleset)
                inputs.append(settings.source)
                plan = load_plan("-", today=options.day(), text=stdin_text or "", base_dir=Path.cwd(), partial=True)
            else:
                settings = settings_for(Path(file), options, ruleset)
                inputs.append(settings.source)
                plan = load_plan(file, today=options.day(), partial=True)
            out.ran.extend(settings.rules)
            if settings.unused_suppression:
                out.ran.append(UNUSED_SUPPRESSION.id)
            out.findings.extend(lint_plan(plan, settings, ruleset))
            out.sources.update(plan.sources())
            if self.keep_plan:
                out.plan = plan
            if plan.partial_errors:
                out.errors.extend(plan.partial_errors)
                out.partial = plan.path
        except EtiquetteLintError as exc:
            out.errors.extend(_tied_to(file, getattr(exc, "errors", [exc])))
        except Exception as exc:  # a bug: tied to its plan, and the other plans' findings survive
            out.errors.append(internal_error(exc, file))
        return out


def _tied_to(file: str, errors: list[EtiquetteLintError]) -> list[EtiquetteLintError]:
    """Errors of one plan, each naming a file (the plan's when it had none)."""
    for error in errors:
        if not error.path:
            error.path = file
    return errors


def internal_error(exc: BaseException, path: str) -> EngineError:
    """An unexpected exception as one error tied to the file being worked on, and to the line of
    the plan or draft where the traceback shows one (a bug to report, not a fault of the input)."""
    import traceback  # only for an internal error

    line = None
    name = Path(path).name
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and Path(frame.filename).name == name:
            line = frame.lineno
            break
    message = str(exc).splitlines()[0] if str(exc) else ""
    return EngineError(
        f"internal error: {type(exc).__name__}{': ' + message[:200] if message else ''} "
        "(a bug in etiquette-lint, please report it; the other files were linted)",
        path=path,
        line=line,
    )


def lint_path(
    path: str | Path,
    *,
    today: date | None = None,
    config: str | None = None,
    select=(),
    extend_select=(),
    ignore=(),
    rules_dirs=(),
) -> Report:
    """Lint a plan file (or every plan below a folder); raise the first input error."""
    options = Options.of(
        today=today, config=config, select=select, extend_select=extend_select, ignore=ignore, rules_dirs=rules_dirs
    )
    report = lint_files([str(path)], options)
    if report.errors:
        raise report.errors[0]
    return report


def lint_text(
    text: str,
    *,
    base_dir: str | Path = ".",
    today: date | None = None,
    path: str = "<text>",
    config: str | None = None,
    select=(),
    extend_select=(),
    ignore=(),
    rules_dirs=(),
    unsaved: Mapping[str, str] | None = None,
) -> Report:
    """Lint a plan held in memory (as an editor has it); drafts are resolved from `base_dir`, and
    read from `unsaved` (resolved path -> text, the editor's open buffers) when they are there."""
    options = Options.of(
        today=today, config=config, select=select, extend_select=extend_select, ignore=ignore, rules_dirs=rules_dirs
    )
    ruleset = load_rules(options.rules_dirs)
    settings = settings_for(Path(base_dir) / "plan", options, ruleset)
    plan = load_plan(path, today=options.day(), text=text, base_dir=Path(base_dir), unsaved=unsaved)
    findings = lint_plan(plan, settings, ruleset)
    ran = tuple(ruleset.rules[r] for r in settings.rules) + (
        (UNUSED_SUPPRESSION,) if settings.unused_suppression else ()
    )
    return Report(tuple(findings), (), 1, ran, version(), plan.sources())
