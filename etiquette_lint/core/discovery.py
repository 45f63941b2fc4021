"""Which plan files a `check` of some paths reads."""

from __future__ import annotations

import os

PLAN_SUFFIXES = (".plan.yaml", ".plan.yml", ".plan.json")


def discover(paths: list[str]) -> list[str]:
    """Plan files named, or found below the folders named (recursively, in a stable order)."""
    found: list[str] = []
    for path in paths:
        if path == "-":
            found.append(path)
            continue
        if os.path.isdir(path):
            found.extend(_plans_below(path))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _plans_below(folder: str) -> list[str]:
    """The plan files below `folder`, none in a hidden folder or hidden itself, named as
    `pathlib.Path(folder).rglob("*")` names them (symbolic links to folders not followed), sorted.
    Walked with os.scandir: importing pathlib costs ~5 ms of a check whose result was kept."""
    if not _as_pathlib_prints(folder):
        return _plans_below_by_pathlib(folder)
    prefix = "" if folder == "." else folder.rstrip("/") + "/" if folder != "/" else "/"
    out: list[str] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            entries = list(os.scandir(prefix + relative if prefix + relative else "."))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden: neither it nor anything below it is a plan to check
            try:
                if entry.is_dir() and not entry.is_symlink():
                    pending.append(relative + entry.name + "/")
                elif entry.name.endswith(PLAN_SUFFIXES) and entry.is_file():
                    out.append(prefix + relative + entry.name)
            except OSError:
                continue
    return sorted(out)


def _as_pathlib_prints(folder: str) -> bool:
    """Whether str(Path(folder)) is `folder` itself (no doubled or trailing slash, no "." part),
    so that names made by joining with "/" are the ones pathlib makes."""
    if folder in (".", "/"):
        return True
    parts = folder.split("/")
    return (
        bool(folder)
        and not folder.endswith("/")
        and "" not in parts[1:]
        and "." not in parts
        and not folder.startswith("//")
    )


def _plans_below_by_pathlib(folder: str) -> list[str]:
    from pathlib import Path

    top = Path(folder)
    return sorted(
        str(f)
        for f in top.rglob("*")
        if f.is_file()
        and f.name.endswith(PLAN_SUFFIXES)
        and not any(part.startswith(".") and part not in (".", "..") for part in f.relative_to(top).parts)
    )
