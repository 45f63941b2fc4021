"""Compiled regular expressions kept between runs.

CPython compiles a regular expression in Python (re._parser, re._compiler) at about a microsecond
a character. The phrase lists, with their `(?&name)` calls expanded, come to some 50,000
characters of scanners and patterns: a cold lint spent a fifth of its time compiling them. The
compiled program (a list of integers) is the same every time, so it is kept in the user's cache
and handed to `_sre.compile`, which builds the very Pattern `re.compile` would (they compare
equal) without compiling anything.

The file is named after the interpreter (its implementation, exact version and regex engine),
so a program is only ever used by the interpreter that built it. Anything unexpected (another Python
implementation, no cache folder, a damaged file) falls back to `re.compile`.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import re
import sys
from pathlib import Path

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # not CPython: nothing to keep
    _sre = None

MAX_PROGRAMS = 4096  # beyond this, a save keeps only the programs its own run used

_programs: dict[tuple[str, int], tuple] | None = None  # (source, flags) -> the arguments of _sre.compile
_used: set[tuple[str, int]] = set()
_unsaved = False


def compile_pattern(source: str, flags: int = 0) -> re.Pattern:
    """re.compile(source, flags), from the kept program when there is one."""
    global _programs, _unsaved
    flags = int(flags)
    if _sre is None:
        return re.compile(source, flags)
    if _programs is None:
        _programs = _load()
    key = (source, flags)
    _used.add(key)
    program = _programs.get(key)
    if program is not None:
        try:
            return _sre.compile(source, *program)
        except Exception:  # damaged: compile it again
            pass
    program = _program(source, flags)
    _programs[key] = program
    if not _unsaved:
        _unsaved = True
        atexit.register(_save)
    return _sre.compile(source, *program)


def _program(source: str, flags: int) -> tuple:
    """What re._compiler.compile hands to _sre.compile, in plain values (marshal keeps them)."""
    parsed = _parser.parse(source, flags)
    code = list(map(int, _compiler._code(parsed, flags)))  # opcodes are int subclasses: marshal wants ints
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def cache_file() -> Path | None:
    """Where the programs are kept: one file per interpreter build, in the user's cache
    (None, and nothing kept, when ETIQUETTE_LINT_NO_CACHE is set)."""
    if os.environ.get("ETIQUETTE_LINT_NO_CACHE"):
        return None
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "etiquette-lint"
    except RuntimeError:  # no home folder
        return None
    return folder / f"regex-{sys.implementation.name}-{sys.hexversion:08x}-{_sre.MAGIC}-{_sre.CODESIZE}.marshal"


def _load() -> dict:
    file = cache_file()
    try:
        programs = marshal.loads(file.read_bytes()) if file else {}
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return programs if isinstance(programs, dict) else {}


def _save() -> None:
    global _unsaved
    file = cache_file()
    if file is None or _programs is None:
        return
    kept = _programs if len(_programs) <= MAX_PROGRAMS else {k: v for k, v in _programs.items() if k in _used}
    part = file.with_name(f"{file.name}.{os.getpid()}")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(marshal.dumps(kept))
        os.replace(part, file)  # atomic: a concurrent run reads the old file or the new one
    except OSError:  # a read-only or full disk: the next run compiles again
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
    _unsaved = False
