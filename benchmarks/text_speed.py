"""Speed of text analysis: new-content plans a second, where the time goes, hostile drafts at 1 MiB.

    python benchmarks/text_speed.py                   # new-content figures and stage costs
    python benchmarks/text_speed.py --worst           # also every hostile shape at 1 MiB
    python benchmarks/text_speed.py --worst --size 100000 --timeout 30

"New content": the typical plan (benchmarks/typical_plan.py) linted through the Python API with
drafts that differ on every lint (sentences in another order, a number never seen before), as an
editor or a batch of new plans sees them, so no analysis cache can answer. Figures: whole lints a
second (`lint_text`, drafts handed over as unsaved buffers: no disk in the loop), text analysis
alone (`build_facts`) a second, and the share of each stage (cProfile, so its own overhead is in
the absolute times; the shares are what to read). `--worst`: each shape
of benchmarks/hostile.py at `--size` characters (default 1,000,000: the largest round size under
the 1 MiB draft limit), in a fresh process per shape, killed at `--timeout` seconds; the time is
that of `build_facts` on the plan holding the draft and of the whole lint.
Figures vary with the machine's load: compare runs made side by side.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from typical_plan import PEOPLE, _draft, write_typical_plan  # noqa: E402

TODAY = date(2027, 3, 30)


def new_content(folder: Path, round_: int) -> dict[str, str]:
    """The typical plan's drafts, made new: sentences in another order and a number not seen before."""
    drafts = {}
    for i, (pid, name, _title, _hm, topics) in enumerate(PEOPLE):
        text = _draft(name, topics, i * 3 + round_)
        note = f" My notes from the day run to {round_ * 7 + i} lines."
        text = text.replace("\n\nBest regards", note + "\n\nBest regards")
        drafts[str((folder / "drafts" / f"{pid}.md").resolve())] = text
    follow = (folder / "drafts" / "follow-up.md").resolve()
    drafts[str(follow)] = follow.read_text(encoding="utf-8").replace("end of March", f"end of March ({round_})")
    return drafts


def lints_per_second(plan: Path, seconds: float) -> tuple[float, int]:
    from etiquette_lint import lint_text

    text = plan.read_text(encoding="utf-8")
    lint_text(text, base_dir=plan.parent, path=str(plan), today=TODAY)  # rules loaded, patterns compiled
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        count += 1
        report = lint_text(
            text, base_dir=plan.parent, path=str(plan), today=TODAY, unsaved=new_content(plan.parent, count)
        )
    return count / (time.perf_counter() - start), len(report.findings)


def _loaded_plans(plan: Path, count: int, first: int) -> list:
    from etiquette_lint.plan import load_plan

    text = plan.read_text(encoding="utf-8")
    return [
        load_plan(str(plan), today=TODAY, text=text, base_dir=plan.parent, unsaved=new_content(plan.parent, first + i))
        for i in range(count)
    ]


def analysis_per_second(plan: Path, seconds: float) -> float:
    """build_facts alone (the text analysis and the plan's other facts) on new-content plans."""
    from etiquette_lint.facts import build_facts
    from etiquette_lint.rules import load_rules

    phrases = load_rules().phrases
    times = []
    first = 100_000
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        plans = _loaded_plans(plan, 20, first)
        first += 20
        start = time.perf_counter()
        for p in plans:
            build_facts(p, phrases)
        times.append((time.perf_counter() - start) / len(plans))
    return 1 / statistics.median(times)


def stage_costs(plan: Path, count: int = 60) -> list[tuple[str, float, float]]:
    """(function, ms per plan, share of build_facts) for the text functions, by cumulative time."""
    from etiquette_lint.facts import build_facts
    from etiquette_lint.rules import load_rules

    phrases = load_rules().phrases
    plans = _loaded_plans(plan, count, 200_000)
    profile = cProfile.Profile()
    profile.enable()
    for p in plans:
        build_facts(p, phrases)
    profile.disable()
    stats = pstats.Stats(profile).stats
    total = next(ct for (file, _, name), (_, _, _, ct, _) in stats.items() if name == "build_facts")
    rows = []
    for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items():
        if "etiquette_lint" in file and Path(file).name in ("text.py", "facts.py", "messages.py", "cache.py"):
            if name in ("build_facts", "wrapper", "<genexpr>", "<listcomp>", "<lambda>", "<setcomp>", "<dictcomp>"):
                continue
            rows.append((f"{Path(file).stem}.{name}", ct / count * 1000, ct / total))
    rows.sort(key=lambda r: -r[1])
    return [("build_facts (all)", total / count * 1000, 1.0)] + rows


_WORST = """
import sys, time, json, tempfile
from pathlib import Path
sys.path.insert(0, {here!r})
import hostile
from etiquette_lint import lint_text
from etiquette_lint.facts import build_facts
from etiquette_lint.plan import load_plan
from etiquette_lint.rules import load_rules
from datetime import date
folder = Path(tempfile.mkdtemp())
(folder / "draft.md").write_text(hostile.SHAPES[{shape!r}]({size}), encoding="utf-8", newline="")
text = hostile.plan_yaml("draft.md")
today = date(2027, 3, 15)
phrases = load_rules().phrases
plan = load_plan(str(folder / "h.plan.yaml"), today=today, text=text, base_dir=folder)
build_facts(load_plan(str(folder / "h.plan.yaml"), today=today, text=text.replace("draft: draft.md", "text: Hi"),
            base_dir=folder), phrases)
start = time.perf_counter()
facts = build_facts(plan, phrases)
analysis = time.perf_counter() - start
start = time.perf_counter()
report = lint_text(text, base_dir=folder, path=str(folder / "h.plan.yaml"), today=today)
lint = time.perf_counter() - start
print(json.dumps(dict(analysis=analysis, lint=lint, facts=len(facts), findings=len(report.findings))))
"""


def worst_case(size: int, timeout: float) -> None:
    import hostile

    env = {**os.environ, "ETIQUETTE_LINT_NO_CACHE": "1"}
    print(f"\nhostile drafts of {size:,} characters (a fresh process each, killed after {timeout:.0f} s):")
    print(f"  {'shape':<52}{'analysis':>10}{'whole lint':>12}{'facts':>8}{'findings':>10}")
    for shape in sorted(hostile.SHAPES):
        code = _WORST.format(here=str(HERE), shape=shape, size=size)
        try:
            done = subprocess.run(
                # not from the checkout's folder: `-c` puts the current folder first on the path,
                # and PYTHONPATH (another tree, for a before/after comparison) must win
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
                cwd=tempfile.gettempdir(),
            )
        except subprocess.TimeoutExpired:
            print(f"  {shape:<52}{'> ' + format(timeout, '.0f') + ' s':>10}")
            continue
        if done.returncode != 0:
            print(f"  {shape:<52} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {shape:<52}{r['analysis']:>9.2f}s{r['lint']:>11.2f}s{r['facts']:>8}{r['findings']:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="how long each rate is measured")
    parser.add_argument("--worst", action="store_true", help="also time every hostile shape")
    parser.add_argument("--only-worst", action="store_true", help="only the hostile shapes")
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="characters of each hostile draft (1 MB: under the 1 MiB limit)"
    )
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    if not args.only_worst:
        with tempfile.TemporaryDirectory() as tmp:
            plan = write_typical_plan(Path(tmp))
            rate, findings = lints_per_second(plan, args.seconds)
            print(f"new-content lints of the typical plan (lint_text): {rate:7.1f} plans/s ({findings} findings)")
            rate = analysis_per_second(plan, args.seconds)
            print(f"text analysis alone (build_facts), new content:   {rate:7.1f} plans/s ({1000 / rate:.2f} ms)")
            print("\nwhere build_facts goes (cProfile, cumulative, per plan):")
            for name, ms, share in stage_costs(plan)[:25]:
                print(f"  {name:<44}{ms:8.2f} ms {share:7.1%}")
    if args.worst or args.only_worst:
        worst_case(args.size, args.timeout)


if __name__ == "__main__":
    main()
