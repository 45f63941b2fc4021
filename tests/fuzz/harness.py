"""Coverage-guided fuzzing (atheris, libFuzzer) of the three kinds of untrusted input.

    python tests/fuzz/harness.py plan|message|rules [libFuzzer options] CORPUS_DIR...

Each target feeds bytes through the path a user's file takes and asserts only the contract of
docs/security.md: the input is linted (a report that renders to JSON valid against the report
schema, and to text) or refused with one of our documented input errors (an EtiquetteLintError
with a message, never an EngineError nor an "internal error"); any other exception is a crash
that libFuzzer records. A hang is caught by libFuzzer's per-input `-timeout`. tests/test_fuzz.py
runs each target for a bounded time in CI, seeded with `seed_corpus()` (the repository's own
examples, fixtures, mail and rule files).

  plan     bytes -> a plan file beside real drafts -> load, validate, lint (lint_files, as `check`)
  message  bytes -> `presend` on a message (.eml, standard input, .txt; alone or with a plan)
  rules    bytes -> a `--rules` folder holding it as a rule file or a phrase list -> load, lint
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = date(2026, 11, 26)
TARGETS = ("plan", "message", "rules")


def seed_corpus(target: str) -> list[Path]:
    """The repository files a target starts from."""
    if target == "plan":
        return sorted({*EXAMPLES.rglob("*.plan.yaml"), *FIXTURES.rglob("*.plan.yaml")})
    if target == "message":
        drafts = [p for p in EXAMPLES.rglob("drafts/*") if p.is_file()]
        return sorted({*(FIXTURES / "mail").glob("*.eml"), *FIXTURES.rglob("*.eml"), *drafts[:20]})
    if target == "rules":
        return sorted({*(ROOT / "rules").glob("*.yaml"), *(ROOT / "rules" / "phrases").glob("*.yaml")})
    raise ValueError(target)


def _drafts_folder() -> Path:
    """A folder whose drafts/ holds every draft the example and fixture plans name, so that a
    mutated seed plan still finds its drafts."""
    base = Path(tempfile.mkdtemp(prefix="etiquette-fuzz-"))
    (base / "drafts").mkdir()
    for draft in sorted({*EXAMPLES.rglob("drafts/*"), *FIXTURES.rglob("drafts/*")}):
        if draft.is_file() and not (base / "drafts" / draft.name).exists():
            shutil.copyfile(draft, base / "drafts" / draft.name)
    return base


class Contract:
    """What every target checks of a result."""

    def __init__(self) -> None:
        import fastjsonschema

        from etiquette_lint.resources import schema_path

        schema = json.loads(schema_path("report.schema.json").read_text(encoding="utf-8"))
        self.valid_report = fastjsonschema.compile(schema)

    def report(self, report) -> None:
        from etiquette_lint.errors import EngineError
        from etiquette_lint.formats import to_json, to_text

        for error in report.errors:
            self.error(error)
            assert not isinstance(error, EngineError), f"engine failure reported as an error: {error}"
        self.valid_report(json.loads(to_json(report)))
        assert isinstance(to_text(report), str)

    @staticmethod
    def error(error) -> None:
        from etiquette_lint.errors import EngineError

        assert not isinstance(error, EngineError), f"an internal error, not an input error: {error}"
        for one in getattr(error, "errors", None) or [error]:
            assert one.message and "internal error" not in one.message, one.message
            assert "Traceback" not in one.message, one.message


def plan_target(contract: Contract):
    from etiquette_lint.errors import EtiquetteLintError
    from etiquette_lint.lint import Options, lint_files, lint_text

    base = _drafts_folder()
    plan_file = base / "fuzz.plan.yaml"
    options = Options.of(today=TODAY)

    def one(data: bytes) -> None:
        plan_file.write_bytes(data)
        report = lint_files([str(plan_file)], options, jobs=1)
        internal = [e for e in report.errors if "internal error" in e.message]
        if internal:  # re-run outside lint_files' catch-all, for the traceback
            lint_text(data.decode("utf-8", "replace"), base_dir=base, path=str(plan_file), today=TODAY)
        contract.report(report)
        try:  # the editor's path (no partial linting, text already in memory)
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return
        try:
            contract.report(lint_text(text, base_dir=base, path=str(plan_file), today=TODAY))
        except EtiquetteLintError as error:
            contract.error(error)

    return one


def message_target(contract: Contract):
    from etiquette_lint.errors import EtiquetteLintError
    from etiquette_lint.lint import Options
    from etiquette_lint.presend import presend

    plan = str(EXAMPLES / "clean" / "northwind.plan.yaml")
    options = Options.of(today=TODAY)
    sources = ("message.eml", "-", "message.txt", "message")

    def one(data: bytes) -> None:
        # The last byte picks how the message arrives (it stays part of the message too).
        choice = data[-1] if data else 0
        source = sources[choice % len(sources)]
        with_plan = bool(choice & 4)
        try:
            report = presend(source, options, data=data, plan_path=plan if with_plan else None)
        except EtiquetteLintError as error:
            contract.error(error)
        else:
            contract.report(report)

    return one


_ID = re.compile(rb"^id:[ \t]*['\"]?([a-z0-9][a-z0-9-]{0,62})['\"]?[ \t]*$", re.MULTILINE)


def rules_target(contract: Contract):
    from etiquette_lint.errors import EtiquetteLintError
    from etiquette_lint.lint import Options, lint_files

    plan = str(EXAMPLES / "messy" / "acme.plan.yaml")
    work = Path(tempfile.mkdtemp(prefix="etiquette-fuzz-rules-"))
    count = [0]

    def one(data: bytes) -> None:
        # A fresh folder each time: loaded rule sets are kept per folder path.
        count[0] += 1
        folder = work / f"r{count[0]}"
        if data.lstrip().startswith(b"name:") or b"\npatterns:" in data:
            (folder / "phrases").mkdir(parents=True)
            (folder / "phrases" / "fuzz.yaml").write_bytes(data)
        else:
            folder.mkdir()
            found = _ID.search(data)
            name = found.group(1).decode() if found else "fuzz"
            (folder / f"{name}.yaml").write_bytes(data)
        try:
            report = lint_files([plan], Options.of(today=TODAY, rules_dirs=[folder]), jobs=1)
        except EtiquetteLintError as error:
            contract.error(error)
        else:
            if any("internal error" in e.message for e in report.errors):
                from etiquette_lint.rules import load_rules

                load_rules((str(folder),))  # raises the underlying exception, for the traceback
            contract.report(report)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return one


def main(argv: list[str]) -> None:
    import atheris

    if len(argv) < 2 or argv[1] not in TARGETS:
        raise SystemExit(f"usage: {argv[0]} {'|'.join(TARGETS)} [libFuzzer options] CORPUS_DIR...")
    target = argv[1]
    os.environ["ETIQUETTE_LINT_NO_CACHE"] = "1"  # no cache folder written while fuzzing
    with atheris.instrument_imports(include=["etiquette_lint"]):
        import etiquette_lint.cli
        import etiquette_lint.facts
        import etiquette_lint.formats
        import etiquette_lint.lint
        import etiquette_lint.messages
        import etiquette_lint.plan
        import etiquette_lint.presend
        import etiquette_lint.rules
        import etiquette_lint.source
        import etiquette_lint.text  # noqa: F401
    contract = Contract()
    one = {"plan": plan_target, "message": message_target, "rules": rules_target}[target](contract)
    atheris.Setup([argv[0], *argv[2:]], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
