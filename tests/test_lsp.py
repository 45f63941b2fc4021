"""`etiquette-lint lsp`, end to end: the real server in a subprocess, driven over stdio by a real
LSP client (pytest-lsp). Also `etiquette-lint schema plan`, for the YAML language server."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is in the `test` extra: pip install '.[test]'")
pytest.importorskip("pygls", reason="pygls is in the `lsp` and `test` extras")

from lsprotocol import types as lsp  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from etiquette_lint import lint_path  # noqa: E402
from etiquette_lint.cli import main  # noqa: E402

from conftest import EXAMPLES, ROOT  # noqa: E402

TODAY = "2026-11-26"
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}


@pytest.fixture
def workspace(tmp_path) -> Path:
    shutil.copytree(EXAMPLES / "messy", tmp_path / "messy")
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "etiquette_lint", "lsp"]))
async def client(lsp_client: LanguageClient, workspace: Path):
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=from_fs_path(str(workspace)),
            workspace_folders=[lsp.WorkspaceFolder(uri=from_fs_path(str(workspace)), name="plans")],
            initialization_options={"today": TODAY},
        )
    )
    yield
    await lsp_client.shutdown_session()


def uri(path: Path) -> str:
    return from_fs_path(str(path))


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> None:
    language = {".yaml": "yaml", ".md": "markdown", ".eml": "plaintext", ".txt": "plaintext"}.get(
        path.suffix, "plaintext"
    )
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(
                uri=uri(path),
                language_id=language,
                version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )


def change_doc(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(client: LanguageClient, path: Path, until=lambda diagnostics: True, timeout: float = 15.0) -> list:
    """The diagnostics published for `path` once `until` holds for them."""
    key = uri(path)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if key in client.diagnostics and until(client.diagnostics[key]):
            return list(client.diagnostics[key])
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics for {key} matching the condition; last: {client.diagnostics.get(key)}")


def rules(diagnostics) -> set[str]:
    return {d.code for d in diagnostics}


@pytest.mark.asyncio
async def test_opening_a_plan_publishes_its_findings_with_exact_ranges(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    open_doc(client, plan)
    report = lint_path(plan, today=date.fromisoformat(TODAY))
    in_plan = [f for f in report.findings if f.path == str(plan)]
    diagnostics = await wait_for(client, plan, lambda d: len(d) == len(in_plan))
    by_place = {(d.code, d.range.start.line, d.range.start.character): d for d in diagnostics}
    for finding in in_plan:
        d = by_place[(finding.rule, finding.line - 1, finding.column - 1)]
        assert d.source == "etiquette-lint" and d.severity == SEVERITY[finding.severity]
        assert d.message == finding.message
        assert (d.range.end.line, d.range.end.character) == (finding.end_line - 1, finding.end_column - 1)
    call = next(d for d in diagnostics if d.code == "email-and-call")
    assert call.related_information and call.related_information[0].location.uri == uri(plan)
    assert (
        call.related_information[0].location.range.start.line
        == next(f for f in in_plan if f.rule == "email-and-call").related[0].line - 1
    )
    # Findings inside drafts are published in the drafts' own documents, though they are not open.
    draft = workspace / "messy" / "drafts" / "tom-thanks.txt"
    placeholder = next(d for d in await wait_for(client, draft) if d.code == "unfilled-placeholder")
    text = draft.read_text(encoding="utf-8").splitlines()[placeholder.range.start.line]
    assert text[placeholder.range.start.character : placeholder.range.end.character] == "[specific topic]"


@pytest.mark.asyncio
async def test_ranges_are_in_the_clients_utf16_units(client: LanguageClient, workspace: Path):
    draft = workspace / "messy" / "drafts" / "tom-thanks.txt"
    text = draft.read_text(encoding="utf-8").replace("I especially enjoyed", "\U0001f389 I especially enjoyed")
    draft.write_text(text, encoding="utf-8")
    open_doc(client, workspace / "messy" / "acme.plan.yaml")
    placeholder = next(
        d
        for d in await wait_for(client, draft, lambda d: "unfilled-placeholder" in rules(d))
        if d.code == "unfilled-placeholder"
    )
    line = text.splitlines()[placeholder.range.start.line]
    code_points = line.index("[specific topic]")
    assert placeholder.range.start.character == code_points + 1  # the emoji is two UTF-16 units
    assert placeholder.range.end.character - placeholder.range.start.character == len("[specific topic]")


@pytest.mark.asyncio
async def test_unsaved_edits_to_a_draft_relint_the_plan_that_uses_it(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    draft = workspace / "messy" / "drafts" / "tom-thanks.txt"
    open_doc(client, plan)
    await wait_for(client, draft, lambda d: "unfilled-placeholder" in rules(d))
    open_doc(client, draft)
    fixed = draft.read_text(encoding="utf-8").replace("[specific topic]", "stapler reloads during robotic colectomies")
    change_doc(client, draft, fixed, 2)
    await wait_for(client, draft, lambda d: "unfilled-placeholder" not in rules(d))
    # The plan's own diagnostics follow the unsaved draft too (tom's thank-you is no longer generic).
    node = (
        plan.read_text(encoding="utf-8")
        .splitlines()
        .index(
            next(
                line for line in plan.read_text(encoding="utf-8").splitlines() if line.startswith("  - id: thanks-tom")
            )
        )
    )
    await wait_for(
        client, plan, lambda d: not any(x.code == "generic-message" and x.range.start.line == node for x in d)
    )
    on_disk = lint_path(plan, today=date.fromisoformat(TODAY)).findings
    assert "unfilled-placeholder" in {f.rule for f in on_disk}  # the file itself still has it


@pytest.mark.asyncio
async def test_a_draft_opened_alone_finds_its_plan(client: LanguageClient, workspace: Path):
    draft = workspace / "messy" / "drafts" / "rhonda-follow-up-2.md"
    open_doc(client, draft)
    diagnostics = await wait_for(client, draft, lambda d: "pushy-language" in rules(d))
    assert all(d.source == "etiquette-lint" for d in diagnostics)


@pytest.mark.asyncio
async def test_a_broken_edit_is_an_error_diagnostic_and_the_server_carries_on(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    good = plan.read_text(encoding="utf-8")
    draft = workspace / "messy" / "drafts" / "tom-thanks.txt"
    open_doc(client, plan)
    await wait_for(client, draft, lambda d: bool(d))
    client.diagnostics.clear()
    change_doc(client, plan, good.replace("interviews:\n", "interviews: [\n", 1), 2)
    broken = await wait_for(client, plan, lambda d: rules(d) == {"input-error"})
    assert broken[0].severity == lsp.DiagnosticSeverity.Error and "invalid YAML" in broken[0].message
    assert not await wait_for(client, draft, lambda d: not d)  # the draft's findings went with the plan's verdict
    change_doc(client, plan, good.replace("    to: tom\n", "    to: thomas\n", 1), 3)
    unknown = await wait_for(client, plan, lambda d: any("thomas" in x.message for x in d))
    line = good.splitlines().index("    to: tom")
    assert [(d.code, d.range.start.line) for d in unknown] == [("input-error", line)]
    assert "unknown interviewer id 'thomas'" in unknown[0].message
    change_doc(client, plan, good, 4)
    await wait_for(client, plan, lambda d: "email-and-call" in rules(d))
    await wait_for(client, draft, lambda d: "unfilled-placeholder" in rules(d))


@pytest.mark.asyncio
async def test_save_relints_and_close_clears(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    draft = workspace / "messy" / "drafts" / "tom-thanks.txt"
    open_doc(client, plan)
    await wait_for(client, draft, lambda d: "unfilled-placeholder" in rules(d))
    # A draft changed on disk (not open in the editor) counts when the plan is saved.
    draft.write_text(draft.read_text(encoding="utf-8").replace("[specific topic]", "cadaver labs"), encoding="utf-8")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri(plan))))
    await wait_for(client, draft, lambda d: "unfilled-placeholder" not in rules(d))
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri(plan))))
    await wait_for(client, plan, lambda d: not d)
    await wait_for(client, draft, lambda d: not d)


async def _apply(client: LanguageClient, path: Path, text: str, action: lsp.CodeAction, version: int) -> str:
    edits = action.edit.changes[uri(path)]
    lines = text.splitlines(True)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = sum(len(line) for line in lines[: edit.range.start.line]) + edit.range.start.character
        end = sum(len(line) for line in lines[: edit.range.end.line]) + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
        lines = text.splitlines(True)
    change_doc(client, path, text, version)
    return text


@pytest.mark.asyncio
async def test_a_code_action_inserts_a_suppression_comment(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    text = plan.read_text(encoding="utf-8")
    open_doc(client, plan)
    diagnostics = await wait_for(client, plan, lambda d: "email-and-call" in rules(d))
    call = next(d for d in diagnostics if d.code == "email-and-call")
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri(plan)),
            range=call.range,
            context=lsp.CodeActionContext(diagnostics=[call]),
        )
    )
    assert [a.title for a in actions] == ["Suppress email-and-call here (etiquette-lint)"]
    assert actions[0].kind == lsp.CodeActionKind.QuickFix
    text = await _apply(client, plan, text, actions[0], 2)
    node = text.splitlines().index(next(line for line in text.splitlines() if line.startswith("  - id: call-rhonda")))
    assert text.splitlines()[node - 1] == "  # etiquette-lint: ignore[email-and-call]"
    diagnostics = await wait_for(client, plan, lambda d: "email-and-call" not in rules(d))
    assert "unused-suppression" not in rules(diagnostics)
    # A second rule on the same node joins the same comment.
    soon = next(d for d in diagnostics if d.code == "follow-up-too-soon" and d.range.start.line == node)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri(plan)),
            range=soon.range,
            context=lsp.CodeActionContext(diagnostics=[soon]),
        )
    )
    text = await _apply(client, plan, text, actions[0], 3)
    assert text.splitlines()[node - 1] == "  # etiquette-lint: ignore[email-and-call, follow-up-too-soon]"
    await wait_for(
        client, plan, lambda d: not any(x.code == "follow-up-too-soon" and x.range.start.line == node for x in d)
    )


@pytest.mark.asyncio
async def test_a_code_action_in_a_draft_suppresses_the_rule_for_that_message(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    draft = workspace / "messy" / "drafts" / "rhonda-follow-up-2.md"
    text = draft.read_text(encoding="utf-8")
    open_doc(client, plan)
    open_doc(client, draft)
    diagnostics = await wait_for(client, draft, lambda d: "pushy-language" in rules(d))
    pushy = next(d for d in diagnostics if d.code == "pushy-language")
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri(draft)),
            range=pushy.range,
            context=lsp.CodeActionContext(diagnostics=[pushy]),
        )
    )
    text = await _apply(client, draft, text, actions[0], 2)
    assert text.splitlines()[0] == "<!-- etiquette-lint: ignore[pushy-language] -->"
    await wait_for(client, draft, lambda d: "pushy-language" not in rules(d))


@pytest.mark.asyncio
async def test_an_unused_suppression_is_shown_as_unnecessary(client: LanguageClient, workspace: Path):
    plan = workspace / "messy" / "acme.plan.yaml"
    text = plan.read_text(encoding="utf-8").replace(
        "  - id: thanks-greg ", "  - id: thanks-greg  # etiquette-lint: ignore[ultimatum]\n  #", 1
    )
    open_doc(client, plan, text)
    diagnostics = await wait_for(client, plan, lambda d: "unused-suppression" in rules(d))
    unused = next(d for d in diagnostics if d.code == "unused-suppression")
    assert unused.severity == lsp.DiagnosticSeverity.Information
    assert list(unused.tags) == [lsp.DiagnosticTag.Unnecessary]


def test_schema_plan_prints_the_plan_schema(capsys):
    assert main(["schema", "plan"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    assert printed["title"].startswith("etiquette-lint follow-up plan")
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    validator = jsonschema.validators.validator_for(printed)(printed)
    for example in sorted(EXAMPLES.rglob("*.plan.yaml")):
        data = yaml.safe_load(example.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))  # YAML dates are strings in the plan format
        assert not list(validator.iter_errors(data)), example


def test_schema_rejects_an_unknown_name(capsys):
    assert main(["schema", "plans"]) == 2
    assert "plan" in capsys.readouterr().err


def test_the_editor_docs_cover_each_editor_and_the_schema():
    docs = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    for needle in (
        "VS Code",
        "Neovim",
        "Helix",
        "etiquette-lint lsp",
        "yaml-language-server",
        "etiquette-lint schema plan",
    ):
        assert needle in docs, needle


@pytest.mark.asyncio
async def test_a_file_no_plan_reads_gets_no_diagnostics_and_wakes_no_plan(client: LanguageClient, workspace: Path):
    notes = workspace / "messy" / "notes.md"
    notes.write_text("Call Rhonda? No: one email, then wait.\n", encoding="utf-8")
    open_doc(client, notes)
    # A request after the notification: when it is answered, the server has handled the opening.
    assert not await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri(notes)),
            range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1)),
            context=lsp.CodeActionContext(diagnostics=[]),
        )
    )
    assert not client.diagnostics.get(uri(workspace / "messy" / "acme.plan.yaml"))
    assert not client.diagnostics.get(uri(notes))
    draft = workspace / "messy" / "drafts" / "tom-thanks.txt"
    open_doc(client, draft)  # a real draft: its plan is found (the server did look around for notes.md too)
    await wait_for(client, draft, lambda d: "unfilled-placeholder" in rules(d))
    assert not client.diagnostics.get(uri(notes))


@pytest.mark.asyncio
async def test_a_plan_on_disk_that_became_a_fifo_is_not_read(client: LanguageClient, workspace: Path):
    """Every plan the server reads from disk is read bounded and checked on the opened descriptor:
    a FIFO (no writer: reading would wait for ever) or a link to /dev/zero (endless) named like a
    plan is never read, whether found beside an opened draft or swapped in for a plan already
    linted (closing the draft re-reads its plan from disk). The server stays responsive."""
    folder = workspace / "messy"
    os.mkfifo(folder / "waiting.plan.yaml")
    if Path("/dev/zero").exists():
        (folder / "zero.plan.yaml").symlink_to("/dev/zero")
    draft = folder / "drafts" / "tom-thanks.txt"
    open_doc(client, draft)
    await wait_for(client, draft, lambda d: "unfilled-placeholder" in rules(d))
    plan = folder / "acme.plan.yaml"
    assert client.diagnostics.get(uri(plan))
    plan.unlink()
    os.mkfifo(plan)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri(draft))))
    await wait_for(client, plan, lambda d: not d)  # the plan cannot be read: its diagnostics go
    assert not client.diagnostics.get(uri(folder / "waiting.plan.yaml"))
    assert not client.diagnostics.get(uri(folder / "zero.plan.yaml"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_positions_of_ascii_lines_are_counted_as_pygls_counts(encoding):
    """The server skips pygls's per-character count on an ASCII line: the same position, in every
    encoding, also past the line's end."""
    from types import SimpleNamespace

    from pygls.workspace.position_codec import PositionCodec

    from etiquette_lint.lsp import EtiquetteServer

    codec = PositionCodec(encoding)
    server = SimpleNamespace(workspace=SimpleNamespace(position_codec=codec))
    lines = "Dear Dana,\r\nThank you.\n😀 Ünïcode line\n\nlast".splitlines(True)
    for line in range(1, len(lines) + 2):
        for column in range(1, 30):
            point = lsp.Position(line - 1, column - 1)
            expected = point if point.line >= len(lines) else codec.position_to_client_units(lines, point)
            assert EtiquetteServer.position(server, lines, line, column) == expected
