"""etiquette-lint: lint a job candidate's post-interview follow-up plan and its drafts."""

from __future__ import annotations

__version__ = "1.1.0"

from .errors import ConfigError, EngineError, EtiquetteLintError, InputError, RuleError

# The linting API is imported on first use (PEP 562), so that `etiquette-lint check` on an
# unchanged plan, answered from the result cache, never imports the rule engine or the schemas.
_LAZY = {
    "Options": "lint",
    "lint_files": "lint",
    "lint_path": "lint",
    "lint_text": "lint",
    "Finding": "report",
    "Related": "report",
    "Report": "report",
}

__all__ = [
    "ConfigError",
    "EngineError",
    "EtiquetteLintError",
    "Finding",
    "InputError",
    "Options",
    "Related",
    "Report",
    "RuleError",
    "__version__",
    "lint_files",
    "lint_path",
    "lint_text",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
