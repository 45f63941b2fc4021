"""The one exception tree of etiquette-lint.

    EtiquetteLintError            anything the user can fix; the CLI exits 2
    ├── InputError                 a plan, draft or message cannot be used
    ├── ConfigError                a configuration file or option cannot be used
    └── RuleError                  a rule file (built-in or --rules) cannot be used
    EngineError(EtiquetteLintError)  the rule engine failed; an internal error, reported in one line

Third-party errors (yaml, jsonschema, durable_rules, OSError) are translated into these at the
module that calls the third party, so callers never see them.
"""

from __future__ import annotations


class EtiquetteLintError(Exception):
    """An error with a place: file, line, column and JSON pointer, where known."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.pointer = pointer

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        pointer = f"{self.pointer}: " if self.pointer else ""
        return f"{where}{pointer}{self.message}"

    def to_dict(self) -> dict:
        out: dict = {"message": self.message}
        for key in ("path", "line", "column", "pointer"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


class InputError(EtiquetteLintError):
    """A plan, a draft or a message cannot be used as it is."""


class ConfigError(EtiquetteLintError):
    """A configuration file or a command-line option cannot be used."""


class RuleError(EtiquetteLintError):
    """A rule file or phrase list cannot be used."""


class EngineError(EtiquetteLintError):
    """The rule engine failed while evaluating a plan (a bug, not the user's input)."""


class InputErrors(InputError):
    """Several input errors found at once (all schema errors of one file, say)."""

    def __init__(self, errors: list[EtiquetteLintError]) -> None:
        first = errors[0]
        super().__init__(first.message, path=first.path, line=first.line, column=first.column, pointer=first.pointer)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
