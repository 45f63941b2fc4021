"""A private folder for what etiquette-lint keeps between runs, which cannot be turned against the user.

What is kept (compiled patterns, whole results) is read back by later runs, so a file planted or
changed there must never crash a run, hang it, change a verdict or make it write elsewhere:

- the folder (`$XDG_CACHE_HOME/etiquette-lint`, else `~/.cache/etiquette-lint`) is opened without
  following a link and used only through that open descriptor; it must belong to the user running
  the program and be writable by nobody else (a folder of ours that others may only read is
  narrowed to 0700; anything else is refused, and the run keeps nothing);
- files are created 0600, exclusively, under a temporary name, then renamed into place (a
  planted link is replaced, never followed); they are opened without following links and
  without blocking, and used only when they are regular files of ours no one else can write,
  no larger than the caller's cap;
- every file carries a keyed digest (BLAKE2b in its keyed mode, a MAC) over its name and content,
  checked before a byte of it is used. The key is 32 random bytes in the folder (0600), so a valid digest means
  the file was written by etiquette-lint under this user: a damaged, truncated, swapped or
  hand-edited file fails the check and is ignored (and rebuilt by the caller).

Anything odd is treated as absent. `ETIQUETTE_LINT_NO_CACHE=1` turns every cache off.
"""

from __future__ import annotations

import contextlib
import os
import stat

from .digest import SIZE, digest, same_digest

KEY_NAME = "key"
KEY_BYTES = 32
DIGEST_BYTES = SIZE
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def location() -> str | None:
    """Where the folder is (None when caching is turned off or there is no home folder)."""
    if os.environ.get("ETIQUETTE_LINT_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")  # what Path.home() reads (without importing pathlib)
        if home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "etiquette-lint")


class Folder:
    """The open cache folder and its key."""

    def __init__(self, fd: int, key: bytes) -> None:
        self.fd = fd
        self.key = key

    def _digest(self, name: str, payload: bytes) -> bytes:
        return digest(name.encode("utf-8") + b"\0" + payload, key=self.key)

    def read(self, name: str, limit: int) -> bytes | None:
        """The content of `name` when it is a regular file of ours, at most `limit` bytes, whose
        digest holds; else None."""
        data = _read_private(self.fd, name, limit + DIGEST_BYTES)
        if data is None or len(data) < DIGEST_BYTES:
            return None
        mac, payload = data[:DIGEST_BYTES], data[DIGEST_BYTES:]
        if not same_digest(mac, self._digest(name, payload)):
            return None
        return payload

    def write(self, name: str, payload: bytes) -> bool:
        """Replace `name` atomically with `payload` (and its digest); False when it cannot be written."""
        return _write_private(self.fd, name, self._digest(name, payload) + payload)

    def names(self, prefix: str) -> list[str]:
        try:
            return [name for name in os.listdir(self.fd) if name.startswith(prefix)]
        except OSError:
            return []

    def prune(self, prefix: str, keep: int) -> None:
        """Keep the `keep` most recently written files whose names start with `prefix`."""
        names = self.names(prefix)
        if len(names) <= keep:
            return
        dated = []
        for name in names:
            with contextlib.suppress(OSError):
                dated.append((os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mtime_ns, name))
        dated.sort(reverse=True)
        for _, name in dated[keep:]:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fd)

    def remove(self, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=self.fd)


_opened: dict[str, Folder | None] = {}


def open_folder() -> Folder | None:
    """The cache folder, opened and checked once per process (None: keep nothing this run)."""
    path = location()
    if path is None:
        return None
    key = str(path)
    if key not in _opened:
        _opened[key] = _open(path)
    return _opened[key]


def _open(path: str | os.PathLike) -> Folder | None:
    if not hasattr(os, "geteuid") or os.open not in os.supports_dir_fd:
        return None  # not a POSIX system: keep nothing
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid() or info.st_mode & 0o022:
            raise OSError("not a private folder of this user")
        if info.st_mode & 0o077:  # ours and written by no one else: make it private
            os.fchmod(fd, 0o700)
        key = _key(fd)
        if key is None:
            raise OSError("no key")
    except OSError:
        os.close(fd)
        return None
    return Folder(fd, key)


def _key(fd: int) -> bytes | None:
    for _ in range(3):
        key = _read_private(fd, KEY_NAME, KEY_BYTES)
        if key is not None and len(key) == KEY_BYTES:
            return key
        if key is not None or _exists(fd, KEY_NAME):  # the wrong size, or not a file of ours: replace it
            with contextlib.suppress(OSError):
                os.unlink(KEY_NAME, dir_fd=fd)
        try:
            handle = os.open(KEY_NAME, _CREATE_FLAGS, 0o600, dir_fd=fd)
        except FileExistsError:  # another run made it first: read theirs
            continue
        except OSError:
            return None
        key = os.urandom(KEY_BYTES)
        try:
            os.write(handle, key)
        finally:
            os.close(handle)
        return key
    return None


def _exists(fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return False
    return True


def _read_private(fd: int, name: str, limit: int) -> bytes | None:
    try:
        handle = os.open(name, _OPEN_FLAGS, dir_fd=fd)
    except OSError:  # absent, a link (ELOOP), a device we may not open
        return None
    try:
        info = os.fstat(handle)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.geteuid()
            or info.st_mode & 0o022
            or info.st_size > limit
        ):
            return None
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(handle, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(handle)


def _write_private(fd: int, name: str, data: bytes) -> bool:
    temporary = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        handle = os.open(temporary, _CREATE_FLAGS, 0o600, dir_fd=fd)
    except OSError:
        return False
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)  # a link at `name` is replaced, not followed
        return True
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=fd)
        return False
