"""Whole results kept by content, as ruff's cache keeps them: an unchanged `check` costs a read.

A `check` is a pure function of what it reads: the plan files, their drafts, the configuration
(and the absence of a nearer one), the rule files and phrase lists, the options, the date and the
code. The key of a kept result is a digest over the options, the date, the machine's time zone, the
working folder, the plan files found and their bytes, every file of the --rules folders, the --config file, and the
code (the interpreter, and the size and modification time of every file of the package, its rules
and schemas). The result records
what else it read, each with the digest of its bytes or "absent": the drafts, and in every folder
from a plan up to the root both configuration names (`.etiquette-lint.yaml`, `pyproject.toml`).
A kept result is used only when every one of those is still as recorded; it holds the exact
output and exit status, so a kept result prints byte for byte what the run printed.

Only runs without input errors are kept. Results live in the private cache folder
(core/private_cache.py: 0700, verified by a keyed digest before use), at most `MAX_ENTRIES` files
of at most `MAX_ENTRY_BYTES` each. `ETIQUETTE_LINT_NO_CACHE=1` turns this off.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys

from . import private_cache
from .digest import hexdigest

FORMAT = 2  # 2: entries and keys written by marshal (json's import cost more than the rest of a kept check)
PREFIX = "result-"
MAX_ENTRIES = 256
MAX_ENTRY_BYTES = 8 * 2**20
CONFIG_NAMES = (".etiquette-lint.yaml", "pyproject.toml")
_MAX_INPUT_BYTES = 4 * 2**20  # a dependency larger than this is not digested: the result is not kept

_code: str | None = None


def code_digest() -> str:
    """A digest of the program: the interpreter's version, and the name, size and modification
    time of every file of the package (code, generated validator), its built-in rules, phrase
    lists and schemas (what an install, an upgrade or an edit of a checkout changes; reading
    their ~90 files on every run would cost more than the rest of a kept check)."""
    global _code
    if _code is None:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        parts: list = [sys.version, sys.implementation.name, FORMAT]
        for folder, suffix in (
            (package, ".py"),
            (_data_dir(package, "rules"), ".yaml"),
            (_data_dir(package, "schemas"), ".json"),
        ):
            parts.append(folder)
            parts.extend(sorted(_stamps(folder, suffix)))
        _code = hexdigest(repr(parts).encode())
    return _code


def _data_dir(package: str, name: str) -> str:
    """What resources.py finds (inside an installed package, else beside it in a checkout), as a
    string: resources.py's pathlib costs ~5 ms of a kept check."""
    inside = os.path.join(package, name)
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(package), name)


def _stamps(folder: str, suffix: str):
    """(path, size, modification time, inode) of every file below `folder` ending in `suffix`."""
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__" and not entry.name.startswith("."):
                        pending.append(entry.path)
                elif entry.name.endswith(suffix):
                    info = entry.stat()
                    yield (entry.path, info.st_size, info.st_mtime_ns, info.st_ino)
            except OSError:
                continue


def _file_digest(path: str) -> str | None:
    """The digest of a regular file's bytes; None when it is absent (or not a file)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_INPUT_BYTES:
            return "unusable"  # a folder, a FIFO, a device, too large: never a match for a kept file
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            if sum(map(len, chunks)) > _MAX_INPUT_BYTES:
                return "unusable"
        return hexdigest(b"".join(chunks))
    except OSError:
        return "unusable"
    finally:
        os.close(fd)


def _rules_files(folders: tuple[str, ...]) -> list:
    out = []
    for folder in folders:
        from pathlib import Path  # only with --rules

        base = Path(folder)
        files = sorted(base.rglob("*")) if base.is_dir() else []
        out.append([folder, [[str(f.relative_to(base)), _file_digest(str(f))] for f in files if f.is_file()]])
    return out


def run_key(options: dict, files: list[str]) -> str | None:
    """The key of a `check` of `files` (already found) with `options` (plain values); None when
    the run cannot be kept (standard input, a plan that cannot be read)."""
    if "-" in files:
        return None
    plans = []
    for file in files:
        digest = _file_digest(file)
        if digest in (None, "unusable"):
            return None
        plans.append([file, digest])
    key = {
        "code": code_digest(),
        "zone": _zone(),
        "cwd": os.getcwd(),
        "options": options,
        "plans": plans,
        "rules": _rules_files(tuple(options.get("rules_dirs") or ())),
        "config": _file_digest(options["config"]) if options.get("config") else None,
    }
    return hexdigest(marshal.dumps(key, 2))  # version 2: no back-references, the same bytes for the same values


def _zone() -> list:
    """The machine's time zone: times without an offset are read in it (plan.py)."""
    import time

    return [
        os.environ.get("TZ"),
        list(time.tzname),
        time.timezone,
        time.altzone,
        os.path.realpath("/etc/localtime"),
        _file_digest("/etc/localtime"),
    ]


def config_candidates(plan: str) -> list[str]:
    """Every configuration file that could apply to `plan`: both names, in every folder above it."""
    from pathlib import Path  # after a run (to keep its result): the lint imported it already

    try:
        folder = Path(plan).parent.resolve()
    except (OSError, RuntimeError):
        return []
    return [str(parent / name) for parent in (folder, *folder.parents) for name in CONFIG_NAMES]


def dependencies(files: list[str], sources: dict[str, str]) -> list | None:
    """What a run of `files` read besides the key's inputs: the drafts (`sources`: path -> the text
    the run linted) and the configuration candidates. None when a file changed while it ran."""
    deps: dict[str, str | None] = {}
    plan_set = set(files)
    for path, text in sources.items():
        if path in plan_set:
            if not _same_text(path, text):
                return None  # the plan changed while it was linted
            continue
        digest = _file_digest(path)
        if digest in (None, "unusable") or not _same_text(path, text):
            return None
        deps[path] = digest
    for file in files:
        for candidate in config_candidates(file):
            if candidate not in deps:
                deps[candidate] = _file_digest(candidate)
    return sorted(deps.items())


def _same_text(path: str, text: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_INPUT_BYTES + 1)
        return data.decode("utf-8").removeprefix("\ufeff") == text
    except (OSError, UnicodeDecodeError):
        return False


def lookup(key: str) -> dict | None:
    """The kept result for `key` when every file it read is as it was; else None."""
    folder = private_cache.open_folder()
    payload = folder.read(PREFIX + key, MAX_ENTRY_BYTES) if folder else None
    if payload is None:
        return None
    try:
        entry = marshal.loads(payload)  # our own output: the digest held
        deps = entry["deps"]
        for path, digest in deps:
            if _file_digest(path) != digest:
                return None
        if not isinstance(entry["stdout"], str) or not isinstance(entry["stderr"], str):
            return None
        if not isinstance(entry["status"], int):
            return None
    except (ValueError, KeyError, TypeError, EOFError):
        return None
    return entry


def store(key: str, deps: list, stdout: str, stderr: str, status: int) -> None:
    folder = private_cache.open_folder()
    if folder is None:
        return
    payload = marshal.dumps({"deps": deps, "stdout": stdout, "stderr": stderr, "status": status})
    if len(payload) > MAX_ENTRY_BYTES:
        return
    if folder.write(PREFIX + key, payload):
        folder.prune(PREFIX, MAX_ENTRIES)
