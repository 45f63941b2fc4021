"""Plan files are found below a folder exactly as `pathlib.Path(folder).rglob("*")` found them
(the same names, in the same order), without importing pathlib on the way to a kept result."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from etiquette_lint.core.discovery import PLAN_SUFFIXES, _plans_below_by_pathlib, discover

from conftest import ROOT


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    top = tmp_path / "plans"
    for name in (
        "a.plan.yaml",
        "b.plan.yml",
        "c.plan.json",
        "notes.yaml",
        ".hidden.plan.yaml",
        "sub/d.plan.yaml",
        "sub/deeper/e.plan.yaml",
        "sub/deeper/drafts/x.md",
        ".git/f.plan.yaml",
        "sub/.cache/g.plan.yaml",
        "Z.plan.yaml",
        "é.plan.yaml",
    ):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("version: 1\n")
    (top / "folder.plan.yaml").mkdir()  # a folder named like a plan
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.plan.yaml").write_text("version: 1\n")
    (top / "linked").symlink_to(outside, target_is_directory=True)  # not followed
    (top / "link.plan.yaml").symlink_to(top / "a.plan.yaml")  # a link to a file: a file
    (top / "broken.plan.yaml").symlink_to(tmp_path / "missing")
    monkeypatch.chdir(tmp_path)
    return top


def _by_pathlib(path: str) -> list[str]:
    """What discovery did before (pathlib), for one folder."""
    top = Path(path)
    return sorted(
        str(f)
        for f in top.rglob("*")
        if f.is_file()
        and f.name.endswith(PLAN_SUFFIXES)
        and not any(part.startswith(".") and part not in (".", "..") for part in f.relative_to(top).parts)
    )


@pytest.mark.parametrize("spelling", ["plans", "plans/", "./plans", "plans//sub", "plans/./sub", "plans/sub/..", "ABS"])
def test_the_plans_found_are_the_ones_pathlib_found(tree, spelling):
    path = str(tree) if spelling == "ABS" else spelling
    assert discover([path]) == _by_pathlib(path) == _plans_below_by_pathlib(path)
    assert "plans/link.plan.yaml" in _by_pathlib("plans") and not any("o.plan" in p for p in discover(["plans"]))


def test_the_current_folder_and_named_files(tree):
    os.chdir(tree)
    assert discover(["."]) == _by_pathlib(".")
    assert discover(["a.plan.yaml", "missing.plan.yaml", "-", "a.plan.yaml"]) == [
        "a.plan.yaml",
        "missing.plan.yaml",
        "-",
    ]


def test_a_kept_check_does_not_import_pathlib(tmp_path):
    """A `check` answered from its kept result imports neither pathlib nor the linter."""
    import shutil

    folder = tmp_path / "clean"
    shutil.copytree(ROOT / "examples" / "clean", folder)
    env = {k: v for k, v in os.environ.items() if k != "ETIQUETTE_LINT_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    code = (
        "import sys; from etiquette_lint.entry import main; status = main(sys.argv[1:]); "
        "print(sorted(m for m in ('pathlib', 'etiquette_lint.lint') if m in sys.modules), file=sys.stderr); "
        "sys.exit(status)"
    )
    command = [sys.executable, "-S", "-c", code, "check", "clean", "--today", "2026-11-26"]
    # -S: no site, whose .pth files would run an editable install's finder (it imports pathlib
    # itself); the libraries are found through PYTHONPATH instead
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert second.stdout == first.stdout and second.returncode == first.returncode
    assert second.stderr.strip() == "[]"
