"""Which plan files a `check` of some paths reads."""

from __future__ import annotations

from pathlib import Path

PLAN_SUFFIXES = (".plan.yaml", ".plan.yml", ".plan.json")


def discover(paths: list[str]) -> list[str]:
    """Plan files named, or found below the folders named (recursively, in a stable order)."""
    found: list[str] = []
    for path in paths:
        if path == "-":
            found.append(path)
            continue
        p = Path(path)
        if p.is_dir():
            matches = sorted(
                str(f)
                for f in p.rglob("*")
                if f.is_file()
                and f.name.endswith(PLAN_SUFFIXES)
                and not any(part.startswith(".") and part not in (".", "..") for part in f.relative_to(p).parts)
            )
            found.extend(matches)
        else:
            found.append(path)
    return list(dict.fromkeys(found))
