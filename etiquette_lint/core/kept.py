"""Tables built from data that rarely changes (the rule files, the phrase lists), kept between runs.

A cold `check` rebuilt the same tables on every run: the phrase dispatch table alone (the keys
each pattern can start with, read from its parse tree) took ~100 ms, more than the text analysis
of a typical plan. Such a table is a pure function of its inputs and of the code that builds it,
so it is kept in the private cache folder (core/private_cache.py: a keyed digest checked before
`marshal` sees a byte) under a digest of both:

- `inputs`: every value the table is built from (marshal-able: strings, numbers, tuples, ...);
- `code`: the files of the functions that build it (their bytes are digested, so an edit of the
  builder, in a checkout or an upgrade, is a new key: a stale table is never used).

The file is named after the interpreter (marshal's format and `re`'s parser are its own) and holds
at most MAX_ENTRIES tables, MAX_FILE_BYTES in all. Anything unexpected (no cache folder, a value
marshal cannot write, a file that fails its digest) means the table is built as if nothing had
been kept. `ETIQUETTE_LINT_NO_CACHE=1` turns it off, as every cache.
"""

from __future__ import annotations

import atexit
import marshal
import sys

from . import private_cache
from .digest import hexdigest

MAX_ENTRIES = 16  # tables per kind: one per distinct set of rule folders seen recently
MAX_FILE_BYTES = 32 * 2**20

_tables: dict[str, dict[str, object]] = {}  # kind -> digest -> table, as loaded or built this run
_unsaved: set[str] = set()
_code_digests: dict[str, bytes | None] = {}


def file_name(kind: str) -> str:
    return f"kept-{kind}-{sys.implementation.name}-{sys.hexversion:08x}-{marshal.version}.marshal"


def table(kind: str, inputs: object, code: tuple[str, ...], build):
    """`build()`, or the table a run kept for the same inputs and builder code."""
    key = _key(inputs, code)
    if key is None:
        return build()
    tables = _loaded(kind)
    if key in tables:
        return tables[key]
    value = build()
    try:
        marshal.dumps(value)
    except ValueError:  # not plain data: nothing to keep
        return value
    tables[key] = value
    while len(tables) > MAX_ENTRIES:
        del tables[next(iter(tables))]
    if not _unsaved:
        atexit.register(_save)
    _unsaved.add(kind)
    return value


def _key(inputs: object, code: tuple[str, ...]) -> str | None:
    parts = []
    for file in code:
        if file not in _code_digests:
            try:
                with open(file, "rb") as handle:
                    _code_digests[file] = handle.read()
            except OSError:
                _code_digests[file] = None
        source = _code_digests[file]
        if source is None:
            return None  # no source to tell one version of the builder from another
        parts.append(source)
    try:
        parts.append(marshal.dumps(inputs))
    except ValueError:
        return None
    return hexdigest(b"\0".join(len(p).to_bytes(8, "big") + p for p in parts))


def _loaded(kind: str) -> dict[str, object]:
    if kind in _tables:
        return _tables[kind]
    tables: dict[str, object] = {}
    folder = private_cache.open_folder()
    payload = folder.read(file_name(kind), MAX_FILE_BYTES) if folder else None
    if payload is not None:
        try:
            loaded = marshal.loads(payload)  # our own output: the digest held
        except (ValueError, EOFError, TypeError):
            loaded = None
        if isinstance(loaded, dict):
            tables = loaded
    _tables[kind] = tables
    return tables


def _save() -> None:
    folder = private_cache.open_folder()
    for kind in sorted(_unsaved):
        payload = marshal.dumps(_tables[kind])
        if folder is not None and len(payload) <= MAX_FILE_BYTES:
            folder.write(file_name(kind), payload)  # a read-only or full disk: the next run builds again
    _unsaved.clear()
