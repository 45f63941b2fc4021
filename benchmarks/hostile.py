"""Drafts shaped to make text analysis slow: one builder per shape, any size.

Each shape aims at one way a stage could cost more than linear time: a pattern anchored at every
line start (`^\\s*` under MULTILINE) that runs over the following blank lines, a search that
starts again at every candidate and runs to the end of the text (an unclosed `<!--`, an address
without its `@`), a walk over the whole sentence for every hit in it (one long sentence full of
hits), one finding per slot with its position counted from the top of the text.

`tests/test_hostile_text.py` runs every shape at 100 KB through the real linter under a timeout;
`benchmarks/text_speed.py --worst` times every shape at 1 MiB.
"""

from __future__ import annotations

from collections.abc import Callable

# The plan the shapes are checked with names these (see plan_yaml): the drafts may repeat them.
COMPANY = "Harbor Analytics"
OTHER_COMPANY = "Meridian Freight"


def _repeat(unit: str, size: int, head: str = "") -> str:
    """`head`, then `unit` repeated to `size` characters (cut at a unit boundary)."""
    count = max(1, (size - len(head)) // len(unit))
    return head + unit * count


_SENTENCE = (
    "I put together a rough plan for the warehouse telemetry pipeline and I still haven't heard back, "
    "so if I don't hear from you by Friday I will accept another offer and "
)

SHAPES: dict[str, Callable[[int], str]] = {
    # whitespace: every line start (or every position) is where `^\s*` or `\s+` starts again
    "blank lines": lambda n: _repeat("\n", n, "Hi Dana,\n"),
    "blank lines (CRLF)": lambda n: _repeat("\r\n", n, "Hi Dana,\r\n"),
    "blank lines with spaces": lambda n: _repeat(" \n", n, "Hi Dana,\n"),
    "spaces": lambda n: _repeat(" ", n, "Hi Dana,\n"),
    "tabs and newlines": lambda n: _repeat("\t\n\t", n, "Hi Dana,\n"),
    # sentence ends that are no ends: the splitter must not look back to the last real end
    '"a. " repeated': lambda n: _repeat("a. ", n),
    '"Mr. " repeated': lambda n: _repeat("Mr. ", n),
    '"e.g. x " repeated': lambda n: _repeat("e.g. x ", n),
    "lines of one list marker": lambda n: _repeat("\n- ", n),
    # an address, a link or a comment that never closes: each start runs to the end
    '"a.a.a." (an address without @)': lambda n: _repeat("a.", n),
    '"a.a.a.@" (an address with a bad host)': lambda n: _repeat("a.", n) + "@!",
    '"<a<a<a" (an angle address never closed)': lambda n: _repeat("<a", n),
    "unclosed <!--": lambda n: _repeat("<!--", n),
    "<!-- then text": lambda n: _repeat("word ", n, "Hi <!-- "),
    "unclosed ](": lambda n: _repeat("](", n),
    "]( then a long target": lambda n: _repeat("x", n, "see ]("),
    "unclosed `": lambda n: _repeat("`a", n),
    "www. repeated": lambda n: _repeat("www.", n),
    # one hit after another in one long sentence: nothing may walk the sentence per hit
    '"XXX " repeated': lambda n: _repeat("XXX ", n),
    '"[name] " repeated': lambda n: _repeat("[name] ", n),
    '"{{x}} " repeated': lambda n: _repeat("{{x}} ", n),
    'quoted "XXX repeated': lambda n: _repeat('"XXX ', n),
    "one line of pushy, pitch and ultimatum sentences": lambda n: _repeat(_SENTENCE, n),
    "one line of courtesy": lambda n: _repeat("thank you so much for your time and ", n),
    "one line of first-person deadlines": lambda n: _repeat("I will decide by Friday and ", n),
    "one line of questions": lambda n: _repeat("could I send you a plan? ", n).replace("? ", " ") + "?",
    "one line of names": lambda n: _repeat(f"{OTHER_COMPANY} and Dana Whitfield of {COMPANY} ", n),
    "one long word": lambda n: "Hi Dana,\n\n" + "a" * n,
    "one long word, then slots": lambda n: "a" * (n // 2) + " " + _repeat("XXX ", n // 2),
    # many short lines that look like a greeting, a sign-off or a signature
    '"Hi" lines': lambda n: _repeat("Hi\n", n),
    '"Dear Dana," lines': lambda n: _repeat("Dear Dana,\n", n),
    '"Best," lines': lambda n: _repeat("Best,\n", n, "Hi Dana,\n\nThank you.\n"),
    "short paragraphs of short lines": lambda n: _repeat("\n\nJordan Lee\nAnalyst\n", n, "Hi Dana,"),
    "paragraphs of 300-letter lines": lambda n: _repeat("\n\n" + "a" * 299 + ".", n, "Hi Dana,"),
    "quoted reply lines": lambda n: _repeat("> Hi Dana, thanks\n", n),
    # realistic prose, as long as it gets
    "prose": lambda n: _repeat(
        "Thank you for the tour of the warehouse telemetry pipeline on Tuesday. Your account of the "
        "late-arriving events stayed with me, and I would love to keep talking about the on-call "
        "rotation.\n\n",
        n,
        "Hi Dana,\n\n",
    ),
}


def plan_yaml(draft: str) -> str:
    """A plan with two companies (so companies named in drafts count) whose first action's
    draft is `draft` (a path relative to the plan)."""
    return f"""version: 1
candidate: {{name: Jordan Lee, decision_date: 2027-03-20}}
interviews:
  - id: onsite
    company: {COMPANY}
    role: Data Engineering Manager
    date: 2027-03-02
    timing: {{asked: true}}
    challenges: [carrier onboarding takes six weeks, late-arriving events]
    interviewers:
      - {{id: dana, name: Dana Whitfield, title: VP Engineering, email: dana@harbor.example,
         hiring_manager: true, topics: [warehouse telemetry pipeline, EDI integrations, on-call rotation]}}
      - {{id: omar, name: Omar Haddad, title: Staff Engineer, email: omar@harbor.example,
         topics: [schema registry]}}
  - id: meridian
    company: {OTHER_COMPANY}
    role: Analytics Lead
    date: 2027-03-05
    timing: {{asked: true}}
    interviewers:
      - {{id: ines, name: Ines Duarte, title: Director of Data, email: ines@meridian.example,
         hiring_manager: true, topics: [route planning]}}
actions:
  - {{id: thanks, kind: thank_you, channel: email, to: dana, date: 2027-03-02, draft: {draft}}}
  - {{id: thanks-omar, kind: thank_you, channel: email, to: omar, date: 2027-03-02,
     text: "Thank you for the schema registry walkthrough."}}
  - {{id: thanks-ines, kind: thank_you, channel: email, to: ines, date: 2027-03-05,
     text: "Thank you for the talk about route planning."}}
"""


def eml(draft: str) -> str:
    """The draft as a mail client hands it to a hook: headers, a blank line, the body."""
    return (
        "From: Jordan Lee <jordan@mail.example>\n"
        "To: Dana Whitfield <dana@harbor.example>\n"
        "Subject: Thank you\n"
        "Date: Tue, 02 Mar 2027 18:00:00 +0000\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n" + draft
    )
