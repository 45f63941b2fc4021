"""Compiled regular expressions kept between runs.

CPython compiles a regular expression in Python (re._parser, re._compiler) at about a microsecond
a character. The phrase lists, with their `(?&name)` calls expanded, come to some 50,000
characters of scanners and patterns: a cold lint spent a fifth of its time compiling them. The
compiled program (a list of integers) is the same every time, so it is kept in the user's cache
and handed to `_sre.compile`, which builds the very Pattern `re.compile` would (they compare
equal) without compiling anything.

The file is named after the interpreter (its implementation, exact version and regex engine),
so a program is only ever used by the interpreter that built it. It lives in the private cache
folder (see core/private_cache.py) and carries a keyed digest over its name (the interpreter) and
content (every pattern source with its program), checked before `marshal` or `_sre.compile` sees
a byte of it: `_sre.compile` trusts its program (a changed number can crash the interpreter or
silently change what a pattern matches), so only a program this user's own runs wrote is ever
handed to it. Anything unexpected (another Python implementation, no cache folder, a file that
fails the check) falls back to `re.compile`, and the next save writes a good file.
"""

from __future__ import annotations

import atexit
import marshal
import re
import sys

from .core import private_cache

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # not CPython: nothing to keep
    _sre = None

MAX_PROGRAMS = 4096  # programs in the file at most
MAX_FILE_BYTES = 64 * 2**20  # a larger file is not read
# What a save writes at most: the programs this run used first, then the most recently added.
# Reading and checking the file is part of every cold start (3 MB, after programs of older phrase
# lists and custom rules had piled up, cost ~20 ms); a check with the built-in lists uses 0.85 MB.
MAX_SAVED_BYTES = 5 * 2**18  # 1.25 MiB
# Programs added in one process, in bytes (estimated): a long-lived process (the language server,
# the API over many plans) that compiles a pattern per plan stops keeping new ones there.
MAX_NEW_BYTES = 8 * 2**20

_programs: dict[tuple[str, int], tuple] | None = None  # (source, flags) -> the arguments of _sre.compile
_used: set[tuple[str, int]] = set()
_unsaved = False
_new_bytes = 0


def compile_pattern(source: str, flags: int = 0) -> re.Pattern:
    """re.compile(source, flags), from the kept program when there is one."""
    global _programs, _unsaved, _new_bytes
    flags = int(flags)
    if _sre is None:
        return re.compile(source, flags)
    if _programs is None:
        _programs = _load()
    key = (source, flags)
    program = _programs.get(key)
    if program is not None:
        _used.add(key)
        try:
            return _sre.compile(source, *program)
        except Exception:  # damaged: compile it again
            pass
    program = _program(source, flags)
    size = 2 * len(source) + 10 * len(program[1])  # the source and the list of ints (measured: ~10 bytes an int)
    if _new_bytes + size > MAX_NEW_BYTES:
        return _sre.compile(source, *program)  # compiled, not kept
    _new_bytes += size
    _used.add(key)
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


def file_name() -> str:
    """The programs' file in the cache folder: one per interpreter build."""
    return f"regex-{sys.implementation.name}-{sys.hexversion:08x}-{_sre.MAGIC}-{_sre.CODESIZE}.marshal"


def _load() -> dict:
    global _unsaved
    folder = private_cache.open_folder()
    payload = folder.read(file_name(), MAX_FILE_BYTES) if folder else None
    if payload is None:
        return {}
    if len(payload) > MAX_SAVED_BYTES and not _unsaved:  # written by an older version: trimmed at exit
        _unsaved = True
        atexit.register(_save)
    try:
        programs = marshal.loads(payload)  # our own output: the digest held
    except (ValueError, EOFError, TypeError):
        return {}
    return programs if isinstance(programs, dict) else {}


def _save() -> None:
    global _unsaved
    _unsaved = False
    folder = private_cache.open_folder()
    if folder is None or _programs is None:
        return
    recent_first = [key for key in reversed(_programs) if key not in _used]
    kept, total = {}, 0
    for key in [key for key in _programs if key in _used] + recent_first:
        size = len(key[0]) + len(marshal.dumps(_programs[key]))
        if total + size <= MAX_SAVED_BYTES and len(kept) < MAX_PROGRAMS:
            kept[key] = _programs[key]
            total += size
    folder.write(file_name(), marshal.dumps(kept))  # a read-only or full disk: the next run compiles again
