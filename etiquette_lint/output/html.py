"""One self-contained HTML page: the timeline of every company, each event with its findings, the
findings linked to the words of the draft they quote, and (for `check --format html`) the list of
every finding. Inline CSS only: no script, no font, no image, nothing fetched, so it works offline
and prints. Every piece of plan and draft text is escaped: drafts are untrusted input.
"""

from __future__ import annotations

from html import escape
from itertools import pairwise

from ..formats import summary_line
from ..planner.timeline import CompanyTimeline, Event, Timeline
from ..report import Finding
from .timeline_text import SEVERITY_MARKS

_KIND_LABELS = {
    "interview": "Interview",
    "reply": "Reply",
    "decision_by": "Their decision date",
    "decision_date": "Your decision date",
    "today": "Today",
    "next": "Next step",
}

CSS = """
:root { --ink:#1f2933; --muted:#52606d; --rail:#9aa5b1; --paper:#fff; --card:#f5f7fa;
  --error:#b42318; --warning:#8a5a00; --info:#175cd3; --today:#c2410c; --ok:#067647; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color:var(--ink); background:var(--paper); }
a { color:#1849a9; }
.skip { position:absolute; left:-999px; }
.skip:focus { left:1rem; top:1rem; background:#fff; padding:.25rem .5rem; }
header.page, main, footer.page { max-width:62rem; margin:0 auto; padding:0 1.25rem; }
header.page { padding-top:1.5rem; border-bottom:1px solid #d9dee3; }
h1 { font-size:1.6rem; margin:.2rem 0; }
h2 { font-size:1.3rem; margin:2rem 0 .25rem; }
h3 { font-size:1rem; margin:0; }
.summary { color:var(--muted); margin:.25rem 0 .75rem; }
nav.toc ul { list-style:none; padding:0; margin:0 0 1rem; display:flex; flex-wrap:wrap; gap:.4rem 1rem; }
.meta { color:var(--muted); margin:0 0 1rem; font-size:.9rem; overflow-wrap:anywhere; }
ol.timeline { list-style:none; margin:0 0 0 8.5rem; padding:0 0 .5rem; border-left:3px solid var(--rail); }
.event { position:relative; margin:0 0 .9rem; padding-left:1.4rem; break-inside:avoid; page-break-inside:avoid; }
.event .when { position:absolute; left:-8.5rem; width:7.6rem; text-align:right; top:.45rem;
  font-size:.85rem; color:var(--muted); font-variant-numeric:tabular-nums; }
.event .dot { position:absolute; left:-.6rem; top:.6rem; width:.95rem; height:.95rem; border-radius:50%;
  background:var(--paper); border:3px solid var(--rail); }
.event-interview .dot { border-radius:2px; transform:rotate(45deg); background:#3e4c59; border-color:#3e4c59; }
.event-action.sent .dot { background:#3e4c59; border-color:#3e4c59; }
.event-reply .dot { background:var(--ok); border-color:var(--ok); }
.event-decision_by .dot, .event-decision_date .dot { border-radius:0; }
.card { background:var(--card); border:1px solid #d9dee3; border-radius:.5rem; padding:.5rem .8rem; }
.event-interview .card { background:#eef2f6; }
.event-next .card { border:2px dashed var(--today); background:#fff7ed; }
.event-decision_by .card, .event-decision_date .card { background:transparent; border-style:dashed; }
.kind { font-size:.75rem; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); font-weight:600; }
.status { display:inline-block; font-size:.75rem; font-weight:600; border:1px solid currentColor;
  border-radius:1rem; padding:0 .5rem; margin-left:.4rem; vertical-align:.1rem; }
.status.planned, .status.wait { color:var(--muted); }
.status.sent { color:var(--ok); }
.status.overdue, .status.stop { color:var(--error); }
.status.due { color:var(--warning); }
.details { margin:.2rem 0 0; padding:0; list-style:none; font-size:.9rem; color:var(--muted); overflow-wrap:anywhere; }
.event-today { margin:1.1rem 0; }
.event-today .dot { background:var(--today); border-color:var(--today); }
.event-today .card { background:none; border:none; border-top:2px solid var(--today); border-radius:0;
  color:var(--today); font-weight:700; padding:.1rem 0 0; }
.event-today .when { color:var(--today); font-weight:700; top:.1rem; }
.event-today .dot { top:.25rem; }
ul.findings { list-style:none; margin:.4rem 0 0; padding:0; }
.finding { border-left:4px solid; padding:.15rem .5rem; margin:.3rem 0; background:var(--paper); font-size:.92rem; }
.sev { font-weight:700; white-space:nowrap; }
.finding.error, .sev.error { border-color:var(--error); } .sev.error { color:var(--error); }
.finding.warning { border-color:var(--warning); } .sev.warning { color:var(--warning); }
.finding.info { border-color:var(--info); } .sev.info { color:var(--info); }
code { font:.88em/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.rule { background:#e4e7eb; border-radius:.25rem; padding:0 .25rem; }
.quote { white-space:nowrap; }
.findings-all li { margin:.35rem 0; }
.draft { margin:1rem 0; border:1px solid #d9dee3; border-radius:.5rem; break-inside:auto; }
.draft h3 { background:#eef2f6; padding:.35rem .8rem; border-radius:.5rem .5rem 0 0; overflow-wrap:anywhere; }
.draft pre { margin:0; padding:.6rem .8rem; white-space:pre-wrap; overflow-wrap:anywhere;
  font:.85rem/1.5 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.ln { color:var(--rail); user-select:none; display:inline-block; width:2.5em; }
mark { background:#fde68a; color:inherit; border-bottom:2px solid var(--warning); padding:0 1px; }
mark.error { background:#fecdca; border-bottom-color:var(--error); }
mark.info { background:#d1e9ff; border-bottom-color:var(--info); }
sup.ref { font-size:.7rem; }
:target { outline:3px solid #1849a9; outline-offset:2px; }
footer.page { color:var(--muted); font-size:.85rem; padding-top:2rem; padding-bottom:2rem; }
@media (max-width:40rem) {
  ol.timeline { margin-left:.5rem; }
  .event .when { position:static; display:block; width:auto; text-align:left; }
}
@media print {
  body { font-size:11pt; }
  .skip, nav.toc { display:none; }
  header.page, main, footer.page { max-width:none; padding:0; }
  .card, .finding, .draft, .event-next .card { background:none !important; }
  mark { background:none; text-decoration:underline; }
  a { color:inherit; text-decoration:none; }
  section.company { break-before:auto; }
  h2, h3 { break-after:avoid; }
}
"""


def _slug(prefix: str, n: int) -> str:
    return f"{prefix}-{n}"


class _Page:
    """Numbering shared by the timeline, the findings list and the drafts: finding N is `f-N` in
    the timeline and `q-N` where it quotes a draft."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.number = {id(f): n for n, f in enumerate(timeline.report.findings, 1)}
        self.drafts: list[str] = []  # draft paths, in timeline order
        for company in timeline.companies:
            for event in company.events:
                if event.draft and event.draft not in self.drafts:
                    self.drafts.append(event.draft)
        for finding in timeline.report.findings:
            if finding.path != finding.plan and finding.path not in self.drafts:
                self.drafts.append(finding.path)
        self.quoted = {id(f) for f in timeline.report.findings if f.path in self.drafts}

    def draft_id(self, path: str) -> str:
        return _slug("d", self.drafts.index(path) + 1)


def _severity(finding: Finding) -> str:
    mark = SEVERITY_MARKS[finding.severity]
    return f'<span class="sev {finding.severity}"><span aria-hidden="true">{mark} </span>{finding.severity}</span>'


def _finding_item(page: _Page, finding: Finding, *, anchor: bool) -> str:
    n = page.number[id(finding)]
    ident = f' id="{_slug("f", n)}"' if anchor else ""
    parts = [
        f'<li class="finding {finding.severity}"{ident} data-rule="{escape(finding.rule)}"'
        f' data-pointer="{escape(finding.pointer)}">',
        f'{_severity(finding)} <code class="rule">{escape(finding.rule)}</code> {escape(finding.message)}',
    ]
    if id(finding) in page.quoted:
        where = f"{finding.path.rsplit('/', 1)[-1]}, line {finding.line}"
        parts.append(f' <a class="quote" href="#{_slug("q", n)}">the words in the draft ({escape(where)})</a>')
    if finding.fix:
        parts.append(f'<br><span class="fix"><strong>Fix:</strong> {escape(finding.fix)}</span>')
    parts.append("</li>")
    return "".join(parts)


def _event(page: _Page, event: Event) -> str:
    classes = f"event event-{event.kind} {escape(event.status)}".strip()
    kind = _KIND_LABELS.get(event.kind, "Action")
    pointer = f' data-pointer="{escape(event.pointer)}"' if event.pointer else ""
    out = [f'<li class="{classes}" data-kind="{event.kind}"{pointer}>']
    out.append('<span class="dot" aria-hidden="true"></span>')
    out.append(f'<p class="when"><time datetime="{event.day.isoformat()}">{escape(event.when)}</time></p>')
    out.append('<div class="card">')
    if event.kind == "today":
        out.append(f"<h3>Today, {escape(event.day.strftime('%A %d %B %Y'))}</h3>")
    else:
        label = "" if event.kind == "action" else f'<span class="kind">{escape(kind)}</span><br>'
        status = ""
        if event.status and event.kind != "reply":
            status = f' <span class="status {escape(event.status)}">{escape(event.status)}</span>'
        out.append(f"<h3>{label}{escape(event.title)}{status}</h3>")
    if event.details or event.draft:
        out.append('<ul class="details">')
        for detail in event.details:
            if event.draft and detail == f"draft: {event.draft}":
                continue
            out.append(f"<li>{escape(detail)}</li>")
        if event.draft:
            out.append(
                f'<li>draft: <a href="#{page.draft_id(event.draft)}"><code>{escape(event.draft)}</code></a></li>'
            )
        out.append("</ul>")
    if event.findings:
        label = f"{len(event.findings)} finding{'s' if len(event.findings) != 1 else ''}"
        out.append(f'<ul class="findings" aria-label="{label}">')
        out.extend(_finding_item(page, f, anchor=True) for f in event.findings)
        out.append("</ul>")
    out.append("</div></li>")
    return "\n".join(out)


def _company(page: _Page, n: int, company: CompanyTimeline) -> str:
    head = _slug("c", n)
    roles = " · ".join(company.roles)
    out = [f'<section class="company" id="{head}" aria-labelledby="{head}-h">']
    out.append(f'<h2 id="{head}-h">{escape(company.company)}</h2>')
    out.append(f'<p class="meta">{escape(roles)}{" · " if roles else ""}<code>{escape(company.plan)}</code></p>')
    out.append(f'<ol class="timeline" aria-label="Timeline of {escape(company.company)}">')
    out.extend(_event(page, e) for e in company.events)
    out.append("</ol></section>")
    return "\n".join(out)


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _draft(page: _Page, path: str) -> str:
    text = page.timeline.report.sources.get(path)
    ident = page.draft_id(path)
    out = [f'<article class="draft" id="{ident}" aria-labelledby="{ident}-h">']
    out.append(f'<h3 id="{ident}-h"><code>{escape(path)}</code></h3>')
    if text is None:
        out.append("<p>(the text of this draft is not available)</p></article>")
        return "\n".join(out)
    text = text.replace("\r\n", "\n")
    starts = _offsets(text)

    def offset(line: int, column: int) -> int:
        line = min(max(line, 1), len(starts))
        end = starts[line] - 1 if line < len(starts) else len(text)
        return min(starts[line - 1] + max(column - 1, 0), end)

    spans = []  # (start, end, finding)
    for finding in page.timeline.report.findings:
        if finding.path != path:
            continue
        start = offset(finding.line, finding.column)
        end = max(offset(finding.end_line, finding.end_column), start + 1)
        spans.append((start, min(end, len(text)), finding))
    # Cut the text where any span starts or ends, and at line ends (for line numbers).
    cuts = sorted({0, len(text), *[s for s, _, _ in spans], *[e for _, e, _ in spans], *starts})
    rank = {"error": 3, "warning": 2, "info": 1}
    pieces = ['<span class="ln" aria-hidden="true">1</span>']
    line_no = 1
    for a, b in pairwise(cuts):
        for s, _, finding in spans:
            if s == a:
                pieces.append(f'<span id="{_slug("q", page.number[id(finding)])}"></span>')
        chunk = text[a:b]
        covering = [f for s, e, f in spans if s <= a < e]
        if covering and chunk.strip("\n"):
            worst = max(covering, key=lambda f: rank[f.severity]).severity
            rules = ", ".join(sorted({f.rule for f in covering}))
            pieces.append(f'<mark class="{worst}" title="{escape(rules)}">{escape(chunk)}</mark>')
        else:
            pieces.append(escape(chunk))
        for _, e, finding in spans:
            if e == b:
                n = page.number[id(finding)]
                pieces.append(
                    f'<sup class="ref"><a href="#{_slug("f", n)}" aria-label="finding {n}: {escape(finding.rule)}">'
                    f"[{n}]</a></sup>"
                )
        if chunk.endswith("\n") and b < len(text):
            line_no += 1
            pieces.append(f'<span class="ln" aria-hidden="true">{line_no}</span>')
    out.append(f"<pre>{''.join(pieces)}</pre></article>")
    return "\n".join(out)


def _findings_list(page: _Page) -> str:
    report = page.timeline.report
    out = ['<section id="findings" aria-labelledby="findings-h">', '<h2 id="findings-h">Findings</h2>']
    if not report.findings:
        out.append("<p>No findings.</p>")
    current = None
    for finding in report.findings:
        if finding.path != current:
            if current is not None:
                out.append("</ol>")
            current = finding.path
            out.append(f"<h3><code>{escape(finding.path)}</code></h3>")
            out.append('<ol class="findings-all">')
        n = page.number[id(finding)]
        out.append(
            f'<li class="finding {finding.severity}" data-rule="{escape(finding.rule)}">'
            f'<a href="#{_slug("f", n)}">{escape(finding.path)}:{finding.line}:{finding.column}</a> '
            f'{_severity(finding)} <code class="rule">{escape(finding.rule)}</code> {escape(finding.message)}</li>'
        )
    if current is not None:
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


def to_html(timeline: Timeline, *, findings_list: bool = False) -> str:
    """The page (`findings_list`: the whole report below the timeline, as `check --format html`)."""
    page = _Page(timeline)
    report = timeline.report
    title = "Follow-up report" if findings_list else "Follow-up timeline"
    body = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No script may run and nothing may be fetched, even if escaping ever failed.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="generator" content="etiquette-lint">',
        f"<title>{escape(title)}: {escape(', '.join(c.company for c in timeline.companies) or 'no plans')}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the timeline</a>',
        '<header class="page">',
        f"<h1>{escape(title)}</h1>",
        f'<p class="summary">As of <time datetime="{timeline.today.isoformat()}">'
        f"{escape(timeline.today.strftime('%A %d %B %Y'))}</time>. {escape(summary_line(report))}</p>",
    ]
    if len(timeline.companies) > 1:
        body.append('<nav class="toc" aria-label="Companies"><ul>')
        body.extend(
            f'<li><a href="#{_slug("c", n)}">{escape(c.company)}</a></li>' for n, c in enumerate(timeline.companies, 1)
        )
        body.append("</ul></nav>")
    body.append("</header>")
    body.append('<main id="main">')
    if report.errors:
        body.append('<section aria-labelledby="errors-h"><h2 id="errors-h">Input errors</h2><ul>')
        body.extend(f"<li><code>{escape(str(e))}</code></li>" for e in report.errors)
        body.append("</ul></section>")
    body.extend(_company(page, n, c) for n, c in enumerate(timeline.companies, 1))
    if timeline.loose:
        body.append('<section aria-labelledby="loose-h"><h2 id="loose-h">Other findings</h2><ul class="findings">')
        body.extend(_finding_item(page, f, anchor=True) for f in timeline.loose)
        body.append("</ul></section>")
    if findings_list:
        body.append(_findings_list(page))
    if page.drafts:
        body.append('<section id="drafts" aria-labelledby="drafts-h"><h2 id="drafts-h">Drafts</h2>')
        body.extend(_draft(page, path) for path in page.drafts)
        body.append("</section>")
    body.append("</main>")
    body.append(f'<footer class="page"><p>Made by etiquette-lint {escape(report.version)}.</p></footer>')
    body.append("</body></html>")
    return "\n".join(body) + "\n"
