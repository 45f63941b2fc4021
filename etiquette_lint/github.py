"""`--format github`: one GitHub Actions workflow command per finding, so findings show up as
annotations on the pull request:

    ::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE

`::warning` and `::notice` carry the lower severities. Input errors are reported the same way,
titled `etiquette-lint`. Escaping follows the Actions runner: `%`, CR and LF in the message; the
same and also `:` and `,` in property values.
"""

from __future__ import annotations

from .report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{kind} {props}::{escape_data(message)}" if props else f"::{kind}::{escape_data(message)}"


def to_github(report: Report) -> str:
    lines = [
        command(
            COMMANDS[f.severity],
            f.message,
            file=f.path,
            line=f.line,
            col=f.column,
            endLine=f.end_line,
            endColumn=f.end_column,
            title=f.rule,
        )
        for f in report.findings
    ]
    for error in report.errors:
        text = f"{error.pointer}: {error.message}" if error.pointer else error.message
        lines.append(command("error", text, file=error.path, line=error.line, col=error.column, title="etiquette-lint"))
    return "".join(line + "\n" for line in lines)
