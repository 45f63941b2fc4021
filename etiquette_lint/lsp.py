"""`etiquette-lint lsp`: a language server (pygls, over standard input/output) for editors.

Plans (`*.plan.yaml`, `*.plan.yml`, `*.plan.json`) are linted when they are opened, changed and
saved, with the unsaved text of every open document (the plan and its drafts). Editing a draft
re-lints the plans that read it; a draft opened on its own is matched to the plans found in its
folder and the folders above. Findings become diagnostics in the file they point into (a draft's
findings in the draft), with `code` = rule id, `source` = etiquette-lint, the severity, the exact
range (LSP positions are 0-based, in the client's position encoding) and related locations. A
plan that cannot be used (invalid YAML, an unknown id) gets error diagnostics instead; nothing a
document holds stops the server. A quick fix inserts a suppression comment for the rule there.

Settings come from the client's `initializationOptions`: `today` (YYYY-MM-DD), `config`,
`select`, `extendSelect`, `ignore` (lists of rule ids) and `rules` (folders of rule files).
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .errors import EtiquetteLintError
from .lint import PLAN_SUFFIXES, lint_text, plan_inputs
from .report import Finding, Related
from .source import FileProblem, load_document, read_regular
from .suppressions import UNUSED_ID

SOURCE = "etiquette-lint"
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
_PLAN_DIRECTIVE = re.compile(r"#\s*etiquette-lint:\s*ignore\[([^\]]*)\]")
_DRAFT_DIRECTIVE = re.compile(r"<!--\s*etiquette-lint:\s*ignore\[([^\]]*)\]")
MAX_PLAN_SEARCH_DEPTH = 4  # folders above a draft searched for the plans that use it
MAX_PLAN_BYTES = 2 * 1024 * 1024  # a larger file found there is not read to see whether it names a draft
DEBOUNCE_SECONDS = 0.0  # edits that arrive while a lint runs (or within this time) are linted once, together


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, with the answers the LSP specification asks for after `shutdown`: an error
    response to every request (pygls drops them silently, and a client waits forever)."""

    def handle_message(self, message):
        method = getattr(message, "method", None)
        if self._shutdown and method not in (None, lsp.EXIT) and getattr(message, "id", None) is not None:
            self._send_response(
                message.id,
                error=lsp.ResponseError(
                    code=lsp.ErrorCodes.InvalidRequest, message=f"{method}: the server is shut down; expected exit"
                ),
            )
            return None
        return super().handle_message(message)


def is_plan(path: str) -> bool:
    return path.endswith(PLAN_SUFFIXES)


def _key(path: str) -> str:
    """One name per file, however it is spelled (relative, with symlinks, as a URI)."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return os.path.normpath(os.path.abspath(path))


class EtiquetteServer(LanguageServer):
    """The server and what it remembers: each plan's diagnostics per file, and the files it reads."""

    def __init__(self) -> None:
        super().__init__(SOURCE, __version__, protocol_cls=_Protocol)
        self.exit_code = 0
        self.pending: dict[str, None] = {}  # URIs changed since the last lint, in order
        self.timer = None
        self.settings: dict = {}
        self.results: dict[str, dict[str, list[lsp.Diagnostic]]] = {}  # plan key -> file key -> diagnostics
        self.reads: dict[str, set[str]] = {}  # plan key -> keys of the drafts it reads
        self.uris: dict[str, str] = {}  # file key -> the URI the client uses for it
        self.published: set[str] = set()

    # --- documents ---------------------------------------------------------------------------

    def open_texts(self) -> dict[str, str]:
        """Unsaved text of every open document, by file key."""
        out = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path:
                out[_key(path)] = document.source
        return out

    def open_plans(self) -> set[str]:
        return {_key(path) for uri in self.workspace.text_documents if (path := to_fs_path(uri)) and is_plan(path)}

    def uri(self, path: str) -> str:
        return self.uris.get(_key(path)) or from_fs_path(os.path.abspath(path)) or path

    def text_of(self, key: str, open_texts: dict[str, str]) -> str | None:
        if key in open_texts:
            return open_texts[key]
        return _read_plan_text(key)

    def log(self, message: str) -> None:
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"etiquette-lint: {message}"))

    # --- linting -----------------------------------------------------------------------------

    def lint(self, plan_key: str) -> None:
        """Lint one plan (its unsaved text if open) and remember its diagnostics per file."""
        open_texts = self.open_texts()
        text = self.text_of(plan_key, open_texts)
        if text is None:
            self.forget(plan_key)
            return
        diagnostics: dict[str, list[lsp.Diagnostic]] = {plan_key: []}
        try:
            report = lint_text(
                text,
                base_dir=str(Path(plan_key).parent),
                path=plan_key,
                today=self.today(),
                config=self.settings.get("config"),
                select=self.settings.get("select") or (),
                extend_select=self.settings.get("extendSelect") or (),
                ignore=self.settings.get("ignore") or (),
                rules_dirs=self.settings.get("rules") or (),
                unsaved=open_texts,
            )
        except EtiquetteLintError as exc:
            lines = text.splitlines(True)
            diagnostics[plan_key] = [self.error_diagnostic(e, plan_key, lines) for e in getattr(exc, "errors", [exc])]
        except Exception as exc:  # never let a document stop the server
            self.log(f"{type(exc).__name__}: {exc}")
            diagnostics[plan_key] = [
                lsp.Diagnostic(
                    range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
                    severity=lsp.DiagnosticSeverity.Error,
                    source=SOURCE,
                    code="internal-error",
                    message=f"internal error: {type(exc).__name__}: {exc}",
                )
            ]
        else:
            sources = {_key(path): source for path, source in report.sources.items()}
            self.reads[plan_key] = {key for key in sources if key != plan_key}
            document = None
            for finding in report.findings:
                key = _key(finding.path)
                if key == plan_key and document is None:
                    document = load_document(text, plan_key, keep="plans")  # as the lint read it: not parsed again
                diagnostics.setdefault(key, []).append(self.diagnostic(finding, key, plan_key, sources, document))
            for key in self.reads[plan_key]:
                diagnostics.setdefault(key, [])
        self.results[plan_key] = diagnostics

    def today(self) -> date | None:
        value = self.settings.get("today")
        if not value:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return None

    def forget(self, plan_key: str) -> None:
        self.results.pop(plan_key, None)
        self.reads.pop(plan_key, None)

    def plans_reading(self, draft_key: str) -> list[str]:
        """The plans known to read a draft; else those in its folder and the folders above that do."""
        known = [plan for plan, reads in self.reads.items() if draft_key in reads]
        if known:
            return known
        found = []
        folder = Path(draft_key).parent
        roots = {_key(to_fs_path(f.uri) or "") for f in self.workspace.folders.values()}
        for _ in range(MAX_PLAN_SEARCH_DEPTH + 1):
            for candidate in sorted(folder.iterdir()) if folder.is_dir() else ():
                if candidate.is_file() and is_plan(candidate.name):
                    key = _key(str(candidate))
                    if key not in self.reads and not self.names(key, draft_key):
                        continue  # a plan that does not name this file is not linted for it
                    if key not in self.reads:
                        self.lint(key)
                    if draft_key in self.reads.get(key, ()):
                        found.append(key)
                    elif key not in self.open_plans():  # a plan that does not concern this file stays quiet
                        self.results.pop(key, None)
            if str(folder) in roots or folder.parent == folder:
                break
            folder = folder.parent
        return found

    def names(self, plan_key: str, draft_key: str) -> bool:
        """Whether the plan's text names the draft (read cheaply, without linting the plan)."""
        text = self.open_texts().get(plan_key)
        if text is None:
            text = _read_plan_text(plan_key, errors="replace")
            if text is None:
                return False
        return any(_key(path) == draft_key for path in plan_inputs(plan_key, text, Path(plan_key).parent)[1:])

    # --- diagnostics -------------------------------------------------------------------------

    def position(self, lines: list[str], line: int, column: int) -> lsp.Position:
        """A 1-based line and code-point column as an LSP position in the client's encoding."""
        point = lsp.Position(max(line - 1, 0), max(column - 1, 0))
        if point.line >= len(lines):
            return point
        if lines[point.line].isascii():  # the same count in every encoding (up to the line's end, as pygls counts)
            return lsp.Position(point.line, min(point.character, len(lines[point.line])))
        return self.workspace.position_codec.position_to_client_units(lines, point)

    def range(
        self, key: str, sources: dict[str, str], line: int, column: int, end_line: int | None, end_column: int | None
    ) -> lsp.Range:
        lines = (sources.get(key) or "").splitlines(True)
        start = self.position(lines, line, column)
        end = self.position(lines, end_line, end_column) if end_line else start
        return lsp.Range(start, end)

    def diagnostic(
        self, finding: Finding, key: str, plan_key: str, sources: dict[str, str], document
    ) -> lsp.Diagnostic:
        related = [self.related(r, sources) for r in finding.related]
        data = {"rule": finding.rule, "pointer": finding.pointer, "plan": self.uri(plan_key)}
        if key == plan_key and document is not None:
            span = document.span(finding.pointer)
            data.update(place="plan", node_line=span.line - 1)
        else:
            data.update(place="draft")
        data["fix"] = finding.fix
        return lsp.Diagnostic(
            range=self.range(key, sources, finding.line, finding.column, finding.end_line, finding.end_column),
            severity=SEVERITY[finding.severity],
            code=finding.rule,
            source=SOURCE,
            message=finding.message,
            related_information=related or None,
            data=data,
            tags=[lsp.DiagnosticTag.Unnecessary] if finding.rule == UNUSED_ID else None,
        )

    def related(self, related: Related, sources: dict[str, str]) -> lsp.DiagnosticRelatedInformation:
        key = _key(related.path)
        where = self.range(key, sources, related.line, related.column, related.end_line, related.end_column)
        return lsp.DiagnosticRelatedInformation(lsp.Location(self.uri(related.path), where), related.message)

    def error_diagnostic(self, error: EtiquetteLintError, plan_key: str, lines: list[str]) -> lsp.Diagnostic:
        here = error.path is None or _key(error.path) == plan_key
        column = error.column or 1
        if here and error.line:
            start = self.position(lines, error.line, column)
            end_of_line = len(lines[error.line - 1].rstrip("\r\n")) + 1 if error.line <= len(lines) else column
            end = self.position(lines, error.line, max(end_of_line, column + 1))
        else:
            start = end = lsp.Position(0, 0)
        if not here:  # a configuration or rule file: name it
            message = str(error)
        else:
            message = f"{error.pointer}: {error.message}" if error.pointer else error.message
        return lsp.Diagnostic(
            range=lsp.Range(start, end),
            severity=lsp.DiagnosticSeverity.Error,
            source=SOURCE,
            code="input-error",
            message=message,
        )

    def publish(self) -> None:
        """Send every file's diagnostics (all plans' together), and clear files that have none now."""
        merged: dict[str, list[lsp.Diagnostic]] = {}
        for per_file in self.results.values():
            for key, diagnostics in per_file.items():
                merged.setdefault(key, []).extend(diagnostics)
        for key in self.published - set(merged):
            merged[key] = []
        for key, diagnostics in merged.items():
            uri = self.uri(key)
            document = self.workspace.text_documents.get(uri)
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=uri, diagnostics=diagnostics, version=document.version if document else None
                )
            )
        self.published = {key for key, diagnostics in merged.items() if diagnostics}

    def refresh(self, uri: str) -> None:
        """Re-lint what a change to `uri` affects, and publish."""
        self.pending[uri] = None
        self.flush()

    def schedule(self, uri: str) -> None:
        """Re-lint what a change to `uri` affects once the edits pause: a burst of edits (or edits
        made while a lint runs) is linted once, with the latest text; stale runs never start."""
        self.pending.pop(uri, None)
        self.pending[uri] = None
        if self.timer is not None:
            self.timer.cancel()
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (called directly): lint now
            self.flush()
            return
        delay = self.settings.get("debounceMs")
        delay = DEBOUNCE_SECONDS if not isinstance(delay, (int, float)) or delay < 0 else delay / 1000
        self.timer = loop.call_later(delay, self.flush)

    def flush(self) -> None:
        self.timer = None
        uris, self.pending = list(self.pending), {}
        plans: dict[str, None] = {}
        for uri in uris:
            path = to_fs_path(uri)
            if not path:
                continue
            key = _key(path)
            self.uris[key] = uri
            if is_plan(path):
                plans[key] = None
            else:
                plans.update(dict.fromkeys(self.plans_reading(key)))
        for plan_key in plans:
            try:
                self.lint(plan_key)
            except Exception as exc:  # never let a document stop the server
                self.log(f"{type(exc).__name__}: {exc}")
        self.publish()


def _read_plan_text(key: str, errors: str = "strict") -> str | None:
    """A plan's text on disk, or None when it is not a regular file of at most MAX_PLAN_BYTES
    (checked on the opened descriptor: a FIFO or a link to /dev/zero found in the workspace is
    not read) or not UTF-8."""
    try:
        return read_regular(key, MAX_PLAN_BYTES).decode("utf-8", errors).removeprefix("\ufeff")
    except (FileProblem, UnicodeDecodeError):
        return None


server = EtiquetteServer()


def _guarded(handler):
    """Run a handler; log what goes wrong instead of letting it reach the client as a crash."""

    def run(ls: EtiquetteServer, params):
        try:
            return handler(ls, params)
        except Exception as exc:
            ls.log(f"{handler.__name__}: {type(exc).__name__}: {exc}")
            return None

    run.__name__ = handler.__name__
    return run


@server.feature(lsp.INITIALIZE)
@_guarded
def initialize(ls: EtiquetteServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options
    ls.settings = dict(options) if isinstance(options, dict) else {}


def _refresh(
    ls: EtiquetteServer,
    params: lsp.DidOpenTextDocumentParams | lsp.DidChangeTextDocumentParams | lsp.DidSaveTextDocumentParams,
) -> None:
    """Open, change and save all mean the same: lint what this document affects, as it is now
    (once the edits pause: see EtiquetteServer.schedule)."""
    ls.schedule(params.text_document.uri)


for _feature in (lsp.TEXT_DOCUMENT_DID_OPEN, lsp.TEXT_DOCUMENT_DID_CHANGE, lsp.TEXT_DOCUMENT_DID_SAVE):
    server.feature(_feature)(_guarded(_refresh))


@server.feature(lsp.EXIT)
def on_exit(ls: EtiquetteServer, *args) -> None:
    """The exit status the specification asks for: 0 after `shutdown`, else 1."""
    ls.exit_code = 0 if ls.protocol._shutdown else 1


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@_guarded
def did_close(ls: EtiquetteServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = to_fs_path(params.text_document.uri)
    if not path:
        return
    key = _key(path)
    if is_plan(path):  # a closed plan's findings go with it
        ls.forget(key)
        ls.publish()
    else:  # the draft's text on disk counts again
        for plan_key in [p for p, reads in ls.reads.items() if key in reads]:
            ls.lint(plan_key)
        ls.publish()


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
@_guarded
def code_action(ls: EtiquetteServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    actions = []
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        rule = data.get("rule")
        if diagnostic.source != SOURCE or not rule or rule == UNUSED_ID:
            continue
        lines = list(document.lines)
        if data.get("place") == "plan":
            if document.uri.endswith(".json"):
                continue  # JSON has no comments
            line, column, text = suppress_in_plan(lines, int(data.get("node_line", diagnostic.range.start.line)), rule)
        else:
            line, column, text = suppress_in_draft(lines, rule, eml=document.uri.lower().endswith(".eml"))
        at = (
            ls.workspace.position_codec.position_to_client_units(lines, lsp.Position(line, column))
            if line < len(lines)
            else lsp.Position(line, column)
        )
        edit = lsp.TextEdit(lsp.Range(at, at), text)
        actions.append(
            lsp.CodeAction(
                title=f"Suppress {rule} here (etiquette-lint)",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
            )
        )
    return actions


Insertion = tuple[int, int, str]  # 0-based line, code-point column, text to insert there


def _add_id(number: int, match: re.Match, rule: str) -> Insertion:
    """Add `rule` to the ids of an existing directive (before its closing bracket)."""
    ids = [part.strip() for part in match.group(1).split(",") if part.strip()]
    return number, match.end() - 1, (", " if ids else "") + rule


def suppress_in_plan(lines: list[str], node_line: int, rule: str) -> Insertion:
    """A `# etiquette-lint: ignore[rule]` for the node starting on `node_line` (0-based): added to
    a directive already on that line or alone on the line above, else on a new line above."""
    for number in (node_line, node_line - 1):
        if 0 <= number < len(lines):
            match = _PLAN_DIRECTIVE.search(lines[number])
            if match and (number == node_line or lines[number].lstrip().startswith("#")):
                return _add_id(number, match, rule)
    current = lines[node_line] if node_line < len(lines) else ""
    indent = current[: len(current) - len(current.lstrip(" \t"))]
    return node_line, 0, f"{indent}# etiquette-lint: ignore[{rule}]\n"


def suppress_in_draft(lines: list[str], rule: str, *, eml: bool) -> Insertion:
    """A `<!-- etiquette-lint: ignore[rule] -->` for the whole draft: added to one already there,
    else on a new first line (for an .eml, the first line of the body)."""
    for number, line in enumerate(lines):
        match = _DRAFT_DIRECTIVE.search(line)
        if match:
            return _add_id(number, match, rule)
    at = next((n + 1 for n, line in enumerate(lines) if not line.strip()), len(lines)) if eml else 0
    return at, 0, f"<!-- etiquette-lint: ignore[{rule}] -->\n"


class _OneLine(logging.Formatter):
    """Log records as one line each on standard error (the editor's log), tracebacks folded in."""

    def format(self, record: logging.LogRecord) -> str:
        message = (record.getMessage().strip().splitlines() or [""])[0]  # pygls puts tracebacks in messages
        text = f"etiquette-lint lsp: {record.levelname.lower()}: {message}"
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text = f"{text}: {type(error).__name__}: " + " ".join(str(error).split())
        return text


def serve() -> int:
    """Serve over standard input/output until the client says exit; the exit status (0 when the
    client said shutdown first, else 1)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLine())
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    server.exit_code = 1  # the input ending without exit counts as exit without shutdown
    server.start_io()
    return server.exit_code
