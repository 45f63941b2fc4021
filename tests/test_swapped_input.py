"""A file swapped between its checks and its read (docs/security.md, "Files that are not files").

Each test runs the real program in a subprocess in which the function that reads one input is
wrapped so that, just before it runs, the input is replaced: by a FIFO (reading would wait for
ever), a link to /dev/zero (endless), a 1 GiB sparse file, or a link to a file outside the plan's
folder. That is the moment after every check on the path (discovery, resolution, the "inside
the plan's folder" test) and before the read, made deterministic. The read must judge what it
opened, not what the path was: exit status 2, one clear message naming the file, no hang, no
traceback, nothing of the outside file in the report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

TIMEOUT = 60  # a hang fails the test; no speed is asserted
SECRET = "SECRET-TOKEN-7f3a9c"

# Wrap module.function so that its first call on the target swaps the target, then run the CLI.
SWAP_THEN_RUN = """
import importlib, json, os, sys
spec = json.loads(sys.argv[1])
module = importlib.import_module(spec["module"])
real = getattr(module, spec["function"])
done = []

def swap():
    target, into = spec["target"], spec["into"]
    if os.path.islink(target) or not os.path.isdir(target):
        os.unlink(target)
    else:
        os.rename(target, target + ".checked")
    if into == "fifo":
        os.mkfifo(target)
    elif into == "huge":
        with open(target, "wb") as handle:
            handle.truncate(1 << 30)
    else:
        os.symlink(into, target)

def swapped(*args, **kwargs):
    if not done and os.path.basename(str(args[0])) == os.path.basename(spec["match"]):
        done.append(True)
        swap()
    return real(*args, **kwargs)

setattr(module, spec["function"], swapped)
from etiquette_lint.cli import main
sys.exit(main(spec["argv"]))
"""


def run_swapped(module: str, function: str, target: Path, into: str, argv: list[str], match: Path | None = None):
    spec = {
        "module": module,
        "function": function,
        "target": str(target),
        "into": into,
        "match": str(match or target),
        "argv": argv,
    }
    env = {**os.environ, "ETIQUETTE_LINT_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-c", SWAP_THEN_RUN, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert SECRET not in out, out
    for word in words:
        assert word in out, out
    return out


@pytest.fixture
def plans(tmp_path) -> Path:
    shutil.copytree(EXAMPLES / "clean", tmp_path / "plans")
    outside = tmp_path / "outside"
    outside.mkdir()
    # Outside the plan's folder: a file the linter must never read as a draft.
    (outside / "graham-thanks.md").write_text(f"Hi [Name], {SECRET}\n", encoding="utf-8")
    return tmp_path / "plans"


needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")

DRAFT_SWAPS = [
    pytest.param("fifo", "FIFO", id="fifo"),
    pytest.param("huge", "too large", id="huge-sparse-file"),
    pytest.param("/dev/zero", "symbolic link", id="link-to-dev-zero", marks=needs_dev_zero),
    pytest.param("OUTSIDE", "symbolic link", id="link-to-a-file-outside"),
]


@pytest.mark.parametrize(("into", "expected"), DRAFT_SWAPS)
def test_a_draft_swapped_after_its_checks_is_refused(plans, into, expected):
    draft = plans / "drafts" / "graham-thanks.md"
    into = str(plans.parent / "outside" / "graham-thanks.md") if into == "OUTSIDE" else into
    argv = ["check", str(plans), "--today", "2026-11-26", "--format", "json"]
    result = run_swapped("etiquette_lint.messages", "read_regular", draft, into, argv)
    refused(result, expected)
    report = json.loads(result.stdout)
    assert [Path(e["path"]).name for e in report["errors"]] == ["northwind.plan.yaml"]
    assert "graham-thanks.md" in report["errors"][0]["message"]


def test_a_drafts_folder_swapped_for_a_link_outside_is_refused(plans):
    """The folder on the way is walked without following links too, not just the file."""
    draft = plans / "drafts" / "graham-thanks.md"
    argv = ["check", str(plans), "--today", "2026-11-26", "--format", "json"]
    result = run_swapped(
        "etiquette_lint.messages", "read_regular", plans / "drafts", str(plans.parent / "outside"), argv, match=draft
    )
    refused(result, "symbolic link")


PLAN_SWAPS = [
    pytest.param("fifo", "FIFO", id="fifo"),
    pytest.param("huge", "too large", id="huge-sparse-file"),
    pytest.param("/dev/zero", "character device", id="link-to-dev-zero", marks=needs_dev_zero),
]


@pytest.mark.parametrize(("into", "expected"), PLAN_SWAPS)
def test_a_plan_found_in_a_folder_then_swapped_is_refused(plans, into, expected):
    plan = plans / "northwind.plan.yaml"
    argv = ["check", str(plans), "--today", "2026-11-26"]
    refused(run_swapped("etiquette_lint.source", "read_file", plan, into, argv), str(plan), expected)


@pytest.mark.parametrize(("into", "expected"), PLAN_SWAPS)
def test_a_message_given_to_presend_then_swapped_is_refused(plans, into, expected):
    message = plans / "note.txt"
    message.write_text("Hi Graham, thank you for your time today.\n", encoding="utf-8")
    argv = ["presend", str(message), "--plan", str(plans / "northwind.plan.yaml"), "--to", "graham"]
    refused(run_swapped("etiquette_lint.presend", "read_file", message, into, argv), str(message), expected)


@pytest.mark.parametrize(("into", "expected"), PLAN_SWAPS)
def test_a_configuration_file_then_swapped_is_refused(plans, into, expected):
    config = plans / ".etiquette-lint.yaml"
    config.write_text("rules:\n  pushy-language: warning\n", encoding="utf-8")
    argv = ["check", str(plans), "--today", "2026-11-26", "--config", str(config)]
    refused(run_swapped("etiquette_lint.config", "read_regular", config, into, argv), str(config), expected)


@pytest.mark.parametrize(("into", "expected"), PLAN_SWAPS)
def test_init_add_interview_reads_the_plan_it_edits_once_and_bounded(plans, into, expected):
    """`init --add-interview` loads the plan to offer defaults, then edits it: swapped in between,
    the edit refuses it (1.1 read it again unbounded: a FIFO hung, /dev/zero ate memory)."""
    plan = plans / "northwind.plan.yaml"
    argv = ["init", "--add-interview", str(plan), "--no-input", "--company", "Y", "--interviewer", "Dana"]
    refused(run_swapped("etiquette_lint.planner.init_command", "add_interview", plan, into, argv), expected)
    assert not (plans / "drafts" / "dana-thanks.md").exists()
