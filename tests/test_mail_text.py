"""What the text rules read in a message: the candidate's own words. Quoted text (`>` lines, and
everything from a reply header to the end) is skipped in `presend` and in `check` drafts alike;
HTML bodies are read as text; quoted-printable and base64 parts are decoded; attachments are not
read; findings point at the right place (issue 7 problems 3 and 7, issue 11 item 7).
The messages in tests/fixtures/mail are as mail clients write them."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from etiquette_lint.cli import main
from etiquette_lint.messages import blank_quoted

from conftest import FIXTURES, ROOT

MAIL = FIXTURES / "mail"


def presend(capsys, monkeypatch, *args: str, stdin: bytes | None = None) -> tuple[int, list[dict]]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = main(["presend", "--today", "2027-03-11", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert status in (0, 1), err
    return status, json.loads(out)["findings"]


def test_quoted_text_is_blanked_with_offsets_kept():
    text = "Thanks!\n\n> Could you send [name]?\n>\n> Dana\nSee you.\n"
    blanked = blank_quoted(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert "[name]" not in blanked and "See you." in blanked and blanked.startswith("Thanks!\n")
    reply = "Best,\nJordan\n\nOn Tue, Mar 9, 2027 at 4:31 PM Dana <dana@harbor.example>\nwrote:\n\nHi, [name]\n"
    assert blank_quoted(reply).rstrip() == "Best,\nJordan"
    outlook = "Hello Omar,\n\n-----Original Message-----\nFrom: Omar\nSent: today\n\n[Your name]\n"
    assert blank_quoted(outlook).strip() == "Hello Omar,"
    headers = "Thanks\n\n________________________________\nFrom: Omar <o@x.example>\nSent: Wed\nTo: J\n\nfix it\n"
    assert blank_quoted(headers).strip() == "Thanks"
    # Words like "from" or "on" in the candidate's own sentences are not reply headers.
    own = "On Tuesday I wrote down three questions.\nFrom: the notes I took, Sent: nothing yet.\n"
    assert blank_quoted(own) == own


@pytest.mark.parametrize(
    "name", ["gmail-reply.eml", "outlook-reply.eml", "outlook-headers-reply.eml", "outlook-html-reply.eml"]
)
def test_a_reply_is_not_blamed_for_what_it_quotes(capsys, monkeypatch, name):
    message = (MAIL / name).read_bytes()
    status, found = presend(capsys, monkeypatch, "--fail-on", "warning", stdin=message)
    assert (status, found) == (0, [])
    # The same file, named on the command line, is judged the same way.
    assert presend(capsys, monkeypatch, "--fail-on", "warning", str(MAIL / name)) == (0, [])


def test_the_candidates_own_words_in_a_reply_are_still_read(capsys, monkeypatch, tmp_path):
    message = (
        (MAIL / "gmail-reply.eml")
        .read_bytes()
        .replace(b"I enjoyed meeting the team.", b"I enjoyed meeting the team. Did you get my last email?")
    )
    status, found = presend(capsys, monkeypatch, "--fail-on", "warning", stdin=message)
    assert status == 1 and [f["rule"] for f in found] == ["pushy-language"]
    # From standard input, lines count from the first line of the (decoded) body, as the user wrote it.
    assert (found[0]["path"], found[0]["line"], found[0]["column"]) == ("-", 5, 65)
    (tmp_path / "reply.eml").write_bytes(message)
    _, found = presend(capsys, monkeypatch, str(tmp_path / "reply.eml"))
    # The file's own line; the column counts in the decoded text (=E2=80=94 is one character).
    assert (found[0]["line"], found[0]["column"]) == (16, 65)


PLAN = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    role: Data Engineering Manager
    date: 2027-03-02
    timing: {asked: true, decision_by: 2027-03-16}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - {kind: thank_you, channel: email, to: dana, date: 2027-03-02, status: sent, text: "Dana, thank you for the deep-dive on pipeline latency and the story of the slow consumer."}
  - {kind: follow_up, channel: email, to: dana, date: 2027-03-10, draft: drafts/reply.md}
"""

REPLY_DRAFT = """\
Hi Dana,

Priya Natarajan managed me at Lumen for three years; she expects your call this week.

> Could you send [reference name]'s number? We haven't heard back from one
> reference, and we need an answer by Friday or we will have to move on.

Her number is 555-0142. Thank you for moving things along.

Jordan

On Tue, Mar 9, 2027 at 4:31 PM Dana Whitfield <dana@harbor.example> wrote:
> Here is how I would fix it: my plan would be to rebuild the pool. [Your name]
"""


def test_check_skips_quoted_text_in_drafts_too(capsys, tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "reply.md").write_text(REPLY_DRAFT)
    (tmp_path / "p.plan.yaml").write_text(PLAN)
    main(["check", str(tmp_path), "--today", "2027-03-11", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    text_rules = {"unfilled-placeholder", "pushy-language", "ultimatum", "solving-their-problem"}
    assert not text_rules & {f["rule"] for f in found}, found
    # The candidate's own words are read, and a finding there points at its line of the draft.
    (tmp_path / "drafts" / "reply.md").write_text(
        REPLY_DRAFT.replace("Her number", "Did you get my last email? Her number")
    )
    main(["check", str(tmp_path), "--today", "2027-03-11", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    pushy = [f for f in found if f["rule"] == "pushy-language"]
    assert [(f["line"], f["column"]) for f in pushy] == [(8, 1)]


def test_a_single_part_html_message_is_read_as_text(capsys, monkeypatch):
    path = MAIL / "html-only.eml"
    _, found = presend(capsys, monkeypatch, "--fail-on", "warning", str(path))
    # Not "<body>" as a placeholder: the text, with the finding where it is in the file.
    assert [(f["rule"], f["line"], f["column"], f["end_column"]) for f in found] == [("pushy-language", 14, 29, 54)]
    _, found = presend(capsys, monkeypatch, stdin=path.read_bytes())
    assert [(f["rule"], f["line"]) for f in found] == [("pushy-language", 5)]  # line 5 of the text read


def test_a_quoted_printable_multipart_points_at_the_decoded_text(capsys, monkeypatch):
    path = MAIL / "multipart-qp.eml"
    _, found = presend(capsys, monkeypatch, str(path))
    # Line 17 holds the phrase (after a soft line break), not line 11 (Content-Transfer-Encoding).
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("pushy-language", 17, 24)]
    _, found = presend(capsys, monkeypatch, stdin=path.read_bytes())
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("pushy-language", 3, 172)]


def test_an_html_only_multipart_is_checked_and_its_attachment_is_not(capsys, monkeypatch):
    path = MAIL / "html-multipart-attachment.eml"
    _, found = presend(capsys, monkeypatch, str(path))
    # The base64 HTML part is read; "[Your phone number]" in the attached file is not a finding.
    assert [(f["rule"], f["line"]) for f in found] == [("pushy-language", 12)]  # the part's first line
    _, found = presend(capsys, monkeypatch, stdin=path.read_bytes())
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("pushy-language", 4, 1)]
    # A file attached "inline" with a name (as some clients do) is still an attachment.
    inline = path.read_bytes().replace(b"Content-Disposition: attachment;", b"Content-Disposition: inline;")
    _, found = presend(capsys, monkeypatch, stdin=inline)
    assert [f["rule"] for f in found] == ["pushy-language"]


@pytest.mark.parametrize("shape", ["<a ", '<a b="', "<!--", "&#", "<p>a</p>"])
def test_hostile_html_is_read_in_linear_time(shape):
    """Unterminated tags made the standard library's HTMLParser quadratic (20,000 `<a ` took a
    minute); the harness timeout fails a hang, it is not a speed assertion."""
    body = (shape * (300_000 // len(shape))).encode()
    message = b"To: dana@harbor.example\nContent-Type: text/html\n\n" + body
    result = subprocess.run(
        [sys.executable, "-m", "etiquette_lint", "presend", "--today", "2027-03-11", "--no-color"],
        input=message,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr.decode()
