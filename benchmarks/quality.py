"""Measure the text rules on the labelled corpus: precision, recall and F1 per rule.

    python benchmarks/quality.py [--corpus DIR ...] [--set NAME ...] [--by-set] [--quiet] [--json]

The development corpus is `tests/corpus/` plus the two retired held-out sets
(`tests/corpus-holdout/`, `tests/corpus-holdout-2/`, measured once each and then folded into
development data); `--corpus` (repeatable) measures other folders instead. A case's *set* is its
id prefix (`dev` for `ty-`/`fu-`, then `bd`, `bd2`, `ho`, `h2`, ...); `--set` keeps only those
sets, `--by-set` prints one table per set after the whole.

Each case of `cases-*.yaml` becomes a one-interview plan exactly as
`tests/corpus/README.md` says (through `etiquette_lint.examples.wrap_draft`), with the real draft
file next to it, and the real linter runs with only the text rules selected. Each pair of
`pairs.yaml` becomes a plan with two interviewers at one company, each thanked by one of the two
drafts, judged for `carbon-copy` only. No network; the figures are the same on every run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etiquette_lint import lint_text
from etiquette_lint.examples import EXAMPLE_TODAY, INTERVIEW_DAY, wrap_draft

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
# The retired held-out sets are development data since 2026-12-03 (their READMEs say why).
DEV_CORPORA = (CORPUS, ROOT / "tests" / "corpus-holdout", ROOT / "tests" / "corpus-holdout-2")
# topic-not-mentioned read word by word: a case whose `topic_touch` is `paraphrased` counts as not
# touching its topics (the labels count a paraphrase as touched). Reported beside the labels' reading.
NAMED_READING = "topic-not-mentioned (named)"

TEXT_RULES = (
    "carbon-copy",
    "generic-message",
    "unfilled-placeholder",
    "solving-their-problem",
    "pushy-language",
    "ultimatum",
    "timeline-not-shared",
    "no-permission-to-decline",
    "topic-not-mentioned",
    "wrong-name",
    "other-company-named",
)
EVERY_DRAFT = (
    "unfilled-placeholder",
    "solving-their-problem",
    "pushy-language",
    "ultimatum",
    "wrong-name",
    "other-company-named",
)
MESSAGE_POINTER = {"thank_you": "/actions/0", "follow_up": "/actions/1"}


@dataclass(frozen=True)
class Judgement:
    """One rule's verdict on one case (or pair): what the label says and what the linter did."""

    rule: str
    case: str
    expected: bool
    got: bool
    triggers: tuple[str, ...] = ()  # the words each finding quotes (its span in the draft)
    note: str = ""


@dataclass
class Score:
    rule: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Measurement:
    judgements: list[Judgement] = field(default_factory=list)
    cases: int = 0
    pairs: int = 0

    def scores(self) -> dict[str, Score]:
        out = {rule: Score(rule) for rule in TEXT_RULES}
        if any(j.rule == NAMED_READING for j in self.judgements):
            out[NAMED_READING] = Score(NAMED_READING)
        for j in self.judgements:
            s = out[j.rule]
            if j.expected and j.got:
                s.tp += 1
            elif j.got:
                s.fp += 1
            elif j.expected:
                s.fn += 1
            else:
                s.tn += 1
        return out

    def misjudged(self) -> list[Judgement]:
        return [j for j in self.judgements if j.expected != j.got and j.rule != NAMED_READING]

    def of_set(self, name: str) -> Measurement:
        """The judgements of one set (`case_set`); a pair belongs to the set of its first draft."""
        out = Measurement(judgements=[j for j in self.judgements if case_set(j.case) == name])
        out.cases = len({j.case for j in out.judgements if " / " not in j.case})
        out.pairs = len({j.case for j in out.judgements if " / " in j.case})
        return out


def case_set(case_id: str) -> str:
    """The set a case (or pair, "a / b") comes from: its id prefix; `dev` for the 1.0 ty-/fu- cases."""
    prefix = case_id.split("-", 1)[0]
    return "dev" if prefix in ("ty", "fu") else prefix


def _corpora(corpus: Path | Sequence[Path] | None) -> list[Path]:
    if corpus is None:
        return list(DEV_CORPORA)
    return [Path(corpus)] if isinstance(corpus, (str, Path)) else [Path(c) for c in corpus]


def load_cases(corpus: Path | Sequence[Path] | None = None) -> list[dict]:
    """Every case of the corpora, each with `_dir`, the folder its `draft` path is relative to."""
    cases = []
    for folder in _corpora(corpus):
        for file in sorted(folder.glob("cases-*.yaml")):
            for case in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
                cases.append({**case, "_dir": folder})
    return cases


def load_pairs(corpus: Path | Sequence[Path] | None = None) -> list[dict]:
    pairs = []
    for folder in _corpora(corpus):
        for file in sorted(folder.glob("pairs*.yaml")):
            pairs.extend(yaml.safe_load(file.read_text(encoding="utf-8")) or [])
    return pairs


def judged_rules(case: dict) -> list[str]:
    """The rules a case is judged on (tests/corpus/README.md, "How a case is judged")."""
    rules = list(EVERY_DRAFT)
    if case["kind"] == "thank_you":
        rules += ["generic-message", "topic-not-mentioned"]
    else:
        rules.append("no-permission-to-decline")
    candidate = case.get("candidate") or {}
    if candidate.get("decision_date") and (case.get("recipient") or {}).get("hiring_manager"):
        rules.append("timeline-not-shared")
    return rules


def case_plan(case: dict, draft_name: str) -> dict:
    """The case as a plan (a dict), its message pointing at the draft file `draft_name`."""
    candidate = case.get("candidate") or {}
    text = wrap_draft(
        "(draft)",
        kind=case["kind"],
        topics=(case.get("recipient") or {}).get("topics"),
        challenges=case.get("challenges"),
        decision_date=candidate.get("decision_date"),
        company=case.get("company") or "Harbor Analytics",
        role=case.get("role") or "Data Engineering Manager",
        recipient=case.get("recipient"),
        candidate=candidate.get("name") or "Jordan Lee",
        colleagues=case.get("colleagues"),
        other_companies=case.get("other_companies"),
    )
    plan = yaml.safe_load(text)
    message = next(a for a in plan["actions"] if a["id"] == "message")
    del message["text"]
    message["draft"] = draft_name
    return plan


def pair_plan(a: dict, b: dict, draft_a: str, draft_b: str) -> dict:
    """Two interviewers at one company, each thanked on the interview day by one of the drafts."""
    plan = case_plan({**a, "kind": "thank_you"}, draft_a)
    interview = plan["interviews"][0]
    first = interview["interviewers"][0]
    recipient = b.get("recipient") or {}
    second = {
        "id": "other",
        "name": recipient.get("name", "Omar Haddad"),
        "title": recipient.get("title", "Engineer"),
        "email": "other@company.example",
        "hiring_manager": bool(recipient.get("hiring_manager")),
        "topics": list(recipient.get("topics") or []),
    }
    if second["name"] == first["name"]:
        second["name"] += " B"
    interview["interviewers"].append(second)
    plan["actions"].append(
        {
            "id": "message-b",
            "kind": "thank_you",
            "channel": "email",
            "to": "other",
            "date": INTERVIEW_DAY,
            "status": "sent",
            "draft": draft_b,
        }
    )
    return plan


def _span_text(source: str, finding) -> str:
    lines = source.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:
        return sum(len(x) for x in lines[: line - 1]) + column - 1

    return source[offset(finding.line, finding.column) : offset(finding.end_line, finding.end_column)]


def _trigger(report, finding) -> str:
    """The words a text finding spans in its draft; the message for a finding about the plan."""
    if finding.path.endswith(".plan.yaml") or finding.path not in report.sources:
        return finding.message
    return _span_text(report.sources[finding.path], finding)


class _Workspace:
    """A temporary folder holding copies of the drafts; plans are linted in memory against it."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="etiquette-quality-"))
        (self.dir / "drafts").mkdir()

    def draft(self, case: dict) -> str:
        source = case["_dir"] / case["draft"]
        target = self.dir / "drafts" / source.name
        if not target.exists():
            shutil.copyfile(source, target)
        return f"drafts/{source.name}"

    def lint(self, plan: dict, name: str, rules: list[str]):
        text = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=100)
        return lint_text(
            text, base_dir=self.dir, path=str(self.dir / f"{name}.plan.yaml"), today=EXAMPLE_TODAY, select=rules
        )

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def named_reading(case: dict, expected: set[str]) -> bool:
    """Whether topic-not-mentioned should fire when only a topic *named* in words counts as touched."""
    if case.get("topic_touch") == "paraphrased" and "generic-message" not in expected:
        return True
    return "topic-not-mentioned" in expected


def measure(corpus: Path | Sequence[Path] | None = None, sets: Sequence[str] = ()) -> Measurement:
    """Lint every case and pair of the corpora and collect one judgement per (rule, case).

    `sets` (case_set names) keeps only those cases and the pairs whose first draft is among them.
    """
    out = Measurement()
    cases = load_cases(corpus)
    by_id = {c["id"]: c for c in cases}
    if sets:
        cases = [c for c in cases if case_set(c["id"]) in sets]
    work = _Workspace()
    try:
        for case in cases:
            rules = judged_rules(case)
            plan = case_plan(case, work.draft(case))
            report = work.lint(plan, case["id"], rules)
            pointer = MESSAGE_POINTER[case["kind"]]
            expected = set(case.get("expect") or [])
            out.cases += 1
            for rule in rules:
                found = [f for f in report.findings if f.rule == rule and f.pointer == pointer]
                triggers = tuple(_trigger(report, f) for f in found)
                out.judgements.append(
                    Judgement(rule, case["id"], rule in expected, bool(found), triggers, case.get("note", ""))
                )
                if rule == "topic-not-mentioned" and "topic_touch" in case:
                    out.judgements.append(
                        Judgement(NAMED_READING, case["id"], named_reading(case, expected), bool(found), triggers)
                    )
        for pair in load_pairs(corpus):
            a, b = by_id.get(pair["a"]), by_id.get(pair["b"])
            if a is None or b is None or (sets and case_set(a["id"]) not in sets):
                continue
            plan = pair_plan(a, b, work.draft(a), work.draft(b))
            report = work.lint(plan, f"{a['id']}--{b['id']}", ["carbon-copy"])
            found = [f for f in report.findings if f.rule == "carbon-copy"]
            out.pairs += 1
            out.judgements.append(
                Judgement(
                    "carbon-copy",
                    f"{a['id']} / {b['id']}",
                    bool(pair.get("copy")),
                    bool(found),
                    tuple(f.message for f in found),
                    pair.get("note", ""),
                )
            )
    finally:
        work.close()
    return out


def pair_similarities(corpus: Path | Sequence[Path] | None = None) -> list[tuple[dict, float]]:
    """Each pair of pairs.yaml with the similarity the linter measures (for docs/quality.md)."""
    from etiquette_lint.facts import build_facts
    from etiquette_lint.plan import load_plan
    from etiquette_lint.rules import load_rules

    by_id = {c["id"]: c for c in load_cases(corpus)}
    phrases = load_rules().phrases
    work = _Workspace()
    out = []
    try:
        for pair in load_pairs(corpus):
            a, b = by_id.get(pair["a"]), by_id.get(pair["b"])
            if a is None or b is None:
                continue
            plan_dict = pair_plan(a, b, work.draft(a), work.draft(b))
            text = yaml.safe_dump(plan_dict, sort_keys=False, allow_unicode=True, width=100)
            plan = load_plan(str(work.dir / "pair.plan.yaml"), today=EXAMPLE_TODAY, text=text, base_dir=work.dir)
            facts = [f for f in build_facts(plan, phrases, only_text=True) if f["type"] == "draft_pair"]
            out.append((pair, facts[0]["similarity"] if facts else 0.0))
    finally:
        work.close()
    return out


def _sets(m: Measurement) -> list[str]:
    return list(dict.fromkeys(case_set(j.case) for j in m.judgements))


def _table(m: Measurement, title: str) -> list[str]:
    lines = [
        f"{title}{m.cases} cases, {m.pairs} pairs",
        "",
        f"{'rule':<30}{'prec':>7}{'recall':>8}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}",
    ]
    for s in m.scores().values():
        lines.append(f"{s.rule:<30}{s.precision:>7.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.tn:>5}")
    return lines


def render(m: Measurement, *, quiet: bool = False, by_set: bool = False) -> str:
    lines = _table(m, "")
    if by_set:
        for name in _sets(m):
            lines += ["", *_table(m.of_set(name), f"set {name}: ")]
    if not quiet:
        wrong = m.misjudged()
        lines += ["", f"misjudged: {len(wrong)}"]
        for j in sorted(wrong, key=lambda j: (j.rule, j.case)):
            verdict = "missed (FN)" if j.expected else "false alarm (FP)"
            lines.append(f"  {j.rule:<26}{j.case:<40}{verdict}")
            for t in j.triggers:
                lines.append(f"      triggered by: {' '.join(t.split())!r}")
            if j.note:
                lines.append(f"      label note: {' '.join(j.note.split())[:300]}")
    return "\n".join(lines)


def _score_table(m: Measurement) -> dict[str, dict]:
    return {
        s.rule: {
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "f1": round(s.f1, 4),
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
            "tn": s.tn,
        }
        for s in m.scores().values()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", action="append", help="a corpus folder (repeatable); default: the development corpus"
    )
    parser.add_argument("--set", action="append", default=[], help="only the cases of this set (id prefix; repeatable)")
    parser.add_argument("--by-set", action="store_true", help="also one table per set")
    parser.add_argument("--quiet", action="store_true", help="figures only, no misjudged cases")
    parser.add_argument("--json", action="store_true", help="figures and misjudgements as JSON")
    parser.add_argument("--pairs", action="store_true", help="table the carbon-copy pairs by similarity")
    args = parser.parse_args(argv)
    corpus = [Path(c) for c in args.corpus] if args.corpus else None
    if args.pairs:
        for pair, score in sorted(pair_similarities(corpus), key=lambda x: -x[1]):
            print(
                f"{score:6.3f}  {'copy' if pair.get('copy') else 'different':<10} "
                f"{pair['a']} / {pair['b']}  ({pair.get('note', '')})"
            )
        return 0
    m = measure(corpus, args.set)
    if args.json:
        data = {
            "cases": m.cases,
            "pairs": m.pairs,
            "rules": _score_table(m),
            "sets": {name: _score_table(m.of_set(name)) for name in _sets(m)},
            "misjudged": [
                {"rule": j.rule, "case": j.case, "expected": j.expected, "got": j.got, "triggers": list(j.triggers)}
                for j in m.misjudged()
            ],
        }
        print(json.dumps(data, indent=2))
    else:
        print(render(m, quiet=args.quiet, by_set=args.by_set))
    return 0


if __name__ == "__main__":
    sys.exit(main())
