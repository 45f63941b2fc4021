"""Values derived from files that rarely change (rule files, phrase lists, a plan whose drafts are
being edited), kept between runs so that a cold `check` does not derive them again.

Parsing the 26 built-in rule files and 15 phrase lists cost ~10 ms of every cold check, and
importing the YAML library to do it ~8 ms more. A parsed document is a pure function of its text
and of the code that parses it, so it is kept in the private cache folder (core/private_cache.py:
a keyed digest is checked before `marshal` sees a byte) under a digest of both:

- `inputs`: the values it is derived from (marshal-able: the text, options);
- `code`: the files of the code that derives it (their bytes are digested, so an edit of that
  code, in a checkout or by an upgrade of a library, is a new key: a stale value is never used).

Only values that were derived without error are kept (a file with a problem is parsed again, and
the problem reported as before, on every run). Each kind of value has its own file, named after
the interpreter (marshal's format is its own), holding at most `limit` values and MAX_FILE_BYTES;
the oldest go first. Anything unexpected (no cache folder, a value marshal cannot write, a file
that fails its digest) means the value is derived as if nothing had been kept.
`ETIQUETTE_LINT_NO_CACHE=1` turns it off, as every cache.
"""

from __future__ import annotations

import atexit
import marshal
import sys
from functools import lru_cache

from . import private_cache
from .digest import hexdigest

MAX_ENTRIES = 64  # values of one kind, unless the caller says otherwise
MAX_FILE_BYTES = 2**20  # all values of one kind: the file is read and checked on every cold start
MAX_VALUE_BYTES = 2**18  # a larger value is derived every time

_kept: dict[str, dict[str, bytes]] = {}  # kind -> digest -> marshalled value, as read or added this run
_unsaved: set[str] = set()
_code: dict[str, bytes | None] = {}


def file_name(kind: str) -> str:
    return f"kept-{kind}-{sys.implementation.name}-{sys.hexversion:08x}-{marshal.version}.marshal"


def value(kind: str, inputs: object, code: tuple[str | None, ...], derive, *, limit: int = MAX_ENTRIES):
    """`derive()`, or a copy of the value a run kept for the same inputs and code. An exception
    from `derive` propagates (and nothing is kept)."""
    key = _key(inputs, code)
    if key is None:
        return derive()
    values = _loaded(kind)
    blob = values.get(key)
    if blob is not None:
        try:
            return marshal.loads(blob)  # a fresh copy: callers may change what they get
        except (ValueError, EOFError, TypeError):
            del values[key]
    result = derive()
    try:
        blob = marshal.dumps(result)
    except ValueError:  # not plain data: nothing to keep
        return result
    if len(blob) > MAX_VALUE_BYTES:
        return result
    values[key] = blob
    total = sum(map(len, values.values()))
    while len(values) > limit or total > MAX_FILE_BYTES:
        total -= len(values.pop(next(iter(values))))
    if not _unsaved:
        atexit.register(save)
    _unsaved.add(kind)
    return result


@lru_cache(maxsize=8)
def module_file(name: str) -> str | None:
    """The file of an importable module, found without importing it (its version, for `code`)."""
    from importlib.machinery import PathFinder

    try:
        spec = PathFinder.find_spec(name)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _key(inputs: object, code: tuple[str | None, ...]) -> str | None:
    parts = []
    for file in code:
        if file is None:
            return None
        if file not in _code:
            try:
                with open(file, "rb") as handle:
                    _code[file] = handle.read()
            except OSError:
                _code[file] = None
        source = _code[file]
        if source is None:
            return None  # nothing to tell one version of the code from another
        parts.append(source)
    try:
        parts.append(marshal.dumps(inputs, 2))  # version 2: no back-references, the same bytes for the same values
    except ValueError:
        return None
    return hexdigest(b"".join(len(p).to_bytes(8, "big") + p for p in parts))


def _loaded(kind: str) -> dict[str, bytes]:
    if kind in _kept:
        return _kept[kind]
    values: dict[str, bytes] = {}
    folder = private_cache.open_folder()
    payload = folder.read(file_name(kind), MAX_FILE_BYTES) if folder else None
    if payload is not None:
        try:
            loaded = marshal.loads(payload)  # our own output: the digest held
        except (ValueError, EOFError, TypeError):
            loaded = None
        if isinstance(loaded, dict):
            values = loaded
    _kept[kind] = values
    return values


def save() -> None:
    """Write the values added this run (at exit)."""
    folder = private_cache.open_folder()
    for kind in sorted(_unsaved):
        if folder is not None:
            folder.write(file_name(kind), marshal.dumps(_kept[kind]))  # a full disk: derived next run
    _unsaved.clear()
