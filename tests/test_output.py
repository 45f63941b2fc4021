"""--output and standard output: never over a file the command reads; atomic for regular files,
streamed to devices and pipes; a report that cannot be delivered is exit status 2, never a pass
(etiquette_lint/output/destination.py)."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from etiquette_lint.cli import main

from conftest import EXAMPLES

TODAY = "2026-11-26"
PLAN = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    date: 2026-11-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - {id: thanks-dana, kind: thank_you, channel: email, to: dana, date: 2026-11-02, draft: drafts/dana.md}
"""
DRAFT = "Dear Dana,\n\nThank you for the talk about pipeline latency. I hope to hear from you soon.\n\nJordan\n"
MESSAGE = """\
From: Jordan Lee <jordan@example.org>
To: Dana Whitfield <dana@harbor.example>
Subject: Following up
Date: Thu, 26 Nov 2026 09:00:00 +0000

Dear Dana,

I wanted to follow up on the pipeline latency role and ask whether there is news.

Jordan
"""


@pytest.fixture
def plans(tmp_path, monkeypatch) -> Path:
    """A folder with one plan, its draft and a message, as the current directory."""
    (tmp_path / "drafts").mkdir()
    (tmp_path / "harbor.plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "drafts" / "dana.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "outgoing.eml").write_text(MESSAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(capsys, folder: Path, *args: str) -> str:
    before = snapshot(folder)
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2, err
    assert "is a file this command reads" in err and "nothing was written" in err
    assert snapshot(folder) == before, "an input or the output changed"
    assert not list(folder.rglob("*.tmp"))
    return err


@pytest.mark.parametrize(
    "output",
    ["harbor.plan.yaml", "./harbor.plan.yaml", "drafts/../harbor.plan.yaml", "{folder}/harbor.plan.yaml"],
    ids=["relative", "dot-slash", "dot-dot", "absolute"],
)
def test_output_onto_the_plan_named_is_refused(capsys, plans, output):
    refused(capsys, plans, "check", "harbor.plan.yaml", "--today", TODAY, "--output", output.format(folder=plans))


def test_output_onto_a_plan_found_by_folder_search_is_refused(capsys, plans):
    refused(capsys, plans, "check", "--today", TODAY, "--output", "harbor.plan.yaml")
    refused(capsys, plans, "check", ".", "--format", "json", "--today", TODAY, "--output", "./harbor.plan.yaml")


def test_output_onto_a_draft_of_the_plan_is_refused(capsys, plans):
    err = refused(capsys, plans, "check", "harbor.plan.yaml", "--today", TODAY, "--output", "drafts/dana.md")
    assert "dana.md" in err


def test_output_through_a_symlink_or_a_hard_link_to_an_input_is_refused(capsys, plans):
    (plans / "report.txt").symlink_to(plans / "drafts" / "dana.md")
    refused(capsys, plans, "check", "--today", TODAY, "--output", "report.txt")
    (plans / "out").mkdir()
    (plans / "out" / "link").symlink_to(plans)  # a linked folder on the way
    refused(capsys, plans, "check", "--today", TODAY, "--output", "out/link/harbor.plan.yaml")
    os.link(plans / "harbor.plan.yaml", plans / "hard.txt")
    refused(capsys, plans, "check", "--today", TODAY, "--output", "hard.txt")


def test_output_onto_a_draft_of_a_plan_that_fails_to_load_is_refused(capsys, plans):
    """The plan has an error elsewhere: its drafts are still inputs, and still protected."""
    plan = plans / "harbor.plan.yaml"
    plan.write_text(PLAN.replace("channel: email", "channel: fax"), encoding="utf-8")
    refused(capsys, plans, "check", "--today", TODAY, "--output", "drafts/dana.md")


def test_presend_output_onto_its_message_the_plan_or_a_draft_is_refused(capsys, plans):
    base = ["presend", "--plan", "harbor.plan.yaml", "--today", TODAY]
    refused(capsys, plans, *base, "outgoing.eml", "--output", "outgoing.eml")
    refused(capsys, plans, *base, "outgoing.eml", "--output", "./harbor.plan.yaml")
    refused(capsys, plans, *base, "outgoing.eml", "--output", "drafts/dana.md")
    refused(capsys, plans, *base, "--format", "json", "outgoing.eml", "--output", "drafts/../drafts/dana.md")


def test_output_onto_a_config_file_is_refused(capsys, plans):
    (plans / ".etiquette-lint.yaml").write_text("rules:\n  pushy-language: {enabled: false}\n", encoding="utf-8")
    refused(capsys, plans, "check", "--today", TODAY, "--output", ".etiquette-lint.yaml")


def test_a_new_report_file_is_written_with_the_usual_permissions(capsys, plans):
    code = main(["check", "--today", TODAY, "--format", "json", "--output", "report.json"])
    assert code in (0, 1), capsys.readouterr().err
    mode = stat.S_IMODE((plans / "report.json").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    assert not list(plans.glob(".*.tmp"))


# --- devices, pipes, full disks ----------------------------------------------------------------


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etiquette_lint", *args],
        capture_output=kwargs.pop("capture_output", True),
        text=True,
        timeout=120,
        **kwargs,
    )


MESSY = str(EXAMPLES / "messy")


def test_output_to_a_fifo_streams_and_keeps_the_fifo(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = cli("check", MESSY, "--today", TODAY, "--output", str(fifo))
    reader.join(30)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    assert b"email-and-call" in received[0]
    assert not list(tmp_path.glob(".*.tmp"))


def test_output_to_a_character_device_streams_and_keeps_the_device(tmp_path):
    """A private copy of /dev/null (the same device numbers): as root, a rename over it would
    turn it into a regular file. The real /dev/null is never put at risk by this test."""
    node = private_device(tmp_path, "null", "/dev/null")
    result = cli("check", MESSY, "--today", TODAY, "--output", str(node))
    assert result.returncode == 1, result.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode), "the device node was replaced"
    link = tmp_path / "link-to-null"
    link.symlink_to(node)
    result = cli("check", MESSY, "--today", TODAY, "--output", str(link))
    assert result.returncode == 1 and stat.S_ISCHR(os.lstat(node).st_mode) and link.is_symlink()
    assert not list(tmp_path.glob(".*.tmp"))


def private_device(tmp_path: Path, name: str, original: str) -> Path:
    """A device node with the numbers of `original` (/dev/null, /dev/full) in tmp_path: a bug that
    renamed over it must not damage the machine's own device."""
    if not Path(original).exists() or not stat.S_ISCHR(os.stat(original).st_mode):
        pytest.skip(f"no {original} on this system")
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.stat(original).st_rdev)
        with open(node, "rb"):
            pass
    except OSError:
        pytest.skip("cannot create a device node here (needs root and a filesystem without nodev)")
    return node


def test_a_full_device_is_exit_2_with_a_message(tmp_path):
    full = private_device(tmp_path, "full", "/dev/full")
    result = cli("check", MESSY, "--today", TODAY, "--output", str(full))
    assert result.returncode == 2
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    with open(full, "w") as handle:
        result = subprocess.run(
            [sys.executable, "-m", "etiquette_lint", "check", MESSY, "--today", TODAY],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert "standard output" in result.stderr and "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_broken_pipe_is_exit_2_not_a_pass_or_findings():
    """The reader went away (`| head -1` that already exited): the report was not delivered, so
    the exit status is 2 (with or without findings), and no traceback."""
    for plan in (MESSY, str(EXAMPLES / "clean")):
        process = subprocess.Popen(
            [sys.executable, "-m", "etiquette_lint", "check", plan, "--today", TODAY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        process.stdout.close()  # nobody will read
        err = process.stderr.read().decode()
        assert process.wait(timeout=120) == 2, err
        assert "broken pipe" in err and "Traceback" not in err and "Exception ignored" not in err


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(tmp_path):
    """A write that fails halfway (here: a file size limit, as a full disk would) keeps the previous
    report as it was and leaves no .tmp file behind."""
    report = tmp_path / "report.txt"
    report.write_text("the previous report\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "etiquette_lint", "check", MESSY, "--today", TODAY, "--output", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
    )
    assert result.returncode == 2, result.stderr
    assert "cannot write --output" in result.stderr and "Traceback" not in result.stderr
    assert report.read_text(encoding="utf-8") == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]
