from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"

_TODAY = re.compile(r"^#\s*today:\s*(\d{4}-\d{2}-\d{2})", re.M)


def plan_today(path: Path) -> date:
    """The `# today: YYYY-MM-DD` header of a fixture or example plan."""
    match = _TODAY.search(path.read_text(encoding="utf-8"))
    assert match, f"{path} has no '# today: YYYY-MM-DD' header"
    return date.fromisoformat(match.group(1))


@pytest.fixture
def root() -> Path:
    return ROOT


PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "etiquette_lint", "rules", "schemas", "src_c")


def git_copy_of_package(repo: Path) -> str:
    """Copy this checkout's package files into `repo`, commit them as a Git repository of their own
    (what pip and pre-commit install from), and return the commit."""
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, repo / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "etiquette-lint"], cwd=repo, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True)
    return sha.stdout.strip()
