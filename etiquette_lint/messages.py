"""Message texts (drafts and inline texts), with a way back from a text offset to a file position.

A draft is read only from inside the plan's folder (symlinks resolved), must be UTF-8 and of
bounded size. `.eml` drafts are parsed with the standard library's `email` package; their
To/Cc/Bcc/Subject/Date headers are kept. Markdown and HTML comments are blanked (same length)
so that analysis never sees them, while offsets still point at the right place in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

from .errors import InputError
from .source import FileProblem, read_regular

MAX_DRAFT_BYTES = 1024 * 1024

_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Segment:
    """A piece of message text (a subject or a body) and where it starts in its file."""

    text: str
    path: str
    line: int  # 1-based line of text[0] in the file
    column: int  # 1-based column of text[0]
    indent: int = 0  # columns added before each following line (inline block scalars)
    kind: str = "body"  # body | subject

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the file of the character at `offset` in `text`."""
        before = self.text[:offset]
        newlines = before.count("\n")
        if newlines == 0:
            return self.line, self.column + offset
        return self.line + newlines, offset - before.rfind("\n") + self.indent


@dataclass(frozen=True)
class Message:
    """What a written action says: its subject and body segments and any e-mail headers."""

    segments: tuple[Segment, ...]
    to_addresses: tuple[str, ...] = ()
    cc_addresses: tuple[str, ...] = ()
    bcc_addresses: tuple[str, ...] = ()
    header_subject: str | None = None
    header_date: str | None = None
    source: str = field(default="", compare=False, repr=False)  # the file's text as written

    @property
    def body(self) -> Segment:
        return next(s for s in self.segments if s.kind == "body")

    @property
    def text(self) -> str:
        """All segments joined: subject first, for whole-message measures."""
        return "\n\n".join(s.text for s in self.segments)


def blank_comments(text: str) -> str:
    """Replace HTML/Markdown comments by spaces, keeping newlines and offsets."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def read_draft(
    plan_dir: Path,
    relative: str,
    display: str,
    *,
    path: str,
    pointer: str,
    line: int | None,
    column: int | None,
    unsaved: Mapping[str, str] | None = None,
) -> Message:
    """Read the draft `relative` to `plan_dir`; errors name the plan file, line and pointer.
    `unsaved` maps resolved file paths to texts that replace the files (an editor's open buffers)."""

    def fail(what: str) -> InputError:
        return InputError(what, path=path, line=line, column=column, pointer=pointer)

    base = plan_dir.resolve()
    candidate = plan_dir / relative
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as exc:
        raise fail(f"draft {relative!r} cannot be resolved: {exc}") from None
    if not resolved.is_relative_to(base):
        raise fail(f"draft {relative!r} lies outside the plan's folder {str(base)!r}; expected a path inside it")
    if unsaved and str(resolved) in unsaved:
        data = unsaved[str(resolved)].encode("utf-8", "surrogatepass")
        if len(data) > MAX_DRAFT_BYTES:
            raise fail(f"draft {relative!r} is too large: {len(data)} bytes, expected at most {MAX_DRAFT_BYTES}")
        return parse_message(data, display, fail, eml=resolved.suffix.lower() == ".eml")
    try:  # checked on the opened file, not the path: see source.read_regular
        data = read_regular(resolved, MAX_DRAFT_BYTES)
    except FileProblem as problem:
        if problem.missing:
            raise fail(f"draft {relative!r} does not exist (looked for {str(candidate)!r})") from None
        raise fail(f"draft {relative!r} {problem.reason}") from None
    return parse_message(data, display, fail, eml=resolved.suffix.lower() == ".eml")


def parse_message(data: bytes, display: str, fail, *, eml: bool) -> Message:
    """Turn the bytes of a draft into a Message; `fail(what)` builds the error to raise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"draft {display!r} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); expected a UTF-8 file"
        ) from None
    if "\x00" in text:
        raise fail(f"draft {display!r} holds NUL bytes; expected a text file")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not eml:
        return Message((Segment(blank_comments(text), display, 1, 1),), source=text)
    return _parse_eml(text, display)


def _parse_eml(text: str, display: str) -> Message:
    parsed = BytesParser(policy=policy.compat32).parsebytes(text.encode("utf-8"))
    match = re.search(r"\r?\n\r?\n", text)
    header_end = match.end() if match else len(text)
    body_line = text[:header_end].count("\n") + 1
    encoding = (parsed.get("Content-Transfer-Encoding") or "").strip().lower()
    if not parsed.is_multipart() and encoding in ("", "7bit", "8bit", "binary"):
        body = text[header_end:]
    else:
        part = None
        for candidate in parsed.walk():
            if candidate.get_content_type() == "text/plain" and not candidate.is_multipart():
                part = candidate
                break
        payload = part.get_payload(decode=True) if part is not None else b""
        charset = (part.get_content_charset() if part is not None else None) or "utf-8"
        try:
            body = (payload or b"").decode(charset, errors="replace")
        except LookupError:
            body = (payload or b"").decode("utf-8", errors="replace")
    segments = [Segment(blank_comments(body), display, body_line, 1)]
    subject = _header(parsed, "Subject")
    if subject:
        subject_line, subject_column = _header_position(text, "Subject")
        segments.insert(0, Segment(subject, display, subject_line, subject_column, kind="subject"))

    def addresses(name: str) -> tuple[str, ...]:
        values = parsed.get_all(name) or []
        return tuple(addr.lower() for _, addr in getaddresses([str(v) for v in values]) if "@" in addr)

    return Message(
        tuple(segments),
        to_addresses=addresses("To"),
        cc_addresses=addresses("Cc"),
        bcc_addresses=addresses("Bcc"),
        header_subject=subject,
        header_date=_header(parsed, "Date"),
        source=text,
    )


def _header(parsed, name: str) -> str | None:
    value = parsed.get(name)
    if value is None:
        return None
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(str(value)))).strip()
    except (ValueError, LookupError):
        return str(value).strip()


def _header_position(text: str, name: str) -> tuple[int, int]:
    match = re.search(rf"^{name}:[ \t]*", text, re.M | re.I)
    if not match:
        return 1, 1
    line = text[: match.start()].count("\n") + 1
    return line, match.end() - match.start() + 1


def inline_message(text: str, display: str, line: int, column: int, indent: int) -> Message:
    """A message written inline in the plan (`text:`), positioned inside the plan file."""
    return Message((Segment(blank_comments(text), display, line, column, indent=indent),))


def subject_segment(subject: str, display: str, line: int, column: int) -> Segment:
    return Segment(subject, display, line, column, kind="subject")
