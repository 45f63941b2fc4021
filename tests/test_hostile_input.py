"""Hostile input that must end quickly with exit 2 and a clear message: devices, FIFOs and endless
streams where a file is expected, oversized configuration, YAML aliases that repeat a long string
(etiquette_lint/source.py: read_regular, read_stream, the expansion budget)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

TIMEOUT = 60  # a hang fails the test; no speed is asserted
PLAN = (EXAMPLES / "clean" / "northwind.plan.yaml").read_text(encoding="utf-8")


def cli(*args: str, stdin=subprocess.DEVNULL, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etiquette_lint", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
    )


def refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "internal error" not in out
    for word in words:
        assert word in out, out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_named_as_a_plan_is_refused():
    refused(cli("check", "/dev/zero"), "/dev/zero", "character device", "not a regular file")


def test_a_fifo_named_as_a_plan_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "waiting.plan.yaml"
    os.mkfifo(fifo)
    refused(cli("check", str(fifo)), "FIFO")
    refused(cli("presend", "--plan", str(fifo), "--to", "x", str(fifo)), "FIFO")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_endless_standard_input_is_cut_off():
    with open("/dev/zero", "rb") as zero:
        refused(cli("presend", "-", stdin=zero), "too large")
    with open("/dev/zero", "rb") as zero:
        refused(cli("check", "-", stdin=zero), "too large")


def test_a_fifo_or_a_link_to_a_device_as_a_draft_is_an_input_error_of_that_action(tmp_path):
    folder = tmp_path / "plans"
    (folder / "drafts").mkdir(parents=True)
    (folder / "acme.plan.yaml").write_text(
        (EXAMPLES / "messy" / "acme.plan.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for draft in (EXAMPLES / "messy" / "drafts").iterdir():
        (folder / "drafts" / draft.name).write_bytes(draft.read_bytes())
    (folder / "drafts" / "tom-thanks.txt").unlink()
    os.mkfifo(folder / "drafts" / "tom-thanks.txt")
    if Path("/dev/zero").exists():
        (folder / "drafts" / "greg-thanks.txt").unlink()
        (folder / "drafts" / "greg-thanks.txt").symlink_to("/dev/zero")
    result = cli("check", str(folder), "--today", "2026-11-26", "--format", "json")
    refused(result)
    report = json.loads(result.stdout)
    messages = " ".join(e["message"] for e in report["errors"])
    assert "FIFO" in messages
    assert "outside the plan's folder" in messages or "character device" in messages or not Path("/dev/zero").exists()
    assert report["findings"], "the rest of the plan is still linted"


def test_an_oversized_or_odd_configuration_file_is_refused(tmp_path):
    (tmp_path / "drafts").mkdir()
    for draft in (EXAMPLES / "clean" / "drafts").iterdir():
        (tmp_path / "drafts" / draft.name).write_bytes(draft.read_bytes())
    (tmp_path / "n.plan.yaml").write_text(PLAN, encoding="utf-8")
    config = tmp_path / ".etiquette-lint.yaml"
    config.write_text("rules: {}\n" + "# padding\n" * 40_000, encoding="utf-8")
    refused(cli("check", str(tmp_path), "--today", "2026-11-26"), "too large", ".etiquette-lint.yaml")
    config.unlink()
    os.mkfifo(config)  # found upward: not a regular file, so not a configuration (and no wait)
    assert cli("check", str(tmp_path), "--today", "2026-11-26").returncode == 0
    refused(cli("check", str(tmp_path), "--today", "2026-11-26", "--config", str(config)), "FIFO")
    config.unlink()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.etiquette-lint]\n" + "# x\n" * 100_000, encoding="utf-8")
    refused(cli("check", str(tmp_path), "--today", "2026-11-26"), "too large", "pyproject.toml")


def string_bomb(copies: int = 2000, size: int = 100_000) -> str:
    return "x: &s " + "a" * size + "\ny: [" + ", ".join(["*s"] * copies) + "]\n"


def test_a_string_alias_bomb_in_a_plan_is_refused_at_once(tmp_path):
    plan = tmp_path / "bomb.plan.yaml"
    plan.write_text(PLAN + "notes: &s " + "a" * 600_000 + "\nmore: [" + ", ".join(["*s"] * 2000) + "]\n")
    refused(cli("check", str(plan)), "expands to more than", "characters")
    with open(plan, "rb") as handle:
        refused(cli("check", "-", stdin=handle), "expands to more than")


def test_a_string_alias_bomb_in_a_configuration_file_is_refused(tmp_path):
    (tmp_path / "n.plan.yaml").write_text(PLAN, encoding="utf-8")
    config = tmp_path / "bomb.yaml"
    config.write_text(string_bomb(), encoding="utf-8")
    result = cli("check", str(tmp_path / "n.plan.yaml"), "--config", str(config))
    refused(result)
    assert "expands to more than" in result.stdout + result.stderr


def test_aliases_of_ordinary_size_still_work(tmp_path):
    """A plan that reuses a topic list through an alias is fine."""
    text = PLAN.replace("topics: [", "topics: &shared [", 1)
    plan = tmp_path / "ok.plan.yaml"
    plan.write_text(text, encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    for draft in (EXAMPLES / "clean" / "drafts").iterdir():
        (tmp_path / "drafts" / draft.name).write_bytes(draft.read_bytes())
    result = cli("check", str(plan), "--today", "2026-11-26")
    assert result.returncode in (0, 1), result.stderr
