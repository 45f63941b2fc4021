"""Where a phrase pattern can start: a table from the first characters of a match to the patterns.

Scanning a draft with the alternation of a whole phrase list costs several microseconds at every
word start: the regular expression engine tries each of its alternatives in turn. Most of them
can be ruled out by the first few characters. This module reads each pattern's parse tree (the
standard library's, the one `re.compile` builds) and lists the strings, up to KEY characters and
case-folded as the engine folds them, that a match can begin with. A draft is then read once,
word start by word start; a pattern is only tried where its key is found. Patterns whose start
cannot be listed (one that may begin with any letter, `\\w+` for instance) form a small residual
alternation that is scanned as before.

The table only ever says where a pattern *may* match (it over-approximates: lookarounds are
ignored, repetitions cut the key short); the pattern itself decides. So the hits are exactly those
of scanning with the whole alternation, which `tests/test_text.py` checks on every built-in list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..core.digest import hexdigest
from ..regex_cache import compile_pattern

try:
    import _sre
    from re import _casefix, _parser
    from re import _constants as C
except ImportError:  # not CPython: no table, every pattern is residual
    _sre = None

KEY = 6  # characters of a key
_CAP = 600  # keys per pattern before the key is cut shorter


class _Stop(Exception):
    """The parse tree says nothing more about the next character."""


def _fold(code: int, ignorecase: bool) -> set[str]:
    low = _sre.unicode_tolower(code)
    out = {low}
    if ignorecase:
        out.update(_casefix._EXTRA_CASES.get(low, ()))
    return {chr(c) for c in out}


def fold(text: str) -> str:
    """The text as keys are written: each character lowered the way the engine compares them
    (str.lower does the same but for "İ", which it makes two characters, and a final sigma)."""
    if text.isascii() or not ("İ" in text or "Σ" in text):
        return text.lower()
    return "".join(chr(_sre.unicode_tolower(ord(c))) for c in text)


def _alternatives(op, av, flags: int) -> set[tuple[str, bool]]:
    """(string, complete) for one node: the strings it can match at its start; `complete` when the
    node is then done (the next node continues the key), else the key ends there."""
    ignorecase = bool(flags & re.IGNORECASE)
    if op is C.LITERAL:
        return {(c, True) for c in _fold(av, ignorecase)}
    if op is C.IN:
        chars: set[str] = set()
        for item, value in av:
            if item is C.LITERAL:
                chars |= _fold(value, ignorecase)
            elif item is C.RANGE and value[1] - value[0] <= 64:
                for code in range(value[0], value[1] + 1):
                    chars |= _fold(code, ignorecase)
            else:  # a category, a negation, a wide range
                raise _Stop
        return {(c, True) for c in chars}
    if op is C.SUBPATTERN:
        _group, add, remove, pattern = av
        return _sequence(pattern.data, (flags | add) & ~remove)
    if op is C.BRANCH:
        out: set[tuple[str, bool]] = set()
        for branch in av[1]:
            out |= _sequence(branch.data, flags)
            if len(out) > _CAP:
                raise _Stop
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, item = av
        inner = _sequence(item.data, flags)
        if low == high == 1:
            return inner
        cut = {(s, False) for s, _ in inner}  # one repetition or more: the key stops after the first
        return cut | {("", True)} if low == 0 else cut
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(av.data, flags)
    if op in (C.ASSERT, C.ASSERT_NOT, C.AT):
        return {("", True)}  # takes no characters (ignored: the key may only say too much)
    raise _Stop


def _sequence(items, flags: int) -> set[tuple[str, bool]]:
    current = {""}
    out: set[tuple[str, bool]] = set()
    for op, av in items:
        try:
            alternatives = _alternatives(op, av, flags)
        except _Stop:
            return out | {(s, False) for s in current}
        following = set()
        for s in current:
            for a, complete in alternatives:
                t = s + a
                if len(t) >= KEY:
                    out.add((t[:KEY], False))
                elif complete:
                    following.add(t)
                else:
                    out.add((t, False))
        if len(following) > _CAP:  # too many ways on: the key stops before this node
            return out | {(s, False) for s in current}
        current = following
        if not current:
            return out
    return out | {(s, True) for s in current}


def keys(source: str, flags: int) -> frozenset[str] | None:
    """The folded strings a match of `source` can start with, or None when that cannot be said
    (the pattern may start with anything, or with nothing)."""
    if _sre is None:
        return None
    try:
        found = {s for s, _ in _sequence(_parser.parse(source, flags).data, flags)}
    except (_Stop, re.error, RecursionError):
        return None
    if not found or "" in found:
        return None
    return frozenset(found)


def _trie(keys) -> str:
    """One regular expression matching any of the keys, as a tree of their common beginnings (so
    the engine tells a word from the others by its first letters, not by trying each key)."""
    tree: dict = {}
    for key in keys:
        node = tree
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(node[ch]) for ch in sorted(c for c in node if c)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


class Index:
    """The keys of the patterns of several phrase lists (the lists a draft is scanned for), read
    in one pass over a draft: `scan(text)` gives, per list, where its patterns may match.

    Deriving the keys parses every pattern (about a tenth of a second for the built-in lists):
    `table()` gives what is derived, `from_table` rebuilds the index from it, and the built-in
    lists' table is generated into `_dispatch_table.py` (see `index`)."""

    def __init__(self, lists: tuple[tuple[str, ...], ...], flags: int, compile=re.compile) -> None:
        by_key: dict[str, list[tuple[int, int]]] = {}
        residual: list[tuple[int, ...]] = []
        for number, sources in enumerate(lists):
            left = []
            for index, source in enumerate(sources):
                found = keys(source, flags)
                if found is None:
                    left.append(index)
                    continue
                for key in found:
                    by_key.setdefault(key, []).append((number, index))
            residual.append(tuple(left))
        # a key's hits include those of the keys it begins with ("i am l" also holds "i "'s)
        merged_by_key: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {}
        for key in sorted(by_key):
            merged: dict[int, list[int]] = {}
            for length in range(1, len(key) + 1):
                for number, index in by_key.get(key[:length], ()):
                    merged.setdefault(number, []).append(index)
            merged_by_key[key] = tuple((number, tuple(indexes)) for number, indexes in merged.items())
        self._set(lists, tuple(residual), merged_by_key, _trie(by_key) if by_key else "", compile)

    @classmethod
    def from_table(cls, lists: tuple[tuple[str, ...], ...], table: tuple, compile=re.compile) -> Index:
        """The index whose `table()` is `table`, without parsing a pattern."""
        index = cls.__new__(cls)
        index._set(lists, *table, compile)
        return index

    def _set(self, lists, residual, by_key, trie: str, compile) -> None:
        self.lists = lists
        self.residual: tuple[tuple[int, ...], ...] = residual
        self.by_key: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = by_key
        self.trie = trie
        # where a key begins: a word start (as the phrase patterns require) in the folded text; the
        # tree is greedy, so the group is the longest key the text there begins with
        self.starts = compile(rf"(?<![\w])(?=({trie}))") if trie else None

    def table(self) -> tuple:
        """What the index derived from its patterns: (residual, by_key, trie), plain values."""
        return self.residual, self.by_key, self.trie

    def scan(self, text: str) -> list[dict[int, tuple[int, ...]]]:
        """Per list: start -> indexes of the patterns that may match there (residual ones excluded)."""
        out: list[dict[int, tuple[int, ...]]] = [{} for _ in self.lists]
        if self.starts is None:
            return out
        by_key = self.by_key
        for match in self.starts.finditer(fold(text)):
            start = match.start()
            for number, indexes in by_key[match.group(1)]:
                out[number][start] = indexes
        return out

    def rescan(self, scanned: list[dict[int, tuple[int, ...]]], text: str, spans) -> list[dict[int, tuple[int, ...]]]:
        """`scan(text)` for a text made from a scanned one (`scanned`: what `scan` gave for it) by
        changing the characters of `spans` (sorted, disjoint (start, end), the length kept: blanked
        courtesy, masked names). What `scan` finds at a place depends on the character before it
        and the KEY characters from it, so only the places within KEY - 1 characters before a
        changed span, or inside it, or just after it, are read again; the rest is kept."""
        windows: list[list[int]] = []
        for start, end in spans:
            low, high = max(0, start - KEY + 1), end + 1
            if windows and low <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], high)
            else:
                windows.append([low, high])
        if not windows or self.starts is None:
            return scanned
        if 4 * sum(high - low for low, high in windows) > len(text):
            return self.scan(text)  # most of the text: reading it all costs less
        folded = fold(text)
        fresh: list[list[tuple[int, tuple[int, ...]]]] = [[] for _ in self.lists]
        by_key = self.by_key
        for low, high in windows:
            for match in self.starts.finditer(folded, low, min(len(folded), high + KEY - 1)):
                start = match.start()
                if start >= high:
                    break  # read with the text cut short: outside the window, kept from before
                for number, indexes in by_key[match.group(1)]:
                    fresh[number].append((start, indexes))
        blocked: set[int] = set()
        for low, high in windows:
            blocked.update(range(low, high))
        out = []
        for found, new in zip(scanned, fresh, strict=True):
            kept = [item for item in found.items() if item[0] not in blocked]
            # in order of start, as scan gives them (the starts are distinct: no tie to break)
            out.append(found if not new and len(kept) == len(found) else dict(sorted(kept + new)))
        return out


ALGORITHM = 1  # the version of the derivation above: a generated table records it


def table_digest(lists: tuple[tuple[str, ...], ...], flags: int) -> str:
    """What a table was derived from: the patterns, the flags and the derivation itself."""
    return hexdigest(repr((ALGORITHM, KEY, _CAP, int(flags), lists)).encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=64)
def index(lists: tuple[tuple[str, ...], ...], flags: int) -> Index:
    """The index of these lists: from the generated table when it was derived from them (the
    built-in phrase lists), else derived now (custom rule folders, a list edited since). The
    scanner of phrase lists is compiled through regex_cache (the same every run); that of a single
    list (a plan's names) is not kept, and costs less to derive than a table's digest."""
    if len(lists) == 1:
        return Index(lists, flags)
    try:
        from . import _dispatch_table as generated
    except ImportError:
        generated = None
    if generated is not None and table_digest(lists, flags) == generated.DIGEST:
        return Index.from_table(lists, (generated.RESIDUAL, generated.BY_KEY, generated.TRIE), compile_pattern)
    return Index(lists, flags, compile_pattern)


GENERATED = Path(__file__).with_name("_dispatch_table.py")


def builtin_family() -> tuple[tuple[str, ...], ...]:
    """The patterns of the built-in phrase lists, as they are scanned together."""
    from ..resources import rules_dir
    from ..text import load_phrase_lists

    lists = load_phrase_lists([rules_dir()], trusted=rules_dir())
    return next((pl.family for pl in lists.values() if pl.sources), ())


def generate() -> str:
    """The source of `_dispatch_table.py`: the index of the built-in phrase lists, derived."""
    lists = builtin_family()
    residual, by_key, trie = Index(lists, re.IGNORECASE).table()
    lines = [
        "# Generated by `python -m etiquette_lint.analysis` from the built-in phrase lists",
        "# (rules/phrases/*.yaml). Do not edit; regenerate after changing a pattern: a stale table",
        "# is not used (analysis.dispatch derives the index then, at a cost), and a test fails.",
        "# ruff: noqa",
        f"DIGEST = {table_digest(lists, re.IGNORECASE)!r}",
        f"RESIDUAL = {residual!r}",
        f"TRIE = {trie!r}",
        "BY_KEY = {",
        *(f"    {key!r}: {value!r}," for key, value in sorted(by_key.items())),
        "}",
        "",
    ]
    return "\n".join(lines)
