"""Read YAML or JSON safely into plain values, keeping the source position of every node.

Only the YAML core types are accepted (no object tags); alias expansion and size are bounded,
so a hostile file cannot exhaust memory. Timestamps stay strings: the plan model parses dates
itself, so a YAML plan and a JSON plan mean the same thing.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from functools import lru_cache

from .core import kept
from .errors import InputError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_KEPT_BYTES = 256 * 1024  # a document parsed before is not parsed again, up to this size (core/kept.py)
MAX_NODES = 200_000
# Text after alias expansion: a plan without aliases has at most its own size in scalars, so this
# only stops aliases that repeat one big string thousands of times (a "string-alias bomb").
MAX_EXPANDED_BYTES = 2 * MAX_FILE_BYTES

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True)
class Span:
    """1-based line and column of where a node starts and ends."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Document:
    """A parsed file: its data, and the span of every JSON pointer in it."""

    path: str
    text: str
    data: object
    spans: dict[str, Span]

    def span(self, pointer: str) -> Span:
        """The span of `pointer`, or of its nearest ancestor that exists."""
        while pointer not in self.spans and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.spans.get(pointer, Span(1, 1, 1, 1))

    def comments(self) -> dict[int, str]:
        """Trailing and whole-line YAML comments by 1-based line (for suppressions and fixtures)."""
        found: dict[int, str] = {}
        for number, line in enumerate(self.text.splitlines(), start=1):
            index = _comment_start(line)
            if index is not None:
                found[number] = line[index + 1 :].strip()
        return found


def _comment_start(line: str) -> int | None:
    """Where a YAML comment starts on a line (outside quotes), or None."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'" and (index == 0 or line[index - 1] in " \t:[{,-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


class FileProblem(Exception):
    """Why a file cannot be read as one (`reason` completes "<file> ..."); `missing` when absent."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def read_regular(path: str | os.PathLike, limit: int, *, beneath: str | os.PathLike | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or FileProblem. The checks are made
    on the opened descriptor (fstat), not on the path, so a file swapped for a FIFO, a device or a
    bigger file between a check and the read cannot get past them; opening never blocks (a FIFO
    is refused, not waited on), and no more than `limit` + 1 bytes are ever read.

    `beneath`: a resolved folder that the resolved `path` was checked to lie in. The file is then
    opened one component at a time from that folder without following any link, so a folder or
    file swapped for a link (to a file outside) after the check is refused, not read."""
    try:
        fd = _open_beneath(path, beneath) if beneath is not None and _NOFOLLOW else os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileProblem("does not exist", missing=True) from None
    except IsADirectoryError:
        raise FileProblem("is a folder") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP and beneath is not None:
            raise FileProblem(
                "changed after it was checked: a symbolic link appeared on its path; expected a file in its folder"
            ) from None
        raise FileProblem(f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem("is a folder")
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise FileProblem(f"is {kind}, not a regular file")
        if info.st_size > limit:
            raise FileProblem(f"is too large: {info.st_size} bytes, expected at most {limit}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileProblem(f"is too large: more than {limit} bytes, expected at most {limit}")
        return b"".join(chunks)
    except OSError as exc:
        raise FileProblem(f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _open_beneath(path: str | os.PathLike, beneath: str | os.PathLike) -> int:
    """Open `path` (resolved, inside the resolved folder `beneath`) walking down from `beneath`
    with O_NOFOLLOW at every step: a link met on the way raises OSError(ELOOP)."""
    relative = os.path.relpath(path, beneath)
    if relative == os.curdir:
        return os.open(path, _OPEN_FLAGS)  # the folder itself: fstat says so
    parts = relative.split(os.sep)
    if os.pardir in parts:
        raise OSError(errno.ELOOP, "not inside its folder")
    fd = os.open(beneath, os.O_RDONLY | _DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for part in parts[:-1]:
            try:
                child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=fd)
            except NotADirectoryError:  # Linux says so for a link with O_DIRECTORY | O_NOFOLLOW
                if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
                    raise OSError(errno.ELOOP, "a link on the way") from None
                raise
            os.close(fd)
            fd = child
        return os.open(parts[-1], _OPEN_FLAGS | _NOFOLLOW, dir_fd=fd)
    finally:
        os.close(fd)


def read_stream(stream, limit: int, what: str) -> bytes:
    """Standard input, read up to `limit` bytes (an InputError beyond: `< /dev/zero` stops there)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{what} is too large: more than {limit} bytes, expected at most {limit}", path="-")
    return data


def read_file(path: str, *, limit: int, expected: str) -> bytes:
    """The bytes of a file the user named, refusing folders, FIFOs, devices and files over `limit`
    bytes; `expected` names what should be there ("a plan file"). Errors are InputErrors."""
    try:
        return read_regular(path, limit)
    except FileProblem as problem:
        if problem.missing:
            raise InputError("no such file", path=path) from None
        raise InputError(f"{problem.reason}; expected {expected}", path=path) from None


def escape_pointer(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def load_document(text: str, path: str, *, keep: str | None = None) -> Document:
    """Parse `text` (YAML or JSON) into a Document; raise InputError naming the place.

    `keep`: the kind of document (a plan) whose data and spans are kept between runs (core/kept.py),
    so that a text parsed before is not parsed again (nor the YAML library imported)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(
            f"file is too large: {len(text.encode('utf-8', 'surrogatepass'))} bytes, expected at most {MAX_FILE_BYTES}",
            path=path,
        )
    if keep is None or len(text) > MAX_KEPT_BYTES:
        return _parse(text, path)

    def derive() -> tuple:
        document = _parse(text, path)
        return document.data, {p: (s.line, s.column, s.end_line, s.end_column) for p, s in document.spans.items()}

    data, spans = kept.value(keep, text, _code(), derive, limit=16)  # a few plans being edited
    return Document(path, text, data, {pointer: Span(*span) for pointer, span in spans.items()})


def load_data(text: str, path: str, *, keep: str) -> object:
    """The data of load_document(text, path), kept between runs as `keep` (rule files: their spans
    are only needed to word an error, and load_document gives them then)."""
    if len(text) > MAX_KEPT_BYTES:
        return load_document(text, path).data
    return kept.value(keep, text, _code(), lambda: load_document(text, path).data, limit=256)


@lru_cache(maxsize=1)
def _code() -> tuple[str | None, ...]:
    """What parsed data depends on besides the text: this module and the YAML library's version."""
    return (__file__, kept.module_file("yaml"))


def _parse(text: str, path: str) -> Document:
    import yaml  # here: a run whose documents were all parsed before never imports it (~8 ms)

    try:
        # libyaml's parser when PyYAML was built with it (ten times faster); the same nodes and marks
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise InputError(
            f"invalid YAML: {problem}{context}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=path) from None
    spans: dict[str, Span] = {}
    if root is None:
        return Document(path, text, None, spans)
    budget = [MAX_NODES, MAX_EXPANDED_BYTES]
    data = _build(root, "", spans, budget, path)
    return Document(path, text, data, spans)


def _span(node) -> Span:
    return Span(
        node.start_mark.line + 1,
        node.start_mark.column + 1,
        node.end_mark.line + 1,
        node.end_mark.column + 1,
    )


def _node_error(node, message: str, path: str, pointer: str) -> InputError:
    span = _span(node)
    return InputError(message, path=path, line=span.line, column=span.column, pointer=pointer or "/")


def _build(node, pointer: str, spans: dict[str, Span], budget: list[int], path: str):
    budget[0] -= 1
    if budget[0] < 0:
        raise _node_error(
            node,
            f"the document expands to more than {MAX_NODES} nodes (YAML aliases?); expected a plan of ordinary size",
            path,
            pointer,
        )
    if node.tag not in _CORE_TAGS:
        raise _node_error(
            node,
            f"unsupported YAML tag {node.tag!r}; expected plain YAML values "
            "(strings, numbers, booleans, dates, lists, mappings)",
            path,
            pointer,
        )
    spans.setdefault(pointer, _span(node))
    if node.id == "scalar":
        budget[1] -= len(node.value)
        if budget[1] < 0:
            raise _node_error(
                node,
                f"the document expands to more than {MAX_EXPANDED_BYTES} characters of text (YAML aliases "
                "repeating a long string?); expected a plan of ordinary size",
                path,
                pointer,
            )
    if node.id == "mapping":
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise _node_error(key_node, "a mapping key must be a plain string", path, pointer)
            key = str(_scalar(key_node))
            if key in out:
                raise _node_error(key_node, f"duplicate key {key!r}", path, pointer)
            child = f"{pointer}/{escape_pointer(key)}"
            out[key] = _build(value_node, child, spans, budget, path)
        return out
    if node.id == "sequence":
        return [_build(item, f"{pointer}/{index}", spans, budget, path) for index, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node):
    tag = node.tag
    value = node.value
    if tag == "tag:yaml.org,2002:str" or tag == "tag:yaml.org,2002:timestamp":
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:int":
        try:
            return _constructor().construct_yaml_int(node)
        except Exception:
            return value
    if tag == "tag:yaml.org,2002:float":
        try:
            return _constructor().construct_yaml_float(node)
        except Exception:
            return value
    return value


@lru_cache(maxsize=1)
def _constructor():
    """PyYAML's SafeLoader, for its int and float constructors only (no stream)."""
    import yaml

    class Constructor(yaml.SafeLoader):
        def __init__(self) -> None:
            pass

    return Constructor()
