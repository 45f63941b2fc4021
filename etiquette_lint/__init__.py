"""etiquette-lint: lint a job candidate's post-interview follow-up plan and its drafts."""

from __future__ import annotations

__version__ = "1.0.0"

from .errors import ConfigError, EngineError, EtiquetteLintError, InputError, RuleError
from .lint import Options, lint_files, lint_path, lint_text
from .report import Finding, Related, Report

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
