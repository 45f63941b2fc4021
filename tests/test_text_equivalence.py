"""The fast, linear text path finds exactly what the plain one found (issue 10, issue 11 item 3).

Text analysis was made linear and fast without changing a verdict: a phrase list is tried only
where a word's first letters can start it (analysis.dispatch), contexts are read once per
sentence, names are found in one pass, lines are matched without `^\\s*`, links and comments are
blanked without rescanning. Each stage is checked here against the plain implementation it
replaced (written out below, as it was): on every draft of the examples, the fixtures and the
labelled corpora, on the hostile shapes, and on generated text (hypothesis) for the character-level
stages. The outputs of whole lints are compared before and after each change by
`benchmarks/outputs.py`.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etiquette_lint import text as T
from etiquette_lint.messages import Segment, blank_comments
from etiquette_lint.rules import load_rules

from conftest import ROOT

PHRASES = load_rules().phrases
LATER_BLIND_SET = re.compile(r"^corpus-holdout-\d+$")  # never opened before its one measurement


def _drafts() -> list[tuple[str, str]]:
    folders = [ROOT / "examples", ROOT / "tests" / "fixtures"] + [
        f for f in sorted((ROOT / "tests").glob("corpus*")) if f.is_dir() and not LATER_BLIND_SET.match(f.name)
    ]
    out = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".md", ".txt", ".eml") and path.is_file() and path.name != "README.md":
                try:
                    out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
                except UnicodeDecodeError:
                    continue
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
    hostile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostile)
    out += [(f"hostile {name}", build(1_500)) for name, build in sorted(hostile.SHAPES.items())]
    return out


DRAFTS = _drafts()
TEXT_LISTS = [name for name, phrases in PHRASES.items() if phrases.sources]

# --- the plain implementations -------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;:—–()]|\b(?:but|and|or|because|so|although|though|while)\b", re.I)


def plain_inside_quotes(sentence: str, offset: int) -> bool:
    open_mark = None
    for ch in sentence[:offset]:
        if open_mark is None and ch in T._QUOTES:
            open_mark = ch
        elif open_mark is not None and ch == T._QUOTES[open_mark]:
            open_mark = None
    if open_mark is None:
        return False
    return T._QUOTES[open_mark] in sentence[offset:]


def plain_in_context(text, hit, sentence, context) -> bool:
    start, end = sentence
    before = text[start : hit.start]
    if context == "question":
        rest = text[hit.end : end].rstrip()
        tail = re.split(r"(?<=[.!])\s", rest, maxsplit=1)[0]
        return tail.rstrip("\"'”’) ").endswith("?")
    if context == "quoted":
        return plain_inside_quotes(text[start:end], hit.start - start)
    if context == "theirs":
        clause = _CLAUSE_BREAK.split(before)[-1] if before else ""
        return bool(T._THEIRS.search(" ".join(clause.split()[-6:])))
    if context == "requested":
        return bool(T._REQUESTED.search(text[start:end]))
    if context == "conditional":
        clause = re.split(r"[;:—–()]|,(?!\s*(?:I|we)\b)|\b(?:but|because|so)\b", before)[-1] if before else ""
        return bool(T._CONDITIONAL.search(clause))
    if context == "negated":
        clause = _CLAUSE_BREAK.split(before)[-1] if before else ""
        return bool(T._NEGATORS.search(" ".join(clause.split()[-4:])))
    return False


def plain_with_needs(text, hit, sentence, needs, near=0):
    start, end = hit.start, hit.end
    s_start, s_end = sentence if sentence[1] > sentence[0] else (hit.start, hit.end)

    def gap(m):
        return max(0, m.start() - hit.end, hit.start - m.end())

    for index, pattern in enumerate(needs):
        found = [m for m in pattern.finditer(text, s_start, s_end) if m.end() > m.start()]
        if not found:
            return None
        closest = min(found, key=gap)
        if near and index == 0 and gap(closest) > near:
            return None
        start, end = min(start, closest.start()), max(end, closest.end())
    return T.Hit(start, end, text[start:end])


def plain_sentence_at(bounds, offset):
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return offset, offset


def plain_find_phrases(text, phrases):
    """The whole list as one alternation, searched again from each place (the scan before dispatch)."""
    scanner = phrases.scanner
    if scanner is None:
        return []
    bounds = None
    kept = []
    position = 0
    while True:
        found = scanner.search(text, position)
        if found is None:
            return kept
        start = found.start()
        end = max((m.end() for m in (p.match(text, start) for p in phrases.patterns) if m), default=found.end())
        hit = T.Hit(start, start + len(text[start:end].rstrip()), text[start:end].rstrip())
        if hit.end > hit.start and (phrases.unless or phrases.needs):
            if bounds is None:
                bounds = plain_sentences(text)
            sentence = plain_sentence_at(bounds, start)
            if any(plain_in_context(text, hit, sentence, c) for c in phrases.unless):
                hit = None
            elif phrases.needs:
                hit = plain_with_needs(text, hit, sentence, phrases.needs, phrases.near)
        if hit is None or hit.end <= hit.start or (kept and hit.start < kept[-1].end):
            position = start + 1
            continue
        kept.append(hit)
        position = max(hit.end, start + 1)


def plain_sentences(text):
    spans = []
    start = 0
    for match in T._SENTENCE_END.finditer(text):
        before = text[start : match.start()].rstrip("\"'”’)]")
        if match.group(0).strip(" \t") == "" or "\n" not in match.group(0):
            if T._NOT_AN_END.search(before):
                continue
            following = text[match.end() : match.end() + 1]
            if following.islower() and not before.endswith(("!", "?")):
                continue
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return tuple(spans)


def plain_without_links(text):
    def blank(text, pattern):
        return pattern.sub(lambda m: " " * len(m.group(0)), text)

    text = blank(text, re.compile(r"\]\([^)\s]*\)"))
    text = blank(text, T._URL)
    return blank(text, T._CODE)


def plain_mask(text, names, replacement):
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(
            rf"(?<!\w){re.escape(name)}(?!\w)",
            lambda m: replacement + " " * (len(m.group(0)) - len(replacement)),
            text,
            flags=re.IGNORECASE,
        )
    return text


# --- the comparisons -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEXT_LISTS)
def test_phrases_found_as_the_plain_scan_finds_them(name):
    phrases = PHRASES[name]
    for label, text in DRAFTS:
        for variant in (text, T.without_links(text)):
            assert T.find_phrases(variant, phrases) == plain_find_phrases(variant, phrases), (name, label)


def test_sentences_as_before():
    for label, text in DRAFTS:
        assert T.sentences(text) == plain_sentences(text), label


def test_every_built_in_pattern_has_its_matches_among_the_candidates():
    """The dispatch table may say a pattern can start where it cannot, never the reverse."""
    for name in TEXT_LISTS:
        phrases = PHRASES[name]
        for label, text in DRAFTS:
            candidates = dict(T._candidates(text, phrases))
            for index, pattern in enumerate(phrases.patterns):
                position = 0
                while (match := pattern.search(text, position)) is not None:
                    assert index in candidates.get(match.start(), ()), (name, index, label, match.start())
                    position = match.start() + 1


_TEXT = st.text(alphabet=st.sampled_from(list("ab.-+@ <>:/wmtphs()[]`_1xX\n\t\"'!?,;İΣ")), max_size=60)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_links_blanked_as_the_regular_expressions_blank_them(text):
    text = text.replace("w", "www.").replace("h", "http://")
    assert T.without_links(text) == plain_without_links(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "\t", "\r", "Best", "best regards", "Hi", "Dear Dana,", "x", "thanks"])))
def test_greeting_and_sign_off_lines_as_the_multiline_patterns_find_them(parts):
    text = "".join(parts)
    for plain, line in ((T._SIGN_OFF, T._SIGN_OFF_LINE), (T._SALUTATION, T._SALUTATION_LINE)):
        assert list(T._line_matches(text, line)) == [(m.start(), m.end()) for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["Dana", "Dana Whitfield", "Whitfield", "dana", "VP", "VP Engineering", " ", ", ", "x"]))
)
def test_names_masked_as_replacing_one_name_after_another(parts):
    text = "".join(parts)
    names = ["Dana Whitfield", "Dana", "Whitfield", "VP Engineering", "Engineering", "Whitfield Dana"]
    assert T.mask(text, names) == plain_mask(text, names, T.MASK)


def test_names_masked_in_every_draft():
    names = ["Dana Whitfield", "Dana", "Whitfield", "Harbor Analytics", "Data Engineering Manager", "Jordan Lee"]
    for label, text in DRAFTS:
        assert T.mask(text, names) == plain_mask(text, names, T.MASK), label


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<!--", "-->", "<!-->", "x", "\n", "-", "<", "!"])))
def test_comments_blanked_as_the_regular_expression_blanks_them(parts):
    text = "".join(parts)
    plain = re.compile(r"<!--.*?-->", re.S).sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    assert blank_comments(text) == plain


def test_positions_counted_from_the_line_breaks():
    for _label, text in DRAFTS[:50]:
        segment = Segment(text, "draft.md", 3, 5, indent=2)
        for offset in range(0, len(text) + 1, 7):
            before = text[:offset]
            newlines = before.count("\n")
            plain = (3, 5 + offset) if newlines == 0 else (3 + newlines, offset - before.rfind("\n") + 2)
            assert segment.position(offset) == plain


def test_the_drafts_are_there():
    assert len(DRAFTS) > 500
    assert any(Path(label).parts[:2] == ("tests", "corpus") for label, _ in DRAFTS)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", ".", " ", "Mr", "Mrs", "e", "g", "1", "_", "é", "Sept", "No", "vs", "!"])))
def test_abbreviations_read_backwards_as_the_expression_reads_them(parts):
    text = "".join(parts)
    for end in range(len(text) + 1):  # a sentence starts the text here; it never ends in a line break
        assert T._not_an_end(text, 0, end) == bool(T._NOT_AN_END.search(text[:end])), (text, end)


def plain_company_mentions(text, company, distinctive):
    hits, taken = [], []
    spans = [re.escape(company.strip())] if company.strip() else []
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(spans)})(?![\w-])", re.I) if spans else None
    quoted = [(m.start(), m.end()) for m in re.finditer(r"^[ \t]*>[^\n]*", text, re.M)]

    def free(a, b):
        return not any(s < b and a < e for s, e in taken + quoted)

    one_word = len(T._NAME_WORD.findall(company)) == 1
    if pattern is not None:
        for m in pattern.finditer(text):
            if one_word and not m.group(0)[0].isupper():
                continue
            if free(m.start(), m.end()):
                hits.append(T.Hit(m.start(), m.end(), m.group(0)))
                taken.append((m.start(), m.end()))
    for word in distinctive:
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I):
            found = m.group(0)
            if not (found[0].isupper() or found.isupper()) or not free(m.start(), m.end()):
                continue
            hits.append(T.Hit(m.start(), m.end(), found))
            taken.append((m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Meridian", "meridian", "Meridian Freight", "Freight", " ", "\n", "> ", "x", "-"])))
def test_companies_found_as_the_plain_search_finds_them(parts):
    text = "".join(parts)
    for company, distinctive in (("Meridian Freight", ("Meridian",)), ("Meridian", ("Meridian",))):
        assert T.company_mentions(text, company, distinctive) == plain_company_mentions(text, company, distinctive)


# --- a changed text read again only around its changes (dispatch.Index.rescan) --------------------

_FAMILY_INDEX = T._index_of(PHRASES["pushy"])[0]


def _changed(text: str, spans, mask: bool) -> str:
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], (T.MASK if mask else " ") + " " * (end - start - 1)]
        position = end
    return "".join(pieces) + text[position:]


def test_blanked_and_masked_drafts_rescanned_as_a_whole_scan_reads_them():
    names = ["Dana Whitfield", "Dana", "Harbor Analytics", "Jordan Lee", "I", "you", "the team"]
    for label, text in DRAFTS:
        scanned = _FAMILY_INDEX.scan(text)
        courtesy = [(h.start, h.end) for h in T.find_phrases(text, PHRASES["courtesy"])]
        order = tuple(sorted(names, key=len, reverse=True))
        for spans, mask in ((courtesy, False), (T.name_spans(text, order), True)):
            changed = _changed(text, spans, mask)
            assert _FAMILY_INDEX.rescan(scanned, changed, spans) == _FAMILY_INDEX.scan(changed), label


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["I ", "would ", "the ", "a", "n", " ", "\n", "Dana", "'s", ".", "[", "xx", "if"])),
    st.lists(st.tuples(st.integers(0, 80), st.integers(1, 9))),
    st.booleans(),
)
def test_any_change_of_spans_rescanned_as_a_whole_scan_reads_it(parts, cuts, mask):
    text = "".join(parts) + " and so on" * 40  # long enough to be read again around the changes only
    spans, position = [], 0
    for gap, width in cuts:
        start = position + gap
        if start + width > len(text):
            break
        spans.append((start, start + width))
        position = start + width
    changed = _changed(text, spans, mask)
    assert _FAMILY_INDEX.rescan(_FAMILY_INDEX.scan(text), changed, spans) == _FAMILY_INDEX.scan(changed)
