"""`check`'s fast path (entry.py) and the result cache (core/results.py) print exactly what the
click CLI prints, and a kept result is never used once anything it depends on changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
import pytest

from etiquette_lint import cli, entry
from etiquette_lint.core import private_cache, results

from conftest import EXAMPLES, FIXTURES, ROOT, plan_today

PLANS = sorted(
    [p for p in EXAMPLES.rglob("*.plan.*")] + [p for p in FIXTURES.rglob("*.plan.*") if "bad-input" not in p.parts]
)
BAD = sorted(p for p in (FIXTURES / "bad-input").rglob("*.plan.*")) if (FIXTURES / "bad-input").is_dir() else []


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("ETIQUETTE_LINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(results, "_code", None)
    return tmp_path / "cache"


@pytest.fixture
def no_cache(monkeypatch):
    monkeypatch.setenv("ETIQUETTE_LINT_NO_CACHE", "1")


def run(capsys, main, args: list[str]) -> tuple[str, str, int]:
    status = main(args)
    out, err = capsys.readouterr()
    return out, err, status


def test_the_parser_knows_checks_options_as_click_declares_them():
    params = {p.name: p for p in cli.check.params}
    assert set(params) == set(entry.CHECK_DEFAULTS)
    for option, (name, kind) in entry.CHECK_OPTIONS.items():
        param = params[name]
        assert option in param.opts
        assert (kind == "flag") == bool(getattr(param, "is_flag", False)), option
        assert (kind == "multiple") == bool(getattr(param, "multiple", False)), option
    context = click.Context(cli.check)
    for name, default in entry.CHECK_DEFAULTS.items():
        declared = params[name].get_default(context)
        declared = None if type(declared).__name__ == "Sentinel" else declared  # click 8.3: UNSET
        if name == "paths" or params[name].multiple:
            assert default == ()
        else:
            assert default == declared, name
    formats = params["fmt"].type.choices
    assert set(entry.FORMATS) <= set(formats)  # others (html) go to click
    assert tuple(params["fail_on"].type.choices) == entry.FAIL_ON


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "xml"],
        ["--today", "2027-02-30"],
        ["--today", "2027-02-29"],
        ["--today", "20270330"],
        ["--today", "2027-3-30"],
        ["--jobs", "0"],
        ["--output", "x.txt"],
        ["-"],
        ["--unknown"],
        ["--help"],
        ["--format"],
        ["--no-color=yes"],
    ],
)
def test_what_the_parser_leaves_to_click(args):
    assert entry.parse_check(args) is None


def test_the_parser_reads_what_click_reads():
    params = entry.parse_check(
        ["a.plan.yaml", "--format=json", "--select", "x,y", "--select=z", "--today", "2027-01-02", "--jobs", "3", "b"]
    )
    assert params["paths"] == ("a.plan.yaml", "b")
    assert params["fmt"] == "json"
    assert params["select"] == ("x,y", "z")
    assert params["today"] == "2027-01-02"
    assert entry.parse_check(["--today", "2028-02-29"])["today"] == "2028-02-29"
    assert params["jobs"] == 3


@pytest.mark.parametrize("plan", PLANS + BAD, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_click_paths_print_the_same(plan, capsys, no_cache):
    today = plan_today(plan).isoformat() if plan not in BAD else "2027-03-30"
    for extra in ([], ["--format", "json"], ["--format", "sarif"], ["--format", "github"], ["--statistics"]):
        args = ["check", str(plan.relative_to(ROOT)), "--today", today, "--fail-on", "warning", *extra]
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            slow = run(capsys, cli.main, args)
            fast = run(capsys, entry.main, args)
        finally:
            os.chdir(cwd)
        assert fast == slow, extra


def test_a_kept_result_prints_byte_for_byte_what_the_run_printed(cache_home, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    for plan in PLANS:
        args = ["check", str(plan.relative_to(ROOT)), "--today", plan_today(plan).isoformat(), "--format", "json"]
        uncached = run(capsys, entry.main, args)
        kept = run(capsys, entry.main, args)
        slow = run(capsys, cli.main, args)
        assert kept == uncached == slow, plan
    assert len(private_cache.open_folder().names(results.PREFIX)) == len(PLANS)


@pytest.fixture
def copy(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "work" / "multi"
    shutil.copytree(EXAMPLES / "multi", target)
    monkeypatch.chdir(tmp_path / "work")
    return target


class Runs:
    """Counts the runs that linted (a kept result answers without linting)."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        original = entry.run_check

        def counted(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(entry, "run_check", counted)


def check(capsys, *extra: str, today: str = "2026-11-26") -> tuple[str, str, int]:
    return run(capsys, entry.main, ["check", "multi", "--today", today, "--format", "json", *extra])


def expect_rerun(capsys, runs: Runs, before: tuple, *extra: str, today: str = "2026-11-26") -> tuple:
    count = runs.count
    after = check(capsys, *extra, today=today)
    assert runs.count == count + 1, "a kept result was used after a change"
    assert after == run(capsys, cli.main, ["check", "multi", "--today", today, "--format", "json", *extra])
    return after


def test_kept_until_anything_read_changes(cache_home, copy, capsys, monkeypatch):
    runs = Runs(monkeypatch)
    first = check(capsys)
    assert check(capsys) == first
    assert runs.count == 1  # the second came from the cache

    # a draft
    draft = copy / "drafts" / "marco.txt"
    draft.write_text(draft.read_text() + "\nDear [Hiring Manager Name], thanks.\n")
    edited = expect_rerun(capsys, runs, first)
    assert edited != first
    assert check(capsys) == edited and runs.count == 2

    # the plan
    plan = next(copy.glob("*.plan.yaml"))
    plan.write_text(plan.read_text() + "\n# a comment\n")
    expect_rerun(capsys, runs, edited)

    # a configuration file appears above the plan, then changes
    config = copy.parent / ".etiquette-lint.yaml"
    config.write_text("rules:\n  carbon-copy: false\n")
    configured = expect_rerun(capsys, runs, edited)
    config.write_text("rules:\n  carbon-copy: true\n")
    expect_rerun(capsys, runs, configured)
    config.unlink()
    expect_rerun(capsys, runs, configured)

    # the date, the time zone
    expect_rerun(capsys, runs, edited, today="2026-12-24")
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    expect_rerun(capsys, runs, edited)
    monkeypatch.delenv("TZ")

    # a rule file in a --rules folder, and an option
    rules = copy.parent / "my-rules"
    rules.mkdir()
    expect_rerun(capsys, runs, edited, "--rules", str(rules))
    shutil.copy(ROOT / "rules" / "carbon-copy.yaml", rules / "carbon-copy.yaml")
    expect_rerun(capsys, runs, edited, "--rules", str(rules))
    (rules / "carbon-copy.yaml").write_text(
        (rules / "carbon-copy.yaml").read_text().replace("severity: ", "severity: info\n#", 1)
    )
    expect_rerun(capsys, runs, edited, "--rules", str(rules))
    expect_rerun(capsys, runs, edited, "--ignore", "carbon-copy")

    # a new plan in the folder
    shutil.copy(plan, copy / "second.plan.yaml")
    expect_rerun(capsys, runs, edited)


def test_a_tampered_result_is_not_used(cache_home, copy, capsys, monkeypatch):
    first = check(capsys)
    folder = cache_home / "etiquette-lint"
    (entry_file,) = folder.glob(results.PREFIX + "*")
    data = bytearray(entry_file.read_bytes())
    data[len(data) // 2] ^= 1  # one bit of the kept entry changed
    entry_file.write_bytes(bytes(data))
    runs = Runs(monkeypatch)
    assert check(capsys) == first
    assert runs.count == 1


def test_nothing_is_kept_when_caching_is_off(tmp_path, copy, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ETIQUETTE_LINT_NO_CACHE", "1")
    check(capsys)
    assert not (tmp_path / "cache" / "etiquette-lint").exists()


def test_runs_with_input_errors_are_not_kept(cache_home, copy, capsys):
    plan = next(copy.glob("*.plan.yaml"))
    plan.write_text(plan.read_text().replace("drafts/marco.txt", "drafts/missing.txt"))
    _out, _err, status = check(capsys)
    assert status == 2
    assert not list((cache_home / "etiquette-lint").glob(results.PREFIX + "*"))


def test_click_is_not_imported_for_a_kept_result(cache_home, copy, capsys):
    import subprocess
    import sys

    env = dict(os.environ)
    code = (
        "import sys; from etiquette_lint.entry import main; status = main(sys.argv[1:]); "
        "heavy = sorted(m for m in ('click', 'jsonschema', 'durable', 'yaml') if m in sys.modules); "
        "print(heavy, file=sys.stderr); sys.exit(status)"
    )
    command = [sys.executable, "-c", code, "check", "multi", "--today", "2026-11-26"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=copy.parent)
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=copy.parent)
    assert second.stdout == first.stdout
    assert second.stderr.strip() == "[]"
    assert "click" not in first.stderr and "jsonschema" not in first.stderr  # a valid plan needs neither


def test_click_path_unchanged_for_other_commands(capsys):
    out, _err, status = run(capsys, entry.main, ["rules", "--format", "json"])
    assert status == 0 and out.startswith("[")
    assert isinstance(cli.cli, click.Group)


def test_the_api_keeps_unchanged_plans_until_a_file_changes(copy, tmp_path):
    from datetime import date

    from etiquette_lint import lint_path
    from etiquette_lint.core import memo

    memo.clear()
    plan = next(copy.glob("*.plan.yaml"))
    today = date(2026, 11, 26)
    first = lint_path(plan, today=today)
    assert lint_path(plan, today=today) == first
    assert memo._entries, "the result was kept"
    draft = copy / "drafts" / "marco.txt"
    draft.write_text(draft.read_text() + "\nDear [Hiring Manager Name], thanks.\n")
    edited = lint_path(plan, today=today)
    memo.clear()
    assert edited == lint_path(plan, today=today) != first
    config = tmp_path / "config.yaml"
    config.write_text("rules: {}\n")
    with_config = lint_path(plan, today=today, config=str(config))
    config.write_text("rules:\n  carbon-copy: false\n  interviewer-not-thanked: false\n")
    changed = lint_path(plan, today=today, config=str(config))
    memo.clear()
    assert changed == lint_path(plan, today=today, config=str(config))
    assert with_config == edited
    (copy / ".etiquette-lint.yaml").write_text("rules:\n  interviewer-not-thanked: false\n")
    nearer = lint_path(plan, today=today)
    memo.clear()
    assert nearer == lint_path(plan, today=today)


def test_a_one_shot_check_keeps_nothing_in_memory_and_the_api_still_does(copy, capsys, no_cache):
    from datetime import date

    from etiquette_lint import lint_path
    from etiquette_lint.core import memo

    memo.clear()
    out, _err, status = run(capsys, entry.main, ["check", str(copy), "--today", "2026-11-26"])
    assert status == 1 and "warning" in out
    assert not memo._entries  # a check lints each plan once: nothing to keep
    lint_path(next(copy.glob("*.plan.yaml")), today=date(2026, 11, 26))
    assert memo._entries  # the pause ended with the check
