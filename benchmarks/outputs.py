"""Dump what the linter says about every example, fixture, rule example and corpus case.

    python benchmarks/outputs.py --out before.json      # before a change
    python benchmarks/outputs.py --out after.json       # after it
    python benchmarks/outputs.py --compare before.json after.json

A speed change to text analysis must leave every output byte-identical: this collects, for each
case, the JSON report of a lint with every rule enabled (what `check --format json` prints) and
the facts the rules were evaluated on (which hold what findings do not show: detail counts, topic
mentions, similarities), so that `--compare` names each case whose output moved.

Cases: the plans of examples/ and tests/fixtures/ (judged on their `# today:`), every rule's own
examples, every case and pair of each labelled corpus folder tests/corpus* (as benchmarks/quality.py
builds them; a folder named like corpus-holdout-2 is a later blind set, kept unopened until its one
measurement, and is skipped), and the hostile shapes of benchmarks/hostile.py at a few KB.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
HOSTILE_SIZE = 3_000
_TODAY = re.compile(r"^#\s*today:\s*(\d{4}-\d{2}-\d{2})", re.M)
_LATER_BLIND_SET = re.compile(r"^corpus-holdout-\d+$")


def _module(name: str):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def corpus_folders() -> list[Path]:
    """tests/corpus and every tests/corpus-* folder with cases, except later blind sets."""
    return [
        folder
        for folder in sorted((ROOT / "tests").glob("corpus*"))
        if folder.is_dir() and list(folder.glob("cases-*.yaml")) and not _LATER_BLIND_SET.match(folder.name)
    ]


def _plans() -> Iterator[tuple[str, Path]]:
    for base in (ROOT / "examples", ROOT / "tests" / "fixtures"):
        for path in sorted(base.rglob("*.plan.yaml")):
            if _TODAY.search(path.read_text(encoding="utf-8")):
                yield str(path.relative_to(ROOT)), path


def _outcome(plan, report, folder: Path | None = None) -> dict:
    """The report and the facts, with the names of a temporary folder (it differs every run) and of
    the checkout replaced."""
    from etiquette_lint.facts import build_facts
    from etiquette_lint.rules import load_rules

    facts = build_facts(plan, load_rules().phrases) if plan is not None else []
    outcome = json.dumps({"report": report.to_dict(), "facts": facts}, sort_keys=True, ensure_ascii=False, default=str)
    if folder is not None:
        outcome = outcome.replace(json.dumps(str(folder))[1:-1], "<tmp>")
    outcome = outcome.replace(json.dumps(str(ROOT))[1:-1], "<root>")
    return json.loads(outcome)


def _lint_file(path: Path) -> dict:
    from etiquette_lint import Options, lint_files

    today = date.fromisoformat(_TODAY.search(path.read_text(encoding="utf-8")).group(1))
    plans: list = []
    report = lint_files([str(path)], Options.of(today=today), plans=plans)
    return _outcome(plans[0] if plans else None, report)


def _lint_text(text: str, folder: Path, name: str, today: date, config: str | None = None) -> dict:
    from etiquette_lint import lint_text
    from etiquette_lint.errors import EtiquetteLintError
    from etiquette_lint.plan import load_plan

    path = str(folder / f"{name}.plan.yaml")
    try:
        report = lint_text(text, base_dir=folder, path=path, today=today, config=config)
        plan = load_plan(path, today=today, text=text, base_dir=folder)
    except EtiquetteLintError as exc:
        return {"error": str(exc)}
    return _outcome(plan, report, folder)


def collect(*, corpora: bool = True, hostile: bool = True) -> Iterator[tuple[str, dict]]:
    """(case id, outcome) for every case, in a stable order."""
    from etiquette_lint.examples import EXAMPLE_TODAY, example_plan
    from etiquette_lint.rules import load_rules

    for name, path in _plans():
        yield f"plan {name}", _lint_file(path)
    with tempfile.TemporaryDirectory(prefix="etiquette-outputs-") as tmp:
        folder = Path(tmp)
        for rule in sorted(load_rules().rules.values(), key=lambda r: r.id):
            for verdict in ("bad", "good"):
                for index, example in enumerate(rule.examples[verdict]):
                    text, today = example_plan(example)
                    config = None
                    if example.get("parameters"):
                        config = str(folder / "config.yaml")
                        Path(config).write_text(yaml.safe_dump({"rules": {rule.id: example["parameters"]}}))
                    yield f"example {rule.id}:{verdict}[{index}]", _lint_text(text, folder, "example", today, config)
        if hostile:
            shapes = _module("hostile")
            (folder / "drafts").mkdir(exist_ok=True)
            for shape in sorted(shapes.SHAPES):
                (folder / "drafts" / "hostile.md").write_text(shapes.SHAPES[shape](HOSTILE_SIZE), newline="")
                text = shapes.plan_yaml("drafts/hostile.md")
                yield f"hostile {shape}", _lint_text(text, folder, "hostile", EXAMPLE_TODAY)
    if corpora:
        quality = _module("quality")
        for corpus in corpus_folders():
            label = corpus.relative_to(ROOT)
            cases = quality.load_cases(corpus)
            by_id = {c["id"]: c for c in cases}
            work = quality._Workspace()
            try:
                for case in cases:
                    plan = quality.case_plan(case, work.draft(case))
                    text = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=100)
                    yield f"corpus {label} {case['id']}", _lint_text(text, work.dir, case["id"], EXAMPLE_TODAY)
                for pair in quality.load_pairs(corpus):
                    a, b = by_id.get(pair["a"]), by_id.get(pair["b"])
                    if a is None or b is None:
                        continue
                    plan = quality.pair_plan(a, b, work.draft(a), work.draft(b))
                    text = yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=100)
                    yield f"pair {label} {a['id']}/{b['id']}", _lint_text(text, work.dir, "pair", EXAMPLE_TODAY)
            finally:
                work.close()


def _canonical(outcome: dict) -> str:
    return json.dumps(outcome, sort_keys=True, ensure_ascii=False, default=str)


def dump(out: Path, **kwargs) -> int:
    cases = {case: _canonical(outcome) for case, outcome in collect(**kwargs)}
    out.write_text(json.dumps(cases, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    digest = hashlib.sha256("".join(f"{k}\0{v}\0" for k, v in cases.items()).encode()).hexdigest()
    print(f"{len(cases)} cases written to {out}, sha256 {digest[:16]}")
    return 0


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    moved = [case for case in a.keys() | b.keys() if a.get(case) != b.get(case)]
    for case in sorted(moved):
        print(f"differs: {case}" if case in a and case in b else f"only in one: {case}")
    print(f"{len(a)} / {len(b)} cases, {len(moved)} differ")
    return 1 if moved else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--no-corpus", action="store_true", help="examples, fixtures and rule examples only")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if not args.out:
        parser.error("give --out FILE or --compare BEFORE AFTER")
    return dump(args.out, corpora=not args.no_corpus)


if __name__ == "__main__":
    sys.exit(main())
