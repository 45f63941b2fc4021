"""Large and dense plans: documented limits refused before any work, pair facts that grow with what
the rules can use (not with the square of the plan), findings capped per rule and draft, excerpts
capped in text reports (etiquette_lint/limits.py, lint.PairFilter, facts pair builders)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import etiquette_lint.facts as facts_module
import etiquette_lint.lint as lint_module
from etiquette_lint import limits
from etiquette_lint.cli import main
from etiquette_lint.lint import Options, lint_plan, settings_for
from etiquette_lint.plan import load_plan
from etiquette_lint.rules import load_rules

from conftest import EXAMPLES, FIXTURES, plan_today

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from large_plans import write_plan


def plan_text(actions: int, companies: int = 1, people: int = 2, drafts: bool = False) -> str:
    lines = ["version: 1", "candidate: {name: Sam Ortiz}", "interviews:"]
    for c in range(companies):
        lines += [f"  - id: r{c}", f"    company: C{c}", "    date: 2026-01-05", "    interviewers:"]
        lines += [f"      - {{id: p{c}-{k}, name: P {c} {k}}}" for k in range(people)]
    lines.append("actions:")
    for n in range(actions):
        extra = f", draft: drafts/a{n}.md" if drafts else ", text: Thanks."
        lines.append(f"  - {{kind: follow_up, channel: email, to: p{n % companies}-0, date: 2026-02-01{extra}}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (plan_text(limits.MAX_ACTIONS + 1, companies=20), "actions"),
        (plan_text(limits.MAX_ACTIONS_PER_COMPANY + 1), "actions to C0"),
        (plan_text(1, companies=1, people=limits.MAX_PEOPLE + 1), "interviewer entries"),
        (plan_text(limits.MAX_DRAFTS + 1, companies=10, drafts=True), "draft files"),
    ],
    ids=["actions", "per-company", "people", "drafts"],
)
def test_a_plan_beyond_a_documented_limit_is_refused_before_any_work(capsys, tmp_path, text, what):
    """Exit 2 naming the limit, before schema validation or reading a draft (none exists here)."""
    plan = tmp_path / "big.plan.yaml"
    plan.write_text(text, encoding="utf-8")
    code = main(["check", str(plan), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2 and not report["findings"]
    [error] = report["errors"]
    assert "the plan has" in error["message"] and what in error["message"]
    assert "expected at most" in error["message"] and "docs/security.md" in error["message"]
    assert error["line"] and error["pointer"] in ("/actions", "/interviews")


def test_the_limits_are_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "security.md").read_text(encoding="utf-8")
    for name in ("MAX_ACTIONS", "MAX_ACTIONS_PER_COMPANY", "MAX_PEOPLE", "MAX_DRAFTS", "MAX_FINDINGS_PER_RULE"):
        assert f"{getattr(limits, name):,}" in doc, name


def count_facts(plan_path: Path, today: date) -> dict[str, int]:
    plan = load_plan(str(plan_path), today=today)
    ruleset = load_rules()
    settings = settings_for(None, Options(), ruleset)
    seen: dict[str, int] = {}
    real = facts_module.build_facts

    def counting(*args, **kwargs):
        facts = real(*args, **kwargs)
        for fact in facts:
            seen[fact["type"]] = seen.get(fact["type"], 0) + 1
        return facts

    lint_module.build_facts = counting
    try:
        lint_plan(plan, settings, ruleset)
    finally:
        lint_module.build_facts = real
    return seen


def test_contact_pairs_grow_with_the_actions_not_their_square(tmp_path):
    """100 actions to one company on one day: 4,950 pairs of contacts, of which the enabled rules
    can use one per action and rule (email-and-call, follow-up-too-soon)."""
    plan = write_plan(tmp_path, 100, 1, dense=True)
    seen = count_facts(plan, date(2026, 12, 31))
    assert seen["contact_pair"] <= 2 * 100


def test_draft_pairs_are_compared_only_when_they_share_words(tmp_path, monkeypatch):
    """Drafts with nothing in common are never compared pairwise (an inverted index of their word
    triples finds the candidates)."""
    folder = tmp_path / "plans"
    (folder / "drafts").mkdir(parents=True)
    lines = [
        "version: 1",
        "candidate: {name: Sam Ortiz}",
        "interviews:",
        "  - id: r",
        "    company: C",
        "    date: 2026-01-05",
        "    interviewers:",
    ]
    lines += [f"      - {{id: p{k}, name: P{k}}}" for k in range(80)]
    lines.append("actions:")
    for k in range(80):
        words = " ".join(f"w{k}x{i}" for i in range(30))
        (folder / "drafts" / f"d{k}.md").write_text(f"{words}.\n", encoding="utf-8")
        lines.append(f"  - {{kind: thank_you, channel: email, to: p{k}, date: 2026-01-05, draft: drafts/d{k}.md}}")
    (folder / "c.plan.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    real = facts_module._compared
    monkeypatch.setattr(facts_module, "_compared", lambda *a: calls.append(1) or real(*a))
    seen = count_facts(folder / "c.plan.yaml", date(2026, 1, 6))
    assert calls == [] and "draft_pair" not in seen


@pytest.mark.parametrize(
    "plan",
    [
        EXAMPLES / "messy" / "acme.plan.yaml",
        EXAMPLES / "multi" / "search.plan.yaml",
        *sorted(FIXTURES.glob("*.plan.yaml")),
    ],
    ids=lambda p: p.name,
)
def test_leaving_out_unusable_pairs_changes_no_finding(plan, monkeypatch):
    """The same findings with every pair built (the 1.0 behaviour) as with the pairs the rules use."""
    ruleset = load_rules()
    settings = settings_for(plan, Options(), ruleset)
    loaded = load_plan(str(plan), today=plan_today(plan))
    fast = lint_plan(loaded, settings, ruleset)
    monkeypatch.setattr(lint_module, "pair_limits", lambda *a: (10**6, 0.0))
    monkeypatch.setattr(lint_module, "PairFilter", lambda specs: None)
    slow = lint_plan(loaded, settings, ruleset)
    assert [(f.rule, f.path, f.line, f.column) for f in fast] == [(f.rule, f.path, f.line, f.column) for f in slow]


def test_a_large_valid_plan_within_the_limits_is_linted_not_refused(tmp_path):
    """300 actions over 30 companies, one a day: findings (exit 1), never an engine limit (exit 2)."""
    plan = write_plan(tmp_path, 300, 30)
    result = subprocess.run(
        [sys.executable, "-m", "etiquette_lint", "check", str(plan), "--today", "2026-12-31", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == [] and len(report["findings"]) > 100


ONE_LINE_PLAN = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    date: 2026-11-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - {id: thanks-dana, kind: thank_you, channel: email, to: dana, date: 2026-11-02, draft: drafts/dana.md}
"""


def test_a_30_kb_one_line_draft_gives_a_short_report(capsys, tmp_path):
    """The issue's 30 KB one-line draft gave a 56 MB report: findings per rule per draft are capped
    (the last one says how many more) and the excerpt under each is a window of the line."""
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "dana.md").write_text(
        "Dear Dana, " + "I hope to hear about [specific detail] soon, XXX. " * 600 + "\n", encoding="utf-8"
    )
    (tmp_path / "h.plan.yaml").write_text(ONE_LINE_PLAN, encoding="utf-8")
    assert (tmp_path / "drafts" / "dana.md").stat().st_size > 30_000
    code = main(["check", str(tmp_path), "--today", "2026-11-26", "--no-color"])
    out = capsys.readouterr().out
    assert code == 1
    assert len(out) < 20_000
    assert "more unfilled-placeholder findings in this draft" in out
    assert max(len(line) for line in out.splitlines()) < 400
    code = main(["check", str(tmp_path), "--today", "2026-11-26", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    per_rule: dict[str, int] = {}
    for finding in findings:
        per_rule[finding["rule"]] = per_rule.get(finding["rule"], 0) + 1
    assert per_rule["unfilled-placeholder"] == limits.MAX_FINDINGS_PER_RULE


def test_company_mentions_are_capped_like_phrase_facts(tmp_path, monkeypatch):
    """A draft that names another company of the plan thousands of times gives at most
    MAX_PHRASE_FACTS company_mention facts for it, as phrase hits are capped."""
    from datetime import date

    import etiquette_lint.lint as lint_module
    from etiquette_lint import lint_path
    from etiquette_lint.limits import MAX_PHRASE_FACTS

    built = []
    original = lint_module.build_facts

    def recording(*args, **kwargs):
        facts = original(*args, **kwargs)
        built.extend(facts)
        return facts

    monkeypatch.setattr(lint_module, "build_facts", recording)
    monkeypatch.setenv("ETIQUETTE_LINT_NO_CACHE", "1")
    (tmp_path / "dana.txt").write_text("Dana, thank you. " + "Cobaltline " * 5000, encoding="utf-8")
    (tmp_path / "p.plan.yaml").write_text(
        """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: a
    company: Harbor Analytics
    date: 2027-03-02
    interviewers: [{id: dana, name: Dana Whitfield, email: dana@harbor.example}]
  - id: b
    company: Cobaltline Systems
    date: 2027-03-03
    interviewers: [{id: omar, name: Omar Haddad, email: omar@cobalt.example}]
actions:
  - {kind: thank_you, channel: email, to: dana, date: 2027-03-02, draft: dana.txt}
""",
        encoding="utf-8",
    )
    report = lint_path(str(tmp_path / "p.plan.yaml"), today=date(2027, 3, 10))
    mentions = [f for f in built if f["type"] == "company_mention"]
    assert 0 < len(mentions) <= MAX_PHRASE_FACTS
    assert any(f.rule == "other-company-named" for f in report.findings)
