"""Reading drafts: phrase lists, topic mentions, specific detail and near-copy similarity.

Text analysis only finds things and says where they are (spans); the rules decide what a
finding is. Phrase lists are data (`rules/phrases/*.yaml`); this module compiles and applies them
(compiled programs are kept between runs: see regex_cache).

A phrase list file holds any of:

- `patterns:` case-insensitive Python regular expressions, matched from a word start. A pattern
  may call a named pattern of another list with `(?&name)` (the `define:` of `time.yaml`, for
  instance, is reused as `(?&time)` wherever a deadline or a period is meant).
- `unless:` contexts in which a match does not count: `negated` (a "not", "never", "no"... shortly
  before it in the same clause), `question` (its sentence asks), `quoted` (it stands inside
  quotation marks: someone else's words), `theirs` (the reader is the one acting: "you hope to
  decide", "your team decided"), `conditional` (an "if", "unless" or "in case" opens its clause),
  `requested` (its sentence says the employer asked for it: "as you asked", "you requested").
- `needs:` named patterns (`define:` of other lists) that must also occur in the match's
  sentence; the match then reaches to the nearest of them, so a finding quotes both ("decide
  ... by March 30"). `near: N` asks the first of them to lie within N characters of the match
  (a date tied to the decision, not anywhere in a long sentence).
- `words:` plain words (lexicons such as stock-words) and `expansions:` (abbreviations and the
  words they stand for, used by topic matching).
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import Stemmer  # PyStemmer: the Snowball stemmers in C (100x the pure-Python package)

from .analysis import dispatch
from .cache import by_content
from .core import kept
from .errors import RuleError
from .limits import MAX_PATTERNS, MAX_RULE_FILE_BYTES, risky_pattern
from .regex_cache import compile_pattern
from .source import FileProblem, read_regular

CONTEXTS = ("negated", "question", "quoted", "theirs", "conditional", "requested")


class Hit(NamedTuple):
    """Words found in a text: [start, end) offsets and the words themselves (a named tuple: drafts
    can hold a great many, and a tuple is made several times faster than a frozen dataclass)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the analysis caches
class PhraseList:
    name: str
    description: str
    sources: tuple[str, ...]  # the patterns as regular expressions, calls expanded
    words: frozenset[str]
    path: str
    unless: frozenset[str] = frozenset()
    expansions: tuple[tuple[str, str], ...] = ()  # (abbreviation, what it stands for)
    define: str = ""  # a named pattern other lists may call with (?&name)
    needs: tuple[re.Pattern, ...] = ()  # named patterns that must occur in the same sentence
    near: int = 0  # at most this many characters between a match and what it needs (0: anywhere)

    @cached_property
    def patterns(self) -> tuple[re.Pattern, ...]:
        """Each pattern compiled (on first use: most drafts never need them one by one)."""
        return tuple(_compiled(source) for source in self.sources)

    @cached_property
    def matchers(self) -> tuple:
        """Each pattern's `match`."""
        return tuple(pattern.match for pattern in self.patterns)

    @property
    def scanner(self) -> re.Pattern | None:
        """All the patterns as one alternation: one pass finds where a match may start."""
        return _scanner(self.sources)


_PREFIX = "(?<![\\w])"  # a match starts at a word start


@lru_cache(maxsize=1024)
def _compiled(source: str) -> re.Pattern:
    return compile_pattern(_PREFIX + "(?:" + source + ")", re.IGNORECASE)


@lru_cache(maxsize=256)
def _scanner(sources: tuple[str, ...]) -> re.Pattern | None:
    if not sources:
        return None
    return compile_pattern(_PREFIX + "(?:" + "|".join(f"(?:{s})" for s in sources) + ")", re.IGNORECASE)


_CALL = re.compile(r"\(\?&([a-z][a-z0-9-]*)\)")


def load_phrase_lists(folders: list[Path], *, trusted: Path | None = None) -> dict[str, PhraseList]:
    """Every `phrases/*.yaml` of the given rule folders; a later folder extends an earlier list.

    Patterns are compiled when first used; those of other folders than `trusted` (the built-in
    one, whose lists the tests compile) are compiled now, so a bad one is reported at once."""
    raw: dict[str, list[tuple[Path, dict]]] = {}
    for folder in folders:
        for file in sorted((folder / "phrases").glob("*.yaml")):
            data = _read_yaml(file)
            raw.setdefault(str(data.get("name") or file.stem), []).append((file, data))
    # a definition may span lines (one alternative a line): the line breaks are not part of it
    defines = {
        name: "".join(line.strip() for line in str(d["define"]).splitlines())
        for name, entries in raw.items()
        for _, d in entries
        if d.get("define")
    }

    def untrusted(file: Path) -> bool:
        return trusted is None or file.parent.parent != trusted

    # A `define` from a --rules folder replaces the built-in one of that name, so it flows into
    # the built-in lists that call it: then every list is checked, not only the custom ones.
    custom_defines = False
    for name, entries in raw.items():
        for file, data in entries:
            if data.get("define") and untrusted(file):
                custom_defines = True
                _check(file, (_expand(file, "define", f"(?&{name})", defines),), "/define")
    lists: dict[str, PhraseList] = {}
    for name, entries in raw.items():
        for file, data in entries:
            sources = tuple(
                _expand(file, index, str(source), defines) for index, source in enumerate(data.get("patterns") or ())
            )
            if custom_defines or untrusted(file):
                _check(file, sources)
            words = frozenset(str(w).lower() for w in data.get("words") or ())
            unless = frozenset(data.get("unless") or ())
            for index, context in enumerate(sorted(unless)):
                if context not in CONTEXTS:
                    raise RuleError(
                        f"unknown context {context!r} under 'unless'; expected one of {', '.join(CONTEXTS)}",
                        path=str(file),
                        pointer=f"/unless/{index}",
                    )
            expansions = tuple(
                (str(k).lower(), str(v).lower())
                for k, values in (data.get("expansions") or {}).items()
                for v in (values if isinstance(values, list) else [values])
            )
            needs = []
            for index, need in enumerate(data.get("needs") or ()):
                source = _expand(file, f"needs/{index}", f"(?&{need})", defines)
                if custom_defines or untrusted(file):
                    _check(file, (source,), f"/needs/{index}")
                needs.append(_compiled(source))
            if name in lists:
                old = lists[name]
                lists[name] = PhraseList(
                    name,
                    old.description,
                    old.sources + sources,
                    old.words | words,
                    old.path,
                    old.unless | unless,
                    old.expansions + expansions,
                    old.define,
                    old.needs + tuple(needs),
                    old.near or int(data.get("near") or 0),
                )
            else:
                lists[name] = PhraseList(
                    name,
                    str(data.get("description", "")).strip(),
                    sources,
                    words,
                    str(file),
                    unless,
                    expansions,
                    defines.get(name, ""),
                    tuple(needs),
                    int(data.get("near") or 0),
                )
    # lists loaded together are scanned together: one pass over a draft finds where each may match
    family = tuple(pl.sources for pl in lists.values() if pl.sources)
    for pl in lists.values():
        object.__setattr__(pl, "family", family)
    return lists


def _expand(file: Path, index: int | str, source: str, defines: dict[str, str]) -> str:
    """The pattern with every (?&name) call replaced by the named definition."""

    def expand(text: str, depth: int = 0) -> str:
        def call(match: re.Match) -> str:
            name = match.group(1)
            if name not in defines or depth > 4:
                raise RuleError(
                    f"pattern {index} calls (?&{name}), which no phrase list defines; "
                    f"expected one of {', '.join(sorted(defines)) or '(none)'}",
                    path=str(file),
                    pointer=f"/{index}" if isinstance(index, str) else f"/patterns/{index}",
                )
            return "(?:" + expand(defines[name], depth + 1) + ")"

        return _CALL.sub(call, text)

    return expand(source)


def _check(file: Path, sources: tuple[str, ...], pointer: str = "") -> None:
    """Refuse a list whose patterns are not regular expressions, or are shapes that can take
    super-linear time (limits.risky_pattern), naming the first bad one."""
    if len(sources) > MAX_PATTERNS:
        raise RuleError(
            f"has {len(sources)} patterns; expected at most {MAX_PATTERNS}",
            path=str(file),
            pointer=pointer or "/patterns",
        )
    for index, source in enumerate(sources):
        problem = risky_pattern(source)
        if problem:
            raise RuleError(
                f"pattern {index} {source[:80]!r} {problem}; expected a pattern that matches in linear time",
                path=str(file),
                pointer=pointer or f"/patterns/{index}",
            )
    # Each pattern on its own, not only all of them joined: `a)|(b` in one pattern and `(c` in
    # another make a valid alternation of two invalid patterns (found by tests/fuzz).
    for index, source in enumerate(sources):
        try:
            _compiled(source)
        except re.error as exc:
            raise RuleError(
                f"pattern {index} {source!r} is not a valid regular expression: {exc}; "
                "expected a Python regular expression",
                path=str(file),
                pointer=pointer or f"/patterns/{index}",
            ) from None
    try:
        _scanner(sources)
    except re.error as exc:  # e.g. the same group name in two patterns
        raise RuleError(
            f"the patterns cannot be searched together: {exc}; expected no group name used twice",
            path=str(file),
            pointer=pointer or "/patterns",
        ) from None


def _read_yaml(file: Path) -> dict:
    try:
        text = read_regular(file, MAX_RULE_FILE_BYTES).decode("utf-8")
        data = kept.value("phrases", text, (kept.module_file("yaml"),), lambda: _parse_yaml(text))  # kept between runs
    except FileProblem as problem:
        raise RuleError(f"{problem.reason}; expected a phrase list", path=str(file)) from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"cannot be read: {exc}", path=str(file)) from None
    except _YAMLProblem as exc:
        mark = getattr(exc.error, "problem_mark", None)
        raise RuleError(
            f"invalid YAML: {getattr(exc.error, 'problem', exc.error)}",
            path=str(file),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise RuleError("expected a mapping with 'name' and 'patterns' or 'words'", path=str(file))
    return data


class _YAMLProblem(Exception):
    def __init__(self, error: Exception) -> None:
        self.error = error


def _parse_yaml(text: str):
    import yaml  # here: a run whose phrase lists were all parsed before never imports it

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise _YAMLProblem(exc) from None


# --- masking -----------------------------------------------------------------------------------

# Web addresses and <user@host> (the first two kinds of _URL below) are found by one regular
# expression; a bare address (user@host.tld) by hand, from each "@" (see _mail_at), because as a
# regular expression it starts again at every word boundary of a long dotted run ("a.a.a.a..."),
# which costs the square of the run. Together they blank exactly what _URL's `sub` blanks.
_URL = re.compile(r"<?\b(?:https?://|www\.|mailto:)[^\s<>()\]]+>?|<[^\s<>@]+@[^\s<>@]+>|\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_WEB = re.compile(r"<?\b(?:https?://|www\.|mailto:)[^\s<>()\]]+>?|<[^\s<>@]+@[^\s<>@]+>")
_MAIL_HOST = re.compile(r"@[\w-]+\.[\w.-]+\b")
_MAIL_USER = re.compile(r"[\w.+-]")
_WORD_CHAR = re.compile(r"\w")
# a link target: blanked when closed; an unclosed one is passed over whole (no target starts inside it)
_MD_LINK_TARGET = re.compile(r"\]\([^)\s]*\)?")
_CODE = re.compile(r"`[^`\n]*`")


def blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def blank_spans(text: str, spans) -> str:
    """The text with each (start, end) span (sorted, disjoint) replaced by spaces."""
    pieces = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(" " * (end - start))
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return _derived("".join(pieces), text, spans)


# Texts made from another by changing some spans (the length kept): blanked courtesy and
# placeholders, masked names. Where phrase lists may match in such a text is read again only
# around the changed spans (dispatch.Index.rescan), when the other text was scanned.
class _Recent:
    """The last few results keyed by text, least recently stored first out: at most `entries` of
    them and `chars` characters of their texts (a plan's drafts and their variants fit; one huge
    draft pushes the others out)."""

    def __init__(self, entries: int, chars: int) -> None:
        self.entries, self.chars, self.held = entries, chars, 0
        self.store: dict = {}  # key -> (value, characters)

    def get(self, key, default=None):
        found = self.store.get(key)
        return default if found is None else found[0]

    def put(self, key, text: str, value) -> None:
        old = self.store.pop(key, None)
        if old is not None:
            self.held -= old[1]
        self.store[key] = (value, len(text))
        self.held += len(text)
        while len(self.store) > self.entries or (self.held > self.chars and len(self.store) > 1):
            self.held -= self.store.pop(next(iter(self.store)))[1]


_DERIVED = _Recent(64, 1 << 21)  # text -> (the text it was made from, the changed spans)


def _derived(result: str, source: str, spans) -> str:
    if result != source:
        _DERIVED.put(result, result, (source, tuple(spans)))
    return result


def _mail_at(text: str, at: int, position: int) -> tuple[int, int] | None:
    """The bare address whose "@" is at `at`, starting at or after `position`: it starts at the
    first word boundary in the run of address characters before the "@", as _URL's third kind."""
    if not _MAIL_HOST.match(text, at):
        return None
    run = at
    while run > position and _MAIL_USER.match(text, run - 1):
        run -= 1
    for start in range(run, at):
        before = start > 0 and _WORD_CHAR.match(text, start - 1) is not None
        if before != (_WORD_CHAR.match(text, start) is not None):
            return start, _MAIL_HOST.match(text, at).end()
    return None


def _link_spans(text: str) -> list[tuple[int, int]]:
    """Where _URL matches, as its `sub` finds them, in linear time."""
    spans = []
    position = 0
    web = _WEB.search(text)
    at = text.find("@")
    mail = None
    while True:
        if web is not None and web.start() < position:
            web = _WEB.search(text, position)
        while mail is None and at >= 0:
            if at >= position:
                mail = _mail_at(text, at, position)
            at = text.find("@", at + 1)
        if mail is not None and mail[0] < position:
            mail = None
            continue
        if web is None and mail is None:
            return spans
        if mail is None or (web is not None and web.start() <= mail[0]):
            span = web.span()
            web = _WEB.search(text, span[1])
        else:
            span, mail = mail, None
        spans.append(span)
        position = span[1]


def without_links(text: str) -> str:
    """The text with URLs, e-mail addresses, Markdown link targets and code spans blanked."""
    text = _MD_LINK_TARGET.sub(lambda m: " " * len(m.group(0)) if m.group(0).endswith(")") else m.group(0), text)
    text = blank_spans(text, _link_spans(text))
    return blank(text, _CODE)


# --- words, stems, sentences -------------------------------------------------------------------

# A word: letters and digits, with inner apostrophes ("don't", "Lucía's"); hyphens and slashes
# separate words, so "check-in" is "check" + "in" and "30-60-90" is three numbers.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*")

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves i'm i've i'd i'll it's you're
    we're that's there's let's don't didn't can't won't isn't wasn't aren't also really
    you've we've they've you'd we'd they'd you'll we'll they'll he's she's i'll""".split()
)


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    word = word.lower().replace("’", "'").strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word)


def _words_bytes(key: tuple, result: tuple) -> int:
    """An upper bound of the bytes of a text and its words (a 3-tuple, a string and two numbers
    each: about 170 bytes and the word's characters), without walking them."""
    return 2 * sys.getsizeof(key[0]) + 200 * len(result) + 100


@by_content(maxsize=8192, max_chars=1 << 20, size=_words_bytes, for_run=True)  # bounded in bytes (cache.py)
def words(text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for every word of the text (cached: the same sentences are read by
    several rules' analyses)."""
    return tuple([(m[0], m.start(), m.end()) for m in _WORD.finditer(text)])


# A full stop after these does not end a sentence ("Dear Ms. Birch", "6 a.m. shift", "e.g. this").
_ABBREVIATIONS = (
    "Mr Mrs Ms Mx Dr Prof St Sr Jr Mt No vs etc approx Inc Ltd Co Corp Dept Ave Fig Jan Feb Mar Apr Jun Jul "
    "Aug Sep Sept Oct Nov Dec".split()
)
_NOT_AN_END = re.compile(rf"(?:\b(?:{'|'.join(_ABBREVIATIONS)})|\b[A-Za-z]|\b(?:[a-zA-Z]\.){{1,3}}[a-zA-Z])\.$")
_ABBREVIATION_SET = frozenset(_ABBREVIATIONS)
_ABBREVIATION_LENGTHS = sorted({len(word) for word in _ABBREVIATIONS})
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _not_an_end(text: str, start: int, end: int) -> bool:
    """Whether _NOT_AN_END matches the end of text[start:end]: an abbreviation or a single letter
    ("Ms.", "e.g.", "6 a.m.") before the full stop at end - 1. Read from the stop backwards (the
    expression would try each of its words at each of the last characters: a run of "a. a. a." is
    a sentence of a million false ends)."""
    stop = end - 1
    if stop <= start or text[stop] != ".":
        return False

    def word_starts(at: int) -> bool:  # \b before a letter at `at`, within the sentence
        return at >= start and (at == 0 or _WORD_CHAR.match(text, at - 1) is None)

    if text[stop - 1] not in _ASCII_LETTERS:
        return False  # every kind ends in a letter before the stop
    # a single letter; "a.b." and "e.g." end in one too (the expression's third kind adds nothing)
    if word_starts(stop - 1):
        return True
    for length in _ABBREVIATION_LENGTHS:
        if stop - length < start:
            break
        if text[stop - length : stop] in _ABBREVIATION_SET and word_starts(stop - length):
            return True
    return False


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*•+]|\d+[.)]|#)\s)")


def _spans_bytes(key: tuple, spans: tuple) -> int:
    """An upper bound of the bytes of a text and its (start, end) spans, without walking them."""
    return 2 * sys.getsizeof(key[0]) + 120 * len(spans) + 100


@by_content(maxsize=2048, max_chars=1 << 20, size=_spans_bytes, for_run=True)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence (or list item, heading, or paragraph) of the text."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if "\n" not in match.group(0):
            # a full stop inside one line: not after an abbreviation, and not before a lower-case word.
            # Only the end of the text before it is read (an abbreviation is a few letters long), so
            # a run of false ends ("a. a. a.") costs no more than one.
            if _not_an_end(text, start, end):
                continue
            following = text[match.end() : match.end() + 1]
            if following.islower() and not (end > start and text[end - 1] in "!?"):
                continue
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return tuple(spans)


def sentence_at(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence of `bounds` (sorted, disjoint) holding `offset`, or (offset, offset)."""
    index = sentence_index(bounds, offset)
    return bounds[index] if index is not None else (offset, offset)


def sentence_index(bounds, offset: int) -> int | None:
    """The index of the sentence of `bounds` (sorted, disjoint) holding `offset`, if one does."""
    index = bisect.bisect_right(bounds, (offset, _NO_END)) - 1
    if index >= 0 and bounds[index][0] <= offset < bounds[index][1]:
        return index
    return None


# --- phrases in context ------------------------------------------------------------------------

_NEGATORS = re.compile(r"\b(?:not|never|no|nor|without|hardly|n't)\b|n't\b|\bno\s+intention\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:—–()]|\b(?:but|and|or|because|so|although|though|while)\b", re.I)
_THEIRS = re.compile(
    r"(?<!\bwant )(?<!\bwanted )(?<!\blet )(?<!\btell )(?<!\bfor )(?<!\bto )(?<!\bthank )(?<!\bgive )(?<!\bhelp )"
    r"\b(?:you|you've|you'd|you're|they|they've|they're|(?:the|your) (?:team|panel|committee|firm|company|board))\b"
    r"(?![^,;]*\b(?:I|I'm|I'll|I've|I'd|my|me)\b)",
    re.I,
)
_REQUESTED = re.compile(
    r"\b(?:as (?:you |was |we )?(?:asked|requested|discussed)|you (?:asked|requested)|at your request|per your request|"
    r"(?:you|the team|the firm) (?:sent|assigned|gave) me)\b",
    re.I,
)
_CONDITIONAL = re.compile(r"\b(?:if|unless|in case|whether|should (?:I|we))\b", re.I)
# where a condition's clause starts ("if" counts up to it): not at a comma before "I" or "we"
_CONDITION_BREAK = re.compile(r"[;:—–()]|,(?!\s*(?:I|we)\b)|\b(?:but|because|so)\b")
_QUESTION_STOP = re.compile(r"(?<=[.!])\s")  # a sentence inside the sentence ends before the "?" counts
_QUOTES = {'"': '"', "“": "”", "«": "»"}
_NO_END = 1 << 62


class _Sentence:
    """What the contexts need to know about one sentence, read once (so that judging a hit costs
    a lookup, never a walk over its sentence: a long sentence full of hits stays linear).

    Each context is defined on the text *before* (or after) the hit within its sentence, as the
    rules documentation says; these are the same answers, drawn from one reading of the sentence."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        sentence = text[start:end]
        self.clause_ends = [start + m.end() for m in _CLAUSE_BREAK.finditer(sentence)]
        self.condition_ends = [start + m.end() for m in _CONDITION_BREAK.finditer(sentence)]
        conditions = [(start + m.start(), start + m.end()) for m in _CONDITIONAL.finditer(sentence)]
        self.condition_starts = [a for a, _ in conditions]
        self.condition_match_ends = [b for _, b in conditions]
        self.requested = bool(_REQUESTED.search(sentence))
        # quotation marks: where the open mark changes, and the last place of each closing mark
        self.quote_at: list[int] = []
        self.quote_open: list[str | None] = []
        open_mark = None
        for offset, ch in enumerate(sentence):
            if open_mark is None and ch in _QUOTES:
                open_mark = ch
            elif open_mark is not None and ch == _QUOTES[open_mark]:
                open_mark = None
            else:
                continue
            self.quote_at.append(start + offset)
            self.quote_open.append(open_mark)
        self.last_close = {close: start + sentence.rfind(close) for close in set(_QUOTES.values()) if close in sentence}
        # the question mark: where the sentence's words end, where its closing quotes start, the last ". "
        stripped = sentence.rstrip()
        self.words_end = start + len(stripped)
        self.marks_start = start + len(stripped.rstrip("\"'”’) "))
        stops = [m.start() for m in _QUESTION_STOP.finditer(text, start, self.words_end)]
        self.last_stop = stops[-1] if stops else None
        self.needs: dict[re.Pattern, tuple[list[int], list[int]]] = {}

    def question(self, hit: Hit) -> bool:
        """The rest of the sentence after the hit, up to a ". " or "! " inside it, ends with "?"."""
        if self.words_end <= hit.end:
            return False
        if self.last_stop is not None and self.last_stop > hit.end:
            return False  # the part after the hit ends with "." or "!" at that stop
        return self.marks_start > hit.end and self.text[self.marks_start - 1] == "?"

    def quoted(self, hit: Hit) -> bool:
        """The hit stands after an opening quotation mark that is closed later in the sentence."""
        index = bisect.bisect_left(self.quote_at, hit.start) - 1
        open_mark = self.quote_open[index] if index >= 0 else None
        if open_mark is None:
            return False
        return self.last_close.get(_QUOTES[open_mark], -1) >= hit.start

    def last_words(self, hit: Hit, count: int) -> str:
        """The last `count` words of the hit's clause (the text since the last clause break)."""
        index = bisect.bisect_right(self.clause_ends, hit.start) - 1
        clause_start = self.clause_ends[index] if index >= 0 else self.start
        return " ".join(_words_before(self.text, clause_start, hit.start, count))

    def conditional(self, hit: Hit) -> bool:
        """An "if", "unless", "in case"... opens the hit's clause (before the hit)."""
        index = bisect.bisect_right(self.condition_ends, hit.start) - 1
        clause_start = self.condition_ends[index] if index >= 0 else self.start
        # a comma with only spaces between it and the hit ends the clause (read up to the hit,
        # nothing follows the comma: whatever word the hit starts with)
        last = hit.start
        while last > self.start and self.text[last - 1].isspace():
            last -= 1
        if last > max(clause_start, self.start) and self.text[last - 1] == ",":
            clause_start = last
        index = bisect.bisect_left(self.condition_starts, clause_start)
        return index < len(self.condition_starts) and self.condition_match_ends[index] <= hit.start

    def nearest(self, pattern: re.Pattern, hit: Hit) -> tuple[int, int] | None:
        """The match of `pattern` in the sentence nearest to the hit (the first of equals)."""
        found = self.needs.get(pattern)
        if found is None:
            matches = pattern.finditer(self.text, self.start, self.end)
            spans = [(m.start(), m.end()) for m in matches if m.end() > m.start()]
            found = self.needs[pattern] = ([a for a, _ in spans], [b for _, b in spans])
        starts, ends = found
        if not starts:
            return None
        # the gap to the hit (0 when they overlap) shrinks over the matches before it and grows
        # over those after it: only the last one before, those overlapping it and the first one
        # after can be nearest (the first of equals, as `min` over all of them would take)
        first = max(0, bisect.bisect_right(ends, hit.start) - 1)
        last = min(len(starts) - 1, bisect.bisect_left(starts, hit.end))
        best = min(range(first, last + 1), key=lambda i: max(0, starts[i] - hit.end, hit.start - ends[i]))
        return starts[best], ends[best]


def _words_before(text: str, start: int, end: int, count: int) -> list[str]:
    """The last `count` whitespace-separated words of text[start:end], reading back only as far
    as they reach."""
    width = 64
    while True:
        low = max(start, end - width)
        parts = text[low:end].split()
        if low == start or len(parts) > count:
            return parts[-count:] if count else []
        width *= 4


class _Reading:
    """One text and its sentences, with each sentence's context facts read on first need."""

    def __init__(self, text: str, bounds: tuple[tuple[int, int], ...]) -> None:
        self.text = text
        self.bounds = list(bounds)
        self.sentences: dict[tuple[int, int], _Sentence] = {}

    def sentence(self, span: tuple[int, int]) -> _Sentence:
        found = self.sentences.get(span)
        if found is None:
            found = self.sentences[span] = _Sentence(self.text, *span)
        return found

    def in_context(self, hit: Hit, span: tuple[int, int], context: str) -> bool:
        sentence = self.sentence(span)
        if context == "question":
            return sentence.question(hit)
        if context == "quoted":
            return sentence.quoted(hit)
        if context == "theirs":
            return bool(_THEIRS.search(sentence.last_words(hit, 6)))
        if context == "requested":
            return sentence.requested
        if context == "conditional":
            return sentence.conditional(hit)
        if context == "negated":
            return bool(_NEGATORS.search(sentence.last_words(hit, 4)))
        return False


_READINGS: dict[str, _Reading] = {}  # the last few texts read (phrase lists are scanned one after another)


def _reading(text: str, bounds) -> _Reading:
    bounds = tuple(bounds)
    found = _READINGS.get(text)
    if found is None or found.bounds != list(bounds):
        found = _Reading(text, bounds)
        if len(_READINGS) >= 8:
            _READINGS.pop(next(iter(_READINGS)))
        _READINGS[text] = found
    return found


def in_context(text: str, hit: Hit, sentence: tuple[int, int], context: str) -> bool:
    """Whether the hit stands in `context` (see CONTEXTS) within its sentence."""
    return _Reading(text, (sentence,)).in_context(hit, sentence, context)


def find_phrases(
    text: str, phrases: PhraseList, bounds: list[tuple[int, int]] | None = None, limit: int | None = None
) -> list[Hit]:
    """Every non-overlapping match of the list's patterns that counts in its context, in order
    (the first `limit` of them: those do not depend on what follows).

    Where several patterns match at one place, the longest wins; a match that does not count in
    its context (see `unless`, `needs`) does not hide a match starting inside it. Patterns are
    only tried where the first characters of a word can start them (analysis.dispatch)."""
    if not phrases.sources:
        return []
    return _find(text, phrases, bounds, _candidates(text, phrases), limit)


def _find(text: str, phrases: PhraseList, bounds, candidates, limit: int | None = None) -> list[Hit]:
    matchers = phrases.matchers
    unless = sorted(phrases.unless)
    reading = None
    kept: list[Hit] = []
    position = 0
    for start, indexes in candidates:
        if start < position:
            continue
        if limit is not None and len(kept) >= limit:
            break
        end = -1  # where the longest match ends
        for i in indexes:
            match = matchers[i](text, start)
            if match is not None and match.end() > end:
                end = match.end()
        if end < 0:
            continue
        words_end = start + len(text[start:end].rstrip())
        hit = Hit(start, words_end, text[start:words_end])
        if hit.end > hit.start and (phrases.unless or phrases.needs):
            if reading is None:
                reading = _reading(text, sentences(text) if bounds is None else bounds)
            sentence = sentence_at(reading.bounds, start)
            if any(reading.in_context(hit, sentence, c) for c in unless):
                hit = None
            elif phrases.needs:
                hit = _with_needs(reading, hit, sentence, phrases.needs, phrases.near)
        if hit is None or hit.end <= hit.start or (kept and hit.start < kept[-1].end):
            position = start + 1
            continue
        kept.append(hit)
        position = max(hit.end, start + 1)
    return kept


_SCANS = _Recent(64, 1 << 21)  # (index, text) -> where each list's patterns may match, for the last few texts


def _index_of(phrases: PhraseList) -> tuple[dispatch.Index, int]:
    """The dispatch index of the lists loaded with this one, and this list's number in it."""
    family = getattr(phrases, "family", None)
    if not family or phrases.sources not in family:
        family = (phrases.sources,)
    return dispatch.index(family, re.IGNORECASE), family.index(phrases.sources)


def _candidates(
    text: str, phrases: PhraseList, keyed: dict[int, tuple[int, ...]] | None = None
) -> list[tuple[int, tuple[int, ...]]]:
    """(start, indexes of the list's patterns that may match there), in order of start. The keys
    of every list loaded with this one are read in one pass over the text, shared by all lists.
    `keyed`: where the keyed patterns may start, when already known (from a text this one is part of)."""
    index, number = _index_of(phrases)
    if keyed is not None:
        found = keyed
    else:
        scanned = _SCANS.get((index, text))
        if scanned is None:
            source, spans = _DERIVED.get(text, ("", ()))
            before = _SCANS.get((index, source)) if spans else None
            scanned = index.scan(text) if before is None else index.rescan(before, text, spans)
            _SCANS.put((index, text), text, scanned)
        found = scanned[number]
    residual = index.residual[number]
    if not residual:
        return list(found.items())  # in order of start: scan and rescan find them so
    found = dict(found)
    scanner = _scanner(tuple(phrases.sources[i] for i in residual))
    position = 0
    while (match := scanner.search(text, position)) is not None:
        start = match.start()
        found[start] = found.get(start, ()) + residual
        position = start + 1
    return sorted(found.items())


def _with_needs(
    reading: _Reading, hit: Hit, sentence: tuple[int, int], needs: tuple[re.Pattern, ...], near: int = 0
) -> Hit | None:
    """The hit widened to the nearest match of each needed pattern in its sentence (the first of
    them within `near` characters of it when `near` is set), or None."""
    start, end = hit.start, hit.end
    span = sentence if sentence[1] > sentence[0] else (hit.start, hit.end)
    info = reading.sentence(span)
    for index, pattern in enumerate(needs):
        closest = info.nearest(pattern, hit)
        if closest is None:
            return None
        if near and index == 0 and max(0, closest[0] - hit.end, hit.start - closest[1]) > near:
            return None
        start, end = min(start, closest[0]), max(end, closest[1])
    text = reading.text
    return Hit(start, end, text[start:end])


# --- topics ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the token cache
class TopicLexicon:
    """What topic matching knows beyond stems: abbreviations, and words too weak to count alone."""

    expansions: dict[str, tuple[tuple[str, ...], ...]]  # "crm" -> (("customer", "relationship", "management"),)
    weak: frozenset[str]  # stems that say little on their own ("plan", "process", "team")

    @classmethod
    def from_lists(cls, phrases: dict[str, PhraseList]) -> TopicLexicon:
        return _lexicon(phrases.get("topic-words"), phrases.get("stock-words"))


@lru_cache(maxsize=8)
def _lexicon(topic_words: PhraseList | None, stock_words: PhraseList | None) -> TopicLexicon:
    expansions: dict[str, list[tuple[str, ...]]] = {}
    weak: set[str] = set()
    for lexicon in (topic_words, stock_words):
        if lexicon is not None:
            weak |= {stem(w) for w in lexicon.words}
    if topic_words is not None:
        for short, long in topic_words.expansions:
            expansions.setdefault(short, []).append(tuple(w.lower() for w, _, _ in words(long)))
    return TopicLexicon({k: tuple(v) for k, v in expansions.items()}, frozenset(weak))


EMPTY_LEXICON = TopicLexicon({}, frozenset())


@lru_cache(maxsize=65_536)  # the same pairs of words come back in every draft
def _stems_match(a: str, b: str) -> bool:
    """Two stems name the same thing: equal, one a clipping of the other ("merch"), or one letter
    apart in a long word (a typo)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 4 or short.isdigit() or long.isdigit():
        return False
    if long.startswith(short):
        return True
    common = 0
    for x, y in zip(short, long, strict=False):
        if x != y:
            break
        common += 1
    if common >= 5 and common >= len(short) - 1:
        return True
    return len(short) >= 6 and _one_edit_apart(short, long)


@lru_cache(maxsize=65_536)
def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau distance 1: one letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_ALNUM_PARTS = re.compile(r"[^\W\d_]+|\d+")


def _split_alnum(word: str) -> list[str]:
    """'soc2' -> ['soc', '2']; 'b2b' -> ['b', '2', 'b']; plain words unchanged."""
    if word.isalpha():
        return [word]  # one part: the letters (what the expression finds in a word of letters)
    parts = _ALNUM_PARTS.findall(word)
    return parts or [word]


class _Token(NamedTuple):
    stem: str
    start: int
    end: int
    initial: str
    stop: bool
    surface: str = ""


def _tokens_bytes(key: tuple, tokens: tuple) -> int:
    """An upper bound of the bytes of a text and its tokens (six fields each), without walking them."""
    return 2 * sys.getsizeof(key[0]) + 300 * len(tokens) + 100


@by_content(maxsize=8192, max_chars=1 << 20, size=_tokens_bytes)
def _tokens(text: str, lexicon: TopicLexicon) -> tuple[_Token, ...]:
    """The text's words as stems (abbreviations expanded in place: "Q3" also yields "third", "quarter")."""
    out = []
    known: dict[str, tuple[tuple[str, str, bool, str], ...]] = {}  # a word met again reads as before
    for word, start, end in words(text):
        parts = known.get(word)
        if parts is None:
            parts = known[word] = _token_parts(word, lexicon)
        out += [_Token(token_stem, start, end, initial, stop, surface) for token_stem, initial, stop, surface in parts]
    return tuple(out)


def _token_parts(word: str, lexicon: TopicLexicon) -> tuple[tuple[str, str, bool, str], ...]:
    """(stem, initial, stop, surface) of each token a word yields (see _tokens)."""
    lower = word.lower().replace("’", "'")
    stop = lower in STOP_WORDS
    expansions = lexicon.expansions.get(lower) or lexicon.expansions.get(lower.rstrip("s"))
    if expansions:
        out = [(stem(lower), lower[0], stop, "")]
        for expansion in expansions:
            out += [(stem(w), w[0], w in STOP_WORDS, "") for w in expansion]
        return tuple(out)
    return tuple((stem(part), part[0], stop, part) for part in _split_alnum(lower))


def _acronym_at(acronym: str, tokens: list[_Token], i: int) -> int | None:
    """If the words from tokens[i] spell `acronym` by their initials (stop words may be skipped,
    a trailing plural "s" is allowed), the index just past them."""
    target = acronym.lower()
    if target.endswith("s") and len(target) > 2:
        alternatives = (target, target[:-1])
    else:
        alternatives = (target,)
    for goal in alternatives:
        j, k = i, 0
        while j < len(tokens) and k < len(goal):
            t = tokens[j]
            if t.initial == goal[k]:
                k += 1
                j += 1
            elif t.stop and k > 0:
                j += 1
            else:
                break
        if k == len(goal) and k >= 2 and j - i >= 2:
            return j
    return None


def _topic_parts(topic: str, lexicon: TopicLexicon) -> list[tuple[str, bool, str]]:
    """(stem, strong, surface word) for each content word of a topic."""
    parts = []
    for word, _, _ in words(topic):
        lower = word.lower()
        if lower in STOP_WORDS:
            continue
        if lower in lexicon.expansions or lower.rstrip("s") in lexicon.expansions:
            parts.append((stem(lower), True, lower))
            continue
        for piece in _split_alnum(lower):
            s = stem(piece)
            parts.append((s, s not in lexicon.weak, piece))
    return parts


def topic_mention(
    text: str,
    topic: str,
    lexicon: TopicLexicon = EMPTY_LEXICON,
    bounds: list[tuple[int, int]] | None = None,
    memo: dict | None = None,
) -> Hit | None:
    """Where the text touches on `topic`: the first sentence that names it, in any word order.

    Words are compared by stem (inflection, case), a clipped word matches its full form
    ("merch"), a one-letter typo in a long word is forgiven, abbreviations match what they stand
    for (from the lexicon, or by initials: "CIP" / "capital improvement plan"). A topic is named
    when at least half of its strong words appear in one sentence (at least one); weak words
    ("plan", "process", "team": stock words and the lexicon's) count only when a topic has no
    strong word, and then all of them are needed.
    """
    if memo is None:  # a caller looking for several topics in one text keeps it: sentences read once
        memo = {}
    parts = _topic_parts(topic, lexicon)
    if not parts:
        return None
    strong = [p for p in parts if p[1]]
    wanted = strong or parts
    needed = len(wanted) if not strong else max(1, (len(wanted) + 1) // 2)
    acronyms = [p[2] for p in parts if len(p[2]) >= 2 and p[2].isalpha() and _looks_like_acronym(topic, p[2])]
    for start, end in bounds if bounds is not None else sentences(text):
        tokens = memo.get((start, end))
        if tokens is None:
            tokens = memo[(start, end)] = _tokens(text[start:end], lexicon)
            # a word met again matches as it did the first time: each distinct one is tried once,
            # in order of first appearance; an acronym can only start at a word with its initial
            distinct: dict[tuple[str, str], _Token] = {}
            by_initial: dict[str, list[int]] = {}
            for i, t in enumerate(tokens):
                distinct.setdefault((t.stem, t.surface), t)
                by_initial.setdefault(t.initial, []).append(i)
            memo["distinct", start, end] = tuple(distinct.values())
            memo["initial", start, end] = by_initial
        if not tokens:
            continue  # no word: nothing of any topic (a list marker alone, a blanked line)
        found: dict[str, tuple[int, int]] = {}
        for s, _, surface in wanted:
            for t in memo["distinct", start, end]:
                if _stems_match(s, t.stem) or (len(surface) >= 6 and _one_edit_apart(surface, t.surface)):
                    found.setdefault(s, (t.start, t.end))
                    break
            else:
                expansion = _expansion_in(surface, tokens, lexicon)
                if expansion is not None:
                    found.setdefault(s, expansion)
                elif surface in acronyms:
                    for i in memo["initial", start, end].get(surface[:1], ()):
                        j = _acronym_at(surface, tokens, i)
                        if j is not None:
                            found.setdefault(s, (tokens[i].start, tokens[j - 1].end))
                            break
        # the other way round: an acronym in the text for several words of the topic
        if len(found) < needed and len(parts) >= 2:
            topic_tokens = _tokens(topic, lexicon)
            sentence_words = memo.get(("words", start, end))
            if sentence_words is None:
                sentence_words = memo["words", start, end] = words(text[start:end])
            for word, ws, we in sentence_words:
                if len(word) >= 2 and word.isupper() and word.isalpha() and _acronym_at(word, topic_tokens, 0):
                    for s, _, _ in wanted:
                        found.setdefault(s, (ws, we))
                    break
        if len(found) >= needed:
            first = start + min(f[0] for f in found.values())
            last = start + max(f[1] for f in found.values())
            return Hit(first, last, text[first:last])
    return None


def _expansion_in(surface: str, tokens: list[_Token], lexicon: TopicLexicon) -> tuple[int, int] | None:
    """Where the words an abbreviation stands for all appear ("Q3" / "third-quarter"), if they do."""
    for expansion in lexicon.expansions.get(surface) or lexicon.expansions.get(surface.rstrip("s")) or ():
        wanted = [stem(w) for w in expansion if w not in STOP_WORDS]
        spans = []
        for w in wanted:
            match = next((t for t in tokens if t.stem == w), None)
            if match is None:
                break
            spans.append((match.start, match.end))
        else:
            if spans:
                return min(a for a, _ in spans), max(b for _, b in spans)
    return None


def _looks_like_acronym(topic: str, lower: str) -> bool:
    return any(w.lower() == lower and (w.isupper() or w[:-1].isupper()) for w, _, _ in words(topic))


# --- specific detail ---------------------------------------------------------------------------

_SALUTATION = re.compile(r"^\s*(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))\b[^\n]{0,60}$", re.I | re.M)
_SIGN_OFF = re.compile(
    r"^\s*(?:best|best regards|kind regards|warm regards|warmest regards|regards|sincerely|sincerely yours|thanks|"
    r"thank you|cheers|respectfully|respectfully yours|with gratitude|gratefully|with appreciation|appreciatively|"
    r"warmly|warm wishes|best wishes|all the best|all my best|yours truly|yours|many thanks|thanks again|"
    r"thanks so much|talk soon|take care|with thanks|with many thanks|kindly|cordially)\b[^\n]{0,30}$",
    re.I | re.M,
)


def _signature_start(text: str) -> int | None:
    """Where a closing signature block starts: after the last blank line, one to four short lines
    that are no sentences ("Jordan Lee", "Analyst | 555-0101"), in the second half of the text."""
    stripped = text.rstrip()
    gap = max(stripped.rfind("\n\n"), stripped.rfind("\n \n"), stripped.rfind("\n\t\n"))
    if gap < len(stripped) // 2:
        return None
    block = stripped[gap:].strip().split("\n")
    if len(block) > 4 or any(len(line.strip()) > 60 or re.search(r"[.!?]\s*$", line) for line in block):
        return None
    return None if sum(len(line.split()) for line in block) > 12 else gap


def specific_details(
    text: str, stock: frozenset[str], names: list[str], common: frozenset[str] = frozenset()
) -> list[Hit]:
    """Words that carry detail: not stop words, not stock courtesy, not names of the people,
    the company or the role, not the salutation or the sign-off (and what follows it: the
    signature), not a word cut off mid-way ("opportun", a prefix of a common word that is no
    word itself, when `common` is given). Numbers always count."""
    excluded = {stem(w) for w in stock} | {stem(w.lower()) for n in names for w, _, _ in words(n)}
    body_end = len(text)
    for start, _ in _line_matches(text, _SIGN_OFF_LINE):
        if start > len(text) // 3:
            body_end = start
            break
    else:
        signature = _signature_start(text)
        if signature is not None:
            body_end = signature
    skipped = list(_line_matches(text[:body_end], _SALUTATION_LINE))
    opening = _OPENING_NAME_LINE.match(text)  # "Patricia," or "Chef Yvette," alone on the first line
    if opening and not skipped and all(w[0].isupper() for w in opening.group(0).split()):
        skipped = [(opening.start(), opening.end())]
    skipped_starts = [s for s, _ in skipped]
    hits = []
    detail: dict[str, bool] = {}  # a word met again is judged as it was the first time
    for word, start, end in words(text[:body_end]):
        if skipped:
            index = bisect.bisect_right(skipped_starts, start) - 1
            if index >= 0 and start < skipped[index][1]:
                continue
        counts = detail.get(word)
        if counts is None:
            lower = word.lower()
            counts = detail[word] = not (
                lower in STOP_WORDS
                or lower in stock
                or stem(lower) in excluded
                or (common and word.islower() and _cut_off(lower, common))
            )
        if counts:
            hits.append(Hit(start, end, word))
    return hits


# A greeting that is only a name ("Patricia,", "Chef Yvette -") on the first line of the text.
_OPENING_NAME_LINE = re.compile(
    r"\s*(?:[^\W\d_][\w'’.\-]*[^\S\n]+){0,3}[^\W\d_][\w'’\-]*[^\S\n]*[,:!—–-][^\S\n]*$", re.M
)

# How much a word of detail weighs (`detail_count`): a word this frequent in English fits any note
# ("allow", "built", "focus", "picture": nothing), one this frequent half ("brilliant", "showing");
# rarer words, numbers and words the list does not hold count whole ("operatories", "48").
FREQUENT_ZIPF = 5.0
COMMON_ZIPF = 4.5
# numbers written out count as numbers do ("eleven years", "three variants"); "one" is no number here
_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million dozen".split()
)


def detail_count(details: list[Hit], text: str, frequencies: dict[str, float] | None = None) -> int:
    """The words of specific detail, counted by distinct stem and weighed by how frequent each is in
    English (frequent words count half or nothing; see FREQUENT_ZIPF), rounded half up. A word
    capitalised inside a sentence of `text` (where the hits are) is a name ("January",
    "Riverside", "Pepper") and a number written out is a number: whole."""
    frequencies = word_frequencies() if frequencies is None else frequencies
    weights: dict[str, float] = {}
    for hit in details:
        lower = hit.text.lower()
        zipf = frequencies.get(lower, 0.0)
        if zipf >= COMMON_ZIPF and (
            lower in _NUMBER_WORDS or (hit.text[:1].isupper() and _inside_sentence(text, hit.start))
        ):
            zipf = 0.0
        weight = 0.0 if zipf >= FREQUENT_ZIPF else 0.5 if zipf >= COMMON_ZIPF else 1.0
        key = stem(lower)
        weights[key] = max(weight, weights.get(key, 0.0))
    return int(sum(weights.values()) + 0.5)


def _inside_sentence(text: str, start: int) -> bool:
    """Whether a word at `start` follows other words of its sentence (not a line's or sentence's
    first word, nor a list item's or heading's)."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘([*_#>-•":
        i -= 1
    return i >= 0 and text[i] not in ".!?:\n"


@lru_cache(maxsize=1)
def word_frequencies() -> dict[str, float]:
    """The frequent English words of rules/phrases/frequent-words.txt with their Zipf frequency."""
    from .resources import rules_dir

    try:
        text = (rules_dir() / "phrases" / "frequent-words.txt").read_text(encoding="utf-8")
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, zipf = line.partition(" ")
            out[word] = float(zipf)
    return out


@lru_cache(maxsize=65_536)  # the same words in every draft: each is looked up in the common words once
def _cut_off(lower: str, common: frozenset[str]) -> bool:
    """A fragment of a word: no word itself, but the start of a common one ("opportun", "hea")."""
    if lower in common or not lower.isalpha() or len(lower) < 2 or stem(lower) in common:
        return False
    return _starts_common_word(lower, common)


def _starts_common_word(prefix: str, common: frozenset[str]) -> bool:
    ordered = _sorted_words(common)
    i = bisect.bisect_right(ordered, prefix)
    return i < len(ordered) and ordered[i].startswith(prefix)


@lru_cache(maxsize=2)
def _sorted_words(common: frozenset[str]) -> tuple[str, ...]:
    shipped = _common_word_list()
    return shipped if len(shipped) == len(common) and common is common_words() else tuple(sorted(common))


# _SALUTATION and _SIGN_OFF from a line's first character: `^\s*` under MULTILINE would start again at
# every line break of a run of blank lines and read to its end (the square of the run).
_SALUTATION_LINE = re.compile(
    r"^[^\S\n]*(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))\b[^\n]{0,60}$", re.I | re.M
)
_SIGN_OFF_LINE = re.compile(_SIGN_OFF.pattern.replace("^\\s*", "^[^\\S\\n]*", 1), re.I | re.M)


def _line_matches(text: str, line_pattern: re.Pattern):
    """(start, end) of each match `finditer` finds for the `^\\s*...` pattern of which `line_pattern`
    is the one-line form: the same ends, and a start moved back over the blank lines before it
    (as `\\s*` takes them), but not before the end of the previous match."""
    previous_end = 0
    for match in line_pattern.finditer(text):
        start = match.start()
        # blank lines (whitespace only) just before this line belong to the match
        while start > previous_end:
            line_start = text.rfind("\n", previous_end, start - 1) + 1
            if line_start < previous_end:
                line_start = previous_end
            if text[line_start:start].isspace() and (line_start == 0 or text[line_start - 1] == "\n"):
                start = line_start
            else:
                break
        yield start, match.end()
        previous_end = match.end()


# --- near copies -------------------------------------------------------------------------------


def mask(text: str, names: list[str]) -> str:
    """Replace the given names (people, titles, companies) by one token, longest first.

    The replacement keeps the length of what it replaces, so offsets in the masked text are
    offsets in the original."""
    order = tuple(sorted({n for n in names if n and n.strip()}, key=len, reverse=True))
    pieces = []
    position = 0
    spans = name_spans(text, order)
    for start, end in spans:
        pieces += [text[position:start], MASK, " " * (end - start - 1)]
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return _derived("".join(pieces), text, spans)


def name_spans(text: str, order: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the names stand (as whole words, any case), as replacing each name in turn in `order`
    would find them: a name is not found where an earlier one already stands. One pass over the
    text finds where any of them may start (analysis.dispatch); each is then checked there."""
    if not order or not text:
        return []
    index = dispatch.index((tuple(re.escape(n) for n in order),), re.IGNORECASE)
    found = []
    for start, ranks in index.scan(text)[0].items():
        for rank in ranks:
            match = _name_pattern(order[rank]).match(text, start)
            if match:
                found.append((rank, start, match.end()))
    found.sort()
    starts: list[int] = []
    ends: list[int] = []
    for _rank, start, end in found:
        at = bisect.bisect_left(starts, start)
        if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            continue  # overlaps a name found before it (a longer one, or the same one further left)
        starts.insert(at, start)
        ends.insert(at, end)
    return list(zip(starts, ends, strict=True))


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


MASK = "Q"


def shingle_tokens(sentence: str) -> list[str]:
    """The words of a sentence as compared for near copies: stems, so inflection does not hide a copy."""
    return [stem(w) for w, _, _ in words(sentence)]


@by_content(maxsize=512, max_chars=1 << 20, size=lambda key, result: 2 * _words_bytes(key, result[0]) + 200)
def stemmed_words(text: str) -> tuple[tuple[tuple[str, int, int], ...], tuple[str, ...], tuple[int, ...]]:
    """The text's words, their stems and their starts: read once, shared by the near-copy stages."""
    tokens = words(text)
    return tokens, tuple(stem(w) for w, _, _ in tokens), tuple(start for _, start, _ in tokens)


def shingles(text: str, courtesy: PhraseList | None, size: int = 3) -> set[tuple[str, ...]]:
    """Word n-grams (of stems) of the sentences that are not mere courtesy lines."""
    out: set[tuple[str, ...]] = set()
    _, stems, starts = stemmed_words(text)
    # where courtesy phrases may start, found once in the whole text (a sentence's are among them)
    keyed = sorted(_candidates(text, courtesy, None)) if courtesy is not None and courtesy.sources else []
    keyed_starts = [k for k, _ in keyed]
    for start, end in sentences(text):
        if courtesy is not None:
            inside = keyed[bisect.bisect_left(keyed_starts, start) : bisect.bisect_left(keyed_starts, end)]
            if _is_courtesy(text[start:end], courtesy, {k - start: v for k, v in inside}):
                continue
        # a sentence's words are the text's words between its ends (no word crosses a sentence end)
        tokens = stems[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]
        if len(tokens) < size:
            if tokens:
                out.add(tuple(tokens))
            continue
        for i in range(len(tokens) - size + 1):
            out.add(tokens[i : i + size])
    return out


def _is_courtesy(sentence: str, courtesy: PhraseList, keyed: dict[int, tuple[int, ...]] | None = None) -> bool:
    pieces = []
    position = 0
    if keyed is None:
        hits = find_phrases(sentence, courtesy)
    elif not keyed and not _index_of(courtesy)[0].residual[_index_of(courtesy)[1]]:
        hits = []  # no courtesy phrase can start in this sentence
    else:
        hits = _find(sentence, courtesy, None, _candidates(sentence, courtesy, keyed))
    if not hits:
        return False  # nothing taken out: the sentence is not courtesy alone
    for hit in hits:
        pieces.append(sentence[position : hit.start])
        position = hit.end
    pieces.append(sentence[position:])
    rest = "".join(pieces)  # the sentence without its courtesy phrases
    remaining = [w for w, _, _ in words(rest) if w.lower() not in STOP_WORDS and w != MASK]
    return len(remaining) <= 2 and len(rest) < len(sentence)


def _gapped(triple: tuple[str, ...]) -> tuple[tuple, ...]:
    """The triple with each of its words in turn left open: what it looks like with one word changed."""
    if len(triple) != 3:
        return ()
    a, b, c = triple
    return ((None, b, c), (a, None, c), (a, b, None))


REWORDED_CREDIT = 0.5


def similarity(a: set, b: set) -> float:
    """How much of the smaller message's word triples the other holds (0 to 1).

    A triple found as it is counts 1; a triple found with one of its three words changed (a
    lightly reworded copy: "a few ideas" / "some ideas") counts REWORDED_CREDIT."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    gapped = _gapped_set(big) if isinstance(big, frozenset) else frozenset(g for t in big for g in _gapped(t))
    score = 0.0
    for triple in small:
        if triple in big:
            score += 1
        elif len(triple) == 3:
            a, b, c = triple
            if (None, b, c) in gapped or (a, None, c) in gapped or (a, b, None) in gapped:
                score += REWORDED_CREDIT
    return score / len(small)


@lru_cache(maxsize=256)
def _gapped_set(triples: frozenset) -> frozenset:
    """Every triple of a message with each word left open in turn (built once per message)."""
    out = set()
    for triple in triples:
        if len(triple) == 3:
            a, b, c = triple
            out.update(((None, b, c), (a, None, c), (a, b, None)))
    return frozenset(out)


# --- names in the greeting, companies named -----------------------------------------------------

# A name's word: letters, with inner apostrophes and hyphens ("O'Neil", "Al-Sayed").
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_TITLES = frozenset(
    "mr mrs ms mx miss dr prof professor sir madam madame dame mister doctor coach chef rev reverend "
    "captain capt judge officer señor señora sr sra".split()
)
_GREETING = re.compile(
    r"(?:dear|hi|hii|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day)|morning|afternoon|"
    r"evening|bonjour|hola)\b",
    re.I,
)
# a line above the greeting in a plain-text or Markdown draft: a mail header written out by hand
# ("Subject: Thank you", "**To:** Wen Zhao") or a Markdown heading
_HEADER_LINE = re.compile(r"\s*(?:[*_]{0,2}(?:subject|subj|re|fwd?|to|from|cc|bcc|date|sent)\s*:|#{1,6}\s)", re.I)
# where the addressed part of a salutation ends: a comma, colon, dash, exclamation, or the line
_ADDRESS_END = re.compile(r"[,:;!?\n—–]|\s-\s|\s-$|\.(?=\s+[A-Z])|\.\s*$")


def fold(word: str) -> str:
    """A word as names are compared: lower case, no accents, straight apostrophes."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class GreetingName:
    """A word of the greeting that may be a person's name: where it stands and whether the
    salutation addresses it ("Hi Wen," addresses Wen; "Hello and thanks, Wen!" does not)."""

    start: int
    end: int
    text: str
    addressed: bool


def greeting_names(text: str) -> tuple[GreetingName, ...]:
    """The capitalised words of the message's greeting: the salutation line ("Hi Wen,", "Dear
    Ms. Okafor:", "Wen -") and an opening "Name," before the first sentence. Lines quoted with
    ">" are skipped; honorifics are not names."""
    out: list[GreetingName] = []
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]*", text) if m.group(0).strip()]
    lines = [(s, line) for s, line in lines if not line.lstrip().startswith(">")]
    while lines and _HEADER_LINE.match(lines[0][1]):
        del lines[0]  # "Subject: ..." atop a .txt/.md draft, a Markdown title: the greeting follows
    if not lines:
        return ()
    start, line = lines[0]
    indent = len(line) - len(line.lstrip())
    greeting = _GREETING.match(line, indent)
    if greeting:
        # the salutation line: the addressed part runs to the first comma, colon, dash...
        rest_at = greeting.end()
        address_end = len(line)
        for end_match in _ADDRESS_END.finditer(line, rest_at):
            before = line[rest_at : end_match.start()].split()
            if end_match.group(0).startswith(".") and before and (fold(before[-1]) in _TITLES or len(before[-1]) == 1):
                continue  # "Dear Ms. Okafor", "Hi J. Smith"
            address_end = end_match.start()
            break
        sentence_end = re.search(r"[.!?](?:\s|$)", line[address_end:])
        line_end = address_end + sentence_end.end() if sentence_end else len(line)
        for m in _NAME_WORD.finditer(line, rest_at, line_end):
            word = m.group(0)
            addressed = m.start() < address_end
            if fold(word) in _TITLES or not (addressed or word[0].isupper()):
                continue
            out.append(GreetingName(start + m.start(), start + m.end(), word, addressed))
        if len(lines) > 1 and line[address_end:].strip(" ,:;!-—–\t") == "":
            start, line = lines[1]  # an opening "Name," may follow the salutation line
        else:
            return tuple(out)
    # an opening "Name," or "Name -" (one to three capitalised words) before the first sentence
    opening = re.match(r"\s*((?:[^\W\d_][\w'’.\-]*\s+){0,3}?[^\W\d_][\w'’\-]*)\s*(?:,|\s[-—–]\s|[-—–]\s*$|:\s*$)", line)
    if opening and all(w[0].isupper() for w in opening.group(1).split()):
        for m in _NAME_WORD.finditer(line, opening.start(1), opening.end(1)):
            if fold(m.group(0)) not in _TITLES:
                out.append(GreetingName(start + m.start(), start + m.end(), m.group(0), True))
    return tuple(out)


def name_keys(name: str, aliases: tuple[str, ...] = ()) -> frozenset[str]:
    """The words a person answers to: each word of their name (first, last, middle) and of their
    aliases, folded; and the whole name and each alias as one key."""
    keys = set()
    for full in (name, *aliases):
        parts = [fold(w) for w in _NAME_WORD.findall(full) if fold(w) not in _TITLES]
        keys.update(p for p in parts if len(p) >= 2)
        if parts:
            keys.add(" ".join(parts))
    return frozenset(keys)


def distinctive_words(company: str, common: frozenset[str]) -> tuple[str, ...]:
    """The words of a company's name that identify it: not common English words, not legal
    suffixes, not numbers ("Meridian" of "Meridian Health Partners")."""
    out = []
    for word in _NAME_WORD.findall(company):
        lower = fold(word)
        if len(lower) < 3 or lower in common or lower in LEGAL_SUFFIXES or lower.rstrip("s") in common:
            continue
        out.append(word)
    return tuple(out)


LEGAL_SUFFIXES = frozenset(
    "inc incorporated llc llp lp ltd limited co corp corporation company companies group partners holdings plc gmbh "
    "ag sa sas srl bv nv pty pvt oy ab as kk associates international intl".split()
)


def company_mentions(text: str, company: str, distinctive: tuple[str, ...]) -> list[Hit]:
    """Where the text names the company: its whole name (any case) or one of its distinctive
    words written with a capital ("joining Meridian", "Meridian's"). Quoted lines (">") are skipped."""
    hits = []
    spans = [re.escape(company.strip())] if company.strip() else []
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(spans)})(?![\w-])", re.I) if spans else None
    quoted = [(m.start(), m.end()) for m in re.finditer(r"^[ \t]*>[^\n]*", text, re.M)]
    # spans already taken and quoted lines, each kind sorted and disjoint: an overlap is found by
    # looking at the neighbours of a place, not by a walk over every span (a draft may name a
    # company thousands of times)
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    quoted_starts = [q[0] for q in quoted]
    quoted_ends = [q[1] for q in quoted]

    def clear_of(starts: list[int], ends: list[int], a: int, b: int) -> bool:
        at = bisect.bisect_left(starts, a)
        return not ((at > 0 and ends[at - 1] > a) or (at < len(starts) and starts[at] < b))

    def free(a: int, b: int) -> bool:
        return clear_of(taken_starts, taken_ends, a, b) and clear_of(quoted_starts, quoted_ends, a, b)

    def take(a: int, b: int) -> None:
        at = bisect.bisect_left(taken_starts, a)
        taken_starts.insert(at, a)
        taken_ends.insert(at, b)

    one_word = len(_NAME_WORD.findall(company)) == 1
    if pattern is not None:
        for m in pattern.finditer(text):
            if one_word and not m.group(0)[0].isupper():
                continue  # "Summit" the company, not "the summit"
            if free(m.start(), m.end()):
                hits.append(Hit(m.start(), m.end(), m.group(0)))
                take(m.start(), m.end())
    for word in distinctive:
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I):
            found = m.group(0)
            if not (found[0].isupper() or found.isupper()) or not free(m.start(), m.end()):
                continue
            hits.append(Hit(m.start(), m.end(), found))
            take(m.start(), m.end())
    return sorted(hits, key=lambda h: h.start)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The common English words of rules/phrases/common-words.txt (read on first use only)."""
    return frozenset(_common_word_list())


@lru_cache(maxsize=1)
def _common_word_list() -> tuple[str, ...]:
    """The same words in the file's (sorted) order."""
    from .resources import rules_dir

    try:
        text = (rules_dir() / "phrases" / "common-words.txt").read_text(encoding="utf-8")
    except OSError:
        return ()
    start = 0  # comment lines first, then one word a line
    while text.startswith("#", start):
        start = text.find("\n", start) + 1 or len(text)
    return tuple(text[start:].split())
