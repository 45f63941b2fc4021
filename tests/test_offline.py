"""People's drafts stay on their machine: a lint opens no network connection."""

from __future__ import annotations

import socket

import pytest

from etiquette_lint.cli import main

from conftest import EXAMPLES


def test_check_and_presend_open_no_socket(monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise AssertionError("etiquette-lint tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for fmt in ("text", "json", "sarif", "github"):
        assert main(["check", str(EXAMPLES), "--today", "2026-11-26", "--format", fmt, "--fail-on", "never"]) == 0
    drafts = sorted((EXAMPLES / "multi").rglob("*.eml"))
    if not drafts:
        pytest.skip("no .eml draft in the examples")
    code = main(
        [
            "presend",
            "--plan",
            str(next((EXAMPLES / "multi").glob("*.plan.yaml"))),
            str(drafts[0]),
            "--today",
            "2026-11-26",
            "--fail-on",
            "never",
        ]
    )
    assert code == 0
    capsys.readouterr()
