"""What a lint returns: frozen findings and a report that turns into the JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EtiquetteLintError

SEVERITY_ORDER = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class Related:
    path: str
    line: int
    column: int
    pointer: str
    message: str
    end_line: int | None = None
    end_column: int | None = None

    def to_dict(self) -> dict:
        out = {"path": self.path, "line": self.line, "column": self.column}
        if self.end_line is not None:
            out["end_line"] = self.end_line
            out["end_column"] = self.end_column
        out["pointer"] = self.pointer
        out["message"] = self.message
        return out


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    pointer: str
    related: tuple[Related, ...] = ()
    fix: str = ""
    plan: str = ""  # the plan file the finding comes from (path may be a draft)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "pointer": self.pointer,
            "related": [r.to_dict() for r in self.related],
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...] = ()
    errors: tuple[EtiquetteLintError, ...] = ()
    files: int = 0
    rules: tuple = field(default=(), compare=False)  # the Rule objects that ran, for SARIF
    version: str = ""
    sources: dict = field(default_factory=dict, compare=False, repr=False)  # path -> text, for snippets
    # Every file the command read: --output never replaces one of them.
    inputs: tuple[str, ...] = field(default=(), compare=False, repr=False)
    partial: tuple[str, ...] = ()  # plans linted in part: without the actions (or drafts) in error
    # presend (1.1): the pointer of the planned action the message was matched to, "" when it was
    # not matched; None in reports of other commands (no "presend" key in JSON).
    presend: str | None = field(default=None, compare=False)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def to_dict(self) -> dict:
        out = {
            "version": 1,
            "tool": {"name": "etiquette-lint", "version": self.version},
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "summary": {
                "files": self.files,
                **self.counts(),
                **({"partial": list(self.partial)} if self.partial else {}),
            },
        }
        if self.presend is not None:
            out["presend"] = {"matched": self.presend} if self.presend else None
        return out

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        floor = SEVERITY_ORDER[fail_on]
        return any(SEVERITY_ORDER[f.severity] >= floor for f in self.findings)
