"""Two source trees of etiquette-lint side by side, and proselint: a paired before/after measure.

    python benchmarks/ab.py BEFORE_TREE AFTER_TREE [--example multi] [--runs 11] [--unchanged]

Each tree is a folder holding the `etiquette_lint` package (a checkout or `git archive` of a
commit); each run uses it through PYTHONPATH with its own cache folder. Every run makes a fresh
copy of the example with a new sentence in every draft (a first check of drafts never seen), then
times `check` with the first tree, with the second tree and `proselint check` on the same drafts,
alternating the order; `--unchanged` checks one unchanged copy again and again instead. Prints the
medians and the medians of the per-run ratios (after/before and each against proselint): on a
shared machine the ratios mean more than the times. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".md", ".txt", ".eml")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--example", default="multi")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--unchanged", action="store_true")
    args = parser.parse_args()
    trees = {"before": str(Path(args.before).resolve()), "after": str(Path(args.after).resolve())}
    with tempfile.TemporaryDirectory(prefix="etiquette-ab-") as tmp:
        tmp = Path(tmp)

        def env(name: str) -> dict:
            out = dict(os.environ)
            out.pop("PYTHONDONTWRITEBYTECODE", None)
            out.update(PYTHONPATH=trees[name], XDG_CACHE_HOME=str(tmp / f"cache-{name}"))
            return out

        def copy(number: int, renew: bool) -> Path:
            folder = tmp / f"copy-{number}"
            shutil.copytree(ROOT / "examples" / args.example, folder)
            for draft in folder.rglob("*"):
                if renew and draft.suffix in SUFFIXES:
                    text = draft.read_text(encoding="utf-8").rstrip("\n")
                    draft.write_text(text + f"\nI also noted the figure {number} you mentioned.\n", encoding="utf-8")
            return folder

        def timed(command: list[str], environment: dict) -> float:
            start = time.perf_counter()
            subprocess.run(command, env=environment, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return time.perf_counter() - start

        def ours(name: str, folder: Path) -> float:
            command = [sys.executable, "-m", "etiquette_lint", "check", str(folder), "--today", "2026-11-26"]
            return timed([*command, "--fail-on", "never"], env(name))

        def proselint(folder: Path) -> float:
            drafts = sorted(str(p) for p in folder.rglob("*") if p.suffix in SUFFIXES)
            return timed([str(Path(sys.executable).with_name("proselint")), "check", *drafts], dict(os.environ))

        warm = copy(0, renew=True)
        for name in trees:  # bytecode written, patterns and parsed rule files kept
            ours(name, warm)
            ours(name, warm)
        times: dict[str, list[float]] = {"before": [], "after": [], "proselint": []}
        for i in range(args.runs):
            a = b = warm if args.unchanged else None
            if a is None:
                a, b = copy(2 * i + 1, renew=True), copy(2 * i + 2, renew=True)
            steps = [("before", a), ("after", b), ("proselint", a)]
            for name, folder in steps if i % 2 == 0 else reversed(steps):
                times[name].append(proselint(folder) if name == "proselint" else ours(name, folder))
        ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
        ratio = {
            name: statistics.median(x / p for x, p in zip(times[name], times["proselint"], strict=True))
            for name in trees
        }
        change = statistics.median(b / a for a, b in zip(times["before"], times["after"], strict=True))
        print(
            f"examples/{args.example} {'unchanged' if args.unchanged else 'new drafts'}, {args.runs} runs: "
            f"before {ms['before']:.0f} ms ({ratio['before']:.2f}x proselint), "
            f"after {ms['after']:.0f} ms ({ratio['after']:.2f}x), proselint {ms['proselint']:.0f} ms; "
            f"after/before {change:.2f}; load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
