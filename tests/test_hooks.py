"""The hooks in examples/hooks/ and .pre-commit-hooks.yaml, run for real: the sendmail wrapper
with a stand-in sendmail that records what it receives (and behind mutt, when it is installed),
the git send-email validate hook with `git send-email` itself, and the pre-commit hook with the
real `pre-commit try-repo`."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT, git_copy_of_package

HOOKS = ROOT / "examples" / "hooks"
LINT = f"{sys.executable} -m etiquette_lint"
TODAY = "2026-11-26"

# A thank-you to Alan (the messy example's other company), on time, on topic: nothing at error level.
# CRLF line ends and non-ASCII text, to show the message is passed on byte for byte.
CLEAN = (
    "From: Jordan Castillo <jordan@mail.example>\r\n"
    "To: Alan Mercer <alan.mercer@brightline-ortho.example>\r\n"
    "Subject: Thank you, and Se\xf1or Ortiz's tip\r\n"
    "Date: Thu, 22 Oct 2026 18:00:00 -0500\r\n"
    "\r\n"
    "Dear Alan,\r\n\r\n"
    "Thank you for walking me through the spine surgeon relationships in Indianapolis, and for the\r\n"
    "candid account of loaner tray logistics \u2014 the caf\xe9 story especially.\r\n\r\n"
    "Best regards,\r\nJordan Castillo\r\n"
).encode("utf-8")

# A follow-up to Rhonda the day after the call: email-and-call, an error.
BLOCKED = (
    b"From: Jordan Castillo <jordan@mail.example>\n"
    b"To: Rhonda Feld <rhonda.feld@acme-medical.example>\n"
    b"Subject: Following up\n"
    b"Date: Sat, 14 Nov 2026 09:00:00 -0600\n\n"
    b"Hi Rhonda,\n\nJust checking in again. Did you get my last email?\n\nJordan\n"
)

PERSONAL = b"From: Jordan <jordan@mail.example>\nTo: Mom <mom@family.example>\nSubject: Sunday\n\nSee you at 6!\n"


@pytest.fixture
def plan(tmp_path) -> Path:
    shutil.copytree(EXAMPLES / "messy", tmp_path / "messy")
    return tmp_path / "messy" / "acme.plan.yaml"


@pytest.fixture
def sendmail(tmp_path) -> Path:
    """A stand-in sendmail: records its arguments and the exact bytes it receives."""
    script = tmp_path / "fake-sendmail"
    script.write_text(
        f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{tmp_path}/received.args'\ncat > '{tmp_path}/received.eml'\n"
    )
    script.chmod(0o755)
    return script


def wrap(args: list[str], message: bytes, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ETIQUETTE_LINT": LINT, "ETIQUETTE_LINT_STATE": str(cwd / "state")}
    return subprocess.run(
        ["sh", str(HOOKS / "sendmail-presend"), *args],
        input=message,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_the_wrapper_passes_a_clean_message_on_byte_for_byte(plan, sendmail, tmp_path):
    args = [
        "--plan",
        str(plan),
        "--today",
        TODAY,
        "--fail-on",
        "error",  # the message has a warning (timeline-not-shared): by default it would be held once
        str(sendmail),
        "-oem",
        "-oi",
        "--",
        "alan.mercer@brightline-ortho.example",
    ]
    result = wrap(args, CLEAN, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "received.eml").read_bytes() == CLEAN
    assert (tmp_path / "received.args").read_text().splitlines() == [
        "-oem",
        "-oi",
        "--",
        "alan.mercer@brightline-ortho.example",
    ]


def test_the_wrapper_holds_back_a_message_with_findings(plan, sendmail, tmp_path):
    result = wrap(["--plan", str(plan), "--today", TODAY, str(sendmail), "-oi"], BLOCKED, tmp_path)
    assert result.returncode == 1
    assert not (tmp_path / "received.eml").exists() and not (tmp_path / "received.args").exists()
    err = result.stderr.decode()
    assert "email-and-call" in err and "not sent" in err
    assert result.stdout == b""


def test_the_wrapper_follows_fail_on(plan, sendmail, tmp_path):
    result = wrap(["--plan", str(plan), "--today", TODAY, "--fail-on", "never", str(sendmail)], BLOCKED, tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "received.eml").read_bytes() == BLOCKED


def test_mail_to_people_outside_the_plan_goes_through(plan, sendmail, tmp_path):
    result = wrap(["--plan", str(plan), str(sendmail), "-oi"], PERSONAL, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "received.eml").read_bytes() == PERSONAL


def test_without_a_plan_the_wrapper_runs_the_text_rules(sendmail, tmp_path):
    result = wrap(["--fail-on", "warning", str(sendmail)], BLOCKED, tmp_path)
    assert result.returncode == 1 and b"pushy-language" in result.stderr
    assert not (tmp_path / "received.eml").exists()


def test_an_unusable_plan_holds_the_message_back(sendmail, tmp_path):
    broken = tmp_path / "broken.plan.yaml"
    broken.write_text("version: 1\ncandidate: [\n")
    result = wrap(["--plan", str(broken), str(sendmail)], CLEAN, tmp_path)
    assert result.returncode == 2 and b"invalid YAML" in result.stderr
    assert not (tmp_path / "received.eml").exists()


def test_the_wrapper_rejects_a_missing_command(tmp_path):
    result = wrap(["--plan", "x.plan.yaml"], CLEAN, tmp_path)
    assert result.returncode == 64 and b"no sendmail command given" in result.stderr


def test_a_plan_path_with_spaces_and_quotes_reaches_presend(sendmail, tmp_path):
    folder = tmp_path / "job search 'fall'"
    shutil.copytree(EXAMPLES / "messy", folder)
    result = wrap(["--plan", str(folder / "acme.plan.yaml"), "--today", TODAY, str(sendmail)], BLOCKED, tmp_path)
    assert result.returncode == 1 and b"email-and-call" in result.stderr


def _git_send_email() -> bool:
    if shutil.which("git") is None:
        return False
    probe = subprocess.run(["git", "send-email", "--dump-aliases"], capture_output=True, cwd=ROOT.anchor)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _git_send_email(), reason="`git send-email` is not installed (Debian/Ubuntu: apt-get install git-email)"
)
def test_the_git_send_email_hook_stops_a_message_with_findings(plan, sendmail, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=Jordan", "-c", "user.email=jordan@mail.example"]
    env = {**os.environ, "ETIQUETTE_LINT": LINT, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True, env=env)
    hook = repo / ".git" / "hooks" / "sendemail-validate"
    shutil.copy(HOOKS / "sendemail-validate", hook)
    hook.chmod(0o755)
    shutil.copytree(plan.parent, repo / "jobs")
    subprocess.run(["git", "config", "etiquette-lint.plan", "jobs/acme.plan.yaml"], cwd=repo, check=True, env=env)

    def send(name: str, message: bytes) -> subprocess.CompletedProcess:
        (repo / name).write_bytes(message)
        return subprocess.run(
            git
            + [
                "send-email",
                "--confirm=never",
                f"--smtp-server={sendmail}",
                "--from=Jordan Castillo <jordan@mail.example>",
                name,
            ],
            cwd=repo,
            capture_output=True,
            env=env,
            timeout=120,
        )

    blocked = send("chase.eml", BLOCKED)
    assert blocked.returncode != 0
    assert b"email-and-call" in blocked.stderr and b"sendemail-validate" in blocked.stderr
    assert not (tmp_path / "received.eml").exists()
    personal = send("sunday.eml", PERSONAL)
    assert personal.returncode == 0, personal.stderr.decode()
    assert b"See you at 6!" in (tmp_path / "received.eml").read_bytes()


# --- pre-commit ----------------------------------------------------------------------------------


CLEAN_PLAN = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    role: Data Engineering Manager
    date: 2026-03-02
    timing: {asked: true, decision_by: 2026-03-16}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - {id: thanks-dana, kind: thank_you, channel: email, to: dana, date: 2026-03-02, draft: drafts/dana.md}
"""
CLEAN_DRAFT = """\
Dear Dana,

Thank you for the deep-dive on pipeline latency this morning. The way your team traced the
late partitions back to a single slow consumer was a great lesson in patient debugging.

Best regards,
Jordan Lee
"""


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This checkout's package files as a git repository of their own, so `pre-commit try-repo`
    sees exactly the working tree (try-repo on a local path installs what the repository holds)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it is in the `test` extra: pip install '.[test]')")
    repo = tmp_path_factory.mktemp("hook-repo")
    git_copy_of_package(repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(hook_repo: Path, home: Path, plans: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "etiquette-lint", *extra],
        cwd=plans,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    network = (
        "NewConnectionError",
        "Temporary failure in name resolution",
        "No matching distribution found for hatchling",
    )
    if result.returncode != 0 and any(marker in result.stdout + result.stderr for marker in network):
        pytest.skip("pre-commit could not install the hook's environment: the package registry is unreachable")
    return result


def plans_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=path, check=True)
    return path


def test_pre_commit_fails_on_a_plan_with_errors(hook_repo, pre_commit_home, tmp_path):
    files = {"acme.plan.yaml": (EXAMPLES / "messy" / "acme.plan.yaml").read_text(encoding="utf-8")}
    files.update({f"drafts/{p.name}": p.read_text(encoding="utf-8") for p in (EXAMPLES / "messy" / "drafts").iterdir()})
    result = try_repo(hook_repo, pre_commit_home, plans_repo(tmp_path / "plans", files), "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "etiquette-lint" in result.stdout and "Failed" in result.stdout
    assert "email-and-call" in result.stdout and "carbon-copy" in result.stdout


def test_pre_commit_passes_a_clean_plan_and_skips_unrelated_files(hook_repo, pre_commit_home, tmp_path):
    repo = plans_repo(
        tmp_path / "plans", {"harbor.plan.yaml": CLEAN_PLAN, "drafts/dana.md": CLEAN_DRAFT, "notes.py": "x = 1\n"}
    )
    result = try_repo(hook_repo, pre_commit_home, repo, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    result = try_repo(hook_repo, pre_commit_home, repo, "--files", "notes.py")
    assert result.returncode == 0 and "no files to check" in result.stdout.lower()
    # A change to a draft alone is enough to lint the plan that uses it.
    (repo / "drafts" / "dana.md").write_text("Dear Dana,\n\nThank you for the chat about [specific topic].\n")
    result = try_repo(hook_repo, pre_commit_home, repo, "--files", "drafts/dana.md")
    assert result.returncode == 1 and "unfilled-placeholder" in result.stdout


def test_the_readme_pre_commit_config_works_as_written(hook_repo, pre_commit_home, tmp_path):
    """The README's .pre-commit-config.yaml with its repo: pointed at a local clone: `pre-commit
    autoupdate` fills in a commit that resolves, and `pre-commit run` lints the plans."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## pre-commit", 1)[1]
    config = re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1)
    placeholder = yaml.safe_load(config)["repos"][0]["repo"]
    files = {
        ".pre-commit-config.yaml": config.replace(placeholder, str(hook_repo)),
        "harbor.plan.yaml": CLEAN_PLAN,
        "drafts/dana.md": "Dear Dana,\n\nThank you for the chat about [specific topic].\n",
    }
    repo = plans_repo(tmp_path / "plans", files)
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    run = functools.partial(subprocess.run, cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    update = run([sys.executable, "-m", "pre_commit", "autoupdate"])
    assert update.returncode == 0, update.stdout + update.stderr
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True).stdout.strip()
    assert yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"][0]["rev"] == head
    result = run([sys.executable, "-m", "pre_commit", "run", "--all-files"])
    if result.returncode != 0 and "NewConnectionError" in result.stdout + result.stderr:
        pytest.skip("pre-commit could not install the hook's environment: the package registry is unreachable")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "unfilled-placeholder" in result.stdout


@pytest.mark.skipif(shutil.which("mutt") is None, reason="mutt is not installed (Debian/Ubuntu: apt-get install mutt)")
def test_mutt_sends_through_the_wrapper_and_is_refused_on_findings(plan, sendmail, tmp_path):
    muttrc = tmp_path / "muttrc"
    muttrc.write_text(
        f'set sendmail="{HOOKS / "sendmail-presend"} --plan {plan} --today {TODAY} --fail-on warning {sendmail} -oem -oi"\n'
        'set from="Jordan Castillo <jordan@mail.example>"\nset use_from=yes\nset record=""\nset charset="utf-8"\n'
    )
    env = {**os.environ, "ETIQUETTE_LINT": LINT, "HOME": str(tmp_path)}

    def mutt(to: str, subject: str, body: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["mutt", "-n", "-F", str(muttrc), "-s", subject, to],
            input=body.encode(),
            capture_output=True,
            env=env,
            timeout=120,
        )

    refused = mutt(
        "rhonda.feld@acme-medical.example", "Following up", "Hi Rhonda,\n\nJust checking in again.\n\nJordan\n"
    )
    assert refused.returncode != 0 and not (tmp_path / "received.eml").exists()
    assert b"pushy-language" in refused.stdout + refused.stderr
    sent = mutt("mom@family.example", "Sunday", "See you at 6!\n")
    assert sent.returncode == 0, sent.stderr.decode()
    assert b"See you at 6!" in (tmp_path / "received.eml").read_bytes()
    assert "mom@family.example" in (tmp_path / "received.args").read_text().splitlines()


# --- 1.1: every recipient, warnings that reach the user, a broken plan, real mail clients ---------

HARBOR = ROOT / "tests" / "fixtures" / "presend"
HARBOR_DAY = "2027-03-02"


@pytest.fixture
def harbor(tmp_path) -> Path:
    shutil.copytree(HARBOR, tmp_path / "harbor")
    return tmp_path / "harbor" / "harbor.plan.yaml"


def composed(to: str, body: str, *, message_id: str = "4711", **headers: str) -> bytes:
    """A message as mutt hands it to sendmail (its generated headers; Bcc: already removed)."""
    extra = "".join(f"{name.title()}: {value}\n" for name, value in headers.items())
    return (
        f"Date: Tue, 2 Mar 2027 18:40:00 -0700\nFrom: Jordan Lee <jordan.lee@mail.example>\nTo: {to}\n{extra}"
        f"Subject: Thank you\nMessage-ID: <20270302.{message_id}@mail.example>\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n\n{body}"
    ).encode()


def hook_env(tmp_path: Path) -> dict:
    return {**os.environ, "ETIQUETTE_LINT": LINT, "ETIQUETTE_LINT_STATE": str(tmp_path / "state"), "TZ": "UTC"}


def wrap_env(args: list[str], message: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(HOOKS / "sendmail-presend"), *args],
        input=message,
        capture_output=True,
        cwd=tmp_path,
        env=hook_env(tmp_path),
        timeout=120,
    )


def test_a_blind_copy_among_the_sendmail_arguments_is_checked(harbor, sendmail, tmp_path):
    dana = (harbor.parent / "drafts" / "dana.md").read_text()
    message = composed("Dana Whitfield <dana.whitfield@harbor.example>", dana)
    args = ["--plan", str(harbor), "--today", HARBOR_DAY, str(sendmail), "-oem", "-oi", "--"]
    result = wrap_env([*args, "dana.whitfield@harbor.example", "omar.haddad@harbor.example"], message, tmp_path)
    assert result.returncode == 1 and not (tmp_path / "received.eml").exists()
    assert b"group-thank-you" in result.stderr and b"Omar Haddad" in result.stderr
    # To Dana alone, the planned thank-you goes out as it was composed.
    result = wrap_env([*args, "dana.whitfield@harbor.example"], message, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "received.eml").read_bytes() == message


def test_warnings_hold_a_message_back_once_then_the_same_message_goes_out(harbor, sendmail, tmp_path):
    chasing = (
        (harbor.parent / "drafts" / "dana.md")
        .read_text()
        .replace("Best regards,", "Did you get my last email?\n\nBest regards,")
    )
    args = ["--plan", str(harbor), "--today", HARBOR_DAY, str(sendmail), "-oi", "--", "dana.whitfield@harbor.example"]
    first = wrap_env(args, composed("dana.whitfield@harbor.example", chasing), tmp_path)
    assert first.returncode == 1 and not (tmp_path / "received.eml").exists()
    err = first.stderr.decode()
    assert "warning pushy-language" in err and "send the same message again" in err
    # Locations count from the first line of the body, as the user wrote it (line 7 of the body,
    # not line 16 of the message with the headers the mail client generated).
    assert "-:7:1: warning pushy-language" in err
    # Sent again (the mail client regenerates Message-ID:), it goes out, byte for byte.
    again = composed("dana.whitfield@harbor.example", chasing, message_id="4712")
    second = wrap_env(args, again, tmp_path)
    assert second.returncode == 0, second.stderr.decode()
    assert (tmp_path / "received.eml").read_bytes() == again
    # --fail-on error sends a message with warnings at once.
    (tmp_path / "received.eml").unlink()
    changed = composed("dana.whitfield@harbor.example", chasing + "\nP.S. Thanks again.\n")
    result = wrap_env(["--fail-on", "error", *args], changed, tmp_path)
    assert result.returncode == 0 and (tmp_path / "received.eml").read_bytes() == changed


def test_on_plan_error_pass_lets_mail_through_with_a_warning(sendmail, tmp_path):
    broken = tmp_path / "broken.plan.yaml"
    broken.write_text("version: 1\ncandidate: [\n")
    result = wrap_env(["--plan", str(broken), "--on-plan-error", "pass", str(sendmail), "-oi"], CLEAN, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "received.eml").read_bytes() == CLEAN
    err = result.stderr.decode()
    assert "invalid YAML" in err and "not checked (--on-plan-error pass)" in err and len(err.splitlines()) == 1
    result = wrap_env(["--plan", str(broken), str(sendmail), "-oi"], PERSONAL, tmp_path)  # default: block
    assert result.returncode == 2 and b"invalid YAML" in result.stderr


def test_a_multipart_message_is_checked_at_its_decoded_text(harbor, sendmail, tmp_path):
    message = (ROOT / "tests" / "fixtures" / "mail" / "multipart-qp.eml").read_bytes()
    message = message.replace(b"dana@harbor.example", b"dana.whitfield@harbor.example").replace(
        b"omar@harbor.example", b"omar.haddad@harbor.example"
    )
    result = wrap_env(["--plan", str(harbor), "--today", HARBOR_DAY, str(sendmail), "-oi"], message, tmp_path)
    assert result.returncode == 1 and not (tmp_path / "received.eml").exists()
    err = result.stderr.decode()
    assert "-:1:1: error group-thank-you" in err  # the message as a whole: its first body line
    assert "-:3:172: warning pushy-language" in err  # in the decoded text, not the Content-Transfer-Encoding line


def _mail_clients() -> list:
    return [
        pytest.param(
            name,
            marks=pytest.mark.skipif(
                shutil.which(name) is None, reason=f"{name} is not installed (Debian/Ubuntu: apt-get install {name})"
            ),
        )
        for name in ("mutt", "neomutt")
    ]


@pytest.mark.parametrize("client", _mail_clients())
def test_a_mail_client_cannot_copy_or_blind_copy_an_interviewer(client, harbor, sendmail, tmp_path):
    """mutt and neomutt, in batch mode, sending through the wrapper to a stand-in MTA."""
    muttrc = tmp_path / "muttrc"
    muttrc.write_text(
        f'set sendmail="{HOOKS / "sendmail-presend"} --plan {harbor} --today {HARBOR_DAY} {sendmail} -oem -oi"\n'
        'set from="Jordan Lee <jordan.lee@mail.example>"\nset use_from=yes\nset record=""\nset charset="utf-8"\n'
    )
    env = {**hook_env(tmp_path), "HOME": str(tmp_path)}
    dana = (harbor.parent / "drafts" / "dana.md").read_text()

    def send(*args: str, body: str = dana) -> subprocess.CompletedProcess:
        return subprocess.run(
            [client, "-n", "-F", str(muttrc), "-s", "Thank you", *args],
            input=body.encode(),
            capture_output=True,
            env=env,
            timeout=120,
        )

    for copy in (["-c", "lee.park@harbor.example"], ["-b", "omar.haddad@harbor.example"]):
        refused = send(*copy, "dana.whitfield@harbor.example")
        assert refused.returncode != 0, copy
        assert b"group-thank-you" in refused.stdout + refused.stderr, copy
        assert not (tmp_path / "received.eml").exists(), copy
    sent = send("dana.whitfield@harbor.example")
    assert sent.returncode == 0, sent.stderr.decode()
    received = (tmp_path / "received.eml").read_bytes().decode()
    assert "To: dana.whitfield@harbor.example" in received and received.endswith(dana)
    assert (tmp_path / "received.args").read_text().splitlines()[-2:] == ["--", "dana.whitfield@harbor.example"]


def _git_version() -> tuple[int, ...]:
    out = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    return tuple(int(n) for n in out.split()[2].split(".")[:2])


@pytest.fixture
def git_repo(harbor, tmp_path) -> tuple[Path, dict]:
    """A repository with the validate hook and the Harbor plan, its dates moved to today (git
    send-email dates each message now, and presend reads that Date: header)."""
    today = date.today()
    plan = harbor.read_text().replace("timezone: America/Denver\n", "").replace("2027-03-02T14:00", "2027-03-02")
    for old, days in (("2027-03-02", 0), ("2027-03-03", 1), ("2027-03-16", 14), ("2027-03-17", 15)):
        plan = plan.replace(old, (today + timedelta(days=days)).isoformat())
    harbor.write_text(plan)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**hook_env(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    hook = repo / ".git" / "hooks" / "sendemail-validate"
    shutil.copy(HOOKS / "sendemail-validate", hook)
    hook.chmod(0o755)
    subprocess.run(["git", "config", "etiquette-lint.plan", str(harbor)], cwd=repo, check=True, env=env)
    return repo, env


def send_email(
    repo: Path, env: dict, sendmail: Path, name: str, message: str, *args: str
) -> subprocess.CompletedProcess:
    (repo / name).write_text(message)
    command = ["git", "-c", "user.name=Jordan Lee", "-c", "user.email=jordan.lee@mail.example", "send-email"]
    command += ["--confirm=never", f"--smtp-server={sendmail}", "--from=Jordan Lee <jordan.lee@mail.example>"]
    return subprocess.run([*command, *args, name], cwd=repo, capture_output=True, env=env, timeout=120)


@pytest.mark.skipif(
    not _git_send_email(), reason="`git send-email` is not installed (Debian/Ubuntu: apt-get install git-email)"
)
def test_git_send_email_checks_every_recipient_the_hook_can_see(git_repo, harbor, sendmail, tmp_path):
    repo, env = git_repo
    dana = (harbor.parent / "drafts" / "dana.md").read_text()
    # Recipients in the file's own headers: always visible to the hook.
    headed = f"To: dana.whitfield@harbor.example\nCc: lee.park@harbor.example\nSubject: Thank you\n\n{dana}"
    result = send_email(repo, env, sendmail, "dana.eml", headed)
    assert result.returncode != 0 and b"group-thank-you" in result.stderr
    assert not (tmp_path / "received.eml").exists()
    # Recipients from sendemail.to / sendemail.cc: the hook reads the configuration.
    for key, value in (
        ("sendemail.to", "dana.whitfield@harbor.example"),
        ("sendemail.cc", "omar.haddad@harbor.example"),
    ):
        subprocess.run(["git", "config", key, value], cwd=repo, check=True, env=env)
    plain = f"Subject: Thank you\n\n{dana}"
    result = send_email(repo, env, sendmail, "dana2.eml", plain)
    assert (
        result.returncode != 0 and b"group-thank-you" in result.stderr and b"also copies Omar Haddad" in result.stderr
    )
    assert not (tmp_path / "received.eml").exists()
    for key in ("sendemail.to", "sendemail.cc"):
        subprocess.run(["git", "config", "--unset", key], cwd=repo, check=True, env=env)
    # Recipients given only with --to: git 2.41+ passes them to the hook (a headers file);
    # older git does not, and the hook says so rather than pretend it checked.
    result = send_email(
        repo, env, sendmail, "omar.eml", plain.replace("Dear Dana", "Dear Omar"), "--to=omar.haddad@harbor.example"
    )
    if _git_version() >= (2, 41):
        assert result.returncode != 0 and b"carbon-copy" in result.stderr
        assert not (tmp_path / "received.eml").exists()
    else:
        assert result.returncode == 0, result.stderr.decode()
        assert b"not checked" in result.stderr and b"does not pass recipients given with --to" in result.stderr
        assert b"Dear Omar" in (tmp_path / "received.eml").read_bytes()


def test_the_validate_hook_reads_the_smtp_headers_newer_git_passes(git_repo, harbor, tmp_path):
    """git 2.41+ runs `sendemail-validate MESSAGE-FILE SMTP-HEADERS-FILE` (githooks(5)); run the
    hook the same way (the git here may be older)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (Debian/Ubuntu: apt-get install git)")
    repo, env = git_repo
    body = (harbor.parent / "drafts" / "dana.md").read_text().replace("Dear Dana", "Dear Omar")
    (repo / "omar.eml").write_text(f"Subject: Thank you\n\n{body}")
    (repo / "headers").write_text(
        "From: Jordan Lee <jordan.lee@mail.example>\nTo: omar.haddad@harbor.example\n"
        f"Subject: Thank you\nDate: {format_datetime(datetime.now(UTC))}\n"
    )
    hook = repo / ".git" / "hooks" / "sendemail-validate"
    result = subprocess.run(
        [str(hook), str(repo / "omar.eml"), str(repo / "headers")], cwd=repo, capture_output=True, env=env, timeout=120
    )
    assert result.returncode == 1 and b"carbon-copy" in result.stderr, result.stderr.decode()
    (repo / "headers").write_text("To: mom@family.example\n")
    result = subprocess.run(
        [str(hook), str(repo / "omar.eml"), str(repo / "headers")], cwd=repo, capture_output=True, env=env, timeout=120
    )
    assert result.returncode == 0 and b"not checked" in result.stderr


@pytest.mark.parametrize("client", _mail_clients())
def test_a_mail_client_shows_warnings_once_then_sends_the_same_message(client, harbor, sendmail, tmp_path):
    """mutt shows the output of a sendmail that fails and discards that of one that succeeds: the
    warnings are shown when the message is held back, and sending it again sends it."""
    muttrc = tmp_path / "muttrc"
    muttrc.write_text(
        f'set sendmail="{HOOKS / "sendmail-presend"} --plan {harbor} --today {HARBOR_DAY} {sendmail} -oem -oi"\n'
        'set from="Jordan Lee <jordan.lee@mail.example>"\nset use_from=yes\nset record=""\nset charset="utf-8"\n'
    )
    env = {**hook_env(tmp_path), "HOME": str(tmp_path)}
    chasing = (harbor.parent / "drafts" / "lee.md").read_text().replace("Best,", "Did you get my last email?\n\nBest,")

    def send() -> subprocess.CompletedProcess:
        return subprocess.run(
            [client, "-n", "-F", str(muttrc), "-s", "Thank you", "lee.park@harbor.example"],
            input=chasing.encode(),
            capture_output=True,
            env=env,
            timeout=120,
        )

    held = send()
    shown = (held.stdout + held.stderr).decode()
    assert held.returncode != 0 and not (tmp_path / "received.eml").exists()
    assert "warning pushy-language" in shown and "send the same message again" in shown
    sent = send()  # mutt writes new Date: and Message-ID: headers; the text and recipients are the same
    assert sent.returncode == 0, sent.stderr.decode()
    assert (tmp_path / "received.eml").read_bytes().decode().endswith(chasing)
