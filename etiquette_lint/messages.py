"""Message texts (drafts and inline texts), with a way back from a text offset to a file position.

A draft is read only from inside the plan's folder (symlinks resolved), must be UTF-8 and of
bounded size. `.eml` drafts are parsed with the standard library's `email` package; their
To/Cc/Bcc/Subject/Date headers are kept; the body is the first text/plain part that is not an
attachment (else the first text/html part, its text extracted), decoded from quoted-printable or
base64, with positions mapped back to the lines of the file. Markdown and HTML comments and
quoted text (lines opening with `>`, and everything from a reply header such as "On ... wrote:"
or Outlook's "-----Original Message-----" to the end) are blanked, same length, so that no text
rule ever sees them while offsets still point at the right place in the file.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .source import FileProblem, read_regular

MAX_DRAFT_BYTES = 1024 * 1024

_COMMENT = re.compile(r"<!--.*?-->", re.S)  # what blank_comments blanks
_NOT_NEWLINE = re.compile(r"[^\n]")
_NEWLINE = re.compile(r"\n")
_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*", re.M)
# A reply header opens the quoted message that runs to the end: Gmail's and Apple Mail's
# "On <date>, <name> wrote:" (often wrapped onto a second line), Outlook's separator line, or
# Outlook's header block ("From: ..." then "Sent: ..." within the next lines).
_REPLY_HEADER = re.compile(
    r"^[ \t]*(?:"
    r"On [^\n]{1,300}?(?:\n[^\n]{0,300}?)?\bwrote:[ \t]*$"
    r"|-{2,}[ \t]*Original Message[ \t]*-{2,}"
    r"|_{8,}[ \t]*\n[ \t]*\*?From:"
    r"|\*?From:\*?[ \t][^\n]{1,300}\n(?:[^\n]{0,300}\n){0,2}?[ \t]*\*?(?:Sent|Date):"
    r")",
    re.M | re.I,
)


@dataclass(frozen=True)
class Segment:
    """A piece of message text (a subject or a body) and where it starts in its file."""

    text: str
    path: str
    line: int  # 1-based line of text[0] in the file
    column: int  # 1-based column of text[0]
    indent: int = 0  # columns added before each following line (inline block scalars)
    kind: str = "body"  # body | subject
    # Where pieces of a decoded text lie in the file: (offset in text, line, column), sorted by
    # offset (a quoted-printable, base64 or HTML part); empty: the text is the file's own.
    anchors: tuple[tuple[int, int, int], ...] = field(default=(), compare=False, repr=False)
    opaque: bool = field(default=False, compare=False, repr=False)  # base64: no finer position

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the file of the character at `offset` in `text`."""
        start, line, column = 0, self.line, self.column
        if self.opaque:
            return line, column
        if self.anchors:
            index = bisect.bisect_right(self.anchors, (offset, 1 << 62, 0)) - 1
            if index >= 0:
                start, line, column = self.anchors[index]
        newlines = self._newlines  # found once: a finding's position is then a lookup, not a count
        first = bisect.bisect_left(newlines, start)
        last = bisect.bisect_left(newlines, offset)  # the line breaks in text[start:offset]
        if last == first:
            return line, column + offset - start
        return line + last - first, offset - newlines[last - 1] + self.indent

    @functools.cached_property
    def _newlines(self) -> list[int]:
        """Offsets of the text's line breaks."""
        return [m.start() for m in _NEWLINE.finditer(self.text)]


@dataclass(frozen=True)
class Message:
    """What a written action says: its subject and body segments and any e-mail headers."""

    segments: tuple[Segment, ...]
    to_addresses: tuple[str, ...] = ()
    cc_addresses: tuple[str, ...] = ()
    bcc_addresses: tuple[str, ...] = ()
    header_subject: str | None = None
    header_date: str | None = None
    source: str = field(default="", compare=False, repr=False)  # the text positions count in
    headers: str = field(default="", compare=False, repr=False)  # an e-mail's header lines, raw

    @property
    def body(self) -> Segment:
        return next(s for s in self.segments if s.kind == "body")

    @property
    def text(self) -> str:
        """All segments joined: subject first, for whole-message measures."""
        return "\n\n".join(s.text for s in self.segments)


def _spaces(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def blank_comments(text: str) -> str:
    """Replace HTML/Markdown comments by spaces, keeping newlines and offsets.

    What `_COMMENT.sub` would do, without its cost on an unclosed "<!--": the expression runs to
    the end of the text from every "<!--" that has no "-->" after it (the square of the text)."""
    pieces = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # no comment closes after this one: none after it does either
        end += 3
        pieces.append(text[position:start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def blank_quoted(text: str) -> str:
    """Replace quoted text by spaces, keeping newlines and offsets: lines opening with `>`, and
    everything from the first reply header to the end. What is left is the writer's own words."""
    header = _REPLY_HEADER.search(text)
    if header:
        text = text[: header.start()] + re.sub(r"[^\n]", " ", text[header.start() :])
    return _QUOTED_LINE.sub(_spaces, text)


def own_words(text: str) -> str:
    """A message body as the text rules see it: comments and quoted text blanked."""
    return blank_quoted(blank_comments(text))


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
        data = read_regular(resolved, MAX_DRAFT_BYTES, beneath=base)
    except FileProblem as problem:
        if problem.missing:
            raise fail(f"draft {relative!r} does not exist (looked for {str(candidate)!r})") from None
        raise fail(f"draft {relative!r} {problem.reason}") from None
    return parse_message(data, display, fail, eml=resolved.suffix.lower() == ".eml")


def parse_message(data: bytes, display: str, fail, *, eml: bool, body_lines: bool = False) -> Message:
    """Turn the bytes of a draft into a Message; `fail(what)` builds the error to raise.
    `body_lines`: an e-mail as a mail client hands it over (standard input): positions count from
    the first line of its (decoded) body, which becomes the Message's source, not from the
    header lines the client generated."""
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
        return Message((Segment(own_words(text), display, 1, 1),), source=text)
    return _parse_eml(text, display, body_lines)


def _parse_eml(text: str, display: str, body_lines: bool = False) -> Message:
    # imported here: the email package costs ~8 ms of a cold start that has no .eml draft
    from email.parser import BytesParser
    from email.utils import getaddresses

    parsed = BytesParser().parsebytes(text.encode("utf-8"))  # the compat32 policy
    match = re.search(r"\r?\n\r?\n", text)
    header_end = match.end() if match else len(text)
    body_line = text[:header_end].count("\n") + 1
    body, anchors, opaque = _body(parsed, text, header_end, body_line)
    source = text
    if body_lines:
        source, anchors, opaque, body_line = body, (), False, 1
    elif opaque:
        body_line = anchors[0][1]
    segments = [Segment(own_words(body), display, body_line, 1, anchors=anchors, opaque=opaque)]
    subject = _header(parsed, "Subject")
    if subject:
        subject_line, subject_column = (1, 1) if body_lines else _header_position(text, "Subject")
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
        source=source,
        headers=text[:header_end],
    )


def _body(parsed, text: str, header_end: int, body_line: int) -> tuple[str, tuple, bool]:
    """The text of the message's body part, where its pieces lie in `text` (anchors, empty when
    the body is the file's own text from the first body line), and whether it is base64 (whose
    text has no finer place in the file than the first line of the encoded part)."""
    leaves = [p for p in parsed.walk() if not p.is_multipart()]
    readable = [p for p in leaves if p.get_content_maintype() == "text" and (p is parsed or not _attachment(p))]
    part = next((p for p in readable if p.get_content_subtype() == "plain"), None)
    part = part or next((p for p in readable if p.get_content_subtype() == "html"), None)
    if part is None:
        return "", (), False
    raw = part.get_payload(decode=False)
    raw = raw if isinstance(raw, str) else ""
    if part is parsed:
        at = header_end
        raw = text[header_end:]
    else:  # a part of a multipart: its payload, after the part's own headers
        at = text.find(raw, header_end) if raw else -1
        at = at if at >= 0 else header_end
    line = text[:at].count("\n") + 1
    encoding = (part.get("Content-Transfer-Encoding") or "").strip().lower()
    charset = part.get_content_charset() or "utf-8"
    if encoding == "quoted-printable":
        body, anchors = _quoted_printable(raw, line, charset)
    elif encoding == "base64":
        body, anchors = _base64(raw, line, charset)
    else:  # 7bit, 8bit: the file's own text (read as UTF-8)
        body, anchors = raw, ((0, line, 1),)
    opaque = encoding == "base64"
    if opaque:
        anchors = ((0, line, 1),)
    if part.get_content_subtype() == "html":
        body, anchors = html_text(body, anchors)
    if anchors == ((0, body_line, 1),):
        return body, (), False
    return body, anchors, opaque


def _attachment(part) -> bool:
    """An attached file (a CV, notes): by disposition, or a named file inside a multipart."""
    disposition = (part.get("Content-Disposition") or "").strip().lower()
    return disposition.startswith("attachment") or bool(part.get_filename())


def _recode(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _quoted_printable(raw: str, line: int, charset: str) -> tuple[str, tuple]:
    """Decode quoted-printable `raw` (starting at file line `line`), each decoded piece anchored
    at the raw line it comes from (a soft line break continues the decoded line)."""
    import quopri

    out: list[str] = []
    anchors = []
    length = 0
    for number, raw_line in enumerate(raw.split("\n")):
        raw_line = raw_line.removesuffix("\r")
        soft = raw_line.endswith("=")
        chunk = raw_line[:-1] if soft else raw_line.rstrip(" \t")
        decoded = _recode(quopri.decodestring(chunk.encode("latin-1", "replace")), charset)
        anchors.append((length, line + number, 1))
        piece = decoded if soft else decoded + "\n"
        out.append(piece)
        length += len(piece)
    text = "".join(out)
    if not raw.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return text, tuple(anchors)


def _base64(raw: str, line: int, charset: str) -> tuple[str, tuple]:
    """Decode base64 `raw` (anchored as a whole at its first line, see Segment.opaque)."""
    import base64
    import binascii

    try:
        data = base64.b64decode("".join(raw.split()), validate=False)
    except (binascii.Error, ValueError):
        data = b""
    return _recode(data, charset).replace("\r\n", "\n"), ((0, line, 1),)


_HTML_SKIP = frozenset({"head", "script", "style", "title", "template"})
_HTML_BLOCK = frozenset(
    "address article aside blockquote div dl dd dt footer form h1 h2 h3 h4 h5 h6 header hr li main "
    "nav ol p pre section table tbody thead tfoot tr ul".split()
)


# One token of HTML: a comment's start, a tag (start, end, or <!...>/<?...>), or a character
# reference. Written for a single linear pass (the standard library's HTMLParser rescans the rest
# of the text at every unterminated tag: quadratic on hostile mail).
_HTML_TOKEN = re.compile(
    r"<!--|<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>|<[!?][^<>]*>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


class _HtmlText:
    """The text of an HTML body (what a reader sees), each piece anchored at its offset in the
    HTML. Scripts, styles and the head are dropped; so is the content of <blockquote> (quoted)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.length = 0
        self.pieces: list[tuple[int, int]] = []  # (offset in text, offset in html)
        self.skip = 0
        self.quote = 0

    def feed(self, markup: str) -> None:
        position = 0
        while position < len(markup):
            token = _HTML_TOKEN.search(markup, position)
            start = token.start() if token else len(markup)
            if start > position:
                self.data(markup[position:start], position)
            if token is None:
                break
            position = token.end()
            text = token.group(0)
            if text == "<!--":
                end = markup.find("-->", position)
                position = len(markup) if end < 0 else end + 3
            elif text.startswith("&"):
                from html import unescape

                self.emit(unescape(text), start)
            elif token.group(2):
                tag = token.group(2).lower()
                if token.group(1):
                    self.end(tag, start)
                else:
                    self.start(tag, start)
                    if token.group(4) and tag not in _HTML_BLOCK:
                        self.end(tag, start)

    def emit(self, text: str, at: int) -> None:
        if self.skip or self.quote or not text:
            return
        self.pieces.append((self.length, at))
        self.out.append(text)
        self.length += len(text)

    def paragraph(self, newlines: int, at: int) -> None:
        tail = "".join(self.out[-2:])[-newlines:] if self.out else "\n" * newlines
        missing = newlines - (len(tail) - len(tail.rstrip("\n")))
        if missing > 0:
            self.emit("\n" * missing, at)

    def start(self, tag: str, at: int) -> None:
        if tag in _HTML_SKIP:
            self.skip += 1
        elif tag == "br":
            self.emit("\n", at)
        elif tag in _HTML_BLOCK:
            self.paragraph(2 if tag in ("p", "blockquote", "table", "ul", "ol") else 1, at)
        if tag == "blockquote":
            self.quote += 1

    def end(self, tag: str, at: int) -> None:
        if tag in _HTML_SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        if tag in _HTML_BLOCK:
            self.paragraph(2 if tag in ("p", "blockquote", "table", "ul", "ol") else 1, at)

    def data(self, text: str, at: int) -> None:
        if not text.strip() and (not self.out or self.out[-1].endswith("\n")):
            return  # the layout of the markup between blocks, not text
        self.emit(text, at)


def html_text(markup: str, anchors: tuple = ()) -> tuple[str, tuple]:
    """The readable text of HTML `markup` and anchors into the file (through `anchors`, those of
    `markup` itself: where its pieces lie in the file)."""
    parser = _HtmlText()
    parser.feed(markup)
    text = "".join(parser.out)
    anchors = anchors or ((0, 1, 1),)
    out = []
    # One pass over the markup (pieces come in order): the file position of each piece's start.
    index, line, column, at = 0, anchors[0][1], anchors[0][2], 0
    for offset, html_offset in parser.pieces:
        while index + 1 < len(anchors) and anchors[index + 1][0] <= html_offset:
            index += 1
            at, line, column = anchors[index]
        newlines = markup.count("\n", at, html_offset)
        if newlines:
            line += newlines
            column = html_offset - markup.rfind("\n", at, html_offset)
        else:
            column += html_offset - at
        at = html_offset
        out.append((offset, line, column))
    return text, tuple(out)


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
    return Message((Segment(own_words(text), display, line, column, indent=indent),))


def subject_segment(subject: str, display: str, line: int, column: int) -> Segment:
    return Segment(subject, display, line, column, kind="subject")
