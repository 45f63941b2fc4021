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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer  # PyStemmer: the Snowball stemmers in C (100x the pure-Python package)
import yaml

from .cache import by_content
from .errors import RuleError
from .limits import MAX_PATTERNS, MAX_RULE_FILE_BYTES, risky_pattern
from .regex_cache import compile_pattern
from .source import FileProblem, read_regular

CONTEXTS = ("negated", "question", "quoted", "theirs", "conditional", "requested")


@dataclass(frozen=True)
class Hit:
    """Words found in a text: [start, end) offsets and the words themselves."""

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

    @property
    def patterns(self) -> tuple[re.Pattern, ...]:
        """Each pattern compiled (on first use: most drafts never need them one by one)."""
        return tuple(_compiled(source) for source in self.sources)

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


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
    lists: dict[str, PhraseList] = {}
    for name, entries in raw.items():
        for file, data in entries:
            sources = tuple(
                _expand(file, index, str(source), defines) for index, source in enumerate(data.get("patterns") or ())
            )
            if trusted is None or file.parent.parent != trusted:
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
                if trusted is None or file.parent.parent != trusted:
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
    try:
        _scanner(sources)
        return
    except re.error:
        pass
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


def _read_yaml(file: Path) -> dict:
    try:
        data = yaml.load(read_regular(file, MAX_RULE_FILE_BYTES).decode("utf-8"), Loader=_YAML_LOADER)
    except FileProblem as problem:
        raise RuleError(f"{problem.reason}; expected a phrase list", path=str(file)) from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"cannot be read: {exc}", path=str(file)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            path=str(file),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
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


@by_content(maxsize=8192, max_chars=1 << 20)  # bounded in bytes (cache.py)
def words(text: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for every word of the text (cached: the same sentences are read by
    several rules' analyses)."""
    return tuple((m.group(0), m.start(), m.end()) for m in _WORD.finditer(text))


# A full stop after these does not end a sentence ("Dear Ms. Birch", "6 a.m. shift", "e.g. this").
_NOT_AN_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|St|Sr|Jr|Mt|No|vs|etc|approx|Inc|Ltd|Co|Corp|Dept|Ave|Fig|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Za-z]|\b(?:[a-zA-Z]\.){1,3}[a-zA-Z])\.$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*•+]|\d+[.)]|#)\s)")


@by_content(maxsize=2048, max_chars=1 << 20)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence (or list item, heading, or paragraph) of the text."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rstrip("\"'”’)]")
        if match.group(0).strip(" \t") == "" or "\n" not in match.group(0):
            # a full stop inside one line: not after an abbreviation, and not before a lower-case word
            if _NOT_AN_END.search(before):
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


def sentence_at(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return offset, offset


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
_QUOTES = {'"': '"', "“": "”", "«": "»"}


def _inside_quotes(sentence: str, offset: int) -> bool:
    """Whether `offset` of the sentence lies between a pair of double quotation marks."""
    open_mark = None
    for ch in sentence[:offset]:
        if open_mark is None and ch in _QUOTES:
            open_mark = ch
        elif open_mark is not None and ch == _QUOTES[open_mark]:
            open_mark = None
    if open_mark is None:
        return False
    return _QUOTES[open_mark] in sentence[offset:]


def in_context(text: str, hit: Hit, sentence: tuple[int, int], context: str) -> bool:
    """Whether the hit stands in `context` (see CONTEXTS) within its sentence."""
    start, end = sentence
    before = text[start : hit.start]
    if context == "question":
        rest = text[hit.end : end].rstrip()
        tail = re.split(r"(?<=[.!])\s", rest, maxsplit=1)[0]
        return tail.rstrip("\"'”’) ").endswith("?")
    if context == "quoted":
        return _inside_quotes(text[start:end], hit.start - start)
    if context == "theirs":
        clause = _CLAUSE_BREAK.split(before)[-1] if before else ""
        return bool(_THEIRS.search(" ".join(clause.split()[-6:])))
    if context == "requested":
        return bool(_REQUESTED.search(text[start:end]))
    if context == "conditional":
        clause = re.split(r"[;:—–()]|,(?!\s*(?:I|we)\b)|\b(?:but|because|so)\b", before)[-1] if before else ""
        return bool(_CONDITIONAL.search(clause))
    if context == "negated":
        clause = _CLAUSE_BREAK.split(before)[-1] if before else ""
        tail = " ".join(clause.split()[-4:])
        return bool(_NEGATORS.search(tail))
    return False


def find_phrases(text: str, phrases: PhraseList, bounds: list[tuple[int, int]] | None = None) -> list[Hit]:
    """Every non-overlapping match of the list's patterns that counts in its context, in order.

    Where several patterns match at one place, the longest wins; a match that does not count in
    its context (see `unless`, `needs`) does not hide a match starting inside it."""
    scanner = phrases.scanner
    if scanner is None:
        return []
    kept: list[Hit] = []
    position = 0
    while True:
        found = scanner.search(text, position)
        if found is None:
            return kept
        start = found.start()
        end = max((m.end() for m in (p.match(text, start) for p in phrases.patterns) if m), default=found.end())
        hit = Hit(start, start + len(text[start:end].rstrip()), text[start:end].rstrip())
        if hit.end > hit.start and (phrases.unless or phrases.needs):
            if bounds is None:
                bounds = sentences(text)
            sentence = sentence_at(bounds, start)
            if any(in_context(text, hit, sentence, c) for c in phrases.unless):
                hit = None
            elif phrases.needs:
                hit = _with_needs(text, hit, sentence, phrases.needs, phrases.near)
        if hit is None or hit.end <= hit.start or (kept and hit.start < kept[-1].end):
            position = start + 1
            continue
        kept.append(hit)
        position = max(hit.end, start + 1)


def _with_needs(
    text: str, hit: Hit, sentence: tuple[int, int], needs: tuple[re.Pattern, ...], near: int = 0
) -> Hit | None:
    """The hit widened to the nearest match of each needed pattern in its sentence (the first of
    them within `near` characters of it when `near` is set), or None."""
    start, end = hit.start, hit.end
    s_start, s_end = sentence if sentence[1] > sentence[0] else (hit.start, hit.end)
    for index, pattern in enumerate(needs):
        found = [m for m in pattern.finditer(text, s_start, s_end) if m.end() > m.start()]
        if not found:
            return None
        closest = min(found, key=lambda m: _gap(hit, m))
        if near and index == 0 and _gap(hit, closest) > near:
            return None
        start, end = min(start, closest.start()), max(end, closest.end())
    return Hit(start, end, text[start:end])


def _gap(hit: Hit, match: re.Match) -> int:
    """Characters between a hit and a match (0 when they overlap)."""
    return max(0, match.start() - hit.end, hit.start - match.end())


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


def _split_alnum(word: str) -> list[str]:
    """'soc2' -> ['soc', '2']; 'b2b' -> ['b', '2', 'b']; plain words unchanged."""
    parts = re.findall(r"[^\W\d_]+|\d+", word)
    return parts or [word]


@dataclass(frozen=True)
class _Token:
    stem: str
    start: int
    end: int
    initial: str
    stop: bool
    surface: str = ""


@by_content(maxsize=8192, max_chars=1 << 20)
def _tokens(text: str, lexicon: TopicLexicon) -> tuple[_Token, ...]:
    """The text's words as stems (abbreviations expanded in place: "Q3" also yields "third", "quarter")."""
    out = []
    for word, start, end in words(text):
        lower = word.lower().replace("’", "'")
        stop = lower in STOP_WORDS
        expansions = lexicon.expansions.get(lower) or lexicon.expansions.get(lower.rstrip("s"))
        if expansions:
            out.append(_Token(stem(lower), start, end, lower[0], stop))
            for expansion in expansions:
                out.extend(_Token(stem(w), start, end, w[0], w in STOP_WORDS) for w in expansion)
            continue
        for part in _split_alnum(lower):
            out.append(_Token(stem(part), start, end, part[0], stop, part))
    return tuple(out)


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
    text: str, topic: str, lexicon: TopicLexicon = EMPTY_LEXICON, bounds: list[tuple[int, int]] | None = None
) -> Hit | None:
    """Where the text touches on `topic`: the first sentence that names it, in any word order.

    Words are compared by stem (inflection, case), a clipped word matches its full form
    ("merch"), a one-letter typo in a long word is forgiven, abbreviations match what they stand
    for (from the lexicon, or by initials: "CIP" / "capital improvement plan"). A topic is named
    when at least half of its strong words appear in one sentence (at least one); weak words
    ("plan", "process", "team": stock words and the lexicon's) count only when a topic has no
    strong word, and then all of them are needed.
    """
    parts = _topic_parts(topic, lexicon)
    if not parts:
        return None
    strong = [p for p in parts if p[1]]
    wanted = strong or parts
    needed = len(wanted) if not strong else max(1, (len(wanted) + 1) // 2)
    acronyms = [p[2] for p in parts if len(p[2]) >= 2 and p[2].isalpha() and _looks_like_acronym(topic, p[2])]
    for start, end in bounds if bounds is not None else sentences(text):
        tokens = _tokens(text[start:end], lexicon)
        found: dict[str, tuple[int, int]] = {}
        for s, _, surface in wanted:
            for t in tokens:
                if _stems_match(s, t.stem) or (len(surface) >= 6 and _one_edit_apart(surface, t.surface)):
                    found.setdefault(s, (t.start, t.end))
                    break
            else:
                expansion = _expansion_in(surface, tokens, lexicon)
                if expansion is not None:
                    found.setdefault(s, expansion)
                elif surface in acronyms:
                    for i in range(len(tokens)):
                        j = _acronym_at(surface, tokens, i)
                        if j is not None:
                            found.setdefault(s, (tokens[i].start, tokens[j - 1].end))
                            break
        # the other way round: an acronym in the text for several words of the topic
        if len(found) < needed and len(parts) >= 2:
            topic_tokens = _tokens(topic, lexicon)
            for word, ws, we in words(text[start:end]):
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
    for match in _SIGN_OFF.finditer(text):
        if match.start() > len(text) // 3:
            body_end = match.start()
            break
    else:
        signature = _signature_start(text)
        if signature is not None:
            body_end = signature
    skipped = [(m.start(), m.end()) for m in _SALUTATION.finditer(text[:body_end])]
    hits = []
    for word, start, end in words(text[:body_end]):
        if any(s <= start < e for s, e in skipped):
            continue
        lower = word.lower()
        if lower in STOP_WORDS or lower in stock:
            continue
        if stem(lower) in excluded:
            continue
        if common and word.islower() and _cut_off(lower, common):
            continue
        hits.append(Hit(start, end, word))
    return hits


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


# --- near copies -------------------------------------------------------------------------------


def mask(text: str, names: list[str]) -> str:
    """Replace the given names (people, titles, companies) by one token, longest first.

    The replacement keeps the length of what it replaces, so offsets in the masked text are
    offsets in the original."""
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(
            rf"(?<!\w){re.escape(name)}(?!\w)", lambda m: MASK + " " * (len(m.group(0)) - 1), text, flags=re.IGNORECASE
        )
    return text


MASK = "Q"


def shingle_tokens(sentence: str) -> list[str]:
    """The words of a sentence as compared for near copies: stems, so inflection does not hide a copy."""
    return [stem(w) for w, _, _ in words(sentence)]


def shingles(text: str, courtesy: PhraseList | None, size: int = 3) -> set[tuple[str, ...]]:
    """Word n-grams (of stems) of the sentences that are not mere courtesy lines."""
    out: set[tuple[str, ...]] = set()
    for start, end in sentences(text):
        sentence = text[start:end]
        if courtesy is not None and _is_courtesy(sentence, courtesy):
            continue
        tokens = shingle_tokens(sentence)
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
    gapped = {g for t in big for g in _gapped(t)}
    score = 0.0
    for triple in small:
        if triple in big:
            score += 1
        elif any(g in gapped for g in _gapped(triple)):
            score += REWORDED_CREDIT
    return score / len(small)


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
    taken: list[tuple[int, int]] = []
    quoted = [(m.start(), m.end()) for m in re.finditer(r"^[ \t]*>[^\n]*", text, re.M)]

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in taken + quoted)

    one_word = len(_NAME_WORD.findall(company)) == 1
    if pattern is not None:
        for m in pattern.finditer(text):
            if one_word and not m.group(0)[0].isupper():
                continue  # "Summit" the company, not "the summit"
            if free(m.start(), m.end()):
                hits.append(Hit(m.start(), m.end(), m.group(0)))
                taken.append((m.start(), m.end()))
    for word in distinctive:
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I):
            found = m.group(0)
            if not (found[0].isupper() or found.isupper()) or not free(m.start(), m.end()):
                continue
            hits.append(Hit(m.start(), m.end(), found))
            taken.append((m.start(), m.end()))
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
