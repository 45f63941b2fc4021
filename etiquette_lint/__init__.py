"""etiquette-lint: lint a job candidate's post-interview follow-up plan and its drafts."""

from __future__ import annotations

__version__ = "1.0.0"

from .errors import ConfigError, EngineError, EtiquetteLintError, InputError, RuleError  # noqa: E402
from .lint import Options, lint_files, lint_path, lint_text  # noqa: E402
from .report import Finding, Related, Report  # noqa: E402

__all__ = [
    "__version__",
    "ConfigError",
    "EngineError",
    "EtiquetteLintError",
    "Finding",
    "InputError",
    "Options",
    "Related",
    "Report",
    "RuleError",
    "lint_files",
    "lint_path",
    "lint_text",
]
