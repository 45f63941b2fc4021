"""The program's entry point: `check` on its fast path, everything else through the click CLI.

A pre-commit hook or a CI step runs `etiquette-lint check ...` over and over, mostly on plans that
did not change. Importing click, the schemas and the rule engine costs more than such a run needs,
so `check` with plain options is parsed here, its kept result (core/results.py) printed when there
is one, and otherwise linted and printed exactly as cli.py's `check` does. Anything else (another
command, --help, --output, standard input, an option this parser does not know, a value click
would refuse, any error) goes to cli.main, which words it as it always has: the fast path never
produces an error message of its own.
"""

from __future__ import annotations

import contextlib
import os
import sys

FORMATS = ("text", "json", "sarif", "github")
FAIL_ON = ("error", "warning", "info", "never")

# check's options: name -> (parameter, kind). Kinds: "value" (one value), "multiple" (repeatable),
# "flag". tests/test_entry.py keeps this table and its defaults in step with cli.py's `check`.
CHECK_OPTIONS = {
    "--format": ("fmt", "value"),
    "--fail-on": ("fail_on", "value"),
    "--today": ("today", "value"),
    "--select": ("select", "multiple"),
    "--extend-select": ("extend_select", "multiple"),
    "--ignore": ("ignore", "multiple"),
    "--config": ("config", "value"),
    "--rules": ("rules_dirs", "multiple"),
    "--no-color": ("no_color", "flag"),
    "--statistics": ("statistics", "flag"),
    "--jobs": ("jobs", "value"),
}
CHECK_DEFAULTS = {
    "paths": (),
    "fmt": "text",
    "output": None,
    "fail_on": "error",
    "today": None,
    "select": (),
    "extend_select": (),
    "ignore": (),
    "config": None,
    "rules_dirs": (),
    "no_color": False,
    "statistics": False,
    "jobs": None,
}


def parse_check(args: list[str]) -> dict | None:
    """check's parameters from its arguments, as click would give them; None for anything this
    parser leaves to click (which then runs the command or words the problem)."""
    params = {key: list(value) if isinstance(value, tuple) else value for key, value in CHECK_DEFAULTS.items()}
    paths: list[str] = []
    items = iter(args)
    for arg in items:
        if arg == "-" or not arg.startswith("-"):
            if arg == "-":
                return None  # standard input: cli.py reads it
            paths.append(arg)
            continue
        name, eq, value = arg.partition("=")
        spec = CHECK_OPTIONS.get(name)
        if spec is None:
            return None
        param, kind = spec
        if kind == "flag":
            if eq:
                return None
            params[param] = True
            continue
        if not eq:
            value = next(items, None)
            if value is None:
                return None
        if kind == "multiple":
            params[param].append(value)
        else:
            params[param] = value
    params["paths"] = paths
    if params["fmt"] not in FORMATS or params["fail_on"] not in FAIL_ON:
        return None
    if params["today"] is not None and not _is_day(params["today"]):
        return None  # another ISO form, or not a date: click reads it (or says what is wrong)
    if params["jobs"] is not None:
        if not params["jobs"].isdigit() or int(params["jobs"]) < 1:
            return None
        params["jobs"] = int(params["jobs"])
    if params["config"] is not None and os.path.isdir(params["config"]):
        return None  # click.Path(dir_okay=False) refuses it
    if any(os.path.isfile(folder) for folder in params["rules_dirs"]):
        return None  # click.Path(file_okay=False) refuses it
    for key in ("select", "extend_select", "ignore", "rules_dirs", "paths"):
        params[key] = tuple(params[key])
    return params


def _is_day(value: str) -> bool:
    """A valid YYYY-MM-DD date (what date.fromisoformat reads in that form), without datetime."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    year, month, day = value[:4], value[5:7], value[8:]
    if not (year.isdigit() and month.isdigit() and day.isdigit() and value.isascii()):
        return False
    y, m, d = int(year), int(month), int(day)
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return y >= 1 and 1 <= m <= 12 and 1 <= d <= days[m - 1]


def use_color(no_color: bool, output: str | None) -> bool:
    if no_color or output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def render(report, fmt: str, *, color: bool) -> str:
    if fmt == "json":
        from .formats import to_json

        return to_json(report)
    if fmt == "sarif":
        from .sarif import to_sarif

        return to_sarif(report)
    if fmt == "github":
        from .github import to_github

        return to_github(report)
    from .formats import to_text

    return to_text(report, color=color)


def split_ids(values) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def fast_check(params: dict) -> int | None:
    """Run `check` with parsed parameters; None when it must go to click instead (an error)."""
    from .core import results
    from .core.discovery import discover

    paths = list(params["paths"]) or ["."]
    color = use_color(params["no_color"], None)
    files = discover(paths)
    key_options = {
        "command": "check",
        "paths": paths,
        "fmt": params["fmt"],
        "fail_on": params["fail_on"],
        "today": params["today"] or _local_today(),
        "select": list(split_ids(params["select"])),
        "extend_select": list(split_ids(params["extend_select"])),
        "ignore": list(split_ids(params["ignore"])),
        "config": params["config"],
        "rules_dirs": [os.path.abspath(d) for d in params["rules_dirs"]],
        "statistics": params["statistics"],
        "color": color,
        "no_color_env": bool(os.environ.get("NO_COLOR")),
    }
    key = results.run_key(key_options, files) if files else None
    kept = results.lookup(key) if key else None
    if kept is not None:
        return _write(kept["stdout"], kept["stderr"], kept["status"])
    from datetime import date

    today = date.fromisoformat(params["today"]) if params["today"] else date.today()
    if today.isoformat() != key_options["today"]:  # midnight passed while starting: no cache
        key = None
    from .core import memo

    with memo.paused():  # one process, each plan linted once: no result is worth keeping in memory
        if params["fmt"] == "text" and not params["statistics"] and len(files) > 1 and "-" not in files:
            return _stream_check(params, today, color, key, files)
        try:
            stdout, stderr, status, report = run_check(params, today, color)
        except Exception:  # an error: cli.main words it
            return None
    code = _write(stdout, stderr, status)
    if key and not report.errors:
        try:
            deps = results.dependencies(files, report.sources)
            if deps is not None:
                results.store(key, deps, stdout, stderr, status)
        except Exception:  # keeping the result is a favour: never a failure
            pass
    return code


def _local_today() -> str:
    """Today's date as date.today() gives it (local time), without importing datetime."""
    import time

    return time.strftime("%Y-%m-%d", time.localtime())


def run_check(params: dict, today, color: bool):
    """Lint and render as cli.py's `check` does without --output: (stdout, stderr, status, report)."""
    from .lint import Options, lint_files

    options = Options.of(
        today=today,
        config=params["config"],
        select=split_ids(params["select"]),
        extend_select=split_ids(params["extend_select"]),
        ignore=split_ids(params["ignore"]),
        rules_dirs=params["rules_dirs"],
    )
    paths = list(params["paths"]) or ["."]
    report = lint_files(paths, options, jobs=params["jobs"])
    stderr = ""
    fmt = params["fmt"]
    if params["statistics"] and fmt == "text":
        from .formats import to_statistics

        stdout = to_statistics(report)
        status = 2 if report.errors else (1 if report.fails(params["fail_on"]) else 0)
        return stdout, stderr, status, report
    stdout = render(report, fmt, color=color)
    if report.errors:
        if fmt != "text":
            stderr = "".join(f"{error}\n" for error in report.errors)
        return stdout, stderr, 2, report
    return stdout, stderr, 1 if report.fails(params["fail_on"]) else 0, report


def _options(params: dict, today):
    from .lint import Options

    return Options.of(
        today=today,
        config=params["config"],
        select=split_ids(params["select"]),
        extend_select=split_ids(params["extend_select"]),
        ignore=split_ids(params["ignore"]),
        rules_dirs=params["rules_dirs"],
    )


def _stream_check(params: dict, today, color: bool, key: str | None, files: list[str]) -> int | None:
    """A text report of many plans, printed as the plans finish (in the order of the report:
    findings sorted by path, line, column, rule), holding only what is not printed yet: memory
    stays flat however many plans there are. Prints exactly what the whole report would."""
    import heapq

    from .core import results
    from .formats import summary_line, to_text
    from .report import Report

    try:
        found, _, each = __import__("etiquette_lint.lint", fromlist=["lint_each"]).lint_each(
            list(params["paths"]) or ["."], _options(params, today), jobs=params["jobs"]
        )
    except Exception:  # an error before any plan (a rule id, a rules folder): cli.main words it
        return None
    # No plan's findings lie outside its folder (drafts must be inside it), so once plan i is
    # done, a finding whose path sorts before every later plan's folder can be printed.
    floors = [""] * (len(found) + 1)
    floors[len(found)] = "\U0010ffff"
    for i in range(len(found) - 1, -1, -1):
        folder = os.path.dirname(found[i])
        floors[i] = min(floors[i + 1], folder + "/" if folder else "")
    pending: list = []  # heap of (sort key, number, finding)
    texts: dict[str, list] = {}  # path -> [text, findings pending there]
    counts = {"error": 0, "warning": 0, "info": 0}
    errors: list = []
    partial: list[str] = []
    kept: list[str] | None = [] if key else None
    kept_size = 0
    deps: list = []
    number = 0
    problem = False

    def out(text: str) -> None:
        nonlocal kept, kept_size, problem
        if problem or not text:
            return
        if _write(text, "", 0) != 0:
            problem = True
            return
        if kept is not None:
            kept_size += len(text)
            kept = kept if kept_size <= results.MAX_ENTRY_BYTES else None
            if kept is not None:
                kept.append(text)

    def flush(floor: str) -> None:
        chunk = []
        while pending and pending[0][2].path < floor:
            chunk.append(heapq.heappop(pending)[2])
        if not chunk:
            return
        sources = {f.path: texts[f.path][0] for f in chunk}
        part = Report(tuple(chunk), files=0, sources=sources)
        text = to_text(part, color=color)
        out(text[: -(len(summary_line(part)) + 1)])
        for finding in chunk:
            entry = texts[finding.path]
            entry[1] -= 1
            if entry[1] == 0:
                del texts[finding.path]

    try:
        for index, result in enumerate(each):
            for finding in result.findings:
                number += 1
                heapq.heappush(pending, (finding.sort_key(), number, finding))
                counts[finding.severity] += 1
                entry = texts.setdefault(finding.path, [result.sources.get(finding.path), 0])
                entry[1] += 1
            errors.extend(result.errors)
            if result.partial:
                partial.append(result.partial)
            if kept is not None:
                plan_deps = results.dependencies([found[index]], result.sources)
                if plan_deps is None:
                    kept = None
                else:
                    deps.extend(plan_deps)
            flush(floors[index + 1])
    except Exception:
        if number == 0 and not problem:
            return None  # nothing printed yet: cli.main words the error
        raise
    flush(floors[len(found)])
    if problem:
        return 2
    representatives = {sev: _Severity(sev) for sev in counts}
    whole = Report(
        tuple(representatives[sev] for sev, n in counts.items() for _ in range(n)),
        tuple(errors),
        len(found),
        partial=tuple(partial),
    )
    out("\n".join([*(str(error) for error in errors), summary_line(whole)]) + "\n")
    if problem:
        return 2
    status = 2 if errors else (1 if whole.fails(params["fail_on"]) else 0)
    if kept is not None and not errors:
        with contextlib.suppress(Exception):  # keeping the result is a favour: never a failure
            results.store(key, sorted(set(map(tuple, deps))), "".join(kept), "", status)
    return status


class _Severity:
    """Stands for a printed finding in the final count (only its severity is needed)."""

    __slots__ = ("severity",)

    def __init__(self, severity: str) -> None:
        self.severity = severity


def _write(stdout: str, stderr: str, status: int) -> int:
    from .errors import EtiquetteLintError
    from .output.destination import write_stdout

    try:
        write_stdout(stdout)
    except EtiquetteLintError as exc:  # as cli.main words it
        sys.stderr.write(f"etiquette-lint: {exc}\n")
        sys.stderr.flush()
        return 2
    if stderr:
        sys.stderr.write(stderr)
        sys.stderr.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (never raise, never print a traceback)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["check"] and not os.environ.get("ETIQUETTE_LINT_SLOW_PATH"):
        params = parse_check(args[1:])
        if params is not None:
            try:
                status = fast_check(params)
            except KeyboardInterrupt:
                return 130
            except Exception:
                status = None
            if status is not None:
                return status
    from .cli import main as cli_main

    return cli_main(args)


def run() -> None:
    """The console script: exit with main's status."""
    sys.exit(main())
