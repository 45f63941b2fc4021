"""The language server's protocol obligations, checked on the raw JSON-RPC stream: exit status
after `exit` with and without `shutdown`, an error response to requests after `shutdown`, and
one line per problem on standard error whatever a client sends."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("pygls", reason="pygls is in the `lsp` and `test` extras")


def frame(message: dict) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def serve(*messages: dict) -> tuple[int, list[dict], str]:
    data = b"".join(frame(m) for m in messages)
    done = subprocess.run([sys.executable, "-m", "etiquette_lint", "lsp"], input=data, capture_output=True, timeout=60)
    replies = []
    out = done.stdout
    while out:
        head, _, rest = out.partition(b"\r\n\r\n")
        fields = dict(line.split(b":", 1) for line in head.split(b"\r\n"))
        length = int(fields[b"Content-Length"])
        replies.append(json.loads(rest[:length]))
        out = rest[length:]
    return done.returncode, replies, done.stderr.decode()


INIT = [
    {"id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": None, "rootUri": None}},
    {"method": "initialized", "params": {}},
]


def test_exit_after_shutdown_is_status_0():
    status, replies, _ = serve(*INIT, {"id": 2, "method": "shutdown"}, {"method": "exit"})
    assert status == 0
    assert any(r.get("id") == 2 and "result" in r for r in replies)


def test_exit_without_shutdown_is_status_1():
    status, _, _ = serve(*INIT, {"method": "exit"})
    assert status == 1


def test_requests_after_shutdown_get_an_error_response():
    status, replies, _ = serve(
        *INIT,
        {"id": 2, "method": "shutdown"},
        {
            "id": 3,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}},
        },
        {"id": 4, "method": "shutdown"},
        {"method": "exit"},
    )
    errors = {r["id"]: r["error"] for r in replies if "error" in r}
    assert set(errors) == {3, 4}
    assert all(e["code"] == -32600 for e in errors.values())
    assert status == 0


def test_malformed_messages_give_one_line_each_on_standard_error():
    status, _, stderr = serve(
        *INIT,
        {"method": "textDocument/didOpen", "params": {"textDocument": {"uri": 5}}},
        {"method": "textDocument/didChange", "params": {"nothing": True}},
        {"id": 7, "method": "textDocument/codeAction", "params": {"textDocument": "x"}},
        {"id": 8, "method": "shutdown"},
        {"method": "exit"},
    )
    assert status == 0
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "the problems are logged"
    assert all(line.startswith("etiquette-lint lsp: ") for line in lines), stderr


def test_a_burst_of_edits_is_linted_once_with_the_latest_text(tmp_path, monkeypatch):
    import asyncio

    from etiquette_lint import lsp as server_module

    ls = server_module.EtiquetteServer()
    plan = tmp_path / "a.plan.yaml"
    plan.write_text("version: 1\n")
    linted = []
    monkeypatch.setattr(ls, "lint", lambda key: linted.append(key))
    monkeypatch.setattr(ls, "publish", lambda: None)

    async def burst():
        for _ in range(1000):
            ls.schedule(plan.as_uri())
        await asyncio.sleep(0.2)

    asyncio.run(burst())
    assert linted == [str(plan.resolve())]


def test_a_draft_is_matched_only_to_plans_that_name_it(tmp_path, monkeypatch):
    """Opening a Markdown file must not lint every plan in the folders above it."""
    from types import SimpleNamespace

    from etiquette_lint import lsp as server_module

    ls = server_module.EtiquetteServer()
    workspace = SimpleNamespace(folders={}, text_documents={})
    monkeypatch.setattr(server_module.EtiquetteServer, "workspace", workspace)
    (tmp_path / "drafts").mkdir()
    draft = tmp_path / "drafts" / "dana.md"
    draft.write_text("Hi Dana,\n")
    note = tmp_path / "drafts" / "notes.md"
    note.write_text("shopping list\n")
    names = tmp_path / "names.plan.yaml"
    names.write_text("version: 1\nactions:\n  - {kind: thank_you, draft: drafts/dana.md}\n")
    for i in range(20):
        (tmp_path / f"other-{i}.plan.yaml").write_text(f"version: 1\nactions:\n  - {{draft: drafts/x{i}.md}}\n")
    linted = []

    def lint(key):
        linted.append(key)
        ls.reads[key] = {str(draft.resolve())} if key == str(names.resolve()) else set()

    monkeypatch.setattr(ls, "lint", lint)
    assert ls.plans_reading(str(note.resolve())) == []
    assert linted == []
    assert ls.plans_reading(str(draft.resolve())) == [str(names.resolve())]
    assert linted == [str(names.resolve())]
