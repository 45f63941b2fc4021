"""Large and dense plans: how time and memory grow with the number of actions.

    python benchmarks/large_plans.py                 # a few sizes, printed as a table
    python benchmarks/large_plans.py --write DIR N C # only write a plan of N actions over C companies
    python benchmarks/large_plans.py --before /tmp/old --repeat 3   # paired runs against another tree

Each plan has C companies, each with one interview and 5 interviewers, and N actions spread over
the companies, one every day (a dense but valid plan), every other one with a draft (drafts
differ, with some shared sentences so near-copy candidates exist). Each size runs `check` in a
fresh process and reports wall time, peak memory (max RSS) and the number of findings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SENTENCES = [
    "I enjoyed our conversation about the roadmap for the analytics platform.",
    "Thank you for explaining how the team handles on-call rotations.",
    "The story about migrating the billing system stayed with me.",
    "I would be glad to share more about my work on data quality checks.",
    "Please let me know if there is anything else you need from me.",
    "Your point about hiring for curiosity over credentials resonated.",
]


def write_plan(folder: Path, actions: int, companies: int, dense: bool = False) -> Path:
    """`dense`: every action on the same day and every draft the same text (the worst case for
    pairs of contacts and of drafts)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drafts").mkdir(exist_ok=True)
    start = date(2026, 1, 5)
    lines = ["version: 1", "candidate: {name: Sam Ortiz}", "interviews:"]
    for c in range(companies):
        lines += [
            f"  - id: round-{c}",
            f"    company: Company {c}",
            f"    date: {start.isoformat()}",
            "    timing: {asked: true}",
            "    interviewers:",
        ]
        for p in range(5):
            lines.append(
                f"      - {{id: p{c}-{p}, name: Person {c} {p}, email: p{c}.{p}@c{c}.example, "
                f"hiring_manager: {str(p == 0).lower()}, topics: [topic {p}]}}"
            )
    lines.append("actions:")
    for n in range(actions):
        c = n % companies
        p = (n // companies) % 5
        day = start + timedelta(days=1 if dense else 1 + n // companies)
        kind = "thank_you" if n < companies * 5 else "follow_up"
        if n % 2 == 0:
            draft = folder / "drafts" / f"a{n}.md"
            body = " ".join(SENTENCES[(0 if dense else n + k) % len(SENTENCES)] for k in range(3))
            item = "" if dense else f" Item {n}."
            draft.write_text(f"Dear Person {c} {p},\n\n{body}{item}\n\nSam\n", encoding="utf-8")
            lines.append(
                f"  - {{id: a{n}, kind: {kind}, channel: email, to: p{c}-{p}, date: {day}, draft: drafts/a{n}.md}}"
            )
        else:
            lines.append(f"  - {{id: a{n}, kind: {kind}, channel: call, to: p{c}-{p}, date: {day}}}")
    plan = folder / "big.plan.yaml"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan


def measure(plan: Path, code: str | None = None) -> tuple[float, int, int, int]:
    """Wall seconds, peak RSS (KiB, of this process alone: os.wait4), exit status, findings.
    `code`: a source tree to run instead of the installed package (for before/after pairs)."""
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "etiquette_lint", "check", str(plan), "--today", "2026-12-31", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    try:
        findings = len(json.loads(out)["findings"])
    except (ValueError, KeyError):
        findings = -1
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", nargs=3, metavar=("DIR", "ACTIONS", "COMPANIES"))
    parser.add_argument("--sizes", default="100x10,300x30,1000x10,1000x100,100x1d,1000x10d")
    parser.add_argument("--before", metavar="DIR", help="also run this source tree, alternating, and print ratios")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.write:
        print(write_plan(Path(args.write[0]), int(args.write[1]), int(args.write[2])))
        return
    print(f"{'size':>9} {'code':>6} {'seconds':>8} {'max RSS MB':>10} {'exit':>4} {'findings':>8}")
    for size in args.sizes.split(","):
        dense = size.endswith("d")
        actions, companies = map(int, size.rstrip("d").split("x"))
        with tempfile.TemporaryDirectory() as tmp:
            plan = write_plan(Path(tmp), actions, companies, dense)
            runs: dict[str, list] = {"after": [], "before": []}
            for _ in range(args.repeat):  # paired and alternating: the machine is shared and noisy
                runs["after"].append(measure(plan))
                if args.before:
                    runs["before"].append(measure(plan, args.before))
        for name, results in runs.items():
            if not results:
                continue
            seconds = statistics.median(r[0] for r in results)
            rss = max(r[1] for r in results) / 1024
            print(f"{size:>9} {name:>6} {seconds:>8.2f} {rss:>10.0f} {results[0][2]:>4} {results[0][3]:>8}")
        if args.before:
            ratio = statistics.median(r[0] for r in runs["before"]) / statistics.median(r[0] for r in runs["after"])
            print(f"{size:>9} {'ratio':>6} {ratio:>8.1f}x faster after")


if __name__ == "__main__":
    main()
