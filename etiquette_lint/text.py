"""Reading drafts: phrase lists, topic mentions, specific detail and near-copy similarity.

Text analysis only finds things and says where they are (spans); the rules decide what a
finding is. Phrase lists are data (`rules/phrases/*.yaml`); this module compiles and applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer
import yaml

from .errors import RuleError


@dataclass(frozen=True)
class Hit:
    """Words found in a text: [start, end) offsets and the words themselves."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PhraseList:
    name: str
    description: str
    patterns: tuple[re.Pattern, ...]
    words: frozenset[str]
    path: str


def load_phrase_lists(folders: list[Path]) -> dict[str, PhraseList]:
    """Every `phrases/*.yaml` of the given rule folders; a later folder extends an earlier list."""
    lists: dict[str, PhraseList] = {}
    for folder in folders:
        for file in sorted((folder / "phrases").glob("*.yaml")):
            data = _read_yaml(file)
            name = data.get("name") or file.stem
            patterns = []
            for index, source in enumerate(data.get("patterns") or ()):
                try:
                    patterns.append(re.compile(rf"(?<![\w]){source}", re.IGNORECASE))
                except re.error as exc:
                    raise RuleError(
                        f"pattern {index} {source!r} is not a valid regular expression: {exc}; "
                        "expected a Python regular expression",
                        path=str(file), pointer=f"/patterns/{index}",
                    ) from None
            words = frozenset(str(w).lower() for w in data.get("words") or ())
            if name in lists:
                old = lists[name]
                lists[name] = PhraseList(name, old.description, old.patterns + tuple(patterns), old.words | words, old.path)
            else:
                lists[name] = PhraseList(name, str(data.get("description", "")).strip(), tuple(patterns), words, str(file))
    return lists


def _read_yaml(file: Path) -> dict:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot be read: {exc}", path=str(file)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(f"invalid YAML: {getattr(exc, 'problem', exc)}", path=str(file),
                        line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise RuleError("expected a mapping with 'name' and 'patterns' or 'words'", path=str(file))
    return data


# --- masking -----------------------------------------------------------------------------------

_URL = re.compile(r"<?\b(?:https?://|www\.|mailto:)[^\s<>()\]]+>?|<[^\s<>@]+@[^\s<>@]+>|\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MD_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_CODE = re.compile(r"`[^`\n]*`")


def blank(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def without_links(text: str) -> str:
    """The text with URLs, e-mail addresses, Markdown link targets and code spans blanked."""
    text = blank(text, _MD_LINK_TARGET)
    text = blank(text, _URL)
    return blank(text, _CODE)


def find_phrases(text: str, phrases: PhraseList) -> list[Hit]:
    """Every non-overlapping match of the list's patterns, in order of position."""
    hits: list[Hit] = []
    for pattern in phrases.patterns:
        for match in pattern.finditer(text):
            if match.end() > match.start():
                hits.append(Hit(match.start(), match.end(), match.group(0)))
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


# --- words, stems, sentences -------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:[.,]\d+)*%?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*[-*•])")

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves i'm i've i'd i'll it's you're
    we're that's there's let's don't didn't can't won't isn't wasn't aren't also really""".split()
)

_ABBREVIATIONS = {
    "q1": ["first", "quarter"], "q2": ["second", "quarter"], "q3": ["third", "quarter"],
    "q4": ["fourth", "quarter"], "ehr": ["electronic", "health", "record"],
    "crm": ["customer", "relationship", "management"], "ai": ["artificial", "intelligence"],
    "ml": ["machine", "learning"], "hr": ["human", "resources"], "kpi": ["key", "performance", "indicator"],
    "kpis": ["key", "performance", "indicator"], "roi": ["return", "investment"],
    "saas": ["software", "service"], "b2b": ["business", "business"], "ci": ["continuous", "integration"],
}


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower().replace("’", "'").strip("'-"))


def words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for every word of the text."""
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def content_stems(text: str) -> list[str]:
    return [stem(w) for w, _, _ in words(text) if w.lower() not in STOP_WORDS]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence (or list item, or paragraph) of the text."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


# --- topics ----------------------------------------------------------------------------------


def _topic_alternatives(topic: str) -> list[set[str]]:
    """The sets of stems, any of which counts as a mention of the topic."""
    base: list[str] = []
    expanded: list[str] = []
    for word, _, _ in words(topic):
        lower = word.lower()
        if lower in STOP_WORDS:
            continue
        base.append(stem(lower))
        expanded.extend(stem(w) for w in _ABBREVIATIONS.get(lower, [lower]))
    alternatives = [set(base)]
    if expanded != base:
        alternatives.append(set(expanded))
    return [a for a in alternatives if a]


def topic_mention(text: str, topic: str) -> Hit | None:
    """Where the text touches on `topic`: a sentence holding (most of) the topic's content words.

    A one- or two-word topic needs all its words in one sentence; a longer one needs all but one
    (at least two). Words are compared by stem, so inflection, word order and case do not matter;
    common abbreviations are expanded both ways.
    """
    alternatives = _topic_alternatives(topic)
    if not alternatives:
        return None
    for start, end in sentences(text):
        sentence_words = words(text[start:end])
        stems = {}
        for word, ws, we in sentence_words:
            lower = word.lower()
            for s in [stem(lower)] + [stem(w) for w in _ABBREVIATIONS.get(lower, [])]:
                stems.setdefault(s, (start + ws, start + we))
        for wanted in alternatives:
            found = [stems[s] for s in wanted if s in stems]
            needed = len(wanted) if len(wanted) <= 2 else max(2, len(wanted) - 1)
            if len(found) >= needed:
                first = min(f[0] for f in found)
                last = max(f[1] for f in found)
                return Hit(first, last, text[first:last])
    return None


def specific_details(text: str, stock: frozenset[str], names: list[str]) -> list[Hit]:
    """Words that carry detail: not stop words, not stock courtesy, not names of the people,
    the company or the role. Numbers always count."""
    excluded = {stem(w) for w in stock} | {stem(w.lower()) for n in names for w, _, _ in words(n)}
    hits = []
    for word, start, end in words(text):
        lower = word.lower()
        if lower in STOP_WORDS or lower in stock:
            continue
        if stem(lower) in excluded:
            continue
        hits.append(Hit(start, end, word))
    return hits


# --- near copies -------------------------------------------------------------------------------


def mask(text: str, names: list[str]) -> str:
    """Replace the given names (people, titles, companies) by one token, longest first.

    The replacement keeps the length of what it replaces, so offsets in the masked text are
    offsets in the original."""
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", lambda m: MASK + " " * (len(m.group(0)) - 1),
                      text, flags=re.IGNORECASE)
    return text


MASK = "Q"


def shingles(text: str, courtesy: PhraseList | None, size: int = 3) -> set[tuple[str, ...]]:
    """Word n-grams of the sentences that are not mere courtesy lines."""
    out: set[tuple[str, ...]] = set()
    for start, end in sentences(text):
        sentence = text[start:end]
        if courtesy is not None and _is_courtesy(sentence, courtesy):
            continue
        tokens = [w.lower() for w, _, _ in words(sentence)]
        if len(tokens) < size:
            if tokens:
                out.add(tuple(tokens))
            continue
        for i in range(len(tokens) - size + 1):
            out.add(tuple(tokens[i : i + size]))
    return out


def _is_courtesy(sentence: str, courtesy: PhraseList) -> bool:
    rest = sentence
    for hit in reversed(find_phrases(sentence, courtesy)):
        rest = rest[: hit.start] + rest[hit.end :]
    remaining = [w for w, _, _ in words(rest) if w.lower() not in STOP_WORDS and w != MASK]
    return len(remaining) <= 2 and len(rest) < len(sentence)


def similarity(a: set, b: set) -> float:
    """Containment of the smaller message's shingles in the other's (0 to 1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
