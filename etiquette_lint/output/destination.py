"""Where a report goes: standard output, or the file named by --output.

A regular file (or a name that does not exist yet) is replaced atomically: the report is written
to a temporary file beside it, which is renamed over it only once complete, so a failed write
leaves the old file as it was and no temporary file behind. Anything else (a device such as
/dev/null or /dev/stdout, a FIFO, a socket) is written to as a stream and never replaced: renaming
over /dev/null as root would swap the device for a regular file.

Failures (a full device, a closed pipe, no permission) raise OutputError, which the CLI reports in
one line with exit status 2: a report that could not be delivered must never look like a pass.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterable

from ..errors import EtiquetteLintError


class OutputError(EtiquetteLintError):
    """The report could not be written where it was asked to go."""


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EPIPE:
        return "the reader closed the pipe before the report was written (broken pipe)"
    return exc.strerror or str(exc)


def refuse_inputs(output: str, inputs: Iterable[str | os.PathLike]) -> None:
    """Raise OutputError when `output` is, or resolves through links to, one of `inputs` (the
    files the command reads). Compared by device and inode, so relative paths, `./`, symbolic
    links and hard links are all caught."""
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet (or unreachable): it cannot be a file we read
    if not stat.S_ISREG(target.st_mode):
        return  # a device or a pipe is streamed to, never replaced
    for path in inputs:
        if path in ("-", ""):
            continue
        try:
            source = os.stat(path)
        except OSError:
            continue
        if (source.st_dev, source.st_ino) == (target.st_dev, target.st_ino):
            same = "" if os.fspath(path) == output else f" ({os.fspath(path)})"
            raise OutputError(
                f"--output {output!r} is a file this command reads{same}; "
                "expected a new file or a report file, so nothing was written"
            )


def write_stdout(text: str) -> None:
    """Write the report to standard output; raise OutputError when it cannot be delivered."""
    data = text.encode("utf-8", "surrogateescape")
    stream = sys.stdout
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a replaced sys.stdout (tests, click's runner)
            stream.write(text)
        else:
            stream.flush()
            buffer.write(data)
            buffer.flush()
        stream.flush()
    except OSError as exc:
        _silence_stdout()
        raise OutputError(f"cannot write the report to standard output: {_reason(exc)}") from None


def _silence_stdout() -> None:
    """After a failed write, point standard output at /dev/null so the interpreter's final flush
    does not fail a second time (and print a traceback) on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def write_file(text: str, output: str) -> None:
    """Write the report to `output`: atomically when it is (or will be) a regular file, as a
    stream when it is a device, a FIFO or a socket."""
    data = text.encode("utf-8", "surrogateescape")
    try:
        existing = os.stat(output)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise OutputError(f"cannot write --output {output!r}: {_reason(exc)}") from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise OutputError(f"--output {output!r} is a folder; expected a file name")
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _stream(data, output)
    else:
        _replace(data, output, existing)


def _stream(data: bytes, output: str) -> None:
    try:
        fd = os.open(output, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(f"cannot write --output {output!r}: {_reason(exc)}") from None
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise OutputError(f"cannot write --output {output!r}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _replace(data: bytes, output: str, existing: os.stat_result | None) -> None:
    from pathlib import Path  # only for --output

    final = Path(output).resolve()  # through symbolic links: the link stays, its target is replaced
    if existing is not None:
        mode = stat.S_IMODE(existing.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    temp = None
    try:
        import tempfile  # only here: a cached `check` that prints to standard output never needs it

        fd, temp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
        os.replace(temp, final)
        temp = None
    except OSError as exc:
        raise OutputError(f"cannot write --output {output!r}: {_reason(exc)}") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
