"""The text functions one at a time: exact spans, and the near misses each must not take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etiquette_lint import lint_path, lint_text
from etiquette_lint.examples import EXAMPLE_TODAY, wrap_draft
from etiquette_lint.rules import load_rules
from etiquette_lint.text import (
    Hit,
    TopicLexicon,
    find_phrases,
    mask,
    sentences,
    shingles,
    similarity,
    specific_details,
    topic_mention,
)

PHRASES = load_rules().phrases
LEXICON = TopicLexicon.from_lists(PHRASES)


def hits(list_name: str, text: str) -> list[str]:
    return [h.text for h in find_phrases(text, PHRASES[list_name])]


# --- sentences ---------------------------------------------------------------------------------


def test_sentences_do_not_break_after_titles_and_abbreviations():
    text = "Dear Ms. Birch, the 6 a.m. shift starts early. Dr. Lee agreed! Next one?"
    parts = [text[s:e] for s, e in sentences(text)]
    assert parts == ["Dear Ms. Birch, the 6 a.m. shift starts early.", "Dr. Lee agreed!", "Next one?"]


def test_sentences_split_list_items_and_paragraphs():
    text = "Ideas:\n- first thing\n- second thing\n\nThanks"
    assert [text[s:e] for s, e in sentences(text)] == ["Ideas:", "- first thing", "- second thing", "Thanks"]


# --- topics ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "text", "words"),
    [
        ("CRM migration", "I enjoyed hearing about migrating the CRM next year.", "migrating the CRM"),
        ("Q3 roadmap", "The third-quarter roadmap looks ambitious.", "third-quarter roadmap"),
        ("Q3 planning", "Thanks for walking me through third-quarter planning.", "third-quarter"),
        ("carrier onboarding", "how your team onboards new carriers", "onboards new carriers"),
        ("capital improvement plan", "The CIP you showed me was clear.", "CIP"),
        ("EHR workflow", "the workflow in the electronic health records", "workflow in the electronic health records"),
        ("visual merchandising", "I liked the visual merch wall.", "visual merch"),
        ("conduit bending", "The conduit benidng demo was fun.", "conduit benidng"),
        ("SOC 2 audits", "my SOC2 audit experience", "SOC2 audit"),
        ("upselling at check-in", "how agents upsell rooms when guests check in", "upsell rooms when guests check"),
    ],
)
def test_topic_survives_inflection_order_abbreviation_and_case(topic, text, words):
    hit = topic_mention(text, topic, LEXICON)
    assert hit is not None
    assert text[hit.start : hit.end] == hit.text == words


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("data contracts", "Thank you for your time today and for the tour."),
        ("loan referrals", "I enjoyed meeting the branch team."),
        ("patient scheduling", "Thanks for the interview; the process was clear."),  # "process" is too weak
        ("strategic plan", "I have a plan to visit next week."),  # weak word alone is not the topic
    ],
)
def test_topic_near_misses(topic, text):
    assert topic_mention(text, topic, LEXICON) is None


def test_topic_words_must_share_a_sentence():
    text = "The pricing page is new. Experiments with onboarding came up later."
    assert topic_mention(text, "pricing experiments onboarding funnel", LEXICON) is None


# --- phrases in context ------------------------------------------------------------------------


def test_phrase_span_is_exact():
    text = "Hi Dana,\nJust checking in again. Did you get my last email?"
    found = find_phrases(text, PHRASES["pushy"])
    assert [(text[h.start : h.end], h.text) for h in found] == [
        ("checking in again", "checking in again"),
        ("Did you get my last email", "Did you get my last email"),
    ]


def test_negated_phrase_does_not_count():
    assert hits("ultimatum", "I would never say I need an answer by Friday.") == []
    assert hits("ultimatum", "I need an answer by Friday.") == ["I need an answer by Friday"]


def test_quoted_phrase_does_not_count():
    text = 'Customers used to tell us "I haven\'t heard back from anyone in a week" all the time.'
    assert hits("pushy", text) == []


def test_conditional_silence_is_not_chasing():
    assert hits("pushy", "If I don't hear back by Monday, I'll take the other offer.") == []
    assert hits("pushy", "I still haven't heard back.") == ["I still haven't heard back"]


def test_question_is_not_a_demand():
    assert hits("ultimatum", "Could I ask you to confirm by Friday?") == []


def test_requested_work_is_not_a_pitch():
    assert hits("solution-pitch", "As you asked, I've attached the checklist I built at my last job.") == []
    assert hits("solution-pitch", "I've attached a proposal for cutting your waitlist.") != []


def test_own_timeline_reaches_the_date_and_skips_the_readers():
    text = "I am weighing another offer and expect to decide by March 31."
    assert hits("own-timeline", text) == ["I am weighing another offer and expect to decide by March 31"]
    assert hits("own-timeline", "You said you hope to decide by the 15th.") == []
    assert hits("own-timeline", "I expect to decide soon.") == []  # no date or period


@pytest.mark.parametrize(
    "text",
    [
        "If you've gone with someone else, just let me know.",
        "If I'm not the right fit, that's completely fine.",
        "if u went with someone else thats ok",
        "If the role has been filled, please feel free to tell me.",
        "A simple no is fine.",
        "Either answer helps me: a yes, a no, or a not yet.",
    ],
)
def test_permission_to_decline_wordings(text):
    assert hits("permission-to-decline", text)


@pytest.mark.parametrize(
    "text",
    [
        "No worries at all if you need more time with the decision.",
        "If I don't hear back by Monday, I'll accept the other offer.",
        "I completely understand that these things take time.",
    ],
)
def test_permission_to_decline_near_misses(text):
    assert hits("permission-to-decline", text) == []


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("Hi [Name], thanks!", "[Name]"),
        ("Dear {{ first_name }},", "{{ first_name }}"),
        ("I loved <Company>.", "<Company>"),
        ("I have XX years of experience.", "XX"),
        ("Dear ______,", "______"),
        ("We discussed (insert topic).", "(insert topic)"),
        ("I would love to join the (company name) family.", "(company name)"),
        ("hey INSERT NAME thanks", "INSERT NAME"),
    ],
)
def test_placeholders(text, slot):
    assert hits("placeholder", text) == [slot]


@pytest.mark.parametrize(
    "text",
    [
        "See [my portfolio][1] when you can.",
        "Portfolio [PDF, 2 MB]: (link below)",
        "- [x] references sent",
        "the XXL jackets",
        "a 46,XX karyotype",
        'the worksheets ("___ + 7 = 12") were fun',
        "Best,\n___\nQuinn",
        "the macro typed <Tab><Enter>",
    ],
)
def test_placeholder_near_misses(text):
    assert hits("placeholder", text) == []


# --- specific detail and near copies -----------------------------------------------------------


def test_specific_detail_leaves_out_stock_names_and_signature():
    text = "Dear Dana,\n\nThank you for the interview today. I am a reliable, hardworking person.\n\nBest regards,\nJordan Lee"
    assert specific_details(text, PHRASES["stock-words"].words, ["Dana Whitfield", "Jordan Lee"]) == []
    text = "Dear Dana, thank you for the tour of the Rotterdam depot and the night-shift scanner exceptions."
    details = {h.text for h in specific_details(text, PHRASES["stock-words"].words, ["Dana Whitfield"])}
    assert {"Rotterdam", "depot", "scanner", "exceptions"} <= details


def _shingles(text: str, names: list[str]):
    return shingles(mask(text, names), PHRASES["courtesy"])


def test_similarity_swapped_template_is_a_copy():
    a = _shingles(
        "Dear Dana, I was impressed by the passion of the team and how Harbor approaches problems. "
        "I am confident my background would let me contribute from day one.",
        ["Dana", "Harbor"],
    )
    b = _shingles(
        "Dear Omar, I was impressed by the passion of the team and how Harbor approaches problems. "
        "I am confident my background would let me contribute from day one.",
        ["Omar", "Harbor"],
    )
    assert similarity(a, b) == 1.0


def test_similarity_light_rewording_counts_half():
    a = _shingles("I already have a few ideas for the volunteers.", [])
    b = _shingles("I already have some ideas for the volunteers.", [])
    assert 0.3 < similarity(a, b) < 1.0


def test_similarity_ignores_courtesy_lines():
    a = _shingles(
        "Thank you for your time. Your story about the nightly batch stayed with me. "
        "I look forward to hearing from you.",
        [],
    )
    b = _shingles(
        "Thank you for your time. The pager load and the on-call split were eye-opening. "
        "I look forward to hearing from you.",
        [],
    )
    assert similarity(a, b) < 0.2


# --- spans in files ----------------------------------------------------------------------------

PLAN = """\
version: 1
candidate: {name: Jordan Lee}
interviews:
  - id: onsite
    company: Harbor Analytics
    date: 2027-03-02
    timing: {asked: true}
    interviewers:
      - {id: dana, name: Dana Whitfield, email: dana.whitfield@harbor.example, hiring_manager: true}
actions:
  - {id: a, kind: thank_you, channel: email, to: dana, date: 2027-03-02, draft: d.eml}
  - {id: b, kind: thank_you, channel: email, to: dana, date: 2027-03-02, draft: d.txt}
  - {id: c, kind: thank_you, channel: email, to: dana, date: 2027-03-02, draft: d.md}
  - id: e
    kind: follow_up
    channel: email
    to: dana
    date: 2027-03-12
    text: |
      Hi Dana,
      I still haven't heard back about the role.
"""
EML = (
    "From: Jordan Lee <jordan@example.com>\nTo: Dana Whitfield <dana.whitfield@harbor.example>\n"
    "Subject: Thank you, [Name]\n\nHi Dana,\n\nJust checking in again. Did you get my last email?\n"
)
TXT = "Hi Dana,\r\nI have attached a proposal for the night shift.\r\n"
MD = "# Thanks\n\n<!-- [Name] in a comment is not read -->\nHi **Dana**, here is [my notes](https://x.example) and {{ topic }}.\n"


def test_spans_point_at_the_words_in_each_kind_of_file(tmp_path):
    (tmp_path / "d.eml").write_text(EML, encoding="utf-8")
    (tmp_path / "d.txt").write_bytes(TXT.encode("utf-8"))
    (tmp_path / "d.md").write_text(MD, encoding="utf-8")
    plan = tmp_path / "p.plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    report = lint_path(plan, today=None, select=["pushy-language", "unfilled-placeholder", "solving-their-problem"])
    got = []
    for f in report.findings:
        lines = (tmp_path / f.path.rsplit("/", 1)[-1]).read_bytes().decode("utf-8").split("\n")
        assert f.line == f.end_line
        got.append((f.rule, f.path.rsplit("/", 1)[-1], f.line, lines[f.line - 1][f.column - 1 : f.end_column - 1]))
    assert sorted(got) == sorted(
        [
            ("unfilled-placeholder", "d.eml", 3, "[Name]"),
            ("pushy-language", "d.eml", 7, "checking in again"),
            ("pushy-language", "d.eml", 7, "Did you get my last email"),
            ("solving-their-problem", "d.txt", 2, "I have attached a proposal"),
            ("unfilled-placeholder", "d.md", 4, "{{ topic }}"),
            ("pushy-language", "p.plan.yaml", 21, "I still haven't heard back"),
        ]
    )


def test_finding_message_quotes_the_words(tmp_path):
    text = wrap_draft("Hi Dana, did you get my last email? I still haven't heard back.", kind="follow_up")
    report = lint_text(text, base_dir=tmp_path, select=["pushy-language"])
    messages = [f.message for f in report.findings]
    assert any('"did you get my last email"' in m for m in messages)
    assert any('"I still haven\'t heard back"' in m for m in messages)
    data = json.loads(json.dumps([f.to_dict() for f in report.findings]))
    assert all(d["end_line"] >= d["line"] for d in data)


def test_hit_is_frozen():
    hit = Hit(1, 3, "ab")
    with pytest.raises(AttributeError):
        hit.start = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("list_name", "text"),
    [
        ("solution-pitch", "I would suggest we meet next week."),
        ("solution-pitch", "I have some ideas about what I'd like to learn."),
        ("solution-pitch", "Your new scheduling tool cuts wait times by half, which is impressive."),
        ("pushy", "I haven't seen anything like your dispatch board."),
        ("pushy", "I didn't hear back from the other company yet, but you are my first choice."),
        ("pushy", "No reply needed!"),
        ("ultimatum", "Please confirm by Friday whether 10am works for the second interview."),
        ("ultimatum", "Let me know by Friday if you need references."),
        ("permission-to-decline", "Should you need another reference, I can send one."),
    ],
)
def test_near_misses_outside_the_corpus(list_name, text):
    """Wordings written after the lists were tuned, to keep them general."""
    assert hits(list_name, text) == []


def test_every_builtin_phrase_list_compiles():
    """Built-in lists are compiled on first use (not at start-up); this proves they all compile."""
    from etiquette_lint.resources import rules_dir
    from etiquette_lint.text import _check, load_phrase_lists

    for phrases in load_phrase_lists([rules_dir()]).values():
        _check(Path(phrases.path), phrases.sources)
        assert phrases.scanner is not None or not phrases.sources


def test_a_bad_pattern_in_a_user_folder_is_reported_at_load(tmp_path):
    from etiquette_lint import RuleError
    from etiquette_lint.resources import rules_dir
    from etiquette_lint.text import load_phrase_lists

    (tmp_path / "phrases").mkdir()
    (tmp_path / "phrases" / "pushy.yaml").write_text("name: pushy\npatterns:\n  - 'why (oh why'\n", encoding="utf-8")
    with pytest.raises(RuleError, match="pattern 0"):
        load_phrase_lists([rules_dir(), tmp_path], trusted=rules_dir())


# --- 1.1: greetings, companies, detail filler, ultimatum and timeline precision -------------------


from etiquette_lint.text import common_words, company_mentions, distinctive_words, greeting_names  # noqa: E402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Wen,\n\nThank you for today.", [("Wen", True)]),
        ("Dear Ms. Okafor:\nThank you.", [("Okafor", True)]),
        ("Wen -\nthanks for the tour.", [("Wen", True)]),
        ("Hello and thanks, Wen!\n", [("and", True), ("thanks", True), ("Wen", False)]),
        ("Hi there,\n\nWen, thank you so much.", [("there", True), ("Wen", True)]),
        ("Hi Wen and Oksana, thanks. Dana said hi.", [("Wen", True), ("and", True), ("Oksana", True)]),
        ("Thank you for the time, Wen.", []),
        ("Hi, hope you are well.", []),
        ("> Hi Wen,\n> quoted\n\nHi Oksana,", [("Oksana", True)]),
        ("Subject: Thank you for Tuesday\n\nHi Wen,\n\nThanks.", [("Wen", True)]),
        ("**Subject:** Thanks\nTo: Oksana Petrenko\n\nWen,\nthank you.", [("Wen", True)]),
        ("# Thank you\n\nDear Mr. Zhao:\n", [("Zhao", True)]),
    ],
)
def test_greeting_names(text, expected):
    assert [(g.text, g.addressed) for g in greeting_names(text)] == expected


def _plan_two_people(text: str, *, aliases: str = "[]") -> str:
    return f"""version: 1
candidate: {{name: Jordan Lee}}
interviews:
  - id: onsite
    company: Harbor Analytics
    date: 2027-03-02
    timing: {{asked: true}}
    interviewers:
      - {{id: wen, name: Wen Zhao, email: wen@harbor.example, hiring_manager: true}}
      - {{id: oksana, name: Oksana Petrenko, email: oksana@harbor.example, aliases: {aliases}}}
actions:
  - {{kind: thank_you, channel: email, to: wen, date: 2027-03-02, text: "Hi Wen, thanks for the backlog review."}}
  - {{kind: thank_you, channel: email, to: oksana, date: 2027-03-02, text: {json.dumps(text)}}}
"""


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Hi Wen, thank you for the on-call walkthrough.", True),
        ("Dear Mr. Zhao, thank you for the on-call walkthrough.", True),
        ("Hello and thanks, Wen! The on-call walkthrough was great.", True),
        ("HI WEN, thank you for the on-call walkthrough.", True),
        ("Hi Oksana, Wen told me you built the rotation.", False),
        ("Hi Ksenia, thank you for the on-call walkthrough.", False),
        ("Dear Ms. Petrenko, thank you for the on-call walkthrough.", False),
        ("Hi Jordan here - thanks for the on-call walkthrough.", False),
    ],
)
def test_wrong_name_on_the_greeting_only(text, fires):
    report = lint_text(_plan_two_people(text, aliases="[Ksenia]"), select=["wrong-name"], today=EXAMPLE_TODAY)
    assert bool(report.findings) is fires, [f.message for f in report.findings]


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_wrong_name_sees_the_greeting_below_a_subject_line(tmp_path, suffix):
    """A plain-text or Markdown draft that opens with "Subject: ..." still has its greeting read."""
    (tmp_path / f"oksana{suffix}").write_text(
        "Subject: Thank you for the on-call walkthrough\n\nHi Wen,\n\nThank you for the walkthrough.\n",
        encoding="utf-8",
    )
    plan = _plan_two_people("x").replace('text: "x"', f"draft: oksana{suffix}")
    report = lint_text(plan, base_dir=tmp_path, select=["wrong-name"], today=EXAMPLE_TODAY)
    assert [(f.rule, f.line) for f in report.findings] == [("wrong-name", 3)], [f.message for f in report.findings]


def test_distinctive_words_skip_common_words_and_legal_suffixes():
    common = common_words()
    assert distinctive_words("Meridian Health Partners LLC", common) == ("Meridian",)
    assert distinctive_words("Harbor Analytics", common) == ()
    assert distinctive_words("Solvane Medical Devices, Inc.", common) == ("Solvane",)


def test_company_mentions_whole_name_and_capitalised_word():
    text = "Joining Meridian's team, the meridian line, and Meridian Health Partners.\n> Meridian quoted"
    found = [h.text for h in company_mentions(text, "Meridian Health Partners", ("Meridian",))]
    assert found == ["Meridian", "Meridian Health Partners"]
    assert [h.text for h in company_mentions("the summit of the hill; Summit's offer", "Summit", ())] == ["Summit"]


def test_detail_leaves_out_filler_fragments_and_signature_block():
    stock = PHRASES["stock-words"].words
    text = (
        "Dear Greg,\n\nI especially enjoyed the opening and even the real abilities you need; I would be "
        "an asset. I look forward to hea\n\nMaria Gomez\nAnalyst | 555-0101\n"
    )
    assert [h.text for h in specific_details(text, stock, ["Greg"], common_words())] == []


def _detail(text: str, names: list[str] = ()) -> int:
    """detail_count as the action fact has it (through facts._reading)."""
    from etiquette_lint.facts import _reading

    args = (PHRASES.get("courtesy"), PHRASES.get("placeholder"), PHRASES.get("stock-words"), LEXICON)
    logistics = (PHRASES.get("own-timeline"), PHRASES.get("ultimatum"))
    return _reading(text, (), tuple(names), *args, logistics)[1]


def test_frequent_words_weigh_little_as_detail():
    """A stock note's leftover words are frequent English ("allow", "built", "meaningful"): under 3;
    a note of rare words, names inside a sentence, numbers (also written out) is detailed."""
    stock = (
        "Dear Dr. Kowalczyk,\n\nThank you so much for meeting with me today. I really enjoyed getting to know "
        "the wonderful team you have built. I believe my background would allow me to make a meaningful "
        "contribution from day one.\n\nKind regards,\nImogen"
    )
    assert _detail(stock) < 3
    assert _detail("Thanks for the tour of the operatories and the sterilization bay.") >= 3
    assert _detail("Driving for the city since January, eleven years on the night routes.") >= 3
    assert _detail("I loved the big new picture on the left.") < 3


def test_greeting_name_line_and_own_timeline_are_no_detail():
    """An opening "Patricia," and the candidate's own deadline or terms say nothing of the conversation."""
    note = "Patricia,\n\nThank you for your time today and for showing me round. I enjoyed the visit."
    assert _detail(note) < 3
    timeline = (
        "Thank you for your time today. I am weighing another offer from a brokerage and expect to reach "
        "a decision by March 26; otherwise I will have no choice but to accept it."
    )
    assert _detail(timeline) < 3
    slot = "Thank you. I enjoyed our talk about [specific project] and came away with a clearer picture."
    assert _detail(slot) < 3


def test_polite_close_by_silence_is_not_an_ultimatum():
    assert hits("ultimatum", "Unless I hear differently by Friday, I'll take it that you've gone another way.") == []
    assert hits("ultimatum", "If I don't hear back by Friday, I will assume you have moved on.") == []
    assert hits("ultimatum", "If I don't hear back by Friday, I will take the other offer.")


def test_own_timeline_needs_the_date_near_the_decision():
    assert hits("own-timeline", "A couple of other offers have come my way, so I wanted you to know.") == []
    long = (
        "I have another offer, and I have really enjoyed every conversation with the team over the "
        "past weeks and the tour on Friday."
    )
    assert hits("own-timeline", long) == []
    assert hits("own-timeline", "I have another offer that expires on March 31.")


def test_solution_pitch_names_the_challenge_of_the_sentence_before():
    plan = wrap_draft(
        "Hi Dana, the six-week carrier onboarding stuck with me. Here is how I would fix it: one intake form.",
        challenges=["carrier onboarding takes six weeks"],
    )
    report = lint_text(plan, select=["solving-their-problem"], today=EXAMPLE_TODAY)
    assert len(report.findings) == 1
    assert "carrier onboarding takes six weeks" in report.findings[0].message


def test_a_fix_offered_as_a_question_is_a_pitch_about_the_challenge():
    plan = wrap_draft(
        "Hi Dana, the new drivers take a month to get road-ready. Would it help if I sent over the onboarding "
        "checklist I'd use to get them ready in a week?",
        kind="follow_up",
        challenges=["new drivers take a month to get road-ready"],
    )
    report = lint_text(plan, select=["solving-their-problem"], today=EXAMPLE_TODAY)
    assert len(report.findings) == 1
    assert "new drivers take a month to get road-ready" in report.findings[0].message
    assert hits("solution-offer", "Would it help if I sent the agenda for Friday?") == []
