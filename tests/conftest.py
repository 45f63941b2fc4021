from __future__ import annotations

import re
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
