"""`etiquette-lint init`: what the options do not give is asked for (click prompts), unless
--no-input, then the plan is written by planner/init.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import InputError
from .init import Interviewer, Round, add_interview, new_plan, parse_day, parse_interviewer, parse_time


class Missing(click.UsageError):
    """A value --no-input cannot ask for."""


def _checked(parse):
    def proc(value: str):
        try:
            return parse(value)
        except InputError as exc:
            raise click.BadParameter(exc.message) from None

    return proc


def _ask(value, option: str, prompt: str, no_input: bool, *, default=None, parse=None):
    if value is not None:
        return parse(value) if parse else value
    if no_input:
        if default is not None:
            return parse(default) if parse else default
        raise Missing(f"missing {option} (or run without --no-input to be asked)")
    return click.prompt(
        prompt, default=default, show_default=bool(default), value_proc=_checked(parse) if parse else None
    )


def _email(value: str) -> str:
    value = value.strip()
    return parse_interviewer(f"someone <{value}>").email if value else ""


def _ask_interviewers(given: tuple[str, ...], no_input: bool) -> tuple[Interviewer, ...]:
    if given:
        return tuple(parse_interviewer(value) for value in given)
    if no_input:
        raise Missing("missing --interviewer (at least one; or run without --no-input to be asked)")
    people: list[Interviewer] = []
    click.echo("Who did you meet? One person at a time; an empty name when done.")
    while True:
        name = click.prompt("Interviewer's name", default="", show_default=False).strip()
        if not name:
            if people:
                return tuple(people)
            click.echo("At least one: the people you met are who you thank.")
            continue
        email = click.prompt(
            f"{name}'s email (empty if you do not have it)",
            default="",
            show_default=False,
            value_proc=_checked(_email),
        )
        manager = click.confirm(f"Is {name} the hiring manager?", default=False)
        people.append(Interviewer(name, email, manager))


def run_init(folder, add_to, candidate, company, role, day, at, interviewers, no_input) -> list[Path]:
    today = date.today().isoformat()
    if add_to:
        from ..plan import load_plan

        plan = load_plan(add_to, today=date.today())
        last = plan.interviews[-1]
        company = _ask(company, "--company", "Company", no_input, default=last.company)
        role = _ask(role, "--role", "Role", no_input, default=last.role or "")
    else:
        candidate = _ask(candidate, "--candidate", "Your name", no_input)
        company = _ask(company, "--company", "Company", no_input)
        role = _ask(role, "--role", "Role (optional)", no_input, default="")
    when = _ask(day, "--date", "Interview date (YYYY-MM-DD)", no_input, default=today, parse=parse_day)
    time = _ask(at, "--time", "Interview time (HH:MM, optional)", no_input, default="", parse=parse_time)
    if not str(company).strip():
        raise InputError("the company cannot be empty")
    round_ = Round(company.strip(), (role or "").strip(), when, time, _ask_interviewers(interviewers, no_input))
    if add_to:
        return add_interview(Path(add_to), round_)
    if not str(candidate).strip():
        raise InputError("your name cannot be empty")
    return new_plan(Path(folder), candidate.strip(), round_)
