"""Speed and memory of etiquette-lint, side by side with proselint. Prints figures; asserts nothing.

    pip install -e '.[bench]'                  # proselint, for the side-by-side figures
    python benchmarks/bench.py                 # everything (several minutes)
    python benchmarks/bench.py --quick         # fewer repetitions
    python benchmarks/bench.py --only cold,api # some sections: cold, unchanged, api, lsp, memory, batch

The machines this runs on are shared, so absolute times move by 2x between runs. Every
command-line figure is therefore measured in pairs: one run of etiquette-lint, one run of
proselint on the same drafts, alternating which goes first, and the ratio of each pair; the
figures are medians. The sections:

- cold: the first `check` of each example whose drafts were never seen (a copy of the example
  with a new sentence in every draft for every run, so no cache holds its result), and the same
  on a machine's first run (every cache empty), against `proselint check` on the same drafts;
- unchanged: the same plan checked again, unchanged (what pre-commit does on every commit);
- api: plans per second through the Python API on the typical plan (benchmarks/typical_plan.py),
  with new content for every lint and unchanged;
- lsp: the language server's re-lint after an edit of a draft, from `didChange` to the plan's
  diagnostics, p50 and p90 (a real server over standard input/output);
- memory: resident memory over many distinct lints in one process;
- batch: `check` of a folder of many plans, with --jobs 1 and --jobs 2 (time and peak memory).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import resource
import shutil
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

from typical_plan import write_typical_plan  # noqa: E402

TODAY = "2026-11-26"
EXAMPLES = ("clean", "messy", "multi")
DRAFT_SUFFIXES = (".md", ".txt", ".eml")


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _env(cache_home: Path) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode kept, as pip installs packages
    env["XDG_CACHE_HOME"] = str(cache_home)
    return env


def _ours(folder: Path, env: dict, extra=(), today: str = TODAY) -> list[str]:
    return [
        sys.executable,
        "-m",
        "etiquette_lint",
        "check",
        str(folder),
        "--today",
        today,
        "--fail-on",
        "never",
        *extra,
    ]


def _proselint(folder: Path) -> list[str]:
    drafts = sorted(str(p) for p in folder.rglob("*") if p.suffix in DRAFT_SUFFIXES and p.is_file())
    return [str(Path(sys.executable).with_name("proselint")), "check", *drafts]


def _timed(command: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - start


def _renew_drafts(folder: Path, nonce: int) -> None:
    """A new sentence at the end of every draft: content no cache has seen."""
    for draft in folder.rglob("*"):
        if draft.suffix in DRAFT_SUFFIXES and draft.is_file():
            text = draft.read_text(encoding="utf-8")
            draft.write_text(
                text.rstrip("\n") + f"\nI also noted the figure {nonce} you mentioned.\n", encoding="utf-8"
            )


def _pairs(measure_ours, measure_theirs, runs: int) -> tuple[float, float, float]:
    """Median ours, median theirs, median of the per-pair ratios (alternating which runs first)."""
    ours, theirs, ratios = [], [], []
    for i in range(runs):
        if i % 2:
            b = measure_theirs(i)
            a = measure_ours(i)
        else:
            a = measure_ours(i)
            b = measure_theirs(i)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def _line(name: str, ours: float, theirs: float, ratio: float) -> None:
    print(f"  examples/{name:<6} ours {ours * 1000:6.1f} ms   proselint {theirs * 1000:6.1f} ms   ratio {ratio:.2f}")


def cold(runs: int) -> None:
    print("## first check of a plan whose drafts were never seen, vs proselint on the same drafts")
    print("(each run: a fresh copy of the example with a new sentence in every draft)")
    for name in EXAMPLES:
        with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
            tmp = Path(tmp)
            env = _env(tmp / "cache")
            subprocess.run(_ours(ROOT / "examples" / name, env), stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
            copies = []
            for i in range(runs):
                copy = tmp / f"{name}-{i}"
                shutil.copytree(ROOT / "examples" / name, copy)
                _renew_drafts(copy, 1000 + i)
                copies.append(copy)
            ours, theirs, ratio = _pairs(
                lambda i, copies=copies, env=env, tmp=tmp: _timed(_ours(copies[i], env), env, tmp),
                lambda i, copies=copies, env=env, tmp=tmp: _timed(_proselint(copies[i]), env, tmp),
                runs,
            )
            _line(name, ours, theirs, ratio)
    name = "multi"
    with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
        tmp = Path(tmp)
        copies = []
        for i in range(runs):
            copy = tmp / f"{name}-{i}"
            shutil.copytree(ROOT / "examples" / name, copy)
            _renew_drafts(copy, 2000 + i)
            copies.append(copy)
        ours, theirs, ratio = _pairs(
            lambda i: _timed(_ours(copies[i], _env(tmp / f"cache-{i}")), _env(tmp / f"cache-{i}"), tmp),
            lambda i: _timed(_proselint(copies[i]), _env(tmp / "none"), tmp),
            runs,
        )
        print(
            f"  examples/{name:<6} first run on a machine (every cache empty): ours {ours * 1000:6.1f} ms   "
            f"proselint {theirs * 1000:6.1f} ms   ratio {ratio:.2f}"
        )


def unchanged(runs: int) -> None:
    print("## the same plan checked again, unchanged (pre-commit on every commit), vs proselint")
    for name in EXAMPLES:
        with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
            tmp = Path(tmp)
            env = _env(tmp / "cache")
            copy = tmp / name
            shutil.copytree(ROOT / "examples" / name, copy)
            subprocess.run(_ours(copy, env), stdout=subprocess.DEVNULL, env=env, cwd=tmp)
            ours, theirs, ratio = _pairs(
                lambda i, copy=copy, env=env, tmp=tmp: _timed(_ours(copy, env), env, tmp),
                lambda i, copy=copy, env=env, tmp=tmp: _timed(_proselint(copy), env, tmp),
                runs,
            )
            _line(name, ours, theirs, ratio)
    python = _pairs(
        lambda i: _timed([sys.executable, "-c", "pass"], os.environ, ROOT),
        lambda i: _timed(_proselint(ROOT / "examples" / "multi"), os.environ, ROOT),
        runs,
    )
    print(f"  (python -c pass: {python[0] * 1000:.1f} ms, ratio to proselint {python[2]:.2f})")


def _variants(folder: Path, count: int) -> list[Path]:
    """`count` copies of the typical plan, each with drafts no other copy has."""
    plans = []
    for i in range(count):
        sub = folder / f"v{i}"
        plan = write_typical_plan(sub)
        _renew_drafts(sub, 10_000 + i)
        plans.append(plan)
    return plans


def api(seconds: float) -> None:
    from etiquette_lint import lint_path

    print("## Python API, typical plan (2 interviews, 5 interviewers, 8 actions, 6 drafts), one core")
    today = date(2027, 3, 30)
    with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
        plans = _variants(Path(tmp), 400)
        lint_path(plans[0], today=today)  # rules loaded, patterns compiled
        start = time.perf_counter()
        done = 0
        for plan in plans[1:]:
            lint_path(plan, today=today)
            done += 1
            if time.perf_counter() - start > seconds:
                break
        rate = done / (time.perf_counter() - start)
        print(f"  new content: {rate:7.0f} plans/s ({1000 / rate:.2f} ms each, {done} distinct plans)")
        count = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            lint_path(plans[0], today=today)
            count += 1
        rate = count / (time.perf_counter() - start)
        print(f"  unchanged:   {rate:7.0f} plans/s ({1000 / rate:.3f} ms each)")


async def _lsp_latencies(edits: int) -> list[float]:
    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient

    with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
        plan = write_typical_plan(Path(tmp))
        draft = plan.parent / "drafts" / "dana.md"
        client = LanguageClient("bench", "1")
        arrived: dict[str, asyncio.Event] = {}

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            event = arrived.get(params.uri)
            if event is not None:
                event.set()

        await client.start_io(sys.executable, "-m", "etiquette_lint", "lsp")
        await client.initialize_async(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(),
                root_uri=plan.parent.as_uri(),
                initialization_options={"today": "2027-03-30"},
            )
        )
        client.initialized(lsp.InitializedParams())
        plan_uri, draft_uri = plan.as_uri(), draft.as_uri()
        arrived[plan_uri] = asyncio.Event()
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=plan_uri, language_id="yaml", version=1, text=plan.read_text())
            )
        )
        await asyncio.wait_for(arrived[plan_uri].wait(), 60)
        text = draft.read_text()
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=draft_uri, language_id="markdown", version=1, text=text)
            )
        )
        await asyncio.sleep(1)
        latencies = []
        for i in range(edits):
            arrived[plan_uri] = asyncio.Event()
            arrived[draft_uri] = asyncio.Event()
            new = text.replace("Best regards", f"I noted the figure {i} you mentioned.\n\nBest regards")
            start = time.perf_counter()
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    lsp.VersionedTextDocumentIdentifier(uri=draft_uri, version=i + 2),
                    [lsp.TextDocumentContentChangeWholeDocument(text=new)],
                )
            )
            await asyncio.wait_for(arrived[draft_uri].wait(), 60)
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(0.05)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return latencies


def lsp_relint(edits: int) -> None:
    print("## language server: re-lint after an edit of a draft of the typical plan (didChange -> diagnostics)")
    latencies = sorted(asyncio.run(_lsp_latencies(edits)))
    p50 = statistics.median(latencies)
    p90 = latencies[int(len(latencies) * 0.9) - 1]
    print(f"  p50 {p50 * 1000:.1f} ms   p90 {p90 * 1000:.1f} ms over {edits} edits")


def memory(lints: int) -> None:
    from etiquette_lint import lint_text

    print(f"## memory over {lints} distinct lints in one process (typical plan, every draft new each time)")
    today = date(2027, 3, 30)
    with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
        plan = write_typical_plan(Path(tmp))
        text = plan.read_text()
        drafts = {str(p.resolve()): p.read_text() for p in (plan.parent / "drafts").iterdir()}
        lint_text(text, base_dir=plan.parent, today=today)
        gc.collect()
        print(f"  after the first lint: {rss_mb():.1f} MiB")
        start = time.perf_counter()
        checkpoints = {lints // 10 * k for k in range(1, 11)}
        peak = 0.0
        for i in range(1, lints + 1):
            unsaved = {
                path: body.replace("Best", f"Figure {i} stayed with me.\n\nBest") for path, body in drafts.items()
            }
            lint_text(text.replace("Jordan Lee", f"Jordan Lee {i}"), base_dir=plan.parent, today=today, unsaved=unsaved)
            if i in checkpoints:
                gc.collect()
                now = rss_mb()
                peak = max(peak, now)
                print(f"  after {i:>7} lints: {now:6.1f} MiB ({time.perf_counter() - start:.0f} s)")
        print(f"  peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


def batch(plans: int, runs: int) -> None:
    print(f"## check of a folder of {plans} plans (typical plan, distinct drafts): --jobs 1 vs --jobs 2")
    with tempfile.TemporaryDirectory(prefix="etiquette-bench-") as tmp:
        tmp = Path(tmp)
        _variants(tmp / "plans", plans)
        results = {}
        helptext = subprocess.run(
            [sys.executable, "-m", "etiquette_lint", "check", "--help"], capture_output=True, text=True
        )
        for jobs in ("1", "2") if "--jobs" in helptext.stdout else ("1",):
            times, peaks = [], []
            for _ in range(runs):
                env = _env(tmp / f"cache-{time.monotonic_ns()}")  # no result cache: every plan linted
                command = _ours(
                    tmp / "plans",
                    env,
                    today="2027-03-30",
                    extra=["--jobs", jobs] if "--jobs" in helptext.stdout else [],
                )
                start = time.perf_counter()
                usage = _run_peak(command, env, tmp)
                times.append(time.perf_counter() - start)
                peaks.append(usage)
            results[jobs] = statistics.median(times)
            print(f"  --jobs {jobs}: {results[jobs]:.1f} s, peak RSS of the largest process {max(peaks):.0f} MiB")
        if "2" in results:
            print(f"  speed-up with 2 processes: {results['1'] / results['2']:.2f}x ({os.cpu_count()} cores)")
            print(f"  control, a pure-Python loop in 2 processes at the same moment: {_control():.2f}x")
            print(f"  (load average {os.getloadavg()[0]:.1f}: other work on the machine takes cores from both)")


def _spin(_: int) -> int:
    total = 0
    for i in range(3_000_000):
        total += i
    return total


def _control() -> float:
    """How much two processes gain over one right now, on work that scales perfectly."""
    from etiquette_lint.core.batch import in_order

    times = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        list(in_order(_spin, list(range(8)), jobs))
        times[jobs] = time.perf_counter() - start
    return times[1] / times[2]


def _run_peak(command: list[str], env: dict, cwd: Path) -> float:
    """Run a command; the largest resident size of it or any of its processes, in MiB."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="cold,unchanged,api,lsp,memory,batch")
    parser.add_argument("--lints", type=int, default=None, help="distinct lints for the memory figure")
    parser.add_argument("--plans", type=int, default=None, help="plans in the batch folder")
    args = parser.parse_args()
    only = set(args.only.split(","))
    runs = 7 if args.quick else 21
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; paired alternating runs, medians of {runs}")
    if "cold" in only:
        cold(runs)
    if "unchanged" in only:
        unchanged(runs)
    if "api" in only:
        api(3 if args.quick else 10)
    if "lsp" in only:
        lsp_relint(30 if args.quick else 100)
    if "memory" in only:
        memory(args.lints or (2_000 if args.quick else 100_000))
    if "batch" in only:
        batch(args.plans or (200 if args.quick else 1_000), 1 if args.quick else 3)


if __name__ == "__main__":
    main()
