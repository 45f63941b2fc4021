"""Where the rule files and schemas shipped with the package live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # Installed wheels carry the folders inside the package; a source checkout has them at the top.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def rules_dir() -> Path:
    return _data_dir("rules")


def schema_path(name: str) -> Path:
    return _data_dir("schemas") / name
