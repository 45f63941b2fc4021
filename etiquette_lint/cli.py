"""The command line: parses options, calls the library, prints, and maps outcomes to exit codes
(0 clean, 1 findings at or above --fail-on, 2 unusable input or configuration)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .entry import render, use_color
from .errors import ConfigError, EtiquetteLintError
from .formats import to_statistics
from .lint import Options, lint_files
from .report import Report


class UsageProblem(click.ClickException):
    """A problem with the input or the configuration: exit status 2."""

    exit_code = 2


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _today(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}") from None


FORMATS = ["text", "json", "sarif", "github"]


def common_options(func=None, *, formats: list[str] = FORMATS, fail_on: str = "error"):
    """The options shared by `check`, `presend` and `timeline` (see spec/cli-and-output.md)."""
    if func is None:
        return lambda f: common_options(f, formats=formats, fail_on=fail_on)
    options = [
        click.option(
            "--format", "fmt", type=click.Choice(formats), default="text", show_default=True, help="Output format."
        ),
        click.option(
            "--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of standard output."
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["error", "warning", "info", "never"]),
            default=fail_on,
            show_default=True,
            help="Lowest severity that makes the exit status 1.",
        ),
        click.option(
            "--today", callback=_today, metavar="YYYY-MM-DD", help="The date the plan is judged on (default: today)."
        ),
        click.option(
            "--select", multiple=True, metavar="ID,...", help="Run only these rules (off-by-default ones included)."
        ),
        click.option("--extend-select", multiple=True, metavar="ID,...", help="Add these rules to the enabled set."),
        click.option("--ignore", multiple=True, metavar="ID,...", help="Skip these rules."),
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            help="A configuration file (default: .etiquette-lint.yaml found upward, or pyproject.toml).",
        ),
        click.option(
            "--rules",
            "rules_dirs",
            multiple=True,
            type=click.Path(file_okay=False),
            help="Add the rule files in DIR (repeatable).",
        ),
        click.option("--no-color", is_flag=True, help="Plain text output."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_options(today, select, extend_select, ignore, config, rules_dirs) -> Options:
    return Options.of(
        today=today,
        config=config,
        select=_split(select),
        extend_select=_split(extend_select),
        ignore=_split(ignore),
        rules_dirs=rules_dirs,
    )


def emit(text: str, output: str | None, inputs) -> None:
    """Print, or write the report to --output: never over a file the command reads, atomically
    to a regular file, as a stream to a device or a pipe (see output/destination.py)."""
    from .output.destination import refuse_inputs, write_file, write_stdout

    if not output:
        write_stdout(text)
        return
    refuse_inputs(output, inputs)
    write_file(text, output)


def finish(report: Report, fmt: str, output: str | None, fail_on: str, no_color: bool, protected: list[str]) -> int:
    emit(render(report, fmt, color=use_color(no_color, output)), output, [*protected, *report.inputs])
    if report.errors:
        if fmt != "text" or output:
            for error in report.errors:
                click.echo(str(error), err=True)
        return 2
    return 1 if report.fails(fail_on) else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="etiquette-lint")
def cli() -> None:
    """Lint a job candidate's post-interview follow-up plan and the drafts of its messages."""


@cli.command()
@click.argument("paths", nargs=-1)
@common_options(formats=FORMATS + ["html"])
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has instead of the findings.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Lint plans in N processes (default: the number of cores); the output is the same.",
)
def check(
    paths, fmt, output, fail_on, today, select, extend_select, ignore, config, rules_dirs, no_color, statistics, jobs
) -> int:
    """Lint plan files (a folder: every *.plan.yaml/.yml/.json below it; -: standard input)."""
    paths = list(paths) or ["."]
    options = make_options(today, select, extend_select, ignore, config, rules_dirs)
    stdin_text = None
    if "-" in paths:
        from .source import MAX_FILE_BYTES, read_stream

        data = read_stream(sys.stdin.buffer, MAX_FILE_BYTES, "the plan on standard input")
        try:
            stdin_text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise UsageProblem(
                f"-: standard input is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    plans: list = []
    report = lint_files(paths, options, stdin_text=stdin_text, plans=plans, jobs=jobs)
    if fmt == "html":
        from .planner.views import html_page

        emit(html_page(plans, report, options, findings_list=True), output, [*paths, *report.inputs])
        return _view_status(report, fail_on)
    if statistics and fmt == "text":
        emit(to_statistics(report), output, [*paths, *report.inputs])
        return 2 if report.errors else (1 if report.fails(fail_on) else 0)
    return finish(report, fmt, output, fail_on, no_color, paths)


@cli.command()
@click.argument("message", required=False, default="-")
@click.option(
    "--plan", "plan_path", metavar="PLAN", help="The plan the message belongs to (without it, only the text rules run)."
)
@click.option(
    "--to", metavar="ID", help="The interviewer the message goes to (default: its To: header, matched by address)."
)
@click.option(
    "--kind",
    type=click.Choice(["thank_you", "follow_up"]),
    help="Default: thank_you when the plan has no earlier contact with the recipient, else follow_up.",
)
@click.option(
    "--date",
    "when",
    metavar="DATE",
    help="When it is sent: YYYY-MM-DD or YYYY-MM-DDTHH:MM (default: its Date: header, else --today).",
)
@click.option(
    "--skip-unknown-recipients",
    is_flag=True,
    hidden=True,
    help="Kept for 1.0 hooks: a message to nobody in the plan is never checked (exit 0, one line on stderr).",
)
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    metavar="ADDR",
    help="An envelope recipient (repeatable): what a sendmail-style hook passes; Bcc'd people count too.",
)
@click.option(
    "--match-days",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Match the message to a planned action dated at most this many days from it.",
)
@click.option(
    "--headers",
    type=click.Path(dir_okay=False),
    help="A file of header lines whose To:, Cc: and Bcc: count as the message's (git send-email 2.41+ hooks).",
)
@click.option(
    "--on-plan-error",
    type=click.Choice(["block", "pass"]),
    default="block",
    show_default=True,
    help="When the plan cannot be read: block (exit 2) or pass (exit 0, a warning on stderr; for hooks).",
)
@common_options
def presend(
    message,
    plan_path,
    to,
    kind,
    when,
    skip_unknown_recipients,
    recipients,
    match_days,
    headers,
    on_plan_error,
    fmt,
    output,
    fail_on,
    today,
    select,
    extend_select,
    ignore,
    config,
    rules_dirs,
    no_color,
) -> int:
    """Check MESSAGE (.eml, or text/Markdown with --to; -: standard input) before it is sent, as the
    plan's next action. The exit status follows --fail-on, so a hook can refuse to send."""
    from .presend import NoRecipient, PlanUnusable
    from .presend import presend as check_message
    from .report import Report

    options = make_options(today, select, extend_select, ignore, config, rules_dirs)
    if message == "-":
        from .messages import MAX_DRAFT_BYTES
        from .source import read_stream

        data = read_stream(sys.stdin.buffer, MAX_DRAFT_BYTES, "the message on standard input")
    else:
        data = None
    try:
        try:
            report = check_message(
                message,
                options,
                data=data,
                plan_path=plan_path,
                to=to,
                kind=kind,
                date=when,
                recipients=tuple(recipients),
                match_days=match_days,
                headers=headers,
            )
        except PlanUnusable as unusable:
            if on_plan_error == "pass":
                first = str(unusable.error).splitlines()[0]
                click.echo(
                    f"etiquette-lint: warning: {first}; the message was not checked (--on-plan-error pass)", err=True
                )
                return 0
            raise unusable.error from None
        except EtiquetteLintError:
            raise
        except Exception as exc:  # a bug: one error naming the message, reported like any other
            from .lint import internal_error

            raise internal_error(exc, message) from None
    except EtiquetteLintError as exc:
        if isinstance(exc, NoRecipient):
            click.echo(f"etiquette-lint: {exc}; not checked", err=True)
            if fmt == "text":
                return 0
            report = Report((), (), 0, version=__version__, presend="")
        elif fmt == "text" and not output:
            raise  # one line on standard error, exit status 2 (see main)
        else:
            report = Report((), tuple(getattr(exc, "errors", [exc])), 1, version=__version__)
    from .lint import plan_inputs

    read = [message, *(plan_inputs(plan_path) if plan_path and Path(plan_path).is_file() else [plan_path or ""])]
    read += [config or "", *report.sources]
    return finish(report, fmt, output, fail_on, no_color, read)


@cli.command()
@click.argument("paths", nargs=-1)
@common_options(formats=["text", "html"], fail_on="never")
def timeline(paths, fmt, output, fail_on, today, select, extend_select, ignore, config, rules_dirs, no_color) -> int:
    """The plan as a picture: per company in date order, interviews, actions, replies, decision
    dates, today and the next due step, each with its findings (--format html: one page)."""
    from .planner.views import html_page, timeline_text

    paths = list(paths) or ["."]
    options = make_options(today, select, extend_select, ignore, config, rules_dirs)
    plans: list = []
    report = lint_files(paths, options, plans=plans)
    if fmt == "html":
        emit(html_page(plans, report, options), output, [*paths, *report.inputs])
    else:
        emit(timeline_text(plans, report, options, color=use_color(no_color, output)), output, [*paths, *report.inputs])
    return _view_status(report, fail_on, quiet=fmt == "text" and not output)


@cli.command("next")
@click.argument("paths", nargs=-1)
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="Show what falls due within N days of today (overdue items are always shown).",
)
@common_options(formats=["text", "json", "ics"], fail_on="never")
def next_command(
    paths, days, fmt, output, fail_on, today, select, extend_select, ignore, config, rules_dirs, no_color
) -> int:
    """The agenda: for every company of every plan, what is due, when, to whom and why (overdue,
    due with its window, wait until, stop), from the same rules and parameters as check.
    --format ics writes a calendar (one all-day event per due or overdue step)."""
    from .planner.agenda import agendas, within

    paths = list(paths) or ["."]
    options = make_options(today, select, extend_select, ignore, config, rules_dirs)
    plans: list = []
    report = lint_files(paths, options, plans=plans)
    day = options.day()
    items = within(agendas(plans, report, options), day, days)
    if fmt == "json":
        from .output.agenda import to_agenda_json

        text = to_agenda_json(items, day, days, report.errors)
    elif fmt == "ics":
        from .planner.ics import to_ics

        text = to_ics(items, day).decode("utf-8")
    else:
        from .output.agenda import to_agenda_text

        text = to_agenda_text(items, day, days, color=use_color(no_color, output))
    emit(text, output, [*paths, *report.inputs])
    return _view_status(report, fail_on)


def _view_status(report: Report, fail_on: str, *, quiet: bool = False) -> int:
    """The exit status of a page or picture of the report; input errors also go to standard
    error unless they are already on the terminal (`quiet`)."""
    if report.errors:
        if not quiet:
            for error in report.errors:
                click.echo(str(error), err=True)
        return 2
    return 1 if report.fails(fail_on) else 0


@cli.command()
@click.argument("folder", required=False)
@click.option(
    "--add-interview", "add_to", metavar="PLAN", type=click.Path(dir_okay=False), help="Add a later round to PLAN."
)
@click.option("--candidate", help="Your name (as you sign your messages).")
@click.option("--company", help="The company you interviewed with.")
@click.option("--role", help="The role you interviewed for.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The interview day.")
@click.option("--time", "at", metavar="HH:MM", help="The interview time (optional).")
@click.option(
    "--interviewer",
    "interviewers",
    multiple=True,
    metavar="'NAME <EMAIL>'",
    help="Someone you met (repeatable); the email is optional; end with ', hiring manager' for the hiring manager.",
)
@click.option("--no-input", is_flag=True, help="Never prompt; a missing value is an error (for scripts).")
def init(folder, add_to, candidate, company, role, day, at, interviewers, no_input) -> int:
    """Start a plan in FOLDER (default: here): FOLDER/<company>.plan.yaml with a planned thank-you
    and a draft skeleton per interviewer. Asks for what the options do not give. Never overwrites."""
    from .planner.init_command import run_init

    if add_to and folder:
        raise UsageProblem("give either FOLDER (a new plan) or --add-interview PLAN, not both")
    written = run_init(folder or ".", add_to, candidate, company, role, day, at, interviewers, no_input)
    for path in written:
        click.echo(f"wrote {path}")
    plan = written[0]
    click.echo(f"Next: write the drafts, then run: etiquette-lint check {plan.parent if not add_to else plan}")
    return 0


@cli.command()
def lsp() -> int:
    """Run the language server on standard input/output, for editors (see docs/editors.md)."""
    try:
        from .lsp import serve
    except ImportError as exc:
        raise UsageProblem(
            f"the language server needs pygls 2 ({exc}); install it with: pip install 'pygls>=2,<3' "
            "(or pip install '.[lsp]' in the etiquette-lint folder)"
        ) from None
    return serve()


@cli.command()
@click.argument("name", type=click.Choice(["plan", "report", "rule", "agenda"]))
def schema(name) -> int:
    """Print a JSON Schema: `plan` (for YAML editors: completion and validation), `report` (the
    JSON format), `rule` (rule files) or `agenda` (`next --format json`)."""
    from .resources import schema_path

    path = schema_path(f"{name}.schema.json")
    try:
        click.echo(path.read_text(encoding="utf-8"), nl=False)
    except OSError as exc:
        raise UsageProblem(f"the {name} schema is not installed ({path}: {exc.strerror})") from None
    return 0


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False), help="Add the rule files in DIR."
)
def rules_command(fmt, rules_dirs) -> int:
    """List every rule: id, default severity, enabled by default, summary."""
    from .rules import load_rules
    from .suppressions import UNUSED_SUPPRESSION

    ruleset = load_rules(tuple(rules_dirs))
    rules = sorted([*ruleset.rules.values(), UNUSED_SUPPRESSION], key=lambda r: r.id)
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "severity": r.severity,
                        "enabled": r.enabled,
                        "summary": r.summary,
                        "parameters": r.defaults(),
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return 0
    width = max(len(r.id) for r in rules)
    click.echo(f"{'id':<{width}}  {'severity':<8}  {'enabled':<7}  summary")
    for r in rules:
        click.echo(f"{r.id:<{width}}  {r.severity:<8}  {'yes' if r.enabled else 'no':<7}  {r.summary}")
    return 0


@cli.command()
@click.argument("rule")
@click.option(
    "--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False), help="Add the rule files in DIR."
)
def explain(rule, rules_dirs) -> int:
    """What RULE checks, why, its parameters, a bad and a good example, and how to fix it."""
    from .explain import explain_rule
    from .rules import load_rules
    from .suppressions import UNUSED_SUPPRESSION

    ruleset = load_rules(tuple(rules_dirs))
    known = {**ruleset.rules, UNUSED_SUPPRESSION.id: UNUSED_SUPPRESSION}
    if rule not in known:
        import difflib

        close = difflib.get_close_matches(rule, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageProblem(f"unknown rule {rule!r}{hint}; `etiquette-lint rules` lists them")
    click.echo(explain_rule(known[rule]), nl=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (never raise, never print a traceback)."""
    try:
        result = cli.main(args=argv, prog_name="etiquette-lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, (click.UsageError, UsageProblem)) else exc.exit_code
    except ConfigError as exc:
        click.echo(f"etiquette-lint: configuration error: {exc}", err=True)
        return 2
    except EtiquetteLintError as exc:
        click.echo(f"etiquette-lint: {exc}", err=True)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # a write outside emit(): the report was not delivered
        return 2
    except Exception as exc:  # an internal error: one line, exit status 2, never a traceback
        click.echo(f"etiquette-lint: internal error: {type(exc).__name__}: {exc}", err=True)
        return 2
    return result if isinstance(result, int) else 0
